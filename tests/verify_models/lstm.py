"""A small TF1 language model for tests/test_verify.py: an embedding, an LSTM run by
tf.nn.dynamic_rnn, and a projection to the vocabulary (the PTB tutorial's shape, tiny)."""

import tensorflow.compat.v1 as tf

VOCAB, HIDDEN = 11, 8


def build(ids):
    with tf.variable_scope("lm"):
        embedding = tf.get_variable("embedding", [VOCAB, HIDDEN])
        x = tf.nn.embedding_lookup(embedding, ids)
        cell = tf.nn.rnn_cell.LSTMCell(HIDDEN, forget_bias=1.0, name="lstm")
        outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        w = tf.get_variable("softmax_w", [HIDDEN, VOCAB])
        b = tf.get_variable("softmax_b", [VOCAB], initializer=tf.zeros_initializer())
        logits = tf.einsum("btd,dv->btv", outputs, w) + b
    return logits, state
