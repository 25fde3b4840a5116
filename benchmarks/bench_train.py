"""A jitted training step with ``jaxscope.train.AdamOptimizer`` vs ``optax.adam``: time and memory.

The same MLP, loss and donated buffers; only the optimizer differs (TF1's Adam arithmetic and
slot names vs optax's). Prints each one's median step time, XLA's memory analysis of the
compiled step, and the per-round time ratio (interleaved rounds; > 1: jaxscope slower).

Run: ``python benchmarks/bench_train.py [--sizes 512,1024,1024,10] [--batch 256] [--rounds 7]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

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


def make_step(opt, x, y, depth):
    def loss(params):
        h = x
        for i in range(depth):
            h = h @ params[f"layer_{i}"]["kernel"] + params[f"layer_{i}"]["bias"]
            h = jax.nn.relu(h) if i < depth - 1 else h
        return jnp.mean((h - y) ** 2)

    def step(params, opt_state):
        updates, opt_state = opt.update(jax.grad(loss)(params), opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    return jax.jit(step, donate_argnums=(0, 1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="512,1024,1024,10")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    key = jax.random.key(0)
    x = jax.random.normal(key, (args.batch, sizes[0]))
    y = jax.random.normal(jax.random.fold_in(key, 1), (args.batch, sizes[-1]))
    runs = {}
    for name, opt in (
        ("optax.adam", optax.adam(1e-3, eps=1e-8)),
        ("js.train.AdamOptimizer", js.train.AdamOptimizer(1e-3, epsilon=1e-8)),
    ):
        step = make_step(opt, x, y, len(sizes) - 1)
        params = mlp(sizes, key)
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
          f"jax {jax.__version__}, MLP {args.sizes}, batch {args.batch}")  # fmt: skip
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
