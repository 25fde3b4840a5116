"""TF1 partitioned variables in checkpoints, both ways, against tf.compat.v1.train.Saver.

jaxscope holds a partitioned variable as one array; ``save_tf1(..., partitions=info)`` writes
it as TF1's Saver writes ``w/part_0``, ``w/part_1``, ... (the key ``w`` with slice specs), and
``restore_tf1`` reads such a checkpoint into the one array.
"""

import jax
import numpy as np
import pytest

import jaxscope as js

SPECS = [  # (name, shape, num_shards, axis)
    ("emb", (11, 3), 4, 0),
    ("scope/w", (5, 7), 3, 1),
    ("one", (3,), 1, 0),
    ("big/v", (2, 9, 2), 5, 1),
]


def _model(lib, init=None):
    out = {}
    for name, shape, shards, axis in SPECS:
        scope, _, leaf = name.rpartition("/")
        with lib.variable_scope(scope or lib.get_variable_scope()):
            out[name] = lib.get_variable(
                leaf, shape, initializer=init,
                partitioner=lib.fixed_size_partitioner(shards, axis=axis),
            )  # fmt: skip
    plain = lib.get_variable("plain", [2, 2], initializer=init)
    return out, plain


def test_save_tf1_partitioned_restores_into_a_tf1_partitioned_graph(tf1, tmp_path):
    f = js.transform(lambda: _model(js))
    variables = f.init(jax.random.key(7))
    info = js.inspect(f)
    prefix = js.checkpoint.save_tf1(tmp_path / "model.ckpt", variables, partitions=info)
    names = {i.name: i.shape for i in js.checkpoint.list_variables(prefix)}
    assert names == {n: s for n, s, *_ in SPECS} | {"plain": (2, 2)}
    with tf1.Graph().as_default():
        pvs, plain = _model(tf1, tf1.zeros_initializer())
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            saver.restore(sess, prefix)
            for name, pv in pvs.items():
                tree = variables["params"]
                for part in name.split("/"):
                    tree = tree[part]
                np.testing.assert_array_equal(sess.run(pv.as_tensor()), tree)
            np.testing.assert_array_equal(sess.run(plain), variables["params"]["plain"])
            # TF1's own reader sees TF1's layout: the full names, with the parts' shapes
            reader = tf1.train.load_checkpoint(prefix)
            assert reader.get_variable_to_shape_map() == {n: list(s) for n, s in names.items()}


def test_tf1_partitioned_checkpoint_restores_into_one_array_each(tf1, tmp_path):
    with tf1.Graph().as_default():
        pvs, plain = _model(tf1, tf1.random_normal_initializer())
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            expected = {n: sess.run(pv.as_tensor()) for n, pv in pvs.items()}
            expected["plain"] = sess.run(plain)
            prefix = saver.save(sess, str(tmp_path / "tf1.ckpt"))
    f = js.transform(lambda: _model(js))
    abstract = jax.eval_shape(f.init, jax.random.key(0))
    restored, report = js.checkpoint.restore_tf1(abstract, prefix)
    for name, value in expected.items():
        tree = restored["params"]
        for part in name.split("/"):
            tree = tree[part]
        np.testing.assert_array_equal(tree, value)
    # and back: jaxscope writes the same values in TF1's layout
    again = js.checkpoint.save_tf1(tmp_path / "again.ckpt", restored, partitions=js.inspect(f))
    reread = js.checkpoint.load_variables(again)
    for name, value in expected.items():
        np.testing.assert_array_equal(reread[name], value)


def test_save_tf1_index_entries_match_tf1_saver(tf1, tmp_path):
    """The index holds the same keys (slice keys included) and the same full entries."""
    from jaxscope._src.checkpoint import tensorbundle as tb

    with tf1.Graph().as_default():
        pvs, plain = _model(tf1, tf1.ones_initializer())
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            tf_prefix = saver.save(sess, str(tmp_path / "tf1.ckpt"))
    f = js.transform(lambda: _model(js, js.ones_initializer()))
    js_prefix = js.checkpoint.save_tf1(
        tmp_path / "js.ckpt", f.init(jax.random.key(0)), partitions=js.inspect(f)
    )

    def entries(prefix):
        with open(prefix + ".index", "rb") as fh:
            items = tb.read_table(fh.read(), prefix)
        out = {}
        for key, value in items:
            if key:
                e = tb.decode_entry(value)
                out[key] = (e.dtype, e.shape, e.slices, e.size, e.crc32c)
        return out

    tf_entries, js_entries = entries(tf_prefix), entries(js_prefix)
    assert sorted(tf_entries) == sorted(js_entries)
    # every part is a slice entry, but a single part is saved plain (as TF1's Saver does)
    assert sum(1 for k in tf_entries if k.startswith(b"\x00")) == 4 + 3 + 5
    assert tf_entries[b"one"][2] == () and len(tf_entries[b"emb"][2]) == 4
    assert tf_entries == js_entries


