"""``var_list`` takes what TF1 code holds (issue 25): handles from ``trainable_variables()`` (from
any call: only the name is read), names with or without ``:0``, a list filtered by name; and
``opt.init(params, var_list=...)`` makes slots only for those, as TF1's ``minimize(var_list=)``.
Compared with TF1 on a two-optimizer (GAN-style) program: slot names, one d step and one g step."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")
X = np.random.RandomState(0).randn(4, 3).astype(np.float32)


def gan(S, x):
    with S.variable_scope("discriminator"):
        d = S.layers.dense(x, 2, name="d_h0")
    with S.variable_scope("generator"):
        g = S.layers.dense(x, 3, name="g_h0")
    with S.variable_scope("discriminator", reuse=True):
        d_fake = S.layers.dense(g, 2, name="d_h0")
    d_loss = S.reduce_mean(S.square(d - 1.0)) + S.reduce_mean(S.square(d_fake))
    g_loss = S.reduce_mean(S.square(d_fake - 1.0))
    return d_loss, g_loss


@pytest.fixture(scope="module")
def oracle(tf1):
    with tf1.Graph().as_default():
        d_loss, g_loss = gan(tf1, tf1.constant(X))
        t_vars = tf1.trainable_variables()
        d_vars = [v for v in t_vars if "d_" in v.name]
        g_vars = [v for v in t_vars if "g_" in v.name]
        d_opt = tf1.train.AdamOptimizer(0.01, beta1=0.5).minimize(d_loss, var_list=d_vars)
        g_opt = tf1.train.AdamOptimizer(0.01, beta1=0.5).minimize(g_loss, var_list=g_vars)
        names = [v.op.name for v in tf1.global_variables()]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            init = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
            sess.run(d_opt)
            sess.run(g_opt)
            final = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
    return names, init, final


def test_two_optimizers_by_var_list_of_handles_match_tf1(oracle):
    names, init, final = oracle
    f = js.transform(lambda x: gan(jtf, x))
    model = [n for n in names if "/Adam" not in n and "power" not in n]
    variables = js.checkpoint.unflatten({n: init[n] for n in model}, trainable=set(model))
    # handles, as tf.trainable_variables() gives them (from a call that is over: only the name
    # is read), and names with TF1's ":0"
    t_vars = js.transform(lambda x: (gan(jtf, x), js.trainable_variables())[1]).apply(variables, X)
    d_vars = [v for v in t_vars if "d_" in v.name]
    g_names = [v.name for v in t_vars if "g_" in v.name]
    assert all(n.endswith(":0") for n in g_names)
    assert [v.name for v in js.inspect(f, X)] == model
    d_opt, g_opt = (js.train.AdamOptimizer(0.01, beta1=0.5) for _ in range(2))
    d_state = d_opt.init(variables["params"], var_list=d_vars)
    g_state = g_opt.init(variables["params"], var_list=g_names)
    # slots only for each var_list, with TF1's names
    slots = sorted(k for k in [*d_state, *g_state] if "/Adam" in k)
    assert slots == sorted(n for n in names if "/Adam" in n)

    def loss(i):
        return lambda v, x: f.apply(v, x)[i]

    variables, d_state, _ = d_opt.minimize(loss(0), variables, d_state, X, var_list=d_vars)
    variables, g_state, _ = g_opt.minimize(loss(1), variables, g_state, X, var_list=g_names)
    flat = js.checkpoint.flatten(variables)
    for name, value in flat.items():
        np.testing.assert_allclose(value, final[name], rtol=2e-6, atol=1e-6, err_msg=name)
    for key in [k for k in d_state if "/Adam" in k] + [k for k in g_state if "/Adam" in k]:
        state = d_state if key in d_state else g_state
        np.testing.assert_allclose(state[key], final[key], rtol=2e-6, atol=1e-7, err_msg=key)
    # TF1's two Adams name their counters beta1_power and beta1_power_1
    np.testing.assert_allclose(d_state["beta1_power"], final["beta1_power"], rtol=1e-6)
    np.testing.assert_allclose(g_state["beta1_power"], final["beta1_power_1"], rtol=1e-6)


def test_var_list_refuses_what_is_not_a_variable_and_unknown_names():
    params = {"d": {"w": jnp.ones([2])}}
    opt = js.train.GradientDescentOptimizer(0.1)
    with pytest.raises(js.UnknownVariableError, match=r"\['g/w'\]"):
        opt.init(params, var_list=["g/w:0"])
    with pytest.raises(ValueError, match=r"var_list holds int 3, not a variable"):
        opt.compute_gradients(lambda v: v["params"]["d"]["w"].sum(), {"params": params},
                              var_list=[3])  # fmt: skip
    grads, _, _ = opt.compute_gradients(
        lambda v: v["params"]["d"]["w"].sum(), {"params": params}, var_list="d/w:0"
    )
    assert jax.tree.map(np.shape, grads) == {"d": {"w": (2,)}}
