"""TF1's ``tf.compat.v1.nn.rnn_cell``: the same cells, arguments, defaults, variable names
(``rnn/basic_lstm_cell/kernel``, ``rnn/multi_rnn_cell/cell_0/lstm_cell/kernel``, GRU's
``gates/`` and ``candidate/``) and kernel layouts, so TF1 checkpoints load by name."""

from jaxscope._src.nn.cell_wrappers import DropoutWrapper as DropoutWrapper
from jaxscope._src.nn.cell_wrappers import ResidualWrapper as ResidualWrapper
from jaxscope._src.nn.multi_rnn_cell import MultiRNNCell as MultiRNNCell
from jaxscope._src.nn.rnn_cell import BasicLSTMCell as BasicLSTMCell
from jaxscope._src.nn.rnn_cell import BasicRNNCell as BasicRNNCell
from jaxscope._src.nn.rnn_cell import GRUCell as GRUCell
from jaxscope._src.nn.rnn_cell import LayerRNNCell as LayerRNNCell
from jaxscope._src.nn.rnn_cell import LSTMCell as LSTMCell
from jaxscope._src.nn.rnn_cell import LSTMStateTuple as LSTMStateTuple
from jaxscope._src.nn.rnn_cell import RNNCell as RNNCell

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "LayerRNNCell",
    "MultiRNNCell",
    "ResidualWrapper",
    "RNNCell",
]
