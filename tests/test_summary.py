"""tf.summary and FileWriter against TF1: the same program run in TF1's graph and in jaxscope,
both written to event files, read back with TensorFlow's own event reader and compared."""

import doctest
import glob

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as tf
from jaxscope._src.compat import summary_ops
from jaxscope._src.summary import writer
from jaxscope._src.summary.errors import SummaryArgumentError

X = np.linspace(-3.0, 5.0, 24).astype(np.float32).reshape(2, 3, 4, 1)


def program(t, x, note):
    """The model both run: ``t`` is TF1's ``tf.compat.v1`` or ``jaxscope.compat.v1``; ``note``
    is a string constant (jaxscope: a Python string, known when the program is traced)."""
    with t.name_scope("train"):
        loss = t.reduce_mean(t.square(x), name="loss")
        t.summary.scalar("loss", loss)  # after an op named "train/loss": "train/loss_1"
        t.summary.scalar("loss", loss * 2.0)
        t.summary.scalar("m ax", t.reduce_max(x), family="fam")
    with t.variable_scope("vs"):
        w = t.get_variable(
            "w", [3, 2], initializer=t.constant_initializer([[1, -2], [0, 3], [4, 1e-3]])
        )
        t.summary.histogram("w", w)
        t.summary.histogram("acts", x)
    t.summary.image("img", x, max_outputs=3)
    t.summary.image(
        "one", t.cast(t.clip_by_value(x * 40.0 + 100.0, 0.0, 255.0), t.uint8), max_outputs=1
    )
    t.summary.audio("snd", t.reshape(x, [2, 12]) / 5.0, 8000, max_outputs=2)
    t.summary.text("note", note)
    t.summary.scalar("elsewhere", loss, collections=["other"])
    return t.summary.merge_all()


def _read(logdir, tf1):
    """{step: {tag: value}} from the event file in logdir, via TF's own reader."""
    (path,) = glob.glob(f"{logdir}/events.out.tfevents.*")
    out = {}
    for event in tf1.compat.v1.train.summary_iterator(path):
        if event.HasField("file_version"):
            assert event.file_version == "brain.Event:2"
            continue
        out[event.step] = {v.tag: v for v in event.summary.value}
    return out


def _tf1_events(tf1, logdir, steps):
    with tf1.Graph().as_default():
        x = tf1.placeholder(tf1.float32, X.shape)
        merged = program(tf1, x, tf1.constant(["hello", "world"]))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            writer = tf1.summary.FileWriter(logdir)
            for step in steps:
                writer.add_summary(sess.run(merged, {x: X * step}), step)
            writer.close()
    return _read(logdir, tf1)


def _decode(tf1, png):
    with tf1.Graph().as_default(), tf1.Session() as sess:  # the tf1 fixture is graph mode
        return sess.run(tf1.io.decode_png(png))


def test_event_files_match_tf1(tf1, tmp_path):
    steps = [1, 2]
    want = _tf1_events(tf1, str(tmp_path / "tf1"), steps)
    runner = js.train.Runner(lambda x: {"summary": program(tf, x, ["hello", "world"])})
    runner.init(jax.random.key(0), X)
    with tf.summary.FileWriter(tmp_path / "js") as writer:
        for step in steps:
            writer.add_summary(runner.run("summary", X * step), global_step=step)
    got = _read(str(tmp_path / "js"), tf1)
    assert sorted(got) == sorted(want) == steps
    for step in steps:
        assert list(got[step]) == list(want[step])  # tags and their order
        for tag, w in want[step].items():
            g = got[step][tag]
            assert g.WhichOneof("value") == w.WhichOneof("value"), tag
            assert g.metadata == w.metadata, tag  # text's plugin data, on the first step only
            kind = w.WhichOneof("value")
            if kind == "simple_value":
                assert g.simple_value == w.simple_value, tag
            elif kind == "histo":
                assert g.histo == w.histo, tag  # min, max, num, sum, sum_squares, buckets: exact
            elif kind == "image":
                assert (g.image.height, g.image.width, g.image.colorspace) == (
                    w.image.height, w.image.width, w.image.colorspace)  # fmt: skip
                np.testing.assert_array_equal(
                    _decode(tf1, g.image.encoded_image_string),
                    _decode(tf1, w.image.encoded_image_string),
                )
            elif kind == "audio":
                assert g.audio == w.audio, tag  # rate, channels, frames and the WAV bytes
            else:
                assert g.tensor == w.tensor, tag
    assert list(want[1]) == [  # TF1's tags: uniquified after the op "train/loss", family twice
        "train/loss_1", "train/loss_2", "fam/train/fam/m_ax", "vs/w_1", "vs/acts",
        "img/image/0", "img/image/1", "one/image", "snd/audio/0", "snd/audio/1", "note",
    ]  # fmt: skip


