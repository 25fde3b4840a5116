"""What TF1's ``Session.run`` runs: only what the fetches depend on.

In a ``transform(fn, fetch_dependent=True)`` program an ``assign`` is *pending*: it is kept
(its variable takes the new value in the tree ``apply`` returns) only when the program's
return value depends on it, as TF1 runs an assign op only when a fetched tensor or op depends
on it. A value depends on an assign when it is computed from the assign's result (a later read
of the variable sees the assign: jaxscope orders it after), when it was made under
``tf.control_dependencies`` on such a value, or when a layer ties it to its update (TF1's
``batch_norm(updates_collections=None)``); a returned op (a train op, ``tf.group``) depends on
its control inputs. The dependencies are read from one extra trace of the program (a jaxpr walk,
as ``apply_run._connected``), once per compilation, and only for programs with pending assigns.

Kept assigns are replayed in program order from the value before the call, each as its own
function of the variable's value then (``assign_add`` adds, a moving average moves toward its
target), so a batch norm whose second call's update is kept alone moves once, as in TF1.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax.extend.core import get_opaque_trace_state


class Pending:
    """One assign of the call: ``fn(value before) -> value after``; ``value`` is its result."""

    __slots__ = ("ref", "value", "fn", "control", "always")

    def __init__(self, ref, value, fn, control, always=False):
        self.ref, self.value, self.fn, self.control = ref, value, fn, control
        self.always = always


def record(fr, ref, value, fn, always: bool = False):
    """Notes an assign made in ``fr`` at the call's own level; returns the value the variable
    takes (a copy: a value of its own, so what depends on the assign is told apart from what
    depends on the value assigned, e.g. a fed argument). The variables a loop or branch
    assigns take its result unconditionally (``always``: the loop is not an op one fetches);
    the assigns inside its body are not noted."""
    if getattr(fr, "pending", None) is None:
        return value
    if getattr(fr, "top_trace", None) != get_opaque_trace_state():
        return value
    value = jnp.array(value, copy=True)
    fn = fn if fn is not None else (lambda cur, v=value: v)
    fr.pending.append(Pending(ref, value, fn, list(fr.control), always))
    return value


def depends(fr, value, on) -> None:
    """``value`` depends on the arrays ``on`` beyond its data (TF1's control dependencies)."""
    if getattr(fr, "pending", None) is not None and on:
        fr.links.append((value, list(on)))


def _arrays(xs) -> list:
    return [x for x in jax.tree_util.tree_leaves(xs) if isinstance(x, jax.Array)]


def sinks(out, fr, op_type) -> tuple[list, dict]:
    """The arrays the dependency walk needs, and how they map back: the fetched leaves, the
    control inputs of fetched ops (and their ops'), each pending assign's result and control
    inputs, each link's ends."""
    leaves = jax.tree_util.tree_leaves(out, is_leaf=lambda x: isinstance(x, op_type))
    arrays: list = []

    def add(xs) -> list[int]:
        start = len(arrays)
        arrays.extend(_arrays(xs))
        return list(range(start, len(arrays)))

    fetched, seen, stack = add([x for x in leaves if not isinstance(x, op_type)]), set(), [
        x for x in leaves if isinstance(x, op_type)]  # fmt: skip
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        controls = getattr(op, "control_inputs", [])
        stack.extend(c for c in controls if isinstance(c, op_type))
        fetched += add([c for c in controls if not isinstance(c, op_type)])
        fetched += add([value for _, value in op._updates] + [op.result])
    ids = {id(arrays[i]) for i in fetched}
    graph = {
        "fetched": fetched,
        # a constant assigned and fetched as is (a literal in the jaxpr: no var to walk)
        "direct": {k for k, p in enumerate(fr.pending) if id(p.value) in ids},
        "pending": [(add(p.value), add(p.control)) for p in fr.pending],
        "links": [(add(v), add(on)) for v, on in fr.links],
    }
    return arrays, graph


def kept(closed, graph) -> list[bool]:
    """Which pending assigns the fetched arrays reach, in ``closed`` (the jaxpr whose outputs are
    ``sinks``' arrays)."""
    outvars = closed.jaxpr.outvars
    seeds: dict[Any, set[int]] = {}
    for k, (values, _) in enumerate(graph["pending"]):
        for i in values:
            if not hasattr(outvars[i], "val"):
                seeds.setdefault(outvars[i], set()).add(k)
    extra: dict[Any, list] = {}
    for values, on in graph["links"]:
        for i in values:
            if not hasattr(outvars[i], "val"):
                extra.setdefault(outvars[i], []).extend(outvars[j] for j in on)
    deps: dict[Any, frozenset] = {}

    def get(v) -> frozenset:
        return frozenset() if hasattr(v, "val") else deps.get(v, frozenset())

    def produced(v, joined: frozenset) -> None:
        joined = joined | seeds.get(v, set())
        for u in extra.get(v, ()):
            joined |= get(u)
        deps[v] = frozenset(joined)

    for v in list(closed.jaxpr.invars) + list(closed.jaxpr.constvars):
        produced(v, frozenset())
    for eqn in closed.jaxpr.eqns:
        joined = frozenset().union(*(get(v) for v in eqn.invars))
        for v in eqn.outvars:
            produced(v, joined)
    keep: set[int] = set()
    todo, direct = [outvars[i] for i in graph["fetched"]], set(graph["direct"])
    while todo or direct:
        new = set(direct).union(*(get(v) for v in todo)) - keep
        direct = set()
        keep |= new
        todo = [outvars[i] for k in new for i in graph["pending"][k][1]]
    return [k in keep for k in range(len(graph["pending"]))]


def commit(fr, keep: list[bool]) -> None:
    """Sets each assigned variable to its value before the call with the kept assigns replayed
    in order; no assign is pending after."""
    pending, fr.pending = fr.pending, None
    if len(keep) != len(pending):  # the analysis saw another program: keep every assign
        keep = [True] * len(pending)
    values = {}
    for p, k in zip(pending, keep, strict=True):
        node = p.ref._node
        values.setdefault(node, fr.initial[node])
        if k or p.always:
            values[node] = p.fn(values[node])
    for p in pending:
        p.ref._value = values[p.ref._node]
