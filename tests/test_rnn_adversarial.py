"""Issue 22, rnn: a state that does not match a cell's ``state_size`` raises TF1's builtin class
with a message naming the cell and both structures, never a raw internal error.

Oracle: tf.compat.v1.nn.rnn_cell (graph mode) decides the builtin class of each case; where TF1
itself raises a raw ``IndexError`` (``MultiRNNCell`` given fewer states), issue 22 asks for a
``ValueError``.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import (
    CellStateError,
    CellStateTypeError,
    LoopTensorError,
    SequenceLengthError,
    TensorArrayIndexError,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # TF1's deprecations
RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)


def _multi(S):
    return S.nn.rnn_cell.MultiRNNCell([S.nn.rnn_cell.BasicRNNCell(4) for _ in range(2)])


def _z(S, n):
    return (jnp.zeros if S is js else S.zeros)([2, n])


# name -> (make the cell, make the state, TF1's builtin, jaxscope's class, message)
CASES = {
    "multi_fewer_states": (_multi, lambda S: (_z(S, 4),), None, CellStateError,
                           r"MultiRNNCell: expected 2 states as state, got 1"),
    "multi_one_tensor": (_multi, lambda S: _z(S, 8), ValueError, CellStateError,
                         r"MultiRNNCell: expected a tuple of 2 states .*shape \(2, 8\)"),
    "multi_wrong_size": (_multi, lambda S: (_z(S, 4), _z(S, 5)), ValueError, CellStateError,
                         r"MultiRNNCell: expected a \[batch, 4\] array as state\[1\], got .*\(2, 5\)"),
    "lstm_three_states": (lambda S: S.nn.rnn_cell.BasicLSTMCell(4), lambda S: (_z(S, 4),) * 3,
                          ValueError, CellStateError, r"BasicLSTMCell: expected 2 states .*got 3"),
    "lstm_one_state": (lambda S: S.nn.rnn_cell.LSTMCell(4), lambda S: (_z(S, 4),), ValueError,
                       CellStateError, r"LSTMCell: expected 2 states as state, got 1"),
    "lstm_one_tensor": (lambda S: S.nn.rnn_cell.BasicLSTMCell(4), lambda S: _z(S, 8), TypeError,
                        CellStateTypeError, r"BasicLSTMCell: expected a tuple of 2 states"),
    "lstm_wrong_size": (
        lambda S: S.nn.rnn_cell.BasicLSTMCell(4),
        lambda S: S.nn.rnn_cell.LSTMStateTuple(_z(S, 5), _z(S, 5)), ValueError, CellStateError,
        r"BasicLSTMCell: expected a \[batch, 4\] array as state\[0\], got an array of shape",
    ),
    "rnn_tuple": (lambda S: S.nn.rnn_cell.BasicRNNCell(4), lambda S: (_z(S, 4), _z(S, 4)),
                  ValueError, CellStateError, r"BasicRNNCell: expected one \[batch, 4\] array"),
    "gru_wrong_size": (lambda S: S.nn.rnn_cell.GRUCell(4), lambda S: _z(S, 5), ValueError,
                       CellStateError, r"GRUCell: expected a \[batch, 4\] array .*\(2, 5\)"),
    "dropout_multi_fewer": (
        lambda S: S.nn.rnn_cell.DropoutWrapper(_multi(S)), lambda S: (_z(S, 4),), None,
        CellStateError, r"MultiRNNCell: expected 2 states as state, got 1",
    ),
    "residual_lstm_three": (
        lambda S: S.nn.rnn_cell.ResidualWrapper(S.nn.rnn_cell.BasicLSTMCell(3)),
        lambda S: (_z(S, 3),) * 3, ValueError, CellStateError, r"BasicLSTMCell: expected 2",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_state_raises_tf1s_class_naming_the_cell(tf1, case):
    make_cell, make_state, tf_class, js_class, match = CASES[case]
    with tf1.Graph().as_default():
        with pytest.raises(Exception) as tf_err:
            make_cell(tf1)(tf1.zeros([2, 3]), make_state(tf1))
    if tf_class is None:  # TF1's raw IndexError: issue 22 asks for a ValueError
        assert isinstance(tf_err.value, IndexError)
        tf_class = ValueError
    else:
        assert isinstance(tf_err.value, tf_class)

    def f(x):
        return make_cell(js)(x, make_state(js))

    for run in (js.transform(f).init, jax.jit(js.transform(f).init)):
        with pytest.raises(js_class, match=match) as e:
            run(jax.random.key(0), jnp.zeros([2, 3]))
        assert isinstance(e.value, tf_class) and not isinstance(e.value, RAW)
        assert "cell.zero_state(batch_size, dtype)" in str(e.value)


def test_multi_rnn_cell_ignores_extra_states_as_tf1(tf1):
    with tf1.Graph().as_default():
        _multi(tf1)(tf1.zeros([2, 3]), (tf1.zeros([2, 4]),) * 3)  # TF1 accepts it
    f = js.transform(lambda x: _multi(js)(x, (jnp.zeros([2, 4]),) * 3)[0])
    assert f.init_with_output(jax.random.key(0), jnp.zeros([2, 3]))[0].shape == (2, 4)


def test_dynamic_rnn_with_a_short_initial_state_names_the_cell():
    def f(x):
        cell = _multi(js)
        return js.nn.dynamic_rnn(cell, x, initial_state=(jnp.zeros([2, 4]),))

    with pytest.raises(CellStateError, match="MultiRNNCell: expected 2 states as state, got 1"):
        js.transform(f).init(jax.random.key(0), jnp.zeros([2, 5, 3]))


# -- collections written by a cell inside dynamic_rnn / raw_rnn / static_rnn ---------------------


def _np(S):
    return jnp if S is js else S


class _CustomCell:
    """A cell that makes its variables in ``__call__`` (no ``_prebuild``) and files a computed
    tensor in "mine" and a slim layer's output in "outs"."""

    state_size = output_size = 2

    def __init__(self, S, slim):
        self.S, self.slim = S, slim

    def zero_state(self, batch_size, dtype):
        return _np(self.S).zeros([batch_size, 2], dtype)

    def __call__(self, x, state):
        S = self.S
        w = S.get_variable("w", [5, 2], initializer=S.constant_initializer(0.3))
        h = _np(S).tanh(x @ w[:3] + state @ w[3:])
        S.add_to_collection("mine", h * 2.0)
        h = self.slim.fully_connected(h, 2, _np(S).tanh, outputs_collections="outs", scope="fc",
                                      weights_initializer=S.constant_initializer(0.2))  # fmt: skip
        return h, h


