"""``Saver``: TF1's ``tf.compat.v1.train.Saver`` on variables trees.

A thin stateful layer over ``write_bundle`` (the TensorBundle writer), ``restore_tf1`` (names to
tree leaves) and the ``checkpoint`` state file: it owns only what TF1's ``Saver`` owns -- the
``var_list`` name map, the list of kept checkpoints and the ``keep_checkpoint_every_n_hours``
clock. Each save writes its files under temporary names and renames them (data, then index),
then replaces the state file, then deletes what ``max_to_keep`` drops: a writer killed at any
moment leaves the state file naming a complete checkpoint.
"""

from __future__ import annotations

import difflib
import glob
import os
import time
from collections.abc import Mapping
from typing import Any

import jax
import numpy as np

from jaxscope._src.checkpoint.checkpoint_state import (
    STATE_FILENAME,
    checkpoint_exists,
)
from jaxscope._src.checkpoint.checkpoint_state import write_state as write_state_file
from jaxscope._src.checkpoint.errors import CheckpointMismatchError, VariableNotInCheckpointError
from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader, _remove, write_bundle
from jaxscope._src.checkpoint.trees import _all_names, restore_tf1
from jaxscope._src.errors import JaxscopeError
from jaxscope._src.train.runner import Runner


class SaverError(JaxscopeError, ValueError):
    """A ``Saver`` argument or call that TF1 refuses too (TF1 raises the same ``ValueError``)."""

    def __init__(self, what: str, problem: str, fix: str):
        self.what = what
        super().__init__(f"{what}: {problem}.\n{fix}")


class VariableNotFoundInCheckpointError(VariableNotInCheckpointError):
    """``Saver.restore``: the checkpoint lacks variables the saver restores (TF1:
    ``NotFoundError: Key ... not found in checkpoint``); a ``KeyError``."""

    def __init__(self, missing: Mapping[str, str], path: str, available: list[str]):
        self.missing = dict(missing)
        super().__init__(sorted(missing), path, available)
        shown = []
        for ckpt_name, tree_name in sorted(self.missing.items())[:8]:
            close = difflib.get_close_matches(ckpt_name, available, n=1)
            via = "" if ckpt_name == tree_name else f' (for the tree\'s "{tree_name}")'
            hint = f'; closest: "{close[0]}"' if close else ""
            shown.append(f'  "{ckpt_name}"{via}{hint}')
        more = f"\n  ... and {len(missing) - 8} more" if len(missing) > 8 else ""
        self.args = (
            f"Saver.restore: {len(missing)} variable(s) not found in checkpoint {path}:\n"
            + "\n".join(shown)
            + more
            + "\nRestore only what the checkpoint holds, e.g. Saver(var_list=[names it has]), or "
            "map names with Saver(var_list={'name_in_checkpoint': 'name_in_tree'}); list them "
            f"with jaxscope.checkpoint.list_variables({path!r}).\n"
            "TF1 equivalent: NotFoundError: Key ... not found in checkpoint.",
        )


def _variable_name(v, where: str) -> str:
    """The TF1 name of a ``var_list`` entry: a name (``:0`` allowed) or a variable handle."""
    name = v if isinstance(v, str) else getattr(v, "name", None)
    if not isinstance(name, str):
        raise SaverError(
            where,
            f"is a {type(v).__name__}, not a variable name or a variable",
            "Pass TF1 names ('dense/kernel' or 'dense/kernel:0') or the variables that "
            "jaxscope.global_variables() returned inside the program.",
        )
    if ":" in name:
        base, _, index = name.rpartition(":")
        if index != "0":
            raise SaverError(
                where, f'"{name}" names output {index} of an op, not a variable',
                f"Pass the variable's name: {base!r}.",
            )  # fmt: skip
        name = base
    return name


