"""experiments/gpt2: the original checkpoint's variables, TF1-equal outputs, cached generation."""

import json
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))

import gpt2  # noqa: E402
from gpt2 import encoder as bpe  # noqa: E402
from gpt2.model import past_shape  # noqa: E402
from gpt2.sample import TRACES  # noqa: E402
from test_gpt2_checkpoint import _toy_vocab  # noqa: E402

import jaxscope as js  # noqa: E402

SMALL = gpt2.HParams(n_vocab=100, n_ctx=32, n_embd=32, n_head=4, n_layer=2)
LAYER_ORDER = [
    "ln_1/g", "ln_1/b", "attn/c_attn/w", "attn/c_attn/b", "attn/c_proj/w", "attn/c_proj/b",
    "ln_2/g", "ln_2/b", "mlp/c_fc/w", "mlp/c_fc/b", "mlp/c_proj/w", "mlp/c_proj/b",
]  # fmt: skip


def expected_124m():
    """The released 124M checkpoint's variables, in creation order, from the published facts."""
    V, C, E = 50257, 1024, 768
    out = [("model/wpe", (C, E)), ("model/wte", (V, E))]
    shapes = {
        "ln_1/g": (E,), "ln_1/b": (E,), "attn/c_attn/w": (1, E, 3 * E), "attn/c_attn/b": (3 * E,),
        "attn/c_proj/w": (1, E, E), "attn/c_proj/b": (E,), "ln_2/g": (E,), "ln_2/b": (E,),
        "mlp/c_fc/w": (1, E, 4 * E), "mlp/c_fc/b": (4 * E,), "mlp/c_proj/w": (1, 4 * E, E),
        "mlp/c_proj/b": (E,),
    }  # fmt: skip
    for i in range(12):
        out += [(f"model/h{i}/{n}", shapes[n]) for n in LAYER_ORDER]
    return out + [("model/ln_f/g", (E,)), ("model/ln_f/b", (E,))]


def flat(tree, prefix=""):
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}/"))
        else:
            out[prefix + k] = v
    return out


# -- (a) the variables -------------------------------------------------------------------------


def test_124m_has_the_checkpoints_variables_in_creation_order():
    listing = gpt2.creation_order(gpt2.GPT2_124M)
    assert listing == expected_124m()
    assert len(listing) == 148
    assert sum(int(np.prod(s)) for _, s in listing) == 124_439_808


def test_124m_init_tree_via_eval_shape():
    f = gpt2.language_model(gpt2.GPT2_124M)
    X = jax.ShapeDtypeStruct((1, 8), jnp.int32)
    tree = jax.eval_shape(f.init, jax.random.key(0), X)  # no FLOPs
    assert set(tree) == {"params"}  # every GPT-2 variable is trainable
    shapes = {k: v.shape for k, v in flat(tree["params"]).items()}
    assert shapes == {name: shape for name, shape in expected_124m()}
    assert sum(int(np.prod(s)) for s in shapes.values()) == 124_439_808
    assert all(v.dtype == jnp.float32 for v in flat(tree["params"]).values())


def test_124m_names_match_tf1_graph(tf1):
    hp = dict(n_vocab=50257, n_ctx=1024, n_embd=768, n_head=12, n_layer=12)
    from gpt2_tf1 import build

    with tf1.Graph().as_default():  # graph only: no variable is allocated
        build(tf1, hp, tf1.placeholder(tf1.int32, [1, None]))
        tf_listing = [(v.op.name, tuple(v.shape.as_list())) for v in tf1.global_variables()]
    assert gpt2.creation_order(gpt2.GPT2_124M) == tf_listing


def test_initializers_follow_the_original():
    hp = gpt2.HParams(n_vocab=500, n_ctx=256, n_embd=64, n_head=4, n_layer=1)
    f = gpt2.language_model(hp)
    v = flat(jax.jit(f.init)(jax.random.key(1), jnp.zeros([1, 1], jnp.int32)))
    v = {k: np.asarray(x) for k, x in v.items()}
    assert abs(v["params/model/wpe"].std() - 0.01) < 0.001
    for name in ["wte", "h0/attn/c_attn/w", "h0/mlp/c_fc/w", "h0/mlp/c_proj/w"]:
        assert abs(v[f"params/model/{name}"].std() - 0.02) < 0.002, name
    for name, x in v.items():
        if name.endswith("/b"):
            assert np.all(x == 0), name
        if name.endswith("/g"):
            assert np.all(x == 1), name


# -- (b) the same network in tf.compat.v1 --------------------------------------------------------


def _tf_run(tf1, params, X1, X2, past):
    """TF1's outputs for ``X1`` without a past and for ``X2`` after ``past``: one graph (the
    past-free network reuses the variables of the one with a past), loaded and run once each."""
    from gpt2_tf1 import build, load_from_tree

    hp = {k: getattr(SMALL, k) for k in ("n_vocab", "n_ctx", "n_embd", "n_head", "n_layer")}
    with tf1.Graph().as_default(), tf1.Session() as sess:
        x = tf1.placeholder(tf1.int32, [None, None])
        p = tf1.placeholder(tf1.float32, past_shape(hparams=SMALL))
        with_past = build(tf1, hp, x, past=p)
        without = build(tf1, hp, x, reuse=True)
        load_from_tree(tf1, sess, params)
        return sess.run(without, {x: X1}), sess.run(with_past, {x: X2, p: past})


