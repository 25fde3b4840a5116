"""tf-slim's (``tf.contrib.layers``') layers, written the way tf-slim wrote them.

Each layer opens ``variable_scope(scope, "<Default>", reuse=reuse)`` (``fully_connected``,
``fully_connected_1``, ``Conv``, ``Conv_1``, ... per enclosing scope), creates its variables with
``get_variable`` as model variables (``GLOBAL_VARIABLES`` + ``MODEL_VARIABLES``) under tf-slim's
names (``weights``, then ``biases`` unless a ``normalizer_fn`` is given or
``biases_initializer=None``), applies ``normalizer_fn(outputs, **normalizer_params)`` and then
``activation_fn`` (ReLU by default), and files the output in ``outputs_collections``. Regularizer
losses are named after the ``tf.layers`` weight underneath (``Conv/kernel/Regularizer/...``), as
in TF1. All layer functions are decorated with :func:`add_arg_scope`.
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp

from jaxscope._src.contrib.arg_scope import add_arg_scope
from jaxscope._src.contrib.initializers import xavier_initializer
from jaxscope._src.contrib.utils import collect_named_outputs, last_dimension
from jaxscope._src.contrib.variables import (
    add_variable_to_collections,
    exists,
    get_variable_collections,
    model_variable,
)
from jaxscope._src.core import frame, regularizers
from jaxscope._src.core.collections import GraphKeys, _add
from jaxscope._src.core.random import next_rng_key
from jaxscope._src.core.scope import name_scope, variable_scope
from jaxscope._src.initializers.catalogue import zeros_initializer
from jaxscope._src.initializers.fused_random import fused
from jaxscope._src.layers.base import (
    InputSpec,
    check_float,
    check_weight_dtype,
    is_variable,
    static_training,
)
from jaxscope._src.layers.conv import Conv1D, Conv2D, Conv2DTranspose, Conv3D, SeparableConv2D
from jaxscope._src.layers.core import Flatten, noise_mask_shape
from jaxscope._src.layers.errors import DropoutDtypeError, LayerArgumentError
from jaxscope._src.layers.pooling import AveragePooling2D, MaxPooling2D

relu = jax.nn.relu
_XAVIER = xavier_initializer()
_ZEROS = zeros_initializer()
_DATA_FORMATS = (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW")


def _data_format_error(value, allowed=("NHWC", "NCHW")):
    """tf-slim's data_format check (its names: ``NHWC``/``NCHW``, not ``channels_last``)."""
    return LayerArgumentError(
        "tf-slim layer",
        "data_format",
        value,
        f"must be one of {', '.join(allowed)}",
        "data_format='NHWC'  # tf-slim's names; tf.layers' are channels_last/channels_first",
    )


def _weight(name, layer_name, shape, dtype, initializer, regularizer, trainable, collections,
            collection_name):  # fmt: skip
    """A model variable made the way a ``tf.layers`` weight under tf-slim's renaming getter is:
    the regularizer's loss is named after the layer's weight and added only when new."""
    fr = frame.current(name)
    new = not exists(name)
    var = model_variable(name, shape, dtype, initializer, trainable=trainable)
    if (new or not is_variable(var)) and regularizer is not None:  # as tf.layers' add_weight
        loss = regularizer(var)
        if loss is not None:
            fn = getattr(regularizer, "__name__", "regularizer").strip("<>")
            _add(fr, GraphKeys.REGULARIZATION_LOSSES, loss,
                 f"{fr.names.name_stack}/{layer_name}/Regularizer/{fn}:0")  # fmt: skip
    add_variable_to_collections(var, collections, collection_name)
    return var


