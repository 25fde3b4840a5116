"""``from_nnx``: a built NNX module inside a jaxscope function, its variables by TF1 name.

The NNX counterpart of :func:`jaxscope.flax.from_linen`: ``nnx.Param`` leaves become trainable
variables, every other NNX variable (``BatchStat``) a non-trainable one, the module's current
values their initial values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jax
import numpy as np
from flax import nnx
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import frame
from jaxscope._src.core.assign import assign
from jaxscope._src.core.random import next_rng_key
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.core.variable_store import get_variable
from jaxscope._src.flax.errors import LinenModuleError
from jaxscope._src.flax.linen import _leaves, _snake_case, getter_value


def _key_leaves(tree, path=()):
    """Paths of the typed PRNG keys in a pure dict (an NNX module's ``RngKey`` leaves)."""
    for k, v in tree.items():
        if isinstance(v, Mapping):
            yield from _key_leaves(v, (*path, k))
        elif jax.dtypes.issubdtype(getattr(v, "dtype", None), jax.dtypes.prng_key):
            yield (*path, k)


def _set(tree, path, value):
    for p in path[:-1]:
        tree = tree[p]
    tree[path[-1]] = value


def from_nnx(module: nnx.Module, name: str | None = None, *, reuse=None) -> Callable[..., Any]:
    """A function that runs an NNX module inside a jaxscope function, its variables by TF1 name.

    As :func:`from_linen`, for a module already built (``Block(3, 4, rngs=nnx.Rngs(0))``): each
    call opens ``variable_scope(name, default_name=...)`` and creates or looks up one variable
    per ``nnx.Param`` (trainable) and per other NNX variable (``BatchStat``: jaxscope's
    ``state``), at the attribute path under the scope (``block/linear/kernel``,
    ``mlp/layers/0/bias``). Their initial values are the module's current values (``init``
    returns them as they are). The module runs as a copy holding the jaxscope values (it is
    never mutated); variables it changes (``BatchNorm`` in training) are assigned back. Its rng
    streams (``nnx.Dropout``'s) get a fresh ``next_rng_key()`` each call when the jaxscope call
    has an rng.

    Args:
      module: an ``flax.nnx.Module`` instance.
      name: the variable scope; None: the snake-cased class name, made unique.
      reuse: the scope's reuse (``True``, ``jaxscope.AUTO_REUSE`` or None to inherit).

    Returns:
      ``call(*args, **kwargs) -> out``, the module's output.

    Raises:
      LinenModuleError (``TypeError``) for anything but an NNX module.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> from flax import nnx
      >>> linear = nnx.Linear(3, 4, rngs=nnx.Rngs(0))
      >>> def model(x):
      ...     return js.flax.from_nnx(linear, "proj")(x)
      >>> variables = js.transform(model).init(jax.random.key(0), jnp.ones([1, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'proj': {'bias': (4,), 'kernel': (3, 4)}}}
      >>> bool((variables["params"]["proj"]["kernel"] == linear.kernel[...]).all())
      True

    TF1 equivalent: a tf.compat.v1.layers function (tf.compat.v1.layers.dense)
    """
    if not isinstance(module, nnx.Module):
        raise LinenModuleError(module, "it is not a flax.nnx.Module", nnx=True)
    graphdef, params, rng_state, rest = nnx.split(module, nnx.Param, nnx.RngState, ...)
    initial = {"params": nnx.to_pure_dict(params), "state": nnx.to_pure_dict(rest)}
    default = _snake_case(type(module).__name__)

    def call(*args, **kwargs):
        fr = frame.current("from_nnx")
        with variable_scope(name, default_name=default, reuse=reuse):
            handles, values = [], {"params": {}, "state": {}}
            for collection in ("params", "state"):
                for path, value in _leaves(initial[collection]):
                    node = "/".join(map(str, path))
                    var = get_variable(
                        node,
                        initializer=np.asarray(value),
                        trainable=collection == "params",
                    )
                    v = getter_value(var, "from_nnx", fr.var_scope.name, node, value)
                    handles.append((collection, path, var, v))
                    sub = values[collection]
                    for p in path[:-1]:
                        sub = sub.setdefault(p, {})
                    sub[path[-1]] = v
            p, r, s = (jax.tree.map(lambda a: a, t) for t in (params, rng_state, rest))
            nnx.replace_by_pure_dict(p, values["params"])
            nnx.replace_by_pure_dict(s, values["state"])
            if fr.rng is not None and get_opaque_trace_state() == fr.trace:
                keys = nnx.to_pure_dict(r)
                for path in _key_leaves(keys):
                    _set(keys, path, next_rng_key())
                nnx.replace_by_pure_dict(r, keys)
            copy = nnx.merge(graphdef, p, r, s)
            out = copy(*args, **kwargs)
            after = nnx.to_pure_dict(nnx.split(copy, nnx.Param, nnx.RngState, ...)[3])
            for collection, path, var, given in handles:
                if collection == "params":
                    continue
                new = after
                for part in path:
                    new = new[part]
                if new is not given:
                    assign(var, new)
            return out

    return call
