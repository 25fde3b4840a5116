"""The TF1 side of ``verify``: the model built by the real ``tensorflow.compat.v1`` in graph mode,
its initial values saved by a TF1 ``Saver``, its outputs, gradients and updates run in a Session.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import sys
import traceback
import warnings
from typing import Any

import numpy as np

from jaxscope._src.verify import steps as steps_
from jaxscope._src.verify.errors import BuildFailedError, InputSpecError, TensorFlowMissingError
from jaxscope._src.verify.spec import BuildSpec, flatten_outputs, get_function, split_outputs
from jaxscope._src.verify.steps import Trained

# The variable collections both sides keep (TF1's GraphKeys values).
COLLECTIONS = ("variables", "trainable_variables", "model_variables", "local_variables")


@dataclasses.dataclass
class SideResult:
    """What one side built and computed; names are TF1's (``scope/w``, no ``:0``)."""

    variables: list[dict[str, Any]]  # name, shape, dtype, trainable, collections, created_at
    initial: dict[str, np.ndarray]
    outputs: list[tuple[str, np.ndarray]]
    end_points: list[tuple[str, np.ndarray]]
    gradients: dict[str, np.ndarray]
    updated: dict[str, np.ndarray]  # non-trainable variables after one training step
    regularization: list[float]
    checkpoint: str | None = None
    trained: Trained | None = None  # verify(steps=N)
    # what depends on a random draw of the forward pass (dropout): label -> the TF1 random op;
    # labels are outputs' / end points' paths, variable names (gradients, moving averages) and
    # LOSS (the training loss, so every step)
    random: dict[str, str] = dataclasses.field(default_factory=dict)


LOSS = "<loss>"


def _random_sources(graph) -> dict:
    """``{op: name of a random op it depends on}`` for every op of ``graph`` with one: a
    forward pass's dropout, TF1's random ops. Initializers' draws do not count: a variable's read
    has no inputs. Ops in creation order, so inputs first (a while loop's back edge is missed)."""
    source: dict = {}
    for op in graph.get_operations():
        if "Random" in op.type or op.type in ("TruncatedNormal", "Multinomial"):
            source[op] = op.name
            continue
        found = next((source[i.op] for i in op.inputs if i.op in source), None)
        if found is not None:
            source[op] = found
    return source


def _random_labels(graph, outputs, end_points, trainable, grads, updates, loss) -> dict[str, str]:
    source = _random_sources(graph)
    out = {p: source[t.op] for p, t in [*outputs, *end_points] if t.op in source}
    out.update({v.op.name: source[g.op] for v, g in zip(trainable, grads, strict=True)
                if g.op in source})  # fmt: skip
    for update in updates:
        op = getattr(update, "op", update)
        if op in source:
            refs = [i.op.name for i in op.inputs if i.op.type in ("VariableV2", "VarHandleOp")]
            out.update({name: source[op] for name in refs})
    if loss.op in source:
        out[LOSS] = source[loss.op]
    return out


def load_tf():
    """``tensorflow.compat.v1`` in graph mode (Keras 2 for ``tf.layers``), tf_slim importable."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    try:
        import tensorflow.compat.v1 as tf
    except ImportError as e:
        raise TensorFlowMissingError() from e
    tf.logging.set_verbosity(tf.logging.ERROR)  # first: disable_v2_behavior logs a notice
    tf.disable_v2_behavior()
    try:  # tf_slim 1.1.0 on TF 2.16+: two renamed modules
        import tf_keras.src.legacy_tf_layers as legacy
        from tensorflow.python.framework import ops

        if not hasattr(ops, "Tensor"):
            ops.Tensor = tf.Tensor
        sys.modules.setdefault("tf_keras.legacy_tf_layers", legacy)
    except ImportError:
        pass
    return tf


def load_function(spec: BuildSpec):
    """The function as TF1 runs it: the file imported with its own (real) imports."""
    if not spec.is_path:
        try:
            module = importlib.import_module(spec.source)
        except ImportError as e:
            raise BuildFailedError("TensorFlow", spec.source, f"cannot import it: {e}") from e
        return module, get_function(module, spec)
    path = os.path.abspath(spec.source)
    name = "_jaxscope_verify_" + os.path.splitext(os.path.basename(path))[0]
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.path.insert(0, os.path.dirname(path))  # its neighbours, as `python file.py` would
    try:
        module_spec.loader.exec_module(module)
    finally:
        sys.path.remove(os.path.dirname(path))
    return module, get_function(module, spec)


def _where(exc: BaseException, files: tuple[str, ...]) -> str:
    """``file.py:12`` of the innermost frame in one of ``files`` (the model), else the last."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if os.path.abspath(f.filename) in files] or frames[-1:]
    return f"{os.path.basename(mine[-1].filename)}:{mine[-1].lineno}" if mine else "?"


