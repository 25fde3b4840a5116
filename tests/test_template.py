"""make_template, against tf.compat.v1 (graph mode): scope names, sharing between calls, the name
scope of each call, templates made or called inside other scopes, nested templates, custom
getters and errors (catalogue section 11, rules R11.*)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import run_js, run_tf

import jaxscope as js

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def linear(S, r, units=2, extra=None):
    """A template body that records its variables and the name scope its call runs in."""

    def body(**kwargs):
        n = kwargs.get("units", units)
        r(lambda: S.get_variable("w", [3, n]))
        r(lambda: S.get_variable("b", [n], initializer=S.zeros_initializer()))
        r.scope(lambda: S.name_scope("op"), lambda s: None)
        if extra is not None:
            extra()

    return body


def describe(S, r, t):
    r.items.append((t.name, t.variable_scope_name))
    if t.variable_scope is not None:
        r.items.append(("scope", t.variable_scope.name, t.variable_scope.original_name_scope))
    for what in ("trainable_variables", "global_variables", "non_trainable_variables"):
        r.items.append((what, [v.name for v in getattr(t, what)]))


@program
def first_call_creates_later_calls_reuse(S, r):  # R11.1
    t = S.make_template("lin", linear(S, r))
    describe(S, r, t)
    for _ in range(3):
        r(t)
    describe(S, r, t)


@program
def same_name_is_uniquified(S, r):  # R11.2
    t1 = S.make_template("lin", linear(S, r))
    t2 = S.make_template("lin", linear(S, r))
    r(t1)
    r(t2)
    r(t1)
    r.scope(lambda: S.variable_scope(None, default_name="lin"), lambda s: None)
    describe(S, r, t1)
    describe(S, r, t2)


@program
def scope_opened_at_first_call(S, r):  # R11.3
    made = []
    r.scope(
        lambda: S.variable_scope("at_make"),
        lambda s: made.append(S.make_template("lin", linear(S, r))),
    )
    r.scope(lambda: S.variable_scope("at_call"), lambda s: r(made[0]))
    r(made[0])
    r.scope(lambda: S.name_scope("ns"), lambda s: r(made[0]))
    r.scope(lambda: S.variable_scope("other", reuse=True), lambda s: r(made[0]))
    describe(S, r, made[0])


@program
def create_scope_now(S, r):  # R11.4
    made = []
    r.scope(
        lambda: S.variable_scope("at_make"),
        lambda s: made.append(S.make_template("lin", linear(S, r), create_scope_now_=True)),
    )
    describe(S, r, made[0])
    r.scope(lambda: S.variable_scope("at_call"), lambda s: r(made[0]))
    r(made[0])
    r.scope(
        lambda: S.variable_scope("at_make", reuse=True),
        lambda s: r(lambda: S.get_variable("lin/w", [3, 2])),
    )
    t2 = S.make_template("lin", linear(S, r), create_scope_now_=True)  # at the root: lin
    r(t2)
    describe(S, r, t2)


@program
def create_scope_now_in_a_reusing_scope(S, r):
    made = []
    r.scope(
        lambda: S.variable_scope("s", reuse=True),
        lambda s: made.append(S.make_template("lin", linear(S, r), create_scope_now_=True)),
    )
    r(made[0])  # the scope object keeps reuse=True: the first call finds nothing
    r(lambda: S.get_variable("s/lin/w", [3, 2]))
    r(made[0])


@program
def unique_name_is_verbatim(S, r):  # R11.5
    t1 = S.make_template("ignored", linear(S, r), unique_name_="shared")
    t2 = S.make_template("ignored", linear(S, r), unique_name_="shared")
    r(t1)
    r(t2)
    r(t2)
    describe(S, r, t2)


@program
def keywords_are_bound(S, r):  # R11.6
    t = S.make_template("lin", linear(S, r), units=5)
    r(t)
    r(t)


@program
def trainable_variable_on_a_later_call(S, r):  # R11.7
    t = S.make_template("bad", linear(S, r, extra=lambda: r(lambda: S.Variable(1.0, name="v"))))
    r(t)
    r(t)
    r(lambda: [v.name for v in S.global_variables()])


@program
def tracking_variable_on_a_later_call(S, r):  # R11.8
    extra = lambda: r(lambda: S.Variable(0, name="counter", trainable=False))  # noqa: E731
    t = S.make_template("f", linear(S, r, extra=extra))
    r(t)
    r(t)
    r(lambda: [v.name for v in S.global_variables()])


@program
def reuse_is_off_in_the_first_call(S, r):  # R11.9
    def twice():
        r(lambda: S.get_variable("w", [1]))
        r(lambda: S.get_variable("w", [1]))

    t = S.make_template("f", twice)
    r(t)
    r(t)


@program
def failed_first_call_stays_first(S, r):  # R11.10
    state = {"fail": True}

    def f():
        r(lambda: S.get_variable("w", [1]))
        if state["fail"]:
            state["fail"] = False
            raise RuntimeError("boom")

    t = S.make_template("f", f)
    r(t)
    r(t)
    r(t)


@program
def later_call_asks_for_a_new_variable(S, r):
    calls = []

    def body():
        calls.append(None)
        r(lambda: S.get_variable("w", [1]))
        if len(calls) > 1:  # reuse=True from the second call on: a new name is not found
            r(lambda: S.get_variable(f"w{len(calls)}", [1]))
            r(lambda: S.get_variable("w", [2]))  # and a new shape does not match

    t = S.make_template("t", body)
    r(t)
    r(t)


@program
def template_custom_getter(S, r):  # R11.11
    def getter(getter, name, *args, **kwargs):
        r.items.append(
            ("getter", name, "AUTO" if kwargs["reuse"] is S.AUTO_REUSE else kwargs["reuse"])
        )
        return getter(name, *args, **kwargs)

    t = S.make_template("lin", linear(S, r), custom_getter_=getter)
    r(t)
    r(t)
    r.scope(lambda: S.variable_scope("outer", custom_getter=getter), lambda s: r(t))


@program
def name_is_required(S, r):  # R11.12
    r(lambda: S.make_template(None, linear(S, r)))


@program
def nested_templates(S, r):
    inner = S.make_template("inner", linear(S, r))

    def outer_body():
        r(inner)
        fresh = S.make_template("fresh", linear(S, r, units=1))
        r(fresh)
        r(lambda: S.get_variable("v", [1]))

    outer = S.make_template("outer", outer_body)
    r(outer)
    r(outer)
    r(inner)
    r.scope(lambda: S.variable_scope("elsewhere"), lambda s: r(outer))
    describe(S, r, outer)
    describe(S, r, inner)


@program
def template_inside_auto_reuse_and_name_scopes(S, r):
    t = S.make_template("lin", linear(S, r))
    r.scope(
        lambda: S.name_scope("ns"),
        lambda s: r.scope(
            lambda: S.variable_scope("vs", reuse=S.AUTO_REUSE), lambda s: (r(t), r(t))
        ),
    )
    r.scope(
        lambda: S.variable_scope("vs", reuse=True),
        lambda s: r(lambda: S.get_variable("lin/w", [3, 2])),
    )
    t2 = S.make_template("lin", linear(S, r))
    r.scope(lambda: S.variable_scope("vs", reuse=S.AUTO_REUSE), lambda s: r(t2))


@pytest.mark.parametrize("mode", ["init", "apply"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tf1(tf1, name, mode):
    prog = PROGRAMS[name]
    expected = run_tf(tf1, prog).items
    got = run_js(prog, mode)
    assert got.items == expected


# -- a template made outside the transformed function --------------------------------------------


def dense(x, units=2):
    w = js.get_variable("w", [x.shape[-1], units])
    b = js.get_variable("b", [units], initializer=js.zeros_initializer())
    return x @ w + b


MODULE_LEVEL = js.make_template("dense", dense)
MODULE_LEVEL_NOW = js.make_template("fixed", dense, create_scope_now_=True, units=1)


def test_template_made_outside_starts_afresh_in_each_run():
    def model(x):
        with js.variable_scope("net"):
            y = MODULE_LEVEL(x)
        return MODULE_LEVEL(y) + MODULE_LEVEL_NOW(x), MODULE_LEVEL.variable_scope_name

    f = js.transform(model)
    x = jnp.ones([1, 2])
    variables = f.init(jax.random.key(0), x)
    assert jax.tree.map(jnp.shape, variables) == {
        "params": {"fixed": {"b": (1,), "w": (2, 1)}, "net": {"dense": {"b": (2,), "w": (2, 2)}}}
    }
    out, scope = f.apply(variables, x)
    out_jit = jax.jit(lambda v, x: f.apply(v, x)[0])(variables, x)
    assert scope == "net/dense/"
    p = variables["params"]
    dense_ = lambda x, v: x @ v["w"] + v["b"]  # noqa: E731
    want = dense_(dense_(x, p["net"]["dense"]), p["net"]["dense"]) + dense_(x, p["fixed"])
    np.testing.assert_allclose(out, want, rtol=1e-6)
    np.testing.assert_allclose(out_jit, want, rtol=1e-6)
    grads = jax.grad(lambda v: f.apply(v, x)[0].sum())(variables)
    assert float(jnp.abs(grads["params"]["net"]["dense"]["w"]).sum()) > 0
    assert MODULE_LEVEL.variable_scope is None  # outside a run it has no scope
    assert MODULE_LEVEL_NOW.variable_scope_name == "fixed/"


def test_later_call_creating_a_trainable_variable_says_where_the_template_was_made():
    def body(x):
        return x * js.Variable(1.0, name="v")

    def model(x):
        t = js.make_template("bad", body)
        return t(t(x))

    with pytest.raises(
        js.TemplateVariableError,
        match=r'(?s)template "bad" after the first time: "bad_1/v".*get_variable\(\'w\'.*'
        r"originally defined at: test_template.py:\d+ \(make_template\)",
    ):
        js.transform(model).init(jax.random.key(0), jnp.ones([1]))


def test_template_name_none_message():
    with pytest.raises(js.ScopeValueError, match=r"name cannot be None.*make_template\('linear'"):
        js.make_template(None, dense)


def test_template_errors_keep_their_class_and_gain_the_origin():
    def body():
        js.get_variable("w", [1])
        return js.get_variable("w", [1])

    def model():
        return js.make_template("twice", body)()

    with pytest.raises(
        js.VariableExistsError, match=r'(?s)"twice/w" already exists.*originally defined at'
    ):
        js.transform(model).init(jax.random.key(0))
