"""``Variable`` and ``PartitionedVariable``: the variable handle that ported TF1 code uses like a
tensor (``get_variable``, in ``variable_store``, returns the same class).

A handle carries TF1's metadata (``.name == "scope1/w1:0"``, ``.shape``, ``.dtype``, ``.trainable``)
and its current value. It is a registered pytree (one leaf: the value) with ``__jax_array__``, so it
works in ``x @ w``, ``w + 1``, ``w[0]``, ``jnp.matmul(x, w)``, ``jax.nn.relu(w)``, ``jnp.sum(w)`` and
as an argument of a jitted function. ``==`` is identity, as for TF1 graph-mode variables: the
same variable fetched twice is the same handle.
"""

from __future__ import annotations

import operator

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import assign as _assign
from jaxscope._src.core import frame
from jaxscope._src.core.call_errors import (
    HandleAbstractionError,
    StaleVariableError,
    TracedHandleError,
    VariableIndexError,
)
from jaxscope._src.core.collections import add_variable
from jaxscope._src.core.errors import ScopeValueError
from jaxscope._src.core.handle import Handle
from jaxscope._src.core.initial import CONST
from jaxscope._src.core.tensor_shape import TensorShape
from jaxscope._src.core.values import (
    _as_const,
    _is_concrete,
    _lookup,
    _record,
    _shape_of,
    _value_dtype,
)
from jaxscope._src.initializers.dtypes import canonical
from jaxscope._src.initializers.errors import InitializerError


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _binary(op):
    def forward(self, other):
        return op(self.value, _unwrap(other))

    def reflected(self, other):
        return op(_unwrap(other), self.value)

    return forward, reflected


def _stand_in(shape: tuple, dtype: np.dtype) -> jax.Array:
    """The zeros a read returns while ``init`` collects (under ``jax.eval_shape``).

    Only their shape and dtype are seen there (the pass computes nothing), so the reads of one
    (shape, dtype) at the call's own level share one value: making a value per read was half of
    the per-variable cost of ``init``. A read inside a loop body or another transformation
    (another JAX trace, which ends before the call does) gets a value of its own.
    """
    fr = frame.peek()
    if fr is None or fr.mode != frame.COLLECT or get_opaque_trace_state() != fr.own_trace:
        return _zeros(shape, dtype)
    value = fr.stand_ins.get((shape, dtype))
    if value is None:
        value = fr.stand_ins[shape, dtype] = _zeros(shape, dtype)
    return value


def _zeros(shape: tuple, dtype: np.dtype) -> jax.Array:
    """One ``broadcast_in_dim`` of a numpy scalar: half the tracing cost of ``jnp.zeros``."""
    if not shape:
        return jnp.zeros((), dtype)
    return jax.lax.broadcast_in_dim(np.zeros((), dtype), shape, ())


