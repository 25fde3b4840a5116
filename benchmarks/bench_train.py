"""A jitted training step with ``jaxscope.train.AdamOptimizer`` vs ``optax.adam``: time and memory.

The same model, loss and donated buffers; only the optimizer differs (TF1's Adam arithmetic and
slot names vs optax's). Prints each one's median step time, XLA's memory analysis of the
compiled step, and the per-round time ratio (interleaved rounds; > 1: jaxscope slower).
Models: an MLP (``--sizes``), or ``--model gpt2-small`` (experiments/gpt2 at 4 layers x 256,
vocabulary 2048, batch 8 x 128 tokens, as ``bench_gpt2.py``'s small size).

Run: ``python benchmarks/bench_train.py [--model mlp|gpt2-small] [--sizes 512,1024,1024,10]
[--batch 256] [--rounds 7]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import optax

import jaxscope as js


def mlp(sizes, key):
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    return {
        f"layer_{i}": {
            "kernel": jax.random.normal(jax.random.fold_in(key, i), (a, b)) * 0.02,
            "bias": jnp.zeros(b),
        }
        for i, (a, b) in enumerate(pairs)
    }


def mlp_problem(sizes, batch, key):
    """(params, loss(params)) of the MLP."""
    x = jax.random.normal(key, (batch, sizes[0]))
    y = jax.random.normal(jax.random.fold_in(key, 1), (batch, sizes[-1]))

    def loss(params):
        h = x
        for i in range(len(sizes) - 1):
            h = h @ params[f"layer_{i}"]["kernel"] + params[f"layer_{i}"]["bias"]
            h = jax.nn.relu(h) if i < len(sizes) - 2 else h
        return jnp.mean((h - y) ** 2)

    return mlp(sizes, key), loss


def gpt2_problem(key):
    """(params, loss(params)) of the GPT-2 experiment at bench_gpt2.py's small size."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
    import gpt2

    hparams = gpt2.HParams(n_vocab=2048, n_ctx=256, n_embd=256, n_head=4, n_layer=4)
    X = jax.random.randint(key, (8, 129), 0, hparams.n_vocab)
    f = gpt2.language_model(hparams)
    params = f.init(key, X[:1, :1])["params"]

    def loss(params):
        logits = f.apply({"params": params}, X[:, :-1])["logits"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, X[:, 1:]).mean()

    return params, loss


def make_step(opt, loss):
    def step(params, opt_state):
        updates, opt_state = opt.update(jax.grad(loss)(params), opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    return jax.jit(step, donate_argnums=(0, 1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("mlp", "gpt2-small"), default="mlp")
    parser.add_argument("--sizes", default="512,1024,1024,10")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    key = jax.random.key(0)
    if args.model == "mlp":
        make, what = (
            (lambda: mlp_problem(sizes, args.batch, key)),
            f"MLP {args.sizes}, batch {args.batch}",
        )
    else:
        make, what = (lambda: gpt2_problem(key)), "GPT-2 4 x 256, batch 8 x 128"
    runs = {}
    for name, opt in (
        ("optax.adam", optax.adam(1e-3, eps=1e-8)),
        ("js.train.AdamOptimizer", js.train.AdamOptimizer(1e-3, epsilon=1e-8)),
    ):
        params, loss = make()
        step = make_step(opt, loss)
        opt_state = opt.init(params)
        memory = step.lower(params, opt_state).compile().memory_analysis()
        params, opt_state = step(params, opt_state)
        jax.block_until_ready(params)
        runs[name] = [step, params, opt_state, memory, []]
    for _ in range(args.rounds):
        for run in runs.values():
            step, params, opt_state = run[:3]
            start = time.perf_counter()
            for _ in range(args.steps):
                params, opt_state = step(params, opt_state)
            jax.block_until_ready(params)
            run[1:3] = params, opt_state
            run[4].append((time.perf_counter() - start) / args.steps)
    print(f"{platform.processor() or platform.machine()}, {jax.devices()[0].device_kind}, "
          f"jax {jax.__version__}, {what}")  # fmt: skip
    for name, (*_, memory, times) in runs.items():
        print(
            f"{name:24s} {statistics.median(times) * 1e3:8.3f} ms/step  temp "
            f"{memory.temp_size_in_bytes / 2**20:.2f} MiB  arguments "
            f"{memory.argument_size_in_bytes / 2**20:.2f} MiB  aliased "
            f"{memory.alias_size_in_bytes / 2**20:.2f} MiB"
        )
    ours, theirs = runs["js.train.AdamOptimizer"][4], runs["optax.adam"][4]
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(f"time ratio jaxscope/optax: median {statistics.median(ratios):.3f} "
          f"(rounds {min(ratios):.3f}-{max(ratios):.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
