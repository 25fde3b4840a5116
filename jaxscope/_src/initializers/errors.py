"""The errors that ``initializers`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


class InitializerError(JaxscopeError, ValueError):
    """``get_variable`` got an initializer that cannot define the variable.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, problem: str, fix: str):
        self.name = name
        super().__init__(f'Variable "{name}": {problem}\n{fix}')


class InvalidShapeError(JaxscopeError, ValueError):
    """A variable's shape has a negative dimension (TF1: ``ValueError``)."""

    def __init__(self, name: str, shape, dim):
        self.name, self.shape = name, shape
        super().__init__(
            f'Variable "{name}": shape {shape!r} has the negative dimension {dim}; every dimension '
            "must be >= 0 (0 makes an empty variable), or None for unknown.\n"
            f"Fix the shape, e.g. get_variable({name.rsplit('/', 1)[-1]!r}, [0, 3])."
        )


class ShapeTypeError(JaxscopeError, TypeError):
    """A variable's shape is not a sequence of ints/None (TF1: ``TypeError``)."""

    def __init__(self, name: str, shape, dim):
        self.name, self.shape = name, shape
        super().__init__(
            f'Variable "{name}": shape {shape!r} has the dimension {dim!r} of type '
            f"{type(dim).__name__}; a dimension must be an int (numpy ints are fine) or None, "
            "never a bool, float or string, as in TF1.\n"
            "Convert it: shape=[int(d) for d in shape]."
        )


class InvalidDtypeError(JaxscopeError, TypeError):
    """A dtype that is no dtype, or that JAX cannot store (strings, objects).

    Subclasses ``TypeError``.
    """

    def __init__(self, name: str, dtype, problem: str):
        self.name, self.dtype = name, dtype
        super().__init__(
            f'Variable "{name}": dtype {dtype!r} {problem}.\n'
            "Use a numeric or bool dtype: dtype=jnp.float32, jnp.int32, jnp.bool_, ..."
        )
