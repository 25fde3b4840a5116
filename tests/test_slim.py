"""jaxscope.slim / jaxscope.contrib.layers against tf-slim 1.1.0 (``import tf_slim as slim``).

Each program is written once, ``prog(S, L, o, x)``: ``S`` is ``tf.compat.v1`` or ``jaxscope``,
``L`` tf-slim or ``jaxscope.slim`` and ``o`` the few ops that differ. Both sides must agree on the
variable names, shapes, dtypes and creation order; the TRAINABLE, MODEL_VARIABLES,
MOVING_AVERAGE_VARIABLES and custom collections; the UPDATE_OPS and output-collection counts;
the REGULARIZATION_LOSSES names and values; and, with TF's initial weights copied into the
jaxscope tree: the outputs, the gradients w.r.t. the input and trainable weights and (programs
that update) the moving averages after three training steps. The harness is
``layers_oracle.py``, shared with ``test_layers.py``.
"""

import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layers_oracle import FILTERWARNINGS, REG, in_scope, moved, ops, record_statements, zeros
from layers_oracle import check as check_program

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(*FILTERWARNINGS)


def check(tf1, slim, prog, shapes, updates=False):
    """``prog(S, L, o, *inputs)`` with ``L`` tf_slim or jaxscope.slim on both sides (see
    ``layers_oracle.check``); the moving averages must move exactly when ``updates``."""
    want = check_program(
        tf1, lambda S, *xs: prog(S, js.slim if S is js else slim, ops(S), *xs), shapes, updates
    )
    assert bool(moved(want)) == updates
    return want


def _scoped(S, name, body, **kw):
    with S.variable_scope(name, **kw):
        return body()


def _twice(S, L, x, **kw):
    with S.variable_scope("net"):
        return L.fully_connected(L.fully_connected(x, 4, **kw), 3, **kw)


def _arg_scoped(S, L, o, x):
    with L.arg_scope([L.fully_connected, L.conv2d], activation_fn=None,
                     weights_regularizer=REG["sq"](o)):  # fmt: skip
        with L.arg_scope([L.fully_connected], activation_fn=o.tanh) as sc:
            y = L.fully_connected(L.flatten(L.conv2d(x, 2, 3)), 4)
        with L.arg_scope(sc):
            y = L.fully_connected(y, 3, activation_fn=o.relu, scope="explicit") + y[:, :3]
        return L.fully_connected(y, 2, weights_regularizer=None)


