"""Score crampnet on the development vignettes (issue 12, item 6), against a seed-checklist rule.

Usage::

    python benchmarks/bench_vignettes.py [--vignettes PATH] [--ranking counterfactual]
                                         [--json PATH] [--explain sequence] [--interview]
                                         [--skip IDS_FILE]

Each vignette of ``shared/vignettes/dev.jsonl`` (published cases mapped to the
vocabulary; format in that folder's README) is diagnosed with the shipped
network (``crampnet.load().diagnose(evidence)``) and compared with its
``gold`` ids. Evidence crampnet rejects (an id the network does not have yet,
a state it does not know), or any other error crampnet raises on purpose
(``CrampnetError``, e.g. a junction tree over its budget), makes the vignette
an ERROR: counted and listed with the message, never scored. Other
exceptions are bugs and stop the run. The baseline applies the checklists of
``benchmarks/seed_checklists.toml`` (what the five AI-generated seed articles
list as pointing to each condition) as a points rule on the same cases. The
script only measures: nothing is fitted or changed.

For each miss, the two evidence entries that most raised the log-odds of
what crampnet ranked first (``crampnet.reasoning.explain``): with
``--explain sequence`` (the default, cheap) each entry's share as the entries
are added in the vignette's order; with ``shapley``, ``Diagnosis.explain``'s
exact order-free shares (seconds per case on some vignettes); ``none`` skips it.
``--interview`` then runs ``bench_interview.py`` on the same vignettes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import crampnet
from crampnet.exceptions import CrampnetError, UnknownNodeError
from crampnet.network.evidence import band, resolve_id, truth_states
from crampnet.network.loading import shipped_text
from crampnet.network.spec import NetworkSpec
from crampnet.reasoning.explain import explain as explain_condition
from crampnet.reasoning.ranking import RANKINGS
from crampnet.reasoning.redflags import DEFAULT_THRESHOLD

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VIGNETTES = REPO.parent / "shared" / "vignettes" / "dev.jsonl"
DEFAULT_CHECKLISTS = Path(__file__).with_name("seed_checklists.toml")
FLAGGED = (
    "flagged = Diagnosis.red_flags has a flag naming the condition, of any urgency (a finding rule of "
    "crampnet.reasoning.redflags.RULES, or the must-not-miss rule at the condition's testing threshold); "
    "a false alarm is an urgent or emergency flag on a case whose gold is not must-not-miss"
)
#: Flag urgencies that count as a false alarm on a case without a must-not-miss gold.
ALARMS = ("emergency", "urgent")
Row = dict[str, Any]
#: Columns of the per-condition table.
PER_CONDITION = ("cases", "errors", "top1", "top3", "rule_top1", "rule_top3", "mrr", "rule_mrr")


def sha256(path: Path | None = None, text: str | None = None) -> str:
    data = path.read_bytes() if path is not None else (text or "").encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def load_vignettes(path: Path) -> list[Row]:
    """The records of a JSONL file; each must have an id, 1 or 2 gold ids and an evidence mapping."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        gold = rec.get("gold")
        if (
            not isinstance(rec.get("id"), str)
            or not isinstance(gold, list)
            or not 1 <= len(gold) <= 2
            or not isinstance(rec.get("evidence"), dict)
        ):
            raise ValueError(
                f"{path}, line {number}: a vignette needs 'id', 'gold' (1 or 2 ids) and 'evidence' (a mapping)"
            )
        records.append(rec)
    return records


