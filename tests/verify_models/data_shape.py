"""A TF1 model whose shape depends on the data (tests/test_verify.py): tf.boolean_mask keeps the
positive scores, as a detection head's filter does; TF1's graph has a None dimension there."""

import tensorflow.compat.v1 as tf


def build(x, op="boolean_mask"):
    w = tf.get_variable("w", [4, 4])
    scores = tf.matmul(x, w)
    if op == "boolean_mask":
        kept = tf.boolean_mask(scores, scores > 0)
    elif op == "where":
        kept = tf.where(scores > 0)
    else:
        kept, _ = tf.unique(tf.reshape(tf.cast(scores > 0, tf.int32), [-1]))
    return tf.reduce_sum(tf.cast(kept, tf.float32))
