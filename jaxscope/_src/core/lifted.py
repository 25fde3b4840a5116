"""``remat`` and ``vmap`` lifted over jaxscope variables: ``jax.checkpoint`` / ``jax.vmap`` around
a function that creates, reads (and for ``remat`` assigns) variables.

A function given to ``jax.checkpoint`` or ``jax.vmap`` directly would create its variables with
that transformation's tracers (which then leak), and would see every variable as a constant.
Here, as in :mod:`jaxscope._src.core.control_flow`, the function is traced once with the assignable
variables as explicit inputs (its variables are created by that trace, once); the transformation
then runs the traced function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
from jax.extend.core import ClosedJaxpr, jaxpr_as_fun

from jaxscope._src.core import frame
from jaxscope._src.core.bodies import _Body
from jaxscope._src.core.call_errors import VmapAssignError
from jaxscope._src.core.initial import DRAW


def _key(fr):
    """A key for the lifted body, if the call has one (one ``next_rng_key`` of the caller)."""
    if fr.rng is None:
        return None
    from jaxscope._src.core.random import next_rng_key

    return next_rng_key()


def _give_back_unused_key(fr, body, key, count: int) -> None:
    """If the body drew no random numbers, the caller's key stream is left as it was, so
    wrapping a function in ``remat`` / ``vmap`` changes no other random number."""
    if key is None:
        return
    jaxpr = body.closed.jaxpr
    key_var = jaxpr.invars[-1]
    if not any(v is key_var for eqn in jaxpr.eqns for v in eqn.invars) and not any(
        v is key_var for v in jaxpr.outvars
    ):
        fr.rng_count = count


def remat(
    fun: Callable,
    *,
    prevent_cse: bool = True,
    policy: Callable | None = None,
    static_argnums: int | Sequence[int] = (),
) -> Callable:
    """``jax.checkpoint`` for a function that uses jaxscope variables: its activations are
    recomputed in the backward pass instead of stored.

    Inside a transformed function (also inside :func:`jaxscope.scan` / ``while_loop`` bodies and
    ``jaxscope.nn.dynamic_rnn`` cells) ``fun`` may create variables (created once, where TF1
    would create them; names as without ``remat``), read them, and assign them (the assign is
    visible after the call, ``apply(..., mutable=...)``). ``jaxscope.next_rng_key()`` works in
    ``fun``: it draws from one key taken from the caller, so the recomputation in the backward
    pass sees the same random numbers (a ``fun`` that draws none takes no key: the random
    numbers outside it are the same as without ``remat``).

    Args:
      fun: the function; its non-static arguments must be arrays (or pytrees of arrays).
      prevent_cse, policy: as ``jax.checkpoint``.
      static_argnums: arguments passed through as Python values (not traced).

    Returns:
      A function with ``fun``'s signature.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):
      ...     block = js.remat(lambda x: js.layers.dense(x, 4, activation=jnp.tanh))
      ...     return jnp.sum(block(block(x)))
      >>> f = js.transform(model)
      >>> x = jnp.ones([2, 3])
      >>> variables = f.init(jax.random.key(0), x)
      >>> sorted(variables["params"])
      ['dense', 'dense_1']
      >>> grads = jax.jit(jax.grad(f.apply))(variables, x)
      >>> grads["params"]["dense_1"]["kernel"].shape
      (4, 4)

    TF1 equivalent: tf.recompute_grad (TF1 graphs had no general rematerialization)
    """
    static = {static_argnums} if isinstance(static_argnums, int) else set(static_argnums)

    @functools.wraps(fun)
    def wrapped(*args):
        fr = frame.current("remat")
        dynamic = [a for i, a in enumerate(args) if i not in static]

        def call(*dyn):
            it = iter(dyn)
            return fun(*(a if i in static else next(it) for i, a in enumerate(args)))

        count = fr.rng_count
        key = _key(fr)
        body = _Body(fr, call, dynamic, key, "remat")
        _give_back_unused_key(fr, body, key, count)
        carried0 = body.initial_carry()

        def run(dynamic, carried, key):
            return body(dynamic, carried, key, items=True)

        run = jax.checkpoint(run, prevent_cse=prevent_cse, policy=policy)
        out, new, items = run(dynamic, carried0, key)
        body.finish({**carried0, **new})
        body.set_items(items)  # the collection items fun computed: their values
        return out

    return wrapped


def _axes_per_arg(in_axes, n: int) -> list:
    if in_axes is None or isinstance(in_axes, int):
        return [in_axes] * n
    if isinstance(in_axes, (list, tuple)) and len(in_axes) == n:
        return list(in_axes)
    raise ValueError(
        f"vmap: in_axes must be an int, None, or a list/tuple with one entry per argument "
        f"({n} here); got {in_axes!r}."
    )


def _axis_size(args, axes, axis_size):
    for arg, ax in zip(args, axes, strict=True):
        if ax is not None:
            for leaf in jax.tree.leaves(arg):
                return jnp.shape(leaf)[ax]
    if axis_size is None:
        raise ValueError("vmap: every in_axes is None; pass axis_size=.")
    return axis_size


class _Stacked:
    """An initializer drawing ``n`` independent members: ``[n, *shape]`` from ``n`` keys."""

    def __init__(self, inner, n: int):
        self.inner, self.n = inner, n

    def __call__(self, key, shape, dtype):
        member = tuple(shape[1:])
        keys = jax.random.split(key, self.n)
        return jax.vmap(lambda k: jnp.asarray(self.inner(k, member, dtype), dtype))(keys)

    def __eq__(self, other):
        return isinstance(other, _Stacked) and (other.inner, other.n) == (self.inner, self.n)

    def __hash__(self):
        return hash((_Stacked, self.n, id(self.inner)))


class _VmapBody(_Body):
    """A ``_Body`` that keeps which regularization losses it computed outside the body."""

    def _file_items(self, items, n_args, n_values):
        self.lifted = super()._file_items(items, n_args, n_values)
        return self.lifted


def _member_losses(body, overrides, args, key) -> None:
    """A regularization loss of batched variables is the sum of every member's loss (each
    member is a model), not member 0's, which ``_Body`` computed."""
    if not overrides or not body.lifted:
        return
    index, values = list(overrides), [body.outer[n] for n in body.nodes]

    def member(stacked):
        consts = list(body.closed.consts)
        for i, value in zip(index, stacked, strict=True):
            consts[i] = value
        flat = jax.tree.leaves((args, values, key))
        outs = jaxpr_as_fun(ClosedJaxpr(body.closed.jaxpr, consts))(*flat)
        return jax.tree.unflatten(body.out_tree, outs)[3]

    items = jax.vmap(member)([overrides[i] for i in index])
    for collection, position, i in body.lifted:
        body._replace(collection, position, jnp.sum(items[i], axis=0))