def read_ids(path: Path) -> list[str]:
    """The ids listed in ``path``, in order: one per line, ``#`` starts a comment, blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i in (line.split("#", 1)[0].strip() for line in lines) if i]


def skip_ids(records: list[Row], path: Path) -> list[Row]:
    """``records`` without the ids listed in ``path`` (:func:`read_ids`).

    Every listed id must be one of the records', so a typo cannot leave a
    case in silently.
    """
    wanted = set(read_ids(path))
    unknown = sorted(wanted - {rec["id"] for rec in records})
    if unknown:
        raise ValueError(f"{path}: ids not among the vignettes: {', '.join(unknown)}")
    return [rec for rec in records if rec["id"] not in wanted]


def load_checklists(path: Path) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    """The tie-break order and, per condition, its checklist items as (evidence id, state)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    order, conditions = data["order"], data["conditions"]
    if sorted(order) != sorted(conditions) or len(set(order)) != len(order):
        raise ValueError(f"{path}: 'order' must name each condition of [conditions] once")
    items: dict[str, list[tuple[str, str]]] = {}
    for cond in order:
        pairs = []
        for item in conditions[cond]["items"]:
            if not all(
                isinstance(item.get(k), str) and item[k]
                for k in ("evidence", "state", "seed", "quote")
            ):
                raise ValueError(
                    f"{path}: every item of {cond} needs evidence, state, seed and quote"
                )
            pair = (item["evidence"], item["state"])
            if pair in pairs:
                raise ValueError(f"{path}: {cond} lists {pair[0]} = {pair[1]} twice")
            pairs.append(pair)
        items[cond] = pairs
    return order, items


def evidence_states(
    spec: NetworkSpec | None, evidence: Mapping[str, object]
) -> tuple[dict[str, str], list[str]]:
    """Each entry as (node id, state), numbers banded as the network bands them.

    Returns the states and the entries that could not be read as a state (a
    number or boolean for a node the network does not have or cannot band).
    """
    states: dict[str, str] = {}
    unread: list[str] = []
    for key, value in evidence.items():
        nid, node = key, None
        if spec is not None:
            try:
                nid = resolve_id(spec, key)
                node = spec.nodes[nid]
            except UnknownNodeError:
                pass
        if isinstance(value, str):
            states[nid] = value
        elif isinstance(value, bool):
            pair = truth_states(node) if node is not None else ("yes", "no")
            if pair is None:
                unread.append(f"{key}={value!r}: not a yes/no node")
            else:
                states[nid] = pair[0] if value else pair[1]
        elif isinstance(value, int | float) and node is not None and node.bands:
            try:
                states[nid] = band(node, float(value))
            except CrampnetError as err:
                unread.append(f"{key}={value!r}: {err}")
        else:
            unread.append(f"{key}={value!r}: no banding for this id in the network")
    return states, unread


def unknown_ids(spec: NetworkSpec, evidence: Mapping[str, object]) -> list[str]:
    """The evidence ids that name no node (nor alias) of the network."""
    out = []
    for key in evidence:
        try:
            resolve_id(spec, key)
        except UnknownNodeError:
            out.append(key)
    return out


def points_rule(
    states: Mapping[str, str], order: Sequence[str], items: Mapping[str, list[tuple[str, str]]]
) -> list[tuple[str, int]]:
    """Every condition with its count of matched items, highest first, ties in ``order``."""
    scores = [(cond, sum(states.get(nid) == state for nid, state in items[cond])) for cond in order]
    return sorted(scores, key=lambda cs: (-cs[1], order.index(cs[0])))


Explainer = Callable[[Any, str], Any]


def dx_explain(dx: Any, condition: str) -> Any:
    """``Diagnosis.explain``: exact Shapley shares (up to 2**12 coalitions; seconds on some cases)."""
    return dx.explain(condition)


def sequence_explainer(model: Any) -> Explainer:
    """The same shares added one entry at a time in the vignette's order (n + 1 rows: cheap)."""

    def explain(dx: Any, condition: str) -> Any:
        return explain_condition(model, dx.evidence, condition, method="sequence")

    return explain


def _why(dx: Any, condition: str, explain: Explainer) -> list[list[Any]]:
    """The two evidence entries that most raised ``condition``'s log-odds."""
    try:
        table = explain(dx, condition)
    except CrampnetError as err:
        return [["explain failed", str(err), 0.0]]
    top = table[table["log_odds"] > 0].sort_values("log_odds", ascending=False).head(2)
    return [
        [str(nid), str(r["state"]), round(float(r["log_odds"]), 3)] for nid, r in top.iterrows()
    ]


