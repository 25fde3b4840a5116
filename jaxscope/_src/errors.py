"""jaxscope's one error hierarchy.

Every class subclasses :class:`JaxscopeError` *and* the builtin that TF1 raised for the same
situation (``ValueError`` for reuse, shape, dtype and name errors, ``TypeError`` for argument types,
``RuntimeError`` for nesting), so ported ``except ValueError:`` blocks keep working. Each message
says what happened, names the full variable name, shows both sides, says where the variable was
first created and gives the fix as code.
"""

from __future__ import annotations

import os
import re

_REUSE_FIX = (
    "To share it, open the enclosing scope with reuse:\n"
    "    with jaxscope.variable_scope(scope, reuse=True):            # must exist\n"
    "    with jaxscope.variable_scope(scope, reuse=jaxscope.AUTO_REUSE):  # create or share"
)


def where(created_at) -> str | None:
    """``file.py:12`` for a (filename, line) pair."""
    if not created_at:
        return None
    return f"{os.path.basename(created_at[0])}:{created_at[1]}"


def _at(created_at) -> str:
    return f"; created at {where(created_at)}" if created_at else ""


def _created(created_at) -> str:
    return f"created at {where(created_at)}" if created_at else "created by the program"


class JaxscopeError(Exception):
    """Base class of every error jaxscope raises."""


class VariableExistsError(JaxscopeError, ValueError):
    """``get_variable`` would create a variable that already exists while reuse is off.

    TF1: ``Variable v already exists, disallowed. Did you mean to set reuse=True or
    reuse=tf.AUTO_REUSE in VarScope?``
    """

    def __init__(self, name: str, shape, dtype, created_at: str | None):
        self.name = name
        super().__init__(
            f'Variable "{name}" already exists, disallowed (shape {tuple(shape)}, {dtype}'
            f"{_at(created_at)}), and the current variable scope does not reuse variables.\n"
            f"{_REUSE_FIX}\nTF1 equivalent: the same ValueError from tf.compat.v1.get_variable."
        )


class VariableNotFoundError(JaxscopeError, ValueError):
    """``get_variable`` under ``reuse=True`` asks for a variable that was never created.

    TF1: ``Variable v does not exist, or was not created with tf.get_variable()``.
    """

    def __init__(self, name: str, made_by_variable: str | None = None):
        self.name = name
        extra = (
            f" A variable of that name was created by jaxscope.Variable ({made_by_variable}), "
            "which never shares: create it with jaxscope.get_variable instead."
            if made_by_variable
            else ""
        )
        super().__init__(
            f'Variable "{name}" does not exist, or was not created with jaxscope.get_variable(), '
            f"but the current variable scope has reuse=True.{extra}\n"
            "To create it when missing, open the scope with "
            "jaxscope.variable_scope(scope, reuse=jaxscope.AUTO_REUSE), or create it first with "
            "reuse off."
        )


class ShapeMismatchError(JaxscopeError, ValueError):
    """A shared (reused) variable is asked for with an incompatible shape."""

    def __init__(self, name: str, shape, found_shape, created_at: str | None):
        self.name, self.shape, self.found_shape = name, shape, found_shape
        super().__init__(
            f'Trying to share variable "{name}", but specified shape {_fmt_shape(shape)} and '
            f"found shape {_fmt_shape(found_shape)}{_at(created_at)}.\n"
            f"Ask for the existing shape: get_variable({name.rsplit('/', 1)[-1]!r}, "
            f"{list(found_shape)}), or pass shape=None to skip the check."
        )


class DtypeMismatchError(JaxscopeError, ValueError):
    """A shared (reused) variable is asked for with another dtype.

    As in TF1, ``dtype=None`` means the scope's dtype (float32 by default), also on reuse.
    """

    def __init__(self, name: str, dtype, found_dtype, created_at: str | None):
        self.name, self.dtype, self.found_dtype = name, dtype, found_dtype
        super().__init__(
            f'Trying to share variable "{name}", but specified dtype {dtype} and found dtype '
            f"{found_dtype}{_at(created_at)}. dtype=None means the scope's dtype ({dtype} "
            f"here), as in TF1.\nAsk for the existing dtype: "
            f"get_variable({name.rsplit('/', 1)[-1]!r}, dtype=jnp.{found_dtype})."
        )


class InvalidNameError(JaxscopeError, ValueError):
    """A scope or variable name does not match TF1's name rules."""

    def __init__(self, name: str, pattern: str, kind: str):
        self.name = name
        super().__init__(
            f"{name!r} is not a valid {kind} name. A {kind} name has to match the pattern "
            f"{pattern} (letters, digits, '_', '.', '-', '>', '/' and '\\'; no spaces or ':'"
            + ("; it may not start with '_', '-', '/' or '>'" if "root" in kind else "")
            + ")."
        )


class DuplicateNameError(JaxscopeError, ValueError):
    """An absolute name (ending in ``/``) names a variable that already exists."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"Duplicate node name {name!r}: a variable with this exact name exists already, and a "
            "name ending in '/' is used verbatim (never uniquified). Drop the trailing '/' to get "
            f"a fresh name such as '{name}_1'."
        )


class InitializerError(JaxscopeError, ValueError):
    """``get_variable`` got an initializer that cannot define the variable."""

    def __init__(self, name: str, problem: str, fix: str):
        self.name = name
        super().__init__(f'Variable "{name}": {problem}\n{fix}')


class InvalidShapeError(JaxscopeError, ValueError):
    """A variable's shape has a negative dimension (TF1: ``ValueError``)."""

    def __init__(self, name: str, shape, dim):
        self.name, self.shape = name, shape
        super().__init__(
            f'Variable "{name}": shape {shape!r} has the negative dimension {dim}; every dimension '
            "must be >= 0 (0 makes an empty variable), or None for unknown.\n"
            f"Fix the shape, e.g. get_variable({name.rsplit('/', 1)[-1]!r}, [0, 3])."
        )


