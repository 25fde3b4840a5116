"""jaxscope.compat.v1's array ops against tf.compat.v1: one program text, run on both, compared
value for value (dtype, shape, values; gradients where differentiable) and error class for what
TF1 refuses when it builds the graph."""

import jax
import ml_dtypes
import numpy as np
import pytest
from compat_oracle import Case, assert_same, one_per_op, run_js, run_tf

import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
DTYPES = [np.float32, np.float16, ml_dtypes.bfloat16, np.int32]


def arr(shape, dtype=np.float32):
    x = R.uniform(-3, 3, shape)
    return (np.round(x) if np.dtype(dtype).kind in "iu" else x).astype(dtype)


def _cases():
    c = []
    for dt in DTYPES:
        n = np.dtype(dt).name
        x, y = arr((2, 3, 4), dt), arr((2, 5, 4), dt)
        g = np.dtype(dt) == np.float32
        c += [
            Case(f"reshape_{n}", lambda tf, x: tf.reshape(x, [4, -1]), (x,), grad=g),
            Case(f"reshape_bad_{n}", lambda tf, x: tf.reshape(x, [5, -1]), (x,)),
            Case(f"concat_{n}", lambda tf, x, y: tf.concat([x, y], 1), (x, y), grad=g),
            Case(f"concat_neg_axis_{n}", lambda tf, x, y: tf.concat([x, y], -2), (x, y)),
            Case(f"concat_bad_shape_{n}", lambda tf, x, y: tf.concat([x, y], 2), (x, y)),
            Case(f"concat_axis_out_of_range_{n}", lambda tf, x, y: tf.concat([x, y], 3), (x, y)),
            Case(f"stack_{n}", lambda tf, x: tf.stack([x, x], axis=-1), (x,), grad=g),
            Case(f"unstack_{n}", lambda tf, x: tf.unstack(x, axis=1), (x,), grad=g),
            Case(f"split_num_{n}", lambda tf, y: tf.split(y, 1, axis=1), (y,)),
            Case(f"split_even_{n}", lambda tf, x: tf.split(x, 2, axis=2), (x,), grad=g),
            Case(f"split_sizes_{n}", lambda tf, y: tf.split(y, [2, -1, 1], 1), (y,), grad=g),
            Case(f"split_uneven_{n}", lambda tf, y: tf.split(y, 2, axis=1), (y,)),
            Case(f"split_bad_sizes_{n}", lambda tf, y: tf.split(y, [2, 2], 1), (y,)),
            Case(f"transpose_{n}", lambda tf, x: tf.transpose(x, [2, 0, 1]), (x,), grad=g),
            Case(f"transpose_default_{n}", lambda tf, x: tf.transpose(x), (x,)),
            Case(f"transpose_bad_{n}", lambda tf, x: tf.transpose(x, [0, 0, 1]), (x,)),
            Case(f"slice_{n}", lambda tf, x: tf.slice(x, [0, 1, 1], [-1, 2, 2]), (x,), grad=g),
            Case(f"slice_out_{n}", lambda tf, x: tf.slice(x, [0, 2, 0], [1, 2, 1]), (x,)),
            Case(f"tile_{n}", lambda tf, x: tf.tile(x, [1, 2, 3]), (x,), grad=g),
            Case(f"tile_bad_{n}", lambda tf, x: tf.tile(x, [1, 2]), (x,)),
            Case(f"pad_{n}", lambda tf, x: tf.pad(x, [[0, 1], [2, 0], [1, 1]]), (x,), grad=g),
            Case(
                f"pad_value_{n}",
                lambda tf, x: tf.pad(x, [[1, 1], [0, 0], [0, 2]], constant_values=2),
                (x,),
            ),  # fmt: skip
            Case(
                f"pad_reflect_{n}",
                lambda tf, x: tf.pad(x, [[1, 1], [2, 2], [0, 3]], "REFLECT"),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"pad_symmetric_{n}",
                lambda tf, x: tf.pad(x, [[2, 2], [3, 0], [0, 4]], mode="symmetric"),
                (x,),
            ),  # fmt: skip
            Case(f"pad_bad_{n}", lambda tf, x: tf.pad(x, [[1, 1], [2, 2]]), (x,)),
            Case(f"squeeze_{n}", lambda tf, x: tf.squeeze(x[:, :1, :1]), (x,)),
            Case(f"squeeze_axis_{n}", lambda tf, x: tf.squeeze(x[:1], [0]), (x,), grad=g),
            Case(f"squeeze_dims_{n}", lambda tf, x: tf.squeeze(x[:, :1], squeeze_dims=[1]), (x,)),
            Case(f"squeeze_bad_{n}", lambda tf, x: tf.squeeze(x, [1]), (x,)),
            Case(f"expand_dims_{n}", lambda tf, x: tf.expand_dims(x, -1), (x,)),
            Case(f"expand_dims_dim_{n}", lambda tf, x: tf.expand_dims(x, dim=1), (x,)),
            Case(f"expand_dims_list_{n}", lambda tf, x: tf.expand_dims(x, axis=[-1]), (x,)),
            Case(f"expand_dims_bad_{n}", lambda tf, x: tf.expand_dims(x, 4), (x,)),
            Case(f"gather_{n}", lambda tf, x: tf.gather(x, [1, 0, 1]), (x,), grad=g),
            Case(
                f"gather_axis_{n}",
                lambda tf, x: tf.gather(x, [[3, 0], [2, 2]], axis=2),
                (x,),
                grad=g,
            ),  # fmt: skip
            Case(
                f"gather_batch_{n}",
                lambda tf, x: tf.gather(x, [[0, 2], [1, 1]], axis=1, batch_dims=1),
                (x,),
            ),  # fmt: skip
            Case(f"gather_nd_{n}", lambda tf, x: tf.gather_nd(x, [[0, 1], [1, 2]]), (x,), grad=g),
            Case(f"reverse_{n}", lambda tf, x: tf.reverse(x, [0, 2]), (x,)),
            Case(
                f"where_select_{n}",
                lambda tf, x, y: tf.where(x > y[:, :3], x, y[:, 1:4]),
                (x, y),
                grad=g,
            ),  # fmt: skip
            Case(f"where_rows_{n}", lambda tf, x: tf.where([True, False], x, x * 2), (x,)),
            Case(f"where_bad_{n}", lambda tf, x: tf.where([True, False, True], x, x), (x,)),
            Case(f"identity_{n}", lambda tf, x: tf.identity(x), (x,), grad=g),
            Case(f"stop_gradient_{n}", lambda tf, x: tf.stop_gradient(x) * x, (x,), grad=g),
            Case(f"zeros_like_{n}", lambda tf, x: tf.zeros_like(x), (x,)),
            Case(f"ones_like_int_{n}", lambda tf, x: tf.ones_like(x, dtype=tf.int32), (x,)),
            Case(f"shape_{n}", lambda tf, x: tf.reshape(x, [tf.shape(x)[0], -1]), (x,)),
            Case(f"rank_size_{n}", lambda tf, x: [tf.rank(x), tf.size(x)], (x,)),
            Case(f"cast_{n}", lambda tf, x: [tf.cast(x, tf.int32), tf.cast(x, tf.float16)], (x,)),
            Case(
                f"concat_mixed_{n}",
                lambda tf, x: tf.concat(
                    [x, tf.cast(x, tf.int32 if x.dtype != tf.int32 else tf.float32)], 0
                ),
                (x,),
            ),  # fmt: skip
        ]
    ids = np.array([[0, 3, 1], [2, 2, 4]], np.int32)
    c += [
        Case("one_hot", lambda tf, i: tf.one_hot(i, 4), (ids,)),
        Case("one_hot_values", lambda tf, i: tf.one_hot(i, 3, on_value=5, off_value=-1), (ids,)),
        Case("one_hot_axis", lambda tf, i: tf.one_hot(i, 5, axis=0, dtype=tf.float16), (ids,)),
        Case("one_hot_axis1", lambda tf, i: tf.one_hot(i, 5, axis=1), (ids,)),
        Case("one_hot_mixed", lambda tf, i: tf.one_hot(i, 3, on_value=1.0, off_value=0), (ids,)),
        Case("sequence_mask", lambda tf, i: tf.sequence_mask(i[0], 5), (ids,)),
        Case("sequence_mask_dtype", lambda tf, i: tf.sequence_mask(i, 4, tf.float32), (ids,)),
        Case("range", lambda tf: [tf.range(5), tf.range(1, 7, 2), tf.range(0.5, 3.0, 0.5)]),
        Case("range_dtype", lambda tf: tf.range(3, dtype=tf.float32)),
        Case(
            "fill_zeros_ones",
            lambda tf: [tf.fill([2, 3], 7), tf.zeros([3]), tf.ones([2], tf.int32)],
        ),
        Case(
            "constant",
            lambda tf: [tf.constant(1.5), tf.constant(3), tf.constant([1, 2.5]), tf.constant(True)],
        ),  # fmt: skip
        Case(
            "constant_shape",
            lambda tf: [tf.constant(2.0, shape=[2, 2]), tf.constant([1, 2], shape=[2, 3])],
        ),  # fmt: skip
        Case("constant_too_many", lambda tf: tf.constant([1, 2, 3], shape=[2])),
        Case("constant_dtype_refused", lambda tf: tf.constant(1.5, dtype=tf.int32)),
        Case("stack_empty", lambda tf: tf.stack([])),
    ]
    x, m = arr((2, 3, 4), np.float32), np.array([[True, False, True], [False, False, True]])
    c += [
        Case("boolean_mask", lambda tf, x, m: tf.boolean_mask(x, m), (x, m)),
        Case("boolean_mask_axis", lambda tf, x, m: tf.boolean_mask(x, m[0], axis=1), (x, m)),
        Case("boolean_mask_bad_shape", lambda tf, x, m: tf.boolean_mask(x, m[:, :2]), (x, m)),
        Case("where_v2", lambda tf, x, m: tf.where_v2(m[..., None], x, 0.0), (x, m), grad=True),
        Case("where_v2_one_arg", lambda tf, m: tf.where_v2(m), (m,)),
        Case(
            "to_float_int",
            lambda tf, i: [tf.to_float(i), tf.to_int32(tf.to_float(i)), tf.to_int64(i)],
            (ids,),
        ),  # fmt: skip
        Case(
            "convert_to_tensor",
            lambda tf: [
                tf.convert_to_tensor([1, 2]),
                tf.convert_to_tensor(1.5, tf.float16),
                tf.convert_to_tensor([1, 2], dtype_hint=tf.float32),
            ],
        ),  # fmt: skip
        Case(
            "placeholder_with_default",
            lambda tf, x: tf.placeholder_with_default(x, [2, 3, 4]) * 2,
            (x,),
        ),
    ]
    return c


