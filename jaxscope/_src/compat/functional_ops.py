"""TF1's folds: ``tf.foldl`` and ``tf.foldr``, over jaxscope's ``scan`` (``fn`` may create and
assign variables, as in ``tf.scan``)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.control_flow import _scan
from jaxscope._src.core.scope import name_scope


def _fold(kind: str, fn, elems, initializer, name, reverse: bool):
    if not frame._stack():  # outside a transform: no variables, a plain lax.scan
        return _plain_fold(fn, elems, initializer, reverse)
    with name_scope(name, kind), name_scope("while"):  # TF1: a while_loop in "foldl/"
        outs = _scan(fn, elems, initializer, reverse)
    return jax.tree.map(lambda x: x[0] if reverse else x[-1], outs)


def _plain_fold(fn, elems, initializer, reverse: bool):
    elems = jax.tree.map(jnp.asarray, elems)
    if initializer is None:
        i = -1 if reverse else 0
        initializer = jax.tree.map(lambda x: x[i], elems)
        elems = jax.tree.map(lambda x: x[:-1] if reverse else x[1:], elems)
    init = jax.tree.map(jnp.asarray, initializer)

    def step(a, x):
        out = jax.tree.map(lambda o, r: jnp.asarray(o, r.dtype), fn(a, x), a)
        return out, None

    return jax.lax.scan(step, init, elems, reverse=reverse)[0]


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):  # fmt: skip
    """``a = fn(a, x)`` for each ``x`` of ``elems`` (axis 0, nested structures allowed), first to
    last; the final ``a``. Without ``initializer`` the first element starts it.

    Args:
        fn: ``fn(accumulator, element) -> accumulator``.
        elems: A tensor (or nested structure of tensors) unstacked along axis 0.
        initializer: The first accumulator, or ``None`` (the first element).
        parallel_iterations: Accepted for TF1's signature.
        back_prop: Accepted for TF1's signature (gradients always flow).
        swap_memory: Accepted for TF1's signature.
        name: The op's name scope, as in TF1.

    Returns:
        The final accumulator.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.foldl(lambda a, x: a + x, tf.constant([1, 2, 3]))
        Array(6, dtype=int32)
        >>> tf.foldl(lambda a, x: a * 10 + x, tf.constant([1, 2, 3]), initializer=0)
        Array(123, dtype=int32)

    TF1 equivalent: tf.compat.v1.foldl
    """
    del parallel_iterations, back_prop, swap_memory
    return _fold("foldl", fn, elems, initializer, name, False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):  # fmt: skip
    """``a = fn(a, x)`` for each ``x`` of ``elems`` (axis 0, nested structures allowed), last to
    first; the final ``a``. Without ``initializer`` the last element starts it.

    Args:
        fn: ``fn(accumulator, element) -> accumulator``.
        elems: A tensor (or nested structure of tensors) unstacked along axis 0.
        initializer: The first accumulator, or ``None`` (the last element).
        parallel_iterations: Accepted for TF1's signature.
        back_prop: Accepted for TF1's signature (gradients always flow).
        swap_memory: Accepted for TF1's signature.
        name: The op's name scope, as in TF1.

    Returns:
        The final accumulator.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.foldr(lambda a, x: a * 10 + x, tf.constant([1, 2, 3]), initializer=0)
        Array(321, dtype=int32)

    TF1 equivalent: tf.compat.v1.foldr
    """
    del parallel_iterations, back_prop, swap_memory
    return _fold("foldr", fn, elems, initializer, name, True)
