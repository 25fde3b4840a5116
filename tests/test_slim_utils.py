"""``jaxscope.slim.utils`` (tf-slim's ``layers/utils``) and ``slim.softmax`` against tf-slim 1.1.0:
named outputs (a net's ``end_points``) read back publicly, in TF1's order and with TF1's keys; the
shape helpers' results and errors. One program text per case, run with ``S, L`` =
``tf.compat.v1, tf_slim`` (graph mode) and ``jaxscope.compat.v1, jaxscope.slim`` (in a
transform)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf
from jaxscope._src.contrib.errors import UnnamedTensorError

X = np.random.RandomState(0).uniform(-1, 1, (2, 6, 6, 3)).astype(np.float32)


def _end_points(S, L, x):
    """The pattern of every slim net: layers file their outputs, a dict is built from them."""
    with S.variable_scope("net") as sc:
        collection = sc.original_name_scope + "_end_points"
        with L.arg_scope([L.conv2d, L.max_pool2d], outputs_collections=collection):
            y = L.conv2d(x, 4, [3, 3], scope="conv1")
            y = L.max_pool2d(y, [2, 2], scope="pool1")
            y = L.conv2d(y, 4, [1, 1], scope="conv2")
            y = L.utils.collect_named_outputs(collection, sc.name + "/block", y)  # 2nd alias
            z = L.utils.append_tensor_alias(L.flatten(y), "net/flat/")  # trailing / dropped
            L.utils.collect_named_outputs(collection, "net/flat_again", z)
            L.utils.collect_named_outputs(None, "ignored", y)  # no collection: no alias
        points = L.utils.convert_collection_to_dict(collection)
        aliases = L.utils.gather_tensors_aliases(S.get_collection(collection))
        w = S.get_collection(S.GraphKeys.MODEL_VARIABLES)[0]
        cleared = L.utils.convert_collection_to_dict(collection, clear_collection=True)
        left = len(S.get_collection(collection))
    return points, aliases, L.utils.get_tensor_aliases(w), len(cleared), left


def _tf1_end_points(tf1, slim):
    with tf1.Graph().as_default():
        points, *rest = _end_points(tf1, slim, tf1.constant(X))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values = sess.run(dict(points))
    return [(k, values[k].shape) for k in points], *rest


def test_end_points_are_read_back_as_tf_slim_builds_them(tf1, slim):
    seen = {}

    def fn(x):
        points, *seen["rest"] = _end_points(jtf, js.slim, x)
        seen["points"] = [(k, tuple(v.shape)) for k, v in points.items()]
        return points

    f = js.transform(fn)
    out = f.apply(f.init(jax.random.key(0), X), X)
    points, aliases, w_aliases, n_cleared, left = _tf1_end_points(tf1, slim)
    assert seen["points"] == points
    assert seen["rest"] == [aliases, w_aliases, n_cleared, left]
    assert ("net/block", (2, 3, 3, 4)) in points and ("net/conv2", (2, 3, 3, 4)) in points
    assert out["net/block"] is out["net/conv2"] or np.array_equal(
        out["net/block"], out["net/conv2"]
    )


def test_end_points_survive_jit():
    def fn(x):
        with js.variable_scope("net") as sc:
            c = sc.original_name_scope + "_end_points"
            y = js.slim.conv2d(x, 2, [3, 3], scope="c", outputs_collections=c)
            js.slim.max_pool2d(y, [2, 2], scope="p", outputs_collections=c)
        return js.slim.utils.convert_collection_to_dict(c)

    f = js.transform(fn)
    v = f.init(jax.random.key(0), X)
    eager, jitted = f.apply(v, X), jax.jit(f.apply)(v, X)
    assert list(eager) == ["net/c", "net/p"]
    for k in eager:
        np.testing.assert_allclose(jitted[k], eager[k], rtol=1e-6)


def test_get_tensor_aliases_of_an_unnamed_array_says_how_to_name_it():
    def fn(x):
        return js.slim.utils.get_tensor_aliases(x * 2)

    with pytest.raises(UnnamedTensorError, match=r"collect_named_outputs\(collection"):
        js.transform(fn).apply({}, X)
    assert issubclass(UnnamedTensorError, ValueError)


def test_aliases_need_a_transform():
    with pytest.raises(RuntimeError, match="append_tensor_alias"):
        js.slim.utils.append_tensor_alias(jnp.ones(2), "a")


def _builtin(e):
    return next(c.__name__ for c in (ValueError, TypeError, IndexError) if isinstance(e, c))


SHAPES = [(2, 3, 5), (7,), (), (4, None)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("min_rank", [1, 2, 3])
def test_last_and_channel_dimension_match_tf_slim(tf1, slim, shape, min_rank):
    def call(utils, s):
        out = []
        for fn in (
            lambda: utils.last_dimension(s, min_rank=min_rank),
            lambda: utils.channel_dimension(s, "channels_first", min_rank=min_rank),
            lambda: utils.channel_dimension(s, "channels_last", min_rank=min_rank),
        ):
            try:
                out.append(fn())
            except (ValueError, IndexError) as e:
                out.append(_builtin(e))
        return out

    assert call(js.slim.utils, shape) == call(slim.layers.utils, tf1.TensorShape(shape))


def test_last_dimension_of_an_array_says_pass_its_shape():
    with pytest.raises(TypeError, match=r"last_dimension\(x.shape\)"):
        js.slim.utils.last_dimension(jnp.ones([2, 3]))


# (1, 2, 3) is left out: tf-slim's message formatting ('%s' % a tuple) raises a TypeError there.
@pytest.mark.parametrize("value", [3, (2, 4), [5, 6], [1, 2, 3], "ab", 2.5])
def test_two_element_tuple_and_n_positive_integers_match_tf_slim(slim, value):
    def call(utils):
        out = []
        for fn in (
            lambda: utils.two_element_tuple(value),
            lambda: utils.n_positive_integers(2, value),
            lambda: utils.n_positive_integers(3, value),
        ):
            try:
                out.append(fn())
            except (ValueError, TypeError) as e:
                out.append(_builtin(e))
        return out

    assert call(js.slim.utils) == call(slim.layers.utils)


def test_static_and_smart_cond():
    u = js.slim.utils
    assert u.static_cond(True, lambda: 1, lambda: 2) == 1
    assert u.smart_cond(np.bool_(False), lambda: 1, lambda: 2) == 2
    with pytest.raises(TypeError, match="fn1 must be callable"):
        u.static_cond(True, 1, lambda: 2)

    def fn(p):
        return u.smart_cond(p, lambda: jnp.ones(2), lambda: jnp.zeros(2))

    f = js.transform(fn)
    np.testing.assert_array_equal(jax.jit(f.apply)({}, jnp.asarray(True)), [1.0, 1.0])
    assert u.constant_value(jnp.asarray(3.0)) == 3.0
    with pytest.raises(ValueError, match="cannot be None"):
        u.constant_value(None)


def _softmax(S, L, x):
    a = L.softmax(x)
    b = L.softmax(x[:, 0], scope="named")
    with S.variable_scope(None, default_name="softmax"):  # taken by softmax: softmax_1
        w = S.get_variable("w", [1])
    return a, b, w.name


def test_softmax_matches_tf_slim(tf1, slim):
    with tf1.Graph().as_default():
        a, b, name = _softmax(tf1, slim, tf1.constant(X))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run([a, b])
    seen = {}

    def fn(x):
        *out, seen["name"] = _softmax(jtf, js.slim, x)
        return out

    f = js.transform(fn)
    got = f.apply(f.init(jax.random.key(0), X), X)
    assert seen["name"] == name == "softmax_1/w:0"
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def test_softmax_refuses_rank_1_and_integers():
    f = js.transform(lambda x: js.slim.softmax(x))
    with pytest.raises(ValueError, match="rank of shape must be at least 2 not: 1"):
        f.apply({}, jnp.ones([3]))
    with pytest.raises(TypeError):
        f.apply({}, jnp.ones([2, 3], jnp.int32))


def test_contrib_namespaces_are_the_slim_names():
    assert jtf.contrib.slim is js.slim
    assert jtf.contrib.layers is js.contrib.layers
    assert js.contrib.layers.utils is js.slim.utils
    assert jtf.contrib.framework.arg_scope is js.slim.arg_scope
    assert jtf.contrib.framework.add_arg_scope is js.slim.add_arg_scope
    assert jtf.contrib.rnn is js.contrib.rnn and jtf.contrib.rnn.static_rnn is js.nn.static_rnn
    for module in (jtf.contrib, jtf.contrib.framework, jtf.contrib.rnn, js.slim.utils):
        assert list(module.__all__) == sorted(module.__all__)
        assert all(hasattr(module, name) for name in module.__all__)
