"""tf-slim's ``batch_norm`` and ``layer_norm``.

``batch_norm`` follows tf-slim's three routes, because they name, order and update differently:

* the fused route (rank 2 or 4, ``fused`` not False, and ``updates_collections`` other than
  ``UPDATE_OPS`` or a rank-2 input): ``beta``, ``gamma``, float32; the moving variance is
  updated with the unbiased batch variance (TF1's fused kernel);
* the ``tf.layers`` route (``updates_collections=UPDATE_OPS``, the default, otherwise):
  ``gamma`` before ``beta`` (``tf.layers.BatchNormalization``'s order); unbiased variance when
  that layer fuses (rank 4/5, channel axis); with ``trainable=False`` TF1's layer base drops
  the layer's updates, so training mode normalizes with the batch statistics and leaves the
  moving averages as they are;
* the plain route (``updates_collections=None`` on other ranks, or ``fused=False``): ``beta``,
  ``gamma``; biased variance; ``param_regularizers`` are ignored, as in TF1.

All variables are model variables. ``is_training=True`` (the default) normalizes with the batch
statistics and updates ``moving -= (moving - batch) * (1 - decay)``. TF1 deferred the update to
``UPDATE_OPS`` (default) or, with ``updates_collections=None``, forced it in place; both are the
same under plain ``apply``: an ``assign_sub`` that comes back from ``apply(..., mutable=["state"])``
(without it, :class:`jaxscope.MovingAverageUpdateError`), filed in ``updates_collections`` when not
None. Under ``js.train.Runner`` (``fetch_dependent``) they differ as in TF1: with
``updates_collections=None`` the output depends on the update (fetching anything computed from it
runs it); otherwise the update runs when the collection's values are fetched (a ``tf.group`` or
``tf.control_dependencies`` around the train op).
"""

from __future__ import annotations

import jax.numpy as jnp

from jaxscope._src.contrib.arg_scope import add_arg_scope
from jaxscope._src.contrib.layers import _data_format_error
from jaxscope._src.contrib.utils import collect_named_outputs
from jaxscope._src.contrib.variables import (
    add_variable_to_collections,
    get_variable_collections,
    model_variable,
)
from jaxscope._src.core import fetch, frame
from jaxscope._src.core.assign import assign_moving_average
from jaxscope._src.core.collections import GraphKeys, _add
from jaxscope._src.core.scope import name_scope, variable_scope
from jaxscope._src.initializers.catalogue import ones_initializer, zeros_initializer
from jaxscope._src.layers.base import (
    InputSpec,
    check_float,
    check_weight_dtype,
    static_training,
)
from jaxscope._src.layers.errors import LayerArgumentError, MovingAverageUpdateError
from jaxscope._src.layers.normalization import BatchNormalization, check_assignable

_DEFAULTS = {"beta": zeros_initializer(), "gamma": ones_initializer(),
             "moving_mean": zeros_initializer(), "moving_variance": ones_initializer()}  # fmt: skip


def _unsupported(arg, value, default=None, why=""):
    if value is not default and not (default is False and value is False):
        raise NotImplementedError(
            f"batch_norm: {arg}={value!r} is not supported by jaxscope.slim yet{why}; remove the "
            f"{arg} argument (or leave it {default!r})."
        )


