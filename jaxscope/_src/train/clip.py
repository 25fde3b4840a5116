"""TF1's gradient clipping: ``clip_by_global_norm``, ``global_norm``, ``clip_by_norm``.

They take any pytree (TF1 took a list): a gradient tree from ``compute_gradients`` clips as it is.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from jaxscope._src.train.errors import TrainArgumentError, TrainArgumentTypeError
from jaxscope._src.train.optimizer import named_leaves, spec


def _float_leaves(who: str, t_list) -> list:
    """The leaves of ``t_list``; all of one floating dtype, as TF1's ``stack`` of their norms."""
    named = named_leaves(t_list)[0]
    if not named:
        raise TrainArgumentError(
            who, "t_list holds no tensors", f"Pass the gradients: {who}(grads)."
        )
    first, (_, dtype) = named[0][0], spec(named[0][1])
    for name, leaf in named:
        got = spec(leaf)[1]
        if jnp.issubdtype(got, jnp.floating) and got == dtype:
            continue
        problem = (
            f't_list["{name}"] is {got}, not floating point'
            if not jnp.issubdtype(got, jnp.floating)
            else f't_list["{name}"] is {got} and t_list["{first}"] is {dtype}; they must share '
            "one dtype"
        )
        raise TrainArgumentTypeError(
            who,
            f"{problem} (TF1 raises the same TypeError)",
            "Cast them first: t_list = jax.tree.map(lambda t: t.astype(jnp.float32), t_list).",
        )
    return [leaf for _, leaf in named]


def _scalar(who: str, arg: str, value) -> jax.Array:
    """``value`` as an array; it must be a floating scalar (a norm), checked statically."""
    shape, dtype = spec(value)
    if shape:
        raise TrainArgumentError(
            who,
            f"{arg} has shape {shape}, but it is one norm for the whole list: Shapes () and {shape} "
            "are incompatible (TF1 would broadcast it over every tensor)",
            f"Pass a scalar: {who}(grads, 1.0, use_norm=jaxscope.global_norm(grads)).",
        )
    if not jnp.issubdtype(dtype, jnp.floating):
        raise TrainArgumentTypeError(
            who,
            f"{arg} is {dtype}; it must be floating point (TF1 raises the same TypeError)",
            f"Pass a float: {arg}=jnp.float32(...).",
        )
    return jnp.asarray(value)


def global_norm(t_list) -> jax.Array:
    """``sqrt(sum(l2_loss(t)) * 2)`` over the leaves of ``t_list`` (None leaves skipped).

    Args:
      t_list: a list (or any pytree) of arrays.

    Returns:
      A float scalar.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.global_norm([jnp.array([3.0]), jnp.array([4.0])])
      Array(5., dtype=float32)

    TF1 equivalent: tf.compat.v1.global_norm
    """
    leaves = _float_leaves("global_norm", t_list)
    half = jnp.sum(jnp.stack([jnp.sum(jnp.square(t)) / 2 for t in leaves]))
    return jnp.sqrt(half * jnp.asarray(2.0, half.dtype))


def clip_by_global_norm(t_list, clip_norm: ArrayLike, use_norm: ArrayLike | None = None):
    """Scales every leaf by ``clip_norm / max(global_norm, clip_norm)``.

    Returns TF1's pair ``(clipped, global_norm)``; the norm is of the unclipped values (or
    ``use_norm``). An infinite or NaN norm makes every clipped value NaN, as in TF1.

    Args:
      t_list: a list (or any pytree) of arrays; None leaves are kept as None.
      clip_norm: the largest global norm kept (a scalar).
      use_norm: the global norm to use instead of computing it.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> clipped, norm = js.clip_by_global_norm({"w": jnp.array([3.0, 4.0])}, 1.0)
      >>> clipped["w"], norm
      (Array([0.6, 0.8], dtype=float32), Array(5., dtype=float32))

    Raises:
      TrainArgumentError: ``clip_norm`` or ``use_norm`` is not a scalar (TF1 broadcasts it).
      TrainArgumentTypeError: the leaves do not share one floating dtype, or ``use_norm`` is
        an integer (TF1's TypeError). Both are checked statically, so also under ``jit``.

    TF1 equivalent: tf.clip_by_global_norm
    """
    who = "clip_by_global_norm"
    _float_leaves(who, t_list)
    if isinstance(clip_norm, int | float):  # a Python number is a float32 norm, as in TF1
        clip_norm = float(clip_norm)
    _scalar(who, "clip_norm", clip_norm)
    norm = global_norm(t_list) if use_norm is None else _scalar(who, "use_norm", use_norm)
    clip = jnp.asarray(clip_norm, norm.dtype)
    one = jnp.ones((), norm.dtype)
    scale = clip * jnp.minimum(one / norm, one / clip) + (norm - norm)
    return jax.tree.map(lambda t: t * scale.astype(t.dtype), t_list), norm


def clip_by_norm(t: ArrayLike, clip_norm: ArrayLike, axes=None) -> jax.Array:
    """``t * clip_norm / max(l2norm(t), clip_norm)``, the norm over ``axes`` (all by default).

    Args:
      t: the array.
      clip_norm: the largest norm kept (a scalar).
      axes: the axes of the norm (default: all).

    Returns:
      ``t`` scaled down where its norm exceeds ``clip_norm``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.clip_by_norm(jnp.array([3.0, 4.0]), 1.0)
      Array([0.6, 0.8], dtype=float32)

    TF1 equivalent: tf.clip_by_norm
    """
    values = jnp.asarray(t)
    clip = jnp.asarray(jnp.maximum(clip_norm, 0), values.dtype)
    l2sum = jnp.sum(values * values, axis=axes, keepdims=True)
    pred = l2sum > 0
    l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
    return (values * clip) / jnp.maximum(l2norm, clip)