def _rnn_cell(S, slim):
    """A ``BasicRNNCell`` (built before the loop) whose ``call`` files its output in "mine"."""

    class Cell(S.nn.rnn_cell.BasicRNNCell):
        def call(self, inputs, state):
            out, new_state = super().call(inputs, state)
            S.add_to_collection("mine", out * 2.0)
            return out, new_state

    return Cell(2)


CELLS = {"custom": _CustomCell, "rnn_cell": _rnn_cell}


def _run_rnn(S, kind, cell, x):
    """Runs ``cell`` (a function of S) by ``kind`` over x ``[2, 4, 3]``; returns the outputs."""
    if kind == "dynamic_rnn":
        return S.nn.dynamic_rnn(cell(), x, dtype=x.dtype)[0]
    if kind == "bidirectional_dynamic_rnn":
        return S.nn.bidirectional_dynamic_rnn(cell(), cell(), x, dtype=x.dtype)[0]
    if kind == "static_rnn":
        return S.nn.static_rnn(cell(), [x[:, t] for t in range(4)], dtype=x.dtype)[0]
    assert kind == "raw_rnn"
    c = cell()
    xt = _np(S).transpose(x, [1, 0, 2])

    def loop_fn(time, output, state, loop_state):
        state = c.zero_state(2, x.dtype) if output is None else state
        next_input = xt[_np(S).minimum(time, 3)]
        return time >= 4, next_input, state, output, None

    kw = {"maximum_iterations": 4} if S is js else {}
    return S.nn.raw_rnn(c, loop_fn, **kw)[0].stack()


