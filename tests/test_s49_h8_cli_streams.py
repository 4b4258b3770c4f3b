"""The command line on real standard streams: a terminal that is not UTF-8, a closed pipe (session 49, h8)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m crampnet argv`` from the clone's ``src`` with ``env`` added; its exit code and raw output."""
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.run([sys.executable, "-m", "crampnet", *argv], capture_output=True, env=full, timeout=300, check=False)


def test_an_ascii_terminal_gets_the_output_with_escapes_not_an_encoding_error() -> None:
    # the example's differential cites "Björck 2020": an ASCII stdout printed nothing but the codec's error
    done = _run(["diagnose", "--example"], PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert b"codec" not in done.stderr
    assert b"Bj\\xf6rck" in done.stdout
    assert done.stdout.isascii()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_an_ascii_terminal_gets_the_report_with_escapes_not_an_encoding_error() -> None:
    # the report cites "Björck 2020"; on a terminal it is shown with escapes (into a file or pipe it is UTF-8 since
    # session 50, tests/test_s50_document_stdout.py)
    import pty
    import select

    leader, follower = pty.openpty()
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONIOENCODING": "ascii"}
    proc = subprocess.Popen([sys.executable, "-m", "crampnet", "report"], stdout=follower, stderr=subprocess.PIPE, env=full)
    os.close(follower)
    out = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    assert proc.stderr is not None
    with proc.stderr:
        assert b"codec" not in proc.stderr.read()
    assert b"Bj\\xf6rck" in out
    assert bytes(out).isascii()


def _run_without_stderr(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m crampnet argv`` with its standard error closed (``2>&-``); its exit code and standard output."""
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "crampnet", *argv], stdout=subprocess.PIPE, env=full, cwd=ROOT, timeout=300, check=False, preexec_fn=lambda: os.close(2))


@pytest.mark.skipif(sys.platform == "win32", reason="closes a descriptor before exec")
def test_a_closed_stderr_keeps_score_and_its_progress_bar_working(tmp_path: Path) -> None:
    # the bar wrote to sys.stderr, None with 2>&-: AttributeError, exit 1, no CSV
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("age,sex,ferritin\n52,female,32\n", encoding="utf-8")
    done = _run_without_stderr(["score", str(cohort)])
    assert done.returncode == 0
    assert done.stdout.decode().splitlines()[0].startswith("row,nocturnal_leg_cramps,")
    assert len(done.stdout.decode().splitlines()) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="closes a descriptor before exec")
def test_a_closed_stderr_keeps_errors_out_of_the_standard_output() -> None:
    # print(msg, file=sys.stderr) with sys.stderr None writes to stdout: the error became the output
    done = _run_without_stderr(["diagnose", "no_such_node=yes", "--json"])
    assert done.returncode == 2
    assert done.stdout == b""


def test_example_on_another_network_says_the_example_does_not_fit_it(cli_run: Callable[..., tuple[int, str, str]]) -> None:
    # it said "Unknown node 'sex' in evidence", a node the user never typed
    tiny = ROOT / "tests" / "data" / "tiny.toml"
    code, out, err = cli_run(["diagnose", "--example", "--network", str(tiny)])
    assert code == 2
    assert out == ""
    assert "--example is the example case of the shipped network" in err
    assert "'sex'" in err
    assert str(tiny) in err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_score_writes_its_csv_to_stdout_in_utf8_as_to_a_file(tmp_path: Path, encoding: str) -> None:
    # an ASCII (or Latin-1) stdout failed on the id "Łucja", or, with escapes, would change the ids of the data
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("id,age\nBjörck,52\nŁucja,60\n", encoding="utf-8")
    to_file = _run(["score", str(cohort), "--index-col", "id", "--no-progress", "-o", str(tmp_path / "out.csv")])
    assert to_file.returncode == 0, to_file.stderr
    done = _run(["score", str(cohort), "--index-col", "id", "--no-progress"], PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr
    assert [line.split(",")[0] for line in done.stdout.decode("utf-8").splitlines()] == ["id", "Björck", "Łucja"]
    assert done.stdout == (tmp_path / "out.csv").read_bytes()
