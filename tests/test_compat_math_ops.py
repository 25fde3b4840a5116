"""jaxscope.compat.v1's math ops against tf.compat.v1: elementwise, reductions, scans, segment
ops, matmul/tensordot/einsum/norm. One program text, run on both, compared value for value (dtype,
shape, values; gradients where differentiable) and error class for what TF1 refuses."""

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, one_per_op, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
F32, F16, BF16, I32 = np.float32, np.float16, ml_dtypes.bfloat16, np.int32
TOL = {F32: 2e-6, F16: 2e-3, BF16: 2e-2, I32: 0}


def arr(shape, dtype=F32, lo=-3.0, hi=3.0):
    x = R.uniform(lo, hi, shape)
    return (np.round(x) if np.dtype(dtype).kind in "iu" else x).astype(dtype)


def case(id, fn, inputs=(), grad=False, tol=2e-6):
    return Case(id, fn, tuple(inputs), grad=grad, rtol=tol, atol=tol)


DOMAIN = {"pos": (0.2, 2.8), "unit": (-0.9, 0.9), "ge1": (1.1, 3.0), "any": (-3.0, 3.0)}
UNARY = {
    "abs": "any", "negative": "any", "sign": "any", "square": "any", "sqrt": "pos",
    "rsqrt": "pos", "exp": "any", "expm1": "any", "log": "pos", "log1p": "pos", "sin": "any",
    "cos": "any", "tan": "unit", "asin": "unit", "acos": "unit", "atan": "any", "sinh": "any",
    "cosh": "any", "tanh": "any", "asinh": "any", "acosh": "ge1", "atanh": "unit",
    "sigmoid": "any", "log_sigmoid": "any", "floor": "any", "ceil": "any", "round": "any",
    "rint": "any", "reciprocal": "pos", "erf": "any", "erfc": "any", "lgamma": "pos",
    "digamma": "pos", "is_nan": "any", "is_inf": "any", "is_finite": "any",
}  # fmt: skip
# Eager jax compiles each new primitive: gradients and half-precision crosses are kept to the ops
# whose gradient or rounding is jaxscope's own code or a formula of TF1's.
UNARY_GRAD = {"abs", "sqrt", "rsqrt", "reciprocal", "sigmoid", "log_sigmoid", "lgamma", "digamma",
              "atanh", "acosh", "round", "tan"}  # fmt: skip
UNARY_HALF = {"exp", "log", "sigmoid", "log_sigmoid", "round", "rint", "erf", "lgamma", "rsqrt",
              "sign", "reciprocal"}  # fmt: skip


def _unary_cases():
    c = []
    for op, dom in UNARY.items():
        for dt in (F32, F16, BF16) if op in UNARY_HALF else (F32,):
            x = arr((2, 3, 4), dt, *DOMAIN[dom])
            g = dt is F32 and op in UNARY_GRAD
            tol = 2e-5 if op in ("lgamma", "digamma", "erfc", "tan") and dt is F32 else TOL[dt]
            fn = lambda tf, x, op=op: getattr(tf, op)(x)
            c.append(case(f"{op}_{np.dtype(dt).name}", fn, (x,), g, tol))
        ints = arr((2, 3), I32)
        c.append(case(f"{op}_int32", lambda tf, x, op=op: getattr(tf, op)(x), (ints,)))
    specials = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.0, -0.0, np.nan, np.inf, -np.inf], F32)
    for op in ("round", "rint", "sign", "is_nan", "is_inf", "is_finite", "floor", "abs"):
        c.append(case(f"{op}_specials", lambda tf, x, op=op: getattr(tf, op)(x), (specials,)))
    zeros = np.array([0.0, -1.5, 0.0, 2.0], F32)
    c += [
        case("abs_grad_at_zero", lambda tf, x: tf.abs(x), (zeros,), grad=True),
        case("logical_not", lambda tf, b: tf.logical_not(b), (arr((3, 4)) > 0,)),
        case("logical_not_float", lambda tf, x: tf.logical_not(x), (zeros,)),
        case("math_namespace", lambda tf, x: tf.math.log(tf.math.abs(x) + 1.0), (zeros,), True),
        case("unary_scalar_python", lambda tf: [tf.exp(1.0), tf.abs(-3), tf.sqrt([4.0, 9.0])]),
        case("unary_empty", lambda tf, x: tf.tanh(x[:0]), (zeros,)),
    ]
    return c


BINARY = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floor_div", "div",
    "realdiv", "mod", "floormod", "truncatediv", "truncatemod", "pow", "maximum", "minimum",
    "squared_difference", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "atan2", "div_no_nan",
]  # fmt: skip
BINARY_GRAD = {"add", "multiply", "divide", "pow", "maximum", "minimum", "squared_difference",
               "mod", "atan2", "div_no_nan"}  # fmt: skip
BINARY_HALF = {"divide", "floordiv", "floormod", "truncatediv", "truncatemod", "div", "pow",
               "maximum", "squared_difference", "div_no_nan", "less"}  # fmt: skip


