"""TF1's ``tf.compat.v1.train``: optimizers, learning-rate schedules, moving averages, clipping,
the global step.

May import: ``core``, ``initializers`` (and ``errors``).
"""
