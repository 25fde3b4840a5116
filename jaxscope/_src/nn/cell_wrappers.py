"""``DropoutWrapper`` and ``ResidualWrapper``: TF1's cell wrappers (tf_keras'
``legacy_cell_wrappers.py``). A wrapper opens no variable scope of its own: the wrapped cell's
variables keep their names (``multi_rnn_cell/cell_0/basic_lstm_cell/kernel`` with or without
dropout), so a checkpoint trained with dropout loads into the model without it.

Dropout masks draw from :func:`jaxscope.next_rng_key` (``apply(..., rng=key)``); inside
``dynamic_rnn`` each time step gets its own key, so masks differ per step as in TF1, except with
``variational_recurrent=True``, where one mask per run (drawn outside the loop) is applied at
every step.
"""

from __future__ import annotations

import hashlib
import numbers

import jax
import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.random import next_rng_key
from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.initializers.fused_random import fused
from jaxscope._src.nn.rnn_cell import LSTMStateTuple, RNNCell


class _RNNCellWrapper(RNNCell):
    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        if not (hasattr(cell, "output_size") and hasattr(cell, "state_size") and callable(cell)):
            raise TypeError(
                f"The argument 'cell' ({cell}) is not an RNNCell: 'output_size' property is "
                "missing, 'state_size' property is missing, or it is not callable."
            )
        self.cell = cell

    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)
    wrapped_cell = property(lambda self: self.cell)

    def zero_state(self, batch_size, dtype):
        return self.cell.zero_state(batch_size, dtype)

    @property
    def variables(self):
        return self.cell.variables

    weights = variables

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, self.cell.__call__, scope=scope)

    def _prebuild(self, input_shape, dtype) -> bool:
        prebuild = getattr(self.cell, "_prebuild", None)
        return bool(prebuild is not None and prebuild(input_shape, dtype))


def _gen_seed(seed, salt_prefix: str, index: int):
    """TF1's per-component op seed (md5 of seed + salt), folded into the key."""
    if seed is None:
        return None
    string = (str(seed) + f"{salt_prefix}_{index}").encode("utf-8")
    return int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)  # never drop the memory state
    return True


def _rebuild(like, children):
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*children)
    return type(like)(children)


def _filter(visitor, state):
    """Which leaves of ``state`` to drop: TF1's ``get_traverse_shallow_structure``."""
    flag = visitor(state)
    if not isinstance(state, (tuple, list)):
        return bool(flag)
    if isinstance(flag, bool):
        if not flag:
            return jax.tree.map(lambda _: False, state)
        return _rebuild(state, [_filter(visitor, s) for s in state])
    return _rebuild(
        state,
        [
            _filter(visitor, s) if f else jax.tree.map(lambda _: False, s)
            for f, s in zip(flag, state, strict=True)
        ],
    )


def _check_prob(value, attr):
    if isinstance(value, numbers.Real):
        if value < 0 or value > 1:
            raise ValueError(f"Parameter {attr} must be between 0 and 1. Received {value}")
        return float(value)
    return value


