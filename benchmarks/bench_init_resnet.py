"""How long the first eager ``init`` of tf-slim's resnet_v1_50 takes (issue 27, item 2).

The net is tf-slim 1.1.0's own ``nets/resnet_v1.py``, loaded by ``load_tf1_module`` (one line
edited: ``inputs.get_shape()`` -> ``inputs.shape``), 1000 classes, training mode, on a 64x64
input (the input size does not change the variables: 267, 25.6M values). Each round is a fresh
Python process; the figure is the first ``init`` after the imports (tracing the net, compiling
and running the draws), in wall seconds and in the process's CPU seconds (the figure that stays
comparable on a machine shared with other work), with the XLA compilations it waited for and the
draw programs among them.

Run: ``python benchmarks/bench_init_resnet.py [--rounds 3]`` (about 30 s on 2 CPU cores). Needs
tf-slim (the ``[test]`` extra).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

_CHILD = r"""
import json, time
import jax, numpy as np
import jaxscope as js
from jaxscope._src.core import initial
from jaxscope.compat.porting import load_tf1_module

mod = load_tf1_module("tf_slim.nets.resnet_v1", replace={"inputs.get_shape()": "inputs.shape"})

def model(images):
    with mod.arg_scope(mod.resnet_arg_scope()):
        return mod.resnet_v1_50(images, num_classes=1000, is_training=True)[0]

f, x, key = js.transform(model), np.zeros((1, 64, 64, 3), np.float32), jax.random.key(0)
compiles = []
jax.monitoring.register_event_duration_secs_listener(
    lambda event, secs, **kw: compiles.append(secs)
    if event == "/jax/core/compile/backend_compile_duration" else None
)
wall, cpu = time.perf_counter(), time.process_time()
jax.block_until_ready(f.init(key, x))
print(json.dumps({
    "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
    "compiles": len(compiles), "compile_s": sum(compiles),
    "draw_programs": initial._draw_fast._cache_size() + initial._draw._cache_size(),
    "jaxscope": js.__file__,
}))
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args(argv)
    runs = []
    for _ in range(a.rounds):
        out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]))
    best = min(runs, key=lambda r: r["wall_s"])
    print(
        f"resnet_v1_50 first init, best of {a.rounds}: {best['wall_s']:.2f} s wall, "
        f"{min(r['cpu_s'] for r in runs):.2f} s CPU; {best['compiles']} compilations "
        f"({best['compile_s']:.2f} s), {best['draw_programs']} draw programs ({best['jaxscope']})"
    )


if __name__ == "__main__":
    main()
