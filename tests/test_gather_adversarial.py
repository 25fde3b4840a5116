"""Issue 22: out-of-range ids in every gather are never silently wrong.

Every gather (``embedding_lookup`` with and without ``max_norm``, ``slim.embed_sequence``,
``nce_loss``/``sampled_softmax_loss`` labels, the candidate samplers' ``true_classes``,
``scatter_update``/``scatter_add`` indices) x every bad id (``n``, past ``n``, ``-1``, very
negative) x concrete or traced ids x one table or a partitioned one (``"mod"``/``"div"``).

Concrete ids raise a jaxscope error that is an ``IndexError`` (and, for the gathers, a
``ValueError``) naming the table, the id and its position, as TF1 raises. Traced ids (under
``jax.jit``) give NaN (a gather's row, a loss, an expected count) or drop the update (a scatter),
never a real row of the table. Valid ids in the same call are unchanged.
"""

import functools
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
from jaxscope._src import errors

N, DIM = 10, 3
BAD = {"n": N, "past_n": N + 7, "minus_1": -1, "very_negative": -1000}
IDS = [2, None, 5]  # None: the bad id, at position 1
PARTS = [4, 3, 3]  # TF1's split of 10 rows in 3 parts

GATHERS = {  # name: layouts
    "embedding_lookup": ("single", "mod", "div"),
    "embedding_lookup_max_norm": ("single", "mod", "div"),
    "embed_sequence": ("single", "mod"),  # a scope partitioner: TF1 looks it up with "mod"
    "nce_loss": ("single", "mod", "div"),
    "sampled_softmax_loss": ("single", "mod", "div"),
    "log_uniform_candidate_sampler": ("single",),
    "uniform_candidate_sampler": ("single",),
    "scatter_update": ("single",),
    "scatter_add": ("single",),
}
CASES = [(g, layout) for g, layouts in GATHERS.items() for layout in layouts]
TABLE = {"embed_sequence": "emb/embeddings"}  # the others' table: "emb/weights"


def _ids(bad):
    return np.array([bad if i is None else i for i in IDS], np.int32)


def _table(layout, name="weights", shape=(N, DIM)):
    kw = {} if layout == "single" else {"partitioner": js.fixed_size_partitioner(3)}
    with js.variable_scope("emb"):
        return js.get_variable(name, shape, **kw)


def _model(gather, layout):
    strategy = "mod" if layout == "single" else layout

    def model(ids):
        if gather.startswith("embedding_lookup"):
            norm = 0.5 if gather.endswith("max_norm") else None
            return js.nn.embedding_lookup(_table(layout), ids, strategy, max_norm=norm)
        if gather == "embed_sequence":
            kw = {} if layout == "single" else {"partitioner": js.fixed_size_partitioner(3)}
            with js.variable_scope("", **kw):
                return js.slim.embed_sequence(ids, N, DIM, scope="emb")
        if gather.endswith("_loss"):
            w, b = _table(layout), _table(layout, "biases", [N])  # both partitioned
            x = jnp.linspace(-1.0, 1.0, 3 * DIM).reshape(3, DIM)
            return getattr(js.nn, gather)(w, b, ids[:, None], x, 4, N, partition_strategy=strategy,
                                          key=jax.random.key(0))  # fmt: skip
        if gather.endswith("_sampler"):
            return getattr(js.nn, gather)(ids[:, None], 1, 4, True, N, key=jax.random.key(0))[1]
        var = _table(layout)  # scatter_update / scatter_add
        return getattr(js, gather)(var, ids, jnp.full([3, DIM], 7.0))

    return model


@functools.cache
def _transformed(gather, layout):
    """(init variables, eager apply, jitted apply): one compile serves every bad id."""
    f = js.transform(_model(gather, layout))
    variables = f.init(jax.random.key(0), _ids(0))
    mutable = gather.startswith("scatter")
    return (
        variables,
        functools.partial(f.apply, mutable=mutable),
        jax.jit(functools.partial(f.apply, mutable=mutable)),
    )


def _logical(variables, gather):
    """The table's whole value, [N, DIM] (a partitioned variable is stored whole)."""
    leaf = variables["params"]["emb"]
    return np.asarray(leaf["embeddings" if gather == "embed_sequence" else "weights"])


