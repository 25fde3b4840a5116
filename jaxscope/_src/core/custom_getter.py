"""Calling a ``custom_getter`` as TF1 does: all arguments by keyword, ``constraint`` if accepted.

A custom getter is ``getter_fn(getter, name, *args, **kwargs)``: ``getter`` finds or creates a
variable (it is :func:`jaxscope._src.core.variable_store.true_getter`, or the next outer scope's
getter when scopes chain them), ``name`` is the FULL variable name, and the keyword arguments are
``get_variable``'s after the scope's defaults were filled in. Whatever the getter returns is what
``get_variable`` returns (a cast value, an average, a normalized weight, ...).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from jaxscope._src.core.errors import CustomGetterError


def call_custom_getter(
    custom_getter: Any,
    getter: Callable[..., Any],
    name: str,
    shape,
    dtype,
    initializer,
    regularizer,
    reuse,
    trainable,
    collections,
    caching_device,
    partitioner,
    validate_shape,
    use_resource,
    constraint,
    synchronization,
    aggregation,
) -> Any:
    """``custom_getter(getter=getter, name=name, shape=..., ...)`` with exactly TF1's keywords."""
    if not callable(custom_getter):
        raise CustomGetterError(name, custom_getter)
    kwargs = {
        "getter": getter,
        "name": name,
        "shape": shape,
        "dtype": dtype,
        "initializer": initializer,
        "regularizer": regularizer,
        "reuse": reuse,
        "trainable": trainable,
        "collections": collections,
        "caching_device": caching_device,
        "partitioner": partitioner,
        "validate_shape": validate_shape,
        "use_resource": use_resource,
        "synchronization": synchronization,
        "aggregation": aggregation,
    }
    # TF1 added `constraint` after users had written getters without it: it is passed only to
    # getters that name it or take **kwargs.
    if _accepts(custom_getter, "constraint"):
        kwargs["constraint"] = constraint
    return custom_getter(**kwargs)


def _accepts(fn: Callable[..., Any], arg: str) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: TF1's fn_args gives ()
        return False
    return any(p.name == arg or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
