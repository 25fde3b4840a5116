"""TF1's ``tf.nn`` losses: the three ``*_cross_entropy_with_logits`` (and ``_v2``),
``weighted_cross_entropy_with_logits``, ``log_poisson_loss`` and ``l2_loss``.

The softmax cross entropies compute float16 and bfloat16 logits in float32 and cast the loss
back, as TF1 does, and their gradient is TF1's kernel's: ``softmax(logits) - labels`` times the
loss's cotangent (the exact gradient when each row of ``labels`` sums to 1, which TF1 assumes).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.compat.common import alias, convert, op_name
from jaxscope._src.compat.common import axis as _axis
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.nn_ops import check_dtype, shape_str
from jaxscope._src.nn.embedding import check_ids


def _needs_both(op: str, labels, logits) -> None:
    if labels is None or logits is None:
        raise OpArgumentError(
            op,
            "both labels and logits must be provided.",
            f"tf.{op}(labels=labels, logits=logits)",
        )


@jax.custom_jvp
def _softmax_xent(logits, labels):
    """TF1's ``SoftmaxCrossEntropyWithLogits`` kernel over the last axis."""
    shifted = logits - jnp.max(logits, axis=-1, keepdims=True)
    log_p = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=-1, keepdims=True))
    return -jnp.sum(labels * log_p, axis=-1)


@_softmax_xent.defjvp
def _softmax_xent_jvp(primals, tangents):
    logits, labels = primals
    d_logits, d_labels = tangents
    shifted = logits - jax.lax.stop_gradient(jnp.max(logits, axis=-1, keepdims=True))
    log_p = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=-1, keepdims=True))
    loss = -jnp.sum(labels * log_p, axis=-1)
    # TF1's backprop is softmax - labels (it takes sum(labels) == 1), and -log_softmax for labels
    tangent = jnp.sum((jnp.exp(log_p) - labels) * d_logits, axis=-1)
    return loss, tangent - jnp.sum(log_p * d_labels, axis=-1)


def _precise(x: jax.Array) -> jax.Array:
    return x.astype(jnp.float32) if x.dtype.name in ("float16", "bfloat16") else x


