"""TF1's array ops (``tf.reshape``, ``tf.concat``, ``tf.slice``, ...) with TF1's signatures;
the gathering and selecting ops are in ``select_ops``.

Shapes are static in jax, so ``tf.shape`` / ``tf.rank`` / ``tf.size`` return numpy values (they
work wherever TF1 took their tensors: ``tf.reshape(x, [tf.shape(x)[0], -1])``).
"""

from __future__ import annotations

import builtins
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import (
    alias,
    axes,
    convert,
    is_tensor,
    op_name,
    same_dtype,
    static_ints,
    value_array,
)
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.core import fetch, frame

newaxis = None


def _shape_str(s) -> str:
    return "[" + ", ".join(str(d) for d in s) + "]"


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """``value`` as a jax array, with TF1's dtype inference (a Python float is float32, an int int32).

    Args:
        value: A jax array, numpy array, Python number or nested list.
        dtype: The dtype it must have, or ``None`` (inferred). A Python value converts to it; a
            tensor of another dtype is refused.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Const``).
        preferred_dtype: TF1's old name of ``dtype_hint`` (give one of the two).
        dtype_hint: A dtype to try when ``dtype`` is None and ``value`` is not a tensor; if it does
            not fit, the inferred dtype is used.

    Returns:
        A jax array.

    Raises:
        TypeError: ``value`` does not convert to ``dtype`` (TF1 never casts: a float to an int, a
            tensor of another dtype), or is a string.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.convert_to_tensor([1, 2])
        Array([1, 2], dtype=int32)
        >>> tf.convert_to_tensor([1, 2], dtype_hint=tf.float32)
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.convert_to_tensor.
    """
    op_name(name, "Const")
    hint = alias("convert_to_tensor", dtype_hint, preferred_dtype, "dtype_hint", "preferred_dtype")
    if dtype is None and hint is not None and not is_tensor(value):
        try:
            return convert(value, hint)
        except OpTypeError:
            pass
    return convert(value, dtype)


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor of ``value``, optionally of ``dtype`` and ``shape``.

    Args:
        value: A Python number, nested list, numpy or jax array.
        dtype: The dtype, or ``None`` (inferred as TF1: a Python float is float32, an int int32).
        shape: The shape, or ``None`` (``value``'s). A scalar or a shorter list is repeated/padded
            with its last element to fill it.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Const``).
        verify_shape: Whether ``value``'s shape must equal ``shape``.

    Returns:
        A jax array.

    Raises:
        TypeError: ``value`` does not convert to ``dtype``, or ``verify_shape`` and the shapes
            differ.
        ValueError: ``value`` has more elements than ``shape``, or none to fill it with.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.constant([1., 2.])
        Array([1., 2.], dtype=float32)
        >>> tf.constant(7, shape=[2, 2])
        Array([[7, 7],
               [7, 7]], dtype=int32)

    TF1 equivalent: tf.compat.v1.constant (a list shorter than ``shape`` is padded with its
    last element, as TF1's v1 constant does).
    """
    op_name(name, "Const")
    if is_tensor(value):
        a = convert(value, dtype, "constant")
        if shape is None:
            return a
        return reshape(a, shape)
    a = value_array(
        value, None if dtype is None else dtypes.as_dtype(dtype).dtype, "constant", "value"
    )
    if shape is None:
        return jnp.asarray(a)
    shape = static_ints("constant", shape, "shape")
    n = math.prod(shape)
    if verify_shape and list(a.shape) != shape:
        raise OpTypeError(
            "constant", f"expected shape {_shape_str(shape)}, got {_shape_str(a.shape)}."
        )
    flat = a.ravel()
    if flat.size > n:
        raise OpArgumentError(
            "constant", f"too many elements provided: takes at most {n}, but got {flat.size}."
        )
    if flat.size == 0 and n:
        raise OpArgumentError("constant", f"cannot fill shape {_shape_str(shape)} from no values.")
    if flat.size < n:
        flat = np.concatenate([flat, np.full(n - flat.size, flat[-1], flat.dtype)])
    return jnp.asarray(flat.reshape(shape))


def _dtype(d) -> np.dtype:
    """The dtype jax computes ``d`` in: 64-bit types are 32-bit unless jax_enable_x64."""
    return jax.dtypes.canonicalize_dtype(dtypes.as_dtype(d).dtype)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of ``shape`` filled with 0.

    Args:
        shape: A list of ints (or a 1-D integer tensor known when the program is traced).
        dtype: The dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``zeros``).

    Returns:
        A jax array of ``shape`` and ``dtype`` (64-bit types are 32-bit unless jax_enable_x64).

    Raises:
        ValueError: ``shape`` is not known when the program is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.zeros([2, 3], tf.int32)
        Array([[0, 0, 0],
               [0, 0, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.zeros.
    """
    op_name(name, "zeros")
    return jnp.zeros(static_ints("zeros", shape, "shape"), _dtype(dtype))


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ``shape`` filled with 1.

    Args:
        shape: A list of ints (or a 1-D integer tensor known when the program is traced).
        dtype: The dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ones``).

    Returns:
        A jax array of ``shape`` and ``dtype`` (64-bit types are 32-bit unless jax_enable_x64).

    Raises:
        ValueError: ``shape`` is not known when the program is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.ones([2])
        Array([1., 1.], dtype=float32)

    TF1 equivalent: tf.compat.v1.ones.
    """
    op_name(name, "ones")
    return jnp.ones(static_ints("ones", shape, "shape"), _dtype(dtype))


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with the scalar ``value``.

    Args:
        dims: The shape: a list of ints known when the program is traced.
        value: A scalar; its dtype is the output's.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Fill``).

    Returns:
        A jax array of shape ``dims`` and ``value``'s dtype.

    Raises:
        ValueError: ``value`` is not a scalar, or ``dims`` is not known when the program is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.fill([2, 2], 9)
        Array([[9, 9],
               [9, 9]], dtype=int32)

    TF1 equivalent: tf.compat.v1.fill.
    """
    op_name(name, "Fill")
    v = convert(value, op="fill", arg="value")
    if v.ndim:
        raise OpArgumentError("fill", f"value must be a scalar, got shape {_shape_str(v.shape)}.")
    return jnp.full(static_ints("fill", dims, "dims"), v)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of 0s of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    Args:
        tensor: A tensor (or a value that converts to one).
        dtype: The output's dtype, or ``None`` (``tensor``'s).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``zeros_like``).
        optimize: Accepted for TF1's signature; it changes nothing here.

    Returns:
        A jax array.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.zeros_like([[1, 2], [3, 4]])
        Array([[0, 0],
               [0, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.zeros_like.
    """
    op_name(name, "zeros_like")
    t = convert(tensor, op="zeros_like", arg="tensor")
    return jnp.zeros(t.shape, t.dtype if dtype is None else _dtype(dtype))


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """A tensor of 1s of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    Args:
        tensor: A tensor (or a value that converts to one).
        dtype: The output's dtype, or ``None`` (``tensor``'s).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ones_like``).
        optimize: Accepted for TF1's signature; it changes nothing here.

    Returns:
        A jax array.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.ones_like([1., 2.], dtype=tf.int32)
        Array([1, 1], dtype=int32)

    TF1 equivalent: tf.compat.v1.ones_like.
    """
    op_name(name, "ones_like")
    t = convert(tensor, op="ones_like", arg="tensor")
    return jnp.ones(t.shape, t.dtype if dtype is None else _dtype(dtype))


def reshape(tensor, shape, name=None):
    """``tensor``'s elements, in order, in a new shape.

    Args:
        tensor: A tensor.
        shape: The new shape: a list of ints known when the program is traced; one entry may be -1
            (inferred).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Reshape``).

    Returns:
        A jax array of ``tensor``'s dtype and the new shape.

    Raises:
        ValueError: the element counts differ, or more than one entry is -1.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reshape([1, 2, 3, 4, 5, 6], [2, -1])
        Array([[1, 2, 3],
               [4, 5, 6]], dtype=int32)

    TF1 equivalent: tf.compat.v1.reshape.
    """
    op_name(name, "Reshape")
    t = convert(tensor, op="reshape", arg="tensor")
    new = static_ints("reshape", shape, "shape")
    if new.count(-1) > 1:
        raise OpArgumentError("reshape", f"only one dimension can be -1, got {_shape_str(new)}.")
    known = math.prod(d for d in new if d != -1)
    if any(d < -1 for d in new) or (
        t.size != known if -1 not in new else (known == 0 or t.size % known)
    ):
        raise OpArgumentError(
            "reshape",
            f"cannot reshape a tensor with {t.size} elements to shape {_shape_str(new)} "
            f"({known} elements).",
        )
    # checked and resolved here, so lax's reshape (jnp.reshape would check and resolve again)
    return lax.reshape(t, tuple(t.size // known if d == -1 else d for d in new))


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002 - TF1's argument name
    """The shape of ``input``, as TF1's shape tensor.

    Differs from TF1: returns a numpy array, not a tensor: shapes are static in jax (it
    works wherever TF1 took the tensor, e.g. ``tf.reshape(x, [tf.shape(x)[0], -1])``).

    Args:
        input: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Shape``).
        out_type: The dtype of the result: int32 or int64.

    Returns:
        A 1-D numpy array of ``out_type`` (64-bit types are 32-bit unless jax_enable_x64).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.shape([[1., 2., 3.], [4., 5., 6.]])
        array([2, 3], dtype=int32)

    TF1 equivalent: tf.compat.v1.shape
    """
    op_name(name, "Shape")
    return np.array(jnp.shape(convert(input, op="shape", arg="input")), _dtype(out_type))


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of ``input``.

    Differs from TF1: returns a numpy int32, not a tensor: ranks are static in jax.

    Args:
        input: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Rank``).

    Returns:
        A numpy int32.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.rank([[1., 2.], [3., 4.]])
        np.int32(2)

    TF1 equivalent: tf.compat.v1.rank
    """
    op_name(name, "Rank")
    return np.int32(jnp.ndim(convert(input, op="rank", arg="input")))


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of ``input``.

    Differs from TF1: returns a numpy scalar, not a tensor: sizes are static in jax.

    Args:
        input: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Size``).
        out_type: The dtype of the result: int32 or int64.

    Returns:
        A numpy scalar of ``out_type`` (int64 is int32 unless jax_enable_x64).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.size([[1., 2.], [3., 4.]])
        np.int32(4)

    TF1 equivalent: tf.compat.v1.size
    """
    op_name(name, "Size")
    return _dtype(out_type).type(jnp.size(convert(input, op="size", arg="input")))


def identity(input, name=None):  # noqa: A002
    """``input`` itself, as a tensor.

    Under ``tf.control_dependencies``, a value that depends on its control inputs (see
    :func:`control_dependencies`).

    Args:
        input: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Identity``).

    Returns:
        A jax array of ``input``'s value (under ``tf.control_dependencies``, a copy that depends on
        the control inputs).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.identity([1., 2.])
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.identity.
    """
    op_name(name, "Identity")
    value = convert(input, op="identity", arg="input")
    fr = frame.peek()
    if fr is not None and fr.control and fr.pending is not None:
        value = jnp.array(value, copy=True)  # a value of its own, to hang the dependency on
        fetch.depends(fr, value, [c for c in fr.control if isinstance(c, jax.Array)])
    return value


def stop_gradient(input, name=None):  # noqa: A002
    """``input``, with no gradient flowing back through it.

    Args:
        input: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``StopGradient``).

    Returns:
        A jax array of ``input``'s value.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax
        >>> jax.grad(lambda x: x * tf.stop_gradient(x))(3.)
        Array(3., dtype=float32, weak_type=True)

    TF1 equivalent: tf.compat.v1.stop_gradient.
    """
    op_name(name, "StopGradient")
    return jax.lax.stop_gradient(convert(input, op="stop_gradient", arg="input"))


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype``, elementwise.

    Args:
        x: A tensor (or a value that converts to one).
        dtype: The new dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cast``).

    Returns:
        A jax array of ``x``'s shape and ``dtype`` (64-bit types are 32-bit unless jax_enable_x64).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.cast([1.7, -1.7], tf.int32)
        Array([ 1, -1], dtype=int32)

    TF1 equivalent: tf.compat.v1.cast (float -> int truncates toward zero, as TF1).
    """
    op_name(name, "Cast")
    return convert(x, op="cast", arg="x").astype(_dtype(dtype))


