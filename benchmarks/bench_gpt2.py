"""GPT-2 written with jaxscope (TF1 style) vs the same model in plain JAX with explicit parameters.

Same process, same parameters (the plain model reads the very tree that jaxscope's ``init``
returns), same training step and the same generation driver; only the model function differs.
Measured, per size:

* ``train``: tokens/s of a jitted forward + backward + optax adam update step (batch x seq
  tokens per step; the fastest of ``--steps`` steps);
* ``generate``: tokens/s of cached greedy generation (``sample_sequence``: a fixed-size key/value
  buffer, one jitted step per token; batch / median time per token), compile excluded.

Repeats are interleaved (jaxscope, plain, plain, jaxscope, ...) because the machine is shared; the
table gives the median tokens/s and the median and range of the per-repeat ratio
jaxscope / plain (1.00 = no overhead; above 1 means jaxscope is faster).

* ``cold``: time to the first training step in a fresh process (``--cold N``): import -> init
  (jaxscope: ``f.init``; plain JAX: one ``jax.random`` call per variable, as a hand-written model
  initializes) -> the first jitted train step done. One fresh process per side, interleaved,
  best of N.

Run: ``python benchmarks/bench_gpt2.py`` (small + 124M; about 5 minutes on 2 CPU cores), or
``--sizes small --repeats 3`` for a quick look; ``--cold 3 --sizes 124M --repeats 0`` for the
cold start alone. Runs unchanged on any JAX backend.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

import gpt2  # noqa: E402

SIZES = {
    "small": (gpt2.HParams(n_vocab=2048, n_ctx=256, n_embd=256, n_head=4, n_layer=4), 8, 128),
    "124M": (gpt2.GPT2_124M, 2, 64),
}  # hparams, train batch, train sequence


# --- the plain-JAX GPT-2 -------------------------------------------------------------------------
# Same arithmetic as experiments/gpt2/model.py, op for op (2-D matmuls, multiplicative mask,
# max-subtracted softmax), so that the ratio measures the variable machinery alone. (A first
# version with jnp.where masking, jax.nn.softmax and 3-D matmuls differed by up to 1.7x on CPU
# in either direction from run to run -- formulation and noise, not jaxscope.)
def _layer_norm(p, x):
    u = jnp.mean(x, axis=-1, keepdims=True)
    n = x - u
    s = jnp.mean(jnp.square(n), axis=-1, keepdims=True)
    return n * jax.lax.rsqrt(s + 1e-5) * p["g"] + p["b"]


def _dense(p, x):
    *start, nx = x.shape
    w = p["w"]
    y = jnp.reshape(x, [-1, nx]) @ jnp.reshape(w, [-1, w.shape[-1]]) + p["b"]
    return jnp.reshape(y, [*start, w.shape[-1]])


def _gelu(x):
    return 0.5 * x * (1 + jnp.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * jnp.power(x, 3))))


def plain_apply(hparams, variables, X, past=None, past_length=None):
    """GPT-2 from an explicit parameter dict; ``past``/``past_length`` as ``gpt2.model``."""
    p = variables["params"]["model"]
    B, T = X.shape
    H, D = hparams.n_head, hparams.n_embd // hparams.n_head
    if past_length is not None:
        start = past_length
    else:
        start = 0 if past is None else past.shape[-2]
    positions = jnp.broadcast_to(start + jnp.arange(T), (B, T))
    h = jnp.take(p["wte"], X, axis=0) + jnp.take(p["wpe"], positions, axis=0)
    presents = []
    for i in range(hparams.n_layer):
        lp = p[f"h{i}"]
        qkv = _dense(lp["attn"]["c_attn"], _layer_norm(lp["ln_1"], h))
        q, k, v = (t.reshape(B, T, H, D).transpose(0, 2, 1, 3) for t in jnp.split(qkv, 3, -1))
        present = jnp.stack([k, v], axis=1)
        if past is not None and past_length is None:
            k = jnp.concatenate([past[:, i, 0], k], axis=-2)
            v = jnp.concatenate([past[:, i, 1], v], axis=-2)
        elif past is not None:
            zero = jnp.zeros((), jnp.int32)
            at = (zero, zero, zero, jnp.asarray(past_length, jnp.int32), zero)
            present = jax.lax.dynamic_update_slice(past[:, i], present, at)
            k, v = present[:, 0], present[:, 1]
        S = k.shape[2]
        offset = S - T if past_length is None else past_length
        keep = (jnp.arange(T)[:, None] >= jnp.arange(S) - offset).astype(jnp.float32)
        w = (q @ jnp.swapaxes(k, -1, -2)) * jax.lax.rsqrt(jnp.float32(D))
        w = w * keep - 1e10 * (1 - keep)
        w = jnp.exp(w - jnp.max(w, axis=-1, keepdims=True))
        a = (w / jnp.sum(w, axis=-1, keepdims=True)) @ v
        h = h + _dense(lp["attn"]["c_proj"], a.transpose(0, 2, 1, 3).reshape(B, T, H * D))
        m = _gelu(_dense(lp["mlp"]["c_fc"], _layer_norm(lp["ln_2"], h)))
        h = h + _dense(lp["mlp"]["c_proj"], m)
        presents.append(present)
    h = _layer_norm(p["ln_f"], h)
    logits = jnp.reshape(h, [B * T, -1]) @ jnp.transpose(p["wte"])
    return {"logits": jnp.reshape(logits, [B, T, -1]), "present": jnp.stack(presents, axis=1)}


def hlo_opcodes(fn, *args):
    """Histogram of the opcodes in the optimized HLO of ``jax.jit(fn)(*args)``."""
    text = jax.jit(fn).lower(*args).compile().as_text()
    ops = re.findall(r"= [^=]*? ([a-z][a-z0-9-]*)\(", text)
    return collections.Counter(ops)


def plain_init(hparams, key):
    """GPT-2's parameters as a hand-written JAX model draws them: one random call per variable."""
    E, keys = hparams.n_embd, iter(jax.random.split(key, 4 * hparams.n_layer + 2))

    def normal(shape, std=0.02):
        return std * jax.random.normal(next(keys), shape, jnp.float32)

    def dense(n_in, n_out):
        return {"w": normal((1, n_in, n_out)), "b": jnp.zeros((n_out,), jnp.float32)}

    def ln():
        return {"g": jnp.ones((E,), jnp.float32), "b": jnp.zeros((E,), jnp.float32)}

    model = {"wpe": normal((hparams.n_ctx, E), 0.01), "wte": normal((hparams.n_vocab, E))}
    for i in range(hparams.n_layer):
        model[f"h{i}"] = {
            "ln_1": ln(),
            "attn": {"c_attn": dense(E, 3 * E), "c_proj": dense(E, E)},
            "ln_2": ln(),
            "mlp": {"c_fc": dense(E, 4 * E), "c_proj": dense(4 * E, E)},
        }
    model["ln_f"] = ln()
    return {"params": {"model": model}}


