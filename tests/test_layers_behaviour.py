"""jaxscope.layers behaviour that has no TF1 twin to compare with: dropout's randomness, the
refusal to leave batch-norm statistics stale, arguments not built yet, layer objects reused
across init/apply, and jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js


def test_training_batch_norm_without_mutable_raises_with_the_fix():
    f = js.transform(lambda x, training: js.layers.batch_normalization(x, training=training))
    x = jnp.arange(12.0).reshape(4, 3)
    variables = f.init(jax.random.key(0), x, True)
    with pytest.raises(js.MovingAverageUpdateError, match=r'(?s)Layer "batch_normalization".*'
                       r'mutable=\["state"\]'):  # fmt: skip
        f.apply(variables, x, True)
    with pytest.raises(js.ImmutableVariableError):  # the general class catches it too
        f.apply(variables, x, True, mutable=["params"])
    np.testing.assert_allclose(f.apply(variables, x, False), x / np.sqrt(1.0 + 1e-3), rtol=1e-6)


def test_training_batch_norm_updates_state_only_when_asked():
    f = js.transform(lambda x: js.layers.batch_normalization(x, momentum=0.5, training=True))
    x = jnp.asarray([[1.0, 2.0], [3.0, 6.0]])
    variables = f.init(jax.random.key(0), x)
    out, new = f.apply(variables, x, mutable=True)
    bn = new["state"]["batch_normalization"]
    np.testing.assert_allclose(bn["moving_mean"], [1.0, 2.0])  # 0.5 * 0 + 0.5 * [2, 4]
    np.testing.assert_allclose(bn["moving_variance"], [1.0, 2.5])  # 0.5 * 1 + 0.5 * [1, 4]
    assert new["params"] is not None and variables["state"]["batch_normalization"][
        "moving_mean"
    ].tolist() == [0.0, 0.0]  # the input tree is untouched
    np.testing.assert_allclose(out.mean(0), [0.0, 0.0], atol=1e-6)


def test_batch_norm_trains_under_jit_with_grad():
    def model(x):
        h = js.layers.dense(x, 4)
        return js.layers.batch_normalization(h, training=True)

    f = js.transform(model)
    x = jax.random.normal(jax.random.key(1), (8, 3))
    variables = f.init(jax.random.key(0), x)

    @jax.jit
    def step(variables, x):
        def loss(params):
            out, new = f.apply({**variables, "params": params}, x, mutable=["state"])
            return jnp.sum(out[:, 0] * jnp.arange(8.0)), new  # a plain sum of BN outputs is 0

        grads, new = jax.grad(loss, has_aux=True)(variables["params"])
        params = jax.tree.map(lambda p, g: p - 0.1 * g, variables["params"], grads)
        return {**new, "params": params}

    after = step(variables, x)
    assert not np.allclose(
        after["state"]["batch_normalization"]["moving_mean"],
        variables["state"]["batch_normalization"]["moving_mean"],
    )
    assert not np.allclose(
        after["params"]["dense"]["kernel"], variables["params"]["dense"]["kernel"]
    )


def test_traced_training_flag_is_refused():
    f = js.transform(lambda x, training: js.layers.dropout(x, training=training))
    with pytest.raises(TypeError, match="static_argnames='training'"):
        jax.jit(f.apply)({}, jnp.ones([2]), True, rng=jax.random.key(0))
    out = jax.jit(f.apply, static_argnames="training")(
        {}, jnp.ones([2]), training=False, rng=jax.random.key(0)
    )
    np.testing.assert_array_equal(out, [1.0, 1.0])


def test_dropout_rate_scale_noise_shape_and_seed():
    def model(x, seed=None, noise_shape=None):
        return js.layers.dropout(x, 0.25, noise_shape=noise_shape, seed=seed, training=True)

    f = js.transform(model)
    x = jnp.ones([200, 50])
    y = f.apply({}, x, rng=jax.random.key(0))
    assert set(np.unique(y).tolist()) == {0.0, float(np.float32(1.0) / np.float32(0.75))}
    assert 0.22 < float((y == 0).mean()) < 0.28
    same = f.apply({}, x, rng=jax.random.key(0))
    np.testing.assert_array_equal(y, same)
    other = f.apply({}, x, rng=jax.random.key(1))
    assert not np.array_equal(y, other)
    seeded = f.apply({}, x, seed=7, rng=jax.random.key(0))
    assert not np.array_equal(y, seeded)
    cols = f.apply({}, x, noise_shape=[1, None], rng=jax.random.key(0))
    assert np.all(cols == cols[:1])  # one mask row, broadcast over the batch
    with pytest.raises(js.MissingRngError):
        f.apply({}, x)
    g = js.transform(lambda x: js.layers.dropout(x, 0.5))
    np.testing.assert_array_equal(g.apply({}, x), x)  # training=False: identity, no rng needed


def test_renorm_clipping_keys_are_checked():
    with pytest.raises(ValueError, match="invalid keys for `renorm_clipping`"):
        js.layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 3, "r_max": 3})


def test_unknown_keyword_argument_is_a_type_error():
    with pytest.raises(TypeError, match="not understood: units2"):
        js.layers.Dense(3, units2=4)


def test_class_form_made_outside_the_function_works_in_init_and_apply():
    layer = js.layers.Dense(3, activation=jax.nn.relu)
    conv = js.layers.Conv2D(2, 3, padding="same")

    def model(x):
        h = conv(x)
        h = conv(h[..., :2] * 0 + h)  # called twice: shared weights
        return layer(js.layers.flatten(h))

    f = js.transform(model)
    x = jnp.ones([2, 4, 4, 2])
    variables = f.init(jax.random.key(0), x)
    assert jax.tree.map(jnp.shape, variables) == {
        "params": {"conv2d": {"bias": (2,), "kernel": (3, 3, 2, 2)},
                   "dense": {"bias": (3,), "kernel": (32, 3)}}
    }  # fmt: skip
    out = f.apply(variables, x)
    np.testing.assert_allclose(out, jax.jit(f.apply)(variables, x), rtol=1e-6)
    assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]
    assert not layer.built  # outside a call


def test_regularized_layer_loss_trains():
    def model(x):
        y = js.layers.dense(x, 2, kernel_regularizer=js.l2_regularizer(0.5))
        return jnp.sum(y) * 0 + js.get_regularization_loss()

    f = js.transform(model)
    x = jnp.ones([1, 3])
    variables = f.init(jax.random.key(0), x)
    kernel = variables["params"]["dense"]["kernel"]
    np.testing.assert_allclose(f.apply(variables, x), 0.25 * jnp.sum(kernel**2), rtol=1e-6)
    grads = jax.grad(lambda p: f.apply({"params": p}, x))(variables["params"])
    np.testing.assert_allclose(grads["dense"]["kernel"], 0.5 * kernel, rtol=1e-6)


def test_padding_and_data_format_are_checked():
    f = js.transform(lambda x: js.layers.max_pooling2d(x, 2, 2, padding="full"))
    with pytest.raises(ValueError, match="padding"):
        f.init(jax.random.key(0), jnp.ones([1, 4, 4, 1]))
    with pytest.raises(ValueError, match="data_format"):
        js.layers.Conv2D(2, 3, data_format="NCHW")
    with pytest.raises(ValueError, match="kernel_size"):
        js.layers.Conv2D(2, (3, 3, 3))


def test_layers_outside_transform_raise():
    with pytest.raises(js.OutsideTransformError):
        js.layers.dense(jnp.ones([1, 2]), 3)


@pytest.mark.parametrize(
    "pool, shape",
    [
        (js.layers.max_pooling1d, [2, 6, 3]),
        (js.layers.max_pooling2d, [2, 4, 6, 3]),
        (js.layers.average_pooling2d, [2, 4, 6, 3]),
        (js.layers.max_pooling3d, [1, 4, 4, 4, 2]),
        (js.slim.max_pool2d, [2, 4, 6, 3]),
        (js.slim.avg_pool2d, [2, 4, 6, 3]),
    ],
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pooling_is_differentiable_under_jit(pool, shape, padding):
    # reduce_window differentiates only when its init value is a concrete identity, not a tracer
    f = js.transform(lambda x: jnp.sum(pool(x, 2, 2, padding=padding) ** 2))
    x = jax.random.normal(jax.random.key(0), shape)
    grad = jax.grad(lambda x: f.apply({}, x))
    np.testing.assert_allclose(jax.jit(grad)(x), grad(x), rtol=1e-6)
    assert float(jnp.abs(grad(x)).sum()) > 0
