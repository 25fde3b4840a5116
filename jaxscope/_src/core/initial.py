"""How ``init`` obtains initial values: initializer resolution and grouped draws.

Each variable's key is ``rng`` folded with a 64-bit hash of its name, so its value depends only
on (rng, name, shape, dtype, initializer); variables sharing (shape, dtype, initializer) are drawn
by one compiled program (no compile-time blow-up with thousands of variables), and eagerly on CPU
a catalogue initializer's variables of any shape by a few (``initializers.flat``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.initializers import catalogue as inits
from jaxscope._src.initializers.dtypes import canonical, checked_initial_value, is_floating
from jaxscope._src.initializers.dtypes import is_int_or_bool as _int_or_bool
from jaxscope._src.initializers.errors import InitializerError
from jaxscope._src.initializers.fused_random import at_offset, draws_by_index, fused

DRAW, CONST = "draw", "const"  # how init obtains a value: grouped random draw, or computed inline


def _default_initializer(key: str, dtype: np.dtype):
    if is_floating(dtype):
        return inits.glorot_uniform_initializer()
    if _int_or_bool(dtype):
        return inits.zeros_initializer()
    raise InitializerError(
        key, f"An initializer for variable {key} of {dtype} is required (TF1 has no default for it).",
        f"Pass one: get_variable({key.rsplit('/', 1)[-1]!r}, shape, dtype=jnp.{dtype}, "
        "initializer=jaxscope.zeros_initializer()).",
    )  # fmt: skip


def _needs_no_arguments(fn) -> bool:
    if isinstance(fn, inits.Initializer) and type(fn).__call__ is inits.Initializer.__call__:
        return False  # a subclass that overrides __call__ is read from its signature
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params
    )


def _is_tf_style(fn) -> bool:
    """True for a TF1-style initializer ``f(shape, dtype=None, partition_info=None)``."""
    if isinstance(fn, inits.Initializer) and type(fn).__call__ is inits.Initializer.__call__:
        return False  # a subclass that overrides __call__ is read from its signature
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
        return self.fn(list(shape), dtype=dtype)  # _draw_traced converts, _check checks

    def __eq__(self, other):
        return isinstance(other, _TFStyle) and other.fn is self.fn

    def __hash__(self):
        return hash(id(self.fn))


def initial_values(specs: list, rng) -> dict[str, Any]:
    """Draws every ``DRAW`` spec, grouped by (shape, dtype, initializer).

    Each variable's key is ``rng`` folded with a 64-bit stable hash of its name, so its value
    depends only on (rng, name, shape, dtype, initializer) -- never on which other variables
    exist. Eagerly, each variable is drawn by a cached jitted draw, no stacked copy: a catalogue
    initializer's on one CPU device flat, in chunks, by programs shared across shapes (see
    ``_eager_value``), any other by one program per group; a constant (zeros, ones, a scalar
    ``constant_initializer``) is computed by numpy and copied. Under a
    trace (``jax.jit(f.init)``, ``vmap``) the smallest variables are drawn by loops (``lax.map``),
    one per group and chunk, then sliced, so the program does not grow with their number; the
    rest, most of the bytes, one by one into their own buffers (see ``_LOOP_SHARE``).
    """
    groups: dict[Any, list] = {}
    for var, kind, initializer in specs:
        if kind == DRAW:
            try:
                gkey = (var._shape, var._dtype, initializer)
                hash(gkey)
            except TypeError:
                gkey = (var._shape, var._dtype, _ByIdentity(initializer))
            groups.setdefault(gkey, []).append(var)
    values: dict[str, Any] = {}
    traced = isinstance(rng, jax.core.Tracer)
    loop_budget = _loop_budget(groups) if traced else 0
    for (shape, dtype, initializer), members in sorted(groups.items(), key=_group_bytes):
        hashes = np.array([_name_hash(v._node) for v in members], dtype=np.uint32)
        dtype = canonical(dtype)
        if not traced:
            host = getattr(initializer, "host_value", None)
            if host is not None and host(shape, dtype) is not None:
                # A constant: copied to the device, no program to compile (jnp.asarray would
                # compile a `stage` program per shape). One numpy array per variable, since a
                # CPU device array may alias it (and be donated later); one batched copy.
                copies = jax.device_put([host(shape, dtype) for _ in members])
                values.update(zip([var._node for var in members], copies, strict=True))
                continue
            for var, h in zip(members, hashes, strict=True):
                values[var._node] = _check(
                    _eager_value(initializer, shape, dtype, rng, h), shape, var
                )
            continue
        sample = functools.partial(_sample, initializer, shape, dtype)
        keys = _keys(rng, hashes)  # one vectorized hash for the group, not two loops per variable
        nbytes = max(1, math.prod(shape) * dtype.itemsize)
        random = getattr(initializer, "needs_key", True)  # zeros, ones: a broadcast, no loop
        loops = random and len(members) > _LOOP_MIN and nbytes <= _LOOP_MAX_BYTES
        looped = min(len(members), loop_budget // nbytes) if loops else 0
        loop_budget -= looped * nbytes
        per_chunk = max(1, _CHUNK_BYTES // nbytes)
        for start in range(0, looped, per_chunk):
            chunk = members[start : min(start + per_chunk, looped)]
            stacked = jax.lax.map(sample, keys[start : start + len(chunk)])
            _check(stacked[0], shape, chunk[0])
            for var, value in zip(chunk, jnp.unstack(stacked), strict=True):
                values[var._node] = value
        for i in range(looped, len(members)):
            values[members[i]._node] = _check(sample(keys[i]), shape, members[i])
    return values


def draw_one(var, initializer, rng):
    """One ``DRAW`` variable's value, equal to what :func:`initial_values` gives it.

    By the cached jitted draw, eagerly and under a trace alike: under ``jax.make_jaxpr`` /
    ``jit`` each variable is then one call of a program traced once per group, which costs less
    to trace than drawing it inline.
    """
    try:
        hash(initializer)
    except TypeError:
        initializer = _ByIdentity(initializer)
    h = np.array(_name_hash(var._node), dtype=np.uint32)
    shape, dtype = var._shape, canonical(var._dtype)
    if isinstance(rng, jax.core.Tracer):
        return _check(_draw(initializer, shape, dtype, rng, h), shape, var)
    return _check(_eager_value(initializer, shape, dtype, rng, h), shape, var)


def _eager_value(initializer, shape, dtype, rng, h):
    """A variable's value for a concrete key: drawn flat where it can be (see ``_flat_plan``)."""
    draw = _eager_draw(rng)
    plan = _flat_plan(initializer, shape, dtype, rng)
    if plan is None:
        return draw(initializer, shape, dtype, rng, h)
    size = math.prod(shape)
    chunk = _chunk(size)
    sampler = _Slice(plan.sampler)
    # The values, assembled on the host (CPU buffers: no transfer) rather than by a program
    # compiled per shape; one chunk at a time, so that no more than one is held beside them.
    host = None
    for start in range(0, size, chunk):
        part = draw(sampler, (chunk,), dtype, rng, h, np.uint32(start), *plan.params)
        if host is None:
            host, device = np.empty(size, part.dtype), part.device if part.committed else None
        host[start : start + chunk] = np.asarray(part)[: size - start]
    return jax.device_put(host.reshape(shape), device)