def cold_child(who, size):
    """Seconds from here (a fresh process, imports done) to init done and first train step done."""
    t0 = time.perf_counter()
    hparams, batch, seq = SIZES[size]
    X = jax.random.randint(jax.random.key(1), (batch, seq + 1), 0, hparams.n_vocab)
    if who == "jaxscope":
        f = gpt2.language_model(hparams)
        variables = f.init(jax.random.key(0), X[:1, :1])
        apply = f.apply
    else:
        variables = plain_init(hparams, jax.random.key(0))
        apply = functools.partial(plain_apply, hparams)
    jax.block_until_ready(variables)
    t_init = time.perf_counter()
    step, opt = train_step_fn(apply)
    _, _, loss = step(variables["params"], opt.init(variables["params"]), X)
    jax.block_until_ready(loss)
    return {"init": t_init - t0, "first_step": time.perf_counter() - t0}


def _fresh(code):
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def cold_start(size, rounds):
    """Fresh processes, interleaved (jaxscope, plain, plain, jaxscope, ...), best of ``rounds``.

    Both sides import the same modules (this file imports jaxscope for its GPT-2), so ``init``
    and ``first_step`` are timed from after the imports; what importing jaxscope adds to importing
    jax is timed in its own fresh processes (``import`` row).
    """
    here = str(Path(__file__).parent)
    out = {"jaxscope": [], "plain": []}
    for r in range(rounds):
        for who in ("jaxscope", "plain") if r % 2 == 0 else ("plain", "jaxscope"):
            run = _fresh(
                f"import sys, json; sys.path.insert(0, {here!r}); import bench_gpt2 as b; "
                f"print(json.dumps(b.cold_child({who!r}, {size!r})))"
            )
            mods = "jax, jaxscope" if who == "jaxscope" else "jax"
            t = "import time; t = time.perf_counter(); import json; "
            run["import"] = _fresh(f"{t}import {mods}; print(json.dumps(time.perf_counter() - t))")
            out[who].append(run)
    best = {who: {k: min(r[k] for r in runs) for k in runs[0]} for who, runs in out.items()}
    return {"size": size, "rounds": rounds, "best": best, "all": out}


