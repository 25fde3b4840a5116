"""TF1's gradient clipping: ``clip_by_global_norm``, ``global_norm``, ``clip_by_norm``.

They take any pytree (TF1 took a list): a gradient tree from ``compute_gradients`` clips as it is.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from jaxscope._src.errors import TrainArgumentError


def global_norm(t_list) -> jax.Array:
    """``sqrt(sum(l2_loss(t)) * 2)`` over the leaves of ``t_list`` (None leaves skipped).

    TF1 equivalent: tf.compat.v1.global_norm
    """
    leaves = jax.tree.leaves(t_list)
    if not leaves:
        raise TrainArgumentError(
            "global_norm", "t_list holds no tensors", "Pass the gradients: global_norm(grads)."
        )
    half = jnp.sum(jnp.stack([jnp.sum(jnp.square(t)) / 2 for t in leaves]))
    return jnp.sqrt(half * jnp.asarray(2.0, half.dtype))


def clip_by_global_norm(t_list, clip_norm: ArrayLike, use_norm: ArrayLike | None = None):
    """Scales every leaf by ``clip_norm / max(global_norm, clip_norm)``.

    Returns TF1's pair ``(clipped, global_norm)``; the norm is of the unclipped values (or
    ``use_norm``). An infinite or NaN norm makes every clipped value NaN, as in TF1.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> clipped, norm = js.clip_by_global_norm({"w": jnp.array([3.0, 4.0])}, 1.0)
      >>> clipped["w"], norm
      (Array([0.6, 0.8], dtype=float32), Array(5., dtype=float32))

    TF1 equivalent: tf.clip_by_global_norm
    """
    norm = global_norm(t_list) if use_norm is None else jnp.asarray(use_norm)
    clip = jnp.asarray(clip_norm, norm.dtype)
    one = jnp.ones((), norm.dtype)
    scale = clip * jnp.minimum(one / norm, one / clip) + (norm - norm)
    return jax.tree.map(lambda t: t * scale.astype(t.dtype), t_list), norm


def clip_by_norm(t: ArrayLike, clip_norm: ArrayLike, axes=None) -> jax.Array:
    """``t * clip_norm / max(l2norm(t), clip_norm)``, the norm over ``axes`` (all by default).

    TF1 equivalent: tf.clip_by_norm
    """
    values = jnp.asarray(t)
    clip = jnp.asarray(jnp.maximum(clip_norm, 0), values.dtype)
    l2sum = jnp.sum(values * values, axis=axes, keepdims=True)
    pred = l2sum > 0
    l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
    return (values * clip) / jnp.maximum(l2norm, clip)
