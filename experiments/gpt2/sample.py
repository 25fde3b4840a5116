"""Sampling as the original ``sample.py`` does (top-k, temperature, or greedy), two ways.

``sample_sequence`` keeps the keys/values in a fixed-size buffer (``model(..., past_length=)``),
so the prompt step and every later step each compile once. ``sample_sequence_concat`` is the
original's loop, which concatenates ``present`` onto ``past``: under ``jax.jit`` each token has
a new ``past`` shape, so each token compiles anew. ``TRACES`` counts the traces of both.
"""

from __future__ import annotations

import collections
import functools

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js

from .model import model, past_shape

TRACES: collections.Counter = collections.Counter()  # traces (= compilations) per step kind


@functools.cache
def language_model(hparams) -> js.Transformed:
    """``js.transform`` of ``model``; cached so that jitted callers see one ``apply`` per hparams."""

    def lm(X, past=None, past_length=None):
        return model(hparams=hparams, X=X, past=past, reuse=js.AUTO_REUSE, past_length=past_length)

    return js.transform(lm)


def top_k_logits(logits, k):
    """Sets all logits below the k-th largest of each row to -1e10 (k == 0: no truncation)."""
    if k == 0:
        return logits
    values, _ = jax.lax.top_k(logits, k)
    min_values = values[:, -1, None]
    return jnp.where(logits < min_values, jnp.asarray(-1e10, logits.dtype), logits)


def choose(logits, rng, *, temperature, top_k, greedy):
    """The next token of each row of ``logits`` ``[batch, n_vocab]``."""
    if greedy:
        return jnp.argmax(logits, axis=-1).astype(jnp.int32)
    logits = top_k_logits(logits / temperature, k=top_k)
    return jax.random.categorical(rng, logits, axis=-1).astype(jnp.int32)


@functools.partial(jax.jit, static_argnames=("apply", "top_k", "greedy"))
def _prefill(apply, variables, context, buffer, rng, temperature, *, top_k, greedy):
    TRACES["prefill"] += 1
    out = apply(variables, context, buffer, past_length=0)
    tok = choose(out["logits"][:, -1], rng, temperature=temperature, top_k=top_k, greedy=greedy)
    return out["present"], tok


@functools.partial(jax.jit, static_argnames=("apply", "top_k", "greedy"))
def _step(apply, variables, prev, buffer, pos, rng, temperature, *, top_k, greedy):
    TRACES["step"] += 1
    out = apply(variables, prev[:, None], buffer, past_length=pos)
    tok = choose(out["logits"][:, -1], rng, temperature=temperature, top_k=top_k, greedy=greedy)
    return out["present"], tok


def sample_sequence(
    *,
    hparams,
    variables,
    length,
    context,
    rng=None,
    temperature=1.0,
    top_k=0,
    greedy=False,
    apply=None,
    progress=False,
    on_token=None,
):
    """Generates ``length`` tokens after ``context`` with a fixed-size key/value cache.

    Args:
      hparams, variables: the model's hyperparameters and variables tree.
      length: number of new tokens.
      context: int ids ``[batch, n]``; ``n + length - 1 <= hparams.n_ctx``.
      rng: a PRNG key (unused when greedy).
      temperature, top_k, greedy: as the original's ``sample_sequence``; greedy takes the argmax.
      apply: the ``apply`` to call (default ``language_model(hparams).apply``); any function with
        its signature works (the benchmark passes a plain-JAX one).
      progress: show a tqdm bar (it waits for each token, so the bar shows real speed).
      on_token: called with the step index after each token is ready (for timing).

    Returns:
      ``[batch, n + length]`` int32: the context followed by the new tokens, as the original.
    """
    apply = apply or language_model(hparams).apply
    context = jnp.asarray(context, jnp.int32)
    batch, n = context.shape
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    if n + length - 1 > hparams.n_ctx:
        raise ValueError(
            f"context ({n}) + length ({length}) - 1 exceeds n_ctx ({hparams.n_ctx}): the model "
            "has no position embedding beyond n_ctx."
        )
    rng = jax.random.key(0) if rng is None else rng
    rngs = jax.random.split(rng, length)
    temperature = jnp.float32(temperature)
    dtype = jax.tree.leaves(variables)[0].dtype
    # The last token is never fed back, so n + length - 1 positions are enough.
    buffer = jnp.zeros(
        past_shape(hparams=hparams, batch_size=batch, sequence=n + length - 1), dtype
    )
    kw = {"top_k": top_k, "greedy": greedy}
    buffer, tok = _prefill(apply, variables, context, buffer, rngs[0], temperature, **kw)
    tokens = [tok]
    steps = range(1, length)
    if progress:
        from tqdm import tqdm

        steps = tqdm(steps, desc="generating (cached)", mininterval=0.5)
    if on_token is not None or progress:
        tok.block_until_ready()
        if on_token is not None:
            on_token(0)
    for i in steps:
        pos = jnp.int32(n + i - 1)
        buffer, tok = _step(apply, variables, tok, buffer, pos, rngs[i], temperature, **kw)
        tokens.append(tok)
        if on_token is not None or progress:
            tok.block_until_ready()
            if on_token is not None:
                on_token(i)
    return jnp.concatenate([context, jnp.stack(tokens, axis=1)], axis=1)


@functools.partial(jax.jit, static_argnames=("apply", "top_k", "greedy"))
def _concat_step(apply, variables, tokens, past, rng, temperature, *, top_k, greedy):
    TRACES["concat"] += 1
    out = apply(variables, tokens, past)
    tok = choose(out["logits"][:, -1], rng, temperature=temperature, top_k=top_k, greedy=greedy)
    present = out["present"]
    return (present if past is None else jnp.concatenate([past, present], axis=-2)), tok


def sample_sequence_concat(
    *,
    hparams,
    variables,
    length,
    context,
    rng=None,
    temperature=1.0,
    top_k=0,
    greedy=False,
    apply=None,
    progress=False,
    on_token=None,
):
    """The original ``sample.py`` loop: ``past = concat([past, present])``, one jit trace per token.

    Same arguments and result as :func:`sample_sequence`.
    """
    apply = apply or language_model(hparams).apply
    context = jnp.asarray(context, jnp.int32)
    rng = jax.random.key(0) if rng is None else rng
    rngs = jax.random.split(rng, length)
    temperature = jnp.float32(temperature)
    kw = {"top_k": top_k, "greedy": greedy}
    past, prev, out = None, context, [context]
    steps = range(length)
    if progress:
        from tqdm import tqdm

        steps = tqdm(steps, desc="generating (concat past)", mininterval=0.5)
    for i in steps:
        past, tok = _concat_step(apply, variables, prev, past, rngs[i], temperature, **kw)
        prev = tok[:, None]
        out.append(prev)
        tok.block_until_ready()
        if on_token is not None:
            on_token(i)
    return jnp.concatenate(out, axis=1)


def as_numpy(tokens) -> np.ndarray:
    return np.asarray(jax.device_get(tokens))
