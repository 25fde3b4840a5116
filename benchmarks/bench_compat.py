"""What a compat op costs a user beside the jnp expression it stands for.

Tracing (``jax.make_jaxpr``) of a model body that calls each op 200 times, written with
``jaxscope.compat.v1`` ops and again with their jnp twins; the ratio is what a ported TF1 model
pays in trace time for TF1's signatures, dtype rules, build-time checks and op naming (the
issue's bar: <= 1.2). After ``jax.jit`` there is nothing to pay: tests/test_compat_hlo.py checks
that the optimized HLO is identical. Rows are median of ``--rounds``, inside ``js.transform`` (where
ops take part in TF1's naming) and outside.

Run: ``python benchmarks/bench_compat.py`` (about a minute), ``--quick`` for a smoke run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js
import jaxscope.compat.v1 as tf

OPS = {
    "reshape": (lambda x: tf.reshape(x, [4, -1]), lambda x: jnp.reshape(x, (4, -1))),
    "concat": (lambda x: tf.concat([x, x], 1)[:, :3], lambda x: jnp.concatenate([x, x], 1)[:, :3]),
    "transpose": (
        lambda x: tf.transpose(x, [0, 2, 1]).reshape(x.shape),
        lambda x: jnp.transpose(x, (0, 2, 1)).reshape(x.shape),
    ),  # fmt: skip
    "expand_squeeze": (
        lambda x: tf.squeeze(tf.expand_dims(x, 0), [0]),
        lambda x: jnp.squeeze(jnp.expand_dims(x, 0), 0),
    ),  # fmt: skip
    "where": (
        lambda x: tf.where(x > 0, x, tf.zeros_like(x)),
        lambda x: jnp.where(x > 0, x, jnp.zeros_like(x)),
    ),  # fmt: skip
    "cast": (
        lambda x: tf.cast(tf.cast(x, tf.int32), tf.float32),
        lambda x: x.astype(jnp.int32).astype(jnp.float32),
    ),  # fmt: skip
}


def _trace_seconds(op, x, n, inside):
    def body(x):
        for _ in range(n):
            x = op(x)
        return x

    fn = (lambda x: js.transform(body).apply({}, x)) if inside else body
    t = time.perf_counter()
    jax.make_jaxpr(fn)(x)
    return time.perf_counter() - t


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    rounds, n = (2, 20) if a.quick else (a.rounds, a.n)
    x = jnp.ones((4, 3, 2), jnp.float32)
    print(f"jax {jax.__version__}, {platform.processor() or platform.machine()}, {n} calls/trace")
    print(f"{'op':16s} {'where':8s} {'compat ms':>10s} {'jnp ms':>8s} {'ratio':>6s}")
    rows = {}
    for name, (ours, twin) in OPS.items():
        for inside in (False, True):
            ts = {k: [] for k in ("ours", "twin")}
            for _ in range(rounds):  # interleaved
                ts["ours"].append(_trace_seconds(ours, x, n, inside))
                ts["twin"].append(_trace_seconds(twin, x, n, inside))
            o, t = statistics.median(ts["ours"]), statistics.median(ts["twin"])
            where = "in js" if inside else "plain"
            rows[(name, where)] = o / t
            print(f"{name:16s} {where:8s} {o * 1e3:10.2f} {t * 1e3:8.2f} {o / t:6.2f}")
    print(f"geometric mean ratio: {np.exp(np.mean(np.log(list(rows.values())))):.2f}")
    return rows


if __name__ == "__main__":
    main()
