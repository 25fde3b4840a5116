"""TF1's ``tf.io``: ``tf.io.gfile``."""

from jaxscope.compat.v1.io import gfile as gfile

__all__ = ["gfile"]
