"""dtype and shape normalisation shared by scopes, variables and initializers."""

from __future__ import annotations

import operator

import jax
import numpy as np

Shape = tuple[int | None, ...]


_AS_DTYPE: dict = {}
_CANONICAL: dict = {}


def as_dtype(dtype) -> np.dtype:
    """Any dtype spelling (``jnp.float32``, ``"float32"``, ``np.int64``) as a numpy dtype.

    This is the dtype TF1 would see: reuse checks compare these, so asking for ``float64``
    where ``float32`` exists is an error even when JAX stores both as float32.
    """
    try:
        return _AS_DTYPE[dtype]
    except (KeyError, TypeError):
        pass
    spelled = dtype[:-4] if isinstance(dtype, str) and dtype.endswith("_ref") else dtype  # TF1 ref
    out = np.dtype(spelled)
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


def as_shape(shape) -> Shape | None:
    """``None``, an int, or a sequence of ints/None as a tuple (``None`` stays unknown).

    Dimensions must be integers (``operator.index``), as in TF1: ``3.0`` is an error.
    """
    if shape is None:
        return None
    if not isinstance(shape, (list, tuple)):
        try:
            return (operator.index(shape),)
        except TypeError:
            pass
    try:
        if None not in shape:
            return tuple(map(operator.index, shape))
        return tuple(None if d is None else operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(
            f"shape must be an int or a sequence of ints (None for unknown), got {shape!r}"
        ) from None


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
