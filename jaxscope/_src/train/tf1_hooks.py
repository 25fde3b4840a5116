"""TF1's ``Optimizer`` subclass hooks, run inside jaxscope's functional update.

A TF1 custom optimizer overrides ``_create_slots(var_list)``, ``_prepare()``, ``_apply_dense(grad,
var)`` (or ``_resource_apply_dense(grad, handle)``) and ``_finish(update_ops, name_scope)``, and
writes them with ``self._zeros_slot``, ``self.get_slot(var, "m")``, ``tf.assign(m, ...)`` and
``tf.group(...)``. Here those hooks run on :class:`HookVariable` handles (one per variable, slot
and non-slot variable) inside ``opt.init(params)`` and ``opt.update(grads, state, params)``:
``assign``/``assign_add``/``assign_sub`` record the new value, and the update returns the new
variables and slots as TF1's ``session.run(train_op)`` leaves them.

Reads follow TF1's graph: an op reads a variable's value from before the step's updates, unless it
is built under ``tf.control_dependencies([...])`` on the update (then it sees the updated value);
``assign`` returns the updated value. Without a control dependency TF1 leaves the order of a read
and an assign to the same variable undefined; here the read sees the old value.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
from typing import Any

import jax
import jax.numpy as jnp

from jaxscope._src.core import assign as _assign
from jaxscope._src.core.variables import Variable
from jaxscope._src.train.errors import MissingSlotError, TrainArgumentError

_LOCAL = threading.local()


class _Op:
    """``var.op``: TF1's op of the variable, of which hooks read ``name``."""

    def __init__(self, name: str):
        self.name = name


