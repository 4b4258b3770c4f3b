"""Units typed after a number: the node's own unit and the units that are exactly the same quantity are read; others are refused, a fixed conversion named.

A clinician pastes a lab value with its unit (``30 ng/mL``). Where the unit
is the node's own, or one that is the same quantity by definition
(:data:`SAME_UNITS`; ``mEq/L`` for ``mmol/L`` on a monovalent ion only,
:data:`IONS`), :func:`number_before_unit` gives the number as typed, which
:func:`crampnet.network._words.typed_number` then reads as any number. A
unit that is another quantity is never converted silently: where the factor
is fixed (a divalent ion in ``mEq/L``, calcium or magnesium in ``mg/dL``),
:func:`converted_hint` says what number to type, rounded so that it stays in
the band the exact value is in.

Sources of the equalities and factors:

* SI prefixes (BIPM, The International System of Units, 9th ed., 2019,
  Table 7: micro 10^-6, nano 10^-9, milli 10^-3): 1 µg/L = 10^-6 g / L =
  10^-9 g / 10^-3 L = 1 ng/mL; 1 µIU/mL = 10^-6 IU / 10^-3 L = 1 mIU/L.
* ``U`` and ``IU``: a TSH result in ``mU/L`` counts international units of
  the WHO reference preparation, as ``mIU/L`` does (the same unit written
  two ways); an enzyme's ``U/L`` is the IUB "international unit"
  (1 µmol/min), so ``U/L`` = ``IU/L``.
* Equivalents: "mmol = mg/formula wt = mEq/valence"; for a +1 ion 1 mole is
  1 equivalent, for a +2 ion 1/2 mole (MSD Manual Professional Edition,
  Resources, "Unit of Measure Conversions",
  https://www.msdmanuals.com/professional/resources/unit-of-measure-conversions/unit-of-measure-conversions).
* Time: a week is 7 days and an hour 1/24 of a day (SI Brochure, Table 8,
  non-SI units accepted for use with the SI: day = 24 h); a calendar month
  is 28 to 31 days and a year 365 or 366 (Gregorian calendar), so an amount
  in months or years is a span of days, and a state only where the whole
  span is in one band.
* Molar masses: IUPAC standard atomic weights (Meija J et al., Atomic weights
  of the elements 2013 (IUPAC Technical Report), Pure Appl Chem
  2016;88(3):265-291, doi:10.1515/pac-2015-0305): calcium 40.078(4);
  magnesium the interval [24.304, 24.307], conventional value 24.305.
  1 dL = 0.1 L, so mmol/L = mg/dL x 10 / molar mass (calcium: mg/dL / 4.0078).

Examples
--------
>>> import crampnet
>>> from crampnet.network._units import number_before_unit
>>> nodes = crampnet.load().spec.nodes
>>> number_before_unit(nodes["ferritin"], "30 ng/mL"), number_before_unit(nodes["ferritin"], "30mcg/l"), number_before_unit(nodes["ferritin"], "30 mg/L")
('30', '30', None)
"""

from __future__ import annotations

import decimal
import fractions
import re

from crampnet.network.spec import Node

__all__ = ["DAYS", "IONS", "SAME_UNITS", "converted_hint", "number_alone", "number_before_unit", "other_spellings", "unit_spellings"]

