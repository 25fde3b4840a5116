"""``max_pooling1d/2d/3d`` and ``average_pooling1d/2d/3d``, as ``tf.compat.v1.layers``.

``padding="same"`` pads as TF1 (the extra pixel at the end); average pooling then divides by the
number of real (unpadded) elements in each window, as TF1's ``avg_pool`` does.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.layers.base import (
    InputSpec,
    Layer,
    check_float,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)
from jaxscope._src.layers.errors import LayerArgumentError


class _Pooling(Layer):
    _rank = 2
    _max = True

    def __init__(
        self, pool_size, strides, padding="valid", data_format="channels_last", name=None, **kwargs
    ):
        super().__init__(name=name, **kwargs)
        cls = type(self).__name__
        self.pool_size = normalize_tuple(pool_size, self._rank, "pool_size", layer=cls)
        self.strides = normalize_tuple(strides, self._rank, "strides", layer=cls)
        self.padding = normalize_padding(padding, layer=cls)
        self.data_format = normalize_data_format(data_format, cls)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _full(self, values, fill):
        if self.data_format == "channels_first":
            return (fill, fill, *values)
        return (fill, *values, fill)

    def call(self, inputs):
        x = jnp.asarray(inputs)
        layer = self._display_name()
        self.input_spec.check(x.shape, layer)  # slim calls ``call`` directly
        if not (self._max and self._rank < 3):  # TF1's MaxPool(3D)/AvgPool kernels: floats only
            check_float(x.dtype, layer)
        spatial = [x.shape[i] for i in self._spatial_axes(x.ndim)]
        if self.padding == "valid" and any(
            n < k for n, k in zip(spatial, self.pool_size, strict=True)
        ):
            raise LayerArgumentError(
                layer, "pool_size", self.pool_size, "the window is larger than the input's "
                f"spatial size {tuple(spatial)} under padding='valid' (input shape {x.shape})",
                "a smaller pool_size, or padding='same'",
            )  # fmt: skip
        window = self._full(self.pool_size, 1)
        strides = self._full(self.strides, 1)
        pads = lax.padtype_to_pads(x.shape, window, strides, self.padding.upper())
        # numpy (not jnp) init values: under jax.jit a jnp.array is a tracer, and reduce_window
        # is only differentiable when it can see that its init value is the monoid's identity
        zero = np.array(0, x.dtype)
        if self._max:
            init = np.array(-np.inf if jnp.issubdtype(x.dtype, jnp.floating) else
                            jnp.iinfo(x.dtype).min, x.dtype)  # fmt: skip
            return lax.reduce_window(x, init, lax.max, window, strides, pads)
        total = lax.reduce_window(x, zero, lax.add, window, strides, pads)
        if self.padding == "valid":
            return total / jnp.asarray(math.prod(self.pool_size), x.dtype)
        ones_shape = self._full([x.shape[i] for i in self._spatial_axes(x.ndim)], 1)
        count = lax.reduce_window(
            jnp.ones(ones_shape, x.dtype), zero, lax.add, window, strides, pads
        )
        return total / count

    def _spatial_axes(self, ndim):
        return range(2, ndim) if self.data_format == "channels_first" else range(1, ndim - 1)


_SHAPES = {1: ([1, 4, 3], (1, 2, 3)), 2: ([1, 4, 4, 3], (1, 2, 2, 3)),
           3: ([1, 4, 4, 4, 3], (1, 2, 2, 2, 3))}  # fmt: skip


def _pool_doc(what, tf1, call, rank, functional=False):
    """A pooling layer's docstring; its example pools ones of ``_SHAPES[rank]`` by 2 with step 2."""
    shape, out = _SHAPES[rank]
    inputs = (
        "\n      inputs: the input, ``[batch, *spatial, channels]`` (``channels_first``: channels "
        "second)."
        if functional
        else ""
    )
    returns = "\n\n    Returns:\n      The pooled input." if functional else ""
    return f"""{what} over windows of ``pool_size`` moved by ``strides``.

    Args:{inputs}
      pool_size: the window, an int or one int per spatial axis.
      strides: the window's step, an int or one int per spatial axis.
      padding: ``"valid"`` or ``"same"`` (any case; TF1's padding, extra pixel at the end).
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
      name: the layer's name (pooling holds no variables).{returns}

    Raises:
      LayerArgumentError: a malformed ``pool_size``, ``strides``, ``padding`` or
        ``data_format`` (a ``ValueError``, as TF1's).
      LayerInputError: the input's rank is not {rank + 2} (a ``ValueError``).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: {call})
      >>> f.apply({{}}, jnp.ones({shape})).shape
      {out}

    TF1 equivalent: tf.compat.v1.layers.{tf1}"""


def _pool_class(name, rank, is_max, doc):
    cls = type(name, (_Pooling,), {"_rank": rank, "_max": is_max})
    cls.__doc__ = _pool_doc(doc, name, f"js.layers.{name}(2, 2)(x)", rank)
    cls.__module__ = __name__
    return cls


MaxPooling1D = _pool_class("MaxPooling1D", 1, True, "1-D max pooling")
MaxPooling2D = _pool_class("MaxPooling2D", 2, True, "2-D max pooling")
MaxPooling3D = _pool_class("MaxPooling3D", 3, True, "3-D max pooling")
AveragePooling1D = _pool_class("AveragePooling1D", 1, False, "1-D average pooling")
AveragePooling2D = _pool_class("AveragePooling2D", 2, False, "2-D average pooling")
AveragePooling3D = _pool_class("AveragePooling3D", 3, False, "3-D average pooling")


def _pool_fn(cls, fn_name, what):
    def pool(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
        return cls(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)

    pool.__name__ = pool.__qualname__ = fn_name
    call = f"js.layers.{fn_name}(x, 2, 2)"
    pool.__doc__ = _pool_doc(what, fn_name, call, cls._rank, functional=True)
    return pool


max_pooling1d = _pool_fn(MaxPooling1D, "max_pooling1d", "1-D max pooling")
max_pooling2d = _pool_fn(MaxPooling2D, "max_pooling2d", "2-D max pooling")
max_pooling3d = _pool_fn(MaxPooling3D, "max_pooling3d", "3-D max pooling")
average_pooling1d = _pool_fn(AveragePooling1D, "average_pooling1d", "1-D average pooling")
average_pooling2d = _pool_fn(AveragePooling2D, "average_pooling2d", "2-D average pooling")
average_pooling3d = _pool_fn(AveragePooling3D, "average_pooling3d", "3-D average pooling")