def _softmax_xent_v2(op: str, labels, logits, axis) -> jax.Array:
    lg = convert(logits, op=op, arg="logits")
    lb = convert(labels, op=op, arg="labels")
    check_dtype(op, lg, "logits")
    if lg.ndim == 0:
        raise OpArgumentError(op, "logits must have at least 1 dimension, got a scalar.")
    ax = _axis(op, -1 if axis is None else axis, lg.ndim)
    precise = _precise(lg)
    lb = lb.astype(precise.dtype)
    if lb.ndim != lg.ndim:
        raise OpArgumentError(
            op,
            f"labels {shape_str(lb.shape)} and logits {shape_str(lg.shape)} must have the same "
            "rank.",
        )
    precise, lb = jnp.moveaxis(precise, ax, -1), jnp.moveaxis(lb, ax, -1)
    try:
        np.broadcast_shapes(
            lb.reshape(-1, lb.shape[-1]).shape, precise.reshape(-1, precise.shape[-1]).shape
        )
    except ValueError:
        raise OpArgumentError(
            op,
            f"logits {shape_str(lg.shape)} and labels {shape_str(lb.shape)} must have the same "
            "shape (TF1: logits and labels must be broadcastable).",
        ) from None
    lb = jnp.broadcast_to(lb, precise.shape)
    return _softmax_xent(precise, lb).astype(lg.dtype)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """``-sum(labels * log_softmax(logits), axis)``: one loss per example, gradients into both
    ``logits`` and ``labels`` (``labels`` of any dtype are cast to the logits' float dtype).

    Args:
        labels: Class probabilities of ``logits``' shape (each row usually sums to 1).
        logits: Unnormalized log-probabilities, a float tensor.
        axis: The class axis (``None``: the last).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``softmax_cross_entropy_with_logits``).
        dim: TF1's old name of ``axis`` (give one of the two).

    Returns:
        A jax array of ``logits``' dtype and shape without the class axis.

    Raises:
        TypeError: ``logits`` is not a float.
        ValueError: the shapes differ, the axis is out of range, or both ``axis`` and ``dim`` are
            given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.softmax_cross_entropy_with_logits_v2([[0., 1.]], [[0., 0.]])
        Array([0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.softmax_cross_entropy_with_logits_v2 (the gradient is
    TF1's, see the module docstring)
    """
    op = "nn.softmax_cross_entropy_with_logits_v2"
    a = alias(op, axis, dim, "axis", "dim")
    op_name(name, "softmax_cross_entropy_with_logits")
    return _softmax_xent_v2(op, labels, logits, a)


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1, name=None, axis=None):
    """As :func:`softmax_cross_entropy_with_logits_v2`, but no gradient flows into ``labels`` (TF1
    stops it). ``dim`` defaults to -1, so giving ``axis=`` too is TF1's "Cannot specify both"
    ``ValueError``: pass ``dim=``.

    Args:
        labels: Class probabilities of ``logits``' shape (required).
        logits: Unnormalized log-probabilities, a float tensor (required).
        dim: The class axis (default the last).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``softmax_cross_entropy_with_logits_sg``).
        axis: Another name of ``dim``; giving it is TF1's "Cannot specify both" error, since ``dim``
            has a default.

    Returns:
        A jax array of ``logits``' dtype and shape without the class axis.

    Raises:
        TypeError: ``logits`` is not a float.
        ValueError: ``labels`` or ``logits`` is missing, the shapes differ, or ``axis`` is given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.softmax_cross_entropy_with_logits(labels=[[0., 1.]], logits=[[0., 0.]])
        Array([0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.softmax_cross_entropy_with_logits
    """
    op = "nn.softmax_cross_entropy_with_logits"
    d = alias(op, axis, dim, "axis", "dim")
    _needs_both(op, labels, logits)
    op_name(name, "softmax_cross_entropy_with_logits_sg")
    lb = jax.lax.stop_gradient(convert(labels, op=op, arg="labels"))
    return _softmax_xent_v2(op, lb, logits, d)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """``-log_softmax(logits)[label]`` per example: ``labels`` int32/int64 of ``logits``'s shape
    without its last dimension (float16 logits are computed in float32, as TF1).

    Differs from TF1: a label outside ``[0, num_classes)`` is refused when the labels are
    concrete (TF1's CPU kernel raises when it runs); traced (under ``jax.jit``) its loss is NaN
    (its gradient 0), as TF1's GPU kernel gives NaN -- never another class's loss.

    Args:
        labels: Class indices, int32/int64, of ``logits``' shape without its last dimension
            (required).
        logits: Unnormalized log-probabilities, a float tensor whose last dimension is the classes
            (required).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``SparseSoftmaxCrossEntropyWithLogits``).

    Returns:
        A jax array of ``logits``' dtype and ``labels``' shape.

    Raises:
        TypeError: ``logits`` is not a float or ``labels`` not int32/int64.
        ValueError: an argument is missing, the shapes do not fit, ``logits`` is a scalar, or a
            concrete label is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=[[0., 0.]])
        Array([0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.sparse_softmax_cross_entropy_with_logits
    """
    op = "nn.sparse_softmax_cross_entropy_with_logits"
    _needs_both(op, labels, logits)
    op_name(name, "SparseSoftmaxCrossEntropyWithLogits")
    lb = convert(labels, op=op, arg="labels")
    lg = convert(logits, op=op, arg="logits")
    if lg.ndim == 0:
        raise OpArgumentError(op, "logits cannot be a scalar.")
    if lb.shape != lg.shape[:-1]:
        raise OpArgumentError(
            op,
            f"labels {shape_str(lb.shape)} must have the shape of logits {shape_str(lg.shape)} "
            "without its last dimension (labels.rank == logits.rank - 1).",
            "one class index per example: labels of shape logits.shape[:-1]",
        )
    check_dtype(op, lg, "logits")
    check_dtype(op, lb, "labels", ("int32", "int64"))
    n = lg.shape[-1]
    check_ids(lb, n, f"tf.{op}", "labels", f"the {n} classes of logits (its last dimension)")
    precise = lg.astype(jnp.float32) if lg.dtype == jnp.float16 else lg
    log_p = jax.nn.log_softmax(precise, axis=-1)
    valid = (lb >= 0) & (lb < n)
    picked = jnp.take_along_axis(log_p, jnp.where(valid, lb, 0)[..., None], -1)[..., 0]
    return jnp.where(valid, -picked, jnp.nan).astype(lg.dtype)


