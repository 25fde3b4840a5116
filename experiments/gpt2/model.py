"""GPT-2 written as the original TF1 release writes it: ``variable_scope`` / ``get_variable``.

The scope structure, variable names, shapes, initializers and creation order are the original
checkpoint's (``model/wpe``, ``model/wte``, ``model/h{i}/{ln_1,attn/c_attn,attn/c_proj,ln_2,
mlp/c_fc,mlp/c_proj}/{w,b,g}``, ``model/ln_f``), so a TF1 checkpoint maps onto the variables tree
of ``js.transform(...).init`` by name.

``model(hparams, X, past=None, scope="model", reuse=False)`` behaves as the original: ``past``
(``[batch, n_layer, 2, n_head, past_len, head_dim]``) is concatenated in front of the new keys and
values, and ``present`` holds only the new ones. Under ``jax.jit`` that gives a new shape, hence a
new compilation, for every generated token. The keyword-only ``past_length`` selects a
fixed-size cache instead: ``past`` is then a buffer whose sequence axis has a fixed length
(``n_ctx`` at most), the new keys and values are written into it at ``past_length`` with
``lax.dynamic_update_slice``, attention is masked by position, and ``present`` is the updated
buffer. Every step then has the same shapes: one compilation for all tokens.
"""

from __future__ import annotations

import dataclasses
import json

import jax
import jax.numpy as jnp
import numpy as np

import jaxscope as js


@dataclasses.dataclass(frozen=True)
class HParams:
    """The original's ``HParams`` (frozen, so it can be a static argument of ``jax.jit``)."""

    n_vocab: int = 0
    n_ctx: int = 1024
    n_embd: int = 768
    n_head: int = 12
    n_layer: int = 12

    def override_from_dict(self, values: dict) -> HParams:
        return dataclasses.replace(self, **values)

    @classmethod
    def from_json(cls, path: str) -> HParams:
        with open(path) as fh:
            return cls().override_from_dict(json.load(fh))


def default_hparams() -> HParams:
    return HParams()


GPT2_124M = HParams(n_vocab=50257, n_ctx=1024, n_embd=768, n_head=12, n_layer=12)


def shape_list(x):
    """Static shapes only: in JAX every traced shape is known."""
    return list(x.shape)


def softmax(x, axis=-1):
    x = x - jnp.max(x, axis=axis, keepdims=True)
    ex = jnp.exp(x)
    return ex / jnp.sum(ex, axis=axis, keepdims=True)


def gelu(x):
    return 0.5 * x * (1 + jnp.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * jnp.power(x, 3))))


def norm(x, scope, *, axis=-1, epsilon=1e-5):
    """Layer norm: zero mean, unit variance, then the diagonal affine map ``g``, ``b``."""
    with js.variable_scope(scope):
        n_state = x.shape[-1]
        g = js.get_variable("g", [n_state], initializer=js.constant_initializer(1))
        b = js.get_variable("b", [n_state], initializer=js.constant_initializer(0))
        u = jnp.mean(x, axis=axis, keepdims=True)
        n = x - u
        s = jnp.mean(jnp.square(n), axis=axis, keepdims=True)
        x = n * jax.lax.rsqrt(s + epsilon)
        return x * g + b


