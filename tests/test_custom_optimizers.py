"""TF1 custom optimizers, written once as TF1 writes them, run on TF1 and on jaxscope.compat.v1.

Each optimizer is one class body, made by ``make(tf)`` for either namespace: BERT's
``AdamWeightDecayOptimizer`` (google-research/bert ``optimization.py``: ``apply_gradients``
overridden, ``tf.get_variable`` slots, regex exclusions from weight decay by the variable's name)
and LAMB (You et al., "Large Batch Optimization for Deep Learning", written with TF1's hooks:
``_create_slots``, ``_create_non_slot_variable``, ``_prepare``, ``_apply_dense``/
``_resource_apply_dense``, ``_finish``). A small model with a kernel, a bias and a LayerNorm
(the last two excluded from weight decay by name) trains 10 steps on both; every weight and slot
is compared by its TF1 name.
"""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

STEPS = 10
RNG = np.random.default_rng(25)
X = RNG.normal(size=(8, 4)).astype(np.float32)
Y = RNG.normal(size=(8, 3)).astype(np.float32)
INIT = {
    "dense/kernel": RNG.normal(size=(4, 3)).astype(np.float32),
    "dense/bias": RNG.normal(size=(3,)).astype(np.float32) * 0.1,
    "LayerNorm/gamma": 1.0 + RNG.normal(size=(3,)).astype(np.float32) * 0.1,
    "LayerNorm/beta": np.zeros(3, np.float32),
}
EXCLUDE = ["LayerNorm", "layer_norm", "bias"]


def model(tf, x, y):
    """The same model text for both namespaces."""

    def var(name, shape):
        return tf.get_variable(name, shape, initializer=tf.constant_initializer(INIT[name]))

    h = tf.matmul(x, var("dense/kernel", [4, 3])) + var("dense/bias", [3])
    h = tf.tanh(h) * var("LayerNorm/gamma", [3]) + var("LayerNorm/beta", [3])
    return tf.reduce_mean(tf.square(h - y))


# -- the optimizers, as TF1 source text ---------------------------------------------------------
def make_adam_weight_decay(tf):
    class AdamWeightDecayOptimizer(tf.train.Optimizer):
        """BERT's Adam with decoupled weight decay (no bias correction)."""

        def __init__(self, learning_rate, weight_decay_rate=0.0, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-6, exclude_from_weight_decay=None,
                     name="AdamWeightDecayOptimizer"):  # fmt: skip
            super().__init__(False, name)
            self.learning_rate = learning_rate
            self.weight_decay_rate = weight_decay_rate
            self.beta_1 = beta_1
            self.beta_2 = beta_2
            self.epsilon = epsilon
            self.exclude_from_weight_decay = exclude_from_weight_decay

        def apply_gradients(self, grads_and_vars, global_step=None, name=None):
            assignments = []
            for grad, param in grads_and_vars:
                if grad is None or param is None:
                    continue
                param_name = self._get_variable_name(param.name)
                m = tf.get_variable(name=param_name + "/adam_m", shape=param.shape.as_list(),
                                    dtype=tf.float32, trainable=False,
                                    initializer=tf.zeros_initializer())  # fmt: skip
                v = tf.get_variable(name=param_name + "/adam_v", shape=param.shape.as_list(),
                                    dtype=tf.float32, trainable=False,
                                    initializer=tf.zeros_initializer())  # fmt: skip
                next_m = tf.multiply(self.beta_1, m) + tf.multiply(1.0 - self.beta_1, grad)
                next_v = tf.multiply(self.beta_2, v) + tf.multiply(
                    1.0 - self.beta_2, tf.square(grad)
                )
                update = next_m / (tf.sqrt(next_v) + self.epsilon)
                if self._do_use_weight_decay(param_name):
                    update += self.weight_decay_rate * param
                next_param = param - self.learning_rate * update
                assignments.extend([param.assign(next_param), m.assign(next_m), v.assign(next_v)])
            return tf.group(*assignments, name=name)

        def _do_use_weight_decay(self, param_name):
            if not self.weight_decay_rate:
                return False
            for r in self.exclude_from_weight_decay or []:
                if re.search(r, param_name) is not None:
                    return False
            return True

        def _get_variable_name(self, param_name):
            m = re.match("^(.*):\\d+$", param_name)
            return m.group(1) if m is not None else param_name

    return AdamWeightDecayOptimizer


