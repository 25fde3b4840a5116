"""TF1's ``tf.math``: the math ops TF1 files under ``tf.math`` (``tf.math.log``,
``tf.math.reduce_sum``, ``tf.math.divide_no_nan``, ...), the same functions as at the top level."""

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
from jaxscope._src.compat.math_ops import cos as cos
from jaxscope._src.compat.math_ops import cosh as cosh
from jaxscope._src.compat.math_ops import digamma as digamma
from jaxscope._src.compat.math_ops import divide as divide
from jaxscope._src.compat.math_ops import divide_no_nan as divide_no_nan
from jaxscope._src.compat.math_ops import equal as equal
from jaxscope._src.compat.math_ops import erf as erf
from jaxscope._src.compat.math_ops import erfc as erfc
from jaxscope._src.compat.math_ops import exp as exp
from jaxscope._src.compat.math_ops import expm1 as expm1
from jaxscope._src.compat.math_ops import floor as floor
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
from jaxscope._src.compat.reduction_ops import accumulate_n as accumulate_n
from jaxscope._src.compat.reduction_ops import add_n as add_n
from jaxscope._src.compat.reduction_ops import argmax as argmax
from jaxscope._src.compat.reduction_ops import argmin as argmin
from jaxscope._src.compat.reduction_ops import count_nonzero as count_nonzero
from jaxscope._src.compat.reduction_ops import cumprod as cumprod
from jaxscope._src.compat.reduction_ops import cumsum as cumsum
from jaxscope._src.compat.reduction_ops import reduce_all as reduce_all
from jaxscope._src.compat.reduction_ops import reduce_any as reduce_any
from jaxscope._src.compat.reduction_ops import reduce_euclidean_norm as reduce_euclidean_norm
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

__all__ = [
    "abs",
    "accumulate_n",
    "acos",
    "acosh",
    "add",
    "add_n",
    "argmax",
    "argmin",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "digamma",
    "divide",
    "divide_no_nan",
    "equal",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "floor",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "is_finite",
    "is_inf",
    "is_nan",
    "less",
    "less_equal",
    "lgamma",
    "log",
    "log1p",
    "log_sigmoid",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "pow",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_euclidean_norm",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "rint",
    "round",
    "rsqrt",
    "scalar_mul",
    "segment_max",
    "segment_mean",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "squared_difference",
    "subtract",
    "tan",
    "tanh",
    "truediv",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_sqrt_n",
    "unsorted_segment_sum",
]
