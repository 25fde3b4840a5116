"""inspect / VariablesInfo: metadata without FLOPs, checked against tf.compat.v1; summary table;
optax masks and labels; constraints applied after an optimizer step as TF1's optimizers do."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxscope as js


def gan(S, x):
    """A generator/discriminator pair written once for both libraries (S = tf1 or jaxscope)."""
    reg = (lambda w: 0.01 * S.nn.l2_loss(w)) if S is not js else js.l2_regularizer(0.01)
    with S.variable_scope("generator", regularizer=reg):
        with S.variable_scope("h1"):
            w = S.get_variable("w", [3, 4], constraint=lambda w: w * 0 + 0.5)
            b = S.get_variable("b", [4], initializer=S.zeros_initializer())
        h = x @ w + b
    with S.variable_scope("discriminator"):
        u = S.get_variable("u", [4, 1], initializer=S.random_normal_initializer(stddev=0.5))
        S.get_variable("moving_mean", [1], trainable=False, collections=["stats"])
    S.get_variable(
        "global_step", [], "int32", trainable=False, initializer=S.zeros_initializer(),
        collections=[S.GraphKeys.GLOBAL_VARIABLES, S.GraphKeys.GLOBAL_STEP],
    )  # fmt: skip
    return h @ u


X = np.ones([2, 3], np.float32)
KEYS = ["variables", "trainable_variables", "stats", "global_step", "model_variables"]


def test_inspect_matches_tf1_names_shapes_dtypes_and_collections(tf1):
    tf1.reset_default_graph()
    gan(tf1, tf1.constant(X))
    tf_vars = [(v.op.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name) for v in
               tf1.global_variables() + tf1.get_collection("stats")]  # fmt: skip
    tf_members = {k: [v.op.name for v in tf1.get_collection(k)] for k in KEYS}

    info = js.inspect(js.transform(lambda x: gan(js, x)), jax.ShapeDtypeStruct(X.shape, X.dtype))
    assert sorted((v.name, v.shape, v.dtype.name) for v in info) == sorted(tf_vars)
    for key, names in tf_members.items():
        assert [v.name for v in info.select(collection=key)] == names, key
    by_name = {v.name: v for v in info}
    assert by_name["generator/h1/w"].path == ("params", "generator", "h1", "w")
    assert by_name["global_step"].path == ("state", "global_step")
    assert "stddev=0.5" in by_name["discriminator/u"].initializer
    assert by_name["generator/h1/b"].created_at.startswith("test_info.py:")


def test_inspect_runs_no_flops_and_needs_no_real_inputs():
    def huge(x):
        return x @ js.get_variable("w", [100_000, 100_000])  # 40 GB if it were materialized

    info = js.inspect(js.transform(huge), jax.ShapeDtypeStruct((1, 100_000), jnp.float32))
    assert info[0].size == 10**10 and info[0].nbytes == 4 * 10**10


def test_inspect_keeps_python_arguments_static_as_init_does():
    def model(x, training, units=3):  # training selects the program: must stay a Python bool
        h = js.layers.batch_normalization(x, training=training)
        return js.layers.dense(h, units)

    f, x = js.transform(model), jnp.ones([2, 4])
    for info in (js.inspect(f, x, True), js.inspect(f, x, training=False, units=5)):
        names = [v.name for v in info]
        assert names[:2] == ["batch_normalization/gamma", "batch_normalization/beta"]
        assert names[-2:] == ["dense/kernel", "dense/bias"]
    assert js.inspect(f, jax.ShapeDtypeStruct((2, 4), jnp.float32), True, 5)[-1].shape == (5,)


def test_summary_counts_params_and_bytes_per_scope():
    info = js.inspect(js.transform(lambda x: gan(js, x)), X)
    text = info.summary()
    assert "generator/h1/w" in text and "(3, 4)" in text
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}
    assert lines["generator"][1:3] == ["16", "64"]  # w 12 + b 4 floats, 64 bytes
    assert lines["generator/h1"][1] == "16" and lines["discriminator"][1] == "5"
    assert text.endswith("Total: 22 parameters (20 trainable, 2 not) in 5 variables, 88 B.")
    assert str(info) == text


def test_mask_and_labels_drive_optax_like_tf1_var_lists():
    f = js.transform(lambda x: gan(js, x))
    variables = f.init(jax.random.key(0), X)
    info = js.inspect(f, X)
    # var_list=tf.get_collection(TRAINABLE_VARIABLES, scope="generator")
    mask = info.mask(js.GraphKeys.TRAINABLE_VARIABLES, scope="generator")
    assert mask["params"] == {
        "generator": {"h1": {"w": True, "b": True}}, "discriminator": {"u": False}
    }  # fmt: skip
    params = variables["params"]
    grads = jax.tree.map(jnp.ones_like, params)
    frozen = jax.tree.map(lambda m: not m, mask["params"])  # optax.masked alone passes them on
    opt = optax.chain(optax.sgd(1.0), optax.masked(optax.set_to_zero(), frozen))
    updates, _ = opt.update(grads, opt.init(params), params)
    new = optax.apply_updates(params, updates)
    np.testing.assert_array_equal(new["generator"]["h1"]["b"], params["generator"]["h1"]["b"] - 1)
    np.testing.assert_array_equal(new["discriminator"]["u"], params["discriminator"]["u"])

    labels = info.labels({"generator/": "gen", "discriminator/": "disc"}, default="frozen")
    assert labels["state"] == {"discriminator": {"moving_mean": "disc"}, "global_step": "frozen"}
    multi = optax.multi_transform({"gen": optax.sgd(1.0), "disc": optax.sgd(0.0)}, labels["params"])
    updates, _ = multi.update(grads, multi.init(params), params)
    assert float(updates["generator"]["h1"]["w"][0, 0]) == -1.0
    assert float(updates["discriminator"]["u"][0, 0]) == 0.0
    with pytest.raises(js.UnknownVariableError, match="global_step"):
        info.labels({"generator/": "gen", "discriminator/": "disc"})


def test_constraints_applied_after_a_step_match_tf1_optimizer(tf1):
    def model(S, x):
        T = tf1 if S is tf1 else jnp  # the few non-variable ops
        clip = (lambda w: tf1.clip_by_value(w, -0.1, 0.1)) if S is tf1 else (
            lambda w: jnp.clip(w, -0.1, 0.1))  # fmt: skip
        start = np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2)
        with S.variable_scope("layer", constraint=clip):
            w = S.get_variable("w", initializer=start)
            with S.variable_scope("inner"):  # not inherited by sub-scopes (R05.19)
                v = S.get_variable("v", initializer=np.float32([5.0]))
        sum_ = T.reduce_sum if S is tf1 else T.sum
        return sum_(x @ w) + sum_(v)

    tf1.reset_default_graph()
    loss = model(tf1, tf1.constant(X))
    step = tf1.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf1.Session() as s:
        s.run(tf1.global_variables_initializer())
        s.run(step)
        expected = {v.op.name: s.run(v) for v in tf1.global_variables()}

    f = js.transform(lambda x: model(js, x))
    variables = f.init(jax.random.key(0), X)
    info = js.inspect(f, X)
    assert [v.name for v in info if v.constraint] == ["layer/w"]
    grads = jax.grad(lambda p: f.apply({"params": p}, X))(variables["params"])
    params = jax.tree.map(lambda p, g: p - 0.01 * g, variables["params"], grads)
    new = jax.jit(info.apply_constraints)({"params": params})
    np.testing.assert_allclose(new["params"]["layer"]["w"], expected["layer/w"], rtol=1e-6)
    np.testing.assert_allclose(new["params"]["layer"]["inner"]["v"], expected["layer/inner/v"])
    assert float(expected["layer/inner/v"][0]) < 5.0  # moved, and was not clipped


def test_constraint_must_be_callable():
    f = js.transform(lambda: js.get_variable("w", [1], constraint=1.0))
    with pytest.raises(ValueError, match='constraint` argument of variable "w" must be a callable'):
        f.init(jax.random.key(0))


def test_inspect_a_model_with_dropout_lists_its_variables():
    """Dropout draws from next_rng_key; inspect gives it a key (only shapes are computed)."""

    def model(x):
        cell = js.nn.rnn_cell.DropoutWrapper(js.nn.rnn_cell.BasicLSTMCell(4), output_keep_prob=0.5)
        out, _ = js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)
        return js.layers.dropout(js.layers.dense(out, 2), 0.5, training=True)

    f = js.transform(model)
    x = jax.ShapeDtypeStruct((2, 5, 3), jnp.float32)
    info = js.inspect(f, x)
    assert [(v.name, v.shape) for v in info] == [
        ("rnn/basic_lstm_cell/kernel", (7, 16)),
        ("rnn/basic_lstm_cell/bias", (16,)),
        ("dense/kernel", (4, 2)),
        ("dense/bias", (2,)),
    ]