def _operands(op, dt):
    if np.dtype(dt).kind == "i":
        x = arr((2, 3, 4), dt, -9, 9)
        y = (arr((3, 1), dt, 1, 4) * np.array([[1], [-1], [1]])).astype(dt)
        if op == "pow":
            x, y = arr((2, 3, 4), dt, -3, 3), arr((3, 1), dt, 0, 3)
        return x, y
    if op == "pow":
        return arr((2, 3, 4), dt, 0.2, 2), arr((3, 1), dt, -2, 2)
    y = arr((3, 1), dt, 0.5, 2.5) * np.array([[1], [-1], [1]], dt)
    return arr((2, 3, 4), dt), y.astype(dt)


def _binary_cases():
    c = []
    for op in BINARY:
        for dt in (F32, F16, BF16, I32) if op in BINARY_HALF else (F32, I32):
            x, y = _operands(op, dt)
            g = dt is F32 and op in BINARY_GRAD
            tol = 2e-5 if op in ("pow", "atan2") and dt is F32 else TOL[dt] or 1e-6
            fn = lambda tf, x, y, op=op: getattr(tf, op)(x, y)
            c.append(case(f"{op}_{np.dtype(dt).name}", fn, (x, y), g, tol))
    x, xi = arr((2, 3)), arr((2, 3), I32)
    b1, b2 = arr((3, 4)) > 0, arr((3, 4)) > 0
    ties = np.array([-1.0, 0.0, 2.0, 0.0, 3.0], F32)
    zeros_y = np.array([[0.0, 2.0, 0.0], [1.0, 0.0, -4.0]], F32)
    c += [
        case("add_python_scalar", lambda tf, x: tf.add(x, 2), (x,), grad=True),
        case("add_python_first_refused", lambda tf, x: tf.add(2, x), (x,)),
        case("multiply_float_into_int_refused", lambda tf, x: tf.multiply(x, 1.5), (xi,)),
        case("add_mixed_dtypes", lambda tf, x, y: tf.add(x, y), (x, xi)),
        case("add_bool_refused", lambda tf, b: tf.add(b, b), (b1,)),
        case("add_bad_broadcast", lambda tf, x: tf.add(x, x[:, :2]), (x,)),
        case("add_rank_broadcast", lambda tf, x: tf.add(x[None], x[:, :1]), (x,), grad=True),
        case("less_bool_refused", lambda tf, b: tf.less(b, b), (b1,)),
        case("equal_bool", lambda tf, a, b: tf.equal(a, b), (b1, b2)),
        case("equal_python", lambda tf, x: [tf.equal(x, 1), tf.not_equal(x, 2)], (xi,)),
        case("equal_float_into_int_refused", lambda tf, x: tf.equal(x, 1.5), (xi,)),
        case(
            "logical",
            lambda tf, a, b: [tf.logical_and(a, b), tf.logical_or(a, b), tf.logical_xor(a, b)],
            (b1, b2),
        ),  # fmt: skip
        case("logical_int_refused", lambda tf, x: tf.logical_and(x, x), (xi,)),
        case("divide_python_first", lambda tf, x: tf.divide(1, x), (x,)),
        case("truediv_python_first_refused", lambda tf, x: tf.truediv(1, x), (x,)),
        case("truediv_int8", lambda tf, x: tf.truediv(tf.cast(x, tf.int8), 3), (xi,)),
        case("truediv_mixed_refused", lambda tf, x, y: tf.truediv(x, y), (x, xi)),
        case("div_mixed_refused", lambda tf, x, y: tf.div(x, y), (x, xi)),
        case("div_float_into_int_refused", lambda tf, x: tf.div(x, 2.5), (xi,)),
        case("div_by_zero", lambda tf, x: tf.div(x, 0), (xi,)),
        case("floordiv_by_zero", lambda tf, x: tf.floordiv(x, 0), (xi,)),
        case("mod_by_zero", lambda tf, x: tf.mod(x, 0), (xi,)),
        case("pow_negative_int", lambda tf, x: tf.pow(x, -1), (xi,)),
        case("pow_scalar", lambda tf, x: tf.pow(tf.abs(x) + 0.5, 2.0), (x,), grad=True),
        case(
            "float_floordiv_is_floor_of_quotient",
            lambda tf: [tf.floordiv(1.0, 0.1), tf.floormod(1.0, 0.1)],
        ),  # fmt: skip
        case("maximum_ties", lambda tf, x: tf.maximum(x, 0.0), (ties,), grad=True),
        case("minimum_ties", lambda tf, x: tf.minimum(x, tf.zeros_like(x)), (ties,), grad=True),
        case(
            "maximum_nan",
            lambda tf: [
                tf.maximum([np.nan, 1.0], [1.0, np.nan]),
                tf.minimum([np.nan, 1.0], [1.0, np.nan]),
            ],
        ),  # fmt: skip
        case("div_no_nan_zeros", lambda tf, x, y: tf.div_no_nan(x, y), (x, zeros_y), grad=True),
        case("div_no_nan_int", lambda tf, x: tf.div_no_nan(x, x), (xi,)),
        case("div_no_nan_python_first", lambda tf, x: tf.div_no_nan(1, x), (x,)),
        case("scalar_mul", lambda tf, x: tf.scalar_mul(2, x), (x,), grad=True),
        case("scalar_mul_vector_refused", lambda tf, x: tf.scalar_mul([1.0, 2.0], x), (x,)),
        case("scalar_mul_tensor_dtype", lambda tf, x, i: tf.scalar_mul(i[0, 0], x), (x, xi)),
        case("clip_by_value", lambda tf, x: tf.clip_by_value(x, -1.0, 1.5), (x,), grad=True),
        case("clip_by_value_ties", lambda tf, x: tf.clip_by_value(x, 0.0, 2.0), (ties,), True),
        case(
            "clip_by_value_tensors",
            lambda tf, x, y: tf.clip_by_value(x, y[:, :1], tf.reduce_max(y)),
            (x, zeros_y),
            grad=True,
        ),
        case("clip_by_value_int", lambda tf, x: tf.clip_by_value(x, -1, 2), (xi,)),
        case("clip_by_value_int_float_refused", lambda tf, x: tf.clip_by_value(x, 0.5, 2), (xi,)),
        case(
            "clip_by_value_grows_refused", lambda tf, x: tf.clip_by_value(x[0], x, 2.0), (x,)
        ),  # fmt: skip
        case("clip_by_value_bool_refused", lambda tf, b: tf.clip_by_value(b, False, True), (b1,)),
    ]
    return c


