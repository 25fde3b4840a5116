"""jaxscope.nn.raw_rnn against tf.compat.v1.nn.raw_rnn (graph mode; tf_keras' legacy cells).

Each program is written once, ``prog(nn, ops, x, lengths)`` with ``nn`` either
``tf.compat.v1.nn`` or ``jaxscope.nn`` (``ops`` holds the few framework ops a ``loop_fn`` needs).
Both sides must agree on variable names, shapes and creation order; with TF's initial values
copied into the jaxscope tree, on the emitted outputs, the final state and loop state, and on the
gradients of a fixed random projection of them w.r.t. the inputs and every trainable variable.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*is deprecated and will be removed:UserWarning",
    "ignore:.*is deprecated:DeprecationWarning",
)

RTOL, ATOL = 1e-5, 1e-6
TIME, BATCH, DEPTH = 5, 3, 3


class _TfOps:
    def __init__(self, tf):
        self.tf = tf
        self.float32 = tf.float32
        self.get_variable = tf.get_variable
        self.zeros = tf.zeros

    def read(self, x, time):
        return self.tf.gather(x, self.tf.minimum(time, TIME - 1))

    def matmul(self, a, b):
        return self.tf.matmul(a, b)

    def concat(self, xs):
        return self.tf.concat(xs, 1)


class _JsOps:
    float32 = jnp.float32
    get_variable = staticmethod(js.get_variable)
    zeros = staticmethod(jnp.zeros)

    def read(self, x, time):
        return x[jnp.minimum(time, TIME - 1)]

    def matmul(self, a, b):
        return a @ b

    def concat(self, xs):
        return jnp.concatenate(xs, 1)


# -- the programs -------------------------------------------------------------------------------
def lstm_reads_inputs(nn, ops, x, lengths):
    """TF1's docstring example: read step ``time`` until ``time >= lengths``; no loop state."""
    cell = nn.rnn_cell.BasicLSTMCell(4)

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            cell_state = cell.zero_state(BATCH, ops.float32)
        return time >= lengths, ops.read(x, time), cell_state, cell_output, None

    emit_ta, state, loop_state = nn.raw_rnn(cell, loop_fn, **_max_iter(nn))
    assert loop_state is None
    return emit_ta.stack(), state


def gru_decoder(nn, ops, x, lengths):
    """A decoder: the next input is the step's input and its projected output, the projection
    (``rnn/proj``) is created inside ``loop_fn``; the emitted structure is a pair; the loop state
    accumulates the projections; ``scope="decoder"``."""
    cell = nn.rnn_cell.GRUCell(4)

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            state = cell.zero_state(BATCH, ops.float32)
            emit = (ops.zeros([2]), ops.zeros([4]))
            prev = ops.zeros([BATCH, 2])
            return time >= lengths, ops.concat([ops.read(x, time), prev]), state, emit, prev
        proj = ops.get_variable("proj", [4, 2])
        out = ops.matmul(cell_output, proj)
        next_input = ops.concat([ops.read(x, time), out])
        return time >= lengths, next_input, cell_state, (out, cell_output), loop_state + out

    emit_ta, state, loop_state = nn.raw_rnn(cell, loop_fn, scope="decoder", **_max_iter(nn))
    return [ta.stack() for ta in emit_ta], state, loop_state


def _max_iter(nn):
    return {} if nn is not js.nn else {"maximum_iterations": TIME}


PROGRAMS = [lstm_reads_inputs, gru_decoder]


# -- running both sides -------------------------------------------------------------------------
def _coefficients(shapes):
    rs = np.random.RandomState(1)
    return [rs.randn(*shape).astype(np.float32) for shape in shapes]


