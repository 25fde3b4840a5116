"""The errors of running a transformed function: values given to ``apply``, assigns,
handles, rng keys, loops and lifted transforms (one class per error; each also
subclasses the builtin TF1 raised)."""

from __future__ import annotations

from jaxscope._src.core.errors import _at, _created, _fmt_shape
from jaxscope._src.errors import JaxscopeError


class MissingVariableError(JaxscopeError, LookupError):
    """``apply`` needs a variable that the given ``variables`` tree does not hold.

    The functional analog of TF1's "Attempting to use uninitialized value".

    Subclasses ``LookupError``.
    """

    def __init__(self, name: str, collection: str, created_at: str | None, available: list[str]):
        self.name = name
        near = ", ".join(available[:8]) + (", ..." if len(available) > 8 else "")
        path = "".join(f"[{p!r}]" for p in [collection, *name.split("/")])
        super().__init__(
            f'apply() needs variable "{name}" ({_created(created_at)}), but '
            f"variables{path} does not exist. The tree holds: {near or 'nothing'}.\n"
            "Build the tree with variables = f.init(rng, *args) on the same function, or fill in "
            "the missing entries before calling apply."
        )

    def __str__(self) -> str:  # LookupError subclasses would otherwise print repr()
        return self.args[0]


class ValueMismatchError(JaxscopeError, ValueError):
    """``apply`` got a value whose shape or dtype differs from what the program asks for.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, what: str, given, expected, created_at: str | None):
        self.name = name
        super().__init__(
            f'variables entry for "{name}" has {what} {given}, but the program declares {what} '
            f"{expected}{_at(created_at)}. Restore a matching value, or re-initialize it with "
            "f.init."
        )


class InvalidVariableValueError(JaxscopeError, TypeError):
    """A ``variables`` entry that the program reads is not an array (a list, string, placeholder).

    Arrays (JAX, numpy, numpy scalars, tracers) and Python numbers are values; anything else is
    refused here, before it reaches the model's arithmetic.

    Subclasses ``TypeError``.
    """

    def __init__(self, name: str, collection: str, value):
        self.name, self.value = name, value
        path = "".join(f"[{p!r}]" for p in [collection, *name.split("/")])
        if hasattr(value, "shape") and hasattr(value, "dtype"):  # not an array: a placeholder
            what = (
                f"an abstract placeholder {value} (from jax.eval_shape, e.g. left by a "
                "restore_tf1(..., strict=False) of a variable the checkpoint lacks)"
            )
            fix = "Initialize it: variables = jaxscope.initialize_missing(f, variables, rng, *args)"
        else:
            what = f"a {type(value).__name__}, not an array"
            fix = f"Store an array there: variables{path} = jnp.asarray(value)"
        super().__init__(f'variables{path} (variable "{name}") is {what}.\n{fix}')


class MutableArgumentError(JaxscopeError, TypeError, ValueError):
    """``apply``'s ``mutable=`` is not True/False or a collection list (a ``TypeError`` for a wrong
    type, and a ``ValueError`` too, for an unknown collection name, as before)."""

    def __init__(self, mutable, problem: str):
        super().__init__(
            f"apply(..., mutable={mutable!r}): {problem}. mutable= takes True (any collection), "
            "False, or a list of collections of the variables tree:\n"
            "    out, variables = f.apply(variables, *args, mutable=True)\n"
            "    out, variables = f.apply(variables, *args, mutable=['state'])"
        )


class UnusedVariablesError(JaxscopeError, ValueError):
    """``apply`` got variables that the program never asked for (often a typo in a restored tree).

    Subclasses ``ValueError``.
    """

    def __init__(self, names: list[str]):
        self.names = names
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        super().__init__(
            f"apply() got {len(names)} variable(s) the program never uses: {shown}. A typo in a "
            "restored or renamed tree would silently leave the real variable untrained.\n"
            "Remove them, or allow extras with jaxscope.transform(fn, allow_unused=True)."
        )


class AssignShapeError(JaxscopeError, ValueError):
    """An assign or scatter value does not fit the variable's shape (TF1: ``ValueError``)."""

    def __init__(self, name: str, op: str, shape, expected, fix: str):
        self.name, self.shape, self.expected = name, shape, expected
        super().__init__(
            f'{op} to variable "{name}": the value has shape {_fmt_shape(shape)}, but {expected}.'
            f"\n{fix}"
        )


