"""The TF1 gradient oracle of tests/test_rnn.py and tests/test_raw_rnn.py.

A program's outputs (any nest of tensors) are reduced to one loss, a fixed random projection:
``sum_i sum(term(leaf_i, c_i))`` with ``c_i`` drawn from ``RandomState(1)``. TF1 runs the program
in a fresh graph and gives the variables' names, shapes and initial values, the outputs and the
gradients of that loss w.r.t. the input and every trainable variable; jaxscope then runs the same
loss, with the same coefficients, from TF's initial values.
"""

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope import checkpoint

RTOL, ATOL = 1e-5, 1e-6


def coefficients(shapes):
    rs = np.random.RandomState(1)
    return [rs.randn(*shape).astype(np.float32) for shape in shapes]


def _product(leaf, c):
    return leaf * c


def run_tf(tf1, build, x_np, *, coefficient_shape=list, term=_product):
    """TF1 graph mode: ``build(x)`` (``x = tf.constant(x_np)``), its variables, outputs and the
    gradients of the projected loss.

    ``coefficient_shape`` maps a leaf's static shape (a list) to its coefficient's shape;
    ``term(leaf, c)`` is the tensor whose sum is the leaf's part of the loss.
    """
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        x = tf1.constant(x_np)
        leaves = tf1.nest.flatten(build(x))
        coeffs = coefficients([coefficient_shape(leaf.shape.as_list()) for leaf in leaves])
        loss = tf1.add_n(
            [tf1.reduce_sum(term(leaf, c)) for leaf, c in zip(leaves, coeffs, strict=True)]
        )
        variables = tf1.global_variables()
        trainable = tf1.trainable_variables()
        grads = [tf1.convert_to_tensor(g) for g in tf1.gradients(loss, [x, *trainable])]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values, outs, grads = sess.run([variables, leaves, grads])
    return dict(
        names=[v.op.name for v in variables],
        shapes=[tuple(v.shape.as_list()) for v in variables],
        trainable=[v.op.name for v in trainable],
        values=dict(zip([v.op.name for v in variables], values, strict=True)),
        coefficients=coeffs,
        outputs=outs,
        grad_x=grads[0],
        grads=dict(zip([v.op.name for v in trainable], grads[1:], strict=True)),
    )


def variables_and_coefficients(want):
    """TF's initial values as a jaxscope variables tree, and TF's coefficients."""
    variables = checkpoint.unflatten(want["values"], trainable=set(want["trainable"]))
    return variables, [jnp.asarray(c) for c in want["coefficients"]]


def value_and_grad(f, *, term=_product):
    """jaxscope's side: ``g(variables, coefficients, x, *args) -> ((loss, output leaves),
    (d/dparams, d/dx))`` of the projected loss of ``f.apply(variables, x, *args)``."""

    def loss(params, x, variables, coeffs, *args):
        leaves = jax.tree.leaves(f.apply({**variables, "params": params}, x, *args))
        total = sum(jnp.sum(term(leaf, c)) for leaf, c in zip(leaves, coeffs, strict=True))
        return total, leaves

    grad = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)
    return lambda variables, coeffs, x, *args: grad(
        variables["params"], x, variables, coeffs, *args
    )


def assert_gradients_match(g_params, g_x, want):
    np.testing.assert_allclose(g_x, want["grad_x"], rtol=RTOL, atol=ATOL)
    flat = checkpoint.flatten({"params": g_params})
    assert sorted(flat) == sorted(want["grads"])
    for name, expected in want["grads"].items():
        np.testing.assert_allclose(flat[name], expected, rtol=RTOL, atol=ATOL, err_msg=name)
