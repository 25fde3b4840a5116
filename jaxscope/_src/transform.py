"""``transform``: a function that calls ``get_variable`` becomes a pure ``init`` / ``apply`` pair.

Contract::

    variables = f.init(rng, *args, **kwargs)      # {"params": {...}, "state": {...}}
    out = f.apply(variables, *args, **kwargs)     # inputs are never mutated

``init`` runs the function twice at most: once abstractly (``jax.eval_shape``: no FLOPs) to learn
every variable's name, shape, dtype and initializer, then draws all random values grouped by
(shape, dtype, initializer) with per-name keys. Only when some initial value is computed from
traced data (``Variable(x * 2)``) does it run the function a second time to compute those. It
returns the initializers' values, like TF1's ``global_variables_initializer``.

``apply`` replays the program with a fresh store, so it raises the same reuse errors as ``init``
would, and looks each variable up in ``variables`` (missing, mis-shaped and unused entries are
errors).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from jaxscope._src import errors, frame
from jaxscope._src.variables import CONST, _is_concrete, initial_values, leaf_names

COLLECTIONS = ("params", "state")


class Transformed(NamedTuple):
    """The pure pair returned by :func:`transform`."""

    init: Callable[..., dict[str, Any]]
    apply: Callable[..., Any]


def transform(fn: Callable[..., Any], *, allow_unused: bool = False) -> Transformed:
    """Turns ``fn`` (which calls ``get_variable`` / ``Variable``) into pure ``init`` and ``apply``.

    Args:
      fn: the model function, written as in TF1.
      allow_unused: if True, ``apply`` accepts variables that the program never uses (by default
        they are an error, so a typo in a restored tree cannot pass silently).

    Returns:
      ``Transformed(init, apply)`` with ``init(rng, *args, **kwargs) -> variables`` and
      ``apply(variables, *args, rng=None, **kwargs) -> out``. ``variables`` is a nested dict:
      trainable variables under ``"params"``, the others under ``"state"``, keyed by the parts of
      the variable name (``"two_layers/h1/weights"`` is ``["params"]["two_layers"]["h1"]["weights"]``).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     with js.variable_scope("dense"):
      ...         w = js.get_variable("w", [x.shape[1], 2])
      ...         b = js.get_variable("b", [2], initializer=js.zeros_initializer())
      ...     return x @ w + b
      >>> f = js.transform(model)
      >>> variables = f.init(jax.random.key(0), jnp.ones([1, 3]))
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'dense': {'b': (2,), 'w': (3, 2)}}}
      >>> jax.jit(f.apply)(variables, jnp.ones([1, 3])).shape
      (1, 2)

    TF1 equivalent: building the graph, then tf.compat.v1.global_variables_initializer / Session.run
    """

    @functools.wraps(fn)
    def init(rng, *args, **kwargs) -> dict[str, Any]:
        if rng is None:
            raise TypeError(
                "init needs a PRNG key for the random initializers: f.init(jax.random.key(0), ...)"
            )
        collect = frame.Frame(frame.COLLECT)

        def run():
            with frame.running(collect):
                fn(*args, **kwargs)

        jax.eval_shape(run)
        values = initial_values(collect.specs, rng)
        again = False
        for var, kind, _ in collect.specs:
            if kind == CONST:
                if _is_concrete(var._value):
                    values[var._node] = jnp.asarray(var._value)
                else:
                    again = True
        variables = collect.variables
        if again:
            fr = frame.Frame(frame.INIT, provided=_nest(variables, values))
            with frame.running(fr):
                fn(*args, **kwargs)
            variables = fr.variables
            values = {node: var._value for node, var in variables.items()}
        return _nest(variables, values)

    @functools.wraps(fn)
    def apply(variables: Mapping[str, Any], *args, rng=None, **kwargs):
        del rng  # reserved for random ops inside the model
        _check_collections(variables)
        fr = frame.Frame(frame.APPLY, provided=variables)
        with frame.running(fr):
            out = fn(*args, **kwargs)
        # Every variable of an apply run was looked up, so the counts tell if anything is unused.
        if not allow_unused and len(fr.variables) != len(jax.tree_util.tree_leaves(variables)):
            unused = [n for n in leaf_names(variables) if n.split("/", 1)[1] not in fr.variables]
            raise errors.UnusedVariablesError(unused)
        return out

    return Transformed(init, apply)


def _nest(variables: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The variables tree: ``values[node]`` at ``[collection][part][part]...``."""
    out: dict[str, Any] = {"params": {}}
    for node, var in variables.items():
        if node not in values:
            continue
        tree = out.setdefault("params" if var._trainable else "state", {})
        *parents, leaf = node.split("/")
        for p in parents:
            tree = tree.setdefault(p, {})
        tree[leaf] = values[node]
    return out


def _check_collections(variables) -> None:
    if not isinstance(variables, Mapping) or not set(variables) <= set(COLLECTIONS):
        raise TypeError(
            "apply(variables, ...) takes the dict returned by init: {'params': {...}, "
            f"'state': {{...}}}}; got {type(variables).__name__} with keys "
            f"{sorted(variables) if isinstance(variables, Mapping) else '-'}."
        )
