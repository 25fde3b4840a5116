"""``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1`` namespace on JAX.

jaxscope's own names at TF1's paths (``tf.variable_scope``, ``tf.get_variable``, ``tf.layers``,
``tf.nn``, ``tf.train``, ...) and TF1's ops as TF1 defines them (``tf.concat(values, axis)``,
``tf.reduce_mean(x, keep_dims=True)``, ...), so a TF1 model file ports by changing its imports and
wrapping the model in ``jaxscope.transform``. What differs from TF1, name by name, is in each
docstring's last line ("TF1 equivalent: ...").
"""

from absl import flags as flags

from jaxscope import AUTO_REUSE as AUTO_REUSE
from jaxscope import GraphKeys as GraphKeys
from jaxscope import Variable as Variable
from jaxscope import VariableScope as VariableScope
from jaxscope import add_to_collection as add_to_collection
from jaxscope import assign as assign
from jaxscope import assign_add as assign_add
from jaxscope import assign_sub as assign_sub
from jaxscope import case as case
from jaxscope import clip_by_global_norm as clip_by_global_norm
from jaxscope import clip_by_norm as clip_by_norm
from jaxscope import cond as cond
from jaxscope import constant_initializer as constant_initializer
from jaxscope import fixed_size_partitioner as fixed_size_partitioner
from jaxscope import get_collection as get_collection
from jaxscope import get_variable as get_variable
from jaxscope import get_variable_scope as get_variable_scope
from jaxscope import global_norm as global_norm
from jaxscope import global_variables as global_variables
from jaxscope import glorot_normal_initializer as glorot_normal_initializer
from jaxscope import glorot_uniform_initializer as glorot_uniform_initializer
from jaxscope import identity_initializer as identity_initializer
from jaxscope import initializers as initializers
from jaxscope import layers as layers
from jaxscope import make_template as make_template
from jaxscope import map_fn as map_fn
from jaxscope import min_max_variable_partitioner as min_max_variable_partitioner
from jaxscope import name_scope as name_scope
from jaxscope import no_regularizer as no_regularizer
from jaxscope import ones_initializer as ones_initializer
from jaxscope import orthogonal_initializer as orthogonal_initializer
from jaxscope import random_normal_initializer as random_normal_initializer
from jaxscope import random_uniform_initializer as random_uniform_initializer
from jaxscope import scan as scan
from jaxscope import scatter_add as scatter_add
from jaxscope import scatter_update as scatter_update
from jaxscope import train as train
from jaxscope import trainable_variables as trainable_variables
from jaxscope import truncated_normal_initializer as truncated_normal_initializer
from jaxscope import uniform_unit_scaling_initializer as uniform_unit_scaling_initializer
from jaxscope import variable_axis_size_partitioner as variable_axis_size_partitioner
from jaxscope import variable_scope as variable_scope
from jaxscope import variance_scaling_initializer as variance_scaling_initializer
from jaxscope import while_loop as while_loop
from jaxscope import zeros_initializer as zeros_initializer
from jaxscope._src.compat.array_ops import cast as cast
from jaxscope._src.compat.array_ops import concat as concat
from jaxscope._src.compat.array_ops import constant as constant
from jaxscope._src.compat.array_ops import convert_to_tensor as convert_to_tensor
from jaxscope._src.compat.array_ops import expand_dims as expand_dims
from jaxscope._src.compat.array_ops import fill as fill
from jaxscope._src.compat.array_ops import identity as identity
from jaxscope._src.compat.array_ops import newaxis as newaxis
from jaxscope._src.compat.array_ops import ones as ones
from jaxscope._src.compat.array_ops import ones_like as ones_like
from jaxscope._src.compat.array_ops import pad as pad
from jaxscope._src.compat.array_ops import range as range
from jaxscope._src.compat.array_ops import rank as rank
from jaxscope._src.compat.array_ops import reshape as reshape
from jaxscope._src.compat.array_ops import reverse as reverse
from jaxscope._src.compat.array_ops import reverse_v2 as reverse_v2
from jaxscope._src.compat.array_ops import shape as shape
from jaxscope._src.compat.array_ops import size as size
from jaxscope._src.compat.array_ops import slice as slice
from jaxscope._src.compat.array_ops import split as split
from jaxscope._src.compat.array_ops import squeeze as squeeze
from jaxscope._src.compat.array_ops import stack as stack
from jaxscope._src.compat.array_ops import stop_gradient as stop_gradient
from jaxscope._src.compat.array_ops import tile as tile
from jaxscope._src.compat.array_ops import to_float as to_float
from jaxscope._src.compat.array_ops import to_int32 as to_int32
from jaxscope._src.compat.array_ops import to_int64 as to_int64
from jaxscope._src.compat.array_ops import transpose as transpose
from jaxscope._src.compat.array_ops import unstack as unstack
from jaxscope._src.compat.array_ops import zeros as zeros
from jaxscope._src.compat.array_ops import zeros_like as zeros_like
from jaxscope._src.compat.dtypes import DType as DType
from jaxscope._src.compat.dtypes import as_dtype as as_dtype
from jaxscope._src.compat.dtypes import bfloat16 as bfloat16
from jaxscope._src.compat.dtypes import bool as bool
from jaxscope._src.compat.dtypes import complex64 as complex64
from jaxscope._src.compat.dtypes import complex128 as complex128
from jaxscope._src.compat.dtypes import double as double
from jaxscope._src.compat.dtypes import float16 as float16
from jaxscope._src.compat.dtypes import float32 as float32
from jaxscope._src.compat.dtypes import float64 as float64
from jaxscope._src.compat.dtypes import half as half
from jaxscope._src.compat.dtypes import int8 as int8
from jaxscope._src.compat.dtypes import int16 as int16
from jaxscope._src.compat.dtypes import int32 as int32
from jaxscope._src.compat.dtypes import int64 as int64
from jaxscope._src.compat.dtypes import uint8 as uint8
from jaxscope._src.compat.dtypes import uint16 as uint16
from jaxscope._src.compat.dtypes import uint32 as uint32
from jaxscope._src.compat.dtypes import uint64 as uint64
from jaxscope._src.compat.graph import Print as Print
from jaxscope._src.compat.graph import assert_equal as assert_equal
from jaxscope._src.compat.graph import assert_greater as assert_greater
from jaxscope._src.compat.graph import assert_greater_equal as assert_greater_equal
from jaxscope._src.compat.graph import assert_less as assert_less
from jaxscope._src.compat.graph import assert_less_equal as assert_less_equal
from jaxscope._src.compat.graph import assert_negative as assert_negative
from jaxscope._src.compat.graph import assert_non_negative as assert_non_negative
from jaxscope._src.compat.graph import assert_non_positive as assert_non_positive
from jaxscope._src.compat.graph import assert_none_equal as assert_none_equal
from jaxscope._src.compat.graph import assert_positive as assert_positive
from jaxscope._src.compat.graph import assert_rank as assert_rank
from jaxscope._src.compat.graph import assert_type as assert_type
from jaxscope._src.compat.graph import control_dependencies as control_dependencies
from jaxscope._src.compat.graph import device as device
from jaxscope._src.compat.graph import disable_eager_execution as disable_eager_execution
from jaxscope._src.compat.graph import disable_resource_variables as disable_resource_variables
from jaxscope._src.compat.graph import disable_v2_behavior as disable_v2_behavior
from jaxscope._src.compat.graph import group as group
from jaxscope._src.compat.graph import no_op as no_op
from jaxscope._src.compat.graph import tuple as tuple
from jaxscope._src.compat.placeholders import placeholder as placeholder
from jaxscope._src.compat.placeholders import placeholder_with_default as placeholder_with_default
from jaxscope._src.compat.random_ops import multinomial as multinomial
from jaxscope._src.compat.random_ops import random_normal as random_normal
from jaxscope._src.compat.random_ops import random_shuffle as random_shuffle
from jaxscope._src.compat.random_ops import random_uniform as random_uniform
from jaxscope._src.compat.random_ops import truncated_normal as truncated_normal
from jaxscope._src.compat.select_ops import boolean_mask as boolean_mask
from jaxscope._src.compat.select_ops import gather as gather
from jaxscope._src.compat.select_ops import gather_nd as gather_nd
from jaxscope._src.compat.select_ops import one_hot as one_hot
from jaxscope._src.compat.select_ops import sequence_mask as sequence_mask
from jaxscope._src.compat.select_ops import where as where
from jaxscope._src.compat.select_ops import where_v2 as where_v2
from jaxscope._src.core.tensor_shape import Dimension as Dimension
from jaxscope._src.core.tensor_shape import TensorShape as TensorShape
from jaxscope.compat.v1 import app as app
from jaxscope.compat.v1 import contrib as contrib
from jaxscope.compat.v1 import debugging as debugging
from jaxscope.compat.v1 import errors as errors
from jaxscope.compat.v1 import gfile as gfile
from jaxscope.compat.v1 import io as io
from jaxscope.compat.v1 import logging as logging
from jaxscope.compat.v1 import losses as losses
from jaxscope.compat.v1 import metrics as metrics
from jaxscope.compat.v1 import nn as nn
from jaxscope.compat.v1 import random as random