def _pair(op: str, a, b, names=("logits", "labels")) -> tuple[jax.Array, jax.Array]:
    """Two inputs TF1 converts each on its own (a Python list of floats is float32) and then
    multiplies: one shape (a ``ValueError``), one dtype (a ``TypeError``)."""
    x, y = convert(a, op=op, arg=names[0]), convert(b, op=op, arg=names[1])
    if y.shape != x.shape:
        raise OpArgumentError(
            op,
            f"{names[0]} and {names[1]} must have the same shape, got {names[0]} "
            f"{shape_str(x.shape)} and {names[1]} {shape_str(y.shape)}.",
        )
    if y.dtype != x.dtype:
        raise OpTypeError(
            op,
            f"{names[1]} has dtype {y.dtype.name} that does not match dtype {x.dtype.name} of "
            f"{names[0]}.",
            f"tf.cast({names[1]}, tf.{x.dtype.name})",
        )
    return x, y


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """``max(x, 0) - x * z + log(1 + exp(-abs(x)))`` for ``x = logits``, ``z = labels`` (TF1's
    stable form), elementwise; ``labels`` and ``logits`` of one shape and dtype.

    Args:
        labels: Targets in ``[0, 1]``, of ``logits``' shape and dtype (required).
        logits: A float tensor (required).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``logistic_loss``).

    Returns:
        A jax array of ``logits``' shape and dtype.

    Raises:
        TypeError: ``logits`` is not a float, or the dtypes differ.
        ValueError: an argument is missing, or the shapes differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.sigmoid_cross_entropy_with_logits(labels=[1., 0.], logits=[0., 0.])
        Array([0.6931472, 0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.sigmoid_cross_entropy_with_logits
    """
    op = "nn.sigmoid_cross_entropy_with_logits"
    _needs_both(op, labels, logits)
    op_name(name, "logistic_loss")
    x, z = _pair(op, logits, labels)
    check_dtype(op, x, "logits")
    zero = jnp.zeros((), x.dtype)
    relu_x = jnp.where(x >= 0, x, zero)
    neg_abs = jnp.where(x >= 0, -x, x)
    return relu_x - x * z + jnp.log1p(jnp.exp(neg_abs))


def weighted_cross_entropy_with_logits(
    labels=None, logits=None, pos_weight=None, name=None, targets=None
):
    """The sigmoid cross entropy with the positive term weighted by ``pos_weight``:
    ``(1 - z) * x + (1 + (pos_weight - 1) * z) * (log(1 + exp(-abs(x))) + max(-x, 0))``.

    Args:
        labels: Targets of ``logits``' shape and dtype.
        logits: A float tensor.
        pos_weight: The weight of the positive term, of ``logits``' dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``logistic_loss``).
        targets: TF1's old name of ``labels`` (give one of the two).

    Returns:
        A jax array of ``logits``' shape and dtype.

    Raises:
        TypeError: ``logits`` is not a float, or the dtypes differ.
        ValueError: the shapes differ, or both ``labels`` and ``targets`` are given.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.weighted_cross_entropy_with_logits(labels=[1., 0.], logits=[0., 0.], pos_weight=2.)
        Array([1.3862944, 0.6931472], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.weighted_cross_entropy_with_logits (``targets`` is TF1's
    old name of ``labels``)
    """
    op = "nn.weighted_cross_entropy_with_logits"
    z = alias(op, labels, targets, "labels", "targets")
    op_name(name, "logistic_loss")
    x, z = _pair(op, logits, z)
    check_dtype(op, x, "logits")
    q = convert(pos_weight, x.dtype, op, "pos_weight")
    one = jnp.ones((), x.dtype)
    log_weight = one + (q - one) * z
    softplus_neg = jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(-x, jnp.zeros((), x.dtype))
    return (one - z) * x + log_weight * softplus_neg


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """``exp(log_input) - log_input * targets``, plus with ``compute_full_loss`` the Stirling term
    ``targets * log(targets) - targets + 0.5 * log(2 * pi * targets)`` where ``targets > 1``.

    Args:
        targets: A tensor of ``log_input``'s shape and dtype.
        log_input: The log of the predicted rate, a float tensor.
        compute_full_loss: Whether to add the Stirling term.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``log_poisson_loss``).

    Returns:
        A jax array of ``log_input``'s shape and dtype.

    Raises:
        TypeError: ``log_input`` is not a float, or the dtypes differ.
        ValueError: the shapes differ.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.log_poisson_loss([1., 2.], [0., 0.])
        Array([1., 1.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.log_poisson_loss
    """
    op = "nn.log_poisson_loss"
    op_name(name, "log_poisson_loss")
    c, t = _pair(op, log_input, targets, ("log_input", "targets"))
    check_dtype(op, c, "log_input")
    result = jnp.exp(c) - c * t
    if compute_full_loss:
        half, two_pi = jnp.asarray(0.5, t.dtype), jnp.asarray(2 * np.pi, t.dtype)
        stirling = t * jnp.log(t) - t + half * jnp.log(two_pi * t)
        result = result + jnp.where((t >= 0) & (t <= 1), jnp.zeros((), t.dtype), stirling)
    return result


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2``, a scalar of ``t``'s dtype.

    Args:
        t: A float tensor.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``L2Loss``).

    Returns:
        A jax scalar of ``t``'s dtype.

    Raises:
        TypeError: ``t`` is not a float.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.l2_loss([1., 2.])
        Array(2.5, dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.l2_loss
    """
    op_name(name, "L2Loss")
    x = convert(t, op="nn.l2_loss", arg="t")
    check_dtype("nn.l2_loss", x, "t")
    return jnp.sum(jnp.square(x) * jnp.asarray(0.5, x.dtype)).astype(x.dtype)
