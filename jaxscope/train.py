"""TF1's ``tf.compat.v1.train``: optimizers with TF1's exact update rules and slot names.

Each optimizer is an optax ``GradientTransformation`` (it composes with ``optax.chain`` and
masks) whose state is keyed by TF1's slot names (``dense/w/Adam``, ``beta1_power``), so it saves
to and restores from TF1 checkpoints; ``minimize`` / ``compute_gradients`` / ``apply_gradients``
are TF1's call style, pure.
"""

from jaxscope._src.train.global_step import create_global_step as create_global_step
from jaxscope._src.train.global_step import get_global_step as get_global_step
from jaxscope._src.train.global_step import get_or_create_global_step as get_or_create_global_step
from jaxscope._src.train.optimizer import Optimizer as Optimizer
from jaxscope._src.train.optimizers import AdadeltaOptimizer as AdadeltaOptimizer
from jaxscope._src.train.optimizers import AdagradOptimizer as AdagradOptimizer
from jaxscope._src.train.optimizers import AdamOptimizer as AdamOptimizer
from jaxscope._src.train.optimizers import GradientDescentOptimizer as GradientDescentOptimizer
from jaxscope._src.train.optimizers import MomentumOptimizer as MomentumOptimizer
from jaxscope._src.train.optimizers import RMSPropOptimizer as RMSPropOptimizer

__all__ = [
    "AdadeltaOptimizer",
    "AdagradOptimizer",
    "AdamOptimizer",
    "GradientDescentOptimizer",
    "MomentumOptimizer",
    "Optimizer",
    "RMSPropOptimizer",
    "create_global_step",
    "get_global_step",
    "get_or_create_global_step",
]
