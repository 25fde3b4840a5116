"""TF1's reductions and scans (``tf.reduce_sum``, ``tf.reduce_mean(keep_dims=)``, ``tf.argmax``,
``tf.cumsum``, ``tf.count_nonzero``, ``tf.add_n``, ...).

TF1's rules: ``keepdims``/``keep_dims`` and ``axis``/``reduction_indices`` aliases, an axis out of
range is a ``ValueError`` when the program is traced (TF1: when it builds the graph), integer
``reduce_mean`` truncates, ``reduce_max`` of nothing is the dtype's lowest value, ``argmax`` skips
NaN. Axes must be known when the program is traced (they decide the output's shape). float16
reductions accumulate in float32 in XLA (TF1's CPU kernels in float16: a sum that overflows
float16 midway is inf in TF1, finite here).
"""

from __future__ import annotations

import builtins
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import alias, convert, op_name
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import (
    NUM,
    REAL,
    C,
    F,
    canonical,
    check_dtype,
    shape_str,
    static,
)

_REDUCTION_ARGS = """Args:
        input_tensor: The tensor to reduce, of {dtypes} (a jax array, or a value
            ``tf.convert_to_tensor`` takes).
        axis: The axes to reduce: ``None`` (all), an int or a list of ints in ``[-rank, rank)``,
            known when the program is traced.
        keepdims: Whether the reduced axes stay, with length 1 (``None``: False).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``{op_type}``).
        reduction_indices: TF1's old name of ``axis`` (give one of the two).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).

    Returns:
        A jax array of ``input_tensor``'s dtype, without the reduced axes (of length 1 with
        ``keepdims``).

    Raises:
        TypeError: ``input_tensor`` has a dtype the op does not take, or ``axis`` is not integer.
        ValueError: an axis is out of range or repeated, ``axis`` is traced, or both an argument and
            its old name are given.
"""


def _reduction_doc(dtypes: str, op_type: str):
    """Fills ``{reduction_args}`` in a ``reduce_*`` docstring with the Args, Returns and Raises
    the reductions share (``dtypes``: what ``input_tensor`` may be; ``op_type``: TF1's op name)."""

    def decorate(fn):
        if fn.__doc__:  # None under python -OO
            args = _REDUCTION_ARGS.format(dtypes=dtypes, op_type=op_type)
            fn.__doc__ = fn.__doc__.replace("{reduction_args}\n", args)
        return fn

    return decorate


def _axes(op: str, a, ndim: int) -> tuple[int, ...] | None:
    """TF1's reduction axes: ``None`` (all), an int or a list of ints, each in range, no
    duplicates."""
    if a is None:
        return None
    c = static(op, a, "axis")
    if c.size == 0:
        return ()
    if c.ndim > 1:
        raise OpArgumentError(op, f"axis must be at most rank 1, got shape {shape_str(c.shape)}.")
    if c.dtype.kind not in "iu":
        raise OpTypeError(op, f"axis must be int32 or int64, got {c.dtype.name} ({a!r}).")
    out = tuple(_axis(op, int(i), ndim) for i in c.ravel())
    if len(set(out)) != len(out):
        raise OpArgumentError(op, f"axis {c.tolist()} contains a dimension twice.")
    return out


def _reduction(op, op_type, name, x, axis, keepdims, reduction_indices, keep_dims, allowed):
    op_name(name, op_type)
    a = alias(op, axis, reduction_indices, "axis", "reduction_indices")
    if a is None and op_type != "ReduceLogSumExp":  # (which builds its ops in its own scope)
        op_name(None, "Const")  # TF1 builds the all-axes constant beside the op
    k = alias(op, keepdims, keep_dims, "keepdims", "keep_dims")
    v = convert(x, op=op, arg="input_tensor")
    check_dtype(op, v, allowed, "input_tensor")
    return v, _axes(op, a, v.ndim), builtins.bool(k)


def _count(shape, ax) -> int:
    return math.prod(shape if ax is None else [shape[i] for i in ax])


