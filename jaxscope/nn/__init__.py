"""TF1's ``tf.compat.v1.nn`` (the parts that hold variables or randomness): recurrent networks
(``dynamic_rnn``, ``bidirectional_dynamic_rnn``, ``static_rnn`` and the cells in
``jaxscope.nn.rnn_cell``), embedding lookups and sampled losses."""

from jaxscope._src.nn.rnn import bidirectional_dynamic_rnn as bidirectional_dynamic_rnn
from jaxscope._src.nn.rnn import dynamic_rnn as dynamic_rnn
from jaxscope._src.nn.rnn import static_rnn as static_rnn
from jaxscope.nn import rnn_cell as rnn_cell

__all__ = [
    "bidirectional_dynamic_rnn",
    "dynamic_rnn",
    "rnn_cell",
    "static_rnn",
]
