"""A hand port of mlp.py written against jaxscope directly (the way GPT-2 and BERT were ported):
jaxscope.get_variable and jax.numpy instead of tf.layers."""

import jax
import jax.numpy as jnp

import jaxscope as js
import jaxscope.compat.v1 as tf


def _dense(x, units, kernel_init, bias_init, name, regularizer=None):
    with js.variable_scope(name):
        kernel = js.get_variable(
            "kernel", [x.shape[-1], units], initializer=kernel_init, regularizer=regularizer
        )
        bias = js.get_variable("bias", [units], initializer=bias_init)
    return x @ kernel + bias


def _batch_norm(x, momentum, training, name):
    with js.variable_scope(name):
        n = x.shape[-1]
        gamma = js.get_variable("gamma", [n], initializer=js.ones_initializer())
        beta = js.get_variable("beta", [n], initializer=js.zeros_initializer())
        mean_v = js.get_variable("moving_mean", [n], initializer=js.zeros_initializer(),
                                 trainable=False)  # fmt: skip
        var_v = js.get_variable("moving_variance", [n], initializer=js.ones_initializer(),
                                trainable=False)  # fmt: skip
    if training:
        mean, var = jnp.mean(x, 0), jnp.var(x, 0)
        # filed in UPDATE_OPS as TF1's batch norm files them: a train op made under
        # tf.control_dependencies(UPDATE_OPS) runs them (verify(steps=N), js.train.Runner)
        for ref, value in ((mean_v, mean), (var_v, var)):
            update = js.assign(ref, ref * momentum + value * (1 - momentum))
            js.add_to_collection(js.GraphKeys.UPDATE_OPS, update)
    else:
        mean, var = mean_v, var_v
    return (x - mean) * jax.lax.rsqrt(var + 1e-3) * gamma + beta


def build(x, is_training=False):
    end_points = {}
    with js.variable_scope("mlp"):
        with js.variable_scope("mix"):
            w = js.get_variable("w", [6, 6], initializer=js.glorot_uniform_initializer())
            h = jnp.tanh(x @ w)
        end_points["mlp/mix"] = h
        with js.variable_scope("hidden"):
            h = _dense(h, 8, js.truncated_normal_initializer(stddev=0.5),
                       js.constant_initializer(0.1), "dense",
                       regularizer=lambda k: 0.01 * tf.nn.l2_loss(k))  # fmt: skip
            h = jax.nn.relu(_batch_norm(h, 0.9, is_training, "bn"))
        end_points["mlp/hidden"] = h
        logits = _dense(h, 3, js.glorot_uniform_initializer(), js.zeros_initializer(), "logits")
        end_points["mlp/logits"] = logits
    return logits, end_points
