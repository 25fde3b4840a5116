"""TF1's slicing and scattering ops: ``tf.strided_slice`` (TF1's full mask semantics),
``tf.reverse_sequence``, ``tf.scatter_nd`` and ``tf.tensor_scatter_nd_*``.

Slice bounds are static (jax shapes are): ``begin``/``end``/``strides`` of ``strided_slice`` must
be known when the program is traced. Index tensors of the scatter ops may be traced.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import alias, convert, op_name, same_dtype, static_ints
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import check_dtype, shape_str
from jaxscope._src.nn.embedding import check_ids

_INDEX = ("int16", "int32", "int64")


def _index_ints(op: str, v, arg: str) -> list[int]:
    """A static 1-D index argument of int16/int32/int64 (TF1's ``Index`` attribute)."""
    a = np.asarray(v) if not isinstance(v, jax.Array) else v
    kind = a.dtype.kind if hasattr(a, "dtype") else "i"
    if kind not in "iu":
        raise OpTypeError(
            op,
            f"Value passed to parameter {arg!r} has DataType {a.dtype.name} not in list of "
            f"allowed values: {', '.join(_INDEX)}.",
            f"pass {arg} as ints",
        )
    if np.ndim(a) != 1:
        raise OpArgumentError(op, f"{arg} must be a vector, got shape {shape_str(np.shape(a))}.")
    return static_ints(op, a, arg)


def _dense_spec(begin, end, strides, ndim, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
                shrink_axis_mask):  # fmt: skip
    """TF1's sparse -> dense slice spec: one ``(begin, end, stride, begin_masked, end_masked,
    shrink)`` per input dimension, and the final shape as a list of dense indices, ``"new"``
    (a new axis of size 1) and no entry for a shrunk one."""
    op = "strided_slice"
    n = len(begin)
    if ellipsis_mask & (ellipsis_mask - 1):
        raise OpArgumentError(op, "Multiple ellipses in slice spec not allowed.")
    after = 0
    seen = False
    for i in range(n):
        if seen and (new_axis_mask >> i) & 1:
            after += 1
        if (ellipsis_mask >> i) & 1:
            seen = True
    if not seen:  # an implicit ellipsis at the end
        ellipsis_mask |= 1 << n
        n += 1
    dense = [(0, 0, 1, True, True, False)] * ndim
    final: list[int | str] = []
    full = 0
    for i in range(n):
        if (ellipsis_mask >> i) & 1:
            nxt = min(ndim - (n - i) + 1 + after, ndim)
            while full < nxt:
                dense[full] = (0, 0, 1, True, True, False)
                final.append(full)
                full += 1
        elif (new_axis_mask >> i) & 1:
            final.append("new")
        else:
            if full == ndim:
                raise OpArgumentError(
                    op, f"Index out of range using input dim {full}; input has only {ndim} dims."
                )
            shrink = bool((shrink_axis_mask >> i) & 1)
            dense[full] = (
                begin[i],
                end[i],
                strides[i],
                bool((begin_mask >> i) & 1),
                bool((end_mask >> i) & 1),
                shrink,
            )
            if not shrink:
                final.append(full)
            full += 1
    return dense, final


def _canonical(x: int, masked: bool, c: int, stride: int, dim: int) -> int:
    """TF1's bound of one dimension: a masked bound is the widest range, an index counts from
    the end when negative and is clamped to the valid range of the stride's direction."""
    lo, hi = (0, dim) if stride > 0 else (-1, dim - 1)
    if masked:
        return (lo, hi)[c] if stride > 0 else (lo, hi)[1 - c]
    x = x + dim if x < 0 else x
    return min(max(x, lo), hi)


def strided_slice(
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
):
    """A strided slice of ``input_`` with TF1's mask semantics: bit ``i`` of ``begin_mask`` /
    ``end_mask`` ignores ``begin[i]`` / ``end[i]`` (the widest range), of ``ellipsis_mask`` makes
    entry ``i`` an ellipsis (at most one), of ``new_axis_mask`` inserts a dimension of size 1, of
    ``shrink_axis_mask`` takes the single index ``begin[i]`` and drops the dimension. Negative
    indices count from the end; out-of-range bounds are clamped, an out-of-range shrink index is
    TF1's ``ValueError``, as are a zero stride and a negative stride on a shrunk dimension.

    Differs from TF1: ``begin``, ``end`` and ``strides`` must be known when the program is traced
    (jax shapes are static); ``var`` (TF1's sliced-assignment hook) is accepted and ignored.

    Args:
        input_: The tensor to slice.
        begin: The start of each slice entry: a 1-D int list, known when the program is traced.
        end: The end (excluded) of each entry, as ``begin``.
        strides: The step of each entry, non-zero (``None``: all 1).
        begin_mask: Bit ``i`` set: ignore ``begin[i]``.
        end_mask: Bit ``i`` set: ignore ``end[i]``.
        ellipsis_mask: Bit ``i`` set: entry ``i`` is ``...``.
        new_axis_mask: Bit ``i`` set: entry ``i`` inserts a dimension of size 1.
        shrink_axis_mask: Bit ``i`` set: entry ``i`` takes the index ``begin[i]`` and drops the
            dimension.
        var: Accepted and ignored (TF1's sliced-assignment hook).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``StridedSlice``).

    Returns:
        A jax array of ``input_``'s dtype: what ``input_[...]`` gives with the same spec in numpy.

    Raises:
        TypeError: ``begin``/``end``/``strides`` are not integers.
        ValueError: the spec is malformed (lengths differ, several ellipses, a zero stride, a shrink
            index out of range), or not known when traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> x = tf.reshape(tf.range(12), [3, 4])
        >>> tf.strided_slice(x, [0, 1], [3, 4], [2, 2])
        Array([[ 1,  3],
               [ 9, 11]], dtype=int32)
        >>> tf.strided_slice(x, [1, 0], [2, 0], end_mask=2, shrink_axis_mask=1)
        Array([4, 5, 6, 7], dtype=int32)

    TF1 equivalent: tf.compat.v1.strided_slice
    """
    op_name(name, "StridedSlice")
    del var
    op = "strided_slice"
    v = convert(input_, op=op, arg="input_")
    b = _index_ints(op, begin, "begin")
    e = _index_ints(op, end, "end")
    s = [1] * len(b) if strides is None else _index_ints(op, strides, "strides")
    if not len(b) == len(e) == len(s):
        raise OpArgumentError(
            op,
            f"begin ({len(b)}), end ({len(e)}) and strides ({len(s)}) must have the same length.",
        )
    dense, final = _dense_spec(
        b, e, s, v.ndim, begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask
    )
    sizes, starts, limits, steps, flip = [], [], [], [], []
    for i, (bi, ei, si, bm, em, shrink) in enumerate(dense):
        dim = v.shape[i]
        if si == 0:
            raise OpArgumentError(op, f"strides[{i}] must be non-zero.")
        if shrink:
            if si <= 0:
                raise OpArgumentError(op, "only stride 1 allowed on non-range indexing.")
            start = bi + dim if bi < 0 else bi
            if not 0 <= start < dim:
                raise OpArgumentError(op, f"slice index {bi} of dimension {i} out of bounds.")
            stop = start + 1
        else:
            start, stop = _canonical(bi, bm, 0, si, dim), _canonical(ei, em, 1, si, dim)
        length = stop - start
        size = 0 if length == 0 or (length < 0) != (si < 0) else -(-abs(length) // abs(si))
        sizes.append(size)
        # one forward slice, then the negative-stride dimensions reversed (as jnp indexing)
        first = 0 if not size else start if si > 0 else start + (size - 1) * si
        starts.append(first)
        limits.append(first + (size - 1) * abs(si) + 1 if size else first)
        steps.append(abs(si))
        if si < 0 and size > 1:
            flip.append(i)
    out = v
    if starts != [0] * v.ndim or limits != list(v.shape) or steps != [1] * v.ndim:
        out = lax.slice(v, starts, limits, steps)
    if flip:
        out = lax.rev(out, flip)
    shape = [1 if f == "new" else sizes[f] for f in final]
    return jnp.reshape(out, shape) if tuple(shape) != out.shape else out


def reverse_sequence(
    input,  # noqa: A002 - TF1's argument name
    seq_lengths,
    seq_axis=None,
    batch_axis=None,
    name=None,
    seq_dim=None,
    batch_dim=None,
):
    """Reverses the first ``seq_lengths[b]`` elements along ``seq_axis`` of each slice ``b`` of
    ``batch_axis``; the rest stays in place.

    Differs from TF1: a length above the sequence dimension is TF1's run-time
    InvalidArgumentError; here it is a ``ValueError`` when the lengths are concrete, and clamped to
    the dimension when they are traced (under ``jax.jit``), where they cannot be checked.

    Args:
        input: The tensor, with a batch axis and a sequence axis.
        seq_lengths: A 1-D int32/int64 tensor of ``input.shape[batch_axis]`` lengths, each at most
            ``input.shape[seq_axis]``.
        seq_axis: The axis reversed (required).
        batch_axis: The axis of the batch (``None``: 0).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ReverseSequence``).
        seq_dim: TF1's old name of ``seq_axis`` (give one of the two).
        batch_dim: TF1's old name of ``batch_axis`` (give one of the two).

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        ValueError: ``seq_axis`` is missing, the axes are equal or out of range, ``seq_lengths`` has
            the wrong shape, or a concrete length is too large.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1)
        Array([[2, 1, 3],
               [6, 5, 4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.reverse_sequence
    """
    op_name(name, "ReverseSequence")
    op = "reverse_sequence"
    sa = alias(op, seq_axis, seq_dim, "seq_axis", "seq_dim")
    ba = alias(op, batch_axis, batch_dim, "batch_axis", "batch_dim")
    ba = 0 if ba is None else ba
    if sa is None:
        raise OpArgumentError(op, "needs seq_axis: tf.reverse_sequence(x, lengths, seq_axis=1).")
    v = convert(input, op=op, arg="input")
    lens = convert(seq_lengths, op=op, arg="seq_lengths")
    check_dtype(op, lens, ("int32", "int64"), "seq_lengths")
    for a, arg in ((sa, "seq_axis"), (ba, "batch_axis")):
        if isinstance(a, int) and a < 0:
            raise OpArgumentError(
                op, f"{arg} must be >= 0, got {a} (TF1 counts no axis from the end)."
            )
    sa, ba = _axis(op, sa, v.ndim, "seq_axis"), _axis(op, ba, v.ndim, "batch_axis")
    if sa == ba:
        raise OpArgumentError(op, f"seq_axis and batch_axis must differ, both are {sa}.")
    if lens.ndim != 1 or lens.shape[0] != v.shape[ba]:
        raise OpArgumentError(
            op,
            f"seq_lengths {shape_str(lens.shape)} must be a vector of the size of dimension "
            f"{ba} (batch_axis) of input {shape_str(v.shape)}.",
        )
    n = v.shape[sa]
    if not isinstance(lens, jax.core.Tracer) and lens.size:
        bad = np.asarray(lens)
        if bad.max() > n or bad.min() < 0:
            raise OpArgumentError(
                op,
                f"seq_lengths must be in [0, {n}] (dimension {sa} of input), got {bad.tolist()}.",
            )
    t = jnp.arange(n)
    ln = jnp.clip(lens, 0, n).astype(jnp.int32)[:, None]
    idx = jnp.where(t < ln, ln - 1 - t, t)  # [batch, seq]
    shape = [1] * v.ndim
    shape[ba], shape[sa] = v.shape[ba], n
    if ba > sa:
        idx = idx.T
    idx = jnp.broadcast_to(idx.reshape(shape), v.shape)
    return jnp.take_along_axis(v, idx, axis=sa)


def _scatter_args(op: str, indices, updates, shape, what: str, check: bool = True):
    i = convert(indices, op=op, arg="indices")
    check_dtype(op, i, _INDEX, "indices")
    if i.ndim == 0:
        raise OpArgumentError(op, "indices must have rank >= 1, got a scalar.")
    k = i.shape[-1]
    if k > len(shape):
        raise OpArgumentError(
            op,
            f"indices.shape[-1] ({k}) must be <= the rank of {what} ({len(shape)}), indices "
            f"shape {shape_str(i.shape)}.",
        )
    want = tuple(i.shape[:-1]) + tuple(shape[k:])
    if tuple(updates.shape) != want:
        raise OpArgumentError(
            op,
            f"updates {shape_str(updates.shape)} must have the shape indices.shape[:-1] + "
            f"{what}.shape[{k}:] = {shape_str(want)}.",
        )
    for j in range(k if check else 0):
        check_ids(i[..., j], shape[j], op, "indices", f"dimension {j} of {what}")
    return tuple(jnp.moveaxis(i, -1, 0))


def scatter_nd(indices, updates, shape, bad_indices_policy="", name=None):
    """A tensor of ``shape``, zeros but for ``updates`` summed in at ``indices`` (the last dimension
    of ``indices`` indexes the first dimensions of ``shape``; duplicates add).

    Differs from TF1: ``shape`` must be known when the program is traced. An index out of range
    is TF1's run-time InvalidArgumentError (CPU); here it is an ``IndexError`` when the indices
    are concrete, and dropped when they are traced (under ``jax.jit``); ``bad_indices_policy=
    "IGNORE"`` drops them always, as TF1's.

    Args:
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``shape``.
        updates: The values, of shape ``indices.shape[:-1] + shape[k:]``.
        shape: The output's shape: a list of ints known when the program is traced.
        bad_indices_policy: ``""``/``"DEFAULT"``/``"ERROR"`` (an index out of range is an error when
            concrete) or ``"IGNORE"`` (dropped).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ScatterNd``).

    Returns:
        A jax array of ``shape`` and ``updates``' dtype (booleans are or-ed).

    Raises:
        TypeError: ``indices`` is not an integer.
        ValueError: the shapes do not fit, or ``bad_indices_policy`` is unknown.
        IndexError: a concrete index is out of range (unless ``"IGNORE"``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.scatter_nd([[1], [3], [1]], [5, 6, 7], [4])
        Array([ 0, 12,  0,  6], dtype=int32)

    TF1 equivalent: tf.compat.v1.scatter_nd
    """
    op_name(name, "ScatterNd")
    if bad_indices_policy not in ("", "DEFAULT", "ERROR", "IGNORE"):
        raise OpArgumentError(
            "scatter_nd",
            f"bad_indices_policy must be '', 'DEFAULT', 'ERROR' or 'IGNORE', got "
            f"{bad_indices_policy!r}.",
        )
    u = convert(updates, op="scatter_nd", arg="updates")
    shp = static_ints("scatter_nd", shape, "shape")
    idx = _scatter_args("scatter_nd", indices, u, shp, "shape", bad_indices_policy != "IGNORE")
    if u.dtype == np.bool_:  # TF1 adds booleans as a logical or
        return jnp.zeros(shp, u.dtype).at[idx].max(u, mode="drop")
    return jnp.zeros(shp, u.dtype).at[idx].add(u, mode="drop")


def _kernel(op: str, t, how: str) -> None:
    """TF1 builds these for any dtype but has no CPU kernel to add booleans or to take the
    maximum of complex numbers: its run-time error, a ``ValueError`` here."""
    bad = ("bool",) if how == "add" else ("bool", "complex64", "complex128") if how != "set" else ()
    if t.dtype.name in bad:
        check_dtype(op, t, (t.dtype.name,), "tensor", no_kernel=bad)


def _tensor_scatter(op: str, op_type: str, how: str, tensor, indices, updates, name):
    op_name(name, op_type)
    t, u = same_dtype(op, tensor=tensor, updates=updates)
    _kernel(op, t, how)
    idx = _scatter_args(op, indices, u, t.shape, "tensor")
    return getattr(t.at[idx], how)(u, mode="drop")


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """``tensor`` with the slices at ``indices`` replaced by ``updates``.

    Differs from TF1: with duplicate indices TF1 keeps one update, in no defined order; so does
    jax (which one may differ). An index out of range is TF1's run-time InvalidArgumentError;
    here it is an ``IndexError`` when the indices are concrete, and dropped when they are traced.

    Args:
        tensor: The tensor to update.
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``tensor``.
        updates: The new slices, of ``tensor``'s dtype and shape
            ``indices.shape[:-1] + tensor.shape[k:]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``TensorScatterUpdate``).

    Returns:
        A jax array of ``tensor``'s shape and dtype (``tensor`` itself is not changed).

    Raises:
        TypeError: the dtypes differ, or ``indices`` is not an integer.
        ValueError: the shapes do not fit.
        IndexError: a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensor_scatter_nd_update([1, 2, 3, 4], [[0], [2]], [9, 8])
        Array([9, 2, 8, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.tensor_scatter_nd_update
    """
    return _tensor_scatter(
        "tensor_scatter_nd_update", "TensorScatterUpdate", "set", tensor, indices, updates, name
    )


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """``tensor`` with ``updates`` added at ``indices`` (duplicates add).

    Differs from TF1: an index out of range is TF1's run-time InvalidArgumentError; here it is an
    ``IndexError`` when the indices are concrete, and dropped when they are traced.

    Args:
        tensor: The tensor to add to.
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``tensor``.
        updates: The slices to add, of ``tensor``'s dtype and shape
            ``indices.shape[:-1] + tensor.shape[k:]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``TensorScatterAdd``).

    Returns:
        A jax array of ``tensor``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ, or ``indices`` is not an integer.
        ValueError: the shapes do not fit, or ``tensor`` is bool (TF1 has no kernel).
        IndexError: a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensor_scatter_add([1, 2, 3, 4], [[0], [0]], [10, 20])
        Array([31,  2,  3,  4], dtype=int32)

    TF1 equivalent: tf.compat.v1.tensor_scatter_nd_add
    """
    return _tensor_scatter(
        "tensor_scatter_nd_add", "TensorScatterAdd", "add", tensor, indices, updates, name
    )


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """``tensor`` with ``updates`` subtracted at ``indices`` (duplicates subtract).

    Differs from TF1: an index out of range is TF1's run-time InvalidArgumentError; here it is an
    ``IndexError`` when the indices are concrete, and dropped when they are traced.

    Args:
        tensor: The tensor to subtract from.
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``tensor``.
        updates: The slices to subtract, of ``tensor``'s dtype and shape
            ``indices.shape[:-1] + tensor.shape[k:]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``TensorScatterSub``).

    Returns:
        A jax array of ``tensor``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ, or ``indices`` is not an integer.
        ValueError: the shapes do not fit, or ``tensor`` is bool (TF1 has no kernel).
        IndexError: a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensor_scatter_nd_sub([1, 2, 3, 4], [[1]], [2])
        Array([1, 0, 3, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.tensor_scatter_nd_sub
    """
    op_name(name, "TensorScatterSub")
    op = "tensor_scatter_nd_sub"
    t, u = same_dtype(op, tensor=tensor, updates=updates)
    _kernel(op, t, "add")
    idx = _scatter_args(op, indices, u, t.shape, "tensor")
    return t.at[idx].add(-u, mode="drop")


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """``tensor`` with each slice at ``indices`` the maximum of itself and ``updates``.

    Differs from TF1: an index out of range is TF1's run-time InvalidArgumentError; here it is an
    ``IndexError`` when the indices are concrete, and dropped when they are traced.

    Args:
        tensor: The tensor to update.
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``tensor``.
        updates: The slices compared, of ``tensor``'s dtype and shape
            ``indices.shape[:-1] + tensor.shape[k:]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``TensorScatterMax``).

    Returns:
        A jax array of ``tensor``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ, or ``indices`` is not an integer.
        ValueError: the shapes do not fit, or ``tensor`` is bool or complex (TF1 has no kernel).
        IndexError: a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensor_scatter_nd_max([1, 2, 3, 4], [[0], [1]], [5, 0])
        Array([5, 2, 3, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.tensor_scatter_nd_max
    """
    return _tensor_scatter(
        "tensor_scatter_nd_max", "TensorScatterMax", "max", tensor, indices, updates, name
    )


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """``tensor`` with each slice at ``indices`` the minimum of itself and ``updates``.

    Differs from TF1: an index out of range is TF1's run-time InvalidArgumentError; here it is an
    ``IndexError`` when the indices are concrete, and dropped when they are traced.

    Args:
        tensor: The tensor to update.
        indices: An int32/int64 tensor whose last dimension ``k`` indexes the first ``k`` dimensions
            of ``tensor``.
        updates: The slices compared, of ``tensor``'s dtype and shape
            ``indices.shape[:-1] + tensor.shape[k:]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``TensorScatterMin``).

    Returns:
        A jax array of ``tensor``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ, or ``indices`` is not an integer.
        ValueError: the shapes do not fit, or ``tensor`` is bool or complex (TF1 has no kernel).
        IndexError: a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensor_scatter_nd_min([1, 2, 3, 4], [[0], [1]], [5, 0])
        Array([1, 0, 3, 4], dtype=int32)

    TF1 equivalent: tf.compat.v1.tensor_scatter_nd_min
    """
    return _tensor_scatter(
        "tensor_scatter_nd_min", "TensorScatterMin", "min", tensor, indices, updates, name
    )


tensor_scatter_update = tensor_scatter_nd_update
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub
