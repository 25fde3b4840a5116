"""TF1's segment reductions (``tf.segment_sum``, ``tf.unsorted_segment_sum``, ``..._max``,
``..._mean``, ``..._sqrt_n``, ...).

The number of segments decides the output's shape, so it must be known when the program is traced:
``num_segments`` for the unsorted ops, the (sorted) ids themselves for ``segment_*``. An id TF1
refuses when the op runs (unsorted, >= num_segments; sorted, decreasing or negative) is a
``ValueError`` when the ids are concrete; traced, an id >= num_segments is dropped, as negative ones
are.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxscope._src.compat.common import convert, op_name
from jaxscope._src.compat.errors import OpArgumentError, OpTypeError
from jaxscope._src.compat.math_ops import (
    NUM,
    REAL,
    F,
    _doc,
    canonical,
    check_dtype,
    concrete,
    shape_str,
    static,
)


def _segment_inputs(op, data, segment_ids, allowed, ids_ok=("int32", "int64")):
    d = convert(data, op=op, arg="data")
    check_dtype(op, d, allowed, "data")
    i = convert(segment_ids, op=op, arg="segment_ids")
    if i.dtype.name not in ids_ok:
        raise OpTypeError(op, f"segment_ids must be {' or '.join(ids_ok)}, got {i.dtype.name}.")
    if d.shape[: i.ndim] != i.shape:
        raise OpArgumentError(
            op,
            f"segment_ids {shape_str(i.shape)} must be a prefix of data's shape "
            f"{shape_str(d.shape)}.",
        )
    return d.reshape((-1,) + d.shape[i.ndim :]), i.ravel()


def _sorted_ids(op, data, segment_ids, allowed):
    """``segment_*``'s inputs and segment count: the ids sorted, concrete (they decide the
    output's size) and one per row of ``data``."""
    i = convert(segment_ids, op=op, arg="segment_ids")
    if i.ndim != 1:
        raise OpArgumentError(op, f"segment_ids must be rank 1, got shape {shape_str(i.shape)}.")
    d, i = _segment_inputs(op, data, i, allowed)
    c = static(op, segment_ids, "segment_ids")  # the argument: converted, a constant is traced
    if c.size and (c[0] < 0 or (np.diff(c) < 0).any()):
        raise OpArgumentError(
            op,
            f"segment_ids must be sorted and non-negative, got {c.tolist()}.",
            f"tf.unsorted_{op}(data, segment_ids, num_segments)",
        )
    return d, i, int(c[-1]) + 1 if c.size else 0


def _num_segments(op, segment_ids, num_segments) -> int:
    dtype = convert(num_segments, op=op, arg="num_segments").dtype
    if dtype.kind not in "iu":
        raise OpTypeError(op, f"num_segments must be int32 or int64, got {dtype.name}.")
    n = int(static(op, num_segments, "num_segments"))
    if n < 0:
        raise OpArgumentError(op, f"num_segments must be non-negative, got {n}.")
    c = concrete(segment_ids)
    if c is not None and c.size and c.max() >= n:
        raise OpArgumentError(
            op,
            f"segment_ids[{int(np.argmax(c.ravel() >= n))}] = {int(c.max())} is out of range "
            f"[0, {n}) (TF1 raises when the op runs; traced, such ids are dropped as negative "
            "ones are).",
        )
    return n


def _counts(ids, n, like):
    c = jax.ops.segment_sum(jnp.ones(ids.shape, like.dtype), ids, n)
    return c.reshape((n,) + (1,) * (like.ndim - 1))


@functools.partial(jax.custom_jvp, nondiff_argnums=(2, 3))
def _prod(d, ids, n, is_sorted):
    return jax.ops.segment_prod(d, ids, n, indices_are_sorted=is_sorted)


