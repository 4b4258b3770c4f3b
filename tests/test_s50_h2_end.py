"""The answer that ends ``crampnet interview`` (session 50, h2): no prompt follows it, so back cannot reach it; the end says how to change it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

TINY = str(Path(__file__).parent / "data" / "tiny.toml")


def _evidence(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


def test_the_answer_that_ends_the_interview_says_how_to_change_it(tmp_path, cli_run):
    """Check the last --max-questions answer, which no prompt follows (so back cannot reach it): the end says how to change it with the saved case, and that way works; the final block's lines stay as scripts read them."""
    saved = tmp_path / "case.json"
    code, out, _ = cli_run(["interview", "urge_to_move=yes", "age_group=65_plus", "--max-questions", "1", "--save", str(saved)], "yes\nback\n")
    assert code == 0
    nid = next(line for line in out.splitlines() if line.startswith("Q1. ")).rsplit("(", 1)[1].split(":", 1)[0]
    lines = out.rstrip("\n").splitlines()
    assert lines[-1].startswith(f"The case is saved in {saved}; resume it with: ")  # stable: still the last line, then the note, then the evidence
    assert lines[-2].startswith("crampnet supports clinical reasoning")
    hint = lines[-3]
    assert f"{nid}=yes" in hint and "back" in hint and f"{nid}=" in hint.split("back", 1)[1] and "resume" in hint, hint
    assert _evidence(out) == f"Evidence: urge_to_move=yes, age_group=65_plus, {nid}=yes"
    argv = [*shlex.split(lines[-1].split("; resume it with: ", 1)[1])[1:], f"{nid}=no"]  # as the hint says: the answer anew on the command line
    code, out, err = cli_run(argv, "quit\n")
    assert (code, err) == (0, "")
    assert json.loads(saved.read_text(encoding="utf-8"))["evidence"][nid] == "no"


def test_a_skip_or_answer_ending_it_without_save_says_so_too(cli_run):
    """Check without --save: the hint says to run the interview again; after a skip, how to answer it; after quit (back was open) no hint."""
    for stdin, word in (("yes\n", "yes"), ("skip\n", "skip")):
        code, out, _ = cli_run(["interview", "--network", TINY, "--max-questions", "1"], stdin)
        lines = out.rstrip("\n").splitlines()
        assert code == 0 and lines[-3].startswith("Evidence: ") and lines[-1].startswith("crampnet supports clinical reasoning"), lines[-3:]
        hint = lines[-2]
        assert "ended the interview" in hint and ("skip" in hint) == (word == "skip") and "again" in hint and "jerks=<" in hint, hint
    code, out, _ = cli_run(["interview", "--network", TINY, "--max-questions", "2", "--confidence", "1"], "no\nquit\n")
    assert code == 0 and "Stopping: quit." in out and "ended the interview" not in out


def test_an_answer_reaching_the_confidence_says_so(cli_run):
    """Check an answer that makes a condition reach --confidence (jerks=yes makes plm certain on the tiny network): the end names it as the answer back cannot reach."""
    code, out, _ = cli_run(["interview", "--network", TINY, "--max-questions", "5"], "yes\nback\n")
    assert code == 0 and "Stopping: plm has reached P = " in out
    assert out.rstrip("\n").splitlines()[-2].startswith("  jerks=yes ended the interview, so back no longer reaches it")
