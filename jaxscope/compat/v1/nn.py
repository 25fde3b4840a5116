"""``tf.nn`` of ``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1.nn``.

jaxscope's own ``jaxscope.nn`` (``dynamic_rnn``, ``rnn_cell``, ``embedding_lookup``,
``nce_loss``, ...) and TF1's nn ops with TF1's signatures (``relu``, ``softmax(logits, axis,
dim=)``, ``bias_add``, ``xw_plus_b``, ``dropout(x, keep_prob)``, ``conv2d``, ``max_pool``,
``moments``, ``top_k``, the ``*_cross_entropy_with_logits``, ...). Random ops (``dropout``) draw
from the transformed function's rng stream. What differs from TF1 is in each docstring's last
line.
"""

from jaxscope._src.compat.conv_ops import avg_pool as avg_pool
from jaxscope._src.compat.conv_ops import avg_pool2d as avg_pool2d
from jaxscope._src.compat.conv_ops import conv1d as conv1d
from jaxscope._src.compat.conv_ops import conv2d as conv2d
from jaxscope._src.compat.conv_ops import conv2d_transpose as conv2d_transpose
from jaxscope._src.compat.conv_ops import depthwise_conv2d as depthwise_conv2d
from jaxscope._src.compat.conv_ops import max_pool as max_pool
from jaxscope._src.compat.conv_ops import max_pool2d as max_pool2d
from jaxscope._src.compat.conv_ops import separable_conv2d as separable_conv2d
from jaxscope._src.compat.nn_impl import batch_normalization as batch_normalization
from jaxscope._src.compat.nn_impl import l2_normalize as l2_normalize
from jaxscope._src.compat.nn_impl import moments as moments
from jaxscope._src.compat.nn_impl import zero_fraction as zero_fraction
from jaxscope._src.compat.nn_losses import l2_loss as l2_loss
from jaxscope._src.compat.nn_losses import log_poisson_loss as log_poisson_loss
from jaxscope._src.compat.nn_losses import (
    sigmoid_cross_entropy_with_logits as sigmoid_cross_entropy_with_logits,
)
from jaxscope._src.compat.nn_losses import (
    softmax_cross_entropy_with_logits as softmax_cross_entropy_with_logits,
)
from jaxscope._src.compat.nn_losses import (
    softmax_cross_entropy_with_logits_v2 as softmax_cross_entropy_with_logits_v2,
)
from jaxscope._src.compat.nn_losses import (
    sparse_softmax_cross_entropy_with_logits as sparse_softmax_cross_entropy_with_logits,
)
from jaxscope._src.compat.nn_losses import (
    weighted_cross_entropy_with_logits as weighted_cross_entropy_with_logits,
)
from jaxscope._src.compat.nn_ops import bias_add as bias_add
from jaxscope._src.compat.nn_ops import crelu as crelu
from jaxscope._src.compat.nn_ops import dropout as dropout
from jaxscope._src.compat.nn_ops import elu as elu
from jaxscope._src.compat.nn_ops import in_top_k as in_top_k
from jaxscope._src.compat.nn_ops import leaky_relu as leaky_relu
from jaxscope._src.compat.nn_ops import log_softmax as log_softmax
from jaxscope._src.compat.nn_ops import relu as relu
from jaxscope._src.compat.nn_ops import relu6 as relu6
from jaxscope._src.compat.nn_ops import relu_layer as relu_layer
from jaxscope._src.compat.nn_ops import selu as selu
from jaxscope._src.compat.nn_ops import sigmoid as sigmoid
from jaxscope._src.compat.nn_ops import softmax as softmax
from jaxscope._src.compat.nn_ops import softplus as softplus
from jaxscope._src.compat.nn_ops import softsign as softsign
from jaxscope._src.compat.nn_ops import tanh as tanh
from jaxscope._src.compat.nn_ops import top_k as top_k
from jaxscope._src.compat.nn_ops import xw_plus_b as xw_plus_b
from jaxscope.nn import EmitArray as EmitArray
from jaxscope.nn import bidirectional_dynamic_rnn as bidirectional_dynamic_rnn
from jaxscope.nn import dynamic_rnn as dynamic_rnn
from jaxscope.nn import embedding_lookup as embedding_lookup
from jaxscope.nn import log_uniform_candidate_sampler as log_uniform_candidate_sampler
from jaxscope.nn import nce_loss as nce_loss
from jaxscope.nn import raw_rnn as raw_rnn
from jaxscope.nn import rnn_cell as rnn_cell
from jaxscope.nn import sampled_softmax_loss as sampled_softmax_loss
from jaxscope.nn import static_rnn as static_rnn
from jaxscope.nn import uniform_candidate_sampler as uniform_candidate_sampler

__all__ = [
    "EmitArray",
    "avg_pool",
    "avg_pool2d",
    "batch_normalization",
    "bias_add",
    "bidirectional_dynamic_rnn",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "crelu",
    "depthwise_conv2d",
    "dropout",
    "dynamic_rnn",
    "elu",
    "embedding_lookup",
    "embedding_lookup_sparse",
    "in_top_k",
    "l2_loss",
    "l2_normalize",
    "leaky_relu",
    "log_poisson_loss",
    "log_softmax",
    "log_uniform_candidate_sampler",
    "max_pool",
    "max_pool2d",
    "moments",
    "nce_loss",
    "raw_rnn",
    "relu",
    "relu6",
    "relu_layer",
    "rnn_cell",
    "safe_embedding_lookup_sparse",
    "sampled_softmax_loss",
    "selu",
    "separable_conv2d",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2",
    "softplus",
    "softsign",
    "sparse_softmax_cross_entropy_with_logits",
    "static_rnn",
    "tanh",
    "top_k",
    "uniform_candidate_sampler",
    "weighted_cross_entropy_with_logits",
    "xw_plus_b",
    "zero_fraction",
]

# sparse embedding lookups
from jaxscope._src.compat.sparse_embedding import (  # noqa: E402
    embedding_lookup_sparse as embedding_lookup_sparse,
)
from jaxscope._src.compat.sparse_embedding import (  # noqa: E402
    safe_embedding_lookup_sparse as safe_embedding_lookup_sparse,
)
