"""TF1 checkpoints on disk: find them, list and read their tensors, write new ones.

Reading goes straight from the data shards into each tensor's final numpy array in chunks, with
the CRC32C of every tensor checked on the way (google-crc32c's C code), so a checkpoint loads at
close to disk speed and with about one copy of its data in memory.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import warnings
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import google_crc32c
import numpy as np

from jaxscope._src.checkpoint import tensorbundle as tb
from jaxscope._src.checkpoint.bundle_index import read_index
from jaxscope._src.checkpoint.errors import (
    CheckpointNotFoundError,
    ChecksumMismatchError,
    CorruptCheckpointError,
    UnsupportedCheckpointError,
    VariableNotInCheckpointError,
)
from jaxscope._src.core.errors import CheckpointTreeError

_CHUNK = 8 << 20  # bytes per read: large enough for disk speed, small next to a tensor

_STATE_LINE = re.compile(r'^\s*model_checkpoint_path\s*:\s*"((?:[^"\\]|\\.)*)"', re.M)


class TensorInfo(NamedTuple):
    """One checkpoint entry, as :func:`list_variables` reports it.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> js.checkpoint.list_variables(d)[1]
      TensorInfo(name='dense/w', shape=(3, 2), dtype=dtype('float32'))

    TF1 equivalent: one ``(name, shape)`` pair of tf.compat.v1.train.list_variables
    """

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype


def _unescape(s: str) -> str:
    # Text-format strings are C-escaped; paths rarely hold more than \\ and \".
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


def latest_checkpoint(directory: str | os.PathLike) -> str | None:
    """The prefix named by ``directory/checkpoint``, or None if there is none or it is gone.

    Relative paths in the state file are taken relative to ``directory``, as TF does.

    Args:
      directory: a folder that ``Saver.save`` wrote into.

    Returns:
      A prefix such as ``"dir/model.ckpt-1000"`` whose ``.index`` file exists, or None.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> js.checkpoint.latest_checkpoint(d) == prefix
      True

    TF1 equivalent: tf.compat.v1.train.latest_checkpoint
    """
    prefix = _state_prefix(os.fspath(directory))
    return prefix if prefix and os.path.exists(prefix + ".index") else None


def _state_prefix(directory: str) -> str | None:
    try:
        with open(os.path.join(directory, "checkpoint"), encoding="utf-8") as f:
            match = _STATE_LINE.search(f.read())
    except (FileNotFoundError, NotADirectoryError):
        return None
    return os.path.join(directory, _unescape(match.group(1))) if match else None


def resolve_prefix(path: str | os.PathLike) -> str:
    """A checkpoint prefix for ``path`` (a prefix, or a directory with a ``checkpoint`` file)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        prefix = _state_prefix(path)
        if prefix is not None and (os.path.isfile(prefix) or os.path.isfile(prefix + ".index")):
            return resolve_prefix(prefix)
        state = os.path.join(path, "checkpoint")
        raise CheckpointNotFoundError(
            path,
            "The directory holds no checkpoint state file naming an existing checkpoint "
            f"({state} is missing or points to a deleted checkpoint)",
            "Pass the prefix itself, e.g. load_variables('dir/model.ckpt-1000') for "
            "dir/model.ckpt-1000.index; jaxscope.checkpoint.save_tf1 writes the state file.",
        )
    stem = re.sub(r"\.(index|data-\d{5}-of-\d{5})$", "", path)
    if os.path.isfile(stem + ".index"):
        return stem  # the prefix, or one of its files
    v1_files = glob.glob(glob.escape(path) + "-?????-of-?????")
    if os.path.isfile(path) and not _is_table(path) and not v1_files:
        raise CheckpointNotFoundError(
            path,
            "This file is not a checkpoint (no .index file beside it, and not a V1 checkpoint)",
            "Pass the checkpoint prefix: for dir/model.ckpt.index and dir/model.ckpt.data-*, "
            "pass 'dir/model.ckpt'.",
        )
    if os.path.isfile(path) or v1_files:
        raise UnsupportedCheckpointError(
            path,
            "this is a V1 checkpoint (one file per shard, no .index; written by "
            "Saver(write_version=tf.train.SaverDef.V1) before 2017), which jaxscope does not read",
            "Convert it once with TensorFlow: restore it in TF1 and save it again with "
            "tf.compat.v1.train.Saver() (V2 is the default).",
        )
    raise CheckpointNotFoundError(
        path,
        "No checkpoint at this path (no .index file)",
        "Pass the prefix that Saver.save returned (the file names without .index/.data-*), "
        "or the directory holding the 'checkpoint' state file.",
    )


