"""The errors that ``checkpoint`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError

_RESAVE_FIX = (
    "The file was truncated or changed after TensorFlow wrote it: copy it again from its source, "
    "or write it again with tf.compat.v1.train.Saver().save(sess, prefix)."
)


class CheckpointNotFoundError(JaxscopeError, FileNotFoundError):
    """A checkpoint path, its ``checkpoint`` state file or one of its files does not exist.

    Subclasses ``FileNotFoundError``.
    """

    def __init__(self, path: str, problem: str, fix: str):
        self.path = path
        super().__init__(f"{problem}: {path}\n{fix}")

    def __str__(self) -> str:  # OSError would print (errno, strerror) otherwise
        return self.args[0]


class CorruptCheckpointError(JaxscopeError, ValueError):
    """A checkpoint file is truncated or garbled, so no array can be trusted.

    Subclasses ``ValueError``.
    """

    def __init__(self, path: str, problem: str, name: str | None = None):
        self.path, self.problem, self.name = path, problem, name
        var = f' (reading variable "{name}")' if name else ""
        super().__init__(f"Checkpoint file {path} is corrupt{var}: {problem}.\n{_RESAVE_FIX}")


class ChecksumMismatchError(CorruptCheckpointError):
    """The CRC32C stored in a checkpoint does not match the bytes on disk.

    Subclasses ``ValueError``.
    """

    def __init__(self, path: str, what: str, stored: int, computed: int, name: str | None = None):
        self.stored, self.computed = stored, computed
        super().__init__(
            path,
            f"the CRC32C checksum of {what} does not match (stored 0x{stored:08x}, computed "
            f"0x{computed:08x})",
            name,
        )


class UnsupportedCheckpointError(JaxscopeError, ValueError):
    """A valid checkpoint uses a feature that jaxscope does not read (V1 format, compression).

    Subclasses ``ValueError``.
    """

    def __init__(self, path: str, problem: str, fix: str):
        self.path = path
        super().__init__(f"Checkpoint {path}: {problem}.\n{fix}")


class VariableNotInCheckpointError(JaxscopeError, KeyError):
    """``load_variables`` was asked for names that the checkpoint does not hold.

    Subclasses ``KeyError``.
    """

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
    """A strict restore found variables that are missing or differ in shape or dtype.

    Subclasses ``ValueError``.
    """

    def __init__(self, path: str, report):
        self.path, self.report = path, report
        super().__init__(
            f"Cannot restore {path} into the variables tree:\n{report}\n"
            "Map checkpoint names onto the tree with rename={'ckpt_prefix/': 'tree_prefix/'} or "
            "rename=callable, or pass strict=False to get the partly restored tree and the report."
        )


class RenameCollisionError(JaxscopeError, ValueError):
    """``rename`` maps two checkpoint variables onto the same tree name.

    Subclasses ``ValueError``.
    """

    def __init__(self, name: str, first: str, second: str):
        self.name = name
        super().__init__(
            f'rename maps both checkpoint variables "{first}" and "{second}" onto "{name}". '
            "Make the rename rules more specific, or return None from a rename callable to skip "
            "one of them."
        )


class AdamStateError(JaxscopeError, ValueError):
    """``restore_tf1_adam`` got an ``opt_state`` that does not hold exactly one optax Adam
    state, or one built for other parameters (TF1's ``Saver.restore`` of slots built for other
    variables fails too: ``NotFoundError``/``InvalidArgumentError``).

    Subclasses ``ValueError``.
    """

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
