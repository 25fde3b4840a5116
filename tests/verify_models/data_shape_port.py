"""A hand port of data_shape.py's boolean_mask written with jax.numpy (tests/test_verify.py):
indexing by a boolean array, which jax cannot trace."""

import jax.numpy as jnp

import jaxscope as js


def build(x, op="boolean_mask"):
    w = js.get_variable("w", [4, 4])
    scores = x @ w
    return jnp.sum(scores[scores > 0])