class DropoutWrapper(_RNNCellWrapper):
    """Dropout on a cell's inputs, outputs and (except LSTM memory ``c``) new states.

    Each ``keep_prob`` of 1.0 adds nothing. ``variational_recurrent=True`` draws one mask per
    run, shape ``[1, size]`` (shared by the batch, as TF1) and needs ``dtype`` (and
    ``input_size`` when ``input_keep_prob < 1``). ``seed`` is folded into the keys.

    Args:
      cell: the wrapped cell.
      input_keep_prob: the probability of keeping each input unit (a float in [0, 1]).
      output_keep_prob: the probability of keeping each output unit.
      state_keep_prob: the probability of keeping each unit of the new state.
      variational_recurrent: one mask per run instead of one per step.
      input_size: the inputs' depth (needed with ``variational_recurrent`` and input dropout).
      dtype: the masks' dtype (needed with ``variational_recurrent``).
      seed: an int folded into the dropout keys.
      dropout_state_filter_visitor: ``substate -> bool`` (or a tree of bools): which parts of
        the state get dropout (default: all but an LSTM's ``c``).

    Raises:
      ValueError: a keep probability outside [0, 1], or ``variational_recurrent`` without
        ``dtype`` (or without ``input_size`` when ``input_keep_prob < 1``).
      TypeError: ``cell`` is not a cell, or ``dropout_state_filter_visitor`` is not callable.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> rnn_cell = js.nn.rnn_cell
      >>> def model(x):
      ...     cell = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(8), output_keep_prob=0.5)
      ...     return js.nn.dynamic_rnn(cell, x, dtype=jnp.float32)[0]
      >>> f = js.transform(model)
      >>> x = jnp.ones([2, 5, 3])
      >>> variables = f.init(jax.random.key(0), x)
      >>> sorted(variables["params"]["rnn"]["basic_lstm_cell"])
      ['bias', 'kernel']
      >>> f.apply(variables, x, rng=jax.random.key(1)).shape
      (2, 5, 8)

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.DropoutWrapper
    """

    def __init__(
        self,
        cell,
        input_keep_prob=1.0,
        output_keep_prob=1.0,
        state_keep_prob=1.0,
        variational_recurrent=False,
        input_size=None,
        dtype=None,
        seed=None,
        dropout_state_filter_visitor=None,
        **kwargs,
    ):
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
            raise TypeError(
                "dropout_state_filter_visitor must be callable. "
                f"Received: {dropout_state_filter_visitor}"
            )
        self._dropout_state_filter = (
            dropout_state_filter_visitor or _default_dropout_state_filter_visitor
        )
        self._input_keep_prob = _check_prob(input_keep_prob, "input_keep_prob")
        self._state_keep_prob = _check_prob(state_keep_prob, "state_keep_prob")
        self._output_keep_prob = _check_prob(output_keep_prob, "output_keep_prob")
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed
        if variational_recurrent:
            if dtype is None:
                raise ValueError(
                    "When variational_recurrent=True, dtype must be provided: "
                    "DropoutWrapper(cell, ..., variational_recurrent=True, dtype=jnp.float32)"
                )
            if _should_dropout(self._input_keep_prob) and input_size is None:
                raise ValueError(
                    "When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, "
                    "input_size must be provided: DropoutWrapper(cell, input_keep_prob=0.5, "
                    "variational_recurrent=True, input_size=depth, dtype=jnp.float32)"
                )

    def _noise(self):
        """The variational masks' uniform noise, drawn once per ``init``/``apply`` call."""
        st = self._state(frame.current("DropoutWrapper"))
        noise = getattr(st, "noise", None)
        if noise is None:
            dtype = as_dtype(self.dtype)

            def batch_noise(sizes, salt):
                key = next_rng_key()
                leaves, tree = jax.tree.flatten(sizes)
                out = []
                for i, s in enumerate(leaves):
                    k = jax.random.fold_in(key, i)
                    if (seed := _gen_seed(self._seed, salt, i)) is not None:
                        k = jax.random.fold_in(k, seed)
                    shape = (1, s) if isinstance(s, int) else (1, *s)
                    out.append(jax.random.uniform(fused(k), shape, dtype))  # jax's bits, fused
                return jax.tree.unflatten(tree, out)

            inp = None
            if _should_dropout(self._input_keep_prob):
                inp = batch_noise(self._input_size, "input")
            noise = st.noise = (
                inp,
                batch_noise(self.cell.state_size, "state"),
                batch_noise(self.cell.output_size, "output"),
            )
        return noise

    def _dropout(self, values, salt, noise, keep_prob, filtered=None):
        if filtered is None:
            filtered = jax.tree.map(lambda _: True, values)
        leaves, tree = jax.tree.flatten(values)
        flags = tree.flatten_up_to(filtered)
        if self._variational_recurrent:
            noises = tree.flatten_up_to(noise)
            out = [
                v / keep_prob * jnp.floor(keep_prob + n) if f else v
                for v, f, n in zip(leaves, flags, noises, strict=True)
            ]
        else:
            key = next_rng_key()
            out = []
            for i, (v, f) in enumerate(zip(leaves, flags, strict=True)):
                if not f:
                    out.append(v)
                    continue
                k = jax.random.fold_in(key, i)
                if (seed := _gen_seed(self._seed, salt, i)) is not None:
                    k = jax.random.fold_in(k, seed)
                rate = 1.0 - jnp.asarray(keep_prob, v.dtype)
                keep = jax.random.uniform(fused(k), v.shape, v.dtype) >= rate  # jax's bits, fused
                out.append(jnp.where(keep, v / (1.0 - rate), jnp.zeros((), v.dtype)))
        return jax.tree.unflatten(tree, out)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        noise = self._noise() if self._variational_recurrent else (None, None, None)
        if _should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", noise[0], self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if _should_dropout(self._state_keep_prob):
            filtered = _filter(self._dropout_state_filter, new_state)
            new_state = self._dropout(new_state, "state", noise[1], self._state_keep_prob, filtered)
        if _should_dropout(self._output_keep_prob):
            output = self._dropout(output, "output", noise[2], self._output_keep_prob)
        return output, new_state

    def _prebuild(self, input_shape, dtype) -> bool:
        if self._variational_recurrent:
            self._noise()  # outside the loop: one mask for every step
        return super()._prebuild(input_shape, dtype)


def _should_dropout(p) -> bool:
    return not isinstance(p, float) or p < 1


class ResidualWrapper(_RNNCellWrapper):
    """``output = inputs + cell_output`` (or ``residual_fn(inputs, outputs)``); the state is the
    cell's.

    Args:
      cell: the wrapped cell (its output size must be the input's).
      residual_fn: ``(inputs, outputs) -> outputs`` (default: their sum).

    Raises:
      TypeError: ``cell`` is not a cell.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.ResidualWrapper(js.nn.rnn_cell.BasicRNNCell(3))
      ...     output, state = cell(x, cell.zero_state(2, jnp.float32))
      ...     return output
      >>> f = js.transform(model)
      >>> output, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> output.shape
      (2, 3)
      >>> jax.tree.map(jnp.shape, variables["params"])
      {'basic_rnn_cell': {'bias': (3,), 'kernel': (6, 3)}}

    TF1 equivalent: tf.compat.v1.nn.rnn_cell.ResidualWrapper
    """

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default_residual_fn(inputs, outputs):
            def add(inp, out):
                if jnp.shape(inp) != jnp.shape(out):
                    raise ValueError(
                        f"ResidualWrapper: the cell's input shape {jnp.shape(inp)} and output "
                        f"shape {jnp.shape(out)} differ; give the cell as many units as the "
                        "input has features, or pass residual_fn=."
                    )
                return inp + out

            return jax.tree.map(add, inputs, outputs)

        return (self._residual_fn or default_residual_fn)(inputs, outputs), new_state