__all__ = [
    "AUTO_REUSE",
    "DType",
    "Dimension",
    "gradients",
    "GraphKeys",
    "Print",
    "TensorShape",
    "Variable",
    "VariableScope",
    "abs",
    "accumulate_n",
    "acos",
    "acosh",
    "add",
    "add_n",
    "add_to_collection",
    "app",
    "argmax",
    "argmin",
    "as_dtype",
    "asin",
    "asinh",
    "assert_equal",
    "assert_greater",
    "assert_greater_equal",
    "assert_less",
    "assert_less_equal",
    "assert_negative",
    "assert_non_negative",
    "assert_non_positive",
    "assert_none_equal",
    "assert_positive",
    "assert_rank",
    "assert_type",
    "assign",
    "assign_add",
    "assign_sub",
    "atan",
    "atan2",
    "atanh",
    "bfloat16",
    "bool",
    "boolean_mask",
    "case",
    "cast",
    "ceil",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "complex128",
    "complex64",
    "concat",
    "cond",
    "constant",
    "constant_initializer",
    "contrib",
    "control_dependencies",
    "convert_to_tensor",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "debugging",
    "device",
    "digamma",
    "disable_eager_execution",
    "disable_resource_variables",
    "disable_v2_behavior",
    "div",
    "div_no_nan",
    "divide",
    "double",
    "einsum",
    "equal",
    "erf",
    "erfc",
    "errors",
    "exp",
    "expand_dims",
    "expm1",
    "fill",
    "fixed_size_partitioner",
    "flags",
    "float16",
    "float32",
    "float64",
    "floor",
    "floor_div",
    "floordiv",
    "floormod",
    "gather",
    "gather_nd",
    "get_collection",
    "get_variable",
    "get_variable_scope",
    "gfile",
    "global_norm",
    "global_variables",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "greater",
    "greater_equal",
    "group",
    "half",
    "identity",
    "identity_initializer",
    "initializers",
    "int16",
    "int32",
    "int64",
    "int8",
    "io",
    "is_finite",
    "is_inf",
    "is_nan",
    "layers",
    "less",
    "less_equal",
    "lgamma",
    "lin_space",
    "linspace",
    "log",
    "log1p",
    "log_sigmoid",
    "logging",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "losses",
    "make_template",
    "map_fn",
    "math",
    "matmul",
    "matrix_transpose",
    "maximum",
    "metrics",
    "min_max_variable_partitioner",
    "minimum",
    "mod",
    "multinomial",
    "multiply",
    "name_scope",
    "negative",
    "newaxis",
    "nn",
    "no_op",
    "no_regularizer",
    "norm",
    "not_equal",
    "one_hot",
    "ones",
    "ones_initializer",
    "ones_like",
    "orthogonal_initializer",
    "pad",
    "placeholder",
    "placeholder_with_default",
    "pow",
    "random",
    "random_normal",
    "random_normal_initializer",
    "random_shuffle",
    "random_uniform",
    "random_uniform_initializer",
    "range",
    "rank",
    "realdiv",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "reshape",
    "reverse",
    "reverse_v2",
    "rint",
    "round",
    "rsqrt",
    "scalar_mul",
    "scan",
    "scatter_add",
    "scatter_update",
    "segment_max",
    "segment_mean",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "sequence_mask",
    "shape",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "size",
    "slice",
    "split",
    "sqrt",
    "square",
    "squared_difference",
    "squeeze",
    "stack",
    "stop_gradient",
    "subtract",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "to_float",
    "to_int32",
    "to_int64",
    "train",
    "trainable_variables",
    "transpose",
    "truediv",
    "truncated_normal",
    "truncated_normal_initializer",
    "truncatediv",
    "truncatemod",
    "tuple",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "uniform_unit_scaling_initializer",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_sqrt_n",
    "unsorted_segment_sum",
    "unstack",
    "variable_axis_size_partitioner",
    "variable_scope",
    "variance_scaling_initializer",
    "where",
    "where_v2",
    "while_loop",
    "zeros",
    "zeros_initializer",
    "zeros_like",
    "argsort",
    "batch_to_space",
    "batch_to_space_nd",
    "broadcast_to",
    "cholesky",
    "cholesky_solve",
    "clip_by_average_norm",
    "cross",
    "depth_to_space",
    "diag",
    "diag_part",
    "dimension_value",
    "eye",
    "foldl",
    "foldr",
    "identity_n",
    "invert_permutation",
    "is_tensor",
    "matrix_band_part",
    "matrix_determinant",
    "matrix_diag",
    "matrix_diag_part",
    "matrix_inverse",
    "matrix_set_diag",
    "matrix_solve",
    "matrix_triangular_solve",
    "meshgrid",
    "qr",
    "repeat",
    "reverse_sequence",
    "roll",
    "scatter_nd",
    "searchsorted",
    "self_adjoint_eig",
    "self_adjoint_eigvals",
    "setdiff1d",
    "shape_n",
    "sort",
    "space_to_batch",
    "space_to_batch_nd",
    "space_to_depth",
    "strided_slice",
    "svd",
    "tensor_scatter_add",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_update",
    "tensor_scatter_sub",
    "tensor_scatter_update",
    "to_bfloat16",
    "to_double",
    "trace",
    "unique",
    "unique_with_counts",
    "linalg",
]