def to_float(x, name="ToFloat"):
    """``x`` cast to float32.

    Args:
        x: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ToFloat``).

    Returns:
        A float32 jax array of ``x``'s shape.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.to_float([1, 2])
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.to_float.
    """
    return cast(x, dtypes.float32, name)


def to_int32(x, name="ToInt32"):
    """``x`` cast to int32 (floats truncate toward zero).

    Args:
        x: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ToInt32``).

    Returns:
        An int32 jax array of ``x``'s shape.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.to_int32([1.5, -1.5])
        Array([ 1, -1], dtype=int32)

    TF1 equivalent: tf.compat.v1.to_int32.
    """
    return cast(x, dtypes.int32, name)


def to_int64(x, name="ToInt64"):
    """``x`` cast to int64 (floats truncate toward zero).

    Differs from TF1: gives int32 unless jax_enable_x64 (jax computes 64-bit types in 32
    bits by default).

    Args:
        x: A tensor (or a value that converts to one).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ToInt64``).

    Returns:
        A jax array of ``x``'s shape, int64 with jax_enable_x64, else int32.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.to_int64([1.5, -1.5])
        Array([ 1, -1], dtype=int32)

    TF1 equivalent: tf.compat.v1.to_int64
    """
    return cast(x, dtypes.int64, name)


