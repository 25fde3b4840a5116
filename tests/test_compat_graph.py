"""jaxscope.compat.v1's graph-mode leftovers against tf.compat.v1: assertions (concrete and under
jit), control_dependencies, tf.logging's levels, tf.gfile on local files, tf.app.run with flags, and
the names that need a Session (a RuntimeError saying what to write instead, never AttributeError)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf

ASSERTS = [
    ("assert_equal", (2, 2)),
    ("assert_equal", ([1, 2], [1, 3])),
    ("assert_none_equal", ([1, 2], [3, 4])),
    ("assert_less", (1, 2)),
    ("assert_less", ([1, 5], 2)),
    ("assert_less_equal", (2, 2)),
    ("assert_greater", (1.5, 2.5)),
    ("assert_greater_equal", ([3, 2], [3, 2])),
    ("assert_positive", ([1, 2],)),
    ("assert_positive", ([1, 0],)),
    ("assert_non_negative", ([0.0, 1.0],)),
    ("assert_negative", ([-1],)),
    ("assert_non_positive", ([1],)),
]


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class name is the record
        return type(e).__name__
    return "ok"


@pytest.mark.parametrize("name, args", ASSERTS, ids=lambda a: str(a))
def test_concrete_assertions_fail_as_tf1s_static_check(tf1, name, args):
    with tf1.Graph().as_default():
        want = _outcome(lambda: getattr(tf1, name)(*[tf1.constant(a) for a in args]))
    got = _outcome(lambda: getattr(jtf, name)(*args))
    assert got == want


def test_traced_assertion_checks_when_the_program_runs():
    @jax.jit
    def f(x):
        with jtf.control_dependencies([jtf.assert_less_equal(x, 3.0, message="too big")]):
            return x * 2

    np.testing.assert_array_equal(f(jnp.array([1.0, 3.0])), [2.0, 6.0])
    with pytest.raises(Exception, match="too big Condition x <= y did not hold"):
        f(jnp.array([1.0, 4.0])).block_until_ready()


def test_assert_rank_and_type(tf1):
    x = np.zeros((2, 3), np.float32)
    jtf.assert_rank(x, 2)
    jtf.assert_type(x, jtf.float32)
    with pytest.raises(ValueError, match="must have rank 3"):
        jtf.assert_rank(x, 3)
    with tf1.Graph().as_default(), pytest.raises(ValueError):
        tf1.assert_rank(tf1.constant(x), 3)
    with pytest.raises(TypeError, match="has type float32, expected int32"):
        jtf.assert_type(x, jtf.int32)


def test_errors_are_tf1s_classes_and_builtins():
    assert issubclass(jtf.errors.InvalidArgumentError, jtf.errors.OpError)
    assert issubclass(jtf.errors.InvalidArgumentError, ValueError)
    assert issubclass(jtf.errors.NotFoundError, FileNotFoundError)


def test_logging_levels_and_names_are_tf1s(tf1):
    for level in ["DEBUG", "INFO", "WARN", "ERROR", "FATAL"]:
        assert getattr(jtf.logging, level) == getattr(tf1.logging, level)
    old = jtf.logging.get_verbosity()
    try:
        jtf.logging.set_verbosity(jtf.logging.ERROR)
        assert jtf.logging.get_verbosity() == jtf.logging.ERROR
    finally:
        jtf.logging.set_verbosity(old)


def test_gfile_matches_tf1_on_local_files(tf1, tmp_path):
    d = tmp_path / "a"

    def program(tf, root):
        tf.gfile.MakeDirs(f"{root}/x/y")
        with tf.gfile.GFile(f"{root}/x/f.txt", "w") as f:
            f.write("hello\nworld\n")
        with tf.gfile.GFile(f"{root}/x/f.txt") as f:
            lines = list(f)
        with tf.io.gfile.GFile(f"{root}/x/f.txt", "rb") as f:
            raw = f.read()
        tf.gfile.Copy(f"{root}/x/f.txt", f"{root}/x/g.txt")
        listed = tf.gfile.ListDirectory(f"{root}/x")
        found = [p.rsplit("/", 1)[1] for p in tf.gfile.Glob(f"{root}/x/*.txt")]
        state = [tf.gfile.Exists(f"{root}/x/g.txt"), tf.io.gfile.isdir(f"{root}/x/y")]
        tf.gfile.Remove(f"{root}/x/g.txt")
        missing = _outcome(lambda: tf.gfile.GFile(f"{root}/nope.txt").read())
        tf.gfile.DeleteRecursively(f"{root}/x")
        return (
            lines,
            raw,
            sorted(listed),
            sorted(found),
            state,
            tf.gfile.Exists(f"{root}/x"),
            missing,
        )

    want = program(tf1, str(d / "tf"))
    got = program(jtf, str(d / "js"))
    assert got[:-1] == want[:-1]
    assert want[-1] == got[-1] == "NotFoundError"


def test_app_run_parses_flags_and_calls_main():
    seen = []
    jtf.flags.DEFINE_integer("compat_test_steps", 3, "steps")

    def main(argv):
        seen.append((argv, jtf.flags.FLAGS.compat_test_steps))
        return 0

    with pytest.raises(SystemExit) as exit_:
        jtf.app.run(main, argv=["prog", "--compat_test_steps=7", "extra"])
    assert exit_.value.code == 0
    assert seen == [(["prog", "extra"], 7)]


@pytest.mark.parametrize("name", ["placeholder", "Session", "global_variables_initializer",
                                  "py_func", "FIFOQueue", "get_default_graph"])  # fmt: skip
def test_graph_only_names_say_what_to_write_instead(name):
    with pytest.raises(RuntimeError, match=rf"tf\.{name} has no meaning.*\nFix: "):
        getattr(jtf, name)()
    assert isinstance(getattr(jtf, name), type(lambda: 0))


def test_control_dependencies_group_and_no_op_change_nothing():
    def model(x):
        w = jtf.get_variable("w", [2], initializer=jtf.ones_initializer())
        with jtf.control_dependencies([jtf.no_op(), jtf.group(x)]):
            return jtf.identity(x * w)

    f = js.transform(model)
    x = jnp.array([1.0, 2.0])
    np.testing.assert_array_equal(f.apply(f.init(jax.random.key(0), x), x), x)


def test_variable_shapes_answer_tf1s_tensor_shape_methods(tf1):
    def program(tf):
        v = tf.get_variable("w", [3, 4, 5])
        s = v.get_shape()
        return (s.as_list(), s.ndims, v.shape[-1].value, int(v.shape[0]), v.shape[1:].as_list(),
                s.num_elements(), s.is_fully_defined(), s.is_compatible_with([3, None, 5]),
                [d.value for d in v.shape])  # fmt: skip

    with tf1.Graph().as_default():
        want = program(tf1)
    got = js.transform(lambda: program(jtf)).init(jax.random.key(0))
    got = js.transform(lambda: program(jtf)).apply(got)
    assert got == want
