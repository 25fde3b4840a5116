"""``tf.manip`` of ``import jaxscope.compat.v1 as tf``: TF1's ``tf.compat.v1.manip``, the
shape-manipulating ops TF 1.x also filed under this namespace. Each is the top-level op of the
same name (``tf.manip.reverse`` is ``tf.reverse``, a list of axes)."""

from jaxscope._src.compat.array_ops import reshape as reshape
from jaxscope._src.compat.array_ops import reverse as reverse
from jaxscope._src.compat.array_ops import tile as tile
from jaxscope._src.compat.manip_ops import batch_to_space_nd as batch_to_space_nd
from jaxscope._src.compat.manip_ops import roll as roll
from jaxscope._src.compat.manip_ops import space_to_batch_nd as space_to_batch_nd
from jaxscope._src.compat.select_ops import gather_nd as gather_nd
from jaxscope._src.compat.slicing_ops import scatter_nd as scatter_nd

__all__ = [
    "batch_to_space_nd",
    "gather_nd",
    "reshape",
    "reverse",
    "roll",
    "scatter_nd",
    "space_to_batch_nd",
    "tile",
]