# Names that need a graph and a Session: each raises GraphOnlyError saying what to write instead.
from jaxscope._src.compat.check_ops import Assert as Assert
from jaxscope._src.compat.check_ops import add_check_numerics_ops as add_check_numerics_ops
from jaxscope._src.compat.check_ops import assert_integer as assert_integer
from jaxscope._src.compat.check_ops import assert_near as assert_near
from jaxscope._src.compat.check_ops import assert_rank_at_least as assert_rank_at_least
from jaxscope._src.compat.check_ops import assert_rank_in as assert_rank_in
from jaxscope._src.compat.check_ops import assert_same_float_dtype as assert_same_float_dtype
from jaxscope._src.compat.check_ops import assert_scalar as assert_scalar
from jaxscope._src.compat.check_ops import check_numerics as check_numerics
from jaxscope._src.compat.check_ops import verify_tensor_all_finite as verify_tensor_all_finite
from jaxscope._src.compat.diag_ops import diag as diag
from jaxscope._src.compat.diag_ops import diag_part as diag_part
from jaxscope._src.compat.diag_ops import eye as eye
from jaxscope._src.compat.diag_ops import matrix_band_part as matrix_band_part
from jaxscope._src.compat.diag_ops import matrix_diag as matrix_diag
from jaxscope._src.compat.diag_ops import matrix_diag_part as matrix_diag_part
from jaxscope._src.compat.diag_ops import matrix_set_diag as matrix_set_diag
from jaxscope._src.compat.diag_ops import trace as trace
from jaxscope._src.compat.framework_ops import add_to_collections as add_to_collections
from jaxscope._src.compat.framework_ops import all_variables as all_variables
from jaxscope._src.compat.framework_ops import custom_gradient as custom_gradient
from jaxscope._src.compat.framework_ops import executing_eagerly as executing_eagerly
from jaxscope._src.compat.framework_ops import get_collection_ref as get_collection_ref
from jaxscope._src.compat.framework_ops import get_local_variable as get_local_variable
from jaxscope._src.compat.framework_ops import get_seed as get_seed
from jaxscope._src.compat.framework_ops import init_scope as init_scope
from jaxscope._src.compat.framework_ops import local_variables as local_variables
from jaxscope._src.compat.framework_ops import model_variables as model_variables
from jaxscope._src.compat.framework_ops import moving_average_variables as moving_average_variables
from jaxscope._src.compat.framework_ops import set_random_seed as set_random_seed
from jaxscope._src.compat.functional_ops import foldl as foldl  # noqa: E402
from jaxscope._src.compat.functional_ops import foldr as foldr  # noqa: E402
from jaxscope._src.compat.graph import REFUSED as _REFUSED  # noqa: E402
from jaxscope._src.compat.image_ops import extract_image_patches as extract_image_patches
from jaxscope._src.compat.image_ops import random_crop as random_crop
from jaxscope._src.compat.image_ops import saturate_cast as saturate_cast
from jaxscope._src.compat.linalg_ops import cholesky as cholesky
from jaxscope._src.compat.linalg_ops import cholesky_solve as cholesky_solve
from jaxscope._src.compat.linalg_ops import cross as cross
from jaxscope._src.compat.linalg_ops import matrix_determinant as matrix_determinant
from jaxscope._src.compat.linalg_ops import matrix_inverse as matrix_inverse
from jaxscope._src.compat.linalg_ops import matrix_solve as matrix_solve
from jaxscope._src.compat.linalg_ops import matrix_triangular_solve as matrix_triangular_solve
from jaxscope._src.compat.linalg_ops import qr as qr
from jaxscope._src.compat.linalg_ops import self_adjoint_eig as self_adjoint_eig
from jaxscope._src.compat.linalg_ops import self_adjoint_eigvals as self_adjoint_eigvals
from jaxscope._src.compat.linalg_ops import svd as svd
from jaxscope._src.compat.manip_ops import batch_to_space as batch_to_space
from jaxscope._src.compat.manip_ops import batch_to_space_nd as batch_to_space_nd
from jaxscope._src.compat.manip_ops import broadcast_to as broadcast_to
from jaxscope._src.compat.manip_ops import clip_by_average_norm as clip_by_average_norm
from jaxscope._src.compat.manip_ops import depth_to_space as depth_to_space
from jaxscope._src.compat.manip_ops import dimension_value as dimension_value
from jaxscope._src.compat.manip_ops import identity_n as identity_n
from jaxscope._src.compat.manip_ops import invert_permutation as invert_permutation
from jaxscope._src.compat.manip_ops import is_tensor as is_tensor
from jaxscope._src.compat.manip_ops import meshgrid as meshgrid
from jaxscope._src.compat.manip_ops import repeat as repeat
from jaxscope._src.compat.manip_ops import roll as roll
from jaxscope._src.compat.manip_ops import setdiff1d as setdiff1d
from jaxscope._src.compat.manip_ops import shape_n as shape_n
from jaxscope._src.compat.manip_ops import space_to_batch as space_to_batch
from jaxscope._src.compat.manip_ops import space_to_batch_nd as space_to_batch_nd
from jaxscope._src.compat.manip_ops import space_to_depth as space_to_depth
from jaxscope._src.compat.manip_ops import to_bfloat16 as to_bfloat16
from jaxscope._src.compat.manip_ops import to_double as to_double
from jaxscope._src.compat.manip_ops import unique as unique
from jaxscope._src.compat.manip_ops import unique_with_counts as unique_with_counts
from jaxscope._src.compat.math_ops import abs as abs
from jaxscope._src.compat.math_ops import acos as acos
from jaxscope._src.compat.math_ops import acosh as acosh
from jaxscope._src.compat.math_ops import add as add
from jaxscope._src.compat.math_ops import asin as asin
from jaxscope._src.compat.math_ops import asinh as asinh
from jaxscope._src.compat.math_ops import atan as atan
from jaxscope._src.compat.math_ops import atan2 as atan2
from jaxscope._src.compat.math_ops import atanh as atanh
from jaxscope._src.compat.math_ops import ceil as ceil
from jaxscope._src.compat.math_ops import clip_by_value as clip_by_value
from jaxscope._src.compat.math_ops import cos as cos
from jaxscope._src.compat.math_ops import cosh as cosh
from jaxscope._src.compat.math_ops import digamma as digamma
from jaxscope._src.compat.math_ops import div as div
from jaxscope._src.compat.math_ops import div_no_nan as div_no_nan
from jaxscope._src.compat.math_ops import divide as divide
from jaxscope._src.compat.math_ops import equal as equal
from jaxscope._src.compat.math_ops import erf as erf
from jaxscope._src.compat.math_ops import erfc as erfc
from jaxscope._src.compat.math_ops import exp as exp
from jaxscope._src.compat.math_ops import expm1 as expm1
from jaxscope._src.compat.math_ops import floor as floor
from jaxscope._src.compat.math_ops import floor_div as floor_div
from jaxscope._src.compat.math_ops import floordiv as floordiv
from jaxscope._src.compat.math_ops import floormod as floormod
from jaxscope._src.compat.math_ops import greater as greater
from jaxscope._src.compat.math_ops import greater_equal as greater_equal
from jaxscope._src.compat.math_ops import is_finite as is_finite
from jaxscope._src.compat.math_ops import is_inf as is_inf
from jaxscope._src.compat.math_ops import is_nan as is_nan
from jaxscope._src.compat.math_ops import less as less
from jaxscope._src.compat.math_ops import less_equal as less_equal
from jaxscope._src.compat.math_ops import lgamma as lgamma
from jaxscope._src.compat.math_ops import lin_space as lin_space
from jaxscope._src.compat.math_ops import linspace as linspace
from jaxscope._src.compat.math_ops import log as log
from jaxscope._src.compat.math_ops import log1p as log1p
from jaxscope._src.compat.math_ops import log_sigmoid as log_sigmoid
from jaxscope._src.compat.math_ops import logical_and as logical_and
from jaxscope._src.compat.math_ops import logical_not as logical_not
from jaxscope._src.compat.math_ops import logical_or as logical_or
from jaxscope._src.compat.math_ops import logical_xor as logical_xor
from jaxscope._src.compat.math_ops import maximum as maximum
from jaxscope._src.compat.math_ops import minimum as minimum
from jaxscope._src.compat.math_ops import mod as mod
from jaxscope._src.compat.math_ops import multiply as multiply
from jaxscope._src.compat.math_ops import negative as negative
from jaxscope._src.compat.math_ops import not_equal as not_equal
from jaxscope._src.compat.math_ops import pow as pow
from jaxscope._src.compat.math_ops import realdiv as realdiv
from jaxscope._src.compat.math_ops import reciprocal as reciprocal
from jaxscope._src.compat.math_ops import rint as rint
from jaxscope._src.compat.math_ops import round as round
from jaxscope._src.compat.math_ops import rsqrt as rsqrt
from jaxscope._src.compat.math_ops import scalar_mul as scalar_mul
from jaxscope._src.compat.math_ops import sigmoid as sigmoid
from jaxscope._src.compat.math_ops import sign as sign
from jaxscope._src.compat.math_ops import sin as sin
from jaxscope._src.compat.math_ops import sinh as sinh
from jaxscope._src.compat.math_ops import sqrt as sqrt
from jaxscope._src.compat.math_ops import square as square
from jaxscope._src.compat.math_ops import squared_difference as squared_difference
from jaxscope._src.compat.math_ops import subtract as subtract
from jaxscope._src.compat.math_ops import tan as tan
from jaxscope._src.compat.math_ops import tanh as tanh
from jaxscope._src.compat.math_ops import truediv as truediv
from jaxscope._src.compat.math_ops import truncatediv as truncatediv
from jaxscope._src.compat.math_ops import truncatemod as truncatemod
from jaxscope._src.compat.matmul_ops import einsum as einsum
from jaxscope._src.compat.matmul_ops import matmul as matmul
from jaxscope._src.compat.matmul_ops import matrix_transpose as matrix_transpose
from jaxscope._src.compat.matmul_ops import norm as norm
from jaxscope._src.compat.matmul_ops import tensordot as tensordot
from jaxscope._src.compat.reduction_ops import accumulate_n as accumulate_n
from jaxscope._src.compat.reduction_ops import add_n as add_n
from jaxscope._src.compat.reduction_ops import argmax as argmax
from jaxscope._src.compat.reduction_ops import argmin as argmin
from jaxscope._src.compat.reduction_ops import count_nonzero as count_nonzero
from jaxscope._src.compat.reduction_ops import cumprod as cumprod
from jaxscope._src.compat.reduction_ops import cumsum as cumsum
from jaxscope._src.compat.reduction_ops import reduce_all as reduce_all
from jaxscope._src.compat.reduction_ops import reduce_any as reduce_any
from jaxscope._src.compat.reduction_ops import reduce_logsumexp as reduce_logsumexp
from jaxscope._src.compat.reduction_ops import reduce_max as reduce_max
from jaxscope._src.compat.reduction_ops import reduce_mean as reduce_mean
from jaxscope._src.compat.reduction_ops import reduce_min as reduce_min
from jaxscope._src.compat.reduction_ops import reduce_prod as reduce_prod
from jaxscope._src.compat.reduction_ops import reduce_sum as reduce_sum
from jaxscope._src.compat.segment_ops import segment_max as segment_max
from jaxscope._src.compat.segment_ops import segment_mean as segment_mean
from jaxscope._src.compat.segment_ops import segment_min as segment_min
from jaxscope._src.compat.segment_ops import segment_prod as segment_prod
from jaxscope._src.compat.segment_ops import segment_sum as segment_sum
from jaxscope._src.compat.segment_ops import unsorted_segment_max as unsorted_segment_max
from jaxscope._src.compat.segment_ops import unsorted_segment_mean as unsorted_segment_mean
from jaxscope._src.compat.segment_ops import unsorted_segment_min as unsorted_segment_min
from jaxscope._src.compat.segment_ops import unsorted_segment_prod as unsorted_segment_prod
from jaxscope._src.compat.segment_ops import unsorted_segment_sqrt_n as unsorted_segment_sqrt_n
from jaxscope._src.compat.segment_ops import unsorted_segment_sum as unsorted_segment_sum
from jaxscope._src.compat.slicing_ops import reverse_sequence as reverse_sequence
from jaxscope._src.compat.slicing_ops import scatter_nd as scatter_nd
from jaxscope._src.compat.slicing_ops import strided_slice as strided_slice
from jaxscope._src.compat.slicing_ops import tensor_scatter_add as tensor_scatter_add
from jaxscope._src.compat.slicing_ops import tensor_scatter_nd_add as tensor_scatter_nd_add
from jaxscope._src.compat.slicing_ops import tensor_scatter_nd_max as tensor_scatter_nd_max
from jaxscope._src.compat.slicing_ops import tensor_scatter_nd_min as tensor_scatter_nd_min
from jaxscope._src.compat.slicing_ops import tensor_scatter_nd_sub as tensor_scatter_nd_sub
from jaxscope._src.compat.slicing_ops import tensor_scatter_nd_update as tensor_scatter_nd_update
from jaxscope._src.compat.slicing_ops import tensor_scatter_sub as tensor_scatter_sub
from jaxscope._src.compat.slicing_ops import tensor_scatter_update as tensor_scatter_update
from jaxscope._src.compat.sort_ops import argsort as argsort
from jaxscope._src.compat.sort_ops import searchsorted as searchsorted
from jaxscope._src.compat.sort_ops import sort as sort
from jaxscope._src.core.gradients import gradients as gradients
from jaxscope.compat.v1 import dtypes as dtypes
from jaxscope.compat.v1 import image as image
from jaxscope.compat.v1 import linalg as linalg
from jaxscope.compat.v1 import math as math
from jaxscope.compat.v1 import nest as nest

