"""Adversarial inputs to jaxscope.train (issue 22): never a silently wrong result.

Every optimizer x every bad gradient (shape, dtype, tree), eager and under jit; moving-average
shadows and optimizer slots that no longer fit their variable; clip_by_global_norm's arguments;
the schedules' Python arguments; the global step at the top of int32. Where TF1 defines the
answer, the tf1 fixture decides the builtin class.
"""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import train
from jaxscope._src.checkpoint.errors import CheckpointMismatchError
from jaxscope._src.errors import JaxscopeError
from jaxscope._src.train.errors import (
    GradientDtypeError,
    GradientShapeError,
    GradientTreeError,
    SlotMismatchError,
    TrainArgumentError,
    TrainArgumentTypeError,
)

# name -> (jaxscope optimizer of jaxscope.train, TF1 optimizer of tf.compat.v1.train)
OPTIMIZERS = {
    "GradientDescent": lambda t: t.GradientDescentOptimizer(0.1),
    "Momentum": lambda t: t.MomentumOptimizer(0.1, 0.9),
    "Nesterov": lambda t: t.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "Adam": lambda t: t.AdamOptimizer(0.1),
    "Adagrad": lambda t: t.AdagradOptimizer(0.1),
    "Adadelta": lambda t: t.AdadeltaOptimizer(0.1),
    "RMSProp": lambda t: t.RMSPropOptimizer(0.1, momentum=0.5),
    "RMSPropCentered": lambda t: t.RMSPropOptimizer(0.1, centered=True),
    "Ftrl": lambda t: t.FtrlOptimizer(0.1),
}
# a gradient for the (2,) float32 variable "layer/w": (shape, dtype, builtin TF1 raises)
BAD_GRADS = {
    "broadcasts_2x2": ((2, 2), "float32", ValueError),
    "broadcasts_1": ((1,), "float32", ValueError),
    "broadcasts_3x2": ((3, 2), "float32", ValueError),
    "not_broadcastable_3": ((3,), "float32", ValueError),
    "scalar": ((), "float32", ValueError),
    "float16": ((2,), "float16", TypeError),
    "bfloat16": ((2,), "bfloat16", TypeError),
}
RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)


@pytest.fixture(params=["eager", "jit"])
def maybe_jit(request):
    return (lambda f: f) if request.param == "eager" else jax.jit


def setup(opt_name):
    opt = OPTIMIZERS[opt_name](train)
    variables = {"params": {"layer": {"w": jnp.ones(2), "b": jnp.zeros(3)}}}
    return opt, variables, opt.init(variables["params"])


def bad_grads(kind):
    shape, dtype, _ = BAD_GRADS[kind]
    return {"layer": {"w": jnp.full(shape, 0.5, dtype), "b": jnp.ones(3)}}


def assert_not_raw(err):
    assert isinstance(err, JaxscopeError), type(err)
    assert not isinstance(err, RAW), type(err)


def expected_match(kind):
    shape, dtype, builtin = BAD_GRADS[kind]
    if builtin is TypeError:
        return rf'gradient of "layer/w" is {dtype}, but .* is float32'
    return rf'gradient of "layer/w" has shape {re.escape(str(shape))}, .* has shape \(2,\)'


@pytest.mark.parametrize("kind", sorted(BAD_GRADS))
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_apply_gradients_refuses_a_gradient_unlike_its_variable(opt_name, kind, maybe_jit):
    opt, variables, state = setup(opt_name)
    err = GradientShapeError if BAD_GRADS[kind][2] is ValueError else GradientDtypeError
    with pytest.raises(err, match=expected_match(kind)) as info:
        maybe_jit(lambda g, v, s: opt.apply_gradients(g, v, s))(bad_grads(kind), variables, state)
    assert isinstance(info.value, BAD_GRADS[kind][2])
    assert_not_raw(info.value)


@pytest.mark.parametrize("with_params", [True, False], ids=["params", "params_none"])
@pytest.mark.parametrize("kind", sorted(BAD_GRADS))
@pytest.mark.parametrize("opt_name", sorted(set(OPTIMIZERS) - {"GradientDescent"}))
def test_update_refuses_a_gradient_unlike_its_variable(opt_name, kind, with_params, maybe_jit):
    opt, variables, state = setup(opt_name)
    if opt_name == "Ftrl" and not with_params:  # FTRL sets the variable: it needs params
        with pytest.raises(TrainArgumentError, match="needs their values"):
            maybe_jit(lambda g, s: opt.update(g, s))(bad_grads(kind), state)
        return
    params = variables["params"] if with_params else None
    source = "the variable" if with_params else r'its slot "layer/w/\w+"'
    with pytest.raises(BAD_GRADS[kind][2], match=expected_match(kind)) as info:
        maybe_jit(lambda g, s, p: opt.update(g, s, p))(bad_grads(kind), state, params)
    assert re.search(source, str(info.value))
    assert_not_raw(info.value)


