"""Assigns in place: scatter 128 rows into a 1,000,000 x 128 float32 table (512 MB), with and
without buffer donation, beside the same update in plain JAX with an explicit array.

Prints, per variant, the step time (median of repeats) and XLA's own memory analysis of the
compiled step (``compiled.memory_analysis()``: bytes aliased to the donated input, temporary
bytes, output bytes). With donation the table is updated in place (alias = table, no copy);
without, every step writes a fresh 512 MB table.

Run: ``python benchmarks/bench_state.py [--rows 1000000] [--repeats 20]``
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import time

import jax
import jax.numpy as jnp

import jaxscope as js


def model(idx, rows):
    table = js.get_variable(
        "embed/table", [ROWS, 128], trainable=False, initializer=js.zeros_initializer()
    )
    js.scatter_update(table, idx, rows)
    return table[idx[0], 0]


def plain(table, idx, rows):
    table = table.at[idx].set(rows, mode="drop")
    return table[idx[0], 0], table


ROWS = 1_000_000


def measure(step, state, idx, rows, repeats):
    compiled = step.lower(state, idx, rows).compile()
    ma = compiled.memory_analysis()
    times = []
    for i in range(repeats + 2):
        t0 = time.perf_counter()
        out, state = compiled(state, idx + i, rows)
        jax.block_until_ready(state)
        if i >= 2:  # warm-up
            times.append(time.perf_counter() - t0)
    return statistics.median(times), ma


def main(argv=None):
    global ROWS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=ROWS)
    p.add_argument("--repeats", type=int, default=20)
    args = p.parse_args(argv)
    ROWS = args.rows
    idx = jax.random.randint(jax.random.key(0), [128], 0, ROWS - 100)
    rows = jnp.ones([128, 128])
    f = js.transform(model)
    apply = functools.partial(f.apply, mutable=True)
    print(f"{jax.devices()[0].device_kind} ({platform.processor() or platform.machine()}), "
          f"jax {jax.__version__}; table {ROWS:,} x 128 float32 = {ROWS * 512 / 2**20:,.0f} MiB")  # fmt: skip
    print(f"{'variant':34s} {'step ms':>9s} {'alias MiB':>10s} {'temp MiB':>9s} {'out MiB':>8s}")
    results = {}
    for name, step, make in [
        ("jaxscope, donated", jax.jit(apply, donate_argnums=0), lambda: f.init(jax.random.key(0), idx, rows)),
        ("jaxscope, not donated", jax.jit(apply), lambda: f.init(jax.random.key(0), idx, rows)),
        ("plain JAX, donated", jax.jit(plain, donate_argnums=0), lambda: jnp.zeros([ROWS, 128])),
        ("plain JAX, not donated", jax.jit(plain), lambda: jnp.zeros([ROWS, 128])),
    ]:  # fmt: skip
        seconds, ma = measure(step, make(), idx, rows, args.repeats)
        results[name] = seconds
        mib = 2**20
        print(
            f"{name:34s} {seconds * 1e3:9.3f} {ma.alias_size_in_bytes / mib:10.1f} "
            f"{ma.temp_size_in_bytes / mib:9.1f} {ma.output_size_in_bytes / mib:8.1f}"
        )
    print(
        f"donation speed-up (jaxscope): {results['jaxscope, not donated'] / results['jaxscope, donated']:.0f}x; "
        f"jaxscope / plain JAX (donated): {results['jaxscope, donated'] / results['plain JAX, donated']:.2f}"
    )  # fmt: skip


if __name__ == "__main__":
    main()