BN_SCALE = {"scale": True}
CASES = {
    # fully_connected
    "fc_default": (lambda S, L, o, x: L.fully_connected(x, 4), [(3, 5)]),
    "fc_linear_no_bias_rank3": (
        lambda S, L, o, x: L.fully_connected(x, 3, activation_fn=None, biases_initializer=None),
        [(2, 3, 5)],
    ),
    "fc_regularized_collections": (
        lambda S, L, o, x: L.fully_connected(
            x,
            3,
            weights_regularizer=REG["sq"](o),
            biases_regularizer=REG["sum"](o),
            variables_collections=["my"],
            outputs_collections="outs",
            scope="fc",
        ),  # fmt: skip
        [(4, 5)],
    ),
    "fc_dict_collections_not_trainable": (
        lambda S, L, o, x: L.fully_connected(
            L.fully_connected(x, 3, variables_collections={"weights": ["my_w"]}, trainable=False),
            2,
            variables_collections={"biases": ["my"]},
        ),  # fmt: skip
        [(4, 5)],
    ),
    "fc_twice_in_scope": (lambda S, L, o, x: _twice(S, L, x), [(3, 5)]),
    "fc_reuse": (
        lambda S, L, o, x: (
            L.fully_connected(x, 3, scope="a") + L.fully_connected(x, 3, scope="a", reuse=True)
        ),
        [(3, 5)],
    ),
    "fc_scope_regularizer": (
        lambda S, L, o, x: _scoped(
            S, "r", lambda: L.fully_connected(x, 2), regularizer=REG["sum"](o)
        ),  # fmt: skip
        [(3, 5)],
    ),
    "fc_normalizer_batch_norm": (
        lambda S, L, o, x: L.fully_connected(
            x, 4, normalizer_fn=L.batch_norm, normalizer_params=BN_SCALE
        ),  # fmt: skip
        [(6, 5)],
        True,
    ),
    # convolutions and pooling
    "conv2d_default": (lambda S, L, o, x: L.conv2d(x, 4, 3), [(2, 6, 6, 3)]),
    "conv2d_valid_strided": (
        lambda S, L, o, x: L.conv2d(x, 4, [3, 2], stride=2, padding="VALID", activation_fn=None),
        [(2, 7, 7, 3)],
    ),
    "conv2d_rate_twice": (
        lambda S, L, o, x: L.convolution2d(L.conv2d(x, 4, 3, rate=2), 2, 1),
        [(2, 7, 7, 3)],
    ),
    "convolution_1d_3d": (
        lambda S, L, o, x: L.convolution(x, 3, 3, weights_regularizer=REG["sum"](o)),
        [(2, 9, 2)],
    ),
    "convolution_3d": (lambda S, L, o, x: L.convolution(x, 2, [2, 3, 3]), [(2, 4, 5, 5, 2)]),
    "conv2d_batch_norm": (
        lambda S, L, o, x: L.conv2d(
            x, 4, 3, normalizer_fn=L.batch_norm, normalizer_params=BN_SCALE
        ),  # fmt: skip
        [(2, 6, 6, 3)],
        True,
    ),
    "conv2d_batch_norm_updates_none": (
        lambda S, L, o, x: L.conv2d(
            x,
            4,
            3,
            normalizer_fn=L.batch_norm,
            normalizer_params={"scale": True, "updates_collections": None},
        ),
        [(2, 6, 6, 3)],
        True,
    ),  # fmt: skip
    "conv2d_transpose_same": (
        lambda S, L, o, x: L.conv2d_transpose(x, 2, 3, stride=2),
        [(2, 4, 4, 3)],
    ),
    "conv2d_transpose_valid": (
        lambda S, L, o, x: L.convolution2d_transpose(
            x, 2, [3, 2], stride=2, padding="VALID", biases_initializer=None
        ),  # fmt: skip
        [(2, 4, 5, 3)],
    ),
    "pools_and_flatten": (
        lambda S, L, o, x: L.fully_connected(
            L.flatten(
                L.avg_pool2d(
                    L.max_pool2d(L.conv2d(x, 3, 3), 2),
                    3,
                    stride=1,
                    padding="SAME",
                    outputs_collections="outs",
                )
            ),
            2,
        ),
        [(2, 8, 8, 3)],
    ),  # fmt: skip
    "dropout_inference": (
        lambda S, L, o, x: L.dropout(L.fully_connected(x, 3), is_training=False),
        [(2, 3)],
    ),
    # batch_norm: the three routes
    "bn_rank2_fused": (lambda S, L, o, x: L.batch_norm(x), [(6, 4)], True),
    "bn_rank4_layer": (
        lambda S, L, o, x: L.batch_norm(x, scale=True, param_regularizers={"gamma": REG["sq"](o)}),
        [(4, 3, 3, 2)],
        True,
    ),
    "bn_rank3_layer": (
        lambda S, L, o, x: L.batch_norm(x, center=False, scale=True, decay=0.9),
        [(4, 5, 3)],
        True,
    ),
    "bn_renorm_rank2_layer": (
        lambda S, L, o, x: L.batch_norm(x, scale=True, renorm=True, variables_collections=["my"]),
        [(6, 3)],
        True,
    ),
    "bn_renorm_rank4_clipped_regularized": (
        lambda S, L, o, x: L.batch_norm(
            x,
            scale=True,
            decay=0.9,
            renorm=True,
            renorm_decay=0.5,
            renorm_clipping={"rmin": 0.95, "rmax": 1.05, "dmax": 0.005},
            param_regularizers={"gamma": REG["sq"](o)},
        ),
        [(4, 3, 3, 2)],
        True,
    ),  # fmt: skip
    "bn_adjustment_rank4_nchw": (
        lambda S, L, o, x: L.batch_norm(
            x,
            data_format="NCHW",
            adjustment=lambda shape: (o.ones([1, 2, 1, 1]) * 1.5, o.ones([1, 2, 1, 1]) * 0.2),
        ),
        [(4, 2, 3, 3)],
        True,
    ),  # fmt: skip
    "bn_rank5_layer": (lambda S, L, o, x: L.batch_norm(x, scale=True), [(2, 3, 3, 2, 2)], True),
    "bn_rank3_plain": (
        lambda S, L, o, x: L.batch_norm(
            x, updates_collections=None, scale=True, param_regularizers={"beta": REG["sum"](o)}
        ),
        [(4, 5, 3)],
        True,
    ),  # fmt: skip
    "bn_rank4_unfused_plain": (
        lambda S, L, o, x: L.batch_norm(x, fused=False, updates_collections=None, decay=0.5),
        [(4, 3, 3, 2)],
        True,
    ),
    "bn_rank4_fused_small_epsilon": (
        lambda S, L, o, x: L.batch_norm(x, updates_collections=None, epsilon=1e-7, decay=0.9),
        [(4, 3, 3, 2)],
        True,
    ),
    "bn_collections_layer_route": (
        lambda S, L, o, x: L.batch_norm(
            x,
            scale=True,
            variables_collections=["my"],
            activation_fn=o.relu,
            outputs_collections=["outs"],
        ),
        [(4, 3, 3, 2)],
        True,
    ),  # fmt: skip
    "bn_collections_fused_route": (
        lambda S, L, o, x: L.batch_norm(
            x, scale=True, variables_collections={"gamma": ["my"], "moving_mean": ["my_w"]}
        ),
        [(6, 3)],
        True,
    ),  # fmt: skip
    "bn_layer_route_not_trainable_never_updates": (
        lambda S, L, o, x: L.batch_norm(x, scale=True, trainable=False),
        [(4, 3, 3, 2)],
    ),
    "bn_inference": (
        lambda S, L, o, x: L.batch_norm(x, scale=True, is_training=False),
        [(4, 3, 3, 2)],
    ),  # fmt: skip
    "bn_not_trainable_reused": (
        lambda S, L, o, x: (
            L.batch_norm(x, scope="bn", trainable=False, is_training=False)
            + L.batch_norm(x, scope="bn", reuse=True)
        ),
        [(5, 3)],
        True,
    ),
    # layer_norm
    "ln_default": (lambda S, L, o, x: L.layer_norm(x), [(3, 4, 5)]),
    "ln_axes": (
        lambda S, L, o, x: L.layer_norm(x, begin_norm_axis=-1, begin_params_axis=1),
        [(3, 4, 5)],
    ),  # fmt: skip
    "ln_no_center_relu_collections": (
        lambda S, L, o, x: L.layer_norm(
            x, center=False, activation_fn=o.relu, variables_collections=["my"]
        ),
        [(3, 6)],
    ),  # fmt: skip
    # repeat, stack, arg_scope
    "repeat_fc": (lambda S, L, o, x: L.repeat(x, 2, L.fully_connected, 4), [(3, 5)]),
    "repeat_partial_named": (
        lambda S, L, o, x: L.repeat(
            x, 2, functools.partial(L.conv2d, kernel_size=3), 2, scope="block"
        ),
        [(2, 5, 5, 2)],
    ),  # fmt: skip
    "stack_fc_and_conv": (
        lambda S, L, o, x: L.stack(
            L.flatten(L.stack(x, L.conv2d, [(3, [3, 3]), (2, [1, 1])])),
            L.fully_connected,
            [4, 3],
            scope="mlp",
        ),
        [(2, 5, 5, 2)],
    ),  # fmt: skip
    "arg_scope_nested": (_arg_scoped, [(2, 5, 5, 2)]),
}


