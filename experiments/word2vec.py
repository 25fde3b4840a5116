"""Question: does the seed's word2vec (skip-gram with NCE loss, Stanford CS20), ported line by
line from TF1 to jaxscope, learn word embeddings whose neighbours mean something?

The model is written the way the TF1 seed writes it: ``name_scope("data")``, ``name_scope("embed")``
with ``get_variable("embed_matrix", ...)`` and an embedding lookup, ``name_scope("loss")`` with
``nce_weight`` / ``nce_bias`` and an NCE loss, ``name_scope("optimizer")`` with plain SGD. As in
TF1, ``name_scope`` does not prefix ``get_variable`` names, so the tree is
``{"params": {"embed_matrix", "nce_bias", "nce_weight"}}``. ``js.nn.nce_loss`` follows
``tf.nn.nce_loss`` exactly and samples negatives like TF1's ``log_uniform_candidate_sampler``
(``unique=True``, ``js.nn.log_uniform_candidate_sampler``); ``tests/test_word2vec.py`` checks
both against TensorFlow.

The default corpus needs no download: CPython 3.11.7's own English documentation
(``pydoc_data.topics`` and the standard library's docstrings, about 320,000 words), committed as
``experiments/data/python_docs.txt.gz`` (500 KB). ``--corpus PATH`` takes text8 or
any text file (the seed's setting: ``--corpus text8 --vocab 50000``). A tenth of the corpus is held out and checked against random word pairs with the
same word frequencies: the model's score ranks the true neighbour of a held-out word above a random
word, and words that fill the same held-out slot ("the ___ of") have closer embeddings.

Command:   python experiments/word2vec.py                 (15-25 s on 2 CPU cores)
Output:    the variables tree, the loss falling (60 -> 3.8 over 100,000 steps), nearest neighbours
           of a few probe words (true: false, file: files, error: warning, thread: process),
           "the true neighbour outscores a random word 64% of the time (chance 50%)",
           "held-out substitutes: cosine 0.20 vs random pairs 0.16", and
           results/word2vec.{png,json}.
"""

from __future__ import annotations

import math
import time

import common
import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js

# The seed's hyper-parameters (CS20 word2vec), except a vocabulary sized for the small corpus.
VOCAB_SIZE = 5000
BATCH_SIZE = 128
EMBED_SIZE = 128
SKIP_WINDOW = 1
NUM_SAMPLED = 64
LEARNING_RATE = 1.0
PROBES = ("function", "class", "list", "file", "string", "error", "true", "thread")


# --- data ----------------------------------------------------------------------------------------
def build_vocab(words, vocab_size):
    """Word ids sorted by frequency (id 0 most frequent), rare words mapped to ``"UNK"``.

    The log-uniform sampler assumes exactly this order: its P(k) falls with k like Zipf's law.
    """
    vocab, index = common.build_vocab(words, vocab_size, unk="UNK", unk_first=False)
    unk = index["UNK"]
    ids = np.fromiter((index.get(w, unk) for w in words), np.int32, len(words))
    return ids, vocab


def skipgram_pairs(ids, skip_window, rng):
    """(center, target) pairs as the seed's ``generate_sample``: for each center word a window
    ``context ~ U{1..skip_window}``, then every word within ``context`` before and after it."""
    n = len(ids)
    context = rng.integers(1, skip_window + 1, n)
    centers, targets = [], []
    for d in range(1, skip_window + 1):
        for sign in (-1, 1):
            pos = np.arange(n)
            keep = (context >= d) & (pos + sign * d >= 0) & (pos + sign * d < n)
            centers.append(ids[pos[keep]])
            targets.append(ids[pos[keep] + sign * d])
    return np.concatenate(centers), np.concatenate(targets)


