"""TF1's gathering and selecting ops with TF1's signatures: ``tf.gather`` (``axis``,
``batch_dims``), ``tf.gather_nd``, ``tf.one_hot``, ``tf.where`` (TF1's 1- and 3-argument forms) /
``where_v2``, ``tf.sequence_mask`` and ``tf.boolean_mask``.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.array_ops import _dtype, _shape_str
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.common import (
    convert,
    op_name,
    same_dtype,
    static_ints,
)
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.nn.embedding import check_ids


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """The slices of ``params`` along ``axis`` at ``indices``.

    Differs from TF1: an index out of range is refused when the op is called with concrete
    indices (TF1's CPU kernel raises when the op runs); traced under jax.jit, its rows are NaN
    (the dtype's fill value), never another row.

    Args:
        params: The tensor to gather from.
        indices: An int32 or int64 tensor of indices into ``params``' dimension ``axis``.
        validate_indices: Accepted for TF1's signature; indices are always checked when concrete.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``GatherV2``).
        axis: The axis of ``params`` to gather along (``None``: 0).
        batch_dims: How many leading dimensions ``params`` and ``indices`` share as a batch
            (negative: counted from ``indices``' rank).

    Returns:
        A jax array of ``params``' dtype and shape
        ``params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]``.

    Raises:
        TypeError: ``indices`` is not an integer.
        ValueError: ``axis`` is out of range, ``batch_dims`` exceeds ``axis`` or ``indices``' rank,
            or a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.gather([[1, 2], [3, 4], [5, 6]], [2, 0])
        Array([[5, 6],
               [1, 2]], dtype=int32)
        >>> tf.gather([[1, 2], [3, 4]], [1], axis=1)
        Array([[2],
               [4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.gather
    """
    op_name(name, "GatherV2")
    p = convert(params, op="gather", arg="params")
    i = convert(indices, op="gather", arg="indices")
    if i.dtype.kind not in "iu":
        raise OpTypeError("gather", f"indices must be int32 or int64, got {i.dtype.name}.")
    ax = _axis("gather", 0 if axis is None else axis, p.ndim)
    bd = batch_dims % (i.ndim + 1) if batch_dims < 0 else batch_dims
    if bd > ax or bd > i.ndim:
        raise OpArgumentError(
            "gather", f"batch_dims={batch_dims} must be <= axis ({ax}) and <= rank(indices)."
        )
    check_ids(i, p.shape[ax], "gather", "index", f"axis {ax} of params")
    fill = jnp.nan if p.dtype.kind in "fc" or p.dtype == jnp.bfloat16 else 0
    take = lambda p, i: jnp.take(p, i, axis=ax - bd, mode="fill", fill_value=fill)  # noqa: E731
    for _ in builtins.range(bd):
        take = jax.vmap(take)
    return take(p, i)


def gather_nd(params, indices, name=None, batch_dims=0):
    """The elements (or slices) of ``params`` at the coordinates ``indices[..., :]``.

    Differs from TF1: ``batch_dims`` other than 0 is refused (ValueError), not yet
    supported.

    Args:
        params: The tensor to gather from.
        indices: An integer tensor whose last dimension (``k <= rank(params)``) holds coordinates
            into ``params``' first ``k`` dimensions.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``GatherNd``).
        batch_dims: Only 0 is supported.

    Returns:
        A jax array of ``params``' dtype and shape ``indices.shape[:-1] + params.shape[k:]``.

    Raises:
        ValueError: ``batch_dims`` is not 0, ``indices``' last dimension exceeds ``params``' rank,
            or a concrete index is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.gather_nd([[1, 2], [3, 4]], [[0, 1], [1, 0]])
        Array([2, 3], dtype=int32)
        >>> tf.gather_nd([[1, 2], [3, 4]], [[1]])
        Array([[3, 4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.gather_nd
    """
    op_name(name, "GatherNd")
    if batch_dims:
        raise OpArgumentError("gather_nd", "batch_dims other than 0 is not supported yet.")
    p = convert(params, op="gather_nd", arg="params")
    i = convert(indices, op="gather_nd", arg="indices")
    k = i.shape[-1] if i.ndim else 0
    if i.ndim == 0 or k > p.ndim:
        raise OpArgumentError(
            "gather_nd",
            f"indices.shape[-1] ({k}) must be <= rank(params) ({p.ndim}), indices shape "
            f"{_shape_str(i.shape)}.",
        )
    for j in builtins.range(k):
        check_ids(i[..., j], p.shape[j], "gather_nd", "index", f"dimension {j} of params")
    return p[tuple(jnp.moveaxis(i, -1, 0))]


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A one-hot encoding of ``indices``: ``on_value`` where a new axis' position equals the index,
    ``off_value`` elsewhere.

    Args:
        indices: An integer tensor of class indices.
        depth: The number of classes (the new axis' length): an int known when the program is
            traced.
        on_value: The value at the index (``None``: 1).
        off_value: The value elsewhere (``None``: 0).
        axis: Where the new axis goes (``None`` or -1: last).
        dtype: The output's dtype (``None``: ``on_value``'s/``off_value``'s, else float32).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``one_hot``).

    Returns:
        A jax array of ``indices``' shape with ``depth`` inserted at ``axis``.

    Raises:
        TypeError: ``on_value`` and ``off_value`` have different dtypes and no ``dtype`` is given.
        ValueError: ``axis`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.one_hot([0, 2, 5], 3)
        Array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 0., 0.]], dtype=float32)
        >>> tf.one_hot([1], 2, on_value=5, off_value=-1)
        Array([[-1,  5]], dtype=int32)

    TF1 equivalent: tf.compat.v1.one_hot (an index outside [0, depth) gives an all-off row).
    """
    op_name(name, "one_hot")
    i = convert(indices, op="one_hot", arg="indices")
    depth = static_ints("one_hot", depth, "depth")[0]
    given = [(n, v) for n, v in (("on_value", on_value), ("off_value", off_value)) if v is not None]
    kinds = [(n, convert(v, op="one_hot", arg=n).dtype) for n, v in given]
    if dtype is None and len(kinds) == 2 and kinds[0][1] != kinds[1][1]:
        raise OpTypeError(
            "one_hot",
            f"dtype {kinds[0][1].name} of on_value does not match dtype {kinds[1][1].name} of "
            "off_value.",
            "give both values of one type, or dtype=",
        )
    dt = _dtype(dtype) if dtype is not None else kinds[0][1] if kinds else np.dtype(np.float32)
    on = convert(1 if on_value is None else on_value, dt, "one_hot", "on_value")
    off = convert(0 if off_value is None else off_value, dt, "one_hot", "off_value")
    ax = -1 if axis is None or axis == -1 else _axis("one_hot", axis, i.ndim, extra=1)
    hot = i[..., None] == jnp.arange(depth)
    if ax != -1:
        hot = jnp.moveaxis(hot, -1, ax)
    if on_value is None and off_value is None:
        return hot.astype(dt)  # what jax.nn.one_hot emits
    return jnp.where(hot, on, off)


def where(condition, x=None, y=None, name=None):
    """With one argument, the coordinates of ``condition``'s true elements; with three, elements of
    ``x`` where ``condition`` is true and of ``y`` elsewhere.

    One argument: the coordinates of true elements. Three: TF1's select -- ``x`` and ``y`` of one
    shape, ``condition`` of that shape or a vector over its first dimension (no broadcasting: that
    is ``tf.where_v2``).

    Differs from TF1: the one-argument form needs a concrete condition (the output's size
    depends on it: it is refused under jax.jit) and gives int32 coordinates unless
    jax_enable_x64 (TF1: int64).

    Args:
        condition: A bool tensor.
        x: A tensor of the values where ``condition`` is true, or ``None`` (the one-argument form).
        y: A tensor of ``x``'s dtype and shape, or ``None``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Select``).

    Returns:
        One argument: an integer jax array of shape ``[number of true elements, rank(condition)]``.
        Three: a jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``condition`` is not bool, or ``x`` and ``y``'s dtypes differ.
        ValueError: only one of ``x``/``y`` is given, the shapes do not fit, or the one-argument
            form is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.where([[True, False], [False, True]])
        Array([[0, 0],
               [1, 1]], dtype=int32)
        >>> tf.where([True, False], [1, 2], [10, 20])
        Array([ 1, 20], dtype=int32)

    TF1 equivalent: tf.compat.v1.where
    """
    op_name(name, "Select" if x is not None else "Where")
    c = convert(condition, op="where", arg="condition")
    if c.dtype != np.bool_:
        raise OpTypeError("where", f"condition must be bool, got {c.dtype.name}.")
    if x is None and y is None:
        try:
            return jnp.argwhere(np.asarray(c))
        except jax.errors.TracerArrayConversionError:
            raise OpArgumentError(
                "where",
                "with one argument the output's size depends on the values, which jax needs "
                "when the program is traced.",
                "jnp.argwhere(condition, size=N, fill_value=-1) with a static N",
            ) from None
    if x is None or y is None:
        raise OpArgumentError("where", "x and y must both be given or both be None.")
    xv, yv = same_dtype("where", x=x, y=y)
    if xv.shape != yv.shape:
        raise OpArgumentError(
            "where",
            f"x {_shape_str(xv.shape)} and y {_shape_str(yv.shape)} must have the same shape.",
            "tf.where_v2(condition, x, y) broadcasts",
        )
    if c.shape != xv.shape:
        if c.ndim != 1 or not xv.ndim or c.shape[0] != xv.shape[0]:
            raise OpArgumentError(
                "where",
                f"condition {_shape_str(c.shape)} must have the shape of x "
                f"{_shape_str(xv.shape)} or be a vector over its first dimension.",
            )
        c = c.reshape(c.shape + (1,) * (xv.ndim - 1))
    return jnp.where(c, xv, yv)


def where_v2(condition, x=None, y=None, name=None):
    """Elements of ``x`` where ``condition`` is true and of ``y`` elsewhere, all three broadcasting;
    with only ``condition``, as :func:`where`.

    Args:
        condition: A bool tensor.
        x: A tensor, or ``None`` (the one-argument form).
        y: A tensor of ``x``'s dtype, or ``None``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``SelectV2``).

    Returns:
        A jax array of the broadcast shape, of ``x``'s dtype (or the coordinates, as :func:`where`).

    Raises:
        TypeError: ``x`` and ``y``'s dtypes differ.
        ValueError: the shapes do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.where_v2([True, False], 1., [[5., 6.]])
        Array([[1., 6.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.where_v2 (numpy broadcasting).
    """
    if x is None and y is None:
        return where(condition, name=name)
    op_name(name, "SelectV2")
    c = convert(condition, op="where_v2", arg="condition")
    xv, yv = same_dtype("where_v2", x=x, y=y)
    try:
        return jnp.where(c, xv, yv)
    except ValueError as e:
        raise OpArgumentError("where_v2", f"shapes do not broadcast: {e}") from None


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """A mask of the first ``lengths[i]`` positions: ``mask[i, j] = j < lengths[i]``.

    Differs from TF1: ``maxlen`` must be known when the program is traced (it decides the
    output's shape; with ``maxlen=None``, ``lengths`` must be concrete); TF1 takes tensors.

    Args:
        lengths: An integer tensor of lengths.
        maxlen: The mask's last dimension: an int known when the program is traced (``None``: the
            largest length, ``lengths`` then concrete).
        dtype: The mask's dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``SequenceMask``).

    Returns:
        A jax array of shape ``lengths.shape + (maxlen,)`` and ``dtype``.

    Raises:
        ValueError: ``maxlen`` (or, without it, ``lengths``) is not known when the program is
            traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sequence_mask([1, 3], 4)
        Array([[ True, False, False, False],
               [ True,  True,  True, False]], dtype=bool)

    TF1 equivalent: tf.compat.v1.sequence_mask
    """
    op_name(name, "SequenceMask")
    lens = convert(lengths, op="sequence_mask", arg="lengths")
    if maxlen is None:
        try:
            maxlen = int(np.max(np.asarray(lens))) if lens.size else 0
        except jax.errors.TracerArrayConversionError:
            raise OpArgumentError(
                "sequence_mask",
                "without maxlen the output's size depends on the lengths' values.",
                "pass maxlen= as a Python int",
            ) from None
    m = static_ints("sequence_mask", maxlen, "maxlen")[0]
    return (jnp.arange(m) < lens[..., None]).astype(_dtype(dtype))


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The elements (or slices) of ``tensor`` where ``mask`` is true, flattened over the mask's
    dimensions.

    Differs from TF1: needs a concrete mask (the output's size depends on it), so it is
    refused under jax.jit; TF1 takes a mask tensor.

    Args:
        tensor: A tensor.
        mask: A bool tensor whose shape equals ``tensor``'s dimensions from ``axis`` on (as many as
            the mask has).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``boolean_mask``).
        axis: The first dimension of ``tensor`` the mask covers (``None``: 0).

    Returns:
        A jax array of ``tensor``'s dtype.

    Raises:
        ValueError: the shapes do not fit, or the mask is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])
        Array([[1, 2],
               [5, 6]], dtype=int32)

    TF1 equivalent: tf.compat.v1.boolean_mask
    """
    op_name(name, "boolean_mask")
    t = convert(tensor, op="boolean_mask", arg="tensor")
    m = convert(mask, op="boolean_mask", arg="mask")
    ax = 0 if axis is None else _axis("boolean_mask", axis, t.ndim)
    if m.ndim == 0 or t.shape[ax : ax + m.ndim] != m.shape:
        raise OpArgumentError(
            "boolean_mask",
            f"mask {_shape_str(m.shape)} must match the dimensions of tensor "
            f"{_shape_str(t.shape)} from axis {ax}.",
        )
    try:
        idx = np.flatnonzero(np.asarray(m))
    except jax.errors.TracerArrayConversionError:
        raise OpArgumentError(
            "boolean_mask",
            "the mask must be concrete (the output's size depends on it).",
            "jnp.where(mask[..., None], tensor, 0) keeps the shape",
        ) from None
    flat = t.reshape(t.shape[:ax] + (-1,) + t.shape[ax + m.ndim :])
    return jnp.take(flat, idx, axis=ax)
