"""tf-slim's model variables and its collection helpers, on top of ``get_variable``.

``model_variable`` files a variable in ``GLOBAL_VARIABLES`` and ``MODEL_VARIABLES`` (plus the
``collections`` given); ``variables_collections`` of a layer is a list for all its variables or a
dict per variable name.
"""

from __future__ import annotations

import functools

from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys, _add
from jaxscope._src.core.scope import get_variable_scope
from jaxscope._src.core.variable_store import get_variable


def _unique(names) -> list[str]:
    return list(dict.fromkeys(names))


def get_variable_collections(variables_collections, name: str):
    """TF1 equivalent: tf_slim.layers.utils.get_variable_collections"""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def exists(name: str) -> bool:
    """Whether ``name`` (relative to the current variable scope) exists in this call."""
    fr = frame.current("exists")
    scope = fr.var_scope.name
    return (scope + "/" + name if scope else name) in fr.store


def model_variable(
    name,
    shape=None,
    dtype="float32",
    initializer=None,
    regularizer=None,
    trainable=True,
    collections=None,
    caching_device=None,
    device=None,
    partitioner=None,
    custom_getter=None,
    use_resource=None,
    synchronization=None,
    aggregation=None,
):
    """``get_variable`` filed in ``GLOBAL_VARIABLES`` and ``MODEL_VARIABLES`` too.

    ``device``, ``caching_device``, ``use_resource``, ``synchronization`` and ``aggregation`` have
    no effect in JAX; ``partitioner`` makes a :class:`~jaxscope.PartitionedVariable`.
    ``custom_getter`` is slim's: it is called *instead of* ``get_variable``,
    as ``custom_getter(name, shape=..., dtype=..., ..., reuse=<the scope's reuse>)`` with the
    relative name (unlike a ``variable_scope``'s ``custom_getter``, which also applies here).

    Args:
      name: the variable's name in the current scope.
      shape: its shape.
      dtype: its dtype.
      initializer: its initializer (default: the scope's, else glorot uniform).
      regularizer: ``w -> loss``, into ``REGULARIZATION_LOSSES``.
      trainable: False puts it in ``variables["state"]``.
      collections: more collections to file it in.
      caching_device: no effect in JAX.
      device: no effect in JAX.
      partitioner: makes a :class:`~jaxscope.PartitionedVariable`.
      custom_getter: slim's custom getter, called instead of ``get_variable``.
      use_resource: no effect in JAX.
      synchronization: no effect in JAX.
      aggregation: no effect in JAX.

    Returns:
      The variable (an array inside a transformed function).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     w = js.slim.model_variable("w", [3])
      ...     return [v.name for v in js.get_collection("model_variables")]
      >>> js.transform(model).init_with_output(jax.random.key(0), jnp.ones([3]))[0]
      ['w:0']

    TF1 equivalent: tf_slim.model_variable
    """
    del device
    collections = _unique(
        [*list(collections or []), GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    )
    getter = get_variable
    if custom_getter is not None:  # tf_slim's variable(): the getter replaces get_variable
        getter = functools.partial(custom_getter, reuse=get_variable_scope().reuse)
    return getter(
        name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, caching_device=caching_device,
        partitioner=partitioner, use_resource=use_resource,
        synchronization=synchronization, aggregation=aggregation,
    )  # fmt: skip


def add_variable_to_collections(variable, variables_collections, name: str) -> None:
    """Files ``variable`` in the collections that ``variables_collections`` gives ``name``,
    skipping those that already hold it (a reused layer adds nothing)."""
    fr = frame.current("add_variable_to_collections")
    for key in get_variable_collections(variables_collections, name) or []:
        if not any(v is variable for v in fr.collections.get(key, [])):
            _add(fr, key, variable)
