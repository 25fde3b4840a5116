"""jaxscope.layers against tf.compat.v1.layers (tf_keras' legacy layers, graph mode).

Each program is written once, ``prog(S, o, *inputs)`` with ``S`` the module (``tf.compat.v1`` or
``jaxscope``) and ``o`` the few ops that differ (activations, sums). For every program both sides
must agree on: variable names, shapes, dtypes and creation order, the trainable, model and
moving-average collections, the UPDATE_OPS count and the REGULARIZATION_LOSSES names and values;
and, with TF's initial weights copied into the jaxscope tree: the outputs, the gradients w.r.t.
inputs and trainable weights, and (training=True) the moving averages after three training
steps. The harness is ``layers_oracle.py``, shared with ``test_slim.py``.
"""

import inspect

import jax
import numpy as np
import pytest
from layers_oracle import FILTERWARNINGS, REG, in_scope, moved, ops, record_statements
from layers_oracle import check_compiled as check_program

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(*FILTERWARNINGS)


def check(tf1, prog, shapes, training=None, compare_final=True):
    """``prog(S, o, *inputs[, training=])`` on both sides (see ``layers_oracle.check_compiled``)."""

    def call(S, *xs):
        if training is None:
            return prog(S, ops(S), *xs)
        return prog(S, ops(S), *xs, training=training)

    return check_program(tf1, call, shapes, updates=bool(training), compare_final=compare_final)


def _l(S):
    return S.layers


DENSE = {
    "plain": (lambda S, o, x: _l(S).dense(x, 4), [(3, 5)]),
    "two_and_rank3": (
        lambda S, o, x: _l(S).dense(_l(S).dense(x, 4, activation=o.relu), 2, use_bias=False),
        [(2, 3, 5)],
    ),
    "regularized": (
        lambda S, o, x: _l(S).dense(
            x,
            3,
            activation=o.tanh,
            kernel_regularizer=REG["sq"](o),
            bias_regularizer=REG["sum"](o),
            activity_regularizer=REG["sum"](o),
        ),  # fmt: skip
        [(4, 5)],
    ),
    "scope_regularizer_and_not_trainable": (
        lambda S, o, x: _scoped(
            S,
            "r",
            lambda: _l(S).dense(_l(S).dense(x, 3, trainable=False), 2),
            regularizer=REG["sum"](o),
        ),  # fmt: skip
        [(4, 5)],
    ),
    "class_form_called_twice": (
        lambda S, o, x: _twice(_l(S).Dense(3, name="shared"), x),
        [(2, 3)],
    ),
    "flatten": (lambda S, o, x: _l(S).dense(_l(S).flatten(x), 2), [(2, 3, 4)]),
    "flatten_channels_first": (
        lambda S, o, x: _l(S).dense(_l(S).flatten(x, data_format="channels_first"), 2),
        [(2, 3, 2, 4)],
    ),
    "dropout_inference": (lambda S, o, x: _l(S).dropout(_l(S).dense(x, 3), 0.5), [(2, 3)]),
}


def _scoped(S, name, body, **kw):
    with S.variable_scope(name, **kw):
        return body()


def _twice(layer, x):
    return layer(layer(x))


@pytest.mark.parametrize("case", DENSE)
def test_core_layers_match_tf1(tf1, case):
    prog, shapes = DENSE[case]
    check(tf1, prog, shapes)


def _conv(kind, **kw):
    return lambda S, o, x: getattr(_l(S), kind)(x, 3, **kw)


