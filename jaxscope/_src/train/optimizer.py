"""TF1's ``Optimizer`` as an optax transformation whose state is keyed by TF1 slot names.

``opt.init(params)`` returns ``{"dense/w/Adam": m, "dense/w/Adam_1": v, "beta1_power": ...}``: the
names TF1 gives the slot and non-slot variables, so the state saves to and restores from TF1
checkpoints as it is. ``opt.update(grads, state, params, global_step=step)`` returns optax
updates (``optax.apply_updates(params, updates)`` is TF1's ``var -= ...``, bit for bit) and the new
state. ``minimize`` / ``compute_gradients`` / ``apply_gradients`` are TF1's call style, pure.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import optax

from jaxscope._src.core.call_errors import UnknownVariableError
from jaxscope._src.core.tree_names import flatten, has_collections, unflatten
from jaxscope._src.core.variables import Variable
from jaxscope._src.train import in_model, tf1_hooks
from jaxscope._src.train.errors import (
    GlobalStepError,
    GradientDtypeError,
    GradientShapeError,
    GradientTreeError,
    MissingSlotError,
    SlotMismatchError,
    TrainArgumentError,
)
from jaxscope._src.train.global_step import increment_step

LearningRate = float | jax.Array | Callable[[jax.Array], jax.Array]
VarList = Collection[Any] | str | Callable[[str], bool] | None  # names, handles or a predicate

_MSG_NO_GLOBAL_STEP = """\
Pass the step that drives the schedule (TF1 read the global_step variable):
    updates, opt_state = opt.update(grads, opt_state, params, global_step=step)
    new_vars, opt_state = opt.apply_gradients(grads, variables, opt_state,
                                              global_step="global_step")"""


def _key_name(key) -> str:
    for field in ("key", "name", "idx"):
        if hasattr(key, field):
            return str(getattr(key, field))
    return str(key)


def named_leaves(tree) -> tuple[list[tuple[str, Any]], Any]:
    """``([(tf1_name, leaf), ...], treedef)``; a whole variables tree drops its params/state level."""
    skip = 1 if has_collections(tree) else 0
    leaves, treedef = jax.tree_util.tree_flatten_with_path(tree)
    return [("/".join(_key_name(k) for k in path[skip:]), leaf) for path, leaf in leaves], treedef


def _f32(x) -> jax.Array:
    return jnp.asarray(x, jnp.float32)


def spec(x) -> tuple[tuple[int, ...], Any]:
    """``(shape, dtype)`` of an array, a ``ShapeDtypeStruct`` or a Python number: static."""
    if not (hasattr(x, "shape") and hasattr(x, "dtype")):
        x = jnp.asarray(x)
    return tuple(x.shape), jnp.dtype(x.dtype)


def check_grad(who: str, name: str, grad, like, source: str = "the variable") -> None:
    """Raises unless ``grad`` has the shape and dtype of ``like`` (its variable, or a slot).

    Static (shapes and dtypes only), so it also holds under ``jit``: a gradient that would
    broadcast against its variable is refused as TF1 refuses it.
    """
    (shape, dtype), (want_shape, want_dtype) = spec(grad), spec(like)
    if shape != want_shape:
        raise GradientShapeError(who, name, shape, want_shape, source)
    if dtype != want_dtype:
        raise GradientDtypeError(who, name, dtype, want_dtype, source)


def check_names(who: str, grads, params) -> dict[str, Any]:
    """``{name: leaf}`` of ``params``; raises if ``grads`` names a leaf that is not in it."""
    known = dict(named_leaves(params)[0])
    for name, _ in named_leaves(grads)[0]:
        if name not in known:
            raise GradientTreeError(who, name, sorted(known))
    return known


_MSG_REBUILD_STATE = """\
Build the state for the variables you train (or restore it from their checkpoint):
    opt_state = opt.init(variables["params"])"""


class Optimizer(optax.GradientTransformationExtraArgs, tf1_hooks.TF1Hooks):
    """Base of the TF1 optimizers: an optax ``GradientTransformationExtraArgs``.

    Subclasses list their slots (``_slots``: ``(slot_name, init)`` in TF1's creation order, named
    ``<var>/<name>``, ``<var>/<name>_1``, ...), their non-slot variables (``_non_slots``) and
    implement ``_apply_dense`` with TF1's kernel arithmetic (float32, TF1's operation order).

    ``update`` and ``apply_gradients`` check statically (so also under ``jit``) that each
    gradient has its variable's shape and dtype (TF1's ``ValueError: Shapes ... are
    incompatible`` / ``TypeError``: :class:`GradientShapeError`, :class:`GradientDtypeError`),
    that the gradient tree names only variables of ``params`` (:class:`GradientTreeError`), and
    that every slot has its variable's shape and dtype (:class:`SlotMismatchError`). With
    ``params=None``, ``update`` compares the gradient with the variable's first slot, which
    ``init`` made in the variable's shape and dtype; a slotless optimizer (GradientDescent)
    then has nothing to compare the gradient with, so pass ``params`` (``apply_gradients``
    always does).

    A subclass may instead be written as TF1 writes one (``super().__init__(use_locking, name)``,
    ``_create_slots``, ``_prepare``, ``_apply_dense(grad, var)`` or ``_resource_apply_dense``,
    ``_finish``, ``self.get_slot(var, "m")``, ``tf.assign(...)``): the hooks then run inside
    ``init`` and ``update`` on handles that record their assigns (see
    ``jaxscope._src.train.tf1_hooks``). The base class sets no public attribute, so a subclass may
    set ``self.learning_rate``, ``self.beta_1``, ...

    Args:
      learning_rate: a float, a scalar array or a function of the step count; or TF1's first
        argument ``use_locking`` (a bool) for a subclass written as TF1 writes one.
      name: the slots' name (``<var>/<name>``); must not be empty.

    Raises:
      TypeError: an unknown keyword argument.
      ValueError: ``name`` is empty (TF1's ``Must specify the optimizer name``).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> opt = js.train.AdamOptimizer(0.1)
      >>> isinstance(opt, js.train.Optimizer), opt.slot_key("dense/w", "v")
      (True, 'dense/w/Adam_1')

    TF1 equivalent: tf.compat.v1.train.Optimizer
    """

    _slots: tuple[tuple[str, Callable[[Any], jax.Array]], ...] = ()

    def __new__(cls, *args, **kwargs):
        # The tuple fields are what optax calls; they forward to the methods of this object.
        def init(params, var_list: VarList = None):
            return obj._init(params, var_list)

        def update(updates, state, params=None, **extra):
            return obj._update(updates, state, params, **extra)

        obj = super().__new__(cls, init, update)
        return obj

    def __init__(
        self, learning_rate: LearningRate | bool | None = None, name: str = "Optimizer", **kwargs
    ):
        # TF1's signature is Optimizer(use_locking, name): a bool (or use_locking=) says so.
        if isinstance(learning_rate, bool) or "use_locking" in kwargs:
            self._use_locking = bool(kwargs.pop("use_locking", learning_rate))
            learning_rate = None
        if kwargs:
            raise TypeError(f"Optimizer() got unexpected keyword arguments {sorted(kwargs)}")
        if not name:
            raise ValueError("Must specify the optimizer name")  # TF1's message
        self._learning_rate = learning_rate
        self._name = name

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config().items())
        return f"{type(self).__name__}({args})"

    def _config(self) -> dict[str, Any]:
        return {"learning_rate": self._learning_rate, "name": self._name}

    # -- names ------------------------------------------------------------------------------
    def get_slot_names(self) -> list[str]:
        """TF1's slot names of this optimizer (``["m", "v"]`` for Adam).

        A subclass written with TF1's hooks knows its slots once ``init`` ran them; its names are
        sorted, as TF1 returns them.

        TF1 equivalent: tf.compat.v1.train.Optimizer.get_slot_names
        """
        if self._tf1_style():
            return sorted(tf1_hooks.slot_keys(self))
        return [slot for slot, _ in self._slots]

    @classmethod
    def _tf1_style(cls) -> bool:
        return tf1_hooks.is_tf1_style(cls)

    def slot_key(self, var_name: str, slot: str) -> str:
        """The TF1 name of ``var_name``'s slot ``slot``: ``("dense/w", "v")`` -> ``dense/w/Adam_1``."""
        made = tf1_hooks.slot_keys(self).get(slot, {})
        if var_name in made:
            return made[var_name]
        index = self.get_slot_names().index(slot)
        return f"{var_name}/{self._name}" + (f"_{index}" if index else "")

    def get_slot(self, opt_state: Any, var_name: Any, slot: str | None = None) -> Any:
        """The value of ``var_name``'s slot ``slot`` in ``opt_state``.

        Called with two arguments inside a TF1-style hook, it is TF1's ``get_slot(var, name)``:
        the slot's handle (None if ``var`` has no such slot).

        TF1 equivalent: tf.compat.v1.train.Optimizer.get_slot(var, name)
        """
        if slot is None:
            return tf1_hooks.get_slot(self, opt_state, var_name)
        key = self.slot_key(var_name, slot)
        if key not in opt_state:
            raise MissingSlotError(type(self).__name__, var_name, key, sorted(opt_state))
        return opt_state[key]

    # -- optax ------------------------------------------------------------------------------
    def _non_slots(self) -> dict[str, jax.Array]:
        return {}

    def _init(self, params, var_list: VarList = None) -> dict[str, jax.Array]:
        state = dict(self._non_slots())
        leaves = named_leaves(params)[0]
        if var_list is not None:  # slots for these only, as TF1's minimize(var_list=...) makes
            keep = _keep(var_list, [name for name, _ in leaves], "init")
            leaves = [(name, leaf) for name, leaf in leaves if keep(name)]
        if self._tf1_style():
            return tf1_hooks.init(self, leaves)
        for name, leaf in leaves:
            for slot, init in self._slots:
                state[self.slot_key(name, slot)] = init(leaf)
        return state

    def _learning_rate_at(self, global_step=None) -> jax.Array:
        """The learning rate at ``global_step`` (float32), as TF1's ``_lr_t``."""
        if callable(self._learning_rate):
            if global_step is None:
                raise GlobalStepError(
                    f"{type(self).__name__}.update",
                    "learning_rate is a schedule of the global step, but no global_step was given",
                    _MSG_NO_GLOBAL_STEP,
                )
            return _f32(self._learning_rate(global_step))
        if isinstance(self._learning_rate, str):  # a variable's TF1 name ("Model/lr")
            return _f32(in_model.variable_named(self._learning_rate, type(self).__name__))
        return _f32(self._learning_rate)

    _needs_params = False  # FTRL sets the variable; the others only subtract from it

    def _update(self, grads, state, params=None, *, global_step=None, **extra):
        del extra  # optax.chain passes every extra argument to every member
        if self._tf1_style():
            return self._tf1_update(grads, state, params)
        lr = self._learning_rate_at(global_step)
        scalars = self._prepare(state, lr)
        new_state = dict(state)
        named, treedef = named_leaves(grads)
        values = self._values(grads, params)
        deltas = []
        for name, grad in named:
            keys = [self.slot_key(name, slot) for slot, _ in self._slots]
            for key in keys:
                if key not in state:
                    raise MissingSlotError(type(self).__name__, name, key, sorted(state))
            grad = grad if hasattr(grad, "dtype") else jnp.asarray(grad)
            self._check(name, grad, values.get(name), {k: state[k] for k in keys})
            dtype = grad.dtype
            cast = {k: jnp.asarray(v, dtype) for k, v in scalars.items()}
            delta, slots = self._delta(grad, values.get(name), [state[k] for k in keys], cast)
            new_state.update(zip(keys, slots, strict=True))
            deltas.append(delta)
        new_state.update(self._finish(state))
        return jax.tree_util.tree_unflatten(treedef, deltas), new_state

    def _tf1_update(self, grads, state, params):
        named, treedef = named_leaves(grads)
        if params is None:
            raise TrainArgumentError(
                f"{type(self).__name__}.update",
                "its TF1 hooks (_apply_dense) read the variables, so the update needs their values",
                "Pass them: updates, opt_state = opt.update(grads, opt_state, params).",
            )
        values = check_names(f"{type(self).__name__}.update", grads, params)
        for name, grad in named:
            check_grad(f"{type(self).__name__}.update", name, grad, values[name])
        deltas, new_state = tf1_hooks.update(self, named, values, state)
        return jax.tree_util.tree_unflatten(treedef, deltas), new_state

    def _check(self, name: str, grad, var, slots: dict[str, Any]) -> None:
        """The gradient and the slots against the variable; without ``params``, the slots.

        Without ``params`` the first slot stands for the variable (it was made in its shape and
        dtype by ``init``); a slotless optimizer (GradientDescent) then has nothing to compare.
        """
        who = f"{type(self).__name__}.update"
        like, source = var, "the variable"
        if var is None:
            if not slots:
                return
            key = next(iter(slots))
            like, source = slots[key], f'its slot "{key}" (params=None: the slot stands for it)'
        check_grad(who, name, grad, like, source)
        for key, slot in slots.items():
            if spec(slot) != spec(like):
                raise SlotMismatchError(who, name, key, spec(slot), spec(like),
                                        _MSG_REBUILD_STATE)  # fmt: skip

    def _values(self, grads, params) -> dict[str, Any]:
        if params is None:
            if self._needs_params:
                raise TrainArgumentError(
                    f"{type(self).__name__}.update",
                    "the update sets the variables (TF1's FTRL kernel does), so it needs their "
                    "values",
                    "Pass them: updates, opt_state = opt.update(grads, opt_state, params).",
                )
            return {}
        return check_names(f"{type(self).__name__}.update", grads, params)

    def _delta(self, grad, var, slots, s):
        step, slots = self._apply_dense(grad, slots, s)
        return -step, slots  # var -= step: p + (-step) is p - step exactly

    def _prepare(self, state, lr: jax.Array) -> dict[str, jax.Array]:
        return {"lr": lr}

    def _apply_dense(self, grad, slots, s):
        raise NotImplementedError

    def _finish(self, state) -> dict[str, jax.Array]:
        return {}

    # -- TF1 call style ---------------------------------------------------------------------
    def compute_gradients(
        self,
        loss_fn: Callable[..., Any],
        variables: Mapping[str, Any] | None = None,
        *args,
        var_list: VarList = None,
        **kwargs,
    ):
        """Gradients of ``loss_fn(variables, *args, **kwargs)`` with respect to ``var_list``.

        ``loss_fn`` is typically ``f.apply``. It returns the loss, or a tuple whose first item
        is the loss (the rest is passed through); with ``mutable=...`` among ``kwargs`` it returns
        ``(out, new_variables)`` as ``f.apply`` does, and the new variables come back.

        Args:
          loss_fn: ``(variables, *args, **kwargs) -> loss``.
          variables: the variables tree (``{"params": ..., "state": ...}``).
          *args: passed to ``loss_fn``.
          var_list: the TF1 names to differentiate (a collection of names or a predicate);
            None: every trainable variable (``variables["params"]``), as TF1's default.
          **kwargs: passed to ``loss_fn`` (``mutable=["state"]``, ``rng=key``).

        Returns:
          ``(grads, out, new_variables)``: ``grads`` is a tree of the ``var_list`` variables
          shaped as ``variables["params"]``; ``out`` is ``loss_fn``'s output.

        TF1 equivalent: tf.compat.v1.train.Optimizer.compute_gradients(loss, var_list)
        """
        if in_model.in_program(loss_fn):  # TF1's call inside the model: compute_gradients(loss)
            return in_model.compute_gradients(self, loss_fn, var_list, kwargs.get("grad_loss"))
        trainable = _select(variables.get("params", {}), var_list)
        has_state = bool(kwargs.get("mutable"))

        def objective(chosen):
            result = loss_fn(_merge(variables, {"params": chosen}), *args, **kwargs)
            out, new = result if has_state else (result, None)
            loss = out[0] if isinstance(out, tuple) else out
            return loss, (out, new)

        grads, (out, new) = jax.grad(objective, has_aux=True)(trainable)
        return grads, out, variables if new is None else new

    def apply_gradients(
        self,
        grads,
        variables: Mapping[str, Any] | None = None,
        opt_state: Mapping[str, jax.Array] | None = None,
        global_step: Any = None,
        name: str | None = None,
    ):
        """Applies ``grads`` to ``variables["params"]``; increments ``global_step`` if named.

        Args:
          grads: a tree shaped as ``variables["params"]`` or a sub-tree of it.
          variables: the variables tree.
          opt_state: ``opt.init(variables["params"])`` or a later state.
          global_step: the TF1 name of the step variable (``"global_step"``) in ``variables``.
            Its value drives a learning-rate schedule; it is incremented after the update, and
            saturates at its dtype's maximum (see :func:`increment_step`).

        Returns:
          ``(new_variables, new_opt_state)``.

        TF1 equivalent: tf.compat.v1.train.Optimizer.apply_gradients(grads_and_vars, global_step)
        """
        if in_model.in_program(grads):  # TF1's call inside the model: the train op
            return in_model.apply_gradients(self, grads, global_step, name)
        step = None if global_step is None else _read(variables, global_step)
        check_names("apply_gradients", grads, variables.get("params", {}))
        trained = _pick(variables.get("params", {}), grads)  # the var_list's current values
        updates, opt_state = self.update(grads, opt_state, trained, global_step=step)
        new = _merge(variables, {"params": optax.apply_updates(trained, updates)})
        if global_step is not None:
            new = _write(new, global_step, increment_step(step))
        return new, opt_state

    def minimize(
        self,
        loss_fn: Callable[..., Any],
        variables: Any = None,
        opt_state: Any = None,
        *args,
        var_list: VarList = None,
        global_step: str | None = None,
        **kwargs,
    ):
        """One training step: :meth:`compute_gradients` then :meth:`apply_gradients`.

        Returns:
          ``(new_variables, new_opt_state, out)``, ``out`` being ``loss_fn``'s output.

        TF1 equivalent: tf.compat.v1.train.Optimizer.minimize(loss, global_step, var_list)
        """
        if in_model.in_program(loss_fn):  # TF1's call inside the model: minimize(loss, step)
            step = global_step if variables is None else variables
            return in_model.minimize(self, loss_fn, step, var_list if opt_state is None else
                                     opt_state, kwargs.get("name"), kwargs.get("grad_loss"))  # fmt: skip
        grads, out, variables = self.compute_gradients(
            loss_fn, variables, *args, var_list=var_list, **kwargs
        )
        variables, opt_state = self.apply_gradients(
            grads, variables, opt_state, global_step=global_step
        )
        return variables, opt_state, out


def _select(params, var_list: VarList):
    if var_list is None:
        return params
    flat = flatten(params)
    keep = _keep(var_list, list(flat), "var_list")
    chosen = {n: v for n, v in flat.items() if keep(n)}
    return unflatten(chosen, trainable=True).get("params", {})


def _keep(var_list: VarList, known: list[str], who: str) -> Callable[[str], bool]:
    """``var_list`` as a predicate on TF1 names. It takes what TF1 code holds: a predicate, or
    names (with or without TF1's ``:0``), variable handles (``js.trainable_variables()``'s, from
    any call: only the name is read) and ``js.inspect``'s records, alone or in a list; unknown
    names are an error."""
    if callable(var_list) and not isinstance(var_list, Variable):
        return var_list
    items = [var_list] if isinstance(var_list, (str, Variable)) else list(var_list)
    names = set()
    for item in items:
        name = item._node if isinstance(item, Variable) else getattr(item, "name", item)
        if not isinstance(name, str):
            raise TrainArgumentError(
                who,
                f"var_list holds {type(name).__name__} {name!r}, not a variable or its TF1 name",
                "Pass TF1 names or variable handles, e.g. var_list=['dense/w'] or "
                "var_list=[v for v in js.trainable_variables() if v.name.startswith('d_')].",
            )
        names.add(name[: -len(":0")] if name.endswith(":0") else name)
    unknown = sorted(names - set(known))
    if unknown:
        raise UnknownVariableError(
            f"var_list names {unknown}, which are not trainable variables (variables['params'])",
            sorted(known),
            "Pass TF1 names of trainable variables, e.g. "
            f"var_list=[{(sorted(known) or ['dense/w'])[0]!r}], or a predicate: "
            "var_list=lambda name: name.startswith('dense/').",
        )
    return names.__contains__


def _merge(base, new):
    """``base`` with the leaves of ``new`` put in (both nested dicts); neither is mutated."""
    if not isinstance(new, Mapping) or not isinstance(base, Mapping):
        return new
    out = dict(base)
    for key, value in new.items():
        out[key] = _merge(base[key], value) if key in base else value
    return out


def _pick(base, like):
    """The sub-tree of ``base`` with the keys of ``like``."""
    if not isinstance(like, Mapping):
        return base
    return {k: _pick(base[k], v) for k, v in like.items()}


def _path(variables, name: str) -> tuple[str, ...]:
    for collection in ("state", "params"):
        node, parts = variables.get(collection, {}), name.split("/")
        for part in parts:
            if not isinstance(node, Mapping) or part not in node:
                break
            node = node[part]
        else:
            return (collection, *parts)
    raise GlobalStepError(
        "apply_gradients",
        f'global_step="{name}" names no variable of the variables tree',
        "Create it in the model and pass its TF1 name:\n"
        "    step = jaxscope.train.get_or_create_global_step()   # 'global_step', int64\n"
        '    opt.apply_gradients(grads, variables, opt_state, global_step="global_step")',
    )


def _read(variables, name: str) -> jax.Array:
    node = variables
    for key in _path(variables, name):
        node = node[key]
    return jnp.asarray(node)


def _write(variables, name: str, value):
    path = _path(variables, name)
    new = value
    for i in range(len(path) - 1, -1, -1):
        new = {path[i]: new}
    return _merge(variables, new)
