"""Weight regularizers with TF1's definitions, and the regularization-loss collection.

``l1_regularizer(scale)`` is ``scale * sum(|w|)``; ``l2_regularizer(scale)`` is
``scale * sum(w**2) / 2`` (TF1's ``scale * tf.nn.l2_loss(w)``); ``l1_l2_regularizer`` is their sum.
A scale of 0 disables the regularizer (it returns ``None``), as in TF1.
"""

from __future__ import annotations

import numbers

import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys, _add, get_collection


def _check_scale(scale, what: str) -> None:
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{what}: scale cannot be an integer: {scale}; write {float(scale)}.")
    if not isinstance(scale, numbers.Real):
        raise ValueError(f"{what}: scale must be a float, got {scale!r}.")
    if scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}.")


def _scaled(scale: float, what: str, penalty):
    """``w -> scale * penalty(w)`` in ``w``'s dtype; ``None`` (disabled) for a scale of 0."""
    _check_scale(scale, what)
    if scale == 0.0:
        return lambda _: None

    def regularizer(w):
        w = jnp.asarray(w)
        return jnp.asarray(scale, w.dtype) * penalty(w)

    regularizer.__name__ = what.removesuffix("_regularizer")  # names the loss: "w/Regularizer/l2"
    return regularizer


def l1_regularizer(scale: float):
    """``w -> scale * sum(|w|)``.

    Args:
      scale: the factor.

    Returns:
      ``w -> loss``, for ``get_variable(regularizer=...)`` or a scope's ``regularizer``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.l1_regularizer(0.5)(jnp.array([1.0, -2.0]))
      Array(1.5, dtype=float32)

    TF1 equivalent: tf.contrib.layers.l1_regularizer
    """
    return _scaled(scale, "l1_regularizer", lambda w: jnp.sum(jnp.abs(w)))


def l2_regularizer(scale: float):
    """``w -> scale * sum(w**2) / 2``.

    Args:
      scale: the factor.

    Returns:
      ``w -> loss``, for ``get_variable(regularizer=...)`` or a scope's ``regularizer``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.l2_regularizer(0.5)(jnp.array([1.0, -2.0]))
      Array(1.25, dtype=float32)

    TF1 equivalent: tf.contrib.layers.l2_regularizer
    """
    return _scaled(scale, "l2_regularizer", lambda w: jnp.sum(jnp.square(w)) / 2)


def l1_l2_regularizer(scale_l1: float = 1.0, scale_l2: float = 1.0):
    """``l1_regularizer(scale_l1)(w) + l2_regularizer(scale_l2)(w)``.

    Args:
      scale_l1: the L1 factor.
      scale_l2: the L2 factor.

    Returns:
      ``w -> loss``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.l1_l2_regularizer(0.5, 0.5)(jnp.array([1.0, -2.0]))
      Array(2.75, dtype=float32)

    TF1 equivalent: tf.contrib.layers.l1_l2_regularizer
    """
    if scale_l1 == 0.0 and scale_l2 == 0.0:
        return lambda _: None
    l1, l2 = l1_regularizer(scale_l1), l2_regularizer(scale_l2)

    def l1_l2(w):
        parts = [p for p in (l1(w), l2(w)) if p is not None]
        return parts[0] if len(parts) == 1 else parts[0] + parts[1]

    return l1_l2


def no_regularizer(_):
    """Opts one variable out of its scope's regularizer.

    Args:
      _: the variable's value (ignored).

    Returns:
      None: no loss.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     with js.variable_scope("layer", regularizer=js.l2_regularizer(0.5)):
      ...         js.get_variable("w", [2], initializer=js.ones_initializer())
      ...         js.get_variable("b", [2], regularizer=js.no_regularizer)
      ...     return len(js.get_regularization_losses())  # only w's
      >>> js.transform(model).init_with_output(jax.random.key(0))[0]
      1

    TF1 equivalent: tf.compat.v1.no_regularizer
    """
    return None


def regularize(fr: frame.Frame, var, regularizer) -> None:
    """Runs ``regularizer`` on a newly created variable and files a non-None loss."""
    loss = regularizer(var)
    if loss is not None:
        name = getattr(regularizer, "__name__", "regularizer").strip("<>")
        _add(fr, GraphKeys.REGULARIZATION_LOSSES, loss, f"{var._node}/Regularizer/{name}:0")


def get_regularization_losses(scope: str | None = None) -> list:
    """The regularization losses of the variables created so far in this call.

    Args:
      scope: keep the items whose name matches this regex from its start (TF1's ``re.match``).

    Returns:
      A list of scalar losses, one per regularized variable (and per ``activity_regularizer``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     with js.variable_scope("layer", regularizer=js.l2_regularizer(0.5)):
      ...         js.get_variable("w", [2], initializer=js.ones_initializer())
      ...         js.get_variable("b", [2], regularizer=js.no_regularizer)
      ...     return js.get_regularization_losses()
      >>> js.transform(model).init_with_output(jax.random.key(0))[0]
      [Array(0.5, dtype=float32)]

    TF1 equivalent: tf.compat.v1.losses.get_regularization_losses
    """
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: str | None = None):
    """The sum of :func:`get_regularization_losses` (0.0 when there are none).

    ``loss = data_loss + jaxscope.get_regularization_loss()`` works as in TF1, and its gradient
    reaches the regularized variables.

    Args:
      scope: keep the items whose name matches this regex from its start (TF1's ``re.match``).

    Returns:
      A scalar.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     with js.variable_scope("layer", regularizer=js.l2_regularizer(0.5)):
      ...         js.get_variable("w", [2], initializer=js.ones_initializer())
      ...         js.get_variable("b", [2], regularizer=js.no_regularizer)
      ...     return js.get_regularization_loss()
      >>> js.transform(model).init_with_output(jax.random.key(0))[0]
      Array(0.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.get_regularization_loss
    """
    losses = get_regularization_losses(scope)
    if not losses:
        return jnp.asarray(0.0, jnp.float32)
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    return total
