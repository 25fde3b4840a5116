"""python -m jaxscope.checkpoint ls|show|diff|convert on checkpoints written by TF1's Saver (Adam
slots, beta powers, an ExponentialMovingAverage) and by jaxscope's; TF1's Saver restores what
``convert`` writes back from orbax."""

import os
import subprocess
import sys

import numpy as np
import pytest

import jaxscope as js
from jaxscope import checkpoint
from jaxscope._src.checkpoint.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def tf1_ckpt(tf1, tmp_path_factory):
    """A TF1 training checkpoint after one Adam step with an EMA: (prefix, {name: value})."""
    d = tmp_path_factory.mktemp("tf1")
    graph = tf1.Graph()
    with graph.as_default():
        with tf1.variable_scope("layer"):
            w = tf1.get_variable("w", initializer=np.linspace(-1, 1, 6, dtype=np.float32)
                                 .reshape(2, 3))  # fmt: skip
            b = tf1.get_variable("b", initializer=np.zeros(3, np.float32))
        loss = tf1.reduce_sum(tf1.square(tf1.reduce_sum(w, 0) + b - 1.0))
        step = tf1.train.get_or_create_global_step()
        train = tf1.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
        ema = tf1.train.ExponentialMovingAverage(0.9)
        with tf1.control_dependencies([train]):
            op = ema.apply([w])
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(op)
            prefix = tf1.train.Saver().save(sess, str(d / "model.ckpt"), 1)
            values = {v.op.name: sess.run(v) for v in tf1.global_variables()}
    return prefix, values


