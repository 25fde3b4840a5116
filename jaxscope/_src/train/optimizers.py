"""TF1's optimizers (``tf.compat.v1.train.*Optimizer``) with TF1's update rules, bit for bit.

Each ``_apply_dense`` is the arithmetic of TF1's CPU kernel (``training_ops.cc``) in its operation
order, with every hyperparameter a float32 scalar cast to the variable's dtype, as TF1's
``_prepare`` does. That is why they differ from optax's look-alikes: Adam adds epsilon to
``sqrt(v)`` *after* folding the bias correction into the step size (TF1's "epsilon hat"), RMSProp
starts its mean square at 1 and puts epsilon inside the square root, Adagrad starts its
accumulator at 0.1, and Momentum's Nesterov step is ``lr * (g + momentum * accum)``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from jaxscope._src.train.errors import TrainArgumentError
from jaxscope._src.train.optimizer import LearningRate, Optimizer


def _zeros(leaf) -> jax.Array:
    return jnp.zeros(leaf.shape, leaf.dtype)


def _f32(x) -> jax.Array:
    return jnp.asarray(x, jnp.float32)


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent: ``var -= grad * lr``.

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the optimizer's name (it has no slots).

    Example:
      >>> import jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.GradientDescentOptimizer(0.5)
      >>> params = {"w": jnp.ones(2)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, opt.init(params), params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.5, 0.5], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.GradientDescentOptimizer
    """

    def __init__(self, learning_rate: LearningRate, use_locking: bool = False,
                 name: str = "GradientDescent"):  # fmt: skip
        super().__init__(learning_rate, name)

    def _apply_dense(self, grad, slots, s):
        return grad * s["lr"], []


class MomentumOptimizer(Optimizer):
    """Momentum: ``accum = accum * momentum + grad``; ``var -= accum * lr``.

    With ``use_nesterov=True``: ``var -= grad * lr + accum * momentum * lr``. Slot ``momentum``
    is named ``<var>/Momentum``.

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      momentum: the decay of the accumulator.
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the slots' name: ``<var>/Momentum``, ``<var>/Momentum_1``, ... (default ``"Momentum"``).
      use_nesterov: use Nesterov momentum (the update above).

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.MomentumOptimizer(0.1, momentum=0.9)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'w/Momentum': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.9, 0.9], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.MomentumOptimizer
    """

    _slots = (("momentum", _zeros),)

    def __init__(self, learning_rate: LearningRate, momentum: float, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False):  # fmt: skip
        super().__init__(learning_rate, name)
        self._momentum, self._use_nesterov = momentum, use_nesterov

    def _config(self):
        return {**super()._config(), "momentum": self._momentum, "use_nesterov": self._use_nesterov}

    def _prepare(self, state, lr):
        return {"lr": lr, "momentum": _f32(self._momentum)}

    def _apply_dense(self, grad, slots, s):
        (accum,) = slots
        accum = accum * s["momentum"] + grad
        if self._use_nesterov:
            return grad * s["lr"] + accum * s["momentum"] * s["lr"], [accum]
        return accum * s["lr"], [accum]


