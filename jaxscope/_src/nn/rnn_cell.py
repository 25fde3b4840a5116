"""TF1's ``tf.compat.v1.nn.rnn_cell``: the cells, written as tf_keras' ``legacy_cells.py`` wrote them.

A cell is a layer (``jaxscope.layers.Layer``): its first call in an ``init``/``apply`` call opens
``variable_scope(None, default_name="basic_lstm_cell")`` inside the enclosing scope (``rnn/``
under ``dynamic_rnn``) and creates ``kernel`` then ``bias`` with ``get_variable``; later calls
reuse them. Kernels are TF1's ``[input_depth + h_depth, gates * num_units]`` with TF1's gate
order (LSTM: ``i, j, f, o``; GRU: ``r, u``), so TF1 checkpoints load by name.

``_prebuild(input_shape, dtype)`` builds a cell (and the cells it contains) without running it:
``dynamic_rnn`` calls it before its loop, so every variable of these cells is created outside the
loop body and the body only reads them; a cell that cannot prebuild creates its variables in the
one trace of the loop body (the body runner of ``core.bodies``), as TF1 builds the body once.
"""

from __future__ import annotations

import collections
import contextlib

import jax
import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.scope import name_scope, variable_scope
from jaxscope._src.core.tensor_shape import TensorShape
from jaxscope._src.initializers.catalogue import constant_initializer, zeros_initializer
from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.layers.base import Layer, check_weight_dtype
from jaxscope._src.nn.errors import CellInputDtypeError, CellStateError, CellStateTypeError

_WEIGHTS, _BIAS = "kernel", "bias"


def _not_built(cls: str, arg: str, value) -> None:
    if value is not None:
        raise NotImplementedError(
            f"{cls}({arg}={value!r}) is not supported yet by jaxscope (TF1 partitions the "
            f"variable into {value} shards). Remove the argument: the variable is then one "
            f"array with the same values, e.g. {cls}(num_units) without {arg}=."
        )


def _check_float(dtype, what: str, cell: str = "the cell") -> None:
    if dtype is not None and not (
        jnp.issubdtype(dtype, jnp.floating) or jnp.issubdtype(dtype, jnp.complexfloating)
    ):
        raise CellInputDtypeError(cell, what, dtype)


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """``(c, h)``: an LSTM's memory and output state, in that order (a pytree: a namedtuple).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> state = js.nn.rnn_cell.LSTMStateTuple(c=jnp.zeros([2, 4]), h=jnp.ones([2, 4]))
      >>> state.h.shape, len(state)
      ((2, 4), 2)

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.LSTMStateTuple
    """

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent dtypes for internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def _check_state(cell: str, size, state, where: str = "") -> None:
    """Refuses a ``state`` whose structure or size does not match ``state_size`` ``size``.

    As TF1, a tuple of states may hold more states than cells (the extra ones are ignored).
    """
    if isinstance(size, tuple):  # an LSTMStateTuple, or a tuple of states (MultiRNNCell)
        named = hasattr(size, "_fields")
        if not isinstance(state, (tuple, list)):
            cls = CellStateTypeError if named else CellStateError
            raise cls(cell, where, f"a tuple of {len(size)} states", _what(state), size)
        if len(state) < len(size) or (named and len(state) != len(size)):
            raise CellStateError(
                cell, where, f"{len(size)} states", str(len(state)), size
            )  # fmt: skip
        for i, (s, x) in enumerate(zip(size, state, strict=False)):  # extra states: ignored
            _check_state(cell, s, x, f"{where}[{i}]")
        return
    if isinstance(state, (tuple, list)):
        raise CellStateError(cell, where, f"one [batch, {size}] array", _what(state), size)
    shape = getattr(state, "shape", None)
    if isinstance(size, int) and shape is not None and (len(shape) != 2 or shape[1] != size):
        raise CellStateError(cell, where, f"a [batch, {size}] array", _what(state), size)


