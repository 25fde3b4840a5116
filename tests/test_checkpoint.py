"""jaxscope.checkpoint against checkpoints written by tf.compat.v1.train.Saver."""

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from fixtures.make_tf1_checkpoints import ALL_DTYPES, Var, value, write_tf1_checkpoint

import jaxscope as js
from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint import tf1_checkpoint

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf1")

EVERYTHING = (
    [Var(f"v/{d}", (3, 5), d, device=i % 2) for i, d in enumerate(ALL_DTYPES)]
    + [Var("v/scalar", (), "float32", device=1), Var("v/empty", (0, 4), "int32")]
    + [Var("part/rows", (10, 3), "float32", partitions=3)]
    + [Var("part/cols", (4, 9), "float64", partitions=4, axis=1, device=1)]
    + [Var("part/bf16", (5, 2), "bfloat16", partitions=2)]
)


@pytest.fixture(scope="module")
def tf_ckpt(tf1, tmp_path_factory):
    """Every dtype, partitioned variables, two data shards."""
    prefix = str(tmp_path_factory.mktemp("tf") / "model.ckpt")
    return write_tf1_checkpoint(tf1, prefix, EVERYTHING, sharded=True)


def test_tf_checkpoint_really_has_two_shards_and_parts(tf_ckpt):
    files = sorted(os.listdir(os.path.dirname(tf_ckpt)))
    assert "model.ckpt.data-00000-of-00002" in files
    assert "model.ckpt.data-00001-of-00002" in files
    reader = ckpt.CheckpointReader(tf_ckpt)
    assert len(reader.entry("part/cols").slices) == 4


def test_list_variables_matches_tf(tf1, tf_ckpt):
    ours = ckpt.list_variables(tf_ckpt)
    theirs = tf1.train.list_variables(tf_ckpt)
    assert [(v.name, list(v.shape)) for v in ours] == [(n, list(s)) for n, s in theirs]
    dtypes = tf1.train.load_checkpoint(tf_ckpt).get_variable_to_dtype_map()
    assert {v.name: v.dtype for v in ours} == {n: d.as_numpy_dtype for n, d in dtypes.items()}


def test_list_variables_of_directory_is_its_latest(tf_ckpt):
    assert ckpt.list_variables(os.path.dirname(tf_ckpt)) == ckpt.list_variables(tf_ckpt)


def test_load_variables_is_bit_identical_to_tf(tf1, tf_ckpt):
    reader = tf1.train.load_checkpoint(tf_ckpt)
    ours = ckpt.load_variables(tf_ckpt)
    assert sorted(ours) == sorted(reader.get_variable_to_shape_map())
    for name, array in ours.items():
        expected = reader.get_tensor(name)
        assert array.dtype == expected.dtype, name
        assert array.shape == expected.shape, name
        assert array.tobytes() == expected.tobytes(), name


@pytest.mark.parametrize("var", EVERYTHING, ids=lambda v: v.name)
def test_load_variables_matches_the_written_values(tf_ckpt, var):
    got = ckpt.load_variables(tf_ckpt, [var.name])[var.name]
    np.testing.assert_array_equal(got, value(var.name, var.shape, var.dtype))


def test_reads_and_writes_in_small_chunks(tf_ckpt, monkeypatch, tmp_path):
    whole = ckpt.load_variables(tf_ckpt)
    monkeypatch.setattr(tf1_checkpoint, "_CHUNK", 7)
    chunked = ckpt.load_variables(tf_ckpt)
    assert all(whole[n].tobytes() == chunked[n].tobytes() for n in whole)
    prefix = ckpt.save_tf1(tmp_path / "model.ckpt", {"params": {"v": chunked["v/float64"]}})
    monkeypatch.undo()
    assert ckpt.load_variables(prefix)["v"].tobytes() == whole["v/float64"].tobytes()


def test_latest_checkpoint_matches_tf(tf1, tmp_path):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.get_variable("w", initializer=np.ones(2, np.float32))
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for step in (1, 2):
                saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    assert ckpt.latest_checkpoint(tmp_path) == tf1.train.latest_checkpoint(str(tmp_path))
    assert ckpt.latest_checkpoint(tmp_path).endswith("model.ckpt-2")
    assert ckpt.latest_checkpoint(tmp_path / "nothing_here") is None


def two_layers(x):
    def dense(x, n, scope):
        with js.variable_scope(scope):
            w = js.get_variable("weights", [x.shape[1], n])
            b = js.get_variable("biases", [n], initializer=js.zeros_initializer())
            return x @ w + b

    with js.variable_scope("two_layers"):
        count = js.get_variable("count", [], jnp.int32, trainable=False)
        return dense(jax.nn.relu(dense(x, 3, "h1")), 2, "h2"), count


MODEL = [
    Var("two_layers/h1/weights", (4, 3)),
    Var("two_layers/h1/biases", (3,)),
    Var("two_layers/h2/weights", (3, 2)),
    Var("two_layers/h2/biases", (2,)),
    Var("two_layers/count", (), "int32", trainable=False),
]


def init_model():
    return js.transform(two_layers).init(jax.random.key(0), jnp.ones([1, 4]))


def assert_restored(tree, report):
    names = [v.name for v in MODEL]
    assert sorted(report.loaded) == sorted(names)
    assert report.ok and not report.missing and not report.unused
    for var in MODEL:
        path = ["state" if not var.trainable else "params", *var.name.split("/")]
        leaf = tree
        for key in path:
            leaf = leaf[key]
        assert isinstance(leaf, jax.Array) and leaf.dtype == var.dtype
        np.testing.assert_array_equal(leaf, value(var.name, var.shape, var.dtype))