def _finish(outputs, sc, normalizer_fn, normalizer_params, activation_fn, outputs_collections):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=_XAVIER, weights_regularizer=None,
                    biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True,
                    scope=None):  # fmt: skip
    """A fully connected layer: ``activation_fn(normalizer_fn(inputs @ weights) or + biases)``.

    Creates ``weights`` (``[in, num_outputs]``, xavier) then ``biases`` (zeros; not created with
    a ``normalizer_fn`` or ``biases_initializer=None``). Inputs of rank > 2 are contracted on
    their last axis. ``activation_fn`` is ReLU by default (``None`` for a linear layer).

    Args:
      inputs: ``[..., in]``.
      num_outputs: the output size (an int).
      activation_fn: applied last (default ``relu``; None for a linear layer).
      normalizer_fn: a function applied instead of the biases (e.g. ``batch_norm``).
      normalizer_params: keyword arguments of ``normalizer_fn``.
      weights_initializer: the weights' initializer (default xavier).
      weights_regularizer: ``w -> loss``, into ``REGULARIZATION_LOSSES``.
      biases_initializer: the biases' initializer (zeros); None: no biases.
      biases_regularizer: ``b -> loss``, into ``REGULARIZATION_LOSSES``.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts the variables in ``variables["state"]``.
      scope: the variable scope (default ``fully_connected``, uniquified).

    Raises:
      ValueError: ``num_outputs`` is not an integer; the last input dimension is unknown.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.fully_connected(x, 2, scope="fc"))
      >>> jax.tree.map(jnp.shape, f.init(jax.random.key(0), jnp.ones([1, 3])))
      {'params': {'fc': {'biases': (2,), 'weights': (3, 2)}}}

    TF1 equivalent: tf.contrib.layers.fully_connected
    """
    if not isinstance(num_outputs, numbers.Integral) or isinstance(num_outputs, bool):
        raise ValueError(f"num_outputs type should be one of [<class 'int'>], got "
                         f"{type(num_outputs)}.")  # fmt: skip
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse) as sc:
        x = jnp.asarray(inputs)
        InputSpec(min_ndim=2).check(x.shape, sc.name)
        check_float(x.dtype, f'fully_connected "{sc.name}"')
        w = _weight("weights", "kernel", [x.shape[-1], num_outputs], x.dtype, weights_initializer,
                    weights_regularizer, trainable, variables_collections, "weights")  # fmt: skip
        b = None
        if not normalizer_fn and biases_initializer is not None:  # TF1 makes both, then runs
            b = _weight("biases", "bias", [num_outputs], x.dtype, biases_initializer,
                        biases_regularizer, trainable, variables_collections, "biases")  # fmt: skip
        check_weight_dtype(w, "weights", x.dtype, f'fully_connected "{sc.name}"')
        w = jnp.asarray(w)  # a Variable, or what a custom getter returned
        outputs = x @ w if x.ndim == 2 else jnp.tensordot(x, w, [[x.ndim - 1], [0]])
        if b is not None:
            check_weight_dtype(b, "biases", x.dtype, f'fully_connected "{sc.name}"')
            outputs = outputs + jnp.asarray(b)
        return _finish(outputs, sc, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections)  # fmt: skip