LOOPS = ["dynamic_rnn", "bidirectional_dynamic_rnn", "raw_rnn"]


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("kind", LOOPS)
def test_cell_items_are_loop_tensors_once_as_in_tf1(tf1, slim, kind, cell):
    """TF1 files one loop tensor per cell call it builds (once per loop); using one raises."""
    with tf1.Graph().as_default():
        _run_rnn(tf1, kind, lambda: CELLS[cell](tf1, slim), tf1.ones([2, 4, 3]))
        want = {k: len(tf1.get_collection(k)) for k in ("mine", "outs")}
        for item in tf1.get_collection("mine") + tf1.get_collection("outs"):
            with pytest.raises(ValueError, match="is in a while loop"):
                item + 1.0
    assert want["mine"] == (2 if kind.startswith("bi") else 1)

    def f(x):
        _run_rnn(js, kind, lambda: CELLS[cell](js, js.slim), x)
        got = {k: js.get_collection(k) for k in ("mine", "outs")}
        assert {k: len(v) for k, v in got.items()} == want
        for key, items in got.items():
            for item in items:
                with pytest.raises(LoopTensorError, match=f"'{key}' was computed inside the ") as e:
                    item + 1.0
                assert isinstance(e.value, ValueError) and not isinstance(e.value, RAW)
        return x

    f = js.transform(f)
    x = jnp.ones([2, 4, 3])
    variables = f.init(jax.random.key(0), x)
    f.apply(variables, x)
    jax.jit(f.apply)(variables, x)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_dynamic_rnn_item_names_the_cell_step(cell):
    def f(x):
        js.nn.dynamic_rnn(CELLS[cell](js, js.slim), x, dtype=jnp.float32)
        (item,) = js.get_collection("mine")
        assert "dynamic_rnn cell" in repr(item) and item.shape == (2, 2)
        return item * 2.0

    with pytest.raises(LoopTensorError, match=r"'mine' was computed inside the dynamic_rnn cell"):
        jax.jit(js.transform(f).init)(jax.random.key(0), jnp.ones([2, 4, 3]))


def _regularized(S, slim, kind, cell):
    l2 = js.l2_regularizer if S is js else slim.l2_regularizer
    with S.variable_scope("m", regularizer=l2(0.1),
                          initializer=S.constant_initializer(0.3)):  # fmt: skip
        if cell == "lstm":
            make = lambda: S.nn.rnn_cell.BasicLSTMCell(3)  # noqa: E731
        else:
            make = lambda: CELLS[cell](S, slim)  # noqa: E731
        x = _np(S).ones([2, 4, 3])
        return _run_rnn(S, kind, make, x)


