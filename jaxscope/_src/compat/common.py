"""What every compat op shares: TF1's op naming, TF1's tensor conversion and dtype rules, and the
argument aliases TF1 kept for compatibility (``keep_dims``, ``dim``, ``reduction_indices``)."""

from __future__ import annotations

import builtins
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.core import frame
from jaxscope._src.core.handle import Handle


def op_name(name: str | None, default: str) -> None:
    """Takes part in TF1's op naming: the op's name (``name`` or TF1's default, e.g. ``Reshape``)
    is marked as used in the current name scope, so a later ``name_scope`` of that name becomes
    ``name_1`` as in TF1. Outside a transform there is no graph and nothing to mark."""
    frames = frame._stack()
    if frames:
        names = frames[-1].names
        if name is None:
            names.unique_name(default)  # TF1's own op names are valid
        else:
            old, _ = names.enter(name)  # validates the name as TF1's op constructor does
            names.name_stack = old


def is_tensor(x) -> bool:
    """A value that has its dtype already (TF1: a ``Tensor``): jax arrays, tracers, variables."""
    return isinstance(x, (jax.Array, Handle)) or hasattr(x, "__jax_array__")


def _value_dtype(op: str, x) -> np.dtype:
    """The dtype TF1's ``convert_to_tensor`` infers for a Python or numpy value."""
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype
    a = np.asarray(x)
    if a.dtype == np.float64:
        return np.dtype(np.float32)
    if a.dtype == np.int64:
        in_range = a.size == 0 or (a.min() >= -(2**31) and a.max() < 2**31)
        return np.dtype(np.int32 if in_range else np.int64)
    if a.dtype == np.complex128:
        return np.dtype(np.complex64)
    if a.dtype.kind in "USO":
        raise OpTypeError(op, f"cannot convert {x!r} to a tensor (strings are not supported).")
    return a.dtype


def _fits(x, dtype: np.dtype) -> bool:
    """Whether a Python or numpy value converts to ``dtype`` as TF1 allows (no float -> int)."""
    kind = np.asarray(x).dtype.kind
    if isinstance(x, (np.ndarray, np.generic)):
        return (
            kind == dtype.kind or (kind in "iu" and dtype.kind in "iu") or kind == "f" == dtype.kind
        )
    target = "f" if dtype in (jnp.bfloat16, np.float16) else dtype.kind
    allowed = {"b": "b", "i": "iuf" + "c", "u": "iuf" + "c", "f": "fc", "c": "c"}
    return target in allowed.get(kind, "")


def convert(x, dtype=None, op: str = "convert_to_tensor", arg: str = "value") -> jax.Array:
    """``tf.convert_to_tensor``: a jax array, with TF1's dtype inference and refusals."""
    if dtype is None and isinstance(x, jax.Array):  # the common case, kept cheap
        return x
    want = None if dtype is None else dtypes.as_dtype(dtype).dtype
    if is_tensor(x):
        a = jnp.asarray(x)
        if want is not None and a.dtype != want:
            raise OpTypeError(
                op,
                f"{arg} has dtype {a.dtype.name}, the op needs {want.name}; TF1 never casts "
                "implicitly.",
                f"tf.cast({arg}, tf.{want.name})",
            )
        return a
    return jnp.asarray(value_array(x, want, op, arg))


def value_array(x, want: np.dtype | None, op: str, arg: str) -> np.ndarray:
    """A Python or numpy value as the numpy array TF1 would make of it (64-bit types as jax
    computes them: 32-bit unless jax_enable_x64)."""
    if want is None:
        want = _value_dtype(op, x)
    elif not _fits(x, want):
        raise OpTypeError(
            op,
            f"expected {want.name} for {arg}, got {x!r} of type {type(x).__name__}.",
            f"tf.cast({arg}, tf.{want.name}) or a value of that type",
        )
    return np.asarray(x, dtype=jax.dtypes.canonicalize_dtype(want))


def same_dtype(op: str, **args) -> list[jax.Array]:
    """Converts the inputs of an op whose inputs share one dtype attribute, as TF1's op builder
    does: the first tensor fixes the dtype and Python values convert to it; two tensors of
    different dtypes are refused (TF1 never promotes)."""
    names = list(args)
    first = next((n for n in names if is_tensor(args[n])), names[0])
    ref = convert(args[first], op=op, arg=first)
    out = []
    for n in names:
        if n == first:
            out.append(ref)
            continue
        v = args[n]
        if is_tensor(v) and jnp.asarray(v).dtype != ref.dtype:
            raise OpTypeError(
                op,
                f"input {n!r} has type {jnp.asarray(v).dtype.name} that does not match type "
                f"{ref.dtype.name} of argument {first!r}.",
                f"tf.cast({n}, tf.{ref.dtype.name})",
            )
        out.append(convert(v, ref.dtype, op, n))
    return out


def alias(op: str, value, old_value, name: str, old_name: str):
    """One of an argument and its deprecated alias (``keepdims`` / ``keep_dims``)."""
    if old_value is not None:
        if value is not None:
            raise OpArgumentError(op, f"cannot specify both {old_name!r} and {name!r}.")
        return old_value
    return value


def axis(op: str, a, ndim: int, arg: str = "axis", extra: int = 0) -> int:
    """A static axis in ``[-ndim - extra, ndim + extra)``, made non-negative."""
    if isinstance(a, (jax.Array, np.ndarray, np.generic)):
        if np.ndim(a) != 0:
            raise OpArgumentError(op, f"{arg} must be a scalar, got shape {np.shape(a)}.")
        a = int(a)
    if not isinstance(a, numbers.Integral) or isinstance(a, builtins.bool):
        raise OpTypeError(op, f"{arg} must be an int, got {a!r}.")
    n = ndim + extra
    if not -n <= a < n:
        raise OpArgumentError(
            op,
            f"{arg} {a} is out of range for a tensor of rank {ndim}: it must be in [{-n}, {n}).",
        )
    return int(a) % n if n else 0


def axes(op: str, a, ndim: int, arg: str = "axis") -> tuple[int, ...] | None:
    """``None`` (all axes) or a tuple of static axes, each checked as :func:`axis`."""
    if a is None:
        return None
    items = np.asarray(a).ravel().tolist() if not isinstance(a, (int, np.integer)) else [a]
    return tuple(axis(op, i, ndim, arg) for i in items)


def static_ints(op: str, x, arg: str) -> list[int]:
    """A shape-like argument that must be known when the program is traced."""
    try:
        return [int(i) for i in np.asarray(x).ravel()]
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        raise OpArgumentError(
            op,
            f"{arg} must be known when the program is traced (jax shapes are static), got a "
            "traced value.",
            f"compute {arg} from static shapes (x.shape) or Python ints.",
        ) from None