def score_vignette(
    record: Row,
    diagnose: Callable[[Mapping[str, object]], Any],
    must_not_miss: Iterable[str],
    *,
    threshold: float | None = None,
    explain: Explainer | None = dx_explain,
) -> Row:
    """One vignette scored: top 3, gold ranks, flags; or the error crampnet raised.

    A must-not-miss gold is flagged when a red flag names it (any urgency:
    the diagnosis applies each condition's testing threshold), or, with a
    ``threshold``, when its posterior reaches it. A false alarm is an urgent
    or emergency flag on a case without a must-not-miss gold; ``any_flag``
    counts ``test`` flags too.
    """
    gold, mnm = list(record["gold"]), set(must_not_miss)
    row: Row = {
        "id": record["id"],
        "gold": gold,
        "hard_case": bool(record.get("hard_case", False)),
        "must_not_miss": gold[0] in mnm,
        "error": None,
    }
    try:
        dx = diagnose(record["evidence"])
        differential = [str(c) for c in dx.differential]
        post = {str(k): float(v) for k, v in dx.posteriors.items()}
        flags = list(dx.red_flags)
    except CrampnetError as err:
        row["error"], row["error_type"] = f"{type(err).__name__}: {err}", type(err).__name__
        return row
    first = differential[0]
    row["top3"] = [[c, round(post[c], 4)] for c in differential[:3]]
    row["gold_rank"] = {g: (differential.index(g) + 1 if g in differential else None) for g in gold}
    row["gold_posterior"] = {g: (round(post[g], 4) if g in post else None) for g in gold}
    row["rank"] = min((k for k in row["gold_rank"].values() if k is not None), default=None)
    row["top1"], row["top3_hit"] = first in gold, any(g in differential[:3] for g in gold)
    row["red_flags"] = [{"condition": f.condition, "urgency": f.urgency} for f in flags]
    row["flagged"] = (
        (any(f.condition == gold[0] for f in flags) or (threshold is not None and post.get(gold[0], 0.0) >= threshold))
        if row["must_not_miss"]
        else None
    )
    row["false_alarm"] = any(f.urgency in ALARMS for f in flags) if not mnm.intersection(gold) else None
    # a false alarm whose urgent flags all name a gold condition (cauda equina on a radiculopathy, rhabdomyolysis on
    # a metabolic myopathy): counted in the headline as the definition says, and shown apart
    row["alarm_on_gold"] = (
        row["false_alarm"] and all(f.condition in gold for f in flags if f.urgency in ALARMS)
        if row["false_alarm"] is not None
        else None
    )
    row["any_flag"] = bool(flags) if not mnm.intersection(gold) else None
    row["why_first"] = _why(dx, first, explain) if explain is not None and not row["top1"] else []
    return row


def rule_row(
    record: Row,
    spec: NetworkSpec | None,
    order: Sequence[str],
    items: Mapping[str, list[tuple[str, str]]],
) -> Row:
    """The points rule on one vignette: its top 3 with scores, hits, unread entries."""
    states, unread = evidence_states(spec, record["evidence"])
    ranked = points_rule(states, order, items)
    top = [c for c, _ in ranked[:3]]
    ranks = [k for k, (c, _) in enumerate(ranked, start=1) if c in record["gold"]]
    return {
        "top3": [[c, s] for c, s in ranked[:3]],
        "rank": min(ranks, default=None),
        "top1": top[0] in record["gold"],
        "top3_hit": any(g in top for g in record["gold"]),
        "unread": unread,
    }


def pct(hits: int, of: int) -> dict[str, Any]:
    return {"hits": hits, "of": of, "percent": round(100.0 * hits / of, 1) if of else None}


def reciprocal(rank: int | None) -> float:
    """1 / rank of the best-ranked gold id; 0 where no gold id is ranked (an error, or not a condition)."""
    return 1.0 / rank if rank else 0.0


def mrr(rows: Iterable[Row], of: int) -> float | None:
    """Mean reciprocal rank over ``of`` vignettes (rows without a rank count 0), to 3 decimals."""
    return round(sum(reciprocal(r.get("rank")) for r in rows) / of, 3) if of else None


