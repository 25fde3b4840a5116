"""TF1's ``tf.app``: ``run`` (absl flags, then ``main(argv)``) and ``flags``."""

from absl import flags as flags

from jaxscope._src.compat.platform import run as run

__all__ = ["flags", "run"]
