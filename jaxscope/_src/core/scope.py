"""``variable_scope``, ``name_scope`` and ``VariableScope``, with TF1's exact naming and reuse rules.

The algorithms follow TF1's ``variable_scope.py`` / ``ops.py`` step by step (see
the team's TF1 catalogue, sections A and B3), because ported code depends on every quirk:
re-entering a scope by name opens a new, uniquified *name* scope (``scope1_1/``) while variables
keep the prefix ``scope1/``; re-entering a ``VariableScope`` object takes that object's reuse, not
the parent's; a child opened by string can never switch reuse off.

Each name scope also opens a ``jax.named_scope``, so compiled HLO op names carry the scope path.
"""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Mapping
from typing import Any

import jax

from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import OutsideTransformError
from jaxscope._src.core.errors import ScopeArgumentError, ScopeNestingError, ScopeValueError
from jaxscope._src.initializers.dtypes import as_dtype


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1

    def __repr__(self) -> str:
        return "jaxscope.AUTO_REUSE"


AUTO_REUSE = _ReuseMode.AUTO_REUSE
"""Reuse mode that creates a variable when missing and returns the existing one otherwise."""


def _jax_named_scope(old: str, new: str):
    """A ``jax.named_scope`` for the part of the TF1 name stack that ``new`` adds to ``old``.

    Absolute and reset name scopes cannot be expressed with jax's public API (it only extends
    the stack), so ops there keep the enclosing path.
    """
    if not new:
        return contextlib.nullcontext()
    if not old:
        return jax.named_scope(new)
    if new.startswith(old + "/"):
        return jax.named_scope(new[len(old) + 1 :])
    return contextlib.nullcontext()


class name_scope:
    """Opens a TF1 name scope: prefixes ``Variable`` names (never ``get_variable`` names).

    The name is uniquified against every name in the call (``a``, ``a_1``, case-insensitive); a
    name ending in ``/`` re-enters that absolute scope; ``None`` or ``""`` resets to the root.
    Yields the scope string with a trailing ``/``, as TF1 does.

    Args:
      name: the scope's name; ``None``/``""`` resets to the root, a trailing ``/`` re-enters.
      default_name: the name when ``name`` is None (then uniquified).
      values: accepted for TF1's signature (the op inputs, unused).

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     with js.name_scope("a") as s1, js.name_scope("a") as s2:
      ...         return s1, s2
      >>> js.transform(f).apply({})
      ('a/', 'a/a/')

    TF1 equivalent: tf.compat.v1.name_scope
    """

    def __init__(self, name: str | None, default_name: str | None = None, values=None):
        if not (default_name is None or isinstance(default_name, str)):
            raise ScopeArgumentError(
                f"name_scope default_name must be a str, got {type(default_name).__name__} "
                f"({default_name!r}); you likely meant to pass it as values=."
            )
        self._name = default_name if name is None else name
        self._default_name = default_name
        self._values = values
        self._saved: list[tuple[frame.Frame, str, Any]] = []

    def __enter__(self) -> str:
        if self._name is None and self._values is not None:
            raise ScopeValueError(
                "name_scope needs a name or a default_name when values are given: "
                "name_scope(None, default_name='block', values=[x])."
            )
        fr, detached = _frame("name_scope")
        old, yielded = fr.names.enter(self._name)
        cm = _jax_named_scope(old, fr.names.name_stack)
        cm.__enter__()
        self._saved.append((fr, old, cm, detached))
        return yielded

    def __exit__(self, *exc) -> None:
        fr, old, cm, detached = self._saved.pop()
        fr.names.name_stack = old
        cm.__exit__(*exc)
        if detached is not None:
            detached.__exit__()


def _frame(what: str) -> tuple[frame.Frame, frame.running | None]:
    """The current frame, or, outside every transformed function, a detached one made current
    (returned too, to leave on exit): TF1 code opens scopes outside its model functions (a
    constructor remembering its scope) in the default graph, creating nothing. jaxscope keeps no
    graph, so such a scope names nothing later; ``get_variable`` and ``Variable`` inside it still
    raise :class:`OutsideTransformError`."""
    try:
        return frame.current(what), None
    except OutsideTransformError:
        detached = frame.running(new_frame(frame.DETACHED))
        return detached.__enter__(), detached


