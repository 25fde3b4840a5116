"""The errors that ``nn`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


def _cell_state_message(cell: str, where: str, expected: str, got: str, state_size) -> str:
    return (
        f"{cell}: expected {expected} as state{where}, got {got} (the cell's state_size is "
        f"{state_size!r}). Pass the state the cell describes, e.g.\n"
        "    state = cell.zero_state(batch_size, dtype)"
    )


class MissingInitialStateError(JaxscopeError, ValueError):
    """An RNN was run without ``initial_state`` and without ``dtype``: nothing fixes the state's
    dtype. TF1: ``If no initial_state is provided, argument `dtype` must be specified``.

    Subclasses ``ValueError``.
    """

    def __init__(self, fn: str):
        super().__init__(
            f"{fn}: if no initial_state is provided, argument `dtype` must be specified (it is "
            f"the dtype of the zero state). Pass one of:\n"
            f"    jaxscope.nn.{fn}(cell, inputs, dtype=jnp.float32)\n"
            f"    jaxscope.nn.{fn}(cell, inputs, initial_state=cell.zero_state(batch, "
            "jnp.float32))\n"
            f"TF1 equivalent: the same ValueError from tf.compat.v1.nn.{fn}."
        )


class CellInputDtypeError(JaxscopeError, ValueError):
    """An RNN cell got integer or boolean inputs or state (TF1: ``RNN cell only supports
    floating point inputs``).

    Subclasses ``ValueError``.
    """

    def __init__(self, cell: str, what: str, dtype):
        super().__init__(
            f"RNN cell only supports floating point inputs, but {cell} received {what} of dtype "
            f"{dtype}. Cast first (ids go through an embedding first):\n"
            "    inputs = jaxscope.nn.embedding_lookup(embedding, ids)   # or x.astype(jnp.float32)"
        )


class PartitionStrategyError(JaxscopeError, ValueError):
    """``embedding_lookup`` (or a sampled loss) got a ``partition_strategy`` other than TF1's
    ``"mod"`` and ``"div"``.

    Subclasses ``ValueError``.
    """

    def __init__(self, strategy):
        super().__init__(
            f"Unrecognized partition strategy: {strategy!r}. TF1 knows two: "
            'partition_strategy="mod" (id i in shard i % n, its default) or "div" (contiguous '
            "blocks, as a partitioned variable's part_0, part_1, ... hold them)."
        )


class RawRnnMaximumIterationsError(JaxscopeError, ValueError):
    """``raw_rnn`` was called without ``maximum_iterations``: a compiled loop writes its outputs
    into an array of fixed size (TF1's ``TensorArray`` grows).

    Subclasses ``ValueError``.
    """

    def __init__(self):
        super().__init__(
            "raw_rnn: maximum_iterations is required in jaxscope (TF1's raw_rnn has no such "
            "argument: its TensorArray of outputs grows, but a compiled loop needs a fixed "
            "number of output rows). Pass the most steps the loop may run, e.g.:\n"
            "    emit_ta, state, loop_state = jaxscope.nn.raw_rnn(cell, loop_fn, "
            "maximum_iterations=max_time)\n"
            "emit_ta.stack() is then [max_time, batch, ...], zeros after the last step."
        )


class CellStateError(JaxscopeError, ValueError):
    """An RNN cell is called with a state that does not match its ``state_size``: too few states
    (``MultiRNNCell``), a tuple where one array is expected, or an array of the wrong size.

    TF1: ``IndexError: tuple index out of range``, ``ValueError: not enough values to unpack``,
    ``ValueError: Dimensions must be equal``.
    """

    def __init__(self, cell: str, where: str, expected: str, got: str, state_size):
        self.cell, self.expected, self.got = cell, expected, got
        super().__init__(_cell_state_message(cell, where, expected, got, state_size))


class CellStateTypeError(JaxscopeError, TypeError):
    """An LSTM cell (``state_is_tuple=True``) is called with one array as its state instead of
    an ``LSTMStateTuple``. TF1 raises a ``TypeError`` (it cannot iterate over a tensor)."""

    def __init__(self, cell: str, where: str, expected: str, got: str, state_size):
        self.cell, self.expected, self.got = cell, expected, got
        super().__init__(_cell_state_message(cell, where, expected, got, state_size))


class IdOutOfRangeError(JaxscopeError, IndexError, ValueError):
    """A concrete id (a row of a table, a class of a sampler) is outside ``[0, n)``.

    TF1 raises ``InvalidArgumentError: indices[1,2] = 10 is not in [0, 10)`` at run time (CPU), an
    ``OpError`` that is no builtin; this one is an ``IndexError`` (numpy's class for an index out
    of bounds) and a ``ValueError`` (a bad argument value). Negative ids never wrap around.
    """

    def __init__(self, op: str, what: str, position, value: int, n: int, of: str, table=None):
        self.name, self.what, self.position, self.value, self.n = table, what, position, value, n
        at = ",".join(str(int(i)) for i in position)
        super().__init__(
            f"{op}: {what}[{at}] = {value} is not in [0, {n}), the valid ids of {of}. Negative "
            "ids do not wrap around (TF1 raises InvalidArgumentError for both; under jax.jit, "
            "where ids cannot be checked, its row is NaN, the fill value of its dtype, instead).\n"
            f"Keep {what} in range, e.g. send unknown ids to a reserved row:\n"
            f"    {what} = jnp.where(({what} >= 0) & ({what} < {n}), {what}, unknown_id)"
        )


class TensorArrayIndexError(JaxscopeError, IndexError, ValueError):
    """A concrete index of ``EmitArray.read`` (``raw_rnn``'s ``TensorArray``) is not a row the
    loop wrote: outside ``[0, size())``; negative indices do not wrap around (TF1's neither).

    TF1 raises ``InvalidArgumentError: Tried to read from index 3 but array size is: 3``.

    Subclasses ``IndexError`` and ``ValueError``.
    """

    def __init__(self, op: str, index: int, size: int, of: str | None = None):
        self.op, self.index, self.size = op, index, size
        of = of or f"the rows the loop wrote (size() = {size})"
        super().__init__(
            f"{op}: index {index} is not in [0, {size}), {of}; negative indices do not wrap around (TF1 raises InvalidArgumentError: "
            f"Tried to read from index {index} but array size is: {size}; under jax.jit a "
            "traced index out of range reads a row of NaN, the fill value of its dtype). Read "
            "a written row, e.g. the last one:\n    emit_ta.read(emit_ta.size() - 1)"
        )


class SequenceLengthError(JaxscopeError, ValueError):
    """A concrete ``sequence_length`` of ``bidirectional_dynamic_rnn`` is outside
    ``[0, max_time]``: TF1's ``reverse_sequence`` refuses it (``InvalidArgumentError:
    seq_lens(0) > input.dims(1)``), which jax would clip silently.

    Subclasses ``ValueError``.
    """

    def __init__(self, op: str, position: int, value: int, max_time: int):
        self.op, self.position, self.value, self.max_time = op, position, value, max_time
        super().__init__(
            f"{op}: sequence_length[{position}] = {value} is not in [0, {max_time}], where "
            f"{max_time} is max_time, the time steps of inputs (TF1's reverse_sequence raises "
            f"InvalidArgumentError: seq_lens({position}) > input.dims(1) or a negative "
            "length). Pass lengths within the inputs, e.g.\n"
            f"    sequence_length = jnp.clip(sequence_length, 0, {max_time})"
        )
