"""Step time of an LSTM's forward + backward pass: ``jaxscope.nn.dynamic_rnn`` against a
hand-written ``lax.scan`` LSTM in plain JAX (the same arithmetic) and TF1 graph mode's
``tf.nn.dynamic_rnn`` + ``tf.gradients``, on the same CPU, interleaved rounds.

Run: ``python benchmarks/bench_rnn.py`` (batch 64, 100 steps, 512 units; a few minutes on 2
cores) or ``--quick``. Prints the median step time of each (wall clock, and the process's CPU time
over all threads, the fairer clock on a loaded machine) and the ratios within each round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js


def jaxscope_step(batch, steps, depth, units):
    def model(x):
        cell = js.nn.rnn_cell.BasicLSTMCell(units)
        out, state = js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)
        return jnp.sum(out) + jnp.sum(state.c)

    f = js.transform(model)
    x = jnp.asarray(np.random.default_rng(0).normal(size=[batch, steps, depth]), jnp.float32)
    params = f.init(jax.random.key(0), x)["params"]
    step = jax.jit(jax.grad(lambda p, x: f.apply({"params": p}, x), argnums=(0, 1)))
    return lambda: jax.block_until_ready(step(params, x)), params, x


def plain_step(params, x, units):
    kernel = params["rnn"]["basic_lstm_cell"]["kernel"]
    bias = params["rnn"]["basic_lstm_cell"]["bias"]

    def loss(kernel, bias, x):
        def cell(carry, x_t):
            c, h = carry
            i, j, f, o = jnp.split(jnp.concatenate([x_t, h], 1) @ kernel + bias, 4, axis=1)
            c = c * jax.nn.sigmoid(f + 1.0) + jax.nn.sigmoid(i) * jnp.tanh(j)
            h = jnp.tanh(c) * jax.nn.sigmoid(o)
            return (c, h), h

        zeros = jnp.zeros([x.shape[0], units], x.dtype)
        (c, _), out = jax.lax.scan(cell, (zeros, zeros), jnp.swapaxes(x, 0, 1))
        return jnp.sum(out) + jnp.sum(c)

    step = jax.jit(jax.grad(loss, argnums=(0, 1, 2)))
    return lambda: jax.block_until_ready(step(kernel, bias, x))


def tf1_step(x_np, units):
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(x_np)
        out, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(units), x, dtype=tf.float32)
        loss = tf.reduce_sum(out) + tf.reduce_sum(state.c)
        grads = tf.gradients(loss, [*tf.trainable_variables(), x])
        sess = tf.Session(graph=graph)
        sess.run(tf.global_variables_initializer())
    return lambda: sess.run(grads)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--depth", type=int, default=512)
    p.add_argument("--units", type=int, default=512)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--no-tf", action="store_true")
    p.add_argument("--quick", action="store_true", help="batch 8, 20 steps, 64 units, 3 rounds")
    a = p.parse_args(argv)
    if a.quick:
        a.batch, a.steps, a.depth, a.units, a.rounds = 8, 20, 64, 64, 3
    run_js, params, x = jaxscope_step(a.batch, a.steps, a.depth, a.units)
    runs = {"jaxscope": run_js, "plain JAX": plain_step(params, x, a.units)}
    if not a.no_tf:
        runs["TF1 graph"] = tf1_step(np.asarray(x), a.units)
    for run in runs.values():  # compile / warm up
        run()
    times = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    for _ in range(a.rounds):
        for name, run in runs.items():
            t, c = time.perf_counter(), time.process_time()
            run()
            cpu[name].append(time.process_time() - c)
            times[name].append(time.perf_counter() - t)
    print(f"LSTM forward+backward, batch {a.batch}, {a.steps} steps, depth {a.depth}, "
          f"{a.units} units; {a.rounds} interleaved rounds, jax {jax.__version__}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    for name, ts in times.items():
        print(f"  {name:<10} median {statistics.median(ts) * 1e3:8.1f} ms wall, "
              f"{statistics.median(cpu[name]) * 1e3:8.1f} ms CPU (all threads)")  # fmt: skip
    ratios = {}
    for clock, ts in (("wall", times), ("CPU", cpu)):
        for other in [n for n in runs if n != "jaxscope"]:
            r = [j / o for j, o in zip(ts["jaxscope"], ts[other], strict=True)]
            ratios[clock, other] = (statistics.median(r), min(r), max(r))
            print(f"  {clock:<4} jaxscope / {other}: median {ratios[clock, other][0]:.3f} "
                  f"(range {ratios[clock, other][1]:.3f}-{ratios[clock, other][2]:.3f})")  # fmt: skip
    return {"times": times, "cpu": cpu, "ratios": ratios}


if __name__ == "__main__":
    main()
