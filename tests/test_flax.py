"""jaxscope.flax: a jaxscope model inside flax (to_linen), flax modules inside jaxscope (from_linen).

Whichever way a model is wrapped, the variable names, outputs and gradients are the same as the
unwrapped jaxscope model's and as the equivalent pure linen model's; names, sharing and reuse
errors of from_linen are TF1's (tf.compat.v1.layers.dense is the oracle).
"""

import doctest
import os
import subprocess
import sys

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx, serialization
from flax.training import train_state

import jaxscope as js
from jaxscope._src.flax import linen as flax_bridge
from jaxscope._src.flax import nnx as flax_nnx

X = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3) / 6.0


def js_mlp(x):
    """Two TF1 dense layers: variables dense/kernel, dense/bias, dense_1/kernel, dense_1/bias."""
    h = js.layers.dense(x, 4, activation=jnp.tanh)
    return js.layers.dense(h, 2)


def js_from_linen_mlp(x):
    h = jnp.tanh(js.flax.from_linen(nn.Dense(4))(x))
    return js.flax.from_linen(nn.Dense(2))(h)


class LinenMLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        h = jnp.tanh(nn.Dense(4, name="dense")(x))
        return nn.Dense(2, name="dense_1")(h)


def _paths(tree):
    return sorted(
        "/".join(str(getattr(k, "key", k)) for k in path)
        for path, _ in jax.tree_util.tree_leaves_with_path(tree)
    )


def _close(a, b):
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-6, atol=1e-6)


# -- the same model, four ways ---------------------------------------------------------------