def _what(state) -> str:
    if isinstance(state, (tuple, list)):
        return f"a {type(state).__name__} of {len(state)}"
    shape = getattr(state, "shape", None)
    return f"an array of shape {tuple(shape)}" if shape is not None else repr(state)


def _zero_state(state_size, batch_size: int, dtype):
    """Zeros shaped ``[batch_size, s]`` for every ``s`` of a nested ``state_size``."""
    if isinstance(state_size, LSTMStateTuple):
        return LSTMStateTuple(*(_zero_state(s, batch_size, dtype) for s in state_size))
    if isinstance(state_size, (tuple, list)):
        return type(state_size)(_zero_state(s, batch_size, dtype) for s in state_size)
    size = (state_size,) if isinstance(state_size, int) else tuple(state_size)
    return jnp.zeros((batch_size, *size), as_dtype(dtype))


class RNNCell(Layer):
    """Base class of the cells: ``(output, new_state) = cell(inputs, state)``.

    Subclasses define ``state_size``, ``output_size``, ``build(input_shape)`` and
    ``call(inputs, state)``. The first call in an ``init``/``apply`` call opens the cell's
    variable scope (``scope=`` or the class name in snake case, uniquified) and builds; later
    calls reuse the weights.

    Args:
      trainable: whether the cell's variables are trainable.
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> cell = js.nn.rnn_cell.BasicLSTMCell(4)
      >>> isinstance(cell, js.nn.rnn_cell.RNNCell), cell.zero_state(2, jnp.float32).c.shape
      (True, (2, 4))

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.RNNCell
    """

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def zero_state(self, batch_size: int, dtype):
        """Zero-filled state(s): ``[batch_size, s]`` for each ``s`` in ``state_size``.

        TF1 equivalent: tf.compat.v1.nn.rnn_cell.RNNCell.zero_state
        """
        return _zero_state(self.state_size, int(batch_size), dtype)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """``zero_state`` with the batch size and dtype taken from ``inputs`` when given."""
        if inputs is not None:
            batch_size, dtype = jnp.shape(inputs)[0], jnp.asarray(inputs).dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                "batch_size and dtype cannot be None while constructing initial state: "
                f"batch_size={batch_size}, dtype={dtype}"
            )
        return self.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        inputs = jnp.asarray(inputs)
        _check_state(type(self).__name__, self.state_size, state)
        with self._cell_scope(scope, tuple(inputs.shape), inputs.dtype, state):
            return self.call(inputs, state)

    @contextlib.contextmanager
    def _cell_scope(self, scope, input_shape, dtype, state=None):
        """tf_keras' ``Layer.__call__`` up to ``call``: scope, build on first use, reuse after."""
        fr = frame.current(type(self).__name__)
        st = self._state(fr)
        self._set_scope(st, scope)
        with variable_scope(
            st.scope, reuse=True if st.built else self._reuse, auxiliary_name_scope=False
        ):
            with name_scope(st.scope.original_name_scope):
                if not st.built:
                    _check_float(dtype, "inputs", type(self).__name__)
                    if self.dtype is None:
                        self.dtype = as_dtype(dtype)
                    self._variables, self._weights = [], []
                    self.build(TensorShape(input_shape))  # TF1's: input_shape[-1].value works
                    st.built = True
                # TF1 fails on the first op mixing a custom getter's cast weight with the input
                layer = f'{type(self).__name__} "{st.scope.name}"'
                for name, w in getattr(self, "_weights", ()):
                    check_weight_dtype(w, name, dtype, layer)
                yield st

    def add_weight(self, name, shape, *args, **kwargs):
        """As the layer's; the cell also keeps what it got (reused or a getter's array)."""
        var = super().add_weight(name, shape, *args, **kwargs)
        self._weights.append((name, var))
        return var

    def _prebuild(self, input_shape, dtype) -> bool:
        """Creates the weights without running the cell; False if this cell cannot (its
        variables are made in ``call``): ``dynamic_rnn``'s one trace of its body makes them."""
        del input_shape, dtype
        return False


