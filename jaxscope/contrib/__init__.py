"""TF1's ``tf.contrib``: ``jaxscope.contrib.layers`` (also importable as ``jaxscope.slim``) and
``jaxscope.contrib.rnn``."""

from jaxscope.contrib import layers as layers
from jaxscope.contrib import rnn as rnn

__all__ = ["layers", "rnn"]
