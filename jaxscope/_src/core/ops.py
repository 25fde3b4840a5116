"""TF1's operations that change variables when run: a train op. ``Op`` holds the assignments
it makes; ``apply`` runs the ops the program returns (TF1 runs what is fetched) and gives None in
their place, as ``Session.run(train_op)`` does (a metric's update op gives its updated value)."""

from __future__ import annotations

from typing import Any

import jax

from jaxscope._src.core import frame
from jaxscope._src.core.variables import Variable


class Op:
    """An operation that assigns ``updates`` (``[(variable, new value), ...]``, computed from the
    values read in this run) when the program returns it.

    TF1 equivalent: tf.compat.v1.Operation (one that runs assignments, as a train op)
    """

    def __init__(self, name: str, updates: list[tuple[Variable, Any]], type: str = "NoOp",  # noqa: A002
                 result: Any = None):  # fmt: skip
        self.name, self.type, self._updates = name, type, list(updates)
        # what fetching the op gives: None for a train op; a metric's updated value (TF1's
        # update_op is a tensor)
        self.result = result
        # what it runs after (TF1's control inputs): those of the open tf.control_dependencies
        fr = frame.peek()
        self.control_inputs = list(fr.control) if fr is not None else []

    def __repr__(self) -> str:
        return f"<jaxscope Op '{self.name}' type={self.type}: assigns {len(self._updates)}>"


def run_fetched(out):
    """Runs the ops in ``out`` (each once, in creation order of the call) and returns ``out``
    with each op's ``result`` (None for a train op) in its place."""
    leaves = jax.tree_util.tree_leaves(out, is_leaf=lambda x: isinstance(x, Op))
    ops = _with_control_inputs([op for op in leaves if isinstance(op, Op)])
    if not ops:
        return out
    for op in ops:
        for var, value in op._updates:
            var.assign(value)
    return jax.tree_util.tree_map(
        lambda x: x.result if isinstance(x, Op) else x, out, is_leaf=lambda x: isinstance(x, Op)
    )


def _with_control_inputs(ops: list[Op]) -> list[Op]:
    """``ops`` and the ops they run after (a ``tf.group`` of train ops), each once, inputs first."""
    out: dict[int, Op] = {}

    def visit(op: Op) -> None:
        if id(op) in out:
            return
        out[id(op)] = op  # before its inputs: a cycle cannot recurse forever
        for c in op.control_inputs:
            if isinstance(c, Op):
                visit(c)

    for op in ops:
        visit(op)
    return list(out.values())
