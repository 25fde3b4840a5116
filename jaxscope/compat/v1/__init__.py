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
from jaxscope._src.compat.array_ops import boolean_mask as boolean_mask
from jaxscope._src.compat.array_ops import cast as cast
from jaxscope._src.compat.array_ops import concat as concat
from jaxscope._src.compat.array_ops import constant as constant
from jaxscope._src.compat.array_ops import convert_to_tensor as convert_to_tensor
from jaxscope._src.compat.array_ops import expand_dims as expand_dims
from jaxscope._src.compat.array_ops import fill as fill
from jaxscope._src.compat.array_ops import gather as gather
from jaxscope._src.compat.array_ops import gather_nd as gather_nd
from jaxscope._src.compat.array_ops import identity as identity
from jaxscope._src.compat.array_ops import newaxis as newaxis
from jaxscope._src.compat.array_ops import one_hot as one_hot
from jaxscope._src.compat.array_ops import ones as ones
from jaxscope._src.compat.array_ops import ones_like as ones_like
from jaxscope._src.compat.array_ops import pad as pad
from jaxscope._src.compat.array_ops import placeholder_with_default as placeholder_with_default
from jaxscope._src.compat.array_ops import range as range
from jaxscope._src.compat.array_ops import rank as rank
from jaxscope._src.compat.array_ops import reshape as reshape
from jaxscope._src.compat.array_ops import reverse as reverse
from jaxscope._src.compat.array_ops import reverse_v2 as reverse_v2
from jaxscope._src.compat.array_ops import sequence_mask as sequence_mask
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
from jaxscope._src.compat.array_ops import where as where
from jaxscope._src.compat.array_ops import where_v2 as where_v2
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
from jaxscope._src.compat.graph import disable_eager_execution as disable_eager_execution
from jaxscope._src.compat.graph import disable_resource_variables as disable_resource_variables
from jaxscope._src.compat.graph import disable_v2_behavior as disable_v2_behavior
from jaxscope._src.compat.graph import group as group
from jaxscope._src.compat.graph import no_op as no_op
from jaxscope._src.compat.graph import tuple as tuple
from jaxscope._src.compat.random_ops import multinomial as multinomial
from jaxscope._src.compat.random_ops import random_normal as random_normal
from jaxscope._src.compat.random_ops import random_shuffle as random_shuffle
from jaxscope._src.compat.random_ops import random_uniform as random_uniform
from jaxscope._src.compat.random_ops import truncated_normal as truncated_normal
from jaxscope.compat.v1 import app as app
from jaxscope.compat.v1 import contrib as contrib
from jaxscope.compat.v1 import debugging as debugging
from jaxscope.compat.v1 import errors as errors
from jaxscope.compat.v1 import gfile as gfile
from jaxscope.compat.v1 import io as io
from jaxscope.compat.v1 import logging as logging
from jaxscope.compat.v1 import nn as nn
from jaxscope.compat.v1 import random as random

__all__ = [
    "AUTO_REUSE",
    "DType",
    "GraphKeys",
    "Print",
    "Variable",
    "VariableScope",
    "add_to_collection",
    "app",
    "as_dtype",
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
    "bfloat16",
    "bool",
    "boolean_mask",
    "case",
    "cast",
    "clip_by_global_norm",
    "clip_by_norm",
    "complex128",
    "complex64",
    "concat",
    "cond",
    "constant",
    "constant_initializer",
    "contrib",
    "control_dependencies",
    "convert_to_tensor",
    "debugging",
    "disable_eager_execution",
    "disable_resource_variables",
    "disable_v2_behavior",
    "double",
    "errors",
    "expand_dims",
    "fill",
    "fixed_size_partitioner",
    "flags",
    "float16",
    "float32",
    "float64",
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
    "layers",
    "logging",
    "make_template",
    "map_fn",
    "min_max_variable_partitioner",
    "multinomial",
    "name_scope",
    "newaxis",
    "nn",
    "no_op",
    "no_regularizer",
    "one_hot",
    "ones",
    "ones_initializer",
    "ones_like",
    "orthogonal_initializer",
    "pad",
    "placeholder_with_default",
    "random",
    "random_normal",
    "random_normal_initializer",
    "random_shuffle",
    "random_uniform",
    "random_uniform_initializer",
    "range",
    "rank",
    "reshape",
    "reverse",
    "reverse_v2",
    "scan",
    "scatter_add",
    "scatter_update",
    "sequence_mask",
    "shape",
    "size",
    "slice",
    "split",
    "squeeze",
    "stack",
    "stop_gradient",
    "tile",
    "to_float",
    "to_int32",
    "to_int64",
    "train",
    "trainable_variables",
    "transpose",
    "truncated_normal",
    "truncated_normal_initializer",
    "tuple",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "uniform_unit_scaling_initializer",
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
]


# Names that need a graph and a Session: each raises GraphOnlyError saying what to write instead.
from jaxscope._src.compat.graph import REFUSED as _REFUSED  # noqa: E402

globals().update(_REFUSED)
