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
from jax.typing import ArrayLike

from jaxscope._src.errors import GlobalStepError, TrainArgumentError


def _check_step(global_step, who: str) -> None:
    if global_step is None:
        raise GlobalStepError(
            who,
            "global_step is required (TF1 raises a ValueError too)",
            f"Give the step, or make a schedule of it for an optimizer:\n"
            f"    lr = lambda step: jaxscope.train.{who}(0.1, step, ...)",
        )


def _divisor(x, dtype) -> jax.Array:
    # XLA turns `x / constant` into `x * (1 / constant)`, which rounds differently from TF1's
    # division (and can push `1 - p` below 0 at the end of a polynomial decay); a barrier keeps
    # the divisor opaque, so the division stays a division.
    return jax.lax.optimization_barrier(jnp.asarray(x, dtype))


def _prepare(learning_rate, global_step, who):
    _check_step(global_step, who)
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

    Example:
      >>> import jaxscope as js
      >>> float(js.train.exponential_decay(0.1, 250, 100, 0.5, staircase=True))
      0.02500000037252903

    TF1 equivalent: tf.compat.v1.train.exponential_decay
    """
    lr, step = _prepare(learning_rate, global_step, "exponential_decay")
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

    TF1 equivalent: tf.compat.v1.train.inverse_time_decay
    """
    lr, step = _prepare(learning_rate, global_step, "inverse_time_decay")
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

    TF1 equivalent: tf.compat.v1.train.polynomial_decay
    """
    lr, step = _prepare(learning_rate, global_step, "polynomial_decay")
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

    TF1 equivalent: tf.compat.v1.train.cosine_decay
    """
    lr, step = _prepare(learning_rate, global_step, "cosine_decay")
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

    Example:
      >>> import jaxscope as js
      >>> [float(js.train.piecewise_constant(s, [10, 20], [1.0, 0.5, 0.1])) for s in (10, 11, 21)]
      [1.0, 0.5, 0.10000000149011612]

    TF1 equivalent: tf.compat.v1.train.piecewise_constant
    """
    if len(values) != len(boundaries) + 1:
        raise TrainArgumentError(
            "piecewise_constant",
            f"the length of boundaries ({len(boundaries)}) should be 1 less than the length of "
            f"values ({len(values)}), as in TF1",
            "values[i] holds up to boundaries[i], values[-1] after the last: "
            "piecewise_constant(step, [1000, 2000], [0.1, 0.01, 0.001]).",
        )
    _check_step(x, "piecewise_constant")
    x = jnp.asarray(x)
    vals = [jnp.asarray(v, jnp.float32 if isinstance(v, float) else None) for v in values]
    index = sum((x > jnp.asarray(b).astype(x.dtype)).astype(jnp.int32) for b in boundaries)
    return jnp.stack(vals)[index]
