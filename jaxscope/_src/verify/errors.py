"""Errors of ``jaxscope.verify``: what cannot be compared, each naming the thing and the fix."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError


class BuildSpecError(JaxscopeError, ValueError):
    """A ``build`` / ``port`` argument that names no function (``file.py:function``).

    Subclasses ``ValueError``.
    """

    def __init__(self, spec: str, reason: str):
        self.spec = spec
        super().__init__(
            f"verify: cannot find the model function {spec!r}: {reason}. Name a function in a "
            'Python file or an importable module:\n    verify("model.py:build", ...)\n'
            '    verify("tf_slim.nets.vgg:vgg_a", ...)'
        )


class InputSpecError(JaxscopeError, ValueError):
    """Inputs that do not fit the model function (an unreadable spec, a wrong count, a shape the
    TF1 graph refuses).

    Subclasses ``ValueError``.
    """

    def __init__(self, function: str, reason: str):
        self.function = function
        super().__init__(
            f"verify: the inputs do not fit {function}: {reason}. Give one input per argument, "
            'as shapes (random values from the seed) or arrays:\n    verify(build, ["2x28x28x1"])'
            '\n    verify(build, {"images": np.zeros((2, 28, 28, 1), np.float32)})\n'
            '    verify(build, "inputs.npz")'
        )


class RefusedOpError(JaxscopeError, NotImplementedError):
    """A TF1 name the jaxscope side cannot run (refused by ``jaxscope.compat.v1``, or missing):
    the comparison cannot start. Names the op and the line of the model file that called it.

    Subclasses ``NotImplementedError``.
    """

    def __init__(self, op: str, where: str, message: str):
        self.op, self.where = op, where
        super().__init__(
            f"verify: the jaxscope side cannot run {op} (called at {where}):\n    {message}\n"
            "Rewrite that line with jaxscope names (docs/COMPAT.md lists what each refused name "
            "becomes), or compare against a hand port:\n    verify(build, inputs, "
            'port="my_port.py:build")'
        )


class DataDependentShapeError(JaxscopeError, ValueError):
    """The jaxscope side cannot trace the model: a shape depends on the input values
    (``tf.boolean_mask``, ``tf.where`` with one argument, ``tf.unique``, indexing by a boolean
    tensor). TF1's graph leaves that dimension ``None``; jax needs every shape when the program is
    traced, so nothing of the model can be compared. Names the op and the model file's line.

    Subclasses ``ValueError``.
    """

    def __init__(self, op: str, where: str, message: str):
        self.op, self.where = op, where
        super().__init__(
            f"verify: {op} (called at {where}) makes a shape that depends on the input values: "
            "TF1's graph leaves that dimension None, but jax needs every shape when the program "
            f"is traced, so the jaxscope side cannot run the model.\n    {message}\n"
            "Give the op a static size (the fix above: pad to a fixed N, or keep the shape with a "
            "mask), in the file or on the jaxscope side only:\n    verify(build, inputs, "
            'replace={"tf.boolean_mask(x, m)": "tf.where(m, x, tf.zeros_like(x))"})'
        )


class BuildFailedError(JaxscopeError, RuntimeError):
    """Building the model failed on one side for another reason; the original error is chained.

    Subclasses ``RuntimeError``.
    """

    def __init__(self, side: str, where: str, message: str):
        self.side, self.where = side, where
        super().__init__(
            f"verify: building the model under {side} failed at {where}: {message}\n"
            "Fix the model file (or the inputs) so that it builds under both; the original "
            "error is chained above."
        )


class TensorFlowMissingError(JaxscopeError, ImportError):
    """``jaxscope.verify`` runs the real TensorFlow, which is not installed.

    Subclasses ``ImportError``.
    """

    def __init__(self):
        super().__init__(
            "verify: TensorFlow is not installed; the check builds the model under the real "
            "tensorflow.compat.v1. Install the extra:\n    pip install 'jaxscope[verify]'"
        )
