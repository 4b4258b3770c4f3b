"""What the command line reads: ``node=value`` pairs and ``--case`` files.

Files are read through :mod:`crampnet._files` (regular files only, bounded,
errors naming the file). A case file (:mod:`crampnet._case_file`) is JSON
of at most :data:`MAX_CASE_BYTES`: a plain case (node id to value) or a
case saved by ``crampnet interview --save``; a key given twice, a number
beyond the range of a float, ``NaN``, nesting too deep and a saved case's
malformed key are errors naming the file. A node given
twice within one source (the command line, or one case file, counting
aliases) is an error; a later source overrides an earlier one (the example
case, then the case file, then the command line).

Cohort CSVs are read by :mod:`crampnet._cohort_csv`, and the options by
:mod:`crampnet._cli_options`.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from crampnet._case_file import FORMAT, MARKER, MAX_CASE_BYTES, CaseFile, read_case_file, too_big
from crampnet._case_json import beyond_float
from crampnet.exceptions import CrampnetError, EvidenceTypeError, InvalidValueError
from crampnet.network._units import number_alone
from crampnet.network._words import missing_word, typed_state, written_number
from crampnet.network.evidence import interpret, resolve_id, state_vector

if TYPE_CHECKING:
    from crampnet.model import Model
    from crampnet.network.spec import Node

__all__ = ["MAX_CASE_BYTES", "UNKNOWN_WORDS", "gather_evidence", "no_value", "parse_assignment", "read_case", "show"]

#: Digits of the longest integer read as an int (longer ones are beyond a float anyway; int() refuses past 4300).
_INT_DIGITS = 1000

def show(value: object, limit: int = 60) -> str:
    """A short ``repr`` for a message, whatever the value's size.

    Parameters
    ----------
    value : object
        The value to show.
    limit : int, optional
        The longest ``repr`` shown whole (default 60).

    Returns
    -------
    str
        The ``repr``; if longer than ``limit``, its first ``limit - 20`` and
        last 12 characters around "..." and its length; for an integer of
        more than 1000 bits, "an integer of N bits".

    Examples
    --------
    >>> show("urge_to_move"), show("x" * 500)[-18:], show(10**5000)
    ("'urge_to_move'", "...xxxxxxxxxxx' (502)", 'an integer of 16610 bits')
    """
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-12:]} ({len(text)})"


def parse_assignment(text: str) -> tuple[str, object]:
    """Parse ``node=value``: numbers become ints or floats as typed, true/false booleans, other text stays.

    Parameters
    ----------
    text : str
        One pair as typed; the first ``=`` splits it.

    Returns
    -------
    tuple of (str, object)
        The node (stripped, not yet resolved) and the value: an int (an
        integer as typed), a float, a
        bool (true/false in any case), or the stripped text.

    Raises
    ------
    EvidenceTypeError
        If ``text`` has no ``=``, no node before it, ``==``, or a second
        pair after its value (``ferritin=32 age=70`` quoted as one).
    InvalidValueError
        If the number is beyond the range of a float (``inf`` written as
        such is kept).

    Examples
    --------
    >>> parse_assignment("ferritin=30"), parse_assignment("urge_to_move=yes")
    (('ferritin', 30), ('urge_to_move', 'yes'))
    """
    if "=" not in text:
        node, colon, rest = text.partition(":")  # "urge_to_move:yes"
        hint = f"Did you mean {show(f'{node.strip()}={rest.strip()}')}?" if colon and node.strip() and rest.strip() else "Write each as node=value with no blank around the '=' (a blank splits it in two), e.g. urge_to_move=yes."
        msg = f"Expected node=value, got {show(text)}. {hint}"
        raise EvidenceTypeError(msg)
    key, _, raw = text.partition("=")
    if not key.strip() or raw.startswith("="):  # "=yes" (a blank before the '=' split the pair), "urge_to_move==yes"
        fix = f"write {key.strip()}={raw.lstrip('=').strip()}, one '='" if key.strip() else "write node=value with the node's id (crampnet describe lists them) and no blank before the '=' (a blank splits the pair in two)"
        msg = f"Expected node=value, got {show(text)}: {fix}."
        raise EvidenceTypeError(msg)
    raw = raw.strip()
    if (second := re.search(r"[\s,;]+([A-Za-z_]\w*)\s*=", raw)) is not None:  # "ferritin=32 age=70" quoted as one argument
        pairs = [raw[: second.start()].strip(), re.sub(r"\s*=\s*", "=", raw[second.start() :].strip(" ,;"))]
        msg = f"Expected one node=value, got {show(text)}, which holds {key.strip()}={pairs[0]} and {pairs[1]}: give each pair as its own argument, apart by blanks and not in one pair of quotes (crampnet diagnose {key.strip()}={pairs[0]} {pairs[1]})."
        raise EvidenceTypeError(msg)
    value: object = raw
    number = written_number(raw)  # the evidence's reading: not "30_0" as 300, nor "1.200" as 1.2 (maybe 1200); the node's reader refuses them, naming them
    if raw.lstrip("+-").isascii() and raw.lstrip("+-").isdigit() and len(raw) <= _INT_DIGITS:
        value = int(raw)  # an integer stays one, so messages show it as typed ("got 1", not 1.0)
    elif number is not None:
        value = number if _float_keeps(raw, number) else raw  # 49.99999999999999999999 stays text, read exactly, not 50.0 (ferritin's cut)
    elif raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    if beyond_float(raw):
        where = f"{key.strip()}={raw}"
        raise too_big(where, raw)
    return key.strip(), value


def _float_keeps(raw: str, number: float) -> bool:
    """Whether the float ``number`` writes the same number as the text ``raw`` (``0.1`` yes; ``49.99999999999999999999``, read as 50.0, no).

    Parameters
    ----------
    raw : str
        A number as typed, which :func:`~crampnet.network._words.written_number` reads as ``number``.
    number : float
        That reading.

    Returns
    -------
    bool
        True if the shortest text of the float is the number typed, or if
        the text is no decimal Python reads (full-width digits); False
        where the float rounds away digits the text has.

    Examples
    --------
    >>> _float_keeps("0.1", 0.1), _float_keeps("49.99999999999999999999", 50.0)
    (True, False)
    """
    try:
        return decimal.Decimal(raw.strip()) == decimal.Decimal(repr(number))
    except decimal.InvalidOperation:
        return True


#: What a clinician types for a value not known (``ferritin=unknown``, ``=?``): told, as ``ferritin=NA`` is, to leave the node out.
UNKNOWN_WORDS = frozenset({"unknown", "unk", "?", "??", "don't know", "don\u2019t know", "dont know", "not known", "missing", "not done", "skip", "-"})


def no_value(node: Node, key: str, raw: object, where: str | None) -> str:
    """The message for a value that gives none (NaN, JSON's null, empty text): leave the node out to mark it unknown.

    Parameters
    ----------
    node : Node
        The node the value was given for.
    key : str
        The node as given (its id or an alias).
    raw : object
        The value as given: a float NaN or text from the command line, or a
        case file's value.
    where : str or None
        The case file's name, or None for the command line.

    Returns
    -------
    str
        What was given, how to mark the node unknown, and what it takes.

    Examples
    --------
    >>> import crampnet
    >>> no_value(crampnet.load().spec.nodes["urge_to_move"], "urge_to_move", float("nan"), None)
    'urge_to_move=nan gives no value. To mark urge_to_move unknown, leave it out of the command line; otherwise give yes, no.'
    """
    number = f", or a number{f' in {node.unit}' if node.unit else ''}, {node.valid[0]:g} to {node.valid[1]:g}" if node.bands and node.valid else ""
    given = f"{key}={raw}" if where is None else f"{key} is {'null' if raw is None else show(raw)}, which"
    source = "the command line" if where is None else "the case file"
    return f"{given} gives no value. To mark {key} unknown, leave it out of {source}; otherwise give {', '.join(node.states)}{number}."


def read_case(path: str) -> dict[str, object]:
    """The evidence in a case file: a plain case (node id or alias to value), or a saved interview's.

    See :mod:`crampnet._case_file` for the two kinds of file and the checks.

    Parameters
    ----------
    path : str
        The case file.

    Returns
    -------
    dict of str to object
        The evidence as in the file, keys not yet resolved to node ids.

    Raises
    ------
    InvalidValueError
        If the file cannot be read, is not JSON, gives a key twice in one
        object, holds a number beyond float range or ``NaN``/``Infinity``,
        or is nested too deeply; the message starts with the file's name.
    EvidenceTypeError
        If the JSON is not an object.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
    >>> _ = path.write_text('{"urge_to_move": true, "urge_to_move": false}')
    >>> try:
    ...     read_case(str(path))
    ... except ValueError as err:
    ...     print(str(err).split(": ", 1)[1])
    the key 'urge_to_move' appears twice in one JSON object; give each key once.
    """
    return read_case_file(path).evidence


def gather_evidence(model: Model, base: Mapping[str, object], case: str | CaseFile | None, assignments: Sequence[str], typed: dict[str, str] | None = None) -> dict[str, object]:
    """The evidence of ``base``, then the case file, then ``node=value`` pairs, keyed by node id.

    ``case`` is a case file's path, or the file already read
    (:func:`crampnet._case_file.read_case_file`; a saved interview gives its
    evidence).

    Each value is read as typed (:func:`~crampnet.network.evidence.interpret`)
    and checked against its node; an error about the case file names it.

    Parameters
    ----------
    model : Model
        The model whose nodes the evidence is resolved and checked against.
    base : Mapping
        The first source (the example case, or empty).
    case : str, CaseFile or None
        The case file, if any (an empty path counts as none).
    assignments : Sequence of str
        The ``node=value`` pairs of the command line
        (:func:`parse_assignment`).
    typed : dict of str to str, optional
        Filled with node id to the text each number of the command line (or
        a case file's number, written as JSON or as text) was typed as
        (``1e3`` for 1000.0; a leading ``+`` dropped), for its echo and its
        error messages.

    Returns
    -------
    dict of str to object
        Node id to value (as :func:`~crampnet.network.evidence.interpret`
        reads it), in the order first given; a later source's value replaces
        an earlier one's in place.

    Raises
    ------
    InvalidValueError
        If a source gives one node twice (its id, or an id and an alias).
    CrampnetError
        For an unknown node or a value that does not fit its node.

    Examples
    --------
    >>> import crampnet
    >>> gather_evidence(crampnet.load(), {}, None, ["urge_to_move=yes", "ferritin=30"])
    {'urge_to_move': 'yes', 'ferritin': 30}
    """
    sources: list[tuple[str | None, list[tuple[str, object, str | None]]]] = [(None, [(k, v, None) for k, v in base.items()])]
    if case:
        read = read_case_file(case) if isinstance(case, str) else case
        sources.append((read.name, [(k, v, read.typed.get(k)) for k, v in read.evidence.items()]))  # 7e1 in the file, as written
    sources.append((None, [(*parse_assignment(item), item.partition("=")[2].strip().removeprefix("+")) for item in assignments]))
    evidence: dict[str, object] = {}
    for where, items in sources:
        given: dict[str, str] = {}
        for key, raw, typed_as in items:
            text = typed_as if isinstance(raw, int | float) and not isinstance(raw, bool) else None  # a number as typed (1e3, 32.0), its + dropped
            try:
                nid = resolve_id(model.spec, key, "the case file" if where else "evidence")
                if nid in given:
                    twice = show(key) if given[nid] == key else f"{nid} (as {show(given[nid])} and {show(key)})"
                    msg = f"{where or 'the command line'}: {twice} is given twice; give each node once."
                    raise InvalidValueError(msg)
                given[nid] = key
                node = model.spec.nodes[nid]
                if isinstance(raw, str) and raw.strip().lower() in UNKNOWN_WORDS and typed_state(node, raw) is None:  # ferritin=unknown, =?: what it means is left out
                    raise InvalidValueError(no_value(node, key, raw.strip(), where))
                value = interpret(node, raw)
                text = number_alone(node, raw).removeprefix("+") if isinstance(raw, str) and isinstance(value, float) else text  # a case file's "1e3"; "30 ng/mL" as 30
                if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" or (isinstance(value, str) and value not in node.states and missing_word(value)):  # "<NA>", "None" too (not pregnancy's none)
                    raise InvalidValueError(no_value(node, key, raw if where or text is None else text, where))  # NaN as typed
                state_vector(node, value, name=key, typed=text)
            except (CrampnetError, ValueError, TypeError) as err:
                if where is None or str(err).startswith(where):
                    raise
                msg_0 = f"{where}: {err}{_wrapped_hint(key, {k: v for k, v, _ in items})}"
                raise InvalidValueError(msg_0) from err
            evidence[nid] = value
            if typed is not None and text is not None and text.isascii():  # full-width digits (U+FF11 U+FF12) echoed as the number read, 12
                typed[nid] = text
            elif typed is not None:
                typed.pop(nid, None)
    return evidence


def _wrapped_hint(key: str, document: Mapping[str, object]) -> str:
    """For a case file whose evidence sits under ``"evidence"`` without the saved-case marker, a sentence saying how to give it; else ``""``.

    A record of ``crampnet diagnose --json`` (or ``Diagnosis.to_dict()``), or a
    saved interview whose ``"crampnet_case"`` key was lost, holds its evidence
    under ``"evidence"``; read as a plain case it was told only "Unknown node
    'evidence'". A saved interview whose marker was deleted is named from its
    other keys (``crampnet_version`` comes first, with ``questions_asked`` or
    ``skipped`` beside it), with the marker to put back; a ``diagnose --json``
    record, which starts with ``crampnet_version``, ``network`` and
    ``population``, from its ``evidence`` object.

    Parameters
    ----------
    key : str
        The key of the case file's object that named no node.
    document : Mapping of str to object
        The case file's object, every key with its value.

    Returns
    -------
    str
        The sentence, with a leading blank, or ``""``.
    """
    if key in ("crampnet_version", "questions_asked", "skipped") and ("questions_asked" in document or "skipped" in document):  # a saved interview whose marker was deleted
        return f' This file looks like a saved interview without its "{MARKER}": {FORMAT} entry; put it back as the first key to resume the interview with --case.'
    if key not in ("evidence", "crampnet_version", "network", "population") or not isinstance(document.get("evidence"), dict):  # a diagnose --json record starts with crampnet_version
        return ""
    return (
        f' This file holds its evidence under "evidence", as a saved interview ("{MARKER}": {FORMAT}, with the other keys'
        " `crampnet interview --save` writes) or a `diagnose --json` record does; a plain case is that object alone,"
        ' e.g. {"urge_to_move": true}: save the "evidence" object as its own file.'
    )