#: Units that are exactly the same quantity, each group one quantity, as people type them (read in any case,
#: ``μ`` U+03BC as ``µ`` U+00B5). Sources in the module docstring: SI prefixes (ng/mL = µg/L, mIU/L = µIU/mL),
#: U = IU (TSH's WHO international unit; the enzyme unit), and units of time by name.
SAME_UNITS: tuple[tuple[str, ...], ...] = (
    ("ng/mL", "µg/L", "ug/L", "mcg/L"),  # 1 µg/L = 1e-6 g / L = 1e-9 g / 1e-3 L = 1 ng/mL
    ("mIU/L", "mU/L", "µIU/mL", "uIU/mL", "µU/mL", "uU/mL"),  # 1 µIU/mL = 1e-6 IU / 1e-3 L = 1 mIU/L
    ("U/L", "IU/L"),  # an enzyme's activity (creatine kinase): U is the international unit, 1 µmol/min
    ("years", "year", "yrs", "yr", "y"),
    ("days", "day", "d"),
    ("weeks", "week", "wks", "wk"),
    ("months", "month", "mo"),
    ("hours", "hour", "hrs", "hr", "h"),
)
#: Ions by node id: (valence, molar mass in g/mol or None). mEq/L = mmol/L x valence (MSD Manual), so for a
#: monovalent ion mEq/L is mmol/L itself and is read; for a divalent one it is twice, and the hint gives
#: mEq/L / 2. Molar masses are IUPAC standard atomic weights (2013), for mg/dL; sodium and potassium have
#: none here, since mg/dL is not a unit their results are given in (refused without a conversion).
IONS: dict[str, tuple[int, float | None]] = {"sodium": (1, None), "potassium": (1, None), "magnesium": (2, 24.305), "calcium": (2, 40.078)}
_MOLAR = ("mmol/l", "meq/l")
#: Units of time other than the day, lower case, to the fewest and most days one of them is (sources in the module
#: docstring): a week and an hour exactly, a calendar month 28-31 days, a year 365-366.
DAYS: dict[str, tuple[fractions.Fraction, fractions.Fraction]] = {
    **dict.fromkeys(("weeks", "week", "wks", "wk", "w"), (fractions.Fraction(7), fractions.Fraction(7))),
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h"), (fractions.Fraction(1, 24), fractions.Fraction(1, 24))),
    **dict.fromkeys(("months", "month", "mos", "mo", "mths", "mth"), (fractions.Fraction(28), fractions.Fraction(31))),
    **dict.fromkeys(("years", "year", "yrs", "yr", "y"), (fractions.Fraction(365), fractions.Fraction(366))),
}


def _key(unit: str) -> str:
    """``unit`` as compared: lower case, Greek mu (U+03BC) as the micro sign (U+00B5)."""
    return unit.strip().lower().replace("\u03bc", "\u00b5")


def unit_spellings(node: Node) -> tuple[str, ...]:
    """The units ``node`` reads after a number, lower case: its own and those that are exactly the same quantity.

    Parameters
    ----------
    node : Node
        A node of the network.

    Returns
    -------
    tuple of str
        The node's unit first, then the others of its group in
        :data:`SAME_UNITS` (and ``meq/l`` for ``mmol/l`` on a monovalent ion
        of :data:`IONS`); empty for a node without a unit or bands.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._units import unit_spellings
    >>> nodes = crampnet.load().spec.nodes
    >>> unit_spellings(nodes["potassium"]), unit_spellings(nodes["calcium"])
    (('mmol/l', 'meq/l'), ('mmol/l',))
    """
    if not node.bands or not node.unit:
        return ()
    return tuple(dict.fromkeys([_key(node.unit), *map(_key, other_spellings(node))]))


def other_spellings(node: Node) -> tuple[str, ...]:
    """The units besides its own that ``node`` reads after a number, as :data:`SAME_UNITS` writes them, for help texts.

    Parameters
    ----------
    node : Node
        A node of the network.

    Returns
    -------
    tuple of str
        The same-quantity units of the node's group (``mEq/L`` for
        ``mmol/L`` on a monovalent ion), without the node's own unit; empty
        for a node without a unit or bands.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._units import other_spellings
    >>> nodes = crampnet.load().spec.nodes
    >>> other_spellings(nodes["ferritin"]), other_spellings(nodes["sodium"]), other_spellings(nodes["calcium"])
    (('µg/L', 'ug/L', 'mcg/L'), ('mEq/L',), ())
    """
    if not node.bands or not node.unit:
        return ()
    own = _key(node.unit)
    same = [u for group in SAME_UNITS if own in {_key(g) for g in group} for u in group if _key(u) != own]
    if own in _MOLAR and IONS.get(node.id, (0, None))[0] == 1:
        same.append("mEq/L")
    return tuple(same)


