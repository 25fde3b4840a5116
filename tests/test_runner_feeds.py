"""``Runner.run(fetches, feed_dict=...)``: ``tf.placeholder`` / ``tf.placeholder_with_default``
inside a program fed by TF1 name or by handle, and ``Runner.outputs`` (the program's output as
fetch handles), against ``session.run(fetches, feed_dict)`` on tf.compat.v1 in graph mode: the
same program text, the same fetch and feed sequence, the same values."""

import collections

import jax
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning")
Pair = collections.namedtuple("Pair", "c h")


class Model:
    """A TF1-style model object: tensors, a variable, ops and plain Python values."""

    def __init__(self, tf):
        self.size = 3  # a Python value: kept as it is in the handles
        self.x = tf.placeholder(tf.float32, [2, 3], name="x")
        self.state = Pair(*(tf.placeholder_with_default(tf.zeros([2, 1]), [2, 1]) for _ in "ch"))
        with tf.variable_scope("net"):
            w = tf.get_variable("w", [3, 1], initializer=tf.constant_initializer(0.5))
            self.cost = tf.reduce_sum(tf.square(tf.matmul(self.x, w) + self.state.c * self.state.h))
            self.lr = tf.Variable(0.1, trainable=False, name="lr")
            self.train_op = tf.train.GradientDescentOptimizer(self.lr).minimize(self.cost)
            self.new_lr = tf.placeholder(tf.float32, [], name="new_lr")
            self.lr_update = tf.assign(self.lr, self.new_lr)
        self.outs = [self.cost, self.state]


def program(tf):
    with tf.name_scope("Train"):
        return {"m": Model(tf)}


X = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
S = np.full([2, 1], 0.5, np.float32)


def sequence(run, m):
    """What both sides run: by handle and by name, fed state, an lr assign, variable fetches."""
    return [
        run(m.lr),
        run(m.lr_update, {m.new_lr: 0.25}),
        run(m.lr),
        run([m.cost, m.train_op], {m.x: X}),
        run({"c": m.cost, "s": m.state}, {m.x: X, m.state.c: S, m.state.h: S}),
        run(m.outs, {"Train/x:0": X, m.state.h: S}),
        run(m.lr_update, {"Train/net/new_lr:0": 0.5}),
        run([m.cost, m.train_op], {m.x: X * 2}),
        run(m.cost, {m.x: X}),
    ]


def test_feeds_and_handles_match_session_run(tf1):
    with tf1.Graph().as_default():
        m = program(tf1)["m"]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sequence(lambda f, feed=None: sess.run(f, feed_dict=feed), m)
            want_w = sess.run(tf1.global_variables())
    runner = js.train.Runner(lambda: program(jtf))
    runner.init(jax.random.key(0))
    m = runner.outputs["m"]
    assert m.size == 3 and m.x.placeholder == "Train/x" and m.new_lr.name == "Train/net/new_lr:0"
    got = sequence(lambda f, feed=None: runner.run(f, feed_dict=feed), m)
    for g, w in zip(got, want, strict=True):
        if isinstance(w, list) and w and w[-1] is None:  # [cost, train_op]: TF1 gives None
            g, w = g[:-1], w[:-1]
        jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6), g, w)
    assert isinstance(got[4]["s"], Pair)
    flat = js.checkpoint.flatten(runner.variables)
    np.testing.assert_allclose(flat["net/w"], want_w[0], rtol=1e-6)
    np.testing.assert_allclose(flat["Train/net/lr"], want_w[1], rtol=1e-6)


def test_feeding_new_values_does_not_retrace():
    traces = []

    def prog():
        traces.append(1)
        return program(jtf)

    runner = js.train.Runner(prog)
    runner.init(jax.random.key(0))
    m = runner.outputs["m"]
    runner.run(m.cost, feed_dict={m.x: X})
    first = len(traces)  # the trace and the fetch-dependency walk of the first run
    for k in range(3):
        runner.run(m.cost, feed_dict={m.x: X * k, "Train/x": X})  # by handle and by name
        runner.run(m.cost, feed_dict={"Train/x:0": X * k})
    assert len(traces) == first  # a handle and its name are one key: no trace a feed


def _runner():
    runner = js.train.Runner(lambda: program(jtf))
    runner.init(jax.random.key(0))
    return runner, runner.outputs["m"]


