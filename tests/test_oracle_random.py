"""Random programs (nested variable scopes re-entered by name and by object, name scopes, every
reuse mode, reuse_variables(), get_variable and Variable with colliding names, shapes and dtypes;
then the same with custom getters and templates), each run against tf.compat.v1 and jaxscope:
every record must match."""

import random

import pytest
from oracle import run_js, run_tf

N_PROGRAMS = 1000
N_GETTER_PROGRAMS = 300
SCOPES = ["a", "b"]  # scope names and variable names are disjoint: TF1 can have a variable
VARS = ["v", "w"]  # "a" and a variable "a/v"; jaxscope's tree refuses that (documented)
REUSE = [None, False, True, "AUTO"]


def generate(rnd: random.Random, depth: int = 0, getters: bool = False) -> list:
    """A random program; with ``getters``, also custom getters (on scopes, re-entered scope
    objects and single calls; logging, some renaming) and templates (made anywhere, with
    create_scope_now_, unique_name_ or custom_getter_, called anywhere, nested)."""
    body = []
    nested = depth < 3
    kinds = ["gv", "var", "vs", "vs_obj", "vs_default", "ns", "reuse_vars"]
    weights = [6, 2, 4 * nested, 2 * nested, 1 * nested, 2 * nested, 1]
    if getters:
        kinds += ["vs_getter", "gv_getter", "tmpl", "tcall"]
        weights += [3 * nested, 1, 2 * nested, 3]
    for _ in range(rnd.randint(1, 5 if depth == 0 else 3)):
        kind = rnd.choices(kinds, weights=weights)[0]
        if kind == "gv":
            shape = rnd.choice([[1], [2], None, [2]])
            dtype = rnd.choice([None, None, None, "int32"])
            body.append(("gv", rnd.choice(VARS), shape, dtype))
        elif kind == "var":
            body.append(("var", rnd.choice(VARS + [None])))
        elif kind == "vs":
            name, reuse = rnd.choice(SCOPES), rnd.choice(REUSE)
            body.append(("vs", name, reuse, generate(rnd, depth + 1, getters)))
        elif kind == "vs_obj":
            slot, reuse = rnd.randint(0, 3), rnd.choice(REUSE)
            sub = generate(rnd, depth + 1, getters)
            getter = _getter(rnd) if getters and rnd.random() < 0.3 else None
            body.append(("vs_obj", slot, reuse, sub, getter))
        elif kind == "vs_default":
            body.append(("vs_default", rnd.choice(SCOPES), generate(rnd, depth + 1, getters)))
        elif kind == "ns":
            body.append(("ns", rnd.choice(SCOPES + [None]), generate(rnd, depth + 1, getters)))
        elif kind == "vs_getter":
            sub = generate(rnd, depth + 1, getters)
            body.append(("vs_getter", rnd.choice(SCOPES), rnd.choice(REUSE), _getter(rnd), sub))
        elif kind == "gv_getter":
            body.append(("gv_getter", rnd.choice(VARS), rnd.choice([[1], None]), _getter(rnd)))
        elif kind == "tmpl":
            now, unique = rnd.random() < 0.25, rnd.choice([None, None, None, "u"])
            getter = _getter(rnd) if rnd.random() < 0.3 else None
            sub = generate(rnd, depth + 1, getters)
            body.append(("tmpl", rnd.choice(SCOPES), now, unique, getter, sub))
        elif kind == "tcall":
            body.append(("tcall", rnd.randint(0, 2)))
        else:
            body.append(("reuse_vars",))
    return body


def _getter(rnd: random.Random) -> tuple[str, str]:
    """(tag, rename suffix): a getter that logs its calls, a third of them renaming."""
    return (f"g{rnd.randrange(1000)}", rnd.choice(["", "", "_r"]))


