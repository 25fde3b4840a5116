"""Index files that pass every checksum but lie are CorruptCheckpointError, before any allocation.

Each case takes a checkpoint written by tf.compat.v1.train.Saver (tests/fixtures/tf1/dtypes: two
shards, a partitioned variable), rewrites one field of one index entry (or of the header, or of
the table itself) and rebuilds the table with fresh CRC32Cs, so only the semantic checks of
jaxscope/_src/checkpoint/bundle_index.py can catch it.
"""

import os
import shutil
import struct
import time
import tracemalloc

import pytest

from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint import tensorbundle as tb
from jaxscope._src.checkpoint.errors import CheckpointNotFoundError, CorruptCheckpointError

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf1")
NAME = "dtypes/float32"  # shape (2, 3), shard 1, bytes [108, 132)
PART_OF = "part/w"  # shape (7, 2) in parts of 3, 2 and 2 rows


# --- a tiny protobuf writer, independent of the reader's decoder ---------------------------


def varint(v: int) -> bytes:
    v &= (1 << 64) - 1
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    return bytes(out + bytes([v]))


def num(field: int, v: int) -> bytes:
    return varint(field << 3) + varint(v)


def msg(field: int, body: bytes) -> bytes:
    return varint(field << 3 | 2) + varint(len(body)) + body


def crc_field(v: int) -> bytes:
    return varint(6 << 3 | 5) + struct.pack("<I", v)


def shape(*dims: int) -> bytes:
    return msg(2, b"".join(msg(2, num(1, d)) for d in dims))


def extent(start: int, length: int | None) -> bytes:
    return msg(1, num(1, start) + (num(2, length) if length is not None else b""))


def slices(*parts) -> bytes:
    return b"".join(msg(7, b"".join(extent(s, n) for s, n in part)) for part in parts)


GOOD = dict(dtype=num(1, 1), shape=shape(2, 3), shard=num(3, 1), offset=num(4, 108),
            size=num(5, 24), crc=crc_field(0))  # fmt: skip


def entry(**fields) -> bytes:
    return b"".join({**GOOD, **fields}.values())


PARTS = [((0, 3), (0, 2)), ((3, 2), (0, 2)), ((5, 2), (0, 2))]


def part_entry(*parts) -> bytes:
    return num(1, 1) + shape(7, 2) + slices(*parts)


# --- rewriting a checkpoint's index ----------------------------------------------------------


def copy_fixture(tmp_path) -> str:
    shutil.copytree(os.path.join(FIXTURES, "dtypes"), tmp_path / "dtypes")
    return str(tmp_path / "dtypes" / "model.ckpt")


def rewrite(prefix: str, edit) -> None:
    with open(prefix + ".index", "rb") as f:
        items = tb.read_table(f.read(), prefix)
    items = edit(dict(items))
    if isinstance(items, dict):
        items = sorted(items.items())
    with open(prefix + ".index", "wb") as f:
        f.write(tb.build_table(items))


def set_value(key: bytes, value: bytes):
    def edit(items):
        items[key] = value
        return items

    return edit


def set_entry(**fields):
    return set_value(NAME.encode(), entry(**fields))


def set_header(value: bytes):
    return set_value(b"", value)


def rename(old: bytes, new: bytes):
    def edit(items):
        items[new] = items.pop(old)
        return items

    return edit


def overlapping_parts(items):
    # rows [0, 3) and [2, 4) overlap and row 4 is left out: the element count alone matches
    items[tb.slice_key(PART_OF, [(2, 2), (0, 2)])] = entry(
        shape=shape(2, 2), shard=num(3, 0), offset=num(4, 198), size=num(5, 16)
    )
    items[PART_OF.encode()] = part_entry(PARTS[0], ((2, 2), (0, 2)), PARTS[2])
    return items


def reorder(items):
    items = sorted(items.items())
    return [items[0], items[-1], *items[1:-1]]


def duplicate(items):
    items = sorted(items.items())
    return [*items[:5], items[4], *items[5:]]


