"""What TF1 model files keep from graph mode: ``control_dependencies``, the ``assert_*`` family and
``Print``, TF1's error classes, and the names that cannot exist without a graph and a Session
(each raises :class:`GraphOnlyError` saying what to write instead)."""

from __future__ import annotations

import builtins
import contextlib

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import convert, op_name
from jaxscope._src.compat.errors import GraphOnlyError, OpArgumentError
from jaxscope._src.core import frame
from jaxscope._src.core.ops import Op
from jaxscope._src.errors import JaxscopeError
from jaxscope._src.train import tf1_hooks


# -- tf.errors ----------------------------------------------------------------------------------
class OpError(JaxscopeError):
    """``tf.errors.OpError``: what TF1 raised when an op failed at run time.

    Constructed as TF1's: ``OpError(node_def, op, message, error_code)`` (the subclasses:
    ``(node_def, op, message)``); ``str(e)`` is the message.

    Args:
        node_def: TF1's failing node (always None here: there is no graph).
        op: The failing op (always None here).
        message: The error message.
        error_code: TF's error code, an int.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> e = tf.errors.OpError(None, None, "it failed", 2)
        >>> str(e), e.error_code
        ('it failed', 2)

    TF1 equivalent: tf.compat.v1.errors.OpError
    """

    def __init__(self, node_def, op, message, error_code, *args):
        super().__init__(message)
        self._node_def, self._op, self._message = node_def, op, message
        self._error_code = error_code
        self._experimental_payloads = args[0] if args else {}

    message = property(lambda self: self._message, doc="The error message.")
    op = property(lambda self: self._op, doc="The failed op: always None here (no graph).")
    node_def = property(lambda self: self._node_def, doc="Always None here (no graph).")
    error_code = property(lambda self: self._error_code, doc="TF's error code (an int).")
    experimental_payloads = property(lambda self: self._experimental_payloads)

    def __str__(self) -> str:
        return str(self._message)

    def __reduce__(self):
        if type(self) is OpError:
            return OpError, (self._node_def, self._op, self._message, self._error_code)
        return type(self), (self._node_def, self._op, self._message)


class InvalidArgumentError(OpError, ValueError):
    """``tf.errors.InvalidArgumentError`` (also a ``ValueError``: a bad value).

    Args:
        node_def: TF1's failing node (always None here).
        op: The failing op (always None here).
        message: The error message.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> e = tf.errors.InvalidArgumentError(None, None, "bad value")
        >>> isinstance(e, ValueError), e.message
        (True, 'bad value')

    TF1 equivalent: tf.compat.v1.errors.InvalidArgumentError
    """

    def __init__(self, node_def, op, message, *args):
        super().__init__(node_def, op, message, 3, *args)


class NotFoundError(OpError, FileNotFoundError):
    """``tf.errors.NotFoundError`` (also a ``FileNotFoundError``: ``tf.gfile`` on a missing path).

    Args:
        node_def: TF1's failing node (always None here).
        op: The failing op (always None here).
        message: The error message.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> try:
        ...     tf.gfile.Remove("/no/such/file")
        ... except tf.errors.NotFoundError as e:
        ...     print(isinstance(e, FileNotFoundError))
        True

    TF1 equivalent: tf.compat.v1.errors.NotFoundError
    """

    def __init__(self, node_def, op, message, *args):
        super().__init__(node_def, op, message, 5, *args)


class AlreadyExistsError(OpError, FileExistsError):
    """``tf.errors.AlreadyExistsError`` (also a ``FileExistsError``: ``tf.gfile`` onto a path).

    Args:
        node_def: TF1's failing node (always None here).
        op: The failing op (always None here).
        message: The error message.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> issubclass(tf.errors.AlreadyExistsError, FileExistsError)
        True

    TF1 equivalent: tf.compat.v1.errors.AlreadyExistsError
    """

    def __init__(self, node_def, op, message, *args):
        super().__init__(node_def, op, message, 6, *args)