@_prod.defjvp
def _prod_jvp(n, is_sorted, primals, tangents):
    """TF1's gradient of a segment product (jax has none for repeated ids): each element's
    partial is the product of the others -- the segment's product over the element, or, for
    its only zero, the product of the non-zeros; 0 in a segment with two zeros or more."""
    d, ids = primals
    out = _prod(d, ids, n, is_sorted)
    zero = d == 0
    zeros = jax.ops.segment_sum(zero.astype(np.int32), ids, n)
    nonzero = jax.ops.segment_prod(jnp.where(zero, jnp.ones((), d.dtype), d), ids, n)
    at = jnp.clip(ids, 0, max(n - 1, 0))  # dropped ids' tangents are dropped by segment_sum
    partial = jnp.where(zero, nonzero[at], out[at] / jnp.where(zero, 1, d))
    partial = jnp.where(zeros[at] > 1, jnp.zeros((), d.dtype), partial)
    return out, jax.ops.segment_sum(tangents[0] * partial, ids, n)


def _segment(kind, d, ids, n, empty_fill=None):
    sort = {"indices_are_sorted": empty_fill is not None}
    if kind in ("sum", "mean", "sqrt_n"):
        out = jax.ops.segment_sum(d, ids, n, **sort)
        if kind == "sum":
            return out
        cnt = jnp.maximum(_counts(ids, n, d), 1)
        if d.dtype.kind in "iu" and empty_fill is not None:  # segment_mean: integer division
            return lax.div(out, cnt)
        if d.dtype.kind in "iu":
            to = canonical(np.float32 if d.dtype.itemsize < 4 else np.float64)
            out, cnt = out.astype(to), cnt.astype(to)
        return out / (jnp.sqrt(cnt) if kind == "sqrt_n" else cnt)
    if kind == "prod":
        return _prod(d, ids, n, empty_fill is not None)
    fn = jax.ops.segment_max if kind == "max" else jax.ops.segment_min
    out = fn(d, ids, n, **sort)
    if empty_fill is None:  # unsorted: TF1 fills an empty segment with the lowest/highest value
        info = jnp.iinfo(d.dtype) if d.dtype.kind in "iu" else jnp.finfo(d.dtype)
        empty_fill = info.min if kind == "max" else info.max
    return jnp.where(_counts(ids, n, d) > 0, out, jnp.asarray(empty_fill, d.dtype))


def _sorted_op(kind, op_type, allowed):
    op = f"segment_{kind}"

    def segment_op(data, segment_ids, name=None):
        op_name(name, op_type)
        d, i, n = _sorted_ids(op, data, segment_ids, allowed)
        return _segment(kind, d, i, n, empty_fill=0)

    segment_op.__name__ = segment_op.__qualname__ = op
    what, example = _WHAT[kind]
    segment_op.__doc__ = _doc(
        op,
        "an empty segment is 0" + (", 1 for a product" if kind == "prod" else ""),
        differs="the segment ids must be concrete (they decide the output's size), so it is "
        "refused under jax.jit with traced ids; TF1 takes an ids tensor.",
        op_type=op_type,
        summary=f"The {what} of ``data``'s rows in each segment: row ``i`` belongs to segment "
        "``segment_ids[i]``.",
        args="data: A tensor of a number dtype"
        + (" (real: no complex)" if allowed is REAL else "")
        + ".\nsegment_ids: A 1-D int32/int64 tensor, sorted and non-negative, as long as "
        "``data``'s\n    first dimension; known when the program is traced.",
        returns="A jax array of ``data``'s dtype and shape ``[segment_ids[-1] + 1] + "
        "data.shape[1:]``.",
        raises="TypeError: ``data`` or ``segment_ids`` has a dtype the op does not take.\n"
        "ValueError: the ids are not sorted and non-negative, not 1-D, not one per row, or "
        "traced.",
        example=f">>> tf.segment_{kind}([1., 2., 3., 4.], [0, 0, 1, 1])\n{example}",
    )
    return segment_op


