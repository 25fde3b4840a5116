"""custom_getter, against tf.compat.v1 (graph mode): which getter sees which call with which
keywords, chaining through nested scopes, names, sharing and errors (catalogue section 10, rules
R10.*); then the standard uses (mixed precision, moving averages, weight normalization,
renaming) in init and apply, under jax.jit and jax.grad, with values compared to TF1's where TF1
defines them."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import run_js, run_tf

import jaxscope as js

PROGRAMS = {}
_LEGACY_LAYERS = "ignore:.*is deprecated and will be removed:UserWarning"  # tf.layers warns


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def _reuse(S, reuse):
    return "AUTO" if reuse is S.AUTO_REUSE else reuse


def _dtype(d):
    return getattr(d, "name", str(d))


def logging_getter(S, r, tag, rename=""):
    """Records (tag, full name, reuse) of each call in r's items, then calls the next getter."""

    def getter(getter, name, *args, **kwargs):
        r.items.append(("getter", tag, name, _reuse(S, kwargs["reuse"])))
        return getter(name + rename, *args, **kwargs)

    return getter


@program
def keywords_received(S, r):  # R10.1, R10.11
    seen = {}
    init = S.ones_initializer()

    def cg(getter, *args, **kwargs):
        seen.update(kwargs)
        return getter(*args, **kwargs)

    def check():
        r.items.append(sorted(seen))
        r.items.append(
            (
                seen["name"],
                seen["shape"],
                _dtype(seen["dtype"]),
                seen["initializer"] is init,
                seen["regularizer"],
                _reuse(S, seen["reuse"]),
                seen["trainable"],
                seen["collections"],
                seen["caching_device"],
                seen["partitioner"],
                seen["validate_shape"],
                seen["use_resource"],
                seen["constraint"],
            )
        )

    r.scope(
        lambda: S.variable_scope("s", custom_getter=cg),
        lambda s: (r(lambda: S.get_variable("v", [2])), check()),
    )
    r.scope(
        lambda: S.variable_scope("t", initializer=init, dtype="float64", custom_getter=cg),
        lambda s: (r(lambda: S.get_variable("v", [1], trainable=False)), check()),
    )


@program
def constraint_only_if_accepted(S, r):  # R10.2
    def explicit(
        getter, name, shape, dtype, initializer, regularizer, reuse, trainable, collections,
        caching_device, partitioner, validate_shape, use_resource, synchronization, aggregation,
    ):  # fmt: skip
        return getter(name, shape=shape, dtype=dtype)

    def too_few(getter, name, shape):
        return getter(name, shape)

    r.scope(
        lambda: S.variable_scope("s", custom_getter=explicit),
        lambda s: r(lambda: S.get_variable("v", [1])),
    )
    r.scope(
        lambda: S.variable_scope("t", custom_getter=too_few),
        lambda s: r(lambda: S.get_variable("v", [1])),
    )
    # Chained, the inner getter is called through TF1's wrapper, which passes constraint on.
    r.scope(
        lambda: S.variable_scope("u", custom_getter=logging_getter(S, r, "outer")),
        lambda s: r.scope(
            lambda: S.variable_scope("in", custom_getter=explicit),
            lambda s: r(lambda: S.get_variable("v", [1])),
        ),
    )


@program
def called_on_every_lookup(S, r):  # R10.3
    for reuse in (None, True, S.AUTO_REUSE):
        r.scope(
            lambda reuse=reuse: S.variable_scope(
                "s", custom_getter=logging_getter(S, r, "g"), reuse=reuse
            ),
            lambda s: r(lambda: S.get_variable("v", [1])),
        )


@program
def nested_scopes_chain(S, r):  # R10.4, R10.6
    def body(s):
        r.scope(
            lambda: S.variable_scope("inner", custom_getter=logging_getter(S, r, "inner")),
            lambda s: r(lambda: S.get_variable("v", [1])),
        )
        r.scope(lambda: S.variable_scope("plain"), lambda s: r(lambda: S.get_variable("w", [1])))
        r.scope(
            lambda: S.variable_scope(s, custom_getter=logging_getter(S, r, "again")),
            lambda s: r(lambda: S.get_variable("x", [1])),
        )

    r.scope(lambda: S.variable_scope("outer", custom_getter=logging_getter(S, r, "outer")), body)
    r.scope(lambda: S.variable_scope("outer", reuse=True), lambda s: r(lambda: S.get_variable("x")))


@program
def call_getter_replaces_scope_getter(S, r):  # R10.5
    r.scope(
        lambda: S.variable_scope("s", custom_getter=logging_getter(S, r, "scope")),
        lambda s: (
            r(lambda: S.get_variable("v", [1], custom_getter=logging_getter(S, r, "call"))),
            r(lambda: S.get_variable("w", [1])),
        ),
    )


@program
def renaming_getter(S, r):  # R10.7
    r.scope(
        lambda: S.variable_scope("s", custom_getter=logging_getter(S, r, "g", rename="_ema")),
        lambda s: (r(lambda: S.get_variable("v", [1])), r(lambda: S.Variable(1.0, name="v"))),
    )
    r.scope(
        lambda: S.variable_scope("s", reuse=True),
        lambda s: (r(lambda: S.get_variable("v_ema", [1])), r(lambda: S.get_variable("v", [1]))),
    )


@program
def getter_returns_another_value(S, r):  # R10.8
    cast = (lambda x, d: x.astype(d)) if S is js else (lambda x, d: S.cast(x, d))

    def half(getter, name, *args, **kwargs):
        kwargs["dtype"] = "float32"
        return cast(getter(name, *args, **kwargs), "float16")

    def body(s):
        r.items.append(_dtype(S.get_variable("v", [2], dtype="float16").dtype))
        r.items.append(
            [(v.name, _dtype(v.dtype).replace("_ref", "")) for v in S.global_variables()]
        )

    r.scope(lambda: S.variable_scope("s", custom_getter=half), body)


@program
def getter_creates_auxiliary_variables(S, r):  # R10.9 (with "_shadow": see Differences)
    def with_shadow(getter, name, *args, **kwargs):
        v = getter(name, *args, **kwargs)
        getter(name + "_shadow", *args, **dict(kwargs, trainable=False))
        return v

    r.scope(
        lambda: S.variable_scope("s", custom_getter=with_shadow),
        lambda s: r(lambda: S.get_variable("v", [1])),
    )
    r(lambda: [v.name for v in S.global_variables()])
    r(lambda: [v.name for v in S.trainable_variables()])


@program
def getter_changes_reuse(S, r):
    def auto(getter, name, *args, **kwargs):
        kwargs["reuse"] = S.AUTO_REUSE
        return getter(name, *args, **kwargs)

    def twice(s):
        r(lambda: S.get_variable("v", [1]))
        r(lambda: S.get_variable("v", [1]))

    r.scope(lambda: S.variable_scope("s", custom_getter=auto), twice)
    r.scope(lambda: S.variable_scope("t"), twice)  # without the getter: already exists
    r.scope(
        lambda: S.variable_scope("s", reuse=True, custom_getter=logging_getter(S, r, "g", "_x")),
        lambda s: r(lambda: S.get_variable("v", [1])),  # renamed under reuse=True: not found
    )


@program
def not_callable_getter(S, r):  # R10.10
    r.scope(
        lambda: S.variable_scope("s", custom_getter=5),
        lambda s: r(lambda: S.get_variable("v", [1])),
    )
    r(lambda: S.get_variable("w", [1], custom_getter="nope"))


@program
def variables_bypass_getters(S, r):  # R03.25
    r.scope(
        lambda: S.variable_scope("s", custom_getter=logging_getter(S, r, "g"), reuse=True),
        lambda s: r(lambda: S.Variable(5.0, name="v")),
    )


@program
def getter_set_on_scope_object(S, r):  # VariableScope.set_custom_getter replaces, no chaining
    def body(s):
        s.set_custom_getter(logging_getter(S, r, "set"))
        r(lambda: S.get_variable("v", [1]))
        r.scope(
            lambda: S.variable_scope("in", custom_getter=logging_getter(S, r, "in")),
            lambda s: r(lambda: S.get_variable("w", [1])),
        )

    r.scope(lambda: S.variable_scope("s", custom_getter=logging_getter(S, r, "first")), body)


