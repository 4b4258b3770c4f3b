"""What the command line says about options a terminal user gives it (helper h3, session 45).

Found by the pass of session 44: ``export --format bif -o net.xdsl`` wrote
BIF into a file named for XDSL; a single-valued option given twice kept the
last value without a word; a line holding only ``""`` in a cohort of several
columns was scored as a case with nothing known.
"""

from __future__ import annotations

import pytest

from crampnet.cli import main


@pytest.mark.parametrize(
    ("argv", "fmt", "suffix", "means", "advice"),
    [
        (["export", "--format", "bif", "-o", "{dir}/net.xdsl"], "bif", ".xdsl", "xdsl", "net.bif"),
        (["export", "--format", "uai", "-o", "{dir}/net.BIF"], "uai", ".bif", "bif", "net.uai"),
        (["export", "--format", "bif", "-o", "{dir}/net.xml"], "bif", ".xml", "xmlbif or xdsl", "net.bif"),
        (["report", "--example", "--format", "markdown", "-o", "{dir}/r.html"], "markdown", ".html", "html", "r.md"),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.md"], "html", ".md", "markdown", "r.html"),
    ],
)
def test_a_format_that_the_output_suffix_contradicts_is_refused(cli_error, tmp_path, argv, fmt, suffix, means, advice):
    """Check that ``--format`` against a known suffix of ``-o`` is an error naming both, and that nothing is written
    (``export --format bif -o net.xdsl`` wrote BIF into the .xdsl file)."""
    argv = [a.format(dir=tmp_path) for a in argv]
    out = argv[-1]
    err = cli_error(argv)
    assert err.startswith(f"crampnet: error: {out}: --format {fmt} contradicts the suffix {suffix}, which means {means};"), err
    assert advice in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["export", "--format", "bif", "-o", "{dir}/net.txt"], "network "),
        (["export", "--format", "xdsl", "-o", "{dir}/net.xml"], "<?xml"),
        (["export", "--format", "xmlbif", "-o", "{dir}/net.XML"], "<?xml"),
        (["export", "--format", "bif", "-o", "{dir}/net.bif"], "network "),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.txt"], "<!DOCTYPE html>"),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.htm"], "<!DOCTYPE html>"),
    ],
)
def test_a_format_with_an_unknown_or_agreeing_suffix_is_written(tmp_path, capsys, argv, start):
    """Check that ``--format`` with a suffix that means no format, or the same one, writes the file in that format."""
    argv = [a.format(dir=tmp_path) for a in argv]
    assert main(argv) == 0, capsys.readouterr().err
    from pathlib import Path

    assert Path(argv[-1]).read_text(encoding="utf-8").startswith(start)
