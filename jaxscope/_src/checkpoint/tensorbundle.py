"""TensorFlow's TensorBundle checkpoint format (V2), read and written without TensorFlow.

A checkpoint ``prefix`` is ``prefix.index`` plus ``prefix.data-<i>-of-<n>`` shards. The index is a
LevelDB-style sorted table (tensorflow/core/lib/io/table_builder.cc, format.cc): data blocks of
prefix-compressed ``key -> value`` entries with restart points, each followed by a 5-byte trailer
(compression byte + masked CRC32C), an index block of ``last key -> BlockHandle``, and a 48-byte
footer ending in a magic number. Key ``""`` holds a ``BundleHeaderProto``; every other key a
``BundleEntryProto`` (tensor_bundle.proto) saying where the tensor's bytes lie in which shard and
their masked CRC32C. Both protos are small, so they are decoded and encoded here by hand: no
protobuf or TensorFlow at runtime.

A partitioned variable has a full-shape entry whose ``slices`` list its parts; each part is an
ordinary entry under a binary key made by ``checkpoint::EncodeTensorNameSlice`` (OrderedCode).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import google_crc32c
import ml_dtypes
import numpy as np

from jaxscope._src.checkpoint.errors import (
    ChecksumMismatchError,
    CorruptCheckpointError,
    UnsupportedCheckpointError,
)

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48  # two BlockHandles padded to 40 bytes, then the 8-byte magic
BLOCK_TRAILER_SIZE = 5
_MASK_DELTA = 0xA282EAD8

# tensorflow/core/framework/types.proto DataType -> numpy. DT_STRING (7) is listed but not read.
DT_STRING = 7
DTYPES: dict[int, np.dtype] = {
    1: np.dtype(np.float32),
    2: np.dtype(np.float64),
    3: np.dtype(np.int32),
    4: np.dtype(np.uint8),
    5: np.dtype(np.int16),
    6: np.dtype(np.int8),
    8: np.dtype(np.complex64),
    9: np.dtype(np.int64),
    10: np.dtype(np.bool_),
    14: np.dtype(ml_dtypes.bfloat16),
    17: np.dtype(np.uint16),
    18: np.dtype(np.complex128),
    19: np.dtype(np.float16),
    22: np.dtype(np.uint32),
    23: np.dtype(np.uint64),
}
DT_OF_DTYPE: dict[np.dtype, int] = {v: k for k, v in DTYPES.items()}


def masked_crc32c(data: bytes, crc: int | None = None) -> int:
    """LevelDB's masked CRC32C (crc32c.h: rotate right 15, add a constant)."""
    crc = google_crc32c.value(data) if crc is None else crc
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


# --- protobuf wire format -------------------------------------------------------------------


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = buf[pos]  # IndexError on truncation; callers turn it into CorruptCheckpointError
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 10 bytes")


def _uvarint64(buf: bytes, pos: int) -> tuple[int, int]:
    value, pos = _varint(buf, pos)
    if value >> 64:
        raise ValueError(f"varint {value} does not fit 64 bits")
    return value, pos