# --- the model, as the seed writes it --------------------------------------------------------------------
def word2vec(
    center_words,
    target_words,
    sample_key,
    vocab_size,
    embed_size,
    num_sampled,
    sampled_values=None,
):
    """The seed's graph: returns the mean NCE loss of a batch of (center, target) pairs.

    The negatives are drawn from ``sample_key`` inside ``nce_loss``, as TF1's ``nce_loss`` draws
    them, unless ``sampled_values`` brings them (``tf.nn.nce_loss``'s argument of that name).
    """
    with js.name_scope("data"):
        center_words = jnp.asarray(center_words)
        target_words = jnp.asarray(target_words).reshape(-1, 1)
    with js.name_scope("embed"):
        embed_matrix = js.get_variable(
            "embed_matrix",
            [vocab_size, embed_size],
            initializer=js.random_uniform_initializer(-1.0, 1.0),
        )
        embed = js.nn.embedding_lookup(embed_matrix, center_words)
    with js.name_scope("loss"):
        nce_weight = js.get_variable(
            "nce_weight",
            [vocab_size, embed_size],
            initializer=js.truncated_normal_initializer(stddev=1.0 / embed_size**0.5),
        )
        nce_bias = js.get_variable("nce_bias", [vocab_size], initializer=js.zeros_initializer())
        loss = jnp.mean(
            js.nn.nce_loss(
                weights=nce_weight,
                biases=nce_bias,
                labels=target_words,
                inputs=embed,
                num_sampled=num_sampled,
                num_classes=vocab_size,
                sampled_values=sampled_values,
                key=sample_key,  # tf.nn.nce_loss draws from the graph seed; here an explicit key
            )
        )
    return loss


# --- training ------------------------------------------------------------------------------------------
def make_train(f, learning_rate, sampler=None):
    """``train(params, key, centers [K, B], targets [K, B]) -> (params, key, losses [K])``: K SGD
    steps in one ``jax.jit`` call (``lax.scan``), the params buffers donated and updated in place.
    The key for the negative samples is carried through, so a call is one dispatch.

    The gradient of an embedding lookup is a scatter-add into zeros; taking the gradient of
    ``-learning_rate * loss`` and *adding* it lets XLA fold ``params + scatter(0, ids, rows)`` into
    ``scatter(params, ids, rows)``: only the looked-up rows are touched, as with TF1's
    ``IndexedSlices`` in ``GradientDescentOptimizer``. (Written as ``params - lr * grad`` the
    update is dense and about 40x slower at a 50,000-word vocabulary.)

    ``sampler(key, labels [B, 1]) -> sampled_values``, if given, draws the negatives of all K steps
    before the scan in one vmapped call, from the same per-step keys the model would use: the
    samples do not depend on the parameters, and one batched call costs less than K small ones
    (a step is about 20 % faster on CPU). Without it, ``nce_loss`` samples inside each step.
    """

    def step(params, batch):
        center, target, key, sampled = batch

        def neg_scaled_loss(p):
            return -learning_rate * f.apply({"params": p}, center, target, key, sampled)

        value, delta = jax.value_and_grad(neg_scaled_loss)(params)
        # js.name_scope works only inside a transformed function; the optimizer acts on the
        # variables tree outside it, so it gets jax's own named scope (the same compiled op names).
        with jax.named_scope("optimizer"):
            params = jax.tree.map(jnp.add, params, delta)
        return params, -value / learning_rate

    def train(params, key, centers, targets):
        key, *keys = jax.random.split(key, centers.shape[0] + 1)
        keys = jnp.stack(keys)
        sampled = None
        if sampler is not None:
            sampled = jax.vmap(lambda k, t: sampler(k, t[:, None]))(keys, targets)
        params, losses = jax.lax.scan(step, params, (centers, targets, keys, sampled))
        return params, key, losses

    return jax.jit(train, donate_argnums=(0, 1))


def sampler(num_sampled, vocab_size):
    """``(key, labels) -> sampled_values`` as ``nce_loss`` draws them, for ``make_train``."""

    def sample(key, labels):
        return js.nn.log_uniform_candidate_sampler(
            labels, 1, num_sampled, True, vocab_size, key=key
        )

    return sample


def batches(centers, targets, batch_size, steps_per_call, rng):
    """Endless (centers, targets) chunks of shape [steps_per_call, batch_size], reshuffled each epoch."""
    per_chunk = batch_size * steps_per_call
    while True:
        order = rng.permutation(len(centers))
        for s in range(0, len(order) - per_chunk + 1, per_chunk):
            idx = order[s : s + per_chunk]
            yield (
                centers[idx].reshape(steps_per_call, batch_size),
                targets[idx].reshape(steps_per_call, batch_size),
            )


# --- evaluation --------------------------------------------------------------------------------------------
def normalized(embed_matrix):
    e = np.asarray(embed_matrix, np.float64)
    return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)


def nearest(unit, vocab, word, k=5):
    index = {w: i for i, w in enumerate(vocab)}
    sims = unit @ unit[index[word]]
    order = [i for i in np.argsort(-sims) if i != index[word]][:k]
    return [(vocab[i], float(sims[i])) for i in order]