class OutOfRangeError(OpError, IndexError):
    """``tf.errors.OutOfRangeError`` (also an ``IndexError``).

    Args:
        node_def: TF1's failing node (always None here).
        op: The failing op (always None here).
        message: The error message.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> issubclass(tf.errors.OutOfRangeError, IndexError)
        True

    TF1 equivalent: tf.compat.v1.errors.OutOfRangeError
    """

    def __init__(self, node_def, op, message, *args):
        super().__init__(node_def, op, message, 11, *args)


class UnimplementedError(OpError, NotImplementedError):
    """``tf.errors.UnimplementedError`` (also a ``NotImplementedError``).

    Args:
        node_def: TF1's failing node (always None here).
        op: The failing op (always None here).
        message: The error message.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> issubclass(tf.errors.UnimplementedError, NotImplementedError)
        True

    TF1 equivalent: tf.compat.v1.errors.UnimplementedError
    """

    def __init__(self, node_def, op, message, *args):
        super().__init__(node_def, op, message, 12, *args)


# -- device placement ---------------------------------------------------------------------------
@contextlib.contextmanager
def device(device_name):
    """A context that places nothing: ops and variables made inside are as outside.

    Differs from TF1: the device string is accepted and ignored (XLA places the computation;
    shard with ``jaxscope.sharding`` to spread it over devices).

    Args:
        device_name: A TF1 device string (``"/cpu:0"``, ...), a function or None; ignored.

    Yields:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> with tf.device("/gpu:0"):
        ...     x = tf.constant(1.)
        >>> x
        Array(1., dtype=float32)

    TF1 equivalent: tf.compat.v1.device
    """
    yield


# -- control dependencies -----------------------------------------------------------------------
@contextlib.contextmanager
def control_dependencies(control_inputs):
    """A context whose ops (train ops, ``tf.group``, ``tf.identity``, assigns) depend on
    ``control_inputs``: in a ``transform(..., fetch_dependent=True)`` program (the ``Runner``)
    fetching one of them runs the assigns that ``control_inputs`` depend on, as in TF1.

    Inside a TF1-style optimizer hook (``_apply_dense``) it does order: reads under it see the
    updates it names, as TF1's do (see ``jaxscope._src.train.tf1_hooks``).

    Differs from TF1: other values computed inside do not depend on ``control_inputs`` (fetch a
    ``tf.identity`` made inside instead); there is nothing to order otherwise, and the
    ``tf.assert_*`` ops usually given check when they are called (see :func:`assert_equal`).

    Args:
        control_inputs: A list of ops or tensors (or None, which clears the dependencies).

    Yields:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> import jax, jaxscope
        >>> def model():
        ...     v = tf.get_variable("v", [], initializer=tf.zeros_initializer())
        ...     with tf.control_dependencies([tf.assign_add(v, 1.)]):
        ...         return tf.identity(v.read_value())
        >>> f = jaxscope.transform(model)
        >>> out, variables = f.apply(f.init(jax.random.key(0)), mutable=True)
        >>> out, variables["params"]["v"]
        (Array(1., dtype=float32), Array(1., dtype=float32))

    TF1 equivalent: tf.compat.v1.control_dependencies
    """
    fr = frame.peek()
    inputs = [] if control_inputs is None else list(control_inputs)
    saved = fr.control if fr is not None else None
    if fr is not None:
        fr.control = saved + inputs
    try:
        with tf1_hooks.ordered_after(inputs):
            yield
    finally:
        if fr is not None:
            fr.control = saved


def no_op(name=None):
    """Does nothing.

    Differs from TF1: returns None, not an op (there is no op to run or depend on).

    Args:
        name: The op's name scope, as in TF1.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.no_op() is None
        True

    TF1 equivalent: tf.compat.v1.no_op
    """
    op_name(name, "NoOp")


def group(*inputs, **kwargs):
    """An op that runs ``inputs`` when fetched (their assigns, the ops among them).

    Differs from TF1: plain ``apply`` runs every assign whether or not the group is returned
    (``js.train.Runner`` runs them only when it is fetched, as TF1); outside a transformed
    function it returns None (there is no graph).

    Args:
        *inputs: Ops and tensors (or nested lists of them).
        **kwargs: ``name``: the op's name (default ``group_deps``).

    Returns:
        An ``Op`` inside a transformed function; None outside one.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.group(tf.constant(1.)) is None
        True

    TF1 equivalent: tf.compat.v1.group
    """
    op_name(kwargs.get("name"), "group_deps")
    if frame.peek() is None:
        return None
    with control_dependencies(_flat(inputs)):
        return Op(kwargs.get("name") or "group_deps", [])


def _flat(inputs) -> list:
    out: list = []
    for x in inputs:
        out.extend(_flat(x) if isinstance(x, (list, builtins.tuple)) else [x])
    return out


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF1's name
    """The tensors as a list (each converted; a None stays None); ``ValueError`` when none is given.

    Args:
        tensors: A list of tensors (or None entries).
        name: The op's name scope, as in TF1.
        control_inputs: Accepted for TF1's signature.

    Returns:
        A list of jax arrays (and None where a tensor was None).

    Raises:
        ValueError: every entry is None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.tuple([1., None])
        [Array(1., dtype=float32), None]

    TF1 equivalent: tf.compat.v1.tuple
    """
    op_name(name, "tuple")
    tensors = list(tensors)
    if all(t is None for t in tensors):
        raise OpArgumentError("tuple", f"'tensors' must have at least one Tensor. Received: "
                              f"{tensors}.", "pass the tensors: tf.tuple([a, b]).")  # fmt: skip
    return [None if t is None else convert(t, op="tuple", arg="tensors") for t in tensors]


# -- assertions -----------------------------------------------------------------------------------
def _check(ok, message: str, data) -> None:
    """Raises InvalidArgumentError if ``ok`` is false: now when concrete, else when the compiled
    program runs (through a host callback, which reaches the caller as jax's runtime error)."""

    def fail(ok, *values):
        if not bool(np.all(ok)):
            shown = "; ".join(np.array2string(np.asarray(v), threshold=20) for v in values)
            raise InvalidArgumentError(None, None, message + (f" Data: {shown}" if values else ""))

    try:
        concrete = np.asarray(ok)
    except (jax.errors.TracerArrayConversionError, jax.errors.ConcretizationTypeError):
        jax.debug.callback(fail, ok, *data)
        return
    fail(concrete, *[np.asarray(v) for v in data])


# examples of the generated asserts: arguments that pass, arguments that fail
_BINARY_EXAMPLES = {
    "==": ("[1, 2], [1, 2]", "[1, 2], [1, 3]"),
    "!=": ("[1, 2], [3, 4]", "[1, 2], [1, 4]"),
    "<": ("[1, 2], [3, 4]", "[1, 5], [3, 4]"),
    "<=": ("[1, 2], [1, 4]", "[2, 2], [1, 4]"),
    ">": ("[5, 6], [3, 4]", "[5, 4], [3, 4]"),
    ">=": ("[5, 6], [5, 4]", "[4, 6], [5, 4]"),
}
_UNARY_EXAMPLES = {
    "> 0": ("[1, 2]", "[1, -2]"),
    "< 0": ("[-1, -2]", "[1, -2]"),
    ">= 0": ("[0, 2]", "[0, -2]"),
    "<= 0": ("[0, -2]", "[0, 2]"),
}


def _binary_assert(op, default, test, symbol):
    def assert_(x, y, data=None, summarize=None, message=None, name=None):
        op_name(name, default)
        xv, yv = convert(x, op=op, arg="x"), convert(y, op=op, arg="y")
        text = (
            f"{message + ' ' if message else ''}Condition x {symbol} y did not hold element-wise."
        )
        _check(test(xv, yv), text, [xv, yv] if data is None else [convert(d) for d in data])

    assert_.__name__ = op
    good, bad = _BINARY_EXAMPLES[symbol]
    assert_.__doc__ = f"""Checks ``x {symbol} y`` element-wise. Raises InvalidArgumentError (a ValueError).

    Differs from TF1: checked when called, if the values are concrete (TF1: when the returned
    op runs, and only if something depends on it); under jax.jit, when the compiled program
    runs, through a host callback (the error reaches the caller as jax's runtime error). Returns
    None, not an op.

    Args:
        x: A tensor.
        y: A tensor broadcasting against ``x``.
        data: Tensors shown when the check fails (``None``: ``x`` and ``y``).
        summarize: Accepted for TF1's signature.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: ``{default}``).

    Returns:
        None.

    Raises:
        InvalidArgumentError: the condition fails for an element (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.{op}({good}) is None
        True
        >>> try:
        ...     tf.{op}({bad})
        ... except ValueError as e:
        ...     print(type(e).__name__)
        InvalidArgumentError

    TF1 equivalent: tf.compat.v1.{op}"""
    return assert_


assert_equal = _binary_assert("assert_equal", "assert_equal", jnp.equal, "==")
assert_none_equal = _binary_assert("assert_none_equal", "assert_none_equal", jnp.not_equal, "!=")
assert_less = _binary_assert("assert_less", "assert_less", jnp.less, "<")
assert_less_equal = _binary_assert("assert_less_equal", "assert_less_equal", jnp.less_equal, "<=")
assert_greater = _binary_assert("assert_greater", "assert_greater", jnp.greater, ">")
assert_greater_equal = _binary_assert(
    "assert_greater_equal", "assert_greater_equal", jnp.greater_equal, ">="
)


def _unary_assert(op, test, what):
    def assert_(x, data=None, summarize=None, message=None, name=None):
        op_name(name, op)
        xv = convert(x, op=op, arg="x")
        text = f"{message + ' ' if message else ''}Condition x {what} did not hold element-wise."
        _check(test(xv), text, [xv] if data is None else [convert(d) for d in data])

    assert_.__name__ = op
    good, bad = _UNARY_EXAMPLES[what]
    assert_.__doc__ = f"""Checks that x is {what} element-wise.

    Differs from TF1: checked when called, as :func:`assert_equal` is (TF1: when the returned
    op runs); under jax.jit, when the compiled program runs. Returns None.

    Args:
        x: A tensor.
        data: Tensors shown when the check fails (``None``: ``x``).
        summarize: Accepted for TF1's signature.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: ``{op}``).

    Returns:
        None.

    Raises:
        InvalidArgumentError: an element is not {what} (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.{op}({good}) is None
        True
        >>> try:
        ...     tf.{op}({bad})
        ... except ValueError as e:
        ...     print(type(e).__name__)
        InvalidArgumentError

    TF1 equivalent: tf.compat.v1.{op}"""
    return assert_


assert_positive = _unary_assert("assert_positive", lambda x: x > 0, "> 0")
assert_negative = _unary_assert("assert_negative", lambda x: x < 0, "< 0")
assert_non_negative = _unary_assert("assert_non_negative", lambda x: x >= 0, ">= 0")
assert_non_positive = _unary_assert("assert_non_positive", lambda x: x <= 0, "<= 0")


def assert_rank(x, rank, message=None, name=None):
    """Checks the rank (static in jax: always checked when called). Raises ValueError, as TF1 does
    for a static rank.

    Args:
        x: A tensor.
        rank: The rank it must have, an int.
        message: Text the error starts with.
        name: The op's name scope, as in TF1.

    Returns:
        None.

    Raises:
        InvalidArgumentError: ``x``'s rank is not ``rank`` (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.assert_rank([[1.]], 2) is None
        True

    TF1 equivalent: tf.compat.v1.assert_rank
    """
    op_name(name, "assert_rank")
    xv = convert(x, op="assert_rank", arg="x")
    if xv.ndim != int(rank):
        raise InvalidArgumentError(
            None,
            None,
            f"{message + ' ' if message else ''}tf.assert_rank: tensor must have rank {int(rank)}, "
            f"got rank {xv.ndim} (shape {list(xv.shape)}).",
        )