def _row(table, i, layout):
    """Row of id ``i`` as TF1 maps it: "mod" takes part i % 3, row i // 3."""
    if layout != "mod":
        return table[i]
    return np.split(table, np.cumsum(PARTS)[:-1])[i % 3][i // 3]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize(("gather", "layout"), CASES)
def test_concrete_out_of_range_id_raises(gather, layout, bad):
    variables, apply, _ = _transformed(gather, layout)
    value = BAD[bad]
    scatter = gather.startswith("scatter")
    cls = js.ScatterIndexError if scatter else js.IdOutOfRangeError
    if scatter:
        pattern = (
            rf'{gather} to variable "emb/weights": indices\[1\] = {value} is not in \[0, {N}\)'
        )
    elif "sampler" in gather:
        pattern = rf"{gather}: true_classes\[1,0\] = {value} is not in \[0, {N}\), .*range_max"
    elif gather.endswith("_loss"):
        pattern = rf'{gather}: labels\[1,0\] = {value} is not in \[0, {N}\).*"emb/weights"'
    else:
        op = gather.removesuffix("_max_norm")
        table = TABLE.get(gather, "emb/weights")
        pattern = rf'{op}: ids\[1\] = {value} is not in \[0, {N}\), .*table "{table}"'
    with pytest.raises(cls, match=pattern) as info:
        apply(variables, _ids(value))
    assert isinstance(info.value, IndexError) and isinstance(info.value, errors.JaxscopeError)
    assert scatter or isinstance(info.value, ValueError)
    assert "jnp.where" in str(info.value)  # the fix, as code


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize(("gather", "layout"), CASES)
def test_traced_out_of_range_id_never_gives_a_real_row(gather, layout, bad):
    variables, _, jitted = _transformed(gather, layout)
    out = jitted(variables, _ids(BAD[bad]))
    if gather.startswith("scatter"):  # the bad update is dropped, the others land
        _, new = out
        before = _logical(variables, gather)
        want = before.copy()
        want[[2, 5]] = 7.0 if gather == "scatter_update" else before[[2, 5]] + 7.0
        np.testing.assert_allclose(np.asarray(new["params"]["emb"]["weights"]), want)
        return
    out = np.asarray(out)
    if gather.endswith("_loss") or gather.endswith("_sampler"):  # per example
        assert np.isnan(out[1]).all() and np.isfinite(out[[0, 2]]).all(), out
        return
    table = _logical(variables, gather)
    assert out.shape == (3, DIM) and np.isnan(out[1]).all(), out
    assert not any(np.allclose(out[1], r) for r in table)
    want = np.stack([_row(table, i, layout) for i in (2, 5)])
    if gather.endswith("max_norm"):
        norm = np.linalg.norm(want, axis=1, keepdims=True)
        want = np.where(norm > 0.5, want * 0.5 / norm, want)
    np.testing.assert_allclose(out[[0, 2]], want, rtol=1e-6)


@pytest.mark.parametrize(
    "ids", [[3, 10], np.array([[1, 2], [-1, 0]]), jnp.array([-5]), 11], ids=str
)
def test_every_kind_of_concrete_ids_raises_for_an_unnamed_table(ids):
    with pytest.raises(js.IdOutOfRangeError, match=r"the table \(10 rows\)") as info:
        js.nn.embedding_lookup(jnp.ones([N, DIM]), ids)
    bad = np.asarray(ids)[(np.asarray(ids) < 0) | (np.asarray(ids) >= N)][0]
    assert f"= {bad} is not in [0, {N})" in str(info.value)
    with pytest.raises(js.IdOutOfRangeError, match=r"the table \(10 rows\)"):
        js.nn.embedding_lookup(np.split(np.ones([N, DIM]), [4, 7]), ids, "div")


def test_a_list_of_parts_is_named_and_checked_against_all_rows():
    def model(ids):
        with js.variable_scope("emb"):
            parts = [js.get_variable(f"part_{i}", [n, DIM]) for i, n in enumerate(PARTS)]
        return js.nn.embedding_lookup(parts, ids, "div")

    f = js.transform(model)
    variables = f.init(jax.random.key(0), _ids(0))
    f.apply(variables, _ids(9))  # the last row of the last part: fine
    with pytest.raises(js.IdOutOfRangeError, match=r'"emb/part_0, emb/part_1, emb/part_2"'):
        f.apply(variables, _ids(10))


def test_traced_ids_into_an_integer_table_give_its_fill_value():
    table = jnp.arange(N * 2, dtype=jnp.int32).reshape(N, 2)
    fill = np.iinfo(np.int32).min
    ids = jnp.array([-1, N, 3])
    for params in (table, jnp.split(table, [4, 7])):
        out = jax.jit(lambda p, i: js.nn.embedding_lookup(p, i, "div"))(params, ids)
        np.testing.assert_array_equal(out, [[fill, fill], [fill, fill], [6, 7]])


def test_nce_loss_with_given_sampled_values_checks_labels_against_the_table():
    """TF1 only gathers then (no sampler): the table's rows are the range."""
    w = js.transform(lambda: _table("single"))
    variables = w.init(jax.random.key(0))
    sv = (jnp.array([0, 1]), jnp.ones([1, 1]), jnp.ones([2]))

    def loss(label):
        w = _table("single")
        return js.nn.nce_loss(w, jnp.zeros([N]), label, jnp.ones([1, DIM]), 2, N, 1, sv)

    f = js.transform(loss)
    with pytest.raises(js.IdOutOfRangeError, match=r'nce_loss: ids\[0\] = 10 .*"emb/weights"'):
        f.apply(variables, np.array([[N]]))
    assert np.isnan(jax.jit(f.apply)(variables, np.array([[-1]]))).all()


# -- TF1 decides: it raises for each of these ids, saying the same index and range ------------


def _tf1_error(tf1, build):
    with tf1.Graph().as_default():
        fetch = build()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            with pytest.raises(tf1.errors.InvalidArgumentError) as info:
                sess.run(fetch)
    return info.value.message


def _tf1_build(tf1, gather, layout, ids):
    def build():
        kw = {} if layout == "single" else {"partitioner": tf1.fixed_size_partitioner(3)}
        strategy = "mod" if layout == "single" else layout
        with tf1.variable_scope("emb"):
            w = tf1.get_variable("weights", [N, DIM], **kw)
        labels = tf1.constant(ids[:, None].astype(np.int64))
        if gather == "embedding_lookup":
            return tf1.nn.embedding_lookup(w, ids, partition_strategy=strategy)
        if gather.endswith("_sampler"):
            return getattr(tf1.nn, gather)(labels, 1, 4, True, N, seed=1)
        if gather.endswith("_loss"):
            x = tf1.ones([3, DIM])
            return getattr(tf1.nn, gather)(w, tf1.zeros([N]), labels, x, 4, N,
                                           partition_strategy=strategy)  # fmt: skip
        return getattr(tf1, gather)(w, ids, tf1.fill([3, DIM], 7.0))

    return build


ORACLE = [
    ("embedding_lookup", "single"),
    ("embedding_lookup", "mod"),
    ("embedding_lookup", "div"),
    ("nce_loss", "mod"),
    ("sampled_softmax_loss", "div"),
    ("log_uniform_candidate_sampler", "single"),
    ("uniform_candidate_sampler", "single"),
    ("scatter_update", "single"),
    ("scatter_add", "single"),
]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize(("gather", "layout"), ORACLE)
def test_tf1_raises_for_the_same_ids_with_the_same_index_and_range(tf1, gather, layout, bad):
    value = BAD[bad]
    want = _tf1_error(tf1, _tf1_build(tf1, gather, layout, _ids(value)))
    variables, apply, _ = _transformed(gather, layout)
    with pytest.raises(errors.JaxscopeError) as info:
        apply(variables, _ids(value))
    got = str(info.value)
    if layout == "single" and gather.startswith("embedding"):  # indices[1] = 10 is not in [0, 10)
        said = re.search(r"indices(\[1\] = -?\d+ is not in \[0, \d+\))", want).group(1)
        assert f"ids{said}" in got
    elif gather.startswith("scatter"):
        assert f"indices[1] = {value} is not in [0, {N})" in want
        assert f"indices[1] = {value} is not in [0, {N})" in got  # TF1's words
    elif layout == "single" or gather.endswith("_loss"):  # TF1's sampler refused the class
        assert f"out of range [0, {N}), received {value}" in want
        assert f"= {value} is not in [0, {N})" in got
    else:  # TF1 names a shard's row (indices[0] = 3 is not in [0, 3)); we name the id
        assert re.search(r"(indices|partitions)\[\d+\] = -?\d+ is not in \[0, \d+\)", want)
        assert f"ids[1] = {value} is not in [0, {N})" in got


def test_partitioned_embed_sequence_maps_ids_as_tf1_mod(tf1):
    """TF1's embed_sequence looks a partitioned table up with embedding_lookup's "mod" (id i:
    part i % 3, row i // 3); jaxscope's traced tests above hold it to the same mapping."""
    ids = np.arange(N, dtype=np.int32)[None]
    with tf1.Graph().as_default():
        with tf1.variable_scope("", partitioner=tf1.fixed_size_partitioner(3)):
            with tf1.variable_scope("emb"):
                emb = tf1.get_variable("embeddings", [N, DIM])
        out = tf1.nn.embedding_lookup(emb, ids)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            want, parts = sess.run([out, list(emb)])
    np.testing.assert_allclose(want[0], [parts[i % 3][i // 3] for i in range(N)])
    variables, apply, _ = _transformed("embed_sequence", "mod")
    table = _logical(variables, "embed_sequence")
    np.testing.assert_allclose(apply(variables, ids)[0], [_row(table, i, "mod") for i in range(N)])
