"""js.while_loop / cond / scan / map_fn: bodies that create and assign variables.

Oracle: tf.compat.v1.while_loop / cond in graph mode (ref variables, ``parallel_iterations=1``
so TF1's reads are ordered): variable names and creation order, loop outputs and the variables'
values after the loop.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint


def _tf_run(tf1, prog, *args):
    with tf1.Graph().as_default():
        out = prog(tf1, *args)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            got = sess.run(out)
            names = [v.op.name for v in tf1.global_variables()]
            values = dict(zip(names, sess.run(tf1.global_variables()), strict=True))
    return names, got, values


def _js_run(prog, *args):
    f = js.transform(lambda *a: prog(js, *a))
    variables = f.init(jax.random.key(0), *args)
    names = [v.name for v in js.inspect(f, *args)]
    out, new = jax.jit(lambda v, *a: f.apply(v, *a, mutable=True))(variables, *args)
    return names, out, checkpoint.flatten(new), f, variables


def counter_loop(S, n):
    """A counter assigned in the body, a weight created in it, reads of the assigned value."""
    count = S.get_variable("count", [], initializer=S.zeros_initializer())

    def body(i, acc):
        w = S.get_variable("w", [2], initializer=S.constant_initializer([1.0, -2.0]))
        up = S.assign_add(count, 1.0)
        return i + 1, acc + w * up

    return S.while_loop(lambda i, acc: i < n, body, [0, S.zeros([2])], parallel_iterations=1)


def scatter_loop(S, n):
    """Each iteration writes one row of a table created in the body; the body reads it back."""

    def body(i, total):
        with S.variable_scope("table_scope"):
            table = S.get_variable("table", [4, 3], initializer=S.ones_initializer())
        row = S.cast(i, S.float32) * S.ones([1, 3])
        new = S.scatter_update(table, S.expand_dims(i, 0), row)
        return i + 1, total + S.reduce_sum(new)

    return S.while_loop(lambda i, t: i < n, body, [0, 0.0], parallel_iterations=1)


def cond_create_one_branch(S, x):
    """A variable created in only one branch exists whichever branch runs (TF1's behaviour);
    the other branch assigns a variable created before the cond."""
    hits = S.get_variable("hits", [], initializer=S.zeros_initializer())
    x = S.constant(x)

    def true_fn():
        v = S.get_variable("v", [2], initializer=S.constant_initializer([3.0, 4.0]))
        return v * x

    def false_fn():
        return S.assign_add(hits, 1.0) * S.ones([2])

    return S.cond(x > 0, true_fn, false_fn)


@pytest.mark.parametrize(
    ("prog", "arg"),
    [
        (counter_loop, 3),
        (counter_loop, 0),
        (scatter_loop, 3),
        (cond_create_one_branch, 2.0),
        (cond_create_one_branch, -1.0),
    ],  # fmt: skip
)
def test_control_flow_assigns_match_tf1(tf1, prog, arg):
    tf_names, tf_out, tf_values = _tf_run(tf1, prog, arg)

    names, out, values, _, _ = _js_run(lambda S, a: prog(_js_namespace(), a), arg)
    assert names == tf_names
    for got, want in zip(jax.tree.leaves(out), jax.tree.leaves(tf_out), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert sorted(values) == sorted(tf_values)
    for name, want in tf_values.items():
        np.testing.assert_allclose(values[name], want, rtol=1e-6, err_msg=name)


def _js_namespace():
    class S:
        pass

    for k in js.__all__:
        setattr(S, k, getattr(js, k))
    S.cast = staticmethod(lambda x, d: jnp.asarray(x, d))
    S.ones, S.zeros, S.float32 = staticmethod(jnp.ones), staticmethod(jnp.zeros), jnp.float32
    S.reduce_sum, S.expand_dims = staticmethod(jnp.sum), staticmethod(jnp.expand_dims)
    S.constant = staticmethod(jnp.asarray)
    return S


def test_assign_in_loop_is_visible_after_it_and_init_returns_initial_values():
    def f(x):
        v = js.get_variable("v", [], initializer=js.zeros_initializer())
        js.while_loop(lambda i: i < 4, lambda i: [js.assign_add(v, x) * 0 + i + 1], [0])
        return v + 0

    f = js.transform(f)
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), 2.0)
        out, new = jax.jit(lambda v, x: f.apply(v, x, mutable=True))(variables, 2.0)
    assert float(variables["params"]["v"]) == 0.0  # init: initial values, as TF1's initializer
    assert float(out) == 8.0 and float(new["params"]["v"]) == 8.0
    with pytest.raises(js.ImmutableVariableError):
        f.apply(variables, 2.0)  # an assign in a body needs mutable= like any other


def test_scan_body_variables_are_created_once_and_differentiable():
    def f(xs):
        def step(acc, x):
            w = js.get_variable("w", [3, 3], initializer=js.orthogonal_initializer())
            return jnp.tanh(acc @ w + x)

        return js.scan(step, xs, initializer=jnp.zeros([2, 3]))

    f = js.transform(f)
    xs = jax.random.normal(jax.random.key(1), [5, 2, 3])
    variables = f.init(jax.random.key(0), xs)
    assert jax.tree.map(jnp.shape, variables) == {"params": {"w": (3, 3)}}
    w = variables["params"]["w"]

    def plain(w, xs):
        return jax.lax.scan(lambda a, x: (jnp.tanh(a @ w + x),) * 2, jnp.zeros([2, 3]), xs)[1]

    np.testing.assert_allclose(f.apply(variables, xs), plain(w, xs), rtol=1e-6)
    g = jax.grad(lambda v: jnp.sum(f.apply(v, xs) ** 2))(variables)["params"]["w"]
    np.testing.assert_allclose(g, jax.grad(lambda w: jnp.sum(plain(w, xs) ** 2))(w), rtol=1e-5)
    # vmap over the inputs of apply
    batched = jax.vmap(lambda x: f.apply(variables, x))(jnp.stack([xs, 2 * xs]))
    np.testing.assert_allclose(batched[1], plain(w, 2 * xs), rtol=1e-6)


def test_scan_without_initializer_and_reverse_match_tf1(tf1):
    elems = np.arange(1.0, 6.0, dtype=np.float32)
    with tf1.Graph().as_default():
        a = tf1.scan(lambda acc, x: acc * 0.5 + x, tf1.constant(elems))
        b = tf1.scan(lambda acc, x: acc + x, tf1.constant(elems), initializer=1.0, reverse=True)
        with tf1.Session() as sess:
            want_a, want_b = sess.run([a, b])
    f = js.transform(
        lambda e: (js.scan(lambda acc, x: acc * 0.5 + x, e),
                   js.scan(lambda acc, x: acc + x, e, initializer=1.0, reverse=True))
    )  # fmt: skip
    got_a, got_b = f.apply({}, elems)
    np.testing.assert_allclose(got_a, want_a)
    np.testing.assert_allclose(got_b, want_b)


def test_map_fn_carries_assigns_in_order():
    def f(xs):
        total = js.get_variable("total", [], initializer=js.zeros_initializer(), trainable=False)
        return js.map_fn(lambda x: js.assign_add(total, x), xs), total + 0

    f = js.transform(f)
    xs = jnp.array([1.0, 2.0, 3.0])
    variables = f.init(jax.random.key(0), xs)
    (running, total), new = f.apply(variables, xs, mutable=["state"])
    np.testing.assert_allclose(running, [1.0, 3.0, 6.0])
    assert float(total) == 6.0 == float(new["state"]["total"])


def test_next_rng_key_in_a_body_is_fresh_each_iteration():
    def f():
        return js.map_fn(lambda i: jax.random.uniform(js.next_rng_key(), []), jnp.arange(4))

    f = js.transform(f)
    a = f.apply({}, rng=jax.random.key(0))
    assert len(set(np.asarray(a).tolist())) == 4
    np.testing.assert_array_equal(a, f.apply({}, rng=jax.random.key(0)))


def test_while_loop_maximum_iterations_and_single_loop_var():
    f = js.transform(lambda: js.while_loop(lambda i: i < 100, lambda i: i + 1, 0,
                                           maximum_iterations=7))  # fmt: skip
    assert int(f.apply({})) == 7


@pytest.mark.parametrize("bound", [1, 2, 5, 10, 1_000_000])
def test_bounded_while_loop_skips_the_steps_after_its_end(bound):
    # maximum_iterations is often a generous safety bound: the loop that ends after 3 steps
    # must not run a million (skipped) steps, nor stop early or late for small bounds.
    checks = []

    def cond(i, a):
        jax.debug.callback(lambda: checks.append(1))
        return i < 3

    def f(x):
        return js.while_loop(cond, lambda i, a: (i + 1, a * 2.0), [0, x],
                             maximum_iterations=bound)  # fmt: skip

    f = js.transform(f)
    i, a = jax.jit(f.apply)({}, 1.0)
    assert int(i) == min(3, bound) and float(a) == 2.0 ** min(3, bound)
    assert len(checks) <= 4 * math.isqrt(bound) + 10, len(checks)
    grad = jax.grad(lambda x: f.apply({}, x)[1])(1.0)
    assert float(grad) == 2.0 ** min(3, bound)


def test_while_cond_may_not_assign():
    def f():
        v = js.get_variable("v", [], initializer=js.zeros_initializer())
        return js.while_loop(lambda i: js.assign_add(v, 1.0) < 3, lambda i: i + 1, [0])

    with pytest.raises(js.LoopConditionAssignError, match=r'cond assigns "v".*Move the assign'):
        js.transform(f).init(jax.random.key(0))


def test_batch_norm_updates_inside_a_scan_body():
    def f(xs):
        def step(acc, x):
            h = js.layers.batch_normalization(x, training=True, momentum=0.5)
            return acc + jnp.sum(h)

        return js.scan(step, xs, initializer=0.0)

    f = js.transform(f)
    xs = jnp.stack([jnp.full([4, 2], 1.0), jnp.full([4, 2], 3.0)])
    variables = f.init(jax.random.key(0), xs)
    _, new = f.apply(variables, xs, mutable=["state"])
    # moving_mean: 0 -> 0.5 * 0 + 0.5 * 1 = 0.5 -> 0.5 * 0.5 + 0.5 * 3 = 1.75
    np.testing.assert_allclose(new["state"]["batch_normalization"]["moving_mean"], [1.75, 1.75])


def test_variable_made_and_assigned_in_body_needs_jax_arrays_in_apply():
    def f():
        def body(i):
            v = js.get_variable("v", [], initializer=js.zeros_initializer())
            js.assign_add(v, 1.0)
            return i + v * 0

        return js.while_loop(lambda i: i < 3, lambda i: body(i) + 1, [0.0])

    f = js.transform(f)
    variables = f.init(jax.random.key(0))
    _, new = f.apply(variables, mutable=True)
    assert float(new["params"]["v"]) == 3.0
    as_numpy = jax.tree.map(np.asarray, variables)
    with pytest.raises(NotImplementedError, match=r'"v" is created and assigned inside'):
        f.apply(as_numpy, mutable=True)


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.core import control_flow

    result = doctest.testmod(control_flow, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_nested_loops_and_an_rnn_inside_a_scan_body():
    def f(xs):
        count = js.get_variable("count", [], jnp.int32, trainable=False)

        def outer(acc, x):
            def inner(i):
                count.assign_add(1)
                return i + 1

            js.while_loop(lambda i: i < 2, inner, [0])
            out, _ = js.nn.dynamic_rnn(js.nn.rnn_cell.GRUCell(3), x[None], dtype=jnp.float32)
            return acc + jnp.sum(out)

        return js.scan(outer, xs, initializer=0.0)

    f = js.transform(f)
    xs = jnp.ones([4, 5, 2])
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), xs)
    assert sorted(checkpoint.flatten(variables)) == [
        "count", "rnn/gru_cell/candidate/bias", "rnn/gru_cell/candidate/kernel",
        "rnn/gru_cell/gates/bias", "rnn/gru_cell/gates/kernel",
    ]  # fmt: skip
    out, new = jax.jit(lambda v, x: f.apply(v, x, mutable=True))(variables, xs)
    assert int(new["state"]["count"]) == 8 and out.shape == (4,)


def test_while_loop_assigns_under_vmap():
    def f(x):
        v = js.get_variable("v", [], initializer=js.zeros_initializer(), trainable=False)
        js.while_loop(lambda i: i < 3, lambda i: [js.assign_add(v, x) * 0 + i + 1], [0.0])
        return v + 0

    f = js.transform(f)
    variables = f.init(jax.random.key(0), 1.0)
    out, new = jax.vmap(lambda x: f.apply(variables, x, mutable=["state"]))(jnp.arange(3.0))
    np.testing.assert_allclose(out, [0.0, 3.0, 6.0])
    np.testing.assert_allclose(new["state"]["v"], [0.0, 3.0, 6.0])


def case_program(S, x):
    def branch(name, value):
        def fn():
            v = S.get_variable(name, [], initializer=S.constant_initializer(value))
            return v * x

        return fn

    x = S.constant(x)
    return S.case([(x < 0, branch("neg", -1.0)), (x < 10, branch("small", 2.0))],
                  default=branch("big", 3.0))  # fmt: skip


@pytest.mark.parametrize("x", [-2.0, 4.0, 20.0])
def test_case_matches_tf1(tf1, x):
    tf_names, tf_out, _ = _tf_run(tf1, case_program, x)
    names, out, _, _, _ = _js_run(lambda S, a: case_program(_js_namespace(), a), x)
    assert names == tf_names
    np.testing.assert_allclose(out, tf_out)


def bounded_power_loop(S, x):
    """``x * w`` repeated while ``i < 3`` (``maximum_iterations=5`` never reached), ``w``
    created in the body: the gradient flows through the loop, as TF1's."""

    def body(i, acc):
        w = S.get_variable("w", [2], initializer=S.constant_initializer([0.5, -1.5]))
        return [i + 1, acc * w + 1.0]

    return S.while_loop(lambda i, acc: i < 3, body, [0, x], maximum_iterations=5)[1]


def test_bounded_while_loop_gradients_match_tf1(tf1):
    x_np = np.array([2.0, 3.0], np.float32)
    with tf1.Graph().as_default():
        x = tf1.constant(x_np)
        out = bounded_power_loop(tf1, x)
        grads = tf1.gradients(tf1.reduce_sum(out * [1.0, 2.0]), [x, tf1.global_variables()[0]])
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            tf_out, tf_grads = sess.run([out, grads])

    f = js.transform(lambda x: bounded_power_loop(_js_namespace(), x))
    variables = f.init(jax.random.key(0), jnp.asarray(x_np))

    def loss(params, x):
        out = f.apply({"params": params}, x)
        return jnp.sum(out * jnp.array([1.0, 2.0])), out

    with jax.checking_leaks():
        (_, out), grads = jax.jit(jax.value_and_grad(loss, (0, 1), has_aux=True))(
            variables["params"], jnp.asarray(x_np)
        )
    np.testing.assert_allclose(out, tf_out, rtol=1e-6)
    np.testing.assert_allclose(grads[1], tf_grads[0], rtol=1e-6)
    np.testing.assert_allclose(grads[0]["w"], tf_grads[1], rtol=1e-6)


def test_while_loop_without_bound_or_back_prop_stays_a_while():
    def f(x, **kw):
        return js.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2.0), [0, x], **kw)[1]

    for kw, prim in [({}, "while"), ({"back_prop": False, "maximum_iterations": 5}, "while"),
                     ({"maximum_iterations": 5}, "scan")]:  # fmt: skip
        g = js.transform(lambda x, kw=kw: f(x, **kw))
        jaxpr = jax.make_jaxpr(g.apply)({}, 1.0)
        assert [e.primitive.name for e in jaxpr.jaxpr.eqns if e.primitive.name in
                ("while", "scan")] == [prim]  # fmt: skip
        assert float(g.apply({}, 1.0)) == 8.0


