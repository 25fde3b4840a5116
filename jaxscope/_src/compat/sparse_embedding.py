"""TF1's sparse embedding lookups, as recommendation models use them:
``tf.nn.embedding_lookup_sparse`` and ``tf.nn.safe_embedding_lookup_sparse``.

Each row of a :class:`SparseTensor` of ids (and optional weights) selects rows of the embedding
table (one array, or a list of shards with TF1's ``"mod"`` / ``"div"`` mapping, as
``tf.nn.embedding_lookup``), which are combined per row by ``"sum"``, ``"mean"`` or ``"sqrtn"``.
Everything is computed with static shapes (a segment sum over the rows of the dense shape), so
both work under ``jax.jit`` and differentiate with respect to the table and the weights.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from jaxscope._src.compat.common import op_name
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import check_dtype
from jaxscope._src.compat.sparse_tensor import SparseTensor, SparseTensorValue
from jaxscope._src.nn.embedding import lookup

_COMBINERS = ("mean", "sqrtn", "sum")


def _ids_and_weights(op: str, sp_ids, sp_weights):
    def as_sparse(x, arg):
        if isinstance(x, SparseTensorValue):
            return SparseTensor.from_value(x)
        if not isinstance(x, SparseTensor):
            raise OpTypeError(op, f"{arg} must be a SparseTensor, got {type(x).__name__}.")
        return x

    ids = as_sparse(sp_ids, "sp_ids")
    check_dtype(op, ids.values, ("int32", "int64"), "sp_ids.values")
    weights = None if sp_weights is None else as_sparse(sp_weights, "sp_weights")
    if weights is not None and (
        weights.values.shape != ids.values.shape or weights.indices.shape != ids.indices.shape
    ):
        raise OpArgumentError(
            op,
            f"sp_weights (values {list(weights.values.shape)}) must have sp_ids' indices "
            f"(values {list(ids.values.shape)}).",
        )
    if len(ids.shape) < 1:
        raise OpArgumentError(op, "sp_ids must have rank >= 1.")
    return ids, weights


def _combine(emb, weights, rows, n: int, combiner: str, weighted: bool):
    """Per-row ``combiner`` of ``emb`` (one row per entry) weighted by ``weights``."""
    dtype = emb.dtype
    wide = emb.astype(jnp.float32) if dtype in (jnp.float16, jnp.bfloat16) else emb
    w = weights.astype(wide.dtype).reshape(weights.shape + (1,) * (emb.ndim - 1))
    total = jax.ops.segment_sum(wide * w, rows, num_segments=n)
    if combiner == "sum":
        return total.astype(dtype)
    norm = w if combiner == "mean" else w * w
    denom = jax.ops.segment_sum(norm, rows, num_segments=n)
    if combiner == "sqrtn":
        denom = jnp.sqrt(denom)
    if weighted:  # TF1's div_no_nan: a row of zero weights is zero
        safe = jnp.where(denom == 0, jnp.ones_like(denom), denom)
        out = jnp.where(denom == 0, jnp.zeros_like(total), total / safe)
    else:  # TF1's sparse_segment_mean / sqrt_n: an empty row is zero
        out = total / jnp.maximum(denom, 1)
    return out.astype(dtype)


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None,
                            combiner=None, max_norm=None, allow_fast_lookup=False):  # fmt: skip
    """Per row ``r`` of ``sp_ids``: the ``combiner`` of ``params[id]`` over the ids of that row,
    weighted by ``sp_weights``' values (1 if ``None``). ``"sum"`` adds them; ``"mean"`` (the
    default) divides by the sum of weights; ``"sqrtn"`` by the root of the sum of squared weights.
    ``sp_ids`` is ``[batch, ...]`` (its first index is the row); the result is
    ``[dense_shape[0]] + params.shape[1:]``.

    Differs from TF1: the result has ``dense_shape[0]`` rows, a row without ids being zeros;
    TF1's has as many rows as the last row with an id plus one (it assumes every row has one),
    and needs the indices in row-major order. Ids out of range are refused when known when the
    program is traced (``IdOutOfRangeError``), else looked up as NaN rows, as
    ``tf.nn.embedding_lookup``. ``allow_fast_lookup`` is accepted and ignored.

    Args:
        params: The embedding table ``[vocab, dim...]`` (or a list of shards, split by
            ``partition_strategy``).
        sp_ids: A :class:`SparseTensor` of int ids, ``[batch, ...]``.
        sp_weights: A :class:`SparseTensor` of float weights with ``sp_ids``' indices, or ``None``
            (1 each).
        partition_strategy: ``"mod"`` or ``"div"``: how ids map to the shards of a list ``params``.
        name: The op's name scope, as in TF1.
        combiner: ``"sum"``, ``"mean"`` (``None``) or ``"sqrtn"``.
        max_norm: If given, each embedding is clipped to this L2 norm before combining.
        allow_fast_lookup: Accepted and ignored.

    Returns:
        A jax array ``[dense_shape[0]] + params.shape[1:]`` of ``params``' dtype.

    Raises:
        ValueError: ``combiner`` or ``partition_strategy`` is unknown, the shapes do not fit, or a
            concrete id is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0, 2, 1], [2, 2])
        >>> tf.nn.embedding_lookup_sparse([[1.], [10.], [100.]], ids, None, combiner="sum")
        Array([101.,  10.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.embedding_lookup_sparse
    """
    del allow_fast_lookup
    op = "nn.embedding_lookup_sparse"
    op_name(name, "embedding_lookup_sparse")
    combiner = "mean" if combiner is None else combiner
    if combiner not in _COMBINERS:
        raise OpArgumentError(
            op, f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner!r}."
        )
    ids, weights = _ids_and_weights(op, sp_ids, sp_weights)
    emb = lookup(params, ids.values, partition_strategy, max_norm, op=op)
    w = jnp.ones(ids.values.shape, jnp.float32) if weights is None else weights.values
    n = ids.shape[0]
    rows = ids.indices[:, 0]
    return _combine(emb, w, rows, n, combiner, weights is not None)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None,
                                 allow_fast_lookup=False):  # fmt: skip
    """:func:`embedding_lookup_sparse` for ids of any rank ``[d_0, ..., d_{n-1}, ids]``, robust to
    bad entries: ids ``< 0`` are left out, and, unless ``combiner="sum"``, so are entries of weight
    ``<= 0``; a row left without entries is the embedding of ``default_id`` (zeros if ``None``). The
    result is ``[d_0, ..., d_{n-1}] + params.shape[1:]``.

    Differs from TF1: entries are left out by masking them (the shapes stay static), which gives
    TF1's results. ``allow_fast_lookup`` is accepted and ignored.

    Args:
        embedding_weights: The embedding table ``[vocab, dim...]`` (or a list of shards).
        sparse_ids: A :class:`SparseTensor` of int ids ``[d_0, ..., d_{n-1}, ids]``.
        sparse_weights: A :class:`SparseTensor` of float weights with ``sparse_ids``' indices, or
            ``None``.
        combiner: ``"sum"``, ``"mean"`` or ``"sqrtn"``.
        default_id: The id whose embedding fills a row without valid entries, or ``None`` (zeros).
        name: The op's name scope, as in TF1.
        partition_strategy: ``"div"`` or ``"mod"``: how ids map to the shards of a list of tables.
        max_norm: If given, each embedding is clipped to this L2 norm before combining.
        allow_fast_lookup: Accepted and ignored.

    Returns:
        A jax array ``[d_0, ..., d_{n-1}] + dim`` of the table's dtype.

    Raises:
        ValueError: ``combiner`` or ``partition_strategy`` is unknown, or the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> ids = tf.SparseTensor([[0, 0], [1, 0]], [2, -1], [2, 1])
        >>> tf.nn.safe_embedding_lookup_sparse([[1.], [10.], [100.]], ids)
        Array([100.,   0.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.safe_embedding_lookup_sparse
    """
    del allow_fast_lookup
    op = "nn.safe_embedding_lookup_sparse"
    op_name(name, "embedding_lookup")
    if combiner not in _COMBINERS:
        raise OpArgumentError(
            op, f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner!r}."
        )
    if isinstance(embedding_weights, (list, tuple)) and not embedding_weights:
        raise OpArgumentError(op, "Missing embedding_weights (an empty list).")
    ids, weights = _ids_and_weights(op, sparse_ids, sparse_weights)
    outer = tuple(ids.shape[:-1])
    n = math.prod(outer)
    rows = jnp.zeros(ids.indices.shape[:1], ids.indices.dtype)
    for d, size in enumerate(outer):
        rows = rows * size + ids.indices[:, d]
    valid = ids.values >= 0
    w = jnp.ones(ids.values.shape, jnp.float32) if weights is None else weights.values
    if weights is not None and combiner != "sum":
        valid = valid & (w > 0)
    emb = lookup(embedding_weights, jnp.where(valid, ids.values, 0), partition_strategy,
                 max_norm, op=op)  # fmt: skip
    emb = jnp.where(valid.reshape(valid.shape + (1,) * (emb.ndim - 1)), emb, 0)
    w = jnp.where(valid, w, 0)
    out = _combine(emb, w, rows, n, combiner, weights is not None)
    count = jax.ops.segment_sum(valid.astype(jnp.int32), rows, num_segments=n)
    empty = (count == 0).reshape((n,) + (1,) * (out.ndim - 1))
    if default_id is None:
        fill = jnp.zeros_like(out[:1])
    else:
        fill = lookup(embedding_weights, jnp.asarray([default_id]), partition_strategy,
                      max_norm, op=op).astype(out.dtype)  # fmt: skip
    out = jnp.where(empty, fill, out)
    return out.reshape(outer + out.shape[1:])
