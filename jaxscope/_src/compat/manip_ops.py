"""TF1's shape-manipulating ops and small helpers: ``tf.broadcast_to``, ``tf.roll``,
``tf.meshgrid``, ``tf.repeat``, ``tf.identity_n``, ``tf.shape_n``, ``tf.dimension_value``,
``tf.is_tensor``, ``tf.invert_permutation``, ``tf.space_to_depth`` / ``tf.depth_to_space``,
``tf.space_to_batch_nd`` / ``tf.batch_to_space_nd``, ``tf.unique`` / ``tf.setdiff1d``, and the
casts ``tf.to_double`` / ``tf.to_bfloat16``.

Ops whose output shape depends on values (``unique``, ``setdiff1d``, ``repeat``) need those values
when the program is traced: concrete inputs work, traced ones are refused with the fix.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import common, dtypes
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.common import convert, op_name, same_dtype, static_ints
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import canonical, check_dtype, concrete, shape_str
from jaxscope._src.core.tensor_shape import Dimension


def broadcast_to(input, shape, name=None):  # noqa: A002 - TF1's argument name
    """``input`` broadcast to ``shape`` (numpy's rules).

    Differs from TF1: ``shape`` must be known when the program is traced.

    Args:
        input: A tensor.
        shape: The target shape: a list of ints known when the program is traced.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``BroadcastTo``).

    Returns:
        A jax array of ``shape`` and ``input``'s dtype.

    Raises:
        ValueError: ``input`` does not broadcast to ``shape``, or ``shape`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.broadcast_to([1, 2], [2, 2])
        Array([[1, 2],
               [1, 2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.broadcast_to
    """
    op_name(name, "BroadcastTo")
    v = convert(input, op="broadcast_to", arg="input")
    shp = static_ints("broadcast_to", shape, "shape")
    ok = len(shp) >= v.ndim and all(
        a in (1, b) for a, b in zip(v.shape[::-1], shp[::-1], strict=False)
    )
    if not ok:
        raise OpArgumentError(
            "broadcast_to",
            f"input {shape_str(v.shape)} does not broadcast to shape {shape_str(shp)}.",
        )
    return jnp.broadcast_to(v, shp)


def roll(input, shift, axis, name=None):  # noqa: A002
    """``input`` rolled by ``shift`` along ``axis`` (each may be a vector; shifts along one axis add
    up). ``shift`` may be traced; ``axis`` must be static.

    Args:
        input: A tensor.
        shift: An int32/int64 scalar or vector: how far to roll (negative: backwards).
        axis: An int or a vector of ints (as long as ``shift``), known when the program is traced.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Roll``).

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        TypeError: ``shift`` is not an integer.
        ValueError: ``shift`` and ``axis`` are not scalars or vectors of one length, or an axis is
            out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.roll([1, 2, 3, 4], 1, 0)
        Array([4, 1, 2, 3], dtype=int32)
        >>> tf.roll([[1, 2], [3, 4]], [1, 1], [0, 1])
        Array([[4, 3],
               [2, 1]], dtype=int32)

    TF1 equivalent: tf.compat.v1.roll
    """
    op_name(name, "Roll")
    op = "roll"
    v = convert(input, op=op, arg="input")
    s = convert(shift, op=op, arg="shift")
    check_dtype(op, s, ("int32", "int64"), "shift")
    a = np.asarray(static_ints(op, axis, "axis"))
    if s.ndim > 1 or np.ndim(axis) > 1 or s.size != a.size:
        raise OpArgumentError(
            op,
            f"shift {shape_str(s.shape)} and axis {shape_str(np.shape(axis))} must be scalars "
            "or vectors of the same length.",
        )
    ax = tuple(_axis(op, int(i), v.ndim) for i in a)
    if not ax or v.ndim == 0:
        return v
    return jnp.roll(v, s.ravel(), ax)


def meshgrid(*args, **kwargs):
    """Coordinate grids of the 1-D ``args``: ``indexing="xy"`` (default, Cartesian: the first two
    outputs' dimensions swapped) or ``"ij"`` (matrix).

    Args:
        *args: 1-D tensors of one dtype (any shape is flattened).
        **kwargs: ``indexing`` (``"xy"`` or ``"ij"``) and ``name`` (the op's name scope, as in TF1;
            default ``"meshgrid"``).

    Returns:
        A list of jax arrays, one per argument (an empty list for none).

    Raises:
        TypeError: an unknown keyword argument, or the dtypes differ.
        ValueError: ``indexing`` is not ``"xy"`` or ``"ij"``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.meshgrid([1, 2, 3], [4, 5])
        [Array([[1, 2, 3],
               [1, 2, 3]], dtype=int32), Array([[4, 4, 4],
               [5, 5, 5]], dtype=int32)]

    TF1 equivalent: tf.compat.v1.meshgrid
    """
    op = "meshgrid"
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise OpTypeError(op, f"unexpected keyword argument {next(iter(kwargs))!r}.")
    op_name(name, "meshgrid")
    if indexing not in ("xy", "ij"):
        raise OpArgumentError(op, f"indexing must be 'xy' or 'ij', got {indexing!r}.")
    if not args:
        return []
    vals = same_dtype(op, **{f"args[{i}]": a for i, a in enumerate(args)})
    return list(jnp.meshgrid(*[v.ravel() for v in vals], indexing=indexing))


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Each element (``axis`` None: of the flattened ``input``) or slice along ``axis`` repeated
    ``repeats`` times (a scalar, or one count per slice).

    Differs from TF1: ``repeats`` must be known when the program is traced (it decides the
    output's size).

    Args:
        input: A tensor.
        repeats: An int32/int64 scalar, or a vector of one count per slice along ``axis``; known
            when the program is traced.
        axis: The axis to repeat along, or ``None`` (the flattened ``input``).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Repeat``).

    Returns:
        A jax array of ``input``'s dtype.

    Raises:
        TypeError: ``repeats`` is not an integer.
        ValueError: ``repeats`` is traced, negative or of the wrong length, or ``axis`` is out of
            range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.repeat([1, 2], 2)
        Array([1, 1, 2, 2], dtype=int32)
        >>> tf.repeat([[1, 2], [3, 4]], [1, 2], axis=0)
        Array([[1, 2],
               [3, 4],
               [3, 4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.repeat
    """
    op_name(name, "Repeat")
    op = "repeat"
    v = convert(input, op=op, arg="input")
    r = convert(repeats, op=op, arg="repeats")
    check_dtype(op, r, ("int32", "int64"), "repeats")
    reps = concrete(r) if common.is_tensor(repeats) else np.asarray(repeats)
    if reps is None:
        raise OpArgumentError(
            op,
            "repeats must be known when the program is traced (it decides the output's size).",
            "pass repeats as Python ints, or jnp.repeat(x, repeats, axis, "
            "total_repeat_length=N) with a static N",
        )
    if axis is None:
        v, ax = v.ravel(), 0
    else:
        ax = _axis(op, axis, v.ndim)
    if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, v.shape[ax])):
        raise OpArgumentError(
            op,
            f"repeats {shape_str(reps.shape)} must be a scalar or a vector of the size of "
            f"dimension {ax} ({v.shape[ax]}).",
        )
    if (reps < 0).any():
        raise OpArgumentError(op, f"repeats must be non-negative, got {reps.tolist()}.")
    reps = reps.ravel()
    return jnp.repeat(v, int(reps[0]) if reps.size == 1 else reps, axis=ax)


def identity_n(input, name=None):  # noqa: A002
    """A list of the tensors of ``input``, each unchanged.

    Args:
        input: A non-empty list of tensors.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``IdentityN``).

    Returns:
        A list of jax arrays.

    Raises:
        ValueError: ``input`` is empty.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.identity_n([1., [2, 3]])
        [Array(1., dtype=float32), Array([2, 3], dtype=int32)]

    TF1 equivalent: tf.compat.v1.identity_n
    """
    op_name(name, "IdentityN")
    if not input:
        raise OpArgumentError("identity_n", "needs at least one tensor, got an empty list.")
    return [convert(x, op="identity_n", arg="input") for x in input]


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """The shapes of the tensors of ``input``, each a numpy vector (shapes are static in jax).

    Args:
        input: A list of tensors of one dtype.
        out_type: The dtype of the shapes: int32 or int64.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ShapeN``).

    Returns:
        A list of 1-D numpy arrays of ``out_type``.

    Raises:
        TypeError: ``out_type`` is not int32/int64, or the tensors' dtypes differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.shape_n([[1., 2.], [[3.]]])
        [array([2], dtype=int32), array([1, 1], dtype=int32)]

    TF1 equivalent: tf.compat.v1.shape_n
    """
    op_name(name, "ShapeN")
    dt = canonical(out_type)
    if dt.name not in ("int32", "int64"):
        raise OpTypeError("shape_n", f"out_type must be int32 or int64, got {dt.name}.")
    vals = same_dtype("shape_n", **{f"input[{i}]": x for i, x in enumerate(input)})
    return [np.array(jnp.shape(v), dt) for v in vals]


def dimension_value(dimension):
    """The int value of a ``Dimension`` (``None`` for an unknown one); an int or ``None`` is
    returned as it is.

    Args:
        dimension: A ``Dimension``, an int or ``None``.

    Returns:
        An int or ``None``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.dimension_value(tf.Dimension(3)), tf.dimension_value(None)
        (3, None)

    TF1 equivalent: tf.compat.v1.dimension_value
    """
    if isinstance(dimension, Dimension):
        return dimension.value
    return dimension


def is_tensor(x) -> bool:
    """Whether ``x`` is a tensor: a jax array, a tracer or a variable (numpy arrays and Python
    values are not, as in TF1).

    Args:
        x: Any object.

    Returns:
        A Python bool.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.is_tensor(tf.constant(1.)), tf.is_tensor([1.])
        (True, False)

    TF1 equivalent: tf.compat.v1.is_tensor
    """
    return common.is_tensor(x)


def invert_permutation(x, name=None):
    """The inverse permutation of the vector ``x``: ``y[x[i]] = i``.

    Differs from TF1: a vector that is not a permutation is TF1's run-time InvalidArgumentError;
    here it is a ``ValueError`` when ``x`` is concrete (traced, the result is unspecified).

    Args:
        x: An int32/int64 vector holding a permutation of ``0..n-1``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``InvertPermutation``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not an integer.
        ValueError: ``x`` is not a vector, or (concrete) not a permutation.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.invert_permutation([2, 0, 1])
        Array([1, 2, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.invert_permutation
    """
    op_name(name, "InvertPermutation")
    op = "invert_permutation"
    v = convert(x, op=op, arg="x")
    check_dtype(op, v, ("int32", "int64"), "x")
    if v.ndim != 1:
        raise OpArgumentError(op, f"x must be a vector, got shape {shape_str(v.shape)}.")
    c = concrete(v)
    if c is not None and sorted(c.tolist()) != list(range(c.size)):
        raise OpArgumentError(op, f"x must be a permutation of 0..{c.size - 1}, got {c.tolist()}.")
    return jnp.zeros_like(v).at[v].set(jnp.arange(v.shape[0], dtype=v.dtype))


def _block(op: str, block_size) -> int:
    bs = static_ints(op, block_size, "block_size")
    if len(bs) != 1 or bs[0] < 2:
        raise OpArgumentError(
            op, f"block_size must be an int of at least 2, got {np.asarray(block_size).tolist()}."
        )
    return bs[0]


def _nhwc(op: str, v, data_format: str):
    if data_format not in ("NHWC", "NCHW"):
        raise OpArgumentError(op, f"data_format must be 'NHWC' or 'NCHW', got {data_format!r}.")
    if v.ndim != 4:
        raise OpArgumentError(op, f"input must have rank 4, got shape {shape_str(v.shape)}.")
    return v if data_format == "NHWC" else jnp.transpose(v, (0, 2, 3, 1))


def _back(v, data_format: str):
    return v if data_format == "NHWC" else jnp.transpose(v, (0, 3, 1, 2))


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """Moves each ``block_size`` x ``block_size`` block of the spatial dimensions into the channels
    (the block's row, then column, then the input channel).

    Differs from TF1: NCHW works on every device (TF1's CPU kernel takes NHWC only).

    Args:
        input: A 4-D tensor.
        block_size: The block's side, an int >= 2 dividing the height and width.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``SpaceToDepth``).
        data_format: ``"NHWC"`` or ``"NCHW"``.

    Returns:
        A jax array of ``input``'s dtype: height and width divided by ``block_size``, channels
        multiplied by its square.

    Raises:
        ValueError: ``block_size`` is below 2 or does not divide the dimensions, ``input`` is not
            4-D, or ``data_format`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.space_to_depth(tf.reshape(tf.range(4), [1, 2, 2, 1]), 2)
        Array([[[[0, 1, 2, 3]]]], dtype=int32)

    TF1 equivalent: tf.compat.v1.space_to_depth
    """
    op_name(name, "SpaceToDepth")
    op = "space_to_depth"
    bs = _block(op, block_size)
    v = _nhwc(op, convert(input, op=op, arg="input"), data_format)
    n, h, w, c = v.shape
    if h % bs or w % bs:
        raise OpArgumentError(
            op,
            f"Dimension size must be evenly divisible by {bs} but is {h if h % bs else w} "
            f"(input {shape_str(v.shape)} in NHWC).",
        )
    y = v.reshape(n, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5)
    return _back(y.reshape(n, h // bs, w // bs, bs * bs * c), data_format)


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """The inverse of :func:`space_to_depth`: the channels spread into ``block_size`` x
    ``block_size`` spatial blocks.

    Differs from TF1: NCHW works on every device (TF1's CPU kernel takes NHWC only).

    Args:
        input: A 4-D tensor.
        block_size: The block's side, an int >= 2 whose square divides the channels.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``DepthToSpace``).
        data_format: ``"NHWC"`` or ``"NCHW"``.

    Returns:
        A jax array of ``input``'s dtype: height and width multiplied by ``block_size``, channels
        divided by its square.

    Raises:
        ValueError: ``block_size`` is below 2 or its square does not divide the channels, ``input``
            is not 4-D, or ``data_format`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.depth_to_space([[[[0, 1, 2, 3]]]], 2)[0, :, :, 0]
        Array([[0, 1],
               [2, 3]], dtype=int32)

    TF1 equivalent: tf.compat.v1.depth_to_space
    """
    op_name(name, "DepthToSpace")
    op = "depth_to_space"
    bs = _block(op, block_size)
    v = _nhwc(op, convert(input, op=op, arg="input"), data_format)
    n, h, w, c = v.shape
    if c % (bs * bs):
        raise OpArgumentError(
            op,
            f"Dimension size must be evenly divisible by {bs * bs} but is {c} (the channels "
            f"of input {shape_str(v.shape)} in NHWC).",
        )
    y = v.reshape(n, h, w, bs, bs, c // (bs * bs)).transpose(0, 1, 3, 2, 4, 5)
    return _back(y.reshape(n, h * bs, w * bs, c // (bs * bs)), data_format)


def _block_shape_and(op: str, v, block_shape, pairs, arg: str):
    bs = static_ints(op, block_shape, "block_shape")
    m = len(bs)
    p = np.asarray(static_ints(op, pairs, arg)).reshape(-1)
    if np.ndim(block_shape) != 1 or m < 1 or p.size != 2 * m or np.shape(pairs) != (m, 2):
        raise OpArgumentError(
            op,
            f"block_shape must be a non-empty vector [M] and {arg} of shape [M, 2], got "
            f"{shape_str(np.shape(block_shape))} and {shape_str(np.shape(pairs))}.",
        )
    if v.ndim < m + 1:
        raise OpArgumentError(
            op, f"input {shape_str(v.shape)} must have rank >= 1 + len(block_shape) ({m + 1})."
        )
    if any(b < 1 for b in bs) or (p < 0).any():
        raise OpArgumentError(
            op, f"block_shape must be positive and {arg} non-negative, got {bs}, {p.tolist()}."
        )
    return bs, p.reshape(m, 2)


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """Pads the spatial dimensions ``1..M`` of ``input`` by ``paddings``, splits them into blocks of
    ``block_shape`` and moves the blocks into the batch dimension.

    Differs from TF1: ``block_shape`` and ``paddings`` must be known when the program is traced.
    bool and complex inputs work (TF1 has no CPU kernel for them and fails when the op runs).

    Args:
        input: A tensor ``[batch] + spatial (M dimensions) + rest``.
        block_shape: M ints >= 1, known when the program is traced.
        paddings: An ``[M, 2]`` int list of non-negative ``[before, after]`` paddings.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``SpaceToBatchND``).

    Returns:
        A jax array of ``input``'s dtype, shape
        ``[batch * prod(block_shape)] + padded spatial / block_shape + rest``.

    Raises:
        ValueError: the shapes do not fit, or a padded dimension is not divisible by its block.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.space_to_batch_nd(tf.reshape(tf.range(4), [1, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])[:, 0, 0, 0]
        Array([0, 1, 2, 3], dtype=int32)

    TF1 equivalent: tf.compat.v1.space_to_batch_nd
    """
    op_name(name, "SpaceToBatchND")
    op = "space_to_batch_nd"
    v = convert(input, op=op, arg="input")
    bs, p = _block_shape_and(op, v, block_shape, paddings, "paddings")
    m = len(bs)
    pad = [(0, 0)] + [tuple(r) for r in p.tolist()] + [(0, 0)] * (v.ndim - m - 1)
    padded = [v.shape[1 + i] + p[i].sum() for i in range(m)]
    for i, (d, b) in enumerate(zip(padded, bs, strict=True)):
        if d % b:
            raise OpArgumentError(
                op,
                f"padded dimension {i + 1} ({d}) must be divisible by block_shape[{i}] ({b}).",
            )
    x = jnp.pad(v, pad)
    n, rest = v.shape[0], v.shape[1 + m :]
    shape = [n]
    for d, b in zip(padded, bs, strict=True):
        shape += [int(d) // b, b]
    x = x.reshape(shape + list(rest))
    # [n, d1/b1, b1, ..., dm/bm, bm, rest] -> [b1, ..., bm, n, d1/b1, ..., dm/bm, rest]
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    perm += list(range(1 + 2 * m, x.ndim))
    x = x.transpose(perm)
    return x.reshape([n * int(np.prod(bs))] + [int(d) // b for d, b in zip(padded, bs, strict=True)]
                     + list(rest))  # fmt: skip


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of :func:`space_to_batch_nd`: blocks of the batch dimension move back into the
    spatial dimensions ``1..M``, which are then cropped by ``crops``.

    Differs from TF1: ``block_shape`` and ``crops`` must be known when the program is traced.
    bool and complex inputs work (TF1 has no CPU kernel for them and fails when the op runs).

    Args:
        input: A tensor ``[batch] + spatial (M dimensions) + rest``, ``batch`` divisible by
            ``prod(block_shape)``.
        block_shape: M ints >= 1, known when the program is traced.
        crops: An ``[M, 2]`` int list of non-negative ``[before, after]`` crops.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``BatchToSpaceND``).

    Returns:
        A jax array of ``input``'s dtype, shape
        ``[batch / prod(block_shape)] + spatial * block_shape - crops + rest``.

    Raises:
        ValueError: the shapes do not fit, the batch is not divisible, or the crops are too large.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.batch_to_space_nd([[[[0]]], [[[1]]], [[[2]]], [[[3]]]], [2, 2], [[0, 0], [0, 0]])[0, :, :, 0]
        Array([[0, 1],
               [2, 3]], dtype=int32)

    TF1 equivalent: tf.compat.v1.batch_to_space_nd
    """
    op_name(name, "BatchToSpaceND")
    op = "batch_to_space_nd"
    v = convert(input, op=op, arg="input")
    bs, c = _block_shape_and(op, v, block_shape, crops, "crops")
    m = len(bs)
    prod = int(np.prod(bs))
    if v.shape[0] % prod:
        raise OpArgumentError(
            op,
            f"the batch dimension ({v.shape[0]}) must be divisible by the product of "
            f"block_shape ({prod}).",
        )
    n = v.shape[0] // prod
    spatial, rest = v.shape[1 : 1 + m], v.shape[1 + m :]
    full = [d * b for d, b in zip(spatial, bs, strict=True)]
    if any(c[i].sum() > full[i] for i in range(m)):
        raise OpArgumentError(
            op, f"crops {c.tolist()} are larger than the dimensions {full} they crop."
        )
    x = v.reshape(list(bs) + [n] + list(spatial) + list(rest))
    # [b1..bm, n, d1..dm, rest] -> [n, d1, b1, ..., dm, bm, rest]
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, x.ndim))
    x = x.transpose(perm).reshape([n] + full + list(rest))
    idx = (slice(None),) + tuple(
        slice(int(lo), d - int(hi)) for (lo, hi), d in zip(c, full, strict=True)
    )
    return x[idx]


def _block_size(op: str, block_size, block_shape):
    if block_shape is not None:
        if block_size is not None:
            raise OpArgumentError(op, "cannot specify both 'block_shape' and 'block_size'.")
        block_size = block_shape
    if block_size is None:
        raise OpArgumentError(op, "needs block_size.")
    return [_block(op, block_size)] * 2


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """:func:`space_to_batch_nd` of a 4-D NHWC ``input`` with the square block ``block_size``
    (``block_shape`` its alias).

    Differs from TF1: ``paddings`` must be known when the program is traced.

    Args:
        input: A 4-D NHWC tensor.
        paddings: A ``[2, 2]`` int list of ``[before, after]`` paddings of the height and width.
        block_size: The square block's side, an int >= 2.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``SpaceToBatchND``).
        block_shape: Another name of ``block_size`` (give one of the two).

    Returns:
        A jax array of ``input``'s dtype, as :func:`space_to_batch_nd`.

    Raises:
        ValueError: ``input`` is not 4-D, neither or both of ``block_size``/``block_shape`` are
            given, or the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.space_to_batch(tf.reshape(tf.range(4), [1, 2, 2, 1]), [[0, 0], [0, 0]], 2).shape
        (4, 1, 1, 1)

    TF1 equivalent: tf.compat.v1.space_to_batch
    """
    op_name(name, "SpaceToBatchND")
    bs = _block_size("space_to_batch", block_size, block_shape)
    v = convert(input, op="space_to_batch", arg="input")
    if v.ndim != 4:
        raise OpArgumentError(
            "space_to_batch", f"input must have rank 4, got shape {shape_str(v.shape)}."
        )
    return space_to_batch_nd(v, bs, paddings)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """:func:`batch_to_space_nd` of a 4-D NHWC ``input`` with the square block ``block_size``.

    Differs from TF1: ``crops`` must be known when the program is traced.

    Args:
        input: A 4-D NHWC tensor, the batch divisible by ``block_size ** 2``.
        crops: A ``[2, 2]`` int list of ``[before, after]`` crops of the height and width.
        block_size: The square block's side, an int >= 2.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``BatchToSpaceND``).
        block_shape: Another name of ``block_size`` (give one of the two).

    Returns:
        A jax array of ``input``'s dtype, as :func:`batch_to_space_nd`.

    Raises:
        ValueError: ``input`` is not 4-D, neither or both of ``block_size``/``block_shape`` are
            given, or the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.batch_to_space(tf.zeros([4, 1, 1, 3]), [[0, 0], [0, 0]], 2).shape
        (1, 2, 2, 3)

    TF1 equivalent: tf.compat.v1.batch_to_space
    """
    op_name(name, "BatchToSpaceND")
    bs = _block_size("batch_to_space", block_size, block_shape)
    v = convert(input, op="batch_to_space", arg="input")
    if v.ndim != 4:
        raise OpArgumentError(
            "batch_to_space", f"input must have rank 4, got shape {shape_str(v.shape)}."
        )
    return batch_to_space_nd(v, bs, crops)


class Unique(NamedTuple):
    """What ``tf.unique`` returns (TF1's namedtuple)."""

    y: jax.Array
    idx: jax.Array


class UniqueWithCounts(NamedTuple):
    """What ``tf.unique_with_counts`` returns (TF1's namedtuple)."""

    y: jax.Array
    idx: jax.Array
    count: jax.Array


class ListDiff(NamedTuple):
    """What ``tf.setdiff1d`` returns (TF1's namedtuple)."""

    out: jax.Array
    idx: jax.Array


def _concrete_1d(op: str, v, arg: str) -> np.ndarray:
    c = concrete(v)
    if c is None:
        raise OpArgumentError(
            op,
            f"the output's size depends on the values of {arg}, which jax needs when the "
            "program is traced (jax shapes are static).",
            f"call tf.{op} outside jax.jit (on concrete values), or use "
            "jnp.unique(x, size=N, fill_value=...) with a static N",
        )
    if c.ndim != 1:
        raise OpArgumentError(op, f"{arg} must be a vector, got shape {shape_str(c.shape)}.")
    return c


def _unique(op: str, x, out_idx, counts: bool):
    v = convert(x, op=op, arg="x")
    c = _concrete_1d(op, v, "x")
    it = canonical(out_idx)
    if it.name not in ("int32", "int64"):
        raise OpTypeError(op, f"out_idx must be int32 or int64, got {it.name}.")
    # first occurrence order, as TF1
    _, first, inverse, cnt = np.unique(c, return_index=True, return_inverse=True,
                                       return_counts=True)  # fmt: skip
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    y = jnp.asarray(c[first[order]], v.dtype)
    idx = jnp.asarray(rank[inverse.ravel()], it)
    return UniqueWithCounts(y, idx, jnp.asarray(cnt[order], it)) if counts else Unique(y, idx)


def unique(x, out_idx=dtypes.int32, name=None):
    """The unique values of the vector ``x`` in order of first occurrence, and for each element of
    ``x`` the index of its value in them.

    Differs from TF1: ``x`` must be concrete (the output's size depends on its values): under
    ``jax.jit`` it is refused with the fix (``jnp.unique(..., size=N)``). Complex values work
    (TF1 has no CPU kernel for them).

    Args:
        x: A 1-D tensor, concrete.
        out_idx: The dtype of ``idx``: int32 or int64.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Unique``).

    Returns:
        A ``Unique(y, idx)`` named tuple of jax arrays.

    Raises:
        TypeError: ``out_idx`` is not int32/int64.
        ValueError: ``x`` is not 1-D, or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.unique([4, 1, 4, 2])
        Unique(y=Array([4, 1, 2], dtype=int32), idx=Array([0, 1, 0, 2], dtype=int32))

    TF1 equivalent: tf.compat.v1.unique
    """
    op_name(name, "Unique")
    return _unique("unique", x, out_idx, False)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """:func:`unique` and how often each unique value occurs.

    Differs from TF1: ``x`` must be concrete (the output's size depends on its values): under
    ``jax.jit`` it is refused with the fix.

    Args:
        x: A 1-D tensor, concrete.
        out_idx: The dtype of ``idx`` and ``count``: int32 or int64.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``UniqueWithCounts``).

    Returns:
        A ``UniqueWithCounts(y, idx, count)`` named tuple of jax arrays.

    Raises:
        TypeError: ``out_idx`` is not int32/int64.
        ValueError: ``x`` is not 1-D, or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.unique_with_counts([4, 1, 4]).count
        Array([2, 1], dtype=int32)

    TF1 equivalent: tf.compat.v1.unique_with_counts
    """
    op_name(name, "UniqueWithCounts")
    return _unique("unique_with_counts", x, out_idx, True)


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """The values of the vector ``x`` not in ``y`` (in order, duplicates kept) and their indices in
    ``x``.

    Differs from TF1: ``x`` and ``y`` must be concrete (the output's size depends on their
    values): under ``jax.jit`` it is refused with the fix. bool and complex values work (TF1 has
    no CPU kernel for them).

    Args:
        x: A 1-D tensor, concrete.
        y: A 1-D tensor of ``x``'s dtype, concrete.
        index_dtype: The dtype of ``idx``: int32 or int64.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ListDiff``).

    Returns:
        A ``ListDiff(out, idx)`` named tuple of jax arrays.

    Raises:
        TypeError: the dtypes differ, or ``index_dtype`` is not int32/int64.
        ValueError: ``x`` or ``y`` is not 1-D, or traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.setdiff1d([1, 2, 3, 2], [2])
        ListDiff(out=Array([1, 3], dtype=int32), idx=Array([0, 2], dtype=int32))

    TF1 equivalent: tf.compat.v1.setdiff1d
    """
    op_name(name, "ListDiff")
    op = "setdiff1d"
    xv, yv = same_dtype(op, x=x, y=y)
    it = canonical(index_dtype)
    if it.name not in ("int32", "int64"):
        raise OpTypeError(op, f"index_dtype must be int32 or int64, got {it.name}.")
    cx, cy = _concrete_1d(op, xv, "x"), _concrete_1d(op, yv, "y")
    keep = np.flatnonzero(~np.isin(cx, cy))
    return ListDiff(jnp.asarray(cx[keep], xv.dtype), jnp.asarray(keep, it))


def to_double(x, name="ToDouble"):
    """``tf.cast(x, tf.float64)``.

    Differs from TF1: float64 is float32 unless ``jax_enable_x64``.

    Args:
        x: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cast``).

    Returns:
        A jax array of ``x``'s shape, float64 with jax_enable_x64, else float32.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.to_double([1, 2])
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.to_double
    """
    op_name(name, "Cast")
    return convert(x, op="to_double", arg="x").astype(canonical(dtypes.float64))


def to_bfloat16(x, name="ToBFloat16"):
    """``tf.cast(x, tf.bfloat16)``.

    Args:
        x: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cast``).

    Returns:
        A bfloat16 jax array of ``x``'s shape.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.to_bfloat16([1.5, 2.])
        Array([1.5, 2], dtype=bfloat16)

    TF1 equivalent: tf.compat.v1.to_bfloat16
    """
    op_name(name, "Cast")
    return convert(x, op="to_bfloat16", arg="x").astype(jnp.bfloat16)


def clip_by_average_norm(t, clip_norm, name=None):
    """``t * clip_norm * min(size(t) / l2norm(t), 1 / clip_norm)``: ``t`` scaled so that its L2 norm
    divided by its number of elements is at most ``clip_norm``. TF1 mixes in a float32 element
    count, so only float32 ``t`` builds.

    Args:
        t: A float32 tensor.
        clip_norm: The largest average norm (``l2norm(t) / size(t)``): a float32 scalar.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``clip_by_average_norm``).

    Returns:
        A float32 jax array of ``t``'s shape.

    Raises:
        TypeError: ``t`` is not float32, or ``clip_norm`` does not convert to float32.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.clip_by_average_norm([3., 4.], 1.)
        Array([1.2, 1.6], dtype=float32)

    TF1 equivalent: tf.compat.v1.clip_by_average_norm
    """
    op_name(name, "clip_by_average_norm")
    op = "clip_by_average_norm"
    tv = convert(t, op=op, arg="t")
    if tv.dtype != np.float32:
        raise OpTypeError(
            op,
            f"t has dtype {tv.dtype.name}; TF1 multiplies it by a float32 element count, so only "
            "float32 builds.",
            "tf.cast(t, tf.float32)",
        )
    cn = convert(clip_norm, np.float32, op, "clip_norm")
    n = jnp.float32(tv.size)
    l2norm_inv = jax.lax.rsqrt(jnp.sum(tv * tv))
    return tv * cn * jnp.minimum(l2norm_inv * n, 1.0 / cn)
