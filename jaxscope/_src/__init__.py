"""jaxscope's implementation, one package per concept; the public modules only re-export.

From the bottom up (each package may import only those below it, and ``errors``, the shared
base of the error classes; ``tests/test_architecture.py`` holds the house to this):

* ``initializers`` — TF1's initializer catalogue, fused threefry draws, dtypes.
* ``sharding`` — partitioners, partitioned variables' slicing, sharding rules.
* ``core`` — names, scopes, frames, variables, custom getters, assign, collections,
  regularizers, ``transform``, templates, control flow, lifted transforms, ``inspect``.
* ``layers`` (``tf.layers``), ``train`` (``tf.train``), ``flax`` (linen / nnx bridges) — on core.
* ``nn`` (``tf.nn``: rnn, embeddings, sampled losses) — on layers' base and core.
* ``contrib`` (``tf.contrib.layers`` / slim) — on layers, nn and core.
* ``checkpoint`` — TensorBundle files, TF1 checkpoints <-> trees, orbax, optimizer slots.
"""
