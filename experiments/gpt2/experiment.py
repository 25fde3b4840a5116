"""The experiment's command line: see the package docstring (``experiments/gpt2/__init__.py``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time

import jax
import jax.numpy as jnp
import numpy as np

from .encoder import EXACT_PATTERN, get_encoder
from .model import HParams, creation_order
from .sample import TRACES, as_numpy, language_model, sample_sequence, sample_sequence_concat


def load_model_dir(model_dir, *, seed=0):
    """``(hparams, variables, report)`` from a GPT-2 TF1 checkpoint directory.

    Uses ``jaxscope.checkpoint`` (``latest_checkpoint`` and ``restore_tf1``, which fills the tree
    returned by ``init`` by exact TF1 name).
    """
    from jaxscope import checkpoint

    hparams = HParams.from_json(os.path.join(model_dir, "hparams.json"))
    path = checkpoint.latest_checkpoint(model_dir)
    if path is None:
        raise FileNotFoundError(f"no TF1 checkpoint (model.ckpt.*) in {model_dir!r}")
    f = language_model(hparams)
    template = jax.jit(f.init)(jax.random.key(seed), jnp.zeros([1, 1], jnp.int32))
    variables, report = checkpoint.restore_tf1(template, path, strict=True)
    return hparams, variables, report


def _timed(fn, **kw):
    """Runs a sampler, returning (tokens, seconds per token, traces it added)."""
    before = dict(TRACES)
    stamps = [time.perf_counter()]
    tokens = fn(on_token=lambda _: stamps.append(time.perf_counter()), **kw)
    traces = sum(TRACES.values()) - sum(before.values())
    return as_numpy(tokens), np.diff(stamps), traces


def main(argv=None):
    from . import __doc__ as doc

    p = argparse.ArgumentParser(prog="gpt2", description=doc.split("\n\n")[0])
    p.add_argument("--model-dir", help="hparams.json + model.ckpt.* (+ encoder.json, vocab.bpe)")
    p.add_argument("--n-vocab", type=int, default=50257)
    p.add_argument("--n-ctx", type=int, default=1024)
    p.add_argument("--n-embd", type=int, default=768)
    p.add_argument("--n-head", type=int, default=12)
    p.add_argument("--n-layer", type=int, default=12)
    p.add_argument("--prompt", help="text (needs the encoder files) or comma-separated token ids")
    p.add_argument("--length", type=int, default=32, help="tokens to generate")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--top-k", type=int, default=40)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--greedy", action="store_true")
    p.add_argument(
        "--concat-tokens",
        type=int,
        default=8,
        help="greedy tokens generated both ways (fixed cache vs the original's concat) to compare",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="results")
    a = p.parse_args(argv)

    # 1. The variables: names, shapes and creation order, traced without FLOPs.
    if a.model_dir:
        hparams = HParams.from_json(os.path.join(a.model_dir, "hparams.json"))
    else:
        hparams = HParams(a.n_vocab, a.n_ctx, a.n_embd, a.n_head, a.n_layer)
    listing = creation_order(hparams)
    n_params = int(sum(np.prod(shape, dtype=np.int64) for _, shape in listing))
    print(f"hparams: {hparams}")
    print(f"{len(listing)} variables, {n_params:,} parameters, in creation order:")
    for name, shape in listing[:4] + [("...", ())] + listing[-2:]:
        print(f"  {name} {list(shape) if name != '...' else ''}")

    # 2. The weights: a checkpoint, or a fresh init.
    t0 = time.perf_counter()
    if a.model_dir:
        hparams, variables, report = load_model_dir(a.model_dir, seed=a.seed)
        print(f"restored {a.model_dir} ({time.perf_counter() - t0:.1f} s): {report}")
        encoder = get_encoder(a.model_dir)
    else:
        init = jax.jit(language_model(hparams).init)  # one compiled draw, not op-by-op
        variables = init(jax.random.key(a.seed), jnp.zeros([1, 1], jnp.int32))
        jax.block_until_ready(variables)
        print(
            f"no --model-dir: freshly initialized weights ({time.perf_counter() - t0:.1f} s), "
            "so the tokens are noise"
        )
        encoder = None
    if encoder is not None and not EXACT_PATTERN:
        print("note: the `regex` module is missing; BPE splits text with an `re` approximation")

    # 3. The context: the prompt's tokens, or <|endoftext|> (the original's unconditional start).
    if a.prompt and encoder is not None:
        ids = encoder.encode(a.prompt)
    elif a.prompt:
        ids = [int(t) for t in a.prompt.split(",")]
    else:
        ids = [encoder.encoder["<|endoftext|>"] if encoder is not None else hparams.n_vocab - 1]
    context = np.tile(np.asarray(ids, np.int32), (a.batch, 1))

    # 4. Sampling with the fixed-size cache.
    tokens, cached_dt, cached_traces = _timed(
        sample_sequence,
        hparams=hparams,
        variables=variables,
        length=a.length,
        context=context,
        rng=jax.random.key(a.seed),
        temperature=a.temperature,
        top_k=a.top_k,
        greedy=a.greedy,
        progress=True,
    )
    new = tokens[:, len(ids) :]
    for row in new:
        print("sample:", repr(encoder.decode(row)) if encoder is not None else row.tolist())

    # 5. Greedy, both ways: the original's concatenated past retraces for every token.
    runs = {}
    if a.concat_tokens:
        for label, fn in (("cached", sample_sequence), ("concat", sample_sequence_concat)):
            toks, dt, traces = _timed(
                fn,
                hparams=hparams,
                variables=variables,
                length=a.concat_tokens,
                context=context,
                greedy=True,
                progress=True,
            )
            runs[label] = {"tokens": toks, "seconds": dt, "traces": traces}
        same = bool(np.array_equal(runs["cached"]["tokens"], runs["concat"]["tokens"]))
        print(f"greedy, {a.concat_tokens} tokens each way (identical tokens: {same}):")
        for label, r in runs.items():
            print(
                f"  {label:>6}: {r['traces']:2d} compilations, {r['seconds'].sum():6.2f} s, "
                f"after the first token {np.median(r['seconds'][1:]) * 1e3 if len(r['seconds']) > 1 else float('nan'):8.1f} ms/token (median)"
            )

    per_token = cached_dt[1:] if len(cached_dt) > 1 else cached_dt
    summary = {
        "hparams": dataclasses.asdict(hparams),
        "variables": len(listing),
        "parameters": n_params,
        "creation_order": [name for name, _ in listing],
        "checkpoint": a.model_dir,
        "encoder": encoder is not None,
        "context": ids,
        "sample": new.tolist(),
        "sample_text": [encoder.decode(r) for r in new] if encoder is not None else None,
        "cached": {
            "compilations": cached_traces,
            "seconds": float(cached_dt.sum()),
            "tokens_per_s_after_first": float(a.batch / np.median(per_token)),
        },
    }
    if runs:
        summary["greedy_identical"] = same
        for label, r in runs.items():
            summary[f"greedy_{label}"] = {
                "compilations": r["traces"],
                "seconds": float(r["seconds"].sum()),
                "ms_per_token": [float(x * 1e3) for x in r["seconds"]],
            }
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "gpt2.json"), "w") as fh:
        json.dump(summary, fh, indent=2)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(np.arange(1, len(cached_dt) + 1), cached_dt * 1e3, ".-", label="sample (cached)")
    for label, r in runs.items():
        ax.plot(
            np.arange(1, len(r["seconds"]) + 1), r["seconds"] * 1e3, ".-", label=f"greedy ({label})"
        )
    ax.set(xlabel="token", ylabel="ms (log)", yscale="log", title=f"GPT-2, {n_params:,} parameters")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "gpt2.png"), dpi=100)
    plt.close(fig)
    print(f"wrote {a.out}/gpt2.png and {a.out}/gpt2.json")
    return summary