def _values(op: str, values) -> list[jax.Array]:
    if is_tensor(values) or not isinstance(values, (list, tuple)):
        values = list(convert(values, op=op, arg="values"))
    if not values:
        raise OpArgumentError(op, "needs at least one value, got an empty list.")
    return same_dtype(op, **{f"values[{i}]": v for i, v in enumerate(values)})


def _check_same_shapes(op: str, values, skip: int | None = None) -> None:
    first = values[0].shape
    for i, v in enumerate(values[1:], 1):
        same = v.ndim == len(first) and all(
            a == b for j, (a, b) in enumerate(zip(v.shape, first, strict=True)) if j != skip
        )
        if not same:
            what = "all dimensions" if skip is None else f"all dimensions but {skip}"
            raise OpArgumentError(
                op,
                f"values[{i}] has shape {_shape_str(v.shape)} and values[0] "
                f"{_shape_str(first)}: {what} must be equal.",
            )


def concat(values, axis, name="concat"):
    """The tensors of ``values`` joined along the existing axis ``axis``.

    Args:
        values: A list of tensors of one dtype, equal in every dimension but ``axis`` (or one
            tensor, unstacked along its first axis).
        axis: The axis to join along, an int in ``[-rank, rank)``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``concat``).

    Returns:
        A jax array of the values' dtype.

    Raises:
        TypeError: the values' dtypes differ.
        ValueError: ``values`` is empty, ``axis`` is out of range, or the other dimensions differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.concat([[[1, 2]], [[3, 4]]], 0)
        Array([[1, 2],
               [3, 4]], dtype=int32)
        >>> tf.concat([[[1, 2]], [[3, 4]]], 1)
        Array([[1, 2, 3, 4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.concat.
    """
    op_name(name, "concat")
    vals = _values("concat", values)
    if len(vals) == 1:
        return vals[0]
    ax = _axis("concat", axis, vals[0].ndim)
    _check_same_shapes("concat", vals, skip=ax)
    return jnp.concatenate(vals, ax)


