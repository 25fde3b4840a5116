"""The names of jaxscope.compat.v1 that docs/COMPAT.md listed as untested, checked against
tf.compat.v1 (tf_slim for tf.contrib) as a user porting TF1 code would check them: the dtypes'
attributes, Dimension's arithmetic, newaxis, Print and tuple, the v2-behaviour switches,
tf.errors' constructors, tf.gfile's directory functions, the resize kernels by name and rot90,
Initializer subclasses and compute_fans, tf.logging's records and output, the pooling layers and a
Layer subclass, losses.add_loss / compute_weighted_loss, nest.assert_same_structure, the contrib
helpers, a LayerRNNCell subclass and an Optimizer subclass. Each program runs on both; the test
compares what TF1 gave with what jaxscope gave."""

import logging
import os
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from compat_oracle import Case, assert_same, run_js, run_tf

import jaxscope as js
import jaxscope.compat.v1 as jtf

R = np.random.RandomState(24)
F32 = np.float32


# -- dtypes ---------------------------------------------------------------------------------------
DTYPE_ATTRS = ["name", "as_numpy_dtype", "size", "is_integer", "is_unsigned", "is_floating",
               "is_complex", "is_bool", "min", "max", "real_dtype", "base_dtype"]  # fmt: skip


def _dtypes(tf):
    return {
        "complex128": tf.complex128,
        "uint16": tf.uint16,
        "uint32": tf.uint32,
        "uint64": tf.uint64,
        "dtypes.complex128": tf.dtypes.complex128,
        "dtypes.uint16": tf.dtypes.uint16,
        "dtypes.uint32": tf.dtypes.uint32,
        "dtypes.uint64": tf.dtypes.uint64,
    }


def _attr(obj, attr):
    try:
        value = getattr(obj, attr)
    except Exception as e:  # noqa: BLE001 - the class is the record
        return type(e).__name__
    return value.name if hasattr(value, "as_numpy_dtype") else value


def test_dtypes_attributes_match_tf1(tf1):
    ours, theirs = _dtypes(jtf), _dtypes(tf1)
    for key, want in theirs.items():
        got = ours[key]
        for attr in DTYPE_ATTRS:
            assert _attr(got, attr) == _attr(want, attr), (key, attr)
        assert got == want.as_numpy_dtype and got == want.name
        assert jtf.as_dtype(want.name) == got and got.is_compatible_with(jtf.as_dtype(want.name))
        assert np.zeros(2, got).dtype == np.zeros(2, want.as_numpy_dtype).dtype
    assert jtf.uint16 != jtf.uint32 and (tf1.uint16 != tf1.uint32)


# -- Dimension ------------------------------------------------------------------------------------
DIM_EXPRESSIONS = [
    "a + 2", "2 + a", "a - 1", "5 - a", "a * 2", "2 * a", "a // 2", "7 // a", "a % 2", "7 % a",
    "a + D(4)", "a - 4", "a == 3", "a != 3", "a < 4", "a >= 3", "a.value", "(a * 2).value",
    "a.merge_with(None)", "a.merge_with(3)", "a.merge_with(D(3))", "a.merge_with(4)",
    "a.is_compatible_with(4)", "a.is_compatible_with(3)", "a.is_compatible_with(None)",
    "a.assert_is_compatible_with(3)", "a.assert_is_compatible_with(2)", "int(a)", "str(a)",
    "repr(a)", "D(a)", "D(2.5)", "D('3')", "D(-1)", "[1, 2, 3, 4][a]", "D(0).value",
    "D(None).value",
]  # fmt: skip


def _dim(D, expression):  # noqa: N803 - TF1's class
    a = D(3)
    try:
        r = eval(expression, {"D": D, "a": a})  # noqa: S307 - the table's own expressions
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return (type(r).__name__, repr(r)) if type(r).__name__ == "Dimension" else r


@pytest.mark.parametrize("expression", DIM_EXPRESSIONS)
def test_dimension_matches_tf1(tf1, expression):
    want = _dim(tf1.Dimension, expression)
    got = _dim(jtf.Dimension, expression)
    if expression == "D(None).value":  # documented: jaxscope's shapes are always known
        assert want is None and got == "TypeError"
        return
    assert got == want