@pytest.mark.parametrize("case", CASES)
def test_slim_layers_match_tf_slim(tf1, slim, case):
    prog, shapes, *updates = CASES[case]
    check(tf1, slim, prog, shapes, updates=bool(updates and updates[0]))


# -- arg_scope: nesting and override rules, statement by statement -------------------------------
def _arg_scope_record(lib):
    """Runs the same arg_scope statements with ``lib`` (tf_slim or jaxscope.slim)."""

    def f(a, b=1, c=2):
        return (a, b, c)

    def g(a, b=10):
        return (a, b)

    def plain(a, b=1):
        return (a, b)

    f, g = lib.add_arg_scope(f), lib.add_arg_scope(g)
    out = []

    def rec(fn):
        try:
            out.append(fn())
        except Exception as e:  # noqa: BLE001 - we record the builtin class
            out.append(
                ("raises", next(c.__name__ for c in (TypeError, ValueError) if isinstance(e, c)))
            )

    rec(lambda: f(0))
    with lib.arg_scope([f, g], b=5) as outer:
        rec(lambda: (f(0), g(0)))
        with lib.arg_scope([f], b=6, c=7):  # inner overrides outer for the same op
            rec(lambda: (f(0), g(0), f(0, b=8)))  # explicit kwargs override both
            with lib.arg_scope([g], b=9) as inner:
                rec(lambda: (f(0), g(0)))
        rec(lambda: (f(0), g(0), f(0, 3)))
    rec(lambda: f(0))
    with lib.arg_scope(inner):  # re-entering a saved scope
        rec(lambda: (f(0), g(0)))
        with lib.arg_scope(outer):
            rec(lambda: (f(0), g(0)))
    rec(lambda: lib.arg_scope([plain], b=2).__enter__())  # not decorated
    rec(lambda: lib.arg_scope(f, b=2).__enter__())  # not a list
    rec(lambda: lib.arg_scope(outer, b=2).__enter__())  # dict and kwargs
    rec(
        lambda: (lib.has_arg_scope(f), lib.has_arg_scope(plain), tuple(lib.arg_scoped_arguments(f)))
    )
    rec(lambda: lib.current_arg_scope() == {})
    return out


