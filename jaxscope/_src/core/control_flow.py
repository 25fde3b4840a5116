"""``while_loop``, ``cond``, ``scan``, ``map_fn``: TF1's control flow, whose bodies may create and
assign variables (a ``jax.lax`` body may do neither: its tracers would leak).

How (the body runner lives in ``bodies``): the body is traced once (``jax.make_jaxpr``), as
TF1 built it once into the graph, with every variable of a mutable collection passed in as an
input. That one trace

* creates the body's variables, once, for the whole call (TF1 too): later iterations share them;
* tells which variables the body assigns (its outputs that are not its inputs);
* leaves no tracer behind: the handles get their values from before the trace back.

The loop then runs the traced body (``eval_jaxpr``) with the assigned variables in its carry, so
each iteration reads the previous one's assigns, and after the loop the handles hold the final
values (``apply(..., mutable=...)`` returns them). ``next_rng_key`` inside a body gives a fresh key
per iteration.

Collections written in a body reach the caller as in TF1: a regularization loss that depends on
variables only is computed outside the body (TF1 lifted a ``get_variable`` regularizer's loss out
with ``init_scope``; jaxscope also lifts a layer weight's, which TF1 left unusable in the body);
any other value computed in a ``cond`` branch is that branch's value if it ran (NaN if not: TF1
fails at run time); one computed in a loop body is a :class:`LoopTensor` whose use raises
``LoopTensorError`` (TF1: "Cannot use ... because it is in a while loop").
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.core import Tracer

from jaxscope._src.core import frame
from jaxscope._src.core.bodies import _Body, _loop_key, _step_key
from jaxscope._src.core.call_errors import LoopConditionAssignError
from jaxscope._src.core.scope import name_scope


def _missing(shape, dtype):
    """The value of an item of a branch that did not run: NaN (the lowest int, False)."""
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.full(shape, jnp.nan, dtype)
    fill = False if dtype == jnp.bool_ else jnp.iinfo(dtype).min
    return jnp.full(shape, fill, dtype)


def _merge(*bodies):
    assigned = []
    for b in bodies:
        assigned += [n for n in b.assigned if n not in assigned]
    return assigned


def _like(new, old):
    return jax.tree.map(lambda n, o: jnp.asarray(n, jnp.asarray(o).dtype), new, old)


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
    maximum_iterations=None,
    return_same_structure=False,
):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; bodies may create and
    assign variables.

    A ``get_variable`` in ``body`` or ``cond`` creates its variable once (the body is traced
    once, as TF1 built it once) and every iteration shares it. An assign in the body is carried
    to the next iteration and to the code after the loop (in ``init``, and in ``apply`` with
    ``mutable=``), also under ``jax.jit``. ``next_rng_key()`` in the body gives each iteration
    its own key.

    Args:
      cond: ``(*loop_vars) -> bool scalar``.
      body: ``(*loop_vars) -> new loop_vars`` (same structure, shapes and dtypes).
      loop_vars: a list/tuple of arrays (or nested structures).
      maximum_iterations: stop after this many iterations at most (a negative one: none, as
        TF1). A Python int (with
        ``back_prop=True``, the default) makes the loop reverse-differentiable, as TF1's: it
        runs as a ``jax.lax.scan`` of ``maximum_iterations`` steps whose steps after ``cond``
        turns false do nothing (in ~sqrt(n) blocks that a finished loop skips whole). Without
        it the loop is a ``jax.lax.while_loop``, which
        ``jax.grad`` cannot differentiate (forward-mode ``jax.jvp`` works).
      back_prop: False keeps a bounded loop a ``jax.lax.while_loop`` (no gradients, and no
        steps run past the end).
      shape_invariants, parallel_iterations, swap_memory, name: accepted for TF1
        compatibility; no effect.
      return_same_structure: as TF1: if False, a single loop variable comes back unwrapped.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def f():
      ...     step = js.get_variable("step", [], jnp.int32, trainable=False)
      ...     def body(i, total):
      ...         w = js.get_variable("w", [], initializer=js.constant_initializer(2.0))
      ...         step.assign_add(1)
      ...         return i + 1, total + w
      ...     return js.while_loop(lambda i, t: i < 3, body, [0, 0.0])
      >>> f = js.transform(f)
      >>> variables = f.init(jax.random.key(0))
      >>> (i, total), new = jax.jit(lambda v: f.apply(v, mutable=True))(variables)
      >>> int(i), float(total), int(new["state"]["step"])
      (3, 6.0, 3)

    TF1 equivalent: tf.compat.v1.while_loop
    """
    del shape_invariants, parallel_iterations, swap_memory
    with name_scope(name, "while"):  # TF1 builds the loop's ops under "while/"
        return _while_loop(cond, body, loop_vars, back_prop, maximum_iterations,
                           return_same_structure)  # fmt: skip