# -- array programs: newaxis, tuple, Print, resize by name, rot90, compute_weighted_loss ----------
IMG4, IMG3 = R.uniform(0, 1, (2, 4, 5, 3)).astype(F32), R.uniform(0, 1, (3, 4, 2)).astype(F32)
LOSSES = R.uniform(0, 2, (3, 4)).astype(F32)
WEIGHTS = {
    "scalar": 0.5,
    "row": np.array([[1.0], [0.0], [2.0]], F32),
    "full": (R.uniform(0, 2, (3, 4)) * (R.rand(3, 4) > 0.3)).astype(F32),
    "zeros": np.zeros((3, 4), F32),
}
REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]  # fmt: skip


def _array_cases():
    x = R.randn(3, 4).astype(F32)
    c = [
        Case("newaxis_front_middle", lambda tf, x: x[tf.newaxis, 1:, tf.newaxis, ::2], (x,)),
        Case("newaxis_ellipsis", lambda tf, x: x[..., tf.newaxis] * 2.0, (x,)),
        Case("newaxis_is_none", lambda tf, x: tf.reshape(x, [-1])[tf.newaxis], (x,)),
        Case("tuple", lambda tf, x, y: tf.tuple([x, y * 2.0]), (x, x + 1)),
        Case("tuple_converts", lambda tf, x: tf.tuple([x, [1.0, 2.0], 3]), (x,)),
        Case("tuple_control_inputs", lambda tf, x: tf.tuple([x], control_inputs=[x]), (x,)),
        Case("tuple_empty", lambda tf: tf.tuple([])),
        Case("print_passes_input", lambda tf, x: tf.Print(x, [x, x * 2], "p: ") + 1, (x,)),
        Case("print_int", lambda tf, x: tf.Print(x, [x], first_n=2, summarize=3), (x.astype(int),)),
    ]
    for kernel in ("area", "bicubic", "nearest_neighbor"):
        for size in ([3, 7], [6, 4]):
            for align in (False, True):
                fn = {
                    "area": lambda tf, x, s=size, a=align: tf.image.resize_area(x, s, a),
                    "bicubic": lambda tf, x, s=size, a=align: tf.image.resize_bicubic(
                        x, s, align_corners=a
                    ),
                    "nearest_neighbor": lambda tf, x, s=size, a=align: (
                        tf.image.resize_nearest_neighbor(x, s, align_corners=a)
                    ),
                }[kernel]
                grad = kernel != "area" and size == [6, 4] and not align
                tag = f"resize_{kernel}_{size[0]}x{size[1]}_{align:d}"
                c.append(Case(tag, fn, (IMG4,), grad, 2e-5, 2e-5, jit_grad=grad))
    c.append(Case("resize_bicubic_half_pixel",
                  lambda tf, x: tf.image.resize_bicubic(x, [7, 3], half_pixel_centers=True),
                  (IMG4,), rtol=2e-5, atol=2e-5))  # fmt: skip
    c.append(Case("resize_area_3d", lambda tf, x: tf.image.resize_area(x, [2, 3]), (IMG3,)))
    c.append(Case("resize_nearest_neighbor_uint8",
                  lambda tf, x: tf.image.resize_nearest_neighbor(x, [5, 9]),
                  ((IMG4 * 255).astype(np.uint8),)))  # fmt: skip
    for k in (-5, -3, -2, -1, 0, 1, 2, 3, 4, 6):
        c.append(Case(f"rot90_k{k}", lambda tf, x, k=k: tf.image.rot90(x, k), (IMG3,)))
        c.append(Case(f"rot90_batched_k{k}", lambda tf, x, k=k: tf.image.rot90(x, k=k), (IMG4,)))
    c.append(Case("rot90_default", lambda tf, x: tf.image.rot90(x), (IMG4,)))
    c.append(Case("rot90_rank2", lambda tf, x: tf.image.rot90(x), (x,)))
    for red in REDUCTIONS:
        for wname, w in WEIGHTS.items():
            fn = lambda tf, x, w=w, red=red: tf.losses.compute_weighted_loss(x, w, reduction=red)
            c.append(Case(f"compute_weighted_loss_{red}_{wname}", fn, (LOSSES,), grad=True))
    c.append(Case("compute_weighted_loss_default",
                  lambda tf, x: tf.losses.compute_weighted_loss(x, WEIGHTS["row"]), (LOSSES,)))  # fmt: skip
    c.append(Case("compute_weighted_loss_bad_weights",
                  lambda tf, x: tf.losses.compute_weighted_loss(x, np.ones((2, 4), F32)),
                  (LOSSES,)))  # fmt: skip
    return c


