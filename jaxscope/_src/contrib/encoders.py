"""TF1's ``tf.contrib.layers`` encoders: ``embed_sequence``."""

from __future__ import annotations

import jax.numpy as jnp

from jaxscope._src.contrib.variables import model_variable
from jaxscope._src.core.scope import variable_scope
from jaxscope._src.nn.embedding import lookup


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):  # fmt: skip
    """Maps a sequence of symbol ids to a sequence of embeddings: ``embeddings[ids]``.

    Opens ``variable_scope(scope, "EmbedSequence", reuse=reuse)`` and creates (or, reusing,
    fetches) the model variable ``embeddings`` of shape ``[vocab_size, embed_dim]``, as TF1 did;
    the typical use is one embedding table shared by an encoder and a decoder.

    Args:
      ids: integer array of symbol ids, ``[batch_size, doc_length]`` (any shape works).
      vocab_size, embed_dim: the table's shape. Both are required unless ``reuse`` is truthy;
        reusing, TF1 skipped the shape check when either is None.
      unique: TF1 looked each distinct id up once and repeated the rows
        (``embedding_lookup_unique``) to save lookups; the values and gradients are the same
        as without it, so here it is accepted and has no effect.
      initializer: the table's initializer; None takes the scope's, else ``get_variable``'s
        default (``glorot_uniform_initializer``).
      regularizer: for the table (into ``REGULARIZATION_LOSSES``).
      trainable: False puts the table in ``variables["state"]``.
      scope, reuse: the variable scope (default name ``EmbedSequence``) and its reuse.

    Returns:
      ``ids.shape + [embed_dim]`` embeddings. Traced ids (under ``jax.jit``) outside
      ``[0, vocab_size)`` get rows of NaN (negative ids do not wrap around), never a real row.

    Raises:
      IdOutOfRangeError: (an ``IndexError`` and ``ValueError``) a concrete id outside
        ``[0, vocab_size)``, naming ``<scope>/embeddings``, as TF1 raised on CPU.
      ValueError: ``vocab_size`` or ``embed_dim`` missing (or 0) without ``reuse``; the usual
        ``get_variable`` reuse and shape errors, naming ``<scope>/embeddings``.
      TypeError: ``ids`` are not integers (TF1: int32 or int64 only).

    Example:
      >>> import jax, jax.numpy as jnp, jaxscope as js
      >>> def seq2seq(source, target):
      ...     enc = js.slim.embed_sequence(source, 10, 4, scope="embed")
      ...     dec = js.slim.embed_sequence(target, scope="embed", reuse=True)
      ...     return enc, dec
      >>> f = js.transform(seq2seq)
      >>> ids = jnp.array([[1, 2, 3], [4, 5, 6]])
      >>> variables = f.init(jax.random.key(0), ids, ids)
      >>> jax.tree.map(jnp.shape, variables)
      {'params': {'embed': {'embeddings': (10, 4)}}}
      >>> enc, dec = f.apply(variables, ids, ids[:, :2])
      >>> enc.shape, dec.shape
      ((2, 3, 4), (2, 2, 4))

    TF1 equivalent: tf.contrib.layers.embed_sequence
    """
    del unique  # same values and gradients; TF1's unique path only saved lookups
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError(
            "Must specify vocab size and embedding dimension when not reusing. Got "
            f"vocab_size={vocab_size} and embed_dim={embed_dim}. Pass both "
            "(embed_sequence(ids, vocab_size, embed_dim)), or reuse=True to share an existing "
            "table."
        )
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse) as sc:
        shape = [vocab_size, embed_dim]
        # TF1's precedence: (reuse and vocab_size is None) or embed_dim is None
        if reuse and vocab_size is None or embed_dim is None:
            shape = None
        embeddings = model_variable(
            "embeddings", shape=shape, initializer=initializer, regularizer=regularizer,
            trainable=trainable,
        )  # fmt: skip
        ids = jnp.asarray(ids)
        if not jnp.issubdtype(ids.dtype, jnp.integer):
            raise TypeError(
                f'embed_sequence "{sc.name}/embeddings": ids must be integers '
                f"(TF1: int32 or int64), got {ids.dtype}. Cast them: ids.astype(jnp.int32)."
            )
        return lookup(embeddings, ids, op="embed_sequence", table=f"{sc.name}/embeddings")
