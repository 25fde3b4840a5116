"""Adversarial inputs to jaxscope.checkpoint (issue 22): never a silently wrong restore.

TF1 checkpoints written by ``tf.compat.v1.train.Saver`` in the tests, restored into trees whose
variable has another shape / dtype / is missing / is extra; partitioned variables restored with
another partitioning; Adam slots of the wrong shape; ``save_tf1`` of bad trees; truncated and
corrupt files. TF1's ``Saver.restore`` (the oracle) raises ``InvalidArgumentError`` (shape,
dtype), ``NotFoundError`` (missing), ``DataLossError``/``OutOfRangeError`` (corrupt files):
``tf.errors.OpError`` subclasses, not Python builtins. jaxscope raises a ``JaxscopeError`` that is
a ``ValueError`` for all of them (``TypeError`` for a tree that is not a tree of arrays), naming
the variable and both shapes/dtypes; a restore never broadcasts, reshapes or casts a value.
"""

import glob
import os
import shutil

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint as ckpt
from jaxscope import train
from jaxscope._src.checkpoint.errors import (
    AdamStateError,
    CheckpointMismatchError,
    ChecksumMismatchError,
    CorruptCheckpointError,
)
from jaxscope._src.core.errors import CheckpointNameError, CheckpointTreeError
from jaxscope._src.errors import JaxscopeError
from jaxscope._src.train.errors import SlotMismatchError

RAW = (KeyError, IndexError, AttributeError, ZeroDivisionError)
W = np.arange(6, dtype=np.float32).reshape(3, 2)  # "dense/w" in the TF1 checkpoint
B = np.array([0.5, -0.5], np.float32)  # "dense/b"
EMB = np.arange(12, dtype=np.float32).reshape(6, 2)  # "emb", 3 partitions in TF1


def assert_not_raw(err):
    assert isinstance(err, JaxscopeError), type(err)
    assert not isinstance(err, RAW), type(err)


def _tf_save(tf1, path, build):
    with tf1.Graph().as_default():
        build()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return tf1.train.Saver().save(sess, str(path))


def _tf_restore_error(tf1, prefix, build):
    """The exception TF1's Saver.restore raises restoring ``prefix`` into ``build()``'s graph."""
    with tf1.Graph().as_default():
        build()
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            try:
                saver.restore(sess, prefix)
            except Exception as e:  # noqa: BLE001 - the oracle's class is what we compare
                return e
    return None


@pytest.fixture(scope="module")
def tf_ckpts(tf1, tmp_path_factory):
    d = tmp_path_factory.mktemp("adv")
    const = tf1.constant_initializer

    def dense():
        tf1.get_variable("dense/w", [3, 2], initializer=const(W))
        tf1.get_variable("dense/b", [2], initializer=const(B))

    def part():
        def init(shape, dtype=None, partition_info=None):  # each partition its rows of EMB
            start = partition_info.single_offset(shape)
            return tf1.constant(EMB[start : start + shape[0]])

        tf1.get_variable("emb", [6, 2], initializer=init, partitioner=tf1.fixed_size_partitioner(3))

    def adam():
        w = tf1.get_variable("dense/w", [3, 2], initializer=const(W))
        tf1.train.AdamOptimizer(0.1).minimize(tf1.reduce_sum(w * w))

    def step():
        tf1.get_variable(
            "global_step", [], tf1.int64, initializer=const(2**40), trainable=False
        )  # fmt: skip

    return {
        "dense": _tf_save(tf1, d / "dense.ckpt", dense),
        "part": _tf_save(tf1, d / "part.ckpt", part),
        "adam": _tf_save(tf1, d / "adam.ckpt", adam),
        "step": _tf_save(tf1, d / "step.ckpt", step),
    }


_DEFAULT = object()


def tree(w=_DEFAULT, b=_DEFAULT, **extra):
    w = jnp.zeros([3, 2]) if w is _DEFAULT else w
    b = jnp.zeros([2]) if b is _DEFAULT else b
    return {"params": {"dense": {"w": w, "b": b, **extra}}}