def test_gradient_descent_update_without_params_has_nothing_to_compare():
    # Documented limit: no params and no slots, so the (2, 2) gradient's shape is taken as is;
    # apply_gradients (which always has the variables) refuses it.
    opt, variables, state = setup("GradientDescent")
    updates, _ = opt.update(bad_grads("broadcasts_2x2"), state)
    assert updates["layer"]["w"].shape == (2, 2)
    with pytest.raises(GradientShapeError):
        opt.update(bad_grads("broadcasts_2x2"), state, variables["params"])


@pytest.mark.parametrize("kind", sorted(BAD_GRADS))
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_tf1_raises_the_same_builtin_for_a_bad_gradient(tf1, opt_name, kind):
    shape, dtype, builtin = BAD_GRADS[kind]
    if dtype == "bfloat16":
        dtype = "float16"  # TF1's CPU kernels have no bfloat16 Apply*; same TypeError path
    with tf1.Graph().as_default():
        var = tf1.get_variable("w", [2], tf1.float32)
        with pytest.raises(builtin):
            OPTIMIZERS[opt_name](tf1.train).apply_gradients([(tf1.ones(shape, dtype), var)])


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize(
    "grads, name",
    [
        ({"layer": {"x": jnp.ones(2)}}, '"layer/x"'),
        ({"layer": jnp.ones(2)}, '"layer"'),
        ({"layer": {"w": {"deeper": jnp.ones(2)}}}, '"layer/w/deeper"'),
        (jnp.ones(2), r"the root \(a single array\)"),
    ],
    ids=["unknown_name", "leaf_for_scope", "scope_for_leaf", "bare_array"],
)
def test_a_gradient_tree_unlike_the_params_is_refused(opt_name, grads, name, maybe_jit):
    opt, variables, state = setup(opt_name)
    with pytest.raises(GradientTreeError, match=rf"gradient for {name}, which is not a var") as i:
        maybe_jit(lambda g, v, s: opt.apply_gradients(g, v, s))(grads, variables, state)
    assert isinstance(i.value, ValueError)
    assert_not_raw(i.value)
    with pytest.raises(GradientTreeError, match=r"update: .*they are: layer/b, layer/w"):
        maybe_jit(lambda g, s, p: opt.update(g, s, p))(grads, state, variables["params"])


@pytest.mark.parametrize("opt_name", sorted(set(OPTIMIZERS) - {"GradientDescent"}))
def test_a_slot_built_for_another_shape_is_refused(opt_name, maybe_jit):
    opt, variables, _ = setup(opt_name)
    stale = opt.init({"layer": {"w": jnp.ones(3), "b": jnp.zeros(3)}})  # w was (3,)
    grads = {"layer": {"w": jnp.ones(2), "b": jnp.ones(3)}}
    with pytest.raises(SlotMismatchError, match=r'"layer/w/\w+" has shape \(3,\).*"layer/w" has '
                       r"shape \(2,\)[\s\S]*opt.init") as info:  # fmt: skip
        maybe_jit(lambda g, v, s: opt.apply_gradients(g, v, s))(grads, variables, stale)
    assert isinstance(info.value, ValueError)


def test_valid_gradients_still_train_every_optimizer_under_jit():
    for opt_name in OPTIMIZERS:
        opt, variables, state = setup(opt_name)
        grads = {"layer": {"w": jnp.full(2, 0.5), "b": jnp.ones(3)}}
        new, _ = jax.jit(opt.apply_gradients)(grads, variables, state)
        assert new["params"]["layer"]["w"].shape == (2,)
        assert not np.allclose(new["params"]["layer"]["w"], 1.0), opt_name


# -- ExponentialMovingAverage ---------------------------------------------------------------


@pytest.mark.parametrize(
    "shadow, match",
    [
        (jnp.zeros((2, 2)), r"shape \(2, 2\) and dtype float32, but .* shape \(2,\)"),
        (jnp.zeros(3), r"shape \(3,\) and dtype float32, but .* shape \(2,\)"),
        (
            jnp.zeros(2, jnp.float16),
            r"shape \(2,\) and dtype float16, but .* dtype float32: the "
            r"dtypes differ",
        ),
    ],
    ids=["broadcasts", "not_broadcastable", "dtype"],
)
def test_moving_average_refuses_a_shadow_unlike_its_variable(shadow, match, maybe_jit):
    ema = train.ExponentialMovingAverage(0.9)
    variables = {"params": {"layer": {"w": jnp.ones(2)}}}
    averages = {"layer/w/ExponentialMovingAverage": shadow}
    with pytest.raises(SlotMismatchError, match=r'"layer/w/ExponentialMovingAverage" has ' + match):
        maybe_jit(ema.apply)(variables, averages)
    with pytest.raises(ValueError, match=r"averages = \{k: v for k, v in averages.items\(\)"):
        ema.apply(variables, averages)


