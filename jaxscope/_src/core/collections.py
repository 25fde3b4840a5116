"""TF1 graph collections, kept per ``init``/``apply`` call: ``GraphKeys``, ``get_collection``, ...

Variables join ``GLOBAL_VARIABLES`` (or the ``collections=`` given, which replace it) and, when
trainable, ``TRAINABLE_VARIABLES``; regularized variables add their loss to
``REGULARIZATION_LOSSES``. Insertion order is kept and nothing is deduplicated, as in TF1.
"""

from __future__ import annotations

import re
from typing import Any

from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import LoopTensorError


class GraphKeys:
    """TF1's standard collection names.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> js.GraphKeys.TRAINABLE_VARIABLES, js.GraphKeys.UPDATE_OPS
      ('trainable_variables', 'update_ops')

    TF1 equivalent: tf.compat.v1.GraphKeys
    """

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    GLOBAL_STEP = "global_step"


class LoopTensor:
    """Stands in a collection for a value computed inside a loop body: any use raises
    :class:`~jaxscope._src.LoopTensorError` (TF1's loop tensors cannot be used outside
    their loop either); ``name``, ``shape`` and ``dtype`` stay readable."""

    def __init__(self, collection: str, body: str, name: str | None, shape, dtype):
        self.collection, self.body, self.name = collection, body, name
        self.shape, self.dtype = tuple(shape), dtype

    def _refuse(self, *args, **kwargs):
        raise LoopTensorError(self.collection, self.body, self.name)

    __jax_array__ = __array__ = __bool__ = __float__ = __int__ = __index__ = _refuse
    __getitem__ = __neg__ = __abs__ = __matmul__ = __rmatmul__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = _refuse

    def __repr__(self) -> str:
        return f"<LoopTensor {self.name or ''} of {self.collection!r}, from the {self.body}>"


def _add(fr: frame.Frame, key: str, value: Any, name: str | None = None) -> None:
    """Files ``value``; ``name`` is only needed for items without a ``.name`` of their own."""
    fr.collections.setdefault(key, []).append(value)
    if name is not None:
        fr.item_names[id(value)] = name  # the list keeps value alive, so its id stays unique


def add_to_collection(name: str, value: Any) -> None:
    """Appends ``value`` to collection ``name`` of the current call.

    Args:
      name: the collection's name.
      value: any value (an array, a variable, a summary, ...).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     js.add_to_collection("activations", x * 2)
      ...     return js.get_collection("activations")
      >>> js.transform(model).apply({}, jnp.ones(2))
      [Array([2., 2.], dtype=float32)]

    TF1 equivalent: tf.compat.v1.add_to_collection
    """
    _add(frame.current("add_to_collection"), name, value)


def get_collection(key: str, scope: str | None = None) -> list[Any]:
    """A copy of collection ``key``, filtered by ``re.match(scope, item.name)`` when given.

    As in TF1 the match is a regex prefix match (``"foo"`` also matches ``"foo_1/w:0"``), and
    items without a name are left out when a scope is given.

    Args:
      key: the collection's name (a ``GraphKeys`` value or your own).
      scope: keep the items whose name matches this regex from its start (TF1's ``re.match``).

    Returns:
      A new list (changing it does not change the collection).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     js.get_variable("a/w", [2])
      ...     js.get_variable("b/w", [2])
      ...     return [v.name for v in js.get_collection(js.GraphKeys.GLOBAL_VARIABLES, "a")]
      >>> js.transform(model).init_with_output(jax.random.key(0), 0.0)[0]
      ['a/w:0']

    TF1 equivalent: tf.compat.v1.get_collection
    """
    items = frame.current("get_collection").collections.get(key, [])
    if scope is None:
        return list(items)
    fr = frame.current("get_collection")
    regex = re.compile(scope)
    out = []
    for value in items:
        name = fr.item_names.get(id(value)) or getattr(value, "name", None)
        if isinstance(name, str) and regex.match(name):
            out.append(value)
    return out


def global_variables(scope: str | None = None) -> list[Any]:
    """Every variable created so far in this call (collection ``GLOBAL_VARIABLES``), in order.

    Args:
      scope: keep the items whose name matches this regex from its start (TF1's ``re.match``).

    Returns:
      A list of :class:`Variable`.


    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     js.get_variable("w", [2])
      ...     js.get_variable("step", [], jnp.int32, trainable=False)
      ...     return ([v.name for v in js.global_variables()],
      ...             [v.name for v in js.trainable_variables()])
      >>> js.transform(model).init_with_output(jax.random.key(0))[0]
      (['w:0', 'step:0'], ['w:0'])

    TF1 equivalent: tf.compat.v1.global_variables
    """
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list[Any]:
    """The trainable variables created so far in this call (``TRAINABLE_VARIABLES``), in order.

    Args:
      scope: keep the items whose name matches this regex from its start (TF1's ``re.match``).

    Returns:
      A list of :class:`Variable`.


    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     js.get_variable("w", [2])
      ...     js.get_variable("step", [], jnp.int32, trainable=False)
      ...     return ([v.name for v in js.global_variables()],
      ...             [v.name for v in js.trainable_variables()])
      >>> js.transform(model).init_with_output(jax.random.key(0))[0]
      (['w:0', 'step:0'], ['w:0'])

    TF1 equivalent: tf.compat.v1.trainable_variables
    """
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def add_variable(fr: frame.Frame, var, collections, trainable: bool) -> None:
    """Files a new variable as TF1's ``Variable`` constructor does."""
    if collections is None:  # the common case, kept cheap
        fr.collections[GraphKeys.GLOBAL_VARIABLES].append(var)
        if trainable:
            fr.collections[GraphKeys.TRAINABLE_VARIABLES].append(var)
        return
    if not isinstance(collections, (list, tuple, set)):
        raise ValueError(
            f"collections argument to Variable constructor must be a list, tuple, or set. Got "
            f"{collections!r} of type {type(collections).__name__} for variable {var._node!r}; "
            f"write collections=[{collections!r}]."
        )
    keys = list(collections)
    if trainable and GraphKeys.TRAINABLE_VARIABLES not in keys:
        keys.append(GraphKeys.TRAINABLE_VARIABLES)
    for key in keys:
        _add(fr, key, var)
