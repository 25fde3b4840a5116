"""Issue 22, control flow: what a body files in a collection reaches the caller as in TF1.

Oracle: tf.compat.v1 in graph mode (control flow v1). TF1 computes a new variable's
regularization loss under ``init_scope`` (outside the loop or branch), so it is usable after
``cond`` / ``case`` / ``while_loop`` / ``scan`` / ``map_fn``; any other tensor a body files is
usable after a ``cond`` if its branch ran, and refused after a loop ("... is in a while loop").
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import LoopTensorError

RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)


def _np(S):
    """The array functions of ``S``: jax.numpy for jaxscope, ``S`` itself for TF1."""
    return jnp if S is js else S


def _ones(S):
    return S.constant_initializer(0.5)


def _body_vars(S, reg, tag):
    """Three regularized variables, as a body would create them: regularizer=, the scope's
    regularizer, and a slim layer's weights_regularizer."""
    a = S.get_variable(f"a{tag}", [2], initializer=_ones(S), regularizer=reg(0.1))
    with S.variable_scope(f"s{tag}", regularizer=reg(0.3)):
        b = S.get_variable("b", [3], initializer=S.constant_initializer(0.7))
    return a, b


def _arange(S):
    return jnp.arange(3.0) if S is js else S.range(3.0)


def _kinds(S, slim, reg, x):
    """body kind -> a call of it that creates regularized variables (x: a float32 scalar)."""

    def fc(tag, v):
        return slim.fully_connected(
            _np(S).reshape(v, [1, 1]), 2, weights_initializer=_ones(S), weights_regularizer=reg(0.2),
            scope=f"fc{tag}",
        )[0, 0]  # fmt: skip

    def branch(tag):
        def fn():
            a, b = _body_vars(S, reg, tag)
            return a[0] + b[0] + fc(tag, x)

        return fn

    def while_loop():
        def body(i, t):
            a, b = _body_vars(S, reg, "w")
            return i + 1, t + a[0] + b[0] + fc("w", t)

        return S.while_loop(lambda i, t: i < 3, body, [0, x])[1]

    def scan():
        def fn(acc, e):
            a, b = _body_vars(S, reg, "s")
            return acc + e * a[0] + b[0] + fc("s", e)

        return S.scan(fn, _np(S).reshape(_arange(S), [3]) + x, initializer=x)

    def map_fn():
        def fn(e):
            a, b = _body_vars(S, reg, "m")
            return e * a[0] + b[0] + fc("m", e)

        return S.map_fn(fn, _np(S).reshape(_arange(S), [3]) + x)

    return {
        "cond": lambda: S.cond(x > 0, branch("t"), branch("f")),
        "case": lambda: S.case([(x < 0, branch("1")), (x < 10, branch("2"))], default=branch("3")),
        "while_loop": while_loop,
        "scan": scan,
        "map_fn": map_fn,
    }


KINDS = ["cond", "case", "while_loop", "scan", "map_fn"]


def _tf_losses(tf1, slim, kind):
    """TF1's count of regularization losses and their total.

    TF1 lifts a ``get_variable`` regularizer's loss out of the body (``init_scope``) but
    computes a ``tf.layers``/slim weight's loss inside it, where it is unusable (a loop) or
    fails at run time (a branch that did not run). jaxscope computes every regularization loss
    that depends on variables only outside the body: the total counts those losses at the
    value TF1 gives the same regularizer of the same variable outside the body.
    """
    with tf1.Graph().as_default():
        x = tf1.constant(1.0)
        _kinds(tf1, slim, slim.l2_regularizer, x)[kind]()
        losses = tf1.losses.get_regularization_losses()
        weights = {
            v.op.name.split("/")[0]: v for v in tf1.global_variables() if "weights" in v.name
        }
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            total = 0.0
            for loss in losses:
                if loss.op._control_flow_context is not None and "/fc" in loss.name:
                    layer = next(k for k in weights if f"{k}/kernel" in loss.name)
                    loss = slim.l2_regularizer(0.2)(weights[layer])  # outside the body
                total += float(sess.run(loss + 0.0))
            return len(losses), total


def _js_losses(kind):
    def f(x):
        _kinds(js, js.slim, js.l2_regularizer, x)[kind]()
        return len(js.get_regularization_losses()), js.get_regularization_loss()

    return js.transform(f)


@pytest.mark.parametrize("kind", KINDS)
def test_regularization_losses_of_body_variables_match_tf1(tf1, slim, kind):
    count, total = _tf_losses(tf1, slim, kind)
    assert count >= 3 and total > 0  # the oracle filed them
    f = _js_losses(kind)
    x = jnp.float32(1.0)
    (n, loss), variables = f.init_with_output(jax.random.key(0), x)
    assert (n, float(loss)) == (count, pytest.approx(total, rel=1e-6)), "init"
    n, loss = f.apply(variables, x)
    assert (n, float(loss)) == (count, pytest.approx(total, rel=1e-6)), "apply"
    loss = jax.jit(lambda v, x: f.apply(v, x)[1])(variables, x)
    assert float(loss) == pytest.approx(total, rel=1e-6), "apply under jit"
    variables = jax.jit(f.init)(jax.random.key(0), x)
    loss = jax.jit(lambda v, x: f.apply(v, x)[1])(variables, x)
    assert float(loss) == pytest.approx(total, rel=1e-6), "jit(init), then apply"


