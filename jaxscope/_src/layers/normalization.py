"""``batch_normalization`` and ``BatchNormalization``, as ``tf.compat.v1.layers``.

Variables, in TF1's order: ``gamma`` (if ``scale``), ``beta`` (if ``center``), then
``moving_mean`` and ``moving_variance`` (``trainable=False``: in ``variables["state"]``), and with
``renorm`` ``moving_stddev``, ``renorm_mean``, ``renorm_stddev`` (state too).

``training=True`` normalizes with the batch statistics (per ghost batch with
``virtual_batch_size``) and updates the moving averages with TF1's formula,
``moving -= (moving - batch_value) * (1 - momentum)`` (no zero-debias). As in TF1, the "fused"
case (rank-4/5 inputs normalized over the channel axis, 1 or last; no ``renorm``,
``virtual_batch_size`` or ``adjustment``) updates the moving variance with the unbiased batch
variance (Bessel's correction); the other cases with the biased one. The update is an
``assign_sub`` on the handles, so it comes back from ``apply(..., mutable=["state"])``; without ``mutable`` a training-mode call raises
:class:`jaxscope.MovingAverageUpdateError` rather than leave the averages silently stale (TF1's
forgotten ``UPDATE_OPS``). The updated values are also filed in ``UPDATE_OPS``, as TF1 files its
update ops.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.assign import assign, assign_moving_average, assign_sub
from jaxscope._src.core.collections import GraphKeys, _add
from jaxscope._src.core.initial import _jax_style
from jaxscope._src.core.scope import name_scope
from jaxscope._src.core.variables import Variable
from jaxscope._src.initializers.catalogue import ones_initializer, zeros_initializer
from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.layers.base import (
    InputSpec,
    Layer,
    check_float,
    check_weight_dtype,
    static_training,
)
from jaxscope._src.layers.errors import (
    AssignThroughGetterError,
    LayerArgumentError,
    LayerArgumentTypeError,
    MovingAverageUpdateError,
)

_FUSED_DTYPES = ("float16", "bfloat16", "float32")
_RENORM = ("moving_stddev", "renorm_mean", "renorm_stddev")
# TF1's defaults are initializer instances too (shared: they hold no state).
_ZEROS = zeros_initializer()
_ONES = ones_initializer()


class BatchNormalization(Layer):
    """Batch normalization over the ``axis`` features. See :func:`batch_normalization`.

    Args:
      axis: the feature axis (or a list of axes), ``-1`` by default; ``1`` for
        ``channels_first``.
      momentum: of the moving averages (0.99).
      epsilon: added to the variance (1e-3).
      center, scale: create ``beta`` / ``gamma``.
      beta_initializer, gamma_initializer: zeros, ones.
      moving_mean_initializer, moving_variance_initializer: zeros, ones.
      beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as for dense.
      renorm, renorm_clipping, renorm_momentum: batch renormalization, as
        :func:`batch_normalization`.
      fused: accepted (None/True/False); it only chooses which variance updates the moving
        variance, as in TF1.
      trainable: False puts ``gamma``/``beta`` in ``variables["state"]`` too.
      virtual_batch_size: "ghost batch" normalization, as :func:`batch_normalization`.
      adjustment: training only, ``adjustment(input_shape) -> (scale, bias)``, as
        :func:`batch_normalization`.
      name: the variable scope (default ``batch_normalization``, ``..._1``).

    Raises:
      ValueError: ``renorm_clipping`` has keys other than ``rmax``, ``rmin``, ``dmax``.
      LayerArgumentTypeError: ``axis`` is not an int or a list of ints (a ``TypeError``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.layers.BatchNormalization()(x, training=True))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'batch_normalization': {'beta': (3,), 'gamma': (3,)}},
       'state': {'batch_normalization': {'moving_mean': (3,), 'moving_variance': (3,)}}}

    TF1 equivalent: tf.compat.v1.layers.BatchNormalization
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer=_ZEROS,
        gamma_initializer=_ONES,
        moving_mean_initializer=_ZEROS,
        moving_variance_initializer=_ONES,
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        fused=None,
        trainable=True,
        virtual_batch_size=None,
        adjustment=None,
        name=None,
        **kwargs,
    ):
        renorm_clipping = dict(renorm_clipping or {})
        if set(renorm_clipping) - {"rmax", "rmin", "dmax"}:
            raise ValueError(
                "Received invalid keys for `renorm_clipping` argument: "
                f"{renorm_clipping}. Supported values: ['rmax', 'rmin', 'dmax']."
            )
        super().__init__(trainable, name, **kwargs)
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise LayerArgumentTypeError(
                "BatchNormalization", "axis", axis, "an int or a list/tuple of ints",
                "BatchNormalization(axis=-1)  # channels_first: axis=1",
            )  # fmt: skip
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.input_spec = InputSpec(min_ndim=1)
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.fused = fused
        self.virtual_batch_size = virtual_batch_size
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.adjustment = adjustment

    _float_only = True
    _float_checked_in_call = True

    def _built_spec(self, input_shape):
        return InputSpec(ndim=len(input_shape), axes={a: input_shape[a] for a in self._axes})

    def _bad(self, argument, value, requirement, fix):
        return LayerArgumentError(self._display_name(), argument, value, requirement, fix)

    def build(self, input_shape):
        rank = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = []
        for a in axes:
            if not -rank <= a < rank:
                raise self._bad("axis", self.axis, f"expected -{rank} <= axis < {rank} for a "
                                f"rank-{rank} input", "axis=-1")  # fmt: skip
            self._axes.append(a % rank)
        if len(set(self._axes)) != len(self._axes):
            raise self._bad("axis", self.axis, f"duplicate axis {self._axes}", "axis=-1")
        vbs = self.virtual_batch_size
        if vbs is not None:
            if vbs <= 0:
                raise self._bad("virtual_batch_size", vbs, "must be a positive integer that "
                                "divides the batch size", "virtual_batch_size=None")  # fmt: skip
            if 0 in self._axes:
                raise self._bad("axis", self.axis, "with virtual_batch_size the batch dimension "
                                "must be 0, so axis cannot include 0", "axis=-1")  # fmt: skip
            if self.adjustment is not None:
                raise self._bad("adjustment", self.adjustment, "cannot be given with "
                                "virtual_batch_size", "adjustment=None")  # fmt: skip
        # tf.compat.v1's rule: fused=None/True means "fused when it can be", never an error.
        self._fused = (
            self.fused is not False
            and not self.renorm
            and vbs is None
            and self.adjustment is None
            and rank in (4, 5)
            and len(self._axes) == 1
            and self._axes[0] in (1, rank - 1)
            and str(as_dtype(self.dtype)) in _FUSED_DTYPES
        )
        dims = {a: input_shape[a] for a in self._axes}
        if len(dims) == 1 and vbs is None:
            param_shape = [dims[self._axes[0]]]
        else:
            param_shape = [dims.get(i, 1) for i in range(rank)]
            if vbs is not None:  # TF1 keeps a 1 for the virtual batch axis it inserts at 1
                param_shape.insert(1, 1)
        dtype = "float32" if str(as_dtype(self.dtype)) in ("float16", "bfloat16") else self.dtype
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                "gamma", param_shape, dtype, self.gamma_initializer, self.gamma_regularizer,
                trainable=True, constraint=self.gamma_constraint,
            )  # fmt: skip
        if self.center:
            self.beta = self.add_weight(
                "beta", param_shape, dtype, self.beta_initializer, self.beta_regularizer,
                trainable=True, constraint=self.beta_constraint,
            )  # fmt: skip
        self.moving_mean = self.add_weight(
            "moving_mean", param_shape, dtype, self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance", param_shape, dtype, self.moving_variance_initializer,
            trainable=False,
        )  # fmt: skip
        if self.renorm:  # TF1 tracks the stddev; renorm_* are the corrections' own averages
            sqrt_variance = _Sqrt(self.moving_variance_initializer or _ONES)
            self.moving_stddev = self.add_weight(
                "moving_stddev", param_shape, dtype, sqrt_variance, trainable=False
            )
            self.renorm_mean = self.add_weight(
                "renorm_mean", param_shape, dtype, self.moving_mean_initializer, trainable=False
            )
            self.renorm_stddev = self.add_weight(
                "renorm_stddev", param_shape, dtype, sqrt_variance, trainable=False
            )

    def call(self, inputs, training=False):
        training = static_training(training, f'batch_normalization layer "{self._base_name}"')
        x = jnp.asarray(inputs, self.dtype)  # TF1 casts the input to the layer's dtype
        in_dtype, in_shape = x.dtype, x.shape
        param_dtype = self.moving_mean.dtype
        x = x.astype(param_dtype)
        axes, vbs = self._axes, self.virtual_batch_size
        if vbs is not None:  # ghost batches: [vbs, batch // vbs, ...], statistics per column
            if x.shape[0] % vbs:
                raise self._bad("virtual_batch_size", vbs, f"does not divide the batch size "
                                f"{x.shape[0]} (input shape {x.shape})",
                                "a virtual_batch_size that divides the batch")  # fmt: skip
            x = jnp.reshape(x, (vbs, -1, *x.shape[1:]))
            axes = [a + 1 for a in axes]
        ndim = x.ndim
        reduction = tuple(i for i in range(ndim) if i not in axes and (vbs is None or i != 1))
        bshape = [1] * ndim
        for a in axes:
            bshape[a] = x.shape[a]

        def broadcast(v):
            return None if v is None else jnp.reshape(v.value if hasattr(v, "value") else v, bshape)

        scale, offset = broadcast(self.gamma), broadcast(self.beta)
        if training:
            # TF1 builds the assigns even when a frozen layer then drops them: a getter's array
            # fails either way.
            layer = frame.current("batch_normalization").var_scope.name
            for attr in ("moving_mean", "moving_variance") + _RENORM * bool(self.renorm):
                check_assignable(getattr(self, attr), layer, attr)
            self._check_param_dtypes()
            mean = jnp.mean(x, axis=reduction, keepdims=True)
            variance = jnp.mean(jnp.square(x - mean), axis=reduction, keepdims=True)
            new_mean, new_variance = mean, variance
            if vbs is not None:  # TF1 updates once with the ghost batches' mean statistics
                new_mean = jnp.mean(mean, axis=1, keepdims=True)
                new_variance = jnp.mean(variance, axis=1, keepdims=True)
            if self.adjustment is not None:  # training only: scale and shift, then gamma/beta
                adj_scale, adj_bias = self.adjustment(tuple(x.shape))
                scale, offset = _compose(adj_scale, adj_bias, scale, offset)
            if self.renorm:  # x_hat * r + d, with the corrections held constant
                r, d = self._renorm_correction(new_mean, new_variance, broadcast)
                r, d = jax.lax.stop_gradient(r), jax.lax.stop_gradient(d)
                scale, offset = _compose(r, d, scale, offset)
            if self.trainable:  # TF1's layer base drops a frozen layer's updates (oracle-tested)
                self._update_moving_averages(new_mean, new_variance, x.size // mean.size)
        else:
            self._check_param_dtypes()
            mean, variance = broadcast(self.moving_mean), broadcast(self.moving_variance)
        inv = 1.0 / jnp.sqrt(variance + jnp.asarray(self.epsilon, param_dtype))
        if scale is not None:
            inv = inv * scale
        shift = -mean * inv
        if offset is not None:
            shift = shift + offset
        return jnp.reshape(x * inv + shift, in_shape).astype(in_dtype)

    def _check_param_dtypes(self):
        """A float input (TF1 made integer variables, then fails on its first op), and float32
        parameters for a float16/bfloat16 layer: a custom getter's cast of them leaves TF1 a
        graph with no kernel (FusedBatchNormV3 T=float, U=bfloat16)."""
        check_float(self.dtype, f'BatchNormalization layer "{self._display_name()}"')
        low = jnp.dtype(self.dtype) in (jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16))
        want = jnp.float32 if low else self.dtype
        for name in ("gamma", "beta", "moving_mean", "moving_variance"):
            check_weight_dtype(getattr(self, name, None), name, want, self._display_name())

    def _renorm_correction(self, mean, variance, broadcast):
        """TF1's ``_renorm_correction_and_moments``: ``r`` and ``d`` from the pre-update
        ``renorm_mean``/``renorm_stddev``, clipped; those two are then updated (with the
        layer's other updates, so not when it is frozen)."""
        dtype = self.moving_mean.dtype
        stddev = jnp.sqrt(variance + self.epsilon)
        renorm_mean = broadcast(self.renorm_mean)
        renorm_stddev = jnp.maximum(broadcast(self.renorm_stddev), jnp.sqrt(jnp.asarray(
            self.epsilon, dtype)))  # fmt: skip
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = jnp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = jnp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = jnp.minimum(jnp.maximum(d, -clip["dmax"]), clip["dmax"])
        if self.trainable:
            self._check_mutable()
            decay = jnp.asarray(1.0 - self.renorm_momentum, dtype)
            for var, value in ((self.renorm_mean, mean), (self.renorm_stddev, stddev)):
                with name_scope("AssignMovingAvg"):
                    assign_sub(var, (var.value - jnp.reshape(value, var.shape)) * decay)
        return r, d

    def _check_mutable(self):
        fr = frame.current("batch_normalization")
        if fr.mode is frame.APPLY and "state" not in fr.mutable:
            raise MovingAverageUpdateError(
                fr.var_scope.name, [self.moving_mean._node, self.moving_variance._node]
            )
        return fr

    def _update_moving_averages(self, mean, variance, n: int) -> None:
        fr = self._check_mutable()
        dtype = self.moving_mean.dtype
        if self._fused:  # TF1's fused kernel hands back the unbiased variance
            variance = variance * jnp.asarray(n / (n - 1) if n > 1 else 1.0, dtype)
            decay = jnp.asarray(1.0, dtype) - jnp.asarray(self.momentum, dtype)
        else:
            decay = jnp.asarray(1.0 - self.momentum, dtype)
        with name_scope("AssignMovingAvg") as ns:
            new = assign_moving_average(
                self.moving_mean, jnp.reshape(mean, self.moving_mean.shape).astype(dtype), decay
            )
        _add(fr, GraphKeys.UPDATE_OPS, new, ns.rstrip("/") + ":0")
        var = self.moving_variance
        if self.renorm:  # TF1 averages the stddev and derives the variance from it
            stddev = jnp.sqrt(jnp.reshape(variance, var.shape) + self.epsilon)
            sd = self.moving_stddev
            with name_scope("AssignMovingAvg"):
                sd_new = assign_sub(sd, (sd.value - stddev) * decay)
            with name_scope("AssignNewValue") as ns:
                new = assign(var, jax.nn.relu(sd_new * sd_new - self.epsilon))
        else:
            with name_scope("AssignMovingAvg") as ns:
                new = assign_moving_average(
                    var, jnp.reshape(variance, var.shape).astype(dtype), decay
                )
        _add(fr, GraphKeys.UPDATE_OPS, new, ns.rstrip("/") + ":0")