def test_same_names_outputs_and_gradients_whichever_way_wrapped():
    f = js.transform(js_mlp)
    variables = f.init(jax.random.key(0), X)
    params = variables["params"]
    wrapped = js.transform(js_from_linen_mlp)
    in_linen = js.flax.to_linen(js_mlp)
    pure = LinenMLP()
    expected = ["dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
    assert _paths(params) == expected
    assert _paths(wrapped.init(jax.random.key(1), X)["params"]) == expected
    assert _paths(in_linen.init(jax.random.key(1), X)["params"]) == expected
    assert _paths(pure.init(jax.random.key(1), X)["params"]) == expected

    runs = {
        "jaxscope": lambda p: f.apply({"params": p}, X),
        "from_linen": lambda p: wrapped.apply({"params": p}, X),
        "to_linen": lambda p: in_linen.apply({"params": p}, X),
        "linen": lambda p: pure.apply({"params": p}, X),
    }
    outs = {k: run(params) for k, run in runs.items()}
    grads = {
        k: jax.grad(lambda p, run=run: jnp.sum(run(p) ** 2))(params) for k, run in runs.items()
    }
    for k in runs:
        _close(outs[k], outs["jaxscope"])
        _close(grads[k], grads["jaxscope"])
        assert _paths(grads[k]) == expected
    assert float(jnp.abs(grads["jaxscope"]["dense"]["kernel"]).sum()) > 0


def test_to_linen_init_is_jaxscope_init_with_the_modules_key():
    def model(x):
        w = js.get_variable("block/w", [3, 2])
        n = js.get_variable("block/n", [], initializer=js.zeros_initializer(), trainable=False)
        return x @ w + n

    class Capture(nn.Module):
        @nn.compact
        def __call__(self, x):
            return self.make_rng("params")

    key = jax.random.key(3)
    module_key = Capture().init_with_output(key, X)[0]
    expected = js.transform(model).init(module_key, X)
    got = js.flax.to_linen(model).init(key, X)
    assert set(got) == {"params", "batch_stats"}
    _close(got["params"], expected["params"])
    _close(got["batch_stats"], expected["state"])


# -- jaxscope inside flax ------------------------------------------------------------------


def counting(x):
    with js.variable_scope("block"):
        w = js.get_variable("w", [x.shape[-1], 2])
        seen = js.get_variable("seen", [], initializer=js.zeros_initializer(), trainable=False)
        seen.assign_add(1.0)
    return x @ w


def test_to_linen_mutable_maps_to_jaxscope_mutable():
    f = js.transform(counting)
    m = js.flax.to_linen(f, state_collection="stats")  # a Transformed works as the function
    variables = m.init(jax.random.key(0), X)
    assert float(variables["stats"]["block"]["seen"]) == 0.0  # init: initial values, as TF1
    out, updates = m.apply(variables, X, mutable=["stats"])
    js_out, js_new = f.apply(
        {"params": variables["params"], "state": variables["stats"]}, X, mutable=["state"]
    )
    _close(out, js_out)
    _close(updates["stats"], js_new["state"])
    assert float(updates["stats"]["block"]["seen"]) == 1.0
    with pytest.raises(
        js.flax.LinenImmutableVariableError,
        match=r'(?s)assigns variable "block/seen", which lives in the linen collection \'stats\'.*'
        r"mutable=\['stats'\]",
    ):
        m.apply(variables, X)


def test_to_linen_inside_compact_module_and_under_jit_and_remat():
    class Parent(nn.Module):
        @nn.compact
        def __call__(self, x):
            return js.flax.to_linen(js_mlp, name="body")(x) + nn.Dense(2)(x)

    variables = Parent().init(jax.random.key(0), X)
    assert _paths(variables["params"]) == [
        "Dense_0/bias", "Dense_0/kernel", "body/dense/bias", "body/dense/kernel",
        "body/dense_1/bias", "body/dense_1/kernel",
    ]  # fmt: skip
    body = variables["params"]["body"]
    direct = js.transform(js_mlp).apply({"params": body}, X)
    dense = nn.Dense(2).apply({"params": variables["params"]["Dense_0"]}, X)
    _close(Parent().apply(variables, X), direct + dense)

    for wrap in (nn.jit, nn.remat):
        m = wrap(js.flax.ToLinen)(fn=js_mlp)
        v = m.init(jax.random.key(0), X)
        assert _paths(v["params"]) == _paths(body)
        g = jax.grad(lambda p, m=m: jnp.sum(m.apply({"params": p}, X)))(body)
        g_js = jax.grad(lambda p: jnp.sum(js.transform(js_mlp).apply({"params": p}, X)))(body)
        _close(g, g_js)


def test_to_linen_under_nn_scan_stacks_the_tree():
    def cell(c, x):
        w = js.get_variable("cell/w", [c.shape[-1], c.shape[-1]])
        c = jnp.tanh(c @ w + x)
        return c, c

    Scan = nn.scan(
        js.flax.ToLinen, variable_axes={"params": 0}, split_rngs={"params": True}, length=3
    )
    m = Scan(fn=cell)
    c0, xs = jnp.ones([2, 3]) / 3, jnp.stack([X, -X, 2 * X])
    variables = m.init(jax.random.key(0), c0, xs)
    assert variables["params"]["cell"]["w"].shape == (3, 3, 3)
    c, ys = m.apply(variables, c0, xs)
    f = js.transform(cell)
    expect_c = c0
    for i in range(3):
        step = {"params": {"cell": {"w": variables["params"]["cell"]["w"][i]}}}
        expect_c, y = f.apply(step, expect_c, xs[i])
        _close(ys[i], y)
    _close(c, expect_c)


def dropout_model(x):
    keep = jax.random.bernoulli(js.next_rng_key(), 0.5, x.shape)
    return jnp.where(keep, x, 0.0) @ js.get_variable("w", [x.shape[-1], 2])


def test_to_linen_rngs_feed_next_rng_key():
    m = js.flax.to_linen(dropout_model)
    v = m.init({"params": jax.random.key(0), "dropout": jax.random.key(1)}, X)

    def run(k):
        return m.apply(v, X, rngs={"dropout": jax.random.key(k)})

    _close(run(3), run(3))
    assert not np.allclose(run(3), run(4))
    with pytest.raises(
        js.flax.LinenMissingRngError, match=r"(?s)'dropout' rng stream.*rngs=\{'dropout': jax"
    ):
        m.apply(v, X)


def test_to_linen_init_output_draws_from_the_callers_stream_or_names_it():
    m = js.flax.to_linen(dropout_model)
    rngs = {"params": jax.random.key(0), "dropout": jax.random.key(1)}
    out, v = m.init_with_output(rngs, X)
    _close(out, m.apply(v, X, rngs={"dropout": jax.random.key(1)}))  # as linen's nn.Dropout
    with pytest.raises(js.flax.LinenMissingRngError, match=r"(?s)'dropout' rng stream"):
        m.init(jax.random.key(0), X)


def noisy_dropout_model(x):  # an initial value drawn with next_rng_key, then dropout
    noise = js.Variable(jax.random.normal(js.next_rng_key(), [x.shape[-1]]), name="noise")
    return dropout_model(x + noise)


@pytest.mark.parametrize("model", [noisy_dropout_model, js_from_linen_mlp])
def test_to_linen_init_values_are_jaxscope_inits_and_output_a_run_on_them(model):
    class Capture(nn.Module):
        @nn.compact
        def __call__(self, x):
            return self.make_rng("params")

    # js_from_linen_mlp builds its nn.Dense inside the ToLinen call: linen binds it to the
    # wrapper, from_linen runs it unbound
    rngs = {"params": jax.random.key(3), "dropout": jax.random.key(4)}
    module_key = Capture().init_with_output(rngs, X)[0]
    m = js.flax.to_linen(model)
    out, got = m.init_with_output(rngs, X)
    expected = js.transform(model).init(module_key, X)  # noise from init's keys, not dropout's
    jax.tree.map(np.testing.assert_array_equal, got, expected)
    _close(out, m.apply(got, X, rngs={"dropout": jax.random.key(4)}))


def test_to_linen_init_runs_the_model_once():
    calls = []

    def model(x):
        calls.append(None)
        return counting(js_mlp(x))

    m = js.flax.to_linen(model)
    jax.make_jaxpr(m.init)(jax.random.key(0), X)  # what bench_flax.py times
    assert len(calls) == 1  # jaxscope's init alone runs it once (abstractly); + output was 2


def test_to_linen_in_nnx_through_to_nnx():
    m = nnx.bridge.ToNNX(js.flax.to_linen(js_mlp), rngs=nnx.Rngs(0))
    nnx.bridge.lazy_init(m, X)
    tree = nnx.to_pure_dict(nnx.state(m, nnx.Param))
    assert _paths(tree) == ["dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
    _close(m(X), js.transform(js_mlp).apply({"params": tree}, X))


# -- flax inside jaxscope: names, sharing and errors as TF1's layers ---------------------------


def _tf_names(tf1, body):
    with tf1.Graph().as_default():
        x = tf1.placeholder(tf1.float32, [2, 3])
        try:
            body(tf1, lambda name=None, reuse=None: tf1.layers.dense(x, 4, name=name, reuse=reuse))
        except ValueError as e:
            return [v.name for v in tf1.global_variables()], type(e).__mro__[1], str(e)
        return [v.name for v in tf1.global_variables()], None, None


def _js_names(body):
    rec = {}

    def fn(x):
        try:
            body(
                js,
                lambda name=None, reuse=None: js.flax.from_linen(nn.Dense(4), name, reuse=reuse)(x),
            )
        except ValueError as e:
            rec["error"] = e
        rec["names"] = [v.name for v in js.global_variables()]
        rec["trainable"] = [v.name for v in js.trainable_variables()]

    js.inspect(js.transform(fn), X)
    return rec


PROGRAMS = {
    "unnamed_twice": lambda S, d: (d(), d()),
    "named_twice": lambda S, d: (d("dense"), d("dense")),
    "auto_reuse": lambda S, d: [d("dense", S.AUTO_REUSE) for _ in range(2)],
    "reuse_missing": lambda S, d: d("dense", True),
    "nested_scopes": lambda S, d: _nested(S, d),
}


def _nested(S, d):
    with S.variable_scope("net"):
        d()
        with S.variable_scope("head"):
            d("out")
    with S.variable_scope("net", reuse=True):
        d("dense")


@pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_from_linen_names_sharing_and_errors_match_tf1_layers(tf1, program):
    tf_names, tf_error, tf_msg = _tf_names(tf1, PROGRAMS[program])
    got = _js_names(PROGRAMS[program])
    assert got["names"] == tf_names
    assert got["trainable"] == tf_names
    assert ("error" in got) == (tf_error is not None), tf_msg
    if program == "named_twice":
        assert "already exists" in tf_msg
        with pytest.raises(js.VariableExistsError, match=r'Variable "dense/kernel" already exists'):
            raise got["error"]
    if program == "reuse_missing":
        assert "does not exist" in tf_msg
        assert isinstance(got["error"], js.VariableNotFoundError)


def test_from_linen_batch_stats_are_state_and_update_as_linen():
    def model(x, train):
        return js.flax.from_linen(nn.BatchNorm(use_running_average=not train, momentum=0.5))(x)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X, False)
    assert _paths(variables["params"]) == ["batch_norm/bias", "batch_norm/scale"]
    assert _paths(variables["state"]) == ["batch_norm/mean", "batch_norm/var"]
    out, new = f.apply(variables, X, True, mutable=["state"])
    bn = nn.BatchNorm(use_running_average=False, momentum=0.5)
    linen_vars = {
        "params": variables["params"]["batch_norm"],
        "batch_stats": variables["state"]["batch_norm"],
    }
    linen_out, linen_new = bn.apply(linen_vars, X, mutable=["batch_stats"])
    _close(out, linen_out)
    _close(new["state"]["batch_norm"], linen_new["batch_stats"])
    inference = nn.BatchNorm(use_running_average=True, momentum=0.5).apply(linen_vars, X)
    _close(f.apply(variables, X, False), inference)
    with pytest.raises(
        js.ImmutableVariableError, match=r'(?s)"batch_norm/mean".*mutable=\[\'state\'\]'
    ):
        f.apply(variables, X, True)
    seen = {}

    def collections(x):
        model(x, False)
        for key in ("variables", "trainable_variables", "moving_average_variables"):
            seen[key] = [v.name for v in js.get_collection(key)]

    js.inspect(js.transform(collections), X)
    assert seen == {
        "variables": [
            "batch_norm/scale:0",
            "batch_norm/bias:0",
            "batch_norm/mean:0",
            "batch_norm/var:0",
        ],
        "trainable_variables": ["batch_norm/scale:0", "batch_norm/bias:0"],
        "moving_average_variables": [],
    }
    info = js.inspect(f, X, False)
    assert [(i.name, i.trainable) for i in info] == [
        ("batch_norm/scale", True), ("batch_norm/bias", True),  # flax's creation order,
        ("batch_norm/mean", False), ("batch_norm/var", False),  # params first
    ]  # fmt: skip


class Block(nnx.Module):
    def __init__(self, din, dout, *, rngs):
        self.linear = nnx.Linear(din, dout, rngs=rngs)
        self.norm = nnx.LayerNorm(dout, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))