# --- measurements --------------------------------------------------------------------------------
def train_step_fn(apply):
    opt = optax.adam(1e-4)

    def loss_fn(params, X):
        logits = apply({"params": params}, X[:, :-1])["logits"]
        return optax.softmax_cross_entropy_with_integer_labels(logits, X[:, 1:]).mean()

    @jax.jit
    def step(params, opt_state, X):
        loss, grads = jax.value_and_grad(loss_fn)(params, X)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    return step, opt


def time_train(step, opt, params, X, steps):
    """Tokens/s of the fastest of ``steps`` steps (the least disturbed by other processes)."""
    opt_state = opt.init(params)
    params, opt_state, loss = step(params, opt_state, X)  # compile + warm-up
    jax.block_until_ready(loss)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        params, opt_state, loss = step(params, opt_state, X)
        jax.block_until_ready(loss)
        times.append(time.perf_counter() - t0)
    return X[:, :-1].size / min(times)


def time_generate(hparams, variables, apply, context, length):
    """Tokens/s of cached generation: batch / median time per token after the prompt step."""
    kw = dict(hparams=hparams, variables=variables, context=context, greedy=True, apply=apply)
    jax.block_until_ready(gpt2.sample_sequence(length=2, **kw))  # compile + warm-up
    stamps = []
    out = gpt2.sample_sequence(
        length=length, on_token=lambda _: stamps.append(time.perf_counter()), **kw
    )
    return context.shape[0] / float(np.median(np.diff(stamps))), np.asarray(out)