def _fields(buf: bytes):
    """Yields ``(field_number, value)``: an int for varint/fixed fields, bytes for the rest."""
    pos = 0
    while pos < len(buf):
        key, pos = _uvarint64(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _uvarint64(buf, pos)
        elif wire == 1:
            value, pos = int.from_bytes(buf[pos : pos + 8], "little"), pos + 8
        elif wire == 2:
            n, pos = _uvarint64(buf, pos)
            value, pos = bytes(buf[pos : pos + n]), pos + n
        elif wire == 5:
            value, pos = int.from_bytes(buf[pos : pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unknown protobuf wire type {wire}")
        if pos > len(buf):
            raise ValueError("protobuf field runs past the end of its message")
        yield field, value


def _int64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


_PROTO_FIELDS = {  # (message, field) -> (name, Python type of its value: int or bytes)
    ("header", 1): ("num_shards", int),
    ("header", 2): ("endianness", int),
    ("header", 3): ("version", bytes),
    ("version", 1): ("producer", int),
    ("entry", 1): ("dtype", int),
    ("entry", 2): ("shape", bytes),
    ("entry", 3): ("shard_id", int),
    ("entry", 4): ("offset", int),
    ("entry", 5): ("size", int),
    ("entry", 6): ("crc32c", int),
    ("entry", 7): ("slices", bytes),
    ("shape", 2): ("dim", bytes),
    ("shape", 3): ("unknown_rank", int),
    ("dim", 1): ("size", int),
    ("slice", 1): ("extent", bytes),
    ("extent", 1): ("start", int),
    ("extent", 2): ("length", int),
}


def _typed_fields(buf: bytes, message: str):
    """``_fields`` of a known message, each known field checked to have its wire type."""
    for field, value in _fields(buf):
        known = _PROTO_FIELDS.get((message, field))
        if known is not None and not isinstance(value, known[1]):
            kind = "a length-delimited message" if known[1] is bytes else "a number"
            raise ValueError(f"{message} field {known[0]} ({field}) is not {kind}")
        yield field, value


def _enc_varint(v: int) -> bytes:
    v &= (1 << 64) - 1
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _enc_field(field: int, value: int | bytes) -> bytes:
    if isinstance(value, bytes):
        return _enc_varint(field << 3 | 2) + _enc_varint(len(value)) + value
    return _enc_varint(field << 3) + _enc_varint(value)


class BundleHeader(NamedTuple):
    num_shards: int
    big_endian: bool
    producer: int


class BundleEntry(NamedTuple):
    """A decoded ``BundleEntryProto``; ``slices`` holds ``((start, length | None), ...)`` per part."""

    dtype: int
    shape: tuple[int, ...]
    shard_id: int
    offset: int
    size: int
    crc32c: int
    slices: tuple[tuple[tuple[int, int | None], ...], ...]


def decode_header(buf: bytes) -> BundleHeader:
    num_shards, endianness, producer = 0, 0, 0
    for field, value in _typed_fields(buf, "header"):
        if field == 1:
            num_shards = _int64(value)
        elif field == 2:
            endianness = value
        elif field == 3:
            producer = dict(_typed_fields(value, "version")).get(1, 0)
    if endianness not in (0, 1):
        raise ValueError(f"endianness is {endianness}, neither 0 (little) nor 1 (big)")
    return BundleHeader(num_shards, endianness == 1, producer)


def _decode_shape(buf: bytes) -> tuple[int, ...]:
    dims = []
    for field, value in _typed_fields(buf, "shape"):
        if field == 2:  # TensorShapeProto.dim
            dims.append(_int64(dict(_typed_fields(value, "dim")).get(1, 0)))
        elif field == 3 and value:
            raise ValueError("a saved tensor has unknown rank")
    return tuple(dims)


def _decode_slice(buf: bytes) -> tuple[tuple[int, int | None], ...]:
    extents = []
    for field, value in _typed_fields(buf, "slice"):
        if field == 1:  # TensorSliceProto.extent: start = 1, length = 2 (absent: full extent)
            ext = dict(_typed_fields(value, "extent"))
            extents.append((_int64(ext.get(1, 0)), _int64(ext[2]) if 2 in ext else None))
    return tuple(extents)


def decode_entry(buf: bytes) -> BundleEntry:
    f = {1: 0, 2: b"", 3: 0, 4: 0, 5: 0, 6: 0}
    slices = []
    for field, value in _typed_fields(buf, "entry"):
        if field == 7:
            slices.append(_decode_slice(value))
        elif field in f:
            f[field] = value
    if f[6] >> 32:
        raise ValueError(f"crc32c {f[6]} does not fit 32 bits")
    return BundleEntry(
        f[1], _decode_shape(f[2]), f[3], _int64(f[4]), _int64(f[5]), f[6], tuple(slices)
    )


def encode_header(num_shards: int) -> bytes:
    return _enc_field(1, num_shards) + _enc_field(3, _enc_field(1, 1))  # little-endian, version 1


def encode_entry(dtype: int, shape, offset: int, size: int, crc: int, shard_id: int = 0) -> bytes:
    shape_proto = b"".join(_enc_field(2, _enc_field(1, int(d))) for d in shape)
    return (
        _enc_field(1, dtype)
        + _enc_field(2, shape_proto)
        + (_enc_field(3, shard_id) if shard_id else b"")
        + (_enc_field(4, offset) if offset else b"")
        + (_enc_field(5, size) if size else b"")
        + _enc_varint(6 << 3 | 5)
        + struct.pack("<I", crc)
    )


def encode_sliced_entry(dtype: int, shape, slices) -> bytes:
    """The full-shape entry of a partitioned variable: dtype, shape and its parts' extents (no
    data of its own), as ``BundleWriter::AddSlice`` writes it."""
    shape_proto = b"".join(_enc_field(2, _enc_field(1, int(d))) for d in shape)
    out = _enc_field(1, dtype) + _enc_field(2, shape_proto)
    for extents in slices:
        proto = b""
        for start, length in extents:
            ext = (_enc_field(1, start) if start else b"") + (
                b"" if length is None else _enc_field(2, length)
            )
            proto += _enc_field(1, ext)
        out += _enc_field(7, proto)
    return out


# --- OrderedCode keys of partitioned-variable slices ---------------------------------------


def _ordered_signed(v: int) -> bytes:
    # OrderedCode::WriteSignedNumIncreasing: n bytes of two's complement, the top n+1 bits
    # replaced by a unary length header (n ones, then the sign-extended value), 7n-1 value bits.
    x = ~v if v < 0 else v
    n = next(n for n in range(1, 11) if x.bit_length() <= 7 * n - 1)
    header = ((1 << n) - 1) << (7 * n)
    return ((v & ((1 << 8 * n) - 1)) ^ header).to_bytes(n, "big")


def slice_key(name: str, extents) -> bytes:
    """``checkpoint::EncodeTensorNameSlice(name, slice)``: the index key of one part."""
    escaped = name.encode().replace(b"\xff", b"\xff\x00").replace(b"\x00", b"\x00\xff")
    rank = len(extents).to_bytes(8, "big").lstrip(b"\x00")
    key = b"\x00" + escaped + b"\x00\x01" + bytes([len(rank)]) + rank
    for start, length in extents:
        key += _ordered_signed(start) + _ordered_signed(-1 if length is None else length)
    return key


# --- the sorted table ------------------------------------------------------------------------


def _handle(buf: bytes, pos: int) -> tuple[int, int, int]:
    offset, pos = _uvarint64(buf, pos)
    size, pos = _uvarint64(buf, pos)
    return offset, size, pos


def _block(data: bytes, offset: int, size: int, path: str) -> bytes:
    end = offset + size + BLOCK_TRAILER_SIZE
    if offset < 0 or end > len(data):
        raise CorruptCheckpointError(path, f"a table block [{offset}, {end}) lies past the end")
    contents, kind = data[offset : offset + size], data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    computed = masked_crc32c(data[offset : offset + size + 1])
    if stored != computed:
        raise ChecksumMismatchError(path, f"the table block at offset {offset}", stored, computed)
    if kind != 0:
        raise UnsupportedCheckpointError(
            path,
            f"its table block at offset {offset} is compressed (compression type {kind}; 1 is "
            "snappy), which TensorFlow never writes for checkpoints and jaxscope does not read",
            "Re-save it uncompressed: tf.train.load_checkpoint(prefix) then Saver().save(...).",
        )
    return contents


def _block_entries(block: bytes):
    num_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * num_restarts
    if end < 0:
        raise ValueError("block restart array is larger than the block")
    pos, key = 0, b""
    while pos < end:
        shared, pos = _uvarint64(block, pos)
        unshared, pos = _uvarint64(block, pos)
        value_len, pos = _uvarint64(block, pos)
        if shared > len(key) or pos + unshared + value_len > end:
            raise ValueError("block entry runs past the end of its block")
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        yield key, block[pos : pos + value_len]
        pos += value_len


def read_table(data: bytes, path: str) -> list[tuple[bytes, bytes]]:
    """All ``(key, value)`` pairs of an index file's bytes, in key order, checksums verified."""
    try:
        if len(data) < FOOTER_SIZE:
            raise ValueError(f"it has {len(data)} bytes, shorter than a table footer")
        magic = struct.unpack_from("<Q", data, len(data) - 8)[0]
        if magic != TABLE_MAGIC:
            raise ValueError(f"its footer magic is 0x{magic:016x}, not 0x{TABLE_MAGIC:016x}")
        footer = data[-FOOTER_SIZE:]
        meta_offset, meta_size, pos = _handle(footer, 0)  # the metaindex block, unused
        if meta_offset + meta_size + BLOCK_TRAILER_SIZE > len(data) - FOOTER_SIZE:
            raise ValueError(
                f"the metaindex block [{meta_offset}, {meta_offset + meta_size}) lies past the "
                f"{len(data) - FOOTER_SIZE} bytes before the footer"
            )
        index_offset, index_size, _ = _handle(footer, pos)
        items = []
        for _, handle in _block_entries(_block(data, index_offset, index_size, path)):
            offset, size, _ = _handle(handle, 0)
            for key, value in _block_entries(_block(data, offset, size, path)):
                if items and key <= items[-1][0]:
                    raise ValueError(
                        f"key {key!r} follows key {items[-1][0]!r}: keys must be unique and sorted"
                    )
                items.append((key, value))
    except (ValueError, IndexError, struct.error) as e:
        if isinstance(e, CorruptCheckpointError | UnsupportedCheckpointError):
            raise
        raise CorruptCheckpointError(path, f"cannot parse the index table ({e})") from None
    return items


class _BlockBuilder:
    def __init__(self, restart_interval: int):
        self.buf, self.restarts, self.count, self.last = bytearray(), [0], 0, b""
        self.restart_interval = restart_interval

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self.count < self.restart_interval:
            while shared < min(len(key), len(self.last)) and key[shared] == self.last[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buf))
            self.count = 0
        self.buf += _enc_varint(shared) + _enc_varint(len(key) - shared) + _enc_varint(len(value))
        self.buf += key[shared:] + value
        self.last, self.count = key, self.count + 1

    def finish(self) -> bytes:
        return (
            bytes(self.buf)
            + b"".join(struct.pack("<I", r) for r in self.restarts)
            + (struct.pack("<I", len(self.restarts)))
        )


def build_table(items: list[tuple[bytes, bytes]], block_size: int = 4096) -> bytes:
    """A LevelDB table (uncompressed) of ``items``, which must be sorted by key."""
    out = bytearray()

    def emit(contents: bytes) -> bytes:
        handle = _enc_varint(len(out)) + _enc_varint(len(contents))
        out.extend(contents + b"\x00" + struct.pack("<I", masked_crc32c(contents + b"\x00")))
        return handle

    index, block = _BlockBuilder(1), _BlockBuilder(16)
    for key, value in items:
        block.add(key, value)
        if len(block.buf) >= block_size:
            index.add(block.last, emit(block.finish()))
            block = _BlockBuilder(16)
    if block.count or not items:
        index.add(block.last, emit(block.finish()))
    meta_handle = emit(_BlockBuilder(16).finish())
    index_handle = emit(index.finish())
    footer = (meta_handle + index_handle).ljust(FOOTER_SIZE - 8, b"\x00")
    return bytes(out + footer + struct.pack("<Q", TABLE_MAGIC))
