"""tf-slim's ``layers/utils.py``: named outputs (end points) and the shape helpers layers share.

A layer given ``outputs_collections=`` files its output under an *alias* (its scope name); a net
reads its ``end_points`` back with :func:`convert_collection_to_dict`. TF1 kept the aliases on
the tensor (``tensor.aliases``); a jax array takes no attributes, so the current ``init`` /
``apply`` call keeps them, by the array's identity, and :func:`get_tensor_aliases` reads them.
As in TF1, an array collected twice (a ResNet unit's output, again as its block's) has both
aliases; unlike TF1, an op that returns its input unchanged (``jnp.asarray(x)``) returns the same
array, which then shares the input's aliases.
"""

from __future__ import annotations

import collections
from collections import OrderedDict
from typing import Any

import jax
import numpy as np
from jax.core import Tracer

from jaxscope._src.contrib.errors import (
    ShapeArgumentTypeError,
    ShapeDimensionError,
    UnnamedTensorError,
)
from jaxscope._src.contrib.variables import get_variable_collections as get_variable_collections
from jaxscope._src.core import frame
from jaxscope._src.core.collections import _add, get_collection
from jaxscope._src.core.control_flow import cond
from jaxscope._src.core.variables import Variable

NamedOutputs = collections.namedtuple("NamedOutputs", ["name", "outputs"])


def collect_named_outputs(collections, alias: str, outputs):
    """Files ``outputs`` under ``alias`` in ``collections`` (a name or a list); returns it.

    Nothing happens when ``collections`` is empty or None (as in TF1, the alias is not recorded
    either).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def net(x):
      ...     y = js.slim.fully_connected(x, 2, scope="fc", outputs_collections="ends")
      ...     return js.slim.utils.convert_collection_to_dict("ends")
      >>> f = js.transform(net)
      >>> list(f.apply(f.init(jax.random.key(0), jnp.ones([1, 3])), jnp.ones([1, 3])))
      ['fc']

    TF1 equivalent: tf_slim.layers.utils.collect_named_outputs
    """
    if collections:
        append_tensor_alias(outputs, alias)
        fr = frame.current("collect_named_outputs")
        for key in [collections] if isinstance(collections, str) else collections:
            _add(fr, key, outputs, alias)
    return outputs


def append_tensor_alias(tensor, alias: str):
    """Adds ``alias`` (a trailing ``/`` removed) to ``tensor``'s aliases; returns ``tensor``.

    The aliases live in the current ``init`` / ``apply`` call (see the module docstring).

    TF1 equivalent: tf_slim.layers.utils.append_tensor_alias
    """
    if alias[-1] == "/":
        alias = alias[:-1]
    fr = frame.current("append_tensor_alias")
    entry = fr.aliases.get(id(tensor))
    if entry is not None and entry[0] is tensor:
        entry[1].append(alias)
    else:
        fr.aliases[id(tensor)] = (tensor, [alias])
    return tensor


def get_tensor_aliases(tensor) -> list[str]:
    """``tensor``'s aliases in the order given; without any, its name less ``:0`` (a variable's).

    Raises:
      UnnamedTensorError: (a ``ValueError``) an array without aliases: jax arrays have no names.

    TF1 equivalent: tf_slim.layers.utils.get_tensor_aliases
    """
    fr = frame.current("get_tensor_aliases")
    entry = fr.aliases.get(id(tensor))
    if entry is not None and entry[0] is tensor:
        return list(entry[1])
    name = getattr(tensor, "name", None)
    if not isinstance(name, str):
        name = fr.item_names.get(id(tensor))
    if not isinstance(name, str):
        shape = getattr(tensor, "shape", None)
        what = f"this {type(tensor).__name__}" + (f" of shape {tuple(shape)}" if shape else "")
        raise UnnamedTensorError(what)
    return [name[:-2] if name[-2:] == ":0" else name]


def gather_tensors_aliases(tensors) -> list[str]:
    """The aliases of every tensor in ``tensors``, in order.

    TF1 equivalent: tf_slim.layers.utils.gather_tensors_aliases
    """
    aliases: list[str] = []
    for tensor in tensors:
        aliases += get_tensor_aliases(tensor)
    return aliases


def convert_collection_to_dict(collection: str, clear_collection: bool = False) -> OrderedDict:
    """``{alias: tensor}`` of collection ``collection``, in the order the items were filed (an
    item with two aliases gives two keys); ``clear_collection`` empties the collection.

    TF1 equivalent: tf_slim.layers.utils.convert_collection_to_dict
    """
    output = OrderedDict(
        (alias, tensor)
        for tensor in get_collection(collection)
        for alias in get_tensor_aliases(tensor)
    )
    if clear_collection:
        frame.current("convert_collection_to_dict").collections.pop(collection, None)
    return output


