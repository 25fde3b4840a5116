"""flax both ways: jaxscope models as linen modules, linen (and NNX) modules inside jaxscope.

Needs flax (``pip install jaxscope[flax]``); ``import jaxscope`` alone does not import it.
"""

from jaxscope._src.flax.errors import LinenCollectionConflictError as LinenCollectionConflictError
from jaxscope._src.flax.errors import LinenImmutableVariableError as LinenImmutableVariableError
from jaxscope._src.flax.errors import LinenMissingRngError as LinenMissingRngError
from jaxscope._src.flax.errors import LinenModuleError as LinenModuleError
from jaxscope._src.flax.linen import ToLinen as ToLinen
from jaxscope._src.flax.linen import from_linen as from_linen
from jaxscope._src.flax.linen import to_linen as to_linen
from jaxscope._src.flax.nnx import from_nnx as from_nnx

__all__ = [
    "LinenCollectionConflictError",
    "LinenImmutableVariableError",
    "LinenMissingRngError",
    "LinenModuleError",
    "ToLinen",
    "from_linen",
    "from_nnx",
    "to_linen",
]
