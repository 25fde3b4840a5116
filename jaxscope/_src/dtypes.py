"""dtype and shape normalisation shared by scopes, variables and initializers."""

from __future__ import annotations

from collections.abc import Sequence

import jax
import numpy as np

Shape = tuple[int | None, ...]


def as_dtype(dtype) -> np.dtype:
    """Any dtype spelling (``jnp.float32``, ``"float32"``, ``np.int64``) as a numpy dtype.

    This is the dtype TF1 would see: reuse checks compare these, so asking for ``float64``
    where ``float32`` exists is an error even when JAX stores both as float32.
    """
    if isinstance(dtype, str) and dtype.endswith("_ref"):  # TF1 spelling of a ref dtype
        dtype = dtype[:-4]
    return np.dtype(dtype)


def canonical(dtype) -> np.dtype:
    """The dtype JAX actually stores (``float64`` is ``float32`` unless ``jax_enable_x64``)."""
    return jax.dtypes.canonicalize_dtype(np.dtype(dtype))


def as_shape(shape) -> Shape | None:
    """``None``, an int, or a sequence of ints/None as a tuple (``None`` stays unknown)."""
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if not isinstance(shape, Sequence) and not hasattr(shape, "__iter__"):
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}")
    return tuple(None if d is None else int(d) for d in shape)


def is_fully_defined(shape: Shape | None) -> bool:
    return shape is not None and all(d is not None for d in shape)


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