CASES = _array_cases()


@pytest.fixture(scope="module")
def tf_results(tf1):
    return run_tf(tf1, CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_array_program_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case))


@pytest.mark.parametrize("case", [c for c in CASES if c.id in ("newaxis_front_middle",
                                  "resize_bicubic_6x4_0", "rot90_k-3", "tuple")],
                         ids=lambda c: c.id)  # fmt: skip
def test_array_program_under_jit_matches_tf1(tf_results, case):
    assert_same(case, tf_results[case.id], run_js(case, jit=True))


def test_tuple_keeps_none_as_tf1(tf1):
    x = np.ones(2, F32)
    with tf1.Graph().as_default():
        want = [t is None for t in tf1.tuple([tf1.constant(x), None])]
        with pytest.raises(ValueError):
            tf1.tuple([None])
    assert [t is None for t in jtf.tuple([x, None])] == want
    with pytest.raises(ValueError, match="at least one Tensor"):
        jtf.tuple([None])


def test_print_prints_message_and_values(tf1, capfd):
    """TF1 prints ``message`` then each value (its format) to stderr, the first ``first_n`` runs;
    jaxscope prints them through jax.debug.print every run (the documented difference)."""
    x, y = np.array([1.5, 2.0], F32), np.array([3, 4], np.int32)
    with tf1.Graph().as_default():
        p = tf1.Print(tf1.constant(x), [tf1.constant(x), tf1.constant(y)], "values: ", first_n=1)
        with tf1.Session() as sess:
            want = [sess.run(p) for _ in range(2)]
    tf_text = capfd.readouterr().err
    assert tf_text.count("values: ") == 1
    assert "[1.5 2][3 4]" in tf_text

    got = [
        jax.jit(lambda a, b: jtf.Print(a, [a, b], "values: ", first_n=1))(x, y) for _ in range(2)
    ]
    jax.effects_barrier()
    js_text = capfd.readouterr()
    np.testing.assert_array_equal(got, want)
    assert (js_text.out + js_text.err).count(f"values: {x} {y}") == 2


# -- v2-behaviour switches ------------------------------------------------------------------------
def test_disable_switches_are_callable_no_ops(tf1):
    for name in ["disable_eager_execution", "disable_resource_variables", "disable_v2_behavior"]:
        assert getattr(jtf, name)() == getattr(tf1, name)()  # both None
    jtf.disable_eager_execution()
    jtf.disable_resource_variables()
    jtf.disable_v2_behavior()

    def model(x):
        return jtf.get_variable("w", [2], initializer=jtf.ones_initializer()) * x

    f = js.transform(model)
    x = np.ones(2, F32)
    np.testing.assert_array_equal(f.apply(f.init(jax.random.key(0), x), x), [1.0, 1.0])


# -- tf.errors ------------------------------------------------------------------------------------
def _error_record(cls, *args):
    e = cls(*args)
    return (str(e), e.message, e.op, e.node_def, e.error_code,
            isinstance(e, Exception), type(e).__name__)  # fmt: skip


@pytest.mark.parametrize("name", ["OutOfRangeError", "UnimplementedError", "InvalidArgumentError",
                                  "NotFoundError", "AlreadyExistsError"])  # fmt: skip
def test_error_classes_construct_as_tf1s(tf1, name):
    ours, theirs = getattr(jtf.errors, name), getattr(tf1.errors, name)
    assert issubclass(ours, jtf.errors.OpError)
    assert _error_record(ours, None, None, "it failed") == _error_record(theirs, None, None,
                                                                         "it failed")  # fmt: skip
    for args in [(), ("only the message",)]:  # TF1 needs node_def, op and message
        with pytest.raises(TypeError):
            theirs(*args)
        with pytest.raises(TypeError):
            ours(*args)
    with pytest.raises(ours, match="stop"):
        raise ours(None, None, "stop")
    assert pytest.raises(jtf.errors.OpError, _raise, ours).value.message == "raised"
    base = jtf.errors.OpError(None, None, "m", 11)
    assert (base.message, base.error_code) == (tf1.errors.OpError(None, None, "m", 11).message, 11)


def _raise(cls):
    raise cls(None, None, "raised")


