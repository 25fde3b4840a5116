"""TF1's initializer catalogue with TF1's defaults, on top of ``jax.nn.initializers``.

Every initializer is callable both ways:

* JAX style ``init(key, shape, dtype)`` -- what ``init`` uses, and what any JAX library expects;
* TF1 style ``init(shape, dtype=None, partition_info=None)`` -- random ones then draw from their
  ``seed=`` (a clear error says a seed or key is needed); with ``partition_info`` (anything with a
  ``full_shape``), fans come from the full shape of the partitioned variable, as in TF1.

Instances compare equal when configured alike, so ``init`` draws all variables with equal
(shape, dtype, initializer) in one vmapped call.

==============================  ==========================================================  ======
TF1 name                        JAX expression                                              notes
==============================  ==========================================================  ======
zeros_initializer()             ``jnp.zeros(shape, dtype)``                                 bool: False
ones_initializer()              ``jnp.ones(shape, dtype)``
constant_initializer(v)         ``jnp.asarray(v)`` filled/reshaped/padded as TF1            short list padded with last value
random_normal_initializer       ``mean + stddev * jax.random.normal``                       stddev 1.0 (jax: 0.01)
truncated_normal_initializer    ``mean + stddev * jax.random.truncated_normal(-2, 2)``      cut at 2 stddev, no correction
random_uniform_initializer      ``u * (maxval - minval) + minval``, ``u ~ U[0, 1)``         maxval None -> 1 (jax: 0.01)
variance_scaling_initializer    ``jax.nn.initializers.variance_scaling`` (rank >= 2)        TF fans for rank 0/1; 'normal' is truncated
glorot_*, he_*, lecun_*         ``variance_scaling`` with TF1's scale/mode/distribution
uniform_unit_scaling            ``U(+-factor * sqrt(3 / max(1, prod(shape[:-1]))))``
orthogonal_initializer(gain)    ``jax.nn.initializers.orthogonal(gain)``                    rank >= 2
identity_initializer(gain)      ``gain * jnp.eye(rows, cols)``                              exactly 2-D
==============================  ==========================================================  ======
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.initializers import flat
from jaxscope._src.initializers.dtypes import canonical, is_floating

_TRUNC_STD = 0.87962566103423978  # stddev of a unit normal truncated to (-2, 2)


def _is_key(x) -> bool:
    if not isinstance(x, (jax.Array, np.ndarray)):
        return False
    return jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key) or (
        x.dtype == np.uint32 and x.shape[-1:] == (2,)
    )


def compute_fans(shape) -> tuple[float, float]:
    """TF1's ``_compute_fans``: () -> (1, 1), (n,) -> (n, n), conv kernels use the receptive field."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = math.prod(shape[:-2])
    return shape[-2] * rf, shape[-1] * rf


