"""Every third-party module our code, tests and experiments import is declared in pyproject.toml.

A package installed by hand on a developer's machine once hid a missing ``[test]`` extra; this
test reads the imports (``ast``, including those inside functions) and the *declared*
requirements (``pyproject.toml``), so it fails even where the package happens to be installed.
"""

import ast
import functools
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Which declared requirements each tree may import from (extras are followed recursively).
TREES = {
    # runtime deps; orbax only behind jaxscope.checkpoint.save, flax only behind jaxscope.flax,
    # TensorFlow only behind jaxscope.verify
    "jaxscope": ["", "checkpoint", "flax", "verify"],
    "experiments": ["", "experiments"],
    "tests": ["", "test"],
    "benchmarks": ["", "test", "bench"],
    "docs": ["", "docs"],  # conf.py and the site's plots (docs/plots.py)
}
OPTIONAL = {"jaxlib"}  # comes with jax
# The module "tensorflow" comes from either wheel; [test] declares tensorflow-cpu.
SAME = {"tensorflow": "tensorflow-cpu"}
# Where the distribution is not installed (e.g. [bench] in CI), its import name -> its name.
KNOWN = {"haiku": "dm-haiku", "sklearn": "scikit-learn", "orbax": "orbax-checkpoint"}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(extras: list[str]) -> set[str]:
    """Normalized distribution names pyproject.toml declares for the given extras ('' = runtime)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out: set[str] = set()
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        reqs = project["dependencies"] if extra == "" else project["optional-dependencies"][extra]
        for req in reqs:
            name = re.match(r"[A-Za-z0-9_.-]+", req).group(0)
            if _normalize(name) == "jaxscope":
                todo.extend(re.search(r"\[([^\]]*)\]", req).group(1).split(","))
            else:
                out.add(_normalize(name))
    return out


@functools.cache
def _providers() -> dict[str, list[str]]:
    """Top-level module -> installed distributions (read once: it reads every installed package)."""
    return md.packages_distributions()


def _local_modules() -> set[str]:
    """Our own modules and packages (experiments and benchmarks are imported by path).

    Inside the package only ``jaxscope`` itself is top-level: ``jaxscope/flax.py`` must not make
    ``import flax`` look local.
    """
    trees = [ROOT / t for t in TREES if t != "jaxscope"]
    return (
        {p.stem for t in trees for p in t.rglob("*.py")}
        | {p.name for t in trees for p in t.rglob("*") if p.is_dir()}
        | set(TREES)
    )


def _imports(tree: Path) -> dict[str, str]:
    """Top-level module -> one file that imports it."""
    found: dict[str, str] = {}
    for path in sorted(tree.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                found.setdefault(mod.split(".")[0], str(path.relative_to(ROOT)))
    for path in sorted(tree.rglob("*.py")):  # importorskip imports too
        for m in re.finditer(r"importorskip\(\s*[\"']([\w.]+)", path.read_text()):
            found.setdefault(m.group(1).split(".")[0], str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("tree", sorted(TREES))
def test_every_import_is_a_declared_dependency(tree):
    declared = _requirements(TREES[tree])
    providers = _providers()
    local = _local_modules()
    missing = []
    for mod, where in sorted(_imports(ROOT / tree).items()):
        if mod in sys.stdlib_module_names or mod in local or mod in OPTIONAL:
            continue
        dists = {_normalize(d) for d in providers.get(mod, [])} or {_normalize(KNOWN.get(mod, mod))}
        dists |= {SAME[d] for d in dists if d in SAME}
        if not dists & declared:
            missing.append(f"{mod} (imported by {where}; installed from {sorted(dists) or '-'})")
    assert not missing, (
        f"{tree}/ imports packages that pyproject.toml does not declare for it "
        f"(extras {TREES[tree]}): {missing}. Add each to the matching extra in pyproject.toml."
    )
