"""``get_variable``, ``Variable`` and the variable handle that ported TF1 code uses like a tensor.

A handle carries TF1's metadata (``.name == "scope1/w1:0"``, ``.shape``, ``.dtype``, ``.trainable``)
and its current value. It is a registered pytree (one leaf: the value) with ``__jax_array__``, so it
works in ``x @ w``, ``w + 1``, ``w[0]``, ``jnp.matmul(x, w)``, ``jax.nn.relu(w)``, ``jnp.sum(w)`` and
as an argument of a jitted function. ``==`` is identity, as for TF1 graph-mode variables: the
same variable fetched twice is the same handle.
"""

from __future__ import annotations

import contextlib
import operator
import os
import re
import sys
from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import get_opaque_trace_state

from jaxscope._src import errors
from jaxscope._src.core import assign as _assign
from jaxscope._src.core import frame
from jaxscope._src.core.collections import add_variable
from jaxscope._src.core.custom_getter import call_custom_getter
from jaxscope._src.core.handle import Handle
from jaxscope._src.core.initial import (
    CONST,
    DRAW,
    _default_initializer,
    _is_tf_style,
    _jax_style,
    _needs_no_arguments,
    draw_one,
)
from jaxscope._src.core.regularizers import regularize
from jaxscope._src.initializers.dtypes import (
    as_dtype,
    as_shape,
    canonical,
    compatible,
    is_floating,
    is_fully_defined,
)
from jaxscope._src.sharding.partitioned import PerPartInitializer, call_partitioner


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _binary(op):
    def forward(self, other):
        return op(self.value, _unwrap(other))

    def reflected(self, other):
        return op(_unwrap(other), self.value)

    return forward, reflected


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
      validate_shape, caching_device, use_resource, synchronization, aggregation, variable_def,
        expected_shape, import_scope: accepted for TF1 compatibility; no effect in JAX.
      collections: the collections to file it in (replacing ``[GLOBAL_VARIABLES]``;
        ``TRAINABLE_VARIABLES`` is added when trainable), as in TF1.
      constraint: a function ``value -> value`` that ``VariablesInfo.apply_constraints``
        applies after an optimizer step, as TF1's optimizers did.

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
            raise errors.InitializerError(
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
            raise errors.TracedHandleError("name", self._shape, canonical(self._dtype))
        return self._node + ":0"

    @property
    def shape(self) -> tuple[int, ...]:
        """The static shape (TF1's: an assign with ``validate_shape=False`` does not change it)."""
        return self._shape

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
            return jnp.zeros(self._shape, canonical(self._dtype))
        if value is frame.STALE:
            raise errors.StaleVariableError(self._node, "read")
        return value

    def read_value(self) -> jax.Array:
        """The current value. TF1 equivalent: tf.compat.v1.Variable.read_value"""
        return self.value

    def get_shape(self) -> tuple[int, ...]:
        """Same as :attr:`shape`. TF1 equivalent: tf.compat.v1.Variable.get_shape"""
        return self._shape

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
                    raise errors.VariableIndexError(self._node, self._shape, int(bad[0]), dim)
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
            raise errors.TracedHandleError("name", self._shape, canonical(self._dtype))
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
    raise errors.HandleAbstractionError(v._node)


CANONICAL = _register_with_jax()

# jax's messages when it compares a handle's tree structure with an array's (the variable's
# name shows where jax printed the tree: see _Meta.__repr__), and the jax function that did.
_STRUCTURE = re.compile(
    r"jaxscope\._src\.variables\.(Partitioned)?Variable|(Partitioned)?Variable\[<"
)
_NAMED = re.compile(r"Variable\[<variable '([^']*)'>\]")
_WHERE = (
    ("init_values", "jax.lax.reduce / reduce_window"),
    ("while_loop", "jax.lax.while_loop / fori_loop"),
    ("scan", "jax.lax.scan / fori_loop"),
    ("cond", "jax.lax.cond"),
    ("switch", "jax.lax.switch"),
)


_JAX_DIR = os.path.dirname(jax.__file__)


def _user_frame(tb):
    """The innermost traceback frame outside jax and jaxscope: where the model called jax."""
    found = None
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith((_JAX_DIR, frame.PKG_DIR)):
            found = tb
        tb = tb.tb_next
    return found


@contextlib.contextmanager
def handle_errors():
    """Turns jax's errors about a handle where it takes only arrays into jaxscope's."""
    try:
        yield
    except (TypeError, ValueError) as e:
        if isinstance(e, errors.JaxscopeError):
            raise
        message = str(e)
        if "Triggering __jax_array__()" in message:  # a jax without the hooks above
            raise errors.HandleAbstractionError(None) from e
        if not _STRUCTURE.search(message):
            raise
        named = _NAMED.search(message)
        names = (named.group(1),) if named else ()
        where = next((w for k, w in _WHERE if k in message), "a jax function")
        tb = _user_frame(e.__traceback__)
        if tb is not None:  # jax printed no name: the handles the calling line could pass
            where += f" (at {errors.where((tb.tb_frame.f_code.co_filename, tb.tb_lineno))})"
            if not names:
                local = tb.tb_frame.f_locals.values()
                names = tuple({v._node: 0 for v in local if _is_named_handle(v)})
        raise errors.HandleStructureError(names, where) from e


def _is_named_handle(v) -> bool:
    return isinstance(v, Variable) and v._node is not None


def _value_dtype(value, dtype, node) -> np.dtype:
    """TF1's dtype for an initial value: Python int -> int32, float -> float32, arrays keep theirs."""
    if isinstance(value, (jax.Array, np.ndarray, np.generic, jax.ShapeDtypeStruct)):
        own = as_dtype(value.dtype, node)
        if dtype is not None and as_dtype(dtype, node) != own:
            raise errors.InitializerError(
                node, f"the initial value has dtype {own}, but dtype={as_dtype(dtype)} was given; "
                "TF1 never casts a tensor here.",
                f"Cast it yourself: initial_value.astype(jnp.{as_dtype(dtype)}).",
            )  # fmt: skip
        return own
    if dtype is not None:
        return as_dtype(dtype, node)
    own = np.asarray(value).dtype
    return as_dtype(
        {"b": "bool", "i": "int32", "u": "int32", "f": "float32", "c": "complex64"}.get(
            own.kind, own
        ),
        node,
    )


def _shape_of(value) -> tuple[int, ...]:
    return tuple(value.shape) if hasattr(value, "shape") else np.shape(value)


def _as_const(value, dtype):
    """A concrete initial value stays numpy (no device work in the abstract pass)."""
    if not _is_concrete(value):
        return jnp.asarray(value, canonical(dtype))
    return np.asarray(value, canonical(dtype))


def _record(fr: frame.Frame, var: Variable, kind: str, initializer) -> None:
    """In the collecting pass, remember how ``init`` will produce ``var``'s value."""
    if fr.mode == frame.COLLECT:
        fr.specs.append((var, kind, initializer))
        if fr.draw is not None:  # init_with_output: the value now, drawn as init draws it
            rng, trace = fr.draw
            if get_opaque_trace_state() != trace:  # a loop body's or a jax transform's trace
                raise frame.NotOnePass
            if kind == DRAW:
                var._value = draw_one(var, initializer, rng)


# What apply accepts as a variable's value (a cheap check, cached per type): arrays, numpy
# scalars, tracers, and Python numbers (bool is an int). Lists, strings, jax.ShapeDtypeStruct
# placeholders and other objects are refused, naming the variable.
_VALUE_TYPES = (jax.Array, np.ndarray, np.generic, jax.core.Tracer, int, float, complex)
_IS_VALUE: dict[type, bool] = {}


def _lookup(fr: frame.Frame, var: Variable, value) -> None:
    """Takes ``var``'s value from the given variables, checking it against the declaration."""
    node = var._node
    if value is frame.MISSING:
        collection, other = ("params", "state") if var._trainable else ("state", "params")
        if fr.find(node, other) is not frame.MISSING:
            raise errors.ValueMismatchError(
                node, "collection", repr(other), repr(collection), var._created_at
            )
        raise errors.MissingVariableError(
            node, collection, var._created_at, leaf_names(fr.provided)
        )
    kind = type(value)
    is_value = _IS_VALUE.get(kind)
    if is_value is None:
        is_value = _IS_VALUE[kind] = issubclass(kind, _VALUE_TYPES)
    if not is_value:
        raise errors.InvalidVariableValueError(node, "params" if var._trainable else "state", value)
    try:
        dtype = value.dtype
    except AttributeError:  # a Python number in a hand-made tree
        value = np.asarray(value)
        dtype = value.dtype
    shape = tuple(value.shape)
    if var._shape is not None and shape != var._shape:
        raise errors.ValueMismatchError(node, "shape", shape, var._shape, var._created_at)
    if var._dtype is not None and dtype != var._dtype and canonical(dtype) != canonical(var._dtype):
        raise errors.ValueMismatchError(
            node, "dtype", canonical(dtype), canonical(var._dtype), var._created_at
        )
    var._shape, var._value = shape, value
    if var._dtype is None:
        var._dtype = canonical(dtype)


def leaf_names(variables) -> list[str]:
    """``"params/a/b"``-style names of every leaf in a variables tree (for error messages)."""
    out = []

    def walk(tree, prefix):
        for k, v in tree.items():
            if isinstance(v, Mapping):
                walk(v, f"{prefix}{k}/")
            elif v is not None:
                out.append(prefix + k)

    for collection, tree in variables.items():
        if isinstance(tree, Mapping):
            walk(tree, f"{collection}/")
    return out


def get_variable(
    name: str,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable: bool | None = None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape: bool = True,
    use_resource=None,
    custom_getter=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
) -> Variable:
    """Creates a variable or returns the existing one, by TF1's reuse rules.

    The name is the current *variable* scope's name plus ``name`` (name scopes are ignored).
    With reuse off, an existing name is an error; with ``reuse=True`` a missing one is; with
    ``AUTO_REUSE`` it is created when missing. Shared variables are checked for shape and dtype
    (``dtype=None`` means the scope's dtype, float32 by default, also on reuse).

    Args:
      name: the variable's name within the current variable scope.
      shape: its shape (int or sequence); must be omitted when ``initializer`` is a constant.
      dtype: defaults to the scope's dtype; a constant initializer's dtype otherwise.
      initializer: an initializer (JAX or TF1 style, or a class to instantiate), a constant
        (number, list, array: fixes shape and dtype), or a zero-argument callable; defaults to
        the scope's initializer, else glorot_uniform for floats and zeros for integers/bool.
      trainable: True (default) puts it under ``variables["params"]``, False under ``"state"``.
      regularizer: ``w -> loss or None`` (default: the scope's); a new variable's loss joins
        ``REGULARIZATION_LOSSES`` (see ``get_regularization_loss``).
      collections: replaces ``[GLOBAL_VARIABLES]``; ``TRAINABLE_VARIABLES`` is added when
        trainable. On reuse, as in TF1, regularizer/collections/trainable are ignored.
      constraint: a function ``value -> value`` applied after each optimizer step by
        ``VariablesInfo.apply_constraints`` (default: the scope's), as TF1's optimizers did.
      validate_shape: if False, ``apply`` accepts a stored value of any shape (one changed by
        ``assign(..., validate_shape=False)``).
      caching_device, use_resource, synchronization, aggregation: accepted for TF1
        compatibility; no effect in JAX.
      custom_getter: ``(getter, name, *args, **kwargs) -> value``; replaces the scope's getter
        for this call (default: the scope's, see :func:`variable_scope`). It is called with
        the FULL name and every other argument by keyword, after the scope's defaults were
        filled in (``dtype``, ``initializer``, ``regularizer``, ``reuse``, ...; ``constraint``
        only if it names it or takes ``**kwargs``), on lookups too; ``getter`` finds or creates
        the variable. ``get_variable`` returns what the getter returns.
      partitioner: ``partitioner(shape=, dtype=) -> [1, k, 1]`` (default: the scope's), e.g.
        :func:`fixed_size_partitioner`; the variable is then a :class:`PartitionedVariable`:
        one logical array in the tree, with TF1's parts (``w/part_0``, ...) as a view. A
        TF1-style initializer ``f(shape, dtype, partition_info)`` is called per part, as TF1
        calls it; any other initializer draws the whole array (so values do not depend on the
        partitioning; TF1's fans also come from the full shape).

    Returns:
      The :class:`Variable` handle (the same object for every lookup in one call), or what the
      custom getter returned.

    Raises:
      VariableExistsError, VariableNotFoundError, ShapeMismatchError, DtypeMismatchError,
      InitializerError, InvalidNameError, CustomGetterError (all ``ValueError``);
      OutsideTransformError.

    Example:
      >>> import jax, jaxscope as js
      >>> def f():
      ...     with js.variable_scope("foo", reuse=js.AUTO_REUSE):
      ...         return js.get_variable("v", [2]).name, js.get_variable("v", [2]).name
      >>> js.transform(f).apply(js.transform(f).init(jax.random.key(0)))
      ('foo/v:0', 'foo/v:0')
      >>> def half(getter, name, *args, **kwargs):       # a custom getter: stored in float32
      ...     return getter(name, *args, **kwargs).astype("float16")
      >>> def g():
      ...     return js.get_variable("w", [2], custom_getter=half).dtype
      >>> js.transform(g).apply(js.transform(g).init(jax.random.key(0)))
      dtype('float16')

    TF1 equivalent: tf.compat.v1.get_variable
    """
    fr = frame.current("get_variable")
    if not isinstance(name, str):
        raise TypeError(f"get_variable name must be a str, got {type(name).__name__} ({name!r}).")
    # TF1's VariableScope.get_variable: the full name, and the scope's defaults for what the
    # call left out; then the custom getter (or the true getter) finds or creates.
    scope = fr.var_scope
    key = scope._name + "/" + name if scope._name else name
    if dtype is not None and initializer is not None and not callable(initializer):
        const_dtype = _value_dtype(initializer, None, key)
        if const_dtype != as_dtype(dtype):
            raise errors.InitializerError(
                key, f"Initializer type '{const_dtype}' and explicit dtype '{as_dtype(dtype)}' "
                "don't match (TF1 never casts a constant initializer).",
                f"Make them agree, e.g. initializer=np.asarray(value, np.{as_dtype(dtype)}).",
            )  # fmt: skip
    if initializer is None:
        initializer = scope._initializer
    dtype = scope._dtype if dtype is None else as_dtype(dtype, key)
    if regularizer is None:
        regularizer = scope._regularizer
    if constraint is None:
        constraint = scope._constraint
    if trainable is None:
        trainable = True
    if partitioner is None:
        partitioner = scope._partitioner
    if custom_getter is None:
        custom_getter = scope._custom_getter
    if custom_getter is not None:
        return call_custom_getter(
            custom_getter, true_getter, key, shape, dtype, initializer, regularizer,
            scope._reuse, trainable, collections, caching_device, partitioner, validate_shape,
            use_resource, constraint, synchronization, aggregation,
        )  # fmt: skip
    caller = sys._getframe(1)
    if caller.f_code.co_filename.startswith(frame.PKG_DIR):
        created_at = frame.user_location()
    else:
        created_at = (caller.f_code.co_filename, caller.f_lineno)
    return _get_single_variable(
        fr, key, shape, dtype, initializer, regularizer, scope._reuse, trainable, collections,
        validate_shape, constraint, created_at, partitioner,
    )  # fmt: skip


def true_getter(
    name: str,
    shape=None,
    dtype=np.float32,
    initializer=None,
    regularizer=None,
    reuse=None,
    trainable: bool | None = None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape: bool = True,
    use_resource=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
) -> Variable:
    """The getter a custom getter receives: finds or creates the variable with the FULL ``name``.

    Nothing comes from the scope here: ``reuse``, ``initializer``, ``regularizer`` and
    ``constraint`` are used as given (TF1's ``_true_getter``).
    """
    fr = frame.current("get_variable")
    return _get_single_variable(
        fr, name, shape, as_dtype(dtype, name), initializer, regularizer, reuse,
        True if trainable is None else trainable, collections, validate_shape, constraint,
        frame.user_location(), partitioner,
    )  # fmt: skip


def _get_single_variable(
    fr, key, shape, dtype, initializer, regularizer, reuse, trainable, collections,
    validate_shape, constraint, created_at, partitioner=None,
) -> Variable:  # fmt: skip
    """Looks ``key`` up in this call's store, or creates it (TF1's ``_get_single_variable``, and
    its ``_get_partitioned_variable`` checks when a partitioner is given)."""
    # TF1 exempts a scalar from a (scope's) partitioner only for a shape given as [] or ().
    unpartitionable = isinstance(shape, (list, tuple)) and not shape
    from_value = initializer is not None and not callable(initializer)
    if shape is not None and from_value:
        raise errors.InitializerError(
            key, "If initializer is a constant, do not specify shape (the constant fixes it).",
            f"Drop the shape: get_variable({key.rsplit('/', 1)[-1]!r}, initializer=value).",
        )  # fmt: skip
    shape = as_shape(shape, key)

    found = fr.store.get(key)
    partition = None
    if partitioner is not None and not unpartitionable:
        full_shape = _shape_of(initializer) if from_value else shape
        partition = _partitioned(fr, reuse, key, full_shape, dtype, partitioner, found)
        if partition is found:
            return found
    elif found is not None and found._partition is not None and reuse is not True:
        raise errors.PartitionMismatchError(key, "partitioner", False, None, found._created_at)
    if found is not None:
        if reuse is False:
            raise errors.VariableExistsError(key, found._shape, found._dtype, found._created_at)
        if not compatible(shape, found._shape):
            raise errors.ShapeMismatchError(key, shape, found._shape, found._created_at)
        if dtype != found._dtype:
            raise errors.DtypeMismatchError(key, dtype, found._dtype, found._created_at)
        return found
    if reuse is True:
        other = fr.variables.get(key)
        made_by = None if other is None else (errors.where(other._created_at) or "here")
        raise errors.VariableNotFoundError(key, made_by)
    var = _new_variable(
        fr,
        key,
        shape,
        dtype,
        initializer,
        from_value,
        trainable,
        validate_shape,
        created_at,
        partition,
    )
    _file(fr, var, collections, regularizer, constraint)
    return var


def _new_variable(
    fr,
    key,
    shape,
    dtype,
    initializer,
    from_value,
    trainable,
    validate_shape,
    created_at,
    partition=None,
) -> Variable:
    """A new handle for ``key``: its value looked up (apply) or recorded for ``init``."""
    if initializer is None:
        if shape is None:
            raise errors.InitializerError(
                key, "did not get an initializer, so its `shape` argument must be specified.",
                f"Give a shape: get_variable({key.rsplit('/', 1)[-1]!r}, [3, 4]), or a constant "
                "initializer.",
            )  # fmt: skip
        initializer = _default_initializer(key, dtype)
    if not from_value and isinstance(initializer, type):
        initializer = initializer()
    if not from_value and not is_fully_defined(shape):
        if not _needs_no_arguments(initializer):
            raise errors.InitializerError(
                key, "The initializer passed is not valid: it needs a fully defined shape "
                f"(got {shape}), or must be a callable with no arguments.",
                f"Give the full shape: get_variable({key.rsplit('/', 1)[-1]!r}, [3, 4], "
                "initializer=...).",
            )  # fmt: skip
        # A zero-argument callable acts as a constant (apply only needs its shape and dtype).
        initializer = jax.eval_shape(initializer) if fr.mode == frame.APPLY else initializer()
        from_value = True

    if partition is not None and not from_value and _is_tf_style(initializer):
        initializer = PerPartInitializer(initializer, partition)  # TF1 calls it per part
    var = object.__new__(Variable if partition is None else PartitionedVariable)
    var._partition = partition
    node = fr.names.new_root_node(key)  # get_variable ignores name scopes
    var._node, var._key, var._trainable = node, key, bool(trainable)
    var._value, var._created_at = None, created_at
    if from_value:
        var._dtype = _value_dtype(initializer, None, key)
        var._shape = _shape_of(initializer)
    else:
        var._shape, var._dtype = shape, dtype
    found = frame.MISSING
    if fr.mode is not frame.COLLECT:
        found = fr.find(node, "params" if var._trainable else "state")
    if fr.mode is frame.APPLY or found is not frame.MISSING:
        if not validate_shape:
            var._shape = None  # accept any stored shape (see assign(validate_shape=False))
        _lookup(fr, var, found)
    elif from_value:
        if fr.mode == frame.INIT or fr.draw is not None:
            var._value = jnp.asarray(initializer, canonical(var._dtype))
        else:
            var._value = _as_const(initializer, var._dtype)
        _record(fr, var, CONST, None)
    else:
        _check_initializer_dtype(key, initializer, var._dtype)
        _record(fr, var, DRAW, _jax_style(initializer))
    return var


def _file(fr, var: Variable, collections, regularizer, constraint) -> None:
    """Enters a new variable in the tree, the store, its collections and the losses."""
    if fr.mode is frame.COLLECT:
        fr.register(var)
    else:
        fr.variables[var._node] = var
    fr.store[var._key] = var
    if collections is None:  # the common case, inlined: GLOBAL (+ TRAINABLE)
        fr.collections["variables"].append(var)
        if var._trainable:
            fr.collections["trainable_variables"].append(var)
    else:
        add_variable(fr, var, collections, var._trainable)
    if regularizer is not None:
        regularize(fr, var, regularizer)
    if constraint is not None:
        _set_constraint(fr, var._node, constraint)


def _partitioned(fr: frame.Frame, reuse, key: str, shape, dtype, partitioner, found):
    """TF1's ``_get_partitioned_variable`` checks: returns ``found`` to share it, else the new
    variable's :class:`Partition`."""
    if found is not None and found._partition is None:
        raise errors.PartitionMismatchError(key, "partitioner", True, None, found._created_at)
    partition = call_partitioner(key, partitioner, shape, dtype)
    if found is None:
        if reuse is True:
            raise errors.VariableNotFoundError(key)
        return partition
    if reuse is False:
        raise errors.VariableExistsError(key, found._shape, found._dtype, found._created_at)
    at = found._created_at
    if not compatible(shape, found._shape):
        raise errors.PartitionMismatchError(key, "shape", tuple(shape), found._shape, at)
    if dtype != found._dtype:
        raise errors.PartitionMismatchError(key, "dtype", dtype, found._dtype, at)
    if partition.partitions != found._partition.partitions:
        raise errors.PartitionMismatchError(
            key, "partitions", partition.partitions, found._partition.partitions, at
        )
    return found


def _check_initializer_dtype(key: str, initializer, dtype) -> None:
    if getattr(initializer, "floats_only", False) and not is_floating(dtype):
        raise errors.InitializerDtypeError(key, initializer, dtype)


def _set_constraint(fr: frame.Frame, node: str, constraint) -> None:
    if not callable(constraint):
        raise errors.ScopeValueError(
            f'The `constraint` argument of variable "{node}" must be a callable (value -> value), '
            f"got {constraint!r}; e.g. constraint=lambda w: jnp.clip(w, -1.0, 1.0)."
        )
    fr.constraints[node] = constraint


def _is_concrete(x) -> bool:
    return not isinstance(x, jax.core.Tracer)