class VariableScope:
    """A variable scope: its full name, reuse mode and the defaults it hands to ``get_variable``.

    ``name`` is the prefix of ``get_variable`` names; ``original_name_scope`` is the name scope
    opened when the scope was first entered. ``reuse`` is ``False``, ``True`` or ``AUTO_REUSE``.

    Args:
      reuse: ``False``, ``True`` or ``AUTO_REUSE``.
      name: the scope's full name.
      initializer: the default initializer of ``get_variable`` in it.
      regularizer: the default regularizer.
      caching_device: accepted for TF1's signature; no effect.
      partitioner: the default partitioner.
      custom_getter: the custom getter of ``get_variable`` in it.
      name_scope: the name scope opened with it.
      dtype: the default dtype.
      use_resource: accepted for TF1's signature; no effect.
      constraint: the default constraint.

    Made by :func:`variable_scope`; read with :func:`get_variable_scope`.

    Example:
      >>> import jaxscope as js
      >>> def model():
      ...     with js.variable_scope("outer", reuse=js.AUTO_REUSE) as scope:
      ...         return scope.name, scope.reuse is js.AUTO_REUSE
      >>> js.transform(model).apply({})
      ('outer', True)

    TF1 equivalent: tf.compat.v1.VariableScope
    """

    def __init__(
        self,
        reuse,
        name: str = "",
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        name_scope: str = "",
        dtype=None,
        use_resource=None,
        constraint=None,
    ):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = as_dtype("float32" if dtype is None else dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """Turns reuse on for the rest of this scope, permanently on this object (as TF1)."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        """Default initializer for ``get_variable`` in this scope (and sub-scopes opened later)."""
        self._initializer = initializer

    def set_dtype(self, dtype) -> None:
        """Default dtype for ``get_variable`` in this scope (and sub-scopes opened later)."""
        self._dtype = as_dtype(dtype)

    def set_caching_device(self, caching_device) -> None:
        """Accepted for TF1 compatibility; has no effect in JAX."""
        self._caching_device = caching_device

    def set_use_resource(self, use_resource) -> None:
        """Accepted for TF1 compatibility; has no effect in JAX."""
        self._use_resource = use_resource

    def set_regularizer(self, regularizer) -> None:
        """Default regularizer for ``get_variable`` in this scope (and sub-scopes opened later)."""
        self._regularizer = regularizer

    def set_partitioner(self, partitioner) -> None:
        """Default partitioner for ``get_variable`` in this scope (and sub-scopes opened later)."""
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter) -> None:
        """Replaces this scope's custom getter (no chaining, as TF1's setter)."""
        self._custom_getter = custom_getter

    def __repr__(self) -> str:
        return f"<jaxscope.VariableScope name={self._name!r} reuse={self._reuse!r}>"


def _maybe_wrap_custom_getter(custom_getter, old_getter):
    """The new getter runs first; its ``getter`` argument calls the old one (TF1's chaining)."""
    if old_getter is None:
        return custom_getter

    def wrapped_custom_getter(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)

    return wrapped_custom_getter


def _apply_overrides(
    scope: VariableScope, initializer, regularizer, caching_device, dtype, use_resource,
    partitioner=None, custom_getter=None, old_getter=None,
):  # fmt: skip
    if partitioner is not None:
        scope.set_partitioner(partitioner)
    if custom_getter is not None:
        scope.set_custom_getter(_maybe_wrap_custom_getter(custom_getter, old_getter))
    if initializer is not None:
        scope.set_initializer(initializer)
    if regularizer is not None:
        scope.set_regularizer(regularizer)
    if caching_device is not None:
        scope.set_caching_device(caching_device)
    if dtype is not None:
        scope.set_dtype(dtype)
    if use_resource is not None:
        scope.set_use_resource(use_resource)


class _pure_variable_scope:
    """Switches the current ``VariableScope`` (no name scope), as TF1's helper of the same name."""

    def __init__(self, fr, name_or_scope, reuse, old_name_scope, kw):
        self._frame = fr
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._old_name_scope = old_name_scope
        self._kw = kw
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            obj = name_or_scope
            self._cached = VariableScope(
                obj.reuse if not reuse else reuse,
                name=self._new_name,
                initializer=obj.initializer,
                regularizer=obj.regularizer,
                caching_device=obj.caching_device,
                custom_getter=obj.custom_getter,
                partitioner=obj.partitioner,
                dtype=obj.dtype,
                name_scope=obj.original_name_scope,
                use_resource=obj.use_resource,
                constraint=kw["constraint"],
            )
            _apply_overrides(
                self._cached, kw["initializer"], kw["regularizer"], kw["caching_device"],
                kw["dtype"], kw["use_resource"], kw["partitioner"], kw["custom_getter"],
                obj.custom_getter,
            )  # fmt: skip

    def __enter__(self) -> VariableScope:
        fr = self._frame
        self._old = fr.var_scope
        if isinstance(self._name_or_scope, VariableScope):
            fr.open_variable_scope(self._new_name)
            self._old_counts = dict(fr.scope_counts)
            scope = self._cached
        else:
            old = self._old
            self._new_name = (
                old.name + "/" + self._name_or_scope if old.name else self._name_or_scope
            )
            self._reuse = self._reuse or old.reuse  # inherited; a child cannot turn it off
            scope = VariableScope(
                self._reuse,
                name=self._new_name,
                initializer=old.initializer,
                regularizer=old.regularizer,
                caching_device=old.caching_device,
                custom_getter=old.custom_getter,
                partitioner=old.partitioner,
                dtype=old.dtype,
                use_resource=old.use_resource,
                name_scope=(
                    self._name_or_scope if self._old_name_scope is None else self._old_name_scope
                ),
                constraint=self._kw["constraint"],
            )
            kw = self._kw
            _apply_overrides(
                scope, kw["initializer"], kw["regularizer"], kw["caching_device"], kw["dtype"],
                kw["use_resource"], kw["partitioner"], kw["custom_getter"], old.custom_getter,
            )  # fmt: skip
            fr.open_variable_scope(self._new_name)
        fr.var_scope = scope
        self._last = scope
        return scope

    def __exit__(self, *exc) -> None:
        fr = self._frame
        if fr.var_scope is not self._last:
            raise ScopeNestingError()
        if isinstance(self._name_or_scope, VariableScope):
            fr.scope_counts = self._old_counts
        else:
            fr.close_variable_subscopes(self._new_name)
        fr.var_scope = self._old


def _unique_variable_scope(fr, prefix: str) -> str:
    cur = fr.var_scope.name
    name = cur + "/" + prefix if cur else prefix
    if fr.scope_counts.get(name, 0) == 0:
        return prefix
    idx = 1
    while fr.scope_counts.get(f"{name}_{idx}", 0) > 0:
        idx += 1
    return f"{prefix}_{idx}"


class variable_scope:
    """Opens a variable scope: prefixes ``get_variable`` names and sets reuse and defaults.

    Args:
      name_or_scope: a name (relative to the current variable scope) or a ``VariableScope``
        object to re-enter (absolute; its own reuse applies, not the parent's).
      default_name: used, uniquified (``bar``, ``bar_1``), when ``name_or_scope`` is None.
      reuse: ``None``/``False`` inherit; ``True`` only looks variables up; ``AUTO_REUSE`` creates
        or looks up. ``True``/``AUTO_REUSE`` are inherited and cannot be switched off by a child
        opened by string.
      initializer, regularizer, dtype: defaults for ``get_variable`` in this scope and its
        sub-scopes.
      values, caching_device, use_resource: accepted for TF1 compatibility; no effect in JAX.
      constraint: default for ``get_variable`` in this scope only (not inherited, as in TF1).
      custom_getter: ``(getter, name, *args, **kwargs) -> value``, called by every
        ``get_variable`` in this scope and its sub-scopes; a sub-scope's getter runs first and
        its ``getter`` argument calls this one (see :func:`get_variable`).
      partitioner: the default partitioner of ``get_variable`` inside (inherited by sub-scopes).
      auxiliary_name_scope: if False, no name scope is opened.

    Yields:
      The new ``VariableScope``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def f():
      ...     with js.variable_scope("scope1"):
      ...         w1 = js.get_variable("w1", [1])
      ...     with js.variable_scope("scope1", reuse=True):
      ...         w1_again = js.get_variable("w1", [1])
      ...     return w1.name, w1_again is w1
      >>> js.transform(f).apply(js.transform(f).init(jax.random.key(0)))
      ('scope1/w1:0', True)

    TF1 equivalent: tf.compat.v1.variable_scope
    """

    def __init__(
        self,
        name_or_scope,
        default_name: str | None = None,
        values=None,
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        reuse=None,
        dtype=None,
        use_resource=None,
        constraint=None,
        auxiliary_name_scope: bool = True,
    ):
        del values  # only picked a tf.Graph in TF1
        if default_name is None and name_or_scope is None:
            raise ScopeArgumentError(
                "variable_scope needs a name: If default_name is None then name_or_scope is "
                "required, e.g. variable_scope('layer') or variable_scope(None, "
                "default_name='layer')."
            )
        if reuse is False:
            reuse = None  # False means "inherit", as in TF1
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ScopeValueError(
                f"The reuse parameter must be True or False or None (or jaxscope.AUTO_REUSE), "
                f"got {reuse!r}."
            )
        if not isinstance(auxiliary_name_scope, bool):
            raise ScopeArgumentError(
                f"The auxiliary_name_scope must be `True` or `False`, got {auxiliary_name_scope!r}."
            )
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._reuse = reuse
        self._aux = auxiliary_name_scope
        self._kw = dict(
            initializer=initializer,
            regularizer=regularizer,
            caching_device=caching_device,
            partitioner=partitioner,
            dtype=dtype,
            use_resource=use_resource,
            constraint=constraint,
            custom_getter=custom_getter,
        )
        self._pure: _pure_variable_scope | None = None
        self._name_scope: name_scope | None = None
        self._entered: list[tuple[Any, Any]] = []
        self._detached: list[frame.running | None] = []  # see _frame

    def __enter__(self) -> VariableScope:
        fr, detached = _frame("variable_scope")
        try:
            scope = self._enter(fr)
        except BaseException:
            if detached is not None:
                detached.__exit__()
            raise
        self._detached.append(detached)
        return scope

    def _enter(self, fr) -> VariableScope:
        if self._pure is not None and self._pure._frame is fr:
            # Re-entering the same context-manager object: TF1 re-enters its cached scopes.
            if self._name_scope is not None:
                self._name_scope.__enter__()
            self._entered.append((self._pure, self._name_scope))
            return self._pure.__enter__()
        ns = None
        if not self._aux:
            cur = fr.names.name_stack
            ns = name_scope(cur + "/" if cur else "")
        nos = self._name_or_scope
        if nos is not None:
            if not isinstance(nos, (str, VariableScope)):
                raise ScopeArgumentError(
                    "VariableScope: name_or_scope must be a string or VariableScope, got "
                    f"{type(nos).__name__} ({nos!r})."
                )
            ns_name = nos if isinstance(nos, str) else nos.name.split("/")[-1]
            if ns_name or ns:
                ns = ns or name_scope(ns_name)
                opened = ns.__enter__()
                old_ns = opened if isinstance(nos, str) else nos.original_name_scope
            else:
                old_ns = None  # variable_scope("") at the root opens no name scope
        else:
            if self._reuse:
                raise ScopeValueError(
                    "reuse=True cannot be used without a name_or_scope: a default_name scope is "
                    "always new. Name the scope to share: variable_scope('layer', reuse=True)."
                )
            ns = ns or name_scope(self._default_name)
            old_ns = ns.__enter__()
        try:
            if nos is None:
                nos = _unique_variable_scope(fr, self._default_name)
            pure = _pure_variable_scope(fr, nos, self._reuse, old_ns, self._kw)
            scope = pure.__enter__()
        except BaseException:
            if ns is not None and ns._saved:
                ns.__exit__(None, None, None)
            raise
        self._pure, self._name_scope = pure, ns
        self._entered.append((pure, ns))
        return scope

    def __exit__(self, *exc) -> None:
        pure, ns = self._entered.pop()
        detached = self._detached.pop()
        try:
            pure.__exit__(*exc)
        finally:
            if ns is not None:
                ns.__exit__(*exc)
            if detached is not None:
                detached.__exit__()


def get_variable_scope() -> VariableScope:
    """The current ``VariableScope``.

    Example:
      >>> import jaxscope as js
      >>> def model():
      ...     with js.variable_scope("a"), js.variable_scope("b"):
      ...         return js.get_variable_scope().name
      >>> js.transform(model).apply({})
      'a/b'

    TF1 equivalent: tf.compat.v1.get_variable_scope
    """
    return frame.current("get_variable_scope").var_scope


def new_frame(
    mode: str, provided: Mapping[str, Any] | None = None, mutable: frozenset = frozenset()
) -> frame.Frame:
    """The frame of one ``init``/``apply`` call, at TF1's root variable scope (reuse off)."""
    return frame.Frame(mode, VariableScope(False), provided, mutable)
