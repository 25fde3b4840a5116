"""TF1's candidate samplers (``log_uniform_candidate_sampler``, ``uniform_candidate_sampler``),
vectorised for XLA.

TF1 (``unique=True``) draws one id at a time, rejecting ids already drawn, until it has
``num_sampled`` distinct ids; ``num_tries`` counts every draw, and the expected counts are
``1 - (1 - P(k))**num_tries`` (``P(k) * num_sampled`` when nothing was rejected). Here a fixed
batch of draws is made at once (its size from :func:`oversample_size`); the first occurrence of
each id, in draw order, is kept, the first ``num_sampled`` of them are the samples, and
``num_tries`` is the position of the last one: TF1's procedure exactly whenever the batch holds
``num_sampled`` distinct ids (a shortfall has probability far below 1e-12; if it happened, the
missing samples would repeat id 0 and ``num_tries`` would be the batch size).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from jaxscope._src.core.random import next_rng_key
from jaxscope._src.nn.embedding import check_ids


def log_uniform_probability(ids, range_max):
    """P(k) = (log(k + 2) - log(k + 1)) / log(range_max + 1), TF1's LogUniformSampler."""
    ids = jnp.asarray(ids, jnp.float32)
    return jnp.log1p(1.0 / (ids + 1.0)) / math.log1p(range_max)


def expected_count(p, num_tries, num_sampled):
    """TF1's ``ExpectedCountHelper``: ``1 - (1 - p)**num_tries``, or ``p * num_sampled`` when no
    draw was rejected (``num_tries == num_sampled``)."""
    return jnp.where(
        num_tries == num_sampled,
        p * num_sampled,
        -jnp.expm1(jnp.asarray(num_tries).astype(jnp.float32) * jnp.log1p(-p)),
    )


