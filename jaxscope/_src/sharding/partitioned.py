"""Partitioned variables: TF1's three partitioners, its partition arithmetic and the parts view.

A partitioned variable is ONE logical array in the variables tree (``params/w``), so a mesh can
shard it like any other; its TF1 parts (``w/part_0``, ``w/part_1``, ...) are a view, computed from
:class:`Partition`, for checkpoints and for ``embedding_lookup(..., partition_strategy=)``. The
arithmetic is TF1's (``variable_scope._iter_slices``): ``n // k`` rows per part, the first
``n % k`` parts one more.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.initializers.dtypes import as_dtype
from jaxscope._src.sharding.errors import PartitionerError

Partitioner = Callable[..., Sequence[int]]


class PartitionInfo(NamedTuple):
    """What a TF1-style initializer ``f(shape, dtype, partition_info)`` learns about its part.

    TF1 equivalent: tf.compat.v1 variable_scope._PartitionInfo
    """

    full_shape: list[int]
    var_offset: list[int]

    def single_offset(self, shape: Sequence[int]) -> int:
        """The offset along the partitioned axis (TF1's ``_PartitionInfo.single_offset``)."""
        for i, (a, b) in enumerate(zip(shape, self.full_shape, strict=True)):
            if a != b:
                return self.var_offset[i]
        return 0


class Partition(NamedTuple):
    """How one variable of ``shape`` splits into TF1 parts: ``sizes[i]`` rows of ``axis`` each."""

    shape: tuple[int, ...]
    axis: int
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, shape: Sequence[int], partitions: Sequence[int]) -> Partition:
        """TF1's split for a validated partition list (``[1, 3, 1]``: 3 parts along axis 1)."""
        axis, num = next(((i, p) for i, p in enumerate(partitions) if p > 1), (0, 1))
        n = shape[axis]
        sizes = tuple(n // num + (i < n % num) for i in range(num))
        return cls(tuple(shape), axis, sizes)

    @property
    def partitions(self) -> list[int]:
        """TF1's ``PartitionedVariable._get_partitions()``: parts per axis."""
        out = [1] * len(self.shape)
        out[self.axis] = len(self.sizes)
        return out

    @property
    def offsets(self) -> tuple[int, ...]:
        """Where each part starts along :attr:`axis`."""
        return tuple(int(x) for x in np.cumsum((0,) + self.sizes[:-1]))

    def part_shape(self, i: int) -> tuple[int, ...]:
        shape = list(self.shape)
        shape[self.axis] = self.sizes[i]
        return tuple(shape)

    def part_offset(self, i: int) -> list[int]:
        offset = [0] * len(self.shape)
        offset[self.axis] = self.offsets[i]
        return offset

    def slice_spec(self, i: int) -> str:
        """TF1's ``SaveSliceInfo.spec`` of part ``i``: ``"10 4 4,3:0,4"``."""
        full = " ".join(str(d) for d in self.shape)
        offset, shape = self.part_offset(i), self.part_shape(i)
        return full + " " + ":".join(f"{o},{s}" for o, s in zip(offset, shape, strict=True))

    def split_numpy(self, value) -> list[np.ndarray]:
        """:meth:`split` on the host (for checkpoints)."""
        cuts = list(np.cumsum(self.sizes)[:-1])
        return np.split(np.asarray(value), cuts, axis=self.axis)

    def split(self, value) -> list[jax.Array]:
        """The parts of a logical array (the TF1 ``part_0``, ``part_1``, ... values)."""
        cuts = list(np.cumsum(self.sizes)[:-1])
        return jnp.split(jnp.asarray(value), cuts, axis=self.axis)


def call_partitioner(name: str, partitioner, shape, dtype) -> Partition:
    """Calls ``partitioner(shape=, dtype=)`` and validates its answer as TF1 does."""
    if not callable(partitioner):
        raise PartitionerError(name, f"Partitioner must be callable, but received: {partitioner!r}")
    if shape is None or None in shape:
        raise PartitionerError(
            name,
            "Shape of a new partitioned variable must be fully defined, but instead was "
            f"{'<unknown>' if shape is None else tuple(shape)}.",
        )
    if len(shape) < 1:
        raise PartitionerError(
            name, f"A partitioned Variable must have rank at least 1, shape: {tuple(shape)}"
        )
    slicing = partitioner(shape=tuple(shape), dtype=as_dtype(dtype, name))
    if not isinstance(slicing, Sequence) or isinstance(slicing, str):
        raise PartitionerError(name, f"Partitioner must return a sequence, but saw: {slicing!r}")
    slicing = [int(p) for p in slicing]
    if len(slicing) != len(shape):
        raise PartitionerError(
            name,
            "Partitioner returned a partition list that does not match the Variable's rank: "
            f"{slicing} vs. {tuple(shape)}",
        )
    if any(p < 1 for p in slicing):
        raise PartitionerError(
            name, f"Partitioner returned zero partitions for some axes: {slicing}"
        )
    if sum(p > 1 for p in slicing) > 1:
        raise PartitionerError(
            name,
            f"Can only slice a variable along one dimension: shape: {tuple(shape)}, "
            f"partitioning: {slicing}",
        )
    return Partition.of(shape, slicing)


def _element_bytes(dtype, bytes_per_string_element: int) -> int:
    dtype = np.dtype(dtype)
    return bytes_per_string_element if dtype.kind in "SUO" else dtype.itemsize


def fixed_size_partitioner(num_shards: int, axis: int = 0) -> Partitioner:
    """A partitioner giving ``min(num_shards, shape[axis])`` parts along ``axis``.

    Args:
      num_shards: the number of parts wanted.
      axis: the axis to split.

    Returns:
      ``partitioner(shape=..., dtype=...) -> [parts per axis]``, for ``get_variable`` or
      ``variable_scope(partitioner=...)``.

    Example:
      >>> import jaxscope as js
      >>> js.fixed_size_partitioner(3)(shape=(10, 4), dtype="float32")
      [3, 1]

    TF1 equivalent: tf.compat.v1.fixed_size_partitioner
    """

    def _partitioner(shape, **unused_args):
        partitions = [1] * len(shape)
        partitions[axis] = min(num_shards, shape[axis])
        return partitions

    return _partitioner


def variable_axis_size_partitioner(
    max_shard_bytes: int,
    axis: int = 0,
    bytes_per_string_element: int = 16,
    max_shards: int | None = None,
) -> Partitioner:
    """A partitioner keeping each part under ``max_shard_bytes`` (when one axis allows it).

    Parts along ``axis``: ``ceil(shape[axis] / max(1, floor(max_shard_bytes /
    bytes_per_slice)))``, at most ``max_shards``.

    Args:
      max_shard_bytes: the most bytes per part.
      axis: the axis to split.
      bytes_per_string_element: the size assumed for a string element.
      max_shards: the most parts (default: no limit).

    Returns:
      ``partitioner(shape=..., dtype=...) -> [parts per axis]``.

    Example:
      >>> import jaxscope as js
      >>> js.variable_axis_size_partitioner(100)(shape=(10, 5), dtype="float32")
      [2, 1]

    TF1 equivalent: tf.compat.v1.variable_axis_size_partitioner
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(
            "Both max_shard_bytes and bytes_per_string_element must be positive. "
            f"Currently, max_shard_bytes is {max_shard_bytes} and"
            f"bytes_per_string_element is {bytes_per_string_element}"
        )
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if shape is None or None in shape:
            raise ValueError(f"shape is not fully defined: {shape}")
        element_size = _element_bytes(dtype, bytes_per_string_element)
        partitions = [1] * len(shape)
        # Float arithmetic in TF1's order, so rounding matches it exactly.
        bytes_per_slice = 1.0 * (math.prod(shape) / shape[axis]) * element_size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        axis_shards = int(math.ceil(1.0 * shape[axis] / slices_per_shard))
        if max_shards:
            axis_shards = min(max_shards, axis_shards)
        partitions[axis] = axis_shards
        return partitions

    return _partitioner


def min_max_variable_partitioner(
    max_partitions: int = 1,
    axis: int = 0,
    min_slice_size: int = 256 << 10,
    bytes_per_string_element: int = 16,
) -> Partitioner:
    """A partitioner giving each part at least ``min_slice_size`` bytes, at most
    ``max_partitions`` parts: ``max(1, min(shape[axis], max_partitions, ceil(bytes /
    min_slice_size)))``.

    Args:
      max_partitions: the most parts.
      axis: the axis to split.
      min_slice_size: the fewest bytes per part.
      bytes_per_string_element: the size assumed for a string element.

    Returns:
      ``partitioner(shape=..., dtype=...) -> [parts per axis]``.

    Example:
      >>> import jaxscope as js
      >>> js.min_max_variable_partitioner(8, min_slice_size=1024)(shape=(1000, 1), dtype="float32")
      [4, 1]

    TF1 equivalent: tf.compat.v1.min_max_variable_partitioner
    """

    def _partitioner(shape, dtype):
        if axis >= len(shape):
            raise ValueError(
                f"Cannot partition variable along axis {axis} when shape is only {tuple(shape)}"
            )
        total_size_bytes = math.prod(shape) * _element_bytes(dtype, bytes_per_string_element)
        partitions = total_size_bytes / min_slice_size
        partitions_list = [1] * len(shape)
        partitions_list[axis] = max(1, min(shape[axis], max_partitions, int(math.ceil(partitions))))
        return partitions_list

    return _partitioner


class PerPartInitializer:
    """A TF1-style ``f(shape, dtype, partition_info)`` initializer called once per part, as TF1
    calls it, the parts concatenated into the logical array."""

    def __init__(self, fn, partition: Partition):
        self.fn, self.partition = fn, partition

    def __call__(self, key, shape, dtype):
        p = self.partition
        parts = [
            jnp.asarray(
                self.fn(
                    list(p.part_shape(i)),
                    dtype=dtype,
                    partition_info=PartitionInfo(list(p.shape), p.part_offset(i)),
                ),
                dtype,
            )
            for i in range(len(p.sizes))
        ]
        return jnp.concatenate(parts, axis=p.axis)

    def __eq__(self, other):
        return (
            isinstance(other, PerPartInitializer)
            and other.fn is self.fn
            and other.partition == self.partition
        )

    def __hash__(self):
        return hash((id(self.fn), self.partition))
