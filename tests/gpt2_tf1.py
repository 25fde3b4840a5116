"""A compact GPT-2 in ``tf.compat.v1`` graph mode, the oracle for ``experiments/gpt2``.

Written for these tests to the original release's structure (scopes, names, shapes, initializers,
creation order, past/present semantics); ``build`` returns the logits and present tensors.
"""

import numpy as np


def build(tf, hp, X, past=None, scope="model", reuse=False):
    """GPT-2 on int32 tokens ``X`` [batch, seq]; ``past`` [batch, layers, 2, heads, len, dim]."""
    E, H = hp["n_embd"], hp["n_head"]

    def dense(x, name, nf):
        with tf.variable_scope(name):
            nx = x.shape[-1]
            w = tf.get_variable(
                "w", [1, nx, nf], initializer=tf.random_normal_initializer(stddev=0.02)
            )
            b = tf.get_variable("b", [nf], initializer=tf.constant_initializer(0))
            lead = tf.shape(x)[:-1]
            y = tf.matmul(tf.reshape(x, [-1, nx]), tf.reshape(w, [nx, nf])) + b
            return tf.reshape(y, tf.concat([lead, [nf]], 0))

    def layer_norm(x, name):
        with tf.variable_scope(name):
            g = tf.get_variable("g", [x.shape[-1]], initializer=tf.constant_initializer(1))
            b = tf.get_variable("b", [x.shape[-1]], initializer=tf.constant_initializer(0))
            mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
            return (x - mean) * tf.rsqrt(var + 1e-5) * g + b

    def heads(x):  # [b, t, E] -> [b, H, t, E/H]
        return tf.transpose(
            tf.reshape(x, [tf.shape(x)[0], tf.shape(x)[1], H, E // H]), [0, 2, 1, 3]
        )

    def attention(x, layer_past):
        with tf.variable_scope("attn"):
            q, k, v = map(heads, tf.split(dense(x, "c_attn", 3 * E), 3, axis=2))
            present = tf.stack([k, v], axis=1)
            if layer_past is not None:
                k = tf.concat([layer_past[:, 0], k], axis=-2)
                v = tf.concat([layer_past[:, 1], v], axis=-2)
            scores = tf.matmul(q, k, transpose_b=True) / np.sqrt(E // H).astype(np.float32)
            nd, ns = tf.shape(scores)[2], tf.shape(scores)[3]
            keep = tf.cast(tf.range(nd)[:, None] >= tf.range(ns)[None, :] - (ns - nd), tf.float32)
            scores = scores * keep - 1e10 * (1 - keep)
            a = tf.matmul(tf.nn.softmax(scores), v)
            a = tf.transpose(a, [0, 2, 1, 3])
            a = tf.reshape(a, [tf.shape(a)[0], tf.shape(a)[1], E])
            return dense(a, "c_proj", E), present

    with tf.variable_scope(scope, reuse=reuse):
        wpe = tf.get_variable(
            "wpe", [hp["n_ctx"], E], initializer=tf.random_normal_initializer(stddev=0.01)
        )
        wte = tf.get_variable(
            "wte", [hp["n_vocab"], E], initializer=tf.random_normal_initializer(stddev=0.02)
        )
        start = 0 if past is None else tf.shape(past)[-2]
        pos = start + tf.range(tf.shape(X)[1])
        h = tf.gather(wte, X) + tf.gather(wpe, pos)[None]
        presents = []
        for i in range(hp["n_layer"]):
            with tf.variable_scope(f"h{i}"):
                a, present = attention(layer_norm(h, "ln_1"), None if past is None else past[:, i])
                h = h + a
                x = layer_norm(h, "ln_2")
                with tf.variable_scope("mlp"):
                    m = dense(x, "c_fc", 4 * E)
                    m = 0.5 * m * (1 + tf.tanh(np.sqrt(2 / np.pi) * (m + 0.044715 * m**3)))
                    h = h + dense(m, "c_proj", E)
                presents.append(present)
        h = layer_norm(h, "ln_f")
        logits = tf.tensordot(h, wte, [[2], [1]])
        return {"logits": logits, "present": tf.stack(presents, axis=1)}


def load_from_tree(tf, sess, params):
    """Assigns each TF variable the leaf of ``params`` at its name's parts."""
    for var in tf.global_variables():
        value = params
        for part in var.op.name.split("/"):
            value = value[part]
        var.load(np.asarray(value), sess)