@pytest.mark.parametrize("mode", ["init", "apply"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tf1(tf1, name, mode):
    prog = PROGRAMS[name]
    expected = run_tf(tf1, prog).items
    got = run_js(prog, mode)
    assert got.items == expected


@pytest.mark.filterwarnings(_LEGACY_LAYERS)
def test_layers_call_the_scope_getter_as_tf1(tf1):
    def prog(S, r):
        x = (S.zeros if S is tf1 else jnp.zeros)([1, 3])
        r.scope(
            lambda: S.variable_scope("net", custom_getter=logging_getter(S, r, "g")),
            lambda s: (S.layers.dense(x, 2), S.layers.dense(x, 2, name="d2")),
        )

    expected = run_tf(tf1, prog).items
    assert run_js(prog).items == expected
    names = [item[2] for item in expected if item[0] == "getter"]
    assert names == ["net/dense/kernel", "net/dense/bias", "net/d2/kernel", "net/d2/bias"]


def test_not_callable_getter_message():
    def f():
        with js.variable_scope("s", custom_getter=5):
            js.get_variable("v", [1])

    with pytest.raises(
        js.CustomGetterError, match=r'(?s)not callable: 5 \(getting variable "s/v"\).*def getter'
    ):
        js.transform(f).init(jax.random.key(0))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_slim_model_variable_custom_getter_replaces_get_variable(tf1, slim):
    """tf_slim's own custom_getter= is called instead of get_variable, with the relative name,
    its keywords and the scope's reuse; the scope's TF1 getter still wraps get_variable."""

    def prog(S, r):
        L = js.slim if S is js else slim

        def slim_getter(name, **kwargs):
            reuse = kwargs.pop("reuse")
            r.items.append(("slim", name, sorted(kwargs), _reuse(S, reuse)))
            r.items.append(sorted(kwargs.pop("collections")))
            return S.get_variable(name, **kwargs)

        def body(s):
            r(lambda: L.model_variable("v", [1], custom_getter=slim_getter))
            r(lambda: S.get_collection("model_variables"))

        r.scope(lambda: S.variable_scope("s", custom_getter=logging_getter(S, r, "tf1")), body)
        r.scope(
            lambda: S.variable_scope("s", reuse=S.AUTO_REUSE),
            lambda s: r(lambda: L.model_variable("v", [1], custom_getter=slim_getter)),
        )

    expected = run_tf(tf1, prog).items
    assert run_js(prog).items == expected
    assert ("slim", "v") in [item[:2] for item in expected if isinstance(item, tuple)]


# -- the standard uses ---------------------------------------------------------------------------


def float32_storage(getter, name, *args, dtype=None, **kwargs):
    """Mixed precision: the variable is stored in float32, the model computes in ``dtype``."""
    var = getter(name, *args, dtype=jnp.float32, **kwargs)
    return var.astype(dtype) if dtype != jnp.float32 else var


def mlp(x):
    with js.variable_scope("mlp", custom_getter=float32_storage, dtype=jnp.bfloat16):
        h = jax.nn.relu(x @ js.get_variable("w1", [3, 4]))
        return h @ js.get_variable("w2", [4, 2])


def test_mixed_precision_stores_float32_and_computes_in_bfloat16():
    f = js.transform(mlp)
    x = jnp.ones([2, 3], jnp.bfloat16)
    variables = f.init(jax.random.key(0), x)
    assert jax.tree.map(lambda v: (v.shape, v.dtype), variables) == {
        "params": {"mlp": {"w1": ((3, 4), jnp.float32), "w2": ((4, 2), jnp.float32)}}
    }
    jitted = jax.jit(f.init)(jax.random.key(0), x)
    assert jax.tree.all(jax.tree.map(lambda a, b: bool((a == b).all()), jitted, variables))
    out = jax.jit(f.apply)(variables, x)
    assert out.dtype == jnp.bfloat16
    w1, w2 = (variables["params"]["mlp"][k].astype(jnp.bfloat16) for k in ("w1", "w2"))
    np.testing.assert_array_equal(out, jax.nn.relu(x @ w1) @ w2)
    grads = jax.jit(jax.grad(lambda v: f.apply(v, x).astype(jnp.float32).sum()))(variables)
    assert grads["params"]["mlp"]["w1"].dtype == jnp.float32
    assert float(jnp.abs(grads["params"]["mlp"]["w2"]).sum()) > 0


def weight_norm(getter, name, *args, **kwargs):
    """Weight normalization: kernel = g * v / ||v||, with a new variable ``<name>_g``."""
    v = getter(name, *args, **kwargs)
    if not name.endswith("kernel"):
        return v
    g = getter(
        name + "_g", *args, **dict(kwargs, shape=[v.shape[-1]], initializer=js.ones_initializer())
    )
    return g * v / jnp.linalg.norm(v.value, axis=0)


@pytest.mark.filterwarnings(_LEGACY_LAYERS)
def test_weight_normalization_names_and_values_match_tf1(tf1):
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3).astype(np.float32)
    values = {
        "wn/dense/kernel": rng.randn(3, 2).astype(np.float32),
        "wn/dense/kernel_g": rng.rand(2).astype(np.float32) + 0.5,
        "wn/dense/bias": rng.randn(2).astype(np.float32),
    }

    def tf_weight_norm(getter, name, *args, **kwargs):
        v = getter(name, *args, **kwargs)
        if not name.endswith("kernel"):
            return v
        kw = dict(kwargs, shape=[v.shape[-1]], initializer=tf1.ones_initializer())
        return getter(name + "_g", *args, **kw) * v / tf1.norm(v, axis=0)

    with tf1.Graph().as_default():
        with tf1.variable_scope("wn", custom_getter=tf_weight_norm):
            y = tf1.layers.dense(tf1.constant(x), 2)
        tf_vars = {v.op.name: v for v in tf1.global_variables()}
        with tf1.Session() as sess:
            sess.run([tf_vars[k].assign(v) for k, v in values.items()])
            expected = sess.run(y)

    def model(x):
        with js.variable_scope("wn", custom_getter=weight_norm):
            return js.layers.dense(x, 2)

    f = js.transform(model)
    variables = f.init(jax.random.key(0), x)
    assert sorted(js.checkpoint.flatten(variables)) == sorted(tf_vars)
    variables = js.checkpoint.unflatten(values, True)
    np.testing.assert_allclose(jax.jit(f.apply)(variables, x), expected, rtol=1e-5, atol=1e-6)
    grads = jax.grad(lambda v: f.apply(v, x).sum())(variables)["params"]["wn"]["dense"]
    assert all(float(jnp.abs(grads[k]).sum()) > 0 for k in ("kernel", "kernel_g", "bias"))


def test_moving_averages_read_through_a_getter_match_tf1(tf1):
    """TF1's evaluation idiom: rebuild the model under a getter that returns ema.average(var)."""
    rng = np.random.RandomState(1)
    x = rng.randn(2, 3).astype(np.float32)
    steps = [rng.randn(3, 2).astype(np.float32) for _ in range(3)]

    def tf_model(x):
        return tf1.matmul(x, tf1.get_variable("w", [3, 2]))

    with tf1.Graph().as_default():
        ema = tf1.train.ExponentialMovingAverage(0.5)
        with tf1.variable_scope("model"):
            tf_model(tf1.constant(x))
        w = tf1.global_variables()[0]
        update = ema.apply([w])

        def ema_getter(getter, name, *args, **kwargs):
            return ema.average(getter(name, *args, **kwargs))

        with tf1.variable_scope("model", reuse=True, custom_getter=ema_getter):
            y = tf_model(tf1.constant(x))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            # TF1 starts a shadow at the variable's initial value; jaxscope's at its value at
            # the first ema.apply: start both at steps[0].
            sess.run(ema.average(w).assign(steps[0]))
            for value in steps:
                sess.run(w.assign(value))
                sess.run(update)
            expected = sess.run(y)

    js_ema = js.train.ExponentialMovingAverage(0.5)

    def model(x, averages=None):
        def average(getter, name, *args, **kwargs):
            return js_ema.average(averages, getter(name, *args, **kwargs).name)

        with js.variable_scope("model", custom_getter=average if averages else None):
            return x @ js.get_variable("w", [3, 2])

    f = js.transform(model)
    variables = f.init(jax.random.key(0), x)
    averages = None
    for value in steps:
        variables = {"params": {"model": {"w": jnp.asarray(value)}}}
        averages = js_ema.apply(variables, averages)
    assert sorted(averages) == ["model/w/ExponentialMovingAverage"]
    out = jax.jit(f.apply)(variables, x, averages)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    # The averages are an input like any other: differentiable, and the weights get no gradient.
    grad_avg, grad_w = jax.grad(lambda a, v: f.apply(v, x, a).sum(), argnums=(0, 1))(
        averages, variables
    )
    assert float(jnp.abs(grad_avg["model/w/ExponentialMovingAverage"]).sum()) > 0
    assert float(jnp.abs(grad_w["params"]["model"]["w"]).sum()) == 0


def test_renaming_getter_in_init_and_apply():
    def suffix(getter, name, *args, **kwargs):
        return getter(name + "_renamed", *args, **kwargs)

    def model(x):
        with js.variable_scope("a", custom_getter=suffix):
            w = js.get_variable("w", [3, 1])
        return x @ w, w.name

    f = js.transform(model)
    x = jnp.ones([1, 3])
    variables = f.init(jax.random.key(0), x)
    assert list(variables["params"]["a"]) == ["w_renamed"]
    out, name = f.apply(variables, x)
    assert name == "a/w_renamed:0"
    np.testing.assert_allclose(out, x @ variables["params"]["a"]["w_renamed"])


def test_getter_keywords_partial_and_callable_object():
    """``constraint`` reaches getters that name it or take **kwargs, also partials and objects."""
    seen = []

    def named(getter, name, *args, constraint=None, tag=None, **kwargs):
        seen.append((tag, "constraint" in kwargs or constraint is not None))
        return getter(name, *args, constraint=constraint, **kwargs)

    class Obj:
        def __call__(self, getter, name, shape, constraint, **kwargs):
            seen.append(("obj", constraint is not None))
            return getter(name, shape, constraint=constraint, **kwargs)

    clip = functools.partial(jnp.clip, min=-1.0, max=1.0)

    def f():
        with js.variable_scope("s", custom_getter=functools.partial(named, tag="partial")):
            js.get_variable("v", [1], constraint=clip)
        with js.variable_scope("t", custom_getter=Obj()):
            js.get_variable("v", [1], constraint=clip)

    js.transform(f).init(jax.random.key(0))
    assert seen == [("partial", True), ("obj", True)]


@pytest.mark.parametrize(
    "layer",
    [
        lambda x: js.layers.dense(x, 2),
        lambda x: js.layers.conv1d(x[:, :, None], 2, 2),
        lambda x: js.slim.fully_connected(x, 2),
        lambda x: js.nn.rnn_cell.BasicLSTMCell(2)(
            x, js.nn.rnn_cell.BasicLSTMCell(2).zero_state(2, jnp.float32)
        )[0],
        lambda x: js.nn.rnn_cell.GRUCell(2)(x, jnp.zeros([2, 2]))[0],
        lambda x: js.nn.rnn_cell.LSTMCell(2, use_peepholes=True, num_proj=1)(
            x, js.nn.rnn_cell.LSTMCell(2, num_proj=1).zero_state(2, jnp.float32)
        )[0],
    ],
    ids=["dense", "conv1d", "slim_fully_connected", "BasicLSTMCell", "GRUCell", "LSTMCell"],
)
def test_layers_and_cells_compute_with_what_the_getter_returns(layer):
    """A getter may return an array, not a variable: layers and cells use it as TF1's do."""

    def doubled(getter, name, *args, **kwargs):
        return 2.0 * getter(name, *args, **kwargs).value

    def model(x, getter):
        with js.variable_scope("m", custom_getter=getter):
            return layer(x)

    x = jnp.linspace(-1.0, 1.0, 6).reshape(2, 3)
    with_getter = js.transform(lambda x: model(x, doubled))
    plain = js.transform(lambda x: model(x, None))
    variables = plain.init(jax.random.key(0), x)
    assert jax.tree.structure(with_getter.init(jax.random.key(0), x)) == jax.tree.structure(
        variables
    )
    twice = jax.tree.map(lambda v: 2.0 * v, variables)
    np.testing.assert_allclose(
        with_getter.apply(variables, x), plain.apply(twice, x), rtol=1e-6, atol=1e-6
    )


# -- every layer under a mixed-precision getter, against TF1 -------------------------------------


def cast_getter(cast, storage):
    """TF1's mixed-precision getter: the variable is stored as ``storage`` and the layer gets
    ``cast(variable, dtype)``: always an array (a Tensor in TF1), never the variable."""

    def getter(getter, name, *args, dtype=None, **kwargs):
        return cast(getter(name, *args, dtype=storage, **kwargs), dtype)

    return getter


def _bf16(S):
    return S.bfloat16 if S is not js else jnp.bfloat16


def _zeros(S, shape):
    return jnp.zeros(shape, jnp.bfloat16) if S is js else S.zeros(shape, S.bfloat16)


def _cell_out(S, cell, x):
    return cell(x, cell.zero_state(x.shape[0], _bf16(S)))[0]


def _embed_sequence(S, L, ids):
    """tf.contrib.layers.embed_sequence (not in tf_slim) is a model variable and a lookup."""
    if S is js:
        return L.embed_sequence(ids, 3, 2)
    with S.variable_scope(None, "EmbedSequence", [ids]):
        return S.nn.embedding_lookup(L.model_variable("embeddings", [3, 2]), ids)


IDS = np.array([[0, 1], [2, 0]], np.int32)
# name: (program(S, L, x), input shape; None: the integer ids IDS)
GETTER_LAYERS = {
    "dense": (lambda S, L, x: S.layers.dense(x, 2), (2, 3)),
    "conv1d": (lambda S, L, x: S.layers.conv1d(x, 2, 2), (2, 4, 3)),
    "conv2d": (lambda S, L, x: S.layers.conv2d(x, 2, 2), (2, 4, 4, 3)),
    "conv3d": (lambda S, L, x: S.layers.conv3d(x, 2, 2), (1, 3, 3, 3, 2)),
    "conv2d_transpose": (lambda S, L, x: S.layers.conv2d_transpose(x, 2, 2, 2), (2, 3, 3, 2)),
    "conv3d_transpose": (lambda S, L, x: S.layers.conv3d_transpose(x, 2, 2), (1, 2, 2, 2, 2)),
    "separable_conv1d": (lambda S, L, x: S.layers.separable_conv1d(x, 2, 2), (2, 4, 3)),
    "separable_conv2d": (lambda S, L, x: S.layers.separable_conv2d(x, 2, 2, 2), (2, 4, 4, 3)),
    "batch_normalization": (lambda S, L, x: S.layers.batch_normalization(x), (2, 3, 3, 3)),
    "batch_normalization_renorm": (
        lambda S, L, x: S.layers.batch_normalization(x, axis=1, renorm=True),
        (2, 3, 4),
    ),
    "slim.fully_connected": (lambda S, L, x: L.fully_connected(x, 2), (2, 3)),
    "slim.conv2d": (lambda S, L, x: L.conv2d(x, 2, 2), (2, 4, 4, 3)),
    "slim.convolution_1d": (lambda S, L, x: L.convolution(x, 2, 2, rate=2), (2, 5, 3)),
    "slim.conv2d_transpose": (lambda S, L, x: L.conv2d_transpose(x, 2, 2, 2), (2, 3, 3, 2)),
    "slim.separable_conv2d": (lambda S, L, x: L.separable_conv2d(x, 2, 2, 2), (2, 4, 4, 3)),
    "slim.separable_conv2d_depthwise": (
        lambda S, L, x: L.separable_conv2d(x, None, 2, 2),
        (2, 4, 4, 3),
    ),
    "slim.batch_norm": (
        lambda S, L, x: L.batch_norm(x, scale=True, is_training=False),
        (2, 3, 3, 3),
    ),
    "slim.batch_norm_fused": (
        lambda S, L, x: L.batch_norm(x, scale=True, is_training=False, updates_collections=None),
        (2, 3, 3, 3),
    ),
    "slim.batch_norm_rank2": (lambda S, L, x: L.batch_norm(x, is_training=False), (4, 3)),
    "slim.batch_norm_renorm": (
        lambda S, L, x: L.batch_norm(x, scale=True, is_training=False, renorm=True),
        (2, 3, 3, 3),
    ),
    "slim.layer_norm": (lambda S, L, x: L.layer_norm(x), (2, 3, 4)),
    "slim.embed_sequence": (lambda S, L, ids: _embed_sequence(S, L, ids), None),
    "nn.embedding_lookup": (
        lambda S, L, ids: S.nn.embedding_lookup(S.get_variable("emb", [3, 2], _bf16(S)), ids),
        None,
    ),
    "BasicLSTMCell": (lambda S, L, x: _cell_out(S, S.nn.rnn_cell.BasicLSTMCell(2), x), (2, 3)),
    "GRUCell": (lambda S, L, x: S.nn.rnn_cell.GRUCell(2)(x, _zeros(S, [2, 2]))[0], (2, 3)),
    "LSTMCell": (
        lambda S, L, x: _cell_out(S, S.nn.rnn_cell.LSTMCell(2, use_peepholes=True, num_proj=1), x),
        (2, 3),
    ),
}


def _tf_under_getter(tf1, slim, prog, x, getter):
    """TF1 graph mode: ``prog`` under ``getter`` in scope "m", every variable set to a random
    value; returns (output, {name: initial value}, trainable names, {name: value after the
    output and one run of the UPDATE_OPS})."""
    with tf1.Graph().as_default():
        with tf1.variable_scope("m", custom_getter=getter):
            x_in = tf1.constant(x) if x.dtype == np.int32 else tf1.cast(x, tf1.bfloat16)
            y = prog(tf1, slim, x_in)
        rng = np.random.RandomState(2)
        values = {
            v.op.name: (rng.rand(*v.shape.as_list()) + 0.5).astype(
                v.dtype.base_dtype.as_numpy_dtype
            )
            for v in tf1.global_variables()
        }
        trainable = {v.op.name for v in tf1.trainable_variables()}
        with tf1.Session() as sess:
            for v in tf1.global_variables():
                v.load(values[v.op.name], sess)
            out = sess.run(y)
            sess.run(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS))
            final = {v.op.name: sess.run(v) for v in tf1.global_variables()}
    return out, values, trainable, final


