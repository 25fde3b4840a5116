"""``python -m jaxscope.verify BUILD --input SPEC ... [--port FILE:FN] [--training] [--steps N]
[--json PATH]``.

Exit status: 0 PASS, 1 FAIL, 2 when the model cannot be compared (the message says why).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from jaxscope._src.errors import JaxscopeError
from jaxscope._src.verify.run import verify


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jaxscope.verify",
        description="Build a TF1 model file under TF1 and under jaxscope, and show where they "
        "differ: variables, initializers, outputs, end points, gradients, moving averages.",
    )
    p.add_argument("build", help="file.py:function or module:function, written against TF1")
    p.add_argument("--input", "-i", action="append", default=[], metavar="SPEC",
                   help="an input: 2x28x28x3[:float32] (random from --seed), name=SPEC to pass "
                   "it by name, or a .npz of named inputs; repeat for each argument")  # fmt: skip
    p.add_argument("--port", help="file.py:function of a hand port written against jaxscope")
    p.add_argument("--training", action="store_true", help="is_training=True, and UPDATE_OPS")
    p.add_argument("--no-grad", dest="grad", action="store_false", help="skip the gradients")
    p.add_argument("--rtol", type=float, default=1e-5)
    p.add_argument("--atol", type=float, default=1e-6)
    p.add_argument("--kwargs", type=json.loads, default={}, help='JSON, e.g. {"num_classes": 7}')
    p.add_argument("--arg-scope", help="a function of the module returning an arg_scope")
    p.add_argument("--replace", type=json.loads, default={},
                   help="load_tf1_module's edits of the jaxscope side, JSON {old: new}")  # fmt: skip
    p.add_argument("--steps", type=int, default=0,
                   help="train N steps on both sides and compare the loss and the variables")  # fmt: skip
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "momentum", "adam", "rmsprop"])
    p.add_argument("--lr", type=float, default=0.01, help="the optimizer's learning rate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress bar on stderr (default: when stderr is a terminal)")  # fmt: skip
    p.add_argument("--json", metavar="PATH", help="write the report as JSON")
    return p


def _inputs(specs: list[str]):
    if len(specs) == 1 and specs[0].endswith(".npz"):
        return specs[0]
    named = [s.partition("=") for s in specs]
    if named and all(sep for _, sep, _ in named):
        return {k: v for k, _, v in named}
    return specs


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF's C++ start-up lines
    try:
        report = verify(args.build, _inputs(args.input), port=args.port, training=args.training,
                        grad=args.grad, rtol=args.rtol, atol=args.atol, kwargs=args.kwargs,
                        arg_scope=args.arg_scope, replace=args.replace, seed=args.seed,
                        steps=args.steps, optimizer=args.optimizer, lr=args.lr,
                        progress=args.progress)  # fmt: skip
    except JaxscopeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(report)
    if args.json:
        report.dump(args.json)
    return 0 if report.passed else 1
