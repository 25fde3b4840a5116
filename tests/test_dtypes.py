"""Shapes, dtypes and initializer results are checked when a variable is created, naming it.

TF1 (``tf.compat.v1``) is the oracle for which shapes are errors and of which builtin class.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

BAD_SHAPES = [
    [-1, 3], -1, [2, -5], [True, 2], True, [np.True_], [3.0, 2], [2.5], 3.0, [np.float32(2)],
    ["3", 2], "ab", [[2], 3], [None, 3],
]  # fmt: skip
GOOD_SHAPES = [[np.int64(3), 2], np.array([2, 3]), (2, 3), [np.uint8(2)], 3, [], [0, 3]]


def _init(fn):
    return js.transform(fn).init(jax.random.key(0))


def _tf1_error(tf1, fn):
    with tf1.Graph().as_default():
        try:
            fn()
        except (TypeError, ValueError) as e:
            return type(e)
    return None


@pytest.mark.parametrize("shape", BAD_SHAPES, ids=repr)
def test_bad_shape_raises_tf1s_builtin_and_names_the_variable(tf1, shape):
    def gv(v):
        with v.variable_scope("layer"):
            return v.get_variable("w", shape)

    tf1_cls = _tf1_error(tf1, lambda: gv(tf1))
    assert tf1_cls in (TypeError, ValueError)
    with pytest.raises(js.JaxscopeError, match='"layer/w"') as err:
        _init(lambda: gv(js))
    assert isinstance(err.value, tf1_cls)
    if tf1_cls is TypeError:
        assert isinstance(err.value, js.ShapeTypeError)


@pytest.mark.parametrize("shape", GOOD_SHAPES, ids=repr)
def test_integer_shapes_accepted_as_in_tf1(tf1, shape):
    assert _tf1_error(tf1, lambda: tf1.get_variable("w", shape)) is None
    want = tuple(np.atleast_1d(shape).tolist()) if np.ndim(shape) == 0 else tuple(shape)
    assert _init(lambda: js.get_variable("w", shape))["params"]["w"].shape == want


def test_shape_error_messages_show_the_shape_and_the_fix():
    with pytest.raises(
        js.InvalidShapeError, match=r'Variable "w": shape \[-1, 3\] has the negative dimension -1'
    ):
        _init(lambda: js.get_variable("w", [-1, 3]))
    with pytest.raises(
        js.ShapeTypeError,
        match=r"shape \[True, 2\] has the dimension True of type bool.*\n"
        r"Convert it: shape=\[int\(d\) for d in shape\]",
    ):
        _init(lambda: js.get_variable("w", [True, 2]))


INITIALIZERS = {
    "default": lambda m: None,
    "glorot_uniform": lambda m: m.glorot_uniform_initializer(),
    "glorot_normal": lambda m: m.glorot_normal_initializer(),
    "variance_scaling": lambda m: m.variance_scaling_initializer(),
    "variance_scaling_uniform": lambda m: m.variance_scaling_initializer(distribution="uniform"),
    "he_normal": lambda m: m.keras.initializers.he_normal() if m is not js else js.he_normal(),
    "orthogonal": lambda m: m.orthogonal_initializer(),
    "truncated_normal": lambda m: m.truncated_normal_initializer(),
    "random_normal": lambda m: m.random_normal_initializer(),
    "random_uniform": lambda m: m.random_uniform_initializer(),
    "uniform_unit_scaling": lambda m: m.uniform_unit_scaling_initializer(),
    "zeros": lambda m: m.zeros_initializer(),
    "ones": lambda m: m.ones_initializer(),
    "constant": lambda m: m.constant_initializer(2.0),
    "identity": lambda m: m.initializers.identity() if m is not js else js.identity_initializer(),
}
ZERO_SHAPES = [[0, 3], [3, 0], [0], [0, 0], [2, 0, 3]]


@pytest.mark.parametrize("shape", ZERO_SHAPES, ids=str)
@pytest.mark.parametrize("name", INITIALIZERS)
def test_zero_size_shapes_with_every_initializer_as_in_tf1(tf1, name, shape):
    def tf1_run():
        v = tf1.get_variable("w", shape, initializer=INITIALIZERS[name](tf1))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run(v)

    tf1_cls = _tf1_error(tf1, tf1_run)
    fn = lambda: js.get_variable("w", shape, initializer=INITIALIZERS[name](js))  # noqa: E731
    if tf1_cls is None:
        value = _init(fn)["params"]["w"]
        assert value.shape == tuple(shape) and value.dtype == jnp.float32
    else:  # orthogonal / identity on shapes they do not support
        with pytest.raises(tf1_cls):
            _init(fn)


FLOAT_ONLY = [
    "glorot_uniform", "glorot_normal", "variance_scaling", "he_normal", "orthogonal",
    "truncated_normal", "random_normal", "uniform_unit_scaling",
]  # fmt: skip


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_float_initializer_on_int_variable_is_a_type_error_naming_it(tf1, name):
    tf1_cls = _tf1_error(
        tf1, lambda: tf1.get_variable("w", [2, 2], tf1.int32, INITIALIZERS[name](tf1))
    )
    assert tf1_cls is TypeError

    def fn():
        with js.variable_scope("emb"):
            js.get_variable("ids", [2, 2], jnp.int32, INITIALIZERS[name](js))

    with pytest.raises(js.InitializerDtypeError, match=r'"emb/ids" has dtype int32.*\n.*zeros_'):
        _init(fn)


@pytest.mark.parametrize("style", ["jax", "tf1"])
def test_initializer_returning_another_dtype_is_refused_at_creation(tf1, style):
    def tf_init(shape, dtype=None, partition_info=None):
        return tf1.zeros(shape, tf1.int32)

    assert _tf1_error(tf1, lambda: tf1.get_variable("w", [2], initializer=tf_init)) is ValueError
    if style == "jax":
        init = lambda key, shape, dtype: jnp.zeros(shape, jnp.int32)  # noqa: E731
    else:
        init = lambda shape, dtype=None, partition_info=None: jnp.zeros(shape, jnp.int32)  # noqa: E731
    f = js.transform(lambda: js.get_variable("w", [2], initializer=init))
    with pytest.raises(
        js.InitializerError,
        match=r'"w": the initializer returned dtype int32 for the declared dtype float32',
    ):
        f.init(jax.random.key(0))


def test_numpy_result_of_a_tf1_style_initializer_converts_as_in_tf1():
    init = lambda shape, dtype=None, partition_info=None: np.ones(shape)  # noqa: E731  float64
    v = _init(lambda: js.get_variable("w", [2], initializer=init))["params"]["w"]
    assert v.dtype == jnp.float32 and v.tolist() == [1.0, 1.0]


def test_bad_dtype_spelling_is_a_type_error_naming_the_variable(tf1):
    assert _tf1_error(tf1, lambda: tf1.get_variable("w", [2], dtype="foo")) is TypeError
    with pytest.raises(js.InvalidDtypeError, match=r"\"a/w\": dtype 'foo' is not a dtype"):
        _init(lambda: js.get_variable("a/w", [2], dtype="foo"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: js.Variable("abc", name="s"),
        lambda: js.get_variable("s", initializer=np.array(["a", "b"])),
        lambda: js.get_variable("s", [2], dtype=np.str_, initializer=js.zeros_initializer()),
    ],
)
def test_string_variables_are_refused_naming_the_variable(make):
    # TF1 has string variables; JAX has no string arrays (a deliberate refusal, see README).
    with pytest.raises(js.InvalidDtypeError, match=r'Variable "s": dtype .* cannot be stored'):
        _init(make)
