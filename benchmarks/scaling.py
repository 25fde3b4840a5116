"""Plans GPT-2 1.5B and a 100B-class GPT past one machine, by simulation: nothing runs.

On a virtual mesh of 64 CPU devices (8 data x 8 model), the TF1-style GPT-2 of
``experiments/gpt2`` is traced abstractly (``js.inspect``: ``jax.eval_shape``, no FLOPs), given
shardings by TF1 name (``experiments/gpt2/mesh.py``'s Megatron-style rules), and ``init`` and an
Adam training step are lowered and compiled ahead of time (``jax.jit(...).lower(...)
.compile()``, shapes only) to read XLA's per-device ``memory_analysis()``. Also timed: what
jaxscope adds per variable at this scale -- tracing the model (``js.inspect``) and compiling the
sharded ``init``.

Run: ``XLA_FLAGS=--xla_force_host_platform_device_count=64 python benchmarks/scaling.py
[--configs 1.5B,100B]`` (prints a markdown table; docs/SCALING.md holds its output).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "experiments"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from gpt2 import mesh  # noqa: E402
from jax.sharding import Mesh, NamedSharding, PartitionSpec  # noqa: E402

import jaxscope as js  # noqa: E402

CONFIGS = {
    # name: (n_vocab, n_ctx, n_embd, n_head, n_layer), batch per data shard, sequence
    "1.5B": ((50257, 1024, 1600, 25, 48), 1, 1024),
    "100B": ((50304, 2048, 10240, 80, 80), 1, 2048),
}
# experiments/gpt2/mesh.py's rules, with wte split along the embedding (50257 rows do not divide
# into 8 equal shards; a real run would pad the vocabulary to 50304 and split rows).
RULES = {**mesh.RULES, r"model/wte$": (None, "model")}


# 2-D ("FSDP + tensor parallel"): the weights' other big axis is split over "data" as well, so
# parameters and Adam slots spread over all 64 devices (XLA gathers them layer by layer).
RULES_2D = {
    r".*/attn/c_attn/w$": (None, "data", "model"),
    r".*/attn/c_attn/b$": ("model",),
    r".*/attn/c_proj/w$": (None, "model", "data"),
    r".*/mlp/c_fc/w$": (None, "data", "model"),
    r".*/mlp/c_fc/b$": ("model",),
    r".*/mlp/c_proj/w$": (None, "model", "data"),
    r"model/wte$": (None, ("data", "model")),
    r"model/wpe$": (None, "model"),
}


def plan(name: str, mesh: Mesh, rules=None) -> dict:
    from gpt2.model import HParams
    from gpt2.sample import language_model

    dims, per_shard, seq = CONFIGS[name]
    hparams = HParams(*dims)
    f = language_model(hparams)
    batch = per_shard * mesh.shape["data"]
    x = jax.ShapeDtypeStruct((batch, seq), jnp.int32)
    t0 = time.perf_counter()
    info = js.inspect(f, x).with_sharding(rules or RULES)
    trace_s = time.perf_counter() - t0
    params = info.shardings(mesh)
    data = NamedSharding(mesh, PartitionSpec("data", None))
    t0 = time.perf_counter()
    init = jax.jit(f.init, out_shardings=params).lower(jax.random.key(0), x).compile()
    init_compile_s = time.perf_counter() - t0
    init_mem = init.memory_analysis()

    def loss_fn(variables, tokens):
        logits = f.apply(variables, tokens)["logits"]
        logp = jax.nn.log_softmax(logits, axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp[:, :-1], tokens[:, 1:, None], axis=-1))

    def adam_step(variables, m, v, tokens):
        loss, g = jax.value_and_grad(loss_fn)(variables, tokens)
        m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
        v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
        new = jax.tree.map(lambda w, m, v: w - 1e-4 * m / (jnp.sqrt(v) + 1e-8), variables, m, v)
        return new, m, v, loss

    shapes = jax.eval_shape(f.init, jax.random.key(0), x)
    abstract = jax.tree.map(
        lambda s, sh: jax.ShapeDtypeStruct(s.shape, s.dtype, sharding=sh), shapes, params
    )
    t0 = time.perf_counter()
    step = (
        jax.jit(adam_step, in_shardings=(params, params, params, data), donate_argnums=(0, 1, 2))
        .lower(abstract, abstract, abstract, jax.ShapeDtypeStruct((batch, seq), jnp.int32))
        .compile()
    )
    step_compile_s = time.perf_counter() - t0
    step_mem = step.memory_analysis()
    n_params = sum(v.size for v in info)
    per_device = sum(
        int(np.prod(NamedSharding(mesh, v.sharding).shard_shape(v.shape))) * v.dtype.itemsize
        for v in info
    )
    return {
        "name": name,
        "hparams": dims,
        "variables": len(info),
        "parameters": n_params,
        "param_bytes_per_device": per_device,
        "init_output_per_device": init_mem.output_size_in_bytes,
        "init_temp_per_device": init_mem.temp_size_in_bytes,
        "step_args_per_device": step_mem.argument_size_in_bytes,
        "step_temp_per_device": step_mem.temp_size_in_bytes,
        "batch": batch,
        "seq": seq,
        "trace_s": trace_s,
        "init_compile_s": init_compile_s,
        "step_compile_s": step_compile_s,
    }


def _gib(n: int) -> str:
    return f"{n / 2**30:,.2f} GiB"


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--configs", default="1.5B,100B")
    p.add_argument("--mesh", default="8x8")
    p.add_argument("--rules", default="1d", choices=["1d", "2d"], help="tensor / FSDP+tensor")
    a = p.parse_args(argv)
    shape = tuple(int(x) for x in a.mesh.split("x"))
    devices = jax.devices()
    if len(devices) < shape[0] * shape[1]:
        raise SystemExit(
            f"needs XLA_FLAGS=--xla_force_host_platform_device_count={shape[0] * shape[1]}"
        )
    mesh = Mesh(np.array(devices[: shape[0] * shape[1]]).reshape(shape), ("data", "model"))
    rows = []
    for name in a.configs.split(","):
        rows.append(plan(name, mesh, RULES_2D if a.rules == "2d" else RULES))
        rows[-1]["name"] += f" ({a.rules})"
        print(json.dumps(rows[-1]), flush=True)
    print(f"mesh {a.mesh} (data x model), {jax.__version__=}, {jax.default_backend()}")
    print("| | " + " | ".join(r["name"] for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    lines = [
        ("(n_vocab, n_ctx, n_embd, n_head, n_layer)", lambda r: str(r["hparams"])),
        ("variables / parameters", lambda r: f"{r['variables']} / {r['parameters']:,}"),
        ("parameters per device (bytes of the shards)", lambda r: _gib(r["param_bytes_per_device"])),
        ("sharded init: output / temporaries per device", lambda r: f"{_gib(r['init_output_per_device'])} / {_gib(r['init_temp_per_device'])}"),
        ("Adam step (global batch x seq)", lambda r: f"{r['batch']} x {r['seq']}"),
        ("Adam step: params + m + v per device (arguments)", lambda r: _gib(r["step_args_per_device"])),
        ("Adam step: temporaries per device (activations, grads)", lambda r: _gib(r["step_temp_per_device"])),
        ("js.inspect (trace every variable, no FLOPs)", lambda r: f"{r['trace_s']:.1f} s"),
        ("compile sharded init / Adam step", lambda r: f"{r['init_compile_s']:.1f} s / {r['step_compile_s']:.1f} s"),
    ]  # fmt: skip
    for title, cell in lines:
        print(f"| {title} | " + " | ".join(cell(r) for r in rows) + " |")
    return rows


if __name__ == "__main__":
    main()
