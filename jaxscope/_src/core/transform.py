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
errors). One exception is TF1's eval model, built with ``reuse=True`` in the train model's graph:
under ``apply``, ``reuse=True`` finds a variable of ``variables`` that the program does not make
itself (checked by an abstract run in a fresh graph), and such an eval program may leave the
train-only variables unused.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import get_opaque_trace_state

from jaxscope._src.core import frame
from jaxscope._src.core.apply_run import (
    COLLECTIONS,
    _attempt,
    _is_handle,
    _made_by,
    _rebuilt,
    _Replay,
)
from jaxscope._src.core.call_errors import (
    TracedFlagError,
    UnknownVariableError,
    UnusedVariablesError,
)
from jaxscope._src.core.initial import CONST, initial_values
from jaxscope._src.core.jax_errors import handle_errors
from jaxscope._src.core.random import _INIT_SALT
from jaxscope._src.core.scope import new_frame
from jaxscope._src.core.values import _is_concrete, leaf_names
from jaxscope._src.core.values import _lookup as lookup


class Transformed(NamedTuple):
    """The pure pair returned by :func:`transform`.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: x @ js.get_variable("w", [3, 2]))
      >>> type(f).__name__, f._fields
      ('Transformed', ('init', 'apply'))
      >>> f.apply(f.init(jax.random.key(0), jnp.ones([1, 3])), jnp.ones([1, 3])).shape
      (1, 2)

    TF1 equivalent: none (a graph held the variables; ``init`` replaces
    ``session.run(tf.global_variables_initializer())``, ``apply`` replaces ``session.run``)
    """

    init: Callable[..., dict[str, Any]]
    apply: Callable[..., Any]

    def init_with_output(self, rng, *args, **kwargs) -> tuple[Any, dict[str, Any]]:
        """``init``'s variables and the output of a run on them, from one pass where possible.

        The variables are ``init(rng, *args, **kwargs)``'s, bit for bit; the output is what
        ``apply(variables, *args, rng=..., mutable=True, **kwargs)`` returns first, with
        ``next_rng_key`` drawing from the key ``init`` gives the body. One run of the function
        gives both: each variable is drawn as it is created (``init`` instead runs the function
        abstractly first, then draws). A variable created inside a loop body or a JAX
        transformation opened in the function cannot be drawn there; then it costs ``init``
        plus ``apply``.

        Example:
          >>> import jax, jax.numpy as jnp, jaxscope as js
          >>> f = js.transform(lambda x: x @ js.get_variable("w", [3, 2]))
          >>> out, variables = f.init_with_output(jax.random.key(0), jnp.ones([1, 3]))
          >>> bool((out == f.apply(variables, jnp.ones([1, 3]))).all())
          True

        TF1 equivalent: Session.run([output, tf.compat.v1.global_variables_initializer()])
        """
        return _init_with_output(self, rng, args, kwargs)


