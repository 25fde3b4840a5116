"""Question: does a real TF1 model file -- tf-slim 1.1.0's own ``nets/resnet_v1.py`` (with its
``resnet_utils.py``), read from the installed package -- train on jaxscope with nothing changed
but its imports?

``jaxscope.compat.porting.load_tf1_module("tf_slim.nets.resnet_v1")`` reads the installed file,
resolves its ``tensorflow.python.ops.*`` / ``tf_slim`` imports to ``jaxscope.compat.v1`` and
``jaxscope.slim`` and runs it. One line is edited at load time, a TF1 tensor method a jax array
has not got (``inputs.get_shape()`` -> ``inputs.shape``); the script prints the module's
``__tf1_edits__``. The net is the file's own ``resnet_v1(inputs, blocks, ...)`` with two small
bottleneck blocks made by the file's ``resnet_v1_block``, under the file's
``resnet_arg_scope`` (weight decay, batch norm). Training minimizes cross entropy plus
``tf.losses.get_regularization_loss()`` (the file's L2 terms), updating batch norm's moving
averages (``apply(..., mutable=["state"])``, TF1's ``UPDATE_OPS``); evaluation uses
``is_training=False`` (the moving averages). Data: scikit-learn's bundled 8x8 digits, 20 %
held out (no download).

Command:   python experiments/slim_resnet.py         (about 1-2 min on 2 CPU cores, half of it compiling)
Output:    the edits made to the file, its variables (TF1's names: ``resnet_tiny/block1/unit_1/
           bottleneck_v1/conv1/weights``, ...), held-out accuracy with the moving averages
           (about 0.97), and results/slim_resnet.{png,json}.
"""

from __future__ import annotations

import functools
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from common import figure, load_digits, parse_args, parser, smoothed, write_results

import jaxscope as js
import jaxscope.compat.v1 as tf
from jaxscope.compat.porting import load_tf1_module

EDITS = {"inputs.get_shape()": "inputs.shape"}  # the one TF1 tensor-method line


def tiny_resnet(resnet_v1, images, is_training, decay):
    """The file's resnet_v1 with two bottleneck blocks (depth 32, 64): logits and the L2 loss."""
    blocks = [
        resnet_v1.resnet_v1_block("block1", base_depth=8, num_units=2, stride=2),  # 8x8 -> 4x4
        resnet_v1.resnet_v1_block("block2", base_depth=16, num_units=2, stride=1),
    ]
    scope = resnet_v1.resnet_arg_scope(weight_decay=1e-4, batch_norm_decay=decay)
    with resnet_v1.arg_scope(scope):
        logits, end_points = resnet_v1.resnet_v1(
            images, blocks, num_classes=10, is_training=is_training, include_root_block=False,
            scope="resnet_tiny",
        )  # fmt: skip
    return tf.squeeze(logits, [1, 2]), tf.losses.get_regularization_loss(), sorted(end_points)


def main(argv=None):
    p = parser(__doc__, steps=600, batch=64)
    p.add_argument("--decay", type=float, default=0.9)
    p.add_argument("--eval-every", type=int, default=100)
    a = parse_args(p, argv)
    from tqdm import tqdm

    resnet_v1 = load_tf1_module("tf_slim.nets.resnet_v1", replace=EDITS)
    print("lines edited in the installed file (line, before, after):")
    for edit in resnet_v1.__tf1_edits__:
        print("  ", edit)
    (xtr, ytr), (xte, yte) = load_digits(a.seed, images=True)
    f = js.transform(functools.partial(tiny_resnet, resnet_v1, decay=a.decay))
    variables = f.init(jax.random.key(a.seed), xtr[: a.batch], True)
    info = js.inspect(f, xtr[: a.batch], True)
    print(info)
    _, _, end_points = f.apply(variables, xtr[:1], False)
    print(f"{len(end_points)} end_points, e.g. {end_points[:3]}")
    params, state = variables["params"], variables["state"]
    opt = optax.adam(3e-3)
    opt_state = opt.init(params)

    def loss_fn(params, state, x, y):
        (logits, l2, _), new = f.apply(
            {"params": params, "state": state}, x, True, mutable=["state"]
        )
        xent = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
        return xent + l2, (new["state"], xent)

    @jax.jit
    def step(params, state, opt_state, x, y):
        (_, (state, xent)), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, x, y)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, xent

    @jax.jit
    def accuracy(params, state, x, y):
        logits, _, _ = f.apply({"params": params, "state": state}, x, False)
        return jnp.mean(logits.argmax(-1) == y)

    rng = np.random.default_rng(a.seed)
    losses, curve, t0 = [], [], time.perf_counter()
    for i in tqdm(range(1, a.steps + 1), desc="training", mininterval=1.0):
        idx = rng.integers(0, len(xtr), a.batch)
        params, state, opt_state, xent = step(params, state, opt_state, xtr[idx], ytr[idx])
        losses.append(float(xent))
        if i % a.eval_every == 0 or i == a.steps:
            curve.append((i, float(accuracy(params, state, xte, yte))))
    seconds = time.perf_counter() - t0
    acc = curve[-1][1]
    print(f"held-out accuracy, moving averages (is_training=False): {acc:.3f} (chance 0.1)")
    print(f"{a.steps} steps in {seconds:.1f} s")

    summary = {
        "file": "tf_slim/nets/resnet_v1.py (tf-slim 1.1.0, installed)",
        "edits": [list(e) for e in resnet_v1.__tf1_edits__],
        "parameters": int(sum(v.size for v in jax.tree.leaves(params))),
        "variables": [v.name for v in info],
        "end_points": end_points,
        "heldout_accuracy": acc,
        "curve": [list(c) for c in curve],
        "steps": a.steps,
        "final_loss": float(np.mean(losses[-50:])),
        "seconds": seconds,
    }
    fig, (ax0, ax1) = figure(1, 2, figsize=(10, 3.5))
    window = min(25, len(losses))
    ax0.plot(smoothed(losses, window))
    ax0.set(xlabel="step", ylabel=f"cross entropy ({window}-step mean)", yscale="log")
    ax0.set_title("training")
    steps_, accs = zip(*curve, strict=True)
    ax1.plot(steps_, accs, "o-")
    ax1.set(xlabel="step", ylabel="held-out accuracy", title="tf_slim resnet_v1 on digits")
    write_results(a.out, "slim_resnet", summary, fig)
    return summary


if __name__ == "__main__":
    main()
