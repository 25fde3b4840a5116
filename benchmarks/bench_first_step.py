"""Time to the first training step (issue 27): jaxscope, plain JAX and TF1 graph mode.

What a user waits for between ``python train.py`` and the first finished training step, each
framework in a fresh process, interleaved, best of ``--rounds``:

- **resnet**: tf-slim 1.1.0's own ``resnet_v1_50`` (its installed ``nets/resnet_v1.py``: loaded
  by ``load_tf1_module`` for jaxscope, imported as is for TF1; a plain JAX twin with the same
  layers), training mode (batch norm's moving averages updated), batch 8, 112x112 input, 1000
  classes, one SGD step on softmax cross entropy plus the file's L2 weight decay;
- **lstm**: the PTB tutorial's model (``ptb_word_lm.py``, small config widened to 200): an
  embedding, two ``BasicLSTMCell(200)`` unrolled in Python over 20 steps with
  ``reuse_variables()``, batch 20, 10,000 words, one SGD step.

Each row splits the imports (``import jaxscope`` / ``jax`` / ``tensorflow``) from the rest: from
the end of the imports to the first step's values on the host (TF1: building the graph, running
the initializer, the first ``session.run``; JAX: tracing, ``init``, compiling, the first step).
jaxscope and plain JAX run twice per round with jax's persistent compilation cache
(``js.enable_compilation_cache``): "first run" with an empty cache directory, "second run" with
the one the first run filled. Wall seconds and the process's CPU seconds (the figure that stays
comparable on a machine shared with other work).

Run: ``python benchmarks/bench_first_step.py [--rounds 2] [--models resnet,lstm]`` (about 4 min
per round on 2 CPU cores). Needs tensorflow-cpu, tf-keras and tf-slim (the ``[test]`` extra).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

_CHILD = r"""
import os, sys, time, json
t_start, c_start = time.perf_counter(), time.process_time()
MODEL, FW, CACHE = sys.argv[1], sys.argv[2], sys.argv[3]
B, PX, CLASSES = 8, 112, 1000          # resnet
VOCAB, H, T, BATCH = 10000, 200, 20, 20  # lstm
if FW == "tf1":
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    if MODEL == "resnet":
        import tf_keras.src.legacy_tf_layers as legacy  # where tf_slim's batch_norm looks for it
        sys.modules.setdefault("tf_keras.legacy_tf_layers", legacy)
        from tf_slim.nets import resnet_v1
else:
    import jax, jax.numpy as jnp, numpy as np
    if FW == "jaxscope":
        import jaxscope as js
        import jaxscope.compat.v1 as tf
        if MODEL == "resnet":
            from jaxscope.compat.porting import load_tf1_module
            resnet_v1 = load_tf1_module(
                "tf_slim.nets.resnet_v1", replace={"inputs.get_shape()": "inputs.shape"})
        js.enable_compilation_cache(CACHE)
    else:
        jax.config.update("jax_compilation_cache_dir", CACHE)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
t_import, c_import = time.perf_counter(), time.process_time()
rng = np.random.default_rng(0)
if MODEL == "resnet":
    x = rng.standard_normal((B, PX, PX, 3)).astype(np.float32)
    y = rng.integers(0, CLASSES, B).astype(np.int32)
else:
    x = rng.integers(0, VOCAB, (BATCH, T)).astype(np.int32)
    y = rng.integers(0, VOCAB, (BATCH, T)).astype(np.int32)