def split_states(x, n):
    *start, m = shape_list(x)
    return jnp.reshape(x, start + [n, m // n])


def merge_states(x):
    *start, a, b = shape_list(x)
    return jnp.reshape(x, start + [a * b])


def conv1d(x, scope, nf, *, w_init_stdev=0.02):
    """A dense layer whose weight has the original's 1x1-convolution shape ``[1, nx, nf]``."""
    with js.variable_scope(scope):
        *start, nx = shape_list(x)
        w = js.get_variable(
            "w", [1, nx, nf], initializer=js.random_normal_initializer(stddev=w_init_stdev)
        )
        b = js.get_variable("b", [nf], initializer=js.constant_initializer(0))
        c = jnp.reshape(x, [-1, nx]) @ jnp.reshape(w, [-1, nf]) + b
        return jnp.reshape(c, start + [nf])


def attention_mask(nd, ns, *, dtype, past_length=None):
    """1 where query ``i`` (at position ``past_length + i``) may see key ``j``.

    With ``past_length=None`` the keys are exactly past + new (the original's lower triangle
    counted from the lower-right corner, ``past_length = ns - nd``); with a cache buffer the keys
    beyond ``past_length + i`` are unwritten or future and are masked out.
    """
    offset = ns - nd if past_length is None else past_length
    i = jnp.arange(nd)[:, None]
    j = jnp.arange(ns)
    return (i >= j - offset).astype(dtype)


def attn(x, scope, n_state, *, past, hparams, past_length=None):
    assert x.ndim == 3  # [batch, sequence, features]
    assert n_state % hparams.n_head == 0
    if past is not None:
        assert past.ndim == 5  # [batch, 2, heads, sequence, features], 2 is [k, v]

    def split_heads(x):
        return jnp.transpose(split_states(x, hparams.n_head), [0, 2, 1, 3])

    def merge_heads(x):
        return merge_states(jnp.transpose(x, [0, 2, 1, 3]))

    def mask_attn_weights(w):
        # w is [batch, heads, dst_sequence, src_sequence]: information flows from src to dst.
        _, _, nd, ns = shape_list(w)
        b = attention_mask(nd, ns, dtype=w.dtype, past_length=past_length)
        b = jnp.reshape(b, [1, 1, nd, ns])
        return w * b - jnp.asarray(1e10, w.dtype) * (1 - b)

    def multihead_attn(q, k, v):
        w = q @ jnp.swapaxes(k, -1, -2)
        w = w * jax.lax.rsqrt(jnp.asarray(v.shape[-1], w.dtype))
        w = softmax(mask_attn_weights(w))
        return w @ v

    with js.variable_scope(scope):
        c = conv1d(x, "c_attn", n_state * 3)
        q, k, v = map(split_heads, jnp.split(c, 3, axis=2))
        present = jnp.stack([k, v], axis=1)
        if past is not None and past_length is None:  # the original: append to the past
            pk, pv = past[:, 0], past[:, 1]
            k = jnp.concatenate([pk, k], axis=-2)
            v = jnp.concatenate([pv, v], axis=-2)
        elif past is not None:  # fixed-size buffer: write the new keys/values at past_length
            zero = jnp.zeros((), jnp.int32)
            start = (zero, zero, zero, jnp.asarray(past_length, jnp.int32), zero)
            present = jax.lax.dynamic_update_slice(past, present.astype(past.dtype), start)
            k, v = present[:, 0], present[:, 1]
        a = multihead_attn(q, k, v)
        a = merge_heads(a)
        a = conv1d(a, "c_proj", n_state)
        return a, present


def mlp(x, scope, n_state, *, hparams):
    with js.variable_scope(scope):
        nx = x.shape[-1]
        h = gelu(conv1d(x, "c_fc", n_state))
        return conv1d(h, "c_proj", nx)


def block(x, scope, *, past, hparams, past_length=None):
    with js.variable_scope(scope):
        nx = x.shape[-1]
        a, present = attn(
            norm(x, "ln_1"), "attn", nx, past=past, hparams=hparams, past_length=past_length
        )
        x = x + a
        m = mlp(norm(x, "ln_2"), "mlp", nx * 4, hparams=hparams)
        x = x + m
        return x, present


def past_shape(*, hparams, batch_size=None, sequence=None):
    return [
        batch_size,
        hparams.n_layer,
        2,
        hparams.n_head,
        sequence,
        hparams.n_embd // hparams.n_head,
    ]


def positions_for(tokens, past_length):
    batch_size, nsteps = tokens.shape
    return jnp.broadcast_to(past_length + jnp.arange(nsteps), (batch_size, nsteps))


def model(hparams, X, past=None, scope="model", reuse=False, *, past_length=None):
    """The GPT-2 language model; returns ``{"logits": [batch, seq, n_vocab], "present": ...}``.

    Args:
      hparams: an :class:`HParams`.
      X: int token ids, ``[batch, sequence]``.
      past: cached keys and values, ``past_shape(hparams=...)``; ``None`` for none.
      scope, reuse: as in the original (``variable_scope(scope, reuse=reuse)``).
      past_length: ``None`` (the original: ``past`` is concatenated, ``present`` holds the new
        keys/values only), or the number of valid positions in a fixed-size ``past`` buffer (an
        int or a traced scalar): the new keys/values are written there, ``present`` is the
        updated buffer, and shapes do not change from step to step.
    """
    with js.variable_scope(scope, reuse=reuse):
        results = {}
        batch, sequence = shape_list(X)

        wpe = js.get_variable(
            "wpe",
            [hparams.n_ctx, hparams.n_embd],
            initializer=js.random_normal_initializer(stddev=0.01),
        )
        wte = js.get_variable(
            "wte",
            [hparams.n_vocab, hparams.n_embd],
            initializer=js.random_normal_initializer(stddev=0.02),
        )
        if past_length is not None:
            offset = past_length
        else:
            offset = 0 if past is None else past.shape[-2]
        h = jnp.take(wte, X, axis=0) + jnp.take(wpe, positions_for(X, offset), axis=0)

        presents = []
        pasts = (
            [None] * hparams.n_layer if past is None else [past[:, i] for i in range(past.shape[1])]
        )
        assert len(pasts) == hparams.n_layer
        for layer, layer_past in enumerate(pasts):
            h, present = block(
                h, f"h{layer}", past=layer_past, hparams=hparams, past_length=past_length
            )
            presents.append(present)
        results["present"] = jnp.stack(presents, axis=1)
        h = norm(h, "ln_f")

        # Language model: do tokens < n predict token n?
        h_flat = jnp.reshape(h, [batch * sequence, hparams.n_embd])
        logits = h_flat @ jnp.transpose(wte)
        results["logits"] = jnp.reshape(logits, [batch, sequence, hparams.n_vocab])
        return results


def creation_order(hparams, scope="model"):
    """``[(name, shape), ...]`` of ``model``'s variables in creation order, traced without FLOPs.

    The order is read from ``js.global_variables()`` inside the transformed function, as TF1's
    ``tf.global_variables()`` after building the graph.
    """
    seen = []

    def probe(X):
        model(hparams, X, scope=scope)
        seen.append([(v.name[: -len(":0")], tuple(v.shape)) for v in js.global_variables()])

    X = jax.ShapeDtypeStruct((1, 1), jnp.int32)
    jax.eval_shape(js.transform(probe).init, jax.random.key(0), X)
    return seen[0]
