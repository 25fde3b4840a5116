"""Core overheads of jaxscope, beside dm-haiku, flax linen and plain JAX, in one process.

1. Tracing cost per variable access (µs per call) for a model with N variables (default 10,000):
   ``create`` is tracing ``init`` (every call creates; for jaxscope this includes the abstract
   pass and the grouped draws), ``reuse`` is tracing ``apply`` (every call looks up). Compared with ``hk.get_parameter`` and flax linen's ``self.param`` on the same model.
   The model only accesses its variables, with a zeros initializer, so the numbers measure the
   variable machinery, not arithmetic or random draws.
2. Compile time of ``jax.jit(init)`` for 500 randomly initialized variables (the trap of drawing
   each variable separately), beside haiku.
3. Steady-state step time of ``jax.jit`` training step of an MLP written with jaxscope, beside the
   same MLP in plain JAX with explicit parameters (ratio; 1.00 means zero overhead).

Run: ``python benchmarks/bench_core.py`` (needs ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time

import jax
import jax.numpy as jnp

import jaxscope as js


# --- 1. tracing cost ---------------------------------------------------------------------------
def js_model(n, per_scope=100):
    def fn():
        for s in range(n // per_scope):
            with js.variable_scope(f"layer{s}"):
                for i in range(per_scope):
                    js.get_variable(f"w{i}", [4], initializer=js.zeros_initializer())

    return js.transform(fn)


def haiku_model(n, per_scope=100):
    import haiku as hk

    def fn():
        for s in range(n // per_scope):
            with hk.name_scope(f"layer{s}"):
                for i in range(per_scope):
                    hk.get_parameter(f"w{i}", [4], init=jnp.zeros)

    return hk.transform(fn)


def flax_model(n, per_scope=100):
    import flax.linen as nn

    class Layer(nn.Module):
        @nn.compact
        def __call__(self):
            for i in range(per_scope):
                self.param(f"w{i}", nn.initializers.zeros, (4,))

    class Model(nn.Module):
        @nn.compact
        def __call__(self):
            for s in range(n // per_scope):
                Layer(name=f"layer{s}")()

    return Model()


def trace_time(fn, arg, repeat=3):
    """Best time spent *inside* ``jax.make_jaxpr(fn)(arg)``: the framework's own tracing work.

    jax's handling of the arguments (flattening and abstracting the variables tree) is left out:
    it is the same work for every framework.
    """
    best = float("inf")
    for _ in range(repeat):
        spent = {}

        def traced(a, spent=spent):
            t0 = time.perf_counter()
            fn(a)
            spent["t"] = time.perf_counter() - t0

        gc.collect()
        gc.disable()
        try:
            jax.make_jaxpr(traced)(arg)
        finally:
            gc.enable()
        best = min(best, spent["t"])
    return best


def tracing(n):
    key = jax.random.key(0)
    rows = []
    f = js_model(n)
    v = f.init(key)
    rows.append(("jaxscope get_variable", trace_time(f.init, key), trace_time(f.apply, v)))
    try:
        h = haiku_model(n)
        hv = h.init(key)
        rows.append(
            (
                "haiku get_parameter",
                trace_time(h.init, key),
                trace_time(lambda p: h.apply(p, None), hv),
            )
        )
    except ImportError:
        print("(dm-haiku not installed: pip install -e '.[bench]')")
    try:
        m = flax_model(n)
        mv = m.init(key)
        rows.append(("flax linen self.param", trace_time(m.init, key), trace_time(m.apply, mv)))
    except ImportError:
        print("(flax not installed: pip install -e '.[bench]')")
    print(f"\n1. Tracing cost per variable access, {n} variables (inside make_jaxpr, best of 3)")
    print(
        f"{'':26s}{'create µs/call':>16s}{'reuse µs/call':>16s}{'create ratio':>14s}{'reuse ratio':>13s}"
    )
    base_c, base_r = rows[0][1], rows[0][2]
    for name, c, r in rows:
        print(
            f"{name:26s}{c / n * 1e6:16.1f}{r / n * 1e6:16.1f}{c / base_c:14.2f}{r / base_r:13.2f}"
        )


# --- 2. compile time of jit(init) with many random variables -----------------------------------
def compile_init(n):
    key = jax.random.key(0)

    def fn():
        for i in range(n):
            js.get_variable(
                f"w{i}", [16, 16], initializer=js.random_normal_initializer(stddev=0.02)
            )

    f = js.transform(fn)
    t0 = time.perf_counter()
    jax.jit(f.init).lower(key).compile()
    ours = time.perf_counter() - t0
    print(f"\n2. jax.jit(init) lower+compile, {n} random-normal variables")
    print(f"   jaxscope (grouped, vmapped draw): {ours:8.2f} s")
    try:
        import haiku as hk

        def hfn():
            for i in range(n):
                hk.get_parameter(f"w{i}", [16, 16], init=hk.initializers.RandomNormal(0.02))

        h = hk.transform(hfn)
        t0 = time.perf_counter()
        jax.jit(h.init).lower(key).compile()
        theirs = time.perf_counter() - t0
        print(f"   haiku (one draw per parameter):   {theirs:8.2f} s   ratio {theirs / ours:.1f}x")
    except ImportError:
        pass


# --- 3. jit step time vs plain JAX -------------------------------------------------------------
def mlp_js(x, sizes):
    for i, size in enumerate(sizes):
        with js.variable_scope(f"fc{i}"):
            w = js.get_variable("weights", [x.shape[1], size])
            b = js.get_variable("biases", [size], initializer=js.zeros_initializer())
            x = x @ w + b
            if i < len(sizes) - 1:
                x = jax.nn.relu(x)
    return x


def mlp_plain(params, x, sizes):
    for i in range(len(sizes)):
        p = params[f"fc{i}"]
        x = x @ p["weights"] + p["biases"]
        if i < len(sizes) - 1:
            x = jax.nn.relu(x)
    return x


def step_time(batch, width, depth, iters):
    sizes = [width] * (depth - 1) + [10]
    x = jax.random.normal(jax.random.key(1), (batch, width))
    y = jax.random.normal(jax.random.key(2), (batch, 10))
    f = js.transform(lambda x: mlp_js(x, sizes))
    variables = f.init(jax.random.key(0), x)

    def loss_js(params, x, y):
        return jnp.mean((f.apply({"params": params}, x) - y) ** 2)

    def loss_plain(params, x, y):
        return jnp.mean((mlp_plain(params, x, sizes) - y) ** 2)

    def make_step(loss):
        @jax.jit
        def step(params, x, y):
            g = jax.grad(loss)(params, x, y)
            return jax.tree.map(lambda p, g: p - 1e-3 * g, params, g)

        return step

    steps = {"jaxscope": make_step(loss_js), "plain JAX": make_step(loss_plain)}
    times = {k: [] for k in steps}
    params = {k: variables["params"] for k in steps}
    for k, s in steps.items():  # compile + warm up
        params[k] = jax.block_until_ready(s(params[k], x, y))
    for _ in range(7):  # interleave to share machine noise
        for k, s in steps.items():
            p = params[k]
            t0 = time.perf_counter()
            for _ in range(iters):
                p = s(p, x, y)
            jax.block_until_ready(p)
            times[k].append((time.perf_counter() - t0) / iters)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n3. jit training step, MLP {depth}x{width}, batch {batch} (median of 7x{iters} steps)")
    for k in steps:
        print(f"   {k:10s} {med[k] * 1e6:10.1f} µs/step   ratio {med[k] / med['plain JAX']:.3f}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--variables", type=int, default=10_000)
    p.add_argument("--compile-variables", type=int, default=500)
    p.add_argument("--iters", type=int, default=200)
    a = p.parse_args(argv)
    print(
        f"jax {jax.__version__}, backend {jax.default_backend()}, {jax.devices()[0].device_kind}, "
        f"{platform.processor() or platform.machine()}"
    )
    tracing(a.variables)
    compile_init(a.compile_variables)
    step_time(batch=256, width=512, depth=4, iters=a.iters)


if __name__ == "__main__":
    main()