def test_feeding_an_unknown_name_says_which_placeholders_exist():
    runner, m = _runner()
    before = js.checkpoint.flatten(runner.variables)
    with pytest.raises(ValueError, match=r"feeds \['Train/nope'\].*Train/net/new_lr"):
        runner.run([m.cost, m.train_op], feed_dict={"Train/nope": 1.0, m.x: X})
    after = js.checkpoint.flatten(runner.variables)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_feeding_a_wrong_shape_is_a_value_error_as_in_tf1(tf1):
    with tf1.Graph().as_default():
        x = tf1.placeholder(tf1.float32, [2, 3], name="x")
        with tf1.Session() as sess, pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(x * 2, {x: np.zeros([3, 3])})
    runner, m = _runner()
    with pytest.raises(ValueError, match=r"cannot feed a value of shape \(3, 3\) for 'Train/x'"):
        runner.run(m.cost, feed_dict={m.x: np.zeros([3, 3])})


def test_feeding_a_value_that_is_not_a_placeholder_says_how():
    runner, m = _runner()
    with pytest.raises(ValueError, match=r"(?s)not a placeholder.*placeholder_with_default"):
        runner.run(m.cost, feed_dict={m.cost: 1.0})


def test_placeholders_outside_a_runner():
    def model():
        return jtf.placeholder(jtf.float32, [2], name="p") + jtf.placeholder_with_default(
            jtf.ones([2]), [2]
        )

    f = js.transform(model)
    variables = f.init(jax.random.key(0))  # building: zeros, as TF1 builds a graph
    with pytest.raises(RuntimeError, match=r"tf\.placeholder has no meaning.*\nFix: feed it"):
        f.apply(variables)
    np.testing.assert_array_equal(
        js.transform(lambda: jtf.placeholder_with_default(jtf.ones([2]), [2])).apply({}), [1, 1]
    )


def test_tf_device_places_nothing():
    def model():
        with jtf.device("/cpu:0"):
            return jtf.get_variable("w", [2])

    assert [v.name for v in js.inspect(js.transform(model))] == ["w"]


def test_outputs_are_handles_in_the_programs_structure():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Frozen:
        value: object
        label: str

    def prog():
        w = jtf.get_variable("w", [2], initializer=jtf.ones_initializer())
        return {"f": Frozen(w * 2, "two"), "t": (w, [w + 1]), "n": 7}

    runner = js.train.Runner(prog)
    runner.init(jax.random.key(0))
    out = runner.outputs
    assert out["n"] == 7 and out["f"].label == "two" and out["f"].value.name == "f.value"
    assert out["t"][1][0].path == ("t", 1, 0)
    got = runner.run({"a": out["f"].value, "b": out["t"]})
    np.testing.assert_array_equal(got["a"], [2, 2])
    np.testing.assert_array_equal(got["b"][1][0], [2, 2])
    np.testing.assert_array_equal(got["b"][0], [1, 1])  # a variable: its value


@pytest.mark.parametrize("fetch", ["cost", "train", "x", "lr"])
def test_a_fetch_that_needs_an_unfed_placeholder_raises_as_in_tf1(tf1, fetch):
    """TF1 refuses a run whose fetches need a placeholder that was not fed, and runs one that
    does not (m.lr needs neither x nor new_lr). Zeros in its place would be a silent result."""

    def pick(m):
        return {"cost": m.cost, "train": [m.cost, m.train_op], "x": m.x, "lr": m.lr}[fetch]

    with tf1.Graph().as_default():
        m = program(tf1)["m"]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            try:
                want = sess.run(pick(m))
            except tf1.errors.InvalidArgumentError as e:
                want = e
    runner, m = _runner()
    before = js.checkpoint.flatten(runner.variables)
    if isinstance(want, Exception):
        assert "must feed a value for placeholder tensor 'Train/x'" in str(want)
        with pytest.raises(ValueError, match=r"must feed a value for placeholder tensor 'Train/x'"):
            runner.run(pick(m))
        after = js.checkpoint.flatten(runner.variables)
        assert all(np.array_equal(before[k], after[k]) for k in before)
    else:
        np.testing.assert_allclose(runner.run(pick(m)), want, rtol=1e-6)
