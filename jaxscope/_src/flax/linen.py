"""flax both ways: a jaxscope function as a ``flax.linen.Module``, a linen module inside jaxscope.

``to_linen(fn)`` is a linen module whose variables are ``fn``'s jaxscope tree under the module's
own scope: trainable variables in linen's ``"params"`` collection, the others in one named
collection (``"batch_stats"`` by default), both keyed by the parts of the TF1 names. It is an
ordinary linen module, so ``nn.compact`` parents, ``nn.scan`` / ``nn.remat`` / ``nn.jit`` and
``flax.nnx.bridge.ToNNX`` take it as they take ``nn.Dense``.

``from_linen(module)`` goes the other way: called inside a jaxscope function, it opens a
variable scope (``dense``, ``dense_1``, ... as TF1's ``tf.layers.dense``, or the given name) and
creates the module's variables with ``get_variable``, so TF1's reuse rules, ``inspect``,
``get_collection`` and TF1 checkpoints see them by name. ``"params"`` become trainable variables,
every other collection (``"batch_stats"``) non-trainable ones (``variables["state"]``); what the
module updates in those is assigned back, so ``apply(..., mutable=["state"])`` returns it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import flax.errors
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import frame
from jaxscope._src.core.assign import assign
from jaxscope._src.core.call_errors import ImmutableVariableError, MissingRngError
from jaxscope._src.core.handle import Handle
from jaxscope._src.core.random import next_rng_key
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.core.transform import Transformed, _init_with_output, transform
from jaxscope._src.core.variable_store import get_variable
from jaxscope._src.flax.errors import (
    GetterValueError,
    LinenCollectionConflictError,
    LinenImmutableVariableError,
    LinenMissingRngError,
    LinenModuleError,
)

# ---------------------------------------------------------------------------------------------
# jaxscope inside flax
# ---------------------------------------------------------------------------------------------


class ToLinen(nn.Module):
    """A jaxscope function as a linen module (build it with :func:`to_linen`).

    Args:
      fn: the model function (as given to ``jaxscope.transform``) or its ``Transformed``.
      state_collection: the linen collection of the non-trainable variables.
      rng_collection: the linen rng stream that seeds ``jaxscope.next_rng_key`` in ``apply``.
      parent: linen's parent module (set by linen when built inside another module).
      name: linen's module name.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> m = js.flax.ToLinen(lambda x: x @ js.get_variable("w", [3, 2]))
      >>> jax.tree.map(jnp.shape, m.init(jax.random.key(0), jnp.ones([1, 3])))
      {'params': {'w': (3, 2)}}

    TF1 equivalent: none (tf.compat.v1.make_template is the closest: a reusable variable owner)
    """

    fn: Callable[..., Any] | Transformed
    state_collection: str = "batch_stats"
    rng_collection: str = "dropout"

    @nn.compact
    def __call__(self, *args, **kwargs):
        f = self.fn if isinstance(self.fn, Transformed) else transform(self.fn)
        scope = self.scope
        own = scope.variables()
        params = own.get("params") or {}
        if (
            not params
            and not own.get(self.state_collection)
            and scope.is_mutable_collection("params")
        ):
            return self._initialize(f, args, kwargs)
        variables = {"params": params}
        state = own.get(self.state_collection)
        if state:
            variables["state"] = state
        mutable = []
        if scope.is_mutable_collection("params"):
            mutable.append("params")
        if state and scope.is_mutable_collection(self.state_collection):
            mutable.append("state")
        rng = self.make_rng(self.rng_collection) if self.has_rng(self.rng_collection) else None
        try:
            result = f.apply(variables, *args, rng=rng, mutable=tuple(mutable) or False, **kwargs)
        except MissingRngError as e:
            raise LinenMissingRngError(self.rng_collection) from e
        except ImmutableVariableError as e:
            linen = self.state_collection if e.collection == "state" else "params"
            raise LinenImmutableVariableError(e.name, linen) from e
        if not mutable:
            return result
        out, new = result
        self._put(new, mutable)
        return out

    def _initialize(self, f: Transformed, args, kwargs):
        # The initial values (TF1's initializer semantics) and the output of a run on them, its
        # assigns dropped as linen's init drops BatchNorm's first update: one pass of fn, where
        # next_rng_key draws from the caller's stream as apply's does.
        rng = self.make_rng(self.rng_collection) if self.has_rng(self.rng_collection) else None
        try:
            out, variables = _init_with_output(
                f, self.make_rng("params"), args, kwargs, body_rng=rng
            )
        except MissingRngError as e:
            raise LinenMissingRngError(self.rng_collection) from e
        self._put(variables, ("params", "state"))
        return out

    def _put(self, variables: Mapping[str, Any], collections) -> None:
        for collection in collections:
            linen = "params" if collection == "params" else self.state_collection
            for key, value in (variables.get(collection) or {}).items():
                self.scope.put_variable(linen, key, value)


def to_linen(
    fn: Callable[..., Any] | Transformed,
    *,
    state_collection: str = "batch_stats",
    rng_collection: str = "dropout",
    name: str | None = None,
) -> ToLinen:
    """A linen module that runs a jaxscope model function, its variables in linen's collections.

    The module's variables are ``fn``'s jaxscope tree under the module's scope: the trainable
    ones in ``"params"``, the others in ``state_collection``, keyed by the parts of their TF1
    names (``"block/dense/kernel"`` is ``["params"][module_name]["block"]["dense"]["kernel"]``).
    ``init`` draws them as ``jaxscope.transform(fn).init`` would with the module's ``"params"``
    key; ``apply`` looks them up with jaxscope's checks. The ``rng_collection`` stream (when the
    caller passes it, ``rngs={"dropout": key}``) seeds ``jaxscope.next_rng_key``. Linen's
    ``mutable=`` maps to jaxscope's: ``mutable=["batch_stats"]`` lets ``fn`` assign its
    non-trainable variables, and the updated values come back in that collection.

    Args:
      fn: the model function, or the ``Transformed`` of one.
      state_collection: the linen collection of the non-trainable variables.
      rng_collection: the linen rng stream that seeds ``next_rng_key`` in ``apply``.
      name: the module's name (inside ``nn.compact`` parents, as for any submodule).

    Returns:
      A :class:`ToLinen` module (a ``flax.linen.Module``).

    Example:
      >>> import jax, jax.numpy as jnp, flax.linen as nn, jaxscope as js
      >>> def dense(x):
      ...     with js.variable_scope("dense"):
      ...         w = js.get_variable("w", [x.shape[-1], 2])
      ...         b = js.get_variable("b", [2], initializer=js.zeros_initializer())
      ...     return x @ w + b
      >>> variables = js.flax.to_linen(dense).init(jax.random.key(0), jnp.ones([1, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'dense': {'b': (2,), 'w': (3, 2)}}}

    TF1 equivalent: none (the module owns the variables, as tf.compat.v1.make_template's scope)
    """
    return ToLinen(
        fn=fn, state_collection=state_collection, rng_collection=rng_collection, name=name
    )


# ---------------------------------------------------------------------------------------------
# flax inside jaxscope
# ---------------------------------------------------------------------------------------------


def _snake_case(name: str) -> str:
    """TF1 layers' default scope name for a class name (``BatchNorm`` -> ``batch_norm``)."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    snake = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return snake if snake[0] != "_" else "private" + snake


def _is_array(x) -> bool:
    return isinstance(x, (jax.Array, np.ndarray, jax.core.Tracer, jax.ShapeDtypeStruct))


class _Call:
    """One call's inputs split into arrays (passed as abstract shapes) and static values."""

    def __init__(self, args, kwargs):
        leaves, self.treedef = jax.tree_util.tree_flatten((args, kwargs))
        self.is_array = tuple(_is_array(x) for x in leaves)
        self.specs = tuple(
            jax.ShapeDtypeStruct(x.shape, x.dtype) if a else x
            for x, a in zip(leaves, self.is_array, strict=True)
        )

    def key(self):
        try:
            statics = tuple(s for s, a in zip(self.specs, self.is_array, strict=True) if not a)
            hash(statics)
        except TypeError:
            return None
        arrays = tuple(
            (s.shape, str(s.dtype)) for s, a in zip(self.specs, self.is_array, strict=True) if a
        )
        return (self.treedef, self.is_array, arrays, statics)

    def zeros(self):
        """The call with zeros for its arrays: what a module's (shape-driven) init needs."""
        leaves = [
            jnp.zeros(s.shape, s.dtype) if a else s
            for s, a in zip(self.specs, self.is_array, strict=True)
        ]
        return jax.tree_util.tree_unflatten(self.treedef, leaves)


def _init_rngs(key, rng_collections):
    return {"params": key, **{c: key for c in rng_collections}}


class _LeafInit:
    """``get_variable``'s initializer for one leaf of a linen module: the module's own init.

    The module is initialized with the leaf's key (jaxscope folds the variable's name into it)
    on zeros of the call's shapes, and the leaf is taken; under ``jit`` XLA drops the rest.
    """

    def __init__(self, module, method, call: _Call, collection, path, rng_collections):
        self.module, self.method, self.call = module, method, call
        self.collection, self.path, self.rng_collections = collection, path, rng_collections
        # Equal modules on equal shapes give equal initializers: jaxscope draws each group of
        # (shape, dtype, initializer) with one compiled program, so twelve nn.Dense(768) layers
        # compile their kernel's init once, not twelve times.
        key = call.key()
        self._id = None if key is None else (module, method, rng_collections, key, collection, path)
        try:
            hash(self._id)
        except TypeError:
            self._id = None

    def __eq__(self, other):
        if not isinstance(other, _LeafInit):
            return NotImplemented
        return self is other or (self._id is not None and self._id == other._id)

    def __hash__(self):
        return id(self) if self._id is None else hash(self._id)

    def __call__(self, key, shape, dtype):
        args, kwargs = self.call.zeros()
        tree = self.module.init(
            _init_rngs(key, self.rng_collections), *args, method=self.method, **kwargs
        )[self.collection]
        for part in self.path:
            tree = tree[part]
        return tree


# (module, method, rng streams, call) -> [(collection, path, ShapeDtypeStruct)]
_SHAPES: dict[Any, list] = {}
_SHAPES_MAX = 256


def _abstract_variables(module, method, call: _Call, rng_collections):
    """The module's variables, ``[(collection, path, ShapeDtypeStruct)]`` in creation order.

    Cached per (module, method, input shapes): linen modules compare and hash by their fields,
    so a model function that builds ``nn.Dense(4)`` afresh at every trace still hits the cache.
    """
    key = call.key()
    if key is not None:
        key = (module, method, rng_collections, key)
        try:
            hit = _SHAPES.get(key)
        except TypeError:  # a module with an unhashable field
            key = hit = None
        if hit is not None:
            return hit

    order: list = []

    def init(rng):
        args, kwargs = call.zeros()
        tree = module.init(_init_rngs(rng, rng_collections), *args, method=method, **kwargs)
        # flax's dicts keep creation order, eval_shape's output is sorted: keep TF1's order
        # (kernel before bias), params before the other collections.
        for collection in sorted(tree, key=lambda c: c != "params"):
            order.extend((collection, path) for path, _ in _leaves(tree[collection]))
        return tree

    tree = jax.eval_shape(init, jax.random.key(0))
    shapes = []
    for collection, path in order:
        leaf = tree[collection]
        for part in path:
            leaf = leaf[part]
        shapes.append((collection, path, leaf))
    if key is not None:
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.pop(next(iter(_SHAPES)))
        _SHAPES[key] = shapes
    return shapes


def getter_value(var, who: str, scope: str, node: str, declared):
    """The value of ``get_variable``'s result for a flax module: a handle's, or the array a custom
    getter returned, which must have the dtype and shape the module declares (flax would
    promote or broadcast another silently)."""
    if isinstance(var, Handle):
        return var.value
    shape, dtype = tuple(np.shape(var)), np.dtype(getattr(var, "dtype", None) or np.float32)
    if shape != tuple(declared.shape) or dtype != np.dtype(declared.dtype):
        name = f"{scope}/{node}" if scope else node
        raise GetterValueError(who, name, (shape, dtype), (declared.shape, declared.dtype))
    return var


def _leaves(tree, path=()):
    for k, v in tree.items():
        if isinstance(v, Mapping):
            yield from _leaves(v, (*path, k))
        else:
            yield (*path, k), v


def _nest(items) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for (collection, *parents, leaf), value in items:
        sub = out.setdefault(collection, {})
        for p in parents:
            sub = sub.setdefault(p, {})
        sub[leaf] = value
    return out


def from_linen(
    module: nn.Module,
    name: str | None = None,
    *,
    reuse=None,
    method: str | Callable[..., Any] | None = None,
    rng_collections: Sequence[str] = ("dropout",),
) -> Callable[..., Any]:
    """A function that runs a linen module inside a jaxscope function, its variables by TF1 name.

    Each call opens ``variable_scope(name, default_name=..., reuse=reuse)`` (default name: the
    class name in snake case, uniquified per call as TF1 layers are: ``dense``, ``dense_1``) and
    creates or looks up each module variable with ``get_variable``: ``"params"`` leaves as
    trainable variables, every other collection's as non-trainable ones (jaxscope's ``"state"``),
    at the leaf's path under the scope (``dense/kernel``, ``block/Dense_0/bias``). TF1's reuse
    rules apply: calling again under the same name without reuse raises ``VariableExistsError``;
    ``reuse=True`` / ``AUTO_REUSE`` share. Initial values are the module's own initializers, drawn
    with the key jaxscope gives each variable. The module runs by ``module.apply``; collections
    it updates (``BatchNorm`` in training) are assigned back, so the jaxscope ``apply`` needs
    ``mutable=["state"]`` there, and a call in ``init`` returns the initial values. When the
    jaxscope call has an rng, each of ``rng_collections`` gets a ``next_rng_key()``.

    An NNX module goes through ``flax.nnx.bridge.to_linen(Cls, *args)`` first.

    Args:
      module: an unbound ``flax.linen.Module`` (one built inside a :func:`to_linen` function,
        which linen binds to the wrapper, is taken unbound).
      name: the variable scope; None: the snake-cased class name, made unique.
      reuse: the scope's reuse (``True``, ``jaxscope.AUTO_REUSE`` or None to inherit).
      method: the module's method to call (as ``module.apply(..., method=)``); default ``__call__``.
      rng_collections: the linen rng streams fed from ``jaxscope.next_rng_key``.

    Returns:
      ``call(*args, **kwargs) -> out``, the module's output.

    Raises:
      LinenModuleError (``TypeError``) for anything but an unbound linen module; the scope's
      reuse errors (``VariableExistsError``, ``VariableNotFoundError``) as ``get_variable``.

    Example:
      >>> import jax, jax.numpy as jnp, flax.linen as nn, jaxscope as js
      >>> def model(x):
      ...     return js.flax.from_linen(nn.Dense(4), "dense")(x)
      >>> variables = js.transform(model).init(jax.random.key(0), jnp.ones([1, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'dense': {'bias': (4,), 'kernel': (3, 4)}}}

    TF1 equivalent: a tf.compat.v1.layers function (tf.compat.v1.layers.dense)
    """
    if not isinstance(module, nn.Module):
        raise LinenModuleError(module, "it is not a flax.linen.Module")
    if module.scope is not None:
        if not isinstance(module.parent, ToLinen):
            raise LinenModuleError(module, "it is bound to variables already (module.bind)")
        # Built inside a to_linen function, so linen made it a child of the wrapper; its
        # variables are jaxscope's, so it runs unbound.
        module = module.clone(parent=None, name=None)
    default = _snake_case(type(module).__name__)
    rng_collections = tuple(rng_collections)

    def call(*args, **kwargs):
        fr = frame.current("from_linen")
        with variable_scope(name, default_name=default, reuse=reuse):
            spec = _Call(args, kwargs)
            shapes = _abstract_variables(module, method, spec, rng_collections)
            handles, values, seen = [], [], {}
            for collection, path, leaf in shapes:
                node = "/".join(path)
                if node in seen:
                    raise LinenCollectionConflictError(
                        fr.var_scope.name, node, seen[node], collection
                    )
                seen[node] = collection
                var = get_variable(
                    node, leaf.shape, leaf.dtype,
                    initializer=_LeafInit(module, method, spec, collection, path, rng_collections),
                    trainable=collection == "params",
                )  # fmt: skip
                value = getter_value(var, "from_linen", fr.var_scope.name, node, leaf)
                handles.append(((collection, *path), var, value))
                values.append(((collection, *path), value))
            mutable = sorted({c for c, _, _ in shapes} - {"params"})
            rngs = {}
            # Inside a jax.lax.scan / checkpoint body next_rng_key would raise; a deterministic
            # module (nn.Dense) must still run there, so keys are fed only where they may be
            # drawn (flax itself then names the missing stream if the module needs one).
            if fr.rng is not None and rng_collections and get_opaque_trace_state() == fr.trace:
                rngs = {c: next_rng_key() for c in rng_collections}
            given = _nest(values)
            try:
                out = module.apply(
                    given, *args, rngs=rngs, method=method, mutable=mutable or False, **kwargs
                )
            except flax.errors.InvalidRngError as e:
                if rngs or fr.rng is not None:
                    raise
                raise MissingRngError() from e
            if not mutable:
                return out
            out, updates = out
            for (collection, *path), var, value in handles:
                if collection == "params":
                    continue
                new = updates[collection]
                for p in path:
                    new = new[p]
                if new is not value:  # flax hands back the same array when it did not update
                    assign(var, new)
            return out

    return call
