"""experiments/word2vec.py: the smoke run, and its NCE loss and sampler against TF1."""

import argparse
import json
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import word2vec as w2v  # noqa: E402

import jaxscope as js  # noqa: E402
from jaxscope._src.nn import candidate_sampling as cs  # noqa: E402


# The run is bound by its 4000 training steps, not by compiling: with XLA's optimizations it takes
# half the CPU time (and the same losses).
@pytest.mark.optimized_xla
def test_word2vec_loss_falls_and_heldout_beats_chance(tmp_path):
    summary = w2v.main(["--steps", "4000", "--out", str(tmp_path)])
    assert summary["loss_end"] < 0.2 * summary["loss_start"]
    assert summary["context_ranked"] > 0.53 and summary["context_ranked_z"] > 5
    assert summary["substitutes_cosine"] > summary["substitutes_random_cosine"]
    assert summary["substitutes_z"] > 5
    assert summary["better_than_chance"]
    assert json.loads((tmp_path / "word2vec.json").read_text()) == summary
    assert (tmp_path / "word2vec.png").stat().st_size > 1000


def test_skipgram_pairs_follow_the_seeds_random_window():
    ids = np.arange(1000, dtype=np.int32)
    centers, targets = w2v.skipgram_pairs(ids, 3, np.random.default_rng(0))
    dist = np.abs(centers - targets)
    assert set(np.unique(dist)) == {1, 2, 3}
    # context ~ U{1..3}: a target at distance d is kept with probability (4 - d) / 3.
    counts = np.bincount(dist)[1:] / (2 * len(ids))
    np.testing.assert_allclose(counts, [1, 2 / 3, 1 / 3], atol=0.05)


def _sequential_unique(draws, num_sampled):
    """TF1's RangeSampler loop (unique=True), replayed on a given sequence of draws."""
    used, picks = set(), []
    for tries, value in enumerate(draws.tolist(), start=1):
        if value not in used:
            used.add(value)
            picks.append(value)
            if len(picks) == num_sampled:
                return np.array(picks), tries
    raise AssertionError("the oversampled batch held too few distinct ids")


@pytest.mark.parametrize("range_max,num_sampled", [(5000, 64), (50_000, 64), (300, 100)])
def test_vectorised_unique_sampler_replays_tf1s_rejection_loop(range_max, num_sampled):
    labels = jnp.array([[0], [7], [range_max - 1]])
    num_draws = cs.oversample_size(num_sampled, range_max)
    sample = jax.jit(
        lambda k: js.nn.log_uniform_candidate_sampler(
            labels, 1, num_sampled, True, range_max, key=k
        )
    )
    draw = jax.jit(lambda k: cs.log_uniform_draws(k, num_draws, range_max))
    for seed in range(20):
        key = jax.random.key(seed)
        sampled, true_ec, sampled_ec = sample(key)
        expected, tries = _sequential_unique(np.asarray(draw(key)), num_sampled)
        np.testing.assert_array_equal(sampled, expected)
        p_true = cs.log_uniform_probability(labels, range_max)
        np.testing.assert_allclose(
            true_ec, cs.expected_count(p_true, jnp.int32(tries), num_sampled), rtol=1e-6
        )
        p = np.log((expected + 2.0) / (expected + 1.0)) / np.log(range_max + 1.0)
        np.testing.assert_allclose(sampled_ec, 1 - (1 - p) ** tries, rtol=1e-4)


def _infer_num_tries(sampled, sampled_ec, range_max):
    """num_tries from TF's sampled expected counts q = 1 - (1 - p)**num_tries (best: largest p)."""
    p = np.log((sampled + 2.0) / (sampled + 1.0)) / np.log(range_max + 1.0)
    i = np.argmax(p)
    return int(round(np.log1p(-float(sampled_ec[i])) / np.log1p(-p[i])))


def _tf_sampler_runs(tf, labels, num_sampled, range_max, runs, seed=1):
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        op = tf.nn.log_uniform_candidate_sampler(
            true_classes=tf.constant(labels, tf.int64),
            num_true=labels.shape[1],
            num_sampled=num_sampled,
            unique=True,
            range_max=range_max,
        )
        with tf.Session(graph=graph) as sess:
            return [sess.run(op) for _ in range(runs)]


