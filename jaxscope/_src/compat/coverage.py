"""The coverage table of ``jaxscope.compat.v1`` (``docs/COMPAT.md``), made from the code.

Every public name of ``jaxscope.compat.v1`` and of its public submodules (found by walking them,
so a module or name added later is listed when the table is regenerated) is classified:

* ``refused``: one of the graph-only names that raise :class:`GraphOnlyError`; the table shows
  the fix its message gives;
* ``differs``: its docstring has a paragraph starting ``Differs from TF1:``; the table shows it;
* ``exact``: otherwise.

Each row also says which jaxscope module the object comes from and which test files exercise it
(see :func:`test_index`). Regenerate with ``python -m jaxscope.compat.coverage``.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import pathlib
import re
import sys
import types

from jaxscope._src.compat import tf1_names
from jaxscope._src.compat.errors import GraphOnlyError
from jaxscope._src.compat.graph import REFUSED

DIFFERS = "Differs from TF1:"
ROOT = pathlib.Path(__file__).resolve().parents[3]  # the repository: docs/, tests/
DOC = ROOT / "docs" / "COMPAT.md"
COMMAND = "python -m jaxscope.compat.coverage"
_REFUSED_IDS = {id(f) for f in REFUSED.values()}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One public name: ``path`` under ``tf.`` (``"nn.relu"``), its status and note."""

    path: str
    status: str  # "exact" | "differs" | "refused"
    note: str  # the "Differs from TF1:" paragraph, or the refusal's fix
    source: str  # the module the object comes from
    tests: tuple[str, ...]
    obj: object = dataclasses.field(compare=False, repr=False)


@dataclasses.dataclass
class Table:
    """One module of the namespace: its entries and submodules."""

    path: str  # "" for tf itself, "nn", "contrib.slim", ...
    module: types.ModuleType
    entries: list[Entry] = dataclasses.field(default_factory=list)
    submodules: list[str] = dataclasses.field(default_factory=list)
    aliases: list[str] = dataclasses.field(default_factory=list)  # other paths of this module


def differs_note(obj) -> str | None:
    """The ``Differs from TF1:`` paragraph of ``obj``'s docstring, on one line (None if none)."""
    doc = inspect.getdoc(obj) or ""
    for paragraph in re.split(r"\n\s*\n", doc):
        text = " ".join(paragraph.split())
        if text.startswith(DIFFERS):
            return text[len(DIFFERS) :].strip()
    return None


def refusal_fix(obj) -> str:
    """What a refused name's ``GraphOnlyError`` says to write instead."""
    try:
        obj()
    except GraphOnlyError as e:
        return str(e).split("\nFix: ", 1)[1]
    raise AssertionError(f"{obj!r} is in REFUSED but did not raise GraphOnlyError")


def public_names(module: types.ModuleType) -> list[str]:
    """``__all__`` and the refused names set into the module (they are not in ``__all__``)."""
    names = set(getattr(module, "__all__", None) or (n for n in vars(module) if n[0] != "_"))
    names |= {n for n, v in vars(module).items() if n[0] != "_" and id(v) in _REFUSED_IDS}
    return sorted(names, key=lambda n: (n.lower(), n))


def _import_sources(module: types.ModuleType) -> dict[str, str]:
    """``{name: module}`` of the module's ``from X import Y as name`` lines (for constants)."""
    try:
        text = inspect.getsource(module)
    except (OSError, TypeError):
        return {}
    found = re.findall(r"from ([\w.]+) import \(?\s*(\w+)(?: as (\w+))?", text)
    return {alias or name: src for src, name, alias in found}


def source_of(obj, name: str, module: types.ModuleType, imports: dict[str, str]) -> str:
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    owner = getattr(obj, "__module__", None)
    if isinstance(owner, str) and owner.split(".")[0] in ("jaxscope", "absl"):
        return owner
    return imports.get(name, module.__name__)


