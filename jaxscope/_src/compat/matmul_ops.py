"""TF1's matrix ops (``tf.matmul``, ``tf.tensordot``, ``tf.einsum``, ``tf.norm``,
``tf.matrix_transpose``).

``tf.matmul`` is TF 2.21's ``tf.compat.v1.matmul``: inputs of rank 2 or more, batch dimensions
broadcast; ``transpose_*``/``adjoint_*``; ``a_is_sparse``/``b_is_sparse`` change nothing but
TF1's rank-2 requirement. Shapes that do not fit are TF1's ``ValueError``, mismatched dtypes its
``TypeError``. jax's default matmul precision applies (on GPU, float32 products may use TF32, as
TF 2.x does by default).
"""

from __future__ import annotations

import numbers

import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import alias, convert, is_tensor, op_name
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import UI, C, F, canonical, check_dtype, shape_str, tf_abs
from jaxscope._src.compat.reduction_ops import extreme

_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _check_norm_args(ord, axis) -> bool:  # noqa: A002 - TF1's argument name
    """TF1's argument rules of ``tf.norm``; whether it is a matrix norm (two axes)."""
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if matrix:
        ok = all(isinstance(a, numbers.Integral) for a in axis) and axis[0] != axis[1]
    else:
        ok = axis is None or isinstance(axis, numbers.Integral)
    if not ok:
        raise OpArgumentError(
            "norm", f"axis must be None, an integer, or a tuple of 2 unique integers, got {axis}."
        )
    if matrix and ord not in _MATRIX_ORDS:
        raise OpArgumentError(
            "norm", f"ord must be a supported matrix norm in {list(_MATRIX_ORDS)}, got {ord!r}."
        )
    if not matrix and ord != "euclidean" and (isinstance(ord, str) or not ord > 0):
        raise OpArgumentError(
            "norm", f"ord must be 'euclidean' or a positive number for a vector norm, got {ord!r}."
        )
    return matrix


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """The vector or matrix norm of ``tensor`` over ``axis``.

    Args:
        tensor: A tensor of a float or complex dtype.
        ord: ``"euclidean"``/``"fro"``, 1, 2, ``np.inf`` or (vector norms) any positive real: the
            norm's order.
        axis: ``None`` (the whole tensor as a vector), an int (vector norms) or a pair of ints
            (matrix norms).
        keepdims: Whether the reduced axes stay, with length 1 (``None``: False).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``norm``).
        keep_dims: TF1's old name of ``keepdims`` (give one of the two).

    Returns:
        A jax array of ``tensor``'s real dtype, without the reduced axes (or with them of length 1).

    Raises:
        TypeError: ``tensor`` is not a float or complex.
        ValueError: ``ord`` or ``axis`` is not one TF1 takes, or an axis is out of range or
            repeated.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.norm([3., 4.])
        Array(5., dtype=float32)
        >>> tf.norm([[1., 2.], [3., 4.]], ord=1, axis=[0, 1])
        Array(6., dtype=float32)

    TF1 equivalent: tf.compat.v1.norm (TF1's formulas: the euclidean norm is
    ``sqrt(sum(x * conj(x)))``, a matrix 2-norm the largest singular value).
    """
    op_name(name, "norm")
    k = bool(alias("norm", keepdims, keep_dims, "keepdims", "keep_dims"))
    matrix = _check_norm_args(ord, axis)
    v = convert(tensor, op="norm", arg="tensor")
    check_dtype("norm", v, F + C, "tensor")
    ax = None if axis is None else tuple(_axis("norm", a, v.ndim) for a in np.atleast_1d(axis))
    if ax is not None and len(set(ax)) != len(ax):
        raise OpArgumentError("norm", f"axis {axis} names one dimension twice.")
    if matrix and ord == 2:
        rest = [i for i in range(v.ndim) if i not in ax]
        moved = jnp.transpose(v, rest + list(ax))
        s = jnp.linalg.svd(moved, compute_uv=False).max(-1)
        r = jnp.expand_dims(s, ax) if k else s
        return r
    if ord in ("fro", "euclidean", 2):
        r = jnp.sqrt(jnp.sum(v * jnp.conj(v), ax, keepdims=True))
    elif ord == 1:
        r = jnp.sum(tf_abs(v), None if ax is None else ax[0], keepdims=True)
        r = extreme(r, ax[1:], True, False) if matrix else r
    elif ord == np.inf:
        r = jnp.sum(tf_abs(v), ax[1], keepdims=True) if matrix else tf_abs(v)
        r = extreme(r, None if ax is None else ax[:1], True, False)
    else:
        p = jnp.asarray(ord, v.dtype)
        r = jnp.sum(tf_abs(v) ** p, ax, keepdims=True) ** (1 / p)
    return r if k else jnp.squeeze(r, ax)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """The transpose of the last two dimensions of ``a``.

    Args:
        a: A tensor of rank >= 2 (a batch of matrices).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``matrix_transpose``).
        conjugate: Whether to also conjugate (complex ``a``).

    Returns:
        A jax array of ``a``'s dtype, the last two dimensions swapped.

    Raises:
        ValueError: ``a`` has rank below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_transpose([[1, 2, 3]])
        Array([[1],
               [2],
               [3]], dtype=int32)

    TF1 equivalent: tf.compat.v1.matrix_transpose.
    """
    op_name(name, "matrix_transpose")
    v = convert(a, op="matrix_transpose", arg="a")
    if v.ndim < 2:
        raise OpArgumentError(
            "matrix_transpose",
            f"a must be a (batch) matrix of rank >= 2, got shape {shape_str(v.shape)}.",
        )
    out = jnp.swapaxes(v, -1, -2)
    return jnp.conj(out) if conjugate else out


