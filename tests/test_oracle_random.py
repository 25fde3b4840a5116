"""Random programs (nested variable scopes re-entered by name and by object, name scopes, every
reuse mode, reuse_variables(), get_variable and Variable with colliding names, shapes and dtypes),
each run against tf.compat.v1 and jaxscope: every record must match."""

import random

import pytest
from oracle import run_js, run_tf

N_PROGRAMS = 1000
SCOPES = ["a", "b"]  # scope names and variable names are disjoint: TF1 can have a variable
VARS = ["v", "w"]  # "a" and a variable "a/v"; jaxscope's tree refuses that (documented)
REUSE = [None, False, True, "AUTO"]


def generate(rnd: random.Random, depth: int = 0) -> list:
    body = []
    for _ in range(rnd.randint(1, 5 if depth == 0 else 3)):
        kind = rnd.choices(
            ["gv", "var", "vs", "vs_obj", "vs_default", "ns", "reuse_vars"],
            weights=[
                6,
                2,
                4 if depth < 3 else 0,
                2 if depth < 3 else 0,
                1 if depth < 3 else 0,
                2 if depth < 3 else 0,
                1,
            ],
        )[0]
        if kind == "gv":
            shape = rnd.choice([[1], [2], None, [2]])
            dtype = rnd.choice([None, None, None, "int32"])
            body.append(("gv", rnd.choice(VARS), shape, dtype))
        elif kind == "var":
            body.append(("var", rnd.choice(VARS + [None])))
        elif kind == "vs":
            body.append(("vs", rnd.choice(SCOPES), rnd.choice(REUSE), generate(rnd, depth + 1)))
        elif kind == "vs_obj":
            body.append(("vs_obj", rnd.randint(0, 3), rnd.choice(REUSE), generate(rnd, depth + 1)))
        elif kind == "vs_default":
            body.append(("vs_default", rnd.choice(SCOPES), generate(rnd, depth + 1)))
        elif kind == "ns":
            body.append(("ns", rnd.choice(SCOPES + [None]), generate(rnd, depth + 1)))
        else:
            body.append(("reuse_vars",))
    return body


def interpret(ast):
    def prog(S, r):
        saved = []

        def reuse_arg(x):
            return S.AUTO_REUSE if x == "AUTO" else x

        def run(stmts):
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
                        lambda s, body=body: (saved.append(s), run(body)),
                    )
                elif kind == "vs_obj":
                    _, slot, reuse, body = st
                    if slot < len(saved):
                        r.scope(
                            lambda: S.variable_scope(saved[slot], reuse=reuse_arg(reuse)),
                            lambda s, body=body: run(body),
                        )
                elif kind == "vs_default":
                    r.scope(
                        lambda: S.variable_scope(None, default_name=st[1]),
                        lambda s, body=st[2]: run(body),
                    )
                elif kind == "ns":
                    r.scope(lambda: S.name_scope(st[1]), lambda s, body=st[2]: run(body))
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
        got = run_js(prog, "apply" if seed % 10 == 0 else "init")
        if got.items != expected:
            mismatches.append((seed, ast, got.items, expected))
    assert not mismatches, mismatches[0]
