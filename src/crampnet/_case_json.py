"""The JSON of a case file, read as data: :func:`load_json`, and :func:`too_big`.

A case file (:mod:`crampnet._case_file`) is JSON of at most
:data:`MAX_CASE_BYTES`, parsed as data only (loading never runs code): a key
given twice in one object, a number beyond the range of a float,
``NaN``/``Infinity`` and nesting too deep are errors naming the file.
:func:`too_big` makes the error for a number beyond the range of a float,
which the command line's ``node=value`` pairs, the interview's answers and
cohort CSVs give too (:func:`beyond_float` tells such a number).
:mod:`crampnet._case_file` re-exports :func:`load_json` and :func:`too_big`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from crampnet._files import read_text, shown
from crampnet.exceptions import CrampnetError, InvalidValueError
from crampnet.network.evidence import show

__all__ = ["MAX_CASE_BYTES", "Written", "beyond_float", "dump_json", "load_json", "too_big"]

#: The largest case file read, in bytes (a case has one entry per node).
MAX_CASE_BYTES = 1 << 20
_FLOAT_DIGITS = 309  # 10**309 is beyond the largest float (about 1.8e308)
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")  # a number as JSON writes one (RFC 8259)


class Written(float):
    """A number that keeps the text it was written as: a case file's ``7e1`` or ``32.0``, an answer typed.

    :func:`load_json` reads a JSON number with a fraction or an exponent as
    one, and :func:`dump_json` writes one as its text, so a number saved and
    read again is shown as it was typed (``age=7e1``, not ``70.0``).

    Parameters
    ----------
    value : float
        The number.
    text : str
        The text it was written as.

    Attributes
    ----------
    text : str
        The text it was written as.

    Examples
    --------
    >>> from crampnet._case_json import Written
    >>> number = Written(70.0, "7e1")
    >>> number == 70, number.text
    (True, '7e1')
    """

    text: str

    def __new__(cls, value: float, text: str) -> Written:
        """The float ``value`` that keeps ``text``."""
        out = super().__new__(cls, value)
        out.text = text
        return out


def dump_json(document: Mapping[str, object]) -> str:
    """``document`` as JSON indented by 2, each :class:`Written` number of ``document["evidence"]`` as its text.

    A text that JSON does not write a number as (``.5``), or that writes
    another number, is written as :func:`json.dumps` writes the number.

    Parameters
    ----------
    document : Mapping
        A case (its ``"evidence"``, if any, a mapping of node id to value).

    Returns
    -------
    str
        The JSON, without a final newline.

    Raises
    ------
    ValueError
        If ``document`` holds NaN or an infinity (from :func:`json.dumps`).

    Examples
    --------
    >>> print(dump_json({"evidence": {"age_group": Written(70.0, "7e1"), "ferritin": Written(0.5, ".5")}}))
    {
      "evidence": {
        "age_group": 7e1,
        "ferritin": 0.5
      }
    }
    """
    evidence, marks = document.get("evidence"), dict[str, str]()
    if isinstance(evidence, Mapping):
        kept: dict[object, object] = {}
        for key, value in evidence.items():
            if isinstance(value, Written) and _JSON_NUMBER.fullmatch(value.text) and float(value.text) == value:
                mark = f"\x00{len(marks)}\x00"  # a text no node id or state holds, escaped by json.dumps as \u0000
                marks[json.dumps(mark)], value = value.text, mark
            kept[key] = value
        document = {**document, "evidence": kept}
    text = json.dumps(document, indent=2, allow_nan=False)
    for mark, literal in marks.items():
        text = text.replace(mark, literal, 1)
    return text


def too_big(where: str, number: str | int) -> InvalidValueError:
    """The error for a number beyond the range of a float, found at ``where``.

    Parameters
    ----------
    where : str
        Where the number was found, starting the message (a file's name, or
        ``node=value``).
    number : str or int
        The number as written, or as an integer (one of 10,000 bits or more
        is shown by its approximate number of digits).

    Returns
    -------
    InvalidValueError
        The error to raise (not raised here); the number is shortened to its
        first 12 and last 4 characters when longer than 24.

    Examples
    --------
    >>> print(too_big("case.json", "1" + "0" * 400))
    case.json: the number 100000000000...0000 (401 digits) is beyond the range of a floating-point number (about 1.8e308); give a number within it.
    """
    if isinstance(number, int) and number.bit_length() >= 10_000:  # too long for str()
        what = f"with about {int(number.bit_length() * 0.30103) + 1} digits"
    else:
        text = str(number)
        digits = f" ({len(text.lstrip('+-'))} digits)" if text.lstrip("+-").isdigit() else ""
        what = f"{text if len(text) <= 24 else text[:12] + '...' + text[-4:]}{digits}"
    return InvalidValueError(f"{where}: the number {what} is beyond the range of a floating-point number (about 1.8e308); give a number within it.")


def beyond_float(text: str) -> bool:
    """Whether ``text`` is a number written out that is beyond the range of a float.

    ``inf`` or ``infinity`` written as such is not (the evidence check refuses
    it as not finite).

    Parameters
    ----------
    text : str
        The text as typed.

    Returns
    -------
    bool
        True if :class:`float` reads ``text`` as an infinity that it does not
        spell out.

    Examples
    --------
    >>> beyond_float("1e400"), beyond_float("-Infinity"), beyond_float("30"), beyond_float("abc")
    (True, False, False, False)
    """
    try:
        number = float(text)
    except ValueError:
        return False
    return math.isinf(number) and text.strip().lower().lstrip("+-") not in ("inf", "infinity")


def load_json(path: str) -> object:
    """The JSON in the case file ``path``, read as data, with the checks of the module docstring.

    Parameters
    ----------
    path : str
        The case file (a regular file of at most :data:`MAX_CASE_BYTES`,
        UTF-8, a leading byte-order mark dropped).

    Returns
    -------
    object
        The parsed JSON: a dict (object), list, str, int, float, bool or
        None, nested; integers stay ``int``, and a number with a fraction or
        an exponent is a :class:`Written` float that keeps its text.

    Raises
    ------
    InvalidValueError
        If the file cannot be read, is not JSON, gives a key twice in one
        object, holds a number beyond float range or ``NaN``/``Infinity``,
        or is nested too deeply; the message starts with the file's name.
    TypeError
        If ``path`` is not a str or os.PathLike of str.
    """
    name = shown(path)

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, value in items:
            if key in out:
                msg = f"{name}: the key {show(key, 60)} appears twice in one JSON object; give each key once."
                raise InvalidValueError(msg)
            out[key] = value
        return out

    def integer(text: str) -> int:
        if len(text.lstrip("+-")) > _FLOAT_DIGITS:
            raise too_big(name, text)
        value = int(text)
        try:
            float(value)
        except OverflowError:
            raise too_big(name, text) from None
        return value

    def real(text: str) -> float:
        value = float(text)
        if math.isinf(value):  # JSON has no word for infinity: this is a number written out
            raise too_big(name, text)
        if value == 0 and any(c in "123456789" for c in text.partition("e")[0].partition("E")[0]):  # 1e-400: float() makes it 0
            msg = f"{name}: the number {text if len(text) <= 24 else text[:12] + '...' + text[-4:]} is below the smallest floating-point number (about 5e-324) and would be read as 0; give 0, or a number within range (for likelihoods, only their ratios count: multiply them all by one number)."
            raise InvalidValueError(msg)
        return Written(value, text)  # 7e1 and 32.0 shown as written

    def constant(text: str) -> object:
        msg = f"{name}: {text} is not a number crampnet can use (nor standard JSON); give a finite number."
        raise InvalidValueError(msg)

    text = read_text(path, limit=MAX_CASE_BYTES, what="case file").removeprefix("\ufeff")
    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=integer, parse_float=real, parse_constant=constant)
    except CrampnetError:
        raise
    except RecursionError:
        msg = f"{name}: the JSON is nested too deeply; a case file is one object of node id to value, e.g. {{\"urge_to_move\": true}}."
        raise InvalidValueError(msg) from None
    except json.JSONDecodeError as err:
        raise _not_json(name, text, err) from err
    except ValueError as err:  # from a hook, should one raise it
        msg = f"{name}: not JSON: {err}"
        raise InvalidValueError(msg) from err


def _not_json(name: str, text: str, err: json.JSONDecodeError) -> InvalidValueError:
    """The error for the case file ``name`` whose ``text`` is not JSON: empty, another format (TOML, CSV...), or JSON with a mistake."""
    shape = 'a case file is JSON: an object of node ids to values, e.g. {"urge_to_move": true, "ferritin": 12}.'
    start = text.lstrip()
    if not start:
        return InvalidValueError(f"{name}: the file is {'empty' if not text else 'blank'}; {shape}")
    if not start.startswith("{") or err.pos == len(text) - len(start):  # not an object, or refused at its first character
        return InvalidValueError(f"{name}: not JSON (it begins {show(start.splitlines()[0], 40)}); {shape}")
    return InvalidValueError(f"{name}: not JSON: {err}; {_json_fix(text, err) or shape}")


def _json_fix(text: str, err: json.JSONDecodeError) -> str:
    """What to write instead for the JSON mistake ``err`` in ``text``, as a hand-edited case file makes one; ``""`` for another.

    Examples
    --------
    >>> import json
    >>> text = '{"urge_to_move": yes}'
    >>> try:
    ...     json.loads(text)
    ... except json.JSONDecodeError as err:
    ...     print(_json_fix(text, err))
    put a state in double quotes ("yes"); only numbers, true, false and null go without them
    """
    at = text[err.pos : err.pos + 1]
    word = re.match(r"[^\s,:{}\[\]\"]+", text[err.pos :])
    if at and at in "\u201c\u201d\u2018\u2019":
        return "use plain double quotes (\"), not typographic ones as a word processor writes them: save the file from a text editor"
    if at == "'":
        return 'JSON writes text in double quotes ("urge_to_move"), not single ones'
    if err.msg.startswith("Expecting property name"):
        if at == "}" and text[: err.pos].rstrip().endswith(","):
            return "remove the comma after the last entry"
        if word:
            return f"put the node id in double quotes ({json.dumps(word.group())})"
    if err.msg == "Expecting value" and word:
        return f"put a state in double quotes ({json.dumps(word.group())}); only numbers, true, false and null go without them"
    if err.msg == "Extra data":
        return 'one object holds the whole case: every entry inside one { }, separated by commas, e.g. {"urge_to_move": true, "ferritin": 12}'
    if err.msg == "Expecting ',' delimiter":
        if not text[err.pos :].strip():
            return "end the object with }"
        if at == '"':
            return "put a comma between entries"
    if err.msg == "Expecting ':' delimiter":
        return 'put a colon between a node id and its value, e.g. "urge_to_move": true'
    if err.msg.startswith("Unterminated string"):
        return 'end the text with a double quote ("), on the same line'
    return ""