# -- shape and dtype ------------------------------------------------------------------------------
# a "dense/w" leaf of the target tree -> (TF1 graph variable, the tree / checkpoint in the message)
BAD_W = {
    "transposed_2x3": (jnp.zeros([2, 3]), ([2, 3], "float32"), r"float32\[2, 3\]"),
    "flat_6": (jnp.zeros([6]), ([6], "float32"), r"float32\[6\]"),
    "extra_axis_1x3x2": (jnp.zeros([1, 3, 2]), ([1, 3, 2], "float32"), r"float32\[1, 3, 2\]"),
    "broadcast_target_3x1": (jnp.zeros([3, 1]), ([3, 1], "float32"), r"float32\[3, 1\]"),
    "scalar": (jnp.zeros([]), ([], "float32"), r"float32\[\]"),
    "bfloat16": (jnp.zeros([3, 2], jnp.bfloat16), None, r"bfloat16\[3, 2\]"),
    "float16": (jnp.zeros([3, 2], jnp.float16), ([3, 2], "float16"), r"float16\[3, 2\]"),
    "int32": (jnp.zeros([3, 2], jnp.int32), ([3, 2], "int32"), r"int32\[3, 2\]"),
    "float64_numpy": (np.zeros([3, 2]), ([3, 2], "float64"), r"float64\[3, 2\]"),
    "abstract_2x3": (jax.ShapeDtypeStruct((2, 3), jnp.float32), None, r"float32\[2, 3\]"),
}


@pytest.mark.parametrize("kind", sorted(BAD_W))
def test_a_variable_of_another_shape_or_dtype_is_refused_never_cast(tf_ckpts, kind):
    leaf, _, tree_part = BAD_W[kind]
    match = rf'dense/w: tree {tree_part}, checkpoint "dense/w" float32\[3, 2\]'
    with pytest.raises(CheckpointMismatchError, match=match) as info:
        ckpt.restore_tf1(tree(w=leaf), tf_ckpts["dense"])
    assert isinstance(info.value, ValueError)
    assert_not_raw(info.value)
    # strict=False: the leaf is kept as it was (never broadcast, reshaped or cast), b is loaded
    new, report = ckpt.restore_tf1(tree(w=leaf), tf_ckpts["dense"], strict=False)
    assert new["params"]["dense"]["w"] is leaf
    assert [m.name for m in report.mismatched] == ["dense/w"] and report.loaded == ["dense/b"]
    np.testing.assert_array_equal(new["params"]["dense"]["b"], B)


@pytest.mark.parametrize("kind", sorted(k for k in BAD_W if BAD_W[k][1] is not None))
def test_tf1_saver_refuses_the_same_shapes_and_dtypes(tf1, tf_ckpts, kind):
    shape, dtype = BAD_W[kind][1]

    def build():
        tf1.get_variable("dense/w", shape, getattr(tf1, dtype))
        tf1.get_variable("dense/b", [2])

    err = _tf_restore_error(tf1, tf_ckpts["dense"], build)
    assert isinstance(err, tf1.errors.InvalidArgumentError), type(err)
    if dtype == "float32":  # TF1 names both shapes too
        assert "[3,2]" in str(err) and f"[{','.join(map(str, shape))}]" in str(err)


@pytest.mark.parametrize(
    "arrays, got",
    [({"dense/w:0": np.ones([1], np.float32)}, r"float32\[1\]"),
     ({"dense/w:0": np.float32(1.0)}, r"float32\[\]"),
     ({"dense/w:0": np.ones([1, 2], np.float32)}, r"float32\[1, 2\]"),
     ({"dense/w:0": np.ones([3, 2], np.float64)}, r"float64\[3, 2\]")],
    ids=["1", "scalar", "1x2", "float64"],
)  # fmt: skip
def test_a_mapping_value_that_would_broadcast_is_refused(arrays, got):
    target = {"params": {"dense": {"w": jnp.zeros([3, 2])}}}
    with pytest.raises(CheckpointMismatchError, match=rf"dense/w: tree float32\[3, 2\], .*{got}"):
        ckpt.restore_tf1(target, arrays)
    new, _ = ckpt.restore_tf1(target, arrays, strict=False)
    assert new["params"]["dense"]["w"] is target["params"]["dense"]["w"]


def test_int64_global_step_that_does_not_fit_int32_is_refused_not_wrapped(tf_ckpts):
    target = {"state": {"global_step": jnp.zeros((), jnp.int32)}}
    with pytest.raises(
        CheckpointMismatchError,
        match=r'global_step: tree int32\[\], checkpoint "global_step" int64',
    ) as info:
        ckpt.restore_tf1(target, tf_ckpts["step"])
    assert_not_raw(info.value)
    with jax.enable_x64(True):  # where the tree holds int64, the value is restored exactly
        new, _ = ckpt.restore_tf1(
            {"state": {"global_step": np.zeros((), np.int64)}}, tf_ckpts["step"]
        )
    assert int(new["state"]["global_step"]) == 2**40


