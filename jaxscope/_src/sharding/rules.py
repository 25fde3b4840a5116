"""Sharding by name: each variable's ``PartitionSpec`` from scope-regex rules or its partitioner.

TF1 placed variables with ``partitioner=`` and ``tf.device`` on parameter servers. In JAX the
engine is ``jax.sharding``: a ``Mesh`` of devices and, per array, a ``PartitionSpec`` naming the
mesh axis each array axis is split over. jaxscope only computes the specs -- by TF1 name, like
t5x/flax logical-axis rules -- and hands ``NamedSharding`` trees to ``jax.jit(...,
in_shardings=, out_shardings=)``; XLA does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from jax.sharding import Mesh, PartitionSpec

from jaxscope._src.sharding.errors import ShardingRuleError

Rules = Mapping[str, Any] | Sequence[tuple[str, Any]]


def _as_spec(spec) -> PartitionSpec:
    if spec is None:
        return PartitionSpec()
    if isinstance(spec, PartitionSpec):
        return spec
    if isinstance(spec, str):
        return PartitionSpec(spec)
    return PartitionSpec(*spec)


def compile_rules(rules: Rules | None) -> list[tuple[re.Pattern, PartitionSpec]]:
    """``{regex: spec}`` or ``[(regex, spec), ...]`` as compiled (pattern, PartitionSpec) pairs."""
    if rules is None:
        return []
    items = rules.items() if isinstance(rules, Mapping) else rules
    return [(re.compile(pattern), _as_spec(spec)) for pattern, spec in items]


def spec_for(
    name: str,
    shape: tuple[int, ...],
    partition,
    rules: list[tuple[re.Pattern, PartitionSpec]],
    partitioned_axis: str | tuple[str, ...] | None,
) -> PartitionSpec:
    """The first rule whose regex matches ``name`` from its start; else, for a partitioned
    variable, its partitioned axis over ``partitioned_axis``; else replicated."""
    for pattern, spec in rules:
        if pattern.match(name):
            if len(spec) > len(shape):
                raise ShardingRuleError(
                    name, shape, spec, f"the spec has {len(spec)} entries for rank {len(shape)}",
                    pattern.pattern,
                )  # fmt: skip
            return spec
    if partition is not None and partitioned_axis is not None and len(partition.sizes) > 1:
        entries: list[Any] = [None] * len(shape)
        entries[partition.axis] = partitioned_axis
        return PartitionSpec(*entries)
    return PartitionSpec()


def check_divisible(name: str, shape, spec: PartitionSpec, mesh: Mesh, source: str) -> None:
    """jax needs every sharded axis to divide evenly; say which variable does not, and why."""
    for dim, entry in zip(shape, spec, strict=False):
        if entry is None:
            continue
        axes = entry if isinstance(entry, tuple) else (entry,)
        for axis in axes:
            if axis not in mesh.shape:
                raise ShardingRuleError(
                    name, shape, spec, f"mesh axis {axis!r} is not in the mesh "
                    f"{dict(mesh.shape)}", source,
                )  # fmt: skip
        ways = int(np.prod([mesh.shape[a] for a in axes]))
        if dim % ways:
            raise ShardingRuleError(
                name, shape, spec, f"dimension {dim} does not divide into {ways} equal shards "
                f"(mesh axes {axes})", source,
            )  # fmt: skip