def _lowest(dtype, highest: builtins.bool = False):
    info = jnp.iinfo(dtype) if dtype.kind in "iu" else None
    if info is None:
        return jnp.asarray(jnp.inf if highest else -jnp.inf, dtype)
    return jnp.asarray(info.max if highest else info.min, dtype)


def extreme(v, ax, keepdims, highest: builtins.bool):
    """``jnp.max``/``jnp.min``; over no elements, the dtype's lowest/highest value as TF1."""
    fn = jnp.min if highest else jnp.max
    if _count(v.shape, ax) == 0:
        return fn(v, ax, keepdims=keepdims, initial=_lowest(v.dtype, highest))
    return fn(v, ax, keepdims=keepdims)


@_reduction_doc("a number dtype", "Sum")
def reduce_sum(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """The sum of ``input_tensor``'s elements over ``axis``.

    Differs from TF1: float16 sums accumulate in float32 (TF1's CPU kernel in float16: a sum
    that overflows float16 midway is inf in TF1, finite here).

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_sum([[1., 2.], [3., 4.]], axis=1)
        Array([3., 7.], dtype=float32)
        >>> tf.reduce_sum([[1, 2], [3, 4]], keep_dims=True)
        Array([[10]], dtype=int32)

    TF1 equivalent: tf.compat.v1.reduce_sum
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, NUM)
    v, ax, k = _reduction("reduce_sum", "Sum", name, *args)
    return jnp.sum(v, ax, keepdims=k, promote_integers=False)


@_reduction_doc("a number dtype", "Prod")
def reduce_prod(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """The product of ``input_tensor``'s elements over ``axis``.

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_prod([[1., 2.], [3., 4.]], axis=0)
        Array([3., 8.], dtype=float32)

    TF1 equivalent: tf.compat.v1.reduce_prod.
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, NUM)
    v, ax, k = _reduction("reduce_prod", "Prod", name, *args)
    return jnp.prod(v, ax, keepdims=k, promote_integers=False)


@_reduction_doc("a number dtype", "Mean")
def reduce_mean(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """The mean of ``input_tensor``'s elements over ``axis``; integers truncate.

    Differs from TF1: int32 sums in int64 only with jax_enable_x64 (TF1 always: a huge
    int32 sum wraps here); float16 sums accumulate in float32 (TF1's CPU kernel in float16).

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_mean([[1., 2.], [3., 4.]], axis=1)
        Array([1.5, 3.5], dtype=float32)
        >>> tf.reduce_mean([1, 2])
        Array(1, dtype=int32)

    TF1 equivalent: tf.compat.v1.reduce_mean (integers: the sum, in a wider integer as TF1,
    divided by the count and truncated toward zero).
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, NUM)
    v, ax, k = _reduction("reduce_mean", "Mean", name, *args)
    if v.dtype.kind in "iu":
        u = v.dtype.kind == "u"
        wide = canonical(np.uint64 if u else np.int64) if v.dtype.itemsize >= 4 else None
        wide = wide or np.dtype(np.uint32 if u else np.int32)
        total = jnp.sum(v, ax, keepdims=k, dtype=wide)
        count = jnp.asarray(max(_count(v.shape, ax), 1), wide)
        return lax.div(total, count).astype(v.dtype)
    return jnp.mean(v, ax, keepdims=k)


def reduce_max(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """The largest of ``input_tensor``'s elements over ``axis``.

    Args:
        input_tensor: The tensor to reduce, of a real number (float or integer) dtype (a jax array,
            or a value ``tf.convert_to_tensor`` takes).
        axis: The axes to reduce: ``None`` (all), an int or a list of ints in ``[-rank, rank)``,
            known when the program is traced.
        keepdims: Whether the reduced axes stay, with length 1 (``None``: False).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Max``).
        reduction_indices: TF1's old name of ``axis`` (give one of the two).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).

    Returns:
        A jax array of ``input_tensor``'s dtype, without the reduced axes (of length 1 with
        ``keepdims``).

    Raises:
        TypeError: ``input_tensor`` has a dtype the op does not take, or ``axis`` is not integer.
        ValueError: an axis is out of range or repeated, ``axis`` is traced, or both an argument and
            its old name are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_max([[1., 5.], [3., 4.]], axis=1)
        Array([5., 4.], dtype=float32)

    TF1 equivalent: tf.compat.v1.reduce_max (over no elements: -inf, or the integer
    minimum).
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, REAL)
    v, ax, k = _reduction("reduce_max", "Max", name, *args)
    return extreme(v, ax, k, highest=False)