@pytest.mark.filterwarnings(_LEGACY_LAYERS, "ignore::DeprecationWarning")
@pytest.mark.parametrize("name", list(GETTER_LAYERS))
def test_every_layer_under_a_bfloat16_getter_matches_tf1(tf1, slim, name):
    """A getter returning ``cast(var, bfloat16)`` (an array, not the variable): every layer and
    cell computes with it, from float32 variables, as TF1's same layer under the same getter."""
    prog, shape = GETTER_LAYERS[name]
    x = IDS if shape is None else np.random.RandomState(1).randn(*shape).astype(np.float32)
    expected, values, trainable, _ = _tf_under_getter(
        tf1, slim, prog, x, cast_getter(tf1.cast, tf1.float32)
    )

    def model(x):
        with js.variable_scope("m", custom_getter=cast_getter(jnp.astype, jnp.float32)):
            return prog(js, js.slim, x)

    f = js.transform(model)
    x_in = jnp.asarray(x) if shape is None else jnp.asarray(x, jnp.bfloat16)
    created = f.init(jax.random.key(0), x_in)
    assert {k: v.dtype for k, v in js.checkpoint.flatten(created).items()} == {
        k: v.dtype for k, v in values.items()
    }
    variables = js.checkpoint.unflatten(values, trainable)
    assert jax.tree.structure(variables) == jax.tree.structure(created)
    out = jax.jit(f.apply)(variables, x_in)
    assert out.dtype == expected.dtype
    # both compute in the getter's dtype: a few bfloat16 roundings apart (eps 2**-8)
    scale = float(np.abs(expected.astype(np.float32)).max())
    np.testing.assert_allclose(
        np.asarray(out, np.float32), expected.astype(np.float32), rtol=0, atol=0.03 * scale
    )