def test_regularization_loss_gradient_reaches_a_body_variable():
    def f():
        def body(i):
            js.get_variable("w", [2], initializer=js.constant_initializer(3.0),
                            regularizer=js.l2_regularizer(1.0))  # fmt: skip
            return i + 1

        js.while_loop(lambda i: i < 2, body, [0])
        return js.get_regularization_loss()

    f = js.transform(f)
    variables = f.init(jax.random.key(0))
    grads = jax.grad(f.apply)(variables)
    np.testing.assert_allclose(grads["params"]["w"], [3.0, 3.0])  # d(sum(w^2)/2)/dw = w


def test_nested_bodies_keep_their_regularization_losses(tf1, slim):
    def prog(S, reg, x):
        def inner(i):
            S.get_variable("w", [2], initializer=_ones(S), regularizer=reg(0.1))
            return i + 1

        def branch():
            S.while_loop(lambda i: i < 2, inner, [0])
            return x

        return S.cond(x > 0, branch, lambda: x)

    with tf1.Graph().as_default():
        prog(tf1, slim.l2_regularizer, tf1.constant(1.0))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = float(sess.run(tf1.losses.get_regularization_loss()))
    f = js.transform(lambda x: (prog(js, js.l2_regularizer, x), js.get_regularization_loss())[1])
    variables = f.init(jax.random.key(0), 1.0)
    assert float(jax.jit(f.apply)(variables, 1.0)) == pytest.approx(want) == 0.025


def test_cond_branch_item_is_usable_as_in_tf1(tf1):
    """TF1: a tensor filed in the branch that ran is usable after the cond."""
    with tf1.Graph().as_default():
        x = tf1.constant(2.0)

        def t():
            tf1.add_to_collection("mine", x * 3.0)
            return x

        tf1.cond(x > 0, t, lambda: x)
        (item,) = tf1.get_collection("mine")
        with tf1.Session() as sess:
            want = sess.run(item + 1.0)

    def f(x):
        def t():
            js.add_to_collection("mine", x * 3.0)
            return x

        js.cond(x > 0, t, lambda: x)
        (item,) = js.get_collection("mine")
        return item + 1.0

    f = js.transform(f)
    assert float(f.apply({}, jnp.float32(2.0))) == want == 7.0
    assert float(jax.jit(f.apply)({}, jnp.float32(2.0))) == want
    # The branch that did not run: TF1 fails at run time; here (XLA cannot raise) NaN.
    assert np.isnan(jax.jit(f.apply)({}, jnp.float32(-2.0)))


@pytest.mark.parametrize("kind", ["while_loop", "scan", "map_fn"])
def test_loop_body_item_is_refused_after_the_loop_as_in_tf1(tf1, kind):
    def prog(S, x):
        def add(v):
            S.add_to_collection("mine", v * 2.0)

        if kind == "while_loop":
            S.while_loop(lambda i, t: i < 2, lambda i, t: (add(t), (i + 1, t + 1.0))[1], [0, x])
        elif kind == "scan":
            S.scan(lambda a, e: (add(e), a + e)[1], _np(S).ones([2]) * x, initializer=x)
        else:
            S.map_fn(lambda e: (add(e), e)[1], _np(S).ones([2]) * x)
        return S.get_collection("mine")

    with tf1.Graph().as_default():
        (item,) = prog(tf1, tf1.constant(1.0))
        with pytest.raises(ValueError, match="is in a while loop"):
            item + 1.0

    def f(x):
        (item,) = prog(js, x)
        return item + 1.0

    f = js.transform(f)
    for run in (f.apply, jax.jit(f.apply)):
        with pytest.raises(ValueError, match=f"'mine' was computed inside the {kind}") as e:
            run({}, jnp.float32(1.0))
        assert isinstance(e.value, js.JaxscopeError) and not isinstance(e.value, RAW)
        assert "return it from the body" in str(e.value).lower()


def test_loop_tensor_refuses_every_use():
    def f(x):
        js.while_loop(lambda i: i < 2, lambda i: (js.add_to_collection("h", x * i), i + 1)[1], [0])
        (item,) = js.get_collection("h")
        assert item.shape == () and "while_loop body" in repr(item)
        for use in (lambda: jnp.asarray(item), lambda: 2.0 * item, lambda: float(item),
                    lambda: item[0], lambda: np.asarray(item)):  # fmt: skip
            with pytest.raises(LoopTensorError, match="'h' was computed inside"):
                use()
        return x

    js.transform(f).apply({}, jnp.float32(1.0))