def test_out_of_range_and_unimplemented_are_builtins_too():
    assert issubclass(jtf.errors.OutOfRangeError, IndexError)
    assert issubclass(jtf.errors.UnimplementedError, NotImplementedError)
    with pytest.raises(IndexError):
        raise jtf.errors.OutOfRangeError(None, None, "End of sequence")


# -- tf.gfile directories --------------------------------------------------------------------------
def _gfile_program(g, camel, root):
    """The same directory operations with ``g`` = tf.gfile (CamelCase) or tf.io.gfile."""
    mkdir, rename, walk = (g.MkDir, g.Rename, g.Walk) if camel else (g.mkdir, g.rename, g.walk)
    record = []

    def do(fn, *args, **kwargs):
        try:
            out = fn(*args, **kwargs)
            record.append(None if out is None else [_rel(root, e) for e in out])
        except Exception as e:  # noqa: BLE001 - the class is the record
            record.append(type(e).__name__)

    do(mkdir, os.path.join(root, "a"))
    do(mkdir, os.path.join(root, "a"))  # exists
    do(mkdir, os.path.join(root, "missing", "b"))  # no parent
    do(mkdir, os.path.join(root, "a", "b"))
    with open(os.path.join(root, "a", "f.txt"), "w") as f:
        f.write("x")
    do(mkdir, os.path.join(root, "a", "f.txt"))  # a file is there
    do(rename, os.path.join(root, "a", "f.txt"), os.path.join(root, "a", "g.txt"))
    do(rename, os.path.join(root, "nope"), os.path.join(root, "x"))
    with open(os.path.join(root, "h.txt"), "w") as f:
        f.write("y")
    do(rename, os.path.join(root, "h.txt"), os.path.join(root, "a", "g.txt"))  # exists
    do(rename, os.path.join(root, "h.txt"), os.path.join(root, "a", "g.txt"), overwrite=True)
    do(rename, os.path.join(root, "a", "b"), os.path.join(root, "a", "c"))  # a directory
    do(walk, root)
    do(walk, os.path.join(root, "nope"))
    if camel:
        do(walk, root, in_order=False)
    else:
        do(walk, root, topdown=False)
    record.append(sorted(os.listdir(os.path.join(root, "a"))))
    return record


def _rel(root, entry):
    top, dirs, files = entry
    return os.path.relpath(top, root), sorted(dirs), sorted(files)


@pytest.mark.parametrize("camel", [True, False], ids=["gfile", "io.gfile"])
def test_gfile_directories_match_tf1(tf1, tmp_path, camel):
    (tmp_path / "tf").mkdir()
    (tmp_path / "js").mkdir()
    want = _gfile_program(tf1.gfile if camel else tf1.io.gfile, camel, str(tmp_path / "tf"))
    got = _gfile_program(jtf.gfile if camel else jtf.io.gfile, camel, str(tmp_path / "js"))
    assert got == want


def test_gfile_errors_are_tf_errors(tmp_path):
    with pytest.raises(jtf.errors.NotFoundError):
        jtf.gfile.MkDir(str(tmp_path / "no" / "parent"))
    with pytest.raises(jtf.errors.NotFoundError):
        jtf.io.gfile.rename(str(tmp_path / "no"), str(tmp_path / "x"))
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    with pytest.raises(jtf.errors.AlreadyExistsError):
        jtf.gfile.Rename(str(tmp_path / "a"), str(tmp_path / "b"))
    assert (tmp_path / "b").read_text() == "b"


def test_gfile_walk_by_name_matches_tf1(tf1, tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "f.txt").write_text("f")
    top = str(tmp_path)
    for ours, theirs in [
        (jtf.gfile.Walk(top), tf1.gfile.Walk(top)),
        (jtf.gfile.Walk(top, in_order=False), tf1.gfile.Walk(top, in_order=False)),
        (jtf.io.gfile.walk(top), tf1.io.gfile.walk(top)),
        (jtf.io.gfile.walk(top, topdown=False), tf1.io.gfile.walk(top, topdown=False)),
        (jtf.io.gfile.walk(top + "/nope"), tf1.io.gfile.walk(top + "/nope")),
    ]:
        assert [_rel(top, e) for e in ours] == [_rel(top, e) for e in theirs]


# -- tf.initializers: Initializer subclasses and compute_fans --------------------------------------
FAN_SHAPES = [(), (5,), (3, 4), (2, 3, 4), (3, 3, 2, 8), (1, 2, 3, 4, 5), (0, 3)]


