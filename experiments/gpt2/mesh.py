"""Question: does GPT-2 (the TF1-style ``model.py``) train the same on a mesh of devices --
data parallel x tensor parallel, in one process or in several -- as on one device?

jaxscope only names the shardings: ``js.inspect(f, X).with_sharding(RULES).shardings(mesh)``
gives each variable a ``NamedSharding`` by its TF1 name (Megatron-style: ``c_attn``/``c_fc``
split by output columns, ``c_proj`` by input rows, ``wte`` by vocabulary rows, the rest
replicated); ``jax.jit`` with ``in_shardings``/``out_shardings`` does the rest. ``init`` runs
sharded (each device draws its own shard); the batch is split over ``data``. With
``--num-processes`` the same script runs as one of several processes (``jax.distributed``, CPU
collectives over gloo), each feeding only its own slice of every batch.

Command:   XLA_FLAGS=--xla_force_host_platform_device_count=8 \\
               python experiments/gpt2/mesh.py --mesh 4x2 --compare
           (two processes x 4 devices: run with --num-processes 2 --process-id {0,1}
            --coordinator localhost:PORT and XLA_FLAGS=...device_count=4 in each)
Output:    the loss of each of 20 SGD steps on the mesh and, with --compare, on one device;
           largest relative difference ~1e-7 (the reductions run in another order);
           results/gpt2_mesh.json (≈ 20 s on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

if not __package__:  # run as a file: make the package importable by name
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import jaxscope as js

# GPT-2's variables by TF1 name -> PartitionSpec over the mesh axes ("data", "model").
RULES = {
    r".*/attn/c_attn/w$": (None, None, "model"),
    r".*/attn/c_attn/b$": ("model",),
    r".*/attn/c_proj/w$": (None, "model", None),
    r".*/mlp/c_fc/w$": (None, None, "model"),
    r".*/mlp/c_fc/b$": ("model",),
    r".*/mlp/c_proj/w$": (None, "model", None),
    r"model/wte$": ("model", None),
}


def _hparams(a):
    from gpt2.model import HParams

    return HParams(a.n_vocab, a.n_ctx, a.n_embd, a.n_head, a.n_layer)


def batches(a):
    """The global batches, the same in every process (each process puts only its slice): runs
    of consecutive token ids from random starts, so the next token is learnable."""
    rng = np.random.default_rng(a.seed)
    starts = rng.integers(0, a.n_vocab, size=(a.steps, a.batch, 1))
    return ((starts + np.arange(a.seq + 1)) % a.n_vocab).astype(np.int32)


def train(a, mesh: Mesh) -> list[float]:
    """Losses of ``a.steps`` SGD steps of GPT-2 with parameters and batch sharded on ``mesh``."""
    from gpt2.sample import language_model

    f = language_model(_hparams(a))
    x0 = jax.ShapeDtypeStruct((a.batch, a.seq), jnp.int32)
    params = js.inspect(f, x0).with_sharding(RULES).shardings(mesh)
    data = NamedSharding(mesh, PartitionSpec("data", None))
    replicated = NamedSharding(mesh, PartitionSpec())
    variables = jax.jit(f.init, out_shardings=params)(jax.random.key(a.seed), x0)

    def loss_fn(variables, tokens):
        logits = f.apply(variables, tokens[:, :-1])["logits"]
        logp = jax.nn.log_softmax(logits, axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, tokens[:, 1:, None], axis=-1))

    def step(variables, tokens):
        loss, grads = jax.value_and_grad(loss_fn)(variables, tokens)
        return jax.tree.map(lambda w, g: w - a.lr * g, variables, grads), loss

    step = jax.jit(
        step, in_shardings=(params, data), out_shardings=(params, replicated), donate_argnums=0
    )
    losses = []
    for tokens in batches(a):
        # Each process reads only the rows its devices hold.
        batch = jax.make_array_from_callback(tokens.shape, data, tokens.__getitem__)
        variables, loss = step(variables, batch)
        losses.append(float(loss))
    return losses


def parse_mesh(text: str) -> tuple[int, int]:
    data, model = (int(x) for x in text.lower().split("x"))
    return data, model


def main(argv=None):
    p = argparse.ArgumentParser(prog="gpt2/mesh.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--mesh", default="1x1", help="DATAxMODEL devices, e.g. 4x2")
    p.add_argument("--compare", action="store_true", help="also train on one device")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=16)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--n-vocab", type=int, default=256)
    p.add_argument("--n-ctx", type=int, default=32)
    p.add_argument("--n-embd", type=int, default=32)
    p.add_argument("--n-head", type=int, default=4)
    p.add_argument("--n-layer", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--num-processes", type=int, default=1)
    p.add_argument("--process-id", type=int, default=0)
    p.add_argument("--coordinator", default="localhost:12355")
    p.add_argument("--out", default="results")
    a = p.parse_args(argv)

    if a.num_processes > 1:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        jax.distributed.initialize(a.coordinator, a.num_processes, a.process_id)
    shape = parse_mesh(a.mesh)
    devices = jax.devices()
    if shape[0] * shape[1] > len(devices):
        raise SystemExit(
            f"--mesh {a.mesh} needs {shape[0] * shape[1]} devices, this run has {len(devices)}; "
            "set XLA_FLAGS=--xla_force_host_platform_device_count=8 before starting."
        )
    mesh = Mesh(np.array(devices[: shape[0] * shape[1]]).reshape(shape), ("data", "model"))
    t0 = time.perf_counter()
    losses = train(a, mesh)
    seconds = time.perf_counter() - t0
    summary = {
        "mesh": a.mesh,
        "processes": jax.process_count(),
        "devices": len(devices),
        "local_devices": jax.local_device_count(),
        "losses": losses,
        "seconds": seconds,
    }
    print(f"mesh {a.mesh} on {len(devices)} devices, {jax.process_count()} process(es):")
    print("  loss " + " ".join(f"{x:.5f}" for x in losses))
    if a.compare:
        one = Mesh(np.array(devices[:1]).reshape(1, 1), ("data", "model"))
        single = train(a, one)
        rel = [abs(x - y) / abs(y) for x, y in zip(losses, single, strict=True)]
        summary["single_device_losses"] = single
        summary["max_relative_difference"] = max(rel)
        print(f"  one device, largest relative difference per step: {max(rel):.2e}")
    if jax.process_index() == 0:
        os.makedirs(a.out, exist_ok=True)
        name = "gpt2_mesh.json" if a.num_processes == 1 else "gpt2_mesh_multiprocess.json"
        with open(os.path.join(a.out, name), "w") as fh:
            json.dump(summary, fh, indent=2)
        print(f"wrote {a.out}/{name}")
    if a.num_processes > 1:
        jax.distributed.shutdown()
    return summary


if __name__ == "__main__":
    main()
