"""Smoke test of experiments/ptb_lstm.py: the tutorial's variable names, perplexity falls."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

import ptb_lstm  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_ptb_lstm_has_the_tutorials_variables_and_learns(tmp_path):
    # 10,000 words: 19 training steps an epoch, two 20x20 windows each of validation and test
    # text; train perplexity ~136 -> ~97, test ~73 against 1.5 x unigram ~107.
    summary = ptb_lstm.main(["--max-words", "10000", "--vocab", "300", "--hidden", "16",
                             "--epochs", "2", "--max-epoch", "1", "--keep-prob", "0.8",
                             "--out", str(tmp_path)])  # fmt: skip
    assert [name for name, _ in summary["variables"]] == [
        "Model/embedding",
        "Model/RNN/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
        "Model/RNN/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
        "Model/RNN/multi_rnn_cell/cell_1/basic_lstm_cell/kernel",
        "Model/RNN/multi_rnn_cell/cell_1/basic_lstm_cell/bias",
        "Model/softmax_w",
        "Model/softmax_b",
    ]
    first, last = summary["history"][0], summary["history"][-1]
    assert last["train"] < first["train"] and last["lr"] == 0.5
    assert summary["test_perplexity"] < 1.5 * summary["unigram_perplexity"]
    assert (tmp_path / "ptb_lstm.png").exists() and (tmp_path / "ptb_lstm.json").exists()