def test_arg_scope_semantics_match_tf_slim(slim):
    want = _arg_scope_record(slim)
    assert _arg_scope_record(js.slim) == want
    assert ("raises", "ValueError") in want and ("raises", "TypeError") in want


def test_arg_scope_sets_layer_defaults_inside_transform():
    def fn(x):
        with js.slim.arg_scope([js.slim.fully_connected], activation_fn=None, scope="fc"):
            return js.slim.fully_connected(x, 2, biases_initializer=None)

    f = js.transform(fn)
    x = -jnp.ones([1, 3])
    variables = f.init(jax.random.key(0), x)
    assert list(variables["params"]) == ["fc"] and list(variables["params"]["fc"]) == ["weights"]
    np.testing.assert_allclose(f.apply(variables, x), x @ variables["params"]["fc"]["weights"])


def test_arg_scope_error_message_shows_the_fix():
    def plain(x, b=1):
        return x

    with pytest.raises(
        ValueError, match=r"(?s)not decorated with @add_arg_scope.*add_arg_scope\(plain\)"
    ):
        with js.slim.arg_scope([plain], b=2):
            pass


# -- names, reuse and errors ----------------------------------------------------------------------
NAMING = [
    lambda S, L, x: L.conv2d(x, 2, 3),
    lambda S, L, x: L.conv2d(x, 2, 3),
    lambda S, L, x: L.conv2d(x, 2, 3, scope="Conv"),  # exists
    lambda S, L, x: L.conv2d(x, 2, 3, scope="Conv", reuse=True),
    lambda S, L, x: L.conv2d(x, 3, 3, scope="Conv", reuse=True),  # shape mismatch
    lambda S, L, x: L.fully_connected(L.flatten(x), 3, reuse=True),  # no scope: error
    lambda S, L, x: L.fully_connected(L.flatten(x), 3.0),  # num_outputs not an int
    in_scope("s", lambda S, L, x: L.fully_connected(L.flatten(x), 3)),
    in_scope("s", lambda S, L, x: L.fully_connected(L.flatten(x), 3), reuse=True),
    in_scope("t", lambda S, L, x: L.fully_connected(L.flatten(x), 3), reuse="AUTO"),
    in_scope("t", lambda S, L, x: L.fully_connected(L.flatten(x), 3), reuse="AUTO"),
    lambda S, L, x: L.batch_norm(x),
    lambda S, L, x: L.batch_norm(x, scale=True, scope="BatchNorm", reuse=True),  # no gamma
    lambda S, L, x: L.batch_norm(x, data_format="NCWH"),
    lambda S, L, x: L.layer_norm(x),
    lambda S, L, x: L.layer_norm(x, begin_norm_axis=4),
    lambda S, L, x: L.dropout(x, is_training=False),
    lambda S, L, x: L.dropout(x, is_training=False),
    lambda S, L, x: L.max_pool2d(x, 2),
    lambda S, L, x: L.conv2d(x, 2, 3, data_format="NHCW"),
    lambda S, L, x: L.conv2d_transpose(x, 2, 3),
    lambda S, L, x: L.stack(x, L.conv2d, 2),  # stack_args not a list
    lambda S, L, x: L.repeat(x, 2, L.conv2d, 3, [1, 1]),
    lambda S, L, x: L.stack(x, L.conv2d, [(3, 1), (3, 1)]),
    lambda S, L, x: L.batch_norm(x, renorm=True, updates_collections=None),  # plain route: error
    lambda S, L, x: L.batch_norm(x, renorm=True),  # BatchNorm_N: the scope above was opened
    lambda S, L, x: L.batch_norm(x, renorm=True, scope="BatchNorm", reuse=True),  # no renorm vars
]


