"""``verify(..., steps=N)``: N training steps on both sides from TF1's initial values, on the same
inputs. The loss is the one whose gradients ``verify`` compares (``sum(w * outputs)``, ``w``
fixed random weights) plus the regularization losses; TF1 minimizes it with its own optimizer
(``UPDATE_OPS`` as its control dependencies, TF1's idiom), the jaxscope side with
``jaxscope.compat.v1.train``'s optimizer inside the program, run by ``js.train.Runner``. Compared:
the loss at each step (before its update, as ``session.run([loss, train_op])`` gives it) and
every variable after the last step, the optimizer's slots (``w/Adam``, ``beta1_power``)
included, in TF1's creation order."""

from __future__ import annotations

import dataclasses

import numpy as np

from jaxscope._src.verify.errors import InputSpecError

# name -> (TF1 class name in tf.train, its extra arguments after the learning rate)
OPTIMIZERS = {
    "sgd": ("GradientDescentOptimizer", {}),
    "momentum": ("MomentumOptimizer", {"momentum": 0.9}),
    "adam": ("AdamOptimizer", {}),
    "rmsprop": ("RMSPropOptimizer", {}),
}


@dataclasses.dataclass(frozen=True)
class Training:
    """What to train: ``steps`` steps of ``optimizer`` (a key of :data:`OPTIMIZERS`) at ``lr``."""

    steps: int
    optimizer: str = "sgd"
    lr: float = 0.01

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise InputSpecError(
                "verify(steps=...)", f"there is no optimizer {self.optimizer!r} (known: "
                f"{', '.join(OPTIMIZERS)})",
            )  # fmt: skip

    def make(self, train_module):
        """The optimizer object of ``train_module`` (``tf.train`` or ``jaxscope``'s)."""
        cls, extra = OPTIMIZERS[self.optimizer]
        return getattr(train_module, cls)(self.lr, **extra)


@dataclasses.dataclass
class Trained:
    """One side's training run: the loss before each step, every variable after the last."""

    losses: list[float]
    variables: dict[str, np.ndarray]
    order: list[str]  # TF1's creation order (model variables, then slots); empty on jaxscope's


def train_op_tf1(tf, loss, training: Training):
    """The train op in the current TF1 graph, after the ``UPDATE_OPS``, as TF1 scripts write it."""
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        return training.make(tf.train).minimize(loss)


def run_tf1(tf, graph, config, saver, prefix, loss, train_op, steps: int) -> Trained:
    """``steps`` runs of ``[loss, train_op]`` in a fresh session from the saved initial values."""
    every = graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(tf.global_variables_initializer())  # the slots; the model's come from prefix
        if saver is not None:
            saver.restore(sess, prefix)
        losses = [float(sess.run([loss, train_op])[0]) for _ in range(steps)]
        values = sess.run({v.op.name: v for v in every})
    return Trained(losses, values, [v.op.name for v in every])


def program(model, loss_of, training: Training):
    """The jaxscope program: the model, its loss and the compat.v1 optimizer's train op."""
    from jaxscope.compat import v1 as jtf

    def step(*args, **kwargs):
        out, reg = model(*args, **kwargs)
        loss = loss_of(out, reg)
        with jtf.control_dependencies(jtf.get_collection(jtf.GraphKeys.UPDATE_OPS)):
            train_op = training.make(jtf.train).minimize(loss)
        return {"loss": loss, "train_op": train_op}

    return step


def run_jax(step_program, restored_from, args, kwargs, steps: int, seed: int) -> Trained:
    """``steps`` runs of the program by ``js.train.Runner``, its variables (slots included) from
    ``init`` and then TF1's checkpoint ``restored_from`` (the model's variables)."""
    import jax

    from jaxscope._src.checkpoint.trees import restore_tf1
    from jaxscope._src.core.tree_names import flatten
    from jaxscope._src.train.runner import Runner

    runner = Runner(step_program, rng=jax.random.key(seed))
    runner.init(jax.random.key(seed), *args, **kwargs)
    if restored_from is not None:
        runner.variables, _ = restore_tf1(runner.variables, restored_from, strict=False)
    losses = []
    for _ in range(steps):
        loss, _ = runner.run(["loss", "train_op"], *args, **kwargs)
        losses.append(float(loss))
    return Trained(losses, {k: np.asarray(v) for k, v in flatten(runner.variables).items()}, [])