TRAINING_BATCH_NORMS = {
    "batch_normalization": (lambda S, L, x: S.layers.batch_normalization(x, training=True), 4),
    "batch_normalization_renorm": (
        lambda S, L, x: S.layers.batch_normalization(x, training=True, renorm=True),
        4,
    ),
    "slim.batch_norm": (lambda S, L, x: L.batch_norm(x, scale=True), 4),
    "slim.batch_norm_rank2": (lambda S, L, x: L.batch_norm(x, scale=True), 2),
    "slim.batch_norm_in_place": (lambda S, L, x: L.batch_norm(x, updates_collections=None), 4),
    # frozen: TF1 builds the assigns, then drops them (so it fails under a casting getter too)
    "batch_normalization_frozen": (
        lambda S, L, x: S.layers.batch_normalization(x, training=True, trainable=False),
        4,
    ),
    "slim.batch_norm_frozen": (lambda S, L, x: L.batch_norm(x, trainable=False), 4),
}


def _bn_model(prog, getter):
    def model(x):
        with js.variable_scope("m", custom_getter=getter):
            return prog(js, js.slim, x)

    return js.transform(model)


def _bn_input(rank):
    return np.random.RandomState(3).randn(*[4, 3, 3, 3][:rank]).astype(np.float32)


@pytest.mark.filterwarnings(_LEGACY_LAYERS, "ignore::DeprecationWarning")
@pytest.mark.parametrize("name", list(TRAINING_BATCH_NORMS))
def test_training_batch_norm_cannot_assign_through_the_getters_array(tf1, slim, name):
    """In training a batch norm assigns to its moving averages: TF1 fails when the getter
    returned a cast (no ``assign_sub`` on a Tensor); jaxscope says which variable, and the fix."""
    prog, rank = TRAINING_BATCH_NORMS[name]
    x = _bn_input(rank)
    with pytest.raises(AttributeError, match="has no attribute 'assign_sub'"):
        _tf_under_getter(tf1, slim, prog, x, cast_getter(tf1.cast, tf1.float32))
    f = _bn_model(prog, cast_getter(jnp.astype, jnp.float32))
    layer = "m/BatchNorm" if name.startswith("slim") else "m/batch_normalization"
    with pytest.raises(
        js.AssignThroughGetterError,
        match=rf'Layer "{layer}" must update "{layer}/moving_mean" in training, but the custom '
        r"getter returned an array \(float32\[3\]\) instead of the variable(.|\n)*"
        r'return var.astype\(jnp.bfloat16\) if kwargs\["trainable"\] else var',
    ):
        f.init(jax.random.key(0), jnp.asarray(x, jnp.bfloat16))