CASES = _cases()
JIT_SAFE = [
    c for c in CASES if not c.id.startswith(("shape", "rank", "boolean_mask", "where_v2_one"))
]


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_array_op_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", one_per_op(JIT_SAFE), ids=lambda c: c.id)
def test_array_op_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def test_gather_out_of_range_raises_concrete_and_fills_nan_traced():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with pytest.raises(IndexError, match=r"index\[1\] = 2 is not in \[0, 2\)"):
        jtf.gather(x, [0, 2])
    got = jax.jit(lambda i: jtf.gather(x, i))(np.array([1, 2], np.int32))
    np.testing.assert_array_equal(got[0], x[1])
    assert np.isnan(got[1]).all()


def test_op_names_take_part_in_tf1_naming(tf1):
    import jaxscope as js

    def program(tf):
        x = tf.constant([1.0], name="s")
        tf.identity(x)
        with tf.name_scope("s") as a, tf.name_scope("Identity") as b:
            return a, b

    with tf1.Graph().as_default():
        want = program(tf1)
    assert js.transform(lambda: program(jtf)).apply({}) == want


def test_errors_name_the_op_and_give_the_fix():
    x = np.zeros((2, 5), np.float32)
    with pytest.raises(ValueError, match=r"(?s)tf\.split: .*evenly divisible.*Fix: tf\.split"):
        jtf.split(x, 2, axis=1)
    with pytest.raises(TypeError, match=r"(?s)tf\.concat: .*int32.*float32.*Fix: tf\.cast"):
        jtf.concat([jtf.constant(x), jtf.cast(x, jtf.int32)], 0)


def test_64_bit_dtypes_compute_in_32_bits_without_x64():
    x = np.ones(3, np.float32)
    assert jtf.cast(x, jtf.float64).dtype == np.float32
    assert jtf.zeros([2], jtf.int64).dtype == np.int32
    with jax.enable_x64(True):
        assert jtf.cast(x, jtf.float64).dtype == np.float64