def _conv_layer(cls, x, kernel, bias, **kw):
    """The ``tf.layers`` convolution's math on given weights (no scope, no variables)."""
    layer = cls(**kw, use_bias=bias is not None, name=frame.current(cls.__name__).var_scope.name)
    layer.kernel, layer.bias = kernel, bias
    return layer.call(x)


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=_XAVIER, weights_regularizer=None, biases_initializer=_ZEROS,
                biases_regularizer=None, reuse=None, variables_collections=None,
                outputs_collections=None, trainable=True, scope=None, conv_dims=None):  # fmt: skip
    """An N-D convolution (N = rank - 2, 1 to 3) with ``weights`` ``[*kernel_size, in, out]`` and
    ``biases``, then ``normalizer_fn`` and ``activation_fn`` (ReLU). ``rate`` is the dilation.

    Args:
      inputs: the input, ``[batch, *spatial, channels]`` (``NCHW``/``NCW``: channels second).
      num_outputs: the number of output channels.
      kernel_size: the window, an int or one int per spatial axis.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: None or ``"NWC"``/``"NHWC"``/``"NDHWC"`` (channels last), or ``"NCW"``/``"NCHW"``/``"NCDHW"``.
      rate: the dilation, an int or one int per spatial axis.
      activation_fn: applied last (default ``relu``; None for a linear layer).
      normalizer_fn: a function applied instead of the biases (e.g. ``batch_norm``).
      normalizer_params: keyword arguments of ``normalizer_fn``.
      weights_initializer: the weights' initializer (default xavier).
      weights_regularizer: ``w -> loss``, into ``REGULARIZATION_LOSSES``.
      biases_initializer: the biases' initializer (zeros); None: no biases.
      biases_regularizer: ``b -> loss``, into ``REGULARIZATION_LOSSES``.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts the variables in ``variables["state"]``.
      scope: the variable scope (default ``Conv``, ``Conv_1``, ...).
      conv_dims: the number of spatial axes (default: the input's rank - 2).

    Returns:
      The output, ``[batch, *spatial, num_outputs]``.

    Raises:
      ValueError: an unknown ``data_format``; an input of rank other than 3, 4, 5 (or
        ``conv_dims + 2``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.convolution(x, 4, 3))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 8, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 8, 4), {'Conv': {'biases': (4,), 'weights': (3, 3, 4)}})

    TF1 equivalent: tf.contrib.layers.convolution
    """
    if data_format not in _DATA_FORMATS:
        raise _data_format_error(data_format, _DATA_FORMATS[1:])
    with variable_scope(scope, "Conv", [inputs], reuse=reuse) as sc:
        x = jnp.asarray(inputs)
        if conv_dims is not None and conv_dims + 2 != x.ndim:
            InputSpec(ndim=conv_dims + 2).check(x.shape, sc.name)
        cls = {3: Conv1D, 4: Conv2D, 5: Conv3D}.get(x.ndim)
        if cls is None:
            InputSpec(ndim=4).check(x.shape, sc.name + " (rank 3, 4 or 5)")
        df = "channels_first" if data_format and data_format.startswith("NC") else "channels_last"
        kw = dict(filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
                  data_format=df, dilation_rate=rate)  # fmt: skip
        probe = cls(**kw)  # validates the arguments first, as tf-slim's tf.layers layer
        check_float(x.dtype, f'convolution "{sc.name}"')
        cin = x.shape[1] if df == "channels_first" else x.shape[-1]
        w = _weight("weights", "kernel", [*probe.kernel_size, cin, num_outputs], x.dtype,
                    weights_initializer, weights_regularizer, trainable, variables_collections,
                    "weights")  # fmt: skip
        b = None
        if not normalizer_fn and biases_initializer is not None:
            b = _weight("biases", "bias", [num_outputs], x.dtype, biases_initializer,
                        biases_regularizer, trainable, variables_collections, "biases")  # fmt: skip
        outputs = _conv_layer(cls, x, w, b, **kw)
        return _finish(outputs, sc, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections)  # fmt: skip


@add_arg_scope
def convolution2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=_XAVIER, weights_regularizer=None,
                  biases_initializer=_ZEROS, biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None, trainable=True,
                  scope=None):  # fmt: skip
    """:func:`convolution` of a rank-4 input.

    Args:
      inputs: the input, ``[batch, *spatial, channels]`` (``NCHW``/``NCW``: channels second).
      num_outputs: the number of output channels.
      kernel_size: the window, an int or one int per spatial axis.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: None or ``"NHWC"`` (channels last), or ``"NCHW"``.
      rate: the dilation, an int or one int per spatial axis.
      activation_fn: applied last (default ``relu``; None for a linear layer).
      normalizer_fn: a function applied instead of the biases (e.g. ``batch_norm``).
      normalizer_params: keyword arguments of ``normalizer_fn``.
      weights_initializer: the weights' initializer (default xavier).
      weights_regularizer: ``w -> loss``, into ``REGULARIZATION_LOSSES``.
      biases_initializer: the biases' initializer (zeros); None: no biases.
      biases_regularizer: ``b -> loss``, into ``REGULARIZATION_LOSSES``.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts the variables in ``variables["state"]``.
      scope: the variable scope (default ``Conv``, ``Conv_1``, ...).

    Returns:
      The output, ``[batch, height, width, num_outputs]``.

    Raises:
      ValueError: an unknown ``data_format``, or an input not of rank 4.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.conv2d(x, 4, [3, 3]))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 8, 8, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 8, 8, 4), {'Conv': {'biases': (4,), 'weights': (3, 3, 3, 4)}})

    TF1 equivalent: tf.contrib.layers.conv2d
    """
    return convolution(
        inputs, num_outputs, kernel_size, stride, padding, data_format, rate, activation_fn,
        normalizer_fn, normalizer_params, weights_initializer, weights_regularizer,
        biases_initializer, biases_regularizer, reuse, variables_collections,
        outputs_collections, trainable, scope, conv_dims=2,
    )  # fmt: skip