def _build(tf, fn, args, kwargs, static, scope_fn, where):
    with warnings.catch_warnings():
        # TF's notes on the original's TF1 calls ("`tf.layers.dense` is deprecated")
        warnings.filterwarnings("ignore", message=".*is deprecated.*", category=UserWarning)
        return _call(tf, fn, args, kwargs, static, scope_fn, where)


def _call(tf, fn, args, kwargs, static, scope_fn, where):
    try:
        tensors = [tf.constant(a) for a in args]
        named = {k: tf.constant(v) for k, v in kwargs.items()}
        if scope_fn is None:
            return fn(*tensors, **named, **static)
        import tf_slim

        with tf_slim.arg_scope(scope_fn()):
            return fn(*tensors, **named, **static)
    except (ValueError, TypeError) as e:
        if "shape" in str(e).lower() or "rank" in str(e).lower():
            raise InputSpecError(where, f"TF1 refuses them: {e}") from e
        raise BuildFailedError("TensorFlow", _where(e, (fn.__code__.co_filename,)), str(e)) from e


def _describe(tf, graph, variables) -> list[dict[str, Any]]:
    members = {key: {id(v) for v in graph.get_collection(key)} for key in COLLECTIONS}
    trainable = {id(v) for v in tf.trainable_variables()}
    return [
        {
            "name": v.op.name,
            "shape": tuple(v.shape.as_list()),
            "dtype": v.dtype.base_dtype.name,
            "trainable": id(v) in trainable,
            "collections": tuple(k for k in COLLECTIONS if id(v) in members[k]),
            "created_at": None,
        }
        for v in variables
    ]


def run_tf1(
    tf,
    spec,
    fn,
    module,
    args,
    kwargs,
    static,
    *,
    arg_scope,
    training,
    weights,
    workdir,
    seed=0,
    train=None,
):
    """Builds and runs the model in a fresh graph; returns a :class:`SideResult` with the path of
    the checkpoint its Saver wrote. ``weights(leaves)`` gives the loss weights of the outputs;
    ``train`` (a :class:`~jaxscope._src.verify.steps.Training`) adds its training steps."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)  # TF1's initial values, the same each run
        scope_fn = getattr(module, arg_scope) if arg_scope else None
        out = _build(tf, fn, args, kwargs, static, scope_fn, str(spec))
        net, points = split_outputs(out)
        is_leaf = lambda x: isinstance(x, tf.Tensor)  # noqa: E731
        outputs, end_points = flatten_outputs(net, "output", is_leaf), []
        if points is not None:
            end_points = flatten_outputs(points, "end_points", is_leaf)
        leaves = [(p, tuple(t.shape.as_list()), t.dtype.as_numpy_dtype) for p, t in outputs]
        w = weights(leaves)
        terms = [tf.reduce_sum(t * w[p]) for p, t in outputs if p in w]
        loss = tf.add_n(terms) if terms else tf.constant(0.0)
        variables = tf.global_variables()
        trainable = tf.trainable_variables()
        grads = tf.gradients(loss, trainable) if trainable else []
        grads = [
            tf.zeros_like(v) if g is None else tf.convert_to_tensor(g)
            for v, g in zip(trainable, grads, strict=True)
        ]
        reg = tf.losses.get_regularization_losses()
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        described = _describe(tf, graph, variables)
        saver = tf.train.Saver(variables) if variables else None
        train = train if trainable else None  # nothing to train: no training checks
        if train is not None:  # after the Saver: it saves the model's variables, not the slots
            total = loss + tf.add_n(reg) if reg else loss
            train_op = steps_.train_op_tf1(tf, total, train)
        config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
        config.graph_options.rewrite_options.disable_meta_optimizer = True
        with tf.Session(graph=graph, config=config) as sess:
            sess.run(tf.global_variables_initializer())
            initial = sess.run({v.op.name: v for v in variables})
            prefix = saver.save(sess, os.path.join(workdir, "model.ckpt")) if saver else None
            values = sess.run([dict(outputs), dict(end_points), grads, reg])
            updated = {}
            if training and updates:
                sess.run(updates)
                fixed = {id(v) for v in trainable}
                updated = sess.run({v.op.name: v for v in variables if id(v) not in fixed})
        random = _random_labels(graph, outputs, end_points, trainable, grads, updates, loss)
        trained = None
        if train is not None:
            trained = steps_.run_tf1(tf, graph, config, saver, prefix, total, train_op, train.steps)
    return SideResult(
        variables=described,
        initial=initial,
        outputs=[(p, values[0][p]) for p, _ in outputs],
        end_points=[(p, values[1][p]) for p, _ in end_points],
        gradients={v.op.name: g for v, g in zip(trainable, values[2], strict=True)},
        updated=updated,
        regularization=[float(r) for r in values[3]],
        checkpoint=prefix,
        trained=trained,
        random=random,
    )
