"""A TF1 classifier with dropout after its hidden layer (tests/test_verify.py): in training mode
the dropout draws random numbers, which the two sides draw differently."""

import tensorflow.compat.v1 as tf


def build(x, is_training=False):
    end_points = {}
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
    end_points["hidden"] = h
    h = tf.layers.dropout(h, rate=0.5, training=is_training, name="dropout")
    end_points["dropout"] = h
    logits = tf.layers.dense(h, 3, name="logits")
    end_points["logits"] = logits
    return logits, end_points
