"""Regression tests for what users wait for: compilations and traces counted, never timed."""

from __future__ import annotations

import hashlib
import logging

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js


class _Compiles(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.names: list[str] = []

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith("Finished XLA compilation of"):
            self.names.append(msg.split(" of ", 1)[1].split(" in ", 1)[0])


@pytest.fixture
def compiles():
    handler = _Compiles()
    logger = logging.getLogger("jax")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    jax.config.update("jax_log_compiles", True)
    try:
        yield handler.names
    finally:
        jax.config.update("jax_log_compiles", False)
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def test_first_eager_init_of_one_group_compiles_a_constant_number_of_programs(compiles):
    def model(n):
        def fn():
            for i in range(n):
                with js.variable_scope(f"layer{i}"):
                    js.get_variable("w", [5, 3], initializer=js.truncated_normal_initializer())

        return js.transform(fn)

    model(40).init(jax.random.key(0))
    assert len(compiles) < 10, compiles  # not one program per variable, nor one with 40 outputs
    del compiles[:]
    model(80).init(jax.random.key(1))  # same group: nothing new to compile
    assert compiles == []


def test_equal_constant_initializers_made_per_layer_share_one_program(compiles):
    """GPT-2 style: each layer builds its own constant_initializer(0); they are one group."""

    def fn():
        for i in range(30):
            with js.variable_scope(f"h{i}"):
                js.get_variable("b", [7], initializer=js.constant_initializer(0))
                js.get_variable("g", [7], initializer=js.constant_initializer(1))

    v = js.transform(fn).init(jax.random.key(0))
    assert not [c for c in compiles if "_draw" in c], compiles  # was one per variable (60)
    np.testing.assert_array_equal(v["params"]["h29"]["g"], np.ones(7))
    np.testing.assert_array_equal(v["params"]["h29"]["b"], np.zeros(7))
    assert js.constant_initializer([1, 2]) != js.constant_initializer([1, 3])


@pytest.mark.parametrize(
    "initializer, dtype",
    [
        (js.zeros_initializer(), jnp.float32),
        (js.zeros_initializer(), jnp.bool_),
        (js.ones_initializer(), jnp.int32),
        (js.ones_initializer(), jnp.bfloat16),
        (js.constant_initializer(0.1), jnp.float32),
        (js.constant_initializer(0.1), jnp.bfloat16),
        (js.constant_initializer(-3), jnp.int8),
    ],
)
def test_first_eager_init_copies_constants_without_compiling(compiles, initializer, dtype):
    def fn():
        for i, shape in enumerate([[3], [4, 5], [], [2, 0]]):
            js.get_variable(f"c{i}", shape, dtype=dtype, initializer=initializer)

    f = js.transform(fn)
    eager = f.init(jax.random.key(0))
    assert not [c for c in compiles if "_draw" in c], compiles
    jitted = jax.jit(f.init)(jax.random.key(0))  # the traced path computes them with jnp
    for name, value in eager["params"].items():
        assert value.dtype == jitted["params"][name].dtype == dtype
        np.testing.assert_array_equal(value, jitted["params"][name])


def test_constant_initializers_that_numpy_might_convert_differently_are_drawn(compiles):
    def fn():  # float -> int: numpy and XLA may disagree on the cast, so XLA does it
        js.get_variable("c", [3], dtype=jnp.int32, initializer=js.constant_initializer(2.7))

    v = js.transform(fn).init(jax.random.key(0))
    assert [c for c in compiles if "_draw" in c], compiles
    np.testing.assert_array_equal(v["params"]["c"], [2, 2, 2])


def _hlo_ops(n: int) -> tuple[int, int]:
    """The multiplies and xors in the compiled ``jax.jit(init)`` of n variables in four shapes."""
    shapes = [(16, 16), (8, 32), (64,), (4, 4, 3)]

    def fn():
        for i in range(n):
            js.get_variable(f"w{i}", shapes[i % 4], initializer=js.truncated_normal_initializer())

    f = js.transform(fn)
    text = jax.jit(f.init).lower(jax.random.key(0)).compile().as_text()
    return text.count(" multiply("), text.count(" xor(")


def test_jitted_init_program_does_not_grow_with_the_variables_of_a_group():
    # Each group is one loop whose stacked result is sliced. A vmapped draw left outside the loop
    # was fused, erfinv polynomial and all, into every slice: the program grew ~50 multiplies per
    # variable (200 variables of four shapes compiled in 7.4 s; as a loop, 2.7 s).
    # (Groups of more than eight members, under the loop budget: smaller ones are drawn one by one.)
    small, big = _hlo_ops(40), _hlo_ops(80)
    assert small[0] > 0 and small[1] > 0
    assert big == small


def test_jitted_function_of_handles_traces_once_per_shape_and_dtype():
    traces = []

    @jax.jit
    def total(w):
        traces.append(w.shape)
        return jnp.sum(w)

    def fn():
        out = 0.0
        for i in range(20):
            out = out + total(js.get_variable(f"w{i}", [4, 2]))
        return out + total(js.get_variable("v", [3]))

    f = js.transform(fn)
    variables = f.init(jax.random.key(0))
    f.apply(variables)
    jax.jit(f.apply).lower(variables)
    assert traces.count((4, 2)) == 1 and traces.count((3,)) == 1


def test_jnp_functions_do_not_retrace_per_handle():
    def fn(x):
        out = 0.0
        for i in range(30):
            w = js.get_variable(f"w{i}", [4, 4])
            out = out + jnp.sum(w) + jnp.sum(jax.nn.relu(w)) + jnp.sum(x @ w) + jnp.take(w, 1)
        return out

    f = js.transform(fn)
    x = jnp.ones([2, 4])
    variables = f.init(jax.random.key(0), x)
    jax.jit(f.apply).lower(variables, x)  # warm jax's caches for these shapes
    misses = _trace_misses(lambda: jax.jit(f.apply).lower(variables, x + 1))
    assert misses < 10, misses  # not 30 per jnp function


def _trace_misses(run) -> int:
    """How many functions jax traced while ``run`` ran (``jax_log_compiles``'s tracing lines)."""
    handler = _Compiles()
    handler.emit = lambda r: handler.names.append(r.getMessage())
    logger = logging.getLogger("jax")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    jax.config.update("jax_log_compiles", True)
    try:
        run()
    finally:
        jax.config.update("jax_log_compiles", False)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return sum(m.startswith("Finished tracing") for m in handler.names)


def test_handle_name_survives_a_jitted_identity():
    def fn():
        return js.get_variable("w", [2])

    f = js.transform(fn)
    out = jax.jit(f.apply)(f.init(jax.random.key(0)))
    assert out.name == "w:0"


def test_handle_rebuilt_inside_a_users_jit_has_no_name_rather_than_a_wrong_one():
    # The jit cache is shared by handles of one shape, so a name seen inside could be another
    # variable's: it raises instead, and so does assigning through such a handle.
    def fn():
        a, b = js.get_variable("a", [2]), js.get_variable("b", [2])
        outer = jax.jit(lambda h: h)
        passed = outer(a), outer(b)
        with pytest.raises(js.TracedHandleError, match=r"static_argnames"):
            jax.jit(lambda h: h.name)(b)
        with pytest.raises(js.TracedHandleError, match=r"assign of a variable handle"):
            jax.jit(lambda h: js.assign(h, jnp.ones(2)))(a)
        return a.name, b.name, passed

    f = js.transform(fn)
    a_name, b_name, (pa, pb) = f.apply(f.init(jax.random.key(0)))
    assert (a_name, b_name) == ("a:0", "b:0")
    for handle in (pa, pb):
        with pytest.raises(js.TracedHandleError):
            _ = handle.name
        assert "rebuilt inside a JAX transformation" in repr(handle)
    np.testing.assert_array_equal(pb.value, f.init(jax.random.key(0))["params"]["b"])


def _reference(rng, name, initializer, shape, dtype=jnp.float32):
    """The documented draw: rng folded with the two 32-bit halves of the name's blake2b hash."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    key = jax.random.fold_in(rng, int.from_bytes(digest[:4], "little"))
    key = jax.random.fold_in(key, int.from_bytes(digest[4:], "little"))
    return initializer(key, shape, dtype)


GROUPING_INITIALIZERS = {
    "glorot": js.glorot_uniform_initializer(),
    "truncated": js.truncated_normal_initializer(stddev=0.02),
    "normal": js.random_normal_initializer(stddev=0.02),
    "uniform": js.random_uniform_initializer(-1, 1),
}
GROUPING_SHAPES = {"small": (6, 3), "looped": (512, 600)}


def _grouping_case(initializer, jit, shape):
    """The params of ``init`` (jitted or eager) and their documented draws, as numpy arrays."""

    # (6, 3) and (512, 600): small and large members of a group drawn by a loop when traced.
    def fn():
        with js.variable_scope("a"):
            for i in range(5):
                js.get_variable(f"w{i}", shape, initializer=initializer)
        js.get_variable("alone", [2, 7], initializer=initializer)

    rng = jax.random.key(42)
    init = js.transform(fn).init
    params = (jax.jit(init) if jit else init)(rng)["params"]
    got = {f"a/w{i}": np.asarray(params["a"][f"w{i}"]) for i in range(5)}
    got["alone"] = np.asarray(params["alone"])
    want = {f"a/w{i}": _reference(rng, f"a/w{i}", initializer, shape) for i in range(5)}
    want["alone"] = _reference(rng, "alone", initializer, (2, 7))
    return got, {k: np.asarray(v) for k, v in want.items()}


@pytest.fixture(scope="module")
def grouping_cases():
    """Every case of the test below (computed once: the 16 cases share the reference draws and
    jaxscope's draw programs); an exception is its case's."""
    cases = {}
    for shape_id, shape in GROUPING_SHAPES.items():
        for init_id, initializer in GROUPING_INITIALIZERS.items():
            for jit in (False, True):
                try:
                    cases[shape_id, init_id, jit] = _grouping_case(initializer, jit, shape)
                except Exception as e:  # reported by the case
                    cases[shape_id, init_id, jit] = e
    return cases


@pytest.mark.optimized_xla
@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("initializer", list(GROUPING_INITIALIZERS))
@pytest.mark.parametrize("shape", list(GROUPING_SHAPES))
def test_values_do_not_depend_on_grouping_or_jit(grouping_cases, initializer, jit, shape):
    case = grouping_cases[shape, initializer, jit]
    if isinstance(case, Exception):
        raise case
    got, want = case
    assert sorted(got) == sorted(want) == sorted([f"a/w{i}" for i in range(5)] + ["alone"])
    for name, value in want.items():
        np.testing.assert_array_equal(got[name], value, err_msg=name)


def test_values_pinned_from_before_the_compile_work():
    # Printed by jaxscope 663fd25 (vmapped-and-unstacked draws), float32 round-trip digits.
    def fn():
        with js.variable_scope("dense"):
            js.get_variable("kernel", [3, 2], initializer=js.random_normal_initializer(stddev=0.02))
            js.get_variable(
                "kernel2", [3, 2], initializer=js.random_normal_initializer(stddev=0.02)
            )
        js.get_variable("w", [2, 2])

    f = js.transform(fn)
    eager, jitted = (
        f.init(jax.random.key(0))["params"],
        jax.jit(f.init)(jax.random.key(0))["params"],
    )
    # 663fd25's jitted random_normal differed from its eager draw in the last bit (XLA folded
    # sqrt(2) * stddev); both now give the eager bits.
    for params in (eager, jitted):
        np.testing.assert_array_equal(
            params["dense"]["kernel"][0], np.float32([0.0012535488, -0.03844966])
        )
        np.testing.assert_array_equal(params["w"][0], np.float32([-1.110004, -0.933435]))


def test_jitted_init_draws_a_group_without_stacked_temporaries():
    # 32 variables of 1 MiB in one group are drawn one by one, each straight into its buffer. As
    # one loop, the program held a stacked copy of the group beside its outputs (a loop's result
    # is a temporary beside its slices); as a vmapped draw over per-variable keys, 2.25 copies.
    def fn():
        for i in range(32):
            js.get_variable(f"w{i}", [512, 512], initializer=js.glorot_uniform_initializer())

    f = js.transform(fn)
    mem = jax.jit(f.init).lower(jax.random.key(0)).compile().memory_analysis()
    assert mem.output_size_in_bytes >= 32 << 20
    assert mem.temp_size_in_bytes <= 0.05 * mem.output_size_in_bytes, mem.temp_size_in_bytes


def test_eager_init_on_cpu_compiles_its_draws_for_compile_speed():
    from jaxscope._src.core import initial

    def fn():
        js.get_variable("w", [3, 17], initializer=js.glorot_uniform_initializer())

    # emptied first: an earlier test in this process may have compiled the same flat draw
    # (one program per sampler, dtype and chunk size, shared across shapes)
    initial._draw_fast.clear_cache()
    v = js.transform(fn).init(jax.random.key(3))
    assert initial._draw_fast._cache_size() == (jax.default_backend() == "cpu")
    want = _reference(jax.random.key(3), "w", js.glorot_uniform_initializer(), (3, 17))
    np.testing.assert_array_equal(v["params"]["w"], want)  # the same bits as -O3 / op by op
