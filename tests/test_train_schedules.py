"""Learning-rate schedules and gradient clipping against tf.compat.v1, value for value."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import train

STEPS = np.arange(0, 400, 1)

# name -> (function name, args before global_step, args after it, kwargs)
SCHEDULES = {
    "exponential": ("exponential_decay", (0.1,), (37, 0.9), {}),
    "exponential_staircase": ("exponential_decay", (0.1,), (37, 0.9), {"staircase": True}),
    "inverse_time": ("inverse_time_decay", (0.5,), (25, 0.3), {}),
    "inverse_time_staircase": ("inverse_time_decay", (0.5,), (25, 0.3), {"staircase": True}),
    "polynomial": ("polynomial_decay", (0.1,), (150,), {"end_learning_rate": 0.001}),
    "polynomial_power": ("polynomial_decay", (0.1,), (150,), {"power": 2.5}),
    "polynomial_cycle": ("polynomial_decay", (0.1,), (70,), {"power": 0.5, "cycle": True}),
    "cosine": ("cosine_decay", (0.2,), (300,), {}),
    "cosine_alpha": ("cosine_decay", (0.2,), (300,), {"alpha": 0.1}),
}


def tf1_values(tf, fn, before, after, kwargs):
    graph = tf.Graph()
    with graph.as_default():
        step = tf.placeholder(tf.int64, [])
        lr = getattr(tf.train, fn)(*before, step, *after, **kwargs)
        with tf.Session() as sess:
            return np.array([sess.run(lr, {step: s}) for s in STEPS])


@pytest.mark.parametrize("case", sorted(SCHEDULES))
def test_schedule_matches_tf1_over_400_steps(tf1, case):
    fn, before, after, kwargs = SCHEDULES[case]
    theirs = tf1_values(tf1, fn, before, after, kwargs)
    schedule = jax.jit(jax.vmap(lambda s: getattr(train, fn)(*before, s, *after, **kwargs)))
    ours = np.asarray(schedule(jnp.asarray(STEPS)))
    assert ours.dtype == theirs.dtype == np.float32
    # Relative to the initial rate: near the end of a cosine or polynomial decay the rate is a
    # difference of nearly equal numbers (1 + cos(~pi), 1 - p), where a last-bit difference in
    # cos (XLA's vs Eigen's) or an FMA is a large fraction of the tiny result.
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6 * theirs.max())
    assert len(np.unique(theirs)) > 3  # it decays


def test_piecewise_constant_matches_tf1(tf1):
    boundaries, values = [10, 50, 51, 300], [1.0, 0.5, 0.25, 0.125, 0.01]
    graph = tf1.Graph()
    with graph.as_default():
        step = tf1.placeholder(tf1.int32, [])
        lr = tf1.train.piecewise_constant(step, boundaries, values)
        with tf1.Session() as sess:
            theirs = np.array([sess.run(lr, {step: s}) for s in STEPS])
    ours = jax.jit(jax.vmap(lambda s: train.piecewise_constant(s, boundaries, values)))(STEPS)
    np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(ValueError, match="should be 1 less than"):
        train.piecewise_constant(0, [1, 2], [1.0, 2.0])


def test_schedule_without_global_step_raises_like_tf1(tf1):
    with pytest.raises(ValueError):
        tf1.train.exponential_decay(0.1, None, 10, 0.9)
    with pytest.raises(js.GlobalStepError, match=r"global_step is required[\s\S]*lr = lambda"):
        train.exponential_decay(0.1, None, 10, 0.9)


TREES = [
    [np.array([3.0, 4.0], np.float32)],
    [np.array([[0.1, -0.2], [0.3, 0.05]], np.float32), np.array([1e-3], np.float32)],
    [np.random.default_rng(0).normal(size=(5, 7)).astype(np.float32) * s for s in (1, 3, 10)],
]


@pytest.mark.parametrize("clip_norm", [0.1, 1.0, 5.0, 100.0])
@pytest.mark.parametrize("tree", range(len(TREES)))
def test_clip_by_global_norm_matches_tf1(tf1, tree, clip_norm):
    values = TREES[tree]
    with tf1.Graph().as_default(), tf1.Session() as sess:
        clipped, norm = sess.run(
            tf1.clip_by_global_norm([tf1.constant(v) for v in values], clip_norm)
        )
        by_norm = sess.run([tf1.clip_by_norm(v, clip_norm) for v in values])
        by_axis = sess.run(tf1.clip_by_norm(values[-1], clip_norm, axes=[0]))
    ours, our_norm = js.clip_by_global_norm(values, clip_norm)
    np.testing.assert_allclose(our_norm, norm, rtol=1e-6)
    np.testing.assert_allclose(js.global_norm(values), norm, rtol=1e-6)
    for a, b in zip(ours, clipped, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    for v, b in zip(values, by_norm, strict=True):
        np.testing.assert_allclose(js.clip_by_norm(v, clip_norm), b, rtol=1e-6)
    np.testing.assert_allclose(js.clip_by_norm(values[-1], clip_norm, axes=[0]), by_axis, rtol=1e-6)


def test_clip_by_global_norm_of_a_tree_and_an_infinite_norm(tf1):
    tree = {"a": jnp.array([3.0]), "b": {"c": jnp.array([4.0])}}
    clipped, norm = js.clip_by_global_norm(tree, 2.5)
    assert float(norm) == 5.0
    np.testing.assert_allclose(clipped["b"]["c"], [2.0])
    with tf1.Graph().as_default(), tf1.Session() as sess:
        theirs, _ = sess.run(tf1.clip_by_global_norm([tf1.constant([np.inf, 1.0])], 1.0))
    ours, _ = js.clip_by_global_norm([jnp.array([np.inf, 1.0])], 1.0)
    np.testing.assert_array_equal(np.isnan(ours[0]), np.isnan(theirs[0]))
