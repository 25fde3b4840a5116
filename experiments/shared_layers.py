"""Question: does the seed's ``two_hidden_layers`` (TF1 variable sharing with AUTO_REUSE) train as
one set of weights when it is called on two inputs, ported unchanged to jaxscope?

The network is the seed's, verbatim in TF1 style: ``fully_connected`` opens
``variable_scope(scope, reuse=AUTO_REUSE)`` and calls ``get_variable``; ``two_hidden_layers`` is
applied to both members of a pair inside ``variable_scope("two_layers")``. Used as a siamese
network on scikit-learn's bundled 8x8 digits (no download), it learns to tell same-digit pairs from
different-digit pairs. The parameter count shows there is only one copy of the weights.

Command:   python experiments/shared_layers.py            (about 20 s on 2 CPU cores)
Output:    the variables tree, the parameter count, held-out pair accuracy (about 0.97), and
           results/shared_layers.{png,json}.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from common import figure, load_digits, parse_args, parser, smoothed, write_results

import jaxscope as js


def fully_connected(x, out_dim, scope):
    with js.variable_scope(scope, reuse=js.AUTO_REUSE):
        w = js.get_variable(
            "weights",
            [x.shape[1], out_dim],
            initializer=js.random_normal_initializer(stddev=(1.0 / x.shape[1]) ** 0.5),
        )
        b = js.get_variable("biases", [out_dim], initializer=js.constant_initializer(0.0))
        return x @ w + b


def two_hidden_layers(x):
    h1 = jax.nn.relu(fully_connected(x, 50, "h1"))
    return fully_connected(h1, 10, "h2")


def siamese(x1, x2):
    """Logit that x1 and x2 show the same digit, from the distance of their shared embeddings."""
    with js.variable_scope("two_layers"):
        e1, e2 = two_hidden_layers(x1), two_hidden_layers(x2)
    with js.variable_scope("head"):
        scale = js.get_variable("scale", [], initializer=js.constant_initializer(1.0))
        bias = js.get_variable("bias", [], initializer=js.constant_initializer(1.0))
    return bias - scale * jnp.sum((e1 - e2) ** 2, axis=-1)


def pairs(rng, x, y, n):
    """Half same-class, half different-class pairs."""
    i = rng.integers(0, len(x), n)
    same = rng.random(n) < 0.5
    j = np.empty(n, np.int64)
    by_class = [np.flatnonzero(y == c) for c in range(10)]
    for k in range(n):
        pool = by_class[y[i[k]]] if same[k] else np.flatnonzero(y != y[i[k]])
        j[k] = rng.choice(pool)
    return x[i], x[j], (y[i] == y[j]).astype(np.float32)


def main(argv=None):
    a = parse_args(parser(__doc__, steps=3000, batch=128), argv)
    from tqdm import tqdm

    (xtr, ytr), (xte, yte) = load_digits(a.seed)
    rng = np.random.default_rng(a.seed)
    f = js.transform(siamese)
    x1, x2, _ = pairs(rng, xtr, ytr, a.batch)
    variables = f.init(jax.random.key(a.seed), x1, x2)
    n_params = sum(v.size for v in jax.tree.leaves(variables["params"]))
    print("variables:", jax.tree.map(jnp.shape, variables))
    one_copy = (64 * 50 + 50) + (50 * 10 + 10) + 2  # h1, h2, head
    print(
        f"parameters: {n_params} (one shared copy: {one_copy}; two copies would be "
        f"{2 * one_copy - 2})"
    )

    opt = optax.adam(1e-3)
    params = variables["params"]
    opt_state = opt.init(params)

    def loss_fn(params, x1, x2, same):
        logits = f.apply({"params": params}, x1, x2)
        return optax.sigmoid_binary_cross_entropy(logits, same).mean()

    @jax.jit
    def step(params, opt_state, x1, x2, same):
        loss, grads = jax.value_and_grad(loss_fn)(params, x1, x2, same)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    predict = jax.jit(lambda params, x1, x2: f.apply({"params": params}, x1, x2) > 0)
    tx1, tx2, tsame = pairs(np.random.default_rng(a.seed + 1), xte, yte, 2000)
    losses, t0 = [], time.perf_counter()
    for _ in tqdm(range(a.steps), desc="training", mininterval=1.0):
        params, opt_state, loss = step(params, opt_state, *pairs(rng, xtr, ytr, a.batch))
        losses.append(float(loss))
    seconds = time.perf_counter() - t0
    accuracy = float(np.mean(np.asarray(predict(params, tx1, tx2)) == (tsame > 0.5)))
    print(
        f"held-out pair accuracy: {accuracy:.3f} (chance 0.5), {a.steps} steps in {seconds:.1f} s"
    )

    summary = {
        "parameters": int(n_params),
        "heldout_pair_accuracy": accuracy,
        "steps": a.steps,
        "final_loss": float(np.mean(losses[-50:])),
        "seconds": seconds,
    }
    fig, ax = figure(figsize=(6, 3.5))
    ax.plot(smoothed(losses, 25))
    ax.set(
        xlabel="step",
        ylabel="loss (25-step mean)",
        title=f"Siamese two_hidden_layers on digits: accuracy {accuracy:.3f}",
    )
    write_results(a.out, "shared_layers", summary, fig)
    return summary


if __name__ == "__main__":
    main()
