"""Issue 27, item 2: eager ``init`` draws a catalogue initializer's variables flat, in chunks, by
one program per (sampler, dtype, chunk) -- never one per shape -- with the bits of the shape's own
draw (``jaxscope/_src/initializers/flat.py``)."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope._src.core import initial

# Bit for bit with jax's defaults (tests/conftest.py): the suite's own XLA configuration compiles
# eager init's -O1 programs otherwise than its -O0 ones, flat or per shape alike.
pytestmark = [
    pytest.mark.skipif(jax.default_backend() != "cpu", reason="eager init's path on CPU"),
    pytest.mark.optimized_xla,
]


@jax.jit
def _fold(rng, h):
    return jax.random.fold_in(jax.random.fold_in(rng, h[0]), h[1])


_per_shape = jax.jit(
    lambda init, shape, dtype, key: init(key, shape, dtype), static_argnums=(0, 1, 2)
)


def _reference(rng, name, initializer, shape, dtype=jnp.float32) -> np.ndarray:
    """The value drawn the old way: jax's own threefry key, one program for the shape."""
    key = _fold(rng, np.array(initial._name_hash(name), np.uint32))
    return np.asarray(_per_shape(initializer, tuple(shape), dtype, key))


def _programs() -> int:
    return initial._draw_fast._cache_size() + initial._draw._cache_size()


def _assert_same_bits(got, want, name):
    assert got.dtype == want.dtype and got.shape == want.shape, name
    assert got.tobytes() == want.tobytes(), (name, int(np.sum(got != want)))


# Conv kernels and dense matrices of 6 sizes from 4656 to 1.3M values, none alike: both chunk
# sizes (4096 and 256K values), a partial last chunk in each.
SHAPES = [(1, 1, 48, 97), (3, 3, 48, 99), (5, 5, 160, 325), (70, 73), (400, 403), (700, 703)]


def test_many_shapes_compile_a_few_draw_programs_with_the_shapes_bits():
    initializers = {
        "glorot": js.glorot_uniform_initializer(),
        "slim": js.slim.xavier_initializer(False),
    }

    def fn():
        for (kind, init), shape in itertools.product(initializers.items(), SHAPES):
            js.get_variable(f"{kind}/w{'x'.join(map(str, shape))}", shape, initializer=init)

    before = _programs()
    params = js.transform(fn).init(jax.random.key(5))["params"]
    # Per shape, this was 2 * 6 programs; drawn flat, 2 samplers x 2 chunk sizes at most.
    assert _programs() - before <= 4
    for (kind, init), shape in itertools.product(initializers.items(), SHAPES):
        name = "w" + "x".join(map(str, shape))
        want = _reference(jax.random.key(5), f"{kind}/{name}", init, shape)
        _assert_same_bits(np.asarray(params[kind][name]), want, f"{kind}/{name}")


INITIALIZERS = {
    "glorot_uniform": js.glorot_uniform_initializer(),
    "glorot_normal": js.glorot_normal_initializer(),
    "he_normal": js.he_normal(),
    "fan_out_uniform": js.variance_scaling_initializer(0.7, "fan_out", "uniform"),
    "truncated_normal": js.truncated_normal_initializer(0.1, 0.02),
    "random_normal": js.random_normal_initializer(0.5, 0.3),
    "random_uniform": js.random_uniform_initializer(-1, 2),
    "uniform_unit_scaling": js.uniform_unit_scaling_initializer(1.3),
    "slim_variance_scaling": js.slim.variance_scaling_initializer(),
    "slim_xavier_uniform": js.slim.xavier_initializer(),
}


# Every initializer in float32; in half precision, those whose parameters depend on the shape.
CASES = [(name, jnp.float32) for name in INITIALIZERS] + [
    (name, dtype)
    for name in ("glorot_uniform", "he_normal", "uniform_unit_scaling", "slim_variance_scaling")
    for dtype in (jnp.bfloat16, jnp.float16)
]


@pytest.mark.parametrize("initializer, dtype", CASES, ids=lambda x: getattr(x, "__name__", x))
def test_flat_draws_have_the_bits_of_the_shapes_own_draw(initializer, dtype):
    # A vector (TF1's fans) and a kernel drawn in two chunks: the shape-dependent parameters
    # (stddev, limit) are computed on the host in `dtype` as the program computed them.
    init, shapes = INITIALIZERS[initializer], [(7,), (3, 3, 17, 33)]

    def fn():
        for shape in shapes:
            js.get_variable(f"w{len(shape)}", shape, dtype=dtype, initializer=init)

    rng = jax.random.key(11)
    params = js.transform(fn).init(rng)["params"]
    for shape in shapes:
        want = _reference(rng, f"w{len(shape)}", init, shape, dtype)
        _assert_same_bits(np.asarray(params[f"w{len(shape)}"]), want, str(shape))


def test_without_partitionable_threefry_each_shape_has_its_own_program():
    # jax then counts bits by shape: a flat draw would give other values.
    shapes = [(13, 9), (9, 13), (117,)]

    def fn():
        for i, shape in enumerate(shapes):
            js.get_variable(f"w{i}", shape, initializer=js.glorot_normal_initializer())

    old = jax.config.jax_threefry_partitionable
    jax.config.update("jax_threefry_partitionable", False)
    try:
        before = _programs()
        params = js.transform(fn).init(jax.random.key(2))["params"]
        assert _programs() - before == len(shapes)
        for i, shape in enumerate(shapes):
            want = _reference(jax.random.key(2), f"w{i}", js.glorot_normal_initializer(), shape)
            _assert_same_bits(np.asarray(params[f"w{i}"]), want, f"w{i}")
    finally:
        jax.config.update("jax_threefry_partitionable", old)


class _Doubled(js.truncated_normal_initializer):
    """A subclass that draws otherwise: its flat_draw (inherited) would be wrong."""

    def sample(self, key, shape, dtype):
        return 2 * super().sample(key, shape, dtype)


def test_a_subclass_with_its_own_sample_is_drawn_per_shape():
    def fn():
        js.get_variable("w", [5, 6], initializer=_Doubled())

    params = js.transform(fn).init(jax.random.key(3))["params"]
    want = _reference(jax.random.key(3), "w", _Doubled(), (5, 6))
    _assert_same_bits(np.asarray(params["w"]), want, "w")


def test_init_with_output_and_jitted_init_draw_the_same_bits():
    def fn():
        js.get_variable("a", [300, 470], initializer=js.he_normal())
        return js.get_variable("b", [5], initializer=js.random_uniform_initializer(-3, 3))

    f, rng = js.transform(fn), jax.random.key(9)
    eager = f.init(rng)["params"]
    _, with_output = f.init_with_output(rng)
    for other in (with_output["params"], jax.jit(f.init)(rng)["params"]):
        for name in ("a", "b"):
            _assert_same_bits(np.asarray(other[name]), np.asarray(eager[name]), name)
