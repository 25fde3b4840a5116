"""Values fed to named placeholders in one run: TF1's ``feed_dict``.

A session-like runner opens :func:`feeding` around one call of the program with the values fed
by TF1 name (``"Train/Model/new_learning_rate"``); ``tf.placeholder`` /
``tf.placeholder_with_default`` inside the program call :func:`value` with their full name and
read the fed value there (else their default). Every placeholder the call makes is noted, by the
identity of the value it returned, so the runner can tell a fetched value that *is* a placeholder
(TF1: feed the tensor itself) and which names were never read (a feed of nothing is an error,
as TF1's ``Cannot feed value ... not an element of this graph``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import jax

_LOCAL = threading.local()


class Feeds:
    """The fed values of one run (``fed``) and the placeholders the run made (``made``)."""

    def __init__(self, fed: Mapping[str, Any]):
        self.fed = dict(fed)
        # id(value) -> (full name, the value: kept alive so its id stays its own)
        self.made: dict[int, tuple[str, Any]] = {}
        self.read: set[str] = set()  # the placeholder names the run made
        # the tf.placeholder values the run read without a feed: (name, value); TF1 refuses a
        # fetch that needs one (see ``needed``)
        self.unfed: list[tuple[str, Any]] = []

    def name_of(self, value: Any) -> str | None:
        """The name of the placeholder that returned ``value`` in this run, or None."""
        entry = self.made.get(id(value))
        return entry[0] if entry is not None and entry[1] is value else None


def current() -> Feeds | None:
    """The feeds of the run in progress (None outside a runner's run)."""
    stack = getattr(_LOCAL, "stack", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def feeding(fed: Mapping[str, Any]) -> Iterator[Feeds]:
    """Runs the enclosed program with ``fed`` (TF1 name -> value) as its ``feed_dict``."""
    stack = _LOCAL.__dict__.setdefault("stack", [])
    feeds = Feeds(fed)
    stack.append(feeds)
    try:
        yield feeds
    finally:
        stack.pop()


def value(name: str, default: Any, make: Any = None, required: bool = False) -> Any:
    """What the placeholder ``name`` gives in this run: the fed value, else ``default``.

    ``make(v)`` turns the value into the placeholder's result (a fresh array, so its identity is
    the placeholder's own). Outside :func:`feeding` the default flows, as TF1's
    ``placeholder_with_default`` without a feed.
    """
    feeds = current()
    out = default if feeds is None or name not in feeds.fed else feeds.fed[name]
    out = make(out) if make is not None else out
    if feeds is not None:
        if required and name not in feeds.fed:  # a value of its own, to trace what needs it
            out = jax.lax.optimization_barrier(out)
            feeds.unfed.append((name, out))
        feeds.read.add(name)
        feeds.made[id(out)] = (name, out)
    return out


def needed(closed, outputs: int) -> list[int]:
    """Which unfed placeholders the first ``outputs`` results of ``closed`` depend on: its
    results are those outputs, then the unfed placeholders' values (a forward walk of the jaxpr;
    a loop or a nested call depends on all of its inputs)."""
    outvars = closed.jaxpr.outvars
    seeds = {v: i for i, v in enumerate(outvars[outputs:]) if not hasattr(v, "val")}
    deps: dict[Any, frozenset] = {v: frozenset([i]) for v, i in seeds.items()}
    for eqn in closed.jaxpr.eqns:
        joined = frozenset().union(*(deps.get(v, frozenset()) for v in eqn.invars
                                     if not hasattr(v, "val")))  # fmt: skip
        if joined:
            for v in eqn.outvars:
                deps[v] = deps.get(v, frozenset()) | joined
    found: set[int] = set()
    for v in outvars[:outputs]:
        if not hasattr(v, "val"):
            found |= deps.get(v, frozenset())
    return sorted(found)
