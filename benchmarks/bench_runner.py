"""What ``js.train.Runner`` costs beside a hand-written jitted train step, and its time to the
first step beside TF1's.

A TF1-style program (a 3-layer MLP with its Adam train op and global step built inside the
model, as TF1 scripts build them) is run by ``js.train.Runner.run(["cost", "train_op"])``. The
baselines: the same model as a pure ``js.transform`` with a hand-written ``jax.jit`` step
(``jax.grad`` of ``apply``, ``js.train.AdamOptimizer.update``, ``optax.apply_updates``, variables
and optimizer state donated), and the same program in TF1 graph mode (``tf.compat.v1``, a
``Session``; needs tensorflow, in ``[test]``).

Rows:

* ``to first step``: each side in a fresh process, from the end of its imports to the first
  completed train step (jaxscope: ``init`` + trace + compile + run; TF1: graph build +
  ``global_variables_initializer`` + the first ``session.run``); processes interleaved, best of
  ``--rounds``.
* ``steady step``: in one process, the runner and the hand-written step alternately, in rounds
  of ``BLOCK`` steps run as a training loop runs them (the next step dispatched while the last
  runs; the round waits for its last), which goes first alternating, ``--steps`` steps in all;
  the hand-written step counts the global step as the program does. The figure is the median
  per-round ratio and its
  10-90% range. Goal: 1.00 +/- 0.02 (the runner's step is one compiled program with donated
  buffers). Both paths are first checked to compute the same losses and weights.

Run: ``python benchmarks/bench_runner.py`` (about a minute), ``--quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

WIDTH, BATCH, FEATURES = 256, 64, 32
SIDES = ("runner", "hand jit", "tf1")
BLOCK = 10  # steady steps per timed round


def data():
    import numpy as np

    rng = np.random.RandomState(0)
    x = rng.randn(BATCH, FEATURES).astype(np.float32)
    return x, rng.randn(BATCH, 1).astype(np.float32)


def program(tf, x, y):
    """The TF1 program, for ``jaxscope.compat.v1`` and ``tensorflow.compat.v1`` alike."""
    h = x
    for i in range(3):
        h = tf.layers.dense(h, WIDTH, activation=tf.nn.relu, name=f"h{i}")
    cost = tf.reduce_mean(tf.square(tf.layers.dense(h, 1, name="out") - y))
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(1e-3).minimize(cost, global_step=step)
    return {"cost": cost, "train_op": train_op}


def runner_first_step():
    """A started ``Runner`` after its first step: init, trace, compile, run."""
    import jax

    import jaxscope as js
    import jaxscope.compat.v1 as tf

    x, y = data()
    runner = js.train.Runner(lambda x, y: program(tf, x, y))
    runner.init(jax.random.key(0), x, y)
    jax.block_until_ready(runner.run(["cost", "train_op"], x, y))
    return runner


def hand_written(variables):
    """The hand-written step of the same model, and its params and optimizer state."""
    import jax
    import jax.numpy as jnp
    import optax

    import jaxscope as js

    def model(x, y):
        h = x
        for i in range(3):
            h = js.layers.dense(h, WIDTH, activation=jax.nn.relu, name=f"h{i}")
        return jnp.mean(jnp.square(js.layers.dense(h, 1, name="out") - y))

    f = js.transform(model)
    opt = js.train.AdamOptimizer(1e-3)
    flat = js.checkpoint.flatten(variables)
    state = {k: v for k, v in flat.items() if "Adam" in k or "power" in k or k == "global_step"}
    params = variables["params"]
    assert all(f"{n}/Adam" in state for n in js.checkpoint.flatten(params))

    def step(params, state, x, y):
        cost, grads = jax.value_and_grad(lambda p: f.apply({"params": p}, x, y))(params)
        opt_state = {k: v for k, v in state.items() if k != "global_step"}
        updates, opt_state = opt.update(grads, opt_state, params)
        # the TF1 program's minimize(global_step=...) counts its steps: so does this step
        opt_state["global_step"] = state["global_step"] + 1
        return cost, optax.apply_updates(params, updates), opt_state

    return jax.jit(step, donate_argnums=(0, 1)), params, state


def hand_first_step():
    """The hand-written step after its first step: init (of the same program), trace, compile,
    run."""
    import jax

    import jaxscope as js
    import jaxscope.compat.v1 as tf

    x, y = data()
    variables = js.transform(lambda x, y: program(tf, x, y)).init(jax.random.key(0), x, y)
    step, params, state = hand_written(variables)
    jax.block_until_ready(step(params, state, x, y))


def tf1_first_step():
    """TF1 graph mode: build, initialize, first ``session.run([cost, train_op])``."""
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    x, y = data()
    with tf.Graph().as_default():
        out = program(tf, tf.constant(x), tf.constant(y))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run([out["cost"], out["train_op"]])


def child(side: str) -> None:
    """One fresh process: imports, then the side's first step; prints its seconds."""
    if side == "tf1":
        import os

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers (tf-keras, in [test])
        import tensorflow.compat.v1  # noqa: F401
    else:
        import jax  # noqa: F401
        import optax  # noqa: F401

        import jaxscope.compat.v1  # noqa: F401
    t = time.perf_counter()
    {"runner": runner_first_step, "hand jit": hand_first_step, "tf1": tf1_first_step}[side]()
    print(f"FIRST {time.perf_counter() - t:.4f}")


