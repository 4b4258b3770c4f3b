"""Interview benchmark (issue 13, item 4): top-1 after 3, 5 and 8 questions asked one at a time.

Usage::

    python benchmarks/bench_interview.py [--vignettes PATH] [--limit N] [--jobs 2]
                                         [--seeds 3] [--json PATH]

For each vignette of ``shared/vignettes/dev.jsonl`` the interview starts from
what an intake form holds: age (``age`` or ``age_group``), ``sex`` and
``presenting_complaint``, each if the vignette has it. Then one question at a
time: the strategy names the next node to ask (never one asked before); if
the vignette's evidence holds it, the answer is the vignette's value and
enters the evidence, otherwise the question counts as asked and skipped
(nothing enters). After 3, 5 and 8 questions the evidence so far is scored as
``bench_vignettes.score_vignette`` scores a vignette: top-1 = the first of
``Diagnosis.differential`` is a gold id (errors count as misses), must-not-miss recall = the first gold is flagged (a red flag
of any urgency names it: the diagnosis applies each condition's testing
threshold), among vignettes whose first gold is must-not-miss.

Strategies:

- ``decision``: the first row of ``next_questions(by="decision")`` not yet asked;
- ``information``: the same with ``by="information"`` (the former default);
- ``value``: the same with ``by="value"`` (the expected value of the answer);
- ``decision+staged`` and ``information+staged``: the same rankings with
  ``staged=True`` (history first, then examination, then tests), as
  ``crampnet interview --staged`` asks;
- ``fixed``: every finding and context node in network (vocabulary) order,
  history first, then examination, laboratory tests, the ABI (``staged``);
- ``random``: those nodes in a random order (seeded; averaged over ``--seeds``);
- ``decision*``, ``information*`` and ``value*``: the same rankings asking only questions
  the vignette answers (a ceiling, not a strategy: a patient can answer every
  question, a vignette only what its authors wrote, so this shows what each
  ranking gives when no question is wasted).

``full evidence`` scores the whole vignette (the figure of bench_vignettes).
Evidence ids the network does not have are never asked. The script only
measures: nothing is fitted, and the question ranking knows nothing of it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

import crampnet
from crampnet.exceptions import CrampnetError, UnknownNodeError
from crampnet.network.evidence import resolve_id
from crampnet.reasoning.questions import STAGES, collect_answers, cost_of, rank_questions

HERE = Path(__file__).resolve().parent
#: The intake: what is known before the first question.
INTAKE = ("age_group", "sex", "presenting_complaint")
#: Questions asked before each score.
CHECKPOINTS = (3, 5, 8)
STRATEGIES = ("decision", "information", "value", "decision+staged", "information+staged", "fixed", "random", "decision*", "information*", "value*")
Row = dict[str, Any]
Strategy = Callable[[Mapping[str, object], set[str]], str | None]


def _bench_vignettes() -> Any:
    """``bench_vignettes.py`` from this folder (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location("bench_vignettes", HERE / "bench_vignettes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bv = _bench_vignettes()


def vignette_answers(model: Any, evidence: Mapping[str, object]) -> dict[str, tuple[str, object]]:
    """Node id to the vignette's (key, value), for the keys that name a node of the network."""
    out = {}
    for key, value in evidence.items():
        try:
            out[resolve_id(model.spec, key)] = (key, value)
        except UnknownNodeError:
            continue
    return out


def fixed_order(model: Any) -> list[str]:
    """Every finding and context node, network order, history before examination before tests."""
    nodes = [nid for nid in model.spec.nodes if model.spec.nodes[nid].role != "condition"]
    return sorted(nodes, key=lambda nid: STAGES.index(cost_of(nid)[0]))


def ranked(model: Any, by: str, cache: dict[Any, Any] | None = None, only: set[str] | None = None, staged: bool = False) -> Strategy:
    """The first question of ``next_questions(by=by, staged=staged)`` not asked yet (and in ``only``, if given).

    A skipped question leaves the evidence as it was, so the scored answers
    are kept per evidence (``cache``, shareable between strategies): the
    ranking is the same as calling ``next_questions`` each time.
    """
    kept = {} if cache is None else cache

    def pick(evidence: Mapping[str, object], asked: set[str]) -> str | None:
        key = tuple(sorted((k, repr(v)) for k, v in evidence.items()))
        if key not in kept:
            kept[key] = collect_answers(model, evidence)
        table = rank_questions(model, kept[key], None, by=by, staged=staged)
        return next((str(q) for q in table.index if q not in asked and (only is None or q in only)), None)

    return pick


def listed(order: Sequence[str]) -> Strategy:
    """The first node of ``order`` not asked yet (and not observed)."""

    def pick(evidence: Mapping[str, object], asked: set[str]) -> str | None:
        return next((q for q in order if q not in asked), None)

    return pick


def interview(model: Any, record: Row, strategy: Strategy, steps: int = max(CHECKPOINTS), checkpoints: Sequence[int] = CHECKPOINTS) -> list[Row]:
    """Ask up to ``steps`` questions; the evidence, asked, answered and skipped at each checkpoint.

    The intake counts as observed, so it is never asked. A question the
    strategy cannot rank (crampnet raised) ends the interview there.
    """
    answers = vignette_answers(model, record["evidence"])
    evidence: dict[str, object] = {key: value for nid, (key, value) in answers.items() if nid in INTAKE}
    asked: set[str] = {nid for nid in answers if nid in INTAKE}
    sequence: list[str] = []
    answered = skipped = 0
    out: list[Row] = []
    for step in range(1, steps + 1):
        try:
            question = strategy(evidence, asked)
        except CrampnetError:
            question = None
        if question is not None:
            asked.add(question)
            sequence.append(question)
            if question in answers:
                key, value = answers[question]
                evidence[key] = value
                answered += 1
            else:
                skipped += 1
        if step in checkpoints:
            out.append({"questions": step, "evidence": dict(evidence), "asked": list(sequence), "answered": answered, "skipped": skipped})
    return out


def _score(model: Any, record: Row, evidence: Mapping[str, object]) -> Row:
    row: Row = bv.score_vignette(
        {**record, "evidence": evidence},
        lambda ev: model.diagnose(ev),
        model.must_not_miss,
        explain=None,
    )
    return {"top1": bool(row.get("top1")), "rr": bv.reciprocal(row.get("rank")), "flagged": row.get("flagged"), "error": row["error"]}


_MODEL: Any = None


def run_vignette(record: Row, seeds: int = 3, strategies: Sequence[str] = STRATEGIES) -> Row:
    """Every strategy's checkpoints on one vignette, and the full-evidence score."""
    global _MODEL  # one model per worker process
    if _MODEL is None:
        _MODEL = crampnet.load()
    model = _MODEL
    order = fixed_order(model)
    plans: list[tuple[str, Strategy]] = []
    cache: dict[Any, Any] = {}
    for name in strategies:
        if name in ("decision", "information", "value"):
            plans.append((name, ranked(model, name, cache)))
        elif name.endswith("+staged"):
            plans.append((name, ranked(model, name.removesuffix("+staged"), cache, staged=True)))
        elif name in ("decision*", "information*", "value*"):
            plans.append((name, ranked(model, name[:-1], cache, set(vignette_answers(model, record["evidence"])))))
        elif name == "fixed":
            plans.append((name, listed(order)))
        else:
            for seed in range(seeds):
                rng = np.random.default_rng([seed, sum(map(ord, record["id"]))])
                plans.append((f"random{seed}", listed([order[i] for i in rng.permutation(len(order))])))
    mnm = set(model.must_not_miss)
    out: Row = {"id": record["id"], "gold": record["gold"], "must_not_miss": record["gold"][0] in mnm}
    # What the vignette can answer at all: its nodes besides the intake, of every node that can be asked.
    out["answerable"] = sum(nid not in INTAKE for nid in vignette_answers(model, record["evidence"]))
    out["candidates"] = len(order)
    out["full"] = _score(model, record, record["evidence"])
    for name, strategy in plans:
        out[name] = [c | _score(model, record, c["evidence"]) for c in interview(model, record, strategy)]
    return out


def _pct(hits: float, of: int) -> str:
    return f"{100.0 * hits / of:5.1f}%" if of else "  n/a "


def summarise(rows: Sequence[Row], seeds: int) -> dict[str, Any]:
    """Top-1, mean reciprocal rank of the best-ranked gold id and must-not-miss recall per strategy and checkpoint (random: mean over seeds)."""
    n = len(rows)
    mnm = [r for r in rows if r["must_not_miss"]]
    out: dict[str, Any] = {"vignettes": n, "must_not_miss_vignettes": len(mnm)}
    out["full"] = {
        "top1": sum(r["full"]["top1"] for r in rows) / n,
        "mrr": sum(r["full"]["rr"] for r in rows) / n,
        "recall": sum(bool(r["full"]["flagged"]) for r in mnm) / max(1, len(mnm)),
    }
    if all("answerable" in r for r in rows):
        out["answerable"] = {"mean": float(np.mean([r["answerable"] for r in rows])), "candidates": float(np.mean([r["candidates"] for r in rows]))}
    for name in STRATEGIES:
        runs = [f"random{s}" for s in range(seeds)] if name == "random" else [name]
        if any(run not in rows[0] for run in runs):
            continue
        per: dict[str, Any] = {}
        for k, q in enumerate(CHECKPOINTS):
            per[str(q)] = {
                "top1": float(np.mean([sum(r[run][k]["top1"] for r in rows) / n for run in runs])),
                "mrr": float(np.mean([sum(r[run][k]["rr"] for r in rows) / n for run in runs])),
                "recall": float(np.mean([sum(bool(r[run][k]["flagged"]) for r in mnm) / max(1, len(mnm)) for run in runs])),
                "answered": float(np.mean([sum(r[run][k]["answered"] for r in rows) / n for run in runs])),
            }
        out[name] = per
    return out


def render(s: dict[str, Any], seconds: float, header: Sequence[str]) -> str:
    lines = [*header, "", f"{'strategy':<18}" + "".join(f"  top-1 after {q} (answered)" for q in CHECKPOINTS) + "   mnm recall after 5 (after 3 / 8)   mean reciprocal rank after " + " / ".join(map(str, CHECKPOINTS))]
    for name in STRATEGIES:
        if name not in s:
            continue
        cells = "".join(f"  {_pct(s[name][str(q)]['top1'], 1):>14} ({s[name][str(q)]['answered']:.1f})  " for q in CHECKPOINTS)
        mrr = " / ".join(f"{s[name][str(q)]['mrr']:.3f}" for q in CHECKPOINTS)
        lines.append(f"{name:<18}{cells}  {_pct(s[name]['5']['recall'], 1)} ({_pct(s[name]['3']['recall'], 1).strip()} / {_pct(s[name]['8']['recall'], 1).strip()})   {mrr}")
    lines.append(f"{'full evidence':<18}  {_pct(s['full']['top1'], 1):>14}   (all entries)   {'':<40}  {_pct(s['full']['recall'], 1)}   {s['full']['mrr']:.3f}")
    if "answerable" in s:
        a = s["answerable"]
        share = a["mean"] / a["candidates"] if a["candidates"] else 0.0
        lines.append(
            f"a vignette answers {a['mean']:.1f} of the {a['candidates']:.0f} questions that can be asked ({100 * share:.1f}%), besides the intake:"
            f" a question chosen without seeing the vignette is answered about that often, {5 * share:.1f} of 5"
        )
    target = s["full"]["top1"] - 0.15
    if "decision" in s:
        met = "met" if s["decision"]["5"]["top1"] >= target else "NOT met"
        lines.append(f"target: decision top-1 after 5 questions >= full evidence - 15 points = {_pct(target, 1).strip()}: {met}")
    lines.append(f"({s['vignettes']} vignettes, {s['must_not_miss_vignettes']} with a must-not-miss first gold; {seconds:.0f} s)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vignettes", type=Path, default=bv.DEFAULT_VIGNETTES, help="JSONL file (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="only the first N vignettes")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default: %(default)s)")
    parser.add_argument("--seeds", type=int, default=3, help="random orders averaged (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="write the summary and per-vignette rows here")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    records = bv.load_vignettes(args.vignettes)[: args.limit]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(run_vignette, records, [args.seeds] * len(records)))
    else:
        rows = [run_vignette(r, args.seeds) for r in records]
    summary = summarise(rows, args.seeds)
    header = [
        "crampnet interview benchmark (issue 13, item 4): it only measures, nothing is fitted",
        f"crampnet {crampnet.__version__}; vignettes {args.vignettes} (sha256 {bv.sha256(args.vignettes)}); intake {', '.join(INTAKE)}; random seeds {args.seeds}",
        "top-1: first of Diagnosis.differential is a gold id (errors as misses); mnm recall: first gold flagged, must-not-miss vignettes",
    ]
    print(render(summary, time.perf_counter() - start, header))
    if args.json is not None:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
