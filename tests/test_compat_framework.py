"""jaxscope.compat.v1's framework names against tf.compat.v1: the collection helpers (which
variables land in local / model / moving-average collections), seeds, executing_eagerly,
init_scope, custom_gradient, the numeric checks and static asserts, tf.nest and tf.dtypes."""

import collections

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from compat_oracle import Case, assert_same, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
X = R.uniform(-2, 2, (2, 3)).astype(np.float32)
NAN = np.array([1.0, np.nan, 2.0], np.float32)
XI = np.arange(6, dtype=np.int32).reshape(2, 3)


def _guarded(check):
    """``check(tf, x)``'s assertion ordered before an identity of ``x``, as TF1 code writes it
    (a no-op context in jaxscope, where the check runs when called)."""

    def fn(tf, x, *rest):
        ops = check(tf, x, *rest)
        with tf.control_dependencies(
            [o for o in (ops if isinstance(ops, list) else [ops]) if o is not None]
        ):
            return tf.identity(x)

    return fn


def _log1pexp(tf, x):
    @tf.custom_gradient
    def f(x):
        e = tf.exp(x)
        return tf.log(1.0 + e), lambda dy: dy * (1.0 - 1.0 / (1.0 + e))

    return f(x)


def _scaled(tf, x, y):
    @tf.custom_gradient
    def f(a, b):
        return a * b, lambda dy: [dy * 3.0, None]

    return f(x, y)


def _two_outputs(tf, x):
    @tf.custom_gradient
    def f(a):
        return [a * 2.0, a + 1.0], lambda d1, d2: d1 * 10.0 + d2

    return f(x)


CASES = [
    Case("check_numerics_finite", lambda tf, x: tf.check_numerics(x, "bad"), (X,), grad=True),
    Case("check_numerics_nan", lambda tf, x: tf.check_numerics(x, "bad"), (NAN,), tf_run_time_error=True),
    Case("check_numerics_int", lambda tf, x: tf.check_numerics(x, "bad"), (XI,)),
    Case("verify_all_finite", lambda tf, x: tf.verify_tensor_all_finite(x, "m"), (X,)),
    Case("verify_all_finite_new_names", lambda tf, x: tf.verify_tensor_all_finite(x=x, message="m"), (NAN,), tf_run_time_error=True),
    Case("assert_near_ok", _guarded(lambda tf, x: tf.assert_near(x, x + 1e-7)), (X,)),
    Case("assert_near_tol", _guarded(lambda tf, x: tf.assert_near(x, x + 0.01, atol=0.02)), (X,)),
    Case("assert_near_fails", _guarded(lambda tf, x: tf.assert_near(x, x + 0.01)), (X,), tf_run_time_error=True),
    Case("assert_near_dtypes", _guarded(lambda tf, x, i: tf.assert_near(x, i)), (X, XI)),
    Case("assert_scalar", lambda tf, x: tf.assert_scalar(x[0, 0]), (X,)),
    Case("assert_scalar_fails", lambda tf, x: tf.assert_scalar(x), (X,)),
    Case("assert_integer", _guarded(lambda tf, x: tf.assert_integer(x)), (XI,)),
    Case("assert_integer_fails", _guarded(lambda tf, x: tf.assert_integer(x)), (X,)),
    Case("assert_rank_at_least", _guarded(lambda tf, x: tf.assert_rank_at_least(x, 2)), (X,)),
    Case("assert_rank_at_least_fails", _guarded(lambda tf, x: tf.assert_rank_at_least(x, 3)), (X,)),
    Case("assert_rank_in", _guarded(lambda tf, x: tf.assert_rank_in(x, [1, 2])), (X,)),
    Case("assert_rank_in_fails", _guarded(lambda tf, x: tf.assert_rank_in(x, (0, 3))), (X,)),
    Case("Assert_ok", _guarded(lambda tf, x: tf.Assert(tf.reduce_all(x < 3.0), [x])), (X,)),
    Case("Assert_fails", _guarded(lambda tf, x: tf.Assert(tf.reduce_all(x < 0.0), [x])), (X,), tf_run_time_error=True),
    Case("debugging_names", _guarded(lambda tf, x: [tf.debugging.assert_near(x, x), tf.debugging.assert_scalar(x[0, 0])]), (X,)),
    Case("custom_gradient", _log1pexp, (np.array([0.0, 50.0, -3.0], np.float32),), grad=True),
    Case("custom_gradient_two_inputs", _scaled, (X, X + 1.0), grad=True),
    Case("custom_gradient_two_outputs", _two_outputs, (X,), grad=True),
    Case("dtypes_cast", lambda tf, x: [tf.dtypes.cast(x, tf.dtypes.int32), tf.dtypes.saturate_cast(x * 100.0, tf.dtypes.int8)], (X,)),
]  # fmt: skip


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_framework_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", CASES[::4], ids=lambda c: c.id)
def test_framework_op_under_jit_matches_tf1(tf_results, case):
    if case.tf_run_time_error:  # under jit the check fails when the program runs
        assert run_js(case, jit=True) == "RuntimeError"  # jax's XlaRuntimeError
        return
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def _collections_program(tf, slim, x):
    """Variables of every kind, filed as TF1 files them; returns the names per collection."""
    tf.get_variable("w", [3])
    tf.get_local_variable("count", [], initializer=tf.zeros_initializer())
    tf.get_local_variable("acc", [2], collections=["extra"], initializer=tf.zeros_initializer())
    with tf.variable_scope("block"):
        slim.model_variable("kernel", [3], initializer=tf.zeros_initializer())
        slim.batch_norm(x, is_training=False)
    tf.add_to_collections(["mine", "theirs", "mine"], x)
    tf.get_collection_ref("ref").append(x)
    tf.get_collection_ref("ref").append(x)
    names = lambda vs: [v.name for v in vs]
    return {
        "global": names(tf.global_variables()),
        "all": names(tf.all_variables()),
        "trainable": names(tf.trainable_variables()),
        "local": names(tf.local_variables()),
        "local_scoped": names(tf.local_variables("ac")),
        "model": names(tf.model_variables()),
        "model_scoped": names(tf.model_variables("block/B")),
        "moving_average": names(tf.moving_average_variables()),
        "extra": names(tf.get_collection("extra")),
        "counts": [len(tf.get_collection(k)) for k in ("mine", "theirs", "ref")],
        "eager": tf.executing_eagerly(),
    }


