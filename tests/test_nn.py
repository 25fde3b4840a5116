"""jaxscope.nn's embedding lookups, candidate samplers and sampled losses against tf.compat.v1.nn.

(``nce_loss`` and the log-uniform sampler are also pinned by ``tests/test_word2vec.py``.)
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope._src.nn import candidate_sampling as cs


def _run(tf1, build):
    with tf1.Graph().as_default():
        fetches = build()
        with tf1.Session() as sess:
            return sess.run(fetches)


SHARDINGS = {
    "one_table": [10],
    "even": [5, 5],
    "uneven": [4, 3, 3],  # 10 rows in 3 shards: "div" puts the extra row in the first shard
    "more_shards": [3, 3, 2, 2],
}


EMBEDDING_CASES = [(st, name, None) for st in ("mod", "div") for name in SHARDINGS] + [
    ("mod", "one_table", 1.5),
    ("div", "uneven", 1.5),
]


@pytest.mark.parametrize(("strategy", "sharding", "max_norm"), EMBEDDING_CASES)
def test_embedding_lookup_matches_tf1(tf1, strategy, sharding, max_norm):
    sizes = SHARDINGS[sharding]
    rng = np.random.default_rng(0)
    shards = [rng.normal(size=[n, 2, 3]).astype(np.float32) for n in sizes]
    ids = np.array([[0, 9, 3, 3], [4, 5, 1, 8], [2, 6, 7, 0]], np.int32)
    params = shards[0] if len(shards) == 1 else shards

    def build():
        tf_params = [tf1.constant(s) for s in shards]
        return tf1.nn.embedding_lookup(
            tf_params[0] if len(shards) == 1 else tf_params, tf1.constant(ids),
            partition_strategy=strategy, max_norm=max_norm,
        )  # fmt: skip

    want = _run(tf1, build)
    got = jax.jit(lambda p, i: js.nn.embedding_lookup(p, i, strategy, max_norm=max_norm))(
        params, ids
    )
    assert got.shape == want.shape == (3, 4, 2, 3)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_embedding_lookup_of_variables_and_errors():
    def model(ids):
        with js.variable_scope("emb"):
            parts = [js.get_variable(f"part_{i}", [n, 4]) for i, n in enumerate([3, 3, 2])]
        return js.nn.embedding_lookup(parts, ids, partition_strategy="div")

    f = js.transform(model)
    ids = jnp.arange(8)
    variables = f.init(jax.random.key(0), ids)
    parts = variables["params"]["emb"]
    np.testing.assert_array_equal(
        f.apply(variables, ids), jnp.concatenate([parts[f"part_{i}"] for i in range(3)])
    )
    with pytest.raises(
        js.PartitionStrategyError, match=r"Unrecognized partition strategy: 'range'"
    ):
        js.nn.embedding_lookup([jnp.ones([2, 2])] * 2, ids, partition_strategy="range")
    with pytest.raises(ValueError, match="trailing shapes differ"):
        js.nn.embedding_lookup([jnp.ones([2, 2]), jnp.ones([2, 3])], ids)


def _sampled_problem(num_true, num_classes=40, batch=6, dim=5, num_sampled=8):
    rng = np.random.default_rng(num_true)
    weights = rng.normal(size=[num_classes, dim]).astype(np.float32) / 2
    biases = rng.normal(size=[num_classes]).astype(np.float32)
    inputs = rng.normal(size=[batch, dim]).astype(np.float32)
    labels = rng.integers(0, num_classes, [batch, num_true]).astype(np.int64)
    sampled = rng.choice(num_classes, num_sampled, replace=False).astype(np.int64)
    labels[0, 0] = sampled[2]  # an accidental hit
    labels[3, -1] = sampled[5]
    true_ec = rng.uniform(0.05, 0.9, size=[batch, num_true]).astype(np.float32)
    sampled_ec = rng.uniform(0.05, 0.9, size=[num_sampled]).astype(np.float32)
    return weights, biases, inputs, labels, (sampled, true_ec, sampled_ec)


def _div_shards(weights, n):
    return np.array_split(weights, n)  # TF1's "div" layout: the first shards one row longer


# (loss, num_true, shards, remove_accidental_hits): each dimension varied at least once.
SAMPLED_CASES = [
    ("sampled_softmax_loss", 1, 1, True),
    ("sampled_softmax_loss", 2, 3, True),
    ("sampled_softmax_loss", 2, 1, False),
    ("nce_loss", 1, 3, False),
    ("nce_loss", 2, 1, True),
]


@pytest.mark.parametrize(("loss", "num_true", "shards", "remove_accidental_hits"), SAMPLED_CASES)
def test_sampled_losses_and_gradients_match_tf1(
    tf1, loss, num_true, shards, remove_accidental_hits
):
    weights, biases, inputs, labels, (sampled, true_ec, sampled_ec) = _sampled_problem(num_true)
    strategy = "div"
    w_parts = _div_shards(weights, shards) if shards > 1 else [weights]
    b_parts = _div_shards(biases, shards) if shards > 1 else [biases]
    num_classes, num_sampled = weights.shape[0], sampled.shape[0]

    def build():
        ws = [tf1.constant(w) for w in w_parts]
        bs = [tf1.constant(b) for b in b_parts]
        x = tf1.constant(inputs)
        per_example = getattr(tf1.nn, loss)(
            weights=ws if shards > 1 else ws[0], biases=bs if shards > 1 else bs[0],
            labels=tf1.constant(labels), inputs=x, num_sampled=num_sampled,
            num_classes=num_classes, num_true=num_true,
            sampled_values=(tf1.constant(sampled), tf1.constant(true_ec), tf1.constant(sampled_ec)),
            remove_accidental_hits=remove_accidental_hits, partition_strategy=strategy,
        )  # fmt: skip
        total = tf1.reduce_sum(per_example * np.arange(1, inputs.shape[0] + 1, dtype=np.float32))
        grads = tf1.gradients(total, [*ws, x])
        return per_example, [tf1.convert_to_tensor(g) for g in grads]

    want, want_grads = _run(tf1, build)
    sv = (jnp.asarray(sampled), jnp.asarray(true_ec), jnp.asarray(sampled_ec))

    def ours(ws, x):
        return getattr(js.nn, loss)(
            ws if shards > 1 else ws[0], b_parts if shards > 1 else b_parts[0], labels, x,
            num_sampled, num_classes, num_true, sv,
            remove_accidental_hits=remove_accidental_hits, partition_strategy=strategy,
        )  # fmt: skip

    weight = jnp.arange(1, inputs.shape[0] + 1, dtype=jnp.float32)

    def weighted(ws, x):
        per_example = ours(ws, x)  # traced once, for the loss and as its aux
        return jnp.sum(per_example * weight), per_example

    got, grads = jax.jit(jax.value_and_grad(weighted, argnums=(0, 1), has_aux=True))(
        [jnp.asarray(w) for w in w_parts], jnp.asarray(inputs)
    )
    got = got[1]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    for g, w in zip([*grads[0], grads[1]], want_grads, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def _infer_tries(p, ec, num_sampled):
    if np.isclose(ec, p * num_sampled, rtol=1e-6):
        return num_sampled  # no draw rejected: TF1 returns p * num_sampled
    return int(round(np.log1p(-float(ec)) / np.log1p(-p)))


def test_uniform_candidate_sampler_matches_tf1(tf1):
    from scipy import stats

    range_max, num_sampled, runs = 100, 30, 60
    labels = np.array([[0, 5], [99, 42]], np.int64)

    with tf1.Graph().as_default():
        tf1.set_random_seed(1)
        op = tf1.nn.uniform_candidate_sampler(tf1.constant(labels), 2, num_sampled, True, range_max)
        with tf1.Session() as sess:
            tf_runs = [sess.run(op) for _ in range(runs)]
    p = 1.0 / range_max
    tf_tries = []
    for _, true_ec, sampled_ec in tf_runs:
        n = _infer_tries(p, sampled_ec[0], num_sampled)
        tf_tries.append(n)
        np.testing.assert_allclose(cs.expected_count(p, jnp.int32(n), num_sampled), sampled_ec,
                                   rtol=1e-5)  # fmt: skip
        np.testing.assert_allclose(
            cs.expected_count(jnp.full([2, 2], p), jnp.int32(n), num_sampled), true_ec, rtol=1e-5
        )
    sample = jax.jit(
        lambda k: js.nn.uniform_candidate_sampler(labels, 2, num_sampled, True, range_max, key=k)
    )
    js_tries = []
    for key in jax.random.split(jax.random.key(0), runs):
        sampled, true_ec, sampled_ec = jax.device_get(sample(key))
        assert len(set(sampled.tolist())) == num_sampled and sampled.min() >= 0
        assert sampled.max() < range_max
        js_tries.append(_infer_tries(p, sampled_ec[0], num_sampled))
        np.testing.assert_allclose(true_ec, np.broadcast_to(sampled_ec[0], [2, 2]), rtol=1e-6)
    assert stats.ks_2samp(tf_tries, js_tries).pvalue > 1e-3
    # unique=False: num_tries == num_sampled, expected count p * num_sampled (TF1's shortcut).
    _, true_ec, sampled_ec = js.nn.uniform_candidate_sampler(
        labels, 2, num_sampled, False, range_max, key=jax.random.key(1)
    )
    np.testing.assert_allclose(sampled_ec, p * num_sampled, rtol=1e-6)


def test_samplers_draw_from_next_rng_key_inside_transform():
    def model(labels):
        return js.nn.log_uniform_candidate_sampler(labels, 1, 10, True, 1000)[0]

    f = js.transform(model)
    labels = jnp.zeros([4, 1], jnp.int32)
    apply = jax.jit(lambda labels, rng: f.apply({}, labels, rng=rng))
    a = apply(labels, jax.random.key(0))
    b = apply(labels, jax.random.key(0))
    c = apply(labels, jax.random.key(1))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    with pytest.raises(js.MissingRngError):
        f.apply({}, labels)
