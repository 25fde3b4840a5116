"""TF1's streaming metrics, ``tf.metrics.*``: each returns TF1's ``(value, update_op)``.

The metric's accumulators are variables made in the program with TF1's names
(``accuracy/total``, ``precision/true_positives/count``, ``auc/true_positives``), not trainable
(under ``variables["state"]``), filed in ``LOCAL_VARIABLES`` and ``METRIC_VARIABLES``. ``value``
reads them as this run found them; ``update_op`` is an :class:`~jaxscope._src.core.ops.Op` whose
assignments are the accumulations, made when the program returns it (TF1 runs what is fetched),
and whose fetched value is the updated metric, as ``session.run(update_op)`` gives in TF1.

Differs from TF1: ``update_op`` is an ``Op``, not a tensor: fetch it (``runner.run("update")``
gives the updated value) but do not compute with it; ``value`` and ``update_op`` fetched in one
run give the value before and after that run's update (TF1 leaves that order unspecified).
``local_variables_initializer`` is ``js.train.Runner.reset()``. The ``tf.assert_*`` checks that
TF1 adds at run time (``auc``'s predictions within [0, 1], ``mean_iou``'s class ids) are not made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import convert
from jaxscope._src.compat.errors import OpArgumentError
from jaxscope._src.core.collections import GraphKeys, add_to_collection
from jaxscope._src.core.ops import Op
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.core.variables import Variable

_KEYS = [GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES]


def metric_variable(shape, dtype, validate_shape=True, name=None) -> Variable:
    """A zero-initialized, non-trainable variable in ``LOCAL_VARIABLES`` and
    ``METRIC_VARIABLES``, named as TF1's ``Variable`` is (in the current name scope).

    TF1 equivalent: tf.compat.v1.metrics (metrics_impl.metric_variable)
    """
    shape, dtype = tuple(shape), np.dtype(dtype)
    return Variable(lambda: np.zeros(shape, dtype), trainable=False, collections=_KEYS, name=name)  # fmt: skip


def _finish(value, name: str, updates, result, metrics_collections, updates_collections):
    op = Op(name, updates, "AssignAdd", result=result)
    for key in metrics_collections or []:
        add_to_collection(key, value)
    for key in updates_collections or []:
        add_to_collection(key, op)
    return value, op


# -- argument shapes, as TF1's metrics check them --------------------------------------------------
def _squeeze(predictions, labels=None, weights=None):
    """TF1's ``_remove_squeezable_dimensions``: drops a trailing 1 where ranks differ by one;
    weights of one rank less than predictions gain a trailing axis."""
    if labels is not None:
        dp, dl = jnp.ndim(predictions), jnp.ndim(labels)
        if dp - dl == 1 and jnp.shape(predictions)[-1] == 1:
            predictions = jnp.squeeze(predictions, -1)
        elif dl - dp == 1 and jnp.shape(labels)[-1] == 1:
            labels = jnp.squeeze(labels, -1)
    if weights is not None:
        weights = convert(weights)
        dw, dp = jnp.ndim(weights), jnp.ndim(predictions)
        if dw == 0:
            pass
        elif dw - dp == 1 and jnp.shape(weights)[-1] == 1:
            weights = jnp.squeeze(weights, -1)
        elif dp - dw == 1:
            weights = jnp.expand_dims(weights, -1)
    return predictions, labels, weights


def _compatible(a, b, who: str) -> None:
    sa, sb = jnp.shape(a), jnp.shape(b)
    if len(sa) != len(sb) or any(x != y for x, y in zip(sa, sb, strict=True)):
        raise OpArgumentError(who, f"Shapes {sa} and {sb} are incompatible",
                              "pass predictions and labels of one shape.")  # fmt: skip


def _broadcast_weights(weights, values, who: str):
    """TF1's ``broadcast_weights``: a scalar, or each axis 1 or the values' (same rank)."""
    w, v = jnp.shape(weights), jnp.shape(values)
    if w and (len(w) != len(v) or any(a not in (1, b) for a, b in zip(w, v, strict=True))):
        raise OpArgumentError(who, f"weights can not be broadcast to values. values.shape="
                              f"{list(v)}, weights.shape={list(w)}.", "pass weights of the "
                              "values' shape, one per example ([batch]) or a scalar.")  # fmt: skip
    return jnp.broadcast_to(jnp.asarray(weights, jnp.float32), v)


# -- mean and its kin ---------------------------------------------------------------------------
def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of ``values`` over every batch: ``total / count``.

    Args:
        values: The tensor whose mean is taken.
        weights: Weights broadcasting to ``values``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``mean``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(x):
        ...     value, update_op = tf.metrics.mean(x)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1., 3.]))
        >>> runner.run("update", tf.constant([1., 3.]))
        Array(2., dtype=float32)
        >>> runner.run("update", tf.constant([5.]))
        Array(3., dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.mean
    """
    with variable_scope(name, "mean"):
        values = jnp.asarray(convert(values), jnp.float32)
        total = metric_variable([], jnp.float32, name="total")
        count = metric_variable([], jnp.float32, name="count")
        if weights is None:
            num = jnp.float32(jnp.size(values))
        else:
            values, _, weights = _squeeze(values, None, weights)
            weights = _broadcast_weights(weights, values, "mean")
            values, num = values * weights, jnp.sum(weights)
        new_total, new_count = total.value + jnp.sum(values), count.value + num
        value = _div_no_nan(total.value, jnp.maximum(count.value, 0))
        update = _div_no_nan(new_total, jnp.maximum(new_count, 0))
        return _finish(value, "update_op", [(total, new_total), (count, new_count)], update,
                       metrics_collections, updates_collections)  # fmt: skip


