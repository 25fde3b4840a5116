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
    """The keys of how a loss is reduced (``NONE``, ``SUM``, ``MEAN``, ``SUM_OVER_BATCH_SIZE``,
    ``SUM_BY_NONZERO_WEIGHTS``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.Reduction.MEAN, tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS
        ('weighted_mean', 'weighted_sum_by_nonzero_weights')
        >>> tf.losses.mean_squared_error([1., 2.], [2., 4.], reduction=tf.losses.Reduction.SUM)
        Array(5., dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.Reduction
    """

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
    """Files ``loss`` in ``loss_collection`` (inside a transform; outside one there is no collection
    and nothing happens).

    Args:
        loss: A loss tensor.
        loss_collection: The collection's name (``None``: do not file it).

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jaxscope
        >>> def model():
        ...     tf.losses.add_loss(tf.constant(2.))
        ...     return tf.losses.get_losses()
        >>> jaxscope.transform(model).apply({})
        [Array(2., dtype=float32)]

    TF1 equivalent: tf.compat.v1.losses.add_loss
    """
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
    """``losses`` weighted by ``weights`` and reduced as ``reduction`` says; the result is filed in
    ``loss_collection``.

    Args:
        losses: A tensor of per-element losses.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``weighted_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the losses's
        dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.compute_weighted_loss([1., 2., 3.], weights=[1., 0., 1.])
        Array(2., dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.compute_weighted_loss
    """
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


