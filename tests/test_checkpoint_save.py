"""save_tf1 writes every variable or nothing: refused trees name the culprit, failures clean up."""

import errno
import os

import jax
import numpy as np
import pytest

from jaxscope import checkpoint as ckpt
from jaxscope._src.checkpoint import tf1_checkpoint
from jaxscope._src.checkpoint.errors import CheckpointNotFoundError

x = np.arange(3, dtype=np.float32)
y = np.ones(2, np.int32)


def test_save_refuses_two_paths_with_one_name_and_writes_nothing(tmp_path):
    tree = {"params": {"a": {"b": x}, "a/b": y}}
    with pytest.raises(
        ckpt.CheckpointNameError,
        match=r"(?s)'a/b' is given twice, by variables\['params'\]\['a'\]\['b'\] and "
        r"variables\['params'\]\['a/b'\].*Rename one",
    ):
        ckpt.save_tf1(tmp_path / "m.ckpt", tree)
    assert os.listdir(tmp_path) == []


def test_save_refuses_the_same_name_in_params_and_state(tmp_path):
    with pytest.raises(ckpt.CheckpointNameError, match=r"'w' is given twice.*'state'\]\['w'\]"):
        ckpt.save_tf1(tmp_path / "m.ckpt", {"params": {"w": x}, "state": {"w": y}})


def test_save_refuses_a_variable_that_is_also_a_scope(tmp_path):
    with pytest.raises(ckpt.CheckpointNameError, match=r"'a' .* is a variable and also the scope"):
        ckpt.save_tf1(tmp_path / "m.ckpt", {"params": {"a": x, "a/b": y}})


@pytest.mark.parametrize(
    "tree, where",
    [([x], "variables is a list, not a variables tree"),
     (x, "variables is a ndarray"),
     (None, "variables is a NoneType"),
     ({"params": {0: x}}, r"variables\['params'\] has the key 0 of type int"),
     ({"params": {"w": None}}, r"variables\['params'\]\['w'\] is a NoneType, not an array"),
     ({"params": {"w": [1.0, 2.0]}}, r"variables\['params'\]\['w'\] is a list, not an array"),
     ({"params": {"w": 1.5}}, r"variables\['params'\]\['w'\] is a float, not an array"),
     ({"params": {"w": jax.ShapeDtypeStruct((2,), np.float32)}},
      r"variables\['params'\]\['w'\] is a jax.ShapeDtypeStruct"),
     ({"params": {"w": np.array(["a"])}}, r'save_tf1 cannot write variable "w" of dtype <U1')],
)  # fmt: skip
def test_save_refuses_what_is_not_a_tree_of_arrays(tmp_path, tree, where):
    with pytest.raises(ckpt.CheckpointTreeError, match=where) as e:
        ckpt.save_tf1(tmp_path / "out" / "m.ckpt", tree)
    assert isinstance(e.value, TypeError)
    assert not os.path.exists(tmp_path / "out")  # refused before anything is created


@pytest.mark.parametrize(
    "tree, name, what",
    [({"params": {"": x}}, "", "has an empty part"),
     ({"params": x}, "", "has an empty part"),
     ({"params": {"a/": {"b": x}}}, "a//b", "has an empty part"),
     ({"params": {"my weights": x}}, "my weights", "is not a name TF1 accepts"),
     ({"params": {"w:0": x}}, "w:0", "is not a name TF1 accepts"),
     ({"params": {"_w": x}}, "_w", "is not a name TF1 accepts"),
     ({"params": {"dense": {"w\u00e9": x}}}, "dense/w\u00e9", "is not a name TF1 accepts")],
)  # fmt: skip
def test_save_refuses_names_tf1_refuses(tmp_path, tree, name, what):
    with pytest.raises(ckpt.CheckpointNameError, match=rf"{name!r} \(from variables.*{what}"):
        ckpt.save_tf1(tmp_path / "m.ckpt", tree)


def test_tf1_refuses_the_same_names(tf1):
    for name in ["my weights", "w:0", "_w", "w\u00e9"]:
        with tf1.Graph().as_default(), pytest.raises(ValueError, match="is not a valid"):
            tf1.get_variable(name, [1])


class FullDisk:
    """A file that takes ``room`` bytes, then fails like a full disk."""

    def __init__(self, f, room: int):
        self.f, self.room = f, room

    def write(self, data):
        if len(data) > self.room:
            self.f.write(data[: self.room])
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.f.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def __getattr__(self, name):
        return getattr(self.f, name)


def fail_writing(monkeypatch, which: str, room: int):
    def fake_open(path, mode="r", *args, **kwargs):
        f = open(path, mode, *args, **kwargs)
        return FullDisk(f, room) if which in os.path.basename(path) and "w" in mode else f

    monkeypatch.setattr(tf1_checkpoint, "open", fake_open, raising=False)


def fail_renaming_to(monkeypatch, which: str):
    replace = os.replace

    def fake_replace(src, dst):
        if os.path.basename(dst).endswith(which):
            raise OSError(errno.EIO, "Input/output error")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", fake_replace)


FAILURES = {
    "data_write_partway": lambda mp: fail_writing(mp, ".data-", room=40),
    "index_write": lambda mp: fail_writing(mp, ".index", room=10),
    "data_rename": lambda mp: fail_renaming_to(mp, ".data-00000-of-00001"),
    "index_rename": lambda mp: fail_renaming_to(mp, ".index"),
    "state_file_write": lambda mp: fail_writing(mp, "checkpoint.tmp", room=3),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_failed_save_leaves_no_tmp_files_and_no_wrong_checkpoint(tmp_path, monkeypatch, failure):
    old = {"params": {"a": np.full(8, 1.0, np.float32), "b": np.full(8, 2.0, np.float32)}}
    new = {"params": {"a": np.full(8, 3.0, np.float32), "b": np.full(8, 4.0, np.float32)}}
    prefix = ckpt.save_tf1(tmp_path / "m.ckpt", old)
    monkeypatch.setattr(tf1_checkpoint, "_CHUNK", 16)  # several writes per tensor
    FAILURES[failure](monkeypatch)
    with pytest.raises(OSError):
        ckpt.save_tf1(prefix, new)
    monkeypatch.undo()
    assert [f for f in os.listdir(tmp_path) if "tmp" in f] == []
    try:
        loaded = ckpt.load_variables(prefix)
    except CheckpointNotFoundError:
        return  # the old checkpoint is gone and the new one never appeared: nothing lies
    wanted = [{k: v.tolist() for k, v in t["params"].items()} for t in (old, new)]
    assert {k: v.tolist() for k, v in loaded.items()} in wanted


def test_save_over_an_existing_checkpoint_replaces_it(tmp_path):
    prefix = ckpt.save_tf1(tmp_path / "m.ckpt", {"params": {"a": x}})
    ckpt.save_tf1(prefix, {"params": {"b": y}})
    assert list(ckpt.load_variables(prefix)) == ["b"]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.ckpt.data-00000-of-00001",
                                            "m.ckpt.index"]  # fmt: skip