CONV = {
    "conv1d_valid": (_conv("conv1d", kernel_size=3), [(2, 9, 2)]),
    "conv1d_same_strided": (_conv("conv1d", kernel_size=4, strides=2, padding="SAME"), [(2, 9, 2)]),
    "conv1d_causal_dilated": (
        _conv("conv1d", kernel_size=3, padding="causal", dilation_rate=2),
        [(2, 9, 2)],
    ),  # fmt: skip
    "conv1d_channels_first": (
        _conv("conv1d", kernel_size=3, data_format="channels_first"),
        [(2, 2, 9)],
    ),  # fmt: skip
    "conv2d_valid": (_conv("conv2d", kernel_size=3), [(2, 7, 6, 2)]),
    "conv2d_same_strided": (
        _conv("conv2d", kernel_size=(3, 2), strides=(2, 3), padding="Same"),
        [(2, 7, 8, 2)],
    ),  # fmt: skip
    "conv2d_dilated_no_bias": (
        _conv("conv2d", kernel_size=3, dilation_rate=2, padding="same", use_bias=False),
        [(1, 8, 8, 2)],
    ),  # fmt: skip
    "conv2d_channels_first": (
        _conv("conv2d", kernel_size=3, strides=2, padding="same", data_format="channels_first"),
        [(2, 2, 7, 7)],
    ),  # fmt: skip
    "conv3d": (_conv("conv3d", kernel_size=2, strides=(1, 2, 1)), [(1, 4, 5, 4, 2)]),
    "conv3d_same": (_conv("conv3d", kernel_size=3, padding="same"), [(1, 4, 5, 4, 2)]),
    "conv2d_transpose_valid": (_conv("conv2d_transpose", kernel_size=3), [(2, 4, 5, 2)]),
    "conv2d_transpose_same_s2": (
        _conv("conv2d_transpose", kernel_size=3, strides=2, padding="same"),
        [(2, 4, 5, 2)],
    ),  # fmt: skip
    "conv2d_transpose_same_even_kernel": (
        _conv("conv2d_transpose", kernel_size=4, strides=2, padding="same"),
        [(2, 3, 4, 2)],
    ),  # fmt: skip
    "conv2d_transpose_valid_stride_gt_kernel": (
        _conv("conv2d_transpose", kernel_size=2, strides=3),
        [(1, 3, 2, 2)],
    ),  # fmt: skip
    "conv2d_transpose_channels_first": (
        _conv(
            "conv2d_transpose",
            kernel_size=3,
            strides=2,
            padding="same",
            data_format="channels_first",
        ),
        [(2, 2, 4, 5)],
    ),  # fmt: skip
    "conv3d_transpose": (
        _conv("conv3d_transpose", kernel_size=2, strides=2, padding="same"),
        [(1, 2, 3, 2, 2)],
    ),  # fmt: skip
    "separable_conv1d": (
        _conv("separable_conv1d", kernel_size=3, depth_multiplier=2, padding="same"),
        [(2, 8, 2)],
    ),  # fmt: skip
    "separable_conv2d": (
        _conv("separable_conv2d", kernel_size=3, strides=2, depth_multiplier=2),
        [(2, 7, 7, 3)],
    ),  # fmt: skip
    "separable_conv2d_dilated_channels_first": (
        _conv(
            "separable_conv2d",
            kernel_size=2,
            dilation_rate=2,
            padding="same",
            data_format="channels_first",
        ),
        [(1, 2, 6, 6)],
    ),  # fmt: skip
    "conv_regularized_relu": (
        lambda S, o, x: _l(S).conv2d(
            x,
            2,
            3,
            activation=o.relu,
            kernel_regularizer=REG["sq"](o),
            activity_regularizer=REG["sum"](o),
        ),  # fmt: skip
        [(2, 5, 5, 2)],
    ),
}


@pytest.mark.parametrize("case", CONV)
def test_conv_layers_match_tf1(tf1, case):
    prog, shapes = CONV[case]
    check(tf1, prog, shapes)


def _pool(kind, pool, strides, padding="valid", data_format="channels_last"):
    return lambda S, o, x: getattr(_l(S), kind)(x, pool, strides, padding, data_format)


POOL = {
    f"{kind}{rank}d_{padding}_{fmt}": (
        _pool(f"{kind}_pooling{rank}d", 3, 2, padding, fmt),
        [(2, *[7, 6, 5][:rank], 2)] if fmt == "channels_last" else [(2, 2, *[7, 6, 5][:rank])],
    )
    for kind in ("max", "average")
    for rank in (1, 2, 3)
    for padding in ("valid", "SAME")
    for fmt in ("channels_last", "channels_first")
    if not (rank == 3 and fmt == "channels_first")  # TF's CPU kernels lack NCDHW pooling
}


@pytest.mark.parametrize("case", POOL)
def test_pooling_layers_match_tf1(tf1, case):
    prog, shapes = POOL[case]
    check(tf1, prog, shapes)


def _bn(**kw):
    def prog(S, o, x, training):
        return _l(S).batch_normalization(x, training=training, **kw)

    return prog