class HookVariable(Variable):
    """A variable, slot or non-slot variable as a TF1 optimizer hook sees it.

    ``name`` is TF1's (``"dense/w:0"``; ``op.name`` without the ``:0``). Reading it gives the value
    from before this step's updates, or the updated value under ``tf.control_dependencies`` on its
    update; ``assign``/``assign_add``/``assign_sub`` (and ``tf.assign(v, ...)``) record the new value
    and return it.
    """

    def __init__(self, run: _Run, node: str, value, trainable: bool):
        value = jnp.asarray(value)
        self._node, self._key, self._trainable = node, None, trainable
        self._shape, self._dtype, self._value = tuple(value.shape), value.dtype, value
        self._partition, self._created_at = None, None
        self._run, self._old, self._delta, self._updates = run, value, None, 0

    @property
    def value(self) -> jax.Array:
        return self._value if self in self._run.visible else self._old

    @property
    def op(self) -> _Op:
        return _Op(self._node)

    @property
    def graph(self) -> None:
        """None: what ``_get_non_slot_variable(name, graph=var.graph)`` is given (it is ignored)."""
        return None

    def __repr__(self) -> str:
        return f"<jaxscope optimizer-hook variable {self.name!r} shape={self._shape}>"

    def initialized_value(self) -> jax.Array:
        return self._old

    def assign(self, value, use_locking=False, name=None, read_value=True):
        return self._record_assign("assign", value, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        return self._record_assign("assign_add", delta, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        return self._record_assign("assign_sub", delta, read_value)

    def _record_assign(self, op: str, value, read_value: bool = True):
        """The update ``op`` (as TF1's kernel applies it: to the variable's latest value)."""
        if op == "assign":
            new = _assign._convert(self, value, op)
            if tuple(new.shape) != self._shape:
                _assign._same_shape(self, new, op)  # raises AssignShapeError
            self._delta = None
        else:
            step = _assign._same_shape(self, value, op)
            step = step if op == "assign_add" else -step
            new = self._value + step
            # A single add/sub of d: the optax update is d itself, so p + d is TF1's p - d exactly.
            self._delta = step if self._updates == 0 else None
        self._updates += 1
        self._value = new
        self._run.record(self, new)
        return new if read_value else None

    def update(self) -> jax.Array:
        """The optax update: ``new - old``, or the single increment itself."""
        if self._updates == 0:
            return jnp.zeros_like(self._old)
        return self._delta if self._delta is not None else self._value - self._old


class _Run:
    """One run of the hooks: the handles, the slots made so far, what is ordered after what."""

    def __init__(self, opt, creating: bool, state):
        self.opt, self.creating, self.state = opt, creating, state
        self.slots: dict[str, dict[str, HookVariable]] = {}  # slot name -> var node -> handle
        self.non_slots: dict[str, HookVariable] = {}
        self.used: dict[str, int] = {}  # "<var>/<op_name>" -> times made (TF1's unique scope)
        self.visible: set[HookVariable] = set()
        self.updated: list[HookVariable] = []
        self.results: dict[int, tuple[HookVariable, Any]] = {}

    def record(self, handle: HookVariable, new) -> None:
        if handle not in self.updated:
            self.updated.append(handle)
        self.results[id(new)] = (handle, new)  # the value is kept, so its id stays its own

    def handle(self, key: str, initial) -> HookVariable:
        if self.creating:
            value = initial() if callable(initial) else initial
        elif key in self.state:
            value = self.state[key]
        else:
            raise MissingSlotError(type(self.opt).__name__, key.rsplit("/", 1)[0], key,
                                   sorted(self.state))  # fmt: skip
        return HookVariable(self, key, value, trainable=False)

    def make_slot(self, var, initial, slot_name: str, op_name: str) -> HookVariable:
        node = _node_of(var)
        made = self.slots.setdefault(slot_name, {})
        if node not in made:
            base = f"{node}/{op_name}"
            count = self.used.get(base, 0)
            self.used[base] = count + 1
            made[node] = self.handle(base + (f"_{count}" if count else ""), initial)
        return made[node]


def _current() -> _Run | None:
    return getattr(_LOCAL, "run", None)


def _node_of(var) -> str:
    node = getattr(var, "_node", None)
    if node is None:
        raise TrainArgumentError(
            "Optimizer slot",
            f"{var!r} is not one of the variables the optimizer hooks were given",
            "Make slots for the variables passed to _create_slots(var_list).",
        )
    return node


@contextlib.contextmanager
def _running(run: _Run):
    saved = _current()
    _LOCAL.run = run
    try:
        yield run
    finally:
        _LOCAL.run = saved


@contextlib.contextmanager
def ordered_after(control_inputs):
    """``tf.control_dependencies`` inside the hooks: reads see the updates it names.

    An update's result orders its variable; anything else orders every update made so far.
    """
    run = _current()
    if run is None:
        yield
        return
    saved = set(run.visible)
    for x in control_inputs or ():
        found = run.results.get(id(x))
        if found is not None and found[1] is x:
            run.visible.add(found[0])
        else:  # an op (tf.group's, which jaxscope returns as None): after every update so far
            run.visible.update(run.updated)
    try:
        yield
    finally:
        run.visible = saved


# -- what the base class calls ------------------------------------------------------------------
def is_tf1_style(cls) -> bool:
    """True when ``cls`` overrides TF1's hooks (``_create_slots``, ``_resource_apply_dense``, or
    ``_apply_dense(grad, var)``) rather than jaxscope's ``_apply_dense(grad, slots, s)``."""
    base = _base(cls)
    if cls._create_slots is not base._create_slots:
        return True
    if cls._resource_apply_dense is not TF1Hooks._resource_apply_dense:
        return True
    if cls._apply_dense is base._apply_dense:
        return False
    params = list(inspect.signature(cls._apply_dense).parameters.values())[1:]
    return len([p for p in params if p.default is p.empty]) == 2


def _base(cls) -> type:
    """jaxscope's ``Optimizer`` (the class that mixes ``TF1Hooks`` in), without importing it."""
    return next(c for c in cls.__mro__ if TF1Hooks in c.__bases__)


def _overrides(opt, hook: str) -> bool:
    return getattr(type(opt), hook) is not getattr(_base(type(opt)), hook)


def _handles(run: _Run, named) -> list[HookVariable]:
    return [HookVariable(run, name, value, trainable=True) for name, value in named]


def init(opt, named: list[tuple[str, Any]]) -> dict[str, jax.Array]:
    """TF1's slot creation: ``_create_slots`` on ``named``'s variables; the initial state."""
    with _running(_Run(opt, True, {})) as run:
        opt._create_slots(_handles(run, named))
    _remember(opt, run)
    state = {h._node: h._old for h in run.non_slots.values()}
    for made in run.slots.values():
        state.update({h._node: h._old for h in made.values()})
    return state


def update(opt, named_grads, values, state):
    """One TF1 ``apply_gradients`` through the hooks: ``(updates per variable, new state)``."""
    run = _Run(opt, False, state)
    with _running(run):
        handles = _handles(run, [(name, values[name]) for name, _ in named_grads])
        opt._create_slots(handles)
        if _overrides(opt, "_prepare"):
            opt._prepare()
        apply = opt._apply_dense if _overrides(opt, "_apply_dense") else opt._resource_apply_dense
        update_ops = []
        for (_, grad), var in zip(named_grads, handles, strict=True):
            grad = grad if hasattr(grad, "dtype") else jnp.asarray(grad)
            update_ops.append(apply(grad, var))
        if _overrides(opt, "_finish"):
            opt._finish(update_ops, "update")
    _remember(opt, run)
    new_state = dict(state)
    new_state.update({h._node: h._value for h in run.non_slots.values()})
    for made in run.slots.values():
        new_state.update({h._node: h._value for h in made.values()})
    return [h.update() for h in handles], new_state


def _remember(opt, run: _Run) -> None:
    # What get_slot_names / get_slot(state, var, slot) answer from, as TF1's self._slots.
    opt.__dict__["_jaxscope_slot_keys"] = {
        slot: {node: h._node for node, h in made.items()} for slot, made in run.slots.items()
    }


def slot_keys(opt) -> dict[str, dict[str, str]]:
    return opt.__dict__.get("_jaxscope_slot_keys", {})


def _need_run(who: str) -> _Run:
    run = _current()
    if run is None:
        raise TrainArgumentError(
            who,
            "TF1's optimizer hooks run only inside opt.init(params) / opt.update(grads, state, "
            "params) (and minimize / apply_gradients, which call them)",
            "Read a slot's value from the optimizer state instead:\n"
            '    opt.get_slot(opt_state, "dense/w", "m")',
        )
    return run


class TF1Hooks:
    """TF1's ``Optimizer`` helpers for subclasses' hooks (mixed into ``Optimizer``)."""

    __slots__ = ()

    def _create_slots(self, var_list) -> None:
        """TF1's hook: make the slots of ``var_list``. TF1: Optimizer._create_slots"""

    def _resource_apply_dense(self, grad, handle):
        """TF1's hook for resource variables. TF1: Optimizer._resource_apply_dense"""
        raise NotImplementedError(
            f"{type(self).__name__} implements neither _apply_dense(grad, var) nor "
            "_resource_apply_dense(grad, handle)."
        )

    def _zeros_slot(self, var, slot_name: str, op_name: str):
        """A slot of zeros shaped as ``var``, named ``<var>/<op_name>``. TF1: Optimizer._zeros_slot"""
        return _need_run("_zeros_slot").make_slot(
            var, lambda: jnp.zeros(var._shape, var._dtype), slot_name, op_name
        )

    def _get_or_make_slot(self, var, val, slot_name: str, op_name: str):
        """A slot starting at ``val``. TF1: Optimizer._get_or_make_slot"""
        return _need_run("_get_or_make_slot").make_slot(
            var, lambda: jnp.asarray(val, var._dtype), slot_name, op_name
        )

    def _get_or_make_slot_with_initializer(
        self, var, initializer, shape, dtype, slot_name: str, op_name: str
    ):
        """A slot starting at ``initializer(shape, dtype)``.

        TF1 equivalent: Optimizer._get_or_make_slot_with_initializer"""
        shape = tuple(shape.as_list() if hasattr(shape, "as_list") else shape)
        return _need_run("_get_or_make_slot_with_initializer").make_slot(
            var, lambda: jnp.asarray(initializer(shape, dtype=dtype), var._dtype), slot_name,
            op_name,
        )  # fmt: skip

    def _create_non_slot_variable(self, initial_value, name: str, colocate_with=None):
        """A variable of the optimizer (``beta1_power``), made once.

        TF1 equivalent: Optimizer._create_non_slot_variable"""
        run = _need_run("_create_non_slot_variable")
        if name not in run.non_slots:
            value = initial_value() if callable(initial_value) else initial_value
            run.non_slots[name] = run.handle(name, lambda: _tensor(value))
        return run.non_slots[name]

    def _get_non_slot_variable(self, name: str, graph=None):
        """The non-slot variable ``name``. TF1 equivalent: Optimizer._get_non_slot_variable"""
        return _need_run("_get_non_slot_variable").non_slots.get(name)

    def _call_if_callable(self, param):
        """``param()`` if callable, else ``param``. TF1: Optimizer._call_if_callable"""
        return param() if callable(param) else param


def _tensor(value) -> jax.Array:
    """A Python float as TF1 converts it (float32), an array as it is."""
    if isinstance(value, float):
        return jnp.asarray(value, jnp.float32)
    return jnp.asarray(value)


def get_slot(opt, var, name: str):
    """TF1's ``get_slot(var, name)`` inside the hooks: the slot's handle, or None."""
    run = _need_run("get_slot(var, name)")
    return run.slots.get(name, {}).get(_node_of(var))
