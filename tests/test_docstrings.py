"""Every public function and class has a Google-style docstring (issue 28, item 4), and every
docstring's ``>>>`` example runs.

``MODULES`` lists the public modules checked; ``UNDOCUMENTED`` is the ratchet of names still without
a complete docstring (it may only shrink: a name that gains one must leave it). An exception
class needs only a summary and the builtin it subclasses (``except ValueError:`` catches it)."""

import doctest
import importlib
import inspect
import re

import pytest

MODULES = (
    "jaxscope",
    "jaxscope.layers",
    "jaxscope.slim",
    "jaxscope.contrib.layers",
    "jaxscope.contrib.rnn",
    "jaxscope.nn",
    "jaxscope.nn.rnn_cell",
    "jaxscope.train",
    "jaxscope.checkpoint",
    "jaxscope.flax",
    "jaxscope.summary",
    "jaxscope.verify",
    # jaxscope.compat.v1: its own ops are checked by test_docstrings_compat.py, the rest here.
)

# Names (by module) whose docstring still lacks a summary, an Args entry or an Example.
UNDOCUMENTED: dict[str, frozenset[str]] = {}


def _public_callables(module_name):
    module = importlib.import_module(module_name)
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.ismodule(obj) or not callable(obj):
            continue
        yield name, obj


def _parameters(obj):
    """The parameters a docstring's ``Args:`` must name (a class: its ``__init__``'s)."""
    if inspect.isclass(obj):
        if obj.__init__ is object.__init__:
            return []
        obj = obj.__init__
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    skipped = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [
        p.name for p in signature.parameters.values() if p.name != "self" and p.kind not in skipped
    ]


def _problems(obj):
    doc = inspect.getdoc(obj) if obj.__doc__ else None
    if not doc or not doc.splitlines()[0].strip():
        return ["no summary line"]
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        builtins = [b.__name__ for b in obj.__mro__ if b.__module__ == "builtins"][:-2]
        builtins = [name for name in builtins if name != "Exception"] or ["Exception"]
        if not any(re.search(rf"\b{name}\b", doc) for name in builtins):
            return [f"does not say which builtin it subclasses ({', '.join(builtins)})"]
        return []
    problems = []
    parameters = _parameters(obj)
    if parameters:
        if "\nArgs:\n" not in doc:
            problems.append("no Args: section")
        else:
            args = doc.split("\nArgs:\n", 1)[1]
            missing = [p for p in parameters if not _names(args, p)]
            if missing:
                problems.append(f"Args: lacks {missing}")
    if "Example:" not in doc or ">>>" not in doc:
        problems.append("no Example: with >>>")
    return problems


def _names(args_section, parameter):
    """Whether the ``Args:`` section has an entry ``parameter:`` or ``parameter (type):``."""
    for line in args_section.splitlines():
        if not line.startswith("  "):
            if line.strip():
                break  # the next section
            continue
        entry = line.strip().split(":", 1)[0].split(" (", 1)[0]
        if parameter in (entry, *[e.strip() for e in entry.split(",")]):
            return True
    return False


@pytest.mark.parametrize("module_name", MODULES)
def test_public_callables_have_complete_docstrings(module_name):
    failing = {}
    for name, obj in _public_callables(module_name):
        problems = _problems(obj)
        if problems:
            failing[name] = problems
    allowed = UNDOCUMENTED.get(module_name, frozenset())
    new = {name: p for name, p in failing.items() if name not in allowed}
    assert not new, f"{module_name}: incomplete docstrings: {new}"
    public = dict(_public_callables(module_name))
    assert allowed <= public.keys(), f"UNDOCUMENTED names not in __all__: {allowed - public.keys()}"
    stale = allowed - failing.keys()
    assert not stale, f"{module_name}: now documented, remove from UNDOCUMENTED: {sorted(stale)}"


def _first_owner():
    """Each public object once, under the first module of ``MODULES`` that exports it."""
    owner, seen = {name: [] for name in MODULES}, set()
    for module_name in MODULES:
        for name, obj in _public_callables(module_name):
            if id(obj) not in seen:
                seen.add(id(obj))
                owner[module_name].append((name, obj))
    return owner


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for name, obj in _first_owner()[module_name]:
        for test in finder.find(obj, f"{module_name}.{name}", globs={}):
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {module_name}"
