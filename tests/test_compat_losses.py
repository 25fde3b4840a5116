"""jaxscope.compat.v1.losses against tf.compat.v1.losses: every loss x reduction x weights shape x
label smoothing, values and gradients, TF1's refusals, and what the losses file in
GraphKeys.LOSSES (get_losses, get_total_loss with regularization)."""

import jax
import numpy as np
import pytest
from compat_oracle import Case, assert_same, one_per_op, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(3)
B, C = 4, 5
LOGITS = R.randn(B, C).astype(np.float32)
ONEHOT = np.eye(C, dtype=np.float32)[R.randint(0, C, B)]
SPARSE = R.randint(0, C, B).astype(np.int32)
PROBS = R.uniform(0.05, 0.95, (B, C)).astype(np.float32)
TARGET = R.randn(B, C).astype(np.float32)
UNIT = (TARGET / np.linalg.norm(TARGET, axis=1, keepdims=True)).astype(np.float32)
WEIGHTS = {
    "scalar": 2.0,
    "per_row": np.array([[1.0], [0.0], [2.0], [0.5]], np.float32),
    "full": R.uniform(0, 2, (B, C)).astype(np.float32) * (R.rand(B, C) > 0.3),
    "zeros": np.zeros((B, C), np.float32),
}
REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]  # fmt: skip


def _loss_cases():
    c = []
    for red in REDUCTIONS:
        for wname, w in WEIGHTS.items():
            k = f"{red}_{wname}"
            kw = dict(weights=w, reduction=red)
            c += [
                Case(
                    f"mse_{k}",
                    lambda tf, y, p, kw=kw: tf.losses.mean_squared_error(y, p, **kw),
                    (TARGET, PROBS),
                    grad=True,
                ),  # fmt: skip
                Case(
                    f"softmax_{k}",
                    lambda tf, y, x, kw=kw: (
                        tf.losses.softmax_cross_entropy(y, x, **kw)
                        if kw["weights"] is not WEIGHTS["full"]
                        else tf.losses.softmax_cross_entropy(
                            y, x, weights=WEIGHTS["per_row"][:, 0], reduction=kw["reduction"]
                        )
                    ),
                    (ONEHOT, LOGITS),
                    grad=True,
                    rtol=1e-5,
                ),  # fmt: skip
            ]
    s, r = "weighted_sum_by_nonzero_weights", "weighted_mean"
    c += [
        Case(
            "absolute_difference",
            lambda tf, y, p: tf.losses.absolute_difference(y, p),
            (TARGET, PROBS),
            grad=True,
        ),
        Case(
            "huber",
            lambda tf, y, p: tf.losses.huber_loss(y, p * 3, delta=0.7, reduction=r),
            (TARGET, PROBS),
            grad=True,
        ),  # fmt: skip
        Case(
            "log_loss",
            lambda tf, y, p: tf.losses.log_loss(y, p, WEIGHTS["full"]),
            (PROBS, PROBS),
            grad=True,
        ),
        Case("hinge", lambda tf, y, x: tf.losses.hinge_loss(y, x), (ONEHOT, LOGITS), grad=True),
        Case(
            "cosine",
            lambda tf, y, p: tf.losses.cosine_distance(y, p, axis=1, reduction=s),
            (UNIT, UNIT[::-1].copy()),
            grad=True,
        ),  # fmt: skip
        Case("cosine_dim", lambda tf, y, p: tf.losses.cosine_distance(y, p, dim=1), (UNIT, UNIT)),
        Case(
            "sigmoid_xent",
            lambda tf, y, x: tf.losses.sigmoid_cross_entropy(y, x, label_smoothing=0.2),
            (ONEHOT, LOGITS),
            grad=True,
        ),  # fmt: skip
        Case(
            "softmax_smoothing",
            lambda tf, y, x: tf.losses.softmax_cross_entropy(y, x, label_smoothing=0.1),
            (ONEHOT, LOGITS),
            grad=True,
            rtol=1e-5,
        ),  # fmt: skip
        Case(
            "softmax_f16",
            lambda tf, y, x: tf.losses.softmax_cross_entropy(y, tf.cast(x, tf.float16)),
            (ONEHOT, LOGITS),
            rtol=2e-3,
            atol=2e-3,
        ),  # fmt: skip
        Case(
            "sparse",
            lambda tf, x: tf.losses.sparse_softmax_cross_entropy(
                SPARSE, x, WEIGHTS["per_row"][:, 0]
            ),
            (LOGITS,),
            grad=True,
            rtol=1e-5,
        ),  # fmt: skip
        Case(
            "sparse_squeezable",
            lambda tf, x: tf.losses.sparse_softmax_cross_entropy(SPARSE[:, None], x),
            (LOGITS,),
            rtol=1e-5,
        ),  # fmt: skip
        Case(
            "bad_weights",
            lambda tf, y, p: tf.losses.mean_squared_error(y, p, np.ones((2, C), np.float32)),
            (TARGET, PROBS),
        ),  # fmt: skip
        Case(
            "bad_shapes",
            lambda tf, y, p: tf.losses.mean_squared_error(y, p[:, :2]),
            (TARGET, PROBS),
        ),
        Case(
            "softmax_bad_shapes",
            lambda tf, y, x: tf.losses.softmax_cross_entropy(y[:, :2], x),
            (ONEHOT, LOGITS),
        ),  # fmt: skip
        Case("cosine_no_axis", lambda tf, y, p: tf.losses.cosine_distance(y, p), (UNIT, UNIT)),
        Case(
            "bad_reduction",
            lambda tf, y, p: tf.losses.mean_squared_error(y, p, reduction="avg"),
            (TARGET, PROBS),
        ),  # fmt: skip
    ]
    return c


