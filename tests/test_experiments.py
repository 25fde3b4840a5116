"""Smoke tests: each experiment runs at tiny size and answers its question.

The step counts are the fewest that still answer it with a margin (the comments give the values
seen); the tests' time is mostly imports and compiling, the steps are the part they choose.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))


def test_shared_layers_trains_one_copy_of_the_weights(tmp_path):
    import shared_layers

    summary = shared_layers.main(["--steps", "150", "--out", str(tmp_path)])  # accuracy ~0.89
    assert summary["parameters"] == (64 * 50 + 50) + (50 * 10 + 10) + 2
    assert summary["heldout_pair_accuracy"] > 0.75
    assert json.loads((tmp_path / "shared_layers.json").read_text()) == summary
    assert (tmp_path / "shared_layers.png").stat().st_size > 1000


def test_train_resume_continues_bit_for_bit_from_its_tf1_checkpoint(tmp_path):
    import train_resume

    summary = train_resume.main(["--steps", "100", "--out", str(tmp_path)])
    assert summary["max_abs_difference_resumed_vs_straight"] == 0.0
    assert summary["global_step"] == 100 and summary["resumed_at"] == 50
    assert "two_layers/h1/weights/Adam_1" in summary["checkpoint_variables"]
    assert "two_layers/h1/weights/ExponentialMovingAverage" in summary["checkpoint_variables"]
    assert summary["heldout_pair_accuracy_moving_average"] > 0.6  # ~0.88
    assert (tmp_path / "train_resume.png").stat().st_size > 1000


def test_slim_cnn_trains_with_batch_stats_and_evaluates_with_moving_averages(tmp_path):
    import slim_cnn

    argv = ["--steps", "100", "--decay", "0.9", "--eval-every", "50", "--out", str(tmp_path)]
    summary = slim_cnn.main(argv)
    # tf-slim's names: conv layers take the tf.layers route (gamma first), fc the fused (beta first)
    assert summary["variables"][:5] == [
        "conv1/weights", "conv1/BatchNorm/gamma", "conv1/BatchNorm/beta",
        "conv1/BatchNorm/moving_mean", "conv1/BatchNorm/moving_variance",
    ]  # fmt: skip
    assert "fc3/BatchNorm/beta" in summary["variables"] and "logits/biases" in summary["variables"]
    assert summary["parameters"] == 13_818
    assert summary["heldout_accuracy_batch_stats"] > 0.8  # chance is 0.1; ~0.97 after 100 steps
    assert summary["heldout_accuracy_moving_averages"] > 0.8
    diff = summary["heldout_accuracy_batch_stats"] - summary["heldout_accuracy_moving_averages"]
    assert abs(diff) < 0.1
    assert len(summary["moving_average_change"]) == 6
    assert min(summary["moving_average_change"].values()) > 0.05  # the updates came back
    assert json.loads((tmp_path / "slim_cnn.json").read_text()) == summary
    assert (tmp_path / "slim_cnn.png").stat().st_size > 1000


def test_slim_resnet_runs_tf_slims_own_resnet_v1_file_and_learns(tmp_path):
    import slim_resnet

    summary = slim_resnet.main(["--steps", "60", "--eval-every", "60", "--out", str(tmp_path)])
    # the installed file, one tensor-method line edited, names as tf_slim's resnet_v1 gives them
    assert [line for line, _, _ in summary["edits"]] == [110]
    assert summary["variables"][0] == "resnet_tiny/block1/unit_1/bottleneck_v1/shortcut/weights"
    assert "resnet_tiny/logits/biases" in summary["variables"] and len(summary["variables"]) == 72
    assert "predictions" in summary["end_points"]
    assert summary["heldout_accuracy"] > 0.6  # chance is 0.1; ~0.78 after 60 steps
    assert json.loads((tmp_path / "slim_resnet.json").read_text()) == summary
