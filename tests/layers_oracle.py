"""The oracle harness of the layer tests: one program text run by TF1 and by jaxscope.

Two harnesses, shared by ``test_layers.py`` / ``test_slim.py`` and by ``test_layers_random.py`` /
``test_slim_random.py``:

* :func:`check` runs a program ``call(S, *inputs)`` (``S`` is ``tf.compat.v1`` or ``jaxscope``)
  in a TF1 graph and in ``jaxscope.transform``. Both must agree on the variable names, shapes,
  dtypes and creation order; the collections in ``KEYS``; the UPDATE_OPS and ``"outs"``
  collection counts; the REGULARIZATION_LOSSES names and values; and, with TF's initial weights
  copied into the jaxscope tree: the outputs, the gradients w.r.t. the inputs and trainable
  weights, and (``updates=True``) the moving averages after ``STEPS`` training steps.
* :func:`run_program` interprets a random program (a list of statements: layer calls, variable
  and name scopes, ``reuse_variables()``, ``arg_scope``s and re-entered saved ones) and records
  each statement's output shape or error class, the scopes entered, and the final variable lists
  and collection counts; :func:`check_random_programs` compares the records over many seeds.
"""

from __future__ import annotations

import functools
import types

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js
from jaxscope._src.core import frame

RTOL, ATOL = 1e-5, 1e-5
STEPS = 3
KEYS = ["trainable_variables", "model_variables", "moving_average_variables", "my", "my_w"]
BUILTINS = (NotImplementedError, TypeError, ValueError, RuntimeError, LookupError)
# for pytestmark: tf_keras' legacy layers and tf_slim warn on every call
FILTERWARNINGS = (
    "ignore:.*is deprecated and will be removed:UserWarning",
    "ignore::DeprecationWarning",
)


def ops(S):
    """The few ops whose names differ between TF1 and JAX."""
    if S is js:
        return types.SimpleNamespace(relu=jax.nn.relu, sum=jnp.sum, square=jnp.square,
                                     tanh=jnp.tanh, ones=jnp.ones)  # fmt: skip
    return types.SimpleNamespace(relu=S.nn.relu, sum=S.reduce_sum, square=S.square, tanh=S.tanh,
                                 ones=S.ones)  # fmt: skip


REG = {  # regularizers written once for both sides
    "sum": lambda o: lambda w: 0.1 * o.sum(w),
    "sq": lambda o: lambda w: 0.01 * o.sum(o.square(w)),
}


def builtin_name(e: Exception) -> str:
    """The builtin class TF1 raised (what a ported ``except`` clause catches)."""
    return next(c.__name__ for c in BUILTINS if isinstance(e, c))


# -- check: one program, values included ---------------------------------------------------------
def _inputs(shapes, seed=0):
    rnd = np.random.RandomState(seed)
    return [rnd.randn(*s).astype(np.float32) for s in shapes]


def _step_inputs(xs, step):
    return [x * (1.0 + 0.25 * step) + 0.5 * step for x in xs]


def _names(items):
    return [getattr(v, "name", None) for v in items]


def _reg_prefix(name):
    return name.rsplit("/", 1)[0]


def run_tf(tf, call, xs):
    """TF1's records, outputs, gradients, and values after STEPS update runs.

    Sessions run without Grappler (tests/conftest.py turns it off for all), and the initial
    values are loaded back in one run, feeding every variable's initializer as ``Variable.load`` does one by one."""
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        phs = [tf.placeholder(tf.float32, x.shape) for x in xs]
        out = call(tf, *phs)
        gv, tv = tf.global_variables(), tf.trainable_variables()
        regs = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        weight = np.random.RandomState(1).randn(*out.shape.as_list()).astype(np.float32)
        grads = tf.gradients(tf.reduce_sum(out * weight), phs + tv)
        # a gather's gradient (embed_sequence) is IndexedSlices: compare it densely
        grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
        rec = dict(
            vars=[(v.name, tuple(v.shape.as_list()), v.dtype.base_dtype.name) for v in gv],
            collections={k: _names(tf.get_collection(k)) for k in KEYS},
            reg_names=[_reg_prefix(r.name) for r in regs],
            n_updates=len(ups), n_outs=len(tf.get_collection("outs")), weight=weight,
        )  # fmt: skip
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = dict(zip(phs, xs, strict=True))
            rec["init"] = sess.run(gv)
            rec["out"], rec["grads"], rec["regs"] = sess.run([out, grads, regs], feed)
            sess.run(  # undo in-place updates
                [v.initializer for v in gv],
                {v.initializer.inputs[1]: value for v, value in zip(gv, rec["init"], strict=True)},
            )
            for step in range(STEPS):
                sess.run([out, ups], dict(zip(phs, _step_inputs(xs, step), strict=True)))
            rec["final"] = sess.run(gv)
    return rec


def _tree(names_trainable, values):
    tree = {"params": {}}
    for (name, trainable), value in zip(names_trainable, values, strict=True):
        sub = tree.setdefault("params" if trainable else "state", {})
        *parents, leaf = name.removesuffix(":0").split("/")
        for p in parents:
            sub = sub.setdefault(p, {})
        sub[leaf] = jnp.asarray(value)
    return tree


