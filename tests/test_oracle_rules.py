"""Differential tests: each program runs against tf.compat.v1 (graph mode) and jaxscope, and every
recorded name, shape, sharing and error class must be equal. Rules cited are from
the team's TF1 catalogue (rule numbers like R04.23; not part of this repository)."""

import pytest
from oracle import run_js, run_tf

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


@program
def seed_two_hidden_layers(S, r):
    def fully_connected(out_dim, scope, in_dim):
        def body(_):
            r(
                lambda: S.get_variable(
                    "weights", [in_dim, out_dim], initializer=S.random_normal_initializer()
                )
            )
            r(lambda: S.get_variable("biases", [out_dim], initializer=S.constant_initializer(0.0)))

        r.scope(lambda: S.variable_scope(scope, reuse=S.AUTO_REUSE), body)

    def two_hidden_layers():
        fully_connected(50, "h1", 100)
        fully_connected(10, "h2", 50)

    r.scope(
        lambda: S.variable_scope("two_layers"), lambda _: (two_hidden_layers(), two_hidden_layers())
    )


@program
def seed_two_hidden_layers_without_reuse_fails(S, r):
    def fc(scope):
        r.scope(
            lambda: S.variable_scope(scope), lambda _: r(lambda: S.get_variable("weights", [3, 2]))
        )

    r.scope(lambda: S.variable_scope("two_layers"), lambda _: (fc("h1"), fc("h1")))


@program
def seed_scope1_w1_w2(S, r):
    def first(_):
        r(lambda: S.Variable(1.0, name="w1"))
        r(lambda: S.get_variable("w2", shape=[]))

    def second(_):
        r(lambda: S.Variable(1.0, name="w1"))
        r(lambda: S.get_variable("w2", shape=[]))

    r.scope(lambda: S.variable_scope("scope1"), first)
    r.scope(lambda: S.variable_scope("scope1", reuse=True), second)


@program
def name_scope_ignored_by_get_variable(S, r):  # R02.24
    def body(_):
        r(lambda: S.get_variable("v", [1]))
        r(lambda: S.Variable(1.0, name="x"))
        r.scope(lambda: S.variable_scope("inner"), lambda _: r(lambda: S.get_variable("u", [1])))

    r.scope(lambda: S.name_scope("ns"), body)


@program
def variable_never_shares(S, r):  # R03.1-R03.2
    r(lambda: S.Variable(1.0, name="a"))
    r(lambda: S.Variable(1.0, name="a"))
    r(lambda: S.Variable(1.0))
    r(lambda: S.Variable(1.0))
    r.scope(lambda: S.variable_scope("s", reuse=True), lambda _: r(lambda: S.get_variable("a", [])))


@program
def reenter_by_string_and_object(S, r):  # R02.5-R02.7
    saved = []
    r.scope(
        lambda: S.variable_scope("foo"),
        lambda s: (saved.append(s), r(lambda: S.get_variable("v", [1]))),
    )
    r.scope(lambda: S.variable_scope("foo"), lambda s: r(lambda: S.Variable(1.0, name="x")))
    r.scope(
        lambda: S.variable_scope(saved[0], reuse=True),
        lambda s: r(lambda: S.get_variable("v", [1])),
    )

    def other(_):
        r.scope(
            lambda: S.variable_scope(saved[0]),
            lambda s: (r(lambda: S.get_variable("w", [1])), r(lambda: S.Variable(2.0, name="x"))),
        )

    r.scope(lambda: S.variable_scope("other"), other)


@program
def default_name_uniquification(S, r):  # R02.12-R02.17
    def body(_):
        for _ in range(3):
            r.scope(
                lambda: S.variable_scope(None, default_name="bar"),
                lambda _: r(lambda: S.get_variable("v", [1])),
            )
        r.scope(lambda: S.variable_scope("bar_5"), lambda _: None)
        r.scope(lambda: S.variable_scope(None, default_name="bar_5"), lambda _: None)

    r.scope(lambda: S.variable_scope("outer"), body)
    r.scope(lambda: S.variable_scope("outer"), body)
    r.scope(lambda: S.variable_scope(None, default_name="outer"), lambda _: None)


