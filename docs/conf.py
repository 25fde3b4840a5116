"""Sphinx configuration of jaxscope's documentation site (``pip install -e '.[docs]'``, then
``sphinx-build -W -b html docs docs/_build/html``; ``.ci/run`` builds it with warnings as errors)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("."))
import plots  # noqa: E402 - the site's plots, drawn from its pages' tables

plots.main()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

project = "jaxscope"
author = "the jaxscope authors"
copyright = "2026, the jaxscope authors"  # noqa: A001 - Sphinx's name

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # the docstrings' Google style (Args:, Returns:, Raises:)
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown"}
master_doc = "index"
exclude_patterns = ["_build", "_generated", "README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 4  # README-style links to headings: page.md#a-heading
html_theme = "furo"
html_title = "jaxscope"
html_static_path: list[str] = []
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
suppress_warnings: list[str] = []
