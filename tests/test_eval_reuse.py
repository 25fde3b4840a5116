"""Issue 25, item 1: TF1's eval models by ``reuse=True``.

A TF1 script builds its train model, then its eval models in the same graph under
``variable_scope("Model", reuse=True)`` (or ``reuse=not is_training``): ``reuse=True`` finds the
train model's variables. In jaxscope the eval program is its own transform, applied to the train
program's variables: under ``apply``, ``reuse=True`` finds them there. ``init`` of an eval-only
program still fails as TF1's fresh graph does. Compared with TF1 in graph mode: the variables
(names, order), the eval outputs at TF1's initial values, and the errors.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxscope as js

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*is deprecated and will be removed:UserWarning",
    "ignore:.*is deprecated:DeprecationWarning",
)
X = np.random.RandomState(0).randn(2, 3).astype(np.float32)


def model(S, x, is_training, idiom):
    """The PTB tutorial's shape: one model function, reuse chosen by the caller's idiom."""
    reuse = {"reuse_true": None if is_training else True, "not_training": not is_training}[idiom]
    with S.variable_scope("Model", reuse=reuse):
        w = S.get_variable("w", [3, 4])
        h = S.layers.dense(x @ w if S is js else S.matmul(x, w), 2, name="out")
        if is_training:  # train-only state, as the tutorial's learning-rate variable
            S.get_variable("lr", [], trainable=False, initializer=S.zeros_initializer())
        with S.variable_scope("head"):
            b = S.get_variable("b", [2], initializer=S.constant_initializer(0.5))
        return h + b


@pytest.mark.parametrize("idiom", ["reuse_true", "not_training"])
def test_eval_model_by_reuse_finds_the_train_models_variables(tf1, idiom):
    with tf1.Graph().as_default():
        tf1.set_random_seed(0)
        model(tf1, tf1.constant(X), True, idiom)
        eval_out = model(tf1, tf1.constant(X[:1]), False, idiom)
        names = [v.op.name for v in tf1.global_variables()]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values, want = sess.run([tf1.global_variables(), eval_out])

    train = js.transform(lambda x: model(js, x, True, idiom))
    evaluate = js.transform(lambda x: model(js, x, False, idiom), allow_unused=True)
    assert [v.name for v in js.inspect(train, X)] == names  # the eval model adds none in TF1
    variables = js.checkpoint.unflatten(
        dict(zip(names, values, strict=True)), trainable=set(names) - {"Model/lr"}
    )
    got = jax.jit(evaluate.apply)(variables, X[:1])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)

    # the eval model's own view: the variables it found, filed as TF1's graph files them
    def looked_up(x):
        model(js, x, False, idiom)
        return [v.name for v in js.global_variables()], [v.name for v in js.trainable_variables()]

    g, t = js.transform(looked_up, allow_unused=True).apply(variables, X[:1])
    expected = ["Model/w:0", "Model/out/kernel:0", "Model/out/bias:0", "Model/head/b:0"]
    assert g == t == expected


def test_eval_model_alone_fails_as_in_a_fresh_tf1_graph(tf1):
    with tf1.Graph().as_default(), pytest.raises(ValueError, match="does not exist"):
        model(tf1, tf1.constant(X), False, "reuse_true")
    evaluate = js.transform(lambda x: model(js, x, False, "reuse_true"))
    with pytest.raises(js.VariableNotFoundError, match='"Model/w" does not exist'):
        evaluate.init(jax.random.key(0), X)


def test_reuse_true_checks_what_it_finds_as_tf1_does(tf1):
    def ask(S, shape, dtype):
        with S.variable_scope("Model", reuse=True):
            return S.get_variable("w", shape, dtype=dtype)

    variables = {"params": {"Model": {"w": jnp.zeros([3, 4])}}}
    cases = [([3, 5], None, js.ShapeMismatchError), (None, "int32", js.DtypeMismatchError)]
    for shape, dtype, error in cases:
        with tf1.Graph().as_default():
            with tf1.variable_scope("Model"):
                tf1.get_variable("w", [3, 4])
            with pytest.raises(ValueError) as tf_error:
                ask(tf1, shape, dtype and getattr(tf1, dtype))
        with pytest.raises(error) as ours:
            js.transform(lambda: ask(js, shape, dtype and jnp.dtype(dtype))).apply(variables)
        assert isinstance(ours.value, ValueError) and "Model/w" in str(ours.value)
        assert "Trying to share variable Model/w" in str(tf_error.value)
    # a name the tree lacks: TF1's error under apply too
    with pytest.raises(js.VariableNotFoundError, match='"Model/v" does not exist'):
        js.transform(_missing).apply(variables)


def _missing():
    with js.variable_scope("Model", reuse=True):
        return js.get_variable("v", [3])


def test_eval_program_leaves_train_only_variables_unused_without_saying_so():
    """The decision (issue 25): a program that found variables it did not make is another
    program's eval model, given that program's tree (TF1: the train model's graph), so the
    train-only variables (the learning rate, ``global_step``) may stay unused, as a TF1 eval
    model never had to say. A program that found none keeps the guard against a typo'd tree."""
    train = js.transform(lambda x: model(js, x, True, "reuse_true"))
    variables = train.init(jax.random.key(0), X)
    evaluate = js.transform(lambda x: model(js, x, False, "reuse_true"))
    np.testing.assert_allclose(
        evaluate.apply(variables, X),
        js.transform(lambda x: model(js, x, True, "reuse_true")).apply(variables, X),
    )
    typo = {**variables, "params": {**variables["params"], "Modle": {"w": jnp.zeros([3, 4])}}}
    with pytest.raises(js.UnusedVariablesError, match="Modle/w"):
        train.apply(typo, X)


def regularized(S, x, idiom):
    """TF1's try-to-reuse-else-create idiom (before AUTO_REUSE), with a regularizer."""
    reg = lambda w: 0.1 * S.reduce_sum(w * w)  # noqa: E731
    try:
        with S.variable_scope("m", reuse=True):
            w = S.get_variable("w", [3, 2], regularizer=reg)
    except ValueError:
        with S.variable_scope("m"):
            w = S.get_variable("w", [3, 2], regularizer=reg)
    loss = S.reduce_sum(S.matmul(x, w))
    if idiom == "with_losses":
        loss = loss + S.add_n(S.get_collection(S.GraphKeys.REGULARIZATION_LOSSES))
    return loss


def test_a_program_that_makes_the_variable_gets_inits_errors_under_apply(tf1):
    """The program makes ``m/w`` after a ``reuse=True`` that fails in a fresh graph: ``apply``
    must not find ``m/w`` in the tree there (it would skip the regularizer: a silently wrong
    loss), but replay what ``init`` did, as TF1 does when the program is built again."""
    import jaxscope.compat.v1 as jtf

    with tf1.Graph().as_default():
        loss = regularized(tf1, tf1.constant(X), "with_losses")
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            (w,) = sess.run(tf1.global_variables())
            want = sess.run(loss)
    f = js.transform(lambda x: regularized(jtf, x, "with_losses"))
    variables = {"params": {"m": {"w": w}}}
    np.testing.assert_allclose(f.apply(variables, X), want, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(f.apply)(variables, X), want, rtol=1e-6)
    assert jax.tree.map(jnp.shape, f.init(jax.random.key(0), X)) == {"params": {"m": {"w": (3, 2)}}}


# -- random train/eval programs -----------------------------------------------------------------
# A model is a list of statements run under variable_scope("Model", reuse=...): get_variable
# (regularized or not, trainable or not, train-only or eval-only), tf.layers.dense and
# batch_normalization (training=is_training: moving averages are state), nested variable scopes
# (reuse None or AUTO_REUSE inside the eval model's reuse=True). TF1 builds the train model, then
# the eval model in the same graph; jaxscope inspects the train program and applies the eval
# program to TF1's values (the graph's variables: the train model's and any the eval model made
# by AUTO_REUSE): the variables (names, order), the eval output or the error class must match.
def generate(rnd, depth=0):
    body = []
    for _ in range(rnd.randint(1, 4 if depth == 0 else 2)):
        kind = rnd.choice(["gv", "gv", "dense", "bn", "vs" if depth < 2 else "gv"])
        if kind == "gv":
            only = rnd.choice([None, None, None, "train", "eval"])
            body.append(("gv", rnd.choice("wvu"), rnd.random() < 0.3, rnd.random() < 0.2, only))
        elif kind == "vs":
            body.append(
                ("vs", rnd.choice("ab"), rnd.choice([None, "AUTO"]), generate(rnd, depth + 1))
            )
        else:
            body.append((kind, rnd.choice(["layer", None])))
    return body


def build(S, x, ast, is_training, idiom):
    reuse = None if is_training else True
    reuse = {"reuse_true": reuse, "not_training": not is_training}[idiom]
    reg = lambda w: 0.01 * S.reduce_sum(w)  # noqa: E731

    def run(stmts, h):
        for st in stmts:
            if st[0] == "gv":
                _, name, regularized, frozen, only = st
                if only == ("eval" if is_training else "train"):
                    continue
                w = S.get_variable(name, [h.shape[-1], 3], regularizer=reg if regularized else None,
                                   trainable=not frozen)  # fmt: skip
                h = S.matmul(h, w) if S is not js else h @ w
            elif st[0] == "dense":
                h = S.layers.dense(h, 3, name=st[1])
            elif st[0] == "bn":
                h = S.layers.batch_normalization(h, training=is_training, name=st[1])
            else:
                r = S.AUTO_REUSE if st[2] == "AUTO" else st[2]
                with S.variable_scope(st[1], reuse=r):
                    h = run(st[3], h)
        return h

    with S.variable_scope("Model", reuse=reuse):
        return run(ast, x)


def _error(fn):
    try:
        return fn()
    except (ValueError, TypeError) as e:
        return type(e).__mro__[[c.__module__ for c in type(e).__mro__].index("builtins")].__name__


@pytest.mark.parametrize("idiom", ["reuse_true", "not_training"])
def test_random_train_and_eval_programs_match_tf1(tf1, idiom):
    import random

    import jaxscope.compat.v1 as jtf

    mismatches = []
    for seed in range(30):
        ast = generate(random.Random(seed))
        with tf1.Graph().as_default():
            x = tf1.constant(X)
            train_out = _error(lambda: build(tf1, x, ast, True, idiom))
            train_names = [v.op.name for v in tf1.global_variables()]
            eval_out = _error(lambda: build(tf1, x, ast, False, idiom))  # may make eval-only ones
            variables = tf1.global_variables()
            names = [v.op.name for v in variables]
            trainable = {v.op.name for v in tf1.trainable_variables()}
            with tf1.Session() as sess:
                sess.run(tf1.global_variables_initializer())
                values = sess.run(variables)
                want = eval_out if isinstance(eval_out, str) else sess.run(eval_out)
        train = js.transform(lambda x: build(jtf, x, ast, True, idiom))
        evaluate = js.transform(lambda x: build(jtf, x, ast, False, idiom))
        got_names = _error(lambda: [v.name for v in js.inspect(train, X)])
        if isinstance(train_out, str):
            if got_names != train_out:
                mismatches.append((seed, "train", got_names, train_out))
            continue
        tree = js.checkpoint.unflatten(dict(zip(names, values, strict=True)), trainable=trainable)
        got = _error(lambda: np.asarray(jax.jit(evaluate.apply)(tree, X)))
        if got_names != train_names:
            mismatches.append((seed, "names", got_names, train_names))
        elif isinstance(want, str) or isinstance(got, str):
            if got != want:
                mismatches.append((seed, "eval", got, want))
        elif not np.allclose(got, want, rtol=1e-5, atol=1e-5):
            mismatches.append((seed, "values", got, want))
    assert not mismatches, (len(mismatches), mismatches[0])