def test_save_tf1_partitions_errors(tmp_path):
    variables = {"params": {"w": np.zeros((4, 2), np.float32)}}
    with pytest.raises(js.checkpoint.CheckpointNameError, match=r"'v' is given in partitions="):
        js.checkpoint.save_tf1(tmp_path / "a", variables, partitions={"v": [2, 1]})
    with pytest.raises(
        js.checkpoint.CheckpointNameError,
        match=r"(?s)partitions=\[2, 2\] does not fit shape \(4, 2\).*\{'w': \[3, 1\]\}",
    ):
        js.checkpoint.save_tf1(tmp_path / "a", variables, partitions={"w": [2, 2]})


@pytest.mark.parametrize("parts", [0, 8, 3])
def test_read_region_reads_only_the_slices_it_needs(tmp_path, parts):
    """A shard's region of a plain tensor (rows) or of a partitioned one (overlapping parts)
    costs at most 1.1x its own bytes when parts and shards line up."""
    from jaxscope._src.checkpoint.tf1_checkpoint import CheckpointReader

    value = np.arange(64 * 6, dtype=np.float32).reshape(64, 6)
    tree = {"params": {"emb": value}}
    partitions = {"emb": [parts, 1]} if parts else None
    prefix = js.checkpoint.save_tf1(tmp_path / "c", tree, partitions=partitions)
    for start, stop in [(0, 8), (8, 16), (56, 64), (13, 40)]:
        with CheckpointReader(prefix) as reader:
            region = reader.read_region("emb", (slice(start, stop),))
            np.testing.assert_array_equal(region, value[start:stop])
            own = value[start:stop].nbytes
            if parts == 0 or (parts == 8 and (start, stop) != (13, 40)):
                assert reader.bytes_read <= 1.1 * own
            else:  # parts overlapping the region are read whole (each checked)
                assert own < reader.bytes_read <= value.nbytes
    with CheckpointReader(prefix) as reader:  # columns of a plain tensor: the whole is read
        np.testing.assert_array_equal(
            reader.read_region("emb", (slice(None), slice(2, 4))), value[:, 2:4]
        )


def test_tf1_adam_slots_of_a_partitioned_variable_restore(tf1, tmp_path):
    """TF1 saves a partitioned variable's Adam slots as sliced ``v/Adam``, ``v/Adam_1``."""
    optax = pytest.importorskip("optax")
    with tf1.Graph().as_default():
        pv = tf1.get_variable("v", [6, 2], partitioner=tf1.fixed_size_partitioner(3))
        step = tf1.train.AdamOptimizer(0.1).minimize(tf1.reduce_sum(tf1.square(pv.as_tensor())))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(step)
            prefix = tf1.train.Saver().save(sess, str(tmp_path / "adam.ckpt"))
            m = sess.run(pv.as_tensor())
    reader = tf1.train.load_checkpoint(prefix)
    assert reader.get_variable_to_shape_map()["v/Adam"] == [6, 2]
    f = js.transform(lambda: js.get_variable("v", [6, 2], partitioner=js.fixed_size_partitioner(3)))
    variables, _ = js.checkpoint.restore_tf1(f.init(jax.random.key(0)), prefix, strict=False)
    np.testing.assert_array_equal(variables["params"]["v"], m)
    state, report = js.checkpoint.restore_tf1_adam(
        optax.adam(0.1).init(variables["params"]), variables["params"], prefix
    )
    assert report.loaded == ["count (from beta1_power)", "v/Adam", "v/Adam_1"]
    np.testing.assert_array_equal(state[0].mu["v"], reader.get_tensor("v/Adam"))
    np.testing.assert_array_equal(state[0].nu["v"], reader.get_tensor("v/Adam_1"))
