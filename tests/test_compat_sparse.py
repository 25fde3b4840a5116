"""jaxscope.compat.v1's tf.manip, LU / least-squares linalg, tf.SparseTensor / tf.sparse and the
sparse embedding lookups against tf.compat.v1: one program text, run on both, compared value for
value (dtype, shape, values; gradients where differentiable) and error class for what TF1 refuses
(at graph build, or when the op runs: then jaxscope refuses when the indices are known)."""

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf
from jaxscope._src.compat.errors import GraphOnlyError

R = np.random.RandomState(0)
BF16 = ml_dtypes.bfloat16


def arr(shape, dtype=np.float32, lo=-3, hi=3):
    x = R.uniform(lo, hi, shape)
    return (np.round(x) if np.dtype(dtype).kind in "iu" else x).astype(dtype)


def well(n, batch=()):
    """Well-conditioned square matrices."""
    return (arr(batch + (n, n)) + 4 * np.eye(n)).astype(np.float32)


def factors(a):
    """TF1's ``lu`` has no gradient: the factors are inputs of the cases that differentiate."""
    lu, _, p = jax.lax.linalg.lu(a)
    return np.asarray(lu), np.asarray(p)


IDX = np.array([[0, 1], [1, 0], [2, 3]], np.int64)
IDX_UNSORTED = IDX[::-1].copy()
IDX_DUP = IDX[[0, 0, 1]].copy()
V = np.array([1.5, -2.0, 3.0], np.float32)
SHAPE = [3, 4]


def sp(tf, i, v, shape=SHAPE):
    return tf.SparseTensor(i, v, shape)


def parts(s):
    return s.indices, s.values, s.dense_shape


def _manip_cases():
    x, xi = arr((2, 3, 4)), arr((2, 3, 4), np.int32)
    img = arr((2, 4, 4, 1))
    c = [
        Case("manip_reshape", lambda tf, x: tf.manip.reshape(x, [4, -1]), (x,), grad=True),
        Case("manip_reshape_int", lambda tf, x: tf.manip.reshape(x, [-1]), (xi,)),
        Case("manip_reshape_empty", lambda tf, x: tf.manip.reshape(x[:0], [0, 4]), (x,)),
        Case("manip_reshape_bad", lambda tf, x: tf.manip.reshape(x, [5, -1]), (x,)),
        Case("manip_reverse", lambda tf, x: tf.manip.reverse(x, [0, -1]), (x,), grad=True),
        Case("manip_reverse_int", lambda tf, x: tf.manip.reverse(x, [1]), (xi,)),
        Case("manip_reverse_bad", lambda tf, x: tf.manip.reverse(x, [3]), (x,)),
        Case("manip_roll", lambda tf, x: tf.manip.roll(x, [1, -2], [0, -1]), (x,), grad=True),
        Case("manip_roll_int", lambda tf, x: tf.manip.roll(x, 5, 2), (xi,)),
        Case("manip_tile", lambda tf, x: tf.manip.tile(x, [1, 2, 1]), (x,), grad=True),
        Case("manip_tile_empty", lambda tf, x: tf.manip.tile(x, [0, 1, 2]), (xi,)),
        Case("manip_tile_bad", lambda tf, x: tf.manip.tile(x, [1, 2]), (x,)),
        Case(
            "manip_gather_nd",
            lambda tf, x: tf.manip.gather_nd(x, [[1, 2], [0, -0]]),
            (x,),
            grad=True,
        ),
        Case("manip_gather_nd_int", lambda tf, x: tf.manip.gather_nd(x, [[1, 2, 3]]), (xi,)),
        Case(
            "manip_scatter_nd",
            lambda tf, u: tf.manip.scatter_nd([[1], [3], [1]], u, [5, 4]),
            (arr((3, 4)),),
            grad=True,
        ),
        Case(
            "manip_scatter_nd_bad",
            lambda tf, u: tf.manip.scatter_nd([[1], [3]], u, [5, 4]),
            (arr((3, 4)),),
        ),
        Case(
            "manip_space_to_batch_nd",
            lambda tf, x: tf.manip.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 2]]),
            (img,),
            grad=True,
        ),
        Case(
            "manip_batch_to_space_nd",
            lambda tf, x: tf.manip.batch_to_space_nd(x, [2, 1], [[0, 1], [0, 0]]),
            (img,),
            grad=True,
        ),
        Case(
            "manip_space_to_batch_nd_bad",
            lambda tf, x: tf.manip.space_to_batch_nd(x, [3, 2], [[0, 0], [0, 0]]),
            (img,),
        ),
    ]
    return c


