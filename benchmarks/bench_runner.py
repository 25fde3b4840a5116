"""What ``js.train.Runner`` costs beside a hand-written jitted train step.

A TF1-style program (a 3-layer MLP with its Adam train op and global step built inside the
model, as TF1 scripts build them) is run by ``js.train.Runner.run(["cost", "train_op"])``; the
baseline is the same model as a pure ``js.transform`` with a hand-written ``jax.jit`` step
(``jax.grad`` of ``apply``, ``js.train.AdamOptimizer.update``, ``optax.apply_updates``,
variables and optimizer state donated). Rows: time to the first step (trace + compile + run, in
this process: both paths warm jax up the same way, the runner's first), and the steady step
(median of ``--steps`` steps after warm-up, interleaved in rounds). The goal: steady ratio
1.00 +/- 0.02 (the runner's step is one compiled program with donated buffers). Both paths are
checked to compute the same losses and weights first.

Run: ``python benchmarks/bench_runner.py`` (under a minute), ``--quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import jaxscope as js
import jaxscope.compat.v1 as tf

WIDTH, BATCH = 256, 64


def program(x, y):
    h = x
    for i in range(3):
        h = tf.layers.dense(h, WIDTH, activation=tf.nn.relu, name=f"h{i}")
    cost = tf.reduce_mean(tf.square(tf.layers.dense(h, 1, name="out") - y))
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(1e-3).minimize(cost, global_step=step)
    return {"cost": cost, "train_op": train_op}


def model(x, y):
    h = x
    for i in range(3):
        h = js.layers.dense(h, WIDTH, activation=jax.nn.relu, name=f"h{i}")
    return jnp.mean(jnp.square(js.layers.dense(h, 1, name="out") - y))


def hand_written(variables):
    f = js.transform(model)
    opt = js.train.AdamOptimizer(1e-3)
    params = variables["params"]
    state = {k: v for k, v in js.checkpoint.flatten(variables).items() if "Adam" in k or "power"
             in k}  # fmt: skip
    names = {k: k for k in js.checkpoint.flatten(params)}
    assert all(f"{n}/Adam" in state for n in names)

    def step(params, opt_state, x, y):
        cost, grads = jax.value_and_grad(lambda p: f.apply({"params": p}, x, y))(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return cost, optax.apply_updates(params, updates), opt_state

    return jax.jit(step, donate_argnums=(0, 1)), params, state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    steps = 10 if args.quick else args.steps
    rng = np.random.RandomState(0)
    x = rng.randn(BATCH, 32).astype(np.float32)
    y = rng.randn(BATCH, 1).astype(np.float32)

    runner = js.train.Runner(program)
    runner.init(jax.random.key(0), x, y)
    start = jax.tree.map(jnp.array, runner.variables)
    t = time.perf_counter()
    first = runner.run(["cost", "train_op"], x, y)[0]
    jax.block_until_ready(runner.variables)
    runner_first = time.perf_counter() - t

    step, params, state = hand_written(jax.tree.map(jnp.array, start))
    t = time.perf_counter()
    cost, params, state = step(params, state, x, y)
    jax.block_until_ready(params)
    hand_first = time.perf_counter() - t
    np.testing.assert_allclose(cost, first, rtol=1e-6)
    flat = js.checkpoint.flatten(runner.variables)
    for name, value in js.checkpoint.flatten(params).items():
        np.testing.assert_allclose(value, flat[name], rtol=1e-5, atol=1e-6, err_msg=name)

    ours, theirs = [], []
    for _ in range(steps):
        t = time.perf_counter()
        jax.block_until_ready(runner.run(["cost", "train_op"], x, y))
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        cost, params, state = step(params, state, x, y)
        jax.block_until_ready(cost)
        theirs.append(time.perf_counter() - t)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"jax {jax.__version__}, {platform.machine()}, {jax.devices()[0].platform}, "
          f"MLP 3x{WIDTH}, batch {BATCH}, {steps} steps")  # fmt: skip
    print(f"{'':28} {'Runner':>10} {'hand jit':>10} {'ratio':>7}")
    print(f"{'first step (s)':28} {runner_first:10.3f} {hand_first:10.3f} "
          f"{runner_first / hand_first:7.2f}")  # fmt: skip
    print(f"{'steady step (ms)':28} {a * 1e3:10.3f} {b * 1e3:10.3f} {a / b:7.2f}")


if __name__ == "__main__":
    main()