@pytest.mark.parametrize("cell", ["lstm", "custom"])
@pytest.mark.parametrize("kind", LOOPS + ["static_rnn"])
def test_regularization_losses_of_cell_variables_match_tf1(tf1, slim, kind, cell):
    with tf1.Graph().as_default():
        _regularized(tf1, slim, kind, cell)
        losses = tf1.losses.get_regularization_losses()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = float(sess.run(tf1.add_n(losses)))
    assert len(losses) >= 2 and want > 0

    def f():
        _regularized(js, js.slim, kind, cell)
        return len(js.get_regularization_losses()), js.get_regularization_loss()

    f = js.transform(f)
    (n, total), variables = f.init_with_output(jax.random.key(0))
    assert (n, float(total)) == (len(losses), pytest.approx(want, rel=1e-6)), "init"
    assert float(jax.jit(f.apply)(variables)[1]) == pytest.approx(want, rel=1e-6), "apply"


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_static_rnn_collections_match_tf1(tf1, slim, cell):
    """static_rnn unrolls: one usable item per step, as in TF1."""
    x_np = np.arange(24, dtype=np.float32).reshape(2, 4, 3) / 24
    with tf1.Graph().as_default():
        _run_rnn(tf1, "static_rnn", lambda: CELLS[cell](tf1, slim), tf1.constant(x_np))
        keys = ("mine", "outs", "variables")
        items = {k: tf1.get_collection(k) for k in keys}
        names = [v.name for v in items["variables"]]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run({k: items[k] for k in ("mine", "outs")})

    def f(x):
        _run_rnn(js, "static_rnn", lambda: CELLS[cell](js, js.slim), x)
        assert [v.name for v in js.global_variables()] == names
        return {k: js.get_collection(k) for k in ("mine", "outs")}

    got = js.transform(f).init_with_output(jax.random.key(0), jnp.asarray(x_np))[0]
    assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in want.items()}
    assert len(want["mine"]) == 4
    if cell == "custom":  # the rnn_cell's kernel is drawn at random (a different draw in TF1)
        for k in want:
            for a, b in zip(got[k], want[k], strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-6)


# -- raw_rnn's TensorArray: reads out of range ---------------------------------------------------


def _emit(S, steps=3, max_iter=5):
    """raw_rnn over x ``[4, 2, 3]`` (time-major), stopping after ``steps`` steps."""
    cell = S.nn.rnn_cell.BasicRNNCell(2)
    x = _np(S).ones([4, 2, 3])

    def loop_fn(time, output, state, loop_state):
        state = cell.zero_state(2, x.dtype) if output is None else state
        return time >= steps, x[_np(S).minimum(time, 3)], state, output, None

    kw = {"maximum_iterations": max_iter} if S is js else {}
    return S.nn.raw_rnn(cell, loop_fn, **kw)[0]


@pytest.mark.parametrize("index", [3, 4, -1, 7])
def test_emit_array_read_out_of_range_raises_as_tf1(tf1, index):
    with tf1.Graph().as_default():
        ta = _emit(tf1)
        out = ta.read(index)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            with pytest.raises(tf1.errors.InvalidArgumentError, match="Tried to read from index"):
                sess.run(out)
    f = js.transform(lambda: _emit(js).read(index))
    variables = js.transform(lambda: _emit(js)).init(jax.random.key(0))
    with pytest.raises(TensorArrayIndexError, match=rf"EmitArray.read: index {index} is not in "
                       r"\[0, 3\), the rows the loop wrote \(size\(\) = 3\)"):  # fmt: skip
        f.apply(variables)
    if index < 0 or index >= 5:  # past maximum_iterations: refused under jit too
        with pytest.raises(TensorArrayIndexError, match=r"\[0, 5\), the rows of maximum_iter"):
            jax.jit(f.apply)(variables)
    else:  # size() is traced under jit: a row never written reads as NaN, not zeros
        assert np.isnan(jax.jit(f.apply)(variables)).all()


@pytest.mark.parametrize("index", [3, 4, -1, 5, 100])
def test_emit_array_traced_read_out_of_range_is_nan(index):
    f = js.transform(lambda i: _emit(js).read(i))
    variables = js.transform(lambda: _emit(js)).init(jax.random.key(0))
    assert np.isnan(jax.jit(f.apply)(variables, index)).all()


def test_emit_array_read_in_range_matches_tf1(tf1):
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        with tf1.variable_scope("", initializer=tf1.constant_initializer(0.1)):
            ta = _emit(tf1)
        outs = [ta.read(i) for i in range(3)]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(outs)

    def f(i):
        with js.variable_scope("", initializer=js.constant_initializer(0.1)):
            ta = _emit(js)
        return [ta.read(j) for j in range(3)] + [ta.read(i)]

    f = js.transform(f)
    variables = f.init(jax.random.key(0), 0)
    for run in (f.apply, jax.jit(f.apply)):
        got = run(variables, 2)
        for a, b in zip(got, want + want[2:], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6)


