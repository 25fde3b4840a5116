"""TF1's random ops (``tf.random_normal``, ``tf.random_uniform``, ``tf.truncated_normal``,
``tf.random_shuffle``, ``tf.multinomial``) with TF1's signatures and dtype rules.

They draw from the transformed function's rng stream: each op takes a fresh key from
:func:`jaxscope.next_rng_key` (so ``apply`` needs ``rng=``; ``init`` has its key) and folds in
its ``seed``. The distributions are TF1's; the values are not TF1's Philox stream, and an op
``seed`` makes a program reproducible from its ``rng`` rather than repeating one draw (in TF1 two
ops with one graph seed and one op seed draw the same numbers). Called outside a transform they
raise :class:`RandomOpOutsideTransformError`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, is_tensor, op_name, static_ints
from jaxscope._src.compat.errors import (
    OpArgumentError,
    OpTypeError,
    RandomOpOutsideTransformError,
)
from jaxscope._src.core import frame
from jaxscope._src.core.random import next_rng_key
from jaxscope._src.initializers.fused_random import fused

_FLOATS = ("float16", "bfloat16", "float32", "float64")


def rng_key(op: str, seed) -> jax.Array:
    """The op's key: the next of the transform's stream, with the op ``seed`` folded in."""
    if not frame._stack():
        raise RandomOpOutsideTransformError(op)
    key = next_rng_key()
    if seed is not None:
        key = jax.random.fold_in(key, seed)
    return fused(key)  # the same bits, without XLA:CPU's full-size threefry temporaries


def _shape(op: str, shape) -> tuple[int, ...]:
    if np.ndim(shape) != 1:
        raise OpArgumentError(
            op,
            f"shape must be a list of dimension sizes (1-D), got {shape!r}.",
            f"tf.{op}([{shape}])" if np.ndim(shape) == 0 else None,
        )
    out = tuple(static_ints(op, shape, "shape"))
    if any(d < 0 for d in out):
        raise OpArgumentError(op, f"shape {list(out)} has a negative dimension.")
    return out


def _dtype(op: str, dtype, allowed, error=OpTypeError) -> np.dtype:
    d = dtypes.as_dtype(dtype)
    if d.name not in allowed:
        raise error(
            op,
            f"dtype {d.name} is not one the op draws: {', '.join(allowed)}.",
            "dtype=tf.float32",
        )
    return jax.dtypes.canonicalize_dtype(d.dtype)


def _param(op: str, x, dtype, arg: str) -> jax.Array:
    """``ops.convert_to_tensor(x, dtype=dtype)``: a tensor of another dtype is TF1's
    ``ValueError``, a Python value that does not fit the dtype its ``TypeError``."""
    if is_tensor(x) and jnp.asarray(x).dtype != dtype:
        raise OpArgumentError(
            op,
            f"{arg} has dtype {jnp.asarray(x).dtype.name}, the op draws {np.dtype(dtype).name} "
            "(TF1: tensor conversion requested dtype ...).",
            f"tf.cast({arg}, tf.{np.dtype(dtype).name})",
        )
    return convert(x, dtype, op, arg)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal(``mean``, ``stddev``) samples of ``shape`` (``mean``/``stddev`` broadcast).

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring).

    Args:
        shape: The output's shape: a list of ints known when the program is traced.
        mean: The mean, a scalar or a tensor broadcasting to ``shape``, of ``dtype``.
        stddev: The standard deviation, as ``mean``.
        dtype: A float dtype.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``random_normal``).

    Returns:
        A jax array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``dtype`` is not a float.
        ValueError: ``shape`` is traced or negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.random_normal([2, 3], stddev=0.1))
        >>> f.apply({}, rng=jax.random.key(0)).shape
        (2, 3)

    TF1 equivalent: tf.compat.v1.random_normal
    """
    op = "random_normal"
    op_name(name, "random_normal")
    dt = _dtype(op, dtype, _FLOATS)
    s = _shape(op, shape)
    m, sd = _param(op, mean, dt, "mean"), _param(op, stddev, dt, "stddev")
    return jax.random.normal(rng_key(op, seed), s, dt) * sd + m


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal(``mean``, ``stddev``) samples redrawn beyond two standard deviations (so within
    ``(mean - 2 * stddev, mean + 2 * stddev)``; the standard deviation is about ``0.88 * stddev``).

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring).

    Args:
        shape: The output's shape: a list of ints known when the program is traced.
        mean: The mean, a scalar or a tensor broadcasting to ``shape``, of ``dtype``.
        stddev: The standard deviation before truncation, as ``mean``.
        dtype: A float dtype.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``truncated_normal``).

    Returns:
        A jax array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``dtype`` is not a float.
        ValueError: ``shape`` is traced or negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.truncated_normal([1000]))
        >>> x = f.apply({}, rng=jax.random.key(0))
        >>> bool(tf.reduce_all(tf.abs(x) < 2.))
        True

    TF1 equivalent: tf.compat.v1.truncated_normal
    """
    op = "truncated_normal"
    op_name(name, "truncated_normal")
    dt = _dtype(op, dtype, _FLOATS)
    s = _shape(op, shape)
    m, sd = _param(op, mean, dt, "mean"), _param(op, stddev, dt, "stddev")
    return jax.random.truncated_normal(rng_key(op, seed), -2.0, 2.0, s, dt) * sd + m


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)``: floats (``maxval`` None means 1) or integers
    (``maxval`` required; scalar bounds with ``minval < maxval``).

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring).

    Args:
        shape: The output's shape: a list of ints known when the program is traced.
        minval: The lower bound (included), of ``dtype``.
        maxval: The upper bound (excluded), of ``dtype``; ``None`` is 1 for floats and an error for
            integers.
        dtype: A float dtype, int32 or int64.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``random_uniform``).

    Returns:
        A jax array of ``shape`` and ``dtype``.

    Raises:
        ValueError: ``dtype`` is not taken, an integer ``maxval`` is missing, integer bounds are not
            scalars with ``minval < maxval``, or ``shape`` is traced.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.random_uniform([5], 0, 10, dtype=tf.int32))
        >>> x = f.apply({}, rng=jax.random.key(0))
        >>> x.dtype, bool(tf.reduce_all((x >= 0) & (x < 10)))
        (dtype('int32'), True)

    TF1 equivalent: tf.compat.v1.random_uniform
    """
    op = "random_uniform"
    dt = _dtype(op, dtype, _FLOATS + ("int32", "int64"), OpArgumentError)
    is_int = dt.kind in "iu"
    if maxval is None:
        if is_int:
            raise OpArgumentError(
                op,
                f"must specify maxval for integer dtype {dt.name}.",
                f"maxval=10, dtype={dt.name}",
            )
        maxval = 1
    op_name(name, "random_uniform")
    s = _shape(op, shape)
    lo, hi = _param(op, minval, dt, "minval"), _param(op, maxval, dt, "maxval")
    key = rng_key(op, seed)
    if not is_int:
        return jax.random.uniform(key, s, dt) * (hi - lo) + lo
    if lo.ndim or hi.ndim:
        raise OpArgumentError(
            op, f"integer minval and maxval must be scalars, got {lo.shape} and {hi.shape}."
        )
    if not isinstance(lo, jax.core.Tracer) and not isinstance(hi, jax.core.Tracer) and lo >= hi:
        raise OpArgumentError(
            op, f"need minval < maxval, got minval={int(lo)} and maxval={int(hi)}."
        )
    return jax.random.randint(key, s, lo, hi, dt)