@dataclasses.dataclass(frozen=True)
class _Slice:
    """``sampler``'s values from element ``offset`` on: the static part of a flat draw."""

    sampler: Callable

    def __call__(self, key, shape, dtype, offset, *params):
        return self.sampler(at_offset(key, offset), shape, dtype, *params)


def _flat_plan(initializer, shape, dtype, rng):
    """The initializer's flat draw (``initializers.flat``) where its bits are the shape's, or None.

    Only eagerly on one CPU device (the values are sliced on the host), with a threefry key and
    ``jax_threefry_partitionable`` (otherwise an element's bits depend on the shape), and for an
    initializer whose ``sample`` is the one its ``flat_draw`` describes.
    """
    if not isinstance(initializer, inits.Initializer) or not 0 < math.prod(shape) < 2**31:
        return None
    if not draws_by_index(rng):
        return None
    devices = rng.devices()
    if len(devices) != 1 or next(iter(devices)).platform != "cpu":
        return None
    cls = type(initializer)
    owner = next(c for c in cls.__mro__ if "flat_draw" in vars(c))
    if cls.sample is not owner.sample or cls.__call__ is not inits.Initializer.__call__:
        return None  # a subclass that draws otherwise
    return initializer.flat_draw(shape, dtype)


def _chunk(size: int) -> int:
    """How many values one flat draw gives, for a variable of ``size`` values.

    The next power of two for the smallest variables, else the biggest of _CHUNKS that is at most
    ``size``: less than a chunk drawn in vain per variable (less than its size), at most 64 calls
    per variable below the biggest chunk, and one program per (sampler, dtype) and chunk.
    """
    if size <= _CHUNKS[0]:
        return 1 << (size - 1).bit_length()
    return max(c for c in _CHUNKS if c <= size)


# tf-slim's resnet_v1_50 on the 2-core CPU, first eager init (draw programs, best of 3): per shape
# 9.8 s (21); chunks of 4096, 65536 and 1M values 2.0 s (3); 4096 and 256K values 1.6 s (2), and
# a second init drew its 25.5M values in 0.31 s against 0.54 s (less drawn in vain).
_CHUNKS = (1 << 12, 1 << 18)


