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

from jaxscope._src.checkpoint.errors import CheckpointMismatchError, CheckpointNotFoundError
from jaxscope._src.checkpoint.trees import Mismatch, RestoreReport


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

    Example:
      >>> import os, tempfile, jax.numpy as jnp, jaxscope as js
      >>> path = os.path.join(tempfile.mkdtemp(), "step_1")
      >>> js.checkpoint.save(path, {"params": {"w": jnp.ones([3, 2])}}) == path
      True

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


def _is_meta(x) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype")


def _key(k) -> str:
    for attr in ("key", "name", "idx"):  # DictKey, GetAttrKey (NamedTuple fields), SequenceKey
        if hasattr(k, attr):
            return str(getattr(k, attr))
    return str(k)


def pytree_names(tree, is_leaf=None):
    """(names, leaves, treedef) of any pytree; a name joins the key path with ``/``.

    orbax stores tuples as lists and NamedTuples (optax states) as dicts of their fields, so
    ``opt_state/0/mu/dense/w`` names the same leaf in a live tree and in a saved one. The top
    ``params``/``state`` level of a variables tree is not part of the name (as in TF1).
    """
    flat, treedef = jax.tree_util.tree_flatten_with_path(tree, is_leaf=is_leaf)
    collections = isinstance(tree, dict) and tree and set(tree) <= {"params", "state"}
    names = ["/".join(_key(k) for k in path[1 if collections else 0 :]) for path, _ in flat]
    return names, [leaf for _, leaf in flat], treedef


def _abstract(leaf):
    """What orbax should restore for a target leaf: its shape, dtype and sharding."""
    if isinstance(leaf, np.ndarray | np.generic):
        return leaf
    sharding = getattr(leaf, "sharding", None) or jax.sharding.SingleDeviceSharding(
        jax.devices()[0]
    )
    return jax.ShapeDtypeStruct(np.shape(leaf), leaf.dtype, sharding=sharding)


def _read_as(saved, target):
    """The abstract tree orbax reads: a saved leaf that a target leaf of the same name, shape and
    dtype wants sharded is read straight onto that sharding (each process reads only its
    shards); the rest onto the default device (safe on any topology), placed later."""
    wanted = {}
    if target is not None:
        for name, leaf in zip(*pytree_names(target)[:2], strict=True):
            sharding = getattr(leaf, "sharding", None)
            if sharding is not None:
                wanted[name] = (tuple(np.shape(leaf)), np.dtype(leaf.dtype), sharding)
    device = jax.sharding.SingleDeviceSharding(jax.devices()[0])
    names, metas, treedef = pytree_names(saved, is_leaf=_is_meta)
    leaves = []
    for name, m in zip(names, metas, strict=True):
        want = wanted.get(name)
        ok = want is not None and want[:2] == (tuple(m.shape), np.dtype(m.dtype))
        leaves.append(jax.ShapeDtypeStruct(m.shape, m.dtype, sharding=want[2] if ok else device))
    return jax.tree_util.tree_unflatten(treedef, leaves)


def restore(
    directory: str | os.PathLike, target=None, *, strict: bool = True
) -> tuple[Any, RestoreReport]:
    """Restores a tree saved by :func:`save`, optionally into a (partly) matching target.

    The checkpoint is read onto the default device. Without ``target`` it comes back as orbax
    stores it (dicts and lists: tuples become lists, NamedTuples such as optax states become dicts
    of their fields). With one, the result has the target's structure: every target leaf takes the
    saved leaf of the same name (the key path joined by ``/``; ``params``/``state`` are not part of
    it, so a ``variables["params"]`` target works too), placed on the target leaf's sharding;
    shapes and dtypes must match exactly. Pass a target to get an optax state back as one.

    Args:
      directory: what :func:`save` wrote.
      target: a tree of arrays or ``jax.ShapeDtypeStruct`` (from ``jax.eval_shape``); not mutated.
      strict: raise if a target leaf is missing or mismatched; with False those keep their value.

    Returns:
      ``(tree, report)``, the report as :func:`restore_tf1`'s.

    Raises:
      CheckpointNotFoundError: ``directory`` holds no orbax checkpoint.
      CheckpointMismatchError: ``strict`` and a target leaf is missing or mismatched.

    Example:
      >>> import os, tempfile, jax, jax.numpy as jnp, jaxscope as js
      >>> path = js.checkpoint.save(os.path.join(tempfile.mkdtemp(), "step_1"),
      ...                           {"params": {"w": jnp.ones([3, 2])}})
      >>> target = {"params": {"w": jax.ShapeDtypeStruct((3, 2), jnp.float32)}}
      >>> tree, report = js.checkpoint.restore(path, target)
      >>> tree["params"]["w"].shape, report.loaded
      ((3, 2), ['w'])

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
    abstract = _read_as(saved, target)
    values = checkpointer.restore(
        path,
        args=ocp.args.PyTreeRestore(
            item=abstract, restore_args=ocp.checkpoint_utils.construct_restore_args(abstract)
        ),
    )
    saved_names, saved_leaves, _ = pytree_names(values)
    by_name = dict(zip(saved_names, saved_leaves, strict=True))
    if target is None:
        return values, RestoreReport(path, sorted(by_name), [], [], [], [])

    names, leaves, treedef = pytree_names(target)
    loaded, missing, mismatched, new_leaves = [], [], [], []
    for name, leaf in zip(names, leaves, strict=True):
        value = by_name.get(name)
        shape, dtype = tuple(np.shape(leaf)), np.dtype(leaf.dtype)
        if value is None:
            missing.append(name)
        elif value.shape != shape or value.dtype != dtype:
            mismatched.append(Mismatch(name, name, shape, dtype, value.shape, value.dtype))
        else:
            sharding = getattr(leaf, "sharding", None)
            value = jax.device_put(value, sharding) if sharding is not None else value
            loaded.append(name)
            new_leaves.append(value)
            continue
        new_leaves.append(leaf)
    new = jax.tree_util.tree_unflatten(treedef, new_leaves)
    loaded.sort()
    missing.sort()
    taken = set(loaded) | {m.name for m in mismatched}
    unused = [n for n in sorted(saved_names) if n not in taken]
    report = RestoreReport(path, loaded, missing, mismatched, unused, [])
    if strict and not report.ok:
        raise CheckpointMismatchError(path, report)
    return new, report
