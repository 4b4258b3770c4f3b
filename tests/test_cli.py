"""The command line: diagnose, interview, report, export and score, through subprocess and main()."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import crampnet
from crampnet.cli import interpret, main, parse_assignment
from crampnet.interop.export import export
from crampnet.reasoning.ranking import counterfactual_scores

DATA = Path(__file__).parent / "data"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crampnet", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _first_condition(stdout: str) -> str:
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["rank", "condition"])
    return lines[header + 1].split()[1]


def _differential(
    stdout: str,
) -> tuple[list[str], list[tuple[int, str, float, float | None]], list[str]]:
    """The header words, (rank, condition, probability, measure or None) per row, and the lines after the table."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["rank", "condition"])
    rows = []
    end = start + 1
    while end < len(lines) and re.match(r"^ *\d+  ", lines[end]):
        words = lines[end].replace("[must not miss]", "").split()
        measure = float(words[4]) if len(words) > 4 else None
        rows.append((int(words[0]), words[1], float(words[2]), measure))
        end += 1
    return lines[start].split(), rows, lines[end:]


def test_diagnose_example(model):
    """Check that 'diagnose --example' exits 0 and ranks restless_legs_syndrome first."""
    proc = _run("diagnose", "--example")
    assert proc.returncode == 0, proc.stderr
    assert _first_condition(proc.stdout) == "restless_legs_syndrome"
    assert proc.stderr == ""


def test_diagnose_misspelt_node(model):
    """Check that a misspelt node exits 2 with 'Did you mean' on stderr and nothing on stdout."""
    proc = _run("diagnose", "urge_to_mov=yes")
    assert proc.returncode == 2
    assert "Did you mean 'urge_to_move'?" in proc.stderr
    assert proc.stdout == ""


