"""What ``verify`` is given: the model function (``file.py:function`` or ``module:function``),
its inputs (shapes to draw from a seed, arrays, an ``.npz``), and how its outputs are named."""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from jaxscope._src.verify.errors import BuildSpecError, InputSpecError


@dataclasses.dataclass(frozen=True)
class BuildSpec:
    """``source:function``; ``source`` is a ``.py`` path or a dotted module name."""

    source: str
    function: str

    @property
    def is_path(self) -> bool:
        return self.source.endswith(".py") or os.sep in self.source

    def __str__(self) -> str:
        return f"{self.source}:{self.function}"


def parse_build(spec: str) -> BuildSpec:
    source, sep, function = str(spec).rpartition(":")
    if not sep or not source or not function.isidentifier():
        raise BuildSpecError(spec, "expected 'file.py:function' or 'module:function'")
    built = BuildSpec(source, function)
    if built.is_path and not os.path.isfile(source):
        raise BuildSpecError(spec, f"there is no file {source!r}")
    return built


def get_function(module, spec: BuildSpec) -> Callable:
    fn = getattr(module, spec.function, None)
    if not callable(fn):
        raise BuildSpecError(str(spec), f"{spec.source} defines no function {spec.function!r}")
    return fn


def _parse_shape(text: str, where: str) -> tuple[tuple[int, ...], np.dtype]:
    """``"2x28x28x1"`` or ``"2x8:int32"`` -> (shape, dtype); ``"float32"`` alone is a scalar."""
    shape_text, _, dtype_text = text.partition(":")
    try:
        if dtype_text == "" and not shape_text[:1].isdigit() and shape_text:
            shape_text, dtype_text = "", shape_text
        shape = tuple(int(d) for d in shape_text.split("x")) if shape_text else ()
        return shape, np.dtype(dtype_text or "float32")
    except (ValueError, TypeError) as e:
        raise InputSpecError(where, f"cannot read the input spec {text!r} ({e})") from None


def _draw(spec, rng: np.random.Generator, where: str) -> np.ndarray:
    if isinstance(spec, str):
        shape, dtype = _parse_shape(spec, where)
    elif hasattr(spec, "shape") and hasattr(spec, "dtype") and not isinstance(spec, np.ndarray):
        shape, dtype = tuple(spec.shape), np.dtype(spec.dtype)  # jax.ShapeDtypeStruct
    elif isinstance(spec, tuple | list) and all(isinstance(d, int) for d in spec):
        shape, dtype = tuple(spec), np.dtype("float32")
    else:
        return np.asarray(spec)
    if dtype.kind in "iu":
        return rng.integers(0, 10, size=shape).astype(dtype)  # token ids / labels: small
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)


def make_inputs(inputs, seed: int, where: str) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    """``(args, kwargs)`` of numpy arrays: a sequence gives positional inputs, a mapping or an
    ``.npz`` path keyword inputs; shapes are drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    if isinstance(inputs, str | os.PathLike) and os.fspath(inputs).endswith(".npz"):
        if not os.path.isfile(inputs):
            raise InputSpecError(where, f"there is no file {os.fspath(inputs)!r}")
        with np.load(inputs) as data:
            return [], {k: data[k] for k in data.files}
    if isinstance(inputs, str):
        inputs = [inputs]
    if isinstance(inputs, Mapping):
        return [], {str(k): _draw(v, rng, where) for k, v in inputs.items()}
    if isinstance(inputs, Sequence):
        return [_draw(v, rng, where) for v in inputs], {}
    raise InputSpecError(where, f"inputs must be a list, a dict or an .npz path, not {inputs!r}")


def check_signature(fn: Callable, where: str, args, kwargs, static: Mapping[str, Any]) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*args, **kwargs, **static)
    except TypeError as e:
        shapes = [a.shape for a in args] + [f"{k}={v.shape}" for k, v in kwargs.items()]
        raise InputSpecError(where, f"{e} (given {shapes})") from None


def static_kwargs(fn: Callable, kwargs: Mapping[str, Any], training: bool) -> dict[str, Any]:
    """The caller's keyword arguments, plus ``is_training=``/``training=`` where ``fn`` takes one
    and the caller did not set it."""
    out = dict(kwargs)
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return out
    for name in ("is_training", "training"):
        if name in params and name not in out:
            out[name] = training
    return out


def split_outputs(out):
    """``(net, end_points)`` as slim nets return them, else ``(out, None)``."""
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], Mapping):
        if not isinstance(out[0], Mapping):
            return out[0], out[1]
    return out, None


def flatten_outputs(obj, prefix: str, is_leaf: Callable[[Any], bool]) -> list[tuple[str, Any]]:
    """``[(path, leaf)]`` in the structure's own order (a dict's insertion order: TF1's creation
    order of ``end_points``): ``output[0].c``, ``end_points['vgg_a/fc8']``."""
    if obj is None:
        return []
    if is_leaf(obj):
        return [(prefix, obj)]
    if isinstance(obj, Mapping):
        items = [(f"{prefix}[{k!r}]", v) for k, v in obj.items()]
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):
        items = [(f"{prefix}.{f}", getattr(obj, f)) for f in obj._fields]
    elif isinstance(obj, tuple | list):
        items = [(f"{prefix}[{i}]", v) for i, v in enumerate(obj)]
    else:
        return []
    return [pair for path, value in items for pair in flatten_outputs(value, path, is_leaf)]


def loss_weights(leaves, seed: int) -> dict[str, np.ndarray]:
    """Fixed random weights of each floating output: the scalar whose gradients are compared is
    ``sum(w * out)``, so a transposed or permuted output changes it."""
    rng = np.random.default_rng(seed + 1)
    out = {}
    for path, shape, dtype in leaves:
        if np.dtype(dtype).kind == "f":
            out[path] = rng.standard_normal(shape).astype(dtype)
    return out
