"""restore_tf1_adam: TF1 AdamOptimizer slots into an optax Adam state."""

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from fixtures.make_tf1_checkpoints import value

import jaxscope as js
from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint.errors import CheckpointMismatchError

optax = pytest.importorskip("optax")
FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf1", "model")
SHAPES = {
    "two_layers/h1/weights": (4, 3),
    "two_layers/h1/biases": (3,),
    "two_layers/h2/weights": (3, 2),
    "two_layers/h2/biases": (2,),
}


def params_tree():
    tree = {}
    for name, shape in SHAPES.items():
        *scopes, leaf = name.split("/")
        node = tree
        for s in scopes:
            node = node.setdefault(s, {})
        node[leaf] = jnp.zeros(shape)
    return tree


def leaf(tree, name):
    for key in name.split("/"):
        tree = tree[key]
    return tree


def test_fixture_slots_become_mu_nu_and_count():
    params = params_tree()
    state = optax.adam(1e-3).init(params)
    new, report = ckpt.restore_tf1_adam(state, params, FIXTURE)
    adam = new[0]
    assert int(adam.count) == 3 and adam.count.dtype == state[0].count.dtype
    for name, shape in SHAPES.items():
        np.testing.assert_array_equal(leaf(adam.mu, name), value(f"{name}/Adam", shape, "float32"))
        np.testing.assert_array_equal(
            leaf(adam.nu, name), value(f"{name}/Adam_1", shape, "float32")
        )
    assert "count (from beta1_power)" in report.loaded and len(report.loaded) == 9
    assert report.unused_slots == ["beta2_power", "global_step"]
    assert int(state[0].count) == 0  # input untouched


def test_missing_slots_raise_when_strict():
    params = params_tree()
    params["two_layers"]["h3"] = {"weights": jnp.zeros([2, 2])}
    state = optax.adam(1e-3).init(params)
    with pytest.raises(CheckpointMismatchError, match=r"two_layers/h3/weights/Adam\b"):
        ckpt.restore_tf1_adam(state, params, FIXTURE)
    _, report = ckpt.restore_tf1_adam(state, params, FIXTURE, strict=False)
    assert report.missing == ["two_layers/h3/weights/Adam", "two_layers/h3/weights/Adam_1"]


def test_resumed_optax_step_matches_tf1_adam(tf1, tmp_path):
    """Train 3 TF1 Adam steps, then take step 4 in TF1 and in optax from the checkpoint."""
    w0 = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    c = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], np.float32)
    graph = tf1.Graph()
    with graph.as_default():
        with tf1.variable_scope("layer"):
            w = tf1.get_variable("w", initializer=w0)
        loss = tf1.reduce_sum(w * c + 0.1 * w * w)
        step = tf1.train.get_or_create_global_step()
        train = tf1.train.AdamOptimizer(0.05, epsilon=1e-8).minimize(loss, global_step=step)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            prefix = tf1.train.Saver().save(sess, str(tmp_path / "m.ckpt"))
            sess.run(train)
            w4_tf = sess.run(w)

    def model():
        with js.variable_scope("layer"):
            return js.get_variable("w", [2, 3])

    variables, _ = ckpt.restore_tf1(js.transform(model).init(jax.random.key(0)), prefix)
    params = variables["params"]
    opt = optax.adam(0.05, eps=1e-8)
    state, _ = ckpt.restore_tf1_adam(opt.init(params), params, prefix)
    grads = jax.grad(lambda p: jnp.sum(p["layer"]["w"] * c + 0.1 * p["layer"]["w"] ** 2))(params)
    updates, _ = opt.update(grads, state, params)
    w4 = optax.apply_updates(params, updates)["layer"]["w"]
    np.testing.assert_allclose(w4, w4_tf, rtol=1e-5, atol=1e-6)
    # An off-by-one step would change Adam's bias correction well beyond that tolerance.
    wrong = state[0]._replace(count=state[0].count + 1)
    updates, _ = opt.update(grads, (wrong, *state[1:]), params)
    assert not np.allclose(optax.apply_updates(params, updates)["layer"]["w"], w4_tf, rtol=1e-4)