@dataclasses.dataclass(frozen=True, eq=False)  # identity: no two instances look alike
class Initializer:
    """Base class: subclasses implement ``sample(key, shape, dtype)``.

    Instances are grouped for drawing by equality, so a subclass is equal to another instance
    only when their fields are (dataclass subclasses), or never (``eq=False``: by identity).
    """

    needs_key = True

    def __call__(self, *args, **kwargs) -> jax.Array:
        full_shape = None
        if args and _is_key(args[0]):
            key, shape = args[0], args[1] if len(args) > 1 else kwargs["shape"]
            dtype = args[2] if len(args) > 2 else kwargs.get("dtype")
        else:  # TF1 style: (shape, dtype=None, partition_info=None)
            shape = args[0] if args else kwargs["shape"]
            dtype = args[1] if len(args) > 1 else kwargs.get("dtype")
            info = args[2] if len(args) > 2 else kwargs.get("partition_info")
            if info is not None:  # a shard of a partitioned variable: fans from the full shape
                full_shape = tuple(int(d) for d in info.full_shape)
            key = None
            if self.needs_key:
                seed = getattr(self, "seed", None)
                if seed is None:
                    raise ValueError(
                        f"{type(self).__name__} is random: call it JAX-style as init(key, shape, "
                        f"dtype), or give it a seed, e.g. {type(self).__name__}(seed=0)(shape)."
                    )
                key = jax.random.key(seed)
        dtype = canonical(getattr(self, "dtype", "float32") if dtype is None else dtype)
        shape = tuple(int(d) for d in shape)
        if full_shape is not None and getattr(self, "uses_fans", False):
            return self.sample(key, shape, dtype, full_shape)
        return self.sample(key, shape, dtype)

    def sample(self, key, shape, dtype) -> jax.Array:
        """The initial value of ``shape`` and ``dtype`` (``key`` is None for deterministic ones)."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """TF1's ``get_config``: the constructor's arguments (a dataclass's fields; else ``{}``)."""
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {}

    @classmethod
    def from_config(cls, config):
        """TF1's ``from_config``: ``cls(**config)``."""
        return cls(**config)

    def host_value(self, shape, dtype) -> np.ndarray | None:
        """The same value as ``sample`` computed by numpy, or None where numpy might differ.

        Eager ``init`` copies such a value to the device instead of compiling a program for it.
        """
        return None

    def flat_draw(self, shape, dtype) -> flat.FlatDraw | None:
        """How to draw ``shape`` flat, by a program shared across shapes (see ``flat``), or None.

        Only where the values are the same bits as ``sample``'s; ``init`` asks only instances
        whose ``sample`` and ``__call__`` are those of the class that defines this method.
        """
        return None


@dataclasses.dataclass(frozen=True)
class zeros_initializer(Initializer):
    """Zeros (``False`` for bool).

    Args:
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Example:
      >>> import jaxscope as js
      >>> js.zeros_initializer()([2, 2])
      Array([[0., 0.],
             [0., 0.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.zeros_initializer
    """

    dtype: Any = "float32"
    needs_key = False

    def sample(self, key, shape, dtype):
        return jnp.zeros(shape, dtype)

    def host_value(self, shape, dtype):
        return np.zeros(shape, dtype)


@dataclasses.dataclass(frozen=True)
class ones_initializer(Initializer):
    """Ones.

    Args:
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Example:
      >>> import jaxscope as js
      >>> js.ones_initializer()([3], "int32")
      Array([1, 1, 1], dtype=int32)

    TF1 equivalent: tf.compat.v1.ones_initializer
    """

    dtype: Any = "float32"
    needs_key = False

    def sample(self, key, shape, dtype):
        return jnp.ones(shape, dtype)

    def host_value(self, shape, dtype):
        return np.ones(shape, dtype)


@dataclasses.dataclass(frozen=True, eq=False)
class constant_initializer(Initializer):
    """A scalar fill, or a list/array reshaped to the shape (a short one padded with its last value).

    Args:
      value: a scalar, or a list/array of at most the variable's size.
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).
      verify_shape: require ``value`` to have exactly the variable's shape.

    Raises:
      TypeError: ``verify_shape`` and another shape (when called).
      ValueError: more values than the variable holds (when called).

    Example:
      >>> import jaxscope as js
      >>> js.constant_initializer([1, 2])([4])
      Array([1., 2., 2., 2.], dtype=float32)

    TF1 equivalent: tf.compat.v1.constant_initializer
    """

    value: Any = 0
    dtype: Any = "float32"
    verify_shape: bool = False
    needs_key = False

    # Equal by value, so that init draws every variable with an equal constant (a model that calls
    # constant_initializer(0) per layer, as GPT-2 does) in one group with one compiled program.
    @functools.cached_property
    def _fingerprint(self):
        value = np.asarray(self.value)
        return (value.dtype.str, value.shape, value.tobytes(), str(self.dtype), self.verify_shape)

    def __eq__(self, other):
        return type(other) is type(self) and other._fingerprint == self._fingerprint

    def __hash__(self):
        return hash(self._fingerprint)

    def host_value(self, shape, dtype):
        value = np.asarray(self.value)
        # A same-kind cast rounds alike in numpy and XLA; float -> int and the like may not.
        if value.ndim or self.verify_shape or not np.can_cast(value.dtype, dtype, "same_kind"):
            return None
        return np.full(shape, value, dtype)

    def sample(self, key, shape, dtype):
        value = np.asarray(self.value)
        size = math.prod(shape)
        if self.verify_shape and value.shape != tuple(shape):
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {value.shape}.")
        if value.ndim == 0:
            return jnp.full(shape, value, dtype)
        flat = value.reshape(-1)
        if flat.size > size:
            raise ValueError(
                f"Too many elements provided. Needed at most {size}, but received {flat.size}: "
                f"constant_initializer got {flat.size} values for shape {tuple(shape)}."
            )
        if flat.size < size:
            flat = np.concatenate([flat, np.repeat(flat[-1:], size - flat.size)])
        return jnp.asarray(flat.reshape(shape), dtype)


@dataclasses.dataclass(frozen=True)
class random_normal_initializer(Initializer):
    """Normal(mean, stddev), TF1 defaults mean 0.0, stddev 1.0.

    Args:
      mean: the mean.
      stddev: the standard deviation.
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Example:
      >>> import jax, jaxscope as js
      >>> init = js.random_normal_initializer(mean=1.0, stddev=0.1)
      >>> x = init(jax.random.key(0), [1000])
      >>> bool(abs(x.mean() - 1.0) < 0.02)
      True

    TF1 equivalent: tf.compat.v1.random_normal_initializer
    """

    mean: float = 0.0
    stddev: float = 1.0
    seed: int | None = None
    dtype: Any = "float32"

    floats_only = True  # TF1 raises a TypeError for other dtypes

    def sample(self, key, shape, dtype):
        # The barrier keeps XLA from folding sqrt(2) * stddev into one constant, so a jitted
        # draw gives the same bits as op-by-op (eager) evaluation: values do not depend on
        # whether init is jitted.
        normal = jax.lax.optimization_barrier(jax.random.normal(key, shape, dtype))
        return normal * jnp.array(self.stddev, dtype) + jnp.asarray(self.mean, dtype)

    def flat_draw(self, shape, dtype):
        return flat.FlatDraw(self)  # no parameter depends on the shape


@dataclasses.dataclass(frozen=True)
class truncated_normal_initializer(Initializer):
    """Normal(mean, stddev) redrawn outside two stddevs (no variance correction).

    Args:
      mean: the mean.
      stddev: the standard deviation before truncation.
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Example:
      >>> import jax, jaxscope as js
      >>> x = js.truncated_normal_initializer(stddev=0.1)(jax.random.key(0), [1000])
      >>> bool(abs(x).max() <= 0.2)
      True

    TF1 equivalent: tf.compat.v1.truncated_normal_initializer
    """

    mean: float = 0.0
    stddev: float = 1.0
    seed: int | None = None
    dtype: Any = "float32"

    floats_only = True  # TF1 raises a TypeError for other dtypes

    def sample(self, key, shape, dtype):
        unit = jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype)
        return unit * jnp.asarray(self.stddev, dtype) + jnp.asarray(self.mean, dtype)

    def flat_draw(self, shape, dtype):
        return flat.FlatDraw(self)