CASES = _loss_cases()


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_loss_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", one_per_op(CASES), ids=lambda c: c.id)
def test_loss_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def _collected(tf, x, regularizer):
    w = tf.get_variable("w", [C, C], initializer=tf.constant_initializer(0.1),
                        regularizer=regularizer)  # fmt: skip
    logits = x @ w
    with tf.variable_scope("tower_0"):
        tf.losses.softmax_cross_entropy(ONEHOT, logits)
    tf.losses.mean_squared_error(TARGET, logits, reduction=tf.losses.Reduction.NONE,
                                 loss_collection=None)  # fmt: skip
    tf.losses.absolute_difference(TARGET, logits, scope="abs")
    return (len(tf.losses.get_losses()), len(tf.losses.get_losses(scope="tower_0")),
            tf.losses.get_total_loss(), tf.losses.get_total_loss(add_regularization_losses=False))  # fmt: skip


def test_losses_collection_and_total_loss_match_tf1(tf1):
    with tf1.Graph().as_default():
        l2 = lambda w: 0.5 * tf1.nn.l2_loss(w)  # noqa: E731 - TF1's l2_regularizer(0.5)
        n, n_tower, total, data = _collected(tf1, tf1.constant(LOGITS), l2)
        with tf1.Session() as s:
            s.run(tf1.global_variables_initializer())
            want = (n, n_tower, *s.run([total, data]))
    f = js.transform(lambda x: _collected(jtf, x, js.l2_regularizer(0.5)))
    got = f.apply(f.init(jax.random.key(0), LOGITS), LOGITS)
    assert got[:2] == want[:2]
    np.testing.assert_allclose(got[2:], want[2:], rtol=1e-6)


def test_get_total_loss_without_losses_raises_as_tf1(tf1):
    with tf1.Graph().as_default(), pytest.raises(ValueError):
        tf1.losses.get_total_loss()
    with pytest.raises(ValueError, match="No losses"):
        js.transform(lambda: jtf.losses.get_total_loss()).apply({})


def test_sparse_label_out_of_range_raises_concrete_and_is_nan_traced():
    bad = np.array([0, C, 1, 2], np.int32)
    with pytest.raises(IndexError, match=r"label\[1\] = 5 is not in \[0, 5\)"):
        jtf.losses.sparse_softmax_cross_entropy(bad, LOGITS)
    got = jax.jit(lambda y: jtf.losses.sparse_softmax_cross_entropy(y, LOGITS, reduction="none"))(
        bad
    )
    assert np.isnan(got[1]) and np.isfinite(np.delete(np.asarray(got), 1)).all()
