"""TF1's ``tf.compat.v1.train``: optimizers, learning-rate schedules, moving averages, clipping,
the global step, and a session-like runner (``runner``; ``fetches``: what it fetches and feeds).

May import: ``core``, ``initializers`` (and ``errors``).
"""
