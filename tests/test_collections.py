"""Collections and regularizers against tf.compat.v1: membership, order, scope filtering, and
regularization-loss values (and their gradients in jaxscope)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import run_js, run_tf

import jaxscope as js

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def names(S, key, scope=None):
    return [v.name for v in S.get_collection(key, scope)]


@program
def default_collections(S, r):  # R03.10, R05.1, R05.24
    r(lambda: S.get_variable("a", [1]))
    r(lambda: S.get_variable("b", [1], trainable=False))
    r(lambda: S.Variable(1.0, name="c"))
    r(lambda: S.Variable(1.0, name="d", trainable=False))
    r(lambda: names(S, S.GraphKeys.GLOBAL_VARIABLES))
    r(lambda: names(S, S.GraphKeys.TRAINABLE_VARIABLES))
    r(lambda: [v.name for v in S.global_variables()])
    r(lambda: [v.name for v in S.trainable_variables()])


@program
def collections_replace_global(S, r):  # R03.11, R03.12, R05.24
    r(lambda: S.get_variable("a", [1], collections=["mine"]))
    r(lambda: S.get_variable("b", [1], collections=["mine"], trainable=False))
    r(lambda: S.Variable(1.0, name="c", collections=("mine", S.GraphKeys.GLOBAL_VARIABLES)))
    r(lambda: S.Variable(1.0, name="d", collections="mine"))
    r(lambda: names(S, "mine"))
    r(lambda: names(S, S.GraphKeys.GLOBAL_VARIABLES))
    r(lambda: names(S, S.GraphKeys.TRAINABLE_VARIABLES))
    r(lambda: names(S, "nothing"))


@program
def scope_filter_is_a_regex_prefix_match(S, r):  # R07.4, R07.5
    for scope in ["foo", "foo_1", "foobar", "f.o"]:
        r.scope(
            lambda scope=scope: S.variable_scope(scope),
            lambda _: r(lambda: S.get_variable("w", [1])),
        )
    for query in ["foo", "foo/", "foo_1", "f.o", "bar", "^foo$", ".*w"]:
        r(lambda q=query: names(S, S.GraphKeys.GLOBAL_VARIABLES, q))


@program
def reuse_does_not_refile(S, r):  # R04.23
    r.scope(lambda: S.variable_scope("s"), lambda _: r(lambda: S.get_variable("w", [1])))
    r.scope(
        lambda: S.variable_scope("s", reuse=True),
        lambda _: r(lambda: S.get_variable("w", [1], trainable=False, collections=["x"])),
    )
    r(lambda: names(S, S.GraphKeys.GLOBAL_VARIABLES))
    r(lambda: names(S, "x"))


@program
def add_to_collection_keeps_order_and_duplicates(S, r):
    w = r(lambda: S.get_variable("w", [1]))
    r(lambda: S.add_to_collection("mine", w))
    r(lambda: S.add_to_collection("mine", w))
    r(lambda: names(S, "mine"))
    r(lambda: len(S.get_collection("mine", "w")))


@pytest.mark.parametrize("mode", ["init", "apply"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_collections_match_tf1(tf1, name, mode):
    assert run_js(PROGRAMS[name], mode).items == run_tf(tf1, PROGRAMS[name]).items


W = np.array([[1.0, -2.0], [3.0, -4.0]], np.float32)
B = np.array([0.5, -0.25], np.float32)


def regularized_program(S, regs):
    """Returns (total regularization loss, per-scope loss counts); regs[kind](scale) -> fn."""

    def fn():
        with S.variable_scope("layer", regularizer=regs["l2"](0.1)):
            S.get_variable("w", initializer=W)
            S.get_variable("b", initializer=B, regularizer=regs["l1"](0.5))
            S.get_variable("free", initializer=B, regularizer=S.no_regularizer)
            with S.variable_scope("inner"):
                S.get_variable("v", initializer=W * 2)
        with S.variable_scope("other"):
            S.get_variable("u", initializer=W, regularizer=regs["l1_l2"](0.2, 0.3))
            S.get_variable("zero", initializer=W, regularizer=regs["l2"](0.0))
        return (
            S.losses.get_regularization_loss()
            if hasattr(S, "losses")
            else S.get_regularization_loss(),
            len(S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES, "layer")),
            len(S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES, "other")),
        )

    return fn


def test_regularization_losses_match_tf1(tf1):
    def tf_l1(s):
        return (lambda w: None) if s == 0 else (lambda w: s * tf1.reduce_sum(tf1.abs(w)))

    def tf_l2(s):  # tf.contrib.layers.l2_regularizer: scale * tf.nn.l2_loss(w)
        return (lambda w: None) if s == 0 else (lambda w: s * tf1.nn.l2_loss(w))

    tf_regs = {"l1": tf_l1, "l2": tf_l2, "l1_l2": lambda a, b: lambda w: tf_l1(a)(w) + tf_l2(b)(w)}
    js_regs = {"l1": js.l1_regularizer, "l2": js.l2_regularizer, "l1_l2": js.l1_l2_regularizer}
    with tf1.Graph().as_default():
        total, n_layer, n_other = regularized_program(tf1, tf_regs)()
        with tf1.Session() as s:
            s.run(tf1.global_variables_initializer())
            expected = s.run(total)
    t = js.transform(regularized_program(js, js_regs))
    variables = t.init(jax.random.key(0))
    got, got_layer, got_other = t.apply(variables)
    assert (got_layer, got_other) == (n_layer, n_other) == (3, 1)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    got_jit = jax.jit(t.apply)(variables)[0]
    np.testing.assert_allclose(got_jit, expected, rtol=1e-6)


def test_regularization_loss_trains_the_variables():
    def model(x):
        with js.variable_scope("dense", regularizer=js.l2_regularizer(0.5)):
            w = js.get_variable("w", [2, 1], initializer=js.constant_initializer(3.0))
        return jnp.sum(x @ w) * 0 + js.get_regularization_loss()

    t = js.transform(model)
    v = t.init(jax.random.key(0), jnp.ones((1, 2)))
    g = jax.grad(lambda p: t.apply({"params": p}, jnp.ones((1, 2))))(v["params"])
    np.testing.assert_allclose(g["dense"]["w"], 0.5 * v["params"]["dense"]["w"])


def test_regularizer_arguments_are_checked():
    with pytest.raises(ValueError, match="less than 0"):
        js.l2_regularizer(-1.0)
    with pytest.raises(ValueError, match="cannot be an integer"):
        js.l1_regularizer(1)
    assert js.l2_regularizer(0.0)(W) is None
    np.testing.assert_allclose(js.l1_l2_regularizer(0.0, 1.0)(W), np.sum(W**2) / 2)


def test_no_regularization_gives_zero():
    t = js.transform(lambda: js.get_regularization_loss())
    assert float(t.apply(t.init(jax.random.key(0)))) == 0.0


def test_collection_functions_outside_transform():
    with pytest.raises(js.OutsideTransformError, match="get_collection"):
        js.get_collection(js.GraphKeys.GLOBAL_VARIABLES)