def _reduction_cases():
    c = []
    for dt in (F32, F16, BF16, I32):
        n = np.dtype(dt).name
        x = arr((2, 3, 4), dt)
        g = dt is F32
        tol = {F32: 1e-5, F16: 5e-3, BF16: 5e-2, I32: 0}[dt]
        for op in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
            c += [
                case(f"{op}_{n}", lambda tf, x, op=op: [getattr(tf, op)(x[:, :2, :2]),
                                                        getattr(tf, op)(x, 1)], (x,), tol=tol),
                case(f"{op}_axes_keep_dims_{n}",
                     lambda tf, x, op=op: getattr(tf, op)(x, [0, -1], keep_dims=True), (x,), g,
                     tol),
            ]  # fmt: skip
        c += [
            case(f"reduce_mean_indices_{n}",
                 lambda tf, x: tf.reduce_mean(x, reduction_indices=[2], keepdims=True), (x,),
                 tol=tol),
            case(f"reduce_logsumexp_{n}", lambda tf, x: tf.reduce_logsumexp(x, -1), (x,), g, tol),
            case(f"argmax_{n}", lambda tf, x: [tf.argmax(x), tf.argmax(x, 2)], (x,)),
            case(f"argmin_{n}", lambda tf, x: tf.argmin(x, dimension=1, output_type=tf.int32),
                 (x,)),
            case(f"cumsum_exclusive_reverse_{n}",
                 lambda tf, x: [tf.cumsum(x, -1, exclusive=True), tf.cumsum(x, 0, reverse=True),
                                tf.cumsum(x, 2, exclusive=True, reverse=True)], (x,), g, tol),
            case(f"cumprod_{n}",
                 lambda tf, x: [tf.cumprod(x, 1), tf.cumprod(x, 1, exclusive=True, reverse=True)],
                 (x,), g, tol),
            case(f"count_nonzero_{n}", lambda tf, x: tf.count_nonzero(x, 1), (x,)),
            case(f"add_n_{n}", lambda tf, x: tf.add_n([x, x * 2, x]), (x,)),
        ]  # fmt: skip
    x, xi, b = arr((2, 3)), arr((3, 4), I32), arr((3, 4)) > 0
    empty = np.zeros((0, 3), F32)
    ninf = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [np.nan, 1.0], [2.0, 1.0]], F32)
    nans = np.array([[np.nan, 1.0, 3.0], [np.nan, np.nan, -np.inf]], F32)
    c += [
        case("reduce_mean_int_truncates", lambda tf: tf.reduce_mean([1, 2, 2, -7])),
        case("reduce_mean_int8", lambda tf: tf.reduce_mean(tf.constant([100, 100, 100], tf.int8))),
        case(
            "reduce_any_all",
            lambda tf, b: [tf.reduce_any(b, 1), tf.reduce_all(b), tf.reduce_all(b, keepdims=True)],
            (b,),
        ),  # fmt: skip
        case("reduce_any_float_refused", lambda tf, x: tf.reduce_any(x), (x,)),
        case("reduce_sum_bool_refused", lambda tf, b: tf.reduce_sum(b), (b,)),
        case("reduce_max_bool_refused", lambda tf, b: tf.reduce_max(b), (b,)),
        case("reduce_axis_out_of_range", lambda tf, x: tf.reduce_sum(x, 2), (x,)),
        case("reduce_axis_negative_out_of_range", lambda tf, x: tf.reduce_max(x, -3), (x,)),
        case("reduce_axis_duplicate", lambda tf, x: tf.reduce_sum(x, [0, -2]), (x,)),
        case("reduce_axis_float_refused", lambda tf, x: tf.reduce_sum(x, 1.0), (x,)),
        case("reduce_axis_rank2_refused", lambda tf, x: tf.reduce_sum(x, [[0, 1]]), (x,)),
        case("reduce_axis_empty_list", lambda tf, x: tf.reduce_sum(x, []), (x,), grad=True),
        case("reduce_axis_tuple", lambda tf, x: tf.reduce_sum(x, (0, 1)), (x,)),
        case(
            "reduce_keepdims_both",
            lambda tf, x: tf.reduce_sum(x, keepdims=True, keep_dims=True),
            (x,),
        ),  # fmt: skip
        case(
            "reduce_axis_and_indices", lambda tf, x: tf.reduce_sum(x, 1, reduction_indices=1), (x,)
        ),  # fmt: skip
        case("reduce_scalar", lambda tf: [tf.reduce_sum(3.0), tf.reduce_sum(3.0, [])]),
        case("reduce_scalar_axis_refused", lambda tf: tf.reduce_sum(3.0, 0)),
        case(
            "reduce_empty",
            lambda tf, e: [
                tf.reduce_max(e, 0),
                tf.reduce_min(e, 0),
                tf.reduce_prod(e, 0),
                tf.reduce_sum(e),
                tf.reduce_mean(e),
                tf.reduce_logsumexp(e, 0),
            ],
            (empty,),
        ),  # fmt: skip
        case(
            "reduce_empty_int",
            lambda tf: [
                tf.reduce_max(tf.zeros([0], tf.int32)),
                tf.reduce_min(tf.zeros([0, 2], tf.int32), 0),
            ],
        ),
        case(
            "reduce_logsumexp_inf", lambda tf, x: tf.reduce_logsumexp(x, 1, keepdims=True), (ninf,)
        ),  # fmt: skip
        case("reduce_logsumexp_int_refused", lambda tf, x: tf.reduce_logsumexp(x), (xi,)),
        case("reduce_max_ties_grad", lambda tf: tf.reduce_max(tf.constant([1.0, 3.0, 3.0]))),
        case(
            "reduce_euclidean_norm",
            lambda tf, x, i: [
                tf.math.reduce_euclidean_norm(x, 1),
                tf.math.reduce_euclidean_norm(i, 0),
            ],
            (x, xi),
            grad=True,
        ),  # fmt: skip
        case(
            "argmax_nan", lambda tf, x: [tf.argmax(x, 1), tf.argmin(x, 1), tf.argmax(x, 0)], (nans,)
        ),  # fmt: skip
        case("argmax_bool", lambda tf, b: tf.argmax(b, 1), (b,)),
        case("argmax_ties", lambda tf: tf.argmax([[1, 3, 3], [2, 2, 0]], 1)),
        case("argmax_empty_axis", lambda tf, e: tf.argmax(e, 0), (empty,)),
        case("argmax_axis_out_of_range", lambda tf, x: tf.argmax(x, 2), (x,)),
        case("argmax_axis_list_refused", lambda tf, x: tf.argmax(x, [1]), (x,)),
        case("argmax_axis_and_dimension", lambda tf, x: tf.argmax(x, 1, dimension=1), (x,)),
        case(
            "argmax_output_float_refused", lambda tf, x: tf.argmax(x, output_type=tf.float32), (x,)
        ),  # fmt: skip
        case("argmax_output_int16", lambda tf, x: tf.argmax(x, output_type=tf.int16), (x,)),
        case("cumsum_axis_out_of_range", lambda tf, x: tf.cumsum(x, 2), (x,)),
        case("cumsum_scalar_refused", lambda tf: tf.cumsum(2.0)),
        case("cumsum_bool_refused", lambda tf, b: tf.cumsum(b), (b,)),
        case("cumsum_empty", lambda tf, e: tf.cumsum(e, 0, exclusive=True), (empty,)),
        case(
            "count_nonzero_args",
            lambda tf, x: [
                tf.count_nonzero(x, keepdims=True, dtype=tf.int32),
                tf.count_nonzero(input=x, reduction_indices=[0]),
                tf.count_nonzero(x, 1, dtype=tf.float32),
            ],
            (np.maximum(x, 0),),
        ),  # fmt: skip
        case("count_nonzero_bool", lambda tf, b: tf.count_nonzero(b, [0, 1]), (b,)),
        case("count_nonzero_both_inputs", lambda tf, x: tf.count_nonzero(x, input=x), (x,)),
        case("add_n_one", lambda tf, x: tf.add_n([x]), (x,), grad=True),
        case("add_n_python", lambda tf: tf.add_n([1.0, 2.0, 4.0])),
        case("add_n_python_mixed_refused", lambda tf: tf.add_n([1, 2.0])),
        case("add_n_shapes_refused", lambda tf, x: tf.add_n([x, x[:1]]), (x,)),
        case("add_n_dtypes_refused", lambda tf, x, i: tf.add_n([x, i[:2, :3]]), (x, xi)),
        case("add_n_empty_refused", lambda tf: tf.add_n([])),
        case("add_n_bool_refused", lambda tf, b: tf.add_n([b, b]), (b,)),
        case(
            "accumulate_n",
            lambda tf, x: tf.accumulate_n([x, x, x], shape=[2, 3], tensor_dtype=tf.float32),
            (x,),
            True,
        ),
        case("accumulate_n_shape_refused", lambda tf, x: tf.accumulate_n([x], shape=[3]), (x,)),
        case(
            "accumulate_n_dtype_refused",
            lambda tf, x: tf.accumulate_n([x], tensor_dtype=tf.int32),
            (x,),
        ),  # fmt: skip
    ]
    return c


