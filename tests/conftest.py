import os

import pytest

# tf.compat.v1.layers (the oracle of tests/test_layers*.py) needs Keras 2 (tf_keras); TensorFlow
# reads this once, at its first import.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# TF's own CPU kernels run convolutions and pooling in NHWC only; with oneDNN (TF's default on
# some CPUs, not on e.g. AMD EPYC without AVX-512) they also run NCHW, which the channels_first
# oracle tests need. Set it for every machine, so the oracle is the same everywhere.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
# Most tests compile many small XLA programs and run each once or twice: LLVM's optimization passes
# are then over half of the suite's time. The tests check what the programs compute (XLA's HLO
# passes -- fusion, buffer assignment, memory_analysis -- still run), not how fast LLVM's code is;
# benchmarks/ measure speed with jax's defaults. JAX_DISABLE_MOST_OPTIMIZATIONS=0 runs the suite
# fully optimized.
os.environ.setdefault("JAX_DISABLE_MOST_OPTIMIZATIONS", "1")

_TF = None


@pytest.fixture(autouse=True)
def _xla_fully_optimized_when_marked(request):
    """``@pytest.mark.optimized_xla``: the test runs with jax's default LLVM optimization (tests
    that jit and eager results agree to the bit, or match TF1 to 1e-6 over many steps, check what
    a user's default configuration computes). jax's compile caches do not key on the flag, so they
    are cleared on the way in and out."""
    if request.node.get_closest_marker("optimized_xla") is None:
        yield
        return
    import jax

    before = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", False)
    jax.clear_caches()
    try:
        yield
    finally:
        jax.config.update("jax_disable_most_optimizations", before)
        jax.clear_caches()


_SKIPPED: list[str] = []


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
        # Grappler's graph rewrites off for every Session the oracles open (a Session without a
        # config takes the context's): on graphs this small, rewriting each new run signature
        # costs more than running it (a 20-layer graph built and run 30 times: 10.1 -> 4.9 s).
        # TF's kernels compute the same values; only fusions and constant folding are skipped.
        from tensorflow import config

        config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
        _TF = tf
    return _TF


@pytest.fixture(scope="session")
def tf1():
    return load_tf1()


@pytest.fixture(scope="session")
def slim(tf1):
    """tf_slim, importable against TF 2.21 / tf_keras 2.21 (two renamed modules)."""
    import sys

    import tf_keras.src.legacy_tf_layers as legacy
    from tensorflow.python.framework import ops

    if not hasattr(ops, "Tensor"):
        ops.Tensor = tf1.Tensor
    sys.modules.setdefault("tf_keras.legacy_tf_layers", legacy)
    try:
        import tf_slim
    except ImportError:
        if os.environ.get("JAXSCOPE_REQUIRE_TF"):
            raise
        pytest.skip("tf-slim is not installed (oracle tests of jaxscope.slim)")

    return tf_slim


# Under pytest-xdist the controller receives every worker's test reports (and its skipped
# collection reports) through these same hooks, so the controller's list is the whole run's.
def pytest_runtest_logreport(report):
    if report.skipped:
        _SKIPPED.append(report.nodeid)


def pytest_collectreport(report):
    if report.skipped:  # a module-level importorskip skips a whole file at collection
        _SKIPPED.append(report.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller decides the run's exit status
    # CI sets JAXSCOPE_FAIL_ON_SKIP: there a skip means a missing dependency or a dead test.
    if _SKIPPED and os.environ.get("JAXSCOPE_FAIL_ON_SKIP"):
        print(f"\nJAXSCOPE_FAIL_ON_SKIP: {len(_SKIPPED)} test(s) skipped: {', '.join(_SKIPPED)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