@pytest.mark.parametrize("mode", ["init", "apply"])
def test_names_reuse_and_errors_match_tf_slim(tf1, slim, mode):
    x_np = np.ones([2, 5, 5, 3], np.float32)
    with tf1.Graph().as_default():
        want = record_statements(tf1, NAMING, slim, tf1.constant(x_np))
    got = {}

    def fn(x):
        got["items"] = record_statements(js, NAMING, js.slim, x)

    f = js.transform(fn)
    # records only: init's values (never compared) are not computed; apply runs compiled, on
    # zeros of init's shapes
    shapes = jax.eval_shape(f.init, jax.random.key(0), x_np)
    if mode == "apply":
        jax.jit(functools.partial(f.apply, mutable=["state"]))(zeros(shapes), x_np)
    assert got["items"] == want


def test_batch_norm_adjustment_off_the_layer_route_raises_rather_than_being_ignored():
    adjust = lambda shape: (2.0, 0.0)  # noqa: E731
    f = js.transform(lambda x: js.slim.batch_norm(x, adjustment=adjust, updates_collections=None))
    with pytest.raises(ValueError, match=r'"BatchNorm": adjustment is only applied.*ignored'):
        f.init(jax.random.key(0), jnp.ones([4, 2, 2, 3]))


@pytest.mark.parametrize(
    "kwargs", [{"zero_debias_moving_mean": True}, {"batch_weights": [1.0] * 4}]
)
def test_batch_norm_unsupported_arguments_raise_naming_them(kwargs):
    (arg,) = kwargs
    f = js.transform(lambda x: js.slim.batch_norm(x, **kwargs))
    with pytest.raises(NotImplementedError, match=arg):
        f.init(jax.random.key(0), jnp.ones([4, 3]))


def test_batch_norm_training_without_mutable_raises():
    f = js.transform(lambda x: js.slim.batch_norm(x, updates_collections=None))
    x = jnp.ones([4, 3])
    variables = f.init(jax.random.key(0), x)
    with pytest.raises(js.MovingAverageUpdateError, match="mutable"):
        f.apply(variables, x)
    g = js.transform(lambda x: js.slim.batch_norm(x, is_training=False))
    np.testing.assert_allclose(g.apply(variables, x), x / np.sqrt(1.001), rtol=1e-6)


