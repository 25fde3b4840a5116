"""A TF1 model calling tf.py_func, which jaxscope.compat.v1 refuses (tests/test_verify.py)."""

import numpy as np
import tensorflow.compat.v1 as tf


def build(x):
    w = tf.get_variable("w", [4, 4])
    y = tf.py_func(np.tanh, [tf.matmul(x, w)], tf.float32)
    y.set_shape(x.shape)
    return y