def _matrix_cases():
    c = []
    for dt in (F32, F16, BF16, I32):
        n = np.dtype(dt).name
        a, b = arr((2, 3), dt), arr((3, 4), dt)
        ab, bb = arr((5, 1, 2, 3), dt), arr((4, 2, 3), dt)
        g = dt is F32
        tol = {F32: 1e-5, F16: 5e-3, BF16: 3e-2, I32: 0}[dt]
        c += [
            case(f"matmul_{n}", lambda tf, a, b: tf.matmul(a, b), (a, b), tol=tol),
            case(f"matmul_batch_broadcast_{n}",
                 lambda tf, a, b: tf.matmul(a, b, transpose_b=True), (ab, bb), g, tol),
        ]  # fmt: skip
        if dt is F32:
            c += [
                case(f"matmul_transpose_{n}",
                     lambda tf, a, b: [tf.matmul(b, a, transpose_a=True, transpose_b=True),
                                       tf.matmul(a, a, adjoint_b=True)], (a, b), g, tol),
                case(f"tensordot_{n}", lambda tf, a, b: tf.tensordot(a, b, [[3], [2]]),
                     (ab, bb), tol=tol),
                case(f"einsum_{n}", lambda tf, a, b: tf.einsum("...ij,kj->...ik", a, b[0]),
                     (ab, bb), g, tol),
            ]  # fmt: skip
        if dt is not I32:
            c.append(case(f"norm_{n}", lambda tf, a: [tf.norm(a), tf.norm(a, 1, 1)], (a,), g, tol))
    a, b, ai = arr((2, 3)), arr((3, 4)), arr((2, 3), I32)
    m3, x4 = arr((2, 3, 4)), arr((3, 4))
    c += [
        case("matmul_2d_3d", lambda tf, a, b: tf.matmul(a, b), (a, arr((5, 3, 2))), grad=True),
        case("matmul_inner_refused", lambda tf, a: tf.matmul(a, a), (a,)),
        case("matmul_rank1_refused", lambda tf, a, b: tf.matmul(a[0], b), (a, b)),
        case("matmul_batch_refused", lambda tf, a: tf.matmul(a, tf.zeros([5, 4, 2])), (m3,)),
        case("matmul_batch_inner_refused", lambda tf, a: tf.matmul(a, a), (m3,)),
        case("matmul_transpose_and_adjoint_refused",
             lambda tf, a: tf.matmul(a, a, transpose_a=True, adjoint_a=True), (a,)),
        case("matmul_dtypes_refused", lambda tf, a, b: tf.matmul(a, b), (a, ai)),
        case("matmul_python_b", lambda tf, a: tf.matmul(a, [[1.0], [2.0], [0.5]]), (a,)),
        case("matmul_python_a_refused", lambda tf, b: tf.matmul([[1, 2, 3]], b), (b,)),
        case("matmul_int8_refused", lambda tf, a: tf.matmul(tf.cast(a, tf.int8),
                                                            tf.cast(a, tf.int8),
                                                            transpose_b=True), (ai,)),
        case("matmul_int8_output_int32",
             lambda tf, a: tf.matmul(tf.cast(a, tf.int8), tf.cast(a, tf.uint8), transpose_b=True,
                                     output_type=tf.int32), (ai,)),
        case("matmul_output_type_refused",
             lambda tf, a: tf.matmul(a, a, transpose_b=True, output_type=tf.float16), (a,)),
        case("matmul_bfloat16_float32", lambda tf, a, b: tf.matmul(tf.cast(a, tf.bfloat16), b),
             (a, b), grad=True),
        case("matmul_bfloat16_float32_batch_refused",
             lambda tf, a, b: tf.matmul(tf.cast(a[None], tf.bfloat16), b), (a, b)),
        case("matmul_bool_refused", lambda tf, a: tf.matmul(a > 0, a > 0, transpose_b=True),
             (a,)),
        case("matmul_sparse_hint", lambda tf, a, b: tf.matmul(a, b, a_is_sparse=True), (a, b)),
        case("matmul_sparse_batch_refused",
             lambda tf, a, b: tf.matmul(a[None], b, b_is_sparse=True), (a, b)),
        case("matmul_empty", lambda tf, a, b: tf.matmul(a[:, :0], b[:0]), (a, b)),
        case("tensordot_int_axes", lambda tf, a, b: [tf.tensordot(a, b, 1),
                                                     tf.tensordot(a, b, 0),
                                                     tf.tensordot(a, b, [1, 0])], (a, b), True),
        case("tensordot_negative_axes", lambda tf, a, b: tf.tensordot(a, b, [[-1], [-2]]),
             (m3, x4.T)),
        case("tensordot_dims_refused", lambda tf, a: tf.tensordot(a, a, 1), (a,)),
        case("tensordot_too_many_axes", lambda tf, a, b: tf.tensordot(a, b, 3), (a, b)),
        case("tensordot_negative_count", lambda tf, a, b: tf.tensordot(a, b, -1), (a, b)),
        case("tensordot_axes_lengths", lambda tf, a, b: tf.tensordot(a, b, [[1], [0, 1]]),
             (a, b)),
        case("tensordot_axes_three", lambda tf, a, b: tf.tensordot(a, b, [[1], [0], [0]]),
             (a, b)),
        case("einsum_forms", lambda tf, m, x, y: [tf.einsum("ij->ji", x),
                                                  tf.einsum("bij,jk->bik", m, y),
                                                  tf.einsum("ii->i", x[:, :3]),
                                                  tf.einsum("bij->", m)],
             (m3, x4, arr((4, 3))), grad=True),
        case("einsum_nargs_refused", lambda tf, a: tf.einsum("ij,jk->ik", a), (a,)),
        case("einsum_dims_refused", lambda tf, a: tf.einsum("ij,jk->ik", a, a), (a,)),
        case("einsum_size1_refused", lambda tf, a: tf.einsum("ij,ij->ij", a[:1], a), (a,)),
        case("einsum_rank_refused", lambda tf, a, b: tf.einsum("ij,jk->ik", a[None], b), (a, b)),
        case("einsum_dtypes_refused", lambda tf, a, b: tf.einsum("ij,jk->ik", a, b),
             (a, b.astype(I32))),
        case("einsum_bool_refused", lambda tf, a: tf.einsum("ij,kj->ik", a > 0, a > 0), (a,)),
        case("norm_forms", lambda tf, m: [
            tf.norm(m, ord=np.inf, axis=-1, keep_dims=True), tf.norm(m, ord=3, axis=1),
            tf.norm(m, ord=0.5), tf.norm(m, ord=1, axis=[1, 2]), tf.norm(m, "fro", axis=(0, 2)),
            tf.norm(m, np.inf, axis=(-2, -1), keepdims=True), tf.norm(m, "euclidean", 2)],
            (m3,), tol=1e-5),
        case("norm_grads", lambda tf, m: [tf.norm(m, np.inf, axis=-1), tf.norm(m, 1, axis=[1, 2]),
                                          tf.norm(m, 3, axis=1)], (m3,), grad=True, tol=1e-5),
        case("norm_matrix_2", lambda tf, m: [tf.norm(m, 2, axis=[1, 2]),
                                             tf.norm(m, 2, axis=(2, 0), keepdims=True)], (m3,),
             tol=1e-5),
        case("norm_ord0_refused", lambda tf, m: tf.norm(m, 0), (m3,)),
        case("norm_fro_vector_refused", lambda tf, m: tf.norm(m, "fro", axis=1), (m3,)),
        case("norm_axes_refused", lambda tf, m: tf.norm(m, axis=[0, 1, 2]), (m3,)),
        case("norm_same_axes_refused", lambda tf, m: tf.norm(m, axis=(1, 1)), (m3,)),
        case("norm_matrix_ord_refused", lambda tf, m: tf.norm(m, 3, axis=(0, 1)), (m3,)),
        case("norm_axis_out_of_range", lambda tf, m: tf.norm(m, axis=3), (m3,)),
        case("norm_int_refused", lambda tf, a: tf.norm(a), (ai,)),
        case("norm_zero_vector_grad", lambda tf, a: tf.norm(a * 0.0, axis=1) + tf.norm(a), (a,),
             grad=True),
        case("matrix_transpose", lambda tf, m: [tf.matrix_transpose(m),
                                                tf.matrix_transpose(m, conjugate=True)], (m3,),
             grad=True),
        case("matrix_transpose_rank1_refused", lambda tf, a: tf.matrix_transpose(a[0]), (a,)),
        case("linspace", lambda tf: [tf.linspace(0.0, 1.0, 7), tf.linspace(0.0, 1.0, 1),
                                     tf.lin_space(-2.0, 3.0, 4), tf.linspace(0.0, 1.0, 0)]),
        case("linspace_nd", lambda tf, a: [tf.linspace(a[0], a[1], 4),
                                           tf.linspace(a[0], a[1], 5, axis=-1),
                                           tf.linspace(a[:, :1], a[1], 3, axis=1)], (a,)),
        case("linspace_grad", lambda tf, a: tf.linspace(a[0], a[1], 4), (a,), grad=True),
        case("linspace_int", lambda tf: tf.linspace(0, 5, 4)),
        case("linspace_float16", lambda tf: tf.linspace(tf.constant(-1.0, tf.float16),
                                                        tf.constant(2.0, tf.float16), 5)),
        case("linspace_num_float_refused", lambda tf: tf.linspace(0.0, 1.0, 3.0)),
        case("linspace_num_negative_refused", lambda tf: tf.linspace(0.0, 1.0, -1)),
        case("linspace_axis_refused", lambda tf, a: tf.linspace(a[0], a[1], 3, axis=2), (a,)),
        case("linspace_stop_dtype_refused",
             lambda tf: tf.linspace(tf.constant(0.0), tf.constant(1), 3)),
        case("linspace_stop_python_refused", lambda tf: tf.linspace(0, 1.5, 3)),
    ]  # fmt: skip
    return c