def check_assignable(var, layer: str, attr: str) -> None:
    """A moving average is assigned to in training: what a custom getter returned must be the
    variable, not an array (a cast, an average), as in TF1."""
    if not isinstance(var, Variable):
        raise AssignThroughGetterError(layer, f"{layer}/{attr}", var.shape, var.dtype)


class _Sqrt:
    """The square root of an initializer (TF1's moving_stddev initializer), JAX-style."""

    def __init__(self, initializer):
        self.initializer = _jax_style(initializer)

    def __call__(self, key, shape, dtype):
        return jnp.sqrt(jnp.asarray(self.initializer(key, shape, dtype)))

    def __eq__(self, other):
        return isinstance(other, _Sqrt) and other.initializer == self.initializer

    def __hash__(self):
        return hash((_Sqrt, self.initializer))


def _compose(scale, offset, then_scale, then_offset):
    """``then(x * scale + offset)``: TF1's ``_compose_transforms``."""
    if then_scale is not None:
        scale, offset = scale * then_scale, offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


def batch_normalization(
    inputs,
    axis=-1,
    momentum=0.99,
    epsilon=1e-3,
    center=True,
    scale=True,
    beta_initializer=_ZEROS,
    gamma_initializer=_ONES,
    moving_mean_initializer=_ZEROS,
    moving_variance_initializer=_ONES,
    beta_regularizer=None,
    gamma_regularizer=None,
    beta_constraint=None,
    gamma_constraint=None,
    training=False,
    trainable=True,
    name=None,
    reuse=None,
    renorm=False,
    renorm_clipping=None,
    renorm_momentum=0.99,
    fused=None,
    virtual_batch_size=None,
    adjustment=None,
):
    """Batch normalization: ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``.

    With ``training=False`` (the default) ``mean`` and ``variance`` are the moving averages.
    With ``training=True`` they are the batch's statistics over every axis but ``axis``, and the
    moving averages are updated: ``moving -= (moving - batch) * (1 - momentum)``. That update
    needs ``apply(..., mutable=["state"])`` (it is returned with the new variables); without it
    the call raises :class:`jaxscope.MovingAverageUpdateError` (TF1 silently left the averages
    stale when ``UPDATE_OPS`` were not run). ``training`` must be a Python bool.

    Args:
      inputs: the input.
      axis: the feature axis (or a list of axes), ``-1`` by default; ``1`` for
        ``channels_first``.
      momentum: of the moving averages (0.99).
      epsilon: added to the variance (1e-3).
      center, scale: create ``beta`` / ``gamma``.
      beta_initializer, gamma_initializer: zeros, ones.
      moving_mean_initializer, moving_variance_initializer: zeros, ones.
      beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as for dense.
      training: a Python bool.
      trainable: False puts ``gamma``/``beta`` in ``variables["state"]`` too.
      name, reuse: as for dense (default names ``batch_normalization``, ``..._1``).
      fused: accepted (None/True/False); as in TF1 it only chooses which variance updates the
        moving variance (see the module docstring), the math is the same.
      virtual_batch_size: "ghost batch" normalization: the batch is viewed as
        ``[virtual_batch_size, batch // virtual_batch_size, ...]`` and each column normalized with
        its own statistics (TF1's layout: the variables get shape ``[1, 1, ..., channels]``); the
        moving averages are updated once with the columns' mean statistics. Not with ``axis=0``
        or ``adjustment``; must divide the batch size.
      adjustment: training only, ``adjustment(input_shape) -> (scale, bias)`` applied before
        ``gamma`` and ``beta`` (``gamma * (x_hat * scale + bias) + beta``); TF1 passed the shape
        as a tensor, here it is a tuple of ints (draw with ``jaxscope.next_rng_key()``).
      renorm, renorm_clipping, renorm_momentum: batch renormalization, as TF1: training
        normalizes ``x_hat * r + d`` with ``r = stddev / renorm_stddev`` and
        ``d = (mean - renorm_mean) / renorm_stddev`` (clipped by ``renorm_clipping``'s ``rmin``,
        ``rmax``, ``dmax``; no gradient through them), ``renorm_mean``/``renorm_stddev`` averaged
        with ``renorm_momentum``; the moving variance is derived from a ``moving_stddev``
        average. Three more ``state`` variables: ``moving_stddev``, ``renorm_mean``,
        ``renorm_stddev``.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x, training: js.layers.batch_normalization(x, training=training))
      >>> x = jnp.arange(6.0).reshape(3, 2)
      >>> variables = f.init(jax.random.key(0), x, True)
      >>> y, variables = f.apply(variables, x, True, mutable=["state"])
      >>> variables["state"]["batch_normalization"]["moving_mean"]
      Array([0.02, 0.03], dtype=float32)

    TF1 equivalent: tf.compat.v1.layers.batch_normalization
    """
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
        renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
        trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
        name=name, _scope=name, _reuse=reuse,
    )  # fmt: skip
    return layer(inputs, training=training)
