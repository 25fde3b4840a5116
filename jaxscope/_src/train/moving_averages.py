"""TF1's ``ExponentialMovingAverage``: shadow values named ``<var>/ExponentialMovingAverage``.

The shadows are a flat ``{TF1 name: array}`` dict beside the variables tree (a nested tree cannot
hold ``w`` and ``w/ExponentialMovingAverage`` both), which saves to and restores from TF1
checkpoints as it is: ``checkpoint.save_tf1(path, (variables, opt_state, averages))``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import jax
import jax.numpy as jnp

from jaxscope._src.core.tree_names import flatten, has_collections
from jaxscope._src.train.errors import GlobalStepError, MovingAverageDtypeError, SlotMismatchError
from jaxscope._src.train.optimizer import named_leaves, spec

VarList = Collection[str] | Callable[[str], bool] | None


class ExponentialMovingAverage:
    """Moving averages of variables, updated as TF1 updates them.

    ``shadow -= (shadow - value) * (1 - decay)``, with ``decay = min(decay, (1 + num_updates) /
    (10 + num_updates))`` when ``num_updates`` is given (float32 throughout, as TF1). A shadow
    starts at its variable's value when first created by :meth:`apply`.

    Args:
      decay: the decay (e.g. 0.999).
      num_updates: None; a number; or the TF1 name of a variable of the tree given to
        :meth:`apply` (``"global_step"``), read at each ``apply`` as TF1 reads the tensor.
      zero_debias: accepted for TF1 compatibility. TF1 applies it only to averages of tensors
        that are not variables (zero-initialized shadows); every value averaged here is a
        variable, so as in TF1 for variables it changes nothing.
      name: the suffix of the shadow names.

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> ema = js.train.ExponentialMovingAverage(0.5)
      >>> variables = {"params": {"w": jnp.array(0.0)}}
      >>> averages = ema.apply(variables)                        # creates the shadows
      >>> averages = ema.apply({"params": {"w": jnp.array(4.0)}}, averages)
      >>> averages
      {'w/ExponentialMovingAverage': Array(2., dtype=float32)}
      >>> ema.variables_to_restore(variables)                   # checkpoint name -> tree name
      {'w/ExponentialMovingAverage': 'w'}

    TF1 equivalent: tf.compat.v1.train.ExponentialMovingAverage
    """

    def __init__(
        self,
        decay: float,
        num_updates: float | str | jax.Array | None = None,
        zero_debias: bool = False,
        name: str = "ExponentialMovingAverage",
    ):
        self._decay, self._num_updates = decay, num_updates
        self._zero_debias, self._name = zero_debias, name

    @property
    def name(self) -> str:
        """The suffix of the shadow names. TF1 equivalent: ExponentialMovingAverage.name"""
        return self._name

    def __repr__(self) -> str:
        return (
            f"ExponentialMovingAverage(decay={self._decay!r}, num_updates={self._num_updates!r}, "
            f"zero_debias={self._zero_debias!r}, name={self._name!r})"
        )

    def average_name(self, var_name: str) -> str:
        """``"<var_name>/ExponentialMovingAverage"``: the TF1 name of ``var_name``'s shadow.

        TF1 equivalent: tf.compat.v1.train.ExponentialMovingAverage.average_name
        """
        return f"{var_name.removesuffix(':0')}/{self._name}"

    def average(self, averages: Mapping[str, jax.Array], var_name: str) -> jax.Array | None:
        """The shadow value of ``var_name``, or None if it has none (as TF1).

        TF1 equivalent: tf.compat.v1.train.ExponentialMovingAverage.average
        """
        return averages.get(self.average_name(var_name))

    def _decay_value(self, variables, num_updates) -> jax.Array:
        decay = jnp.asarray(self._decay, jnp.float32)
        if num_updates is None:
            num_updates = self._num_updates
        if isinstance(num_updates, str):
            flat = flatten(variables) if isinstance(variables, Mapping) else {}
            if num_updates not in flat:
                raise GlobalStepError(
                    "ExponentialMovingAverage.apply",
                    f'num_updates="{num_updates}" names no variable of the tree given to apply',
                    "Pass the whole variables tree (with its state), or the value:\n"
                    "    averages = ema.apply(variables, averages)\n"
                    "    averages = ema.apply(params, averages, num_updates=step)",
                )
            num_updates = flat[num_updates]
        if num_updates is not None:
            n = jnp.asarray(num_updates).astype(jnp.float32)
            decay = jnp.minimum(decay, (1.0 + n) / (10.0 + n))
        return decay

    def apply(
        self,
        variables,
        averages: Mapping[str, jax.Array] | None = None,
        var_list: VarList = None,
        num_updates: Any = None,
    ) -> dict[str, jax.Array]:
        """Creates the missing shadows (at the variables' values) and updates all of them.

        Args:
          variables: the variables tree (its ``params`` are averaged by default, TF1's
            ``trainable_variables()``), or a sub-tree (all of its leaves are averaged).
          averages: the shadows from the previous ``apply``; None the first time.
          var_list: the TF1 names to average (a collection or a predicate), instead of the
            default.
          num_updates: overrides the constructor's ``num_updates`` for this call.

        Returns:
          The new ``{"<var>/ExponentialMovingAverage": shadow}`` dict; inputs are not mutated.

        Raises:
          SlotMismatchError: a shadow differs in shape or dtype from its variable (it was made
            for another variable of that name); checked statically, so also under ``jit``.
          MovingAverageDtypeError: a variable is not floating point (TF1's TypeError).

        TF1 equivalent: tf.compat.v1.train.ExponentialMovingAverage.apply(var_list)
        """
        values = self._selected(variables, var_list)
        one_minus = jnp.asarray(1.0, jnp.float32) - self._decay_value(variables, num_updates)
        new = dict(averages or {})
        for name, value in values.items():
            if not jnp.issubdtype(jnp.asarray(value).dtype, jnp.floating):
                raise MovingAverageDtypeError(name, jnp.asarray(value).dtype)
            key = self.average_name(name)
            shadow = new.get(key, value)
            if spec(shadow) != spec(value):
                raise SlotMismatchError(
                    "ExponentialMovingAverage.apply", name, key, spec(shadow), spec(value),
                    "Drop the stale average so that apply starts it again at the value:\n"
                    f"    averages = {{k: v for k, v in averages.items() if k != {key!r}}}",
                )  # fmt: skip
            new[key] = shadow - (shadow - value) * one_minus.astype(jnp.asarray(value).dtype)
        return new

    def _selected(self, variables, var_list: VarList) -> dict[str, Any]:
        tree = variables
        if var_list is None and has_collections(variables):
            tree = variables.get("params", {})
        elif has_collections(variables):
            tree = {k: v for k, v in variables.items()}
        leaves = dict(named_leaves(tree)[0])
        if var_list is None:
            return leaves
        keep = var_list if callable(var_list) else set(var_list).__contains__
        return {n: v for n, v in leaves.items() if keep(n)}

    def variables_to_restore(
        self, variables, moving_avg_variables: VarList = None
    ) -> dict[str, str]:
        """``{checkpoint name: tree name}`` to load the shadows into the variables.

        Variables with an average (``moving_avg_variables``; by default the trainable ones,
        ``variables["params"]``) are read from ``<var>/ExponentialMovingAverage``, the others
        from their own name, as TF1's map for ``Saver``. Pass its ``.get`` as ``rename`` to
        evaluate with averaged weights:
        ``checkpoint.restore_tf1(abstract, path, rename=ema.variables_to_restore(abstract).get)``.

        TF1 equivalent: tf.compat.v1.train.ExponentialMovingAverage.variables_to_restore
        """
        all_names = list(flatten(variables))
        averaged = set(self._selected(variables, moving_avg_variables))
        return {self.average_name(n) if n in averaged else n: n for n in all_names}
