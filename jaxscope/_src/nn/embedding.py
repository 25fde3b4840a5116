"""``embedding_lookup``: rows of one table, or of a table split into shards (TF1's partitioned
variables), with TF1's ``"mod"`` and ``"div"`` row mappings."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core.variables import PartitionedVariable
from jaxscope._src.nn.errors import IdOutOfRangeError, PartitionStrategyError


def check_ids(ids, n: int, op: str, what: str, of: str, table=None) -> None:
    """Raises :class:`IdOutOfRangeError` if concrete ``ids`` hold a value outside ``[0, n)``.

    Traced ids (under ``jax.jit``) are not checked: no host sync; the callers mask them instead.
    """
    if isinstance(ids, jax.core.Tracer) or not np.size(ids):
        return
    ids = np.asarray(ids)
    if ids.min() >= 0 and ids.max() < n:
        return
    bad = np.argwhere((ids < 0) | (ids >= n))[0]
    raise IdOutOfRangeError(op, what, tuple(bad), int(ids[tuple(bad)]), n, of, table)


def table_name(params) -> str | None:
    """The TF1 name of a table (a variable, a partitioned variable, or a list of parts)."""
    items = params if isinstance(params, (list, tuple)) else [params]
    names = [getattr(p, "_node", None) or getattr(p, "full_name", None) for p in items]
    return None if None in names else ", ".join(dict.fromkeys(names))


def _shard_of(ids, sizes, partition_strategy):
    """(shard, row within the shard) of each id: TF1's ``embedding_lookup`` arithmetic."""
    n = len(sizes)
    if partition_strategy == "mod":
        return ids % n, ids // n
    total = sum(sizes)
    per, extras = total // n, total % n
    if per == 0:  # fewer rows than shards: every row is in the first `extras` shards
        return ids, jnp.zeros_like(ids)
    shard = jnp.maximum(ids // (per + 1), (ids - extras) // per)
    in_extras = shard < extras
    row = jnp.where(in_extras, ids % (per + 1), (ids - extras) % per)
    return shard, row


def _clip(rows, max_norm, ids_rank):
    if max_norm is None:
        return rows
    axes = tuple(range(ids_rank, rows.ndim))
    norm = jnp.sqrt(jnp.sum(rows * rows, axis=axes, keepdims=True))
    return jnp.where(norm > max_norm, rows * (max_norm / jnp.maximum(norm, 1e-30)), rows)


def embedding_lookup(
    params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None
):
    """The rows ``params[ids]``: shape ``ids.shape + params.shape[1:]``.

    ``params`` is one table or a list of shards of one (equal trailing shapes). With shards, id
    ``i`` lives in shard ``i % n`` at row ``i // n`` (``"mod"``), or, with ``"div"``, in
    contiguous blocks (the first ``total % n`` shards hold one row more), as TF1 maps them, so a
    TF1 partitioned variable's ``part_0``, ``part_1``, ... can be passed as they are.

    Out-of-range ids (outside ``[0, total rows)``; negative ids do not wrap around) raise
    :class:`~jaxscope.IdOutOfRangeError` when ``ids`` are concrete, as TF1 raised on CPU. Traced
    ids (under ``jax.jit``) cannot raise: their rows are NaN (a float table; an integer table's
    rows hold its dtype's minimum, as ``jnp.take``'s fill), never a row of the table or of another
    shard.

    Args:
      params: an array or variable, or a list of them (the shards), or a
        :class:`~jaxscope.PartitionedVariable` (its TF1 parts are the shards).
      ids: int array of row ids (any shape).
      partition_strategy: ``"mod"`` (TF1's default) or ``"div"``; only used with several shards.
      name, validate_indices: accepted for TF1 compatibility (ids are always checked, as above).
      max_norm: if set, each row with a larger L2 norm is scaled down to it.

    Raises:
      IdOutOfRangeError: (an ``IndexError`` and ``ValueError``) a concrete id out of range.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> shards = [jnp.array([[0.], [3.]]), jnp.array([[1.], [4.]]), jnp.array([[2.]])]
      >>> js.nn.embedding_lookup(shards, jnp.array([0, 1, 2, 3, 4]))[:, 0].tolist()  # mod
      [0.0, 1.0, 2.0, 3.0, 4.0]
      >>> shards = [jnp.array([[0.], [1.]]), jnp.array([[2.], [3.]]), jnp.array([[4.]])]
      >>> js.nn.embedding_lookup(shards, jnp.array([4, 2, 0]), "div")[:, 0].tolist()
      [4.0, 2.0, 0.0]

    TF1 equivalent: tf.compat.v1.nn.embedding_lookup
    """
    del name, validate_indices
    return lookup(params, ids, partition_strategy, max_norm)


def lookup(params, ids, partition_strategy="mod", max_norm=None, op="embedding_lookup", table=None):
    """:func:`embedding_lookup` for ``op`` (named in errors); ``table`` defaults to the TF1 name
    of ``params``."""
    if partition_strategy not in ("mod", "div"):
        raise PartitionStrategyError(partition_strategy)
    table = table or table_name(params)
    if isinstance(params, PartitionedVariable):
        params = params.partition.split(params.value)  # its TF1 parts, part_0 first
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param (embedding_lookup got an empty list).")
        shards = [jnp.asarray(p) for p in params]
    else:
        shards = [jnp.asarray(params)]
    ids = jnp.asarray(ids)
    if not jnp.issubdtype(ids.dtype, jnp.integer):
        raise TypeError(f"{op} ids must be integers, got {ids.dtype}.")
    trailing = {s.shape[1:] for s in shards}
    if len(trailing) > 1:
        raise ValueError(
            f"{op}: the shards' trailing shapes differ ({sorted(trailing)}); every "
            "shard of one table has the same shape but for its first axis."
        )
    total = sum(s.shape[0] for s in shards)
    of = f'table "{table}"' if table else f"the table ({total} rows)"
    check_ids(ids, total, op, "ids", of, table)
    if len(shards) == 1:  # out of range (negative too): the fill value (NaN), never a row
        rows = shards[0].at[ids].get(mode="fill", wrap_negative_indices=False)
        return _clip(rows, max_norm, ids.ndim)
    shard, row = _shard_of(ids, [s.shape[0] for s in shards], partition_strategy)
    valid = (ids >= 0) & (ids < total)
    out = None
    for p, table_p in enumerate(shards):  # each shard fills (NaN) the ids it does not hold
        mine = jnp.where(valid & (shard == p), row, -1)
        rows = table_p.at[mine].get(mode="fill", wrap_negative_indices=False)
        pick = (shard == p).reshape(ids.shape + (1,) * (table_p.ndim - 1))
        out = rows if out is None else jnp.where(pick, rows, out)
    dtype = jax.dtypes.result_type(*shards)
    return _clip(out.astype(dtype), max_norm, ids.ndim)
