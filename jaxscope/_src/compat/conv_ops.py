"""TF1's ``tf.nn`` convolutions and pooling: ``conv1d``, ``conv2d``, ``depthwise_conv2d``,
``separable_conv2d``, ``conv2d_transpose``, ``max_pool`` and ``avg_pool``.

Filters keep TF1's layouts (``[height, width, in_channels, out_channels]``; depthwise
``[height, width, in_channels, multiplier]``; transposed ``[height, width, out_channels,
in_channels]``); ``padding`` is ``"SAME"`` (the extra pixel at the end, as TF1), ``"VALID"``
or TF1's explicit list of ``[before, after]`` pairs, one per dimension of ``data_format``
(``"NHWC"`` or ``"NCHW"``). ``strides``, ``ksize`` and ``dilations`` take TF1's forms: an int,
one entry per spatial dimension, or one per dimension.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import alias, convert, op_name, same_dtype, static_ints
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.nn_ops import FLOATS, REALS, check_dtype, shape_str

_DIMENSION_NUMBERS = {False: ("NHWC", "HWIO", "NHWC"), True: ("NCHW", "HWIO", "NCHW")}


def _channels_first(op: str, data_format, last="NHWC", first="NCHW") -> bool:
    df = last if data_format is None else data_format
    if df not in (last, first):
        raise OpArgumentError(
            op, f"data_format must be {last!r} or {first!r}, got {data_format!r}."
        )
    return df == first


def _sequence(op: str, value, n: int, first: bool, arg: str) -> list[int]:
    """TF1's ``_get_sequence``: an int, ``n`` spatial entries or ``n + 2``, as ``n + 2``."""
    if value is None:
        return [1] * (n + 2)
    vals = static_ints(op, value, arg)
    if len(vals) == n + 2:
        return vals
    if len(vals) == 1:
        vals = vals * n
    elif len(vals) != n:
        raise OpArgumentError(
            op, f"{arg} should be of length 1, {n} or {n + 2}, got {vals} of length {len(vals)}."
        )
    return [1, 1, *vals] if first else [1, *vals, 1]


def _spatial(op: str, full: list[int], first: bool, arg: str) -> list[int]:
    outer = (full[0], full[1] if first else full[-1])
    if outer != (1, 1):
        raise OpArgumentError(
            op,
            f"{arg} {full} must be 1 in the batch and channel dimensions (TF1's kernels do not "
            f"support {arg} there).",
        )
    return full[2:] if first else full[1:-1]


def _padding(op: str, padding, first: bool, n: int = 2):
    """``"SAME"``, ``"VALID"`` or the spatial ``(before, after)`` pairs of an explicit list."""
    if isinstance(padding, str) and padding in ("SAME", "VALID"):
        return padding
    if not isinstance(padding, (list, tuple, np.ndarray)):
        raise OpArgumentError(
            op,
            f"padding must be 'SAME', 'VALID' or a list of [before, after] pairs, got {padding!r}.",
        )
    pairs = [static_ints(op, p, "padding") for p in padding]
    if len(pairs) != n + 2 or any(len(p) != 2 for p in pairs):
        raise OpArgumentError(
            op,
            f"an explicit padding must be {n + 2} pairs [before, after], one per dimension, "
            f"got {np.asarray(padding).tolist()}.",
        )
    outer = pairs[:2] if first else [pairs[0], pairs[-1]]
    if any(v for p in outer for v in p) or any(v < 0 for p in pairs for v in p):
        raise OpArgumentError(
            op,
            f"explicit padding {pairs} must be non-negative and 0 in the batch and channel "
            "dimensions.",
        )
    return [tuple(p) for p in (pairs[2:] if first else pairs[1:-1])]