# (id, edit, tensor named in the message or None, what the message says)
ENTRY_CASES = [
    ("dtype_invalid", set_entry(dtype=num(1, 0)), NAME, "DataType enum 0, which is no"),
    ("dtype_huge", set_entry(dtype=num(1, 10**6)), NAME, "DataType enum 1000000"),
    ("dims_1e12_for_16_bytes", set_entry(shape=shape(10**12)), NAME,
     r"shape \(1000000000000,\) of float32 needs 4000000000000 bytes, but the entry says 24"),
    ("dims_product_overflows_int64", set_entry(shape=shape(2**40, 2**40)), NAME, "needs"),
    ("dim_negative", set_entry(shape=shape(2, -3)), NAME, r"shape \(2, -3\) has a negative"),
    ("rank_1000", set_entry(shape=shape(*[1] * 1000)), NAME, "needs 4 bytes, but the entry says 24"),
    ("unknown_rank", set_entry(shape=msg(2, num(3, 1))), NAME, "unknown rank"),
    ("shard_id_past_header", set_entry(shard=num(3, 7)), NAME, "shard id is 7, but the header says 2"),
    ("shard_id_negative", set_entry(shard=num(3, -1)), NAME, "shard id is 18446744073709551615"),
    ("offset_negative", set_entry(offset=num(4, -8)), NAME, "offset -8 or size 24 is negative"),
    ("offset_past_shard", set_entry(offset=num(4, 10**12)), NAME,
     r"ends at byte 252, but the tensor's 24 bytes run to byte 1000000000024"),
    ("size_negative", set_entry(size=num(5, -24)), NAME, "offset 108 or size -24 is negative"),
    ("size_past_shard", set_entry(size=num(5, 10**12)), NAME, "run to byte 1000000000108"),
    ("crc_wider_than_32_bits", set_entry(crc=num(6, 1 << 40)), NAME, "crc32c 1099511627776 does not fit"),
    ("shape_as_number", set_entry(shape=num(2, 5)), NAME, "field shape .2. is not a length-delimited"),
    ("dtype_as_message", set_entry(dtype=msg(1, b"\x01")), NAME, "field dtype .1. is not a number"),
    ("dim_as_message", set_entry(shape=msg(2, msg(2, msg(1, b"")))), NAME, "field size .1. is not a number"),
    ("length_1e12", set_value(NAME.encode(), varint(2 << 3 | 2) + varint(10**12) + b"\x08\x01"), NAME,
     "runs past the end of its message"),
    ("varint_11_bytes", set_value(NAME.encode(), b"\x08" + b"\xff" * 10 + b"\x01"), NAME,
     "varint longer than 10 bytes"),
    ("varint_past_64_bits", set_value(NAME.encode(), b"\x08" + b"\xff" * 9 + b"\x7f"), NAME,
     "does not fit 64 bits"),
    ("varint_truncated", set_value(NAME.encode(), entry() + b"\x28\xff"), NAME, "bad entry proto"),
    ("wire_type_7", set_value(NAME.encode(), entry() + b"\x0f"), NAME, "unknown protobuf wire type 7"),
    ("fixed64_truncated", set_value(NAME.encode(), entry() + b"\x49\x01\x02"), NAME,
     "runs past the end"),
    ("name_not_utf8", rename(NAME.encode(), b"dtypes/\xff\xfe"), r"dtypes/\\xff\\xfe",
     r"the tensor name b'dtypes/\\xff\\xfe' is not UTF-8"),
    ("part_missing", set_value(PART_OF.encode(), part_entry(*PARTS, ((0, 1), (0, 2)))), PART_OF,
     r"the part \(\(0, 1\), \(0, 2\)\) .* is missing"),
    ("part_start_negative", set_value(PART_OF.encode(), part_entry(((-1, 3), (0, 2)), *PARTS[1:])),
     PART_OF, "lies outside the shape"),
    ("part_past_shape", set_value(PART_OF.encode(), part_entry(*PARTS[:2], ((5, 10**12), (0, 2)))),
     PART_OF, "lies outside the shape"),
    ("part_rank", set_value(PART_OF.encode(), part_entry(((0, 7),))), PART_OF,
     r"a part has 1 extents, but the shape \(7, 2\) has rank 2"),
    ("part_left_out", set_value(PART_OF.encode(), part_entry(*PARTS[:2])), PART_OF,
     r"its 2 parts hold 10 elements, but its shape \(7, 2\) has 14"),
    ("parts_overlap", overlapping_parts, PART_OF,
     r"parts \(\(0, 3\), \(0, 2\)\) and \(\(2, 2\), \(0, 2\)\) overlap"),
    ("part_entry_wrong_shape",
     set_value(tb.slice_key(PART_OF, [(3, 2), (0, 2)]), entry(shape=shape(1, 2), size=num(5, 8))),
     PART_OF, r"has shape \(1, 2\) .* needs shape \(2, 2\)"),
    ("part_entry_not_utf8", rename(tb.slice_key(PART_OF, [(3, 2), (0, 2)]),
                                   tb.slice_key("part/w", [(3, 2), (0, 2)]).replace(b"w", b"\xff")),
     PART_OF, "is missing"),
]  # fmt: skip

HEADER_CASES = [
    ("num_shards_1e12", set_header(num(1, 10**12)), "says it has 1000000000000 data shards"),
    ("num_shards_zero", set_header(num(1, 0)), "says it has 0 data shards"),
    ("num_shards_negative", set_header(num(1, -1)), "says it has -1 data shards"),
    ("num_shards_not_on_disk", set_header(num(1, 3)),
     r"says it has 3 data shards, but the data files beside it are model.ckpt.data-00000-of-00002"),
    ("num_shards_as_message", set_header(msg(1, b"")), "field num_shards .1. is not a number"),
    ("endianness", set_header(num(1, 2) + num(2, 7)), "endianness is 7"),
    ("header_missing", lambda items: {k: v for k, v in items.items() if k}, "header entry"),
    ("keys_out_of_order", reorder, "keys must be unique and sorted"),
    ("key_twice", duplicate, "keys must be unique and sorted"),
]  # fmt: skip


