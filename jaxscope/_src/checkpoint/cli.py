"""``python -m jaxscope.checkpoint ls|show|diff|convert``: TF1's ``inspect_checkpoint`` for TF1
and orbax checkpoints, without TensorFlow.

``ls`` lists names, dtypes, shapes and sizes, with optimizer slots and moving averages
(``w/Adam``, ``w/ExponentialMovingAverage``) under their variable; ``show`` prints one tensor;
``diff`` compares two checkpoints by name; ``convert`` writes a TF1 checkpoint as an orbax one
and back. Reading shows a progress bar on stderr for big checkpoints. Exit status: 0, 1 when
``diff`` finds differences, 2 on an error (its message on stderr says what was looked for).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time
from collections.abc import Callable

import numpy as np

from jaxscope._src.checkpoint.errors import CheckpointNotFoundError
from jaxscope._src.checkpoint.tf1_checkpoint import (
    CheckpointReader,
    TensorInfo,
    write_bundle,
    write_checkpoint_state,
)
from jaxscope._src.errors import JaxscopeError

_AUTO_PROGRESS_BYTES = 64 << 20  # below this a read is quick: no bar unless --progress
_ORBAX_MARKERS = ("_CHECKPOINT_METADATA", "_METADATA")


class Progress:
    """A one-line progress bar on stderr: ``label [#####-----]  45%  12.0 MB / 26.5 MB``."""

    def __init__(self, total: int, label: str, enabled: bool, stream=None):
        self.total, self.label, self.enabled = max(total, 1), label, enabled
        self.done, self._shown = 0, 0.0
        self.stream = stream or sys.stderr

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._shown > 0.1 or self.done >= self.total):
            self._shown = now
            self._draw()

    def _draw(self) -> None:
        frac = min(self.done / self.total, 1.0)
        bar = "#" * int(frac * 30)
        self.stream.write(
            f"\r{self.label} [{bar:-<30}] {frac:4.0%}  {_size(self.done)} / {_size(self.total)}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            if self.done < self.total:
                self.done = self.total
                self._draw()
            self.stream.write("\n")
            self.stream.flush()


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _nbytes(info: TensorInfo) -> int:
    return int(np.prod(info.shape, dtype=np.int64)) * (
        info.dtype.itemsize if info.dtype.kind != "O" else 0
    )


class Source:
    """One checkpoint, TF1 or orbax: ``infos`` by name, and ``read(name)`` as numpy."""

    def __init__(self, path: str):
        self.path = path
        self._orbax_values: dict[str, np.ndarray] | None = None
        if os.path.isdir(path) and any(os.path.exists(os.path.join(path, m)) for m in
                                       _ORBAX_MARKERS):  # fmt: skip
            self.kind = "orbax"
            self._open_orbax()
            return
        try:
            self._reader = CheckpointReader(path)
        except CheckpointNotFoundError:
            if os.path.exists(path) and not os.path.isdir(path):
                raise
            raise CheckpointNotFoundError(
                path,
                "No checkpoint here. Looked for "
                f"{path}.index (a TF1 checkpoint prefix), {os.path.join(path, 'checkpoint')} "
                "(a directory a TF1 Saver wrote into) and "
                f"{os.path.join(path, '_CHECKPOINT_METADATA')} (an orbax checkpoint)",
                "Pass the prefix Saver.save returned (dir/model.ckpt-1000, without .index), its "
                "directory, or an orbax checkpoint directory.",
            ) from None
        self.kind = "tf1"
        self.prefix = self._reader.prefix
        self.infos = {n: self._reader.info(n) for n in self._reader.names}

    def _open_orbax(self) -> None:
        from jaxscope._src.checkpoint.orbax_checkpoint import _is_meta, _orbax, pytree_names

        ocp = _orbax()
        self.prefix = os.path.abspath(self.path)
        self._checkpointer = ocp.PyTreeCheckpointer()
        self._meta = self._checkpointer.metadata(self.prefix).item_metadata.tree
        names, metas, _ = pytree_names(self._meta, is_leaf=_is_meta)
        self.infos = {
            n: TensorInfo(n, tuple(m.shape), np.dtype(m.dtype))
            for n, m in sorted(zip(names, metas, strict=True))
        }

    def _read_orbax(self) -> dict[str, np.ndarray]:
        if self._orbax_values is None:
            import jax

            from jaxscope._src.checkpoint.orbax_checkpoint import _is_meta, _orbax, pytree_names

            ocp = _orbax()
            restore_args = jax.tree.map(
                lambda m: ocp.RestoreArgs(restore_type=np.ndarray), self._meta, is_leaf=_is_meta
            )
            values = self._checkpointer.restore(
                self.prefix, args=ocp.args.PyTreeRestore(restore_args=restore_args)
            )
            names, leaves, _ = pytree_names(values)
            self._orbax_values = {n: np.asarray(v) for n, v in zip(names, leaves, strict=True)}
        return self._orbax_values

    def read(self, name: str) -> np.ndarray:
        if self.kind == "orbax":
            return self._read_orbax()[name]
        return self._reader.read(name)

    def read_all(self, names, progress: Progress) -> dict[str, np.ndarray]:
        out = {}
        for name in names:
            out[name] = self.read(name)
            progress.update(_nbytes(self.infos[name]))
        progress.close()
        return out

    def total_bytes(self) -> int:
        return sum(_nbytes(i) for i in self.infos.values())

    def close(self) -> None:
        if self.kind == "tf1":
            self._reader.close()


def _owner(name: str, names: set[str]) -> str | None:
    """The variable whose slot or average ``name`` is (``w`` for ``w/Adam``), if any."""
    head = name
    while "/" in head:
        head = head.rpartition("/")[0]
        if head in names:
            return head
    return None


def _shape(shape) -> str:
    return "[" + ",".join(map(str, shape)) + "]"


def cmd_ls(args, out) -> int:
    src = Source(args.path)
    names = set(src.infos)
    slots: dict[str, list[str]] = {}
    top = []
    for name in sorted(names):
        owner = None if args.flat else _owner(name, names)
        if owner is None:
            top.append(name)
        else:
            slots.setdefault(owner, []).append(name)
    rows = []
    for name in top:
        rows.append((name, src.infos[name]))
        rows += [("  " + s[len(name) :], src.infos[s]) for s in slots.get(name, [])]
    width = max([len(r[0]) for r in rows] + [4])
    print(f"{'name':<{width}}  {'dtype':<8}  {'shape':<14}  size", file=out)
    for label, info in rows:
        print(
            f"{label:<{width}}  {info.dtype.name:<8}  {_shape(info.shape):<14}  "
            f"{_size(_nbytes(info))}",
            file=out,
        )
    n_slots = sum(len(v) for v in slots.values())
    print(
        f"{len(top)} variables, {n_slots} slots and averages, {_size(src.total_bytes())} "
        f"({src.kind}: {src.prefix})",
        file=out,
    )
    src.close()
    return 0


class UnknownNameError(JaxscopeError, KeyError):
    """``show`` was asked for a name that the checkpoint does not hold."""

    def __init__(self, name: str, src: Source):
        close = difflib.get_close_matches(name, list(src.infos), n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        super().__init__(
            f'No variable "{name}" in {src.prefix} ({len(src.infos)} variables).{hint}\n'
            f"List its names with: python -m jaxscope.checkpoint ls {src.path}"
        )

    def __str__(self) -> str:  # KeyError would print repr() otherwise
        return self.args[0]


def cmd_show(args, out) -> int:
    src = Source(args.path)
    if args.name not in src.infos:
        raise UnknownNameError(args.name, src)
    info = src.infos[args.name]
    value = src.read(args.name)
    print(f"{args.name}  {info.dtype.name}  {_shape(info.shape)}", file=out)
    options = {"threshold": sys.maxsize} if args.full else {}
    with np.printoptions(**options):
        print(value, file=out)
    src.close()
    return 0


def _max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.size == 0:
        return 0.0
    if a.dtype.kind == "b":
        return float(np.any(a != b))
    kind = np.complex128 if a.dtype.kind == "c" else np.float64
    return float(np.max(np.abs(a.astype(kind) - b.astype(kind))))


def cmd_diff(args, out) -> int:
    a, b = Source(args.a), Source(args.b)
    only_a = sorted(set(a.infos) - set(b.infos))
    only_b = sorted(set(b.infos) - set(a.infos))
    common = sorted(set(a.infos) & set(b.infos))
    changed = [n for n in common if a.infos[n][1:] != b.infos[n][1:]]
    same_spec = [n for n in common if n not in changed]
    total = sum(2 * _nbytes(a.infos[n]) for n in same_spec)
    progress = Progress(total, "comparing", _progress_on(args, total))
    differing, equal = [], 0
    for name in same_spec:
        va, vb = a.read(name), b.read(name)
        progress.update(2 * _nbytes(a.infos[name]))
        d = _max_abs_diff(va, vb)
        if d > args.atol or np.isnan(d):
            differing.append((name, d))
        else:
            equal += 1
    progress.close()
    for name in only_a:
        print(f"only in A: {name}  {a.infos[name].dtype.name}{_shape(a.infos[name].shape)}",
              file=out)  # fmt: skip
    for name in only_b:
        print(f"only in B: {name}  {b.infos[name].dtype.name}{_shape(b.infos[name].shape)}",
              file=out)  # fmt: skip
    for name in changed:
        ia, ib = a.infos[name], b.infos[name]
        print(
            f"changed:   {name}  {ia.dtype.name}{_shape(ia.shape)} -> "
            f"{ib.dtype.name}{_shape(ib.shape)}",
            file=out,
        )
    for name, d in differing:
        print(f"values:    {name}  max abs difference {d:.6g}", file=out)
    print(
        f"{equal} equal, {len(differing)} with other values, {len(changed)} with another "
        f"shape or dtype, {len(only_a)} only in A, {len(only_b)} only in B",
        file=out,
    )
    a.close()
    b.close()
    return 1 if only_a or only_b or changed or differing else 0


def _progress_on(args, total: int) -> bool:
    if args.progress is not None:
        return args.progress
    return total >= _AUTO_PROGRESS_BYTES


def cmd_convert(args, out) -> int:
    src = Source(args.src)
    to = args.to or ("orbax" if src.kind == "tf1" else "tf1")
    dst = os.path.abspath(args.dst)
    if to == "orbax":
        exists = os.path.exists(dst)
    else:
        exists = os.path.exists(dst + ".index")
    if exists and not args.force:
        raise FileExistsError(
            f"convert: {dst}{'' if to == 'orbax' else '.index'} already exists; nothing was "
            "written.\nPass --force to overwrite it, or another destination."
        )
    names = sorted(n for n, i in src.infos.items() if i.dtype.kind != "O")
    skipped = sorted(set(src.infos) - set(names))
    if skipped:
        print(f"skipping string tensors: {', '.join(skipped)}", file=sys.stderr)
    total = sum(_nbytes(src.infos[n]) for n in names)
    arrays = src.read_all(names, Progress(total, "reading", _progress_on(args, total)))
    if to == "orbax":
        from jaxscope._src.checkpoint.orbax_checkpoint import save

        save(dst, arrays, force=args.force)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        write_bundle(dst, arrays)
        write_checkpoint_state(os.path.dirname(dst), dst)
    print(f"wrote {len(arrays)} variables ({_size(total)}) as {to}: {dst}", file=out)
    src.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jaxscope.checkpoint",
        description="Inspect, compare and convert TF1 and orbax checkpoints (no TensorFlow).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    progress = argparse.ArgumentParser(add_help=False)
    group = progress.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_true", default=None,
                       help="always show the progress bar on stderr")  # fmt: skip
    group.add_argument("--no-progress", dest="progress", action="store_false",
                       help="never show it (default: shown from 64 MB)")  # fmt: skip

    ls = sub.add_parser("ls", help="names, dtypes, shapes and sizes")
    ls.add_argument("path", help="a TF1 prefix or directory, or an orbax checkpoint directory")
    ls.add_argument("--flat", action="store_true", help="do not group slots under variables")
    show = sub.add_parser("show", help="print one tensor's values")
    show.add_argument("path")
    show.add_argument("name", help="the variable's TF1 name, e.g. dense/kernel")
    show.add_argument("--full", action="store_true", help="print every value")
    diff = sub.add_parser("diff", parents=[progress], help="compare two checkpoints by name")
    diff.add_argument("a")
    diff.add_argument("b")
    diff.add_argument("--atol", type=float, default=0.0, help="ignore differences up to this")
    convert = sub.add_parser("convert", parents=[progress], help="TF1 -> orbax, orbax -> TF1")
    convert.add_argument("src")
    convert.add_argument("dst", help="the orbax directory, or the TF1 prefix, to write")
    convert.add_argument("--to", choices=["orbax", "tf1"], help="default: the other format")
    convert.add_argument("--force", action="store_true", help="overwrite dst")
    return p


_COMMANDS: dict[str, Callable] = {
    "ls": cmd_ls, "show": cmd_show, "diff": cmd_diff, "convert": cmd_convert,
}  # fmt: skip


def main(argv: list[str] | None = None, out=None) -> int:
    """Runs one command; returns the exit status (errors are printed to stderr, status 2)."""
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    try:
        return _COMMANDS[args.command](args, out)
    except (JaxscopeError, OSError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