def _linalg_cases():
    a, ab = well(3), well(3, (2,))
    tall, wide, rhs = arr((5, 3)), arr((2, 4)), arr((5, 2))
    g = dict(grad=True, rtol=2e-4, atol=2e-4)
    c = [
        Case("lu", lambda tf, a: tf.linalg.lu(a), (a,)),
        Case("lu_batch", lambda tf, a: tf.linalg.lu(a), (ab,)),
        Case("lu_int64", lambda tf, a: tf.linalg.lu(a, output_idx_type=tf.int64), (a,)),
        Case("lu_empty", lambda tf, a: tf.linalg.lu(a[:0]), (ab,)),
        Case("lu_idx_float", lambda tf, a: tf.linalg.lu(a, output_idx_type=tf.float32), (a,)),
        Case("lu_not_square", lambda tf, a: tf.linalg.lu(a), (tall,)),
        Case("lu_vector", lambda tf, a: tf.linalg.lu(a[0]), (a,)),
        Case("lu_int32", lambda tf, a: tf.linalg.lu(a), (arr((3, 3), np.int32),)),
        Case("lu_bfloat16", lambda tf, a: tf.linalg.lu(a), (a.astype(BF16),)),
        Case(
            "lu_solve",
            lambda tf, lu, p, b: tf.linalg.lu_solve(lu, p, b),
            factors(a) + (arr((3, 2)),),
            **g,
        ),
        Case(
            "lu_solve_broadcast",
            lambda tf, a, b: tf.linalg.lu_solve(*tf.linalg.lu(a), b),
            (ab, arr((3, 1))),
            rtol=1e-4,
            atol=1e-5,
        ),
        Case(
            "lu_solve_bad_rows",
            lambda tf, a, b: tf.linalg.lu_solve(*tf.linalg.lu(a), b),
            (a, arr((4, 2))),
        ),
        Case(
            "lu_matrix_inverse",
            lambda tf, lu, p: tf.linalg.lu_matrix_inverse(lu, p),
            factors(ab),
            **g,
        ),
        Case(
            "lu_reconstruct",
            lambda tf, lu, p: tf.linalg.lu_reconstruct(lu, p),
            factors(ab),
            **g,
        ),
        Case("pinv", lambda tf, a: tf.linalg.pinv(a), (a,), **g),
        Case("pinv_rect", lambda tf, a: tf.linalg.pinv(a), (arr((2, 4, 3)),), **g),
        Case("pinv_rcond", lambda tf, a: tf.linalg.pinv(a, rcond=0.5), (arr((3, 2)),), rtol=1e-4),
        Case("pinv_empty", lambda tf, a: tf.linalg.pinv(a[:0]), (arr((2, 3)),)),
        Case("pinv_vector", lambda tf, a: tf.linalg.pinv(a), (arr((3,)),)),
        Case("pinv_int32", lambda tf, a: tf.linalg.pinv(a), (arr((3, 3), np.int32),)),
        Case("lstsq_tall", lambda tf, a, b: tf.linalg.lstsq(a, b), (tall, rhs), **g),
        Case("lstsq_wide", lambda tf, a, b: tf.linalg.lstsq(a, b), (wide, rhs[:2]), **g),
        Case(
            "lstsq_l2",
            lambda tf, a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.5),
            (tall, rhs),
            **g,
        ),
        Case(
            "matrix_solve_ls_wide_l2",
            lambda tf, a, b: tf.matrix_solve_ls(a, b, 0.25),
            (wide, rhs[:2]),
            **g,
        ),
        Case(
            "matrix_solve_ls_broadcast",
            lambda tf, a, b: tf.matrix_solve_ls(a, b),
            (arr((2, 5, 3)), rhs),
            rtol=1e-4,
            atol=1e-5,
        ),
        Case(
            "matrix_solve_ls_slow",
            lambda tf, a, b: tf.matrix_solve_ls(a, b, fast=False),
            (tall, rhs),
            rtol=1e-4,
            atol=1e-5,
        ),
        Case(
            "lstsq_slow_ignores_l2",
            lambda tf, a, b: tf.linalg.lstsq(a, b, l2_regularizer=3.0, fast=False),
            (wide, rhs[:2]),
            rtol=1e-4,
            atol=1e-5,
        ),
        Case("lstsq_bad_rows", lambda tf, a, b: tf.linalg.lstsq(a, b), (tall, rhs[:4])),
        Case("lstsq_rhs_vector", lambda tf, a, b: tf.linalg.lstsq(a, b[:, 0]), (tall, rhs)),
        Case(
            "lstsq_dtype_mismatch",
            lambda tf, a, b: tf.linalg.lstsq(a, b),
            (tall, rhs.astype(np.int32)),
        ),
        Case("lstsq_int32", lambda tf, a, b: tf.linalg.lstsq(a, b), (tall.astype(np.int32),) * 2),
    ]
    return c


