"""What a program's variables are, without running it: ``inspect`` and ``VariablesInfo``.

``inspect(f, *args)`` traces ``f`` abstractly (``jax.eval_shape``: no FLOPs, no memory for
values) and lists every variable with its TF1 metadata. On top of it: a summary table, boolean
masks and string labels shaped like the variables tree (for ``optax.masked`` /
``optax.multi_transform``, selected by collection or scope regex as TF1's
``var_list=tf.get_collection(TRAINABLE_VARIABLES, scope="generator")``), and
``apply_constraints`` for the ``constraint=`` functions TF1's optimizers applied after each step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from jaxscope._src import errors
from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import UnknownVariableError, VariableLookupError
from jaxscope._src.core.initial import CONST, _TFStyle
from jaxscope._src.core.jax_errors import handle_errors
from jaxscope._src.core.scope import new_frame
from jaxscope._src.core.values import leaf_names
from jaxscope._src.core.variables import Variable
from jaxscope._src.initializers.dtypes import canonical
from jaxscope._src.sharding.partitioned import Partition
from jaxscope._src.sharding.rules import Rules, check_divisible, compile_rules, spec_for


class VariableInfo(NamedTuple):
    """One variable: ``name`` (TF1's, without ``:0``) and where it lives in the tree (``path``).

    ``partition`` is its TF1 partitioning (``partitioner=``), ``sharding`` the ``PartitionSpec``
    that :meth:`VariablesInfo.with_sharding` gave it (None before).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: x @ js.get_variable("dense/w", [3, 2]))
      >>> info = js.inspect(f, jnp.ones([1, 3]))[0]
      >>> info.name, info.path, info.shape, info.trainable
      ('dense/w', ('params', 'dense', 'w'), (3, 2), True)

    TF1 equivalent: a ``tf.compat.v1.Variable`` of ``tf.compat.v1.global_variables()`` (its name,
    shape, dtype and collections)
    """

    name: str
    path: tuple[str, ...]
    shape: tuple[int, ...]
    dtype: np.dtype
    trainable: bool
    collections: tuple[str, ...]
    initializer: str
    constraint: Callable | None
    created_at: str | None
    partition: Partition | None = None
    sharding: PartitionSpec | None = None

    @property
    def size(self) -> int:
        """Number of elements (parameters)."""
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        """Bytes of the value as JAX stores it."""
        return self.size * self.dtype.itemsize


class VariablesInfo(tuple):
    """The :class:`VariableInfo` of every variable, in creation order (a tuple).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     step = js.get_variable("step", [], jnp.int32, trainable=False)
      ...     return x @ js.get_variable("dense/w", [3, 2])
      >>> infos = js.inspect(js.transform(model), jnp.ones([1, 3]))
      >>> [v.name for v in infos], [v.name for v in infos.select("trainable_variables")]
      (['step', 'dense/w'], ['dense/w'])

    TF1 equivalent: tf.compat.v1.global_variables() (``select`` is ``get_collection``)
    """

    def select(self, collection: str | None = None, scope: str | None = None) -> VariablesInfo:
        """The variables in ``collection`` (a ``GraphKeys`` key or your own) whose name matches
        the regex ``scope`` from its start -- TF1's ``get_collection(collection, scope)``."""
        pattern = re.compile(scope) if scope is not None else None
        return VariablesInfo(
            v
            for v in self
            if (collection is None or collection in v.collections)
            and (pattern is None or pattern.match(v.name))
        )

    def mask(self, collection: str | None = None, scope: str | None = None) -> dict[str, Any]:
        """A tree of bools shaped like the variables tree: True where ``select`` picks.

        Note that ``optax.masked(opt, mask)`` passes the unmasked gradients through unchanged;
        to train only the selection (TF1's ``var_list``) zero the rest, or use :meth:`labels`.
        """
        chosen = {v.name for v in self.select(collection, scope)}
        return self._tree(lambda v: v.name in chosen)

    def labels(self, rules: Mapping[str, str], default: str | None = None) -> dict[str, Any]:
        """A tree of labels for ``optax.multi_transform``: the first scope regex in ``rules``
        that matches a variable's name gives its label, else ``default``.

        Example -- train only the generator, as ``minimize(loss, var_list=tf.get_collection(
        TRAINABLE_VARIABLES, scope="generator"))``::

            labels = info.labels({"generator/": "train"}, default="frozen")["params"]
            opt = optax.multi_transform({"train": optax.adam(1e-3),
                                         "frozen": optax.set_to_zero()}, labels)
        """
        compiled = [(re.compile(k), label) for k, label in rules.items()]

        def label(v: VariableInfo) -> str:
            for pattern, name in compiled:
                if pattern.match(v.name):
                    return name
            if default is None:
                raise UnknownVariableError(
                    f"labels: no rule in {list(rules)} matches variable {v.name!r}",
                    [x.name for x in self],
                    "Add a rule for it, or label the rest: info.labels(rules, default='frozen').",
                )
            return default

        return self._tree(label)

    def apply_constraints(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Each constrained variable's value replaced by ``constraint(value)`` (jit-friendly).

        Call it after every optimizer update, as TF1's ``Optimizer.apply_gradients`` did.
        """
        out = dict(variables)
        for v in self:
            if v.constraint is None:
                continue
            collection, *parents, leaf = v.path
            if collection not in out:
                continue
            sub = out[collection] = dict(out[collection])
            for p in parents:
                sub[p] = dict(sub[p])
                sub = sub[p]
            sub[leaf] = v.constraint(sub[leaf])
        return out

    def with_sharding(
        self, rules: Rules | None = None, partitioned_axis: str | tuple[str, ...] | None = None
    ) -> VariablesInfo:
        """Each variable's ``PartitionSpec`` by name, as t5x/flax logical-axis rules do.

        The first regex in ``rules`` that matches a variable's name from its start gives its
        spec (a ``PartitionSpec``, a tuple of mesh-axis names/None, or None: replicated). A
        variable no rule matches is split along its partitioner's axis over the mesh axis
        ``partitioned_axis`` when it was made with ``partitioner=`` (TF1's parts become mesh
        shards), else replicated. ``print(info)`` then shows a sharding column.

        Example:
          >>> import jax, jax.numpy as jnp, jaxscope as js
          >>> def model(ids):
          ...     emb = js.get_variable("emb", [8, 4], partitioner=js.fixed_size_partitioner(2))
          ...     with js.variable_scope("dense"):
          ...         return js.nn.embedding_lookup(emb, ids) @ js.get_variable("w", [4, 6])
          >>> info = js.inspect(js.transform(model), jnp.zeros([3], jnp.int32))
          >>> specs = info.with_sharding({"dense/w": (None, "model")}, partitioned_axis="model")
          >>> [(v.name, tuple(v.sharding)) for v in specs]
          [('emb', ('model', None)), ('dense/w', (None, 'model'))]

        TF1 equivalent: partitioner= and tf.device(tf.train.replica_device_setter(...))
        """
        compiled = compile_rules(rules)
        return VariablesInfo(
            v._replace(sharding=spec_for(v.name, v.shape, v.partition, compiled, partitioned_axis))
            for v in self
        )

    def partition_specs(self) -> dict[str, Any]:
        """A tree of ``PartitionSpec`` shaped like the variables tree (replicated where
        :meth:`with_sharding` was not called)."""
        return self._tree(lambda v: v.sharding if v.sharding is not None else PartitionSpec())

    def shardings(self, mesh: Mesh) -> dict[str, Any]:
        """A tree of ``NamedSharding`` on ``mesh`` shaped like the variables tree, for
        ``jax.jit(f.init, out_shardings=...)`` and ``jax.jit(f.apply, in_shardings=(...))``.

        Raises:
          ShardingRuleError: a spec names a mesh axis ``mesh`` lacks, or splits a dimension
            that does not divide evenly.
        """

        def sharding(v: VariableInfo) -> NamedSharding:
            spec = v.sharding if v.sharding is not None else PartitionSpec()
            check_divisible(v.name, v.shape, spec, mesh, "with_sharding")
            return NamedSharding(mesh, spec)

        return self._tree(sharding)

    def summary(self, depth: int = 2) -> str:
        """A table: each variable, then parameter counts and bytes per scope (down to ``depth``
        levels) and totals."""
        rows = [("name", "shape", "dtype", "params", "bytes", "trainable", "created at")]
        for v in self:
            rows.append((
                v.name, str(v.shape), str(v.dtype), f"{v.size:,}", _bytes(v.nbytes),
                "yes" if v.trainable else "no", v.created_at or "",
            ))  # fmt: skip
        extra = []
        if any(v.partition is not None for v in self):
            extra.append(
                ("partitions", lambda v: "" if v.partition is None else str(v.partition.partitions))
            )
        if any(v.sharding is not None for v in self):
            extra.append(("sharding", lambda v: "" if v.sharding is None else _spec(v.sharding)))
        for title, cell in extra:
            rows[0] = rows[0][:-1] + (title,) + rows[0][-1:]
            for i, v in enumerate(self, 1):
                rows[i] = rows[i][:-1] + (cell(v),) + rows[i][-1:]
        scopes: dict[str, list[int]] = {}
        for v in self:
            parts = v.name.split("/")[:-1]
            for i in range(1, min(depth, len(parts)) + 1):
                total = scopes.setdefault("/".join(parts[:i]), [0, 0])
                total[0] += v.size
                total[1] += v.nbytes
        out = [_table(rows)]
        if scopes:
            out.append(_table([("scope", "params", "bytes")] + [
                (k, f"{n:,}", _bytes(b)) for k, (n, b) in sorted(scopes.items())
            ]))  # fmt: skip
        trainable = sum(v.size for v in self if v.trainable)
        total = sum(v.size for v in self)
        out.append(
            f"Total: {total:,} parameters ({trainable:,} trainable, {total - trainable:,} not) in "
            f"{len(self)} variables, {_bytes(sum(v.nbytes for v in self))}."
        )
        return "\n\n".join(out)

    def __str__(self) -> str:
        return self.summary()

    def _tree(self, fn: Callable[[VariableInfo], Any]) -> dict[str, Any]:
        tree: dict[str, Any] = {"params": {}}
        for v in self:
            sub = tree
            for p in v.path[:-1]:
                sub = sub.setdefault(p, {})
            sub[v.path[-1]] = fn(v)
        return tree


_ARRAYS = (jax.Array, np.ndarray, np.generic, jax.ShapeDtypeStruct)


def inspect(f, *args, **kwargs) -> VariablesInfo:
    """Lists the variables ``f`` creates for these inputs, without running any FLOPs.

    Args:
      f: a ``Transformed`` (from :func:`transform`) or the plain model function.
      *args: example inputs (arrays or ``jax.ShapeDtypeStruct``); other values
        (``is_training=True``, sizes) are passed as they are, as ``init`` does.
      **kwargs: the same, by keyword.

    Returns:
      A :class:`VariablesInfo`: name, tree path, shape, dtype, trainable, collections,
      initializer, constraint and creation site of each variable; ``print`` it for a table.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     with js.variable_scope("dense"):
      ...         return x @ js.get_variable("w", [3, 2]) + js.get_variable("b", [2])
      >>> info = js.inspect(js.transform(model), jax.ShapeDtypeStruct((1, 3), jnp.float32))
      >>> [(v.name, v.shape, v.trainable) for v in info]
      [('dense/w', (3, 2), True), ('dense/b', (2,), True)]
      >>> info.mask(scope="dense/w")
      {'params': {'dense': {'w': True, 'b': False}}}

    TF1 equivalent: tf.compat.v1.global_variables() / get_collection after building the graph
    """
    fn = f.init._jaxscope[0] if hasattr(getattr(f, "init", None), "_jaxscope") else f
    collect = new_frame(frame.COLLECT)
    # Only arrays are traced; Python values (training=True, sizes) stay static, as in init,
    # since they may select the program (a layer's training= must be a Python bool).
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
    traced = [i for i, leaf in enumerate(leaves) if isinstance(leaf, _ARRAYS)]

    def run(values):
        full = list(leaves)
        for i, value in zip(traced, values, strict=True):
            full[i] = value
        args, kwargs = jax.tree_util.tree_unflatten(treedef, full)
        # A key for next_rng_key (dropout): only its shape matters here, as init's would.
        collect.rng = jax.random.key(0)
        with frame.running(collect), handle_errors():
            try:
                fn(*args, **kwargs)
            finally:
                collect.release(everything=True)  # no tracer may outlive eval_shape
                collect.rng = None

    jax.eval_shape(run, [leaves[i] for i in traced])
    how = {var._node: (kind, init) for var, kind, init in collect.specs}
    member: dict[str, list[str]] = {}
    for key, items in collect.collections.items():
        for item in items:
            if isinstance(item, Variable):
                member.setdefault(item._node, []).append(key)
    return VariablesInfo(
        VariableInfo(
            name=node,
            path=("params" if var._trainable else "state", *node.split("/")),
            shape=tuple(var._shape),
            dtype=canonical(var._dtype),
            trainable=var._trainable,
            collections=tuple(member.get(node, ())),
            initializer=_describe(*how.get(node, (CONST, None))),
            constraint=collect.constraints.get(node),
            created_at=errors.where(var._created_at),
            partition=var._partition,
        )
        for node, var in collect.variables.items()
    )


def get_variable_value(variables: Mapping[str, Any], name: str) -> Any:
    """The value of the variable with TF1 name ``name`` in a variables tree, from any collection.

    A tree from ``init`` always has ``"params"`` and has ``"state"`` only when the model made
    ``trainable=False`` variables (as it has a ``"dense"`` subtree only when there is a dense
    layer), so ``variables["state"]`` is a ``KeyError`` for a model without any. Code that must
    work for any model reads by name here, or ``variables.get("state", {})``.

    Args:
      variables: a variables tree (``init``'s, ``apply(..., mutable=True)``'s, a restored one).
      name: the full TF1 name, e.g. ``"model/dense/kernel"``; a trailing ``":0"`` is allowed.

    Returns:
      The stored leaf (an array).

    Raises:
      VariableLookupError: (a ``LookupError``) no such variable; it lists the closest names.

    Example:
      >>> import jax, jaxscope as js
      >>> def model():
      ...     js.train.get_or_create_global_step()
      ...     return js.get_variable("w", [2])
      >>> variables = js.transform(model).init(jax.random.key(0))
      >>> int(js.get_variable_value(variables, "global_step")), sorted(variables)
      (0, ['params', 'state'])
      >>> js.get_variable_value(variables, "w:0").shape
      (2,)

    TF1 equivalent: tf.estimator.Estimator.get_variable_value / tf.train.load_variable
    """
    key = name.removesuffix(":0")
    for collection in ("params", "state"):
        tree = variables.get(collection)
        for part in key.split("/"):
            tree = tree.get(part) if isinstance(tree, Mapping) else None
        if tree is not None and not isinstance(tree, Mapping):
            return tree
    known = [n.split("/", 1)[1] for n in leaf_names(variables)]
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    raise VariableLookupError(key, close, len(known))


def _describe(kind: str, initializer) -> str:
    if kind == CONST:
        return "initial value"
    if isinstance(initializer, _TFStyle):
        initializer = initializer.fn
    if hasattr(initializer, "__dataclass_fields__"):
        return repr(initializer)
    return getattr(initializer, "__qualname__", None) or repr(initializer)


def _spec(spec: PartitionSpec) -> str:
    return "P(" + ", ".join(repr(e) for e in spec) + ")"


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} B" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = [all(_is_num(r[i]) for r in rows[1:]) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            c.rjust(w) if num else c.ljust(w) for c, w, num in zip(r, widths, numeric, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_num(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit()) and not cell.startswith("(")
