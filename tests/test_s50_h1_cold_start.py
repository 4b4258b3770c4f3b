"""The cold start of ``crampnet diagnose``: work that loading and the command do not need is not done.

Timing tests would be flaky on a shared machine; these count work instead
(Python-level calls, modules imported in a fresh process), so each fails
when the cost comes back.
"""

from __future__ import annotations

import copy
import itertools
import sys
import tomllib
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.exceptions import NetworkFileError
from crampnet.network import _elimination, _walker
from crampnet.network._control import CONTROL, holds_control
from crampnet.network._reader import Reader
from crampnet.network.loading import shipped_text


def _moral_graph(model) -> tuple[list[int], list[set[int]]]:  # type: ignore[no-untyped-def]
    """The shipped network's moral graph, in file order, as ``network_cost`` builds it."""
    nodes = model.spec.nodes
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    for nid in ids:
        for a, b in itertools.combinations([index[nid], *(index[p] for p in nodes[nid].parents)], 2):
            graph[a].add(b)
            graph[b].add(a)
    return cards, graph


def _calls(run) -> int:  # type: ignore[no-untyped-def]
    """The Python-level calls ``run()`` makes (a deterministic measure of its work)."""
    calls = 0

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_min_fill_estimate_rescores_only_what_changed(model):
    """Check the load-time min-fill estimate of the shipped network stays cheap: few Python calls, same answer.

    Rescoring every neighbour's neighbour after each elimination made about
    230,000 Python-level calls (a tenth of a second of each cold start on a
    busy machine); keeping the scores up to date makes about 7,000.
    """
    cards, graph = _moral_graph(model)
    result: tuple[int, int] = (0, 0)

    def run() -> None:
        nonlocal result
        result = _elimination.eliminate_min_fill(cards, graph)

    calls = _calls(run)
    assert calls < 30_000
    assert result[0] <= _elimination.MAX_CLIQUE  # the estimate that lets the shipped network load


def _shipped_data() -> dict:  # type: ignore[type-arg]
    """What the TOML parser returns for the shipped network file."""
    return tomllib.loads(shipped_text().removeprefix("\ufeff"))


def test_plain_text_check_of_a_clean_file_walks_no_places():
    """Check a file without control characters is cleared in one pass, not by the walk that names each value's place.

    The naming walk made a Python call per key (a generator over its
    characters) and per list: about 30 ms of each load of the shipped
    network on a busy machine. It now runs only on a file that fails.
    """
    data = _shipped_data()
    assert _calls(lambda: Reader("leg_cramps.toml").plain_text(data)) < 50


_TEXT = st.text(st.sampled_from(["a", "é", " ", "\t", "\n", "\r", "\x07", "\x1b", "\x85", "\u00a0", "\u200b", "\u200d", "\u2028", "\ufeff", "\U000e0041", "\u00ad", "≥"]), max_size=6)
_DOCS = st.recursive(
    st.one_of(_TEXT, st.floats(allow_nan=False), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _DOCS, max_size=4))
def test_the_quick_check_agrees_with_the_walk_that_names_places(document):
    """Check ``holds_control`` is true exactly where the walk naming places refuses the file (the walk run on its own)."""
    reader = Reader("net.toml")
    with mock.patch.object(_walker, "holds_control", return_value=True):  # the naming walk alone, as before
        try:
            reader.plain_text(copy.deepcopy(document))
        except NetworkFileError:
            refused = True
        else:
            refused = False
    assert holds_control(document) is refused
    if refused:  # and the fast check hands the file to the walk, which names the place
        with pytest.raises(NetworkFileError, match="a control character"):
            reader.plain_text(document)
    else:
        reader.plain_text(document)


def test_every_control_character_is_unprintable():
    """Check the premise of the quick check: ``str.isprintable`` refuses every character the pattern refuses."""
    every = "".join(map(chr, range(0x110000)))
    found = CONTROL.findall(every)
    assert len(found) > 200  # C0, C1, the bidirectional controls, the tags
    assert [c for c in found if c.isprintable()] == []