@pytest.mark.parametrize(
    "edit, name, what", [c[1:] for c in ENTRY_CASES], ids=[c[0] for c in ENTRY_CASES]
)
def test_lying_entry_is_corrupt_and_names_file_and_tensor(tmp_path, edit, name, what):
    prefix = copy_fixture(tmp_path)
    rewrite(prefix, edit)
    error = assert_corrupt_quickly(prefix, what)
    assert f'(reading variable "{name.replace(chr(92) * 2, chr(92))}")' in str(error)


@pytest.mark.parametrize(
    "edit, what", [c[1:] for c in HEADER_CASES], ids=[c[0] for c in HEADER_CASES]
)
def test_lying_header_or_table_is_corrupt_and_names_the_file(tmp_path, edit, what):
    prefix = copy_fixture(tmp_path)
    rewrite(prefix, edit)
    assert_corrupt_quickly(prefix, what)


def assert_corrupt_quickly(prefix: str, what: str) -> CorruptCheckpointError:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(CorruptCheckpointError, match=what) as e:
            ckpt.load_variables(prefix)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5
    assert peak < 8 << 20, f"peak {peak} bytes"  # the index is a few KB; nothing sized by a lie
    assert os.path.basename(prefix) in str(e.value) and "is corrupt" in str(e.value)
    return e.value


def handle(offset: int, size: int) -> bytes:
    return varint(offset) + varint(size)


def footer(meta: bytes, index: bytes) -> bytes:
    return (meta + index).ljust(tb.FOOTER_SIZE - 8, b"\x00") + struct.pack("<Q", tb.TABLE_MAGIC)


def block(contents: bytes) -> bytes:
    return contents + b"\x00" + struct.pack("<I", tb.masked_crc32c(contents + b"\x00"))


def block_entry(key: bytes, value: bytes, shared: int = 0) -> bytes:
    return varint(shared) + varint(len(key)) + varint(len(value)) + key + value


def restarts(*offsets: int) -> bytes:
    return b"".join(struct.pack("<I", o) for o in offsets) + struct.pack("<I", len(offsets))


def table(data_block: bytes, index_handle=None, meta_handle=None) -> bytes:
    """A table of one data block (given as its contents); handles can be overridden."""
    data = block(data_block)
    meta = block(restarts(0))
    index = block(block_entry(b"\xff", handle(0, len(data_block))) + restarts(0))
    body = data + meta + index
    meta_h = meta_handle or handle(len(data), len(meta) - 5)
    index_h = index_handle or handle(len(data) + len(meta), len(index) - 5)
    return body + footer(meta_h, index_h)


GOOD_BLOCK = block_entry(b"", num(1, 2)) + restarts(0)

TABLE_CASES = [
    ("index_handle_1e12", dict(index_handle=handle(0, 10**12)), "lies past the end"),
    ("index_offset_1e12", dict(index_handle=handle(10**12, 4)), "lies past the end"),
    ("meta_handle_past_end", dict(meta_handle=handle(10**9, 1)), "metaindex block"),
    ("handle_varint_past_64_bits", dict(index_handle=b"\xff" * 9 + b"\x7f" + b"\x01"),
     "does not fit 64 bits"),
    ("restarts_2e9", dict(data_block=struct.pack("<I", 2**31)), "restart array is larger"),
    ("entry_value_1e12", dict(data_block=varint(0) + varint(0) + varint(10**12) + restarts(0)),
     "runs past the end of its block"),
    ("entry_shared_past_key", dict(data_block=block_entry(b"a", b"", shared=5) + restarts(0)),
     "runs past the end of its block"),
    ("block_shorter_than_restart_count", dict(data_block=b"\x01"), "cannot parse"),
]  # fmt: skip


@pytest.mark.parametrize(
    "overrides, what", [c[1:] for c in TABLE_CASES], ids=[c[0] for c in TABLE_CASES]
)
def test_lying_table_structure_is_corrupt(tmp_path, overrides, what):
    prefix = str(tmp_path / "model.ckpt")
    open(prefix + ".data-00000-of-00001", "wb").close()
    with open(prefix + ".index", "wb") as f:
        f.write(table(**{"data_block": GOOD_BLOCK, **overrides}))
    assert_corrupt_quickly(prefix, what)


def test_the_table_writer_of_these_tests_is_valid(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    open(prefix + ".data-00000-of-00001", "wb").close()
    with open(prefix + ".index", "wb") as f:
        f.write(table(block_entry(b"", num(1, 1)) + restarts(0)))
    assert ckpt.load_variables(prefix) == {}


def test_unedited_rewrite_still_loads(tmp_path):
    prefix = copy_fixture(tmp_path)
    rewrite(prefix, lambda items: items)
    assert len(ckpt.load_variables(prefix)) == 16


def test_a_deleted_shard_is_still_not_found_not_corrupt(tmp_path):
    prefix = copy_fixture(tmp_path)
    os.remove(prefix + ".data-00000-of-00002")
    with pytest.raises(CheckpointNotFoundError, match="data-00000-of-00002 .* is missing"):
        ckpt.load_variables(prefix)
