"""Question: does a tf-slim CNN (``slim.arg_scope``, ``slim.conv2d``, ``slim.batch_norm``,
``slim.max_pool2d``, ``slim.fully_connected``) ported to ``jaxscope.slim`` train with batch
statistics and then classify as well with the moving averages batch norm kept on the way?

The network is written as tf-slim code: one ``arg_scope`` gives every conv and fully connected
layer ``normalizer_fn=slim.batch_norm``, a nested one sets ``batch_norm``'s ``is_training``,
``decay`` and ``scale``. Training calls ``apply(..., mutable=["state"])``, so each step returns
the updated ``moving_mean`` / ``moving_variance`` (TF1's ``UPDATE_OPS``); evaluation runs with
``is_training=False``, which normalizes with those moving averages. Data: scikit-learn's bundled
8x8 digits (no download), 20 % held out. ``decay=0.99`` rather than tf-slim's 0.999, because
0.999 needs thousands of steps before the averages forget their initial 0 / 1.

Command:   python experiments/slim_cnn.py            (about 15 s on 2 CPU cores)
Output:    the variable table (``js.inspect``), held-out accuracy with batch statistics and
           with the moving averages (both about 0.98), how far the moving averages moved from
           their initial values, and results/slim_cnn.{png,json}.
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

slim = js.slim


def cnn(images, is_training, decay=0.99):
    """tf-slim CNN: two conv+BN+pool blocks, a BN fully connected layer, linear logits."""
    with (
        slim.arg_scope([slim.conv2d, slim.fully_connected], normalizer_fn=slim.batch_norm),
        slim.arg_scope([slim.batch_norm], is_training=is_training, decay=decay, scale=True),
    ):
        net = slim.conv2d(images, 16, [3, 3], scope="conv1")  # 8x8x16
        net = slim.max_pool2d(net, [2, 2], scope="pool1")  # 4x4x16
        net = slim.conv2d(net, 32, [3, 3], scope="conv2")  # 4x4x32
        net = slim.max_pool2d(net, [2, 2], scope="pool2")  # 2x2x32
        net = slim.fully_connected(slim.flatten(net), 64, scope="fc3")
        return slim.fully_connected(net, 10, activation_fn=None, normalizer_fn=None, scope="logits")


def main(argv=None):
    p = parser(__doc__, steps=1500, batch=64)
    p.add_argument("--decay", type=float, default=0.99)
    p.add_argument("--eval-every", type=int, default=100)
    a = parse_args(p, argv)
    from tqdm import tqdm

    (xtr, ytr), (xte, yte) = load_digits(a.seed, images=True)
    f = js.transform(functools.partial(cnn, decay=a.decay))
    variables = f.init(jax.random.key(a.seed), xtr[: a.batch], True)
    info = js.inspect(f, xtr[: a.batch], True)
    print(info)
    initial_state = variables["state"]
    params, state = variables["params"], variables["state"]
    opt = optax.adam(1e-3)
    opt_state = opt.init(params)

    def loss_fn(params, state, x, y):
        logits, new = f.apply({"params": params, "state": state}, x, True, mutable=["state"])
        loss = optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()
        return loss, new["state"]

    @jax.jit
    def step(params, state, opt_state, x, y):
        (loss, state), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, state, x, y)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), state, opt_state, loss

    @jax.jit
    def accuracies(params, state, x, y):
        v = {"params": params, "state": state}
        # batch statistics of the held-out set itself; the state it would update is dropped
        batch_logits, _ = f.apply(v, x, True, mutable=["state"])
        moving_logits = f.apply(v, x, False)
        return jnp.mean(batch_logits.argmax(-1) == y), jnp.mean(moving_logits.argmax(-1) == y)

    rng = np.random.default_rng(a.seed)
    losses, curve, t0 = [], [], time.perf_counter()
    for i in tqdm(range(1, a.steps + 1), desc="training", mininterval=1.0):
        idx = rng.integers(0, len(xtr), a.batch)
        params, state, opt_state, loss = step(params, state, opt_state, xtr[idx], ytr[idx])
        losses.append(float(loss))
        if i % a.eval_every == 0 or i == a.steps:
            curve.append((i, *map(float, accuracies(params, state, xte, yte))))
    seconds = time.perf_counter() - t0
    batch_acc, moving_acc = curve[-1][1:]
    old = js.checkpoint.flatten(initial_state)
    moved = {
        n: float(jnp.max(jnp.abs(v - old[n]))) for n, v in js.checkpoint.flatten(state).items()
    }
    print(f"held-out accuracy, batch statistics (is_training=True):  {batch_acc:.3f}")
    print(f"held-out accuracy, moving averages  (is_training=False): {moving_acc:.3f}")
    print("largest change of each moving average from its initial value:")
    for name, change in moved.items():
        print(f"  {name:34s} {change:.3f}")
    print(f"{a.steps} steps in {seconds:.1f} s (chance accuracy 0.1)")

    summary = {
        "parameters": int(sum(v.size for v in jax.tree.leaves(params))),
        "variables": [v.name for v in info],
        "heldout_accuracy_batch_stats": batch_acc,
        "heldout_accuracy_moving_averages": moving_acc,
        "moving_average_change": moved,
        "steps": a.steps,
        "decay": a.decay,
        "final_loss": float(np.mean(losses[-50:])),
        "seconds": seconds,
    }
    fig, (ax0, ax1) = figure(1, 2, figsize=(10, 3.5))
    window = min(25, len(losses))
    ax0.plot(smoothed(losses, window))
    ax0.set(xlabel="step", ylabel=f"loss ({window}-step mean)", yscale="log", title="training")
    steps_, batch_, moving_ = zip(*curve, strict=True)
    ax1.plot(steps_, batch_, "o-", label="batch statistics (is_training=True)")
    ax1.plot(steps_, moving_, "s-", label=f"moving averages (is_training=False, decay {a.decay})")
    ax1.set(xlabel="step", ylabel="held-out accuracy", title="slim CNN on digits")
    ax1.legend(loc="lower right")
    write_results(a.out, "slim_cnn", summary, fig)
    return summary


if __name__ == "__main__":
    main()