@pytest.fixture(scope="module")
def initial():
    """SMALL's initial variables (key 0); they depend only on the key and the hparams, not on
    the tokens init sees, so every test of SMALL shares one compiled init."""
    f = gpt2.language_model(SMALL)
    return jax.jit(f.init)(jax.random.key(0), jnp.zeros([1, 1], jnp.int32))


def test_logits_and_present_equal_tf1_with_and_without_past(tf1, initial):
    f = gpt2.language_model(SMALL)
    rng = np.random.default_rng(0)
    X1 = rng.integers(0, SMALL.n_vocab, [2, 7]).astype(np.int32)
    X2 = rng.integers(0, SMALL.n_vocab, [2, 3]).astype(np.int32)
    variables = initial
    apply = jax.jit(f.apply)

    js1 = apply(variables, X1)
    past = np.asarray(js1["present"])
    tf_1, tf_2 = _tf_run(tf1, variables["params"], X1, X2, past)
    assert np.abs(np.asarray(js1["logits"]) - tf_1["logits"]).max() < 1e-4
    np.testing.assert_allclose(js1["present"], tf_1["present"], rtol=0, atol=1e-5)

    js2 = apply(variables, X2, past)
    assert js2["logits"].shape == (2, 3, SMALL.n_vocab)
    assert np.abs(np.asarray(js2["logits"]) - tf_2["logits"]).max() < 1e-4
    np.testing.assert_allclose(js2["present"], tf_2["present"], rtol=0, atol=1e-5)

    # The fixed-size cache (past_length=) gives the same logits; its present is the filled buffer.
    buf = np.zeros(past_shape(hparams=SMALL, batch_size=2, sequence=SMALL.n_ctx), np.float32)
    buf[..., :7, :] = past
    js3 = jax.jit(f.apply)(variables, X2, buf, past_length=7)
    assert np.abs(np.asarray(js3["logits"]) - tf_2["logits"]).max() < 1e-4
    full = np.concatenate([past, tf_2["present"]], axis=-2)
    np.testing.assert_allclose(js3["present"][..., :10, :], full, rtol=0, atol=1e-5)
    assert not np.any(np.asarray(js3["present"])[..., 10:, :])


# -- (c) generation ------------------------------------------------------------------------------


def _with_noise(variables, seed):
    """Initial weights plus noise, so that greedy decoding does not repeat one token forever."""
    rng = np.random.default_rng(seed)  # numpy: no per-shape compilation of eager jax ops
    noisy = jax.tree.map(
        lambda x: np.asarray(x) + 0.3 * rng.standard_normal(x.shape, np.float32), variables
    )
    return jax.device_put(noisy)


def _varied_variables(hp, seed=0):
    f = gpt2.language_model(hp)
    return _with_noise(jax.jit(f.init)(jax.random.key(seed), jnp.zeros([1, 1], jnp.int32)), seed)


@pytest.fixture(scope="module")
def varied(initial):
    return _with_noise(initial, 0)  # = _varied_variables(SMALL)


def test_cached_greedy_equals_uncached_greedy(varied):
    hp, variables = SMALL, varied
    f = gpt2.language_model(hp)
    context = np.array([[5, 17, 3], [42, 42, 8]], np.int32)
    length = 10
    cached = np.asarray(
        gpt2.sample_sequence(
            hparams=hp, variables=variables, length=length, context=context, greedy=True
        )
    )
    # Oracle: the whole sequence through the plain (past-free) model, argmax of the last position.
    # Each sequence is padded to the longest one the loop feeds, so one compiled forward serves
    # them all; the model is causal, so position n - 1 sees only the n tokens before the padding.
    tokens = context
    forward = jax.jit(f.apply)
    longest = context.shape[1] + length - 1
    for _ in range(length):
        n = tokens.shape[1]
        padded = np.pad(tokens, [(0, 0), (0, longest - n)])
        nxt = np.argmax(np.asarray(forward(variables, padded)["logits"][:, n - 1]), axis=-1)
        tokens = np.concatenate([tokens, nxt[:, None].astype(np.int32)], axis=1)
    np.testing.assert_array_equal(cached, tokens)
    assert len(set(tokens[:, 3:].ravel().tolist())) > 3  # a real sequence, not one token repeated


def test_cached_generation_compiles_twice_concat_once_per_token():
    hp = gpt2.HParams(n_vocab=64, n_ctx=24, n_embd=16, n_head=2, n_layer=1)  # fresh jit caches
    variables = _varied_variables(hp, seed=3)
    context = np.array([[1, 2]], np.int32)
    kw = dict(hparams=hp, variables=variables, context=context, top_k=5, rng=jax.random.key(7))
    before = TRACES.copy()
    cached = gpt2.sample_sequence(length=6, **kw)
    assert TRACES["prefill"] - before["prefill"] == 1
    assert TRACES["step"] - before["step"] == 1
    concat = gpt2.sample_sequence_concat(length=6, **kw)
    assert TRACES["concat"] - before["concat"] == 6
    # Same random stream, same logits up to float error: the same top-k samples.
    np.testing.assert_array_equal(cached, concat)
    assert cached.shape == (1, 8)


