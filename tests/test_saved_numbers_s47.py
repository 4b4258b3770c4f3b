"""A number typed in an interview is saved, resumed and echoed as it was typed (session 47)."""

from __future__ import annotations

import io
import json

from crampnet._case_file import read_case_file
from crampnet.cli import main


def _interview(monkeypatch, capsys, args: list[str], answers: str) -> str:
    """``crampnet interview ARGS`` with ``answers`` piped in: its standard output (exit code 0 checked)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    assert main(["interview", *args]) == 0
    return capsys.readouterr().out


def _evidence_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


def test_a_resumed_interview_echoes_and_saves_numbers_as_first_typed(tmp_path, monkeypatch, capsys):
    """Check ``age=7e1 ferritin=32.0`` is saved as 7e1 and 32.0 (JSON numbers), and a resumed interview echoes and saves them so.

    The file said ``"age_group": 70.0`` and the resumed interview ``age_group=70`` where the first run said ``age_group=7e1``.
    """
    path = tmp_path / "case.json"
    first = _evidence_line(_interview(monkeypatch, capsys, ["urge_to_move=yes", "age=7e1", "ferritin=32.0", "--save", str(path)], "quit\n"))
    assert first == "Evidence: urge_to_move=yes, age_group=7e1 (65_plus), ferritin=32.0 (low)", first
    saved = path.read_text(encoding="utf-8")
    assert '"age_group": 7e1,' in saved and '"ferritin": 32.0' in saved, saved
    assert json.loads(saved)["evidence"] == {"urge_to_move": "yes", "age_group": 70, "ferritin": 32}
    again = _evidence_line(_interview(monkeypatch, capsys, ["--case", str(path), "--save", str(path)], "quit\n"))
    assert again == first
    assert path.read_text(encoding="utf-8") == saved


def test_an_integer_answer_is_saved_as_an_integer(tmp_path, monkeypatch, capsys):
    """Check an interview answer of ``70`` (to the first question, symptom_duration: 70 days; it was the age) is saved as the JSON integer 70, not 70.0, and echoed as 70 after a resume."""
    path = tmp_path / "case.json"
    out = _interview(monkeypatch, capsys, ["ferritin=32", "--max-questions", "1", "--save", str(path)], "70\n")
    assert "Q1. How long the current problem has lasted (symptom_duration: " in out, out
    evidence = json.loads(path.read_text(encoding="utf-8"))["evidence"]
    assert evidence == {"ferritin": 32, "symptom_duration": 70} and type(evidence["symptom_duration"]) is int, evidence
    again = _evidence_line(_interview(monkeypatch, capsys, ["--case", str(path), "--max-questions", "1"], ""))
    assert again == "Evidence: ferritin=32 (low), symptom_duration=70 (2_weeks_to_3_months)", again


def test_a_saved_cases_numbers_are_read_as_plain_numbers_and_echoed_as_saved(tmp_path, monkeypatch, capsys):
    """Check diagnose --case on a saved interview echoes 7e1 as saved, and the case's numbers are plain floats (no float subclass leaks)."""
    path = tmp_path / "case.json"
    _interview(monkeypatch, capsys, ["age=7e1", "ankle_brachial_index=1.10", "--max-questions", "0", "--save", str(path)], "")
    case = read_case_file(str(path))
    assert case.evidence == {"age_group": 70.0, "ankle_brachial_index": 1.1}
    assert all(type(v) is float for v in case.evidence.values()), case.evidence
    assert main(["diagnose", "--case", str(path), "--top", "1", "--questions", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Evidence: age_group=7e1 (65_plus), ankle_brachial_index=1.10 (normal)"


def test_a_plain_case_files_numbers_are_still_shown_as_numbers(tmp_path):
    """Check a plain case file (not saved by the interview) keeps no typed texts: its 1.10 is shown as the number, as before."""
    path = tmp_path / "c.json"
    path.write_text('{"ankle_brachial_index": 1.10, "age": 7e1}', encoding="utf-8")
    case = read_case_file(str(path))
    assert case.evidence == {"ankle_brachial_index": 1.1, "age": 70.0} and case.typed == {}
    assert all(type(v) is float for v in case.evidence.values()), case.evidence


def test_a_typed_number_json_cannot_write_is_saved_as_its_value():
    """Check ``.5`` and ``1.`` (no JSON numbers), or a text of another value, are written as the number, so the file stays JSON."""
    from crampnet._case_json import Written, dump_json

    text = dump_json({"evidence": {"a": Written(0.5, ".5"), "b": Written(1.0, "1."), "c": Written(2.0, "3"), "d": Written(70.0, "7E+1")}})
    assert json.loads(text) == {"evidence": {"a": 0.5, "b": 1.0, "c": 2.0, "d": 70.0}}
    assert '"a": 0.5' in text and '"b": 1.0' in text and '"c": 2.0' in text and '"d": 7E+1' in text, text
