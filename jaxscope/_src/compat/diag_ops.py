"""TF1's diagonal and band ops: ``tf.eye``, ``tf.diag`` / ``tf.diag_part``, ``tf.matrix_diag``
/ ``matrix_diag_part`` / ``matrix_set_diag`` (with ``k`` and ``align``), ``tf.trace`` and
``tf.matrix_band_part``. Matrices are the two innermost dimensions; the others are batch
dimensions.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, op_name, same_dtype, static_ints
from jaxscope._src.compat.errors import OpArgumentError
from jaxscope._src.compat.math_ops import NUM, C, F, canonical, check_dtype, shape_str

_DIAG = F + ("int32", "int64") + C  # TF1's Diag / DiagPart


def _padding(v, padding_value):
    """A Python padding value converts to the tensor's dtype (0 -> False for bool, as TF1)."""
    if v.dtype == np.bool_ and isinstance(padding_value, (int, float)):
        padding_value = bool(padding_value)
    return padding_value


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix ``[num_rows, num_columns]`` (square by default), with leading
    ``batch_shape`` dimensions.

    Differs from TF1: the sizes must be known when the program is traced.

    Args:
        num_rows: The number of rows, an int known when the program is traced.
        num_columns: The number of columns (``None``: ``num_rows``).
        batch_shape: Leading dimensions, a list of ints, or ``None``.
        dtype: The dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``eye``).

    Returns:
        A jax array of shape ``batch_shape + [num_rows, num_columns]``.

    Raises:
        ValueError: a size is negative, not a scalar, or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.eye(2, 3)
        Array([[1., 0., 0.],
               [0., 1., 0.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.eye
    """
    op_name(name, "eye")
    n = static_ints("eye", num_rows, "num_rows")
    m = n if num_columns is None else static_ints("eye", num_columns, "num_columns")
    b = [] if batch_shape is None else static_ints("eye", batch_shape, "batch_shape")
    if len(n) != 1 or len(m) != 1 or n[0] < 0 or m[0] < 0 or any(d < 0 for d in b):
        raise OpArgumentError(
            "eye", f"num_rows and num_columns must be non-negative scalars, got {n} and {m}."
        )
    e = jnp.eye(n[0], m[0], dtype=canonical(dtype))
    return jnp.broadcast_to(e, tuple(b) + e.shape)


def _matrix(op: str, x, arg: str = "input", allowed=NUM + ("bool",), no_kernel=()):
    v = convert(x, op=op, arg=arg)
    check_dtype(op, v, allowed, arg, no_kernel=no_kernel)
    if v.ndim < 2:
        raise OpArgumentError(
            op, f"{arg} must be a (batch) matrix of rank >= 2, got shape {shape_str(v.shape)}."
        )
    return v


def diag(diagonal, name=None):
    """A tensor of rank ``2k`` with ``diagonal`` (rank ``k`` >= 1) on its diagonal:
    ``out[i1..ik, i1..ik] = diagonal[i1..ik]``, zero elsewhere.

    Args:
        diagonal: A tensor of rank >= 1 (a number dtype).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Diag``).

    Returns:
        A jax array of ``diagonal``'s dtype and shape ``diagonal.shape + diagonal.shape``.

    Raises:
        TypeError: ``diagonal`` has a dtype the op does not take.
        ValueError: ``diagonal`` is a scalar, or bfloat16 (TF1 has no kernel).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.diag([1, 2])
        Array([[1, 0],
               [0, 2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.diag
    """
    op_name(name, "Diag")
    v = convert(diagonal, op="diag", arg="diagonal")
    check_dtype("diag", v, _DIAG, "diagonal", no_kernel=("bfloat16",))
    if v.ndim < 1:
        raise OpArgumentError("diag", "diagonal must have rank >= 1, got a scalar.")
    n = v.size
    flat = jnp.zeros((n, n), v.dtype).at[jnp.arange(n), jnp.arange(n)].set(v.ravel())
    return flat.reshape(v.shape + v.shape)


def diag_part(input, name=None):  # noqa: A002 - TF1's argument name
    """The diagonal of a tensor of rank ``2k`` whose shape is ``s + s``:
    ``out[i1..ik] = input[i1..ik, i1..ik]``.

    Args:
        input: A tensor of even rank and shape ``s + s``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``DiagPart``).

    Returns:
        A jax array of ``input``'s dtype and shape ``s``.

    Raises:
        TypeError: ``input`` has a dtype the op does not take.
        ValueError: the shape is not ``s + s``, or ``input`` is bfloat16 (TF1 has no kernel).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.diag_part([[1, 2], [3, 4]])
        Array([1, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.diag_part
    """
    op_name(name, "DiagPart")
    v = convert(input, op="diag_part", arg="input")
    check_dtype("diag_part", v, _DIAG, "input", no_kernel=("bfloat16",))
    k = v.ndim // 2
    if v.ndim == 0 or v.ndim % 2 or v.shape[:k] != v.shape[k:]:
        raise OpArgumentError(
            "diag_part",
            f"input must have an even rank and shape s + s, got {shape_str(v.shape)}.",
        )
    n = math.prod(v.shape[:k])
    flat = v.reshape(n, n)
    return flat[jnp.arange(n), jnp.arange(n)].reshape(v.shape[:k])


def _k(op: str, k) -> tuple[int, int]:
    ks = static_ints(op, k, "k")
    if len(ks) not in (1, 2) or ks[0] > ks[-1]:
        raise OpArgumentError(
            op, f"k must be an int or a pair (low, high) with low <= high, got {ks}."
        )
    return ks[0], ks[-1]


def _align(op: str, align: str) -> tuple[bool, bool]:
    """(superdiagonals left-aligned, subdiagonals left-aligned)."""
    ok = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")
    if align not in ok:
        raise OpArgumentError(op, f"align must be one of {list(ok)}, got {align!r}.")
    sup, sub = align.split("_")
    return sup == "LEFT", sub == "LEFT"


def _diag_len(m: int, n: int, d: int) -> int:
    return min(m + min(d, 0), n - max(d, 0))


def _band_maps(m: int, n: int, lo: int, hi: int, max_len: int, align: tuple[bool, bool]):
    """For each ``[m, n]`` position: the row of its diagonal in the stacked diagonals (``hi - d``),
    its position in that row, and whether it lies in the band ``lo <= d <= hi``."""
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    d = j - i
    valid = (d >= lo) & (d <= hi)
    lens = np.minimum(m + np.minimum(d, 0), n - np.maximum(d, 0))
    left = np.where(d >= 0, align[0], False) | np.where(d <= 0, align[1], False)
    offset = np.where(left, 0, max_len - lens)
    pos = i - np.maximum(-d, 0) + offset
    row = np.where(valid, hi - d, 0)
    return row, np.where(valid, pos, 0), valid


def matrix_diag(
    diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"
):
    """A batch of matrices with ``diagonal`` on diagonal ``k`` (or on diagonals ``k[0]..k[1]``, the
    diagonals stacked from ``k[1]`` down, each aligned by ``align``), ``padding_value`` elsewhere.
    The matrix size is inferred (square) unless ``num_rows`` / ``num_cols`` say.

    Differs from TF1: ``k``, ``num_rows`` and ``num_cols`` must be known when the program is
    traced.

    Args:
        diagonal: The diagonal(s): ``[..., max_diag_len]``, or ``[..., num_diags, max_diag_len]``
            for a range ``k``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatrixDiagV3``).
        k: The diagonal's offset (0: main, > 0: above, < 0: below), or a pair ``(low, high)``; known
            when the program is traced.
        num_rows: The matrices' rows (-1: inferred).
        num_cols: The matrices' columns (-1: inferred).
        padding_value: The value outside the diagonals, a scalar of ``diagonal``'s dtype.
        align: How shorter diagonals are aligned: ``"RIGHT_LEFT"``, ``"LEFT_RIGHT"``,
            ``"LEFT_LEFT"`` or ``"RIGHT_RIGHT"``.

    Returns:
        A jax array ``[..., num_rows, num_cols]`` of ``diagonal``'s dtype.

    Raises:
        TypeError: ``padding_value``'s dtype differs from ``diagonal``'s.
        ValueError: the shapes, ``k``, ``align`` or the sizes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_diag([1, 2])
        Array([[1, 0],
               [0, 2]], dtype=int32)
        >>> tf.matrix_diag([1, 2], k=1)
        Array([[0, 1, 0],
               [0, 0, 2],
               [0, 0, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.matrix_diag
    """
    op_name(name, "MatrixDiagV3")
    op = "matrix_diag"
    lo, hi = _k(op, k)
    al = _align(op, align)
    dv = convert(diagonal, op=op, arg="diagonal")
    dv, pad = same_dtype(op, diagonal=dv, padding_value=_padding(dv, padding_value))
    if pad.ndim:
        raise OpArgumentError(op, "padding_value must be a scalar.")
    if lo != hi:
        nd = hi - lo + 1
        if dv.ndim < 2 or dv.shape[-2] != nd:
            raise OpArgumentError(
                op,
                f"diagonal {shape_str(dv.shape)} must have shape [..., {nd}, max_diag_len] for "
                f"k=({lo}, {hi}).",
            )
    elif dv.ndim < 1:
        raise OpArgumentError(op, "diagonal must have rank >= 1, got a scalar.")
    else:
        dv = dv[..., None, :]
    max_len = dv.shape[-1]
    rows, cols = static_ints(op, num_rows, "num_rows")[0], static_ints(op, num_cols, "num_cols")[0]
    min_rows, min_cols = max_len - min(hi, 0), max_len + max(lo, 0)
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows < min_rows or cols < min_cols or (rows != min_rows and cols != min_cols):
        raise OpArgumentError(
            op,
            f"num_rows={rows} and num_cols={cols} are not consistent with k=({lo}, {hi}) and "
            f"diagonals of length {max_len}.",
        )
    row, pos, valid = _band_maps(rows, cols, lo, hi, max_len, al)
    vals = dv[..., row, pos]
    return jnp.where(valid, vals, pad)


def _diag_shape(op: str, v, lo: int, hi: int) -> int:
    """The length of the longest diagonal in ``lo..hi``; TF1's bounds on ``k``."""
    m, n = v.shape[-2:]
    if m and n and not (lo == hi == 0) and (lo <= -m or hi >= n):
        raise OpArgumentError(
            op,
            f"k=({lo}, {hi}) is out of bounds for matrices {shape_str(v.shape[-2:])}: it must "
            f"be in ({-m}, {n}).",
        )
    return max(min(m + min(hi, 0), n - max(lo, 0)), 0)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """Diagonal ``k`` (or diagonals ``k[0]..k[1]``, stacked from ``k[1]`` down, shorter ones padded
    with ``padding_value`` as ``align`` says) of a batch of matrices.

    Differs from TF1: ``k`` must be known when the program is traced.

    Args:
        input: A tensor ``[..., M, N]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``MatrixDiagPartV3``).
        k: The diagonal's offset, or a pair ``(low, high)``; known when the program is traced.
        padding_value: The value padding shorter diagonals, of ``input``'s dtype.
        align: How shorter diagonals are aligned: ``"RIGHT_LEFT"``, ``"LEFT_RIGHT"``,
            ``"LEFT_LEFT"`` or ``"RIGHT_RIGHT"``.

    Returns:
        A jax array ``[..., max_diag_len]`` (or ``[..., num_diags, max_diag_len]``) of ``input``'s
        dtype.

    Raises:
        ValueError: ``input``'s rank is below 2, or ``k`` or ``align`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_diag_part([[1, 2], [3, 4]])
        Array([1, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.matrix_diag_part
    """
    op_name(name, "MatrixDiagPartV3")
    op = "matrix_diag_part"
    lo, hi = _k(op, k)
    al = _align(op, align)
    v = _matrix(op, input)
    v, pad = same_dtype(op, input=v, padding_value=_padding(v, padding_value))
    m, n = v.shape[-2:]
    max_len = _diag_shape(op, v, lo, hi)
    ds = np.arange(hi, lo - 1, -1)[:, None]
    lens = np.minimum(m + np.minimum(ds, 0), n - np.maximum(ds, 0))
    left = np.where(ds >= 0, al[0], False) | np.where(ds <= 0, al[1], False)
    j = np.arange(max_len)[None, :] - np.where(left, 0, max_len - lens)
    valid = (j >= 0) & (j < lens)
    r = j + np.maximum(-ds, 0)
    c = r + ds
    out = v[..., np.where(valid, r, 0), np.where(valid, c, 0)] if max_len else v[..., :0, :0]
    out = jnp.where(valid, out, pad) if max_len else jnp.zeros(v.shape[:-2] + (len(ds), 0), v.dtype)
    return out[..., 0, :] if lo == hi else out


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """``input`` with diagonal ``k`` (or diagonals ``k[0]..k[1]``) replaced by ``diagonal`` (shaped
    as :func:`matrix_diag_part` returns them).

    Differs from TF1: ``k`` must be known when the program is traced.

    Args:
        input: A tensor ``[..., M, N]``.
        diagonal: The new diagonal(s), shaped as :func:`matrix_diag_part` returns them, of
            ``input``'s dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatrixSetDiagV3``).
        k: The diagonal's offset, or a pair ``(low, high)``; known when the program is traced.
        align: How shorter diagonals are aligned: ``"RIGHT_LEFT"``, ``"LEFT_RIGHT"``,
            ``"LEFT_LEFT"`` or ``"RIGHT_RIGHT"``.

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ.
        ValueError: the shapes, ``k`` or ``align`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_set_diag([[1, 2], [3, 4]], [9, 9])
        Array([[9, 2],
               [3, 9]], dtype=int32)

    TF1 equivalent: tf.compat.v1.matrix_set_diag
    """
    op_name(name, "MatrixSetDiagV3")
    op = "matrix_set_diag"
    lo, hi = _k(op, k)
    al = _align(op, align)
    v = _matrix(op, input)
    v, dv = same_dtype(op, input=v, diagonal=diagonal)
    m, n = v.shape[-2:]
    max_len = _diag_shape(op, v, lo, hi)
    want = v.shape[:-2] + ((max_len,) if lo == hi else (hi - lo + 1, max_len))
    if dv.shape != want:
        raise OpArgumentError(
            op,
            f"diagonal {shape_str(dv.shape)} must have shape {shape_str(want)} for input "
            f"{shape_str(v.shape)} and k=({lo}, {hi}).",
        )
    if lo == hi:
        dv = dv[..., None, :]
    row, pos, valid = _band_maps(m, n, lo, hi, max_len, al)
    if not max_len:
        return v
    return jnp.where(valid, dv[..., row, pos], v)


def trace(x, name=None):
    """The sum of the main diagonal of each matrix of ``x`` (``[..., M, N]`` -> ``[...]``).

    Args:
        x: A tensor ``[..., M, N]`` of a number dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Trace``).

    Returns:
        A jax array ``[...]`` of ``x``'s dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take.
        ValueError: ``x``'s rank is below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.trace([[1, 2], [3, 4]])
        Array(5, dtype=int32)

    TF1 equivalent: tf.compat.v1.trace
    """
    op_name(name, "Trace")
    v = _matrix("trace", x, "x", NUM)
    return jnp.trace(v, axis1=-2, axis2=-1).astype(v.dtype)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Each matrix of ``input`` with everything outside its band zeroed: ``num_lower`` subdiagonals
    and ``num_upper`` superdiagonals are kept (-1: all of them).

    Differs from TF1: a band wider than the matrix is TF1's run-time InvalidArgumentError; here
    it keeps the whole matrix.

    Args:
        input: A tensor ``[..., M, N]``.
        num_lower: How many subdiagonals to keep: an int32/int64 scalar (negative: all).
        num_upper: How many superdiagonals to keep: an int32/int64 scalar (negative: all).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatrixBandPart``).

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        TypeError: ``num_lower``/``num_upper`` is not an integer.
        ValueError: ``input``'s rank is below 2, or a bound is not a scalar.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_band_part([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 0, 1)
        Array([[1, 2, 0],
               [0, 5, 6],
               [0, 0, 9]], dtype=int32)

    TF1 equivalent: tf.compat.v1.matrix_band_part
    """
    op_name(name, "MatrixBandPart")
    op = "matrix_band_part"
    v = _matrix(op, input)
    lo = convert(num_lower, op=op, arg="num_lower")
    hi = convert(num_upper, op=op, arg="num_upper")
    for a, arg in ((lo, "num_lower"), (hi, "num_upper")):
        check_dtype(op, a, ("int32", "int64"), arg)
        if a.ndim:
            raise OpArgumentError(op, f"{arg} must be a scalar, got shape {shape_str(a.shape)}.")
    i = jnp.arange(v.shape[-2])[:, None]
    j = jnp.arange(v.shape[-1])[None, :]
    keep = ((lo < 0) | (i - j <= lo)) & ((hi < 0) | (j - i <= hi))
    return jnp.where(keep, v, jnp.zeros((), v.dtype))
