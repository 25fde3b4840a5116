"""``tf.metrics`` (issue 24): TF1's streaming metrics on jaxscope, against ``tf.compat.v1`` in
graph mode. One program text runs on both: TF1 initializes the local variables, runs each
metric's ``update_op`` over several batches, then its ``value``; jaxscope does the same with
``js.train.Runner`` (``reset`` for the initializer). The variable names (and their collections),
the per-batch update results and the final values must match, weights and errors included."""

import jax
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")

_rs = np.random.RandomState(0)
BATCHES = [
    (
        _rs.randint(0, 2, [8]).astype(np.float32),
        _rs.uniform(size=[8]).astype(np.float32),
        _rs.uniform(size=[8]).astype(np.float32),
    )
    for _ in range(4)
]
BATCHES[2][2][:] = 0.0  # a batch of zero weight


def program(tf, labels, preds, w):
    hard = tf.round(preds)
    pos = tf.greater(preds, 0.5)

    pairs = {
        "accuracy": tf.metrics.accuracy(labels, hard),
        "accuracy_w": tf.metrics.accuracy(labels, hard, weights=w),
        "mean": tf.metrics.mean(preds),
        "mean_w": tf.metrics.mean(preds, weights=tf.reshape(w, [8, 1])),
        "mae": tf.metrics.mean_absolute_error(labels, preds),
        "mse_w": tf.metrics.mean_squared_error(labels, preds, weights=w),
        "rmse": tf.metrics.root_mean_squared_error(labels, preds),
        "precision": tf.metrics.precision(labels, pos),
        "recall_w": tf.metrics.recall(labels, pos, weights=w),
        "tp": tf.metrics.true_positives(labels, pos),
        "fp": tf.metrics.false_positives(labels, pos),
        "tn_w": tf.metrics.true_negatives(labels, pos, weights=w),
        "fn": tf.metrics.false_negatives(labels, pos),
        "mean_tensor": tf.metrics.mean_tensor(tf.reshape(preds, [2, 4])),
        "mean_tensor_w": tf.metrics.mean_tensor(preds, weights=w),
        "auc": tf.metrics.auc(labels, preds),
        "auc_pr_w": tf.metrics.auc(labels, preds, weights=w, curve="PR", num_thresholds=50),
        "iou": tf.metrics.mean_iou(tf.cast(labels, tf.int32), tf.cast(hard, tf.int32), 2),
    }
    with tf.variable_scope("outer"):
        pairs["scoped"] = tf.metrics.mean(preds, name="m", metrics_collections=["my_values"],
                                 updates_collections=["my_updates"])  # fmt: skip
    return {k: {"value": v, "update": u} for k, (v, u) in pairs.items()}


def tf1_run(tf):
    g = tf.Graph()
    with g.as_default():
        ph = [tf.placeholder(tf.float32, [8]) for _ in range(3)]
        out = program(tf, *ph)
        names = [v.name for v in tf.local_variables()]
        assert [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)] == names
        assert not tf.trainable_variables() and not tf.global_variables()
        assert tf.get_collection("my_values") == [out["scoped"]["value"]]
        assert tf.get_collection("my_updates") == [out["scoped"]["update"]]
        with tf.Session(graph=g) as sess:
            sess.run(tf.local_variables_initializer())
            updates = [sess.run({k: o["update"] for k, o in out.items()}, dict(zip(ph, b, strict=True)))
                       for b in BATCHES]  # fmt: skip
            values = sess.run({k: o["value"] for k, o in out.items()})
    return names, updates, values


def test_metrics_names_updates_and_values_match_tf1(tf1):
    names, want_updates, want_values = tf1_run(tf1)
    seen = {}

    def model(labels, preds, w):
        out = program(jtf, labels, preds, w)
        seen["local"] = [v.name for v in jtf.local_variables()]
        seen["metric"] = [v.name for v in jtf.get_collection(jtf.GraphKeys.METRIC_VARIABLES)]
        seen["trainable"] = jtf.trainable_variables()
        seen["my_values"] = jtf.get_collection("my_values")
        seen["my_updates"] = [op.name for op in jtf.get_collection("my_updates")]
        return out

    runner = js.train.Runner(model)
    runner.init(jax.random.key(0), *BATCHES[0])
    assert seen["local"] == seen["metric"] == names
    assert seen["trainable"] == [] and len(seen["my_values"]) == 1 and seen["my_updates"]
    assert set(js.checkpoint.flatten(runner.variables["state"])) == {n[:-2] for n in names}
    assert "params" not in runner.variables or not runner.variables["params"]
    keys = list(want_values)
    for rnd in range(2):  # the second round after runner.reset() (TF1: the initializer again)
        for i, batch in enumerate(BATCHES):
            got = runner.run({k: f"{k}.update" for k in keys}, *batch)
            for k in keys:
                np.testing.assert_allclose(got[k], want_updates[i][k], rtol=1e-5, atol=1e-6,
                                           err_msg=f"round {rnd} batch {i} {k}")  # fmt: skip
        got = runner.run({k: f"{k}.value" for k in keys}, *BATCHES[0])  # reads, updates nothing
        got_again = runner.run({k: f"{k}.value" for k in keys}, *BATCHES[1])
        for k in keys:
            np.testing.assert_allclose(got[k], want_values[k], rtol=1e-5, atol=1e-6, err_msg=k)
            np.testing.assert_array_equal(got_again[k], got[k])
        runner.reset()
    zero = runner.run({k: f"{k}.value" for k in keys}, *BATCHES[0])
    assert all(np.all(np.asarray(v) == 0) for v in zero.values())


ERRORS = {
    "shapes": (lambda tf: tf.metrics.accuracy(tf.zeros([3]), tf.zeros([4])),
               r"Shapes \(4,\) and \(3,\) are incompatible"),
    "precision_shapes": (lambda tf: tf.metrics.precision(tf.zeros([3]), tf.zeros([4])),
                         r"Shapes \(4,\) and \(3,\) are incompatible"),
    "mse_shapes": (lambda tf: tf.metrics.mean_squared_error(tf.zeros([3]), tf.zeros([4])),
                   r"Shapes \(4,\) and \(3,\) are incompatible"),
    "weights": (lambda tf: tf.metrics.mean(tf.zeros([3, 2]), weights=tf.zeros([4])),
                "weights can not be broadcast to values"),
    "tensor_weights": (lambda tf: tf.metrics.mean_tensor(tf.zeros([3]), weights=tf.zeros([2])),
                       "weights can not be broadcast to values"),
    "curve": (lambda tf: tf.metrics.auc(tf.zeros([3]), tf.zeros([3]), curve="X"),
              "Curve must be either ROC or PR. Curve X is unknown."),
    "summation": (lambda tf: tf.metrics.auc(tf.zeros([3]), tf.zeros([3]), summation_method="x"),
                  "Invalid summation_method: x"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(ERRORS))
def test_metric_argument_errors_match_tf1(tf1, case):
    build, message = ERRORS[case]
    with tf1.Graph().as_default(), pytest.raises(ValueError, match=message):
        build(tf1)
    with pytest.raises(ValueError, match=message):
        js.transform(lambda: build(jtf)).init(jax.random.key(0))


def test_reset_before_any_run_says_what_to_do():
    runner = js.train.Runner(lambda x: {"m": jtf.metrics.mean(x)[1]}, variables={})
    with pytest.raises(ValueError, match=r"runner.init\(...\) or runner.run\(...\) first"):
        runner.reset()