def tf1_model(x, y):
    # the same program for TF1 and for jaxscope (``tf`` is jaxscope.compat.v1 there)
    if MODEL == "resnet":
        with resnet_v1.arg_scope(resnet_v1.resnet_arg_scope()):
            logits, _ = resnet_v1.resnet_v1_50(x, CLASSES, is_training=True)
        logits = tf.reshape(logits, [B, CLASSES])
        return tf.losses.sparse_softmax_cross_entropy(y, logits) + tf.losses.get_regularization_loss()
    cells = [tf.nn.rnn_cell.BasicLSTMCell(H, forget_bias=0.0) for _ in range(2)]
    cell = tf.nn.rnn_cell.MultiRNNCell(cells)
    embedding = tf.get_variable("embedding", [VOCAB, H], dtype=tf.float32)
    inputs = tf.nn.embedding_lookup(embedding, x)
    state = cell.zero_state(BATCH, tf.float32)
    outputs = []
    with tf.variable_scope("RNN"):
        for time_step in range(T):
            if time_step > 0:
                tf.get_variable_scope().reuse_variables()
            (cell_output, state) = cell(inputs[:, time_step, :], state)
            outputs.append(cell_output)
    output = tf.reshape(tf.concat(outputs, 1), [-1, H])
    w = tf.get_variable("softmax_w", [H, VOCAB], dtype=tf.float32)
    b = tf.get_variable("softmax_b", [VOCAB], dtype=tf.float32)
    logits = tf.matmul(output, w) + b
    return tf.losses.sparse_softmax_cross_entropy(tf.reshape(y, [-1]), logits)


if FW == "tf1":
    with tf.Graph().as_default():
        loss = tf1_model(tf.constant(x), tf.constant(y))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run([train_op, loss])[1]
elif FW == "jaxscope":
    f = js.transform(tf1_model)
    variables = f.init(jax.random.key(0), x, y)

    @jax.jit
    def step(variables, x, y):
        def loss_fn(params):
            loss, new = f.apply({**variables, "params": params}, x, y, mutable=["state"])
            return loss, new
        (loss, new), g = jax.value_and_grad(loss_fn, has_aux=True)(variables["params"])
        params = jax.tree.map(lambda p, g: p - 0.1 * g, variables["params"], g)
        return {**new, "params": params}, loss

    variables, out = step(variables, x, y)
    out = np.asarray(out)
else:
    PLAIN = os.environ["BENCH_FIRST_STEP_PLAIN"]
    exec(open(PLAIN).read())
    params, state = plain_init(jax.random.key(0))

    @jax.jit
    def step(params, state, x, y):
        (loss, state), g = jax.value_and_grad(plain_loss, has_aux=True)(params, state, x, y)
        return jax.tree.map(lambda p, g: p - 0.1 * g, params, g), state, loss

    params, state, out = step(params, state, x, y)
    out = np.asarray(out)
t_end, c_end = time.perf_counter(), time.process_time()
print("RESULT " + json.dumps({
    "import": t_import - t_start, "import cpu": c_import - c_start,
    "to first step": t_end - t_import, "to first step cpu": c_end - c_import,
    "loss": float(out),
}))
"""

# The plain JAX twins, with the same shapes, initializers' kinds and layers (exec'd by the child).
_PLAIN = r"""
import jax, jax.numpy as jnp