SEGMENT_OPS = [
    ("segment_sum", "unsorted_segment_sum"),
    ("segment_mean", "unsorted_segment_mean"),
    ("segment_max", "unsorted_segment_max"),
    ("segment_min", "unsorted_segment_min"),
    ("segment_prod", "unsorted_segment_prod"),
]


def _segment_cases():
    c = []
    ids = np.array([0, 0, 2, 3, 3, 3], I32)
    uids = np.array([2, -1, 0, 2, 4, 0], I32)
    for dt in (F32, I32):
        n = np.dtype(dt).name
        d = arr((6, 2), dt)
        g = dt is F32
        for seg, unsorted in SEGMENT_OPS:  # the names spelled out: docs/COMPAT.md reads them
            c += [
                case(f"{seg}_{n}",  # TF1's output has an unknown first dimension
                     lambda tf, d, i, seg=seg: tf.reshape(getattr(tf, seg)(d, i), [4, 2]),
                     (d, ids), g),
                case(f"{unsorted}_{n}",
                     lambda tf, d, i, op=unsorted: getattr(tf, op)(d, i, 6),
                     (d, uids), g),
            ]  # fmt: skip
    d, d3 = arr((6, 2)), arr((2, 3, 2))
    c += [
        case("unsorted_segment_sqrt_n", lambda tf, d, i: tf.unsorted_segment_sqrt_n(d, i, 5),
             (d, uids), grad=True),
        case("unsorted_segment_sqrt_n_int_refused",
             lambda tf, d, i: tf.unsorted_segment_sqrt_n(tf.cast(d, tf.int32), i, 5), (d, uids)),
        case("unsorted_segment_ids_2d", lambda tf, d: tf.unsorted_segment_sum(
            d, [[0, 1, 0], [1, 1, 2]], 3), (d3,), grad=True),
        case("unsorted_segment_prefix_refused",
             lambda tf, d: tf.unsorted_segment_sum(d, [[0, 1], [1, 1]], 3), (d3,)),
        case("unsorted_segment_float_ids_refused",
             lambda tf, d: tf.unsorted_segment_sum(d, [0.0, 1.0], 3), (d3,)),
        case("unsorted_segment_float_num_refused",
             lambda tf, d: tf.unsorted_segment_sum(d, [0, 1], 3.0), (d3,)),
        case("unsorted_segment_negative_num_refused",
             lambda tf, d: tf.unsorted_segment_sum(d, [0, 1], -1), (d3,)),
        case("unsorted_segment_id_too_big", lambda tf, d, i: tf.unsorted_segment_max(d, i, 4),
             (d, uids)),
        case("unsorted_segment_complex_max_refused",
             lambda tf: tf.unsorted_segment_max(tf.zeros([2], tf.complex64), [0, 1], 2)),
        case("segment_unsorted_ids_refused", lambda tf, d: tf.segment_sum(d, [1, 0, 2, 2, 3, 3]),
             (d,)),
        case("segment_negative_ids_refused", lambda tf, d: tf.segment_sum(d, [-1, 0, 2, 2, 3, 3]),
             (d,)),
        case("segment_ids_length_refused", lambda tf, d: tf.segment_sum(d, [0, 0]), (d,)),
        case("segment_ids_rank_refused", lambda tf, d: tf.segment_sum(d, [[0, 0, 1, 1, 2, 2]]),
             (d,)),
        case("segment_empty", lambda tf, d: tf.segment_sum(d[:0], tf.zeros([0], tf.int32)), (d,)),
    ]  # fmt: skip
    return c


