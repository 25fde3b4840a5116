"""Partitioned variables (``partitioner=``) against tf.compat.v1 graph mode.

The oracle: TF1's part counts, part shapes, names and slice specs for random shapes and
partitioners; its reuse and validation errors; per-part initializer calls; embedding_lookup over
the parts with ``mod``/``div``.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

RNG = np.random.default_rng(15)


def _random_case(i):
    rank = int(RNG.integers(1, 4))
    shape = [int(d) for d in RNG.integers(1, 40, size=rank)]
    axis = int(RNG.integers(0, rank))
    kind = ["fixed", "axis_size", "min_max"][i % 3]
    dtype = ["float32", "float64", "int32", "float16"][int(RNG.integers(0, 4))]
    if kind == "fixed":
        args = dict(num_shards=int(RNG.integers(1, 12)), axis=axis)
    elif kind == "axis_size":
        args = dict(max_shard_bytes=int(RNG.integers(1, 2000)), axis=axis)
        if RNG.random() < 0.3:
            args["max_shards"] = int(RNG.integers(1, 6))
    else:
        args = dict(
            max_partitions=int(RNG.integers(1, 10)),
            axis=int(RNG.integers(0, rank + 1)),  # sometimes out of range: both raise
            min_slice_size=int(RNG.integers(1, 3000)),
        )
    return shape, kind, args, dtype


CASES = [_random_case(i) for i in range(240)]


def _partitioner(lib, kind, args):
    name = {
        "fixed": "fixed_size_partitioner",
        "axis_size": "variable_axis_size_partitioner",
        "min_max": "min_max_variable_partitioner",
    }[kind]
    return getattr(lib, name)(**args)


def _describe(pv):
    """(partitions, [(part name, part shape, offset, spec)]) or the error type."""
    parts = list(pv)
    out = []
    for part in parts:
        if hasattr(part, "_save_slice_info"):  # TF1
            info = part._save_slice_info
            out.append((part.name, part.shape.as_list(), info.var_offset, info.spec))
        else:
            out.append((part.name, list(part.shape), part.var_offset, part.spec))
    return list(pv._get_partitions()), out


def test_random_partitionings_match_tf1(tf1):
    """240 random shapes x partitioners: part counts, shapes, offsets, names, slice specs."""
    expected = []
    with tf1.Graph().as_default():
        for i, (shape, kind, args, dtype) in enumerate(CASES):
            try:
                with tf1.variable_scope(f"s{i % 7}"):
                    pv = tf1.get_variable(
                        f"v{i}", shape, dtype=getattr(tf1, dtype),
                        initializer=tf1.zeros_initializer(),
                        partitioner=_partitioner(tf1, kind, args),
                    )  # fmt: skip
                expected.append(_describe(pv))
            except ValueError:
                expected.append(ValueError)
    got = []

    def prog():
        got.clear()
        for i, (shape, kind, args, dtype) in enumerate(CASES):
            try:
                with js.variable_scope(f"s{i % 7}"):
                    pv = js.get_variable(
                        f"v{i}", shape, dtype=dtype, initializer=js.zeros_initializer(),
                        partitioner=_partitioner(js, kind, args),
                    )  # fmt: skip
                got.append(_describe(pv))
            except ValueError:
                got.append(ValueError)

    shapes = jax.eval_shape(js.transform(prog).init, jax.random.key(0))
    assert got == expected
    assert sum(e is ValueError for e in expected) > 5  # the error path was exercised
    assert sum(e is not ValueError and e[0] != [1] * len(e[0]) for e in expected) > 100
    # In the tree each partitioned variable is one logical array of the full shape.
    for i, (shape, *_), e in zip(range(len(CASES)), CASES, expected, strict=True):
        if e is not ValueError:
            assert shapes["params"][f"s{i % 7}"][f"v{i}"].shape == tuple(shape)


def _tf1_outcome(tf1, fn):
    with tf1.Graph().as_default():
        try:
            return fn()
        except ValueError as e:
            return ValueError, str(e)


def _js_outcome(fn):
    out = []

    def prog():
        out.clear()
        try:
            out.append(fn())
        except ValueError as e:
            out.append((ValueError, str(e)))

    js.transform(prog).init(jax.random.key(0))
    return out[0]


def _clash_program(lib):
    """R09.11/R09.12: reuse and name clashes, the outcome of each step."""
    part = lib.fixed_size_partitioner
    results = []

    def attempt(fn):
        try:
            results.append(fn())
        except ValueError:
            results.append("ValueError")

    pv = lib.get_variable("v", [6, 2], partitioner=part(3))
    with lib.variable_scope("", reuse=True):
        attempt(lambda: lib.get_variable("v", [6, 2]) is pv)
        attempt(lambda: lib.get_variable("v") is pv)
        attempt(lambda: lib.get_variable("v", [6, 2], partitioner=part(3)) is pv)
        attempt(lambda: lib.get_variable("v", [6, 2], partitioner=part(2)))
        attempt(lambda: lib.get_variable("v", [6, 3], partitioner=part(3)))
        attempt(lambda: lib.get_variable("x", [4], partitioner=part(2)))
    with lib.variable_scope("", reuse=lib.AUTO_REUSE):
        attempt(lambda: lib.get_variable("v", [6, 2], partitioner=part(3)) is pv)
        attempt(lambda: lib.get_variable("v", [6, 2]))
    attempt(lambda: lib.get_variable("v", [6, 2]))
    attempt(lambda: lib.get_variable("v", [6, 2], partitioner=part(3)))
    lib.get_variable("w", [4])
    attempt(lambda: lib.get_variable("w", [4], partitioner=part(2)))
    with lib.variable_scope("", reuse=True):
        attempt(lambda: lib.get_variable("w", [4], partitioner=part(2)))
    with lib.variable_scope("sc", partitioner=part(2)):
        a = lib.get_variable("a", [4])
        b = lib.get_variable("b", [])
        attempt(lambda: lib.get_variable("c", ()).name)
        attempt(lambda: lib.get_variable("d", initializer=np.float32(1.0)))
        with lib.variable_scope("inner"):
            e = lib.get_variable("e", [5, 2])
    results.append((a.name, [p.name for p in a], b.name, e.name, [p.name for p in e]))
    one = lib.get_variable("one", [3], partitioner=part(1))
    results.append((one.name, [p.name for p in one], list(one._get_partitions())))
    return results


def test_reuse_and_name_clashes_match_tf1(tf1):
    with tf1.Graph().as_default():
        expected = _clash_program(tf1)
    got = []
    js.transform(lambda: got.append(_clash_program(js))).init(jax.random.key(0))
    assert got[0] == expected
    assert expected[:3] == [True, True, True] and expected.count("ValueError") >= 7


@pytest.mark.parametrize(
    "partitioner, match",
    [
        (lambda shape, dtype: [2], r"does not match the Variable's rank: \[2\] vs. \(4, 4\)"),
        (lambda shape, dtype: [2, 2], r"Can only slice a variable along one dimension"),
        (lambda shape, dtype: [0, 1], r"zero partitions for some axes: \[0, 1\]"),
        (lambda shape, dtype: 2, r"Partitioner must return a sequence, but saw: 2"),
        (5, r"Partitioner must be callable, but received: 5"),
    ],
)
def test_invalid_partitioner_errors_match_tf1(tf1, partitioner, match):
    tf_kind, tf_message = _tf1_outcome(
        tf1, lambda: tf1.get_variable("a", [4, 4], partitioner=partitioner)
    )
    assert tf_kind is ValueError
    kind, message = _js_outcome(lambda: js.get_variable("a", [4, 4], partitioner=partitioner))
    assert kind is ValueError
    # jaxscope's message carries TF1's sentence, the variable name and the fix as code.
    tf_sentence = tf_message.split(":")[0]
    assert tf_sentence in message
    with pytest.raises(js.PartitionerError, match=match):
        js.transform(lambda: js.get_variable("a", [4, 4], partitioner=partitioner)).init(
            jax.random.key(0)
        )


def _init(f):
    return f.init(jax.random.key(0))


def test_partition_error_messages():
    part = js.fixed_size_partitioner

    def scalar():
        js.get_variable("s", initializer=np.float32(1.0), partitioner=part(2))

    with pytest.raises(
        js.PartitionerError,
        match=r'(?s)Partitioned variable "s": A partitioned Variable must have rank at least 1, '
        r"shape: \(\).*fixed_size_partitioner\(3\).*shape=\[\]",
    ):
        _init(js.transform(scalar))

    def unpartitioned_then_partitioned():
        with js.variable_scope("m"):
            js.get_variable("w", [4])
            js.get_variable("w", [4], partitioner=part(2))

    with pytest.raises(
        js.PartitionMismatchError,
        match=r'(?s)"m/w": A partitioner was provided, but an unpartitioned version of the '
        r"variable was found \(created at test_partitioned.py:\d+\).*Drop partitioner=",
    ):
        _init(js.transform(unpartitioned_then_partitioned))

    def partitioned_then_plain():
        js.get_variable("w", [4], partitioner=part(2))
        js.get_variable("w", [4])

    with pytest.raises(
        js.PartitionMismatchError,
        match=r"(?s)No partitioner was provided, but a partitioned version.*"
        r"get_variable\('w', partitioner=\.\.\.\)",
    ):
        _init(js.transform(partitioned_then_plain))

    def other_partitions():
        js.get_variable("w", [6, 2], partitioner=part(3))
        with js.variable_scope("", reuse=True):
            js.get_variable("w", [6, 2], partitioner=part(2))

    with pytest.raises(
        js.PartitionMismatchError,
        match=r"specified partitions \[2, 1\] and found partitions \[3, 1\]",
    ):
        _init(js.transform(other_partitions))

    def other_shape():
        js.get_variable("w", [6, 2], partitioner=part(3))
        with js.variable_scope("", reuse=js.AUTO_REUSE):
            js.get_variable("w", [6, 3], partitioner=part(3))

    with pytest.raises(
        js.PartitionMismatchError, match=r"specified shape \(6, 3\) and found shape \(6, 2\)"
    ):
        _init(js.transform(other_shape))

    def unknown_shape():
        js.get_variable("w", [None, 2], partitioner=part(3))

    with pytest.raises(js.PartitionerError, match=r"must be fully defined.*\(None, 2\)"):
        _init(js.transform(unknown_shape))


def test_tf_style_initializer_is_called_per_part_as_in_tf1(tf1):
    def make(lib, seen):
        def init(shape, dtype=None, partition_info=None):
            seen.append((list(shape), list(partition_info.full_shape), partition_info.var_offset))
            off = partition_info.var_offset[0] * 10 + partition_info.var_offset[1]
            return np.full(shape, off, np.float32) + np.arange(shape[1], dtype=np.float32)

        return lib.get_variable(
            "v", [5, 3], initializer=init, partitioner=lib.fixed_size_partitioner(2)
        )

    tf_seen, js_seen = [], []
    with tf1.Graph().as_default():
        pv = make(tf1, tf_seen)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            tf_value = sess.run(pv.as_tensor())
    variables = js.transform(lambda: make(js, js_seen)).init(jax.random.key(0))
    np.testing.assert_array_equal(variables["params"]["v"], tf_value)
    assert tf_seen == [([3, 3], [5, 3], [0, 0]), ([2, 3], [5, 3], [3, 0])]
    assert js_seen[-2:] == tf_seen


def test_constant_initializer_is_the_logical_array_and_parts_match_tf1(tf1):
    value = np.arange(14.0, dtype=np.float32).reshape(7, 2)
    with tf1.Graph().as_default():
        pv = tf1.get_variable(
            "v", initializer=tf1.constant(value), partitioner=tf1.fixed_size_partitioner(3)
        )
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            tf_parts = sess.run(list(pv))

    def f():
        pv = js.get_variable("v", initializer=value, partitioner=js.fixed_size_partitioner(3))
        return [p.value for p in pv], pv.as_tensor()

    f = js.transform(f)
    variables = f.init(jax.random.key(0))
    parts, whole = f.apply(variables)
    np.testing.assert_array_equal(variables["params"]["v"], value)
    np.testing.assert_array_equal(whole, value)
    assert len(parts) == len(tf_parts) == 3
    for a, b in zip(parts, tf_parts, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_over_a_partitioned_variable_matches_tf1(tf1, strategy):
    table = RNG.standard_normal((11, 3)).astype(np.float32)
    ids = np.array([[0, 10, 3], [7, 4, 4]], np.int32)
    with tf1.Graph().as_default():
        pv = tf1.get_variable(
            "emb", initializer=tf1.constant(table), partitioner=tf1.fixed_size_partitioner(4)
        )
        out = tf1.nn.embedding_lookup(pv, ids, partition_strategy=strategy)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            expected = sess.run(out)

    def f(ids):
        pv = js.get_variable("emb", initializer=table, partitioner=js.fixed_size_partitioner(4))
        return js.nn.embedding_lookup(pv, ids, partition_strategy=strategy)

    f = js.transform(f)
    got = jax.jit(f.apply)(f.init(jax.random.key(0), ids), ids)
    np.testing.assert_allclose(got, expected, rtol=0, atol=0)
    if strategy == "mod":  # the parts are not the rows of the logical array in order
        assert not np.array_equal(expected, table[ids])


@pytest.mark.parametrize(
    "partitioner",
    [None, js.fixed_size_partitioner(3), js.min_max_variable_partitioner(8, min_slice_size=64)],
)
def test_values_do_not_depend_on_the_partitioning(partitioner):
    """A jaxscope initializer draws the whole array: the same values with or without parts,
    and variance scaling uses the full shape's fans, as TF1 does (R09.14)."""

    def f():
        with js.variable_scope("m", partitioner=partitioner):
            js.get_variable("w", [40, 20])
            js.get_variable("u", [40, 20], initializer=js.variance_scaling_initializer())

    plain = js.transform(
        lambda: (
            js.get_variable("m/w", [40, 20]),
            js.get_variable("m/u", [40, 20], initializer=js.variance_scaling_initializer()),
        )
    )
    ref = plain.init(jax.random.key(3))
    got = js.transform(f).init(jax.random.key(3))
    np.testing.assert_array_equal(got["params"]["m"]["w"], ref["params"]["m"]["w"])
    np.testing.assert_array_equal(got["params"]["m"]["u"], ref["params"]["m"]["u"])