def number_before_unit(node: Node, text: str) -> str | None:
    """The text before one of ``node``'s units (:func:`unit_spellings`) at the end of ``text``, a blank between or not; else None.

    Only the split: the text before the unit is returned, stripped, if it
    has a digit, and :func:`crampnet.network._words.written_number` then
    reads it or not (``1.200 ng/mL``, ``<30 ng/mL``, ``32-40 ng/mL`` are
    refused as ``1.200``, ``<30`` and ``32-40`` are).

    Parameters
    ----------
    node : Node
        The node the text is for.
    text : str
        The text as typed.

    Returns
    -------
    str or None
        ``"30"`` for ``"30 ng/mL"`` or ``"30NG/ML"`` on ferritin; None where
        ``text`` does not end in one of the node's units.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._units import number_before_unit
    >>> nodes = crampnet.load().spec.nodes
    >>> number_before_unit(nodes["tsh"], "2.5 µIU/mL"), number_before_unit(nodes["sodium"], "140 mEq/L"), number_before_unit(nodes["calcium"], "4.6 mEq/L")
    ('2.5', '140', None)
    """
    written = text.strip()
    for unit in sorted(unit_spellings(node), key=len, reverse=True):
        before = written[: -len(unit)].rstrip()
        if len(written) > len(unit) and _key(written[-len(unit) :]) == unit and any(c.isdigit() for c in before):
            return before
    return None


def number_alone(node: Node, text: str) -> str:
    """``text`` stripped, without the unit :func:`crampnet.network._words.typed_number` reads after a number (``30`` of ``30 ng/mL``), to show the number as typed.

    Parameters
    ----------
    node : Node
        The node the text is for.
    text : str
        The text as typed.

    Returns
    -------
    str
        The number as typed, without its unit; ``text`` stripped where it
        has none the node reads.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._units import number_alone
    >>> ferritin = crampnet.load().spec.nodes["ferritin"]
    >>> number_alone(ferritin, " 30 ng/mL"), number_alone(ferritin, "30.0 "), number_alone(ferritin, "30 mg/L")
    ('30', '30.0', '30 mg/L')
    """
    alone = number_before_unit(node, text)
    return text.strip() if alone is None else alone


def converted_hint(node: Node, number: str, unit: str) -> str:
    """What to type for ``number`` ``unit`` on ``node``, where the unit is another quantity by a fixed factor; else ``""``.

    Divalent ions (:data:`IONS`) in ``mEq/L`` (mmol/L = mEq/L / 2) and
    calcium or magnesium in ``mg/dL`` (mmol/L = mg/dL x 10 / molar mass). The
    number is never read: the hint gives the converted one to type, to two
    decimals or as many more as keep it on the side of every cut point and
    range end that the exact value is on (1.7 mg/dL of magnesium is
    0.6994 mmol/L, below the cut 0.7: written 0.699, not 0.70), and never
    as three decimals after 1 to 999 (``2.096``, which may group thousands
    and is refused: 8.4 mg/dL of calcium is written 2.0959).

    Parameters
    ----------
    node : Node
        The node the text is for.
    number : str
        The number as typed (ASCII digits).
    unit : str
        The unit as typed after it.

    Returns
    -------
    str
        The hint, a sentence with a leading blank, or ``""``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._units import converted_hint
    >>> nodes = crampnet.load().spec.nodes
    >>> converted_hint(nodes["calcium"], "9.2", "mg/dL")
    ' 9.2 mg/dL is 2.30 mmol/L (mg/dL / 4.0078: 10 dL in a litre, molar mass of calcium 40.078 g/mol, IUPAC): type calcium=2.30.'
    >>> converted_hint(nodes["magnesium"], "1.4", "mEq/L"), converted_hint(nodes["sodium"], "320", "mg/dL")
    (' 1.4 mEq/L is 0.70 mmol/L (mEq/L / 2, magnesium being divalent): type magnesium=0.70.', '')
    """
    if node.unit and _key(node.unit) == "days" and node.bands:
        return _days_hint(node, number, unit)
    valence, molar = IONS.get(node.id, (1, None))
    if not node.unit or _key(node.unit) != "mmol/l":
        return ""
    try:
        given = fractions.Fraction(decimal.Decimal(number.strip()))
    except (decimal.InvalidOperation, ValueError):
        return ""
    if _key(unit) == "meq/l" and valence > 1:
        exact, how = given / valence, f"mEq/L / {valence}, {node.id} being {'di' if valence == 2 else 'poly'}valent"
    elif _key(unit) == "mg/dl" and molar is not None:
        exact, how = given * 10 / fractions.Fraction(decimal.Decimal(repr(molar))), f"mg/dL / {molar / 10:g}: 10 dL in a litre, molar mass of {node.id} {molar:g} g/mol, IUPAC"
    else:
        return ""
    shown = _on_its_side(node, exact)
    return f" {number.strip()} {unit.strip()} is {shown} {node.unit} ({how}): type {node.id}={shown}."


