"""Hostile files and paths (issue 16): bounded, named reads; atomic writes to regular files only.

Each test pins one finding of the hostile-input campaign: a trailing comma in
a cohort CSV, output through a link, FIFO or device, duplicate keys, a full
disk, unreadable and endless files, deep JSON, numbers beyond float range,
and NaN in the JSON output. The commands that hung before the fix (reading
``/dev/zero`` or a FIFO) run in a subprocess with a timeout, so a regression
fails instead of hanging the suite.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet._files import read_bytes, read_text, write_atomic
from crampnet.cli import main
from crampnet.interop.export import export

DATA = Path(__file__).parent / "data"
TINY = str(DATA / "tiny.toml")
HUGE = "1" + "0" * 400  # beyond float range
DIGITS_5000 = "7" * 5000  # beyond Python's int-max-str-digits


# The command line in a child process capped at 4 GiB of address space, so that a
# regression that reads /dev/zero without bound fails instead of exhausting the machine.
_CAPPED = (
    "import sys\n"
    "try:\n    import resource\n    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, resource.getrlimit(resource.RLIMIT_AS)[1]))\n"
    "except (ImportError, ValueError, OSError):\n    pass\n"
    "from crampnet.cli import main\nsys.exit(main(sys.argv[1:]))\n"
)


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _CAPPED, *args], capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)


class Hang(BaseException):
    """main() did not return in time (opening a FIFO blocks until the other end opens it)."""


def _within(seconds: int, argv: list[str]) -> int:
    """main(argv), failing (not hanging) after ``seconds`` where SIGALRM exists."""
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - not on Windows
        return main(argv)

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"crampnet {' '.join(argv)} still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run main(argv), check it exits 2 with one clean error line and no output, and return stderr."""
    assert _within(60, argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("crampnet: error: "), captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    return captured.err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or ".partial" in p.name)


# ---------------------------------------------------------------------------
# item 3: rows that end with a comma
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "urge_to_move,worse_at_rest\nyes,no,\n",  # the reported case
        "urge_to_move,worse_at_rest\nyes,no,\nno,yes,\n",
        "urge_to_move,worse_at_rest,\nyes,no,\n",  # a trailing comma in the header too
        "urge_to_move,worse_at_rest\nyes,no,,,\n",
        "\n\nurge_to_move,worse_at_rest\r\nyes,no,\r\n",
    ],
)
def test_score_reads_a_trailing_comma_correctly(model, tmp_path, capsys, content):
    """Check that 'yes,no,' is scored as urge_to_move=yes, worse_at_rest=no, not shifted by one column."""
    path = tmp_path / "trailing.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert main(["score", str(path), "--no-progress"]) == 0
    scored = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="row")
    expected = model.posteriors({"urge_to_move": "yes", "worse_at_rest": "no"})
    assert scored.index[0] == 0
    assert list(scored.columns) == [*model.conditions, "red_flags"]
    assert np.abs(scored.iloc[0][model.conditions].to_numpy(dtype=float) - expected[model.conditions].to_numpy()).max() < 1e-12


