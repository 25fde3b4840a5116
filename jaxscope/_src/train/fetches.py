"""What a runner fetches and feeds: names and paths into the program's output, and handles.

TF1's ``session.run(model.cost)`` fetches a tensor the Python program kept from building the
graph. A jaxscope program is a function, re-run on every call, so nothing of it survives a call;
what can be kept is *where* a value sits in its output. :func:`handles` turns one output (dicts,
lists, named tuples, plain objects such as a model class) into the same structure with every
array, variable and op replaced by a :class:`Fetch` -- its path -- and Python values (sizes,
configs) kept as they are. ``runner.run(model.cost)`` then fetches that path from the next run's
output, and a handle of a placeholder is a ``feed_dict`` key, as TF1's tensors are.
"""

from __future__ import annotations

import copy
import dataclasses
import types
from collections.abc import Mapping
from typing import Any

import jax
import numpy as np

from jaxscope._src.core import frame
from jaxscope._src.core.handle import Handle
from jaxscope._src.core.ops import Op
from jaxscope._src.train.errors import TrainArgumentError


@dataclasses.dataclass(frozen=True)
class Fetch:
    """A handle on one value of the program's output (TF1: a graph tensor kept by the script).

    ``path`` is the keys / attributes / indices that reach the value; ``placeholder`` the TF1
    name of the placeholder that made it (a ``feed_dict`` key), else None.
    """

    path: tuple
    placeholder: str | None = None

    @property
    def name(self) -> str:
        """The path as ``"Train._cost"`` (or the placeholder's TF1 name with ``:0``)."""
        if self.placeholder is not None:
            return self.placeholder + ":0"
        return ".".join(str(p) for p in self.path)


def _is_value(x: Any) -> bool:
    return isinstance(x, (jax.Array, np.ndarray, Handle, Op)) or hasattr(x, "__jax_array__")


_KEEP = (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType)


def handles(out: Any, name_of=None, path: tuple = (), memo: dict | None = None) -> Any:
    """``out`` with each array / variable / op replaced by its :class:`Fetch`.

    ``name_of(value)`` gives the placeholder name of a value (``Feeds.name_of``), or None. Plain
    objects are copied (``copy.copy``) with their attributes replaced; each object once.
    """
    memo = {} if memo is None else memo
    if _is_value(out):
        return Fetch(path, name_of(out) if name_of is not None else None)
    if isinstance(out, Mapping):
        return {k: handles(v, name_of, (*path, k), memo) for k, v in out.items()}
    if isinstance(out, tuple) and hasattr(out, "_fields"):
        return type(out)(*(handles(getattr(out, f), name_of, (*path, f), memo)
                           for f in out._fields))  # fmt: skip
    if isinstance(out, (list, tuple)):
        return type(out)(handles(v, name_of, (*path, i), memo) for i, v in enumerate(out))
    if isinstance(out, _KEEP) or not hasattr(out, "__dict__"):
        return out
    if id(out) in memo:
        return memo[id(out)]
    try:
        clone = copy.copy(out)
    except Exception:  # noqa: BLE001 -- an object that will not copy is kept as it is
        return out
    memo[id(out)] = clone
    for k, v in vars(out).items():
        try:  # object's own __setattr__: frozen dataclasses (a summary) take handles too
            object.__setattr__(clone, k, handles(v, name_of, (*path, k), memo))
        except (AttributeError, TypeError):
            return out
    return clone


def _step(node: Any, part: Any, fetch: Any) -> Any:
    if isinstance(node, Mapping) and part in node:
        return node[part]
    if isinstance(node, (list, tuple)) and isinstance(part, int) and -len(node) <= part < len(node):
        return node[part]
    if not isinstance(node, Mapping) and isinstance(part, str) and hasattr(node, part):
        return getattr(node, part)
    have = sorted(map(str, node)) if isinstance(node, Mapping) else sorted(
        a for a in dir(node) if not a.startswith("__"))  # fmt: skip
    raise TrainArgumentError(
        "Runner.run",
        f"the fetch {fetch!r} names nothing in the program's output ({part!r} is not among "
        f"{have[:12]})",
        "Fetch what the program returns, e.g. runner.run(['cost', 'train_op']), or a handle "
        "from runner.outputs (runner.run(model.cost)).",
    )


def select(out: Any, fetches: Any) -> Any:
    """What ``fetches`` names in ``out``: ``"key"`` (a dict's item or an attribute), ``"a.b"``
    (a path), a :class:`Fetch`, or a list / tuple / named tuple / dict of those (the same
    structure comes back)."""
    if isinstance(fetches, (str, Fetch)):
        node = out
        for part in fetches.split(".") if isinstance(fetches, str) else fetches.path:
            node = _step(node, part, fetches)
        return node
    if isinstance(fetches, Mapping):
        return {k: select(out, v) for k, v in fetches.items()}
    if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
        return type(fetches)(*(select(out, f) for f in fetches))
    if isinstance(fetches, (list, tuple)):
        return type(fetches)(select(out, f) for f in fetches)
    raise TrainArgumentError(
        "Runner.run",
        f"fetches is {type(fetches).__name__} {fetches!r}, not a name or a list/dict of names",
        "Name what to fetch from the program's output: runner.run(['cost', 'train_op']).",
    )


def values(fetched: Any) -> Any:
    """``fetched`` with each variable replaced by its value before the run's assigns: TF1's
    ``session.run(var)`` reads the variable without running the assigns made to it (reading
    after them would make the fetch depend on them)."""
    fr = frame.peek()

    def value(x):
        before = fr.initial.get(x._node) if fr is not None else None
        return before if before is not None else x.read_value()

    is_handle = lambda x: isinstance(x, Handle)  # noqa: E731
    return jax.tree.map(lambda x: value(x) if is_handle(x) else x, fetched, is_leaf=is_handle)


def cache_key(fetches: Any) -> Any:
    """A hashable key of a fetch structure (one compiled step per key)."""
    if isinstance(fetches, Mapping):
        return ("dict", tuple((k, cache_key(v)) for k, v in fetches.items()))
    if isinstance(fetches, (list, tuple)):
        return (type(fetches).__name__, tuple(cache_key(f) for f in fetches))
    return fetches


def feed_names(feed_dict: Mapping | None) -> dict[str, Any]:
    """``feed_dict`` keyed by placeholder name (a name with or without ``:0``, or a handle)."""
    fed = {}
    for key, value in (feed_dict or {}).items():
        if isinstance(key, Fetch):
            if key.placeholder is None:
                raise TrainArgumentError(
                    "Runner.run",
                    f"the feed_dict key {key.name!r} is not a placeholder: jaxscope feeds "
                    "placeholders only (TF1 feeds any tensor)",
                    "Make the value a placeholder in the program: "
                    "x = tf.placeholder_with_default(x, x.shape), then feed_dict={x: value}.",
                )
            key = key.placeholder
        if not isinstance(key, str):
            raise TrainArgumentError(
                "Runner.run",
                f"the feed_dict key {key!r} is neither a placeholder's name nor its handle",
                "feed_dict={'scope/name': value} or {runner.outputs['x']: value}.",
            )
        fed[key[: -len(":0")] if key.endswith(":0") else key] = np.asarray(value)
    return fed