def test_top_k_1_is_greedy_and_top_k_restricts_the_choice(varied):
    variables = varied
    context = np.array([[9, 10, 11]], np.int32)
    kw = dict(hparams=SMALL, variables=variables, context=context, length=8)
    greedy = gpt2.sample_sequence(greedy=True, **kw)
    top1 = gpt2.sample_sequence(top_k=1, rng=jax.random.key(5), temperature=2.0, **kw)
    np.testing.assert_array_equal(greedy, top1)
    logits = jnp.asarray(np.random.default_rng(0).normal(size=[4, SMALL.n_vocab]), jnp.float32)
    top3 = set(np.argsort(-np.asarray(logits), axis=-1)[:, :3].ravel().tolist())
    from gpt2.sample import choose

    pick = jax.jit(choose, static_argnames=("temperature", "top_k", "greedy"))  # one compile
    for s in range(20):
        picks = pick(logits, jax.random.key(s), temperature=1.0, top_k=3, greedy=False)
        assert set(np.asarray(picks).tolist()) <= top3


def test_context_longer_than_n_ctx_is_refused(varied):
    variables = varied
    with pytest.raises(ValueError, match="exceeds n_ctx"):
        gpt2.sample_sequence(
            hparams=SMALL, variables=variables, length=30, context=np.zeros([1, 4], np.int32)
        )


# -- BPE -----------------------------------------------------------------------------------------


def _toy_encoder(pattern=None):
    vocab, merges = _toy_vocab()
    return bpe.Encoder(vocab, merges, pattern=pattern), vocab


def test_bpe_merges_by_rank_and_round_trips_bytes():
    enc, vocab = _toy_encoder()
    ids = enc.encode("hello world")
    assert [enc.decoder[i] for i in ids] == ["hell", "o", "Ġwor", "l", "d"]
    text = "héllo\n\n  wörld ½ it's 42__x!! 🙂"
    assert enc.decode(enc.encode(text)) == text
    assert len(bpe.byte_to_char()) == 256 and len(set(bpe.byte_to_char().values())) == 256


def test_re_fallback_pattern_agrees_on_common_text():
    regex = pytest.importorskip("regex")
    exact = regex.compile(bpe.PATTERN.pattern) if bpe.EXACT_PATTERN else None
    if exact is None:
        pytest.skip("regex missing: only the approximation exists")
    text = "Hello, world! It's 2019: GPT-2's  BPE\tsplits   text_like this... café 42x\n\nEnd"
    assert bpe.APPROX_PATTERN.findall(text) == exact.findall(text)


# -- (d) the experiment ---------------------------------------------------------------------------


def test_main_smoke(tmp_path):
    args = "--n-layer 2 --n-embd 32 --n-head 4 --n-ctx 64 --n-vocab 100 --length 6"
    summary = gpt2.main([*args.split(), "--concat-tokens", "4", "--out", str(tmp_path)])
    E = 32
    per_layer = 4 * E + (E * 3 * E + 3 * E) + (E * E + E) + (E * 4 * E + 4 * E) + (4 * E * E + E)
    assert summary["variables"] == 2 + 2 * 12 + 2
    assert summary["parameters"] == 64 * E + 100 * E + 2 * per_layer + 2 * E
    assert summary["checkpoint"] is None
    assert len(summary["sample"][0]) == 6
    assert summary["greedy_identical"]
    assert summary["greedy_cached"]["compilations"] == 2
    assert summary["greedy_concat"]["compilations"] == 4
    assert json.loads((tmp_path / "gpt2.json").read_text()) == summary
    assert (tmp_path / "gpt2.png").stat().st_size > 1000


def test_js_global_variables_sees_the_variables_in_apply_too():
    seen = []

    def fn(X):
        gpt2.model(SMALL, X)
        seen.append([v.name for v in js.global_variables()])

    f = js.transform(fn)
    X = jnp.zeros([1, 2], jnp.int32)
    jax.eval_shape(f.apply, jax.eval_shape(f.init, jax.random.key(0), X), X)
    assert seen[-1][:3] == ["model/wpe:0", "model/wte:0", "model/h0/ln_1/g:0"]
    assert len(seen[-1]) == 28


def test_second_model_call_needs_reuse_as_in_tf1():
    X = jax.ShapeDtypeStruct((1, 2), jnp.int32)

    def twice(X):
        gpt2.model(SMALL, X)
        return gpt2.model(SMALL, X)

    with pytest.raises(js.VariableExistsError, match="model/wpe"):
        jax.eval_shape(js.transform(twice).init, jax.random.key(0), X)

    def shared(X):
        gpt2.model(SMALL, X)
        return gpt2.model(SMALL, X, reuse=True)

    tree = jax.eval_shape(js.transform(shared).init, jax.random.key(0), X)
    assert len(flat(tree["params"])) == 28
