"""train.Saver: TF1's Saver on variables trees, differential against tf.compat.v1.train.Saver.

TF1's Saver reads our checkpoints and state file and we read its; the same save sequence leaves
the same files and the same state file (max_to_keep, keep_checkpoint_every_n_hours under one
clock, relative and absolute paths); a writer killed at any moment leaves latest_checkpoint
naming a complete checkpoint (every file operation of a save sequence simulated, and real
SIGKILLs of a writing subprocess).
"""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint
from jaxscope._src.checkpoint import checkpoint_state
from jaxscope._src.checkpoint.saver import SaverError, VariableNotFoundInCheckpointError

W = np.arange(6, dtype=np.float32).reshape(2, 3)
B = np.array([0.5, -1.0, 2.0], np.float32)


def trees(step: int):
    """(variables, opt_state, averages) as jaxscope.train holds them, valued by ``step``."""
    variables = {
        "params": {"layer": {"w": W + step, "b": B * step}},
        "state": {"global_step": np.int32(step)},
    }
    opt_state = {"layer/w/Adam": W * 0.1 * step, "layer/b/Adam": B * 0.2, "beta1_power": 0.9**step}
    opt_state["beta1_power"] = np.float32(opt_state["beta1_power"])
    averages = {"layer/w/ExponentialMovingAverage": W - step}
    return variables, opt_state, averages


def flat(step: int) -> dict:
    variables, opt_state, averages = trees(step)
    return {**checkpoint.flatten(variables), **opt_state, **averages}


class TF1Graph:
    """A TF1 graph holding the variables of ``flat(0)`` by name (global_step int64)."""

    def __init__(self, tf, saver_kwargs=None):
        self.tf, self.graph = tf, tf.Graph()
        with self.graph.as_default():
            self.vars = {}
            for name, value in flat(0).items():
                value = np.int64(value) if name == "global_step" else value
                self.vars[name] = tf.get_variable(name, initializer=value)
            self.sess = tf.Session()
            self.sess.run(tf.global_variables_initializer())
            self.saver = tf.train.Saver(**(saver_kwargs or {}))

    def load(self, values):
        with self.graph.as_default():
            for name, value in values.items():
                self.vars[name].load(value, self.sess)

    def values(self):
        return self.sess.run(self.vars)


def assert_values(got, step, names=None):
    expected = flat(step)
    for name in names or expected:
        np.testing.assert_array_equal(np.asarray(got[name]), expected[name], err_msg=name)


# -- TF1 reads ours ---------------------------------------------------------------------------
def test_tf1_saver_reads_our_checkpoints_and_state_file(tf1, tmp_path):
    saver = js.train.Saver(max_to_keep=2)
    paths = [saver.save(trees(s), str(tmp_path / "model.ckpt"), global_step=s) for s in (1, 2, 3)]
    assert paths[-1] == str(tmp_path / "model.ckpt-3")
    assert tf1.train.latest_checkpoint(str(tmp_path)) == paths[-1]
    state = tf1.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == paths[1:] == saver.last_checkpoints
    assert not tf1.train.checkpoint_exists(paths[0]) and tf1.train.checkpoint_exists(paths[1])

    g = TF1Graph(tf1)
    g.saver.restore(g.sess, tf1.train.latest_checkpoint(str(tmp_path)))
    assert_values(g.values(), 3)  # params, int64 global_step, Adam slots, beta1_power, EMA
    g.sess.close()


# -- we read TF1's: the same save sequence leaves the same files and state file ----------------
CASES = {
    "absolute": ({}, True),
    "relative_dir": ({}, False),
    "save_relative_paths": ({"save_relative_paths": True}, True),
    "pad_step_number": ({"pad_step_number": True, "max_to_keep": 3}, True),
    "keep_every_hour": ({"keep_checkpoint_every_n_hours": 1.0}, True),
    "keep_all": ({"max_to_keep": None}, True),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_save_sequence_same_files_and_state_as_tf1(tf1, tmp_path, monkeypatch, case):
    kwargs, absolute = CASES[case]
    if kwargs.get("max_to_keep", 0) is None:
        kwargs = {"max_to_keep": 0}  # TF1's "keep all" spelling; None is ours too
    clock = [1_700_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # one clock for both savers
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tf").mkdir()
    (tmp_path / "js").mkdir()
    g = TF1Graph(tf1, {"max_to_keep": 2, **kwargs})
    saver = js.train.Saver(**{"max_to_keep": 2, **kwargs})
    steps = [1, 2, 3, 2, 5, 6, 7]  # 2 again: TF1 moves a re-saved path to the end
    for step in steps:
        clock[0] += 1000.0  # 16.7 minutes per save: keep_checkpoint_every_n_hours=1 keeps some
        g.load({n: (np.int64(v) if n == "global_step" else v) for n, v in flat(step).items()})
        where = "{}/model.ckpt" if not absolute else str(tmp_path) + "/{}/model.ckpt"
        tf_path = g.saver.save(g.sess, where.format("tf"), step, write_meta_graph=False)
        js_path = saver.save(trees(step), where.format("js"), step)
        assert js_path == tf_path.replace("tf/", "js/")
    assert sorted(os.listdir("js")) == sorted(os.listdir("tf"))
    with open("js/checkpoint") as ours, open("tf/checkpoint") as theirs:
        assert ours.read() == theirs.read().replace("tf/", "js/")
    assert saver.last_checkpoints == [p.replace("tf/", "js/") for p in g.saver.last_checkpoints]

    # Our readers on TF1's directory give what TF1's give.
    assert js.train.latest_checkpoint("tf") == tf1.train.latest_checkpoint("tf")
    state, tf_state = js.train.get_checkpoint_state("tf"), tf1.train.get_checkpoint_state("tf")
    assert state.model_checkpoint_path == tf_state.model_checkpoint_path
    assert state.all_model_checkpoint_paths == list(tf_state.all_model_checkpoint_paths)
    restored = saver.restore(trees(0), js.train.latest_checkpoint("tf"))
    variables, opt_state, averages = restored
    assert variables["state"]["global_step"].dtype == np.int32  # TF1's int64 into JAX's int32
    assert_values({**checkpoint.flatten(variables), **opt_state, **averages}, steps[-1])
    g.sess.close()


def test_checkpoint_state_text_matches_protobuf_for_odd_paths(tf1, tmp_path):
    from google.protobuf import text_format
    from tensorflow.python.checkpoint import checkpoint_management

    paths = ['/d/it\'s "q"\\x', "/d/caf\u00e9/m-1", "/d/tab\there\nnl"]
    proto = checkpoint_management.generate_checkpoint_state_proto("/d", paths[-1], paths)
    theirs = text_format.MessageToString(proto)
    assert checkpoint_state.format_state(paths[-1], paths) == theirs
    (tmp_path / "checkpoint").write_text(theirs)
    state = js.train.get_checkpoint_state(tmp_path)
    assert state.model_checkpoint_path == paths[-1] and state.all_model_checkpoint_paths == paths


def test_state_file_with_timestamps_and_comments_parses(tmp_path):
    (tmp_path / "checkpoint").write_text(
        '# written by CheckpointManager\nmodel_checkpoint_path: "m-2"\n'
        'all_model_checkpoint_paths: \'m-1\'\nall_model_checkpoint_paths: "m-" "2"\n'
        "all_model_checkpoint_timestamps: 1700000000.5\nall_model_checkpoint_timestamps: 17e8\n"
        "last_preserved_timestamp: 1699999999.25\n"
    )
    state = js.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "m-2")
    assert state.all_model_checkpoint_paths == [str(tmp_path / "m-1"), str(tmp_path / "m-2")]
    assert state.all_model_checkpoint_timestamps == [1700000000.5, 1.7e9]
    assert state.last_preserved_timestamp == 1699999999.25
    assert js.train.latest_checkpoint(str(tmp_path)) is None  # named, but its files are gone


def test_bad_state_files_are_ignored_with_a_warning_or_refused_like_tf1(tf1, tmp_path):
    (tmp_path / "checkpoint").write_text("model_checkpoint_path: unquoted\n")
    with pytest.warns(UserWarning, match=r"(?s)Invalid checkpoint state in .*checkpoint: "
                      r"model_checkpoint_path is not a quoted string.*ignored"):  # fmt: skip
        assert js.train.get_checkpoint_state(tmp_path) is None
    assert tf1.train.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "m-1"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        tf1.train.get_checkpoint_state(str(tmp_path))
    with pytest.raises(checkpoint_state.CheckpointStateError, match=r"(?s)no model_checkpoint_pa"
                       r"th.*Saver\(\).save"):  # fmt: skip
        js.train.get_checkpoint_state(tmp_path)
    assert js.train.get_checkpoint_state(tmp_path / "nowhere") is None


# -- var_list, subsets, global_step ----------------------------------------------------------
def test_var_list_subset_and_dict_restore_like_tf1(tf1, tmp_path):
    prefix = js.train.Saver().save(trees(4), str(tmp_path / "m.ckpt"))
    assert js.train.latest_checkpoint(tmp_path) == prefix

    # A subset: only layer/w changes, the rest keeps its value.
    variables, opt_state, averages = js.train.Saver(["layer/w:0"]).restore(trees(0), prefix)
    np.testing.assert_array_equal(variables["params"]["layer"]["w"], W + 4)
    np.testing.assert_array_equal(variables["params"]["layer"]["b"], B * 0)
    assert_values(opt_state, 0, ["layer/w/Adam"])

    # EMA shadows into the model's variables: TF1's variables_to_restore idiom.
    ema = js.train.ExponentialMovingAverage(0.9)
    names = ema.variables_to_restore(trees(0)[0], ["layer/w"])
    assert names["layer/w/ExponentialMovingAverage"] == "layer/w"
    evaluated = js.train.Saver(names).restore(trees(0)[0], prefix)
    g = TF1Graph(tf1)
    with g.graph.as_default():
        # TF1's variables_to_restore here would say "..._1": this graph has the shadow's name.
        tf_map = {ckpt: g.vars[name] for ckpt, name in names.items()}
        tf1.train.Saver(tf_map).restore(g.sess, prefix)
    expected = g.values()
    for name in ("layer/w", "layer/b", "global_step"):
        np.testing.assert_array_equal(checkpoint.flatten(evaluated)[name], expected[name])
    g.sess.close()

    # With no tree: {tree name: array} of the saver's variables.
    assert sorted(js.train.Saver({"layer/b": "bias"}).restore(prefix)) == ["bias"]
    assert sorted(js.train.Saver().restore(prefix)) == sorted(flat(0))


def test_var_list_takes_handles_from_the_program(tmp_path):
    handles = []

    def model(x):
        with js.variable_scope("layer"):
            w = js.get_variable("w", [2, 3])
            js.get_variable("b", [3])
        step = js.train.get_or_create_global_step()
        handles.extend([w, step])
        return x @ w

    variables = js.transform(model).init(jax.random.key(0), jnp.ones([1, 2]))
    saver = js.train.Saver(var_list=handles)
    prefix = saver.save(variables, str(tmp_path / "m.ckpt"), global_step=handles[1])
    assert prefix.endswith("m.ckpt-0")
    got = checkpoint.load_variables(prefix)
    assert sorted(got) == ["global_step", "layer/w"] and got["global_step"].dtype == np.int64
    restored = saver.restore(jax.tree.map(jnp.zeros_like, variables), prefix)
    np.testing.assert_array_equal(
        restored["params"]["layer"]["w"], variables["params"]["layer"]["w"]
    )
    assert not restored["params"]["layer"]["b"].any()


@pytest.mark.parametrize(
    "step, suffix",
    [(7, "-7"), (np.int64(8), "-8"), (jnp.asarray(9), "-9"), ("global_step", "-5"),
     ("global_step:0", "-5")],
)  # fmt: skip
def test_global_step_as_int_array_or_variable(tmp_path, step, suffix):
    prefix = js.train.Saver().save(trees(5), str(tmp_path / "m"), global_step=step)
    assert prefix == str(tmp_path / "m") + suffix


def test_write_state_false_writes_only_the_files(tmp_path):
    saver = js.train.Saver(max_to_keep=1)
    for step in range(3):
        saver.save(trees(step), str(tmp_path / "m"), step, write_state=False)
    assert not (tmp_path / "checkpoint").exists() and saver.last_checkpoints == []
    assert len([f for f in os.listdir(tmp_path) if f.endswith(".index")]) == 3


def test_recover_last_checkpoints_continues_a_previous_run(tmp_path):
    first = js.train.Saver(max_to_keep=2)
    for step in range(3):
        first.save(trees(step), str(tmp_path / "m"), step)
    second = js.train.Saver(max_to_keep=2)
    second.recover_last_checkpoints(
        js.train.get_checkpoint_state(tmp_path).all_model_checkpoint_paths
    )
    second.save(trees(3), str(tmp_path / "m"), 3)
    assert second.last_checkpoints == [str(tmp_path / "m-2"), str(tmp_path / "m-3")]
    assert not (tmp_path / "m-1.index").exists()


# -- errors ----------------------------------------------------------------------------------
def test_missing_variable_is_a_not_found_error_naming_it(tf1, tmp_path):
    prefix = js.train.Saver(["layer/w"]).save(trees(1), str(tmp_path / "m.ckpt"))
    with pytest.raises(
        VariableNotFoundInCheckpointError,
        match=r'(?s)2 variable\(s\) not found in checkpoint .*m\.ckpt:\n  "global_step"\n  "layer/b"; '
        r'closest: "layer/w".*list_variables.*NotFoundError',
    ) as e:
        js.train.Saver().restore(trees(0)[0], prefix)
    assert isinstance(e.value, KeyError) and e.value.missing["layer/b"] == "layer/b"
    with pytest.raises(VariableNotFoundInCheckpointError, match=r'"ema" \(for the tree\'s "lay'):
        js.train.Saver({"ema": "layer/w"}).restore(trees(0)[0], prefix)
    g = TF1Graph(tf1)  # TF1's Saver fails on the same checkpoint
    with pytest.raises(tf1.errors.NotFoundError, match="not found in checkpoint"):
        g.saver.restore(g.sess, prefix)
    g.sess.close()


def test_restore_refuses_what_tf1_refuses(tmp_path):
    saver = js.train.Saver()
    with pytest.raises(SaverError, match=r"(?s)save_path is None.*latest_checkpoint"):
        saver.restore(trees(0), js.train.latest_checkpoint(tmp_path))
    with pytest.raises(SaverError, match=r"not a valid checkpoint: .*nothing \(has no .*nothing"
                       r"\.index\)"):  # fmt: skip
        saver.restore(trees(0), str(tmp_path / "nothing"))
    with pytest.raises(SaverError, match=r"not a valid checkpoint: .* \(is a directory\)"):
        saver.restore(trees(0), str(tmp_path))
    prefix = saver.save(trees(1), str(tmp_path / "m"))
    wide = trees(0)
    wide[0]["params"]["layer"]["w"] = np.zeros([3, 3], np.float32)
    with pytest.raises(js.CheckpointMismatchError, match=r"layer/w: tree float32\[3, 3\]"):
        saver.restore(wide, prefix)
    with pytest.raises(SaverError, match=r'var_list names 1 variable\(s\) that the tree does not '
                       r'hold: "layer/ww" \(did you mean \'layer/w\'\?\)'):  # fmt: skip
        js.train.Saver(["layer/ww"]).restore(trees(0), prefix)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"var_list": "w"}, r"is a str; TF1 takes a list of variables or a dict"),
     ({"var_list": ["w", "w:0"]}, r'at least two variables have the same name: "w"'),
     ({"var_list": ["w:1"]}, r'"w:1" names output 1 of an op, not a variable.*\'w\''),
     ({"var_list": [3]}, r"is a int, not a variable name or a variable"),
     ({"var_list": {1: "w"}}, r"a checkpoint name must be a str"),
     ({"var_list": []}, r"no variables to save.*allow_empty=True"),
     ({"reshape": True}, r"Saver\(reshape=True\): is not supported"),
     ({"write_version": 1}, r"only TF1's V2 format")],
)  # fmt: skip
def test_saver_arguments_refused_with_the_fix(kwargs, match):
    with pytest.raises(SaverError, match=f"(?s){match}") as e:
        js.train.Saver(**kwargs)
    assert isinstance(e.value, ValueError)