_MATMUL = F + ("int32", "int64") + C + UI
_INT8 = ("int8", "uint8")


def _matmul_dtypes(av, bv, output_type, both_rank2: bool):
    """TF1's dtype rules of ``tf.matmul``: one dtype, except (u)int8 inputs with
    ``output_type=tf.int32`` and (2-D) bfloat16 with float32, which TF1 computes in float32."""
    names = {av.dtype.name, bv.dtype.name}
    if output_type is not None and names != {np.dtype(output_type).name}:
        if not names <= set(_INT8) or np.dtype(output_type) != np.int32:
            raise OpArgumentError(
                "matmul",
                f"TF1 has no kernel for {'/'.join(sorted(names))} inputs with output_type "
                f"{np.dtype(output_type).name} (only (u)int8 inputs with int32 output).",
            )
        return av.astype(np.int32), bv.astype(np.int32)
    if names == {"bfloat16", "float32"} and both_rank2:  # TF1's sparse_matmul path
        return av.astype(np.float32), bv.astype(np.float32)
    if av.dtype != bv.dtype:
        raise OpTypeError(
            "matmul",
            f"input 'b' has type {bv.dtype.name} that does not match type {av.dtype.name} of "
            "argument 'a'.",
            f"tf.cast(b, tf.{av.dtype.name})",
        )
    check_dtype("matmul", av, _MATMUL, "a", no_kernel=UI)
    return av, bv


