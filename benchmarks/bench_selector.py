"""Emulate the "which condition brought the complaint" selector and score it (research, session 39).

Usage::

    python benchmarks/bench_selector.py [--vignettes PATH] [--skip PATH] [--limit N]
                                        [--order acuity|presenting] [--b one|attributable]
                                        [--attributes all|complaint] [--json PATH]

The shipped network has no such node; this script measures what it would do
(``networks/research/2026-12-06-s39-structure.md``, section 5). A latent
node ``brought_by``, with a state ``rest`` (no modelled condition brought the
complaint) and one state per condition, is a noisy-MAX over the conditions
in a priority order: a present condition i proposes its own state with
probability b_i, the highest proposal wins. The complaint's attributes
(``ATTRIBUTES``: its kind, site, duration, side, timing, triggers and
reliefs) are its children: the likelihood of an observed set a under state
i is P(a | only condition i present) in the shipped network (for critical
limb ischemia, PAD present too: the file makes it a form of PAD), and under
``rest`` P(a | no condition). Each case's attributes are replaced by that
likelihood as soft evidence on ``brought_by``, which the engine answers
exactly (a noisy-MAX with soft evidence), and the case is scored as
``bench_vignettes.py`` scores it. The node is added to a copy of the network
in a temporary folder, with the file's size limits raised for the run (21
parents and a 2^21 x 22 table, for export only: the engine never builds it).

``--order acuity`` puts the acute conditions first (``ACUITY``, a judgment);
``presenting`` keeps the acute ones first and orders the rest by their
presenting odds ratio. ``--b one`` lets every present condition bring its
complaint (priority alone decides); ``attributable`` uses (OR - 1) / OR of
each condition's presenting odds ratio, judged (``JUDGED_B``) where that is
1 or less or absent. ``--attributes complaint`` takes only the complaint's
kind, site, duration and side. Nothing is fitted; the figures are one run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))  # bench_vignettes: a script in this folder, not a package

import bench_vignettes as bv

import crampnet
from crampnet.network.evidence import resolve_id
from crampnet.network.loading import shipped_text

#: The complaint's attributes: what a person says about the complaint that brought them.
ATTRIBUTES = (
    "presenting_complaint", "pain_location", "symptom_duration", "bilateral", "nocturnal", "worse_evening",
    "worse_at_rest", "urge_to_move", "relief_by_movement", "relief_by_stretching", "exercise_triggered",
    "exertional_pain_relieved_by_rest", "relief_by_standing_still", "relief_by_dependency",
    "relief_by_lumbar_flexion", "episode_duration",
)
#: ``--attributes complaint``: the four that sessions 36 and 38 coupled.
COMPLAINT = ("presenting_complaint", "pain_location", "symptom_duration", "bilateral")
#: The acute conditions, which bring their own complaint whatever chronic ones coexist (judgment).
ACUTE = (
    "acute_limb_ischemia", "critical_limb_ischemia", "deep_vein_thrombosis", "local_calf_pathology",
    "motor_neuron_disease", "metabolic_myopathy", "akathisia",
)
#: The priority order of ``--order acuity``, highest first (judgment).
ACUITY = (
    *ACUTE, "lumbar_radiculopathy", "lumbar_spinal_stenosis", "peripheral_arterial_disease",
    "peripheral_neuropathy", "arthritis", "drug_induced_cramps", "electrolyte_disturbance",
    "exercise_associated_cramps", "restless_legs_syndrome", "thyroid_disease", "nocturnal_leg_cramps",
    "venous_insufficiency", "periodic_limb_movements", "positional_discomfort",
)
#: b_i where the presenting odds ratio is 1 or less, or absent (judgment).
JUDGED_B = {
    "critical_limb_ischemia": 0.95, "periodic_limb_movements": 0.1, "peripheral_neuropathy": 0.6,
    "akathisia": 0.9, "electrolyte_disturbance": 0.5, "drug_induced_cramps": 0.7, "thyroid_disease": 0.1,
}
#: b_i of ``--b one``, under 1 so that every link keeps a ``rest`` entry.
ALWAYS = 0.9999
#: The file's limits for the copy with the node (module, name, value); the shipped ones stay in force elsewhere.
LIMITS = (
    ("crampnet.network._budget", "MAX_PARENTS", 40),
    ("crampnet.network._budget", "MAX_TABLE", 2**30),
    ("crampnet.network._budget", "MAX_TOTAL", 2**31),
    ("crampnet.network._budget", "MAX_CLIQUE", 2**40),
    ("crampnet.network._budget", "MAX_TREE", 2**45),
    ("crampnet.network._budget", "MAX_BYTES", 8 * 2**20),
    ("crampnet.network.records", "MAX_BYTES", 8 * 2**20),
    ("crampnet.network.records", "MAX_TABLE", 2**30),
    ("crampnet.network.spec", "MAX_BYTES", 8 * 2**20),
    ("crampnet.network.loading", "MAX_BYTES", 8 * 2**20),
    ("crampnet.inference.compiled", "MAX_CLIQUE", 2**40),
    ("crampnet.inference.compiled", "MAX_TREE", 2**45),
)


def presenting_odds_ratios(model: Any) -> dict[str, float]:
    """Each condition's odds ratio for presenting (``care_setting = presenting``), from ``model.parameters()``."""
    table = model.parameters()
    rows = table[(table["parent"] == "care_setting") & (table["kind"] == "odds_ratio")]
    return {str(node): float(value) for node, value in zip(rows["node"], rows["value"], strict=True)}