def test_score_trailing_comma_with_an_index_column(model, tmp_path, capsys):
    """Check a trailing comma when --index-col names the case column."""
    path = tmp_path / "trailing.csv"
    path.write_text("case,urge_to_move,worse_at_rest\na,yes,no,\nb,no,yes\n", encoding="utf-8")
    assert main(["score", str(path), "--index-col", "case", "--no-progress"]) == 0
    scored = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="case")
    expected = model.posteriors({"urge_to_move": "yes", "worse_at_rest": "no"})
    assert scored.loc["a", "restless_legs_syndrome"] == pytest.approx(expected["restless_legs_syndrome"], abs=1e-12)


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ("urge_to_move,worse_at_rest\nyes,no,maybe\n", "row 0", "a value after the last column of the header ('worse_at_rest'): 'maybe'"),
        ("urge_to_move,worse_at_rest\nyes,no\nno,yes,,,,,,,,,,,,,,,\n", "line 3", "17 fields, more than the 2 columns"),
        ("urge_to_move,,worse_at_rest\nyes,,no\n", "", "column 2 of the header has no name"),
        ("urge_to_move,worse_at_rest,urge_to_move\nyes,no,yes\n", "", "the header names 'urge_to_move' twice"),
        (",\n,\n", "", "the header row names no columns"),
    ],
)
def test_score_extra_fields_name_the_file_and_row(tmp_path, capsys, content, where, message):
    """Check that a value after the header's last column, or a bad header, is an error naming the file (and row or line)."""
    path = tmp_path / "extra.csv"
    path.write_text(content, encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"{path}{', ' + where if where else ''}: " in err
    assert message in err


def test_score_index_col_that_is_not_a_column(tmp_path, capsys):
    """Check that --index-col naming no column is an error naming the file and the columns."""
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move\nyes\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--index-col", "case", "--no-progress"])
    assert f"{path}: no column 'case' for --index-col; the header names 'urge_to_move'" in err


# ---------------------------------------------------------------------------
# items 4 and 6: output files are written atomically, to regular files only
# ---------------------------------------------------------------------------


def _target(tmp_path: Path, kind: str, name: str) -> tuple[Path, object]:
    """A target of ``kind`` in tmp_path, and a snapshot to compare it with afterwards."""
    path = tmp_path / name
    if kind == "symlink":
        real = tmp_path / "real.txt"
        real.write_text("the link's target\n", encoding="utf-8")
        path.symlink_to(real)
    elif kind == "dangling symlink":
        path.symlink_to(tmp_path / "nowhere.txt")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of its own: the real one is never at risk
    info = os.lstat(path)
    return path, (stat.S_IFMT(info.st_mode), info.st_ino, os.readlink(path) if kind.endswith("symlink") else None)


def _snapshot(path: Path, kind: str) -> object:
    info = os.lstat(path)
    return (stat.S_IFMT(info.st_mode), info.st_ino, os.readlink(path) if kind.endswith("symlink") else None)


KINDS = ["symlink", "dangling symlink", "fifo", "directory", "device"]


@pytest.fixture
def cohort_csv(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "c.csv"
    path.parent.mkdir()
    path.write_text("urge_to_move,ferritin\nyes,30\nno,\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", ["score", "report", "export"])
def test_output_refuses_anything_but_a_regular_file(tmp_path, capsys, cohort_csv, kind, command):
    """Check that -o onto a symlink, FIFO, directory or device exits 2 naming it, and leaves it as it was."""
    name = {"score": "out.csv", "report": "out.md", "export": "out.bif"}[command]
    target, before = _target(tmp_path, kind, name)
    argv = {"score": ["score", str(cohort_csv), "--no-progress"], "report": ["report", "--example"], "export": ["export"]}[command]
    err = _error(capsys, [*argv, "-o", str(target)])
    assert f"{target}: refusing to write the " in err
    assert "not a regular file" in err
    assert _snapshot(target, kind) == before
    if kind == "symlink":
        assert (tmp_path / "real.txt").read_text(encoding="utf-8") == "the link's target\n"
    assert _leftovers(tmp_path) == []


def test_library_export_refuses_a_symlink(model, tmp_path):
    """Check that crampnet.interop.export.export(path=a symlink) raises a ValueError and leaves the link."""
    target, before = _target(tmp_path, "symlink", "net.bif")
    with pytest.raises(crampnet.CrampnetError, match="not a regular file") as info:
        export(model, "bif", target)
    assert isinstance(info.value, ValueError)
    assert _snapshot(target, "symlink") == before
    assert (tmp_path / "real.txt").read_text(encoding="utf-8") == "the link's target\n"


@pytest.mark.parametrize("command", ["score", "report", "export"])
def test_output_replaces_a_regular_file_keeping_its_mode(tmp_path, capsys, cohort_csv, command):
    """Check that -o onto an existing regular file replaces it whole, with its permission bits, and leaves no temporary file."""
    target = tmp_path / {"score": "out.csv", "report": "out.md", "export": "out.bif"}[command]
    target.write_text("old content\n", encoding="utf-8")
    target.chmod(0o640)
    argv = {"score": ["score", str(cohort_csv), "--no-progress"], "report": ["report", "--example"], "export": ["export"]}[command]
    assert main([*argv, "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "old content" not in text and len(text) > 100
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []
    if command != "export":
        assert str(target) in capsys.readouterr().err


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, nbytes: int) -> None:
    """Make os.write fail with ENOSPC once ``nbytes`` have been written (through crampnet._files)."""
    written = [0]
    real = os.write

    def write(fd: int, data: bytes) -> int:
        if written[0] + len(data) > nbytes:
            room = nbytes - written[0]
            if room > 0:
                written[0] += real(fd, bytes(data[:room]))
                return room
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written[0] += len(data)
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("failing", ["write", "fsync"])
@pytest.mark.parametrize("command", ["score", "report", "export"])
def test_a_full_disk_leaves_the_target_untouched(tmp_path, capsys, monkeypatch, cohort_csv, command, failing):
    """Check that ENOSPC while writing -o exits 2 naming the file and the reason, keeps the old file, and leaves no temporary file."""
    target = tmp_path / {"score": "out.csv", "report": "out.md", "export": "out.bif"}[command]
    target.write_text("old content\n", encoding="utf-8")
    argv = {"score": ["score", str(cohort_csv), "--no-progress"], "report": ["report", "--example"], "export": ["export"]}[command]
    assert main(["export", "--format", "bif"]) == 0  # loads (and caches) the model before os is patched
    capsys.readouterr()
    if failing == "write":
        _disk_full_after(monkeypatch, 50)
    else:
        def fsync(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fsync", fsync)
    err = _error(capsys, [*argv, "-o", str(target)])
    assert f"{target}: cannot write the " in err and "No space left on device" in err and "nothing was replaced" in err
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_with_a_failing_writer(tmp_path):
    """Check that a writer that fails half way (any exception) leaves a new target absent and no temporary file."""
    target = tmp_path / "out.csv"

    def writer(stream: io.TextIOBase) -> None:
        stream.write("x" * 100_000)
        raise RuntimeError("stopped half way")

    with pytest.raises(RuntimeError, match="half way"):
        write_atomic(target, writer, what="posteriors CSV")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_into_a_missing_folder(tmp_path):
    """Check that a target in a folder that does not exist is an error naming the file and the reason."""
    target = tmp_path / "no" / "such" / "out.md"
    with pytest.raises(crampnet.CrampnetError, match="No such file or directory") as info:
        write_atomic(target, "text", what="report")
    assert str(target) in str(info.value)


# ---------------------------------------------------------------------------
# item 5: a key given twice
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["urge_to_move=yes", "urge_to_move=no"], "the command line: 'urge_to_move' is given twice"),
        (["--network", TINY, "age=70", "age_group=65_plus"], "the command line: age_group (as 'age' and 'age_group') is given twice"),
    ],
)
def test_duplicate_on_the_command_line(capsys, args, message):
    """Check that a node given twice on the command line (also as id and alias) is an error naming it."""
    assert message in _error(capsys, ["diagnose", *args])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"urge_to_move": true, "urge_to_move": false}', "the key 'urge_to_move' appears twice in one JSON object"),
        ('{"restless_legs_syndrome": {"present": 0.2, "present": 0.9}}', "the key 'present' appears twice"),
        ('{"age": 70, "age_group": "65_plus"}', "age_group (as 'age' and 'age_group') is given twice"),
    ],
)
def test_duplicate_in_a_case_file(tmp_path, capsys, content, message):
    """Check that a key given twice in a --case file is an error naming the key and the file."""
    case = tmp_path / "dup.json"
    case.write_text(content, encoding="utf-8")
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert f"{case}: " in err and message in err


