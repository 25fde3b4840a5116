"""TF1's ``tf.compat.v1.layers``, written on ``variable_scope`` and ``get_variable``.

May import: ``core``, ``initializers`` (and ``errors``).
"""