def random_shuffle(value, seed=None, name=None):
    """``value`` with its first dimension shuffled (a scalar is returned as is).

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring).

    Args:
        value: A tensor.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``RandomShuffle``).

    Returns:
        A jax array of ``value``'s shape and dtype.

    Raises:
        RuntimeError: called outside ``jaxscope.transform`` with two or more rows to shuffle (a
            ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.random_shuffle(tf.range(5)))
        >>> sorted(f.apply({}, rng=jax.random.key(0)).tolist())
        [0, 1, 2, 3, 4]

    TF1 equivalent: tf.compat.v1.random_shuffle
    """
    op = "random_shuffle"
    op_name(name, "RandomShuffle")
    v = convert(value, op=op, arg="value")
    if v.ndim == 0 or v.shape[0] < 2:
        return v
    return jax.random.permutation(rng_key(op, seed), v, axis=0, independent=False)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """``num_samples`` class indices per row of ``logits`` ``[batch, num_classes]`` (the
    unnormalized log-probabilities), ``[batch, num_samples]``.

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring); int64 output is
    int32 unless jax_enable_x64.

    Args:
        logits: A float tensor ``[batch, num_classes]`` of unnormalized log-probabilities.
        num_samples: How many samples per row: an int known when the program is traced.
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``multinomial``).
        output_dtype: The indices' dtype, int32 or int64 (``None``: int64).

    Returns:
        A jax array ``[batch, num_samples]`` of class indices.

    Raises:
        TypeError: ``logits`` or ``output_dtype`` has a dtype the op does not take.
        ValueError: ``logits`` is not 2-D, or ``num_samples`` is traced or negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.multinomial([[0., -1e9]], 3))
        >>> f.apply({}, rng=jax.random.key(0))
        Array([[0, 0, 0]], dtype=int32)

    TF1 equivalent: tf.compat.v1.multinomial
    """
    op = "multinomial"
    op_name(name, "multinomial")
    return _categorical(op, logits, num_samples, seed, output_dtype)


