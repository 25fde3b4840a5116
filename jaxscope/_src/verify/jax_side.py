"""The jaxscope side of ``verify``: the same file (or a hand port) loaded by
``load_tf1_module``, run inside ``transform``, its variables restored from TF1's checkpoint
through jaxscope's own TF1 checkpoint reader."""

from __future__ import annotations

import os
import re
import traceback
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.checkpoint.trees import restore_tf1
from jaxscope._src.compat.errors import GraphOnlyError, OpArgumentError
from jaxscope._src.compat.porting import load_tf1_module
from jaxscope._src.core.info import inspect as inspect_variables
from jaxscope._src.core.transform import transform
from jaxscope._src.core.tree_names import flatten
from jaxscope._src.verify import steps as steps_
from jaxscope._src.verify.errors import (
    BuildFailedError,
    DataDependentShapeError,
    RefusedOpError,
)
from jaxscope._src.verify.progress import Progress
from jaxscope._src.verify.spec import BuildSpec, flatten_outputs, get_function, split_outputs
from jaxscope._src.verify.tf1_side import SideResult

_REGULARIZATION_LOSSES = "regularization_losses"


def load_function(spec: BuildSpec, replace, aliases):
    """The function as jaxscope runs it: the file loaded by ``load_tf1_module``."""
    try:
        module = load_tf1_module(spec.source, replace=replace or {}, aliases=aliases)
    except ImportError as e:  # PortingImportError: a TF1 module with no jaxscope counterpart
        raise RefusedOpError(f"import {getattr(e, 'module', e.name)!r}", spec.source, str(e)) from e
    return module, get_function(module, spec)


def _where(exc: BaseException, source: str) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    jaxscope_dir = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    mine = [f for f in frames if not os.path.abspath(f.filename).startswith(jaxscope_dir)]
    mine = [f for f in mine if "site-packages/jax" not in f.filename and f.filename != __file__]
    frame = (mine or frames)[-1]
    return f"{os.path.basename(frame.filename.split(' (edited')[0])}:{frame.lineno}"


def _model(fn, module, static, arg_scope):
    from jaxscope.compat import v1 as jtf

    scope_fn = getattr(module, arg_scope) if arg_scope else None

    def model(*args, **kwargs):
        if scope_fn is None:
            out = fn(*args, **kwargs, **static)
        else:
            with jtf.contrib.framework.arg_scope(scope_fn()):
                out = fn(*args, **kwargs, **static)
        return out, list(jtf.get_collection(_REGULARIZATION_LOSSES))

    return model


# An op's refusal of a value-dependent size (compat's OpArgumentError messages), and jax's own
# errors for the same thing in a hand port (x[mask], int(tensor), if tensor:).
_DATA_DEPENDENT = re.compile(r"depends on (the |its |their )?values|must be concrete")
_JAX_DATA_DEPENDENT = (
    jax.errors.ConcretizationTypeError,
    jax.errors.NonConcreteBooleanIndexError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
)


