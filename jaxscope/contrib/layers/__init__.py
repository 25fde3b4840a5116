"""TF1's ``tf.contrib.layers`` (tf-slim's layers): the same functions, arguments and defaults.

Layers open the scopes tf-slim opens (``fully_connected``, ``Conv``, ``BatchNorm``, ...), create
model variables with ``get_variable`` (``weights``, ``biases``; ``beta``, ``gamma``,
``moving_mean``, ``moving_variance``) and are decorated with ``add_arg_scope`` (see
``jaxscope.slim.arg_scope``). ``batch_norm``'s moving averages live in ``variables["state"]`` and
are updated under ``apply(..., mutable=["state"])``. ``utils`` reads a net's named outputs back
(``utils.convert_collection_to_dict``).
"""

from jaxscope._src.contrib.encoders import embed_sequence as embed_sequence
from jaxscope._src.contrib.initializers import (
    variance_scaling_initializer as variance_scaling_initializer,
)
from jaxscope._src.contrib.initializers import xavier_initializer as xavier_initializer
from jaxscope._src.contrib.initializers import (
    xavier_initializer_conv2d as xavier_initializer_conv2d,
)
from jaxscope._src.contrib.layers import avg_pool2d as avg_pool2d
from jaxscope._src.contrib.layers import conv2d as conv2d
from jaxscope._src.contrib.layers import conv2d_transpose as conv2d_transpose
from jaxscope._src.contrib.layers import convolution as convolution
from jaxscope._src.contrib.layers import convolution2d as convolution2d
from jaxscope._src.contrib.layers import convolution2d_transpose as convolution2d_transpose
from jaxscope._src.contrib.layers import dropout as dropout
from jaxscope._src.contrib.layers import flatten as flatten
from jaxscope._src.contrib.layers import fully_connected as fully_connected
from jaxscope._src.contrib.layers import l1_l2_regularizer as l1_l2_regularizer
from jaxscope._src.contrib.layers import l1_regularizer as l1_regularizer
from jaxscope._src.contrib.layers import l2_regularizer as l2_regularizer
from jaxscope._src.contrib.layers import max_pool2d as max_pool2d
from jaxscope._src.contrib.layers import repeat as repeat
from jaxscope._src.contrib.layers import separable_conv2d as separable_conv2d
from jaxscope._src.contrib.layers import separable_convolution2d as separable_convolution2d
from jaxscope._src.contrib.layers import softmax as softmax
from jaxscope._src.contrib.layers import stack as stack
from jaxscope._src.contrib.normalization import batch_norm as batch_norm
from jaxscope._src.contrib.normalization import layer_norm as layer_norm
from jaxscope.contrib.layers import utils as utils

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv2d_transpose",
    "convolution",
    "convolution2d",
    "convolution2d_transpose",
    "dropout",
    "embed_sequence",
    "flatten",
    "fully_connected",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "layer_norm",
    "max_pool2d",
    "repeat",
    "separable_conv2d",
    "separable_convolution2d",
    "softmax",
    "stack",
    "utils",
    "variance_scaling_initializer",
    "xavier_initializer",
    "xavier_initializer_conv2d",
]
