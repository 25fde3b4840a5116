"""Variable handles in every jax namespace a port calls (jnp, lax, nn, random, scipy, optax,
tree utilities, transformations), and jaxscope's errors where jax takes only arrays."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax._src import core

import jaxscope as js
from jaxscope._src.core import variables

KEY = jax.random.key(1)
X = jnp.arange(4.0).reshape(2, 2) / 4


def _conv(x, w):
    dn = ("NHWC", "HWIO", "NHWC")
    return jax.lax.conv_general_dilated(
        x.reshape(1, 2, 2, 1), w, (1, 1), "SAME", dimension_numbers=dn
    )


# name -> (function of (w, x), variable shape). Each is run with the handle and with
# jnp.asarray(w); the results must agree.
WORKS = {
    "jnp.matmul": (lambda w, x: jnp.matmul(x, w), [2, 2]),
    "jnp.einsum": (lambda w, x: jnp.einsum("ij,jk->ik", x, w), [2, 2]),
    "jnp.where": (lambda w, x: jnp.where(w > 0, w, 0.0), [2, 2]),
    "jnp.concatenate": (lambda w, x: jnp.concatenate([w, w]), [2, 2]),
    "jnp.take": (lambda w, x: jnp.take(w, jnp.array([1, 0]), axis=0), [2, 2]),
    "operator @": (lambda w, x: x @ w, [2, 2]),
    "lax.dot_general": (lambda w, x: jax.lax.dot_general(x, w, (((1,), (0,)), ((), ()))), [2, 2]),
    "lax.dot": (lambda w, x: jax.lax.dot(x, w), [2, 2]),
    "lax.add": (lambda w, x: jax.lax.add(w, x), [2, 2]),
    "lax.conv_general_dilated": (lambda w, x: _conv(x, w), [2, 2, 1, 1]),
    "lax.dynamic_slice": (lambda w, x: jax.lax.dynamic_slice(w, (1, 0), (1, 2)), [2, 2]),
    "lax.dynamic_update_slice": (
        lambda w, x: jax.lax.dynamic_update_slice(w, jnp.zeros([1, 2]), (0, 0)),
        [2, 2],
    ),
    "lax.select": (lambda w, x: jax.lax.select(w > 0, w, x), [2, 2]),
    "lax.rsqrt": (lambda w, x: jax.lax.rsqrt(jnp.abs(w) + 1), [2, 2]),
    "lax.pad": (lambda w, x: jax.lax.pad(w, 0.0, [(1, 1, 0), (0, 0, 0)]), [2, 2]),
    "lax.broadcast_in_dim": (lambda w, x: jax.lax.broadcast_in_dim(w, (3, 2, 2), (1, 2)), [2, 2]),
    "lax.cumsum": (lambda w, x: jax.lax.cumsum(w, 0), [2, 2]),
    "lax.convert_element_type": (lambda w, x: jax.lax.convert_element_type(w, jnp.bfloat16), [2]),
    "lax.stop_gradient": (lambda w, x: jax.lax.stop_gradient(w), [2, 2]),
    "lax.scan xs": (lambda w, x: jax.lax.scan(lambda c, r: (c + r, r), jnp.zeros(2), w)[0], [2, 2]),
    "lax.cond operand": (lambda w, x: jax.lax.cond(True, lambda a: a + 1, lambda a: a - 1, w), [2]),
    "lax.map": (lambda w, x: jax.lax.map(lambda r: r * 2, w), [2, 2]),
    "nn.relu": (lambda w, x: jax.nn.relu(w), [2, 2]),
    "nn.sigmoid": (lambda w, x: jax.nn.sigmoid(w), [2, 2]),
    "nn.softmax": (lambda w, x: jax.nn.softmax(w), [2, 2]),
    "nn.gelu": (lambda w, x: jax.nn.gelu(w), [2, 2]),
    "random.normal(w.shape)": (lambda w, x: jax.random.normal(KEY, w.shape) + w, [2, 2]),
    "random.bernoulli(p)": (lambda w, x: jax.random.bernoulli(KEY, jax.nn.sigmoid(w)), [2, 2]),
    "random.categorical": (lambda w, x: jax.random.categorical(KEY, w), [2, 2]),
    "random.uniform(minval)": (lambda w, x: jax.random.uniform(KEY, (2,), minval=w), [2]),
    "scipy.special.logsumexp": (lambda w, x: jax.scipy.special.logsumexp(w), [2, 2]),
    "scipy.stats.norm.logpdf": (lambda w, x: jax.scipy.stats.norm.logpdf(w), [2, 2]),
    "scipy.linalg.solve": (lambda w, x: jax.scipy.linalg.solve(w + 3 * jnp.eye(2), x), [2, 2]),
    "optax.l2_loss": (lambda w, x: optax.l2_loss(w, x), [2, 2]),
    "optax.softmax_cross_entropy": (lambda w, x: optax.softmax_cross_entropy(w, x), [2, 2]),
    "optax.adam.update": (
        lambda w, x: optax.adam(0.1).update(w, optax.adam(0.1).init(w), w)[0],
        [2, 2],
    ),
    "tree.map": (lambda w, x: jax.tree.map(lambda a: a * 2, w), [2, 2]),
    "jit argument": (lambda w, x: jax.jit(lambda a: a * 2)(w), [2, 2]),
    "jit closure": (lambda w, x: jax.jit(lambda: jax.lax.mul(w, 2.0))(), [2, 2]),
    "vmap argument": (lambda w, x: jax.vmap(lambda a: jax.lax.exp(a))(w), [2, 2]),
    "grad argument": (lambda w, x: jax.grad(lambda a: jnp.sum(jax.lax.mul(a, a)))(w), [2, 2]),
    "grad closure": (lambda w, x: jax.grad(lambda a: jnp.sum(jax.lax.dot(a, w)))(x), [2, 2]),
    "checkpoint": (lambda w, x: jax.checkpoint(lambda a: jax.lax.sin(a))(w), [2, 2]),
}


def _run(fn, shape, convert, mode):
    def model(x):
        w = js.get_variable("w", shape)
        out = fn(jnp.asarray(w) if convert else w, x)
        return jax.tree.map(jnp.asarray, out, is_leaf=lambda a: isinstance(a, js.Variable))

    f = js.transform(model)
    v = f.init(jax.random.key(0), X)
    return {"init": lambda: f.init_with_output(jax.random.key(0), X)[0],
            "apply": lambda: f.apply(v, X),
            "jit": lambda: jax.jit(f.apply)(v, X)}[mode]()  # fmt: skip


@pytest.mark.parametrize("mode", ["init", "apply", "jit"])
@pytest.mark.parametrize("case", sorted(WORKS))
def test_handle_works_as_an_array(case, mode):
    fn, shape = WORKS[case]
    got = _run(fn, shape, False, mode)
    want = _run(fn, shape, True, mode)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6), got, want)


def test_lax_primitive_keeps_the_handle_name_under_jit():
    def model(x):
        w = js.get_variable("dense/w", [2, 2])
        return jax.lax.dot(x, w), w.name

    f = js.transform(model)
    v = f.init(jax.random.key(0), X)
    out, name = f.apply(v, X)
    assert name == "dense/w:0"
    np.testing.assert_allclose(out, X @ v["params"]["dense"]["w"], rtol=1e-6)
    names = []

    def traced(x):
        w = js.get_variable("dense/w", [2, 2])
        names.append(w.name)
        return jax.lax.conv_general_dilated(
            x.reshape(1, 2, 2, 1), w.reshape(2, 2, 1, 1), (1, 1), "SAME",
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
        )  # fmt: skip

    g = js.transform(traced)
    jax.jit(g.apply)(g.init(jax.random.key(0), X), X)
    assert names == ["dense/w:0", "dense/w:0"]  # jit's trace (init's pass first)


# name -> (function of w, builtin jax raised)
REFUSED = {
    "lax.scan carry": (
        lambda w: jax.lax.scan(lambda c, _: (c + 1, None), w, None, length=2),
        TypeError,
    ),
    "lax.fori_loop carry": (lambda w: jax.lax.fori_loop(0, 2, lambda i, c: c * 2, w), TypeError),
    "lax.while_loop carry": (
        lambda w: jax.lax.while_loop(lambda c: False, lambda c: c * 2, w),
        TypeError,
    ),
    "lax.cond branch output": (lambda w: jax.lax.cond(True, lambda: w, lambda: w.value), TypeError),
    "lax.reduce_window operand": (
        lambda w: jax.lax.reduce_window(w, -jnp.inf, jax.lax.max, (2, 2), (1, 1), "VALID"),
        ValueError,
    ),
    "lax.reduce operand": (lambda w: jax.lax.reduce(w, 0.0, jax.lax.add, (0,)), ValueError),
}


@pytest.mark.parametrize("mode", ["init", "apply", "jit"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_handle_where_jax_compares_structures_raises_a_named_error(case, mode):
    fn, builtin = REFUSED[case]

    def model(x):
        with js.variable_scope("enc"):
            kernel = js.get_variable("kernel", [2, 2])
            return fn(kernel)

    f = js.transform(model)
    if mode == "init":
        call = lambda: f.init(jax.random.key(0), X)  # noqa: E731
    else:
        v = {"params": {"enc": {"kernel": jnp.ones([2, 2])}}}
        call = (lambda: f.apply(v, X)) if mode == "apply" else (lambda: jax.jit(f.apply)(v, X))  # noqa: E731
    with pytest.raises(
        js.HandleStructureError, match=r'variable "enc/kernel".*\n    jnp\.asarray\(kernel\)'
    ) as e:
        call()
    assert isinstance(e.value, builtin) and isinstance(e.value, js.JaxscopeError)
    assert "must have the same" not in str(e.value) and "PyTreeDef" not in str(e.value)
    assert "test_handles.py" in str(e.value)  # the line that called jax


def test_the_fix_in_the_message_works():
    def model(x):
        w = js.get_variable("w", [2, 2])
        return jax.lax.scan(lambda c, _: (c + 1, None), jnp.asarray(w), None, length=2)[0]

    f = js.transform(model)
    v = f.init(jax.random.key(0), X)
    np.testing.assert_allclose(f.apply(v, X), v["params"]["w"] + 2)


def test_a_jax_without_the_conversion_hook_names_the_variable(monkeypatch):
    # The fallback kept for a jax that lacks the canonicalization hook: typeof refuses by name.
    monkeypatch.setitem(core.pytype_aval_mappings, variables.Variable, variables.refuse)

    def model(x):
        w = js.get_variable("conv/kernel", [2, 2])
        return jax.lax.broadcast_in_dim(w, (3, 2, 2), (1, 2))

    with pytest.raises(
        js.HandleAbstractionError, match=r'variable "conv/kernel".*\n    jnp\.asarray\(kernel\)'
    ) as e:
        js.transform(model).init(jax.random.key(0), X)
    assert isinstance(e.value, ValueError) and "Triggering" not in str(e.value)


def test_this_jax_takes_handles_in_primitives():
    assert variables.CANONICAL  # if a jax drops the hook, the README's table must change
