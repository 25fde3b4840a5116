"""``tf.random`` of ``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1.random`` ops.

They draw from the transformed function's rng stream (see ``tf.random_normal``).
"""

from jaxscope._src.compat.random_ops import categorical as categorical
from jaxscope._src.compat.random_ops import multinomial as multinomial
from jaxscope._src.compat.random_ops import random_normal as normal
from jaxscope._src.compat.random_ops import random_shuffle as shuffle
from jaxscope._src.compat.random_ops import random_uniform as uniform
from jaxscope._src.compat.random_ops import truncated_normal as truncated_normal

__all__ = [
    "categorical",
    "multinomial",
    "normal",
    "shuffle",
    "truncated_normal",
    "uniform",
]
