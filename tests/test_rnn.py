"""jaxscope.nn's RNNs against tf.compat.v1.nn (graph mode; tf_keras' legacy cells).

Each program is written once, ``prog(nn, x, lengths, time_major)`` with ``nn`` either
``tf.compat.v1.nn`` or ``jaxscope.nn``. Both sides must agree on variable names, shapes, creation
order and collections; with TF's initial values copied into the jaxscope tree, on the outputs and
final states (ragged ``sequence_length``, both layouts) and on the gradients of a fixed random
projection of them w.r.t. the inputs and every trainable variable.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import rnn_oracle as oracle

import jaxscope as js
from jaxscope import checkpoint

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*is deprecated and will be removed:UserWarning",
    "ignore:.*is deprecated:DeprecationWarning",
)

RTOL, ATOL = oracle.RTOL, oracle.ATOL
BATCH, STEPS, DEPTH = 3, 5, 3
LENGTHS = np.array([5, 2, 0], np.int32)


def _f32(nn):
    return jnp.float32 if nn is js.nn else _tf().float32


def _tf():
    from tests.conftest import load_tf1

    return load_tf1()


# -- the programs -------------------------------------------------------------------------------
def basic_lstm(nn, x, lengths, time_major):
    return nn.dynamic_rnn(nn.rnn_cell.BasicLSTMCell(4), x, sequence_length=lengths,
                          dtype=_f32(nn), time_major=time_major)  # fmt: skip


def basic_lstm_and_gru(nn, x, lengths, time_major):
    """Two RNNs in the default scope: rnn/basic_lstm_cell and rnn/gru_cell."""
    return basic_lstm(nn, x, lengths, time_major), nn.dynamic_rnn(
        nn.rnn_cell.GRUCell(4), x, sequence_length=lengths, dtype=_f32(nn), time_major=time_major
    )


def lstm_peephole_proj(nn, x, lengths, time_major):
    cell = nn.rnn_cell.LSTMCell(6, use_peepholes=True, num_proj=4, cell_clip=0.4, proj_clip=0.25)
    return nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=_f32(nn), time_major=time_major)


def multi_lstm(nn, x, lengths, time_major):
    rc = nn.rnn_cell
    cell = rc.MultiRNNCell([rc.LSTMCell(4), rc.LSTMCell(5, forget_bias=0.5), rc.BasicLSTMCell(3)])
    return nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=_f32(nn), time_major=time_major)


def multi_concat_state(nn, x, lengths, time_major):
    rc = nn.rnn_cell
    cells = [rc.BasicLSTMCell(4, state_is_tuple=False), rc.BasicRNNCell(3)]
    cell = rc.MultiRNNCell(cells, state_is_tuple=False)
    return nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=_f32(nn), time_major=time_major)


def concat_states_and_wrappers(nn, x, lengths, time_major):
    """state_is_tuple=False; and BasicRNNCell in a residual and a keep-everything dropout
    wrapper, custom scope, given initial state, no sequence_length."""
    return multi_concat_state(nn, x, lengths, time_major), _wrappers(nn, x, time_major)


def _wrappers(nn, x, time_major):
    rc = nn.rnn_cell
    cell = rc.DropoutWrapper(rc.ResidualWrapper(rc.BasicRNNCell(DEPTH, activation=None)),
                             input_keep_prob=1.0, output_keep_prob=1.0)  # fmt: skip
    state = cell.zero_state(BATCH, _f32(nn)) + 0.5
    return nn.dynamic_rnn(cell, x, initial_state=state, time_major=time_major, scope="encoder")


def shared_cell(nn, x, lengths, time_major):
    """One cell object in two RNNs: TF1 keeps the first scope, so both share one kernel."""
    cell = nn.rnn_cell.BasicLSTMCell(4)
    a = nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=_f32(nn), time_major=time_major,
                       scope="first")  # fmt: skip
    b = nn.dynamic_rnn(cell, x * 2.0, dtype=_f32(nn), time_major=time_major, scope="second")
    c = nn.dynamic_rnn(nn.rnn_cell.GRUCell(2), x, dtype=_f32(nn), time_major=time_major)
    d = nn.dynamic_rnn(nn.rnn_cell.GRUCell(2), x, dtype=_f32(nn), time_major=time_major,
                       scope="rnn_b")  # fmt: skip
    return a, b, c, d


def bidirectional(nn, x, lengths, time_major):
    rc = nn.rnn_cell
    return nn.bidirectional_dynamic_rnn(rc.BasicLSTMCell(4), rc.GRUCell(3), x,
                                        sequence_length=lengths, dtype=_f32(nn),
                                        time_major=time_major)  # fmt: skip


def bidirectional_no_lengths(nn, x, lengths, time_major):
    rc = nn.rnn_cell
    return nn.bidirectional_dynamic_rnn(rc.LSTMCell(3, num_proj=2), rc.BasicRNNCell(3), x,
                                        dtype=_f32(nn), time_major=time_major,
                                        scope="birnn")  # fmt: skip


def static(nn, x, lengths, time_major):
    seq = [x[t] for t in range(STEPS)] if time_major else [x[:, t] for t in range(STEPS)]
    rc = nn.rnn_cell
    cell = rc.MultiRNNCell([rc.GRUCell(3), rc.BasicLSTMCell(2)])
    return nn.static_rnn(cell, seq, sequence_length=lengths, dtype=_f32(nn))


def _steps(x, time_major):
    return [x[t] for t in range(STEPS)] if time_major else [x[:, t] for t in range(STEPS)]


def static_lstm(nn, x, lengths, time_major):
    """Step 0, then steps 1-4 as one loop: peepholes, no sequence_length, a named scope."""
    cell = nn.rnn_cell.LSTMCell(4, use_peepholes=True)
    return nn.static_rnn(cell, _steps(x, time_major), dtype=_f32(nn), scope="encoder")


def static_gru_lengths(nn, x, lengths, time_major):
    cell = nn.rnn_cell.GRUCell(3)
    return nn.static_rnn(cell, _steps(x, time_major), sequence_length=lengths, dtype=_f32(nn))


def static_multi_lstm(nn, x, lengths, time_major):
    """Two LSTMs (one projected), a given initial state, and ragged lengths."""
    rc = nn.rnn_cell
    cell = rc.MultiRNNCell([rc.BasicLSTMCell(3), rc.LSTMCell(4, num_proj=2)])
    state = cell.zero_state(BATCH, _f32(nn))
    return nn.static_rnn(cell, _steps(x, time_major), initial_state=state,
                         sequence_length=lengths)  # fmt: skip


PROGRAMS = [
    basic_lstm_and_gru, lstm_peephole_proj, multi_lstm, concat_states_and_wrappers, shared_cell,
    bidirectional, bidirectional_no_lengths, static, static_lstm, static_gru_lengths,
    static_multi_lstm,
]  # fmt: skip


# -- running both sides -------------------------------------------------------------------------
def _inputs(time_major):
    x = np.random.RandomState(0).randn(BATCH, STEPS, DEPTH).astype(np.float32)
    return np.ascontiguousarray(np.swapaxes(x, 0, 1)) if time_major else x


# Every program batch-major; the layout-sensitive ones (masking, reversal) also
# time-major.
CASES = [(p, False) for p in PROGRAMS] + [
    (p, True) for p in (basic_lstm, multi_lstm, bidirectional)
]
IDS = [f"{p.__name__}-{'time' if t else 'batch'}_major" for p, t in CASES]


def _case(tf1, prog, time_major):
    """One case: TF1's oracle, jaxscope's transform and the arguments of its gradient."""
    x_np = _inputs(time_major)
    want = oracle.run_tf(tf1, lambda x: prog(tf1.nn, x, tf1.constant(LENGTHS), time_major), x_np)
    f = js.transform(lambda x, lengths: prog(js.nn, x, lengths, time_major))
    grad = oracle.value_and_grad(f)
    lengths = jnp.asarray(LENGTHS)  # a constant of the program, as in TF's graph
    args = (*oracle.variables_and_coefficients(want), jnp.asarray(x_np))
    return dict(want=want, f=f, args=args, run=lambda *args: grad(*args, lengths))


@pytest.fixture(scope="module")
def oracles(tf1):
    """Every case's oracle and jaxscope's outputs and gradients (an exception: the case's).

    The cases' gradient programs are compiled as one XLA program: the cells' kernels repeat
    across programs and are compiled once (13 s of compiling instead of 21 s). Where that fails,
    each case compiles its own, so a failure is reported by its case."""
    cases = {}
    for case_id, (prog, time_major) in zip(IDS, CASES, strict=True):
        try:
            cases[case_id] = _case(tf1, prog, time_major)
        except Exception as e:  # reported by the case
            cases[case_id] = e
    good = [c for c in cases.values() if isinstance(c, dict)]

    def every_case(args):
        return [c["run"](*a) for c, a in zip(good, args, strict=True)]

    try:
        results = jax.jit(every_case)([c["args"] for c in good])
    except Exception:  # each case compiles alone
        results = [jax.jit(c["run"]) for c in good]
    for c, result in zip(good, results, strict=True):
        c["result"] = result
    return cases


@pytest.mark.parametrize("case_id", IDS)
def test_rnn_matches_tf1(oracles, case_id):
    case = oracles[case_id]
    if isinstance(case, Exception):
        raise case
    want, f, x = case["want"], case["f"], case["args"][-1]
    lengths = jnp.asarray(LENGTHS)
    info = js.inspect(f, x, lengths)
    assert [v.name for v in info] == want["names"]  # names and creation order
    assert [v.shape for v in info] == want["shapes"]
    assert [v.name for v in info if "trainable_variables" in v.collections] == want["trainable"]
    # init's tree: its names and shapes (its values are replaced by TF's below)
    initial = checkpoint.flatten(jax.eval_shape(f.init, jax.random.key(0), x, lengths))
    assert {n: a.shape for n, a in initial.items()} == dict(
        zip(want["names"], want["shapes"], strict=True)
    )

    result = case["result"]
    (_, outs), (g_params, g_x) = result(*case["args"]) if callable(result) else result
    assert len(outs) == len(want["outputs"])
    for got, expected in zip(outs, want["outputs"], strict=True):
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    oracle.assert_gradients_match(g_params, g_x, want)


# -- behaviour ----------------------------------------------------------------------------------
def test_dynamic_rnn_is_one_scan_not_unrolled():
    def model(x):
        return js.nn.dynamic_rnn(js.nn.rnn_cell.BasicLSTMCell(4), x, dtype=jnp.float32)[0]

    f = js.transform(model)
    x = jnp.ones([2, 50, 3])
    variables = f.init(jax.random.key(0), x)
    jaxpr = jax.make_jaxpr(f.apply)(variables, x)
    prims = [e.primitive.name for e in jaxpr.jaxpr.eqns]
    assert prims.count("scan") == 1
    assert prims.count("dot_general") == 0  # the matmul is inside the scan body only


def _loops(f, *args):
    """The loops of ``f``'s program: (jaxpr scans and whiles, HLO whiles)."""
    text = str(jax.make_jaxpr(f)(*args))
    hlo = jax.jit(f).lower(*args).as_text()
    return text.count("scan[") + text.count("while["), hlo.count("stablehlo.while")


def test_static_rnn_is_step_zero_and_one_loop():
    """PTB's shape: 2 LSTM layers, 20 steps: step 0 unrolled (it makes the variables; XLA drops
    it), then the 20 steps as one scan whose body is the cell traced once (4 cell calls in all,
    not 40), in apply and in its gradient."""
    calls = []

    class Cell(js.nn.rnn_cell.BasicLSTMCell):
        def call(self, inputs, state):
            calls.append(self.name)
            return super().call(inputs, state)

    def model(x):
        cell = js.nn.rnn_cell.MultiRNNCell([Cell(8) for _ in range(2)])
        outputs, state = js.nn.static_rnn(cell, [x[:, t] for t in range(20)], dtype=jnp.float32)
        return jnp.sum(jnp.stack(outputs)) + jnp.sum(state[1].c)

    f = js.transform(model)
    x = jnp.ones([2, 20, 3])
    variables = f.init(jax.random.key(0), x)
    assert len(calls) <= 8  # init: at most two passes of 2 layers x (step 0 + the loop body)
    calls.clear()
    assert str(jax.make_jaxpr(f.apply)(variables, x)).count("scan[") == 1
    assert len(calls) == 2 * 2  # 2 layers x (step 0 + the loop body)
    assert _loops(f.apply, variables, x) == (1, 1)
    calls.clear()
    grad = jax.jit(jax.grad(f.apply))
    assert grad.lower(variables, x).as_text().count("stablehlo.while") == 2  # forward, backward
    assert len(calls) == 2 * 2

    def dynamic(x):
        cell = js.nn.rnn_cell.MultiRNNCell([Cell(8) for _ in range(2)])
        outputs, state = js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)
        return jnp.sum(outputs) + jnp.sum(state[1].c)

    def dots(f):  # of the optimized program: the unrolled step 0 is dropped (unused)
        return jax.jit(f).lower(variables, x).compile().as_text().count(" dot(")

    assert dots(f.apply) == dots(js.transform(dynamic).apply) > 0


