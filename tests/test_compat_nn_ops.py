"""jaxscope.compat.v1's tf.nn ops and random ops against tf.compat.v1: one program text, run on
both, compared value for value (dtype, shape, values; gradients where differentiable) and error
class for what TF1 refuses. Random ops (and dropout's mask) are compared by their statistics
against TF1's draws, and exactly where TF1 is exact (dropout's scaling, shapes, dtypes).

What TF1 computes is grouped, several variants of an op family to a case (each case is one XLA
compile, the cost of this file); what TF1 refuses is one case each."""

import dataclasses

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(1)
HALF = [np.float16, ml_dtypes.bfloat16]
TOL = {"float32": 2e-6, "float16": 2e-3, "bfloat16": 1.6e-2, "int32": 0}
NCHW = [0, 3, 1, 2]
# built by TF1, refused when they run (an OpError); jaxscope refuses them when traced
TF_RUN_TIME = {
    "sparse_xent_out_of_range", "conv2d_batch_stride", "conv2d_transpose_channels",
    "conv2d_transpose_size", "avg_pool_batch_window", "moments_dup",
}  # fmt: skip
# tf.constant under jax.jit is a traced value, so an axis or k given as one needs eager mode
EAGER = {"softmax_axis_tensor", "top_k_tensor_k"}


NONFINITE = np.array(
    [[[np.nan, -np.inf, np.inf, 0.0], [-0.0, 1e-30, -1e-30, 88.0], [-88.0, 3.0, -3.0, 0.5]]] * 2,
    np.float32,
)


def arr(shape, dtype=np.float32, lo=-3, hi=3):
    x = R.uniform(lo, hi, shape)
    return (np.round(x) if np.dtype(dtype).kind in "iu" else x).astype(dtype)


def C(id, fn, inputs=(), grad=False, tol=None):
    """A case with the tolerance of its inputs' dtype (float32 unless a 16-bit input); its
    gradients are computed in one jitted program."""
    names = [np.dtype(x.dtype).name for x in inputs]
    t = tol if tol is not None else max([TOL.get(n, 2e-6) for n in names] or [2e-6])
    t = max(t, 1e-6)
    return Case(id, fn, tuple(inputs), grad, t, t, id in TF_RUN_TIME, jit_grad=True)


def _activations(tf, x):
    return [
        tf.nn.relu(x), tf.nn.relu6(x * 3), tf.nn.elu(x), tf.nn.selu(x), tf.nn.softplus(x),
        tf.nn.softsign(x), tf.nn.leaky_relu(x, alpha=0.1), tf.nn.crelu(x, axis=1),
        tf.nn.sigmoid(x), tf.nn.tanh(x),
    ]  # fmt: skip


def _softmaxes(tf, x):
    return [
        tf.nn.softmax(x), tf.nn.softmax(x, axis=0), tf.nn.softmax(x, dim=-2),
        tf.nn.log_softmax(x), tf.nn.log_softmax(x, 1),
    ]  # fmt: skip


def _bias_adds(tf, x):
    return [tf.nn.bias_add(x, x[0, 0] * 2), tf.nn.bias_add(x, x[0, :, 1], "NCHW")]


def _norms(tf, x):
    return [tf.nn.l2_normalize(x, 1), *tf.nn.moments(x, [0, 2]), tf.nn.zero_fraction(x)]


def _losses(tf, p, u, lg, ids):
    return [
        tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=lg),
        tf.nn.softmax_cross_entropy_with_logits_v2(p, lg),
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=u, logits=lg),  # rows not summing to 1
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=lg),
        tf.nn.sigmoid_cross_entropy_with_logits(labels=u, logits=lg),
        tf.nn.weighted_cross_entropy_with_logits(labels=u, logits=lg, pos_weight=2.5),
    ]