def walk(root: types.ModuleType, tests: dict[str, list[str]]) -> list[Table]:
    """One :class:`Table` per module reachable from ``root``, depth first, in name order."""
    tables: list[Table] = []
    seen: dict[int, Table] = {}

    def visit(module: types.ModuleType, path: str) -> None:
        table = seen[id(module)] = Table(path, module)
        tables.append(table)
        imports = _import_sources(module)
        for name in public_names(module):
            obj = getattr(module, name)
            full = f"{path}.{name}" if path else name
            if isinstance(obj, types.ModuleType) and obj.__name__.startswith("jaxscope."):
                table.submodules.append(name)
                if id(obj) in seen:
                    seen[id(obj)].aliases.append(full)
                else:
                    visit(obj, full)
                continue
            if id(obj) in _REFUSED_IDS:
                status, note = "refused", refusal_fix(obj)
            else:
                note = differs_note(obj)
                status, note = ("exact", "") if note is None else ("differs", note)
            source = source_of(obj, name, module, imports)
            table.entries.append(Entry(full, status, note, source, (), obj))

    visit(root, "")
    by_object: dict[int, set[str]] = {}
    for table in tables:
        for e in table.entries:
            by_object.setdefault(id(e.obj), set()).update(tests.get(e.path, ()))
    for table in tables:
        table.entries = [
            dataclasses.replace(e, tests=_order(by_object[id(e.obj)])) for e in table.entries
        ]
    return tables


def _order(files) -> tuple[str, ...]:
    return tuple(sorted(files, key=lambda f: (not f.startswith("test_compat"), f)))


def test_index(entries: list[tuple[str, str, str]], tests_dir: pathlib.Path | None = None):
    """``{path: [test files]}``: where a name is exercised.

    A ``jaxscope.compat`` test file (one that imports ``jaxscope.compat`` or ``compat_oracle``)
    counts for a name it calls as ``tf.<path>``, the way its programs are written, or quotes in a
    file that dispatches by name (``getattr(tf.nn, op)``). jaxscope's own names (layers, train,
    nn, ...: not from ``jaxscope._src.compat``) also count in the other test files that use them
    as an attribute (``L.conv2d``), or quote them in a file that dispatches by name.
    ``entries`` are ``(path, source module, status)``; a refused name counts in
    ``test_compat_coverage.py``, which calls each one.
    """
    tests_dir = tests_dir or ROOT / "tests"
    compat, own = [], []
    for f in sorted(tests_dir.glob("test_*.py")):
        text = f.read_text()
        quoted = set(re.findall(r"[\"']([A-Za-z_]\w*)[\"']", text)) if "getattr(" in text else set()
        own.append((f.name, set(re.findall(r"\.([A-Za-z_]\w*)\b", text)) | quoted))
        if "jaxscope.compat" not in text and "compat_oracle" not in text:
            continue
        paths = set()
        for token in re.findall(r"\bj?tf((?:\.[A-Za-z_]\w*)+)", text):
            parts = token[1:].split(".")
            paths.update(".".join(parts[: i + 1]) for i in range(len(parts)))
        # programs that dispatch by name: getattr(tf.nn, op) over a list of quoted names
        for module in set(re.findall(r"getattr\((?:j?tf|tf1)((?:\.\w+)*),", text)):
            paths.update(f"{module[1:]}.{q}".lstrip(".") for q in quoted)
        compat.append((f.name, paths))
    index: dict[str, list[str]] = {}
    for path, source, status in entries:
        found = [name for name, paths in compat if path in paths]
        if not source.startswith("jaxscope._src.compat"):
            leaf = path.rsplit(".", 1)[-1]
            found += [name for name, words in own if leaf in words and name not in found]
        if status == "refused":
            found.append("test_compat_coverage.py")
        if found:
            index[path] = found
    return index


def collect(root: types.ModuleType | None = None, tests_dir=None) -> list[Table]:
    """The tables of ``jaxscope.compat.v1`` with their test files."""
    if root is None:
        import jaxscope.compat.v1 as root
    tables = walk(root, {})
    entries = [(e.path, e.source, e.status) for t in tables for e in t.entries]
    return walk(root, test_index(entries, tests_dir))


# -- the document ----------------------------------------------------------------------------------
def _cell(text: str) -> str:
    """Docstring text as markdown: ``x`` and :func:`x` become `x`; pipes are escaped."""
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")
    return text.replace("|", "\\|")


def _tests_cell(tests: tuple[str, ...]) -> str:
    if not tests:
        return "untested"
    shown = ", ".join(f"`{t}`" for t in tests[:2])
    return shown + (f" +{len(tests) - 2}" if len(tests) > 2 else "")


