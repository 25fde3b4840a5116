"""TF1's global step: an int64 counter variable named ``global_step``, in ``GLOBAL_STEP``."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src.core.collections import GraphKeys, get_collection
from jaxscope._src.core.variable_store import get_variable
from jaxscope._src.core.variables import Variable
from jaxscope._src.initializers.catalogue import zeros_initializer
from jaxscope._src.train.errors import GlobalStepError


def get_global_step() -> Variable | None:
    """The variable of the ``GLOBAL_STEP`` collection, or None (inside a transformed function).

    Example:
      >>> import jax, jaxscope as js
      >>> def model():
      ...     step = js.train.get_or_create_global_step()
      ...     return js.train.get_global_step() is step
      >>> js.transform(model).init_with_output(jax.random.key(0))
      (True, {'params': {}, 'state': {'global_step': Array(0, dtype=int32)}})

    TF1 equivalent: tf.compat.v1.train.get_global_step
    """
    steps = get_collection(GraphKeys.GLOBAL_STEP)
    if len(steps) > 1:
        raise GlobalStepError(
            "get_global_step",
            f"the GLOBAL_STEP collection holds {len(steps)} variables; TF1 allows one",
            "Create the step once: jaxscope.train.get_or_create_global_step().",
        )
    return steps[0] if steps else None


def create_global_step() -> Variable:
    """Creates ``global_step``: int64 (int32 unless ``jax_enable_x64``), 0, not trainable.

    It lives in ``variables["state"]`` under the current variable scope (TF1 ignores name
    scopes here, as ``get_variable`` does). ``apply_gradients(..., global_step="global_step")``
    increments it.

    Example:
      >>> import jax, jaxscope as js
      >>> js.transform(js.train.create_global_step).init(jax.random.key(0))
      {'params': {}, 'state': {'global_step': Array(0, dtype=int32)}}

    TF1 equivalent: tf.compat.v1.train.create_global_step
    """
    if get_global_step() is not None:
        raise GlobalStepError(
            "create_global_step",
            '"global_step" already exists (TF1 raises the same ValueError)',
            "Share it: step = jaxscope.train.get_or_create_global_step().",
        )
    return get_variable(
        GraphKeys.GLOBAL_STEP,
        shape=[],
        dtype="int64",
        initializer=zeros_initializer(),
        trainable=False,
        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
    )


def get_or_create_global_step() -> Variable:
    """The global step variable, created by :func:`create_global_step` if missing.

    Example:
      >>> import jax, jaxscope as js
      >>> def model():
      ...     step = js.train.get_or_create_global_step()
      ...     return js.train.get_global_step() is step
      >>> js.transform(model).init_with_output(jax.random.key(0))
      (True, {'params': {}, 'state': {'global_step': Array(0, dtype=int32)}})

    TF1 equivalent: tf.compat.v1.train.get_or_create_global_step
    """
    step = get_global_step()
    return create_global_step() if step is None else step


def increment_step(step: jax.Array) -> jax.Array:
    """``step + 1``, saturating at the largest value of an integer ``step``'s dtype.

    Without ``jax_enable_x64`` TF1's int64 ``global_step`` is an int32, which would wrap from
    ``2**31 - 1`` to ``-2**31`` (a decay schedule then gives ``inf`` and the weights become
    ``-inf``). Raising is not possible under ``jit``, so the step stays at ``2**31 - 1`` (with
    x64, ``2**63 - 1``) and the schedule at its value there. TF1's int64 step never gets there.
    """
    if jnp.issubdtype(step.dtype, jnp.integer):
        return step + (step < jnp.iinfo(step.dtype).max).astype(step.dtype)
    return step + jnp.ones((), step.dtype)