BN = {
    "rank2": (_bn(), [(8, 3)]),
    "rank4_fused": (_bn(), [(4, 3, 3, 2)]),
    "rank4_axis1_fused": (_bn(axis=1, momentum=0.9), [(4, 2, 3, 3)]),
    "rank4_axis2_not_fused": (_bn(axis=2), [(4, 3, 2, 3)]),
    "rank4_fused_false": (_bn(fused=False, epsilon=0.01), [(4, 3, 3, 2)]),
    "rank3": (_bn(center=False), [(4, 5, 3)]),
    "rank5": (_bn(scale=False), [(2, 2, 3, 2, 3)]),
    "two_axes": (_bn(axis=[1, 3]), [(4, 2, 3, 2)]),
    "frozen": (_bn(trainable=False), [(8, 3)]),  # TF1 drops a non-trainable layer's updates
    "regularized": (
        lambda S, o, x, training: _l(S).batch_normalization(
            x,
            training=training,
            beta_regularizer=REG["sum"](o),
            gamma_regularizer=REG["sq"](o),
        ),  # fmt: skip
        [(6, 3)],
    ),
    "after_conv_and_dense": (
        lambda S, o, x, training: _l(S).dense(
            _l(S).flatten(
                _l(S).batch_normalization(_l(S).conv2d(x, 3, 2), training=training, momentum=0.5)
            ),
            2,
        ),
        [(3, 4, 4, 2)],
    ),
    "virtual_batch_rank2": (_bn(virtual_batch_size=2), [(8, 3)]),
    "virtual_batch_rank4_not_fused": (_bn(virtual_batch_size=3, momentum=0.9), [(6, 3, 3, 2)]),
    "virtual_batch_channels_first": (_bn(axis=1, virtual_batch_size=2), [(4, 2, 3, 3)]),
    "adjustment": (
        lambda S, o, x, training: _l(S).batch_normalization(
            x,
            training=training,
            beta_initializer=S.constant_initializer(0.3),
            adjustment=lambda shape: (o.ones(shape[-1:]) * 1.5, o.ones(shape[-1:]) * 0.25),
        ),
        [(6, 3)],
    ),  # fmt: skip
    "adjustment_rank4_no_scale": (
        lambda S, o, x, training: _l(S).batch_normalization(
            x,
            training=training,
            scale=False,
            adjustment=lambda shape: (o.ones(shape[-1:]) * 0.5, o.ones(shape[-1:])),
        ),
        [(4, 3, 3, 2)],
    ),  # fmt: skip
    "renorm": (_bn(renorm=True), [(8, 3)]),
    "renorm_clipped_rank4": (
        _bn(
            renorm=True,
            renorm_clipping={"rmin": 0.95, "rmax": 1.05, "dmax": 0.005},
            renorm_momentum=0.5,
            momentum=0.9,
        ),
        [(4, 3, 3, 2)],
    ),  # fmt: skip
    "renorm_frozen": (_bn(renorm=True, trainable=False), [(6, 3)]),
    "reused_twice": (
        lambda S, o, x, training: _twice(
            lambda h: _l(S).batch_normalization(
                h, training=training, name="bn", reuse=S.AUTO_REUSE
            ),
            x,
        ),
        [(5, 3)],
    ),
}


@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
@pytest.mark.parametrize("case", BN)
def test_batch_normalization_matches_tf1(tf1, case, training):
    prog, shapes = BN[case]
    # Two calls of one layer in one step: TF1 runs both update ops without an order between them
    # (each may read the other's old value); jaxscope applies them in program order.
    want = check(tf1, prog, shapes, training, compare_final=case != "reused_twice")
    if training:  # the averages really moved, so the comparison above compared something
        assert bool(moved(want)) == (not case.endswith("frozen"))


def test_signatures_match_tf1(tf1):
    from jaxscope import layers

    for name in layers.__all__:
        theirs = getattr(tf1.layers, name)
        ours = getattr(layers, name)
        fn_t = theirs.__init__ if inspect.isclass(theirs) else theirs
        fn_o = ours.__init__ if inspect.isclass(ours) else ours
        p_t = inspect.signature(fn_t).parameters
        p_o = inspect.signature(fn_o).parameters
        assert list(p_o) == list(p_t), name
        for arg, p in p_t.items():
            default = p_o[arg].default
            if isinstance(p.default, (int, float, str, tuple, bool, type(None))):
                assert default == p.default, (name, arg)
            else:  # initializer objects: the same class name
                assert (
                    type(default).__name__.lower().startswith(type(p.default).__name__.lower())
                ), (name, arg)