def transform(
    fn: Callable[..., Any], *, allow_unused: bool = False, fetch_dependent: bool = False
) -> Transformed:
    """Turns ``fn`` (which calls ``get_variable`` / ``Variable``) into pure ``init`` and ``apply``.

    Args:
      fn: the model function, written as in TF1.
      allow_unused: if True, ``apply`` accepts variables that the program never uses (by default
        they are an error, so a typo in a restored tree cannot pass silently).
      fetch_dependent: if True, ``apply`` runs an ``assign`` only when the program's return
        value depends on it (TF1's ``Session.run`` of that return value; see
        ``jaxscope._src.core.fetch``), as :class:`jaxscope.train.Runner` does. By default
        ``apply`` runs every assign the program makes (as if each were fetched).

    Returns:
      ``Transformed(init, apply)`` with ``init(rng, *args, **kwargs) -> variables`` and
      ``apply(variables, *args, rng=None, mutable=False, **kwargs) -> out`` (``rng`` seeds
      :func:`next_rng_key` inside the function; ``init``'s key does so in ``init``). With
      ``mutable=True`` (or a list of collections, ``["state"]``) ``apply`` may run ``assign``
      and friends and returns ``(out, new_variables)``: the whole tree, with the assigned
      variables' final values (under ``jax.jit(..., donate_argnums=0)`` they reuse the input
      buffers). Under ``apply``, ``reuse=True`` also finds variables that another program made
      (TF1's eval model, built with ``reuse=True`` in the train model's graph: apply the eval
      program to the train program's variables); ``init`` of such a program fails, as in TF1's
      fresh graph. ``init`` always returns the initial values, never values assigned in the body
      (as TF1's ``global_variables_initializer``). ``variables`` is a nested dict:
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
        return _initialize(fn, {}, rng, args, kwargs, allow_unused)

    @functools.wraps(fn)
    def apply(variables: Mapping[str, Any], *args, rng=None, mutable=False, **kwargs):
        _check_collections(variables)
        run = functools.partial(_attempt, fn, variables, args, kwargs, rng, mutable, allow_unused,
                                fetch_dependent=fetch_dependent)  # fmt: skip
        tried: list[frame.Frame] = []
        try:
            return run(True, tried)
        except _Replay:
            pass
        except Exception:  # it may have failed for what it found: see if it makes that itself
            borrowed = tried[-1].borrowed if tried else set()
            if not (borrowed and borrowed & _made_by(fn, args, kwargs)):
                raise
        # It makes a variable it found in the tree itself: replay init's errors (TF1's fresh graph)
        return run(False, [])

    del apply.__wrapped__  # jax.jit(f.apply, static_argnames="mutable") needs apply's signature
    init._jaxscope = (fn, allow_unused)  # read by initialize_missing / reinitialize
    return Transformed(init, apply)


def static_flag(value: Any, owner: str, arg: str = "training") -> bool:
    """``value`` (a flag that selects the program, such as a layer's ``training=``) as a bool.

    Raises:
      TracedFlagError: ``value`` is a tracer; the message gives the fix for the JAX
        transformation that traced it (``jax.eval_shape``, ``jax.jit`` or another).
    """
    if isinstance(value, jax.core.Tracer):
        raise TracedFlagError(owner, arg, _called_transform())
    return bool(np.asarray(value))


_JAX_DIR = os.path.dirname(jax.__file__)


def _called_transform() -> str | None:
    """``"eval_shape"`` or ``"jit"``: the innermost JAX API that user code called (the calls
    jaxscope makes itself, such as ``init``'s ``eval_shape``, are skipped); None for others."""
    names: list[str] = []
    f = sys._getframe(2)
    while f is not None:
        file = f.f_code.co_filename
        if file.startswith(_JAX_DIR):
            names.append(f.f_code.co_name)
        elif names and not file.startswith(frame.PKG_DIR):  # user code called these jax frames
            if "eval_shape" in names:
                return "eval_shape"
            if "cache_miss" in names or "jit_trace" in names or "_infer_params" in names:
                return "jit"
            return None
        else:
            names = []
        f = f.f_back
    return None


def _initialize(fn, provided, rng, args, kwargs, allow_unused) -> dict[str, Any]:
    """``provided`` plus initial values for every variable of ``fn`` that it lacks."""
    if rng is None:
        raise TypeError(
            "init needs a PRNG key for the random initializers: f.init(jax.random.key(0), ...)"
        )
    collect = new_frame(frame.COLLECT)
    collect.rng = body_rng = jax.random.fold_in(rng, _INIT_SALT)

    consts: dict[str, Any] = {}  # CONST variables' concrete initial values (None: traced)

    def run():
        with frame.running(collect), handle_errors():
            try:
                fn(*args, **kwargs)
                for var, kind, _ in collect.specs:
                    if kind == CONST:
                        value = collect.initial.get(var._node, var._value)
                        consts[var._node] = value if _is_concrete(value) else None
            finally:
                collect.release(everything=True)  # no tracer may outlive eval_shape

    jax.eval_shape(run)
    variables = collect.variables
    kept: dict[str, Any] = {}
    if provided:
        _check_collections(provided)
        check = new_frame(frame.APPLY, provided=provided)
        placeholders = 0  # abstract leaves (jax.eval_shape): missing values, to be initialized
        for node, var in variables.items():
            found = check.find(node, "params" if var._trainable else "state")
            if isinstance(found, jax.ShapeDtypeStruct):
                placeholders += 1
            elif found is not frame.MISSING:
                lookup(check, var, found)  # the same shape / dtype / collection checks as apply
                kept[node] = found
        leaves = len(jax.tree_util.tree_leaves(provided))
        if not allow_unused and len(kept) + placeholders != leaves:
            raise UnusedVariablesError(
                [n for n in leaf_names(provided) if n.split("/", 1)[1] not in kept]
            )
    specs = [spec for spec in collect.specs if spec[0]._node not in kept]
    values = dict(kept)
    values.update(initial_values(specs, rng))
    again = False
    for var, kind, _ in specs:
        if kind == CONST:
            value = consts[var._node]
            if value is not None:
                values[var._node] = jnp.asarray(value)
            else:
                again = True
    if again:
        fr = new_frame(frame.INIT, provided=_nest(variables, values))
        fr.rng = body_rng
        try:
            with frame.running(fr), handle_errors():
                fn(*args, **kwargs)
            variables = fr.variables
            values = {node: fr.initial.get(node, var._value) for node, var in variables.items()}
            values.update(kept)
        finally:
            fr.release()
    return _nest(variables, values)


_INIT_KEYS = object()  # _init_with_output's default body key: the one init gives the body


def _init_with_output(f: Transformed, rng, args, kwargs, body_rng: Any = _INIT_KEYS):
    """``(output, variables)``: one pass of the function where possible, else init + apply.

    ``body_rng`` seeds ``next_rng_key`` for the output (``to_linen`` passes linen's stream); when
    it is not init's key, a pass that draws keys and computes an initial value inline falls back
    too, so the variables stay ``init``'s.
    """
    fn, allow_unused = _program(f, "init_with_output")
    if rng is None:
        raise TypeError(
            "init needs a PRNG key for the random initializers: "
            "f.init_with_output(jax.random.key(0), ...)"
        )
    own = jax.random.fold_in(rng, _INIT_SALT)
    keys = own if body_rng is _INIT_KEYS else body_rng
    fr = new_frame(frame.COLLECT)  # COLLECT's checks (tree conflicts) and its specs
    fr.rng = keys
    fr.draw = (rng, get_opaque_trace_state())
    try:
        try:
            with frame.running(fr), handle_errors():
                out = fn(*args, **kwargs)
            one = keys is own or not fr.rng_count or all(k != CONST for _, k, _ in fr.specs)
        except frame.NotOnePass:
            one = False
        if one:
            out = jax.tree_util.tree_map(_rebuilt, out, is_leaf=_is_handle)
            values = {node: fr.initial.get(node, var._value) for node, var in fr.variables.items()}
            return out, _nest(fr.variables, values)
    finally:
        fr.release()
    variables = _initialize(fn, {}, rng, args, kwargs, allow_unused)
    out, _ = f.apply(variables, *args, rng=keys, mutable=True, **kwargs)
    return out, variables


def initialize_missing(f: Transformed, variables, rng, *args, **kwargs) -> dict[str, Any]:
    """Fills in the variables that a partial tree lacks; every given value is kept as it is.

    For fine-tuning: restore a pretrained body, then initialize only the new head. Given values
    are checked like ``apply`` checks them (shape, dtype, collection; entries the program never
    uses are an error unless ``transform(..., allow_unused=True)``). New values are the ones
    ``f.init(rng, ...)`` would give them (each variable's key depends only on ``rng`` and its name).

    Args:
      f: the transformed function.
      variables: the partial tree (``{"params": ..., "state": ...}``); not mutated.
      rng: as for ``f.init``.
      *args: as for ``f.init``.
      **kwargs: as for ``f.init``.

    Returns:
      A new, complete tree.

    Example:
      >>> import jax, jaxscope as js
      >>> def model(x):
      ...     body = js.get_variable("body/w", [3, 3])
      ...     return x @ body @ js.get_variable("head/w", [3, 2])
      >>> f = js.transform(model)
      >>> x = jax.numpy.ones([1, 3])
      >>> pretrained = {"params": {"body": f.init(jax.random.key(1), x)["params"]["body"]}}
      >>> variables = js.initialize_missing(f, pretrained, jax.random.key(0), x)
      >>> variables["params"]["body"]["w"] is pretrained["params"]["body"]["w"]
      True
      >>> variables["params"]["head"]["w"].shape
      (3, 2)

    TF1 equivalent: tf.compat.v1.variables_initializer(var_list) for the uninitialized ones
    """
    fn, allow_unused = _program(f, "initialize_missing")
    return _initialize(fn, variables, rng, args, kwargs, allow_unused)


def reinitialize(f: Transformed, variables, select, rng, *args, **kwargs) -> dict[str, Any]:
    """Re-initializes the selected variables and keeps every other value bit for bit.

    Args:
      f: the transformed function.
      variables: the current tree.
      select: the variables to re-initialize: a list of names (``"two_layers/h1/weights"``, a
        trailing ``:0`` is allowed), or a regex string matched from the start of each name (as
        TF1's ``get_collection(..., scope=...)``), or a predicate ``name -> bool``.
      rng: as for ``f.init``.
      *args: as for ``f.init``.
      **kwargs: as for ``f.init``.

    Returns:
      A new tree; the selected variables get the values ``f.init(rng, *args)`` would give them.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     return x @ js.get_variable("body/w", [3, 3]) @ js.get_variable("head/w", [3, 2])
      >>> f = js.transform(model)
      >>> x = jnp.ones([1, 3])
      >>> variables = f.init(jax.random.key(0), x)
      >>> new = js.reinitialize(f, variables, "head/", jax.random.key(1), x)
      >>> new["params"]["body"]["w"] is variables["params"]["body"]["w"]
      True
      >>> bool((new["params"]["head"]["w"] != variables["params"]["head"]["w"]).any())
      True

    TF1 equivalent: tf.compat.v1.variables_initializer([v_6, v_7, v_8])
    """
    fn, allow_unused = _program(f, "reinitialize")
    if isinstance(select, str):
        pattern = re.compile(select)
        chosen = lambda name: pattern.match(name) is not None  # noqa: E731
    elif callable(select):
        chosen = select
    else:
        names = {n.removesuffix(":0") for n in select}
        known = {n.split("/", 1)[1] for n in leaf_names(variables)}
        if names - known:
            raise UnknownVariableError(
                f"reinitialize: no variable named {', '.join(map(repr, sorted(names - known)))}",
                sorted(known),
            )
        chosen = names.__contains__
    kept = {}
    all_names = leaf_names(variables)
    for leaf in all_names:
        collection, name = leaf.split("/", 1)
        if not chosen(name):
            kept[name] = (collection, _get(variables[collection], name))
    if len(kept) == len(all_names):  # a selection that picks nothing is almost surely a typo
        raise UnknownVariableError(
            f"reinitialize: the selection {select!r} matches no variable",
            [n.split("/", 1)[1] for n in all_names],
        )
    tree: dict[str, Any] = {}
    for name, (collection, value) in kept.items():
        sub = tree.setdefault(collection, {})
        *parents, last = name.split("/")
        for p in parents:
            sub = sub.setdefault(p, {})
        sub[last] = value
    return _initialize(fn, tree, rng, args, kwargs, allow_unused)


def _program(f, what):
    try:
        return f.init._jaxscope
    except AttributeError:
        raise TypeError(
            f"{what} takes the Transformed returned by jaxscope.transform, got {type(f).__name__}."
        ) from None


def _get(tree, name):
    for part in name.split("/"):
        tree = tree[part]
    return tree


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
