"""What users wait for: jaxscope beside dm-haiku, flax linen, flax nnx and plain JAX.

Headline (``cold``): every figure from a fresh Python process per framework, processes
interleaved (jaxscope, haiku, linen, nnx, plain, then again ...), best of ``--rounds``:

* ``import``: importing jax + the framework;
* ``first init``: the first eager ``init`` in the process (compilations included);
* ``warm init``: a second eager ``init`` with another key, per variable;
* ``jit(apply) lower`` / ``compile``: ``jax.jit(apply).lower(params, x)`` and ``.compile()``;
* ``step``: a steady jitted SGD step (median of ``--steps``);
* ``to first step``: import -> init -> first jitted step done.

``--clock cpu`` reports each cold figure as the CPU time of its process (all threads) instead of
wall time: on a machine shared with other work, that is the figure that stays comparable.

The models are written as ported TF1 code writes them: scopes, several shapes (dense kernel and
bias, layer-norm gamma/beta, an embedding table read with ``jnp.take``), handles used directly
(``x @ w``, ``jax.nn.relu(w)``, ``jnp.sum(w)``). ``toy`` has 50 blocks of 6 variables (+ the
embedding: 301); ``bert`` is BERT-Base-shaped (199 variables, 110M parameters; init only).
``jaxscope .value`` is the jaxscope model reading ``handle.value``: beside ``jaxscope`` it shows
what using handles directly costs.

Then ``jax.jit(init)`` of the BERT-shaped model and of 200 separately named random variables
(lower + compile, compiled run, outputs + temporaries from ``memory_analysis``) beside plain
per-variable draws. Secondary: the framework-only tracing cost of
``apply`` (µs per variable access inside ``make_jaxpr``; not what users wait for).

Run: ``python benchmarks/bench_core.py`` (about 5 minutes on 2 CPU cores), ``--quick`` for a smoke
run. Needs ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

# "jaxscope .value": the same jaxscope model reading ``handle.value`` instead of using the handle.
FRAMEWORKS = ("jaxscope", "jaxscope .value", "haiku", "linen", "nnx", "plain")
D, V, BLOCKS = 64, 1000, 50


# --- the model specification, shared by all frameworks -------------------------------------------
def bert_spec():
    """(path, shape, init) of BERT-Base's 199 variables; init is 'normal', 'zeros' or 'ones'."""
    h, ff = 768, 3072
    spec = [("embeddings/word", (30522, h), "normal"), ("embeddings/position", (512, h), "normal")]
    spec += [("embeddings/type", (2, h), "normal")]
    spec += [("embeddings/ln/gamma", (h,), "ones"), ("embeddings/ln/beta", (h,), "zeros")]
    for i in range(12):
        p = f"layer{i}/"
        for name in ("query", "key", "value", "output"):
            spec += [(p + f"attention/{name}/kernel", (h, h), "normal")]
            spec += [(p + f"attention/{name}/bias", (h,), "zeros")]
        spec += [(p + "attention/ln/gamma", (h,), "ones"), (p + "attention/ln/beta", (h,), "zeros")]
        spec += [
            (p + "intermediate/kernel", (h, ff), "normal"),
            (p + "intermediate/bias", (ff,), "zeros"),
        ]
        spec += [(p + "output/kernel", (ff, h), "normal"), (p + "output/bias", (h,), "zeros")]
        spec += [(p + "output/ln/gamma", (h,), "ones"), (p + "output/ln/beta", (h,), "zeros")]
    spec += [("pooler/kernel", (h, h), "normal"), ("pooler/bias", (h,), "zeros")]
    return spec  # fmt: skip


def toy_spec():
    spec = [("embedding", (V, D), "normal")]
    for i in range(BLOCKS):
        p = f"block{i}/"
        spec += [(p + "ln/gamma", (D,), "ones"), (p + "ln/beta", (D,), "zeros")]
        spec += [(p + "fc1/kernel", (D, 2 * D), "normal"), (p + "fc1/bias", (2 * D,), "zeros")]
        spec += [(p + "fc2/kernel", (2 * D, D), "normal"), (p + "fc2/bias", (D,), "zeros")]
    return spec


