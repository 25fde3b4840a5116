"""TF1's ``tf.nn`` activations and layer ops (``relu``, ``softmax``, ``bias_add``, ``xw_plus_b``,
``dropout``, ``top_k``, ``in_top_k``, ...) with TF1's signatures, dtype rules and errors.

Each op takes the dtypes TF1's kernel takes (``tf.nn.softmax`` of an int32 tensor is a
``TypeError``, as in TF1) and its gradient is TF1's where jax's would differ at a tie
(``relu``'s gradient at 0 is 0; ``relu6``'s at 0 and 6 is 0).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import alias, convert, is_tensor, op_name, static_ints
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.random_ops import rng_key

FLOATS = ("float16", "bfloat16", "float32", "float64")
INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
REALS = FLOATS + INTS
COMPLEX = ("complex64", "complex128")


def shape_str(s) -> str:
    return "[" + ", ".join(str(d) for d in s) + "]"


def check_dtype(op: str, x: jax.Array, arg: str, allowed=FLOATS) -> None:
    """TF1's op-definition check: ``x``'s dtype is one the op's kernel takes (a ``TypeError``)."""
    if x.dtype.name not in allowed:
        fix = "float32" if "float32" in allowed else allowed[0]
        raise OpTypeError(
            op,
            f"{arg} has dtype {x.dtype.name}, not one of the dtypes the op takes: "
            f"{', '.join(allowed)}.",
            f"tf.cast({arg}, tf.{fix})",
        )


def convert_as(x, dtype, op: str, arg: str) -> jax.Array:
    """``ops.convert_to_tensor(x, dtype=...)`` as TF1's Python wrappers call it: a Python value
    converts to ``dtype``; a tensor of another dtype is TF1's ``ValueError`` ("Tensor conversion
    requested dtype ...")."""
    if is_tensor(x) and jnp.asarray(x).dtype != dtype:
        raise OpArgumentError(
            op,
            f"{arg} has dtype {jnp.asarray(x).dtype.name}, the op needs {np.dtype(dtype).name} "
            "(TF1: tensor conversion requested dtype ...; TF1 never casts implicitly).",
            f"tf.cast({arg}, tf.{np.dtype(dtype).name})",
        )
    return convert(x, dtype, op, arg)


def _unary(op: str, features, arg: str, allowed) -> jax.Array:
    x = convert(features, op=op, arg=arg)
    check_dtype(op, x, arg, allowed)
    return x


def relu(features, name=None):
    """``max(features, 0)``: NaN stays NaN and the gradient at 0 is 0, as TF1's (``jax.nn.relu``).

    Args:
        features: A tensor of a real number dtype (float or integer).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Relu``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` has a dtype the op does not take.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.relu([-1., 0., 2.])
        Array([0., 0., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.relu
    """
    op_name(name, "Relu")
    return jax.nn.relu(_unary("nn.relu", features, "features", REALS))


def relu6(features, name=None):
    """``min(max(features, 0), 6)``; the gradient is 1 only strictly between 0 and 6, as TF1's.

    Args:
        features: A tensor of a real number dtype (float or integer).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Relu6``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` has a dtype the op does not take.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.relu6([-1., 3., 8.])
        Array([0., 3., 6.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.relu6
    """
    op_name(name, "Relu6")
    x = _unary("nn.relu6", features, "features", REALS)
    zero, six = jnp.zeros((), x.dtype), jnp.full((), 6, x.dtype)
    out = jnp.where(x > 0, jnp.where(x < 6, x, six), zero)
    return _keep_nan(x, out)


def _keep_nan(x, out):
    """``out`` with ``x``'s NaNs kept (TF1's activations propagate them), gradient 0 there."""
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return out
    return jnp.where(jnp.isnan(x), jax.lax.stop_gradient(x), out)


