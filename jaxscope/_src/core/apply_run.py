"""One run of ``apply``: the program in a frame over the variables passed in, the ops it returns
run, its assignments returned; where it asks for ``gradients``, the two runs that answer them
(see ``core.gradients``); where ``reuse=True`` found a variable the program makes itself, the
check that sends ``apply`` back to ``init``'s errors. ``transform`` builds ``apply`` on these.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
from jax.extend.core import jaxpr_as_fun

from jaxscope._src.core import fetch, frame
from jaxscope._src.core.call_errors import MutableArgumentError, UnusedVariablesError
from jaxscope._src.core.gradients import COLLECT as COLLECT_GRADIENTS
from jaxscope._src.core.gradients import INJECT as INJECT_GRADIENTS
from jaxscope._src.core.gradients import NeedsGradients, Request
from jaxscope._src.core.jax_errors import handle_errors
from jaxscope._src.core.ops import Op, run_fetched
from jaxscope._src.core.scope import new_frame
from jaxscope._src.core.values import leaf_names
from jaxscope._src.core.variables import Variable, rebuilt

COLLECTIONS = ("params", "state")


class _Replay(Exception):
    """A program found a variable in the tree that it makes itself (see ``_apply``)."""


def _attempt(fn, variables, args, kwargs, rng, mutable, allow_unused, borrow, frames,
             fetch_dependent=False):  # fmt: skip
    """``apply``'s result, from one run of the program, or, where it asks for ``gradients``, from
    the two runs that answers them (see ``core.gradients``). Every frame made is appended to
    ``frames``. ``borrow``: see ``_apply``."""

    def fresh(grad_mode=None, provided=variables):
        fr = new_frame(frame.APPLY, provided=provided, mutable=_mutable(mutable))
        fr.rng, fr.borrow, fr.grad_mode = rng, borrow, grad_mode
        fr.pending = [] if fetch_dependent else None
        frames.append(fr)
        return fr

    run = functools.partial(_apply, fn, variables, args, kwargs, mutable, allow_unused)
    try:
        return run(fresh())
    except NeedsGradients:
        pass
    asked: list[list[tuple[str, ...]]] = []

    def first_run(tree):
        fr = fresh(COLLECT_GRADIENTS, tree)
        try:
            with frame.running(fr), handle_errors():
                fn(*args, **kwargs)
            asked.append([r.xs for r in fr.grad_requests])
            return [r.ys for r in fr.grad_requests]
        finally:
            fr.release()

    closed = jax.make_jaxpr(first_run)(variables)  # one trace: differentiated, and read
    leaves = jax.tree_util.tree_flatten_with_path(variables)[0]
    index = {"/".join(str(getattr(k, "key", k)) for k in path[1:]): i
             for i, (path, _) in enumerate(leaves)}  # fmt: skip
    ys, vjp = jax.vjp(jaxpr_as_fun(closed), *[leaf for _, leaf in leaves])
    connected = _connected(closed, list(index))
    fr = fresh(INJECT_GRADIENTS)
    for k, names in enumerate(asked[0]):
        weights = [jnp.zeros_like(y) for y in ys]
        weights[k] = jnp.ones_like(ys[k])
        cotangents = vjp(weights)
        # TF1 gives None for a variable the ys do not depend on
        fr.grad_values.append([cotangents[index[n]] if n in connected[k] else None for n in names])
        fr.grad_requests.append(Request(ys[k], names))
    return run(fr)


def _connected(closed, names: list[str]) -> list[set[str]]:
    """For each output of ``closed`` (a jaxpr of the leaves ``names``), the names it depends
    on: a walk of the equations (an equation's outputs depend on all of its inputs, so a nested
    jaxpr counts whole: it may over-count, never under-count)."""
    deps = {v: frozenset([n]) for v, n in zip(closed.jaxpr.invars, names, strict=True)}
    for eqn in closed.jaxpr.eqns:
        joined = frozenset().union(*(deps.get(v, ()) for v in eqn.invars if not _literal(v)))
        for v in eqn.outvars:
            deps[v] = joined
    return [set() if _literal(v) else set(deps.get(v, ())) for v in closed.jaxpr.outvars]


def _literal(v) -> bool:
    return hasattr(v, "val")  # a jaxpr Literal (a Var has no value)


def _apply(fn, variables, args, kwargs, mutable, allow_unused, fr):
    """One run of ``apply`` in ``fr``. Where ``fr.borrow``, ``reuse=True`` finds variables of
    ``variables`` that the program did not make (TF1's eval model in the train model's graph),
    and the run raises if the program makes one of those itself. Ops in the output (a train
    op) run: their assignments are made, and the output holds None for them."""
    try:
        with frame.running(fr), handle_errors():
            fr.top_trace = fr.trace  # assigns in loop bodies (another trace) stay unconditional
            out = fn(*args, **kwargs)
        if fr.pending:  # fetch-dependent: keep the assigns the output depends on (core.fetch)
            fetch.commit(fr, _kept(fn, args, kwargs, fr, variables))
        fr.pending = None
        with frame.running(fr), handle_errors():
            out = run_fetched(out)
        if fr.borrowed and fr.borrowed & _made_by(fn, args, kwargs):
            raise _Replay
        # Every variable of an apply run was looked up: the counts tell if anything is unused. An
        # eval program (it found variables it did not make) is given another program's tree: in
        # TF1 the train model's graph, where the eval model leaves the train-only variables be.
        unused = len(fr.variables) != len(jax.tree_util.tree_leaves(variables))
        if unused and not allow_unused and not fr.borrowed:
            names = [n for n in leaf_names(variables) if n.split("/", 1)[1] not in fr.variables]
            raise UnusedVariablesError(names)
        # Handles in the output are rebuilt (same name, current value), so the call's own
        # handles can go stale below while a jit still flattens what apply returned.
        out = jax.tree_util.tree_map(_rebuilt, out, is_leaf=_is_handle)
        if mutable is False or mutable is None:
            return out
        updates = {node: fr.variables[node] for node in fr.initial}
        return out, _replace(variables, {n: v._value for n, v in updates.items()}, updates)
    finally:
        fr.release()


def _kept(fn, args, kwargs, real, variables) -> list[bool]:
    """Which of ``real``'s pending assigns the program's output depends on: one more run of the
    program, traced to a jaxpr and walked (``core.fetch.kept``), in a frame like ``real``."""
    graph: dict = {}

    def analysed(tree):
        fr = new_frame(frame.APPLY, provided=tree, mutable=real.mutable)
        fr.rng, fr.borrow, fr.grad_mode = real.rng, real.borrow, real.grad_mode
        fr.grad_requests, fr.grad_values = list(real.grad_requests), list(real.grad_values)
        fr.pending = []
        try:
            with frame.running(fr), handle_errors():
                fr.top_trace = fr.trace
                out = fn(*args, **kwargs)
            arrays, found = fetch.sinks(out, fr, Op)
            graph.update(found)
            return arrays
        finally:
            fr.release()

    closed = jax.make_jaxpr(analysed)(variables)
    return fetch.kept(closed, graph)


def _made_by(fn, args, kwargs) -> set[str]:
    """The variables ``fn`` makes in a fresh graph (abstractly, as ``init``'s first run), up to
    an error it raises there: ``apply`` must not find those in the tree before the program
    makes them."""
    collect = new_frame(frame.COLLECT)
    collect.rng = jax.random.key(0)

    def run():
        with frame.running(collect), handle_errors():
            try:
                fn(*args, **kwargs)
            finally:
                collect.release(everything=True)

    try:
        jax.eval_shape(run)
    except Exception:  # noqa: BLE001 - what it made before the error is the answer
        pass
    return set(collect.variables)


def _is_handle(x):
    return isinstance(x, Variable)


def _rebuilt(x):
    return rebuilt(x) if isinstance(x, Variable) else x


def _mutable(mutable) -> frozenset:
    if mutable is True:
        return frozenset(COLLECTIONS)
    if mutable is False or mutable is None:
        return frozenset()
    if isinstance(mutable, jax.core.Tracer):
        raise MutableArgumentError(
            "<traced>",
            "it was traced by jax.jit; make it static: "
            "jax.jit(functools.partial(f.apply, mutable=True), donate_argnums=0), or "
            "jax.jit(f.apply, static_argnames='mutable') called with mutable=True or a tuple "
            "such as ('state',) (a list is not hashable).",
        )
    try:
        names = frozenset([mutable] if isinstance(mutable, str) else mutable)
    except TypeError:
        raise MutableArgumentError(mutable, "not a bool or a list of collections") from None
    if not names <= set(COLLECTIONS):
        raise MutableArgumentError(
            mutable, "the collections of a variables tree are 'params' (trainable) and 'state' "
            "(trainable=False)",
        )  # fmt: skip
    return names


def _replace(tree, values: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``tree`` with ``values[node]`` at each node's path; untouched subtrees shared."""
    out = dict(tree)
    for node, value in values.items():
        collection = "params" if variables[node]._trainable else "state"
        sub = out[collection] = dict(out[collection])
        *parents, leaf = node.split("/")
        for p in parents:
            sub[p] = dict(sub[p])
            sub = sub[p]
        sub[leaf] = value
    return out
