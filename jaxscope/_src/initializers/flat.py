"""Flat draws: an initializer's value drawn by a program that does not depend on the shape.

With ``jax_threefry_partitionable`` (jax's default since 0.5), an element's random bits depend only
on the key and the element's row-major index, so the first ``n`` values of a draw of ``size >= n``
elements, reshaped, are the bits of the draw of any shape of ``n`` elements. Eager ``init`` then
compiles one program per (sampler, dtype, size bucket) instead of one per shape
(``jaxscope._src.core.initial``).

An initializer's :meth:`~jaxscope._src.initializers.catalogue.Initializer.flat_draw` says how: a
``sampler(key, (size,), dtype, *params)`` -- hashable, the static part of the program -- and the
shape's ``params``, 0-d numpy arrays passed at run time. The parameters that depend on the shape
(a variance-scaling stddev, a uniform's limit) are computed here on the host by the same float
operations, in the same dtype, as the per-shape program computes them from its constants: IEEE
``+ - * /`` and ``sqrt`` round correctly on both sides, so the bits agree
(``tests/test_flat_draws.py`` compares them with the per-shape draws). Samplers whose constant XLA
could fold into the transform (``normal * stddev``: ``sqrt(2) * stddev``) are not drawn flat.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import jax
import numpy as np


@dataclasses.dataclass(frozen=True)
class FlatDraw:
    """``sampler(key, (size,), dtype, *params)``: the values of a shape, drawn flat."""

    sampler: Callable
    params: tuple = ()


def scaled_truncated_normal(key, shape, dtype, stddev):
    """``truncated_normal(-2, 2) * stddev``: variance scaling's normal (jax's and TF1's fans)."""
    return jax.random.truncated_normal(key, -2, 2, shape, dtype) * stddev


def scaled_uniform(key, shape, dtype, scale):
    """``uniform(-1, 1) * scale``: ``jax.nn.initializers.variance_scaling``'s uniform."""
    return jax.random.uniform(key, shape, dtype, -1) * scale


def bounded_uniform(key, shape, dtype, minval, maxval):
    """``uniform(minval, maxval)`` with run-time bounds."""
    return jax.random.uniform(key, shape, dtype, minval, maxval)


def weak(value: float, dtype) -> np.ndarray:
    """A Python float as jax converts it when it meets an array of ``dtype``."""
    return np.asarray(value, dtype)


def jax_variance_scaling(scale, mode, distribution, shape, dtype) -> FlatDraw | None:
    """``jax.nn.initializers.variance_scaling(scale, mode, distribution)`` of ``shape`` (rank >= 2,
    default axes), with its constants computed as it computes them."""
    in_size, out_size = shape[-2], shape[-1]
    receptive_field_size = math.prod(shape) / in_size / out_size / 1
    fan_in, fan_out = in_size * receptive_field_size, out_size * receptive_field_size
    denominator = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = np.array(scale / denominator, dtype=dtype)
    if distribution == "truncated_normal":
        stddev = np.sqrt(variance) / np.array(0.87962566103423978, dtype)
        return FlatDraw(scaled_truncated_normal, (np.asarray(stddev, dtype),))
    if distribution == "uniform":
        return FlatDraw(scaled_uniform, (np.asarray(np.sqrt(np.asarray(3, dtype) * variance)),))
    return None  # normal: sqrt(2) * stddev may be folded into one constant


def uniform_within(limit: float, dtype) -> FlatDraw:
    """``jax.random.uniform(key, shape, dtype, -limit, limit)`` for a Python float ``limit``."""
    return FlatDraw(bounded_uniform, (weak(-limit, dtype), weak(limit, dtype)))


def truncated_times(stddev: float, dtype) -> FlatDraw:
    """``jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype) * stddev`` (a Python float)."""
    return FlatDraw(scaled_truncated_normal, (weak(stddev, dtype),))
