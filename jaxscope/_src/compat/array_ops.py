"""TF1's array ops (``tf.reshape``, ``tf.concat``, ``tf.gather``, ...) with TF1's signatures.

Shapes are static in jax, so ``tf.shape`` / ``tf.rank`` / ``tf.size`` return numpy values (they
work wherever TF1 took their tensors: ``tf.reshape(x, [tf.shape(x)[0], -1])``).
"""

from __future__ import annotations

import builtins
import math

import jax
import jax.numpy as jnp
import numpy as np

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
from jaxscope._src.nn.embedding import check_ids

newaxis = None


def _shape_str(s) -> str:
    return "[" + ", ".join(str(d) for d in s) + "]"


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """TF1 equivalent: tf.compat.v1.convert_to_tensor."""
    op_name(name, "Const")
    hint = alias("convert_to_tensor", dtype_hint, preferred_dtype, "dtype_hint", "preferred_dtype")
    if dtype is None and hint is not None and not is_tensor(value):
        try:
            return convert(value, hint)
        except OpTypeError:
            pass
    return convert(value, dtype)


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """TF1 equivalent: tf.compat.v1.constant (a list shorter than ``shape`` is padded with its
    last element, as TF1's v1 constant does)."""
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
    """TF1 equivalent: tf.compat.v1.zeros."""
    op_name(name, "zeros")
    return jnp.zeros(static_ints("zeros", shape, "shape"), _dtype(dtype))


def ones(shape, dtype=dtypes.float32, name=None):
    """TF1 equivalent: tf.compat.v1.ones."""
    op_name(name, "ones")
    return jnp.ones(static_ints("ones", shape, "shape"), _dtype(dtype))


def fill(dims, value, name=None):
    """TF1 equivalent: tf.compat.v1.fill."""
    op_name(name, "Fill")
    v = convert(value, op="fill", arg="value")
    if v.ndim:
        raise OpArgumentError("fill", f"value must be a scalar, got shape {_shape_str(v.shape)}.")
    return jnp.full(static_ints("fill", dims, "dims"), v)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """TF1 equivalent: tf.compat.v1.zeros_like."""
    op_name(name, "zeros_like")
    t = convert(tensor, op="zeros_like", arg="tensor")
    return jnp.zeros(t.shape, t.dtype if dtype is None else _dtype(dtype))


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """TF1 equivalent: tf.compat.v1.ones_like."""
    op_name(name, "ones_like")
    t = convert(tensor, op="ones_like", arg="tensor")
    return jnp.ones(t.shape, t.dtype if dtype is None else _dtype(dtype))


def reshape(tensor, shape, name=None):
    """TF1 equivalent: tf.compat.v1.reshape."""
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
    return jnp.reshape(t, new)


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002 - TF1's argument name
    """Differs from TF1: returns a numpy array, not a tensor: shapes are static in jax (it
    works wherever TF1 took the tensor, e.g. ``tf.reshape(x, [tf.shape(x)[0], -1])``).

    TF1 equivalent: tf.compat.v1.shape"""
    op_name(name, "Shape")
    return np.array(jnp.shape(convert(input, op="shape", arg="input")), _dtype(out_type))


def rank(input, name=None):  # noqa: A002
    """Differs from TF1: returns a numpy int32, not a tensor: ranks are static in jax.

    TF1 equivalent: tf.compat.v1.rank"""
    op_name(name, "Rank")
    return np.int32(jnp.ndim(convert(input, op="rank", arg="input")))


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """Differs from TF1: returns a numpy scalar, not a tensor: sizes are static in jax.

    TF1 equivalent: tf.compat.v1.size"""
    op_name(name, "Size")
    return _dtype(out_type).type(jnp.size(convert(input, op="size", arg="input")))


def identity(input, name=None):  # noqa: A002
    """TF1 equivalent: tf.compat.v1.identity."""
    op_name(name, "Identity")
    return convert(input, op="identity", arg="input")


def stop_gradient(input, name=None):  # noqa: A002
    """TF1 equivalent: tf.compat.v1.stop_gradient."""
    op_name(name, "StopGradient")
    return jax.lax.stop_gradient(convert(input, op="stop_gradient", arg="input"))


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """Differs from TF1: returns ``input`` (the default always flows): there is no feed.

    TF1 equivalent: tf.compat.v1.placeholder_with_default"""
    op_name(name, "PlaceholderWithDefault")
    return convert(input, op="placeholder_with_default", arg="input")


def cast(x, dtype, name=None):
    """TF1 equivalent: tf.compat.v1.cast (float -> int truncates toward zero, as TF1)."""
    op_name(name, "Cast")
    return convert(x, op="cast", arg="x").astype(_dtype(dtype))


def to_float(x, name="ToFloat"):
    """TF1 equivalent: tf.compat.v1.to_float."""
    return cast(x, dtypes.float32, name)


def to_int32(x, name="ToInt32"):
    """TF1 equivalent: tf.compat.v1.to_int32."""
    return cast(x, dtypes.int32, name)