def _status_cell(e: Entry) -> str:
    if e.status == "exact":
        return "exact"
    return f"**{e.status}**: {_cell(e.note)}"


def _summary(tables: list[Table]) -> list[str]:
    entries = [e for t in tables for e in t.entries]
    count = {s: sum(e.status == s for e in entries) for s in ("exact", "differs", "refused")}
    untested = sum(not e.tests for e in entries if e.status != "refused")
    top = tables[0]
    ours = {e.path: e.status for e in top.entries} | {s: "module" for s in top.submodules}
    tf = set(tf1_names.NAMES)
    provided = sorted(n for n in tf if ours.get(n, "refused") != "refused")
    refused = sorted(n for n in tf if ours.get(n) == "refused")
    missing = sorted(tf - set(ours), key=lambda n: (n.lower(), n))
    lines = [
        f"{len(entries)} names in {len(tables)} modules: **{count['exact']} exact**, "
        f"**{count['differs']} differ** from TF1 (how and why in the table), "
        f"**{count['refused']} refused** (they raise `GraphOnlyError` saying what to write "
        f"instead). {untested} of the names that are not refused are called by no test "
        "(marked *untested*).",
        "",
        f"Of the {len(tf)} public top-level names of TensorFlow {tf1_names.TF_VERSION}'s "
        f"`tf.compat.v1`, `jaxscope.compat.v1` provides {len(provided)} and refuses "
        f"{len(refused)}; {len(missing)} are missing (an `AttributeError`):",
        "",
        "<details><summary>Missing top-level names</summary>",
        "",
        ", ".join(f"`{n}`" for n in missing),
        "",
        "</details>",
    ]
    return lines


def _table(table: Table) -> list[str]:
    title = f"`tf.{table.path}`" if table.path else "`tf` (top level)"
    lines = [f"## {title}", ""]
    doc = (inspect.getdoc(table.module) or "").split("\n\n")[0]
    lines += [f"`{table.module.__name__}`: " + " ".join(doc.split()), ""] if doc else []
    if table.aliases:
        lines += ["Also at: " + ", ".join(f"`tf.{a}`" for a in table.aliases) + ".", ""]
    if table.submodules:
        subs = [f"`tf.{table.path + '.' if table.path else ''}{s}`" for s in table.submodules]
        lines += ["Submodules: " + ", ".join(subs) + ".", ""]
    if not table.entries:
        return lines
    lines += ["| name | status | from | tests |", "|---|---|---|---|"]
    for e in table.entries:
        name = e.path.rsplit(".", 1)[-1]
        row = [f"`{name}`", _status_cell(e), f"`{e.source}`", _tests_cell(e.tests)]
        lines.append("| " + " | ".join(row) + " |")
    return lines + [""]


def render(tables: list[Table]) -> str:
    from jaxscope._src.compat import tensor_methods

    lines = [
        "# `jaxscope.compat.v1`: what each TF1 name does here",
        "",
        f"Generated by `{COMMAND}` from the code; `tests/test_compat_coverage.py` fails when this",
        "file is out of date. Do not edit it by hand: to change a row, change the object's",
        f'docstring (a paragraph starting "{DIFFERS}" says how and why it differs) and rerun',
        "the command.",
        "",
        "*exact*: TF1's signature and semantics (differentially tested against `tf.compat.v1`",
        "where a test is listed). *differs*: what a user can notice, and why. *refused*: a name",
        "that needs a graph and a Session; calling it raises `GraphOnlyError` (a `RuntimeError`)",
        "with the fix shown. *from*: the module the object is defined in. *tests*: the test files",
        "that call it -- a `tests/test_compat_*.py` program calling `tf.<name>`, or for jaxscope's",
        "own names (layers, train, nn, ...) an oracle test against TensorFlow that uses the name.",
        "",
        "## Summary",
        "",
        *_summary(tables),
        "",
        *tensor_methods.render(),
        "",
    ]
    for table in tables:
        lines += _table(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=pathlib.Path, default=DOC, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs instead of writing it"
    )
    args = parser.parse_args(argv)
    text = render(collect())
    if args.check:
        same = args.output.exists() and args.output.read_text() == text
        print(f"{args.output}: {'up to date' if same else 'out of date; run ' + COMMAND}")
        return 0 if same else 1
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
