"""Question: does the TF1 tutorial's word-level LSTM language model (``ptb_word_lm.py``), ported to
jaxscope with the same scopes, cells and training loop, predict held-out text better than a
unigram model?

The model is written as the tutorial writes it: ``variable_scope("Model", initializer=
random_uniform_initializer(-init_scale, init_scale))``, ``get_variable("embedding")`` and an
embedding lookup, a ``MultiRNNCell`` of ``BasicLSTMCell(forget_bias=0.0)`` (each in a
``DropoutWrapper`` when ``keep_prob < 1``) run in ``variable_scope("RNN")``, ``softmax_w`` /
``softmax_b``, the loss summed over time and averaged over the batch, gradients clipped by
global norm, plain SGD with the learning rate halved after ``--max-epoch`` epochs, and truncated
backpropagation: each batch starts from the previous batch's final state. So the variables are
the tutorial's: ``Model/embedding``, ``Model/RNN/multi_rnn_cell/cell_{i}/basic_lstm_cell/
{kernel,bias}``, ``Model/softmax_w``, ``Model/softmax_b`` (here the RNN is ``js.nn.dynamic_rnn``,
one ``lax.scan``, where the tutorial unrolled the cell in Python: same names, same arithmetic).

Data: the corpus committed for ``word2vec.py`` (CPython 3.11.7's English documentation, about
320,000 words, ``experiments/data/python_docs.txt.gz``), split 80/10/10 into train, validation
and test text; the vocabulary is the most frequent training words plus ``<unk>``.

Command:   python experiments/ptb_lstm.py                (about 4-5 min on 2 busy CPU cores)
Output:    the variables (2,646,600 parameters), train and validation perplexity per epoch
           (train 465 -> 217 -> 123, validation 257 -> 229 -> 210), "test perplexity 215.7
           (unigram baseline 502.6)", and results/ptb_lstm.{png,json}.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
from common import build_vocab, figure, load_words, parse_args, parser, write_results

import jaxscope as js


# --- data, as the tutorial's reader.py ------------------------------------------------------------
def producer(ids, batch_size, num_steps):
    """The tutorial's ``ptb_producer``: ``batch_size`` parallel streams cut in windows of
    ``num_steps``; yields (inputs, targets) pairs, each ``[batch_size, num_steps]``."""
    batch_len = len(ids) // batch_size
    data = np.asarray(ids[: batch_size * batch_len], np.int32).reshape(batch_size, batch_len)
    for i in range((batch_len - 1) // num_steps):
        window = data[:, i * num_steps : (i + 1) * num_steps + 1]
        yield window[:, :-1], window[:, 1:]


# --- the model, as ptb_word_lm.py writes it -----------------------------------------------------
def ptb_model(input_data, targets, state, config, is_training):
    """Returns (cost: the loss summed over time, averaged over the batch; final_state)."""
    initializer = js.random_uniform_initializer(-config.init_scale, config.init_scale)
    with js.variable_scope("Model", initializer=initializer):
        embedding = js.get_variable("embedding", [config.vocab_size, config.hidden_size])
        inputs = js.nn.embedding_lookup(embedding, input_data)
        if is_training and config.keep_prob < 1:
            inputs = js.layers.dropout(inputs, rate=1 - config.keep_prob, training=True)

        def make_cell():
            cell = js.nn.rnn_cell.BasicLSTMCell(config.hidden_size, forget_bias=0.0)
            if is_training and config.keep_prob < 1:
                cell = js.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=config.keep_prob)
            return cell

        cell = js.nn.rnn_cell.MultiRNNCell([make_cell() for _ in range(config.num_layers)])
        if state is None:
            state = cell.zero_state(config.batch_size, jnp.float32)
        output, state = js.nn.dynamic_rnn(cell, inputs, initial_state=state, scope="RNN")
        output = output.reshape(-1, config.hidden_size)
        softmax_w = js.get_variable("softmax_w", [config.hidden_size, config.vocab_size])
        softmax_b = js.get_variable("softmax_b", [config.vocab_size])
        logits = (output @ softmax_w + softmax_b).reshape(*input_data.shape, config.vocab_size)
        # tf.contrib.seq2seq.sequence_loss(average_across_timesteps=False,
        # average_across_batch=True), then reduce_sum: summed over time, mean over the batch.
        logp = jax.nn.log_softmax(logits)
        loss = -jnp.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]
        cost = jnp.sum(jnp.mean(loss, axis=0))
    return cost, state


class Config:
    """The tutorial's SmallConfig, with a vocabulary for the smaller corpus."""

    init_scale = 0.1
    learning_rate = 1.0
    max_grad_norm = 5
    num_layers = 2
    num_steps = 20
    hidden_size = 200
    max_epoch = 2
    max_max_epoch = 3
    keep_prob = 1.0
    lr_decay = 0.5
    batch_size = 20
    vocab_size = 5000


def run_epoch(step, params, data, config, key=None):
    """Perplexity over ``data``; ``step(params, state, x, y, key) -> (params, state, cost)``."""
    costs, iters, state = 0.0, 0, None
    for x, y in producer(data, config.batch_size, config.num_steps):
        key_i = None
        if key is not None:
            key, key_i = jax.random.split(key)
        params, state, cost = step(params, state, x, y, key_i)
        costs += float(cost)
        iters += config.num_steps
    return params, float(np.exp(costs / max(iters, 1)))


def unigram_perplexity(train_ids, test_ids, vocab_size):
    counts = np.bincount(train_ids, minlength=vocab_size) + 1.0  # add-one smoothing
    logp = np.log(counts / counts.sum())
    return float(np.exp(-logp[test_ids].mean()))