def _is_table(path: str) -> bool:
    """Whether a file ends in the table magic (V1 checkpoints are tables too)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() < tb.FOOTER_SIZE:
            return False
        f.seek(-8, os.SEEK_END)
        return f.read(8) == tb.TABLE_MAGIC.to_bytes(8, "little")


class CheckpointReader:
    """Reads the tensors of one TF1 (V2 TensorBundle) checkpoint.

    Args:
      path: a checkpoint prefix, or a directory with a ``checkpoint`` state file.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> with js.checkpoint.CheckpointReader(d) as reader:
      ...     print(reader.names, reader.read("dense/w").shape)
      ['dense/b', 'dense/w'] (3, 2)

    TF1 equivalent: tf.compat.v1.train.NewCheckpointReader
    """

    def __init__(self, path: str | os.PathLike):
        self.prefix = resolve_prefix(path)
        self.index_path = self.prefix + ".index"
        index = read_index(self.prefix)
        self.header, self._entries, self._shards = index.header, index.entries, index.shards
        self.names = index.names
        self._files: dict[int, object] = {}
        self.bytes_read = 0  # data bytes read so far (a sharded restore reads only its slices)

    def __enter__(self) -> CheckpointReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Closes the open data shards (also done by ``with CheckpointReader(...)``)."""
        for f in self._files.values():
            f.close()
        self._files.clear()

    def entry(self, name: str) -> tb.BundleEntry:
        """The raw index entry of ``name`` (shard, offset, size, checksum, slices)."""
        try:
            return self._entries[name.encode()]
        except KeyError:
            raise VariableNotInCheckpointError([name], self.prefix, self.names) from None

    def dtype(self, name: str) -> np.dtype:
        """The numpy dtype ``read(name)`` returns."""
        dt = self.entry(name).dtype % 100  # reference dtypes (DT_FLOAT_REF = 101) count too
        if dt == tb.DT_STRING:
            return np.dtype(object)
        if dt not in tb.DTYPES:
            raise UnsupportedCheckpointError(
                self.prefix,
                f'variable "{name}" has TensorFlow DataType enum {dt}, which jaxscope does not '
                "read (it reads bool, (u)int8-64, float16/32/64, bfloat16 and complex)",
                f"Leave it out: load_variables(path, names=[n for n in names if n != {name!r}]).",
            )
        return tb.DTYPES[dt]

    def info(self, name: str) -> TensorInfo:
        """``(name, shape, dtype)`` of one variable, as ``list_variables`` gives it."""
        return TensorInfo(name, self.entry(name).shape, self.dtype(name))

    def read(self, name: str) -> np.ndarray:
        """The tensor ``name`` as a new numpy array, partitioned parts reassembled."""
        entry, dtype = self.entry(name), self.dtype(name)
        if dtype.kind == "O":
            raise UnsupportedCheckpointError(
                self.prefix,
                f'variable "{name}" is a string tensor, which jaxscope does not read',
                "Read it with TensorFlow: tf.train.load_checkpoint(prefix).get_tensor(name).",
            )
        out = np.empty(entry.shape, dtype)
        if not entry.slices:
            self._read_into(out, entry, name)
            return out
        for extents in _extents(entry):  # read_index checked that they exist and tile the shape
            view = out[tuple(slice(s, s + n) for s, n in extents)]
            if view.flags.c_contiguous:  # parts split along axis 0: no temporary copy
                self._read_into(view, self._part(name, extents), name)
            else:
                view[...] = self._read_part(name, extents, dtype)
        return out

    def read_region(self, name: str, index: tuple[slice, ...]) -> np.ndarray:
        """``read(name)[index]`` (``index``: one slice per leading axis, steps of 1), reading
        only the bytes it needs.

        A partitioned tensor reads the parts that overlap ``index``, each checked against its
        checksum. A plain tensor cut along its first axis only reads those rows; they are not
        checked (the checksum covers the whole tensor: read it with :meth:`read` to check).
        Any other region reads the whole tensor.
        """
        entry, dtype = self.entry(name), self.dtype(name)
        bounds = [
            (*_bounds(index[d] if d < len(index) else slice(None), dim),)
            for d, dim in enumerate(entry.shape)
        ]
        shape = tuple(hi - lo for lo, hi in bounds)
        if not entry.slices:
            full_rows = all(
                b == (0, dim) for b, dim in zip(bounds[1:], entry.shape[1:], strict=True)
            )
            if not full_rows or dtype.kind == "O" or not entry.shape:
                return self.read(name)[tuple(slice(lo, hi) for lo, hi in bounds)]
            return self._read_rows(entry, name, dtype, bounds[0], shape)
        out = np.empty(shape, dtype)
        for extents in _extents(entry):
            lo = [max(a, s) for (a, _), (s, _) in zip(bounds, extents, strict=True)]
            hi = [min(b, s + n) for (_, b), (s, n) in zip(bounds, extents, strict=True)]
            if any(x >= y for x, y in zip(lo, hi, strict=True)):
                continue
            part = self._read_part(name, extents, dtype)
            src = tuple(slice(x - s, y - s) for x, y, (s, _) in zip(lo, hi, extents, strict=True))
            dst = tuple(slice(x - a, y - a) for x, y, (a, _) in zip(lo, hi, bounds, strict=True))
            out[dst] = part[src]
        return out

    def _read_rows(self, entry, name: str, dtype, rows, shape) -> np.ndarray:
        out = np.empty(shape, dtype)
        row_bytes = int(np.prod(entry.shape[1:], dtype=np.int64)) * dtype.itemsize
        if entry.size != row_bytes * entry.shape[0]:
            raise CorruptCheckpointError(
                self.index_path, f"entry shape {entry.shape} with {entry.size} bytes does not "
                f"fit {dtype}", name,
            )  # fmt: skip
        f = self._file(entry, name)
        f.seek(entry.offset + rows[0] * row_bytes)
        flat = out.reshape(-1).view(np.uint8)
        n = f.readinto(flat) if flat.size else 0
        if n != flat.size:
            raise CorruptCheckpointError(
                self._shards[entry.shard_id], f"it ends inside the rows {rows} of the tensor", name
            )
        self.bytes_read += n
        self._to_native(out)
        return out

    def _part(self, name: str, extents) -> tb.BundleEntry:
        """The index entry of one slice of a partitioned tensor."""
        return self._entries[tb.slice_key(name, extents)]

    def _read_part(self, name: str, extents, dtype) -> np.ndarray:
        """One slice of a partitioned tensor, as a new array (checked against its checksum)."""
        part = np.empty(tuple(n for _, n in extents), dtype)
        self._read_into(part, self._part(name, extents), name)
        return part

    def _to_native(self, out: np.ndarray) -> None:
        if self.header.big_endian:
            out.byteswap(inplace=True)

    def _file(self, entry: tb.BundleEntry, name: str):
        if not 0 <= entry.shard_id < len(self._shards):
            raise CorruptCheckpointError(self.index_path, f"bad shard id {entry.shard_id}", name)
        f = self._files.get(entry.shard_id)
        if f is None:
            path = self._shards[entry.shard_id]
            f = self._files[entry.shard_id] = open(path, "rb", buffering=0)  # noqa: SIM115
        return f

    def _read_into(self, out: np.ndarray, entry: tb.BundleEntry, name: str) -> None:
        if tuple(entry.shape) != out.shape or entry.size != out.nbytes:
            raise CorruptCheckpointError(
                self.index_path,
                f"entry shape {entry.shape} with {entry.size} bytes does not fit "
                f"{out.dtype} of shape {out.shape}",
                name,
            )
        f = self._file(entry, name)
        path = self._shards[entry.shard_id]
        f.seek(entry.offset)
        flat = out.reshape(-1).view(np.uint8)
        crc = pos = 0
        while pos < entry.size:
            # Straight into the final array; the CRC reads a read-only view of the same bytes.
            n = f.readinto(flat[pos : min(pos + _CHUNK, entry.size)])
            if not n:
                raise CorruptCheckpointError(
                    path,
                    f"it ends at byte {entry.offset + pos}, but the tensor's {entry.size} bytes "
                    f"run to byte {entry.offset + entry.size}",
                    name,
                )
            done = flat[pos : pos + n]
            done.flags.writeable = False  # google-crc32c takes read-only buffers only
            crc = google_crc32c.extend(crc, done)
            pos += n
        self.bytes_read += entry.size
        computed = tb.masked_crc32c(b"", crc)
        if computed != entry.crc32c:
            raise ChecksumMismatchError(
                path, f"bytes [{entry.offset}, {entry.offset + entry.size})", entry.crc32c,
                computed, name,
            )  # fmt: skip
        self._to_native(out)


