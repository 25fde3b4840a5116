"""TF1's ops on :class:`SparseTensor`: ``tf.sparse.to_dense`` / ``tf.sparse_to_dense``,
``tf.sparse.from_dense``, ``tf.sparse.reduce_sum``, ``tf.sparse.sparse_dense_matmul``,
``tf.sparse.add``, ``tf.sparse.reorder`` / ``transpose`` / ``reshape`` / ``retain`` /
``to_indicator``.

Indices out of the dense shape (and, for ``to_dense`` with ``validate_indices``, indices out of
order or repeated) are TF1's run-time InvalidArgumentError: refused (ValueError) when the indices
are known when the program is traced; traced indices cannot raise, and their entries are
dropped instead.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import alias, convert, is_tensor, op_name, same_dtype
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import ALL, NUM, canonical, check_dtype, concrete, shape_str
from jaxscope._src.compat.sparse_tensor import SparseTensor, concrete_indices, sparse


def _check_bounds(op: str, idx, shape, ordered: bool = False) -> None:
    """TF1's run-time index checks, made when the indices are known."""
    c = idx if idx is None or isinstance(idx, np.ndarray) else concrete(idx)
    if c is None or not c.size:
        return
    bad = np.nonzero(((c < 0) | (c >= np.asarray(shape, dtype=np.int64))).any(1))[0]
    if bad.size:
        i = int(bad[0])
        raise OpArgumentError(
            op, f"indices[{i}] = {c[i].tolist()} is out of bounds: need 0 <= index < {list(shape)}."
        )
    if ordered and len(c) > 1:
        diff = c[1:] - c[:-1]
        first = np.argmax(diff != 0, axis=1)
        step = diff[np.arange(len(diff)), first]
        wrong = np.nonzero(step <= 0)[0]
        if wrong.size:
            i = int(wrong[0]) + 1
            what = "repeated" if (step[i - 1] == 0) else "out of order"
            raise OpArgumentError(
                op,
                f"indices[{i}] = {c[i].tolist()} is {what} (indices must be in row-major "
                "order, without repeats).",
                "tf.sparse.reorder(sp_input) first, or validate_indices=False",
            )


def _linear(idx, shape):
    """Row-major positions of ``idx`` in ``shape``, and whether each is in bounds."""
    lin = jnp.zeros(idx.shape[:1], idx.dtype)
    valid = jnp.ones(idx.shape[:1], bool)
    for d, n in enumerate(shape):
        col = idx[:, d]
        valid = valid & (col >= 0) & (col < n)
        lin = lin * n + col
    return lin, valid


