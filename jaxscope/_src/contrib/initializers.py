"""``tf.contrib.layers``' initializers: ``xavier_initializer`` and its ``variance_scaling_initializer``.

They differ from the core ``variance_scaling_initializer`` (a ``factor``, modes in capitals, and a
truncated normal of stddev ``sqrt(1.3 * factor / n)`` rather than a corrected one), so they are
their own class; fans are computed as contrib does (``[..., in, out]``; rank 1: ``n, n``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax

from jaxscope._src.initializers import flat
from jaxscope._src.initializers.catalogue import Initializer
from jaxscope._src.initializers.dtypes import as_dtype, is_floating

_MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


@dataclasses.dataclass(frozen=True)
class _ContribVarianceScaling(Initializer):
    factor: float = 2.0
    mode: str = "FAN_IN"
    uniform: bool = False
    seed: int | None = None
    dtype: Any = "float32"

    floats_only = True

    def sample(self, key, shape, dtype):
        n = self._n(shape)
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return jax.random.uniform(key, shape, dtype, -limit, limit)
        stddev = math.sqrt(1.3 * self.factor / n)
        return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype) * stddev

    def flat_draw(self, shape, dtype):
        n = self._n(shape)
        if self.uniform:
            return flat.uniform_within(math.sqrt(3.0 * self.factor / n), dtype)
        return flat.truncated_times(math.sqrt(1.3 * self.factor / n), dtype)

    def _n(self, shape) -> float:
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in shape[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        return {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[
            self.mode
        ]


def _check(mode, dtype):
    if not is_floating(as_dtype(dtype)):
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in _MODES:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype="float32"):  # fmt: skip
    """Variance ``factor / n`` (``n`` the fan in, out or their average): a normal truncated at two
    stddevs of ``sqrt(1.3 * factor / n)``, or a uniform in ``+-sqrt(3 * factor / n)``.

    Args:
      factor: the variance's scale.
      mode: ``"FAN_IN"``, ``"FAN_OUT"`` or ``"FAN_AVG"``.
      uniform: draw from a uniform distribution, else a truncated normal.
      seed: an int: the initializer then draws the same values at every call.
      dtype: a floating dtype.

    Raises:
      TypeError: ``dtype`` is not floating, or ``mode`` is not FAN_IN, FAN_OUT or FAN_AVG.

    Example:
      >>> import jax, jaxscope as js
      >>> init = js.slim.variance_scaling_initializer(factor=2.0, mode="FAN_IN")
      >>> init(jax.random.key(0), (300, 200)).std().round(2)  # sqrt(2 / 300)
      Array(0.08, dtype=float32)

    TF1 equivalent: tf.contrib.layers.variance_scaling_initializer
    """
    _check(mode, dtype)
    return _ContribVarianceScaling(float(factor), mode, bool(uniform), seed, dtype)


def xavier_initializer(uniform=True, seed=None, dtype="float32"):
    """Glorot: ``variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform)``.

    Args:
      uniform: draw from a uniform distribution, else a truncated normal.
      seed: an int: the initializer then draws the same values at every call.
      dtype: a floating dtype.

    Example:
      >>> import jax, jaxscope as js
      >>> def model():
      ...     return js.get_variable("w", [3, 2], initializer=js.slim.xavier_initializer())
      >>> js.transform(model).init(jax.random.key(0))["params"]["w"].shape
      (3, 2)

    TF1 equivalent: tf.contrib.layers.xavier_initializer
    """
    return variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer
