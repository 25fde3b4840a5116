"""Issue 24, "ported as written": Google's BERT (``bert-tensorflow==1.0.4``: ``bert/modeling.py``,
read from the installed package, never copied) runs on jaxscope through ``load_tf1_module``,
which resolves its ``tensorflow.compat.v1`` / ``tensorflow.contrib.layers`` imports to jaxscope.
The only edits are the lines jax arrays cannot answer (TF1 tensor methods: ``x.shape.ndims``,
``x.shape.as_list()``, ``x.name``), listed in ``EDITS``.

The oracle is the same installed file on TF1 in graph mode, its ``tensorflow.contrib.layers``
import given tf_slim's layers (TF 2 has no ``contrib``). A tiny BERT is built on both, at TF1's
initial values (copied in by name), and must agree on the variables (names, order, shapes), the
pooled and sequence outputs, and the gradients of a loss w.r.t. every variable. BERT's own
``modeling_test.py`` gives output shapes; ``bert/optimization.py`` (unedited) builds its train op
inside the jaxscope program, run for 3 steps against TF1.
"""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf
from jaxscope.compat.porting import load_tf1_module

# The lines of bert/modeling.py a jax array cannot run (7 lines; TF1 tensor methods, and
# ``tensor.name``, which only names the tensor in get_shape_list's error message).
EDITS = {
    "name = tensor.name": 'name = "get_shape_list"',
    "tensor.shape.as_list()": "list(tensor.shape)",
    "output.shape.as_list()": "list(output.shape)",
    ".shape.ndims": ".ndim",
}
CHANGED = 7
CONFIG = dict(vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
              intermediate_size=37, max_position_embeddings=16, type_vocab_size=2)  # fmt: skip
BATCH, SEQ = 2, 8
TF1_LAYERS_WARNING = "ignore:.*is deprecated and will be removed:UserWarning"  # tf.layers.dense


def _bert_file(name: str) -> pathlib.Path:
    found = importlib.util.find_spec("bert")
    if found is None:
        pytest.skip("bert-tensorflow is not installed (the BERT files ported here)")
    return pathlib.Path(found.submodule_search_locations[0]) / name


def _inputs():
    rng = np.random.RandomState(0)
    # no id twice: TF1's gradient of the word embeddings is IndexedSlices, one row per lookup,
    # and clip_by_global_norm takes the norm of those rows unsummed (a repeated id counts twice)
    ids = rng.permutation(CONFIG["vocab_size"])[: BATCH * SEQ].reshape(BATCH, SEQ).astype(np.int32)
    mask = np.ones((BATCH, SEQ), np.int32)
    mask[1, 5:] = 0  # padding: the attention mask matters
    types_ = np.zeros((BATCH, SEQ), np.int32)
    types_[:, 4:] = 1
    return ids, mask, types_


def _loss_weights():
    rng = np.random.RandomState(1)
    h = CONFIG["hidden_size"]
    return rng.randn(BATCH, h).astype(np.float32), rng.randn(BATCH, SEQ, h).astype(np.float32)