def test_bench_rnn_ptb_first_step_runs():
    """benchmarks/bench_rnn.py --ptb, tiny: the five ways make the same tree and all run."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import bench_rnn
    finally:
        sys.path.pop(0)
    result = bench_rnn.ptb_first_step(batch=2, steps=3, units=4, rounds=1)
    assert sorted(result["first"]) == sorted(
        ["hand loop", "static_rnn", "dynamic_rnn", "plain unrolled", "plain lax.scan"]
    )
    assert all(len(ts) == 1 and ts[0] > 0 for ts in result["first"].values())


def test_static_rnn_ragged_steps_run_unrolled():
    class SumCell:
        """Any input depth: its state plus the sum of its input."""

        state_size = output_size = 2

        def zero_state(self, batch_size, dtype):
            return jnp.zeros([batch_size, 2], dtype)

        def __call__(self, x, state):
            w = js.get_variable("w", [2], initializer=js.constant_initializer(0.5))
            h = jnp.tanh(state * w + jnp.sum(x, 1, keepdims=True))
            return h, h

    inputs = [jnp.full([2, d], 0.1 * d) for d in (3, 1, 4, 2)]
    f = js.transform(lambda xs: js.nn.static_rnn(SumCell(), xs, dtype=jnp.float32))
    variables = f.init(jax.random.key(0), inputs)
    assert jax.tree.map(jnp.shape, variables) == {"params": {"rnn": {"w": (2,)}}}
    assert _loops(f.apply, variables, inputs) == (0, 0)
    outputs, state = jax.jit(f.apply)(variables, inputs)
    h = np.zeros([2, 2], np.float32)
    for x, out in zip(inputs, outputs, strict=True):
        h = np.tanh(h * 0.5 + np.sum(np.asarray(x), 1, keepdims=True))
        np.testing.assert_allclose(out, h, rtol=1e-6)


def test_static_rnn_cell_that_assigns_runs_unrolled():
    """An assign in every step: the steps stay unrolled, each assign seen by the next step."""

    class Cell(js.nn.rnn_cell.BasicRNNCell):
        def call(self, inputs, state):
            n = js.get_variable("n", [], jnp.float32, js.zeros_initializer(), trainable=False)
            n.assign_add(1.0)
            out, new_state = super().call(inputs, state)
            return out * n, new_state

    def model(x):
        cell = Cell(2, activation=lambda z: z * 0 + 1.0)
        return js.nn.static_rnn(cell, [x[:, t] for t in range(4)], dtype=jnp.float32)[0]

    f = js.transform(model)
    x = jnp.ones([2, 4, 3])
    variables = f.init(jax.random.key(0), x)
    assert _loops(lambda v, x: f.apply(v, x, mutable=True), variables, x) == (0, 0)
    outputs, new = jax.jit(lambda v, x: f.apply(v, x, mutable=True))(variables, x)
    assert jax.tree.map(float, new["state"]) == {"rnn": {"cell": {"n": 4.0}}}
    assert [float(out[0, 0]) for out in outputs] == [1.0, 2.0, 3.0, 4.0]  # 1 times n


def test_static_rnn_dropout_draws_a_new_mask_every_step():
    def model(x):
        cell = js.nn.rnn_cell.DropoutWrapper(
            js.nn.rnn_cell.BasicRNNCell(64, activation=lambda z: z * 0 + 1.0), output_keep_prob=0.5
        )
        return jnp.stack(js.nn.static_rnn(cell, [x[:, t] for t in range(6)], dtype=jnp.float32)[0])

    f = js.transform(model)
    x = jnp.ones([2, 6, 3])
    variables = f.init(jax.random.key(0), x)
    out = jax.jit(f.apply)(variables, x, rng=jax.random.key(1))
    assert set(np.unique(np.asarray(out)).tolist()) == {0.0, 2.0}
    masks = np.asarray(out != 0)
    assert all(not (masks[t] == masks[t + 1]).all() for t in range(5))  # every step its own
    np.testing.assert_array_equal(out, jax.jit(f.apply)(variables, x, rng=jax.random.key(1)))


def test_no_leaked_tracers_in_init_apply_jit_and_grad():
    rc = js.nn.rnn_cell

    def model(x, lengths):
        with js.variable_scope("m", regularizer=js.l2_regularizer(0.1)):
            cell = rc.MultiRNNCell([rc.DropoutWrapper(rc.LSTMCell(4), output_keep_prob=0.7),
                                    rc.GRUCell(3)])  # fmt: skip
            out, _ = js.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=jnp.float32)
        return jnp.sum(out) + js.get_regularization_loss()

    f = js.transform(model)
    x, lengths = jnp.ones([2, 4, 3]), jnp.array([4, 1])
    rng = jax.random.key(1)
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), x, lengths)
        loss = jax.jit(f.apply)(variables, x, lengths, rng=rng)
    grads = jax.jit(jax.grad(lambda v: f.apply(v, x, lengths, rng=rng)))(variables)
    assert np.isfinite(loss)
    assert jax.tree.structure(grads) == jax.tree.structure(variables)


def test_static_rnn_leaks_no_tracer_in_init_apply_jit_and_grad():
    rc = js.nn.rnn_cell

    def model(x, lengths):
        with js.variable_scope("m", regularizer=js.l2_regularizer(0.1)):
            cell = rc.MultiRNNCell([rc.DropoutWrapper(rc.LSTMCell(4), output_keep_prob=0.7),
                                    rc.GRUCell(3)])  # fmt: skip
            steps = [x[:, t] for t in range(5)]
            out, _ = js.nn.static_rnn(cell, steps, sequence_length=lengths, dtype=jnp.float32)
        return jnp.sum(jnp.stack(out)) + js.get_regularization_loss()

    f = js.transform(model)
    x, lengths = jnp.ones([2, 5, 3]), jnp.array([5, 1])
    rng = jax.random.key(1)
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), x, lengths)
        loss = jax.jit(f.apply)(variables, x, lengths, rng=rng)
        grads = jax.jit(jax.grad(lambda v: f.apply(v, x, lengths, rng=rng)))(variables)
    assert np.isfinite(loss) and len(js.inspect(f, x, lengths)) == 6  # LSTM 2, GRU 4
    assert jax.tree.structure(grads) == jax.tree.structure(variables)


def test_static_rnn_outside_a_transform_runs_unrolled():
    class Cell:  # no variables: runs outside a transform, as before
        state_size = output_size = 2

        def zero_state(self, batch_size, dtype):
            return jnp.zeros([batch_size, 2], dtype)

        def __call__(self, x, state):
            return state + x, state + x

    outputs, state = js.nn.static_rnn(Cell(), [jnp.ones([1, 2])] * 3, dtype=jnp.float32)
    assert [float(o[0, 0]) for o in outputs] == [1.0, 2.0, 3.0] and float(state[0, 1]) == 3.0


def _dropout_rnn(**kw):
    def model(x):
        cell = js.nn.rnn_cell.DropoutWrapper(
            js.nn.rnn_cell.BasicRNNCell(64, activation=lambda z: z * 0 + 1.0), **kw
        )  # noqa: E501
        return js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)

    return js.transform(model)


def test_dropout_wrapper_draws_a_new_mask_every_step():
    f = _dropout_rnn(output_keep_prob=0.5)
    x = jnp.ones([2, 6, 3])
    variables = f.init(jax.random.key(0), x)
    apply = jax.jit(f.apply)
    out, _ = apply(variables, x, rng=jax.random.key(1))
    assert set(np.unique(np.asarray(out)).tolist()) == {0.0, 2.0}
    masks = np.asarray(out != 0)
    assert not (masks[:, 1:] == masks[:, :1]).all()  # steps differ
    again, _ = apply(variables, x, rng=jax.random.key(1))
    np.testing.assert_array_equal(out, again)  # reproducible from the key
    other, _ = apply(variables, x, rng=jax.random.key(2))
    assert not np.array_equal(out, other)


def test_variational_dropout_uses_one_mask_for_all_steps_and_the_batch():
    f = _dropout_rnn(output_keep_prob=0.5, variational_recurrent=True, dtype=jnp.float32)
    x = jnp.ones([2, 6, 3])
    out, _ = f.apply(f.init(jax.random.key(0), x), x, rng=jax.random.key(3))
    masks = np.asarray(out != 0)
    assert (masks == masks[:1, :1]).all() and 10 < masks[0, 0].sum() < 54


def test_dropout_state_keeps_lstm_memory():
    def model(x):
        cell = js.nn.rnn_cell.DropoutWrapper(js.nn.rnn_cell.BasicLSTMCell(32), state_keep_prob=0.5)
        state = cell.zero_state(2, jnp.float32)
        return cell(x, js.nn.rnn_cell.LSTMStateTuple(state.c + 1.0, state.h + 1.0))[1]

    f = js.transform(model)
    x = jnp.ones([2, 3])
    state = f.apply(f.init(jax.random.key(0), x), x, rng=jax.random.key(1))
    assert (np.asarray(state.c) != 0).all()
    assert (np.asarray(state.h) == 0).any()


def test_dropout_without_rng_raises():
    f = _dropout_rnn(input_keep_prob=0.5)
    x = jnp.ones([2, 3, 3])
    with pytest.raises(js.MissingRngError, match="rng=jax.random.key"):
        f.apply(f.init(jax.random.key(0), x), x)


def test_dynamic_rnn_without_dtype_or_initial_state_raises():
    f = js.transform(lambda x: js.nn.dynamic_rnn(js.nn.rnn_cell.GRUCell(2), x))
    with pytest.raises(js.MissingInitialStateError, match=r"dtype=jnp.float32"):
        f.init(jax.random.key(0), jnp.ones([1, 2, 3]))
    with pytest.raises(ValueError, match="argument `dtype` must be specified"):
        f.init(jax.random.key(0), jnp.ones([1, 2, 3]))


@pytest.mark.parametrize("arg", ["num_unit_shards", "num_proj_shards"])
def test_lstm_cell_shards_are_refused_by_name(arg):
    with pytest.raises(NotImplementedError, match=f"{arg}=2"):
        js.nn.rnn_cell.LSTMCell(4, num_proj=2, **{arg: 2})


def test_cell_outside_dynamic_rnn_and_cell_defined_outside_transform():
    cell = js.nn.rnn_cell.BasicLSTMCell(3)

    def model(x):
        state = cell.zero_state(x.shape[0], jnp.float32)
        out, state = cell(x, state)
        out, state = cell(x, state)  # reuses the weights
        return out

    f = js.transform(model)
    x = jnp.ones([2, 5])
    variables = f.init(jax.random.key(0), x)
    assert jax.tree.map(jnp.shape, variables) == {
        "params": {"basic_lstm_cell": {"bias": (12,), "kernel": (8, 12)}}
    }
    assert f.apply(variables, x).shape == (2, 3)
    assert f.apply(variables, x).shape == (2, 3)


def test_user_cell_creating_variables_in_call():
    """A cell that makes its variables in ``call`` (no build): created once, outside the loop."""

    class Cell(js.nn.rnn_cell.RNNCell):
        state_size = output_size = 2

        def call(self, inputs, state):
            w = js.get_variable("w", [inputs.shape[1] + 2, 2])
            return jnp.tanh(jnp.concatenate([inputs, state], 1) @ w), state + 1

    f = js.transform(lambda x: js.nn.dynamic_rnn(Cell(), x, dtype=jnp.float32))
    x = jnp.ones([2, 4, 3])
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), x)
        out, state = jax.jit(f.apply)(variables, x)
    assert jax.tree.map(jnp.shape, variables) == {"params": {"rnn": {"cell": {"w": (5, 2)}}}}
    np.testing.assert_array_equal(state, np.full([2, 2], 4.0))


@pytest.mark.parametrize("module", ["rnn", "cell_wrappers"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"jaxscope._src.nn.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_tf1_saver_checkpoint_of_a_stacked_lstm_restores_by_name(tf1, tmp_path):
    """A checkpoint written by tf.compat.v1.train.Saver loads into jaxscope's tree by name."""
    x_np = _inputs(False)
    with tf1.Graph().as_default():
        out = multi_lstm(tf1.nn, tf1.constant(x_np), tf1.constant(LENGTHS), False)
        leaves = tf1.nest.flatten(out)
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(leaves)
            prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
    f = js.transform(lambda x, lengths: multi_lstm(js.nn, x, lengths, False))
    x, lengths = jnp.asarray(x_np), jnp.asarray(LENGTHS)
    abstract = jax.eval_shape(f.init, jax.random.key(0), x, lengths)
    variables, report = checkpoint.restore_tf1(abstract, prefix)
    assert report.ok
    for got, expected in zip(jax.tree.leaves(f.apply(variables, x, lengths)), want, strict=True):
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_dynamic_rnn_under_vmap():
    def model(x):
        return js.nn.dynamic_rnn(js.nn.rnn_cell.GRUCell(3), x, dtype=jnp.float32)[0]

    f = js.transform(model)
    x = jax.random.normal(jax.random.key(1), [4, 2, 5, 3])
    variables = f.init(jax.random.key(0), x[0])
    batched = jax.vmap(lambda x: f.apply(variables, x))(x)
    np.testing.assert_allclose(batched[2], f.apply(variables, x[2]), rtol=1e-6)


def test_integer_inputs_to_a_cell_raise_with_the_fix():
    f = js.transform(
        lambda ids: js.nn.dynamic_rnn(js.nn.rnn_cell.GRUCell(2), ids, dtype=jnp.float32)
    )
    with pytest.raises(js.CellInputDtypeError, match=r"(?s)GRUCell received inputs of dtype int32.*"
                       "embedding_lookup"):  # fmt: skip
        f.init(jax.random.key(0), jnp.zeros([2, 3, 4], jnp.int32))