class LayerRNNCell(RNNCell):
    """A cell whose weights are all made in ``build`` (every cell of this module).

    Args:
      trainable: whether the cell's variables are trainable.
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Example:
      >>> import jaxscope as js
      >>> isinstance(js.nn.rnn_cell.GRUCell(4), js.nn.rnn_cell.LayerRNNCell)
      True

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.LayerRNNCell (tf_keras' legacy LayerRNNCell)
    """

    def _prebuild(self, input_shape, dtype) -> bool:
        with self._cell_scope(None, tuple(input_shape), dtype):
            pass
        return True


def _activation(activation):
    return activation if activation else jnp.tanh


def _split(x, n):
    return jnp.split(x, n, axis=1)


def _gate_inputs(inputs, state, kernel, bias):
    """``concat([inputs, state], 1) @ kernel + bias`` (the weights may be a getter's arrays)."""
    return jnp.concatenate([inputs, state], 1) @ jnp.asarray(kernel) + jnp.asarray(bias)


def _lstm_state(state, state_is_tuple: bool, num_units: int):
    """``(c, h)`` of an LSTM's state: an ``LSTMStateTuple``, or ``concat([c, h], 1)``."""
    if state_is_tuple:
        c, h = state
    else:
        c, h = state[:, :num_units], state[:, num_units:]
    _check_float(jnp.asarray(c).dtype, "state")
    return c, h


def _new_lstm_state(c, h, state_is_tuple: bool):
    return LSTMStateTuple(c, h) if state_is_tuple else jnp.concatenate([c, h], 1)


class BasicRNNCell(LayerRNNCell):
    """``output = new_state = activation(concat([inputs, state]) @ kernel + bias)``.

    Variables: ``basic_rnn_cell/kernel`` ``[input_depth + num_units, num_units]`` (the scope's
    initializer, else glorot uniform) and ``basic_rnn_cell/bias`` (zeros).

    Args:
      num_units: the size of the state and of the output.
      activation: the nonlinearity (default ``tanh``).
      reuse: ``True`` or ``AUTO_REUSE`` to take the variables of an existing scope of the same
        name (TF1's); the cell's own later calls always reuse its weights.
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.BasicRNNCell(4)
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 4)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'basic_rnn_cell': {'bias': (4,), 'kernel': (7, 4)}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.BasicRNNCell
    """

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        depth = _input_depth(input_shape)
        self._kernel = self.add_weight(_WEIGHTS, [depth + self._num_units, self._num_units])
        self._bias = self.add_weight(_BIAS, [self._num_units], initializer=zeros_initializer())

    def call(self, inputs, state):
        _check_float(jnp.asarray(state).dtype, "state")
        output = self._activation(_gate_inputs(inputs, state, self._kernel, self._bias))
        return output, output


