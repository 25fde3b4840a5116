"""TF1 checkpoints <-> jaxscope variables trees, matched by TF1 name: ``restore_tf1`` and the
names both directions share (``save_tf1`` is in ``saving``).

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

from jaxscope._src.checkpoint.errors import CheckpointMismatchError, RenameCollisionError
from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader, TensorInfo
from jaxscope._src.core.errors import CheckpointNameError, CheckpointTreeError
from jaxscope._src.core.tree_names import (
    check_array_leaves,
    flat_names,
    show_path,
    state_names,
    tree_names,
)

Rename = Mapping[str, str] | Callable[[str], str | None] | None

# Optimizer slots and counters that TF1 training saves beside the model's variables.
_SLOT = re.compile(
    r"(^|/)(beta1_power|beta2_power|global_step)(_\d+)?$"
    r"|/(Adam|Adam_\d+|adam_m|adam_v|Momentum|RMSProp(_\d+)?|Adagrad|Adadelta|Adadelta_1"
    r"|Ftrl|Ftrl_1|ExponentialMovingAverage)$"
)


def is_optimizer_slot(name: str) -> bool:
    """Whether a checkpoint name is an optimizer slot or counter (``w/Adam``, ``global_step``)."""
    return _SLOT.search(name) is not None


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
    return np.asarray(value)


def _sharded(leaf, reader) -> bool:
    sharding = getattr(leaf, "sharding", None)
    return (
        isinstance(leaf, jax.Array | jax.ShapeDtypeStruct)
        and sharding is not None
        and not sharding.is_fully_replicated
        and hasattr(reader, "read_region")
    )


def _read_sharded(reader, source: str, leaf) -> jax.Array:
    """A sharded leaf's value, each device's shard read on its own: this process reads only the
    slices its devices hold (each once, however many devices replicate it) -- the parts of a
    partitioned tensor that overlap them, or the rows of a plain one; a plain tensor split along
    another axis is read whole, once."""
    cache: dict = {}
    plain = not reader.entry(source).slices

    def shard(index):
        if plain and any(s != slice(None) for s in index[1:]):
            # Not a run of rows: read (and checksum) the whole tensor once, slice it per device.
            if "whole" not in cache:
                cache["whole"] = reader.read(source)
            return cache["whole"][index]
        key = tuple((s.start, s.stop) for s in index)
        if key not in cache:
            cache[key] = reader.read_region(source, index)
        return cache[key]

    return jax.make_array_from_callback(tuple(leaf.shape), leaf.sharding, shard)


class Mismatch(NamedTuple):
    """A tree variable whose checkpoint value has another shape or dtype.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> wider = {"params": {"dense": {"w": np.ones([3, 3], np.float32),
      ...                               "b": np.zeros([2], np.float32)}}}
      >>> _, report = js.checkpoint.restore_tf1(wider, prefix, strict=False)
      >>> report.mismatched[0].shape, report.mismatched[0].checkpoint_shape
      ((3, 3), (3, 2))

    TF1 equivalent: none (``Saver.restore`` raises at the first mismatch)
    """

    name: str
    checkpoint_name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    checkpoint_shape: tuple[int, ...]
    checkpoint_dtype: np.dtype


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    """What a restore did, by TF1 name.

    Args:
      path: the checkpoint that was read.
      loaded: tree names that got a value from the checkpoint.
      missing: tree names that the checkpoint lacks (they keep their value).
      mismatched: the :class:`Mismatch` of each tree name whose value differs in shape or dtype
        (kept too).
      unused: checkpoint names that no tree variable took.
      unused_slots: unused checkpoint names that are optimizer slots or counters.

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> restored, report = js.checkpoint.restore_tf1(variables, prefix)
      >>> report.loaded, report.missing
      (['dense/b', 'dense/w'], [])

    TF1 equivalent: none (``Saver.restore`` reports nothing; it raises at the first problem)
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


class MappingReader:
    """A ``{TF1 name: array}`` mapping read like a checkpoint (names checked, ``:0`` dropped)."""

    prefix = "the {name: array} mapping"

    def __init__(self, arrays: Mapping[str, Any]):
        self._arrays = arrays
        self._keys = flat_names(arrays, scopes=False)  # flat, as a TF1 checkpoint: w and w/Adam
        where = {name: ((key,), arrays[key]) for name, key in self._keys.items()}
        check_array_leaves(where, "arrays")
        self.names = sorted(self._keys)

    def __enter__(self) -> MappingReader:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def info(self, name: str) -> TensorInfo:
        value = self._arrays[self._keys[name]]
        return TensorInfo(name, tuple(np.shape(value)), np.dtype(value.dtype))

    def read(self, name: str):
        return self._arrays[self._keys[name]]