def _while_loop(cond, body, loop_vars, back_prop, maximum_iterations, return_same_structure):
    fr = frame.current("while_loop")
    single = not isinstance(loop_vars, (list, tuple))
    packed = [loop_vars] if single else list(loop_vars)
    packed = jax.tree.map(jnp.asarray, packed)
    key = _loop_key(fr)
    k0 = _step_key(key, 0)
    cond_body = _Body(fr, cond, packed, k0, "while_loop cond")
    body_body = _Body(fr, lambda *a: _as_list(body(*a), len(packed)), packed, k0, "while_loop body")
    if cond_body.assigned:
        raise LoopConditionAssignError(cond_body.assigned)
    carried0 = body_body.initial_carry()

    def cond_fn(carry):
        lv, carried, i = carry
        ok, _ = cond_body(lv, carried, _step_key(key, i))
        ok = jnp.asarray(ok).reshape(())
        if maximum_iterations is not None:
            ok = jnp.logical_and(ok, i < maximum_iterations)
        return ok

    def body_fn(carry):
        lv, carried, i = carry
        out, new = body_body(lv, carried, _step_key(key, i))
        return _like(out, lv), {**carried, **new}, i + 1

    carry = (packed, carried0, jnp.int32(0))
    if back_prop and maximum_iterations is not None and not isinstance(maximum_iterations, Tracer):
        # A bounded loop as a scan whose steps past the end do nothing: reverse-differentiable
        # (lax.while_loop is not), as TF1's while_loop is. The steps are grouped in ~sqrt(n)
        # blocks and a finished loop skips whole blocks, so a generous maximum_iterations (a
        # safety bound, as TF1 code often sets it) costs ~sqrt(n) checks after the end, not n.
        def step(carry, _):
            return jax.lax.cond(cond_fn(carry), body_fn, lambda c: c, carry), None

        def run_block(carry):
            return jax.lax.scan(step, carry, None, length=size)[0]

        def block(carry, _):
            return jax.lax.cond(cond_fn(carry), run_block, lambda c: c, carry), None

        n = max(0, int(maximum_iterations))  # TF1: a negative bound runs no iteration
        size = max(1, math.isqrt(n))
        (lv, carried, _), _ = jax.lax.scan(block, carry, None, length=-(-n // size))
    else:
        lv, carried, _ = jax.lax.while_loop(cond_fn, body_fn, carry)
    body_body.finish(carried)
    if single or (len(lv) == 1 and not return_same_structure):
        return lv[0]
    return type(loop_vars)(lv) if isinstance(loop_vars, tuple) else lv


def _as_list(out, n):
    if n == 1 and not isinstance(out, (list, tuple)):
        return [out]
    if not isinstance(out, (list, tuple)) or len(out) != n:
        raise ValueError(
            f"while_loop: body must return as many loop variables as it takes ({n}), got {out!r}."
        )
    return list(out)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``; the branches may create and assign variables.

    Both branches are traced (TF1 built both into the graph), so a variable created in either
    one exists after the call whichever branch runs, as in TF1; an assign in the branch that
    runs is visible after the call (``apply(..., mutable=...)``).

    Args:
      pred: a scalar bool (traced or not).
      true_fn: the branch for True (no arguments).
      false_fn: the branch for False (no arguments).
      strict: keep a one-element list as a list.
      name: accepted for TF1's signature.
      fn1: TF1's deprecated name of ``true_fn``.
      fn2: TF1's deprecated name of ``false_fn``.

    Returns:
      The taken branch's outputs (same structure in both branches); a one-element list is
      unwrapped unless ``strict=True``, as TF1.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def f(x):
      ...     n = js.get_variable("n", [], jnp.int32, trainable=False)
      ...     return js.cond(x > 0, lambda: n.assign_add(1), lambda: n + 0)
      >>> f = js.transform(f)
      >>> variables = f.init(jax.random.key(0), 1.0)
      >>> out, new = f.apply(variables, 1.0, mutable=True)
      >>> int(out), int(new["state"]["n"])
      (1, 1)

    TF1 equivalent: tf.compat.v1.cond
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not (callable(true_fn) and callable(false_fn)):
        raise TypeError("cond: true_fn and false_fn must be callables taking no arguments.")
    fr = frame.current("cond")
    key = _loop_key(fr)
    with name_scope(name, "cond"):  # both branches under "cond/", as TF1 builds them
        branches = [
            _Body(fr, fn, (), key, w)
            for fn, w in ((true_fn, "cond true_fn"), (false_fn, "cond false_fn"))
        ]
    assigned = _merge(*branches)
    carried0 = {}
    for b in branches:
        for n, v in b.initial_carry().items():
            carried0.setdefault(n, v)

    # A collection item computed in a branch: its value if that branch ran (TF1's is usable
    # outside the cond), else NaN (TF1 fails at run time: "Retval does not have value").
    shapes = [[(x.shape, x.dtype) for x in b.inner_shapes()] for b in branches]

    def run(j):
        def go(carried):
            out, new, items = branches[j]((), carried, key, items=True)
            fills = [items if i == j else [_missing(*a) for a in shapes[i]] for i in range(2)]
            return out, {n: new.get(n, carried[n]) for n in assigned}, fills

        return go

    out, carried, items = jax.lax.cond(jnp.asarray(pred).reshape(()), run(0), run(1),
                                       carried0)  # fmt: skip
    branches[0].finish(carried)
    for b, values in zip(branches, items, strict=True):
        b.set_items(values)
    if not strict and isinstance(out, (list, tuple)) and len(out) == 1:
        return out[0]
    return out


def scan(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    reverse=False,
    name=None,
):
    """TF1's scan: ``a = fn(a, x)`` for each ``x`` of ``elems`` (axis 0), returning every ``a``
    stacked; ``fn`` may create and assign variables (created once, assigns carried).

    Argument order is TF1's (``fn(accumulator, element)``, ``elems``, ``initializer``); the
    ``jax.lax.scan`` equivalent of ``js.scan(fn, xs, init)`` is
    ``lax.scan(lambda a, x: (fn(a, x),) * 2, init, xs)[1]``. Without ``initializer`` the first
    element is the initial accumulator and the first output, as in TF1.

    Args:
      fn: ``(accumulator, element) -> accumulator``.
      elems: an array or a pytree of arrays, unstacked along axis 0.
      initializer: the first accumulator (default: the first element).
      parallel_iterations: accepted for TF1's signature; no effect.
      back_prop: accepted for TF1's signature; gradients always flow.
      swap_memory: accepted for TF1's signature; no effect.
      infer_shape: accepted for TF1's signature; no effect.
      reverse: scan from the last element to the first.
      name: accepted for TF1's signature.

    Returns:
      Every accumulator, stacked along a new axis 0.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.scan(lambda a, e: a + e, x))
      >>> f.apply({}, jnp.arange(4.0))
      Array([0., 1., 3., 6.], dtype=float32)

    TF1 equivalent: tf.compat.v1.scan
    """
    del parallel_iterations, back_prop, swap_memory, infer_shape
    with name_scope(name, "scan"), name_scope("while"):  # TF1: a while_loop in "scan/"
        return _scan(fn, elems, initializer, reverse)


def _scan(fn, elems, initializer, reverse):
    fr = frame.current("scan")
    elems = jax.tree.map(jnp.asarray, elems)
    if reverse:
        elems = jax.tree.map(lambda x: jnp.flip(x, 0), elems)
    first = None
    if initializer is None:
        first = jax.tree.map(lambda x: x[0], elems)
        initializer, elems = first, jax.tree.map(lambda x: x[1:], elems)
    initializer = jax.tree.map(jnp.asarray, initializer)
    n = jax.tree.leaves(elems)[0].shape[0]
    key = _loop_key(fr)
    x0 = jax.tree.map(lambda x: x[0] if x.shape[0] else jnp.zeros(x.shape[1:], x.dtype), elems)
    body = _Body(fr, fn, (initializer, x0), _step_key(key, 0), "scan fn")

    def step(carry, xs):
        acc, carried = carry
        i, x = xs
        out, new = body((acc, x), carried, _step_key(key, i))
        out = _like(out, acc)
        return (out, {**carried, **new}), out

    (_, carried), outs = jax.lax.scan(
        step, (initializer, body.initial_carry()), (jnp.arange(n, dtype=jnp.int32), elems)
    )
    body.finish(carried)
    if first is not None:
        outs = jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), first, outs)
    if reverse:
        outs = jax.tree.map(lambda x: jnp.flip(x, 0), outs)
    return outs