class AdamOptimizer(Optimizer):
    """Adam as TF1 computes it (Kingma & Ba's "epsilon hat" form).

    ``lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)``; ``m += (g - m) * (1 - beta1)``;
    ``v += (g*g - v) * (1 - beta2)``; ``var -= m * lr_t / (sqrt(v) + epsilon)``; then
    ``beta1_power *= beta1`` and ``beta2_power *= beta2``. Slots ``m`` and ``v`` are named
    ``<var>/Adam`` and ``<var>/Adam_1``; the non-slot ``beta1_power`` and ``beta2_power`` keep the
    step count as TF1 does.

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      beta1: the decay of the first moment ``m``.
      beta2: the decay of the second moment ``v``.
      epsilon: TF1's "epsilon hat", added to ``sqrt(v)``.
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the slots' name: ``<var>/Adam``, ``<var>/Adam_1``, ... (default ``"Adam"``).

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.AdamOptimizer(0.1)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'beta1_power': (), 'beta2_power': (), 'w/Adam': (2,), 'w/Adam_1': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.90000004, 0.90000004], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.AdamOptimizer
    """

    _slots = (("m", _zeros), ("v", _zeros))

    def __init__(self, learning_rate: LearningRate = 0.001, beta1: float = 0.9,
                 beta2: float = 0.999, epsilon: float = 1e-08, use_locking: bool = False,
                 name: str = "Adam"):  # fmt: skip
        super().__init__(learning_rate, name)
        self._beta1, self._beta2, self._epsilon = beta1, beta2, epsilon

    def _config(self):
        return {**super()._config(), "beta1": self._beta1, "beta2": self._beta2,
                "epsilon": self._epsilon}  # fmt: skip

    def _non_slots(self):
        return {"beta1_power": _f32(self._beta1), "beta2_power": _f32(self._beta2)}

    def _prepare(self, state, lr):
        return {
            "lr": lr,
            "beta1_power": state["beta1_power"],
            "beta2_power": state["beta2_power"],
            "beta1": _f32(self._beta1),
            "beta2": _f32(self._beta2),
            "epsilon": _f32(self._epsilon),
        }

    def _apply_dense(self, grad, slots, s):
        m, v = slots
        one = jnp.ones((), grad.dtype)
        # In the variable's dtype, as TF1's kernel computes it from the cast beta powers.
        alpha = s["lr"] * jnp.sqrt(one - s["beta2_power"]) / (one - s["beta1_power"])
        m = m + (grad - m) * (one - s["beta1"])
        v = v + (jnp.square(grad) - v) * (one - s["beta2"])
        return (m * alpha) / (jnp.sqrt(v) + s["epsilon"]), [m, v]

    def _finish(self, state):
        return {
            "beta1_power": state["beta1_power"] * _f32(self._beta1),
            "beta2_power": state["beta2_power"] * _f32(self._beta2),
        }


class AdagradOptimizer(Optimizer):
    """Adagrad: ``accum += grad * grad``; ``var -= grad * lr * rsqrt(accum)``.

    The accumulator (slot ``accumulator``, named ``<var>/Adagrad``) starts at
    ``initial_accumulator_value`` (0.1, TF1's default).

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      initial_accumulator_value: the accumulator's start (positive).
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the slots' name: ``<var>/Adagrad``, ``<var>/Adagrad_1``, ... (default ``"Adagrad"``).

    Raises:
      TrainArgumentError: ``initial_accumulator_value`` is not positive (a ``ValueError``).

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.AdagradOptimizer(0.1)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'w/Adagrad': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.9046537, 0.9046537], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.AdagradOptimizer
    """

    def __init__(self, learning_rate: LearningRate, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "Adagrad"):  # fmt: skip
        if initial_accumulator_value <= 0.0:
            raise TrainArgumentError(
                "AdagradOptimizer",
                f"initial_accumulator_value must be positive, got {initial_accumulator_value}",
                "Use TF1's default: AdagradOptimizer(learning_rate, initial_accumulator_value=0.1).",
            )
        super().__init__(learning_rate, name)
        self._initial = initial_accumulator_value
        self._slots = (
            ("accumulator", lambda leaf: jnp.full(leaf.shape, self._initial, leaf.dtype)),
        )

    def _config(self):
        return {**super()._config(), "initial_accumulator_value": self._initial}

    def _apply_dense(self, grad, slots, s):
        (accum,) = slots
        accum = accum + jnp.square(grad)
        return grad * s["lr"] * jax.lax.rsqrt(accum), [accum]


class AdadeltaOptimizer(Optimizer):
    """Adadelta with TF1's learning rate (applied on top of the Adadelta step).

    Slots ``accum`` and ``accum_update``: ``<var>/Adadelta`` and ``<var>/Adadelta_1``.

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      rho: the decay of both accumulators.
      epsilon: added inside the square roots.
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the slots' name: ``<var>/Adadelta``, ``<var>/Adadelta_1``, ... (default ``"Adadelta"``).

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.AdadeltaOptimizer(1.0)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'w/Adadelta': (2,), 'w/Adadelta_1': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.9995528, 0.9995528], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.AdadeltaOptimizer
    """

    _slots = (("accum", _zeros), ("accum_update", _zeros))

    def __init__(self, learning_rate: LearningRate = 0.001, rho: float = 0.95,
                 epsilon: float = 1e-08, use_locking: bool = False,
                 name: str = "Adadelta"):  # fmt: skip
        super().__init__(learning_rate, name)
        self._rho, self._epsilon = rho, epsilon

    def _config(self):
        return {**super()._config(), "rho": self._rho, "epsilon": self._epsilon}

    def _prepare(self, state, lr):
        return {"lr": lr, "rho": _f32(self._rho), "epsilon": _f32(self._epsilon)}

    def _apply_dense(self, grad, slots, s):
        accum, accum_update = slots
        one = jnp.ones((), grad.dtype)
        accum = accum * s["rho"] + jnp.square(grad) * (one - s["rho"])
        update = jnp.sqrt(accum_update + s["epsilon"]) * jax.lax.rsqrt(accum + s["epsilon"]) * grad
        accum_update = accum_update * s["rho"] + jnp.square(update) * (one - s["rho"])
        return update * s["lr"], [accum, accum_update]


