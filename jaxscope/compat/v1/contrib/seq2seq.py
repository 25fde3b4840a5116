"""TF1's ``tf.contrib.seq2seq``, as far as model files use it outside decoders:
``sequence_loss``."""

from jaxscope._src.compat.seq2seq import sequence_loss as sequence_loss

__all__ = ["sequence_loss"]