if MODEL == "resnet":
    UNITS = [(64, 3, 2), (128, 4, 2), (256, 6, 2), (512, 3, 1)]  # tf-slim's resnet_v1_50 blocks

    def plain_init(key):
        params, state, keys = {}, {}, iter(jax.random.split(key, 200))

        def conv(name, k, cin, cout):
            std = (2.0 / (k * k * cin)) ** 0.5
            params[name] = {"w": jax.random.truncated_normal(next(keys), -2, 2, (k, k, cin, cout)) * std,
                            "beta": jnp.zeros(cout), "gamma": jnp.ones(cout)}
            state[name] = {"mean": jnp.zeros(cout), "var": jnp.ones(cout)}

        conv("conv1", 7, 3, 64)
        cin = 64
        for b, (depth, units, _) in enumerate(UNITS):
            for u in range(units):
                p = f"b{b}u{u}"
                if u == 0:
                    conv(p + "short", 1, cin, 4 * depth)
                conv(p + "c1", 1, cin, depth)
                conv(p + "c2", 3, depth, depth)
                conv(p + "c3", 1, depth, 4 * depth)
                cin = 4 * depth
        params["logits"] = {"w": jax.random.truncated_normal(next(keys), -2, 2, (cin, CLASSES)) * 0.01,
                            "b": jnp.zeros(CLASSES)}
        return params, state

    def plain_loss(params, state, x, y):
        new, l2 = {}, 0.0

        def conv(name, x, stride, relu=True):
            nonlocal l2
            p = params[name]
            l2 = l2 + 1e-4 * 0.5 * jnp.sum(p["w"] ** 2)
            pad = "SAME" if stride == 1 else [((p["w"].shape[0] - 1) // 2, p["w"].shape[0] // 2)] * 2
            x = jax.lax.conv_general_dilated(x, p["w"], (stride, stride), pad,
                                             dimension_numbers=("NHWC", "HWIO", "NHWC"))
            mean, var = jnp.mean(x, (0, 1, 2)), jnp.var(x, (0, 1, 2))
            new[name] = {"mean": 0.997 * state[name]["mean"] + 0.003 * mean,
                         "var": 0.997 * state[name]["var"] + 0.003 * var}
            x = (x - mean) * jax.lax.rsqrt(var + 1e-5) * p["gamma"] + p["beta"]
            return jax.nn.relu(x) if relu else x

        x = conv("conv1", x, 2)
        x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")
        for b, (depth, units, stride) in enumerate(UNITS):
            for u in range(units):
                p, s = f"b{b}u{u}", stride if u == units - 1 else 1
                short = conv(p + "short", x, s, relu=False) if u == 0 else (
                    x if s == 1 else x[:, ::s, ::s])
                h = conv(p + "c1", x, 1)
                h = conv(p + "c2", h, s)
                h = conv(p + "c3", h, 1, relu=False)
                x = jax.nn.relu(short + h)
        logits = jnp.mean(x, (1, 2)) @ params["logits"]["w"] + params["logits"]["b"]
        xent = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], 1))
        return xent + l2, new
else:
    def plain_init(key):
        k = iter(jax.random.split(key, 8))
        u = lambda shape: jax.random.uniform(next(k), shape, minval=-0.05, maxval=0.05)
        params = {"embedding": u((VOCAB, H)), "softmax_w": u((H, VOCAB)), "softmax_b": jnp.zeros(VOCAB)}
        for i in range(2):
            params[f"cell{i}"] = {"kernel": u((2 * H, 4 * H)), "bias": jnp.zeros(4 * H)}
        return params, {}

    def plain_loss(params, state, x, y):
        inputs = jnp.take(params["embedding"], x, axis=0)
        hs = [(jnp.zeros((BATCH, H)), jnp.zeros((BATCH, H))) for _ in range(2)]
        outputs = []
        for t in range(T):
            h = inputs[:, t, :]
            for i in range(2):
                c, m = hs[i]
                z = jnp.concatenate([h, m], 1) @ params[f"cell{i}"]["kernel"] + params[f"cell{i}"]["bias"]
                ig, j, fg, o = jnp.split(z, 4, 1)
                c = c * jax.nn.sigmoid(fg) + jax.nn.sigmoid(ig) * jnp.tanh(j)
                m = jnp.tanh(c) * jax.nn.sigmoid(o)
                hs[i] = (c, m)
                h = m
            outputs.append(h)
        logits = jnp.concatenate(outputs, 1).reshape(-1, H) @ params["softmax_w"] + params["softmax_b"]
        xent = -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y.reshape(-1, 1), 1))
        return xent, state
