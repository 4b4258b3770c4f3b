"""Solve the presenting odds ratios that are set by a target share among presenters (session 54).

DVT, the local calf lesions, lumbar radiculopathy and arthritis carry a
``care_setting = presenting`` odds ratio solved on the loaded network so that
the condition's probability among presenters meets a target stated in its
note; when the presenting age and sex mix changes, the ratios must be solved
again. This bisects each ratio (on the log scale) on a copy of the network
file, written beside it and removed, with the ratio's range opened, and
prints the solutions; the file itself is edited by hand.

Usage (with crampnet importable)::

    python networks/research/namcs/resolve_presenting_ors.py
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from pathlib import Path

import crampnet

NETWORK = Path(__file__).resolve().parents[2] / "leg_cramps.toml"
#: Arthritis's share of new knee and hip consultations among new leg consultations (value, low, high; its note).
ARTHRITIS_NEW = {"value": 0.0775, "low": 0.0535, "high": 0.104}
#: The stated shares among presenters of the other three (their notes).
TARGETS = {
    "local_calf_pathology": {"value": 0.074, "low": 0.048, "high": 0.12},
    "deep_vein_thrombosis": {"value": 0.0233},
    "lumbar_radiculopathy": {"value": 0.148},
}


def with_ratio(text: str, node: str, value: float) -> str:
    """The network text with ``node``'s presenting odds ratio set to ``value`` and its range opened."""
    pattern = re.compile(
        r'(\[\[nodes\.%s\.cpd\.odds_ratios\]\]\nparent = "care_setting"\nstate = "presenting"\nvalue = )'
        r"[0-9.]+\nlow = [0-9.]+\nhigh = [0-9.]+" % node
    )
    found = pattern.search(text)
    if found is None:
        raise ValueError(f"no presenting odds ratio for {node}")
    return text[: found.end(1)] + f"{value!r}\nlow = 0.001\nhigh = 100000.0" + text[found.end() :]


def share(text: str, node: str) -> float:
    """P(node present) among presenters for the network ``text``."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False, dir=NETWORK.parent, encoding="utf-8") as f:
        f.write(text)
    try:
        return float(crampnet.load(f.name).posteriors({})[node])
    finally:
        os.unlink(f.name)


def solve(text: str, node: str, target: float, low: float = 1.0, high: float = 1000.0) -> float:
    """The odds ratio at which ``node``'s share among presenters is ``target`` (bisection on the log scale)."""
    a, b = math.log(low), math.log(high)
    while b - a > 1e-5:
        middle = (a + b) / 2
        if share(with_ratio(text, node, math.exp(middle)), node) < target:
            a = middle
        else:
            b = middle
    return math.exp((a + b) / 2)


def main() -> None:
    text = NETWORK.read_text(encoding="utf-8")
    background = share(with_ratio(text, "arthritis", 1.0), "arthritis")
    print(f"arthritis at odds ratio 1 (p_age): {background:.4f}")
    solved = {}
    for label, new in ARTHRITIS_NEW.items():
        target = new + (1 - new) * background
        solved[label] = solve(text, "arthritis", target, 1.0, 3.0)
        print(f"arthritis {label}: {solved[label]:.4f} (target {target:.4f})")
    text = with_ratio(text, "arthritis", round(solved["value"], 2))  # the calf lesions have arthritis as a parent
    for node, targets in TARGETS.items():
        for label, target in targets.items():
            print(f"{node} {label}: {solve(text, node, target):.4f} (target {target})")


if __name__ == "__main__":
    main()