def test_expected_counts_equal_tf1_log_uniform_candidate_sampler(tf1):
    range_max, num_sampled = 1000, 64
    labels = np.array([[0, 3], [17, 999], [250, 1]], np.int64)
    for sampled, true_ec, sampled_ec in _tf_sampler_runs(tf1, labels, num_sampled, range_max, 50):
        assert len(set(sampled.tolist())) == num_sampled  # unique=True
        tries = _infer_num_tries(sampled, sampled_ec, range_max)
        assert tries > num_sampled  # with this range, TF1 always rejects some draws
        n = jnp.int32(tries)
        p_true = cs.log_uniform_probability(labels, range_max)
        p_sampled = cs.log_uniform_probability(sampled, range_max)
        np.testing.assert_allclose(
            cs.expected_count(p_true, n, num_sampled), true_ec, rtol=2e-5, atol=1e-7
        )
        np.testing.assert_allclose(
            cs.expected_count(p_sampled, n, num_sampled), sampled_ec, rtol=2e-5, atol=1e-7
        )
    # No rejection (num_tries == num_sampled): TF1 returns p * num_sampled.
    (_, true_ec, _), *_ = _tf_sampler_runs(tf1, labels, 1, range_max, 1)
    np.testing.assert_allclose(
        cs.expected_count(cs.log_uniform_probability(labels, range_max), jnp.int32(1), 1),
        true_ec,
        rtol=1e-6,
    )


def test_sampled_ids_and_num_tries_are_distributed_as_tf1s(tf1):
    from scipy import stats

    range_max, num_sampled, runs = 1000, 64, 400
    labels = np.zeros([1, 1], np.int64)
    tf_runs = _tf_sampler_runs(tf1, labels, num_sampled, range_max, runs)
    # The runs in one vmapped call, not 400 dispatches (the same draws: vmap batches each key's).
    sample = jax.jit(
        jax.vmap(
            lambda k: js.nn.log_uniform_candidate_sampler(
                labels, 1, num_sampled, True, range_max, key=k
            )
        )
    )
    batched = jax.device_get(sample(jax.random.split(jax.random.key(3), runs)))
    js_runs = [tuple(a[i] for a in batched) for i in range(runs)]
    edges = np.unique(np.concatenate([np.arange(30), np.geomspace(30, range_max, 15).astype(int)]))
    table = [
        np.histogram(np.concatenate([r[0] for r in rs]), bins=edges)[0] for rs in (tf_runs, js_runs)
    ]
    assert stats.chi2_contingency(table).pvalue > 1e-3
    tries = [[_infer_num_tries(r[0], r[2], range_max) for r in rs] for rs in (tf_runs, js_runs)]
    assert stats.ks_2samp(*tries).pvalue > 1e-3
    assert abs(np.mean(tries[0]) - np.mean(tries[1])) < 0.05 * np.mean(tries[0])


