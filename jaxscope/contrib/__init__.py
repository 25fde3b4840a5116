"""TF1's ``tf.contrib``: ``jaxscope.contrib.layers`` (also importable as ``jaxscope.slim``)."""

from jaxscope.contrib import layers as layers

__all__ = ["layers"]
