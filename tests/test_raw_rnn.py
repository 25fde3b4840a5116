"""jaxscope.nn.raw_rnn against tf.compat.v1.nn.raw_rnn (graph mode; tf_keras' legacy cells).

Each program is written once, ``prog(nn, ops, x, lengths)`` with ``nn`` either
``tf.compat.v1.nn`` or ``jaxscope.nn`` (``ops`` holds the few framework ops a ``loop_fn`` needs).
Both sides must agree on variable names, shapes and creation order; with TF's initial values
copied into the jaxscope tree, on the emitted outputs, the final state and loop state, and on the
gradients of a fixed random projection of them w.r.t. the inputs and every trainable variable.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import rnn_oracle as oracle

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*is deprecated and will be removed:UserWarning",
    "ignore:.*is deprecated:DeprecationWarning",
)

RTOL, ATOL = oracle.RTOL, oracle.ATOL
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
def _coefficient_shape(shape):
    return [TIME, *shape[1:]]


def _tf_term(tf1):
    def term(leaf, c):
        if leaf.shape.rank != 3:
            return leaf * c[0]
        # TF1's stack() has as many rows as steps ran; zero-pad to TIME as jaxscope's.
        return tf1.pad(leaf, [[0, TIME - tf1.shape(leaf)[0]], [0, 0], [0, 0]]) * c

    return term


def _js_term(leaf, c):
    return leaf * (c if leaf.ndim == 3 else c[0])


@functools.cache
def _gradient(prog):
    """jax.jit of the program's loss gradient, ``lengths`` an argument: one compile serves both
    cases of a program."""
    f = js.transform(lambda x, lengths: prog(js.nn, _JsOps(), x, lengths))
    return f, jax.jit(oracle.value_and_grad(f, term=_js_term))


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("lengths", [[5, 2, 0], [3, 1, 3]], ids=["full", "stops_early"])
def test_raw_rnn_matches_tf1(tf1, prog, lengths):
    lengths = np.array(lengths, np.int32)
    x_np = np.random.RandomState(0).randn(TIME, BATCH, DEPTH).astype(np.float32)
    want = oracle.run_tf(
        tf1, lambda x: prog(tf1.nn, _TfOps(tf1), x, tf1.constant(lengths)), x_np,
        coefficient_shape=_coefficient_shape, term=_tf_term(tf1),
    )  # fmt: skip

    f, gradient = _gradient(prog)
    x, lengths_j = jnp.asarray(x_np), jnp.asarray(lengths)
    info = js.inspect(f, x, lengths_j)
    assert [v.name for v in info] == want["names"]  # names and creation order
    assert [v.shape for v in info] == want["shapes"]

    variables, coeffs = oracle.variables_and_coefficients(want)
    (_, outs), (g_params, g_x) = gradient(variables, coeffs, x, lengths_j)
    steps = int(lengths.max())
    for got, expected in zip(outs, want["outputs"], strict=True):
        if got.ndim == 3:  # an emitted stack: TF1's has one row per step that ran
            assert got.shape[0] == TIME and expected.shape[0] == steps
            np.testing.assert_array_equal(got[steps:], 0.0)
            got = got[:steps]
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    oracle.assert_gradients_match(g_params, g_x, want)


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