def order_of(kind: str, model: Any) -> list[str]:
    """The priority order, highest first: ``acuity`` or ``presenting``."""
    if kind == "acuity":
        return list(ACUITY)
    ors = presenting_odds_ratios(model)
    rest = sorted((c for c in model.conditions if c not in ACUTE), key=lambda c: -ors.get(c, 0.0))
    return [*ACUTE, *rest]


def b_of(kind: str, model: Any) -> dict[str, float]:
    """b_i for each condition: ``one`` or ``attributable`` ((OR - 1) / OR, else ``JUDGED_B``)."""
    if kind == "one":
        return dict.fromkeys(model.conditions, ALWAYS)
    ors = presenting_odds_ratios(model)
    return {c: round((ors[c] - 1) / ors[c], 4) if ors.get(c, 0.0) > 1 else JUDGED_B[c] for c in model.conditions}


def selector_toml(order: Sequence[str], b: Mapping[str, float]) -> str:
    """The ``brought_by`` node as TOML, to append to the network file."""
    states = ["rest", *reversed(order)]  # lowest first, as a noisy-MAX order is written

    def probabilities(cond: str | None) -> str:
        chosen = {s: (1.0 if s == "rest" else 0.0) for s in states} if cond is None else {s: (b[cond] if s == cond else round(1 - b[cond], 6) if s == "rest" else 0.0) for s in states}
        return "{ " + ", ".join(f"{s} = {p}" for s, p in chosen.items()) + " }"

    lines = [
        "", "[nodes.brought_by]", 'role = "finding"', f"states = {json.dumps(states)}",
        'label = "The condition that brought the complaint (research prototype, bench_selector.py)"',
        'description = "A latent selector emulated with soft evidence; not in the shipped network."', "",
        "[nodes.brought_by.cpd]", 'model = "noisy_max"', f"order = {json.dumps(states)}", "",
        "[nodes.brought_by.cpd.leak]", f"probabilities = {probabilities(None)}",
        'source = "judgment"', 'reason = "research prototype: nothing else brings the complaint"',
    ]
    for cond in order:
        lines += [
            "", "[[nodes.brought_by.cpd.links]]", f'parent = "{cond}"', 'state = "present"',
            f"probabilities = {probabilities(cond)}", 'source = "judgment"', 'reason = "research prototype (bench_selector.py)"',
        ]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def raised_limits() -> Iterator[None]:
    """The file's size limits raised (``LIMITS``) for as long as the block runs."""
    with contextlib.ExitStack() as stack:
        for module, name, value in LIMITS:
            stack.enter_context(mock.patch.object(importlib.import_module(module), name, value))
        yield


