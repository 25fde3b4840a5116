"""TF1's ``TensorShape`` as a tuple of ints: what a variable's ``shape`` / ``get_shape()`` return.

A ``tuple`` subclass (it compares, hashes and unpacks as the plain tuple, and jax takes it as a
shape) with TF1's methods, so ported ``v.get_shape().as_list()``, ``v.shape.ndims``,
``v.shape[-1].value`` and ``int(v.shape[0])`` work. Shapes are always fully known in jax.
"""

from __future__ import annotations

import math


class Dimension(int):
    """TF1's ``Dimension``: an ``int`` with ``.value`` (arithmetic gives plain ints)."""

    __slots__ = ()

    @property
    def value(self) -> int:
        return int(self)

    def __repr__(self) -> str:
        return f"Dimension({int(self)})"


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
