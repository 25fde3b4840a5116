"""TF1's sorting ops: ``tf.sort``, ``tf.argsort``, ``tf.searchsorted``.

TF1 sorts with ``top_k``, which keeps equal values in index order in both directions: so does
this module (a stable sort), whatever ``stable=`` says.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.common import convert, op_name, same_dtype
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import REAL, canonical, check_dtype, concrete, shape_str

_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _sort_args(op: str, values, axis, direction):
    if direction not in _DIRECTIONS:
        raise OpArgumentError(
            op,
            f"Argument `direction` should be one of {', '.join(_DIRECTIONS)}. Received: "
            f"direction={direction}.",
        )
    a = concrete(axis)
    if a is None or a.ndim != 0:
        raise OpArgumentError(op, f"Argument `axis` must be a constant scalar, got {axis!r}.")
    v = convert(values, op=op, arg="values")
    check_dtype(op, v, REAL, "values")
    if v.ndim == 0:
        raise OpArgumentError(op, "values must have rank >= 1, got a scalar.")
    return v, _axis(op, int(a), v.ndim)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """``values`` sorted along ``axis`` (``direction`` ``"ASCENDING"`` or ``"DESCENDING"``).

    Args:
        values: A tensor of a real number dtype (float or integer), rank at least 1.
        axis: The axis to sort along: a Python int (or a concrete scalar) in ``[-rank, rank)``.
        direction: ``"ASCENDING"`` or ``"DESCENDING"``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``sort``).

    Returns:
        A jax array of ``values``' shape and dtype.

    Raises:
        TypeError: ``values`` has a dtype the op does not take.
        ValueError: ``direction`` is unknown, ``axis`` is not a constant scalar or out of range, or
            ``values`` is a scalar.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sort([3, 1, 2])
        Array([1, 2, 3], dtype=int32)
        >>> tf.sort([[3., 1.], [2., 4.]], axis=0, direction="DESCENDING")
        Array([[3., 4.],
               [2., 1.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.sort
    """
    op_name(name, "sort")
    v, ax = _sort_args("sort", values, axis, direction)
    return jnp.sort(v, axis=ax, stable=True, descending=direction == "DESCENDING")


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort ``values`` along ``axis``; equal values keep their index order
    (TF1's ``top_k`` does so too, whatever ``stable`` says).

    Args:
        values: A tensor of a real number dtype (float or integer), rank at least 1.
        axis: The axis to sort along: a Python int (or a concrete scalar) in ``[-rank, rank)``.
        direction: ``"ASCENDING"`` or ``"DESCENDING"``.
        stable: Accepted for TF1's signature; the sort is always stable.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``argsort``).

    Returns:
        An int32 jax array of ``values``' shape.

    Raises:
        TypeError: ``values`` has a dtype the op does not take.
        ValueError: ``direction`` is unknown, ``axis`` is not a constant scalar or out of range, or
            ``values`` is a scalar.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.argsort([3., 1., 2.])
        Array([1, 2, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.argsort
    """
    op_name(name, "argsort")
    del stable
    v, ax = _sort_args("argsort", values, axis, direction)
    idx = jnp.argsort(v, axis=ax, stable=True, descending=direction == "DESCENDING")
    return idx.astype(jnp.int32)


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """For each of ``values``, the index in the innermost dimension of ``sorted_sequence`` where it
    would be inserted to keep it sorted (``side="left"``: before equal values, ``"right"``: after);
    the leading dimensions of both are matched row by row.

    Args:
        sorted_sequence: A tensor of a real number dtype, sorted along its last dimension.
        values: A tensor of ``sorted_sequence``'s dtype, with as many rows (leading elements) as it.
        side: ``"left"`` or ``"right"``.
        out_type: The dtype of the indices: int32 or int64 (int64 is int32 unless jax_enable_x64).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``LowerBound``).

    Returns:
        A jax array of ``values``' shape and ``out_type``.

    Raises:
        TypeError: the dtypes differ or are not taken, or ``out_type`` is not int32/int64.
        ValueError: ``side`` is unknown, an argument is a scalar, the row counts differ, or the
            dtype is bool/complex (TF1 has no kernel).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.searchsorted([1., 2., 2., 5.], [2., 3.])
        Array([1, 3], dtype=int32)
        >>> tf.searchsorted([1., 2., 2., 5.], [2., 3.], side="right")
        Array([3, 3], dtype=int32)

    TF1 equivalent: tf.compat.v1.searchsorted
    """
    op_name(name, "LowerBound" if side == "left" else "UpperBound")
    op = "searchsorted"
    if side not in ("left", "right"):
        raise OpArgumentError(
            op, f"Argument `side` must be either 'right' or 'left'. Received: `side` = '{side}'."
        )
    s, v = same_dtype(op, sorted_sequence=sorted_sequence, values=values)
    bad = ("bool", "complex64", "complex128")  # TF1 builds them, has no kernel
    check_dtype(op, s, REAL + bad, "sorted_sequence", no_kernel=bad)
    it = canonical(out_type)
    if it.name not in ("int32", "int64"):
        raise OpTypeError(op, f"out_type must be int32 or int64, got {it.name}.")
    if s.ndim == 0 or v.ndim == 0:
        raise OpArgumentError(op, "sorted_sequence and values must have rank >= 1.")
    rows, vrows = math.prod(s.shape[:-1]), math.prod(v.shape[:-1])
    if rows != vrows:
        raise OpArgumentError(
            op,
            f"the leading dimensions of sorted_sequence {shape_str(s.shape)} and values "
            f"{shape_str(v.shape)} must hold the same number of rows.",
        )
    if s.shape[-1] == 0:
        return jnp.zeros(v.shape, it)
    s2, v2 = s.reshape(rows, s.shape[-1]), v.reshape(rows, v.shape[-1])
    out = jax.vmap(lambda a, b: jnp.searchsorted(a, b, side=side))(s2, v2)
    return out.astype(it).reshape(v.shape)
