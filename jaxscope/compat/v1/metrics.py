"""TF1's ``tf.metrics``: streaming metrics, each ``(value, update_op)`` over variables in
``LOCAL_VARIABLES`` / ``METRIC_VARIABLES`` (reset them with ``js.train.Runner.reset()``)."""

from jaxscope._src.compat.metrics_ops import accuracy as accuracy
from jaxscope._src.compat.metrics_ops import auc as auc
from jaxscope._src.compat.metrics_ops import false_negatives as false_negatives
from jaxscope._src.compat.metrics_ops import false_positives as false_positives
from jaxscope._src.compat.metrics_ops import mean as mean
from jaxscope._src.compat.metrics_ops import mean_absolute_error as mean_absolute_error
from jaxscope._src.compat.metrics_ops import mean_iou as mean_iou
from jaxscope._src.compat.metrics_ops import mean_squared_error as mean_squared_error
from jaxscope._src.compat.metrics_ops import mean_tensor as mean_tensor
from jaxscope._src.compat.metrics_ops import precision as precision
from jaxscope._src.compat.metrics_ops import recall as recall
from jaxscope._src.compat.metrics_ops import root_mean_squared_error as root_mean_squared_error
from jaxscope._src.compat.metrics_ops import true_negatives as true_negatives
from jaxscope._src.compat.metrics_ops import true_positives as true_positives

__all__ = [
    "accuracy", "auc", "false_negatives", "false_positives", "mean", "mean_absolute_error",
    "mean_iou", "mean_squared_error", "mean_tensor", "precision", "recall",
    "root_mean_squared_error", "true_negatives", "true_positives",
]  # fmt: skip