def _get(tree, name):
    for part in name.removesuffix(":0").split("/"):
        tree = tree[part]
    return tree


def moved(want):
    """The variables TF's training steps changed."""
    return [f for f, i in zip(want["final"], want["init"], strict=True) if not np.allclose(f, i)]


# -- random programs: records only ---------------------------------------------------------------
def run_program(S, L, ast, x, make_layer):
    """Interprets ``ast`` with ``S`` (tf.compat.v1 or jaxscope) and ``L`` (tf_slim or
    jaxscope.slim; None for programs without arg_scopes). ``make_layer(S, L, x, reg)`` returns
    the function that makes the call of a ``("layer", *args)`` statement from ``args`` (made
    once per program, so it can hold a layer object shared by several statements). Returns the
    records."""
    items, saved = [], []

    def reg(w):
        return 0.5 * (S.reduce_sum(w) if S is not js else w.sum())

    layer = make_layer(S, L, x, reg)

    def rec(fn):
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001 - we record which builtin class it is
            items.append(("raises", builtin_name(e)))
            return
        items.append(tuple(out.shape.as_list() if hasattr(out.shape, "as_list") else out.shape))

    def body(stmts):
        for st in stmts:
            kind = st[0]
            if kind == "layer":
                rec(lambda st=st: layer(*st[1:]))
                continue
            if kind == "reuse_vars":
                S.get_variable_scope().reuse_variables()
                continue
            if kind == "vs":
                cm = S.variable_scope(st[1], reuse=S.AUTO_REUSE if st[2] == "AUTO" else st[2])
            elif kind == "vs_default":
                cm = S.variable_scope(None, default_name=st[1])
            elif kind == "ns":
                cm = S.name_scope(st[1])
            elif kind == "arg_scope":
                arg, value = st[2]
                value = {"bn": L.batch_norm, "reg": reg}.get(value, value)
                cm = L.arg_scope([getattr(L, op) for op in st[1]], **{arg: value})
            else:  # "saved": re-enter the last arg_scope entered
                cm = L.arg_scope(saved[-1] if saved else {})
            try:
                entered = cm.__enter__()
            except Exception as e:  # noqa: BLE001
                items.append(("raises", builtin_name(e)))
                continue
            if kind == "arg_scope":
                saved.append(entered)
                items.append(("arg_scope", len(entered)))
            elif kind != "saved":
                items.append(("enter", entered if isinstance(entered, str) else entered.name))
            try:
                body(st[-1])
            finally:
                cm.__exit__(None, None, None)

    body(ast)
    items.append([v.name for v in S.global_variables()])
    items.append([v.name for v in S.trainable_variables()])
    items.append([v.name for v in S.get_collection(S.GraphKeys.MODEL_VARIABLES)])
    items.append(len(S.get_collection(S.GraphKeys.UPDATE_OPS)))
    items.append(len(S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES)))
    return items


def check_random_programs(tf1, tf_lib, js_lib, generate, make_layer, seeds):
    """Runs the program of each seed (``generate(random.Random(seed))``) on both sides: the
    records must match; every tenth program is also replayed by ``apply``."""
    import random

    x_np = np.ones([2, 4, 4, 3], np.float32)
    mismatches = []
    for seed in seeds:
        ast = generate(random.Random(seed))
        with tf1.Graph().as_default():
            expected = run_program(tf1, tf_lib, ast, tf1.constant(x_np), make_layer)
        got = {}

        def fn(x, ast=ast):
            got["items"] = run_program(js, js_lib, ast, x, make_layer)

        f = js.transform(fn)
        shapes = jax.eval_shape(f.init, jax.random.key(0), x_np)  # no FLOPs: records only
        if seed % 10 == 0:  # apply replays the program: the same records
            # abstractly too: only its records are compared, and an eager apply compiles each
            # new primitive and shape on its own
            jax.eval_shape(functools.partial(f.apply, mutable=True), shapes, x_np)
        if got["items"] != expected:
            mismatches.append((seed, ast, got["items"], expected))
    assert not mismatches, (len(mismatches), mismatches[0])


# -- statements one by one: names, reuse and errors ---------------------------------------------
def record_statements(S, stmts, *args):
    """Runs each ``stmt(S, *args)``; records its output shape (or a returned string or None) or
    the builtin class of its error, then the global variables with their shapes and the
    trainable and model variables."""
    items = []
    for st in stmts:
        try:
            out = st(S, *args)
        except Exception as e:  # noqa: BLE001 - we record which builtin class it is
            items.append(("raises", builtin_name(e)))
            continue
        if isinstance(out, str) or out is None:
            items.append(out)
        else:
            items.append(tuple(out.shape.as_list() if hasattr(out.shape, "as_list") else out.shape))
    items.append([(v.name, tuple(np.shape(v) if S is js else v.shape.as_list()))
                  for v in S.global_variables()])  # fmt: skip
    items.append([v.name for v in S.trainable_variables()])
    items.append([v.name for v in S.get_collection(S.GraphKeys.MODEL_VARIABLES)])
    return items


