"""The house's rules: ``jaxscope/_src`` is one package per concept, imports point down the
layers below, and no modules import each other in a circle (function-level imports count too;
only ``if TYPE_CHECKING:`` imports, which never run, are left out)."""

import ast
import pathlib

import jaxscope

SRC = pathlib.Path(jaxscope.__file__).parent / "_src"

# package -> the packages it may import besides itself and the shared ``errors`` module: each
# package's __init__ docstring says the same.
MAY_IMPORT = {
    "initializers": set(),
    "sharding": {"initializers"},
    "core": {"initializers", "sharding"},
    "layers": {"core", "initializers"},
    "train": {"core", "initializers"},
    "nn": {"core", "initializers", "layers"},
    "contrib": {"core", "initializers", "layers", "nn"},
    "checkpoint": {"core", "sharding", "train"},
    "flax": {"core", "initializers"},
    "summary": {"core"},
    "compat": {"core", "initializers", "layers", "nn", "train", "contrib", "checkpoint", "summary"},
    "verify": {"core", "compat", "checkpoint", "train"},
}


def _module(path: pathlib.Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST):
    """``(module, names)`` of every import that can run (not under ``if TYPE_CHECKING:``)."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for b in node.body for n in ast.walk(b))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            yield from ((a.name, []) for a in node.names)


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for module, names in _runtime_imports(ast.parse(path.read_text())):
            if module != "jaxscope._src" and not module.startswith("jaxscope._src."):
                continue
            base = module.removeprefix("jaxscope._src").removeprefix(".")
            for imported in [f"{base}.{n}".lstrip(".") for n in names] or [base]:
                while imported not in modules and "." in imported:  # a name of a module
                    imported = imported.rsplit(".", 1)[0]
                if imported in modules and imported != name:
                    targets.add(imported)
        graph[name] = targets
    return graph


def test_src_is_one_package_per_concept():
    loose = sorted(p.name for p in SRC.glob("*.py") if p.name not in ("__init__.py", "errors.py"))
    assert not loose, f"modules outside a concept package: {loose}"
    packages = sorted(p.name for p in SRC.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert packages == sorted(MAY_IMPORT)
    for package in packages:
        doc = ast.get_docstring(ast.parse((SRC / package / "__init__.py").read_text()))
        assert doc and "May import" in doc, f"_src/{package}/__init__.py must say what it owns"


def test_imports_point_down():
    wrong = []
    for module, targets in _graph().items():
        package = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other not in (package, "errors") and other not in MAY_IMPORT.get(package, ()):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports that point up or across: " + ", ".join(sorted(wrong))


def test_no_import_circles():
    graph = _graph()
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def _code_lines(tree: ast.Module, source: str) -> list[int]:
    """The numbers of the lines that hold code: not blank, not a comment, not a docstring."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    docstrings.update(range(first.lineno, first.end_lineno + 1))
    return [
        i
        for i, line in enumerate(source.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#") and i not in docstrings
    ]


def test_modules_and_functions_stay_small():
    """No module of ``_src`` over 500 lines of code and no function over 80 (docstrings, comments
    and blank lines not counted: the docstrings carry the API reference)."""
    big = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        code = _code_lines(tree, source)
        if len(code) > 500:
            big.append(f"{path.relative_to(SRC)}: {len(code)} lines of code")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = sum(node.lineno <= i <= node.end_lineno for i in code)
                if n > 80:
                    big.append(f"{path.relative_to(SRC)}:{node.name}: {n} lines of code")
    assert not big, big