def _sparse_cases():
    dense = arr((4, 2))
    c = []
    for dt in (np.float32, np.float16, BF16, np.int32):
        n = np.dtype(dt).name
        v = V.astype(dt) if np.dtype(dt).kind == "f" or dt is BF16 else np.array([1, -2, 3], dt)
        c += [Case(f"to_dense_{n}", lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v)), (IDX, v))]
        if dt is BF16:  # the other ops' dtype handling is the same code: one 16-bit float suffices
            continue
        c += [
            Case(
                f"reduce_sum_{n}",
                lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), 1),
                (IDX, v),
            ),
            Case(
                f"sparse_dense_matmul_{n}",
                lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b),
                (IDX, v, dense.astype(dt)),
                rtol=1e-2 if dt in (np.float16, BF16) else 1e-6,
            ),
            Case(
                f"add_dense_{n}",
                lambda tf, i, v, d: tf.sparse.add(sp(tf, i, v), d),
                (IDX, v, arr((3, 4), dt)),
            ),
        ]
    bools = np.array([True, False, True])
    c += [
        # tf.SparseTensor and its attributes
        Case("sparse_tensor_parts", lambda tf, i, v: parts(sp(tf, i, v)), (IDX, V)),
        Case(
            "sparse_tensor_shape",
            lambda tf, i, v: tf.constant(sp(tf, i, v).get_shape().as_list()),
            (IDX, V),
        ),
        Case("sparse_tensor_bad_rank", lambda tf, i, v: sp(tf, i, v, [3, 4, 5]).values, (IDX, V)),
        Case("sparse_tensor_bad_nnz", lambda tf, i, v: sp(tf, i, v[:2]).values, (IDX, V)),
        Case("sparse_tensor_values_2d", lambda tf, i, v: sp(tf, i, v[:, None]).values, (IDX, V)),
        Case(
            "sparse_tensor_float_shape", lambda tf, i, v: sp(tf, i, v, [3.0, 4.0]).values, (IDX, V)
        ),
        Case(
            "sparse_tensor_value",
            lambda tf, v: tf.sparse.to_dense(tf.SparseTensorValue(IDX, v, SHAPE)),
            (V,),
        ),
        # to_dense
        Case(
            "to_dense_default",
            lambda tf, i, v, d: tf.sparse.to_dense(sp(tf, i, v), default_value=d),
            (IDX, V, np.float32(-1.0)),
            grad=True,
        ),
        Case(
            "to_dense_default_python",
            lambda tf, i, v: tf.sparse_tensor_to_dense(sp(tf, i, v), 2),
            (IDX, V),
        ),
        Case(
            "to_dense_default_dtype",
            lambda tf, i, v, d: tf.sparse.to_dense(sp(tf, i, v), d),
            (IDX, V, np.int32(1)),
        ),
        Case("to_dense_bool", lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v)), (IDX, bools)),
        Case(
            "to_dense_empty",
            lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v)),
            (np.zeros((0, 2), np.int64), V[:0]),
        ),
        Case(
            "to_dense_unsorted",
            lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v)),
            (IDX_UNSORTED, V),
            tf_run_time_error=True,
        ),
        Case(
            "to_dense_repeated",
            lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v)),
            (IDX_DUP, V),
            tf_run_time_error=True,
        ),
        Case(
            "to_dense_out_of_bounds",
            lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v, [2, 4]), validate_indices=False),
            (IDX, V),
            tf_run_time_error=True,
        ),
        Case(
            "to_dense_unsorted_unvalidated",
            lambda tf, i, v: tf.sparse.to_dense(sp(tf, i, v), validate_indices=False),
            (IDX_UNSORTED, V),
            grad=True,
        ),
        Case(
            "sparse_to_dense",
            lambda tf, v: tf.sparse_to_dense(IDX, [3, 4], v, default_value=0.5),
            (V,),
            grad=True,
        ),
        Case("sparse_to_dense_vector", lambda tf: tf.sparse_to_dense([0, 2], [4], 7)),
        Case("sparse_to_dense_scalar", lambda tf: tf.sparse_to_dense(1, [3], 5.0)),
        Case(
            "sparse_to_dense_bad_values", lambda tf, v: tf.sparse_to_dense(IDX, [3, 4], v[:2]), (V,)
        ),
        Case(
            "sparse_to_dense_unsorted",
            lambda tf, v: tf.sparse_to_dense(IDX_UNSORTED, [3, 4], v),
            (V,),
            tf_run_time_error=True,
        ),
        # reduce_sum
        Case("reduce_sum_all", lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v)), (IDX, V)),
        Case(
            "reduce_sum_keepdims_neg",
            lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), -1, keepdims=True),
            (IDX, V),
            grad=True,
        ),
        Case(
            "reduce_sum_axes",
            lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), [0, 1], keep_dims=True),
            (IDX, V),
        ),
        Case(
            "sparse_reduce_sum_reduction_axes",
            lambda tf, i, v: tf.sparse_reduce_sum(sp(tf, i, v), reduction_axes=0),
            (IDX, V),
            grad=True,
        ),
        Case(
            "reduce_sum_repeated_unsorted",
            lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), 1),
            (IDX_DUP[::-1].copy(), V),
            grad=True,
        ),
        Case(
            "reduce_sum_axis_out_of_range",
            lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), 2),
            (IDX, V),
            tf_run_time_error=True,
        ),
        Case("reduce_sum_bool", lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v)), (IDX, bools)),
        Case(
            "reduce_sum_empty",
            lambda tf, i, v: tf.sparse.reduce_sum(sp(tf, i, v), 0),
            (np.zeros((0, 2), np.int64), V[:0]),
        ),
        # sparse_dense_matmul
        Case(
            "sparse_dense_matmul_grad",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b),
            (IDX_DUP, V, dense),
            grad=True,
        ),
        Case(
            "sparse_tensor_dense_matmul_adjoint_a",
            lambda tf, i, v, b: tf.sparse_tensor_dense_matmul(sp(tf, i, v), b, adjoint_a=True),
            (IDX, V, arr((3, 2))),
            grad=True,
        ),
        Case(
            "sparse_matmul_adjoint_both",
            lambda tf, i, v, b: tf.sparse.matmul(sp(tf, i, v), b, adjoint_a=True, adjoint_b=True),
            (IDX, V, arr((5, 3))),
            grad=True,
        ),
        Case(
            "sparse_dense_matmul_adjoint_b",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b, adjoint_b=True),
            (IDX, V, arr((2, 4))),
            grad=True,
        ),
        Case(
            "sparse_dense_matmul_empty",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b),
            (np.zeros((0, 2), np.int64), V[:0], dense),
        ),
        Case(
            "sparse_dense_matmul_bad_inner",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b),
            (IDX, V, arr((3, 2))),
        ),
        Case(
            "sparse_dense_matmul_dtype",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v), b),
            (IDX, V, dense.astype(np.int32)),
        ),
        Case(
            "sparse_dense_matmul_rank3",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v, [3, 4, 1]), b),
            (np.c_[IDX, np.zeros(3, np.int64)], V, dense),
        ),
        Case(
            "sparse_dense_matmul_out_of_bounds",
            lambda tf, i, v, b: tf.sparse.sparse_dense_matmul(sp(tf, i, v, [2, 4]), b),
            (IDX, V, dense),
            tf_run_time_error=True,
        ),
        # add
        Case(
            "add_sparse_dense_grad",
            lambda tf, i, v, d: tf.sparse.add(sp(tf, i, v), d),
            (IDX, V, arr((3, 4))),
            grad=True,
        ),
        Case(
            "sparse_add_dense_sparse",
            lambda tf, i, v, d: tf.sparse_add(d, sp(tf, i, v)),
            (IDX, V, arr((3, 4))),
            grad=True,
        ),
        Case(
            "add_dense_bad_shape",
            lambda tf, i, v, d: tf.sparse.add(sp(tf, i, v), d),
            (IDX, V, arr((3, 5))),
            tf_run_time_error=True,
        ),
        Case(
            "add_dense_dtype",
            lambda tf, i, v, d: tf.sparse.add(sp(tf, i, v), d),
            (IDX, V, arr((3, 4), np.int32)),
        ),
        Case("add_dense_bool", lambda tf, i, v: tf.sparse.add(sp(tf, i, v), v), (IDX, bools)),
        Case("add_dense_dense", lambda tf, v: tf.sparse.add(v, v), (V,)),
        Case(
            "add_sparse_sparse",
            lambda tf, v: parts(tf.sparse.add(sp(tf, IDX, v), sp(tf, IDX[:2], -v[:2]))),
            (V,),
        ),
        Case(
            "add_sparse_sparse_threshold",
            lambda tf, v: parts(
                tf.sparse.add(sp(tf, IDX, v), sp(tf, IDX[1:], v[1:]), threshold=4.0)
            ),
            (V,),
        ),
        Case(
            "add_sparse_sparse_thresh",
            lambda tf, v: parts(
                tf.sparse_add(sp(tf, IDX[:2], v[:2]), sp(tf, IDX[2:], v[2:]), thresh=2)
            ),
            (V,),
        ),
        # reorder, transpose, reshape, retain, to_indicator, from_dense
        Case(
            "reorder",
            lambda tf, i, v: parts(tf.sparse.reorder(sp(tf, i, v))),
            (IDX_UNSORTED, V),
            grad=True,
        ),
        Case(
            "sparse_reorder_3d",
            lambda tf, i, v: parts(tf.sparse_reorder(sp(tf, i, v, [3, 4, 2]))),
            (np.array([[2, 0, 1], [0, 3, 1], [0, 3, 0]], np.int64), V),
        ),
        Case("transpose", lambda tf, i, v: parts(tf.sparse.transpose(sp(tf, i, v))), (IDX, V)),
        Case(
            "sparse_transpose_perm",
            lambda tf, i, v: parts(tf.sparse_transpose(sp(tf, i, v, [3, 4, 2]), [2, 0, 1])),
            (np.array([[2, 0, 1], [0, 3, 1], [0, 3, 0]], np.int64), V),
            grad=True,
        ),
        Case(
            "reshape",
            lambda tf, i, v: parts(tf.sparse.reshape(sp(tf, i, v), [2, -1])),
            (IDX, V),
            grad=True,
        ),
        Case(
            "sparse_reshape_3d",
            lambda tf, i, v: parts(tf.sparse_reshape(sp(tf, i, v), [2, 3, 2])),
            (IDX, V),
        ),
        Case(
            "reshape_bad",
            lambda tf, i, v: tf.sparse.reshape(sp(tf, i, v), [5, -1]).values,
            (IDX, V),
        ),
        Case(
            "retain",
            lambda tf, i, v: parts(tf.sparse.retain(sp(tf, i, v), [True, False, True])),
            (IDX, V),
        ),
        Case(
            "sparse_retain_bad_length",
            lambda tf, i, v: tf.sparse_retain(sp(tf, i, v), [True, False]).values,
            (IDX, V),
        ),
        Case(
            "to_indicator",
            lambda tf, i, v: tf.sparse.to_indicator(sp(tf, i, v), 5),
            (IDX, np.array([1, 3, 0], np.int64)),
        ),
        Case(
            "sparse_to_indicator_3d",
            lambda tf, i, v: tf.sparse_to_indicator(sp(tf, i, v, [3, 4, 2]), 3),
            (np.array([[0, 1, 0], [0, 1, 1], [2, 0, 0]], np.int64), np.array([2, 0, 2], np.int32)),
        ),
        Case(
            "to_indicator_out_of_range",
            lambda tf, i, v: tf.sparse.to_indicator(sp(tf, i, v), 5),
            (IDX, np.array([1, 7, 0], np.int64)),
            tf_run_time_error=True,
        ),
        Case(
            "from_dense",
            lambda tf: parts(tf.sparse.from_dense(tf.constant([[0.0, 1.5], [-2.0, 0.0]]))),
        ),
        Case("from_dense_int", lambda tf: parts(tf.sparse.from_dense(tf.constant([0, 3, 0, 4])))),
    ]
    return c