def test_save_refuses_with_the_fix(tmp_path):
    saver = js.train.Saver()
    with pytest.raises(
        SaverError, match=r"(?s)parent directory of .*/no/m doesn't exist.*makedirs"
    ):
        saver.save(trees(1), str(tmp_path / "no" / "m"))
    with pytest.raises(SaverError, match=r"latest_filename='a/b'\): must be a file name"):
        saver.save(trees(1), str(tmp_path / "m"), latest_filename="a/b")
    for step, what in [(True, "is True, not a step"), (np.ones(2, np.int32), "shape \\(2,\\)"),
                       ("nope", "global_step='nope'\\): names no variable")]:  # fmt: skip
        with pytest.raises(SaverError, match=what):
            saver.save(trees(1), str(tmp_path / "m"), global_step=step)
    with pytest.raises(SaverError, match=r"would change the values of 'layer/b'"):
        js.train.Saver(dtypes={"layer/b": "int32"}).save(trees(1), str(tmp_path / "m"))
    assert js.train.Saver(allow_empty=True).save({"params": {}}, str(tmp_path / "m")) is None
    assert os.listdir(tmp_path) == []


# -- crash safety ----------------------------------------------------------------------------
class Crash(BaseException):
    """A kill: nothing after it runs (BaseException: no `except Exception` catches it)."""


