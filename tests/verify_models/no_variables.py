"""A TF1 function with no variables (tests/test_verify.py): nothing to train."""

import tensorflow.compat.v1 as tf


def build(x):
    return tf.nn.softmax(tf.tanh(x) * 2.0)
