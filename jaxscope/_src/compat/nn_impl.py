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
    cast back, as TF1 does; integer means truncate, as TF1's ``reduce_mean``. ``shift`` is
    unused, as in TF1.

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

    TF1 equivalent: tf.compat.v1.nn.zero_fraction
    """
    op_name(name, "zero_fraction")
    v = convert(value, op="nn.zero_fraction", arg="value")
    zeros = jnp.sum(v == jnp.zeros((), v.dtype), dtype=jnp.int32).astype(jnp.float32)
    return zeros / jnp.float32(v.size)
