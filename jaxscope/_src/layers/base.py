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

from jaxscope._src import frame
from jaxscope._src.collections import GraphKeys, _add
from jaxscope._src.dtypes import as_dtype
from jaxscope._src.scope import name_scope, variable_scope
from jaxscope._src.transform import static_flag
from jaxscope._src.variables import get_variable


def _snake(name: str) -> str:
    """Keras' ``to_snake_case``: ``Conv2DTranspose`` -> ``conv2d_transpose``."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


class _CallState:
    """What a layer remembers within one ``init``/``apply`` call."""

    def __init__(self):
        self.scope = None
        self.built = False


class Layer:
    """Base class of the ``jaxscope.layers`` classes: TF1's ``tf.compat.v1.layers.Layer``.

    Subclasses define ``build(input_shape)`` (creating weights with :meth:`add_weight`) and
    ``call(inputs, ...)``. ``layer(inputs)`` opens the layer's variable scope, builds on the first
    call within an ``init``/``apply`` call and reuses the weights on later calls.

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
        if regularizer is not None and not existed:
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
                if not st.built:
                    if self.dtype is None:
                        self.dtype = _infer_dtype(inputs)
                    self._variables = []
                    self.build(tuple(jnp.shape(inputs)))
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

    def build(self, input_shape) -> None:
        del input_shape

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
    """Layers take their weights' dtype from the first input, as TF1's (float32 otherwise)."""
    dtype = getattr(inputs, "dtype", None)
    if dtype is not None and jnp.issubdtype(dtype, jnp.floating):
        return as_dtype(dtype)
    return as_dtype("float32")


# -- argument normalisation (tf_keras' conv_utils) ----------------------------------------------
def normalize_tuple(value, n: int, name: str) -> tuple[int, ...]:
    if isinstance(value, numbers.Integral):
        return (int(value),) * n
    try:
        out = tuple(int(v) for v in value)
    except TypeError:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        ) from None
    if len(out) != n:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        )
    return out


def normalize_padding(value: str, allowed=("valid", "same")) -> str:
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(
            f"The `padding` argument must be one of {', '.join(map(repr, allowed))} (case "
            f"does not matter). Received: {value!r}"
        )
    return padding


def normalize_data_format(value) -> str:
    data_format = "channels_last" if value is None else str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of 'channels_first', 'channels_last'. "
            f"Received: {value!r}"
        )
    return data_format


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