@dataclasses.dataclass(frozen=True)
class random_uniform_initializer(Initializer):
    """Uniform [minval, maxval); ``maxval=None`` means 1 for floats (an error for integers).

    Args:
      minval: the lower bound (included).
      maxval: the upper bound (excluded); required for integer dtypes.
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Raises:
      ValueError: an integer dtype without ``maxval`` (when called).

    Example:
      >>> import jaxscope as js
      >>> x = js.random_uniform_initializer(-1.0, 1.0, seed=0)([1000])
      >>> bool(x.min() >= -1.0 and x.max() < 1.0)
      True

    TF1 equivalent: tf.compat.v1.random_uniform_initializer
    """

    minval: float = 0
    maxval: float | None = None
    seed: int | None = None
    dtype: Any = "float32"

    def sample(self, key, shape, dtype):
        if not is_floating(dtype):
            if self.maxval is None:
                raise ValueError(f"Must specify maxval for integer dtype {dtype}.")
            return jax.random.randint(key, shape, self.minval, self.maxval, dtype)
        maxval = 1.0 if self.maxval is None else self.maxval
        u = jax.random.uniform(key, shape, dtype)
        return u * jnp.asarray(maxval - self.minval, dtype) + jnp.asarray(self.minval, dtype)

    def flat_draw(self, shape, dtype):
        return flat.FlatDraw(self) if is_floating(dtype) else None  # randint: drawn per shape


_DISTRIBUTIONS = {
    "truncated_normal": "truncated_normal",
    "normal": "truncated_normal",  # TF1: 'normal' is an alias of the truncated one
    "untruncated_normal": "normal",
    "uniform": "uniform",
}


