"""Summaries: the fetchable value a ``tf.summary`` op returns (:class:`Summary`), its conversion
to TF1's ``Summary`` protocol buffer (histogram buckets and PNG images made as TF1's kernels make
them) and TensorBoard event files written without TensorFlow (:class:`FileWriter`).

May import: ``core`` (and ``errors``).
"""
