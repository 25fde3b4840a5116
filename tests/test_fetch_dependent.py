"""TF1's ``Session.run`` runs what the fetches depend on (issue 25): ``js.train.Runner`` (a
``transform(..., fetch_dependent=True)`` program) runs an assign only when a fetch depends on it.
Each program runs on tf.compat.v1 (graph mode) and on jaxscope.compat.v1 from the same initial
values; the variables after each fetch must match."""

import jax
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")
R = np.random.RandomState(0)
Z = R.randn(5, 3, 4, 2).astype(np.float32)  # 5 rounds, 3 steps each, batch of 4
REAL = (R.randn(5, 3, 4, 3) + 1.0).astype(np.float32)


def assigns(S, x):
    v = S.get_variable("v", [], initializer=S.zeros_initializer())
    u = S.get_variable("u", [], initializer=S.zeros_initializer())
    w = S.get_variable("w", [], initializer=S.zeros_initializer())
    set_v = S.assign(v, 5.0)
    S.assign(v, x)  # not fetched: "x" depends on the value it assigns, not on the assign
    add_u = S.assign_add(u, 1.0)
    with S.control_dependencies([add_u]):
        y = S.identity(x * 2.0)
    S.add_to_collection(S.GraphKeys.UPDATE_OPS, S.assign_add(w, 2.0))
    update = S.group(*S.get_collection(S.GraphKeys.UPDATE_OPS))
    return {"x": x * 3.0, "set_v": set_v, "y": y, "update": update}


def gan(S, z, real, style, L):
    """A GAN with batch norm in both nets, Adam by var_list, DCGAN's shape: ``style`` "layers"
    (``tf.layers``, ``UPDATE_OPS`` by scope around each train op) or "slim" (``L.batch_norm(...,
    updates_collections=None)``: the update is forced in place, as DCGAN-tensorflow's). No bias
    before a batch norm: its gradient is rounding noise, which Adam amplifies."""

    def bn(h, name):
        if style == "slim":
            return L.batch_norm(h, decay=0.8, updates_collections=None, scale=True, scope=name)
        return S.layers.batch_normalization(h, momentum=0.8, training=True, name=name)

    with S.variable_scope("generator"):
        h = S.nn.relu(bn(S.layers.dense(z, 4, use_bias=False, name="g_h0"), "g_bn0"))
        g = S.layers.dense(h, 3, use_bias=False, name="g_h1")

    def discriminator(x, reuse):
        with S.variable_scope("discriminator", reuse=reuse):
            h = S.nn.relu(bn(S.layers.dense(x, 4, use_bias=False, name="d_h0"), "d_bn0"))
            return S.layers.dense(h, 1, name="d_h1")

    d_real = discriminator(real, None)
    # TF1 leaves the order of the real and the fake call's updates of one average open (a race:
    # two runs can differ); the fake call's input waits for the real call's updates, so TF1 runs
    # them in program order, as jaxscope does (and a fetch of d_fake runs them too)
    after = (
        [d_real] if style == "slim" else S.get_collection(S.GraphKeys.UPDATE_OPS, "discriminator")
    )
    with S.control_dependencies(after):
        g_in = S.identity(g)
    d_fake = discriminator(g_in, True)
    d_loss = S.reduce_mean(S.square(d_real - 1.0)) + S.reduce_mean(S.square(d_fake))
    g_loss = S.reduce_mean(S.square(d_fake - 1.0))
    t_vars = S.trainable_variables()
    d_vars = [v for v in t_vars if "d_" in v.name]
    g_vars = [v for v in t_vars if "g_" in v.name]
    with S.control_dependencies(S.get_collection(S.GraphKeys.UPDATE_OPS, "discriminator")):
        d_optim = S.train.AdamOptimizer(0.01, beta1=0.5).minimize(d_loss, var_list=d_vars)
    with S.control_dependencies(S.get_collection(S.GraphKeys.UPDATE_OPS, "generator")):
        g_optim = S.train.AdamOptimizer(0.02, beta1=0.5).minimize(g_loss, var_list=g_vars)
    return {"d": [d_loss, d_optim], "g": [g_loss, g_optim], "d_fake": d_fake, "sample": g,
            "d_real": d_real}  # fmt: skip


def tf1_run(tf1, program, shapes, steps):
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        feeds = [tf1.placeholder(tf1.float32, s) for s in shapes]
        built = program(tf1, *feeds)
        names = [v.op.name for v in tf1.global_variables()]
        trainable = {v.op.name for v in tf1.trainable_variables()}
        out = []
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            init = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
            for fetch, args in steps:
                value = sess.run(built[fetch], dict(zip(feeds, args, strict=True)))
                out.append((value, dict(zip(names, sess.run(tf1.global_variables()), strict=True))))
    return init, trainable, out