class AssignDtypeError(JaxscopeError, TypeError):
    """An assign value or index has the wrong dtype; TF1 never casts (``TypeError``)."""

    def __init__(self, name: str, op: str, what: str, dtype, expected):
        self.name, self.dtype, self.expected = name, dtype, expected
        fix = (
            "Pass int32 or int64 indices: jnp.asarray(indices, jnp.int32)."
            if what == "the indices"
            else f"Cast it yourself: value.astype(jnp.{expected})."
        )
        super().__init__(
            f'{op} to variable "{name}": {what} has dtype {dtype}, but {expected} is needed, and '
            f"TF1 never casts here.\n{fix}"
        )


class ScatterIndexError(JaxscopeError, IndexError):
    """A scatter index is outside ``[0, rows)`` (TF1: ``InvalidArgumentError`` at run time).

    Subclasses ``IndexError``.
    """

    def __init__(self, name: str, op: str, index: int, rows: int, position=()):
        self.name, self.index, self.rows, self.position = name, index, rows, tuple(position)
        at = f"[{','.join(str(int(i)) for i in self.position)}]" if self.position else ""
        super().__init__(
            f'{op} to variable "{name}": indices{at} = {index} is not in [0, {rows}). TF1 does '
            "not wrap negative indices either. Fix the indices (e.g. jnp.where(i < 0, i + rows, i))."
        )


class StaleVariableError(JaxscopeError, RuntimeError):
    """A variable handle was used after the ``init``/``apply`` call that made it.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, name: str, op: str):
        self.name = name
        super().__init__(
            f'{op} of variable "{name}": this handle belongs to another init/apply call (it '
            "escaped the function that created it). Fetch the variable again inside the current "
            "call with jaxscope.get_variable."
        )


class TracedHandleError(JaxscopeError, RuntimeError):
    """A handle that a JAX transformation rebuilt from its arguments has no name.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, op: str, shape, dtype):
        super().__init__(
            f"{op} of a variable handle (shape {tuple(shape)}, {dtype}) that a JAX transformation "
            "(jax.jit, grad, vmap, ...) rebuilt from its arguments. A handle's name is not part "
            "of its traced structure (so that jnp functions and your own jitted functions are not "
            "retraced for each variable), so it is not known here. Use names outside the "
            "transformation, or pass them as static arguments:\n"
            '    jax.jit(fn, static_argnames="name")(w.value, name=w.name)'
        )


class ImmutableVariableError(JaxscopeError, RuntimeError):
    """``apply`` was not allowed to change the collection of an assigned variable.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, name: str, op: str, collection: str, mutable):
        self.name, self.collection = name, collection
        allowed = "nothing" if not mutable else f"only {sorted(mutable)}"
        super().__init__(
            f'{op} to variable "{name}" (in variables[{collection!r}]) inside apply(), which may '
            f"change {allowed}. apply() is pure: it returns the new values instead of mutating "
            "its input. Ask for them:\n"
            f"    out, variables = f.apply(variables, *args, mutable=True)          # any variable\n"
            f"    out, variables = f.apply(variables, *args, mutable=[{collection!r}])"
        )


class UnknownVariableError(JaxscopeError, ValueError):
    """A selection names variables that the tree (or program) does not hold, or matches none.

    Subclasses ``ValueError``.
    """

    def __init__(self, problem: str, available: list[str], fix: str | None = None):
        near = ", ".join(available[:8]) + (", ..." if len(available) > 8 else "")
        super().__init__(
            f"{problem}. The variables are: {near or 'none'}.\n"
            + (fix or "Use the names without the collection ('dense/w', not 'params/dense/w'), "
               "or select by a scope regex string matched from the start: 'dense/'.")
        )  # fmt: skip


class MissingRngError(JaxscopeError, ValueError):
    """``next_rng_key`` was called in an ``apply`` that got no ``rng=``.

    Subclasses ``ValueError``.
    """

    def __init__(self):
        super().__init__(
            "jaxscope.next_rng_key() needs a key, but apply() was called without one. Pass it:\n"
            "    out = f.apply(variables, *args, rng=jax.random.key(step))"
        )


class RngInTransformError(JaxscopeError, RuntimeError):
    """``next_rng_key`` was called inside a JAX transformation opened within the function.

    A ``jax.lax.scan`` / ``fori_loop`` / ``while_loop`` / ``vmap`` body is traced once, so a
    key taken there would be the same at every step (TF1 drew afresh each iteration).

    Subclasses ``RuntimeError``.
    """

    def __init__(self):
        super().__init__(
            "jaxscope.next_rng_key() was called inside a jax transformation opened within the "
            "transformed function (jax.lax.scan, fori_loop, while_loop, vmap, cond, checkpoint, "
            "...). Its body is traced once, so every iteration would get the same key. Take one "
            "key outside and derive a key per step:\n"
            "    key = jaxscope.next_rng_key()\n"
            "    def body(carry, i):\n"
            "        step_key = jax.random.fold_in(key, i)\n"
            "        ...\n"
            "    jax.lax.scan(body, carry, jnp.arange(n))"
        )


class OutsideTransformError(JaxscopeError, RuntimeError):
    """A jaxscope function that needs a variable store was called outside ``transform``.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, what: str):
        super().__init__(
            f"jaxscope.{what} must be called inside a function transformed by jaxscope.transform "
            "(jaxscope keeps no global graph):\n"
            "    f = jaxscope.transform(model)\n"
            "    variables = f.init(jax.random.key(0), *args)\n"
            "    out = f.apply(variables, *args)"
        )