def _elementwise(op_name, default, fn, what, example):
    def loss(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
        with _scope(scope, default):
            y, p = _pair(f"losses.{op_name}", labels, predictions)
            return compute_weighted_loss(fn(y, p), weights, None, loss_collection, reduction)

    loss.__name__ = op_name
    loss.__doc__ = f"""The {what} of ``predictions`` and ``labels``, weighted and reduced.

    Args:
        labels: The targets, of ``predictions``' shape.
        predictions: The predicted values.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``{default}``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum
            over the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the
        predictions' dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        {example}

    TF1 equivalent: tf.compat.v1.losses.{op_name}"""
    return loss


absolute_difference = _elementwise(
    "absolute_difference",
    "absolute_difference",
    lambda y, p: jnp.abs(p - y),
    "mean absolute difference",
    ">>> tf.losses.absolute_difference([1., 2.], [2., 4.])\n        Array(1.5, dtype=float32)",
)
mean_squared_error = _elementwise(
    "mean_squared_error",
    "mean_squared_error",
    lambda y, p: jnp.square(p - y),
    "mean squared error",
    ">>> tf.losses.mean_squared_error([1., 2.], [2., 4.])\n        Array(2.5, dtype=float32)",
)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """The Huber loss of ``predictions - labels``: quadratic up to ``delta``, linear beyond,
    weighted and reduced.

    Args:
        labels: The targets, of ``predictions``' shape.
        predictions: The predicted values.
        delta: Where the loss turns from quadratic to linear.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``huber_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the
        predictions' dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.huber_loss([0., 0.], [0.5, 3.])
        Array(1.3125, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.huber_loss
    """
    with _scope(scope, "huber_loss"):
        y, p = _pair("losses.huber_loss", labels, predictions)
        err = jnp.abs(p - y)
        quadratic = jnp.minimum(err, delta)
        losses = 0.5 * quadratic * quadratic + delta * (err - quadratic)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """The log loss ``-y log(p + eps) - (1 - y) log(1 - p + eps)`` of probabilities ``predictions``,
    weighted and reduced.

    Args:
        labels: The targets in ``[0, 1]``, of ``predictions``' shape.
        predictions: Predicted probabilities.
        epsilon: Added inside the logarithms.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``log_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the
        predictions' dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.log_loss([1., 0.], [0.5, 0.5])
        Array(0.69314694, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.log_loss
    """
    with _scope(scope, "log_loss"):
        y, p = _pair("losses.log_loss", labels, predictions)
        losses = -y * jnp.log(p + epsilon) - (1 - y) * jnp.log(1 - p + epsilon)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):  # fmt: skip
    """The hinge loss ``max(0, 1 - (2 y - 1) * logits)`` of labels ``y`` in {0, 1}, weighted and
    reduced.

    Args:
        labels: The targets, 0 or 1, of ``logits``' shape.
        logits: The unbounded scores.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``hinge_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the logits's
        dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.hinge_loss([1., 0.], [2., 0.5])
        Array(0.75, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.hinge_loss (labels in {0, 1})
    """
    with _scope(scope, "hinge_loss"):
        y, x = _pair("losses.hinge_loss", labels, logits, pred_arg="logits")
        losses = jax.nn.relu(1.0 - (2.0 * y - 1.0) * x)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):  # fmt: skip
    """``1 - sum(labels * predictions, axis)`` for unit-normalized inputs, weighted and reduced.

    Args:
        labels: Unit-normalized targets, of ``predictions``' shape.
        predictions: Unit-normalized predictions.
        axis: The axis of the vectors (required).
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``cosine_distance_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the
        predictions' dtype.

    Raises:
        ValueError: ``axis`` is missing or given twice (with ``dim``).
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.cosine_distance([[1., 0.]], [[0.6, 0.8]], axis=1)
        Array(0.39999998, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.cosine_distance (inputs already unit-normalized)
    """
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
    """The sigmoid cross entropy of ``logits`` against ``multi_class_labels``, weighted and reduced.

    Args:
        multi_class_labels: Targets in ``[0, 1]``, of ``logits``' shape.
        logits: The unbounded scores.
        label_smoothing: If nonzero, labels are smoothed towards 1/2: ``y * (1 - s) + s / 2``.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``sigmoid_cross_entropy_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the logits's
        dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.sigmoid_cross_entropy([[1., 0.]], [[0., 0.]])
        Array(0.6931472, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.sigmoid_cross_entropy
    """
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
    """The softmax cross entropy of ``logits`` against ``onehot_labels``, one per example, weighted
    and reduced.

    Args:
        onehot_labels: One-hot (or probability) targets ``[batch, num_classes]``.
        logits: The unbounded scores ``[batch, num_classes]``.
        label_smoothing: If nonzero, labels are smoothed towards uniform:
            ``y * (1 - s) + s / num_classes``.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``softmax_cross_entropy_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the logits's
        dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.softmax_cross_entropy([[0., 1.]], [[0., 0.]])
        Array(0.6931472, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.softmax_cross_entropy (no gradient into the labels)
    """
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
    """The softmax cross entropy of ``logits`` against class indices ``labels``, weighted and
    reduced.

    Differs from TF1: a label outside [0, num_classes) is refused when the labels are
    concrete (TF1's CPU kernel raises when the op runs); traced under jax.jit, its loss is NaN.

    Args:
        labels: Class indices, int32/int64, of ``logits``' shape without its last dimension.
        logits: The unbounded scores ``[..., num_classes]``.
        weights: Weights broadcasting to the losses' shape (a scalar, or per example): each
            element's loss is multiplied by its weight.
        scope: The name scope of the loss (``None``: ``sparse_softmax_cross_entropy_loss``).
        loss_collection: The collection the loss is filed in (inside a transform).
        reduction: A ``Reduction`` key: how the weighted losses are reduced (default: their sum over
            the number of nonzero weights).

    Returns:
        A float jax scalar (a tensor of the losses' shape with ``Reduction.NONE``), of the logits's
        dtype.

    Raises:
        ValueError: an argument is None, the shapes differ, the weights do not broadcast, or
            ``reduction`` is unknown.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.losses.sparse_softmax_cross_entropy([1], [[0., 0.]])
        Array(0.6931472, dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.sparse_softmax_cross_entropy
    """
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
    """The losses filed in ``loss_collection`` (under ``scope``, a name-scope prefix).

    Args:
        scope: Only the losses whose name starts with it, or ``None`` (all).
        loss_collection: The collection's name.

    Returns:
        A list of the losses.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jaxscope
        >>> def model():
        ...     tf.losses.mean_squared_error([1.], [3.])
        ...     return tf.losses.get_losses()
        >>> jaxscope.transform(model).apply({})
        [Array(4., dtype=float32)]

    TF1 equivalent: tf.compat.v1.losses.get_losses
    """
    return get_collection(loss_collection, scope)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the filed losses and (by default) the regularization losses.

    Args:
        add_regularization_losses: Whether to add ``GraphKeys.REGULARIZATION_LOSSES``.
        name: Accepted for TF1's signature.
        scope: Only the losses under this name scope, or ``None`` (all).

    Returns:
        A jax scalar.

    Raises:
        ValueError: there is no loss to add.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jaxscope
        >>> def model():
        ...     tf.losses.mean_squared_error([1.], [3.])
        ...     tf.losses.absolute_difference([1.], [3.])
        ...     return tf.losses.get_total_loss()
        >>> jaxscope.transform(model).apply({})
        Array(6., dtype=float32)

    TF1 equivalent: tf.compat.v1.losses.get_total_loss
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise OpArgumentError("losses.get_total_loss", "No losses to calculate the total loss.")
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    return total
