"""Name validation: TF1's regexes, matched against the *whole* name.

A regex ending in ``$`` also matches before a final newline, so ``re.match`` alone accepts
``"w\\n"``; jaxscope uses ``fullmatch``. TF1 rejects such names too (its op names cannot hold the
newline), so each entry point is checked against ``tf.compat.v1``.
"""

import jax
import pytest

import jaxscope as js
from jaxscope._src.checkpoint import optimizer_slots


def _gv(name):
    return lambda v: v.get_variable(name, [1])


def _variable(name):
    return lambda v: v.Variable(1.0, name=name)


def _variable_scope(name):
    def prog(v):
        with v.variable_scope(name):
            v.get_variable("v", [1])

    return prog


def _nested_variable_scope(name):
    def prog(v):
        with v.variable_scope("a"), v.variable_scope(name):
            v.get_variable("v", [1])

    return prog


def _default_name(name):
    def prog(v):
        with v.variable_scope(None, default_name=name):
            v.get_variable("v", [1])

    return prog


def _name_scope(name):
    def prog(v):
        with v.name_scope(name):
            v.Variable(1.0, name="v")

    return prog


def _nested_name_scope(name):
    def prog(v):
        with v.name_scope("a"), v.name_scope(name):
            v.Variable(1.0, name="v")

    return prog


def _nested_variable(name):
    def prog(v):
        with v.name_scope("a"):
            v.Variable(1.0, name=name)

    return prog


ENTRY_POINTS = [
    _gv, _variable, _variable_scope, _nested_variable_scope, _default_name, _name_scope,
    _nested_name_scope, _nested_variable,
]  # fmt: skip
BAD_NAMES = ["w\n", "w\n/x", "w/x\n", "w\r"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda e: e.__name__)
def test_names_with_a_final_newline_are_rejected_as_in_tf1(tf1, entry, name):
    with tf1.Graph().as_default(), pytest.raises(ValueError):
        entry(name)(tf1)
    f = js.transform(lambda: entry(name)(js))
    with pytest.raises(js.InvalidNameError, match=repr(name).replace("\\", "\\\\")):
        f.init(jax.random.key(0))


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda e: e.__name__)
def test_valid_names_still_accepted_at_every_entry_point(tf1, entry):
    with tf1.Graph().as_default():
        entry("w.1-x")(tf1)
    js.transform(lambda: entry("w.1-x")(js)).init(jax.random.key(0))


def test_bare_name_scope_with_final_newline_is_refused_earlier_than_tf1(tf1):
    # TF1 opens name_scope("w\n") (its `$` regex passes) and fails only at the first op inside.
    with tf1.Graph().as_default(), tf1.name_scope("w\n") as scope:
        assert scope == "w\n/"

    def prog():
        with js.name_scope("w\n"):
            pass

    with pytest.raises(js.InvalidNameError, match=r"'w\\n' is not a valid root scope name"):
        js.transform(prog).init(jax.random.key(0))


def test_adam_slot_pattern_matches_whole_names():
    assert optimizer_slots._OTHER_ADAM.search("dense/w/Adam_2")
    assert not optimizer_slots._OTHER_ADAM.search("dense/w/Adam_2\n")