@pytest.mark.parametrize("num_true", [1, 2])
def test_nce_loss_and_gradients_equal_tf1_nce_loss(tf1, num_true):
    tf = tf1
    batch, dim, num_classes, num_sampled = 16, 8, 500, 20
    rng = np.random.default_rng(num_true)
    weights = rng.normal(size=[num_classes, dim]).astype(np.float32) / 3
    biases = rng.normal(size=[num_classes]).astype(np.float32)
    inputs = rng.normal(size=[batch, dim]).astype(np.float32)
    labels = rng.integers(0, num_classes, [batch, num_true]).astype(np.int64)
    labels[0, 0] = 0  # a label that is also among the most likely samples
    # One compile each, not an eager dispatch of every op (the values are the same).
    sampled_values = jax.jit(
        lambda labels, key: js.nn.log_uniform_candidate_sampler(
            labels, num_true, num_sampled, True, num_classes, key=key
        )
    )(jnp.asarray(labels), jax.random.key(num_true))
    sampled, true_ec, sampled_ec = (np.asarray(x) for x in sampled_values)

    def ours(w, b, x):
        per_example = js.nn.nce_loss(
            w, b, labels, x, num_sampled, num_classes, num_true, sampled_values
        )
        return jnp.mean(per_example), per_example

    (loss, js_per_example), grads = jax.jit(
        jax.value_and_grad(ours, argnums=(0, 1, 2), has_aux=True)
    )(weights, biases, inputs)

    graph = tf.Graph()
    with graph.as_default():
        w, b, x = (tf.constant(v) for v in (weights, biases, inputs))
        per_example = tf.nn.nce_loss(
            weights=w,
            biases=b,
            labels=tf.constant(labels),
            inputs=x,
            num_sampled=num_sampled,
            num_classes=num_classes,
            num_true=num_true,
            sampled_values=(
                tf.constant(sampled.astype(np.int64)),
                tf.constant(true_ec),
                tf.constant(sampled_ec),
            ),
        )
        tf_loss = tf.reduce_mean(per_example)
        tf_grads = [tf.convert_to_tensor(g) for g in tf.gradients(tf_loss, [w, b, x])]
        with tf.Session(graph=graph) as sess:
            tf_per_example, tf_loss, tf_grads = sess.run([per_example, tf_loss, tf_grads])

    np.testing.assert_allclose(js_per_example, tf_per_example, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(loss, tf_loss, rtol=1e-5, atol=1e-5)
    for ours_g, tf_g in zip(grads, tf_grads, strict=True):
        np.testing.assert_allclose(ours_g, tf_g, rtol=1e-5, atol=1e-6)


def test_variable_names_and_shapes_equal_the_tf1_seed_graph(tf1):
    import bench_word2vec

    a = argparse.Namespace(vocab=300, embed=16, batch=8, num_sampled=5, lr=1.0, seed=0)
    centers = np.arange(40, dtype=np.int32) % a.vocab
    graph, *_ = bench_word2vec.tf1_graph(tf1, centers, centers[::-1].copy(), a, "feed_dict")
    with graph.as_default():
        tf_vars = {v.op.name: tuple(v.shape.as_list()) for v in tf1.trainable_variables()}

    f = js.transform(lambda c, t, k: w2v.word2vec(c, t, k, a.vocab, a.embed, a.num_sampled))
    key = jax.random.key(0)
    # init's tree, names and shapes only: traced, not run
    variables = jax.eval_shape(f.init, key, centers[: a.batch], centers[: a.batch], key)
    ours = {
        "/".join(k.key for k in path): v.shape
        for path, v in jax.tree_util.tree_leaves_with_path(variables["params"])
    }
    assert (
        ours
        == tf_vars
        == {
            "embed_matrix": (300, 16),
            "nce_weight": (300, 16),
            "nce_bias": (300,),
        }
    )
    assert set(variables) == {"params"}


@pytest.mark.optimized_xla  # the HLO text of a default compile
def test_sparse_sgd_step_touches_only_looked_up_rows():
    vocab, embed, num_sampled = 200, 8, 5
    f = js.transform(lambda c, t, k, sv=None: w2v.word2vec(c, t, k, vocab, embed, num_sampled, sv))
    key = jax.random.key(0)
    centers = np.array([[3, 4]], np.int32)
    targets = np.array([[5, 6]], np.int32)
    params = f.init(key, centers[0], targets[0], key)["params"]
    before = jax.tree.map(np.array, params)
    train = w2v.make_train(f, 0.5)
    # Sparse in the compiled step too: the tables are scattered into, never rebuilt densely from a
    # broadcast zero gradient.
    hlo = train.lower(params, key, centers, targets).compile().as_text()
    assert "f32[200,8]{1,0} scatter(" in hlo
    assert "f32[200,8]{1,0} broadcast(" not in hlo
    sub = jax.random.split(key, 2)[1]  # the key of the first step (train donates key)
    new, _, losses = train(params, key, centers, targets)
    changed = np.flatnonzero(np.any(new["embed_matrix"] != before["embed_matrix"], axis=1))
    assert set(changed.tolist()) == {3, 4}
    # The step equals plain SGD on the dense gradient.
    grad = jax.jit(jax.grad(lambda p: f.apply({"params": p}, centers[0], targets[0], sub)))(before)
    for name in before:
        np.testing.assert_allclose(new[name], before[name] - 0.5 * grad[name], atol=1e-6)
    assert losses.shape == (1,)


def test_negatives_drawn_before_the_scan_equal_those_drawn_in_each_step():
    vocab, embed, num_sampled, steps = 300, 8, 10, 5
    f = js.transform(lambda c, t, k, sv=None: w2v.word2vec(c, t, k, vocab, embed, num_sampled, sv))
    rng = np.random.default_rng(0)
    centers = rng.integers(0, vocab, [steps, 16]).astype(np.int32)
    targets = rng.integers(0, vocab, [steps, 16]).astype(np.int32)
    key = jax.random.key(0)
    params = f.init(key, centers[0], targets[0], key)["params"]
    out = {}
    for name, sampler in [("in step", None), ("hoisted", w2v.sampler(num_sampled, vocab))]:
        train = w2v.make_train(f, 0.5, sampler)
        out[name] = train(jax.tree.map(jnp.copy, params), jax.random.key(1), centers, targets)
    a, b = out["in step"], out["hoisted"]
    np.testing.assert_allclose(a[2], b[2], rtol=1e-6)
    for name in params:
        np.testing.assert_allclose(a[0][name], b[0][name], rtol=1e-5, atol=1e-6)
    assert float(a[2][-1]) < float(a[2][0])