def _embedding_cases():
    params = arr((6, 3))
    shards = [arr((2, 3)), arr((2, 3)), arr((2, 3))]
    ids = np.array([0, 5, 2, 2, 4], np.int64)
    idx = np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 2]], np.int64)
    w = np.array([0.5, 2.0, 1.0, -1.5, 3.0], np.float32)
    g = dict(grad=True, rtol=1e-5, atol=1e-5)

    idx3 = np.array([[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0], [1, 1, 2]], np.int64)

    def ids_(tf, i=ids, shape=(3, 4)):
        return tf.SparseTensor(idx if len(shape) == 2 else idx3, i, shape)

    def static(tf, x, n=3):  # TF1 does not know the row count (its last id's row + 1)
        return tf.reshape(x, [n, 3])

    c = []
    for comb in ("sum", "mean", "sqrtn"):
        c += [
            Case(
                f"embedding_lookup_sparse_{comb}",
                lambda tf, p, comb=comb: static(
                    tf, tf.nn.embedding_lookup_sparse(p, ids_(tf), None, combiner=comb)
                ),
                (params,),
                **g,
            ),
            Case(
                f"embedding_lookup_sparse_weighted_{comb}",
                lambda tf, p, w, comb=comb: static(
                    tf,
                    tf.nn.embedding_lookup_sparse(
                        p, ids_(tf), tf.SparseTensor(idx, w, [3, 4]), combiner=comb
                    ),
                ),
                (params, w),
                **g,
            ),
            Case(
                f"safe_embedding_lookup_sparse_{comb}",
                lambda tf, p, w, comb=comb: tf.nn.safe_embedding_lookup_sparse(
                    p,
                    ids_(tf, np.array([0, -1, 2, 3, -4], np.int64), (2, 2, 3)),
                    tf.SparseTensor(idx3, w, [2, 2, 3]),
                    combiner=comb,
                ),
                (params, w),
                **g,
            ),
        ]
    c += [
        Case(
            "embedding_lookup_sparse_default_combiner_partitioned",
            lambda tf, a, b, d: static(
                tf, tf.nn.embedding_lookup_sparse([a, b, d], ids_(tf), None)
            ),
            tuple(shards),
            **g,
        ),
        Case(
            "embedding_lookup_sparse_div_max_norm",
            lambda tf, a, b, d: static(
                tf,
                tf.nn.embedding_lookup_sparse(
                    [a, b, d],
                    ids_(tf),
                    None,
                    partition_strategy="div",
                    max_norm=1.0,
                    combiner="sum",
                ),
            ),
            tuple(shards),
            **g,
        ),
        Case(
            "embedding_lookup_sparse_int32_ids",
            lambda tf, p: tf.nn.embedding_lookup_sparse(p, ids_(tf, ids.astype(np.int32)), None),
            (params,),
        ),
        Case(
            "embedding_lookup_sparse_bad_combiner",
            lambda tf, p: tf.nn.embedding_lookup_sparse(p, ids_(tf), None, combiner="max"),
            (params,),
        ),
        Case(
            "embedding_lookup_sparse_dense_ids",
            lambda tf, p: tf.nn.embedding_lookup_sparse(p, tf.constant([[0, 1]]), None),
            (params,),
        ),
        Case(
            "embedding_lookup_sparse_out_of_range",
            lambda tf, p: tf.nn.embedding_lookup_sparse(p, ids_(tf, ids + 3), None, combiner="sum"),
            (params,),
            tf_run_time_error=True,
        ),
        Case(
            "safe_embedding_lookup_sparse_default_id",
            lambda tf, p: tf.nn.safe_embedding_lookup_sparse(
                p, ids_(tf, np.array([0, 5, -1, -1, -2], np.int64)), default_id=4
            ),
            (params,),
            **g,
        ),
        Case(
            "safe_embedding_lookup_sparse_partitioned",
            lambda tf, a, b, d, w: tf.nn.safe_embedding_lookup_sparse(
                [a, b, d], ids_(tf), tf.SparseTensor(idx, w, [3, 4]), combiner="sum"
            ),
            tuple(shards) + (w,),
            **g,
        ),
        Case(
            "safe_embedding_lookup_sparse_bad_combiner",
            lambda tf, p: tf.nn.safe_embedding_lookup_sparse(p, ids_(tf), combiner="max"),
            (params,),
        ),
    ]
    return c