def test_case_file_then_command_line_still_overrides(capsys, tmp_path):
    """Check that one node in the case file and on the command line is an override, not a duplicate (by id, also through an alias)."""
    case = tmp_path / "case.json"
    case.write_text('{"age": 30, "urge_to_move": true}', encoding="utf-8")
    assert main(["diagnose", "--case", str(case), "age_group=65_plus", "--json", "--questions", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["evidence"] == {"age_group": "65_plus", "urge_to_move": True}


# ---------------------------------------------------------------------------
# item 9: files that cannot be read raise crampnet's error naming them
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/pagemap").exists(), reason="Linux /proc only")
def test_load_proc_pagemap():
    """Check that load('/proc/self/pagemap') raises NetworkFileError naming the file (it raised a bare OSError)."""
    with pytest.raises(crampnet.NetworkFileError, match="/proc/self/pagemap: ") as info:
        crampnet.load("/proc/self/pagemap")
    assert info.value.path == "/proc/self/pagemap"


def test_load_a_too_long_path():
    """Check that a 5,000-character path raises NetworkFileError naming (the start of) it, with the reason."""
    path = "x" * 5000 + ".toml"
    with pytest.raises(crampnet.NetworkFileError, match="File name too long") as info:
        crampnet.load(path)
    assert str(info.value).startswith("x" * 100) and len(str(info.value)) < 400


def test_load_an_unreadable_file(tmp_path, monkeypatch):
    """Check that a file the process may not read raises NetworkFileError naming it, with 'Permission denied'."""
    path = tmp_path / "locked.toml"
    path.write_text((DATA / "tiny.toml").read_text(encoding="utf-8"), encoding="utf-8")
    real_open = os.open

    def no_access(name: object, *args: object, **kwargs: object) -> int:
        if os.fspath(name) == str(path):  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", no_access)
    with pytest.raises(crampnet.NetworkFileError, match="Permission denied") as info:
        crampnet.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("path", ["tiny\x00.toml", "/dev/zero", "/"])
def test_load_other_hostile_paths(path):
    """Check a NUL in the name, a device and a directory: NetworkFileError naming the path (a NUL escaped, as any unprintable character)."""
    with pytest.raises(crampnet.NetworkFileError) as info:
        crampnet.load(path)
    assert repr(path)[1:-1] in str(info.value)


def test_network_fifo_is_refused_without_blocking(tmp_path):
    """Check that --network onto a FIFO with no writer exits 2 at once."""
    fifo = tmp_path / "net.toml"
    os.mkfifo(fifo)
    proc = _run("diagnose", "--network", str(fifo), timeout=60)
    assert proc.returncode == 2
    assert f"{fifo}: not a regular file (it is a FIFO (named pipe))" in proc.stderr


# ---------------------------------------------------------------------------
# item 11: endless files, FIFOs and deep JSON
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["score", "case"])
@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_endless_sources_are_refused_at_once(tmp_path, where, source):
    """Check that /dev/zero or a FIFO as the cohort or the case file exits 2 within the timeout, naming it."""
    if source == "fifo":
        source = str(tmp_path / "endless")
        os.mkfifo(source)
    args = ["score", source, "--no-progress"] if where == "score" else ["diagnose", "--case", source]
    try:
        proc = _run(*args, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"crampnet {' '.join(args)} still reading after 60 s")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"crampnet: error: {source}: not a regular file")


