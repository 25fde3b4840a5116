"""The PTB tutorial's ``reader.py`` for ``ptb_word_lm.py``, written for jaxscope.

``ptb_raw_data(data_path)`` reads PTB's ``ptb.{train,valid,test}.txt`` from ``data_path`` as
the tutorial's reader does (newlines as ``<eos>``, the vocabulary by frequency), or, with
``data_path`` ``"embedded"`` (or None), the committed CPython documentation corpus split 80/10/10
with at most 9,999 of its most frequent training words plus ``<unk>`` (PTB's vocabulary size;
the training text has 7,948 distinct words, so 7,949 ids, inside the configs' ``vocab_size`` of
10,000). No download.

``ptb_producer`` is the tutorial's producer: ``batch_size`` parallel streams cut in windows of
``num_steps``, one window per run that reads the batch. TF1 drew the window index from a queue
(``tf.train.range_input_producer``); here the index is a counter variable that each such run
advances (an ``assign_add`` the batch depends on, so ``Runner.run`` advances it exactly when TF1
dequeued), filed in ``LOCAL_VARIABLES`` as TF1's queue state was no model variable.
"""

from __future__ import annotations

import collections
import os

import jax
import numpy as np
from common import build_vocab, load_words

import jaxscope.compat.v1 as tf


def _read_words(filename):
    with open(filename, encoding="utf-8") as f:
        return f.read().replace("\n", "<eos>").split()


def _build_vocab(filename):
    counter = collections.Counter(_read_words(filename))
    count_pairs = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    return {w: i for i, (w, _) in enumerate(count_pairs)}


def ptb_raw_data(data_path=None):
    """``(train_ids, valid_ids, test_ids, vocabulary_size)``, from PTB's files in ``data_path``
    or (``None`` / ``"embedded"``) from the committed corpus."""
    if data_path in (None, "embedded"):
        words = load_words()
        n = len(words)
        splits = words[: int(0.8 * n)], words[int(0.8 * n) : int(0.9 * n)], words[int(0.9 * n) :]
        _, word_to_id = build_vocab(splits[0], 10000)
        return (*([word_to_id.get(w, 0) for w in ws] for ws in splits), len(word_to_id))
    paths = [os.path.join(data_path, f"ptb.{s}.txt") for s in ("train", "valid", "test")]
    word_to_id = _build_vocab(paths[0])
    ids = [[word_to_id[w] for w in _read_words(p) if w in word_to_id] for p in paths]
    return (*ids, len(word_to_id))


def ptb_producer(raw_data, batch_size, num_steps, name=None):
    """``(x, y)``, each ``[batch_size, num_steps]`` int32; ``y`` is ``x`` shifted by one word.

    Each run of the program that reads them takes the next window (cycling over the epoch).
    """
    with tf.name_scope(name, "PTBProducer"):
        raw_data = np.asarray(raw_data, np.int32)
        batch_len = len(raw_data) // batch_size
        data = raw_data[: batch_size * batch_len].reshape([batch_size, batch_len])
        epoch_size = (batch_len - 1) // num_steps
        if epoch_size <= 0:
            raise ValueError("epoch_size == 0, decrease batch_size or num_steps")
        counter = tf.Variable(0, trainable=False, name="window",
                              collections=[tf.GraphKeys.LOCAL_VARIABLES])  # fmt: skip
        i = (tf.assign_add(counter, 1) - 1) % epoch_size
        x = jax.lax.dynamic_slice(data, [0, i * num_steps], [batch_size, num_steps])
        y = jax.lax.dynamic_slice(data, [0, i * num_steps + 1], [batch_size, num_steps])
        return x, y
