"""The variable handle: TF1 metadata, tensor behaviour in every form ported code uses, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js


def run(fn, *args):
    """init then apply ``fn``; returns apply's output."""
    t = js.transform(fn)
    return t.apply(t.init(jax.random.key(0), *args), *args)


W = np.arange(6, dtype=np.float32).reshape(2, 3)


def with_w(use):
    def fn(x):
        w = js.get_variable("w", initializer=W)
        return use(x, w)

    return fn


X = np.ones((4, 2), np.float32)


@pytest.mark.parametrize(
    "name,use,expected",
    [
        ("matmul_op", lambda x, w: x @ w, X @ W),
        ("add_scalar", lambda x, w: w + 1, W + 1),
        ("radd", lambda x, w: 1 + w, W + 1),
        ("sub", lambda x, w: 1 - w, 1 - W),
        ("mul_array", lambda x, w: jnp.ones(3) * w, W),
        ("div", lambda x, w: w / 2, W / 2),
        ("pow", lambda x, w: w**2, W**2),
        ("neg", lambda x, w: -w, -W),
        ("index", lambda x, w: w[0], W[0]),
        ("slice", lambda x, w: w[:, 1:], W[:, 1:]),
        ("jnp_matmul", lambda x, w: jnp.matmul(x, w), X @ W),
        ("jnp_dot", lambda x, w: jnp.dot(x, w), X @ W),
        ("relu", lambda x, w: jax.nn.relu(w - 2), np.maximum(W - 2, 0)),
        ("softmax", lambda x, w: jax.nn.softmax(w), jax.nn.softmax(W)),
        ("sum", lambda x, w: jnp.sum(w), W.sum()),
        ("tanh", lambda x, w: jnp.tanh(w), np.tanh(W)),
        ("reshape_fn", lambda x, w: jnp.reshape(w, [-1]), W.reshape(-1)),
        ("method", lambda x, w: w.reshape(3, 2), W.reshape(3, 2)),
        ("transpose", lambda x, w: w.T, W.T),
        ("concat", lambda x, w: jnp.concatenate([w, w]), np.concatenate([W, W])),
        ("einsum", lambda x, w: jnp.einsum("ij,jk->ik", x, w), X @ W),
        ("compare", lambda x, w: w > 2, W > 2),
        ("numpy_left", lambda x, w: np.ones((4, 2), np.float32) @ w, X @ W),
        ("jit_arg", lambda x, w: jax.jit(lambda a, b: a @ b)(x, w), X @ W),
        ("jit_pytree_arg", lambda x, w: jax.jit(lambda v: v.value * 2)(w), W * 2),
        ("asarray", lambda x, w: jnp.asarray(w), W),
        ("where", lambda x, w: jnp.where(w > 2, w, 0), np.where(W > 2, W, 0)),
    ],
)
@pytest.mark.parametrize("jit", [False, True])
def test_handle_works_where_tf1_code_puts_a_tensor(name, use, expected, jit):
    t = js.transform(with_w(use))
    v = t.init(jax.random.key(0), X)
    apply = jax.jit(t.apply) if jit else t.apply
    np.testing.assert_allclose(apply(v, X), expected, rtol=1e-6)


def test_handle_metadata():
    def fn():
        with js.variable_scope("scope1"):
            w = js.get_variable("w1", [3, 2], dtype="float32")
            i = js.get_variable("i", [2], dtype=jnp.int32, trainable=False)
        return w, i

    w, i = run(fn)
    assert (w.name, w.shape, w.dtype, w.trainable, w.ndim) == (
        "scope1/w1:0",
        (3, 2),
        jnp.float32,
        True,
        2,
    )
    assert (i.name, i.dtype, i.trainable) == ("scope1/i:0", jnp.int32, False)
    assert repr(w) == "<jaxscope.Variable 'scope1/w1:0' shape=(3, 2) dtype=float32>"
    assert len(w) == 3 and w.get_shape() == (3, 2)


def test_same_variable_is_the_same_handle():
    def fn():
        with js.variable_scope("s"):
            a = js.get_variable("v", [1])
        with js.variable_scope("s", reuse=True):
            b = js.get_variable("v", [1])
        c = js.Variable(1.0, name="v")
        return a is b, a == b, a == c, len({a, b, c})

    assert run(fn) == (True, True, False, 2)