class LoopConditionAssignError(JaxscopeError, ValueError):
    """The condition of ``while_loop`` assigns a variable: a condition must only read.

    Subclasses ``ValueError``.
    """

    def __init__(self, names):
        listed = ", ".join(f'"{n}"' for n in names)
        super().__init__(
            f"while_loop: cond assigns {listed}; a loop condition must only read variables. "
            "Move the assign into body:\n"
            "    def body(i):\n"
            "        v.assign_add(1.0)\n"
            "        return i + 1\n"
            "    jaxscope.while_loop(lambda i: v < 3.0, body, [0])"
        )


class VmapAssignError(JaxscopeError, ValueError):
    """A function mapped with ``jaxscope.vmap`` assigns a variable: variables are shared across
    the mapped axis, so the assign would give one variable a different value per example.

    Subclasses ``ValueError``.
    """

    def __init__(self, names):
        self.names = list(names)
        listed = ", ".join(f'"{n}"' for n in self.names)
        super().__init__(
            f"jaxscope.vmap: the mapped function assigns {listed}, a variable shared by every "
            "example, so each example would assign its own value. Assign once, outside the "
            "vmap, from a reduction over the batch:\n"
            "    outs, stats = jaxscope.vmap(per_example)(xs)   # return the per-example value\n"
            "    var.assign(jnp.mean(stats, axis=0))"
        )


class LoopTensorError(JaxscopeError, ValueError):
    """A value computed inside a loop body (``while_loop``, ``scan``, ``map_fn``, ``dynamic_rnn``,
    ``raw_rnn``) and filed in a collection there is used after the loop.

    TF1: ``Cannot use 'while/mul' as input to 'add' because 'while/mul' is in a while loop.``

    Subclasses ``ValueError``.
    """

    def __init__(self, collection: str, body: str, name: str | None):
        self.collection, self.body = collection, body
        item = f'"{name}"' if name else "an item"
        super().__init__(
            f"{item} of collection {collection!r} was computed inside the {body}, so it "
            "has one value per iteration and none after the loop: it cannot be used outside "
            "(TF1 refuses too: 'Cannot use ... because it is in a while loop'). Return it from "
            "the body instead, e.g. as a loop variable:\n"
            "    def body(i, acc):\n"
            "        h = ...\n"
            "        return i + 1, acc + h"
        )


class HandleStructureError(JaxscopeError, TypeError, ValueError):
    """A variable handle went where jax compares pytree structures (a ``lax.scan`` /
    ``while_loop`` / ``fori_loop`` carry, ``lax.cond`` branch outputs, ``lax.reduce`` /
    ``reduce_window`` operands against their init values). A handle is a pytree holding one
    array, so its structure differs from the plain array on the other side.

    Subclasses ``TypeError`` and ``ValueError``.
    """

    def __init__(self, names: tuple[str, ...], where: str):
        self.names = names
        if len(names) == 1:
            var = f'variable "{names[0]}"'
        else:
            var = f"one of variables {', '.join(map(repr, names))}" if names else "a handle"
        short = names[0].rsplit("/", 1)[-1] if len(names) == 1 else "w"
        super().__init__(
            f"{where}: {var} was passed where jax compares pytree structures with a plain array "
            "(a lax.scan / while_loop / fori_loop carry, lax.cond branch outputs, lax.reduce / "
            "reduce_window operands). A jaxscope handle is a pytree holding one array, so pass "
            f"its value instead:\n    jnp.asarray({short})    # not {short}"
        )