def _tf1_modeling(tf1, slim):
    """The installed bert/modeling.py on TF1, ``tensorflow.contrib.layers`` -> tf_slim's layers."""
    path = _bert_file("modeling.py")
    contrib = types.ModuleType("tensorflow.contrib")
    contrib.layers = slim.layers
    stand_ins = {"tensorflow.contrib": contrib, "tensorflow.contrib.layers": slim.layers}
    saved = {k: sys.modules.get(k) for k in stand_ins}
    sys.modules.update(stand_ins)
    try:
        spec = importlib.util.spec_from_file_location("_bert_modeling_on_tf1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return module


def _tf1_bert(tf1, slim) -> dict:
    """The tiny BERT on TF1: its variables, initial values, outputs and gradients."""
    modeling = _tf1_modeling(tf1, slim)
    ids, mask, types_ = _inputs()
    w_pooled, w_seq = _loss_weights()
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        model = modeling.BertModel(
            modeling.BertConfig(**CONFIG),
            is_training=False,
            input_ids=tf1.constant(ids),
            input_mask=tf1.constant(mask),
            token_type_ids=tf1.constant(types_),
        )
        pooled, seq = model.get_pooled_output(), model.get_sequence_output()
        loss = tf1.reduce_sum(pooled * w_pooled) + tf1.reduce_sum(seq * w_seq)
        variables = tf1.global_variables()
        # the word embeddings' gradient is IndexedSlices (embedding_lookup): made dense
        grads = [tf1.convert_to_tensor(g) for g in tf1.gradients(loss, tf1.trainable_variables())]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values = sess.run({v.op.name: v for v in variables})
            out = sess.run({"pooled": pooled, "seq": seq, "loss": loss})
            grad_values = sess.run(grads)
        return {
            "variables": [(v.op.name, tuple(v.shape.as_list())) for v in variables],
            "trainable": {v.op.name for v in tf1.trainable_variables()},
            "values": values,
            "grads": {
                v.op.name: g for v, g in zip(tf1.trainable_variables(), grad_values, strict=True)
            },
            **out,
        }


def _jaxscope_model(modeling, seen: dict | None = None, **kwargs):
    def model(ids, mask, types_):
        bert = modeling.BertModel(
            modeling.BertConfig(**{**CONFIG, **kwargs}),
            is_training=False,
            input_ids=ids,
            input_mask=mask,
            token_type_ids=types_,
        )
        if seen is not None:
            seen["variables"] = [(v.name[:-2], tuple(v.shape)) for v in jtf.global_variables()]
        return bert.get_pooled_output(), bert.get_sequence_output()

    return js.transform(model)


def test_bert_modeling_ported_by_imports_with_listed_edits():
    _bert_file("modeling.py")
    modeling = load_tf1_module("bert.modeling", replace=EDITS)
    assert len(modeling.__tf1_edits__) == CHANGED, modeling.__tf1_edits__
    optimization = load_tf1_module("bert.optimization")
    assert optimization.__tf1_edits__ == []
    assert issubclass(optimization.AdamWeightDecayOptimizer, jtf.train.Optimizer)


@pytest.mark.filterwarnings(TF1_LAYERS_WARNING)
def test_bert_model_matches_tf1(tf1, slim):
    tf1_bert = _tf1_bert(tf1, slim)
    modeling = load_tf1_module("bert.modeling", replace=EDITS)
    seen: dict = {}
    f = _jaxscope_model(modeling, seen)
    inputs = [jnp.asarray(a) for a in _inputs()]
    variables = js.checkpoint.unflatten(tf1_bert["values"], trainable=tf1_bert["trainable"])
    w_pooled, w_seq = _loss_weights()

    def loss(params):
        pooled, seq = f.apply({**variables, "params": params}, *inputs)
        return jnp.sum(pooled * w_pooled) + jnp.sum(seq * w_seq), (pooled, seq)

    (value, (pooled, seq)), grads = jax.jit(jax.value_and_grad(loss, has_aux=True))(
        variables["params"]
    )
    assert seen["variables"] == tf1_bert["variables"]
    np.testing.assert_allclose(pooled, tf1_bert["pooled"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(seq, tf1_bert["seq"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(value, tf1_bert["loss"], rtol=1e-5)
    grads = js.checkpoint.flatten(grads)
    assert sorted(grads) == sorted(tf1_bert["grads"])
    # against the largest gradient: the key biases' gradient is 0 in exact arithmetic (softmax
    # ignores a shift of every score of a row), float32 rounding noise (1e-10) on both sides
    scale = max(float(np.max(np.abs(g))) for g in tf1_bert["grads"].values())
    for name, g in tf1_bert["grads"].items():
        np.testing.assert_allclose(grads[name], g, rtol=1e-4, atol=1e-6 * scale, err_msg=name)


def _tester_defaults() -> dict:
    """``BertModelTest.BertModelTester.__init__``'s defaults in the installed modeling_test.py."""
    tree = ast.parse(_bert_file("modeling_test.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "BertModelTester":
            init = next(n for n in node.body if isinstance(n, ast.FunctionDef))
            names = [a.arg for a in init.args.args[-len(init.args.defaults) :]]
            return {n: ast.literal_eval(d) for n, d in zip(names, init.args.defaults, strict=True)}
    raise AssertionError("modeling_test.py: no BertModelTester")


def test_bert_meets_modeling_test_spec():
    """modeling_test.py's ``check_output``: the output shapes of its default tester's model
    (training mode, with input and token-type masks), traced abstractly."""
    t = _tester_defaults()
    modeling = load_tf1_module("bert.modeling", replace=EDITS)
    config = modeling.BertConfig(
        vocab_size=t["vocab_size"], hidden_size=t["hidden_size"],
        num_hidden_layers=t["num_hidden_layers"], num_attention_heads=t["num_attention_heads"],
        intermediate_size=t["intermediate_size"], hidden_act=t["hidden_act"],
        hidden_dropout_prob=t["hidden_dropout_prob"],
        attention_probs_dropout_prob=t["attention_probs_dropout_prob"],
        max_position_embeddings=t["max_position_embeddings"],
        type_vocab_size=t["type_vocab_size"], initializer_range=t["initializer_range"],
    )  # fmt: skip
    seen = {}

    def model(ids, mask, types_):
        bert = modeling.BertModel(config, is_training=t["is_training"], input_ids=ids,
                                  input_mask=mask, token_type_ids=types_)  # fmt: skip
        seen["embedding_output"] = bert.get_embedding_output().shape
        seen["sequence_output"] = bert.get_sequence_output().shape
        seen["pooled_output"] = bert.get_pooled_output().shape
        seen["layers"] = [x.shape for x in bert.get_all_encoder_layers()]

    b, s, h = t["batch_size"], t["seq_length"], t["hidden_size"]
    ids = jax.ShapeDtypeStruct((b, s), jnp.int32)
    js.inspect(js.transform(model), ids, ids, ids)
    assert seen["embedding_output"] == (b, s, h)
    assert seen["sequence_output"] == (b, s, h)
    assert seen["pooled_output"] == (b, h)
    assert seen["layers"] == [(b, s, h)] * t["num_hidden_layers"]
    # test_config_to_json_string
    import json

    obj = json.loads(modeling.BertConfig(vocab_size=99, hidden_size=37).to_json_string())
    assert (obj["vocab_size"], obj["hidden_size"]) == (99, 37)


# -- bert/optimization.py: create_optimizer's train op (AdamWeightDecayOptimizer, warmup, decay,
# clip_by_global_norm) built inside the program, run for a few steps ----------------------------

# A flat schedule (no warmup; a decay over 10^9 steps leaves the float32 rate at LR): BERT's graph
# reads global_step in the same run that increments it, with no order between the two, so TF1's
# rate in a step is either step's (a race); jaxscope reads the value the step starts from.
LR, TRAIN_STEPS, WARMUP_STEPS, STEPS = 1e-3, 10**9, 0, 3


def _training(tf, modeling, optimization, ids, mask, types_):
    """BERT's fine-tuning step as run_classifier.py builds it, on ``tf`` (TF1 or jaxscope)."""
    w_pooled, w_seq = _loss_weights()
    model = modeling.BertModel(modeling.BertConfig(**CONFIG), is_training=False,
                               input_ids=ids, input_mask=mask, token_type_ids=types_)  # fmt: skip
    pooled, seq = model.get_pooled_output(), model.get_sequence_output()
    loss = tf.reduce_sum(pooled * w_pooled) + tf.reduce_sum(seq * w_seq)
    train_op = optimization.create_optimizer(loss, LR, TRAIN_STEPS, WARMUP_STEPS, False)
    return loss, train_op


def _tf1_training(tf1, slim) -> dict:
    modeling = _tf1_modeling(tf1, slim)
    spec = importlib.util.spec_from_file_location(
        "_bert_optimization_on_tf1", _bert_file("optimization.py")
    )
    optimization = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(optimization)
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        loss, train_op = _training(tf1, modeling, optimization, *map(tf1.constant, _inputs()))
        variables = tf1.global_variables()
        names = [v.op.name for v in variables]
        trainable = {v.op.name for v in tf1.trainable_variables()}
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            init = dict(zip(names, sess.run(variables), strict=True))
            losses = [sess.run([loss, train_op])[0] for _ in range(STEPS)]
            final = dict(zip(names, sess.run(variables), strict=True))
    return {"names": names, "trainable": trainable, "init": init, "losses": losses,
            "final": final}  # fmt: skip


@pytest.mark.filterwarnings(TF1_LAYERS_WARNING)
def test_bert_create_optimizer_in_the_program_matches_tf1(tf1, slim):
    want = _tf1_training(tf1, slim)
    modeling = load_tf1_module("bert.modeling", replace=EDITS)
    optimization = load_tf1_module("bert.optimization")
    f = js.transform(lambda *inputs: _training(jtf, modeling, optimization, *inputs))
    inputs = [jnp.asarray(a) for a in _inputs()]
    # the model's variables, global_step, then adam_m / adam_v of each trainable variable
    assert [v.name for v in js.inspect(f, *inputs)] == want["names"]
    variables = js.checkpoint.unflatten(want["init"], trainable=want["trainable"])
    step = jax.jit(lambda v, *a: f.apply(v, *a, mutable=True))
    losses = []
    for _ in range(STEPS):
        (loss, _), variables = step(variables, *inputs)
        losses.append(loss)
    np.testing.assert_allclose(losses, want["losses"], rtol=1e-5, atol=1e-5)
    got = js.checkpoint.flatten(variables)
    assert sorted(got) == sorted(want["names"])
    for name in want["names"]:
        np.testing.assert_allclose(got[name], want["final"][name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)  # fmt: skip
    assert int(got["global_step"]) == STEPS
    moved = [n for n in want["names"] if not np.allclose(want["init"][n], want["final"][n])]
    assert len(moved) > len(want["names"]) // 2, moved
