"""experiments/gpt2 --model-dir: a TF1 GPT-2 checkpoint written by tf.compat.v1.train.Saver.

Needs ``jaxscope.checkpoint`` (``latest_checkpoint``, ``restore_tf1``), built on another branch:
until it is merged these tests fail with ``ImportError`` (no skip, so the gap stays visible).
"""

import json
import sys
from pathlib import Path

import jax
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

import gpt2  # noqa: E402
from gpt2 import encoder as bpe  # noqa: E402


def _toy_vocab():
    """A byte-level vocabulary with a few merges, written as encoder.json + vocab.bpe."""
    chars = list(bpe.byte_to_char().values())
    merges = [("h", "e"), ("l", "l"), ("he", "ll"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or")]
    vocab = {c: i for i, c in enumerate(chars)}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab, merges


def _write_model_dir(tf1, path, hp, X):
    """Builds the TF1 network, gives every variable a random value, saves; returns TF's outputs."""
    from gpt2_tf1 import build

    rng = np.random.default_rng(0)
    with tf1.Graph().as_default(), tf1.Session() as sess:
        x = tf1.placeholder(tf1.int32, [None, None])
        out = build(tf1, hp, x)
        sess.run(tf1.global_variables_initializer())
        for var in tf1.global_variables():  # non-trivial gains and biases too
            value = sess.run(var)
            var.load(value + 0.05 * rng.standard_normal(value.shape).astype(np.float32), sess)
        expected = sess.run(out, {x: X})
        tf1.train.Saver().save(sess, str(path / "model.ckpt"))
    (path / "hparams.json").write_text(json.dumps(hp))
    return expected


def test_model_dir_logits_equal_tf1(tf1, tmp_path):
    hp = dict(n_vocab=100, n_ctx=32, n_embd=32, n_head=4, n_layer=2)
    X = np.random.default_rng(1).integers(0, 100, [2, 9]).astype(np.int32)
    expected = _write_model_dir(tf1, tmp_path, hp, X)

    hparams, variables, _ = gpt2.load_model_dir(str(tmp_path))
    assert hparams == gpt2.HParams(**hp)
    out = jax.jit(gpt2.language_model(hparams).apply)(variables, X)
    assert np.abs(np.asarray(out["logits"]) - expected["logits"]).max() < 1e-4
    np.testing.assert_allclose(out["present"], expected["present"], rtol=0, atol=1e-5)


def test_main_with_model_dir_and_encoder(tf1, tmp_path):
    vocab, merges = _toy_vocab()
    hp = dict(n_vocab=len(vocab), n_ctx=32, n_embd=32, n_head=4, n_layer=1)
    _write_model_dir(tf1, tmp_path, hp, np.zeros([1, 2], np.int32))
    (tmp_path / "encoder.json").write_text(json.dumps(vocab))
    lines = ["#version: 0.2"] + [f"{a} {b}" for a, b in merges]
    (tmp_path / "vocab.bpe").write_text("\n".join(lines) + "\n", encoding="utf-8")

    out = tmp_path / "out"
    summary = gpt2.main(
        ["--model-dir", str(tmp_path), "--prompt", "hello world", "--length", "5",
         "--concat-tokens", "3", "--out", str(out)]
    )  # fmt: skip
    assert summary["checkpoint"] == str(tmp_path)
    assert summary["encoder"]
    assert summary["context"] == [vocab["hell"], vocab["o"], vocab["Ġwor"], vocab["l"], vocab["d"]]
    enc = bpe.get_encoder(str(tmp_path))
    assert summary["sample_text"] == [enc.decode(summary["sample"][0])]
    assert summary["greedy_identical"]
