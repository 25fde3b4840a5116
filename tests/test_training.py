"""A TF1-style training loop in jaxscope: optax over variables["params"], a non-trainable step
counter assigned every step, a regularized layer, one jitted step with the variables donated."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

import jaxscope as js


def model(x, y):
    with js.variable_scope("global", reuse=js.AUTO_REUSE):
        step = js.get_variable(
            "step", [], "int32", trainable=False,
            collections=[js.GraphKeys.GLOBAL_VARIABLES, js.GraphKeys.GLOBAL_STEP],
        )  # fmt: skip
    with js.variable_scope("dense", regularizer=js.l2_regularizer(1e-3)):
        w = js.get_variable("weights", [x.shape[1], 1])
        b = js.get_variable("biases", [1], initializer=js.zeros_initializer())
    data_loss = jnp.mean((x @ w + b - y) ** 2)
    step.assign_add(1)
    return data_loss + js.get_regularization_loss(), data_loss


def test_optax_loop_with_assigned_counter_and_regularizer_under_donation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype(np.float32)
    y = x @ rng.normal(size=(5, 1)).astype(np.float32) + 0.3
    f = js.transform(model)
    variables = f.init(jax.random.key(0), x, y)
    info = js.inspect(f, x, y)
    assert [v.name for v in info.select(js.GraphKeys.GLOBAL_STEP)] == ["global/step"]
    opt = optax.adam(0.05)

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def train_step(variables, opt_state, x, y):
        def loss_fn(params):
            (loss, data_loss), new = f.apply(
                {**variables, "params": params}, x, y, mutable=["state"]
            )
            return loss, (data_loss, new["state"])

        (loss, (data_loss, state)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            variables["params"]
        )
        updates, opt_state = opt.update(grads, opt_state, variables["params"])
        params = optax.apply_updates(variables["params"], updates)
        return {"params": params, "state": state}, opt_state, loss, data_loss

    opt_state = opt.init(variables["params"])
    first = None
    for _ in range(200):
        variables, opt_state, loss, data_loss = train_step(variables, opt_state, x, y)
        first = float(loss) if first is None else first
    reg = 1e-3 * float(jnp.sum(variables["params"]["dense"]["weights"] ** 2)) / 2
    assert int(variables["state"]["global"]["step"]) == 200
    assert float(loss) < first / 20
    assert abs(float(loss) - float(data_loss) - reg) < 1e-4  # the penalty is in the loss
    np.testing.assert_allclose(variables["params"]["dense"]["biases"], [0.3], atol=0.05)
