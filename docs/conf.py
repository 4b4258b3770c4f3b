"""Sphinx configuration of the crampnet documentation.

Build it from the repository root with the package installed with the
``docs`` extra::

    python -m pip install ".[docs]"
    sphinx-build -W -b html docs docs/_build/html

The vocabulary page is generated from the shipped network file and the CLI
page from the argparse parser, both at build time; the notebooks and the
pages written as MyST notebooks are executed at build time (myst-nb), so a
broken example fails the build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import crampnet  # noqa: E402  (after the path set-up, like every Sphinx conf.py)

# -- Project -----------------------------------------------------------------

project = "crampnet"
author = "crampnet developers"
copyright = "crampnet developers"
release = crampnet.__version__
version = release

# -- Extensions ----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinxarg.ext",
    "crampnet_vocabulary",
    "crampnet_aliases",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
# Straight quotes and hyphens as written ("--save" in a help text stays two hyphens).
smartquotes = False
exclude_patterns = ["_build", "**.ipynb_checkpoints", "**/.hypothesis", "Thumbs.db", ".DS_Store"]
# The notebooks live in the repository's notebooks/ folder; docs/notebooks is a
# link to it, so the notebooks are not copied.

# -- MyST and myst-nb ----------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3
# "cache": a notebook is executed again only when its code changed (the cache
# is in the build folder's parent); a fresh build folder executes all of them.
nb_execution_mode = os.environ.get("CRAMPNET_DOCS_EXECUTE", "cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
# Run each notebook in its own folder, as the test suite does (no temp copy).
nb_execution_in_temp = False
nb_merge_streams = True

# -- autodoc, autosummary, numpydoc -------------------------------------------

autodoc_default_options: dict[str, object] = {}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters sections give the types
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- Cross-references to other projects ------------------------------------------

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
# No inventory is fetched (the build must work offline and in CI, which reach
# only the package registries); references to numpy, pandas and pgmpy stay
# plain text.

# Every cross-reference in a docstring or page must resolve (-W turns a
# broken one into an error), except these, kept out of the reference on purpose:
nitpicky = True
nitpick_ignore_regex = [
    # private modules (crampnet.reasoning._thresholds...) are not documented
    (r"py:\w+", r"crampnet(\.\w+)*\._\w+.*"),
    # the layers below the public API are documented by their package
    # docstrings only (api/internals), not module by module
    (r"py:\w+", r"crampnet\.(network|inference)\..+"),
    # module constants (many re-exported from private modules, where their
    # "#:" comment is) are not documented one by one
    (r"py:data", r"[A-Z][A-Z0-9_]*"),
    # other projects: no inventory is fetched (see intersphinx_mapping)
    (r"py:\w+", r"(numpy|np|pandas|pd|pgmpy|matplotlib|dask|distributed|hypothesis|pyarrow|networkx|numba|scipy)(\..+)?"),
    (r"py:\w+", r"(importlib|tomllib|argparse|os|pathlib|collections|typing|json|csv)(\..+)?"),
]
nitpick_ignore = [
    # crampnet.reasoning.html (being reworked) names this attribute without its module
    ("py:attr", "Diagnosis.scores"),
]

# -- HTML -----------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"crampnet {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "header_links_before_dropdown": 6,
}
# The pages at the top level have no section to navigate: no left sidebar.
html_sidebars: dict[str, list[str]] = {
    page: [] for page in ("index", "getting-started", "reading-the-numbers", "workflow", "trust", "vocabulary", "format", "cli", "changelog")
}
html_show_sourcelink = False
