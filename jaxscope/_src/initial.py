"""How ``init`` obtains initial values: initializer resolution and grouped, vmapped draws.

Each variable's key is ``rng`` folded with a 64-bit hash of its name, so its value depends only
on (rng, name, shape, dtype, initializer); variables sharing (shape, dtype, initializer) are drawn
by one vmapped call (no compile-time blow-up with thousands of variables).
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src import errors
from jaxscope._src import initializers as inits
from jaxscope._src.dtypes import canonical, checked_initial_value, is_floating
from jaxscope._src.dtypes import is_int_or_bool as _int_or_bool

DRAW, CONST = "draw", "const"  # how init obtains a value: grouped random draw, or computed inline


def _default_initializer(key: str, dtype: np.dtype):
    if is_floating(dtype):
        return inits.glorot_uniform_initializer()
    if _int_or_bool(dtype):
        return inits.zeros_initializer()
    raise errors.InitializerError(
        key, f"An initializer for variable {key} of {dtype} is required (TF1 has no default for it).",
        f"Pass one: get_variable({key.rsplit('/', 1)[-1]!r}, shape, dtype=jnp.{dtype}, "
        "initializer=jaxscope.zeros_initializer()).",
    )  # fmt: skip


def _needs_no_arguments(fn) -> bool:
    if isinstance(fn, inits.Initializer):
        return False
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params
    )


def _is_tf_style(fn) -> bool:
    """True for a TF1-style initializer ``f(shape, dtype=None, partition_info=None)``."""
    if isinstance(fn, inits.Initializer):
        return False
    try:
        first = next(iter(inspect.signature(fn).parameters))
    except (TypeError, ValueError, StopIteration):
        return False
    return first == "shape"


def _jax_style(initializer):
    """Any supported initializer as ``f(key, shape, dtype)``."""
    if _is_tf_style(initializer):
        return _TFStyle(initializer)
    return initializer


class _TFStyle:
    """Adapts a user's TF1-style ``f(shape, dtype=None, partition_info=None)`` initializer."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, key, shape, dtype):
        return self.fn(list(shape), dtype=dtype)  # checked_initial_value converts

    def __eq__(self, other):
        return isinstance(other, _TFStyle) and other.fn is self.fn

    def __hash__(self):
        return hash(id(self.fn))


def initial_values(specs: list, rng) -> dict[str, Any]:
    """Draws every ``DRAW`` spec: one vmapped call per (shape, dtype, initializer) group.

    Each variable's key is ``rng`` folded with a 64-bit stable hash of its name, so its value
    depends only on (rng, name, shape, dtype, initializer) -- never on which other variables
    exist -- and one compiled draw serves a whole group (no compile-time blow-up with thousands
    of variables).
    """
    groups: dict[Any, list] = {}
    for var, kind, initializer in specs:
        if kind == DRAW:
            try:
                gkey = (var._shape, var._dtype, initializer)
                hash(gkey)
            except TypeError:
                gkey = (var._shape, var._dtype, id(initializer))
            groups.setdefault(gkey, []).append((var, initializer))
    values: dict[str, Any] = {}
    for (shape, dtype, _), members in groups.items():
        initializer = members[0][1]
        hashes = np.array([_name_hash(v._node) for v, _ in members], dtype=np.uint32)

        def draw(h, initializer=initializer, shape=shape, dtype=dtype, node=members[0][0]._node):
            k = jax.random.fold_in(jax.random.fold_in(rng, h[0]), h[1])
            return checked_initial_value(node, initializer(k, shape, canonical(dtype)), shape, dtype)

        if len(members) == 1:
            values[members[0][0]._node] = draw(hashes[0])
            continue
        stacked = jax.vmap(draw)(hashes)
        for (var, _), value in zip(members, jnp.unstack(stacked), strict=True):
            values[var._node] = value
    return values


def _name_hash(name: str) -> tuple[int, int]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")
