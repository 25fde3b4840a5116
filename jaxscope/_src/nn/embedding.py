"""``embedding_lookup``: rows of one table, or of a table split into shards (TF1's partitioned
variables), with TF1's ``"mod"`` and ``"div"`` row mappings."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src import errors
from jaxscope._src.variables import PartitionedVariable


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

    Args:
      params: an array or variable, or a list of them (the shards), or a
        :class:`~jaxscope.PartitionedVariable` (its TF1 parts are the shards).
      ids: int array of row ids (any shape).
      partition_strategy: ``"mod"`` (TF1's default) or ``"div"``; only used with several shards.
      name, validate_indices: accepted for TF1 compatibility (out-of-range ids are not checked
        under ``jax.jit``; TF1 raised on CPU).
      max_norm: if set, each row with a larger L2 norm is scaled down to it.

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
    if partition_strategy not in ("mod", "div"):
        raise errors.PartitionStrategyError(partition_strategy)
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
        raise TypeError(f"embedding_lookup ids must be integers, got {ids.dtype}.")
    if len(shards) == 1:
        return _clip(jnp.take(shards[0], ids, axis=0), max_norm, ids.ndim)
    trailing = {s.shape[1:] for s in shards}
    if len(trailing) > 1:
        raise ValueError(
            f"embedding_lookup: the shards' trailing shapes differ ({sorted(trailing)}); every "
            "shard of one table has the same shape but for its first axis."
        )
    shard, row = _shard_of(ids, [s.shape[0] for s in shards], partition_strategy)
    out = None
    for p, table in enumerate(shards):
        rows = jnp.take(table, jnp.clip(row, 0, table.shape[0] - 1), axis=0)
        pick = (shard == p).reshape(ids.shape + (1,) * (table.ndim - 1))
        out = rows if out is None else jnp.where(pick, rows, out)
    dtype = jax.dtypes.result_type(*shards)
    return _clip(out.astype(dtype), max_norm, ids.ndim)
