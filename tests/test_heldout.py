"""benchmarks/heldout/heldout.jsonl: every record has the vignette format and uses the shipped ids.

The held-out set is measured on, never tuned on; these tests check only its
form (fields, ids, states, numbers in range, unique ids, quote length), that
none of its sources is one of dev.jsonl's, and that the README counts match
the file. Nothing here looks at what crampnet answers.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import crampnet

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "benchmarks" / "heldout"
RECORDS = HELDOUT / "heldout.jsonl"
FIELDS = {"id", "source", "category", "gold", "evidence", "unmapped", "hard_case", "note", "quote"}
DEV_CANDIDATES = [
    REPO.parent / "shared" / "vignettes" / "dev.jsonl",
    REPO.parent.parent / "shared" / "vignettes" / "dev.jsonl",
]
DEV = next((p for p in DEV_CANDIDATES if p.is_file()), None)


def _records() -> list[dict[str, Any]]:
    lines = RECORDS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


RECS = _records()


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def test_enough_records() -> None:
    assert len(RECS) >= 30


def test_ids_unique_and_numbered() -> None:
    ids = [r["id"] for r in RECS]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"CNH-\d{3}", i) for i in ids), ids


@pytest.mark.parametrize("rec", RECS, ids=[r["id"] for r in RECS])
def test_record_fields(rec: dict[str, Any]) -> None:
    assert set(rec) == FIELDS
    for key in ("source", "category", "note", "quote"):
        assert isinstance(rec[key], str) and rec[key].strip(), key
    assert len(rec["quote"]) <= 300
    assert isinstance(rec["hard_case"], bool)
    assert isinstance(rec["evidence"], dict) and rec["evidence"]
    assert isinstance(rec["unmapped"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in rec["unmapped"].items())
    gold = rec["gold"]
    assert isinstance(gold, list) and 1 <= len(gold) <= 2 and len(set(gold)) == len(gold)


@pytest.mark.parametrize("rec", RECS, ids=[r["id"] for r in RECS])
def test_gold_are_condition_nodes(model: crampnet.Model, rec: dict[str, Any]) -> None:
    assert set(rec["gold"]) <= set(model.conditions), rec["gold"]


def _node_id(model: crampnet.Model, key: str) -> str:
    if key in model.spec.nodes:
        return key
    owners = [nid for nid, node in model.spec.nodes.items() if key in node.aliases]
    assert len(owners) == 1, f"{key} is neither a node id nor one node's alias"
    return owners[0]


@pytest.mark.parametrize("rec", RECS, ids=[r["id"] for r in RECS])
def test_evidence_ids_and_states(model: crampnet.Model, rec: dict[str, Any]) -> None:
    observable = set(model.context) | set(model.findings)
    for key, value in rec["evidence"].items():
        nid = _node_id(model, key)
        assert nid in observable, f"{key}: evidence must be a context or finding node"
        node = model.spec.nodes[nid]
        if isinstance(value, str):
            assert value in node.states, f"{key}={value!r} not in {node.states}"
        else:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
            assert node.bands and node.valid is not None, f"{key} takes no number"
            lo, hi = node.valid
            assert math.isfinite(value) and lo <= value <= hi, (key, value, node.valid)


@pytest.mark.parametrize("rec", RECS, ids=[r["id"] for r in RECS])
def test_api_accepts_evidence(model: crampnet.Model, rec: dict[str, Any]) -> None:
    post = model.posteriors(rec["evidence"])
    assert sorted(post.index) == sorted(model.conditions)


@pytest.mark.skipif(DEV is None, reason="shared/vignettes/dev.jsonl absent")
def test_no_source_shared_with_dev() -> None:
    assert DEV is not None
    dev = [
        json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    dev_items = {
        m.group(0)
        for r in dev
        for m in re.finditer(r"data/\S+/test\.jsonl \(line \d+\)", r["source"])
    }
    dev_urls = {u.rstrip(".,;") for r in dev for u in re.findall(r"https?://\S+", r["source"])}
    dev_quotes = {" ".join(r["quote"].split()) for r in dev}
    for rec in RECS:
        items = set(re.findall(r"data/\S+/test\.jsonl \(line \d+\)", rec["source"]))
        urls = {u.rstrip(".,;") for u in re.findall(r"https?://\S+", rec["source"])}
        assert not items & dev_items, rec["id"]
        assert not urls & dev_urls, rec["id"]
        assert " ".join(rec["quote"].split()) not in dev_quotes, rec["id"]


def test_readme_counts_match_records() -> None:
    text = (HELDOUT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", text, flags=re.MULTILINE))
    counts = Counter(r["gold"][0] for r in RECS)
    assert {k: int(v) for k, v in table.items()} == dict(counts)
    total = re.search(r"holds (\d+) published", text)
    assert total is not None and int(total.group(1)) == len(RECS)