def trainable_cast_getter(cast, storage):
    """The fix the error gives: cast the trained variables, return the others themselves."""

    def getter(getter, name, *args, dtype=None, **kwargs):
        var = getter(name, *args, dtype=storage, **kwargs)
        return cast(var, dtype) if kwargs["trainable"] else var

    return getter


@pytest.mark.filterwarnings(_LEGACY_LAYERS, "ignore::DeprecationWarning")
@pytest.mark.parametrize("name", list(TRAINING_BATCH_NORMS))
def test_training_batch_norm_under_a_getter_that_returns_its_averages_matches_tf1(tf1, slim, name):
    prog, rank = TRAINING_BATCH_NORMS[name]
    x = _bn_input(rank)
    getter = trainable_cast_getter(tf1.cast, tf1.float32)
    expected, values, trainable, final = _tf_under_getter(tf1, slim, prog, x, getter)
    f = _bn_model(prog, trainable_cast_getter(jnp.astype, jnp.float32))
    x_in = jnp.asarray(x, jnp.bfloat16)
    created = f.init(jax.random.key(0), x_in)
    assert sorted(js.checkpoint.flatten(created)) == sorted(values)
    assert set(js.checkpoint.flatten({"params": created["params"]})) == trainable
    variables = js.checkpoint.unflatten(values, trainable)
    out, updated = jax.jit(lambda v, x: f.apply(v, x, mutable=["state"]))(variables, x_in)
    assert out.dtype == expected.dtype == jnp.bfloat16
    scale = float(np.abs(expected.astype(np.float32)).max())
    np.testing.assert_allclose(
        np.asarray(out, np.float32), expected.astype(np.float32), rtol=0, atol=0.03 * scale
    )
    got = js.checkpoint.flatten(updated)
    assert sorted(got) == sorted(final)
    moved = [k for k in final if not np.allclose(final[k], values[k])]
    assert any(k.endswith("moving_mean") for k in moved) == ("frozen" not in name)
    for k in final:
        np.testing.assert_allclose(got[k], final[k], rtol=1e-2, atol=1e-2, err_msg=k)


