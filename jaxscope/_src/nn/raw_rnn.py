"""``raw_rnn``: TF1's RNN driven by a ``loop_fn`` that picks every step's input and stops it.

TF1 builds it as one ``tf.while_loop`` whose body calls the cell and then ``loop_fn``; here it is
one :func:`jaxscope.while_loop`, so the cell's variables (and any that ``loop_fn`` makes) are
created once, in the same order and under the same names as TF1's. TF1 writes the emitted outputs
into a growing ``TensorArray``; a compiled loop needs a fixed size, so the outputs go into an
:class:`EmitArray` of ``maximum_iterations`` rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.core import Tracer

from jaxscope._src.core.control_flow import while_loop
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.nn.errors import RawRnnMaximumIterationsError, TensorArrayIndexError


@jax.tree_util.register_pytree_node_class
class EmitArray:
    """``raw_rnn``'s emitted outputs: TF1's ``TensorArray``, at a fixed size.

    ``stack()`` is ``[maximum_iterations, batch, ...]``; rows from ``size()`` on were never
    written and are zeros (TF1's ``stack()`` ends at ``size()``: slice ``stack()[:n]`` with the
    number of steps you know the loop ran). A pytree: it can be returned from ``apply`` and
    crosses ``jax.jit``.

    Args:
      buffer: ``[maximum_iterations, batch, ...]``: the rows written so far, zeros after.
      length: the number of rows written (an int32 scalar).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> emitted = js.nn.EmitArray(jnp.ones([5, 2, 3]), jnp.int32(2))
      >>> emitted.stack().shape, int(emitted.size())
      ((5, 2, 3), 2)

    TF1 equivalent: tf.TensorArray (the emit_ta of tf.compat.v1.nn.raw_rnn)
    """

    def __init__(self, buffer: jax.Array, length: jax.Array):
        self._buffer, self._length = buffer, length

    def stack(self) -> jax.Array:
        """All rows, ``[maximum_iterations, batch, ...]`` (zeros past ``size()``)."""
        return self._buffer

    def read(self, index) -> jax.Array:
        """Row ``index``: the outputs emitted at time ``index``.

        ``index`` must be in ``[0, size())``, as TF1's (negative indices do not wrap around). A
        concrete index out of range raises (checked against ``maximum_iterations`` when
        ``size()`` is traced); a traced one, or one past a traced ``size()``, reads a row of
        NaN (the fill value of the dtype: the lowest int, ``True``), never another row.

        Raises:
          TensorArrayIndexError (an ``IndexError`` and a ``ValueError``): a concrete index out
            of range.
        """
        size = self._length
        if not isinstance(size, Tracer):
            size = int(size)
        if not isinstance(index, Tracer):
            index = int(index)
            bound = size if isinstance(size, int) else self._buffer.shape[0]
            if not 0 <= index < bound:
                of = None if bound is size else f"the rows of maximum_iterations = {bound}"
                raise TensorArrayIndexError("EmitArray.read", index, bound, of)
            if isinstance(size, int):
                return self._buffer[index]
        ok = (index >= 0) & (index < size)
        return self._buffer.at[jnp.where(ok, index, self._buffer.shape[0])].get(mode="fill")

    def size(self) -> jax.Array:
        """How many steps the loop ran (an int32 scalar)."""
        return self._length

    def tree_flatten(self):
        return (self._buffer, self._length), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        del aux
        return cls(*children)

    def __repr__(self) -> str:
        return f"EmitArray(shape={tuple(jnp.shape(self._buffer))})"


class _Start(NamedTuple):
    finished: Any
    next_input: Any
    state: Any
    emit_structure: Any
    loop_state: Any


def _copy_some_through(finished, current, candidate):
    """TF1's ``_copy_some_through``: finished rows keep ``current``; scalars pass through."""

    def copy(cur, cand):
        cand = jnp.asarray(cand)
        if cand.ndim == 0:
            return cand
        cond = finished.reshape(finished.shape + (1,) * (cand.ndim - 1))
        return jnp.where(cond, jnp.asarray(cur, cand.dtype), cand)

    return jax.tree.map(copy, current, candidate)


def _check_same(what: str, want, got) -> None:
    if jax.tree.structure(want) != jax.tree.structure(got):
        raise ValueError(
            f"raw_rnn: loop_fn returned a {what} whose structure differs from the previous one "
            f"(TF1 requires the same nested structure):\n  before: {jax.tree.structure(want)}"
            f"\n  now:    {jax.tree.structure(got)}"
        )


def _zero_emit(cell, state, emit_structure, batch_size):
    if emit_structure is not None:
        return jax.tree.map(
            lambda e: jnp.zeros((batch_size, *jnp.shape(e)), jnp.asarray(e).dtype), emit_structure
        )
    dtype = jax.tree.leaves(state)[0].dtype
    return jax.tree.map(
        lambda s: jnp.zeros((batch_size, *((s,) if isinstance(s, int) else tuple(s))), dtype),
        cell.output_size,
    )