def _check_variable_axes(variable_axes) -> frozenset:
    for collection, axis in (variable_axes or {}).items():
        if collection not in ("params", "state"):
            raise ValueError(
                f'vmap: variable_axes has {collection!r}; the collections are "params" and '
                '"state", e.g. variable_axes={"params": 0}.'
            )
        if axis not in (None, 0):
            raise NotImplementedError(
                f"vmap: variable_axes={{{collection!r}: {axis!r}}}: batched variables are "
                "stacked on axis 0 only. Use variable_axes={" + repr(collection) + ": 0} and "
                "move the axis after the call: jnp.moveaxis(w, 0, axis)."
            )
    return frozenset(c for c, axis in (variable_axes or {}).items() if axis == 0)


def _member_views(tree, prefix: str, known):
    """``tree`` with member 0 of every leaf not in ``known``: what one member's lookup sees."""
    if isinstance(tree, Mapping):
        return {k: _member_views(v, f"{prefix}{k}/", known) for k, v in tree.items()}
    if prefix[:-1] in known or jnp.ndim(tree) == 0:
        return tree
    return tree[0]


def _collection(var) -> str:
    return "params" if var._trainable else "state"


def _stack_created(fr, body, batched: frozenset, size: int, provided) -> dict[int, Any]:
    """Turns the batched variables ``body`` created into stacked ``[size, ...]`` variables.

    Returns {index of the body's constant holding one member's value: the stacked value}.
    """
    overrides = {}
    for node in body.created:
        var = fr.variables[node]
        if _collection(var) not in batched:
            continue
        member = var._value
        if fr.mode is frame.COLLECT:
            for i, (v, kind, init) in enumerate(fr.specs):
                if v is var and kind == DRAW:
                    fr.specs[i] = (v, kind, _Stacked(init, size))
        if member is None:  # collecting: drawn later, by the stacked initializer
            var._shape = (size, *var._shape)
            continue
        saved, fr.provided = fr.provided, provided
        fr._last_parent = None
        try:
            found = frame.MISSING if fr.mode is frame.COLLECT else fr.find(node, _collection(var))
        finally:
            fr.provided, fr._last_parent = saved, None
        if found is frame.MISSING:  # a value given in the program: every member starts with it
            found = jnp.broadcast_to(member, (size, *jnp.shape(member)))
        var._value, var._shape = found, tuple(jnp.shape(found))
        if node in fr.initial:  # assigned in fun: init returns the value before the assigns
            fr.initial[node] = found
        index = next((i for i, c in enumerate(body.closed.consts) if c is member), None)
        if index is not None:
            overrides[index] = found
    return overrides


