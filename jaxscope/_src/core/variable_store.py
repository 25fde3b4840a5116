"""``get_variable`` by TF1's ``_VariableStore`` steps: resolve the full name and the scope's
defaults, hand over to a custom getter or find the name in this call's store, check reuse,
shape, dtype and partitions, and create and file a new variable."""

from __future__ import annotations

import sys

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src import errors
from jaxscope._src.core import frame
from jaxscope._src.core.collections import add_variable
from jaxscope._src.core.custom_getter import call_custom_getter
from jaxscope._src.core.errors import (
    DtypeMismatchError,
    InitializerDtypeError,
    PartitionMismatchError,
    ShapeMismatchError,
    VariableExistsError,
    VariableNotFoundError,
)
from jaxscope._src.core.initial import (
    CONST,
    DRAW,
    _default_initializer,
    _is_tf_style,
    _jax_style,
    _needs_no_arguments,
)
from jaxscope._src.core.regularizers import regularize
from jaxscope._src.core.values import _as_const, _lookup, _record, _shape_of, _value_dtype
from jaxscope._src.core.variables import PartitionedVariable, Variable, _set_constraint
from jaxscope._src.initializers.dtypes import (
    as_dtype,
    as_shape,
    canonical,
    compatible,
    is_floating,
    is_fully_defined,
)
from jaxscope._src.initializers.errors import InitializerError
from jaxscope._src.sharding.partitioned import PerPartInitializer, call_partitioner