def summarise(rows: Sequence[Row]) -> dict[str, Any]:
    """Every figure of the report, from the scored rows (each with its 'rule' entry)."""
    scored = [r for r in rows if r["error"] is None]
    mnm = [r for r in rows if r["must_not_miss"]]
    mnm_scored = [r for r in mnm if r["error"] is None]
    non_mnm = [r for r in scored if r["false_alarm"] is not None]

    def hits(rs: Iterable[Row], key: str) -> int:
        return sum(bool(r[key]) for r in rs)

    out: dict[str, Any] = {"vignettes": len(rows), "scored": len(scored)}
    out["errors"] = pct(len(rows) - len(scored), len(rows))
    for name, key in (("top1", "top1"), ("top3", "top3_hit")):
        out[f"{name}_all"] = pct(hits(scored, key), len(rows))
        out[f"{name}_scored"] = pct(hits(scored, key), len(scored))
        out[f"rule_{name}_all"] = pct(hits((r["rule"] for r in rows), key), len(rows))
        out[f"rule_{name}_scored"] = pct(hits((r["rule"] for r in scored), key), len(scored))
    # Graded: where the best-ranked gold id stands (1/rank), and how probable the first gold is.
    out["mrr_all"], out["mrr_scored"] = mrr(scored, len(rows)), mrr(scored, len(scored))
    out["rule_mrr_all"] = mrr((r["rule"] for r in rows), len(rows))
    gold_p = [r["gold_posterior"][r["gold"][0]] for r in scored if r["gold_posterior"][r["gold"][0]] is not None]
    out["first_gold_posterior"] = {
        "of": len(gold_p),
        "mean": round(statistics.fmean(gold_p), 3) if gold_p else None,
        "median": round(statistics.median(gold_p), 3) if gold_p else None,
    }
    out["must_not_miss_recall_scored"] = pct(hits(mnm_scored, "flagged"), len(mnm_scored))
    out["must_not_miss_recall_all"] = pct(hits(mnm_scored, "flagged"), len(mnm))
    out["false_alarms"] = pct(hits(non_mnm, "false_alarm"), len(non_mnm))
    out["alarms_on_gold"] = pct(hits(non_mnm, "alarm_on_gold"), hits(non_mnm, "false_alarm"))
    out["any_flag_alarms"] = pct(hits(non_mnm, "any_flag"), len(non_mnm))
    per: dict[str, dict[str, int]] = {}
    confusion: dict[str, Counter[str]] = {}
    for r in rows:
        g = r["gold"][0]
        c = per.setdefault(g, dict.fromkeys(PER_CONDITION, 0))
        c["cases"] += 1
        c["errors"] += r["error"] is not None
        c["top1"] += bool(r.get("top1"))
        c["top3"] += bool(r.get("top3_hit"))
        c["rule_top1"] += r["rule"]["top1"]
        c["rule_top3"] += r["rule"]["top3_hit"]
        c["mrr"] += reciprocal(r.get("rank"))
        c["rule_mrr"] += reciprocal(r["rule"].get("rank"))
        confusion.setdefault(g, Counter())["ERROR" if r["error"] else r["top3"][0][0]] += 1
    for c in per.values():  # sums of reciprocal ranks -> their means
        c["mrr"], c["rule_mrr"] = round(c["mrr"] / c["cases"], 3), round(c["rule_mrr"] / c["cases"], 3)
    out["per_condition"] = per
    out["confusion"] = {g: dict(c.most_common()) for g, c in confusion.items()}
    out["error_list"] = [{"id": r["id"], "error": r["error"]} for r in rows if r["error"]]
    out["error_kinds"] = dict(Counter(r["error_type"] for r in rows if r["error"]))
    out["must_not_miss_unflagged"] = [r["id"] for r in mnm_scored if not r["flagged"]]
    out["misses"] = [r["id"] for r in scored if not r["top1"]]
    return out


def _f(p: dict[str, Any]) -> str:
    if p["percent"] is None:
        return f"{p['hits']}/{p['of']} (no cases)"
    return f"{p['hits']}/{p['of']} = {p['percent']:.1f}%"