class RMSPropOptimizer(Optimizer):
    """RMSProp as TF1 computes it.

    ``ms += (g*g - ms) * (1 - decay)``; ``mom = mom * momentum + g * lr / sqrt(ms + epsilon)``;
    ``var -= mom``. ``centered=True`` also tracks ``mg += (g - mg) * (1 - decay)`` and divides by
    ``sqrt(ms - mg*mg + epsilon)``. The mean square starts at 1 (TF1's choice, unlike optax's 0).
    Slots in TF1's creation order: ``rms`` (``<var>/RMSProp``), ``mg`` when centered, then
    ``momentum`` (``<var>/RMSProp_1``, or ``<var>/RMSProp_2`` when centered).

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      decay: the decay of the mean square (and of the mean, when centered).
      momentum: the decay of the momentum slot.
      epsilon: added to the mean square inside the square root.
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      centered: also track the mean gradient and divide by the variance estimate.
      name: the slots' name: ``<var>/RMSProp``, ``<var>/RMSProp_1``, ... (default ``"RMSProp"``).

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.RMSPropOptimizer(0.1)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'w/RMSProp': (2,), 'w/RMSProp_1': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.9, 0.9], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.RMSPropOptimizer
    """

    def __init__(self, learning_rate: LearningRate, decay: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-10, use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp"):  # fmt: skip
        super().__init__(learning_rate, name)
        self._decay, self._momentum, self._epsilon = decay, momentum, epsilon
        self._centered = centered
        ones = ("rms", lambda leaf: jnp.ones(leaf.shape, leaf.dtype))
        self._slots = (ones, ("mg", _zeros), ("momentum", _zeros))
        if not centered:
            self._slots = (ones, ("momentum", _zeros))

    def _config(self):
        return {**super()._config(), "decay": self._decay, "momentum": self._momentum,
                "epsilon": self._epsilon, "centered": self._centered}  # fmt: skip

    def _prepare(self, state, lr):
        return {
            "lr": lr,
            "rho": _f32(self._decay),
            "momentum": _f32(self._momentum),
            "epsilon": _f32(self._epsilon),
        }

    def _apply_dense(self, grad, slots, s):
        one_minus_rho = jnp.ones((), grad.dtype) - s["rho"]
        if self._centered:
            ms, mg, mom = slots
            ms = ms + (jnp.square(grad) - ms) * one_minus_rho
            mg = mg + (grad - mg) * one_minus_rho
            denom = (ms - jnp.square(mg)) + s["epsilon"]
            mom = mom * s["momentum"] + (grad * s["lr"]) / jnp.sqrt(denom)
            return mom, [ms, mg, mom]
        ms, mom = slots
        ms = ms + (jnp.square(grad) - ms) * one_minus_rho
        mom = mom * s["momentum"] + (grad * s["lr"]) / jnp.sqrt(ms + s["epsilon"])
        return mom, [ms, mom]


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) as TF1's ``ApplyFtrl`` kernel computes it.

    ``new_accum = accum + g*g``; ``linear += g - (new_accum^-p - accum^-p) / lr * var`` (square
    roots when ``learning_rate_power`` is -0.5); ``var = (clip(linear, -l1, l1) - linear) /
    (new_accum^-p / lr + 2 * l2)``. Slots ``accum`` (starting at ``initial_accumulator_value``)
    and ``linear``: ``<var>/Ftrl`` and ``<var>/Ftrl_1``. FTRL *sets* the variable, so the optax
    update is ``new_var - var`` and needs ``params``; ``var + (new_var - var)`` may differ from
    ``new_var`` in the last bit. Not supported yet (``NotImplementedError``):
    ``l2_shrinkage_regularization_strength``, ``accum_name``, ``linear_name``.

    Args:
      learning_rate: a float, a scalar array or a function of the step count (a schedule).
      learning_rate_power: ``-p`` above; at most 0.
      initial_accumulator_value: the start of ``accum``; at least 0.
      l1_regularization_strength: ``l1`` above.
      l2_regularization_strength: ``l2`` above.
      use_locking: accepted for TF1's signature; updates are pure, nothing is locked.
      name: the slots' name: ``<var>/Ftrl``, ``<var>/Ftrl_1``, ... (default ``"Ftrl"``).
      accum_name: not supported (must be None).
      linear_name: not supported (must be None).
      l2_shrinkage_regularization_strength: not supported (must be 0).
      beta: adds ``beta / (2 * lr)`` to ``l2`` (TF1's ``beta``; default 0).

    Raises:
      TrainArgumentError: ``learning_rate_power`` > 0 or ``initial_accumulator_value`` < 0.
      NotImplementedError: one of the unsupported arguments is given.

    Example:
      >>> import jax, jax.numpy as jnp, optax, jaxscope as js
      >>> opt = js.train.FtrlOptimizer(0.1)
      >>> params = {"w": jnp.ones(2)}
      >>> state = opt.init(params)
      >>> jax.tree.map(jnp.shape, state)
      {'w/Ftrl': (2,), 'w/Ftrl_1': (2,)}
      >>> updates, state = opt.update({"w": jnp.ones(2)}, state, params)
      >>> optax.apply_updates(params, updates)["w"]
      Array([0.6031424, 0.6031424], dtype=float32)

    TF1 equivalent: tf.compat.v1.train.FtrlOptimizer
    """

    def __init__(self, learning_rate: LearningRate, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "Ftrl", accum_name: str | None = None,
                 linear_name: str | None = None,
                 l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float | None = None):  # fmt: skip
        for arg, value in (
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
            ("accum_name", accum_name),
            ("linear_name", linear_name),
        ):
            if value:
                raise NotImplementedError(f"FtrlOptimizer({arg}=...) is not supported yet.")
        if learning_rate_power > 0.0 or initial_accumulator_value < 0.0:
            raise TrainArgumentError(
                "FtrlOptimizer",
                "learning_rate_power must be <= 0 and initial_accumulator_value >= 0, got "
                f"{learning_rate_power} and {initial_accumulator_value}",
                "Use TF1's defaults: FtrlOptimizer(lr, learning_rate_power=-0.5, "
                "initial_accumulator_value=0.1).",
            )
        super().__init__(learning_rate, name)
        self._power, self._initial = learning_rate_power, initial_accumulator_value
        self._l1, self._l2, self._beta = (
            l1_regularization_strength,
            l2_regularization_strength,
            0.0 if beta is None else beta,
        )
        self._slots = (
            ("accum", lambda leaf: jnp.ones(leaf.shape, leaf.dtype) * self._initial),
            ("linear", _zeros),
        )

    def _config(self):
        return {**super()._config(), "learning_rate_power": self._power,
                "initial_accumulator_value": self._initial,
                "l1_regularization_strength": self._l1,
                "l2_regularization_strength": self._l2}  # fmt: skip

    def _prepare(self, state, lr):
        l2 = _f32(self._l2) + _f32(self._beta) / (2.0 * jnp.maximum(lr, _f32(1e-36)))
        return {"lr": lr, "l1": _f32(self._l1), "l2": l2, "power": _f32(self._power)}

    _needs_params = True

    def _delta(self, grad, var, slots, s):
        accum, linear = slots
        new_accum = accum + jnp.square(grad)
        if self._power == -0.5:
            linear = linear + (grad - (jnp.sqrt(new_accum) - jnp.sqrt(accum)) / s["lr"] * var)
            y = jnp.sqrt(new_accum) / s["lr"] + 2 * s["l2"]
        else:
            p = -s["power"]
            linear = linear + (grad - (new_accum**p - accum**p) / s["lr"] * var)
            y = new_accum**p / s["lr"] + 2 * s["l2"]
        x = jnp.clip(linear, -s["l1"], s["l1"]) - linear
        return x / y - var, [new_accum, linear]