def forward(get, ids):
    """The toy network; ``get(path)`` returns a variable (a handle, an array, an nnx.Param)."""
    import jax
    import jax.numpy as jnp

    x = jnp.take(get("embedding"), ids, axis=0)
    for i in range(BLOCKS):
        p = f"block{i}/"
        u = x * get(p + "ln/gamma") + get(p + "ln/beta")  # (a layer norm without statistics)
        u = jax.nn.relu(u @ get(p + "fc1/kernel") + get(p + "fc1/bias"))
        x = x + u @ get(p + "fc2/kernel") + get(p + "fc2/bias")
    return jnp.mean(x * x) + 1e-6 * jnp.sum(get("embedding"))


# --- one framework, one fresh process ------------------------------------------------------------
def build(framework, spec):
    """Returns (init(key) -> params, apply(params, ids) -> loss) for ``framework``."""
    import jax
    import jax.numpy as jnp

    if framework in ("jaxscope", "jaxscope .value"):
        import jaxscope as js

        read = (lambda h: h.value) if framework == "jaxscope .value" else (lambda h: h)

        kinds = {
            "normal": js.truncated_normal_initializer(stddev=0.02),
            "zeros": js.zeros_initializer(),
            "ones": js.ones_initializer(),
        }

        def model(ids):
            handles = {}
            for path, shape, kind in spec:
                scope, _, name = path.rpartition("/")
                if scope:
                    with js.variable_scope(scope):
                        handles[path] = js.get_variable(name, shape, initializer=kinds[kind])
                else:
                    handles[path] = js.get_variable(name, shape, initializer=kinds[kind])
            return forward(lambda p: read(handles[p]), ids) if ids is not None else None

        f = js.transform(model)
        return (lambda key, ids: f.init(key, ids)), (lambda p, ids: f.apply(p, ids))
    if framework == "haiku":
        import haiku as hk

        kinds = {
            "normal": hk.initializers.TruncatedNormal(0.02),
            "zeros": jnp.zeros,
            "ones": jnp.ones,
        }

        def model(ids):
            got = {}
            for path, shape, kind in spec:
                scope, name = path.rsplit("/", 1) if "/" in path else ("", path)
                if scope:
                    with hk.name_scope(scope):
                        got[path] = hk.get_parameter(name, shape, init=kinds[kind])
                else:
                    got[path] = hk.get_parameter(name, shape, init=kinds[kind])
            return forward(got.__getitem__, ids) if ids is not None else None

        f = hk.transform(model)
        return (lambda key, ids: f.init(key, ids)), (lambda p, ids: f.apply(p, None, ids))
    if framework == "linen":
        import flax.linen as nn

        kinds = {
            "normal": nn.initializers.truncated_normal(0.02),
            "zeros": nn.initializers.zeros,
            "ones": nn.initializers.ones,
        }

        class Model(nn.Module):
            @nn.compact
            def __call__(self, ids):
                got = {p: self.param(p.replace("/", "."), kinds[k], s) for p, s, k in spec}
                return forward(got.__getitem__, ids) if ids is not None else None

        m = Model()
        return (lambda key, ids: m.init(key, ids)), (lambda p, ids: m.apply(p, ids))
    if framework == "nnx":
        from flax import nnx

        kinds = {
            "normal": nnx.initializers.truncated_normal(0.02),
            "zeros": nnx.initializers.zeros,
            "ones": nnx.initializers.ones,
        }

        class Model(nnx.Module):
            def __init__(self, rngs):
                self.p = nnx.Dict(
                    {path: nnx.Param(kinds[k](rngs.params(), s)) for path, s, k in spec}
                )

            def __call__(self, ids):
                return forward(self.p.__getitem__, ids)

        graphdef = None

        def init(key, ids):
            nonlocal graphdef
            graphdef, state = nnx.split(Model(nnx.Rngs(key)))
            return state

        return init, (lambda state, ids: nnx.merge(graphdef, state)(ids))

    # plain JAX: one jax.random call per variable
    def init(key, ids):
        params = {}
        for i, (path, shape, kind) in enumerate(spec):
            if kind == "normal":
                w = 0.02 * jax.random.truncated_normal(jax.random.fold_in(key, i), -2.0, 2.0, shape)
            else:
                w = (jnp.zeros if kind == "zeros" else jnp.ones)(shape)
            params[path] = w
        return params

    return init, (lambda p, ids: forward(p.__getitem__, ids))


