"""tf-slim's ``arg_scope``: default keyword arguments for decorated layer functions.

Same rules as ``tf_slim.ops.arg_scope``: ``with arg_scope([f, g], k=v)`` makes ``k=v`` the default
of ``f`` and ``g`` inside the block; an inner ``arg_scope`` for the same function adds to (and for
the same keyword overrides) the outer one; keywords given at the call override both; a saved
scope (the dict the ``with`` yields) can be re-entered with ``arg_scope(saved)``. Only functions
decorated with :func:`add_arg_scope` may be listed (``ValueError`` otherwise, as tf-slim).

The stack is per thread (tf-slim keeps one global list); scopes only change Python defaults, so
they work the same inside ``init``, ``apply`` and ``jax.jit``.
"""

from __future__ import annotations

import contextlib
import functools
import threading

_DECORATED_OPS: dict[str, tuple[str, ...]] = {}
_LOCAL = threading.local()


def _stack() -> list[dict]:
    stack = getattr(_LOCAL, "stack", None)
    if not stack:
        stack = _LOCAL.stack = [{}]
    return stack


def current_arg_scope() -> dict:
    """The innermost scope: ``{arg_scope_func_key(op): {arg: value}}``.

    Example:
      >>> import jaxscope as js
      >>> with js.slim.arg_scope([js.slim.fully_connected], activation_fn=None):
      ...     list(js.slim.current_arg_scope().values())
      [{'activation_fn': None}]

    TF1 equivalent: tf_slim.current_arg_scope
    """
    return _stack()[-1]


def arg_scope_func_key(op) -> str:
    """The key of ``op`` in a scope dict.

    Args:
      op: a function decorated with :func:`add_arg_scope`.

    Example:
      >>> import jaxscope as js
      >>> js.slim.arg_scope_func_key(js.slim.fully_connected)
      '<function fully_connected at ...>'

    TF1 equivalent: tf_slim.arg_scope_func_key
    """
    return getattr(op, "_key_op", str(op))


def _kwarg_names(func) -> tuple[str, ...]:
    n = len(func.__defaults__) if func.__defaults__ else 0
    return func.__code__.co_varnames[func.__code__.co_argcount - n : func.__code__.co_argcount]


def has_arg_scope(func) -> bool:
    """Whether ``func`` was decorated with :func:`add_arg_scope`.

    Args:
      func: any function.

    Example:
      >>> import jaxscope as js
      >>> js.slim.has_arg_scope(js.slim.conv2d), js.slim.has_arg_scope(len)
      (True, False)

    TF1 equivalent: tf_slim.has_arg_scope
    """
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func) -> tuple[str, ...]:
    """The keyword arguments (with defaults) ``func`` accepts from an ``arg_scope``.

    Args:
      func: a function decorated with :func:`add_arg_scope`.

    Example:
      >>> import jaxscope as js
      >>> js.slim.arg_scoped_arguments(js.slim.flatten)
      ('outputs_collections', 'scope')

    TF1 equivalent: tf_slim.arg_scoped_arguments
    """
    assert has_arg_scope(func)
    return _DECORATED_OPS[arg_scope_func_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default keyword arguments of the listed ops inside the block; yields the scope dict.

    Args:
      list_ops_or_scope: a list/tuple of functions decorated with :func:`add_arg_scope`, or a
        scope dict yielded by an earlier ``arg_scope`` (then ``kwargs`` must be empty).
      **kwargs: the defaults.

    Raises:
      TypeError: ``list_ops_or_scope`` is neither a list/tuple nor a dict.
      ValueError: an op is not decorated with ``add_arg_scope``; a dict given with kwargs.

    Example:
      >>> import jaxscope as js
      >>> with js.slim.arg_scope([js.slim.fully_connected], activation_fn=None) as sc:
      ...     pass
      >>> sc[js.slim.arg_scope_func_key(js.slim.fully_connected)]
      {'activation_fn': None}

    TF1 equivalent: tf_slim.arg_scope
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError(
                "When attempting to re-use a scope by supplying a dictionary, kwargs must be "
                f"empty; got {sorted(kwargs)}. Nest a second arg_scope for the extra defaults."
            )
        current = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError(
                "list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict); got "
                f"{type(list_ops_or_scope).__name__}. Write arg_scope([op], ...), not "
                "arg_scope(op, ...)."
            )
        current = current_arg_scope().copy()
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                name = getattr(op, "__name__", repr(op))
                raise ValueError(
                    f"{getattr(op, '__module__', '?')}.{name} is not decorated with "
                    "@add_arg_scope, so arg_scope cannot set its defaults. Decorate it:\n"
                    f"    {name} = jaxscope.slim.add_arg_scope({name})"
                )
            key = arg_scope_func_key(op)
            current[key] = {**current.get(key, {}), **kwargs}
    stack = _stack()
    stack.append(current)
    try:
        yield current
    finally:
        stack.pop()


def add_arg_scope(func):
    """Decorates ``func`` so that ``arg_scope`` can set its keyword arguments.

    Args:
      func: the function to decorate.

    Returns:
      ``func`` wrapped: keyword arguments set by an enclosing ``arg_scope`` are filled in
      (explicit arguments win).

    Example:
      >>> import jaxscope as js
      >>> @js.slim.add_arg_scope
      ... def scale(x, factor=1.0):
      ...     return x * factor
      >>> with js.slim.arg_scope([scale], factor=3.0):
      ...     print(scale(2.0), scale(2.0, factor=1.0))
      6.0 2.0

    TF1 equivalent: tf_slim.add_arg_scope
    """
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        scoped = current_arg_scope().get(key)
        if scoped is not None:
            kwargs = {**scoped, **kwargs}
        return func(*args, **kwargs)

    _DECORATED_OPS[key] = _kwarg_names(func)
    func_with_args._key_op = key
    return func_with_args
