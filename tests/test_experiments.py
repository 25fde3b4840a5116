"""Smoke tests: each experiment runs at tiny size and answers its question."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))


def test_shared_layers_trains_one_copy_of_the_weights(tmp_path):
    import shared_layers

    summary = shared_layers.main(["--steps", "300", "--out", str(tmp_path)])
    assert summary["parameters"] == (64 * 50 + 50) + (50 * 10 + 10) + 2
    assert summary["heldout_pair_accuracy"] > 0.75
    assert json.loads((tmp_path / "shared_layers.json").read_text()) == summary
    assert (tmp_path / "shared_layers.png").stat().st_size > 1000


def test_train_resume_continues_bit_for_bit_from_its_tf1_checkpoint(tmp_path):
    import train_resume

    summary = train_resume.main(["--steps", "200", "--out", str(tmp_path)])
    assert summary["max_abs_difference_resumed_vs_straight"] == 0.0
    assert summary["global_step"] == 200 and summary["resumed_at"] == 100
    assert "two_layers/h1/weights/Adam_1" in summary["checkpoint_variables"]
    assert "two_layers/h1/weights/ExponentialMovingAverage" in summary["checkpoint_variables"]
    assert summary["heldout_pair_accuracy_moving_average"] > 0.6
    assert (tmp_path / "train_resume.png").stat().st_size > 1000