def constant_value(value_or_tensor_or_var, dtype=None):
    """``value`` itself when it is a Python or NumPy value, its value when it is a concrete
    array, None for a variable or a traced array (unknown until the program runs).

    Raises:
      ValueError: ``value_or_tensor_or_var`` is None; an array or variable of another
        ``dtype``.

    TF1 equivalent: tf_slim.layers.utils.constant_value
    """
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if isinstance(value, (jax.Array, Variable)):
        if dtype is not None and np.dtype(value.dtype) != np.dtype(getattr(dtype, "name", dtype)):
            raise ValueError(f"It has the wrong type {value.dtype} instead of {dtype}")
        if isinstance(value, (Variable, Tracer)):
            return None
        return np.asarray(value)
    return value


def static_cond(pred, fn1, fn2):
    """``fn1()`` if ``pred`` else ``fn2()``, decided in Python.

    Raises:
      TypeError: ``fn1`` or ``fn2`` is not callable.

    TF1 equivalent: tf_slim.layers.utils.static_cond
    """
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def smart_cond(pred, fn1, fn2, name=None):
    """:func:`static_cond` when ``pred`` is known now, ``jaxscope.cond`` (traced) otherwise.

    TF1 equivalent: tf_slim.layers.utils.smart_cond
    """
    pred_value = constant_value(pred)
    if pred_value is not None:
        return static_cond(pred_value, fn1, fn2)
    return cond(pred, fn1, fn2, name=name)


def _dims(shape, function: str) -> list[Any] | None:
    """A shape's dimensions: a tuple or list, a ``.shape`` of jax/NumPy, or anything with
    ``as_list()`` (TF1's ``TensorShape``); None for an unknown rank."""
    if shape is None:
        return None
    if hasattr(shape, "dtype") and hasattr(shape, "shape"):
        raise ShapeArgumentTypeError(function, shape.shape)
    if hasattr(shape, "as_list"):
        try:
            return list(shape.as_list())
        except ValueError:  # TF1's TensorShape of unknown rank
            return None
    return [getattr(d, "value", d) for d in shape]


def _get_dimension(shape, dim: int, min_rank: int, function: str):
    dims = _dims(shape, function)
    if dims is None:
        raise ShapeDimensionError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ShapeDimensionError(f"rank of shape must be at least {min_rank} not: {len(dims)}")
    value = dims[dim]
    if value is None:
        raise ShapeDimensionError(
            f"dimension {dim} of shape must be known but is None: {tuple(dims)}"
        )
    return value


def channel_dimension(shape, data_format: str, min_rank: int = 1):
    """The channel dimension of ``shape`` (1 for ``channels_first``, else the last).

    Raises:
      ValueError: ``shape`` has fewer than ``min_rank`` dimensions, or that one is unknown.

    TF1 equivalent: tf_slim.layers.utils.channel_dimension
    """
    dim = 1 if data_format == "channels_first" else -1
    return _get_dimension(shape, dim, min_rank, "channel_dimension")


def last_dimension(shape, min_rank: int = 1):
    """The last dimension of ``shape`` (``x.shape``; TF1's ``x.get_shape()``).

    Raises:
      ValueError: ``shape`` has fewer than ``min_rank`` dimensions, or the last is unknown.
      TypeError: an array is given instead of its shape.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> js.slim.utils.last_dimension(jnp.ones([2, 3, 5]).shape, min_rank=2)
      5

    TF1 equivalent: tf_slim.layers.utils.last_dimension
    """
    return _get_dimension(shape, -1, min_rank, "last_dimension")


def two_element_tuple(int_or_tuple):
    """``(h, w)`` from one int or a pair.

    Raises:
      ValueError: anything else (also a tuple of 3, for which tf-slim's message formatting
        raised a ``TypeError``).

    TF1 equivalent: tf_slim.layers.utils.two_element_tuple
    """
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n, value):
    """``value`` (one int, or ``n`` of them) as a tuple of ``n`` positive ints.

    Raises:
      TypeError: ``n`` is not convertible to an int.
      ValueError: ``n`` or ``value`` are invalid.

    TF1 equivalent: tf_slim.layers.utils.n_positive_integers
    """
    n_orig = n
    n = int(n)
    if n < 1 or n != n_orig:
        raise ValueError("n must be a positive integer")
    try:
        value = int(value)
    except (TypeError, ValueError):
        sequence_len = len(value)
        if sequence_len != n:
            raise ValueError(
                f"Expected sequence of {n} positive integers, but received {value!r}"
            ) from None
        try:
            values = tuple(int(x) for x in value)
        except Exception:
            raise ValueError(
                f"Expected sequence of {n} positive integers, but received {value!r}"
            ) from None
        for x in values:
            if x < 1:
                raise ValueError(f"expected positive integer, but received {x}") from None
        return values
    if value < 1:
        raise ValueError(f"expected positive integer, but received {value}")
    return (value,) * n
