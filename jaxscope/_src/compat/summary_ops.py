"""TF1's ``tf.summary`` ops inside a transformed function: ``scalar``, ``histogram``, ``image``,
``audio``, ``text``, ``merge`` and ``merge_all``.

Each op names itself as TF1's ``summary_scope`` does (its name, cleaned, entered as a name scope:
``train/loss``, then ``train/loss_1``; ``family`` prefixes it), files its value in
``GraphKeys.SUMMARIES`` (or the ``collections=`` given) and returns a
:class:`~jaxscope._src.summary.values.Summary`: a jax pytree the program returns (under
``jax.jit`` too), ``js.train.Runner`` fetches and ``tf.summary.FileWriter`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core import collections as core_collections
from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys
from jaxscope._src.summary.errors import SummaryArgumentError
from jaxscope._src.summary.values import Spec, Summary

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name: str | None) -> str | None:
    """TF1's ``clean_tag``: characters other than ``[-/\\w.]`` become ``_``; leading ``/`` go."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


def _scope(name: str | None, family: str | None, default_name: str) -> tuple[str, str]:
    """TF1's ``summary_scope``: (tag, op name). The name is entered as a name scope of the
    current call, so it is uniquified against every op and scope name, as in TF1's graph."""
    name, family = _clean_tag(name), _clean_tag(family)
    base = name if family is None else f"{family}/{name}"
    frames = frame._stack()
    if frames:
        names = frames[-1].names
        old, scope = names.enter(default_name if base is None else base)
        names.name_stack = old
    else:  # outside a transformed function there is no graph to uniquify against
        scope = (default_name if base is None else base) + "/"
    op = scope.rstrip("/")
    return (op if family is None else f"{family}/{op}"), op


def _collect(value: Summary, op: str, keys: Sequence[str] | None) -> Summary:
    frames = frame._stack()
    if frames:
        for key in [GraphKeys.SUMMARIES] if keys is None else keys:
            core_collections._add(frames[-1], key, value, name=op)
    return value


def _array(who: str, tag: str, x) -> jax.Array:
    x = jnp.asarray(x)
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise SummaryArgumentError(
            f"tf.summary.{who}", f"{tag!r} got a {x.dtype} tensor; TF1's op takes real numbers",
            f"Cast it: tf.summary.{who}(name, tf.cast(x, tf.float32)).",
        )  # fmt: skip
    return x


def scalar(name: str, tensor, collections: Sequence[str] | None = None, family: str | None = None):
    """A scalar summary: ``tensor`` (a real scalar) under the tag of ``name`` in the current name
    scope.

    Args:
      name: the tag's last part (cleaned, uniquified as TF1's name scopes are).
      tensor: a real-valued scalar; written as float32 (``simple_value``).
      collections: the collections to file it in (default ``[GraphKeys.SUMMARIES]``).
      family: a prefix of the tag (TensorBoard's tab).

    Returns:
      A :class:`Summary`: return it from the program, then ``FileWriter.add_summary`` it.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> def f(x):
      ...     with tf.name_scope("train"):
      ...         return tf.summary.scalar("loss", x), tf.summary.scalar("loss", x)
      >>> [s.tags for s in js.transform(f).apply({}, jnp.float32(1.0))]
      [['train/loss'], ['train/loss_1']]

    Differs from TF1: returns a :class:`Summary` pytree of the raw value (serialized only by
    ``FileWriter.add_summary`` or ``Summary.SerializeToString()``), not a string tensor.

    TF1 equivalent: tf.compat.v1.summary.scalar
    """
    tag, op = _scope(name, family, "ScalarSummary")
    x = _array("scalar", tag, tensor)
    if x.shape != ():
        raise SummaryArgumentError(
            "tf.summary.scalar", f"{tag!r} got shape {x.shape}; tags and values must have the same "
            "shape (TF1: 'tags and values are not the same shape')",
            "Summarize a scalar: tf.summary.scalar(name, tf.reduce_mean(x)).",
        )  # fmt: skip
    return _collect(Summary((Spec("scalar", tag),), ((x,),)), op, collections)


