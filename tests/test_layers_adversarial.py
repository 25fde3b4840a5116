"""Issue 22, layers: every ``jaxscope.layers`` layer (function and class forms) given bad
arguments, bad input ranks, integer inputs, a layer object called again on an incompatible
input, and mixed dtypes. TF1 (``tf.compat.v1.layers``, graph mode) runs the same program text in
the same test: where it raises, jaxscope must raise a :class:`jaxscope.JaxscopeError` subclassing
TF1's builtin class, never a raw internal, with a message naming the argument or layer; where it
accepts, jaxscope must give the same output shape and dtype. The few cases where jaxscope refuses
what TF1 accepts are pinned in ``STRICTER`` with the reason.
"""

from __future__ import annotations

import builtins
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layers_oracle import FILTERWARNINGS, builtin_name

import jaxscope as js
from jaxscope._src import errors

pytestmark = [pytest.mark.filterwarnings(f) for f in FILTERWARNINGS]

RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)
X = {1: [1, 8, 2], 2: [1, 8, 8, 2], 3: [1, 8, 8, 8, 2]}


def side(tf1, S):
    """The few names a program needs, for TF1 (``S`` = tf1) or jaxscope."""
    if S is js:
        return types.SimpleNamespace(L=js.layers, scope=js.variable_scope, bf16=jnp.bfloat16,
                                     f16=jnp.float16, f32=jnp.float32, ones=jnp.ones,
                                     cast=lambda v, d: jnp.asarray(v).astype(d))  # fmt: skip
    return types.SimpleNamespace(L=tf1.layers, scope=tf1.variable_scope, bf16=tf1.bfloat16,
                                 f16=tf1.float16, f32=tf1.float32, ones=tf1.ones, cast=tf1.cast)  # fmt: skip


def run_tf1(tf1, program, shape, dtype):
    """(exception or None, (shape, dtype) of the output) for the program in a fresh TF1 graph."""
    with tf1.Graph().as_default():
        x = tf1.placeholder(getattr(tf1, dtype), shape)
        try:
            out = program(side(tf1, tf1), x)
        except Exception as e:  # noqa: BLE001 - the oracle's class is the answer
            return e, None
        return None, (tuple(out.shape.as_list()), out.dtype.name)


def run_js(tf1, program, shape, dtype):
    x = jnp.ones(shape, dtype)
    f = js.transform(lambda x: program(side(tf1, js), x))
    try:
        variables = f.init(jax.random.key(0), x)
        out = f.apply(variables, x, rng=jax.random.key(1))
    except Exception as e:  # noqa: BLE001
        return e, None
    return None, (tuple(out.shape), str(out.dtype))


def check_like_tf1(tf1, program, shape, match, dtype="float32"):
    """TF1 and jaxscope agree: both refuse (same builtin class, a clear jaxscope error whose
    message matches ``match``) or both accept (same output shape and dtype)."""
    tf_err, tf_out = run_tf1(tf1, program, shape, dtype)
    js_err, js_out = run_js(tf1, program, shape, dtype)
    if tf_err is None:
        assert js_err is None, f"TF1 accepts (-> {tf_out}), jaxscope raised {js_err!r}"
        assert js_out == tf_out
        return
    assert js_err is not None, f"TF1 raised {tf_err!r}, jaxscope returned {js_out}"
    assert isinstance(js_err, getattr(builtins, builtin_name(tf_err))), (
        f"TF1: {builtin_name(tf_err)}, jaxscope: {type(js_err).__mro__}")  # fmt: skip
    assert isinstance(js_err, errors.JaxscopeError), repr(js_err)
    assert not isinstance(js_err, RAW), repr(js_err)
    with pytest.raises(type(js_err), match=match):
        raise js_err


