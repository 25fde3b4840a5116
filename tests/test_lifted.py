"""js.remat and js.vmap: jax.checkpoint / jax.vmap around functions that use jaxscope variables.

The reference for each is the same program without the lifted transformation (its names,
values and gradients must not change), under ``jax.jit`` and ``jax.grad`` with
``jax.checking_leaks``.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

X = jax.random.normal(jax.random.key(1), [4, 3])


def _mlp(x, lift):
    def block(x):
        h = js.layers.dense(x, 5, activation=jnp.tanh)
        return js.layers.dense(h, 3)

    return jnp.sum(lift(block)(x) ** 2)


def _no_lift(fn):
    return fn


def _values_and_grads(f, x):
    variables = f.init(jax.random.key(0), x)
    with jax.checking_leaks():
        value, grads = jax.jit(jax.value_and_grad(f.apply, argnums=(0, 1)))(variables, x)
    return variables, value, grads


# -- remat --------------------------------------------------------------------------------------
def test_remat_keeps_names_values_and_gradients_and_recomputes():
    plain = js.transform(lambda x: _mlp(x, _no_lift))
    lifted = js.transform(lambda x: _mlp(x, js.remat))
    want_vars, want, want_grads = _values_and_grads(plain, X)
    got_vars, got, got_grads = _values_and_grads(lifted, X)
    assert jax.tree.map(jnp.shape, got_vars) == jax.tree.map(jnp.shape, want_vars)
    assert [v.name for v in js.inspect(lifted, X)] == [v.name for v in js.inspect(plain, X)]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5), got_grads, want_grads)
    jaxpr = str(jax.make_jaxpr(lifted.apply)(got_vars, X))
    assert "remat" in jaxpr or "checkpoint[" in jaxpr  # jax.checkpoint's primitive, either name


def test_remat_inside_a_scan_body_creates_once_and_differentiates():
    def model(xs, lift):
        def step(acc, x):
            cell = lift(lambda acc, x: js.layers.dense(jnp.concatenate([acc, x], 1), 3, jnp.tanh))
            return cell(acc, x)

        return jnp.sum(js.scan(step, xs, initializer=jnp.zeros([2, 3])))

    xs = jax.random.normal(jax.random.key(2), [6, 2, 3])
    plain = js.transform(lambda xs: model(xs, _no_lift))
    lifted = js.transform(lambda xs: model(xs, js.remat))
    want_vars, want, want_grads = _values_and_grads(plain, xs)
    got_vars, got, got_grads = _values_and_grads(lifted, xs)
    assert jax.tree.map(jnp.shape, got_vars) == {
        "params": {"dense": {"bias": (3,), "kernel": (6, 3)}}
    }
    np.testing.assert_allclose(got, want, rtol=1e-6)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5), got_grads, want_grads)


def test_remat_assign_is_visible_after_the_call():
    def model(x):
        count = js.get_variable("count", [], jnp.int32, trainable=False)

        def body(x):
            with js.variable_scope("block", reuse=js.AUTO_REUSE):  # both calls share "w"
                w = js.get_variable("w", [3], initializer=js.constant_initializer(2.0))
            count.assign_add(1)
            return jnp.sum(x * w)

        return js.remat(body)(x) + js.remat(body)(x)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    assert jax.tree.map(jnp.shape, variables) == {
        "params": {"block": {"w": (3,)}},
        "state": {"count": ()},
    }

    def loss(params, x):
        out, new = f.apply({**variables, "params": params}, x, mutable=["state"])
        return out, new["state"]["count"]

    with jax.checking_leaks():
        (out, count), g = jax.jit(jax.value_and_grad(loss, has_aux=True))(variables["params"], X)
    assert int(count) == 2
    np.testing.assert_allclose(out, 2 * jnp.sum(X * 2.0), rtol=1e-6)
    np.testing.assert_allclose(g["block"]["w"], 2 * jnp.sum(X, 0), rtol=1e-6)


def test_remat_rng_is_the_same_in_the_recomputation():
    """Dropout inside remat: the backward pass recomputes with the forward pass's mask, so
    d(sum(w * dropout(x)))/dw equals the forward value / w."""

    def model(x):
        w = js.get_variable("w", [], initializer=js.constant_initializer(3.0))

        def body(x):
            keep = jax.random.bernoulli(js.next_rng_key(), 0.5, x.shape)
            return jnp.sum(w * jnp.where(keep, x * 2.0, 0.0))

        return js.remat(body)(x)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    key = jax.random.key(7)
    value, grads = jax.jit(jax.value_and_grad(lambda v: f.apply(v, X, rng=key)))(variables)
    np.testing.assert_allclose(grads["params"]["w"], value / 3.0, rtol=1e-5)
    assert float(f.apply(variables, X, rng=key)) == float(value)
    assert float(f.apply(variables, X, rng=jax.random.key(8))) != float(value)


def test_remat_static_argnums_pass_python_values_through():
    def model(x):
        def block(x, training):
            h = js.layers.dense(x, 4)
            return js.layers.dropout(h, 0.5, training=training)  # needs a Python bool

        return js.remat(block, static_argnums=1)(x, False)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X)
    w = variables["params"]["dense"]
    np.testing.assert_allclose(f.apply(variables, X), X @ w["kernel"] + w["bias"], rtol=1e-6)


def test_remat_of_a_deterministic_block_leaves_the_random_numbers_outside_unchanged():
    def model(x, lift):
        h = lift(lambda x: js.layers.dense(x, 4))(x)
        return js.layers.dropout(h, 0.5, training=True)

    plain = js.transform(lambda x: model(x, _no_lift))
    lifted = js.transform(lambda x: model(x, js.remat))
    variables = plain.init(jax.random.key(0), X)
    key = jax.random.key(3)
    np.testing.assert_array_equal(lifted.apply(variables, X, rng=key),
                                  plain.apply(variables, X, rng=key))  # fmt: skip


# -- vmap ---------------------------------------------------------------------------------------
def test_vmap_shares_variables_created_inside_and_matches_the_batched_program():
    """A per-example dense stack, vmapped over the batch, is the batched program: same names,
    shapes, outputs and gradients."""
    seqs = jax.random.normal(jax.random.key(3), [4, 5, 3])  # [batch, steps, depth]

    def per_example(x):  # x: [steps, depth]
        return js.layers.dense(js.layers.dense(x, 6, jax.nn.relu), 2)

    batched = js.transform(lambda xs: jnp.sum(per_example(xs) ** 2))
    lifted = js.transform(lambda xs: jnp.sum(js.vmap(per_example)(xs) ** 2))
    want_vars, want, want_grads = _values_and_grads(batched, seqs)
    got_vars, got, got_grads = _values_and_grads(lifted, seqs)
    assert jax.tree.map(jnp.shape, got_vars) == jax.tree.map(jnp.shape, want_vars)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5), got_grads, want_grads)


def test_vmap_in_axes_none_and_out_axes():
    def model(xs, scale):
        def per_example(x, s):
            return x @ js.get_variable("w", [3, 2]) * s

        return js.vmap(per_example, in_axes=(1, None), out_axes=1)(xs, scale)

    f = js.transform(model)
    xs = jnp.swapaxes(X, 0, 1)  # [3, 4]: examples on axis 1
    variables = f.init(jax.random.key(0), xs, 2.0)
    out = f.apply(variables, xs, 2.0)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out, (X @ variables["params"]["w"] * 2.0).T, rtol=1e-6)


@pytest.mark.parametrize("split_rngs", [True, False])
def test_vmap_split_rngs_gives_each_example_its_own_key(split_rngs):
    def model(xs):
        return js.vmap(lambda x: jax.random.uniform(js.next_rng_key(), x.shape),
                       split_rngs=split_rngs)(xs)  # fmt: skip

    out = js.transform(model).apply({}, jnp.ones([4, 8]), rng=jax.random.key(0))
    distinct = len({tuple(np.asarray(row)) for row in out})
    assert distinct == (4 if split_rngs else 1)


def test_vmap_assign_raises_with_the_fix():
    def model(xs):
        count = js.get_variable("count", [], trainable=False)
        return js.vmap(lambda x: count.assign_add(jnp.sum(x)))(xs)

    with pytest.raises(js.VmapAssignError, match=r'(?s)assigns "count".*jnp.mean\(stats, axis=0\)'):
        js.transform(model).init(jax.random.key(0), X)


def test_vmap_batched_params_are_an_ensemble_of_independent_members():
    """variable_axes={"params": 0}: the variables made inside are stacked, one member per
    example (each drawn with its own key); one made before the vmap stays shared."""
    n = 4

    def model(xs):
        scale = js.get_variable("scale", [], initializer=js.constant_initializer(2.0))

        def member(x):
            h = js.layers.dense(x, 5, activation=jnp.tanh)
            offset = js.get_variable("offset", [], initializer=js.constant_initializer(0.5))
            return js.layers.dense(h, 2) * scale + offset

        return js.vmap(member, variable_axes={"params": 0})(xs)

    f = js.transform(model)
    xs = jax.random.normal(jax.random.key(4), [n, 3])
    variables = f.init(jax.random.key(0), xs)
    p = variables["params"]
    assert jax.tree.map(jnp.shape, p) == {
        "scale": (),
        "dense": {"kernel": (n, 3, 5), "bias": (n, 5)},
        "offset": (n,),
        "dense_1": {"kernel": (n, 5, 2), "bias": (n, 2)},
    }
    kernels = np.asarray(p["dense"]["kernel"])
    assert all(not np.allclose(kernels[0], kernels[i]) for i in range(1, n))  # own keys
    np.testing.assert_array_equal(p["offset"], 0.5)

    p = {**p, "offset": jnp.arange(n, dtype=jnp.float32)}  # members tell apart
    with jax.checking_leaks():
        out, grads = jax.jit(jax.value_and_grad(lambda p: jnp.sum(f.apply({"params": p}, xs))))(p)
    want = [
        (jnp.tanh(xs[i] @ p["dense"]["kernel"][i] + p["dense"]["bias"][i])
         @ p["dense_1"]["kernel"][i] + p["dense_1"]["bias"][i]) * 2.0 + i
        for i in range(n)
    ]  # fmt: skip
    np.testing.assert_allclose(out, jnp.sum(jnp.stack(want)), rtol=1e-5)
    np.testing.assert_allclose(grads["offset"], 2.0, rtol=1e-6)  # 2 outputs per member
    assert grads["dense"]["kernel"].shape == (n, 3, 5)
    with pytest.raises(js.ValueMismatchError, match="offset"):  # a member of the wrong shape
        f.apply({"params": {**p, "offset": jnp.zeros([n, 2])}}, xs)


def test_vmap_batched_variable_from_a_value_starts_equal_in_every_member():
    def model(xs):
        def member(x):
            v = js.get_variable("v", initializer=jnp.array([1.0, -1.0]))
            return x * v

        return js.vmap(member, variable_axes={"params": 0})(xs)

    f = js.transform(model)
    xs = jnp.arange(6.0).reshape(3, 2)
    variables = f.init(jax.random.key(0), xs)
    np.testing.assert_array_equal(variables["params"]["v"], [[1.0, -1.0]] * 3)
    v = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(jax.jit(f.apply)({"params": {"v": v}}, xs), xs * v)


def test_vmap_batched_state_is_assigned_per_member():
    def model(xs):
        def member(x):
            count = js.get_variable("count", [], trainable=False,
                                    initializer=js.zeros_initializer())  # fmt: skip
            count.assign_add(jnp.sum(x))
            return x * 2 + count

        return js.vmap(member, variable_axes={"state": 0})(xs)

    f = js.transform(model)
    xs = jnp.arange(6.0).reshape(3, 2)
    with jax.checking_leaks():
        variables = f.init(jax.random.key(0), xs)
        out, new = jax.jit(lambda v, x: f.apply(v, x, mutable=True))(variables, xs)
    np.testing.assert_array_equal(variables["state"]["count"], [0.0, 0.0, 0.0])  # before
    np.testing.assert_array_equal(new["state"]["count"], [1.0, 5.0, 9.0])  # row sums
    np.testing.assert_array_equal(out, xs * 2 + jnp.array([1.0, 5.0, 9.0])[:, None])
    _, again = f.apply(new, xs, mutable=True)
    np.testing.assert_array_equal(again["state"]["count"], [2.0, 10.0, 18.0])


def test_vmap_variable_axes_other_than_0_are_refused():
    with pytest.raises(NotImplementedError, match=r"(?s)variable_axes=\{'params': 1\}.*moveaxis"):
        js.vmap(lambda x: x, variable_axes={"params": 1})


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.core import lifted

    result = doctest.testmod(lifted, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_vmap_layers_count_the_mapped_axis_in_tf1s_rank_rules():
    """A layer in js.vmap sees one example: dense on rank 1 and conv2d on rank 3 are TF1's
    rank-2 / rank-4 batches, while outside vmap the same ranks are refused as in TF1."""

    def model(xs, ys):
        dense = js.vmap(lambda x: js.layers.dense(x, 2), variable_axes={"params": 0})(xs)
        conv = js.vmap(lambda y: js.layers.conv2d(y, 2, 2), variable_axes={"params": 0})(ys)
        return dense, conv

    f = js.transform(model)
    xs, ys = jnp.ones([3, 4]), jnp.ones([3, 4, 4, 1])
    variables = f.init(jax.random.key(0), xs, ys)
    dense, conv = f.apply(variables, xs, ys)
    assert dense.shape == (3, 2) and conv.shape == (3, 3, 3, 2)
    with pytest.raises(js.LayerInputError, match="expected min_ndim=2, found ndim=1"):
        js.transform(lambda x: js.layers.dense(x, 2)).init(jax.random.key(0), jnp.ones([4]))
