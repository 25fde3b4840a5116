"""The per-call state that TF1 kept in a graph: one :class:`Frame` per ``init``/``apply`` call.

Frames live on a thread-local stack, so two threads can run ``init`` on different models at once,
and a transformed function may call another one.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from typing import Any

from jax.core import Tracer
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core.call_errors import OutsideTransformError
from jaxscope._src.core.errors import TreeConflictError
from jaxscope._src.core.names import NameRegistry

COLLECT, INIT, APPLY = "collect", "init", "apply"
# A scope opened outside any transformed function (a constructor remembering its scope, as TF1
# code opens it in the default graph, creating nothing): only the scope functions may use it.
DETACHED = "detached"
_SCOPES_ONLY = frozenset({"variable_scope", "name_scope", "get_variable_scope"})
MISSING = object()
STALE = object()  # the value of a handle whose call ended while it held a traced/abstract value
_IS_MAPPING: dict[type, bool] = {}

PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_local = threading.local()


class Frame:
    """One run of a transformed function: its namespace, scopes, variable store and values.

    ``mode`` is ``COLLECT`` (abstract first pass of ``init``: records what to create),
    ``INIT`` (second pass of ``init``: values come from ``provided`` or are computed inline) or
    ``APPLY`` (values come from ``provided``, every miss is an error). ``provided`` is a
    variables tree: ``{"params": {...}, "state": {...}}``.
    """

    def __init__(
        self,
        mode: str,
        root_scope: Any,
        provided: Mapping[str, Any] | None = None,
        mutable: frozenset = frozenset(),
    ):
        self.mode = mode
        self.mutable = mutable  # APPLY: the collections ("params", "state") assigns may change
        self.provided = provided if provided is not None else {}
        self.names = NameRegistry()
        self.root_scope = root_scope  # scope.new_frame gives TF1's root scope (reuse off)
        self.var_scope = self.root_scope
        self.scope_counts: dict[str, int] = {}
        self.store: dict[str, Any] = {}  # get_variable key -> Variable
        self.variables: dict[str, Any] = {}  # node name -> Variable, in creation order
        # (trainable, "a") for every "a", "a/b" that is a scope of some variable of that tree
        self.prefixes: set[tuple[bool, str]] = set()
        # TF1 collections: key -> items; names of items that have no .name of their own.
        self.collections: dict[str, list] = {"variables": [], "trainable_variables": []}
        self.item_names: dict[int, str] = {}
        # tf-slim's tensor aliases (TF1 set ``tensor.aliases``; jax arrays take no attributes):
        # id -> (the value, kept alive so its id stays its own, its aliases in order).
        self.aliases: dict[int, tuple[Any, list[str]]] = {}
        self.specs: list = []  # COLLECT: (variable, how to make its value, initializer)
        # COLLECT: the zeros that reads at the call's own level return, one per (shape, dtype)
        # (see Variable.value), and that level's trace (set by `running`)
        self.stand_ins: dict[tuple, Any] = {}
        self.own_trace: Any = None
        self.initial: dict[str, Any] = {}  # node -> value before its first assign in this call
        # transform(..., fetch_dependent=True): the call's assigns, kept if fetched (core.fetch)
        self.pending: list | None = None
        self.links: list = []  # (value, arrays it depends on beyond its data)
        self.control: list = []  # the control inputs of the open tf.control_dependencies
        self.top_trace: Any = None  # the trace of the call's own level (not a loop body's)
        self.constraints: dict[str, Any] = {}  # node -> constraint function
        self.rng: Any = None  # the call's key for next_rng_key, and how many keys were taken
        self.mapped_axes = 0  # inside js.vmap: the axes mapped away (layers' rank rules count them)
        self.rng_count = 0
        self.trace: Any = None  # the JAX trace the call runs in (set by `running`)
        # COLLECT in init_with_output's single pass: (init's key, the call's trace); each new
        # variable then gets its initial value at once, so the pass also computes the output.
        self.draw: tuple[Any, Any] | None = None
        # APPLY by transform's apply: reuse=True may find a variable of the tree passed in that
        # the program did not make (TF1's eval model in the train model's graph); those found so.
        self.borrow = False
        self.borrowed: set[str] = set()
        # gradients inside the program (see core.gradients): which run, what it asked, the answers
        self.grad_mode: str | None = None
        self.grad_requests: list = []
        self.grad_values: list = []
        self.grad_count = 0
        self._last_parent: str | None = None  # find()'s last parent subtree, for its siblings
        self._last_collection: str | None = None
        self._last_tree: Any = None

    def find(self, node: str, collection: str):
        """The value at ``provided[collection][part][part]...`` for ``node``, or ``MISSING``."""
        parent, _, leaf = node.rpartition("/")
        if parent == self._last_parent and collection == self._last_collection:
            tree = self._last_tree  # siblings are usually looked up together
        else:
            tree = self.provided.get(collection, MISSING)
            for part in parent.split("/") if parent else ():
                try:
                    tree = tree[part]
                except (KeyError, TypeError, IndexError, ValueError):
                    return MISSING
            self._last_parent, self._last_collection, self._last_tree = parent, collection, tree
        try:
            tree = tree[leaf]
        except (KeyError, TypeError, IndexError, ValueError):
            return MISSING
        kind = type(tree)
        is_map = _IS_MAPPING.get(kind)
        if is_map is None:
            is_map = _IS_MAPPING[kind] = issubclass(kind, Mapping)
        return MISSING if tree is None or is_map else tree

    def release(self, everything: bool = False) -> None:
        """Ends the call: no handle keeps a traced or abstract value past it.

        A handle holding one gets ``STALE`` (reading it raises ``StaleVariableError``, never a
        wrong value); a concrete value stays readable. ``everything`` also drops the tracers
        the frame itself holds (pre-assign values, collection items), needed when the frame
        outlives the trace, as ``init``'s abstract pass does.
        """
        for var in self.variables.values():
            value = var._value
            if value is None or isinstance(value, Tracer):
                var._value = STALE
        self.stand_ins = {}
        if everything:
            self.initial = {k: v for k, v in self.initial.items() if not isinstance(v, Tracer)}
            for key, items in self.collections.items():
                self.collections[key] = [x for x in items if not isinstance(x, Tracer)]
            self.aliases = {k: a for k, a in self.aliases.items() if not isinstance(a[0], Tracer)}

    def open_variable_scope(self, name: str) -> None:
        self.scope_counts[name] = self.scope_counts.get(name, 0) + 1

    def close_variable_subscopes(self, name: str) -> None:
        prefix = name + "/"
        for k in self.scope_counts:
            if k.startswith(prefix):
                self.scope_counts[k] = 0

    def register(self, var) -> None:
        """Adds a new variable to the tree, refusing a name that is both a leaf and a prefix.

        Only the collecting pass checks: ``apply`` could not hold such a pair in its tree anyway
        (one of the two would be reported missing), so it skips the cost.
        """
        node = var._node
        if self.mode is not COLLECT:
            self.variables[node] = var
            return
        # per collection: params and state are two trees (a slot "w/Adam" of "w" is state)
        tree = bool(var._trainable)
        if (tree, node) in self.prefixes:
            other = next(n for n, v in self.variables.items()
                         if n.startswith(node + "/") and bool(v._trainable) == tree)  # fmt: skip
            raise TreeConflictError(node, other, self.variables[other]._created_at)
        parts = node.split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i])
            same = self.variables.get(prefix)
            if same is not None and bool(same._trainable) == tree:
                raise TreeConflictError(node, prefix, same._created_at)
            self.prefixes.add((tree, prefix))
        self.variables[node] = var


def _stack() -> list[Frame]:
    try:
        return _local.frames
    except AttributeError:
        _local.frames = []
        return _local.frames


def current(what: str) -> Frame:
    """The innermost frame of this thread, or a clear error naming ``what`` was called outside."""
    try:
        fr = _local.frames[-1]
    except (AttributeError, IndexError):
        raise OutsideTransformError(what) from None
    if fr.mode is DETACHED and what not in _SCOPES_ONLY:
        raise OutsideTransformError(what)
    return fr


def peek() -> Frame | None:
    """The innermost frame of this thread, or None outside any."""
    frames = _stack()
    return frames[-1] if frames else None


class NotOnePass(Exception):
    """init_with_output's single pass cannot go on (a variable made inside a nested trace)."""


class running:
    """Context manager that makes ``frame`` the current frame of this thread."""

    def __init__(self, frame: Frame):
        self.frame = frame

    def __enter__(self) -> Frame:
        self.frame.trace = get_opaque_trace_state()  # next_rng_key refuses nested traces
        self.frame.own_trace = self.frame.trace
        _stack().append(self.frame)
        return self.frame

    def __exit__(self, *exc) -> None:
        _stack().pop()


def user_location(depth: int = 1) -> tuple[str, int] | None:
    """(filename, line) of the innermost caller outside jaxscope; cheap (no traceback objects).

    Errors format it as ``file.py:12``.
    """
    f = sys._getframe(depth + 1)
    while f is not None and f.f_code.co_filename.startswith(PKG_DIR):
        f = f.f_back
    return None if f is None else (f.f_code.co_filename, f.f_lineno)
