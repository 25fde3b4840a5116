"""TF1's ``Summary`` and ``Event`` protocol buffers, encoded by hand (the fields used here only),
so event files need neither TensorFlow nor TensorBoard: ``tensorflow/core/framework/summary.proto``
and ``tensorflow/core/util/event.proto`` give the field numbers."""

from __future__ import annotations

import struct

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


def varint(v: int) -> bytes:
    """A base-128 varint; negative int64s as their two's complement (ten bytes), as protobuf."""
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, v = v & 0x7F, v >> 7
        out.append(byte | (0x80 if v else 0))
        if not v:
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return varint(field << 3 | wire)


def int_field(field: int, v: int) -> bytes:
    return _key(field, _VARINT) + varint(int(v))


def double_field(field: int, v: float) -> bytes:
    return _key(field, _FIXED64) + struct.pack("<d", v)


def float_field(field: int, v: float) -> bytes:
    return _key(field, _FIXED32) + struct.pack("<f", v)


def bytes_field(field: int, v: bytes | str) -> bytes:
    data = v.encode() if isinstance(v, str) else bytes(v)
    return _key(field, _BYTES) + varint(len(data)) + data


def packed_doubles(field: int, values) -> bytes:
    return bytes_field(field, struct.pack(f"<{len(values)}d", *values))


# Summary.Value's fields (summary.proto)
TAG, SIMPLE_VALUE, IMAGE, HISTO, AUDIO, TENSOR, METADATA = 1, 2, 4, 5, 6, 8, 9
DT_STRING = 7  # types.proto


def histogram(mn, mx, num, total, sum_squares, limits, counts) -> bytes:
    """``HistogramProto``."""
    return (
        double_field(1, mn)
        + double_field(2, mx)
        + double_field(3, num)
        + double_field(4, total)
        + double_field(5, sum_squares)
        + packed_doubles(6, limits)
        + packed_doubles(7, counts)
    )


def image(height: int, width: int, colorspace: int, png: bytes) -> bytes:
    """``Summary.Image``."""
    return (
        int_field(1, height) + int_field(2, width) + int_field(3, colorspace) + bytes_field(4, png)
    )


def audio(sample_rate: float, channels: int, frames: int, wav: bytes) -> bytes:
    """``Summary.Audio``."""
    return (
        float_field(1, sample_rate)
        + int_field(2, channels)
        + int_field(3, frames)
        + bytes_field(4, wav)
        + bytes_field(5, "audio/wav")
    )


def string_tensor(shape, strings) -> bytes:
    """``TensorProto`` of dtype string (``AsProtoField``: the strings in ``string_val``)."""
    dims = b"".join(bytes_field(2, int_field(1, d) if d else b"") for d in shape)
    return (
        int_field(1, DT_STRING)
        + bytes_field(2, dims)
        + b"".join(bytes_field(8, s) for s in strings)
    )


def plugin_metadata(plugin_name: str) -> bytes:
    """``SummaryMetadata`` naming its plugin (``PluginData.plugin_name``)."""
    return bytes_field(1, bytes_field(1, plugin_name))


def event(wall_time: float, step: int | None = None, *, file_version=None, summary=None) -> bytes:
    """``Event``: ``wall_time``, ``step`` and one of ``file_version`` / a serialized ``Summary``."""
    out = double_field(1, wall_time)
    if step:
        out += int_field(2, step)
    if file_version is not None:
        out += bytes_field(3, file_version)
    if summary is not None:
        out += bytes_field(5, summary)
    return out