def bench_size(name, repeats, steps, gen_batch, gen_tokens, seed=0):
    hparams, batch, seq = SIZES[name]
    f = gpt2.language_model(hparams)
    variables = jax.jit(f.init)(jax.random.key(seed), jnp.zeros([1, 1], jnp.int32))
    plain = functools.partial(plain_apply, hparams)
    X = jax.random.randint(jax.random.key(seed + 1), (batch, seq + 1), 0, hparams.n_vocab)

    a = jax.jit(f.apply)(variables, X)["logits"]
    b = jax.jit(plain)(variables, X)["logits"]
    diff = float(jnp.abs(a - b).max())
    same_hlo = hlo_opcodes(f.apply, variables, X) == hlo_opcodes(plain, variables, X)

    steps_ = {"jaxscope": train_step_fn(f.apply), "plain": train_step_fn(plain)}
    applies = {"jaxscope": f.apply, "plain": plain}
    context = np.asarray(X[:gen_batch, :8], np.int32)
    rows = {"train": {"jaxscope": [], "plain": []}, "generate": {"jaxscope": [], "plain": []}}
    outs = {}
    from tqdm import tqdm

    # Round 0 compiles and warms up (first-touch allocations) both sides; it is not recorded.
    for r in tqdm(range(repeats + 1), desc=f"{name}: interleaved repeats"):
        order = ["jaxscope", "plain"] if r % 2 == 0 else ["plain", "jaxscope"]
        for who in order:
            step, opt = steps_[who]
            tps = time_train(step, opt, variables["params"], X, steps if r else 1)
            if r:
                rows["train"][who].append(tps)
        for who in order:
            tps, outs[who] = time_generate(hparams, variables, applies[who], context, gen_tokens)
            if r:
                rows["generate"][who].append(tps)
    return {
        "size": name,
        "hparams": str(hparams),
        "train_shape": [batch, seq],
        "generate_shape": [gen_batch, 8, gen_tokens],
        "max_abs_logit_diff": diff,
        "same_hlo_opcodes": same_hlo,
        "same_greedy_tokens": bool(np.array_equal(outs["jaxscope"], outs["plain"])),
        "tokens_per_s": rows,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="small,124M")
    p.add_argument("--repeats", type=int, default=4)
    p.add_argument("--steps", type=int, default=4, help="timed training steps per repeat")
    p.add_argument("--gen-batch", type=int, default=1)
    p.add_argument("--gen-tokens", type=int, default=32)
    p.add_argument("--cold", type=int, default=0, help="rounds of the cold-start measurement")
    p.add_argument("--json", help="write the results here")
    a = p.parse_args(argv)
    print(f"jax {jax.__version__} on {jax.devices()[0].device_kind} ({platform.machine()})")
    colds = [cold_start(s, a.cold) for s in a.sizes.split(",")] if a.cold else []
    for c in colds:
        j, p_ = c["best"]["jaxscope"], c["best"]["plain"]
        print(f"\ncold start, GPT-2 {c['size']} (fresh process each, best of {c['rounds']}):")
        print("| seconds, fresh process | jaxscope | plain JAX | ratio |")
        print("|---|---|---|---|")
        rows = (("import", "import (jax + framework)"), ("init", "init, after imports"))
        rows += (("first_step", "init + first train step, after imports"),)
        for k, label in rows:
            print(f"| {label} | {j[k]:.2f} | {p_[k]:.2f} | {j[k] / p_[k]:.3f} |")
    results = [
        bench_size(s, a.repeats, a.steps, a.gen_batch, a.gen_tokens)
        for s in a.sizes.split(",")
        if a.repeats
    ]
    print()
    print(
        "| size | measurement | shape | jaxscope tok/s | plain JAX tok/s | ratio (median) | ratio range |"
    )
    print("|---|---|---|---|---|---|---|")
    for res in results:
        for what, per in res["tokens_per_s"].items():
            ratios = [j / p for j, p in zip(per["jaxscope"], per["plain"], strict=True)]
            shape = res["train_shape"] if what == "train" else res["generate_shape"]
            shape = "×".join(map(str, shape)) + (
                " (batch×seq)" if what == "train" else " (batch×prompt×new)"
            )
            print(
                f"| {res['size']} | {what} | {shape} | {statistics.median(per['jaxscope']):,.0f} | "
                f"{statistics.median(per['plain']):,.0f} | {statistics.median(ratios):.3f} | "
                f"{min(ratios):.3f}–{max(ratios):.3f} |"
            )
    for res in results:
        print(
            f"{res['size']}: max |logits jaxscope - plain| = {res['max_abs_logit_diff']:.2e}, "
            f"same greedy tokens: {res['same_greedy_tokens']}, same compiled forward "
            f"(opcode histogram of the optimized HLO): {res['same_hlo_opcodes']}"
        )
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"cold": colds, "throughput": results}, fh, indent=2)
    return results


if __name__ == "__main__":
    main()
