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


def _doc(tf_name: str, note: str = "", path: str = "", differs: str = "") -> str:
    """The docstring of a generated op: ``differs`` is what a user can notice (a paragraph
    "Differs from TF1: ..." that docs/COMPAT.md shows), ``note`` a remark on TF1's semantics."""
    tf1 = f"TF1 equivalent: tf.compat.v1.{path}{tf_name}{f' ({note})' if note else ''}."
    return f"Differs from TF1: {differs}\n\n{tf1}" if differs else tf1


def _unary(tf_name: str, op_type: str, allowed, fn, note="", no_kernel=(), differs=""):
    def op(x, name=None):
        op_name(name, op_type)
        v = convert(x, op=tf_name, arg="x")
        check_dtype(tf_name, v, allowed, no_kernel=no_kernel)
        return fn(v)

    op.__name__ = op.__qualname__ = tf_name
    op.__doc__ = _doc(tf_name, note, differs=differs)
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

    op.__name__ = op.__qualname__ = tf_name
    op.__doc__ = _doc(tf_name, note, differs=differs)
    return op


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
    """TF1 equivalent: tf.compat.v1.logical_xor."""
    op_name(name, "LogicalXor")
    return jnp.logical_xor(*binary("logical_xor", x, y, ("bool",)))


def atan2(y, x, name=None):
    """TF1 equivalent: tf.compat.v1.atan2 (``y`` first, as TF1)."""
    op_name(name, "Atan2")
    yv, xv = binary("atan2", y, x, F, "y", "x")
    return jnp.arctan2(yv, xv)


def pow(x, y, name=None):  # noqa: A001 - TF1's name
    """Differs from TF1: an integer to a negative power is refused with a ValueError when the
    op is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

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
    """Differs from TF1: int32/int64 inputs divide in float32 and give float32 unless
    jax_enable_x64 (TF1: float64; int8/int16 give float32 in both).

    TF1 equivalent: tf.compat.v1.truediv"""
    op_name(name, "truediv")
    return jnp.divide(*_truediv("truediv", *binary("truediv", x, y, NUM)))


def divide(x, y, name=None):
    """Differs from TF1: as :func:`truediv`, int32/int64 inputs give float32 unless
    jax_enable_x64 (TF1: float64).

    TF1 equivalent: tf.compat.v1.divide (= truediv; a Python ``x`` converts to ``y``'s dtype)."""
    op_name(name, "truediv")
    if name is None and not is_tensor(x) and is_tensor(y):
        y = convert(y, op="divide", arg="y")
        x = convert(x, y.dtype, "divide", "x")
    return jnp.divide(*_truediv("divide", *binary("divide", x, y, NUM)))


def div(x, y, name=None):
    """Differs from TF1: an integer division by zero is refused with a ValueError when the op
    is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

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
    """Differs from TF1: an integer division by zero is refused with a ValueError when the op
    is called with a concrete ``y`` (TF1 raises InvalidArgumentError when the op runs).

    TF1 equivalent: tf.compat.v1.floordiv (floats: floor(x / y), as TF1)."""
    op_name(name, "floordiv")
    xv, yv = binary("floordiv", x, y, NUM)
    check_dtype("floordiv", xv, NUM, no_kernel=C)
    _int_divisor("floordiv", yv, y)
    return _floordiv(xv, yv)


def div_no_nan(x, y, name=None):
    """Differs from TF1: as :func:`truediv`, int32/int64 inputs give float32 unless
    jax_enable_x64 (TF1: float64).

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
    """TF1 equivalent: tf.compat.v1.scalar_mul."""
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
    """TF1 equivalent: tf.compat.v1.clip_by_value (``minimum`` then ``maximum``, with TF1's
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
    """Differs from TF1: ``num`` must be known when the program is traced (it decides the
    output's shape); TF1 takes a tensor.

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