conv2d = convolution2d


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format="NHWC", activation_fn=relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=_XAVIER,
                            weights_regularizer=None, biases_initializer=_ZEROS,
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):  # fmt: skip
    """A transposed 2-D convolution; ``weights`` is ``[kh, kw, num_outputs, in]``.

    Args:
      inputs: the input, ``[batch, *spatial, channels]`` (``NCHW``/``NCW``: channels second).
      num_outputs: the number of output channels.
      kernel_size: the window, an int or one int per spatial axis.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: ``"NHWC"`` (channels last, the default) or ``"NCHW"``.
      activation_fn: applied last (default ``relu``; None for a linear layer).
      normalizer_fn: a function applied instead of the biases (e.g. ``batch_norm``).
      normalizer_params: keyword arguments of ``normalizer_fn``.
      weights_initializer: the weights' initializer (default xavier).
      weights_regularizer: ``w -> loss``, into ``REGULARIZATION_LOSSES``.
      biases_initializer: the biases' initializer (zeros); None: no biases.
      biases_regularizer: ``b -> loss``, into ``REGULARIZATION_LOSSES``.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts the variables in ``variables["state"]``.
      scope: the variable scope (default ``Conv2d_transpose``, uniquified).

    Returns:
      The output, ``[batch, height * stride, width * stride, num_outputs]`` with ``SAME``.

    Raises:
      ValueError: an unknown ``data_format``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.conv2d_transpose(x, 4, 3, stride=2))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 4, 4, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 8, 8, 4), {'Conv2d_transpose': {'biases': (4,), 'weights': (3, 3, 4, 3)}})

    TF1 equivalent: tf.contrib.layers.conv2d_transpose
    """
    if data_format not in ("NCHW", "NHWC"):
        raise _data_format_error(data_format)
    with variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse) as sc:
        x = jnp.asarray(inputs)
        df = "channels_first" if data_format == "NCHW" else "channels_last"
        kw = dict(filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
                  data_format=df)  # fmt: skip
        probe = Conv2DTranspose(**kw)
        probe.input_spec.check(x.shape, sc.name)
        check_float(x.dtype, f'conv2d_transpose "{sc.name}"')
        cin = x.shape[1] if df == "channels_first" else x.shape[-1]
        w = _weight("weights", "kernel", [*probe.kernel_size, num_outputs, cin], x.dtype,
                    weights_initializer, weights_regularizer, trainable, variables_collections,
                    "weights")  # fmt: skip
        b = None
        if not normalizer_fn and biases_initializer is not None:
            b = _weight("biases", "bias", [num_outputs], x.dtype, biases_initializer,
                        biases_regularizer, trainable, variables_collections, "biases")  # fmt: skip
        outputs = _conv_layer(Conv2DTranspose, x, w, b, **kw)
        return _finish(outputs, sc, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections)  # fmt: skip


conv2d_transpose = convolution2d_transpose


