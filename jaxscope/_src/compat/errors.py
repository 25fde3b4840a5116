"""Errors of ``jaxscope.compat.v1``'s ops, each with the builtin class TF1 raises at graph build."""

from __future__ import annotations

from jaxscope._src.core.call_errors import OutsideTransformError
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


class PortingImportError(JaxscopeError, ImportError):
    """A TF1 file loaded by ``load_tf1_module`` imports a ``tensorflow`` / ``tf_slim`` module that
    has no jaxscope counterpart in the table (the real one is never taken instead)."""

    def __init__(self, name: str, importer: str):
        self.module = name
        super().__init__(
            f"load_tf1_module: {importer} imports {name!r}, which has no jaxscope counterpart "
            "(the real TensorFlow is never mixed in). Import what the file needs from "
            "jaxscope.compat.v1 instead, or map the module:\n"
            f"    load_tf1_module(..., aliases={{{name!r}: my_module}})",
            name=name,
        )


class RandomOpOutsideTransformError(OutsideTransformError):
    """A random op (``tf.random_normal``, ``tf.nn.dropout``, ...) was called outside
    ``jaxscope.transform``: it draws from the transformed function's rng stream. A
    ``RuntimeError`` (an :class:`~jaxscope.OutsideTransformError`)."""

    def __init__(self, op: str):
        self.op = op
        RuntimeError.__init__(
            self,
            f"tf.{op} draws from the rng stream of a function transformed by jaxscope.transform "
            "(TF1's graph seed and op counters), and it was called outside one. Call it in the "
            "model and give apply a key:\n"
            "    f = jaxscope.transform(model)\n"
            "    out = f.apply(variables, *args, rng=jax.random.key(step))\n"
            "Outside a transform, draw with jax.random and a key of your own, e.g. "
            "jax.random.normal(key, shape).",
        )