def _name_map(var_list) -> dict[str, str] | None:
    """``{checkpoint name: tree name}`` of a ``var_list`` (None: every variable, own name)."""
    if var_list is None:
        return None
    if isinstance(var_list, Mapping):
        out = {}
        for key, v in var_list.items():
            if not isinstance(key, str) or not key:
                raise SaverError(
                    f"Saver(var_list={{{key!r}: ...}})", "a checkpoint name must be a str",
                    "Key the dict by the names to write: {'dense/kernel': 'model/dense/kernel'}.",
                )  # fmt: skip
            out[key] = _variable_name(v, f"Saver(var_list={{{key!r}: {v!r}}})")
        return out
    if isinstance(var_list, str) or not isinstance(var_list, list | tuple | set | frozenset):
        raise SaverError(
            "Saver(var_list=...)",
            f"is a {type(var_list).__name__}; TF1 takes a list of variables or a dict "
            "{name: variable}",
            "Pass Saver(var_list=['dense/kernel', 'dense/bias']) or "
            "Saver(var_list={'ckpt_name': 'tree_name'}).",
        )
    out = {}
    for v in var_list:
        name = _variable_name(v, f"Saver(var_list=[..., {v!r}, ...])")
        if name in out:
            raise SaverError(
                "Saver(var_list=...)",
                f'at least two variables have the same name: "{name}"',
                "Give each variable once.",
            )
        out[name] = name
    return out


def _check_in_tree(names: dict[str, str], tree_names, call: str) -> None:
    unknown = [t for t in names.values() if t not in tree_names]
    if unknown:
        shown = ", ".join(
            f'"{t}"'
            + (
                f" (did you mean {c[0]!r}?)"
                if (c := difflib.get_close_matches(t, list(tree_names), n=1))
                else ""
            )  # fmt: skip
            for t in unknown[:6]
        )
        raise SaverError(
            call,
            f"var_list names {len(unknown)} variable(s) that the tree does not hold: {shown}",
            "Pass the tree the program uses (a tuple (variables, opt_state, averages) for "
            "slots and averages), or drop those names from var_list.",
        )


def _delete_checkpoint(prefix: str, meta_graph_suffix: str) -> None:
    """TF1's ``remove_checkpoint``: the index first, so a half-deleted one is no checkpoint."""
    _remove(f"{prefix}.{meta_graph_suffix}")
    _remove(prefix + ".index")
    for data in glob.glob(glob.escape(prefix) + ".data-?????-of-?????"):
        _remove(data)


