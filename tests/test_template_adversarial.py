"""Adversarial uses of js.make_template (issue 22), against tf.compat.v1.make_template.

Each program runs in TF1 (graph mode) and in jaxscope (init and apply) through the oracle's
Recorder: the records (variables with their names, shapes and sharing, raised builtin classes),
the global variables and the REGULARIZATION_LOSSES must be the same. Every error jaxscope raises
is a ``JaxscopeError`` of TF1's builtin class, not a raw internal, and names the variable.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layers_oracle import FILTERWARNINGS
from oracle import Recorder, run_tf

import jaxscope as js
from jaxscope._src.errors import JaxscopeError

pytestmark = [pytest.mark.filterwarnings(f) for f in FILTERWARNINGS]
RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)
BUILTINS = {c.__name__: c for c in (NotImplementedError, TypeError, ValueError, RuntimeError,
                                    LookupError)}  # fmt: skip
PROGRAMS = {}


def program(*error_names):
    """Registers ``prog(S, r)``; ``error_names``: texts every error's message must hold."""

    def register(fn):
        PROGRAMS[fn.__name__] = (fn, error_names)
        return fn

    return register


def _ones(S, shape, dtype="float32"):
    return jnp.ones(shape, dtype) if S is js else S.ones(shape, dtype)


def _true(S):
    return jnp.asarray(True) if S is js else S.constant(True)


def _matmul(S, x, w):
    return x @ w if S is js else S.matmul(x, w)


def linear(S, units=2, reg=None):
    def body(x):
        w = S.get_variable("w", [x.shape[-1], units], regularizer=reg)
        b = S.get_variable("b", [units], initializer=S.zeros_initializer())
        return _matmul(S, x, w) + b

    return body


def _l2(S):
    """TF1's l2_regularizer(0.1), written in either library's ops."""
    return lambda w: 0.05 * (jnp.sum(w * w) if S is js else S.reduce_sum(w * w))


@program('"t_1/v"')
def second_call_creates_a_trainable_variable(S, r):
    calls = []

    def body():
        calls.append(None)
        r(lambda: S.get_variable("w", [1]))
        if len(calls) > 1:
            return S.Variable(_ones(S, [2]), name="v")

    t = S.make_template("t", body)
    r(t)
    r(t)  # TF1: ValueError "Trainable variable created when calling a template after ..."


@program('"lin/w"', "(4, 2)", "(3, 2)")
def second_call_with_an_input_of_another_shape(S, r):
    t = S.make_template("lin", linear(S))
    r(lambda: t(_ones(S, [1, 3])).shape)
    r(lambda: t(_ones(S, [1, 4])).shape)  # TF1: ValueError: Trying to share variable lin/w...
    r(lambda: t(_ones(S, [5, 3])).shape)  # another batch: shares, as TF1


@program('"lin/w"')
def second_call_with_an_input_of_another_dtype(S, r):
    t = S.make_template("lin", lambda x: S.get_variable("w", [3, 2], dtype=x.dtype))
    r(lambda: t(_ones(S, [1, 3])))
    r(lambda: t(_ones(S, [1, 3], "float16")))  # TF1: ValueError: ... dtype


@program()
def template_in_both_branches_of_cond(S, r):
    t = S.make_template("lin", linear(S))
    x = _ones(S, [1, 3])
    r(lambda: S.cond(_true(S), lambda: t(x), lambda: t(2 * x)).shape)
    r(lambda: t(x).shape)  # after the cond: the same variables


@program()
def template_first_called_inside_a_while_body(S, r):
    t = S.make_template("lin", linear(S, units=3))

    def body(i, h):
        return i + 1, t(h)

    r(lambda: S.while_loop(lambda i, h: i < 3, body, [0, _ones(S, [1, 3])])[1].shape)
    r(lambda: t(_ones(S, [1, 3])).shape)


@program('"f/w"')
def failed_first_call_with_a_regularized_variable(S, r):
    state = {"fail": True}

    def f():
        w = S.get_variable("w", [2], regularizer=_l2(S))
        if state["fail"]:
            state["fail"] = False
            raise RuntimeError("boom")
        return w

    t = S.make_template("f", f)
    r(t)  # RuntimeError; w and its loss are made
    r(t)  # still the first call, with reuse off: w exists (ValueError in TF1)
    r(t)


@program('Dense layer "lin/dense": weight "kernel" has dtype bfloat16', "float32")
def casting_custom_getter_fed_float32(S, r):
    def to_bf16(getter, *args, **kwargs):
        var = getter(*args, **kwargs)
        return var.astype(jnp.bfloat16) if S is js else S.cast(var, S.bfloat16)

    t = S.make_template("lin", lambda x: S.layers.dense(x, 2), custom_getter_=to_bf16)
    r(lambda: t(_ones(S, [1, 3])))  # TF1: ValueError, MatMul of float32 and bfloat16
    t2 = S.make_template("lin", lambda x: S.layers.dense(x, 2), custom_getter_=to_bf16)
    r(lambda: t2(_ones(S, [1, 3], "bfloat16")).dtype.name)  # lin_1: bfloat16 in, bfloat16 out


