"""experiments/ptb_word_lm.py, the port of TF1's PTB tutorial, against the tutorial's own code
run on tf.compat.v1 in graph mode: the port's ``PTBModel`` (and ``assign_lr``) is built once with
``tf`` = jaxscope.compat.v1 and once with ``tf`` = tf.compat.v1 (``tf.contrib`` given TF 1.15's
``sequence_loss`` and TF's v1 RNN cells: TF 2 has no contrib), the input fed through placeholders
on both sides. Then: the variables (names, shapes, order), a few train steps from the same initial
values (``run_epoch``'s fetches, the carried state fed back, an lr assign fed through its
placeholder) and the experiment end to end on a tiny corpus."""

import re
import sys
import types
from pathlib import Path

import jax
import numpy as np
import pytest

import jaxscope as js

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

import ptb_word_lm as port  # noqa: E402
from test_compat_seq2seq import tf115_sequence_loss  # noqa: E402

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*is deprecated and will be removed:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning"),
]


class Config(port.TestConfig):
    """TestConfig with two layers, a small vocabulary and clipping that acts."""

    num_layers = 2
    num_steps = 3
    hidden_size = 4
    batch_size = 4
    vocab_size = 30
    max_grad_norm = 0.5
    rnn_mode = port.BASIC


class FedInput:
    """PTBInput with placeholders in place of the reader's producer (fed on both sides)."""

    def __init__(self, tf, config):
        self.batch_size, self.num_steps, self.epoch_size = config.batch_size, config.num_steps, 4
        shape = [config.batch_size, config.num_steps]
        self.input_data = tf.placeholder(tf.int32, shape, name="input_data")
        self.targets = tf.placeholder(tf.int32, shape, name="targets")


def tf1_namespace(tf1):
    """tf.compat.v1 with the ``tf.contrib`` names the tutorial uses."""
    rc = tf1.nn.rnn_cell
    contrib = types.SimpleNamespace(
        rnn=types.SimpleNamespace(BasicLSTMCell=rc.BasicLSTMCell, MultiRNNCell=rc.MultiRNNCell,
                                  DropoutWrapper=rc.DropoutWrapper,
                                  LSTMStateTuple=rc.LSTMStateTuple),
        seq2seq=types.SimpleNamespace(
            sequence_loss=lambda *a, **k: tf115_sequence_loss(tf1, *a, **k)),
    )  # fmt: skip
    ns = types.SimpleNamespace(**{k: getattr(tf1, k) for k in dir(tf1) if not k.startswith("__")})
    ns.contrib = contrib
    return ns


def graph(tf, config):
    """The tutorial's main() graph, Train and Valid models (``reuse=True``), input fed."""
    port.tf = tf  # the port's module code, run on this tf
    initializer = tf.random_uniform_initializer(-config.init_scale, config.init_scale)
    with tf.name_scope("Train"):
        train_input = FedInput(tf, config)
        with tf.variable_scope("Model", reuse=None, initializer=initializer):
            m = port.PTBModel(is_training=True, config=config, input_=train_input)
    with tf.name_scope("Valid"):
        valid_input = FedInput(tf, config)
        with tf.variable_scope("Model", reuse=True, initializer=initializer):
            mvalid = port.PTBModel(is_training=False, config=config, input_=valid_input)
    return {"Train": m, "Valid": mvalid}


@pytest.fixture(autouse=True)
def _flags_and_tf():
    if not port.FLAGS.is_parsed():
        port.FLAGS(["test"])
    saved = port.tf
    yield
    port.tf = saved


R = np.random.RandomState(0)
X = R.randint(0, Config.vocab_size, [8, Config.batch_size, Config.num_steps + 1]).astype(np.int32)
PLAN = ["lr:1.0", "Train", "Train", "Valid", "lr:0.5", "Train", "Train", "Valid"]


def steps(session, models, set_lr):
    """run_epoch's loop for the plan: the state carried from step to step of each model."""
    costs, states = [], {}
    for k, what in enumerate(PLAN):
        if what.startswith("lr:"):
            set_lr(float(what[3:]))
            continue
        model = models[what]
        state = states.get(what) or session.run(model.initial_state)
        fetches = {"cost": model.cost, "final_state": model.final_state}
        if what == "Train":
            fetches["eval_op"] = model.train_op
        feed_dict = {model.input.input_data: X[k, :, :-1], model.input.targets: X[k, :, 1:]}
        for i, (c, h) in enumerate(model.initial_state):
            feed_dict[c] = state[i].c
            feed_dict[h] = state[i].h
        vals = session.run(fetches, feed_dict=feed_dict)
        costs.append(float(vals["cost"]))
        states[what] = vals["final_state"]
    return costs


