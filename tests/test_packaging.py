"""Packaging: the wheel carries the network and py.typed; metadata, version and resources agree."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import importlib.util
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import crampnet

REPO = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
OFFLINE_SIGNS = (
    "No matching distribution found",
    "Could not find a version that satisfies the requirement",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ProxyError",
)


def _from_source_checkout() -> bool:
    return Path(crampnet.__file__).resolve().is_relative_to((REPO / "src").resolve())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel with pip (without build isolation when hatchling is already installed)."""
    out = tmp_path_factory.mktemp("wheel")
    have_hatchling = importlib.util.find_spec("hatchling") is not None
    cmd = [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-input", "--disable-pip-version-check", "-w", str(out)]
    if have_hatchling:
        cmd.append("--no-build-isolation")
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if not have_hatchling and any(sign in output for sign in OFFLINE_SIGNS):
            pytest.skip("pip cannot build the wheel offline: hatchling is not installed and cannot be downloaded")
        pytest.fail(f"pip wheel failed ({' '.join(cmd)}):\n{output[-4000:]}")
    wheels = sorted(out.glob("crampnet-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def wheel_names(wheel) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def test_version_is_read_from_the_package():
    """Check that pyproject.toml states no version of its own but reads crampnet.__version__ (one place)."""
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/crampnet/_version.py"
    assert crampnet.__version__ == crampnet._version.__version__


def test_pyproject_comment_names_the_file_the_version_is_read_from():
    """Check that the comment on ``dynamic = ["version"]`` names the file ``[tool.hatch.version]`` reads (it named ``__init__.py``, which only imports it)."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    comment = " ".join(line.lstrip("# ") for line in text.split("dynamic = [", 1)[0].splitlines()[-4:] if line.startswith("#"))
    assert f"__version__ in {PYPROJECT['tool']['hatch']['version']['path']}" in comment, comment


def test_py_typed_in_source():
    """Check that the package marks itself as typed (PEP 561)."""
    assert (REPO / "src" / "crampnet" / "py.typed").is_file()


def test_wheel_contains_the_network_and_py_typed(wheel, wheel_names):
    """Check that the wheel holds crampnet/networks/leg_cramps.toml and its twin (same bytes as networks/) and crampnet/py.typed."""
    assert "crampnet/networks/leg_cramps.toml" in wheel_names
    assert "crampnet/networks/leg_cramps.json" in wheel_names
    assert "crampnet/py.typed" in wheel_names
    assert "crampnet/__init__.py" in wheel_names
    with zipfile.ZipFile(wheel) as zf:
        shipped = zf.read("crampnet/networks/leg_cramps.toml")
    assert shipped == (REPO / "networks" / "leg_cramps.toml").read_bytes()
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("crampnet/networks/leg_cramps.json") == (REPO / "networks" / "leg_cramps.json").read_bytes()


def test_wheel_has_no_tests(wheel_names):
    """Check that the tests are not shipped in the wheel."""
    assert not [n for n in wheel_names if n.startswith("tests/") or "/tests/" in n]


def test_wheel_metadata(wheel, wheel_names):
    """Check the wheel's METADATA version and the crampnet console script."""
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(next(n for n in wheel_names if n.endswith(".dist-info/METADATA"))).decode("utf-8")
        entry_points = zf.read(next(n for n in wheel_names if n.endswith(".dist-info/entry_points.txt"))).decode("utf-8")
    assert f"\nVersion: {crampnet.__version__}\n" in metadata
    assert "crampnet = crampnet.cli:main" in entry_points


def test_installed_wheel_finds_its_network(wheel, tmp_path):
    """Check that the wheel, installed alone into a fresh folder, finds its network via importlib.resources."""
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-input", "--disable-pip-version-check", "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    script = (
        "import importlib.resources, pathlib, sys, crampnet\n"
        f"assert pathlib.Path(crampnet.__file__).resolve().is_relative_to(pathlib.Path({str(site)!r}).resolve()), crampnet.__file__\n"
        "res = importlib.resources.files('crampnet') / 'networks' / 'leg_cramps.toml'\n"
        "assert res.is_file()\n"
        "from crampnet.network.twin import shipped_twin_text\n"
        f"assert shipped_twin_text() == pathlib.Path({str(REPO / 'networks' / 'leg_cramps.json')!r}).read_text(encoding='utf-8')\n"
        "model = crampnet.load()\n"
        "print(len(model.conditions), model.posteriors({'urge_to_move': True}).index[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    count, _ = run.stdout.split()
    assert int(count) >= 19


def test_installed_package_resources():
    """Check importlib.resources finds networks/leg_cramps.toml in the installed package."""
    if _from_source_checkout():
        pytest.skip("crampnet is imported from src/ (a source checkout), where networks/ is not inside the package")
    resource = importlib.resources.files("crampnet") / "networks" / "leg_cramps.toml"
    assert resource.is_file()
    assert crampnet.load().conditions


def test_installed_metadata_version():
    """Check importlib.metadata's version of crampnet equals crampnet.__version__."""
    try:
        dist = importlib.metadata.distribution("crampnet")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("crampnet is not installed (imported from a source checkout), so it has no metadata")
    if _from_source_checkout():
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
        if not direct.get("url", "").rstrip("/").endswith(str(REPO.resolve())):
            pytest.skip("crampnet is imported from src/ while the installed metadata belongs to another copy")
    assert dist.version == crampnet.__version__
