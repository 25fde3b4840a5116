"""jaxscope.train optimizers against tf.compat.v1.train: 200 steps, every parameter and slot.

Three variables of different shapes (a matrix, a vector, a scalar, two of them in a scope), the
same initial values on both sides, 200 steps, and every parameter and every slot (by its TF1
name) compared after every step, in two settings:

* the update rule: gradients given by the same elementwise formula on both sides
  (``apply_gradients`` in TF1, ``opt.update`` in jaxscope), so only the optimizers' arithmetic
  can differ;
* the training loop: a least-squares loss on a new minibatch each step, differentiated by each
  framework (TF1's ``minimize(loss, global_step=...)``, jaxscope's ``opt.minimize(f.apply, ...)``
  inside one ``jax.lax.scan``).

Both use stochastic gradients. With a deterministic gradient that shrinks towards zero, RMSProp
(which divides by the gradient's running magnitude, and when centered by ``ms - mg**2``, a
cancellation) turns last-bit differences (XLA contracts ``a * b + c`` into one FMA, TF1's Eigen
kernels do not) into growing relative differences: the rules agree, the problem is ill-posed.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jaxscope as js
from jaxscope import train

STEPS = 200
RNG = np.random.default_rng(14)
# A minibatch per step: stochastic gradients, as in training (and no coordinate whose gradient
# shrinks to rounding noise, which RMSProp would divide by its own magnitude).
X = RNG.normal(size=(STEPS, 8, 3)).astype(np.float32)
Y = (X @ RNG.normal(size=(3, 2)) + RNG.normal(size=(STEPS, 8, 2))).astype(np.float32)
INIT = {
    "layer/w": RNG.normal(size=(3, 2)).astype(np.float32),
    "layer/b": RNG.normal(size=(2,)).astype(np.float32),
    "scale": np.float32(0.7),
}


def schedule(t, fn, learning_rate, *args, **kwargs):
    """TF1's decayed rate tensor of the global step, or jaxscope's function of the step."""
    if t is train:
        return lambda step: getattr(train, fn)(learning_rate, step, *args, **kwargs)
    return getattr(t, fn)(learning_rate, t.get_or_create_global_step(), *args, **kwargs)


# name -> constructor given tf.compat.v1.train or jaxscope.train: each optimizer x option set.
CASES = {
    "gd": lambda t: t.GradientDescentOptimizer(0.05),
    "momentum": lambda t: t.MomentumOptimizer(0.02, 0.9),
    "nesterov": lambda t: t.MomentumOptimizer(0.02, 0.9, use_nesterov=True),
    "adam": lambda t: t.AdamOptimizer(0.02),
    "adam_eps": lambda t: t.AdamOptimizer(0.02, beta1=0.8, beta2=0.99, epsilon=1e-3),
    "adagrad": lambda t: t.AdagradOptimizer(0.1),
    "adagrad_init": lambda t: t.AdagradOptimizer(0.1, initial_accumulator_value=0.5),
    "adadelta": lambda t: t.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "rmsprop": lambda t: t.RMSPropOptimizer(0.002),
    "rmsprop_momentum": lambda t: t.RMSPropOptimizer(0.001, decay=0.8, momentum=0.5),
    "rmsprop_centered": lambda t: t.RMSPropOptimizer(0.001, momentum=0.5, centered=True),
    "adam_exponential_decay": lambda t: t.AdamOptimizer(
        schedule(t, "exponential_decay", 0.05, 30, 0.5, staircase=True)
    ),
    "momentum_polynomial_decay": lambda t: t.MomentumOptimizer(
        schedule(t, "polynomial_decay", 0.05, 150, cycle=True, power=0.5), 0.5
    ),
    "rmsprop_cosine_decay": lambda t: t.RMSPropOptimizer(schedule(t, "cosine_decay", 0.005, 180)),
    "gd_inverse_time_decay": lambda t: t.GradientDescentOptimizer(
        schedule(t, "inverse_time_decay", 0.1, 10, 0.5)
    ),
    "ftrl": lambda t: t.FtrlOptimizer(0.5),
    "ftrl_l1_l2_power": lambda t: t.FtrlOptimizer(
        0.5,
        learning_rate_power=-0.7,
        l1_regularization_strength=0.05,
        l2_regularization_strength=0.1,
        initial_accumulator_value=0.3,
    ),  # fmt: skip
    "rmsprop_centered_nomom": lambda t: t.RMSPropOptimizer(0.002, centered=True, epsilon=1e-4),
}


A = {name: (0.5 + RNG.random(np.shape(v))).astype(np.float32) for name, v in INIT.items()}
T = {name: RNG.normal(size=np.shape(v)).astype(np.float32) for name, v in INIT.items()}
NOISE = {n: RNG.normal(size=(STEPS, *np.shape(v))).astype(np.float32) for n, v in INIT.items()}


def tf1_model(tf, x, y):
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", initializer=INIT["layer/w"])
        b = tf.get_variable("b", initializer=INIT["layer/b"])
    s = tf.get_variable("scale", initializer=INIT["scale"])
    return tf.reduce_mean(tf.square(tf.matmul(x, w) + b + s * x[:, :1] - y))


def js_model(x, y):
    with js.variable_scope("layer"):
        w = js.get_variable("w", initializer=INIT["layer/w"])
        b = js.get_variable("b", initializer=INIT["layer/b"])
    s = js.get_variable("scale", initializer=INIT["scale"])
    train.get_or_create_global_step()
    return jnp.mean(jnp.square(x @ w + b + s * x[:, :1] - y))


def tf1_trajectory(tf, make_opt, steps=STEPS):
    """{TF1 name: [value after step 1, ..., after step `steps`]} for variables and slots."""
    graph = tf.Graph()
    with graph.as_default():
        x, y = tf.placeholder(tf.float32, X.shape[1:]), tf.placeholder(tf.float32, Y.shape[1:])
        loss = tf1_model(tf, x, y)
        step = tf.train.get_or_create_global_step()
        train_op = make_opt(tf.train).minimize(loss, global_step=step)
        tracked = {v.op.name: v for v in tf.global_variables()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = {name: [] for name in tracked}
            for i in range(steps):
                sess.run(train_op, {x: X[i], y: Y[i]})
                for name, value in sess.run(tracked).items():
                    out[name].append(value)
    return {name: np.stack(values) for name, values in out.items()}


def js_trajectory(make_opt, steps=STEPS):
    f = js.transform(js_model)
    variables = f.init(jax.random.key(0), X[0], Y[0])
    opt = make_opt(train)
    opt_state = opt.init(variables["params"])

    def step(carry, batch):
        variables, opt_state = carry
        variables, opt_state, _ = opt.minimize(
            f.apply, variables, opt_state, *batch, global_step="global_step"
        )
        return (variables, opt_state), (js.checkpoint.flatten(variables), opt_state)

    _, (flat, slots) = jax.jit(lambda c: jax.lax.scan(step, c, (X[:steps], Y[:steps])))(
        (variables, opt_state)
    )
    return {**flat, **slots}


def assert_trajectories_equal(ours, theirs, rtol=1e-6):
    assert sorted(ours) == sorted(theirs)
    for name, expected in theirs.items():
        got = np.asarray(ours[name])
        assert got.dtype == expected.dtype or name == "global_step", name
        # Relative to the variable's magnitude over the run: an element passing through zero
        # is not held to 1e-6 of itself.
        scale = np.max(np.abs(expected))
        err = np.abs(got - expected) / np.maximum(scale, 1e-30)
        worst = np.unravel_index(np.argmax(err), err.shape)
        assert err.max() <= rtol, (
            f"{name}: relative error {err.max():.2e} at step {worst[0] + 1}: "
            f"jaxscope {got[worst]} vs TF1 {expected[worst]}"
        )


def tf1_rule_trajectory(tf, make_opt, steps=STEPS, clip_norm=None):
    """TF1's apply_gradients with gradients A * (v - T) (a separable quadratic)."""
    graph = tf.Graph()
    with graph.as_default():
        tf1_model(tf, tf.constant(X[0]), tf.constant(Y[0]))
        step = tf.train.get_or_create_global_step()
        params = tf.trainable_variables()
        noise = {v.op.name: tf.placeholder(tf.float32, v.shape) for v in params}
        grads = [A[v.op.name] * (v - T[v.op.name]) + noise[v.op.name] for v in params]
        if clip_norm is not None:
            grads, _ = tf.clip_by_global_norm(grads, clip_norm)
        train_op = make_opt(tf.train).apply_gradients(
            zip(grads, params, strict=True), global_step=step
        )
        tracked = {v.op.name: v for v in tf.global_variables()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = {name: [] for name in tracked}
            for i in range(steps):
                sess.run(train_op, {noise[n]: NOISE[n][i] for n in noise})
                for name, value in sess.run(tracked).items():
                    out[name].append(value)
    return {name: np.stack(values) for name, values in out.items()}


def js_rule_trajectory(make_opt, steps=STEPS, clip_norm=None):
    params = {"layer": {"w": INIT["layer/w"], "b": INIT["layer/b"]}, "scale": INIT["scale"]}
    opt = make_opt(train)
    a, t = js.checkpoint.unflatten(A, True)["params"], js.checkpoint.unflatten(T, True)["params"]

    noise = js.checkpoint.unflatten(NOISE, True)["params"]

    def step(carry, xs):
        global_step, noise = xs
        params, opt_state = carry
        grads = jax.tree.map(lambda a, v, t, n: a * (v - t) + n, a, params, t, noise)
        if clip_norm is not None:
            grads, _ = js.clip_by_global_norm(grads, clip_norm)
        updates, opt_state = opt.update(grads, opt_state, params, global_step=global_step)
        params = optax.apply_updates(params, updates)
        return (params, opt_state), (js.checkpoint.flatten(params), opt_state)

    run = jax.jit(lambda c: jax.lax.scan(step, c, (jnp.arange(steps), noise)))
    _, (flat, slots) = run((params, opt.init(params)))
    return {**flat, **slots, "global_step": np.arange(1, steps + 1)}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.optimized_xla
def test_update_rule_matches_tf1_for_200_steps(tf1, case):
    theirs = tf1_rule_trajectory(tf1, CASES[case])
    ours = js_rule_trajectory(CASES[case])
    assert_trajectories_equal(ours, theirs)
    assert not np.allclose(theirs["layer/w"][-1], INIT["layer/w"], atol=1e-3)


@pytest.mark.parametrize("case", ["adam", "momentum_polynomial_decay", "rmsprop_momentum"])
def test_update_rule_with_clip_by_global_norm_matches_tf1(tf1, case):
    theirs = tf1_rule_trajectory(tf1, CASES[case], clip_norm=1.5)
    ours = js_rule_trajectory(CASES[case], clip_norm=1.5)
    assert_trajectories_equal(ours, theirs)


@pytest.mark.parametrize("case", sorted(CASES))
def test_minimize_matches_tf1_on_least_squares_for_200_steps(tf1, case):
    theirs = tf1_trajectory(tf1, CASES[case])
    ours = js_trajectory(CASES[case])
    assert_trajectories_equal(ours, theirs)
    # The trajectory moved: the comparison is not between two copies of the initial values.
    assert not np.allclose(theirs["layer/w"][-1], INIT["layer/w"], atol=1e-2)


def test_optax_lookalikes_differ_where_tf1_differs(tf1):
    """The reason for these classes: optax's adam and rmsprop leave TF1's trajectory."""
    theirs = tf1_trajectory(tf1, CASES["rmsprop_centered"], steps=30)
    opt = optax.rmsprop(0.005, momentum=0.5, centered=True)
    params = {"layer": {"w": INIT["layer/w"], "b": INIT["layer/b"]}, "scale": INIT["scale"]}

    def loss(p, x, y):
        pred = x @ p["layer"]["w"] + p["layer"]["b"] + p["scale"] * x[:, :1]
        return jnp.mean(jnp.square(pred - y))

    state = opt.init(params)
    for i in range(30):
        updates, state = opt.update(jax.grad(loss)(params, X[i], Y[i]), state, params)
        params = optax.apply_updates(params, updates)
    err = np.max(np.abs(params["layer"]["w"] - theirs["layer/w"][-1]))
    assert err > 1e-2


def test_slot_names_are_tf1s(tf1):
    for case, make in CASES.items():
        if "decay" in case:  # a schedule adds TF1's global_step to the graph
            continue
        graph = tf1.Graph()
        with graph.as_default():
            loss = tf1_model(tf1, tf1.constant(X[0]), tf1.constant(Y[0]))
            make(tf1.train).minimize(loss)
            expected = sorted(v.op.name for v in tf1.global_variables())
        params = {"layer": {"w": INIT["layer/w"], "b": INIT["layer/b"]}, "scale": INIT["scale"]}
        state = make(train).init(params)
        assert sorted([*js.checkpoint.flatten({"params": params}), *state]) == expected, case


def test_get_slot_by_tf1_slot_name():
    opt = train.RMSPropOptimizer(0.1, momentum=0.9, centered=True)
    state = opt.init({"w": jnp.zeros(2)})
    assert opt.get_slot_names() == ["rms", "mg", "momentum"]
    assert opt.slot_key("w", "momentum") == "w/RMSProp_2"
    np.testing.assert_array_equal(opt.get_slot(state, "w", "rms"), [1.0, 1.0])
    with pytest.raises(js.MissingSlotError, match=r'no slot "v/RMSProp" for the gradient of "v"'):
        opt.get_slot(state, "v", "rms")


def test_composes_with_optax_chain_and_masked():
    params = {"w": jnp.ones(3), "frozen": jnp.ones(2)}
    grads = {"w": jnp.array([3.0, 4.0, 0.0]), "frozen": jnp.ones(2)}
    tx = optax.chain(
        optax.clip_by_global_norm(1.0),
        optax.masked(train.AdamOptimizer(0.1), {"w": True, "frozen": False}),
    )
    state = tx.init(params)
    updates, state = jax.jit(tx.update)(grads, state, params)
    inner = state[1].inner_state
    assert sorted(inner) == ["beta1_power", "beta2_power", "w/Adam", "w/Adam_1"]
    np.testing.assert_allclose(inner["w/Adam"], 0.1 * grads["w"] / np.sqrt(27.0), rtol=1e-6)
    np.testing.assert_array_equal(updates["frozen"], grads["frozen"] / jnp.sqrt(27.0))


def test_schedule_without_global_step_raises():
    opt = train.GradientDescentOptimizer(lambda step: 0.1 / (1.0 + step))
    params = {"w": jnp.ones(2)}
    with pytest.raises(js.GlobalStepError, match=r"global_step=step"):
        opt.update(params, opt.init(params), params)
    updates, _ = opt.update(params, opt.init(params), params, global_step=jnp.asarray(1))
    np.testing.assert_allclose(updates["w"], [-0.05, -0.05])


def test_update_for_a_variable_without_slots_raises():
    opt = train.AdamOptimizer()
    state = opt.init({"dense": {"w": jnp.zeros(2)}})
    with pytest.raises(js.MissingSlotError, match=r'"dense/b/Adam" for the gradient of "dense/b"'):
        opt.update({"dense": {"b": jnp.zeros(2)}}, state)


@functools.lru_cache
def _f():
    return js.transform(js_model)


def test_minimize_with_var_list_trains_only_those(tf1):
    f = _f()
    variables = f.init(jax.random.key(0), X[0], Y[0])
    opt = train.MomentumOptimizer(0.1, 0.5)
    opt_state = opt.init({"scale": variables["params"]["scale"]})
    new, opt_state, loss = opt.minimize(
        f.apply, variables, opt_state, X[0], Y[0], var_list=["scale"], global_step="global_step"
    )
    assert sorted(opt_state) == ["scale/Momentum"]
    np.testing.assert_array_equal(new["params"]["layer"]["w"], INIT["layer/w"])
    assert float(new["params"]["scale"]) != float(INIT["scale"])
    assert int(new["state"]["global_step"]) == 1 and int(variables["state"]["global_step"]) == 0
    assert float(loss) == pytest.approx(float(f.apply(variables, X[0], Y[0])))


@pytest.mark.parametrize("case", ["adam", "nesterov", "rmsprop_momentum", "adagrad"])
def test_float16_variables_stay_within_two_half_precision_ulps_of_tf1(tf1, case):
    """TF1's Eigen kernels round each half-precision operation; XLA computes a fused elementwise
    update in float32 and rounds once, so float16 trajectories agree to a unit or two in the
    last place (float16's epsilon is 2**-10), not bit for bit."""
    w0 = INIT["layer/w"].astype(np.float16)
    noise = NOISE["layer/w"][:50].astype(np.float16)
    with tf1.Graph().as_default():
        w = tf1.get_variable("w", initializer=w0)
        g = tf1.placeholder(tf1.float16, w0.shape)
        op = CASES[case](tf1.train).apply_gradients([(g + w * np.float16(0.5), w)])
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            theirs = []
            for n in noise:
                sess.run(op, {g: n})
                theirs.append(sess.run(w))
    opt = CASES[case](train)

    def step(params, xs):
        params, state = params
        grads = {"w": xs + params["w"] * jnp.float16(0.5)}
        updates, state = opt.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        return (params, state), params["w"]

    params = {"w": jnp.asarray(w0)}
    _, ours = jax.jit(lambda p: jax.lax.scan(step, (p, opt.init(p)), noise))(params)
    assert ours.dtype == jnp.float16
    theirs = np.stack(theirs).astype(np.float32)
    err = np.abs(np.asarray(ours, np.float32) - theirs) / np.abs(theirs).max()
    assert err.max() <= 2 * 2.0**-10, err.max()
