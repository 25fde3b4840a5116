"""TF1 ``Tensor`` methods and what to write instead: a section of ``docs/COMPAT.md``.

A jaxscope ``Variable`` answers TF1's shape and name questions as TF1's variables do
(``v.get_shape().as_list()``, ``v.shape[-1].value``, ``v.name``); a plain jax array is not a TF1
tensor, so each row also gives its replacement. ``tests/test_compat_coverage.py`` evaluates every
``variable`` expression on a variable of shape ``[2, 3]`` inside a transform.
"""

from __future__ import annotations

import typing


class Row(typing.NamedTuple):
    tf1: tuple[str, ...]  # TF1's spellings
    variable: str | None  # an expression that works on a jaxscope Variable ``v`` of shape [2, 3]
    variable_note: str  # what it gives, or what to write instead when ``variable`` is None
    array: str  # the replacement on a plain jax array ``x``


ROWS = (
    Row(("x.get_shape()",), "v.get_shape()", "a `TensorShape` (a tuple of ints)", "`x.shape`"),
    Row(("x.shape",), "v.shape", "a `TensorShape`", "`x.shape` (a tuple of ints)"),
    Row(("x.shape.as_list()",), "v.shape.as_list()", "", "`list(x.shape)`"),
    Row(("x.get_shape().as_list()",), "v.get_shape().as_list()", "", "`list(x.shape)`"),
    Row(("x.shape.ndims",), "v.shape.ndims", "also `v.shape.rank`, `v.ndim`", "`x.ndim`"),
    Row(("x.shape[i].value",), "v.shape[-1].value", "a `Dimension` (an `int`)", "`x.shape[i]`"),
    Row(("x.shape.num_elements()",), "v.shape.num_elements()", "", "`x.size`"),
    Row(
        ("x.shape.is_fully_defined()",),
        "v.shape.is_fully_defined()",
        "always `True`",
        "`True`: jax shapes are static",
    ),
    Row(
        ("x.set_shape(shape)",),
        "v.shape.assert_is_compatible_with([2, None])",
        "shapes are static: check instead",
        "`tf.TensorShape(x.shape).assert_is_compatible_with(shape)`",
    ),
    Row(("x.name",), "v.name", 'TF1\'s, e.g. `"scope/w:0"`', "none: arrays have no names"),
    Row(
        ("x.op.name",),
        "v.name.rsplit(':', 1)[0]",
        "there is no op: strip the `:0`",
        "none: there is no graph (name outputs with `slim.utils.collect_named_outputs`)",
    ),
    Row(
        ("x.dtype",),
        "v.dtype",
        "a numpy dtype; `v.dtype == tf.float32` holds",
        "`x.dtype` (the same)",
    ),
    Row(
        ("x.dtype.base_dtype",),
        "tf.as_dtype(v.dtype).base_dtype",
        "or just `v.dtype`: there are no reference dtypes",
        "`x.dtype`",
    ),
    Row(
        ("x.dtype.is_floating",),
        "tf.as_dtype(v.dtype).is_floating",
        "`tf.as_dtype` gives TF1's `DType`",
        "`tf.as_dtype(x.dtype).is_floating` or `jnp.issubdtype(x.dtype, jnp.floating)`",
    ),
    Row(
        ("x.eval()", "sess.run(x)"),
        None,
        "`f.apply(variables, *inputs)` returns the values",
        "`np.asarray(x)` (outside `jax.jit`)",
    ),
    Row(
        ("x.graph", "tf.get_default_graph()"),
        None,
        "each `init`/`apply` call is a fresh graph; `js.inspect(f, *inputs)` lists the variables",
        "none",
    ),
    Row(
        ("x.consumers()", "x.op.inputs"),
        None,
        "none",
        "`jax.make_jaxpr(f)(*inputs)` shows the program",
    ),
    Row(("x.device",), None, "none", "`x.devices()`, `x.sharding`"),
    Row(("v.value()",), "v.value", "a property, not a method", "`x`"),
    Row(("v.read_value()",), "v.read_value()", "", "`x`"),
    Row(("v.initialized_value()",), "v.initialized_value()", "", "`x`"),
    Row(
        ("v.initializer", "v.initial_value"),
        None,
        "`variables = f.init(rng, *inputs)` creates and initializes them",
        "n/a",
    ),
    Row(
        ("v.assign(y)", "v.assign_add(y)"),
        "v.assign_add(v)",
        "later reads see the new value",
        "arrays are immutable: `x.at[i].set(y)`",
    ),
    Row(("v.trainable",), "v.trainable", "", "n/a"),
    Row(
        ("x + y", "x * y", "x / y"),
        "v + 1.0",
        "jax's operators (see the array column)",
        "jax promotes (float32 + int32 tensors is float32, TF1 a `TypeError`); write "
        "`tf.add(x, y)`, `tf.truediv(x, y)` where TF1's dtype rule matters",
    ),
    Row(
        ("x[0, 1:3]",),
        "v[0, 1:3]",
        "TF1's strided slice: an integer index out of range raises",
        "`x[0, 1:3]` (jax clamps an integer index out of range)",
    ),
)


def render() -> list[str]:
    """The section's markdown lines."""
    lines = [
        "## TF1 `Tensor` methods on jax arrays",
        "",
        "jaxscope's `Variable` (what `tf.get_variable` returns) answers TF1's shape and name",
        "questions as TF1's variables do: `v.get_shape()` and `v.shape` are a `TensorShape` (a",
        "tuple of ints with `as_list()`, `ndims`, `[i].value`, ...) and `v.name` is TF1's name",
        "with `:0`. A plain jax array is not a TF1 tensor: it has numpy's attributes (`shape` is a",
        "tuple, `ndim`, `dtype`) and no name, op or graph. A TF1 line that calls a tensor method",
        "on an array is the one kind of line a port edits (`load_tf1_module(..., replace=)`, see",
        "`docs/PORTING.md`). `v` below is a variable of shape `[2, 3]`; each expression in its",
        "column is run by `tests/test_compat_coverage.py`.",
        "",
        "| TF1 | jaxscope `Variable` `v` | plain jax array `x` |",
        "|---|---|---|",
    ]
    for row in ROWS:
        if row.variable is None:
            variable = "-- " + row.variable_note
        else:
            variable = f"`{row.variable}`" + (f": {row.variable_note}" if row.variable_note else "")
        cells = [f"`{spelling}`" for spelling in row.tf1]
        lines.append(f"| {', '.join(cells)} | {variable} | {row.array} |")
    return lines
