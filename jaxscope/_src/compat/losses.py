"""TF1's ``tf.losses``: each loss computes TF1's per-element loss, weighs and reduces it as
``compute_weighted_loss`` does (``Reduction``, float32 arithmetic, ``div_no_nan``), and files the
result in ``GraphKeys.LOSSES`` for ``get_losses`` / ``get_total_loss``.

Inside a transform a loss opens TF1's name scope (``softmax_cross_entropy_loss``, ...) and is
filed as ``<scope>/value:0``; outside one there is no collection and the loss is only returned.
"""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp

from jaxscope._src.compat.common import convert
from jaxscope._src.compat.errors import OpArgumentError
from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys, _add, get_collection
from jaxscope._src.core.regularizers import get_regularization_loss as get_regularization_loss
from jaxscope._src.core.regularizers import get_regularization_losses as get_regularization_losses
from jaxscope._src.core.scope import name_scope


class Reduction:
    """TF1 equivalent: tf.compat.v1.losses.Reduction"""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise OpArgumentError(
                "losses", f"invalid Reduction key {key!r}.", f"one of {cls.all()}"
            )


def _scope(scope, default):
    return name_scope(scope, default) if frame._stack() else contextlib.nullcontext("")


def _f32(op, x, arg):
    return convert(x, op=op, arg=arg).astype(jnp.float32)


def _check_weights(op, losses, weights) -> None:
    """TF1's assert_broadcastable: a scalar, or one dim per loss dim, each 1 or equal."""
    if weights.ndim == 0:
        return
    ok = weights.ndim == losses.ndim and all(
        w in (1, n) for w, n in zip(weights.shape, losses.shape, strict=True)
    )
    if not ok:
        raise OpArgumentError(
            op,
            f"weights can not be broadcast to values: weights shape {list(weights.shape)}, values "
            f"shape {list(losses.shape)}.",
            "weights of the losses' shape, or 1 in the dimensions to broadcast",
        )


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """TF1 equivalent: tf.compat.v1.losses.add_loss"""
    if loss_collection and frame._stack():
        fr = frame.current("add_loss")
        _add(fr, loss_collection, loss, f"{fr.names.name_stack or 'loss'}/value:0")


