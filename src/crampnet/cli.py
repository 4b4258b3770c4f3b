"""The ``crampnet`` command line.

``crampnet diagnose urge_to_move=yes ferritin=30`` prints the ranked
differential for a case; ``crampnet diagnose --example`` diagnoses a built-in
example case on the shipped network. Errors go to stderr with exit code 2.

Examples
--------
>>> from crampnet.cli import main
>>> main(["diagnose", "visible_hard_contraction=yes", "--top", "1"])  # doctest: +ELLIPSIS
Evidence: visible_hard_contraction=yes
...
0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from crampnet.exceptions import CrampnetError
from crampnet.model import load

__all__ = ["EXAMPLE_CASE", "main", "parse_assignment"]

#: The example case: a classic restless-legs history with a low ferritin.
EXAMPLE_CASE: dict[str, object] = {
    "age": 52,
    "sex": "female",
    "urge_to_move": True,
    "uncomfortable_sensations": True,
    "worse_at_rest": True,
    "relief_by_movement": True,
    "worse_evening": True,
    "visible_hard_contraction": False,
    "ferritin": 32,
}


def parse_assignment(text: str) -> tuple[str, object]:
    """Parse ``node=value``: numbers become floats, yes/no stay state names."""
    if "=" not in text:
        msg = f"Expected node=value, got {text!r}."
        raise ValueError(msg)
    key, _, raw = text.partition("=")
    value: object = raw
    try:
        value = float(raw)
    except ValueError:
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
    return key.strip(), value


def _diagnose(args: argparse.Namespace) -> int:
    model = load(args.network)
    evidence: dict[str, object] = dict(EXAMPLE_CASE) if args.example else {}
    for item in args.evidence:
        key, value = parse_assignment(item)
        evidence[key] = value
    post = model.posteriors(evidence)
    if args.json:
        print(json.dumps({"evidence": {k: str(v) for k, v in evidence.items()}, "posteriors": post.round(6).to_dict()}, indent=2))
        return 0
    print("Evidence: " + (", ".join(f"{k}={v}" for k, v in evidence.items()) or "none"))
    print(f"{'condition':<30} P(present | evidence)")
    for cond, p in post.head(args.top).items():
        flag = "  [must not miss]" if model.spec.nodes[str(cond)].must_not_miss else ""
        print(f"{cond:<30} {p:8.4f}{flag}")
    shown = set(post.head(args.top).index)
    for cond in model.must_not_miss:
        if cond not in shown:
            print(f"{cond:<30} {post[cond]:8.4f}  [must not miss]")
    print("crampnet supports clinical reasoning; it does not replace it. Sources: model.parameters().")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="crampnet", description="Bayesian differential diagnosis of leg cramps.")
    sub = parser.add_subparsers(dest="command", required=True)
    diag = sub.add_parser("diagnose", help="rank the differential for a case")
    diag.add_argument("evidence", nargs="*", help="node=value pairs, e.g. urge_to_move=yes ferritin=30")
    diag.add_argument("--example", action="store_true", help="start from the built-in example case")
    diag.add_argument("--network", default=None, help="a network file (default: the shipped one)")
    diag.add_argument("--top", type=int, default=10, help="how many conditions to list")
    diag.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        return _diagnose(args)
    except (CrampnetError, ValueError, TypeError) as err:
        print(f"crampnet: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
