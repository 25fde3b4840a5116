"""Training throughput of the seed's word2vec: TF1 graph mode vs jaxscope, same CPU, same process.

Both sides run the same model with the seed's sizes (vocabulary 50,000, embedding 128, batch 128,
64 negative samples, SGD with learning rate 1.0) on the same skip-gram pairs (from the bundled
corpus of ``experiments/word2vec.py``; ``--corpus text8`` for the seed's):

* **TF1**: the seed's graph verbatim in ``tf.compat.v1`` (``get_variable``,
  ``tf.nn.embedding_lookup``, ``tf.nn.nce_loss``, ``GradientDescentOptimizer(...).minimize``, whose
  sparse ``IndexedSlices`` update touches only the looked-up rows). Batches come either from a
  ``tf.data`` pipeline in the graph (the seed's way; ``prefetch``) or through ``feed_dict`` (with
  TF's default thread pools, and with one intra-op and one inter-op thread, which is often faster
  for such small ops); in each round the fastest of the three is the baseline. One ``Session.run`` per step, as the seed does (TF1 has no
  practical way to run several optimizer steps per call).
* **jaxscope**: ``experiments/word2vec.py``'s ``make_train`` (XLA's CPU backend limited to one
  thread, like the single-threaded TF1 session; ``--xla-threads default`` lifts that): the step under ``jax.jit`` with the
  variables donated, the update an in-place scatter; measured with 1 step per call (as TF1) and
  with ``--steps-per-call`` steps per call (``lax.scan`` over pre-generated batches). Host-side
  batch generation (numpy shuffling) is inside the timed loop, as TF1's pipeline is.

Throughput is training pairs per second after warm-up. The rounds alternate between the two
frameworks, so a busy machine slows both alike; the range over rounds is printed.

Run: ``python benchmarks/bench_word2vec.py`` (about 20 s; needs tensorflow-cpu).
Expected on 2 shared x86_64 cores: TF1's best about 400,000-550,000 pairs/s (feed_dict, often
single-threaded), jaxscope about 700,000-900,000 pairs/s at 1 step per call and 1.2-1.4 million
at 100 steps per call: a median ratio of about 1.5-1.7x and 2.7-3.2x.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import jax
import numpy as np

import jaxscope as js

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
import word2vec as w2v  # noqa: E402
from common import load_words  # noqa: E402


def tf1_graph(tf, centers, targets, a, pipeline):
    """The seed's graph. Returns (graph, train_op, loss, feed placeholders or None)."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(a.seed)
        with tf.name_scope("data"):
            if pipeline == "tf.data":
                dataset = (
                    tf.data.Dataset.from_tensor_slices((centers, targets[:, None]))
                    .shuffle(100_000, seed=a.seed)
                    .repeat()
                    .batch(a.batch, drop_remainder=True)
                    .prefetch(tf.data.AUTOTUNE)
                )
                iterator = tf.data.make_one_shot_iterator(dataset)
                center_words, target_words = iterator.get_next()
                feeds = None
            else:
                center_words = tf.placeholder(tf.int32, [a.batch], name="center_words")
                target_words = tf.placeholder(tf.int32, [a.batch, 1], name="target_words")
                feeds = (center_words, target_words)
        with tf.name_scope("embed"):
            embed_matrix = tf.get_variable(
                "embed_matrix",
                shape=[a.vocab, a.embed],
                initializer=tf.random_uniform_initializer(-1.0, 1.0),
            )
            embed = tf.nn.embedding_lookup(embed_matrix, center_words, name="embedding")
        with tf.name_scope("loss"):
            nce_weight = tf.get_variable(
                "nce_weight",
                shape=[a.vocab, a.embed],
                initializer=tf.truncated_normal_initializer(stddev=1.0 / (a.embed**0.5)),
            )
            nce_bias = tf.get_variable("nce_bias", initializer=tf.zeros([a.vocab]))
            loss = tf.reduce_mean(
                tf.nn.nce_loss(
                    weights=nce_weight,
                    biases=nce_bias,
                    labels=target_words,
                    inputs=embed,
                    num_sampled=a.num_sampled,
                    num_classes=a.vocab,
                ),
                name="loss",
            )
        with tf.name_scope("optimizer"):
            train_op = tf.train.GradientDescentOptimizer(a.lr).minimize(loss)
    return graph, train_op, loss, feeds


class TF1Runner:
    def __init__(self, tf, centers, targets, a, pipeline, threads=None):
        self.pipeline = pipeline
        graph, self.train_op, self.loss, self.feeds = tf1_graph(tf, centers, targets, a, pipeline)
        config = None
        if threads is not None:
            config = tf.ConfigProto(
                intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
            )
        self.sess = tf.Session(graph=graph, config=config)
        with graph.as_default():
            self.sess.run(tf.global_variables_initializer())
        # The same host-side batching as the jaxscope runner.
        self.chunks = w2v.batches(centers, targets, a.batch, 1, np.random.default_rng(a.seed))

    def run(self, steps):
        if self.pipeline == "tf.data":
            for _ in range(steps):
                self.sess.run(self.train_op)
            return
        c, t = self.feeds
        for _ in range(steps):
            center, target = next(self.chunks)
            self.sess.run(self.train_op, {c: center[0], t: target[0][:, None]})