def heldout_checks(params, heldout_ids, unk, rng):
    """Three comparisons on held-out text, each against random pairs with the same word frequencies
    (the second word of each pair shuffled across pairs). UNK and same-word pairs are left out.

    * ``context_ranked``: skip-gram's own task. For each held-out pair of neighbouring words
      (a, b), is the model's score ``embed[a] . nce_weight[b] + nce_bias[b]`` higher than for
      (a, random word)? Chance is 0.5.
    * ``substitutes``: mean cosine of ``embed_matrix`` rows of two words that fill the same
      held-out slot (same word before and after: "the ___ of"), vs random pairs.
    * ``neighbours``: mean cosine of two words next to each other in held-out text, vs random
      pairs. Skip-gram's input vectors encode substitutability, not co-occurrence, so this one is
      not expected to beat chance (adjacent words are mostly of different kinds).
    """
    emb = np.asarray(params["embed_matrix"], np.float64)
    w_out = np.asarray(params["nce_weight"], np.float64)
    b_out = np.asarray(params["nce_bias"], np.float64)
    unit = normalized(emb)

    def cos(a, b):
        return np.sum(unit[a] * unit[b], axis=1)

    def z(x, y):  # two-sample z-score of mean(x) - mean(y)
        return float((x.mean() - y.mean()) / math.sqrt(x.var() / len(x) + y.var() / len(y)))

    def vs_random(a, b):
        keep = (a != unk) & (b != unk) & (a != b)
        a, b = a[keep], b[keep]
        rb = rng.permutation(b)
        keep_r = a != rb
        return a[keep_r], b[keep_r], rb[keep_r]

    a, b, rb = vs_random(
        np.concatenate([heldout_ids[:-1], heldout_ids[1:]]),
        np.concatenate([heldout_ids[1:], heldout_ids[:-1]]),
    )

    def score(x, y):
        return np.sum(emb[x] * w_out[y], axis=1) + b_out[y]

    wins = score(a, b) > score(a, rb)
    ranked, ranked_z = float(wins.mean()), float((wins.mean() - 0.5) / math.sqrt(0.25 / len(a)))
    neighbours = (cos(a, b), cos(a, rb))
    # Substitutes: positions sorted by their (previous, next) word; consecutive entries of a group
    # with different middle words are a pair.
    slot = heldout_ids[:-2].astype(np.int64) * (int(heldout_ids.max()) + 1) + heldout_ids[2:]
    order = np.argsort(slot, kind="stable")
    slot, mid = slot[order], heldout_ids[1:-1][order]
    same = slot[1:] == slot[:-1]
    sa, sb, srb = vs_random(mid[:-1][same], mid[1:][same])
    substitutes = (cos(sa, sb), cos(sa, srb))
    return {
        "context_ranked": ranked,
        "context_ranked_z": ranked_z,
        "context_pairs": len(a),
        "substitutes_cosine": float(substitutes[0].mean()),
        "substitutes_random_cosine": float(substitutes[1].mean()),
        "substitutes_z": z(*substitutes),
        "substitutes_pairs": len(sa),
        "neighbours_cosine": float(neighbours[0].mean()),
        "neighbours_random_cosine": float(neighbours[1].mean()),
        "neighbours_z": z(*neighbours),
        "neighbours_pairs": len(a),
    }


