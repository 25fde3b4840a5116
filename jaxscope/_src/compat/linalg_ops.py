"""TF1's dense linear algebra: ``tf.linalg``'s decompositions and solvers (``inv``, ``det``, ``slogdet``, ``cholesky``, ``qr``, ``svd``,
``solve``, ``triangular_solve``, ``expm``, ...).

Matrices are the two innermost dimensions; the others are batch dimensions. The decompositions run
jax's (LAPACK on CPU): results that are unique (singular values, ``R``'s magnitudes, solutions,
determinants) equal TF1's to rounding; factors that are unique only up to signs may have other
signs. Where TF1 fails at run time on a singular or not positive definite matrix, jax returns
``inf``/``NaN`` instead (it cannot raise from inside a compiled program). float16 inputs compute in
float32 (jax's CPU decompositions take no float16) and return float16.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import convert, op_name, same_dtype
from jaxscope._src.compat.diag_ops import _matrix
from jaxscope._src.compat.errors import OpArgumentError
from jaxscope._src.compat.math_ops import C, F, check_dtype, shape_str
from jaxscope._src.compat.matmul_ops import matmul

_LINALG = ("float16", "float32", "float64") + C


def _square(op: str, x, arg: str = "input", no_kernel=()):
    v = _matrix(op, x, arg, _LINALG + tuple(no_kernel), no_kernel)
    if v.shape[-1] != v.shape[-2]:
        raise OpArgumentError(
            op, f"{arg} must be a (batch of) square matrices, got shape {shape_str(v.shape)}."
        )
    return v


def _up(v):
    """float16 computes in float32 (jax's CPU linear algebra takes no float16)."""
    return v.astype(jnp.float32) if v.dtype == jnp.float16 else v


def _adj(v):
    return jnp.conj(jnp.swapaxes(v, -1, -2))


class LogMatrixDeterminant(NamedTuple):
    """What ``tf.linalg.slogdet`` returns (TF1's namedtuple)."""

    sign: jax.Array
    log_abs_determinant: jax.Array


class Qr(NamedTuple):
    """What ``tf.qr`` returns (TF1's namedtuple)."""

    q: jax.Array
    r: jax.Array


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """The inverse of each square matrix of ``input`` (of its adjoint if ``adjoint``).

    Differs from TF1: a singular matrix is TF1's run-time InvalidArgumentError; jax returns
    inf/NaN instead (no error can come out of a compiled program).

    Args:
        input: A float or complex tensor ``[..., M, M]``.
        adjoint: Whether to invert the adjoint (conjugate transpose) instead.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatrixInverse``).

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_inverse([[2., 0.], [0., 4.]])
        Array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)

    TF1 equivalent: tf.compat.v1.matrix_inverse
    """
    op_name(name, "MatrixInverse")
    v = _square("matrix_inverse", input)
    out = jnp.linalg.inv(_up(_adj(v) if adjoint else v))
    return out.astype(v.dtype)


def matrix_determinant(input, name=None):  # noqa: A002
    """The determinant of each square matrix of ``input``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        input: A float or complex tensor ``[..., M, M]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``MatrixDeterminant``).

    Returns:
        A jax array ``[...]`` of ``input``'s dtype.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_determinant([[1., 2.], [3., 4.]])
        Array(-2., dtype=float32)

    TF1 equivalent: tf.compat.v1.matrix_determinant
    """
    op_name(name, "MatrixDeterminant")
    v = _square("matrix_determinant", input)
    return jnp.linalg.det(_up(v)).astype(v.dtype)


def slogdet(input, name=None):  # noqa: A002
    """``(sign, log|det|)`` of each square matrix of ``input``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        input: A float or complex tensor ``[..., M, M]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``LogMatrixDeterminant``).

    Returns:
        A pair ``(sign, log_abs_determinant)`` of jax arrays ``[...]``.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.slogdet([[1., 2.], [3., 4.]])
        LogMatrixDeterminant(sign=Array(-1., dtype=float32), log_abs_determinant=Array(0.6931472, dtype=float32))

    TF1 equivalent: tf.compat.v1.linalg.slogdet
    """
    op_name(name, "LogMatrixDeterminant")
    v = _square("slogdet", input)
    sign, log = jnp.linalg.slogdet(_up(v))
    return LogMatrixDeterminant(sign.astype(v.dtype), log.astype(v.dtype))


def cholesky(input, name=None):  # noqa: A002
    """The lower Cholesky factor ``L`` of each Hermitian positive definite matrix of ``input`` (only
    its lower triangle is read).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). A matrix that is not positive definite is TF1's run-time
    InvalidArgumentError; jax returns NaN instead (no error can come out of a compiled program).

    Args:
        input: A float or complex tensor ``[..., M, M]`` of Hermitian positive definite matrices.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cholesky``).

    Returns:
        A jax array of ``input``'s shape and dtype, lower triangular.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.cholesky([[4., 2.], [2., 5.]])
        Array([[2., 0.],
               [1., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.cholesky
    """
    op_name(name, "Cholesky")
    v = _square("cholesky", input)
    w = _up(v)
    lower = jnp.tril(w) + _adj(jnp.tril(w, -1))  # only the lower triangle counts, as TF1
    sym = (w + _adj(w)) / 2  # and the gradient is symmetric, as TF1's
    a = sym + lax.stop_gradient(lower - sym)
    return lax.linalg.cholesky(a, symmetrize_input=False).astype(v.dtype)


def logdet(matrix, name=None):
    """``log(det(matrix))`` of each Hermitian positive definite matrix (through its Cholesky
    factor).

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        matrix: A float or complex tensor ``[..., M, M]`` of Hermitian positive definite matrices.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``logdet``).

    Returns:
        A jax array ``[...]`` of ``matrix``'s real dtype.

    Raises:
        TypeError: ``matrix`` is not a float or complex.
        ValueError: ``matrix``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.logdet([[4., 0.], [0., 4.]])
        Array(2.7725887, dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.logdet
    """
    op_name(name, "logdet")
    chol = cholesky(matrix)
    d = jnp.real(jnp.diagonal(_up(chol), axis1=-2, axis2=-1))
    return (2.0 * jnp.sum(jnp.log(d), -1)).astype(chol.dtype)


def _rhs(op: str, matrix, rhs, broadcast: bool = True, no_kernel=()):
    a = _square(op, matrix, "matrix", no_kernel)
    a, b = same_dtype(op, matrix=a, rhs=rhs)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise OpArgumentError(
            op,
            f"rhs {shape_str(b.shape)} must be a (batch) matrix with {a.shape[-1]} rows, as "
            f"matrix {shape_str(a.shape)}.",
        )
    if not broadcast and a.shape[:-2] != b.shape[:-2]:
        raise OpArgumentError(
            op,
            f"matrix {shape_str(a.shape)} and rhs {shape_str(b.shape)} must have the same batch "
            "dimensions (TF1's op does not broadcast them).",
        )
    return broadcast_batch(op, a, b)


def broadcast_batch(op: str, a, b):
    """``matrix`` and ``rhs`` broadcast to their common batch dimensions (or TF1's error)."""
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise OpArgumentError(
            op,
            f"the batch dimensions of matrix {shape_str(a.shape)} and rhs {shape_str(b.shape)} "
            "do not broadcast.",
        ) from None
    a = jnp.broadcast_to(a, tuple(batch) + a.shape[-2:])
    b = jnp.broadcast_to(b, tuple(batch) + b.shape[-2:])
    return a, b


def cholesky_solve(chol, rhs, name=None):
    """``X`` with ``A X = rhs``, given ``chol``, the lower Cholesky factor of ``A``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        chol: Lower Cholesky factors ``[..., M, M]``, float or complex.
        rhs: Right-hand sides ``[..., M, K]`` of ``chol``'s dtype (batch dimensions broadcast).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``cholesky_solve``).

    Returns:
        A jax array ``[..., M, K]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.cholesky_solve(tf.cholesky([[4., 2.], [2., 5.]]), [[4.], [2.]])
        Array([[1.],
               [0.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.cholesky_solve
    """
    op_name(name, "cholesky_solve")
    a, b = _rhs("cholesky_solve", chol, rhs, no_kernel=("bfloat16",))
    y = lax.linalg.triangular_solve(_up(a), _up(b), left_side=True, lower=True)
    x = lax.linalg.triangular_solve(
        _up(a), y, left_side=True, lower=True, transpose_a=True, conjugate_a=True
    )
    return x.astype(b.dtype)


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """``X`` with ``matrix X = rhs`` (``adjoint(matrix) X = rhs`` if ``adjoint``).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). A singular matrix is TF1's run-time InvalidArgumentError; jax returns
    inf/NaN instead (no error can come out of a compiled program).

    Args:
        matrix: Square matrices ``[..., M, M]``, float or complex.
        rhs: Right-hand sides ``[..., M, K]`` of ``matrix``'s dtype (batch dimensions broadcast).
        adjoint: Whether to solve with the adjoint of ``matrix``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatrixSolve``).

    Returns:
        A jax array ``[..., M, K]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_solve([[2., 0.], [0., 4.]], [[2.], [8.]])
        Array([[1.],
               [2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.matrix_solve
    """
    op_name(name, "MatrixSolve")
    a, b = _rhs("matrix_solve", matrix, rhs, broadcast=False)
    a = _adj(a) if adjoint else a
    return jnp.linalg.solve(_up(a), _up(b)).astype(b.dtype)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """``X`` with ``matrix X = rhs`` for lower (``lower=True``) or upper triangular ``matrix`` (only
    that triangle is read); ``adjoint(matrix) X = rhs`` if ``adjoint``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        matrix: Triangular matrices ``[..., M, M]``, float or complex (only the triangle named by
            ``lower`` is read).
        rhs: Right-hand sides ``[..., M, K]`` of ``matrix``'s dtype (batch dimensions broadcast).
        lower: Whether ``matrix`` is lower (else upper) triangular.
        adjoint: Whether to solve with the adjoint of ``matrix``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``MatrixTriangularSolve``).

    Returns:
        A jax array ``[..., M, K]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.matrix_triangular_solve([[2., 0.], [1., 1.]], [[2.], [3.]])
        Array([[1.],
               [2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.matrix_triangular_solve
    """
    op_name(name, "MatrixTriangularSolve")
    a, b = _rhs("matrix_triangular_solve", matrix, rhs, no_kernel=("bfloat16",))
    x = lax.linalg.triangular_solve(
        _up(a),
        _up(b),
        left_side=True,
        lower=bool(lower),
        transpose_a=bool(adjoint),
        conjugate_a=bool(adjoint),
    )
    return x.astype(b.dtype)


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``(q, r)``: the QR decomposition of each matrix of ``input`` (``q`` with orthonormal columns,
    ``r`` upper triangular); ``full_matrices`` gives the square ``q``.

    Differs from TF1: the signs of ``q``'s columns and ``r``'s rows may differ from TF1's (both
    are valid factorizations); ``|r|`` and ``q @ r`` agree.

    Args:
        input: A float or complex tensor ``[..., M, N]``.
        full_matrices: Whether ``q`` is ``[..., M, M]`` (else ``[..., M, min(M, N)]``).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Qr``).

    Returns:
        A pair ``(q, r)`` of jax arrays.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s rank is below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> q, r = tf.qr([[3., 0.], [4., 5.]])
        >>> tf.abs(r)
        Array([[5., 4.],
               [0., 3.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.qr
    """
    op_name(name, "Qr")
    v = _matrix("qr", input, "input", _LINALG)
    q, r = jnp.linalg.qr(_up(v), mode="complete" if full_matrices else "reduced")
    return Qr(q.astype(v.dtype), r.astype(v.dtype))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """The singular value decomposition ``tensor = u @ diag(s) @ adjoint(v)`` of each matrix: ``s``
    (descending) if not ``compute_uv``, else ``(s, u, v)`` -- TF1's order, and ``v``, not its
    adjoint (numpy returns ``(u, s, vh)``).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). The signs (phases) of matching columns of ``u`` and ``v`` may differ from
    TF1's (both are valid decompositions); ``s`` and ``u @ diag(s) @ adjoint(v)`` agree.

    Args:
        tensor: A float or complex tensor ``[..., M, N]``.
        full_matrices: Whether ``u`` and ``v`` are square (else ``min(M, N)`` columns).
        compute_uv: Whether to return ``u`` and ``v`` too.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Svd``).

    Returns:
        ``s`` (``[..., min(M, N)]``, descending), or ``(s, u, v)`` with ``compute_uv``.

    Raises:
        TypeError: ``tensor`` is not a float or complex.
        ValueError: ``tensor``'s rank is below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.svd([[3., 0.], [0., 4.]], compute_uv=False)
        Array([4., 3.], dtype=float32)

    TF1 equivalent: tf.compat.v1.svd
    """
    op_name(name, "Svd")
    v = _matrix("svd", tensor, "tensor", _LINALG)
    w = _up(v)
    if not compute_uv:
        s = jnp.linalg.svd(w, compute_uv=False)
        return s.astype(jnp.real(jnp.zeros((), v.dtype)).dtype)
    u, s, vh = jnp.linalg.svd(w, full_matrices=bool(full_matrices))
    return (
        s.astype(jnp.real(jnp.zeros((), v.dtype)).dtype),
        u.astype(v.dtype),
        _adj(vh).astype(v.dtype),
    )


def _lower_filled(v):
    """The Hermitian matrix of the lower triangle of ``v`` (all TF1's eigensolver reads)."""
    return jnp.tril(v) + _adj(jnp.tril(v, -1))


def self_adjoint_eig(tensor, name=None):
    """``(e, v)``: the eigenvalues (ascending) and eigenvectors (columns) of each Hermitian matrix
    of ``tensor``; only its lower triangle is read.

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). The signs (phases) of the eigenvectors may differ from TF1's (both are
    valid); the eigenvalues and ``v @ diag(e) @ adjoint(v)`` agree.

    Args:
        tensor: Hermitian matrices ``[..., M, M]``, float or complex.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``SelfAdjointEigV2``).

    Returns:
        A pair ``(e, v)``: eigenvalues ``[..., M]`` and eigenvectors ``[..., M, M]``.

    Raises:
        TypeError: ``tensor`` is not a float or complex.
        ValueError: ``tensor``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.self_adjoint_eig([[2., 0.], [0., 1.]])[0]
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.self_adjoint_eig
    """
    op_name(name, "SelfAdjointEigV2")
    v = _square("self_adjoint_eig", tensor, "tensor")
    vecs, vals = lax.linalg.eigh(_lower_filled(_up(v)), lower=True, symmetrize_input=False)
    return vals.astype(jnp.real(jnp.zeros((), v.dtype)).dtype), vecs.astype(v.dtype)


def self_adjoint_eigvals(tensor, name=None):
    """The eigenvalues (ascending) of each Hermitian matrix of ``tensor`` (its lower triangle).

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    Args:
        tensor: Hermitian matrices ``[..., M, M]``, float or complex.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``SelfAdjointEigV2``).

    Returns:
        A jax array ``[..., M]`` of the eigenvalues, ascending.

    Raises:
        TypeError: ``tensor`` is not a float or complex.
        ValueError: ``tensor``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.self_adjoint_eigvals([[2., 1.], [1., 2.]])
        Array([1., 3.], dtype=float32)

    TF1 equivalent: tf.compat.v1.self_adjoint_eigvals
    """
    op_name(name, "SelfAdjointEigV2")
    v = _square("self_adjoint_eigvals", tensor, "tensor")
    _, vals = lax.linalg.eigh(_lower_filled(_up(v)), lower=True, symmetrize_input=False)
    return vals.astype(jnp.real(jnp.zeros((), v.dtype)).dtype)


def cross(a, b, name=None):
    """The cross product of the 3-vectors in the last dimension of ``a`` and ``b`` (one shape, no
    broadcasting).

    Args:
        a: A tensor ``[..., 3]`` of a real number dtype.
        b: A tensor of ``a``'s shape and dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Cross``).

    Returns:
        A jax array of ``a``'s shape and dtype.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes differ, or the last dimension is not 3.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.cross([1., 0., 0.], [0., 1., 0.])
        Array([0., 0., 1.], dtype=float32)

    TF1 equivalent: tf.compat.v1.cross
    """
    op_name(name, "Cross")
    av, bv = same_dtype("cross", a=a, b=b)
    check_dtype("cross", av, F + ("int8", "int16", "int32", "int64") + ("uint8", "uint16"), "a")
    if av.shape != bv.shape or not av.ndim or av.shape[-1] != 3:
        raise OpArgumentError(
            "cross",
            f"a {shape_str(av.shape)} and b {shape_str(bv.shape)} must have one shape whose "
            "last dimension is 3.",
        )
    return jnp.cross(av, bv)


# one compiled program (eagerly, expm is dozens of small ones)
_batched_expm = jax.jit(jax.vmap(jax.scipy.linalg.expm))


def expm(input, name=None):  # noqa: A002
    """The matrix exponential of each square matrix of ``input``.

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). Computed by jax's Pade approximation with scaling and squaring (TF1's
    algorithm too); results agree to rounding, not bit for bit.

    Args:
        input: Square matrices ``[..., M, M]``, float or complex.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``MatrixExponential``).

    Returns:
        A jax array of ``input``'s shape and dtype.

    Raises:
        TypeError: ``input`` is not a float or complex.
        ValueError: ``input``'s matrices are not square.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.expm([[0., 0.], [0., 1.]])
        Array([[1.      , 0.      ],
               [0.      , 2.718282]], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.expm
    """
    op_name(name, "MatrixExponential")
    v = convert(input, op="expm", arg="input")
    if v.dtype.name not in _LINALG:  # TF1's expm checks in Python: a ValueError
        raise OpArgumentError(
            "expm",
            f"input has dtype {v.dtype.name}; it must be one of {', '.join(_LINALG)}.",
            "tf.cast(input, tf.float32)",
        )
    v = _square("expm", v)
    w = _up(v)
    flat = w.reshape((-1,) + w.shape[-2:])
    out = _batched_expm(flat) if flat.shape[0] else flat
    return out.reshape(w.shape).astype(v.dtype)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):  # fmt: skip
    """``a @ b`` for a (batch) matrix ``a`` and a (batch) vector ``b``, with ``tf.matmul``'s rules.

    Args:
        a: A (batch of) matrix ``[..., M, N]``.
        b: A (batch of) vector ``[..., N]`` of ``a``'s dtype.
        transpose_a: Whether to transpose ``a`` first.
        adjoint_a: Whether to conjugate-transpose ``a`` first.
        a_is_sparse: A hint, as in :func:`matmul`.
        b_is_sparse: A hint, as in :func:`matmul`.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MatVec``).

    Returns:
        A jax array ``[..., M]``.

    Raises:
        TypeError: the dtypes differ or are not taken.
        ValueError: the shapes do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.matvec([[1., 2.], [3., 4.]], [1., 1.])
        Array([3., 7.], dtype=float32)

    TF1 equivalent: tf.compat.v1.linalg.matvec
    """
    op_name(name, "MatVec")
    bv = convert(b, op="matvec", arg="b")
    if bv.ndim < 1:
        raise OpArgumentError("matvec", "b must be a (batch) vector of rank >= 1.")
    out = matmul(a, bv[..., None], transpose_a=transpose_a, adjoint_a=adjoint_a,
                 a_is_sparse=a_is_sparse, b_is_sparse=b_is_sparse)  # fmt: skip
    return out[..., 0]


def adjoint(matrix, name=None):
    """The conjugate transpose of each matrix.

    Args:
        matrix: A tensor ``[..., M, N]``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``adjoint``).

    Returns:
        A jax array ``[..., N, M]`` of ``matrix``'s dtype.

    Raises:
        ValueError: ``matrix``'s rank is below 2.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linalg.adjoint([[1 + 2j, 3j]])
        Array([[1.-2.j],
               [0.-3.j]], dtype=complex64)

    TF1 equivalent: tf.compat.v1.linalg.adjoint
    """
    op_name(name, "adjoint")
    return _adj(_matrix("adjoint", matrix, "matrix"))