def interpret(ast):
    def prog(S, r):
        saved = []
        templates = []

        def reuse_arg(x):
            return S.AUTO_REUSE if x == "AUTO" else x

        def getter_fn(spec):
            if spec is None:
                return None
            tag, rename = spec

            def getter(getter, name, *args, **kwargs):
                reuse = kwargs["reuse"]
                r.items.append(("getter", tag, name, "AUTO" if reuse is S.AUTO_REUSE else reuse))
                return getter(name + rename, *args, **kwargs)

            return getter

        def make_template(st):
            _, name, now, unique, getter, body = st
            limit = len(templates)  # a template calls only older ones (no recursion)
            templates.append(
                S.make_template(
                    name,
                    lambda: run(body, limit),
                    create_scope_now_=now,
                    unique_name_=unique,
                    custom_getter_=getter_fn(getter),
                )  # fmt: skip
            )

        def run(stmts, limit=None):
            for st in stmts:
                kind = st[0]
                if kind == "gv":
                    _, name, shape, dtype = st
                    r(lambda: S.get_variable(name, shape, dtype=dtype))
                elif kind == "var":
                    r(lambda: S.Variable(1.0, name=st[1]))
                elif kind == "vs":
                    _, name, reuse, body = st
                    r.scope(
                        lambda: S.variable_scope(name, reuse=reuse_arg(reuse)),
                        lambda s, body=body: (saved.append(s), run(body, limit)),
                    )
                elif kind == "vs_obj":
                    _, slot, reuse, body, getter = st
                    if slot < len(saved):
                        r.scope(
                            lambda: S.variable_scope(
                                saved[slot], reuse=reuse_arg(reuse), custom_getter=getter_fn(getter)
                            ),
                            lambda s, body=body: run(body, limit),
                        )
                elif kind == "vs_default":
                    r.scope(
                        lambda: S.variable_scope(None, default_name=st[1]),
                        lambda s, body=st[2]: run(body, limit),
                    )
                elif kind == "ns":
                    r.scope(lambda: S.name_scope(st[1]), lambda s, body=st[2]: run(body, limit))
                elif kind == "vs_getter":
                    _, name, reuse, getter, body = st
                    r.scope(
                        lambda: S.variable_scope(
                            name, reuse=reuse_arg(reuse), custom_getter=getter_fn(getter)
                        ),
                        lambda s, body=body: (saved.append(s), run(body, limit)),
                    )
                elif kind == "gv_getter":
                    _, name, shape, getter = st
                    r(lambda: S.get_variable(name, shape, custom_getter=getter_fn(getter)))
                elif kind == "tmpl":
                    r(lambda: make_template(st))
                elif kind == "tcall":
                    slot = st[1]
                    if slot < min(len(templates), len(templates) if limit is None else limit):
                        r(templates[slot])
                else:
                    r(lambda: S.get_variable_scope().reuse_variables())

        run(ast)

    return prog


@pytest.mark.parametrize("chunk", range(10))
def test_random_programs_match_tf1(tf1, chunk):
    per = N_PROGRAMS // 10
    mismatches = []
    for seed in range(chunk * per, (chunk + 1) * per):
        ast = generate(random.Random(seed))
        prog = interpret(ast)
        expected = run_tf(tf1, prog).items
        got = run_js(prog, "apply_abstract" if seed % 10 == 0 else "init")
        if got.items != expected:
            mismatches.append((seed, ast, got.items, expected))
    assert not mismatches, mismatches[0]


@pytest.mark.parametrize("chunk", range(3))
def test_random_programs_with_getters_and_templates_match_tf1(tf1, chunk):
    per = N_GETTER_PROGRAMS // 3
    mismatches, getter_calls, template_calls = [], 0, 0
    for seed in range(chunk * per, (chunk + 1) * per):
        ast = generate(random.Random(10_000 + seed), getters=True)
        prog = interpret(ast)
        expected = run_tf(tf1, prog).items
        got = run_js(prog, "apply_abstract" if seed % 10 == 0 else "init")
        if got.items != expected:
            mismatches.append((seed, ast, got.items, expected))
        getter_calls += sum(isinstance(i, tuple) and i[:1] == ("getter",) for i in expected)
        template_calls += repr(ast).count("'tcall'")
    assert not mismatches, mismatches[0]
    assert getter_calls > per and template_calls > per / 2  # the programs do exercise both
