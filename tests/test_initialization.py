"""initialized_value, partial re-initialization (TF1's variables_initializer(var_list)) and filling
in the variables a partially restored tree lacks."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

W0 = np.arange(6, dtype=np.float32).reshape(2, 3)


def seed_program(S):
    """The seed's initialized_value example (ref variables, as TF1)."""
    weights = S.Variable(W0, name="weights")
    w2 = S.Variable(weights.initialized_value(), name="w2")
    w_twice = S.Variable(weights.initialized_value() * 2.0, name="w_twice")
    return weights, w2, w_twice


def test_initialized_value_matches_tf1(tf1):
    tf1.reset_default_graph()
    tf_vars = seed_program(tf1)
    with tf1.Session() as s:
        s.run(tf1.global_variables_initializer())
        expected = {v.op.name: s.run(v) for v in tf_vars}

    f = js.transform(lambda: [v.name for v in seed_program(js)])
    variables = f.init(jax.random.key(0))
    assert set(variables["params"]) == set(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(variables["params"][name], value)
    assert f.apply(variables) == [n + ":0" for n in expected]  # apply just looks them up
    given = jax.tree.map(lambda v: v + 100, variables)  # apply reads the tree, never recomputes
    g = js.transform(lambda: [v.value for v in seed_program(js)])
    for got, want in zip(g.apply(given), [given["params"][n] for n in expected], strict=True):
        np.testing.assert_array_equal(got, want)


def test_initialized_value_of_a_random_variable_is_its_initial_draw():
    def model():
        w = js.get_variable("w", [3, 3])
        w.assign(jnp.zeros([3, 3]))  # the initial value is what counts, not the assigned one
        return js.Variable(w.initialized_value() + 1.0, name="w_plus_one")

    variables = js.transform(model).init(jax.random.key(3))
    np.testing.assert_array_equal(variables["params"]["w_plus_one"], variables["params"]["w"] + 1)


def net(x):
    with js.variable_scope("body"):
        h = jnp.tanh(x @ js.get_variable("w", [3, 4]) + js.get_variable("b", [4]))
    with js.variable_scope("head"):
        out = h @ js.get_variable("w", [4, 2])
    js.get_variable("global_step", [], "int32", trainable=False)
    return out


X = jnp.ones([5, 3])


def trained(f):
    """Values that differ from any initialization (as after training)."""
    variables = f.init(jax.random.key(0), X)
    return jax.tree.map(lambda v: v + 7 if v.dtype != jnp.int32 else v + 100, variables)


def test_reinitialize_a_subset_keeps_the_rest_bit_for_bit(tf1):
    f = js.transform(net)
    variables = trained(f)
    fresh = f.init(jax.random.key(1), X)
    new = js.reinitialize(f, variables, ["head/w:0", "global_step"], jax.random.key(1), X)
    assert new["params"]["body"]["w"] is variables["params"]["body"]["w"]
    assert new["params"]["body"]["b"] is variables["params"]["body"]["b"]
    np.testing.assert_array_equal(new["params"]["head"]["w"], fresh["params"]["head"]["w"])
    assert new["state"]["global_step"] == 0

    by_regex = js.reinitialize(f, variables, "body/", jax.random.key(1), X)
    np.testing.assert_array_equal(by_regex["params"]["body"]["w"], fresh["params"]["body"]["w"])
    assert by_regex["params"]["head"]["w"] is variables["params"]["head"]["w"]
    by_predicate = js.reinitialize(f, variables, lambda n: n.endswith("/b"), jax.random.key(1), X)
    np.testing.assert_array_equal(by_predicate["params"]["body"]["b"], fresh["params"]["body"]["b"])

    # TF1: variables_initializer([a]) resets a and leaves b's current value alone (R08.2).
    tf1.reset_default_graph()
    a = tf1.get_variable("a", initializer=np.float32(1.0))
    b = tf1.get_variable("b", initializer=np.float32(2.0))
    with tf1.Session() as s:
        s.run(tf1.global_variables_initializer())
        s.run([tf1.assign(a, 10.0), tf1.assign(b, 20.0)])
        s.run(tf1.variables_initializer([a]))
        expected = s.run([a, b])

    g = js.transform(
        lambda: (
            js.get_variable("a", initializer=np.float32(1.0)),
            js.get_variable("b", initializer=np.float32(2.0)),
        )  # fmt: skip
    )
    current = {"params": {"a": jnp.float32(10.0), "b": jnp.float32(20.0)}}
    reset = js.reinitialize(g, current, ["a"], jax.random.key(0))
    assert [float(reset["params"]["a"]), float(reset["params"]["b"])] == expected


def test_reinitialize_unknown_name_or_empty_selection_is_an_error():
    f = js.transform(net)
    with pytest.raises(js.UnknownVariableError, match="no variable named 'head/W'.*head/w"):
        js.reinitialize(f, trained(f), ["head/W"], jax.random.key(0), X)
    with pytest.raises(js.UnknownVariableError, match="selection 'bdy/' matches no variable"):
        js.reinitialize(f, trained(f), "bdy/", jax.random.key(0), X)


def test_initialize_missing_fills_a_new_head_on_a_pretrained_body():
    f = js.transform(net)
    pretrained = trained(f)
    partial = {"params": {"body": pretrained["params"]["body"]}}
    new = js.initialize_missing(f, partial, jax.random.key(5), X)
    assert new["params"]["body"]["w"] is pretrained["params"]["body"]["w"]
    fresh = f.init(jax.random.key(5), X)
    np.testing.assert_array_equal(new["params"]["head"]["w"], fresh["params"]["head"]["w"])
    assert new["state"]["global_step"] == 0
    assert f.apply(new, X).shape == (5, 2)


def test_initialize_missing_checks_what_it_keeps():
    f = js.transform(net)
    wrong_shape = {"params": {"body": {"w": jnp.zeros([4, 3])}}}
    with pytest.raises(js.ValueMismatchError, match=r'"body/w" has shape \(4, 3\).*\(3, 4\)'):
        js.initialize_missing(f, wrong_shape, jax.random.key(0), X)
    typo = {"params": {"bdy": {"w": jnp.zeros([3, 4])}}}
    with pytest.raises(js.UnusedVariablesError, match="params/bdy/w"):
        js.initialize_missing(f, typo, jax.random.key(0), X)
    with pytest.raises(TypeError, match="takes the Transformed"):
        js.initialize_missing(net, {}, jax.random.key(0), X)
