"""The ``tf.layers`` base: how a layer picks its variable scope, makes its weights, files losses.

Follows tf_keras' ``legacy_tf_layers/base.py`` step by step, because ported code depends on its
naming: a layer called without a name opens ``variable_scope(None, default_name="dense")``
(uniquified per enclosing variable scope: ``dense``, ``dense_1``); a functional layer with
``name="foo"`` opens ``variable_scope("foo")`` (so a second one without reuse is "already
exists"); ``reuse=True`` without a name re-opens ``variable_scope("dense")`` by name. The weights
are ``get_variable`` calls inside that scope (the scope's initializer and regularizer apply, as
in TF1), created once per ``init``/``apply`` call.

A layer object keeps its scope and ``built`` flag per call (per frame), so one ``Dense(3)``
created outside the transformed function works in ``init`` and in every ``apply``.
"""

from __future__ import annotations

import inspect
import numbers
import re
import weakref
from typing import Any

import jax.numpy as jnp

from jaxscope._src.core import frame
from jaxscope._src.core.collections import GraphKeys, _add
from jaxscope._src.core.scope import name_scope, variable_scope
from jaxscope._src.core.tensor_shape import TensorShape
from jaxscope._src.core.transform import static_flag
from jaxscope._src.core.variable_store import get_variable
from jaxscope._src.core.variables import PartitionedVariable, Variable
from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.layers.errors import (
    LayerArgumentError,
    LayerDtypeMismatchError,
    LayerInputDtypeError,
    LayerInputError,
)


