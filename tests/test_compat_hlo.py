"""After jax.jit, a compat op costs nothing: its optimized HLO equals that of the jnp expression a
porter would have written by hand (compared without metadata and names)."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope.compat.v1 as tf

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
IDS = np.array([[0, 2], [1, 1]], np.int32)

PAIRS = {
    "reshape": (lambda x: tf.reshape(x, [4, -1]), lambda x: jnp.reshape(x, (4, 6))),
    "concat": (lambda x: tf.concat([x, x], 1), lambda x: jnp.concatenate([x, x], 1)),
    "split": (lambda x: tf.split(x, [1, 3], 2)[1], lambda x: x[:, :, 1:]),
    "transpose": (lambda x: tf.transpose(x, [2, 0, 1]), lambda x: jnp.transpose(x, (2, 0, 1))),
    "squeeze_expand": (lambda x: tf.squeeze(tf.expand_dims(x, 0), [0]), lambda x: x),
    "stack_unstack": (lambda x: tf.stack(tf.unstack(x, axis=1), axis=1), lambda x: x),
    "slice": (lambda x: tf.slice(x, [0, 1, 0], [-1, 2, 3]), lambda x: x[:, 1:3, 0:3]),
    "tile": (lambda x: tf.tile(x, [1, 2, 1]), lambda x: jnp.tile(x, (1, 2, 1))),
    "pad": (
        lambda x: tf.pad(x, [[0, 0], [1, 1], [2, 0]]),
        lambda x: jnp.pad(x, ((0, 0), (1, 1), (2, 0))),
    ),  # fmt: skip
    "where": (lambda x: tf.where(x > 3, x, tf.zeros_like(x)), lambda x: jnp.where(x > 3, x, 0.0)),
    "cast": (lambda x: tf.cast(x, tf.int32), lambda x: x.astype(jnp.int32)),
    "gather": (lambda x, i: tf.gather(x, i, axis=2), None),
    "one_hot": (lambda x, i: tf.one_hot(i, 4) * x[0, 0, 0], None),
}


def _gather_twin(x, i):
    return jnp.take(x, i, axis=2, mode="fill", fill_value=jnp.nan)


def _one_hot_twin(x, i):
    return jax.nn.one_hot(i, 4) * x[0, 0, 0]


def _hlo(f, *args) -> str:
    text = jax.jit(f).lower(*args).compile().as_text()
    text = re.sub(r", metadata=\{[^}]*\}", "", text)  # source locations
    # the computations only (not the module header's file and stack-frame tables)
    text = "\n".join(ln for ln in text.splitlines() if re.match(r"\s*(%|ENTRY|ROOT|\})", ln))
    names: dict[str, str] = {}  # instruction names, numbered in order of appearance
    return re.sub(r"%[\w.-]+", lambda m: names.setdefault(m[0], f"%v{len(names)}"), text)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_compat_op_compiles_to_its_jnp_twin(name):
    ours, twin = PAIRS[name]
    args = (X, IDS) if ours.__code__.co_argcount == 2 else (X,)
    twin = twin or {"gather": _gather_twin, "one_hot": _one_hot_twin}[name]
    assert _hlo(ours, *args) == _hlo(twin, *args)


def test_trace_cost_benchmark_runs():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_compat

    rows = bench_compat.main(["--quick"])
    assert set(rows) == {(op, w) for op in bench_compat.OPS for w in ("plain", "in js")}
    assert all(r > 0 for r in rows.values())