def _div_no_nan(a, b):
    return jnp.where(b == 0, jnp.zeros_like(a), a / jnp.where(b == 0, 1, b))


def _pair(labels, predictions, weights, who: str):
    predictions, labels, weights = _squeeze(convert(predictions), convert(labels), weights)
    _compatible(predictions, labels, who)
    return predictions, labels, weights


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):  # fmt: skip
    """How often ``predictions`` equal ``labels``.

    Args:
        labels: The true values, of ``predictions``' shape.
        predictions: The predicted values.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``accuracy``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.accuracy(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        >>> runner.run("update", tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        Array(0.6666667, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.accuracy
    """
    predictions, labels, weights = _pair(labels, predictions, weights, "accuracy")
    if predictions.dtype != labels.dtype:
        predictions = predictions.astype(labels.dtype)
    is_correct = jnp.asarray(predictions == labels, jnp.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):  # fmt: skip
    """The mean of ``|predictions - labels|`` over every batch.

    Args:
        labels: The true values, of ``predictions``' shape.
        predictions: The predicted values.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``mean_absolute_error``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.mean_absolute_error(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1., 2.]), tf.constant([2., 2.]))
        >>> runner.run("update", tf.constant([1., 2.]), tf.constant([2., 2.]))
        Array(0.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.mean_absolute_error
    """
    predictions, labels, weights = _pair(labels, predictions, weights, "mean_absolute_error")
    errors = jnp.abs(predictions - labels.astype(predictions.dtype))
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")  # fmt: skip


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):  # fmt: skip
    """The mean of ``(predictions - labels) ** 2`` over every batch.

    Args:
        labels: The true values, of ``predictions``' shape.
        predictions: The predicted values.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``mean_squared_error``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.mean_squared_error(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1., 2.]), tf.constant([2., 2.]))
        >>> runner.run("update", tf.constant([1., 2.]), tf.constant([2., 2.]))
        Array(0.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.mean_squared_error
    """
    predictions, labels, weights = _pair(labels, predictions, weights, "mean_squared_error")
    errors = jnp.square(predictions - labels.astype(predictions.dtype))
    return mean(errors, weights, metrics_collections, updates_collections,
                name or "mean_squared_error")  # fmt: skip


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):  # fmt: skip
    """The square root of the mean of ``(predictions - labels) ** 2`` over every batch.

    Args:
        labels: The true values, of ``predictions``' shape.
        predictions: The predicted values.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``root_mean_squared_error``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.root_mean_squared_error(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1., 2.]), tf.constant([2., 2.]))
        >>> runner.run("update", tf.constant([1., 2.]), tf.constant([2., 2.]))
        Array(0.70710677, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.root_mean_squared_error
    """
    predictions, labels, weights = _pair(labels, predictions, weights, "root_mean_squared_error")
    errors = jnp.square(predictions - labels.astype(predictions.dtype))
    mse, op = mean(errors, weights, None, None, name or "root_mean_squared_error")
    value = jnp.sqrt(mse)
    return _finish(value, op.name, op._updates, jnp.sqrt(op.result), metrics_collections,
                   updates_collections)  # fmt: skip


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):  # fmt: skip
    """The element-wise (weighted) mean of ``values`` over every batch.

    Args:
        values: The tensor whose element-wise mean is taken.
        weights: Weights broadcasting to ``values``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``mean``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(x):
        ...     value, update_op = tf.metrics.mean_tensor(x)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1., 3.]))
        >>> runner.run("update", tf.constant([1., 3.]))
        Array([1., 3.], dtype=float32)
        >>> runner.run("update", tf.constant([3., 5.]))
        Array([2., 4.], dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.mean_tensor
    """
    with variable_scope(name, "mean"):
        values = jnp.asarray(convert(values), jnp.float32)
        total = metric_variable(values.shape, jnp.float32, name="total_tensor")
        count = metric_variable(values.shape, jnp.float32, name="count_tensor")
        num = jnp.ones_like(values)
        if weights is not None:
            values, _, weights = _squeeze(values, None, weights)
            weights = _broadcast_weights(weights, values, "mean_tensor")
            values, num = values * weights, num * weights
        new_total, new_count = total.value + values, count.value + num
        value = _div_no_nan(total.value, jnp.maximum(count.value, 0))
        update = _div_no_nan(new_total, jnp.maximum(new_count, 0))
        return _finish(value, "update_op", [(total, new_total), (count, new_count)], update,
                       metrics_collections, updates_collections)  # fmt: skip


