"""Adversarial inputs to jaxscope.flax (issue 22): to_linen / from_linen / from_nnx never give a
silently wrong result or a raw internal error.

No TF1 oracle (TF1 has no flax); where a case stands for a TF1 one the TF1 class is named: a
shared variable of another shape or dtype (``ValueError``), a missing variable, an int input to
a float layer (``TypeError``), a custom getter casting to bfloat16 fed float32 (``TypeError`` or
``ValueError``: the error classes are both), a missing rng. Each error is a ``JaxscopeError``
of that builtin, not a raw internal, and names the variable (or the argument to pass).
"""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import jaxscope as js
from jaxscope._src.core.call_errors import (
    MissingRngError,
    MissingVariableError,
    UnusedVariablesError,
    ValueMismatchError,
)
from jaxscope._src.errors import JaxscopeError
from jaxscope._src.flax.errors import GetterValueError, LinenMissingRngError
from jaxscope._src.layers.errors import LayerDtypeMismatchError, LayerInputDtypeError

RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)
X = jnp.ones([1, 3])


def assert_not_raw(err):
    assert isinstance(err, JaxscopeError), type(err)
    assert not isinstance(err, RAW), type(err)


def js_dense(x):
    return js.layers.dense(x, 2, name="d")


def from_linen_dense(x):
    return js.flax.from_linen(nn.Dense(2), "d")(x)


NNX_LINEAR = nnx.Linear(3, 2, rngs=nnx.Rngs(0))


def from_nnx_dense(x):
    return js.flax.from_nnx(NNX_LINEAR, "d")(x)


def _to_linen():
    m = js.flax.to_linen(js_dense)
    return m.init(jax.random.key(0), X), m.apply


def _transformed(fn):
    f = js.transform(fn)
    return lambda: (f.init(jax.random.key(0), X), f.apply)


BRIDGES = {
    "to_linen": _to_linen,
    "from_linen": _transformed(from_linen_dense),
    "from_nnx": _transformed(from_nnx_dense),
}
KERNEL = {"to_linen": "kernel", "from_linen": "kernel", "from_nnx": "kernel"}


def _with(variables, **leaves):
    new = jax.tree.map(lambda a: a, variables)
    new["params"]["d"].update(leaves)
    return new


# bad "d/kernel" -> (error class, builtin, message)
BAD_PARAMS = {
    "shape_4x2": (
        lambda: jnp.ones([4, 2]), ValueMismatchError, ValueError,
        r'"d/kernel" has shape \(4, 2\), but the program declares shape \(3, 2\)',
    ),
    "shape_1x2_broadcasts": (
        lambda: jnp.ones([1, 2]), ValueMismatchError, ValueError,
        r'"d/kernel" has shape \(1, 2\), but the program declares shape \(3, 2\)',
    ),
    "bfloat16": (
        lambda: jnp.ones([3, 2], jnp.bfloat16), ValueMismatchError, ValueError,
        r'"d/kernel" has dtype bfloat16, but the program declares dtype float32',
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BAD_PARAMS))
@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_apply_refuses_params_of_another_shape_or_dtype(bridge, kind):
    variables, apply = BRIDGES[bridge]()
    leaf, cls, builtin, match = BAD_PARAMS[kind]
    with pytest.raises(cls, match=match) as info:
        apply(_with(variables, kernel=leaf()), X)
    assert isinstance(info.value, builtin)
    assert_not_raw(info.value)


@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_apply_refuses_a_params_tree_unlike_the_models(bridge):
    variables, apply = BRIDGES[bridge]()
    missing = jax.tree.map(lambda a: a, variables)
    del missing["params"]["d"]["bias"]
    with pytest.raises(MissingVariableError, match=r'needs variable "d/bias"') as info:
        apply(missing, X)
    assert isinstance(info.value, LookupError)
    assert_not_raw(info.value)
    with pytest.raises(UnusedVariablesError, match=r"never uses: params/d/extra") as info:
        apply(_with(variables, extra=jnp.ones(1)), X)
    assert_not_raw(info.value)
    renamed = {"params": {"e": variables["params"]["d"]}}
    with pytest.raises(MissingVariableError, match=r'"d/\w+".* holds: params/e/'):
        apply(renamed, X)


@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_apply_refuses_an_input_of_another_width_naming_the_variable(bridge):
    variables, apply = BRIDGES[bridge]()
    if bridge == "from_nnx":  # the NNX module's own variables: its shapes are fixed at build
        with pytest.raises(TypeError, match="dot_general"):
            apply(variables, jnp.ones([1, 4]))
        return
    with pytest.raises(ValueMismatchError, match=r'"d/kernel" has shape \(3, 2\), .* \(4, 2\)'):
        apply(variables, jnp.ones([1, 4]))


def test_int_input_to_a_jaxscope_float_layer_through_to_linen_is_refused_as_tf1():
    m = js.flax.to_linen(js_dense)
    variables = m.init(jax.random.key(0), X)
    for run in (lambda: m.init(jax.random.key(0), X.astype(jnp.int32)),
                lambda: m.apply(variables, X.astype(jnp.int32))):  # fmt: skip
        with pytest.raises(LayerInputDtypeError, match=r'Dense layer "d" .* dtype int32') as info:
            run()
        assert isinstance(info.value, TypeError)  # TF1: TypeError
        assert_not_raw(info.value)