def test_case_file_nested_100000_deep(tmp_path, capsys):
    """Check that JSON nested 100,000 deep is an error naming the file, not a RecursionError."""
    case = tmp_path / "deep.json"
    case.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert f"{case}: the JSON is nested too deeply" in err


def test_case_file_too_large(tmp_path, capsys):
    """Check that a case file over the cap is refused, naming the file and the cap."""
    case = tmp_path / "big.json"
    case.write_text('{"urge_to_move": true, "pad": "' + "x" * (2 << 20) + '"}', encoding="utf-8")
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert f"{case}: file is larger than 1048576 bytes" in err


def test_read_bytes_stops_at_the_cap():
    """Check that read_bytes reads no more than limit + 1 bytes of a file that claims size 0 (a /proc file)."""
    path = "/proc/self/status"
    if not Path(path).exists():
        pytest.skip("Linux /proc only")
    with pytest.raises(crampnet.CrampnetError, match="larger than 10 bytes"):
        read_bytes(path, limit=10, what="test file")
    assert read_text(path, limit=1 << 20, what="test file").startswith("Name:")


# ---------------------------------------------------------------------------
# item 14: errors about files name them
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON: Expecting property name"),
        ("[1, 2]", "must hold a JSON object"),
        ("", "the file is empty; a case file is JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ('{"urge_to_mov": true}', "Unknown node 'urge_to_mov' in the case file. Did you mean 'urge_to_move'?"),
        ('{"ferritin": "lots"}', "'lots' is not a state of ferritin"),
        ('{"ferritin": NaN}', "NaN is not a number crampnet can use"),
        ('{"ferritin": -Infinity}', "-Infinity is not a number crampnet can use"),
    ],
)
def test_bad_case_file_names_the_file(tmp_path, capsys, content, message):
    """Check that every error about a --case file starts with the file's name."""
    case = tmp_path / "case.json"
    if isinstance(content, bytes):
        case.write_bytes(content)
    else:
        case.write_text(content, encoding="utf-8")
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert err.startswith(f"crampnet: error: {case}: ")
    assert message in err


