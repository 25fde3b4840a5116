"""The errors that ``contrib`` raises beyond the layers' own (one class per error; the message is
built in its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


class UnnamedTensorError(JaxscopeError, ValueError):
    """``get_tensor_aliases`` of an array that was never given an alias: TF1 fell back to the
    tensor's op name, but a jax array has no name."""

    def __init__(self, what: str):
        super().__init__(
            f"get_tensor_aliases: {what} has no alias and no name (a jax array has no op name to "
            "fall back on, as a TF1 tensor had). Give it an alias where it is made:\n"
            "    x = slim.utils.collect_named_outputs(collection, 'net/layer', x)\n"
            "or pass outputs_collections=collection to the layer that makes it."
        )


class ShapeDimensionError(JaxscopeError, ValueError):
    """A shape given to ``last_dimension`` / ``channel_dimension`` of too small a rank, or whose
    dimension is unknown (TF1's ``ValueError``, same wording)."""

    def __init__(self, message: str):
        super().__init__(message)


class ShapeArgumentTypeError(JaxscopeError, TypeError):
    """An array given where tf-slim's helper takes a shape (TF1: ``AttributeError`` on
    ``.dims``)."""

    def __init__(self, function: str, shape):
        super().__init__(
            f"{function} takes a shape, got an array of shape {tuple(shape)}. Pass its shape:\n"
            f"    {function}(x.shape)  # TF1: {function}(x.get_shape())"
        )
