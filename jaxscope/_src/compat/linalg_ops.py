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

    TF1 equivalent: tf.compat.v1.matrix_determinant
    """
    op_name(name, "MatrixDeterminant")
    v = _square("matrix_determinant", input)
    return jnp.linalg.det(_up(v)).astype(v.dtype)


def slogdet(input, name=None):  # noqa: A002
    """``(sign, log|det|)`` of each square matrix of ``input``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

    TF1 equivalent: tf.compat.v1.linalg.slogdet
    """
    op_name(name, "LogMatrixDeterminant")
    v = _square("slogdet", input)
    sign, log = jnp.linalg.slogdet(_up(v))
    return LogMatrixDeterminant(sign.astype(v.dtype), log.astype(v.dtype))


def cholesky(input, name=None):  # noqa: A002
    """The lower Cholesky factor ``L`` of each Hermitian positive definite matrix of ``input``
    (only its lower triangle is read).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). A matrix that is not positive definite is TF1's run-time
    InvalidArgumentError; jax returns NaN instead (no error can come out of a compiled program).

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

    TF1 equivalent: tf.compat.v1.matrix_solve
    """
    op_name(name, "MatrixSolve")
    a, b = _rhs("matrix_solve", matrix, rhs, broadcast=False)
    a = _adj(a) if adjoint else a
    return jnp.linalg.solve(_up(a), _up(b)).astype(b.dtype)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """``X`` with ``matrix X = rhs`` for lower (``lower=True``) or upper triangular ``matrix``
    (only that triangle is read); ``adjoint(matrix) X = rhs`` if ``adjoint``.

    Differs from TF1: float16 works (computed in float32); TF1 has no CPU kernel for it and fails
    when the op runs.

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
    """``(q, r)``: the QR decomposition of each matrix of ``input`` (``q`` with orthonormal
    columns, ``r`` upper triangular); ``full_matrices`` gives the square ``q``.

    Differs from TF1: the signs of ``q``'s columns and ``r``'s rows may differ from TF1's (both
    are valid factorizations); ``|r|`` and ``q @ r`` agree.

    TF1 equivalent: tf.compat.v1.qr
    """
    op_name(name, "Qr")
    v = _matrix("qr", input, "input", _LINALG)
    q, r = jnp.linalg.qr(_up(v), mode="complete" if full_matrices else "reduced")
    return Qr(q.astype(v.dtype), r.astype(v.dtype))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """The singular value decomposition ``tensor = u @ diag(s) @ adjoint(v)`` of each matrix:
    ``s`` (descending) if not ``compute_uv``, else ``(s, u, v)`` -- TF1's order, and ``v``, not
    its adjoint (numpy returns ``(u, s, vh)``).

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). The signs (phases) of matching columns of ``u`` and ``v`` may differ from
    TF1's (both are valid decompositions); ``s`` and ``u @ diag(s) @ adjoint(v)`` agree.

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
    """``(e, v)``: the eigenvalues (ascending) and eigenvectors (columns) of each Hermitian
    matrix of ``tensor``; only its lower triangle is read.

    Differs from TF1: float16 works (computed in float32; TF1 has no CPU kernel for it
    and fails when the op runs). The signs (phases) of the eigenvectors may differ from TF1's (both are
    valid); the eigenvalues and ``v @ diag(e) @ adjoint(v)`` agree.

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

    TF1 equivalent: tf.compat.v1.self_adjoint_eigvals
    """
    op_name(name, "SelfAdjointEigV2")
    v = _square("self_adjoint_eigvals", tensor, "tensor")
    _, vals = lax.linalg.eigh(_lower_filled(_up(v)), lower=True, symmetrize_input=False)
    return vals.astype(jnp.real(jnp.zeros((), v.dtype)).dtype)


def cross(a, b, name=None):
    """The cross product of the 3-vectors in the last dimension of ``a`` and ``b`` (one
    shape, no broadcasting).

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
    """``a @ b`` for a (batch) matrix ``a`` and a (batch) vector ``b``, with ``tf.matmul``'s
    rules.

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

    TF1 equivalent: tf.compat.v1.linalg.adjoint
    """
    op_name(name, "adjoint")
    return _adj(_matrix("adjoint", matrix, "matrix"))
