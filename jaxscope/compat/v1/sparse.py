"""``tf.sparse`` of ``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1.sparse`` for the
:class:`SparseTensor` basics TF1 model code uses. A SparseTensor's dense shape is static (jax
shapes are); ops whose result size depends on values (``from_dense``, ``retain``, sparse +
sparse) need those values when the program is traced, and say so."""

from jaxscope._src.compat.sparse_ops import from_dense as from_dense
from jaxscope._src.compat.sparse_ops import sparse_add as add
from jaxscope._src.compat.sparse_ops import sparse_reduce_sum as reduce_sum
from jaxscope._src.compat.sparse_ops import sparse_reorder as reorder
from jaxscope._src.compat.sparse_ops import sparse_reshape as reshape
from jaxscope._src.compat.sparse_ops import sparse_retain as retain
from jaxscope._src.compat.sparse_ops import sparse_tensor_dense_matmul as matmul
from jaxscope._src.compat.sparse_ops import (
    sparse_tensor_dense_matmul as sparse_dense_matmul,
)
from jaxscope._src.compat.sparse_ops import sparse_tensor_to_dense as to_dense
from jaxscope._src.compat.sparse_ops import sparse_to_indicator as to_indicator
from jaxscope._src.compat.sparse_ops import sparse_transpose as transpose
from jaxscope._src.compat.sparse_tensor import SparseTensor as SparseTensor
from jaxscope._src.compat.sparse_tensor import placeholder as placeholder

__all__ = [
    "SparseTensor",
    "add",
    "from_dense",
    "matmul",
    "placeholder",
    "reduce_sum",
    "reorder",
    "reshape",
    "retain",
    "sparse_dense_matmul",
    "to_dense",
    "to_indicator",
    "transpose",
]
