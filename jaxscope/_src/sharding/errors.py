"""The errors that ``sharding`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

import re

from jaxscope._src.errors import JaxscopeError


class PartitionerError(JaxscopeError, ValueError):
    """A ``partitioner`` is not callable, or returned a partition list TF1 refuses (wrong rank,
    a zero, more than one partitioned axis), or the variable cannot be partitioned (rank 0,
    shape not fully defined).

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, problem: str):
        self.name = name
        super().__init__(
            f'Partitioned variable "{name}": {problem}\n'
            "A partitioner is called as partitioner(shape=shape, dtype=dtype) and returns one int "
            "per axis, all >= 1, at most one > 1, e.g.\n"
            f"    jaxscope.get_variable({name.rsplit('/', 1)[-1]!r}, [10, 4], "
            "partitioner=jaxscope.fixed_size_partitioner(3))   # [3, 1]\n"
            "A scalar escapes a scope's partitioner only with shape=[] (as in TF1).\n"
            "TF1 equivalent: the same ValueError from tf.compat.v1.get_variable."
        )


class ShardingRuleError(JaxscopeError, ValueError):
    """A sharding rule (or a partitioner's axis) gives a variable a ``PartitionSpec`` that does
    not fit it: more entries than its rank, a mesh axis the mesh lacks, or a dimension that does
    not divide evenly over the mesh axes (jax shards evenly only).

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, shape, spec, problem: str, source: str):
        self.name, self.shape, self.spec = name, tuple(shape), spec
        super().__init__(
            f'Sharding variable "{name}" (shape {tuple(shape)}) as {spec}, from {source}: '
            f"{problem}.\nGive it a spec that fits, before the rule that matched, e.g.\n"
            f"    info.with_sharding({{{('^' + re.escape(name) + '$')!r}: "
            "PartitionSpec()}, ...)   # replicated\n"
            "or choose sizes that divide evenly (a vocabulary padded to a multiple of the mesh)."
        )
