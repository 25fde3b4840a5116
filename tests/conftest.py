import os

import pytest

_TF = None


def load_tf1():
    """tf.compat.v1 in TF1 graph mode (ref variables), imported once per session."""
    global _TF
    if _TF is None:
        try:
            import tensorflow.compat.v1 as tf
        except ImportError:
            if os.environ.get("JAXSCOPE_REQUIRE_TF"):
                raise
            pytest.skip("tensorflow-cpu is not installed (oracle tests)")
        tf.disable_v2_behavior()
        tf.logging.set_verbosity(tf.logging.ERROR)
        _TF = tf
    return _TF


@pytest.fixture(scope="session")
def tf1():
    return load_tf1()