def test_compute_fans_matches_tf1():
    from tensorflow.python.ops import init_ops

    for shape in FAN_SHAPES:
        assert jtf.initializers.compute_fans(shape) == init_ops._compute_fans(shape), shape
        assert jtf.initializers.compute_fans(list(shape)) == init_ops._compute_fans(list(shape))


def _init_classes(tf, base, compute_fans):
    class FanRatio(base):
        """A TF1-style subclass: ``__call__(shape, dtype, partition_info)``."""

        def __init__(self, scale=1.0):
            self.scale = scale

        def __call__(self, shape, dtype=None, partition_info=None):
            fan_in, fan_out = compute_fans(shape)
            return tf.fill(shape, self.scale * fan_in / fan_out)

        def get_config(self):
            return {"scale": self.scale}

    return FanRatio


def test_initializer_subclass_matches_tf1(tf1):
    from tensorflow.python.ops import init_ops

    def model(tf, cls):
        a = tf.get_variable("a", [2, 3], initializer=cls(2.0))
        b = tf.get_variable("b", [3, 3, 2, 4], initializer=cls())
        return a, b

    theirs = _init_classes(tf1, init_ops.Initializer, init_ops._compute_fans)
    with tf1.Graph().as_default():
        outs = model(tf1, theirs) + (theirs(2.0)([2, 5], tf1.float32),)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(outs)
    ours = _init_classes(jtf, jtf.initializers.Initializer, jtf.initializers.compute_fans)
    f = js.transform(lambda: model(jtf, ours))
    got = f.apply(f.init(jax.random.key(0))) + (ours(2.0)([2, 5], jtf.float32),)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    assert ours(3.0).get_config() == theirs(3.0).get_config()
    assert ours.from_config({"scale": 4.0}).scale == theirs.from_config({"scale": 4.0}).scale


# -- tf.logging -------------------------------------------------------------------------------------
class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(
            (record.levelno, record.getMessage(), os.path.basename(record.pathname), record.lineno)
        )


def _log_program(tf):
    tf.logging.set_verbosity(tf.logging.INFO)
    levels = [tf.logging.get_verbosity()]
    tf.logging.debug("debug %d", 1)  # below INFO: dropped
    tf.logging.info("info %s", "x")
    tf.logging.warn("warn %d", 2)
    tf.logging.warning("warning")
    tf.logging.error("error %r", [1])
    tf.logging.fatal("fatal")
    tf.logging.log(tf.logging.WARN, "log %d", 3)
    tf.logging.log(tf.logging.DEBUG, "log debug")
    tf.logging.set_verbosity(tf.logging.ERROR)
    levels.append(tf.logging.get_verbosity())
    tf.logging.warn("dropped")
    tf.logging.error("kept")
    tf.logging.set_verbosity(tf.logging.DEBUG)
    tf.logging.debug("debug %d", 2)
    levels.append(tf.logging.get_verbosity())
    return levels


@pytest.fixture
def tf_logger(tf1):
    logger = logging.getLogger("tensorflow")
    handler = _Records()
    old = logger.level
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def _every_program(tf):
    for i in range(7):
        tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)


def _first_program(tf):
    for i in range(4):
        tf.logging.log_first_n(tf.logging.WARN, "first %d", 2, i)


def test_logging_records_match_tf1(tf1, tf_logger, monkeypatch):
    from tensorflow.python.platform import tf_logging

    logger, handler = tf_logger
    records = {}
    for ns in (tf1, jtf):
        handler.records = []
        levels = _log_program(ns)
        for program in (_every_program, _first_program):
            monkeypatch.setattr(tf_logging, "_log_counter_per_token", {})
            program(ns)
        records[ns] = (levels, handler.records)
    (want_levels, want), (levels, got) = records[tf1], records[jtf]
    assert levels == want_levels
    # TF1's own fatal record names tf_logging.py (its findCaller misses logging's critical frame)
    assert [r if r[1] != "fatal" else r[:2] for r in got] == [
        r if r[1] != "fatal" else r[:2] for r in want
    ]
    assert [r[1] for r in want if r[1].startswith(("every", "first"))] == [
        "every 0", "every 3", "every 6", "first 0", "first 1"
    ]  # fmt: skip
    # without TensorFlow in the process (its findCaller is set on the shared logger) the records
    # still name the caller's file and line
    monkeypatch.delattr(logger, "findCaller", raising=False)
    handler.records = []
    _log_program(jtf)
    assert [r[:2] for r in handler.records] == [r[:2] for r in want[: len(handler.records)]]
    assert {r[2] for r in handler.records} == {os.path.basename(__file__)}
    # counted per call site (documented: TF1 shares one count per file), whatever the message
    handler.records = []
    for i in range(7):
        jtf.logging.log_every_n(jtf.logging.INFO, f"formatted {i}", 4)
    assert [r[1] for r in handler.records] == ["formatted 0", "formatted 4"]