class Variable(Handle):
    """A TF1 variable: ``Variable(initial_value, ...)`` always creates a new, uniquely named one.

    The name is uniquified in the current *name* scope (``a:0``, then ``a_1:0``); variable scopes
    and reuse do not apply (use :func:`get_variable` to share). ``get_variable`` returns the same
    class.

    Args:
      initial_value: an array-like, or a callable with no arguments returning one.
      trainable: if True (default) the variable lives under ``variables["params"]``, else
        under ``variables["state"]``.
      name: the name (default ``"Variable"``); a name ending in ``/`` is used verbatim.
      dtype: converts a Python initial value; an array of another dtype is an error.
      validate_shape, caching_device, use_resource, synchronization: accepted for TF1
        compatibility; no effect in JAX.
      aggregation, variable_def, expected_shape, import_scope: the same.
      collections: the collections to file it in (replacing ``[GLOBAL_VARIABLES]``;
        ``TRAINABLE_VARIABLES`` is added when trainable), as in TF1.
      constraint: a function ``value -> value`` that ``VariablesInfo.apply_constraints``
        applies after an optimizer step, as TF1's optimizers did.
      shape: accepted for TF1 compatibility; the shape is the initial value's.

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     return js.Variable(1.0, name="a").name, js.Variable(2.0, name="a").name
      >>> js.transform(f).apply(js.transform(f).init(jax.random.key(0)))
      ('a:0', 'a_1:0')

    TF1 equivalent: tf.compat.v1.Variable
    """

    __slots__ = (
        "_node", "_key", "_shape", "_dtype", "_trainable", "_value", "_created_at", "_partition"
    )  # fmt: skip
    __array_ufunc__ = None  # numpy defers to our reflected operators
    __array_priority__ = 1000

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        collections=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        expected_shape=None,
        import_scope=None,
        constraint=None,
        use_resource=None,
        synchronization=None,
        aggregation=None,
        shape=None,
    ):
        if initial_value is None:
            raise InitializerError(
                name or "Variable", "initial_value must be specified.",
                "Pass a value or a zero-argument callable: jaxscope.Variable(jnp.zeros([3]))."
            )  # fmt: skip
        fr = frame.current("Variable")
        node = fr.names.new_node("Variable" if name is None else name)
        trainable = True if trainable is None else bool(trainable)
        self._setup(node, None, trainable)
        found = frame.MISSING
        if fr.mode is not frame.COLLECT:
            found = fr.find(node, "params" if trainable else "state")
        if fr.mode is frame.APPLY or found is not frame.MISSING:
            if fr.mode is frame.APPLY:
                expect = jax.eval_shape(initial_value) if callable(initial_value) else initial_value
                self._shape = _shape_of(expect)
                self._dtype = _value_dtype(expect, dtype, node)
            _lookup(fr, self, found)
        else:
            value = initial_value() if callable(initial_value) else initial_value
            dtype = _value_dtype(value, dtype, node)
            value = (
                jnp.asarray(value, canonical(dtype))
                if fr.mode == frame.INIT or fr.draw is not None
                else _as_const(value, dtype)
            )
            self._shape, self._dtype, self._value = tuple(np.shape(value)), dtype, value
            _record(fr, self, CONST, None)
        fr.register(self)
        add_variable(fr, self, collections, trainable)
        if constraint is not None:
            _set_constraint(fr, node, constraint)

    def _setup(self, node, key, trainable):
        self._node, self._key, self._trainable = node, key, trainable
        self._shape = self._dtype = self._value = self._partition = None
        self._created_at = frame.user_location(2)

    # -- TF1 metadata -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """TF1's name, with the output index: ``"scope1/w1:0"``."""
        if self._node is None:
            raise TracedHandleError("name", self._shape, canonical(self._dtype))
        return self._node + ":0"

    @property
    def shape(self) -> TensorShape:
        """The static shape (TF1's: an assign with ``validate_shape=False`` does not change it),
        a tuple with TF1's ``TensorShape`` methods (``as_list()``, ``ndims``, ``[i].value``)."""
        return TensorShape(self._shape)

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the value, as JAX stores it."""
        return canonical(self._dtype)

    @property
    def trainable(self) -> bool:
        """True: the variable lives under ``variables["params"]``; False: under ``"state"``."""
        return self._trainable

    @property
    def value(self) -> jax.Array:
        """The variable's current value (an abstract stand-in while ``init`` collects)."""
        value = self._value
        if value is None:
            return _stand_in(self._shape, canonical(self._dtype))
        if value is frame.STALE:
            raise StaleVariableError(self._node, "read")
        return value

    def read_value(self) -> jax.Array:
        """The current value. TF1 equivalent: tf.compat.v1.Variable.read_value"""
        return self.value

    def get_shape(self) -> TensorShape:
        """Same as :attr:`shape`. TF1 equivalent: tf.compat.v1.Variable.get_shape"""
        return TensorShape(self._shape)

    @property
    def ndim(self) -> int:
        """The rank of :attr:`shape`."""
        return len(self._shape)

    def __repr__(self) -> str:
        name = "(rebuilt inside a JAX transformation)" if self._node is None else repr(self.name)
        return f"<jaxscope.Variable {name} shape={self._shape} dtype={self._dtype}>"

    # -- tensor behaviour -----------------------------------------------------------------------
    def __jax_array__(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype)

    def __getitem__(self, idx):
        """``v[idx]`` as TF1's strided slice: an integer index must be in ``[-n, n)`` (negative
        ones count from the end); slices clip, as in Python.

        A concrete integer index out of range raises (jax alone would clamp it to the last
        row). A traced one (under ``jax.jit``) cannot be checked: out of range it gives NaN (the
        fill value of the dtype: the lowest int, ``True``), never another row.

        Raises:
          VariableIndexError (an ``IndexError`` and a ``ValueError``): a concrete integer index
            out of range, naming the variable.

        TF1 equivalent: tf.compat.v1.Variable.__getitem__
        """
        items = idx if isinstance(idx, tuple) else (idx,)
        dim, traced = 0, False
        for i, x in enumerate(items):
            if x is Ellipsis:
                dim = self.ndim - sum(y is not None and y is not Ellipsis for y in items[i + 1 :])
                continue
            if x is None or isinstance(x, slice):
                dim += x is not None
                continue
            if isinstance(x, bool) or dim >= self.ndim:
                return self.value[idx]  # a new axis / too many indices: jax's own rules
            if not _is_concrete(x):
                traced = traced or jnp.issubdtype(x.dtype, jnp.integer)
            else:
                ids = np.asarray(x)
                if ids.dtype.kind not in "iu":
                    return self.value[idx]  # a boolean mask: jax's own rules
                n = self._shape[dim]
                bad = ids[(ids < -n) | (ids >= n)]
                if bad.size:
                    raise VariableIndexError(self._node, self._shape, int(bad[0]), dim)
            dim += 1
        if traced:
            return self.value.at[idx].get(mode="fill")
        return self.value[idx]

    def __len__(self) -> int:
        return self._shape[0]

    def __iter__(self):
        return iter(self.value)

    def __bool__(self):
        raise TypeError(
            f"Using variable {self.name!r} as a Python bool is not allowed (as in TF1); "
            "compare its value explicitly, e.g. bool(jnp.all(v.value > 0))."
        )

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.value, attr)  # reshape, sum, T, astype, ...

    __eq__ = object.__eq__  # identity, as TF1 graph-mode variables (use jnp.equal elementwise)
    __hash__ = object.__hash__
    __add__, __radd__ = _binary(operator.add)
    __sub__, __rsub__ = _binary(operator.sub)
    __mul__, __rmul__ = _binary(operator.mul)
    __truediv__, __rtruediv__ = _binary(operator.truediv)
    __floordiv__, __rfloordiv__ = _binary(operator.floordiv)
    __mod__, __rmod__ = _binary(operator.mod)
    __pow__, __rpow__ = _binary(operator.pow)
    __matmul__, __rmatmul__ = _binary(operator.matmul)
    __and__, __rand__ = _binary(operator.and_)
    __or__, __ror__ = _binary(operator.or_)
    __xor__, __rxor__ = _binary(operator.xor)
    __lt__, _ = _binary(operator.lt)
    __le__, _ = _binary(operator.le)
    __gt__, _ = _binary(operator.gt)
    __ge__, _ = _binary(operator.ge)
    del _

    # -- TF1 updates (see jaxscope._src.core.assign) ------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        """``jaxscope.assign(self, value)``: later reads see ``value``. TF1: Variable.assign"""
        return _assign.assign(self, value, None, use_locking, name, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """``jaxscope.assign_add(self, delta)``. TF1: Variable.assign_add"""
        return _assign.assign_add(self, delta, use_locking, name, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """``jaxscope.assign_sub(self, delta)``. TF1: Variable.assign_sub"""
        return _assign.assign_sub(self, delta, use_locking, name, read_value)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        """Rows ``sparse_delta.indices`` become ``sparse_delta.values`` (an IndexedSlices-like
        object). TF1: Variable.scatter_update"""
        return _assign.scatter_update(self, sparse_delta.indices, sparse_delta.values)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        """Adds ``sparse_delta.values`` to rows ``sparse_delta.indices``. TF1: Variable.scatter_add"""
        return _assign.scatter_add(self, sparse_delta.indices, sparse_delta.values)

    def initialized_value(self) -> jax.Array:
        """The value this variable had before any assign in this call.

        In ``init`` that is its initial value, so ``Variable(w.initialized_value() * 2)`` starts
        at twice ``w``'s initial value; in ``apply`` (where the new variable is just looked up)
        it is the value ``w`` was given.

        TF1 equivalent: tf.compat.v1.Variable.initialized_value
        """
        value = frame.current("initialized_value").initial.get(self._node, self.value)
        return jnp.zeros(self._shape, canonical(self._dtype)) if value is None else value

    def __neg__(self):
        return -self.value

    def __pos__(self):
        return +self.value

    def __abs__(self):
        return abs(self.value)

    def __invert__(self):
        return ~self.value


class _Meta:
    """A handle's pytree aux data: (shape, dtype, trainable) and, outside traces, its name.

    jax keys its jit caches on the tree structure, so aux data that differed per variable (the
    name) made every jitted jnp function (``jnp.sum(w)``, ``x @ w``, ``jax.nn.relu(w)``) trace
    anew for each handle. The name rides along but is not compared. A handle rebuilt around a
    tracer (inside ``jax.jit``/``grad``/``vmap`` of a function receiving handles) is made without
    a name: a cached trace may have been made for another variable of that shape, so its name
    would be wrong; ``.name`` raises :class:`TracedHandleError` instead.
    """

    __slots__ = ("node", "key", "shape", "dtype", "trainable", "partition", "_id")

    def __init__(self, node, key, shape, dtype, trainable, partition=None):
        self.node, self.key, self.shape, self.dtype, self.trainable = (
            node, key, shape, dtype, trainable
        )  # fmt: skip
        self.partition = partition
        self._id = (shape, str(dtype), trainable, partition)

    def __eq__(self, other):
        return isinstance(other, _Meta) and other._id == self._id

    def __hash__(self):
        return hash(self._id)

    def __repr__(self):  # shows in jax's tree-structure messages; handle_errors reads it back
        return f"<variable {self.node!r}>"


def _flatten(v: Variable):
    return (v.value,), _Meta(v._node, v._key, v._shape, v._dtype, v._trainable, v._partition)


def _unflatten(meta: _Meta, children) -> Variable:
    node = None if isinstance(children[0], jax.core.Tracer) else meta.node
    return _handle(
        node, meta.key, meta.shape, meta.dtype, meta.trainable, children[0], meta.partition
    )


def rebuilt(v: Variable) -> Variable:
    """A new handle with ``v``'s name and metadata, holding its current value."""
    return _handle(v._node, v._key, v._shape, v._dtype, v._trainable, v.value, v._partition)


def _handle(node, key, shape, dtype, trainable, value, partition=None) -> Variable:
    v = object.__new__(Variable if partition is None else PartitionedVariable)
    v._node, v._key, v._shape, v._dtype, v._trainable = node, key, shape, dtype, trainable
    v._value, v._created_at, v._partition = value, None, partition
    return v


class PartitionedVariable(Variable):
    """A variable made with a ``partitioner``: one logical array, with TF1's parts as a view.

    It is a :class:`Variable` (``x @ w`` sees the whole array; the variables tree holds the
    whole array under its name, so a mesh can shard it), and it has TF1's
    ``PartitionedVariable`` surface: ``.name`` without ``:0``, ``len(pv)`` and iteration over
    the parts, ``_get_partitions()``, ``_get_variable_list()``, ``as_tensor()``.

    Args:
      initial_value: an array-like, or a callable with no arguments returning one.
      trainable: if True (default) the variable lives under ``variables["params"]``, else
        under ``variables["state"]``.
      collections: the collections to file it in (replacing ``[GLOBAL_VARIABLES]``;
        ``TRAINABLE_VARIABLES`` is added when trainable), as in TF1.
      validate_shape, caching_device, use_resource, synchronization: accepted for TF1
        compatibility; no effect in JAX.
      name: the name (default ``"Variable"``); a name ending in ``/`` is used verbatim.
      variable_def, expected_shape, import_scope, aggregation: the same.
      dtype: converts a Python initial value; an array of another dtype is an error.
      constraint: a function ``value -> value`` that ``VariablesInfo.apply_constraints``
        applies after an optimizer step, as TF1's optimizers did.
      shape: accepted for TF1 compatibility; the shape is the initial value's.

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     pv = js.get_variable("v", [10, 4], partitioner=js.fixed_size_partitioner(3))
      ...     return pv.name, pv.shape, [(p.name, p.shape) for p in pv]
      >>> js.transform(f).apply(js.transform(f).init(jax.random.key(0)))[2]
      [('v/part_0:0', (4, 4)), ('v/part_1:0', (3, 4)), ('v/part_2:0', (3, 4))]

    TF1 equivalent: tf.compat.v1 PartitionedVariable
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """TF1's name of a partitioned variable: ``"scope/w"`` (no output index)."""
        if self._node is None:
            raise TracedHandleError("name", self._shape, canonical(self._dtype))
        return self._node

    @property
    def partition(self):
        """The :class:`~jaxscope._src.sharding.partitioned.Partition`: axis and part sizes."""
        return self._partition

    def _get_partitions(self) -> list[int]:
        """Parts per axis, e.g. ``[3, 1]``. TF1: PartitionedVariable._get_partitions"""
        return self._partition.partitions

    def _get_variable_list(self) -> list[VariablePart]:
        """The parts, ``part_0`` first. TF1: PartitionedVariable._get_variable_list"""
        p = self._partition
        values = p.split(self.value)
        return [VariablePart(self._node, p, i, values[i]) for i in range(len(p.sizes))]

    def as_tensor(self) -> jax.Array:
        """The whole array (TF1 concatenated the parts). TF1: PartitionedVariable.as_tensor"""
        return self.value

    def __len__(self) -> int:
        return len(self._partition.sizes)

    def __iter__(self):
        return iter(self._get_variable_list())

    def __repr__(self) -> str:
        name = "(rebuilt inside a JAX transformation)" if self._node is None else repr(self.name)
        return (
            f"<jaxscope.PartitionedVariable {name} shape={self._shape} dtype={self._dtype} "
            f"partitions={self._partition.partitions}>"
        )


class VariablePart:
    """One TF1 part of a :class:`PartitionedVariable` (a read-only view of its value).

    ``name`` is TF1's (``"w/part_1:0"``); ``save_slice_info`` is what TF1's Saver writes for it.
    """

    __slots__ = ("name", "shape", "value", "var_offset", "spec", "full_name", "full_shape")

    def __init__(self, node: str, partition, i: int, value):
        self.name = f"{node}/part_{i}:0"
        self.shape = partition.part_shape(i)
        self.value = value
        self.full_name, self.full_shape = node, partition.shape
        self.var_offset = partition.part_offset(i)
        self.spec = partition.slice_spec(i)

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    def __jax_array__(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype)

    def __repr__(self) -> str:
        return f"<jaxscope VariablePart {self.name!r} shape={self.shape} offset={self.var_offset}>"


jax.tree_util.register_pytree_node(Variable, _flatten, _unflatten)
jax.tree_util.register_pytree_node(PartitionedVariable, _flatten, _unflatten)


def _register_with_jax() -> bool:
    """Lets ``jax.lax`` primitives take a handle as an operand, as ``jnp`` functions do.

    jax (0.10+) no longer calls ``__jax_array__`` when it abstracts a primitive's operand, so
    ``lax.dot_general(x, w)`` refused a handle. ``Primitive.bind`` canonicalizes every operand
    through a per-type handler table before abstracting it, and lax's wrappers ask
    ``core.typeof`` for shapes first: a handle's entries in both give its value and that
    value's type. Nothing is wrapped, so this costs nothing per variable. A jax without the
    canonicalization hook gets only the ``typeof`` entry, which names the variable in the error.
    """
    try:
        from jax._src import core, dtypes

        mappings, typeof = core.pytype_aval_mappings, core.typeof
    except (ImportError, AttributeError):
        return False
    register = getattr(dtypes, "register_canonicalize_value_handler", None)
    for cls in (Variable, PartitionedVariable):
        if register is None:
            mappings[cls] = refuse
        else:
            mappings[cls] = lambda v: typeof(v.value)
            register(cls, lambda v: dtypes.canonicalize_value(v.value))
    return register is not None


def refuse(v: Variable):
    """``typeof`` of a handle on a jax that cannot convert it: a clear error naming it."""
    raise HandleAbstractionError(v._node)


CANONICAL = _register_with_jax()


def _set_constraint(fr: frame.Frame, node: str, constraint) -> None:
    if not callable(constraint):
        raise ScopeValueError(
            f'The `constraint` argument of variable "{node}" must be a callable (value -> value), '
            f"got {constraint!r}; e.g. constraint=lambda w: jnp.clip(w, -1.0, 1.0)."
        )
    fr.constraints[node] = constraint