# -- confusion counts --------------------------------------------------------------------------
def _count(condition: Callable, labels, predictions, weights, metrics_collections,
           updates_collections, name, default: str):  # fmt: skip
    with variable_scope(name, default):
        predictions, labels, weights = _pair(labels, predictions, weights, default)
        hit = condition(jnp.asarray(labels, bool), jnp.asarray(predictions, bool))
        count = metric_variable([], jnp.float32, name="count")
        values = jnp.asarray(hit, jnp.float32)
        if weights is not None:
            values = values * _broadcast_weights(weights, values, default)
        new = count.value + jnp.sum(values)
        return _finish(count.value, "AssignAddVariableOp", [(count, new)], new,
                       metrics_collections, updates_collections)  # fmt: skip


def _counter(default: str, condition: Callable) -> Callable:
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):  # fmt: skip
        return _count(condition, labels, predictions, weights, metrics_collections,
                      updates_collections, name, default)  # fmt: skip

    metric.__name__ = metric.__qualname__ = default
    metric.__doc__ = f"""The (weighted) number of {default.replace("_", " ")} over every batch (labels and
    predictions read as bool).

    Args:
        labels: The true values, read as bool, of ``predictions``' shape.
        predictions: The predictions, read as bool.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variable (``None``: ``{default}``).

    Returns:
        A pair ``(value, update_op)``: the float32 count as this run found it, and an ``Op``
        whose fetched value is the count after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.{default}(y, p)
        ...     return {{"value": value, "update": update_op}}
        >>> runner = jaxscope.train.Runner(model)
        >>> y, p = tf.constant([1, 0, 1, 0]), tf.constant([1, 1, 0, 0])
        >>> _ = runner.init(jax.random.key(0), y, p)
        >>> runner.run("update", y, p)
        Array(1., dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.{default}
    """
    return metric


true_positives = _counter("true_positives", lambda lab, pred: lab & pred)
false_positives = _counter("false_positives", lambda lab, pred: ~lab & pred)
true_negatives = _counter("true_negatives", lambda lab, pred: ~lab & ~pred)
false_negatives = _counter("false_negatives", lambda lab, pred: lab & ~pred)


def _ratio(other: Callable, default: str, labels, predictions, weights, metrics_collections,
           updates_collections, name):  # fmt: skip
    with variable_scope(name, default):
        predictions, labels, weights = _pair(labels, predictions, weights, default)
        tp, tp_op = true_positives(labels, predictions, weights)
        other_v, other_op = other(labels, predictions, weights)

        def compute(t, o):
            return jnp.where(t + o > 0, t / jnp.where(t + o > 0, t + o, 1), 0.0)

        value = compute(tp, other_v)
        return _finish(value, "update_op", tp_op._updates + other_op._updates,
                       compute(tp_op.result, other_op.result), metrics_collections,
                       updates_collections)  # fmt: skip


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):  # fmt: skip
    """``true_positives / (true_positives + false_positives)`` over every batch (0 when none).

    Args:
        labels: The true values, read as bool, of ``predictions``' shape.
        predictions: The predictions, read as bool.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``precision``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.precision(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        >>> runner.run("update", tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        Array(0.6666667, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.precision
    """
    return _ratio(false_positives, "precision", labels, predictions, weights,
                  metrics_collections, updates_collections, name)  # fmt: skip


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):  # fmt: skip
    """``true_positives / (true_positives + false_negatives)`` over every batch (0 when none).

    Args:
        labels: The true values, read as bool, of ``predictions``' shape.
        predictions: The predictions, read as bool.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``recall``).

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.recall(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        >>> runner.run("update", tf.constant([1, 0, 1]), tf.constant([1, 1, 1]))
        Array(1., dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.recall
    """
    return _ratio(false_negatives, "recall", labels, predictions, weights,
                  metrics_collections, updates_collections, name)  # fmt: skip