__all__ += [
    "Assert",
    "add_check_numerics_ops",
    "add_to_collections",
    "all_variables",
    "assert_integer",
    "assert_near",
    "assert_rank_at_least",
    "assert_rank_in",
    "assert_same_float_dtype",
    "assert_scalar",
    "check_numerics",
    "custom_gradient",
    "dtypes",
    "executing_eagerly",
    "extract_image_patches",
    "get_collection_ref",
    "get_local_variable",
    "get_seed",
    "image",
    "init_scope",
    "local_variables",
    "model_variables",
    "moving_average_variables",
    "nest",
    "random_crop",
    "saturate_cast",
    "set_random_seed",
    "verify_tensor_all_finite",
]


# tf.manip, LU and least squares, tf.SparseTensor and tf.sparse
from jaxscope._src.compat.lstsq_ops import matrix_solve_ls as matrix_solve_ls  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_add as sparse_add  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_reduce_sum as sparse_reduce_sum  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_reorder as sparse_reorder  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_reshape as sparse_reshape  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_retain as sparse_retain  # noqa: E402
from jaxscope._src.compat.sparse_ops import (  # noqa: E402
    sparse_tensor_dense_matmul as sparse_tensor_dense_matmul,
)
from jaxscope._src.compat.sparse_ops import (  # noqa: E402
    sparse_tensor_to_dense as sparse_tensor_to_dense,
)
from jaxscope._src.compat.sparse_ops import sparse_to_dense as sparse_to_dense  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_to_indicator as sparse_to_indicator  # noqa: E402
from jaxscope._src.compat.sparse_ops import sparse_transpose as sparse_transpose  # noqa: E402
from jaxscope._src.compat.sparse_tensor import SparseTensor as SparseTensor  # noqa: E402
from jaxscope._src.compat.sparse_tensor import SparseTensorValue as SparseTensorValue  # noqa: E402
from jaxscope.compat.v1 import manip as manip  # noqa: E402
from jaxscope.compat.v1 import sparse as sparse  # noqa: E402

__all__ += [
    "SparseTensor",
    "SparseTensorValue",
    "manip",
    "matrix_solve_ls",
    "sparse",
    "sparse_add",
    "sparse_reduce_sum",
    "sparse_reorder",
    "sparse_reshape",
    "sparse_retain",
    "sparse_tensor_dense_matmul",
    "sparse_tensor_to_dense",
    "sparse_to_dense",
    "sparse_to_indicator",
    "sparse_transpose",
]


globals().update(_REFUSED)


# tf.summary: summary ops and FileWriter (TensorBoard event files without TensorFlow)
from jaxscope.compat.v1 import summary as summary  # noqa: E402

__all__ += ["summary"]