def test_logging_output_matches_tf1(tf1, tf_logger, monkeypatch, capsys):
    """In a program that configured no logging, both print INFO and up on stderr once the
    verbosity allows it (TF1 adds a handler to the "tensorflow" logger)."""
    from tensorflow.python.platform import tf_logging

    from jaxscope._src.compat import platform

    logger, _ = tf_logger
    root = logging.getLogger()

    def fresh():
        monkeypatch.setattr(logger, "handlers", [])
        monkeypatch.setattr(root, "handlers", [])
        monkeypatch.setattr(tf_logging, "_logger", None)
        monkeypatch.setattr(tf_logging, "_log_counter_per_token", {})
        monkeypatch.setattr(platform, "_handler_added", False)

    def program(tf):
        tf.logging.set_verbosity(tf.logging.INFO)
        tf.logging.info("step %d", 7)
        tf.logging.debug("hidden")
        tf.logging.warn("careful")
        tf.logging.log_first_n(tf.logging.INFO, "once", 1)

    fresh()
    program(tf1)
    want = capsys.readouterr()
    fresh()
    program(jtf)
    got = capsys.readouterr()
    assert (got.out, got.err) == (want.out, want.err)
    assert "step 7" in want.err


# -- tf.layers: pooling and a Layer subclass; a LayerRNNCell subclass ---------------------------------
def _layer_classes(tf, cell_base):
    class Scale(tf.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                "w", [input_shape[-1].value], initializer=tf.constant_initializer(np.arange(3.0))
            )
            self.b = self.add_weight("b", [], initializer=tf.ones_initializer(), trainable=False)
            self.built = True

        def call(self, x):
            return x * self.w + self.b

    class Cell(cell_base):
        def __init__(self, num_units, reuse=None, name=None):
            super().__init__(_reuse=reuse, name=name)
            self._num_units = num_units

        @property
        def state_size(self):
            return self._num_units

        @property
        def output_size(self):
            return self._num_units

        def build(self, inputs_shape):
            depth = inputs_shape[-1].value
            kernel = np.linspace(-1, 1, (depth + self._num_units) * self._num_units)
            self._kernel = self.add_weight(
                "kernel", [depth + self._num_units, self._num_units],
                initializer=tf.constant_initializer(kernel.astype(F32)),
            )  # fmt: skip
            self._bias = self.add_weight(
                "bias", [self._num_units], initializer=tf.constant_initializer(0.1)
            )
            self.built = True

        def call(self, inputs, state):
            out = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), self._kernel) + self._bias)
            return out, out

    return Scale, Cell


X1, X2, X3 = (R.randn(2, 7, 3).astype(F32), R.randn(2, 6, 5, 3).astype(F32),
              R.randn(2, 4, 6, 5, 3).astype(F32))  # fmt: skip
SEQ = R.randn(2, 4, 3).astype(F32)


def _layers_program(tf, cell_base, x1, x2, x3, seq):
    Scale, Cell = _layer_classes(tf, cell_base)  # noqa: N806 - classes
    outs = [
        tf.layers.average_pooling1d(x1, 2, 2),
        tf.layers.average_pooling1d(x1, 3, 2, padding="same", data_format="channels_first"),
        tf.layers.AveragePooling2D(2, 2)(x2),
        tf.layers.AveragePooling2D([3, 2], [1, 2], padding="same")(x2),
        tf.layers.AveragePooling3D(2, 2)(x3),
        tf.layers.AveragePooling3D([1, 3, 2], 1, padding="same")(x3),
        tf.layers.MaxPooling3D(2, 2)(x3),
        tf.layers.MaxPooling3D([2, 3, 3], [1, 2, 2], padding="same")(x3),
    ]
    scale = Scale(name="scale")
    outs += [scale(x1), scale(x1 * 2.0), Scale()(x2)]
    with tf.variable_scope("rnn_outer"):
        out, state = tf.nn.dynamic_rnn(Cell(4), seq, dtype=tf.float32)
        cell = Cell(2, name="named")
        out2, _ = cell(seq[:, 0], tf.zeros([2, 2]))
    outs += [out, state, out2]
    names = [v.name for v in tf.global_variables()]
    trainable = [v.name for v in tf.trainable_variables()]
    return outs, names, trainable, [scale.name, cell.name, scale.built]