def vmap(
    fun: Callable,
    in_axes: int | None | Sequence[Any] = 0,
    out_axes: Any = 0,
    *,
    variable_axes: dict[str, int | None] | None = None,
    split_rngs: bool = True,
    axis_size: int | None = None,
    axis_name: Any = None,
) -> Callable:
    """``jax.vmap`` for a function that uses jaxscope variables.

    Which variables are shared and which batched (flax's ``nn.vmap`` ``variable_axes``):

    * By default **every variable is shared** (broadcast) across the mapped axis: ``fun`` is the
      per-example model and all examples use the same weights, as a TF1 layer applied to a
      batch (flax: ``variable_axes={"params": None}``).
    * ``variable_axes={"params": 0}`` (and/or ``"state"``): the variables of that collection
      that ``fun`` **creates** are batched: stored stacked, ``[axis_size, *shape]`` under the
      name TF1 would give the one variable, each member drawn with its own key; inside ``fun``
      each example sees its own member with ``shape``. An ensemble of ``axis_size`` models.
      Variables created before the call stay shared. A batched variable's regularization loss
      is the sum of its members' losses (one entry in ``REGULARIZATION_LOSSES``).

    A batched variable may be assigned in ``fun``: each member gets its own example's assign
    (per-member state). An assign to a shared variable raises ``VmapAssignError`` (it would get
    one value per example).

    Args:
      fun: the per-example function.
      in_axes: an int or None for all arguments, or a list/tuple with one int/None per
        argument (the axis of every leaf of that argument).
      out_axes, axis_size, axis_name: as ``jax.vmap``.
      variable_axes: ``{collection: None or 0}``; None (default): shared; 0: batched.
      split_rngs: True (default): ``jaxscope.next_rng_key()`` in ``fun`` gives every example
        its own key (independent dropout masks, as TF1's dropout on a batch); False: one key
        for all examples.

    Returns:
      The batched function.

    Raises:
      VmapAssignError (a ``ValueError``) if ``fun`` assigns a shared variable.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def model(x):  # x: one example, [3]
      ...     w = js.get_variable("w", [3, 2])
      ...     return x @ w
      >>> f = js.transform(lambda xs: js.vmap(model)(xs))
      >>> xs = jnp.ones([5, 3])
      >>> variables = f.init(jax.random.key(0), xs)
      >>> jax.tree.map(jnp.shape, variables), f.apply(variables, xs).shape
      ({'params': {'w': (3, 2)}}, (5, 2))
      >>> ensemble = js.transform(lambda xs: js.vmap(model, variable_axes={"params": 0})(xs))
      >>> jax.tree.map(jnp.shape, ensemble.init(jax.random.key(0), xs))
      {'params': {'w': (5, 3, 2)}}

    TF1 equivalent: none (TF1 batched by hand; tf.vectorized_map is TF2's)
    """
    batched = _check_variable_axes(variable_axes)

    @functools.wraps(fun)
    def wrapped(*args):
        fr = frame.current("vmap")
        axes = _axes_per_arg(in_axes, len(args))
        size = _axis_size(args, axes, axis_size)

        def one(arg, ax):
            if ax is None:
                return arg
            return jax.tree.map(lambda x: jnp.take(jnp.asarray(x), 0, axis=ax), arg)

        example = [one(a, ax) for a, ax in zip(args, axes, strict=True)]
        count = fr.rng_count
        key = _key(fr)
        provided = fr.provided
        if batched and fr.mode is not frame.COLLECT:  # one member's view, for get_variable
            known = set(fr.variables)
            fr.provided = {c: (_member_views(t, "", known) if c in batched else t)
                           for c, t in provided.items()}  # fmt: skip
            fr._last_parent = None
        fr.mapped_axes += 1  # a layer in the body sees one example: TF1's ranks count the batch
        try:
            body = _VmapBody(fr, fun, example, key, "vmap")
        finally:
            fr.provided, fr._last_parent = provided, None
            fr.mapped_axes -= 1
        _give_back_unused_key(fr, body, key, count)
        own = {n for n in body.created if _collection(fr.variables[n]) in batched}
        shared = [n for n in body.assigned if n not in own]
        if shared:
            raise VmapAssignError(shared)
        overrides = _stack_created(fr, body, batched, size, provided) if batched else {}
        _member_losses(body, overrides, example, key)
        keys = None if key is None or not split_rngs else jax.random.split(key, size)
        index = list(overrides)

        def run(args, k, members):
            out, new, items = body(args, {}, k, dict(zip(index, members, strict=True)), True)
            return out, [new[n] for n in body.assigned], items

        mapped = jax.vmap(
            run, in_axes=(axes, None if keys is None else 0, 0), out_axes=(out_axes, 0, 0),
            axis_size=size, axis_name=axis_name,
        )  # fmt: skip
        out, new, items = mapped(
            list(args), key if keys is None else keys, [overrides[i] for i in index]
        )
        for n, value in zip(body.assigned, new, strict=True):  # each member's own assign
            fr.variables[n]._value = value
        body.set_items(items)  # the collection items fun computed: one per example, stacked
        return out

    return wrapped
