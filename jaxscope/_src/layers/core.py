"""``dense``, ``dropout``, ``flatten`` and their classes, as ``tf.compat.v1.layers`` wrote them."""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core.random import next_rng_key
from jaxscope._src.initializers.catalogue import zeros_initializer
from jaxscope._src.initializers.fused_random import fused
from jaxscope._src.layers.base import (
    InputSpec,
    Layer,
    check_weight_dtype,
    normalize_data_format,
    static_training,
)
from jaxscope._src.layers.errors import DropoutDtypeError, LayerArgumentError

# TF1's defaults are initializer instances too (shared: they hold no state).
_ZEROS = zeros_initializer()


class Dense(Layer):
    """Densely connected layer: ``activation(inputs @ kernel + bias)``.

    Creates ``kernel`` (``[input_dim, units]``, the scope's initializer or glorot uniform) then
    ``bias`` (``[units]``, zeros). Inputs of rank > 2 are contracted on their last axis.

    Args:
      units: the output size.
      activation: a function applied to the output (e.g. ``jax.nn.relu``), or None.
      use_bias: whether to add a ``bias`` variable.
      kernel_initializer: the kernel's initializer (default: the scope's, else glorot uniform).
      bias_initializer: the bias's initializer (zeros).
      kernel_regularizer, bias_regularizer: ``w -> loss`` functions; losses go to
        ``REGULARIZATION_LOSSES``.
      activity_regularizer: ``output -> loss``, divided by the batch size, as TF1.
      kernel_constraint, bias_constraint: ``w -> w`` projections applied after optimizer steps.
      trainable: False puts the variables in ``variables["state"]``.
      name: the variable scope (default: ``dense``, ``dense_1``, ... per enclosing scope).

    Raises:
      LayerArgumentError: ``units`` is negative (a ``ValueError``).
      LayerInputError: the input has rank < 2, or another last axis than at the first call.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.Dense(4, activation=jax.nn.relu)(x))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables)
      ((2, 4), {'params': {'dense': {'bias': (4,), 'kernel': (3, 4)}}})

    TF1 equivalent: tf.compat.v1.layers.Dense
    """

    def __init__(
        self,
        units,
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
        self.units = int(units)
        if self.units < 0:  # TF1 accepts units=0 (an empty output), as tf_keras does
            raise LayerArgumentError(
                "Dense", "units", units, "expected a positive integer", "Dense(units=16)"
            )
        self.input_spec = InputSpec(min_ndim=2)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    _float_only = True

    def _built_spec(self, input_shape):
        return InputSpec(min_ndim=2, axes={-1: input_shape[-1]})

    def build(self, input_shape):
        self.kernel = self.add_weight(
            "kernel", [input_shape[-1], self.units], initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )  # fmt: skip
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias", [self.units], initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )  # fmt: skip

    def call(self, inputs):
        inputs = jnp.asarray(inputs, self.dtype)  # TF1's Dense casts its input to its dtype
        for weight in ("kernel", "bias"):
            check_weight_dtype(getattr(self, weight), weight, self.dtype, self._display_name())
        if inputs.ndim == 2:
            outputs = inputs @ jnp.asarray(self.kernel)
        else:
            outputs = jnp.tensordot(inputs, jnp.asarray(self.kernel), [[inputs.ndim - 1], [0]])
        if self.use_bias:
            outputs = outputs + jnp.asarray(self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def dense(
    inputs,
    units,
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
    reuse=None,
):
    """Densely connected layer: ``activation(inputs @ kernel + bias)``.

    Args:
      inputs: the input, ``[..., input_dim]``.
      units: the output size.
      activation: a function applied to the output (e.g. ``jax.nn.relu``), or None.
      use_bias: whether to add a ``bias`` variable.
      kernel_initializer, bias_initializer: initializers (kernel: the scope's, else glorot
        uniform; bias: zeros).
      kernel_regularizer, bias_regularizer: ``w -> loss`` functions; losses go to
        ``REGULARIZATION_LOSSES``.
      activity_regularizer: ``output -> loss``, divided by the batch size, as TF1.
      kernel_constraint, bias_constraint: ``w -> w`` projections applied after optimizer steps.
      trainable: False puts the variables in ``variables["state"]``.
      name: the variable scope (default: ``dense``, ``dense_1``, ... per enclosing scope).
      reuse: reuse the variables of a previous layer with the same name.

    Returns:
      The output, ``[..., units]``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.dense(js.layers.dense(x, 4), 2))
      >>> jax.tree.map(jnp.shape, f.init(jax.random.key(0), jnp.ones([1, 3])))
      {'params': {'dense': {'bias': (4,), 'kernel': (3, 4)}, 'dense_1': {'bias': (2,), 'kernel': (4, 2)}}}

    TF1 equivalent: tf.compat.v1.layers.dense
    """
    layer = Dense(
        units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
        bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
        bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
        kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
        trainable=trainable, name=name, _scope=name, _reuse=reuse,
    )  # fmt: skip
    return layer(inputs)


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 (scaling the rest by ``1 / (1 - rate)``) when
    called with ``training=True``; the identity otherwise.

    Args:
      rate: the fraction of elements dropped, in [0, 1).
      noise_shape: the shape of the mask, broadcast against the input (``None`` entries take the
        input's size).
      seed: an integer folded into the key (TF1's op seed).
      name: the layer's scope name.

    Raises:
      LayerArgumentError: ``rate`` outside [0, 1) (a ``ValueError``).
      DropoutDtypeError: the input is not floating point.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.Dropout(0.5)(x, training=True))
      >>> sorted(set(f.apply({}, jnp.ones([100]), rng=jax.random.key(0)).tolist()))
      [0.0, 2.0]

    TF1 equivalent: tf.compat.v1.layers.Dropout
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(rate, numbers.Real) and not 0 <= rate <= 1:
            raise LayerArgumentError("Dropout", "rate", rate, "expected a value between 0 "
                                            "and 1", "Dropout(rate=0.5)")  # fmt: skip
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        if not static_training(training, f"dropout layer {self.name!r}"):
            return inputs
        inputs = jnp.asarray(inputs)
        name = self._display_name()
        if not jnp.issubdtype(inputs.dtype, jnp.floating):
            raise DropoutDtypeError(name, inputs.dtype)
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return inputs
        if isinstance(self.rate, numbers.Real) and self.rate == 1:
            raise LayerArgumentError(name, "rate", self.rate, "must be in [0, 1) in "
                                            "training mode", "Dropout(rate=0.5)")  # fmt: skip
        shape = noise_mask_shape(self.noise_shape, inputs.shape, name)
        key = next_rng_key()
        if self.seed is not None:
            key = jax.random.fold_in(key, self.seed)
        keep = 1.0 - jnp.asarray(self.rate, inputs.dtype)
        # A fused key: jax's bits, without XLA:CPU's full-size threefry temporaries (~4x faster).
        mask = jax.random.uniform(fused(key), shape, inputs.dtype) >= self.rate
        return jnp.where(mask, inputs / keep, jnp.zeros((), inputs.dtype))


def noise_mask_shape(noise_shape, shape, layer: str) -> tuple:
    """The dropout mask's shape: ``noise_shape`` (``None`` entries: the input's sizes), which
    must broadcast against the input (TF1's ``ValueError``)."""
    if noise_shape is None:
        return tuple(shape)
    out = tuple(shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    try:
        fits = np.broadcast_shapes(out, tuple(shape)) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise LayerArgumentError(
            layer, "noise_shape", noise_shape, f"must broadcast against the input's shape "
            f"{tuple(shape)} (each entry 1, None or the input's size)",
            f"noise_shape={[1 if i else None for i in range(len(shape))]}",
        )  # fmt: skip
    return out


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout: with ``training=True`` each element is zeroed with probability ``rate`` and the
    others are scaled by ``1 / (1 - rate)``; with ``training=False`` (the default) the identity.

    The mask is drawn from :func:`jaxscope.next_rng_key` (so ``apply`` needs ``rng=``); a
    ``seed`` is folded into that key (TF1's op seed), so two dropouts with different seeds in
    one call draw different masks and the same program with the same ``rng`` draws the same.

    Args:
      inputs: the input.
      rate: the fraction of elements dropped.
      noise_shape: the shape of the mask, broadcast against the input (``None`` entries take the
        input's size), e.g. ``[batch, 1, features]`` drops whole features for all time steps.
      seed: an integer folded into the key.
      training: a Python bool.
      name: the layer's scope name.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.dropout(x, 0.5, training=True))
      >>> y = f.apply({}, jnp.ones([1000]), rng=jax.random.key(0))
      >>> sorted(set(y.tolist())), 400 < int((y == 0).sum()) < 600
      ([0.0, 2.0], True)

    TF1 equivalent: tf.compat.v1.layers.dropout
    """
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer(inputs, training=training)


class Flatten(Layer):
    """Flattens all but the first (batch) axis; ``channels_first`` inputs are first moved to
    channels-last order, as TF1 does, so the result matches a channels-last model.

    Args:
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.Flatten()(x))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3, 4]))
      >>> out.shape, jax.tree.map(jnp.shape, variables)
      ((2, 12), {'params': {}})

    TF1 equivalent: tf.compat.v1.layers.Flatten
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format, "Flatten")
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        inputs = jnp.asarray(inputs)
        if self.data_format == "channels_first" and inputs.ndim > 1:
            inputs = jnp.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        if inputs.ndim == 1:
            return inputs[:, None]
        return jnp.reshape(inputs, (inputs.shape[0], -1))


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens all but the batch axis: ``[batch, ...] -> [batch, prod(...)]``.

    Args:
      inputs: the input, ``[batch, ...]``.
      name: the layer's scope name.
      data_format: ``"channels_last"`` (default) or ``"channels_first"`` (the input is first
        moved to channels-last order, as TF1 does).

    Returns:
      ``[batch, prod(...)]``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.flatten(x))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3, 4]))
      >>> out.shape, jax.tree.map(jnp.shape, variables)
      ((2, 12), {'params': {}})

    TF1 equivalent: tf.compat.v1.layers.flatten
    """
    return Flatten(name=name, data_format=data_format)(inputs)