def _extents(entry: tb.BundleEntry):
    """``((start, length), ...)`` of each slice of a partitioned tensor (``None``: to the end)."""
    for extents in entry.slices:
        yield tuple(
            (start, dim - start if length is None else length)
            for (start, length), dim in zip(extents, entry.shape, strict=True)
        )


def _bounds(index: slice, dim: int) -> tuple[int, int]:
    start, stop, step = index.indices(dim)
    if step != 1:
        raise ValueError(f"read_region takes slices with step 1, got {index}")
    return start, max(start, stop)


def list_variables(path: str | os.PathLike) -> list[TensorInfo]:
    """The variables a TF1 checkpoint holds, sorted by name.

    Args:
      path: a checkpoint prefix (``dir/model.ckpt-1000``), or a directory with a ``checkpoint``
        state file (its latest checkpoint is listed).

    Returns:
      ``[TensorInfo(name, shape, dtype), ...]``; a partitioned variable is one entry with its
      full shape; string tensors have dtype ``object``.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> [(v.name, v.shape) for v in js.checkpoint.list_variables(d)]
      [('dense/b', (2,)), ('dense/w', (3, 2))]

    TF1 equivalent: tf.compat.v1.train.list_variables
    """
    with CheckpointReader(path) as reader:
        return [reader.info(name) for name in reader.names]


