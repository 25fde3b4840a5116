"""``dynamic_rnn``, ``bidirectional_dynamic_rnn`` and ``static_rnn``, as TF1's ``rnn.py``.

``static_rnn`` runs TF1's unrolled first step (it creates the variables), then every step as
one ``jax.lax.scan`` over the cell traced once, as ``dynamic_rnn``'s (the unrolled step's
results go unused and XLA drops it), so XLA compiles a loop, not T copies of the cell.

``dynamic_rnn`` is one ``jax.lax.scan`` over time (TF1: one ``tf.while_loop``) whose step is the
cell traced once as a control-flow body (``bodies._Body``, as ``js.while_loop``'s): a cell of
``jaxscope.nn.rnn_cell`` has its variables created before the loop, in the cell's scope under
``rnn/``; any other cell creates them in that one trace (the same names and order as TF1, where the
loop body creates them once). What the cell files in a collection reaches the caller as in TF1's
loop: a regularization loss of a variable is usable, any other value computed in the step is a
``LoopTensor`` whose use raises ``LoopTensorError``. Inside the step
:func:`jaxscope.next_rng_key` gives each time step its own key (TF1's dropout in a loop drew
afresh every step).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

from jaxscope._src.core import frame
from jaxscope._src.core.bodies import _Body, _loop_key, _step_key
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.nn.errors import MissingInitialStateError, SequenceLengthError


def _time_major(x):
    return jnp.swapaxes(x, 0, 1)


def _infer_state_dtype(explicit_dtype, state):
    if explicit_dtype is not None:
        return as_dtype(explicit_dtype)
    leaves = jax.tree.leaves(state)
    if not leaves:
        raise ValueError("Unable to infer dtype from empty state.")
    dtypes = {jnp.asarray(x).dtype for x in leaves}
    if len(dtypes) > 1:
        raise ValueError(
            f"State has tensors of different inferred dtypes ({sorted(map(str, dtypes))}); "
            "unable to infer a single representative dtype. Pass dtype= to dynamic_rnn."
        )
    return dtypes.pop()


def _initial_state(cell, batch_size, initial_state, dtype, fn):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise MissingInitialStateError(fn)
    get = getattr(cell, "get_initial_state", None)
    if get is not None:
        return get(inputs=None, batch_size=batch_size, dtype=dtype)
    return cell.zero_state(batch_size, dtype)


def _zeros_like_output(cell, batch_size, dtype):
    def zeros(size):
        shape = (size,) if isinstance(size, int) else tuple(size)
        return jnp.zeros((batch_size, *shape), dtype)

    return jax.tree.map(zeros, cell.output_size)


def _sequence_length(sequence_length, batch_size):
    if sequence_length is None:
        return None
    sequence_length = jnp.asarray(sequence_length).astype(jnp.int32)
    if sequence_length.ndim != 1:
        raise ValueError(
            "Argument sequence_length must be a vector of length batch_size. Received "
            f"sequence_length of shape: {sequence_length.shape}"
        )
    if sequence_length.shape[0] != batch_size:
        raise ValueError(
            f"sequence_length has {sequence_length.shape[0]} entries but the batch has "
            f"{batch_size} sequences (TF1 fails the same check at run time)."
        )
    return sequence_length


def _mask_step(time, sequence_length, zero_output, state, output, new_state):
    """TF1's ``_rnn_step``: past a sequence's length, zero output and the state frozen."""
    copy = time >= sequence_length  # [batch]

    def pick(old, new):
        cond = copy.reshape(copy.shape + (1,) * (jnp.ndim(new) - 1))
        return jnp.where(cond, old, new)

    output = jax.tree.map(pick, zero_output, output)
    new_state = jax.tree.map(pick, state, new_state)
    return output, new_state


def _prebuild(cell, inputs_tm) -> bool:
    """Creates the variables of a ``jaxscope.nn.rnn_cell`` cell before (outside) the loop; False
    for any other cell (one that makes variables in ``call``): the step's one trace makes them."""
    prebuild = getattr(cell, "_prebuild", None)
    leaves = jax.tree.leaves(inputs_tm)
    return (
        len(leaves) == 1
        and prebuild is not None
        and prebuild(tuple(leaves[0].shape[1:]), leaves[0].dtype)
    )