@dataclasses.dataclass(frozen=True)
class variance_scaling_initializer(Initializer):
    """Scale / fan (TF1 fans, also for rank 0 and 1), truncated normal by default.

    Args:
      scale: the variance's scale (positive).
      mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
      distribution: ``"truncated_normal"``, ``"untruncated_normal"``, ``"normal"`` or
        ``"uniform"``.
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Raises:
      ValueError: a non-positive ``scale``, or an unknown ``mode`` or ``distribution``.

    Example:
      >>> import jax, jaxscope as js
      >>> init = js.variance_scaling_initializer(scale=2.0, mode="fan_in")
      >>> init(jax.random.key(0), [300, 200]).std().round(2)  # sqrt(2 / 300)
      Array(0.08, dtype=float32)

    TF1 equivalent: tf.compat.v1.variance_scaling_initializer
    """

    scale: float = 1.0
    mode: str = "fan_in"
    distribution: str = "truncated_normal"
    seed: int | None = None
    dtype: Any = "float32"

    def __post_init__(self):
        if self.scale <= 0.0:
            raise ValueError(f"`scale` must be a positive float, got {self.scale}.")
        if self.mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` {self.mode!r}: use fan_in, fan_out or fan_avg.")
        if self.distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` {self.distribution!r}: use one of {sorted(_DISTRIBUTIONS)}."
            )

    uses_fans = True

    floats_only = True  # TF1 raises a TypeError for other dtypes

    def sample(self, key, shape, dtype, full_shape=None):
        dist = _DISTRIBUTIONS[self.distribution]
        if len(shape) >= 2 and full_shape is None and 0 not in shape:  # jax divides by a 0 fan
            return jax.nn.initializers.variance_scaling(self.scale, self.mode, dist)(
                key, shape, dtype
            )
        var = self._tf_variance(shape if full_shape is None else full_shape)
        if dist == "truncated_normal":
            std = math.sqrt(var) / _TRUNC_STD
            return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype) * std
        if dist == "normal":
            return jax.random.normal(key, shape, dtype) * math.sqrt(var)
        limit = math.sqrt(3.0 * var)
        return jax.random.uniform(key, shape, dtype, -limit, limit)

    def flat_draw(self, shape, dtype):
        dist = _DISTRIBUTIONS[self.distribution]
        if len(shape) >= 2 and 0 not in shape:  # as sample: jax's variance_scaling
            return flat.jax_variance_scaling(self.scale, self.mode, dist, shape, dtype)
        var = self._tf_variance(shape)
        if dist == "truncated_normal":
            return flat.truncated_times(math.sqrt(var) / _TRUNC_STD, dtype)
        if dist == "uniform":
            return flat.uniform_within(math.sqrt(3.0 * var), dtype)
        return None  # normal: sqrt(2) * stddev may be folded into one constant

    def _tf_variance(self, fan_shape) -> float:
        fan_in, fan_out = compute_fans(fan_shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        return self.scale / max(1.0, n)


def glorot_uniform_initializer(seed=None, dtype="float32") -> variance_scaling_initializer:
    """Glorot (Xavier) uniform: ``variance_scaling(1.0, "fan_avg", "uniform")``, TF1's default
    for floating variables.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.glorot_uniform_initializer()
      variance_scaling_initializer(scale=1.0, mode='fan_avg', distribution='uniform', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.glorot_uniform_initializer
    """
    return variance_scaling_initializer(1.0, "fan_avg", "uniform", seed, dtype)


def glorot_normal_initializer(seed=None, dtype="float32") -> variance_scaling_initializer:
    """Glorot (Xavier) normal: ``variance_scaling(1.0, "fan_avg", "truncated_normal")``.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.glorot_normal_initializer()
      variance_scaling_initializer(scale=1.0, mode='fan_avg', distribution='truncated_normal', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.glorot_normal_initializer
    """
    return variance_scaling_initializer(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed=None) -> variance_scaling_initializer:
    """He normal: ``variance_scaling(2.0, "fan_in", "truncated_normal")``.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.he_normal()
      variance_scaling_initializer(scale=2.0, mode='fan_in', distribution='truncated_normal', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.keras.initializers.he_normal
    """
    return variance_scaling_initializer(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None) -> variance_scaling_initializer:
    """He uniform: ``variance_scaling(2.0, "fan_in", "uniform")``.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.he_uniform()
      variance_scaling_initializer(scale=2.0, mode='fan_in', distribution='uniform', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.keras.initializers.he_uniform
    """
    return variance_scaling_initializer(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None) -> variance_scaling_initializer:
    """LeCun normal: ``variance_scaling(1.0, "fan_in", "truncated_normal")``.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.lecun_normal()
      variance_scaling_initializer(scale=1.0, mode='fan_in', distribution='truncated_normal', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.keras.initializers.lecun_normal
    """
    return variance_scaling_initializer(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None) -> variance_scaling_initializer:
    """LeCun uniform: ``variance_scaling(1.0, "fan_in", "uniform")``.

    Args:
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).

    Returns:
      An initializer: ``init(key, shape, dtype)`` (JAX style) or ``init(shape, dtype)`` (TF1
      style, deterministic or seeded only).

    Example:
      >>> import jaxscope as js
      >>> js.lecun_uniform()
      variance_scaling_initializer(scale=1.0, mode='fan_in', distribution='uniform', seed=None, dtype='float32')

    TF1 equivalent: tf.compat.v1.keras.initializers.lecun_uniform
    """
    return variance_scaling_initializer(1.0, "fan_in", "uniform", seed)


@dataclasses.dataclass(frozen=True)
class uniform_unit_scaling_initializer(Initializer):
    """Uniform(+-factor * sqrt(3 / input_size)), input_size = prod(shape[:-1]).

    TF1 equivalent: tf.compat.v1.uniform_unit_scaling_initializer
    """

    factor: float = 1.0
    seed: int | None = None
    dtype: Any = "float32"

    uses_fans = True

    floats_only = True  # TF1 raises a TypeError for other dtypes

    def sample(self, key, shape, dtype, full_shape=None):
        fan_shape = shape if full_shape is None else full_shape
        limit = self.factor * math.sqrt(3.0 / max(1.0, math.prod(fan_shape[:-1])))
        return jax.random.uniform(key, shape, dtype, -limit, limit)

    def flat_draw(self, shape, dtype):
        limit = self.factor * math.sqrt(3.0 / max(1.0, math.prod(shape[:-1])))
        return flat.uniform_within(limit, dtype)


@dataclasses.dataclass(frozen=True)
class orthogonal_initializer(Initializer):
    """A (semi-)orthogonal matrix over (prod(shape[:-1]), shape[-1]), times ``gain``.

    Args:
      gain: the matrix's factor.
      seed: an int: the initializer then draws the same values at every call, also TF1-style
        ``init(shape)``; None: it needs a key (``init(key, shape, dtype)``, as ``get_variable``
        passes one).
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Raises:
      ValueError: a shape of rank < 2 (when called).

    Example:
      >>> import jax.numpy as jnp, jaxscope as js
      >>> q = js.orthogonal_initializer(seed=0)([3, 3])
      >>> bool(jnp.allclose(q @ q.T, jnp.eye(3), atol=1e-5))
      True

    TF1 equivalent: tf.compat.v1.orthogonal_initializer
    """

    gain: float = 1.0
    seed: int | None = None
    dtype: Any = "float32"

    floats_only = True  # TF1 raises a TypeError for other dtypes

    def sample(self, key, shape, dtype):
        if len(shape) < 2:
            raise ValueError(
                f"The tensor to initialize must be at least two-dimensional, got shape {shape}."
            )
        # XLA's QR has no half-precision kernels: decompose in float32, then cast.
        work = jnp.float32 if jnp.finfo(dtype).bits < 32 else dtype
        return jax.nn.initializers.orthogonal(self.gain)(key, shape, work).astype(dtype)


@dataclasses.dataclass(frozen=True)
class identity_initializer(Initializer):
    """``gain * eye(rows, cols)`` for 2-D shapes.

    Args:
      gain: the diagonal's value.
      dtype: the default dtype (``get_variable``'s ``dtype`` wins).

    Raises:
      ValueError: a shape that is not 2-D (when called).

    Example:
      >>> import jaxscope as js
      >>> js.identity_initializer(gain=2.0)([2, 3])
      Array([[2., 0., 0.],
             [0., 2., 0.]], dtype=float32)

    TF1 equivalent: tf.compat.v1.initializers.identity
    """

    gain: float = 1.0
    dtype: Any = "float32"
    needs_key = False

    def sample(self, key, shape, dtype):
        if len(shape) != 2:
            raise ValueError(
                f"Identity matrix initializer can only be used for 2D matrices, got shape {shape}."
            )
        return jnp.eye(*shape, dtype=dtype) * jnp.asarray(self.gain, dtype)
