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
