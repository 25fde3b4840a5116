"""A checkpoint's index, decoded and checked against its data files before anything is read.

An index file can pass every checksum and still lie: a header claiming 10**12 shards, an entry
with a shape of 10**12 elements for 16 bytes, a negative offset, a name that is not UTF-8.
Checksums only say the bytes are the ones written; these checks say they describe files that
exist. Every field is checked here, against the sizes of the files on disk, *before* any list
or array is sized by it, so a crafted index costs no more memory than its own bytes and fails
with a :class:`CorruptCheckpointError` naming the file and the tensor.
"""

from __future__ import annotations

import glob
import math
import os
from typing import NamedTuple

from jaxscope._src.checkpoint import tensorbundle as tb
from jaxscope._src.checkpoint.errors import CheckpointNotFoundError, CorruptCheckpointError

_INT32_MAX = (1 << 31) - 1  # BundleHeaderProto.num_shards is an int32


class BundleIndex(NamedTuple):
    """A checked index: every entry fits its shard, every part of every variable is present."""

    header: tb.BundleHeader
    entries: dict[bytes, tb.BundleEntry]
    names: list[str]  # the variables (not their parts), sorted
    shards: list[str]  # the data files, by shard id


def shard_path(prefix: str, shard: int, num_shards: int) -> str:
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def key_name(key: bytes) -> str:
    """The variable a key belongs to, readable even when the key is not UTF-8."""
    if key.startswith(b"\x00"):  # a part: \x00 escaped-name \x00\x01 ...
        key = key[1:].split(b"\x00\x01", 1)[0].replace(b"\x00\xff", b"\x00")
        key = key.replace(b"\xff\x00", b"\xff")
    return key.decode("utf-8", "backslashreplace")


def read_index(prefix: str) -> BundleIndex:
    """Reads and checks ``prefix.index`` against the ``prefix.data-*`` files beside it."""
    path = prefix + ".index"
    with open(path, "rb") as f:
        items = tb.read_table(f.read(), path)
    if not items or items[0][0] != b"":
        raise CorruptCheckpointError(path, "the header entry (key '') is missing")
    try:
        header = tb.decode_header(items[0][1])
    except (ValueError, IndexError) as e:
        raise CorruptCheckpointError(path, f"bad header proto ({e})") from None
    shards = _shards(prefix, path, header.num_shards)
    sizes = [os.path.getsize(s) for s in shards]
    entries: dict[bytes, tb.BundleEntry] = {}
    names = []
    for key, value in items[1:]:
        name = key_name(key)
        try:
            entry = entries[key] = tb.decode_entry(value)
        except (ValueError, IndexError) as e:
            raise CorruptCheckpointError(path, f"bad entry proto ({e})", name) from None
        if not key.startswith(b"\x00"):
            try:
                names.append(key.decode("utf-8"))
            except UnicodeDecodeError as e:
                raise CorruptCheckpointError(
                    path,
                    f"the tensor name {key!r} is not UTF-8 ({e.reason} at byte {e.start})",
                    name,
                ) from None
        _check_entry(entry, path, name, shards, sizes)
    for key in names:
        if entries[key.encode()].slices:
            _check_parts(key, entries, path)
    return BundleIndex(header, entries, names, shards)


def _shards(prefix: str, path: str, num_shards: int) -> list[str]:
    """The data files, all present; only as many names are made as files exist on disk."""
    if not 1 <= num_shards <= _INT32_MAX:
        raise CorruptCheckpointError(
            path, f"the header says it has {num_shards} data shards (1 to {_INT32_MAX} allowed)"
        )
    on_disk = sorted(glob.glob(glob.escape(prefix) + ".data-?????-of-?????"))
    present = {p for p in on_disk if p.endswith(f"-of-{num_shards:05d}")}
    missing = next(
        (
            i
            for i in range(min(num_shards, len(present) + 1))
            if shard_path(prefix, i, num_shards) not in present
        ),
        None,
    )
    if missing is None:
        return [shard_path(prefix, i, num_shards) for i in range(num_shards)]
    others = [p for p in on_disk if p not in present]
    if others:  # the files say another shard count: the header is what lies
        shown = ", ".join(os.path.basename(p) for p in others[:4])
        raise CorruptCheckpointError(
            path,
            f"the header says it has {num_shards} data shards, but the data files beside it "
            f"are {shown}{', ...' if len(others) > 4 else ''}",
        )
    shard = shard_path(prefix, missing, num_shards)
    raise CheckpointNotFoundError(
        shard,
        f"Data shard {os.path.basename(shard)} of checkpoint {prefix} is missing",
        f"Copy all {num_shards} .data-* files with the .index file.",
    )


