"""Random programs mixing tf.layers calls (functional and class forms, default and explicit
names, every reuse mode) with variable scopes (by name, default_name, re-entered, reuse modes),
name scopes and reuse_variables(), each run against tf.compat.v1.layers and jaxscope.layers:
every record (each call's output shape or error class, scope names, the final global and
trainable variable lists, UPDATE_OPS and REGULARIZATION_LOSSES counts) must match."""

import random

import pytest
from layers_oracle import FILTERWARNINGS, check_random_programs

pytestmark = pytest.mark.filterwarnings(*FILTERWARNINGS)

N_PROGRAMS = 500
NAMES = [None, None, "a", "b"]
REUSE = [None, None, True, "AUTO"]
LAYERS = ["dense", "conv2d", "batch_normalization", "dropout", "flatten", "max_pooling2d",
          "separable_conv2d", "conv2d_transpose", "Dense", "shared"]  # fmt: skip


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


def make_layer(S, L, x, reg):
    L = S.layers
    shared = L.Dense(3, name="shared_dense")

    def flat():  # built only for the calls that take it (TF1 builds graph ops: not for nothing)
        return L.flatten(x[:, :2, :2, :])

    def layer(kind, name, reuse, width, regularized, training):
        reuse = S.AUTO_REUSE if reuse == "AUTO" else reuse
        kw = {"name": name, "reuse": reuse}
        r = {"kernel_regularizer": reg} if regularized else {}
        if kind == "dense":
            return L.dense(flat(), width, **kw, **r)
        if kind == "conv2d":
            return L.conv2d(x, width, 3, **kw, **r)
        if kind == "separable_conv2d":
            return L.separable_conv2d(x, width, 2, **kw)
        if kind == "conv2d_transpose":
            return L.conv2d_transpose(x, width, 2, strides=2, **kw, **r)
        if kind == "batch_normalization":
            return L.batch_normalization(
                x, training=training, scale=width == 2, renorm=regularized, **kw
            )
        if kind == "dropout":
            return L.dropout(x, 0.5, name=name)
        if kind == "flatten":
            return L.flatten(x, name=name)
        if kind == "max_pooling2d":
            return L.max_pooling2d(x, 2, 2, name=name)
        if kind == "Dense":
            return L.Dense(width, name=name, **r)(flat())
        return shared(flat())

    return layer


@pytest.mark.parametrize("chunk", range(5))
def test_random_layer_programs_match_tf1(tf1, chunk):
    per = N_PROGRAMS // 5
    check_random_programs(
        tf1, None, None, generate, make_layer, range(chunk * per, (chunk + 1) * per)
    )