def make_lamb(tf):
    class LAMBOptimizer(tf.train.Optimizer):
        """LAMB: Adam's bias-corrected step plus decoupled weight decay, scaled per layer by the
        trust ratio ||w|| / ||step||."""

        def __init__(self, learning_rate, weight_decay_rate=0.0, beta_1=0.9, beta_2=0.999,
                     epsilon=1e-6, exclude_from_weight_decay=None,
                     exclude_from_layer_adaptation=None, use_locking=False,
                     name="LAMB"):  # fmt: skip
            super().__init__(use_locking, name)
            self.learning_rate = learning_rate
            self.weight_decay_rate = weight_decay_rate
            self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
            self.exclude_from_weight_decay = exclude_from_weight_decay
            self.exclude_from_layer_adaptation = (
                exclude_from_layer_adaptation or exclude_from_weight_decay
            )

        def _create_slots(self, var_list):
            first_var = min(var_list, key=lambda x: x.name)
            self._graph = first_var.graph
            self._create_non_slot_variable(self.beta_1, "beta1_power", first_var)
            self._create_non_slot_variable(self.beta_2, "beta2_power", first_var)
            for v in var_list:
                self._zeros_slot(v, "m", self._name)
                self._zeros_slot(v, "v", self._name)

        def _prepare(self):
            lr = self._call_if_callable(self.learning_rate)
            self._lr_t = tf.convert_to_tensor(lr, name="learning_rate")
            self._wd_t = tf.convert_to_tensor(self.weight_decay_rate, name="weight_decay_rate")
            self._beta1_t = tf.convert_to_tensor(self.beta_1, name="beta1")
            self._beta2_t = tf.convert_to_tensor(self.beta_2, name="beta2")
            self._epsilon_t = tf.convert_to_tensor(self.epsilon, name="epsilon")

        def _get_beta_accumulators(self):
            return (self._get_non_slot_variable("beta1_power", graph=self._graph),
                    self._get_non_slot_variable("beta2_power", graph=self._graph))  # fmt: skip

        def _apply_dense(self, grad, var):
            m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
            beta1_power, beta2_power = self._get_beta_accumulators()
            m_t = tf.assign(m, m * self._beta1_t + grad * (1.0 - self._beta1_t),
                            use_locking=self._use_locking)  # fmt: skip
            v_t = tf.assign(v, v * self._beta2_t + tf.square(grad) * (1.0 - self._beta2_t),
                            use_locking=self._use_locking)  # fmt: skip
            m_hat = m_t / (1.0 - beta1_power)
            v_hat = v_t / (1.0 - beta2_power)
            update = m_hat / (tf.sqrt(v_hat) + self._epsilon_t)
            var_name = self._get_variable_name(var.name)
            if self._matches_none(var_name, self.exclude_from_weight_decay):
                update += self._wd_t * var
            ratio = 1.0
            if self._matches_none(var.op.name, self.exclude_from_layer_adaptation):
                w_norm = tf.norm(var, ord=2)
                g_norm = tf.norm(update, ord=2)
                ratio = tf.where(
                    tf.greater(w_norm, 0.0),
                    tf.where(tf.greater(g_norm, 0.0), w_norm / g_norm, 1.0),
                    1.0,
                )
            var_update = tf.assign_sub(var, ratio * self._lr_t * update,
                                       use_locking=self._use_locking)  # fmt: skip
            return tf.group(*[var_update, m_t, v_t])

        def _resource_apply_dense(self, grad, handle):
            return self._apply_dense(grad, handle)

        def _finish(self, update_ops, name_scope):
            beta1_power, beta2_power = self._get_beta_accumulators()
            with tf.control_dependencies(update_ops):
                update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                                  use_locking=self._use_locking)  # fmt: skip
                update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                                  use_locking=self._use_locking)  # fmt: skip
            return tf.group(*update_ops + [update_beta1, update_beta2], name=name_scope)

        @staticmethod
        def _matches_none(name, patterns):
            return not any(re.search(r, name) for r in patterns or [])

        def _get_variable_name(self, param_name):
            m = re.match("^(.*):\\d+$", param_name)
            return m.group(1) if m is not None else param_name

    return LAMBOptimizer


def _tf1_run(tf1, make_opt, use_apply_gradients):
    """10 TF1 steps; ``{op name: value}`` of every global variable."""
    with tf1.Graph().as_default():
        loss = model(tf1, tf1.constant(X), tf1.constant(Y))
        opt = make_opt(tf1)
        if use_apply_gradients:  # as BERT's create_optimizer does
            tvars = tf1.trainable_variables()
            grads = tf1.gradients(loss, tvars)
            # tf.gradients does not gate: without this, TF1 may assign LayerNorm/gamma before
            # the backward pass reads it for dense/kernel's gradient (a ref-variable race that
            # minimize's GATE_OP prevents). jaxscope's gradients are those at the step's values.
            with tf1.control_dependencies(grads):
                train_op = opt.apply_gradients(zip(grads, tvars, strict=True))
        else:
            train_op = opt.minimize(loss)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(STEPS):
                sess.run(train_op)
            return {v.op.name: sess.run(v) for v in tf1.global_variables()}, opt


def _flat(tree):
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return {"/".join(k.key for k in path): leaf for path, leaf in leaves}


def _assert_close(got, want):
    assert sorted(got) == sorted(want)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=2e-5, atol=1e-6, err_msg=name)


def _bert(tf):
    return make_adam_weight_decay(tf)(learning_rate=0.05, weight_decay_rate=0.1,
                                      exclude_from_weight_decay=EXCLUDE)  # fmt: skip