CASES = _manip_cases() + _linalg_cases() + _sparse_cases() + _embedding_cases()
for _c in CASES:  # one compiled program per gradient case (eagerly: a dispatch per primitive)
    _c.jit_grad = _c.grad
_CONCRETE_ONLY = ("add_sparse_sparse", "retain", "from_dense", "sparse_retain")
JIT_SAFE = [c for c in CASES if not c.tf_run_time_error and not c.id.startswith(_CONCRETE_ONLY)]


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", JIT_SAFE[::8], ids=lambda c: c.id)
def test_op_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def test_sparse_tensor_is_a_pytree_through_jit():
    s = jtf.SparseTensor(IDX, V, SHAPE)
    assert s.dtype == jtf.float32 and s.shape.as_list() == SHAPE and s.get_shape() == (3, 4)

    @jax.jit
    def double(s):
        return s.with_values(s.values * 2)

    out = double(s)
    assert isinstance(out, jtf.SparseTensor) and out.shape == (3, 4)
    np.testing.assert_array_equal(out.values, 2 * V)
    got = jax.grad(lambda v: jtf.sparse.reduce_sum(jtf.SparseTensor(IDX, v, SHAPE)))(V)
    np.testing.assert_array_equal(got, np.ones(3))


def test_sparse_tensor_refuses_dense_use_and_traced_shape():
    s = jtf.SparseTensor(IDX, V, SHAPE)
    with pytest.raises(TypeError, match=r"(?s)not a dense tensor.*Fix: tf\.sparse\.to_dense"):
        jtf.reduce_sum(s)
    with pytest.raises(ValueError, match="dense_shape must be known"):
        jax.jit(lambda d: jtf.SparseTensor(IDX, V, d).values)(jnp.array(SHAPE))


