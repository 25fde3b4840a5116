"""jaxscope's own checkpoints: variables trees saved and restored with orbax-checkpoint.

orbax writes atomically (a temporary directory renamed when complete), keeps dtypes and
restores ``jax.Array`` leaves onto the target's shardings. Restoring into a target tree matches
leaves by TF1 name like :func:`restore_tf1`, and reports missing, unused and mismatched ones.
orbax is an optional extra (``pip install jaxscope[checkpoint]``), imported on first use.
"""

from __future__ import annotations

import os
from typing import Any

import jax
import numpy as np

from jaxscope._src.checkpoint import Mismatch, RestoreReport, _copy_dicts, _set, tree_names
from jaxscope._src.errors import CheckpointMismatchError, CheckpointNotFoundError


def _orbax():
    try:
        import orbax.checkpoint as ocp
    except ImportError as e:
        raise ImportError(
            "jaxscope.checkpoint.save/restore need orbax-checkpoint: "
            "pip install 'jaxscope[checkpoint]' (or pip install orbax-checkpoint)."
        ) from e
    return ocp


def save(directory: str | os.PathLike, tree, *, force: bool = False) -> str:
    """Saves a variables tree (any pytree of arrays) to ``directory`` with orbax, atomically.

    Args:
      directory: the checkpoint directory to create; it must not exist unless ``force``.
      tree: e.g. ``f.init``'s variables, or ``{"variables": ..., "opt_state": ...}``.
      force: overwrite an existing checkpoint at ``directory``.

    Returns:
      The absolute path written.

    TF1 equivalent: tf.compat.v1.train.Saver().save(sess, path)
    """
    ocp = _orbax()
    path = os.path.abspath(os.fspath(directory))
    checkpointer = ocp.StandardCheckpointer()
    try:
        checkpointer.save(path, tree, force=force)
        checkpointer.wait_until_finished()
    finally:
        checkpointer.close()
    return path


def _map_leaves(fn, tree):
    if isinstance(tree, dict):
        return {k: _map_leaves(fn, v) for k, v in tree.items()}
    return fn(tree)


def _abstract(leaf):
    """What orbax should restore for a target leaf: its shape, dtype and sharding."""
    if isinstance(leaf, np.ndarray | np.generic):
        return leaf
    sharding = getattr(leaf, "sharding", None) or jax.sharding.SingleDeviceSharding(
        jax.devices()[0]
    )
    return jax.ShapeDtypeStruct(np.shape(leaf), leaf.dtype, sharding=sharding)


def restore(
    directory: str | os.PathLike, target=None, *, strict: bool = True
) -> tuple[Any, RestoreReport]:
    """Restores a tree saved by :func:`save`, optionally into a (partly) matching target.

    Without ``target`` the saved tree comes back as saved, on the default device. With one, every target leaf takes the
    saved leaf of the same TF1 name (``params``/``state`` are not part of the name, so a
    ``variables["params"]`` target works too) onto the target leaf's sharding; shapes and dtypes
    must match exactly. Only the matching leaves are read.

    Args:
      directory: what :func:`save` wrote.
      target: a tree of arrays or ``jax.ShapeDtypeStruct`` (from ``jax.eval_shape``); not mutated.
      strict: raise if a target leaf is missing or mismatched; with False those keep their value.

    Returns:
      ``(tree, report)``, the report as :func:`restore_tf1`'s.

    Raises:
      CheckpointNotFoundError: ``directory`` holds no orbax checkpoint.
      CheckpointMismatchError: ``strict`` and a target leaf is missing or mismatched.

    TF1 equivalent: tf.compat.v1.train.Saver(var_list).restore(sess, path)
    """
    ocp = _orbax()
    path = os.path.abspath(os.fspath(directory))
    checkpointer = ocp.PyTreeCheckpointer()
    try:
        saved = checkpointer.metadata(path).item_metadata.tree
    except (FileNotFoundError, ValueError, AttributeError) as e:
        raise CheckpointNotFoundError(
            path,
            f"No jaxscope (orbax) checkpoint here ({type(e).__name__}: {e})".replace("\n", " "),
            "Pass the directory that jaxscope.checkpoint.save wrote; for TF1 checkpoints "
            "(.index/.data-*) use jaxscope.checkpoint.restore_tf1.",
        ) from None
    saved_names = tree_names(saved)
    if target is None:  # as saved, on the default device (safe on any topology)
        target = _map_leaves(lambda m: jax.ShapeDtypeStruct(m.shape, m.dtype), saved)

    loaded, missing, mismatched, subset, placement = [], [], [], {}, {}
    for name, (path_in_target, leaf) in sorted(tree_names(target).items()):
        if name not in saved_names:
            missing.append(name)
            continue
        saved_path, meta = saved_names[name]
        shape, dtype = tuple(np.shape(leaf)), np.dtype(leaf.dtype)
        if tuple(meta.shape) != shape or np.dtype(meta.dtype) != dtype:
            mismatched.append(
                Mismatch(name, name, shape, dtype, tuple(meta.shape), np.dtype(meta.dtype))
            )
            continue
        node = subset
        for key in saved_path[:-1]:
            node = node.setdefault(key, {})
        node[saved_path[-1]] = _abstract(leaf)
        placement[name] = (saved_path, path_in_target)
        loaded.append(name)
    new = _copy_dicts(target)
    if subset:
        args = ocp.args.PyTreeRestore(
            item=subset,
            restore_args=ocp.checkpoint_utils.construct_restore_args(subset),
            partial_restore=True,
        )
        values = checkpointer.restore(path, args=args)
        for saved_path, path_in_target in placement.values():
            value = values
            for key in saved_path:
                value = value[key]
            new = _set(new, path_in_target, value)
    taken = set(loaded) | {m.name for m in mismatched}
    unused = [n for n in sorted(saved_names) if n not in taken]
    report = RestoreReport(path, loaded, missing, mismatched, unused, [])
    if strict and not report.ok:
        raise CheckpointMismatchError(path, report)
    return new, report
