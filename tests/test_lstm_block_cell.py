"""tf.contrib.rnn.LSTMBlockCell: outputs, final state and gradients equal TF1's fused BlockLSTM op
(tf.raw_ops.BlockLSTM, the kernel TF1's LSTMBlockCell ran) at the same weights; variable names and
creation order are TF1's (tensorflow/contrib/rnn/python/ops/lstm_ops.py, TF 1.15: kernel, bias,
w_i_diag, w_f_diag, w_o_diag under lstm_cell), so BLOCK-mode PTB checkpoints load by name."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope.contrib import rnn

T, B, D, N = 5, 3, 4, 6
X = np.random.RandomState(0).randn(B, T, D).astype(np.float32)
COEFF = np.random.RandomState(1).randn(B, T, N).astype(np.float32)


def _model(x, **kw):
    cell = rnn.LSTMBlockCell(N, **kw)
    out, state = js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)
    return out, state


@pytest.mark.parametrize(
    "kw",
    [{}, {"forget_bias": 0.3}, {"use_peephole": True, "cell_clip": 0.4}, {"cell_clip": -1.0}],
    ids=["default", "forget_bias", "peephole_clip", "negative_clip"],
)
def test_lstm_block_cell_equals_tf1s_block_lstm_op(tf1, kw):
    f = js.transform(lambda x: _model(x, **kw))
    variables = f.init(jax.random.key(0), X)
    p = variables["params"]["rnn"]["lstm_cell"]
    names = [i.name for i in js.inspect(f, X)]
    peep = ["rnn/lstm_cell/w_i_diag", "rnn/lstm_cell/w_f_diag", "rnn/lstm_cell/w_o_diag"]
    assert names == ["rnn/lstm_cell/kernel", "rnn/lstm_cell/bias"] + (
        peep if kw.get("use_peephole") else []
    )
    assert p["kernel"].shape == (D + N, 4 * N) and p["bias"].shape == (4 * N,)

    def loss(x, variables):
        out, state = f.apply(variables, x)
        return jnp.sum(out * COEFF) + jnp.sum(state.c) + 2 * jnp.sum(state.h)

    out, state = f.apply(variables, X)
    gx, gv = jax.grad(loss, (0, 1))(X, variables)

    zeros = np.zeros(N, np.float32)
    with tf1.Graph().as_default():
        x = tf1.constant(np.swapaxes(X, 0, 1))
        w, b = tf1.constant(np.asarray(p["kernel"])), tf1.constant(np.asarray(p["bias"]))
        diag = [tf1.constant(np.asarray(p[k]) if kw.get("use_peephole") else zeros)
                for k in ("w_i_diag", "w_f_diag", "w_o_diag")]  # fmt: skip
        z = tf1.zeros([B, N])
        clip = kw.get("cell_clip")
        _, cs, _, _, _, _, h = tf1.raw_ops.BlockLSTM(
            seq_len_max=tf1.constant(T, tf1.int64), x=x, cs_prev=z, h_prev=z, w=w,
            wci=diag[0], wcf=diag[1], wco=diag[2], b=b, forget_bias=kw.get("forget_bias", 1.0),
            cell_clip=-1.0 if clip is None else clip, use_peephole=kw.get("use_peephole", False),
        )  # fmt: skip
        tf_out = tf1.transpose(h, [1, 0, 2])
        tf_loss = (
            tf1.reduce_sum(tf_out * COEFF) + tf1.reduce_sum(cs[-1]) + 2 * tf1.reduce_sum(h[-1])
        )
        grads = tf1.gradients(tf_loss, [x, w, b])
        with tf1.Session() as s:
            want_out, want_c, want_gx, want_gw, want_gb = s.run([tf_out, cs[-1], *grads])
    np.testing.assert_allclose(out, want_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.c, want_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state.h, want_out[:, -1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gx, np.swapaxes(want_gx, 0, 1), rtol=1e-4, atol=1e-5)
    g = gv["params"]["rnn"]["lstm_cell"]
    np.testing.assert_allclose(g["kernel"], want_gw, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g["bias"], want_gb, rtol=1e-4, atol=1e-5)