def stack(values, axis=0, name="stack"):
    """The tensors of ``values`` stacked along a new axis ``axis``.

    Args:
        values: A list of tensors of one dtype and shape (or one tensor, unstacked along its first
            axis).
        axis: Where the new axis goes, an int in ``[-rank - 1, rank]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``stack``).

    Returns:
        A jax array of rank one more than the values'; ``[]`` gives an empty float32 array, as TF1.

    Raises:
        TypeError: the values' dtypes differ.
        ValueError: ``axis`` is out of range, or the shapes differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.stack([[1, 2], [3, 4]], axis=1)
        Array([[1, 3],
               [2, 4]], dtype=int32)

    TF1 equivalent: tf.compat.v1.stack.
    """
    op_name(name, "stack")
    if isinstance(values, (list, tuple)) and not values:
        return jnp.zeros((0,), jnp.float32)  # TF1 converts [] to an empty float32 tensor
    vals = _values("stack", values)
    ax = _axis("stack", axis, vals[0].ndim, extra=1)
    _check_same_shapes("stack", vals)
    return jnp.stack(vals, ax)


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of ``value`` along ``axis``, as a list.

    Args:
        value: A tensor.
        num: The length of ``axis``, or ``None`` (read from the shape).
        axis: The axis to unstack, an int in ``[-rank, rank)``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``unstack``).

    Returns:
        A list of jax arrays of ``value``'s shape without ``axis``.

    Raises:
        ValueError: ``axis`` is out of range, or ``num`` differs from its length.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.unstack([[1, 2], [3, 4]], axis=1)
        [Array([1, 3], dtype=int32), Array([2, 4], dtype=int32)]

    TF1 equivalent: tf.compat.v1.unstack (a list).
    """
    op_name(name, "unstack")
    v = convert(value, op="unstack", arg="value")
    ax = _axis("unstack", axis, v.ndim)
    if num is not None and num != v.shape[ax]:
        raise OpArgumentError(
            "unstack", f"num={num} does not match dimension {ax} of shape {_shape_str(v.shape)}."
        )
    return [jnp.squeeze(p, ax) for p in jnp.split(v, v.shape[ax], ax)] if v.shape[ax] else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """``value`` split along ``axis`` into equal pieces or pieces of given sizes.

    Args:
        value: A tensor.
        num_or_size_splits: An int (that many equal pieces) or a list of sizes (one may be -1: the
            rest).
        axis: The axis to split, an int in ``[-rank, rank)``.
        num: Accepted for TF1's signature (the count is known from ``num_or_size_splits``).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``split``).

    Returns:
        A list of jax arrays.

    Raises:
        ValueError: the axis does not divide evenly, or the sizes do not sum to its length.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.split([1, 2, 3, 4, 5], [2, -1])
        [Array([1, 2], dtype=int32), Array([3, 4, 5], dtype=int32)]

    TF1 equivalent: tf.compat.v1.split (a list).
    """
    op_name(name, "split")
    v = convert(value, op="split", arg="value")
    ax = _axis("split", axis, v.ndim)
    dim = v.shape[ax]
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
        num_or_size_splits, builtins.bool
    ):
        n = int(num_or_size_splits)
        if n <= 0 or dim % n:
            raise OpArgumentError(
                "split",
                f"dimension {ax} of shape {_shape_str(v.shape)} (size {dim}) must be evenly "
                f"divisible by num_or_size_splits={n}.",
                "tf.split(value, [sizes...], axis) to split unevenly",
            )
        return jnp.split(v, n, ax)
    sizes = static_ints("split", num_or_size_splits, "num_or_size_splits")
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)
    if any(s < 0 for s in sizes) or sum(sizes) != dim:
        raise OpArgumentError(
            "split",
            f"num_or_size_splits {sizes} must sum to dimension {ax} of shape "
            f"{_shape_str(v.shape)} ({dim}), with at most one -1.",
        )
    return jnp.split(v, np.cumsum(sizes)[:-1].tolist(), ax)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """``input`` without dimensions of length 1 (all of them, or those in ``axis``).

    Args:
        input: A tensor.
        axis: ``None`` (every dimension of length 1), or an int or list of ints in ``[-rank,
            rank)``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Squeeze``).
        squeeze_dims: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of ``input``'s dtype.

    Raises:
        ValueError: a dimension in ``axis`` is not of length 1 or is out of range, or both ``axis``
            and ``squeeze_dims`` are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.squeeze([[[1], [2]]]).shape
        (2,)
        >>> tf.squeeze([[[1], [2]]], axis=[2]).shape
        (1, 2)

    TF1 equivalent: tf.compat.v1.squeeze.
    """
    op_name(name, "Squeeze")
    a = alias("squeeze", axis, squeeze_dims, "axis", "squeeze_dims")
    v = convert(input, op="squeeze", arg="input")
    ax = axes("squeeze", a, v.ndim)
    if ax is None:
        return jnp.squeeze(v)
    for i in ax:
        if v.shape[i] != 1:
            raise OpArgumentError(
                "squeeze",
                f"cannot squeeze dim[{i}], expected a dimension of 1, got {v.shape[i]} (shape "
                f"{_shape_str(v.shape)}).",
            )
    return jnp.squeeze(v, ax)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """``input`` with a new dimension of length 1 at ``axis``.

    Args:
        input: A tensor.
        axis: Where the new dimension goes, an int in ``[-rank - 1, rank]`` (or a list of one int).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ExpandDims``).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of rank one more than ``input``'s.

    Raises:
        ValueError: no axis is given, it is out of range, or both ``axis`` and ``dim`` are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.expand_dims([1, 2], 1)
        Array([[1],
               [2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.expand_dims.
    """
    op_name(name, "ExpandDims")
    a = alias("expand_dims", axis, dim, "axis", "dim")
    if a is None:
        raise OpArgumentError("expand_dims", "needs an axis: tf.expand_dims(x, axis=0).")
    v = convert(input, op="expand_dims", arg="input")
    # TF1's kernel takes any axis tensor of one element (BERT writes ``axis=[-1]``).
    if isinstance(a, (list, tuple, np.ndarray, jax.Array)) and np.size(a) == 1:
        a = np.reshape(np.asarray(a), ()).item()
    return jnp.expand_dims(v, _axis("expand_dims", a, v.ndim, extra=1))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """``a`` with its dimensions permuted by ``perm`` (reversed by default).

    Args:
        a: A tensor.
        perm: A permutation of ``range(rank)``, or ``None`` (reverse the dimensions).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``transpose``).
        conjugate: Whether to also conjugate (complex ``a``).

    Returns:
        A jax array of ``a``'s dtype.

    Raises:
        ValueError: ``perm`` is not a permutation of the dimensions.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.transpose([[1, 2, 3], [4, 5, 6]])
        Array([[1, 4],
               [2, 5],
               [3, 6]], dtype=int32)

    TF1 equivalent: tf.compat.v1.transpose.
    """
    op_name(name, "transpose")
    v = convert(a, op="transpose", arg="a")
    if perm is not None:
        perm = static_ints("transpose", perm, "perm")
        if sorted(perm) != list(builtins.range(v.ndim)):
            raise OpArgumentError(
                "transpose",
                f"perm {perm} is not a permutation of the {v.ndim} dimensions of shape "
                f"{_shape_str(v.shape)}.",
            )
    out = jnp.transpose(v, perm)
    return jnp.conj(out) if conjugate else out


def slice(input_, begin, size, name=None):  # noqa: A001 - TF1's name
    """The block of ``input_`` that starts at ``begin`` and has ``size``.

    Args:
        input_: A tensor.
        begin: The start in each dimension: a list of ints, one per dimension.
        size: The length in each dimension: a list of ints; -1 takes the rest of the dimension.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Slice``).

    Returns:
        A jax array of ``input_``'s dtype and shape ``size`` (-1 entries resolved).

    Raises:
        ValueError: ``begin``/``size`` do not have one entry per dimension, or the block is out of
            bounds.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, -1])
        Array([[2, 3],
               [5, 6]], dtype=int32)

    TF1 equivalent: tf.compat.v1.slice (``size`` -1: to the end).
    """
    op_name(name, "Slice")
    v = convert(input_, op="slice", arg="input_")
    b, s = static_ints("slice", begin, "begin"), static_ints("slice", size, "size")
    if len(b) != v.ndim or len(s) != v.ndim:
        raise OpArgumentError(
            "slice",
            f"begin {b} and size {s} must have one entry per dimension of shape "
            f"{_shape_str(v.shape)}.",
        )
    s = [d - bi if si == -1 else si for d, bi, si in zip(v.shape, b, s, strict=True)]
    if any(bi < 0 or si < 0 or bi + si > d for d, bi, si in zip(v.shape, b, s, strict=True)):
        raise OpArgumentError(
            "slice", f"begin {b} + size {s} is out of bounds for shape {_shape_str(v.shape)}."
        )
    return jax.lax.slice(v, b, [bi + si for bi, si in zip(b, s, strict=True)])


def tile(input, multiples, name=None):  # noqa: A002
    """``input`` repeated ``multiples[i]`` times along each dimension ``i``.

    Args:
        input: A tensor.
        multiples: A list of non-negative ints, one per dimension.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Tile``).

    Returns:
        A jax array of ``input``'s dtype.

    Raises:
        ValueError: ``multiples`` does not have one non-negative entry per dimension.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tile([[1, 2]], [2, 2])
        Array([[1, 2, 1, 2],
               [1, 2, 1, 2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.tile.
    """
    op_name(name, "Tile")
    v = convert(input, op="tile", arg="input")
    m = static_ints("tile", multiples, "multiples")
    if len(m) != v.ndim or any(i < 0 for i in m):
        raise OpArgumentError(
            "tile",
            f"multiples {m} must have one non-negative entry per dimension of shape "
            f"{_shape_str(v.shape)}.",
        )
    return jnp.tile(v, m)


_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """``tensor`` padded by ``paddings[i] = [before, after]`` in each dimension ``i``.

    Args:
        tensor: A tensor.
        paddings: An int list of shape ``[rank, 2]``, non-negative.
        mode: ``"CONSTANT"``, ``"REFLECT"`` or ``"SYMMETRIC"`` (any case), as ``numpy.pad``'s modes.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Pad``).
        constant_values: The value padded in ``CONSTANT`` mode, of ``tensor``'s dtype.

    Returns:
        A jax array of ``tensor``'s dtype.

    Raises:
        ValueError: ``paddings`` has the wrong shape or a negative entry, ``mode`` is unknown, or a
            ``REFLECT``/``SYMMETRIC`` padding exceeds the dimension.
        TypeError: ``constant_values``'s dtype differs from ``tensor``'s.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.pad([[1, 2]], [[1, 0], [0, 1]])
        Array([[0, 0, 0],
               [1, 2, 0]], dtype=int32)
        >>> tf.pad([1, 2, 3], [[2, 0]], "REFLECT")
        Array([3, 2, 1, 2, 3], dtype=int32)

    TF1 equivalent: tf.compat.v1.pad (modes case-insensitive, as TF1).
    """
    op_name(name, "Pad")
    v = convert(tensor, op="pad", arg="tensor")
    p = np.asarray(static_ints("pad", paddings, "paddings"))
    if np.shape(paddings) != (v.ndim, 2) or (p < 0).any():
        raise OpArgumentError(
            "pad",
            f"paddings must be non-negative with shape [{v.ndim}, 2] for a tensor of shape "
            f"{_shape_str(v.shape)}, got {np.asarray(paddings).tolist()}.",
        )
    p = p.reshape(v.ndim, 2)
    m = _PAD_MODES.get(str(mode).upper())
    if m is None:
        raise OpArgumentError("pad", f"mode must be one of {list(_PAD_MODES)}, got {mode!r}.")
    if m != "constant":
        limit = 0 if m == "reflect" else 1
        for d, (lo, hi) in zip(v.shape, p, strict=True):
            if lo > d - 1 + limit or hi > d - 1 + limit:
                raise OpArgumentError(
                    "pad",
                    f"paddings {p.tolist()} must be less than{' or equal to' if limit else ''} "
                    f"the dimension size in {mode} mode (shape {_shape_str(v.shape)}).",
                )
        return jnp.pad(v, p, mode=m)
    (c,) = same_dtype("pad", tensor=v, constant_values=constant_values)[1:]
    return jnp.pad(v, p, constant_values=c)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF1's name
    """The numbers from ``start`` up to (not including) ``limit`` by ``delta``.

    Args:
        start: The first value (or, with ``limit`` None, the limit; the start is then 0).
        limit: The end, not included; ``None``: ``start`` is the limit.
        delta: The step, not 0.
        dtype: The dtype, or ``None``: the widest of the arguments' (int32 < int64 < float32 <
            float64).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``range``).

    Returns:
        A 1-D jax array.

    Raises:
        ValueError: ``delta`` is 0, or an argument is traced (the length is static in jax).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.range(5)
        Array([0, 1, 2, 3, 4], dtype=int32)
        >>> tf.range(1., 2., 0.25)
        Array([1.  , 1.25, 1.5 , 1.75], dtype=float32)

    TF1 equivalent: tf.compat.v1.range.
    """
    op_name(name, "range")
    if limit is None:
        start, limit = 0, start
    vals = [convert(v, op="range") for v in (start, limit, delta)]
    if dtype is None:
        order = [np.int32, np.int64, np.float32, np.float64]
        dt = builtins.max(
            (np.dtype(v.dtype) for v in vals),
            key=lambda d: order.index(d.type) if d.type in order else 0,
        )
    else:
        dt = _dtype(dtype)
    for v in (start, limit, delta):
        if isinstance(v, jax.core.Tracer):
            raise OpArgumentError(
                "range", "start, limit and delta must be known when the program is traced (the "
                "result's length is static in jax); pass Python numbers or numpy values.",
            )  # fmt: skip
    # the values as given (Python numbers are constants under jit: no traced conversion)
    s, lim, d = (np.asarray(v).astype(dt) for v in (start, limit, delta))
    if d == 0:
        raise OpArgumentError("range", "delta must not be zero.")
    return jnp.arange(s, lim, d, dtype=dt)


def reverse(tensor, axis, name=None):
    """``tensor`` with the order of its elements reversed along the axes ``axis``.

    Args:
        tensor: A tensor.
        axis: A list of axes (ints in ``[-rank, rank)``) to reverse.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``ReverseV2``).

    Returns:
        A jax array of ``tensor``'s shape and dtype.

    Raises:
        ValueError: an axis is out of range or repeated.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.reverse([[1, 2], [3, 4]], [1])
        Array([[2, 1],
               [4, 3]], dtype=int32)

    TF1 equivalent: tf.compat.v1.reverse (= reverse_v2: a list of axes).
    """
    op_name(name, "ReverseV2")
    v = convert(tensor, op="reverse", arg="tensor")
    return jnp.flip(v, axes("reverse", axis, v.ndim))


reverse_v2 = reverse