def _route(rank, fused, updates_collections, data_format, dtype, fusable=True):
    """Which of tf-slim's code paths runs, and whether its moving variance is unbiased."""
    fused = True if fused is None else fused
    if (fused and fusable and rank in (2, 4)
            and (rank == 2 or updates_collections != GraphKeys.UPDATE_OPS)):  # fmt: skip
        return "fused", True
    if data_format not in ("NCHW", "NHWC"):
        raise _data_format_error(data_format)
    if updates_collections == GraphKeys.UPDATE_OPS:
        axis = 1 if data_format == "NCHW" else rank - 1
        fusable = rank in (4, 5) and axis in (1, rank - 1)
        fusable = fusable and str(dtype) in ("float16", "bfloat16", "float32")
        return "layer", bool(fused) and fusable
    return "plain", False


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC", zero_debias_moving_mean=False,
               scope=None, renorm=False, renorm_clipping=None, renorm_decay=0.99,
               adjustment=None):  # fmt: skip
    """Batch normalization, ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``, over every
    axis but the channel one (last for ``NHWC``, 1 for ``NCHW``). See the module docstring.

    Note tf-slim's defaults: no ``gamma`` unless ``scale=True``, ``decay=0.999``,
    ``is_training=True``. ``is_training`` must be a Python bool.

    Args:
      inputs: ``[batch, ..., channels]`` (``NCHW``: channels second).
      decay: the moving averages' decay.
      center: create ``beta``.
      scale: create ``gamma``.
      epsilon: added to the variance.
      activation_fn: applied to the output, or None.
      param_initializers: ``{"beta": ..., "gamma": ..., "moving_mean": ...,
        "moving_variance": ...}`` initializers.
      param_regularizers: ``{"beta": ..., "gamma": ...}`` regularizers.
      updates_collections: where the moving-average updates go (``UPDATE_OPS``), or None to
        force them in place.
      is_training: a Python bool: normalize with the batch statistics and update the averages.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts ``beta``/``gamma`` in ``variables["state"]``.
      batch_weights: not supported (must be None).
      fused: None, True or False: which route computes it (see the module docstring).
      data_format: ``"NHWC"`` or ``"NCHW"``.
      zero_debias_moving_mean: not supported (must be False).
      scope: the variable scope (default ``BatchNorm``).
      renorm: use batch renormalization.
      renorm_clipping: ``{"rmax", "rmin", "dmax"}`` clipping of renormalization.
      renorm_decay: the renormalization averages' decay.
      adjustment: training only, ``adjustment(input_shape) -> (scale, bias)``.

    Raises:
      ValueError: ``data_format`` is not NCHW or NHWC; an unsupported rank on the fused route.
      NotImplementedError: ``zero_debias_moving_mean`` or ``batch_weights`` (not supported yet).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.batch_norm(x))
      >>> x = jnp.arange(6.0).reshape(3, 2)
      >>> variables = f.init(jax.random.key(0), x)
      >>> y, variables = f.apply(variables, x, mutable=["state"])
      >>> variables["state"]["BatchNorm"]["moving_mean"]
      Array([0.002, 0.003], dtype=float32)

    TF1 equivalent: tf.contrib.layers.batch_norm
    """
    _unsupported("zero_debias_moving_mean", zero_debias_moving_mean, False,
                 " (TF1 creates moving_mean/biased and moving_mean/local_step beside the "
                 "variable moving_mean: a name both a variable and a scope, which the variables "
                 "tree cannot hold)")  # fmt: skip
    _unsupported("batch_weights", batch_weights)
    x = jnp.asarray(inputs)
    rank = x.ndim
    check_float(x.dtype, f"batch_norm {scope or 'BatchNorm'!r}")
    fusable = not renorm and adjustment is None
    route, unbiased = _route(rank, fused, updates_collections, data_format, x.dtype, fusable)
    if route == "layer" and not fusable:  # tf-slim hands these to tf.layers' own layer
        return _layer_batch_norm(
            x, decay, center, scale, epsilon, activation_fn, param_initializers,
            param_regularizers, is_training, reuse, variables_collections, outputs_collections,
            trainable, fused, data_format, scope, renorm, renorm_clipping, renorm_decay,
            adjustment,
        )  # fmt: skip
    if route == "fused":
        if data_format not in ("NCHW", "NHWC"):
            raise _data_format_error(data_format)
        if rank not in (2, 4):
            InputSpec(ndim=4 if rank > 2 else 2).check(x.shape, "BatchNorm (rank 2 or 4)")
    axis = 1 if data_format == "NCHW" else rank - 1
    initializers = {**_DEFAULTS, **(param_initializers or {})}
    regularizers = {} if route == "plain" else dict(param_regularizers or {})
    if route == "fused" or str(x.dtype) in ("float16", "bfloat16"):
        dtype = "float32"
    else:
        dtype = x.dtype
    order = ["gamma", "beta"] if route == "layer" else ["beta", "gamma"]
    wanted = {"beta": center, "gamma": scale, "moving_mean": True, "moving_variance": True}
    with variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        if route == "plain" and renorm:
            raise ValueError(
                "renorm is not supported with batch_weights, updates_collections or "
                "zero_debias_moving_mean"
            )
        if route == "plain" and adjustment is not None:
            raise ValueError(
                f'batch_norm "{sc.name}": adjustment is only applied with updates_collections='
                "UPDATE_OPS (the default); TF1 silently ignored it here. Remove adjustment= to "
                "get TF1's result."
            )
        v = {}
        for name in [*order, "moving_mean", "moving_variance"]:
            if not wanted[name]:
                continue
            collections = None
            if route != "layer":
                collections = get_variable_collections(variables_collections, name)
            v[name] = model_variable(
                name, [x.shape[axis]], dtype, initializers[name], regularizers.get(name),
                trainable=trainable and not name.startswith("moving"), collections=collections,
            )  # fmt: skip
            check_weight_dtype(v[name], name, dtype, f'batch_norm "{sc.name}"')
        if route == "layer":  # tf-slim files the tf.layers variables afterwards, in this order
            for name in ("moving_mean", "moving_variance", "beta", "gamma"):
                if name in v:
                    add_variable_to_collections(v[name], variables_collections, name)
        # TF1's layer base drops a non-trainable layer's updates: batch statistics, frozen averages
        frozen = route == "layer" and not trainable
        outputs = _normalize(x, v, axis, epsilon, route, unbiased, decay, is_training, frozen,
                             updates_collections, sc.name)  # fmt: skip
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _layer_batch_norm(x, decay, center, scale, epsilon, activation_fn, param_initializers,
                      param_regularizers, is_training, reuse, variables_collections,
                      outputs_collections, trainable, fused, data_format, scope, renorm,
                      renorm_clipping, renorm_decay, adjustment):  # fmt: skip
    """tf-slim's route through ``tf.layers.BatchNormalization`` (``renorm``, ``adjustment``):
    the layer's variables become model variables (tf-slim's custom getter)."""
    initializers = {**_DEFAULTS, **(param_initializers or {})}
    regularizers = dict(param_regularizers or {})
    with variable_scope(scope, "BatchNorm", [x], reuse=reuse) as sc:
        layer = BatchNormalization(
            axis=1 if data_format == "NCHW" else -1, momentum=decay, epsilon=epsilon,
            center=center, scale=scale, beta_initializer=initializers["beta"],
            gamma_initializer=initializers["gamma"],
            moving_mean_initializer=initializers["moving_mean"],
            moving_variance_initializer=initializers["moving_variance"],
            beta_regularizer=regularizers.get("beta"),
            gamma_regularizer=regularizers.get("gamma"), trainable=trainable, renorm=renorm,
            renorm_clipping=renorm_clipping, renorm_momentum=renorm_decay, adjustment=adjustment,
            name=sc.name, _scope=sc, _reuse=reuse, fused=True if fused is None else fused,
        )  # fmt: skip
        outputs = layer(x, training=is_training)
        for var in layer._variables:
            add_variable_to_collections(var, [GraphKeys.MODEL_VARIABLES], "")
        for name in ("moving_mean", "moving_variance", "beta", "gamma"):
            if getattr(layer, name) is not None:
                add_variable_to_collections(getattr(layer, name), variables_collections, name)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _normalize(x, v, axis, epsilon, route, unbiased, decay, is_training, frozen, updates,
               scope_name):  # fmt: skip
    training = static_training(is_training, f'batch_norm "{scope_name}"')
    in_dtype = x.dtype
    x = x.astype(v["moving_mean"].dtype)
    reduction = tuple(i for i in range(x.ndim) if i != axis)
    bshape = [1] * x.ndim
    bshape[axis] = x.shape[axis]
    if route != "plain" and unbiased:
        epsilon = max(epsilon, 1.001e-5)  # TF1's fused kernel's floor (a cuDNN requirement)
    if training:
        for name in ("moving_mean", "moving_variance"):  # TF1 fails even when frozen drops them
            check_assignable(v[name], scope_name, name)
        mean = jnp.mean(x, axis=reduction, keepdims=True)
        variance = jnp.mean(jnp.square(x - mean), axis=reduction, keepdims=True)
        n = x.size // mean.size
        moving_variance = variance * (n / (n - 1) if n > 1 else 1.0) if unbiased else variance
        news = [] if frozen else _update(v, mean, moving_variance, decay, route, updates)
    else:
        mean = jnp.reshape(jnp.asarray(v["moving_mean"]), bshape)
        variance = jnp.reshape(jnp.asarray(v["moving_variance"]), bshape)
    inv = jnp.reciprocal(jnp.sqrt(variance + jnp.asarray(epsilon, x.dtype)))
    if "gamma" in v:
        inv = inv * jnp.reshape(jnp.asarray(v["gamma"]), bshape)
    beta = jnp.reshape(jnp.asarray(v["beta"]), bshape) if "beta" in v else 0.0
    out = (x * inv + (beta - mean * inv)).astype(in_dtype)
    if training and updates is None and news:  # TF1 forces the update: the output waits for it
        fr = frame.current("batch_norm")
        if fr.pending is not None:
            out = jnp.array(out, copy=True)  # a value of its own, to hang the dependency on
            fetch.depends(fr, out, news)
    return out