def test_layers_and_cells_match_tf1(tf1):
    from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

    with tf1.Graph().as_default(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf.layers' deprecation warnings
        xs = [tf1.constant(a) for a in (X1, X2, X3, SEQ)]
        outs, names, trainable, info = _layers_program(tf1, LayerRNNCell, *xs)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want = sess.run(outs)

    def model(*xs):
        return _layers_program(jtf, jtf.nn.rnn_cell.LayerRNNCell, *xs)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), X1, X2, X3, SEQ)
    got, got_names, got_trainable, got_info = f.apply(variables, X1, X2, X3, SEQ)
    assert got_names == names and got_trainable == trainable
    assert got_info == info
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.shape == w.shape, i
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=str(i))


# -- tf.losses.add_loss and the collection ----------------------------------------------------------
def _loss_program(tf, losses):
    tf.losses.add_loss(tf.reduce_sum(losses))
    tf.losses.add_loss(tf.reduce_mean(losses), loss_collection="custom")
    tf.losses.add_loss(tf.reduce_max(losses), loss_collection=None)
    with tf.variable_scope("tower"):
        tf.losses.compute_weighted_loss(losses, WEIGHTS["row"])
        tf.losses.compute_weighted_loss(
            losses, reduction=tf.losses.Reduction.NONE, loss_collection="none"
        )
    tf.losses.compute_weighted_loss(losses, 2.0, loss_collection="other")
    return (tf.losses.get_losses(), tf.losses.get_losses(scope="tower"),
            tf.get_collection("custom"), tf.get_collection("other"), tf.get_collection("none"),
            tf.losses.get_total_loss(add_regularization_losses=False))  # fmt: skip


def test_add_loss_and_collections_match_tf1(tf1):
    with tf1.Graph().as_default():
        out = _loss_program(tf1, tf1.constant(LOSSES))
        with tf1.Session() as sess:
            want = sess.run(out)
    f = js.transform(lambda x: _loss_program(jtf, x))
    got = f.apply(f.init(jax.random.key(0), LOSSES), LOSSES)
    assert [len(g) for g in got[:5]] == [len(w) for w in want[:5]]
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    # outside a transform there is no collection: the loss is still computed
    np.testing.assert_allclose(
        jtf.losses.compute_weighted_loss(LOSSES, 2.0, loss_collection="other"), want[3][0], 1e-6
    )


# -- tf.nest.assert_same_structure -----------------------------------------------------------------
NEST_PAIRS = [
    ((1, 2), (3, 4), {}),
    ([1, (2, 3)], [4, (5, 6)], {}),
    ([1, 2], (1, 2), {}),
    ([1, 2], (1, 2), {"check_types": False}),
    ((1, 2), (1, 2, 3), {}),
    ((1, (2,)), (1, 2), {}),
    ({"a": 1, "b": 2}, {"a": 3, "b": 4}, {}),
    ({"a": 1}, {"b": 1}, {}),
    (1, 2, {}),
    (1, [1], {}),
    ([], [], {}),
    ([[]], [1], {}),
    ({"a": [1, 2]}, {"a": (1, 2)}, {"check_types": False}),
]


def _nest_outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return "ok"


@pytest.mark.parametrize("a, b, kw", NEST_PAIRS, ids=range(len(NEST_PAIRS)))
def test_assert_same_structure_matches_tf1(tf1, a, b, kw):
    want = _nest_outcome(lambda: tf1.nest.assert_same_structure(a, b, **kw))
    assert _nest_outcome(lambda: jtf.nest.assert_same_structure(a, b, **kw)) == want


