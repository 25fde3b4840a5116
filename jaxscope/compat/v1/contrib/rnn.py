"""TF1's ``tf.contrib.rnn``: the ``tf.nn.rnn_cell`` classes and ``static_rnn`` at their contrib
paths (same classes, same variable names)."""

from jaxscope.nn import static_rnn as static_rnn
from jaxscope.nn.rnn_cell import BasicLSTMCell as BasicLSTMCell
from jaxscope.nn.rnn_cell import BasicRNNCell as BasicRNNCell
from jaxscope.nn.rnn_cell import DropoutWrapper as DropoutWrapper
from jaxscope.nn.rnn_cell import GRUCell as GRUCell
from jaxscope.nn.rnn_cell import LayerRNNCell as LayerRNNCell
from jaxscope.nn.rnn_cell import LSTMCell as LSTMCell
from jaxscope.nn.rnn_cell import LSTMStateTuple as LSTMStateTuple
from jaxscope.nn.rnn_cell import MultiRNNCell as MultiRNNCell
from jaxscope.nn.rnn_cell import ResidualWrapper as ResidualWrapper
from jaxscope.nn.rnn_cell import RNNCell as RNNCell

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "LayerRNNCell",
    "MultiRNNCell",
    "RNNCell",
    "ResidualWrapper",
    "static_rnn",
]