def test_nnx_module_inside_jaxscope_through_to_linen():
    def model(x):
        return js.flax.from_linen(nnx.bridge.to_linen(Block, 3, 4), "block")(x)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    assert _paths(variables["params"]) == [
        "block/linear/bias", "block/linear/kernel", "block/norm/bias", "block/norm/scale",
    ]  # fmt: skip
    direct = Block(3, 4, rngs=nnx.Rngs(0))
    state = nnx.state(direct, nnx.Param)
    nnx.replace_by_pure_dict(state, variables["params"]["block"])
    nnx.update(direct, state)
    _close(f.apply(variables, X), direct(X))


def test_from_linen_variables_in_tf1_checkpoints(tmp_path, tf1):
    f = js.transform(js_from_linen_mlp)
    variables = f.init(jax.random.key(0), X)
    path = js.checkpoint.save_tf1(str(tmp_path / "model.ckpt"), variables)
    reader = tf1.train.load_checkpoint(path)
    assert sorted(reader.get_variable_to_shape_map()) == [
        "dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel",
    ]  # fmt: skip
    np.testing.assert_array_equal(
        reader.get_tensor("dense_1/kernel"), variables["params"]["dense_1"]["kernel"]
    )
    zeros = jax.tree.map(jnp.zeros_like, variables)
    restored, _ = js.checkpoint.restore_tf1(zeros, path)
    _close(restored, variables)