# -- missing and extra ----------------------------------------------------------------------------
def test_a_variable_missing_from_the_checkpoint_is_named(tf1, tf_ckpts):
    target = tree(extra=jnp.zeros([4]))
    with pytest.raises(CheckpointMismatchError, match=r"missing .*: 1\n    dense/extra") as info:
        ckpt.restore_tf1(target, tf_ckpts["dense"])
    assert isinstance(info.value, ValueError)
    assert_not_raw(info.value)
    new, report = ckpt.restore_tf1(target, tf_ckpts["dense"], strict=False)
    assert report.missing == ["dense/extra"]
    assert new["params"]["dense"]["extra"] is target["params"]["dense"]["extra"]

    def build():
        tf1.get_variable("dense/w", [3, 2])
        tf1.get_variable("dense/b", [2])
        tf1.get_variable("dense/extra", [4])

    err = _tf_restore_error(tf1, tf_ckpts["dense"], build)
    assert isinstance(err, tf1.errors.NotFoundError) and "dense/extra" in str(err)


def test_a_variable_extra_in_the_checkpoint_is_reported_as_tf1_saver_var_list(tf1, tf_ckpts):
    target = {"params": {"dense": {"w": jnp.zeros([3, 2])}}}
    new, report = ckpt.restore_tf1(target, tf_ckpts["dense"])
    assert report.ok and report.unused == ["dense/b"] and report.loaded == ["dense/w"]
    np.testing.assert_array_equal(new["params"]["dense"]["w"], W)
    with tf1.Graph().as_default():  # TF1: Saver(var_list) restores a part of a checkpoint
        w = tf1.get_variable("dense/w", [3, 2])
        with tf1.Session() as sess:
            tf1.train.Saver([w]).restore(sess, tf_ckpts["dense"])
            np.testing.assert_array_equal(sess.run(w), W)


@pytest.mark.parametrize(
    "leaf", [None, 1.0, [1.0, 2.0], "w", object()], ids=["None", "float", "list", "str", "object"]
)
def test_a_target_leaf_that_is_not_an_array_names_the_variable(tf_ckpts, leaf):
    # Before issue 22's adversarial pass: AttributeError: 'float' object has no attribute 'dtype'
    for strict in (True, False):
        with pytest.raises(
            CheckpointTreeError,
            match=r'restore_tf1: the tree\'s variable "dense/w" is a \w+, not an',
        ) as info:
            ckpt.restore_tf1(tree(w=leaf), tf_ckpts["dense"], strict=strict)
        assert isinstance(info.value, TypeError)
        assert_not_raw(info.value)
    with pytest.raises(CheckpointTreeError, match='variable "dense/extra"'):  # missing ones too
        ckpt.restore_tf1(tree(extra=leaf), tf_ckpts["dense"], strict=False)


# -- partitioned ----------------------------------------------------------------------------------
def _js_partitioned(shape, parts):
    f = js.transform(
        lambda: js.get_variable("emb", shape, partitioner=js.fixed_size_partitioner(parts))
    )
    return f.init(jax.random.key(0))


@pytest.mark.parametrize("parts", [1, 2, 3, 6])
def test_a_partitioned_checkpoint_restores_under_another_partitioning(tf1, tf_ckpts, parts):
    new, report = ckpt.restore_tf1(_js_partitioned([6, 2], parts), tf_ckpts["part"])
    assert report.loaded == ["emb"]
    np.testing.assert_array_equal(new["params"]["emb"], EMB)
    with tf1.Graph().as_default():  # the oracle: TF1 restores the slices into other partitions
        pv = tf1.get_variable("emb", [6, 2], partitioner=tf1.fixed_size_partitioner(parts))
        with tf1.Session() as sess:
            tf1.train.Saver().restore(sess, tf_ckpts["part"])
            np.testing.assert_array_equal(sess.run(pv.as_tensor()), EMB)


@pytest.mark.parametrize(
    "shape, parts, tf1_raises", [([4, 2], 2, True), ([6, 1], 3, True), ([12], 3, False),
                                 ([2, 6], 2, False), ([8, 2], 4, True)],
)  # fmt: skip
def test_a_partitioned_variable_of_another_shape_is_refused(
    tf1, tf_ckpts, shape, parts, tf1_raises
):
    shown = ", ".join(map(str, shape))
    with pytest.raises(
        CheckpointMismatchError,
        match=rf'emb: tree float32\[{shown}\], checkpoint "emb" float32\[6, 2\]',
    ) as info:
        ckpt.restore_tf1(_js_partitioned(shape, parts), tf_ckpts["part"])
    assert_not_raw(info.value)
    if tf1_raises:  # ([12] and [2, 6] need a partition of axis 0 TF1's builder refuses to mix)

        def build():
            tf1.get_variable("emb", shape, partitioner=tf1.fixed_size_partitioner(parts))

        assert isinstance(_tf_restore_error(tf1, tf_ckpts["part"], build), tf1.errors.OpError)


