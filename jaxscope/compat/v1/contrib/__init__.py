"""TF1's ``tf.contrib``, as far as model files use it: ``tf.contrib.layers`` and
``tf.contrib.slim`` (``jaxscope.contrib.layers`` / ``jaxscope.slim``), ``tf.contrib.framework``
(``arg_scope`` and friends), ``tf.contrib.rnn`` (``jaxscope.contrib.rnn``: the ``rnn_cell``
classes, ``static_rnn``, ``LSTMBlockCell``), ``tf.contrib.seq2seq.sequence_loss``.
"""

from jaxscope import slim as slim
from jaxscope.compat.v1.contrib import framework as framework
from jaxscope.compat.v1.contrib import seq2seq as seq2seq
from jaxscope.contrib import layers as layers
from jaxscope.contrib import rnn as rnn

__all__ = ["framework", "layers", "rnn", "seq2seq", "slim"]