def test_diagnose_json(model):
    """Check that --json prints JSON with every condition's posterior, RLS first for the example."""
    proc = _run("diagnose", "--example", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    posteriors = out["posteriors"]
    assert sorted(posteriors) == sorted(model.conditions)
    assert all(0.0 <= p <= 1.0 for p in posteriors.values())
    assert max(posteriors, key=posteriors.get) == "restless_legs_syndrome"
    assert out["evidence"]["urge_to_move"] is True
    assert out["evidence"]["ferritin"] == 32
    assert out["differential"][0]["condition"] == "restless_legs_syndrome"
    assert out["red_flags"] == []
    assert len(out["next_questions"]) == 5
    assert {"question", "label", "kind", "information_gain", "about"} <= set(
        out["next_questions"][0]
    )


def test_json_matches_the_api(model):
    """Check that the --json posteriors equal model.posteriors for the same evidence (to the 6 printed decimals)."""
    proc = _run("diagnose", "--json", "urge_to_move=yes", "ferritin=30", "age=70")
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)["posteriors"]
    expected = model.posteriors({"urge_to_move": "yes", "ferritin": 30, "age": 70})
    for cond, p in printed.items():
        assert p == pytest.approx(expected[cond], abs=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ferritin=lo"], "Valid states: low, normal"),
        (["ferritin=nan"], "ferritin=nan gives no value. To mark ferritin unknown, leave it out of the command line"),
        (["ferritin=-5"], "outside the plausible range"),
        (["urge_to_move"], "Expected node=value"),
    ],
)
def test_diagnose_bad_values_exit_2(model, capsys, args, message):
    """Check that bad values exit 2 with the error on stderr."""
    assert main(["diagnose", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("crampnet: error:")


def test_diagnose_other_network(capsys):
    """Check --network with tests/data/tiny.toml: rls ranks first after urge=yes and a low ferritin."""
    assert (
        main(
            [
                "diagnose",
                "--network",
                str(DATA / "tiny.toml"),
                "urge=yes",
                "ferritin=20",
                "--top",
                "3",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert _first_condition(out) == "rls"


def test_diagnose_missing_network_file(capsys, tmp_path):
    """Check that a missing --network file exits 2 naming the file."""
    path = tmp_path / "nope.toml"
    assert main(["diagnose", "--network", str(path)]) == 2
    assert str(path) in capsys.readouterr().err


def test_diagnose_impossible_evidence(capsys):
    """Check that impossible evidence exits 2 naming the conflicting entries."""
    assert main(["diagnose", "--network", str(DATA / "tiny.toml"), "jerks=yes", "plm=absent"]) == 2
    err = capsys.readouterr().err
    assert "jerks=yes" in err
    assert "plm=absent" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ferritin=30", ("ferritin", 30.0)),
        ("urge_to_move=yes", ("urge_to_move", "yes")),
        ("urge_to_move=true", ("urge_to_move", True)),
        ("urge_to_move=False", ("urge_to_move", False)),
        (" age =70", ("age", 70.0)),
    ],
)
def test_parse_assignment(text, expected):
    """Check node=value parsing: numbers become numbers (an integer as typed stays an int), true/false booleans, names stay names."""
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(
    ("node", "text", "expected"),
    [
        ("urge_to_move", "Yes", "yes"),
        ("urge_to_move", "n", False),
        ("restless_legs_syndrome", "yes", True),
        ("straight_leg_raise", "POSITIVE", "positive"),
        ("pain_location", "Calf", "calf"),
        ("ferritin", "30", 30.0),
        ("ferritin", "low", "low"),
        ("sex", "yes", "yes"),
        ("urge_to_move", "30", "30"),
    ],
)
def test_interpret(model, node, text, expected):
    """Check how typed text becomes evidence: states case-insensitively, yes/no as booleans, numbers for numeric nodes only."""
    assert interpret(model.spec.nodes[node], text) == expected


def test_diagnose_lists_red_flags_first_then_the_differential_and_questions(capsys):
    """Check the text output: red flags before the differential, must-not-miss conditions listed, then next questions."""
    assert (
        main(["diagnose", "unilateral_calf_swelling=yes", "calf_tenderness=yes", "--top", "3"]) == 0
    )
    out = capsys.readouterr().out
    assert out.index("RED FLAG (urgent) deep_vein_thrombosis") < out.index("rank  condition ")
    assert "motor_neuron_disease" in out and "[must not miss]" in out
    assert out.index("rank  condition ") < out.index("Next questions")
    assert "calf_tenderness" not in out.split("Next questions")[1]


CASES = [
    [
        "urge_to_move=yes",
        "uncomfortable_sensations=yes",
        "worse_at_rest=yes",
        "relief_by_movement=yes",
        "muscle_cramps=yes",
        "ferritin=32",
    ],
    ["unilateral_calf_swelling=yes", "calf_tenderness=yes", "muscle_cramps=yes"],
    [],
]


@pytest.mark.parametrize("ranking", ["counterfactual", "sufficiency"])
@pytest.mark.parametrize("args", CASES)
def test_diagnose_shows_the_measure_of_the_order(capsys, ranking, args):
    """Check the text differential: the order of Diagnosis.differential with ranks, the measure at 2 decimals
    (non-increasing, ties by probability), must-not-miss conditions at their own rank, then the legend."""
    # loaded as main() loads it (the network file may change during a session)
    model = crampnet.load()
    assert main(["diagnose", *args, "--top", "5", "--questions", "0", "--ranking", ranking]) == 0
    header, rows, after = _differential(capsys.readouterr().out)
    column = "sufficiency" if ranking == "sufficiency" else "disablement"
    assert header == ["rank", "condition", "probability", "expected", column]
    evidence = {k: interpret(model.spec.nodes[k], v) for k, v in (a.split("=") for a in args)}
    dx = model.diagnose(evidence, ranking=ranking)
    assert [c for _, c, _, _ in rows[:5]] == dx.differential[:5]
    assert all(dx.differential[rank - 1] == cond for rank, cond, _, _ in rows)
    assert {c for _, c, _, _ in rows[5:]} == set(model.must_not_miss) - set(dx.differential[:5])
    raw = counterfactual_scores(model, evidence)
    posteriors = model.posteriors(evidence)
    for _, cond, p, value in rows:
        assert value == pytest.approx(round(float(raw.loc[cond, column]), 2), abs=1e-9)
        assert p == pytest.approx(float(posteriors[cond]), abs=5e-5)
    shown = [(value, p) for _, _, p, value in rows]
    assert shown == sorted(shown, reverse=True)
    legend = [line for line in after if line.startswith(("Probability: ", "Expected "))]
    assert legend == dx.legend and len(legend) == 2
    assert legend[1].startswith(f"Expected {column}: ") and "ordered by this" in legend[1]


def test_diagnose_by_posterior_says_so(model, capsys):
    """Check --ranking posterior: no measure column, probabilities non-increasing, and the legend says they order it."""
    assert (
        main(["diagnose", *CASES[0], "--top", "4", "--questions", "0", "--ranking", "posterior"])
        == 0
    )
    header, rows, after = _differential(capsys.readouterr().out)
    assert header == ["rank", "condition", "probability"]
    assert all(value is None for *_, value in rows)
    shown = [p for _, _, p, _ in rows]
    assert shown == sorted(shown, reverse=True)
    probability = next(line for line in after if line.startswith("Probability: "))
    assert probability.endswith("the differential is ordered by this.")
    assert not any(line.startswith("Expected ") for line in after)


def test_json_gives_the_measure_of_the_order(capsys):
    """Check --json: ordered_by, the rank and the measure at 2 decimals per entry, and the legend."""
    # loaded as main() loads it (the network file may change during a session)
    model = crampnet.load()
    assert main(["diagnose", *CASES[0], "--json", "--questions", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    evidence = {k: interpret(model.spec.nodes[k], v) for k, v in (a.split("=") for a in CASES[0])}
    raw = counterfactual_scores(model, evidence)
    assert out["ordered_by"] == "disablement"
    assert [e["rank"] for e in out["differential"]] == list(range(1, len(model.conditions) + 1))
    for entry in out["differential"]:
        assert entry["disablement"] == pytest.approx(
            round(float(raw.loc[entry["condition"], "disablement"]), 2), abs=1e-9
        )
    assert out["legend"] == model.diagnose(evidence).legend
    assert (
        main(["diagnose", *CASES[0], "--json", "--questions", "0", "--ranking", "posterior"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ordered_by"] == "posterior" and "disablement" not in out["differential"][0]


def test_diagnose_case_file_and_overrides(model, tmp_path, capsys):
    """Check --case: the file's evidence is used, and node=value on the command line overrides it."""
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps({"urge_to_move": True, "ferritin": 30, "pain_location": "calf"}),
        encoding="utf-8",
    )
    assert main(["diagnose", "--case", str(case), "ferritin=200", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["evidence"] == {"urge_to_move": True, "ferritin": 200.0, "pain_location": "calf"}
    expected = model.posteriors({"urge_to_move": True, "ferritin": 200, "pain_location": "calf"})
    assert out["posteriors"]["restless_legs_syndrome"] == pytest.approx(
        expected["restless_legs_syndrome"], abs=1e-6
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "must hold a JSON object"),
        ("{not json", "Expecting property name"),
        ('{"urge_to_mov": true}', "Did you mean 'urge_to_move'?"),
    ],
)
def test_diagnose_bad_case_file(tmp_path, capsys, content, message):
    """Check that a bad case file exits 2 with the reason on stderr."""
    case = tmp_path / "case.json"
    case.write_text(content, encoding="utf-8")
    assert main(["diagnose", "--case", str(case)]) == 2
    assert message in capsys.readouterr().err


def test_missing_case_file(tmp_path, capsys):
    """Check that a missing case file exits 2 naming the file."""
    assert main(["diagnose", "--case", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert "none.json" in err and "No such file" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diagnos"], "unknown command 'diagnos'. Did you mean 'diagnose'?"),
        (["diagnose", "--top", "-1"], "--top must be at least 0"),
        (["score", "x.csv", "--chunksize", "0"], "--chunksize must be at least 1"),
        (["interview", "--confidence", "1.5"], "--confidence must be a number in (0, 1]"),
        (["diagnose", "--population", "pregnant"], "Did you mean 'pregnancy'?"),
    ],
)
def test_bad_arguments_exit_2(capsys, args, message):
    """Check that bad commands and options exit 2 with the reason on stderr."""
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_population_changes_the_posteriors(capsys):
    """Check that --population uses the preset's priors."""
    main(["diagnose", "--json", "visible_hard_contraction=yes"])
    adults = json.loads(capsys.readouterr().out)["posteriors"]
    main(["diagnose", "--json", "visible_hard_contraction=yes", "--population", "pregnancy"])
    pregnancy = json.loads(capsys.readouterr().out)["posteriors"]
    assert pregnancy != adults


# ---------------------------------------------------------------------------
# interview
# ---------------------------------------------------------------------------


def _interview(monkeypatch, capsys, answers: str, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["interview", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_interview_piped_answers_through_subprocess(model):
    """Check a piped interview: bad answers are explained and asked again, skips move on, it stops at the end of input."""
    proc = _run("interview", "urge_to_move=yes", stdin="maybe\n\nskip\n1e999\nskip\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout
    assert "Q1. " in out and "Q3. " in out and "Q4. " not in out
    assert out.count("That answer does not fit") == 2  # 'maybe' and an infinite number
    assert "Please answer, or type skip." in out
    assert "Stopping: end of input." in out
    final = out.split("\nStopping: end of input.\n", 1)[1]
    assert final.startswith("\nFinal differential:\n") and "rank  condition " in final
    assert "Evidence: urge_to_move=yes\n" in final


def test_interview_stops_at_max_questions(monkeypatch, capsys):
    """Check --max-questions: the answers after the limit are not read."""
    out = _interview(monkeypatch, capsys, "skip\n" * 10, "--max-questions", "2")
    assert "Q2. " in out and "Q3. " not in out
    assert "Stopping: 2 questions asked (--max-questions 2)." in out


def test_interview_stops_when_confident(monkeypatch, capsys):
    """Check --confidence: a case already past it asks nothing."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    assert (
        main(
            [
                "interview",
                "urge_to_move=yes",
                "uncomfortable_sensations=yes",
                "worse_at_rest=yes",
                "relief_by_movement=yes",
                "worse_evening=yes",
                "ferritin=20",
                "--confidence",
                "0.5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Q1. " not in out
    assert "Stopping: restless_legs_syndrome has reached P = " in out


def test_interview_quit_and_states(model, monkeypatch, capsys):
    """Check that state names and numbers are accepted as answers and 'quit' ends the interview."""
    out = _interview(monkeypatch, capsys, "quit\n", "urge_to_move=yes")
    assert "Stopping: quit." in out
    first = model.diagnose({"urge_to_move": True}).next_questions(None).index[0]
    states = model.states(first)
    out = _interview(
        monkeypatch, capsys, f"{states[-1].upper()}\n", "urge_to_move=yes", "--max-questions", "1"
    )
    assert f"{first}={states[-1]}" in out


@pytest.mark.parametrize(
    "answer", ["", "   ", "ñ", "nan", "-5", "{}", "yes no", "1e999", "\x00", "present"]
)
def test_interview_never_crashes_on_garbage(monkeypatch, capsys, answer):
    """Check that an answer that fits no question is explained, never a traceback."""
    out = _interview(monkeypatch, capsys, f"{answer}\n" * 3, "ferritin=30", "--max-questions", "1")
    assert "Stopping:" in out


# ---------------------------------------------------------------------------
# report, export, score
# ---------------------------------------------------------------------------


def test_report_markdown_and_html(tmp_path, capsys):
    """Check that report writes markdown to stdout, and HTML (a whole document) to a .html file."""
    assert main(["report", "--example"]) == 0
    assert capsys.readouterr().out.startswith("# crampnet: differential diagnosis for this patient")
    path = tmp_path / "report.html"
    assert main(["report", "urge_to_move=yes", "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert (
        text.startswith("<!DOCTYPE html>") and "<h2>" in text and text.rstrip().endswith("</html>")
    )
    assert str(path) in capsys.readouterr().err


def test_export_command(model, tmp_path):
    """Check that export writes the same text as crampnet.interop.export.export, the format taken from --format or the suffix."""
    path = tmp_path / "net.xdsl"
    proc = _run("export", "-o", str(path))
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8") == export(model, "xdsl")


def test_export_to_stdout_and_errors(model, capsys, tmp_path):
    """Check export to stdout, and the errors for no format and an unknown suffix."""
    assert main(["export", "--format", "uai"]) == 0
    assert capsys.readouterr().out == export(model, "uai")
    assert main(["export"]) == 2
    assert "needs --format" in capsys.readouterr().err
    assert main(["export", "-o", str(tmp_path / "net.txt")]) == 2
    assert "Cannot tell the export format" in capsys.readouterr().err


def test_export_to_a_file_says_where_it_wrote(tmp_path, capsys):
    """Check that export -o FILE says on stderr which file it wrote, as report and score do, and prints nothing on stdout."""
    path = tmp_path / "net.bif"
    assert main(["export", "-o", str(path)]) == 0
    out, err = capsys.readouterr()
    assert path.read_text(encoding="utf-8").startswith("network")
    assert out == ""
    assert err == f"crampnet: wrote the bif export to {path}\n"


@pytest.fixture
def cohort(tmp_path) -> tuple[Path, pd.DataFrame]:
    """A small CSV cohort: yes/no, states, numbers, words in a lab column, and empty cells."""
    frame = pd.DataFrame({
        "urge_to_move": ["yes", "no", None, "yes", "no"] * 8,
        "pain_location": ["calf", None, "foot", "thigh", "calf"] * 8,
        "ferritin": [30, None, 120, "low", 45] * 8,
        "age": [30, 50, 70, None, 81] * 8,
    })  # fmt: skip
    path = tmp_path / "cohort.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_score_matches_the_api(model, cohort, tmp_path):
    """Check that score writes model.posteriors for every row, in chunks; stderr, a pipe here, gets no progress bar (test_s52_score_progress.py: a terminal does)."""
    path, frame = cohort
    out = tmp_path / "out.csv"
    proc = _run("score", str(path), "-o", str(out), "--chunksize", "7")
    assert proc.returncode == 0, proc.stderr
    assert "crampnet score:" not in proc.stderr and "40/40" not in proc.stderr
    scored = pd.read_csv(out, index_col="row")
    frame = frame.astype(object).where(frame.notna(), None)
    frame["ferritin"] = [30.0, None, 120.0, "low", 45.0] * 8
    expected = model.posteriors(frame)
    assert list(scored.columns) == [*model.conditions, "red_flags"]
    assert len(scored) == 40
    assert (scored[model.conditions].to_numpy() - expected.to_numpy()).__abs__().max() < 1e-12


def test_score_writes_each_rows_red_flags(model, tmp_path, capsys):
    """Check score's last column: each row's red flags as diagnose raises them, a finding rule's emergency included."""
    path = tmp_path / "c.csv"
    path.write_text("back_pain,bladder_bowel_dysfunction,age,cold_pale_limb,pedal_pulses,symptom_duration,presenting_complaint,bilateral\n"
                    "yes,yes,,,,,,\n,,70,yes,absent,1,,\n,,30,,,,cramps,yes\n")
    assert main(["score", str(path), "--no-progress"]) == 0
    scored = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="row", keep_default_na=False)
    cases = [{"back_pain": "yes", "bladder_bowel_dysfunction": "yes"},
             {"age": 70, "cold_pale_limb": "yes", "pedal_pulses": "absent", "symptom_duration": 1},
             {"age": 30, "presenting_complaint": "cramps", "bilateral": "yes"}]
    for cell, case in zip(scored["red_flags"], cases, strict=True):
        flags = model.diagnose(case).red_flags
        assert cell == "; ".join(f"{f.condition} ({f.urgency})" for f in flags)
    assert scored["red_flags"].iloc[0].startswith("lumbar_radiculopathy (emergency)")  # cauda equina: a rule, not a posterior
    assert "acute_limb_ischemia (emergency)" in scored["red_flags"].iloc[1]
    assert scored["red_flags"].iloc[2] == ""  # a young adult's bilateral cramps raise none


def test_score_stdin_to_stdout_with_an_index_column(model, monkeypatch, capsys):
    """Check score from stdin ('-') to stdout, keyed by --index-col."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("case,urge_to_move,ferritin\na,yes,30\nb,no,\n"))
    assert main(["score", "-", "--index-col", "case", "--no-progress"]) == 0
    captured = capsys.readouterr()
    scored = pd.read_csv(io.StringIO(captured.out), index_col="case")
    assert list(scored.index) == ["a", "b"]
    expected = model.posteriors({"urge_to_move": "yes", "ferritin": 30})
    assert scored.loc["a", "restless_legs_syndrome"] == pytest.approx(
        expected["restless_legs_syndrome"], abs=1e-12
    )
    assert captured.err == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("urge_to_mov,ferritin\nyes,30\n", "Did you mean 'urge_to_move'?"),
        ("urge_to_move,ferritin\nyes,30\nmaybe,20\n", "bad.csv, row 1, column 'urge_to_move'"),
        ("urge_to_move,ferritin\nyes,-4\n", "outside the plausible range"),
    ],
)
def test_score_bad_cohort_leaves_no_output(tmp_path, capsys, content, message):
    """Check that a bad cell or column exits 2 with its row and column, and no partial output file is left."""
    path, out = tmp_path / "bad.csv", tmp_path / "out.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["score", str(path), "-o", str(out), "--no-progress", "--chunksize", "1"]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_score_missing_file(tmp_path, capsys):
    """Check that a missing cohort file exits 2 naming it."""
    assert main(["score", str(tmp_path / "none.csv")]) == 2
    assert "none.csv: No such file or directory" in capsys.readouterr().err


def test_version(capsys):
    """Check --version prints the package version."""
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.splitlines()[0] == f"crampnet {crampnet.__version__}"


def test_warm_up_without_numba_says_so(tmp_path):
    """Check that ``crampnet warm-up`` where numba cannot be imported exits 0 and says every pass runs in numpy."""
    (tmp_path / "numba.py").write_text("raise ImportError('numba hidden by the test')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "crampnet", "warm-up"], capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "crampnet: numba is not installed; every pass runs in numpy."


def test_warm_up_compiles_or_loads_into_the_given_cache(tmp_path):
    """Check that ``crampnet warm-up`` compiles into NUMBA_CACHE_DIR, and that a second run loads from there."""
    pytest.importorskip("numba")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-m", "crampnet", "warm-up"], capture_output=True, text=True, timeout=600, check=False, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("crampnet: inference kernel compiled in ") and str(tmp_path) in first.stdout
    assert any(tmp_path.rglob("*.nbi"))
    second = subprocess.run([sys.executable, "-m", "crampnet", "warm-up"], capture_output=True, text=True, timeout=600, check=False, env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("crampnet: inference kernel loaded in "), second.stdout
    assert "compiling" not in second.stderr


@pytest.mark.parametrize(
    ("arg", "shown"),
    [
        # The shipped file's bands (networks/leg_cramps.toml): age 65 and over, duration under 14 days,
        # TSH over 4.5 mIU/L, ferritin below 50 ng/mL.
        ("age=70", "age_group=70 (65_plus)"),
        ("symptom_duration=3", "symptom_duration=3 (under_2_weeks)"),
        ("tsh=20", "tsh=20 (high)"),
        ("ferritin=30", "ferritin=30 (low)"),
        ("urge_to_move=yes", "urge_to_move=yes"),
    ],
)
def test_evidence_line_names_the_band_a_number_was_read_as(capsys, arg, shown):
    """Check that ``diagnose`` echoes a number with the band it was read as, so the banding is never hidden."""
    assert main(["diagnose", arg]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line == f"Evidence: {shown}"



def test_question_orders_are_next_questions_orders():
    """Check that --questions-by offers exactly the orders next_questions accepts (the CLI spells them out to import less)."""
    from crampnet._cli_parser import QUESTION_ORDERS
    from crampnet.reasoning._decision import BY

    assert tuple(QUESTION_ORDERS) == tuple(BY)


@pytest.mark.parametrize("by", ["decision", "information", "value"])
def test_questions_by_orders_the_json_questions(capsys, by):
    """Check --questions-by: the JSON's questions are next_questions(5, by=...)'s rows, in its order, with their numbers."""
    model = crampnet.load()
    assert main(["diagnose", *CASES[0], "--json", "--questions-by", by]) == 0
    out = json.loads(capsys.readouterr().out)
    evidence = {k: interpret(model.spec.nodes[k], v) for k, v in (a.split("=") for a in CASES[0])}
    table = model.diagnose(evidence).next_questions(5, by=by)
    assert out["questions_by"] == by
    assert [q["question"] for q in out["next_questions"]] == list(table.index)
    for q in out["next_questions"]:
        row = table.loc[q["question"]]
        assert q["decision"] == round(float(row["decision"]), 6) and q["value"] == round(float(row["value"]), 6)
        assert q["about"] == row["about"]


def test_questions_by_text_shows_the_measure_of_the_order_first(capsys):
    """Check the text lines: by information the gain comes first, sorted; by value the value, at 4 decimals, sorted."""
    model = crampnet.load()
    evidence = {k: interpret(model.spec.nodes[k], v) for k, v in (a.split("=") for a in CASES[0])}
    dx = model.diagnose(evidence)
    for by, column, decimals in (("information", "information_gain", 3), ("value", "value", 4)):
        assert main(["diagnose", *CASES[0], "--questions", "6", "--questions-by", by]) == 0
        lines = capsys.readouterr().out.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Next questions ("))
        assert lines[start].startswith("Next questions (first, the order: ")
        rows = lines[start + 1 : start + 7]
        table = dx.next_questions(6, by=by)
        assert [line.split()[0] for line in rows] == list(table.index)
        shown = [float(line.split()[1]) for line in rows]
        assert shown == [round(float(v), decimals) for v in table[column]]
        assert shown == sorted(shown, reverse=True)


def test_questions_by_refuses_an_unknown_order(capsys):
    """Check that a bad --questions-by exits 2 and lists the valid orders."""
    with pytest.raises(SystemExit) as exc:
        main(["diagnose", "--example", "--questions-by", "entropy"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--questions-by" in err and all(o in err for o in ("decision", "information", "value"))


def test_diagnose_staged_lists_history_then_examination_then_tests(capsys):
    """Check diagnose --staged prints the staged order of Diagnosis.next_questions, stages in order, under a header that says so; --json records it."""
    from crampnet._cli_output import STAGED_HEADER
    from crampnet.reasoning.questions import STAGES

    case = ["age=58", "sex=male", "presenting_complaint=pain"]
    dx = crampnet.load().diagnose({"age": 58, "sex": "male", "presenting_complaint": "pain"})
    table = dx.next_questions(12, staged=True)
    assert main(["diagnose", *case, "--staged", "--questions", "12"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith(STAGED_HEADER))
    printed = [line.split()[0] for line in out[start + 1 : start + 13]]
    assert printed == list(table.index)
    kinds = [str(k) for k in dx.next_questions(None, staged=True)["kind"]]
    assert kinds == sorted(kinds, key=STAGES.index) and kinds[0] == "history" and len(set(kinds)) > 2
    assert main(["diagnose", *case, "--staged", "--questions", "12", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["questions_staged"] is True and [q["question"] for q in record["next_questions"]] == list(table.index)
