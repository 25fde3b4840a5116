"""TF1's ``tf.nn`` statistics and normalization: ``moments``, ``l2_normalize``,
``batch_normalization`` and ``zero_fraction``, written as TF1's ``nn_impl`` writes them."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from jaxscope._src.compat.common import alias, axes, convert, op_name, same_dtype
from jaxscope._src.compat.errors import OpArgumentError
from jaxscope._src.compat.nn_ops import COMPLEX, FLOATS, REALS, check_dtype, shape_str


def _reduce_mean(op: str, y: jax.Array, ax: tuple[int, ...] | None) -> jax.Array:
    """TF1's ``reduce_mean(y, ax, keepdims=True)``: integers divide and truncate toward zero."""
    if y.dtype.name in FLOATS + COMPLEX:
        return jnp.mean(y, ax, keepdims=True)
    total = jnp.sum(y, ax, keepdims=True, dtype=y.dtype)
    count = y.size // max(total.size, 1) if y.size else 0
    if count == 0:
        raise OpArgumentError(op, f"cannot average an empty integer tensor {shape_str(y.shape)}.")
    return lax.div(total, jnp.asarray(count, y.dtype))


def moments(x, axes=None, shift=None, name=None, keep_dims=None, keepdims=None):  # noqa: A002
    """The mean and (biased) variance of ``x`` over ``axes``; float16 is computed in float32 and
    cast back, as TF1 does; integer means truncate, as TF1's ``reduce_mean``. ``shift`` is unused,
    as in TF1.

    Args:
        x: A tensor of a number dtype.
        axes: The axes to reduce: an int or a list of ints.
        shift: Unused, as in TF1.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``moments``).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).
        keepdims: Whether the reduced axes stay, with length 1.

    Returns:
        A pair ``(mean, variance)`` of jax arrays of ``x``'s dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take.
        ValueError: an axis is out of range, or both ``keepdims`` and ``keep_dims`` are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.moments([[1., 2.], [3., 6.]], axes=[0])
        (Array([2., 4.], dtype=float32), Array([1., 4.], dtype=float32))

    TF1 equivalent: tf.compat.v1.nn.moments
    """
    op = "nn.moments"
    kd = alias(op, keepdims, keep_dims, "keepdims", "keep_dims")
    op_name(name, "moments")
    v = convert(x, op=op, arg="x")
    check_dtype(op, v, "x", REALS + COMPLEX)
    ax = _axes(op, axes, v.ndim)
    y = v.astype(jnp.float32) if v.dtype == jnp.float16 else v
    mean = _reduce_mean(op, y, ax)
    diff = y - lax.stop_gradient(mean)  # TF1's squared_difference: (y - m) * conj(y - m)
    variance = _reduce_mean(
        op, diff * jnp.conj(diff) if v.dtype.name in COMPLEX else diff * diff, ax
    )
    if not kd:
        # TF1 squeezes with ``axes``; an empty list squeezes every size-1 dimension.
        mean, variance = (jnp.squeeze(m, ax) if ax else jnp.squeeze(m) for m in (mean, variance))
    return mean.astype(v.dtype), variance.astype(v.dtype)


def _axes(op: str, a, ndim: int) -> tuple[int, ...] | None:
    out = axes(op, a, ndim, "axes")
    if out is not None and len(set(out)) != len(out):
        raise OpArgumentError(op, f"axes {list(out)} name a dimension twice.")
    return out


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))`` (all axes when ``axis`` is None).

    Args:
        x: A tensor of a float or complex dtype.
        axis: The axes to normalize over: an int, a list of ints or ``None`` (all).
        epsilon: The lower bound of the squared norm (guards against division by 0).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``l2_normalize``).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not a float or complex.
        ValueError: an axis is out of range, or both ``axis`` and ``dim`` are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.l2_normalize([3., 4.])
        Array([0.6, 0.8], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.l2_normalize (``epsilon`` is cast to ``x``'s dtype first, so
    in float16 the default 1e-12 is 0, as in TF1)
    """
    op = "nn.l2_normalize"
    a = alias(op, axis, dim, "axis", "dim")
    op_name(name, "l2_normalize")
    v = convert(x, op=op, arg="x")
    check_dtype(op, v, "x", FLOATS + COMPLEX)
    ax = _axes(op, a, v.ndim)
    square_sum = jnp.sum(jnp.real(v * jnp.conj(v)), ax, keepdims=True)
    inv = lax.rsqrt(jnp.maximum(square_sum, jnp.asarray(epsilon, square_sum.dtype)))
    return v * inv.astype(v.dtype)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``(x - mean) * scale / sqrt(variance + variance_epsilon) + offset``, as TF1 computes it
    (``inv = rsqrt(variance + eps) * scale``; ``x * inv + (offset - mean * inv)``). ``offset`` and
    ``scale`` may be None.

    Args:
        x: A float tensor.
        mean: The mean, broadcasting against ``x`` (usually over its last dimension).
        variance: The variance, of ``mean``'s dtype.
        offset: The offset (beta) of ``mean``'s dtype, or ``None``.
        scale: The scale (gamma) of ``mean``'s dtype, or ``None``.
        variance_epsilon: A small float added to the variance.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``batchnorm``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not a float, or the statistics' dtypes differ.
        ValueError: the statistics do not broadcast against ``x``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.batch_normalization([1., 3.], 2., 1., 0.5, 2., 0.)
        Array([-1.5,  2.5], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.batch_normalization
    """
    op = "nn.batch_normalization"
    op_name(name, "batchnorm")
    v = convert(x, op=op, arg="x")
    check_dtype(op, v, "x")
    given = {"variance": variance, "mean": mean, "scale": scale, "offset": offset}
    given = {k: val for k, val in given.items() if val is not None}
    stats = dict(zip(given, same_dtype(op, **given), strict=True))
    eps = convert(variance_epsilon, stats["variance"].dtype, op, "variance_epsilon")
    inv = lax.rsqrt(stats["variance"] + eps)
    if "scale" in stats:
        inv = inv * stats["scale"]
    shift = -stats["mean"] * inv
    if "offset" in stats:
        shift = stats["offset"] - stats["mean"] * inv
    try:
        return v * inv.astype(v.dtype) + shift.astype(v.dtype)
    except (ValueError, TypeError) as e:
        raise OpArgumentError(op, f"the statistics do not broadcast against x: {e}") from None


def zero_fraction(value, name=None):
    """The fraction of zeros in ``value``, a float32 scalar.

    Args:
        value: A tensor.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``zero_fraction``).

    Returns:
        A float32 jax scalar in ``[0, 1]``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.zero_fraction([0., 1., 0., 2.])
        Array(0.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.zero_fraction
    """
    op_name(name, "zero_fraction")
    v = convert(value, op="nn.zero_fraction", arg="value")
    zeros = jnp.sum(v == jnp.zeros((), v.dtype), dtype=jnp.int32).astype(jnp.float32)
    return zeros / jnp.float32(v.size)
