"""A declared variable's value in each pass: looked up in the given variables tree and checked
against the declaration (``apply``), or recorded for ``init`` to produce (the collecting pass);
TF1's dtype of an initial value.

Shared by ``Variable(...)`` and ``get_variable``'s find-or-create step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import (
    InvalidVariableValueError,
    MissingVariableError,
    ValueMismatchError,
)
from jaxscope._src.core.initial import DRAW, draw_one
from jaxscope._src.initializers.dtypes import as_dtype, canonical
from jaxscope._src.initializers.errors import InitializerError

if TYPE_CHECKING:
    from jaxscope._src.core.variables import Variable


def _value_dtype(value, dtype, node) -> np.dtype:
    """TF1's dtype for an initial value: Python int -> int32, float -> float32, arrays keep theirs."""
    if isinstance(value, (jax.Array, np.ndarray, np.generic, jax.ShapeDtypeStruct)):
        own = as_dtype(value.dtype, node)
        if dtype is not None and as_dtype(dtype, node) != own:
            raise InitializerError(
                node, f"the initial value has dtype {own}, but dtype={as_dtype(dtype)} was given; "
                "TF1 never casts a tensor here.",
                f"Cast it yourself: initial_value.astype(jnp.{as_dtype(dtype)}).",
            )  # fmt: skip
        return own
    if dtype is not None:
        return as_dtype(dtype, node)
    own = np.asarray(value).dtype
    return as_dtype(
        {"b": "bool", "i": "int32", "u": "int32", "f": "float32", "c": "complex64"}.get(
            own.kind, own
        ),
        node,
    )


def _shape_of(value) -> tuple[int, ...]:
    return tuple(value.shape) if hasattr(value, "shape") else np.shape(value)


def _as_const(value, dtype):
    """A concrete initial value stays numpy (no device work in the abstract pass)."""
    if not _is_concrete(value):
        return jnp.asarray(value, canonical(dtype))
    return np.asarray(value, canonical(dtype))


def _record(fr: frame.Frame, var: Variable, kind: str, initializer) -> None:
    """In the collecting pass, remember how ``init`` will produce ``var``'s value."""
    if fr.mode == frame.COLLECT:
        fr.specs.append((var, kind, initializer))
        if fr.draw is not None:  # init_with_output: the value now, drawn as init draws it
            rng, trace = fr.draw
            if get_opaque_trace_state() != trace:  # a loop body's or a jax transform's trace
                raise frame.NotOnePass
            if kind == DRAW:
                var._value = draw_one(var, initializer, rng)


# What apply accepts as a variable's value (a cheap check, cached per type): arrays, numpy
# scalars, tracers, and Python numbers (bool is an int). Lists, strings, jax.ShapeDtypeStruct
# placeholders and other objects are refused, naming the variable.
_VALUE_TYPES = (jax.Array, np.ndarray, np.generic, jax.core.Tracer, int, float, complex)
_IS_VALUE: dict[type, bool] = {}


def _lookup(fr: frame.Frame, var: Variable, value) -> None:
    """Takes ``var``'s value from the given variables, checking it against the declaration."""
    node = var._node
    if value is frame.MISSING:
        collection, other = ("params", "state") if var._trainable else ("state", "params")
        if fr.find(node, other) is not frame.MISSING:
            raise ValueMismatchError(
                node, "collection", repr(other), repr(collection), var._created_at
            )
        raise MissingVariableError(node, collection, var._created_at, leaf_names(fr.provided))
    kind = type(value)
    is_value = _IS_VALUE.get(kind)
    if is_value is None:
        is_value = _IS_VALUE[kind] = issubclass(kind, _VALUE_TYPES)
    if not is_value:
        raise InvalidVariableValueError(node, "params" if var._trainable else "state", value)
    try:
        dtype = value.dtype
    except AttributeError:  # a Python number in a hand-made tree
        value = np.asarray(value)
        dtype = value.dtype
    shape = tuple(value.shape)
    if var._shape is not None and shape != var._shape:
        raise ValueMismatchError(node, "shape", shape, var._shape, var._created_at)
    if var._dtype is not None and dtype != var._dtype and canonical(dtype) != canonical(var._dtype):
        raise ValueMismatchError(
            node, "dtype", canonical(dtype), canonical(var._dtype), var._created_at
        )
    var._shape, var._value = shape, value
    if var._dtype is None:
        var._dtype = canonical(dtype)


def leaf_names(variables) -> list[str]:
    """``"params/a/b"``-style names of every leaf in a variables tree (for error messages)."""
    out = []

    def walk(tree, prefix):
        for k, v in tree.items():
            if isinstance(v, Mapping):
                walk(v, f"{prefix}{k}/")
            elif v is not None:
                out.append(prefix + k)

    for collection, tree in variables.items():
        if isinstance(tree, Mapping):
            walk(tree, f"{collection}/")
    return out


def _is_concrete(x) -> bool:
    return not isinstance(x, jax.core.Tracer)