# -- 1/3: bad arguments and ranks, every convolution (function and class forms) -----------------
CONVS = {  # name: (rank, function, class, has dilation_rate)
    "conv1d": (1, "conv1d", "Conv1D", True),
    "conv2d": (2, "conv2d", "Conv2D", True),
    "conv3d": (3, "conv3d", "Conv3D", True),
    "conv2d_transpose": (2, "conv2d_transpose", "Conv2DTranspose", False),
    "conv3d_transpose": (3, "conv3d_transpose", "Conv3DTranspose", False),
    "separable_conv1d": (1, "separable_conv1d", "SeparableConv1D", True),
    "separable_conv2d": (2, "separable_conv2d", "SeparableConv2D", True),
}
CONV_BAD = {  # case: (kwargs, input shape from the rank, message pattern)
    "filters=0": (dict(filters=0), None, "`filters`.*filters=0"),
    "filters=-1": (dict(filters=-1), None, "`filters`.*filters=-1"),
    "kernel_size=0": (dict(kernel_size=0), None, "`kernel_size`.*> 0.*kernel_size=0"),
    "kernel_size=-2": (dict(kernel_size=-2), None, "`kernel_size`.*kernel_size=-2"),
    "kernel_size_len": (dict(kernel_size=(3, 3, 3, 3)), None, "`kernel_size`.*tuple of"),
    "strides=0": (dict(strides=0), None, "`strides`.*cannot contain 0"),
    "strides=-1": (dict(strides=-1), None, "`strides`.*>= 0"),
    "dilation_rate=0": (dict(dilation_rate=0), None, "`dilation_rate`.*> 0"),
    "dilation_and_strides": (dict(dilation_rate=2, strides=2), None, "`strides`.*dilation_rate"),
    "padding": (dict(padding="full"), None, "`padding`.*'valid'.*padding='full'"),
    "data_format": (dict(data_format="NHWC"), None, "`data_format`.*channels_last"),
    "depth_multiplier=0": (dict(depth_multiplier=0), None, "depth_multiplier"),
    "rank-1": ({}, lambda r: X[r][:-1], r"incompatible with the layer: expected (min_)?ndim"),
    "rank+1": ({}, lambda r: [2] + X[r], r"incompatible with the layer: expected ndim"),
    "kernel_larger_than_input": (dict(kernel_size=9), None, "`kernel_size`.*larger than"),
}


def _conv_cases():
    for layer, (_, _, _, dilated) in CONVS.items():
        for case in CONV_BAD:
            if "dilation" in case and not dilated:
                continue
            if case == "depth_multiplier=0" and not layer.startswith("separable"):
                continue
            if case == "kernel_larger_than_input" and "transpose" in layer:
                continue  # TF1 takes it (the output grows); tested as accepted below
            for form in ("function", "class"):
                yield pytest.param(layer, case, form, id=f"{layer}-{case}-{form}")


def conv_program(layer, kwargs, form):
    _, fn, cls, _ = CONVS[layer]
    kw = {"filters": 2, "kernel_size": 3, **kwargs}
    if form == "function":
        return lambda S, x: getattr(S.L, fn)(x, **kw)
    return lambda S, x: getattr(S.L, cls)(**kw)(x)


@pytest.mark.parametrize("layer,case,form", list(_conv_cases()))
def test_conv_bad_argument_like_tf1(tf1, layer, case, form):
    kwargs, shape, match = CONV_BAD[case]
    rank = CONVS[layer][0]
    shape = shape(rank) if shape else X[rank]
    check_like_tf1(tf1, conv_program(layer, kwargs, form), shape, match)


@pytest.mark.parametrize("layer", ["conv1d", "conv2d", "conv3d"])
def test_conv_takes_extra_batch_axes_like_tf1(tf1, layer):
    """tf_keras' Conv folds extra leading axes into the batch (min_ndim); so does jaxscope."""
    rank = CONVS[layer][0]
    for form in ("function", "class"):
        check_like_tf1(tf1, conv_program(layer, {}, form), [3, 2] + X[rank][1:], "")


def test_conv_extra_batch_axes_values_match_plain_batch():
    f = js.transform(lambda x: js.layers.conv2d(x, 2, 3, name="c"))
    x = jax.random.normal(jax.random.key(0), (2, 3, 6, 6, 1))
    variables = f.init(jax.random.key(1), x)
    flat = f.apply(variables, x.reshape(6, 6, 6, 1))
    np.testing.assert_allclose(f.apply(variables, x), flat.reshape(2, 3, 4, 4, 2), rtol=1e-6)


@pytest.mark.parametrize("layer", ["conv2d_transpose", "conv3d_transpose"])
def test_transposed_conv_takes_a_kernel_larger_than_the_input_like_tf1(tf1, layer):
    check_like_tf1(tf1, conv_program(layer, dict(kernel_size=9), "function"),
                   X[CONVS[layer][0]], "")  # fmt: skip


