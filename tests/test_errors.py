"""Every error says what happened, names the full variable, shows both sides, says where the
variable was created and gives the fix as code; each subclasses the builtin TF1 raised."""

import jax
import pytest

import jaxscope as js

HERE = "test_errors.py"


def init(fn):
    return js.transform(fn).init(jax.random.key(0))


def test_already_exists():
    def fn():
        with js.variable_scope("two_layers"):
            js.get_variable("w", [100, 50])
            js.get_variable("w", [100, 50])

    with pytest.raises(js.VariableExistsError) as e:
        init(fn)
    msg = str(e.value)
    assert isinstance(e.value, ValueError) and isinstance(e.value, js.JaxscopeError)
    assert '"two_layers/w" already exists' in msg and "(100, 50), float32" in msg
    assert f"created at {HERE}:" in msg
    assert "reuse=jaxscope.AUTO_REUSE" in msg and "reuse=True" in msg


def test_does_not_exist():
    def fn():
        with js.variable_scope("enc", reuse=True):
            js.get_variable("w", [1])

    with pytest.raises(
        js.VariableNotFoundError,
        match=r'(?s)"enc/w" does not exist.*'
        r"reuse=jaxscope.AUTO_REUSE",
    ):
        init(fn)


def test_does_not_exist_because_made_by_variable():
    def fn():
        js.Variable(1.0, name="v")
        with js.variable_scope("", reuse=True):
            js.get_variable("v", [])

    with pytest.raises(ValueError, match=rf"created by jaxscope.Variable \({HERE}:\d+\)"):
        init(fn)


def test_shape_mismatch_shows_both_shapes_and_fix():
    def fn():
        with js.variable_scope("s", reuse=js.AUTO_REUSE):
            js.get_variable("w", [3, 4])
            js.get_variable("w", [4, 3])

    with pytest.raises(
        js.ShapeMismatchError,
        match=r'(?s)"s/w", but specified shape \(4, 3\) '
        rf"and found shape \(3, 4\); created at {HERE}:\d+.*"
        r"get_variable\('w', \[3, 4\]\)",
    ):
        init(fn)


def test_dtype_mismatch_explains_tf1_default():
    def fn():
        with js.variable_scope("s", reuse=js.AUTO_REUSE):
            js.get_variable("step", [], dtype="int32")
            js.get_variable("step", [])

    with pytest.raises(
        js.DtypeMismatchError,
        match=r"(?s)specified dtype float32 and found dtype "
        r"int32.*dtype=None means the scope's dtype.*dtype=jnp.int32",
    ):
        init(fn)


def test_invalid_name_shows_name_and_pattern():
    with pytest.raises(
        js.InvalidNameError, match=r"'a b' is not a valid root scope name.*no spaces"
    ):
        init(lambda: js.get_variable("a b", [1]))


def test_constant_initializer_with_shape():
    with pytest.raises(
        js.InitializerError,
        match=r'(?s)"c": If initializer is a constant, do not '
        r"specify shape.*get_variable\('c', initializer=value\)",
    ):
        init(lambda: js.get_variable("c", [2], initializer=[1.0, 2.0]))


def test_no_shape_no_initializer():
    with pytest.raises(ValueError, match=r"(?s)\"v\": did not get an initializer.*\[3, 4\]"):
        init(lambda: js.get_variable("v"))


def test_scope_argument_errors_have_tf1_classes():
    def bad_type():
        with js.variable_scope(3):
            pass

    def bad_reuse():
        with js.variable_scope("a", reuse="yes"):
            pass

    with pytest.raises(js.ScopeArgumentError, match="must be a string or VariableScope"):
        init(bad_type)
    with pytest.raises(TypeError):
        init(bad_type)
    with pytest.raises(js.ScopeValueError, match="reuse parameter must be True or False or None"):
        init(bad_reuse)


def test_improper_nesting():
    def fn():
        a = js.variable_scope("a")
        b = js.variable_scope("b")
        a.__enter__()
        b.__enter__()
        a.__exit__(None, None, None)

    with pytest.raises(js.ScopeNestingError, match="Improper nesting"):
        init(fn)


def test_duplicate_absolute_name():
    def fn():
        js.Variable(1.0, name="x/")
        js.Variable(1.0, name="x/")

    with pytest.raises(js.DuplicateNameError, match=r"'x'.*Drop the trailing '/'"):
        init(fn)


def test_missing_variable_says_created_at_once():
    def fn():
        return js.get_variable("head/w", [2])

    f = js.transform(fn)
    with pytest.raises(
        js.MissingVariableError,
        match=r'^apply\(\) needs variable "head/w" \(created at test_errors\.py:\d+\), but '
        r"variables\['params'\]\['head'\]\['w'\] does not exist\.",
    ) as err:
        f.apply({"params": {}})
    assert "created created" not in str(err.value)
