"""The errors that ``layers`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.core.call_errors import ImmutableVariableError
from jaxscope._src.errors import JaxscopeError


class MovingAverageUpdateError(ImmutableVariableError):
    """A layer ran with ``training=True`` inside ``apply`` that may not update its moving averages.

    TF1 left the averages stale when the ``UPDATE_OPS`` were forgotten; jaxscope refuses instead.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, layer: str, names: list[str]):
        self.layer, self.name, self.collection = layer, names[0], "state"
        Exception.__init__(
            self,
            f'Layer "{layer}" ran with training=True inside apply() without mutable=, so it '
            f"cannot update its moving averages ({', '.join(names)}). (TF1 would silently "
            "leave them stale if the UPDATE_OPS were not run; jaxscope refuses.) Ask for the "
            "updated state:\n"
            '    out, variables = f.apply(variables, x, training=True, mutable=["state"])\n'
            "or normalize with the moving averages (inference):\n"
            "    out = f.apply(variables, x, training=False)",
        )


class AssignThroughGetterError(JaxscopeError, AttributeError):
    """A layer must assign to a variable (a moving average in training) for which a custom getter
    returned an array, not the variable (TF1: ``'Tensor' object has no attribute 'assign_sub'``).

    Subclasses ``AttributeError``.
    """

    def __init__(self, layer: str, name: str, shape, dtype):
        self.layer, self.name = layer, name
        super().__init__(
            f'Layer "{layer}" must update "{name}" in training, but the custom getter returned '
            f"an array ({dtype}{list(shape)}) instead of the variable, and an array cannot be "
            "assigned to (TF1 fails too: 'Tensor' object has no attribute 'assign_sub'). Let "
            "the getter return the variable itself for the variables that are not trained:\n"
            "    def getter(getter, name, *args, **kwargs):\n"
            "        var = getter(name, *args, **kwargs)\n"
            '        return var.astype(jnp.bfloat16) if kwargs["trainable"] else var\n'
            "or normalize with the moving averages: training=False (slim: is_training=False)."
        )


class LayerArgumentError(JaxscopeError, ValueError):
    """A layer argument TF1 validates has a bad value (``kernel_size=0``, ``strides=0``,
    ``filters=0``, ``padding="full"``, ``axis`` out of range, ...): refused when the layer is made
    (or first called, for what needs the input), never left to fail inside XLA.

    Subclasses ``ValueError``.
    """

    def __init__(self, layer: str, argument: str, value, requirement: str, fix: str):
        self.layer, self.argument, self.value = layer, argument, value
        super().__init__(
            f"{layer}: invalid `{argument}` argument: {requirement}. Received: {argument}="
            f"{value!r}.\nFix: {fix}\nTF1 equivalent: the same ValueError from tf.compat.v1.layers."
        )


class LayerArgumentTypeError(JaxscopeError, TypeError):
    """A layer argument has a type TF1 refuses with a ``TypeError`` (``axis=1.5``)."""

    def __init__(self, layer: str, argument: str, value, requirement: str, fix: str):
        self.layer, self.argument, self.value = layer, argument, value
        super().__init__(
            f"{layer}: `{argument}` must be {requirement}. Received: {argument}={value!r} "
            f"({type(value).__name__}).\nFix: {fix}"
        )


class LayerInputError(JaxscopeError, ValueError):
    """A layer's input does not satisfy its ``input_spec`` (rank, or a built axis's size): TF1's
    ``Input 0 of layer "dense_1" is incompatible with the layer``.

    Subclasses ``ValueError``.
    """

    def __init__(self, layer: str, expected: str, found: str, shape, fix: str):
        self.layer, self.shape = layer, tuple(shape)
        super().__init__(
            f'Input 0 of layer "{layer}" is incompatible with the layer: expected {expected}, '
            f"found {found}. Full shape received: {tuple(shape)}.\nFix: {fix}"
        )


class LayerInputDtypeError(JaxscopeError, TypeError):
    """A float-only layer got a non-floating input (or ``dtype=``): TF1 raises ``TypeError``
    (``A Dense layer can only be built with a floating-point dtype``); jaxscope never casts an
    integer input silently (or truncates a normalized one)."""

    def __init__(self, layer: str, dtype, what: str = "input"):
        self.layer, self.dtype = layer, str(dtype)
        super().__init__(
            f"{layer} can only be built with a floating-point dtype; its {what} has dtype "
            f"{dtype}. Cast the input first:\n    x = jnp.asarray(x, jnp.float32)\n"
            "(or give the layer a float dtype=, for the layers that cast their input, as TF1)."
        )


class DropoutDtypeError(JaxscopeError, ValueError):
    """Dropout in training mode on a non-floating input (its kept values are scaled): TF1's
    ``ValueError: x.dtype must be a floating point tensor as x will be scaled``."""

    def __init__(self, layer: str, dtype):
        self.layer, self.dtype = layer, str(dtype)
        super().__init__(
            f"{layer}: the input must be floating-point in training mode, as its kept values "
            f"are scaled by 1 / (1 - rate); got dtype {dtype}. Cast it first:\n"
            "    x = jnp.asarray(x, jnp.float32)"
        )


class LayerDtypeMismatchError(JaxscopeError, TypeError, ValueError):
    """A layer's weight (as a custom getter returned it) and its input have different dtypes
    (e.g. a getter casting the kernel to bfloat16, fed a float32 input). TF1's ops refuse to mix
    them (``TypeError`` from ``MatMul``/``Conv2D``, or ``ValueError: Tensor conversion requested
    dtype``), so this subclasses both; jaxscope never promotes silently."""

    def __init__(self, layer: str, weight: str, weight_dtype, input_dtype):
        self.layer, self.weight = layer, weight
        self.weight_dtype, self.input_dtype = str(weight_dtype), str(input_dtype)
        super().__init__(
            f'{layer}: weight "{weight}" has dtype {weight_dtype} but the layer computes in '
            f"{input_dtype} (its input's dtype); TF1's ops refuse to mix them. Feed an input of "
            f"the weights' dtype:\n    x = jnp.asarray(x, jnp.{weight_dtype})\n"
            "or make the custom getter return the dtype it was asked for."
        )
