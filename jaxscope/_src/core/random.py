"""``next_rng_key``: random numbers inside a transformed function (dropout, sampling, noise).

TF1 ops drew from a per-graph seed with a per-op counter; here ``apply(..., rng=key)`` (and
``init``'s key) seeds the call, and each ``next_rng_key()`` folds in a counter, so a call's keys
are reproducible from its one key and distinct from each other.
"""

from __future__ import annotations

import jax
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import MissingRngError, RngInTransformError

# init's body gets keys independent of the initializers' (which fold in name hashes).
_INIT_SALT = 0x6A73


def next_rng_key() -> jax.Array:
    """A fresh PRNG key for a random op inside the transformed function.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def dropout(x, rate=0.5):
      ...     keep = jax.random.bernoulli(js.next_rng_key(), 1 - rate, x.shape)
      ...     return jnp.where(keep, x / (1 - rate), 0.0)
      >>> f = js.transform(dropout)
      >>> f.apply({}, jnp.ones([4]), rng=jax.random.key(0)).shape
      (4,)

    Inside a ``jax.lax.scan`` / ``fori_loop`` / ``while_loop`` / ``vmap`` body (any JAX
    transformation opened inside the transformed function, also ``cond`` and ``checkpoint``) it
    raises: such a body is traced once, so it would return the same key at every iteration,
    where TF1 drew afresh. Take one key outside the loop and derive one per step with
    ``jax.random.fold_in(key, i)`` (or ``jax.random.split(key, n)`` scanned over).

    Raises:
      MissingRngError (a ``ValueError``) if ``apply`` was called without ``rng=``;
      RngInTransformError (a ``RuntimeError``) inside a transformation opened in the function.

    TF1 equivalent: the seed of tf.random.* ops (tf.compat.v1.set_random_seed + op counters)
    """
    fr = frame.current("next_rng_key")
    if fr.rng is None:
        raise MissingRngError()
    if get_opaque_trace_state() != fr.trace:  # a loop body would reuse one key at every step
        raise RngInTransformError()
    fr.rng_count += 1
    return jax.random.fold_in(fr.rng, fr.rng_count)
