"""``save_tf1``: variables trees (and ``jaxscope.train``'s optimizer states) written as a TF1
checkpoint by TF1 name, with the dtypes and partitioned variables TF1's Saver would write."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from jaxscope._src.checkpoint.tf1_checkpoint import (
    check_dtypes,
    write_bundle,
    write_checkpoint_state,
)
from jaxscope._src.checkpoint.trees import _all_names
from jaxscope._src.core.errors import CheckpointNameError, CheckpointTreeError
from jaxscope._src.sharding.partitioned import Partition


def _cast_for_tf1(arrays, name: str, dtype: np.dtype) -> np.ndarray:
    if name not in arrays:
        raise CheckpointTreeError(
            f"dtypes[{name!r}]",
            f"names no variable of the trees (they hold {', '.join(sorted(arrays)[:6])}, ...)",
            "Give TF1 names: save_tf1(path, trees, dtypes={'global_step': 'int64'}).",
        )
    value = arrays[name].astype(dtype)
    if not np.array_equal(value, arrays[name]):
        raise CheckpointTreeError(
            f"dtypes[{name!r}]",
            f"would change the values of {name!r} ({arrays[name].dtype} -> {dtype})",
            "Cast only to a dtype that holds the values exactly (int32 -> int64).",
        )
    return value


def save_tf1(
    path: str | os.PathLike,
    variables,
    *,
    dtypes: Mapping[str, Any] | None = None,
    partitions: Mapping[str, Any] | None = None,
) -> str:
    """Writes a variables tree as a TF1 checkpoint that TensorFlow's Saver can restore.

    Writes ``path.index``, ``path.data-00000-of-00001`` and the ``checkpoint`` state file beside
    them (naming ``path`` as the latest), creating the directory if needed. Names are the tree's
    TF1 names (``two_layers/h1/weights``, no ``:0``); ``params`` and ``state`` are saved alike.

    Nothing is written unless every name and leaf is valid. The files are written under
    temporary names and renamed when complete, the index last, after removing the old index:
    a failed save (a full disk) leaves no temporary files, and never a checkpoint at ``path``
    that loads other values than the old or the new ones.

    Args:
      path: the checkpoint prefix, e.g. ``"out/model.ckpt-1000"``.
      variables: a tree as ``f.init`` returns it (nested dicts with ``str`` keys), of jax or
        numpy arrays; or a tuple of such trees and optimizer states saved together (a training
        checkpoint: ``(variables, opt_state, averages)`` with ``jaxscope.train``'s name-keyed
        slots and moving averages; TF1's ``w`` and ``w/Adam`` live in different trees).
      dtypes: ``{name: dtype}`` to write some variables in another dtype that holds their
        values exactly: TF1's ``global_step`` is int64, which JAX keeps as int32 unless
        ``jax_enable_x64``, so a checkpoint that TF1's ``Saver`` resumes from needs
        ``dtypes={"global_step": "int64"}``.
      partitions: write some variables as TF1 partitioned variables (the key ``w`` with the
        slices ``w/part_0``, ``w/part_1``, ... as TF1's Saver writes them, restorable into a
        graph built with the same ``partitioner=``): the :class:`~jaxscope.VariablesInfo` of
        ``jaxscope.inspect`` (its partitioned variables), or ``{name: [1, 3]}`` (TF1's
        ``_get_partitions()`` list) per variable.

    Returns:
      The prefix written.

    Raises:
      CheckpointTreeError: ``variables`` is not nested dicts, a key is not a ``str``, or a leaf
        is not an array (None, a list, a Python number, a ``jax.ShapeDtypeStruct``), or has a
        dtype TF1 checkpoints cannot hold (a ``TypeError``).
      CheckpointNameError: an empty name or part, characters TF1 refuses, two paths giving one
        name (``{"a": {"b": x}, "a/b": y}``), or a name that is also a scope (a ``ValueError``).

    Example:
      >>> import os, tempfile, numpy as np, jaxscope as js
      >>> d = tempfile.mkdtemp()
      >>> variables = {"params": {"dense": {"w": np.ones([3, 2], np.float32),
      ...                                   "b": np.zeros([2], np.float32)}}}
      >>> prefix = js.checkpoint.save_tf1(os.path.join(d, "model.ckpt-10"), variables)
      >>> sorted(os.listdir(d))
      ['checkpoint', 'model.ckpt-10.data-00000-of-00001', 'model.ckpt-10.index']

    TF1 equivalent: tf.compat.v1.train.Saver().save(sess, path)
    """
    names = _all_names(variables)  # refuses collisions and names TF1 cannot hold, first
    arrays = {name: np.asarray(leaf) for name, (_, leaf, _) in names.items()}
    for name, dtype in (dtypes or {}).items():
        arrays[name] = _cast_for_tf1(arrays, name, np.dtype(dtype))
    check_dtypes(arrays)
    parts = _partitions_of(partitions, arrays)
    prefix = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    write_bundle(prefix, arrays, parts)
    write_checkpoint_state(os.path.dirname(prefix), prefix)
    return prefix


def _partitions_of(partitions, arrays: Mapping[str, np.ndarray]) -> dict[str, Partition]:
    """``save_tf1(partitions=)`` as ``{name: Partition}``, checked against the arrays."""
    if partitions is None:
        return {}
    if isinstance(partitions, tuple):  # a VariablesInfo
        partitions = {v.name: v.partition for v in partitions if v.partition is not None}
    out = {}
    for name, spec in partitions.items():
        if name not in arrays:
            raise CheckpointNameError(
                name, "is given in partitions= but is not a variable of the tree",
                f"Partition only variables that exist: one of {sorted(arrays)[:8]}",
            )  # fmt: skip
        shape = arrays[name].shape
        if isinstance(spec, Partition):
            partition = spec
        else:
            spec = [int(p) for p in spec]
            if len(spec) != len(shape) or min(spec, default=0) < 1 or sum(p > 1 for p in spec) > 1:
                raise CheckpointNameError(
                    name, f"partitions={spec} does not fit shape {shape} (one int per axis, "
                    "all >= 1, at most one > 1)", f"e.g. partitions={{{name!r}: "
                    f"{[3] + [1] * (len(shape) - 1)}}}",
                )  # fmt: skip
            partition = Partition.of(shape, spec)
        if partition.shape != shape:
            raise CheckpointNameError(
                name, f"its partition is for shape {partition.shape}, the array has {shape}",
                "Pass the VariablesInfo of the same model: partitions=jaxscope.inspect(f, x).",
            )  # fmt: skip
        out[name] = partition
    return out
