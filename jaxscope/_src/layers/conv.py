"""Convolutions: ``conv1d/2d/3d``, ``conv2d_transpose``/``conv3d_transpose``, ``separable_conv1d/2d``.

Kernels keep TF1's layouts (``[*kernel_size, in_channels, filters]``; transposed convolutions
``[*kernel_size, filters, in_channels]``; separable: ``depthwise_kernel`` then
``pointwise_kernel``), so TF1 checkpoints load as they are. ``padding="same"`` pads as TF1 does
(the extra pixel at the end); a transposed convolution is computed as the gradient of the forward
convolution, which is how TF1 defines it.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from jaxscope._src.initializers.catalogue import zeros_initializer
from jaxscope._src.layers.base import (
    InputSpec,
    Layer,
    check_positive,
    check_weight_dtype,
    functional,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    with_defaults,
)
from jaxscope._src.layers.errors import LayerArgumentError

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}
# TF1's defaults are initializer instances too (shared: they hold no state).
_ZEROS = zeros_initializer()


def _dimension_numbers(rank: int, data_format: str):
    s = _SPATIAL[rank]
    lhs = "NC" + s if data_format == "channels_first" else "N" + s + "C"
    return lax.conv_dimension_numbers((1,) * (rank + 2), (1,) * (rank + 2), (lhs, s + "IO", lhs))


def _check_strides(layer: str, strides, dilation_rate) -> None:
    """tf_keras' Conv: no zero stride, and no stride > 1 together with a dilation > 1."""
    if 0 in strides:
        raise LayerArgumentError(layer, "strides", strides, "cannot contain 0s",
                                        f"{layer}(..., strides={(1,) * len(strides)})")  # fmt: skip
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise LayerArgumentError(
            layer, "strides", strides, f"strides > 1 is not supported together with "
            f"dilation_rate > 1 (dilation_rate={dilation_rate})",
            "use strides=1 with the dilation, or dilation_rate=1 with the strides",
        )  # fmt: skip


class _Conv(Layer):
    """The shared body of TF1's ``Conv1D``/``Conv2D``/``Conv3D`` (tf_keras' ``Conv``)."""

    _rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(trainable, name, activity_regularizer=activity_regularizer, **kwargs)
        rank, cls = self._rank, type(self).__name__
        self.filters = check_positive(filters, "filters", cls, 32)
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", layer=cls)
        self.strides = normalize_tuple(strides, rank, "strides", allow_zero=True, layer=cls)
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self.padding = normalize_padding(padding, allowed, cls)
        self.data_format = normalize_data_format(data_format, cls)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", layer=cls)
        _check_strides(cls, self.strides, self.dilation_rate)
        self.input_spec = self._spec()
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    _float_only = True
    _extra_batch_dims = True  # tf_keras' Conv folds extra leading axes into the batch

    def _channel_axis(self) -> int:
        return -1 - self._rank if self.data_format == "channels_first" else -1

    def _spec(self, axes=None) -> InputSpec:
        if self._extra_batch_dims:
            return InputSpec(min_ndim=self._rank + 2, axes=axes)
        return InputSpec(ndim=self._rank + 2, axes=axes)

    def _built_spec(self, input_shape):
        return self._spec({self._channel_axis(): input_shape[self._channel_axis()]})

    def _in_channels(self, input_shape) -> int:
        return input_shape[self._channel_axis()]

    def build(self, input_shape):
        self.kernel = self.add_weight(
            "kernel", self._kernel_shape(self._in_channels(input_shape)),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )  # fmt: skip
        self._build_bias()

    def _kernel_shape(self, in_channels):
        return list(self.kernel_size) + [in_channels, self.filters]

    def _build_bias(self):
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", [self.filters], initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )  # fmt: skip

    def _convolve(self, x, kernel, strides, padding, feature_groups=1):
        if padding == "causal":  # left-pad so output t only sees inputs <= t
            pad = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            axis = 2 if self.data_format == "channels_first" else 1
            widths = [(0, 0)] * x.ndim
            widths[axis] = (pad, 0)
            x, padding = jnp.pad(x, widths), "valid"
        return lax.conv_general_dilated(
            x, kernel, window_strides=strides, padding=padding.upper(),
            rhs_dilation=self.dilation_rate,
            dimension_numbers=_dimension_numbers(self._rank, self.data_format),
            feature_group_count=feature_groups,
        )  # fmt: skip

    def _finish(self, outputs):
        if self.use_bias:
            bias = jnp.asarray(self.bias)
            if self.data_format == "channels_first":
                bias = bias.reshape((-1,) + (1,) * self._rank)
            outputs = outputs + bias
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def _check_weights(self, x, *names, sizes: bool = True) -> None:
        """Weights in the input's dtype (TF1's conv ops refuse to mix dtypes), and an input at
        least as large as the dilated kernel under ``"valid"`` padding."""
        layer = self._display_name()
        for name in (*names, "bias"):
            check_weight_dtype(getattr(self, name, None), name, x.dtype, layer)
        if self.padding != "valid" or not sizes:
            return
        first = self.data_format == "channels_first"
        spatial = x.shape[-self._rank :] if first else x.shape[-self._rank - 1 : -1]
        for n, k, d in zip(spatial, self.kernel_size, self.dilation_rate, strict=True):
            if n < (k - 1) * d + 1:
                raise LayerArgumentError(
                    layer, "kernel_size", self.kernel_size, "the (dilated) kernel is larger than "
                    f"the input's spatial size {tuple(spatial)} under padding='valid' (input "
                    f"shape {tuple(x.shape)})", "a smaller kernel_size, or padding='same'",
                )  # fmt: skip

    def call(self, inputs):
        x = jnp.asarray(inputs)
        self._check_weights(x, "kernel")
        batch = x.shape[: x.ndim - self._rank - 1]
        x = x.reshape((-1, *x.shape[len(batch) :]))  # extra batch axes, as tf_keras' Conv
        y = self._finish(self._convolve(x, jnp.asarray(self.kernel), self.strides, self.padding))
        return y.reshape((*batch, *y.shape[1:]))