def reduce_min(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """The smallest of ``input_tensor``'s elements over ``axis``.

    Args:
        input_tensor: The tensor to reduce, of a real number (float or integer) dtype (a jax array,
            or a value ``tf.convert_to_tensor`` takes).
        axis: The axes to reduce: ``None`` (all), an int or a list of ints in ``[-rank, rank)``,
            known when the program is traced.
        keepdims: Whether the reduced axes stay, with length 1 (``None``: False).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Min``).
        reduction_indices: TF1's old name of ``axis`` (give one of the two).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).

    Returns:
        A jax array of ``input_tensor``'s dtype, without the reduced axes (of length 1 with
        ``keepdims``).

    Raises:
        TypeError: ``input_tensor`` has a dtype the op does not take, or ``axis`` is not integer.
        ValueError: an axis is out of range or repeated, ``axis`` is traced, or both an argument and
            its old name are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_min([[1., 5.], [3., 4.]], axis=1)
        Array([1., 3.], dtype=float32)

    TF1 equivalent: tf.compat.v1.reduce_min (over no elements: inf, or the integer
    maximum).
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, REAL)
    v, ax, k = _reduction("reduce_min", "Min", name, *args)
    return extreme(v, ax, k, highest=True)


@_reduction_doc("the bool dtype", "All")
def reduce_all(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Whether all of ``input_tensor``'s elements over ``axis`` are True.

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_all([[True, False], [True, True]], axis=1)
        Array([False,  True], dtype=bool)

    TF1 equivalent: tf.compat.v1.reduce_all.
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, ("bool",))
    v, ax, k = _reduction("reduce_all", "All", name, *args)
    return jnp.all(v, ax, keepdims=k)


@_reduction_doc("the bool dtype", "Any")
def reduce_any(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Whether any of ``input_tensor``'s elements over ``axis`` is True.

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_any([[True, False], [False, False]], axis=1)
        Array([ True, False], dtype=bool)

    TF1 equivalent: tf.compat.v1.reduce_any.
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, ("bool",))
    v, ax, k = _reduction("reduce_any", "Any", name, *args)
    return jnp.any(v, ax, keepdims=k)


@_reduction_doc("a float dtype", "ReduceLogSumExp")
def reduce_logsumexp(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """``log(sum(exp(input_tensor)))`` over ``axis``, computed stably.

    {reduction_args}

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reduce_logsumexp([[0., 0.], [1000., 1000.]], axis=1)
        Array([6.9314718e-01, 1.0006932e+03], dtype=float32)

    TF1 equivalent: tf.compat.v1.reduce_logsumexp (TF1's formula: the finite max is
    subtracted, without gradient).
    """
    args = (input_tensor, axis, keepdims, reduction_indices, keep_dims, F)
    v, ax, k = _reduction("reduce_logsumexp", "ReduceLogSumExp", name, *args)
    raw = extreme(v, ax, True, highest=False)
    m = lax.stop_gradient(jnp.where(jnp.isfinite(raw), raw, jnp.zeros((), v.dtype)))
    out = jnp.log(jnp.sum(jnp.exp(v - m), ax, keepdims=k))
    return out + m.reshape(out.shape)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """The Euclidean norm ``sqrt(sum(|x| ** 2))`` of ``input_tensor`` over ``axis``.

    Args:
        input_tensor: The tensor to reduce, of a number dtype (a jax array, or a value
            ``tf.convert_to_tensor`` takes).
        axis: The axes to reduce: ``None`` (all), an int or a list of ints in ``[-rank, rank)``,
            known when the program is traced.
        keepdims: Whether the reduced axes stay, with length 1.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``EuclideanNorm``).

    Returns:
        A jax array of ``input_tensor``'s dtype, without the reduced axes (of length 1 with
        ``keepdims``).

    Raises:
        TypeError: ``input_tensor`` has a dtype the op does not take, or ``axis`` is not integer.
        ValueError: an axis is out of range or repeated, or ``axis`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.math.reduce_euclidean_norm([[3., 4.], [5., 12.]], axis=1)
        Array([ 5., 13.], dtype=float32)
        >>> tf.math.reduce_euclidean_norm([3, 4])
        Array(5, dtype=int32)

    TF1 equivalent: tf.compat.v1.math.reduce_euclidean_norm (integers: the square root
    truncated, computed in float32 unless jax_enable_x64).
    """
    args = (input_tensor, axis, keepdims, None, None, REAL + C)
    v, ax, k = _reduction("reduce_euclidean_norm", "EuclideanNorm", name, *args)
    if v.dtype.kind in "iu":
        total = jnp.sum(v * v, ax, keepdims=k, promote_integers=False)
        return jnp.sqrt(total.astype(canonical(np.float64))).astype(v.dtype)
    return jnp.sqrt(jnp.sum(v * jnp.conj(v), ax, keepdims=k))


def _arg(op, fn, nan_as, input, axis, dimension, output_type):
    a = alias(op, axis, dimension, "axis", "dimension")
    v = convert(input, op=op, arg="input")
    check_dtype(op, v, REAL + ("bool",), "input")
    out = dtypes.as_dtype(output_type)
    if out.name not in ("int16", "uint16", "int32", "int64"):
        raise OpTypeError(op, f"output_type must be int16, uint16, int32 or int64, got {out.name}.")
    ax = _axis(op, 0 if a is None else a, v.ndim)
    if v.shape[ax] == 0:
        raise OpArgumentError(
            op, f"reduction axis {ax} is empty in shape {shape_str(v.shape)} (no index to return)."
        )
    if jnp.issubdtype(v.dtype, jnp.floating):  # TF1's kernel compares with >, skipping NaN
        v = jnp.where(jnp.isnan(v), jnp.asarray(nan_as, v.dtype), v)
    return fn(v, ax).astype(canonical(out))


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """The index of the largest value along ``axis`` (the first one on ties; NaN is skipped).

    Differs from TF1: the default ``output_type`` int64 gives int32 unless jax_enable_x64.

    Args:
        input: A tensor of a real number or bool dtype.
        axis: The axis to search, an int in ``[-rank, rank)`` (``None``: 0).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ArgMax``).
        dimension: TF1's old name of ``axis`` (give one of the two).
        output_type: The dtype of the indices: int16, uint16, int32 or int64.

    Returns:
        A jax array of ``output_type``: ``input``'s shape without ``axis``.

    Raises:
        TypeError: ``input`` or ``output_type`` has a dtype the op does not take.
        ValueError: ``axis`` is out of range or has length 0, or both ``axis`` and ``dimension`` are
            given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.argmax([[1., 5., 2.], [7., 0., 7.]], axis=1)
        Array([1, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.argmax (axis 0 by default; NaN is skipped as TF1's kernel
    does).
    """
    op_name(name, "ArgMax")
    return _arg("argmax", jnp.argmax, -np.inf, input, axis, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """The index of the smallest value along ``axis`` (the first one on ties; NaN is skipped).

    Differs from TF1: the default ``output_type`` int64 gives int32 unless jax_enable_x64.

    Args:
        input: A tensor of a real number or bool dtype.
        axis: The axis to search, an int in ``[-rank, rank)`` (``None``: 0).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ArgMin``).
        dimension: TF1's old name of ``axis`` (give one of the two).
        output_type: The dtype of the indices: int16, uint16, int32 or int64.

    Returns:
        A jax array of ``output_type``: ``input``'s shape without ``axis``.

    Raises:
        TypeError: ``input`` or ``output_type`` has a dtype the op does not take.
        ValueError: ``axis`` is out of range or has length 0, or both ``axis`` and ``dimension`` are
            given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.argmin([[1., 5., 2.], [7., 0., 7.]], axis=1)
        Array([0, 1], dtype=int32)

    TF1 equivalent: tf.compat.v1.argmin (axis 0 by default; NaN is skipped as TF1's kernel
    does).
    """
    op_name(name, "ArgMin")
    return _arg("argmin", jnp.argmin, np.inf, input, axis, dimension, output_type)


def _scan(op, fn, identity, x, axis, exclusive, reverse):
    v = convert(x, op=op, arg="x")
    check_dtype(op, v, NUM)
    ax = _axis(op, axis, v.ndim)
    n = v.shape[ax]
    if exclusive and n:  # shift the input by one, the identity entering at the start
        keep = (
            lax.slice_in_dim(v, 1, n, axis=ax)
            if reverse
            else lax.slice_in_dim(v, 0, n - 1, axis=ax)
        )
        pad = [(0, 0)] * v.ndim
        pad[ax] = (0, 1) if reverse else (1, 0)
        v = jnp.pad(keep, pad, constant_values=identity)
    return fn(v, axis=ax, reverse=builtins.bool(reverse))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """The cumulative sum of ``x`` along ``axis``.

    Args:
        x: A tensor of a number dtype.
        axis: The axis to scan, an int in ``[-rank, rank)``.
        exclusive: Whether each output leaves out its own element (the first output is the sum's
            identity).
        reverse: Whether to scan from the end of the axis.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cumsum``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take.
        ValueError: ``axis`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.cumsum([1, 2, 3])
        Array([1, 3, 6], dtype=int32)
        >>> tf.cumsum([1, 2, 3], exclusive=True, reverse=True)
        Array([5, 3, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.cumsum.
    """
    op_name(name, "Cumsum")
    return _scan("cumsum", lax.cumsum, 0, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """The cumulative product of ``x`` along ``axis``.

    Args:
        x: A tensor of a number dtype.
        axis: The axis to scan, an int in ``[-rank, rank)``.
        exclusive: Whether each output leaves out its own element (the first output is the product's
            identity).
        reverse: Whether to scan from the end of the axis.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cumprod``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take.
        ValueError: ``axis`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.cumprod([1., 2., 3.])
        Array([1., 2., 6.], dtype=float32)
        >>> tf.cumprod([1., 2., 3.], exclusive=True)
        Array([1., 1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.cumprod.
    """
    op_name(name, "Cumprod")
    return _scan("cumprod", lax.cumprod, 1, x, axis, exclusive, reverse)


def count_nonzero(
    input_tensor=None,
    axis=None,
    keepdims=None,
    dtype=dtypes.int64,
    name=None,
    reduction_indices=None,
    keep_dims=None,
    input=None,  # noqa: A002 - TF1's argument name
):
    """The number of nonzero (or True) elements of ``input_tensor`` over ``axis``.

    Differs from TF1: the default ``dtype`` int64 gives int32 unless jax_enable_x64.

    Args:
        input_tensor: The tensor to count in, of any number or bool dtype.
        axis: The axes to reduce: ``None`` (all), an int or a list of ints in ``[-rank, rank)``,
            known when the program is traced.
        keepdims: Whether the reduced axes stay, with length 1 (``None``: False).
        dtype: The dtype of the counts.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``count_nonzero``).
        reduction_indices: TF1's old name of ``axis`` (give one of the two).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).
        input: TF1's other name of ``input_tensor`` (give one of the two).

    Returns:
        A jax array of ``dtype``, without the reduced axes (of length 1 with ``keepdims``).

    Raises:
        ValueError: an axis is out of range or repeated, or both an argument and its other name are
            given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.count_nonzero([[0., 1.], [2., 3.]], axis=1)
        Array([1, 2], dtype=int32)

    TF1 equivalent: tf.compat.v1.count_nonzero
    """
    op_name(name, "count_nonzero")
    x = alias("count_nonzero", input_tensor, input, "input_tensor", "input")
    a = alias("count_nonzero", axis, reduction_indices, "axis", "reduction_indices")
    k = alias("count_nonzero", keepdims, keep_dims, "keepdims", "keep_dims")
    v = convert(x, op="count_nonzero", arg="input_tensor")
    nonzero = v if v.dtype == np.bool_ else v != 0
    ax = _axes("count_nonzero", a, v.ndim)
    total = jnp.sum(nonzero.astype(canonical(np.int64)), ax, keepdims=builtins.bool(k))
    return total.astype(canonical(dtype))


def _inputs(op: str, inputs) -> list[jax.Array]:
    """``add_n``'s inputs: each converts on its own (TF1's convert_n); one dtype and shape."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise OpArgumentError(
            op, "inputs must be a list of at least one tensor with the same dtype and shape."
        )
    vals = [convert(v, op=op, arg=f"inputs[{i}]") for i, v in enumerate(inputs)]
    kinds = [v.dtype.name for v in vals]
    if len(set(kinds)) > 1:
        raise OpTypeError(
            op,
            f"inputs have dtypes [{', '.join(kinds)}] that do not all match.",
            "tf.cast the inputs to one dtype",
        )
    check_dtype(op, vals[0], NUM, "inputs")
    for i, v in enumerate(vals[1:], 1):
        if v.shape != vals[0].shape:
            raise OpArgumentError(
                op,
                f"inputs[{i}] has shape {shape_str(v.shape)} and inputs[0] "
                f"{shape_str(vals[0].shape)}: add_n does not broadcast.",
            )
    return vals


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors of one dtype and shape.

    Args:
        inputs: A non-empty list of tensors of one number dtype and one shape (each converts on its
            own).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``AddN``).

    Returns:
        A jax array of the inputs' shape and dtype.

    Raises:
        TypeError: the inputs' dtypes differ, or are not numbers.
        ValueError: ``inputs`` is empty or not a list, or the shapes differ (no broadcasting).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.add_n([[1., 2.], [3., 4.], [5., 6.]])
        Array([ 9., 12.], dtype=float32)

    TF1 equivalent: tf.compat.v1.add_n (no broadcasting; summed left to right).
    """
    op_name(name, "AddN")
    vals = _inputs("add_n", inputs)
    out = vals[0]
    for v in vals[1:]:
        out = out + v
    return out


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The elementwise sum of a list of tensors, as :func:`add_n`, checking ``shape`` and
    ``tensor_dtype``.

    Args:
        inputs: A non-empty list of tensors of one number dtype and one shape.
        shape: The expected shape of the inputs, or ``None``.
        tensor_dtype: The expected dtype of the inputs, or ``None``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``AddN``).

    Returns:
        A jax array of the inputs' shape and dtype.

    Raises:
        TypeError: the inputs' dtypes differ or are not ``tensor_dtype``.
        ValueError: ``inputs`` is empty, or a shape differs from another or from ``shape``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.accumulate_n([[1, 2], [3, 4]], shape=[2])
        Array([4, 6], dtype=int32)

    TF1 equivalent: tf.compat.v1.accumulate_n (= add_n, with its shape and dtype checks).
    """
    vals = _inputs("accumulate_n", inputs)
    if tensor_dtype is not None and canonical(tensor_dtype) != vals[0].dtype:
        raise OpTypeError(
            "accumulate_n",
            f"tensor_dtype is {dtypes.as_dtype(tensor_dtype).name}, but the inputs are "
            f"{vals[0].dtype.name}.",
        )
    if shape is not None and tuple(int(d) for d in shape) != vals[0].shape:
        raise OpArgumentError(
            "accumulate_n",
            f"shape {list(shape)} is not the inputs' shape {shape_str(vals[0].shape)}.",
        )
    return add_n(vals, name)