# -- curves ------------------------------------------------------------------------------------
_SUMMATIONS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):  # fmt: skip
    """The area under the ROC (or PR) curve, from confusion counts at ``num_thresholds`` thresholds
    spread over [0, 1], summed as trapezoids.

    Differs from TF1: ``summation_method`` ``'trapezoidal'`` only (TF1's others raise
    ``NotImplementedError`` here); predictions outside [0, 1] are not checked.

    Args:
        labels: The true values, 0 or 1 (read as bool), of ``predictions``' shape.
        predictions: Scores in ``[0, 1]``.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        num_thresholds: How many thresholds, evenly spread over ``[0, 1]``.
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        curve: ``"ROC"`` or ``"PR"``.
        name: The variable scope of the metric's variables (``None``: ``auc``).
        summation_method: ``"trapezoidal"`` only.
        thresholds: Explicit thresholds instead of ``num_thresholds``, or ``None``.

    Returns:
        A pair ``(value, update_op)``: the metric as this run found its variables, and an ``Op``
        whose fetched value is the metric after this batch's update.

    Raises:
        ValueError: the shapes do not fit, or ``curve`` is unknown.
        NotImplementedError: ``summation_method`` is not ``"trapezoidal"``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.auc(y, p)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> _ = runner.init(jax.random.key(0), tf.constant([0, 0, 1, 1]), tf.constant([0.1, 0.4, 0.35, 0.8]))
        >>> runner.run("update", tf.constant([0, 0, 1, 1]), tf.constant([0.1, 0.4, 0.35, 0.8]))
        Array(0.7499..., dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.auc
    """
    if curve not in ("ROC", "PR"):
        raise OpArgumentError("auc", f"Curve must be either ROC or PR. Curve {curve} is unknown.")
    if summation_method not in _SUMMATIONS:
        raise OpArgumentError("auc", f"Invalid summation_method: {summation_method} "
                              "summation_method should be 'trapezoidal', 'careful_interpolation'"
                              ", 'minoring', or 'majoring'.")  # fmt: skip
    if summation_method != "trapezoidal":
        raise NotImplementedError(f"auc(summation_method={summation_method!r}): only "
                                  "'trapezoidal' is implemented in jaxscope.")  # fmt: skip
    with variable_scope(name, "auc"):
        if thresholds is not None:
            thresholds = sorted(float(t) for t in thresholds)
            num_thresholds = len(thresholds) + 2
            thresholds = [0.0 - 1e-7, *thresholds, 1.0 + 1e-7]
        else:
            kepsilon = 1e-7
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            thresholds = [0.0 - kepsilon, *inner, 1.0 + kepsilon]
        predictions, labels, weights = _pair(labels, predictions, weights, "auc")
        counts, updates = _at_thresholds(labels, predictions, thresholds, weights)
        n = len(thresholds)

        def compute(tp, fn, tn, fp):
            eps = 1.0e-6
            rec = (tp + eps) / (tp + fn + eps)
            if curve == "ROC":
                x, y = fp / (fp + tn + eps), rec
            else:
                x, y = rec, (tp + eps) / (tp + fp + eps)
            return jnp.sum((x[: n - 1] - x[1:]) * ((y[: n - 1] + y[1:]) / 2.0))

        value = compute(*(v.value for v in counts))
        return _finish(value, "update_op", list(zip(counts, updates, strict=True)),
                       compute(*updates), metrics_collections, updates_collections)  # fmt: skip


