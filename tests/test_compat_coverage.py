"""docs/COMPAT.md, the coverage table of jaxscope.compat.v1, is the generator's output and tells
the truth: every name classified, every "differs" note said, every refused name refusing."""

import pathlib

import jax
import pytest

import jaxscope as js
import jaxscope.compat.v1 as tf
from jaxscope._src.compat import coverage, tensor_methods, tf1_names
from jaxscope._src.compat.errors import GraphOnlyError
from jaxscope._src.compat.graph import REFUSED

TABLES = coverage.collect()
ENTRIES = [e for t in TABLES for e in t.entries]


def test_doc_is_the_generators_output():
    doc = pathlib.Path(coverage.DOC)
    assert doc.read_text() == coverage.render(TABLES), (
        f"{doc} is out of date: regenerate it with `{coverage.COMMAND}` and commit it"
    )


def test_every_public_name_is_classified():
    assert {e.status for e in ENTRIES} <= {"exact", "differs", "refused"}
    paths = {e.path for e in ENTRIES}
    for name in tf.__all__:
        if not isinstance(getattr(tf, name), type(tf)) or name == "flags":
            assert name in paths, name
    for module in ("nn", "nn.rnn_cell", "math", "random", "losses", "train", "layers", "io.gfile"):
        assert any(t.path == module for t in TABLES), module
    assert any(e.path == "contrib.seq2seq.sequence_loss" for e in ENTRIES)


def test_differs_notes_are_said():
    differs = [e for e in ENTRIES if e.status == "differs"]
    assert differs
    for e in differs:
        assert len(e.note) > 10, e.path
    assert "Philox" in next(e.note for e in differs if e.path == "random_normal")
    assert next(e for e in ENTRIES if e.path == "atan2").status == "exact"


def test_refused_names_raise_with_the_fix():
    refused = {e.path: e for e in ENTRIES if e.status == "refused"}
    assert set(refused) == set(REFUSED)
    for name, e in refused.items():
        with pytest.raises(GraphOnlyError, match="Fix: ") as info:
            getattr(tf, name)()
        assert e.note and e.note in str(info.value)
        assert e.tests


def test_differs_paragraph_is_read_from_the_docstring():
    def f():
        """Summary.

        Differs from TF1: one
        two.

        TF1 equivalent: tf.compat.v1.f"""

    assert coverage.differs_note(f) == "one two."
    assert coverage.differs_note(lambda: None) is None


def test_variable_answers_the_tensor_methods_table():
    rows = [r for r in tensor_methods.ROWS if r.variable is not None]
    assert rows

    def model():
        v = tf.get_variable("w", [2, 3])
        for row in rows:
            eval(row.variable, {"tf": tf}, {"v": v})  # noqa: S307 - the table's own expressions
        assert v.get_shape().as_list() == [2, 3] and v.name == "w:0"

    js.transform(model).init(jax.random.key(0))


def test_committed_tf_names_are_tensorflows():
    tensorflow = pytest.importorskip("tensorflow")
    if tensorflow.__version__ != tf1_names.TF_VERSION:
        pytest.skip(f"the list is TensorFlow {tf1_names.TF_VERSION}'s")
    names = sorted(n for n in dir(tensorflow.compat.v1) if not n.startswith("_"))
    assert tf1_names.NAMES == names, (
        f"regenerate with `{coverage.COMMAND} --tf-names` and commit the result"
    )
