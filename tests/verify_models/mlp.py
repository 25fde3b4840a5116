"""A small TF1 classifier for tests/test_verify.py: a hand-written square kernel, tf.layers with
batch norm and an L2 regularizer, and an end_points dict, as slim nets return them."""

import tensorflow.compat.v1 as tf


def build(x, is_training=False):
    end_points = {}
    with tf.variable_scope("mlp"):
        with tf.variable_scope("mix"):
            w = tf.get_variable("w", [6, 6], initializer=tf.glorot_uniform_initializer())
            h = tf.tanh(tf.matmul(x, w))
        end_points["mlp/mix"] = h
        with tf.variable_scope("hidden"):
            h = tf.layers.dense(
                h,
                8,
                kernel_initializer=tf.truncated_normal_initializer(stddev=0.5),
                bias_initializer=tf.constant_initializer(0.1),
                kernel_regularizer=lambda k: 0.01 * tf.nn.l2_loss(k),
            )
            h = tf.layers.batch_normalization(h, momentum=0.9, training=is_training, name="bn")
            h = tf.nn.relu(h)
        end_points["mlp/hidden"] = h
        logits = tf.layers.dense(h, 3, name="logits")
        end_points["mlp/logits"] = logits
    return logits, end_points
