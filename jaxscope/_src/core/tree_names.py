"""Variables trees <-> flat ``{TF1 name: array}`` mappings, with TF1's name rules.

A variables tree ``{"params": {...}, "state": {...}}`` holds ``two_layers/h1/weights`` at
``tree["params"]["two_layers"]["h1"]["weights"]``; the collection level is not part of the name.
Both directions check the same rules, so nothing is lost on the way: every name part is a
non-empty ``str``, a full name matches TF1's op-name pattern, no two paths give one name, and
no name is both a variable and the scope of another (TF1's flat namespace allows ``a`` and
``a/b``; a nested tree cannot hold both).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import jax
import numpy as np

from jaxscope._src.core.errors import CheckpointNameError, CheckpointTreeError
from jaxscope._src.core.names import ROOT_PATTERN

Trainable = bool | Callable[[str], bool] | Collection[str] | Mapping[str, Any]

_COLLECTIONS = ("params", "state")
_TF1_NAME = re.compile(ROOT_PATTERN)  # what TF1's op constructor accepts


def has_collections(tree: Any) -> bool:
    """Whether ``tree`` is a whole variables tree (top keys ``params``/``state``)."""
    return isinstance(tree, Mapping) and bool(tree) and set(tree) <= set(_COLLECTIONS)


def show_path(path: tuple, root: str = "variables") -> str:
    return root + "".join(f"[{k!r}]" for k in path)


def check_name(name: str, where: str) -> None:
    """TF1's rules for a variable name that a tree can hold, or a CheckpointNameError."""
    if not name or "" in name.split("/"):
        raise CheckpointNameError(
            name,
            f"(from {where}) has an empty part: a tree key and every '/'-separated part of a "
            "name must be non-empty",
            "Give every variable and scope a name, e.g. {'dense': {'kernel': w}}.",
        )
    if not _TF1_NAME.match(name):
        raise CheckpointNameError(
            name,
            f"(from {where}) is not a name TF1 accepts: it has to match {ROOT_PATTERN} "
            "(letters, digits, '_', '.', '-', '>', '/' and '\\'; no spaces or ':'; it may not "
            "start with '_', '-', '/' or '>')",
            "Rename it, e.g. name.replace(' ', '_'); a TF1 tensor name 'w:0' is the variable 'w'.",
        )


def tree_names(tree: Any, root: str = "variables") -> dict[str, tuple[tuple[str, ...], Any]]:
    """``{tf1_name: (path_in_tree, leaf)}`` for every leaf of a nested-dict variables tree.

    Raises CheckpointTreeError for a non-dict tree or a non-str key, CheckpointNameError for a
    name TF1 refuses, for two paths with one name and for a name that is also a scope.
    """
    if not isinstance(tree, Mapping):
        raise CheckpointTreeError(
            root,
            f"is a {type(tree).__name__}, not a variables tree (nested dicts of arrays keyed by "
            "name parts)",
            "Pass the tree that f.init returns, e.g. {'params': {'dense': {'kernel': w}}}, or "
            "build one from {name: array} with jaxscope.checkpoint.unflatten(arrays, "
            "trainable=True).",
        )
    out: dict[str, tuple[tuple[str, ...], Any]] = {}
    skip = 1 if has_collections(tree) else 0

    def walk(node, path):
        for key, child in node.items():
            if not isinstance(key, str):
                raise CheckpointTreeError(
                    show_path(path, root),
                    f"has the key {key!r} of type {type(key).__name__}; the keys of a variables "
                    "tree are the str parts of TF1 names",
                    f"Use str keys: {{{str(key)!r}: ...}}.",
                )
            if isinstance(child, Mapping):
                walk(child, (*path, key))
                continue
            where = show_path((*path, key), root)
            name = "/".join((*path, key)[skip:])
            check_name(name, where)
            if name in out:
                raise CheckpointNameError(
                    name,
                    f"is given twice, by {show_path(out[name][0], root)} and {where}; a "
                    "checkpoint holds one value per name, so one of them would be lost",
                    "Rename one of them, or keep the variable in one place only ('params' and "
                    "'state' share one namespace, as in TF1).",
                )
            out[name] = ((*path, key), child)

    walk(tree, ())
    for collection in {path[0] for path, _ in out.values()} if skip else [None]:
        # per collection: params and state are two trees (a slot "w/Adam" of "w" is state)
        names = [n for n, (path, _) in out.items() if not skip or path[0] == collection]
        check_scopes(names, lambda n: show_path(out[n][0], root))
    return out


def check_scopes(names: Collection[str], where: Callable[[str], str]) -> None:
    """No name is a scope of another (``a`` and ``a/b``): a nested tree cannot hold both."""
    for name in names:
        parts = name.split("/")
        for i in range(1, len(parts)):
            scope = "/".join(parts[:i])
            if scope in names:
                raise CheckpointNameError(
                    scope,
                    f"(from {where(scope)}) is a variable and also the scope of {name!r} (from "
                    f"{where(name)}); TF1's flat namespace allows both, a nested tree cannot "
                    "hold a leaf and a sub-tree under one key",
                    f"Rename one of them, e.g. {scope + '_value'!r} for the variable.",
                )


