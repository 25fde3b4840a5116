"""TF1's ``checkpoint`` state file: the text-format ``CheckpointState`` proto that names a
directory's latest checkpoint and the ones still kept, read and written without protobuf.

The file is what ``tf.compat.v1.train.Saver`` writes (``text_format.MessageToString`` of the
proto): one ``field: value`` per line, strings C-escaped with non-ASCII bytes as octal escapes.
It is replaced atomically (written to a temporary file, then renamed), so a reader sees the old
state or the new one, never a mix.
"""

from __future__ import annotations

import glob
import os
import re
import warnings
from typing import NamedTuple

from jaxscope._src.checkpoint.tf1_checkpoint import _remove, _tmp_suffix
from jaxscope._src.errors import JaxscopeError

STATE_FILENAME = "checkpoint"
_NO_MODEL = "it has no model_checkpoint_path"

_FIELDS = {  # CheckpointState's fields (tensorflow/core/protobuf/saver.proto) and their kind
    "model_checkpoint_path": "str",
    "all_model_checkpoint_paths": "str",
    "all_model_checkpoint_timestamps": "float",
    "last_preserved_timestamp": "float",
}
_TOKEN = re.compile(
    r"""\s*(?:\#[^\n]*\n\s*)*(?:
      (?P<name>[A-Za-z_]\w*)\s*:\s*
      (?P<value>(?:"(?:[^"\\\n]|\\.)*"\s*|'(?:[^'\\\n]|\\.)*'\s*)+|[-+]?[\w.+-]+)
    )""",
    re.X,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"a": b"\a", b"b": b"\b", b"f": b"\f",
           b"v": b"\v"}  # fmt: skip


class CheckpointStateError(JaxscopeError, ValueError):
    """A ``checkpoint`` state file names no checkpoint (TF1 raises the same ``ValueError``)."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = path, problem
        super().__init__(
            f"Invalid checkpoint state in {path}: {problem}.\nWrite it again with "
            "jaxscope.train.Saver().save(variables, prefix), or delete it and pass the checkpoint "
            "prefix itself."
        )


class CheckpointState(NamedTuple):
    """The parsed ``checkpoint`` file; relative paths are joined to its directory, as TF1 does.

    TF1 equivalent: tf.compat.v1.train.CheckpointState (the proto get_checkpoint_state returns)
    """

    model_checkpoint_path: str
    all_model_checkpoint_paths: list[str]
    all_model_checkpoint_timestamps: list[float] = []
    last_preserved_timestamp: float = 0.0


def _unquote(value: str) -> str:
    """A text-format string literal (adjacent literals concatenated) as text."""
    out = b""
    for literal in re.findall(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""", value):
        raw = literal[1:-1].encode("utf-8")

        def unescape(m: re.Match) -> bytes:
            e = m.group(1)
            if e[:1].isdigit():
                return bytes([int(e, 8) & 0xFF])
            if e[:1] == b"x" and len(e) > 1:
                return bytes([int(e[1:], 16)])
            return _SIMPLE.get(e, e)

        out += _ESCAPE.sub(unescape, raw)
    return out.decode("utf-8", "surrogateescape")


def _quote(text: str) -> str:
    """``text`` C-escaped as protobuf's ``text_format`` writes it: quotes, backslashes and ASCII
    control characters escaped, other characters as UTF-8 (bytes that are not: octal)."""
    out = []
    for c in text:
        if c in "\"'\\":
            out.append("\\" + c)
        elif c in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c])
        elif 32 <= ord(c) < 127 or 128 <= ord(c) < 0xDC80 or ord(c) > 0xDCFF:
            out.append(c)
        else:  # a control character, or an undecodable byte kept by surrogateescape
            out.append(f"\\{ord(c) - 0xDC00 if ord(c) >= 0xDC80 else ord(c):03o}")
    return '"' + "".join(out) + '"'


def parse_state(text: str, path: str) -> CheckpointState:
    """The fields of a state file's text; a ``ValueError`` naming ``path`` if it is not one."""
    fields: dict[str, list] = {name: [] for name in _FIELDS}
    pos = 0
    while text[pos:].strip() and not re.fullmatch(r"(\s*#[^\n]*)*\s*", text[pos:]):
        m = _TOKEN.match(text, pos)
        if m is None or m.group("name") not in _FIELDS:
            line = text.count("\n", 0, pos) + 1
            raise CheckpointStateError(path, f"line {line} is not a CheckpointState field")
        name, value = m.group("name"), m.group("value").strip()
        if _FIELDS[name] == "str":
            if value[:1] not in "\"'":
                raise CheckpointStateError(path, f"{name} is not a quoted string: {value}")
            fields[name].append(_unquote(value))
        else:
            try:
                fields[name].append(float(value))
            except ValueError:
                raise CheckpointStateError(path, f"{name} is not a number: {value}") from None
        pos = m.end()
    model = fields["model_checkpoint_path"]
    if not model or not model[-1]:
        raise CheckpointStateError(path, _NO_MODEL)
    preserved = fields["last_preserved_timestamp"]
    return CheckpointState(
        model[-1],
        fields["all_model_checkpoint_paths"],
        fields["all_model_checkpoint_timestamps"],
        preserved[-1] if preserved else 0.0,
    )