def test_tensorboards_own_reader_reads_the_event_file(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator as ea

    runner = js.train.Runner(lambda x: {"summary": program(tf, x, ["hello", "world"])})
    runner.init(jax.random.key(0), X)
    with tf.summary.FileWriter(tmp_path) as writer:
        for step in (1, 2, 5):
            writer.add_summary(runner.run("summary", X * step), global_step=step)
    acc = ea.EventAccumulator(str(tmp_path), size_guidance={ea.IMAGES: 0, ea.AUDIO: 0})
    acc.Reload()
    tags = acc.Tags()
    assert sorted(tags["scalars"]) == ["fam/train/fam/m_ax", "train/loss_1", "train/loss_2"]
    assert sorted(tags["histograms"]) == ["vs/acts", "vs/w_1"]
    assert sorted(tags["images"]) == ["img/image/0", "img/image/1", "one/image"]
    assert sorted(tags["audio"]) == ["snd/audio/0", "snd/audio/1"]
    loss = [(e.step, e.value) for e in acc.Scalars("train/loss_1")]
    want = [(s, float(np.mean(np.square(X * s)))) for s in (1, 2, 5)]
    assert [s for s, _ in loss] == [1, 2, 5]
    np.testing.assert_allclose([v for _, v in loss], [v for _, v in want], rtol=1e-6)
    np.testing.assert_allclose(
        [e.value for e in acc.Scalars("fam/train/fam/m_ax")], [X.max() * s for s in (1, 2, 5)]
    )
    w = acc.Histograms("vs/w_1")[0].histogram_value
    assert (w.min, w.max, w.num) == (-2.0, 4.0, 6.0)
    assert acc.Images("one/image")[0].width == X.shape[2]


def test_histogram_statistics_match_tf1_on_spread_values(tf1, tmp_path):
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 1e3, 500), rng.normal(0, 1e-6, 50), [0.0, 0.0]])
    values = values.astype(np.float32)
    with tf1.Graph().as_default():
        s = tf1.summary.histogram("h", tf1.constant(values))
        with tf1.Session() as sess:
            want = tf1.Summary.FromString(sess.run(s)).value[0].histo
    got = js.transform(lambda: tf.summary.histogram("h", values)).apply({})
    assert tf1.Summary.FromString(got.SerializeToString()).value[0].histo == want


def test_summaries_under_jit_and_runner_fetch_only_what_is_asked():
    def model(x):
        with tf.variable_scope("m"):
            y = x * tf.get_variable("w", [], initializer=tf.ones_initializer())
            tf.summary.scalar("y", tf.reduce_sum(y))
        return {"y": y, "summary": tf.summary.merge_all()}

    f = js.transform(model)
    variables = f.init(jax.random.key(0), jnp.ones(3))
    out = jax.jit(f.apply)(variables, jnp.arange(3.0))
    assert out["summary"].tags == ["m/y"]
    (leaf,) = jax.tree.leaves(out["summary"])
    assert float(leaf) == 3.0


def test_same_names_uniquify_as_tf1(tf1):
    def build(t):
        tags = []
        for scope in ("a", "a", None):
            with t.name_scope(scope):
                tags.append(t.summary.scalar("s", 1.0))
                tags.append(t.summary.scalar("s", 1.0))
        with t.variable_scope("v"):
            tags.append(t.summary.histogram("s", [1.0]))
        return tags

    with tf1.Graph().as_default():
        want = [s.name.rsplit(":", 1)[0] for s in build(tf1)]
    got = js.transform(lambda: [s.tags[0] for s in build(tf)]).apply({})
    assert got == want == ["a/s", "a/s_1", "a_1/s", "a_1/s_1", "s", "s_1", "v/s"]


def test_merge_all_without_summaries_is_none_and_scope_filters(tf1):
    with tf1.Graph().as_default():
        assert tf1.summary.merge_all() is None

    def model():
        assert tf.summary.merge_all() is None
        with tf.name_scope("a"):
            tf.summary.scalar("x", 1.0)
        tf.summary.scalar("y", 2.0)
        return tf.summary.merge_all(scope="a").tags, tf.summary.merge_all("other")

    assert js.transform(model).apply({}) == (["a/x"], None)


def test_merge_keeps_order_and_refuses_duplicate_tags():
    def model():
        a, b = tf.summary.scalar("a", 1.0), tf.summary.histogram("b", [1.0, 2.0])
        assert tf.summary.merge([b, a]).tags == ["b", "a"]
        with pytest.raises(SummaryArgumentError, match="Duplicate tag a found in summary inputs"):
            tf.summary.merge([a, a])

    js.transform(model).apply({})


def test_bad_values_are_refused_with_tf1s_reasons():
    def model():
        with pytest.raises(SummaryArgumentError, match="same shape"):
            tf.summary.scalar("s", jnp.ones(2))
        with pytest.raises(SummaryArgumentError, match="batch, frames"):
            tf.summary.audio("a", jnp.ones(3), 8000)
        with pytest.raises(SummaryArgumentError, match="4-D"):
            tf.summary.image("i", jnp.ones([2, 2, 3]))
        with pytest.raises(SummaryArgumentError, match="strings known when the program is traced"):
            tf.summary.text("t", jnp.ones(2))
        return tf.summary.histogram("h", jnp.array([1.0, jnp.nan]))

    h = js.transform(model).apply({})
    with pytest.raises(SummaryArgumentError, match="Nan in summary histogram for: h"):
        h.SerializeToString()


def test_file_writer_takes_serialized_protos_and_strips_repeated_metadata(tf1, tmp_path):
    text = js.transform(lambda: tf.summary.text("t", ["a", "b"])).apply({})
    with tf.summary.FileWriter(str(tmp_path), filename_suffix=".x") as writer:
        writer.add_summary(text, 1)
        writer.add_summary(text.SerializeToString(), 2)  # bytes go in as they are
        writer.add_summary(text, 3)
    events = _read(str(tmp_path), tf1)
    assert [events[s]["t"].HasField("metadata") for s in (1, 2, 3)] == [True, True, False]
    assert list(events[1]["t"].tensor.string_val) == [b"a", b"b"]
    assert glob.glob(str(tmp_path / "*.x"))


@pytest.mark.parametrize("module", [summary_ops, writer])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed
