"""What a ``tf.summary`` op returns: :class:`Summary`, a jax pytree of (tag, values) that a
transformed function returns and ``jax.jit`` / ``js.train.Runner`` fetch; and its conversion to
TF1's serialized ``Summary`` protocol buffer, made on the host as TF1's kernels make it.

The arrays stay raw inside the program (a scalar, the histogram's values, the first
``max_outputs`` images); TF1's statistics (histogram buckets, the images' uint8 scaling, PNG)
are computed when the summary is serialized, in float64 / the image's dtype as TF1's kernels do.
"""

from __future__ import annotations

import dataclasses
import struct
import sys
import zlib
from typing import Any

import jax
import numpy as np

from jaxscope._src.summary import proto
from jaxscope._src.summary.errors import SummaryArgumentError

DBL_MAX = sys.float_info.max


@dataclasses.dataclass(frozen=True)
class Spec:
    """The static part of one summary value: its kind, tag and options (hashable, so a jitted
    program's output tree compares equal between runs)."""

    kind: str  # "scalar" | "histogram" | "image" | "audio" | "text"
    tag: str
    options: tuple = ()  # image: (max_outputs,); audio: (max_outputs,); text: (shape, strings)


@jax.tree_util.register_pytree_node_class
class Summary:
    r"""The value of a summary op (or of ``merge`` / ``merge_all``): tags and their values.

    A jax pytree whose leaves are the values' arrays, so a transformed function can return it
    under ``jax.jit`` and ``js.train.Runner`` can fetch it; ``FileWriter.add_summary`` writes it.
    ``SerializeToString()`` gives TF1's serialized ``Summary`` protocol buffer (what
    ``session.run`` of TF1's summary op returns).

    Args:
      specs: one ``Spec`` (kind, tag, static parameters) per value, in order.
      data: the arrays of each value (the pytree's leaves), aligned with ``specs``.

    Built by the summary ops; there is no need to construct one by hand.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js, jaxscope.compat.v1 as tf
      >>> s = js.transform(lambda x: tf.summary.scalar("loss", x)).apply({}, jnp.float32(2.0))
      >>> s.tags, len(jax.tree.leaves(s))
      (['loss'], 1)
      >>> s.SerializeToString()[:2]
      b'\n\x0b'

    TF1 equivalent: tf.compat.v1.Summary (the protocol buffer ``session.run`` returns)
    """

    def __init__(self, specs: tuple[Spec, ...], data: tuple[tuple[Any, ...], ...]):
        self.specs, self.data = tuple(specs), tuple(data)

    def tree_flatten(self):
        return self.data, self.specs

    @classmethod
    def tree_unflatten(cls, specs, data):
        return cls(specs, data)

    @property
    def tags(self) -> list[str]:
        """The tags, in order (an image summary's tag before TF1 appends ``/image/0``...)."""
        return [s.tag for s in self.specs]

    def __repr__(self) -> str:
        return f"Summary({', '.join(f'{s.kind} {s.tag!r}' for s in self.specs)})"

    def SerializeToString(self, seen_tags: set[str] | None = None) -> bytes:  # noqa: N802 (protobuf's name)
        """TF1's serialized ``Summary`` proto. ``seen_tags``: tags whose metadata was written
        before (``FileWriter`` keeps it on the first value of a tag only, as TF1's does)."""
        out = b""
        for spec, data in zip(self.specs, self.data, strict=True):
            for value in _values(spec, [np.asarray(jax.device_get(d)) for d in data]):
                if seen_tags is not None and proto.METADATA in value:
                    if spec.tag in seen_tags:
                        value = {k: v for k, v in value.items() if k != proto.METADATA}
                    seen_tags.add(spec.tag)
                out += proto.bytes_field(1, b"".join(_field(k, v) for k, v in value.items()))
        return out


def _field(number: int, v) -> bytes:
    if number == proto.SIMPLE_VALUE:
        return proto.float_field(number, v)
    return proto.bytes_field(number, v)


def _values(spec: Spec, data: list[np.ndarray]) -> list[dict[int, Any]]:
    """The ``Summary.Value`` fields of one spec, as TF1's kernel fills them."""
    tag = {proto.TAG: spec.tag}
    if spec.kind == "scalar":
        return [{**tag, proto.SIMPLE_VALUE: float(np.float32(data[0]))}]
    if spec.kind == "histogram":
        return [{**tag, proto.HISTO: proto.histogram(*histogram_stats(spec.tag, data[0]))}]
    if spec.kind == "text":
        shape, strings = spec.options
        meta = proto.plugin_metadata("text")
        return [{**tag, proto.METADATA: meta, proto.TENSOR: proto.string_tensor(shape, strings)}]
    (max_outputs,) = spec.options
    out = []
    for i, item in enumerate(data[0]):
        name = f"{spec.tag}/{spec.kind}/{i}" if max_outputs > 1 else f"{spec.tag}/{spec.kind}"
        if spec.kind == "image":
            pixels = image_to_uint8(item)
            h, w, c = pixels.shape
            out.append({proto.TAG: name, proto.IMAGE: proto.image(h, w, c, png(pixels))})
        else:
            rate = float(np.float32(data[1]))
            frames = item.reshape(item.shape[0], -1)
            wav_bytes = wav(frames, rate)
            out.append(
                {proto.TAG: name, proto.AUDIO: proto.audio(rate, *frames.shape[::-1], wav_bytes)}
            )
    return out


def _default_limits() -> list[float]:
    """TF1's default histogram bucket limits (``histogram.cc``: ``InitDefaultBucketsInner``)."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:  # buckets whose width grows by 10%
        pos.append(v)
        v *= 1.1
    pos.append(DBL_MAX)
    return [-x for x in reversed(pos)] + [0.0] + pos


LIMITS = _default_limits()


def histogram_stats(tag: str, values) -> tuple:
    """TF1's ``HistogramSummary``: (min, max, num, sum, sum_squares, bucket limits, counts), in
    float64, runs of empty buckets merged into one (``EncodeToProto(preserve_zero_buckets=False)``)."""
    x = np.asarray(values, np.float64).reshape(-1)
    if np.isnan(x).any():
        raise SummaryArgumentError("histogram", f"Nan in summary histogram for: {tag}",
                                   "Write finite values (TF1 fails session.run the same way).")  # fmt: skip
    if np.isinf(x).any():
        raise SummaryArgumentError("histogram", f"Infinity in summary histogram for: {tag}",
                                   "Write finite values (TF1 fails session.run the same way).")  # fmt: skip
    counts = [0.0] * len(LIMITS)
    for b in np.searchsorted(LIMITS, x, side="right"):  # C++'s upper_bound
        counts[min(int(b), len(LIMITS) - 1)] += 1.0
    limits_out, counts_out = [], []
    i = 0
    while i < len(counts):
        end, count = LIMITS[i], counts[i]
        i += 1
        if count <= 0.0:  # a run of empty buckets becomes one
            while i < len(counts) and counts[i] <= 0.0:
                end, count = LIMITS[i], counts[i]
                i += 1
        limits_out.append(end)
        counts_out.append(count)
    if not limits_out:
        limits_out, counts_out = [DBL_MAX], [0.0]
    mn = float(x.min()) if x.size else DBL_MAX
    mx = float(x.max()) if x.size else -DBL_MAX
    total = float(np.cumsum(x)[-1]) if x.size else 0.0  # added in order, as the kernel does
    squares = float(np.cumsum(x * x)[-1]) if x.size else 0.0
    return mn, mx, float(x.size), total, squares, limits_out, counts_out


def image_to_uint8(image: np.ndarray) -> np.ndarray:
    """One ``[height, width, channels]`` image as TF1's ``ImageSummary`` makes it uint8: uint8
    kept; floats scaled by ``255 / max`` when none is negative, else by ``127 / max|x|`` around
    128 (per image, ignoring non-finite pixels, which become red: 255, 0, 0, 255)."""
    if image.dtype == np.uint8:
        return image
    t = image.dtype.type
    h, w, depth = image.shape
    values = image.reshape(h * w, depth)
    finite = np.isfinite(values).all(axis=1)
    seen = values[finite].astype(np.float32)
    lo = np.float32(seen.min()) if seen.size else np.float32(np.inf)
    hi = np.float32(seen.max()) if seen.size else np.float32(-np.inf)
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale, offset = t(0.0 if max_val < 1e-6 else np.float32(127.0) / max_val), t(128.0)
    else:
        scale, offset = t(0.0 if hi < 1e-6 else np.float32(255.0) / hi), t(0.0)
    with np.errstate(invalid="ignore"):
        scaled = (values * scale + offset).astype(image.dtype)
        out = np.where(finite[:, None], scaled, 0).astype(np.uint8)
    bad = np.array([255, 0, 0, 255][:depth] + [255] * max(0, depth - 4), np.uint8)
    out[~finite] = bad
    return out.reshape(h, w, depth)


def png(pixels: np.ndarray) -> bytes:
    """A PNG of a ``[height, width, 1|3|4]`` uint8 image (grey, RGB, RGBA)."""
    h, w, c = pixels.shape
    color = {1: 0, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + pixels[i].tobytes() for i in range(h))  # filter 0 on each row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def wav(frames: np.ndarray, sample_rate: float) -> bytes:
    """16-bit PCM WAV of ``[frames, channels]`` floats (TF1's ``EncodeAudioAsS16LEWav``: each
    sample times 32768, rounded half away from zero, clamped to int16)."""
    n, channels = frames.shape
    v = frames.astype(np.float32) * np.float32(32768.0)
    v = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))
    pcm = np.clip(v, -32768, 32767).astype("<i2").tobytes()
    rate = int(sample_rate)
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16)
    return header + b"data" + struct.pack("<I", len(pcm)) + pcm