# -- clip_by_global_norm ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "t_list, kwargs, err, match",
    [
        ([jnp.ones(2)], {"use_norm": jnp.array([2.0, 4.0])}, TrainArgumentError,
         r"use_norm has shape \(2,\).*Shapes \(\) and \(2,\) are incompatible"),
        ([jnp.ones(3)], {"use_norm": jnp.ones((3, 1))}, TrainArgumentError,
         r"use_norm has shape \(3, 1\)"),
        ([jnp.ones(2)], {"clip_norm": jnp.array([1.0, 0.5])}, TrainArgumentError,
         r"clip_norm has shape \(2,\)"),
        ([jnp.ones(2)], {"use_norm": jnp.array(2)}, TrainArgumentTypeError,
         r"use_norm is int32; it must be floating point"),
        ([jnp.ones(2, jnp.int32)], {}, TrainArgumentTypeError,
         r't_list\["0"\] is int32, not floating point'),
        ({"a": jnp.ones(2), "b": jnp.ones(2, jnp.float16)}, {}, TrainArgumentTypeError,
         r't_list\["b"\] is float16 and t_list\["a"\] is float32'),
    ],
    ids=["use_norm_vector", "use_norm_matrix", "clip_norm_vector", "use_norm_int", "int_leaf",
         "mixed_dtypes"],
)  # fmt: skip
def test_clip_by_global_norm_refuses_what_would_broadcast_or_truncate(
    t_list, kwargs, err, match, maybe_jit
):
    clip_norm = kwargs.get("clip_norm", 1.0)
    with pytest.raises(err, match=match) as info:
        maybe_jit(lambda t, c, u: js.clip_by_global_norm(t, c, u))(
            t_list, clip_norm, kwargs.get("use_norm")
        )
    assert_not_raw(info.value)


def test_tf1_raises_type_error_for_integer_and_mixed_clipping(tf1):
    with tf1.Graph().as_default():
        with pytest.raises(TypeError):
            tf1.clip_by_global_norm([tf1.ones([2], tf1.int32)], 1.0)
        with pytest.raises(TypeError):
            tf1.clip_by_global_norm([tf1.ones([2]), tf1.ones([2], tf1.float16)], 1.0)
        with pytest.raises(TypeError):
            tf1.clip_by_global_norm([tf1.ones([2])], 1.0, use_norm=tf1.constant(2))
    with pytest.raises(TypeError, match="not floating point"):
        js.global_norm([jnp.ones(2, jnp.int32)])


# -- schedules --------------------------------------------------------------------------------

# (step, boundaries, values): each refused by TF1 when it builds the graph, or at run time
BAD_PIECEWISE = {
    "float_boundaries_int_step": (15, [10.0, 20.0], [1.0, 0.5, 0.1], r"boundaries\[0\]=10.0 is "
                                  r"float32 but x is int32[\s\S]*piecewise_constant\(step, \[10, 20\]"),
    "int_boundaries_float_step": (15.0, [10, 20], [1.0, 0.5, 0.1], r"boundaries\[0\]=10 is int32 "
                                  r"but x is float32"),
    "mixed_values": (15, [10, 20], [1.0, 1, 0.1], r"values\[1\]=1 is int32 \(\) but values\[0\]="
                     r"1.0 is float32"),
    "too_few_values": (15, [10, 20], [1.0, 0.5], r"length of boundaries \(2\) should be 1 less"),
    "vector_step": (np.array([5, 15], np.int32), [10], [1.0, 2.0], r"x has shape \(2,\)"),
    "unsorted": (15, [20, 10], [1.0, 0.5, 0.1], r"must not decrease, but boundaries\[0\]=20 > "
                 r"boundaries\[1\]=10"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_PIECEWISE))
def test_piecewise_constant_refuses_what_tf1_refuses(tf1, case, maybe_jit):
    x, boundaries, values, match = BAD_PIECEWISE[case]
    with tf1.Graph().as_default(), pytest.raises(Exception) as theirs:
        lr = tf1.train.piecewise_constant(tf1.constant(x), boundaries, values)
        with tf1.Session() as sess:
            sess.run(lr)
    ours = TrainArgumentError
    if case != "unsorted":  # TF1 fails at run time there (InvalidArgumentError of tf.case)
        assert isinstance(theirs.value, ValueError), theirs.value
    else:
        assert "exclusive" in str(theirs.value) or "Input error" in str(theirs.value)
    with pytest.raises(ours, match=match) as info:
        maybe_jit(lambda s: train.piecewise_constant(s, boundaries, values))(x)
    assert isinstance(info.value, ValueError)


