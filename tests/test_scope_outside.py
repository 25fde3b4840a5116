"""A ``variable_scope`` / ``name_scope`` opened outside every transformed function: TF1 code does
it in constructors (DCGAN's ``batch_norm.__init__`` remembers its scope) in the default graph,
where it creates nothing. jaxscope opens it in a detached frame: the scope object is usable
later, inside a transformed function, and ``get_variable`` inside it is refused."""

import numpy as np
import pytest

import jaxscope as js
import jaxscope.compat.v1 as jtf


class BatchNorm:
    """DCGAN's ``ops.batch_norm`` (as published), written against either namespace."""

    def __init__(self, S, L, name="batch_norm"):
        with S.variable_scope(name) as scope:
            self.epsilon, self.momentum, self.name = 1e-5, 0.9, name
            self.scope = scope
        self.S, self.L = S, L

    def __call__(self, x, train=True):
        return self.L.batch_norm(x, decay=self.momentum, updates_collections=None,
                                 epsilon=self.epsilon, scale=True, is_training=train,
                                 scope=self.name)  # fmt: skip


def program(S, L, x):
    bn1, bn2 = BatchNorm(S, L, "d_bn1"), BatchNorm(S, L, "d_bn2")
    return bn1, bn2, lambda: bn2(bn1(x))


def _again(S, bn, x):
    with S.variable_scope(bn.scope, reuse=True):  # re-entered inside the program, by object
        return S.get_variable("gamma", [x.shape[-1]])


@pytest.fixture(scope="module")
def oracle(tf1, slim):
    x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    with tf1.Graph().as_default():
        bn1, bn2, build = program(tf1, slim, tf1.constant(x))  # in the graph, before the model
        out = build()
        again = _again(tf1, bn1, x)
        names = [v.op.name for v in tf1.global_variables()]
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            values, want = sess.run([tf1.global_variables(), out])
    return x, names, values, want, again.op.name, bn1.scope.name


def test_scope_opened_in_a_constructor_names_the_variables_as_tf1(oracle):
    x, names, values, want, again, scope_name = oracle
    bn1, bn2, build = program(jtf, js.slim, x)  # outside any transform: creates nothing
    assert bn1.scope.name == scope_name == "d_bn1"

    def model(x):
        out = build()
        return out, _again(jtf, bn1, x).name

    f = js.transform(model)
    assert [v.name for v in js.inspect(f, x)] == names
    variables = js.checkpoint.unflatten(
        dict(zip(names, values, strict=True)), trainable={n for n in names if "moving" not in n}
    )
    (got, again_name), _ = f.apply(variables, x, mutable=True)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert again_name == again + ":0"


def test_variables_inside_a_scope_opened_outside_are_refused():
    with js.variable_scope("outside") as scope:
        assert js.get_variable_scope() is scope
        with pytest.raises(js.OutsideTransformError, match="get_variable"):
            js.get_variable("w", [1])
        with pytest.raises(js.OutsideTransformError, match="Variable"):
            js.Variable(1.0)
        with js.name_scope("inner") as ns:
            assert ns == "outside/inner/"
    with pytest.raises(js.OutsideTransformError):  # and nothing stays open after it
        js.get_variable_scope()
