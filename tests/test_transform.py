"""transform(): init/apply contract, purity under JAX transformations, stable initial values."""

import re
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js


def fully_connected(x, out_dim, scope):
    with js.variable_scope(scope, reuse=js.AUTO_REUSE):
        w = js.get_variable(
            "weights", [x.shape[1], out_dim], initializer=js.random_normal_initializer()
        )
        b = js.get_variable("biases", [out_dim], initializer=js.constant_initializer(0.0))
        return x @ w + b


def two_layers(x1, x2):
    def two_hidden_layers(x):
        return fully_connected(jax.nn.relu(fully_connected(x, 50, "h1")), 10, "h2")

    with js.variable_scope("two_layers"):
        return two_hidden_layers(x1), two_hidden_layers(x2)


X1 = jnp.linspace(-1, 1, 400).reshape(4, 100)
X2 = jnp.cos(X1)


@pytest.fixture(params=["eager", "jit"])
def maybe_jit(request):
    return (lambda f: f) if request.param == "eager" else jax.jit


def test_seed_example_tree_and_sharing(maybe_jit):
    f = js.transform(two_layers)
    variables = maybe_jit(f.init)(jax.random.key(0), X1, X2)
    assert jax.tree.map(jnp.shape, variables) == {
        "params": {
            "two_layers": {
                "h1": {"weights": (100, 50), "biases": (50,)},
                "h2": {"weights": (50, 10), "biases": (10,)},
            }
        }
    }
    y1, y2 = maybe_jit(f.apply)(variables, X1, X2)
    p = variables["params"]["two_layers"]
    ref = lambda x: jax.nn.relu(x @ p["h1"]["weights"] + p["h1"]["biases"]) @ p["h2"]["weights"]
    np.testing.assert_allclose(y1, ref(X1) + p["h2"]["biases"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(y2, ref(X2) + p["h2"]["biases"], rtol=1e-5, atol=1e-5)
    assert float(jnp.std(p["h1"]["weights"])) == pytest.approx(1.0, abs=0.05)
    assert not np.any(p["h1"]["biases"])


@pytest.mark.optimized_xla
def test_init_jit_and_eager_agree():
    f = js.transform(two_layers)
    a = f.init(jax.random.key(3), X1, X2)
    b = jax.jit(f.init)(jax.random.key(3), X1, X2)
    jax.tree.map(np.testing.assert_array_equal, a, b)


def test_initial_value_depends_only_on_rng_name_shape_dtype_initializer():
    def small(x):
        with js.variable_scope("body"):
            return x @ js.get_variable("w", [3, 3])

    def bigger(x):
        js.get_variable("extra", [3, 3])  # created first, same group as body/w
        with js.variable_scope("body"):
            y = x @ js.get_variable("w", [3, 3])
        return y + js.get_variable("more", [3])

    x = jnp.ones((1, 3))
    a = js.transform(small).init(jax.random.key(0), x)["params"]["body"]["w"]
    b = js.transform(bigger).init(jax.random.key(0), x)["params"]["body"]["w"]
    np.testing.assert_array_equal(a, b)
    c = js.transform(small).init(jax.random.key(1), x)["params"]["body"]["w"]
    assert not np.array_equal(a, c)


def test_same_shape_different_names_get_different_values():
    def f():
        return [js.get_variable(f"w{i}", [4, 4]) for i in range(5)]

    v = js.transform(f).init(jax.random.key(0))["params"]
    flat = [np.asarray(v[f"w{i}"]) for i in range(5)]
    assert len({a.tobytes() for a in flat}) == 5


def test_grad_trains_params_only():
    def f(x):
        w = js.get_variable("w", [3])
        step = js.get_variable("step", [], dtype="int32", trainable=False)
        return jnp.sum(w * x) + 0 * step

    t = js.transform(f)
    v = t.init(jax.random.key(0), jnp.ones(3))
    assert set(v) == {"params", "state"} and "step" in v["state"]
    g = jax.grad(lambda p: t.apply({"params": p, "state": v["state"]}, jnp.arange(3.0)))(
        v["params"]
    )
    np.testing.assert_array_equal(g["w"], jnp.arange(3.0))


def test_vmap_scan_and_checkpoint():
    def model(xs):
        def body(h, x):
            with js.variable_scope("cell", reuse=js.AUTO_REUSE):
                w = js.get_variable("w", [3, 3])
            h = jnp.tanh(h @ w + x)
            return h, h

        return jnp.sum(jax.lax.scan(body, jnp.zeros(3), xs)[1])

    f = js.transform(model)
    xs = jnp.ones((5, 3))
    v = f.init(jax.random.key(0), xs)
    assert jax.tree.map(jnp.shape, v) == {"params": {"cell": {"w": (3, 3)}}}
    out = f.apply(v, xs)
    np.testing.assert_allclose(jax.jit(f.apply)(v, xs), out, rtol=1e-6)
    np.testing.assert_allclose(jax.checkpoint(f.apply)(v, xs), out, rtol=1e-6)
    batched = jax.vmap(f.apply, in_axes=(None, 0))(v, jnp.stack([xs, xs]))
    np.testing.assert_allclose(batched, [out, out], rtol=1e-6)
    keys = jax.random.split(jax.random.key(0), 2)
    stacked = jax.vmap(f.init, in_axes=(0, None))(keys, xs)
    assert stacked["params"]["cell"]["w"].shape == (2, 3, 3)
    assert jax.tree.map(jnp.shape, jax.grad(f.apply)(v, xs)) == {"params": {"cell": {"w": (3, 3)}}}


def test_traced_initial_values_are_computed():
    def m(x):
        a = js.Variable(x * 2, name="a")
        c = js.get_variable("c", initializer=jnp.ones(3) * x.sum())
        return a + c

    f = js.transform(m)
    for init in (f.init, jax.jit(f.init)):
        v = init(jax.random.key(0), jnp.ones(3))["params"]
        np.testing.assert_array_equal(v["a"], [2, 2, 2])
        np.testing.assert_array_equal(v["c"], [3, 3, 3])


def test_init_returns_initializer_values_not_body_results():
    def f():
        v = js.get_variable("v", [2], initializer=js.ones_initializer())
        return v * 10

    t = js.transform(f)
    v = t.init(jax.random.key(0))
    np.testing.assert_array_equal(v["params"]["v"], [1, 1])
    np.testing.assert_array_equal(t.apply(v), [10, 10])


def test_apply_missing_variable_names_path():
    f = js.transform(two_layers)
    v = f.init(jax.random.key(0), X1, X2)
    del v["params"]["two_layers"]["h2"]["biases"]
    with pytest.raises(
        js.MissingVariableError,
        match=r'"two_layers/h2/biases".*'
        r"\['params'\]\['two_layers'\]\['h2'\]\['biases'\]",
    ):
        f.apply(v, X1, X2)
    with pytest.raises(LookupError):
        f.apply(v, X1, X2)


def test_apply_wrong_shape_and_dtype():
    f = js.transform(two_layers)
    v = f.init(jax.random.key(0), X1, X2)
    v["params"]["two_layers"]["h1"]["biases"] = jnp.zeros(49)
    with pytest.raises(
        js.ValueMismatchError,
        match=r'"two_layers/h1/biases" has shape \(49,\).*'
        r"declares shape \(50,\)",
    ):
        f.apply(v, X1, X2)
    v["params"]["two_layers"]["h1"]["biases"] = jnp.zeros(50, jnp.int32)
    with pytest.raises(ValueError, match="dtype int32.*dtype float32"):
        f.apply(v, X1, X2)


def test_apply_unused_entries_are_errors_with_opt_out():
    f = js.transform(two_layers)
    v = f.init(jax.random.key(0), X1, X2)
    v["params"]["two_layers"]["h1"]["weigths"] = jnp.zeros(3)
    with pytest.raises(
        js.UnusedVariablesError, match="(?s)two_layers/h1/weigths.*allow_unused=True"
    ):
        f.apply(v, X1, X2)
    js.transform(two_layers, allow_unused=True).apply(v, X1, X2)


def test_apply_wrong_collection_is_an_error():
    def f():
        return js.get_variable("s", [], trainable=False)

    t = js.transform(f)
    with pytest.raises(js.ValueMismatchError, match="collection 'params'.*'state'"):
        t.apply({"params": {"s": jnp.zeros(())}})


def test_apply_replays_reuse_errors():
    def f():
        js.get_variable("v", [1])
        js.get_variable("v", [1])

    t = js.transform(f)
    with pytest.raises(js.VariableExistsError):
        t.init(jax.random.key(0))
    with pytest.raises(js.VariableExistsError):
        t.apply({"params": {"v": jnp.zeros(1)}})


def test_outside_transform_is_a_clear_error():
    with pytest.raises(js.OutsideTransformError, match=r"jaxscope.transform"):
        js.get_variable("v", [1])
    with js.variable_scope("a"):  # opens (TF1's default graph), but makes nothing
        with pytest.raises(RuntimeError, match="get_variable must be called inside"):
            js.get_variable("v", [1])


def test_a_leaf_of_one_collection_may_be_a_scope_in_the_other():
    """params and state are two trees: TF1's slot "a/Adam" (state) of "a" (params) fits."""

    def f():
        js.get_variable("a", [1])
        js.get_variable("a/Adam", [1], trainable=False)
        js.get_variable("b/c", [1], trainable=False)
        js.get_variable("b", [1])

    variables = js.transform(f).init(jax.random.key(0))
    assert sorted(js.checkpoint.flatten(variables)) == ["a", "a/Adam", "b", "b/c"]
    again = js.checkpoint.unflatten(js.checkpoint.flatten(variables), trainable={"a", "b"})
    assert jax.tree.structure(again) == jax.tree.structure(variables)
    with pytest.raises(js.CheckpointNameError, match="also the scope"):
        js.checkpoint.unflatten(js.checkpoint.flatten(variables), trainable=True)


def test_apply_takes_only_the_variables_dict():
    t = js.transform(lambda: js.get_variable("v", [1]))
    with pytest.raises(TypeError, match="takes the dict returned by init"):
        t.apply({"v": jnp.zeros(1)})


def test_leaf_and_prefix_conflict_is_refused_at_creation():
    def f():
        js.get_variable("a", [1])
        with js.variable_scope("a"):
            js.get_variable("b", [1])

    with pytest.raises(js.TreeConflictError, match=r'"a/b" cannot be created: "a".*leaf'):
        js.transform(f).init(jax.random.key(0))

    def g():
        js.get_variable("a/b", [1])
        js.get_variable("a", [1])

    with pytest.raises(ValueError, match=r'"a" cannot be created: "a/b"'):
        js.transform(g).init(jax.random.key(0))


def test_named_scopes_reach_the_hlo():
    f = js.transform(two_layers)
    v = f.init(jax.random.key(0), X1, X2)
    text = jax.jit(f.apply).lower(v, X1, X2).as_text(debug_info=True)
    assert re.search(r"two_layers/h1/dot_general", text)
    assert re.search(r"two_layers/h2_1/", text)  # second call: TF1's uniquified name scope


def test_threads_init_different_models_at_once():
    barrier = threading.Barrier(2)
    results = {}

    def model(name):
        def fn():
            with js.variable_scope(name):
                barrier.wait()
                for i in range(20):
                    js.get_variable(f"w{i}", [2])
                return js.get_variable_scope().name

        return fn

    def worker(name):
        t = js.transform(model(name))
        v = t.init(jax.random.key(0))
        results[name] = (sorted(v["params"][name]), t.apply(v))

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("left", "right")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results["left"] == (sorted(f"w{i}" for i in range(20)), "left")
    assert results["right"][1] == "right"


def test_nested_transform_uses_its_own_store():
    inner = js.transform(lambda: js.get_variable("v", [1]).name)

    def outer():
        js.get_variable("v", [2])
        return inner.apply({"params": {"v": jnp.zeros(1)}})

    t = js.transform(outer)
    assert t.apply(t.init(jax.random.key(0))) == "v:0"


def test_init_needs_a_key():
    with pytest.raises(TypeError, match=r"jax.random.key\(0\)"):
        js.transform(lambda: None).init(None)


def test_many_variables_compile_fast_because_draws_are_grouped():
    def f():
        for i in range(300):
            js.get_variable(f"w{i}", [8, 8])

    lowered = jax.jit(js.transform(f).init).lower(jax.random.key(0))
    # One vmapped draw for the group: the HLO does not grow with the number of variables.
    assert lowered.as_text().count("threefry") < 30


def test_next_rng_key_gives_distinct_reproducible_keys_from_apply_rng():
    def noisy(x):
        a = jax.random.normal(js.next_rng_key(), x.shape)
        b = jax.random.normal(js.next_rng_key(), x.shape)
        return x + a, b

    f = js.transform(noisy)
    x = jnp.zeros([3])
    (a1, b1), (a2, _), (a3, _) = (
        f.apply({}, x, rng=jax.random.key(0)),
        jax.jit(f.apply)({}, x, rng=jax.random.key(0)),
        f.apply({}, x, rng=jax.random.key(1)),
    )
    np.testing.assert_array_equal(a1, a2)  # reproducible, under jit too
    assert not np.array_equal(a1, b1) and not np.array_equal(a1, a3)
    with pytest.raises(js.MissingRngError, match=r"rng=jax.random.key\(step\)"):
        f.apply({}, x)


def test_next_rng_key_in_init_is_independent_of_the_initializers():
    def model():
        w = js.get_variable("w", [4], initializer=js.random_normal_initializer())
        return js.Variable(jax.random.normal(js.next_rng_key(), [4]), name="noise"), w

    variables = js.transform(model).init(jax.random.key(0))
    assert not np.array_equal(variables["params"]["noise"], variables["params"]["w"])
    again = js.transform(model).init(jax.random.key(0))
    np.testing.assert_array_equal(variables["params"]["noise"], again["params"]["noise"])


def _body_head(x):
    with js.variable_scope("body"):
        h = x @ js.get_variable("w", [3, 3])
    return h @ js.get_variable("head/w", [3, 2])


@pytest.mark.parametrize(
    "leaf",
    [np.eye(3).tolist(), (1.0, 2.0), "abc", b"abc", jax.ShapeDtypeStruct((3, 3), jnp.float32),
     object()],
    ids=["list", "tuple", "str", "bytes", "ShapeDtypeStruct", "object"],
)  # fmt: skip
def test_apply_refuses_non_array_leaves_naming_the_variable(leaf):
    f = js.transform(_body_head)
    x = jnp.ones([1, 3])
    v = f.init(jax.random.key(0), x)
    v["params"]["body"]["w"] = leaf
    with pytest.raises(
        js.InvalidVariableValueError,
        match=r"^variables\['params'\]\['body'\]\['w'\] \(variable \"body/w\"\) is ",
    ) as err:
        f.apply(v, x)
    assert isinstance(err.value, TypeError)
    fix = "initialize_missing" if isinstance(leaf, jax.ShapeDtypeStruct) else "jnp.asarray"
    assert fix in str(err.value)


@pytest.mark.parametrize("leaf", [None, {"a": jnp.ones(3)}], ids=["None", "dict"])
def test_apply_reports_none_or_subtree_leaf_as_missing_variable(leaf):
    f = js.transform(_body_head)
    x = jnp.ones([1, 3])
    v = f.init(jax.random.key(0), x)
    v["params"]["body"]["w"] = leaf
    with pytest.raises(js.MissingVariableError, match=r'needs variable "body/w"'):
        f.apply(v, x)


def test_apply_accepts_arrays_numpy_scalars_and_python_numbers():
    f = js.transform(lambda: js.get_variable("s", []) * js.get_variable("m", [2]))
    for s in [jnp.float32(2), np.float32(2), np.asarray(2.0, np.float32), 2.0]:
        out = f.apply({"params": {"s": s, "m": np.ones(2, np.float32)}})
        assert out.tolist() == [2.0, 2.0]
    v = {"params": {"s": jnp.float32(2), "m": jnp.ones(2)}}
    assert jax.jit(f.apply)(v).tolist() == [2.0, 2.0]  # tracers


@pytest.mark.parametrize(
    "mutable, builtin",
    [(5, TypeError), (object(), TypeError), ("foo", ValueError), (["params", "x"], ValueError)],
)
def test_bad_mutable_argument_names_mutable(mutable, builtin):
    f = js.transform(lambda: js.get_variable("w", [1]))
    v = f.init(jax.random.key(0))
    with pytest.raises(js.MutableArgumentError, match=r"apply\(\.\.\., mutable=") as err:
        f.apply(v, mutable=mutable)
    assert isinstance(err.value, builtin)


def test_initialize_missing_fills_abstract_leaves_of_a_partial_restore(tmp_path):
    from jaxscope import checkpoint

    f = js.transform(_body_head)
    x = jnp.ones([1, 3])
    path = str(tmp_path / "ckpt")
    checkpoint.save_tf1(path, {"params": {"body": {"w": np.eye(3, dtype=np.float32)}}})
    abstract = jax.eval_shape(f.init, jax.random.key(0), x)
    restored, _ = checkpoint.restore_tf1(abstract, path, strict=False)
    assert isinstance(restored["params"]["head"]["w"], jax.ShapeDtypeStruct)
    full = js.initialize_missing(f, restored, jax.random.key(0), x)
    head = full["params"]["head"]["w"]
    assert isinstance(head, jax.Array)
    np.testing.assert_array_equal(head, f.init(jax.random.key(0), x)["params"]["head"]["w"])
    np.testing.assert_array_equal(full["params"]["body"]["w"], np.eye(3))
    assert f.apply(full, x).shape == (1, 2)
    with pytest.raises(js.InvalidVariableValueError, match=r"(?s)\"head/w\".*initialize_missing"):
        f.apply(restored, x)


@pytest.mark.parametrize(
    "loop",
    [
        lambda body: jax.lax.scan(lambda c, i: (c, body()), 0, jnp.arange(3))[1],
        lambda body: jax.lax.fori_loop(0, 3, lambda i, c: c + body(), jnp.zeros(2)),
        lambda body: jax.vmap(lambda _: body())(jnp.arange(3)),
    ],
    ids=["scan", "fori_loop", "vmap"],
)
def test_next_rng_key_inside_a_loop_body_is_refused(loop):
    def body():
        return jax.random.uniform(js.next_rng_key(), [2])

    f = js.transform(lambda: loop(body))
    with pytest.raises(js.RngInTransformError, match=r"(?s)same key.*fold_in\(key, i\)"):
        f.apply({}, rng=jax.random.key(0))
    with pytest.raises(js.RngInTransformError):
        f.init(jax.random.key(0))


def test_the_documented_loop_pattern_draws_afresh_each_step():
    def model():
        key = js.next_rng_key()
        body = lambda c, i: (c, jax.random.uniform(jax.random.fold_in(key, i), [2]))  # noqa: E731
        return jax.lax.scan(body, 0, jnp.arange(3))[1]

    f = js.transform(model)
    for call in (f.apply, jax.jit(f.apply)):
        draws = np.asarray(call({}, rng=jax.random.key(0)))
        assert len({tuple(d) for d in draws}) == 3


def _counter(x):  # README's `counter` example
    step = js.get_variable("global_step", [], "int32", trainable=False)
    step.assign_add(1)
    with js.variable_scope("dense", regularizer=js.l2_regularizer(1e-3)):
        w = js.get_variable("w", [3, 1])
    return jnp.mean((x @ w - 1.0) ** 2) + js.get_regularization_loss()


@pytest.mark.parametrize(
    "model", [_counter, lambda x: js.Variable(x * 2, name="d") + 0], ids=["counter", "traced"]
)
def test_init_inspect_and_jitted_apply_leak_no_tracers(model):
    f = js.transform(model)
    x = jnp.ones([4, 3])
    with jax.checking_leaks():
        v = f.init(jax.random.key(0), x)
        js.inspect(f, x)
        js.initialize_missing(f, {}, jax.random.key(0), x)
        jax.jit(f.apply, static_argnames="mutable")(v, x, mutable=True)
        f.init_with_output(jax.random.key(0), x)
        jax.jit(f.init_with_output)(jax.random.key(0), x)


def test_handle_smuggled_out_of_init_raises_instead_of_reading_zeros():
    escaped = []

    def model():
        w = js.get_variable("layer/w", [2], initializer=js.ones_initializer())
        escaped.append(w)
        return w + 0

    js.transform(model).init(jax.random.key(0))
    with pytest.raises(js.StaleVariableError, match=r'read of variable "layer/w": this handle'):
        _ = escaped[0].value
    with pytest.raises(js.StaleVariableError):
        escaped[0] + 1
    assert escaped[0].shape == (2,) and escaped[0].name == "layer/w:0"  # metadata stays


def test_handle_smuggled_out_of_apply_reads_its_value_or_raises_under_jit():
    escaped = []

    def model():
        w = js.get_variable("w", [2])
        escaped.append(w)
        return w + 0

    f = js.transform(model)
    v = {"params": {"w": jnp.asarray([3.0, 4.0])}}
    f.apply(v)
    assert escaped[-1].value.tolist() == [3.0, 4.0]  # eager: the value it had in that call
    with jax.checking_leaks():
        jax.jit(f.apply)(v)
    with pytest.raises(js.StaleVariableError, match='read of variable "w"'):
        _ = escaped[-1].value  # jit: it held a tracer


# -- init_with_output ------------------------------------------------------------------------


def _drawn_computed_assigned_and_keyed(x):
    h = js.layers.dense(x, 4, activation=jnp.tanh)  # drawn
    c = js.Variable(x.sum(axis=0)[:1] * 2, name="c")  # computed from traced data
    seen = js.get_variable("seen", [], initializer=js.zeros_initializer(), trainable=False)
    seen.assign_add(1.0)
    keep = jax.random.bernoulli(js.next_rng_key(), 0.5, h.shape)
    return jnp.where(keep, h, 0.0) + c + seen


def _scanned(xs):  # a variable created inside a lax.scan body
    def body(h, x):
        with js.variable_scope("cell", reuse=js.AUTO_REUSE):
            w = js.get_variable("w", [3, 3])
        h = jnp.tanh(h @ w + x)
        return h, h

    return jax.lax.scan(body, jnp.zeros(3), xs)[1]


@pytest.mark.parametrize(
    "model, passes",
    [(_drawn_computed_assigned_and_keyed, 1), (_scanned, 3)],
    ids=["one_pass", "loop_body_falls_back"],
)
def test_init_with_output_is_init_plus_a_mutable_apply(maybe_jit, model, passes):
    from jaxscope._src.core.random import _INIT_SALT

    calls = []

    def counted(x):
        calls.append(None)
        return model(x)

    f = js.transform(counted)
    key = jax.random.key(3)
    x = jnp.linspace(-1.0, 1.0, 6).reshape(2, 3)
    out, variables = maybe_jit(f.init_with_output)(key, x)
    assert len(calls) == passes  # one run of the function; init + apply after a loop body's
    expected = maybe_jit(f.init)(key, x)
    jax.tree.map(np.testing.assert_array_equal, variables, expected)  # bit for bit
    # the output: a run on the initial values, next_rng_key seeded as in init, assigns kept in
    # the run but not in the variables (init's values are the initializers', as TF1's)
    body_key = jax.random.fold_in(key, _INIT_SALT)
    ref, assigned = f.apply(expected, x, rng=body_key, mutable=True)
    np.testing.assert_allclose(out, ref, rtol=1e-6, atol=1e-6)
    if "state" in variables:
        assert float(variables["state"]["seen"]) == 0.0
        assert float(assigned["state"]["seen"]) == 1.0


def test_init_with_output_raises_inits_errors():
    def twice():
        js.get_variable("layer/w", [1])
        return js.get_variable("layer/w", [1])

    f = js.transform(twice)
    with pytest.raises(js.VariableExistsError, match=r"Variable \"layer/w\" already exists"):
        f.init_with_output(jax.random.key(0))
    with pytest.raises(TypeError, match=r"f.init_with_output\(jax.random.key\(0\), ...\)"):
        f.init_with_output(None)
    conflict = js.transform(lambda: js.get_variable("a", [1]) + js.get_variable("a/b", [1]))
    with pytest.raises(js.TreeConflictError):
        conflict.init_with_output(jax.random.key(0))
