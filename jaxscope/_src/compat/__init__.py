"""TF1's ops as TF1 defines them, on ``jax.numpy`` / ``lax`` (public: ``jaxscope.compat.v1``).

One module per TF1 module (``array_ops``, ``math_ops``, ...): each op has TF1's signature and
semantics (argument aliases such as ``keep_dims``/``dim``, TF1's dtype rules, TF1's build-time
errors with TF1's builtin class), and ``name=`` takes part in TF1's op naming (it can shift a later
name scope to ``name_1``) without building anything. ``graph`` holds the graph-mode leftovers and
the names that cannot exist in a pure program.

May import: ``core``, ``initializers``, ``layers``, ``nn``, ``train``, ``summary``, ``contrib``, ``checkpoint``
(and ``errors``): it is the top of the house.
"""
