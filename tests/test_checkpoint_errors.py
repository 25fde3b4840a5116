"""Bad checkpoints give a clear jaxscope error naming the file and the fix, never a bad array."""

import os
import shutil
import struct

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint import tensorbundle as tb
from jaxscope._src.checkpoint.errors import (
    CheckpointMismatchError,
    CheckpointNotFoundError,
    ChecksumMismatchError,
    CorruptCheckpointError,
    RenameCollisionError,
    UnsupportedCheckpointError,
    VariableNotInCheckpointError,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf1")


def copy_fixture(tmp_path, name="dtypes") -> str:
    shutil.copytree(os.path.join(FIXTURES, name), tmp_path / name)
    return str(tmp_path / name / "model.ckpt")


def patch(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def test_nonexistent_path_is_file_not_found(tmp_path):
    with pytest.raises(CheckpointNotFoundError, match=r"No checkpoint at this path.*nope") as e:
        ckpt.load_variables(tmp_path / "nope")
    assert isinstance(e.value, FileNotFoundError)
    assert "the prefix that Saver.save returned" in str(e.value)


def test_index_or_data_file_path_means_its_prefix(tmp_path):
    prefix = copy_fixture(tmp_path, "model")
    assert ckpt.list_variables(prefix + ".index") == ckpt.list_variables(prefix)
    assert ckpt.list_variables(prefix + ".data-00000-of-00001") == ckpt.list_variables(prefix)


def test_a_file_that_is_not_a_checkpoint(tmp_path):
    (tmp_path / "model.ckpt.meta").write_bytes(b"graph" * 20)
    with pytest.raises(CheckpointNotFoundError, match=r"(?s)This file is not a checkpoint.*'dir/"):
        ckpt.list_variables(tmp_path / "model.ckpt.meta")


def test_directory_without_state_file(tmp_path):
    with pytest.raises(CheckpointNotFoundError, match=r"no checkpoint state file.*checkpoint"):
        ckpt.list_variables(tmp_path)


def test_directory_whose_state_names_a_deleted_checkpoint(tmp_path):
    prefix = copy_fixture(tmp_path, "model")
    os.remove(prefix + ".index")
    assert ckpt.latest_checkpoint(os.path.dirname(prefix)) is None
    with pytest.raises(CheckpointNotFoundError, match="points to a deleted checkpoint"):
        ckpt.load_variables(os.path.dirname(prefix))


def test_missing_shard_names_it(tmp_path):
    prefix = copy_fixture(tmp_path)
    os.remove(prefix + ".data-00001-of-00002")
    with pytest.raises(
        CheckpointNotFoundError, match=r"Data shard model.ckpt.data-00001-of-00002 .* is missing"
    ):
        ckpt.load_variables(prefix)


@pytest.mark.parametrize("shard", [0, 1])
def test_flipped_data_byte_fails_the_checksum(tmp_path, shard):
    prefix = copy_fixture(tmp_path)
    reader = ckpt.CheckpointReader(prefix)
    name = next(
        n for n in reader.names if reader.entry(n).shard_id == shard and reader.entry(n).size
    )
    entry = reader.entry(name)
    data = f"{prefix}.data-0000{shard}-of-00002"
    with open(data, "rb") as f:
        f.seek(entry.offset + 1)
        byte = f.read(1)
    patch(data, entry.offset + 1, bytes([byte[0] ^ 0x10]))
    with pytest.raises(
        ChecksumMismatchError, match=rf'corrupt \(reading variable "{name}"\).*CRC32C'
    ):
        ckpt.load_variables(prefix)
    others = [n for n in reader.names if n != name]
    assert sorted(ckpt.load_variables(prefix, others)) == sorted(others)  # the rest still read


def test_flipped_byte_in_a_partition_fails_the_checksum(tmp_path):
    prefix = copy_fixture(tmp_path)
    reader = ckpt.CheckpointReader(prefix)
    part = next(e for k, e in reader._entries.items() if k.startswith(b"\x00part/w"))
    patch(f"{prefix}.data-0000{part.shard_id}-of-00002", part.offset, b"\xff")
    with pytest.raises(ChecksumMismatchError, match=r'"part/w"'):
        ckpt.load_variables(prefix, ["part/w"])


def test_truncated_data_file(tmp_path):
    prefix = copy_fixture(tmp_path)
    data = prefix + ".data-00001-of-00002"
    size = os.path.getsize(data)
    os.truncate(data, size - 3)
    with pytest.raises(CorruptCheckpointError, match=rf"it ends at byte {size - 3}") as e:
        ckpt.load_variables(prefix)
    assert isinstance(e.value, ValueError) and "copy it again" in str(e.value)


def test_truncated_index(tmp_path):
    prefix = copy_fixture(tmp_path)
    os.truncate(prefix + ".index", os.path.getsize(prefix + ".index") - 10)
    with pytest.raises(CorruptCheckpointError, match=r"model.ckpt.index is corrupt.*footer magic"):
        ckpt.list_variables(prefix)


def test_garbled_index_fails_the_block_checksum(tmp_path):
    prefix = copy_fixture(tmp_path)
    patch(prefix + ".index", 20, b"\x00\x00\x00")
    with pytest.raises(
        ChecksumMismatchError, match=r"model.ckpt.index is corrupt.*table block at offset 0"
    ):
        ckpt.list_variables(prefix)


def test_empty_index_file(tmp_path):
    prefix = copy_fixture(tmp_path)
    open(prefix + ".index", "wb").close()
    with pytest.raises(CorruptCheckpointError, match="shorter than a table footer"):
        ckpt.list_variables(prefix)


def test_compressed_index_block_is_unsupported(tmp_path):
    prefix = copy_fixture(tmp_path)
    with open(prefix + ".index", "rb") as f:
        data = f.read()
    footer = data[-tb.FOOTER_SIZE :]
    _, _, pos = tb._handle(footer, 0)
    index_offset, index_size, _ = tb._handle(footer, pos)
    _, handle = next(tb._block_entries(data[index_offset : index_offset + index_size]))
    offset, size, _ = tb._handle(handle, 0)
    kind_and_crc = b"\x01" + struct.pack(
        "<I", tb.masked_crc32c(data[offset : offset + size] + b"\x01")
    )
    patch(prefix + ".index", offset + size, kind_and_crc)
    with pytest.raises(UnsupportedCheckpointError, match=r"compressed \(compression type 1"):
        ckpt.list_variables(prefix)


def test_v1_checkpoint_is_unsupported(tf1, tmp_path):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.get_variable("w", initializer=np.ones(2, np.float32))
        saver = tf1.train.Saver(write_version=tf1.train.SaverDef.V1)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            prefix = saver.save(sess, str(tmp_path / "model.ckpt"), write_meta_graph=False)
    assert not os.path.exists(prefix + ".index")
    with pytest.raises(UnsupportedCheckpointError, match=r"(?s)V1 checkpoint.*Saver\(\)"):
        ckpt.load_variables(prefix)
    with pytest.raises(UnsupportedCheckpointError, match="V1 checkpoint"):
        ckpt.load_variables(tmp_path)  # through the state file


def test_unknown_name_is_a_key_error():
    with pytest.raises(
        VariableNotInCheckpointError, match=r"(?s)no variable\(s\) 'nope'.*list_variables"
    ):
        ckpt.load_variables(os.path.join(FIXTURES, "model"), ["nope"])
    with pytest.raises(KeyError):
        ckpt.load_variables(os.path.join(FIXTURES, "model"), ["two_layers/h1/weights", "nope"])


def test_string_tensors_are_listed_and_skipped(tf1, tmp_path):
    graph = tf1.Graph()
    with graph.as_default():
        tf1.Variable([b"a", b"bc"], name="vocab")
        tf1.get_variable("w", initializer=np.ones(2, np.float32))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            prefix = tf1.train.Saver().save(sess, str(tmp_path / "m.ckpt"), write_meta_graph=False)
    assert ckpt.list_variables(prefix)[0] == ("vocab", (2,), np.dtype(object))
    with pytest.warns(UserWarning, match=r"skipped string tensors \['vocab'\]"):
        assert list(ckpt.load_variables(prefix)) == ["w"]
    with pytest.raises(UnsupportedCheckpointError, match='"vocab" is a string tensor'):
        ckpt.load_variables(prefix, ["vocab"])


def model(x):
    with js.variable_scope("two_layers"):
        with js.variable_scope("h1"):
            w = js.get_variable("weights", [4, 3])
            b = js.get_variable("biases", [3])
        extra = js.get_variable("extra", [5])
    return x @ w + b + extra.sum()


def variables(**overrides):
    tree = js.transform(model).init(jax.random.key(0), jnp.ones([1, 4]))
    tree["params"]["two_layers"]["h1"].update(overrides)
    return tree


def test_strict_restore_raises_on_missing_and_names_it():
    with pytest.raises(CheckpointMismatchError, match=r"missing.*\n    two_layers/extra") as e:
        ckpt.restore_tf1(variables(), os.path.join(FIXTURES, "model"))
    assert "rename=" in str(e.value) and "strict=False" in str(e.value)


def test_non_strict_restore_keeps_the_rest_and_reports():
    tree = variables()
    new, report = ckpt.restore_tf1(tree, os.path.join(FIXTURES, "model"), strict=False)
    assert report.missing == ["two_layers/extra"] and not report.ok
    assert report.unused == ["two_layers/count", "two_layers/h2/biases", "two_layers/h2/weights"]
    assert new["params"]["two_layers"]["extra"] is tree["params"]["two_layers"]["extra"]
    assert sorted(report.loaded) == ["two_layers/h1/biases", "two_layers/h1/weights"]
    assert "missing (in the tree, not in the checkpoint): 1" in str(report)


@pytest.mark.parametrize(
    "leaf, what",
    [
        (jnp.zeros([3, 4]), r"tree float32\[3, 4\], checkpoint .* float32\[4, 3\]"),
        (jnp.zeros([4, 3], jnp.bfloat16), r"tree bfloat16\[4, 3\], checkpoint .* float32\[4, 3\]"),
    ],
)
def test_shape_and_dtype_mismatches_are_reported_never_cast(leaf, what):
    path = os.path.join(FIXTURES, "model")
    with pytest.raises(CheckpointMismatchError, match=what):
        ckpt.restore_tf1(variables(weights=leaf), path)
    new, report = ckpt.restore_tf1(variables(weights=leaf), path, strict=False)
    assert [m.name for m in report.mismatched] == ["two_layers/h1/weights"]
    assert new["params"]["two_layers"]["h1"]["weights"].dtype == leaf.dtype
    assert "two_layers/h1/weights" not in report.unused


def test_rename_collision():
    rename = {"two_layers/h1/": "two_layers/h1/", "two_layers/h2/": "two_layers/h1/"}
    with pytest.raises(RenameCollisionError, match='both checkpoint variables "two_layers/h1/'):
        ckpt.restore_tf1(variables(), os.path.join(FIXTURES, "model"), rename=rename)


def test_save_tf1_rejects_dtypes_tf1_checkpoints_cannot_hold(tmp_path):
    tree = {"params": {"vocab": np.array(["a", "b"])}}
    with pytest.raises(TypeError, match=r'(?s)variable "vocab" of dtype <U1.*astype'):
        ckpt.save_tf1(tmp_path / "m.ckpt", tree)
    assert os.listdir(tmp_path) == []  # no half-written files left behind


@pytest.mark.parametrize(
    "cls, builtin",
    [
        (CheckpointNotFoundError, FileNotFoundError),
        (CorruptCheckpointError, ValueError),
        (ChecksumMismatchError, CorruptCheckpointError),
        (UnsupportedCheckpointError, ValueError),
        (VariableNotInCheckpointError, KeyError),
        (CheckpointMismatchError, ValueError),
        (RenameCollisionError, ValueError),
    ],
)
def test_errors_subclass_jaxscope_error_and_the_builtin(cls, builtin):
    assert issubclass(cls, js.JaxscopeError) and issubclass(cls, builtin)