def check(program, init, trainable, steps, want):
    runner = js.train.Runner(lambda *a: program(jtf, *a), js.checkpoint.unflatten(init, trainable))
    for i, ((fetch, args), (value, variables)) in enumerate(zip(steps, want, strict=True)):
        got = runner.run(fetch, *args)
        if fetch in ("d", "g"):
            np.testing.assert_allclose(got[0], value[0], rtol=2e-5, atol=2e-6, err_msg=str(i))
        got = js.checkpoint.flatten(runner.variables)
        assert sorted(got) == sorted(variables)
        for n in variables:
            np.testing.assert_allclose(got[n], variables[n], rtol=2e-5, atol=2e-6,
                                       err_msg=f"step {i} ({fetch}): {n}")  # fmt: skip


@pytest.mark.parametrize("fetch", ["x", "set_v", "y", "update"])
def test_an_assign_runs_only_when_a_fetch_depends_on_it(tf1, fetch):
    # x: no assign; set_v: the assign's result; y: under control_dependencies on assign_add;
    # update: a tf.group of the UPDATE_OPS
    steps = [(fetch, [np.float32(1.0)])] * 2
    init, trainable, want = tf1_run(tf1, assigns, [[]], steps)
    check(assigns, init, trainable, steps, want)
    moved = {n for n, v in want[-1][1].items() if v != 0}
    assert moved == {"x": set(), "set_v": {"v"}, "y": {"u"}, "update": {"w"}}[fetch]


@pytest.mark.parametrize("style", ["layers", "slim"])
def test_gan_alternating_d_and_g_updates_the_batch_norm_averages_tf1_updates(tf1, slim, style):
    steps = [(k, [Z[r, i], REAL[r, i]]) for r in range(5) for i, k in enumerate("dgg")]
    # fetches that train nothing: which averages move depends on the style
    steps[3:3] = [(k, [Z[0, i], REAL[0, i]]) for i, k in enumerate(["d_fake", "sample", "d_real"])]
    L = {jtf: js.slim, tf1: slim}

    def program(S, *xs):
        return gan(S, *xs, style=style, L=L[S])

    init, trainable, want = tf1_run(tf1, program, [[4, 2], [4, 3]], steps)
    check(program, init, trainable, steps, want)
    final = want[-1][1]
    for n in ("generator/g_bn0/moving_mean", "discriminator/d_bn0/moving_mean",
              "beta1_power", "beta1_power_1", "discriminator/d_h0/kernel/Adam"):  # fmt: skip
        assert not np.allclose(final[n], init[n]), n


def _loop_and_assign(S, x):
    v = S.get_variable("v", [], initializer=S.zeros_initializer())
    u = S.get_variable("u", [], initializer=S.zeros_initializer())
    S.assign_add(u, 1.0)

    def body(i):
        v.assign_add(1.0)
        return i + 1

    return {"x": x * 2.0, "n": S.while_loop(lambda i: i < 3, body, [0])}


def test_plain_apply_runs_every_assign_and_a_loop_s_assigns_run_unconditionally():
    # Differs from TF1 (documented): plain apply fetches every assign; under the Runner a loop's
    # assigns take effect whether or not its output is fetched (TF1: only when it is)
    f = js.transform(lambda x: _loop_and_assign(jtf, x))
    x = np.float32(1.0)
    _, variables = f.apply(f.init(jax.random.key(0), x), x, mutable=True)
    assert js.checkpoint.flatten(variables) == {"u": 1.0, "v": 3.0}
    runner = js.train.Runner(lambda x: _loop_and_assign(jtf, x))
    runner.init(jax.random.key(0), x)
    runner.run("x", x)
    assert js.checkpoint.flatten(runner.variables) == {"u": 0.0, "v": 3.0}


def test_a_fetched_group_of_train_ops_runs_them_and_steps_do_not_retrace():
    traces = []

    def program(x):
        traces.append(1)
        w = jtf.get_variable("w", [3], initializer=jtf.ones_initializer())
        u = jtf.get_variable("u", [3], initializer=jtf.ones_initializer())
        count = jtf.get_variable("count", [], initializer=jtf.zeros_initializer())
        counted = jtf.assign_add(count, 1.0)
        opt = jtf.train.GradientDescentOptimizer(0.5)
        step_w = opt.minimize(jtf.reduce_sum(w * x), var_list=[w])
        step_u = opt.minimize(jtf.reduce_sum(u * x), var_list=[u])
        return {"both": jtf.group(step_w, step_u, counted), "w": step_w, "x": x}

    x = np.ones([3], np.float32)
    runner = js.train.Runner(program)
    runner.init(jax.random.key(0), x)
    runner.run("w", x)
    got = js.checkpoint.flatten(runner.variables)
    np.testing.assert_allclose(got["w"], 0.5)
    np.testing.assert_allclose(got["u"], 1.0)
    assert got["count"] == 0.0
    before = len(traces)
    for _ in range(3):
        runner.run("both", x)
    # a new fetch set: traced once to run (gradients: three runs) and once to find what its
    # fetches depend on; the next steps reuse the compiled step
    assert len(traces) - before == 4
    got = js.checkpoint.flatten(runner.variables)
    np.testing.assert_allclose(got["w"], -1.0)
    np.testing.assert_allclose(got["u"], -0.5)
    assert got["count"] == 3.0