class Saver:
    """Saves and restores variables trees as TF1 checkpoints, keeping the last ``max_to_keep``.

    ``save(variables, "dir/model.ckpt", global_step=1000)`` writes ``dir/model.ckpt-1000.index``
    and ``.data-00000-of-00001``, updates ``dir/checkpoint`` (TF1's text ``CheckpointState``:
    ``model_checkpoint_path`` and ``all_model_checkpoint_paths``) and deletes the oldest
    checkpoint beyond ``max_to_keep`` -- unless it is one that ``keep_checkpoint_every_n_hours``
    keeps. TF1's ``Saver`` reads these files and this reads TF1's. ``variables`` is a tree as
    ``f.init`` returns it, or a tuple ``(variables, opt_state, averages)`` of ``jaxscope.train``
    states, whose slots (``w/Adam``, ``beta1_power``) and moving averages
    (``w/ExponentialMovingAverage``) are saved under their TF1 names too.

    A save is crash-safe: its files are written under temporary names and renamed when complete
    (data before index), the state file is then replaced atomically, and old checkpoints are
    deleted last, index first. A process killed at any moment leaves ``latest_checkpoint(dir)``
    naming a complete checkpoint (the new one or the previous one).

    Args:
      var_list: which variables: None for every variable of the tree passed to ``save`` /
        ``restore``; a list of names (``:0`` allowed) or variable handles; or a dict
        ``{checkpoint name: variable name or handle}`` to save them under other names (e.g.
        ``ExponentialMovingAverage.variables_to_restore(variables)`` to load averages into the
        model's variables).
      max_to_keep: how many recent checkpoints to keep (None or 0: all).
      keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours of saving.
      pad_step_number: write ``prefix-00001000`` instead of ``prefix-1000``.
      save_relative_paths: write paths relative to the directory into the state file.
      allow_empty: with nothing to save, ``save`` returns None instead of raising.
      dtypes: ``{name: dtype}`` to write variables in another dtype that holds their values
        exactly. By default an int32 ``global_step`` (JAX without ``jax_enable_x64``) is
        written as int64, TF1's dtype for it, so TF1's ``Saver`` restores it.
      reshape, saver_def, builder, write_version: TF1's; ``reshape=True``, ``saver_def``,
        ``builder`` and ``write_version=1`` are refused.
      sharded, name, restore_sequentially, defer_build, filename: TF1's; they change nothing
        here.

    Differs from TF1: ``save`` and ``restore`` take the variables tree where TF1 takes a
    ``Session``, and ``restore`` returns the restored tree (the input is not changed); no
    ``.meta`` graph file is written (``write_meta_graph`` is accepted and ignored), and an int32
    ``global_step`` is written as int64 (TF1's dtype).

    Example:
      >>> import tempfile, numpy as np, jaxscope as js
      >>> variables = {"params": {"dense": {"w": np.ones([2, 2], np.float32)}}}
      >>> d = tempfile.mkdtemp()
      >>> saver = js.train.Saver(max_to_keep=2)
      >>> for step in (1, 2, 3):
      ...     path = saver.save(variables, d + "/model.ckpt", global_step=step)
      >>> [p[len(d) + 1:] for p in saver.last_checkpoints]
      ['model.ckpt-2', 'model.ckpt-3']
      >>> restored = saver.restore(variables, js.train.latest_checkpoint(d))

    TF1 equivalent: tf.compat.v1.train.Saver
    """

    def __init__(
        self,
        var_list=None,
        reshape: bool = False,
        sharded: bool = False,
        max_to_keep: int | None = 5,
        keep_checkpoint_every_n_hours: float = 10000.0,
        name: str | None = None,
        restore_sequentially: bool = False,
        saver_def=None,
        builder=None,
        defer_build: bool = False,
        allow_empty: bool = False,
        write_version: int = 2,
        pad_step_number: bool = False,
        save_relative_paths: bool = False,
        filename: str | None = None,
        *,
        dtypes: Mapping[str, Any] | None = None,
    ):
        for arg, value, ok in (
            ("reshape", reshape, False),
            ("saver_def", saver_def, None),
            ("builder", builder, None),
        ):
            if value is not ok:
                raise SaverError(
                    f"Saver({arg}={value!r})", "is not supported: jaxscope builds no graph and "
                    "restores only tensors of the variable's own shape",
                    f"Leave {arg} at its default.",
                )  # fmt: skip
        if write_version != 2:
            raise SaverError(
                f"Saver(write_version={write_version!r})",
                "only TF1's V2 format (write_version=2, tf.train.SaverDef.V2) is written",
                "Leave write_version at its default.",
            )
        self._names = _name_map(var_list)
        if self._names is not None and not self._names and not allow_empty:
            raise SaverError(
                "Saver(var_list=[])", "no variables to save",
                "Pass the variables to save, or allow_empty=True.",
            )  # fmt: skip
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._dtypes = dict(dtypes or {})
        self._last_checkpoints: list[tuple[str, float]] = []
        self._to_delete: list[tuple[str, float]] = []
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600

    # -- the kept checkpoints, as TF1's Saver keeps them -----------------------------------------
    @property
    def last_checkpoints(self) -> list[str]:
        """The checkpoints not yet deleted, oldest first.

        TF1 equivalent: tf.compat.v1.train.Saver.last_checkpoints
        """
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints: list[str]) -> None:
        """Sets the kept list (never kept by ``keep_checkpoint_every_n_hours``)."""
        self._last_checkpoints = [(p, np.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        """Sets the kept list as ``[(path, time.time() when saved), ...]``."""
        self._last_checkpoints = [(p, float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths: list[str]) -> None:
        """Takes over the checkpoints a previous run kept (``get_checkpoint_state(d)
        .all_model_checkpoint_paths``): those that still exist, timed by their files' mtimes.

        TF1 equivalent: tf.compat.v1.train.Saver.recover_last_checkpoints
        """
        kept = [p for p in checkpoint_paths if os.path.exists(p + ".index")]
        self.set_last_checkpoints_with_time([(p, os.path.getmtime(p + ".index")) for p in kept])

    def _record(self, path: str) -> None:
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._to_delete.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old(self, meta_graph_suffix: str) -> None:
        if not self._to_delete:
            return
        path, saved_at = self._to_delete.pop(0)
        if saved_at > self._next_checkpoint_time:  # one kept per keep_checkpoint_every_n_hours
            self._next_checkpoint_time += self._keep_hours * 3600
            return
        _delete_checkpoint(path, meta_graph_suffix)

    # -- save ----------------------------------------------------------------------------------
    def _arrays(self, variables) -> dict[str, np.ndarray]:
        """``{checkpoint name: array}`` of what this saver saves from ``variables``."""
        named = _all_names(variables)
        names = self._names if self._names is not None else {n: n for n in named}
        _check_in_tree(names, named, "Saver.save")
        arrays = {ckpt: np.asarray(named[tree][1]) for ckpt, tree in names.items()}
        dtypes = dict(self._dtypes)
        for name, arr in arrays.items():
            if name.rpartition("/")[2] == "global_step" and arr.dtype == np.int32:
                dtypes.setdefault(name, np.int64)
        for name, dtype in dtypes.items():
            if name not in arrays:
                raise SaverError(
                    f"Saver(dtypes={{{name!r}: ...}})",
                    f"names no variable this saver saves (it saves {', '.join(sorted(arrays)[:6])}"
                    f"{', ...' if len(arrays) > 6 else ''})",
                    "Key dtypes by checkpoint name: Saver(dtypes={'global_step': 'int64'}).",
                )
            cast = arrays[name].astype(dtype)
            if not np.array_equal(cast, arrays[name]):
                raise SaverError(
                    f"Saver(dtypes={{{name!r}: {np.dtype(dtype).name!r}}})",
                    f"would change the values of {name!r} ({arrays[name].dtype} -> "
                    f"{np.dtype(dtype)})",
                    "Cast only to a dtype that holds the values exactly (int32 -> int64).",
                )
            arrays[name] = cast
        return arrays

    def _step(self, variables, global_step) -> int:
        if isinstance(global_step, bool):
            raise SaverError(
                "Saver.save(global_step=...)", f"is {global_step!r}, not a step",
                "Pass an int, a scalar array, or the name of the step variable.",
            )  # fmt: skip
        if isinstance(global_step, int | np.integer):
            return int(global_step)
        if not isinstance(global_step, np.ndarray | np.generic | jax.Array):  # a name, a handle
            name = _variable_name(global_step, "Saver.save(global_step=...)")
            named = _all_names(variables, arrays=False)
            if name not in named:
                raise SaverError(
                    f"Saver.save(global_step={name!r})", "names no variable of the tree saved",
                    "Pass the step's name as the tree holds it ('global_step'), or an int.",
                )  # fmt: skip
            global_step = named[name][1]
        value = np.asarray(global_step)
        if value.shape != () or value.dtype.kind not in "iu":
            raise SaverError(
                "Saver.save(global_step=...)",
                f"is an array of shape {value.shape} and dtype {value.dtype}, not an integer "
                "scalar",
                "Pass an int, an integer scalar array, or the name of the step variable.",
            )
        return int(value)

    def save(
        self,
        variables,
        save_path: str | os.PathLike,
        global_step=None,
        latest_filename: str | None = None,
        meta_graph_suffix: str = "meta",
        write_meta_graph: bool = True,
        write_state: bool = True,
        strip_default_attrs: bool = False,
        save_debug_info: bool = False,
    ) -> str | None:
        """Writes the variables as ``save_path`` (``save_path-<global_step>`` with a step).

        Args:
          variables: a variables tree, ``(variables, opt_state, averages)``, or a
            ``js.train.Runner`` (TF1: the session).
          save_path: the prefix, e.g. ``"train/model.ckpt"``; its directory must exist.
          global_step: an int, an integer scalar array, or the name (or handle) of a variable
            of ``variables``, appended to the prefix as ``-N``.
          latest_filename: the state file's name (default ``"checkpoint"``).
          write_state: update the state file and ``max_to_keep`` (False: only write the files).
          meta_graph_suffix, write_meta_graph, strip_default_attrs, save_debug_info: TF1's;
            no ``.meta`` file is written (jaxscope has no graph).

        Returns:
          The checkpoint's prefix (``save_path-N``), or None if there was nothing to save and
          ``allow_empty``.

        Raises:
          SaverError: the directory does not exist, ``var_list`` names a variable the tree lacks,
            or ``latest_filename`` is a path (``ValueError``, as TF1).

        TF1 equivalent: tf.compat.v1.train.Saver.save
        """
        latest_filename = latest_filename or STATE_FILENAME
        if os.path.split(latest_filename)[0]:
            raise SaverError(
                f"Saver.save(latest_filename={latest_filename!r})",
                "must be a file name without a directory", "Pass e.g. latest_filename='checkpoint'.",
            )  # fmt: skip
        save_path = os.fspath(save_path)
        if isinstance(variables, Runner):  # TF1's saver.save(sess, ...)
            variables = variables.variables
        arrays = self._arrays(variables)
        if not arrays:
            if self._allow_empty:
                return None
            raise SaverError(
                "Saver.save", "no variables to save (the tree is empty)",
                "Pass the variables f.init returned, or Saver(allow_empty=True).",
            )  # fmt: skip
        if global_step is None:
            checkpoint_file = save_path
        else:
            step = self._step(variables, global_step)
            checkpoint_file = f"{save_path}-{step:08d}" if self._pad_step_number else (
                f"{save_path}-{step}")  # fmt: skip
        save_dir = os.path.dirname(save_path)
        if not os.path.isdir(save_dir or os.curdir):
            raise SaverError(
                "Saver.save", f"the parent directory of {save_path} doesn't exist, can't save",
                f"Create it first: os.makedirs({save_dir!r}, exist_ok=True).",
            )  # fmt: skip
        write_bundle(checkpoint_file, arrays)
        if write_state:
            self._record(checkpoint_file)
            write_state_file(
                save_dir, checkpoint_file, self.last_checkpoints, latest_filename,
                self._save_relative_paths,
            )  # fmt: skip
            self._maybe_delete_old(meta_graph_suffix)
        return checkpoint_file

    # -- restore -------------------------------------------------------------------------------
    def restore(self, variables, save_path: str | os.PathLike | None = None):
        """Reads the saver's variables from ``save_path`` into a copy of ``variables``.

        ``saver.restore(variables, path)`` is TF1's ``saver.restore(sess, path)``: it returns
        the tree (or tuple of trees) with each variable of ``var_list`` (all of them by default)
        replaced by the checkpoint's value; the others keep theirs. Shapes and dtypes must match
        (TF1's int64 ``global_step`` goes into JAX's int32 leaf when it fits).
        ``saver.restore(path)`` with no tree returns ``{name: numpy array}`` of the saver's
        variables (all of the checkpoint's with ``var_list=None``), keyed by tree name.

        Raises:
          SaverError: ``save_path`` is None or not a checkpoint (a ``ValueError``, as TF1).
          VariableNotFoundInCheckpointError: the checkpoint lacks some of the variables (TF1's
            ``NotFoundError``; a ``KeyError`` here), each named with the closest name it holds.
          CheckpointMismatchError: a variable has another shape or dtype in the checkpoint.

        TF1 equivalent: tf.compat.v1.train.Saver.restore
        """
        if save_path is None and isinstance(variables, str | os.PathLike):
            variables, save_path = None, variables
        if save_path is None:
            raise SaverError(
                "Saver.restore", "save_path is None (can't load save_path when it is None)",
                "latest_checkpoint(dir) returns None when dir has no checkpoint: check it first,"
                "\n    path = jaxscope.train.latest_checkpoint(d)\n    if path: variables = "
                "saver.restore(variables, path)",
            )  # fmt: skip
        prefix = os.fspath(save_path)
        if not checkpoint_exists(prefix) or os.path.isdir(prefix):
            what = "is a directory" if os.path.isdir(prefix) else f"has no {prefix}.index"
            raise SaverError(
                "Saver.restore", f"the passed save_path is not a valid checkpoint: {prefix} "
                f"({what})", "Pass the prefix Saver.save returned, or "
                "jaxscope.train.latest_checkpoint(directory).",
            )  # fmt: skip
        with CheckpointReader(prefix) as reader:
            available = reader.names
            if variables is None:
                names = self._names if self._names is not None else {n: n for n in available}
                self._check_found(names, prefix, available)
                return {tree: reader.read(ckpt) for ckpt, tree in sorted(names.items())}
        named = _all_names(variables, arrays=False)
        names = self._names if self._names is not None else {n: n for n in named}
        _check_in_tree(names, named, "Saver.restore")
        self._check_found(names, prefix, available)
        to_tree = dict(names)
        new, report = restore_tf1(variables, prefix, rename=to_tree.get, strict=False)
        if report.mismatched:
            report = type(report)(report.path, report.loaded, [], report.mismatched, [], [])
            raise CheckpointMismatchError(report.path, report)
        return new

    @staticmethod
    def _check_found(names: Mapping[str, str], prefix: str, available: list[str]) -> None:
        have = set(available)
        missing = {ckpt: tree for ckpt, tree in names.items() if ckpt not in have}
        if missing:
            raise VariableNotFoundInCheckpointError(missing, prefix, available)
