"""TF1's ``tf.SparseTensor`` and ``tf.SparseTensorValue`` on jax arrays.

A :class:`SparseTensor` holds ``indices`` (``[nnz, rank]`` integers), ``values`` (``[nnz]``) and a
``dense_shape`` that is known when the program is traced (jax shapes are static): it is a pytree
whose leaves are ``indices`` and ``values`` and whose static part is the dense shape, so it passes
through ``jax.jit``, ``jax.grad`` and ``jax.vmap``-free code as TF1 code passes it between ops.
The number of entries ``nnz`` is the static length of ``indices``; ops whose output entry count
depends on values (``tf.sparse.from_dense``, ``tf.sparse.retain``, sparse + sparse) need those
values when the program is traced, and say so.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, is_tensor
from jaxscope._src.compat.errors import GraphOnlyError, OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import canonical, concrete, shape_str
from jaxscope._src.core.tensor_shape import TensorShape

_MSG_DENSE_SHAPE = (
    "dense_shape must be known when the program is traced (jax shapes are static), got a traced "
    "value."
)


class SparseTensorValue(NamedTuple):
    """``tf.SparseTensorValue``: the numpy-side triple ``(indices, values, dense_shape)``; every
    sparse op takes one where it takes a :class:`SparseTensor`.

    Args:
        indices: ``[nnz, rank]`` integer indices.
        values: ``[nnz]`` values.
        dense_shape: The dense shape, ``rank`` ints.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> v = tf.SparseTensorValue([[0, 1]], [5.], [2, 2])
        >>> tf.sparse.to_dense(v)
        Array([[0., 5.],
               [0., 0.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.SparseTensorValue
    """

    indices: object
    values: object
    dense_shape: object


def _dense_shape(op: str, dense_shape) -> tuple[int, ...]:
    if is_tensor(dense_shape):
        c = concrete(dense_shape)
        if c is None:
            raise OpArgumentError(
                op, _MSG_DENSE_SHAPE, "give the shape as Python ints (or x.shape of a dense x)."
            )
        dense_shape = c
    a = np.asarray(dense_shape)
    if a.dtype.kind not in "iu" and a.size:
        raise OpTypeError(op, f"dense_shape must be integers (int64), got {dense_shape!r}.")
    if a.ndim != 1:
        raise OpArgumentError(op, f"dense_shape must be a vector, got shape {shape_str(a.shape)}.")
    return tuple(int(d) for d in a)


@jax.tree_util.register_pytree_node_class
class SparseTensor:
    """``tf.SparseTensor(indices, values, dense_shape)``: the dense tensor of shape ``dense_shape``,
    zero but for ``values[i]`` at ``indices[i]``.

    ``indices`` are ``[nnz, rank]`` integers, ``values`` ``[nnz]``, ``dense_shape`` a vector of
    ``rank`` ints. Like TF1's, ``.indices``, ``.values``, ``.dense_shape`` (an int64 tensor),
    ``.dtype`` (the values' dtype), ``.shape`` / ``.get_shape()`` (a ``TensorShape``) and
    ``.with_values(v)`` answer; it is a jax pytree (leaves ``indices`` and ``values``), so it can be
    an argument or result of a jitted function.

    Differs from TF1: ``dense_shape`` must be known when the program is traced (a traced one is
    refused: jax shapes are static). ``indices`` of any integer dtype are taken (TF1 refuses an
    int32 tensor); they are int64 only with jax_enable_x64, else int32, as all of jax's 64-bit
    integers.

    Args:
        indices: ``[nnz, rank]`` integers (a list, numpy or jax array).
        values: ``[nnz]`` values of any dtype.
        dense_shape: ``rank`` ints, known when the program is traced.

    Raises:
        TypeError: ``indices`` or ``dense_shape`` is not integer.
        ValueError: the shapes do not fit, or ``dense_shape`` is traced.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> sp = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [2, 3])
        >>> sp.shape, sp.dtype
        (TensorShape([2, 3]), tf.float32)
        >>> tf.sparse.to_dense(sp)
        Array([[1., 0., 0.],
               [0., 0., 2.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.SparseTensor
    """

    __slots__ = ("_indices", "_values", "_shape")

    def __init__(self, indices, values, dense_shape):
        op = "SparseTensor"
        shape = _dense_shape(op, dense_shape)
        if is_tensor(indices):
            idx = jnp.asarray(indices)
            if idx.dtype.kind not in "iu":
                raise OpTypeError(op, f"indices must be integers (int64), got {idx.dtype.name}.")
        else:
            a = np.asarray(indices)
            if a.dtype.kind not in "iu" and a.size:
                raise OpTypeError(op, f"indices must be integers (int64), got {indices!r}.")
            # kept as numpy: known when traced (under jit, jnp.asarray would stage it)
            idx = a.astype(canonical("int64"))
        vals = convert(values, op=op, arg="values")
        if idx.size == 0:
            idx = idx.reshape((0, len(shape))) if idx.ndim != 2 else idx
        if idx.ndim != 2 or vals.ndim != 1:
            raise OpArgumentError(
                op,
                f"indices {shape_str(idx.shape)} must be a matrix and values "
                f"{shape_str(vals.shape)} a vector.",
            )
        if idx.shape[0] != vals.shape[0] or idx.shape[1] != len(shape):
            raise OpArgumentError(
                op,
                f"indices {shape_str(idx.shape)} must be [nnz, rank] for values "
                f"{shape_str(vals.shape)} (nnz) and dense_shape {list(shape)} (rank).",
            )
        self._indices, self._values, self._shape = idx, vals, shape

    @classmethod
    def from_value(cls, sparse_tensor_value) -> SparseTensor:
        """A :class:`SparseTensor` from a :class:`SparseTensorValue` (or a SparseTensor)."""
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(*sparse_tensor_value)

    indices = property(
        lambda self: jnp.asarray(self._indices), doc="``[nnz, rank]`` integer indices."
    )
    values = property(lambda self: self._values, doc="``[nnz]`` values.")
    dtype = property(lambda self: dtypes.as_dtype(self._values.dtype), doc="The values' dtype.")
    shape = property(lambda self: TensorShape(self._shape), doc="The dense shape, static.")

    @property
    def dense_shape(self) -> jax.Array:
        """The dense shape as an int64 tensor (int32 without jax_enable_x64)."""
        return jnp.asarray(np.asarray(self._shape, canonical("int64")))

    def known_indices(self) -> np.ndarray | None:
        """The indices as numpy when they are known when the program is traced, else None."""
        return concrete(self._indices)

    def get_shape(self) -> TensorShape:
        return self.shape

    def with_values(self, new_values) -> SparseTensor:
        """The same indices and dense shape with ``new_values`` (``[nnz]``)."""
        return SparseTensor(self._indices, new_values, self._shape)

    def __array__(self, *args, **kwargs):
        raise OpTypeError(
            "convert_to_tensor",
            "a SparseTensor is not a dense tensor.",
            "tf.sparse.to_dense(sp) (or the op's sparse form, e.g. tf.sparse.reduce_sum)",
        )

    def __repr__(self) -> str:
        return (
            f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
            f"dense_shape={list(self._shape)})"
        )

    def tree_flatten(self):
        return (self._indices, self._values), self._shape

    @classmethod
    def tree_unflatten(cls, shape, children):
        obj = object.__new__(cls)
        obj._indices, obj._values = children
        obj._shape = shape
        return obj


def sparse(op: str, x, arg: str = "sp_input") -> SparseTensor:
    """``x`` as a :class:`SparseTensor` (from a :class:`SparseTensorValue`), or TF1's
    TypeError."""
    if isinstance(x, SparseTensor):
        return x
    if isinstance(x, SparseTensorValue):
        return SparseTensor.from_value(x)
    raise OpTypeError(
        op,
        f"{arg} must be a SparseTensor, got {type(x).__name__}.",
        f"tf.SparseTensor(indices, values, dense_shape) (or tf.sparse.from_dense({arg}))",
    )


def concrete_indices(op: str, sp: SparseTensor, why: str) -> np.ndarray:
    """``sp.indices`` as numpy, or a refusal saying why the op needs them when traced."""
    c = sp.known_indices()
    if c is None:
        raise OpArgumentError(
            op,
            f"the SparseTensor's indices must be known when the program is traced: {why} "
            "(jax shapes are static).",
            "build the SparseTensor inside the jitted function from numpy indices, or call "
            "the op outside jax.jit",
        )
    return c


def placeholder(dtype, shape=None, name=None):
    """Raises :class:`GraphOnlyError`, as ``tf.sparse_placeholder``: there is no graph to feed.

    Differs from TF1: refused (GraphOnlyError, a RuntimeError) -- make the SparseTensor an
    argument of the transformed function (it is a pytree: ``f.apply(variables, sp)``).

    Args:
        dtype: The values' dtype.
        shape: The dense shape.
        name: The op's name scope, as in TF1.

    Raises:
        GraphOnlyError: always (a ``RuntimeError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> try:
        ...     tf.sparse.placeholder(tf.float32)
        ... except RuntimeError as e:
        ...     print(type(e).__name__)
        GraphOnlyError

    TF1 equivalent: tf.compat.v1.sparse.placeholder
    """
    raise GraphOnlyError(
        "sparse.placeholder",
        "make the SparseTensor an argument of the transformed function: f = js.transform(model); "
        "f.apply(variables, tf.SparseTensor(indices, values, dense_shape))",
    )