def _pool(cls, default, inputs, kernel_size, stride, padding, data_format, outputs_collections,
          scope):  # fmt: skip
    if data_format not in ("NCHW", "NHWC"):
        raise _data_format_error(data_format)
    with name_scope(scope, default) as sc:  # a name scope only, as tf-slim
        df = "channels_first" if data_format == "NCHW" else "channels_last"
        layer = cls(pool_size=kernel_size, strides=stride, padding=padding, data_format=df,
                    name=sc.rstrip("/"))  # fmt: skip
        outputs = layer.call(jnp.asarray(inputs))
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):  # fmt: skip
    """2-D max pooling (note tf-slim's defaults: ``stride=2``, ``padding="VALID"``).

    Args:
      inputs: ``[batch, height, width, channels]`` (``NCHW``: channels second).
      kernel_size: the window, an int or one int per spatial axis.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: ``"NHWC"`` (channels last, the default) or ``"NCHW"``.
      outputs_collections: collections to add the output to.
      scope: the name scope (default ``MaxPool2D``).

    Raises:
      ValueError: an unknown ``data_format``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.max_pool2d(x, 2))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 4, 4, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 2, 2, 3), {})

    TF1 equivalent: tf.contrib.layers.max_pool2d
    """
    return _pool(MaxPooling2D, "MaxPool2D", inputs, kernel_size, stride, padding, data_format,
                 outputs_collections, scope)  # fmt: skip


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):  # fmt: skip
    """2-D average pooling (``SAME`` padding averages over the real elements only, as TF1).

    Args:
      inputs: ``[batch, height, width, channels]`` (``NCHW``: channels second).
      kernel_size: the window, an int or one int per spatial axis.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: ``"NHWC"`` (channels last, the default) or ``"NCHW"``.
      outputs_collections: collections to add the output to.
      scope: the name scope (default ``AvgPool2D``).

    Raises:
      ValueError: an unknown ``data_format``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.avg_pool2d(x, 2))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 4, 4, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 2, 2, 3), {})

    TF1 equivalent: tf.contrib.layers.avg_pool2d
    """
    return _pool(AveragePooling2D, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)  # fmt: skip


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """``[batch, ...] -> [batch, prod(...)]``.

    Args:
      inputs: ``[batch, ...]``.
      outputs_collections: collections to add the output to.
      scope: the name scope (default ``Flatten``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.flatten(x))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3, 4]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((2, 12), {})

    TF1 equivalent: tf.contrib.layers.flatten
    """
    with name_scope(scope, "Flatten") as sc:
        x = jnp.asarray(inputs)
        InputSpec(min_ndim=1).check(x.shape, sc.rstrip("/"))
        outputs = Flatten().call(x)
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):  # fmt: skip
    """Keeps each element with probability ``keep_prob`` (scaled by ``1 / keep_prob``) when
    ``is_training`` (the default, unlike ``tf.layers.dropout``); the identity otherwise.

    The mask is drawn from :func:`jaxscope.next_rng_key` (``apply`` needs ``rng=``); ``seed``
    is folded into that key. ``is_training`` must be a Python bool.

    Args:
      inputs: the input (floating point).
      keep_prob: the probability of keeping each element, in (0, 1].
      noise_shape: the mask's shape, broadcast against the input.
      is_training: a Python bool; False: the identity.
      outputs_collections: collections to add the output to.
      scope: the variable scope (default ``Dropout``).
      seed: an int folded into the key.

    Raises:
      LayerArgumentError: ``keep_prob`` outside (0, 1] (a ``ValueError``).
      DropoutDtypeError: the input is not floating point.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.dropout(x, keep_prob=0.5))
      >>> y = f.apply({}, jnp.ones([1000]), rng=jax.random.key(0))
      >>> sorted(set(y.tolist()))
      [0.0, 2.0]

    TF1 equivalent: tf.contrib.layers.dropout
    """
    with variable_scope(scope, "Dropout", [inputs]) as sc:
        x = jnp.asarray(inputs)
        if static_training(is_training, f"dropout {sc.name!r}") and keep_prob != 1:
            layer = f'dropout "{sc.name}"'
            if not jnp.issubdtype(x.dtype, jnp.floating):
                raise DropoutDtypeError(layer, x.dtype)
            if not 0 < keep_prob <= 1:
                raise LayerArgumentError(layer, "keep_prob", keep_prob, "must be in "
                                                "(0, 1]", "dropout(x, keep_prob=0.5)")  # fmt: skip
            shape = noise_mask_shape(noise_shape, x.shape, layer)
            key = next_rng_key()
            if seed is not None:
                key = jax.random.fold_in(key, seed)
            rate = 1.0 - keep_prob
            keep = jax.random.uniform(fused(key), shape, x.dtype) >= rate  # jax's bits, fused
            x = jnp.where(keep, x / jnp.asarray(keep_prob, x.dtype), jnp.zeros((), x.dtype))
        return collect_named_outputs(outputs_collections, sc.name, x)


