"""The documentation: every code block of the site (``docs/``) and the README runs and prints what
the page says it prints; every link between pages resolves; every public name has a docstring on
an API page. (``.ci/run`` builds the site with ``sphinx-build -W``: broken references and
malformed docstrings fail there.)"""

import doctest
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(
    [ROOT / "README.md"] + [p for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts]
)
PUBLIC = ["jaxscope", "jaxscope.layers", "jaxscope.slim", "jaxscope.contrib", "jaxscope.nn",
          "jaxscope.train", "jaxscope.checkpoint", "jaxscope.summary", "jaxscope.flax",
          "jaxscope.verify", "jaxscope.compat.v1"]  # fmt: skip
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("page", [p for p in PAGES if "```python" in p.read_text()], ids=_id)
def test_page_examples_run(page):
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0 and result.attempted > 0


def test_every_python_block_is_run():
    """A ``python`` block is a doctest (``>>>``), so test_page_examples_run runs it; a block that
    is not run (a TF1 / jaxscope side-by-side) is fenced as ``text``."""
    unrun = [
        f"{_id(page)}: {body.splitlines()[0]!r}"
        for page in PAGES
        for lang, body in BLOCK.findall(page.read_text())
        if lang == "python" and not body.lstrip().startswith(">>>")
    ]
    assert not unrun, unrun


def _slug(heading: str) -> str:
    """The anchor MyST (``myst_heading_anchors``) and GitHub give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_links_between_pages_resolve():
    broken = []
    for page in PAGES:
        text = BLOCK.sub("", page.read_text())
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or "_generated/" in target:  # a URL; a plot
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{_id(page)} -> {target}: no such file")
            elif anchor and dest.suffix == ".md":
                slugs = {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", dest.read_text(), re.M)}
                if anchor not in slugs:
                    broken.append(f"{_id(page)} -> {target}: no such heading")
    assert not broken, broken


def test_every_public_name_has_a_docstring_on_an_api_page():
    pages = {p.read_text() for p in (ROOT / "docs" / "api").glob("*.md")}
    api = "\n".join(pages)
    missing = []
    for name in PUBLIC:
        assert f".. automodule:: {name}\n" in api, f"no API page for {name}"
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.ismodule(obj) or not (callable(obj) or inspect.isclass(obj)):
                continue
            if not inspect.getdoc(obj):
                missing.append(f"{name}.{attr}")
    assert not missing, missing
    # a name left off one page is documented on another
    for excluded in re.findall(r":exclude-members: (.+)", api):
        for attr in excluded.split(", "):
            owners = [n for n in PUBLIC if attr in importlib.import_module(n).__all__]
            assert len(owners) > 1, (attr, owners)


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250


def test_plots_are_drawn_from_the_pages_tables(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    import plots

    rows = plots.table(ROOT / "docs" / "guides" / "benchmarks.md", "toy, 301 variables")
    assert rows[0][1] == "jaxscope" and len(rows) > 5
    assert all(float(r[-1]) > 0 for r in rows[1:])
    paths = plots.main(tmp_path)
    page = (ROOT / "docs/guides/benchmarks.md").read_text()
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"_generated/{path.name}" in page, path.name
    rows = plots.table(ROOT / "docs" / "guides" / "benchmarks.md", "PTB tutorial LSTM")
    assert rows[1][0] == "TF1 graph mode" and float(rows[1][-1]) == 1.0
