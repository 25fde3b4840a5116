"""``tf.dtypes`` of ``import jaxscope.compat.v1 as tf``: ``DType``, ``as_dtype``, the dtype
constants, ``cast`` and ``saturate_cast``."""

from jaxscope._src.compat.array_ops import cast as cast
from jaxscope._src.compat.dtypes import DType as DType
from jaxscope._src.compat.dtypes import as_dtype as as_dtype
from jaxscope._src.compat.dtypes import bfloat16 as bfloat16
from jaxscope._src.compat.dtypes import bool as bool
from jaxscope._src.compat.dtypes import complex64 as complex64
from jaxscope._src.compat.dtypes import complex128 as complex128
from jaxscope._src.compat.dtypes import double as double
from jaxscope._src.compat.dtypes import float16 as float16
from jaxscope._src.compat.dtypes import float32 as float32
from jaxscope._src.compat.dtypes import float64 as float64
from jaxscope._src.compat.dtypes import half as half
from jaxscope._src.compat.dtypes import int8 as int8
from jaxscope._src.compat.dtypes import int16 as int16
from jaxscope._src.compat.dtypes import int32 as int32
from jaxscope._src.compat.dtypes import int64 as int64
from jaxscope._src.compat.dtypes import uint8 as uint8
from jaxscope._src.compat.dtypes import uint16 as uint16
from jaxscope._src.compat.dtypes import uint32 as uint32
from jaxscope._src.compat.dtypes import uint64 as uint64
from jaxscope._src.compat.image_ops import saturate_cast as saturate_cast

__all__ = [
    "DType",
    "as_dtype",
    "bfloat16",
    "bool",
    "cast",
    "complex128",
    "complex64",
    "double",
    "float16",
    "float32",
    "float64",
    "half",
    "int16",
    "int32",
    "int64",
    "int8",
    "saturate_cast",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
]
