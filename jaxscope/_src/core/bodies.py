"""The body runner of TF1's control flow: one trace of a loop body or branch (``jax.make_jaxpr``)
with every assignable variable as an explicit input, run again per iteration (``eval_jaxpr``)
with the assigned variables carried; per-iteration random keys; the collection items a body
adds, as TF1 would have them outside it. Used by ``control_flow``, ``lifted`` and ``nn.rnn``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.core import Tracer
from jax.extend.core import ClosedJaxpr, Literal, get_opaque_trace_state, jaxpr_as_fun

from jaxscope._src.core import fetch, frame
from jaxscope._src.core.collections import GraphKeys, LoopTensor


class _BodyKeys:
    """Within a loop body, ``next_rng_key`` draws from the iteration's ``key``.

    ``next_rng_key`` refuses to run inside a transformation (one trace, one key for every
    iteration); a loop passes each iteration's key in, so TF1's random ops in a loop body draw
    afresh at every iteration here too. ``key=None``: the call has no key (``MissingRngError``).
    """

    def __init__(self, fr, key):
        self.fr, self.key = fr, key

    def __enter__(self):
        fr = self.fr
        self.saved = fr.rng, fr.rng_count, fr.trace
        fr.rng, fr.rng_count = self.key, 0
        fr.trace = get_opaque_trace_state()

    def __exit__(self, *exc):
        self.fr.rng, self.fr.rng_count, self.fr.trace = self.saved


def _carryable(fr, var) -> bool:
    """Variables a body may assign: every one in init; in apply those of mutable collections."""
    if fr.mode is not frame.APPLY:
        return True
    return ("params" if var._trainable else "state") in fr.mutable


class _Body:
    """One trace of ``fn`` with the frame's assignable variables as explicit inputs.

    ``self(args, carried, key) -> (out, assigned)`` runs it: ``carried`` (node -> value) replaces
    the values the body reads, ``assigned`` (node -> value) is what it assigned.
    """

    def __init__(self, fr, fn: Callable, args, key, what: str):
        self.fr, self.what = fr, what
        self.nodes = [n for n, v in fr.variables.items() if _carryable(fr, v)]
        self.raw = {n: fr.variables[n]._value for n in self.nodes}
        self.outer = {n: fr.variables[n].value for n in self.nodes}
        before = set(fr.variables)
        assigned_before = set(fr.initial)
        lengths = {k: len(v) for k, v in fr.collections.items()}
        result: dict[str, Any] = {}

        def traced(args, values, key):
            inputs = {}
            try:
                for n, value in zip(self.nodes, values, strict=True):
                    fr.variables[n]._value = inputs[n] = value
                with _BodyKeys(fr, key):
                    out = fn(*args)
                created = [n for n in fr.variables if n not in before]
                assigned = [n for n in self.nodes if fr.variables[n]._value is not inputs[n]]
                assigned += [n for n in created if n in fr.initial and n not in assigned_before]
                # Made in the body from a value computed there (TF1 lifted such constants
                # out of the loop): the value is taken from the trace, below. (apply takes
                # every value from `variables`, never from the body.)
                made = [n for n in created if n not in assigned and fr.mode is not frame.APPLY
                        and isinstance(fr.variables[n]._value, Tracer)]  # fmt: skip
                items = {k: xs[lengths.get(k, 0) :] for k, xs in fr.collections.items()}
                traced_items = [x for xs in items.values() for x in xs if isinstance(x, Tracer)]
                result.update(created=created, assigned=assigned, made=made, items=items)
                ret = (out, [fr.variables[n]._value for n in assigned],
                       [fr.variables[n]._value for n in made], traced_items)  # fmt: skip
                for n in made:
                    fr.variables[n]._value = None  # set below, outside the trace
                return ret
            finally:  # before the trace ends: no handle may keep one of its tracers
                self._restore(before, assigned_before, lengths)

        values = [self.outer[n] for n in self.nodes]
        try:
            self.closed, shapes = jax.make_jaxpr(traced, return_shape=True)(args, values, key)
        finally:
            self._restore(before, assigned_before, lengths)
        self.out_tree = jax.tree.structure(shapes)
        self.out_shapes, self.item_shapes = shapes[0], shapes[3]
        self.created, self.assigned = result["created"], result["assigned"]
        lifted = self._file_items(result["items"], len(jax.tree.leaves(args)), len(values))
        if result["made"] or lifted:  # one evaluation with the first iteration's inputs
            outs = jaxpr_as_fun(self.closed)(*jax.tree.leaves((args, values, key)))
            _, _, made, items = jax.tree.unflatten(self.out_tree, outs)
            for n, value in zip(result["made"], made, strict=True):
                fr.variables[n]._value = value
            for key_, index, i in lifted:
                self._replace(key_, index, items[i])
        # A variable made in the body and assigned there: its reads are constants of the trace
        # (its given value); the loop must feed it the carried value instead.
        self.const_of = {}
        for n in self.assigned:
            if n in self.outer:
                continue
            given = fr.initial[n]
            index = next((i for i, c in enumerate(self.closed.consts) if c is given), None)
            if index is not None:
                self.const_of[index] = n
            elif fr.mode is frame.APPLY and not isinstance(given, (jax.Array, Tracer)):
                raise NotImplementedError(
                    f'{what}: variable "{n}" is created and assigned inside the loop body, and '
                    f"its value in `variables` is a {type(given).__name__}, not a jax array, so "
                    "the loop cannot carry it. Convert the tree first:\n"
                    "    variables = jax.device_put(variables)"
                )

    def _restore(self, before, assigned_before, lengths) -> None:
        fr = self.fr
        for n in self.nodes:
            fr.variables[n]._value = self.raw[n]
            if n in fr.initial and n not in assigned_before:
                fr.initial[n] = self.raw[n]  # its value before the loop, not the body's input
        for n, var in fr.variables.items():
            if n not in before and n in fr.initial:
                var._value = fr.initial[n]  # made and assigned in the body: its given value
        for key, items in fr.collections.items():
            del items[lengths.get(key, 0) :]  # the body's items: put back by _file_items

    def _file_items(self, items, n_args: int, n_values: int) -> list[tuple[str, int, int]]:
        """Puts the items the body added to collections back, as TF1 would have them.

        An item that is not a value of the body's trace is kept as is. One computed in the body
        becomes a :class:`LoopTensor` (TF1: a loop tensor, unusable outside), listed in
        ``self.inner`` as (collection, index, output) for ``cond`` / ``remat`` / ``vmap``,
        whose values are usable outside, to replace. A regularization loss that depends on
        variables only is computed outside the body (TF1 built it under ``init_scope``):
        returned as (collection, index, output), for the caller to evaluate.
        """
        fr, jaxpr = self.fr, self.closed.jaxpr
        outvars = jaxpr.outvars[len(jaxpr.outvars) - sum(isinstance(x, Tracer) for xs in
                                items.values() for x in xs) :]  # fmt: skip
        loop_inputs = jaxpr.invars[:n_args] + jaxpr.invars[n_args + n_values :]
        tainted = _tainted(jaxpr, loop_inputs, outvars)
        consts = set(jaxpr.constvars)
        self.inner, lifted, i = [], [], 0
        for key, xs in items.items():
            for x in xs:
                index = len(fr.collections.setdefault(key, []))
                fr.collections[key].append(x)
                if not isinstance(x, Tracer):
                    continue
                var = outvars[i]
                if isinstance(var, Literal):
                    self._replace(key, index, jnp.asarray(var.val))
                elif var in consts:
                    pass  # a value from outside the body
                elif key == GraphKeys.REGULARIZATION_LOSSES and not tainted[i]:
                    lifted.append((key, index, i))
                else:
                    self.inner.append((key, index, i))
                    name = fr.item_names.get(id(x))
                    self._replace(key, index, LoopTensor(key, self.what, name, x.shape, x.dtype))
                i += 1
        return lifted

    def _replace(self, key: str, index: int, value) -> None:
        """Collection ``key``'s item ``index`` becomes ``value`` (keeping its name)."""
        fr = self.fr
        old = fr.collections[key][index]
        fr.collections[key][index] = value
        name = fr.item_names.pop(id(old), None)
        if name is not None:
            fr.item_names[id(value)] = name
        aliased = fr.aliases.pop(id(old), None)
        if aliased is not None:
            fr.aliases[id(value)] = (value, aliased[1])

    def inner_shapes(self) -> list:
        """The avals of the body's own collection items, in ``self.inner`` order."""
        return [self.item_shapes[i] for _, _, i in self.inner]

    def set_items(self, values) -> None:
        """The values of the body's own collection items, in ``self.inner`` order."""
        for (key, index, _), value in zip(self.inner, values, strict=True):
            self._replace(key, index, value)

    def initial_carry(self) -> dict[str, Any]:
        fr = self.fr
        out = {}
        for n in self.assigned:
            value = self.outer[n] if n in self.outer else fr.variables[n].value
            out[n] = jnp.asarray(value)
        return out

    def __call__(self, args, carried, key, consts_override=None, items=False):
        values = [carried.get(n, self.outer[n]) for n in self.nodes]
        consts = list(self.closed.consts)
        for i, n in self.const_of.items():
            if n in carried:
                consts[i] = carried[n]
        for i, value in (consts_override or {}).items():
            consts[i] = value
        flat = jax.tree.leaves((args, values, key))
        outs = jaxpr_as_fun(ClosedJaxpr(self.closed.jaxpr, consts))(*flat)
        out, assigned, _, extra = jax.tree.unflatten(self.out_tree, outs)
        new = {n: jnp.asarray(v, carried[n].dtype) if n in carried else v
               for n, v in zip(self.assigned, assigned, strict=True)}  # fmt: skip
        if items:  # with the values of the body's own collection items
            return out, new, [extra[i] for _, _, i in self.inner]
        return out, new

    def finish(self, carried) -> None:
        """After the loop: the handles hold the final values, as after TF1's loop ran."""
        fr = self.fr
        for n, value in carried.items():
            var = fr.variables[n]
            if n not in fr.initial:
                fr.initial[n] = var._value
            var._value = fetch.record(fr, var, value, None, always=True)


def _tainted(jaxpr, sources, outvars) -> list[bool]:
    """For each of ``outvars``: whether it depends on one of ``sources`` (``jaxpr``'s vars)."""
    dirty = set(sources)
    for eqn in jaxpr.eqns:
        if any(not isinstance(v, Literal) and v in dirty for v in eqn.invars):
            dirty.update(eqn.outvars)
    return [not isinstance(v, Literal) and v in dirty for v in outvars]


def _loop_key(fr):
    from jaxscope._src.core.random import next_rng_key

    return None if fr.rng is None else next_rng_key()


def _step_key(key, i):
    return None if key is None else jax.random.fold_in(key, i)
