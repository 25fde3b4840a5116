"""Bridges to flax: a jaxscope function as a linen module and back, and nnx modules inside a
jaxscope function (public: ``jaxscope.flax``).

May import: ``core``, ``initializers`` (and ``errors``).
"""
