"""flatten/unflatten between variables trees and {TF1 name: array}; restore_tf1 from a mapping."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from fixtures.make_tf1_checkpoints import value
from test_checkpoint import MODEL, init_model, two_layers

import jaxscope as js
from jaxscope import checkpoint as ckpt

x = np.arange(3, dtype=np.float32)
y = np.ones(2, np.int32)


def assert_same_tree(a, b):
    assert jax.tree.structure(a) == jax.tree.structure(b)
    jax.tree.map(np.testing.assert_array_equal, a, b)


def test_flatten_unflatten_round_trip_of_an_init_tree():
    tree = init_model()
    flat = ckpt.flatten(tree)
    assert list(flat) == sorted(v.name for v in MODEL)
    assert flat["two_layers/count"] is tree["state"]["two_layers"]["count"]  # leaves as given
    assert_same_tree(ckpt.unflatten(flat, trainable=tree), tree)
    assert_same_tree(ckpt.unflatten(flat, trainable=ckpt.flatten(tree["params"])), tree)
    assert_same_tree(ckpt.unflatten(flat, trainable=tree["params"]), tree)  # nested, not keys
    assert_same_tree(ckpt.unflatten(flat, trainable=lambda n: not n.endswith("count")), tree)


def test_unflatten_of_tf1_session_values_is_the_jaxscope_tree(tf1):
    """{v.name: sess.run(v)} and tf.trainable_variables() give the tree f.init gives."""
    graph = tf1.Graph()
    with graph.as_default():
        tf_vars = [
            tf1.get_variable(v.name, initializer=value(v.name, v.shape, v.dtype),
                             trainable=v.trainable)
            for v in MODEL
        ]  # fmt: skip
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            arrays = {v.name: sess.run(v) for v in tf_vars}
            trainable = {v.name for v in tf1.trainable_variables()}
    assert "two_layers/h1/weights:0" in arrays  # TF1's tensor names
    tree = ckpt.unflatten(arrays, trainable=trainable)
    assert jax.tree.structure(tree) == jax.tree.structure(init_model())
    out, _ = js.transform(two_layers).apply(tree, jnp.ones([1, 4]))
    assert out.shape == (1, 2)


def test_unflatten_all_trainable_or_none():
    assert ckpt.unflatten({"a/b": x, "c": y}, trainable=True) == {"params": {"a": {"b": x}, "c": y}}
    assert ckpt.unflatten({"c": y}, trainable=False) == {"state": {"c": y}}
    assert ckpt.unflatten({}, trainable=True) == {}


def test_unflatten_output_zero_suffix_and_both_spellings():
    assert ckpt.unflatten({"w:0": x}, trainable=True) == {"params": {"w": x}}
    with pytest.raises(ckpt.CheckpointNameError, match=r"'w' is given twice, as 'w' and 'w:0'"):
        ckpt.unflatten({"w": x, "w:0": y}, trainable=True)
    with pytest.raises(ckpt.CheckpointNameError, match=r"'w:1' \(from arrays\['w:1'\]\) is not"):
        ckpt.unflatten({"w:1": x}, trainable=True)


def test_unflatten_refuses_a_leaf_that_is_also_a_prefix():
    with pytest.raises(
        ckpt.CheckpointNameError,
        match=r"'a' \(from arrays\['a:0'\]\) is a variable and also the scope of 'a/b' "
        r"\(from arrays\['a/b'\]\)",
    ):
        ckpt.unflatten({"a:0": x, "a/b": y}, trainable=True)
    assert ckpt.unflatten({"a/b": x, "ab": y}, trainable=True)  # a prefix, not a scope


@pytest.mark.parametrize("name", ["", "a//b", "a/", "/a", "a b", "_a", "a:b"])
def test_unflatten_refuses_names_tf1_refuses(name):
    with pytest.raises(ckpt.CheckpointNameError, match=rf"{name!r} \(from arrays\[{name!r}\]\)"):
        ckpt.unflatten({name: x}, trainable=True)


@pytest.mark.parametrize(
    "arrays, trainable, match",
    [([x], True, "arrays is a list, not a {TF1 name: array} mapping"),
     ({1: x}, True, "arrays has the key 1 of type int"),
     ({"w": x}, "w", r"(?s)trainable is 'w'.*trainable=\{'dense/kernel'"),
     ({"w": x}, None, "trainable is None")],
)  # fmt: skip
def test_unflatten_refuses_what_is_not_a_mapping_of_names(arrays, trainable, match):
    with pytest.raises(ckpt.CheckpointTreeError, match=match):
        ckpt.unflatten(arrays, trainable=trainable)


def test_flatten_refuses_collisions_and_non_str_keys():
    with pytest.raises(ckpt.CheckpointNameError, match=r"'a/b' is given twice"):
        ckpt.flatten({"params": {"a": {"b": x}, "a/b": y}})
    with pytest.raises(ckpt.CheckpointTreeError, match=r"variables\['params'\] has the key 1"):
        ckpt.flatten({"params": {1: x}})


def test_flatten_keeps_abstract_leaves():
    abstract = jax.eval_shape(init_model)
    flat = ckpt.flatten(abstract)
    assert flat["two_layers/h1/weights"].shape == (4, 3)


def test_restore_tf1_from_a_mapping_equals_restore_from_its_checkpoint(tmp_path):
    arrays = {v.name + ":0": value(v.name, v.shape, v.dtype) for v in MODEL}
    arrays["global_step"] = np.int64(7)
    from_mapping, report = ckpt.restore_tf1(init_model(), arrays)
    prefix = ckpt.save_tf1(
        tmp_path / "m.ckpt", ckpt.unflatten(arrays, trainable=lambda n: "count" not in n)
    )
    from_file, file_report = ckpt.restore_tf1(init_model(), prefix)
    assert_same_tree(from_mapping, from_file)
    assert isinstance(from_mapping["params"]["two_layers"]["h1"]["weights"], jax.Array)
    assert report.loaded == file_report.loaded and report.unused_slots == ["global_step"]
    assert "the {name: array} mapping" in str(report)


def test_restore_tf1_from_a_mapping_reports_and_refuses_like_a_checkpoint():
    arrays = {"two_layers/h1/weights": np.zeros([3, 4], np.float32)}
    with pytest.raises(js.CheckpointMismatchError, match=r"(?s)mapping.*tree float32\[4, 3\]"):
        ckpt.restore_tf1(init_model(), arrays)
    with pytest.raises(ckpt.CheckpointTreeError, match=r"arrays\['w'\] is a list"):
        ckpt.restore_tf1(init_model(), {"w": [1.0]})
    with pytest.raises(ckpt.CheckpointNameError, match="given twice"):
        ckpt.restore_tf1(init_model(), {"w": x, "w:0": x})


def test_restore_target_with_a_collision_is_refused():
    with pytest.raises(ckpt.CheckpointNameError, match=r"'w' is given twice"):
        ckpt.restore_tf1({"params": {"w": x}, "state": {"w": x}}, {"w": x})