def _last_two(v, transpose, adjoint):
    if transpose or adjoint:
        v = jnp.swapaxes(v, -1, -2)
    return jnp.conj(v) if adjoint else v


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    grad_a=False,
    grad_b=False,
    name=None,
):
    """The matrix product of ``a`` and ``b`` (batch dimensions broadcast).

    Args:
        a: A tensor of rank >= 2.
        b: A tensor of rank >= 2 of ``a``'s dtype (a Python value converts to it).
        transpose_a: Whether to transpose ``a``'s last two dimensions first.
        transpose_b: Whether to transpose ``b``'s last two dimensions first.
        adjoint_a: Whether to conjugate-transpose ``a`` first.
        adjoint_b: Whether to conjugate-transpose ``b`` first.
        a_is_sparse: A hint; ``a`` must then be 2-D, as in TF1.
        b_is_sparse: A hint; ``b`` must then be 2-D, as in TF1.
        output_type: The output dtype TF1 allows for int8/uint8 inputs (int32), or ``None``.
        grad_a: A hint TF1 uses in gradients; it changes nothing here.
        grad_b: A hint TF1 uses in gradients; it changes nothing here.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatMul``).

    Returns:
        A jax array: ``a @ b`` of shape ``batch + [a rows, b columns]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: a rank is below 2, the inner dimensions or batch dimensions do not fit, or both
            ``transpose_x`` and ``adjoint_x`` are True.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matmul([[1., 2.]], [[3.], [4.]])
        Array([[11.]], dtype=float32)
        >>> tf.matmul([[1., 2.]], [[3., 4.]], transpose_b=True)
        Array([[11.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.matmul (TF 2.21's: batch dimensions broadcast;
    ``a_is_sparse``/``b_is_sparse``/``grad_*`` are hints that change nothing here).
    """
    op_name(name, "MatMul")
    for m, t, adj in (("a", transpose_a, adjoint_a), ("b", transpose_b, adjoint_b)):
        if t and adj:
            raise OpArgumentError(
                "matmul", f"only one of transpose_{m} and adjoint_{m} can be True."
            )
    av = convert(a, op="matmul", arg="a")
    try:  # TF1 converts b with a's dtype as a hint
        bv = convert(b, None if is_tensor(b) else av.dtype, "matmul", "b")
    except OpTypeError:
        bv = convert(b, op="matmul", arg="b")
    out = None if output_type is None else canonical(output_type)
    rank2 = av.ndim == 2 and bv.ndim == 2
    av, bv = _matmul_dtypes(av, bv, out, rank2)
    sparse = a_is_sparse or b_is_sparse
    for m, v in (("a", av), ("b", bv)):
        if v.ndim < 2 or (sparse and v.ndim != 2):
            raise OpArgumentError(
                "matmul",
                f"{m} must be rank {'2' if sparse or rank2 or v.ndim < 2 else '>= 2'}, got "
                f"shape {shape_str(v.shape)}.",
                "tf.expand_dims(v, 0) or tf.reshape for a vector",
            )
    av, bv = _last_two(av, transpose_a, adjoint_a), _last_two(bv, transpose_b, adjoint_b)
    if av.shape[-1] != bv.shape[-2]:
        raise OpArgumentError(
            "matmul",
            f"Dimensions must be equal, but are {av.shape[-1]} and {bv.shape[-2]}: the inner "
            f"dimensions of a {shape_str(av.shape)} and b {shape_str(bv.shape)} (after "
            "transpose/adjoint).",
        )
    _batch_broadcast("matmul", av.shape[:-2], bv.shape[:-2])
    return jnp.matmul(av, bv)


def _batch_broadcast(op, s1, s2) -> None:
    try:
        np.broadcast_shapes(s1, s2)
    except ValueError:
        raise OpArgumentError(
            op, f"batch dimensions {shape_str(s1)} and {shape_str(s2)} do not broadcast."
        ) from None


def _tensordot_axes(av, bv, axes):
    """TF1's ``axes``: N (the last N of ``a`` with the first N of ``b``) or ``[a_axes, b_axes]``."""
    if isinstance(axes, numbers.Integral) or np.ndim(axes) == 0:
        n = int(axes)
        if n < 0:
            raise OpArgumentError("tensordot", f"axes must be at least 0, got {n}.")
        if n > av.ndim or n > bv.ndim:
            raise OpArgumentError(
                "tensordot",
                f"axes ({n}) must not be larger than the rank of a ({av.ndim}) or b ({bv.ndim}).",
            )
        return list(range(av.ndim - n, av.ndim)), list(range(n))
    if len(axes) != 2:
        raise OpArgumentError("tensordot", f"axes must be an integer or have length 2, got {axes}.")
    pa, pb = ([int(i) for i in np.atleast_1d(p)] for p in axes)
    if len(pa) != len(pb):
        raise OpArgumentError(
            "tensordot", f"different number of contraction axes of a and b, {len(pa)} != {len(pb)}."
        )
    pa = [_axis("tensordot", i, av.ndim, "axes") for i in pa]
    pb = [_axis("tensordot", i, bv.ndim, "axes") for i in pb]
    return pa, pb