class JaxscopeRunner:
    def __init__(self, centers, targets, a, steps_per_call):
        def model(center_words, target_words, sample_key, sampled_values=None):
            return w2v.word2vec(
                center_words,
                target_words,
                sample_key,
                a.vocab,
                a.embed,
                a.num_sampled,
                sampled_values,
            )

        self.f = js.transform(model)
        self.key = jax.random.key(a.seed)
        self.params = self.f.init(self.key, centers[: a.batch], targets[: a.batch], self.key)[
            "params"
        ]
        self.train = w2v.make_train(self.f, a.lr, w2v.sampler(a.num_sampled, a.vocab))
        self.k = steps_per_call
        self.chunks = w2v.batches(
            centers, targets, a.batch, steps_per_call, np.random.default_rng(0)
        )

    def run(self, steps):
        for _ in range(max(1, steps // self.k)):
            self.params, self.key, losses = self.train(self.params, self.key, *next(self.chunks))
        jax.block_until_ready(self.params)
        return losses


def pairs_per_second(runner, steps, batch):
    t0 = time.perf_counter()
    runner.run(steps)
    return steps * batch / (time.perf_counter() - t0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=None, help="text file (e.g. text8); default: bundled docs")
    p.add_argument("--vocab", type=int, default=50_000)
    p.add_argument("--embed", type=int, default=128)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--num-sampled", type=int, default=64)
    p.add_argument("--skip-window", type=int, default=1)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--steps", type=int, default=500, help="steps per timed slice")
    p.add_argument("--steps-per-call", type=int, default=100)
    p.add_argument("--rounds", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--xla-threads",
        choices=["1", "default"],
        default="1",
        help="XLA CPU threads for jaxscope (1 is faster for these small ops on a busy machine)",
    )
    a = p.parse_args(argv)
    if a.xla_threads == "1":
        # Read when jax first creates its CPU backend, which has not happened yet.
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.logging.set_verbosity(tf.logging.ERROR)

    words = load_words(a.corpus)
    ids, vocab = w2v.build_vocab(words, a.vocab)
    centers, targets = w2v.skipgram_pairs(ids, a.skip_window, np.random.default_rng(a.seed))
    print(
        f"{platform.machine()}, {os.cpu_count()} CPU cores; jax {jax.__version__}, "
        f"tensorflow {tf.__version__}; corpus {len(words):,} words, {len(vocab):,} distinct ids "
        f"used of a {a.vocab:,}-row vocabulary, {len(centers):,} pairs; batch {a.batch}, embed "
        f"{a.embed}, {a.num_sampled} sampled; XLA CPU threads: {a.xla_threads}"
    )
    runners = {
        "TF1 tf.data": TF1Runner(tf, centers, targets, a, "tf.data"),
        "TF1 feed_dict": TF1Runner(tf, centers, targets, a, "feed_dict"),
        "TF1 feed_dict 1 thread": TF1Runner(tf, centers, targets, a, "feed_dict", threads=1),
        "jaxscope 1 step/call": JaxscopeRunner(centers, targets, a, 1),
        f"jaxscope {a.steps_per_call} steps/call": JaxscopeRunner(
            centers, targets, a, a.steps_per_call
        ),
    }
    for runner in runners.values():  # warm-up: compile, fill pipelines
        runner.run(max(200, 2 * a.steps_per_call))
    # Short slices, alternating between the runners, so that the load of a shared machine falls
    # on all of them alike; the per-round ratios show how much it still moved.
    results = {name: [] for name in runners}
    for r in range(a.rounds):
        for name, runner in runners.items():
            results[name].append(pairs_per_second(runner, a.steps, a.batch))
        if (r + 1) % 4 == 0 or r + 1 == a.rounds:
            print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:,.0f}" for n, v in results.items()))

    def fmt(v):
        return f"{np.median(v):>10,.0f} pairs/s (range {min(v):,.0f}-{max(v):,.0f})"

    print(f"\nmedian over {a.rounds} rounds of {a.steps} steps:")
    for name, v in results.items():
        print(f"  {name:<26} {fmt(v)}")
    tf_names = [n for n in runners if n.startswith("TF1")]
    tf_best = np.max([results[n] for n in tf_names], axis=0)
    for name in runners:
        if name in tf_names:
            continue
        ratio = np.asarray(results[name]) / tf_best
        q1, q3 = np.percentile(ratio, [25, 75])
        print(
            f"  {name} / best TF1 of the same round: {np.median(ratio):.2f}x "
            f"(quartiles {q1:.2f}-{q3:.2f}, range {ratio.min():.2f}-{ratio.max():.2f})"
        )
    return results


if __name__ == "__main__":
    main()