def test_bert_adam_weight_decay_matches_tf1(tf1):
    want, _ = _tf1_run(tf1, _bert, use_apply_gradients=True)
    opt = _bert(jtf)
    assert opt.learning_rate == 0.05 and opt.beta_1 == 0.9  # public attributes are the subclass's
    assert opt._do_use_weight_decay("dense/kernel") and not opt._do_use_weight_decay("dense/bias")

    def train_op(x, y):  # as BERT's create_optimizer: tf.gradients, its own apply_gradients
        loss = model(jtf, x, y)
        tvars = jtf.trainable_variables()
        grads = jtf.gradients(loss, tvars)
        return opt.apply_gradients(zip(grads, tvars, strict=True))

    step = js.transform(train_op)

    @jax.jit
    def run(variables):
        return step.apply(variables, X, Y, mutable=True)[1]

    variables = step.init(jax.random.key(0), X, Y)
    for _ in range(STEPS):
        variables = run(variables)
    got = {**_flat(variables["params"]), **_flat(variables["state"])}
    _assert_close(got, want)
    assert not np.allclose(got["dense/bias/adam_m"], 0)  # BERT's own slot names


def _lamb(tf):
    return make_lamb(tf)(learning_rate=0.05, weight_decay_rate=0.1,
                         exclude_from_weight_decay=EXCLUDE)  # fmt: skip


def test_lamb_written_with_tf1_hooks_matches_tf1(tf1):
    want, tf1_opt = _tf1_run(tf1, _lamb, use_apply_gradients=False)
    opt = _lamb(jtf)
    f = js.transform(lambda x, y: model(jtf, x, y))
    variables = f.init(jax.random.key(0), X, Y)
    state = opt.init(variables["params"])
    assert sorted(state) == sorted(set(want) - set(INIT))  # TF1's slot and non-slot names
    assert opt.get_slot_names() == tf1_opt.get_slot_names() == ["m", "v"]

    @jax.jit
    def run(variables, state):
        return opt.minimize(f.apply, variables, state, X, Y)[:2]

    for _ in range(STEPS):
        variables, state = run(variables, state)
    _assert_close({**_flat(variables["params"]), **state}, want)
    assert opt.slot_key("dense/kernel", "v") == "dense/kernel/LAMB_1"
    np.testing.assert_array_equal(
        opt.get_slot(state, "dense/kernel", "v"), state["dense/kernel/LAMB_1"]
    )


def make_read_after_assign(tf):
    class ReadAfterAssign(tf.train.Optimizer):
        """Reads its slot after assigning it: under a control dependency (TF1: the new value)."""

        def __init__(self, name="ReadAfterAssign"):
            super().__init__(use_locking=False, name=name)

        def _create_slots(self, var_list):
            for v in var_list:
                self._get_or_make_slot(v, tf.ones_like(v), "acc", self._name)

        def _apply_dense(self, grad, var):
            acc = self.get_slot(var, "acc")
            acc_t = tf.assign_add(acc, grad)
            with tf.control_dependencies([acc_t]):
                seen = tf.identity(acc)
            return tf.assign_sub(var, 0.1 * seen)

    return ReadAfterAssign


def test_reads_under_control_dependencies_see_the_update(tf1):
    want, _ = _tf1_run(tf1, lambda tf: make_read_after_assign(tf)(), use_apply_gradients=False)
    opt = make_read_after_assign(jtf)()
    f = js.transform(lambda x, y: model(jtf, x, y))
    variables = f.init(jax.random.key(0), X, Y)
    state = opt.init(variables["params"])
    for _ in range(STEPS):
        variables, state, _ = opt.minimize(f.apply, variables, state, X, Y)
    _assert_close({**_flat(variables["params"]), **state}, want)


def test_reads_without_control_dependencies_see_the_old_value():
    class OldRead(jtf.train.Optimizer):
        def __init__(self):
            super().__init__(False, "OldRead")

        def _create_slots(self, var_list):
            for v in var_list:
                self._zeros_slot(v, "m", self._name)

        def _resource_apply_dense(self, grad, handle):
            m = self.get_slot(handle, "m")
            m_t = m.assign(m + grad)
            return handle.assign(handle - (m * 10.0 + m_t))  # m: before the step, m_t: after

    opt = OldRead()
    params = {"w": jnp.ones(2)}
    state = opt.init(params)
    updates, state = opt.update({"w": jnp.full(2, 0.5)}, state, params)
    np.testing.assert_allclose(updates["w"], [-0.5, -0.5])
    updates, state = opt.update({"w": jnp.full(2, 0.5)}, state, params)
    np.testing.assert_allclose(updates["w"], [-6.0, -6.0])  # 0.5 * 10 + 1.0
    np.testing.assert_allclose(state["w/OldRead"], [1.0, 1.0])


def test_tf1_signature_and_hooks_outside_a_run():
    class Plain(jtf.train.Optimizer):
        def __init__(self):
            super().__init__(False, "Plain")
            self.learning_rate = 0.5  # the base reserves no public name

    opt = Plain()
    assert opt._use_locking is False and opt._name == "Plain" and opt.learning_rate == 0.5
    with pytest.raises(ValueError, match="only inside opt.init"):
        opt._zeros_slot(None, "m", "Plain")
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        jtf.train.Optimizer(False, "")
    assert js.train.GradientDescentOptimizer(0.5)._learning_rate == 0.5  # built-ins unchanged
