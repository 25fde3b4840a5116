"""TF1's elementwise math ops (``tf.add``, ``tf.exp``, ``tf.maximum``, ``tf.truediv``, ...).

TF1's dtype rules, not numpy's: an op's inputs share one dtype (``tf.add(x_float32, y_int32)`` is a
``TypeError``); a Python value converts to the dtype of the argument before it (``tf.add(x, 2)``
with a float ``x`` adds ``2.0``, ``tf.add(2, x)`` is a ``TypeError``, as in TF1); a dtype an op
does not take is a ``TypeError``; shapes that do not broadcast are a ``ValueError``. A dtype TF1
builds but has no kernel for (``tf.reciprocal`` of int32, ``tf.realdiv`` of int32, ...) is a
``ValueError`` here, as TF1's error when the op runs; where only TF1's CPU lacks a kernel and the
result is plain (``tf.rint``/``tf.truncatemod`` of float16, ``tf.lgamma`` of bfloat16), it is
computed.

Python operators are jax's, not these ops: ``x + y`` on jax arrays promotes as numpy does
(float32 + int32 gives float32 where TF1 raises ``TypeError``) and ``x / y`` on int32 arrays gives
float32 (TF1: float64). Write ``tf.add(x, y)`` / ``tf.truediv(x, y)`` where TF1's rule matters.

Gradients are TF1's where jax's differ: ``tf.maximum``/``tf.minimum`` (and ``tf.clip_by_value``)
send a tie's gradient to ``x`` (jax splits it), ``tf.abs`` has gradient 0 at 0 (jax: 1).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat import dtypes
from jaxscope._src.compat.common import convert, is_tensor, op_name, same_dtype
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError

F = ("float16", "bfloat16", "float32", "float64")
C = ("complex64", "complex128")
SI = ("int8", "int16", "int32", "int64")
UI = ("uint8", "uint16", "uint32", "uint64")
NUM = F + SI + UI + C  # TF1's numbertype
REAL = F + SI + UI  # TF1's realnumbertype
ALL = NUM + ("bool",)

# TF1's truediv casts integers to a float of enough precision (float64 is float32 in jax unless
# jax_enable_x64).
_TRUEDIV = {
    "int8": np.float32,
    "uint8": np.float32,
    "int16": np.float32,
    "uint16": np.float32,
    "int32": np.float64,
    "uint32": np.float64,
    "int64": np.float64,
    "uint64": np.float64,
}


def check_dtype(op: str, v, allowed, arg: str = "x", no_kernel=()) -> None:
    """TF1's dtype list of an op: ``TypeError`` outside it, as TF1's op builder; a dtype TF1
    builds but has no CPU kernel for is a ``ValueError`` (TF1's run-time InvalidArgumentError)."""
    name = v.dtype.name
    if name in no_kernel:
        raise OpArgumentError(
            op,
            f"TF1 has no kernel for {arg} of dtype {name} (it fails when the op runs).",
            f"tf.cast({arg}, tf.float32)",
        )
    if name not in allowed:
        to = "float32" if "float32" in allowed else "bool" if "bool" in allowed else "int32"
        raise OpTypeError(
            op,
            f"{arg} has dtype {name}, not in the dtypes the op takes: {', '.join(allowed)}.",
            f"tf.cast({arg}, tf.{to})",
        )


def shape_str(s) -> str:
    return "[" + ",".join(str(d) for d in s) + "]"


def broadcast(op: str, *vals) -> tuple[int, ...]:
    """The broadcast shape of the inputs, or TF1's ``ValueError`` for shapes that do not
    broadcast."""
    try:
        return tuple(np.broadcast_shapes(*(v.shape for v in vals)))
    except ValueError:
        s1, s2 = vals[0].shape, vals[1].shape
        d1, d2 = next(
            (a, b)
            for a, b in zip(reversed(s1), reversed(s2), strict=False)
            if a != b and 1 not in (a, b)
        )
        raise OpArgumentError(
            op,
            f"Dimensions must be equal, but are {d1} and {d2}, with input shapes: "
            f"{shape_str(s1)}, {shape_str(s2)} (TF1 broadcasts as numpy does).",
        ) from None


def binary(op: str, x, y, allowed, a: str = "x", b: str = "y"):
    """TF1's op builder for a two-input op: ``x`` converts on its own and fixes the dtype, ``y``
    converts to it (a Python value) or must have it (a tensor); then the dtype and shapes."""
    xv = convert(x, op=op, arg=a)
    xv, yv = same_dtype(op, **{a: xv, b: y})
    check_dtype(op, xv, allowed, a)
    broadcast(op, xv, yv)
    return xv, yv


def to_dtype(op: str, v, dtype, arg: str):
    """TF1's ``convert_to_tensor(v, dtype=...)``: a tensor of another dtype is a ``ValueError``."""
    if is_tensor(v) and jnp.asarray(v).dtype != dtype:
        raise OpArgumentError(
            op,
            f"{arg} has dtype {jnp.asarray(v).dtype.name}, the op needs {np.dtype(dtype).name}; "
            "TF1 never casts implicitly.",
            f"tf.cast({arg}, tf.{np.dtype(dtype).name})",
        )
    return convert(v, dtype, op, arg)


def canonical(dtype) -> np.dtype:
    """The dtype jax computes ``dtype`` in: 64-bit types are 32-bit unless jax_enable_x64."""
    return jax.dtypes.canonicalize_dtype(dtypes.as_dtype(dtype).dtype)


def static(op: str, v, arg: str) -> np.ndarray:
    """An argument that decides the output's shape: known when the program is traced."""
    c = concrete(v)
    if c is None:
        raise OpArgumentError(
            op,
            f"{arg} must be known when the program is traced (it decides the output's shape).",
            f"compute {arg} from static shapes (x.shape) or Python ints.",
        )
    return c


def concrete(v):
    """``v`` as a numpy array when it is known now, else ``None`` (traced)."""
    try:
        return np.asarray(v)
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        return None


def _int_divisor(op: str, yv, y) -> None:
    """TF1 refuses an integer division by zero when the op runs; checked when ``y`` (the
    argument: a converted constant is traced under jit) is known."""
    if yv.dtype.kind in "iu":
        y = concrete(y)
        if y is not None and (y == 0).any():
            raise OpArgumentError(
                op,
                "integer division by zero (TF1 raises InvalidArgumentError when the op runs; "
                "traced, XLA's result is returned).",
            )


@jax.custom_jvp
def _max(x, y):
    return jnp.maximum(x, y)


_max.defjvp(lambda p, t: (_max(*p), jnp.where(p[0] >= p[1], t[0], t[1])))


@jax.custom_jvp
def _min(x, y):
    return jnp.minimum(x, y)


_min.defjvp(lambda p, t: (_min(*p), jnp.where(p[0] <= p[1], t[0], t[1])))


@jax.custom_jvp
def _abs(x):
    return jnp.abs(x)


_abs.defjvp(lambda p, t: (_abs(p[0]), t[0] * jnp.sign(p[0])))


def tf_max(x, y):
    """``jnp.maximum`` with TF1's gradient: a tie's gradient goes to ``x``."""
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.maximum(x, y)
    return _max(*jnp.broadcast_arrays(x, y))


def tf_min(x, y):
    """``jnp.minimum`` with TF1's gradient: a tie's gradient goes to ``x``."""
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.minimum(x, y)
    return _min(*jnp.broadcast_arrays(x, y))


def tf_abs(x):
    return _abs(x) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.abs(x)


def _round(x):
    return x if x.dtype.kind in "iu" else jnp.round(x)


def _floordiv(x, y):
    # TF1's float FloorDiv is floor(x / y) (1.0 // 0.1 is 10), not numpy's divmod-based 9.
    return jnp.floor(x / y) if x.dtype.kind not in "iu" else jnp.floor_divide(x, y)


def _truncatediv(x, y):
    return lax.div(*jnp.broadcast_arrays(x, y)) if x.dtype.kind in "iu" else jnp.trunc(x / y)


def _squared_difference(x, y):
    d = x - y
    return d * jnp.conj(d)


_KINDS = {
    F: "a float",
    F + C: "a float or complex",
    F + SI + C: "a float, signed integer or complex",
    NUM: "a number",
    REAL: "a real number (float or integer)",
    ("bool",): "the bool",
}


def _kinds(allowed) -> str:
    return _KINDS.get(tuple(allowed), "one of the " + ", ".join(allowed))


_NAME = "name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``{}``)."


def _doc(
    tf_name: str,
    note: str = "",
    path: str = "",
    differs: str = "",
    *,
    op_type: str = "",
    summary: str = "",
    args: str = "",
    returns: str = "",
    raises: str = "",
    example: str = "",
) -> str:
    """The docstring of a generated op: ``differs`` is what a user can notice (a paragraph
    "Differs from TF1: ..." that docs/COMPAT.md shows), ``note`` a remark on TF1's semantics;
    ``args``, ``returns`` and ``raises`` are the sections' bodies and ``example`` the ``>>>``
    lines after the import."""
    tf1 = f"TF1 equivalent: tf.compat.v1.{path}{tf_name}{f' ({note})' if note else ''}."
    if not summary:
        return f"Differs from TF1: {differs}\n\n{tf1}" if differs else tf1
    parts = [summary]
    if differs:
        parts.append(f"Differs from TF1: {differs}")

    def section(title: str, body: str) -> str:
        return title + ":\n" + "\n".join("    " + line for line in body.strip().split("\n"))

    parts.append(section("Args", args + "\n" + _NAME.format(op_type)))
    parts.append(section("Returns", returns))
    parts.append(section("Raises", raises))
    ex = ">>> import jaxscope.compat.v1 as tf\n" + example.strip()
    parts.append(section("Example", ex))
    parts.append(tf1)
    return "\n\n".join(parts)


_RAISES_TYPE = "TypeError: ``{}`` has a dtype the op does not take (TF1 never casts)."
_RAISES_KERNEL = (
    "\nValueError: ``x`` has a dtype TF1 builds but has no kernel for ({}), as TF1 fails "
    "when the op runs."
)


def _unary(tf_name: str, op_type: str, allowed, fn, note="", no_kernel=(), differs=""):
    def op(x, name=None):
        op_name(name, op_type)
        v = convert(x, op=tf_name, arg="x")
        check_dtype(tf_name, v, allowed, no_kernel=no_kernel)
        return fn(v)

    summary, example, returns = _UNARY[tf_name]
    raises = _RAISES_TYPE.format("x")
    if no_kernel:
        raises += _RAISES_KERNEL.format(", ".join(no_kernel))
    op.__name__ = op.__qualname__ = tf_name
    op.__doc__ = _doc(
        tf_name,
        note,
        differs=differs,
        op_type=op_type,
        summary=summary,
        args=f"x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of "
        f"{_kinds(allowed)} dtype.",
        returns=returns or "A jax array of ``x``'s shape and dtype.",
        raises=raises,
        example=example,
    )
    return op


def _binary(
    tf_name: str, op_type: str, allowed, fn, note="", no_kernel=(), int_div=False, differs=""
):
    def op(x, y, name=None):
        op_name(name, op_type)
        xv, yv = binary(tf_name, x, y, allowed)
        check_dtype(tf_name, xv, allowed, no_kernel=no_kernel)
        if int_div:
            _int_divisor(tf_name, yv, y)
        return fn(xv, yv)

    summary, example, returns = _BINARY[tf_name]
    raises = (
        "TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s (TF1 "
        "never casts; a Python value converts to ``x``'s dtype).\nValueError: ``x`` and ``y`` do "
        "not broadcast."
    )
    if no_kernel:
        raises += _RAISES_KERNEL.format(", ".join(no_kernel))
    if int_div:
        raises += "\nValueError: an integer ``y`` known when the op is called has a 0."
    op.__name__ = op.__qualname__ = tf_name
    op.__doc__ = _doc(
        tf_name,
        note,
        differs=differs,
        op_type=op_type,
        summary=summary,
        args=f"x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of "
        f"{_kinds(allowed)} dtype.\ny: A tensor of ``x``'s dtype, or a Python value that "
        "converts to it; broadcasts against ``x``.",
        returns=returns
        or "A jax array of ``x``'s dtype and the broadcast shape of ``x`` and ``y``.",
        raises=raises,
        example=example,
    )
    return op


_BOOL = "A bool jax array of ``x``'s shape."
_CMP = "A bool jax array of the broadcast shape of ``x`` and ``y``."
# summary, example (the >>> lines after the import), returns ("": the usual)
_UNARY = {
    "abs": ("The absolute value of ``x``, elementwise.", ">>> tf.abs([-1.5, 2.])\nArray([1.5, 2. ], dtype=float32)", "A jax array of ``x``'s shape and dtype (a complex ``x`` gives its real dtype)."),
    "negative": ("``-x``, elementwise.", ">>> tf.negative([1., -2.])\nArray([-1.,  2.], dtype=float32)", ""),
    "sign": ("The sign of ``x``, elementwise: -1, 0 or 1 (``x / |x|`` for a complex).", ">>> tf.sign([-3., 0., 2.])\nArray([-1.,  0.,  1.], dtype=float32)", ""),
    "square": ("``x * x``, elementwise.", ">>> tf.square([2, -3])\nArray([4, 9], dtype=int32)", ""),
    "sqrt": ("The square root of ``x``, elementwise.", ">>> tf.sqrt([4., 9.])\nArray([2., 3.], dtype=float32)", ""),
    "rsqrt": ("``1 / sqrt(x)``, elementwise.", ">>> tf.rsqrt([4., 16.])\nArray([0.5 , 0.25], dtype=float32)", ""),
    "exp": ("``e ** x``, elementwise.", ">>> tf.exp([0., 1.])\nArray([1.       , 2.7182817], dtype=float32)", ""),
    "expm1": ("``exp(x) - 1``, elementwise, accurate for small ``x``.", ">>> tf.expm1([0., 1.])\nArray([0.       , 1.7182817], dtype=float32)", ""),
    "log": ("The natural logarithm of ``x``, elementwise.", ">>> tf.log([1., 100.])\nArray([0.       , 4.6051702], dtype=float32)", ""),
    "log1p": ("``log(1 + x)``, elementwise, accurate for small ``x``.", ">>> tf.log1p([0., 1.])\nArray([0.       , 0.6931472], dtype=float32)", ""),
    "sin": ("The sine of ``x`` (radians), elementwise.", ">>> tf.sin([0., 1.])\nArray([0.        , 0.84147096], dtype=float32)", ""),
    "cos": ("The cosine of ``x`` (radians), elementwise.", ">>> tf.cos([0., 1.])\nArray([1.       , 0.5403023], dtype=float32)", ""),
    "tan": ("The tangent of ``x`` (radians), elementwise.", ">>> tf.tan([0., 1.])\nArray([0.       , 1.5574077], dtype=float32)", ""),
    "asin": ("The inverse sine of ``x``, elementwise.", ">>> tf.asin([0., 1.])\nArray([0.       , 1.5707964], dtype=float32)", ""),
    "acos": ("The inverse cosine of ``x``, elementwise.", ">>> tf.acos([1., 0.])\nArray([0.       , 1.5707964], dtype=float32)", ""),
    "atan": ("The inverse tangent of ``x``, elementwise.", ">>> tf.atan([0., 1.])\nArray([0.       , 0.78539...], dtype=float32)", ""),
    "sinh": ("The hyperbolic sine of ``x``, elementwise.", ">>> tf.sinh([0., 1.])\nArray([0.       , 1.1752012], dtype=float32)", ""),
    "cosh": ("The hyperbolic cosine of ``x``, elementwise.", ">>> tf.cosh([0., 1.])\nArray([1.       , 1.5430806], dtype=float32)", ""),
    "tanh": ("The hyperbolic tangent of ``x``, elementwise.", ">>> tf.tanh([0., 1.])\nArray([0.       , 0.7615942], dtype=float32)", ""),
    "asinh": ("The inverse hyperbolic sine of ``x``, elementwise.", ">>> tf.asinh([0., 1.])\nArray([0.        , 0.88137364], dtype=float32)", ""),
    "acosh": ("The inverse hyperbolic cosine of ``x``, elementwise.", ">>> tf.acosh([1., 2.])\nArray([0.      , 1.316958], dtype=float32)", ""),
    "atanh": ("The inverse hyperbolic tangent of ``x``, elementwise.", ">>> tf.atanh([0., 0.5])\nArray([0.        , 0.54930615], dtype=float32)", ""),
    "sigmoid": ("``1 / (1 + exp(-x))``, elementwise.", ">>> tf.sigmoid([0., 2.])\nArray([0.5     , 0.880797], dtype=float32)", ""),
    "log_sigmoid": ("``log(sigmoid(x))``, elementwise, computed stably.", ">>> tf.log_sigmoid([0., -100.])\nArray([  -0.6931472, -100.       ], dtype=float32)", ""),
    "floor": ("The largest integer not above ``x``, elementwise.", ">>> tf.floor([1.5, -1.5])\nArray([ 1., -2.], dtype=float32)", ""),
    "ceil": ("The smallest integer not below ``x``, elementwise.", ">>> tf.ceil([1.5, -1.5])\nArray([ 2., -1.], dtype=float32)", ""),
    "round": ("``x`` rounded to the nearest integer, elementwise, half to even.", ">>> tf.round([0.5, 1.5, 2.7])\nArray([0., 2., 3.], dtype=float32)", ""),
    "rint": ("``x`` rounded to the nearest integer, elementwise, half to even.", ">>> tf.rint([0.5, 1.5, -2.7])\nArray([ 0.,  2., -3.], dtype=float32)", ""),
    "reciprocal": ("``1 / x``, elementwise.", ">>> tf.reciprocal([2., 4.])\nArray([0.5 , 0.25], dtype=float32)", ""),
    "erf": ("The error function of ``x``, elementwise.", ">>> tf.erf([0., 1.])\nArray([0.        , 0.84270084], dtype=float32)", ""),
    "erfc": ("The complementary error function ``1 - erf(x)``, elementwise.", ">>> tf.erfc([0., 1.])\nArray([1.        , 0.15729924], dtype=float32)", ""),
    "lgamma": ("``log(|Gamma(x)|)``, elementwise.", ">>> tf.lgamma([3., 4.])\nArray([0.6931474, 1.7917603], dtype=float32)", ""),
    "digamma": ("The digamma function (the derivative of ``lgamma``), elementwise.", ">>> tf.digamma([1., 2.])\nArray([-0.5772154 ,  0.42278463], dtype=float32)", ""),
    "is_nan": ("Whether ``x`` is NaN, elementwise.", ">>> tf.is_nan([1., float('nan')])\nArray([False,  True], dtype=bool)", _BOOL),
    "is_inf": ("Whether ``x`` is +inf or -inf, elementwise.", ">>> tf.is_inf([1., float('-inf')])\nArray([False,  True], dtype=bool)", _BOOL),
    "is_finite": ("Whether ``x`` is neither inf nor NaN, elementwise.", ">>> tf.is_finite([1., float('inf')])\nArray([ True, False], dtype=bool)", _BOOL),
    "logical_not": ("``not x``, elementwise.", ">>> tf.logical_not([True, False])\nArray([False,  True], dtype=bool)", ""),
}  # fmt: skip
_BINARY = {
    "add": ("``x + y``, elementwise, broadcasting.", ">>> tf.add([1., 2.], 10.)\nArray([11., 12.], dtype=float32)", ""),
    "subtract": ("``x - y``, elementwise, broadcasting.", ">>> tf.subtract([5, 7], [1, 2])\nArray([4, 5], dtype=int32)", ""),
    "multiply": ("``x * y``, elementwise, broadcasting.", ">>> tf.multiply([1., 2.], [3., 4.])\nArray([3., 8.], dtype=float32)", ""),
    "realdiv": ("``x / y``, elementwise, broadcasting, for floats and complexes.", ">>> tf.realdiv([1., 3.], 2.)\nArray([0.5, 1.5], dtype=float32)", ""),
    "floor_div": ("``x / y`` rounded down, elementwise, broadcasting.", ">>> tf.floor_div([7, -7], 2)\nArray([ 3, -4], dtype=int32)", ""),
    "floormod": ("The remainder of floor division (the sign of ``y``), elementwise.", ">>> tf.floormod([7, -7], 3)\nArray([1, 2], dtype=int32)", ""),
    "mod": ("The remainder of floor division (the sign of ``y``), elementwise; = ``floormod``.", ">>> tf.mod([7, -7], 3)\nArray([1, 2], dtype=int32)", ""),
    "truncatediv": ("``x / y`` rounded toward zero, elementwise, broadcasting.", ">>> tf.truncatediv([7, -7], 2)\nArray([ 3, -3], dtype=int32)", ""),
    "truncatemod": ("The remainder of truncating division (the sign of ``x``), elementwise.", ">>> tf.truncatemod([7, -7], 3)\nArray([ 1, -1], dtype=int32)", ""),
    "maximum": ("The larger of ``x`` and ``y``, elementwise, broadcasting.", ">>> tf.maximum([1., 5.], 3.)\nArray([3., 5.], dtype=float32)", ""),
    "minimum": ("The smaller of ``x`` and ``y``, elementwise, broadcasting.", ">>> tf.minimum([1., 5.], 3.)\nArray([1., 3.], dtype=float32)", ""),
    "squared_difference": ("``(x - y) * conj(x - y)``, elementwise, broadcasting.", ">>> tf.squared_difference([1., 5.], 3.)\nArray([4., 4.], dtype=float32)", ""),
    "equal": ("``x == y``, elementwise, broadcasting.", ">>> tf.equal([1, 2], 2)\nArray([False,  True], dtype=bool)", _CMP),
    "not_equal": ("``x != y``, elementwise, broadcasting.", ">>> tf.not_equal([1, 2], 2)\nArray([ True, False], dtype=bool)", _CMP),
    "less": ("``x < y``, elementwise, broadcasting.", ">>> tf.less([1, 2], 2)\nArray([ True, False], dtype=bool)", _CMP),
    "less_equal": ("``x <= y``, elementwise, broadcasting.", ">>> tf.less_equal([1, 2], 2)\nArray([ True,  True], dtype=bool)", _CMP),
    "greater": ("``x > y``, elementwise, broadcasting.", ">>> tf.greater([1, 3], 2)\nArray([False,  True], dtype=bool)", _CMP),
    "greater_equal": ("``x >= y``, elementwise, broadcasting.", ">>> tf.greater_equal([1, 2], 2)\nArray([False,  True], dtype=bool)", _CMP),
    "logical_and": ("``x and y``, elementwise, broadcasting.", ">>> tf.logical_and([True, True], [True, False])\nArray([ True, False], dtype=bool)", ""),
    "logical_or": ("``x or y``, elementwise, broadcasting.", ">>> tf.logical_or([True, False], [False, False])\nArray([ True, False], dtype=bool)", ""),
}  # fmt: skip

_FC = F + C
_GRAD_ABS = "the gradient at 0 is 0, as TF1's; jax's jnp.abs has 1"
_NO_KERNEL = (
    "a dtype TF1 builds but has no kernel for (see the module docstring) is refused with a "
    "ValueError when the op is called; TF1 raises InvalidArgumentError when the op runs."
)
_CPU = "TF1's CPU has no kernel for"


def _cpu(dtype: str) -> str:
    return f"{dtype} is computed, where {_CPU} it (TF1 on CPU fails when the op runs)."


abs = _unary("abs", "Abs", F + SI + C, tf_abs, _GRAD_ABS)  # noqa: A001 - TF1's name
negative = _unary("negative", "Neg", F + SI + C, jnp.negative)
sign = _unary("sign", "Sign", F + SI + C, jnp.sign)
square = _unary("square", "Square", NUM, jnp.square)
sqrt = _unary("sqrt", "Sqrt", _FC, jnp.sqrt)
rsqrt = _unary("rsqrt", "Rsqrt", _FC, lax.rsqrt)
exp = _unary("exp", "Exp", _FC, jnp.exp)
expm1 = _unary("expm1", "Expm1", _FC, jnp.expm1)
log = _unary("log", "Log", _FC, jnp.log)
log1p = _unary("log1p", "Log1p", _FC, jnp.log1p)
sin = _unary("sin", "Sin", _FC, jnp.sin)
cos = _unary("cos", "Cos", _FC, jnp.cos)
tan = _unary("tan", "Tan", _FC, jnp.tan)
asin = _unary("asin", "Asin", _FC, jnp.arcsin)
acos = _unary("acos", "Acos", _FC, jnp.arccos)
atan = _unary("atan", "Atan", _FC, jnp.arctan)
sinh = _unary("sinh", "Sinh", _FC, jnp.sinh)
cosh = _unary("cosh", "Cosh", _FC, jnp.cosh)
tanh = _unary("tanh", "Tanh", _FC, jnp.tanh)
asinh = _unary("asinh", "Asinh", _FC, jnp.arcsinh)
acosh = _unary("acosh", "Acosh", _FC, jnp.arccosh)
atanh = _unary("atanh", "Atanh", _FC, jnp.arctanh)
sigmoid = _unary("sigmoid", "Sigmoid", _FC, jax.nn.sigmoid)
log_sigmoid = _unary("log_sigmoid", "LogSigmoid", F, jax.nn.log_sigmoid)
floor = _unary("floor", "Floor", F, jnp.floor)
ceil = _unary("ceil", "Ceil", F, jnp.ceil)
round = _unary("round", "Round", REAL, _round, "half to even; integers unchanged", C)  # noqa: A001
rint = _unary("rint", "Rint", F, jnp.rint, "half to even", differs=_cpu("float16"))
reciprocal = _unary(
    "reciprocal", "Reciprocal", _FC, lambda x: 1 / x, no_kernel=SI, differs=_NO_KERNEL
)
erf = _unary("erf", "Erf", F, lax.erf)
erfc = _unary("erfc", "Erfc", F, lax.erfc)
lgamma = _unary("lgamma", "Lgamma", F, lax.lgamma, differs=_cpu("bfloat16"))
digamma = _unary("digamma", "Digamma", F, lax.digamma, differs=_cpu("bfloat16"))
is_nan = _unary("is_nan", "IsNan", F, jnp.isnan)
is_inf = _unary("is_inf", "IsInf", F, jnp.isinf)
is_finite = _unary("is_finite", "IsFinite", F, jnp.isfinite)
logical_not = _unary("logical_not", "LogicalNot", ("bool",), jnp.logical_not)

_INT_DIV = (
    "an integer division by zero is refused with a ValueError when the op is called with a "
    "concrete y (TF1 raises InvalidArgumentError when the op runs); traced under jax.jit it "
    "cannot be checked, and XLA's result is returned."
)
add = _binary("add", "Add", NUM, jnp.add)
subtract = _binary("subtract", "Sub", NUM, jnp.subtract)
multiply = _binary("multiply", "Mul", NUM, jnp.multiply)
realdiv = _binary("realdiv", "RealDiv", NUM, jnp.divide, no_kernel=SI + UI, differs=_NO_KERNEL)
floor_div = _binary("floor_div", "FloorDiv", NUM, _floordiv, "", C, True, _INT_DIV)
floormod = _binary("floormod", "FloorMod", REAL, jnp.remainder, int_div=True, differs=_INT_DIV)
mod = _binary("mod", "FloorMod", REAL, jnp.remainder, int_div=True, differs=_INT_DIV)
truncatediv = _binary("truncatediv", "TruncateDiv", NUM, _truncatediv, "", C, True, _INT_DIV)
truncatemod = _binary(
    "truncatemod",
    "TruncateMod",
    ("float16", "bfloat16", "float32", "float64", "int32", "int64"),
    jnp.fmod,
    int_div=True,
    differs=_INT_DIV + " " + _cpu("float16"),
)
maximum = _binary("maximum", "Maximum", REAL, tf_max, "a tie's gradient goes to x, as TF1's")
minimum = _binary("minimum", "Minimum", REAL, tf_min, "a tie's gradient goes to x, as TF1's")
squared_difference = _binary(
    "squared_difference", "SquaredDifference", F + ("int32", "int64") + C, _squared_difference
)
equal = _binary("equal", "Equal", ALL, jnp.equal)
not_equal = _binary("not_equal", "NotEqual", ALL, jnp.not_equal)
less = _binary("less", "Less", REAL, jnp.less)
less_equal = _binary("less_equal", "LessEqual", REAL, jnp.less_equal)
greater = _binary("greater", "Greater", REAL, jnp.greater)
greater_equal = _binary("greater_equal", "GreaterEqual", REAL, jnp.greater_equal)
logical_and = _binary("logical_and", "LogicalAnd", ("bool",), jnp.logical_and)
logical_or = _binary("logical_or", "LogicalOr", ("bool",), jnp.logical_or)


def logical_xor(x, y, name="LogicalXor"):
    """``x != y`` for bools, elementwise, broadcasting.

    Args:
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of the bool dtype.
        y: A tensor of ``x``'s dtype, or a Python value that converts to it; broadcasts against
            ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``LogicalXor``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``, bool.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.logical_xor([True, True], [True, False])
        Array([False,  True], dtype=bool)

    TF1 equivalent: tf.compat.v1.logical_xor."""
    op_name(name, "LogicalXor")
    return jnp.logical_xor(*binary("logical_xor", x, y, ("bool",)))


def atan2(y, x, name=None):
    """The angle of the point ``(x, y)``, ``atan(y / x)`` in ``[-pi, pi]``, elementwise.

    Args:
        y: A tensor of a float dtype (a jax array, or a value ``tf.convert_to_tensor`` takes).
        x: A tensor of ``y``'s dtype, or a Python value that converts to it; broadcasts against
            ``y``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Atan2``).

    Returns:
        A jax array of ``y``'s dtype and the broadcast shape of ``y`` and ``x``.

    Raises:
        TypeError: ``y`` is not a float, or ``x``'s dtype differs from ``y``'s.
        ValueError: ``y`` and ``x`` do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.atan2([1., -1.], [0., 0.])
        Array([ 1.5707964, -1.5707964], dtype=float32)

    TF1 equivalent: tf.compat.v1.atan2 (``y`` first, as TF1)."""
    op_name(name, "Atan2")
    yv, xv = binary("atan2", y, x, F, "y", "x")
    return jnp.arctan2(yv, xv)


def pow(x, y, name=None):  # noqa: A001 - TF1's name
    """``x ** y``, elementwise, broadcasting.

    Differs from TF1: an integer to a negative power is refused with a ValueError when the
    op is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

    Args:
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of a float, signed integer or complex dtype.
        y: A tensor of ``x``'s dtype, or a Python value that converts to it; broadcasts against
            ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Pow``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``, of ``x``'s dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.
        ValueError: an integer ``y`` known when the op is called is negative.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.pow([2., 3.], 2.)
        Array([4., 9.], dtype=float32)
        >>> tf.pow(2, [3, 4])
        Array([ 8, 16], dtype=int32)

    TF1 equivalent: tf.compat.v1.pow"""
    op_name(name, "Pow")
    xv, yv = binary("pow", x, y, F + SI + C)
    if yv.dtype.kind == "i":
        c = concrete(y)
        if c is not None and (c < 0).any():
            raise OpArgumentError(
                "pow",
                "integers to negative integer powers are not allowed.",
                "tf.cast(x, tf.float32)",
            )
    return jnp.power(xv, yv)


def _truediv(op: str, xv, yv):
    check_dtype(op, xv, NUM)
    to = _TRUEDIV.get(xv.dtype.name)
    if to is not None:
        to = jax.dtypes.canonicalize_dtype(to)
        xv, yv = xv.astype(to), yv.astype(to)
    return xv, yv


def truediv(x, y, name=None):
    """``x / y``, elementwise, broadcasting; integers are cast to a float first.

    Differs from TF1: int32/int64 inputs divide in float32 and give float32 unless
    jax_enable_x64 (TF1: float64; int8/int16 give float32 in both).

    Args:
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of a number dtype.
        y: A tensor of ``x``'s dtype, or a Python value that converts to it; broadcasts against
            ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``truediv``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``: ``x``'s dtype for floats and complexes, a float for integers.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.truediv([3, 4], 2)
        Array([1.5, 2. ], dtype=float32)

    TF1 equivalent: tf.compat.v1.truediv"""
    op_name(name, "truediv")
    return jnp.divide(*_truediv("truediv", *binary("truediv", x, y, NUM)))


def divide(x, y, name=None):
    """``x / y``, elementwise, broadcasting, as :func:`truediv`.

    Differs from TF1: as :func:`truediv`, int32/int64 inputs give float32 unless
    jax_enable_x64 (TF1: float64).

    Args:
        x: A tensor of a number dtype, or a Python value (it converts to ``y``'s dtype when
            ``y`` is a tensor and ``name`` is None, as TF1).
        y: A tensor or Python value; broadcasts against ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``truediv``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``: ``x``'s dtype for floats and complexes, a float for integers.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.divide(1., [2., 4.])
        Array([0.5 , 0.25], dtype=float32)

    TF1 equivalent: tf.compat.v1.divide (= truediv; a Python ``x`` converts to ``y``'s dtype)."""
    op_name(name, "truediv")
    if name is None and not is_tensor(x) and is_tensor(y):
        y = convert(y, op="divide", arg="y")
        x = convert(x, y.dtype, "divide", "x")
    return jnp.divide(*_truediv("divide", *binary("divide", x, y, NUM)))


def div(x, y, name=None):
    """``x / y`` with Python 2's rule, elementwise: integers floor-divide, floats divide.

    Differs from TF1: an integer division by zero is refused with a ValueError when the op
    is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

    Args:
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of a number dtype.
        y: A tensor of ``x``'s dtype, or a Python value that converts to it.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``div``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``, of ``x``'s dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.
        ValueError: an integer ``y`` known when the op is called has a 0.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.div([7, -7], 2)
        Array([ 3, -4], dtype=int32)
        >>> tf.div([7., -7.], 2.)
        Array([ 3.5, -3.5], dtype=float32)

    TF1 equivalent: tf.compat.v1.div (Python 2 division: integers floor-divide, floats
    divide)."""
    op_name(name, "div")
    xv = convert(x, op="div", arg="x")
    xv, yv = binary("div", xv, to_dtype("div", y, xv.dtype, "y"), NUM)
    if xv.dtype.kind in "iu":
        _int_divisor("div", yv, y)
        return jnp.floor_divide(xv, yv)
    return jnp.divide(xv, yv)


def floordiv(x, y, name=None):
    """``x / y`` rounded down, elementwise, broadcasting (``x // y``).

    Differs from TF1: an integer division by zero is refused with a ValueError when the op
    is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

    Args:
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of a real number (float or integer) dtype.
        y: A tensor of ``x``'s dtype, or a Python value that converts to it; broadcasts against
            ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``floordiv``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``, of ``x``'s dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.
        ValueError: ``x`` is complex (TF1 has no kernel), or an integer ``y`` known when the
            op is called has a 0.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.floordiv([7, -7], 2)
        Array([ 3, -4], dtype=int32)
        >>> tf.floordiv(1., 0.1)
        Array(10., dtype=float32)

    TF1 equivalent: tf.compat.v1.floordiv (floats: floor(x / y), as TF1)."""
    op_name(name, "floordiv")
    xv, yv = binary("floordiv", x, y, NUM)
    check_dtype("floordiv", xv, NUM, no_kernel=C)
    _int_divisor("floordiv", yv, y)
    return _floordiv(xv, yv)


def div_no_nan(x, y, name=None):
    """``x / y``, elementwise, broadcasting, and 0 where ``y`` is 0.

    Differs from TF1: as :func:`truediv`, int32/int64 inputs give float32 unless
    jax_enable_x64 (TF1: float64).

    Args:
        x: A tensor of a number dtype, or a Python value (it converts to ``y``'s dtype when
            ``y`` is a tensor).
        y: A tensor of ``x``'s dtype, or a Python value; broadcasts against ``x``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``div_no_nan``).

    Returns:
        A jax array of the broadcast shape of ``x`` and ``y``: ``x``'s dtype for floats and complexes, a float for integers.

    Raises:
        TypeError: ``x`` has a dtype the op does not take, or ``y``'s differs from ``x``'s.
        ValueError: ``x`` and ``y`` do not broadcast.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.div_no_nan([1., 2.], [2., 0.])
        Array([0.5, 0. ], dtype=float32)

    TF1 equivalent: tf.compat.v1.div_no_nan (0 where ``y`` is 0, with gradient 0 there)."""
    op_name(name, "div_no_nan")
    if not is_tensor(x) and is_tensor(y):
        y = convert(y, op="div_no_nan", arg="y")
        x = convert(x, y.dtype, "div_no_nan", "x")
    xv, yv = _truediv("div_no_nan", *binary("div_no_nan", x, y, NUM))
    zero = yv == 0
    return jnp.where(zero, jnp.zeros((), xv.dtype), xv / jnp.where(zero, 1, yv))


divide_no_nan = div_no_nan


def scalar_mul(scalar, x, name=None):
    """``scalar * x``: a tensor scaled by a 0-D value.

    Args:
        scalar: A 0-D value of ``x``'s dtype (a Python number converts to it).
        x: A tensor (a jax array, or a value ``tf.convert_to_tensor`` takes) of a number dtype.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``Mul``).

    Returns:
        A jax array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` has a dtype the op does not take.
        ValueError: ``scalar`` is not 0-D, or is a tensor of another dtype than ``x``.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.math.scalar_mul(2., [1., 3.])
        Array([2., 6.], dtype=float32)

    TF1 equivalent: tf.compat.v1.scalar_mul."""
    op_name(name, "Mul")
    xv = convert(x, op="scalar_mul", arg="x")
    s = to_dtype("scalar_mul", scalar, xv.dtype, "scalar")
    if s.ndim:
        raise OpArgumentError(
            "scalar_mul", f"scalar must be a 0-D value, got shape {shape_str(s.shape)}."
        )
    check_dtype("scalar_mul", xv, NUM)
    return s * xv


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``t`` with each value clipped to ``[clip_value_min, clip_value_max]``.

    Args:
        t: A tensor of a real number dtype (float or integer).
        clip_value_min: The lower bound: a scalar, or a tensor that broadcasts to ``t``'s shape,
            of ``t``'s dtype.
        clip_value_max: The upper bound, as ``clip_value_min``.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``clip_by_value``).

    Returns:
        A jax array of ``t``'s shape and dtype.

    Raises:
        TypeError: ``t`` has a dtype the op does not take, or a bound's dtype differs from it.
        ValueError: a bound does not broadcast to ``t``'s shape (or would enlarge it).

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.clip_by_value([-2., 0.5, 3.], 0., 1.)
        Array([0. , 0.5, 1. ], dtype=float32)

    TF1 equivalent: tf.compat.v1.clip_by_value (``minimum`` then ``maximum``, with TF1's
    gradients: at a bound, the gradient goes to ``t``)."""
    op_name(name, "clip_by_value")
    v = convert(t, op="clip_by_value", arg="t")
    hi = binary("clip_by_value", v, clip_value_max, REAL, "t", "clip_value_max")[1]
    lo = binary("clip_by_value", v, clip_value_min, REAL, "t", "clip_value_min")[1]
    for bound in (hi, lo):
        if broadcast("clip_by_value", v, bound) != v.shape:
            raise OpArgumentError(
                "clip_by_value",
                f"a bound of shape {shape_str(bound.shape)} would broadcast t "
                f"{shape_str(v.shape)} to a larger shape.",
            )
    return tf_max(tf_min(v, hi), lo)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``, both included.

    Differs from TF1: ``num`` must be known when the program is traced (it decides the
    output's shape); TF1 takes a tensor.

    Args:
        start: The first value: a float tensor (integers are divided as :func:`truediv`).
        stop: The last value, of ``start``'s dtype; ``start`` and ``stop`` broadcast.
        num: How many values: a Python int (or a concrete integer), >= 0.
        name: The op's name scope, as in TF1 (``None``: TF1's default op name, ``linspace``).
        axis: Where the new axis of ``num`` values goes when ``start``/``stop`` are not 0-D.

    Returns:
        A jax array: the broadcast shape of ``start`` and ``stop`` with ``num`` inserted at
        ``axis``.

    Raises:
        TypeError: ``num`` is not an integer.
        ValueError: ``num`` is traced or negative, ``stop``'s dtype differs from ``start``'s,
            or ``axis`` is out of range.

    Example:
        >>> import jaxscope.compat.v1 as tf
        >>> tf.linspace(0., 1., 5)
        Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)

    TF1 equivalent: tf.compat.v1.linspace (TF1's arithmetic: ``start + i * (stop - start) /
    (num - 1)``, the last value exactly ``stop``)."""
    op_name(name, "linspace")
    s = convert(start, op="linspace", arg="start")
    e = to_dtype("linspace", stop, s.dtype, "stop")
    n = convert(num, op="linspace", arg="num")
    if n.dtype.kind not in "iu":
        raise OpTypeError("linspace", f"num must be an integer, got {n.dtype.name}.")
    n = concrete(num)
    if n is None or n.ndim:
        raise OpArgumentError("linspace", "num must be a Python int (jax shapes are static).")
    n = int(n)
    if n < 0:
        raise OpArgumentError("linspace", f"num must be >= 0, got {n}.")
    shape = broadcast("linspace", s, e)
    ax = axis + len(shape) + 1 if axis < 0 else axis
    if not 0 <= ax <= len(shape):
        raise OpArgumentError(
            "linspace", f"axis {axis} is out of range for start/stop of shape {shape_str(shape)}."
        )
    s, e = (jnp.expand_dims(jnp.broadcast_to(v, shape), ax) for v in (s, e))
    s, e = _truediv("linspace", s, e)
    delta = (e - s) / jnp.asarray(max(n - 1, 1), s.dtype)
    steps = jnp.arange(1, max(n - 1, 1), dtype=s.dtype)
    steps = steps.reshape((1,) * ax + (-1,) + (1,) * (len(shape) - ax))
    out = jnp.concatenate([s, s + delta * steps, e], ax)
    return lax.slice_in_dim(out, 0, n, axis=ax)


lin_space = linspace