def dynamic_rnn(
    cell,
    inputs,
    sequence_length=None,
    initial_state=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """Runs ``cell`` over the time axis of ``inputs`` with one ``jax.lax.scan``.

    Args:
      cell: an ``RNNCell`` (``jaxscope.nn.rnn_cell``) or any object with ``state_size``,
        ``output_size`` and ``__call__(inputs, state) -> (output, new_state)``.
      inputs: ``[batch, time, ...]`` (``[time, batch, ...]`` with ``time_major=True``), or a
        nested structure of such arrays.
      sequence_length: optional ``[batch]`` int vector: past a sequence's length its outputs
        are zeros and its state is frozen (the final state is the state at its last step). As
        in TF1's ``dynamic_rnn``, which checks neither, a length above max_time runs every step
        and a negative one none (zero outputs, the initial state).
      initial_state: the initial state (default: ``cell.zero_state(batch, dtype)``).
      dtype: the state's dtype; required without ``initial_state``.
      parallel_iterations, swap_memory: accepted for TF1 compatibility; no effect in JAX.
      time_major: the layout of ``inputs`` and outputs.
      scope: the variable scope (default ``"rnn"``): a name or a ``VariableScope``.

    Returns:
      ``(outputs, final_state)``: outputs ``[batch, time, output_size]`` (time-major if
      ``time_major``), the final state with the structure of ``cell.state_size``.

    Raises:
      MissingInitialStateError (a ``ValueError``) without ``initial_state`` and ``dtype``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x, lengths):
      ...     cell = js.nn.rnn_cell.BasicLSTMCell(4)
      ...     return js.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=jnp.float32)
      >>> f = js.transform(model)
      >>> x, lengths = jnp.ones([2, 5, 3]), jnp.array([5, 2])
      >>> variables = f.init(jax.random.key(0), x, lengths)
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'rnn': {'basic_lstm_cell': {'bias': (16,), 'kernel': (7, 16)}}}}
      >>> outputs, state = jax.jit(f.apply)(variables, x, lengths)
      >>> outputs.shape, bool((outputs[1, 2:] == 0).all()), bool((state.h[1] == outputs[1, 1]).all())
      ((2, 5, 4), True, True)

    TF1 equivalent: tf.compat.v1.nn.dynamic_rnn
    """
    del parallel_iterations, swap_memory
    with variable_scope(scope or "rnn") as varscope:
        flat = [jnp.asarray(x) for x in jax.tree.leaves(inputs)]
        if not time_major:
            flat = [_time_major(x) for x in flat]
        _check_inputs(flat)
        steps, batch_size = flat[0].shape[:2]
        inputs_tm = jax.tree.unflatten(jax.tree.structure(inputs), flat)
        sequence_length = _sequence_length(sequence_length, batch_size)
        state = _initial_state(cell, batch_size, initial_state, dtype, "dynamic_rnn")
        state_dtype = _infer_state_dtype(dtype, state)
        prebuilt = _prebuild(cell, inputs_tm)
        zero_output = _zeros_like_output(cell, batch_size, state_dtype)
        fr = frame.current("dynamic_rnn")
        key = _loop_key(fr)

        def call(input_t, state):
            reuse = True if prebuilt else None
            with variable_scope(varscope, reuse=reuse, auxiliary_name_scope=False):
                return cell(input_t, state)

        x0 = jax.tree.map(lambda x: x[0] if steps else jnp.zeros(x.shape[1:], x.dtype), inputs_tm)
        body = _Body(fr, call, (x0, state), _step_key(key, 0), "dynamic_rnn cell")

        def step(carry, xs):
            state, carried = carry
            time, input_t = xs
            (output, new_state), new = body((input_t, state), carried, _step_key(key, time))
            new_state = jax.tree.map(_like, new_state, state)
            if sequence_length is not None:
                output, new_state = _mask_step(
                    time, sequence_length, zero_output, state, output, new_state
                )
            return (new_state, {**carried, **new}), output

        (final_state, carried), outputs = jax.lax.scan(
            step, (state, body.initial_carry()), (jnp.arange(steps, dtype=jnp.int32), inputs_tm)
        )
        body.finish(carried)
        if not time_major:
            outputs = jax.tree.map(_time_major, outputs)
        return outputs, final_state


def _like(new, old):
    """The scan carry keeps its dtype (a Python-float state would otherwise change type)."""
    return jnp.asarray(new, jnp.asarray(old).dtype)


def _check_inputs(flat):
    if not flat:
        raise ValueError("dynamic_rnn: inputs must contain at least one array.")
    for x in flat:
        if x.ndim < 3:
            raise ValueError(
                f"dynamic_rnn: inputs must be at least [batch, time, depth] (rank 3); got shape "
                f"{x.shape} (after time_major handling). Add a depth axis: x[..., None]."
            )
        if x.shape[:2] != flat[0].shape[:2]:
            raise ValueError(
                "Time steps or batch size is not the same for all the elements in the input: "
                f"{[tuple(y.shape) for y in flat]}."
            )


def _reverse(x, sequence_length, time_axis, batch_axis):
    """``tf.reverse_sequence``: reverse the first ``sequence_length[b]`` steps of each row."""
    if sequence_length is None:
        return jnp.flip(x, time_axis)
    steps = x.shape[time_axis]
    t = jnp.arange(steps)
    lengths = jnp.asarray(sequence_length, jnp.int32)
    lengths = jnp.minimum(lengths, steps)
    idx = jnp.where(t[None, :] < lengths[:, None], lengths[:, None] - 1 - t[None, :], t[None, :])
    # idx is [batch, time]; gather along time, per batch row.
    if batch_axis == 0:
        idx = idx.reshape(idx.shape + (1,) * (x.ndim - 2))
        return jnp.take_along_axis(x, idx, axis=1)
    idx = idx.T.reshape((steps, -1) + (1,) * (x.ndim - 2))
    return jnp.take_along_axis(x, idx, axis=0)


def _check_lengths(sequence_length, inputs, time_axis) -> None:
    """TF1's ``reverse_sequence`` refuses lengths outside ``[0, max_time]``; jax would clip."""
    if sequence_length is None or isinstance(sequence_length, Tracer):
        return
    steps = jnp.shape(jax.tree.leaves(inputs)[0])[time_axis]
    lengths = np.asarray(sequence_length).reshape(-1)
    bad = np.flatnonzero((lengths < 0) | (lengths > steps))
    if bad.size:
        i = int(bad[0])
        raise SequenceLengthError("bidirectional_dynamic_rnn", i, int(lengths[i]), steps)


def bidirectional_dynamic_rnn(
    cell_fw,
    cell_bw,
    inputs,
    sequence_length=None,
    initial_state_fw=None,
    initial_state_bw=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """A forward and a backward ``dynamic_rnn`` in ``bidirectional_rnn/fw`` and ``/bw``.

    The backward cell reads each sequence reversed within its length (TF1's
    ``reverse_sequence``; padding stays at the end), and its outputs are reversed back, so
    ``outputs[1][:, t]`` is the backward state after reading steps ``t ... length - 1``.

    ``sequence_length`` must be in ``[0, max_time]`` (TF1's ``reverse_sequence`` refuses any
    other length at run time). A concrete one is checked; a traced one (under ``jax.jit``) is
    clipped to ``[0, max_time]``: both directions then read as TF1's ``dynamic_rnn`` does.

    Args:
      cell_fw, cell_bw: the forward and backward cells (as ``dynamic_rnn``'s ``cell``); their
        variables are created under ``<scope>/fw/`` and ``<scope>/bw/``.
      inputs: ``[batch, time, ...]`` (``[time, batch, ...]`` with ``time_major=True``), or a
        nested structure of such arrays.
      sequence_length: optional ``[batch]`` int vector, in ``[0, max_time]``.
      initial_state_fw, initial_state_bw: each direction's initial state (default: its cell's
        zero state).
      dtype: the states' dtype; required without both initial states.
      parallel_iterations, swap_memory: accepted for TF1 compatibility; no effect in JAX.
      time_major: the layout of ``inputs`` and outputs.
      scope: the variable scope (default ``"bidirectional_rnn"``).

    Returns:
      ``((output_fw, output_bw), (output_state_fw, output_state_bw))``: both outputs in the
      layout of ``inputs``, ``output_bw`` back in the inputs' time order.

    Raises:
      SequenceLengthError (a ``ValueError``): a concrete ``sequence_length`` out of range.
      MissingInitialStateError (a ``ValueError``): no initial state and no ``dtype``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x, lengths):
      ...     rc = js.nn.rnn_cell
      ...     return js.nn.bidirectional_dynamic_rnn(rc.GRUCell(3), rc.GRUCell(2), x,
      ...                                            sequence_length=lengths, dtype=jnp.float32)
      >>> f = js.transform(model)
      >>> x, lengths = jnp.ones([2, 5, 4]), jnp.array([5, 3])
      >>> variables = f.init(jax.random.key(0), x, lengths)
      >>> sorted(variables["params"]["bidirectional_rnn"])
      ['bw', 'fw']
      >>> (out_fw, out_bw), (state_fw, state_bw) = jax.jit(f.apply)(variables, x, lengths)
      >>> out_fw.shape, out_bw.shape, bool((out_bw[1, 3:] == 0).all())
      ((2, 5, 3), (2, 5, 2), True)
      >>> bool((state_bw[1] == out_bw[1, 0]).all())  # the backward pass ends at step 0
      True

    TF1 equivalent: tf.compat.v1.nn.bidirectional_dynamic_rnn
    """
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)
    _check_lengths(sequence_length, inputs, time_axis)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                parallel_iterations, swap_memory, time_major, scope=fw_scope,
            )  # fmt: skip

        def rev(x):
            return _reverse(jnp.asarray(x), sequence_length, time_axis, batch_axis)

        with variable_scope("bw") as bw_scope:
            tmp, state_bw = dynamic_rnn(
                cell_bw, jax.tree.map(rev, inputs), sequence_length, initial_state_bw, dtype,
                parallel_iterations, swap_memory, time_major, scope=bw_scope,
            )  # fmt: skip
    output_bw = jax.tree.map(rev, tmp)
    return (output_fw, output_bw), (state_fw, state_bw)


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """The cell over a Python list of ``[batch, depth]`` inputs (TF1's static, unrolled RNN).

    Step 0 runs as TF1's first step: it creates the cell's variables, with TF1's names and in
    TF1's order, in ``scope`` (default ``rnn``). Then the scope reuses its variables
    (``reuse_variables()``, as TF1) and the T steps run as one ``jax.lax.scan`` whose body is
    the cell traced once (``js.scan``'s machinery), from the initial state: XLA compiles one
    step and a loop instead of T copies of the cell, with the unrolled loop's outputs, final
    state and gradients. The unrolled step 0 only made the variables: its results are unused,
    so under ``jax.jit`` XLA drops it (eagerly it costs one step). With ``sequence_length``,
    outputs past a sequence's end are zeros and its state is frozen.

    The steps run unrolled, as TF1 wrote them, where a loop cannot give TF1's result:

    * the inputs differ in structure, shape or dtype from step to step (ragged steps);
    * the state the cell returns differs in shape or dtype from the one it is given;
    * a step after the first assigns a variable or files a value in a collection (TF1's
      unrolled steps each file a usable value; a loop body's would be loop tensors).

    A cell that creates a variable after step 0 (only an ``AUTO_REUSE`` scope inside the cell
    can) keeps the loop: the variable is created once, as TF1's step 1 created it, and what that
    step files is a ``LoopTensor``. Inside the loop ``js.next_rng_key()`` gives each step its
    own key (dropout draws a new mask each step, as TF1's unrolled steps did).

    Args:
      cell: an ``RNNCell`` (``jaxscope.nn.rnn_cell``) or any object with ``state_size``,
        ``output_size``, ``zero_state`` and ``__call__(inputs, state) -> (output, new_state)``.
      inputs: a non-empty list (or tuple) of ``[batch, depth]`` arrays, or of nested
        structures of such arrays, one per time step.
      initial_state: the initial state (default: ``cell.zero_state(batch, dtype)``).
      dtype: the state's dtype; required without ``initial_state``.
      sequence_length: optional ``[batch]`` int vector: past a sequence's length its outputs
        are zeros and its state is frozen (the final state is its state at its last step).
      scope: the variable scope (default ``"rnn"``): a name or a ``VariableScope``.

    Returns:
      ``(outputs, state)``: a list with one output per input (``[batch, output_size]``), and
      the final state with the structure of ``cell.state_size``.

    Raises:
      TypeError: ``inputs`` is not a list or tuple.
      ValueError: ``inputs`` is empty, or ``sequence_length`` is not a ``[batch]`` vector.
      MissingInitialStateError (a ``ValueError``): neither ``initial_state`` nor ``dtype``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     cell = js.nn.rnn_cell.BasicLSTMCell(4)
      ...     steps = [x[:, t] for t in range(x.shape[1])]
      ...     return js.nn.static_rnn(cell, steps, dtype=jnp.float32)
      >>> f = js.transform(model)
      >>> x = jnp.ones([2, 20, 3])
      >>> variables = f.init(jax.random.key(0), x)
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'rnn': {'basic_lstm_cell': {'bias': (16,), 'kernel': (7, 16)}}}}
      >>> outputs, state = jax.jit(f.apply)(variables, x)
      >>> len(outputs), outputs[19].shape, bool((state.h == outputs[19]).all())
      (20, (2, 4), True)
      >>> str(jax.make_jaxpr(f.apply)(variables, x)).count("scan[")  # one loop, not 19 cells
      1

    TF1 equivalent: tf.compat.v1.nn.static_rnn
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs must be a sequence (a list of [batch, depth] arrays); got "
                        f"{type(inputs).__name__}. For one array use dynamic_rnn.")  # fmt: skip
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "rnn") as varscope:
        first = jax.tree.leaves(inputs[0])[0]
        batch_size = jnp.shape(first)[0]
        state = _initial_state(cell, batch_size, initial_state, dtype, "static_rnn")
        sequence_length = _sequence_length(sequence_length, batch_size)
        zero_output = None
        if sequence_length is not None:
            zero_output = _zeros_like_output(cell, batch_size, _infer_state_dtype(dtype, state))

        def mask(time, state, output, new_state):
            if sequence_length is None:
                return output, new_state
            return _mask_step(time, sequence_length, zero_output, state, output, new_state)

        def step(time, input_, state):
            return mask(time, state, *cell(input_, state))

        output, state1 = step(0, inputs[0], state)  # creates the variables, as TF1's step 0
        if len(inputs) == 1:
            return [output], state1
        varscope.reuse_variables()
        # Every step in the loop, step 0 too: under jit XLA drops the unrolled step 0 (its
        # results go unused), so the program holds the loop only (a third less compiling than
        # step 0 beside a loop of T-1 steps, for the PTB model).
        scanned = _scan_steps(cell, inputs, state, mask)
        if scanned is not None:
            return scanned
        outputs, state = [output], state1  # unrolled, as TF1
        for time, input_ in enumerate(inputs[1:], 1):
            output, state = step(time, input_, state)
            outputs.append(output)
    return outputs, state


def _same_steps(inputs) -> bool:
    """Every input has the first's structure, shapes and dtypes (a loop's ``xs`` can stack)."""
    want = _avals(inputs[0])
    return all(_avals(input_) == want for input_ in inputs[1:])


def _avals(tree):
    leaves, structure = jax.tree.flatten(tree)
    return structure, [(tuple(jnp.shape(x)), jnp.result_type(x)) for x in leaves]


def _scan_steps(cell, inputs, state, mask):
    """The steps of ``static_rnn`` as one ``lax.scan`` over the cell traced once (a ``_Body``)
    with its variables reused; ``(outputs, state)``, or None where the loop would not be TF1's
    unrolled steps (``static_rnn``'s docstring lists when), leaving the frame as it found it."""
    fr = frame.peek()
    if fr is None or fr.mode is frame.DETACHED or not _same_steps(inputs):
        return None  # outside a transform a cell that makes no variables runs unrolled
    lengths = {k: len(v) for k, v in fr.collections.items()}
    names, counts = dict(fr.names.names_in_use), dict(fr.scope_counts)
    key = _loop_key(fr)
    x0 = jax.tree.map(jnp.asarray, inputs[0])
    body = _Body(fr, cell, (x0, state), _step_key(key, 0), "static_rnn cell")
    structure, avals = _avals(body.out_shapes[1])
    same_state = avals == _avals(state)[1]
    filed = any(len(v) != lengths.get(k, 0) for k, v in fr.collections.items())
    if not body.created and (body.assigned or filed or not same_state):
        _drop_items(fr, lengths)
        fr.names.names_in_use, fr.scope_counts = names, counts  # step 1 names its ops anew
        return None
    # the carry takes the cell's structure (an LSTMStateTuple for a plain tuple), as TF1's
    # state after step 0
    state = jax.tree.unflatten(structure, jax.tree.leaves(state))
    inputs_tm = jax.tree.map(lambda *xs: jnp.stack(xs), *inputs)
    steps = jnp.arange(len(inputs), dtype=jnp.int32)

    def scan_step(carry, xs):
        state, carried = carry
        time, input_t = xs
        (output, new_state), new = body((input_t, state), carried, _step_key(key, time))
        output, new_state = mask(time, state, output, jax.tree.map(_like, new_state, state))
        return (new_state, {**carried, **new}), output

    (state, carried), outputs = jax.lax.scan(
        scan_step, (state, body.initial_carry()), (steps, inputs_tm)
    )
    body.finish(carried)
    return [jax.tree.map(lambda x, i=i: x[i], outputs) for i in range(len(inputs))], state


def _drop_items(fr, lengths) -> None:
    """Takes the items a traced loop body filed back out of the frame's collections."""
    for k, items in fr.collections.items():
        for x in items[lengths.get(k, 0) :]:
            fr.item_names.pop(id(x), None)
            fr.aliases.pop(id(x), None)
        del items[lengths.get(k, 0) :]
