"""Question: does a run trained as TF1 trains (``AdamOptimizer`` with an ``exponential_decay`` of
``global_step``, an ``ExponentialMovingAverage``) stop at a TF1 training checkpoint and resume
from it exactly where the uninterrupted run goes?

The seed's shared ``two_hidden_layers`` (see ``shared_layers.py``) as a siamese network on
scikit-learn's bundled digits, trained with ``jaxscope.train``: TF1's Adam arithmetic and slot
names, a staircase decay driven by ``global_step``, moving averages with ``num_updates``. One run
trains straight; the other stops halfway, writes parameters, Adam slots (``.../Adam``,
``.../Adam_1``, ``beta1_power``, ``beta2_power``), ``global_step`` (int64, as TF1's ``Saver``
expects) and the averages (``.../ExponentialMovingAverage``) as one TF1 checkpoint, restores them
into a freshly initialized model (another seed) and trains on. The held-out accuracy is then
measured with the trained weights and with their moving averages, loaded by
``ema.variables_to_restore`` as TF1's evaluation scripts do. ``tests/test_train_resume.py``
checks the same checkpoints against TF1 itself (TF1 resumes ours, we resume TF1's).

Command:   python experiments/train_resume.py            (about 10 s on 2 CPU cores)
Output:    the checkpoint's variable names, the largest difference between the resumed and the
           straight run (0.0: the same trajectory, bit for bit), held-out pair accuracy with the
           trained and the averaged weights (about 0.97 each), and results/train_resume.{png,json}.
"""

from __future__ import annotations

import os
import tempfile
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from common import figure, load_digits, parse_args, parser, smoothed, write_results
from shared_layers import pairs, siamese

import jaxscope as js
from jaxscope import checkpoint


def model(x1, x2, same):
    js.train.get_or_create_global_step()
    logits = siamese(x1, x2)
    return optax.sigmoid_binary_cross_entropy(logits, same).mean()


def main(argv=None):
    a = parse_args(parser(__doc__, steps=2000, batch=128), argv)
    from tqdm import tqdm

    (xtr, ytr), (xte, yte) = load_digits(a.seed)
    rng = np.random.default_rng(a.seed)
    batches = [pairs(rng, xtr, ytr, a.batch) for _ in range(a.steps)]
    f = js.transform(model)
    opt = js.train.AdamOptimizer(
        lambda step: js.train.exponential_decay(3e-3, step, a.steps // 4, 0.5, staircase=True)
    )
    ema = js.train.ExponentialMovingAverage(0.99, num_updates="global_step")

    @jax.jit
    def step(variables, opt_state, averages, x1, x2, same):
        variables, opt_state, loss = opt.minimize(
            f.apply, variables, opt_state, x1, x2, same, global_step="global_step"
        )
        return variables, opt_state, ema.apply(variables, averages), loss

    def start(seed):
        variables = f.init(jax.random.key(seed), *batches[0])
        return variables, opt.init(variables["params"]), ema.apply(variables)

    def train(trees, steps, desc):
        losses = []
        for i in tqdm(steps, desc=desc, mininterval=1.0):
            *trees, loss = step(*trees, *batches[i])
            losses.append(float(loss))
        return tuple(trees), losses

    t0 = time.perf_counter()
    straight, losses = train(start(a.seed), range(a.steps), "straight run")
    half = a.steps // 2
    first, resumed_losses = train(start(a.seed), range(half), "first half")
    with tempfile.TemporaryDirectory() as tmp:
        prefix = checkpoint.save_tf1(
            os.path.join(tmp, f"model.ckpt-{half}"), first, dtypes={"global_step": "int64"}
        )
        names = [info.name for info in checkpoint.list_variables(prefix)]
        fresh = start(a.seed + 1)  # another process, another initialization
        restored, report = checkpoint.restore_tf1(fresh, prefix)
        print(report)
        resumed, more = train(restored, range(half, a.steps), "resumed")
        resumed_losses += more
        final = checkpoint.save_tf1(os.path.join(tmp, f"model.ckpt-{a.steps}"), resumed)
        abstract = jax.eval_shape(f.init, jax.random.key(0), *batches[0])
        averaged, _ = checkpoint.restore_tf1(
            abstract, final, rename=ema.variables_to_restore(abstract).get
        )
    seconds = time.perf_counter() - t0

    def flat(trees):
        variables, opt_state, averages = trees
        return {**checkpoint.flatten(variables), **opt_state, **averages}

    ours, theirs = flat(resumed), flat(straight)
    max_diff = max(float(jnp.max(jnp.abs(ours[n] - theirs[n]))) for n in theirs)
    print(f"checkpoint variables ({len(names)}): {', '.join(names)}")
    print(f"largest |resumed - straight| over {len(theirs)} arrays: {max_diff}")

    predict = jax.jit(lambda v, x1, x2: js.transform(siamese).apply(v, x1, x2) > 0)
    tx1, tx2, tsame = pairs(np.random.default_rng(a.seed + 1), xte, yte, 2000)
    params_only = {"params": resumed[0]["params"]}
    accuracy = float(np.mean(np.asarray(predict(params_only, tx1, tx2)) == (tsame > 0.5)))
    ema_only = {"params": averaged["params"]}
    ema_accuracy = float(np.mean(np.asarray(predict(ema_only, tx1, tx2)) == (tsame > 0.5)))
    print(
        f"held-out pair accuracy: {accuracy:.3f} trained weights, {ema_accuracy:.3f} moving "
        f"averages (chance 0.5); {a.steps} steps x 1.5 runs in {seconds:.1f} s"
    )

    summary = {
        "steps": a.steps,
        "resumed_at": half,
        "checkpoint_variables": names,
        "max_abs_difference_resumed_vs_straight": max_diff,
        "heldout_pair_accuracy": accuracy,
        "heldout_pair_accuracy_moving_average": ema_accuracy,
        "global_step": int(resumed[0]["state"]["global_step"]),
        "seconds": seconds,
    }
    fig, ax = figure(figsize=(6, 3.5))
    ax.plot(smoothed(losses, 25), label="straight", lw=3, alpha=0.5)
    ax.plot(smoothed(resumed_losses, 25), label="stopped and resumed", lw=1)
    ax.axvline(half, color="gray", ls=":", label="TF1 checkpoint")
    ax.set(xlabel="step", ylabel="loss (25-step mean)", title="Resuming from a TF1 checkpoint")
    ax.legend()
    write_results(a.out, "train_resume", summary, fig)
    return summary


if __name__ == "__main__":
    main()