def test_int_input_to_a_linen_module_follows_linen():
    # from_linen runs the linen module as linen does: nn.Dense promotes an int input to its
    # float dtype (exactly, not truncated); the same values as the float input.
    f = js.transform(from_linen_dense)
    variables = f.init(jax.random.key(0), X)
    out = f.apply(variables, X.astype(jnp.int32))
    assert out.dtype == jnp.float32
    np.testing.assert_array_equal(out, f.apply(variables, X))
    linen = nn.Dense(2).apply({"params": variables["params"]["d"]}, X.astype(jnp.int32))
    np.testing.assert_array_equal(out, linen)


def _to_bf16(getter, *args, **kwargs):
    return getter(*args, **kwargs).astype(jnp.bfloat16)


def test_casting_getter_through_to_linen_refuses_float32_input():
    def casting(x):
        with js.variable_scope("s", custom_getter=_to_bf16):
            return js.layers.dense(x, 2, name="d")

    m = js.flax.to_linen(casting)
    with pytest.raises(LayerDtypeMismatchError, match=r'"s/d": weight "kernel" has dtype bfloat16'):
        m.init(jax.random.key(0), X)
    out, _ = m.init_with_output(jax.random.key(0), X.astype(jnp.bfloat16))
    assert out.dtype == jnp.bfloat16


@pytest.mark.parametrize("which", ["from_linen", "from_nnx"])
def test_casting_getter_through_from_flax_is_refused_not_promoted(which):
    # Before: from_linen raised AttributeError ("DynamicJaxprTracer has no attribute value");
    # from_nnx silently ran the module on the bfloat16 kernel, promoting to float32.
    def model(x):
        with js.variable_scope("s", custom_getter=_to_bf16):
            return (from_linen_dense if which == "from_linen" else from_nnx_dense)(x)

    with pytest.raises(
        GetterValueError,
        match=rf'{which}: the custom getter returned bfloat16\[(3, )?2\] for variable "s/d/'
        r'(kernel|bias)", but the flax module declares it float32\[(3, )?2\]',  # nnx: bias first
    ) as info:
        js.transform(model).init(jax.random.key(0), X)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert_not_raw(info.value)


def test_a_getter_returning_the_declared_dtype_and_shape_is_used():
    def noisy(getter, *args, **kwargs):
        return getter(*args, **kwargs) * 2.0

    def model(x):
        with js.variable_scope("s", custom_getter=noisy):
            return from_linen_dense(x)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    p = variables["params"]["s"]["d"]
    np.testing.assert_allclose(f.apply(variables, X), X @ (2 * p["kernel"]) + 2 * p["bias"])


def dropout_model(x):
    return js.layers.dropout(js_dense(x), 0.5, training=True)


def test_missing_rng_through_to_linen_names_the_stream():
    m = js.flax.to_linen(dropout_model)
    with pytest.raises(LinenMissingRngError, match=r"rngs=\{'dropout': jax.random.key") as info:
        m.init(jax.random.key(0), X)
    assert isinstance(info.value, ValueError)
    assert_not_raw(info.value)
    variables = m.init({"params": jax.random.key(0), "dropout": jax.random.key(1)}, X)
    with pytest.raises(LinenMissingRngError, match="got no 'dropout' key"):
        m.apply(variables, X)


def test_missing_rng_through_from_linen_is_a_jaxscope_error():
    # Before: flax.errors.InvalidRngError (not a JaxscopeError) from jaxscope's apply.
    f = js.transform(lambda x: js.flax.from_linen(nn.Dropout(0.5, deterministic=False), "drop")(x))
    variables = f.init(jax.random.key(0), X)
    with pytest.raises(MissingRngError, match=r"rng=jax.random.key") as info:
        f.apply(variables, X)
    assert isinstance(info.value, ValueError)
    assert_not_raw(info.value)
    out = f.apply(variables, X, rng=jax.random.key(1))
    assert set(np.unique(np.asarray(out))) <= {0.0, 2.0}


def test_an_unknown_collection_is_ignored_as_linen_does():
    m = js.flax.to_linen(js_dense)
    variables = m.init(jax.random.key(0), X)
    extra = {**variables, "foo": {"d": {"kernel": jnp.zeros([9])}}}
    np.testing.assert_array_equal(m.apply(extra, X), m.apply(variables, X))
    dense = nn.Dense(2)  # linen's own rule for an unknown collection
    dv = dense.init(jax.random.key(0), X)
    np.testing.assert_array_equal(
        dense.apply({**dv, "foo": {"x": jnp.zeros(1)}}, X), dense.apply(dv, X)
    )


def test_a_state_collection_the_model_does_not_use_is_missing_state():
    def bn(x):
        return js.layers.batch_normalization(js_dense(x), training=False, name="bn")

    m = js.flax.to_linen(bn, state_collection="moving")
    variables = m.init(jax.random.key(0), X)
    assert set(variables) == {"params", "moving"}
    wrong = {"params": variables["params"], "batch_stats": variables["moving"]}
    with pytest.raises(MissingVariableError, match=r'"bn/moving_mean"') as info:
        m.apply(wrong, X)
    assert_not_raw(info.value)
