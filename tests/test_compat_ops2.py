"""jaxscope.compat.v1's slicing, scatter, sort, shape, linalg and fold ops against tf.compat.v1:
one program text, run on both, compared value for value (dtype, shape, values; gradients where
differentiable) and error class for what TF1 refuses when it builds the graph. Decompositions are
compared through what is unique (singular values, |R|, reconstructions)."""

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, one_per_op, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
DTYPES = [np.float32, np.float16, ml_dtypes.bfloat16, np.int32]


def arr(shape, dtype=np.float32, lo=-3, hi=3):
    x = R.uniform(lo, hi, shape)
    return (np.round(x) if np.dtype(dtype).kind in "iu" else x).astype(dtype)


def _matrices():
    a = arr((2, 3, 3)) + 4 * np.eye(3, dtype=np.float32)  # well conditioned
    pd = (a @ np.swapaxes(a, -1, -2) + np.eye(3)).astype(np.float32)  # positive definite
    rhs = arr((2, 3, 2))
    return a, pd, rhs


CROSS_DTYPES = (
    "strided_slice_masks",
    "strided_slice_negative",
    "scatter_nd",
    "tensor_scatter_nd_add",
    "sort",
    "argsort",
    "matrix_band_part",
    "trace",
    "diag",
)


def _slicing_cases(n, x, g):
    ss = "strided_slice"
    return (
        [
            Case(
                f"{ss}_{n}", lambda tf, x: tf.strided_slice(x, [0, 1], [2, 4], [1, 2]), (x,), grad=g
            ),
            Case(
                f"{ss}_negative_stride_{n}",
                lambda tf, x: tf.strided_slice(x, [-1, 3, 0], [-10, 0, 5], [-1, -2, 3]),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"{ss}_masks_{n}",
                lambda tf, x: tf.strided_slice(
                    x, [1, 7, 1], [0, 1, 0], [1, -2, 1], begin_mask=1, end_mask=5
                ),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"{ss}_shrink_{n}",
                lambda tf, x: tf.strided_slice(x, [-1, 0, 2], [0, 4, 3], shrink_axis_mask=5),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"{ss}_ellipsis_new_axis_{n}",
                lambda tf, x: tf.strided_slice(
                    x, [0, 0, 1], [0, 0, 3], [1, 1, 1], ellipsis_mask=1, new_axis_mask=2
                ),
                (x,),
            ),  # fmt: skip
            Case(
                f"{ss}_ellipsis_middle_{n}",
                lambda tf, x: tf.strided_slice(
                    x, [1, 0, 2], [2, 0, 3], [1, 1, 1], ellipsis_mask=2, shrink_axis_mask=5
                ),
                (x,),
            ),  # fmt: skip
            Case(
                f"{ss}_new_axes_{n}",
                lambda tf, x: tf.strided_slice(x, [0, 0, 1], [0, 0, 2], new_axis_mask=3),
                (x,),
            ),  # fmt: skip
            Case(f"{ss}_empty_{n}", lambda tf, x: tf.strided_slice(x, [2], [1]), (x,), grad=g),
            Case(
                f"reverse_sequence_{n}",
                lambda tf, x: tf.reverse_sequence(x, [3, 0], seq_axis=1),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"scatter_nd_{n}",
                lambda tf, x: tf.scatter_nd([[1, 0], [0, 2], [1, 0]], x[0, :3], [2, 4, 5]),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"tensor_scatter_nd_update_{n}",
                lambda tf, x: tf.tensor_scatter_nd_update(x, [[1, 2], [0, 0]], x[0, :2] * 2),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"tensor_scatter_nd_add_{n}",
                lambda tf, x: tf.tensor_scatter_nd_add(x, [[1], [1]], x + x),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(f"sort_{n}", lambda tf, x: tf.sort(x, direction="DESCENDING"), (x,), grad=g),
            Case(f"argsort_{n}", lambda tf, x: tf.argsort(tf.round(x), axis=1), (x,)),
            Case(f"broadcast_to_{n}", lambda tf, x: tf.broadcast_to(x[:, :1], [3, 2, 4, 5]), (x,)),
            Case(f"roll_{n}", lambda tf, x: tf.roll(x, [1, -2, 7], [0, 2, 0]), (x,), grad=g),
            Case(f"repeat_{n}", lambda tf, x: tf.repeat(x, [1, 0, 2, 1], axis=-2), (x,), grad=g),
            Case(f"matrix_band_part_{n}", lambda tf, x: tf.matrix_band_part(x, 1, 2), (x,), grad=g),
            Case(f"matrix_diag_part_{n}", lambda tf, x: tf.matrix_diag_part(x, k=(-1, 2)), (x,)),
            Case(
                f"trace_{n}", lambda tf, x: tf.trace(x), (x,), grad=g, rtol=1e-2 if not g else 1e-6
            ),
            Case(f"space_to_depth_{n}", lambda tf, x: tf.space_to_depth(x[None, :, :4], 2), (x,)),
        ]
        + [Case(f"diag_{n}", lambda tf, x: tf.diag(x[0, :2, :3]), (x,))] * (n != "bfloat16")
    )


def _cases():
    c = []
    for dt in DTYPES:
        n = np.dtype(dt).name
        cs = _slicing_cases(n, arr((2, 4, 5), dt), np.dtype(dt) == np.float32)
        # other dtypes: the ops whose dtype lists or arithmetic differ
        c += cs if n == "float32" else [k for k in cs if k.id.startswith(CROSS_DTYPES)]
    x = arr((2, 4, 5))
    i = arr((2, 4, 5), np.int32)
    ss = "strided_slice"
    c += [
        Case(f"{ss}_zero_stride", lambda tf, x: tf.strided_slice(x, [0, 0], [1, 1], [1, 0]), (x,)),
        Case(
            f"{ss}_two_ellipses",
            lambda tf, x: tf.strided_slice(x, [0, 0], [1, 1], ellipsis_mask=3),
            (x,),
        ),  # fmt: skip
        Case(
            f"{ss}_shrink_out_of_bounds",
            lambda tf, x: tf.strided_slice(x, [2], [3], shrink_axis_mask=1),
            (x,),
        ),  # fmt: skip
        Case(
            f"{ss}_shrink_negative_stride",
            lambda tf, x: tf.strided_slice(x, [0], [1], [-1], shrink_axis_mask=1),
            (x,),
        ),  # fmt: skip
        Case(f"{ss}_too_many", lambda tf, x: tf.strided_slice(x, [0] * 4, [1] * 4), (x,)),
        Case(f"{ss}_lengths", lambda tf, x: tf.strided_slice(x, [0, 0], [1, 1, 1]), (x,)),
        Case(f"{ss}_float_begin", lambda tf, x: tf.strided_slice(x, [0.0], [1.0]), (x,)),
        Case(
            f"{ss}_var_name",
            lambda tf, x: tf.strided_slice(x, [1], [2], var=None, name="s"),
            (x,),
        ),  # fmt: skip
        # reverse_sequence
        Case(
            "reverse_sequence_batch_axis",
            lambda tf, x: tf.reverse_sequence(
                x, tf.constant([2, 1, 2, 0, 1], tf.int64), seq_axis=0, batch_axis=2
            ),
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "reverse_sequence_dims",
            lambda tf, x: tf.reverse_sequence(x, [2, 4, 1, 3], seq_dim=2, batch_dim=1),
            (x,),
        ),  # fmt: skip
        Case(
            "reverse_sequence_negative_batch_axis",
            lambda tf, x: tf.reverse_sequence(x, [1, 2, 3, 4, 5], seq_axis=1, batch_axis=-1),
            (x,),
        ),  # fmt: skip
        Case("reverse_sequence_bad_len", lambda tf, x: tf.reverse_sequence(x, [1], 1), (x,)),
        Case(
            "reverse_sequence_too_long",
            lambda tf, x: tf.reverse_sequence(x, [5, 1], seq_axis=1),
            (x,),
            tf_run_time_error=True,
        ),  # fmt: skip
        # scatter
        Case(
            "scatter_nd_slices",
            lambda tf, x: tf.scatter_nd([[3], [0]], x[0, :2], [4, 5]),
            (x,),
            grad=True,
        ),  # fmt: skip
        Case("scatter_nd_bad_updates", lambda tf, x: tf.scatter_nd([[0]], x[0], [4, 5]), (x,)),
        Case(
            "scatter_nd_out_of_range",
            lambda tf, x: tf.scatter_nd([[4]], x[0, :1], [4, 5]),
            (x,),
            tf_run_time_error=True,
        ),  # fmt: skip
        Case(
            "tensor_scatter_nd_sub",
            lambda tf, x: tf.tensor_scatter_nd_sub(x, [[0, 1, 2], [1, 3, 4]], x[0, 0, :2]),
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "tensor_scatter_nd_max_min",
            lambda tf, x: [
                tf.tensor_scatter_nd_max(x, [[0, 1], [1, 1]], x[0, :2] * 0),
                tf.tensor_scatter_nd_min(x, [[0, 1]], x[0, 1:2] * 0),
            ],
            (x,),
        ),  # fmt: skip
        Case(
            "tensor_scatter_aliases",
            lambda tf, x: [
                tf.tensor_scatter_update(x, [[0]], x[1:]),
                tf.tensor_scatter_add(x, [[0]], x[1:]),
                tf.tensor_scatter_sub(x, [[1]], x[:1]),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "tensor_scatter_dtype_mismatch",
            lambda tf, x, i: tf.tensor_scatter_nd_update(x, [[0]], i[:1]),
            (x, i),
        ),  # fmt: skip
        Case(
            "tensor_scatter_float_indices",
            lambda tf, x: tf.tensor_scatter_nd_update(x, [[0.0]], x[:1]),
            (x,),
        ),  # fmt: skip
        Case(
            "tensor_scatter_python_updates",
            lambda tf, i: tf.tensor_scatter_nd_add(i[0, 0], [[1], [3]], [5, 6]),
            (i,),
        ),  # fmt: skip
        # broadcast_to, sort, searchsorted
        Case("broadcast_to_bad", lambda tf, x: tf.broadcast_to(x, [2, 3, 5]), (x,)),
        Case("broadcast_to_scalar", lambda tf: tf.broadcast_to(3.0, [2, 2])),
        Case("sort_axis0", lambda tf, i: tf.sort(i, axis=0), (i,)),
        Case(
            "argsort_ties",
            lambda tf, i: [tf.argsort(i), tf.argsort(i, direction="DESCENDING", stable=True)],
            (i,),
        ),  # fmt: skip
        Case("sort_bad_direction", lambda tf, x: tf.sort(x, direction="UP"), (x,)),
        Case("sort_bad_axis", lambda tf, x: tf.sort(x, axis=3), (x,)),
        Case("sort_bool", lambda tf, x: tf.sort(x > 0), (x,)),
        Case(
            "searchsorted",
            lambda tf, x: [
                tf.searchsorted(tf.sort(x), x[..., :3]),
                tf.searchsorted(tf.sort(x), tf.round(x), side="right", out_type=tf.int64),
            ],
            (x,),
        ),  # fmt: skip
        Case("searchsorted_1d", lambda tf: tf.searchsorted([1, 3, 3, 7], [[0, 3], [8, 3]][0])),
        Case("searchsorted_bad_side", lambda tf, x: tf.searchsorted(x, x, side="mid"), (x,)),
        Case("searchsorted_dtype", lambda tf, x, i: tf.searchsorted(x, i), (x, i)),
        # roll, meshgrid, repeat
        Case("roll_scalar", lambda tf, i: tf.roll(i, -1, 2), (i,)),
        Case("roll_bad", lambda tf, i: tf.roll(i, [1, 2], 0), (i,)),
        Case(
            "meshgrid",
            lambda tf, x: (
                tf.meshgrid(x[0, 0], x[0, 1, :3], x[1, 2, :2])
                + tf.meshgrid(x[0, 0], x[1, 0, :2], indexing="ij")
            ),
            (x,),
            grad=True,
        ),  # fmt: skip
        Case("meshgrid_mixed", lambda tf, x, i: tf.meshgrid(x[0, 0], i[0, 0]), (x, i)),
        Case(
            "repeat_flat_scalar",
            lambda tf, i: [tf.repeat(i[0], 2), tf.repeat(i, [3], axis=0)],
            (i,),
        ),  # fmt: skip
        Case("repeat_bad", lambda tf, i: tf.repeat(i, [1, 2], axis=1), (i,)),
        # eye, diag, band ops
        Case(
            "eye",
            lambda tf: [
                tf.eye(3),
                tf.eye(2, 4, dtype=tf.int32),
                tf.eye(3, 2, batch_shape=[2]),
                tf.eye(0),
            ],
        ),  # fmt: skip
        Case(
            "diag_part",
            lambda tf, x: [tf.diag_part(tf.diag(x[0])), tf.diag_part(x[0, :4, :4])],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case("diag_part_bad", lambda tf, x: tf.diag_part(x[0]), (x,)),
        Case("band_part_all", lambda tf, x: tf.matrix_band_part(x, -1, 0), (x,)),
        Case("band_part_float", lambda tf, x: tf.matrix_band_part(x, 1.0, 0), (x,)),
        Case(
            "matrix_diag",
            lambda tf, x: [
                tf.matrix_diag(x[0]),
                tf.matrix_diag(x[0, 0, :3], k=1),
                tf.matrix_diag(x[0, 0, :3], k=-2, num_cols=4),
                tf.matrix_diag(x[0, 0, :3], num_rows=3, num_cols=5, padding_value=9),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "matrix_diag_band",
            lambda tf, x: [
                tf.matrix_diag(x[0, :3, :3], k=(-1, 1)),
                tf.matrix_diag(x[:, :2, :2], k=[1, 2], align="LEFT_RIGHT"),
                tf.matrix_diag(x[0, :3, :4], k=(-2, 0), padding_value=1, align="LEFT_LEFT"),
                tf.matrix_diag(x[0, :2, :3], k=(0, 1), num_rows=4, align="RIGHT_RIGHT"),
            ],
            (x,),
        ),  # fmt: skip
        Case(
            "matrix_diag_part_k",
            lambda tf, x: [
                tf.matrix_diag_part(x),
                tf.matrix_diag_part(x, k=2),
                tf.matrix_diag_part(x, k=-3, padding_value=5),
                tf.matrix_diag_part(x, k=(1, 3), padding_value=-1, align="LEFT_RIGHT"),
                tf.matrix_diag_part(x, k=(-3, -1), align="RIGHT_RIGHT"),
                tf.matrix_diag_part(tf.transpose(x, [0, 2, 1]), k=(-2, 1), align="LEFT_LEFT"),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case("matrix_diag_part_bad_k", lambda tf, x: tf.matrix_diag_part(x, k=(2, 1)), (x,)),
        Case(
            "matrix_set_diag",
            lambda tf, x: [
                tf.matrix_set_diag(x, x[:, 0, :4]),
                tf.matrix_set_diag(x, x[:, :2, :4], k=(-1, 0), align="LEFT_RIGHT"),
                tf.matrix_set_diag(x, x[:, :3, :4], k=(0, 2)),
                tf.matrix_set_diag(x, x[:, 1, :3], k=-1),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "matrix_set_diag_bad",
            lambda tf, x: tf.matrix_set_diag(x, x[:, 0]),
            (x,),
            tf_run_time_error=True,
        ),  # fmt: skip
        Case(
            "bool_scatter_and_diag",
            lambda tf, x: [
                tf.scatter_nd([[1], [1], [3]], x[0, 0, :3] > 0, [4]),
                tf.matrix_diag(x[0] > 0),
                tf.matrix_diag_part(x > 0, k=(0, 1)),
            ],
            (x,),
        ),  # fmt: skip
        Case("diag_int8", lambda tf, x: tf.diag(tf.cast(x[0, 0], tf.int8)), (x,)),
        Case("trace_rank1", lambda tf, x: tf.trace(x[0, 0]), (x,)),
        # identity_n, shape_n, invert_permutation
        Case("identity_n", lambda tf, x, i: tf.identity_n([x, i]), (x, i), grad=True),
        Case(
            "shape_n",
            lambda tf, x, i: tf.shape_n([x, i[0]]) + tf.shape_n([x], out_type=tf.int64),
            (x, i),
        ),  # fmt: skip
        Case(
            "invert_permutation",
            lambda tf: tf.invert_permutation(tf.constant([3, 0, 4, 1, 2])),
        ),  # fmt: skip
        Case("invert_permutation_float", lambda tf: tf.invert_permutation([0.0, 1.0])),
        Case(
            "invert_permutation_bad",
            lambda tf: tf.invert_permutation([0, 0, 1]),
            tf_run_time_error=True,
        ),  # fmt: skip
        # space_to_depth and friends
        Case(
            "space_depth",
            lambda tf, x: [
                tf.space_to_depth(tf.reshape(x, [1, 4, 2, 5]), 2),
                tf.depth_to_space(tf.reshape(x, [2, 1, 5, 4]), 2),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case("space_to_depth_block1", lambda tf, x: tf.space_to_depth(x[None], 1), (x,)),
        Case("space_to_depth_indivisible", lambda tf, x: tf.space_to_depth(x[None], 3), (x,)),
        Case("depth_to_space_indivisible", lambda tf, x: tf.depth_to_space(x[None], 2), (x,)),
        Case(
            "space_to_batch_nd",
            lambda tf, x: [
                tf.space_to_batch_nd(x[..., None], [2, 3], [[0, 0], [1, 0]]),
                tf.space_to_batch_nd(x, [2], [[1, 1]]),
                tf.batch_to_space_nd(tf.reshape(x, [4, 2, 5, 1]), [2, 2], [[1, 0], [0, 3]]),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "space_to_batch_v1",
            lambda tf, x: [
                tf.space_to_batch(tf.reshape(x, [1, 4, 5, 2]), [[0, 0], [1, 0]], 2),
                tf.batch_to_space(tf.reshape(x, [4, 1, 5, 2]), [[0, 1], [1, 2]], block_size=2),
            ],
            (x,),
        ),  # fmt: skip
        Case(
            "scatter_nd_ignore_bad_indices",
            lambda tf, x: tf.scatter_nd([[4], [1]], x[0, :2], [4, 5], bad_indices_policy="IGNORE"),
            (x,),
        ),  # fmt: skip
        Case(
            "space_batch_round_trip",
            lambda tf, x: tf.batch_to_space_nd(
                tf.space_to_batch_nd(x, [2, 2], [[0, 0], [1, 2]]), [2, 2], [[0, 0], [1, 2]]
            ),
            (x,),
        ),  # fmt: skip
        Case(
            "space_to_batch_nd_indivisible",
            lambda tf, x: tf.space_to_batch_nd(x, [3], [[0, 0]]),
            (x,),
        ),  # fmt: skip
        # group 3: casts, clip, unique, setdiff1d, folds
        Case(
            "saturate_cast",
            lambda tf, x, i: [
                tf.saturate_cast(x * 100, tf.int8),
                tf.saturate_cast(x * 100, tf.uint8),
                tf.saturate_cast(i * 30000, tf.int16),
                tf.saturate_cast(i * 100, tf.uint8),
                tf.saturate_cast(x * 1e38, tf.float16),
                tf.saturate_cast(x * 1e10, tf.int32),
                tf.saturate_cast(i, tf.float32),
            ],
            (x, i),
        ),  # fmt: skip
        Case("saturate_cast_to_bool", lambda tf, x: tf.saturate_cast(x, tf.bool), (x,)),
        Case("saturate_cast_from_bool", lambda tf, x: tf.saturate_cast(x > 0, tf.float32), (x,)),
        Case("identity_n_empty", lambda tf: tf.identity_n([])),
        Case(
            "to_double_bfloat16",
            lambda tf, x, i: [tf.to_double(i), tf.to_bfloat16(x)],
            (x, i),
            grad=True,
        ),  # fmt: skip
        Case(
            "clip_by_average_norm",
            lambda tf, x: [tf.clip_by_average_norm(x, 0.05), tf.clip_by_average_norm(x, 5.0)],
            (x,),
            grad=True,
        ),  # fmt: skip
        Case(
            "clip_by_average_norm_f16",
            lambda tf, x: tf.clip_by_average_norm(tf.cast(x, tf.float16), 0.5),
            (x,),
        ),  # fmt: skip
        Case(
            "unique",
            lambda tf: (
                list(tf.unique(tf.constant([4, 1, 4, 2, 1, 7])))
                + list(tf.unique_with_counts(tf.constant([2.5, 1.0, 2.5]), out_idx=tf.int64))
            ),
        ),  # fmt: skip
        Case(
            "setdiff1d",
            lambda tf: list(tf.setdiff1d(tf.constant([5, 1, 3, 1, 9]), tf.constant([3, 9, 7]))),
        ),  # fmt: skip
        Case(
            "foldl_foldr",
            lambda tf, x: [
                tf.foldl(lambda a, e: a * 0.5 + e, x),
                tf.foldr(lambda a, e: a * 0.5 + e, x[0], initializer=x[1, 0]),
                tf.foldl(lambda a, e: a + e[0] * e[1], (x[0], x[1]), initializer=x[0, 0] * 0),
            ],
            (x,),
            grad=True,
        ),  # fmt: skip
    ]
    c += _linalg_cases()
    return c


def _linalg_cases():
    a, pd, rhs = _matrices()
    i = arr((3, 3), np.int32)
    la = "linalg"

    def qr(tf, a, full):
        q, r = tf.qr(a, full_matrices=full)
        return [tf.abs(r), tf.matmul(q, r), tf.matmul(q, q, transpose_a=True)]

    def svd(tf, a, full):
        s, u, v = tf.svd(a, full_matrices=full)
        k = s.shape[-1]
        return [s, tf.matmul(u[..., :k] * s[..., None, :], v[..., :k], adjoint_b=True)]

    def eigh(tf, p):
        e, v = tf.linalg.eigh(p)
        return [e, tf.matmul(v * e[..., None, :], v, adjoint_b=True)]

    return [
        Case(
            "matrix_inverse",
            lambda tf, a: [tf.matrix_inverse(a), tf.matrix_inverse(a, adjoint=True)],
            (a,),
            grad=True,
            rtol=1e-5,
        ),  # fmt: skip
        Case(
            "det_slogdet",
            lambda tf, a: [tf.matrix_determinant(a), tf.linalg.det(a)] + list(tf.linalg.slogdet(a)),
            (a,),
            grad=True,
            rtol=1e-5,
        ),  # fmt: skip
        Case(
            "cholesky_logdet",
            lambda tf, p, b: [
                tf.cholesky(p),
                tf.linalg.logdet(p),
                tf.cholesky_solve(tf.cholesky(p), b),
                tf.linalg.cholesky_solve(tf.linalg.cholesky(p), b),
            ],
            (pd, rhs),
            grad=True,
            rtol=1e-5,
            atol=1e-5,
        ),  # fmt: skip
        Case(
            "cholesky_lower_triangle_only",
            lambda tf, p: tf.cholesky(
                p
                + tf.matrix_band_part(p, 0, -1) * 0
                + tf.constant(np.triu(np.ones((3, 3), np.float32), 1))
            ),
            (pd,),
            rtol=1e-5,
        ),  # fmt: skip
        Case("qr", lambda tf, a: qr(tf, a, False), (a,), grad=True, rtol=1e-5, atol=1e-5),
        Case(
            "qr_full_wide_tall",
            lambda tf, a: qr(tf, a[:, :2], True) + qr(tf, a[0, :2], False),
            (a,),
            rtol=1e-5,
            atol=1e-5,
        ),  # fmt: skip
        Case("svd", lambda tf, a: svd(tf, a, False), (a,), grad=True, rtol=1e-5, atol=1e-5),
        Case(
            "svd_values_full",
            lambda tf, a: (
                [tf.svd(a[:, :2], compute_uv=False), tf.linalg.svd(a, compute_uv=False)]
                + svd(tf, a[0, :2], True)
            ),
            (a,),
            rtol=1e-5,
            atol=1e-5,
        ),  # fmt: skip
        Case(
            "solve",
            lambda tf, a, b: [
                tf.matrix_solve(a, b),
                tf.linalg.solve(a, b, adjoint=True),
            ],
            (a, rhs),
            grad=True,
            rtol=1e-5,
            atol=1e-6,
        ),  # fmt: skip
        Case(
            "triangular_solve",
            lambda tf, a, b: [
                tf.matrix_triangular_solve(a, b),
                tf.linalg.triangular_solve(a, b, lower=False),
                tf.matrix_triangular_solve(a, b, adjoint=True),
                tf.matrix_triangular_solve(a[0], b),
            ],
            (a, rhs),
            grad=True,
            rtol=1e-5,
            atol=1e-6,
        ),  # fmt: skip
        Case(
            "eigh",
            lambda tf, p: eigh(tf, p) + [tf.self_adjoint_eigvals(p)],
            (pd,),
            grad=True,
            rtol=1e-4,
            atol=1e-4,
        ),  # fmt: skip
        Case(
            "eigh_lower_triangle_only",
            lambda tf, p: eigh(
                tf,
                tf.matrix_band_part(p, -1, 0)
                + tf.constant(np.triu(np.full((3, 3), 5, np.float32), 1)),
            ),
            (pd,),
            grad=True,
            rtol=1e-4,
            atol=1e-4,
        ),  # fmt: skip
        Case("solve_batch_no_broadcast", lambda tf, a, b: tf.matrix_solve(a, b[:1]), (a, rhs)),
        Case("solve_bad_rhs", lambda tf, a, b: tf.matrix_solve(a, b[:, :2]), (a, rhs)),
        Case("inverse_not_square", lambda tf, a: tf.matrix_inverse(a[:, :2]), (a,)),
        Case("inverse_int", lambda tf, i: tf.matrix_inverse(i), (i,)),
        Case(
            "inverse_f16",
            lambda tf, a: tf.matrix_inverse(tf.cast(a, tf.float16)),
            (a,),
            rtol=2e-2,
            atol=2e-3,
        ),  # fmt: skip
        Case("det_bf16", lambda tf, a: tf.matrix_determinant(tf.cast(a, tf.bfloat16)), (a,)),
        Case(
            "cross",
            lambda tf, a, i: [tf.cross(a, a[::-1]), tf.linalg.cross(i, i[::-1])],
            (a, i),
            grad=True,
            rtol=1e-5,
        ),  # fmt: skip
        Case("expm_int", lambda tf, i: tf.linalg.expm(i), (i,)),
        Case("cross_bad", lambda tf, a: tf.cross(a, a[:, :, :2]), (a,)),
        Case(
            "expm", lambda tf, a: tf.linalg.expm(a * 0.3), (a,), grad=True, rtol=1e-4, atol=1e-4
        ),  # fmt: skip
        Case(
            f"{la}_reexports",
            lambda tf, a, b: [
                tf.linalg.matvec(a, b[..., 0]),
                tf.linalg.matvec(a[0], b[0, :, 0], transpose_a=True),
                tf.linalg.matmul(a, b),
                tf.linalg.transpose(a),
                tf.linalg.matrix_transpose(a),
                tf.linalg.adjoint(a),
                tf.linalg.einsum("bij,bjk->bik", a, b),
                tf.linalg.tensordot(a, b, [[2], [1]]),
                tf.linalg.norm(a, axis=[-2, -1]),
                tf.linalg.l2_normalize(a, axis=-1),
                tf.linalg.eye(2, batch_shape=[3]),
                tf.linalg.band_part(a, 0, 1),
                tf.linalg.trace(a),
                tf.linalg.diag(b[..., 0]),
                tf.linalg.diag_part(a),
                tf.linalg.set_diag(a, b[..., 1]),
                tf.linalg.tensor_diag(b[0, :, 0]),
                tf.linalg.tensor_diag_part(a[0]),
                tf.linalg.inv(a),
            ],
            (a, rhs),
            grad=True,
            rtol=1e-5,
            atol=1e-6,
        ),  # fmt: skip
    ]


CASES = _cases()
for _c in CASES:  # one compiled program per gradient case: cheaper than eager dispatch
    _c.jit_grad = _c.grad
NOT_JIT = ("unique", "setdiff1d", "shape_n", "invert_permutation", "repeat")
JIT_SAFE = [c for c in CASES if not c.id.startswith(NOT_JIT) and not c.tf_run_time_error]


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", one_per_op(JIT_SAFE), ids=lambda c: c.id)
def test_op_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def test_value_dependent_shapes_refused_under_jit_with_the_fix():
    x = jnp.array([3, 1, 3], jnp.int32)
    for f in (jtf.unique, jtf.unique_with_counts, lambda v: jtf.setdiff1d(v, v[:1])):
        with pytest.raises(ValueError, match=r"(?s)depends on the values.*Fix: .*size=N"):
            jax.jit(f)(x)
    with pytest.raises(ValueError, match=r"(?s)tf\.repeat: repeats must be known.*Fix"):
        jax.jit(lambda r: jtf.repeat(x, r))(jnp.array([1, 2, 1], jnp.int32))


def test_traced_indices_out_of_range_are_dropped_and_lengths_clamped():
    x = jnp.ones((3,), jnp.float32)
    got = jax.jit(lambda i: jtf.scatter_nd(i, x, [4]))(jnp.array([[0], [9], [3]], jnp.int32))
    np.testing.assert_array_equal(got, [1, 0, 0, 1])
    seq = jnp.arange(6.0).reshape(2, 3)
    got = jax.jit(lambda n: jtf.reverse_sequence(seq, n, seq_axis=1))(jnp.array([7, 2]))
    np.testing.assert_array_equal(got, [[2, 1, 0], [4, 3, 5]])


def test_tensor_predicates_and_dimension_value(tf1):
    assert jtf.is_tensor(jnp.ones(2)) and jtf.is_tensor(jtf.constant(1.0))
    assert not jtf.is_tensor(np.ones(2)) and not jtf.is_tensor(1.0)
    assert not tf1.is_tensor(np.ones(2)) and not tf1.is_tensor(1.0)
    for tf in (tf1, jtf):
        assert tf.dimension_value(tf.TensorShape([3, 4])[0]) == 3
        assert tf.dimension_value(5) == 5 and tf.dimension_value(None) is None


def test_folds_create_variables_once_under_tf1_names(tf1):
    def model(tf):
        def step(a, e):
            w = tf.get_variable("w", [], initializer=tf.ones_initializer())
            return a + w * e

        return tf.foldl(step, tf.constant([1.0, 2.0, 3.0]), initializer=tf.constant(0.0))

    with tf1.Graph().as_default():
        want_out = model(tf1)
        want_names = [v.op.name for v in tf1.global_variables()]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(want_out)
    f = js.transform(lambda: model(jtf))
    variables = f.init(jax.random.key(0))
    assert list(variables["params"]) == want_names
    np.testing.assert_allclose(f.apply(variables), want)


def test_errors_name_the_op_and_give_the_reason():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"tf\.strided_slice: strides\[1\] must be non-zero"):
        jtf.strided_slice(x, [0, 0], [1, 1], [1, 0])
    with pytest.raises(ValueError, match=r"tf\.strided_slice: slice index 5 of dimension 0"):
        jtf.strided_slice(x, [5], [6], shrink_axis_mask=1)
    with pytest.raises(ValueError, match=r"tf\.scatter_nd: updates \[3\] must have the shape"):
        jtf.scatter_nd([[0], [1]], [1.0, 2.0, 3.0], [4])
    with pytest.raises(TypeError, match=r"(?s)tf\.clip_by_average_norm: .*Fix: tf\.cast"):
        jtf.clip_by_average_norm(x.astype(np.float16), 1.0)


def test_named_results_have_tf1_fields(tf1):
    def results(tf):
        m = [[2.0, 1.0], [1.0, 3.0]]
        return [
            tf.unique([1, 2, 1]),
            tf.unique_with_counts([1, 2, 1]),
            tf.setdiff1d([1, 2], [2]),
            tf.linalg.slogdet(m),
            tf.qr(m),
        ]

    with tf1.Graph().as_default():
        want = [(type(r).__name__, r._fields) for r in results(tf1)]
    assert [(type(r).__name__, r._fields) for r in results(jtf)] == want


def test_strided_slice_compiles_to_the_jnp_slice():
    from test_compat_hlo import _hlo

    x = np.arange(60, dtype=np.float32).reshape(3, 4, 5)

    def ours(x):
        return jtf.strided_slice(
            x, [-1, 0, 1], [0, 3, 2], [-1, 2, 1], end_mask=1, shrink_axis_mask=4
        )

    assert _hlo(ours, x) == _hlo(lambda x: x[::-1, 0:3:2, 1], x)


def test_dtypes_without_a_tf1_kernel():
    a = np.eye(2, dtype=np.float32) * 2
    # TF1 builds bfloat16 triangular solves but has no CPU kernel: a ValueError here
    with pytest.raises(ValueError, match=r"tf\.matrix_triangular_solve: TF1 has no kernel"):
        jtf.matrix_triangular_solve(jtf.cast(a, jtf.bfloat16), jtf.cast(a, jtf.bfloat16))
    # float16 decompositions TF1 has no CPU kernel for compute in float32 (documented)
    got = jtf.matrix_determinant(jtf.cast(a, jtf.float16))
    assert got.dtype == np.float16 and float(got) == 4.0
