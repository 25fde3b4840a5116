"""``tf.placeholder`` and ``tf.placeholder_with_default`` inside a program, fed by TF1 name.

A program run by ``js.train.Runner`` reads the value ``runner.run(fetches, feed_dict={name:
value})`` feeds its placeholder (the name as TF1 gives it, e.g. ``"Train/Model/new_lr"``, with or
without ``:0``, or the placeholder's fetch handle): TF1's ``session.run(fetches, feed_dict)``. A
``placeholder_with_default`` not fed gives its default; a ``placeholder`` not fed gives zeros of
its shape under ``init`` and ``js.inspect`` (building the program, as TF1 builds its graph), and
in a run whose fetches do not need it; a run whose fetches need it raises, as TF1's does. In a plain ``apply`` there is nothing to feed: a
``placeholder`` raises ``GraphOnlyError`` saying what to write instead, and a
``placeholder_with_default`` is its default.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import convert
from jaxscope._src.compat.dtypes import as_dtype
from jaxscope._src.compat.errors import GraphOnlyError, OpArgumentError
from jaxscope._src.core import feeds, frame

_UNFED = (
    "feed it in a runner's run: runner = js.train.Runner(model); runner.run(fetches, "
    "feed_dict={'NAME': value}); or make it an argument of the transformed function: "
    "f.apply(variables, x)"
)


def _full_name(name: str | None, default: str) -> str:
    """The op's TF1 name in the current name scope (``Train/Model/new_lr``), marked as used."""
    names = frame.peek().names
    old, scope = names.enter(name or default)
    names.name_stack = old
    return scope.rstrip("/")


def _check(op: str, full: str, value, dtype, shape):
    """The fed ``value`` as the placeholder's dtype; its shape must fit ``shape`` (None: any)."""
    got = np.shape(value)
    if shape is not None:
        want = [None if d is None or d == -1 else int(d) for d in shape]
        if len(got) != len(want) or any(
            w is not None and w != g for w, g in zip(want, got, strict=True)
        ):
            raise OpArgumentError(
                op,
                f"cannot feed a value of shape {tuple(got)} for {full!r}, which has shape "
                f"{tuple(want)} (TF1: ValueError 'Cannot feed value of shape ...')",
                f"feed_dict={{{full!r}: value}} with value.shape == {tuple(want)}",
            )
    return jnp.array(value, dtype, copy=True)  # a fresh array: its identity is this op's


def placeholder(dtype=None, shape=None, name=None):
    """The value fed for this placeholder in a ``js.train.Runner`` run.

    Args:
      dtype: the element type (``tf.float32``, ...); a fed value is converted to it.
      shape: the shape (a list with ``None`` for any size, or None for any shape); a fed value
        of another shape raises ``OpArgumentError`` (a ``ValueError``, as TF1's).
      name: the op's name; its TF1 name (with the enclosing name scopes) is the ``feed_dict`` key.

    Returns:
      A jax array: the fed value (or zeros of the shape while ``init`` builds the program).

    Raises:
      GraphOnlyError: outside a transformed function, or in a plain ``apply`` (nothing is fed).

    Not fed, it is zeros of its shape while the program is built (``init``); a run whose
    fetches need it raises ``TrainArgumentError`` (a ``ValueError``; TF1's "You must feed a
    value for placeholder tensor").

    Example:
      >>> import jaxscope as js, jaxscope.compat.v1 as tf
      >>> def model():
      ...     x = tf.placeholder(tf.float32, [2], name="x")
      ...     scale = tf.placeholder_with_default(tf.constant(1.), [], name="scale")
      ...     return {"y": x * scale}
      >>> runner = js.train.Runner(model, variables={})
      >>> runner.run("y", feed_dict={"x": [1., 2.]})
      Array([1., 2.], dtype=float32)
      >>> runner.run("y", feed_dict={"x": [1., 2.], "scale": 10.})
      Array([10., 20.], dtype=float32)

    TF1 equivalent: tf.compat.v1.placeholder
    """
    fr = frame.peek()
    if fr is None or (feeds.current() is None and fr.mode == frame.APPLY):
        raise GraphOnlyError("placeholder", _UNFED)
    full = _full_name(name, "Placeholder")
    dt = as_dtype(dtype if dtype is not None else "float32").dtype
    zeros = np.zeros([0 if d is None or d == -1 else int(d) for d in (shape or [])], dt)
    return feeds.value(full, zeros, lambda v: _check("placeholder", full, v, dt, shape), True)


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """``input``, or the value fed for this placeholder in a ``js.train.Runner`` run.

    Args:
      input: the default value.
      shape: the shape a fed value must have (``None`` entries: any size).
      name: the op's name; its TF1 name (with the enclosing name scopes) is the ``feed_dict`` key.

    Returns:
      A jax array: the fed value, or ``input`` when nothing is fed.

    Raises:
      OpArgumentError: a fed value does not have ``shape`` (a ``ValueError``, as TF1's).

    Example:
      >>> import jaxscope as js, jaxscope.compat.v1 as tf
      >>> def model():
      ...     x = tf.placeholder(tf.float32, [2], name="x")
      ...     scale = tf.placeholder_with_default(tf.constant(1.), [], name="scale")
      ...     return {"y": x * scale}
      >>> runner = js.train.Runner(model, variables={})
      >>> runner.run("y", feed_dict={"x": [1., 2.]})
      Array([1., 2.], dtype=float32)
      >>> runner.run("y", feed_dict={"x": [1., 2.], "scale": 10.})
      Array([10., 20.], dtype=float32)

    TF1 equivalent: tf.compat.v1.placeholder_with_default
    """
    default = convert(input, op="placeholder_with_default", arg="input")
    if frame.peek() is None:
        return default
    full = _full_name(name, "PlaceholderWithDefault")
    return feeds.value(
        full, default, lambda v: _check("placeholder_with_default", full, v, default.dtype, shape)
    )