def test_a_crash_at_any_file_operation_leaves_a_complete_latest_checkpoint(tmp_path, monkeypatch):
    """Simulates a kill before each rename/remove of a save sequence (the only operations that
    change what the final names hold): latest_checkpoint then names a complete checkpoint of
    the last finished save, or of the interrupted one."""
    real = {"replace": os.replace, "remove": os.remove}
    k = 0
    while True:
        d = tmp_path / f"crash{k}"
        d.mkdir()
        count = [0]

        def op(name, *args, k=k, count=count):
            if count[0] == k:
                raise Crash
            count[0] += 1
            return real[name](*args)

        monkeypatch.setattr(os, "replace", lambda *a: op("replace", *a))
        monkeypatch.setattr(os, "remove", lambda *a: op("remove", *a))
        saver, done = js.train.Saver(max_to_keep=2), -1
        try:
            for step in range(4):
                saver.save(trees(step), str(d / "m"), step)
                done = step
        except Crash:
            pass
        monkeypatch.setattr(os, "replace", real["replace"])
        monkeypatch.setattr(os, "remove", real["remove"])
        latest = js.train.latest_checkpoint(d)
        if done < 0:
            assert latest is None or latest == str(d / "m-0"), k
        else:
            assert latest in (str(d / f"m-{done}"), str(d / f"m-{done + 1}")), k
        if latest is not None:
            assert_values(checkpoint.load_variables(latest), int(latest.rsplit("-", 1)[1]))
        if done == 3:
            break
        k += 1
    assert k > 20  # every rename and remove of 4 saves was a crash point


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from jaxscope import train
    directory, step = sys.argv[1], int(sys.argv[2])
    saver = train.Saver(max_to_keep=2)
    state = train.get_checkpoint_state(directory)
    if state is not None:
        saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
    big = np.empty(2 << 20, np.float32)  # 8 MB: a kill often lands inside a save
    while True:
        big[:] = step
        tree = {"params": {"big": big, "step": np.int32(step)}}
        saver.save(tree, directory + "/model.ckpt", global_step=step)
        print(step, flush=True)
        step += 1
    """
)


def test_writer_killed_at_random_moments_leaves_a_readable_latest_checkpoint(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    d = tmp_path / "ckpt"
    d.mkdir()
    rng, step = random.Random(0), 0
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": root}
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(d), str(step)],
            stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert proc.stdout.readline().strip() == str(step)  # one save done
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        latest = js.train.latest_checkpoint(d)
        saved = int(latest.rsplit("-", 1)[1])
        values = checkpoint.load_variables(latest)  # every tensor's CRC32C checked
        assert int(values["step"]) == saved and (values["big"] == saved).all()
        step = saved + 1
    assert step > 1


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.checkpoint import saver

    for module in (saver, checkpoint_state):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0, module.__name__