def _layer_name(layer, fallback: str) -> str:
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__  # a functools.partial
    return fallback


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies ``layer(outputs, *args, **kwargs)`` ``repetitions`` times in scope ``Repeat``, the
    i-th in scope ``<layer name>_<i>`` (from 1): ``Repeat/fully_connected_1``, ...

    Args:
      inputs: the first layer's input.
      repetitions: how many times to apply ``layer``.
      layer: a layer function, ``layer(inputs, *args, **kwargs)``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.repeat(x, 2, js.slim.fully_connected, 4))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((2, 4), {'Repeat': {'fully_connected_1': {'biases': (4,), 'weights': (3, 4)}, 'fully_connected_2': {'biases': (4,), 'weights': (4, 4)}}})

    TF1 equivalent: tf.contrib.layers.repeat
    """
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, "Repeat", [inputs]):
        if scope is None:
            scope = _layer_name(layer, "repeat")
        outputs = jnp.asarray(inputs)
        for i in range(repetitions):
            kwargs["scope"] = scope + "_" + str(i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs, layer, stack_args, **kwargs):
    """Applies ``layer`` once per entry of ``stack_args`` (its positional arguments) in scope
    ``Stack``, the i-th in scope ``<layer name>_<i>``: ``stack(x, fully_connected, [32, 64])``.

    Args:
      inputs: the first layer's input.
      layer: a layer function, ``layer(inputs, *stack_args[i], **kwargs)``.
      stack_args: a list or tuple of each call's positional arguments (a tuple, or one value).

    Raises:
      ValueError: ``stack_args`` is not a list or tuple.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.stack(x, js.slim.fully_connected, [4, 5]))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((2, 5), {'Stack': {'fully_connected_1': {'biases': (4,), 'weights': (3, 4)}, 'fully_connected_2': {'biases': (5,), 'weights': (4, 5)}}})

    TF1 equivalent: tf.contrib.layers.stack
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, "Stack", [inputs]):
        if scope is None:
            scope = _layer_name(layer, "stack")
        outputs = jnp.asarray(inputs)
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = scope + "_" + str(i + 1)
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                            padding="SAME", data_format="NHWC", rate=1, activation_fn=relu,
                            normalizer_fn=None, normalizer_params=None,
                            weights_initializer=_XAVIER, pointwise_initializer=None,
                            weights_regularizer=None, biases_initializer=_ZEROS,
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):  # fmt: skip
    """A depthwise (``depthwise_weights`` ``[kh, kw, in, depth_multiplier]``) then pointwise
    (``pointwise_weights`` ``[1, 1, in * depth_multiplier, num_outputs]``) convolution;
    ``num_outputs=None`` stops after the depthwise one (biases of ``in * depth_multiplier``).

    Args:
      inputs: the input, ``[batch, *spatial, channels]`` (``NCHW``/``NCW``: channels second).
      num_outputs: the pointwise output channels; None: no pointwise convolution.
      kernel_size: the window, an int or one int per spatial axis.
      depth_multiplier: the depthwise channels per input channel.
      stride: the window's step, an int or one int per spatial axis.
      padding: ``"SAME"`` or ``"VALID"``.
      data_format: ``"NHWC"`` (channels last, the default) or ``"NCHW"``.
      rate: the dilation, an int or one int per spatial axis.
      activation_fn: applied last (default ``relu``; None for a linear layer).
      normalizer_fn: a function applied instead of the biases (e.g. ``batch_norm``).
      normalizer_params: keyword arguments of ``normalizer_fn``.
      weights_initializer: the depthwise weights' initializer (default xavier).
      pointwise_initializer: the pointwise weights' initializer (default: ``weights_initializer``).
      weights_regularizer: ``w -> loss`` for both weights, into ``REGULARIZATION_LOSSES``.
      biases_initializer: the biases' initializer (zeros); None: no biases.
      biases_regularizer: ``b -> loss``, into ``REGULARIZATION_LOSSES``.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts the variables in ``variables["state"]``.
      scope: the variable scope (default ``SeparableConv2d``, uniquified).

    Raises:
      ValueError: an unknown ``data_format``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.separable_conv2d(x, 4, 3, depth_multiplier=2))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 8, 8, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((1, 8, 8, 4), {'SeparableConv2d': {'biases': (4,), 'depthwise_weights': (3, 3, 3, 2), 'pointwise_weights': (1, 1, 6, 4)}})

    TF1 equivalent: tf.contrib.layers.separable_conv2d
    """
    if data_format not in ("NCHW", "NHWC"):
        raise _data_format_error(data_format)
    with variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse) as sc:
        x = jnp.asarray(inputs)
        pointwise_initializer = pointwise_initializer or weights_initializer
        df = "channels_first" if data_format.startswith("NC") else "channels_last"
        layer = SeparableConv2D(filters=num_outputs or 1, kernel_size=kernel_size, strides=stride,
                                padding=padding, data_format=df, dilation_rate=rate,
                                depth_multiplier=depth_multiplier, name=sc.name)  # fmt: skip
        layer.input_spec.check(x.shape, sc.name)
        check_float(x.dtype, f'separable_conv2d "{sc.name}"')
        cin = x.shape[1] if df == "channels_first" else x.shape[-1]
        dw_shape = [*layer.kernel_size, cin, depth_multiplier]
        if num_outputs is not None:
            dw = _weight("depthwise_weights", "depthwise_kernel", dw_shape, x.dtype,
                         weights_initializer, weights_regularizer, trainable,
                         variables_collections, "weights")  # fmt: skip
            pw = _weight("pointwise_weights", "pointwise_kernel",
                         [1, 1, cin * depth_multiplier, num_outputs], x.dtype,
                         pointwise_initializer, weights_regularizer, trainable,
                         variables_collections, "weights")  # fmt: skip
            b = None
            if not normalizer_fn and biases_initializer is not None:
                b = _weight("biases", "bias", [num_outputs], x.dtype, biases_initializer,
                            biases_regularizer, trainable, variables_collections, "biases")  # fmt: skip
            layer.depthwise_kernel, layer.pointwise_kernel, layer.bias = dw, pw, b
            layer.use_bias = b is not None
            outputs = layer.call(x)
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        else:
            dw = model_variable(
                "depthwise_weights", dw_shape, x.dtype, weights_initializer, weights_regularizer,
                trainable, get_variable_collections(variables_collections, "weights"),
            )  # fmt: skip
            check_weight_dtype(dw, "depthwise_weights", x.dtype, f'separable_conv2d "{sc.name}"')
            kernel = jnp.reshape(jnp.asarray(dw), (*layer.kernel_size, 1, cin * depth_multiplier))
            outputs = layer._convolve(x, kernel, layer.strides, layer.padding, feature_groups=cin)
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
            elif biases_initializer is not None:
                b = model_variable(
                    "biases", [cin * depth_multiplier], x.dtype, biases_initializer,
                    biases_regularizer, trainable,
                    get_variable_collections(variables_collections, "biases"),
                )  # fmt: skip
                bias = jnp.asarray(b)
                outputs = outputs + (bias.reshape((-1, 1, 1)) if df == "channels_first" else bias)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


