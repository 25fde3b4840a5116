"""TF1's optimizers called inside the program, as TF1 scripts call them in their models:
``opt.minimize(loss, global_step=..., var_list=...)``, ``opt.compute_gradients(loss)`` and
``opt.apply_gradients(grads_and_vars, global_step=...)`` build a train op (an ``Op``).

``apply_gradients`` makes the optimizer's slot and non-slot variables in the program with
TF1's names (``Model/w/Adam``, ``Model/w/Adam_1``, ``beta1_power``, and ``beta1_power_1`` for a
second Adam), so ``init`` creates them, they live in ``variables["state"]`` and one TF1
checkpoint holds them all. When the program returns the op, ``apply(..., mutable=True)`` runs it:
the variables, slots and ``global_step`` take the values TF1's ``session.run(train_op)`` gives
(gradients at the values read in that run); a program that does not return it leaves them be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import optax

from jaxscope._src.core import frame
from jaxscope._src.core.collections import trainable_variables
from jaxscope._src.core.gradients import gradients
from jaxscope._src.core.ops import Op
from jaxscope._src.core.scope import AUTO_REUSE, get_variable_scope, variable_scope
from jaxscope._src.core.variable_store import get_variable
from jaxscope._src.core.variables import Variable
from jaxscope._src.train.errors import TrainArgumentError
from jaxscope._src.train.global_step import increment_step


def in_program(first) -> bool:
    """True where an optimizer method is called as TF1 calls it inside a model: on a loss value
    (not a function) or on ``(gradient, variable)`` pairs, inside a transformed function."""
    try:
        frame.current("optimizer")
    except Exception:  # noqa: BLE001 - outside: the functional call style
        return False
    return not callable(first) and not hasattr(first, "keys")


def compute_gradients(opt, loss, var_list=None, grad_loss=None) -> list[tuple[Any, Variable]]:
    """TF1's ``compute_gradients(loss, var_list)`` inside the program: ``[(gradient, variable)]``
    for ``var_list`` (default: the trainable variables, in TF1's order)."""
    variables = _variables(var_list, f"{type(opt).__name__}.compute_gradients")
    grad_ys = None if grad_loss is None else [grad_loss]
    return list(zip(gradients(loss, variables, grad_ys=grad_ys), variables, strict=True))


def apply_gradients(opt, grads_and_vars, global_step=None, name=None) -> Op:
    """TF1's ``apply_gradients(grads_and_vars, global_step)`` inside the program: the train op."""
    who = f"{type(opt).__name__}.apply_gradients"
    pairs = grads_and_vars = list(grads_and_vars)
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TrainArgumentError(who, f"grads_and_vars holds {pair!r}, not a "
                                     "(gradient, variable) pair", "Pass "
                                     "opt.compute_gradients(loss) or zip(grads, variables).")  # fmt: skip
    for _, v in pairs:
        if not isinstance(v, Variable):
            raise TrainArgumentError(who, f"{v!r} is not a variable of the program",
                                     "Pair each gradient with its variable handle.")  # fmt: skip
    # Slots for every variable given (TF1: only those with a gradient; init cannot know which)
    every = _slots_and_non_slots(opt, pairs)
    pairs = [(g, v) for g, v in pairs if g is not None]
    if not pairs:
        raise TrainArgumentError(
            who, "No gradients provided for any variable (TF1 raises the same ValueError): the "
            f"loss depends on none of {[getattr(v, 'name', v) for _, v in grads_and_vars]}",
            "Pass the variables the loss depends on: var_list=[...].",
        )  # fmt: skip
    params = {v._node: v.value for _, v in pairs}
    kept = set(opt.init({v._node: jnp.zeros(v.shape, v.dtype) for _, v in pairs}))
    state = {k: var for k, var in every.items() if k in kept}
    step = None if global_step is None else _step(global_step, who)
    grads = {v._node: g for g, v in pairs}
    updates, new_state = opt.update(grads, {k: s.value for k, s in state.items()}, params,
                                    global_step=step)  # fmt: skip
    new_params = optax.apply_updates(params, updates)
    assignments = [(v, new_params[v._node]) for _, v in pairs]
    assignments += [(state[k], new_state[k]) for k in state]
    if global_step is not None:
        assignments.append((global_step, increment_step(jnp.asarray(step))))
    return Op(name or opt._name, assignments, "NoOp")


def minimize(opt, loss, global_step=None, var_list=None, name=None, grad_loss=None) -> Op:
    """TF1's ``minimize(loss, global_step, var_list)`` inside the program: the train op."""
    grads_and_vars = compute_gradients(opt, loss, var_list, grad_loss)
    return apply_gradients(opt, grads_and_vars, global_step=global_step, name=name)


def _variables(var_list, who: str) -> list[Variable]:
    trainable = trainable_variables()
    if var_list is None:
        return list(trainable)
    if callable(var_list) and not isinstance(var_list, Variable):
        return [v for v in trainable if var_list(v._node)]
    items = [var_list] if isinstance(var_list, (str, Variable)) else list(var_list)
    by_name = {v._node: v for v in frame.current("optimizer").variables.values()}
    out = []
    for item in items:
        if isinstance(item, Variable):
            out.append(by_name.get(item._node, item))
            continue
        name = getattr(item, "name", item)
        name = name[: -len(":0")] if isinstance(name, str) and name.endswith(":0") else name
        if name not in by_name:
            raise TrainArgumentError(who, f"var_list names {name!r}, which is not a variable of "
                                     "the program", "Pass handles or TF1 names, e.g. "
                                     "var_list=tf.trainable_variables('d_').")  # fmt: skip
        out.append(by_name[name])
    return out


def variable_named(name: str, who: str) -> Variable:
    """The program's variable called ``name`` (TF1's name, ``:0`` optional): a learning rate
    given by name."""
    try:
        fr = frame.current("optimizer")
    except Exception:  # noqa: BLE001
        fr = None
    node = name[: -len(":0")] if name.endswith(":0") else name
    if fr is None or node not in fr.variables:
        where = "outside the program" if fr is None else "not a variable of the program"
        raise TrainArgumentError(who, f"learning_rate={name!r} names a variable, but it is "
                                 f"{where}", "Create it before the optimizer runs (tf.Variable"
                                 "(0.1, trainable=False, name='lr')), or pass a number.")  # fmt: skip
    return fr.variables[node]


def _step(global_step, who: str):
    if not isinstance(global_step, Variable):
        raise TrainArgumentError(who, f"global_step is {type(global_step).__name__}, not the "
                                 "step variable", "Pass the variable: "
                                 "global_step=tf.train.get_or_create_global_step().")  # fmt: skip
    return global_step.value


def _slots_and_non_slots(opt, pairs) -> dict[str, Variable]:
    """The optimizer's state as variables of the program, named as TF1 names them: the non-slot
    variables first (``beta1_power``), made as TF1's ``Variable`` is (in the name scope; a
    second optimizer's are ``beta1_power_1``), then each variable's slots, in the current
    variable scope: ``<scope>/<variable>/<name>[_i]`` (TF1's slot_creator does the same)."""
    out: dict[str, Variable] = {}
    for key, value in opt.init({}).items():  # TF1 makes them first (in _prepare)
        out[key] = Variable(lambda key=key: opt.init({})[key], name=key, trainable=False,
                            dtype=value.dtype)  # fmt: skip
    with variable_scope(get_variable_scope(), reuse=AUTO_REUSE, auxiliary_name_scope=False):
        for _, v in pairs:
            slots = opt.init({v._node: jnp.zeros(v.shape, v.dtype)})
            for key, value in slots.items():
                if key in out:
                    continue
                out[key] = get_variable(key, value.shape, value.dtype, trainable=False,
                                        initializer=_constant(opt, key, v._node))  # fmt: skip
    return out


def _constant(opt, key: str, var: str) -> Callable:
    """A TF1-style initializer giving ``opt.init``'s initial value of slot ``key`` of ``var``."""

    def initializer(shape, dtype=None, partition_info=None):
        return jnp.asarray(opt.init({var: jnp.zeros(shape, dtype)})[key], dtype)

    return initializer