def _snake(name: str) -> str:
    """Keras' ``to_snake_case``: ``Conv2DTranspose`` -> ``conv2d_transpose``."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


class _CallState:
    """What a layer remembers within one ``init``/``apply`` call."""

    def __init__(self):
        self.scope = None
        self.built = False
        self.spec = None  # the input spec once built (axes fixed), per call as the weights


class Layer:
    """Base class of the ``jaxscope.layers`` classes: TF1's ``tf.compat.v1.layers.Layer``.

    Subclasses define ``build(input_shape)`` (creating weights with :meth:`add_weight`) and
    ``call(inputs, ...)``. ``layer(inputs)`` opens the layer's variable scope, builds on the first
    call within an ``init``/``apply`` call and reuses the weights on later calls.

    Args:
      trainable: False puts the layer's variables in ``variables["state"]``.
      name: the layer's variable scope (default: the class name in snake case, uniquified).
      dtype: the variables' dtype (default: the first input's).

    Raises:
      TypeError: an unknown keyword argument.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> class Scale(js.layers.Layer):
      ...     def build(self, input_shape):
      ...         self.w = self.add_weight("w", [input_shape[-1]])
      ...     def call(self, inputs):
      ...         return inputs * self.w
      >>> f = js.transform(lambda x: Scale()(x))
      >>> jax.tree.map(jnp.shape, f.init(jax.random.key(0), jnp.ones([2, 3])))
      {'params': {'scale': {'w': (3,)}}}

    TF1 equivalent: tf.compat.v1.layers.Layer
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        self._scope_arg = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: keyword argument(s) not understood: "
                f"{', '.join(sorted(kwargs))}."
            )
        self.trainable = trainable
        self.dtype = None if dtype is None else as_dtype(dtype)
        self.activity_regularizer = activity_regularizer
        self._name = name
        self._base_name = name or _snake(type(self).__name__)
        self._states: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._variables: list = []
        self.input_spec: InputSpec | None = None
        if self._scope_arg:  # functional forms: TF1 opens the named scope at construction
            self._state(frame.current(type(self).__name__))

    # -- scope and weights, as tf_keras' legacy base ------------------------------------------
    def _state(self, fr) -> _CallState:
        st = self._states.get(fr)
        if st is None:
            st = self._states[fr] = _CallState()
            if self._scope_arg:
                with variable_scope(self._scope_arg) as captured:
                    st.scope = captured
        return st

    def _set_scope(self, st: _CallState, scope=None) -> None:
        if st.scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as captured:
                    st.scope = captured
            else:
                with variable_scope(scope, default_name=self._base_name) as captured:
                    st.scope = captured

    def add_weight(
        self,
        name: str,
        shape,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable: bool | None = None,
        constraint=None,
    ):
        """``get_variable(name, shape, ...)`` in the layer's scope; the regularizer's loss goes to
        ``REGULARIZATION_LOSSES`` only when the variable is new (not when it is reused).

        TF1 equivalent: tf.compat.v1.layers.Layer.add_weight
        """
        fr = frame.current("add_weight")
        scope = fr.var_scope
        key = scope.name + "/" + name if scope.name else name
        existed = key in fr.store
        var = get_variable(
            name,
            shape,
            dtype=dtype or self.dtype or "float32",
            initializer=initializer,
            trainable=(True if trainable is None else trainable) and self.trainable,
            constraint=constraint,
        )
        # TF1 adds the loss unless the variable existed; what a custom getter returned in its
        # place (a cast tensor) never "existed", so TF1 adds its loss again on every reuse
        if regularizer is not None and (not existed or not is_variable(var)):
            loss = regularizer(var)
            if loss is not None:
                fn = getattr(regularizer, "__name__", "regularizer").strip("<>")
                _add(fr, GraphKeys.REGULARIZATION_LOSSES, loss,
                     f"{fr.names.name_stack}/{name}/Regularizer/{fn}:0")  # fmt: skip
        if not existed:
            self._variables.append(var)
        return var

    def __call__(self, inputs, *args, **kwargs):
        fr = frame.current(type(self).__name__)
        st = self._state(fr)
        self._set_scope(st, kwargs.pop("scope", None))
        with variable_scope(
            st.scope, reuse=True if st.built else self._reuse, auxiliary_name_scope=False
        ):
            with name_scope(st.scope.original_name_scope):
                shape = tuple(jnp.shape(inputs))
                spec = st.spec if st.built else self.input_spec
                if spec is not None:
                    spec.check(shape, st.scope.name)
                if not st.built:
                    if self.dtype is None:
                        self.dtype = _infer_dtype(inputs)
                    if self._float_only and not self._float_checked_in_call:
                        check_float(self.dtype, f'{type(self).__name__} layer "{st.scope.name}"')
                    self._variables = []
                    self.build(TensorShape(shape))  # TF1's: input_shape[-1].value works
                    st.spec = self._built_spec(shape)
                    st.built = True
                outputs = self.call(inputs, *args, **kwargs)
                if self.activity_regularizer is not None:
                    with name_scope("ActivityRegularizer") as ns:
                        loss = jnp.asarray(self.activity_regularizer(outputs))
                        batch = jnp.shape(outputs)[0]
                        loss = loss / batch if batch else jnp.zeros_like(loss)  # divide_no_nan
                    _add(fr, GraphKeys.REGULARIZATION_LOSSES, loss, ns + "truediv:0")
        return outputs

    def apply(self, inputs, *args, **kwargs):
        """Same as calling the layer. TF1 equivalent: tf.compat.v1.layers.Layer.apply"""
        return self(inputs, *args, **kwargs)

    _float_only = False  # TF1 builds the layer in floating point only (dense, conv, norm)
    # TF1's BatchNormalization makes its (integer) variables first and fails on an op of call
    _float_checked_in_call = False

    def build(self, input_shape) -> None:
        del input_shape

    def _built_spec(self, input_shape) -> InputSpec | None:
        """The input spec once built (tf_keras sets ``self.input_spec`` in ``build``)."""
        del input_shape
        return self.input_spec

    def _display_name(self) -> str:
        """``Dense layer "outer/dense_1"`` for messages (the scope, once called)."""
        st = self._states.get(frame._stack()[-1]) if frame._stack() else None
        name = st.scope.name if st is not None and st.scope is not None else self._base_name
        return f'{type(self).__name__} layer "{name}"'

    def call(self, inputs, *args, **kwargs):
        return inputs

    # -- TF1 properties -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The name given, else the snake-case class name (``dense``)."""
        return self._base_name

    @property
    def scope_name(self) -> str:
        """The layer's variable scope (``"dense_1"``), once called in the current call."""
        st = self._states.get(frame.current("scope_name"))
        if st is None or st.scope is None:
            raise ValueError(
                f'No name available for layer scope because the layer "{self.name}" has not '
                "been used yet. The scope name is determined the first time the layer instance "
                "is called. You must therefore call the layer before querying `scope_name`."
            )
        return st.scope.name

    @property
    def built(self) -> bool:
        """Whether the layer has made its weights in the current ``init``/``apply`` call."""
        try:
            st = self._states.get(frame.current("built"))
        except Exception:  # noqa: BLE001 - outside a transform: not built there
            return False
        return st is not None and st.built

    @built.setter
    def built(self, value: bool) -> None:
        # TF1's build() ends with ``self.built = True``; the call marks it built anyway
        st = self._states.get(frame.current("built"))
        if st is not None:
            st.built = bool(value)

    @property
    def variables(self) -> list:
        """The layer's variables, in creation order (from its last build)."""
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self) -> list:
        # what a custom getter returned instead of a variable (a cast) is not trainable, as in TF1
        return [v for v in self._variables if getattr(v, "trainable", False)]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self) -> list:
        return [v for v in self._variables if not getattr(v, "trainable", False)]

    non_trainable_weights = non_trainable_variables