def _categorical(op: str, logits, num_samples, seed, dtype):
    lg = convert(logits, op=op, arg="logits")
    if lg.dtype.kind not in "iu" and lg.dtype.name not in _FLOATS:
        raise OpTypeError(op, f"logits must be a real tensor, got {lg.dtype.name}.")
    if lg.dtype.kind in "iu":  # TF1 builds it, and then has no integer kernel
        raise OpArgumentError(
            op, f"logits must be floats, got {lg.dtype.name}.", "tf.cast(logits, tf.float32)"
        )
    if lg.ndim != 2:
        raise OpArgumentError(
            op, f"logits must be 2-D [batch, num_classes], got shape {list(lg.shape)}."
        )
    (n,) = static_ints(op, num_samples, "num_samples")
    if n < 0:
        raise OpArgumentError(op, f"num_samples must be >= 0, got {n}.")
    dt = _dtype(op, dtypes.int64 if dtype is None else dtype, ("int32", "int64"), OpArgumentError)
    key = rng_key(op, seed)
    x = lg.astype(jnp.float32) if lg.dtype.itemsize < 4 else lg
    draws = jax.random.categorical(key, x, axis=-1, shape=(n, lg.shape[0]))
    return draws.T.astype(dt)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """As :func:`multinomial` (``dtype`` is its ``output_dtype``).

    Differs from TF1: the values are not TF1's (a draw from the transformed function's rng
    stream, not TF1's Philox stream; the distribution is TF1's), ``apply`` needs ``rng=``, and
    an op ``seed`` makes the program reproducible from its ``rng`` rather than repeating one
    draw (see the module docstring); int64 output is
    int32 unless jax_enable_x64.

    Args:
        logits: A float tensor ``[batch, num_classes]`` of unnormalized log-probabilities.
        num_samples: How many samples per row: an int known when the program is traced.
        dtype: The indices' dtype, int32 or int64 (``None``: int64).
        seed: An op seed, folded into the rng key.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``categorical``).

    Returns:
        A jax array ``[batch, num_samples]`` of class indices.

    Raises:
        TypeError: ``logits`` or ``dtype`` has a dtype the op does not take.
        ValueError: ``logits`` is not 2-D, or ``num_samples`` is traced or negative.
        RuntimeError: called outside ``jaxscope.transform`` (a ``RandomOpOutsideTransformError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> f = jaxscope.transform(lambda: tf.random.categorical([[-1e9, 0.]], 2))
        >>> f.apply({}, rng=jax.random.key(0))
        Array([[1, 1]], dtype=int32)

    TF1 equivalent: tf.compat.v1.random.categorical
    """
    op = "random.categorical"
    op_name(name, "categorical")
    return _categorical(op, logits, num_samples, seed, dtype)
