"""Bad input at the transform surface: traced program flags, the "state" key, handles in jax."""

import functools

import jax
import jax.numpy as jnp
import pytest

import jaxscope as js

X = jnp.ones([2, 4])


def _bn_model(x, training):
    return js.layers.batch_normalization(js.layers.dense(x, 3), training=training)


F = js.transform(_bn_model)


def test_eval_shape_of_init_with_a_traced_flag_says_how_to_fix_eval_shape():
    with pytest.raises(
        js.TracedFlagError,
        match=r"jax\.eval_shape traced it.*\n.*functools\.partial\(f\.init, training=False\)",
    ) as e:
        jax.eval_shape(F.init, jax.random.key(0), X, False)
    assert isinstance(e.value, TypeError) and "static_argnames" not in str(e.value)
    assert 'batch_normalization layer "batch_normalization"' in str(e.value)
    # the fixes it gives work
    shapes = jax.eval_shape(functools.partial(F.init, training=False), jax.random.key(0), X)
    assert shapes["params"]["dense"]["kernel"].shape == (4, 3)
    assert js.inspect(F, X, training=False)[0].name == "dense/kernel"


@pytest.mark.parametrize("what", ["init", "apply"])
def test_jit_with_a_traced_flag_says_static_argnames(what):
    v = F.init(jax.random.key(0), X, False)
    call = {"init": lambda: jax.jit(F.init)(jax.random.key(0), X, False),
            "apply": lambda: jax.jit(F.apply)(v, X, False)}[what]  # fmt: skip
    with pytest.raises(
        js.TracedFlagError,
        match=r"jax\.jit traced it.*\n    jax\.jit\(f\.apply, static_argnames='training'\)",
    ) as e:
        call()
    assert isinstance(e.value, TypeError) and "eval_shape" not in str(e.value)
    out = jax.jit(F.apply, static_argnames="training")(v, X, training=False)
    assert out.shape == (2, 3)


@pytest.mark.parametrize("how", ["vmap", "traced in the model"])
def test_other_traced_flags_say_to_pass_a_python_bool(how):
    v = F.init(jax.random.key(0), X, False)
    if how == "vmap":
        call = lambda: jax.vmap(lambda b: F.apply(v, X, b))(jnp.array([True, False]))  # noqa: E731
    else:
        g = js.transform(lambda x: _bn_model(x, jnp.sum(x) > 0))
        call = lambda: g.init(jax.random.key(0), X)  # noqa: E731
    with pytest.raises(
        js.TracedFlagError,
        match=r"must be a Python bool.*\n    functools\.partial\(f\.apply, training=True\)",
    ) as e:
        call()
    assert "jax.jit traced" not in str(e.value) and "eval_shape" not in str(e.value)


def test_state_is_absent_without_non_trainable_variables_and_read_by_name():
    f = js.transform(lambda x: js.layers.dense(x, 3, name="Model/dense"))
    variables = f.init(jax.random.key(0), X)
    assert sorted(variables) == ["params"]  # the rule: "state" only when there is state
    kernel = js.get_variable_value(variables, "Model/dense/kernel:0")
    assert kernel is variables["params"]["Model"]["dense"]["kernel"]


def test_state_is_present_with_a_non_trainable_variable():
    def model(x):
        js.train.get_or_create_global_step()
        return js.layers.dense(x, 3)

    variables = js.transform(model).init(jax.random.key(0), X)
    assert sorted(variables) == ["params", "state"]
    assert js.get_variable_value(variables, "global_step") is variables["state"]["global_step"]


def test_get_variable_value_of_a_missing_name_lists_close_names():
    f = js.transform(lambda x: js.layers.dense(x, 3, name="Model/dense"))
    variables = f.init(jax.random.key(0), X)
    with pytest.raises(
        js.VariableLookupError,
        match=r'No variable "Model/dense/kernl".*Close names: \'Model/dense/kernel\'',
    ) as e:
        js.get_variable_value(variables, "Model/dense/kernl")
    assert isinstance(e.value, LookupError) and isinstance(e.value, js.JaxscopeError)
    with pytest.raises(js.VariableLookupError, match=r'No variable "Model/dense"'):
        js.get_variable_value(variables, "Model/dense")  # a scope, not a variable
    with pytest.raises(js.VariableLookupError, match='No variable "global_step"'):
        js.get_variable_value(variables, "global_step")


def test_handle_in_a_lax_scan_carry_through_inspect_is_named():
    def model(x):
        h0 = js.get_variable("rnn/h0", [4])
        return jax.lax.scan(lambda h, r: (jnp.tanh(h + r), h), h0, x)[1]

    with pytest.raises(
        js.HandleStructureError, match=r'variable "rnn/h0".*\n    jnp\.asarray\(h0\)'
    ) as e:
        js.inspect(js.transform(model), X)
    assert isinstance(e.value, TypeError) and "PyTreeDef" not in str(e.value)