def _infer_dtype(inputs):
    """Layers take their dtype from the first input, as TF1's (float32 for Python numbers); a
    float-only layer then refuses an integer one rather than cast it."""
    dtype = getattr(inputs, "dtype", None)
    return as_dtype("float32" if dtype is None else dtype)


# -- argument normalisation (tf_keras' conv_utils) ----------------------------------------------
def normalize_tuple(value, n: int, name: str, allow_zero: bool = False, layer: str = "layer"):
    """tf_keras' ``normalize_tuple``: an int or ``n`` ints, each ``> 0`` (``>= 0`` with
    ``allow_zero``, as for ``strides``), else :class:`LayerArgumentError` naming ``name``."""
    bound = ">= 0" if allow_zero else "> 0"
    example = 1 if n == 1 else (1,) * n
    fix = f"{layer}(..., {name}={example!r})  # {n} integer(s) {bound}"
    try:
        out = (int(value),) * n if isinstance(value, numbers.Integral) else tuple(
            int(v) for v in value)  # fmt: skip
    except (TypeError, ValueError):
        out = ()
    if len(out) != n:
        raise LayerArgumentError(layer, name, value, f"must be a tuple of {n} integers", fix)
    if any(v < 0 or (v == 0 and not allow_zero) for v in out):
        raise LayerArgumentError(
            layer, name, value, f"must be a tuple of {n} integers, each {bound}", fix
        )
    return out


def normalize_padding(value: str, allowed=("valid", "same"), layer: str = "layer") -> str:
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise LayerArgumentError(
            layer, "padding", value, f"must be one of {', '.join(map(repr, allowed))} (any case)",
            f"{layer}(..., padding={allowed[0]!r})",
        )  # fmt: skip
    return padding


def normalize_data_format(value, layer: str = "layer") -> str:
    data_format = "channels_last" if value is None else str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise LayerArgumentError(
            layer, "data_format", value, "must be 'channels_first' or 'channels_last'",
            f"{layer}(..., data_format='channels_last')  # TF1's tf.layers names, not 'NHWC'",
        )  # fmt: skip
    return data_format


def check_positive(value, name: str, layer: str, example: int = 1) -> int:
    """``filters``, ``units``-like counts: an int > 0 (TF1's ``Expected a strictly positive
    value``)."""
    if int(value) <= 0:
        raise LayerArgumentError(
            layer, name, value, "expected a strictly positive integer",
            f"{layer}(..., {name}={example})",
        )  # fmt: skip
    return int(value)


