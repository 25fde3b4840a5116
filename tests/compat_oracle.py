"""Runs one op program text against tf.compat.v1 (graph mode) and jaxscope.compat.v1.

A case is ``fn(tf, *inputs)`` where ``tf`` is either namespace and ``inputs`` are numpy arrays
(fed as ``tf.constant``). Every case of a test module is built into one TF graph and run in one
``Session.run`` (a case TF refuses at build time records its builtin error class); the jaxscope
side runs eagerly and, when asked, under ``jax.jit`` too. Results are compared value for value
with the dtype, allowing only jax's 32-bit defaults (TF1 int64/float64 -> jax int32/float32
without ``jax_enable_x64``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope.compat.v1 as jtf

BUILTINS = (TypeError, ValueError, IndexError, RuntimeError, NotImplementedError, AttributeError)
RUN_TIME_ERRORS = ("InvalidArgumentError", "OutOfRangeError")
X64 = {np.dtype(np.int64): np.dtype(np.int32), np.dtype(np.float64): np.dtype(np.float32)}


@dataclasses.dataclass
class Case:
    id: str
    fn: Callable
    inputs: tuple = ()
    grad: bool = False  # also compare d(sum(out * c))/d(float inputs)
    rtol: float = 1e-6
    atol: float = 1e-6
    # TF1 builds the case and refuses only when it runs (any OpError: InvalidArgumentError,
    # UnimplementedError, ...); jaxscope refuses when traced. run_tf fetches such a case in a
    # Session.run of its own, so the other cases still run in one.
    tf_run_time_error: bool = False
    # compute outputs and gradients in one jitted program (one compile instead of an eager
    # dispatch per primitive of the forward and backward pass)
    jit_grad: bool = False


def _builtin(e: BaseException) -> str:
    return next((c.__name__ for c in BUILTINS if isinstance(e, c)), type(e).__name__)


def _flat(out) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _coeff(shape, i):
    return np.random.RandomState(100 + i).uniform(0.5, 1.5, shape).astype(np.float32)


def run_tf(tf1, cases: list[Case]) -> dict[str, object]:
    """{case id: [arrays] (outputs, then input gradients if asked) or an error class name}."""
    results: dict[str, object] = {}
    with tf1.Graph().as_default():
        fetches, alone = {}, {}
        for case in cases:
            xs = [tf1.constant(x) for x in case.inputs]
            try:
                outs = _flat(case.fn(tf1, *xs))
            except Exception as e:  # noqa: BLE001 - the builtin class is the record
                results[case.id] = _builtin(e)
                continue
            outs = [tf1.convert_to_tensor(o) for o in outs]
            if case.grad:
                loss = tf1.add_n(
                    [
                        tf1.reduce_sum(tf1.cast(o, tf1.float32) * _coeff(o.shape.as_list(), i))
                        for i, o in enumerate(outs)
                    ]
                )
                wrt = [x for x in xs if x.dtype.is_floating]
                outs = outs + [
                    tf1.zeros_like(x) if g is None else tf1.convert_to_tensor(g)
                    for x, g in zip(wrt, tf1.gradients(loss, wrt), strict=True)
                ]
            (alone if case.tf_run_time_error else fetches)[case.id] = outs
        with tf1.Session() as sess:
            for k, v in alone.items():
                try:
                    results[k] = sess.run(v)
                except tf1.errors.OpError as e:
                    results[k] = type(e).__name__
            try:
                results.update(sess.run(fetches))
            except tf1.errors.OpError:  # one case fails at run time: run them one by one
                for k, v in fetches.items():
                    try:
                        results[k] = sess.run(v)
                    except tf1.errors.OpError as e:
                        results[k] = type(e).__name__
    return results


def run_js(case: Case, jit: bool = False):
    """The case on jaxscope.compat.v1: [arrays] like :func:`run_tf`, or an error class name."""

    def outputs(*xs):
        return [jnp.asarray(o) for o in _flat(case.fn(jtf, *xs))]

    xs = [jnp.asarray(x) for x in case.inputs]
    if case.grad and case.jit_grad:
        return _run_js_jit_grad(case, outputs, xs)
    try:
        outs = (jax.jit(outputs) if jit else outputs)(*xs)
    except Exception as e:  # noqa: BLE001
        return _builtin(e)
    if case.grad:
        floats = [i for i, x in enumerate(xs) if jnp.issubdtype(x.dtype, jnp.floating)]

        def loss(*fs):
            full = list(xs)
            for i, f in zip(floats, fs, strict=True):
                full[i] = f
            return sum(
                jnp.sum(o.astype(jnp.float32) * _coeff(o.shape, i))
                for i, o in enumerate(outputs(*full))
            )

        outs = outs + list(jax.grad(loss, range(len(floats)))(*[xs[i] for i in floats]))
    return [np.asarray(o) for o in outs]


def _run_js_jit_grad(case: Case, outputs, xs):
    floats = [i for i, x in enumerate(xs) if jnp.issubdtype(x.dtype, jnp.floating)]

    def both(*xs):
        def loss(*fs):
            full = list(xs)
            for i, f in zip(floats, fs, strict=True):
                full[i] = f
            outs = outputs(*full)
            total = sum(
                jnp.sum(o.astype(jnp.float32) * _coeff(o.shape, i)) for i, o in enumerate(outs)
            )
            return total, outs

        grad = jax.grad(loss, range(len(floats)), has_aux=True)
        grads, outs = grad(*[xs[i] for i in floats])
        return outs + list(grads)

    try:
        return [np.asarray(o) for o in jax.jit(both)(*xs)]
    except Exception as e:  # noqa: BLE001
        return _builtin(e)


def assert_same(case: Case, want, got) -> None:
    # TF1 refuses only when the op runs; jaxscope when traced
    if want in RUN_TIME_ERRORS or (case.tf_run_time_error and isinstance(want, str)):
        assert got in ("ValueError", "IndexError"), f"{case.id}: jaxscope {got!r}, TF1 {want!r}"
        return
    if isinstance(want, str) or isinstance(got, str):
        assert got == want, f"{case.id}: jaxscope {got!r}, TF1 {want!r}"
        return
    assert len(got) == len(want), f"{case.id}: {len(got)} outputs, TF1 {len(want)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        w = np.asarray(w)
        assert g.dtype == X64.get(w.dtype, w.dtype), f"{case.id}[{i}]: {g.dtype} vs TF1 {w.dtype}"
        assert g.shape == w.shape, f"{case.id}[{i}]: shape {g.shape} vs TF1 {w.shape}"
        if w.dtype.kind in "fc" or w.dtype.name == "bfloat16":
            np.testing.assert_allclose(
                g.astype(np.float64), w.astype(np.float64), case.rtol, case.atol, err_msg=case.id
            )
        else:
            np.testing.assert_array_equal(g, w, err_msg=case.id)


def _op_names() -> set[str]:
    names = set(dir(jtf))
    for space in (
        "nn",
        "image",
        "losses",
        "linalg",
        "math",
        "sparse",
        "manip",
        "random",
        "strings",
    ):
        names |= set(dir(getattr(jtf, space, None)))
    return {n for n in names if not n.startswith("_")}


def one_per_op(cases: list[Case]) -> list[Case]:
    """The first case of each op (the longest ``_``-joined prefix of the case id that names a
    compat op): a jit sample that reaches every op, where every k-th case could miss one."""
    names, seen, out = _op_names(), set(), []
    for case in cases:
        tokens = case.id.split("_")
        op = next(
            ("_".join(tokens[:k]) for k in range(len(tokens), 0, -1)
             if "_".join(tokens[:k]) in names),
            tokens[0],
        )  # fmt: skip
        if op not in seen:
            seen.add(op)
            out.append(case)
    return out