def tensordot(a, b, axes, name=None):
    """The sum of the products of ``a`` and ``b`` over the axes ``axes``.

    Args:
        a: A tensor.
        b: A tensor of ``a``'s dtype.
        axes: An int ``n`` (``a``'s last ``n`` axes with ``b``'s first ``n``) or a pair of lists of
            axes.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Tensordot``).

    Returns:
        A jax array of ``a``'s free dimensions followed by ``b``'s.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: ``axes`` is malformed, or the contracted dimensions differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tensordot([[1., 2.], [3., 4.]], [1., 1.], 1)
        Array([3., 7.], dtype=float32)

    TF1 equivalent: tf.compat.v1.tensordot.
    """
    op_name(name, "Tensordot")
    av = convert(a, op="tensordot", arg="a")
    bv = convert(b, op="tensordot", arg="b")
    av, bv = _matmul_dtypes(av, bv, None, False)
    pa, pb = _tensordot_axes(av, bv, axes)
    for i, j in zip(pa, pb, strict=True):
        if av.shape[i] != bv.shape[j]:
            raise OpArgumentError(
                "tensordot",
                f"Dimensions must be equal, but are {av.shape[i]} and {bv.shape[j]}: axis {i} "
                f"of a {shape_str(av.shape)} and axis {j} of b {shape_str(bv.shape)}.",
            )
    return jnp.tensordot(av, bv, (pa, pb))


_EINSUM = F + ("int32", "int64") + C
_NO_EINSUM = ("bool", "int8", "int16", "uint8", "uint16", "uint32", "uint64")


def _einsum_shapes(equation: str, vals) -> None:
    """TF1's checks of an einsum: one operand per term, one label per dimension, one size per
    label (no broadcasting of size-1 labels)."""
    terms = equation.replace(" ", "").split("->")[0].split(",")
    if len(terms) != len(vals):
        raise OpArgumentError(
            "einsum", f'got {len(vals)} inputs for equation "{equation}", expecting {len(terms)}.'
        )
    sizes: dict[str, int] = {}
    for k, (term, v) in enumerate(zip(terms, vals, strict=True)):
        head, _, tail = term.partition("...")
        labels = list(head) + ([] if not _ else [None] * (v.ndim - len(head) - len(tail)))
        labels += list(tail)
        if len(labels) != v.ndim or (not _ and len(term) != v.ndim):
            raise OpArgumentError(
                "einsum",
                f'input {k} has shape {shape_str(v.shape)}, which term "{term}" of '
                f'"{equation}" does not fit.',
            )
        for label, d in zip(labels, v.shape, strict=True):
            if label is not None and sizes.setdefault(label, d) != d:
                raise OpArgumentError(
                    "einsum",
                    f"Dimensions must be equal, but are {sizes[label]} and {d} for label "
                    f'{label!r} of "{equation}" (TF1 does not broadcast labelled dimensions).',
                )


def einsum(equation, *inputs, **kwargs):
    """The contraction of ``inputs`` written in Einstein notation by ``equation``.

    Args:
        equation: A string such as ``"ij,jk->ik"``.
        *inputs: The tensors, of one dtype.
        **kwargs: ``name`` (the op's name scope, as in TF1; default ``einsum``); ``optimize`` is
            ignored (XLA plans the contraction).

    Returns:
        A jax array.

    Raises:
        TypeError: the inputs' dtypes differ.
        ValueError: the equation does not fit the inputs, or the dtype has no TF1 kernel (bool,
            small integers).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.einsum("ij,j->i", [[1., 2.], [3., 4.]], [1., 1.])
        Array([3., 7.], dtype=float32)

    TF1 equivalent: tf.compat.v1.einsum (``optimize=`` is ignored: XLA plans the
    contraction).
    """
    name = kwargs.pop("name", None)
    op_name(name, "einsum")
    vals = [convert(v, op="einsum", arg=f"inputs[{i}]") for i, v in enumerate(inputs)]
    kinds = [v.dtype.name for v in vals]
    if len(set(kinds)) > 1:
        raise OpTypeError(
            "einsum",
            f"inputs have dtypes [{', '.join(kinds)}] that do not all match.",
            "tf.cast the inputs to one dtype",
        )
    if vals:
        check_dtype("einsum", vals[0], _EINSUM + _NO_EINSUM, "inputs", no_kernel=_NO_EINSUM)
    _einsum_shapes(equation, vals)
    try:
        return jnp.einsum(equation, *vals)
    except ValueError as e:
        raise OpArgumentError("einsum", str(e)) from None