def flatten(variables: Any) -> dict[str, Any]:
    """The ``{TF1 name: leaf}`` mapping of a variables tree, sorted by name.

    The inverse of :func:`unflatten`. Names are what TF1 and its checkpoints call the variables:
    the tree keys joined by ``/``, without the ``params``/``state`` level and without ``:0``.
    Leaves are returned as they are (arrays, ``jax.ShapeDtypeStruct``...). The name follows
    TF1's ``var.op.name``; "flatten" follows JAX and flax (``traverse_util.flatten_dict``), as
    TF1 has no nested tree to flatten.

    Args:
      variables: a tree as ``f.init`` returns it, or one of its sub-trees (named from its root).

    Returns:
      ``{"two_layers/h1/weights": leaf, ...}``.

    Raises:
      CheckpointTreeError: ``variables`` is not nested dicts, or a key is not a ``str``.
      CheckpointNameError: a name TF1 refuses, an empty part, two paths giving one name, or a
        name that is also the scope of another.

    Example:
      >>> from jaxscope import checkpoint
      >>> checkpoint.flatten({"params": {"h1": {"w": 1, "b": 2}}, "state": {"step": 3}})
      {'h1/b': 2, 'h1/w': 1, 'step': 3}

    TF1 equivalent: {v.op.name: v for v in tf.compat.v1.global_variables()}
    """
    return {name: leaf for name, (_, leaf) in sorted(tree_names(variables).items())}


def _strip_output(key: Any, where: str) -> str:
    if not isinstance(key, str):
        raise CheckpointTreeError(
            where,
            f"has the key {key!r} of type {type(key).__name__}; names are str",
            f"Use str keys: {{{str(key)!r}: ...}}.",
        )
    # A variable's value is output 0 of its op: TF1's var.name is 'w:0'; 'w:1' is another tensor.
    return key[:-2] if key.endswith(":0") else key


def flat_names(
    arrays: Mapping[str, Any], where: str = "arrays", scopes: bool = True
) -> dict[str, str]:
    """``{name: key}`` for a flat mapping: ``:0`` stripped, every name checked, no collisions
    (with ``scopes``, no name is a scope of another)."""
    if not isinstance(arrays, Mapping):
        raise CheckpointTreeError(
            where,
            f"is a {type(arrays).__name__}, not a {{TF1 name: array}} mapping",
            "Pass a dict such as {'dense/kernel': w, 'dense/bias': b}.",
        )
    names: dict[str, str] = {}
    for key in arrays:
        name = _strip_output(key, where)
        check_name(name, f"{where}[{key!r}]")
        if name in names:
            raise CheckpointNameError(
                name,
                f"is given twice, as {names[name]!r} and {key!r} (':0' is the variable's own "
                "output, so both name one variable); one value would be lost",
                "Keep one of the two keys.",
            )
        names[name] = key
    if scopes:
        check_scopes(names, lambda n: f"{where}[{names[n]!r}]")
    return names


def _is_trainable(trainable: Trainable) -> Callable[[str], bool]:
    if isinstance(trainable, bool):
        return lambda name: trainable
    if isinstance(trainable, str) or not isinstance(trainable, Callable | Collection):
        raise CheckpointTreeError(
            "trainable",
            f"is {trainable!r}; it says which names go under 'params' (the rest go under 'state')",
            "Pass True (all trainable), a set of names, a predicate, or the target tree:\n"
            "    unflatten(arrays, trainable={'dense/kernel', 'dense/bias'})\n"
            "    unflatten(arrays, trainable=lambda name: 'moving_' not in name)\n"
            "    unflatten(arrays, trainable=jax.eval_shape(f.init, rng, x))",
        )
    if callable(trainable) and not isinstance(trainable, Mapping):
        return lambda name: bool(trainable(name))
    if has_collections(trainable):  # a variables tree: its params are the trainable names
        chosen = set(flatten(trainable.get("params", {})))
    elif isinstance(trainable, Mapping):  # a params tree, or a flat {name: array} of them
        chosen = set(flatten({_strip_output(k, "trainable"): v for k, v in trainable.items()}))
    else:
        chosen = {_strip_output(n, "trainable") for n in trainable}
    return chosen.__contains__