class Conv1D(_Conv):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 1


class Conv2D(_Conv):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 2
    __init__ = with_defaults(_Conv.__init__, strides=(1, 1), dilation_rate=(1, 1))


class Conv3D(_Conv):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 3
    __init__ = with_defaults(_Conv.__init__, strides=(1, 1, 1), dilation_rate=(1, 1, 1))


def _deconv_length(length, kernel, padding, stride):
    if padding == "valid":
        return length * stride + max(kernel - stride, 0)
    return length * stride


class _ConvTranspose(_Conv):
    """TF1's ``Conv2DTranspose``/``Conv3DTranspose``: the gradient of a convolution."""

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        activation=None,
        use_bias=True,
        kernel_initializer=None,
        bias_initializer=_ZEROS,
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(
            filters, kernel_size, strides, padding, data_format, 1, activation, use_bias,
            kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
            activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs,
        )  # fmt: skip

    def _kernel_shape(self, in_channels):
        return list(self.kernel_size) + [self.filters, in_channels]

    _extra_batch_dims = False

    def call(self, inputs):
        x = jnp.asarray(inputs)
        self._check_weights(x, "kernel", sizes=False)  # TF1 takes any kernel size here
        first = self.data_format == "channels_first"
        spatial = x.shape[2:] if first else x.shape[1:-1]
        out_spatial = tuple(
            _deconv_length(n, k, self.padding, s)
            for n, k, s in zip(spatial, self.kernel_size, self.strides, strict=True)
        )
        out_shape = (
            (x.shape[0], self.filters, *out_spatial)
            if first
            else (x.shape[0], *out_spatial, self.filters)
        )
        kernel = jnp.asarray(self.kernel)

        def forward(y):
            return self._convolve(y, kernel, self.strides, self.padding)

        _, backward = jax.vjp(forward, jnp.zeros(out_shape, x.dtype))
        return self._finish(backward(x)[0])


class Conv2DTranspose(_ConvTranspose):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 2
    __init__ = with_defaults(_ConvTranspose.__init__, strides=(1, 1))


class Conv3DTranspose(_ConvTranspose):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 3
    __init__ = with_defaults(_ConvTranspose.__init__, strides=(1, 1, 1))


class _SeparableConv(_Conv):
    """TF1's ``SeparableConv1D``/``SeparableConv2D``: a depthwise then a 1x1 convolution."""

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format="channels_last",
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer=None,
        pointwise_initializer=None,
        bias_initializer=_ZEROS,
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        trainable=True,
        name=None,
        **kwargs,
    ):
        super().__init__(
            filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, bias_constraint=bias_constraint,
            trainable=trainable, name=name, **kwargs,
        )  # fmt: skip
        self.depth_multiplier = check_positive(depth_multiplier, "depth_multiplier",
                                               type(self).__name__)  # fmt: skip
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape):
        cin = self._in_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", list(self.kernel_size) + [cin, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )  # fmt: skip
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1] * self._rank + [cin * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )  # fmt: skip
        self._build_bias()

    _extra_batch_dims = False

    def call(self, inputs):
        x = jnp.asarray(inputs)
        self._check_weights(x, "depthwise_kernel", "pointwise_kernel")
        dw = jnp.asarray(self.depthwise_kernel)
        cin = dw.shape[-2]
        dw = dw.reshape(dw.shape[:-2] + (1, cin * self.depth_multiplier))
        y = self._convolve(x, dw, self.strides, self.padding, feature_groups=cin)
        ones = (1,) * self._rank
        saved, self.dilation_rate = self.dilation_rate, ones
        try:
            y = self._convolve(y, jnp.asarray(self.pointwise_kernel), ones, "valid")
        finally:
            self.dilation_rate = saved
        return self._finish(y)