def test_restore_tf1_into_a_jaxscope_tree(tf1, tmp_path):
    prefix = write_tf1_checkpoint(tf1, str(tmp_path / "m.ckpt"), MODEL, adam_step=3)
    variables = init_model()
    before = jax.tree.map(np.array, variables)
    restored, report = ckpt.restore_tf1(variables, prefix)
    assert_restored(restored, report)
    assert "two_layers/h1/weights/Adam_1" in report.unused_slots
    assert {"beta1_power", "beta2_power", "global_step"} <= set(report.unused_slots)
    jax.tree.map(np.testing.assert_array_equal, variables, before)  # input untouched
    out, _ = js.transform(two_layers).apply(restored, jnp.ones([1, 4]))
    assert out.shape == (1, 2)


def test_restore_tf1_rename_prefix_and_callable(tf1, tmp_path):
    bert = [v._replace(name="bert/" + v.name) for v in MODEL] + [Var("cls/out", (2,))]
    prefix = write_tf1_checkpoint(tf1, str(tmp_path / "m.ckpt"), bert)
    prefixed = {"bert/": ""}
    restored, report = ckpt.restore_tf1(init_model(), prefix, rename=prefixed)
    assert report.unused == ["cls/out"]
    assert report.loaded == sorted(v.name for v in MODEL)
    strip = lambda n: n[len("bert/") :] if n.startswith("bert/") else None
    restored2, report2 = ckpt.restore_tf1(init_model(), prefix, rename=strip)
    assert report2.loaded == report.loaded and report2.unused == ["cls/out"]  # skipped
    jax.tree.map(np.testing.assert_array_equal, restored, restored2)


def test_restore_tf1_params_subtree(tf1, tmp_path):
    prefix = write_tf1_checkpoint(tf1, str(tmp_path / "m.ckpt"), MODEL)
    params, report = ckpt.restore_tf1(init_model()["params"], prefix)
    assert report.unused == ["two_layers/count"]
    np.testing.assert_array_equal(
        params["two_layers"]["h2"]["weights"], value("two_layers/h2/weights", (3, 2), "float32")
    )


def test_restore_tf1_abstract_tree_and_numpy_leaves(tf1, tmp_path):
    prefix = write_tf1_checkpoint(tf1, str(tmp_path / "m.ckpt"), MODEL)
    abstract = jax.eval_shape(init_model)
    restored, report = ckpt.restore_tf1(abstract, prefix)
    assert_restored(restored, report)
    as_numpy = jax.tree.map(np.asarray, init_model())
    restored, _ = ckpt.restore_tf1(as_numpy, prefix)
    assert type(restored["params"]["two_layers"]["h1"]["weights"]) is np.ndarray


def test_save_tf1_round_trip_is_bit_identical_in_tf(tf1, tf_ckpt, tmp_path):
    arrays = ckpt.load_variables(tf_ckpt)
    tree = {}
    for name, array in arrays.items():
        node = tree
        *scopes, leaf = name.split("/")
        for s in scopes:
            node = node.setdefault(s, {})
        node[leaf] = array
    prefix = ckpt.save_tf1(tmp_path / "out" / "model.ckpt-7", {"params": tree})
    assert tf1.train.latest_checkpoint(str(tmp_path / "out")) == prefix
    reader = tf1.train.load_checkpoint(prefix)
    assert sorted(reader.get_variable_to_shape_map()) == sorted(arrays)
    for name, array in arrays.items():
        got = reader.get_tensor(name)
        assert got.dtype == array.dtype and got.shape == array.shape, name
        assert got.tobytes() == array.tobytes(), name


def test_save_tf1_is_restored_by_tf1_saver(tf1, tmp_path):
    variables = init_model()
    prefix = ckpt.save_tf1(str(tmp_path / "model.ckpt"), variables)
    graph = tf1.Graph()
    with graph.as_default():
        with tf1.variable_scope("two_layers"):
            count = tf1.get_variable("count", [], tf1.int32, trainable=False)
            with tf1.variable_scope("h1"):
                w1 = tf1.get_variable("weights", [4, 3])
                tf1.get_variable("biases", [3])
            with tf1.variable_scope("h2"):
                tf1.get_variable("weights", [3, 2])
                tf1.get_variable("biases", [2])
        with tf1.Session() as sess:
            tf1.train.Saver().restore(sess, prefix)
            got_w1, got_count = sess.run([w1, count])
    np.testing.assert_array_equal(got_w1, variables["params"]["two_layers"]["h1"]["weights"])
    assert got_count == variables["state"]["two_layers"]["count"]


# --- committed fixtures, read without TensorFlow --------------------------------------------


def test_fixture_every_dtype_matches_the_formula():
    arrays = ckpt.load_variables(os.path.join(FIXTURES, "dtypes"))
    assert sorted(arrays) == sorted([f"dtypes/{d}" for d in ALL_DTYPES] + ["part/w"])
    for dtype in ALL_DTYPES:
        name = f"dtypes/{dtype}"
        expected = value(name, (2, 3), dtype)
        assert arrays[name].dtype == expected.dtype
        assert arrays[name].tobytes() == expected.tobytes()
    np.testing.assert_array_equal(arrays["part/w"], value("part/w", (7, 2), "float32"))


def test_fixture_model_restores_without_tensorflow():
    restored, report = ckpt.restore_tf1(init_model(), os.path.join(FIXTURES, "model"))
    assert_restored(restored, report)
    assert len(report.unused_slots) == 11
    text = str(report)
    assert "Restored 5 of 5 variables" in text
    assert "unused optimizer slots and counters: 11" in text