def test_dropout_trains_by_default_and_needs_an_rng():
    f = js.transform(lambda x: js.slim.dropout(x, keep_prob=0.25, noise_shape=[1, 400]))
    x = jnp.ones([3, 400])
    y = f.apply({}, x, rng=jax.random.key(1))
    assert sorted(set(np.unique(y).tolist())) == [0.0, 4.0]
    assert (y == y[0]).all()  # one mask broadcast over the batch
    assert 0.15 < float((y[0] > 0).mean()) < 0.35
    with pytest.raises(js.MissingRngError):
        f.apply({}, x)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda L: L.xavier_initializer(), (40, 60)),
        (lambda L: L.xavier_initializer(uniform=False), (3, 3, 20, 30)),
        (lambda L: L.variance_scaling_initializer(), (50, 40)),
        (lambda L: L.variance_scaling_initializer(1.0, "FAN_OUT", uniform=True), (3, 3, 20, 30)),
        (lambda L: L.variance_scaling_initializer(3.0, "FAN_AVG"), (7,)),
    ],
)
def test_contrib_initializers_match_tf_slim_distributions(tf1, slim, make, shape):
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        want = tf1.Session().run(make(slim)(list(shape) * 1 if len(shape) > 1 else [20000]))
    if len(shape) == 1:
        shape = (20000,)
    got = np.asarray(make(js.slim)(jax.random.key(0), shape, jnp.float32))
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(np.abs(got).max(), np.abs(want).max(), rtol=0.05)
    np.testing.assert_allclose(got.std(), want.std(), rtol=0.05)


def test_contrib_initializer_errors_match_tf_slim(slim, tf1):
    for kwargs in ({"mode": "fan_in"}, {"dtype": "int32"}):
        with pytest.raises(TypeError):
            slim.variance_scaling_initializer(
                **{**kwargs, "dtype": getattr(tf1, kwargs.get("dtype", "float32"))}
            )
        with pytest.raises(TypeError):
            js.slim.variance_scaling_initializer(**kwargs)


def test_signatures_match_tf_slim(slim):
    for name in js.slim.__all__:
        if name == "embed_sequence":
            continue  # not in tf_slim 1.1.0; test_embed_sequence_signature_is_tf1s
        theirs, ours = getattr(slim, name), getattr(js.slim, name)
        if name in ("arg_scope", "utils"):
            continue  # tf_contextlib hides the signature; utils is a module
        p_t, p_o = inspect.signature(theirs).parameters, inspect.signature(ours).parameters
        assert list(p_o) == list(p_t), name
        for arg, p in p_t.items():
            d_t, d_o = p.default, p_o[arg].default
            if isinstance(d_t, (int, float, str, tuple, bool, type(None))):
                assert d_o == d_t, (name, arg)
            elif callable(d_t) and getattr(d_t, "__name__", "") == "relu":
                assert d_o is jax.nn.relu, (name, arg)
            elif arg in ("synchronization", "aggregation"):
                assert d_o is None, (name, arg)  # TF's AUTO / NONE enums: no effect in JAX
            elif arg == "dtype":
                assert str(d_o) == getattr(d_t, "name", d_t), (name, arg)
            else:  # initializer objects
                assert d_o is not None, (name, arg)