def assert_type(tensor, tf_type, message=None, name=None):
    """Checks that ``tensor`` has dtype ``tf_type``.

    Args:
        tensor: A tensor.
        tf_type: The dtype it must have.
        message: Text the error starts with.
        name: The op's name scope, as in TF1.

    Returns:
        None.

    Raises:
        TypeError: ``tensor``'s dtype is not ``tf_type``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.assert_type(tf.constant(1.), tf.float32) is None
        True

    TF1 equivalent: tf.compat.v1.assert_type (raises TypeError, as TF1).
    """
    from jaxscope._src.compat.dtypes import as_dtype

    op_name(name, "assert_type")
    got = convert(tensor, op="assert_type", arg="tensor").dtype
    if got != as_dtype(tf_type).dtype:
        raise TypeError(
            f"{message + ' ' if message else ''}tf.assert_type: tensor has type {got.name}, "
            f"expected {as_dtype(tf_type).name}."
        )


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """Prints ``message`` and ``data`` when the program runs (``jax.debug.print``) and returns
    ``input_``.

    Differs from TF1: ``first_n`` and ``summarize`` are ignored (every run prints, values in
    numpy's format), and the text goes to jax.debug.print's output rather than TF1's log.

    Args:
        input_: The tensor returned.
        data: A list of tensors to print.
        message: Text printed first.
        first_n: Ignored.
        summarize: Ignored.
        name: The op's name scope, as in TF1.

    Returns:
        ``input_``, as a jax array.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.Print(tf.constant(2.), [tf.constant(3.)], message="x: ")
        x: 3.0
        Array(2., dtype=float32)

    TF1 equivalent: tf.compat.v1.Print
    """
    op_name(name, "Print")
    values = [convert(d) for d in data]
    jax.debug.print((message or "") + " ".join("{}" for _ in values), *values)
    return convert(input_, op="Print", arg="input_")


# -- names that need a graph and a Session ----------------------------------------------------------
_INSTEAD = {
    "sparse_placeholder": "make it an argument of the transformed function",
    "Session": "call the transformed function: variables = f.init(rng, x); y = f.apply(variables, "
    "x) (jax.jit(f.apply) compiles it)",
    "InteractiveSession": "call the transformed function: f.apply(variables, x)",
    "global_variables_initializer": "variables = f.init(rng, *inputs) creates and initializes them",
    "initialize_all_variables": "variables = f.init(rng, *inputs)",
    "local_variables_initializer": "variables = f.init(rng, *inputs)",
    "variables_initializer": "variables = f.init(rng, *inputs)",
    "tables_initializer": "build lookup tables as arrays outside the transformed function",
    "get_default_graph": "there is one namespace per init/apply call; use js.inspect(f, ...) "
    "to list the variables",
    "Graph": "each init/apply call is a fresh graph",
    "reset_default_graph": "each init/apply call starts fresh; nothing to reset",
    "py_func": "jax.pure_callback(fn, result_shape_dtypes, *args)",
    "numpy_function": "jax.pure_callback(fn, result_shape_dtypes, *args)",
    "FIFOQueue": "feed batches as arguments (e.g. from a tf.data or grain pipeline)",
    "RandomShuffleQueue": "feed batches as arguments (shuffle with numpy or grain)",
    "PaddingFIFOQueue": "feed batches as arguments",
    "enable_eager_execution": "jaxscope is always eager outside jax.jit; remove the call",
}


def _refused(name: str):
    def refused(*args, **kwargs):
        raise GraphOnlyError(name, _INSTEAD[name])

    refused.__name__ = name
    refused.__doc__ = (
        f"Raises GraphOnlyError: {_INSTEAD[name]}.\n\n    TF1 equivalent: tf.compat.v1.{name}"
    )
    return refused


REFUSED = {name: _refused(name) for name in _INSTEAD}


def disable_v2_behavior():
    """A no-op: jaxscope.compat.v1 is TF1's behaviour already.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.disable_eager_execution()

    TF1 equivalent: tf.compat.v1.disable_v2_behavior
    """


disable_eager_execution = disable_v2_behavior
disable_resource_variables = disable_v2_behavior