def test_value_dependent_sparse_ops_refuse_under_jit_with_the_fix():
    s = jtf.SparseTensor(IDX, V, SHAPE)
    with pytest.raises(ValueError, match=r"(?s)from_dense: .*traced.*Fix: tf\.SparseTensor"):
        jax.jit(jtf.sparse.from_dense)(np.eye(2, dtype=np.float32))
    with pytest.raises(ValueError, match=r"(?s)retain: .*traced.*Fix: sp\.with_values"):
        jax.jit(lambda k: jtf.sparse.retain(s, k).values)(np.array([True, False, True]))
    with pytest.raises(ValueError, match=r"(?s)indices must be known.*Fix: build"):
        jax.jit(lambda t: jtf.sparse.add(t, t).values)(s)
    # sparse + sparse with indices known when traced works under jit
    got = jax.jit(lambda v: jtf.sparse.add(jtf.SparseTensor(IDX, v, SHAPE), s).values)(V)
    np.testing.assert_array_equal(got, 2 * V)


def test_ops_without_a_tf1_kernel_are_refused():
    # TF1 builds them and fails when the op runs (its placer fails the whole graph: no oracle)
    s = jtf.SparseTensor(IDX, np.array([True, False, True]), SHAPE)
    with pytest.raises(ValueError, match="TF1 has no kernel"):
        jtf.sparse.sparse_dense_matmul(s, np.ones((4, 2), bool))


