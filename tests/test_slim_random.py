"""Random programs mixing jaxscope.slim layers (default and explicit scopes, reuse), nested
arg_scopes (including re-entered saved ones), variable scopes and name scopes, repeat and stack,
each run against tf_slim and jaxscope.slim: every record (each call's output shape or error
class, scope names, the final global, trainable and model variable lists, UPDATE_OPS and
REGULARIZATION_LOSSES counts) must match; every tenth program is also replayed by ``apply``."""

import random

import jax
import numpy as np
import pytest

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*is deprecated and will be removed:UserWarning", "ignore::DeprecationWarning"
)

N_PROGRAMS = 300
SCOPES = [None, None, "a", "b"]
REUSE = [None, None, True, "AUTO"]
LAYERS = ["fully_connected", "conv2d", "batch_norm", "layer_norm", "dropout", "flatten",
          "max_pool2d", "avg_pool2d", "conv2d_transpose", "separable_conv2d", "repeat", "stack"]  # fmt: skip
ARGS = [("activation_fn", None), ("biases_initializer", None), ("normalizer_fn", "bn"),
        ("trainable", False), ("weights_regularizer", "reg"), ("padding", "VALID")]  # fmt: skip
BUILTINS = (NotImplementedError, TypeError, ValueError, RuntimeError, LookupError)


def generate(rnd: random.Random, depth: int = 0) -> list:
    body = []
    for _ in range(rnd.randint(1, 5 if depth == 0 else 3)):
        kind = rnd.choices(
            ["layer", "vs", "ns", "arg_scope", "saved"],
            weights=[8, 2 if depth < 2 else 0, 1 if depth < 2 else 0, 2 if depth < 2 else 0, 1],
        )[0]
        if kind == "layer":
            body.append(("layer", rnd.choice(LAYERS), rnd.choice(SCOPES), rnd.choice(REUSE),
                         rnd.choice([2, 3]), rnd.random() < 0.3))  # fmt: skip
        elif kind == "vs":
            body.append(("vs", rnd.choice(["s", "Conv", "a"]), rnd.choice(REUSE),
                         generate(rnd, depth + 1)))  # fmt: skip
        elif kind == "ns":
            body.append(("ns", rnd.choice(["s", "Conv"]), generate(rnd, depth + 1)))
        elif kind == "arg_scope":
            ops = rnd.sample(["fully_connected", "conv2d", "batch_norm"], rnd.randint(1, 2))
            body.append(("arg_scope", ops, rnd.choice(ARGS), generate(rnd, depth + 1)))
        else:
            body.append(("saved", generate(rnd, depth + 1)))
    return body


def run(S, L, ast, x):
    items = []
    saved = []

    def reg(w):
        return 0.5 * (S.reduce_sum(w) if S is not js else w.sum())

    def rec(fn):
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001 - we record which builtin class it is
            items.append(("raises", next(c.__name__ for c in BUILTINS if isinstance(e, c))))
            return
        items.append(tuple(out.shape.as_list() if hasattr(out.shape, "as_list") else out.shape))

    def layer(kind, scope, reuse, width, scaled):
        kw = {"scope": scope, "reuse": S.AUTO_REUSE if reuse == "AUTO" else reuse}
        flat = L.flatten(x[:, :2, :2, :])
        if kind == "fully_connected":
            return L.fully_connected(flat, width, **kw)
        if kind == "conv2d":
            return L.conv2d(x, width, 3, **kw)
        if kind == "conv2d_transpose":
            return L.conv2d_transpose(x, width, 2, stride=2, **kw)
        if kind == "separable_conv2d":
            return L.separable_conv2d(x, width, 2, **kw)
        if kind == "batch_norm":
            return L.batch_norm(x, scale=scaled, is_training=width == 2, **kw)
        if kind == "layer_norm":
            return L.layer_norm(x, center=not scaled, **kw)
        if kind == "dropout":
            return L.dropout(x, is_training=False, scope=scope)
        if kind == "flatten":
            return L.flatten(x, scope=scope)
        if kind == "max_pool2d":
            return L.max_pool2d(x, 2, scope=scope)
        if kind == "avg_pool2d":
            return L.avg_pool2d(x, 2, stride=1, scope=scope)
        if kind == "repeat":
            return L.repeat(flat, width, L.fully_connected, 3, scope=scope)
        return L.stack(x, L.conv2d, [(width, 1)] * width, scope=scope)

    def body(stmts):
        for st in stmts:
            kind = st[0]
            if kind == "layer":
                rec(lambda st=st: layer(*st[1:]))
                continue
            if kind == "vs":
                cm = S.variable_scope(st[1], reuse=S.AUTO_REUSE if st[2] == "AUTO" else st[2])
            elif kind == "ns":
                cm = S.name_scope(st[1])
            elif kind == "arg_scope":
                arg, value = st[2]
                value = {"bn": L.batch_norm, "reg": reg}.get(value, value)
                cm = L.arg_scope([getattr(L, op) for op in st[1]], **{arg: value})
            else:
                cm = L.arg_scope(saved[-1] if saved else {})
            try:
                entered = cm.__enter__()
            except Exception as e:  # noqa: BLE001
                items.append(("raises", next(c.__name__ for c in BUILTINS if isinstance(e, c))))
                continue
            if kind == "arg_scope":
                saved.append(entered)
                items.append(("arg_scope", len(entered)))
            elif kind in ("vs", "ns"):
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


@pytest.mark.parametrize("chunk", range(3))
def test_random_slim_programs_match_tf_slim(tf1, slim, chunk):
    per = N_PROGRAMS // 3
    x_np = np.ones([2, 4, 4, 3], np.float32)
    mismatches = []
    for seed in range(chunk * per, (chunk + 1) * per):
        ast = generate(random.Random(seed))
        with tf1.Graph().as_default():
            expected = run(tf1, slim, ast, tf1.constant(x_np))
        got = {}

        def fn(x, ast=ast):
            got["items"] = run(js, js.slim, ast, x)

        f = js.transform(fn)
        shapes = jax.eval_shape(f.init, jax.random.key(0), x_np)  # no FLOPs: records only
        if seed % 10 == 0:  # apply replays the program: the same records
            variables = jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
            f.apply(variables, x_np, mutable=True)
        if got["items"] != expected:
            mismatches.append((seed, ast, got["items"], expected))
    assert not mismatches, (len(mismatches), mismatches[0])
