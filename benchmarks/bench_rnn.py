"""Step time of an LSTM's forward + backward pass: ``jaxscope.nn.dynamic_rnn`` against a
hand-written ``lax.scan`` LSTM in plain JAX (the same arithmetic) and TF1 graph mode's
``tf.nn.dynamic_rnn`` + ``tf.gradients``, on the same CPU, interleaved rounds.

Run: ``python benchmarks/bench_rnn.py`` (batch 64, 100 steps, 512 units; a few minutes on 2
cores) or ``--quick``. Prints the median step time of each (wall clock, and the process's CPU time
over all threads, the fairer clock on a loaded machine) and the ratios within each round.

``python benchmarks/bench_rnn.py --ptb`` (about a minute; ``--quick`` for 2 rounds of 5 steps):
the time to the first step of the PTB tutorial's model (2 x 200 LSTM, 20 steps, batch 20):
trace, compile and the first run of ``jax.jit(jax.grad(loss))``, wall clock, for the tutorial's
hand-written unrolled loop (``reuse_variables()`` after step 0), ``js.nn.static_rnn`` (step 0,
then one scan), ``js.nn.dynamic_rnn``, and plain JAX unrolled and ``lax.scan``; fresh functions
each round, interleaved; then each compiled step's steady time. Ratios are to the hand loop.
"""

from __future__ import annotations

import argparse
import functools
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


def _ptb_cell(units, layers):
    rc = js.nn.rnn_cell
    return rc.MultiRNNCell([rc.BasicLSTMCell(units) for _ in range(layers)])


def ptb_models(batch, steps, units, layers):
    """The PTB tutorial's RNN graph written three ways; each returns (outputs, final state)."""

    def hand(x):  # the tutorial's loop, as written
        cell = _ptb_cell(units, layers)
        state, outputs = cell.zero_state(batch, jnp.float32), []
        with js.variable_scope("RNN"):
            for time_step in range(steps):
                if time_step > 0:
                    js.get_variable_scope().reuse_variables()
                (cell_output, state) = cell(x[:, time_step, :], state)
                outputs.append(cell_output)
        return jnp.stack(outputs, 1), state

    def static(x):
        cell = _ptb_cell(units, layers)
        state = cell.zero_state(batch, jnp.float32)
        inputs = [x[:, t, :] for t in range(steps)]
        outputs, state = js.nn.static_rnn(cell, inputs, initial_state=state, scope="RNN")
        return jnp.stack(outputs, 1), state

    def dynamic(x):
        cell = _ptb_cell(units, layers)
        state = cell.zero_state(batch, jnp.float32)
        return js.nn.dynamic_rnn(cell, x, initial_state=state, scope="RNN")

    return {"hand loop": hand, "static_rnn": static, "dynamic_rnn": dynamic}


def _plain_lstm(params, layers, scan):
    """The same LSTM stack in plain JAX: a Python loop over time, or one ``lax.scan``."""
    ws = [params["RNN"]["multi_rnn_cell"][f"cell_{i}"]["basic_lstm_cell"] for i in range(layers)]

    def cell(states, x_t):
        new = []
        for w, (c, h) in zip(ws, states, strict=True):
            i, j, f, o = jnp.split(jnp.concatenate([x_t, h], 1) @ w["kernel"] + w["bias"], 4, 1)
            c = c * jax.nn.sigmoid(f + 1.0) + jax.nn.sigmoid(i) * jnp.tanh(j)
            x_t = h = jnp.tanh(c) * jax.nn.sigmoid(o)
            new.append((c, h))
        return new, x_t

    def run(x):
        units = ws[0]["bias"].shape[0] // 4
        zeros = jnp.zeros([x.shape[0], units], x.dtype)
        states = [(zeros, zeros)] * layers
        if scan:
            states, outs = jax.lax.scan(cell, states, jnp.swapaxes(x, 0, 1))
            return jnp.swapaxes(outs, 0, 1), states
        outs = []
        for t in range(x.shape[1]):
            states, out = cell(states, x[:, t])
            outs.append(out)
        return jnp.stack(outs, 1), states

    return run


def _loss(outputs_and_state):
    outputs, state = outputs_and_state
    return jnp.sum(outputs**2) + sum(jnp.sum(leaf) for leaf in jax.tree.leaves(state))


def _apply_loss(apply, params, x):
    return _loss(apply({"params": params}, x))


def _plain_loss(layers, scan, params, x):
    return _loss(_plain_lstm(params, layers, scan)(x))


def ptb_first_step(batch=20, steps=20, units=200, layers=2, rounds=3):
    """Time to the first ``jax.jit(jax.grad(loss))`` step of each way of writing the PTB RNN
    (trace + compile + first run, wall; fresh functions each round), then the steady step."""
    x = jnp.asarray(np.random.default_rng(0).normal(size=[batch, steps, units]), jnp.float32)
    models = {
        name: js.transform(fn) for name, fn in ptb_models(batch, steps, units, layers).items()
    }
    params = models["hand loop"].init(jax.random.key(0), x)["params"]
    for name, f in models.items():  # the same tree: the same TF1 names
        assert jax.tree.structure(f.init(jax.random.key(0), x)["params"]) == jax.tree.structure(
            params
        ), name

    def makers():
        for name, f in models.items():
            yield name, functools.partial(_apply_loss, f.apply)
        for name, scan in (("plain unrolled", False), ("plain lax.scan", True)):
            yield name, functools.partial(_plain_loss, layers, scan)

    first = {name: [] for name, _ in makers()}
    compile_s = {name: [] for name in first}
    steps_fn = {}
    for _ in range(rounds):
        for name, loss in makers():
            t0 = time.perf_counter()
            lowered = jax.jit(jax.grad(loss, argnums=(0, 1))).lower(params, x)
            t1 = time.perf_counter()
            compiled = lowered.compile()
            t2 = time.perf_counter()
            jax.block_until_ready(compiled(params, x))
            first[name].append(time.perf_counter() - t0)
            compile_s[name].append(t2 - t1)
            steps_fn[name] = compiled
    steady = {name: [] for name in first}
    for _ in range(max(5, 3 * rounds)):
        for name, compiled in steps_fn.items():
            t = time.perf_counter()
            jax.block_until_ready(compiled(params, x))
            steady[name].append(time.perf_counter() - t)
    print(f"PTB RNN ({layers} x {units} LSTM, {steps} steps, batch {batch}), jax.jit(jax.grad): "
          f"{rounds} interleaved rounds, jax {jax.__version__}, {os.cpu_count()} CPUs")  # fmt: skip
    base = first["hand loop"]
    for name in first:
        r = [a / b for a, b in zip(first[name], base, strict=True)]
        print(f"  {name:<15} first step median {statistics.median(first[name]):6.2f} s "
              f"(XLA compile {statistics.median(compile_s[name]):6.2f} s), "
              f"x{statistics.median(r):.3f} of the hand loop ({min(r):.3f}-{max(r):.3f}); "
              f"steady step {statistics.median(steady[name]) * 1e3:7.2f} ms")  # fmt: skip
    return {"first": first, "compile": compile_s, "steady": steady}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--depth", type=int, default=512)
    p.add_argument("--units", type=int, default=512)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--no-tf", action="store_true")
    p.add_argument("--quick", action="store_true", help="batch 8, 20 steps, 64 units, 3 rounds")
    p.add_argument("--ptb", action="store_true", help="time to first step of the PTB RNN")
    a = p.parse_args(argv)
    if a.ptb:
        kw = {"steps": 5, "rounds": 2} if a.quick else {}
        return ptb_first_step(**kw)
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
