"""TF1's ``tf.DType`` and its constants (``tf.float32``, ...), over numpy dtypes.

A :class:`DType` equals the numpy dtype it names (``x.dtype == tf.float32`` is true for a float32
array) and numpy and jax accept it wherever a dtype goes (it has a ``dtype`` attribute), so TF1
code can compare and pass dtypes as it did. 64-bit types exist, but jax computes in them only with
``jax_enable_x64`` (otherwise an int64 op gives int32, a documented difference).
"""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np

from jaxscope._src.compat.errors import OpTypeError


class DType:
    """``tf.DType``: a numpy dtype with TF1's attribute names.

    Args:
        dtype: A numpy dtype (or anything ``numpy.dtype`` takes).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> d = tf.float32
        >>> d.name, d.is_floating, d.size, d.as_numpy_dtype
        ('float32', True, 4, <class 'numpy.float32'>)
        >>> tf.int8.min, tf.int8.max
        (-128, 127)

    TF1 equivalent: tf.compat.v1.DType
    """

    __slots__ = ("_np",)

    def __init__(self, dtype):
        self._np = np.dtype(dtype)

    dtype = property(lambda self: self._np, doc="The numpy dtype (numpy and jax read this).")
    name = property(lambda self: self._np.name)
    as_numpy_dtype = property(lambda self: self._np.type)
    base_dtype = property(lambda self: self)
    real_dtype = property(lambda self: DType(np.real(np.zeros((), self._np)).dtype))
    size = property(lambda self: self._np.itemsize)
    is_floating = property(lambda self: _kind(self._np) == "f")
    is_integer = property(lambda self: _kind(self._np) in "iu")
    is_unsigned = property(lambda self: _kind(self._np) == "u")
    is_complex = property(lambda self: _kind(self._np) == "c")
    is_bool = property(lambda self: _kind(self._np) == "b")

    @property
    def min(self):
        return _info(self._np, "minimum").min

    @property
    def max(self):
        return _info(self._np, "maximum").max

    def is_compatible_with(self, other) -> builtins.bool:
        return self == other

    def __eq__(self, other):
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._np)

    def __repr__(self):
        return f"tf.{self.name}"


def _kind(d: np.dtype) -> str:
    if d in (ml_dtypes.bfloat16, np.float16):
        return "f"
    return d.kind


def _info(d: np.dtype, what: str):
    if d.kind == "c":  # TF1's DType has no bounds for complex types
        raise TypeError(f"Cannot find {what} value of {d.name}.")
    if d == np.bool_:
        return type("BoolInfo", (), {"min": False, "max": True})
    return np.iinfo(d) if d.kind in "iu" else ml_dtypes.finfo(d)


def as_dtype(type_value) -> DType:
    """``tf.as_dtype``: a :class:`DType` from a DType, numpy dtype, type or name.

    Args:
        type_value: A ``DType``, numpy dtype, Python or numpy type, or a name (``"float32"``).

    Returns:
        A :class:`DType`.

    Raises:
        TypeError: ``type_value`` is not a dtype TF1 knows.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.as_dtype("int32"), tf.as_dtype(float)
        (tf.int32, tf.float64)

    TF1 equivalent: tf.compat.v1.as_dtype
    """
    if isinstance(type_value, DType):
        return type_value
    try:
        return DType(np.dtype(type_value))
    except TypeError:
        raise OpTypeError(
            "as_dtype",
            f"cannot convert {type_value!r} to a DType.",
            "pass a dtype: tf.float32, np.float32 or 'float32'.",
        ) from None


float16 = half = DType(np.float16)
bfloat16 = DType(ml_dtypes.bfloat16)
float32 = DType(np.float32)
float64 = double = DType(np.float64)
int8 = DType(np.int8)
int16 = DType(np.int16)
int32 = DType(np.int32)
int64 = DType(np.int64)
uint8 = DType(np.uint8)
uint16 = DType(np.uint16)
uint32 = DType(np.uint32)
uint64 = DType(np.uint64)
bool = DType(np.bool_)  # noqa: A001 - TF1's name
complex64 = DType(np.complex64)
complex128 = DType(np.complex128)
