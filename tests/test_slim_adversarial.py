"""Issue 22, slim: ``jaxscope.slim`` layers given integer inputs, bad arguments, bad ranks and
custom getters that cast weights, against tf_slim in the same test (see
``test_layers_adversarial.py`` for the rules), and ``slim.l1_regularizer``/``l2_regularizer``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layers_oracle import FILTERWARNINGS
from test_layers_adversarial import X, check_like_tf1

import jaxscope as js

pytestmark = [pytest.mark.filterwarnings(f) for f in FILTERWARNINGS]


@pytest.fixture
def S_slim(tf1, slim, monkeypatch):
    """``side()`` with ``S.slim`` = tf_slim or jaxscope.slim."""
    import test_layers_adversarial as adv

    base = adv.side

    def side(tf1_, S):
        ns = base(tf1_, S)
        ns.slim = js.slim if S is js else slim
        return ns

    monkeypatch.setattr(adv, "side", side)
    return tf1


INT = {  # id: (program, input shape)
    "fully_connected": (lambda S, x: S.slim.fully_connected(x, 2), [2, 3]),
    "conv2d": (lambda S, x: S.slim.conv2d(x, 2, 3), X[2]),
    "convolution-1d": (lambda S, x: S.slim.convolution(x, 2, 3), X[1]),
    "conv2d_transpose": (lambda S, x: S.slim.conv2d_transpose(x, 2, 3), X[2]),
    "separable_conv2d": (lambda S, x: S.slim.separable_conv2d(x, 2, 3), X[2]),
    "separable_conv2d-depthwise": (lambda S, x: S.slim.separable_conv2d(x, None, 3), X[2]),
    "avg_pool2d": (lambda S, x: S.slim.avg_pool2d(x, 2), X[2]),
    "batch_norm": (lambda S, x: S.slim.batch_norm(x), [2, 3]),
    "batch_norm-rank4": (lambda S, x: S.slim.batch_norm(x), [2, 2, 2, 3]),
    "batch_norm-rank3": (lambda S, x: S.slim.batch_norm(x), [2, 2, 3]),
    "layer_norm": (lambda S, x: S.slim.layer_norm(x), [2, 3]),
    "dropout": (lambda S, x: S.slim.dropout(x), [2, 3]),
    # accepted by both
    "max_pool2d": (lambda S, x: S.slim.max_pool2d(x, 2), X[2]),
    "flatten": (lambda S, x: S.slim.flatten(x), [2, 3, 1]),
    "dropout-inference": (lambda S, x: S.slim.dropout(x, is_training=False), [2, 3]),
}


@pytest.mark.parametrize("case", list(INT))
def test_integer_input_like_tf_slim(S_slim, case):
    program, shape = INT[case]
    check_like_tf1(S_slim, program, shape, r"floating[- ]point", dtype="int32")


BAD = {  # id: (program, input shape, message pattern)
    "fully_connected-rank1": (lambda S, x: S.slim.fully_connected(x, 2), [3],
                              'layer "fully_connected".*min_ndim=2'),
    "fully_connected-num_outputs=0": (lambda S, x: S.slim.fully_connected(x, 0), [2, 3], ""),
    "conv2d-kernel_size=0": (lambda S, x: S.slim.conv2d(x, 2, 0), X[2], "`kernel_size`"),
    "conv2d-stride=0": (lambda S, x: S.slim.conv2d(x, 2, 3, stride=0), X[2], "`strides`"),
    "conv2d-rate=0": (lambda S, x: S.slim.conv2d(x, 2, 3, rate=0), X[2], "`dilation_rate`"),
    "conv2d-padding": (lambda S, x: S.slim.conv2d(x, 2, 3, padding="FULL"), X[2], "`padding`"),
    "conv2d-data_format": (lambda S, x: S.slim.conv2d(x, 2, 3, data_format="channels_last"),
                           X[2], "data_format"),
    "conv2d-rank3": (lambda S, x: S.slim.conv2d(x, 2, 3), X[1], "expected ndim=4"),
    "convolution-rank6": (lambda S, x: S.slim.convolution(x, 2, 3), [1, 2, 2, 2, 2, 2],
                          "rank 3, 4 or 5"),
    "conv2d_transpose-kernel_size=0": (lambda S, x: S.slim.conv2d_transpose(x, 2, 0), X[2],
                                       "`kernel_size`"),
    "conv2d_transpose-rank3": (lambda S, x: S.slim.conv2d_transpose(x, 2, 3), X[1],
                               "incompatible with the layer"),
    "separable_conv2d-kernel_size=0": (lambda S, x: S.slim.separable_conv2d(x, 2, 0), X[2],
                                       "`kernel_size`"),
    "separable_conv2d-depth_multiplier=0": (
        lambda S, x: S.slim.separable_conv2d(x, 2, 3, depth_multiplier=0), X[2],
        "`depth_multiplier`"),
    "separable_conv2d-rank3": (lambda S, x: S.slim.separable_conv2d(x, 2, 3), X[1],
                               "incompatible with the layer"),
    "max_pool2d-kernel_size=0": (lambda S, x: S.slim.max_pool2d(x, 0), X[2], "`pool_size`"),
    "max_pool2d-stride=0": (lambda S, x: S.slim.max_pool2d(x, 2, stride=0), X[2], "`strides`"),
    "max_pool2d-rank3": (lambda S, x: S.slim.max_pool2d(x, 2), X[1], "expected ndim=4"),
    "max_pool2d-padding": (lambda S, x: S.slim.max_pool2d(x, 2, padding="FULL"), X[2],
                           "`padding`"),
    "dropout-keep_prob=0": (lambda S, x: S.slim.dropout(x, 0.0), [2, 3], "keep_prob"),
    "dropout-noise_shape": (lambda S, x: S.slim.dropout(x, 0.5, noise_shape=[2, 2]), [2, 3],
                            "`noise_shape`"),
    "flatten-rank0": (lambda S, x: S.slim.flatten(x), [], "min_ndim=1"),
    "batch_norm-data_format": (lambda S, x: S.slim.batch_norm(x, data_format="channels_last"),
                               [2, 2, 2, 3], "data_format"),
    "layer_norm-begin_norm_axis": (lambda S, x: S.slim.layer_norm(x, begin_norm_axis=3), [2, 3],
                                   "begin_norm_axis"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_argument_like_tf_slim(S_slim, case):
    program, shape, match = BAD[case]
    check_like_tf1(S_slim, program, shape, match)


STRICTER = {  # tf_slim accepts, jaxscope.slim refuses: each refused with the argument named
    # tf_slim builds a conv with 0 output channels (tf.layers.conv2d itself refuses filters=0)
    "conv2d-num_outputs=0": (lambda S, x: S.slim.conv2d(x, 0, 3), X[2], "`filters`"),
    # tf_slim's avg_pool2d takes a 0 window (and averages nothing); its max_pool2d refuses it
    "avg_pool2d-kernel_size=0": (lambda S, x: S.slim.avg_pool2d(x, 0), X[2], "`pool_size`"),
}


@pytest.mark.parametrize("case", list(STRICTER))
def test_stricter_than_tf_slim(S_slim, case):
    from test_layers_adversarial import run_js, run_tf1

    program, shape, match = STRICTER[case]
    tf_err, _ = run_tf1(S_slim, program, shape, "float32")
    js_err, _ = run_js(S_slim, program, shape, "float32")
    assert tf_err is None
    assert isinstance(js_err, js.LayerArgumentError)
    with pytest.raises(ValueError, match=match):
        raise js_err


def _getter_program(body):
    def program(S, x):
        def getter(getter, *args, **kwargs):
            return S.cast(getter(*args, **kwargs), S.bf16)

        with S.scope("s", custom_getter=getter):
            return body(S, x)

    return program


MIXED = {
    "fully_connected": (lambda S, x: S.slim.fully_connected(x, 2), [2, 3]),
    "fully_connected-nobias": (
        lambda S, x: S.slim.fully_connected(x, 2, biases_initializer=None), [2, 3]),
    "conv2d": (lambda S, x: S.slim.conv2d(x, 2, 3), X[2]),
    "conv2d_transpose": (lambda S, x: S.slim.conv2d_transpose(x, 2, 3), X[2]),
    "separable_conv2d": (lambda S, x: S.slim.separable_conv2d(x, 2, 3), X[2]),
    "separable_conv2d-depthwise": (lambda S, x: S.slim.separable_conv2d(x, None, 3), X[2]),
    "batch_norm": (lambda S, x: S.slim.batch_norm(x, is_training=False), [2, 3]),
    "batch_norm-rank4": (lambda S, x: S.slim.batch_norm(x, is_training=False), [2, 2, 2, 3]),
    "layer_norm": (lambda S, x: S.slim.layer_norm(x), [2, 3]),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MIXED))
def test_bfloat16_getter_like_tf_slim(S_slim, case):
    program, shape = MIXED[case]
    check_like_tf1(S_slim, _getter_program(program), shape, r"weight .* has dtype bfloat16")


# -- slim.l1_regularizer / l2_regularizer ----------------------------------------------------------
@pytest.mark.parametrize("name", ["l1_regularizer", "l2_regularizer", "l1_l2_regularizer"])
def test_regularizers_exist_and_match_tf_slim(tf1, slim, name):
    import inspect

    assert list(inspect.signature(getattr(js.slim, name)).parameters) == list(
        inspect.signature(getattr(slim, name)).parameters
    )
    args = (0.5, 0.25) if name == "l1_l2_regularizer" else (0.5,)
    w = np.array([1.0, -2.0, 3.0], np.float32)
    with tf1.Graph().as_default(), tf1.Session() as sess:
        expected = sess.run(getattr(slim, name)(*args)(tf1.constant(w)))
    got = getattr(js.slim, name)(*args)(jnp.asarray(w))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert getattr(js.contrib.layers, name) is getattr(js.slim, name)


@pytest.mark.parametrize("scale", [-1.0, 1])
def test_regularizer_bad_scale_like_tf_slim(slim, scale):
    with pytest.raises(ValueError):
        slim.l2_regularizer(scale)
    with pytest.raises(ValueError, match="scale"):
        js.slim.l2_regularizer(scale)


def test_slim_regularizer_files_a_loss():
    def f(x):
        return js.slim.fully_connected(x, 2, weights_regularizer=js.slim.l2_regularizer(0.5))

    variables = js.transform(f).init(jax.random.key(0), jnp.ones([1, 3]))
    w = variables["params"]["fully_connected"]["weights"]
    g = js.transform(lambda x: (f(x), js.get_regularization_loss())[1])
    loss = g.apply(variables, jnp.ones([1, 3]))
    np.testing.assert_allclose(loss, 0.25 * jnp.sum(w**2), rtol=1e-6)