def _at_thresholds(labels, predictions, thresholds: Sequence[float], weights):
    """TF1's ``_confusion_matrix_at_thresholds``: the variables ``true_positives``,
    ``false_negatives``, ``true_negatives``, ``false_positives`` (one count per threshold) and
    their updated values."""
    preds = jnp.reshape(jnp.asarray(predictions, jnp.float32), [1, -1])
    labs = jnp.reshape(jnp.asarray(labels, bool), [1, -1])
    pred_pos = preds > jnp.asarray(thresholds, jnp.float32)[:, None]
    w = None
    if weights is not None:
        w = jnp.reshape(_broadcast_weights(weights, predictions, "auc"), [1, -1])
    conditions = {
        "true_positives": labs & pred_pos, "false_negatives": labs & ~pred_pos,
        "true_negatives": ~labs & ~pred_pos, "false_positives": ~labs & pred_pos,
    }  # fmt: skip
    counts, updates = [], []
    for key, hit in conditions.items():
        var = metric_variable([len(thresholds)], jnp.float32, name=key)
        hit = jnp.asarray(hit, jnp.float32)
        counts.append(var)
        updates.append(var.value + jnp.sum(hit if w is None else hit * w, 1))
    return counts, updates


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):  # fmt: skip
    """The mean over classes of intersection over union, from a float64 confusion matrix accumulated
    over every batch (classes never seen count as absent). As in TF1, ``update_op`` gives the
    updated confusion matrix, not the metric.

    Args:
        labels: The true class ids, of ``predictions``' shape.
        predictions: The predicted class ids.
        num_classes: The number of classes.
        weights: Weights broadcasting to ``predictions``' shape, or ``None`` (1 each).
        metrics_collections: Collections the value is added to, or ``None``.
        updates_collections: Collections the update op is added to, or ``None``.
        name: The variable scope of the metric's variables (``None``: ``mean_iou``).

    Returns:
        A pair ``(value, update_op)``: the mean IoU as this run found the confusion matrix, and an
        ``Op`` whose fetched value is the updated confusion matrix (as TF1's).

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model(y, p):
        ...     value, update_op = tf.metrics.mean_iou(y, p, 2)
        ...     return {"value": value, "update": update_op}
        >>> runner = jaxscope.train.Runner(model)
        >>> y, p = tf.constant([0, 1, 1]), tf.constant([0, 1, 0])
        >>> _ = runner.init(jax.random.key(0), y, p)
        >>> runner.run("update", y, p)
        Array([[1., 0.],
               [1., 1.]], dtype=float32)
        >>> runner.run("value", y, p)
        Array(0.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.metrics.mean_iou
    """
    with variable_scope(name, "mean_iou"):
        predictions, labels, weights = _pair(labels, predictions, weights, "mean_iou")
        total = metric_variable(
            [num_classes, num_classes], np.float64, name="total_confusion_matrix"
        )
        lab = jnp.reshape(labels, [-1]).astype(jnp.int32)
        pred = jnp.reshape(predictions, [-1]).astype(jnp.int32)
        dt = total.value.dtype  # float64 where jax_enable_x64 is on (TF1's), else float32
        w = jnp.ones(lab.shape, dt)
        if weights is not None:
            w = jnp.reshape(_broadcast_weights(weights, predictions, "mean_iou"), [-1])
        cm = jnp.zeros([num_classes, num_classes], dt).at[lab, pred].add(w.astype(dt), mode="drop")
        new = total.value + cm

        def compute(m):
            m = jnp.asarray(m, jnp.float32)
            rows, cols, diag = jnp.sum(m, 0), jnp.sum(m, 1), jnp.diagonal(m)
            denom = rows + cols - diag
            valid = jnp.sum(jnp.asarray(denom != 0, jnp.float32))
            denom = jnp.where(denom > 0, denom, 1)
            iou = diag / denom
            return jnp.where(valid > 0, jnp.sum(iou) / jnp.where(valid > 0, valid, 1), 0.0)

        return _finish(compute(total.value), "AssignAddVariableOp", [(total, new)],
                       new, metrics_collections, updates_collections)  # fmt: skip


_DIFFERS = (
    "Differs from TF1: ``update_op`` is an ``Op``, not a tensor: returned by the program and "
    "fetched, it makes the accumulation and gives the updated value (as "
    "``session.run(update_op)``), but it cannot be computed with; ``value`` read in the same run "
    "is the value before the update. Reset with ``js.train.Runner.reset()`` (TF1's "
    "``local_variables_initializer``).\n\n    "
)
for _f in (mean, accuracy, mean_absolute_error, mean_squared_error, root_mean_squared_error,
           mean_tensor, true_positives, false_positives, true_negatives, false_negatives,
           precision, recall, auc, mean_iou):  # fmt: skip
    _f.__doc__ = _f.__doc__.replace("TF1 equivalent:", _DIFFERS + "TF1 equivalent:", 1)
del _f