def _update(v, mean, variance, decay, route, updates) -> list:
    fr = frame.current("batch_norm")
    mm, mv = v["moving_mean"], v["moving_variance"]
    if fr.mode is frame.APPLY and "state" not in fr.mutable:
        raise MovingAverageUpdateError(fr.var_scope.name, [mm._node, mv._node])
    dtype = mm.dtype
    if route == "layer" and updates is not None:  # tf.layers' fused layer: 1 - momentum in dtype
        factor = jnp.asarray(1.0, dtype) - jnp.asarray(decay, dtype)
    else:
        factor = jnp.asarray(1.0 - decay, dtype)
    news = []
    for var, value in ((mm, mean), (mv, variance)):
        with name_scope("AssignMovingAvg") as ns:
            new = assign_moving_average(var, jnp.reshape(value, var.shape).astype(dtype), factor)
        news.append(new)
        if updates is not None:
            for key in [updates] if isinstance(updates, str) else updates:
                _add(fr, key, new, ns.rstrip("/") + ":0")
    return news


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):  # fmt: skip
    """Layer normalization: moments over axes ``begin_norm_axis:``, ``beta`` and ``gamma`` (in
    that order) of shape ``inputs.shape[begin_params_axis:]``, epsilon 1e-12 (1e-3 for float16).

    Args:
      inputs: the input, rank >= 2.
      center: create ``beta``.
      scale: create ``gamma``.
      activation_fn: applied to the output, or None.
      reuse: reuse the variables of ``scope``.
      variables_collections: more collections for the variables.
      outputs_collections: collections to add the output to.
      trainable: False puts ``beta``/``gamma`` in ``variables["state"]``.
      begin_norm_axis: the first axis of the moments.
      begin_params_axis: the first axis of ``beta``'s and ``gamma``'s shape.
      scope: the variable scope (default ``LayerNorm``).

    Raises:
      ValueError: ``begin_params_axis`` or ``begin_norm_axis`` not below the input's rank.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.slim.layer_norm(x))
      >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([2, 3]))
      >>> out.shape, jax.tree.map(jnp.shape, variables["params"])
      ((2, 3), {'LayerNorm': {'beta': (3,), 'gamma': (3,)}})

    TF1 equivalent: tf.contrib.layers.layer_norm
    """
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        x = jnp.asarray(inputs)
        rank = x.ndim
        check_float(x.dtype, f'layer_norm "{sc.name}"')
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        for arg, value in (("begin_params_axis", begin_params_axis),
                           ("begin_norm_axis", begin_norm_axis)):  # fmt: skip
            if value >= rank:
                raise LayerArgumentError(
                    f'layer_norm "{sc.name}"',
                    arg,
                    value,
                    f"must be < rank(inputs) ({rank})",
                    f"layer_norm(x, {arg}={-1 if arg == 'begin_params_axis' else 1})",
                )
        params_shape = list(x.shape[begin_params_axis:])
        beta = gamma = None
        if center:
            beta = model_variable(
                "beta", params_shape, x.dtype, _DEFAULTS["beta"], trainable=trainable,
                collections=get_variable_collections(variables_collections, "beta"),
            )  # fmt: skip
        if scale:
            gamma = model_variable(
                "gamma", params_shape, x.dtype, _DEFAULTS["gamma"], trainable=trainable,
                collections=get_variable_collections(variables_collections, "gamma"),
            )  # fmt: skip
        for name, param in (("beta", beta), ("gamma", gamma)):
            check_weight_dtype(param, name, x.dtype, f'layer_norm "{sc.name}"')
        axes = tuple(range(begin_norm_axis, rank))
        mean = jnp.mean(x, axis=axes, keepdims=True)
        variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
        eps = 1e-3 if x.dtype == jnp.float16 else 1e-12
        inv = jnp.reciprocal(jnp.sqrt(variance + jnp.asarray(eps, x.dtype)))
        if gamma is not None:
            inv = inv * jnp.asarray(gamma)
        out = x * inv + ((jnp.asarray(beta) if beta is not None else 0.0) - mean * inv)
        if activation_fn is not None:
            out = activation_fn(out)
        return collect_named_outputs(outputs_collections, sc.name, out)
