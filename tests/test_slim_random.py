"""Random programs mixing jaxscope.slim layers (default and explicit scopes, reuse) and tf.layers
calls, nested arg_scopes (at least one per program; saved ones re-entered), variable scopes and
name scopes, repeat and stack, each run against tf_slim and jaxscope.slim: every record (each
call's output shape or error class, scope names, the final global, trainable and model variable
lists, UPDATE_OPS and REGULARIZATION_LOSSES counts) must match; every tenth program is also
replayed by ``apply``."""

import random

import pytest
from layers_oracle import FILTERWARNINGS, check_random_programs

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(*FILTERWARNINGS)

N_PROGRAMS = 500
SCOPES = [None, None, "a", "b"]
REUSE = [None, None, True, "AUTO"]
LAYERS = ["fully_connected", "conv2d", "batch_norm", "layer_norm", "dropout", "flatten",
          "max_pool2d", "avg_pool2d", "conv2d_transpose", "separable_conv2d", "repeat", "stack",
          "layers.dense", "layers.batch_normalization"]  # fmt: skip
ARGS = [("activation_fn", None), ("biases_initializer", None), ("normalizer_fn", "bn"),
        ("trainable", False), ("weights_regularizer", "reg"), ("padding", "VALID")]  # fmt: skip


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
    if depth == 0 and not _has_arg_scope(body):  # every program mixes in at least one arg_scope
        ops = rnd.sample(["fully_connected", "conv2d", "batch_norm"], rnd.randint(1, 2))
        body = [("arg_scope", ops, rnd.choice(ARGS), body)]
    return body


def _has_arg_scope(stmts) -> bool:
    return any(st[0] == "arg_scope" or (st[0] != "layer" and _has_arg_scope(st[-1]))
               for st in stmts)  # fmt: skip


def make_layer(S, L, x, reg):
    def flat():  # built only for the calls that take it (TF1 builds graph ops: not for nothing)
        return L.flatten(x[:, :2, :2, :])

    def layer(kind, scope, reuse, width, scaled):
        kw = {"scope": scope, "reuse": S.AUTO_REUSE if reuse == "AUTO" else reuse}
        if kind == "fully_connected":
            return L.fully_connected(flat(), width, **kw)
        if kind == "conv2d":
            return L.conv2d(x, width, 3, **kw)
        if kind == "conv2d_transpose":
            return L.conv2d_transpose(x, width, 2, stride=2, **kw)
        if kind == "separable_conv2d":
            return L.separable_conv2d(x, width, 2, **kw)
        if kind == "batch_norm":
            return L.batch_norm(
                x, scale=scaled, is_training=width == 2, renorm=scaled and width == 3, **kw
            )
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
            return L.repeat(flat(), width, L.fully_connected, 3, scope=scope)
        if kind == "stack":
            return L.stack(x, L.conv2d, [(width, 1)] * width, scope=scope)
        # tf.layers calls among slim's (not arg-scoped): their names beside slim's scopes
        kw = {"name": scope, "reuse": kw["reuse"]}
        if kind == "layers.dense":
            return S.layers.dense(flat(), width, kernel_regularizer=reg if scaled else None, **kw)
        return S.layers.batch_normalization(x, training=width == 2, scale=scaled, **kw)

    return layer


@pytest.mark.parametrize("chunk", range(5))
def test_random_slim_programs_match_tf_slim(tf1, slim, chunk):
    per = N_PROGRAMS // 5
    seeds = range(chunk * per, (chunk + 1) * per)
    check_random_programs(tf1, slim, js.slim, generate, make_layer, seeds)