def compute_weighted_loss(
    losses,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """TF1 equivalent: tf.compat.v1.losses.compute_weighted_loss"""
    Reduction.validate(reduction)
    with _scope(scope, "weighted_loss"):
        losses = convert(losses, op="losses.compute_weighted_loss", arg="losses")
        input_dtype = losses.dtype
        losses = losses.astype(jnp.float32)
        w = _f32("losses.compute_weighted_loss", weights, "weights")
        _check_weights("losses.compute_weighted_loss", losses, w)
        weighted = losses * w
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = jnp.sum(weighted)
            if reduction == Reduction.MEAN:
                denom = jnp.sum(jnp.ones_like(losses) * w)
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                denom = jnp.asarray(losses.size, jnp.float32)
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                present = jnp.broadcast_to(jnp.where(w == 0, 0.0, 1.0), losses.shape)
                denom = jnp.sum(present)
            else:
                denom = None
            if denom is not None:
                loss = jnp.where(denom == 0, 0.0, loss / jnp.where(denom == 0, 1.0, denom))
        loss = loss.astype(input_dtype)
        add_loss(loss, loss_collection)
    return loss


def _pair(op, labels, predictions, label_arg="labels", pred_arg="predictions"):
    if labels is None:
        raise OpArgumentError(op, f"{label_arg} must not be None.")
    if predictions is None:
        raise OpArgumentError(op, f"{pred_arg} must not be None.")
    p = _f32(op, predictions, pred_arg)
    y = _f32(op, labels, label_arg)
    if p.shape != y.shape:
        raise OpArgumentError(
            op,
            f"Shapes {list(p.shape)} and {list(y.shape)} are incompatible ({pred_arg} vs {label_arg}).",
        )
    return y, p


def _elementwise(op_name, default, fn):
    def loss(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
        with _scope(scope, default):
            y, p = _pair(f"losses.{op_name}", labels, predictions)
            return compute_weighted_loss(fn(y, p), weights, None, loss_collection, reduction)

    loss.__name__ = op_name
    loss.__doc__ = f"TF1 equivalent: tf.compat.v1.losses.{op_name}"
    return loss


absolute_difference = _elementwise(
    "absolute_difference", "absolute_difference", lambda y, p: jnp.abs(p - y)
)
mean_squared_error = _elementwise(
    "mean_squared_error", "mean_squared_error", lambda y, p: jnp.square(p - y)
)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.huber_loss"""
    with _scope(scope, "huber_loss"):
        y, p = _pair("losses.huber_loss", labels, predictions)
        err = jnp.abs(p - y)
        quadratic = jnp.minimum(err, delta)
        losses = 0.5 * quadratic * quadratic + delta * (err - quadratic)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.log_loss"""
    with _scope(scope, "log_loss"):
        y, p = _pair("losses.log_loss", labels, predictions)
        losses = -y * jnp.log(p + epsilon) - (1 - y) * jnp.log(1 - p + epsilon)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.hinge_loss (labels in {0, 1})"""
    with _scope(scope, "hinge_loss"):
        y, x = _pair("losses.hinge_loss", labels, logits, pred_arg="logits")
        losses = jax.nn.relu(1.0 - (2.0 * y - 1.0) * x)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.cosine_distance (inputs already unit-normalized)"""
    if dim is not None:
        if axis is not None:
            raise OpArgumentError("losses.cosine_distance", "cannot specify both 'dim' and 'axis'.")
        axis = dim
    if axis is None:
        raise OpArgumentError("losses.cosine_distance", "you must specify 'axis'.")
    with _scope(scope, "cosine_distance_loss"):
        y, p = _pair("losses.cosine_distance", labels, predictions)
        losses = 1 - jnp.sum(y * p, axis=axis, keepdims=True)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def _logits_labels(op, labels, logits, label_arg):
    if labels is None:
        raise OpArgumentError(op, f"{label_arg} must not be None.")
    if logits is None:
        raise OpArgumentError(op, "logits must not be None.")
    x = convert(logits, op=op, arg="logits")
    y = convert(labels, op=op, arg=label_arg).astype(x.dtype)
    if y.shape != x.shape:
        raise OpArgumentError(
            op,
            f"Shapes {list(x.shape)} and {list(y.shape)} are incompatible (logits vs {label_arg}).",
        )
    return y, x


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.sigmoid_cross_entropy"""
    with _scope(scope, "sigmoid_cross_entropy_loss"):
        op = "losses.sigmoid_cross_entropy"
        y, x = _logits_labels(op, multi_class_labels, logits, "multi_class_labels")
        if label_smoothing > 0:
            y = y * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = jnp.maximum(x, 0) - x * y + jnp.log1p(jnp.exp(-jnp.abs(x)))
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """TF1 equivalent: tf.compat.v1.losses.softmax_cross_entropy (no gradient into the labels)"""
    with _scope(scope, "softmax_cross_entropy_loss"):
        op = "losses.softmax_cross_entropy"
        y, x = _logits_labels(op, onehot_labels, logits, "onehot_labels")
        if label_smoothing > 0:
            n = y.shape[-1]
            y = y * (1 - label_smoothing) + label_smoothing / n
        y = jax.lax.stop_gradient(y)
        losses = -jnp.sum(y * jax.nn.log_softmax(x.astype(jnp.float32), axis=-1), axis=-1)
        return compute_weighted_loss(losses.astype(x.dtype), weights, None, loss_collection,
                                     reduction)  # fmt: skip


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """Differs from TF1: a label outside [0, num_classes) is refused when the labels are
    concrete (TF1's CPU kernel raises when the op runs); traced under jax.jit, its loss is NaN.

    TF1 equivalent: tf.compat.v1.losses.sparse_softmax_cross_entropy"""
    from jaxscope._src.nn.embedding import check_ids

    op = "losses.sparse_softmax_cross_entropy"
    with _scope(scope, "sparse_softmax_cross_entropy_loss"):
        if labels is None or logits is None:
            raise OpArgumentError(op, "labels and logits must not be None.")
        x = convert(logits, op=op, arg="logits")
        y = convert(labels, op=op, arg="labels")
        if y.ndim == x.ndim and y.shape[-1] == 1:
            y = y[..., 0]  # TF1's _remove_squeezable_dimensions
        if y.shape != x.shape[:-1]:
            raise OpArgumentError(
                op, f"labels shape {list(y.shape)} must equal logits shape {list(x.shape)} "
                "without its last dimension."
            )  # fmt: skip
        if y.dtype.kind not in "iu":
            raise OpArgumentError(op, f"labels must be int32 or int64, got {y.dtype.name}.")
        n = x.shape[-1]
        check_ids(y, n, op, "label", "the classes of logits")
        logp = jax.nn.log_softmax(x.astype(jnp.float32), axis=-1)
        picked = jnp.take_along_axis(logp, jnp.clip(y, 0, n - 1)[..., None], -1)[..., 0]
        losses = jnp.where((y >= 0) & (y < n), -picked, jnp.nan).astype(x.dtype)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """TF1 equivalent: tf.compat.v1.losses.get_losses"""
    return get_collection(loss_collection, scope)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """TF1 equivalent: tf.compat.v1.losses.get_total_loss"""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise OpArgumentError("losses.get_total_loss", "No losses to calculate the total loss.")
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    return total
