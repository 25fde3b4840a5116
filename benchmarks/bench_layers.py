"""Does a ``jaxscope.layers`` layer add anything after ``jax.jit``, and what does it cost to trace?

1. **Train-step time.** A ResNet-style block stack (``conv2d`` + ``batch_normalization`` in
   training mode + relu, residual adds, a dense head) and a BERT-style encoder (``dense``
   query/key/value, softmax attention, ``dense`` output, contrib's ``layer_norm``, a GELU
   feed-forward) written with ``jaxscope.layers`` (``jaxscope.slim.layer_norm``, as BERT used
   ``tf.contrib.layers.layer_norm``), against the same networks in plain JAX with explicit
   parameters: the same shapes and the same arithmetic op for op (the plain functions read the
   very tree ``init`` returned, and the script checks that both give the same outputs, gradients
   and moving averages, and the same opcode histogram of the optimized HLO). Each side runs a
   jitted SGD train step (forward, backward, update; the ResNet also returns its new moving
   averages via ``apply(..., mutable=["state"])``). Repeats are interleaved (jaxscope, plain,
   plain, jaxscope, ...) because the machine may be shared; each repeat takes the fastest of
   ``--steps`` single steps (the one least disturbed by other load). Reported: the median of
   those per side and the median and range of the per-repeat ratio jaxscope / plain (1.00 = no
   overhead).

2. **Tracing cost per layer.** ``jax.make_jaxpr`` of ``apply`` for a stack of N identical layers,
   divided by N: ``jaxscope.layers.dense`` / ``conv2d`` / ``batch_normalization`` (training, with
   ``mutable=["state"]``) beside flax linen's ``nn.Dense`` / ``nn.Conv`` / ``nn.BatchNorm``
   (``mutable=["batch_stats"]``) and plain JAX functions on explicit parameters (the floor: jax's
   own tracing of the same ops). Best of ``--trace-repeats``.

Run: ``python benchmarks/bench_layers.py`` (about 1-2 minutes on 2 CPU cores), ``--quick`` for a
smoke run. Needs flax for part 2 (``pip install -e '.[bench]'``); without it the flax column is
left out.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import functools
import os
import platform
import re
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import jaxscope as js

# --- ResNet-style block stack ---------------------------------------------------------------


def resnet_js(x, training, blocks, channels):
    h = js.layers.conv2d(x, channels, 3, padding="same", use_bias=False, name="stem")
    for i in range(blocks):
        with js.variable_scope(f"block{i}"):
            r = js.layers.conv2d(h, channels, 3, padding="same", use_bias=False)
            r = jax.nn.relu(js.layers.batch_normalization(r, training=training))
            r = js.layers.conv2d(r, channels, 3, padding="same", use_bias=False)
            r = js.layers.batch_normalization(r, training=training)
            h = jax.nn.relu(h + r)
    return js.layers.dense(jnp.mean(h, axis=(1, 2)), 10, name="logits")


_NHWC = lax.conv_dimension_numbers((1,) * 4, (1,) * 4, ("NHWC", "HWIO", "NHWC"))


def _conv(x, kernel):
    return lax.conv_general_dilated(
        x, kernel, window_strides=(1, 1), padding="SAME", rhs_dilation=(1, 1),
        dimension_numbers=_NHWC, feature_group_count=1,
    )  # fmt: skip


def _batch_norm(x, p, s, momentum=0.99, epsilon=1e-3):
    """tf.layers.batch_normalization in training mode: batch statistics, TF1's fused update."""
    mean = jnp.mean(x, axis=(0, 1, 2), keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=(0, 1, 2), keepdims=True)
    n = x.size // mean.size
    decay = jnp.asarray(1.0, x.dtype) - jnp.asarray(momentum, x.dtype)
    new = {
        "moving_mean": s["moving_mean"] - (s["moving_mean"] - mean.reshape(-1)) * decay,
        "moving_variance": s["moving_variance"]
        - (s["moving_variance"] - (variance * jnp.asarray(n / (n - 1), x.dtype)).reshape(-1))
        * decay,
    }
    inv = 1.0 / jnp.sqrt(variance + jnp.asarray(epsilon, x.dtype))
    inv = inv * p["gamma"].reshape(1, 1, 1, -1)
    return x * inv + (-mean * inv + p["beta"].reshape(1, 1, 1, -1)), new