def test_piecewise_constant_accepts_what_tf1_accepts(tf1):
    cases = [(15, [10, 10], [1.0, 0.5, 0.1]), (15, [10, 20], [3, 2, 1]), (5.0, [10.0], [1.0, 2.0])]
    for x, boundaries, values in cases:
        with tf1.Graph().as_default(), tf1.Session() as sess:
            theirs = sess.run(tf1.train.piecewise_constant(tf1.constant(x), boundaries, values))
        ours = jax.jit(lambda s, b=boundaries, v=values: train.piecewise_constant(s, b, v))(x)
        np.testing.assert_array_equal(ours, theirs)
        assert np.asarray(ours).dtype == theirs.dtype


SCHEDULES = {
    "exponential_decay": lambda t, s, ds: t.exponential_decay(0.1, s, ds, 0.5),
    "inverse_time_decay": lambda t, s, ds: t.inverse_time_decay(0.1, s, ds, 0.5),
    "polynomial_decay": lambda t, s, ds: t.polynomial_decay(0.1, s, ds),
    "polynomial_decay_cycle": lambda t, s, ds: t.polynomial_decay(0.1, s, ds, cycle=True),
    "cosine_decay": lambda t, s, ds: t.cosine_decay(0.1, s, ds),
}


@pytest.mark.parametrize("decay_steps", [0, -5])
@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_compute_what_tf1_computes_for_degenerate_decay_steps(tf1, name, decay_steps):
    # TF1 accepts decay_steps <= 0 (giving 0, inf or NaN); a port computes the same.
    with tf1.Graph().as_default(), tf1.Session() as sess:
        theirs = sess.run(SCHEDULES[name](tf1.train, tf1.constant(5), decay_steps))
    ours = SCHEDULES[name](train, jnp.int32(5), decay_steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_refuse_none_and_strings_before_tracing(tf1, name, maybe_jit):
    with tf1.Graph().as_default(), pytest.raises(ValueError):
        SCHEDULES[name](tf1.train, tf1.constant(5), None)
    with pytest.raises(TrainArgumentError, match=rf"{name.removesuffix('_cycle')}: decay_steps "
                       r"is None[\s\S]*decay_steps=\.\.\."):  # fmt: skip
        maybe_jit(lambda s: SCHEDULES[name](train, s, None))(5)
    with pytest.raises(TrainArgumentTypeError, match=r"decay_steps='10' is <U2, not a number"):
        maybe_jit(lambda s: SCHEDULES[name](train, s, "10"))(5)


# -- global step ------------------------------------------------------------------------------

INT32_MAX = 2**31 - 1


@pytest.mark.parametrize("start, expected", [(INT32_MAX - 1, INT32_MAX), (INT32_MAX, INT32_MAX)])
def test_global_step_saturates_instead_of_wrapping(start, expected, maybe_jit):
    lr = lambda step: train.exponential_decay(0.1, step, 1000, 0.96)  # noqa: E731
    opt = train.GradientDescentOptimizer(lr)
    variables = {
        "params": {"w": jnp.ones(2)},
        "state": {"global_step": jnp.asarray(start, jnp.int32)},
    }
    state = opt.init(variables["params"])
    step = maybe_jit(lambda v, s: opt.apply_gradients({"w": jnp.ones(2)}, v, s, "global_step"))
    new, state = step(variables, state)
    new, _ = step(new, state)
    assert int(new["state"]["global_step"]) == INT32_MAX
    assert np.isfinite(np.asarray(new["params"]["w"])).all()
    assert new["state"]["global_step"].dtype == jnp.int32


# -- slot restore ---------------------------------------------------------------------------


def test_restore_tf1_adam_refuses_a_state_built_for_other_shapes(tmp_path):
    optax = pytest.importorskip("optax")
    params = {"layer": {"w": jnp.zeros(2)}}
    tf1_opt = train.AdamOptimizer(1e-3)  # its state is keyed by TF1's slot names
    variables = {"params": params}
    js.checkpoint.save_tf1(str(tmp_path / "ckpt"), (variables, tf1_opt.init(params)))
    stale = optax.adam(1e-3).init({"layer": {"w": jnp.zeros(3)}})
    with pytest.raises(SlotMismatchError, match=r'"layer/w/Adam \(opt_state\'s mu\)" has shape '
                       r'\(3,\).*"layer/w" has shape \(2,\)'):  # fmt: skip
        js.checkpoint.restore_tf1_adam(stale, params, str(tmp_path / "ckpt"))
    wide = {"layer": {"w": jnp.zeros(3)}}
    with pytest.raises(
        CheckpointMismatchError,
        match=r'layer/w/Adam: tree float32\[3\], checkpoint "layer/w/Adam" float32\[2\]',
    ):
        js.checkpoint.restore_tf1_adam(optax.adam(1e-3).init(wide), wide, str(tmp_path / "ckpt"))