# -- pooling -----------------------------------------------------------------------------------
POOLS = {f"{kind}_pooling{r}d": r for kind in ("max", "average") for r in (1, 2, 3)}
POOL_BAD = {
    "pool_size=0": (dict(pool_size=0), None, "`pool_size`.*> 0.*pool_size=0"),
    "pool_size=-1": (dict(pool_size=-1), None, "`pool_size`.*pool_size=-1"),
    "pool_size_len": (dict(pool_size=(2, 2, 2, 2)), None, "`pool_size`.*tuple of"),
    "strides=0": (dict(strides=0), None, "`strides`.*> 0"),
    "padding": (dict(padding="full"), None, "`padding`.*padding='full'"),
    "data_format": (dict(data_format="NHWC"), None, "`data_format`"),
    "rank-1": ({}, lambda r: X[r][:-1], "incompatible with the layer: expected ndim"),
    "rank+1": ({}, lambda r: [2] + X[r], "incompatible with the layer: expected ndim"),
    "pool_larger_than_input": (dict(pool_size=9), None, "`pool_size`.*larger than"),
}


def pool_program(layer, kwargs, form):
    kw = {"pool_size": 2, "strides": 2, **kwargs}
    kind, rank = layer.split("_pooling")
    cls = {"max": "MaxPooling", "average": "AveragePooling"}[kind] + rank.upper()
    if form == "function":
        return lambda S, x: getattr(S.L, layer)(x, **kw)
    return lambda S, x: getattr(S.L, cls)(**kw)(x)


@pytest.mark.parametrize(
    "layer,case,form",
    [pytest.param(p, c, f, id=f"{p}-{c}-{f}") for p in POOLS for c in POOL_BAD
     for f in ("function", "class")],
)  # fmt: skip
def test_pool_bad_argument_like_tf1(tf1, layer, case, form):
    kwargs, shape, match = POOL_BAD[case]
    rank = POOLS[layer]
    check_like_tf1(tf1, pool_program(layer, kwargs, form), shape(rank) if shape else X[rank],
                   match)  # fmt: skip


# -- dense, dropout, flatten, batch_normalization -------------------------------------------------
OTHER_BAD = {  # id: (program, input shape, message pattern)
    "dense-units=-1": (lambda S, x: S.L.dense(x, -1), [2, 3], "`units`.*units=-1"),
    "Dense-units=-1": (lambda S, x: S.L.Dense(-1)(x), [2, 3], "`units`.*units=-1"),
    "dense-rank1": (lambda S, x: S.L.dense(x, 2), [3], 'layer "dense".*min_ndim=2.*ndim=1'),
    "Dense-rank0": (lambda S, x: S.L.Dense(2)(x), [], 'layer "dense".*min_ndim=2.*ndim=0'),
    "dense-units=0": (lambda S, x: S.L.dense(x, 0), [2, 3], ""),  # TF1 accepts: (2, 0)
    "dense-rank3": (lambda S, x: S.L.dense(x, 2), [2, 2, 3], ""),
    "dropout-rate=1.5": (lambda S, x: S.L.dropout(x, 1.5), [2, 3], "`rate`.*1.5"),
    "Dropout-rate=-0.1": (lambda S, x: S.L.Dropout(-0.1)(x), [2, 3], "`rate`"),
    "dropout-rate=1-training": (
        lambda S, x: S.L.dropout(x, 1.0, training=True), [2, 3], "`rate`.*rate=1.0"),
    "Dropout-noise_shape": (
        lambda S, x: S.L.Dropout(0.5, noise_shape=[2, 2])(x, training=True), [2, 3],
        "`noise_shape`.*\\(2, 3\\)"),
    "flatten-rank0": (lambda S, x: S.L.flatten(x), [], 'layer "flatten".*min_ndim=1'),
    "Flatten-data_format": (lambda S, x: S.L.Flatten(data_format="NHWC")(x), [2, 3],
                            "`data_format`"),
    "flatten-rank1": (lambda S, x: S.L.flatten(x), [3], ""),
    "batch_normalization-axis=2": (
        lambda S, x: S.L.batch_normalization(x, axis=2), [2, 3], "`axis`.*axis=2"),
    "BatchNormalization-axis=-3": (
        lambda S, x: S.L.BatchNormalization(axis=-3)(x), [2, 3], "`axis`.*axis=-3"),
    "batch_normalization-duplicate-axis": (
        lambda S, x: S.L.batch_normalization(x, axis=[1, -1]), [2, 3], "`axis`.*duplicate"),
    "BatchNormalization-axis=1.5": (
        lambda S, x: S.L.BatchNormalization(axis=1.5)(x), [2, 3], "`axis`.*1.5"),
    "batch_normalization-virtual_batch_size=0": (
        lambda S, x: S.L.batch_normalization(x, virtual_batch_size=0), [4, 3],
        "`virtual_batch_size`.*=0"),
    "BatchNormalization-virtual_batch_size=3": (
        lambda S, x: S.L.BatchNormalization(virtual_batch_size=3)(x, training=True), [4, 3],
        "`virtual_batch_size`.*divide"),
    "batch_normalization-rank0": (
        lambda S, x: S.L.batch_normalization(x), [], "batch_normalization"),
    "batch_normalization-rank1": (lambda S, x: S.L.batch_normalization(x), [3], ""),
}  # fmt: skip


