"""The network's digest (SHA-256 of its file's text) in records, ``--json``, the report and ``--version``.

The network's version names a release and stayed 0.2.0 while sessions changed
its numbers, so two results stamped "leg_cramps 0.2.0" could come from
different numbers; the digest tells them apart. Each expected digest here is
computed by hashlib from the file's bytes, not read from crampnet.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import pytest

import crampnet
import crampnet.cli
from crampnet.network.loading import shipped_text

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "networks" / "leg_cramps.toml"

CASE = {"urge_to_move": "yes", "ferritin": 30}


@pytest.fixture(scope="module")
def file_digest() -> str:
    """The SHA-256 of the shipped network file's bytes (UTF-8 text, so the same as of its text)."""
    return hashlib.sha256(SHIPPED_FILE.read_bytes()).hexdigest()


def test_the_spec_carries_the_digest_of_the_file(model, file_digest):
    """Check ``model.spec.digest`` is the SHA-256 of networks/leg_cramps.toml and ``stamp()`` names it beside name and version."""
    assert shipped_text().encode("utf-8") == SHIPPED_FILE.read_bytes()  # the file the digest is of
    assert model.spec.digest == file_digest
    assert model.spec.stamp() == {"name": "leg_cramps", "version": model.spec.version, "digest": file_digest}


def test_another_text_of_the_same_version_has_another_digest(tmp_path, file_digest):
    """Check a copy with one comment line added keeps name and version but not the digest."""
    copy = tmp_path / "leg_cramps.toml"
    copy.write_bytes(SHIPPED_FILE.read_bytes() + b"# edited\n")
    other = crampnet.load(copy).spec
    assert (other.name, other.version) == (crampnet.load().spec.name, crampnet.load().spec.version)
    assert other.digest == hashlib.sha256(copy.read_bytes()).hexdigest() != file_digest


def test_from_dict_warns_when_the_record_was_made_with_another_text(model, tmp_path):
    """Check a record whose digest differs warns naming the other file, and one whose digest matches does not."""
    record = json.loads(json.dumps(model.diagnose(CASE).to_dict()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crampnet.Diagnosis.from_dict(model, record)  # the same text: no warning
    edited = {**record, "network": {**record["network"], "digest": "0" * 64}}
    with pytest.warns(UserWarning, match=r"another file of leg_cramps .*digest '0000000000.*its posteriors may differ"):
        again = crampnet.Diagnosis.from_dict(model, edited)
    assert again.differential == model.diagnose(CASE).differential  # computed afresh all the same


def test_a_record_without_a_digest_reads_back_quietly(model):
    """Check a record written before the digest (name and version only) still reads back without a warning."""
    record = model.diagnose(CASE).to_dict()
    old = {**record, "network": {"name": record["network"]["name"], "version": record["network"]["version"]}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert crampnet.Diagnosis.from_dict(model, old).differential == model.diagnose(CASE).differential


def test_cli_json_names_crampnet_the_network_and_the_population(cli_run, file_digest):
    """Check ``crampnet diagnose --json`` starts with crampnet's version, the network (digest included) and the population."""
    code, out, err = cli_run(["diagnose", "urge_to_move=yes", "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[:3] == ["crampnet_version", "network", "population"]
    assert data["crampnet_version"] == crampnet.__version__
    assert data["network"] == {"name": "leg_cramps", "version": crampnet.load().spec.version, "digest": file_digest}
    assert data["population"] == "presenting"


def test_cli_json_of_another_file_names_its_digest(cli_run, tmp_path, file_digest):
    """Check ``--network FILE --json`` names that file's digest, not the shipped one's."""
    copy = tmp_path / "edited.toml"
    copy.write_bytes(SHIPPED_FILE.read_bytes() + b"# edited\n")
    code, out, err = cli_run(["diagnose", "urge_to_move=yes", "--json", "--network", str(copy)])
    assert code == 0, err
    assert json.loads(out)["network"]["digest"] == hashlib.sha256(copy.read_bytes()).hexdigest() != file_digest


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_report_states_the_digest(model, file_digest, fmt):
    """Check the report's Network line (markdown and HTML) gives the whole digest."""
    text = model.diagnose(CASE).report(format=fmt)
    assert f"SHA-256 of the file {file_digest}" in text


def test_version_names_the_shipped_network(capsys, file_digest):
    """Check ``crampnet --version``: crampnet's version, then the shipped network's name, version and digest, exit 0."""
    with pytest.raises(SystemExit) as stop:
        crampnet.cli.main(["--version"])
    out, err = capsys.readouterr()
    assert (stop.value.code, err) == (0, "")
    assert out.splitlines() == [
        f"crampnet {crampnet.__version__}",
        f"network leg_cramps {crampnet.load().spec.version} (shipped; SHA-256 of its file {file_digest})",
    ]


@pytest.mark.parametrize(("rows", "population"), [(2, "presenting"), (1, "adults")])
def test_score_says_how_many_rows_and_which_network(cli_run, tmp_path, file_digest, rows, population):
    """Check ``crampnet score -o`` ends with the rows written, the network (digest included) and the population: the CSV has nowhere to keep them."""
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("age,urge_to_move\n" + "60,yes\n70,no\n"[: 7 * rows], encoding="utf-8")
    out = tmp_path / "scores.csv"
    code, _, err = cli_run(["score", str(cohort), "-o", str(out), "--population", population])
    assert code == 0, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == rows + 1
    version = crampnet.load().spec.version
    suffix = f"({rows} row{'s' if rows != 1 else ''}; network leg_cramps {version}, SHA-256 {file_digest}; population {population})"
    assert err.strip().splitlines()[-1].startswith("crampnet: wrote the posteriors to") and err.strip().endswith(suffix)
