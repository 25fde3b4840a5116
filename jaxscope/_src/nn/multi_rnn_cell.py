"""``MultiRNNCell``: cells stacked in ``multi_rnn_cell/cell_%d`` scopes, each on the output of
the one before, with a tuple (or concatenation) of their states."""

from __future__ import annotations

import jax.numpy as jnp

from jaxscope._src.core.scope import variable_scope
from jaxscope._src.nn.rnn_cell import RNNCell


class MultiRNNCell(RNNCell):
    """Cells stacked in order: cell ``i`` runs in ``variable_scope("cell_%d" % i)`` inside
    ``multi_rnn_cell/``, on the output of cell ``i - 1``.

    The state is a tuple of the cells' states (``state_is_tuple=False``: concatenated, only for
    cells whose states are not tuples). The same cell object twice shares its weights, as in TF1.

    Args:
      cells: a non-empty list or tuple of cells.
      state_is_tuple: the state is a tuple of the cells' states (else concatenated).

    Raises:
      ValueError: ``cells`` is empty, or ``state_is_tuple=False`` with a cell whose state is a
        tuple.
      TypeError: ``cells`` is not a list or tuple.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     rnn_cell = js.nn.rnn_cell
      ...     cell = rnn_cell.MultiRNNCell([rnn_cell.BasicRNNCell(4), rnn_cell.BasicRNNCell(4)])
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 4)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'multi_rnn_cell': {'cell_0': {'basic_rnn_cell': {'bias': (4,), 'kernel': (7, 4)}},
                          'cell_1': {'basic_rnn_cell': {'bias': (4,), 'kernel': (8, 4)}}}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.MultiRNNCell
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not isinstance(cells, (list, tuple)):
            raise TypeError(f"cells must be a list or tuple, but received: {cells}.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(isinstance(c.state_size, (tuple, list)) for c in self._cells):
            raise ValueError(
                "Some cells return tuples of states, but the flag state_is_tuple is not set. "
                f"State sizes are: {[c.state_size for c in self._cells]}"
            )

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        if self._state_is_tuple:
            return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
        return super().zero_state(batch_size, dtype)

    @property
    def variables(self):
        return [v for cell in self._cells for v in cell.variables]

    weights = variables

    def call(self, inputs, state):
        pos, cur_inp, new_states = 0, inputs, []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not isinstance(state, (tuple, list)):
                        raise ValueError(
                            f"Expected state to be a tuple of length {len(self.state_size)}, "
                            f"but received: {state}"
                        )
                    cur_state = state[i]
                else:
                    cur_state = state[:, pos : pos + cell.state_size]
                    pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        if self._state_is_tuple:
            return cur_inp, tuple(new_states)
        return cur_inp, jnp.concatenate(new_states, 1)

    def _prebuild(self, input_shape, dtype) -> bool:
        if not all(hasattr(c, "_prebuild") for c in self._cells):
            return False
        with self._cell_scope(None, tuple(input_shape), dtype):
            batch, shape = input_shape[0], tuple(input_shape)
            for i, cell in enumerate(self._cells):
                with variable_scope(f"cell_{i}"):
                    if not cell._prebuild(shape, dtype):
                        return False
                shape = (batch, *_as_tuple(cell.output_size))
        return True


def _as_tuple(size) -> tuple:
    return (size,) if isinstance(size, int) else tuple(size)
