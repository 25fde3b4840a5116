"""ExponentialMovingAverage against tf.compat.v1.train.ExponentialMovingAverage."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import train

STEPS = 60
RNG = np.random.default_rng(3)
W0 = RNG.normal(size=(3, 2)).astype(np.float32)
B0 = RNG.normal(size=(2,)).astype(np.float32)
G = RNG.normal(size=(STEPS, 3, 2)).astype(np.float32)


def tf1_shadows(tf, decay, with_num_updates):
    """GD steps with noisy gradients, then ema.apply after each (TF1's usual control deps)."""
    with tf.Graph().as_default():
        with tf.variable_scope("dense"):
            w = tf.get_variable("w", initializer=W0)
            b = tf.get_variable("b", initializer=B0)
        step = tf.train.get_or_create_global_step()
        g = tf.placeholder(tf.float32, W0.shape)
        opt = tf.train.GradientDescentOptimizer(0.1)
        train_op = opt.apply_gradients([(g, w), (b * 0.5, b)], global_step=step)
        ema = tf.train.ExponentialMovingAverage(
            decay, num_updates=step if with_num_updates else None
        )
        with tf.control_dependencies([train_op]):
            ema_op = ema.apply([w, b])
        names = {v.op.name for v in tf.global_variables()}
        restore = {k: v.op.name for k, v in ema.variables_to_restore().items()}
        shadows = {ema.average_name(v): ema.average(v) for v in (w, b)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = []
            for i in range(STEPS):
                sess.run(ema_op, {g: G[i]})
                out.append(sess.run(shadows))
    return {k: np.stack([o[k] for o in out]) for k in out[0]}, names, restore


def js_shadows(decay, with_num_updates):
    def model():
        with js.variable_scope("dense"):
            js.get_variable("w", initializer=W0)
            js.get_variable("b", initializer=B0)
        train.get_or_create_global_step()

    variables = js.transform(model).init(jax.random.key(0))
    opt = train.GradientDescentOptimizer(0.1)
    ema = train.ExponentialMovingAverage(
        decay, num_updates="global_step" if with_num_updates else None
    )
    averages = ema.apply(variables)  # created at the initial values, as TF1's shadows

    @jax.jit
    def step(carry, g):
        variables, averages = carry
        grads = {"dense": {"w": g, "b": variables["params"]["dense"]["b"] * 0.5}}
        variables, _ = opt.apply_gradients(grads, variables, {}, global_step="global_step")
        averages = ema.apply(variables, averages)
        return (variables, averages), averages

    (variables, _), history = jax.lax.scan(step, (variables, averages), G)
    return history, variables, ema


@pytest.mark.parametrize("with_num_updates", [False, True])
def test_shadows_match_tf1_after_each_update(tf1, with_num_updates):
    theirs, tf_names, tf_restore = tf1_shadows(tf1, 0.9, with_num_updates)
    ours, variables, ema = js_shadows(0.9, with_num_updates)
    assert (
        sorted(ours)
        == sorted(theirs)
        == [
            "dense/b/ExponentialMovingAverage",
            "dense/w/ExponentialMovingAverage",
        ]
    )
    assert sorted([*ours, *js.checkpoint.flatten(variables)]) == sorted(tf_names)
    for name, expected in theirs.items():
        scale = np.abs(expected).max()
        np.testing.assert_allclose(ours[name], expected, rtol=1e-6, atol=1e-6 * scale)
    assert ema.variables_to_restore(variables) == tf_restore


def test_num_updates_decay_formula():
    ema = train.ExponentialMovingAverage(0.999, num_updates=4)
    averages = ema.apply({"w": jnp.float32(0.0)})
    new = ema.apply({"w": jnp.float32(1.0)}, averages)
    decay = np.float32(5.0) / np.float32(14.0)  # min(0.999, (1 + 4) / (10 + 4))
    np.testing.assert_allclose(new["w/ExponentialMovingAverage"], 1 - decay, rtol=1e-6)
    assert ema.average(new, "w") is new["w/ExponentialMovingAverage"]
    assert ema.average(new, "v") is None
    assert ema.average_name("dense/w:0") == "dense/w/ExponentialMovingAverage"


def test_num_updates_name_missing_raises():
    ema = train.ExponentialMovingAverage(0.9, num_updates="global_step")
    with pytest.raises(js.GlobalStepError, match=r'num_updates="global_step" names no variable'):
        ema.apply({"params": {"w": jnp.zeros(2)}})


def test_integer_variables_are_refused_as_in_tf1():
    ema = train.ExponentialMovingAverage(0.9)
    with pytest.raises(TypeError, match=r'"step" is int32; the variables must be half, float'):
        ema.apply({"step": jnp.int32(3)})
