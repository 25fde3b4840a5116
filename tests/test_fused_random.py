"""The fused threefry keys of init's draws: jax's exact values, without full-size temporaries."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope._src.initializers.fused_random import fused

INITIALIZERS = {
    "normal": js.random_normal_initializer(stddev=0.02),
    "truncated": js.truncated_normal_initializer(mean=0.5, stddev=2.0),
    "uniform": js.random_uniform_initializer(-0.3, 0.7),
    "uniform_int": js.random_uniform_initializer(-5, 9),
    "glorot_uniform": js.glorot_uniform_initializer(),
    "glorot_normal": js.glorot_normal_initializer(),
    "he_normal": js.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"),
    "lecun_untruncated": js.variance_scaling_initializer(1.0, "fan_in", "untruncated_normal"),
    "unit_scaling": js.uniform_unit_scaling_initializer(1.4),
    "orthogonal": js.orthogonal_initializer(0.8),
    "jax_lecun": jax.nn.initializers.lecun_normal(),
}
SHAPES = [(), (1,), (7,), (3, 5), (4, 1, 6), (2, 3, 4, 5), (129, 77)]


@functools.cache
def _folded_keys():
    """key(11) folded with 0, 1, ...: the draws' keys, computed once and passed to each jitted
    program as arguments (traced there as before; folding them inside cost every program a
    threefry hash per draw to compile)."""
    key = jax.random.key(11)
    return [jax.random.fold_in(key, i) for i in range(len(SHAPES))]


CASES = [(name, "float32") for name in INITIALIZERS] + [
    (name, d) for name in ("truncated", "uniform_int", "he_normal") for d in ("bfloat16", "float16")
]


def _case(name, dtype):
    """The case's dtype, shapes and ``draws(keys, wrap)``: its initializer at every shape, with
    each key passed through ``wrap`` (the identity, or ``fused``)."""
    init = INITIALIZERS[name]
    if name == "uniform_int":
        dtype = {"float32": "int32", "bfloat16": "int8", "float16": "uint16"}[dtype]
    shapes = [s for s in SHAPES if len(s) >= 2 or name not in ("orthogonal", "jax_lecun")]

    def draws(keys, wrap):
        keys = keys[: len(shapes)]
        return [init(wrap(k), s, jnp.dtype(dtype)) for k, s in zip(keys, shapes, strict=True)]

    return shapes, draws


def _plain_and_fused(draws):
    return lambda keys: (draws(keys, lambda k: k), draws(keys, fused))


@pytest.fixture(scope="module")
def every_case():
    """Every case's plain and fused draws, compiled as one XLA program (30 s of compiling instead
    of 48 s for 34 programs). Where that fails, each case compiles its own (None), so a failure
    is reported by its case."""
    runs = [_plain_and_fused(_case(*c)[1]) for c in CASES]
    try:
        results = jax.jit(lambda keys: [run(keys) for run in runs])(_folded_keys())
    except Exception:
        return None
    return dict(zip(CASES, results, strict=True))


@pytest.mark.optimized_xla
@pytest.mark.parametrize("name, dtype", CASES)
def test_fused_keys_draw_jaxs_exact_values(every_case, name, dtype):
    shapes, draws = _case(name, dtype)
    if every_case is None:
        plain, ours = jax.jit(_plain_and_fused(draws))(_folded_keys())
    else:
        plain, ours = every_case[name, dtype]
    assert len(plain) == len(ours) == len(shapes)
    for shape, p, o in zip(shapes, plain, ours, strict=True):
        assert p.dtype == o.dtype and p.shape == o.shape == shape
        np.testing.assert_array_equal(o, p, err_msg=f"{name} {shape} {dtype}")


def test_fused_keys_draw_jaxs_exact_64_bit_values():
    with jax.enable_x64(True):
        key = jax.random.key(5)
        for dtype in (jnp.float64, jnp.uint64):
            draw = jax.random.uniform if dtype == jnp.float64 else jax.random.bits
            plain, ours = draw(key, (9, 4), dtype), draw(fused(key), (9, 4), dtype)
            assert ours.dtype == dtype
            np.testing.assert_array_equal(ours, plain)


def test_fused_keys_split_and_fold_in_as_jax_does():
    key = jax.random.key(3)
    f = fused(key)
    assert jax.random.key_impl(f) != jax.random.key_impl(key)
    np.testing.assert_array_equal(jax.random.key_data(f), jax.random.key_data(key))
    for a, b in [
        (jax.random.split(f, 3), jax.random.split(key, 3)),
        (jax.random.split(f, (2, 2)), jax.random.split(key, (2, 2))),
        (jax.random.fold_in(f, 77), jax.random.fold_in(key, 77)),
    ]:
        np.testing.assert_array_equal(jax.random.key_data(a), jax.random.key_data(b))
        normal = jax.numpy.vectorize(lambda k: jax.random.normal(k, (3,)), signature="()->(n)")
        np.testing.assert_array_equal(normal(a), normal(b))


def test_fused_keys_under_vmap_and_from_raw_uint32_keys():
    keys = jax.random.split(jax.random.key(8), 5)
    plain = jax.vmap(lambda k: jax.random.truncated_normal(k, -2.0, 2.0, (6, 3)))(keys)
    ours = jax.vmap(lambda k: jax.random.truncated_normal(fused(k), -2.0, 2.0, (6, 3)))(keys)
    np.testing.assert_array_equal(ours, plain)
    raw = jax.random.PRNGKey(4)
    np.testing.assert_array_equal(jax.random.normal(fused(raw), (4,)), jax.random.normal(raw, (4,)))


def test_keys_that_fused_does_not_know_are_left_alone():
    rbg = jax.random.key(0, impl="rbg")
    assert fused(rbg) is rbg
    batched = jax.random.split(jax.random.key(0), 2)
    assert fused(batched) is batched
    key = jax.random.key(0)
    with jax.threefry_partitionable(False):  # jax counts differently then
        assert fused(key) is key


def _held(fn, key):
    mem = jax.jit(fn).lower(key).compile().memory_analysis()
    return mem.temp_size_in_bytes, mem.output_size_in_bytes


def test_a_fused_draw_has_no_full_size_temporaries():
    # On XLA:CPU jax's threefry is a rolled loop carrying two counter arrays of the full size.
    shape, key = (1024, 1024), jax.random.key(0)
    temp, out = _held(lambda k: jax.random.truncated_normal(fused(k), -2.0, 2.0, shape), key)
    assert out == 4 << 20
    assert temp < out // 64, temp
    if jax.default_backend() == "cpu":
        plain, _ = _held(lambda k: jax.random.truncated_normal(k, -2.0, 2.0, shape), key)
        assert plain >= 2 * out, plain  # what the fused key saves; if jax fuses too, drop this


def test_jitted_init_of_a_big_model_holds_little_beside_its_parameters():
    # 64 MiB in 2 big and 40 mid-sized variables and 120 small ones: most bytes are drawn one by
    # one, straight into their buffers; only the smallest go through loops (stacked copies).
    def fn():
        js.get_variable("embedding", [4096, 1024], initializer=js.random_normal_initializer())
        js.get_variable("softmax", [1024, 4096])
        for i in range(40):
            js.get_variable(f"mid{i}", [256, 512], initializer=js.truncated_normal_initializer())
        for i in range(120):
            js.get_variable(f"b{i}", [512], initializer=js.random_uniform_initializer())

    temp, out = _held(js.transform(fn).init, jax.random.key(0))
    assert out > 52 << 20
    assert temp + out <= 1.25 * out, (temp, out)


def test_eager_init_draw_program_has_no_full_size_temporaries():
    from jaxscope._src.core import initial

    init = js.truncated_normal_initializer(stddev=0.02)
    h = np.array([1, 2], np.uint32)
    compiled = initial._draw.lower(init, (1024, 1024), np.dtype("float32"), jax.random.key(0), h)
    mem = compiled.compile().memory_analysis()
    assert mem.output_size_in_bytes == 4 << 20
    assert mem.temp_size_in_bytes < 64 << 10, mem.temp_size_in_bytes


@pytest.mark.parametrize(
    "module, dropout",
    [
        ("jaxscope._src.layers.core", lambda x: js.layers.dropout(x, 0.3, training=True)),
        ("jaxscope._src.contrib.layers", lambda x: js.slim.dropout(x, 0.7, is_training=True)),
    ],
    ids=["layers", "slim"],
)
def test_dropout_masks_are_jaxs_and_hold_no_full_size_temporaries(monkeypatch, module, dropout):
    import importlib

    f = js.transform(dropout)
    x, rng = jnp.ones([64, 1024]), jax.random.key(2)
    apply = jax.jit(lambda x, rng: f.apply({}, x, rng=rng))
    ours = apply(x, rng)
    mem = apply.lower(x, rng).compile().memory_analysis()
    assert mem.temp_size_in_bytes < x.nbytes // 8, mem.temp_size_in_bytes
    monkeypatch.setattr(importlib.import_module(module), "fused", lambda key: key)
    plain = jax.jit(lambda x, rng: f.apply({}, x, rng=rng))(x, rng)
    np.testing.assert_array_equal(ours, plain)
    assert 0.2 < float(jnp.mean(ours == 0)) < 0.4
