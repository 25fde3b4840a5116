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

    TF1 equivalent: tf.compat.v1.foldl
    """
    del parallel_iterations, back_prop, swap_memory
    return _fold("foldl", fn, elems, initializer, name, False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):  # fmt: skip
    """``a = fn(a, x)`` for each ``x`` of ``elems`` (axis 0, nested structures allowed), last to
    first; the final ``a``. Without ``initializer`` the last element starts it.

    TF1 equivalent: tf.compat.v1.foldr
    """
    del parallel_iterations, back_prop, swap_memory
    return _fold("foldr", fn, elems, initializer, name, True)
