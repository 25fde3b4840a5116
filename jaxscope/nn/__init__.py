"""TF1's ``tf.compat.v1.nn`` (the parts that hold variables or randomness): recurrent networks
(``dynamic_rnn``, ``bidirectional_dynamic_rnn``, ``static_rnn``, ``raw_rnn`` and the cells in
``jaxscope.nn.rnn_cell``), embedding lookups and sampled losses."""

from jaxscope._src.nn.candidate_sampling import (
    log_uniform_candidate_sampler as log_uniform_candidate_sampler,
)
from jaxscope._src.nn.candidate_sampling import (
    uniform_candidate_sampler as uniform_candidate_sampler,
)
from jaxscope._src.nn.embedding import embedding_lookup as embedding_lookup
from jaxscope._src.nn.raw_rnn import EmitArray as EmitArray
from jaxscope._src.nn.raw_rnn import raw_rnn as raw_rnn
from jaxscope._src.nn.rnn import bidirectional_dynamic_rnn as bidirectional_dynamic_rnn
from jaxscope._src.nn.rnn import dynamic_rnn as dynamic_rnn
from jaxscope._src.nn.rnn import static_rnn as static_rnn
from jaxscope._src.nn.sampled_losses import nce_loss as nce_loss
from jaxscope._src.nn.sampled_losses import sampled_softmax_loss as sampled_softmax_loss
from jaxscope._src.nn.sampled_losses import (
    sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits,
)
from jaxscope.nn import rnn_cell as rnn_cell

__all__ = [
    "EmitArray",
    "bidirectional_dynamic_rnn",
    "dynamic_rnn",
    "embedding_lookup",
    "log_uniform_candidate_sampler",
    "nce_loss",
    "raw_rnn",
    "rnn_cell",
    "sampled_softmax_loss",
    "sigmoid_cross_entropy_with_logits",
    "static_rnn",
    "uniform_candidate_sampler",
]
