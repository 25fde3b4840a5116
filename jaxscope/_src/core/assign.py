"""``assign``, ``assign_add``, ``assign_sub``, ``scatter_update``, ``scatter_add``: TF1's updates.

An update replaces the value the variable's handle carries for the rest of the call, so later
reads (through the handle, or ``get_variable`` with reuse) see it, as after a TF1 assign op with
a control dependency. ``apply(..., mutable=...)`` returns the updated tree; nothing is mutated.
Under ``jax.jit(..., donate_argnums=0)`` XLA writes the updated buffers in place.

Shapes and dtypes follow TF1 (ref variables): the value must have the variable's exact shape
(``validate_shape=False`` lets ``assign`` change it), Python numbers and lists convert to the
variable's dtype (numpy arrays too, as TF1 converts them), JAX arrays of another dtype are an
error (TF1 never casts a tensor).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core import fetch, frame
from jaxscope._src.core.call_errors import (
    AssignDtypeError,
    AssignShapeError,
    ImmutableVariableError,
    ScatterIndexError,
    StaleVariableError,
    TracedHandleError,
)
from jaxscope._src.core.handle import Handle as Variable  # variables.Variable's base
from jaxscope._src.initializers.dtypes import canonical

_KIND_OK = {"f": "fiu", "c": "cfiu", "i": "iu", "u": "iu", "b": "b"}  # Python kinds that convert


def assign(ref: Variable, value, validate_shape=None, use_locking=None, name=None, read_value=True):
    """Sets ``ref`` to ``value``; returns the new value (``None`` if ``read_value=False``).

    Args:
      ref: the variable (a handle from ``get_variable`` or ``Variable``).
      value: the new value, of ``ref``'s shape and dtype (Python numbers/lists convert).
      validate_shape: if False, the value may have another shape; the variable takes it (the
        next ``apply`` then needs ``get_variable(..., validate_shape=False)`` to accept it).
      use_locking, name: accepted for TF1 compatibility; no effect in JAX.
      read_value: if False, returns None (TF1 returns the op).

    Raises:
      AssignShapeError (``ValueError``), AssignDtypeError (``TypeError``),
      ImmutableVariableError (inside ``apply`` without ``mutable=``).

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     step = js.get_variable("step", [], "int32", trainable=False)
      ...     step.assign_add(1)
      ...     return step + 0
      >>> f = js.transform(f)
      >>> out, variables = f.apply(f.init(jax.random.key(0)), mutable=True)
      >>> int(out), int(variables["state"]["step"])
      (1, 1)

    TF1 equivalent: tf.compat.v1.assign
    """
    if hasattr(ref, "_record_assign"):  # a variable inside an optimizer's TF1 hooks
        return ref._record_assign("assign", value, read_value)
    del use_locking, name
    value = _convert(ref, value, "assign")
    if validate_shape is not False and tuple(value.shape) != ref._shape:
        raise AssignShapeError(
            ref._node, "assign", value.shape, f"the variable has shape {ref._shape}",
            "Assign a value of that shape, or change the variable's shape on purpose with "
            "assign(ref, value, validate_shape=False).",
        )  # fmt: skip
    return _store(ref, value, "assign", read_value)


def assign_add(ref: Variable, value, use_locking=None, name=None, read_value=True):
    """Adds ``value`` (same shape as ``ref``; no broadcasting, as in TF1) to ``ref``.

    Args:
      ref: the variable.
      value: the increment, of ``ref``'s shape.
      use_locking: accepted for TF1's signature; no effect.
      name: accepted for TF1's signature.
      read_value: return the new value (True) or None.

    Returns:
      The new value (``read_value``), else None. The variable holds it after the call
      (``apply(..., mutable=...)`` returns it).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     v = js.get_variable("v", [3], initializer=js.zeros_initializer(), trainable=False)
      ...     return js.assign_add(v, jnp.ones(3))
      >>> f = js.transform(model)
      >>> out, new = f.apply(f.init(jax.random.key(0)), mutable=True)
      >>> out, new["state"]["v"]
      (Array([1., 1., 1.], dtype=float32), Array([1., 1., 1.], dtype=float32))

    TF1 equivalent: tf.compat.v1.assign_add
    """
    if hasattr(ref, "_record_assign"):  # a variable inside an optimizer's TF1 hooks
        return ref._record_assign("assign_add", value, read_value)
    del use_locking, name
    delta = _same_shape(ref, value, "assign_add")
    return _store(ref, ref.value + delta, "assign_add", read_value, lambda cur: cur + delta)


def assign_sub(ref: Variable, value, use_locking=None, name=None, read_value=True):
    """Subtracts ``value`` (same shape as ``ref``) from ``ref``.

    Args:
      ref: the variable.
      value: the decrement, of ``ref``'s shape.
      use_locking: accepted for TF1's signature; no effect.
      name: accepted for TF1's signature.
      read_value: return the new value (True) or None.

    Returns:
      The new value (``read_value``), else None.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     v = js.get_variable("v", [3], initializer=js.zeros_initializer(), trainable=False)
      ...     return js.assign_sub(v, jnp.ones(3))
      >>> f = js.transform(model)
      >>> out, new = f.apply(f.init(jax.random.key(0)), mutable=True)
      >>> out, new["state"]["v"]
      (Array([-1., -1., -1.], dtype=float32), Array([-1., -1., -1.], dtype=float32))

    TF1 equivalent: tf.compat.v1.assign_sub
    """
    if hasattr(ref, "_record_assign"):  # a variable inside an optimizer's TF1 hooks
        return ref._record_assign("assign_sub", value, read_value)
    del use_locking, name
    delta = _same_shape(ref, value, "assign_sub")
    return _store(ref, ref.value - delta, "assign_sub", read_value, lambda cur: cur - delta)


def assign_moving_average(ref: Variable, target, decay):
    """``ref -= (ref - target) * decay``, an ``assign_sub`` (TF1's ``assign_moving_average``
    without zero-debias); replayed later (see ``core.fetch``) from the value then."""
    new = ref.value - (ref.value - target) * decay
    return _store(ref, new, "assign_sub", True, lambda cur: cur - (cur - target) * decay)


def scatter_update(ref: Variable, indices, updates, use_locking=True, name=None):
    """Sets rows ``ref[indices] = updates`` along axis 0; returns the new value.

    ``updates`` has shape ``indices.shape + ref.shape[1:]`` (or is a scalar). With duplicate
    indices one of the updates wins, as in TF1. Concrete indices outside ``[0, rows)`` raise
    :class:`~jaxscope.ScatterIndexError`; traced ones (inside ``jit``) cannot raise, and their
    updates are dropped (negative ones too: they never wrap around to the last rows).

    Args:
      ref: the variable.
      indices: int rows of ``ref``.
      updates: ``indices.shape + ref.shape[1:]``, or a scalar.
      use_locking: accepted for TF1's signature; no effect.
      name: accepted for TF1's signature.

    Returns:
      The new value.

    Raises:
      ScatterIndexError: a concrete index outside ``[0, rows)`` (an ``IndexError``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     v = js.get_variable("v", [3], initializer=js.zeros_initializer(), trainable=False)
      ...     return js.scatter_update(v, jnp.array([0, 2]), jnp.array([5.0, 7.0]))
      >>> f = js.transform(model)
      >>> out, new = f.apply(f.init(jax.random.key(0)), mutable=True)
      >>> out, new["state"]["v"]
      (Array([5., 0., 7.], dtype=float32), Array([5., 0., 7.], dtype=float32))

    TF1 equivalent: tf.compat.v1.scatter_update
    """
    del use_locking, name
    idx, updates = _scatter_args(ref, indices, updates, "scatter_update")
    new = ref.value.at[idx].set(updates, mode="drop", wrap_negative_indices=False)
    return _store(ref, new, "scatter_update", True)


def scatter_add(ref: Variable, indices, updates, use_locking=False, name=None):
    """Adds ``updates`` to rows ``ref[indices]`` (duplicates accumulate); returns the new value.

    Out-of-range indices (negative ones too) are handled as in :func:`scatter_update`.

    Args:
      ref: the variable.
      indices: int rows of ``ref``.
      updates: ``indices.shape + ref.shape[1:]``, or a scalar.
      use_locking: accepted for TF1's signature; no effect.
      name: accepted for TF1's signature.

    Returns:
      The new value.

    Raises:
      ScatterIndexError: a concrete index outside ``[0, rows)`` (an ``IndexError``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model():
      ...     v = js.get_variable("v", [3], initializer=js.zeros_initializer(), trainable=False)
      ...     return js.scatter_add(v, jnp.array([1, 1]), jnp.array([1.0, 2.0]))
      >>> f = js.transform(model)
      >>> out, new = f.apply(f.init(jax.random.key(0)), mutable=True)
      >>> out, new["state"]["v"]
      (Array([0., 3., 0.], dtype=float32), Array([0., 3., 0.], dtype=float32))

    TF1 equivalent: tf.compat.v1.scatter_add
    """
    del use_locking, name
    idx, updates = _scatter_args(ref, indices, updates, "scatter_add")
    new = ref.value.at[idx].add(updates, mode="drop", wrap_negative_indices=False)
    return _store(ref, new, "scatter_add", True)


def _store(ref: Variable, value, op: str, read_value: bool, replay=None):
    fr = frame.current(op)
    node = ref._node
    if node is None:
        raise TracedHandleError(op, ref._shape, ref.dtype)
    if fr.variables.get(node) is not ref:
        raise StaleVariableError(node, op)
    if fr.mode is frame.APPLY:
        collection = "params" if ref._trainable else "state"
        if collection not in fr.mutable:
            raise ImmutableVariableError(node, op, collection, fr.mutable)
    if node not in fr.initial:
        fr.initial[node] = ref._value
    value = fetch.record(fr, ref, value, replay)
    ref._value = value  # the static shape stays the declared one, as in TF1 (R08.10)
    return value if read_value else None


def _convert(ref: Variable, value, op: str, what: str = "the value"):
    if not isinstance(ref, Variable):
        raise TypeError(
            f"{op} needs a jaxscope Variable (from get_variable or Variable) as its first "
            f"argument, got {type(ref).__name__}."
        )
    if isinstance(value, Variable):
        value = value.value
    dtype = canonical(ref._dtype)
    if isinstance(value, jax.Array) and not _weak(value):  # a tensor: TF1 never casts it
        if canonical(value.dtype) != dtype:
            raise AssignDtypeError(ref._node, op, what, canonical(value.dtype), dtype)
        return value
    kind = value.dtype.kind if _weak(value) else np.asarray(value).dtype.kind
    if kind not in _KIND_OK.get(_kind(dtype), "?"):
        raise AssignDtypeError(ref._node, op, what, f"Python {kind!r}-kind value", dtype)
    return jnp.asarray(value, dtype)


def _kind(dtype) -> str:
    return "f" if jnp.issubdtype(dtype, jnp.floating) else dtype.kind


def _weak(value) -> bool:
    return getattr(value, "weak_type", False)


def _same_shape(ref: Variable, value, op: str):
    value = _convert(ref, value, op)
    if tuple(value.shape) != ref._shape:
        raise AssignShapeError(
            ref._node, op, value.shape, f"the variable has shape {ref._shape} (TF1 does not "
            "broadcast here)", f"Pass a value of shape {ref._shape}, e.g. jnp.full({ref._shape}, x).",
        )  # fmt: skip
    return value


def _scatter_args(ref: Variable, indices, updates, op: str):
    updates = _convert(ref, updates, op, "the updates")
    idx = indices.value if isinstance(indices, Variable) else indices
    if not hasattr(idx, "dtype"):
        idx = np.asarray(idx)
        idx = idx.astype(np.int32) if idx.dtype == np.int64 else idx  # Python ints: int32, as TF1
    idx_dtype = idx.dtype
    if np.dtype(idx_dtype).kind not in "iu":
        raise AssignDtypeError(ref._node, op, "the indices", idx_dtype, "int32 or int64")
    if not ref._shape:
        raise AssignShapeError(
            ref._node, op, (), "scatter ops index axis 0 of a variable of rank >= 1",
            "Use assign for a scalar variable.",
        )  # fmt: skip
    want = tuple(np.shape(idx)) + ref._shape[1:]
    if updates.shape and tuple(updates.shape) != want:
        raise AssignShapeError(
            ref._node, op, updates.shape, f"indices of shape {tuple(np.shape(idx))} into a "
            f"variable of shape {ref._shape} need updates of shape {want} (or a scalar)",
            f"Pass updates of shape indices.shape + {ref._shape[1:]}.",
        )  # fmt: skip
    if not isinstance(idx, jax.core.Tracer):
        idx = np.asarray(idx)
        bad = np.argwhere((idx < 0) | (idx >= ref._shape[0]))
        if bad.size:  # TF1's message names the first bad index's position: indices[1] = 4
            first = tuple(bad[0])
            raise ScatterIndexError(ref._node, op, int(idx[first]), ref._shape[0], first)
    return idx, updates