def get_variable(
    name: str,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable: bool | None = None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape: bool = True,
    use_resource=None,
    custom_getter=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
) -> Variable:
    """Creates a variable or returns the existing one, by TF1's reuse rules.

    The name is the current *variable* scope's name plus ``name`` (name scopes are ignored).
    With reuse off, an existing name is an error; with ``reuse=True`` a missing one is; with
    ``AUTO_REUSE`` it is created when missing. Shared variables are checked for shape and dtype
    (``dtype=None`` means the scope's dtype, float32 by default, also on reuse).

    Args:
      name: the variable's name within the current variable scope.
      shape: its shape (int or sequence); must be omitted when ``initializer`` is a constant.
      dtype: defaults to the scope's dtype; a constant initializer's dtype otherwise.
      initializer: an initializer (JAX or TF1 style, or a class to instantiate), a constant
        (number, list, array: fixes shape and dtype), or a zero-argument callable; defaults to
        the scope's initializer, else glorot_uniform for floats and zeros for integers/bool.
      trainable: True (default) puts it under ``variables["params"]``, False under ``"state"``.
      regularizer: ``w -> loss or None`` (default: the scope's); a new variable's loss joins
        ``REGULARIZATION_LOSSES`` (see ``get_regularization_loss``).
      collections: replaces ``[GLOBAL_VARIABLES]``; ``TRAINABLE_VARIABLES`` is added when
        trainable. On reuse, as in TF1, regularizer/collections/trainable are ignored.
      constraint: a function ``value -> value`` applied after each optimizer step by
        ``VariablesInfo.apply_constraints`` (default: the scope's), as TF1's optimizers did.
      validate_shape: if False, ``apply`` accepts a stored value of any shape (one changed by
        ``assign(..., validate_shape=False)``).
      caching_device, use_resource, synchronization, aggregation: accepted for TF1
        compatibility; no effect in JAX.
      custom_getter: ``(getter, name, *args, **kwargs) -> value``; replaces the scope's getter
        for this call (default: the scope's, see :func:`variable_scope`). It is called with
        the FULL name and every other argument by keyword, after the scope's defaults were
        filled in (``dtype``, ``initializer``, ``regularizer``, ``reuse``, ...; ``constraint``
        only if it names it or takes ``**kwargs``), on lookups too; ``getter`` finds or creates
        the variable. ``get_variable`` returns what the getter returns.
      partitioner: ``partitioner(shape=, dtype=) -> [1, k, 1]`` (default: the scope's), e.g.
        :func:`fixed_size_partitioner`; the variable is then a :class:`PartitionedVariable`:
        one logical array in the tree, with TF1's parts (``w/part_0``, ...) as a view. A
        TF1-style initializer ``f(shape, dtype, partition_info)`` is called per part, as TF1
        calls it; any other initializer draws the whole array (so values do not depend on the
        partitioning; TF1's fans also come from the full shape).

    Returns:
      The :class:`Variable` handle (the same object for every lookup in one call), or what the
      custom getter returned.

    Raises:
      VariableExistsError, VariableNotFoundError, ShapeMismatchError, DtypeMismatchError,
      InitializerError, InvalidNameError, CustomGetterError (all ``ValueError``);
      OutsideTransformError.

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     with js.variable_scope("foo", reuse=js.AUTO_REUSE):
      ...         return js.get_variable("v", [2]).name, js.get_variable("v", [2]).name
      >>> js.transform(f).apply(js.transform(f).init(jax.random.key(0)))
      ('foo/v:0', 'foo/v:0')
      >>> def half(getter, name, *args, **kwargs):       # a custom getter: stored in float32
      ...     return getter(name, *args, **kwargs).astype("float16")
      >>> def g():
      ...     return js.get_variable("w", [2], custom_getter=half).dtype
      >>> js.transform(g).apply(js.transform(g).init(jax.random.key(0)))
      dtype('float16')

    TF1 equivalent: tf.compat.v1.get_variable
    """
    fr = frame.current("get_variable")
    if not isinstance(name, str):
        raise TypeError(f"get_variable name must be a str, got {type(name).__name__} ({name!r}).")
    # TF1's VariableScope.get_variable: the full name, and the scope's defaults for what the
    # call left out; then the custom getter (or the true getter) finds or creates.
    scope = fr.var_scope
    key = scope._name + "/" + name if scope._name else name
    if dtype is not None and initializer is not None and not callable(initializer):
        const_dtype = _value_dtype(initializer, None, key)
        if const_dtype != as_dtype(dtype):
            raise InitializerError(
                key, f"Initializer type '{const_dtype}' and explicit dtype '{as_dtype(dtype)}' "
                "don't match (TF1 never casts a constant initializer).",
                f"Make them agree, e.g. initializer=np.asarray(value, np.{as_dtype(dtype)}).",
            )  # fmt: skip
    if initializer is None:
        initializer = scope._initializer
    dtype = scope._dtype if dtype is None else as_dtype(dtype, key)
    if regularizer is None:
        regularizer = scope._regularizer
    if constraint is None:
        constraint = scope._constraint
    if trainable is None:
        trainable = True
    if partitioner is None:
        partitioner = scope._partitioner
    if custom_getter is None:
        custom_getter = scope._custom_getter
    if custom_getter is not None:
        return call_custom_getter(
            custom_getter, true_getter, key, shape, dtype, initializer, regularizer,
            scope._reuse, trainable, collections, caching_device, partitioner, validate_shape,
            use_resource, constraint, synchronization, aggregation,
        )  # fmt: skip
    caller = sys._getframe(1)
    if caller.f_code.co_filename.startswith(frame.PKG_DIR):
        created_at = frame.user_location()
    else:
        created_at = (caller.f_code.co_filename, caller.f_lineno)
    return _get_single_variable(
        fr, key, shape, dtype, initializer, regularizer, scope._reuse, trainable, collections,
        validate_shape, constraint, created_at, partitioner,
    )  # fmt: skip


def true_getter(
    name: str,
    shape=None,
    dtype=np.float32,
    initializer=None,
    regularizer=None,
    reuse=None,
    trainable: bool | None = None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape: bool = True,
    use_resource=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
) -> Variable:
    """The getter a custom getter receives: finds or creates the variable with the FULL ``name``.

    Nothing comes from the scope here: ``reuse``, ``initializer``, ``regularizer`` and
    ``constraint`` are used as given (TF1's ``_true_getter``).
    """
    fr = frame.current("get_variable")
    return _get_single_variable(
        fr, name, shape, as_dtype(dtype, name), initializer, regularizer, reuse,
        True if trainable is None else trainable, collections, validate_shape, constraint,
        frame.user_location(), partitioner,
    )  # fmt: skip