def run(*argv):
    """``python -m jaxscope.checkpoint *argv`` in a subprocess: (status, stdout, stderr)."""
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": ROOT}
    p = subprocess.run(
        [sys.executable, "-m", "jaxscope.checkpoint", *argv],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    return p.returncode, p.stdout, p.stderr


def call(capsys, *argv):
    """The same command in this process (no interpreter start-up): (status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_ls_groups_slots_and_averages_under_their_variable(tf1_ckpt):
    prefix, values = tf1_ckpt
    status, out, err = run("ls", os.path.dirname(prefix))  # the directory: its latest checkpoint
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["name", "dtype", "shape", "size"]
    rows = [line.split() for line in lines[1:-1]]
    assert [r[0] for r in rows] == [
        "beta1_power", "beta2_power", "global_step", "layer/b", "/Adam", "/Adam_1", "layer/w",
        "/Adam", "/Adam_1", "/ExponentialMovingAverage",
    ]  # fmt: skip
    assert rows[2][1:] == ["int64", "[]", "8", "B"] and rows[6][1:] == [
        "float32",
        "[2,3]",
        "24",
        "B",
    ]
    assert lines[-1] == f"5 variables, 5 slots and averages, 148 B (tf1: {prefix})"
    assert len(values) == 10


def test_show_prints_the_values_as_numpy_does(tf1_ckpt, capsys):
    prefix, values = tf1_ckpt
    status, out, _ = call(capsys, "show", prefix, "layer/w/ExponentialMovingAverage")
    assert status == 0
    head, *body = out.splitlines()
    assert head == "layer/w/ExponentialMovingAverage  float32  [2,3]"
    assert "\n".join(body) == str(values["layer/w/ExponentialMovingAverage"])
    big = {"params": {"x": np.arange(2000, dtype=np.int32)}}
    full = js.train.Saver().save(big, os.path.dirname(prefix) + "/big")
    assert "..." in call(capsys, "show", full, "x")[1]
    assert "..." not in call(capsys, "show", full, "x", "--full")[1]


def test_diff_names_values_and_shapes_and_exits_1(tf1_ckpt, tmp_path):
    prefix, values = tf1_ckpt
    ours = {n: v for n, v in values.items() if n != "beta2_power"}
    ours["layer/b"] = values["layer/b"] + 0.5
    ours["layer/b/Adam"] = np.zeros(4, np.float32)
    ours["extra"] = np.float32(1.0)
    variables = checkpoint.unflatten({n: ours[n] for n in ("layer/w", "layer/b", "extra")}, True)
    slots = {n: v for n, v in ours.items() if n not in ("layer/w", "layer/b", "extra")}
    mine = js.train.Saver().save((variables, slots), str(tmp_path / "m.ckpt"), 1)
    status, out, err = run("diff", prefix, mine)  # TF1's checkpoint against jaxscope's
    assert status == 1, err
    assert out.splitlines() == [
        "only in A: beta2_power  float32[]",
        "only in B: extra  float32[]",
        "changed:   layer/b/Adam  float32[3] -> float32[4]",
        "values:    layer/b  max abs difference 0.5",
        "7 equal, 1 with other values, 1 with another shape or dtype, 1 only in A, 1 only in B",
    ]
    assert main(["diff", prefix, prefix]) == 0
    assert main(["diff", prefix, mine, "--atol", "1"]) == 1  # names and shapes still differ


def test_convert_tf1_to_orbax_and_back_is_what_tf1_restores(tf1, tf1_ckpt, tmp_path, capsys):
    pytest.importorskip("orbax.checkpoint")
    prefix, values = tf1_ckpt
    orbax_dir, back = str(tmp_path / "orbax"), str(tmp_path / "back" / "model.ckpt-1")
    status, out, err = call(capsys, "convert", prefix, orbax_dir, "--progress")
    assert status == 0 and out.startswith(f"wrote 10 variables (148 B) as orbax: {orbax_dir}")
    assert err.endswith("] 100%  148 B / 148 B\n") and err.startswith("\rreading [")
    tree, _ = checkpoint.restore(orbax_dir)  # jaxscope's own orbax reader takes it
    np.testing.assert_array_equal(tree["layer/w/Adam"], values["layer/w/Adam"])
    assert (
        call(capsys, "ls", orbax_dir)[1]
        .splitlines()[-1]
        .startswith("5 variables, 5 slots and averages, 148 B (orbax: ")
    )
    status, _, err = call(capsys, "convert", orbax_dir, back)
    assert status == 0 and err == ""  # small: no progress bar unless asked
    assert main(["diff", prefix, back]) == 0
    assert tf1.train.latest_checkpoint(os.path.dirname(back)) == back
    with tf1.Graph().as_default():
        names = {n: tf1.get_variable(n, initializer=np.zeros_like(v)) for n, v in values.items()}
        with tf1.Session() as sess:
            tf1.train.Saver().restore(sess, back)
            for name, value in sess.run(names).items():
                np.testing.assert_array_equal(value, values[name], err_msg=name)
                assert value.dtype == values[name].dtype


def test_errors_say_what_was_looked_for(tf1_ckpt, tmp_path, capsys):
    prefix, _ = tf1_ckpt
    status, _, err = call(capsys, "ls", str(tmp_path / "nowhere"))
    assert status == 2
    assert f"Looked for {tmp_path}/nowhere.index (a TF1 checkpoint prefix), " in err
    assert f"{tmp_path}/nowhere/_CHECKPOINT_METADATA (an orbax checkpoint)" in err
    status, _, err = call(capsys, "show", prefix, "layer/w/adam")
    assert status == 2 and 'No variable "layer/w/adam"' in err and "'layer/w/Adam'" in err
    assert "python -m jaxscope.checkpoint ls" in err
    (tmp_path / "dst.index").write_bytes(b"")
    status, _, err = call(capsys, "convert", prefix, str(tmp_path / "dst"), "--to", "tf1")
    assert status == 2 and "dst.index already exists; nothing was written" in err
    assert "--force" in err
    (tmp_path / "plain.txt").write_text("not a checkpoint")
    status, _, err = call(capsys, "ls", str(tmp_path / "plain.txt"))
    assert status == 2 and "This file is not a checkpoint" in err