def test_handle_refuses_python_bool():
    def fn():
        if js.get_variable("v", [1]):
            pass

    with pytest.raises(TypeError, match="as a Python bool"):
        run(fn)


def test_value_is_the_variables_value():
    t = js.transform(lambda: js.get_variable("v", [2]).value)
    v = {"params": {"v": jnp.array([1.0, 2.0])}}
    np.testing.assert_array_equal(t.apply(v), [1, 2])
    np.testing.assert_array_equal(jax.jit(t.apply)(v), [1, 2])


def test_variable_dtype_inference_and_callable_initial_value():
    def fn():
        return (
            js.Variable(1).dtype,
            js.Variable(1.0).dtype,
            js.Variable(True).dtype,
            js.Variable(lambda: jnp.ones([2], jnp.int32)).shape,
            js.Variable([1, 2], dtype="float32").dtype,
        )

    assert run(fn) == (jnp.int32, jnp.float32, jnp.bool_, (2,), jnp.float32)


def test_variable_needs_an_initial_value():
    with pytest.raises(ValueError, match="initial_value must be specified"):
        run(lambda: js.Variable())


def test_no_effect_arguments_are_accepted():
    def fn():
        with js.variable_scope("s", values=[1], caching_device="/cpu:0", use_resource=True):
            v = js.get_variable(
                "v",
                [1],
                caching_device="/cpu:0",
                use_resource=False,
                validate_shape=True,
                synchronization=None,
                aggregation=None,
            )
            w = js.Variable(1.0, caching_device="/cpu:0", validate_shape=False, use_resource=True)
        return v.name, w.name

    assert run(fn) == ("s/v:0", "s/Variable:0")


def test_default_initializers_by_dtype():
    def fn():
        return (
            js.get_variable("f", [200, 300]),
            js.get_variable("i", [3], dtype="int32"),
            js.get_variable("b", [3], dtype="bool"),
        )

    v = js.transform(fn).init(jax.random.key(0))["params"]
    limit = np.sqrt(6 / 500)  # glorot_uniform
    assert np.abs(v["f"]).max() <= limit and np.abs(v["f"]).max() > 0.95 * limit
    assert v["i"].dtype == jnp.int32 and not v["i"].any()
    assert v["b"].dtype == jnp.bool_ and not v["b"].any()


def test_scope_initializer_and_dtype_inherited():
    def fn():
        with js.variable_scope("a", initializer=js.constant_initializer(2.0), dtype="float32"):
            with js.variable_scope("b"):
                return js.get_variable("v", [2])

    t = js.transform(fn)
    np.testing.assert_array_equal(t.init(jax.random.key(0))["params"]["a"]["b"]["v"], [2, 2])


def test_constant_initializer_fixes_shape_and_dtype():
    def fn():
        return js.get_variable("c", initializer=np.arange(6).reshape(2, 3).astype(np.int32))

    v = js.transform(fn).init(jax.random.key(0))["params"]["c"]
    assert v.dtype == jnp.int32 and v.shape == (2, 3)


def test_tf_style_and_jax_initializers_are_accepted():
    def tf_style(shape, dtype=None, partition_info=None):
        return np.full(shape, 7.0)

    def fn():
        return (
            js.get_variable("a", [2], initializer=tf_style),
            js.get_variable("b", [2, 2], initializer=jax.nn.initializers.ones),
        )

    v = js.transform(fn).init(jax.random.key(0))["params"]
    np.testing.assert_array_equal(v["a"], [7, 7])
    np.testing.assert_array_equal(v["b"], np.ones((2, 2)))


def test_initializers_with_different_values_are_never_grouped_together():
    def fn():
        for i in range(3):
            with js.variable_scope(f"h{i}"):
                js.get_variable("g", [4], initializer=js.constant_initializer(1))
                js.get_variable("b", [4], initializer=js.constant_initializer(0))
                js.get_variable("n", [4], initializer=js.random_normal_initializer(stddev=0.0))
                js.get_variable(
                    "m", [4], initializer=js.random_normal_initializer(mean=2.0, stddev=0.0)
                )

    params = js.transform(fn).init(jax.random.key(0))["params"]
    for i in range(3):
        h = params[f"h{i}"]
        assert [float(h[k][0]) for k in "gbnm"] == [1.0, 0.0, 0.0, 2.0]