@pytest.mark.filterwarnings(_LEGACY_LAYERS)
def test_layer_weights_hold_what_the_getter_returned_as_tf1(tf1):
    """TF1's layers list the getter's casts as non-trainable weights (they are not in
    TRAINABLE_VARIABLES); a layer whose getter returned the variables lists them as usual."""

    def build(S, x, getter):
        with S.variable_scope("m", custom_getter=getter):
            dense, norm = S.layers.Dense(2), S.layers.BatchNormalization()
            norm(dense(x))
        return [
            [(len(layer.trainable_weights), len(layer.non_trainable_weights))]
            + [str(w.dtype.name if S is js else w.dtype.base_dtype.name) for w in layer.weights]
            for layer in (dense, norm)
        ]

    x = np.ones([2, 3], np.float32)
    for cast in (True, False):
        with tf1.Graph().as_default():
            tf_getter = cast_getter(tf1.cast, tf1.float32) if cast else None
            expected = build(tf1, tf1.cast(x, tf1.bfloat16), tf_getter)
        getter = cast_getter(jnp.astype, jnp.float32) if cast else None
        got = []
        js.transform(lambda x: got.extend(build(js, x, getter))).init(
            jax.random.key(0), jnp.asarray(x, jnp.bfloat16)
        )
        assert got == expected