class ShapeTypeError(JaxscopeError, TypeError):
    """A variable's shape is not a sequence of ints/None (TF1: ``TypeError``)."""

    def __init__(self, name: str, shape, dim):
        self.name, self.shape = name, shape
        super().__init__(
            f'Variable "{name}": shape {shape!r} has the dimension {dim!r} of type '
            f"{type(dim).__name__}; a dimension must be an int (numpy ints are fine) or None, "
            "never a bool, float or string, as in TF1.\n"
            "Convert it: shape=[int(d) for d in shape]."
        )


class InvalidDtypeError(JaxscopeError, TypeError):
    """A dtype that is no dtype, or that JAX cannot store (strings, objects)."""

    def __init__(self, name: str, dtype, problem: str):
        self.name, self.dtype = name, dtype
        super().__init__(
            f'Variable "{name}": dtype {dtype!r} {problem}.\n'
            "Use a numeric or bool dtype: dtype=jnp.float32, jnp.int32, jnp.bool_, ..."
        )


class InitializerDtypeError(JaxscopeError, TypeError):
    """An initializer cannot make values of the variable's dtype (TF1: ``TypeError``)."""

    def __init__(self, name: str, initializer, dtype):
        self.name, self.dtype = name, dtype
        super().__init__(
            f'Variable "{name}" has dtype {dtype}, but {type(initializer).__name__} only makes '
            f"floating-point values (TF1 raises a TypeError too).\nPass an initializer for {dtype}: "
            f"get_variable({name.rsplit('/', 1)[-1]!r}, shape, dtype=jnp.{dtype}, "
            "initializer=jaxscope.zeros_initializer())."
        )


class TreeConflictError(JaxscopeError, ValueError):
    """A variable name would be both a leaf and a scope prefix of the variables tree."""

    def __init__(self, name: str, other: str, created_at: str | None):
        self.name, self.other = name, other
        super().__init__(
            f'Variable "{name}" cannot be created: "{other}"{_at(created_at)} is already a '
            f"variable, and jaxscope's nested tree cannot hold a leaf and a sub-tree under the "
            "same key (TF1's flat namespace can). Rename one of them, e.g. "
            f"get_variable({other.rsplit('/', 1)[-1] + '_value'!r}, ...)."
        )


class MissingVariableError(JaxscopeError, LookupError):
    """``apply`` needs a variable that the given ``variables`` tree does not hold.

    The functional analog of TF1's "Attempting to use uninitialized value".
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
    """``apply`` got a value whose shape or dtype differs from what the program asks for."""

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
    """``apply`` got variables that the program never asked for (often a typo in a restored tree)."""

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
    """A scatter index is outside ``[0, rows)`` (TF1: ``InvalidArgumentError`` at run time)."""

    def __init__(self, name: str, op: str, index: int, rows: int):
        self.name, self.index, self.rows = name, index, rows
        super().__init__(
            f'{op} to variable "{name}": index {index} is not in [0, {rows}). TF1 does not wrap '
            "negative indices either. Fix the indices (e.g. jnp.where(i < 0, i + rows, i))."
        )


class StaleVariableError(JaxscopeError, RuntimeError):
    """A variable handle was used after the ``init``/``apply`` call that made it."""

    def __init__(self, name: str, op: str):
        self.name = name
        super().__init__(
            f'{op} of variable "{name}": this handle belongs to another init/apply call (it '
            "escaped the function that created it). Fetch the variable again inside the current "
            "call with jaxscope.get_variable."
        )


class TracedHandleError(JaxscopeError, RuntimeError):
    """A handle that a JAX transformation rebuilt from its arguments has no name."""

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
    """``apply`` was not allowed to change the collection of an assigned variable."""

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


class MovingAverageUpdateError(ImmutableVariableError):
    """A layer ran with ``training=True`` inside ``apply`` that may not update its moving averages.

    TF1 left the averages stale when the ``UPDATE_OPS`` were forgotten; jaxscope refuses instead.
    """

    def __init__(self, layer: str, names: list[str]):
        self.layer, self.name, self.collection = layer, names[0], "state"
        Exception.__init__(
            self,
            f'Layer "{layer}" ran with training=True inside apply() without mutable=, so it '
            f"cannot update its moving averages ({', '.join(names)}). (TF1 would silently "
            "leave them stale if the UPDATE_OPS were not run; jaxscope refuses.) Ask for the "
            "updated state:\n"
            '    out, variables = f.apply(variables, x, training=True, mutable=["state"])\n'
            "or normalize with the moving averages (inference):\n"
            "    out = f.apply(variables, x, training=False)",
        )


class UnknownVariableError(JaxscopeError, ValueError):
    """A selection names variables that the tree (or program) does not hold, or matches none."""

    def __init__(self, problem: str, available: list[str], fix: str | None = None):
        near = ", ".join(available[:8]) + (", ..." if len(available) > 8 else "")
        super().__init__(
            f"{problem}. The variables are: {near or 'none'}.\n"
            + (fix or "Use the names without the collection ('dense/w', not 'params/dense/w'), "
               "or select by a scope regex string matched from the start: 'dense/'.")
        )  # fmt: skip


class MissingRngError(JaxscopeError, ValueError):
    """``next_rng_key`` was called in an ``apply`` that got no ``rng=``."""

    def __init__(self):
        super().__init__(
            "jaxscope.next_rng_key() needs a key, but apply() was called without one. Pass it:\n"
            "    out = f.apply(variables, *args, rng=jax.random.key(step))"
        )


class RngInTransformError(JaxscopeError, RuntimeError):
    """``next_rng_key`` was called inside a JAX transformation opened within the function.

    A ``jax.lax.scan`` / ``fori_loop`` / ``while_loop`` / ``vmap`` body is traced once, so a
    key taken there would be the same at every step (TF1 drew afresh each iteration).
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
    """A jaxscope function that needs a variable store was called outside ``transform``."""

    def __init__(self, what: str):
        super().__init__(
            f"jaxscope.{what} must be called inside a function transformed by jaxscope.transform "
            "(jaxscope keeps no global graph):\n"
            "    f = jaxscope.transform(model)\n"
            "    variables = f.init(jax.random.key(0), *args)\n"
            "    out = f.apply(variables, *args)"
        )


