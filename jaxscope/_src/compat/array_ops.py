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
    # checked and resolved here, so lax's reshape (jnp.reshape would check and resolve again)
    return lax.reshape(t, tuple(t.size // known if d == -1 else d for d in new))


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
    """Under ``tf.control_dependencies``, a value that depends on its control inputs (see
    :func:`control_dependencies`).

    TF1 equivalent: tf.compat.v1.identity."""
    op_name(name, "Identity")
    value = convert(input, op="identity", arg="input")
    fr = frame.peek()
    if fr is not None and fr.control and fr.pending is not None:
        value = jnp.array(value, copy=True)  # a value of its own, to hang the dependency on
        fetch.depends(fr, value, [c for c in fr.control if isinstance(c, jax.Array)])
    return value


def stop_gradient(input, name=None):  # noqa: A002
    """TF1 equivalent: tf.compat.v1.stop_gradient."""
    op_name(name, "StopGradient")
    return jax.lax.stop_gradient(convert(input, op="stop_gradient", arg="input"))


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
    # TF1's kernel takes any axis tensor of one element (BERT writes ``axis=[-1]``).
    if isinstance(a, (list, tuple, np.ndarray, jax.Array)) and np.size(a) == 1:
        a = np.reshape(np.asarray(a), ()).item()
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
    """TF1 equivalent: tf.compat.v1.reverse (= reverse_v2: a list of axes)."""
    op_name(name, "ReverseV2")
    v = convert(tensor, op="reverse", arg="tensor")
    return jnp.flip(v, axes("reverse", axis, v.ndim))


reverse_v2 = reverse