@pytest.mark.parametrize("module", ["arg_scope", "encoders", "layers", "normalization", "utils"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"jaxscope._src.contrib.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


SEPARABLE = {
    "separable_default": (lambda S, L, o, x: L.separable_conv2d(x, 4, 3), [(2, 6, 6, 3)]),
    "separable_multiplier_strided_regularized": (
        lambda S, L, o, x: L.separable_conv2d(
            x,
            4,
            [3, 2],
            depth_multiplier=2,
            stride=2,
            padding="VALID",
            weights_regularizer=REG["sq"](o),
            variables_collections=["my"],
        ),  # fmt: skip
        [(2, 7, 7, 3)],
    ),
    "separable_rate_batch_norm": (
        lambda S, L, o, x: L.separable_conv2d(x, 2, 3, rate=2, normalizer_fn=L.batch_norm),
        [(2, 7, 7, 3)],
        True,
    ),  # fmt: skip
    "separable_depthwise_only": (
        lambda S, L, o, x: L.separable_conv2d(
            x, None, 3, depth_multiplier=2, weights_regularizer=REG["sum"](o)
        ),
        [(2, 6, 6, 3)],
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", SEPARABLE)
def test_separable_conv2d_matches_tf_slim(tf1, slim, case):
    prog, shapes, *updates = SEPARABLE[case]
    check(tf1, slim, prog, shapes, updates=bool(updates and updates[0]))


# -- embed_sequence: tf_slim 1.1.0 lacks it, so the oracle is TF1's source built from its parts --
IDS = np.array([[1, 2, 3], [3, 1, 0]], np.int32)
IDS2 = np.array([[4, 4], [9, 1]], np.int32)


def tf_embed_sequence(tf, slim, ids, vocab_size=None, embed_dim=None, unique=False,
                      initializer=None, regularizer=None, trainable=True, scope=None,
                      reuse=None):  # fmt: skip
    """tf.contrib.layers.embed_sequence as TF 1.15's ``encoders.py`` writes it."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing.")
    with tf.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = [vocab_size, embed_dim]
        if reuse and vocab_size is None or embed_dim is None:
            shape = None
        embeddings = slim.model_variable(
            "embeddings", shape=shape, initializer=initializer, regularizer=regularizer,
            trainable=trainable,
        )  # fmt: skip
        if unique:  # contrib's embedding_lookup_unique
            with tf.name_scope(None, "EmbeddingLookupUnique", [embeddings, ids]):
                ids = tf.convert_to_tensor(ids)
                unique_ids, idx = tf.unique(tf.reshape(ids, [-1]))
                rows = tf.gather(tf.nn.embedding_lookup(embeddings, unique_ids), idx)
                out = tf.reshape(rows, tf.concat([tf.shape(ids), tf.shape(rows)[1:]], 0))
                out.set_shape(ids.shape.concatenate(embeddings.shape[1:]))
                return out
        return tf.nn.embedding_lookup(embeddings, ids)


class _SlimWithEmbed:
    """tf_slim plus the oracle's ``embed_sequence``, to run one program text on both sides."""

    def __init__(self, tf, slim):
        self._tf, self._slim = tf, slim

    def __getattr__(self, name):
        return getattr(self._slim, name)

    def embed_sequence(self, ids, *args, **kwargs):
        return tf_embed_sequence(self._tf, self._slim, ids, *args, **kwargs)


def _seq2seq(S, L, o, x):
    enc = L.embed_sequence(IDS, 10, 4, scope="shared")
    dec = L.embed_sequence(IDS2, scope="shared", reuse=True)  # shape None: not checked
    dec2 = L.embed_sequence(IDS2, 10, 4, scope="shared", reuse=True)  # shape checked
    return (enc[:, :2] + dec) * x + dec2


def _two_in_scope(S, L, o, x):
    with S.variable_scope("outer", initializer=S.constant_initializer(0.5)):
        frozen = L.embed_sequence(IDS, 10, 4, trainable=False)
        again = L.embed_sequence(IDS, 10, 4)  # EmbedSequence_1
        auto = [L.embed_sequence(IDS, 7, 4, scope="auto", reuse=S.AUTO_REUSE) for _ in range(2)]
    return frozen * x + again + auto[0] * auto[1]


EMBED = {
    "embed_default": (lambda S, L, o, x: L.embed_sequence(IDS, 10, 4) + x, [(2, 3, 4)]),
    "embed_unique_regularized_initializer": (
        lambda S, L, o, x: (
            L.embed_sequence(
                IDS,
                10,
                4,
                unique=True,
                regularizer=REG["sq"](o),
                initializer=S.random_uniform_initializer(-1.0, 1.0),
                scope="emb",
            )
            * x
        ),
        [(2, 3, 4)],
    ),  # fmt: skip
    "embed_shared_encoder_decoder": (_seq2seq, [(2, 2, 4)]),
    "embed_scope_initializer_frozen_auto_reuse": (_two_in_scope, [(2, 3, 4)]),
}


@pytest.mark.parametrize("case", EMBED)
def test_embed_sequence_matches_tf1(tf1, slim, case):
    prog, shapes = EMBED[case]
    want = check(tf1, _SlimWithEmbed(tf1, slim), prog, shapes)
    assert all(name.endswith("embeddings:0") for name, _, _ in want["vars"])


EMBED_NAMING = [
    lambda S, L, x: L.embed_sequence(IDS),  # no sizes, no reuse
    lambda S, L, x: L.embed_sequence(IDS, 10),
    lambda S, L, x: L.embed_sequence(IDS, 0, 4),
    lambda S, L, x: L.embed_sequence(IDS, 10, 4),
    lambda S, L, x: L.embed_sequence(IDS2, 10, 4),  # EmbedSequence_1
    lambda S, L, x: L.embed_sequence(IDS, reuse=True),  # EmbedSequence_2: does not exist
    lambda S, L, x: L.embed_sequence(IDS2, scope="EmbedSequence", reuse=True),
    lambda S, L, x: L.embed_sequence(IDS, 10, 5, scope="EmbedSequence", reuse=True),  # shape
    lambda S, L, x: L.embed_sequence(IDS, 10, 4, scope="EmbedSequence"),  # exists
    lambda S, L, x: L.embed_sequence(IDS, scope="new", reuse=S.AUTO_REUSE),  # new, no shape
    lambda S, L, x: L.embed_sequence(IDS, 10, 4, scope="new", reuse=S.AUTO_REUSE),
    lambda S, L, x: L.embed_sequence(IDS2, 10, 4, scope="new", reuse=S.AUTO_REUSE),
    lambda S, L, x: L.embed_sequence(IDS.astype(np.float32), 10, 4),  # float ids
    in_scope("s", lambda S, L, x: L.embed_sequence(IDS, 10, 4)),
    in_scope("s", lambda S, L, x: L.embed_sequence(IDS, 10, 4), reuse=True),  # _1 is new
    in_scope("s", lambda S, L, x: L.embed_sequence(IDS, scope="EmbedSequence"), reuse=True),
]


@pytest.mark.parametrize("mode", ["init", "apply"])
def test_embed_sequence_names_reuse_and_errors_match_tf1(tf1, slim, mode):
    x_np = np.ones([2, 3], np.float32)
    with tf1.Graph().as_default():
        want = record_statements(tf1, EMBED_NAMING, _SlimWithEmbed(tf1, slim), tf1.constant(x_np))
    assert ("raises", "TypeError") in want and want.count(("raises", "ValueError")) >= 5
    got = {}

    def fn(x):
        got["items"] = record_statements(js, EMBED_NAMING, js.slim, x)

    f = js.transform(fn)
    # records only: init's values (never compared) are not computed; apply runs compiled, on
    # zeros of init's shapes
    shapes = jax.eval_shape(f.init, jax.random.key(0), x_np)
    if mode == "apply":
        jax.jit(f.apply)(zeros(shapes), x_np)
    assert got["items"] == want


def test_embed_sequence_errors_name_the_variable_and_the_fix():
    with pytest.raises(ValueError, match=r"vocab_size=None and embed_dim=4.*reuse=True"):
        js.transform(lambda: js.slim.embed_sequence(IDS, embed_dim=4)).init(jax.random.key(0))
    f = js.transform(lambda: js.slim.embed_sequence(IDS.astype(np.float32), 10, 4, scope="emb"))
    with pytest.raises(TypeError, match=r'"emb/embeddings".*ids.astype'):
        f.init(jax.random.key(0))


def test_embed_sequence_signature_is_tf1s():
    params = inspect.signature(js.slim.embed_sequence).parameters
    assert {k: p.default for k, p in params.items()} == {
        "ids": inspect.Parameter.empty, "vocab_size": None, "embed_dim": None, "unique": False,
        "initializer": None, "regularizer": None, "trainable": True, "scope": None,
        "reuse": None,
    }  # fmt: skip
