"""Issue 22, rnn: a state that does not match a cell's ``state_size`` raises TF1's builtin class
with a message naming the cell and both structures, never a raw internal error.

Oracle: tf.compat.v1.nn.rnn_cell (graph mode) decides the builtin class of each case; where TF1
itself raises a raw ``IndexError`` (``MultiRNNCell`` given fewer states), issue 22 asks for a
``ValueError``.
"""

import jax
import jax.numpy as jnp
import pytest

import jaxscope as js
from jaxscope._src.errors import CellStateError, CellStateTypeError  # not exported yet

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # TF1's deprecations
RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)


def _multi(S):
    return S.nn.rnn_cell.MultiRNNCell([S.nn.rnn_cell.BasicRNNCell(4) for _ in range(2)])


def _z(S, n):
    return (jnp.zeros if S is js else S.zeros)([2, n])


# name -> (make the cell, make the state, TF1's builtin, jaxscope's class, message)
CASES = {
    "multi_fewer_states": (_multi, lambda S: (_z(S, 4),), None, CellStateError,
                           r"MultiRNNCell: expected 2 states as state, got 1"),
    "multi_one_tensor": (_multi, lambda S: _z(S, 8), ValueError, CellStateError,
                         r"MultiRNNCell: expected a tuple of 2 states .*shape \(2, 8\)"),
    "multi_wrong_size": (_multi, lambda S: (_z(S, 4), _z(S, 5)), ValueError, CellStateError,
                         r"MultiRNNCell: expected a \[batch, 4\] array as state\[1\], got .*\(2, 5\)"),
    "lstm_three_states": (lambda S: S.nn.rnn_cell.BasicLSTMCell(4), lambda S: (_z(S, 4),) * 3,
                          ValueError, CellStateError, r"BasicLSTMCell: expected 2 states .*got 3"),
    "lstm_one_state": (lambda S: S.nn.rnn_cell.LSTMCell(4), lambda S: (_z(S, 4),), ValueError,
                       CellStateError, r"LSTMCell: expected 2 states as state, got 1"),
    "lstm_one_tensor": (lambda S: S.nn.rnn_cell.BasicLSTMCell(4), lambda S: _z(S, 8), TypeError,
                        CellStateTypeError, r"BasicLSTMCell: expected a tuple of 2 states"),
    "lstm_wrong_size": (
        lambda S: S.nn.rnn_cell.BasicLSTMCell(4),
        lambda S: S.nn.rnn_cell.LSTMStateTuple(_z(S, 5), _z(S, 5)), ValueError, CellStateError,
        r"BasicLSTMCell: expected a \[batch, 4\] array as state\[0\], got an array of shape",
    ),
    "rnn_tuple": (lambda S: S.nn.rnn_cell.BasicRNNCell(4), lambda S: (_z(S, 4), _z(S, 4)),
                  ValueError, CellStateError, r"BasicRNNCell: expected one \[batch, 4\] array"),
    "gru_wrong_size": (lambda S: S.nn.rnn_cell.GRUCell(4), lambda S: _z(S, 5), ValueError,
                       CellStateError, r"GRUCell: expected a \[batch, 4\] array .*\(2, 5\)"),
    "dropout_multi_fewer": (
        lambda S: S.nn.rnn_cell.DropoutWrapper(_multi(S)), lambda S: (_z(S, 4),), None,
        CellStateError, r"MultiRNNCell: expected 2 states as state, got 1",
    ),
    "residual_lstm_three": (
        lambda S: S.nn.rnn_cell.ResidualWrapper(S.nn.rnn_cell.BasicLSTMCell(3)),
        lambda S: (_z(S, 3),) * 3, ValueError, CellStateError, r"BasicLSTMCell: expected 2",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_state_raises_tf1s_class_naming_the_cell(tf1, case):
    make_cell, make_state, tf_class, js_class, match = CASES[case]
    with tf1.Graph().as_default():
        with pytest.raises(Exception) as tf_err:
            make_cell(tf1)(tf1.zeros([2, 3]), make_state(tf1))
    if tf_class is None:  # TF1's raw IndexError: issue 22 asks for a ValueError
        assert isinstance(tf_err.value, IndexError)
        tf_class = ValueError
    else:
        assert isinstance(tf_err.value, tf_class)

    def f(x):
        return make_cell(js)(x, make_state(js))

    for run in (js.transform(f).init, jax.jit(js.transform(f).init)):
        with pytest.raises(js_class, match=match) as e:
            run(jax.random.key(0), jnp.zeros([2, 3]))
        assert isinstance(e.value, tf_class) and not isinstance(e.value, RAW)
        assert "cell.zero_state(batch_size, dtype)" in str(e.value)


def test_multi_rnn_cell_ignores_extra_states_as_tf1(tf1):
    with tf1.Graph().as_default():
        _multi(tf1)(tf1.zeros([2, 3]), (tf1.zeros([2, 4]),) * 3)  # TF1 accepts it
    f = js.transform(lambda x: _multi(js)(x, (jnp.zeros([2, 4]),) * 3)[0])
    assert f.init_with_output(jax.random.key(0), jnp.zeros([2, 3]))[0].shape == (2, 4)


def test_dynamic_rnn_with_a_short_initial_state_names_the_cell():
    def f(x):
        cell = _multi(js)
        return js.nn.dynamic_rnn(cell, x, initial_state=(jnp.zeros([2, 4]),))

    with pytest.raises(CellStateError, match="MultiRNNCell: expected 2 states as state, got 1"):
        js.transform(f).init(jax.random.key(0), jnp.zeros([2, 5, 3]))