def main(argv=None):
    p = common.parser(__doc__)
    p.add_argument("--corpus", default=None, help="text file (e.g. text8); default: bundled docs")
    p.add_argument("--vocab", type=int, default=VOCAB_SIZE)
    p.add_argument("--embed", type=int, default=EMBED_SIZE)
    p.add_argument("--batch", type=int, default=BATCH_SIZE)
    p.add_argument("--num-sampled", type=int, default=NUM_SAMPLED)
    p.add_argument("--skip-window", type=int, default=SKIP_WINDOW)
    p.add_argument("--lr", type=float, default=LEARNING_RATE)
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--steps-per-call", type=int, default=100)
    p.add_argument("--heldout", type=float, default=0.1, help="fraction of the corpus held out")
    a = common.parse_args(p, argv)
    from tqdm import tqdm

    t_start = time.perf_counter()
    words = common.load_words(a.corpus)
    split = int(len(words) * (1 - a.heldout))
    train_ids, vocab = build_vocab(words[:split], a.vocab)
    index = {w: i for i, w in enumerate(vocab)}
    unk = index["UNK"]
    heldout_ids = np.array([index.get(w, unk) for w in words[split:]], np.int32)
    rng = np.random.default_rng(a.seed)
    centers, targets = skipgram_pairs(train_ids, a.skip_window, rng)
    print(
        f"corpus: {len(words):,} words ({split:,} train, {len(words) - split:,} held out), "
        f"vocabulary {len(vocab):,}, {len(centers):,} skip-gram pairs"
    )

    def model(center_words, target_words, sample_key, sampled_values=None):
        return word2vec(
            center_words,
            target_words,
            sample_key,
            len(vocab),
            a.embed,
            a.num_sampled,
            sampled_values,
        )

    f = js.transform(model)
    key = jax.random.key(a.seed)
    init_key, key = jax.random.split(key)
    variables = f.init(init_key, centers[: a.batch], targets[: a.batch], key)
    print("variables:", jax.tree.map(jnp.shape, variables))

    train = make_train(f, a.lr, sampler(a.num_sampled, len(vocab)))
    params = variables["params"]
    chunks = batches(centers, targets, a.batch, a.steps_per_call, rng)
    n_calls = max(1, a.steps // a.steps_per_call)
    losses = []
    t0 = time.perf_counter()
    with tqdm(
        total=n_calls * a.steps_per_call, desc="training", unit="step", mininterval=1.0
    ) as bar:
        for _ in range(n_calls):
            params, key, chunk_losses = train(params, key, *next(chunks))
            losses.append(np.asarray(chunk_losses))
            bar.update(a.steps_per_call)
    seconds = time.perf_counter() - t0
    losses = np.concatenate(losses)
    window = max(1, min(500, len(losses) // 10))
    loss_start, loss_end = float(losses[:window].mean()), float(losses[-window:].mean())
    print(
        f"loss: {loss_start:.2f} (first {window} steps) -> {loss_end:.2f} (last {window}); "
        f"{len(losses):,} steps in {seconds:.1f} s, {len(losses) * a.batch / seconds:,.0f} pairs/s"
    )

    params = jax.device_get(params)
    unit = normalized(params["embed_matrix"])
    neighbours = {w: nearest(unit, vocab, w) for w in PROBES if w in index}
    for w, nn in neighbours.items():
        print(f"  {w:>10}: " + ", ".join(f"{n} {s:.2f}" for n, s in nn))
    check = heldout_checks(params, heldout_ids, unk, rng)
    print(
        f"held-out check ({check['context_pairs']:,} neighbouring pairs): the true neighbour "
        f"outscores a random word {check['context_ranked']:.1%} of the time (chance 50%; "
        f"z = {check['context_ranked_z']:.0f})"
    )
    print(
        f"held-out substitutes (same slot, {check['substitutes_pairs']:,} pairs): cosine "
        f"{check['substitutes_cosine']:.3f} vs random pairs {check['substitutes_random_cosine']:.3f} "
        f"(z = {check['substitutes_z']:.0f})"
    )
    print(
        f"held-out neighbouring words: cosine {check['neighbours_cosine']:.3f} vs random pairs "
        f"{check['neighbours_random_cosine']:.3f} (z = {check['neighbours_z']:.1f}; not expected "
        "to be higher: see heldout_checks)"
    )
    # Better than chance: both differences at least 5 standard errors above zero.
    better = check["context_ranked_z"] > 5 and check["substitutes_z"] > 5
    print(f"better than chance (both z > 5): {better}")

    summary = {
        "corpus": a.corpus or "experiments/data/python_docs.txt.gz (CPython 3.11.7 docs)",
        "words": len(words),
        "vocabulary": len(vocab),
        "pairs": int(len(centers)),
        "steps": int(len(losses)),
        "loss_start": loss_start,
        "loss_end": loss_end,
        **check,
        "better_than_chance": bool(better),
        "neighbours": {w: [n for n, _ in nn] for w, nn in neighbours.items()},
        "pairs_per_second": len(losses) * a.batch / seconds,
        "seconds": time.perf_counter() - t_start,
    }
    fig, ax = common.figure(figsize=(6, 3.5))
    smooth = max(1, min(100, len(losses) // 20))
    ax.plot(common.smoothed(losses, smooth))
    ax.set(
        xlabel="step",
        ylabel=f"NCE loss ({smooth}-step mean)",
        yscale="log",
        title=f"word2vec skip-gram: held-out context ranked {check['context_ranked']:.0%}",
    )
    common.write_results(a.out, "word2vec", summary, fig)
    return summary


if __name__ == "__main__":
    main()