def _unsorted_op(kind, op_type, allowed, note):
    op = f"unsorted_segment_{kind}"

    def unsorted_op(data, segment_ids, num_segments, name=None):
        op_name(name, op_type)
        d, i = _segment_inputs(op, data, segment_ids, allowed, ("int16", "int32", "int64"))
        return _segment(kind, d, i, _num_segments(op, segment_ids, num_segments))

    unsorted_op.__name__ = unsorted_op.__qualname__ = op
    what, _ = _WHAT[kind]
    unsorted_op.__doc__ = _doc(
        op,
        f"negative ids are dropped; an empty segment is {note}",
        differs="an id >= num_segments is refused with a ValueError when the ids are concrete "
        "(TF1 raises InvalidArgumentError when the op runs); traced under jax.jit it cannot be "
        "checked and is dropped.",
        op_type=op_type,
        summary=f"The {what} of ``data``'s slices in each of ``num_segments`` segments, in any "
        "order.",
        args="data: A tensor of a "
        + ("float" if allowed is F else "real number" if allowed is REAL else "number")
        + " dtype.\nsegment_ids: An int16/int32/int64 tensor whose shape is a prefix of "
        "``data``'s: the\n    segment of each slice (negative: dropped).\nnum_segments: The "
        "number of segments: an integer known when the program is traced.",
        returns="A jax array of ``data``'s dtype"
        + (" (a float for integers)" if kind in ("mean", "sqrt_n") else "")
        + " and shape ``[num_segments] + data.shape[segment_ids.ndim:]``.",
        raises="TypeError: ``data``, ``segment_ids`` or ``num_segments`` has a dtype the op does "
        "not take.\nValueError: ``segment_ids``' shape is not a prefix of ``data``'s, "
        "``num_segments`` is\n    negative or traced, or a concrete id is >= ``num_segments``.",
        example=_UNSORTED_EXAMPLES[kind],
    )
    return unsorted_op


_WHAT = {
    "sum": ("sum", "Array([3., 7.], dtype=float32)"),
    "prod": ("product", "Array([ 2., 12.], dtype=float32)"),
    "mean": ("mean", "Array([1.5, 3.5], dtype=float32)"),
    "max": ("maximum", "Array([2., 4.], dtype=float32)"),
    "min": ("minimum", "Array([1., 3.], dtype=float32)"),
    "sqrt_n": ("sum divided by the square root of the count", ""),
}
_UNSORTED_EXAMPLES = {
    "sum": ">>> tf.unsorted_segment_sum([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2., 4.], dtype=float32)",
    "prod": ">>> tf.unsorted_segment_prod([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2., 3.], dtype=float32)",
    "max": ">>> tf.unsorted_segment_max([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2., 3.], dtype=float32)",
    "min": ">>> tf.unsorted_segment_min([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2., 1.], dtype=float32)",
    "mean": ">>> tf.unsorted_segment_mean([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2., 2.], dtype=float32)",
    "sqrt_n": ">>> tf.unsorted_segment_sqrt_n([1., 2., 3., 4.], [1, 0, 1, -1], 2)\nArray([2.      , 2.828427], dtype=float32)",
}

segment_sum = _sorted_op("sum", "SegmentSum", NUM)
segment_prod = _sorted_op("prod", "SegmentProd", NUM)
segment_mean = _sorted_op("mean", "SegmentMean", NUM)
segment_max = _sorted_op("max", "SegmentMax", REAL)
segment_min = _sorted_op("min", "SegmentMin", REAL)
unsorted_segment_sum = _unsorted_op("sum", "UnsortedSegmentSum", NUM, "0")
unsorted_segment_prod = _unsorted_op("prod", "UnsortedSegmentProd", NUM, "1")
unsorted_segment_max = _unsorted_op("max", "UnsortedSegmentMax", REAL, "the dtype's lowest value")
unsorted_segment_min = _unsorted_op("min", "UnsortedSegmentMin", REAL, "the dtype's highest value")
unsorted_segment_mean = _unsorted_op("mean", "UnsortedSegmentMean", REAL, "0")
unsorted_segment_mean.__doc__ = unsorted_segment_mean.__doc__.replace(
    "is dropped.",
    "is dropped. Integers divide as in truediv: float32 unless jax_enable_x64 (TF1: float64).",
    1,
)
unsorted_segment_sqrt_n = _unsorted_op("sqrt_n", "UnsortedSegmentSqrtN", F, "0")
