"""TF1's learning-rate decays (``tf.compat.v1.train.*_decay``), evaluated at a global step.

Each function takes TF1's arguments, ``global_step`` included, and returns the float32 learning
rate at that step with TF1's arithmetic (the step cast to float32, TF1's operation order). An
optimizer takes a schedule as a function of the step:
``AdamOptimizer(lambda step: exponential_decay(0.1, step, 1000, 0.96, staircase=True))``, and
``update(..., global_step=step)`` / ``apply_gradients(..., global_step="global_step")`` drive it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from jaxscope._src.train.errors import GlobalStepError, TrainArgumentError, TrainArgumentTypeError


def _check_step(global_step, who: str) -> None:
    if global_step is None:
        raise GlobalStepError(
            who,
            "global_step is required (TF1 raises a ValueError too)",
            f"Give the step, or make a schedule of it for an optimizer:\n"
            f"    lr = lambda step: jaxscope.train.{who}(0.1, step, ...)",
        )


def _dtype(value):
    """The dtype TF1 gives ``value`` (a Python int is int32, a float float32), as jax keeps it."""
    if isinstance(value, bool):
        return jnp.dtype(bool)
    if isinstance(value, int):
        return jnp.dtype(jnp.int32)
    if isinstance(value, float):
        return jnp.dtype(jnp.float32)
    if hasattr(value, "dtype"):
        return jax.dtypes.canonicalize_dtype(value.dtype)
    try:
        return jax.dtypes.canonicalize_dtype(np.asarray(value).dtype)
    except (TypeError, ValueError):
        return np.dtype(object)


def _check_numbers(who: str, **args) -> None:
    """TF1's checks of a schedule's Python arguments, made before tracing.

    None is refused with a ValueError (TF1: "None values not supported"), a non-numeric value
    (a string) with a TypeError. Values TF1 accepts (``decay_steps=0`` gives TF1's inf or NaN)
    are accepted, so that a port computes what TF1 computed.
    """
    for arg, value in args.items():
        if value is None:
            raise TrainArgumentError(
                who,
                f"{arg} is None (TF1 raises the same ValueError: None values not supported)",
                f"Pass a number: {who}(..., {arg}=...).",
            )
        dtype = _dtype(value)
        if not (jnp.issubdtype(dtype, jnp.integer) or jnp.issubdtype(dtype, jnp.floating)):
            raise TrainArgumentTypeError(
                who,
                f"{arg}={value!r} is {dtype}, not a number (TF1 refuses it too)",
                f"Pass a number: {who}(..., {arg}=...), not a string.",
            )


def _divisor(x, dtype) -> jax.Array:
    # XLA turns `x / constant` into `x * (1 / constant)`, which rounds differently from TF1's
    # division (and can push `1 - p` below 0 at the end of a polynomial decay); a barrier keeps
    # the divisor opaque, so the division stays a division.
    return jax.lax.optimization_barrier(jnp.asarray(x, dtype))


def _prepare(learning_rate, global_step, who):
    _check_step(global_step, who)
    _check_numbers(who, global_step=global_step)
    lr = jnp.asarray(learning_rate, jnp.float32)
    return lr, jnp.asarray(global_step).astype(lr.dtype)


def exponential_decay(
    learning_rate: ArrayLike,
    global_step: ArrayLike,
    decay_steps: ArrayLike,
    decay_rate: ArrayLike,
    staircase: bool = False,
    name: str | None = None,
) -> jax.Array:
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` (floored if ``staircase``).

    Args:
      learning_rate: the initial learning rate.
      global_step: the step count (a scalar, traced or not).
      decay_steps: the steps per decay by ``decay_rate``.
      decay_rate: the factor per ``decay_steps``.
      staircase: decay at whole multiples of ``decay_steps`` only.
      name: accepted for TF1's signature.

    Returns:
      The decayed learning rate, a float32 scalar.

    Example:
      >>> import jaxscope as js
      >>> float(js.train.exponential_decay(0.1, 250, 100, 0.5, staircase=True))
      0.02500000037252903

    TF1 equivalent: tf.compat.v1.train.exponential_decay
    """
    who = "exponential_decay"
    _check_numbers(who, learning_rate=learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    lr, step = _prepare(learning_rate, global_step, who)
    p = step / _divisor(decay_steps, lr.dtype)
    if staircase:
        p = jnp.floor(p)
    return lr * jnp.power(jnp.asarray(decay_rate, lr.dtype), p)


def inverse_time_decay(
    learning_rate: ArrayLike,
    global_step: ArrayLike,
    decay_steps: ArrayLike,
    decay_rate: ArrayLike,
    staircase: bool = False,
    name: str | None = None,
) -> jax.Array:
    """``learning_rate / (1 + decay_rate * global_step / decay_steps)`` (floored if ``staircase``).

    Args:
      learning_rate: the initial learning rate.
      global_step: the step count (a scalar, traced or not).
      decay_steps: the step unit of the decay.
      decay_rate: the decay per ``decay_steps``.
      staircase: floor ``global_step / decay_steps``.
      name: accepted for TF1's signature.

    Returns:
      The decayed learning rate, a float32 scalar.

    Example:
      >>> import jaxscope as js
      >>> float(js.train.inverse_time_decay(0.1, 100, 100, 1.0))
      0.05000000074505806

    TF1 equivalent: tf.compat.v1.train.inverse_time_decay
    """
    who = "inverse_time_decay"
    _check_numbers(who, learning_rate=learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    lr, step = _prepare(learning_rate, global_step, who)
    p = step / _divisor(decay_steps, lr.dtype)
    if staircase:
        p = jnp.floor(p)
    denom = jnp.ones((), lr.dtype) + jnp.asarray(decay_rate, lr.dtype) * p
    return lr / denom


def polynomial_decay(
    learning_rate: ArrayLike,
    global_step: ArrayLike,
    decay_steps: ArrayLike,
    end_learning_rate: ArrayLike = 0.0001,
    power: ArrayLike = 1.0,
    cycle: bool = False,
    name: str | None = None,
) -> jax.Array:
    """From ``learning_rate`` to ``end_learning_rate`` in ``decay_steps`` as ``(1 - p) ** power``.

    After ``decay_steps`` it stays at ``end_learning_rate``; with ``cycle=True`` it restarts with
    ``decay_steps`` multiplied by ``ceil(global_step / decay_steps)`` (1 at step 0).

    Args:
      learning_rate: the initial learning rate.
      global_step: the step count (a scalar, traced or not).
      decay_steps: the steps to reach ``end_learning_rate``.
      end_learning_rate: the final learning rate.
      power: the power of the polynomial (1: linear).
      cycle: restart after ``decay_steps`` instead of staying at the end.
      name: accepted for TF1's signature.

    Returns:
      The decayed learning rate, a float32 scalar.

    Example:
      >>> import jaxscope as js
      >>> float(js.train.polynomial_decay(0.1, 50, 100, end_learning_rate=0.0))
      0.05000000074505806

    TF1 equivalent: tf.compat.v1.train.polynomial_decay
    """
    who = "polynomial_decay"
    _check_numbers(who, learning_rate=learning_rate, decay_steps=decay_steps,
                   end_learning_rate=end_learning_rate, power=power)  # fmt: skip
    lr, step = _prepare(learning_rate, global_step, who)
    end = jnp.asarray(end_learning_rate, lr.dtype)
    steps = _divisor(decay_steps, lr.dtype)
    if cycle:
        multiplier = jnp.where(step == 0, jnp.ones((), lr.dtype), jnp.ceil(step / steps))
        steps = steps * multiplier
    else:
        step = jnp.minimum(step, steps)
    p = step / steps
    return (lr - end) * jnp.power(1 - p, jnp.asarray(power, lr.dtype)) + end


def cosine_decay(
    learning_rate: ArrayLike,
    global_step: ArrayLike,
    decay_steps: ArrayLike,
    alpha: float = 0.0,
    name: str | None = None,
) -> jax.Array:
    """Half a cosine from ``learning_rate`` to ``alpha * learning_rate`` in ``decay_steps``.

    Args:
      learning_rate: the initial learning rate.
      global_step: the step count (a scalar, traced or not).
      decay_steps: the steps of the half cosine.
      alpha: the final rate as a fraction of ``learning_rate``.
      name: accepted for TF1's signature.

    Returns:
      The decayed learning rate, a float32 scalar.

    Example:
      >>> import jaxscope as js
      >>> float(js.train.cosine_decay(0.1, 50, 100))
      0.04999999701976776

    TF1 equivalent: tf.compat.v1.train.cosine_decay
    """
    who = "cosine_decay"
    _check_numbers(who, learning_rate=learning_rate, decay_steps=decay_steps, alpha=alpha)
    lr, step = _prepare(learning_rate, global_step, who)
    steps = _divisor(decay_steps, lr.dtype)
    fraction = jnp.minimum(step, steps) / steps
    cosine = 0.5 * (1.0 + jnp.cos(jnp.asarray(math.pi, jnp.float32) * fraction))
    # TF1 computes (1 - alpha) in Python (float64) and converts it to float32 afterwards.
    decayed = jnp.asarray(1 - alpha, lr.dtype) * cosine + jnp.asarray(alpha, lr.dtype)
    return lr * decayed


def piecewise_constant(
    x: ArrayLike,
    boundaries: Sequence[ArrayLike],
    values: Sequence[ArrayLike],
    name: str | None = None,
) -> jax.Array:
    """``values[0]`` for ``x <= boundaries[0]``, ``values[i]`` for ``boundaries[i-1] < x <=
    boundaries[i]``, ``values[-1]`` after the last boundary.

    The arguments are checked before tracing, as TF1 checks them when it builds the graph: ``x``
    and each boundary are scalars of one kind (integer or floating point; TF1 also refuses
    int64 boundaries for an int32 step, which jax without x64 cannot tell apart), the boundaries
    do not decrease (TF1's ``case`` fails at run time on the steps where two intervals overlap;
    equal neighbours are accepted, as in TF1), and the values share one dtype and shape.

    Args:
      x: the step count (a scalar, traced or not).
      boundaries: increasing scalars, one fewer than ``values``.
      values: the value of each interval, of one dtype and shape.
      name: accepted for TF1's signature.

    Example:
      >>> import jaxscope as js
      >>> [float(js.train.piecewise_constant(s, [10, 20], [1.0, 0.5, 0.1])) for s in (10, 11, 21)]
      [1.0, 0.5, 0.10000000149011612]

    Raises:
      TrainArgumentError: a check above fails (a ``ValueError``, as TF1's).
      GlobalStepError: ``x`` is None.

    TF1 equivalent: tf.compat.v1.train.piecewise_constant
    """
    who = "piecewise_constant"
    if len(values) != len(boundaries) + 1:
        raise TrainArgumentError(
            who,
            f"the length of boundaries ({len(boundaries)}) should be 1 less than the length of "
            f"values ({len(values)}), as in TF1",
            "values[i] holds up to boundaries[i], values[-1] after the last: "
            "piecewise_constant(step, [1000, 2000], [0.1, 0.01, 0.001]).",
        )
    _check_step(x, who)
    _check_numbers(who, x=x, **{f"boundaries[{i}]": b for i, b in enumerate(boundaries)})
    _check_boundaries(x, boundaries)
    vals = _check_values(values)
    x = jnp.asarray(x)
    index = sum((x > jnp.asarray(b).astype(x.dtype)).astype(jnp.int32) for b in boundaries)
    return jnp.stack(vals)[index]


def _kind(dtype) -> str:
    return "an integer" if jnp.issubdtype(dtype, jnp.integer) else "a floating-point"


def _check_boundaries(x, boundaries) -> None:
    who = "piecewise_constant"
    for arg, value in (("x", x), *((f"boundaries[{i}]", b) for i, b in enumerate(boundaries))):
        if np.shape(value):
            raise TrainArgumentError(
                who,
                f"{arg} has shape {np.shape(value)}, but it must be a scalar (TF1 raises the same "
                "ValueError: Shape must be rank 0)",
                "Call it on one step; under jax.vmap each call sees a scalar step.",
            )
    x_dtype = _dtype(x)
    for i, b in enumerate(boundaries):
        if _kind(_dtype(b)) != _kind(x_dtype):
            raise TrainArgumentError(
                who,
                f"boundaries[{i}]={b!r} is {_dtype(b)} but x is {x_dtype}: boundaries must have "
                f"the same dtype as x, as in TF1 ({_kind(x_dtype)} step compared with "
                f"{_kind(_dtype(b))} boundary would be rounded)",
                f"Give boundaries of x's kind: piecewise_constant(step, "
                f"{[int(v) if not isinstance(v, jax.core.Tracer) else v for v in boundaries]}, "
                "values)"
                if jnp.issubdtype(x_dtype, jnp.integer)
                else "Give float boundaries: piecewise_constant(x, [10.0, 20.0], values).",
            )
    concrete = [b for b in boundaries if not isinstance(b, jax.core.Tracer)]
    if len(concrete) == len(boundaries):
        for i in range(len(concrete) - 1):
            if np.asarray(concrete[i + 1]) < np.asarray(concrete[i]):
                raise TrainArgumentError(
                    who,
                    f"boundaries must not decrease, but boundaries[{i}]={concrete[i]!r} > "
                    f"boundaries[{i + 1}]={concrete[i + 1]!r} (TF1's case fails at run time on "
                    "the steps in both intervals)",
                    f"Sort them with their values: piecewise_constant(step, "
                    f"{sorted(concrete, key=lambda v: float(np.asarray(v)))}, values re-ordered).",
                )


def _check_values(values) -> list[jax.Array]:
    """The values as arrays, of one dtype (TF1's rule) and one shape (jax's ``stack``)."""
    vals = [jnp.asarray(v, jnp.float32 if isinstance(v, float) else None) for v in values]
    for i, v in enumerate(vals[1:], 1):
        if _dtype(values[i]) != _dtype(values[0]) or v.shape != vals[0].shape:
            raise TrainArgumentError(
                "piecewise_constant",
                f"values[{i}]={values[i]!r} is {_dtype(values[i])} {v.shape} but values[0]="
                f"{values[0]!r} is {_dtype(values[0])} {vals[0].shape}: values must have "
                "elements all with the same dtype (TF1 raises the same ValueError) and shape",
                "Write them all as floats: piecewise_constant(step, [1000], [0.1, 1.0]), "
                "not [0.1, 1].",
            )
    return vals