def to_int64(x, name="ToInt64"):
    """Differs from TF1: gives int32 unless jax_enable_x64 (jax computes 64-bit types in 32
    bits by default).

    TF1 equivalent: tf.compat.v1.to_int64"""
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
    """TF1 equivalent: tf.compat.v1.concat."""
    op_name(name, "concat")
    vals = _values("concat", values)
    if len(vals) == 1:
        return vals[0]
    ax = _axis("concat", axis, vals[0].ndim)
    _check_same_shapes("concat", vals, skip=ax)
    return jnp.concatenate(vals, ax)


def stack(values, axis=0, name="stack"):
    """TF1 equivalent: tf.compat.v1.stack."""
    op_name(name, "stack")
    if isinstance(values, (list, tuple)) and not values:
        return jnp.zeros((0,), jnp.float32)  # TF1 converts [] to an empty float32 tensor
    vals = _values("stack", values)
    ax = _axis("stack", axis, vals[0].ndim, extra=1)
    _check_same_shapes("stack", vals)
    return jnp.stack(vals, ax)


def unstack(value, num=None, axis=0, name="unstack"):
    """TF1 equivalent: tf.compat.v1.unstack (a list)."""
    op_name(name, "unstack")
    v = convert(value, op="unstack", arg="value")
    ax = _axis("unstack", axis, v.ndim)
    if num is not None and num != v.shape[ax]:
        raise OpArgumentError(
            "unstack", f"num={num} does not match dimension {ax} of shape {_shape_str(v.shape)}."
        )
    return [jnp.squeeze(p, ax) for p in jnp.split(v, v.shape[ax], ax)] if v.shape[ax] else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """TF1 equivalent: tf.compat.v1.split (a list)."""
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
    """TF1 equivalent: tf.compat.v1.squeeze."""
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
    """TF1 equivalent: tf.compat.v1.expand_dims."""
    op_name(name, "ExpandDims")
    a = alias("expand_dims", axis, dim, "axis", "dim")
    if a is None:
        raise OpArgumentError("expand_dims", "needs an axis: tf.expand_dims(x, axis=0).")
    v = convert(input, op="expand_dims", arg="input")
    return jnp.expand_dims(v, _axis("expand_dims", a, v.ndim, extra=1))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """TF1 equivalent: tf.compat.v1.transpose."""
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
    """TF1 equivalent: tf.compat.v1.slice (``size`` -1: to the end)."""
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
    """TF1 equivalent: tf.compat.v1.tile."""
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
    """TF1 equivalent: tf.compat.v1.pad (modes case-insensitive, as TF1)."""
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


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Differs from TF1: an index out of range is refused when the op is called with concrete
    indices (TF1's CPU kernel raises when the op runs); traced under jax.jit, its rows are NaN
    (the dtype's fill value), never another row.

    TF1 equivalent: tf.compat.v1.gather"""
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
    """Differs from TF1: ``batch_dims`` other than 0 is refused (ValueError), not yet
    supported.

    TF1 equivalent: tf.compat.v1.gather_nd"""
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
    """TF1 equivalent: tf.compat.v1.one_hot (an index outside [0, depth) gives an all-off row)."""
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
    """One argument: the coordinates of true elements. Three: TF1's select -- ``x`` and ``y`` of
    one shape, ``condition`` of that shape or a vector over its first dimension (no broadcasting:
    that is ``tf.where_v2``).

    Differs from TF1: the one-argument form needs a concrete condition (the output's size
    depends on it: it is refused under jax.jit) and gives int32 coordinates unless
    jax_enable_x64 (TF1: int64).

    TF1 equivalent: tf.compat.v1.where"""
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
    """TF1 equivalent: tf.compat.v1.where_v2 (numpy broadcasting)."""
    if x is None and y is None:
        return where(condition, name=name)
    op_name(name, "SelectV2")
    c = convert(condition, op="where_v2", arg="condition")
    xv, yv = same_dtype("where_v2", x=x, y=y)
    try:
        return jnp.where(c, xv, yv)
    except ValueError as e:
        raise OpArgumentError("where_v2", f"shapes do not broadcast: {e}") from None


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF1's name
    """TF1 equivalent: tf.compat.v1.range."""
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
    s, lim, d = (np.asarray(v).astype(dt) for v in vals)
    if d == 0:
        raise OpArgumentError("range", "delta must not be zero.")
    return jnp.arange(s, lim, d, dtype=dt)


def reverse(tensor, axis, name=None):
    """TF1 equivalent: tf.compat.v1.reverse (= reverse_v2: a list of axes)."""
    op_name(name, "ReverseV2")
    v = convert(tensor, op="reverse", arg="tensor")
    return jnp.flip(v, axes("reverse", axis, v.ndim))


reverse_v2 = reverse


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """Differs from TF1: ``maxlen`` must be known when the program is traced (it decides the
    output's shape; with ``maxlen=None``, ``lengths`` must be concrete); TF1 takes tensors.

    TF1 equivalent: tf.compat.v1.sequence_mask"""
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
    """Differs from TF1: needs a concrete mask (the output's size depends on it), so it is
    refused under jax.jit; TF1 takes a mask tensor.

    TF1 equivalent: tf.compat.v1.boolean_mask"""
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