"""

RUNS = [("tf1", [None]), ("plain", ["first", "second"]), ("jaxscope", ["first", "second"])]


def run_child(model: str, fw: str, cache: str, plain: str) -> dict | None:
    env = dict(os.environ, BENCH_FIRST_STEP_PLAIN=plain, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("JAXSCOPE_COMPILATION_CACHE", None)
    proc = subprocess.run([sys.executable, "-c", _CHILD, model, fw, cache], env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if not line:
        print(f"  ({model} {fw} failed: {proc.stderr.strip().splitlines()[-3:]})")
        return None
    return json.loads(line[0][7:])


def conv_training(repeat=20):
    """The steady cost of one 3x3 convolution (8x28x28x128 -> 128 channels), forward and forward +
    both gradients, XLA:CPU (jax.jit) beside TF1's kernels (oneDNN where TF uses it): most of the
    resnet training step's gap to TF1 once compiled. Median milliseconds, one process."""
    import statistics
    import time

    import jax
    import jax.numpy as jnp
    import numpy as np

    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 28, 28, 128)).astype(np.float32)
    w = (rng.standard_normal((3, 3, 128, 128)) * 0.05).astype(np.float32)

    def conv(x, w):
        return jax.lax.conv_general_dilated(
            x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )

    fwd = jax.jit(lambda x, w: jnp.sum(conv(x, w) ** 2))
    both = jax.jit(jax.grad(lambda x, w: jnp.sum(conv(x, w) ** 2), argnums=(0, 1)))

    def median(run):
        run()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
        return statistics.median(times) * 1e3

    xla = [median(lambda f=f: jax.block_until_ready(f(x, w))) for f in (fwd, both)]
    with tf.Graph().as_default():
        tx, tw = tf.constant(x), tf.Variable(w)
        loss = tf.reduce_sum(tf.nn.conv2d(tx, tw, [1, 1, 1, 1], "SAME") ** 2)
        grads = tf.gradients(loss, [tx, tw])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf1 = [median(lambda: sess.run(loss)), median(lambda: sess.run(grads))]
    print(f"\nOne 3x3 convolution, 8x28x28x128 -> 128 (steady, median of {repeat}; ms)")
    print("| | XLA:CPU (jax.jit) | TF1 | XLA / TF1 |\n|---|---|---|---|")
    for label, a, b in zip(("forward", "forward + both gradients"), xla, tf1, strict=True):
        print(f"| {label} | {a:.1f} | {b:.1f} | {a / b:.2f} |")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--models", default="resnet,lstm")
    p.add_argument("--conv-only", action="store_true", help="only the convolution row")
    a = p.parse_args(argv)
    if a.conv_only:
        return conv_training()
    import jax

    print(
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"python {platform.python_version()}, jax {jax.__version__}, load average "
        f"{os.getloadavg()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "plain.py")
        with open(plain, "w") as f:
            f.write(_PLAIN)
        for model in a.models.split(","):
            best: dict[str, dict[str, float]] = {}
            for r in range(a.rounds):
                caches = {
                    fw: os.path.join(tmp, f"{model}-{fw}-{r}") for fw in ("plain", "jaxscope")
                }
                for fw, runs in RUNS if r % 2 == 0 else RUNS[::-1]:
                    for run in runs:  # a second run loads what its first run cached
                        out = run_child(model, fw, caches.get(fw, tmp), plain)
                        if out is None:
                            continue
                        key = fw if run is None else f"{fw}, {run} run"
                        for k, v in out.items():
                            best.setdefault(key, {})[k] = min(best.get(key, {}).get(k, v), v)
            print_table(model, best, a.rounds)
    conv_training()
    print(f"load average at the end {os.getloadavg()}")


def print_table(model, best, rounds):
    title = {
        "resnet": "tf-slim resnet_v1_50, batch 8, 112x112, training mode",
        "lstm": "PTB tutorial LSTM, 2 x 200, 20 unrolled steps, batch 20",
    }[model]
    tf1 = best.get("tf1", {})
    print(f"\n{title} (fresh process each, interleaved, best of {rounds}; seconds)")
    print("| | import | to first step (wall) | to first step (CPU) | / TF1 (wall) | / TF1 (CPU) |")
    print("|---|---|---|---|---|---|")
    for key, v in best.items():
        ratio = [
            f"{v[k] / tf1[k]:.2f}" if tf1.get(k) else "-"
            for k in ("to first step", "to first step cpu")
        ]
        print(
            f"| {key} | {v['import']:.2f} | {v['to first step']:.2f} | "
            f"{v['to first step cpu']:.2f} | {ratio[0]} | {ratio[1]} |"
        )


if __name__ == "__main__":
    main()
