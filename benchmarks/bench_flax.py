"""What does wrapping cost at trace time: a jaxscope model in flax, flax modules in jaxscope?

A BERT-style encoder (``--layers`` blocks of dense query/key/value, softmax attention, dense
output, layer norm, a GELU feed-forward; hidden ``--hidden``) written with ``jaxscope.layers``
is traced (``jax.make_jaxpr``, the cost every new shape or ``jit`` cache miss pays) four ways:

1. ``jaxscope``: ``jax.make_jaxpr(f.apply)`` of ``jaxscope.transform(model)``, unwrapped;
2. ``to_linen``: ``jax.make_jaxpr(m.apply)`` of ``jaxscope.flax.to_linen(model)``, the same
   variables in linen's ``"params"`` (goal: at most 1.2x the unwrapped trace);
3. ``from_linen``: the same encoder with each dense/layer norm a ``flax.linen`` module run through
   ``jaxscope.flax.from_linen`` inside a jaxscope function, traced by ``jaxscope``'s ``apply``;
4. ``linen``: the pure linen encoder (``nn.Dense`` / ``nn.LayerNorm``), its own ``apply``;

and ``init`` of rows 1 and 2, plus jaxscope's ``init_with_output`` ("i_w_o"). Linen's ``init``
also returns the output: ``to_linen`` gets both from ``Transformed.init_with_output``, one run
of the model that draws each variable as it is created, where jaxscope's ``init`` runs it
abstractly, then draws the variables by group.

Rows 3 and 4 are the other direction's pair. Each figure is the median CPU time (process time,
robust to a shared machine) of ``--repeats`` traces after a warm-up, repeats interleaved; the
ratios are per-repeat medians. The script first checks that rows 1 and 2 give the same output
for the same variables, and rows 3 and 4 too, and that ``to_linen``'s init returns the output
of its variables.

Run: ``python benchmarks/bench_flax.py`` (about a minute on 2 busy CPU cores), ``--quick`` for
a smoke run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js

HEADS = 4


def _attention(q, k, v):
    b, t, d = q.shape
    split = lambda a: a.reshape(b, t, HEADS, d // HEADS).transpose(0, 2, 1, 3)  # noqa: E731
    q, k, v = split(q), split(k), split(v)
    w = jax.nn.softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(d // HEADS), axis=-1)
    return (w @ v).transpose(0, 2, 1, 3).reshape(b, t, d)


def encoder_js(x, layers):
    d = x.shape[-1]
    for i in range(layers):
        with js.variable_scope(f"layer_{i}"):
            with js.variable_scope("attention"):
                q = js.layers.dense(x, d, name="query")
                k = js.layers.dense(x, d, name="key")
                v = js.layers.dense(x, d, name="value")
                a = js.layers.dense(_attention(q, k, v), d, name="output")
            x = js.slim.layer_norm(x + a, begin_norm_axis=-1, begin_params_axis=-1)
            h = js.layers.dense(x, 4 * d, activation=jax.nn.gelu, name="intermediate")
            x = x + js.layers.dense(h, d, name="ffn_output")
    return x


def encoder_from_linen(x, layers):
    d = x.shape[-1]
    call = js.flax.from_linen
    for i in range(layers):
        with js.variable_scope(f"layer_{i}"):
            with js.variable_scope("attention"):
                q = call(nn.Dense(d), "query")(x)
                k = call(nn.Dense(d), "key")(x)
                v = call(nn.Dense(d), "value")(x)
                a = call(nn.Dense(d), "output")(_attention(q, k, v))
            x = call(nn.LayerNorm(), "LayerNorm")(x + a)
            h = jax.nn.gelu(call(nn.Dense(4 * d), "intermediate")(x))
            x = x + call(nn.Dense(d), "ffn_output")(h)
    return x


class EncoderLinen(nn.Module):
    layers: int

    @nn.compact
    def __call__(self, x):
        d = x.shape[-1]
        for i in range(self.layers):
            q = nn.Dense(d, name=f"layer_{i}_query")(x)
            k = nn.Dense(d, name=f"layer_{i}_key")(x)
            v = nn.Dense(d, name=f"layer_{i}_value")(x)
            a = nn.Dense(d, name=f"layer_{i}_output")(_attention(q, k, v))
            x = nn.LayerNorm(name=f"layer_{i}_LayerNorm")(x + a)
            h = jax.nn.gelu(nn.Dense(4 * d, name=f"layer_{i}_intermediate")(x))
            x = x + nn.Dense(d, name=f"layer_{i}_ffn_output")(h)
        return x


def _linen_params(tree, layers):
    """The from_linen tree ``layer_i/attention/query/...`` as the pure linen model's names."""
    out = {}
    for i in range(layers):
        sub = tree[f"layer_{i}"]
        for name in ("query", "key", "value", "output"):
            out[f"layer_{i}_{name}"] = sub["attention"][name]
        for name in ("LayerNorm", "intermediate", "ffn_output"):
            out[f"layer_{i}_{name}"] = sub[name]
    return out


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv=None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="2 layers, 3 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.layers, args.repeats = 2, 3
    layers = args.layers
    x = jnp.ones([2, 8, args.hidden], jnp.float32)

    f = js.transform(lambda x: encoder_js(x, layers))
    variables = f.init(jax.random.key(0), x)
    m = js.flax.to_linen(lambda x: encoder_js(x, layers))
    g = js.transform(lambda x: encoder_from_linen(x, layers))
    g_vars = g.init(jax.random.key(1), x)
    pure = EncoderLinen(layers)
    pure_vars = {"params": _linen_params(g_vars["params"], layers)}

    np.testing.assert_allclose(f.apply(variables, x), m.apply(variables, x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g.apply(g_vars, x), pure.apply(pure_vars, x), rtol=1e-5, atol=1e-5)
    out, m_vars = m.init_with_output(jax.random.key(2), x)  # init's output: a run on its values
    np.testing.assert_allclose(out, f.apply(m_vars, x), rtol=1e-5, atol=1e-5)

    def trace(fn, v):
        # a fresh function each time: make_jaxpr caches traces by function and shapes
        return lambda: jax.make_jaxpr(lambda v, x: fn(v, x))(v, x)

    key = jax.random.key(0)
    runs = {
        "jaxscope": trace(f.apply, variables),
        "to_linen": trace(m.apply, variables),
        "from_linen": trace(g.apply, g_vars),
        "linen": trace(pure.apply, pure_vars),
        "jaxscope init": trace(f.init, key),
        "jaxscope i_w_o": trace(f.init_with_output, key),
        "to_linen init": trace(m.init, key),
    }
    for run in runs.values():
        run()  # warm-up: imports, jnp caches, the from_linen shape cache
    times: dict[str, list[float]] = {k: [] for k in runs}
    for i in range(args.repeats):
        order = list(runs) if i % 2 == 0 else list(reversed(runs))
        for k in order:
            times[k].append(_cpu(runs[k]))
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = {
        "to_linen / jaxscope": statistics.median(
            a / b for a, b in zip(times["to_linen"], times["jaxscope"], strict=True)
        ),
        "from_linen / linen": statistics.median(
            a / b for a, b in zip(times["from_linen"], times["linen"], strict=True)
        ),
        "to_linen init / jaxscope init": statistics.median(
            a / b for a, b in zip(times["to_linen init"], times["jaxscope init"], strict=True)
        ),
        "to_linen init / jaxscope i_w_o": statistics.median(
            a / b for a, b in zip(times["to_linen init"], times["jaxscope i_w_o"], strict=True)
        ),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"bench_flax: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load {load:.2f}, jax {jax.__version__}"
    )
    n = len(jax.tree.leaves(variables))
    print(
        f"encoder: {layers} layers, hidden {args.hidden}, {n} variables; "
        f"make_jaxpr of apply, median CPU ms of {args.repeats}"
    )
    for k, v in med.items():
        print(f"  {k:<14} {1e3 * v:8.1f} ms")
    for k, v in ratio.items():
        print(f"  {k:<30} {v:.2f}x")
    return {**med, **ratio}


if __name__ == "__main__":
    main()
