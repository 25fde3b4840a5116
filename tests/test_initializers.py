"""Initializers against tf.compat.v1: for every initializer x shape (0-D, 1-D, 2-D, 4-D conv kernel,
non-square) x float dtype, a large sample from each side is compared (mean, std, range and a
two-sample Kolmogorov-Smirnov test, seeds fixed on both sides so the test is deterministic);
deterministic initializers must agree elementwise; bad shapes raise the same builtin error."""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import jaxscope as js

SHAPES = [(), (7,), (30, 40), (3, 3, 16, 32), (50, 20)]
DTYPES = ["float32", "float16", "bfloat16"]
N_SAMPLES = 24_000

# name -> (jaxscope factory, tf factory (gets tf.compat.v1), random?, bounds reached by samples?)
CASES = {
    "zeros": (lambda: js.zeros_initializer(), lambda tf: tf.zeros_initializer(), False, True),
    "ones": (lambda: js.ones_initializer(), lambda tf: tf.ones_initializer(), False, True),
    "constant_scalar": (
        lambda: js.constant_initializer(0.5),
        lambda tf: tf.constant_initializer(0.5),
        False,
        True,
    ),
    "constant_list_padded": (
        lambda: js.constant_initializer([1.0, -2.0, 3.0]),
        lambda tf: tf.constant_initializer([1.0, -2.0, 3.0]),
        False,
        True,
    ),
    "random_normal": (
        lambda: js.random_normal_initializer(1.0, 2.0),
        lambda tf: tf.random_normal_initializer(1.0, 2.0, seed=1),
        True,
        False,
    ),
    "random_normal_default": (
        lambda: js.random_normal_initializer(),
        lambda tf: tf.random_normal_initializer(seed=1),
        True,
        False,
    ),
    "truncated_normal": (
        lambda: js.truncated_normal_initializer(-1.0, 0.5),
        lambda tf: tf.truncated_normal_initializer(-1.0, 0.5, seed=1),
        True,
        True,
    ),
    "random_uniform": (
        lambda: js.random_uniform_initializer(-2.0, 3.0),
        lambda tf: tf.random_uniform_initializer(-2.0, 3.0, seed=1),
        True,
        True,
    ),
    "random_uniform_default": (
        lambda: js.random_uniform_initializer(),
        lambda tf: tf.random_uniform_initializer(seed=1),
        True,
        True,
    ),
    "random_uniform_minval_2": (
        lambda: js.random_uniform_initializer(minval=2.0),
        lambda tf: tf.random_uniform_initializer(minval=2.0, seed=1),
        True,
        True,
    ),
    "uniform_unit_scaling": (
        lambda: js.uniform_unit_scaling_initializer(1.5),
        lambda tf: tf.uniform_unit_scaling_initializer(1.5, seed=1),
        True,
        True,
    ),
    "vs_fan_in_truncated": (
        lambda: js.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"),
        lambda tf: tf.variance_scaling_initializer(2.0, "fan_in", "truncated_normal", seed=1),
        True,
        True,
    ),
    "vs_fan_out_normal_is_truncated": (
        lambda: js.variance_scaling_initializer(0.5, "fan_out", "normal"),
        lambda tf: tf.variance_scaling_initializer(0.5, "fan_out", "normal", seed=1),
        True,
        True,
    ),
    "vs_fan_avg_untruncated": (
        lambda: js.variance_scaling_initializer(1.0, "fan_avg", "untruncated_normal"),
        lambda tf: tf.variance_scaling_initializer(1.0, "fan_avg", "untruncated_normal", seed=1),
        True,
        False,
    ),
    "vs_fan_avg_uniform": (
        lambda: js.variance_scaling_initializer(3.0, "fan_avg", "uniform"),
        lambda tf: tf.variance_scaling_initializer(3.0, "fan_avg", "uniform", seed=1),
        True,
        True,
    ),
    "glorot_uniform": (
        lambda: js.glorot_uniform_initializer(),
        lambda tf: tf.glorot_uniform_initializer(seed=1),
        True,
        True,
    ),
    "glorot_normal": (
        lambda: js.glorot_normal_initializer(),
        lambda tf: tf.glorot_normal_initializer(seed=1),
        True,
        True,
    ),
    "he_normal": (lambda: js.he_normal(), lambda tf: tf.initializers.he_normal(seed=1), True, True),
    "he_uniform": (
        lambda: js.he_uniform(),
        lambda tf: tf.initializers.he_uniform(seed=1),
        True,
        True,
    ),
    "lecun_normal": (
        lambda: js.lecun_normal(),
        lambda tf: tf.initializers.lecun_normal(seed=1),
        True,
        True,
    ),
    "lecun_uniform": (
        lambda: js.lecun_uniform(),
        lambda tf: tf.initializers.lecun_uniform(seed=1),
        True,
        True,
    ),
    "orthogonal": (
        lambda: js.orthogonal_initializer(2.0),
        lambda tf: tf.orthogonal_initializer(2.0, seed=1),
        True,
        False,
    ),
    "identity": (
        lambda: js.identity_initializer(3.0),
        lambda tf: tf.initializers.identity(3.0),
        False,
        True,
    ),
}