# -- optimizer slots ------------------------------------------------------------------------------
def test_adam_slots_of_another_shape_are_refused_by_restore_tf1_adam(tf_ckpts):
    optax = pytest.importorskip("optax")
    params = {"dense": {"w": jnp.zeros([2, 3])}}
    with pytest.raises(
        CheckpointMismatchError,
        match=r'dense/w/Adam: tree float32\[2, 3\], checkpoint "dense/w/Adam" float32\[3, 2\]',
    ) as info:
        ckpt.restore_tf1_adam(optax.adam(0.1).init(params), params, tf_ckpts["adam"])
    assert_not_raw(info.value)
    # a state built for other params: its moments (2, 3), the params (3, 2)
    good = {"dense": {"w": jnp.zeros([3, 2])}}
    with pytest.raises(
        SlotMismatchError, match=r'"dense/w/Adam .* \(2, 3\).*"dense/w" has shape \(3, 2\)'
    ):
        ckpt.restore_tf1_adam(optax.adam(0.1).init(params), good, tf_ckpts["adam"])


def test_adam_state_built_for_other_names_is_a_jaxscope_error_naming_them(tf_ckpts):
    # Before: a plain ValueError without the names (not a JaxscopeError)
    optax = pytest.importorskip("optax")
    good = {"dense": {"w": jnp.zeros([3, 2])}}
    other = {"dense": {"w": jnp.zeros([3, 2]), "b": jnp.zeros([2])}}
    with pytest.raises(
        AdamStateError, match=r'opt_state\'s moments have "dense/b", not in params'
    ) as info:
        ckpt.restore_tf1_adam(optax.adam(0.1).init(other), good, tf_ckpts["adam"])
    assert isinstance(info.value, ValueError) and info.value.names == ["dense/b"]
    assert_not_raw(info.value)
    with pytest.raises(AdamStateError, match='params has "dense/b", which opt_state'):
        ckpt.restore_tf1_adam(optax.adam(0.1).init(good), other, tf_ckpts["adam"])
    with pytest.raises(AdamStateError, match="exactly one optax Adam state .* found 0"):
        ckpt.restore_tf1_adam(optax.sgd(0.1).init(good), good, tf_ckpts["adam"])
    two = optax.chain(optax.adam(0.1), optax.adam(0.1))
    with pytest.raises(AdamStateError, match="found 2"):
        ckpt.restore_tf1_adam(two.init(good), good, tf_ckpts["adam"])


@pytest.mark.parametrize("slot_shape", [(2, 3), (1,), (3, 2, 1)])
def test_a_train_optimizer_slot_of_another_shape_is_refused(tf_ckpts, slot_shape):
    opt = train.AdamOptimizer(0.1)
    params = {"dense": {"w": jnp.zeros([3, 2])}}
    state = dict(opt.init(params))
    state["dense/w/Adam"] = jnp.zeros(slot_shape)
    shown = ", ".join(map(str, slot_shape))
    with pytest.raises(
        CheckpointMismatchError,
        match=rf'dense/w/Adam: tree float32\[{shown}\], checkpoint "dense/w/Adam" float32\[3, 2\]',
    ) as info:
        ckpt.restore_tf1(({"params": params}, state), tf_ckpts["adam"])
    assert_not_raw(info.value)
    (variables, new), report = ckpt.restore_tf1(
        ({"params": params}, state), tf_ckpts["adam"], strict=False
    )
    assert new["dense/w/Adam"] is state["dense/w/Adam"]  # kept, never reshaped
    assert [m.name for m in report.mismatched] == ["dense/w/Adam"]
    # ... and the optimizer then refuses the state for this variable (issue 22: train)
    with pytest.raises(SlotMismatchError, match=r'"dense/w/Adam" has shape'):
        opt.apply_gradients({"dense": {"w": jnp.ones([3, 2])}}, variables, new)


