"""Threefry keys whose draws compile to one fused loop: the same bits, no full-size temporaries.

On XLA:CPU, jax lowers the threefry hash as a rolled ``while`` loop over its five round groups.
Its two uint32 counter arrays of the variable's full size are loop-carried, so a draw holds
three times the variable's bytes in temporaries besides its output (``memory_analysis`` of
``jax.random.truncated_normal`` of BERT's 30522x768 embedding: 3.0x), and ``init``'s peak memory
is set by its biggest variable. Written out round by round -- as jax lowers it on GPU -- the hash
is one elementwise chain from counter to value that XLA fuses with the initializer's transform:
no temporaries (0.0x), and the draw runs ~4x faster on the 2-core CPU.

:func:`fused` rewraps a threefry key as a key of this implementation. Only ``random_bits`` is
re-expressed; ``split``, ``fold_in`` and ``seed`` delegate to jax's threefry, so every key and
every value is the one jax gives: ``tests/test_fused_random.py`` compares them with jax's own
draws for every initializer, dtype and a range of shapes. (A runtime self-check would compile
two programs, 0.16 s of a cold ``init``.)
"""

from __future__ import annotations

import math

import jax
import numpy as np
from jax import lax

_THREEFRY = "threefry2x32"
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_UINT = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


def _threefry2x32(k1, k2, x1, x2):
    """Threefry-2x32 with 20 rounds (Salmon et al. 2011), as jax's unrolled lowering."""
    ks = (k1, k2, k1 ^ k2 ^ np.uint32(0x1BD11BDA))
    x1, x2 = x1 + ks[0], x2 + ks[1]
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x1 = x1 + x2
            x2 = x1 ^ (
                lax.shift_left(x2, np.uint32(r)) | lax.shift_right_logical(x2, np.uint32(32 - r))
            )
        x1 = x1 + ks[(i + 1) % 3]
        x2 = x2 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x1, x2


def _flat_index(shape):
    """Each element's row-major index as uint32, built from per-axis iotas (partitionable)."""
    index = lax.full(shape, 0, np.uint32)
    stride = 1
    for axis in reversed(range(len(shape))):
        index = index + lax.broadcasted_iota(np.uint32, shape, axis) * np.uint32(stride)
        stride *= shape[axis]
    return index


def _threefry(data):
    return jax.random.wrap_key_data(data, impl=_THREEFRY)


def _random_bits(data, bit_width, shape, offset=None):
    if math.prod(shape) >= 2**32:  # counters need their high word: jax's own draw
        return jax.random.bits(_threefry(data), shape, _UINT[bit_width])
    low = _flat_index(tuple(shape))
    if offset is not None:
        low = low + offset
    bits1, bits2 = _threefry2x32(data[0], data[1], lax.full(shape, 0, np.uint32), low)
    if bit_width == 64:
        return lax.shift_left(bits1.astype(np.uint64), np.uint64(32)) | bits2.astype(np.uint64)
    return (bits1 ^ bits2).astype(_UINT[bit_width])


try:
    from jax.extend.random import define_prng_impl

    _IMPL = define_prng_impl(
        key_shape=(2,),
        seed=lambda seed: jax.random.key_data(jax.random.key(seed, impl=_THREEFRY)),
        split=lambda data, shape: jax.random.key_data(jax.random.split(_threefry(data), shape)),
        random_bits=_random_bits,
        fold_in=lambda data, x: jax.random.key_data(jax.random.fold_in(_threefry(data), x)),
        name="jaxscope_fused_threefry2x32",
        tag="jsfu",
    )
    # Key data (k1, k2, offset): key (k1, k2)'s draws from element `offset` on (see at_offset).
    _AT_OFFSET = define_prng_impl(
        key_shape=(3,),
        seed=lambda seed: _with_offset(jax.random.key_data(jax.random.key(seed, impl=_THREEFRY))),
        split=lambda data, shape: _with_offset(
            jax.random.key_data(jax.random.split(_threefry(data[:2]), shape))
        ),
        random_bits=lambda data, width, shape: _random_bits(data[:2], width, shape, data[2]),
        fold_in=lambda data, x: _with_offset(
            jax.random.key_data(jax.random.fold_in(_threefry(data[:2]), x))
        ),
        name="jaxscope_fused_threefry2x32_at_offset",
        tag="jsfo",
    )
except (ImportError, TypeError, ValueError):  # a jax whose extension API differs
    _IMPL = _AT_OFFSET = None


def _with_offset(data, offset=0):
    offsets = lax.full(data.shape[:-1] + (1,), offset, np.uint32)
    return lax.concatenate([data, offsets], data.ndim - 1)


def _from_data(data):
    return jax.random.wrap_key_data(data, impl=_IMPL)


def fused(key):
    """``key`` as a fused-threefry key drawing the same values, or ``key`` unchanged.

    Unchanged when it is not a threefry key (``rbg``, a custom implementation) or when
    ``jax_threefry_partitionable`` is off (jax then counts differently).
    """
    if not _is_threefry(key):
        return key
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        return _from_data(jax.random.key_data(key))
    return _from_data(key)


def _is_threefry(key) -> bool:
    """A threefry key (typed or raw) that :func:`fused` rewraps; read from metadata only."""
    if _IMPL is None or not getattr(jax.config, "jax_threefry_partitionable", False):
        return False
    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        return str(jax.random.key_impl(key)) == _THREEFRY and not key.shape
    return (
        key.shape == (2,)
        and key.dtype == np.uint32
        and jax.config.jax_default_prng_impl == _THREEFRY
    )


def draws_by_index(key) -> bool:
    """Whether :func:`at_offset` applies to ``key`` and the keys folded from it."""
    return _AT_OFFSET is not None and _is_threefry(key)


def at_offset(key, offset):
    """A key whose draws of ``n`` values are values ``offset`` to ``offset + n - 1`` of ``key``'s
    draws of more values (flat, row-major).

    ``key`` is a fused key or one for which :func:`draws_by_index` holds (an element's bits then
    depend on its index only); ``offset`` a uint32 scalar, so that one program draws every slice.
    """
    data = jax.random.key_data(fused(key))
    return jax.random.wrap_key_data(_with_offset(data, offset), impl=_AT_OFFSET)
