"""jaxscope.checkpoint.save/restore: jaxscope's own checkpoints through orbax."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint.errors import CheckpointMismatchError, CheckpointNotFoundError

pytest.importorskip("orbax.checkpoint")


def model(x):
    with js.variable_scope("net"):
        w = js.get_variable("w", [3, 2], jnp.bfloat16)
        b = js.get_variable("b", [2], initializer=js.zeros_initializer())
        steps = js.get_variable("steps", [], jnp.int32, trainable=False)
    return x @ w.astype(jnp.float32) + b, steps


def init(seed=0):
    return js.transform(model).init(jax.random.key(seed), jnp.ones([1, 3]))


def assert_trees_identical(a, b):
    assert jax.tree.structure(a) == jax.tree.structure(b)
    for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        assert x.dtype == y.dtype and np.asarray(x).tobytes() == np.asarray(y).tobytes()


def test_save_restore_round_trip_keeps_dtypes(tmp_path):
    variables = init()
    ckpt.save(tmp_path / "ckpt", variables)
    restored, report = ckpt.restore(tmp_path / "ckpt")
    assert_trees_identical(restored, variables)
    assert report.loaded == ["net/b", "net/steps", "net/w"] and report.ok


def test_restore_into_a_target_uses_its_sharding_and_leaves_it_alone(tmp_path):
    variables = init(0)
    ckpt.save(tmp_path / "ckpt", variables)
    target = init(1)
    before = jax.tree.map(np.array, target)
    restored, report = ckpt.restore(tmp_path / "ckpt", target)
    assert_trees_identical(restored, variables)
    jax.tree.map(np.testing.assert_array_equal, target, before)
    w = restored["params"]["net"]["w"]
    assert w.sharding == target["params"]["net"]["w"].sharding
    abstract, _ = ckpt.restore(tmp_path / "ckpt", jax.eval_shape(init))
    assert_trees_identical(abstract, variables)


def test_restore_params_only_reports_the_state_as_unused(tmp_path):
    variables = init()
    ckpt.save(tmp_path / "ckpt", variables)
    params, report = ckpt.restore(tmp_path / "ckpt", init(1)["params"])
    assert_trees_identical(params, variables["params"])
    assert report.unused == ["net/steps"] and report.ok


def test_partial_target_reports_differences(tmp_path):
    ckpt.save(tmp_path / "ckpt", init())
    target = init(1)
    target["params"]["net"]["b"] = jnp.zeros([5])
    target["params"]["net"]["extra"] = jnp.ones([2])
    with pytest.raises(CheckpointMismatchError, match=r"(?s)missing.*net/extra.*mismatched.*net/b"):
        ckpt.restore(tmp_path / "ckpt", target)
    restored, report = ckpt.restore(tmp_path / "ckpt", target, strict=False)
    assert report.missing == ["net/extra"]
    assert [(m.name, m.shape, m.checkpoint_shape) for m in report.mismatched] == [
        ("net/b", (5,), (2,))
    ]
    assert restored["params"]["net"]["extra"] is target["params"]["net"]["extra"]
    assert report.loaded == ["net/steps", "net/w"]


def test_restore_missing_directory(tmp_path):
    with pytest.raises(
        CheckpointNotFoundError, match=r"(?s)No jaxscope \(orbax\) checkpoint.*save"
    ):
        ckpt.restore(tmp_path / "nope")


def test_save_refuses_to_overwrite_unless_forced(tmp_path):
    ckpt.save(tmp_path / "ckpt", init(0))
    with pytest.raises(ValueError):
        ckpt.save(tmp_path / "ckpt", init(1))
    ckpt.save(tmp_path / "ckpt", init(1), force=True)
    assert_trees_identical(ckpt.restore(tmp_path / "ckpt")[0], init(1))


def test_save_restore_with_an_optax_state_and_keep_training(tmp_path):
    import optax

    f = js.transform(lambda x: jnp.sum(model(x)[0].astype(jnp.float32) ** 2))
    x = jnp.ones([1, 3])
    opt = optax.adam(1e-2)

    def step(variables, opt_state):
        grads = jax.grad(lambda p: f.apply({**variables, "params": p}, x))(variables["params"])
        updates, opt_state = opt.update(grads, opt_state, variables["params"])
        return {**variables, "params": optax.apply_updates(variables["params"], updates)}, opt_state

    variables = init()
    opt_state = opt.init(variables["params"])
    for _ in range(3):
        variables, opt_state = step(variables, opt_state)
    ckpt.save(tmp_path / "ckpt", {"variables": variables, "opt_state": opt_state})

    fresh = init(1)
    target = {"variables": fresh, "opt_state": opt.init(fresh["params"])}
    restored, report = ckpt.restore(tmp_path / "ckpt", target)
    assert report.ok and "opt_state/0/mu/net/w" in report.loaded and not report.unused
    assert_trees_identical(restored, {"variables": variables, "opt_state": opt_state})
    assert type(restored["opt_state"][0]) is type(opt_state[0])  # an optax state again
    a = step(variables, opt_state)
    b = step(restored["variables"], restored["opt_state"])
    assert_trees_identical(a, b)  # training resumes exactly

    as_saved, _ = ckpt.restore(tmp_path / "ckpt")
    np.testing.assert_array_equal(as_saved["opt_state"][0]["count"], 3)
