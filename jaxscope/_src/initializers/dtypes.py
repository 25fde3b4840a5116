"""dtype and shape normalisation shared by scopes, variables and initializers."""

from __future__ import annotations

import operator

import jax
import numpy as np

from jaxscope._src.initializers.errors import (
    InitializerError,
    InvalidDtypeError,
    InvalidShapeError,
    ShapeTypeError,
)

Shape = tuple[int | None, ...]


_AS_DTYPE: dict = {}
_CANONICAL: dict = {}


def as_dtype(dtype, name: str = "?") -> np.dtype:
    """Any dtype spelling (``jnp.float32``, ``"float32"``, ``np.int64``) as a numpy dtype.

    This is the dtype TF1 would see: reuse checks compare these, so asking for ``float64``
    where ``float32`` exists is an error even when JAX stores both as float32. A spelling that is
    no dtype, or a dtype JAX cannot store (strings, objects), raises ``InvalidDtypeError``
    naming the variable ``name``.
    """
    try:
        return _AS_DTYPE[dtype]
    except (KeyError, TypeError):
        pass
    spelled = dtype[:-4] if isinstance(dtype, str) and dtype.endswith("_ref") else dtype  # TF1 ref
    try:
        out = np.dtype(spelled)
    except TypeError as e:
        raise InvalidDtypeError(name, dtype, f"is not a dtype ({e})") from None
    if out.kind in "OSUMm" or (out.kind == "V" and not jax.numpy.issubdtype(out, np.number)):
        raise InvalidDtypeError(
            name,
            str(out),
            "cannot be stored in a JAX array (TF1's string variables have no JAX twin)",
        )
    try:
        _AS_DTYPE[dtype] = out
    except TypeError:
        pass
    return out


def canonical(dtype) -> np.dtype:
    """The dtype JAX actually stores (``float64`` is ``float32`` unless ``jax_enable_x64``)."""
    key = (dtype, jax.config.jax_enable_x64)
    try:
        return _CANONICAL[key]
    except KeyError:
        out = _CANONICAL[key] = jax.dtypes.canonicalize_dtype(np.dtype(dtype))
        return out


def as_shape(shape, name: str = "?") -> Shape | None:
    """``None``, an int, or a sequence of ints/None as a tuple (``None`` stays unknown).

    As in TF1, dimensions must be integers (numpy ints are fine; bools, floats and strings raise
    ``ShapeTypeError``, a ``TypeError``) and >= 0 (``InvalidShapeError``, a ``ValueError``).
    ``name`` is the variable the errors name.
    """
    if shape is None:
        return None
    if isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if not isinstance(shape, (list, tuple)) and hasattr(shape, "__index__"):
        shape = (shape,)
    try:
        if None not in shape:
            out = tuple(map(operator.index, shape))
        else:
            out = tuple(None if d is None else operator.index(d) for d in shape)
    except TypeError:
        raise ShapeTypeError(name, shape, _bad_dim(shape)) from None
    if bool in map(type, shape):  # operator.index(True) is 1
        raise ShapeTypeError(name, shape, next(d for d in shape if type(d) is bool))
    known = out if None not in out else [d for d in out if d is not None]
    if known and min(known) < 0:
        raise InvalidShapeError(name, shape, min(known))
    return out


def _bad_dim(shape):
    if not hasattr(shape, "__iter__"):
        return shape  # not a sequence: the shape itself is the bad value
    for d in shape:
        if d is not None and not hasattr(d, "__index__"):
            return d
    return shape


def is_fully_defined(shape: Shape | None) -> bool:
    return shape is not None and None not in shape


def compatible(shape: Shape | None, found: Shape) -> bool:
    """TF1's ``TensorShape.is_compatible_with``: unknown shapes and dims match anything."""
    if shape is None:
        return True
    return len(shape) == len(found) and all(
        a is None or a == b for a, b in zip(shape, found, strict=True)
    )


def is_floating(dtype: np.dtype) -> bool:
    return jax.numpy.issubdtype(dtype, jax.numpy.floating)


def is_int_or_bool(dtype: np.dtype) -> bool:
    return jax.numpy.issubdtype(dtype, jax.numpy.integer) or dtype == np.bool_


def checked_initial_value(name: str, value, shape: Shape, dtype):
    """An initializer's result, checked for the declared shape and dtype.

    A numpy or Python result converts to ``dtype`` (as TF1's ``convert_to_tensor``); a JAX array
    of another dtype is an error (TF1: ``ValueError``), never a silent cast.
    """
    if not isinstance(value, jax.Array):
        value = jax.numpy.asarray(value, canonical(dtype))
    if tuple(value.shape) != shape:
        raise InitializerError(
            name, f"the initializer returned shape {tuple(value.shape)} for the declared shape "
            f"{shape}.", "Fix the initializer to honour its shape argument.",
        )  # fmt: skip
    if canonical(value.dtype) != canonical(dtype):
        raise InitializerError(
            name, f"the initializer returned dtype {canonical(value.dtype)} for the declared dtype "
            f"{canonical(dtype)}; TF1 never casts an initializer's tensor (ValueError).",
            f"Return the declared dtype from the initializer: value.astype(jnp.{canonical(dtype)}).",
        )  # fmt: skip
    return value
