"""TF1's train ops built inside the model (issue 25, item 2): ``tf.gradients`` of the program's
loss, ``compute_gradients`` / ``apply_gradients`` / ``minimize`` with ``global_step``, a learning
rate held in a variable, several optimizers by ``var_list``. Each program text runs on
tf.compat.v1 (graph mode, ``session.run`` of what is fetched) and on jaxscope.compat.v1 (``apply``
of a program returning what is fetched) from the same initial values: the variables (names, incl.
slots and ``beta1_power_1``), per-step losses and final values must match."""

import jax
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")
R = np.random.RandomState(0)
X = R.randn(6, 4, 3).astype(np.float32)  # 6 steps of a batch of 4
Y = R.randn(6, 4, 2).astype(np.float32)


def ptb_like(S, x, y):
    """The PTB tutorial's training: tf.gradients + clip_by_global_norm + GradientDescent on a
    learning-rate variable, apply_gradients with the global step; the lr set by an assign."""
    with S.variable_scope("Model"):
        h = S.layers.dense(x, 5, activation=S.tanh, name="h")
        pred = S.layers.dense(h, 2, name="out")
        cost = S.reduce_mean(S.square(pred - y))
        lr = S.Variable(0.0, trainable=False, name="lr")
        tvars = S.trainable_variables()
        grads, _ = S.clip_by_global_norm(S.gradients(cost, tvars), 0.5)
        opt = S.train.GradientDescentOptimizer(lr if S is not jtf else "Model/lr:0")  # by name
        step = S.train.get_or_create_global_step()
        train_op = opt.apply_gradients(zip(grads, tvars, strict=True), global_step=step)
        new_lr = S.placeholder_with_default(S.constant(0.0), [], name="new_lr")
    return {"train": (cost, train_op), "cost": cost, "lr": (lr, new_lr)}


def adam_in_scope(S, x, y):
    with S.variable_scope("net"):
        pred = S.layers.dense(x, 2, name="d")
        loss = S.reduce_mean(S.square(pred - y))
        train_op = S.train.AdamOptimizer(0.05).minimize(
            loss, global_step=S.train.get_or_create_global_step()
        )
    return {"train": (loss, train_op), "cost": loss}


def gan(S, x, y):
    with S.variable_scope("generator"):
        g = S.layers.dense(x, 2, activation=S.tanh, name="g_h0")
    with S.variable_scope("discriminator"):
        d_real = S.layers.dense(y, 1, name="d_h0")
    with S.variable_scope("discriminator", reuse=True):
        d_fake = S.layers.dense(g, 1, name="d_h0")
    d_loss = S.reduce_mean(S.square(d_real - 1.0)) + S.reduce_mean(S.square(d_fake))
    g_loss = S.reduce_mean(S.square(d_fake - 1.0))
    t_vars = S.trainable_variables()
    d_vars = [v for v in t_vars if "d_" in v.name]
    g_vars = [v for v in t_vars if "g_" in v.name]
    d_optim = S.train.AdamOptimizer(0.01, beta1=0.5).minimize(d_loss, var_list=d_vars)
    g_optim = S.train.AdamOptimizer(0.02, beta1=0.5).minimize(g_loss, var_list=g_vars)
    return {"d": (d_loss, d_optim), "g": (g_loss, g_optim)}


# (program, what each step fetches: TF1 runs that)
PROGRAMS = {
    "ptb_like": (ptb_like, ["lr:1.0", "train", "train", "train", "lr:0.5", "train", "train"]),
    "adam_in_scope": (adam_in_scope, ["train"] * 4 + ["cost"]),
    "gan": (gan, ["d", "g", "g", "d", "g", "g"]),
}


def tf1_run(tf1, program, fetches):
    losses = []
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        x, y = tf1.placeholder(tf1.float32, [4, 3]), tf1.placeholder(tf1.float32, [4, 2])
        built = program(tf1, x, y)
        names = [v.op.name for v in tf1.global_variables()]
        trainable = {v.op.name for v in tf1.trainable_variables()}
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            init = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
            for i, f in enumerate(fetches):
                kind, _, value = f.partition(":")
                if kind == "lr":  # the tutorial's lr update: an assign run alone, with a feed
                    lr, new_lr = built["lr"]
                    sess.run(tf1.assign(lr, new_lr), {new_lr: float(value)})
                    losses.append(None)
                    continue
                out = sess.run(built[kind], {x: X[i % 6], y: Y[i % 6]})
                losses.append(out[0] if isinstance(out, tuple) else out)
            final = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
    return names, trainable, init, losses, final


def js_run(program, fetches, names, trainable, init):
    # TF1 runs what is fetched; the program returns it (the rest is dead code to XLA)
    f = js.transform(lambda x, y, fetch: program(jtf, x, y)[fetch])
    assert [v.name for v in js.inspect(f, X[0], Y[0], fetches[-1])] == names
    variables = js.checkpoint.unflatten(init, trainable=trainable)
    step = jax.jit(f.apply, static_argnames=("fetch", "mutable"))
    losses = []
    for i, fetch in enumerate(fetches):
        kind, _, value = fetch.partition(":")
        if kind == "lr":  # a program of its own: assign the variable (TF1's lr_update)
            variables = js.checkpoint.unflatten(
                {**js.checkpoint.flatten(variables), "Model/lr": np.float32(value)}, trainable
            )
            losses.append(None)
            continue
        out, variables = step(variables, X[i % 6], Y[i % 6], fetch=kind, mutable=True)
        losses.append(out[0] if isinstance(out, tuple) else out)
    return losses, js.checkpoint.flatten(variables)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_train_ops_in_the_model_match_tf1(tf1, name):
    program, fetches = PROGRAMS[name]
    names, trainable, init, want_losses, want = tf1_run(tf1, program, fetches)
    losses, got = js_run(program, fetches, names, trainable, init)
    for i, (a, b) in enumerate(zip(losses, want_losses, strict=True)):
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6, err_msg=f"step {i}")
    assert sorted(got) == sorted(names)
    for n in names:
        np.testing.assert_allclose(got[n], want[n], rtol=2e-6, atol=1e-6, err_msg=n)
    moved = [n for n in names if not np.allclose(init[n], want[n])]
    assert len(moved) >= 3, moved  # the steps changed the variables, not only copied them


def _two_weights(S, x):
    w = S.get_variable("w", [3, 2], initializer=S.constant_initializer(0.5))
    u = S.get_variable("u", [3, 2], initializer=S.constant_initializer(0.5))
    loss = S.reduce_sum(S.square(S.matmul(x, w)))
    return loss, w, u


def test_gradients_of_an_unused_variable_are_none_and_no_gradient_is_tf1s_error(tf1):
    with tf1.Graph().as_default():
        loss, w, u = _two_weights(tf1, tf1.constant(X[0]))
        grads = tf1.gradients(loss, [w, u])
        assert grads[1] is None
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(grads[0])
        with pytest.raises(ValueError, match="No gradients provided for any variable"):
            tf1.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[u])

    def program(x):
        loss, w, u = _two_weights(jtf, x)
        return jtf.gradients(loss, [w, u])

    f = js.transform(program)
    g_w, g_u = f.apply(f.init(jax.random.key(0), X[0]), X[0])
    np.testing.assert_allclose(g_w, want, rtol=1e-6)
    assert g_u is None

    def no_gradient(x):
        loss, _, u = _two_weights(jtf, x)
        return jtf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[u])

    f = js.transform(no_gradient)
    with pytest.raises(ValueError, match=r"No gradients provided for any variable.*\['u:0'\]"):
        f.apply(f.init(jax.random.key(0), X[0]), X[0], mutable=True)