def _activation_cases():
    c = []
    x = arr((2, 3, 4))
    c += [
        C("activations_float32", _activations, [x], True),
        # NaN, infinities and zeros: TF1's relu(NaN) is NaN (a where(x > 0) gave 0: a NaN hidden)
        C("activations_nonfinite", _activations, [NONFINITE], True),
        C("softmax_float32", _softmaxes, [x], True),
        C("bias_add_float32", _bias_adds, [x], True),
        C("norms_float32", _norms, [x], True),
        C("l2_loss_float32", lambda tf, x: tf.nn.l2_loss(x), [x], True),
        C("top_k_float32", lambda tf, x: tf.nn.top_k(x, 2), [x], True),
    ]
    for dt in HALF:  # one case per dtype: what TF1 computes in 16 bits
        n, x = np.dtype(dt).name, arr((2, 3, 4), dt)
        c += [
            C(
                f"nn_ops_{n}",
                lambda tf, x: [
                    *_activations(tf, x),
                    *_softmaxes(tf, x),
                    *_bias_adds(tf, x),
                    *_norms(tf, x),
                    *tf.nn.top_k(x, 2),
                ],
                [x],
            ),  # fmt: skip
            C(f"l2_loss_{n}", lambda tf, x: tf.nn.l2_loss(x), [x], tol=TOL[n] * 4),
        ]
    i = arr((2, 3, 4), np.int32)
    c.append(
        C(
            "int32_accepted",
            lambda tf, x: [
                tf.nn.relu(x), tf.nn.relu6(x * 3), tf.nn.crelu(x, axis=1), tf.nn.leaky_relu(x),
                tf.nn.bias_add(x, x[0, 0] * 2), *tf.nn.moments(x, [0, 2]), *tf.nn.top_k(x, 2),
                tf.nn.zero_fraction(x),
            ],
            [i],
        )
    )  # fmt: skip
    for op in ("elu", "selu", "softplus", "softsign", "sigmoid", "tanh", "softmax", "log_softmax", "l2_normalize", "l2_loss"):  # fmt: skip
        c.append(C(f"{op}_int32", lambda tf, x, op=op: getattr(tf.nn, op)(x), [i]))
    x = arr((2, 3, 4))
    edge = np.array([-7.0, -2.5, -0.5, 0.0, 0.5, 3.0, 6.0, 7.5], np.float32)
    c += [
        C(
            "activation_variants",
            lambda tf, x, e: [
                tf.nn.relu(e),
                tf.nn.relu6(e),
                tf.nn.elu(e),
                tf.nn.log_softmax(x[0, 0]),
                tf.nn.leaky_relu(x),
                tf.nn.crelu(x),
            ],
            [x, edge],
            True,
        ),
        C(
            "norm_variants",
            lambda tf, x: [
                tf.nn.l2_normalize(x, dim=[0, 2]),
                tf.nn.l2_normalize(x, epsilon=1e-3),
                tf.nn.l2_normalize(x * 0, -1),
                *tf.nn.moments(x, [-1], keep_dims=True),
                *tf.nn.moments(x, [1], keepdims=True),
                *tf.nn.moments(x, [0], shift=1.0),
                *tf.nn.moments(x, [0, 1, 2]),
                *tf.nn.moments(x[:, :1], []),
            ],
            [x],
            True,
        ),
        C(
            "misc_variants",
            lambda tf, x, r: [
                tf.nn.bias_add(x, x[1, 1], data_format="NHWC"),
                tf.nn.bias_add(x, x[1, 1], data_format="NWC"),
                tf.nn.bias_add(x, [1, 2, 3, 4]),
                *tf.nn.top_k(x, k=4),
                *tf.nn.top_k(r, 3),
                *tf.nn.top_k(x, 0),
                tf.nn.zero_fraction(tf.nn.relu(x)),
                tf.nn.zero_fraction(x > 0),
            ],
            [x, x.round()],
            True,
        ),
        C("softmax_axis_tensor", lambda tf, x: tf.nn.softmax(x, axis=tf.constant(0)), [x]),
        C("top_k_tensor_k", lambda tf, x: tf.nn.top_k(x, tf.constant(2)), [x]),
        C("softmax_axis_out_of_range", lambda tf, x: tf.nn.softmax(x, axis=3), [x]),
        C("softmax_scalar", lambda tf, x: tf.nn.softmax(x[0, 0, 0]), [x]),
        C("softmax_axis_and_dim", lambda tf, x: tf.nn.softmax(x, axis=1, dim=1), [x]),
        C("crelu_bad_axis", lambda tf, x: tf.nn.crelu(x, axis=3), [x]),
        C("leaky_relu_tensor_alpha", lambda tf, x: tf.nn.leaky_relu(x, tf.constant(0.1)), [x]),
        C("relu_bool", lambda tf, x: tf.nn.relu(x > 0), [x]),
        C("l2_normalize_bad_axis", lambda tf, x: tf.nn.l2_normalize(x, 3), [x]),
        C("moments_bool", lambda tf, x: tf.nn.moments(x > 0, [0]), [x]),
        C("moments_dup", lambda tf, x: tf.nn.moments(x, [0, 0]), [x]),
        C("bias_add_bad_size", lambda tf, x: tf.nn.bias_add(x, x[0, :, 0]), [x]),
        C("bias_add_bias_2d", lambda tf, x: tf.nn.bias_add(x, x[0]), [x]),
        C("bias_add_rank1", lambda tf, x: tf.nn.bias_add(x[0, 0], x[0, 0]), [x]),
        C("bias_add_rank2_nchw", lambda tf, x: tf.nn.bias_add(x[0], x[0, 0], "NCHW"), [x]),
        C("bias_add_bad_format", lambda tf, x: tf.nn.bias_add(x, x[0, 0], "HWC"), [x]),
        C("bias_add_dtype", lambda tf, x: tf.nn.bias_add(x, tf.cast(x[0, 0], tf.int32)), [x]),
        C("bias_add_bool", lambda tf, x: tf.nn.bias_add(x > 0, x[0, 0] > 0), [x]),
        C("top_k_too_big", lambda tf, x: tf.nn.top_k(x, 5), [x]),
        C("top_k_negative", lambda tf, x: tf.nn.top_k(x, -1), [x]),
        C("top_k_scalar", lambda tf, x: tf.nn.top_k(x[0, 0, 0]), [x]),
        C("top_k_bool", lambda tf, x: tf.nn.top_k(x > 0), [x]),
    ]
    return c