# -- input checks (tf_keras' InputSpec and dtype rules) -----------------------------------------
class InputSpec:
    """What a layer accepts, as tf_keras' ``InputSpec``: an exact ``ndim`` or a ``min_ndim``,
    and ``axes`` (axis -> size) fixed once the layer is built."""

    def __init__(self, ndim=None, min_ndim=None, axes=None):
        self.ndim, self.min_ndim, self.axes = ndim, min_ndim, dict(axes or {})

    def check(self, shape, layer: str) -> None:
        """Raises :class:`LayerInputError` (TF1's message) when ``shape`` does not fit."""
        rank = len(shape)
        if self.min_ndim is not None and self.ndim is None:
            # inside js.vmap a layer sees one example; TF1's rule is for the whole batch
            rank += frame.current("InputSpec").mapped_axes
        if self.ndim is not None and rank != self.ndim:
            raise LayerInputError(layer, f"ndim={self.ndim}", f"ndim={rank}", shape,
                                         f"feed a rank-{self.ndim} input.")  # fmt: skip
        if self.min_ndim is not None and rank < self.min_ndim:
            raise LayerInputError(
                layer, f"min_ndim={self.min_ndim}", f"ndim={rank}", shape,
                f"feed an input of rank >= {self.min_ndim} (add the batch axis: x[None]).",
            )  # fmt: skip
        for axis, size in self.axes.items():
            if not -rank <= axis < rank or shape[axis] != size:
                raise LayerInputError(
                    layer, f"axis {axis} of input shape to have value {size}",
                    f"shape {tuple(shape)}", shape,
                    "a built layer keeps its weights' shapes: call it on inputs of the size it "
                    "was built for, or make a new layer object for the other size.",
                )  # fmt: skip


def is_float(dtype) -> bool:
    return dtype is not None and jnp.issubdtype(dtype, jnp.floating)


def check_float(dtype, layer: str, what: str = "input") -> None:
    """Float-only layers refuse a non-floating input or ``dtype=`` (TF1's ``TypeError``)."""
    if not is_float(dtype):
        raise LayerInputDtypeError(layer, dtype, what)


def is_variable(value) -> bool:
    """A variable (not an array a custom getter returned in its place)."""
    return isinstance(value, (Variable, PartitionedVariable))


def check_weight_dtype(weight, weight_name: str, dtype, layer: str) -> None:
    """The weight (as a custom getter returned it) must be in the layer's compute dtype: TF1's
    ops refuse to mix float32 with bfloat16/float16, so jaxscope never promotes silently."""
    if weight is not None and jnp.dtype(weight.dtype) != jnp.dtype(dtype):
        raise LayerDtypeMismatchError(layer, weight_name, jnp.dtype(weight.dtype),
                                             jnp.dtype(dtype))  # fmt: skip


def static_training(value: Any, layer: str) -> bool:
    """``training`` must be known when the program is traced (a Python bool)."""
    return static_flag(value, layer)


def not_built(arg: str, value, default=None) -> None:
    """Arguments jaxscope does not build yet are refused loudly, never ignored."""
    if value is not default:
        raise NotImplementedError(
            f"{arg}={value!r} is not supported yet by jaxscope.layers; remove the {arg} "
            f"argument (or leave it {default!r})."
        )


def functional(cls, name: str, doc: str, **defaults):
    """TF1's functional form of a layer class: ``fn(inputs, <the class's arguments>, reuse=None)``
    builds ``cls(..., name=name, _scope=name, _reuse=reuse)`` and calls it on ``inputs``, as
    ``tf.compat.v1.layers`` does. ``defaults`` override the class's (TF1's functional forms spell
    some as tuples: ``strides=(1, 1)``)."""
    params = [inspect.Parameter("inputs", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        params.append(p.replace(default=defaults.get(p.name, p.default)))
    params.append(inspect.Parameter("reuse", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    signature = inspect.Signature(params)

    def layer_fn(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        inputs, reuse = arguments.pop("inputs"), arguments.pop("reuse")
        return cls(**arguments, _scope=arguments["name"], _reuse=reuse)(inputs)

    layer_fn.__signature__ = signature
    layer_fn.__name__ = layer_fn.__qualname__ = name
    layer_fn.__module__ = cls.__module__
    layer_fn.__doc__ = doc
    return layer_fn


def with_defaults(init, **defaults):
    """``init`` with other defaults (TF1 spells ``Conv2D``'s ``strides=(1, 1)``, ``Conv3D``'s
    ``(1, 1, 1)``), keeping one shared body and a signature that matches TF1's."""
    sig = inspect.signature(init)
    sig = sig.replace(
        parameters=[
            p.replace(default=defaults.get(p.name, p.default)) for p in sig.parameters.values()
        ]
    )

    def __init__(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        extra = bound.arguments.pop("kwargs", {})
        init(**bound.arguments, **extra)

    __init__.__signature__ = sig
    return __init__
