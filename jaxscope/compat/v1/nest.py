"""``tf.nest`` of ``import jaxscope.compat.v1 as tf``: TF's nest functions (lists, tuples,
namedtuples and dicts are structure; ``None`` is a leaf)."""

from jaxscope._src.compat.nest import assert_same_structure as assert_same_structure
from jaxscope._src.compat.nest import flatten as flatten
from jaxscope._src.compat.nest import is_nested as is_nested
from jaxscope._src.compat.nest import map_structure as map_structure
from jaxscope._src.compat.nest import pack_sequence_as as pack_sequence_as

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