def test_case_file_with_a_byte_order_mark(capsys, tmp_path):
    """Check that a UTF-8 case file saved with a byte-order mark (Windows editors) is read."""
    case = tmp_path / "case.json"
    case.write_bytes(b"\xef\xbb\xbf" + b'{"urge_to_move": true}')
    assert main(["diagnose", "--case", str(case), "--json", "--questions", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["evidence"] == {"urge_to_move": True}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n\n", "the file is empty"),
        (b"urge_to_move\n\xff\n", "not UTF-8 text"),
        (b"urge_to_move\n" + b"yes\n" * 50_000 + b"caf\xe9\n", "not UTF-8 text"),
        (b"urge_to_move\nmaybe\n", "cohort.csv, row 0, column 'urge_to_move'"),
        (b'urge_to_move\n"yes\n', "not a CSV file that can be read"),
        (b"\xef\xbb\xbfurge_to_move|age;sex\nyes|45;male\n", "which holds ';' and '|'; separate the names"),  # a file with one of them is read (tests/test_s51_h2_cohort_files.py)
        (b'"urge_to_move,x"\tage\nyes\t45\n', "which holds '\\t' and a comma"),
    ],
)
def test_bad_cohort_names_the_file(tmp_path, capsys, content, message):
    """Check that an empty, non-UTF-8 or otherwise bad cohort CSV is an error starting with the file's name, and -o is not written."""
    path, out = tmp_path / "cohort.csv", tmp_path / "out.csv"
    path.write_bytes(content)
    err = _error(capsys, ["score", str(path), "-o", str(out), "--no-progress"])
    assert err.startswith(f"crampnet: error: {path}")
    assert message in err
    assert not out.exists() and _leftovers(tmp_path) == []


def test_a_bad_cohort_erases_the_progress_bar(tmp_path, capsys):
    """Check that with the progress bar on, an error leaves no bar on the line before its message.

    The bar is drawn before the file's header is read; the error used to
    close it as it stood, so a terminal showed "crampnet score: 0%|..." then
    the message. Now the bar's line is cleared: what follows the last
    carriage return is the error alone.
    """
    path = tmp_path / "cohort.csv"
    path.write_bytes(b"urge_to_move|age\tsex\nyes|45\tmale\n")  # two separators: '|' alone is read (session 51)
    assert _within(60, ["score", str(path)]) == 2
    err = capsys.readouterr().err
    visible = err.split("\r")[-1].strip()
    assert visible.startswith(f"crampnet: error: {path}: the header is one column"), err
    assert "crampnet score:" not in visible