def _get_single_variable(
    fr, key, shape, dtype, initializer, regularizer, reuse, trainable, collections,
    validate_shape, constraint, created_at, partitioner=None,
) -> Variable:  # fmt: skip
    """Looks ``key`` up in this call's store, or creates it (TF1's ``_get_single_variable``, and
    its ``_get_partitioned_variable`` checks when a partitioner is given)."""
    # TF1 exempts a scalar from a (scope's) partitioner only for a shape given as [] or ().
    unpartitionable = isinstance(shape, (list, tuple)) and not shape
    from_value = initializer is not None and not callable(initializer)
    if shape is not None and from_value:
        raise InitializerError(
            key, "If initializer is a constant, do not specify shape (the constant fixes it).",
            f"Drop the shape: get_variable({key.rsplit('/', 1)[-1]!r}, initializer=value).",
        )  # fmt: skip
    shape = as_shape(shape, key)

    found = fr.store.get(key)
    partition = None
    if partitioner is not None and not unpartitionable:
        full_shape = _shape_of(initializer) if from_value else shape
        partition = _partitioned(fr, reuse, key, full_shape, dtype, partitioner, found)
        if partition is found:
            return found
    elif found is not None and found._partition is not None and reuse is not True:
        raise PartitionMismatchError(key, "partitioner", False, None, found._created_at)
    if found is not None:
        if reuse is False:
            raise VariableExistsError(key, found._shape, found._dtype, found._created_at)
        if not compatible(shape, found._shape):
            raise ShapeMismatchError(key, shape, found._shape, found._created_at)
        if dtype != found._dtype:
            raise DtypeMismatchError(key, dtype, found._dtype, found._created_at)
        return found
    if reuse is True:
        if fr.borrow:  # TF1's eval model: the train model made it, in the same graph
            var = _shared(fr, key, shape, dtype, created_at)
            if var is not None:
                return var
        other = fr.variables.get(key)
        made_by = None if other is None else (errors.where(other._created_at) or "here")
        raise VariableNotFoundError(key, made_by)
    var = _new_variable(
        fr,
        key,
        shape,
        dtype,
        initializer,
        from_value,
        trainable,
        validate_shape,
        created_at,
        partition,
    )
    _file(fr, var, collections, regularizer, constraint)
    return var


def _shared(fr, key, shape, dtype, created_at) -> Variable | None:
    """Under ``apply``, ``reuse=True`` finds a variable another program made: one in the
    variables passed in (TF1 builds the eval model in the train model's graph, whose variables
    ``reuse=True`` finds). It is filed as TF1's graph has it (global, trainable if a ``params``
    leaf), with no regularizer (TF1 adds none on reuse); ``init`` still refuses, as TF1's
    fresh graph does, and so does an ``apply`` of a program that makes the variable itself
    (transform's apply checks). ``None`` if the tree has no such leaf."""
    if key in fr.variables:  # a tf.Variable of that name: get_variable's store lacks it
        return None
    found = [(c, v) for c in ("params", "state") if (v := fr.find(key, c)) is not frame.MISSING]
    if not found:
        return None
    fr.borrowed.add(key)  # before the checks: their errors, too, are wrong if the program makes it
    trainable, value = found[0][0] == "params", found[0][1]
    stored = tuple(np.shape(value))
    if shape is not None and not compatible(shape, stored):
        raise ShapeMismatchError(key, shape, stored, None)
    stored_dtype = canonical(value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype)
    if canonical(dtype) != stored_dtype:
        raise DtypeMismatchError(key, dtype, stored_dtype, None)
    var = _new_variable(fr, key, stored, dtype, None, False, trainable, True, created_at)
    _file(fr, var, None, None, None)
    return var