def load_variables(
    path: str | os.PathLike, names: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Reads tensors of a TF1 checkpoint into numpy arrays, checksums verified.

    Args:
      path: a checkpoint prefix, or a directory with a ``checkpoint`` state file.
      names: the variables to read; None reads all of them except string tensors (which are
        skipped with a warning).

    Returns:
      ``{name: array}`` with TF's dtypes (bfloat16 as ``ml_dtypes.bfloat16``).

    Raises:
      VariableNotInCheckpointError: a name is not in the checkpoint (a ``KeyError``).
      CorruptCheckpointError: a file is truncated, garbled or fails its checksum.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> js.checkpoint.load_variables(prefix, ["dense/b"])
      {'dense/b': array([0., 0.], dtype=float32)}

    TF1 equivalent: tf.compat.v1.train.load_checkpoint(path).get_tensor(name)
    """
    with CheckpointReader(path) as reader:
        if names is None:
            names = [n for n in reader.names if reader.dtype(n).kind != "O"]
            if len(names) < len(reader.names):
                skipped = sorted(set(reader.names) - set(names))
                warnings.warn(
                    f"load_variables skipped string tensors {skipped} of {reader.prefix}: "
                    "jaxscope reads numeric tensors only.",
                    stacklevel=2,
                )
        else:
            names = list(names)
            unknown = [n for n in names if n not in reader.names]
            if unknown:
                raise VariableNotInCheckpointError(unknown, reader.prefix, reader.names)
        return {name: reader.read(name) for name in names}


def write_checkpoint_state(directory: str, prefix: str) -> None:
    """Writes ``directory/checkpoint`` naming ``prefix`` (relative), atomically."""
    rel = os.path.relpath(prefix, directory).replace("\\", "\\\\").replace('"', '\\"')
    text = f'model_checkpoint_path: "{rel}"\nall_model_checkpoint_paths: "{rel}"\n'
    tmp = os.path.join(directory, f"checkpoint{_tmp_suffix()}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(directory, "checkpoint"))
    except BaseException:
        _remove(tmp)
        raise


def check_dtypes(arrays: Mapping[str, np.ndarray]) -> None:
    """Every array has a dtype that a TF1 checkpoint can hold, or a CheckpointTreeError."""
    for name, arr in arrays.items():
        if arr.dtype not in tb.DT_OF_DTYPE:
            raise CheckpointTreeError(
                f'save_tf1 cannot write variable "{name}"',
                f"of dtype {arr.dtype}: TF1 checkpoints hold bool, (u)int8-64, float16/32/64, "
                "bfloat16 and complex",
                "Cast it first, e.g. variables = jax.tree.map(lambda x: x.astype(jnp.float32), "
                "variables).",
            )


def _tmp_suffix() -> str:
    return f".tmp{os.getpid()}-{secrets.token_hex(4)}"  # never another writer's file


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def write_bundle(prefix: str, arrays: Mapping[str, np.ndarray], partitions=None) -> None:
    """Writes ``arrays`` as a one-shard TensorBundle at ``prefix`` (data first, index last).

    ``partitions`` (``{name: Partition}``) writes those names as TF1's Saver writes a
    partitioned variable: a full-shape entry listing the slices, each part under its slice key.

    Both files are written under temporary names. The old index is removed before the data
    file is renamed into place, so no moment pairs an old index with new data; a failure at
    any step removes the temporary files and leaves the old checkpoint, or none.
    """
    check_dtypes(arrays)
    data_path, index_path = f"{prefix}.data-00000-of-00001", prefix + ".index"
    suffix = _tmp_suffix()
    tmp_data, tmp_index = data_path + suffix, index_path + suffix
    try:
        items: list[tuple[bytes, bytes]] = []
        with open(tmp_data, "wb") as f:
            _write_data(f, arrays, items, partitions or {})
        items.sort(key=lambda item: item[0])
        index = tb.build_table([(b"", tb.encode_header(1)), *items])
        with open(tmp_index, "wb") as f:
            f.write(index)
        _remove(index_path)
        os.replace(tmp_data, data_path)
        os.replace(tmp_index, index_path)
    except BaseException:
        _remove(tmp_data)
        _remove(tmp_index)
        raise


def _slices(arrays: Mapping[str, np.ndarray], partitions, items: list):
    """(key, array) to write: whole arrays, or the parts of a partitioned one (whose full
    entry goes straight to ``items``)."""
    for name in sorted(arrays):
        arr = arrays[name]
        partition = partitions.get(name)
        if partition is None or len(partition.sizes) == 1:  # TF1's Saver: one part is plain
            yield name.encode(), arr
            continue
        extents = []
        for i, part in enumerate(partition.split_numpy(arr)):
            offset = partition.part_offset(i)
            ext = tuple((o, d) for o, d in zip(offset, partition.part_shape(i), strict=True))
            extents.append(ext)
            yield tb.slice_key(name, ext), part
        dt = tb.DT_OF_DTYPE[arr.dtype]
        items.append((name.encode(), tb.encode_sliced_entry(dt, arr.shape, extents)))


def _write_data(f, arrays: Mapping[str, np.ndarray], items: list, partitions) -> None:
    offset = 0
    for key, arr in _slices(arrays, partitions, items):
        arr = np.asarray(arr, order="C")  # ascontiguousarray makes 0-D 1-D
        flat, crc = arr.reshape(-1).view(np.uint8), 0
        for start in range(0, flat.size, _CHUNK):
            chunk = flat[start : start + _CHUNK]
            chunk.flags.writeable = False  # a view: google-crc32c takes read-only buffers only
            crc = google_crc32c.extend(crc, chunk)
            f.write(chunk)
        crc = tb.masked_crc32c(b"", crc)
        dt = tb.DT_OF_DTYPE[arr.dtype]
        items.append((key, tb.encode_entry(dt, arr.shape, offset, flat.size, crc)))
        offset += flat.size
