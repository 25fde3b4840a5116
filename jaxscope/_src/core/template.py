"""``make_template``: a function whose first call creates its variables and later calls share them.

Follows TF1's ``template.py`` step by step: the variable scope is opened lazily at the first call
(``variable_scope(unique_name_, default_name=name_, custom_getter=custom_getter_)``, so it nests
under the scope active *then* and a second template named ``lin`` gets ``lin_1``), or at
``make_template`` time with ``create_scope_now_=True``; every later call re-enters that scope
object with ``reuse=True`` (a new name scope ``lin_1/``, ``lin_2/`` ...). A later call that
creates a trainable variable is an error.

jaxscope has no graph: each ``init``/``apply`` run of a transformed function is one. A template
made outside the transformed function (at module level) therefore starts afresh in every run, as
a TF1 template would in a fresh graph: its first call in each run creates, later calls reuse.
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable
from typing import Any

from jaxscope._src import errors
from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import OutsideTransformError
from jaxscope._src.core.collections import GraphKeys, get_collection
from jaxscope._src.core.errors import ScopeValueError, TemplateVariableError
from jaxscope._src.core.scope import (
    VariableScope,
    _pure_variable_scope,
    _unique_variable_scope,
    variable_scope,
)

_log = logging.getLogger("jaxscope")


class _Calls:
    """A template's state in one run: its scope (once opened) and whether it created its
    variables."""

    __slots__ = ("scope", "first_call", "variables_created")

    def __init__(self, scope: VariableScope | None):
        self.scope = scope
        self.first_call = True
        self.variables_created = False


class Template:
    """A function that creates its variables on the first call and reuses them afterwards.

    Made by :func:`make_template`; call it like the wrapped function.

    Args:
      name: the variable scope's name (uniquified in the call unless ``unique_name``).
      func: the function; its variables are created on the first call, reused later.
      create_scope_now: fix the scope when the template is made, not at its first call.
      unique_name: the scope's name, used verbatim.
      custom_getter: the scope's custom getter.

    Raises:
      ScopeValueError: ``name`` is None (a ``ValueError``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> linear = js.make_template("linear", lambda x: x @ js.get_variable("w", [3, 2]))
      >>> f = js.transform(lambda x: linear(x) + linear(x))  # one w, used twice
      >>> jax.tree.map(jnp.shape, f.init(jax.random.key(0), jnp.ones([1, 3])))
      {'params': {'linear': {'w': (3, 2)}}}

    TF1 equivalent: tf.compat.v1.make_template's Template
    """

    def __init__(
        self,
        name: str,
        func: Callable[..., Any],
        create_scope_now: bool = False,
        unique_name: str | None = None,
        custom_getter: Callable[..., Any] | None = None,
    ):
        if name is None:
            raise ScopeValueError(
                "make_template: name cannot be None; it names the template's variable scope: "
                "jaxscope.make_template('linear', fn)."
            )
        self._name, self._func = name, func
        self._unique_name, self._custom_getter = unique_name, custom_getter
        self._created_at = frame.user_location()
        self._runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._scope: VariableScope | None = None  # create_scope_now: fixed for every run
        if create_scope_now:
            self._scope = self._create_scope_now()

    def _create_scope_now(self) -> VariableScope:
        kw = dict(
            initializer=None, regularizer=None, caching_device=None, dtype=None,
            use_resource=None, constraint=None, custom_getter=self._custom_getter,
            partitioner=None,
        )  # fmt: skip
        try:
            fr = frame.current("make_template")
        except OutsideTransformError:
            # No run to uniquify against: the scope is the root-level name, as the first scope
            # of a fresh TF1 graph would be.
            name = self._unique_name or self._name
            return VariableScope(
                False, name=name, custom_getter=self._custom_getter, name_scope=name
            )
        name = self._unique_name or _unique_variable_scope(fr, self._name)
        with _pure_variable_scope(fr, name, None, None, kw) as vs:
            return vs

    def _calls(self, fr: frame.Frame) -> _Calls:
        calls = self._runs.get(fr)
        if calls is None:
            calls = self._runs[fr] = _Calls(self._scope)
        return calls

    def __call__(self, *args, **kwargs):
        fr = frame.current("make_template(...) template")
        calls = self._calls(fr)
        if calls.scope is not None:
            with variable_scope(calls.scope, reuse=not calls.first_call):
                return self._call_func(fr, calls, args, kwargs)
        with variable_scope(self._unique_name, self._name, custom_getter=self._custom_getter) as vs:
            calls.scope = vs
            return self._call_func(fr, calls, args, kwargs)

    def _call_func(self, fr: frame.Frame, calls: _Calls, args, kwargs):
        try:
            if calls.variables_created:
                n_global = len(fr.collections.get(GraphKeys.GLOBAL_VARIABLES, ()))
                n_trainable = len(fr.collections.get(GraphKeys.TRAINABLE_VARIABLES, ()))
                result = self._func(*args, **kwargs)
                trainable = fr.collections.get(GraphKeys.TRAINABLE_VARIABLES, [])
                if len(trainable) != n_trainable:
                    new = [getattr(v, "_node", v) for v in trainable[n_trainable:]]
                    raise TemplateVariableError(self._name, new)
                created = fr.collections.get(GraphKeys.GLOBAL_VARIABLES, [])[n_global:]
                if created:  # legitimate for tracking variables, so only logged (as TF1)
                    _log.info(
                        "New variables created when calling template %r after the first time: %s",
                        self._name,
                        [getattr(v, "_node", v) for v in created],
                    )
            elif calls.first_call:
                calls.first_call = False
                try:
                    result = self._func(*args, **kwargs)
                except BaseException:
                    calls.first_call = True
                    raise
                calls.variables_created = True
            else:  # called again from inside its own first call
                result = self._func(*args, **kwargs)
            return result
        except Exception as exc:
            # As TF1, say where the template was made: that is where its scope comes from.
            arg0 = exc.args[0] if exc.args else ""
            made = errors.where(self._created_at) or "?"
            exc.args = (f"{arg0}\n\noriginally defined at: {made} (make_template)", *exc.args[1:])
            raise

    @property
    def name(self) -> str:
        """The name given to ``make_template``."""
        return self._name

    @property
    def func(self) -> Callable[..., Any]:
        """The wrapped function (with ``make_template``'s keyword arguments bound)."""
        return self._func

    @property
    def variable_scope(self) -> VariableScope | None:
        """The template's ``VariableScope`` in the current run (None before its first call)."""
        if self._scope is not None:
            return self._scope
        try:
            fr = frame.current("Template.variable_scope")
        except OutsideTransformError:
            return None
        calls = self._runs.get(fr)
        return None if calls is None else calls.scope

    @property
    def variable_scope_name(self) -> str | None:
        """The scope's name with a trailing ``/`` (so it matches no ``lin_1`` when ``lin``)."""
        scope = self.variable_scope
        if scope is None:
            return None
        name = scope.name
        return name if not name or name[-1] == "/" else name + "/"

    def _collection(self, key: str) -> list[Any]:
        calls = self._runs.get(frame.current("Template variables"))
        if calls is None or not calls.variables_created:
            return []
        return get_collection(key, self.variable_scope_name)

    @property
    def trainable_variables(self) -> list[Any]:
        """The trainable variables under the template's scope (after its first call)."""
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def global_variables(self) -> list[Any]:
        """The global variables under the template's scope (after its first call)."""
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self) -> list[Any]:
        """The local variables under the template's scope (after its first call)."""
        return self._collection(GraphKeys.LOCAL_VARIABLES)

    @property
    def non_trainable_variables(self) -> list[Any]:
        """``global_variables`` that are not trainable."""
        trainable = self.trainable_variables
        return [v for v in self.global_variables if not any(v is t for t in trainable)]

    @property
    def variables(self) -> list[Any]:
        """``global_variables + local_variables``."""
        return self.global_variables + self.local_variables

    weights = variables
    trainable_weights = trainable_variables
    non_trainable_weights = non_trainable_variables

    def __repr__(self) -> str:
        return f"<jaxscope.Template {self._name!r}>"


def make_template(
    name_: str,
    func_: Callable[..., Any],
    create_scope_now_: bool = False,
    unique_name_: str | None = None,
    custom_getter_: Callable[..., Any] | None = None,
    **kwargs: Any,
) -> Template:
    """Wraps ``func_`` so that its first call creates variables and later calls share them.

    The first call opens ``variable_scope(unique_name_, default_name=name_)``: under the scope
    active at that call, uniquified (``lin``, then ``lin_1`` for a second template named
    ``lin``) unless ``unique_name_`` is given, which is used verbatim. Inside it ``get_variable``
    runs with reuse off, so the same name twice in one call is an error. Later calls re-enter
    that scope object with ``reuse=True``; a later call that creates a trainable variable raises
    :class:`TemplateVariableError`. Every error raised inside a call says where the template was
    made.

    Args:
      name_: the template's scope name (uniquified).
      func_: the function to wrap; it calls ``get_variable`` to make its variables.
      create_scope_now_: if True the scope is opened now, under the current scope (outside a
        transformed function: at the root), instead of at the first call.
      unique_name_: a scope name used as it is (two templates with the same one clash).
      custom_getter_: a custom getter for the template's scope (see :func:`variable_scope`).
      **kwargs: bound to ``func_`` (``functools.partial``).

    Returns:
      The :class:`Template`: call it as ``func_``.

    Raises:
      ScopeValueError: if ``name_`` is None.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def linear(x, units):
      ...     w = js.get_variable("w", [x.shape[-1], units])
      ...     return x @ w
      >>> dense = js.make_template("dense", linear, units=2)
      >>> def model(x):
      ...     return dense(x) + dense(2 * x)      # one "dense/w", used twice
      >>> variables = js.transform(model).init(jax.random.key(0), jnp.ones([1, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'dense': {'w': (3, 2)}}}

    TF1 equivalent: tf.compat.v1.make_template
    """
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now_, unique_name_, custom_getter_)