def run_tf(tf1, prog, x_np, lengths):
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        x = tf1.constant(x_np)
        out = prog(tf1.nn, _TfOps(tf1), x, tf1.constant(lengths))
        leaves = tf1.nest.flatten(out)
        coeffs = _coefficients([[TIME, *leaf.shape.as_list()[1:]] for leaf in leaves])
        # TF1's stack() has as many rows as steps ran; zero-pad to TIME as jaxscope's.
        padded = [tf1.pad(leaf, [[0, TIME - tf1.shape(leaf)[0]]] + [[0, 0]] * (leaf.shape.rank - 1))
                  if leaf.shape.rank == 3 else leaf for leaf in leaves]  # fmt: skip
        loss = tf1.add_n([tf1.reduce_sum(p * (c if p.shape.rank == 3 else c[0]))
                          for p, c in zip(padded, coeffs, strict=True)])  # fmt: skip
        variables = tf1.global_variables()
        trainable = tf1.trainable_variables()
        grads = [tf1.convert_to_tensor(g) for g in tf1.gradients(loss, [x, *trainable])]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values, outs, grads = sess.run([variables, leaves, grads])
    return dict(
        names=[v.op.name for v in variables],
        shapes=[tuple(v.shape.as_list()) for v in variables],
        values=dict(zip([v.op.name for v in variables], values, strict=True)),
        outputs=outs,
        grad_x=grads[0],
        grads=dict(zip([v.op.name for v in trainable], grads[1:], strict=True)),
        trainable={v.op.name for v in trainable},
    )


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("lengths", [[5, 2, 0], [3, 1, 3]], ids=["full", "stops_early"])
def test_raw_rnn_matches_tf1(tf1, prog, lengths):
    lengths = np.array(lengths, np.int32)
    x_np = np.random.RandomState(0).randn(TIME, BATCH, DEPTH).astype(np.float32)
    want = run_tf(tf1, prog, x_np, lengths)

    f = js.transform(lambda x, lengths: prog(js.nn, _JsOps(), x, lengths))
    x, lengths_j = jnp.asarray(x_np), jnp.asarray(lengths)
    info = js.inspect(f, x, lengths_j)
    assert [v.name for v in info] == want["names"]  # names and creation order
    assert [v.shape for v in info] == want["shapes"]

    variables = checkpoint.unflatten(want["values"], trainable=want["trainable"])
    coeffs = _coefficients([[TIME, *o.shape[1:]] for o in want["outputs"]])

    def loss(params, x):
        leaves = jax.tree.leaves(f.apply({**variables, "params": params}, x, lengths_j))
        total = sum(jnp.sum(leaf * (c if leaf.ndim == 3 else c[0]))
                    for leaf, c in zip(leaves, coeffs, strict=True))  # fmt: skip
        return total, leaves

    (_, outs), (g_params, g_x) = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))(
        variables["params"], x
    )
    steps = int(lengths.max())
    for got, expected in zip(outs, want["outputs"], strict=True):
        if got.ndim == 3:  # an emitted stack: TF1's has one row per step that ran
            assert got.shape[0] == TIME and expected.shape[0] == steps
            np.testing.assert_array_equal(got[steps:], 0.0)
            got = got[:steps]
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(g_x, want["grad_x"], rtol=RTOL, atol=ATOL)
    flat = checkpoint.flatten({"params": g_params})
    assert sorted(flat) == sorted(want["grads"])
    for name, expected in want["grads"].items():
        np.testing.assert_allclose(flat[name], expected, rtol=RTOL, atol=ATOL, err_msg=name)


# -- behaviour ----------------------------------------------------------------------------------
def _model(maximum_iterations=TIME):
    def model(x, lengths):
        cell = js.nn.rnn_cell.BasicRNNCell(2)

        def loop_fn(time, output, state, loop_state):
            if output is None:
                state = cell.zero_state(BATCH, jnp.float32)
            return time >= lengths, x[jnp.minimum(time, TIME - 1)], state, output, None

        emit_ta, state, _ = js.nn.raw_rnn(cell, loop_fn, maximum_iterations=maximum_iterations)
        return emit_ta, state

    return js.transform(model)


def test_emit_array_reports_steps_run_and_crosses_jit():
    f = _model()
    x, lengths = jnp.ones([TIME, BATCH, DEPTH]), jnp.array([2, 3, 1])
    variables = f.init(jax.random.key(0), x, lengths)
    with jax.checking_leaks():
        emit_ta, _ = jax.jit(f.apply)(variables, x, lengths)
    assert isinstance(emit_ta, js.nn.EmitArray)
    assert int(emit_ta.size()) == 3
    assert emit_ta.stack().shape == (TIME, BATCH, 2)
    np.testing.assert_array_equal(emit_ta.read(2)[::2], 0.0)  # rows 0, 2 finished at time 2
    assert bool(jnp.any(emit_ta.read(2)[1] != 0))  # row 1 (length 3) still ran


def test_maximum_iterations_stops_the_loop():
    f = _model(maximum_iterations=2)
    x, lengths = jnp.ones([TIME, BATCH, DEPTH]), jnp.array([5, 5, 5])
    emit_ta, _ = f.apply(f.init(jax.random.key(0), x, lengths), x, lengths)
    assert int(emit_ta.size()) == 2 and emit_ta.stack().shape == (2, BATCH, 2)


def test_raw_rnn_without_maximum_iterations_raises_with_the_fix():
    def model(x):
        cell = js.nn.rnn_cell.BasicRNNCell(2)
        return js.nn.raw_rnn(cell, lambda t, o, s, ls: (t >= 1, x, cell.zero_state(2, x.dtype),
                                                        o, None))  # fmt: skip

    with pytest.raises(js.RawRnnMaximumIterationsError, match=r"maximum_iterations=max_time"):
        js.transform(model).init(jax.random.key(0), jnp.ones([2, 3]))


def test_loop_fn_changing_the_state_structure_raises():
    def model(x):
        cell = js.nn.rnn_cell.BasicLSTMCell(2)

        def loop_fn(time, output, state, loop_state):
            if output is None:
                state = cell.zero_state(2, jnp.float32)
            else:
                state = state.c  # a single array where an LSTMStateTuple was
            return time >= 2, x, state, output, None

        return js.nn.raw_rnn(cell, loop_fn, maximum_iterations=3)

    with pytest.raises(ValueError, match=r"next_cell_state whose structure differs"):
        js.transform(model).init(jax.random.key(0), jnp.ones([2, 3]))


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.nn import raw_rnn

    result = doctest.testmod(raw_rnn, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