# -- flax's training utilities ----------------------------------------------------------------


def test_train_state_and_serialization_round_trip():
    f = js.transform(js_mlp)
    variables = f.init(jax.random.key(0), X)
    state = train_state.TrainState.create(
        apply_fn=f.apply, params=variables["params"], tx=optax.sgd(0.1)
    )

    def loss(params):
        return jnp.mean(state.apply_fn({"params": params}, X) ** 2)

    grads = jax.grad(loss)(state.params)
    state = jax.jit(lambda s, g: s.apply_gradients(grads=g))(state, grads)
    _close(state.params, jax.tree.map(lambda p, g: p - 0.1 * g, variables["params"], grads))
    assert int(state.step) == 1

    data = serialization.to_bytes(state)
    empty = state.replace(params=jax.tree.map(jnp.zeros_like, state.params), step=0)
    back = serialization.from_bytes(empty, data)
    _close(back.params, state.params)
    assert int(back.step) == 1
    raw = serialization.msgpack_restore(serialization.msgpack_serialize(variables))
    assert _paths(raw) == _paths(variables)
    _close(f.apply(raw, X), f.apply(variables, X))


# -- errors -------------------------------------------------------------------------------------


def test_from_linen_refuses_nnx_modules_and_bound_modules():
    with pytest.raises(
        js.flax.LinenModuleError,
        match=r"(?s)got Block: it is not a flax.linen.Module.*from_nnx\(MyNNXModule",
    ):
        js.flax.from_linen(Block(3, 4, rngs=nnx.Rngs(0)))
    bound = nn.Dense(2).bind(nn.Dense(2).init(jax.random.key(0), X))
    with pytest.raises(js.flax.LinenModuleError, match=r"got Dense: it is bound to variables"):
        js.flax.from_linen(bound)
    assert issubclass(js.flax.LinenModuleError, TypeError)