def load_with_selector(order: Sequence[str], b: Mapping[str, float], folder: Path) -> Any:
    """The shipped network with ``brought_by`` added, loaded from a copy in ``folder``."""
    path = folder / "leg_cramps_selector.toml"
    path.write_text(shipped_text() + selector_toml(order, b), encoding="utf-8")
    with raised_limits():
        return crampnet.load(path)


def likelihoods(model: Any, evidence: Mapping[str, object], attributes: Sequence[str]) -> tuple[dict[str, object], dict[str, float] | None]:
    """The evidence without the attributes, and the soft evidence on ``brought_by`` they become (None if none is entered).

    Under state i the attributes' likelihood is P(a | only i present, the
    case's context) in the shipped network ``model``; under ``rest``, P(a |
    no condition). Scaled so that the largest is 1 (only ratios count).
    """
    ids = {key: resolve_id(model.spec, key) for key in evidence}
    entered = {k: v for k, v in evidence.items() if ids[k] in attributes}
    kept = {k: v for k, v in evidence.items() if k not in entered}
    if not entered:
        return kept, None
    context_ids = set(model.context)
    context = {k: v for k, v in evidence.items() if ids[k] in context_ids}
    conditions = list(model.conditions)
    raw = {}
    for state in ["rest", *conditions]:
        given: dict[str, object] = {**context, **{c: ("present" if c == state else "absent") for c in conditions}}
        if state == "critical_limb_ischemia":
            given["peripheral_arterial_disease"] = "present"  # CLI is a form of PAD in the network
        raw[state] = float(model.probability(entered, given))
    top = max(raw.values())
    return kept, {s: p / top for s, p in raw.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add = parser.add_argument
    add("--vignettes", type=Path, default=bv.DEFAULT_VIGNETTES, help="JSONL file (default: %(default)s)")
    add("--skip", type=Path, help="a file of vignette ids to leave out, one per line")
    add("--limit", type=int, help="only the first N vignettes")
    add("--order", choices=("acuity", "presenting"), default="acuity", help="the priority order (default: %(default)s)")
    add("--b", choices=("one", "attributable"), default="one", help="the chance a present condition brings its complaint (default: %(default)s)")
    add("--attributes", choices=("all", "complaint"), default="all", help="which findings are the complaint's (default: %(default)s)")
    add("--json", type=Path, help="write the summary and one row per vignette here")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    shipped = crampnet.load()
    attributes = ATTRIBUTES if args.attributes == "all" else COMPLAINT
    records = bv.load_vignettes(args.vignettes)
    if args.skip is not None:
        records = bv.skip_ids(records, args.skip)
    records = records[: args.limit] if args.limit is not None else records
    with tempfile.TemporaryDirectory() as folder:
        model = load_with_selector(order_of(args.order, shipped), b_of(args.b, shipped), Path(folder))

    def diagnose(evidence: Mapping[str, object]) -> Any:
        kept, soft = likelihoods(shipped, evidence, attributes)
        return model.diagnose(kept if soft is None else {**kept, "brought_by": soft})

    checklist_order, items = bv.load_checklists(bv.DEFAULT_CHECKLISTS)  # the baseline, as bench_vignettes.py gives it
    rows = []
    for rec in records:
        row = bv.score_vignette(rec, diagnose, model.must_not_miss, explain=None)
        row["rule"] = bv.rule_row(rec, shipped.spec, checklist_order, items)
        rows.append(row)
    summary = bv.summarise(rows)
    print(f"crampnet selector emulation (research, session 39): order {args.order}, b {args.b}, attributes {args.attributes}")
    print(f"vignettes {args.vignettes} (sha256 {bv.sha256(args.vignettes)}), {len(rows)} scored")
    print("\n".join(bv._summary(summary)))
    print(f"\n({time.perf_counter() - start:.1f} s)")
    if args.json is not None:
        meta = {"order": args.order, "b": args.b, "attributes": args.attributes, "vignettes_sha256": bv.sha256(args.vignettes)}
        args.json.write_text(json.dumps({"meta": meta, "summary": summary, "rows": rows}, indent=1, allow_nan=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