def in_scope(name, stmt, **kw):
    """``stmt`` inside ``variable_scope(name, **kw)`` (``reuse="AUTO"`` for ``AUTO_REUSE``)."""

    def run(S, *args):
        with S.variable_scope(
            name, **{k: (S.AUTO_REUSE if v == "AUTO" else v) for k, v in kw.items()}
        ):
            return stmt(S, *args)

    return run


# -- check: both sides compared, the jaxscope side as one XLA program ----------------------------
def run_js(call, xs, want, updates):
    """jaxscope's records, outputs, gradients and final values, computed by TF's calls (``init``'s shapes and records,
    ``apply``, the gradients of ``sum(out * weight)``, ``STEPS`` training steps) but compiled
    once: ``init`` runs under ``jax.eval_shape`` (only its shapes and records are compared; TF's
    initial values replace its values), and one ``jax.jit`` holds the apply (under ``jax.vjp``,
    whose pullback of ``weight`` is that gradient) and the steps (a ``lax.scan``). One XLA
    compile per program instead of one per primitive and shape in eager mode, and three traces
    of the program instead of six."""
    rec = {}

    def fn(*xs):
        out = call(js, *xs)
        fr = frame.current("test")
        regs = js.get_collection(js.GraphKeys.REGULARIZATION_LOSSES)
        rec.update(
            vars=[(v.name, tuple(v.shape), str(v.dtype)) for v in js.global_variables()],
            collections={k: _names(js.get_collection(k)) for k in KEYS},
            reg_names=[_reg_prefix(fr.item_names[id(r)]) for r in regs],
            n_updates=len(js.get_collection(js.GraphKeys.UPDATE_OPS)),
            n_outs=len(js.get_collection("outs")), regs=regs,
        )  # fmt: skip
        return out

    f = js.transform(fn)
    shapes = jax.eval_shape(f.init, jax.random.key(0), *xs)
    structure = dict(rec)
    trainable = want["collections"]["trainable_variables"]
    tv = set(trainable)
    variables = _tree([(n, n in tv) for n, _, _ in want["vars"]], want["init"])
    assert jax.tree.map(jnp.shape, shapes) == jax.tree.map(jnp.shape, variables)
    mutable = ["state"] if updates else False

    def run(variables, xs):
        res = f.apply(variables, *xs, mutable=mutable)
        return res if updates else (res, variables)

    applied = {}

    def step(variables, step_x):
        return run(variables, step_x)[1], None

    @jax.jit
    def everything(variables, xs, step_xs):
        def forward(xs, params):  # out, with the regularization losses beside it
            out = run({**variables, "params": params}, xs)[0]
            applied.update(rec)
            return out, applied.pop("regs")

        # the gradients of sum(out * weight) w.r.t. xs and params: the vjp of weight
        out, vjp, regs = jax.vjp(forward, xs, variables["params"], has_aux=True)
        gx, gp = vjp(jnp.asarray(want["weight"]))
        grads = list(gx) + [_get(gp, n) for n in trainable]
        if updates:  # without, run() hands back the variables it was given: the steps are no-ops
            variables, _ = jax.lax.scan(step, variables, step_xs)
        final = [_get(variables["params" if n in tv else "state"], n) for n, _, _ in want["vars"]]
        return out, regs, grads, final

    step_xs = [np.stack(x) for x in zip(*[_step_inputs(xs, s) for s in range(STEPS)], strict=True)]
    out, applied["regs"], grads, final = everything(variables, list(xs), step_xs)
    return structure, applied, out, grads, final


def check(tf1, call, shapes, updates=False, compare_final=True):
    """Runs ``call(S, *inputs)`` on both sides (inputs of ``shapes``) and compares everything;
    ``updates``: apply with ``mutable=["state"]`` and train ``STEPS`` steps. Returns TF's record
    (``init`` and ``final`` variable values, ``vars``, ``reg_names``, ...)."""
    xs = _inputs(shapes)
    want = run_tf(tf1, call, xs)
    structure, applied, out, grads, final = run_js(call, xs, want, updates)
    for rec in (structure, applied):
        for key in ("vars", "collections", "reg_names", "n_updates", "n_outs"):
            assert rec[key] == want[key], key
    np.testing.assert_allclose(out, want["out"], rtol=RTOL, atol=ATOL)
    for got, exp in zip(applied["regs"], want["regs"], strict=True):
        np.testing.assert_allclose(got, exp, rtol=RTOL, atol=ATOL)
    assert len(grads) == len(want["grads"])
    for got, exp in zip(grads, want["grads"], strict=True):
        np.testing.assert_allclose(got, exp, rtol=1e-4, atol=1e-4)
    if compare_final:
        for got, exp in zip(final, want["final"], strict=True):
            np.testing.assert_allclose(got, exp, rtol=RTOL, atol=ATOL)
    return want


def zeros(shapes):
    """Zeros of the shapes and dtypes of ``jax.eval_shape(f.init, ...)``: variables for an apply
    whose records, not values, are compared."""
    return jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