# -- names, reuse and errors: statement by statement ----------------------------------------------
def _scope_name(S, x):
    with S.variable_scope(None, default_name="dense") as s:
        return s.name


NAMING = [
    lambda S, x: S.layers.conv2d(x, 2, 3),
    lambda S, x: S.layers.conv2d(x, 2, 3),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3)),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3, name="foo")),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3, name="foo")),  # exists
    in_scope("s", lambda S, x: S.layers.Dense(3, name="foo")(S.layers.flatten(x))),  # foo_1
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3), reuse=True),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3, name="foo"), reuse=True),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 4, name="foo"), reuse=True),
    in_scope("s", lambda S, x: S.layers.dense(S.layers.flatten(x), 3, name="bar"), reuse=True),
    in_scope("t", lambda S, x: S.layers.dense(S.layers.flatten(x), 3), reuse="AUTO"),
    in_scope("t", lambda S, x: S.layers.dense(S.layers.flatten(x), 3), reuse="AUTO"),
    lambda S, x: S.layers.dense(S.layers.flatten(x), 3, reuse=True),  # no "dense" yet: error
    lambda S, x: S.layers.dense(S.layers.flatten(x), 3),
    lambda S, x: S.layers.dense(S.layers.flatten(x), 3, reuse=True),  # reuses "dense"
    lambda S, x: S.layers.dense(S.layers.flatten(x), 3, name="dense", reuse=S.AUTO_REUSE),
    _scope_name,  # dense_1: the layers above counted in the scope store
    lambda S, x: S.layers.dropout(x, 0.5),
    lambda S, x: S.layers.max_pooling2d(x, 2, 2),
    lambda S, x: S.layers.batch_normalization(x),
    lambda S, x: S.layers.batch_normalization(x, center=False, trainable=False),
    lambda S, x: S.layers.batch_normalization(x, name="batch_normalization", reuse=True),
    lambda S, x: S.layers.conv2d(x, 2, 3, name="c", trainable=False),
    lambda S, x: S.layers.separable_conv2d(x, 2, 3),
    lambda S, x: S.layers.conv2d_transpose(x, 2, 3),
    lambda S, x: S.layers.conv2d(x, 2, 3, padding="full"),  # ValueError
    lambda S, x: S.layers.conv2d(x, 2, 3, data_format="NHWC"),  # ValueError
    in_scope(
        "init", lambda S, x: S.layers.dense(S.layers.flatten(x), 1), initializer=None, dtype=None
    ),  # fmt: skip
    lambda S, x: S.layers.batch_normalization(x, virtual_batch_size=0),
    lambda S, x: S.layers.batch_normalization(x, axis=0, virtual_batch_size=2),
    lambda S, x: S.layers.batch_normalization(
        x, virtual_batch_size=2, adjustment=lambda shape: (1.0, 0.0)
    ),
    lambda S, x: S.layers.batch_normalization(x, virtual_batch_size=2, name="vbs"),
    lambda S, x: S.layers.batch_normalization(x, virtual_batch_size=3, training=True),
]


@pytest.mark.parametrize("mode", ["init", "apply"])
def test_names_reuse_and_errors_match_tf1(tf1, mode):
    x_np = np.ones([2, 5, 5, 3], np.float32)
    with tf1.Graph().as_default():
        want = record_statements(tf1, NAMING, tf1.constant(x_np))
    got = {}

    def fn(x):
        got["items"] = record_statements(js, NAMING, x)

    f = js.transform(fn)
    variables = f.init(jax.random.key(0), x_np)
    if mode == "apply":
        f.apply(variables, x_np)
    assert got["items"] == want
    assert ("raises", "ValueError") in want


def test_reused_layer_adds_no_second_regularization_loss(tf1):
    def prog(S, o, x):
        out = S.layers.dense(x, 2, name="d", kernel_regularizer=REG["sum"](o))
        return S.layers.dense(x, 2, name="d", reuse=True, kernel_regularizer=REG["sum"](o)) + out

    want = check(tf1, prog, [(3, 4)])
    assert want["reg_names"] == ["d/kernel/Regularizer"]


@pytest.mark.parametrize("module", ["core", "normalization"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"jaxscope._src.layers.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
