"""Issue 22, indexing: ``variable[i]`` never returns another entry for an index out of range.

Oracle: tf.compat.v1 (graph mode) strided slice of a variable. TF1 checks a constant index when
it builds the graph (``ValueError: slice index 7 of dimension 0 out of bounds``), accepts
negative indices in ``[-n, 0)`` (from the end), clips slices, and fails at run time for a fed
index out of range. jax alone clamps ``v[7]`` to the last row.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import VariableIndexError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # TF1's deprecations
RAW = (KeyError, AttributeError, ZeroDivisionError)
TABLE = np.arange(10, dtype=np.float32).reshape(5, 2)


def _variable(S, dtype=None):
    kw = {} if dtype is None else {"dtype": dtype}
    return S.get_variable("table", [5, 2], initializer=S.constant_initializer(TABLE), **kw)


def _tf1(tf1, index, feed=False):
    with tf1.Graph().as_default():
        v = _variable(tf1)
        if feed:
            index = tf1.placeholder_with_default(index, [])
        out = v[index]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run(out)


BAD = {7: (7, 0), 5: (5, 0), -6: (-6, 0), (2, 3): (3, 1), (Ellipsis, -3): (-3, 1)}


@pytest.mark.parametrize("index", list(BAD), ids=str)
def test_concrete_index_out_of_range_raises_as_tf1(tf1, index):
    with pytest.raises(ValueError, match="out of bounds"):
        _tf1(tf1, index)
    bad, dim = BAD[index]
    f = js.transform(lambda: _variable(js)[index])
    variables = js.transform(lambda: _variable(js)).init(jax.random.key(0))
    match = (rf'Variable "table" \(shape \(5, 2\)\): index {bad} of dimension {dim} is out of '
             r"bounds; valid indices are .*(?s:.*)v\[")  # fmt: skip
    key = jax.random.key(0)
    # a Python int stays concrete under jit
    for run in (lambda: f.init(key), lambda: jax.jit(f.init)(key), lambda: f.apply(variables),
                lambda: jax.jit(f.apply)(variables)):  # fmt: skip
        with pytest.raises(VariableIndexError, match=match) as e:
            run()
        assert isinstance(e.value, ValueError) and isinstance(e.value, IndexError)
        assert isinstance(e.value, js.JaxscopeError) and not isinstance(e.value, RAW)


@pytest.mark.parametrize("index", [4, -1, -5, (1, -2), slice(1, 9), slice(-9, 2)], ids=str)
def test_index_in_range_and_slices_match_tf1(tf1, index):
    want = _tf1(tf1, index)
    f = js.transform(lambda: _variable(js)[index])
    variables = f.init(jax.random.key(0))
    np.testing.assert_array_equal(f.apply(variables), want)
    np.testing.assert_array_equal(jax.jit(f.apply)(variables), want)


def test_concrete_index_arrays_are_checked():
    f = js.transform(lambda i: _variable(js)[i])
    variables = f.init(jax.random.key(0), 0)
    np.testing.assert_array_equal(f.apply(variables, np.array([0, -1])), TABLE[[0, -1]])
    with pytest.raises(VariableIndexError, match="index 5 of dimension 0"):
        f.apply(variables, jnp.array([0, 5]))


@pytest.mark.parametrize("index", [-1, -5, 4, 0])
def test_traced_index_in_range_matches_tf1(tf1, index):
    """A fed index (TF1) / a traced one (jaxscope): negative ones count from the end."""
    want = _tf1(tf1, index, feed=True)
    f = js.transform(lambda i: _variable(js)[i])
    variables = f.init(jax.random.key(0), 0)
    np.testing.assert_array_equal(jax.jit(f.apply)(variables, index), want)


@pytest.mark.parametrize("index", [5, 7, -6, 1000])
def test_traced_index_out_of_range_is_nan_never_another_row(tf1, index):
    with pytest.raises(tf1.errors.InvalidArgumentError, match="out of bounds"):
        _tf1(tf1, index, feed=True)  # TF1 fails at run time
    f = js.transform(lambda i: _variable(js)[i])
    variables = f.init(jax.random.key(0), 0)
    assert np.isnan(jax.jit(f.apply)(variables, index)).all()
    g = js.transform(lambda i: _variable(js, jnp.int32)[i])  # ints: the lowest int
    variables = g.init(jax.random.key(0), 0)
    got = jax.jit(g.apply)(variables, jnp.array([index, 1]))
    np.testing.assert_array_equal(got, [[np.iinfo(np.int32).min] * 2, TABLE[1]])