ALL_CASES = _unary_cases() + _binary_cases() + _reduction_cases() + _matrix_cases()
ALL_CASES += _segment_cases()
# Dtypes TF1 builds but its CPU has no kernel for: such a node fails every run of its session, so
# they are checked apart (test_dtypes_without_a_tf1_kernel).
NO_CPU_KERNEL = {
    "rint_float16", "rint_bfloat16", "lgamma_bfloat16", "digamma_bfloat16",
    "truncatemod_float16", "truncatemod_bfloat16", "reciprocal_int32", "realdiv_int32",
    "einsum_bool_refused", "matmul_output_type_refused",
}  # fmt: skip
CASES = [c for c in ALL_CASES if c.id not in NO_CPU_KERNEL]
# TF1 refuses these only when the op runs (jaxscope: when the values are concrete). Each gets a
# small graph of its own: a failing run would make the oracle run its graph's cases one by one
# (and TF's constant folding of a batch of them can report another error class).
RUN_TIME = {
    "div_by_zero", "floordiv_by_zero", "mod_by_zero", "pow_negative_int",
    "unsorted_segment_id_too_big", "segment_unsorted_ids_refused", "segment_negative_ids_refused",
    "segment_ids_length_refused", "reduce_axis_duplicate", "argmax_empty_axis",
    "cumsum_axis_out_of_range", "cumsum_scalar_refused",
}  # fmt: skip
# Under jit the inputs are traced: segment_* needs its ids concrete.
JIT = one_per_op([c for c in CASES if c.id not in RUN_TIME and not c.id.startswith("segment_")])


