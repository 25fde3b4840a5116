"""TF1's LU factorization and least-squares solvers: ``tf.linalg.lu`` (and ``lu_solve``,
``lu_matrix_inverse``, ``lu_reconstruct``), ``tf.linalg.pinv``, ``tf.linalg.lstsq`` /
``tf.matrix_solve_ls``.

Matrices are the two innermost dimensions, as in ``linalg_ops``. ``lu``'s permutation is TF1's:
``p`` such that ``input[..., p, :] == L @ U`` (``L`` unit lower triangular below the diagonal of
``lu``, ``U`` its upper triangle) -- LAPACK's partial pivoting, so the factors equal TF1's.
float16 computes in float32 (TF1 has no CPU kernel for it and fails when the op runs).
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import convert, op_name, same_dtype
from jaxscope._src.compat.diag_ops import _matrix
from jaxscope._src.compat.dtypes import as_dtype
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.linalg_ops import _LINALG, _adj, _square, _up, broadcast_batch
from jaxscope._src.compat.math_ops import canonical, check_dtype, shape_str


class Lu(NamedTuple):
    """What ``tf.linalg.lu`` returns (TF1's namedtuple)."""

    lu: jax.Array
    p: jax.Array


def lu(input, output_idx_type=None, name=None):  # noqa: A002
    """``(lu, p)``: the LU factorization with partial pivoting of each square matrix of ``input``:
    ``input[..., p, :] == L @ U`` with ``L`` unit lower triangular (its strict lower triangle is
    ``lu``'s) and ``U`` upper triangular (``lu``'s upper triangle). ``p`` has dtype
    ``output_idx_type`` (int32 or int64; default int32).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it and fails
    when the op runs). A singular matrix is TF1's run-time InvalidArgumentError; jax returns the
    factors with a zero on ``U``'s diagonal (no error can come out of a compiled program). The
    factors are differentiable (TF1 registers no gradient for Lu: tf.gradients raises
    LookupError).

    Args:
        input: Square matrices ``[..., M, M]``, float or complex.
        output_idx_type: The dtype of ``p``: int32 (``None``) or int64.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Lu``).

    Returns:
        A pair ``(lu, p)``: the packed factors ``[..., M, M]`` and the permutation ``[..., M]``.

    Raises:
        TypeError: ``input`` is not a float or complex, or ``output_idx_type`` is not int32/int64.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> lu, p = tf.linalg.lu([[1., 2.], [3., 4.]])
        >>> p
        Array([1, 0], dtype=int32)

    TF1 equivalent: tf.compat.v1.linalg.lu
    """
    op_name(name, "Lu")
    idx = as_dtype("int32" if output_idx_type is None else output_idx_type).dtype
    if idx.name not in ("int32", "int64"):
        raise OpTypeError(
            "lu",
            f"output_idx_type {idx.name} is not one of int32, int64.",
            "output_idx_type=tf.int32",
        )
    v = _square("lu", input)
    if v.size == 0:
        return Lu(v, jnp.broadcast_to(jnp.arange(v.shape[-1], dtype=canonical(idx)), v.shape[:-1]))
    factors, _, perm = lax.linalg.lu(_up(v))
    return Lu(factors.astype(v.dtype), perm.astype(canonical(idx)))


def _lu_args(op: str, lower_upper, perm):
    lu_ = _square(op, lower_upper, "lower_upper")
    p = convert(perm, op=op, arg="perm")
    check_dtype(op, p, ("int32", "int64"), "perm")
    if p.shape != lu_.shape[:-1]:
        raise OpArgumentError(
            op,
            f"perm {shape_str(p.shape)} must have lower_upper's shape {shape_str(lu_.shape)} "
            "without its last dimension.",
        )
    return lu_, p


def _unit_lower(lu_):
    n = lu_.shape[-1]
    return jnp.tril(lu_, -1) + jnp.eye(n, dtype=lu_.dtype)


def _solve_lu(lu_, p, rhs):
    """``U^-1 L^-1 rhs[p]`` with broadcast batch dimensions."""
    batch = np.broadcast_shapes(lu_.shape[:-2], rhs.shape[:-2])
    lu_ = jnp.broadcast_to(lu_, batch + lu_.shape[-2:])
    p = jnp.broadcast_to(p, batch + p.shape[-1:])
    rhs = jnp.broadcast_to(rhs, batch + rhs.shape[-2:])
    permuted = jnp.take_along_axis(rhs, p[..., None], axis=-2)
    y = lax.linalg.triangular_solve(lu_, permuted, left_side=True, lower=True, unit_diagonal=True)
    return lax.linalg.triangular_solve(lu_, y, left_side=True, lower=False)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """``X`` with ``A X = rhs``, given ``(lower_upper, perm) = tf.linalg.lu(A)``; the batch
    dimensions of the factors and ``rhs`` broadcast.

    Differs from TF1: float16 works (computed in float32); ``validate_args`` is accepted and
    ignored (the shapes are always checked when the program is traced).

    Args:
        lower_upper: The packed factors of :func:`lu`.
        perm: The permutation of :func:`lu`.
        rhs: Right-hand sides ``[..., M, K]`` of ``lower_upper``'s dtype.
        validate_args: Accepted and ignored.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``lu_solve``).

    Returns:
        A jax array ``[..., M, K]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> lu, p = tf.linalg.lu([[2., 0.], [0., 4.]])
        >>> tf.linalg.lu_solve(lu, p, [[2.], [8.]])
        Array([[1.],
               [2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.lu_solve
    """
    del validate_args
    op = "lu_solve"
    op_name(name, op)
    lu_, p = _lu_args(op, lower_upper, perm)
    lu_, b = same_dtype(op, lower_upper=lu_, rhs=rhs)
    if b.ndim < 2 or b.shape[-2] != lu_.shape[-1]:
        raise OpArgumentError(
            op,
            f"rhs {shape_str(b.shape)} must be a (batch) matrix with {lu_.shape[-1]} rows, as "
            f"lower_upper {shape_str(lu_.shape)}.",
        )
    try:
        out = _solve_lu(_up(lu_), p, _up(b))
    except ValueError:
        raise OpArgumentError(
            op,
            f"the batch dimensions of lower_upper {shape_str(lu_.shape)} and rhs "
            f"{shape_str(b.shape)} do not broadcast.",
        ) from None
    return out.astype(b.dtype)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of ``A``, given ``(lower_upper, perm) = tf.linalg.lu(A)``.

    Differs from TF1: float16 works (computed in float32); ``validate_args`` is accepted and
    ignored.

    Args:
        lower_upper: The packed factors of :func:`lu`.
        perm: The permutation of :func:`lu`.
        validate_args: Accepted and ignored.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``lu_matrix_inverse``).

    Returns:
        A jax array of ``lower_upper``'s shape and dtype.

    Raises:
        TypeError: ``lower_upper`` is not a float or complex.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.lu_matrix_inverse(*tf.linalg.lu([[2., 0.], [0., 4.]]))
        Array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.lu_matrix_inverse
    """
    del validate_args
    op = "lu_matrix_inverse"
    op_name(name, op)
    lu_, p = _lu_args(op, lower_upper, perm)
    eye = jnp.eye(lu_.shape[-1], dtype=_up(lu_).dtype)
    return _solve_lu(_up(lu_), p, eye).astype(lu_.dtype)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """``A`` again from ``(lower_upper, perm) = tf.linalg.lu(A)``: ``P^T L U``.

    Differs from TF1: ``validate_args`` is accepted and ignored.

    Args:
        lower_upper: The packed factors of :func:`lu`.
        perm: The permutation of :func:`lu`.
        validate_args: Accepted and ignored.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``lu_reconstruct``).

    Returns:
        A jax array of ``lower_upper``'s shape and dtype.

    Raises:
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.lu_reconstruct(*tf.linalg.lu([[1., 2.], [3., 4.]]))
        Array([[1., 2.],
               [3., 4.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.lu_reconstruct
    """
    del validate_args
    op = "lu_reconstruct"
    op_name(name, op)
    lu_, p = _lu_args(op, lower_upper, perm)
    w = _up(lu_)
    prod = jnp.matmul(_unit_lower(w), jnp.triu(w), precision=lax.Precision.HIGHEST)
    inverse = jnp.argsort(p, axis=-1)
    return jnp.take_along_axis(prod, inverse[..., None], axis=-2).astype(lu_.dtype)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse of each matrix of ``a`` (through its SVD): singular values
    at most ``rcond * max(s)`` count as zero; ``rcond`` defaults to TF1's
    ``10 * max(rows, cols) * eps(dtype)``.

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it and fails
    when the op runs); ``validate_args`` is accepted and ignored.

    Args:
        a: A float or complex tensor ``[..., M, N]``.
        rcond: The relative cutoff of small singular values, or ``None`` (TF1's default).
        validate_args: Accepted and ignored.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``pinv``).

    Returns:
        A jax array ``[..., N, M]`` of ``a``'s dtype.

    Raises:
        TypeError: ``a`` is not a float or complex.
        ValueError: ``a``'s rank is below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.pinv([[2., 0.], [0., 0.]])
        Array([[0.5, 0. ],
               [0. , 0. ]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.pinv
    """
    del validate_args
    op_name(name, "pinv")
    v = convert(a, op="pinv", arg="a")
    if v.dtype.name not in _LINALG:  # TF1's pinv checks in Python: a TypeError
        raise OpTypeError(
            "pinv",
            f"a must have a float-like dtype, got {v.dtype.name}.",
            "tf.cast(a, tf.float32)",
        )
    v = _matrix("pinv", v, "a", _LINALG)
    w = _up(v)
    if rcond is None:
        eps = np.finfo(np.dtype(jnp.real(jnp.zeros((), v.dtype)).dtype)).eps
        rcond = 10.0 * max(v.shape[-2], v.shape[-1]) * eps
    if w.size == 0:
        return jnp.zeros(w.shape[:-2] + (w.shape[-1], w.shape[-2]), v.dtype)
    rc = jnp.asarray(rcond, jnp.real(jnp.zeros((), w.dtype)).dtype)
    return jnp.linalg.pinv(w, rtol=rc).astype(v.dtype)


def _gram_cholesky(a, l2, first_kind: bool):
    gram = jnp.matmul(_adj(a), a) if first_kind else jnp.matmul(a, _adj(a))
    gram = gram + l2 * jnp.eye(gram.shape[-1], dtype=gram.dtype)
    return lax.linalg.cholesky(gram, symmetrize_input=False)


def _chol_solve(chol, b):
    y = lax.linalg.triangular_solve(chol, b, left_side=True, lower=True)
    return lax.linalg.triangular_solve(
        chol, y, left_side=True, lower=True, transpose_a=True, conjugate_a=True
    )


def _ls_args(op: str, matrix, rhs):
    a = _matrix(op, matrix, "matrix", _LINALG)
    a, b = same_dtype(op, matrix=a, rhs=rhs)
    if b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise OpArgumentError(
            op,
            f"rhs {shape_str(b.shape)} must be a (batch) matrix with {a.shape[-2]} rows, as "
            f"matrix {shape_str(a.shape)}.",
        )
    return broadcast_batch(op, a, b)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """``X`` minimizing ``||matrix X - rhs||^2 + l2_regularizer ||X||^2`` for each matrix.

    ``fast=True`` (TF1's default) solves the normal equations by Cholesky, as TF1:
    ``(A^H A + l2 I)^-1 A^H rhs`` when ``A`` has at least as many rows as columns, else
    ``A^H (A A^H + l2 I)^-1 rhs`` (the minimum-norm solution). ``fast=False`` uses an orthogonal
    decomposition (jax's SVD-based ``lstsq``; TF1 a complete orthogonal decomposition: both give the
    minimum-norm least-squares solution) and ignores ``l2_regularizer``, as TF1.

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it and fails
    when the op runs). With ``fast=False`` the solution is differentiable; TF1 refuses its
    gradient (ValueError). TF1 fails at run time on a singular Gramian (fast=True); jax returns
    NaN.

    Args:
        matrix: Matrices ``[..., M, N]``, float or complex.
        rhs: Right-hand sides ``[..., M, K]`` of ``matrix``'s dtype.
        l2_regularizer: The L2 penalty (a scalar; used with ``fast=True``).
        fast: Whether to solve the (regularized) normal equations by Cholesky (else an orthogonal
            decomposition).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``matrix_solve_ls``,
            or ``MatrixSolveLs`` with ``fast=False``).

    Returns:
        A jax array ``[..., N, K]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_solve_ls([[2., 0.], [0., 2.], [0., 0.]], [[2.], [4.], [0.]])
        Array([[1.],
               [2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.matrix_solve_ls
    """
    op = "matrix_solve_ls"
    op_name(name, "matrix_solve_ls" if fast else "MatrixSolveLs")
    a, b = _ls_args(op, matrix, rhs)
    if a.dtype == np.complex128 and not (isinstance(l2_regularizer, (int, float))
                                         and l2_regularizer == 0):  # fmt: skip
        raise NotImplementedError(
            "tf.matrix_solve_ls is disabled for complex128 and l2_regularizer != 0 (TF1's "
            "accuracy bug); use complex64 or l2_regularizer=0."
        )
    w, bw = _up(a), _up(b)
    if not fast:
        if w.size == 0 or bw.size == 0:
            return jnp.zeros(a.shape[:-2] + (a.shape[-1], b.shape[-1]), b.dtype)
        flat_a = w.reshape((-1,) + w.shape[-2:])
        flat_b = bw.reshape((-1,) + bw.shape[-2:])
        x = jax.vmap(lambda m, r: jnp.linalg.lstsq(m, r)[0])(flat_a, flat_b)
        return x.reshape(a.shape[:-2] + x.shape[-2:]).astype(b.dtype)
    l2 = jnp.asarray(convert(l2_regularizer, op=op, arg="l2_regularizer"), w.dtype)
    if a.shape[-2] >= a.shape[-1]:
        x = _chol_solve(_gram_cholesky(w, l2, True), jnp.matmul(_adj(w), bw))
    else:
        x = jnp.matmul(_adj(w), _chol_solve(_gram_cholesky(w, l2, False), bw))
    return x.astype(b.dtype)