def _dense_cases():
    x, w, b = arr((2, 3)), arr((3, 4)), arr((4,))
    x3 = arr((2, 2, 3))
    h = (arr((2, 3), np.float16), arr((3, 4), np.float16), arr((4,), np.float16))
    return [
        C(
            "dense",
            lambda tf, x, w, b, x3: [
                tf.nn.xw_plus_b(x, w, b),
                tf.nn.relu_layer(x, w, b),
                tf.nn.xw_plus_b(x3, w, b),
                tf.nn.dropout(x, keep_prob=1.0),
                tf.nn.dropout(x, rate=0.0),
            ],
            [x, w, b, x3],
            True,
            1e-5,
        ),  # fmt: skip
        C("xw_plus_b_f16", lambda tf, x, w, b: tf.nn.xw_plus_b(x, w, b), h),
        C(
            "xw_plus_b_int",
            lambda tf, x, w, b: tf.nn.xw_plus_b(x, w, b),
            [a.astype(np.int32) for a in (x, w, b)],
        ),  # fmt: skip
        C("xw_plus_b_inner", lambda tf, x, w, b: tf.nn.xw_plus_b(x, x, b), [x, w, b]),
        C("xw_plus_b_bias", lambda tf, x, w, b: tf.nn.xw_plus_b(x, w, x[0]), [x, w, b]),
        C(
            "xw_plus_b_dtype",
            lambda tf, x, w, b: tf.nn.xw_plus_b(x, tf.cast(w, tf.float16), b),
            [x, w, b],
        ),  # fmt: skip
        C("dropout_keep_0", lambda tf, x: tf.nn.dropout(x, keep_prob=0.0), [x]),
        C("dropout_keep_big", lambda tf, x: tf.nn.dropout(x, 1.5), [x]),
        C("dropout_rate_1", lambda tf, x: tf.nn.dropout(x, rate=1.0), [x]),
        C("dropout_rate_neg", lambda tf, x: tf.nn.dropout(x, rate=-0.1), [x]),
        C("dropout_both", lambda tf, x: tf.nn.dropout(x, 0.5, rate=0.5), [x]),
        C("dropout_neither", lambda tf, x: tf.nn.dropout(x), [x]),
        C("dropout_int", lambda tf, x: tf.nn.dropout(tf.cast(x, tf.int32), 0.5), [x]),
        C("dropout_keep_str", lambda tf, x: tf.nn.dropout(x, "0.5"), [x]),
        C("dropout_rate_shape", lambda tf, x: tf.nn.dropout(x, rate=tf.ones([1]) * 0.5), [x]),
    ]


def _loss_cases():
    c = []
    for dt in [np.float32, *HALF]:
        n = np.dtype(dt).name
        p, u = R.dirichlet(np.ones(5), 3).astype(dt), arr((3, 5), dt, 0, 1)
        ids = np.array([4, 0, 2], np.int32)
        c.append(C(f"losses_{n}", _losses, [p, u, arr((3, 5), dt), ids], n == "float32"))
    lg3, p3 = arr((2, 3, 4)), R.dirichlet(np.ones(4), (2, 3)).astype(np.float32)
    ids3 = np.array([[0, 3, 1], [2, 2, 0]], np.int32)
    lg, u = arr((3, 5)), arr((3, 5), np.float32, 0, 1)
    t = np.array([[0.0, 0.5, 1.0, 2.0, 7.0]] * 3, np.float32)
    stats = [lg3[0, 0], lg3[1, 0] ** 2, lg3[0, 1], lg3[1, 1]]
    xent, xent2 = "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2"
    sparse, sig = "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits"
    c += [
        C(
            "softmax_xent_variants",
            lambda tf, p, lg: [
                tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=lg),
                tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=lg, dim=0),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=lg, axis=1),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=lg, dim=-1),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=p[0, 0], logits=lg[0, 0]),
                tf.nn.softmax_cross_entropy_with_logits_v2(
                    labels=tf.one_hot([[1, 0, 3], [3, 3, 2]], 4, dtype=tf.int32), logits=lg
                ),
            ],
            [p3, lg3],
            True,
        ),  # fmt: skip
        C(
            "loss_variants",
            lambda tf, lg3, i, u, lg, t, x, m, v, o, s: [
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=lg3),
                tf.nn.weighted_cross_entropy_with_logits(targets=u, logits=lg, pos_weight=0.5),
                tf.nn.log_poisson_loss(t, lg),
                tf.nn.log_poisson_loss(t, lg, True),
                tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
                tf.nn.batch_normalization(x, m, v, None, None, 0.01),
            ],
            [lg3, ids3, u, lg, t, lg3, *stats],
            True,
            1e-5,
        ),  # fmt: skip
        C(
            "softmax_xent_v1_axis_and_default_dim",
            lambda tf, p, lg: getattr(tf.nn, xent)(labels=p, logits=lg, axis=1),
            [p3, lg3],
        ),  # fmt: skip
        C(
            "softmax_xent_shape",
            lambda tf, p, lg: getattr(tf.nn, xent2)(labels=p[:, :2], logits=lg),
            [p3, lg3],
        ),  # fmt: skip
        C(
            "softmax_xent_int_logits",
            lambda tf, lg: getattr(tf.nn, xent2)(labels=lg, logits=tf.cast(lg, tf.int32)),
            [lg],
        ),  # fmt: skip
        C("softmax_xent_no_labels", lambda tf, lg: getattr(tf.nn, xent)(logits=lg), [lg]),
        C(
            "sparse_xent_rank",
            lambda tf, lg, i: getattr(tf.nn, sparse)(labels=i[0], logits=lg),
            [lg3, ids3],
        ),  # fmt: skip
        C(
            "sparse_xent_shape",
            lambda tf, lg, i: getattr(tf.nn, sparse)(labels=i[:, :2], logits=lg),
            [lg3, ids3],
        ),  # fmt: skip
        C(
            "sparse_xent_float_labels",
            lambda tf, lg: getattr(tf.nn, sparse)(labels=lg[:, :, 0], logits=lg),
            [lg3],
        ),  # fmt: skip
        C(
            "sparse_xent_scalar_logits",
            lambda tf, lg: getattr(tf.nn, sparse)(labels=lg[0, 0, 0], logits=lg[0, 0, 0]),
            [lg3],
        ),  # fmt: skip
        C(
            "sparse_xent_out_of_range",
            lambda tf, lg, i: getattr(tf.nn, sparse)(labels=i + 1, logits=lg),
            [lg3, ids3],
        ),  # fmt: skip
        C("sparse_xent_no_logits", lambda tf, i: getattr(tf.nn, sparse)(labels=i), [ids3]),
        C(
            "sigmoid_xent_shape",
            lambda tf, u, lg: getattr(tf.nn, sig)(labels=u[0], logits=lg),
            [u, lg],
        ),  # fmt: skip
        C(
            "sigmoid_xent_dtype",
            lambda tf, u, lg: getattr(tf.nn, sig)(labels=tf.cast(u, tf.float16), logits=lg),
            [u, lg],
        ),  # fmt: skip
        C(
            "sigmoid_xent_list_labels",
            lambda tf, u: getattr(tf.nn, sig)(
                labels=[1.0, 0.0], logits=tf.cast(u[0, :2], tf.float16)
            ),
            [u],
        ),  # fmt: skip
        C(
            "sigmoid_xent_int",
            lambda tf, u: getattr(tf.nn, sig)(
                labels=tf.cast(u, tf.int32), logits=tf.cast(u, tf.int32)
            ),
            [u],
        ),  # fmt: skip
        C("sigmoid_xent_no_logits", lambda tf, u: getattr(tf.nn, sig)(labels=u), [u]),
        C("log_poisson_loss_shape", lambda tf, t, lg: tf.nn.log_poisson_loss(t[0], lg), [t, lg]),
        C("l2_loss_int", lambda tf, x: tf.nn.l2_loss(tf.cast(x, tf.int32)), [lg]),
    ]
    p = np.array(
        [[0.1, 0.3, 0.3, 0.2, 0.1], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, np.nan, 3.0, 0.0, 0.0],
         [np.inf, 1.0, 1.0, 1.0, 1.0], [5.0, 4.0, 3.0, 2.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0]],
        np.float32,
    )  # fmt: skip
    tg = np.array([1, 4, 0, 1, 5, -1], np.int32)
    c += [
        C(
            "in_top_k",
            lambda tf, p, t: [
                tf.nn.in_top_k(p, t, 1),
                tf.nn.in_top_k(p, t, 2),
                tf.nn.in_top_k(predictions=p, targets=t % 5, k=3),
                tf.nn.in_top_k(p, t, 9),
                tf.nn.in_top_k(p, t, tf.constant(2)),
            ],
            [p, tg],
        ),  # fmt: skip
        C("in_top_k_f16", lambda tf, p, t: tf.nn.in_top_k(tf.cast(p, tf.float16), t, 1), [p, tg]),
        C("in_top_k_float_targets", lambda tf, p: tf.nn.in_top_k(p, p[:, 0], 1), [p]),
        C("in_top_k_shape", lambda tf, p, t: tf.nn.in_top_k(p, t[:3], 1), [p, tg]),
    ]
    return c


