"""Runs one program text against tf.compat.v1 and against jaxscope, and records what happened.

A program is ``prog(S, r)``: ``S`` is the module (``tf.compat.v1`` or ``jaxscope``) and ``r`` a
:class:`Recorder`; ``r(lambda: ...)`` evaluates one statement and records its result or the
builtin class of the error it raised. Variables are recorded as (name, shape, first index at which
the same object was returned), so the records also say which calls share a variable.
"""

import jax

import jaxscope as js

BUILTINS = (NotImplementedError, TypeError, ValueError, RuntimeError, LookupError)


class Recorder:
    def __init__(self, S):
        self.S = S
        self.items = []
        self._objs = []
        self.errors = []  # the exception objects, for message checks

    def __call__(self, fn):
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001 - we record which builtin class it is
            self.errors.append(e)
            cls = next((c.__name__ for c in BUILTINS if isinstance(e, c)), type(e).__name__)
            self.items.append(("raises", cls))
            return None
        self.items.append(self.norm(out))
        return out

    def norm(self, x):
        S = self.S
        if isinstance(x, (list, tuple)):
            return tuple(self.norm(i) for i in x)
        if isinstance(x, S.VariableScope):
            reuse = "AUTO" if x.reuse is S.AUTO_REUSE else bool(x.reuse)
            return ("scope", x.name, x.original_name_scope, reuse)
        if isinstance(x, S.Variable) or type(x).__name__.endswith("Variable"):
            share = next((i for i, o in enumerate(self._objs) if o is x), len(self._objs))
            self._objs.append(x)
            shape = tuple(x.shape.as_list()) if hasattr(x.shape, "as_list") else tuple(x.shape)
            return ("var", x.name, shape, share)
        return x

    def scope(self, cm_factory, body):
        """``with cm_factory() as s: body(s)``, recording the scope or the error on entry."""
        try:
            cm = cm_factory()
            entered = cm.__enter__()
        except Exception as e:  # noqa: BLE001
            self.errors.append(e)
            cls = next((c.__name__ for c in BUILTINS if isinstance(e, c)), type(e).__name__)
            self.items.append(("raises", cls))
            return
        self.items.append(("enter", self.norm(entered)))
        try:
            body(entered)
        finally:
            cm.__exit__(None, None, None)


def run_tf(tf, prog):
    rec = Recorder(tf)
    with tf.Graph().as_default():
        prog(tf, rec)
    return rec


def run_js(prog, mode="init"):
    """Runs ``prog`` in jaxscope's init (abstractly) or, with mode='apply', init then apply (on
    zeros); mode='apply_abstract' runs that apply under ``jax.eval_shape`` too (its records, not
    its values, are compared: no eager op to compile)."""
    rec = Recorder(js)

    def fn():
        rec.items.clear()
        rec._objs.clear()
        rec.errors.clear()
        prog(js, rec)

    f = js.transform(fn)
    shapes = jax.eval_shape(f.init, jax.random.key(0))
    if mode == "apply":
        variables = jax.tree.map(lambda s: jax.numpy.zeros(s.shape, s.dtype), shapes)
        f.apply(variables)
    elif mode == "apply_abstract":
        jax.eval_shape(f.apply, shapes)
    elif mode != "init":
        raise ValueError(mode)
    return rec
