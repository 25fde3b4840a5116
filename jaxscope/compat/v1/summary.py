"""``tf.summary`` of ``import jaxscope.compat.v1 as tf``: TF1's summary ops (each returns a
fetchable :class:`Summary` and files it in ``GraphKeys.SUMMARIES``) and ``FileWriter``, which
writes TensorBoard event files without TensorFlow.

TF1's ``tf.summary.Summary`` (the protocol buffer class) is not here: the ops return a
``jaxscope.summary.Summary`` pytree, whose ``SerializeToString()`` gives that proto's bytes."""

from jaxscope._src.compat.summary_ops import audio as audio
from jaxscope._src.compat.summary_ops import histogram as histogram
from jaxscope._src.compat.summary_ops import image as image
from jaxscope._src.compat.summary_ops import merge as merge
from jaxscope._src.compat.summary_ops import merge_all as merge_all
from jaxscope._src.compat.summary_ops import scalar as scalar
from jaxscope._src.compat.summary_ops import text as text
from jaxscope._src.summary.writer import FileWriter as FileWriter

__all__ = [
    "FileWriter",
    "audio",
    "histogram",
    "image",
    "merge",
    "merge_all",
    "scalar",
    "text",
]
