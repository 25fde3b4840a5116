"""tf-slim (``import tf_slim as slim``): ``jaxscope.contrib.layers`` plus ``arg_scope`` and friends."""

from jaxscope._src.contrib.arg_scope import add_arg_scope as add_arg_scope
from jaxscope._src.contrib.arg_scope import arg_scope as arg_scope
from jaxscope._src.contrib.arg_scope import arg_scope_func_key as arg_scope_func_key
from jaxscope._src.contrib.arg_scope import arg_scoped_arguments as arg_scoped_arguments
from jaxscope._src.contrib.arg_scope import current_arg_scope as current_arg_scope
from jaxscope._src.contrib.arg_scope import has_arg_scope as has_arg_scope
from jaxscope._src.contrib.variables import model_variable as model_variable
from jaxscope.contrib.layers import avg_pool2d as avg_pool2d
from jaxscope.contrib.layers import batch_norm as batch_norm
from jaxscope.contrib.layers import conv2d as conv2d
from jaxscope.contrib.layers import conv2d_transpose as conv2d_transpose
from jaxscope.contrib.layers import convolution as convolution
from jaxscope.contrib.layers import convolution2d as convolution2d
from jaxscope.contrib.layers import convolution2d_transpose as convolution2d_transpose
from jaxscope.contrib.layers import dropout as dropout
from jaxscope.contrib.layers import embed_sequence as embed_sequence
from jaxscope.contrib.layers import flatten as flatten
from jaxscope.contrib.layers import fully_connected as fully_connected
from jaxscope.contrib.layers import l1_l2_regularizer as l1_l2_regularizer
from jaxscope.contrib.layers import l1_regularizer as l1_regularizer
from jaxscope.contrib.layers import l2_regularizer as l2_regularizer
from jaxscope.contrib.layers import layer_norm as layer_norm
from jaxscope.contrib.layers import max_pool2d as max_pool2d
from jaxscope.contrib.layers import repeat as repeat
from jaxscope.contrib.layers import separable_conv2d as separable_conv2d
from jaxscope.contrib.layers import separable_convolution2d as separable_convolution2d
from jaxscope.contrib.layers import softmax as softmax
from jaxscope.contrib.layers import stack as stack
from jaxscope.contrib.layers import utils as utils
from jaxscope.contrib.layers import variance_scaling_initializer as variance_scaling_initializer
from jaxscope.contrib.layers import xavier_initializer as xavier_initializer
from jaxscope.contrib.layers import xavier_initializer_conv2d as xavier_initializer_conv2d

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "arg_scope_func_key",
    "arg_scoped_arguments",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv2d_transpose",
    "convolution",
    "convolution2d",
    "convolution2d_transpose",
    "current_arg_scope",
    "dropout",
    "embed_sequence",
    "flatten",
    "fully_connected",
    "has_arg_scope",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "layer_norm",
    "max_pool2d",
    "model_variable",
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
