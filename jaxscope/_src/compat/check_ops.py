"""More of TF1's graph-mode checks: ``tf.check_numerics`` and its relatives, ``tf.Assert``, and the
static ``assert_*`` checks (rank, scalar, integer, float dtype, near).

Value checks follow ``tf.assert_equal``: checked when called if the values are concrete, else when
the compiled program runs (through a host callback); they raise ``InvalidArgumentError`` (a
``ValueError``). Checks of shapes and dtypes, which jax always knows, raise when called, with the
builtin class TF1 raises at graph build (``ValueError`` / ``TypeError``).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, is_tensor, op_name
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.graph import InvalidArgumentError, _check


def _prefix(message) -> str:
    return f"{message} " if message else ""


def check_numerics(tensor, message, name=None):
    """``tensor``, checked to hold no NaN or Inf (raises InvalidArgumentError naming ``message``).
    Its gradient passes through unchecked.

    Args:
        tensor: A float tensor.
        message: The text the error starts with.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``CheckNumerics``).

    Returns:
        ``tensor``, as a jax array.

    Raises:
        TypeError: ``tensor`` is not a float.
        InvalidArgumentError: ``tensor`` holds a NaN or Inf (a ``ValueError``; when called with a
            concrete value, else when the compiled program runs).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.check_numerics([1., 2.], "loss")
        Array([1., 2.], dtype=float32)
        >>> try:
        ...     tf.debugging.check_numerics([1., float("nan")], "loss")
        ... except ValueError as e:
        ...     print(type(e).__name__)
        InvalidArgumentError

    TF1 equivalent: tf.compat.v1.check_numerics
    """
    op = "check_numerics"
    op_name(name, "CheckNumerics")
    x = convert(tensor, op=op, arg="tensor")
    if not dtypes.as_dtype(x.dtype).is_floating:
        raise OpTypeError(
            op, f"tensor has dtype {x.dtype.name}; the op checks floating-point tensors only."
        )
    _check(jnp.isfinite(x), f"{message} : Tensor had NaN or Inf values.", [])
    return x


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """:func:`check_numerics` with TF1's argument names (``x``/``t``, ``message``/``msg``).

    Args:
        t: The float tensor (TF1's old name of ``x``; give one of the two).
        msg: The error's text (TF1's old name of ``message``; give one of the two).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``CheckNumerics``).
        x: The float tensor.
        message: The error's text.

    Returns:
        The tensor, as a jax array.

    Raises:
        ValueError: both an argument and its old name are given.
        TypeError: the tensor is not a float.
        InvalidArgumentError: the tensor holds a NaN or Inf (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.verify_tensor_all_finite([1., 2.], "loss")
        Array([1., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.verify_tensor_all_finite
    """
    op = "verify_tensor_all_finite"
    for new, old, n, o in ((x, t, "x", "t"), (message, msg, "message", "msg")):
        if new is not None and old is not None:
            raise OpArgumentError(op, f"cannot specify both {o!r} and {n!r}.")
    value = x if x is not None else t
    return check_numerics(value, message if message is not None else msg, name=name)


def add_check_numerics_ops():
    """Returns None: there is no graph whose float ops could each get a check.

    Differs from TF1: nothing is checked. ``jax.config.update("jax_debug_nans", True)`` makes
    every jax operation that produces a NaN raise, the closest global switch; or wrap values in
    :func:`check_numerics`.

    Returns:
        None.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.add_check_numerics_ops() is None
        True

    TF1 equivalent: tf.compat.v1.add_check_numerics_ops
    """
    op_name(None, "CheckNumerics")


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF1's name
    """Checks that the boolean scalar ``condition`` holds (``data`` is shown when it fails). Returns
    None.

    Args:
        condition: A bool scalar.
        data: A list of tensors shown in the message when the check fails.
        summarize: Accepted for TF1's signature (all of ``data`` is shown).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Assert``).

    Returns:
        None.

    Raises:
        TypeError: ``condition`` is not bool.
        InvalidArgumentError: ``condition`` is False (a ``ValueError``; when called with a concrete
            value, else when the compiled program runs).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.Assert(tf.less(1, 2), [1, 2]) is None
        True
        >>> try:
        ...     tf.Assert(tf.less(2, 1), [2, 1])
        ... except ValueError as e:
        ...     print(type(e).__name__)
        InvalidArgumentError

    TF1 equivalent: tf.compat.v1.Assert (returns an op for control_dependencies)
    """
    op_name(name, "Assert")
    c = convert(condition, op="Assert", arg="condition")
    if c.dtype != np.bool_:
        raise OpTypeError("Assert", f"condition must be a bool tensor, got {c.dtype.name}.")
    _check(c, "assertion failed:", [convert(d) for d in data])


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """Checks ``|x - y| <= atol + rtol * |y|`` element-wise (``rtol``/``atol`` default to ten times
    the dtype's epsilon), as :func:`tf.assert_equal` checks. Returns None.

    Args:
        x: A float tensor.
        y: A tensor of ``x``'s dtype (a Python value converts to it), broadcasting against ``x``.
        rtol: The relative tolerance (``None``: ``10 * eps``).
        atol: The absolute tolerance (``None``: ``10 * eps``).
        data: Tensors shown when the check fails (``None``: ``x`` and ``y``).
        summarize: Accepted for TF1's signature.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``assert_near``).

    Returns:
        None.

    Raises:
        ValueError: ``y`` is a tensor of another dtype, or ``x`` is not a float.
        InvalidArgumentError: an element is not near (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_near([1., 2.], [1., 2.0000001]) is None
        True

    TF1 equivalent: tf.compat.v1.assert_near
    """
    op = "assert_near"
    op_name(name, "assert_near")
    xv = convert(x, op=op, arg="x")
    if is_tensor(y) and jnp.asarray(y).dtype != xv.dtype:  # TF1: tensor conversion requested
        raise OpArgumentError(
            op,
            f"y has dtype {jnp.asarray(y).dtype.name}, x has {xv.dtype.name}.",
            f"tf.cast(y, tf.{xv.dtype.name})",
        )
    yv = convert(y, xv.dtype, op, "y")
    if not dtypes.as_dtype(xv.dtype).is_floating:
        raise OpArgumentError(op, f"x has dtype {xv.dtype.name}; the op compares floats.")
    eps = float(jnp.finfo(xv.dtype).eps) * 10
    rt = eps if rtol is None else rtol
    at = eps if atol is None else atol
    ok = jnp.abs(xv - yv) <= jnp.asarray(at, xv.dtype) + jnp.asarray(rt, xv.dtype) * jnp.abs(yv)
    text = f"{_prefix(message)}x and y not equal to tolerance rtol = {rt}, atol = {at}."
    _check(ok, text, [xv, yv] if data is None else [convert(d) for d in data])


def assert_scalar(tensor, name=None, message=None):
    """``tensor``, checked to be a scalar (ValueError otherwise).

    Args:
        tensor: A tensor.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``assert_scalar``).
        message: Text the error starts with.

    Returns:
        ``tensor``, as a jax array.

    Raises:
        ValueError: ``tensor`` is not a scalar.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_scalar(3.)
        Array(3., dtype=float32)

    TF1 equivalent: tf.compat.v1.assert_scalar
    """
    op_name(name, "assert_scalar")
    t = convert(tensor, op="assert_scalar", arg="tensor")
    if t.ndim != 0:
        raise OpArgumentError(
            "assert_scalar", f"{_prefix(message)}Expected scalar shape, saw shape {list(t.shape)}."
        )
    return t


def assert_integer(x, message=None, name=None):
    """Checks that ``x`` has an integer dtype (TypeError otherwise). Returns None.

    Args:
        x: A tensor.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``assert_integer``).

    Returns:
        None.

    Raises:
        TypeError: ``x`` is not an integer.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_integer([1, 2]) is None
        True

    TF1 equivalent: tf.compat.v1.assert_integer
    """
    op_name(name, "assert_integer")
    xv = convert(x, op="assert_integer", arg="x")
    if not dtypes.as_dtype(xv.dtype).is_integer:
        raise OpTypeError(
            "assert_integer",
            f"{_prefix(message)}Expected integer type, x has dtype {xv.dtype.name}.",
        )


def _ranks(op: str, x, ranks, test, what: str, message) -> None:
    xv = convert(x, op=op, arg="x")
    if not test(xv.ndim):
        raise InvalidArgumentError(
            None,
            None,
            f"{_prefix(message)}tf.{op}: tensor must have rank {what} {ranks}, got rank "
            f"{xv.ndim} (shape {list(xv.shape)}).",
        )


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """Checks that ``x`` has rank ``rank`` or more (a ValueError: ranks are static in jax).

    Args:
        x: A tensor.
        rank: The least rank, an int.
        data: Accepted for TF1's signature.
        summarize: Accepted for TF1's signature.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``assert_rank_at_least``).

    Returns:
        None.

    Raises:
        InvalidArgumentError: ``x``'s rank is below ``rank`` (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_rank_at_least([[1.]], 1) is None
        True

    TF1 equivalent: tf.compat.v1.assert_rank_at_least
    """
    op_name(name, "assert_rank_at_least")
    r = int(rank)
    _ranks("assert_rank_at_least", x, r, lambda n: n >= r, "at least", message)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """Checks that ``x``'s rank is one of ``ranks`` (a ValueError: ranks are static in jax).

    Args:
        x: A tensor.
        ranks: A list of the ranks allowed.
        data: Accepted for TF1's signature.
        summarize: Accepted for TF1's signature.
        message: Text the error starts with.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``assert_rank_in``).

    Returns:
        None.

    Raises:
        InvalidArgumentError: ``x``'s rank is not in ``ranks`` (a ``ValueError``).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_rank_in([1., 2.], [1, 2]) is None
        True

    TF1 equivalent: tf.compat.v1.assert_rank_in
    """
    op_name(name, "assert_rank_in")
    rs = [int(r) for r in ranks]
    _ranks("assert_rank_in", x, rs, lambda n: n in rs, "in", message)


def assert_same_float_dtype(tensors=None, dtype=None):
    """The one floating dtype of ``tensors`` (and ``dtype``, when given): float32 when neither says.
    Raises ValueError for a non-float or for two different dtypes.

    Args:
        tensors: A list of tensors, or ``None``.
        dtype: The float dtype expected, or ``None``.

    Returns:
        A ``DType``: the common float dtype (float32 when nothing says).

    Raises:
        ValueError: a dtype is not a float, or two differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.debugging.assert_same_float_dtype([tf.constant(1.)]) == tf.float32
        True

    TF1 equivalent: tf.compat.v1.assert_same_float_dtype
    """
    op = "assert_same_float_dtype"
    found = dtypes.as_dtype(dtype) if dtype is not None else None
    for t in tensors or []:
        d = dtypes.as_dtype(convert(t, op=op, arg="tensors").dtype)
        if found is not None and d != found:
            raise OpArgumentError(op, f"{d.name} tensor does not match expected type {found.name}.")
        found = d
    if found is None:
        return dtypes.float32
    if not found.is_floating:
        raise OpArgumentError(op, f"Expected floating point type, got {found.name}.")
    return found