@program
def default_name_counters_restored_by_object(S, r):  # R02.17
    saved = []
    r.scope(lambda: S.variable_scope("foo"), lambda s: saved.append(s))

    def inside(_):
        r.scope(lambda: S.variable_scope(None, default_name="bar"), lambda _: None)
        r.scope(lambda: S.variable_scope(None, default_name="bar"), lambda _: None)

    r.scope(lambda: S.variable_scope(saved[0]), inside)
    r.scope(lambda: S.variable_scope(saved[0]), inside)


@program
def default_name_with_reuse_fails(S, r):  # R02.18
    r.scope(lambda: S.variable_scope(None, default_name="x", reuse=True), lambda _: None)
    r.scope(lambda: S.variable_scope(None, default_name="x", reuse=S.AUTO_REUSE), lambda _: None)
    r.scope(lambda: S.variable_scope(None), lambda _: None)
    r.scope(lambda: S.variable_scope(5), lambda _: None)
    r.scope(lambda: S.variable_scope("x", reuse=1.5), lambda _: None)
    r.scope(lambda: S.variable_scope("x", auxiliary_name_scope=1), lambda _: None)


@program
def reuse_inheritance(S, r):  # R04.7-R04.10
    saved = []
    r.scope(
        lambda: S.variable_scope("a"),
        lambda s: (saved.append(s), r(lambda: S.get_variable("v", [1]))),
    )

    def outer(_):
        r.scope(
            lambda: S.variable_scope("a", reuse=False),
            lambda s: r(lambda: S.get_variable("v", [1])),
        )
        r.scope(lambda: S.variable_scope(saved[0]), lambda s: r(lambda: S.get_variable("v", [1])))
        r.scope(
            lambda: S.variable_scope("a", reuse=S.AUTO_REUSE),
            lambda s: r(lambda: S.get_variable("w", [1])),
        )

    r.scope(lambda: S.variable_scope("", reuse=True), outer)

    def auto(_):
        r.scope(
            lambda: S.variable_scope("b", reuse=True), lambda s: r(lambda: S.get_variable("z", [1]))
        )
        r.scope(lambda: S.variable_scope("b"), lambda s: r(lambda: S.get_variable("z", [1])))

    r.scope(lambda: S.variable_scope("top", reuse=S.AUTO_REUSE), auto)


@program
def reuse_root_object_resets(S, r):  # R04.10
    root = []
    r(lambda: root.append(S.get_variable_scope()))
    r(lambda: S.get_variable("v", [1]))
    r.scope(
        lambda: S.variable_scope("", reuse=True),
        lambda _: r.scope(
            lambda: S.variable_scope(root[0]), lambda _: r(lambda: S.get_variable("v", [1]))
        ),
    )


@program
def reuse_variables_method(S, r):  # R04.11-R04.13
    saved = []

    def body(s):
        saved.append(s)
        r(lambda: S.get_variable("v", [1]))
        r(lambda: s.reuse_variables())
        r(lambda: S.get_variable("v", [1]))
        r(lambda: S.get_variable("w", [1]))
        r.scope(lambda: S.variable_scope("c"), lambda s: r(lambda: S.get_variable("x", [1])))

    r.scope(lambda: S.variable_scope("a"), body)
    r.scope(lambda: S.variable_scope(saved[0]), lambda s: r(lambda: S.get_variable("v", [1])))
    r.scope(lambda: S.variable_scope("a"), lambda s: r(lambda: S.get_variable("v", [1])))
    r(lambda: S.get_variable_scope().reuse_variables())
    r(lambda: S.get_variable("q", [1]))


