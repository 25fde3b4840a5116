"""The docstrings of ``jaxscope.compat.v1``'s own ops (those defined in ``jaxscope/_src/compat/``):
each has a one-line summary, ``Args:`` naming every parameter, an ``Example:`` whose ``>>>`` lines
run (one doctest test per module) and the ``TF1 equivalent:`` line docs/COMPAT.md is made from.

The callables are found by walking the namespace and its public submodules, so a new op (or a
new ``_src/compat`` module) is checked as soon as it is exported.
"""

import doctest
import inspect
import io
import re
import types

import pytest

import jaxscope.compat.v1 as root

PREFIX = "jaxscope._src.compat."
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public() -> dict[int, tuple[str, object]]:
    """Every public callable of the namespace and its submodules defined in ``_src/compat``."""
    found: dict[int, tuple[str, object]] = {}
    modules: set[int] = set()

    def visit(module: types.ModuleType, path: str) -> None:
        for name in module.__all__:
            obj = vars(module)[name]
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("jaxscope.") and id(obj) not in modules:
                    modules.add(id(obj))
                    visit(obj, f"{path}.{name}")
            elif callable(obj) and (getattr(obj, "__module__", None) or "").startswith(PREFIX):
                found.setdefault(id(obj), (f"{path}.{name}", obj))

    visit(root, "v1")
    return found


PUBLIC = _public()
MODULES = sorted({o.__module__.removeprefix(PREFIX) for _, o in PUBLIC.values()})


def _of(module: str) -> list[tuple[str, object]]:
    return sorted((p, o) for p, o in PUBLIC.values() if o.__module__ == PREFIX + module)


def _params(obj) -> list[str]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [n for n, p in sig.parameters.items() if p.kind not in skip and n != "self"]


def _problems(path: str, obj) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    out = []
    first = doc.split("\n", 1)[0]
    if not first or first.startswith(("TF1 equivalent", "Differs from TF1")):
        out.append("no one-line summary")
    args = re.search(r"^Args:\n((?:[ \t]+.*\n?|\n)*)", doc, re.M)
    named = set()
    if args:  # the entries are the block's least indented lines: "name: ..." or "name (type): ..."
        lines = [line for line in args.group(1).splitlines() if line.strip()]
        indent = min((len(line) - len(line.lstrip()) for line in lines), default=0)
        for line in lines:
            m = re.match(r"(\w+)(?: \(.*?\))?:", line[indent:])
            if m and not line[:indent].strip() and line[indent] != " ":
                named.add(m.group(1))
    missing = [p for p in _params(obj) if p not in named]
    if missing:
        out.append(f"Args: does not name {missing}")
    if not re.search(r"^Example:\n(?:.*\n)*?\s+>>> ", doc, re.M):
        out.append("no Example: with >>>")
    if not re.search(r"^TF1 equivalent: ", doc, re.M):
        out.append("no 'TF1 equivalent:' line")
    return [f"{path}: {p}" for p in out]


def test_every_compat_module_is_found():
    assert len(MODULES) >= 30 and "math_ops" in MODULES and len(PUBLIC) >= 400


@pytest.mark.parametrize("module", MODULES)
def test_docstrings_have_summary_args_example_and_tf1_line(module):
    objects = _of(module)
    assert objects, f"no public callable comes from {PREFIX}{module}"
    problems = [p for path, obj in objects for p in _problems(path, obj)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module):
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = io.StringIO()
    attempted = 0
    for path, obj in _of(module):
        targets = [obj] + ([obj.__init__] if inspect.isclass(obj) else [])
        for target in targets:
            for test in finder.find(target, path, globs={}):
                attempted += runner.run(test, out=report.write).attempted
    assert runner.failures == 0, report.getvalue()
    assert attempted > 0