def test_bad_cohort_from_stdin_is_named_stdin(monkeypatch, capsys):
    """Check that an empty CSV on standard input is named <stdin>."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert "<stdin>: the file is empty" in _error(capsys, ["score", "-", "--no-progress"])


# ---------------------------------------------------------------------------
# item 8: numbers beyond float range in files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "digits"), [(HUGE, 401), ("-" + HUGE, 401), (DIGITS_5000, 5000)])
def test_case_file_integer_beyond_float_range(tmp_path, capsys, number, digits):
    """Check that an integer beyond float range (or Python's digit limit) in a case file is crampnet's error naming the file."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"age": {number}}}', encoding="utf-8")
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert f"{case}: the number " in err and f"({digits} digits) is beyond the range of a floating-point number" in err


def test_case_file_soft_weight_beyond_float_range(tmp_path, capsys):
    """Check a soft-evidence weight beyond float range in a case file."""
    case = tmp_path / "case.json"
    case.write_text(f'{{"restless_legs_syndrome": {{"present": {HUGE}, "absent": 1}}}}', encoding="utf-8")
    assert f"{case}: the number " in _error(capsys, ["diagnose", "--case", str(case)])


@pytest.mark.parametrize("number", [HUGE, "-" + HUGE])
def test_cohort_integer_beyond_float_range(tmp_path, capsys, number):
    """Check that an integer beyond float range in a cohort CSV names the file, row and column."""
    path = tmp_path / "cohort.csv"
    path.write_text(f"age,urge_to_move\n30,yes\n{number},no\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"{path}, row 1, column 'age': the number " in err and "beyond the range of a floating-point number" in err


@pytest.mark.parametrize("value", [DIGITS_5000, "1e400", "-1e400"])
def test_cohort_and_command_line_very_long_numbers(tmp_path, capsys, value):
    """Check that a 5,000-digit number or 1e400 in a CSV cell or on the command line is a clean error (exit 2)."""
    path = tmp_path / "cohort.csv"
    path.write_text(f"ferritin\n{value}\n", encoding="utf-8")
    assert str(path) in _error(capsys, ["score", str(path), "--no-progress"])
    _error(capsys, ["diagnose", f"ferritin={value}"])


# ---------------------------------------------------------------------------
# item 1's symptom: --json never prints NaN
# ---------------------------------------------------------------------------


def _no_constants(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"{name} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def test_json_refuses_a_nan_posterior(monkeypatch, capsys):
    """Check the guard: a NaN posterior (a bug upstream) is an error naming it, and no NaN is printed.

    Since session 43 the red-flag rules check the posteriors they are given (h5), so the first guard to meet the NaN
    may be theirs ("Got nan for 'nocturnal_leg_cramps'") rather than the JSON writer's ("came out as nan").
    """
    real = crampnet.Model.diagnose

    def nan_diagnose(self: crampnet.Model, *args: object, **kwargs: object) -> object:
        dx = real(self, *args, **kwargs)  # type: ignore[arg-type]
        dx._values = dx._values.copy()  # the diagnosis's own posteriors, which every output reads
        dx._values[0] = float("nan")
        return dx

    monkeypatch.setattr(crampnet.Model, "diagnose", nan_diagnose)
    for argv in (["diagnose", "--json", "urge_to_move=yes"], ["diagnose", "urge_to_move=yes"]):
        err = _error(capsys, argv)
        assert "came out as nan, not a finite number" in err or "Got nan for 'nocturnal_leg_cramps'" in err, err  # _error: nothing on stdout


def test_json_with_extreme_soft_evidence_is_json(tmp_path, capsys):
    """Check the reported case: weights of 1e308 in a case file give standard JSON (or a clean error), never NaN."""
    case = tmp_path / "soft.json"
    case.write_text('{"restless_legs_syndrome": {"present": 1e308, "absent": 1e308}}', encoding="utf-8")
    code = main(["diagnose", "--json", "--case", str(case), "--questions", "0"])
    captured = capsys.readouterr()
    assert "NaN" not in captured.out
    assert code in (0, 2)
    if code == 0:
        out = _no_constants(captured.out)
        assert all(0.0 <= p <= 1.0 for p in out["posteriors"].values())  # type: ignore[index]
    else:
        assert captured.err.startswith("crampnet: error: ")