@pytest.fixture(scope="module")
def tf_results(tf1):
    results = run_tf(tf1, [c for c in CASES if c.id not in RUN_TIME])
    for c in CASES:
        if c.id in RUN_TIME:
            results |= run_tf(tf1, [c])
    return results


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_math_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", JIT, ids=lambda c: c.id)
def test_math_op_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def test_dtypes_without_a_tf1_kernel(tf1):
    """TF1 builds these but cannot run them: refused (ValueError) where no TF1 device has a
    kernel, computed where only TF1's CPU lacks one (TF1's GPU kernels compute them)."""
    cases = {c.id: c for c in ALL_CASES if c.id in NO_CPU_KERNEL}
    for id, c in cases.items():
        with tf1.Graph().as_default(), tf1.Session() as sess:
            out = c.fn(tf1, *[tf1.constant(x) for x in c.inputs])
            with pytest.raises(tf1.errors.OpError):
                sess.run(out)
        if id.startswith(("reciprocal", "realdiv", "einsum", "matmul")):
            with pytest.raises(ValueError, match="TF1 has no kernel"):
                c.fn(jtf, *c.inputs)
            continue
        (x, *y) = (np.asarray(v, np.float32) for v in c.inputs)
        want = {"rint": np.rint, "truncatemod": np.fmod}.get(id.split("_")[0])
        want = want(x, *y) if want else getattr(jax.lax, id.split("_")[0])(x)
        got = c.fn(jtf, *c.inputs)
        assert got.dtype == c.inputs[0].dtype, id
        np.testing.assert_allclose(np.asarray(got, np.float32), want, 2e-2, 2e-2, err_msg=id)


