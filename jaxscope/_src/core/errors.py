"""The errors of making and sharing variables (scopes, names, get_variable, getters); those
of running a transformed function are in ``call_errors``. The errors that ``core`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError, where


def _fmt_shape(shape) -> str:
    if shape is None:
        return "<unknown>"
    return (
        "("
        + ", ".join("?" if d is None else str(d) for d in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


def _created(created_at) -> str:
    return f"created at {where(created_at)}" if created_at else "created by the program"


def _at(created_at) -> str:
    return f"; created at {where(created_at)}" if created_at else ""


_REUSE_FIX = (
    "To share it, open the enclosing scope with reuse:\n"
    "    with jaxscope.variable_scope(scope, reuse=True):            # must exist\n"
    "    with jaxscope.variable_scope(scope, reuse=jaxscope.AUTO_REUSE):  # create or share"
)


class VariableExistsError(JaxscopeError, ValueError):
    """``get_variable`` would create a variable that already exists while reuse is off.

    TF1: ``Variable v already exists, disallowed. Did you mean to set reuse=True or
    reuse=tf.AUTO_REUSE in VarScope?``

    Subclasses ``ValueError``.
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

    Subclasses ``ValueError``.
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
    """A shared (reused) variable is asked for with an incompatible shape.

    Subclasses ``ValueError``.
    """

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

    Subclasses ``ValueError``.
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
    """A scope or variable name does not match TF1's name rules.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, pattern: str, kind: str):
        self.name = name
        super().__init__(
            f"{name!r} is not a valid {kind} name. A {kind} name has to match the pattern "
            f"{pattern} (letters, digits, '_', '.', '-', '>', '/' and '\\'; no spaces or ':'"
            + ("; it may not start with '_', '-', '/' or '>'" if "root" in kind else "")
            + ")."
        )


class DuplicateNameError(JaxscopeError, ValueError):
    """An absolute name (ending in ``/``) names a variable that already exists.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"Duplicate node name {name!r}: a variable with this exact name exists already, and a "
            "name ending in '/' is used verbatim (never uniquified). Drop the trailing '/' to get "
            f"a fresh name such as '{name}_1'."
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
    """A variable name would be both a leaf and a scope prefix of the variables tree.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, other: str, created_at: str | None):
        self.name, self.other = name, other
        super().__init__(
            f'Variable "{name}" cannot be created: "{other}"{_at(created_at)} is already a '
            f"variable, and jaxscope's nested tree cannot hold a leaf and a sub-tree under the "
            "same key (TF1's flat namespace can). Rename one of them, e.g. "
            f"get_variable({other.rsplit('/', 1)[-1] + '_value'!r}, ...)."
        )


class ScopeNestingError(JaxscopeError, RuntimeError):
    """Scopes were exited in another order than they were entered.

    Subclasses ``RuntimeError``.
    """

    def __init__(self):
        super().__init__(
            "Improper nesting of variable_scope: a scope was exited while another was current. "
            "Use `with` blocks instead of calling __enter__/__exit__ by hand."
        )


class ScopeArgumentError(JaxscopeError, TypeError):
    """A scope argument has the wrong type (TF1 raises ``TypeError`` here)."""


class ScopeValueError(JaxscopeError, ValueError):
    """A scope argument has a wrong value (TF1 raises ``ValueError`` here)."""


class CheckpointNameError(JaxscopeError, ValueError):
    """A tree or ``{name: array}`` mapping holds a name no TF1 checkpoint variable can have.

    An empty name or name part, characters TF1 refuses, two paths that give one name (data
    would be lost), or a name that is both a variable and a scope of others (a nested tree
    cannot hold both).

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, problem: str, fix: str):
        self.name = name
        super().__init__(f"Variable name {name!r} {problem}.\n{fix}")


class CheckpointTreeError(JaxscopeError, TypeError):
    """A checkpoint function got something that is not a tree (nested dicts) of arrays.

    Subclasses ``TypeError``.
    """

    def __init__(self, where: str, problem: str, fix: str):
        self.where = where
        super().__init__(f"{where} {problem}.\n{fix}")


class CustomGetterError(JaxscopeError, ValueError):
    """A ``custom_getter`` that is not callable reached ``get_variable`` (TF1: ``Passed a
    custom_getter which is not callable``).

    Subclasses ``ValueError``.
    """

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
    ``Trainable variable created when calling a template after the first time``).

    Subclasses ``ValueError``.
    """

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


class PartitionMismatchError(JaxscopeError, ValueError):
    """A partitioned variable is shared with another partitioning, shape or dtype, or a name is
    asked for partitioned while it exists unpartitioned (or the other way round).

    Subclasses ``ValueError``.
    """

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