# -- sequence_length out of [0, max_time] --------------------------------------------------------


def _lengths_rnn(S, kind, lengths):
    with S.variable_scope("", initializer=S.constant_initializer(0.2)):
        x = _np(S).reshape(_np(S).range(24.0) if S is not js else jnp.arange(24.0), [2, 4, 3])
        cells = [S.nn.rnn_cell.BasicRNNCell(2) for _ in range(2)]
        if kind == "dynamic_rnn":
            return S.nn.dynamic_rnn(cells[0], x / 24, sequence_length=lengths, dtype=x.dtype)
        return S.nn.bidirectional_dynamic_rnn(*cells, x / 24, sequence_length=lengths,
                                              dtype=x.dtype)  # fmt: skip


@pytest.mark.parametrize("lengths", [[5, 2], [-1, 2], [9, -3]], ids=str)
def test_dynamic_rnn_lengths_past_max_time_act_as_tf1(tf1, lengths):
    """TF1's dynamic_rnn checks no length: above max_time runs every step, negative none."""
    with tf1.Graph().as_default():
        out = _lengths_rnn(tf1, "dynamic_rnn", tf1.constant(lengths))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(out)
    f = js.transform(lambda n: _lengths_rnn(js, "dynamic_rnn", n))
    variables = f.init(jax.random.key(0), jnp.array(lengths))
    for run in (f.apply, jax.jit(f.apply)):
        for a, b in zip(jax.tree.leaves(run(variables, jnp.array(lengths))), want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("lengths,bad", [([5, 2], (0, 5)), ([2, -1], (1, -1))], ids=str)
def test_bidirectional_lengths_out_of_range_raise_as_tf1(tf1, lengths, bad):
    with tf1.Graph().as_default():
        out = _lengths_rnn(tf1, "bidirectional", tf1.constant(lengths))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            with pytest.raises(tf1.errors.InvalidArgumentError, match="seq_lens"):
                sess.run(out)
    f = js.transform(lambda: _lengths_rnn(js, "bidirectional", lengths))
    match = (rf"bidirectional_dynamic_rnn: sequence_length\[{bad[0]}\] = {bad[1]} is not in "
             r"\[0, 4\], where 4 is max_time(?s:.*)jnp.clip\(sequence_length, 0, 4\)")  # fmt: skip
    for run in (f.init, jax.jit(f.init)):
        with pytest.raises(SequenceLengthError, match=match) as e:
            run(jax.random.key(0))
        assert isinstance(e.value, ValueError) and not isinstance(e.value, RAW)


def test_bidirectional_traced_lengths_are_clipped_to_max_time():
    f = js.transform(lambda n: _lengths_rnn(js, "bidirectional", n))
    variables = f.init(jax.random.key(0), jnp.array([4, 2]))
    got = jax.jit(f.apply)(variables, jnp.array([7, -2]))
    want = f.apply(variables, jnp.array([4, 0]))
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# -- random programs: static_rnn via scan against the unrolled loop ------------------------------


def _random_cell(rnd, rc):
    """A random stack of the core cells and wrappers (keep_prob 1: no draws to compare)."""

    def one(depth):  # (a cell reading `depth` features, its output size)
        kind = rnd.choice(["lstm", "basic_lstm", "gru", "rnn", "proj", "residual", "dropout"])
        units = rnd.randint(2, 4)
        if kind == "lstm":
            return rc.LSTMCell(units, use_peepholes=rnd.random() < 0.5, forget_bias=0.5), units
        if kind == "basic_lstm":
            return rc.BasicLSTMCell(units, state_is_tuple=rnd.random() < 0.7), units
        if kind == "gru":
            return rc.GRUCell(units), units
        if kind == "proj":
            return rc.LSTMCell(units + 1, num_proj=units, cell_clip=0.5), units
        if kind == "residual":
            return rc.ResidualWrapper(rc.BasicRNNCell(depth)), depth
        if kind == "dropout":
            return rc.DropoutWrapper(rc.GRUCell(units), input_keep_prob=1.0), units
        return rc.BasicRNNCell(units), units

    if rnd.random() < 0.5:
        return one(3)[0]
    layers, depth = [], 3
    for _ in range(rnd.randint(2, 3)):
        cell, depth = one(depth)
        layers.append(cell)
    return rc.MultiRNNCell(layers)


def _unrolled(cell, inputs, state, lengths):
    """static_rnn as TF1 writes it (and jaxscope ran it before issue 27): one call per step."""
    with js.variable_scope("rnn") as scope:
        outputs = []
        for t, x in enumerate(inputs):
            if t:
                scope.reuse_variables()
            out, new = cell(x, state)
            if lengths is not None:
                done = (t >= lengths)[:, None]
                out = jnp.where(done, jnp.zeros_like(out), out)
                new = jax.tree.map(lambda old, n: jnp.where(done, old, n), state, new)
            state = new
            outputs.append(out)
    return outputs, state


def _plain(state):
    return tuple(_plain(s) for s in state) if isinstance(state, tuple) else state


@pytest.mark.parametrize("seed", range(12))
def test_random_static_rnn_via_scan_matches_the_unrolled_loop(seed):
    """Names, outputs, final state and gradients of static_rnn (one scan) equal the unrolled
    loop's, for random cells, lengths, step counts and initial states."""
    import random

    rnd = random.Random(seed)
    steps, batch = rnd.randint(2, 7), 3
    with_lengths, given_state = rnd.random() < 0.5, rnd.random() < 0.4
    cell_seed = rnd.random()

    def program(way):
        def f(x, lengths):
            cell = _random_cell(random.Random(cell_seed), js.nn.rnn_cell)
            inputs = [x[:, t] for t in range(steps)]
            lengths = lengths if with_lengths else None
            state = cell.zero_state(batch, jnp.float32)
            if given_state:  # without lengths, plain tuples for the cells' LSTMStateTuple
                state = jax.tree.map(lambda s: s + 0.25, state)
                state = state if with_lengths else _plain(state)
            if way == "unrolled":
                return _unrolled(cell, inputs, state, lengths)
            return js.nn.static_rnn(cell, inputs, initial_state=state, sequence_length=lengths)

        return js.transform(f)

    x = jax.random.normal(jax.random.key(seed), [batch, steps, 3])
    lengths = jnp.asarray(np.random.RandomState(seed).randint(0, steps + 1, batch), jnp.int32)
    scan, unrolled = program("scan"), program("unrolled")
    variables = unrolled.init(jax.random.key(0), x, lengths)
    assert jax.tree.structure(scan.init(jax.random.key(0), x, lengths)) == jax.tree.structure(
        variables
    )
    assert str(jax.make_jaxpr(scan.apply)(variables, x, lengths)).count("scan[") == 1
    coef = np.random.RandomState(seed + 1).randn(steps, 64).astype(np.float32)

    def loss(f):
        def run(variables, x):
            outputs, state = f.apply(variables, x, lengths)
            total = sum(jnp.sum(o * coef[t, : o.shape[-1]]) for t, o in enumerate(outputs))
            return total + sum(jnp.sum(s) * 0.5 for s in jax.tree.leaves(state))

        return jax.jit(jax.value_and_grad(run, argnums=(0, 1)))

    got, want = loss(scan)(variables, x), loss(unrolled)(variables, x)
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
    got, want = scan.apply(variables, x, lengths), unrolled.apply(variables, x, lengths)
    assert jax.tree.structure(got) == jax.tree.structure(want)  # LSTMStateTuple and all
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