def test_partitioned_handle_is_a_variable_and_survives_jit():
    def f(x):
        pv = js.get_variable("w", [6, 4], partitioner=js.fixed_size_partitioner(4))
        assert isinstance(pv, js.PartitionedVariable) and isinstance(pv, js.Variable)
        assert pv.name == "w" and len(pv) == 4 and pv._get_partitions() == [4, 1]
        assert [p.shape for p in pv] == [(2, 4), (2, 4), (1, 4), (1, 4)]
        assert [v.name for v in js.global_variables()] == ["w"]
        return x @ pv, jax.jit(lambda w: w._get_partitions())(pv)

    f = js.transform(f)
    variables = f.init(jax.random.key(0), jnp.ones((2, 6)))
    out, parts = f.apply(variables, jnp.ones((2, 6)))
    np.testing.assert_allclose(out, jnp.ones((2, 6)) @ variables["params"]["w"], rtol=1e-6)
    assert parts == [4, 1]


def _scope_object_program(lib):
    """A scope object re-entered keeps its partitioner; set_partitioner changes it."""
    out = []
    with lib.variable_scope("a", partitioner=lib.fixed_size_partitioner(2)) as sc:
        pass
    with lib.variable_scope(sc):
        out.append(type(lib.get_variable("x", [4])).__name__)
    with lib.variable_scope("b") as sb:
        sb.set_partitioner(lib.fixed_size_partitioner(4))
        out.append(len(list(lib.get_variable("y", [8, 2]))))
        with lib.variable_scope("c"):
            out.append(len(list(lib.get_variable("z", [8]))))
        sb.set_partitioner(None)
        out.append(type(lib.get_variable("u", [8])).__name__)
    return out


def test_scope_objects_and_set_partitioner_match_tf1(tf1):
    with tf1.Graph().as_default():
        expected = _scope_object_program(tf1)
    got = []
    js.transform(lambda: got.append(_scope_object_program(js))).init(jax.random.key(0))
    names = {"PartitionedVariable": "P", "RefVariable": "V", "Variable": "V"}
    assert [names.get(x, x) for x in got[0]] == [names.get(x, x) for x in expected]
    assert expected == ["PartitionedVariable", 4, 4, "RefVariable"]
