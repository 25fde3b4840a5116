"""TF1's ``tf.linalg`` for dense matrices: the same functions as TF1's top-level names
(``tf.linalg.inv`` is ``tf.matrix_inverse``, ``tf.linalg.diag`` is ``tf.matrix_diag``,
``tf.linalg.transpose`` is ``tf.matrix_transpose``, ...). TF1's ``LinearOperator`` classes are not
here."""

from jaxscope import global_norm as global_norm
from jaxscope._src.compat.diag_ops import diag as tensor_diag
from jaxscope._src.compat.diag_ops import diag_part as tensor_diag_part
from jaxscope._src.compat.diag_ops import eye as eye
from jaxscope._src.compat.diag_ops import matrix_band_part as band_part
from jaxscope._src.compat.diag_ops import matrix_diag as diag
from jaxscope._src.compat.diag_ops import matrix_diag_part as diag_part
from jaxscope._src.compat.diag_ops import matrix_set_diag as set_diag
from jaxscope._src.compat.diag_ops import trace as trace
from jaxscope._src.compat.linalg_ops import adjoint as adjoint
from jaxscope._src.compat.linalg_ops import cholesky as cholesky
from jaxscope._src.compat.linalg_ops import cholesky_solve as cholesky_solve
from jaxscope._src.compat.linalg_ops import cross as cross
from jaxscope._src.compat.linalg_ops import expm as expm
from jaxscope._src.compat.linalg_ops import logdet as logdet
from jaxscope._src.compat.linalg_ops import matrix_determinant as det
from jaxscope._src.compat.linalg_ops import matrix_inverse as inv
from jaxscope._src.compat.linalg_ops import matrix_solve as solve
from jaxscope._src.compat.linalg_ops import matrix_triangular_solve as triangular_solve
from jaxscope._src.compat.linalg_ops import matvec as matvec
from jaxscope._src.compat.linalg_ops import qr as qr
from jaxscope._src.compat.linalg_ops import self_adjoint_eig as eigh
from jaxscope._src.compat.linalg_ops import self_adjoint_eigvals as eigvalsh
from jaxscope._src.compat.linalg_ops import slogdet as slogdet
from jaxscope._src.compat.linalg_ops import svd as svd
from jaxscope._src.compat.matmul_ops import einsum as einsum
from jaxscope._src.compat.matmul_ops import matmul as matmul
from jaxscope._src.compat.matmul_ops import matrix_transpose as matrix_transpose
from jaxscope._src.compat.matmul_ops import matrix_transpose as transpose
from jaxscope._src.compat.matmul_ops import norm as norm
from jaxscope._src.compat.matmul_ops import tensordot as tensordot
from jaxscope._src.compat.nn_impl import l2_normalize as l2_normalize

__all__ = [
    "adjoint",
    "band_part",
    "cholesky",
    "cholesky_solve",
    "cross",
    "det",
    "diag",
    "diag_part",
    "eigh",
    "eigvalsh",
    "einsum",
    "expm",
    "eye",
    "global_norm",
    "inv",
    "l2_normalize",
    "logdet",
    "matmul",
    "matrix_transpose",
    "matvec",
    "norm",
    "qr",
    "set_diag",
    "slogdet",
    "solve",
    "svd",
    "tensor_diag",
    "tensor_diag_part",
    "tensordot",
    "trace",
    "transpose",
    "triangular_solve",
]

# LU factorization and least squares
from jaxscope._src.compat.lstsq_ops import lu as lu  # noqa: E402
from jaxscope._src.compat.lstsq_ops import lu_matrix_inverse as lu_matrix_inverse  # noqa: E402
from jaxscope._src.compat.lstsq_ops import lu_reconstruct as lu_reconstruct  # noqa: E402
from jaxscope._src.compat.lstsq_ops import lu_solve as lu_solve  # noqa: E402
from jaxscope._src.compat.lstsq_ops import matrix_solve_ls as lstsq  # noqa: E402
from jaxscope._src.compat.lstsq_ops import pinv as pinv  # noqa: E402

__all__ += ["lstsq", "lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve", "pinv"]