# -- tf.contrib helpers ------------------------------------------------------------------------------
def test_contrib_helpers_match_slim(slim):
    from tf_slim.layers import utils as slim_utils

    def plain(x):
        return x

    assert jtf.contrib.framework.arg_scope_func_key(plain) == slim.arg_scope_func_key(plain)
    assert jtf.contrib.slim.arg_scope_func_key(len) == slim.arg_scope_func_key(len)
    for ours, theirs in [(jtf.contrib.slim, slim)]:
        with ours.arg_scope([ours.conv2d, ours.fully_connected], padding="SAME") as got:
            pass
        with theirs.arg_scope([theirs.conv2d, theirs.fully_connected], padding="SAME") as want:
            pass
        key = jtf.contrib.framework.arg_scope_func_key(ours.conv2d)
        assert got[key] == want[slim.arg_scope_func_key(theirs.conv2d)]
        assert len(got) == len(want)
        assert jtf.contrib.slim.arg_scope_func_key(ours.fully_connected) in got
    utils = jtf.contrib.layers.utils
    for collections in [None, "c", ["a", "b"], {"weights": ["w"], "biases": "b"}, {}]:
        for name in ["weights", "biases", "other"]:
            want = slim_utils.get_variable_collections(collections, name)
            assert utils.get_variable_collections(collections, name) == want
    got, want = utils.NamedOutputs("a", 1), slim_utils.NamedOutputs("a", 1)
    assert got == want and got._fields == want._fields and type(got).__name__ == "NamedOutputs"
    assert got._replace(outputs=2) == want._replace(outputs=2)
    assert tuple(utils.NamedOutputs(name="x", outputs=[1])) == ("x", [1])


# -- tf.train.Optimizer subclasses ----------------------------------------------------------------
def _tf1_sign_momentum(tf1):
    class SignMomentum(tf1.train.Optimizer):
        """TF1's way: _create_slots / _prepare / _apply_dense over ref variables."""

        def __init__(self, learning_rate, beta=0.5, name="SignMomentum"):
            super().__init__(False, name)
            self._lr, self._beta = learning_rate, beta

        def _create_slots(self, var_list):
            for v in var_list:
                self._zeros_slot(v, "m", self._name)

        def _apply_dense(self, grad, var):
            m = self.get_slot(var, "m")
            m_t = tf1.assign(m, m * self._beta + grad * (1 - self._beta))
            return tf1.assign_sub(var, self._lr * tf1.sign(m_t))

    return SignMomentum


class SignMomentum(jtf.train.Optimizer):
    """jaxscope's way: ``_slots`` and ``_apply_dense(grad, slots, scalars)`` returning the step."""

    _slots = (("m", jnp.zeros_like),)

    def __init__(self, learning_rate, beta=0.5, name="SignMomentum"):
        super().__init__(learning_rate, name)
        self._beta = beta

    def _apply_dense(self, grad, slots, s):
        (m,) = slots
        m = m * self._beta + grad * (1 - self._beta)
        return s["lr"] * jnp.sign(m), [m]


def _opt_model(tf, x, y):
    w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer(0.3))
    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    return tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))


def test_optimizer_subclass_matches_tf1(tf1):
    x, y = R.randn(4, 3).astype(F32), R.randn(4, 2).astype(F32)
    steps = 3
    with tf1.Graph().as_default():
        loss = _opt_model(tf1, tf1.constant(x), tf1.constant(y))
        opt = _tf1_sign_momentum(tf1)(0.1)
        train = opt.minimize(loss)
        w, b = tf1.global_variables()[:2]
        slots = [opt.get_slot(v, "m") for v in (w, b)]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            want = sess.run([w, b, *slots])
        want_slot_names = [s.op.name for s in slots]
        want_names = opt.get_slot_names()
    ours = SignMomentum(0.1)
    assert isinstance(ours, jtf.train.Optimizer)
    f = js.transform(lambda x, y: _opt_model(jtf, x, y))
    variables = f.init(jax.random.key(0), x, y)
    state = ours.init(variables["params"])
    for _ in range(steps):
        variables, state, _ = ours.minimize(f.apply, variables, state, x, y)
    params = js.flatten(variables["params"]) if hasattr(js, "flatten") else variables["params"]
    got = [params["w"], params["b"], ours.get_slot(state, "w", "m"), ours.get_slot(state, "b", "m")]
    for g, w_ in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w_, rtol=1e-6)
    assert ours.get_slot_names() == want_names
    assert [ours.slot_key(v, "m") for v in ("w", "b")] == want_slot_names