def elu(features, name=None):
    """``exp(features) - 1`` below 0, ``features`` above.

    Args:
        features: A tensor of a float dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Elu``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` is not a float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.elu([-1., 2.])
        Array([-0.63212055,  2.        ], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.elu
    """
    op_name(name, "Elu")
    return _elu(_unary("nn.elu", features, "features", FLOATS))


# TF1's kernels, which this namespace reproduces: Elu is ``exp(x) - 1`` below 0 (not expm1: -1e-30
# gives 0), and EluGrad / SeluGrad / SoftsignGrad are written from the output (``y < 0``) and
# ``1 / (1 + |x|)^2``, which differ from autodiff of the forward at NaN, +-inf and tiny x.
@jax.custom_jvp
def _elu(x):
    return jnp.where(x < 0, jnp.exp(x) - jnp.ones((), x.dtype), x)


@_elu.defjvp
def _elu_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = _elu(x)
    return y, t * jnp.where(y < 0, y + jnp.ones((), y.dtype), jnp.ones((), y.dtype))


@jax.custom_jvp
def _selu(x):
    scale, scale_alpha = _selu_constants(x.dtype)
    return jnp.where(x < 0, scale_alpha * (jnp.exp(x) - jnp.ones((), x.dtype)), scale * x)


@_selu.defjvp
def _selu_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    y = _selu(x)
    scale, scale_alpha = _selu_constants(x.dtype)
    return y, t * jnp.where(y < 0, y + scale_alpha, scale)


def _selu_constants(dtype):
    return jnp.asarray(_SELU_SCALE, dtype), jnp.asarray(_SELU_SCALE * _SELU_ALPHA, dtype)


@jax.custom_jvp
def _softsign(x):
    return x / (jnp.abs(x) + jnp.ones((), x.dtype))


@_softsign.defjvp
def _softsign_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _softsign(x), t / jnp.square(jnp.ones((), x.dtype) + jnp.abs(x))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(features, name=None):
    """``scale * elu(features, alpha)`` with TF1's (Klambauer et al.'s) constants.

    Args:
        features: A tensor of a float dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Selu``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` is not a float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.selu([-1., 2.])
        Array([-1.1113307,  2.101402 ], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.selu
    """
    op_name(name, "Selu")
    return _selu(_unary("nn.selu", features, "features", FLOATS))


def softplus(features, name=None):
    """``log(exp(features) + 1)``.

    Args:
        features: A tensor of a float dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Softplus``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` is not a float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.softplus([0., 2.])
        Array([0.6931472, 2.126928 ], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.softplus
    """
    op_name(name, "Softplus")
    return jax.nn.softplus(_unary("nn.softplus", features, "features", FLOATS))


def softsign(features, name=None):
    """``features / (abs(features) + 1)``.

    Args:
        features: A tensor of a float dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Softsign``).

    Returns:
        A jax array of ``features``' shape and dtype.

    Raises:
        TypeError: ``features`` is not a float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.softsign([-1., 3.])
        Array([-0.5 ,  0.75], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.softsign
    """
    op_name(name, "Softsign")
    return _softsign(_unary("nn.softsign", features, "features", FLOATS))


def leaky_relu(features, alpha=0.2, name=None):
    """``features`` above 0, ``alpha * features`` below; integer features are cast to float32 first,
    as TF1 does.

    Args:
        features: A tensor of a float dtype, or of an integer dtype (cast to float32).
        alpha: The slope below 0: a Python float (an op attribute).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``LeakyRelu``).

    Returns:
        A jax array of ``features``' shape, of its float dtype (float32 for integers).

    Raises:
        TypeError: ``features`` is not a float or integer, or ``alpha`` is not a Python number.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.leaky_relu([-1., 2.], alpha=0.1)
        Array([-0.1,  2. ], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.leaky_relu
    """
    op_name(name, "LeakyRelu")
    x = convert(features, op="nn.leaky_relu", arg="features")
    if x.dtype.name in INTS:
        x = x.astype(jnp.float32)
    check_dtype("nn.leaky_relu", x, "features")
    if isinstance(alpha, np.ndarray):
        alpha = alpha.item()
    if not isinstance(alpha, numbers.Real):
        raise OpTypeError(
            "nn.leaky_relu", f"alpha must be a Python float (an op attribute), got {alpha!r}."
        )
    return jnp.where(x > 0, x, x * jnp.asarray(alpha, x.dtype))


