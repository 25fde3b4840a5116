import functools
import json
import os
import subprocess
import sys
import tempfile
import threading

import pytest

# tf.compat.v1.layers (the oracle of tests/test_layers*.py) needs Keras 2 (tf_keras); TensorFlow
# reads this once, at its first import.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# TF's own CPU kernels run convolutions and pooling in NHWC only; with oneDNN (TF's default on
# some CPUs, not on e.g. AMD EPYC without AVX-512) they also run NCHW, which the channels_first
# oracle tests need. Set it for every machine, so the oracle is the same everywhere.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
# Most tests compile many small XLA programs and run each once or twice: compiling is then most of
# the suite's time. The tests check what the programs compute, not how fast their code runs
# (benchmarks/ measure speed with jax's defaults), so the suite compiles with LLVM's optimization
# passes off and XLA's older CPU emitters (half the compile time of the fusion emitters); XLA's HLO
# passes -- fusion, buffer assignment, memory_analysis -- still run. Tests marked
# ``@pytest.mark.optimized_xla`` check what a user's default configuration computes or compiles
# (bit-exact draws, HLO text, 1e-6 over many steps): they run in a child pytest with jax's
# defaults, one child per test module (XLA reads its flags once per process).
_CHILD = "JAXSCOPE_TEST_JAX_DEFAULTS"  # set in that child: the user's environment, as given
_GIVEN = "JAXSCOPE_TEST_GIVEN_XLA_FLAGS"  # XLA_FLAGS before this file changed them
if not os.environ.get(_CHILD):
    os.environ.setdefault(_GIVEN, os.environ.get("XLA_FLAGS", ""))
    os.environ.setdefault("JAX_DISABLE_MOST_OPTIMIZATIONS", "1")
    if "xla_cpu_use_fusion_emitters" not in os.environ.get("XLA_FLAGS", ""):
        flags = os.environ.get("XLA_FLAGS", "") + " --xla_cpu_use_fusion_emitters=false"
        os.environ["XLA_FLAGS"] = flags.strip()

# The source locations jax writes into each lowered program (ten frames of traceback per
# operation) cost a tenth of the suite's compile-heavy files' time; no test reads them, and they do
# not change what a program computes.
os.environ.setdefault("JAX_TRACEBACK_IN_LOCATIONS_LIMIT", "0")

# Experiments turn jax's persistent compilation cache on (js.enable_compilation_cache); tests
# compile what they check, in a fresh process, and write nothing to the home directory.
os.environ.setdefault("JAXSCOPE_COMPILATION_CACHE", "off")

_TF = None
_CHILD_RESULTS: dict[str, dict[str, dict]] = {}  # test module -> node id -> its failed report


def pytest_collection_modifyitems(config, items):
    if os.environ.get(_CHILD):
        return
    for item in items:
        if item.get_closest_marker("optimized_xla") is not None:
            item.runtest = functools.partial(_run_with_jax_defaults, item)
            item.setup = lambda: None  # its fixtures are the child's to make


def _run_with_jax_defaults(item):
    """The test's outcome in a child pytest run with jax's default configuration (every marked
    test of its module runs in that one child)."""
    module = item.nodeid.split("::")[0]
    if module not in _CHILD_RESULTS:
        marked = [
            i.nodeid
            for i in item.session.items
            if i.nodeid.startswith(module + "::") and i.get_closest_marker("optimized_xla")
        ]
        env = {k: v for k, v in os.environ.items() if k != "JAX_DISABLE_MOST_OPTIMIZATIONS"}
        env.update({_CHILD: "1", "XLA_FLAGS": os.environ[_GIVEN]})
        with tempfile.TemporaryDirectory() as tmp:
            env["JAXSCOPE_TEST_REPORTS"] = report_file = os.path.join(tmp, "reports.jsonl")
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            command += ["-p", "no:xdist", "--rootdir", str(item.config.rootpath), *marked]
            run = subprocess.run(
                command, env=env, cwd=item.config.rootpath, capture_output=True, text=True
            )
            reports = {}
            if os.path.exists(report_file):
                with open(report_file) as f:
                    reports = {r["nodeid"]: r for r in map(json.loads, f)}
        _CHILD_RESULTS[module] = {"reports": reports, "output": run.stdout + run.stderr}
    result = _CHILD_RESULTS[module]
    report = result["reports"].get(item.nodeid)
    if report is None:
        pytest.fail(f"{item.nodeid} did not run in its child pytest:\n{result['output'][-4000:]}")
    if report["outcome"] == "skipped":
        pytest.skip(report["longrepr"])
    if report["outcome"] == "failed":
        pytest.fail(f"with jax's defaults, in a child pytest:\n{report['longrepr']}", pytrace=False)


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
    reports = os.environ.get("JAXSCOPE_TEST_REPORTS")
    if reports and os.environ.get(_CHILD) and (report.when == "call" or not report.passed):
        outcome = "failed" if report.failed else report.outcome  # a failed setup fails the test
        if report.skipped and isinstance(report.longrepr, tuple):
            longrepr = report.longrepr[2]
        else:
            longrepr = str(report.longrepr or "")
        with open(reports, "a") as f:
            f.write(json.dumps({"nodeid": report.nodeid, "outcome": outcome, "longrepr": longrepr}))
            f.write("\n")


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


def _share_mlir_contexts(modules_per_context=10):
    """jax lowers every program in a new MLIR context (3-4 ms to load its dialects), which its
    compiled executable keeps alive in jax's caches. The suite lowers tens of thousands of small
    programs: one context for every 10 of them cuts a fifth of their CPU time and half the memory
    (test_compat_math_ops + test_random_adversarial, one process: 55-57 -> 45 CPU s, 2.8 -> 1.5
    GB). A context kept for 500 programs was slower on big programs (MLIR's per-context
    bookkeeping grows). The context holds the IR only: the programs, and what XLA compiles from
    them, are the same."""
    try:
        from jax._src.interpreters import mlir
    except ImportError:  # jax moved its internals: the suite runs as jax does, only slower
        return
    make = getattr(mlir, "make_ir_context", None)
    if make is None:
        return
    lock, shared = threading.Lock(), {"context": None, "uses": 0}

    def make_ir_context():
        with lock:
            if shared["context"] is None or shared["uses"] >= modules_per_context:
                shared.update(context=make(), uses=0)
            shared["uses"] += 1
            return shared["context"]

    mlir.make_ir_context = make_ir_context


_share_mlir_contexts()