def histogram(
    name: str, values, collections: Sequence[str] | None = None, family: str | None = None
):
    """A histogram summary of ``values`` (any shape): TF1's bucket statistics (min, max, num,
    sum, sum of squares, its default exponential buckets with empty runs merged) are computed
    from them, in float64, when the summary is written.

    Args:
      name: the tag's last part (cleaned, uniquified as TF1's name scopes are).
      values: a real tensor of any shape.
      collections: the collections to file it in (default ``[GraphKeys.SUMMARIES]``).
      family: a prefix of the tag (TensorBoard's tab).

    Returns:
      A :class:`Summary`: return it from the program, then ``FileWriter.add_summary`` it.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> js.transform(lambda x: tf.summary.histogram("w", x)).apply({}, jnp.ones(3)).tags
      ['w']

    Differs from TF1: the program returns the raw values (the whole tensor leaves the device);
    NaN or infinity fails when the summary is written, where TF1 fails ``session.run``.

    TF1 equivalent: tf.compat.v1.summary.histogram
    """
    tag, op = _scope(name, family, "HistogramSummary")
    x = _array("histogram", tag, values)
    return _collect(Summary((Spec("histogram", tag),), ((x,),)), op, collections)


def image(name: str, tensor, max_outputs: int = 3, collections: Sequence[str] | None = None,
          family: str | None = None):  # fmt: skip
    """An image summary of the first ``max_outputs`` images of ``tensor``
    (``[batch, height, width, 1|3|4]``; uint8, float16, float32 or float64). Tags are
    ``<tag>/image/<i>``, or ``<tag>/image`` when ``max_outputs`` is 1. Float images are scaled
    to uint8 as TF1 does (per image: by ``255 / max`` when none is negative, else by
    ``127 / max|x|`` around 128; non-finite pixels red) when the summary is written, as PNG.

    Args:
      name: the tag's last part (cleaned, uniquified as TF1's name scopes are).
      tensor: images ``[batch, height, width, channels]``, 1, 3 or 4 channels.
      max_outputs: how many images of the batch to write.
      collections: the collections to file it in (default ``[GraphKeys.SUMMARIES]``).
      family: a prefix of the tag (TensorBoard's tab).

    Returns:
      A :class:`Summary`: return it from the program, then ``FileWriter.add_summary`` it.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> f = js.transform(lambda x: tf.summary.image("input", x, max_outputs=2))
      >>> f.apply({}, jnp.zeros([4, 2, 2, 1])).tags
      ['input']

    Differs from TF1: the conversion to uint8 and PNG happens when the summary is written.

    TF1 equivalent: tf.compat.v1.summary.image
    """
    tag, op = _scope(name, family, "ImageSummary")
    x = jnp.asarray(tensor)
    if x.ndim != 4 or x.shape[-1] not in (1, 3, 4):
        raise SummaryArgumentError(
            "tf.summary.image", f"{tag!r} got shape {x.shape}; images must be 4-D "
            "[batch, height, width, channels] with 1, 3 or 4 channels",
            "Add the batch axis: tf.summary.image(name, x[None]).",
        )  # fmt: skip
    if x.dtype not in (jnp.uint8, jnp.float16, jnp.float32, jnp.float64):
        raise SummaryArgumentError(
            "tf.summary.image", f"{tag!r} got a {x.dtype} tensor; TF1's op takes uint8, float16, "
            "float32 or float64", "Cast it: tf.image.convert_image_dtype(x, tf.uint8).",
        )  # fmt: skip
    if max_outputs < 1:
        raise SummaryArgumentError("tf.summary.image", f"max_outputs is {max_outputs}",
                                   "Pass max_outputs >= 1.")  # fmt: skip
    spec = Spec("image", tag, (int(max_outputs),))
    return _collect(Summary((spec,), ((x[:max_outputs],),)), op, collections)