def _new_variable(
    fr,
    key,
    shape,
    dtype,
    initializer,
    from_value,
    trainable,
    validate_shape,
    created_at,
    partition=None,
) -> Variable:
    """A new handle for ``key``: its value looked up (apply) or recorded for ``init``."""
    if initializer is None:
        if shape is None:
            raise InitializerError(
                key, "did not get an initializer, so its `shape` argument must be specified.",
                f"Give a shape: get_variable({key.rsplit('/', 1)[-1]!r}, [3, 4]), or a constant "
                "initializer.",
            )  # fmt: skip
        initializer = _default_initializer(key, dtype)
    if not from_value and isinstance(initializer, type):
        initializer = initializer()
    if not from_value and not is_fully_defined(shape):
        if not _needs_no_arguments(initializer):
            raise InitializerError(
                key, "The initializer passed is not valid: it needs a fully defined shape "
                f"(got {shape}), or must be a callable with no arguments.",
                f"Give the full shape: get_variable({key.rsplit('/', 1)[-1]!r}, [3, 4], "
                "initializer=...).",
            )  # fmt: skip
        # A zero-argument callable acts as a constant (apply only needs its shape and dtype).
        initializer = jax.eval_shape(initializer) if fr.mode == frame.APPLY else initializer()
        from_value = True

    if partition is not None and not from_value and _is_tf_style(initializer):
        initializer = PerPartInitializer(initializer, partition)  # TF1 calls it per part
    var = object.__new__(Variable if partition is None else PartitionedVariable)
    var._partition = partition
    node = fr.names.new_root_node(key)  # get_variable ignores name scopes
    var._node, var._key, var._trainable = node, key, bool(trainable)
    var._value, var._created_at = None, created_at
    if from_value:
        var._dtype = _value_dtype(initializer, None, key)
        var._shape = _shape_of(initializer)
    else:
        var._shape, var._dtype = shape, dtype
    found = frame.MISSING
    if fr.mode is not frame.COLLECT:
        found = fr.find(node, "params" if var._trainable else "state")
    if fr.mode is frame.APPLY or found is not frame.MISSING:
        if not validate_shape:
            var._shape = None  # accept any stored shape (see assign(validate_shape=False))
        _lookup(fr, var, found)
    elif from_value:
        if fr.mode == frame.INIT or fr.draw is not None:
            var._value = jnp.asarray(initializer, canonical(var._dtype))
        else:
            var._value = _as_const(initializer, var._dtype)
        _record(fr, var, CONST, None)
    else:
        _check_initializer_dtype(key, initializer, var._dtype)
        _record(fr, var, DRAW, _jax_style(initializer))
    return var


def _file(fr, var: Variable, collections, regularizer, constraint) -> None:
    """Enters a new variable in the tree, the store, its collections and the losses."""
    if fr.mode is frame.COLLECT:
        fr.register(var)
    else:
        fr.variables[var._node] = var
    fr.store[var._key] = var
    if collections is None:  # the common case, inlined: GLOBAL (+ TRAINABLE)
        fr.collections["variables"].append(var)
        if var._trainable:
            fr.collections["trainable_variables"].append(var)
    else:
        add_variable(fr, var, collections, var._trainable)
    if regularizer is not None:
        regularize(fr, var, regularizer)
    if constraint is not None:
        _set_constraint(fr, var._node, constraint)


def _partitioned(fr: frame.Frame, reuse, key: str, shape, dtype, partitioner, found):
    """TF1's ``_get_partitioned_variable`` checks: returns ``found`` to share it, else the new
    variable's :class:`Partition`."""
    if found is not None and found._partition is None:
        raise PartitionMismatchError(key, "partitioner", True, None, found._created_at)
    partition = call_partitioner(key, partitioner, shape, dtype)
    if found is None:
        if reuse is True:
            raise VariableNotFoundError(key)
        return partition
    if reuse is False:
        raise VariableExistsError(key, found._shape, found._dtype, found._created_at)
    at = found._created_at
    if not compatible(shape, found._shape):
        raise PartitionMismatchError(key, "shape", tuple(shape), found._shape, at)
    if dtype != found._dtype:
        raise PartitionMismatchError(key, "dtype", dtype, found._dtype, at)
    if partition.partitions != found._partition.partitions:
        raise PartitionMismatchError(
            key, "partitions", partition.partitions, found._partition.partitions, at
        )
    return found


def _check_initializer_dtype(key: str, initializer, dtype) -> None:
    if getattr(initializer, "floats_only", False) and not is_floating(dtype):
        raise InitializerDtypeError(key, initializer, dtype)