# TF has no half-precision QR kernels, so orthogonal is compared in float32 only (jaxscope
# decomposes half precision in float32 and casts; tested below).
GRID = [
    (name, shape, dtype)
    for name in sorted(CASES)
    for shape in SHAPES
    for dtype in DTYPES
    if not (name == "orthogonal" and dtype != "float32")
]


def samples(shape, n):
    """How many draws of ``shape`` make at least ``n`` values (one for deterministic cases)."""
    return max(1, math.ceil(n / max(1, math.prod(shape))))


@functools.cache
def tf_draws(tf, name):
    """{(shape, dtype): TF's draws, or the builtin class of its error} for ``name``'s GRID cases.

    One graph and one Session.run for all of them. A random initializer is built once per case
    inside ``tf.vectorized_map``: TF's own pfor runs the initializer's graph -- its fans, scale,
    truncation and casts as TF computes them for ``shape`` -- with a leading batch dimension on
    its random op, so one kernel call draws the ``samples(shape, n)`` values (i.i.d., as the same
    op run that many times would give; a loop of 24,000 0-D draws cost 0.4 s a case). QR, which
    pfor does not vectorize, runs in pfor's loop. Deterministic cases are one plain draw.
    """
    _, factory, random, _ = CASES[name]
    out, fetches = {}, {}
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        for case, shape, dtype in GRID:
            if case != name:
                continue

            def make(shape=shape, dtype=dtype):
                return factory(tf)(list(shape), dtype=tf.as_dtype(dtype))

            reps = samples(shape, N_SAMPLES if random else 1)
            try:
                fetches[shape, dtype] = (
                    make()[None]
                    if reps == 1
                    else tf.vectorized_map(lambda _, make=make: make(), tf.range(reps))
                )
            except (ValueError, TypeError) as e:
                out[shape, dtype] = type(e).__name__
        with tf.Session() as s:
            try:
                out.update(s.run(fetches))
            except tf.errors.OpError:  # a kernel refused one of them: run each alone
                for key, fetch in fetches.items():
                    try:
                        out[key] = s.run(fetch)
                    except tf.errors.OpError as e:
                        out[key] = type(e).__name__
    return out


def draw_js(factory, shape, dtype, n):
    init = factory()
    keys = jax.random.split(jax.random.key(0), samples(shape, n))
    try:
        return np.asarray(jax.vmap(lambda k: init(k, shape, jnp.dtype(dtype)))(keys))
    except (ValueError, TypeError) as e:
        return type(e).__name__


@pytest.mark.parametrize("name,shape,dtype", GRID, ids=str)
def test_initializer_matches_tf1(tf1, name, shape, dtype):
    js_factory, _, random, bounded = CASES[name]
    expected = tf_draws(tf1, name)[shape, dtype]
    got = draw_js(js_factory, shape, dtype, N_SAMPLES if random else 1)
    if isinstance(expected, str) or isinstance(got, str):
        # Same failure on both sides (e.g. orthogonal on 0-D/1-D, identity on non-2-D).
        assert got == expected or {got, expected} <= {"ValueError", "InvalidArgumentError"}
        assert isinstance(got, str) and isinstance(expected, str)
        return
    assert got.dtype == expected.dtype
    if not random:
        np.testing.assert_array_equal(got[0], expected[0])
        return
    a, b = got.astype(np.float64).ravel(), expected.astype(np.float64).ravel()
    scale = max(b.std(), 1e-6)
    assert abs(a.mean() - b.mean()) < 6 * scale / math.sqrt(min(len(a), len(b))) + 1e-3 * scale
    assert a.std() == pytest.approx(b.std(), rel=0.04)
    if bounded:
        span = b.max() - b.min()
        assert a.min() >= b.min() - 0.02 * span and a.max() <= b.max() + 0.02 * span
        assert a.min() <= b.min() + 0.05 * span and a.max() >= b.max() - 0.05 * span
    if name != "orthogonal" or math.prod(shape) >= 1000:
        assert stats.ks_2samp(a[:N_SAMPLES], b[:N_SAMPLES]).pvalue > 1e-4


