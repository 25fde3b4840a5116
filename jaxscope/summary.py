"""``jaxscope.summary``: TF1's ``tf.summary`` (also ``tf.summary`` of ``jaxscope.compat.v1``).

The summary ops (each returns a fetchable :class:`Summary` pytree and files it in
``GraphKeys.SUMMARIES``) and ``FileWriter``, which writes TensorBoard event files without
TensorFlow or TensorBoard."""

from jaxscope._src.compat.summary_ops import audio as audio
from jaxscope._src.compat.summary_ops import histogram as histogram
from jaxscope._src.compat.summary_ops import image as image
from jaxscope._src.compat.summary_ops import merge as merge
from jaxscope._src.compat.summary_ops import merge_all as merge_all
from jaxscope._src.compat.summary_ops import scalar as scalar
from jaxscope._src.compat.summary_ops import text as text
from jaxscope._src.summary.values import Summary as Summary
from jaxscope._src.summary.writer import FileWriter as FileWriter

__all__ = [
    "FileWriter",
    "Summary",
    "audio",
    "histogram",
    "image",
    "merge",
    "merge_all",
    "scalar",
    "text",
]
