"""TF1's ``tf.contrib.seq2seq.sequence_loss``: the weighted softmax cross entropy of a batch of
sequences, averaged or summed over time and batch as TF 1.15 does."""

from __future__ import annotations

import jax.numpy as jnp

from jaxscope._src.compat.common import op_name


def _sparse_softmax_cross_entropy(labels, logits):
    """TF1's kernel: ``log(sum(exp(logits - max))) - (logits[label] - max)`` per row."""
    shifted = logits - jnp.max(logits, axis=-1, keepdims=True)
    picked = jnp.take_along_axis(shifted, labels[:, None].astype(jnp.int32), axis=-1)[:, 0]
    return jnp.log(jnp.sum(jnp.exp(shifted), axis=-1)) - picked


def _div_no_nan(x, y):
    return jnp.where(y == 0, jnp.zeros_like(x), x / jnp.where(y == 0, jnp.ones_like(y), y))


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):  # fmt: skip
    """Weighted cross entropy of ``logits`` ``[batch, time, classes]`` against integer
    ``targets`` ``[batch, time]``, weighted by ``weights`` ``[batch, time]``.

    ``average_across_*`` divide the weighted sum by the sum of the weights, ``sum_over_*``
    by the number of non-zero weights (both 0 -> 0, TF's ``div_no_nan``); a dimension neither
    averaged nor summed is kept: the result is a scalar, ``[time]``, ``[batch]`` or
    ``[batch, time]``. ``softmax_loss_function(labels=, logits=)`` replaces the cross entropy.

    Args:
      logits: float logits ``[batch, time, classes]``.
      targets: int class ids ``[batch, time]``.
      weights: float weights ``[batch, time]`` (0 masks a step).
      average_across_timesteps: divide the time dimension's weighted sum by its total weight.
      average_across_batch: divide the batch dimension's weighted sum by its total weight.
      sum_over_timesteps: divide the time dimension's weighted sum by its count of non-zero
        weights.
      sum_over_batch: divide the batch dimension's weighted sum by its count of non-zero weights.
      softmax_loss_function: ``fn(labels=, logits=)`` replacing the sparse softmax cross entropy,
        or None.
      name: the op's name scope (default ``sequence_loss``).

    Returns:
      A float jax array: a scalar, ``[time]``, ``[batch]`` or ``[batch, time]``.

    Raises:
      ValueError: ``logits`` is not rank 3 or ``targets``/``weights`` not rank 2; both
        ``average_across_timesteps`` and ``sum_over_timesteps`` (or ``..._batch``) are set.

    Example:
      >>> import jax.numpy as jnp, jaxscope.compat.v1 as tf
      >>> loss = tf.contrib.seq2seq.sequence_loss(
      ...     jnp.zeros([2, 3, 4]), jnp.zeros([2, 3], jnp.int32), jnp.ones([2, 3]))
      >>> round(float(loss), 4)  # log(4)
      1.3863

    Differs from TF1: an out-of-range target gives an undefined value rather than TF's NaN on
    CPU / error on GPU.

    TF1 equivalent: tf.contrib.seq2seq.sequence_loss (TF 1.15)
    """
    logits, targets, weights = jnp.asarray(logits), jnp.asarray(targets), jnp.asarray(weights)
    if logits.ndim != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.ndim != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.ndim != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError(
            "average_across_timesteps and sum_over_timesteps cannot be set to True at same time."
        )
    if average_across_batch and sum_over_batch:
        raise ValueError(
            "average_across_batch and sum_over_batch cannot be set to True at same time."
        )
    op_name(name, "sequence_loss")  # TF1 opens a name scope of that name: the name is taken
    logits_flat = jnp.reshape(logits, (-1, logits.shape[2]))
    targets_flat = jnp.reshape(targets, (-1,))
    if softmax_loss_function is None:
        crossent = _sparse_softmax_cross_entropy(targets_flat, logits_flat)
    else:
        crossent = softmax_loss_function(labels=targets_flat, logits=logits_flat)
    crossent = crossent * jnp.reshape(weights, (-1,))
    count = (weights != 0).astype(crossent.dtype)
    if average_across_timesteps and average_across_batch:
        return _div_no_nan(jnp.sum(crossent), jnp.sum(weights))
    if sum_over_timesteps and sum_over_batch:
        return _div_no_nan(jnp.sum(crossent), jnp.sum(count))
    crossent = jnp.reshape(crossent, logits.shape[:2])
    if average_across_timesteps or average_across_batch:
        axis = 0 if average_across_batch else 1
        return _div_no_nan(jnp.sum(crossent, axis), jnp.sum(weights, axis))
    if sum_over_timesteps or sum_over_batch:
        axis = 0 if sum_over_batch else 1
        return _div_no_nan(jnp.sum(crossent, axis), jnp.sum(count, axis))
    return crossent
