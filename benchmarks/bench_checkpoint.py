"""Reading a ~500 MB TF1 checkpoint: jaxscope.checkpoint.load_variables vs TensorFlow.

Writes a checkpoint of float32 tensors (GPT-2-like shapes, random values) with
tf.compat.v1.train.Saver into a temporary directory, then reads every tensor, each reader in a
fresh subprocess (best of ``--repeat``):

* ``raw``: the .index and .data files' bytes read into fresh numpy arrays (``np.fromfile``): the
  floor for any reader that returns the data in memory;
* ``jaxscope``: ``jaxscope.checkpoint.load_variables(prefix)`` (checksums verified);
* ``tensorflow``: ``tf.train.load_checkpoint(prefix).get_tensor(name)`` for every name.

Seconds exclude imports. Peak memory is the growth of the process's peak RSS (``ru_maxrss``)
while reading, so the interpreter and TensorFlow's own footprint are not counted. The files are
read once before timing, so all readers see a warm page cache.

Run: ``python benchmarks/bench_checkpoint.py [--size-mb 500] [--repeat 3]`` (needs tensorflow).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time


def write_checkpoint(prefix: str, size_mb: int) -> None:
    import numpy as np
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    d = 1024
    shapes = {"wte": (8192, d)}
    layer = {"attn/c_attn/w": (d, 3 * d), "attn/c_proj/w": (d, d), "mlp/c_fc/w": (d, 4 * d)}
    layer |= {"mlp/c_proj/w": (4 * d, d), "ln_1/g": (d,), "mlp/c_fc/b": (4 * d,)}
    per_layer = sum(int(np.prod(s)) for s in layer.values()) * 4
    for i in range(max(1, -(-(size_mb * 2**20 - 8192 * d * 4) // per_layer))):
        shapes |= {f"model/h{i}/{k}": s for k, s in layer.items()}
    rng = np.random.default_rng(0)
    graph = tf.Graph()
    with graph.as_default():
        variables = {
            n: tf.get_variable(n, s, initializer=tf.zeros_initializer()) for n, s in shapes.items()
        }
        with tf.Session() as sess:
            for name, var in variables.items():
                var.load(rng.standard_normal(shapes[name], np.float32), sess)
            tf.train.Saver().save(sess, prefix, write_meta_graph=False)


def read(kind: str, prefix: str) -> dict:
    """Runs in the subprocess: reads everything once, returns seconds and peak-RSS growth."""
    if kind == "jaxscope":
        from jaxscope.checkpoint import load_variables
    elif kind == "tensorflow":
        import tensorflow.compat.v1 as tf
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind == "raw":
        import numpy as np

        arrays = [np.fromfile(path, np.uint8) for path in sorted(glob.glob(prefix + ".*"))]
        nbytes = sum(a.nbytes for a in arrays)
    elif kind == "jaxscope":
        arrays = load_variables(prefix)
        nbytes = sum(a.nbytes for a in arrays.values())
    else:
        reader = tf.train.load_checkpoint(prefix)
        arrays = {n: reader.get_tensor(n) for n in reader.get_variable_to_shape_map()}
        nbytes = sum(a.nbytes for a in arrays.values())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base  # KiB on Linux
    return {"seconds": seconds, "peak_mb": peak / 1024, "mb": nbytes / 2**20}


def run(kind: str, prefix: str) -> dict:
    # The child imports this checkout's jaxscope, not an installed one.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=path)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, prefix], capture_output=True, text=True, env=env
    )
    if proc.returncode:
        raise RuntimeError(f"{kind} reader failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(read(*args.child)))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        prefix = os.path.join(tmp, "model.ckpt")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); "
                        f"from bench_checkpoint import write_checkpoint; write_checkpoint({prefix!r}, {args.size_mb})"],
                       check=True, capture_output=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))  # fmt: skip
        size = sum(os.path.getsize(p) for p in glob.glob(prefix + ".*")) / 2**20
        print(f"checkpoint: {size:.0f} MB written by TF in {time.perf_counter() - t0:.1f} s")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"python {platform.python_version()}; page cache warm")  # fmt: skip
        run("raw", prefix)  # warm the page cache
        results = {}
        for kind in ("raw", "jaxscope", "tensorflow"):
            best = min((run(kind, prefix) for _ in range(args.repeat)), key=lambda r: r["seconds"])
            results[kind] = best
            print(
                f"{kind:>10}: {best['seconds']:6.3f} s  {best['mb'] / best['seconds']:7.0f} MB/s  "
                f"peak RSS growth {best['peak_mb']:6.0f} MB"
            )
        js, tf = results["jaxscope"], results["tensorflow"]
        print(
            f"jaxscope / tensorflow: time {js['seconds'] / tf['seconds']:.2f}x, "
            f"peak memory {js['peak_mb'] / tf['peak_mb']:.2f}x; "
            f"jaxscope / raw read: time {js['seconds'] / results['raw']['seconds']:.2f}x"
        )


if __name__ == "__main__":
    main()