def resnet_plain(variables, x, blocks):
    p, s = variables["params"], variables["state"]
    h = _conv(x, p["stem"]["kernel"])
    state = {}
    for i in range(blocks):
        bp, bs, name = p[f"block{i}"], s[f"block{i}"], f"block{i}"
        r = _conv(h, bp["conv2d"]["kernel"])
        r, n0 = _batch_norm(r, bp["batch_normalization"], bs["batch_normalization"])
        r = _conv(jax.nn.relu(r), bp["conv2d_1"]["kernel"])
        r, n1 = _batch_norm(r, bp["batch_normalization_1"], bs["batch_normalization_1"])
        state[name] = {"batch_normalization": n0, "batch_normalization_1": n1}
        h = jax.nn.relu(h + r)
    logits = jnp.mean(h, axis=(1, 2)) @ p["logits"]["kernel"] + p["logits"]["bias"]
    return logits, {"state": state}


# --- BERT-style encoder ---------------------------------------------------------------------


def _split_heads(t, heads):
    b, n, d = t.shape
    return jnp.transpose(jnp.reshape(t, [b, n, heads, d // heads]), [0, 2, 1, 3])


def _attend(q, k, v, heads):
    q, k, v = (_split_heads(t, heads) for t in (q, k, v))
    scores = jnp.einsum("bhqd,bhkd->bhqk", q, k) * (1.0 / np.sqrt(q.shape[-1]))
    ctx = jnp.einsum("bhqk,bhkd->bhqd", jax.nn.softmax(scores, axis=-1), v)
    b, _, n, _ = ctx.shape
    return jnp.reshape(jnp.transpose(ctx, [0, 2, 1, 3]), [b, n, -1])


def _gelu(x):
    return jax.nn.gelu(x, approximate=True)


def bert_js(x, layers, heads, ffn):
    hidden = x.shape[-1]
    with js.variable_scope("encoder"):
        for i in range(layers):
            with js.variable_scope(f"layer_{i}"):
                with js.variable_scope("attention"):
                    with js.variable_scope("self"):
                        q = js.layers.dense(x, hidden, name="query")
                        k = js.layers.dense(x, hidden, name="key")
                        v = js.layers.dense(x, hidden, name="value")
                    with js.variable_scope("output"):
                        a = js.layers.dense(_attend(q, k, v, heads), hidden, name="dense")
                        x = js.slim.layer_norm(a + x, begin_norm_axis=-1, begin_params_axis=-1)
                with js.variable_scope("intermediate"):
                    h = js.layers.dense(x, ffn, activation=_gelu, name="dense")
                with js.variable_scope("output"):
                    h = js.layers.dense(h, hidden, name="dense")
                    x = js.slim.layer_norm(h + x, begin_norm_axis=-1, begin_params_axis=-1)
    return x


def _dense(x, p, activation=None):
    y = jnp.tensordot(x, p["kernel"], [[x.ndim - 1], [0]]) + p["bias"]
    return y if activation is None else activation(y)


def _layer_norm(x, p):
    mean = jnp.mean(x, axis=(2,), keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=(2,), keepdims=True)
    inv = jnp.reciprocal(jnp.sqrt(variance + jnp.asarray(1e-12, x.dtype))) * p["gamma"]
    return x * inv + (p["beta"] - mean * inv)


def bert_plain(variables, x, layers, heads):
    enc = variables["params"]["encoder"]
    for i in range(layers):
        lp = enc[f"layer_{i}"]
        sp, op = lp["attention"]["self"], lp["attention"]["output"]
        q, k, v = (_dense(x, sp[n]) for n in ("query", "key", "value"))
        a = _dense(_attend(q, k, v, heads), op["dense"])
        x = _layer_norm(a + x, op["LayerNorm"])
        h = _dense(x, lp["intermediate"]["dense"], _gelu)
        h = _dense(h, lp["output"]["dense"])
        x = _layer_norm(h + x, lp["output"]["LayerNorm"])
    return x


# --- part 1: train steps --------------------------------------------------------------------


def _sgd(params, grads, lr=1e-2):
    return jax.tree.map(lambda p, g: p - lr * g, params, grads)


def resnet_steps(blocks, channels, batch, size):
    f = js.transform(functools.partial(resnet_js, blocks=blocks, channels=channels))
    key = jax.random.key(0)
    x = jax.random.normal(key, [batch, size, size, 3])
    y = jax.random.randint(jax.random.key(1), [batch], 0, 10)
    variables = f.init(key, x, True)

    def xent(logits):
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    def js_loss(params, state):
        logits, new = f.apply({"params": params, "state": state}, x, True, mutable=["state"])
        return xent(logits), new["state"]

    def plain_loss(params, state):
        logits, new = resnet_plain({"params": params, "state": state}, x, blocks)
        return xent(logits), new["state"]

    def make_step(loss):
        @jax.jit
        def step(variables):
            (value, state), grads = jax.value_and_grad(loss, has_aux=True)(
                variables["params"], variables["state"]
            )
            return {"params": _sgd(variables["params"], grads), "state": state}, value

        return step

    checks = {
        "forward": (
            lambda v: (lambda out, new: (out, new["state"]))(
                *f.apply(v, x, True, mutable=["state"])
            ),
            lambda v: (lambda out, new: (out, new["state"]))(*resnet_plain(v, x, blocks)),
        ),
        "gradient": (
            jax.grad(lambda p, s: js_loss(p, s)[0]),
            jax.grad(lambda p, s: plain_loss(p, s)[0]),
        ),
    }
    return variables, make_step(js_loss), make_step(plain_loss), checks


def bert_steps(layers, hidden, heads, ffn, batch, seq):
    f = js.transform(functools.partial(bert_js, layers=layers, heads=heads, ffn=ffn))
    key = jax.random.key(0)
    x = jax.random.normal(key, [batch, seq, hidden])
    target = jax.random.normal(jax.random.key(1), [batch, seq, hidden])
    variables = f.init(key, x)

    def js_loss(params):
        return jnp.mean(jnp.square(f.apply({"params": params}, x) - target))

    def plain_loss(params):
        return jnp.mean(jnp.square(bert_plain({"params": params}, x, layers, heads) - target))

    def make_step(loss):
        @jax.jit
        def step(variables):
            value, grads = jax.value_and_grad(loss)(variables["params"])
            return {"params": _sgd(variables["params"], grads)}, value

        return step

    checks = {
        "forward": (lambda v: f.apply(v, x), lambda v: bert_plain(v, x, layers, heads)),
        "gradient": (lambda v: jax.grad(js_loss)(v["params"]),
                     lambda v: jax.grad(plain_loss)(v["params"])),
    }  # fmt: skip
    return variables, make_step(js_loss), make_step(plain_loss), checks


def hlo_opcodes(step, variables):
    text = step.lower(variables).compile().as_text()
    return collections.Counter(re.findall(r"= [^=]*? ([a-z][a-z0-9-]*)\(", text))


def check_same_math(variables, checks):
    for what, (js_fn, plain_fn) in checks.items():
        if what == "gradient" and "state" in variables:
            a = js_fn(variables["params"], variables["state"])
            b = plain_fn(variables["params"], variables["state"])
        else:
            a, b = js_fn(variables), plain_fn(variables)
        for u, w in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
            np.testing.assert_allclose(u, w, rtol=2e-5, atol=2e-6, err_msg=what)


def time_steps(step, variables, steps):
    """The fastest of ``steps`` single steps, each waited for: the least disturbed by other load."""
    variables, loss = step(variables)  # compiled and warm
    jax.block_until_ready(loss)
    best = float("inf")
    for _ in range(steps):
        t0 = time.perf_counter()
        variables, loss = step(variables)
        jax.block_until_ready((variables, loss))
        best = min(best, time.perf_counter() - t0)
    return best


def compare_steps(name, variables, js_step, plain_step, checks, repeats, steps):
    check_same_math(variables, checks)
    same_hlo = hlo_opcodes(js_step, variables) == hlo_opcodes(plain_step, variables)
    times = {"jaxscope": [], "plain": []}
    ratios = []
    for r in range(repeats):
        order = ("jaxscope", "plain") if r % 2 == 0 else ("plain", "jaxscope")
        got = {}
        for side in order:
            got[side] = time_steps(js_step if side == "jaxscope" else plain_step, variables, steps)
            times[side].append(got[side])
        ratios.append(got["jaxscope"] / got["plain"])
    n_params = sum(v.size for v in jax.tree.leaves(variables["params"]))
    row = {
        "model": name,
        "parameters": int(n_params),
        "jaxscope_ms": 1e3 * statistics.median(times["jaxscope"]),
        "plain_ms": 1e3 * statistics.median(times["plain"]),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "same_hlo_opcodes": same_hlo,
    }
    print(
        f"{name:44s} {row['jaxscope_ms']:9.2f} {row['plain_ms']:9.2f}   "
        f"{row['ratio']:.3f} ({row['ratio_min']:.3f}-{row['ratio_max']:.3f})   {same_hlo}"
    )
    return row


# --- part 2: tracing cost per layer ---------------------------------------------------------


def _stacks(n):
    """{kind: {framework: (apply_fn, variables, x)}} for a stack of n layers of each kind."""
    key = jax.random.key(0)
    xd, xc = jnp.ones([4, 16]), jnp.ones([2, 8, 8, 8])
    out = collections.defaultdict(dict)

    def js_dense(x):
        for _ in range(n):
            x = js.layers.dense(x, 16)
        return x

    def js_conv(x):
        for _ in range(n):
            x = js.layers.conv2d(x, 8, 3, padding="same")
        return x

    def js_bn(x):
        for _ in range(n):
            x = js.layers.batch_normalization(x, training=True)
        return x

    for kind, fn, x in (("dense", js_dense, xd), ("conv", js_conv, xc), ("batch_norm", js_bn, xc)):
        f = js.transform(fn)
        mutable = ["state"] if kind == "batch_norm" else False
        out[kind]["jaxscope"] = (
            functools.partial(f.apply, mutable=mutable), f.init(key, x), x
        )  # fmt: skip

    def plain_dense(p, x):
        for layer in p:
            x = x @ layer["kernel"] + layer["bias"]
        return x

    def plain_conv(p, x):
        for layer in p:
            x = _conv(x, layer["kernel"]) + layer["bias"]
        return x

    def plain_bn(p, x):
        new = []
        for layer, s in p:
            x, ns = _batch_norm(x, layer, s)
            new.append(ns)
        return x, new

    c8 = {"gamma": jnp.ones([8]), "beta": jnp.zeros([8])}
    s8 = {"moving_mean": jnp.zeros([8]), "moving_variance": jnp.ones([8])}
    dense_p = [{"kernel": jnp.ones([16, 16]), "bias": jnp.zeros([16])}] * n
    conv_p = [{"kernel": jnp.ones([3, 3, 8, 8]), "bias": jnp.zeros([8])}] * n
    out["dense"]["plain JAX"] = (plain_dense, dense_p, xd)
    out["conv"]["plain JAX"] = (plain_conv, conv_p, xc)
    out["batch_norm"]["plain JAX"] = (plain_bn, [(c8, s8)] * n, xc)
    try:
        from flax import linen as nn
    except ImportError:
        return out

    class Stack(nn.Module):
        kind: str

        @nn.compact
        def __call__(self, x):
            for _ in range(n):
                if self.kind == "dense":
                    x = nn.Dense(16)(x)
                elif self.kind == "conv":
                    x = nn.Conv(8, (3, 3), padding="SAME")(x)
                else:
                    x = nn.BatchNorm(use_running_average=False, momentum=0.99, epsilon=1e-3)(x)
            return x

    for kind, x in (("dense", xd), ("conv", xc), ("batch_norm", xc)):
        m = Stack(kind)
        mutable = ["batch_stats"] if kind == "batch_norm" else False
        out[kind]["flax linen"] = (functools.partial(m.apply, mutable=mutable), m.init(key, x), x)
    return out


def trace_costs(n, repeats):
    rows = {}
    for kind, frameworks in _stacks(n).items():
        rows[kind] = {}
        for fw, (fn, variables, x) in frameworks.items():
            spent = []
            for _ in range(repeats):
                # a fresh function each time: make_jaxpr caches traces by function and shapes
                fresh = functools.partial(lambda fn, v, x: fn(v, x), fn)
                t0 = time.perf_counter()
                jax.make_jaxpr(fresh)(variables, x)
                spent.append(time.perf_counter() - t0)
            rows[kind][fw] = 1e6 * min(spent) / n
    fws = list(next(iter(rows.values())))
    print(f"\ntracing cost per layer: jax.make_jaxpr(apply) of {n} layers / {n}, "
          f"best of {repeats} (µs)")  # fmt: skip
    print(f"{'layer':12s}" + "".join(f"{fw:>14s}" for fw in fws))
    for kind, row in rows.items():
        print(f"{kind:12s}" + "".join(f"{row[fw]:14.0f}" for fw in fws))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=12, help="interleaved repeats per model")
    p.add_argument("--steps", type=int, default=20, help="timed steps per repeat")
    p.add_argument("--trace-layers", type=int, default=50)
    p.add_argument("--trace-repeats", type=int, default=10)
    p.add_argument("--quick", action="store_true", help="tiny models, 2 repeats: a smoke run")
    a = p.parse_args(argv)
    if a.quick:
        a.repeats, a.steps, a.trace_layers, a.trace_repeats = 2, 2, 4, 1
        resnet_cfg, bert_cfg = (2, 8, 4, 8), (1, 32, 2, 64, 2, 8)
    else:
        resnet_cfg, bert_cfg = (4, 32, 16, 16), (2, 128, 4, 512, 8, 64)
    versions = f"python {platform.python_version()}, jax {jax.__version__}"
    try:
        import flax

        versions += f", flax {flax.__version__}"
    except ImportError:
        versions += " (flax not installed: pip install -e '.[bench]')"
    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"{jax.devices()[0].device_kind}, {versions}, load average {os.getloadavg()}"
    )
    blocks, channels, batch, size = resnet_cfg
    layers, hidden, heads, ffn, bbatch, seq = bert_cfg
    print(
        f"\njitted SGD train step, {a.repeats} interleaved repeats, each the fastest of {a.steps} steps"
    )
    print(f"{'model':44s} {'jaxscope':>9s} {'plain':>9s}   ratio (range)   same HLO opcodes")
    print(f"{'':44s} {'ms/step':>9s} {'ms/step':>9s}")
    rows = [
        compare_steps(
            f"ResNet {blocks} blocks x {channels}ch, {batch}x{size}x{size}x3",
            *resnet_steps(blocks, channels, batch, size), a.repeats, a.steps,
        ),
        compare_steps(
            f"BERT {layers} layers x {hidden}, {heads} heads, {bbatch}x{seq}",
            *bert_steps(layers, hidden, heads, ffn, bbatch, seq), a.repeats, a.steps,
        ),
    ]  # fmt: skip
    tracing = trace_costs(a.trace_layers, a.trace_repeats)
    print(f"load average at the end {os.getloadavg()}")
    return {"steps": rows, "tracing_us_per_layer": tracing}


if __name__ == "__main__":
    main()
