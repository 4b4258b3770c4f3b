"""Project hygiene: LICENSE, CHANGELOG.md, CITATION.cff, one version, and crampnet.evaluate as function and module."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import textwrap
import tomllib
import types
from pathlib import Path

import yaml  # a dependency of dask, which the test extra installs

import crampnet

REPO = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?P<rest>.*)$", re.MULTILINE)
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}  # Keep a Changelog 1.1.0
# The top-level keys of CFF 1.2.0 (its schema allows no others), and the ones it requires.
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
    "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
    "repository-artifact", "repository-code", "title", "type", "url", "version",
}
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}


def _releases() -> list[tuple[str, datetime.date, str]]:
    """(version, date, body) of every release in CHANGELOG.md, newest first; Unreleased is not a release."""
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    heads = list(RELEASE.finditer(text))
    out = []
    for i, head in enumerate(heads):
        body = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        if head["version"] == "Unreleased":
            continue
        date = re.fullmatch(r" - (\d{4}-\d{2}-\d{2})", head["rest"])
        assert date, f"release {head['version']} has no ' - YYYY-MM-DD' date: {head.group(0)!r}"
        out.append((head["version"], datetime.date.fromisoformat(date[1]), body))
    return out


def _version_tuple(version: str) -> tuple[int, ...]:
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{version!r} is not MAJOR.MINOR.PATCH"
    return tuple(int(part) for part in version.split("."))


def test_license_is_mit_with_the_copyright_line():
    """Check LICENSE: the MIT text that pyproject.toml names, copyright the crampnet developers, 2026."""
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "MIT"
    assert text.splitlines()[0] == "MIT License"
    assert "Copyright (c) 2026 the crampnet developers" in text.splitlines()
    flat = " ".join(text.split())
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy of this software" in flat
    assert "The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software." in flat
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in flat


def test_changelog_follows_keep_a_changelog():
    """Check CHANGELOG.md: releases newest first with ISO dates, 0.1.0 and 0.2.0, each in Keep a Changelog sections with entries."""
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    releases = _releases()
    versions = [v for v, _, _ in releases]
    assert {"0.1.0", "0.2.0"} <= set(versions)
    assert versions == sorted(versions, key=_version_tuple, reverse=True) and len(set(versions)) == len(versions)
    dates = [d for _, d, _ in releases]
    assert dates == sorted(dates, reverse=True)
    for version, _, body in releases:
        sections = re.findall(r"^### (.+)$", body, flags=re.MULTILINE)
        assert sections, f"{version} has no section"
        assert set(sections) <= SECTIONS and len(set(sections)) == len(sections), (version, sections)
        for chunk in re.split(r"^### .+$", body, flags=re.MULTILINE)[1:]:
            assert re.search(r"^- \S", chunk, flags=re.MULTILINE), f"an empty section in {version}"


def test_the_version_agrees_everywhere():
    """Check that crampnet.__version__ is the newest release of CHANGELOG.md and the version of CITATION.cff."""
    newest, date, _ = _releases()[0]
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    _version_tuple(crampnet.__version__)
    assert crampnet.__version__ == newest
    assert citation["version"] == crampnet.__version__  # a string: YAML would read 0.2 as a float
    assert citation["date-released"] == date.isoformat()


def test_citation_cff_is_valid_cff_1_2_0():
    """Check CITATION.cff: YAML with the keys CFF 1.2.0 requires, only keys it knows, and the licence of pyproject.toml."""
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(citation, dict)
    assert CFF_REQUIRED <= set(citation) <= CFF_KEYS, set(citation) ^ CFF_KEYS
    assert citation["cff-version"] == "1.2.0"
    assert isinstance(citation["message"], str) and citation["message"].strip()
    assert isinstance(citation["title"], str) and "crampnet" in citation["title"]
    authors = citation["authors"]
    assert isinstance(authors, list) and authors
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in authors)
    assert citation["type"] in ("software", "dataset")
    assert citation["license"] == PYPROJECT["project"]["license"]
    assert isinstance(citation["date-released"], str)  # quoted: a bare YAML date is not a CFF date string
    datetime.date.fromisoformat(citation["date-released"])


def test_the_version_is_stated_once():
    """Check that one line of the source states the version, and that hatch's version pattern reads it there."""
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    source = REPO / PYPROJECT["tool"]["hatch"]["version"]["path"]
    # hatchling's default pattern for a version file (hatchling.version.source.code/regex)
    pattern = re.compile(r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2""", re.MULTILINE)
    found = [m["version"] for m in pattern.finditer(source.read_text(encoding="utf-8"))]
    assert found == [crampnet.__version__]
    stated = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.match(r"\s*__version__\s*(:[^=]*)?=", line)
    ]
    assert stated == [f"{source.relative_to(REPO)}:{_line_of(source, '__version__ =')}"]


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if line.startswith(start))


def test_evaluate_is_the_function_and_crampnet_trust_evaluate_the_module(tiny):
    """Check crampnet.evaluate (the documented function) against its module, crampnet.trust.evaluate (issue 15)."""
    import crampnet.trust.evaluate as module

    assert isinstance(crampnet.evaluate, types.FunctionType)
    assert isinstance(module, types.ModuleType) and module.__name__ == "crampnet.trust.evaluate"
    assert crampnet.evaluate is module.evaluate and crampnet.Evaluation is module.Evaluation
    import pandas as pd

    result = crampnet.evaluate(tiny, pd.DataFrame({"rls": ["present", "absent"], "urge": ["yes", "no"]}))
    assert isinstance(result, crampnet.Evaluation)
    # In a fresh interpreter, whatever is imported first: no module named crampnet.evaluate.
    script = textwrap.dedent(
        """
        import types
        import crampnet.trust.evaluate as module
        import crampnet
        from crampnet.trust import evaluate as again
        assert isinstance(module, types.ModuleType) and again is module, (module, again)
        assert isinstance(crampnet.evaluate, types.FunctionType) and crampnet.evaluate is module.evaluate
        try:
            import crampnet.evaluate
        except ModuleNotFoundError as err:
            print(err.name)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "crampnet.evaluate"


def test_no_package_attribute_shadows_a_submodule():
    """Check that after importing every module of crampnet, each package's attribute of a submodule's name is that module.

    A re-export such as ``from crampnet.x import x`` in a package's __init__
    makes ``import crampnet.x as m`` give the function instead (0.1.0's
    ``crampnet.evaluate``).
    """
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import crampnet
        shadowed, count = [], 0
        for info in pkgutil.walk_packages(crampnet.__path__, "crampnet."):
            if info.name.endswith(".__main__"):  # runs the CLI when imported
                continue
            module = importlib.import_module(info.name)
            count += 1
            parent, _, leaf = info.name.rpartition(".")
            if getattr(sys.modules[parent], leaf, None) is not module:
                shadowed.append(info.name)
        clash = sorted(set(crampnet.__all__) & {m.name for m in pkgutil.iter_modules(crampnet.__path__)})
        print(count, shadowed, clash)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    count, rest = run.stdout.strip().split(" ", 1)
    assert int(count) > 30  # the walk found the package's modules
    assert rest == "[] []"