def crelu(features, name=None, axis=-1):
    """``relu(concat([features, -features], axis))``.

    Args:
        features: A tensor of a real number dtype (float or integer).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``CRelu``).
        axis: The axis along which ``features`` and ``-features`` are joined.

    Returns:
        A jax array of ``features``' dtype, twice as long along ``axis``.

    Raises:
        TypeError: ``features`` has a dtype the op does not take.
        ValueError: ``axis`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.crelu([-1., 2.])
        Array([0., 2., 1., 0.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.crelu
    """
    op_name(name, "CRelu")
    x = _unary("nn.crelu", features, "features", REALS)
    ax = _axis("nn.crelu", axis, x.ndim)
    return jax.nn.relu(jnp.concatenate([x, -x], ax))


def sigmoid(x, name=None):
    """``1 / (1 + exp(-x))``.

    Args:
        x: A tensor of a float or complex dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Sigmoid``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not a float or complex.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.sigmoid([0., 2.])
        Array([0.5     , 0.880797], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.sigmoid (= tf.sigmoid)
    """
    op_name(name, "Sigmoid")
    return jax.nn.sigmoid(_unary("nn.sigmoid", x, "x", FLOATS + COMPLEX))


def tanh(x, name=None):
    """The hyperbolic tangent of ``x``, elementwise.

    Args:
        x: A tensor of a float or complex dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Tanh``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not a float or complex.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.tanh([0., 1.])
        Array([0.       , 0.7615942], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.tanh (= tf.tanh)
    """
    op_name(name, "Tanh")
    return jnp.tanh(_unary("nn.tanh", x, "x", FLOATS + COMPLEX))


def _softmax(op: str, fn, logits, axis, dim, name, default):
    op_name(name, default)
    a = alias(op, axis, dim, "axis", "dim")
    x = _unary(op, logits, "logits", FLOATS)
    if x.ndim == 0:
        raise OpArgumentError(op, "logits must have at least 1 dimension, got a scalar.")
    return fn(x, axis=_axis(op, -1 if a is None else a, x.ndim, "axis"))