def child(framework, model, steps, clock):
    now = time.process_time if clock == "cpu" else time.perf_counter
    t_start = now()
    import jax
    import jax.numpy as jnp

    spec = toy_spec() if model == "toy" else bert_spec()
    init, apply = build(framework, spec)
    t_import = now() - t_start
    ids = jnp.arange(16, dtype=jnp.int32) % V if model == "toy" else None
    t0 = now()
    params = jax.block_until_ready(init(jax.random.key(0), ids))
    t_first = now() - t0
    rss0 = _reset_peak_rss()
    t0 = now()
    warm = jax.block_until_ready(init(jax.random.key(1), ids))
    out = {"import": t_import, "first init": t_first, "warm init": now() - t0}
    if rss0 is not None and model == "bert":  # the warm init's peak RSS growth, over the params
        nbytes = sum(x.nbytes for x in jax.tree.leaves(warm))
        out["warm init peak RSS / params"] = (_rss("VmHWM") - rss0) / nbytes
    del warm
    out["variables"] = len(spec)
    if model == "toy":
        t0 = now()
        lowered = jax.jit(apply).lower(params, ids)
        out["jit(apply) lower"] = now() - t0
    if model == "toy" and steps:

        def step(p, ids):
            g = jax.grad(apply)(p, ids)
            return jax.tree.map(lambda a, b: a - 1e-3 * b, p, g)

        t0 = now()
        lowered.compile()
        out["jit(apply) compile"] = now() - t0
        jstep = jax.jit(step)
        params = jax.block_until_ready(jstep(params, ids))
        out["to first step"] = now() - t_start
        times = []
        for _ in range(steps):
            t0 = now()
            params = jax.block_until_ready(jstep(params, ids))
            times.append(now() - t0)
        out["step"] = statistics.median(times)
    print("RESULT " + json.dumps(out))


def _rss(field="VmRSS"):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return None