def test_traced_indices_out_of_bounds_are_dropped():
    f = jax.jit(lambda i: jtf.sparse.to_dense(jtf.SparseTensor(i, V, [2, 4])))
    np.testing.assert_array_equal(f(IDX), [[0, 1.5, 0, 0], [-2, 0, 0, 0]])


def test_embedding_lookup_sparse_has_dense_shape_rows_under_jit():
    params = arr((4, 2))
    ids = jtf.SparseTensor([[0, 0], [1, 0]], np.array([1, 3], np.int32), [3, 2])
    out = jax.jit(lambda p: jtf.nn.embedding_lookup_sparse(p, ids, None))(params)
    np.testing.assert_allclose(out, np.stack([params[1], params[3], np.zeros(2)]))


def test_sparse_placeholders_are_refused_with_the_fix():
    for f in (jtf.sparse_placeholder, jtf.sparse.placeholder):
        with pytest.raises(GraphOnlyError, match="Fix: make"):
            f(jtf.float32)


def test_float16_linalg_computes_in_float32():
    a = well(3).astype(np.float16)
    lu, p = jtf.linalg.lu(a)
    assert lu.dtype == np.float16 and p.dtype == np.int32
    np.testing.assert_allclose(jtf.linalg.lu_reconstruct(lu, p), a, atol=2e-2)
    assert jtf.linalg.pinv(a).dtype == np.float16
    assert jtf.linalg.lstsq(a, a).dtype == np.float16


def test_sparse_embedding_in_a_transformed_model():
    ids = jtf.SparseTensor([[0, 0], [0, 1], [1, 0]], np.array([2, 0, 1], np.int32), [2, 2])

    def model(sp_ids):
        table = jtf.get_variable("emb", [3, 4])
        return jtf.nn.safe_embedding_lookup_sparse(table, sp_ids, combiner="sqrtn")

    f = js.transform(model)
    variables = f.init(jax.random.key(0), ids)
    out = jax.jit(f.apply)(variables, ids)
    table = np.asarray(next(iter(jax.tree_util.tree_leaves(variables))))
    np.testing.assert_allclose(out[0], (table[2] + table[0]) / np.sqrt(2), rtol=1e-6)
