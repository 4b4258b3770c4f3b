"""Session 51: ``crampnet score --help`` says which separators a cohort file may use, as the reader takes them."""

from __future__ import annotations

import pytest

from crampnet.cli import main


def test_score_help_names_the_separators_the_reader_takes(capsys, cli_run, tmp_path):
    """The help names ';', tabs and '|' beside commas, and a tab file that the help describes is read."""
    with pytest.raises(SystemExit) as stop:
        main(["score", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in ("commas", "';'", "tabs", "'|'"):
        assert word in text, word
    cohort = tmp_path / "cases.tsv"
    cohort.write_text("urge_to_move\tferritin\nyes\t30\n", encoding="utf-8")
    code, out, err = cli_run(["score", "--no-progress", str(cohort)])
    assert code == 0, err
    assert out.splitlines()[0].startswith("row,")
