"""``tf.contrib.seq2seq.sequence_loss`` (TF 2.x has no contrib: the oracle is TF 1.15's
``contrib/seq2seq/python/ops/loss.py`` as written, on tf.compat.v1's ops in graph mode)."""

import itertools

import numpy as np
import pytest

import jaxscope.compat.v1 as jtf

R = np.random.RandomState(0)
LOGITS = R.uniform(-2, 2, (3, 4, 5)).astype(np.float32)
TARGETS = R.randint(0, 5, (3, 4)).astype(np.int32)
WEIGHTS = (R.uniform(0, 1, (3, 4)) * (R.uniform(0, 1, (3, 4)) > 0.3)).astype(np.float32)
WEIGHTS[1] = 0.0  # a sequence with no weight: div_no_nan gives 0


def tf115_sequence_loss(tf, logits, targets, weights, average_across_timesteps=True,
                        average_across_batch=True, sum_over_timesteps=False,
                        sum_over_batch=False, softmax_loss_function=None, name=None):  # fmt: skip
    """TF 1.15's source, line for line."""
    if len(logits.get_shape()) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.get_shape()) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.get_shape()) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True at same time.")  # fmt: skip
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same time.")  # fmt: skip
    with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = tf.shape(logits)[2]
        logits_flat = tf.reshape(logits, [-1, num_classes])
        targets = tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=targets, logits=logits_flat
            )
        else:
            crossent = softmax_loss_function(labels=targets, logits=logits_flat)
        crossent *= tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            crossent = tf.reduce_sum(crossent)
            total_size = tf.reduce_sum(weights)
            crossent = tf.div_no_nan(crossent, total_size)
        elif sum_over_timesteps and sum_over_batch:
            crossent = tf.reduce_sum(crossent)
            total_count = tf.cast(tf.count_nonzero(weights), crossent.dtype)
            crossent = tf.div_no_nan(crossent, total_count)
        else:
            crossent = tf.reshape(crossent, tf.shape(logits)[0:2])
            if average_across_timesteps or average_across_batch:
                reduce_axis = [0] if average_across_batch else [1]
                crossent = tf.reduce_sum(crossent, axis=reduce_axis)
                total_size = tf.reduce_sum(weights, axis=reduce_axis)
                crossent = tf.div_no_nan(crossent, total_size)
            elif sum_over_timesteps or sum_over_batch:
                reduce_axis = [0] if sum_over_batch else [1]
                crossent = tf.reduce_sum(crossent, axis=reduce_axis)
                total_count = tf.cast(
                    tf.count_nonzero(weights, axis=reduce_axis), dtype=crossent.dtype
                )
                crossent = tf.div_no_nan(crossent, total_count)
        return crossent


FLAGS = list(itertools.product([True, False], repeat=4))


def _squared(labels, logits):
    del labels
    return (logits[:, 0] - 1.0) ** 2


def test_sequence_loss_matches_tf_1_15(tf1):
    cases = [dict(zip(["average_across_timesteps", "average_across_batch",
                       "sum_over_timesteps", "sum_over_batch"], f, strict=True))
             for f in FLAGS]  # fmt: skip
    cases.append({"softmax_loss_function": _squared, "average_across_batch": False})
    want = []
    with tf1.Graph().as_default():
        ins = [tf1.constant(a) for a in (LOGITS, TARGETS, WEIGHTS)]
        fetches = []
        for kw in cases:
            try:
                fetches.append(tf115_sequence_loss(tf1, *ins, **kw))
            except ValueError as e:
                fetches.append(str(e))
        with tf1.Session() as sess:
            want = [f if isinstance(f, str) else sess.run(f) for f in fetches]
    for kw, expected in zip(cases, want, strict=True):
        if isinstance(expected, str):
            with pytest.raises(ValueError, match=expected):
                jtf.contrib.seq2seq.sequence_loss(LOGITS, TARGETS, WEIGHTS, **kw)
            continue
        got = jtf.contrib.seq2seq.sequence_loss(LOGITS, TARGETS, WEIGHTS, **kw)
        assert got.shape == expected.shape, kw
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6, err_msg=str(kw))


@pytest.mark.parametrize(
    "args",
    [(LOGITS[0], TARGETS, WEIGHTS), (LOGITS, TARGETS[0], WEIGHTS), (LOGITS, TARGETS, WEIGHTS[0])],
)
def test_sequence_loss_rank_errors(args):
    with pytest.raises(ValueError, match=r"must be a \[batch_size x sequence_length"):
        jtf.contrib.seq2seq.sequence_loss(*args)


def test_docstring_examples_run():
    import doctest

    from jaxscope._src.compat import seq2seq

    result = doctest.testmod(seq2seq, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