@pytest.mark.parametrize("shape", [(20, 20), (30, 10), (10, 30), (3, 3, 4, 8)], ids=str)
def test_orthogonal_is_orthogonal_times_gain(shape):
    q = np.asarray(js.orthogonal_initializer(gain=2.0)(jax.random.key(0), shape, jnp.float32))
    q = q.reshape(-1, shape[-1])
    small = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    np.testing.assert_allclose(small, 4.0 * np.eye(len(small)), atol=1e-4)


def test_orthogonal_half_precision():
    q = js.orthogonal_initializer()(jax.random.key(0), (16, 16), jnp.float16)
    assert q.dtype == jnp.float16
    np.testing.assert_allclose(
        np.asarray(q, np.float32).T @ np.asarray(q, np.float32), np.eye(16), atol=1e-2
    )


def test_partitioned_fans_come_from_the_full_shape(tf1):
    from tensorflow.python.ops.variable_scope import _PartitionInfo

    info = _PartitionInfo(full_shape=[400, 30], var_offset=[100, 0])
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        t = tf1.variance_scaling_initializer(seed=1)([100, 30], partition_info=info)
        with tf1.Session() as s:
            expected = np.concatenate([s.run(t).ravel() for _ in range(10)])
    got = np.concatenate(
        [
            np.asarray(
                js.variance_scaling_initializer(seed=i)([100, 30], partition_info=info)
            ).ravel()
            for i in range(10)
        ]
    )
    assert got.std() == pytest.approx(expected.std(), rel=0.04)
    assert got.std() == pytest.approx(math.sqrt(1 / 400), rel=0.04)


def test_constant_initializer_reshapes_pads_and_refuses(tf1):
    np.testing.assert_array_equal(
        js.constant_initializer([[1, 2, 3], [2, 3, 4]])([6]), [1, 2, 3, 2, 3, 4]
    )
    np.testing.assert_array_equal(js.constant_initializer([1, 2])([2, 2]), [[1, 2], [2, 2]])
    with pytest.raises(ValueError, match="Too many elements"):
        js.constant_initializer([1, 2, 3])([2])
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(5,\), but got \(3,\)"):
        js.constant_initializer([1, 2, 3], verify_shape=True)([5])
    v = js.constant_initializer(7, dtype="int32")([2])
    assert v.dtype == jnp.int32 and v.tolist() == [7, 7]
    b = js.constant_initializer(True)([2], dtype="bool")
    assert b.dtype == jnp.bool_ and b.tolist() == [True, True]


def test_random_initializers_called_tf_style_need_a_seed():
    with pytest.raises(ValueError, match=r"random_normal_initializer\(seed=0\)\(shape\)"):
        js.random_normal_initializer()([3])
    np.testing.assert_array_equal(
        js.random_normal_initializer(seed=3)([3]), js.random_normal_initializer(seed=3)([3])
    )
    np.testing.assert_array_equal(js.ones_initializer()([3]), [1, 1, 1])


def test_integer_uniform_needs_maxval():
    with pytest.raises(ValueError, match="maxval"):
        js.random_uniform_initializer()(jax.random.key(0), (3,), jnp.int32)
    v = js.random_uniform_initializer(0, 5)(jax.random.key(0), (1000,), jnp.int32)
    assert v.dtype == jnp.int32 and v.min() == 0 and v.max() == 4


def test_initializers_work_in_get_variable_scope_and_jax_libraries():
    def fn():
        with js.variable_scope("s", initializer=js.he_normal()):
            a = js.get_variable("a", [64, 32])
        b = js.get_variable("b", [64, 32], initializer=js.orthogonal_initializer())
        return a, b

    v = js.transform(fn).init(jax.random.key(0))["params"]
    assert float(np.std(v["s"]["a"])) == pytest.approx(math.sqrt(2 / 64), rel=0.1)
    np.testing.assert_allclose(v["b"].T @ v["b"], np.eye(32), atol=1e-4)
    import flax.linen as nn

    dense = nn.Dense(4, kernel_init=js.glorot_uniform_initializer())
    params = dense.init(jax.random.key(0), jnp.ones((1, 8)))
    assert np.abs(params["params"]["kernel"]).max() <= math.sqrt(6 / 12)
