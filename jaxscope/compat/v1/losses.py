"""TF1's ``tf.losses``: TF1's losses, weights and reductions, filed in ``GraphKeys.LOSSES``."""

from jaxscope._src.compat.losses import Reduction as Reduction
from jaxscope._src.compat.losses import absolute_difference as absolute_difference
from jaxscope._src.compat.losses import add_loss as add_loss
from jaxscope._src.compat.losses import compute_weighted_loss as compute_weighted_loss
from jaxscope._src.compat.losses import cosine_distance as cosine_distance
from jaxscope._src.compat.losses import get_losses as get_losses
from jaxscope._src.compat.losses import get_regularization_loss as get_regularization_loss
from jaxscope._src.compat.losses import get_regularization_losses as get_regularization_losses
from jaxscope._src.compat.losses import get_total_loss as get_total_loss
from jaxscope._src.compat.losses import hinge_loss as hinge_loss
from jaxscope._src.compat.losses import huber_loss as huber_loss
from jaxscope._src.compat.losses import log_loss as log_loss
from jaxscope._src.compat.losses import mean_squared_error as mean_squared_error
from jaxscope._src.compat.losses import sigmoid_cross_entropy as sigmoid_cross_entropy
from jaxscope._src.compat.losses import softmax_cross_entropy as softmax_cross_entropy
from jaxscope._src.compat.losses import (
    sparse_softmax_cross_entropy as sparse_softmax_cross_entropy,
)

__all__ = [
    "Reduction", "absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance",
    "get_losses", "get_regularization_loss", "get_regularization_losses", "get_total_loss",
    "hinge_loss", "huber_loss", "log_loss", "mean_squared_error", "sigmoid_cross_entropy",
    "softmax_cross_entropy", "sparse_softmax_cross_entropy",
]  # fmt: skip