def _check_entry(entry: tb.BundleEntry, path: str, name: str, shards, sizes) -> None:
    def bad(problem: str):
        raise CorruptCheckpointError(path, problem, name)

    dt = entry.dtype
    if not (1 <= dt < 100 or 101 <= dt < 200):
        bad(f"its dtype is DataType enum {dt}, which is no TensorFlow dtype (1..99, or +100)")
    if any(d < 0 for d in entry.shape):
        bad(f"its shape {entry.shape} has a negative dimension")
    if not 0 <= entry.shard_id < len(shards):
        bad(f"its shard id is {entry.shard_id}, but the header says {len(shards)} shard(s)")
    shard, size = shards[entry.shard_id], sizes[entry.shard_id]
    if entry.offset < 0 or entry.size < 0:
        bad(f"its offset {entry.offset} or size {entry.size} is negative")
    if entry.offset + entry.size > size:  # a truncated shard, or an index that lies
        raise CorruptCheckpointError(
            shard,
            f"it ends at byte {size}, but the tensor's {entry.size} bytes run to byte "
            f"{entry.offset + entry.size} (as {os.path.basename(path)} says)",
            name,
        )
    numpy_dtype = tb.DTYPES.get(dt % 100)
    if entry.slices or numpy_dtype is None:
        return  # a partitioned variable's bytes are in its parts; unread dtypes have no itemsize
    expected = math.prod(entry.shape) * numpy_dtype.itemsize
    if entry.size != expected:
        bad(
            f"its shape {entry.shape} of {numpy_dtype} needs {expected} bytes, but the entry "
            f"says {entry.size}"
        )


def _check_parts(name: str, entries, path: str) -> None:
    """The parts of a partitioned variable exist, fit its shape and tile it exactly."""
    full = entries[name.encode()]

    def bad(problem: str):
        raise CorruptCheckpointError(path, problem, name)

    boxes = []
    for extents in full.slices:
        if len(extents) != len(full.shape):
            bad(
                f"a part has {len(extents)} extents, but the shape {full.shape} has rank "
                f"{len(full.shape)}"
            )
        box = []
        for (start, length), dim in zip(extents, full.shape, strict=True):
            length = dim - start if length is None else length
            if start < 0 or length < 0 or start + length > dim:
                bad(
                    f"a part {extents} (start, length) per axis lies outside the shape {full.shape}"
                )
            box.append((start, length))
        key = tb.slice_key(name, box)
        part = entries.get(key)
        if part is None:
            bad(f"the part {tuple(box)} (start, length) per axis is missing")
        if part.slices or part.dtype != full.dtype or part.shape != tuple(n for _, n in box):
            bad(
                f"the part {tuple(box)} has shape {part.shape} and dtype enum {part.dtype}, "
                f"but the variable needs shape {tuple(n for _, n in box)} and dtype enum "
                f"{full.dtype}, unpartitioned"
            )
        boxes.append(box)
    _check_tiling(boxes, full.shape, bad)


def _check_tiling(boxes, shape, bad) -> None:
    # Disjoint parts whose volumes add up to the whole cover every element exactly once, so no
    # element of the restored array is left uninitialized.
    volume = sum(math.prod(n for _, n in box) for box in boxes)
    if volume != math.prod(shape) or (not shape and len(boxes) != 1):
        bad(
            f"its {len(boxes)} parts hold {volume} elements, but its shape {shape} has "
            f"{math.prod(shape)}"
        )
    if not shape:
        return
    order = sorted(range(len(boxes)), key=lambda i: boxes[i])
    for a, i in enumerate(order):
        for j in order[a + 1 :]:
            if boxes[j][0][0] >= boxes[i][0][0] + boxes[i][0][1]:
                break  # sorted by axis-0 start: no later part reaches back into this one
            if all(
                s1 < s2 + n2 and s2 < s1 + n1
                for (s1, n1), (s2, n2) in zip(boxes[i], boxes[j], strict=True)
            ):
                bad(f"its parts {tuple(boxes[i])} and {tuple(boxes[j])} overlap")