@program
def shape_and_dtype_checks_on_reuse(S, r):  # R04.14-R04.18
    r(lambda: S.get_variable("v", [2, 3]))
    r(lambda: S.get_variable("i", [2], dtype="int32"))

    def body(_):
        r(lambda: S.get_variable("v", [3, 2]))
        r(lambda: S.get_variable("v"))
        r(lambda: S.get_variable("v", [None, 3]))
        r(lambda: S.get_variable("v", [2]))
        r(lambda: S.get_variable("i", [2]))
        r(lambda: S.get_variable("i", [2], dtype="int32"))
        r(lambda: S.get_variable("v", [2, 3], dtype="float64"))
        r(lambda: S.get_variable("v", initializer=[1.0, 2.0]))
        r(lambda: S.get_variable("v", [2, 3], initializer=[1.0]))

    r.scope(lambda: S.variable_scope("", reuse=True), body)


@program
def initializer_rules(S, r):  # R05.3-R05.13
    r(lambda: S.get_variable("c1", initializer=[1, 2]))
    r(lambda: S.get_variable("c2", initializer=[1.0, 2.0]))
    r(lambda: S.get_variable("c3", [2], initializer=[1.0, 2.0]))
    r(lambda: S.get_variable("c4", initializer=[1, 2], dtype="float32"))
    r(lambda: S.get_variable("c5", initializer=[1, 2], dtype="int32"))
    r(lambda: S.get_variable("n1"))
    r(lambda: S.get_variable("n2", [None, 3]))
    r(lambda: S.get_variable("n3", initializer=S.zeros_initializer()))
    r(lambda: S.get_variable("n4", [2], initializer=S.zeros_initializer))
    r(lambda: S.get_variable("n5", [2], dtype="complex64"))
    r(lambda: S.get_variable("i", [2], dtype="int32"))
    r(lambda: S.get_variable("b", [2], dtype="bool"))
    r(lambda: S.get_variable("s", 3))
    r(lambda: S.get_variable("t", ()))


@program
def scope_defaults_inherited(S, r):  # R05.16-R05.22
    def inner(_):
        r(lambda: S.get_variable("a", [2]))
        r(lambda: S.get_variable("b", [2], dtype="int32"))
        r(lambda: S.get_variable("c", [2], initializer=S.ones_initializer()))

    r.scope(
        lambda: S.variable_scope("x", initializer=S.constant_initializer(2), dtype="float32"),
        lambda _: r.scope(lambda: S.variable_scope("y"), inner),
    )

    def int_scope(_):
        r(lambda: S.get_variable("k", [2]))
        r(lambda: S.get_variable("f", [2], dtype="float32"))

    r.scope(lambda: S.variable_scope("z", dtype="int32"), int_scope)


@program
def names_validated(S, r):  # R01.14-R01.16, R05.25
    for n in ["_u", "a b", "a:b", "ok.name-1>x\\y", "-x", "x/y"]:
        r(lambda n=n: S.get_variable(n, [1]))
    r.scope(lambda: S.variable_scope("s"), lambda _: r(lambda: S.get_variable("_u", [1])))
    r.scope(lambda: S.name_scope("bad name"), lambda _: None)
    r.scope(lambda: S.name_scope("_x"), lambda _: None)
    r.scope(
        lambda: S.name_scope("y"), lambda _: r.scope(lambda: S.name_scope("_x"), lambda _: None)
    )
    r(lambda: S.Variable(1.0, name="a b"))


@program
def shared_namespace(S, r):  # 5b, R01.8, R02.28, R04.5
    r(lambda: S.Variable(1.0, name="a"))
    r.scope(lambda: S.name_scope("a"), lambda s: r(lambda: S.Variable(1.0, name="b")))
    r(lambda: S.get_variable("v", [1]))
    r.scope(lambda: S.name_scope("v"), lambda s: None)
    r.scope(lambda: S.variable_scope("v"), lambda s: None)
    r(lambda: S.Variable(1.0, name="w"))
    r(lambda: S.get_variable("w", [1]))
    r.scope(lambda: S.variable_scope("", reuse=True), lambda _: r(lambda: S.get_variable("w", [1])))
    r(lambda: S.Variable(1.0, name="C"))
    r(lambda: S.Variable(1.0, name="c"))


