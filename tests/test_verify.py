"""``jaxscope.verify`` (issue 26): one TF1 model file built under the real ``tf.compat.v1`` and
under jaxscope. It reports PASS on real ports (tf_slim's resnet_v1 at a small size in training
mode, a tf.layers classifier with batch norm, an LSTM language model, a hand port written
against jaxscope, GPT-2 against its hand port experiments/gpt2) and names the first difference of
mutated ports: the mutations are ``replace=`` edits of the jaxscope side only, so TF1 keeps the
original. Also: training steps (``steps=``), dropout's random draws left out, data-dependent
shapes named, the progress bar."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from jaxscope._src.verify.cli import main
from jaxscope.verify import (
    BuildSpecError,
    DataDependentShapeError,
    InputSpecError,
    RefusedOpError,
    verify,
)

MODELS = pathlib.Path(__file__).parent / "verify_models"
MLP = f"{MODELS / 'mlp.py'}:build"
MLP_PORT = f"{MODELS / 'mlp_port.py'}:build"
GET_SHAPE = {"inputs.get_shape()": "inputs.shape"}  # resnet_v1.py's one TF1 tensor method


@pytest.fixture(autouse=True)
def _tf(tf1, slim):
    """TensorFlow (and tf_slim) imported once, as the oracle tests do."""


def test_tf_slim_resnet_passes_in_training_mode():
    # Batch statistics of few samples amplify float32 rounding layer by layer (as in
    # test_compat_slim_nets.py): 1e-5 of the scale at the last layers, so rtol 1e-4.
    report = verify(f"{MODELS / 'tiny_resnet.py'}:build", ["2x16x16x3"], training=True,
                    replace=GET_SHAPE, rtol=1e-4)  # fmt: skip
    assert report.passed, str(report)
    checks = {c.name: c for c in report.checks}
    assert checks["variables"].compared == 62  # conv weights, batch norm's 4 each, logits
    assert checks["end_points"].compared == 19
    assert checks["moving averages"].compared == 24  # moved by UPDATE_OPS on both sides
    assert checks["regularization"].compared == 1
    assert report.verdict.startswith("PASS: 62 variables")


def test_lstm_language_model_passes():
    report = verify(f"{MODELS / 'lstm.py'}:build", ["2x5:int32"])
    assert report.passed, str(report)
    names = [row["name"] for row in report.checks[2].rows]
    assert names == ["output[0]", "output[1].c", "output[1].h"]  # logits, LSTMStateTuple
    grads = next(c for c in report.checks if c.name == "gradients")
    assert [r["name"] for r in grads.rows][:2] == ["lm/embedding", "lm/rnn/lstm/kernel"]


def test_hand_port_passes_in_training_mode():
    report = verify(MLP, ["4x6"], port=MLP_PORT, training=True)
    assert report.passed, str(report)
    assert report.port == MLP_PORT
    assert [c.name for c in report.checks] == [
        "variables", "initial values", "end_points", "outputs", "gradients", "moving averages",
        "regularization",
    ]  # fmt: skip


MUTATIONS = {
    # name: (replace on the jaxscope side, training, failing check, its first difference)
    "wrong scope name": (
        {'tf.variable_scope("hidden")': 'tf.variable_scope("hiden")'},
        False, "variables", "mlp/hidden/dense/kernel",
    ),
    "swapped constant initializer": (
        {"tf.constant_initializer(0.1)": "tf.zeros_initializer()"},
        False, "initial values", "mlp/hidden/dense/bias",
    ),
    "swapped random initializer": (
        {"tf.truncated_normal_initializer(stddev=0.5)": "tf.random_uniform_initializer(-.05, .05)"},
        False, "initial values", "mlp/hidden/dense/kernel",
    ),
    "batch-norm decay of 1 - decay": (
        {"momentum=0.9": "momentum=0.1"}, True, "moving averages", "mlp/hidden/bn/moving_mean",
    ),
    "missing bias": (
        {'name="logits")': 'name="logits", use_bias=False)'}, False, "variables", "mlp/logits/bias",
    ),
    "transposed kernel": (
        {"tf.matmul(x, w)": "tf.matmul(x, w, transpose_b=True)"},
        False, "end_points", "end_points['mlp/mix']",
    ),
}  # fmt: skip


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_mutated_port_fails_at_its_first_difference(mutation):
    replace, training, check, first = MUTATIONS[mutation]
    report = verify(MLP, ["4x6"], training=training, replace=replace)
    assert not report.passed
    failed = report.first_failure
    assert (failed.name, failed.first) == (check, first), str(report)
    assert report.verdict.startswith(f"FAIL: {check}: {first}: ")


def test_mutation_messages_say_what_differs():
    scope = verify(MLP, ["4x6"], replace=MUTATIONS["wrong scope name"][0]).first_failure
    assert "missing in the port" in scope.detail and "'mlp/hiden/dense/kernel'" in scope.detail
    init = verify(MLP, ["4x6"], replace=MUTATIONS["swapped constant initializer"][0])
    assert init.first_failure.detail == (
        "TF1 initializes it to 0.1 everywhere, the port to 0 everywhere"
    )


def test_transposed_kernel_in_a_hand_port_names_the_kernel_in_gradients():
    report = verify(MLP, ["4x6"], port=MLP_PORT, replace={"x @ w)": "x @ w.T)"})
    failed = [c for c in report.checks if not c.passed]
    assert [(c.name, c.first) for c in failed] == [
        ("end_points", "end_points['mlp/mix']"),
        ("outputs", "output"),
        ("gradients", "mlp/mix/w"),
    ]


def test_refused_op_is_named_with_its_line():
    with pytest.raises(RefusedOpError, match=r"tf\.py_func \(called at refused\.py:9\)") as e:
        verify(f"{MODELS / 'refused.py'}:build", ["2x4"])
    assert isinstance(e.value, NotImplementedError)
    assert "jax.pure_callback" in str(e.value)


def test_inputs_that_do_not_fit_are_named():
    with pytest.raises(InputSpecError, match="TF1 refuses them") as e:
        verify(MLP, ["4x5"])  # mlp/mix/w is 6x6
    assert isinstance(e.value, ValueError)
    with pytest.raises(InputSpecError, match=r"given \[\(4, 6\), \(4, 6\), \(4, 6\)\]"):
        verify(MLP, ["4x6", "4x6", "4x6"])
    with pytest.raises(InputSpecError, match="cannot read the input spec 'fourxsix:float32'"):
        verify(MLP, ["fourxsix:float32"])


def test_build_spec_that_names_no_function():
    with pytest.raises(BuildSpecError, match="there is no file 'nowhere.py'"):
        verify("nowhere.py:build", ["4x6"])
    with pytest.raises(BuildSpecError, match="defines no function 'buidl'"):
        verify(f"{MODELS / 'mlp.py'}:buidl", ["4x6"])


def test_npz_inputs_by_name(tmp_path):
    path = tmp_path / "inputs.npz"
    np.savez(path, x=np.random.default_rng(3).normal(size=(4, 6)).astype(np.float32))
    assert verify(MLP, str(path)).passed


def test_cli_prints_the_report_and_writes_json(tmp_path, capsys):
    out = tmp_path / "report.json"
    argv = [MLP, "--input", "4x6", "--port", MLP_PORT, "--training", "--json", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[-1].startswith("PASS: 9 variables")
    report = json.loads(out.read_text())
    assert report["passed"] and report["port"] == MLP_PORT
    assert list(report["phases"])[0] == "load TensorFlow and the model"
    assert len(report["phases"]) == 6 and all(t >= 0 for t in report["phases"].values())
    assert main([MLP, "-i", "4x6", "--replace", '{"momentum=0.9": "momentum=0.1"}',
                 "--training"]) == 1  # fmt: skip
    assert "FAIL: moving averages: mlp/hidden/bn/moving_mean" in capsys.readouterr().out
    assert main([MLP, "-i", "4x5"]) == 2
    assert "do not fit" in capsys.readouterr().err


def _gradient_check(failing):
    from jaxscope._src.verify.report import Check

    rows = [{"name": n, "max_abs": 1.0, "rel": 1e-2, "ok": n not in failing} for n in ORDER]
    return Check("gradients", False, len(ORDER), failing[0], "max abs err", rows=rows)


ORDER = ["net/a/weights", "net/b/weights", "net/b/BatchNorm/beta", "net/c/weights"]
POINTS = [("end_points['net/a']", np.array([0.0, 2.0])), ("end_points['net/b']",
          np.array([0.0, 3.0, 0.0])), ("end_points['net/c']", np.array([1.0]))]  # fmt: skip


@pytest.mark.parametrize(
    "port_b, failing, explained",
    [
        ([1e-9, 3.0, 0.0], ["net/a/weights", "net/b/weights"], True),  # a ReLU input at ~0
        ([1e-9, 3.0, 0.0], ["net/a/weights", "net/c/weights"], False),  # c is downstream of b
        ([0.0, 3.0, 0.0], ["net/a/weights"], False),  # no flip: nothing explains it
    ],
)
def test_gradients_off_upstream_of_a_relu_flip_are_explained(port_b, failing, explained):
    """resnet_v1_50 at 2x64x64: one activation at ~0 leaves block2/unit_3/conv1's ReLU as 0 in
    TF1 and not in the port (float32 sums in another order); every gradient up to that layer
    then differs by that element's contribution. The verifier says so (and passes) only when
    every differing gradient is upstream of the flip."""
    from jaxscope._src.verify.run import _flipped

    check = _gradient_check(failing)
    port = {label: value for label, value in POINTS}
    port["end_points['net/b']"] = np.array(port_b)
    _flipped(check, ORDER, POINTS, port)
    assert check.passed is explained
    if explained:
        assert "net/b" in check.note and "2 gradients" in check.note and check.first is None
        from jaxscope._src.verify.report import Report

        verdict = Report("m.py:f", None, [check]).verdict  # the explained error is not the max
        assert verdict.endswith("(max rel err 0.0e+00; gradients: see the note)"), verdict
    else:
        assert check.first == failing[0] and not check.note


def test_training_steps_pass_with_sgd_and_batch_norm_updates():
    report = verify(MLP, ["4x6"], training=True, steps=3)
    assert report.passed, str(report)
    loss, after = report.checks[-2:]
    assert (loss.name, loss.compared) == ("training loss", 3)
    assert (after.name, after.compared) == ("after 3 steps", 9)  # sgd keeps no slots
    assert [r["name"] for r in loss.rows] == ["step 1", "step 2", "step 3"]
    assert report.to_json()["checks"][-1]["name"] == "after 3 steps"


def test_training_steps_compare_adam_slots_in_tf1_order():
    report = verify(f"{MODELS / 'lstm.py'}:build", ["2x5:int32"], steps=2, optimizer="adam")
    assert report.passed, str(report)
    names = [r["name"] for r in report.checks[-1].rows]
    assert len(names) == 17  # 5 variables, 2 slots each, beta1_power, beta2_power
    assert names[:3] == ["lm/embedding", "lm/rnn/lstm/kernel", "lm/rnn/lstm/bias"]
    assert {"lm/embedding/Adam", "lm/embedding/Adam_1", "beta1_power", "beta2_power"} <= set(names)


def test_adam_on_a_bias_before_batch_norm_is_explained():
    # its gradient is ~1e-8 (zero in exact arithmetic); Adam steps ~lr along each side's noise
    report = verify(MLP, ["4x6"], training=True, steps=2, optimizer="adam")
    assert report.passed, str(report)
    assert "mlp/hidden/dense/bias" in report.checks[-1].note


def test_training_steps_name_the_first_differing_variable():
    # the hand port's batch-norm assigns left out of UPDATE_OPS: the train op does not run them
    drop = {"js.add_to_collection(js.GraphKeys.UPDATE_OPS, update)": "pass"}
    report = verify(MLP, ["4x6"], port=MLP_PORT, training=True, steps=2, replace=drop)
    failed = report.first_failure
    assert (failed.name, failed.first) == ("after 2 steps", "mlp/hidden/bn/moving_mean")
    assert report.checks[-2].passed  # the loss does not read the moving averages


def test_cli_steps_and_optimizer(capsys):
    argv = [MLP, "-i", "4x6", "--steps", "2", "--optimizer", "momentum", "--lr", "0.1"]
    assert main(argv) == 0
    assert "ok   after 2 steps       16" in capsys.readouterr().out  # 9 + 7 momentum slots
    with pytest.raises(SystemExit):
        main([MLP, "-i", "4x6", "--steps", "2", "--optimizer", "lbfgs"])
    with pytest.raises(InputSpecError, match="there is no optimizer 'lbfgs'"):
        verify(MLP, ["4x6"], steps=1, optimizer="lbfgs")


def test_gpt2_release_against_its_hand_port_passes_with_training_steps():
    """GPT-2 as the original release builds it (tests/gpt2_tf1.py) against the hand port
    experiments/gpt2 (written against jaxscope), tiny: 1 layer, 8 wide."""
    report = verify(f"{MODELS / 'gpt2_release.py'}:build", ["2x6:int32"],
                    port=f"{MODELS / 'gpt2_port.py'}:build", steps=2)  # fmt: skip
    assert report.passed, str(report)
    checks = {c.name: c.compared for c in report.checks}
    assert checks["variables"] == 16 and checks["outputs"] == 2  # logits, present
    assert checks["after 2 steps"] == 16


def test_progress_bar_on_stderr_when_forced(capsys):
    assert main([MLP, "-i", "4x6", "--steps", "1", "--progress"]) == 0
    err = capsys.readouterr().err
    frames = [f.rstrip() for f in err.split("\r") if f.strip()]
    phases = [f.split("] ", 1)[1].rsplit(" (", 1)[0] for f in frames]
    assert phases[:6] == [
        "1/7 load TensorFlow and the model", "2/7 TF1: build, save, run, train 1 step",
        "3/7 jaxscope: build", "4/7 jaxscope: restore TF1's checkpoint",
        "5/7 jaxscope: run (outputs, gradients, updates)", "6/7 jaxscope: train 1 step",
    ]  # fmt: skip
    assert "7/7 compare: 8 of 8" in phases
    assert frames[-1].startswith("verify [####################] 7/7 done")
    assert err.endswith("\n")


def test_progress_bar_off_when_stderr_is_not_a_terminal(capsys):
    assert main([MLP, "-i", "4x6"]) == 0
    assert "verify [" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "op, line, says",
    [
        ("boolean_mask", 11, "the mask must be concrete"),
        ("where", 13, "with one argument the output's size depends on the values"),
        ("unique", 15, "the output's size depends on the values of x"),
    ],
)
def test_data_dependent_shape_is_named_with_its_line(op, line, says):
    pattern = rf"tf\.{op} \(called at data_shape\.py:{line}\) makes a shape that depends on"
    with pytest.raises(DataDependentShapeError, match=pattern) as e:
        verify(f"{MODELS / 'data_shape.py'}:build", ["2x4"], kwargs={"op": op})
    assert says in str(e.value) and "Fix:" in str(e.value)
    assert isinstance(e.value, ValueError) and e.value.where == f"data_shape.py:{line}"


def test_data_dependent_shape_in_a_hand_port_names_its_code():
    with pytest.raises(DataDependentShapeError, match=r"`return jnp.sum\(scores\[scores > 0\]\)` "
                       r"\(called at data_shape_port\.py:12\)") as e:  # fmt: skip
        verify(f"{MODELS / 'data_shape.py'}:build", ["2x4"],
               port=f"{MODELS / 'data_shape_port.py'}:build")  # fmt: skip
    assert "NonConcreteBooleanIndexError" in str(e.value)


def test_cli_data_dependent_shape_exits_2(capsys):
    assert main([f"{MODELS / 'data_shape.py'}:build", "-i", "2x4"]) == 2
    assert "tf.boolean_mask (called at data_shape.py:11)" in capsys.readouterr().err


def test_dropout_in_training_mode_compares_what_no_random_draw_reaches():
    report = verify(f"{MODELS / 'dropout.py'}:build", ["4x6"], training=True, steps=1)
    assert report.passed, str(report)
    checks = {c.name: c for c in report.checks}
    points = checks["end_points"]
    assert [r["name"] for r in points.rows] == ["end_points['hidden']"]  # before the dropout
    assert points.skipped == 2 and "dropout/dropout/random_uniform" in points.note
    assert "inference mode (without --training)" in points.note
    assert (checks["outputs"].compared, checks["outputs"].skipped) == (0, 1)
    assert [r["name"] for r in checks["gradients"].rows] == ["logits/bias"]  # sum(w): no mask
    assert checks["training loss"].skipped == 1 and checks["after 1 step"].skipped == 4
    assert report.verdict.endswith("; 11 random, not compared: see the notes)"), report.verdict
    assert "(2 random, not compared)" in str(report)
    assert checks["outputs"].note == "1 not compared (output first): random, as above"


def test_dropout_in_inference_mode_is_compared():
    report = verify(f"{MODELS / 'dropout.py'}:build", ["4x6"], steps=1)
    assert report.passed and not any(c.skipped for c in report.checks), str(report)
    assert report.checks[2].compared == 3


def test_training_steps_of_a_model_without_variables_are_left_out():
    report = verify(f"{MODELS / 'no_variables.py'}:build", ["2x3"], steps=2)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == [
        "variables", "initial values", "outputs", "regularization"
    ]  # fmt: skip
