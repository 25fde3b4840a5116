"""Resuming training across TF1 and jaxscope through a TF1 checkpoint, in both directions.

TF1 trains 100 steps (Adam or another optimizer, a learning-rate schedule of global_step, and an
ExponentialMovingAverage with num_updates=global_step), saving with ``tf.compat.v1.train.Saver``
after step 50. jaxscope restores parameters, slots, global_step and averages from that
checkpoint in one ``restore_tf1`` call and trains steps 51-100; and the other way round,
jaxscope trains 50 steps, saves with ``save_tf1`` and TF1's Saver resumes. Both must end where
TF1's straight run ends.
"""

import jax
import numpy as np
import pytest
from test_train_optimizers import INIT, X, Y, js_model, schedule, tf1_model

import jaxscope as js
from jaxscope import checkpoint, train

HALF = 50

OPTIMIZERS = {
    "adam_exponential_decay": lambda t: t.AdamOptimizer(
        schedule(t, "exponential_decay", 0.05, 20, 0.7, staircase=True), epsilon=1e-4
    ),
    "momentum_nesterov": lambda t: t.MomentumOptimizer(0.02, 0.9, use_nesterov=True),
    "rmsprop_centered": lambda t: t.RMSPropOptimizer(0.002, momentum=0.5, centered=True),
    "adadelta": lambda t: t.AdadeltaOptimizer(1.0, rho=0.9),
    "adagrad": lambda t: t.AdagradOptimizer(0.1),
    "ftrl": lambda t: t.FtrlOptimizer(0.5, l1_regularization_strength=0.01),
}


class TF1Run:
    """One TF1 graph: training op followed by the moving-average op, and a Saver."""

    def __init__(self, tf, make_opt):
        self.tf, self.graph = tf, tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, X.shape[1:])
            self.y = tf.placeholder(tf.float32, Y.shape[1:])
            loss = tf1_model(tf, self.x, self.y)
            step = tf.train.get_or_create_global_step()
            train_op = make_opt(tf.train).minimize(loss, global_step=step)
            ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
            with tf.control_dependencies([train_op]):
                self.op = ema.apply(tf.trainable_variables())
            self.vars = {v.op.name: v for v in tf.global_variables()}
            self.saver = tf.train.Saver()
            self.sess = tf.Session()
            self.sess.run(tf.global_variables_initializer())

    def train(self, steps):
        for i in steps:
            self.sess.run(self.op, {self.x: X[i], self.y: Y[i]})

    def values(self):
        return self.sess.run(self.vars)


def js_setup(make_opt):
    f = js.transform(js_model)
    variables = f.init(jax.random.key(0), X[0], Y[0])
    opt = make_opt(train)
    ema = train.ExponentialMovingAverage(0.9, num_updates="global_step")

    @jax.jit
    def step(carry, batch):
        variables, opt_state, averages = carry
        variables, opt_state, _ = opt.minimize(
            f.apply, variables, opt_state, *batch, global_step="global_step"
        )
        return (variables, opt_state, ema.apply(variables, averages)), None

    def run(carry, steps):
        return jax.lax.scan(step, carry, (X[steps], Y[steps]))[0]

    start = (variables, opt.init(variables["params"]), ema.apply(variables))
    return start, run


def flat(trees):
    variables, opt_state, averages = trees
    return {**checkpoint.flatten(variables), **opt_state, **averages}


def assert_same(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    for name, expected in theirs.items():
        got = np.asarray(ours[name])
        if name == "global_step":
            assert int(got) == int(expected) == 2 * HALF
            continue
        scale = np.abs(expected).max()
        # 100 float32 steps in two orders of summation: 2.9e-5 relative was seen on a CPU whose
        # XLA and TF kernels round differently (a momentum_nesterov average near 0.0047)
        np.testing.assert_allclose(got, expected, rtol=5e-5, atol=1e-5 * scale, err_msg=name)


@pytest.mark.parametrize("case", sorted(OPTIMIZERS))
def test_tf1_checkpoint_resumes_in_jaxscope_and_back(tf1, tmp_path, case):
    tf_run = TF1Run(tf1, OPTIMIZERS[case])
    tf_run.train(range(HALF))
    tf_prefix = tf_run.saver.save(tf_run.sess, str(tmp_path / "tf1" / "model.ckpt"), HALF)
    tf_run.train(range(HALF, 2 * HALF))
    straight = tf_run.values()
    assert not np.allclose(straight["layer/w"], INIT["layer/w"], atol=1e-2)

    # TF1 -> jaxscope: one restore_tf1 call fills params, state, slots and averages.
    start, run = js_setup(OPTIMIZERS[case])
    restored, report = checkpoint.restore_tf1(start, tf_prefix)
    assert report.ok and not report.unused and not report.unused_slots, str(report)
    assert int(restored[0]["state"]["global_step"]) == HALF
    assert_same(flat(run(restored, np.arange(HALF, 2 * HALF))), straight)

    # jaxscope -> TF1: jaxscope trains the first half, TF1's Saver resumes from save_tf1's files.
    halfway = run(start, np.arange(HALF))
    prefix = checkpoint.save_tf1(
        tmp_path / "js" / "model.ckpt-50", halfway, dtypes={"global_step": "int64"}
    )
    # The same graph and session: the Saver holds every variable (values() reads them all), so
    # restore leaves nothing of the straight run behind.
    tf_run.saver.restore(tf_run.sess, prefix)
    tf_run.train(range(HALF, 2 * HALF))
    assert_same(tf_run.values(), straight)
    tf_run.sess.close()


def test_restore_of_several_trees_refuses_a_name_in_two_of_them():
    trees = ({"state": {"global_step": np.int32(1)}}, {"global_step": np.int32(1)})
    with pytest.raises(js.CheckpointNameError, match=r"'global_step' is given twice, by vari"):
        checkpoint.restore_tf1(trees, {"global_step": np.int64(3)})
    with pytest.raises(js.CheckpointNameError, match=r"'global_step' is given twice"):
        checkpoint.save_tf1("/nonexistent/m.ckpt", trees)


def test_optax_state_without_tf1_names_is_refused():
    import optax

    params = {"w": np.zeros(2, np.float32)}
    state = optax.adam(1e-3).init(params)
    with pytest.raises(js.CheckpointTreeError, match=r"variables\[1\]\[0\]\.count has no TF1 name"):
        checkpoint.save_tf1("/nonexistent/m.ckpt", ({"params": params}, state))


def test_int64_global_step_fits_the_int32_leaf_only_when_its_value_does():
    tree = {"state": {"global_step": np.zeros((), np.int32)}}
    new, _ = checkpoint.restore_tf1(tree, {"global_step": np.int64(7)})
    assert new["state"]["global_step"] == 7 and new["state"]["global_step"].dtype == np.int32
    with pytest.raises(js.CheckpointMismatchError, match="global_step"):
        checkpoint.restore_tf1(tree, {"global_step": np.int64(2**40)})
    with pytest.raises(js.CheckpointTreeError, match=r"would change the values of 'w'"):
        checkpoint.save_tf1(
            "/nonexistent/m", {"params": {"w": np.float32(0.5)}}, dtypes={"w": "int64"}
        )
