"""Random programs mixing tf.layers calls (functional and class forms, default and explicit
names, every reuse mode) with variable scopes (by name, default_name, re-entered, reuse modes),
name scopes and reuse_variables(), each run against tf.compat.v1.layers and jaxscope.layers:
every record (each call's output shape or error class, scope names, the final global and
trainable variable lists, UPDATE_OPS and REGULARIZATION_LOSSES counts) must match."""

import random

import jax
import numpy as np
import pytest

import jaxscope as js

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning")

N_PROGRAMS = 500
NAMES = [None, None, "a", "b"]
REUSE = [None, None, True, "AUTO"]
LAYERS = ["dense", "conv2d", "batch_normalization", "dropout", "flatten", "max_pooling2d",
          "separable_conv2d", "conv2d_transpose", "Dense", "shared"]  # fmt: skip
BUILTINS = (NotImplementedError, TypeError, ValueError, RuntimeError, LookupError)


def generate(rnd: random.Random, depth: int = 0) -> list:
    body = []
    for _ in range(rnd.randint(1, 5 if depth == 0 else 3)):
        kind = rnd.choices(
            ["layer", "vs", "vs_default", "ns", "reuse_vars"],
            weights=[8, 3 if depth < 2 else 0, 1 if depth < 2 else 0, 1 if depth < 2 else 0, 1],
        )[0]
        if kind == "layer":
            body.append(("layer", rnd.choice(LAYERS), rnd.choice(NAMES), rnd.choice(REUSE),
                         rnd.choice([2, 3]), rnd.random() < 0.3, rnd.random() < 0.2))  # fmt: skip
        elif kind == "vs":
            body.append(
                ("vs", rnd.choice(["s", "t", "a"]), rnd.choice(REUSE), generate(rnd, depth + 1))
            )
        elif kind == "vs_default":
            body.append(("vs_default", rnd.choice(["s", "dense"]), generate(rnd, depth + 1)))
        elif kind == "ns":
            body.append(("ns", rnd.choice(["s", "dense"]), generate(rnd, depth + 1)))
        else:
            body.append(("reuse_vars",))
    return body


def run(S, ast, x):
    L = S.layers
    items = []
    shared = L.Dense(3, name="shared_dense")

    def reg(w):
        return 0.5 * (S.reduce_sum(w) if S is not js else w.sum())

    def rec(fn):
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001 - we record which builtin class it is
            items.append(("raises", next(c.__name__ for c in BUILTINS if isinstance(e, c))))
            return
        shape = out.shape.as_list() if hasattr(out.shape, "as_list") else list(out.shape)
        items.append(tuple(shape))

    def layer(kind, name, reuse, width, regularized, training):
        reuse = S.AUTO_REUSE if reuse == "AUTO" else reuse
        flat = L.flatten(x[:, :2, :2, :])
        kw = {"name": name, "reuse": reuse}
        r = {"kernel_regularizer": reg} if regularized else {}
        if kind == "dense":
            return L.dense(flat, width, **kw, **r)
        if kind == "conv2d":
            return L.conv2d(x, width, 3, **kw, **r)
        if kind == "separable_conv2d":
            return L.separable_conv2d(x, width, 2, **kw)
        if kind == "conv2d_transpose":
            return L.conv2d_transpose(x, width, 2, strides=2, **kw, **r)
        if kind == "batch_normalization":
            return L.batch_normalization(x, training=training, scale=width == 2, **kw)
        if kind == "dropout":
            return L.dropout(x, 0.5, name=name)
        if kind == "flatten":
            return L.flatten(x, name=name)
        if kind == "max_pooling2d":
            return L.max_pooling2d(x, 2, 2, name=name)
        if kind == "Dense":
            return L.Dense(width, name=name, **r)(flat)
        return shared(flat)

    def body(stmts):
        for st in stmts:
            kind = st[0]
            if kind == "layer":
                rec(lambda st=st: layer(*st[1:]))
            elif kind in ("vs", "vs_default", "ns"):
                if kind == "vs":
                    reuse = S.AUTO_REUSE if st[2] == "AUTO" else st[2]
                    cm = S.variable_scope(st[1], reuse=reuse)
                elif kind == "vs_default":
                    cm = S.variable_scope(None, default_name=st[1])
                else:
                    cm = S.name_scope(st[1])
                try:
                    entered = cm.__enter__()
                except Exception as e:  # noqa: BLE001
                    items.append(("raises", next(c.__name__ for c in BUILTINS if isinstance(e, c))))
                    continue
                items.append(("enter", entered if isinstance(entered, str) else entered.name))
                try:
                    body(st[-1])
                finally:
                    cm.__exit__(None, None, None)
            else:
                S.get_variable_scope().reuse_variables()

    body(ast)
    items.append([v.name for v in S.global_variables()])
    items.append([v.name for v in S.trainable_variables()])
    items.append(len(S.get_collection(S.GraphKeys.UPDATE_OPS)))
    items.append(len(S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES)))
    return items


@pytest.mark.parametrize("chunk", range(5))
def test_random_layer_programs_match_tf1(tf1, chunk):
    per = N_PROGRAMS // 5
    x_np = np.ones([2, 4, 4, 3], np.float32)
    mismatches = []
    for seed in range(chunk * per, (chunk + 1) * per):
        ast = generate(random.Random(seed))
        with tf1.Graph().as_default():
            expected = run(tf1, ast, tf1.constant(x_np))
        got = {}

        def fn(x, ast=ast):
            got["items"] = run(js, ast, x)

        f = js.transform(fn)
        shapes = jax.eval_shape(f.init, jax.random.key(0), x_np)  # no FLOPs: records only
        if seed % 10 == 0:  # apply replays the program: the same records
            variables = jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
            f.apply(variables, x_np, mutable=True)
        if got["items"] != expected:
            mismatches.append((seed, ast, got["items"], expected))
    assert not mismatches, mismatches[0]
