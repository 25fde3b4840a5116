"""Errors of ``jaxscope.compat.v1``'s ops, each with the builtin class TF1 raises at graph build."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


class _OpError(JaxscopeError):
    """``tf.<op>: what happened`` and the fix."""

    def __init__(self, op: str, message: str, fix: str | None = None):
        self.op = op
        super().__init__(f"tf.{op}: {message}" + (f"\nFix: {fix}" if fix else ""))


class OpArgumentError(_OpError, ValueError):
    """An op's argument TF1 refuses when it builds the graph (a shape, an axis, a split)."""


class OpTypeError(_OpError, TypeError):
    """An op's argument of a dtype TF1 refuses (TF1 never promotes: ``float32 + int32`` fails)."""


class GraphOnlyError(JaxscopeError, RuntimeError):
    """A TF1 name that only means something in a graph with a Session (``tf.placeholder``, ...).

    A ``RuntimeError``, as TF1 raises for these under eager execution.
    """

    def __init__(self, name: str, instead: str):
        self.name = name
        super().__init__(
            f"tf.{name} has no meaning in jaxscope: there is no graph and no Session; a "
            f"transformed function is called with its inputs.\nFix: {instead}"
        )