def test_next_rng_key_in_cond_and_while_loop_bodies():
    def f(x):
        def body(i, buf):
            return i + 1, buf.at[i].set(jax.random.uniform(js.next_rng_key(), []))

        _, buf = js.while_loop(lambda i, b: i < 4, body, [0, jnp.zeros([4])])
        noise = js.cond(x > 0, lambda: jax.random.normal(js.next_rng_key(), [2]),
                        lambda: jnp.zeros([2]))  # fmt: skip
        return buf, noise

    f = js.transform(f)
    with jax.checking_leaks():
        buf, noise = jax.jit(lambda k: f.apply({}, 1.0, rng=k))(jax.random.key(0))
    assert len(set(np.asarray(buf).tolist())) == 4  # a fresh key every iteration
    assert bool(jnp.all(noise != 0))
    other = f.apply({}, 1.0, rng=jax.random.key(1))
    assert not np.array_equal(other[1], noise)
    np.testing.assert_array_equal(f.apply({}, 1.0, rng=jax.random.key(0))[0], buf)


def test_variable_made_from_a_value_inside_a_body_gets_that_value():
    """TF1 lifts a constant initial value out of the loop; the variable must hold it after
    init (not a tracer of the body) and be read back in apply."""

    def model(xs):
        def step(acc, x):
            v = js.get_variable("v", initializer=jnp.array([1.0, -1.0]))
            return acc + x * v

        return js.scan(step, xs, initializer=jnp.zeros(2))

    f = js.transform(model)
    xs = jnp.ones([3, 2])
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), xs)
    np.testing.assert_array_equal(variables["params"]["v"], [1.0, -1.0])
    out = jax.jit(f.apply)({"params": {"v": jnp.array([2.0, 3.0])}}, xs)
    np.testing.assert_array_equal(out[-1], [6.0, 9.0])