class SeparableConv1D(_SeparableConv):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 1


class SeparableConv2D(_SeparableConv):
    # The docstring is set by _documented, below, with the functional form's.

    _rank = 2
    __init__ = with_defaults(_SeparableConv.__init__, strides=(1, 1), dilation_rate=(1, 1))


_ARG = {
    "inputs": "inputs: the input, ``[batch, *spatial, channels]`` (``channels_first``: channels "
    "second).",
    "filters": "filters: the number of output channels.",
    "kernel_size": "kernel_size: the window, an int or one int per spatial axis.",
    "strides": "strides: the window's step, an int or one int per spatial axis.",
    "padding": 'padding: ``"valid"`` or ``"same"`` (any case; TF1\'s padding, extra pixel at the '
    "end).",
    "data_format": 'data_format: ``"channels_last"`` (default) or ``"channels_first"``.',
    "dilation_rate": "dilation_rate: the kernel's dilation, an int or one int per spatial axis "
    "(strides must then be 1).",
    "depth_multiplier": "depth_multiplier: the depthwise channels per input channel.",
    "activation": "activation: a function applied to the output (``jax.nn.relu``), or None.",
    "use_bias": "use_bias: whether to add a ``bias`` variable.",
    "kernel": "kernel_initializer, bias_initializer: the initializers (kernel: the scope's, else "
    "glorot uniform; bias: zeros).",
    "separable": "depthwise_initializer, pointwise_initializer, bias_initializer: the "
    "initializers (kernels: the scope's, else glorot uniform; bias: zeros).",
    "regularizer": "kernel_regularizer, bias_regularizer: ``w -> loss`` functions; the losses go "
    "to ``REGULARIZATION_LOSSES``.",
    "separable_regularizer": "depthwise_regularizer, pointwise_regularizer, bias_regularizer: "
    "``w -> loss`` functions; the losses go to ``REGULARIZATION_LOSSES``.",
    "activity": "activity_regularizer: ``output -> loss``, divided by the batch size, as TF1.",
    "constraint": "kernel_constraint, bias_constraint: ``w -> w`` projections applied after "
    "optimizer steps.",
    "separable_constraint": "depthwise_constraint, pointwise_constraint, bias_constraint: "
    "``w -> w`` projections applied after optimizer steps.",
    "trainable": 'trainable: False puts the variables in ``variables["state"]``.',
    "name": "name: the variable scope (default: the layer's snake-case name, uniquified).",
    "reuse": "reuse: reuse the variables of a previous layer with the same name.",
}
_ORDER = {
    "conv": ("filters kernel_size strides padding data_format dilation_rate activation use_bias "
             "kernel regularizer activity constraint trainable name"),
    "transpose": ("filters kernel_size strides padding data_format activation use_bias kernel "
                  "regularizer activity constraint trainable name"),
    "separable": ("filters kernel_size strides padding data_format dilation_rate depth_multiplier "
                  "activation use_bias separable separable_regularizer activity "
                  "separable_constraint trainable name"),
}  # fmt: skip


def _doc(summary, kind, tf1, call, shape, out, variables, functional=False):
    """A conv layer's docstring: ``summary``, Args, Raises, an Example calling ``call`` on ones of
    ``shape`` (printing ``out`` and ``variables``) and the TF1 equivalent."""
    keys = _ORDER[kind].split()
    if functional:
        keys = ["inputs", *keys, "reuse"]
    args = "\n".join("      " + _ARG[k] for k in keys)
    returns = (
        "\n\n    Returns:\n      The output, ``[batch, *spatial, filters]``." if functional else ""
    )
    return f"""{summary}

    Args:
{args}{returns}

    Raises:
      LayerArgumentError: a malformed ``kernel_size``, ``strides``, ``padding`` or
        ``data_format`` (a ``ValueError``, as TF1's).
      LayerInputError: the input's rank or channel count does not fit (a ``ValueError``).
      LayerInputDtypeError: the input is not floating point (a ``TypeError``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: {call})
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones({shape}))
      >>> out.shape
      {out}
      >>> jax.tree.map(jnp.shape, variables["params"])
      {variables}

    TF1 equivalent: tf.compat.v1.layers.{tf1}"""


