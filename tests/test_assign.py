"""assign / assign_add / assign_sub / scatter_* against tf.compat.v1 (ref variables), apply's
``mutable=``, and in-place updates under jit with donation (``compiled.memory_analysis()``)."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

START = np.arange(8, dtype=np.float32).reshape(4, 2)

# Each step: (op, args) applied in order to a [4, 2] float32 variable that starts at START.
STEPS = [
    ("assign", (START[::-1] * 2,)),
    ("assign_add", (np.ones([4, 2], np.float32),)),
    ("assign_sub", ([[0.5, 0.5]] * 4,)),  # a Python list converts to the variable's dtype
    ("assign", ([[1, 2], [3, 4], [5, 6], [7, 8]],)),  # Python ints convert too
    ("scatter_update", ([0, 2], [[10.0, 11.0], [12.0, 13.0]])),
    ("scatter_add", ([2, 2, 3], [[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])),  # duplicates accumulate
    ("scatter_update", ([[1], [3]], [[[-1.0, -2.0]], [[-3.0, -4.0]]])),  # 2-D indices
    ("scatter_update", ([1, 0], 7.0)),  # a scalar update fills the rows
    ("scatter_add", (np.array([3], np.int64), [[100.0, 100.0]])),
]


def tf_steps(tf, steps):
    tf.reset_default_graph()
    v = tf.get_variable("v", initializer=START)
    ops = [getattr(tf, op)(v, *args) for op, args in steps]
    with tf.Session() as s:
        s.run(v.initializer)
        outs = [s.run(op) for op in ops]  # one run per op: they execute in this order
        return outs, s.run(v)


def js_steps(steps):
    def model():
        v = js.get_variable("v", initializer=START)
        return [getattr(js, op)(v, *args) for op, args in steps], v.value

    f = js.transform(model)
    (outs, final), new = f.apply(f.init(jax.random.key(0)), mutable=True)
    np.testing.assert_array_equal(new["params"]["v"], final)
    return outs, final


def test_assign_and_scatter_results_match_tf1(tf1):
    tf_outs, tf_final = tf_steps(tf1, STEPS)
    js_outs, js_final = js_steps(STEPS)
    for op, a, b in zip(STEPS, tf_outs, js_outs, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=str(op))
    np.testing.assert_array_equal(tf_final, js_final)


def test_assign_results_match_tf1_under_jit(tf1):
    def model():
        v = js.get_variable("v", initializer=START)
        for op, args in STEPS:
            getattr(js, op)(v, *args)
        return v.value

    f = js.transform(model)
    out, new = jax.jit(f.apply, static_argnames="mutable")(f.init(jax.random.key(0)), mutable=True)
    np.testing.assert_array_equal(out, tf_steps(tf1, STEPS)[1])
    np.testing.assert_array_equal(new["params"]["v"], out)


BAD = [
    ("assign", ([1.0, 2.0, 3.0],)),  # wrong shape
    ("assign", (1.0,)),  # TF1 does not broadcast a scalar here
    ("assign_add", (1.0,)),
    ("assign_sub", ([[1.0, 2.0]],)),
    ("scatter_update", ([0, 1], [1.0, 2.0])),  # updates must be indices.shape + [2]
    ("assign", ("int32 tensor", [[1, 2]] * 4)),  # a tensor never casts
    ("scatter_update", ([0], "int32 tensor", [[1, 2]])),
    ("scatter_update", ([0.5], [[1.0, 2.0]])),  # float indices
]


@pytest.mark.parametrize("op,args", BAD, ids=[f"{op}-{i}" for i, (op, _) in enumerate(BAD)])
def test_bad_updates_raise_the_builtin_tf1_raises(tf1, op, args):
    def tensors(constant):  # "int32 tensor", x -> an int32 tf.constant / jnp array
        out, rest = [], list(args)
        while rest:
            a = rest.pop(0)
            out.append(constant(rest.pop(0), "int32") if isinstance(a, str) else a)
        return out

    tf1.reset_default_graph()
    v = tf1.get_variable("v", initializer=START)
    with pytest.raises((ValueError, TypeError)) as tf_err:
        getattr(tf1, op)(v, *tensors(tf1.constant))

    def model():
        getattr(js, op)(js.get_variable("v", initializer=START), *tensors(jnp.asarray))

    f = js.transform(model)
    with pytest.raises(js.JaxscopeError, match=f'{op} to variable "v"') as js_err:
        f.apply(f.init(jax.random.key(0)), mutable=True)
    assert isinstance(js_err.value, tf_err.type)


def test_int_variable_takes_python_ints_but_not_floats(tf1):
    tf1.reset_default_graph()
    i = tf1.get_variable("i", [], tf1.int32, initializer=tf1.zeros_initializer())
    tf1.assign_add(i, 1)
    with pytest.raises(TypeError):
        tf1.assign_add(i, 1.5)

    def model(delta):
        i = js.get_variable("i", [], "int32", trainable=False)
        return i.assign_add(delta)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), 1)
    out, new = f.apply(variables, 1, mutable=True)
    assert out == 1 and out.dtype == jnp.int32 and new["state"]["i"] == 1
    with pytest.raises(js.AssignDtypeError, match=r"Cast it yourself"):
        f.apply(variables, 1.5, mutable=True)


def test_assign_with_validate_shape_false_changes_the_shape(tf1):
    tf1.reset_default_graph()
    v = tf1.get_variable("v", [2], initializer=tf1.zeros_initializer())
    a = tf1.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    with tf1.Session() as s:
        s.run(v.initializer)
        s.run(a)
        expected = s.run(v)

    def model():
        v = js.get_variable("v", [2], initializer=js.zeros_initializer(), validate_shape=False)
        if v.shape == (2,):
            js.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
        return v.shape

    f = js.transform(model)
    variables = f.init(jax.random.key(0))
    shape, new = f.apply(variables, mutable=True)
    assert shape == tuple(v.shape) == (2,)  # the static shape stays, as in TF1
    np.testing.assert_array_equal(new["params"]["v"], expected)
    assert f.apply(new) == (3,)  # validate_shape=False: the next call accepts the new shape


def test_later_reads_see_the_new_value_earlier_reads_keep_the_old():
    def model():
        with js.variable_scope("s"):
            v = js.get_variable("v", initializer=np.float32(1.0))
        before = v + 0
        v.assign(5.0)
        with js.variable_scope("s", reuse=True):
            again = js.get_variable("v", [])
        return before, v.value, again.value, again is v

    f = js.transform(model)
    (before, after, again, same), _ = f.apply(f.init(jax.random.key(0)), mutable=True)
    assert (before, after, again, same) == (1.0, 5.0, 5.0, True)


def test_init_returns_initial_values_not_assigned_ones(tf1):
    tf1.reset_default_graph()
    v = tf1.get_variable("v", initializer=np.float32(1.0))
    tf1.assign_add(v, 10.0)  # built, like in the model, but global_variables_initializer ignores it
    with tf1.Session() as s:
        s.run(tf1.global_variables_initializer())
        expected = s.run(v)

    def model():
        v = js.get_variable("v", initializer=np.float32(1.0))
        v.assign_add(10.0)
        w = js.Variable(v.initialized_value() * 2, name="w")  # traced: init runs a second pass
        return w.value

    variables = js.transform(model).init(jax.random.key(0))
    assert variables["params"]["v"] == expected == 1.0
    assert variables["params"]["w"] == 2.0


def test_assign_without_mutable_is_an_error_that_says_how():
    def model():
        js.get_variable("step", [], "int32", trainable=False).assign_add(1)
        js.get_variable("w", [2]).assign([1.0, 2.0])

    f = js.transform(model)
    variables = f.init(jax.random.key(0))
    with pytest.raises(js.ImmutableVariableError, match=r"mutable=\['state'\]"):
        f.apply(variables)
    with pytest.raises(js.ImmutableVariableError, match=r"variables\['params'\].*only \['state'\]"):
        f.apply(variables, mutable=["state"])
    out, new = f.apply(variables, mutable=["state", "params"])
    assert out is None and new["state"]["step"] == 1
    np.testing.assert_array_equal(new["params"]["w"], [1.0, 2.0])
    assert variables["state"]["step"] == 0  # the input is never mutated
    with pytest.raises(ValueError, match="'params' .* and 'state'"):
        f.apply(variables, mutable=["batch_stats"])


def test_mutable_returns_the_whole_tree_sharing_untouched_leaves():
    def model():
        js.get_variable("a/w", [2])
        js.get_variable("b/step", [], "int32", trainable=False).assign_add(1)

    f = js.transform(model)
    variables = f.init(jax.random.key(0))
    _, new = f.apply(variables, mutable=True)
    assert jax.tree.structure(new) == jax.tree.structure(variables)
    assert new["params"]["a"]["w"] is variables["params"]["a"]["w"]
    assert new["state"]["b"]["step"] == 1


def test_traced_mutable_gets_a_clear_error():
    f = js.transform(lambda: None)
    with pytest.raises(TypeError, match="static_argnames='mutable'"):
        jax.jit(f.apply)({}, mutable=True)


def test_scatter_out_of_range_index_raises_when_concrete():
    def model():
        js.scatter_update(js.get_variable("t", [4, 2]), [1, 4], jnp.zeros([2, 2]))

    f = js.transform(model)
    with pytest.raises(js.ScatterIndexError, match=r"indices\[1\] = 4 is not in \[0, 4\)"):
        f.apply(f.init(jax.random.key(0)), mutable=True)


def test_a_handle_from_another_call_cannot_be_assigned():
    escaped = []
    f = js.transform(lambda: escaped.append(js.get_variable("v", [1])))
    variables = f.init(jax.random.key(0))

    def other():
        js.get_variable("v", [1])
        escaped[0].assign([1.0])

    g = js.transform(other)
    with pytest.raises(js.StaleVariableError, match='assign of variable "v"'):
        g.apply(variables, mutable=True)


def scatter_model(idx, rows):
    table = js.get_variable(
        "embed/table", [20_000, 128], trainable=False, initializer=js.zeros_initializer()
    )
    js.scatter_update(table, idx, rows)
    return table[idx[0], 0]


def test_donated_scatter_updates_the_table_in_place():
    f = js.transform(scatter_model)
    idx, rows = jnp.arange(128) * 7, jnp.ones([128, 128])
    table_bytes = 20_000 * 128 * 4
    step = functools.partial(f.apply, mutable=True)

    variables = f.init(jax.random.key(0), idx, rows)
    ma = jax.jit(step, donate_argnums=0).lower(variables, idx, rows).compile().memory_analysis()
    assert ma.alias_size_in_bytes >= table_bytes  # the output table *is* the input buffer
    assert ma.temp_size_in_bytes < table_bytes // 10  # and no second copy is made

    copied = jax.jit(step).lower(variables, idx, rows).compile().memory_analysis()
    assert copied.alias_size_in_bytes == 0
    assert copied.output_size_in_bytes >= table_bytes  # a fresh table each step

    # Steady steps: init's buffers may still be read by work init left running (its eager pass
    # over the program), and a buffer in use is copied rather than donated; a step's are not.
    donated = jax.jit(step, donate_argnums=0)
    _, variables = donated(variables, idx, rows)
    before = variables["state"]["embed"]["table"].unsafe_buffer_pointer()
    out, new = donated(variables, idx, rows)
    assert new["state"]["embed"]["table"].unsafe_buffer_pointer() == before
    assert out == 1.0 and float(new["state"]["embed"]["table"].sum()) == 128 * 128


class IndexedSlices:  # what TF1's Variable.scatter_* methods take: .indices and .values
    def __init__(self, values, indices):
        self.values, self.indices = values, indices


def test_handle_methods_match_tf1(tf1):
    ups = [np.float32([[1, 2]]), np.float32([[3, 4], [5, 6]])]
    tf1.reset_default_graph()
    v = tf1.get_variable("v", initializer=START)
    ops = [v.assign(START + 1), v.assign_add(START), v.assign_sub(np.ones([4, 2], np.float32)),
           v.scatter_update(tf1.IndexedSlices(ups[0], tf1.constant([3]))),
           v.scatter_add(tf1.IndexedSlices(ups[1], tf1.constant([0, 0])))]  # fmt: skip
    with tf1.Session() as s:
        s.run(v.initializer)
        expected = [s.run(op) for op in ops]

    def model():
        v = js.get_variable("v", initializer=START)
        return [v.assign(START + 1), v.assign_add(START), v.assign_sub(np.ones([4, 2], np.float32)),
                v.scatter_update(IndexedSlices(ups[0], np.int32([3]))),
                v.scatter_add(IndexedSlices(ups[1], np.int32([0, 0])))]  # fmt: skip

    f = js.transform(model)
    outs, new = f.apply(f.init(jax.random.key(0)), mutable=True)
    for a, b in zip(expected, outs, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(new["params"]["v"], expected[-1])