def test_variables_land_in_tf1s_collections(tf1, slim):
    x = np.ones((2, 3), np.float32)
    with tf1.Graph().as_default():
        want = _collections_program(tf1, slim, tf1.constant(x))
    f = js.transform(lambda x: _collections_program(jtf, jtf.contrib.slim, x))
    variables = f.init(jax.random.key(0), x)
    assert f.apply(variables, x) == want
    assert "count" in variables["state"] and "acc" in variables["state"]


def test_moving_average_variables_match_tf1_for_the_programs_own_filings(tf1):
    def program(tf):
        w = tf.get_variable("w", [2])
        tf.add_to_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, w)
        return [v.name for v in tf.moving_average_variables()]

    with tf1.Graph().as_default():
        want = program(tf1)
    f = js.transform(lambda: program(jtf))
    assert f.apply(f.init(jax.random.key(0))) == want


def test_get_collection_ref_is_the_collection_itself():
    def model():
        ref = jtf.get_collection_ref("things")
        ref.append(1)
        assert jtf.get_collection("things") == [1] and jtf.get_collection_ref("things") is ref
        copy = jtf.get_collection("things")
        copy.append(2)
        return jtf.get_collection("things")

    assert js.transform(model).apply({}) == [1]
    with pytest.raises(RuntimeError, match="get_collection_ref"):
        jtf.get_collection_ref("things")


def test_seeds_follow_tf1s_rules(tf1):
    def program(tf, graph_seed):
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        return [tf.get_seed(5), tf.get_seed(0), tf.get_seed(None)]

    try:
        for graph_seed in (None, 7, 0):
            with tf1.Graph().as_default():
                want = program(tf1, graph_seed)
            assert program(jtf, graph_seed) == want
    finally:
        jtf.set_random_seed(None)
    with pytest.raises(TypeError, match="seed must be an int"):
        jtf.set_random_seed(1.5)


def test_set_random_seed_does_not_change_the_draws():
    def model(seed):
        if seed is not None:
            jtf.set_random_seed(seed)
        return jtf.random_normal([3])

    try:
        draws = [
            js.transform(lambda s=s: model(s)).apply({}, rng=jax.random.key(1)) for s in (None, 3)
        ]
    finally:
        jtf.set_random_seed(None)
    np.testing.assert_array_equal(*draws)