def test_from_linen_refuses_one_path_in_two_collections():
    class Clash(nn.Module):
        @nn.compact
        def __call__(self, x):
            w = self.param("w", nn.initializers.ones, (x.shape[-1],))
            n = self.variable("batch_stats", "w", jnp.zeros, (x.shape[-1],))
            return x * w + n.value

    def model(x):
        return js.flax.from_linen(Clash(), "clash")(x)

    with pytest.raises(
        js.flax.LinenCollectionConflictError,
        match=r"(?s)\"w\" in both collections 'params' and 'batch_stats'.*\"clash/w\"",
    ):
        js.transform(model).init(jax.random.key(0), X)


def test_from_linen_outside_transform_raises():
    with pytest.raises(js.OutsideTransformError):
        js.flax.from_linen(nn.Dense(2))(X)


# -- packaging --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [flax_bridge, flax_nnx], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 3


def test_jaxscope_imports_without_flax():
    code = (
        "import sys; sys.modules['flax'] = None\n"
        "import jaxscope as js\n"
        "assert 'flax' not in sys.modules or sys.modules['flax'] is None\n"
        "try:\n    js.flax\nexcept ImportError as e:\n    print(e)\n"
    )
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "jaxscope.flax needs flax, which is not installed: pip install 'jaxscope[flax]'"
    )


