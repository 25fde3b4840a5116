"""TF1's ``tf.contrib.rnn``: the core cells under their contrib names, ``static_rnn``, and
``LSTMBlockCell``."""

from jaxscope._src.contrib.rnn import LSTMBlockCell as LSTMBlockCell
from jaxscope.nn import static_rnn as static_rnn
from jaxscope.nn.rnn_cell import BasicLSTMCell as BasicLSTMCell
from jaxscope.nn.rnn_cell import BasicRNNCell as BasicRNNCell
from jaxscope.nn.rnn_cell import DropoutWrapper as DropoutWrapper
from jaxscope.nn.rnn_cell import GRUCell as GRUCell
from jaxscope.nn.rnn_cell import LSTMCell as LSTMCell
from jaxscope.nn.rnn_cell import LSTMStateTuple as LSTMStateTuple
from jaxscope.nn.rnn_cell import MultiRNNCell as MultiRNNCell
from jaxscope.nn.rnn_cell import ResidualWrapper as ResidualWrapper
from jaxscope.nn.rnn_cell import RNNCell as RNNCell

__all__ = ["BasicLSTMCell", "BasicRNNCell", "DropoutWrapper", "GRUCell", "LSTMBlockCell",
           "LSTMCell", "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper",
           "static_rnn"]  # fmt: skip