class ScopeNestingError(JaxscopeError, RuntimeError):
    """Scopes were exited in another order than they were entered."""

    def __init__(self):
        super().__init__(
            "Improper nesting of variable_scope: a scope was exited while another was current. "
            "Use `with` blocks instead of calling __enter__/__exit__ by hand."
        )


class ScopeArgumentError(JaxscopeError, TypeError):
    """A scope argument has the wrong type (TF1 raises ``TypeError`` here)."""


class ScopeValueError(JaxscopeError, ValueError):
    """A scope argument has a wrong value (TF1 raises ``ValueError`` here)."""


def _fmt_shape(shape) -> str:
    if shape is None:
        return "<unknown>"
    return (
        "("
        + ", ".join("?" if d is None else str(d) for d in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


_RESAVE_FIX = (
    "The file was truncated or changed after TensorFlow wrote it: copy it again from its source, "
    "or write it again with tf.compat.v1.train.Saver().save(sess, prefix)."
)


class CheckpointNotFoundError(JaxscopeError, FileNotFoundError):
    """A checkpoint path, its ``checkpoint`` state file or one of its files does not exist."""

    def __init__(self, path: str, problem: str, fix: str):
        self.path = path
        super().__init__(f"{problem}: {path}\n{fix}")

    def __str__(self) -> str:  # OSError would print (errno, strerror) otherwise
        return self.args[0]


class CorruptCheckpointError(JaxscopeError, ValueError):
    """A checkpoint file is truncated or garbled, so no array can be trusted."""

    def __init__(self, path: str, problem: str, name: str | None = None):
        self.path, self.problem, self.name = path, problem, name
        var = f' (reading variable "{name}")' if name else ""
        super().__init__(f"Checkpoint file {path} is corrupt{var}: {problem}.\n{_RESAVE_FIX}")


class ChecksumMismatchError(CorruptCheckpointError):
    """The CRC32C stored in a checkpoint does not match the bytes on disk."""

    def __init__(self, path: str, what: str, stored: int, computed: int, name: str | None = None):
        self.stored, self.computed = stored, computed
        super().__init__(
            path,
            f"the CRC32C checksum of {what} does not match (stored 0x{stored:08x}, computed "
            f"0x{computed:08x})",
            name,
        )


class UnsupportedCheckpointError(JaxscopeError, ValueError):
    """A valid checkpoint uses a feature that jaxscope does not read (V1 format, compression)."""

    def __init__(self, path: str, problem: str, fix: str):
        self.path = path
        super().__init__(f"Checkpoint {path}: {problem}.\n{fix}")


class VariableNotInCheckpointError(JaxscopeError, KeyError):
    """``load_variables`` was asked for names that the checkpoint does not hold."""

    def __init__(self, names: list[str], path: str, available: list[str]):
        self.names, self.path = names, path
        shown = ", ".join(available[:8]) + (", ..." if len(available) > 8 else "")
        super().__init__(
            f"Checkpoint {path} has no variable(s) {', '.join(map(repr, names))}. It holds: "
            f"{shown or 'nothing'}.\nList the names with "
            f"jaxscope.checkpoint.list_variables({path!r})."
        )

    def __str__(self) -> str:  # KeyError would print repr() otherwise
        return self.args[0]


class CheckpointMismatchError(JaxscopeError, ValueError):
    """A strict restore found variables that are missing or differ in shape or dtype."""

    def __init__(self, path: str, report):
        self.path, self.report = path, report
        super().__init__(
            f"Cannot restore {path} into the variables tree:\n{report}\n"
            "Map checkpoint names onto the tree with rename={'ckpt_prefix/': 'tree_prefix/'} or "
            "rename=callable, or pass strict=False to get the partly restored tree and the report."
        )


class RenameCollisionError(JaxscopeError, ValueError):
    """``rename`` maps two checkpoint variables onto the same tree name."""

    def __init__(self, name: str, first: str, second: str):
        self.name = name
        super().__init__(
            f'rename maps both checkpoint variables "{first}" and "{second}" onto "{name}". '
            "Make the rename rules more specific, or return None from a rename callable to skip "
            "one of them."
        )


class CheckpointNameError(JaxscopeError, ValueError):
    """A tree or ``{name: array}`` mapping holds a name no TF1 checkpoint variable can have.

    An empty name or name part, characters TF1 refuses, two paths that give one name (data
    would be lost), or a name that is both a variable and a scope of others (a nested tree
    cannot hold both).
    """

    def __init__(self, name: str, problem: str, fix: str):
        self.name = name
        super().__init__(f"Variable name {name!r} {problem}.\n{fix}")


class CheckpointTreeError(JaxscopeError, TypeError):
    """A checkpoint function got something that is not a tree (nested dicts) of arrays."""

    def __init__(self, where: str, problem: str, fix: str):
        self.where = where
        super().__init__(f"{where} {problem}.\n{fix}")


class GlobalStepError(JaxscopeError, ValueError):
    """A learning-rate schedule (or ``num_updates``) needs the global step, and none was given."""

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")


class MissingSlotError(JaxscopeError, LookupError):
    """An optimizer update got a gradient for a variable that has no slot in the optimizer state.

    TF1 creates slots for ``var_list`` when ``minimize``/``apply_gradients`` builds the graph; in
    jaxscope ``opt.init(params)`` creates them, so the gradient tree must name the same variables.
    """

    def __init__(self, optimizer: str, name: str, slot: str, available: list[str]):
        self.name, self.slot = name, slot
        shown = ", ".join(available[:6]) + (", ..." if len(available) > 6 else "")
        super().__init__(
            f'{optimizer} has no slot "{slot}" for the gradient of "{name}" (the state holds: '
            f"{shown or 'nothing'}). The state was built for other variables.\n"
            "Build it for the variables you train: opt_state = opt.init(variables['params']); "
            "a gradient tree must name a subset of those variables."
        )

    def __str__(self) -> str:  # LookupError subclasses like KeyError would print repr()
        return self.args[0]


class TrainArgumentError(JaxscopeError, ValueError):
    """A ``jaxscope.train`` function got an argument TF1 refuses, or lacks one it needs."""

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")


class MovingAverageDtypeError(JaxscopeError, TypeError):
    """``ExponentialMovingAverage.apply`` got a variable that is not floating point (as TF1)."""

    def __init__(self, name: str, dtype):
        self.name, self.dtype = name, dtype
        super().__init__(
            f'ExponentialMovingAverage: "{name}" is {dtype}; the variables must be half, float, '
            "or double (TF1 raises the same TypeError).\nLeave it out: "
            "ema.apply(variables, averages, var_list=lambda name: name != " + repr(name) + ")."
        )


class MissingInitialStateError(JaxscopeError, ValueError):
    """An RNN was run without ``initial_state`` and without ``dtype``: nothing fixes the state's
    dtype. TF1: ``If no initial_state is provided, argument `dtype` must be specified``."""

    def __init__(self, fn: str):
        super().__init__(
            f"{fn}: if no initial_state is provided, argument `dtype` must be specified (it is "
            f"the dtype of the zero state). Pass one of:\n"
            f"    jaxscope.nn.{fn}(cell, inputs, dtype=jnp.float32)\n"
            f"    jaxscope.nn.{fn}(cell, inputs, initial_state=cell.zero_state(batch, "
            "jnp.float32))\n"
            f"TF1 equivalent: the same ValueError from tf.compat.v1.nn.{fn}."
        )


class CellInputDtypeError(JaxscopeError, ValueError):
    """An RNN cell got integer or boolean inputs or state (TF1: ``RNN cell only supports
    floating point inputs``)."""

    def __init__(self, cell: str, what: str, dtype):
        super().__init__(
            f"RNN cell only supports floating point inputs, but {cell} received {what} of dtype "
            f"{dtype}. Cast first (ids go through an embedding first):\n"
            "    inputs = jaxscope.nn.embedding_lookup(embedding, ids)   # or x.astype(jnp.float32)"
        )


class PartitionStrategyError(JaxscopeError, ValueError):
    """``embedding_lookup`` (or a sampled loss) got a ``partition_strategy`` other than TF1's
    ``"mod"`` and ``"div"``."""

    def __init__(self, strategy):
        super().__init__(
            f"Unrecognized partition strategy: {strategy!r}. TF1 knows two: "
            'partition_strategy="mod" (id i in shard i % n, its default) or "div" (contiguous '
            "blocks, as a partitioned variable's part_0, part_1, ... hold them)."
        )


class LoopConditionAssignError(JaxscopeError, ValueError):
    """The condition of ``while_loop`` assigns a variable: a condition must only read."""

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


class CustomGetterError(JaxscopeError, ValueError):
    """A ``custom_getter`` that is not callable reached ``get_variable`` (TF1: ``Passed a
    custom_getter which is not callable``)."""

    def __init__(self, name: str, custom_getter):
        self.name = name
        super().__init__(
            f'Passed a custom_getter which is not callable: {custom_getter!r} (getting variable "'
            f'{name}"). A custom getter is a function that calls the getter it is given:\n'
            "    def getter(getter, name, *args, **kwargs):\n"
            "        return getter(name, *args, **kwargs)\n"
            "    with jaxscope.variable_scope(scope, custom_getter=getter): ..."
        )


class TemplateVariableError(JaxscopeError, ValueError):
    """A template's later call created a trainable variable, which would not be shared (TF1:
    ``Trainable variable created when calling a template after the first time``)."""

    def __init__(self, template: str, names):
        self.names = list(names)
        listed = ", ".join(f'"{n}"' for n in self.names)
        super().__init__(
            f'Trainable variable created when calling template "{template}" after the first '
            f"time: {listed}; perhaps you used jaxscope.Variable when you meant "
            "jaxscope.get_variable. Only get_variable shares between the calls:\n"
            "    w = jaxscope.get_variable('w', [3, 4])   # made by the first call, reused after\n"
            "or make it a per-call tracking variable: jaxscope.Variable(0, trainable=False)."
        )


class RawRnnMaximumIterationsError(JaxscopeError, ValueError):
    """``raw_rnn`` was called without ``maximum_iterations``: a compiled loop writes its outputs
    into an array of fixed size (TF1's ``TensorArray`` grows)."""

    def __init__(self):
        super().__init__(
            "raw_rnn: maximum_iterations is required in jaxscope (TF1's raw_rnn has no such "
            "argument: its TensorArray of outputs grows, but a compiled loop needs a fixed "
            "number of output rows). Pass the most steps the loop may run, e.g.:\n"
            "    emit_ta, state, loop_state = jaxscope.nn.raw_rnn(cell, loop_fn, "
            "maximum_iterations=max_time)\n"
            "emit_ta.stack() is then [max_time, batch, ...], zeros after the last step."
        )


class VmapAssignError(JaxscopeError, ValueError):
    """A function mapped with ``jaxscope.vmap`` assigns a variable: variables are shared across
    the mapped axis, so the assign would give one variable a different value per example."""

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


class LinenImmutableVariableError(ImmutableVariableError):
    """A jaxscope model inside a linen module (``jaxscope.flax.to_linen``) assigned a variable
    whose linen collection the caller did not make mutable."""

    def __init__(self, name: str, collection: str):
        self.name, self.collection = name, collection
        RuntimeError.__init__(
            self,
            f'The jaxscope model assigns variable "{name}", which lives in the linen collection '
            f"{collection!r}, but the module was applied without that collection mutable. Make "
            "it mutable and take the new values:\n"
            f"    out, updates = model.apply(variables, x, mutable=[{collection!r}])\n"
            "(or run the model where it does not update, e.g. training=False).",
        )


class LinenModuleError(JaxscopeError, TypeError):
    """``jaxscope.flax.from_linen`` got something other than an unbound ``flax.linen.Module``
    (or ``from_nnx`` something other than an ``flax.nnx.Module``)."""

    def __init__(self, module, why: str, nnx: bool = False):
        self.module = module
        if nnx:
            super().__init__(
                f"jaxscope.flax.from_nnx takes a flax.nnx.Module instance, got "
                f"{type(module).__name__}: {why}. Build the module first, e.g.\n"
                "    jaxscope.flax.from_nnx(nnx.Linear(3, 4, rngs=nnx.Rngs(0)), 'proj')(x)\n"
                "and pass a linen module to from_linen:\n"
                "    jaxscope.flax.from_linen(nn.Dense(4), 'dense')(x)"
            )
            return
        super().__init__(
            f"jaxscope.flax.from_linen takes an unbound flax.linen.Module, got "
            f"{type(module).__name__}: {why}. Pass the module itself, e.g.\n"
            "    jaxscope.flax.from_linen(nn.Dense(4), 'dense')(x)\n"
            "and an NNX module to from_nnx (or through nnx.bridge.to_linen):\n"
            "    jaxscope.flax.from_nnx(MyNNXModule(*args, rngs=nnx.Rngs(0)), 'block')(x)"
        )


class LinenCollectionConflictError(JaxscopeError, ValueError):
    """Two collections of a linen module hold a variable at the same path: jaxscope's ``state``
    (every collection but ``params``) and ``params`` share one namespace, as TF1 names do."""

    def __init__(self, scope: str, node: str, first: str, second: str):
        full = f"{scope}/{node}" if scope else node
        self.name = full
        super().__init__(
            f'The linen module has a variable "{node}" in both collections {first!r} and '
            f'{second!r}; in jaxscope both would be the variable "{full}" (TF1 names are one '
            "namespace). Rename one of them in the module, e.g. self.variable('batch_stats', "
            f"'{node.rsplit('/', 1)[-1]}_stats', ...)."
        )


class LinenMissingRngError(MissingRngError):
    """A jaxscope model inside a linen module called ``next_rng_key`` in an ``apply`` that got no
    key for the module's rng stream."""

    def __init__(self, stream: str):
        self.stream = stream
        ValueError.__init__(
            self,
            "The jaxscope model calls jaxscope.next_rng_key(), which the linen module feeds from "
            f"its {stream!r} rng stream, but apply() got no {stream!r} key. Pass it:\n"
            f"    out = model.apply(variables, x, rngs={{{stream!r}: jax.random.key(step)}})",
        )


class AssignThroughGetterError(JaxscopeError, AttributeError):
    """A layer must assign to a variable (a moving average in training) for which a custom getter
    returned an array, not the variable (TF1: ``'Tensor' object has no attribute 'assign_sub'``).
    """

    def __init__(self, layer: str, name: str, shape, dtype):
        self.layer, self.name = layer, name
        super().__init__(
            f'Layer "{layer}" must update "{name}" in training, but the custom getter returned '
            f"an array ({dtype}{list(shape)}) instead of the variable, and an array cannot be "
            "assigned to (TF1 fails too: 'Tensor' object has no attribute 'assign_sub'). Let "
            "the getter return the variable itself for the variables that are not trained:\n"
            "    def getter(getter, name, *args, **kwargs):\n"
            "        var = getter(name, *args, **kwargs)\n"
            '        return var.astype(jnp.bfloat16) if kwargs["trainable"] else var\n'
            "or normalize with the moving averages: training=False (slim: is_training=False)."
        )


class PartitionerError(JaxscopeError, ValueError):
    """A ``partitioner`` is not callable, or returned a partition list TF1 refuses (wrong rank,
    a zero, more than one partitioned axis), or the variable cannot be partitioned (rank 0,
    shape not fully defined)."""

    def __init__(self, name: str, problem: str):
        self.name = name
        super().__init__(
            f'Partitioned variable "{name}": {problem}\n'
            "A partitioner is called as partitioner(shape=shape, dtype=dtype) and returns one int "
            "per axis, all >= 1, at most one > 1, e.g.\n"
            f"    jaxscope.get_variable({name.rsplit('/', 1)[-1]!r}, [10, 4], "
            "partitioner=jaxscope.fixed_size_partitioner(3))   # [3, 1]\n"
            "A scalar escapes a scope's partitioner only with shape=[] (as in TF1).\n"
            "TF1 equivalent: the same ValueError from tf.compat.v1.get_variable."
        )


class PartitionMismatchError(JaxscopeError, ValueError):
    """A partitioned variable is shared with another partitioning, shape or dtype, or a name is
    asked for partitioned while it exists unpartitioned (or the other way round)."""

    def __init__(self, name: str, what: str, requested, found, created_at):
        self.name, self.what = name, what
        if what == "partitioner":
            problem = (
                f"{'A' if requested else 'No'} partitioner was provided, but "
                f"{'an unpartitioned' if requested else 'a partitioned'} version of the "
                f"variable was found ({_created(created_at)})."
            )
            fix = (
                f"Pass the partitioner it was created with, or share it with reuse=True: "
                f"get_variable({name.rsplit('/', 1)[-1]!r}, partitioner=...)"
                if not requested
                else "Drop partitioner= here, or create the variable with it in the first place."
            )
        else:
            problem = (
                f"Trying to reuse partitioned variable, but specified {what} {requested} and "
                f"found {what} {found} ({_created(created_at)})."
            )
            fix = f"Ask for the existing {what}, or leave {what} out (None) to skip the check."
        super().__init__(
            f'Partitioned variable "{name}": {problem}\n{fix}\n'
            "TF1 equivalent: the same ValueError from tf.compat.v1.get_variable."
        )


class ShardingRuleError(JaxscopeError, ValueError):
    """A sharding rule (or a partitioner's axis) gives a variable a ``PartitionSpec`` that does
    not fit it: more entries than its rank, a mesh axis the mesh lacks, or a dimension that does
    not divide evenly over the mesh axes (jax shards evenly only)."""

    def __init__(self, name: str, shape, spec, problem: str, source: str):
        self.name, self.shape, self.spec = name, tuple(shape), spec
        super().__init__(
            f'Sharding variable "{name}" (shape {tuple(shape)}) as {spec}, from {source}: '
            f"{problem}.\nGive it a spec that fits, before the rule that matched, e.g.\n"
            f"    info.with_sharding({{{('^' + re.escape(name) + '$')!r}: "
            "PartitionSpec()}, ...)   # replicated\n"
            "or choose sizes that divide evenly (a vocabulary padded to a multiple of the mesh)."
        )


# -- issue 22: control flow


class LoopTensorError(JaxscopeError, ValueError):
    """A value computed inside a loop body (``while_loop``, ``scan``, ``map_fn``, ``dynamic_rnn``,
    ``raw_rnn``) and filed in a collection there is used after the loop.

    TF1: ``Cannot use 'while/mul' as input to 'add' because 'while/mul' is in a while loop.``
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


def _cell_state_message(cell: str, where: str, expected: str, got: str, state_size) -> str:
    return (
        f"{cell}: expected {expected} as state{where}, got {got} (the cell's state_size is "
        f"{state_size!r}). Pass the state the cell describes, e.g.\n"
        "    state = cell.zero_state(batch_size, dtype)"
    )


class CellStateError(JaxscopeError, ValueError):
    """An RNN cell is called with a state that does not match its ``state_size``: too few states
    (``MultiRNNCell``), a tuple where one array is expected, or an array of the wrong size.

    TF1: ``IndexError: tuple index out of range``, ``ValueError: not enough values to unpack``,
    ``ValueError: Dimensions must be equal``.
    """

    def __init__(self, cell: str, where: str, expected: str, got: str, state_size):
        self.cell, self.expected, self.got = cell, expected, got
        super().__init__(_cell_state_message(cell, where, expected, got, state_size))


class CellStateTypeError(JaxscopeError, TypeError):
    """An LSTM cell (``state_is_tuple=True``) is called with one array as its state instead of
    an ``LSTMStateTuple``. TF1 raises a ``TypeError`` (it cannot iterate over a tensor)."""

    def __init__(self, cell: str, where: str, expected: str, got: str, state_size):
        self.cell, self.expected, self.got = cell, expected, got
        super().__init__(_cell_state_message(cell, where, expected, got, state_size))


# -- issue 22: handles


class HandleStructureError(JaxscopeError, TypeError, ValueError):
    """A variable handle went where jax compares pytree structures (a ``lax.scan`` /
    ``while_loop`` / ``fori_loop`` carry, ``lax.cond`` branch outputs, ``lax.reduce`` /
    ``reduce_window`` operands against their init values). A handle is a pytree holding one
    array, so its structure differs from the plain array on the other side."""

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
    handles with jax's value canonicalization; a jax without that hook refuses them)."""

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
    """A Python flag that selects the program (a layer's ``training=``) arrived as a tracer."""

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
    """``get_variable_value`` was asked for a name the variables tree does not hold."""

    def __init__(self, name: str, close: list[str], known: int):
        self.name, self.close = name, close
        hint = f" Close names: {', '.join(map(repr, close))}." if close else ""
        super().__init__(
            f'No variable "{name}" in this variables tree ({known} variables).{hint}\n'
            "Names are TF1's, without the collection: js.get_variable_value(variables, "
            '"model/dense/kernel") (a trailing ":0" is allowed).'
        )


# -- issue 22: train
_GRAD_FIX = (
    "Give each variable a gradient of its own shape and dtype, as jax.grad of the loss does:\n"
    "    grads, out, variables = opt.compute_gradients(loss_fn, variables)"
)


class GradientShapeError(JaxscopeError, ValueError):
    """An optimizer got a gradient whose shape differs from its variable's.

    jax would broadcast it, silently reshaping the variable and its slots. TF1: ``ValueError:
    Shapes (2,) and (2, 2) are incompatible``.
    """

    def __init__(self, who: str, name: str, shape, var_shape, source: str = "the variable"):
        self.name, self.shape, self.var_shape = name, tuple(shape), tuple(var_shape)
        super().__init__(
            f'{who}: the gradient of "{name}" has shape {self.shape}, but {source} has shape '
            f"{self.var_shape}: Shapes {self.var_shape} and {self.shape} are incompatible (TF1 "
            f"raises the same ValueError).\n{_GRAD_FIX}\n"
            f"or reshape a hand-made one: g.reshape({self.var_shape})."
        )


class GradientDtypeError(JaxscopeError, TypeError):
    """An optimizer got a gradient whose dtype differs from its variable's.

    TF1: ``TypeError: Input 'grad' of 'ApplyAdam' Op has type float16 that does not match type
    float32 of argument 'var'``.
    """

    def __init__(self, who: str, name: str, dtype, var_dtype, source: str = "the variable"):
        self.name, self.dtype, self.var_dtype = name, str(dtype), str(var_dtype)
        super().__init__(
            f'{who}: the gradient of "{name}" is {self.dtype}, but {source} is {self.var_dtype} '
            f"(TF1 raises the same TypeError).\n{_GRAD_FIX}\n"
            f"or cast a hand-made one: g.astype(jnp.{self.var_dtype})."
        )


class GradientTreeError(JaxscopeError, ValueError):
    """A gradient tree names a variable that the variables tree does not hold."""

    def __init__(self, who: str, name: str, available: list[str]):
        self.name = name
        near = ", ".join(available[:8]) + (", ..." if len(available) > 8 else "")
        shown = f'"{name}"' if name else "the root (a single array)"
        super().__init__(
            f"{who}: the gradient tree has a gradient for {shown}, which is not a variable of "
            f"the parameters (they are: {near or 'none'}).\nShape the gradients as the "
            "parameters, or as a sub-tree of them: grads = {'dense': {'w': g}} for "
            "params = {'dense': {'w': w, 'b': b}}."
        )


class SlotMismatchError(JaxscopeError, ValueError):
    """An optimizer slot or a moving-average shadow differs in shape or dtype from its variable:
    the state was built for another variable of that name."""

    def __init__(self, who: str, name: str, slot: str, got: tuple, expected: tuple, fix: str):
        self.name, self.slot = name, slot
        (shape, dtype), (var_shape, var_dtype) = got, expected
        shape, var_shape = tuple(shape), tuple(var_shape)
        differ = (
            f"Shapes {var_shape} and {shape} are incompatible"
            if shape != var_shape
            else "the dtypes differ"
        )
        super().__init__(
            f'{who}: "{slot}" has shape {shape} and dtype {dtype}, but its variable "{name}" has '
            f"shape {var_shape} and dtype {var_dtype}: {differ}. The state was built for another "
            f"variable.\n{fix}"
        )


class TrainArgumentTypeError(JaxscopeError, TypeError):
    """A ``jaxscope.train`` function got an argument of a type TF1 refuses (``TypeError``)."""

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")


# -- issue 22: gathers


class IdOutOfRangeError(JaxscopeError, IndexError, ValueError):
    """A concrete id (a row of a table, a class of a sampler) is outside ``[0, n)``.

    TF1 raises ``InvalidArgumentError: indices[1,2] = 10 is not in [0, 10)`` at run time (CPU), an
    ``OpError`` that is no builtin; this one is an ``IndexError`` (numpy's class for an index out
    of bounds) and a ``ValueError`` (a bad argument value). Negative ids never wrap around.
    """

    def __init__(self, op: str, what: str, position, value: int, n: int, of: str, table=None):
        self.name, self.what, self.position, self.value, self.n = table, what, position, value, n
        at = ",".join(str(int(i)) for i in position)
        super().__init__(
            f"{op}: {what}[{at}] = {value} is not in [0, {n}), the valid ids of {of}. Negative "
            "ids do not wrap around (TF1 raises InvalidArgumentError for both; under jax.jit, "
            "where ids cannot be checked, its row is NaN, the fill value of its dtype, instead).\n"
            f"Keep {what} in range, e.g. send unknown ids to a reserved row:\n"
            f"    {what} = jnp.where(({what} >= 0) & ({what} < {n}), {what}, unknown_id)"
        )


# -- issue 22: layers
class LayerArgumentError(JaxscopeError, ValueError):
    """A layer argument TF1 validates has a bad value (``kernel_size=0``, ``strides=0``,
    ``filters=0``, ``padding="full"``, ``axis`` out of range, ...): refused when the layer is made
    (or first called, for what needs the input), never left to fail inside XLA."""

    def __init__(self, layer: str, argument: str, value, requirement: str, fix: str):
        self.layer, self.argument, self.value = layer, argument, value
        super().__init__(
            f"{layer}: invalid `{argument}` argument: {requirement}. Received: {argument}="
            f"{value!r}.\nFix: {fix}\nTF1 equivalent: the same ValueError from tf.compat.v1.layers."
        )


class LayerArgumentTypeError(JaxscopeError, TypeError):
    """A layer argument has a type TF1 refuses with a ``TypeError`` (``axis=1.5``)."""

    def __init__(self, layer: str, argument: str, value, requirement: str, fix: str):
        self.layer, self.argument, self.value = layer, argument, value
        super().__init__(
            f"{layer}: `{argument}` must be {requirement}. Received: {argument}={value!r} "
            f"({type(value).__name__}).\nFix: {fix}"
        )


class LayerInputError(JaxscopeError, ValueError):
    """A layer's input does not satisfy its ``input_spec`` (rank, or a built axis's size): TF1's
    ``Input 0 of layer "dense_1" is incompatible with the layer``."""

    def __init__(self, layer: str, expected: str, found: str, shape, fix: str):
        self.layer, self.shape = layer, tuple(shape)
        super().__init__(
            f'Input 0 of layer "{layer}" is incompatible with the layer: expected {expected}, '
            f"found {found}. Full shape received: {tuple(shape)}.\nFix: {fix}"
        )


class LayerInputDtypeError(JaxscopeError, TypeError):
    """A float-only layer got a non-floating input (or ``dtype=``): TF1 raises ``TypeError``
    (``A Dense layer can only be built with a floating-point dtype``); jaxscope never casts an
    integer input silently (or truncates a normalized one)."""

    def __init__(self, layer: str, dtype, what: str = "input"):
        self.layer, self.dtype = layer, str(dtype)
        super().__init__(
            f"{layer} can only be built with a floating-point dtype; its {what} has dtype "
            f"{dtype}. Cast the input first:\n    x = jnp.asarray(x, jnp.float32)\n"
            "(or give the layer a float dtype=, for the layers that cast their input, as TF1)."
        )


class DropoutDtypeError(JaxscopeError, ValueError):
    """Dropout in training mode on a non-floating input (its kept values are scaled): TF1's
    ``ValueError: x.dtype must be a floating point tensor as x will be scaled``."""

    def __init__(self, layer: str, dtype):
        self.layer, self.dtype = layer, str(dtype)
        super().__init__(
            f"{layer}: the input must be floating-point in training mode, as its kept values "
            f"are scaled by 1 / (1 - rate); got dtype {dtype}. Cast it first:\n"
            "    x = jnp.asarray(x, jnp.float32)"
        )


class LayerDtypeMismatchError(JaxscopeError, TypeError, ValueError):
    """A layer's weight (as a custom getter returned it) and its input have different dtypes
    (e.g. a getter casting the kernel to bfloat16, fed a float32 input). TF1's ops refuse to mix
    them (``TypeError`` from ``MatMul``/``Conv2D``, or ``ValueError: Tensor conversion requested
    dtype``), so this subclasses both; jaxscope never promotes silently."""

    def __init__(self, layer: str, weight: str, weight_dtype, input_dtype):
        self.layer, self.weight = layer, weight
        self.weight_dtype, self.input_dtype = str(weight_dtype), str(input_dtype)
        super().__init__(
            f'{layer}: weight "{weight}" has dtype {weight_dtype} but the layer computes in '
            f"{input_dtype} (its input's dtype); TF1's ops refuse to mix them. Feed an input of "
            f"the weights' dtype:\n    x = jnp.asarray(x, jnp.{weight_dtype})\n"
            "or make the custom getter return the dtype it was asked for."
        )


# -- issue 22: rnn and indexing


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


class TensorArrayIndexError(JaxscopeError, IndexError, ValueError):
    """A concrete index of ``EmitArray.read`` (``raw_rnn``'s ``TensorArray``) is not a row the
    loop wrote: outside ``[0, size())``; negative indices do not wrap around (TF1's neither).

    TF1 raises ``InvalidArgumentError: Tried to read from index 3 but array size is: 3``.
    """

    def __init__(self, op: str, index: int, size: int, of: str | None = None):
        self.op, self.index, self.size = op, index, size
        of = of or f"the rows the loop wrote (size() = {size})"
        super().__init__(
            f"{op}: index {index} is not in [0, {size}), {of}; negative indices do not wrap around (TF1 raises InvalidArgumentError: "
            f"Tried to read from index {index} but array size is: {size}; under jax.jit a "
            "traced index out of range reads a row of NaN, the fill value of its dtype). Read "
            "a written row, e.g. the last one:\n    emit_ta.read(emit_ta.size() - 1)"
        )


class SequenceLengthError(JaxscopeError, ValueError):
    """A concrete ``sequence_length`` of ``bidirectional_dynamic_rnn`` is outside
    ``[0, max_time]``: TF1's ``reverse_sequence`` refuses it (``InvalidArgumentError:
    seq_lens(0) > input.dims(1)``), which jax would clip silently."""

    def __init__(self, op: str, position: int, value: int, max_time: int):
        self.op, self.position, self.value, self.max_time = op, position, value, max_time
        super().__init__(
            f"{op}: sequence_length[{position}] = {value} is not in [0, {max_time}], where "
            f"{max_time} is max_time, the time steps of inputs (TF1's reverse_sequence raises "
            f"InvalidArgumentError: seq_lens({position}) > input.dims(1) or a negative "
            "length). Pass lengths within the inputs, e.g.\n"
            f"    sequence_length = jnp.clip(sequence_length, 0, {max_time})"
        )


# -- issue 22: adversarial
class AdamStateError(JaxscopeError, ValueError):
    """``restore_tf1_adam`` got an ``opt_state`` that does not hold exactly one optax Adam
    state, or one built for other parameters (TF1's ``Saver.restore`` of slots built for other
    variables fails too: ``NotFoundError``/``InvalidArgumentError``)."""

    def __init__(self, found: int, only_params=(), only_moments=()):
        self.found = found
        self.only_params, self.only_moments = list(only_params), list(only_moments)
        self.names = self.only_params + self.only_moments
        fix = (
            "Build the state for these params and restore into it:\n"
            "    opt_state = optax.adam(1e-3).init(params)\n"
            "    opt_state, report = jaxscope.checkpoint.restore_tf1_adam(opt_state, params, path)"
        )
        if found != 1:
            super().__init__(
                f"restore_tf1_adam needs exactly one optax Adam state (ScaleByAdamState) in "
                f"opt_state, found {found}: which moments are TF1's name/Adam and name/Adam_1 "
                f"would be ambiguous.\n{fix}"
            )
            return

        def show(names):
            return ", ".join(f'"{n}"' for n in names[:6]) + (", ..." if len(names) > 6 else "")

        parts = []
        if self.only_params:
            parts.append(f"params has {show(self.only_params)}, which opt_state's moments lack")
        if self.only_moments:
            parts.append(f"opt_state's moments have {show(self.only_moments)}, not in params")
        super().__init__(
            f"restore_tf1_adam: opt_state was not built for these params ({'; '.join(parts)})."
            f"\n{fix}"
        )


class GetterValueError(JaxscopeError, TypeError, ValueError):
    """A custom getter returned, for a variable of a flax module run inside jaxscope
    (``from_linen``/``from_nnx``), an array of another dtype or shape than the module declares:
    flax would promote or broadcast it silently; TF1's ops refuse to mix dtypes (``TypeError``
    or ``ValueError``), so this subclasses both."""

    def __init__(self, who: str, name: str, got: tuple, declared: tuple):
        self.who, self.name = who, name
        (shape, dtype), (var_shape, var_dtype) = got, declared
        self.shape, self.dtype = tuple(shape), str(dtype)
        self.var_shape, self.var_dtype = tuple(var_shape), str(var_dtype)
        super().__init__(
            f'{who}: the custom getter returned {self.dtype}{list(self.shape)} for variable "'
            f'{name}", but the flax module declares it {self.var_dtype}{list(self.var_shape)}; '
            "flax would promote or broadcast it silently, and TF1's ops refuse to mix dtypes. "
            "Declare the dtype in the module and return what it asks for:\n"
            "    jaxscope.flax.from_linen(nn.Dense(4, dtype=jnp.bfloat16, "
            "param_dtype=jnp.bfloat16), 'dense')(x.astype(jnp.bfloat16))\n"
            "or let the getter return the variable itself: return getter(name, *args, **kwargs)"
        )