def test_outer_value_filed_in_a_body_stays_usable():
    """An item computed outside (an outer jit tracer, here) and filed inside a loop is kept."""

    def f(x):
        y = x * 5.0
        js.while_loop(lambda i: i < 1, lambda i: (js.add_to_collection("o", y), i + 1)[1], [0])
        return js.get_collection("o")[0] + 1.0

    assert float(jax.jit(js.transform(f).apply)({}, jnp.float32(1.0))) == 6.0


@pytest.mark.parametrize("lifted", ["remat", "vmap"])
def test_remat_and_vmap_keep_their_collection_items(lifted):
    def f(x):
        def fun(x):
            js.get_variable("w", [2], initializer=js.constant_initializer(2.0),
                            regularizer=js.l2_regularizer(0.5))  # fmt: skip
            js.add_to_collection("mine", x * 3.0)
            return x

        (js.remat(fun) if lifted == "remat" else js.vmap(fun))(x)
        return js.get_regularization_loss(), js.get_collection("mine")[0]

    f = js.transform(f)
    x = jnp.arange(2.0)
    variables = f.init(jax.random.key(0), x)
    loss, item = jax.jit(f.apply)(variables, x)
    assert float(loss) == 2.0  # 0.5 * (4 + 4) / 2
    np.testing.assert_allclose(item, [0.0, 3.0])  # vmap: one value per example, stacked


@pytest.mark.parametrize("max_iter", [-1, -5, 0])
@pytest.mark.parametrize("back_prop", [True, False])
def test_while_loop_negative_maximum_iterations_runs_no_iteration(tf1, max_iter, back_prop):
    with tf1.Graph().as_default():
        out = tf1.while_loop(lambda i: i < 3, lambda i: i + 1, [0], maximum_iterations=max_iter)
        with tf1.Session() as sess:
            want = sess.run(out)
    f = js.transform(
        lambda: js.while_loop(
            lambda i: i < 3,
            lambda i: i + 1,
            [0],
            maximum_iterations=max_iter,
            back_prop=back_prop,
        )  # fmt: skip
    )
    assert int(f.apply({})) == int(jax.jit(f.apply)({})) == want == 0


def _scoped_bodies(S):
    """Each body kind, opening name scope "n" in its body; returns the scopes entered."""
    seen = []

    def fn(*_):
        with S.name_scope("n") as s:
            seen.append(s)
        return S.constant(1.0) if S is not js else jnp.ones(())

    ones = S.ones([2]) if S is not js else jnp.ones([2])
    true = S.constant(True) if S is not js else jnp.asarray(True)
    S.cond(true, fn, fn)
    S.cond(true, fn, fn, name="mine")
    S.while_loop(lambda i: i < 2, lambda i: i + 1, [S.constant(0) if S is not js else 0])
    S.while_loop(lambda i: i < 2, lambda i: fn() + i, [S.constant(0.0) if S is not js else 0.0])
    S.scan(lambda a, e: fn() + a, ones, initializer=S.constant(0.0) if S is not js else 0.0)
    S.map_fn(lambda e: fn() + e, ones)
    S.case([(true, fn), (true, fn)], default=fn)
    with S.name_scope("n") as s:
        seen.append(s)
    return seen


def test_bodies_open_tf1_name_scopes(tf1):
    with tf1.Graph().as_default():
        want = _scoped_bodies(tf1)
    got = js.transform(lambda: _scoped_bodies(js)).apply({})
    assert got == want
    assert want[:2] == ["cond/n/", "cond/n_1/"]  # the oracle's answer, for the reader


@pytest.mark.parametrize("axes", [{"params": 0}, None], ids=["batched", "shared"])
def test_vmap_regularization_loss_is_the_sum_over_members(axes):
    """No TF1 oracle (TF1 has no vmap): each member of a batched variable is a model, so its
    loss is the sum of the members' losses; a shared variable's is counted once."""

    def model(x):
        w = js.get_variable("w", [3], regularizer=js.l2_regularizer(1.0))
        js.get_variable("b", [2], initializer=js.constant_initializer(1.0),
                        regularizer=js.l2_regularizer(0.5))  # fmt: skip
        return x @ w

    def f(xs):
        js.vmap(model, variable_axes=axes)(xs)
        return len(js.get_regularization_losses()), js.get_regularization_loss()

    f = js.transform(f)
    xs = jnp.ones([4, 3])
    (n, loss), variables = f.init_with_output(jax.random.key(0), xs)
    p = variables["params"]
    assert p["w"].shape == ((4, 3) if axes else (3,))
    want = float(jnp.sum(p["w"] ** 2) / 2 + 0.5 * jnp.sum(p["b"] ** 2) / 2)
    assert n == 2 and float(loss) == pytest.approx(want, rel=1e-6)
    assert float(jax.jit(f.apply)(variables, xs)[1]) == pytest.approx(want, rel=1e-6)
    variables = jax.jit(f.init)(jax.random.key(0), xs)
    assert float(f.apply(variables, xs)[1]) == pytest.approx(want, rel=1e-6)
    grads = jax.grad(lambda v: f.apply(v, xs)[1])(variables)
    np.testing.assert_allclose(grads["params"]["w"], variables["params"]["w"], rtol=1e-6)