def _r(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _summary(s: dict[str, Any]) -> list[str]:
    both = "{} (errors as misses) | {} of scored"
    rule = "{} all | {} on crampnet's scored cases"
    mnm = (s["must_not_miss_recall_scored"], s["must_not_miss_recall_all"])
    kinds = (
        "(" + ", ".join(f"{k} {n}" for k, n in s["error_kinds"].items()) + ")"
        if s["error_kinds"]
        else ""
    )
    lines = [
        ("top-1 (first of the differential is a gold id)", both.format(_f(s["top1_all"]), _f(s["top1_scored"]))),
        ("top-3 (a gold id among the first three)", both.format(_f(s["top3_all"]), _f(s["top3_scored"]))),
        ("mean reciprocal rank (best-ranked gold id)", both.format(_r(s["mrr_all"]), _r(s["mrr_scored"]))),
        ("P(first gold present), scored", f"mean {_r(s['first_gold_posterior']['mean'])}, median {_r(s['first_gold_posterior']['median'])} (of {s['first_gold_posterior']['of']})"),
        ("must-not-miss recall (first gold flagged)", f"{_f(mnm[0])} of scored | {_f(mnm[1])} with errors as misses"),
        ("false alarms (urgent/emergency flag, no gold must-not-miss)", f"{_f(s['false_alarms'])} of scored"),
        ("  of them, every urgent flag names a gold condition", f"{_f(s['alarms_on_gold'])} of the false alarms"),
        ("  any flag, 'test' included (no gold must-not-miss)", f"{_f(s['any_flag_alarms'])} of scored"),
        ("errors (crampnet raised: not scored)", f"{_f(s['errors'])} {kinds}".rstrip()),
        ("seed-checklist rule top-1", rule.format(_f(s["rule_top1_all"]), _f(s["rule_top1_scored"]))),
        ("seed-checklist rule top-3", rule.format(_f(s["rule_top3_all"]), _f(s["rule_top3_scored"]))),
        ("seed-checklist rule mean reciprocal rank", f"{_r(s['rule_mrr_all'])} all"),
    ]  # fmt: skip
    head = (
        f"SUMMARY ({s['vignettes']} vignettes: {s['scored']} scored, {s['errors']['hits']} errors)"
    )
    return [head, *(f"  {label:<49} {value}" for label, value in lines), f"  ({FLAGGED})"]


def _miss(r: Row) -> str:
    gold = "; ".join(
        f"{g} rank {r['gold_rank'][g]} P={r['gold_posterior'][g]:.3f}" if r["gold_rank"][g] else f"{g} not a network condition"
        for g in r["gold"]
    )  # fmt: skip
    why = ", ".join(f"{n}={st} ({lo:+.2f})" for n, st, lo in r["why_first"]) or "-"
    return (
        f"  {r['id']}: {gold} | first {r['top3'][0][0]} P={r['top3'][0][1]:.3f} | raised by {why}"
    )


def render(s: dict[str, Any], rows: Sequence[Row], header: Sequence[str]) -> str:
    """The text report: header, summary, per-condition and confusion tables, misses, errors."""
    out = [
        *header,
        "",
        *_summary(s),
        "",
        "PER CONDITION (by first gold; top-k counts errors as misses; mrr: mean of 1 / rank of the best-ranked gold id)",
    ]
    out.append(
        f"  {'condition':<28} "
        + " ".join(f"{k.replace('rule_', 'rule '):>9}" for k in PER_CONDITION)
    )
    for g, c in sorted(s["per_condition"].items(), key=lambda gc: (-gc[1]["cases"], gc[0])):
        out.append(f"  {g:<28} " + " ".join(f"{c[k]:>9.3f}" if isinstance(c[k], float) else f"{c[k]:>9}" for k in PER_CONDITION))
    out += ["", "CONFUSION (first gold -> crampnet's first: count)"]
    for g, preds in sorted(s["confusion"].items()):
        out.append(f"  {g}: " + ", ".join(f"{p} {n}" for p, n in preds.items()))
    out += [
        "",
        f"MISSES ({len(s['misses'])}: gold rank and posterior; crampnet's first; what raised it most)",
    ]
    out += [_miss(r) for r in rows if r["error"] is None and not r["top1"]]
    unflagged = ", ".join(s["must_not_miss_unflagged"]) or "none"
    out += ["", f"MUST-NOT-MISS NOT FLAGGED: {unflagged}"]
    out += ["", f"ERRORS ({len(s['error_list'])}: not scored)"]
    out += [f"  {e['id']}: {e['error']}" for e in s["error_list"]]
    missing = Counter(k for r in rows for k in r.get("unknown_ids", []))
    if missing:
        ids = ", ".join(f"{k} {n}" for k, n in missing.most_common())
        out.append(f"  ids the network does not have (vignettes): {ids}")
    alarms = [r for r in rows if r.get("false_alarm")]
    out += ["", f"FALSE ALARMS ({len(alarms)})"]
    for r in alarms:
        flags = ", ".join(f"{f['urgency']} {f['condition']}" for f in r["red_flags"])
        out.append(f"  {r['id']} (gold {', '.join(r['gold'])}): {flags}")
    unread = [f"  {r['id']} {u}" for r in rows for u in r["rule"]["unread"]]
    out += [
        "",
        f"RULE: evidence it could not read as a state ({len(unread)}; matches no item)",
        *unread,
    ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add = parser.add_argument
    add(
        "--vignettes",
        type=Path,
        default=DEFAULT_VIGNETTES,
        help="JSONL file (default: %(default)s)",
    )
    add(
        "--checklists",
        type=Path,
        default=DEFAULT_CHECKLISTS,
        help="checklists (default: %(default)s)",
    )
    add("--ranking", choices=RANKINGS, default="counterfactual", help="passed to diagnose")
    add("--json", type=Path, help="write every figure and per-vignette row here")
    add(
        "--explain",
        choices=("sequence", "shapley", "none"),
        default="sequence",
        help="what raised a miss's first: see the docstring",
    )
    add("--threshold", type=float, default=None, help="one must-not-miss threshold for every condition (default: each one's testing threshold)")
    add("--interview", action="store_true", help="then run bench_interview.py (questions one at a time)")
    add("--skip", type=Path, help="a file of vignette ids to leave out, one per line (e.g. benchmarks/heldout/seen.txt)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    network_sha = sha256(text=shipped_text())  # the text load() compiles, read just before it
    model = crampnet.load()
    records = load_vignettes(args.vignettes)
    if args.skip is not None:
        records = skip_ids(records, args.skip)
    order, items = load_checklists(args.checklists)
    header = [
        "crampnet vignette benchmark (issue 12, item 6): it only measures, nothing is fitted",
        f"crampnet {crampnet.__version__}; network {model.spec.name} {model.spec.version} (sha256 {network_sha}), population {model.population}; ranking {args.ranking}; must-not-miss thresholds {'per condition (testing thresholds; default ' + format(DEFAULT_THRESHOLD, '.2f') + ')' if args.threshold is None else format(args.threshold, '.2f')}; explain {args.explain}",
        f"vignettes {args.vignettes} (sha256 {sha256(args.vignettes)})"
        + (f"; left out: the ids of {args.skip} (sha256 {sha256(args.skip)})" if args.skip is not None else ""),
        f"baseline: seed checklists {args.checklists.name} (sha256 {sha256(args.checklists)}), taken from shared/seeds/*.txt:",
        "  five AI-generated articles about leg cramps and mimics, not clinical sources; a condition scores",
        "  its matched items, ties in vocabulary order",
    ]
    explainer = {"sequence": sequence_explainer(model), "shapley": dx_explain, "none": None}[
        args.explain
    ]
    rows = []
    for rec in records:
        row = score_vignette(
            rec,
            lambda ev: model.diagnose(ev, ranking=args.ranking, threshold=args.threshold),
            model.must_not_miss,
            explain=explainer,
        )
        row["rule"] = rule_row(rec, model.spec, order, items)
        if row["error"] is not None:
            row["unknown_ids"] = unknown_ids(model.spec, rec["evidence"])
        rows.append(row)
    summary = summarise(rows)
    print(render(summary, rows, header))
    print(f"\n({time.perf_counter() - start:.1f} s)")
    if args.json is not None:
        meta = {
            "header": header,
            "crampnet_version": crampnet.__version__,
            "network_version": model.spec.version,
            "population": model.population,
            "vignettes_sha256": sha256(args.vignettes),
            "ranking": args.ranking,
            "explain": args.explain,
            "threshold": args.threshold,
            "flagged": FLAGGED,
        }
        args.json.write_text(
            json.dumps({"meta": meta, "summary": summary, "rows": rows}, indent=1, allow_nan=False),
            encoding="utf-8",
        )
    if args.interview:  # issue 13, item 4: same vignettes, interview figures
        sys.path.insert(0, str(Path(__file__).parent))  # a script in this folder, not a package
        from bench_interview import main as interview

        return int(interview(["--vignettes", str(args.vignettes)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