def _conv_cases():
    x, f = arr((2, 5, 5, 3)), arr((3, 3, 3, 4))
    dw, pw, g = arr((3, 3, 3, 2)), arr((1, 1, 6, 5)), arr((1, 1, 2, 4))
    tx, tw = arr((2, 3, 3, 4)), arr((3, 3, 5, 4))
    x1, f1 = arr((2, 7, 3)), arr((3, 3, 4))
    T = 2e-5
    c = [
        C(
            "conv2d_variants",
            lambda tf, x, f, x4, g: [
                tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"),
                tf.nn.conv2d(x, f, strides=[1, 2, 2, 1], padding="VALID"),
                tf.nn.conv2d(x, filter=f, strides=2, padding="SAME"),
                tf.nn.conv2d(x, filters=f, strides=[1, 2], padding="SAME"),
                tf.nn.conv2d(x, f, [1, 1, 1, 1], [[0, 0], [1, 2], [0, 1], [0, 0]]),
                tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]),
                tf.nn.conv2d(x, f, 1, "VALID", dilations=2),
                tf.nn.conv2d(x, f, 2, "SAME", dilations=2),
                tf.nn.conv2d(tf.transpose(x, NCHW), f, [1, 1, 2, 2], "SAME", data_format="NCHW"),
                tf.nn.conv2d(tf.stack([x, x * 2]), f, 1, "VALID"),
                tf.nn.conv2d(x4, g, 1, "SAME"),  # two groups
            ],
            [x, f, arr((2, 5, 5, 4)), g],
            True,
            T,
        ),  # fmt: skip
        C(
            "conv2d_f16",
            lambda tf, x, f: tf.nn.conv2d(x, f, [1, 1, 1, 1], "SAME"),
            [x.astype(np.float16), f.astype(np.float16)],
            False,
            1e-2,
        ),  # fmt: skip
        C(
            "conv2d_int32",
            lambda tf, x, f: tf.nn.conv2d(x, f, 1, "VALID"),
            [x.astype(np.int32), f.astype(np.int32)],
        ),  # fmt: skip
        C("conv2d_channels", lambda tf, x, f: tf.nn.conv2d(x, f[:, :, :2], 1, "SAME"), [x, f]),
        C("conv2d_batch_stride", lambda tf, x, f: tf.nn.conv2d(x, f, [2, 1, 1, 1], "SAME"), [x, f]),
        C("conv2d_lower_padding", lambda tf, x, f: tf.nn.conv2d(x, f, 1, "same"), [x, f]),
        C(
            "conv2d_explicit_batch",
            lambda tf, x, f: tf.nn.conv2d(x, f, 1, [[1, 0], [1, 1], [1, 1], [0, 0]]),
            [x, f],
        ),  # fmt: skip
        C(
            "conv2d_explicit_short",
            lambda tf, x, f: tf.nn.conv2d(x, f, 1, [[1, 1], [1, 1]]),
            [x, f],
        ),  # fmt: skip
        C("conv2d_too_small", lambda tf, x, f: tf.nn.conv2d(x[:, :2, :2], f, 1, "VALID"), [x, f]),
        C(
            "conv2d_too_small_strided",
            lambda tf, x, f: tf.nn.conv2d(x[:, :1, :1], f, 2, "VALID"),
            [x, f],
        ),  # fmt: skip
        C("conv2d_rank3", lambda tf, x, f: tf.nn.conv2d(x[0], f, 1, "SAME"), [x, f]),
        C(
            "conv2d_dtype",
            lambda tf, x, f: tf.nn.conv2d(x, tf.cast(f, tf.float16), 1, "SAME"),
            [x, f],
        ),  # fmt: skip
        C("conv2d_strides_3", lambda tf, x, f: tf.nn.conv2d(x, f, [1, 1, 1], "SAME"), [x, f]),
        C(
            "conv2d_bad_format",
            lambda tf, x, f: tf.nn.conv2d(x, f, 1, "SAME", data_format="HWCN"),
            [x, f],
        ),  # fmt: skip
        C(
            "conv1d_variants",
            lambda tf, x, f: [
                tf.nn.conv1d(x, f, 2, "SAME"),
                tf.nn.conv1d(input=x, filters=f, stride=1, padding="VALID", dilations=2),
                tf.nn.conv1d(x, f, [1, 2, 1], "SAME"),
                tf.nn.conv1d(tf.transpose(x, [0, 2, 1]), f, 1, "SAME", data_format="NCW"),
            ],
            [x1, f1],
            True,
            T,
        ),  # fmt: skip
        C(
            "conv1d_explicit",
            lambda tf, x, f: tf.nn.conv1d(x, f, 1, [[0, 0], [1, 0], [0, 0]]),
            [x1, f1],
        ),  # fmt: skip
        C(
            "depthwise_variants",
            lambda tf, x, f, p: [
                tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"),
                tf.nn.depthwise_conv2d(x, f, [1, 2, 2, 1], "VALID"),
                tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME", rate=[2, 2]),
                tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "VALID", dilations=[2, 1]),
                tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], [[0, 0], [1, 1], [2, 0], [0, 0]]),
                tf.nn.depthwise_conv2d(
                    tf.transpose(x, NCHW), f, [1, 1, 1, 1], "SAME", data_format="NCHW"
                ),
                tf.nn.separable_conv2d(x, f, p, [1, 1, 1, 1], "SAME"),
                tf.nn.separable_conv2d(x, f, p, [1, 2, 2, 1], "VALID"),
            ],
            [x, dw, pw],
            True,
            T,
        ),  # fmt: skip
        C(
            "depthwise_f16",
            lambda tf, x, f: tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"),
            [x.astype(np.float16), dw.astype(np.float16)],
            False,
            1e-2,
        ),  # fmt: skip
        C(
            "depthwise_channels",
            lambda tf, x, f: tf.nn.depthwise_conv2d(x, f[:, :, :2], [1, 1, 1, 1], "SAME"),
            [x, dw],
        ),  # fmt: skip
        C(
            "depthwise_strides_2",
            lambda tf, x, f: tf.nn.depthwise_conv2d(x, f, [1, 2], "SAME"),
            [x, dw],
        ),  # fmt: skip
        C(
            "separable_bad_pointwise",
            lambda tf, x, d, p: tf.nn.separable_conv2d(x, d, p[:, :, :5], [1, 1, 1, 1], "SAME"),
            [x, dw, pw],
        ),  # fmt: skip
        C(
            "conv2d_transpose_variants",
            lambda tf, x, f: [
                tf.nn.conv2d_transpose(x, f, [2, 6, 6, 5], [1, 2, 2, 1]),
                tf.nn.conv2d_transpose(x, f, [2, 7, 7, 5], [1, 2, 2, 1], "VALID"),
                tf.nn.conv2d_transpose(value=x, filter=f, output_shape=[2, 5, 5, 5], strides=2),
                tf.nn.conv2d_transpose(x, f, [3, 3], 1, dilations=2),
            ],
            [tx, tw],
            True,
            T,
        ),  # fmt: skip
        C(
            "conv2d_transpose_channels",
            lambda tf, x, f: tf.nn.conv2d_transpose(x, f, [2, 6, 6, 4], [1, 2, 2, 1]),
            [tx, tw],
        ),  # fmt: skip
        C(
            "conv2d_transpose_size",
            lambda tf, x, f: tf.nn.conv2d_transpose(x, f, [2, 9, 9, 5], [1, 2, 2, 1]),
            [tx, tw],
        ),  # fmt: skip
        C(
            "pool_variants",
            lambda tf, x: [
                tf.nn.max_pool(x, 2, 2, "SAME"),
                tf.nn.max_pool(x, [3, 2], [1, 2], "VALID"),
                tf.nn.max_pool(x, 3, 2, [[0, 0], [1, 1], [2, 0], [0, 0]]),
                tf.nn.max_pool(
                    tf.transpose(x, NCHW), [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW"
                ),
                tf.nn.max_pool2d(x, 3, 1, "SAME"),
                tf.nn.max_pool(input=x, ksize=2, strides=1, padding="VALID"),
                tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
                tf.nn.avg_pool(x, 2, 2, "VALID"),
                tf.nn.avg_pool(tf.transpose(x, NCHW), 3, 2, "SAME", "NCHW"),
                tf.nn.avg_pool2d(x, [2, 3], [2, 1], "SAME"),
            ],
            [x],
            True,
        ),  # fmt: skip
        C("max_pool_int32", lambda tf, x: tf.nn.max_pool(x, 2, 2, "SAME"), [x.astype(np.int32)]),
        C("avg_pool_int32", lambda tf, x: tf.nn.avg_pool(x, 2, 2, "SAME"), [x.astype(np.int32)]),
        C("max_pool_zero_ksize", lambda tf, x: tf.nn.max_pool(x, [0, 2], 1, "SAME"), [x]),
        C("max_pool_too_big", lambda tf, x: tf.nn.max_pool(x, 6, 1, "VALID"), [x]),
        C("max_pool_rank3", lambda tf, x: tf.nn.max_pool(x[0], 2, 1, "VALID"), [x]),
        C("max_pool_ksize_3", lambda tf, x: tf.nn.max_pool(x, [1, 1, 1], 1, "SAME"), [x]),
        C("max_pool_lower_padding", lambda tf, x: tf.nn.max_pool(x, 2, 1, "same"), [x]),
        C("max_pool_vect_c", lambda tf, x: tf.nn.max_pool(x, 1, 1, "SAME", "NCHW_VECT_C"), [x]),
        C(
            "avg_pool_explicit",
            lambda tf, x: tf.nn.avg_pool(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
            [x],
        ),  # fmt: skip
        C("avg_pool_batch_window", lambda tf, x: tf.nn.avg_pool(x, [2, 2, 2, 1], 1, "VALID"), [x]),
    ]
    for dt in HALF:
        n = np.dtype(dt).name
        c.append(C(f"pools_{n}", lambda tf, x: [tf.nn.max_pool(x, 2, 2, "SAME"), tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")], [x.astype(dt)]))  # fmt: skip
    return c


CASES = _activation_cases() + _dense_cases() + _loss_cases() + _conv_cases()

N = 20000
LOGITS = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))
RANDOM = [
    Case("random_normal", lambda tf: tf.random_normal([N], mean=1.0, stddev=2.0, seed=1)),
    Case("random_normal_f16", lambda tf: tf.random_normal([N // 4, 4], dtype=tf.float16, seed=2)),
    Case("random_normal_bf16", lambda tf: tf.random_normal([N], -1, 0.5, tf.bfloat16, seed=3)),
    Case("truncated_normal", lambda tf: tf.truncated_normal([N], stddev=3.0, seed=4)),
    Case("truncated_normal_f16", lambda tf: tf.truncated_normal([N], 2, dtype=tf.float16, seed=5)),
    Case("random_uniform", lambda tf: tf.random_uniform([N], -2, 5, seed=6)),
    Case("random_uniform_default", lambda tf: tf.random_uniform([N // 2, 2], seed=7)),
    Case(
        "random_uniform_f16", lambda tf: tf.random_uniform([N], maxval=4, dtype=tf.float16, seed=8)
    ),  # fmt: skip
    Case("random_uniform_int", lambda tf: tf.random_uniform([N], 3, 9, dtype=tf.int32, seed=9)),
    Case("random_uniform_int64", lambda tf: tf.random_uniform([N], -5, 5, tf.int64, seed=10)),
    Case(
        "random_uniform_shape_tensor",
        lambda tf: tf.random_uniform(tf.shape(tf.zeros([N])), seed=11),
    ),  # fmt: skip
    Case(
        "random_uniform_tensor_bounds",
        lambda tf: tf.random_uniform([N], tf.constant(-1.0), tf.constant(3.0), seed=12),
    ),  # fmt: skip
    Case("multinomial", lambda tf, lg: tf.multinomial(lg, N, seed=13), (LOGITS,)),
    Case("categorical", lambda tf, lg: tf.random.categorical(lg, N, seed=14), (LOGITS,)),
    Case(
        "random_shuffle",
        lambda tf, x: tf.random_shuffle(x, seed=15),
        (np.arange(N, dtype=np.int32),),
    ),  # fmt: skip
    Case("dropout", lambda tf: tf.nn.dropout(tf.ones([N]), keep_prob=0.7, seed=16)),
    Case(
        "dropout_rate_f16",
        lambda tf: tf.nn.dropout(tf.ones([N], tf.float16) * 3, rate=0.3, seed=17),
    ),  # fmt: skip
    Case(
        "dropout_rate_tensor",
        lambda tf: tf.nn.dropout(tf.ones([N]), rate=tf.constant(0.4), seed=18),
    ),  # fmt: skip
    Case(
        "dropout_noise_shape",
        lambda tf: tf.nn.dropout(tf.ones([N // 10, 10]), 0.5, noise_shape=[N // 10, 1], seed=19),
    ),  # fmt: skip
    Case(
        "dropout_noise_none",
        lambda tf: tf.nn.dropout(tf.ones([N // 10, 10]), 0.5, noise_shape=[None, 1], seed=20),
    ),  # fmt: skip
]
RANDOM_REFUSED = [  # compared by error class
    Case("random_normal_int", lambda tf: tf.random_normal([2], dtype=tf.int32)),
    Case(
        "random_normal_mean_dtype", lambda tf: tf.random_normal([2], mean=tf.constant(1, tf.int32))
    ),  # fmt: skip
    Case("random_uniform_int_no_maxval", lambda tf: tf.random_uniform([2], dtype=tf.int32)),
    Case("random_uniform_bool", lambda tf: tf.random_uniform([2], dtype=tf.bool)),
    Case(
        "random_uniform_int_min_max",
        lambda tf: tf.random_uniform([2], 4, 4, dtype=tf.int32),
        tf_run_time_error=True,
    ),  # fmt: skip
    Case("random_uniform_scalar_shape", lambda tf: tf.random_uniform(3)),
    Case("truncated_normal_int", lambda tf: tf.truncated_normal([2], dtype=tf.int32)),
    Case("multinomial_1d", lambda tf, lg: tf.multinomial(lg[0], 2), (LOGITS,)),
    Case(
        "dropout_noise_shape_bad",
        lambda tf: tf.nn.dropout(tf.ones([4, 3]), 0.5, noise_shape=[4, 2]),
    ),  # fmt: skip
    Case(
        "dropout_rate_dtype",
        lambda tf: tf.nn.dropout(tf.ones([4]), rate=tf.constant(0.5, tf.float16)),
    ),  # fmt: skip
    Case(
        "dropout_noise_shape_long",
        lambda tf: tf.nn.dropout(tf.ones([4, 3]), 0.5, noise_shape=[1, 4, 3]),
    ),  # fmt: skip
    Case("random_uniform_uint8", lambda tf: tf.random_uniform([2], maxval=3, dtype=tf.uint8)),
    Case(
        "random_uniform_int_float_maxval",
        lambda tf: tf.random_uniform([2], maxval=3.5, dtype=tf.int32),
    ),  # fmt: skip
    Case(
        "random_uniform_int_vector_bounds",
        lambda tf: tf.random_uniform([2], [0, 1], [3, 4], dtype=tf.int32),
    ),  # fmt: skip
    Case(
        "random_normal_negative_shape", lambda tf: tf.random_normal([-1, 2]), tf_run_time_error=True
    ),  # fmt: skip
    Case("multinomial_bool", lambda tf: tf.multinomial(tf.ones([1, 2]) > 0, 2)),
    Case(
        "multinomial_float_output",
        lambda tf, lg: tf.multinomial(lg, 2, output_dtype=tf.float32),
        (LOGITS,),
    ),  # fmt: skip
    Case("multinomial_negative", lambda tf, lg: tf.multinomial(lg, -1), (LOGITS,)),
]


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES + RANDOM + RANDOM_REFUSED)


# Here an eager run costs more than a jitted one (an XLA compile per primitive and dtype against
# one per case), so what TF1 computes runs under jax.jit, and eagerly for a sample; what TF1
# refuses runs eagerly, where concrete values are checked (a label out of range).
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_nn_op_matches_tf1(tf_results, case):
    want = tf_results[case.id]
    assert_same(case, want, run_js(case, jit=not isinstance(want, str) and case.id not in EAGER))


EAGER_SAMPLE = [
    "top_k_float32", "l2_loss_float16", "xw_plus_b_int", "in_top_k", "conv2d_f16",
    "max_pool_int32",
]  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CASES if c.id in EAGER_SAMPLE], ids=lambda c: c.id)
def test_nn_op_eagerly_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(dataclasses.replace(case, jit_grad=False)))


def _draw(case, key=0):
    f = js.transform(lambda *xs: case.fn(jtf, *xs)).apply
    return np.asarray(f({}, *case.inputs, rng=jax.random.key(key)))


@pytest.fixture(scope="module")
def js_draws():
    """Every RANDOM case drawn in one jitted program (one compile)."""

    def program(*inputs):
        out, at = {}, 0
        for c in RANDOM:
            out[c.id] = c.fn(jtf, *inputs[at : at + len(c.inputs)])
            at += len(c.inputs)
        return out

    inputs = [x for c in RANDOM for x in c.inputs]
    draws = jax.jit(js.transform(program).apply)({}, *inputs, rng=jax.random.key(0))
    return {k: np.asarray(v) for k, v in draws.items()}


@pytest.mark.parametrize("case", RANDOM_REFUSED, ids=lambda c: c.id)
def test_random_op_refuses_what_tf1_refuses(tf_results, case):
    want = tf_results[case.id]
    assert isinstance(want, str), f"{case.id}: TF1 built it"
    try:
        _draw(case)
        got = "built"
    except Exception as e:  # noqa: BLE001
        got = next(c.__name__ for c in (TypeError, ValueError, RuntimeError) if isinstance(e, c))
    if case.tf_run_time_error:  # TF1 refuses when the op runs
        assert got == "ValueError", case.id
    else:
        assert got == want, f"{case.id}: jaxscope {got}, TF1 {want}"


def _ks_pvalue(a, b):
    from scipy import stats

    return stats.ks_2samp(a.astype(np.float64).ravel(), b.astype(np.float64).ravel()).pvalue


@pytest.mark.parametrize("case", RANDOM, ids=lambda c: c.id)
def test_random_op_draws_tf1s_distribution(tf_results, js_draws, case):
    (want,) = tf_results[case.id]
    got = js_draws[case.id]
    assert got.shape == want.shape and got.dtype == {np.int64: np.int32}.get(want.dtype.type, want.dtype)  # fmt: skip
    if case.id == "random_shuffle":
        np.testing.assert_array_equal(np.sort(got), np.arange(N))
        assert (got != np.arange(N)).mean() > 0.99
        return
    if case.id.startswith("dropout"):
        # TF1's scaling exactly (the kept values are the same numbers), its keep rate within
        # 5 standard deviations, and its noise_shape: whole rows kept or dropped
        np.testing.assert_array_equal(np.unique(got), np.unique(want))
        n = got[:, 0].size if got.ndim == 2 else got.size
        kept = lambda y: (y[:, 0] if y.ndim == 2 else y) != 0  # noqa: E731
        rate = kept(want).mean()
        assert abs(kept(got).mean() - rate) < 5 * np.sqrt(rate * (1 - rate) / n), case.id
        if got.ndim == 2:
            assert (got == got[:, :1]).all()
        return
    if got.dtype.kind in "iu":
        np.testing.assert_array_equal(np.unique(got), np.unique(want))
        for g, w in zip(got.reshape(-1, N), want.reshape(-1, N), strict=True):  # each row
            lo = w.min()
            np.testing.assert_allclose(np.bincount(g - lo) / N, np.bincount(w - lo) / N, atol=0.02)
        return
    assert _ks_pvalue(got, want) > 1e-3, case.id
    span = float(want.max()) - float(want.min())
    assert want.min() - 0.05 * span <= got.min() and got.max() <= want.max() + 0.05 * span


def test_random_ops_draw_afresh_and_follow_the_rng():
    def program():
        return jtf.random_normal([4]), jtf.random_normal([4]), jtf.random_normal([4], seed=1)

    f = js.transform(program)
    a, b, s = f.apply({}, rng=jax.random.key(0))
    a2, _, s2 = f.apply({}, rng=jax.random.key(0))
    c, _, _ = f.apply({}, rng=jax.random.key(1))
    assert not np.array_equal(a, b) and not np.array_equal(a, s)
    np.testing.assert_array_equal(a, a2)
    np.testing.assert_array_equal(s, s2)
    assert not np.array_equal(a, c)
    jitted = jax.jit(f.apply)({}, rng=jax.random.key(0))
    np.testing.assert_array_equal(jitted[0], a)


def test_random_op_outside_transform_says_where_to_call_it():
    with pytest.raises(RuntimeError, match=r"(?s)tf\.random_normal draws from the rng stream.*rng=jax\.random\.key"):  # fmt: skip
        jtf.random_normal([2])
    with pytest.raises(js.OutsideTransformError, match=r"tf\.nn\.dropout"):
        jtf.nn.dropout(np.ones(3, np.float32), 0.5)
    np.testing.assert_array_equal(jtf.nn.dropout(np.ones(3, np.float32), keep_prob=1.0), 1.0)
    with pytest.raises(ValueError, match=r"apply\(\) was called without"):
        js.transform(lambda: jtf.random_uniform([2])).apply({})


def test_dropout_scales_by_tf1s_factor_and_follows_the_seed():
    x = jnp.ones([1000], jnp.float16)
    f = js.transform(lambda x: [jtf.nn.dropout(x, 0.3), jtf.nn.dropout(x, 0.3, seed=5)])
    a, b = f.apply({}, x, rng=jax.random.key(0))
    assert set(np.unique(a).tolist()) == {0.0, float(np.float16(1 / 0.3))}
    assert not np.array_equal(a, b)
    g = jax.grad(lambda x: jnp.sum(f.apply({}, x, rng=jax.random.key(0))[0]))(x)
    np.testing.assert_array_equal(g, a)  # the kept elements' gradient is the scale


def test_sparse_xent_out_of_range_raises_concrete_and_is_nan_traced():
    logits = np.zeros((2, 3), np.float32)
    op = jtf.nn.sparse_softmax_cross_entropy_with_logits
    with pytest.raises(IndexError, match=r"labels\[1\] = 3 is not in \[0, 3\)"):
        op(labels=np.array([0, 3], np.int32), logits=logits)
    got = jax.jit(lambda i: op(labels=i, logits=logits))(np.array([1, 3], np.int32))
    np.testing.assert_allclose(got[0], np.log(3), rtol=1e-6)
    assert np.isnan(got[1])


def test_softmax_xent_v1_stops_the_labels_gradient_and_v2_does_not():
    labels, logits = jnp.array([[0.2, 0.8]]), jnp.array([[1.0, -1.0]])
    v1 = jax.grad(lambda y: jtf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)[0])
    v2 = jax.jit(jax.grad(lambda y: jtf.nn.softmax_cross_entropy_with_logits_v2(y, logits)[0]))
    np.testing.assert_array_equal(v1(labels), 0.0)
    np.testing.assert_allclose(v2(labels), -jax.nn.log_softmax(logits), rtol=1e-6)


def test_op_names_take_part_in_tf1_naming(tf1):
    x = np.ones((2, 4, 4, 3), np.float32)

    def program(tf):
        y = tf.nn.conv2d(x, np.ones((1, 1, 3, 3), np.float32), 1, "SAME")
        y = tf.nn.max_pool(tf.nn.relu(tf.nn.bias_add(y, [1.0, 2.0, 3.0])), 2, 2, "SAME")
        tf.nn.moments(y, [0])
        tf.nn.softmax(tf.nn.l2_normalize(y, -1), name="probs")
        with tf.name_scope("Conv2D") as a, tf.name_scope("moments") as b:
            with tf.name_scope("probs") as c, tf.name_scope("MaxPool") as d:
                return a, b, c, d

    with tf1.Graph().as_default():
        want = program(tf1)
    assert js.transform(lambda: program(jtf)).apply({}) == want


def test_errors_name_the_op_and_give_the_fix():
    x = np.zeros((2, 4), np.float32)
    with pytest.raises(TypeError, match=r"(?s)tf\.nn\.softmax: logits has dtype int32.*Fix: tf\.cast"):  # fmt: skip
        jtf.nn.softmax(x.astype(np.int32))
    with pytest.raises(ValueError, match=r"tf\.nn\.bias_add: bias of size 3 does not match"):
        jtf.nn.bias_add(x, np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"tf\.nn\.dropout: keep_prob=0 must be in \(0, 1\]"):
        jtf.nn.dropout(x, keep_prob=0)
    with pytest.raises(ValueError, match=r"(?s)tf\.random_uniform: must specify maxval.*Fix"):
        jtf.random_uniform([2], dtype=jtf.int32)
    with pytest.raises(ValueError, match=r"tf\.multinomial: logits must be floats"):
        jtf.multinomial(np.ones((1, 2), np.int32), 2)  # TF1 builds it, then has no int kernel


def test_nn_namespace_keeps_jaxscope_nn():
    import jaxscope.compat.v1.nn as tfnn

    for name in js.nn.__all__:
        assert hasattr(tfnn, name), name
    assert tfnn.rnn_cell is js.nn.rnn_cell and tfnn.dynamic_rnn is js.nn.dynamic_rnn
    assert sorted(tfnn.__all__) == tfnn.__all__ and jtf.nn is tfnn