def _pads(op: str, sizes, window, strides, dilations, padding):
    """The ``(before, after)`` pads and output sizes of TF1's windowed ops."""
    pads, outs = [], []
    for i, (n, k, s, d) in enumerate(zip(sizes, window, strides, dilations, strict=True)):
        ek = (k - 1) * d + 1
        if padding == "SAME":
            out = -(-n // s)
            total = max((out - 1) * s + ek - n, 0)
            lo, hi = total // 2, total - total // 2
        else:
            lo, hi = (0, 0) if padding == "VALID" else padding[i]
            if n + lo + hi < ek:
                raise OpArgumentError(
                    op,
                    f"negative dimension size caused by subtracting the window {ek} from the "
                    f"spatial size {n + lo + hi} (padded; {n} unpadded).",
                    'padding="SAME", or a smaller window',
                )
            out = (n + lo + hi - ek) // s + 1
        pads.append((lo, hi))
        outs.append(out)
    return pads, outs


def _conv(op: str, x, w, strides, dilations, padding, first: bool, groups: int = 1):
    axes = (2, 3) if first else (1, 2)
    pads, outs = _pads(op, [x.shape[a] for a in axes], w.shape[:2], strides, dilations, padding)
    if 0 in outs:
        o = w.shape[3]
        return jnp.zeros((x.shape[0], o, *outs) if first else (x.shape[0], *outs, o), x.dtype)
    return lax.conv_general_dilated(
        x, w, strides, pads, rhs_dilation=dilations,
        dimension_numbers=_DIMENSION_NUMBERS[first], feature_group_count=groups,
    )  # fmt: skip


def _inputs(op: str, input, filter, data_format):  # noqa: A002
    first = _channels_first(op, data_format)
    x, w = same_dtype(op, input=input, filter=filter)
    check_dtype(op, x, "input", FLOATS + ("int32",))
    if x.ndim < 4 or w.ndim != 4:
        raise OpArgumentError(
            op,
            f"input {shape_str(x.shape)} must be 4-D ({'NCHW' if first else 'NHWC'}) and filter "
            f"{shape_str(w.shape)} 4-D.",
        )
    return x, w, first


def _batched(fn, x):
    """TF1 runs a rank > 4 input with its leading dimensions folded into the batch."""
    if x.ndim == 4:
        return fn(x)
    y = fn(x.reshape((-1,) + x.shape[-3:]))
    return y.reshape(x.shape[:-3] + y.shape[1:])


def _conv2d(op, input, filter, strides, padding, data_format, dilations):  # noqa: A002
    x, w, first = _inputs(op, input, filter, data_format)
    pad = _padding(op, padding, first)
    s = _spatial(op, _sequence(op, strides, 2, first, "strides"), first, "strides")
    d = _spatial(op, _sequence(op, dilations, 2, first, "dilations"), first, "dilations")
    c = x.shape[1 if first else -1]
    if w.shape[2] == 0 or c % w.shape[2] or w.shape[3] % (c // w.shape[2] or 1):
        raise OpArgumentError(
            op,
            f"input has {c} channels and filter {shape_str(w.shape)} takes {w.shape[2]}: the "
            "filter's in_channels (dimension 2) must be the input's channels.",
        )
    return _batched(lambda y: _conv(op, y, w, s, d, pad, first, c // w.shape[2]), x)


def conv2d(
    input,  # noqa: A002
    filter=None,  # noqa: A002
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
):
    """A 2-D convolution of ``input`` ``[batch, height, width, channels]`` (or NCHW) with ``filter``
    ``[height, width, in_channels, out_channels]``.

    Args:
        input: A 4-D float tensor, NHWC (or NCHW with ``data_format``).
        filter: The kernel ``[height, width, in_channels, out_channels]`` of ``input``'s dtype
            (TF1's old name; give ``filter`` or ``filters``).
        strides: 1, 2 or 4 ints: the step of the window over the dimensions (batch and channel
            strides 1).
        padding: ``"SAME"``, ``"VALID"`` or explicit ``[[before, after], ...]`` pairs, one per
            dimension.
        use_cudnn_on_gpu: Ignored (XLA picks the kernel).
        data_format: ``"NHWC"`` or ``"NCHW"``.
        dilations: 1, 2 or 4 ints: the kernel's dilation.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Conv2D``).
        filters: The kernel (TF2's name; give ``filter`` or ``filters``).

    Returns:
        A jax array ``[batch, out_height, out_width, out_channels]`` (NHWC) of ``input``'s dtype.

    Raises:
        TypeError: the dtypes differ or are not floats, or ``padding`` is not a string or pairs.
        ValueError: the shapes, strides, dilations, padding or ``data_format`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), [1, 1, 1, 1], "VALID")[0, :, :, 0]
        Array([[4., 4.],
               [4., 4.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.conv2d (``use_cudnn_on_gpu`` is ignored: XLA picks the
    kernel)
    """
    op = "nn.conv2d"
    f = alias(op, filters, filter, "filters", "filter")
    op_name(name, "Conv2D")
    return _conv2d(op, input, f, strides, padding, data_format, dilations)


def conv1d(
    value=None,
    filters=None,
    stride=None,
    padding=None,
    use_cudnn_on_gpu=None,
    data_format=None,
    name=None,
    input=None,  # noqa: A002
    dilations=None,
):
    """A 1-D convolution of ``value`` ``[batch, width, channels]`` (``"NWC"``) or
    ``[batch, channels, width]`` (``"NCW"``) with ``filters``
    ``[width, in_channels, out_channels]``, as TF1 computes it: a 2-D convolution of height 1.

    Args:
        value: A 3-D float tensor, NWC (or NCW with ``data_format``) (give ``value`` or ``input``).
        filters: The kernel ``[width, in_channels, out_channels]`` of ``value``'s dtype.
        stride: An int, or 1 or 3 ints: the step of the window.
        padding: ``"SAME"`` or ``"VALID"``.
        use_cudnn_on_gpu: Ignored (XLA picks the kernel).
        data_format: ``"NWC"`` (or ``None``/``"NHWC"``) or ``"NCW"`` (or ``"NCHW"``).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``conv1d``).
        input: TF2's name of ``value`` (give one of the two).
        dilations: An int, or 1 or 3 ints: the kernel's dilation.

    Returns:
        A jax array ``[batch, out_width, out_channels]`` (NWC) of ``value``'s dtype.

    Raises:
        TypeError: the dtypes differ, or ``padding`` is not a string.
        ValueError: the shapes, stride, dilations or ``data_format`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.conv1d([[[1.], [2.], [3.]]], [[[1.]], [[1.]]], 1, "VALID")[0, :, 0]
        Array([3., 5.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.conv1d
    """
    op = "nn.conv1d"
    v = alias(op, input, value, "input", "value")
    op_name(name, "conv1d")
    df = {None: "NWC", "NHWC": "NWC", "NCHW": "NCW"}.get(data_format, data_format)
    first = _channels_first(op, df, "NWC", "NCW")
    x, w = same_dtype(op, value=v, filters=filters)
    if x.ndim < 3 or w.ndim != 3:
        raise OpArgumentError(
            op, f"value {shape_str(x.shape)} must be 3-D and filters {shape_str(w.shape)} 3-D."
        )
    s = _sequence(op, stride, 1, first, "stride")
    d = _sequence(op, dilations, 1, first, "dilations")
    if not isinstance(padding, str):
        raise OpTypeError(op, f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    at = x.ndim - 1 if first else x.ndim - 2
    y = _conv2d(
        op, jnp.expand_dims(x, at), w[None], [*s[:at], 1, *s[at:]], padding,
        "NCHW" if first else "NHWC", [*d[:at], 1, *d[at:]],
    )  # fmt: skip
    return jnp.squeeze(y, at)


def _depthwise(op, x, w, strides, padding, rate, data_format):
    first = _channels_first(op, data_format)
    pad = _padding(op, padding, first)
    full = static_ints(op, strides, "strides")
    if len(full) != 4:
        raise OpArgumentError(op, f"strides must have 4 entries, got {full}.")
    s = _spatial(op, full, first, "strides")
    if s[0] != s[1]:
        raise OpArgumentError(
            op, f"strides {full} must be equal in the row and column dimensions (TF1's kernel)."
        )
    d = [1, 1] if rate is None else static_ints(op, rate, "rate")
    if len(d) != 2:
        raise OpArgumentError(op, f"rate (dilations) must have 2 entries, got {d}.")
    if max(d) > 1 and max(s) > 1:
        raise OpArgumentError(
            op,
            f"strides {full} together with rate {d} > 1 is not supported (TF1 only warns, and "
            "strides the space-to-batch input, not the output).",
            "strides=[1, 1, 1, 1] with a rate, or rate=None with strides",
        )
    c = x.shape[1 if first else -1]
    if w.shape[2] != c:
        raise OpArgumentError(
            op,
            f"filter {shape_str(w.shape)} has in_channels {w.shape[2]}, the input {c} channels: "
            "they must be equal.",
        )
    kernel = w.reshape(w.shape[0], w.shape[1], 1, c * w.shape[3])
    return _conv(op, x, kernel, s, d, pad, first, c)


def depthwise_conv2d(
    input,  # noqa: A002
    filter,  # noqa: A002
    strides,
    padding,
    rate=None,
    name=None,
    data_format=None,
    dilations=None,
):
    """Each input channel convolved with its own ``multiplier`` filters: ``filter``
    ``[height, width, in_channels, multiplier]``, output channel ``c * multiplier + m``.

    Differs from TF1: ``rate`` > 1 with ``strides`` > 1 is refused (ValueError); TF1 warns and
    computes something else.

    Args:
        input: A 4-D float tensor, NHWC (or NCHW with ``data_format``).
        filter: The kernel ``[height, width, in_channels, multiplier]`` of ``input``'s dtype.
        strides: 4 ints ``[1, s_h, s_w, 1]`` (or 2).
        padding: ``"SAME"``, ``"VALID"`` or explicit pairs.
        rate: The dilation ``[r_h, r_w]`` (TF1's old name of ``dilations``; give one of the two).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``depthwise``).
        data_format: ``"NHWC"`` (or ``None``) or ``"NCHW"``.
        dilations: The dilation ``[r_h, r_w]``.

    Returns:
        A jax array ``[batch, out_height, out_width, in_channels * multiplier]`` (NHWC).

    Raises:
        TypeError: the dtypes differ or are not floats.
        ValueError: the shapes, strides, rate or padding do not fit, or a rate above 1 comes with a
            stride above 1.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.depthwise_conv2d(tf.ones([1, 2, 2, 2]), tf.ones([2, 2, 2, 1]), [1, 1, 1, 1], "VALID")
        Array([[[[4., 4.]]]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.depthwise_conv2d
    """
    op = "nn.depthwise_conv2d"
    r = alias(op, dilations, rate, "dilations", "rate")
    op_name(name, "depthwise")
    x, w, _ = _inputs(op, input, filter, data_format)
    return _depthwise(op, x, w, strides, padding, r, data_format)


def separable_conv2d(
    input,  # noqa: A002
    depthwise_filter,
    pointwise_filter,
    strides,
    padding,
    rate=None,
    name=None,
    data_format=None,
    dilations=None,
):
    """A depthwise convolution, then a 1x1 convolution with ``pointwise_filter``
    ``[1, 1, in_channels * multiplier, out_channels]``.

    Args:
        input: A 4-D float tensor, NHWC (or NCHW with ``data_format``).
        depthwise_filter: The depthwise kernel ``[height, width, in_channels, multiplier]``.
        pointwise_filter: The 1x1 kernel ``[1, 1, in_channels * multiplier, out_channels]``.
        strides: 4 ints ``[1, s_h, s_w, 1]`` (or 2), for the depthwise step.
        padding: ``"SAME"``, ``"VALID"`` or explicit pairs, for the depthwise step.
        rate: The depthwise dilation (TF1's old name of ``dilations``; give one of the two).
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``separable_conv2d``).
        data_format: ``"NHWC"`` (or ``None``) or ``"NCHW"``.
        dilations: The depthwise dilation ``[r_h, r_w]``.

    Returns:
        A jax array ``[batch, out_height, out_width, out_channels]`` (NHWC).

    Raises:
        TypeError: the dtypes differ or are not floats.
        ValueError: the shapes, strides, rate or padding do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.separable_conv2d(tf.ones([1, 2, 2, 2]), tf.ones([2, 2, 2, 1]), tf.ones([1, 1, 2, 3]), [1, 1, 1, 1], "VALID")
        Array([[[[8., 8., 8.]]]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.separable_conv2d
    """
    op = "nn.separable_conv2d"
    r = alias(op, dilations, rate, "dilations", "rate")
    op_name(name, "separable_conv2d")
    x, dw, first = _inputs(op, input, depthwise_filter, data_format)
    (pw,) = same_dtype(op, input=x, pointwise_filter=pointwise_filter)[1:]
    if pw.ndim != 4 or pw.shape[:2] != (1, 1) or pw.shape[2] != dw.shape[2] * dw.shape[3]:
        raise OpArgumentError(
            op,
            f"pointwise_filter {shape_str(pw.shape)} must be [1, 1, {dw.shape[2] * dw.shape[3]}, "
            "out_channels] (in_channels * channel_multiplier of the depthwise filter).",
        )
    y = _depthwise(op, x, dw, strides, padding, r, data_format)
    return _conv(op, y, pw, [1, 1], [1, 1], "VALID", first)


def conv2d_transpose(
    value=None,
    filter=None,  # noqa: A002
    output_shape=None,
    strides=None,
    padding="SAME",
    data_format="NHWC",
    name=None,
    input=None,  # noqa: A002
    filters=None,
    dilations=None,
):
    """The gradient of :func:`conv2d` with respect to its input (TF1's definition): ``value``
    ``[batch, height, width, in_channels]`` with ``filter``
    ``[height, width, out_channels, in_channels]`` to ``output_shape``.

    Differs from TF1: ``output_shape`` must be known when the program is traced (it decides
    the output's shape); TF1 takes a tensor.

    Args:
        value: A 4-D float tensor ``[batch, height, width, in_channels]`` (NHWC) (give ``value`` or
            ``input``).
        filter: The kernel ``[height, width, out_channels, in_channels]`` (give ``filter`` or
            ``filters``).
        output_shape: The output's shape: 4 ints (or the 2 spatial sizes), known when the program is
            traced.
        strides: 1, 2 or 4 ints: the strides of the forward convolution.
        padding: ``"SAME"``, ``"VALID"`` or explicit pairs, of the forward convolution.
        data_format: ``"NHWC"`` or ``"NCHW"``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name,
            ``conv2d_transpose``).
        input: TF2's name of ``value``.
        filters: TF2's name of ``filter``.
        dilations: The forward convolution's dilation.

    Returns:
        A jax array of ``output_shape`` and ``value``'s dtype.

    Raises:
        TypeError: the dtypes differ or are not floats.
        ValueError: ``output_shape`` is traced, or it, the filter and ``value`` do not fit the
            forward convolution.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.conv2d_transpose(tf.ones([1, 1, 1, 1]), tf.ones([2, 2, 1, 1]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID")[0, :, :, 0]
        Array([[1., 1.],
               [1., 1.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.conv2d_transpose
    """
    op = "nn.conv2d_transpose"
    v = alias(op, input, value, "input", "value")
    f = alias(op, filters, filter, "filters", "filter")
    op_name(name, "conv2d_transpose")
    x, w, first = _inputs(op, v, f, data_format)
    out_shape = tuple(static_ints(op, output_shape, "output_shape"))
    ch = 1 if first else 3
    if len(out_shape) == 2:  # the spatial sizes only
        full = (
            [x.shape[0], w.shape[2], *out_shape] if first else [x.shape[0], *out_shape, w.shape[2]]
        )
        out_shape = tuple(full)
    if len(out_shape) != 4 or out_shape[ch] != w.shape[2] or x.shape[ch] != w.shape[3]:
        raise OpArgumentError(
            op,
            f"output_shape {list(out_shape)} must be 4-D with filter's out_channels "
            f"{w.shape[2]} (filter {shape_str(w.shape)}), and value {shape_str(x.shape)} must "
            f"have the filter's in_channels {w.shape[3]}.",
        )
    pad = _padding(op, padding, first)
    s = _spatial(op, _sequence(op, strides, 2, first, "strides"), first, "strides")
    d = _spatial(op, _sequence(op, dilations, 2, first, "dilations"), first, "dilations")

    def forward(y):
        return _conv(op, y, w, s, d, pad, first)

    want = jax.eval_shape(forward, jax.ShapeDtypeStruct(out_shape, x.dtype)).shape
    if want != x.shape:
        raise OpArgumentError(
            op,
            f"value {shape_str(x.shape)} is not the shape a conv2d of output_shape "
            f"{list(out_shape)} gives ({shape_str(want)}) with these strides and padding.",
        )
    _, backward = jax.vjp(forward, jnp.zeros(out_shape, x.dtype))
    return backward(x)[0]


def _pool(op, value, ksize, strides, padding, data_format, is_max):
    first = _channels_first(op, data_format)
    x = convert(value, op=op, arg="value")
    check_dtype(op, x, "value", REALS if is_max else FLOATS)
    if x.ndim != 4:
        raise OpArgumentError(op, f"value must be 4-D, got shape {shape_str(x.shape)}.")
    k = _sequence(op, ksize, 2, first, "ksize")
    if 0 in k:
        raise OpArgumentError(op, f"ksize cannot be zero, got {k}.")
    ks = _spatial(op, k, first, "ksize")
    s = _spatial(op, _sequence(op, strides, 2, first, "strides"), first, "strides")
    if not is_max and not isinstance(padding, str):
        raise OpTypeError(op, f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    pad = _padding(op, padding, first)
    if not is_max and pad not in ("SAME", "VALID"):
        raise OpArgumentError(op, f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    axes = (2, 3) if first else (1, 2)
    pads, _ = _pads(op, [x.shape[a] for a in axes], ks, s, [1, 1], pad)

    def full(vals, fill):
        return (fill, fill, *vals) if first else (fill, *vals, fill)

    window, steps, widths = full(ks, 1), full(s, 1), full(pads, (0, 0))
    # numpy init values: reduce_window is differentiable only when it sees its monoid's identity
    if is_max:
        low = -np.inf if x.dtype.name in FLOATS else jnp.iinfo(x.dtype).min
        return lax.reduce_window(x, np.array(low, x.dtype), lax.max, window, steps, widths)
    zero = np.array(0, x.dtype)
    total = lax.reduce_window(x, zero, lax.add, window, steps, widths)
    if pad == "VALID":
        return total / jnp.asarray(math.prod(ks), x.dtype)
    ones = jnp.ones(full([x.shape[a] for a in axes], 1), x.dtype)
    return total / lax.reduce_window(ones, zero, lax.add, window, steps, widths)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The maximum of each window (``padding`` ``"SAME"``, ``"VALID"`` or explicit pairs).

    Differs from TF1: a window or stride over the batch or channel dimension is refused
    (ValueError) when the op is called; TF1 builds it and its kernel refuses it when it runs.

    Args:
        value: A 4-D float or integer tensor, NHWC (or NCHW) (give ``value`` or ``input``).
        ksize: The window: an int, 2 ints or 4 ints (batch and channel 1).
        strides: The step of the window, as ``ksize``.
        padding: ``"SAME"``, ``"VALID"`` or explicit pairs.
        data_format: ``"NHWC"`` or ``"NCHW"``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MaxPool``).
        input: TF2's name of ``value``.

    Returns:
        A jax array of ``value``'s dtype.

    Raises:
        TypeError: ``value`` has a dtype the op does not take.
        ValueError: the window, strides, padding or ``data_format`` do not fit (including a window
            over the batch or channels).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.max_pool(tf.reshape(tf.range(16.), [1, 4, 4, 1]), 2, 2, "VALID")[0, :, :, 0]
        Array([[ 5.,  7.],
               [13., 15.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.max_pool
    """
    v = alias("nn.max_pool", input, value, "input", "value")
    op_name(name, "MaxPool")
    return _pool("nn.max_pool", v, ksize, strides, padding, data_format, True)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """The maximum of each window of a 4-D ``input``, as :func:`max_pool`.

    Args:
        input: A 4-D float or integer tensor, NHWC (or NCHW).
        ksize: The window: an int, 2 or 4 ints.
        strides: The step of the window, as ``ksize``.
        padding: ``"SAME"``, ``"VALID"`` or explicit pairs.
        data_format: ``"NHWC"`` or ``"NCHW"``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``MaxPool2d``).

    Returns:
        A jax array of ``input``'s dtype.

    Raises:
        TypeError: ``input`` has a dtype the op does not take.
        ValueError: the window, strides, padding or ``data_format`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.max_pool2d(tf.reshape(tf.range(16.), [1, 4, 4, 1]), 2, 2, "VALID")[0, :, :, 0]
        Array([[ 5.,  7.],
               [13., 15.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.max_pool2d (as :func:`max_pool`)
    """
    op_name(name, "MaxPool2d")
    return _pool("nn.max_pool2d", input, ksize, strides, padding, data_format, True)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The mean of each window; with ``"SAME"`` the padding is left out of the mean (each window is
    divided by its number of real elements), as TF1's.

    Args:
        value: A 4-D float tensor, NHWC (or NCHW) (give ``value`` or ``input``).
        ksize: The window: an int, 2 ints or 4 ints (batch and channel 1).
        strides: The step of the window, as ``ksize``.
        padding: ``"SAME"`` or ``"VALID"``.
        data_format: ``"NHWC"`` or ``"NCHW"``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``AvgPool``).
        input: TF2's name of ``value``.

    Returns:
        A jax array of ``value``'s dtype.

    Raises:
        TypeError: ``value`` is not a float, or ``padding`` is not a string.
        ValueError: the window, strides, padding or ``data_format`` do not fit.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.nn.avg_pool(tf.reshape(tf.range(16.), [1, 4, 4, 1]), 2, 2, "VALID")[0, :, :, 0]
        Array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)
        >>> tf.nn.avg_pool([[[[1.], [3.]]]], [1, 1, 2, 1], 1, "SAME")[0, 0, :, 0]
        Array([2., 3.], dtype=float32)

    TF1 equivalent: tf.compat.v1.nn.avg_pool (= tf.compat.v1.nn.avg_pool2d)
    """
    v = alias("nn.avg_pool", input, value, "input", "value")
    op_name(name, "AvgPool")
    return _pool("nn.avg_pool", v, ksize, strides, padding, data_format, False)


avg_pool2d = avg_pool