def oversample_size(num_sampled, range_max, sigmas=8.0, probabilities=None):
    """Draws per call so that, with overwhelming probability, they hold ``num_sampled`` distinct ids.

    The number of distinct ids among m draws is a sum of negatively associated indicators with
    mean sum_k 1 - (1 - p_k)**m; this is the smallest multiple of 16 whose mean minus ``sigmas``
    standard deviations reaches ``num_sampled`` (a Chernoff bound puts the shortfall probability
    far below 1e-12). ``probabilities`` defaults to the log-uniform distribution.
    """
    if num_sampled > range_max:
        raise ValueError(
            f"num_sampled={num_sampled} distinct ids cannot be drawn from range_max={range_max} "
            "(unique=True); lower num_sampled or pass unique=False."
        )
    p = probabilities
    if p is None:
        p = np.log1p(1.0 / (np.arange(range_max) + 1.0)) / np.log1p(range_max)
    m = max(16, -(-num_sampled // 16) * 16)
    while True:
        q = -np.expm1(m * np.log1p(-p))
        if q.sum() - sigmas * math.sqrt((q * (1 - q)).sum()) >= num_sampled:
            return m
        m += 16


def log_uniform_draws(key, n, range_max):
    """``n`` independent draws from P(k), as TF1's ``LogUniformSampler::Sample``:
    ``floor(exp(u * log(range_max + 1))) - 1`` for ``u ~ U[0, 1)`` (in float32; TF1 float64)."""
    u = jax.random.uniform(key, [n])
    return (jnp.floor(jnp.exp(u * math.log1p(range_max))).astype(jnp.int32) - 1) % range_max


def _key(key, seed):
    if key is None:
        key = next_rng_key()
    if seed is not None:
        key = jax.random.fold_in(key, seed)
    return key


def _unique_first(draws, num_sampled):
    """The first ``num_sampled`` distinct draws in draw order, and TF1's ``num_tries``."""
    earlier = jnp.tril(draws[:, None] == draws[None, :], k=-1)
    first = ~earlier.any(axis=1)
    (pos,) = jnp.nonzero(first, size=num_sampled, fill_value=0)
    num_tries = jnp.where(
        jnp.sum(first) >= num_sampled, pos[num_sampled - 1] + 1, draws.shape[0]
    ).astype(jnp.int32)
    return draws[pos], num_tries


def _sample(draw, probability, true_classes, num_sampled, unique, num_draws, range_max, op):
    true_classes = jnp.asarray(true_classes)
    check_ids(true_classes, range_max, op, "true_classes", f"range_max={range_max}")
    if unique:
        sampled, num_tries = _unique_first(draw(num_draws), num_sampled)
    else:
        sampled, num_tries = draw(num_sampled), jnp.int32(num_sampled)
    valid = (true_classes >= 0) & (true_classes < range_max)  # traced: NaN for the others
    p_true = jnp.where(valid, probability(true_classes), jnp.nan)
    true_ec = expected_count(p_true, num_tries, num_sampled)
    sampled_ec = expected_count(probability(sampled), num_tries, num_sampled)
    return tuple(jax.lax.stop_gradient(x) for x in (sampled, true_ec, sampled_ec))


def log_uniform_candidate_sampler(
    true_classes,
    num_true,
    num_sampled,
    unique,
    range_max,
    seed=None,
    name=None,
    *,
    key=None,
    num_draws=None,
):
    """Samples ``num_sampled`` class ids from the log-uniform (Zipfian) distribution
    ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``.

    Args:
      true_classes: int ``[batch, num_true]``: the target classes (for their expected counts).
      num_true: TF1's argument (the shape of ``true_classes`` carries it).
      num_sampled: how many ids to sample.
      unique: if True, the samples are distinct (rejection sampling, as TF1).
      range_max: ids are drawn from ``[0, range_max)``.
      seed: an int folded into the key (TF1's op seed).
      name: unused.
      key: the PRNG key; default :func:`jaxscope.next_rng_key` (inside a transformed function).
      num_draws: with ``unique``, how many draws to make at once (default
        :func:`oversample_size`).

    Returns:
      ``(sampled_candidates [num_sampled], true_expected_count [batch, num_true],
      sampled_expected_count [num_sampled])``, gradients stopped.

    Raises:
      IdOutOfRangeError: (an ``IndexError`` and ``ValueError``) concrete ``true_classes`` hold
        an id outside ``[0, range_max)``, as TF1 raised. Traced ones (under ``jax.jit``) get a
        NaN expected count instead.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> sampled, true_count, sampled_count = js.nn.log_uniform_candidate_sampler(
      ...     jnp.array([[1], [2]]), 1, num_sampled=3, unique=False, range_max=10,
      ...     key=jax.random.key(0))
      >>> sampled.shape, true_count.shape, sampled_count.shape
      ((3,), (2, 1), (3,))

    TF1 equivalent: tf.compat.v1.nn.log_uniform_candidate_sampler
    """
    del num_true, name
    key = _key(key, seed)
    if unique and num_draws is None:
        num_draws = oversample_size(num_sampled, range_max)
    return _sample(
        lambda n: log_uniform_draws(key, n, range_max),
        lambda ids: log_uniform_probability(ids, range_max),
        true_classes, num_sampled, unique, num_draws, range_max, "log_uniform_candidate_sampler",
    )  # fmt: skip


def uniform_candidate_sampler(
    true_classes,
    num_true,
    num_sampled,
    unique,
    range_max,
    seed=None,
    name=None,
    *,
    key=None,
    num_draws=None,
):
    """Samples ``num_sampled`` class ids uniformly from ``[0, range_max)``; the arguments and
    results (and out-of-range ``true_classes``) are those of
    :func:`log_uniform_candidate_sampler` (``P(k) = 1 / range_max``).

    Args:
      true_classes: int ``[batch, num_true]``: the target classes (for their expected counts).
      num_true: TF1's argument (the shape of ``true_classes`` carries it).
      num_sampled: how many ids to sample.
      unique: if True, the samples are distinct (rejection sampling, as TF1).
      range_max: ids are drawn from ``[0, range_max)``.
      seed: an int folded into the key (TF1's op seed).
      name: unused.
      key: the PRNG key; default :func:`jaxscope.next_rng_key` (inside a transformed function).
      num_draws: with ``unique``, how many draws to make at once.

    Returns:
      ``(sampled_candidates [num_sampled], true_expected_count [batch, num_true],
      sampled_expected_count [num_sampled])``, gradients stopped.

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> sampled, true_count, sampled_count = js.nn.uniform_candidate_sampler(
      ...     jnp.array([[1], [2]]), 1, num_sampled=3, unique=False, range_max=10,
      ...     key=jax.random.key(0))
      >>> sampled.shape, true_count  # 3 draws, each a 1 in 10 chance
      ((3,), Array([[0.3],
                    [0.3]], dtype=float32))

    TF1 equivalent: tf.compat.v1.nn.uniform_candidate_sampler
    """
    del num_true, name
    key = _key(key, seed)
    if unique and num_draws is None:
        num_draws = oversample_size(
            num_sampled, range_max, probabilities=np.full([range_max], 1.0 / range_max)
        )
    return _sample(
        lambda n: jax.random.randint(key, [n], 0, range_max, jnp.int32),
        lambda ids: jnp.full(jnp.shape(ids), 1.0 / range_max, jnp.float32),
        true_classes, num_sampled, unique, num_draws, range_max, "uniform_candidate_sampler",
    )  # fmt: skip