# Under a trace a group is drawn stacked, then sliced, in chunks of at most this many bytes (one
# loop each), so no single temporary outgrows a chunk.
_CHUNK_BYTES = 32 << 20
# Under a trace, loops draw only groups of more than _LOOP_MIN random variables of at most
# _LOOP_MAX_BYTES each, and at most _LOOP_SHARE of all drawn bytes (or _LOOP_FLOOR bytes, whichever
# is more); every other variable is drawn by itself. A loop's stacked result is a temporary that
# XLA:CPU keeps beside the slices copied out of it, for the whole program (a while loop's buffers
# are not shared with other buffers), while a single fused draw (fused_random) writes straight
# into its output buffer: looping every group held 1.78x the parameter bytes of a BERT-Base-shaped
# init (418 MiB), drawing its random variables one by one 1.00x. Compile time is the other side:
# one fusion per draw against one per loop. Measured on the 2-core CPU (compile CPU s, noisy to
# +-15%), BERT-shaped: all looped 5.1 s, one by one 6.4-7.6 s (plain per-variable jax.random
# draws: 6.4-7.1 s, 2.67x); looping also its 1-9 MiB variables was no faster (7.2-8.9 s). 200
# variables of 7.7 MiB: looped 2.3 s wall (2.0x: under the floor), one by one 6.7 s (1.12x). A
# small model sharded over 8 devices (tests/sharding_worker.py) held 1.85x its shard per device
# when looped, 1.14x drawn one by one.
_LOOP_SHARE, _LOOP_FLOOR = 1 / 8, 8 << 20
_LOOP_MIN = 8  # a group of up to this many is drawn one by one: few fusions, no stacked copy
_LOOP_MAX_BYTES = 256 << 10  # bigger ones are drawn one by one
# Within a chunk, variables are drawn one per iteration of a loop (``lax.map`` without batching):
# a loop over single draws runs as fast as separate draws and compiles once. Batching iterations
# (a vmap inside the loop) left the remainder's vmapped draw outside the loop, and XLA duplicated
# its whole elementwise chain (threefry, erfinv) into the fusion of every slice taken from it:
# 200 variables of four shapes compiled for 7.4 s against 2.7 s as a plain loop. A vmapped
# draw over per-variable keys also runs ~1.7x slower than one draw per variable on XLA:CPU.


class _ByIdentity:
    """An unhashable initializer as a static jit argument (compared by identity)."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, key, shape, dtype):
        return self.fn(key, shape, dtype)

    def __eq__(self, other):
        return isinstance(other, _ByIdentity) and other.fn is self.fn

    def __hash__(self):
        return id(self.fn)


def _key(rng, h):
    return jax.random.fold_in(jax.random.fold_in(rng, h[0]), h[1])


def _keys(rng, hashes):
    return jax.vmap(_key, in_axes=(None, 0))(rng, hashes)


def _draw_traced(initializer, shape, dtype, rng, h, *params):
    return _sample(initializer, shape, dtype, _key(rng, h), *params)


def _sample(initializer, shape, dtype, k, *params):
    # A fused key: the same values without full-size temporaries (see fused_random).
    value = initializer(fused(k), shape, dtype, *params)
    # A numpy / Python result converts (as TF1's convert_to_tensor); a JAX array keeps its dtype
    # so that _check can refuse a wrong one.
    return value if isinstance(value, jax.Array) else jnp.asarray(value, dtype)


# One compiled program per (initializer, shape, dtype), reused for every variable of the group
# and across calls; the name hash is a runtime argument.
_draw = jax.jit(_draw_traced, static_argnums=(0, 1, 2))

# On XLA:CPU the same programs compiled with LLVM's -O1 instead of -O3: a first init waits for
# them, and they then run once per variable. Measured on the 2-core CPU: a draw compiles in
# 0.26-0.34 CPU s instead of 0.37-0.48, runs as fast (3M values: 48-60 ms against 63-81) and
# gives the same bits (tests/test_performance.py compares both).
_FAST_COMPILE = {"xla_backend_optimization_level": 1}
_draw_fast = jax.jit(_draw_traced, static_argnums=(0, 1, 2), compiler_options=_FAST_COMPILE)
_fast_ok = [True]  # False once a jaxlib refused the option: then the default program is used


def _eager_draw(rng):
    """The draw program for a concrete key: the fast-compiling one on CPU."""
    if not _fast_ok[0] or any(d.platform != "cpu" for d in rng.devices()):
        return _draw

    def draw(*args):
        if _fast_ok[0]:
            try:
                return _draw_fast(*args)
            except jax.errors.JaxRuntimeError as e:
                if "compile option" not in str(e):
                    raise
                _fast_ok[0] = False
        return _draw(*args)

    return draw


def _group_bytes(item):
    (shape, dtype, _), _ = item
    return math.prod(shape) * canonical(dtype).itemsize


def _loop_budget(groups) -> int:
    total = sum(_group_bytes(item) * len(item[1]) for item in groups.items())
    return max(int(total * _LOOP_SHARE), _LOOP_FLOOR)


def _check(value, shape, var):
    return checked_initial_value(var._node, value, shape, var._dtype)


def _name_hash(name: str) -> tuple[int, int]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")