def softmax(logits, axis=None, name=None, dim=None):
    """``exp(logits) / sum(exp(logits), axis)``, along the last axis by default.

    Differs from TF1: only the op's own name (``name`` or "Softmax") is marked as used; with
    an axis other than the last, TF1 also builds transposes around it whose names are not
    taken here, so a later ``name_scope("transpose")`` may be numbered differently.

    Args:
        logits: A tensor of a float dtype, rank at least 1.
        axis: The axis to normalize, an int in ``[-rank, rank)`` (``None``: the last).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Softmax``).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of ``logits``' shape and dtype whose entries along ``axis`` sum to 1.

    Raises:
        TypeError: ``logits`` is not a float.
        ValueError: ``logits`` is a scalar, ``axis`` is out of range, or both ``axis`` and ``dim``
            are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.softmax([[1., 1.], [0., 1000.]])
        Array([[0.5, 0.5],
               [0. , 1. ]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.softmax
    """
    return _softmax("nn.softmax", jax.nn.softmax, logits, axis, dim, name, "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    """``logits - log(sum(exp(logits), axis))``, along the last axis by default.

    Args:
        logits: A tensor of a float dtype, rank at least 1.
        axis: The axis to normalize, an int in ``[-rank, rank)`` (``None``: the last).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``LogSoftmax``).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of ``logits``' shape and dtype.

    Raises:
        TypeError: ``logits`` is not a float.
        ValueError: ``logits`` is a scalar, ``axis`` is out of range, or both ``axis`` and ``dim``
            are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.log_softmax([0., 0.])
        Array([-0.6931472, -0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.log_softmax
    """
    return _softmax("nn.log_softmax", jax.nn.log_softmax, logits, axis, dim, name, "LogSoftmax")


def _channels_first(op: str, data_format) -> bool:
    if data_format is None:
        return False
    if data_format.startswith("NC"):
        return True
    if data_format.startswith("N") and data_format.endswith("C"):
        return False
    raise OpArgumentError(
        op,
        f"data_format must be of the form N...C or NC..., got {data_format!r}.",
        'data_format="NHWC" (channels last) or "NCHW" (channels first)',
    )


def _bias_add(op: str, v: jax.Array, bias, first: bool) -> jax.Array:
    b = convert_as(bias, v.dtype, op, "bias")
    check_dtype(op, v, "value", REALS + COMPLEX)
    if v.ndim < 2:
        raise OpArgumentError(
            op, f"value must have rank at least 2, got shape {shape_str(v.shape)}."
        )
    if b.ndim != 1:
        raise OpArgumentError(op, f"bias must be 1-D, got shape {shape_str(b.shape)}.")
    if first and v.ndim < 3:
        raise OpArgumentError(
            op,
            f"value must have rank at least 3 with data_format NC..., got shape "
            f"{shape_str(v.shape)}.",
        )
    ch = 1 if first else v.ndim - 1
    if v.shape[ch] != b.shape[0]:
        raise OpArgumentError(
            op,
            f"bias of size {b.shape[0]} does not match dimension {ch} of value "
            f"{shape_str(v.shape)} (its {'channels' if first else 'last'} dimension).",
        )
    return v + b.reshape((-1,) + (1,) * (v.ndim - 1 - ch))


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias``, ``bias`` 1-D over ``value``'s channels: its last dimension (``data_format``
    ``None`` or ``"N...C"``) or its second (``"NC..."``).

    Args:
        value: A tensor of rank at least 2 (3 with ``"NC..."``) of a number dtype.
        bias: A 1-D tensor of ``value``'s dtype, as long as ``value``'s channel dimension.
        data_format: ``None`` or ``"N...C"`` (channels last, e.g. ``"NHWC"``), or ``"NC..."``
            (channels second, e.g. ``"NCHW"``).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``BiasAdd``).

    Returns:
        A jax array of ``value``'s shape and dtype.

    Raises:
        TypeError: ``value`` has a dtype the op does not take.
        ValueError: the ranks or the channel size do not fit, ``bias`` has another dtype, or
            ``data_format`` is not of either form.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.bias_add([[1., 2.], [3., 4.]], [10., 20.])
        Array([[11., 22.],
               [13., 24.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.bias_add
    """
    op_name(name, "BiasAdd")
    first = _channels_first("nn.bias_add", data_format)
    v = convert(value, op="nn.bias_add", arg="value")
    return _bias_add("nn.bias_add", v, bias, first)


def matmul(op: str, x, weights) -> jax.Array:
    """TF1's ``matmul`` of the ``xw_plus_b`` family: one dtype, rank >= 2, inner sizes equal
    (leading dimensions broadcast, as TF1's batch matmul)."""
    xv = convert(x, op=op, arg="x")
    w = convert(weights, op=op, arg="weights")
    if w.dtype != xv.dtype:
        raise OpTypeError(
            op,
            f"weights has type {w.dtype.name} that does not match type {xv.dtype.name} of x.",
            f"tf.cast(weights, tf.{xv.dtype.name})",
        )
    check_dtype(op, xv, "x", FLOATS + ("int32", "int64") + COMPLEX)
    try:
        if xv.ndim < 2 or w.ndim < 2 or xv.shape[-1] != w.shape[-2]:
            raise ValueError
        np.broadcast_shapes(xv.shape[:-2], w.shape[:-2])
    except ValueError:
        raise OpArgumentError(
            op,
            f"x {shape_str(xv.shape)} and weights {shape_str(w.shape)} must be matrices (rank "
            ">= 2) with x.shape[-1] == weights.shape[-2].",
        ) from None
    return jnp.matmul(xv, w)


def xw_plus_b(x, weights, biases, name=None):
    """``matmul(x, weights) + biases``.

    Args:
        x: A matrix (rank >= 2; leading dimensions broadcast) of a float, int32, int64 or complex
            dtype.
        weights: A matrix of ``x``'s dtype, ``weights.shape[-2] == x.shape[-1]``.
        biases: A 1-D tensor of ``x``'s dtype, as long as ``weights``' last dimension.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``xw_plus_b``).

    Returns:
        A jax array of ``x``'s dtype.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.xw_plus_b([[1., 2.]], [[1., 0.], [0., 1.]], [10., 20.])
        Array([[11., 22.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.xw_plus_b
    """
    op_name(name, "xw_plus_b")
    return _bias_add("nn.xw_plus_b", matmul("nn.xw_plus_b", x, weights), biases, False)


def relu_layer(x, weights, biases, name=None):
    """``relu(matmul(x, weights) + biases)``.

    Args:
        x: A matrix (rank >= 2; leading dimensions broadcast) of a float, int32, int64 or complex
            dtype.
        weights: A matrix of ``x``'s dtype, ``weights.shape[-2] == x.shape[-1]``.
        biases: A 1-D tensor of ``x``'s dtype, as long as ``weights``' last dimension.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``relu_layer``).

    Returns:
        A jax array of ``x``'s dtype.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.relu_layer([[1., 2.]], [[1., 0.], [0., 1.]], [-5., 0.])
        Array([[0., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.relu_layer
    """
    op_name(name, "relu_layer")
    y = _bias_add("nn.relu_layer", matmul("nn.relu_layer", x, weights), biases, False)
    return jnp.where(y > 0, y, jnp.zeros((), y.dtype))


def _dropout_rate(keep_prob, rate):
    if keep_prob is not None:
        try:
            from_keep = 1.0 - keep_prob
        except TypeError:
            raise OpArgumentError(
                "nn.dropout", f"keep_prob must be a float or a tensor, got {keep_prob!r}."
            ) from None
        return alias("nn.dropout", rate, from_keep, "rate", "keep_prob")
    if rate is None:
        raise OpArgumentError(
            "nn.dropout",
            "needs rate (or TF1's keep_prob = 1 - rate).",
            "tf.nn.dropout(x, rate=0.1)",
        )
    return rate


def _noise_shape(noise_shape, shape) -> tuple[int, ...]:
    if noise_shape is None:
        return tuple(shape)
    dims = list(noise_shape) if isinstance(noise_shape, (list, tuple)) else None
    if dims is not None and len(dims) == len(shape) and None in dims:
        dims = [s if d is None else d for d, s in zip(dims, shape, strict=True)]
    out = tuple(static_ints("nn.dropout", noise_shape if dims is None else dims, "noise_shape"))
    try:
        fits = np.broadcast_shapes(out, tuple(shape)) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise OpArgumentError(
            "nn.dropout",
            f"noise_shape {shape_str(out)} does not broadcast to the shape of x "
            f"{shape_str(shape)}.",
            f"each entry 1 or x's size, e.g. noise_shape={[shape[0]] + [1] * (len(shape) - 1)}",
        )
    return out


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Zeroes each element with probability ``rate = 1 - keep_prob`` and scales the others by
    ``1 / (1 - rate)``, as TF1: a Python ``rate`` must be in ``[0, 1)`` (``keep_prob`` in
    ``(0, 1]``) and ``rate == 0`` returns ``x`` (drawing nothing, so no ``rng`` is needed); a tensor
    ``rate`` (scalar, ``x``'s dtype) divides ``x`` by ``1 - rate``. ``noise_shape`` (``None``
    entries: ``x``'s sizes) broadcasts one draw over several elements.

    The mask is ``uniform[0, 1) >= rate``, drawn from the transform's rng stream
    (:func:`jaxscope.next_rng_key`, with ``seed`` folded in): inside ``jaxscope.transform``, with
    ``apply(..., rng=key)``.

    Differs from TF1: the same distribution and scaling, but not TF1's values (the mask comes
    from the transform's rng stream, not TF1's Philox stream), ``apply`` needs ``rng=`` unless
    ``rate`` is 0, and an op ``seed`` does not repeat a draw within a call.

    Args:
        x: A tensor of a float dtype.
        keep_prob: TF1's old argument: the probability to keep an element, ``1 - rate`` (give
            ``rate`` or ``keep_prob``).
        noise_shape: The shape of the random mask, broadcast to ``x``'s (``None`` entries: ``x``'s
            sizes); ``None``: ``x``'s shape.
        seed: An op seed folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``dropout``).
        rate: The probability to drop an element: a Python float in ``[0, 1)`` or a scalar tensor.

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        ValueError: neither or both of ``rate``/``keep_prob`` are given, a Python rate is outside
            ``[0, 1)``, ``x`` is not a float, a tensor rate is not a scalar of ``x``'s dtype, or
            ``noise_shape`` does not broadcast to ``x``'s shape.
        RuntimeError: called with a nonzero rate outside ``jaxscope.transform``
            (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda x: tf.nn.dropout(x, rate=0.5))
        >>> y = f.apply({}, tf.ones([1000]), rng=jax.random.key(0))
        >>> sorted(set(y.tolist())), 400 < int(tf.count_nonzero(y)) < 600
        ([0.0, 2.0], True)
        >>> tf.nn.dropout([1., 2.], rate=0.)
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.dropout
    """
    op_name(name, "dropout")
    r = _dropout_rate(keep_prob, rate)
    is_number = isinstance(r, numbers.Real) and not is_tensor(r)
    if is_number and not 0 <= r < 1:
        what = f"keep_prob={keep_prob!r} must be in (0, 1]" if keep_prob is not None else ""
        raise OpArgumentError(
            "nn.dropout",
            (what or f"rate={r!r} must be in [0, 1)") + " (the fraction of elements dropped is "
            "rate = 1 - keep_prob).",
        )
    v = convert(x, op="nn.dropout", arg="x")
    if v.dtype.name not in FLOATS:
        raise OpArgumentError(
            "nn.dropout",
            f"x must be a floating point tensor (it is scaled), got {v.dtype.name}.",
            "tf.cast(x, tf.float32)",
        )
    if is_number and r == 0:
        return v
    if is_number:
        out = v * jnp.asarray(1 / (1 - r), v.dtype)
        cut = jnp.asarray(r, v.dtype)
    else:
        cut = jnp.asarray(r)
        if cut.ndim:
            raise OpArgumentError(
                "nn.dropout", f"rate must be a scalar, got shape {shape_str(cut.shape)}."
            )
        if not is_tensor(r):
            cut = cut.astype(v.dtype)
        elif cut.dtype != v.dtype:
            raise OpArgumentError(
                "nn.dropout",
                f"rate has dtype {cut.dtype.name}, x {v.dtype.name}: they must match.",
                f"tf.cast(rate, tf.{v.dtype.name})",
            )
        out = v / (jnp.ones((), v.dtype) - cut)
    key = rng_key("nn.dropout", seed)
    keep = jax.random.uniform(key, _noise_shape(noise_shape, v.shape), v.dtype) >= cut
    return jnp.where(keep, out, jnp.zeros((), v.dtype))


class TopKV2(NamedTuple):
    """``top_k``'s result, as TF1's ``TopKV2`` named tuple."""

    values: jax.Array
    indices: jax.Array


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """The ``k`` largest entries of the last dimension and their indices (equal values: the lower
    index first, as TF1).

    Differs from TF1: ``index_type=tf.int64`` gives int32 indices unless jax_enable_x64.

    Args:
        input: A tensor of a real number dtype (float or integer), rank at least 1.
        k: How many entries: an int in ``[0, input.shape[-1]]``, known when the program is traced.
        sorted: Accepted for TF1's signature; the result is sorted either way.
        index_type: The dtype of the indices (int64 is int32 unless jax_enable_x64).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``TopKV2``).

    Returns:
        A ``TopKV2(values, indices)`` named tuple of jax arrays of shape
        ``input.shape[:-1] + (k,)``.

    Raises:
        TypeError: ``input`` has a dtype the op does not take.
        ValueError: ``input`` is a scalar, or ``k`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.top_k([1., 5., 3.], k=2)
        TopKV2(values=Array([5., 3.], dtype=float32), indices=Array([1, 2], dtype=int32))

    TF1 equivalent: tf.compat.v1.nn.top_k (``sorted=False`` also returns them sorted, one of the
    orders TF1 allows)
    """
    op_name(name, "TopKV2")
    x = _unary("nn.top_k", input, "input", REALS)
    (kk,) = static_ints("nn.top_k", k, "k")
    if x.ndim == 0:
        raise OpArgumentError("nn.top_k", "input must have rank at least 1, got a scalar.")
    if not 0 <= kk <= x.shape[-1]:
        raise OpArgumentError(
            "nn.top_k",
            f"k={kk} must be in [0, {x.shape[-1]}], the size of the last dimension of input "
            f"{shape_str(x.shape)}.",
        )
    it = jax.dtypes.canonicalize_dtype(dtypes.as_dtype(index_type).dtype)
    if kk == 0:
        return TopKV2(jnp.zeros(x.shape[:-1] + (0,), x.dtype), jnp.zeros(x.shape[:-1] + (0,), it))
    values, indices = jax.lax.top_k(x, kk)
    return TopKV2(values, indices.astype(it))


def in_top_k(predictions, targets, k, name=None):
    """Whether each ``targets[i]`` is among the ``k`` largest ``predictions[i]``, by TF1's rule:
    fewer than ``k`` predictions are strictly larger than the target's (so ties are all in); a row
    with a non-finite prediction, or a target outside ``[0, num_classes)``, is False.

    Args:
        predictions: A float32 tensor of shape ``[batch, classes]``.
        targets: An int32 or int64 tensor of shape ``[batch]``: class indices.
        k: How many top predictions count.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``in_top_k``).

    Returns:
        A bool jax array of shape ``[batch]``.

    Raises:
        TypeError: ``predictions`` is not float32 or ``targets`` not int32/int64.
        ValueError: the shapes are not ``[batch, classes]`` and ``[batch]``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.in_top_k([[0.1, 0.9, 0.0], [0.5, 0.2, 0.3]], [1, 2], k=1)
        Array([ True, False], dtype=bool)

    TF1 equivalent: tf.compat.v1.nn.in_top_k
    """
    op_name(name, "in_top_k")
    op = "nn.in_top_k"
    p = _unary(op, predictions, "predictions", ("float32",))
    t = _unary(op, targets, "targets", ("int32", "int64"))
    kk = convert(k, op=op, arg="k")
    if p.ndim != 2 or t.ndim != 1 or p.shape[0] != t.shape[0]:
        raise OpArgumentError(
            op,
            f"predictions {shape_str(p.shape)} must be [batch, classes] and targets "
            f"{shape_str(t.shape)} [batch].",
        )
    n = p.shape[1]
    valid = (t >= 0) & (t < n)
    target = jnp.take_along_axis(p, jnp.clip(t, 0, max(n - 1, 0))[:, None], 1)
    more = jnp.sum(p > target, axis=1)
    finite = jnp.all(jnp.isfinite(p), axis=1)
    return valid & finite & (more < kk.astype(more.dtype))
