"""The errors that ``train`` raises (one class per error; the message is built in
its constructor). Each also subclasses the builtin TF1 raised."""

from __future__ import annotations

from jaxscope._src.errors import JaxscopeError

_GRAD_FIX = (
    "Give each variable a gradient of its own shape and dtype, as jax.grad of the loss does:\n"
    "    grads, out, variables = opt.compute_gradients(loss_fn, variables)"
)


class GlobalStepError(JaxscopeError, ValueError):
    """A learning-rate schedule (or ``num_updates``) needs the global step, and none was given.

    Subclasses ``ValueError``.
    """

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")


class MissingSlotError(JaxscopeError, LookupError):
    """An optimizer update got a gradient for a variable that has no slot in the optimizer state.

    TF1 creates slots for ``var_list`` when ``minimize``/``apply_gradients`` builds the graph; in
    jaxscope ``opt.init(params)`` creates them, so the gradient tree must name the same variables.

    Subclasses ``LookupError``.
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
    """A ``jaxscope.train`` function got an argument TF1 refuses, or lacks one it needs.

    Subclasses ``ValueError``.
    """

    def __init__(self, who: str, problem: str, fix: str):
        self.who = who
        super().__init__(f"{who}: {problem}.\n{fix}")


class MovingAverageDtypeError(JaxscopeError, TypeError):
    """``ExponentialMovingAverage.apply`` got a variable that is not floating point (as TF1).

    Subclasses ``TypeError``.
    """

    def __init__(self, name: str, dtype):
        self.name, self.dtype = name, dtype
        super().__init__(
            f'ExponentialMovingAverage: "{name}" is {dtype}; the variables must be half, float, '
            "or double (TF1 raises the same TypeError).\nLeave it out: "
            "ema.apply(variables, averages, var_list=lambda name: name != " + repr(name) + ")."
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
    """A gradient tree names a variable that the variables tree does not hold.

    Subclasses ``ValueError``.
    """

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
    the state was built for another variable of that name.

    Subclasses ``ValueError``.
    """

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
