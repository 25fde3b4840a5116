"""The PTB tutorial's ``util.py`` helpers that ``ptb_word_lm.py`` calls, written for jaxscope.

``export_ops`` files the model's tensors in collections by name (TF1 did so to carry them
through a metagraph export and import); jaxscope has no metagraph, so the port keeps the calls
(they run in the program) and reaches the values by ``Runner.outputs`` instead. Grappler's
``auto_parallel`` (``--num_gpus`` > 1) has no twin.
"""

from __future__ import annotations

import jaxscope.compat.v1 as tf


def with_prefix(prefix, name):
    """Adds prefix to name."""
    return "/".join((prefix, name))


def export_state_tuples(state_tuples, name):
    for state_tuple in state_tuples:
        tf.add_to_collection(name, state_tuple.c)
        tf.add_to_collection(name, state_tuple.h)


def auto_parallel(metagraph, model):
    raise NotImplementedError(
        "--num_gpus > 1: Grappler's AutoParallel has no jaxscope twin; shard the program with "
        "jaxscope.sharding instead."
    )