def first_steps(rounds: int) -> dict[str, float]:
    best = {}
    for _ in range(rounds):
        for side in SIDES:
            args = [sys.executable, __file__, "--child", side]
            proc = subprocess.run(args, capture_output=True, text=True, timeout=600, check=True)
            seconds = float(proc.stdout.split("FIRST ")[-1])
            best[side] = min(best.get(side, seconds), seconds)
    return best


def steady(steps: int) -> tuple[float, float, float, float, float]:
    """Median runner and hand steps (ms), the median per-round ratio and its 10-90% range."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    import jaxscope as js

    x, y = data()
    runner = runner_first_step()
    # the hand-written step from the runner's variables before its first step: rerun that step
    start = js.train.Runner(runner._fn)
    start.init(jax.random.key(0), x, y)
    step, params, state = hand_written(jax.tree.map(jnp.array, start.variables))
    cost, params, state = step(params, state, x, y)
    flat = js.checkpoint.flatten(runner.variables)
    for name, value in js.checkpoint.flatten(params).items():
        np.testing.assert_allclose(value, flat[name], rtol=1e-5, atol=1e-6, err_msg=name)

    def run_runner():  # a round: BLOCK steps as a training loop runs them, then wait
        t = time.perf_counter()
        for _ in range(BLOCK):
            out = runner.run(["cost", "train_op"], x, y)
        jax.block_until_ready(out)
        return time.perf_counter() - t

    def run_hand():
        nonlocal params, state
        t = time.perf_counter()
        for _ in range(BLOCK):
            cost, params, state = step(params, state, x, y)
        jax.block_until_ready(cost)
        return time.perf_counter() - t

    ours, theirs = [], []
    for i in range(steps // BLOCK):
        if i % 2:
            ours.append(run_runner()), theirs.append(run_hand())
        else:
            theirs.append(run_hand()), ours.append(run_runner())
    np.testing.assert_allclose(
        runner.run(["cost"], x, y)[0], step(params, state, x, y)[0], rtol=1e-5
    )
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    lo, hi = ratios[len(ratios) // 10], ratios[(len(ratios) * 9) // 10]
    a, b = statistics.median(ours) / BLOCK, statistics.median(theirs) / BLOCK
    return a, b, statistics.median(ratios), lo, hi


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", choices=SIDES)
    args = ap.parse_args()
    if args.child:
        return child(args.child)
    import jax

    steps, rounds = (20, 1) if args.quick else (args.steps, args.rounds)
    first = first_steps(rounds)
    a, b, ratio, lo, hi = steady(steps)
    print(f"jax {jax.__version__}, {platform.machine()}, {jax.devices()[0].platform}, "
          f"MLP 3x{WIDTH}, batch {BATCH}, Adam in the program")  # fmt: skip
    print(f"to first step (s; fresh process each, after imports, best of {rounds}): "
          f"runner {first['runner']:.3f}, hand jit {first['hand jit']:.3f}, "
          f"TF1 graph build + first session.run {first['tf1']:.3f}; runner / TF1 "
          f"{first['runner'] / first['tf1']:.2f}, runner / hand jit "
          f"{first['runner'] / first['hand jit']:.2f}")  # fmt: skip
    print(f"steady step ({steps} steps, alternating rounds of {BLOCK}): runner {a * 1e3:.3f} ms, hand jit "
          f"{b * 1e3:.3f} ms; runner / hand jit, median of rounds {ratio:.3f} "
          f"(10-90%: {lo:.2f}-{hi:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
