"""benchmarks/bench_selector.py: the selector emulation of session 39's research note.

The script adds a latent ``brought_by`` node to a copy of the network and
turns a case's complaint attributes into soft evidence on it. Checked here
against what follows from the model without running the script's own
arithmetic: soft evidence that is the same for every state changes nothing
(the shipped network's posteriors), and a noisy-OR attribute's likelihoods
are the noisy-OR formula applied by hand to the file's numbers.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import crampnet

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "bench_selector.py"
TEXTBOOK = REPO / "benchmarks" / "textbook" / "textbook.jsonl"


def _import_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_selector", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bs = _import_script()
#: The limits as the package sets them, read before any test raises them.
SHIPPED_LIMITS = {name: getattr(importlib.import_module(module), name) for module, name, _ in bs.LIMITS}


@pytest.fixture(scope="module")
def with_selector(model: crampnet.Model, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The network with ``brought_by``, every condition able to bring its complaint, acuity order."""
    return bs.load_with_selector(bs.order_of("acuity", model), bs.b_of("one", model), tmp_path_factory.mktemp("selector"))


def test_the_limits_are_back_after_loading(with_selector: Any) -> None:
    """Check that the raised limits hold only while the copy loads: the package's own are in force after."""
    assert with_selector.states("brought_by")[0] == "rest"
    assert {name: getattr(importlib.import_module(module), name) for module, name, _ in bs.LIMITS} == SHIPPED_LIMITS
    assert all(value > SHIPPED_LIMITS[name] for _, name, value in bs.LIMITS)


@pytest.mark.parametrize(
    "case",
    [
        {"age": 70, "pedal_pulses": "absent", "smoker": "yes"},
        {"sex": "female", "ferritin": 20, "daytime_fatigue": "yes", "unilateral_calf_swelling": "no"},
        {},
    ],
)
def test_uninformative_soft_evidence_changes_nothing(case: dict[str, object], model: crampnet.Model, with_selector: Any) -> None:
    """Check that the same likelihood for every state of ``brought_by`` leaves the shipped posteriors."""
    flat = dict.fromkeys(with_selector.states("brought_by"), 0.5)
    emulated = with_selector.diagnose({**case, "brought_by": flat}).posteriors
    shipped = model.diagnose(case).posteriors
    assert list(emulated.index) == list(shipped.index)
    assert emulated.to_numpy() == pytest.approx(shipped.to_numpy(), abs=1e-9)


def test_noisy_or_likelihoods_by_hand(model: crampnet.Model) -> None:
    """Check the likelihood of one noisy-OR attribute against 1 - (1 - leak)(1 - link) over the leak, from the file."""
    kept, soft = bs.likelihoods(model, {"age": 50, "relief_by_stretching": "yes"}, bs.ATTRIBUTES)
    assert kept == {"age": 50} and soft is not None
    table = model.parameters()
    rows = table[table["node"] == "relief_by_stretching"]
    leak = float(rows[rows["kind"] == "leak"]["value"].iloc[0])
    links = {str(p): float(v) for p, v in zip(rows[rows["kind"] == "link"]["parent"], rows[rows["kind"] == "link"]["value"], strict=True)}
    assert links  # the finding has linked conditions
    for state, likelihood in soft.items():
        by_hand = 1 - (1 - leak) * (1 - links.get(state, 0.0))
        assert likelihood / soft["rest"] == pytest.approx(by_hand / leak, rel=1e-9), state
    assert max(soft.values()) == 1.0


def test_no_attribute_entered_gives_no_soft_evidence(model: crampnet.Model) -> None:
    """Check that a case without any complaint attribute keeps its evidence and gets no soft evidence."""
    case = {"age": 50, "pedal_pulses": "absent"}
    assert bs.likelihoods(model, case, bs.ATTRIBUTES) == (case, None)


def test_orders_and_b(model: crampnet.Model) -> None:
    """Check both orders hold every condition once, acute ones first, and b lies in (0, 1)."""
    for kind in ("acuity", "presenting"):
        order = bs.order_of(kind, model)
        assert sorted(order) == sorted(model.conditions) and tuple(order[: len(bs.ACUTE)]) == bs.ACUTE
    for kind in ("one", "attributable"):
        b = bs.b_of(kind, model)
        assert set(b) == set(model.conditions) and all(0 < v < 1 for v in b.values())
    assert bs.b_of("attributable", model)["deep_vein_thrombosis"] == pytest.approx((37.6 - 1) / 37.6, abs=1e-4)  # DVT's presenting odds ratio (41.4 until session 54 re-solved it)


def test_main_scores_a_few_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Check a short run: every case scored, the figures in range, the options named in the output."""
    out = tmp_path / "selector.json"
    assert bs.main(["--vignettes", str(TEXTBOOK), "--limit", "4", "--order", "presenting", "--b", "attributable", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["order"] == "presenting" and data["summary"]["vignettes"] == 4
    assert all(r["error"] is None and len(r["top3"]) == 3 for r in data["rows"])
    assert "order presenting, b attributable" in capsys.readouterr().out