def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
    fn_output_signature=None,
):
    """``fn`` applied to each element of ``elems`` (axis 0), results stacked; ``fn`` may create
    and assign variables (created once, assigns carried from element to element, in order).

    Args:
      fn: ``element -> result`` (a pytree of arrays).
      elems: an array or a pytree of arrays, unstacked along axis 0.
      dtype: accepted for TF1's signature (the results' dtypes are ``fn``'s).
      parallel_iterations: accepted for TF1's signature; no effect.
      back_prop: accepted for TF1's signature; gradients always flow.
      swap_memory: accepted for TF1's signature; no effect.
      infer_shape: accepted for TF1's signature; no effect.
      name: accepted for TF1's signature.
      fn_output_signature: accepted for TF1's signature, as ``dtype``.

    Returns:
      The results stacked along a new axis 0.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> f = js.transform(lambda x: js.map_fn(lambda e: e * 2, x))
      >>> f.apply({}, jnp.arange(3.0))
      Array([0., 2., 4.], dtype=float32)

    TF1 equivalent: tf.compat.v1.map_fn
    """
    del dtype, parallel_iterations, back_prop, swap_memory, infer_shape
    del fn_output_signature
    with name_scope(name, "map"), name_scope("while"):  # TF1: a while_loop in "map/"
        return _map_fn(fn, elems)