def _scatter(values, idx, shape, base, add: bool):
    """``base`` (dense, of ``shape``) with ``values`` set (or added) at ``idx``; entries out of
    bounds are dropped."""
    size = math.prod(shape)
    lin, valid = _linear(idx, shape)
    lin = jnp.where(valid, lin, size)
    flat = base.reshape(size)
    at = flat.at[lin]
    out = at.add(values, mode="drop") if add else at.set(values, mode="drop")
    return out.reshape(shape)


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor of ``sp_input``: ``default_value`` (0) but for its values.

    ``validate_indices`` checks that the indices are in bounds, in row-major order and not repeated
    (without it, a repeated index takes its last value).

    Differs from TF1: the index checks (TF1's run-time InvalidArgumentError) are made when the
    indices are known when the program is traced (a ValueError); traced indices are not
    checked, and entries out of bounds are dropped.

    Args:
        sp_input: A :class:`SparseTensor` (or ``SparseTensorValue``).
        default_value: The value where there is no entry (``None``: 0), of the values' dtype.
        validate_indices: Whether to check the indices (bounds, order, repeats) when they are
            concrete.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of the dense shape and the values' dtype.

    Raises:
        TypeError: ``sp_input`` is not sparse, or ``default_value``'s dtype differs.
        ValueError: a concrete index is out of bounds, out of order or repeated (with
            ``validate_indices``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse.to_dense(tf.SparseTensor([[0, 1]], [5], [2, 2]), default_value=-1)
        Array([[-1,  5],
               [-1, -1]], dtype=int32)

    TF1 equivalent: tf.compat.v1.sparse_tensor_to_dense
    """
    op = "sparse.to_dense"
    op_name(name, "SparseToDense")
    sp = sparse(op, sp_input)
    values = sp.values
    if default_value is None:
        default = jnp.zeros((), values.dtype)
    else:
        values, default = same_dtype(op, sparse_values=values, default_value=default_value)
    if default.ndim:
        raise OpArgumentError(
            op, f"default_value must be a scalar, got {shape_str(default.shape)}."
        )
    _check_bounds(op, sp.known_indices(), sp.shape, ordered=bool(validate_indices))
    base = jnp.full(sp.shape, default, values.dtype)
    return _scatter(values, sp.indices, tuple(sp.shape), base, add=False)


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):  # fmt: skip
    """A dense tensor of ``output_shape``: ``default_value`` but for ``sparse_values`` (a vector, or
    a scalar for every index) at ``sparse_indices`` (``[n, rank]``; a vector or scalar for a vector
    output).

    Differs from TF1: ``output_shape`` must be known when the program is traced; the index
    checks of ``validate_indices`` (TF1's run-time InvalidArgumentError) are made when the
    indices are known then (a ValueError); traced ones are not checked, and entries out of
    bounds are dropped.

    Args:
        sparse_indices: ``[n, rank]`` integer indices (a vector or scalar for a vector output).
        output_shape: The dense shape, known when the program is traced.
        sparse_values: A ``[n]`` vector, or a scalar for every index.
        default_value: The value elsewhere, of the values' dtype.
        validate_indices: Whether to check the indices (bounds, order, repeats) when they are
            concrete.
        name: The op's name scope, as in TF1.

    Returns:
        A jax array of ``output_shape`` and the values' dtype.

    Raises:
        TypeError: the dtypes do not fit.
        ValueError: the shapes do not fit, ``output_shape`` is traced, or a concrete index fails the
            checks.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse_to_dense([1, 3], [5], 7)
        Array([0, 7, 0, 7, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.sparse_to_dense
    """
    op = "sparse_to_dense"
    op_name(name, "SparseToDense")
    idx = convert(sparse_indices, op=op, arg="sparse_indices")
    check_dtype(op, idx, ("int32", "int64"), "sparse_indices")
    c = concrete(output_shape) if is_tensor(output_shape) else np.asarray(output_shape)
    if c is None:
        raise OpArgumentError(
            op,
            "output_shape must be known when the program is traced (jax shapes are static).",
            "give the shape as Python ints",
        )
    shape = tuple(int(d) for d in np.asarray(c).reshape(-1))
    if idx.ndim > 2:
        raise OpArgumentError(op, f"sparse_indices must have rank <= 2, got {idx.ndim}.")
    idx = idx.reshape(-1, 1) if idx.ndim < 2 else idx
    values, default = same_dtype(op, sparse_values=sparse_values, default_value=default_value)
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != idx.shape[0]):
        raise OpArgumentError(
            op,
            f"sparse_values {shape_str(values.shape)} must be a scalar or a vector of one value "
            f"per index ({idx.shape[0]}).",
        )
    if idx.shape[1] != len(shape):
        raise OpArgumentError(
            op, f"sparse_indices {shape_str(idx.shape)} do not index output_shape {list(shape)}."
        )
    values = jnp.broadcast_to(values, idx.shape[:1])
    _check_bounds(op, idx, shape, ordered=bool(validate_indices))
    base = jnp.full(shape, default, values.dtype)
    return _scatter(values, idx, shape, base, add=False)


def from_dense(tensor, name=None):
    """The :class:`SparseTensor` of the nonzero entries of ``tensor``.

    Differs from TF1: the number of nonzeros decides the result's shapes, so ``tensor`` must be
    known when the program is traced: a traced tensor (under ``jax.jit`` or ``jax.grad``) is
    refused (ValueError) -- build ``tf.SparseTensor(indices, values, dense_shape)`` with indices
    known then, or keep the tensor dense.

    Args:
        tensor: A dense tensor, concrete.
        name: The op's name scope, as in TF1.

    Returns:
        A :class:`SparseTensor`.

    Raises:
        ValueError: ``tensor`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> sp = tf.sparse.from_dense([[0, 3], [4, 0]])
        >>> sp.indices, sp.values
        (Array([[0, 1],
               [1, 0]], dtype=int32), Array([3, 4], dtype=int32))

    TF1 equivalent: tf.compat.v1.sparse.from_dense
    """
    op = "sparse.from_dense"
    op_name(name, "dense_to_sparse")
    v = convert(tensor, op=op, arg="tensor")
    c = concrete(v)
    if c is None:
        raise OpArgumentError(
            op,
            "the number of nonzeros decides the SparseTensor's shapes, and tensor is traced "
            "(jax shapes are static).",
            "tf.SparseTensor(indices, values, dense_shape) with indices known when traced, "
            "or keep the tensor dense",
        )
    idx = np.argwhere(c != np.zeros((), c.dtype)).astype(canonical("int64"))
    values = v[tuple(idx.T)] if v.ndim else v.reshape(-1)[: len(idx)]
    return SparseTensor(idx, values, v.shape)


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """The dense sum of ``sp_input`` over ``axis`` (all axes if ``None``); repeated indices add.

    Differs from TF1: indices out of the dense shape (TF1's run-time InvalidArgumentError) are
    refused when they are known when the program is traced (a ValueError); traced ones are
    dropped.

    Args:
        sp_input: A :class:`SparseTensor`.
        axis: The axes to reduce: ``None`` (all), an int or a list of ints.
        keepdims: Whether the reduced axes stay, with length 1.
        reduction_axes: TF1's old name of ``axis`` (give one of the two).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).

    Returns:
        A dense jax array of the values' dtype.

    Raises:
        ValueError: an axis is out of range, both an argument and its old name are given, or a
            concrete index is out of the dense shape.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> sp = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [2, 3])
        >>> tf.sparse.reduce_sum(sp, axis=1)
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.sparse_reduce_sum
    """
    op = "sparse.reduce_sum"
    op_name(None, "SparseReduceSum")
    sp = sparse(op, sp_input)
    axis = alias(op, axis, reduction_axes, "axis", "reduction_axes")
    keep = bool(alias(op, keepdims, keep_dims, "keepdims", "keep_dims"))
    check_dtype(op, sp.values, NUM, "sp_input.values")
    rank = len(sp.shape)
    if axis is None:
        axes = set(range(rank))
    else:
        items = np.asarray(axis).reshape(-1).tolist()
        axes = {_axis(op, int(a), rank) for a in items}
    kept = [d for d in range(rank) if d not in axes]
    out_shape = tuple(sp.shape[d] for d in kept)
    _check_bounds(op, sp.known_indices(), sp.shape)
    lin, valid = _linear(sp.indices[:, kept], out_shape)
    size = math.prod(out_shape)
    out = jax.ops.segment_sum(sp.values, jnp.where(valid, lin, size), num_segments=size)
    if keep:
        out_shape = tuple(1 if d in axes else n for d, n in enumerate(sp.shape))
    return out.reshape(out_shape)


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """``sp_a @ b`` for a rank-2 :class:`SparseTensor` ``sp_a`` and a dense matrix ``b`` (each
    adjoint first if asked); repeated indices add.

    Differs from TF1: indices out of the dense shape (TF1's run-time InvalidArgumentError) are
    refused when they are known when the program is traced (a ValueError); traced ones are
    dropped.

    Args:
        sp_a: A rank-2 :class:`SparseTensor`.
        b: A dense matrix of the values' dtype.
        adjoint_a: Whether to use the adjoint of ``sp_a``.
        adjoint_b: Whether to use the adjoint of ``b``.
        name: The op's name scope, as in TF1.

    Returns:
        A dense jax array ``[rows of sp_a, columns of b]``.

    Raises:
        TypeError: the dtypes differ.
        ValueError: the shapes do not fit, or a concrete index is out of the dense shape.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> sp = tf.SparseTensor([[0, 0], [1, 1]], [2., 3.], [2, 2])
        >>> tf.sparse.matmul(sp, [[1.], [1.]])
        Array([[2.],
               [3.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.sparse_tensor_dense_matmul
    """
    op = "sparse.sparse_dense_matmul"
    op_name(name, "SparseTensorDenseMatMul")
    sp = sparse(op, sp_a, "sp_a")
    values, bv = same_dtype(op, a_values=sp.values, b=b)
    check_dtype(op, values, ALL, "sp_a.values", no_kernel=("bool",))
    if len(sp.shape) != 2 or bv.ndim != 2:
        raise OpArgumentError(
            op,
            f"sp_a (dense shape {list(sp.shape)}) and b {shape_str(bv.shape)} must both have "
            "rank 2.",
        )
    rows, cols = sp.indices[:, 0], sp.indices[:, 1]
    m, k = sp.shape
    if adjoint_a:
        rows, cols, m, k = cols, rows, k, m
        values = jnp.conj(values)
    if adjoint_b:
        bv = jnp.conj(bv.T)
    if bv.shape[0] != k:
        raise OpArgumentError(
            op,
            f"the inner dimensions of sp_a {[m, k]} and b {shape_str(bv.shape)} (after their "
            "adjoints) must be equal.",
        )
    _check_bounds(op, sp.known_indices(), sp.shape)
    picked = bv.at[cols].get(mode="fill", fill_value=0)
    valid = (rows >= 0) & (rows < m)
    return jax.ops.segment_sum(
        values[:, None] * picked, jnp.where(valid, rows, m), num_segments=m
    ).astype(values.dtype)


def _merge(op: str, a: SparseTensor, b: SparseTensor, threshold):
    why = "sparse + sparse has as many entries as distinct indices"
    ia, ib = concrete_indices(op, a, why), concrete_indices(op, b, why)
    both = np.concatenate([ia, ib]).reshape(-1, len(a.shape))
    uniq, inverse = np.unique(both, axis=0, return_inverse=True)
    values = jnp.concatenate([a.values, b.values])
    summed = jax.ops.segment_sum(values, jnp.asarray(inverse.reshape(-1)), len(uniq))
    if threshold is not None and np.any(np.asarray(concrete(threshold) if is_tensor(threshold)
                                                   else threshold) != 0):  # fmt: skip
        t = concrete(summed)
        if t is None:
            raise OpArgumentError(
                op,
                "threshold drops entries by their values, which are traced (the result's "
                "shape would depend on them).",
                "threshold=0, or tf.sparse.add(a, tf.sparse.to_dense(b)) for a dense result",
            )
        # TF1's kernel: an index in one input only is kept; a sum of two is kept if large enough
        once = np.bincount(inverse.reshape(-1), minlength=len(uniq)) == 1
        keep = once | (np.abs(t) >= np.abs(np.asarray(threshold, dtype=np.float64)))
        uniq, summed = uniq[keep], summed[np.nonzero(keep)[0]]
    return SparseTensor(uniq.astype(canonical("int64")), summed, a.shape)


def sparse_add(a, b, threshold=None, thresh=None):
    """``a + b`` where at least one is a :class:`SparseTensor`: a dense tensor if the other is dense
    (same shape), else a SparseTensor of the distinct indices of both, in row-major order; where
    both have an index, their sum is left out if its magnitude is below ``threshold`` (``thresh``),
    as TF1's kernel.

    Differs from TF1: sparse + sparse needs both SparseTensors' indices known when the program is
    traced (their union decides the result's shape), and a nonzero ``threshold`` needs the values
    known too; traced ones are refused (ValueError). Sparse + dense works anywhere.

    Args:
        a: A :class:`SparseTensor` or a dense tensor.
        b: A :class:`SparseTensor` or a dense tensor (at least one of ``a``/``b`` sparse).
        threshold: Sums of magnitude below it are dropped (sparse + sparse only).
        thresh: TF1's old name of ``threshold`` (give one of the two).

    Returns:
        A dense jax array (sparse + dense) or a :class:`SparseTensor` (sparse + sparse).

    Raises:
        TypeError: neither is sparse, or the dtypes differ.
        ValueError: the shapes differ, or sparse + sparse has traced indices (or traced values with
            a threshold).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> a = tf.SparseTensor([[0]], [1.], [3])
        >>> b = tf.SparseTensor([[0], [2]], [2., 5.], [3])
        >>> tf.sparse.to_dense(tf.sparse.add(a, b))
        Array([3., 0., 5.], dtype=float32)
        >>> tf.sparse.add(a, tf.ones([3]))
        Array([2., 1., 1.], dtype=float32)

    TF1 equivalent: tf.compat.v1.sparse_add
    """
    op = "sparse.add"
    threshold = alias(op, threshold, thresh, "threshold", "thresh")
    sa = isinstance(a, SparseTensor) or type(a).__name__ == "SparseTensorValue"
    sb = isinstance(b, SparseTensor) or type(b).__name__ == "SparseTensorValue"
    if not (sa or sb):
        raise OpTypeError(
            op, "at least one input must be a SparseTensor.", "tf.add(a, b) for dense tensors"
        )
    if sa and sb:
        op_name(None, "SparseAdd")
        spa, spb = sparse(op, a, "a"), sparse(op, b, "b")
        same_dtype(op, a_values=spa.values, b_values=spb.values)
        check_dtype(op, spa.values, NUM, "a.values")
        if spa.shape != spb.shape:
            raise OpArgumentError(
                op, f"dense shapes {list(spa.shape)} and {list(spb.shape)} must be equal."
            )
        return _merge(op, spa, spb, threshold)
    op_name(None, "SparseTensorDenseAdd")
    sp, dense = (sparse(op, a, "a"), b) if sa else (sparse(op, b, "b"), a)
    values, d = same_dtype(op, a_values=sp.values, b=dense)
    check_dtype(op, values, NUM, "a.values")
    if tuple(d.shape) != tuple(sp.shape):
        raise OpArgumentError(
            op,
            f"the dense tensor {shape_str(d.shape)} must have the SparseTensor's dense shape "
            f"{list(sp.shape)} (no broadcasting).",
        )
    _check_bounds(op, sp.known_indices(), sp.shape)
    return _scatter(values, sp.indices, tuple(sp.shape), d, add=True)


def sparse_reorder(sp_input, name=None):
    """``sp_input`` with its entries in row-major order of their indices (same dense tensor).

    Args:
        sp_input: A :class:`SparseTensor`.
        name: The op's name scope, as in TF1.

    Returns:
        A :class:`SparseTensor`.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse.reorder(tf.SparseTensor([[1], [0]], [5, 6], [2])).values
        Array([6, 5], dtype=int32)

    TF1 equivalent: tf.compat.v1.sparse_reorder
    """
    op_name(name, "SparseReorder")
    sp = sparse("sparse.reorder", sp_input)
    return _reordered(sp.indices, sp.values, tuple(sp.shape))


def _reordered(idx, values, shape) -> SparseTensor:
    rank = len(shape)
    if rank == 0 or idx.shape[0] < 2:
        return SparseTensor(idx, values, shape)
    out = lax.sort(tuple(idx[:, d] for d in range(rank)) + (values,), num_keys=rank, is_stable=True)
    return SparseTensor(jnp.stack(out[:rank], 1), out[rank], shape)


def sparse_transpose(sp_input, perm=None, name=None):
    """``sp_input`` with its dimensions permuted by ``perm`` (reversed by default), in row-major
    order.

    Differs from TF1: a ``perm`` that is not a permutation of the dimensions is refused
    (ValueError); TF1 does not check it and returns a meaningless SparseTensor.

    Args:
        sp_input: A :class:`SparseTensor`.
        perm: A permutation of its dimensions (``None``: reversed).
        name: The op's name scope, as in TF1.

    Returns:
        A :class:`SparseTensor`.

    Raises:
        ValueError: ``perm`` is not a permutation of the dimensions.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> sp = tf.sparse.transpose(tf.SparseTensor([[0, 1]], [5], [2, 3]))
        >>> sp.indices, sp.shape
        (Array([[1, 0]], dtype=int32), TensorShape([3, 2]))

    TF1 equivalent: tf.compat.v1.sparse_transpose
    """
    op = "sparse.transpose"
    op_name(name, "SparseTranspose")
    sp = sparse(op, sp_input)
    rank = len(sp.shape)
    p = list(range(rank))[::-1] if perm is None else np.asarray(perm).reshape(-1).tolist()
    if sorted(int(i) % max(rank, 1) for i in p) != list(range(rank)) or len(p) != rank:
        raise OpArgumentError(op, f"perm {p} is not a permutation of the {rank} dimensions.")
    p = [int(i) % rank for i in p]
    shape = tuple(sp.shape[i] for i in p)
    return _reordered(sp.indices[:, p], sp.values, shape)


def sparse_reshape(sp_input, shape, name=None):
    """``sp_input`` as a SparseTensor of ``shape`` (one dimension may be -1), its entries in the
    same order.

    Differs from TF1: ``shape`` must be known when the program is traced.

    Args:
        sp_input: A :class:`SparseTensor`.
        shape: The new dense shape (one entry may be -1), known when the program is traced.
        name: The op's name scope, as in TF1.

    Returns:
        A :class:`SparseTensor`.

    Raises:
        ValueError: the sizes differ, or ``shape`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse.reshape(tf.SparseTensor([[1, 0]], [5], [2, 2]), [-1]).indices
        Array([[2]], dtype=int32)

    TF1 equivalent: tf.compat.v1.sparse_reshape
    """
    op = "sparse.reshape"
    op_name(name, "SparseReshape")
    sp = sparse(op, sp_input)
    c = concrete(shape) if is_tensor(shape) else np.asarray(shape)
    if c is None:
        raise OpArgumentError(
            op,
            "shape must be known when the program is traced (jax shapes are static).",
            "give the shape as Python ints",
        )
    new = [int(d) for d in np.asarray(c).reshape(-1)]
    size = math.prod(sp.shape)
    if new.count(-1) > 1:
        raise OpArgumentError(op, f"shape {new} may have at most one -1.")
    if -1 in new:
        rest = math.prod(d for d in new if d != -1)
        if rest == 0 or size % rest:
            raise OpArgumentError(
                op, f"cannot reshape a SparseTensor of {size} elements to shape {new}."
            )
        new[new.index(-1)] = size // rest
    if math.prod(new) != size:
        raise OpArgumentError(
            op, f"cannot reshape a SparseTensor of {size} elements to shape {new}."
        )
    lin, _ = _linear(sp.indices, tuple(sp.shape))
    cols = []
    for n in reversed(new):
        cols.append(lin % n if n else lin)
        lin = lin // n if n else lin
    idx = jnp.stack(cols[::-1], 1) if new else jnp.zeros((lin.shape[0], 0), lin.dtype)
    return SparseTensor(idx, sp.values, new)


def sparse_retain(sp_input, to_retain):
    """The entries of ``sp_input`` where the boolean vector ``to_retain`` is true.

    Differs from TF1: how many entries are kept decides the result's shapes, so ``to_retain``
    must be known when the program is traced; a traced one is refused (ValueError) -- mask the
    values instead: ``sp.with_values(tf.where(to_retain, sp.values, tf.zeros_like(sp.values)))``.

    Args:
        sp_input: A :class:`SparseTensor`.
        to_retain: A ``[nnz]`` bool vector, concrete.

    Returns:
        A :class:`SparseTensor`.

    Raises:
        ValueError: ``to_retain`` has the wrong length or is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse.retain(tf.SparseTensor([[0], [2]], [5, 6], [3]), [False, True]).values
        Array([6], dtype=int32)

    TF1 equivalent: tf.compat.v1.sparse_retain
    """
    op = "sparse.retain"
    op_name(None, "sparse_retain")
    sp = sparse(op, sp_input)
    keep = convert(to_retain, op=op, arg="to_retain")
    check_dtype(op, keep, ("bool",), "to_retain")
    if keep.shape != sp.values.shape:
        raise OpArgumentError(
            op,
            f"to_retain {shape_str(keep.shape)} must have one entry per value "
            f"{shape_str(sp.values.shape)}.",
        )
    c = concrete(keep)
    if c is None:
        raise OpArgumentError(
            op,
            "how many entries are kept decides the result's shapes, and to_retain is traced "
            "(jax shapes are static).",
            "sp.with_values(tf.where(to_retain, sp.values, tf.zeros_like(sp.values)))",
        )
    where = np.nonzero(c)[0]
    return SparseTensor(sp.indices[where], sp.values[where], sp.shape)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """A dense boolean tensor of shape ``dense_shape[:-1] + [vocab_size]``: true at
    ``[i_0, ..., i_{n-2}, v]`` for each entry's index prefix and (integer) value ``v``.

    Differs from TF1: ``vocab_size`` must be known when the program is traced; values out of
    ``[0, vocab_size)`` (TF1's run-time InvalidArgumentError) are refused when known then (a
    ValueError), and dropped when traced.

    Args:
        sp_input: A :class:`SparseTensor` of integer values.
        vocab_size: The size of the last output dimension, known when the program is traced.
        name: The op's name scope, as in TF1.

    Returns:
        A bool jax array ``dense_shape[:-1] + [vocab_size]``.

    Raises:
        ValueError: ``vocab_size`` is traced, or a concrete value is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.sparse.to_indicator(tf.SparseTensor([[0, 0], [0, 1]], [1, 3], [1, 2]), 4)
        Array([[False,  True, False,  True]], dtype=bool)

    TF1 equivalent: tf.compat.v1.sparse_to_indicator
    """
    op = "sparse.to_indicator"
    op_name(name, "SparseToIndicator")
    sp = sparse(op, sp_input)
    c = concrete(vocab_size) if is_tensor(vocab_size) else vocab_size
    if c is None:
        raise OpArgumentError(
            op,
            "vocab_size must be known when the program is traced (jax shapes are static).",
            "vocab_size=<Python int>",
        )
    n = int(np.asarray(c))
    if len(sp.shape) < 1:
        raise OpArgumentError(op, "sp_input must have rank >= 1.")
    ids = sp.values if sp.values.dtype.kind in "iu" else sp.values.astype(canonical("int64"))
    idx = jnp.concatenate([sp.indices[:, :-1], ids[:, None].astype(sp.indices.dtype)], 1)
    shape = tuple(sp.shape[:-1]) + (n,)
    known, vals = sp.known_indices(), concrete(ids)
    if known is not None and vals is not None:
        _check_bounds(op, np.concatenate([known[:, :-1], vals[:, None]], 1), shape)
    base = jnp.zeros(shape, bool)
    return _scatter(jnp.ones(idx.shape[:1], bool), idx, shape, base, add=False)
