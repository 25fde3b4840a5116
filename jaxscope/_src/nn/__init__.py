"""TF1's ``tf.compat.v1.nn`` (the parts that hold variables or randomness): recurrent cells and
networks, embedding lookups, candidate sampling and sampled losses.

May import: ``core``, ``initializers``, ``layers`` (and ``errors``).
"""
