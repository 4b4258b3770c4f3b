"""Error messages quote a huge bad value cut short, not whole.

A list of 10,000 numbers or a million-character string given as a ranking, a
threshold, a report format or date, a ``top`` or a ``questions`` count was
printed whole into the error: a message of up to a megabyte that buries the
sentence saying what is valid.
"""

from __future__ import annotations

import pytest

import crampnet
from crampnet.reasoning._thresholds import pauker_kassirer
from crampnet.reasoning.html import diagnosis_html

HUGE_TEXT = "x" * 1_000_000
HUGE_LIST = list(range(10_000))
HUGE_DICT = {i: i for i in range(10_000)}

#: Longest message allowed: the sentence and a short quote of the value.
LONGEST = 400


@pytest.fixture(scope="module")
def dx(tiny):
    return tiny.diagnose({"urge": True})


def _calls(tiny, dx, value):
    record = dx.to_dict()
    return {
        "diagnose ranking": (lambda: tiny.diagnose({}, ranking=value), "'ranking' argument of diagnose must be one of"),
        "diagnose threshold": (lambda: tiny.diagnose({}, threshold=value), "'threshold' argument must be None"),
        "from_dict ranking": (lambda: crampnet.Diagnosis.from_dict(tiny, {**record, "ranking": value}), "record's 'ranking' must be one of"),
        "from_dict threshold": (lambda: crampnet.Diagnosis.from_dict(tiny, {**record, "threshold": value}), "record's 'threshold' must be None"),
        "report format": (lambda: dx.report(format=value), "'format' argument of report must be"),
        "report now": (lambda: dx.report(now=value), "'now' argument of report must be"),
        "html top": (lambda: diagnosis_html(dx, top=value), "'top' argument must be a non-negative int"),
        "pauker_kassirer": (lambda: pauker_kassirer(sensitivity=value, specificity=0.9, harm=0.5, test_risk=0.0), "'sensitivity' of a testing threshold"),
    }


@pytest.mark.parametrize("value", [HUGE_TEXT, HUGE_LIST, HUGE_DICT], ids=["text", "list", "dict"])
@pytest.mark.parametrize("name", ["diagnose ranking", "diagnose threshold", "from_dict ranking", "from_dict threshold", "report format", "report now", "html top", "pauker_kassirer"])
def test_a_huge_value_is_quoted_short(tiny, dx, name, value):
    """Check the message says what is wrong, quotes the start of the value, and stays short."""
    call, says = _calls(tiny, dx, value)[name]
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert isinstance(info.value, crampnet.CrampnetError), repr(info.value)[:200]
    message = str(info.value)
    assert says in message, message[:300]
    assert len(message) <= LONGEST, (len(message), message[:300])
    start = {id(HUGE_TEXT): "'xxxx", id(HUGE_LIST): "[0, 1, 2", id(HUGE_DICT): "{0: 0, 1: 1"}[id(value)]
    assert start in message, message


@pytest.mark.parametrize("value", [HUGE_TEXT, HUGE_LIST], ids=["text", "list"])
def test_draw_and_explore_quote_a_huge_value_short(tiny, value):
    """Check draw's flags and explore's ``questions`` quote a huge value cut short."""
    pytest.importorskip("matplotlib").use("Agg")
    from crampnet.display import draw

    with pytest.raises(crampnet.CrampnetError, match="'whole' argument of draw must be True or False") as info:
        draw(tiny, {}, whole=value)
    assert len(str(info.value)) <= LONGEST
    pytest.importorskip("ipywidgets")
    from crampnet.explorer import explore

    with pytest.raises(crampnet.CrampnetError, match="'questions' argument of explore must be") as info:
        explore(tiny, questions=value)
    assert len(str(info.value)) <= LONGEST


@pytest.mark.parametrize("value", [10**400, -(10**400)], ids=["huge", "hugely negative"])
def test_a_huge_integer_threshold_is_refused_by_name(tiny, dx, value):
    """Check a threshold too big for a float is the threshold's InvalidValueError (it was an OverflowError from float())."""
    with pytest.raises(crampnet.InvalidValueError, match=r"'threshold' argument must be None .* Got a?n? ?(negative )?integer of 401 digits"):
        tiny.diagnose({}, threshold=value)
    with pytest.raises(crampnet.InvalidValueError, match=r"record's 'threshold' must be None"):
        crampnet.Diagnosis.from_dict(tiny, {**dx.to_dict(), "threshold": value})
