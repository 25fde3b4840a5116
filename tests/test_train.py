"""jaxscope.train's public surface, its docstring examples and TF1's call style, functionally."""

import doctest

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxscope as js
from jaxscope._src.train import clip, moving_averages, optimizer, optimizers, runner, schedules


def test_train_all_is_pinned_and_sorted():
    assert js.train.__all__ == [
        "AdadeltaOptimizer",
        "AdagradOptimizer",
        "AdamOptimizer",
        "ExponentialMovingAverage",
        "FtrlOptimizer",
        "GradientDescentOptimizer",
        "MomentumOptimizer",
        "Optimizer",
        "RMSPropOptimizer",
        "Runner",
        "Saver",
        "checkpoint_exists",
        "cosine_decay",
        "create_global_step",
        "exponential_decay",
        "get_checkpoint_state",
        "get_global_step",
        "get_or_create_global_step",
        "inverse_time_decay",
        "latest_checkpoint",
        "piecewise_constant",
        "polynomial_decay",
    ]
    for name in js.train.__all__:
        assert hasattr(js.train, name)
    assert issubclass(js.GlobalStepError, ValueError)
    assert issubclass(js.MissingSlotError, LookupError)


@pytest.mark.parametrize(
    "module", [optimizers, schedules, clip, moving_averages, runner], ids=lambda m: m.__name__
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_every_optimizer_is_an_optax_transformation():
    for opt in (
        js.train.GradientDescentOptimizer(0.1),
        js.train.MomentumOptimizer(0.1, 0.9),
        js.train.AdamOptimizer(),
        js.train.AdagradOptimizer(0.1),
        js.train.AdadeltaOptimizer(),
        js.train.RMSPropOptimizer(0.1),
    ):
        assert isinstance(opt, optax.GradientTransformationExtraArgs)
        init, update = opt  # unpacks as optax's NamedTuple does
        state = init({"w": jnp.zeros(2)})
        assert sorted(state) == sorted(opt.init({"w": jnp.zeros(2)}))
        updates, _ = update({"w": jnp.ones(2)}, state)
        assert updates["w"].shape == (2,)
        assert repr(opt).startswith(type(opt).__name__ + "(learning_rate=")


def bn_model(x):
    step = js.train.get_or_create_global_step()
    assert js.train.get_global_step() is step
    h = js.layers.dense(x, 4)
    h = js.layers.batch_normalization(h, training=True)
    return jnp.mean(h**2)


def test_minimize_keeps_state_updates_with_mutable():
    f = js.transform(bn_model)
    x = jnp.arange(12.0).reshape(4, 3)
    variables = f.init(jax.random.key(0), x)
    opt = js.train.MomentumOptimizer(0.1, 0.9)
    opt_state = opt.init(variables["params"])
    new, opt_state, loss = jax.jit(
        lambda v, s: opt.minimize(f.apply, v, s, x, global_step="global_step", mutable=["state"])
    )(variables, opt_state)
    bn = new["state"]["batch_normalization"]
    assert not np.allclose(
        bn["moving_mean"], variables["state"]["batch_normalization"]["moving_mean"]
    )
    assert int(new["state"]["global_step"]) == 1
    assert sorted(opt_state) == [
        "batch_normalization/beta/Momentum",
        "batch_normalization/gamma/Momentum",
        "dense/bias/Momentum",
        "dense/kernel/Momentum",
    ]
    assert float(loss) > 0


def test_compute_gradients_with_a_predicate_var_list():
    f = js.transform(bn_model)
    x = jnp.ones([4, 3])
    variables = f.init(jax.random.key(0), x)
    opt = js.train.GradientDescentOptimizer(0.1)
    grads, _, _ = opt.compute_gradients(
        f.apply, variables, x, var_list=lambda n: n.startswith("dense/"), mutable=["state"]
    )
    assert js.checkpoint.flatten(grads).keys() == {"dense/bias", "dense/kernel"}
    with pytest.raises(js.UnknownVariableError, match=r"var_list names \['dense/w'\], which are"):
        opt.compute_gradients(f.apply, variables, x, var_list=["dense/w"], mutable=["state"])


def test_apply_gradients_with_an_unknown_global_step_raises():
    opt = js.train.GradientDescentOptimizer(0.1)
    variables = {"params": {"w": jnp.ones(2)}}
    with pytest.raises(js.GlobalStepError, match=r'global_step="step" names no variable'):
        opt.apply_gradients({"w": jnp.ones(2)}, variables, {}, global_step="step")


def test_create_global_step_twice_raises_as_tf1():
    def model():
        js.train.create_global_step()
        js.train.create_global_step()

    with pytest.raises(ValueError, match='"global_step" already exists'):
        js.transform(model).init(jax.random.key(0))


def test_named_leaves_of_a_whole_variables_tree_drop_the_collection_level():
    named, _ = optimizer.named_leaves({"params": {"a": {"w": 1}}, "state": {"s": 2}})
    assert named == [("a/w", 1), ("s", 2)]


def test_arguments_tf1_refuses_raise_with_the_fix():
    with pytest.raises(js.TrainArgumentError, match=r"initial_accumulator_value=0\.1\)"):
        js.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(js.TrainArgumentError, match=r"learning_rate_power must be <= 0"):
        js.train.FtrlOptimizer(0.1, learning_rate_power=0.5)
    with pytest.raises(NotImplementedError, match=r"l2_shrinkage_regularization_strength"):
        js.train.FtrlOptimizer(0.1, l2_shrinkage_regularization_strength=0.1)
    opt = js.train.FtrlOptimizer(0.1)
    params = {"w": jnp.ones(2)}
    with pytest.raises(js.TrainArgumentError, match=r"opt\.update\(grads, opt_state, params\)"):
        opt.update(params, opt.init(params))
    with pytest.raises(js.TrainArgumentError, match=r"global_norm: t_list holds no tensors"):
        js.clip_by_global_norm({}, 1.0)
    with pytest.raises(js.MovingAverageDtypeError, match=r"var_list=lambda name: name != 'n'"):
        js.train.ExponentialMovingAverage(0.9).apply({"n": jnp.int32(1)})