class GRUCell(LayerRNNCell):
    """Gated recurrent unit: ``r, u = sigmoid(gates)``; ``c = activation(candidate(r * h))``;
    ``new_h = u * h + (1 - u) * c``.

    Variables: ``gru_cell/gates/kernel`` ``[input_depth + num_units, 2 * num_units]``,
    ``gru_cell/gates/bias`` (ones unless ``bias_initializer``), ``gru_cell/candidate/kernel``
    ``[input_depth + num_units, num_units]``, ``gru_cell/candidate/bias`` (zeros).

    Args:
      num_units: the size of the state and of the output.
      activation: the candidate's nonlinearity (default ``tanh``).
      reuse: ``True`` or ``AUTO_REUSE`` to take the variables of an existing scope of the same
        name (TF1's); the cell's own later calls always reuse its weights.
      kernel_initializer: the initializer of both kernels (default: the scope's, else glorot
        uniform).
      bias_initializer: the initializer of both biases (default: gates ones, candidate zeros).
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.GRUCell(4)
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 4)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'gru_cell': {'candidate': {'bias': (4,), 'kernel': (7, 4)}, 'gates': {'bias': (8,), 'kernel': (7, 8)}}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.GRUCell
    """

    def __init__(
        self,
        num_units,
        activation=None,
        reuse=None,
        kernel_initializer=None,
        bias_initializer=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        depth, n = _input_depth(input_shape), self._num_units
        self._gate_kernel = self.add_weight(
            f"gates/{_WEIGHTS}", [depth + n, 2 * n], initializer=self._kernel_initializer
        )
        self._gate_bias = self.add_weight(
            f"gates/{_BIAS}", [2 * n],
            initializer=self._bias_initializer or constant_initializer(1.0),
        )  # fmt: skip
        self._candidate_kernel = self.add_weight(
            f"candidate/{_WEIGHTS}", [depth + n, n], initializer=self._kernel_initializer
        )
        self._candidate_bias = self.add_weight(
            f"candidate/{_BIAS}", [n], initializer=self._bias_initializer or zeros_initializer()
        )

    def call(self, inputs, state):
        _check_float(jnp.asarray(state).dtype, "state")
        gates = jnp.concatenate([inputs, state], 1) @ jnp.asarray(self._gate_kernel)
        r, u = _split(jax.nn.sigmoid(gates + jnp.asarray(self._gate_bias)), 2)
        candidate = jnp.concatenate([inputs, r * state], 1) @ jnp.asarray(self._candidate_kernel)
        c = self._activation(candidate + jnp.asarray(self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """LSTM without peepholes, clipping or projection; ``forget_bias`` is added to the forget
    gate (1.0 by default: set 0.0 for checkpoints of cuDNN-trained models, as in TF1).

    Variables: ``basic_lstm_cell/kernel`` ``[input_depth + num_units, 4 * num_units]`` (gates
    ``i, j, f, o`` side by side) and ``basic_lstm_cell/bias`` (zeros). The state is an
    ``LSTMStateTuple(c, h)``, or ``concat([c, h], 1)`` with ``state_is_tuple=False``.

    Args:
      num_units: the size of ``c`` and ``h``.
      forget_bias: added to the forget gate's pre-activation.
      state_is_tuple: the state is ``LSTMStateTuple(c, h)`` (else ``concat([c, h], 1)``).
      activation: the nonlinearity of the cell input and output (default ``tanh``).
      reuse: ``True`` or ``AUTO_REUSE`` to take the variables of an existing scope of the same
        name (TF1's); the cell's own later calls always reuse its weights.
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.BasicLSTMCell(4)
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 4)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'basic_lstm_cell': {'bias': (16,), 'kernel': (7, 16)}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.BasicLSTMCell
    """

    def __init__(
        self,
        num_units,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        depth, n = _input_depth(input_shape), self._num_units
        self._kernel = self.add_weight(_WEIGHTS, [depth + n, 4 * n])
        self._bias = self.add_weight(_BIAS, [4 * n], initializer=zeros_initializer())

    def call(self, inputs, state):
        c, h = _lstm_state(state, self._state_is_tuple, self._num_units)
        i, j, f, o = _split(_gate_inputs(inputs, h, self._kernel, self._bias), 4)
        forget_bias = jnp.asarray(self._forget_bias, f.dtype)
        sigmoid, act = jax.nn.sigmoid, self._activation
        new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * act(j)
        new_h = act(new_c) * sigmoid(o)
        return new_h, _new_lstm_state(new_c, new_h, self._state_is_tuple)


class LSTMCell(LayerRNNCell):
    """LSTM with optional peepholes (``use_peepholes``), cell clipping (``cell_clip``) and a
    projection of the output (``num_proj``, clipped by ``proj_clip``).

    Variables, in TF1's creation order: ``lstm_cell/kernel``
    ``[input_depth + h_depth, 4 * num_units]`` (``h_depth`` is ``num_proj`` if set), ``bias``
    (zeros), with peepholes ``w_f_diag``, ``w_i_diag``, ``w_o_diag`` ``[num_units]``, with a
    projection ``projection/kernel`` ``[num_units, num_proj]``. ``initializer`` is used for all
    but the bias. ``num_unit_shards`` / ``num_proj_shards`` (partitioned variables) are not
    supported (``NotImplementedError``).

    Args:
      num_units: the size of the memory ``c``.
      use_peepholes: add the diagonal peephole connections.
      cell_clip: clip ``c`` to ``[-cell_clip, cell_clip]`` (None: no clipping).
      initializer: the initializer of the kernels and peepholes (default: the scope's).
      num_proj: project the output ``h`` to this size (None: no projection).
      proj_clip: clip the projected output to ``[-proj_clip, proj_clip]``.
      num_unit_shards: not supported (must be None).
      num_proj_shards: not supported (must be None).
      forget_bias: added to the forget gate's pre-activation.
      state_is_tuple: the state is ``LSTMStateTuple(c, h)`` (else ``concat([c, h], 1)``).
      activation: the nonlinearity (default ``tanh``).
      reuse: ``True`` or ``AUTO_REUSE`` to take the variables of an existing scope of the same
        name (TF1's); the cell's own later calls always reuse its weights.
      name: the cell's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the inputs').

    Raises:
      NotImplementedError: ``num_unit_shards`` or ``num_proj_shards`` is given.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2)
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 2)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'lstm_cell': {'bias': (16,), 'kernel': (5, 16), 'projection': {'kernel': (4, 2)}, 'w_f_diag': (4,), 'w_i_diag': (4,), 'w_o_diag': (4,)}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.LSTMCell
    """

    def __init__(
        self,
        num_units,
        use_peepholes=False,
        cell_clip=None,
        initializer=None,
        num_proj=None,
        proj_clip=None,
        num_unit_shards=None,
        num_proj_shards=None,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        _not_built("LSTMCell", "num_unit_shards", num_unit_shards)
        _not_built("LSTMCell", "num_proj_shards", num_proj_shards)
        self._num_units = int(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)
        out = num_units if num_proj is None else num_proj
        self._state_size = LSTMStateTuple(num_units, out) if state_is_tuple else num_units + out
        self._output_size = out

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, input_shape):
        depth, n = _input_depth(input_shape), self._num_units
        h_depth = n if self._num_proj is None else self._num_proj
        init = self._initializer
        self._kernel = self.add_weight(_WEIGHTS, [depth + h_depth, 4 * n], initializer=init)
        self._bias = self.add_weight(_BIAS, [4 * n], initializer=zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_weight("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_weight("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(
                f"projection/{_WEIGHTS}", [n, self._num_proj], initializer=init
            )

    def call(self, inputs, state):
        c_prev, m_prev = _lstm_state(state, self._state_is_tuple, self._num_units)
        sigmoid, act = jax.nn.sigmoid, self._activation
        i, j, f, o = _split(_gate_inputs(inputs, m_prev, self._kernel, self._bias), 4)
        if self._use_peepholes:
            w_f, w_i = jnp.asarray(self._w_f_diag), jnp.asarray(self._w_i_diag)
            c = sigmoid(f + self._forget_bias + w_f * c_prev) * c_prev + sigmoid(
                i + w_i * c_prev
            ) * act(j)
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = self._clip_cell(c)
        if self._use_peepholes:
            m = sigmoid(o + jnp.asarray(self._w_o_diag) * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = m @ jnp.asarray(self._proj_kernel)
            if self._proj_clip is not None:
                m = jnp.clip(m, -self._proj_clip, self._proj_clip)
        return m, _new_lstm_state(c, m, self._state_is_tuple)

    def _clip_cell(self, c):
        return jnp.clip(c, -self._cell_clip, self._cell_clip)


def _input_depth(input_shape) -> int:
    if not input_shape or input_shape[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: {input_shape}")
    return int(input_shape[-1])