def main(argv=None):
    p = parser(__doc__)
    p.add_argument("--vocab", type=int, default=Config.vocab_size)
    p.add_argument("--hidden", type=int, default=Config.hidden_size)
    p.add_argument("--layers", type=int, default=Config.num_layers)
    p.add_argument("--epochs", type=int, default=Config.max_max_epoch)
    p.add_argument("--max-epoch", type=int, default=Config.max_epoch)
    p.add_argument("--keep-prob", type=float, default=Config.keep_prob)
    p.add_argument("--max-words", type=int, default=None, help="use only the first N words")
    a = parse_args(p, argv)

    config = Config()
    config.vocab_size, config.hidden_size, config.num_layers = a.vocab, a.hidden, a.layers
    config.max_max_epoch, config.max_epoch, config.keep_prob = a.epochs, a.max_epoch, a.keep_prob
    eval_config = Config()
    vars(eval_config).update(vars(config))
    eval_config.keep_prob = 1.0

    words = load_words()[: a.max_words]
    n = len(words)
    train_w, valid_w, test_w = (
        words[: int(0.8 * n)],
        words[int(0.8 * n) : int(0.9 * n)],
        words[int(0.9 * n) :],
    )
    vocab, index = build_vocab(train_w, config.vocab_size)
    config.vocab_size = eval_config.vocab_size = len(vocab)
    train, valid, test = ([index.get(w, 0) for w in ws] for ws in (train_w, valid_w, test_w))
    print(f"corpus: {n:,} words ({len(train):,} train, {len(valid):,} valid, {len(test):,} test), "
          f"vocabulary {len(vocab):,}")  # fmt: skip

    train_f = js.transform(lambda x, y, s: ptb_model(x, y, s, config, True))
    eval_f = js.transform(lambda x, y, s: ptb_model(x, y, s, eval_config, False))
    x0 = jnp.zeros([config.batch_size, config.num_steps], jnp.int32)
    key = jax.random.key(a.seed)
    init_key, key = jax.random.split(key)
    params = train_f.init(init_key, x0, x0, None)["params"]
    info = js.inspect(eval_f, x0, x0, None)  # the same variables; no dropout key needed
    print("variables:")
    for v in info:
        print(f"  {v.name:<48} {v.shape}")

    lr_holder = {"lr": config.learning_rate}

    @jax.jit
    def train_step(params, state, x, y, key, lr):
        def loss(p):
            return train_f.apply({"params": p}, x, y, state, rng=key)

        (cost, state), grads = jax.value_and_grad(loss, has_aux=True)(params)
        # tf.clip_by_global_norm(grads, max_grad_norm)
        norm = jnp.sqrt(sum(jnp.sum(g * g) for g in jax.tree.leaves(grads)))
        scale = config.max_grad_norm / jnp.maximum(norm, config.max_grad_norm)
        grads = jax.tree.map(lambda g: g * scale, grads)
        params = jax.tree.map(lambda p, g: p - lr * g, params, grads)
        return params, state, cost

    @jax.jit
    def eval_step(params, state, x, y):
        cost, state = eval_f.apply({"params": params}, x, y, state)
        return params, state, cost

    history = []
    t0 = time.perf_counter()
    for epoch in range(config.max_max_epoch):
        lr_decay = config.lr_decay ** max(epoch + 1 - config.max_epoch, 0)
        lr_holder["lr"] = config.learning_rate * lr_decay
        key, epoch_key = jax.random.split(key)
        params, train_ppl = run_epoch(
            lambda p, s, x, y, k: train_step(p, s, x, y, k, lr_holder["lr"]), params, train,
            config, epoch_key,
        )  # fmt: skip
        _, valid_ppl = run_epoch(lambda p, s, x, y, k: eval_step(p, s, x, y), params, valid,
                                 eval_config)  # fmt: skip
        history.append({"epoch": epoch + 1, "lr": lr_holder["lr"], "train": train_ppl,
                        "valid": valid_ppl})  # fmt: skip
        print(f"epoch {epoch + 1}: learning rate {lr_holder['lr']:.3f}, train perplexity "
              f"{train_ppl:.1f}, valid perplexity {valid_ppl:.1f}")  # fmt: skip
    _, test_ppl = run_epoch(lambda p, s, x, y, k: eval_step(p, s, x, y), params, test, eval_config)
    unigram = unigram_perplexity(np.asarray(train), np.asarray(test), len(vocab))
    seconds = time.perf_counter() - t0
    print(f"test perplexity {test_ppl:.1f} (unigram baseline {unigram:.1f}); {seconds:.0f} s")

    summary = {
        "variables": [[v.name, list(v.shape)] for v in info],
        "parameters": int(sum(np.prod(v.shape) for v in info)),
        "history": history,
        "test_perplexity": test_ppl,
        "unigram_perplexity": unigram,
        "seconds": seconds,
        "config": {k: getattr(config, k) for k in dir(Config) if not k.startswith("_")},
    }
    fig, ax = figure(figsize=(5, 3.5))
    epochs = [h["epoch"] for h in history]
    ax.plot(epochs, [h["train"] for h in history], "o-", label="train")
    ax.plot(epochs, [h["valid"] for h in history], "s-", label="validation")
    ax.axhline(unigram, color="gray", ls="--", label=f"unigram (test) {unigram:.0f}")
    ax.axhline(test_ppl, color="C2", ls=":", label=f"LSTM test {test_ppl:.0f}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("perplexity")
    ax.set_title("ptb_word_lm (small) on CPython docs")
    ax.legend()
    write_results(a.out, "ptb_lstm", summary, fig, indent=1, dpi=120, say=False)
    return summary


if __name__ == "__main__":
    main()