@pytest.mark.parametrize("case", list(OTHER_BAD))
def test_core_and_normalization_bad_argument_like_tf1(tf1, case):
    program, shape, match = OTHER_BAD[case]
    if case == "BatchNormalization-virtual_batch_size=3":  # training mode updates: mutable
        tf_err, _ = run_tf1(tf1, program, shape, "float32")
        f = js.transform(lambda x: program(side(tf1, js), x))
        with pytest.raises(js.LayerArgumentError, match=match):
            f.init(jax.random.key(0), jnp.ones(shape))
        assert isinstance(tf_err, ValueError)
        return
    check_like_tf1(tf1, program, shape, match)


# -- 1: integer inputs (TF1 refuses, except where pinned in STRICTER) ------------------------------
INT = {  # id: (program, input shape)
    "dense": (lambda S, x: S.L.dense(x, 2), [2, 3]),
    "Dense": (lambda S, x: S.L.Dense(2)(x), [2, 3]),
    "batch_normalization": (lambda S, x: S.L.batch_normalization(x), [2, 3]),
    "BatchNormalization-rank4": (lambda S, x: S.L.BatchNormalization()(x), [2, 2, 2, 3]),
    "conv3d": (lambda S, x: S.L.conv3d(x, 2, 3), X[3]),
    "Conv3DTranspose": (lambda S, x: S.L.Conv3DTranspose(2, 3)(x), X[3]),
    "separable_conv1d": (lambda S, x: S.L.separable_conv1d(x, 2, 3), X[1]),
    "SeparableConv2D": (lambda S, x: S.L.SeparableConv2D(2, 3)(x), X[2]),
    "max_pooling3d": (lambda S, x: S.L.max_pooling3d(x, 2, 2), X[3]),
    "AveragePooling1D": (lambda S, x: S.L.AveragePooling1D(2, 2)(x), X[1]),
    "average_pooling2d": (lambda S, x: S.L.average_pooling2d(x, 2, 2), X[2]),
    "average_pooling3d": (lambda S, x: S.L.average_pooling3d(x, 2, 2), X[3]),
    "dropout-training": (lambda S, x: S.L.dropout(x, 0.5, training=True), [2, 3]),
    "Dropout-training": (lambda S, x: S.L.Dropout(0.5)(x, training=True), [2, 3]),
    # accepted by both: integer max pooling (1d/2d), flatten, dropout at inference, a float dtype=
    "max_pooling2d": (lambda S, x: S.L.max_pooling2d(x, 2, 2), X[2]),
    "MaxPooling1D": (lambda S, x: S.L.MaxPooling1D(2, 2)(x), X[1]),
    "flatten": (lambda S, x: S.L.flatten(x), [2, 3, 1]),
    "dropout-inference": (lambda S, x: S.L.dropout(x, 0.5), [2, 3]),
    "Dense-dtype=float32": (lambda S, x: S.L.Dense(2, dtype=S.f32)(x), [2, 3]),
    "BatchNormalization-dtype=float32": (
        lambda S, x: S.L.BatchNormalization(dtype=S.f32)(x), [2, 3]),
    "Conv2D-dtype=float32": (lambda S, x: S.L.Conv2D(2, 3, dtype=S.f32)(x), X[2]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(INT))
def test_integer_input_like_tf1(tf1, case):
    program, shape = INT[case]
    check_like_tf1(tf1, program, shape, r"floating[- ]point|dtype", dtype="int32")


def test_integer_batch_normalization_is_refused_not_truncated():
    """The issue's silent case: int32 in, int32 out with the normalized values truncated."""
    f = js.transform(lambda x: js.layers.batch_normalization(x))
    with pytest.raises(js.LayerInputDtypeError, match='layer "batch_normalization".*int32'):
        f.init(jax.random.key(0), jnp.arange(6, dtype=jnp.int32).reshape(3, 2))


def test_integer_dense_is_refused_not_cast():
    f = js.transform(lambda x: js.layers.dense(x, 2))
    with pytest.raises(TypeError, match='Dense layer "dense" can only be built with a floating'):
        f.init(jax.random.key(0), jnp.ones([2, 3], jnp.int32))


STRICTER = {  # TF1 accepts, jaxscope refuses (reason)
    # TF1 builds an int32 kernel from a float initializer: truncated to an all-zero kernel, so
    # the layer silently outputs zeros (checked by running it below).
    "conv1d": (lambda S, x: S.L.conv1d(x, 2, 3), X[1]),
    "Conv2D": (lambda S, x: S.L.Conv2D(2, 3)(x), X[2]),
    "conv2d_transpose": (lambda S, x: S.L.conv2d_transpose(x, 2, 3), X[2]),
}


@pytest.mark.parametrize("case", list(STRICTER))
def test_integer_conv_refused_where_tf1_outputs_zeros(tf1, case):
    program, shape = STRICTER[case]
    with tf1.Graph().as_default():
        x = tf1.placeholder(tf1.int32, shape)
        out = program(side(tf1, tf1), x)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            assert not sess.run(out, {x: np.ones(shape, np.int32)}).any()  # all zeros
    js_err, _ = run_js(tf1, program, shape, "int32")
    assert isinstance(js_err, js.LayerInputDtypeError), repr(js_err)
    assert "floating-point" in str(js_err)


# -- 4: a layer object called again on an incompatible input ---------------------------------------
def _twice(cls_args, first, second, call_kw=None):
    def program(S, x):
        layer = getattr(S.L, cls_args[0])(*cls_args[1:])
        layer(x, **(call_kw or {}))
        return layer(S.ones(second), **(call_kw or {}))

    return program, first


AGAIN = {  # id: (program, first input shape, message pattern)
    "Dense-last-axis": (*_twice(("Dense", 2), [2, 3], [2, 4]),
                        'layer "dense".*expected axis -1 of input shape to have value 3'),
    "Dense-rank3": (*_twice(("Dense", 2), [2, 3], [2, 2, 3]), ""),
    "BatchNormalization-rank": (*_twice(("BatchNormalization",), [2, 2, 2, 3], [2, 2, 3]),
                                'layer "batch_normalization".*expected ndim=4, found ndim=3'),
    "BatchNormalization-axis": (*_twice(("BatchNormalization",), [2, 3], [2, 4]),
                                "expected axis 1 of input shape to have value 3"),
    "Conv2D-channels": (*_twice(("Conv2D", 2, 3), [1, 4, 4, 1], [1, 4, 4, 2]),
                        'layer "conv2d".*expected axis -1 of input shape to have value 1'),
    "Conv1D-extra-batch": (*_twice(("Conv1D", 2, 3), [1, 4, 1], [2, 1, 4, 1]), ""),
    "SeparableConv1D-channels": (*_twice(("SeparableConv1D", 2, 3), [1, 4, 1], [1, 4, 2]),
                                 "expected axis -1 of input shape to have value 1"),
    "Conv2DTranspose-channels": (*_twice(("Conv2DTranspose", 2, 3), [1, 4, 4, 1],
                                         [1, 4, 4, 3]), "expected axis -1"),
    "MaxPooling2D-channels": (*_twice(("MaxPooling2D", 2, 2), [1, 4, 4, 1], [1, 4, 4, 2]), ""),
    "MaxPooling2D-rank": (*_twice(("MaxPooling2D", 2, 2), [1, 4, 4, 1], [1, 4, 4]),
                          "expected ndim=4, found ndim=3"),
    "Flatten-rank1": (*_twice(("Flatten",), [1, 4, 1], [2]), ""),
}  # fmt: skip


@pytest.mark.parametrize("case", list(AGAIN))
def test_layer_called_again_like_tf1(tf1, case):
    program, shape, match = AGAIN[case]
    check_like_tf1(tf1, program, shape, match)


# -- 2: mixed dtypes -------------------------------------------------------------------------------
def with_getter(dtype_name, body):
    """``body`` under a variable scope whose custom getter casts every variable to a dtype."""

    def program(S, x):
        def getter(getter, *args, **kwargs):
            return S.cast(getter(*args, **kwargs), getattr(S, dtype_name))

        with S.scope("s", custom_getter=getter):
            return body(S, x)

    return program


MIXED = {  # id: (program, input shape, input dtype)
    "dense-bf16-getter": (with_getter("bf16", lambda S, x: S.L.dense(x, 2)), [2, 3], "float32"),
    "dense-f16-getter": (with_getter("f16", lambda S, x: S.L.dense(x, 2)), [2, 3], "float32"),
    "dense-rank3-bf16-getter": (with_getter("bf16", lambda S, x: S.L.Dense(2)(x)), [2, 2, 3],
                                "float32"),
    "dense-bf16-getter-bf16-input": (with_getter("bf16", lambda S, x: S.L.dense(x, 2)), [2, 3],
                                     "bfloat16"),
    "conv1d-f16-getter": (with_getter("f16", lambda S, x: S.L.conv1d(x, 2, 3)), X[1],
                          "float32"),
    "conv2d-nobias-bf16-getter": (
        with_getter("bf16", lambda S, x: S.L.conv2d(x, 2, 3, use_bias=False)), X[2], "float32"),
    "Conv2DTranspose-bf16-getter": (
        with_getter("bf16", lambda S, x: S.L.Conv2DTranspose(2, 3)(x)), X[2], "float32"),
    "separable_conv2d-bf16-getter": (
        with_getter("bf16", lambda S, x: S.L.separable_conv2d(x, 2, 3)), X[2], "float32"),
    "Conv2D-dtype=float16": (lambda S, x: S.L.Conv2D(2, 3, dtype=S.f16)(x), X[2], "float32"),
    # TF1 casts a Dense's / BatchNormalization's input to the layer's dtype: accepted by both
    "Dense-dtype=float16": (lambda S, x: S.L.Dense(2, dtype=S.f16)(x), [2, 3], "float32"),
    "BatchNormalization-dtype=float16": (
        lambda S, x: S.L.BatchNormalization(dtype=S.f16)(x), [2, 3], "float32"),
    "MaxPooling2D-dtype=float16": (lambda S, x: S.L.MaxPooling2D(2, 2, dtype=S.f16)(x), X[2],
                                   "float32"),
    "batch_normalization-float16": (lambda S, x: S.L.batch_normalization(x), [2, 3], "float16"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MIXED))
def test_mixed_dtypes_like_tf1(tf1, case):
    program, shape, dtype = MIXED[case]
    check_like_tf1(tf1, program, shape, r'weight "\w+" has dtype \w+ but the layer computes in',
                   dtype=dtype)  # fmt: skip


def test_dense_built_in_float32_casts_a_float16_input_like_tf1(tf1):
    def half_again(S, x):
        layer = S.L.Dense(2)
        layer(x)
        return layer(S.cast(x, S.f16))

    check_like_tf1(tf1, half_again, [2, 3], "")


def test_conv_built_in_float32_refuses_a_float16_input_like_tf1(tf1):
    def half_again(S, x):
        layer = S.L.Conv2D(2, 3)
        layer(x)
        return layer(S.cast(x, S.f16))

    check_like_tf1(tf1, half_again, X[2], 'weight "kernel" has dtype float32 .* float16')


def test_bfloat16_getter_dense_no_longer_promotes():
    """The issue's silent case: a bf16-casting getter fed float32 gave a float32 result."""

    def getter(getter, *args, **kwargs):
        return jnp.asarray(getter(*args, **kwargs)).astype(jnp.bfloat16)

    def f(x):
        with js.variable_scope("s", custom_getter=getter):
            return js.layers.dense(x, 2)

    with pytest.raises(js.LayerDtypeMismatchError, match=r'(?s)"s/dense".*jnp.bfloat16'):
        js.transform(f).init(jax.random.key(0), jnp.ones([2, 3]))


def test_error_classes_subclass_tf1_builtins():
    assert issubclass(js.LayerArgumentError, ValueError)
    assert issubclass(js.LayerArgumentTypeError, TypeError)
    assert issubclass(js.LayerInputError, ValueError)
    assert issubclass(js.LayerInputDtypeError, TypeError)
    assert issubclass(js.DropoutDtypeError, ValueError)
    assert issubclass(js.LayerDtypeMismatchError, TypeError)
    assert issubclass(js.LayerDtypeMismatchError, ValueError)