separable_conv2d = separable_convolution2d


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last axis of an N-D (N >= 2) ``logits``, in variable scope ``softmax``.

    Args:
      logits: ``[..., num_classes]``, rank 2 or more.
      scope: the variable scope (default ``softmax``).

    Raises:
      ValueError: ``logits`` has rank < 2 or an unknown last dimension.
      TypeError: integer ``logits``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.softmax(x))
      >>> f.apply({}, jnp.zeros([1, 2, 2]))
      Array([[[0.5, 0.5],
              [0.5, 0.5]]], dtype=float32)

    TF1 equivalent: tf.contrib.layers.softmax
    """
    with variable_scope(scope, "softmax", [logits]):
        x = jnp.asarray(logits)
        last_dimension(x.shape, min_rank=2)
        check_float(x.dtype, "softmax")
        return jax.nn.softmax(x, axis=-1)


def _scoped(regularizer, scope):
    """tf-slim's ``scope=`` names the loss op (``.../Regularizer/<scope>``)."""
    if scope is not None and regularizer is not None:
        regularizer.__name__ = scope
    return regularizer


def l1_regularizer(scale, scope=None):
    """``w -> scale * sum(|w|)`` (``None`` for a scale of 0); a negative or integer scale is a
    ``ValueError``, as in TF1.

    Args:
      scale: the factor, a float >= 0.
      scope: the name scope of the loss.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> float(js.slim.l1_regularizer(0.5)(jnp.array([1.0, -2.0])))
      1.5

    TF1 equivalent: tf.contrib.layers.l1_regularizer
    """
    return _scoped(regularizers.l1_regularizer(scale), scope)


def l2_regularizer(scale, scope=None):
    """``w -> scale * sum(w**2) / 2`` (TF1's ``scale * tf.nn.l2_loss(w)``; ``None`` for a scale
    of 0).

    Args:
      scale: the factor, a float >= 0.
      scope: the name scope of the loss.

    Raises:
      ValueError: a negative or integer ``scale``, as in TF1.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> float(js.slim.l2_regularizer(0.5)(jnp.array([1.0, -2.0])))
      1.25

    TF1 equivalent: tf.contrib.layers.l2_regularizer
    """
    return _scoped(regularizers.l2_regularizer(scale), scope)


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of :func:`l1_regularizer` and :func:`l2_regularizer`.

    Args:
      scale_l1: the L1 factor.
      scale_l2: the L2 factor.
      scope: the name scope of the loss.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> float(js.slim.l1_l2_regularizer(0.5, 0.5)(jnp.array([1.0, -2.0])))
      2.75

    TF1 equivalent: tf.contrib.layers.l1_l2_regularizer
    """
    return _scoped(regularizers.l1_l2_regularizer(scale_l1, scale_l2), scope)