def audio(name: str, tensor, sample_rate, max_outputs: int = 3,
          collections: Sequence[str] | None = None, family: str | None = None):  # fmt: skip
    """An audio summary of the first ``max_outputs`` clips of ``tensor`` (float,
    ``[batch, frames]`` or ``[batch, frames, channels]``, in [-1, 1]), written as 16-bit WAV at
    ``sample_rate`` Hz. Tags are ``<tag>/audio/<i>``, or ``<tag>/audio`` when ``max_outputs`` is 1.

    Args:
      name: the tag's last part (cleaned, uniquified as TF1's name scopes are).
      tensor: float clips ``[batch, frames]`` or ``[batch, frames, channels]`` in [-1, 1].
      sample_rate: the sample rate in Hz.
      max_outputs: how many clips of the batch to write.
      collections: the collections to file it in (default ``[GraphKeys.SUMMARIES]``).
      family: a prefix of the tag (TensorBoard's tab).

    Returns:
      A :class:`Summary`: return it from the program, then ``FileWriter.add_summary`` it.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> f = js.transform(lambda x: tf.summary.audio("voice", x, 16000, max_outputs=1))
      >>> f.apply({}, jnp.zeros([2, 8])).tags
      ['voice']

    Differs from TF1: the WAV encoding happens when the summary is written.

    TF1 equivalent: tf.compat.v1.summary.audio
    """
    tag, op = _scope(name, family, "AudioSummary")
    x = jnp.asarray(tensor, jnp.float32)
    if x.ndim not in (2, 3):
        raise SummaryArgumentError(
            "tf.summary.audio", f"{tag!r} got shape {x.shape}; audio must be [batch, frames] or "
            "[batch, frames, channels]", "Add the batch axis: tf.summary.audio(name, x[None], rate).",
        )  # fmt: skip
    spec = Spec("audio", tag, (int(max_outputs),))
    data = (x[:max_outputs], jnp.asarray(sample_rate, jnp.float32))
    return _collect(Summary((spec,), (data,)), op, collections)


def text(name: str, tensor, collections: Sequence[str] | None = None):
    """A text summary (TensorBoard's text plugin) of a string or an array of strings.

    Strings cannot live in jax arrays, so ``tensor`` must be known when the program is traced:
    a Python ``str`` / ``bytes``, a (nested) list of them or a numpy string array. It is kept in
    the :class:`Summary`'s static part, so the summary works under ``jax.jit`` too.

    Args:
      name: the tag's last part (cleaned, uniquified as TF1's name scopes are).
      tensor: a Python ``str`` / ``bytes``, a (nested) list of them or a numpy string array.
      collections: the collections to file it in (default ``[GraphKeys.SUMMARIES]``).

    Returns:
      A :class:`Summary`: return it from the program, then ``FileWriter.add_summary`` it.

    Raises:
      SummaryArgumentError: ``tensor`` is an array of numbers (a jax array or tracer) -- TF1
        raises ``ValueError`` for a tensor whose dtype is not string.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> js.transform(lambda: tf.summary.text("note", "hello")).apply({}).tags
      ['note']

    Differs from TF1: the text must be a Python/numpy value known at trace time.

    TF1 equivalent: tf.compat.v1.summary.text
    """
    tag, op = _scope(name, None, "TextSummary")
    arr = None if isinstance(tensor, jax.Array) else np.asarray(tensor)
    if arr is None or arr.dtype.kind not in "USO":
        raise SummaryArgumentError(
            "tf.summary.text", f"{tag!r} got {type(tensor).__name__} "
            f"{getattr(tensor, 'dtype', '')}; text must be strings known when the program is "
            "traced (jax arrays hold no strings; TF1: 'Expected tensor to have dtype string')",
            "Pass a Python string: tf.summary.text(name, f'step {int(step)}') outside jax.jit, "
            "or a constant string.",
        )  # fmt: skip
    strings = tuple(s if isinstance(s, bytes) else str(s).encode() for s in arr.reshape(-1))
    spec = Spec("text", tag, (arr.shape, strings))
    return _collect(Summary((spec,), ((),)), op, collections)