@program
def name_scope_forms(S, r):  # R01.6-R01.12, R01.17
    r.scope(lambda: S.name_scope("a"), lambda s: r.scope(lambda: S.name_scope("a"), lambda s: None))
    r.scope(lambda: S.name_scope("a"), lambda s: r(lambda: S.Variable(1.0, name="v")))
    r.scope(lambda: S.name_scope("foo/"), lambda s: r(lambda: S.Variable(1.0, name="v")))
    r.scope(lambda: S.name_scope("foo"), lambda s: r(lambda: S.Variable(1.0, name="v")))
    r.scope(
        lambda: S.name_scope("x"),
        lambda s: r.scope(
            lambda: S.name_scope(None), lambda s: r(lambda: S.Variable(1.0, name="root"))
        ),
    )
    r.scope(lambda: S.name_scope(None, default_name="d"), lambda s: None)
    r.scope(lambda: S.name_scope(None, default_name="d"), lambda s: None)
    r.scope(lambda: S.name_scope("p/q"), lambda s: None)
    r.scope(lambda: S.name_scope("p/q"), lambda s: None)
    r(lambda: S.Variable(1.0, name="abs/"))
    r(lambda: S.Variable(1.0, name="abs/"))


@program
def variable_scope_special_names(S, r):  # R02.9, R02.20-R02.22, R05.26-R05.27
    r.scope(lambda: S.variable_scope(""), lambda s: r(lambda: S.get_variable("v", [1])))
    r.scope(
        lambda: S.variable_scope("a"),
        lambda s: r.scope(
            lambda: S.variable_scope(""), lambda s: r(lambda: S.get_variable("v", [1]))
        ),
    )
    r.scope(lambda: S.variable_scope("b/c"), lambda s: r(lambda: S.get_variable("v", [1])))
    r.scope(
        lambda: S.variable_scope("b"),
        lambda s: r.scope(
            lambda: S.variable_scope("c", reuse=True), lambda s: r(lambda: S.get_variable("v", [1]))
        ),
    )
    r.scope(
        lambda: S.variable_scope("d", auxiliary_name_scope=False),
        lambda s: r(lambda: S.Variable(1.0, name="x")),
    )
    r.scope(
        lambda: S.name_scope("n"),
        lambda s: r.scope(
            lambda: S.variable_scope("e", auxiliary_name_scope=False),
            lambda s: r(lambda: S.Variable(1.0)),
        ),
    )
    r.scope(lambda: S.variable_scope("t/"), lambda s: r(lambda: S.get_variable("v", [1])))
    r(lambda: S.get_variable("k/", [1]))
    r.scope(lambda: S.variable_scope("f"), lambda s: r(lambda: S.get_variable("", [1])))


@program
def same_context_manager_reentered(S, r):  # R02.11
    cm = []
    r(lambda: cm.append(S.variable_scope("foo")))
    r.scope(lambda: cm[0], lambda s: r(lambda: S.get_variable("v", [1])))
    r.scope(lambda: cm[0], lambda s: r(lambda: S.Variable(1.0, name="x")))


@program
def variable_scope_inside_name_scope(S, r):  # R02.25-R02.26
    r.scope(
        lambda: S.name_scope("ns"),
        lambda s: r.scope(
            lambda: S.variable_scope("vs"),
            lambda s: (
                r(lambda: S.get_variable("v", [1])),
                r(lambda: S.Variable(1.0, name="x")),
                r.scope(lambda: S.name_scope(None), lambda s: r(lambda: S.get_variable("w", [1]))),
            ),
        ),
    )


@pytest.mark.parametrize("mode", ["init", "apply"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tf1(tf1, name, mode):
    prog = PROGRAMS[name]
    expected = run_tf(tf1, prog).items
    got = run_js(prog, mode)
    assert got.items == expected
    for e in got.errors:
        assert not isinstance(e, NotImplementedError), e