def test_bench_flax_runs_and_checks_its_four_ways():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_flax.py"
    spec = importlib.util.spec_from_file_location("bench_flax", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_flax", bench)  # linen's dataclasses look their module up
    spec.loader.exec_module(bench)
    out = bench.main(["--layers", "1", "--hidden", "8", "--repeats", "1"])  # asserts equal outputs
    assert set(out) >= {"jaxscope", "to_linen", "from_linen", "linen", "to_linen / jaxscope"}


@pytest.mark.parametrize("loop", ["js.scan", "jax.lax.scan"])
def test_from_linen_inside_loop_bodies_shares_one_set_of_variables(loop):
    def step(c, xi):
        return jnp.tanh(js.flax.from_linen(nn.Dense(3), "cell", reuse=js.AUTO_REUSE)(c)) + xi

    def model(xs):
        if loop == "js.scan":
            return js.scan(step, xs, xs[0])
        return jax.lax.scan(lambda c, xi: (step(c, xi),) * 2, xs[0], xs)[1]

    f = js.transform(model)
    xs = jnp.stack([X[0], X[1], -X[0]])
    variables = f.init(jax.random.key(0), xs)
    assert _paths(variables["params"]) == ["cell/bias", "cell/kernel"]
    c, expected = xs[0], []
    for xi in xs:
        c = jnp.tanh(nn.Dense(3).apply({"params": variables["params"]["cell"]}, c)) + xi
        expected.append(c)
    _close(jax.jit(f.apply)(variables, xs, rng=jax.random.key(1)), jnp.stack(expected))


class Noisy(nnx.Module):
    def __init__(self, *, rngs):
        self.layers = nnx.List([nnx.Linear(3, 4, rngs=rngs), nnx.Linear(4, 2, rngs=rngs)])
        self.norm = nnx.BatchNorm(2, momentum=0.5, rngs=rngs)
        self.drop = nnx.Dropout(0.5, rngs=rngs)

    def __call__(self, x, train=False):
        h = self.layers[1](jnp.tanh(self.layers[0](x)))
        return self.drop(self.norm(h, use_running_average=not train), deterministic=not train)


def test_from_nnx_names_values_updates_and_rngs():
    module = Noisy(rngs=nnx.Rngs(0))
    f = js.transform(lambda x, train=False: js.flax.from_nnx(module, "net")(x, train))
    variables = f.init(jax.random.key(5), X)
    assert [(i.name, i.trainable) for i in js.inspect(f, X)] == [
        ("net/layers/0/bias", True), ("net/layers/0/kernel", True),
        ("net/layers/1/bias", True), ("net/layers/1/kernel", True),
        ("net/norm/bias", True), ("net/norm/scale", True),
        ("net/norm/mean", False), ("net/norm/var", False),
    ]  # fmt: skip
    _close(variables["params"]["net"]["layers"]["0"]["kernel"], module.layers[0].kernel[...])
    _close(f.apply(variables, X), module(X))  # the module is never mutated by jaxscope

    out, new = f.apply(variables, X, True, rng=jax.random.key(1), mutable=["state"])
    reference = nnx.clone(module)
    ref_out = reference.norm(reference.layers[1](jnp.tanh(reference.layers[0](X))))
    _close(new["state"]["net"]["norm"], nnx.to_pure_dict(nnx.state(reference.norm, nnx.BatchStat)))
    kept = out != 0
    _close(out[kept], 2.0 * ref_out[kept])  # dropout 0.5 scales what it keeps
    again, _ = f.apply(variables, X, True, rng=jax.random.key(1), mutable=["state"])
    other, _ = f.apply(variables, X, True, rng=jax.random.key(2), mutable=["state"])
    _close(again, out)
    assert not np.allclose(other, out)
    with pytest.raises(js.ImmutableVariableError, match=r'(?s)"net/norm/mean"'):
        f.apply(variables, X, True, rng=jax.random.key(1))


def test_from_nnx_and_to_linen_bridge_agree_and_follow_reuse_rules():
    block = Block(3, 4, rngs=nnx.Rngs(0))
    direct = js.transform(lambda x: js.flax.from_nnx(block, "block")(x))
    bridged = js.transform(
        lambda x: js.flax.from_linen(nnx.bridge.to_linen(Block, 3, 4), "block")(x)
    )
    variables = direct.init(jax.random.key(0), X)
    assert _paths(variables) == _paths(bridged.init(jax.random.key(0), X))

    def loss(f):
        return lambda p: jnp.sum(f.apply({"params": p}, X) ** 2)

    _close(direct.apply(variables, X), bridged.apply(variables, X))
    _close(
        jax.grad(loss(direct))(variables["params"]), jax.grad(loss(bridged))(variables["params"])
    )

    def twice(x, reuse):
        js.flax.from_nnx(block, "block", reuse=reuse)(x)
        return js.flax.from_nnx(block, "block", reuse=reuse)(x)

    shared = js.transform(lambda x: twice(x, js.AUTO_REUSE)).init(jax.random.key(0), X)
    assert _paths(shared) == _paths(variables)
    with pytest.raises(
        js.VariableExistsError, match=r'Variable "block/linear/bias" already exists'
    ):
        js.transform(lambda x: twice(x, None)).init(jax.random.key(0), X)
    with pytest.raises(
        js.flax.LinenModuleError, match=r"(?s)from_nnx takes a flax.nnx.Module.*got Dense"
    ):
        js.flax.from_nnx(nn.Dense(2))


def test_flax_all_is_pinned_and_sorted():
    assert js.flax.__all__ == [
        "LinenCollectionConflictError",
        "LinenImmutableVariableError",
        "LinenMissingRngError",
        "LinenModuleError",
        "ToLinen",
        "from_linen",
        "from_nnx",
        "to_linen",
    ]
    for name in js.flax.__all__:
        assert getattr(js.flax, name).__doc__
    for cls in (js.flax.LinenCollectionConflictError, js.flax.LinenModuleError):
        assert issubclass(cls, js.JaxscopeError)
    assert issubclass(js.flax.LinenImmutableVariableError, js.ImmutableVariableError)
    assert issubclass(js.flax.LinenMissingRngError, js.MissingRngError)


def test_from_linen_method_calls_another_method_on_the_same_variables():
    class AutoEncoder(nn.Module):
        def setup(self):
            self.enc = nn.Dense(2)
            self.dec = nn.Dense(3)

        def __call__(self, x):
            return self.dec(self.enc(x))

        def encode(self, x):
            return self.enc(x)

    def model(x):
        full = js.flax.from_linen(AutoEncoder(), "ae")(x)
        code = js.flax.from_linen(AutoEncoder(), "ae", reuse=True, method="encode")(x)
        return full, code

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    assert _paths(variables) == [
        "params/ae/dec/bias", "params/ae/dec/kernel", "params/ae/enc/bias", "params/ae/enc/kernel",
    ]  # fmt: skip
    full, code = f.apply(variables, X)
    linen = {"params": variables["params"]["ae"]}
    _close(code, AutoEncoder().apply(linen, X, method="encode"))
    _close(full, AutoEncoder().apply(linen, X))