def _written_tags(s: Summary) -> list[str]:
    """The tags a summary writes (images and audio: one per item, as TF1's kernels name them)."""
    out = []
    for spec, data in zip(s.specs, s.data, strict=True):
        if spec.kind in ("image", "audio"):
            n, kind = int(np.shape(data[0])[0]), spec.kind
            many = spec.options[0] > 1
            out += [f"{spec.tag}/{kind}/{i}" if many else f"{spec.tag}/{kind}" for i in range(n)]
        else:
            out.append(spec.tag)
    return out


def merge(inputs: Sequence[Any], collections: Sequence[str] | None = None, name: str | None = None):
    """One summary holding all of ``inputs``' values, in order.

    Args:
      inputs: summaries (:class:`Summary`; None entries are skipped).
      collections: the collections to file the merged summary in (default: none).
      name: accepted for TF1's signature.

    Returns:
      A :class:`Summary` with all the inputs' tags.

    Raises:
      SummaryArgumentError: an input is not a summary, or two inputs write the same tag (TF1:
        ``InvalidArgumentError: Duplicate tag ... found in summary inputs``).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> def f(x):
      ...     return tf.summary.merge([tf.summary.scalar("a", x), tf.summary.scalar("b", x)])
      >>> js.transform(f).apply({}, jnp.float32(1.0)).tags
      ['a', 'b']

    TF1 equivalent: tf.compat.v1.summary.merge
    """
    name = _clean_tag(name)
    frames = frame._stack()
    if frames:  # TF1: name_scope(name, "Merge"), then the MergeSummary op inside it
        names = frames[-1].names
        old, _ = names.enter("Merge" if name is None else name)
        names.unique_name(name or "MergeSummary")
        names.name_stack = old
    specs, data, seen = [], [], set()
    for s in inputs:
        if not isinstance(s, Summary):
            raise SummaryArgumentError(
                "tf.summary.merge", f"an input is {type(s).__name__}, not a summary",
                "Merge what tf.summary.scalar/histogram/image/... returned.",
            )  # fmt: skip
        for tag in _written_tags(s):
            if tag in seen:
                raise SummaryArgumentError(
                    "tf.summary.merge", f"Duplicate tag {tag} found in summary inputs",
                    "Merge each summary once (tf.summary.merge_all() already holds them all).",
                )  # fmt: skip
            seen.add(tag)
        specs += s.specs
        data += s.data
    merged = Summary(tuple(specs), tuple(data))
    if frames:
        for key in collections or ():
            core_collections._add(frames[-1], key, merged)
    return merged


def merge_all(key: str = GraphKeys.SUMMARIES, scope: str | None = None, name: str | None = None):
    """All summaries of collection ``key`` (names matching ``scope``) merged into one, or None
    when there are none.

    Args:
      key: the collection to merge (default ``GraphKeys.SUMMARIES``).
      scope: a name-scope prefix the summaries must match, or None.
      name: accepted for TF1's signature.

    Returns:
      A :class:`Summary`, or None when the collection has no summary.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> def f(x):
      ...     tf.summary.scalar("loss", x)
      ...     tf.summary.histogram("x", x)
      ...     return tf.summary.merge_all()
      >>> js.transform(f).apply({}, jnp.float32(1.0)).tags
      ['loss', 'x']

    TF1 equivalent: tf.compat.v1.summary.merge_all
    """
    found = core_collections.get_collection(key, scope)
    if not found:
        return None
    return merge(found, name=name)