def _stored_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype JAX stores a ``dtype`` value in (int64 -> int32 unless ``jax_enable_x64``)."""
    return np.dtype(jax.dtypes.canonicalize_dtype(dtype))


def _read_as(reader, source: str, info: TensorInfo, dtype: np.dtype):
    """The checkpoint value in the tree's dtype, or None if it would not be the same value.

    Only TF1's 64-bit integers (``global_step`` is int64) go into the 32-bit leaves JAX made of
    them, and only when every value fits; anything else must match exactly: nothing is cast.
    """
    value = reader.read(source)
    if info.dtype == dtype:
        return value
    if info.dtype.kind not in "iu" or _stored_dtype(info.dtype) != dtype:
        return None
    narrowed = np.asarray(value).astype(dtype)
    return narrowed if np.array_equal(narrowed, value) else None


def _check_target_leaf(name: str, leaf) -> None:
    """A restore target's leaf must have a shape and a dtype to compare the checkpoint's with."""
    if isinstance(leaf, np.ndarray | np.generic | jax.Array | jax.ShapeDtypeStruct):
        return
    raise CheckpointTreeError(
        f'restore_tf1: the tree\'s variable "{name}"',
        f"is a {type(leaf).__name__}, not an array or a jax.ShapeDtypeStruct, so it has no shape "
        "and dtype to check the checkpoint's value against",
        "Restore into the tree f.init returns, or its shapes: "
        "restore_tf1(jax.eval_shape(f.init, rng, *args), path); a leaf of your own must be an "
        "array of the variable's shape and dtype, e.g. np.zeros(shape, np.float32).",
    )


def _fill_leaves(named, reader, sources):
    """``(values by name, loaded, missing, mismatched)`` for ``{name: (path, leaf)}``."""
    values, loaded, missing, mismatched = {}, [], [], []
    for name, (_, leaf) in sorted(named.items()):
        _check_target_leaf(name, leaf)
        source = sources.get(name)
        if source is None:
            missing.append(name)
            continue
        info = reader.info(source)
        shape, dtype = tuple(np.shape(leaf)), np.dtype(leaf.dtype)
        if info.shape == shape and info.dtype == dtype and _sharded(leaf, reader):
            values[name] = _read_sharded(reader, source, leaf)
            loaded.append(name)
            continue
        value = None if info.shape != shape else _read_as(reader, source, info, dtype)
        if value is None:
            mismatched.append(Mismatch(name, source, shape, dtype, info.shape, info.dtype))
            continue
        values[name] = _place(value, leaf)
        loaded.append(name)
    return values, loaded, missing, mismatched


def fill_tree(tree, reader: CheckpointReader, sources: Mapping[str, str]):
    """Copies ``tree`` with each leaf named in ``sources`` (tree name -> checkpoint name) read.

    Returns ``(new_tree, loaded, missing, mismatched)``; the input tree is not mutated.
    """
    named = tree_names(tree)
    values, loaded, missing, mismatched = _fill_leaves(named, reader, sources)
    new = _copy_dicts(tree)
    for name, value in values.items():
        new = _set(new, named[name][0], value)
    return new, loaded, missing, mismatched


def _fill_state(state, reader, sources, root):
    """:func:`fill_tree` for an optimizer state (tuples of name-keyed dicts)."""
    if isinstance(state, Mapping) or root == "variables":
        return fill_tree(state, reader, sources)
    named = state_names(state, root)
    values, loaded, missing, mismatched = _fill_leaves(named, reader, sources)
    by_path = {named[n][0]: v for n, v in values.items()}
    new = jax.tree_util.tree_map_with_path(lambda p, leaf: by_path.get(p, leaf), state)
    return new, loaded, missing, mismatched


def _parts(variables) -> list[tuple[Any, str]]:
    """``[(tree, root)]``: a tuple holds several trees (variables, opt_state, averages)."""
    if isinstance(variables, tuple) and not hasattr(variables, "_fields"):
        return [(part, f"variables[{i}]") for i, part in enumerate(variables)]
    return [(variables, "variables")]


def _all_names(variables, arrays: bool = True) -> dict[str, tuple[tuple, Any, str]]:
    """``{name: (path, leaf, root)}`` over every tree; one name in two trees is an error."""
    out: dict[str, tuple[tuple, Any, str]] = {}
    for part, root in _parts(variables):
        # A lone tree must be a variables tree; beside others it may be an optax state.
        alone = root == "variables"
        named = tree_names(part, root) if alone or isinstance(part, Mapping) else (
            state_names(part, root))  # fmt: skip
        if arrays:
            check_array_leaves(named, root)
        for name, (path, leaf) in named.items():
            if name in out:
                first = out[name]
                raise CheckpointNameError(
                    name,
                    f"is given twice, by {_where(first[0], first[2])} and {_where(path, root)}; "
                    "a checkpoint holds one value per name",
                    "Keep it in one of the trees only (global_step in variables['state'], slots "
                    "in the optimizer state, shadows in the averages).",
                )
            out[name] = (path, leaf, root)
    return out


def _where(path, root) -> str:
    if path and not isinstance(path[0], str):
        return root + jax.tree_util.keystr(path)
    return show_path(path, root)


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
    variables,
    path: str | os.PathLike | Mapping[str, Any],
    *,
    rename: Rename = None,
    strict: bool = True,
) -> tuple[Any, RestoreReport]:
    """Fills a variables tree from a TF1 checkpoint or a ``{name: array}`` mapping, by TF1 name.

    Every tree variable (``f.init``'s tree, or ``jax.eval_shape(f.init, ...)``'s) takes the
    checkpoint tensor of the same name, which must have the same shape and dtype: nothing is
    cast. Values land where the tree's leaves are (``jax.Array`` leaves keep their sharding;
    numpy leaves get numpy arrays). Checkpoint variables the tree does not use are reported, not
    an error: like ``Saver(var_list)``, a model may restore a part of a checkpoint (BERT's
    encoder without its pretraining heads). Optimizer slots (``w/Adam``, ``beta1_power``,
    ``global_step``) are listed apart; pass ``(variables, opt_state, averages)`` of
    ``jaxscope.train`` to load them too.

    Args:
      variables: the tree to fill; it is not mutated. A tuple of trees and optimizer states
        (``(variables, opt_state, averages)``) is filled as one: a TF1 training checkpoint's
        slots (``w/Adam``, ``beta1_power``) and averages go to ``jaxscope.train``'s states, and
        the result is a tuple of the same shape. TF1's int64 ``global_step`` goes into the
        int32 leaf JAX keeps without ``jax_enable_x64`` (64-bit integers whose values fit are
        the one exception to "nothing is cast").
      path: a checkpoint prefix, or a directory with a ``checkpoint`` state file; or a flat
        ``{TF1 name: array}`` mapping (from ``load_variables``, or a TF1 session's
        ``{v.name: value}``: a ``:0`` suffix is dropped), read as if it were a checkpoint.
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
      CheckpointNameError: ``variables`` or the mapping holds a name TF1 refuses, or one name
        twice (``w`` and ``w:0``).
      CheckpointTreeError: a leaf of ``variables`` is not an array or ``jax.ShapeDtypeStruct``
        (None, a Python number, a list): a ``TypeError`` naming the variable.

    Example:
      >>> import numpy as np
      >>> from jaxscope import checkpoint
      >>> target = {"params": {"dense": {"w": np.zeros(2, np.float32)}}}
      >>> tree, report = checkpoint.restore_tf1(target, {"dense/w:0": np.ones(2, np.float32)})
      >>> tree["params"]["dense"]["w"], report.loaded
      (array([1., 1.], dtype=float32), ['dense/w'])

    TF1 equivalent: tf.compat.v1.train.Saver(var_list).restore(sess, path)
    """
    reader = MappingReader(path) if isinstance(path, Mapping) else CheckpointReader(path)
    with reader:
        sources = checkpoint_sources(reader.names, rename)
        parts = _parts(variables)
        if len(parts) > 1:
            _all_names(variables, arrays=False)  # no name in two trees
        results = [_fill_state(part, reader, sources, root) for part, root in parts]
        loaded = [n for r in results for n in r[1]]
        missing = [n for r in results for n in r[2]]
        mismatched = [m for r in results for m in r[3]]
        if parts[0][1] == "variables":
            new = results[0][0]
        else:
            new = type(variables)(r[0] for r in results)
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