def _reset_peak_rss():
    """Resets the process's peak RSS (VmHWM) and returns the current RSS; None off Linux."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    return _rss()


def cold(model, frameworks, rounds, steps, clock):
    best: dict[str, dict[str, float]] = {fw: {} for fw in frameworks}
    for r in range(rounds):
        order = frameworks if r % 2 == 0 else frameworks[::-1]
        for fw in order:
            args = [
                sys.executable,
                __file__,
                "--child",
                fw,
                "--model",
                model,
                "--steps",
                str(steps),
                "--clock",
                clock,
            ]
            proc = subprocess.run(args, capture_output=True, text=True, timeout=900)
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if not line:
                print(f"  ({fw} failed: {proc.stderr.strip().splitlines()[-1:]})")
                continue
            for k, v in json.loads(line[0][7:]).items():
                best[fw][k] = min(best[fw].get(k, v), v)
    return best


def print_table(title, best, per_var=("warm init", "jit(apply) lower")):
    fws = [fw for fw in best if best[fw]]
    keys = [k for k in next(iter(best[f] for f in fws)) if k != "variables"]
    n = best[fws[0]]["variables"]
    print(f"\n{title}")
    print("| measurement | " + " | ".join(fws) + " | jaxscope / best other |")
    print("|---|" + "---|" * (len(fws) + 1))
    for k in keys:
        scale, unit = (1e6 / n, "µs/var") if k in per_var else (1.0, "s")
        if k.endswith("/ params"):
            unit = "ratio"
        vals = [best[f].get(k, float("nan")) * scale for f in fws]
        fmt = "{:.1f}" if unit == "µs/var" else ("{:.4f}" if k == "step" else "{:.2f}")
        others = [v for f, v in zip(fws, vals, strict=True) if not f.startswith("jaxscope")]
        ratio = vals[0] / min(others) if others and fws[0] == "jaxscope" else float("nan")
        cells = " | ".join(fmt.format(v) for v in vals)
        print(f"| {k} ({unit}) | {cells} | {ratio:.2f} |")


# --- secondary: jax.jit(init) of the BERT-shaped model, and tracing cost -------------------------
def many_spec(n=200):
    """``n`` separately named random-normal variables in four shapes (and no constants)."""
    shapes = [(64, 64), (128, 256), (256,), (32, 32, 3)]
    return [(f"layer{i // 10}/w{i}", shapes[i % 4], "normal") for i in range(n)]


def jit_init(title, spec, repeat):
    """``jax.jit(init)``: lower + compile, compiled run (wall and CPU), memory, vs plain draws."""
    import jax

    nbytes = sum(4 * _prod(s) for _, s, _ in spec)
    print(f"\njax.jit(init), {title}: {len(spec)} variables, {nbytes / 2**20:.1f} MiB")
    print(
        f"| framework | lower + compile (s) | run (s, best of {repeat}) | run (CPU s) "
        "| (outputs + temporaries) / parameter bytes |"
    )
    print("|---|---|---|---|---|")
    for fw in ("jaxscope", "plain"):
        init, _ = build(fw, spec)
        key = jax.random.key(0)
        t0 = time.perf_counter()
        compiled = jax.jit(lambda k, init=init: init(k, None)).lower(key).compile()
        t_compile = time.perf_counter() - t0
        jax.block_until_ready(compiled(key))  # the first run also faults its pages in
        runs, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            jax.block_until_ready(compiled(key))
            runs.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        mem = compiled.memory_analysis()
        held = mem.temp_size_in_bytes + mem.output_size_in_bytes
        print(
            f"| {fw} | {t_compile:.2f} | {min(runs):.3f} | {min(cpu):.3f} | {held / nbytes:.2f} |"
        )


def _prod(shape):
    out = 1
    for d in shape:
        out *= d
    return out


def reentered_models(scopes=50, per_scope=12, d=8):
    """(init, apply) of jaxscope and dm-haiku for ``scopes * per_scope`` small variables, each
    scope entered twice: jaxscope by name with ``AUTO_REUSE`` (creates), then re-opened by its
    scope object with ``reuse=True`` (looks up); haiku by calling each block module twice."""
    import haiku as hk
    import jax.numpy as jnp

    import jaxscope as js

    def js_model(x):
        opened = []
        for s in range(scopes):
            with js.variable_scope(f"block{s}", reuse=js.AUTO_REUSE) as scope:
                for i in range(per_scope):
                    x = x * js.get_variable(f"w{i}", [d], initializer=js.ones_initializer())
            opened.append(scope)
        for scope in opened:
            with js.variable_scope(scope, reuse=True):
                for i in range(per_scope):
                    x = x + js.get_variable(f"w{i}", [d])
        return jnp.sum(x)

    class Block(hk.Module):
        def __call__(self, x, first):
            for i in range(per_scope):
                w = hk.get_parameter(f"w{i}", [d], init=jnp.ones)
                x = x * w if first else x + w
            return x

    def hk_model(x):
        blocks = [Block(name=f"block{s}") for s in range(scopes)]
        for first in (True, False):
            for block in blocks:
                x = block(x, first)
        return jnp.sum(x)

    f, g = js.transform(js_model), hk.transform(hk_model)
    return {
        "jaxscope": (f.init, f.apply),
        "haiku": (g.init, lambda p, x: g.apply(p, None, x)),
    }, jnp.ones(d)


def reentered_cost(rounds):
    """Per-variable eager ``init`` and ``jax.jit(apply).lower()`` of :func:`reentered_models`,
    CPU time, interleaved in one process, best of ``rounds``."""
    import jax

    try:
        models, x = reentered_models()
    except ImportError:
        print("\n(re-entered scopes: dm-haiku not installed: pip install -e '.[bench]')")
        return
    best = {fw: {"warm init": [], "jit(apply) lower": []} for fw in models}
    for init, _ in models.values():
        jax.block_until_ready(init(jax.random.key(0), x))  # the first init: compiles the draws
    for r in range(rounds):
        for fw, (init, apply) in models.items():
            t0 = time.process_time()
            params = jax.block_until_ready(init(jax.random.key(r), x))
            best[fw]["warm init"].append(time.process_time() - t0)
            t0 = time.process_time()
            jax.jit(lambda p, x, apply=apply: apply(p, x)).lower(params, x)  # traced anew
            best[fw]["jit(apply) lower"].append(time.process_time() - t0)
    n = len(jax.tree.leaves(params))
    print(
        f"\nRe-entered scopes ({n} variables of 8 floats in 50 scopes, each scope entered twice: "
        f"AUTO_REUSE by name, then reuse=True by object; haiku: each block module called twice), "
        f"CPU µs per variable, best of {rounds}, one process:"
    )
    print("| per variable | jaxscope | dm-haiku | jaxscope / haiku |\n|---|---|---|---|")
    for key in ("warm init", "jit(apply) lower"):
        ours, theirs = min(best["jaxscope"][key]) / n, min(best["haiku"][key]) / n
        print(f"| {key} (µs) | {ours * 1e6:.0f} | {theirs * 1e6:.0f} | {ours / theirs:.2f} |")


def tracing_cost(n):
    import jax
    import jax.numpy as jnp

    import jaxscope as js

    def fn():
        for s in range(n // 100):
            with js.variable_scope(f"layer{s}"):
                for i in range(100):
                    js.get_variable(f"w{i}", [4], initializer=js.zeros_initializer())

    f = js.transform(fn)
    v = f.init(jax.random.key(0))
    spent = []

    def traced(p):
        t0 = time.perf_counter()
        f.apply(p)
        spent.append(time.perf_counter() - t0)

    for _ in range(3):
        jax.make_jaxpr(traced)(v)
    print(
        f"\n(secondary) framework-only tracing cost of apply, {n} variables: "
        f"{min(spent) / n * 1e6:.1f} µs per get_variable inside make_jaxpr"
    )
    del jnp


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--model", default="toy", help=argparse.SUPPRESS)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    p.add_argument("--quick", action="store_true", help="one round, few steps, no BERT")
    p.add_argument("--no-step", action="store_true", help="init and lowering only (no compile)")
    p.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="cpu: the cold figures are CPU seconds of each process (all its threads), for a "
        "machine shared with other work",
    )
    a = p.parse_args(argv)
    if a.child:
        return child(a.child, a.model, a.steps, a.clock)
    if a.quick:
        a.rounds, a.steps = 1, 3
    import jax

    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, jax {jax.__version__}, "
        f"backend {jax.default_backend()}, load average {os.getloadavg()}"
    )
    for mod in ("haiku", "flax"):
        try:
            print(f"  {mod} {__import__(mod).__version__}")
        except ImportError:
            print(f"  ({mod} not installed: pip install -e '.[bench]')")
    fws = a.frameworks.split(",")
    best = cold("toy", fws, a.rounds, 0 if a.no_step else a.steps, a.clock)
    print_table(
        f"Cold ({a.clock} clock; fresh process each, interleaved, best of {a.rounds}): toy model, "
        f"{len(toy_spec())} variables",
        best,
    )
    if not a.quick:
        bert_fws = [fw for fw in fws if fw in ("jaxscope", "haiku", "plain")]
        best = cold("bert", bert_fws, a.rounds, 0, a.clock)
        print_table(f"Cold, BERT-Base-shaped init (best of {a.rounds})", best)
        jit_init("BERT-Base-shaped", bert_spec(), 3)
        jit_init("separately named random variables", many_spec(200), 3)
    reentered_cost(2 if a.quick else 7)
    tracing_cost(2000 if a.quick else 10_000)
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