def test_ids_known_only_when_traced_are_refused_or_dropped():
    d = np.arange(6, dtype=np.float32).reshape(3, 2)
    with pytest.raises(ValueError, match=r"segment_ids must be known when the program is traced"):
        jax.jit(lambda i: jtf.segment_sum(d, i))(np.array([0, 0, 1], np.int32))
    got = jax.jit(lambda i: jtf.unsorted_segment_sum(d, i, 2))(np.array([0, 5, 1], np.int32))
    np.testing.assert_array_equal(got, [[0, 1], [4, 5]])  # the id 5 is dropped, as -1 would be
    with pytest.raises(ValueError, match=r"segment_ids\[1\] = 5 is out of range \[0, 2\)"):
        jtf.unsorted_segment_sum(d, [0, 5, 1], 2)


def test_integer_division_by_zero_raises_concrete_not_traced():
    x = np.array([3, 4], np.int32)
    with pytest.raises(ValueError, match=r"tf\.floordiv: integer division by zero"):
        jtf.floordiv(x, np.array([1, 0], np.int32))
    jax.jit(jtf.floordiv)(x, np.array([1, 0], np.int32))  # traced: XLA's value, no error


def test_errors_name_the_op_and_give_the_fix():
    x, i = jnp.ones((2, 3), np.float32), jnp.ones((2, 3), np.int32)
    with pytest.raises(TypeError, match=r"(?s)tf\.add: .*'y' has type int32 .* float32.*tf\.cast"):
        jtf.add(x, i)
    with pytest.raises(TypeError, match=r"(?s)tf\.sqrt: x has dtype int32, not in .*tf\.cast"):
        jtf.sqrt(i)
    with pytest.raises(ValueError, match=r"tf\.add: Dimensions must be equal, but are 3 and 2"):
        jtf.add(x, x[:, :2])
    with pytest.raises(ValueError, match=r"tf\.reduce_sum: axis 2 is out of range .* rank 2"):
        jtf.reduce_sum(x, 2)
    with pytest.raises(ValueError, match=r"tf\.matmul: Dimensions must be equal, but are 3 and 2"):
        jtf.matmul(x, x)
    with pytest.raises(ValueError, match=r"(?s)tf\.reciprocal: TF1 has no kernel .*int32"):
        jtf.reciprocal(i)


def test_op_names_take_part_in_tf1_naming(tf1):
    def program(tf):
        x = tf.constant([1.0, 2.0])
        tf.add(x, x)
        tf.reduce_sum(x)
        tf.divide(x, x)
        tf.reduce_logsumexp(x, name="lse")
        scopes = []
        for n in ("Add", "Sum", "Const", "truediv", "lse"):
            with tf.name_scope(n) as s:
                scopes.append(s)
        return scopes

    with tf1.Graph().as_default():
        want = program(tf1)
    assert js.transform(lambda: program(jtf)).apply({}) == want


def test_math_namespace_is_the_top_level_functions(tf1):
    for name in jtf.math.__all__:
        assert hasattr(tf1.math, name), name
        assert getattr(jtf.math, name) is getattr(jtf, name, getattr(jtf.math, name))


def test_truediv_of_int32_is_float64_with_x64():
    x = np.array([1, 2], np.int32)
    assert jtf.truediv(x, x).dtype == np.float32
    with jax.enable_x64(True):
        assert jtf.truediv(jnp.asarray(x), jnp.asarray(x)).dtype == np.float64
