"""TF1's ``TensorShape`` as a tuple of ints: what a variable's ``shape`` / ``get_shape()`` return.

A ``tuple`` subclass (it compares, hashes and unpacks as the plain tuple, and jax takes it as a
shape) with TF1's methods, so ported ``v.get_shape().as_list()``, ``v.shape.ndims``,
``v.shape[-1].value`` and ``int(v.shape[0])`` work. Shapes are always fully known in jax.
"""

from __future__ import annotations

import math
import operator


class Dimension(int):
    """TF1's ``Dimension``: an ``int`` with ``.value``; ``+ - * // %`` give a ``Dimension``,
    ``merge_with`` / ``is_compatible_with`` / ``assert_is_compatible_with`` as TF1's.

    Differs from TF1: always known (jaxscope's shapes are): ``Dimension(None)`` raises
    ``TypeError`` and arithmetic or comparison with ``None`` is Python's ``TypeError`` (TF1: an
    unknown ``Dimension`` / ``None``). As an ``int`` it also hashes, negates and divides with
    ``/`` (TF1: ``TypeError``).

    TF1 equivalent: tf.compat.v1.Dimension
    """

    __slots__ = ()

    def __new__(cls, value):
        if isinstance(value, Dimension):
            return value
        try:
            number = operator.index(value)
        except TypeError:
            raise TypeError(
                "Dimension value must be integer or have an __index__ method (jaxscope's "
                f"dimensions are always known), got value '{value!r}' with type "
                f"'{type(value)}'"
            ) from None
        if number < 0:
            raise ValueError(f"Dimension {number} must be >= 0")
        return super().__new__(cls, number)

    @property
    def value(self) -> int:
        return int(self)

    def __repr__(self) -> str:
        return f"Dimension({int(self)})"

    def __str__(self) -> str:
        return str(int(self))

    def is_compatible_with(self, other) -> bool:
        return other is None or int(self) == int(Dimension(other))

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")

    def merge_with(self, other) -> Dimension:
        self.assert_is_compatible_with(other)
        return self


def _dimension_op(name: str):
    method = getattr(int, name)

    def op(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return Dimension(method(int(self), int(other)))

    op.__name__ = name
    return op


for _name in ("add", "sub", "mul", "floordiv", "mod"):
    for _side in (f"__{_name}__", f"__r{_name}__"):
        setattr(Dimension, _side, _dimension_op(_side))


class TensorShape(tuple):
    """``tf.TensorShape``, always fully defined. TF1 equivalent: tf.compat.v1.TensorShape"""

    __slots__ = ()

    def __new__(cls, dims=()):
        return super().__new__(cls, (int(d) for d in dims))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return TensorShape(super().__getitem__(key))
        return Dimension(super().__getitem__(key))

    def __iter__(self):
        return (Dimension(d) for d in super().__iter__())

    def __repr__(self) -> str:
        return f"TensorShape({list(tuple.__iter__(self))})"

    @property
    def ndims(self) -> int:
        return len(self)

    rank = ndims

    @property
    def dims(self) -> list[Dimension]:
        return list(self)

    def as_list(self) -> list[int]:
        return list(tuple.__iter__(self))

    def num_elements(self) -> int:
        return math.prod(tuple.__iter__(self))

    def is_fully_defined(self) -> bool:
        return True

    def is_compatible_with(self, other) -> bool:
        other = list(other)
        return len(other) == len(self) and all(
            o is None or int(o) == d for o, d in zip(other, tuple.__iter__(self), strict=True)
        )

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self.as_list()} and {list(other)} are incompatible")

    def with_rank(self, rank: int) -> TensorShape:
        if len(self) != rank:
            raise ValueError(f"Shape {self.as_list()} must have rank {rank}")
        return self

    def concatenate(self, other) -> TensorShape:
        return TensorShape(self.as_list() + [int(d) for d in other])