def test_a_train_optimizer_state_restores_the_tf1_slots(tf1, tf_ckpts):
    opt = train.AdamOptimizer(0.1)
    params = {"dense": {"w": jnp.zeros([3, 2])}}
    (variables, state), report = ckpt.restore_tf1(
        ({"params": params}, opt.init(params)), tf_ckpts["adam"]
    )
    assert report.ok and not report.unused_slots
    reader = tf1.train.load_checkpoint(tf_ckpts["adam"])
    np.testing.assert_array_equal(state["dense/w/Adam_1"], reader.get_tensor("dense/w/Adam_1"))


# -- save_tf1 of bad trees ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variables, match, cls",
    [({"params": {"w": np.array([object()])}}, r'variable "w" of dtype object', TypeError),
     ({"params": {"w": np.array([b"a"])}}, r'variable "w" of dtype \|S1', TypeError),
     ({"params": {"w": jnp.ones(2)}, "state": {"w": jnp.ones(2)}}, r"'w' .*given twice", ValueError),
     (({"params": {"d/w": jnp.ones(2)}}, {"d": {"w": jnp.ones(2)}}), r"'d/w' .*given twice",
      ValueError),
     ({"params": {"d": {"w": jnp.ones(2)}, "d/w": jnp.ones(2)}}, r"'d/w'", ValueError),
     ({"params": {"d": jnp.ones(2), "d/w": jnp.ones(2)}}, r"'d'.* scope", ValueError),
     ({"params": {"w": (jnp.ones(2),)}}, r"\['w'\]", TypeError),
     ({"params": {"w": True}}, r"\['w'\] is a bool, not an array", TypeError)],
    ids=["object", "bytes", "params_and_state", "two_trees", "two_paths", "var_and_scope",
         "tuple_leaf", "bool"],
)  # fmt: skip
def test_save_tf1_refuses_a_bad_tree_and_writes_nothing(tmp_path, variables, match, cls):
    with pytest.raises((CheckpointTreeError, CheckpointNameError), match=match) as info:
        ckpt.save_tf1(tmp_path / "out" / "m.ckpt", variables)
    assert isinstance(info.value, cls)
    assert_not_raw(info.value)
    assert not os.path.exists(tmp_path / "out")


# -- truncated and corrupt files ------------------------------------------------------------------
def _damaged(prefix, tmp_path, which, how):
    out = str(tmp_path / "damaged.ckpt")
    for f in glob.glob(prefix + ".*"):
        shutil.copy(f, out + f[len(prefix) :])
    path = out + (".index" if which == "index" else ".data-00000-of-00001")
    with open(path, "rb") as f:
        data = f.read()
    if how == "zeros":
        data = b"\0" * len(data)
    elif how == "flip":
        data = data[:9] + bytes([data[9] ^ 0xFF]) + data[10:]  # inside dense/w's values
    else:
        data = data[:how]
    with open(path, "wb") as f:
        f.write(data)
    return out


@pytest.mark.parametrize(
    "which, how, match",
    [("index", 0, "cannot parse the index table"), ("index", 30, "cannot parse the index table"),
     ("index", "zeros", "footer magic"),
     ("data", 0, r'\(reading variable "dense/b"\): it ends at byte 0, but .* 8 bytes'),
     ("data", 4, r'\(reading variable "dense/b"\): it ends at byte 4, but .* 8 bytes'),
     ("data", 12, r'\(reading variable "dense/w"\): it ends at byte 12, but .* 24 bytes'),
     ("data", 31, r'\(reading variable "dense/w"\): it ends at byte 31'),
     ("data", "flip", r'\(reading variable "dense/w"\): the CRC32C checksum of bytes \[8, 32\)'),
     ("data", "zeros", r'\(reading variable "dense/b"\): the CRC32C checksum of bytes \[0, 8\)')],
)  # fmt: skip
def test_a_truncated_or_corrupt_file_is_refused_as_tf1_does(
    tf1, tf_ckpts, tmp_path, which, how, match
):
    prefix = _damaged(tf_ckpts["dense"], tmp_path, which, how)
    with pytest.raises(CorruptCheckpointError, match=match) as info:
        ckpt.restore_tf1(tree(), prefix)
    assert isinstance(info.value, ValueError)
    assert_not_raw(info.value)
    if how in ("flip", "zeros") and which == "data":
        assert isinstance(info.value, ChecksumMismatchError)

    def build():
        tf1.get_variable("dense/w", [3, 2])
        tf1.get_variable("dense/b", [2])

    err = _tf_restore_error(tf1, prefix, build)
    assert isinstance(err, tf1.errors.DataLossError | tf1.errors.OutOfRangeError), type(err)
