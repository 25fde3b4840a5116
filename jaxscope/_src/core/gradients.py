"""``gradients`` inside a transformed function: TF1's ``tf.gradients(ys, xs)`` where ``xs`` are
the program's variables.

JAX differentiates functions, not values already computed, so ``apply`` answers such a call by
running the program twice (see ``transform._apply_with_gradients``): a first run, under
``jax.vjp`` of the variables' values, records each ``gradients`` call's ``ys`` (its ``xs`` get
zeros, so the rest of the program builds); the second run gets the real gradients, at the values
read in that run (the same values: the same program, inputs and keys), and computes everything
else -- a train op's update, the fetched outputs -- from them. ``init`` (abstract) needs only
their shapes. XLA computes the forward pass once where both runs compute the same values.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxscope._src.core import fetch, frame
from jaxscope._src.core.errors import ScopeArgumentError
from jaxscope._src.core.variables import Variable

COLLECT, INJECT = "collect", "inject"  # the two runs of apply; None: not asked yet


class NeedsGradients(BaseException):  # noqa: N818 - a signal, not an error: user code lets it by
    """Raised by ``gradients`` in a plain ``apply`` run: ``apply`` starts its two runs."""


class Request(NamedTuple):
    """One ``gradients`` call of the first run: ``sum(ys * grad_ys)`` and the ``xs`` by name."""

    ys: jax.Array
    xs: tuple[str, ...]


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):  # fmt: skip
    """The gradients of ``sum(ys)`` with respect to the variables ``xs``, inside the program.

    Args:
      ys: a tensor or a list of tensors (their sum is differentiated, each weighted by
        ``grad_ys``).
      xs: a variable or a list of variables of the program (handles, as
        ``trainable_variables()`` gives them).
      grad_ys: None (ones) or the weights of ``ys``, one per tensor of ``ys``.
      name, colocate_gradients_with_ops, gate_gradients, aggregation_method: TF1's; no effect.

    Returns:
      A list with one gradient per ``xs``, each of its variable's shape and dtype.

    Differs from TF1: ``xs`` must be variables (TF1 also differentiates with respect to
    intermediate tensors); under ``init`` (abstract) every gradient is zeros, under ``apply`` a
    variable ``ys`` does not depend on gets None, as in TF1. ``stop_gradients`` is not
    supported. Gradients are of the values the variables had when the
    program started (an ``assign`` earlier in the program is not differentiated through).

    TF1 equivalent: tf.compat.v1.gradients
    """
    del name, colocate_gradients_with_ops, gate_gradients, aggregation_method
    fr = frame.current("gradients")
    if stop_gradients is not None or unconnected_gradients not in ("none", "zero"):
        raise ScopeArgumentError(
            "gradients: stop_gradients and unconnected_gradients other than 'none' are not "
            "supported; wrap the values with tf.stop_gradient instead."
        )
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    for x in xs:
        if not isinstance(x, Variable):
            raise ScopeArgumentError(
                f"gradients: xs must be variables of the program (handles, e.g. "
                f"tf.trainable_variables()), got {type(x).__name__}; jaxscope differentiates "
                "with respect to variables only."
            )
    zeros = [jnp.zeros(x.shape, x.dtype) for x in xs]
    if fr.mode is not frame.APPLY:  # init: abstract, only the shapes matter
        return zeros
    if fr.grad_mode is None:
        raise NeedsGradients
    names = tuple(x._node for x in xs)
    if fr.grad_mode == COLLECT:
        weights = None if grad_ys is None else list(grad_ys)
        total = sum(jnp.sum(jnp.asarray(y, jnp.float32) * (1.0 if weights is None else
                                                             jnp.asarray(weights[i], jnp.float32)))
                    for i, y in enumerate(ys))  # fmt: skip
        fr.grad_requests.append(Request(total, names))
        return zeros
    index = fr.grad_count
    fr.grad_count += 1
    want, got = fr.grad_requests[index].xs, names
    if want != got:  # the second run asked otherwise: the program is not deterministic
        raise ScopeArgumentError(
            f"gradients: call {index} asked for {list(got)}, but the first run asked for "
            f"{list(want)}; the program must ask the same in every run."
        )
    grads = list(fr.grad_values[index])
    if fr.pending is not None:  # fetch-dependent: a gradient depends on what ys depend on
        on = [y for y in ys if isinstance(y, jax.Array)]
        grads = [g if g is None else jnp.array(g, copy=True) for g in grads]
        for g in grads:
            if g is not None:
                fetch.depends(fr, g, on)
    return grads