def tf1_run(tf1):
    with tf1.Graph().as_default():
        models = graph(tf1_namespace(tf1), Config())
        variables = tf1.global_variables()
        names = [v.op.name for v in variables]
        shapes = [tuple(v.shape.as_list()) for v in variables]
        trainable = {v.op.name for v in tf1.trainable_variables()}
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            init = dict(zip(names, session.run(variables), strict=True))
            costs = steps(session, models, lambda lr: models["Train"].assign_lr(session, lr))
            final = dict(zip(names, session.run(variables), strict=True))
    return names, shapes, trainable, init, costs, final


def js_runner():
    import jaxscope.compat.v1 as jtf

    session = js.train.Runner(lambda: graph(jtf, Config()))
    session.init(jax.random.key(0))
    return session


def test_the_ports_variables_are_the_tutorials(tf1):
    names, shapes, *_ = tf1_run(tf1)
    session = js_runner()
    got = js.inspect(js.transform(lambda: graph(sys.modules["jaxscope.compat.v1"], Config())))
    assert [(v.name, tuple(v.shape)) for v in got] == list(zip(names, shapes, strict=True))
    assert set(js.checkpoint.flatten(session.variables)) == set(names)
    assert "Model/RNN/multi_rnn_cell/cell_1/basic_lstm_cell/kernel" in names
    assert {"Train/Model/Variable", "Model/global_step"} <= set(names)  # the lr, the step


def test_train_steps_lr_assign_and_carried_state_match_tf1(tf1):
    names, _, trainable, init, want_costs, want = tf1_run(tf1)
    session = js_runner()
    session.variables = js.checkpoint.unflatten(init, trainable=trainable)
    m = session.outputs["Train"]
    got_costs = steps(session, session.outputs, lambda lr: m.assign_lr(session, lr))
    np.testing.assert_allclose(got_costs, want_costs, rtol=2e-6)
    got = js.checkpoint.flatten(session.variables)
    for name in names:
        np.testing.assert_allclose(got[name], want[name], rtol=2e-6, atol=2e-7, err_msg=name)
    assert int(got["Model/global_step"]) == 4 and float(got["Train/Model/Variable"]) == 0.5
    assert float(session.run(m.lr)) == 0.5


def test_the_experiment_runs_end_to_end(tf1, tmp_path, capsys):
    words = port.reader.load_words()[:2000]
    for split, (a, b) in {"train": (0, 1500), "valid": (1500, 1800), "test": (1800, 1850)}.items():
        lines = [" ".join(words[i : i + 20]) for i in range(a, b, 20)]
        (tmp_path / f"ptb.{split}.txt").write_text("\n".join(lines))
    port.FLAGS(["ptb_word_lm", "--model=test", "--num_gpus=0", f"--data_path={tmp_path}",
                f"--save_path={tmp_path / 'model'}"])  # fmt: skip
    try:
        port.main(None)
    finally:
        port.FLAGS(["ptb_word_lm"])
        port.FLAGS.unparse_flags()
        port.FLAGS(["ptb_word_lm"])
    out = capsys.readouterr().out
    assert "Epoch: 1 Learning rate: 1.000" in out
    ppl = {k: float(v) for k, v in re.findall(r"(Train|Valid|Test) Perplexity: ([\d.]+)", out)}
    assert set(ppl) == {"Train", "Valid", "Test"} and all(np.isfinite(list(ppl.values())))
    saved = js.train.latest_checkpoint(str(tmp_path))
    assert saved is not None and re.search(r"model-\d+$", saved)
    reader = tf1.train.load_checkpoint(saved)  # TF1 reads the port's checkpoint
    assert reader.get_tensor("Model/global_step") == int(saved.rsplit("-", 1)[1])
    assert reader.get_variable_to_shape_map()["Model/embedding"] == [10000, 2]


def test_tf1_diff_counts_statements_not_layout():
    import tf1_diff

    original = '''import tensorflow as tf
def f(x):
  """Doc."""
  if x: return tf.add(x,
                      1)  # a comment
  return tf.zeros([2,
                   3,])
'''
    port = """import jaxscope.compat.v1 as tf


def f(x):
    if x:
        return tf.add(x, 1)
    return tf.ones([2, 3])
"""
    count, report = tf1_diff.changed(original, port)
    assert count == 1 and report[:2] == ["-    6: return tf . zeros ( [ 2 , 3 ] )",
                                         "+    7: return tf . ones ( [ 2 , 3 ] )"]  # fmt: skip