def raw_rnn(
    cell: Any,
    loop_fn: Callable[..., tuple],
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    scope: Any = None,
    *,
    maximum_iterations: int | None = None,
) -> tuple[Any, Any, Any]:
    """Runs ``cell`` while ``loop_fn`` says some batch element is not finished.

    ``loop_fn(time, cell_output, cell_state, loop_state)`` returns ``(finished, next_input,
    next_cell_state, emit_output, next_loop_state)``. It is first called with
    ``(0, None, None, None)`` and returns the initial state and, as ``emit_output``, the
    structure of what is emitted (per-element shapes, without the batch axis; ``None``:
    ``cell.output_size``). Then, while not every element is finished, the cell runs on
    ``next_input`` and ``loop_fn(time + 1, output, state, loop_state)`` gives the next step.
    Elements already finished keep their state and emit zeros (TF1's ``_copy_some_through``).

    Variables: the cell's (under ``rnn/``), and any that ``loop_fn`` creates, are made once
    (the loop body is traced once, as TF1 built it once). The loop is
    :func:`jaxscope.while_loop`; gradients flow through it (a ``lax.scan`` of
    ``maximum_iterations`` steps whose steps past the end do nothing).

    Args:
      cell: an ``RNNCell``.
      loop_fn: as above.
      parallel_iterations, swap_memory: accepted for TF1 compatibility; no effect.
      scope: the variable scope (default ``"rnn"``).
      maximum_iterations: required (jaxscope only): the emitted outputs' fixed number of rows;
        the loop stops after this many steps even if some element is not finished.

    Returns:
      ``(emit_ta, final_state, final_loop_state)``: an :class:`EmitArray` (``emit_ta.stack()``
      is ``[maximum_iterations, batch, ...]``), the final cell state, and the final loop state
      (``None`` if ``loop_fn`` gave none at time 0).

    Raises:
      RawRnnMaximumIterationsError (a ``ValueError``) without ``maximum_iterations``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x, lengths):  # x: [time, batch, depth]
      ...     cell = js.nn.rnn_cell.BasicRNNCell(4)
      ...     def loop_fn(time, output, state, loop_state):
      ...         if output is None:
      ...             state = cell.zero_state(x.shape[1], jnp.float32)
      ...         finished = time >= lengths
      ...         next_input = x[jnp.minimum(time, x.shape[0] - 1)]
      ...         return finished, next_input, state, output, None
      ...     emit_ta, state, _ = js.nn.raw_rnn(cell, loop_fn, maximum_iterations=x.shape[0])
      ...     return emit_ta.stack(), state
      >>> f = js.transform(model)
      >>> x, lengths = jnp.ones([5, 2, 3]), jnp.array([5, 2])
      >>> variables = f.init(jax.random.key(0), x, lengths)
      >>> outputs, state = jax.jit(f.apply)(variables, x, lengths)
      >>> outputs.shape, bool((outputs[2:, 1] == 0).all())
      ((5, 2, 4), True)

    TF1 equivalent: tf.compat.v1.nn.raw_rnn
    """
    del parallel_iterations, swap_memory
    if not callable(loop_fn):
        raise TypeError(f"loop_fn must be a callable; got {type(loop_fn).__name__}.")
    if maximum_iterations is None:
        raise RawRnnMaximumIterationsError()
    max_iter = int(maximum_iterations)
    with variable_scope(scope or "rnn"):
        start = _Start(*loop_fn(jnp.int32(0), None, None, None))
        loop_state = jnp.int32(0) if start.loop_state is None else start.loop_state
        batch_size = jnp.shape(jax.tree.leaves(start.next_input)[0])[0]
        state = jax.tree.map(jnp.asarray, start.state)
        zero_emit = _zero_emit(cell, state, start.emit_structure, batch_size)
        buffers = jax.tree.map(lambda z: jnp.zeros((max_iter, *z.shape), z.dtype), zero_emit)

        def body(time, finished, current_input, buffers, state, loop_state):
            output, cell_state = cell(current_input, state)
            nxt = _Start(*loop_fn(time + 1, output, cell_state, loop_state))
            _check_same("next_cell_state", state, nxt.state)
            _check_same("next_input", current_input, nxt.next_input)
            emit = output if nxt.emit_structure is None else nxt.emit_structure
            _check_same("emit_output", zero_emit, emit)
            loop_state = loop_state if nxt.loop_state is None else nxt.loop_state
            emit = _copy_some_through(finished, zero_emit, emit)
            next_state = _copy_some_through(finished, state, nxt.state)
            buffers = jax.tree.map(lambda b, e: b.at[time].set(e.astype(b.dtype)), buffers, emit)
            finished = jnp.logical_or(finished, nxt.finished)
            return time + 1, finished, nxt.next_input, buffers, next_state, loop_state

        def cond(time, finished, *_):
            return jnp.logical_not(jnp.all(finished))

        finished = jnp.broadcast_to(jnp.asarray(start.finished, bool), (batch_size,))
        time, _, _, buffers, state, loop_state = while_loop(
            cond, body, [jnp.int32(0), finished, start.next_input, buffers, state, loop_state],
            maximum_iterations=max_iter,
        )  # fmt: skip
    emit_ta = jax.tree.map(lambda b: EmitArray(b, time), buffers)
    return emit_ta, state, (None if start.loop_state is None else loop_state)
