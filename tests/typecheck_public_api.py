"""What a user's type checker sees of the public API (py.typed ships): mypy checks this file in
tests/test_typing.py; it is never run. A broken or missing annotation on these signatures turns
the type into Any (or an error), and assert_type fails."""

from typing import Any, assert_type

import jax

import jaxscope as js
from jaxscope import checkpoint


def _model(x: jax.Array) -> jax.Array:
    with js.variable_scope("layer") as scope:
        assert_type(scope, js.VariableScope)
        w = js.get_variable("w", [3, 2])
        assert_type(w, js.Variable)
    with js.name_scope("block") as name:
        assert_type(name, str)
    assert_type(js.get_variable_scope(), js.VariableScope)
    return x @ w


def _public_api(x: jax.Array, path: str) -> None:
    f = js.transform(_model)
    assert_type(f, js.Transformed)
    variables = f.init(jax.random.key(0), x)
    assert_type(variables, dict[str, Any])
    assert_type(f.init_with_output(jax.random.key(0), x), tuple[Any, dict[str, Any]])
    assert_type(js.inspect(f, x), js.VariablesInfo)
    assert_type(js.train.AdamOptimizer(1e-3), js.train.AdamOptimizer)
    assert_type(checkpoint.save_tf1(path, variables), str)