@program('"outer/inner/w"')
def nested_template_first_called_in_the_outer_second_call(S, r):
    inner = S.make_template("inner", linear(S))
    calls = []

    def outer_body(x):
        calls.append(None)
        r(lambda: S.get_variable("v", [1]))
        return inner(x) if len(calls) > 1 else x

    outer = S.make_template("outer", outer_body)
    r(lambda: outer(_ones(S, [1, 3])).shape)
    r(lambda: outer(_ones(S, [1, 3])).shape)  # inner's first call: new trainable variables


@program('"lin/w"')
def two_templates_with_one_unique_name(S, r):
    t1 = S.make_template("a", linear(S), unique_name_="lin")
    t2 = S.make_template("b", linear(S), unique_name_="lin")
    r(lambda: t1(_ones(S, [1, 3])).shape)
    r(lambda: t2(_ones(S, [1, 3])).shape)  # the same scope, reuse off: lin/w exists


@program('"lin/w"')
def unique_name_of_a_scope_used_before(S, r):
    r.scope(lambda: S.variable_scope("lin"), lambda s: r(lambda: S.get_variable("w", [3, 2])))
    t = S.make_template("t", linear(S), unique_name_="lin")
    r(lambda: t(_ones(S, [1, 3])).shape)


@program()
def name_of_a_scope_used_before_is_uniquified(S, r):
    r.scope(lambda: S.variable_scope("lin"), lambda s: r(lambda: S.get_variable("w", [3, 2])))
    t = S.make_template("lin", linear(S))
    r(lambda: t(_ones(S, [1, 3])).shape)  # lin_1/w


def _record_state(S, r):
    r.items.append(("globals", sorted(v.name for v in S.global_variables())))
    losses = S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES)
    r.items.append(("losses", len(losses)))


def run_tf1(tf1, prog):
    def full(S, r):
        prog(S, r)
        _record_state(S, r)

    return run_tf(tf1, full)


def run_js(prog, mode):
    rec = Recorder(js)

    def fn():
        rec.items.clear()
        rec._objs.clear()
        rec.errors.clear()
        prog(js, rec)
        _record_state(js, rec)

    f = js.transform(fn)
    shapes = jax.eval_shape(f.init, jax.random.key(0))
    if mode == "apply":
        f.apply(jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes))
    return rec


def same_records(got, expected) -> bool:
    """The records are equal, where an error's: jaxscope's is an instance of TF1's builtin (an
    error class may be two builtins, e.g. ``LayerDtypeMismatchError`` is TypeError and
    ValueError, for TF1 raises one or the other depending on the op)."""
    if len(got.items) != len(expected.items):
        return False
    errors = iter(got.errors)
    for a, b in zip(got.items, expected.items, strict=True):
        if isinstance(a, tuple) and a[:1] == ("raises",) and b[:1] == ("raises",):
            if not isinstance(next(errors), BUILTINS[b[1]]):
                return False
        elif a != b:
            return False
    return True


@pytest.mark.parametrize("mode", ["init", "apply"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tf1(tf1, name, mode):
    prog, error_names = PROGRAMS[name]
    expected = run_tf1(tf1, prog)
    got = run_js(prog, mode)
    assert same_records(got, expected), (got.items, expected.items)
    for err in got.errors:
        if isinstance(err, RuntimeError) and str(err).startswith("boom"):
            continue  # the program's own error
        assert isinstance(err, JaxscopeError), (type(err), err)
        assert not isinstance(err, RAW), type(err)
        for text in error_names:
            assert text in str(err), (text, str(err))


def test_each_program_raises_what_it_should():
    # The programs' records must hold errors where they say so (a program that raises nothing
    # would pass test_program_matches_tf1 trivially).
    for name, (prog, error_names) in PROGRAMS.items():
        got = run_js(prog, "init")
        raised = [i for i in got.items if isinstance(i, tuple) and i[:1] == ("raises",)]
        assert bool(raised) == bool(error_names), (name, raised)


def test_messages_name_the_variable_and_both_shapes():
    t = js.make_template("lin", linear(js))

    def fn():
        t(jnp.ones([1, 3]))
        t(jnp.ones([1, 4]))

    with pytest.raises(ValueError, match=r'"lin/w".*\(4, 2\).*\(3, 2\)') as info:
        js.transform(fn).init(jax.random.key(0))
    assert isinstance(info.value, JaxscopeError)
    assert "make_template" in str(info.value)  # where the template was made


def test_regularization_loss_of_a_failed_first_call_is_counted_once():
    state = {"fail": True}

    def f():
        w = js.get_variable("w", [2], initializer=js.constant_initializer(2.0),
                            regularizer=js.l2_regularizer(0.1))  # fmt: skip
        if state["fail"]:
            state["fail"] = False
            raise RuntimeError("boom")
        return w

    t = js.make_template("f", f)

    def fn():
        state["fail"] = True
        with pytest.raises(RuntimeError, match="boom"):
            t()
        with pytest.raises(ValueError, match='"f/w" already exists'):
            t()
        return sum(js.get_collection(js.GraphKeys.REGULARIZATION_LOSSES))

    variables = js.transform(fn).init(jax.random.key(0))
    loss = js.transform(fn).apply(variables)
    np.testing.assert_allclose(loss, 0.1 * 0.5 * 8.0)  # TF1's l2: 0.1 * sum(w**2) / 2, once