def _map_fn(fn, elems):
    fr = frame.current("map_fn")
    elems = jax.tree.map(jnp.asarray, elems)
    n = jax.tree.leaves(elems)[0].shape[0]
    key = _loop_key(fr)
    x0 = jax.tree.map(lambda x: x[0], elems)
    body = _Body(fr, fn, (x0,), _step_key(key, 0), "map_fn fn")

    def step(carried, xs):
        i, x = xs
        out, new = body((x,), carried, _step_key(key, i))
        return {**carried, **new}, out

    carried, outs = jax.lax.scan(
        step, body.initial_carry(), (jnp.arange(n, dtype=jnp.int32), elems)
    )
    body.finish(carried)
    return outs


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The function of the first true predicate, else ``default()``: nested :func:`cond`, so
    every branch may create and assign variables.

    Args:
      pred_fn_pairs: a list of ``(pred, fn)`` pairs (or a dict), checked in order.
      default: called when no predicate holds; if None, the last pair's function (TF1).
      exclusive: accepted for TF1 compatibility; the "at most one true" check is not done
        (XLA cannot raise at run time).
      strict, name: as :func:`cond`.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def f(x):
      ...     return js.case([(x < 0, lambda: -1), (x < 10, lambda: 1)], default=lambda: 2)
      >>> [int(js.transform(f).apply({}, x)) for x in (-5, 5, 50)]
      [-1, 1, 2]

    TF1 equivalent: tf.compat.v1.case
    """
    del exclusive
    with name_scope(name, "case"):  # TF1's nested conds: case/cond/, case/cond/cond/, ...
        return _case(pred_fn_pairs, default, strict)


def _case(pred_fn_pairs, default, strict):
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("case: pred_fn_pairs is empty and there is no default.")
        return default()
    if default is None:
        *pairs, (_, default) = pairs
    fn = default
    for pred, branch in reversed(pairs):
        fn = (lambda p, b, rest: lambda: cond(p, b, rest, strict=strict))(pred, branch, fn)
    return fn()
