"""TF1 checkpoints <-> jaxscope variables trees, matched by TF1 name.

A variables tree ``{"params": {...}, "state": {...}}`` holds ``two_layers/h1/weights`` at
``tree["params"]["two_layers"]["h1"]["weights"]``; the collection level (``params``/``state``) is
not part of the name. A tree without those two top-level keys (``variables["params"]`` alone, an
optax moment tree) is named from its root.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax
import numpy as np

from jaxscope._src.errors import CheckpointMismatchError, RenameCollisionError
from jaxscope._src.tf1_checkpoint import (
    CheckpointReader,
    write_bundle,
    write_checkpoint_state,
)

Rename = Mapping[str, str] | Callable[[str], str | None] | None

# Optimizer slots and counters that TF1 training saves beside the model's variables.
_SLOT = re.compile(
    r"(^|/)(beta1_power|beta2_power|global_step)(_\d+)?$"
    r"|/(Adam|Adam_\d+|adam_m|adam_v|Momentum|RMSProp|RMSProp_1|Adagrad|Adadelta|Adadelta_1"
    r"|Ftrl|Ftrl_1|ExponentialMovingAverage)$"
)


def is_optimizer_slot(name: str) -> bool:
    """Whether a checkpoint name is an optimizer slot or counter (``w/Adam``, ``global_step``)."""
    return _SLOT.search(name) is not None


def tree_names(tree: Any) -> dict[str, tuple[tuple[str, ...], Any]]:
    """``{tf1_name: (path_in_tree, leaf)}`` for every leaf of a nested-dict variables tree."""
    out: dict[str, tuple[tuple[str, ...], Any]] = {}
    collections = isinstance(tree, Mapping) and tree and set(tree) <= {"params", "state"}

    def walk(node, path):
        if isinstance(node, Mapping):
            for key, child in node.items():
                walk(child, (*path, str(key)))
        else:
            out["/".join(path[1:] if collections else path)] = (path, node)

    walk(tree, ())
    return out


def _copy_dicts(tree):
    return {k: _copy_dicts(v) for k, v in tree.items()} if isinstance(tree, Mapping) else tree


def _set(tree: dict, path: tuple[str, ...], value) -> dict:
    if not path:
        return value
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return tree


def _renamer(rename: Rename) -> Callable[[str], str | None]:
    if rename is None:
        return lambda name: name
    if callable(rename):
        return rename
    rules = list(rename.items())

    def apply(name: str) -> str:
        for old, new in rules:
            if name.startswith(old):
                return new + name[len(old) :]
        return name

    return apply


def _place(value: np.ndarray, like) -> Any:
    """``value`` on the sharding of the tree leaf ``like`` (numpy leaves get numpy values)."""
    if isinstance(like, jax.Array | jax.ShapeDtypeStruct):
        return jax.device_put(value, like.sharding)
    return value


class Mismatch(NamedTuple):
    """A tree variable whose checkpoint value has another shape or dtype."""

    name: str
    checkpoint_name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    checkpoint_shape: tuple[int, ...]
    checkpoint_dtype: np.dtype


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    """What a restore did, by TF1 name.

    Attributes:
      path: the checkpoint that was read.
      loaded: tree names that got a value from the checkpoint.
      missing: tree names that the checkpoint lacks (they keep their value).
      mismatched: tree names whose checkpoint value differs in shape or dtype (kept too).
      unused: checkpoint names that no tree variable took.
      unused_slots: unused checkpoint names that are optimizer slots or counters.
    """

    path: str
    loaded: list[str]
    missing: list[str]
    mismatched: list[Mismatch]
    unused: list[str]
    unused_slots: list[str]

    @property
    def ok(self) -> bool:
        """No missing and no mismatched variables (unused ones are allowed)."""
        return not self.missing and not self.mismatched

    def __str__(self) -> str:
        total = len(self.loaded) + len(self.missing) + len(self.mismatched)
        lines = [f"Restored {len(self.loaded)} of {total} variables from {self.path}."]

        def section(title, rows, limit=20):
            if rows:
                lines.append(f"  {title}: {len(rows)}")
                lines.extend(f"    {r}" for r in rows[:limit])
                if len(rows) > limit:
                    lines.append(f"    ... and {len(rows) - limit} more")

        section("missing (in the tree, not in the checkpoint)", self.missing)
        section(
            "mismatched (tree vs checkpoint)",
            [
                f"{m.name}: tree {m.dtype}{list(m.shape)}, checkpoint "
                f'"{m.checkpoint_name}" {m.checkpoint_dtype}{list(m.checkpoint_shape)}'
                for m in self.mismatched
            ],
        )
        section("unused (in the checkpoint, not in the tree)", self.unused)
        if self.unused_slots:
            shown = ", ".join(self.unused_slots[:4]) + (
                ", ..." if len(self.unused_slots) > 4 else ""
            )
            lines.append(
                f"  unused optimizer slots and counters: {len(self.unused_slots)} ({shown})"
            )
        return "\n".join(lines)


def fill_tree(tree, reader: CheckpointReader, sources: Mapping[str, str]):
    """Copies ``tree`` with each leaf named in ``sources`` (tree name -> checkpoint name) read.

    Returns ``(new_tree, loaded, missing, mismatched)``; the input tree is not mutated.
    """
    new = _copy_dicts(tree)
    loaded, missing, mismatched = [], [], []
    for name, (path, leaf) in sorted(tree_names(tree).items()):
        source = sources.get(name)
        if source is None:
            missing.append(name)
            continue
        info = reader.info(source)
        shape, dtype = tuple(np.shape(leaf)), np.dtype(leaf.dtype)
        if info.shape != shape or info.dtype != dtype:
            mismatched.append(Mismatch(name, source, shape, dtype, info.shape, info.dtype))
            continue
        new = _set(new, path, _place(reader.read(source), leaf))
        loaded.append(name)
    return new, loaded, missing, mismatched


def checkpoint_sources(names, rename: Rename, skip=lambda n: False) -> dict[str, str]:
    """``{tree_name: checkpoint_name}`` after ``rename``; a name ``rename`` maps to None is dropped."""
    renamer, sources = _renamer(rename), {}
    for name in names:
        target = None if skip(name) else renamer(name)
        if target is None:
            continue
        if target in sources:
            raise RenameCollisionError(target, sources[target], name)
        sources[target] = name
    return sources


def restore_tf1(
    variables, path: str | os.PathLike, *, rename: Rename = None, strict: bool = True
) -> tuple[Any, RestoreReport]:
    """Fills a variables tree from a TF1 checkpoint, matching by TF1 name.

    Every tree variable (``f.init``'s tree, or ``jax.eval_shape(f.init, ...)``'s) takes the
    checkpoint tensor of the same name, which must have the same shape and dtype: nothing is
    cast. Values land where the tree's leaves are (``jax.Array`` leaves keep their sharding;
    numpy leaves get numpy arrays). Checkpoint variables the tree does not use are reported, not
    an error: like ``Saver(var_list)``, a model may restore a part of a checkpoint (BERT's
    encoder without its pretraining heads). Optimizer slots (``w/Adam``, ``beta1_power``,
    ``global_step``) are listed apart; see ``restore_tf1_adam`` to load Adam's.

    Args:
      variables: the tree to fill; it is not mutated.
      path: a checkpoint prefix, or a directory with a ``checkpoint`` state file.
      rename: maps checkpoint names to tree names: a dict of prefix rewrites applied in order,
        first match wins (``{"bert/": ""}``), or a callable returning the tree name or None to
        skip the variable.
      strict: raise if any tree variable is missing from the checkpoint or mismatched.
        With False, those keep their current value and the report lists them.

    Returns:
      ``(new_variables, report)``, a :class:`RestoreReport` with a readable ``str()``.

    Raises:
      CheckpointMismatchError: ``strict`` and the report is not ``ok`` (a ``ValueError``).
      RenameCollisionError: ``rename`` maps two checkpoint names to one tree name.

    TF1 equivalent: tf.compat.v1.train.Saver(var_list).restore(sess, path)
    """
    with CheckpointReader(path) as reader:
        sources = checkpoint_sources(reader.names, rename)
        new, loaded, missing, mismatched = fill_tree(variables, reader, sources)
        taken = {sources[n] for n in loaded} | {m.checkpoint_name for m in mismatched}
        rest = [n for n in reader.names if n not in taken]
        report = RestoreReport(
            reader.prefix,
            loaded,
            missing,
            mismatched,
            [n for n in rest if not is_optimizer_slot(n)],
            [n for n in rest if is_optimizer_slot(n)],
        )
    if strict and not report.ok:
        raise CheckpointMismatchError(report.path, report)
    return new, report


def save_tf1(path: str | os.PathLike, variables) -> str:
    """Writes a variables tree as a TF1 checkpoint that TensorFlow's Saver can restore.

    Writes ``path.index``, ``path.data-00000-of-00001`` and the ``checkpoint`` state file beside
    them (naming ``path`` as the latest), creating the directory if needed. Names are the tree's
    TF1 names (``two_layers/h1/weights``, no ``:0``); ``params`` and ``state`` are saved alike.

    Args:
      path: the checkpoint prefix, e.g. ``"out/model.ckpt-1000"``.
      variables: a tree as ``f.init`` returns it, of jax or numpy arrays.

    Returns:
      The prefix written.

    TF1 equivalent: tf.compat.v1.train.Saver().save(sess, path)
    """
    prefix = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    arrays = {name: np.asarray(leaf) for name, (_, leaf) in tree_names(variables).items()}
    write_bundle(prefix, arrays)
    write_checkpoint_state(os.path.dirname(prefix), prefix)
    return prefix
