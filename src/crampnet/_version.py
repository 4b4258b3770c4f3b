"""The package version, stated here only.

``pyproject.toml`` reads it (``[tool.hatch.version]``); ``crampnet.__version__``,
the CLI, saved cases, report stamps and the installed metadata follow it. A
module of its own, at the bottom of the layers, so that any layer can name
the version without importing the package's facade.
"""

__version__ = "0.2.0"