def _on_its_side(node: Node, exact: fractions.Fraction) -> str:
    """``exact`` to two decimals, or more until it is on the side of every cut point and range end of ``node`` that ``exact`` is on."""
    cuts = [fractions.Fraction(decimal.Decimal(repr(c))) for b in node.bands for c in (b.below, b.up_to) if c is not None]
    cuts += [fractions.Fraction(decimal.Decimal(repr(v))) for v in node.valid or ()]
    places = 2
    while True:
        shown = decimal.Decimal(exact.numerator) / decimal.Decimal(exact.denominator)
        text = f"{shown.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN)}"
        rounded = fractions.Fraction(decimal.Decimal(text))
        grouped = places == 3 and re.fullmatch(r"-?[1-9][0-9]{0,2}\.[0-9]{3}", text) is not None  # 2.096 is refused as 2096 maybe (_words.written_number)
        if places >= 12 or (not grouped and all((rounded < c) == (exact < c) and (rounded <= c) == (exact <= c) for c in cuts)):
            return text
        places += 1


def _state_at(node: Node, days: fractions.Fraction) -> str:
    """The band of ``node`` that ``days`` falls in (``below``: under the cut; ``up_to``: at or under it)."""
    for b in node.bands:
        if (b.below is not None and days < fractions.Fraction(decimal.Decimal(repr(b.below)))) or (b.up_to is not None and days <= fractions.Fraction(decimal.Decimal(repr(b.up_to)))):
            return b.state
    return node.bands[-1].state


def _days(node: Node, days: fractions.Fraction) -> str:
    """``days`` as :func:`_on_its_side` writes it, without trailing zeros (21, 10.5) unless that makes a number read as grouped (2.096)."""
    shown = _on_its_side(node, days)
    bare = shown.rstrip("0").rstrip(".") if "." in shown else shown
    return shown if re.fullmatch(r"-?[1-9][0-9]{0,2}\.[0-9]{3}", bare) else bare


def _days_hint(node: Node, number: str, unit: str) -> str:
    """What to type for ``number`` weeks, hours, months or years on a node counted in days (:data:`DAYS`); else ``""``.

    A week or an hour converts exactly: the number of days to type. A month
    or a year is a span of days: the state where the whole span is in one
    band, else that the amount straddles the cut and the days decide.
    """
    span = DAYS.get(_key(unit).rstrip("."))
    try:
        given = fractions.Fraction(decimal.Decimal(number.strip()))
    except (decimal.InvalidOperation, ValueError):
        return ""
    if span is None or given < 0:
        return ""
    fewest, most = given * span[0], given * span[1]
    if node.valid is not None and most > fractions.Fraction(decimal.Decimal(repr(node.valid[1]))):  # 1000 years: a slip, refused as a number too
        return ""
    amount = f"{number.strip()} {unit.strip()}"
    if fewest == most:  # weeks, hours: exact
        shown = _days(node, fewest)
        return f" {amount} is {shown} {node.unit} ({'7 days a week' if span[0] == 7 else '24 hours a day'}): type {node.id}={shown}."
    low, high = _state_at(node, fewest), _state_at(node, most)
    days = f"{_days(node, fewest)} to {_days(node, most)} {node.unit} ({'a month is 28 to 31 days' if span[0] == 28 else 'a year is 365 or 366 days'})"
    if low == high:
        return f" {amount} is {days}, all {low}: type {node.id}={low}, or the number of {node.unit}."
    return f" {amount} is {days}, on both sides of a cut ({low} or {high}): type the number of {node.unit}, or the state meant."