_EXAMPLES = {  # (call, input shape, output shape, variables), class form then functional form
    "Conv1D": ("js.layers.Conv1D(4, 3)(x)", "js.layers.conv1d(x, 4, 3)", [1, 8, 3], (1, 6, 4),
               "{'conv1d': {'bias': (4,), 'kernel': (3, 3, 4)}}"),
    "Conv2D": ("js.layers.Conv2D(4, 3)(x)", "js.layers.conv2d(x, 4, 3)", [1, 8, 8, 3],
               (1, 6, 6, 4), "{'conv2d': {'bias': (4,), 'kernel': (3, 3, 3, 4)}}"),
    "Conv3D": ("js.layers.Conv3D(4, 3)(x)", "js.layers.conv3d(x, 4, 3)", [1, 4, 4, 4, 3],
               (1, 2, 2, 2, 4), "{'conv3d': {'bias': (4,), 'kernel': (3, 3, 3, 3, 4)}}"),
    "Conv2DTranspose": ("js.layers.Conv2DTranspose(4, 3, strides=2)(x)",
                        "js.layers.conv2d_transpose(x, 4, 3, strides=2)", [1, 4, 4, 3],
                        (1, 9, 9, 4), "{'conv2d_transpose': {'bias': (4,), 'kernel': (3, 3, 4, 3)}}"),
    "Conv3DTranspose": ("js.layers.Conv3DTranspose(4, 2, strides=2)(x)",
                        "js.layers.conv3d_transpose(x, 4, 2, strides=2)", [1, 2, 2, 2, 3],
                        (1, 4, 4, 4, 4),
                        "{'conv3d_transpose': {'bias': (4,), 'kernel': (2, 2, 2, 4, 3)}}"),
    "SeparableConv1D": ("js.layers.SeparableConv1D(4, 3)(x)", "js.layers.separable_conv1d(x, 4, 3)",
                        [1, 8, 3], (1, 6, 4),
                        "{'separable_conv1d': {'bias': (4,), 'depthwise_kernel': (3, 3, 1), "
                        "'pointwise_kernel': (1, 3, 4)}}"),
    "SeparableConv2D": ("js.layers.SeparableConv2D(4, 3)(x)", "js.layers.separable_conv2d(x, 4, 3)",
                        [1, 8, 8, 3], (1, 6, 6, 4),
                        "{'separable_conv2d': {'bias': (4,), 'depthwise_kernel': (3, 3, 3, 1), "
                        "'pointwise_kernel': (1, 1, 3, 4)}}"),
}  # fmt: skip
_SUMMARY = {
    "Conv1D": ('1-D convolution (``padding`` may also be ``"causal"``).', "conv", "conv1d"),
    "Conv2D": ("2-D convolution: kernel ``[kh, kw, in, filters]`` then bias ``[filters]``.", "conv",
               "conv2d"),
    "Conv3D": ("3-D convolution: kernel ``[kd, kh, kw, in, filters]`` then bias ``[filters]``.",
               "conv", "conv3d"),
    "Conv2DTranspose": ("Transposed 2-D convolution (kernel ``[kh, kw, filters, in]``); output size "
                        "``in * stride`` (same) or ``in * stride + max(k - stride, 0)`` (valid).",
                        "transpose", "conv2d_transpose"),
    "Conv3DTranspose": ("Transposed 3-D convolution (kernel ``[kd, kh, kw, filters, in]``).",
                        "transpose", "conv3d_transpose"),
    "SeparableConv1D": ("Depthwise-separable 1-D convolution: ``depthwise_kernel`` then "
                        "``pointwise_kernel`` then ``bias``.", "separable", "separable_conv1d"),
    "SeparableConv2D": ("Depthwise-separable 2-D convolution: ``depthwise_kernel`` ``[kh, kw, in, "
                        "depth_multiplier]`` then ``pointwise_kernel`` ``[1, 1, in * "
                        "depth_multiplier, filters]`` then ``bias``.", "separable",
                        "separable_conv2d"),
}  # fmt: skip


def _documented(cls, **defaults):
    """``cls`` with its docstring, and its functional form (``conv2d`` for ``Conv2D``)."""
    summary, kind, fn_name = _SUMMARY[cls.__name__]
    call, fn_call, shape, out, variables = _EXAMPLES[cls.__name__]
    cls.__doc__ = _doc(summary, kind, cls.__name__, call, shape, out, variables)
    doc = _doc(summary, kind, fn_name, fn_call, shape, out, variables, functional=True)
    return functional(cls, fn_name, doc, **defaults)


conv1d = _documented(Conv1D)
conv2d = _documented(Conv2D, strides=(1, 1), dilation_rate=(1, 1))
conv3d = _documented(Conv3D, strides=(1, 1, 1), dilation_rate=(1, 1, 1))
conv2d_transpose = _documented(Conv2DTranspose, strides=(1, 1))
conv3d_transpose = _documented(Conv3DTranspose, strides=(1, 1, 1))
separable_conv1d = _documented(SeparableConv1D)
separable_conv2d = _documented(SeparableConv2D, strides=(1, 1), dilation_rate=(1, 1))