def format_state(model_checkpoint_path: str, all_model_checkpoint_paths: list[str]) -> str:
    """The state file's text, as TF1's ``Saver`` writes it (no timestamps)."""
    lines = [f"model_checkpoint_path: {_quote(model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}" for p in all_model_checkpoint_paths]
    return "\n".join(lines) + "\n"


def _state_path(checkpoint_dir: str, latest_filename: str | None) -> str:
    return os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)


def get_checkpoint_state(
    checkpoint_dir: str | os.PathLike, latest_filename: str | None = None
) -> CheckpointState | None:
    """The ``CheckpointState`` of ``checkpoint_dir/checkpoint``, or None if there is no such file.

    Relative paths in the file are joined to ``checkpoint_dir``; absolute ones are kept.

    Args:
      checkpoint_dir: the directory that ``Saver.save`` wrote into.
      latest_filename: the state file's name, if the saver was given one (default
        ``"checkpoint"``).

    Returns:
      A :class:`CheckpointState`, or None when the file does not exist or cannot be parsed
      (a warning names the file and the problem, as TF1 logs one).

    Raises:
      CheckpointStateError: the file parses but names no ``model_checkpoint_path`` (a
        ``ValueError``, as TF1's).

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), {"w": np.ones(2)})
      >>> js.train.get_checkpoint_state(d).model_checkpoint_path == prefix
      True

    TF1 equivalent: tf.compat.v1.train.get_checkpoint_state
    """
    directory = os.fspath(checkpoint_dir)
    path = _state_path(directory, latest_filename)
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    try:
        state = parse_state(text, path)
    except CheckpointStateError as e:
        if e.problem == _NO_MODEL:  # TF1 raises here too; only unparsable files are ignored
            raise
        warnings.warn(f"{e} The state file is ignored.", stacklevel=2)
        return None
    join = lambda p: p if os.path.isabs(p) else os.path.join(directory, p)  # noqa: E731
    return state._replace(
        model_checkpoint_path=join(state.model_checkpoint_path),
        all_model_checkpoint_paths=[join(p) for p in state.all_model_checkpoint_paths],
    )


def checkpoint_exists(checkpoint_prefix: str | os.PathLike) -> bool:
    """Whether a checkpoint exists at ``checkpoint_prefix`` (its ``.index``, or a V1 file).

    Args:
      checkpoint_prefix: a checkpoint prefix such as ``"dir/model.ckpt-1000"``.

    Returns:
      True when its index (V2) or its single file (V1) exists.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), {"w": np.ones(2)})
      >>> js.train.checkpoint_exists(prefix), js.train.checkpoint_exists(prefix + "0")
      (True, False)

    TF1 equivalent: tf.compat.v1.train.checkpoint_exists
    """
    prefix = os.fspath(checkpoint_prefix)
    return bool(glob.glob(glob.escape(prefix) + ".index") or glob.glob(prefix))


def latest_checkpoint(
    checkpoint_dir: str | os.PathLike, latest_filename: str | None = None
) -> str | None:
    """The prefix of the latest checkpoint that ``checkpoint_dir/checkpoint`` names, if it exists.

    Args:
      checkpoint_dir: the directory that ``Saver.save`` wrote into.
      latest_filename: the state file's name, if the saver was given one.

    Returns:
      e.g. ``"train/model.ckpt-1000"``, or None if there is no state file or its checkpoint is
      gone.

    Example:
      >>> import tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> saver = js.train.Saver()
      >>> path = saver.save({"params": {"w": np.ones(2, np.float32)}}, d + "/model.ckpt", 7)
      >>> js.train.latest_checkpoint(d) == d + "/model.ckpt-7"
      True

    TF1 equivalent: tf.compat.v1.train.latest_checkpoint
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    prefix = state.model_checkpoint_path
    return prefix if checkpoint_exists(prefix) else None


def write_state(
    save_dir: str,
    model_checkpoint_path: str,
    all_model_checkpoint_paths: list[str],
    latest_filename: str | None = None,
    save_relative_paths: bool = False,
) -> None:
    """Replaces ``save_dir/checkpoint`` atomically, with TF1's choice of relative paths.

    As TF1's ``update_checkpoint_state``: with ``save_relative_paths`` every absolute path is
    made relative to ``save_dir``; otherwise a relative ``save_dir`` makes relative paths
    relative to it, and absolute paths stay absolute.
    """
    paths = list(all_model_checkpoint_paths)
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    base = save_dir or os.curdir

    def rel(p: str) -> str:
        if save_relative_paths:
            return os.path.relpath(p, base) if os.path.isabs(p) else p
        if not os.path.isabs(save_dir) and not os.path.isabs(p):
            return os.path.relpath(p, base)
        return p

    path = _state_path(save_dir, latest_filename)
    if os.path.normpath(path) == os.path.normpath(model_checkpoint_path):
        raise CheckpointStateError(
            path, "the checkpoint prefix is the state file's own path; pass another save_path"
        )
    text = format_state(rel(model_checkpoint_path), [rel(p) for p in paths])
    tmp = path + _tmp_suffix()
    try:
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
