"""A session-like runner: TF1's ``session.run(fetches, feed_dict)`` on one program.

``Runner(program)`` holds the program's variables (and so the optimizers' slots, which in-model
train ops make as variables). ``run(fetches, *args)`` runs what ``fetches`` selects from the
program's output -- a key, an attribute or a ``"a.b"`` path, or a list/tuple/dict of them --
and returns those values: a train op among them runs (its assignments are made), one that is not
fetched does not, and an ``assign`` (a batch-norm average, ``tf.assign``) runs only when a fetch
depends on it (``transform(..., fetch_dependent=True)``), as in TF1. Each fetch set compiles
once per input shapes (``jax.jit`` with the variables donated: updated in place), then every step
reuses it. It is a thin layer on
``transform``'s ``init`` / ``apply``, which stay the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core import feeds
from jaxscope._src.core.collections import GraphKeys, get_collection
from jaxscope._src.core.transform import Transformed, transform
from jaxscope._src.core.tree_names import flatten, unflatten
from jaxscope._src.train.errors import TrainArgumentError
from jaxscope._src.train.fetches import cache_key, feed_names, handles, select, values


class Runner:
    """TF1's ``Session`` for one program: it holds the variables; ``run`` runs what is fetched.

    Args:
      program: the model function (as passed to :func:`jaxscope.transform`, or its
        ``Transformed``), returning what may be fetched: a dict, an object with attributes, ...
      variables: the variables to start from (``f.init(...)``, a restored checkpoint); or call
        :meth:`init`.
      rng: the key of ``next_rng_key`` (dropout, TF1's random ops): step ``i`` uses
        ``fold_in(rng, i)``, so each run draws afresh, as TF1's do.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> def model(x, y):
      ...     w = tf.get_variable("w", [3, 1])
      ...     cost = tf.reduce_mean(tf.square(x @ w - y))
      ...     step = tf.train.get_or_create_global_step()
      ...     train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cost, global_step=step)
      ...     return {"cost": cost, "train_op": train_op}
      >>> runner = js.train.Runner(model)
      >>> runner.init(jax.random.key(0), jnp.ones([4, 3]), jnp.ones([4, 1]))
      >>> for _ in range(3):
      ...     cost, _ = runner.run(["cost", "train_op"], jnp.ones([4, 3]), jnp.ones([4, 1]))
      >>> int(runner.variables["state"]["global_step"])
      3

    TF1 equivalent: tf.compat.v1.Session (run(fetches, feed_dict): the inputs are the program's
    arguments, or its placeholders fed by ``feed_dict=``; ``outputs`` are the kept tensors)
    """

    def __init__(self, program: Callable[..., Any] | Transformed, variables=None, *, rng=None):
        self._fn = program.init._jaxscope[0] if isinstance(program, Transformed) else program
        # Held as a flat list of leaves (what each step takes and returns: a nested tree costs a
        # step ~2% more to dispatch) and their treedef; :attr:`variables` is the tree.
        self._leaves: list | None = None
        self._treedef: Any = None
        self._tree: Any = None
        self.variables = variables
        rng = jax.random.key(0) if rng is None else rng
        if not jnp.issubdtype(rng.dtype, jax.dtypes.prng_key):  # a raw key: jax.random.PRNGKey
            rng = jax.random.wrap_key_data(rng)
        # passed to each step as its raw bits: a typed key is flattened in Python at every call
        self._key_data, self._key_impl = jax.random.key_data(rng), jax.random.key_impl(rng)
        self._steps: dict[Any, Callable] = {}
        self.runs = 0  # how many runs so far (step i draws from fold_in(rng, i))
        self._members: dict[
            str, list[str]
        ] = {}  # LOCAL/METRIC_VARIABLES, as the program files them
        self._initial: dict[str, np.ndarray] = {}  # their values from init
        self.outputs: Any = None  # init's output, each value a handle (fetches.Fetch)

    @property
    def variables(self) -> Any:
        """The held variables, ``{"params": ..., "state": ...}`` as ``init`` gives them. Setting it
        (a restored checkpoint) starts the next run from it. A run donates them: a tree read
        before a run is not valid after it."""
        if self._tree is None and self._leaves is not None:
            self._tree = jax.tree.unflatten(self._treedef, self._leaves)
        return self._tree

    @variables.setter
    def variables(self, tree: Any) -> None:
        self._tree = tree
        self._leaves, self._treedef = (None, None) if tree is None else jax.tree.flatten(tree)

    def _recording(self, program: Callable) -> Callable:
        """``program``, noting (when traced) which variables it files as local / metric."""

        def recorded(*args, **kwargs):
            out = program(*args, **kwargs)
            for key in (GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES):
                self._members[key] = [v._node for v in get_collection(key) if hasattr(v, "_node")]
            return out

        return recorded

    def init(self, rng, *args, **kwargs) -> None:
        """Initializes the variables from the program run on ``args`` (TF1's
        ``session.run(tf.global_variables_initializer())``), and sets :attr:`outputs`: the
        program's output with each array, variable and op replaced by a handle that
        :meth:`run` fetches (and, for a placeholder, feeds)."""
        fn = self._fn

        def program(*a, **k):
            out = fn(*a, **k)
            self.outputs = handles(out, feeds.current().name_of)
            return out

        with feeds.feeding({}):
            self.variables = transform(self._recording(program)).init(rng, *args, **kwargs)
        flat = flatten(self.variables)
        self._initial = {n: np.array(flat[n]) for n in self._members.get("local_variables", [])}

    def run(self, fetches, *args, feed_dict=None, **kwargs):
        """The values of ``fetches`` after running the program on ``args``; fetched train ops
        (and the assigns the fetches depend on) update the held variables. A failed run leaves them
        as they were.

        ``fetches``: names / paths of the program's output, handles from :attr:`outputs`, or a
        list / tuple / dict of them. ``feed_dict``: ``{placeholder: value}``, the placeholder by
        its TF1 name (``"Train/Model/new_lr"``, ``:0`` optional) or its handle; the program's
        ``tf.placeholder`` / ``tf.placeholder_with_default`` read it. Feeding a name no
        placeholder of the program has raises ``TrainArgumentError`` (a ``ValueError``).

        TF1 equivalent: tf.compat.v1.Session.run(fetches, feed_dict)
        """
        if self._leaves is None:
            raise TrainArgumentError(
                "Runner.run", "the runner holds no variables yet",
                "Initialize them: runner.init(jax.random.key(0), *args), or pass "
                "Runner(program, variables=restored).",
            )  # fmt: skip
        fed = feed_names(feed_dict)
        key = (cache_key(fetches), self._treedef)
        step = self._steps.get(key)
        if step is None:
            step = self._steps[key] = jax.jit(self._step(fetches, self._treedef), donate_argnums=0)
        out, self._leaves = step(self._leaves, self._key_data, self.runs, fed, *args, **kwargs)
        self._tree = None
        self.runs += 1
        return out

    def _step(self, fetches, treedef):
        """The function one run of ``fetches`` compiles: the program applied under the feeds, to
        the variables' leaves (of ``treedef``) and returning their new values."""
        fn = self._fn
        program = self._recording(lambda *a, **k: values(select(fn(*a, **k), fetches)))
        f = transform(program, allow_unused=True, fetch_dependent=True)

        def run(leaves, key_data, runs, fed, *args, **kwargs):
            variables = jax.tree.unflatten(treedef, leaves)
            rng = jax.random.wrap_key_data(key_data, impl=self._key_impl)
            rng = jax.random.fold_in(rng, runs)  # in the program: no dispatch of its own
            with feeds.feeding(fed) as fd:
                out, new = f.apply(variables, *args, rng=rng, mutable=True, **kwargs)
            if fd.unfed:
                _refuse_unfed(f, variables, args, kwargs, rng, fed, fd)
            unknown = sorted(set(fed) - fd.read)
            if unknown:
                raise TrainArgumentError(
                    "Runner.run", f"feed_dict feeds {unknown}, which no placeholder of the "
                    f"program is named (its placeholders: {sorted(fd.read)[:12]})",
                    "Feed a placeholder by its TF1 name, scopes included: "
                    "runner.run(fetches, feed_dict={'Model/new_lr': 0.5}).",
                )  # fmt: skip
            new_leaves, new_treedef = jax.tree.flatten(new)
            assert new_treedef == treedef, (new_treedef, treedef)  # apply keeps the variables' tree
            return out, new_leaves

        return run

    def assign(self, name: str, value) -> None:
        """Sets the variable ``name`` (its TF1 name) to ``value``, outside any run.

        TF1 equivalent: tf.compat.v1.Variable.load(value, session)
        """
        flat = flatten(self.variables)
        name = name[: -len(":0")] if name.endswith(":0") else name
        if name not in flat:
            raise TrainArgumentError("Runner.assign", f"{name!r} is not a variable of the program",
                                     f"The variables are: {sorted(flat)[:12]}.")  # fmt: skip
        old = flat[name]
        if np.shape(value) != np.shape(old):
            raise TrainArgumentError("Runner.assign", f"{name!r} has shape {np.shape(old)}, the "
                                     f"value {np.shape(value)}", "Pass a value of the variable's "
                                     "shape.")  # fmt: skip
        flat[name] = jax.numpy.asarray(value, old.dtype)
        self.variables = unflatten(flat, trainable=set(flatten(self.variables.get("params", {}))))

    def reset(self, collection: str = "local_variables") -> None:
        """Sets the variables the program files in ``collection`` (TF1's ``LOCAL_VARIABLES``,
        or ``"metric_variables"``) back to their initial values: the values :meth:`init` gave
        them, else zeros (every ``tf.metrics`` variable starts at zero). Resets the streaming
        metrics between evaluations.

        TF1 equivalent: session.run(tf.compat.v1.local_variables_initializer())
        """
        if collection not in self._members:
            raise TrainArgumentError(
                "Runner.reset", f"{collection!r} is not known: the runner records "
                "'local_variables' and 'metric_variables' when it runs (or inits) the program",
                "Call runner.init(...) or runner.run(...) first; then runner.reset().",
            )  # fmt: skip
        flat = flatten(self.variables)
        for name in self._members[collection]:
            old = flat[name]
            start = self._initial.get(name)
            flat[name] = jax.numpy.zeros_like(old) if start is None else jax.numpy.asarray(start)
        self.variables = unflatten(flat, trainable=set(flatten(self.variables.get("params", {}))))


def _refuse_unfed(f, variables, args, kwargs, rng, fed, fd) -> None:
    """Raises where the run's results (fetches, assignments) need a ``tf.placeholder`` that was
    not fed, as TF1's ``session.run`` does; one more trace of the program, at compile time."""

    def analysed(variables):
        with feeds.feeding(fed) as again:
            out = f.apply(variables, *args, rng=rng, mutable=True, **kwargs)
        return jax.tree.leaves(out), [v for _, v in again.unfed]

    closed = jax.make_jaxpr(analysed)(variables)
    outputs = len(closed.jaxpr.outvars) - len(fd.unfed)
    names = [fd.unfed[i][0] for i in feeds.needed(closed, outputs)]
    if names:
        raise TrainArgumentError(
            "Runner.run", f"You must feed a value for placeholder tensor {names[0]!r} (TF1's "
            f"InvalidArgumentError): the fetches need {names}",
            f"runner.run(fetches, ..., feed_dict={{{names[0]!r}: value}}), or fetch what does "
            "not need it.",
        )  # fmt: skip