class HandleAbstractionError(JaxscopeError, ValueError):
    """This jax cannot take a variable handle for a ``jax.lax`` operand (jaxscope registers
    handles with jax's value canonicalization; a jax without that hook refuses them).

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str | None):
        self.name = name
        var = f'variable "{name}"' if name else "a variable handle"
        short = name.rsplit("/", 1)[-1] if name else "w"
        super().__init__(
            f"{var} was passed to a jax primitive (jax.lax.*), and this jax version does not "
            "let jaxscope convert a handle there. Pass its value:\n"
            f"    jnp.asarray({short})    # e.g. jax.lax.conv_general_dilated(x, "
            f"jnp.asarray({short}), ...)"
        )


class TracedFlagError(JaxscopeError, TypeError):
    """A Python flag that selects the program (a layer's ``training=``) arrived as a tracer.

    Subclasses ``TypeError``.
    """

    _FIX = {
        "eval_shape": (
            "jax.eval_shape traced it: close over the flag instead of passing it,\n"
            "    jax.eval_shape(functools.partial(f.init, {arg}=False), rng, x)\n"
            "or list the variables without FLOPs: js.inspect(f, x, {arg}=False)"
        ),
        "jit": (
            "jax.jit traced it: make it static,\n"
            "    jax.jit(f.apply, static_argnames='{arg}')   # called with {arg}=True\n"
            "or close over it: jax.jit(functools.partial(f.apply, {arg}=True))"
        ),
        None: (
            "A JAX transformation (vmap, grad, scan, ...) or the model itself made it an array: "
            "pass a Python bool, closing over it where a transformation is applied,\n"
            "    functools.partial(f.apply, {arg}=True)"
        ),
    }

    def __init__(self, owner: str, arg: str, transform: str | None):
        self.owner, self.arg, self.transform = owner, arg, transform
        super().__init__(
            f"{owner}: {arg}= is a traced value, but it selects the program (batch statistics "
            "and updates, or not), so it must be a Python bool. "
            + self._FIX[transform].format(arg=arg)
        )


class VariableLookupError(JaxscopeError, LookupError):
    """``get_variable_value`` was asked for a name the variables tree does not hold.

    Subclasses ``LookupError``.
    """

    def __init__(self, name: str, close: list[str], known: int):
        self.name, self.close = name, close
        hint = f" Close names: {', '.join(map(repr, close))}." if close else ""
        super().__init__(
            f'No variable "{name}" in this variables tree ({known} variables).{hint}\n'
            "Names are TF1's, without the collection: js.get_variable_value(variables, "
            '"model/dense/kernel") (a trailing ":0" is allowed).'
        )


class VariableIndexError(JaxscopeError, IndexError, ValueError):
    """A concrete integer index of a variable (``v[7]``) is outside ``[-n, n)`` of its dimension.

    TF1 raises ``ValueError: slice index 7 of dimension 0 out of bounds`` when it builds the
    strided slice; numpy raises ``IndexError``: this class is both. jax alone would clamp the
    index and return the last row.
    """

    def __init__(self, name: str, shape, index: int, dim: int):
        self.name, self.shape, self.index, self.dim = name, tuple(shape), index, dim
        n = self.shape[dim]
        super().__init__(
            f'Variable "{name}" (shape {self.shape}): index {index} of dimension {dim} is out '
            f"of bounds; valid indices are -{n} ... {n - 1} (TF1 raises ValueError: slice index "
            f"{index} of dimension {dim} out of bounds; under jax.jit a traced index out of "
            f"range gives NaN, the fill value of its dtype, never another row). Keep it in "
            f"range; the last entry of dimension {dim} is index {n - 1}, or -1:\n"
            f"    v[{', '.join([':'] * dim + ['-1'])}]"
        )
