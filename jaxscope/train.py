"""TF1's ``tf.compat.v1.train``: optimizers with TF1's exact update rules and slot names.

Each optimizer is an optax ``GradientTransformation`` (it composes with ``optax.chain`` and
masks) whose state is keyed by TF1's slot names (``dense/w/Adam``, ``beta1_power``), so it saves
to and restores from TF1 checkpoints; ``minimize`` / ``compute_gradients`` / ``apply_gradients``
are TF1's call style, pure.
"""

from jaxscope._src.checkpoint.checkpoint_state import checkpoint_exists as checkpoint_exists
from jaxscope._src.checkpoint.checkpoint_state import get_checkpoint_state as get_checkpoint_state
from jaxscope._src.checkpoint.checkpoint_state import latest_checkpoint as latest_checkpoint
from jaxscope._src.checkpoint.saver import Saver as Saver
from jaxscope._src.train.global_step import create_global_step as create_global_step
from jaxscope._src.train.global_step import get_global_step as get_global_step
from jaxscope._src.train.global_step import get_or_create_global_step as get_or_create_global_step
from jaxscope._src.train.moving_averages import (
    ExponentialMovingAverage as ExponentialMovingAverage,
)
from jaxscope._src.train.optimizer import Optimizer as Optimizer
from jaxscope._src.train.optimizers import AdadeltaOptimizer as AdadeltaOptimizer
from jaxscope._src.train.optimizers import AdagradOptimizer as AdagradOptimizer
from jaxscope._src.train.optimizers import AdamOptimizer as AdamOptimizer
from jaxscope._src.train.optimizers import FtrlOptimizer as FtrlOptimizer
from jaxscope._src.train.optimizers import GradientDescentOptimizer as GradientDescentOptimizer
from jaxscope._src.train.optimizers import MomentumOptimizer as MomentumOptimizer
from jaxscope._src.train.optimizers import RMSPropOptimizer as RMSPropOptimizer
from jaxscope._src.train.runner import Runner as Runner
from jaxscope._src.train.schedules import cosine_decay as cosine_decay
from jaxscope._src.train.schedules import exponential_decay as exponential_decay
from jaxscope._src.train.schedules import inverse_time_decay as inverse_time_decay
from jaxscope._src.train.schedules import piecewise_constant as piecewise_constant
from jaxscope._src.train.schedules import polynomial_decay as polynomial_decay

__all__ = [
    "AdadeltaOptimizer",
    "AdagradOptimizer",
    "AdamOptimizer",
    "ExponentialMovingAverage",
    "FtrlOptimizer",
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "Optimizer",
    "RMSPropOptimizer",
    "Runner",
    "Saver",
    "checkpoint_exists",
    "cosine_decay",
    "create_global_step",
    "exponential_decay",
    "get_checkpoint_state",
    "get_global_step",
    "get_or_create_global_step",
    "inverse_time_decay",
    "latest_checkpoint",
    "piecewise_constant",
    "polynomial_decay",
]