def unflatten(arrays: Mapping[str, Any], trainable: Trainable) -> dict[str, dict]:
    """The variables tree of a flat ``{TF1 name: array}`` mapping; the inverse of :func:`flatten`.

    Each name is split at ``/`` into tree keys; trainable variables go under ``"params"``, the
    others under ``"state"``, as ``f.init`` would place them (an empty collection is left out,
    as ``f.init`` does). A ``:0`` suffix (TF1's ``var.name``) is dropped. Values are kept as
    given. A TF1 checkpoint does not record which variables were trainable, so ``trainable``
    must say it.

    Args:
      arrays: ``{name: array}``, e.g. from ``load_variables`` or a TF1 session's
        ``{v.name: sess.run(v) for v in tf.global_variables()}``.
      trainable: ``True``/``False`` for all; a set (or any collection) of trainable names; a
        predicate ``name -> bool``; a variables tree whose ``params`` are the trainable names
        (e.g. ``jax.eval_shape(f.init, ...)``); or a params tree or ``{name: array}`` mapping
        of the trainable variables.

    Returns:
      ``{"params": {...}, "state": {...}}``.

    Raises:
      CheckpointNameError: a name TF1 refuses, ``w`` and ``w:0`` both given, or a name that is
        also the scope of another in the same collection (``a`` and ``a/b``).
      CheckpointTreeError: ``arrays`` is not a mapping, a key is not a ``str``, or
        ``trainable`` is none of the above.

    Example:
      >>> from jaxscope import checkpoint
      >>> tree = checkpoint.unflatten(
      ...     {"h1/w:0": 1, "h1/b:0": 2, "global_step": 3}, trainable=lambda n: n != "global_step")
      >>> tree
      {'params': {'h1': {'w': 1, 'b': 2}}, 'state': {'global_step': 3}}
      >>> checkpoint.flatten(tree)
      {'global_step': 3, 'h1/b': 2, 'h1/w': 1}

    TF1 equivalent: none (TF1 keeps variables in one flat, '/'-named namespace).
    """
    names = flat_names(arrays, scopes=False)
    is_trainable = _is_trainable(trainable)
    for chosen in (True, False):  # two trees: a slot "w/Adam" (state) of "w" (params) is fine
        part = {n: k for n, k in names.items() if bool(is_trainable(n)) == chosen}
        check_scopes(part, lambda n: f"arrays[{names[n]!r}]")
    tree: dict[str, dict] = {}
    for name, key in names.items():
        node = tree.setdefault(_COLLECTIONS[0] if is_trainable(name) else _COLLECTIONS[1], {})
        *scopes, leaf = name.split("/")
        for scope in scopes:
            node = node.setdefault(scope, {})
        node[leaf] = arrays[key]
    return {c: tree[c] for c in _COLLECTIONS if c in tree}


def check_array_leaves(names: Mapping[str, tuple[tuple, Any]], root: str) -> None:
    """Every leaf holds a value with a dtype: no None, list, Python number or abstract shape."""
    for _, (path, leaf) in names.items():
        if isinstance(leaf, np.ndarray | np.generic) or (
            isinstance(leaf, jax.Array) and not isinstance(leaf, jax.core.Tracer)
        ):
            continue
        if isinstance(leaf, jax.ShapeDtypeStruct):
            problem, fix = (
                "is a jax.ShapeDtypeStruct: a shape and dtype without values",
                "Fill the tree first: variables = f.init(rng, *args), or restore_tf1(abstract, "
                "path).",
            )
        elif isinstance(leaf, jax.core.Tracer):
            problem, fix = (
                "is a traced value (inside jit/grad/vmap), which has no bytes to write",
                "Save outside the transformation: jax.jit(step) returns concrete arrays.",
            )
        else:
            problem, fix = (
                f"is a {type(leaf).__name__}, not an array",
                "Make it an array of the dtype TF1 should see, e.g. np.asarray(x, np.float32); "
                "remove None entries.",
            )
        raise CheckpointTreeError(show_path(path, root), problem, fix)


def state_names(state: Any, root: str = "opt_state") -> dict[str, tuple[tuple, Any]]:
    """``{tf1_name: (key_path, leaf)}`` for a pytree that is not a variables tree.

    For optimizer states: optax chains and masks (tuples and NamedTuples) around
    ``jaxscope.train``'s ``{TF1 name: array}`` dicts. Only dict keys name a leaf (the tuple and
    attribute levels are containers); a leaf reached without one has no TF1 name.
    """
    if isinstance(state, Mapping):
        return tree_names(state, root)
    out: dict[str, tuple[tuple, Any]] = {}
    for path, leaf in jax.tree_util.tree_flatten_with_path(state)[0]:
        where = root + jax.tree_util.keystr(path)
        keys = [k.key for k in path if isinstance(k, jax.tree_util.DictKey)]
        if not keys or not all(isinstance(k, str) for k in keys):
            raise CheckpointTreeError(
                where,
                "has no TF1 name: in an optimizer state only str dict keys name a variable, and "
                "optax's own states (ScaleByAdamState.mu, .count, ...) are not keyed by TF1 names",
                "Use a jaxscope.train optimizer, whose state is {TF1 slot name: array}:\n"
                "    opt = jaxscope.train.AdamOptimizer(1e-3)   # slots 'w/Adam', 'beta1_power'",
            )
        name = "/".join(keys)
        check_name(name, where)
        if name in out:
            raise CheckpointNameError(
                name,
                f"is given twice, by {root + jax.tree_util.keystr(out[name][0])} and {where}",
                "Keep one optimizer per set of slot names (name= gives a second one other names).",
            )
        out[name] = (path, leaf)
    return out