def _line(exc: BaseException, source: str) -> str:
    """The model file's code at ``_where``: what a jax error (which names no op) points at."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.lineno]
    where = _where(exc, source)
    frame = next((f for f in reversed(frames) if where.endswith(f":{f.lineno}") and f.line), None)
    return frame.line.strip() if frame is not None else "an operation"


def _guarded(call, source: str):
    """Runs ``call()``; what the port cannot run becomes a verify error naming its line."""
    try:
        return call()
    except OpArgumentError as e:
        if _DATA_DEPENDENT.search(str(e)):
            raise DataDependentShapeError(f"tf.{e.op}", _where(e, source),
                                          str(e).replace("\n", "\n    ")) from e  # fmt: skip
        raise BuildFailedError("jaxscope", _where(e, source), f"{type(e).__name__}: {e}") from e
    except _JAX_DATA_DEPENDENT as e:
        first = str(e).strip().splitlines()[0]
        raise DataDependentShapeError(f"`{_line(e, source)}`", _where(e, source),
                                      f"{type(e).__name__}: {first}") from e  # fmt: skip
    except GraphOnlyError as e:
        raise RefusedOpError(
            f"tf.{e.name}", _where(e, source), str(e).replace("\n", "\n    ")
        ) from e
    except AttributeError as e:
        if "jaxscope" in str(e) or "module" in str(e):
            raise RefusedOpError(repr(e.name or "?"), _where(e, source), str(e)) from e
        raise BuildFailedError("jaxscope", _where(e, source), f"{type(e).__name__}: {e}") from e
    except Exception as e:  # noqa: BLE001 -- the report names the line; the cause is chained
        raise BuildFailedError("jaxscope", _where(e, source), f"{type(e).__name__}: {e}") from e


# XLA's CPU options for a program run once: its compile time is most of the verifier's (a
# resnet_v1_50's init: 267 initializers' draws, 24 s to compile with jax's defaults, 8 s so), and
# the test suite runs every program so (tests/conftest.py).
_RUN_ONCE = {
    "xla_backend_optimization_level": 0,
    "xla_llvm_disable_expensive_passes": True,
    "xla_cpu_use_fusion_emitters": False,
}


def run_once(fn, *args, **kwargs):
    """``jax.jit(fn)(*args, **kwargs)``, compiled for one run (on CPU: less optimized, sooner)."""
    lowered = jax.jit(fn).lower(*args, **kwargs)
    options = _RUN_ONCE if jax.default_backend() == "cpu" else None
    return lowered.compile(compiler_options=options)(*args, **kwargs)


def _describe(info) -> list[dict[str, Any]]:
    return [
        {
            "name": v.name,
            "shape": tuple(v.shape),
            "dtype": np.dtype(v.dtype).name,
            "trainable": bool(v.trainable),
            "collections": tuple(c for c in v.collections if c != "global_variables"),
            "created_at": v.created_at,
        }
        for v in info
    ]


def _weighted(out, weights):
    """``sum(w * outputs)``: the scalar whose gradients are compared (and trained)."""
    net, _ = split_outputs(out)
    total = jnp.zeros((), jnp.float32)
    for path, leaf in flatten_outputs(net, "output", _is_array):
        if path in weights:
            total = total + jnp.sum(leaf * weights[path]).astype(jnp.float32)
    return total


def run_jax(spec, fn, module, args, kwargs, static, *, arg_scope, training, weights, checkpoint,
            seed, train=None, progress=None):  # fmt: skip
    """Builds, restores and runs the model in jaxscope; a :class:`SideResult` plus the restore
    report's text. ``train``: the training steps of ``verify(steps=N)``, run too; ``progress``:
    a :class:`~jaxscope._src.verify.progress.Progress`, moved on at each phase."""
    bar = progress or Progress(1, False)
    bar.phase("jaxscope: build")
    model = _model(fn, module, static, arg_scope)
    f = transform(model)
    args = [jnp.asarray(a) for a in args]
    kwargs = {k: jnp.asarray(v) for k, v in kwargs.items()}
    info = _guarded(lambda: inspect_variables(f, *args, **kwargs), spec.source)
    variables = _guarded(lambda: run_once(f.init, jax.random.key(seed), *args, **kwargs),
                         spec.source)  # fmt: skip
    initial = {k: np.asarray(v) for k, v in flatten(variables).items()}
    restored, report = variables, None
    bar.phase("jaxscope: restore TF1's checkpoint")
    if checkpoint is not None:
        restored, report = restore_tf1(variables, checkpoint, strict=False)
    mutable = ["state"] if training else False

    def loss(params, rest, rng):
        # rng: dropout's (its draws are not TF1's; verify marks what depends on them)
        result = f.apply({**rest, "params": params}, *args, rng=rng, mutable=mutable, **kwargs)
        (out, reg), new = result if mutable else (result, {})
        return _weighted(out, weights), (out, reg, new)

    params = restored.get("params", {})
    rest = {k: v for k, v in restored.items() if k != "params"}
    bar.phase("jaxscope: run (outputs, gradients, updates)")
    step = jax.value_and_grad(loss, has_aux=True)
    (_, (out, reg, new)), grads = _guarded(
        lambda: run_once(step, params, rest, jax.random.key(seed)), spec.source
    )
    net, points = split_outputs(out)
    end_points = flatten_outputs(points, "end_points", _is_array) if points is not None else []
    trained = None
    if train is not None:
        bar.phase(f"jaxscope: train {train.steps} step" + ("s" if train.steps != 1 else ""))
        total = lambda out, reg: _weighted(out, weights) + sum(reg, jnp.zeros(()))  # noqa: E731
        program = steps_.program(model, total, train)
        trained = _guarded(lambda: steps_.run_jax(program, checkpoint, args, kwargs, train.steps,
                                                  seed), spec.source)  # fmt: skip
    return SideResult(
        variables=_describe(info),
        initial=initial,
        outputs=[(p, np.asarray(v)) for p, v in flatten_outputs(net, "output", _is_array)],
        end_points=[(p, np.asarray(v)) for p, v in end_points],
        gradients={k: np.asarray(v) for k, v in flatten({"params": grads}).items()},
        updated={k: np.asarray(v) for k, v in flatten(new.get("state", {})).items()}
        if training
        else {},
        regularization=[float(r) for r in reg],
        trained=trained,
    ), report


def _is_array(x) -> bool:
    return isinstance(x, jax.Array | np.ndarray)