def test_init_scope_keeps_the_name_scope(tf1):
    def program(tf):
        with tf.name_scope("outer"), tf.init_scope(), tf.name_scope("inner") as scope:
            return scope, tf.executing_eagerly()

    with tf1.Graph().as_default():
        want = program(tf1)
    assert js.transform(lambda: program(jtf)).apply({}) == want


def test_custom_gradient_under_jit_and_vmap():
    f = lambda x: _log1pexp(jtf, x)
    x = jnp.array([0.0, 50.0, -3.0])
    g = jax.jit(jax.vmap(jax.grad(f)))(x)
    np.testing.assert_allclose(g, jax.nn.sigmoid(x), rtol=1e-6)
    with pytest.raises(ValueError, match="custom_gradient: grad_fn returned 1 gradients for 2"):
        jax.grad(lambda a: jtf.custom_gradient(lambda a, b: (a * b, lambda dy: dy))(a, a))(1.0)


def test_assert_same_float_dtype_matches_tf1(tf1):
    f16, i32 = np.zeros(2, np.float16), np.zeros(2, np.int32)
    for tensors, dtype in (([f16], None), (None, None), ([], "float32"), ([f16, f16], "float16")):
        got = jtf.assert_same_float_dtype(tensors, dtype and getattr(jtf, dtype))
        tf_tensors = [tf1.constant(t) for t in tensors or []] or None
        assert got == tf1.assert_same_float_dtype(tf_tensors, dtype and getattr(tf1, dtype))
    for tensors, dtype in (([i32], None), ([f16], "float32")):
        with pytest.raises(ValueError):
            tf1.assert_same_float_dtype(
                [tf1.constant(t) for t in tensors], dtype and getattr(tf1, dtype)
            )
        with pytest.raises(ValueError, match="tf.assert_same_float_dtype"):
            jtf.assert_same_float_dtype(tensors, dtype and getattr(jtf, dtype))


def test_add_check_numerics_ops_is_a_documented_no_op():
    assert jtf.add_check_numerics_ops() is None
    assert "jax_debug_nans" in jtf.add_check_numerics_ops.__doc__


Point = collections.namedtuple("Point", "x y")
STRUCTURES = [
    [1, (2, None), {"b": 3, "a": [4, 5]}],
    None,
    "leaf",
    [],
    collections.OrderedDict([("b", 1), ("a", (2, 3))]),
    Point(1, [2, None]),
    {"k": np.ones(2)},
]


@pytest.mark.parametrize("structure", STRUCTURES, ids=repr)
def test_nest_matches_tf(tf1, structure):
    flat = tf1.nest.flatten(structure)
    assert _same_leaves(jtf.nest.flatten(structure), flat)
    assert jtf.nest.is_nested(structure) == tf1.nest.is_nested(structure)
    renumbered = list(range(len(flat)))
    want = tf1.nest.pack_sequence_as(structure, renumbered)
    got = jtf.nest.pack_sequence_as(structure, renumbered)
    assert got == want and type(got) is type(want)
    mapped = jtf.nest.map_structure(lambda a, b: (a, b), want, want)
    assert mapped == tf1.nest.map_structure(lambda a, b: (a, b), want, want)


def _same_leaves(a, b):
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    "pair",
    [
        ([1, 2], (1, 2)),
        ([1, 2], [1, 2, 3]),
        ([1, [2]], [1, 2]),
        ({"a": 1}, {"b": 1}),
        ([None], [1]),
    ],
    ids=repr,
)
def test_nest_refusals_match_tf(tf1, pair):
    def outcome(nest, **kw):
        try:
            nest.assert_same_structure(*pair, **kw)
            return None
        except (TypeError, ValueError) as e:
            return type(e)

    for kw in ({}, {"check_types": False}):
        assert outcome(jtf.nest, **kw) == outcome(tf1.nest, **kw), kw
    with pytest.raises(ValueError, match="Structure had 2 atoms, but flat_sequence had 1"):
        jtf.nest.pack_sequence_as([1, 2], [1])


def test_dtypes_module_has_tf1s_names(tf1):
    for name in jtf.dtypes.__all__:
        assert hasattr(tf1.dtypes, name), name
    assert jtf.dtypes.as_dtype("float32") == jtf.dtypes.float32 == np.float32
    assert jtf.dtypes is jtf.dtypes and jtf.dtypes.DType is jtf.DType
    assert sorted(jtf.nest.__all__) == jtf.nest.__all__


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.compat import framework_ops

    result = doctest.testmod(framework_ops, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
