"""Run by tests/test_sharding.py in a subprocess with 8 virtual CPU devices (XLA_FLAGS must be
set before jax starts, so the pytest process itself keeps its one device).

Prints one JSON object: for each mesh shape, whether sharded ``init`` equals the one-device
``init``, the output shardings, per-device memory from ``memory_analysis``, and the collectives
of a data-parallel step.
"""

import json
import os
import re
import tempfile
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import jaxscope as js

MESHES = [(1, 1), (2, 1), (2, 2), (1, 8)]
RULES = {r".*/w$": (None, "model"), r".*/w2$": ("model", None)}


def model(ids):
    emb = js.get_variable("emb", [256, 64], partitioner=js.fixed_size_partitioner(3))
    x = js.nn.embedding_lookup(emb, ids, partition_strategy="div")
    for i in range(3):
        with js.variable_scope(f"layer{i}"):
            h = jnp.tanh(x @ js.get_variable("w", [64, 256]) + js.get_variable("b", [256]))
            x = x + h @ js.get_variable(
                "w2", [256, 64], initializer=js.truncated_normal_initializer()
            )
    return jnp.mean(x**2)


def sharded_restore(f, info, ref, key, ids):
    """restore_tf1 into a sharded abstract tree: values, shardings, bytes read."""
    from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader

    read = []
    close = CheckpointReader.close

    def counting_close(self):
        read.append(self.bytes_read)
        close(self)

    CheckpointReader.close = counting_close
    mesh = Mesh(np.array(jax.devices()[:8]).reshape(2, 4), ("data", "model"))
    shardings = info.with_sharding(RULES, partitioned_axis="model").shardings(mesh)
    abstract = jax.tree.map(
        lambda s, sh: jax.ShapeDtypeStruct(s.shape, s.dtype, sharding=sh),
        jax.eval_shape(f.init, key, ids),
        shardings,
    )
    with tempfile.TemporaryDirectory() as tmp:
        prefix = js.checkpoint.save_tf1(os.path.join(tmp, "c"), ref, partitions={"emb": [8, 1]})
        restored, report = js.checkpoint.restore_tf1(abstract, prefix)
        CheckpointReader.close = close
        with CheckpointReader(prefix) as reader:
            emb = reader.read_region("emb", (slice(0, 64),))  # one "model" shard of emb
            emb_read = reader.bytes_read
    with tempfile.TemporaryDirectory() as tmp:
        js.checkpoint.save(os.path.join(tmp, "orbax"), ref)
        from_orbax, _ = js.checkpoint.restore(os.path.join(tmp, "orbax"), abstract)
    orbax_ok = all(
        bool(np.array_equal(a, b)) and a.sharding == s
        for a, b, s in zip(
            jax.tree.leaves(from_orbax),
            jax.tree.leaves(ref),
            jax.tree.leaves(shardings),
            strict=True,
        )
    )
    pairs = zip(
        jax.tree.leaves(restored), jax.tree.leaves(ref), jax.tree.leaves(shardings), strict=True
    )
    return {
        "equal": all(bool(np.array_equal(a, b)) for a, b, _ in pairs),
        "same_sharding": all(
            a.sharding == s
            for a, s in zip(jax.tree.leaves(restored), jax.tree.leaves(shardings), strict=True)
        ),
        "bytes_read": read[0],
        "total_bytes": sum(int(np.asarray(b).nbytes) for b in jax.tree.leaves(ref)),
        "emb_shard_read": emb_read,
        "emb_shard_bytes": int(emb.nbytes),
        "loaded": len(report.loaded),
        "orbax": orbax_ok,
    }


def main():
    start = time.process_time()
    f = js.transform(model)
    ids = jnp.arange(16, dtype=jnp.int32) % 256
    info = js.inspect(f, ids)
    key = jax.random.key(0)
    ref = jax.jit(f.init)(key, ids)
    out = {"meshes": {}}
    for shape in MESHES:
        n = shape[0] * shape[1]
        mesh = Mesh(np.array(jax.devices()[:n]).reshape(shape), ("data", "model"))
        shardings = info.with_sharding(RULES, partitioned_axis="model").shardings(mesh)
        init = jax.jit(f.init, out_shardings=shardings)
        memory = init.lower(key, ids).compile().memory_analysis()
        variables = init(key, ids)
        flat_ref = jax.tree_util.tree_leaves_with_path(ref)
        flat = jax.tree.leaves(variables)
        flat_shardings = jax.tree.leaves(shardings)
        leaves = {}
        for (path, a), b, s in zip(flat_ref, flat, flat_shardings, strict=True):
            name = "/".join(p.key for p in path)
            leaves[name] = {
                "equal": bool(np.array_equal(a, b)),
                "spec": [None if e is None else str(e) for e in b.sharding.spec],
                "wanted": [None if e is None else str(e) for e in s.spec],
                "shard_shape": list(b.addressable_shards[0].data.shape),
            }
        shard_bytes = sum(max(x.data.nbytes for x in a.addressable_shards) for a in flat)
        entry = {
            "leaves": leaves,
            "output_bytes": memory.output_size_in_bytes,
            "temp_bytes": memory.temp_size_in_bytes,
            "shard_bytes": shard_bytes,
        }
        if shape[1] == 1:  # data parallel: parameters replicated, the batch split
            data = NamedSharding(mesh, PartitionSpec("data"))

            def step(variables, ids):
                loss, grads = jax.value_and_grad(lambda v: f.apply(v, ids))(variables)
                return jax.tree.map(lambda w, g: w - 0.1 * g, variables, grads), loss

            text = jax.jit(step, in_shardings=(shardings, data), out_shardings=(shardings, None))
            hlo = text.lower(variables, ids).compile().as_text()
            entry["collectives"] = sorted(
                set(
                    re.findall(
                        r"\b(all-gather|all-reduce|reduce-scatter|all-to-all|collective-permute)(?:-start)?\(",
                        hlo,
                    )
                )
            )
        out["meshes"]["x".join(map(str, shape))] = entry
    out["restore"] = sharded_restore(f, info, ref, key, ids)
    out["cpu_s"] = time.process_time() - start
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
