"""TF1 optimizer slots -> optax state: Adam's ``w/Adam`` and ``w/Adam_1`` become ``mu`` and ``nu``."""

from __future__ import annotations

import math
import os
import re
from typing import Any

from jaxscope._src.checkpoint.errors import (
    AdamStateError,
    CheckpointMismatchError,
    UnsupportedCheckpointError,
)
from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader
from jaxscope._src.checkpoint.trees import (
    Rename,
    RestoreReport,
    checkpoint_sources,
    fill_tree,
    is_optimizer_slot,
    tree_names,
)
from jaxscope._src.train.errors import SlotMismatchError
from jaxscope._src.train.optimizer import spec

_OTHER_ADAM = re.compile(r"/Adam_([2-9]|\d\d+)\Z")  # \Z: `$` also matches before a final "\n"


def _map_adam_states(state, fn, found: list):
    import optax

    if isinstance(state, optax.ScaleByAdamState):
        found.append(state)
        return fn(state)
    if isinstance(state, tuple) and hasattr(state, "_fields"):  # optax states are NamedTuples
        return type(state)(*(_map_adam_states(s, fn, found) for s in state))
    if isinstance(state, tuple | list):
        return type(state)(_map_adam_states(s, fn, found) for s in state)
    if isinstance(state, dict):
        return {k: _map_adam_states(v, fn, found) for k, v in state.items()}
    return state


def _check_moment_shapes(adam, params) -> None:
    """Each moment has its parameter's shape (its dtype may differ: ``optax.adam(mu_dtype=)``)."""
    moments = {"mu": tree_names(adam.mu), "nu": tree_names(adam.nu)}
    for name, (_, leaf) in tree_names(params).items():
        for field, suffix in (("mu", "/Adam"), ("nu", "/Adam_1")):
            got = spec(moments[field][name][1])
            if got[0] != spec(leaf)[0]:
                raise SlotMismatchError(
                    "restore_tf1_adam", name, f"{name}{suffix} (opt_state's {field})", got,
                    spec(leaf), "Build the state for these params and restore into it:\n"
                    "    opt_state = optax.adam(1e-3).init(params)\n"
                    "    opt_state, report = restore_tf1_adam(opt_state, params, path)",
                )  # fmt: skip


def restore_tf1_adam(
    opt_state,
    params,
    path: str | os.PathLike,
    *,
    rename: Rename = None,
    strict: bool = True,
    b1: float = 0.9,
) -> tuple[Any, RestoreReport]:
    """Loads TF1 ``AdamOptimizer`` slots into an optax Adam state, to resume TF1 training.

    For each parameter ``name``: ``name/Adam`` -> ``mu``, ``name/Adam_1`` -> ``nu``. The step
    count comes from ``beta1_power`` (TF1 saves ``b1 ** (t + 1)`` after ``t`` updates), else
    from ``global_step``. The mapping must be unambiguous: exactly one ``ScaleByAdamState`` in
    ``opt_state``, and one Adam optimizer in the checkpoint (no ``name/Adam_2``). TF1 adds
    epsilon to ``sqrt(v)`` before bias correction (``epsilon_hat``), optax after; with the usual
    tiny epsilon the updates agree closely.

    Args:
      opt_state: ``optax.adam(...).init(params)`` (or a chain holding one Adam); not mutated.
      params: the parameter tree that ``opt_state`` was built for (names as in
        :func:`restore_tf1`).
      path: a checkpoint prefix, or a directory with a ``checkpoint`` state file.
      rename: as in :func:`restore_tf1`, applied to the variable part of slot names.
      strict: raise if a slot or the step is missing or mismatched.
      b1: the Adam ``beta1`` that TF1 trained with, to turn ``beta1_power`` into a step.

    Returns:
      ``(new_opt_state, report)``; the report names slots as ``tree_name/Adam``.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> import optax
      >>> opt_state = optax.adam(1e-3).init(variables["params"])
      >>> _, report = js.checkpoint.restore_tf1_adam(opt_state, variables["params"], prefix,
      ...                                            strict=False)
      >>> report.missing  # this checkpoint holds no Adam slots
      ['dense/b/Adam', 'dense/w/Adam', 'dense/b/Adam_1', 'dense/w/Adam_1', 'count (beta1_power)']

    TF1 equivalent: tf.compat.v1.train.AdamOptimizer slots restored by Saver.restore
    """
    with CheckpointReader(path) as reader:
        others = [n for n in reader.names if _OTHER_ADAM.search(n)]
        if others:
            raise UnsupportedCheckpointError(
                reader.prefix,
                f"it holds slots of more than one Adam optimizer ({', '.join(others[:3])}), so "
                "which slots are m and v is ambiguous",
                "Load them by name instead: jaxscope.checkpoint.load_variables(path, names).",
            )
        slots = {}
        for suffix in ("/Adam", "/Adam_1"):
            bases = [n[: -len(suffix)] for n in reader.names if n.endswith(suffix)]
            sources = checkpoint_sources(bases, rename)
            slots[suffix] = {name: base + suffix for name, base in sources.items()}
        step, step_source = None, None
        if "beta1_power" in reader.names:
            power = float(reader.read("beta1_power"))
            step, step_source = round(math.log(power) / math.log(b1)) - 1, "beta1_power"
        elif "global_step" in reader.names:
            step, step_source = int(reader.read("global_step")), "global_step"

        results = {}

        def fill(state):
            import jax.numpy as jnp

            for field, suffix in (("mu", "/Adam"), ("nu", "/Adam_1")):
                results[field] = fill_tree(getattr(state, field), reader, slots[suffix])
            count = state.count if step is None else jnp.asarray(step, state.count.dtype)
            return state._replace(count=count, mu=results["mu"][0], nu=results["nu"][0])

        found = []
        new_state = _map_adam_states(opt_state, fill, found)
        if len(found) != 1:
            raise AdamStateError(len(found))
        names, moments = set(tree_names(params)), set(tree_names(found[0].mu))
        if moments != names:
            raise AdamStateError(1, sorted(names - moments), sorted(moments - names))
        _check_moment_shapes(found[0], params)
        loaded, missing, mismatched = [], [], []
        for field, suffix in (("mu", "/Adam"), ("nu", "/Adam_1")):
            _, ok, miss, bad = results[field]
            loaded += [n + suffix for n in ok]
            missing += [n + suffix for n in miss]
            mismatched += [m._replace(name=m.name + suffix) for m in bad]
        (loaded if step is not None else missing).append(
            f"count (from {step_source})" if step is not None else "count (beta1_power)"
        )
        taken = {step_source} | {m.checkpoint_name for m in mismatched}
        for field, suffix in (("mu", "/Adam"), ("nu", "/Adam_1")):
            taken |= {slots[suffix][n] for n in results[field][1]}
        unused_slots = [n for n in reader.names if is_optimizer_slot(n) and n not in taken]
        report = RestoreReport(reader.prefix, sorted(loaded), missing, mismatched, [], unused_slots)
    if strict and not report.ok:
        raise CheckpointMismatchError(report.path, report)
    return new_state, report
