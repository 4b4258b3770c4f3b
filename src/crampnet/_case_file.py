"""Case files: the JSON that ``--case`` reads, and the case an interview saves.

A case file is JSON of at most :data:`MAX_CASE_BYTES`, parsed as data only
(loading never runs code): a key given twice in one object, a number beyond
the range of a float, ``NaN``/``Infinity`` and nesting too deep are errors
naming the file. It holds one of two things:

- a plain case: one object of node id (or alias) to value,
  ``{"urge_to_move": true, "ferritin": 30}``;
- a saved interview (``crampnet interview --save case.json``), marked by the
  key ``"crampnet_case"`` (the format, 1) and holding exactly these keys:
  ``crampnet_version`` (the writer's), ``network`` (``name``, ``version`` and
  ``digest``, the SHA-256 of the network file), ``population``, ``evidence``
  (node id to value: a state name, ``true``/``false``, a number, or an object
  of state to likelihood), ``skipped`` (the question ids skipped) and
  ``questions_asked``. Anything else (another key, a wrong type, a nested
  list) is an error naming the file and the key.

:func:`save_case` writes a saved interview whole or not at all (a temporary
file renamed over the target, :func:`crampnet._files.write_atomic`).

Examples
--------
>>> import json, tempfile, pathlib
>>> import crampnet
>>> from crampnet._case_file import case_document, read_case_file, save_case
>>> model = crampnet.load()
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "case.json")
>>> save_case(path, case_document(model, {"urge_to_move": True}, ["varicosities"], 2))
>>> case = read_case_file(path)
>>> case.saved, case.evidence, case.skipped, case.asked, case.population
(True, {'urge_to_move': True}, ('varicosities',), 2, 'presenting')
"""

from __future__ import annotations

import decimal
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from crampnet._case_json import MAX_CASE_BYTES, Written, dump_json, load_json, too_big
from crampnet._files import shown, write_atomic
from crampnet.exceptions import (
    EvidenceTypeError,
    InvalidValueError,
    UnknownNodeError,
    hint,
)
from crampnet.network.evidence import resolve_id, show
from crampnet.network.loading import read_network_text, shipped_text

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["FORMAT", "MARKER", "MAX_CASE_BYTES", "CaseFile", "case_document", "check_saved", "load_json", "network_digest", "read_case_file", "save_case", "too_big"]

#: The key that marks a saved interview, and the format this crampnet writes and reads.
MARKER, FORMAT = "crampnet_case", 1
_KEYS = (MARKER, "crampnet_version", "network", "population", "evidence", "skipped", "questions_asked")
_NETWORK_KEYS = ("name", "version", "digest")
_TEXT = 200  # the longest name, version, digest or id a saved case may hold
_JSON_KINDS: dict[type, str] = {list: "an array", str: "a string"}  # what JSON calls a case file's other values (a number, true, false or null is shown)


@dataclass(frozen=True)
class CaseFile:
    """What a case file holds.

    Attributes
    ----------
    name : str
        The file's name, for messages.
    evidence : dict
        Node id (or alias, in a plain case) to value, as in the file.
    saved : bool
        True for a saved interview, False for a plain case.
    skipped, asked, network, population, version
        A saved interview's questions skipped, number of questions asked,
        network (name, version, digest), population and crampnet version
        (empty, 0 or None for a plain case).
    typed : dict of str to str
        A saved interview's: node id to the text of its number with a
        fraction or an exponent, as the file writes it (``7e1``, ``32.0``:
        as it was typed), for the echo; empty for a plain case, whose
        numbers are shown as numbers.
    """

    name: str
    evidence: dict[str, object]
    saved: bool = False
    skipped: tuple[str, ...] = ()
    asked: int = 0
    network: dict[str, str] = field(default_factory=dict)
    population: str | None = None
    version: str | None = None
    typed: dict[str, str] = field(default_factory=dict)


def read_case_file(path: str) -> CaseFile:
    """The plain case or saved interview in the file ``path``.

    Parameters
    ----------
    path : str
        The case file.

    Returns
    -------
    CaseFile
        A plain case (``saved`` False, ``evidence`` the object as in the
        file), or a saved interview with every key checked.

    Raises
    ------
    InvalidValueError
        If the file cannot be read or is not JSON as the module docstring
        says, or a saved interview's key holds a wrong value; the message
        starts with the file's name.
    EvidenceTypeError
        If the JSON is not an object, or a saved interview's key holds a
        value of the wrong type (the message names the key).
    """
    name = shown(path)
    data = load_json(path)
    if not isinstance(data, dict):
        msg = f"{name}: a case file must hold a JSON object of node id to value, e.g. {{\"urge_to_move\": true}}. Got {_JSON_KINDS.get(type(data)) or json.dumps(data)[:40]}."
        raise EvidenceTypeError(msg)
    evidence = data.get("evidence")
    typed = {str(k): v.text for k, v in evidence.items() if isinstance(v, Written)} if MARKER in data and isinstance(evidence, dict) else {}
    data = _plain(data)
    if MARKER not in data:
        return CaseFile(name, data)
    return replace(_saved(name, data), typed=typed)  # the numbers as the interview saved them, typed


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each :class:`crampnet._case_json.Written` number of a case made a plain float (their texts are kept apart).

    Parameters
    ----------
    data : dict
        A case file's object as :func:`load_json` reads it.

    Returns
    -------
    dict
        The same object with plain floats: in a plain case, its values and
        the likelihoods of its soft evidence; in a saved one, those of its
        ``evidence`` (a value nested deeper is refused anyway); one with more digits than a float
        holds (``49.99999999999999999999``, float 50.0) kept as its text, which evidence reads exactly.
    """

    def value(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: float(w) if isinstance(w, Written) else w for k, w in v.items()}
        if isinstance(v, Written) and decimal.Decimal(v.text) != decimal.Decimal(repr(float(v))):  # 49.99999999999999999999: more digits than a float holds
            return v.text  # read from its text, as typed on the command line, so it keeps its side of a cut point (50.0 is one)
        return float(v) if isinstance(v, Written) else v

    if MARKER in data and isinstance(data.get("evidence"), dict):
        return {**data, "evidence": {k: value(v) for k, v in data["evidence"].items()}}
    return data if MARKER in data else {k: value(v) for k, v in data.items()}


def _wrong(name: str, key: str, value: object, want: str) -> EvidenceTypeError:
    """The error for a saved case's ``key`` holding ``value``, not ``want``: the value and what JSON calls it (``1.0``, a number with a fraction, not ``Written``)."""
    if value is None or isinstance(value, bool):
        return EvidenceTypeError(f"{name}: {key} must be {want} in a saved case. Got {json.dumps(value)}.")
    kind = "an object" if isinstance(value, dict) else "an integer" if isinstance(value, int) else "a number with a fraction or an exponent" if isinstance(value, float) else _JSON_KINDS.get(type(value), type(value).__name__)
    return EvidenceTypeError(f"{name}: {key} must be {want} in a saved case. Got {show(value)} ({kind}).")


def _text(name: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise _wrong(name, key, value, "a string")
    if not 0 < len(value) <= _TEXT:
        msg = f"{name}: {key} must be a string of 1 to {_TEXT} characters in a saved case. Got {show(value)}."
        raise InvalidValueError(msg)
    return value


def _object(name: str, key: str, value: object, keys: Sequence[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _wrong(name, key, value, "a JSON object")
    for extra in value:
        if extra not in keys:
            where = key if key == "the saved case" else f"{key} in a saved case"
            msg = f"{name}: {show(extra, 60)} is not a key of {where}.{hint(extra, keys)} Keys: {', '.join(keys)}."
            raise InvalidValueError(msg)
    missing = [k for k in keys if k not in value]
    if missing:
        msg = f"{name}: {key} lacks {', '.join(missing)}; a saved case holds {', '.join(keys)} (write it with crampnet interview --save)."
        raise InvalidValueError(msg)
    return value


def _value(name: str, nid: str, value: object) -> object:
    """A value of the saved evidence: a string, bool, number, or a flat object of state to number."""
    where = f"evidence[{show(nid, 60)}]"
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        for state, weight in value.items():
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise _wrong(name, f"{where}[{show(state, 60)}]", weight, "a number (a likelihood)")
        return value
    raise _wrong(name, where, value, "a state name, true/false, a number or an object of state to likelihood")


def _saved(name: str, data: dict[str, object]) -> CaseFile:
    fmt = data[MARKER]
    if isinstance(fmt, bool) or not isinstance(fmt, int):
        raise _wrong(name, MARKER, fmt, f"the integer {FORMAT}")
    if fmt != FORMAT:
        msg = f"{name}: a saved case of format {fmt}; this crampnet reads format {FORMAT}. Use the crampnet that wrote it, or give the evidence as a plain case file."
        raise InvalidValueError(msg)
    body = _object(name, "the saved case", data, _KEYS)
    network = _object(name, "network", body["network"], _NETWORK_KEYS)
    evidence = body["evidence"]
    if not isinstance(evidence, dict):
        raise _wrong(name, "evidence", evidence, "a JSON object of node id to value")
    skipped = body["skipped"]
    if not isinstance(skipped, list):
        raise _wrong(name, "skipped", skipped, "a list of question ids")
    ids = tuple(_text(name, f"skipped[{i}]", q) for i, q in enumerate(skipped))
    if len(set(ids)) < len(ids):
        msg = f"{name}: skipped lists {show(next(q for q in ids if ids.count(q) > 1), 60)} twice; list each question once."
        raise InvalidValueError(msg)
    asked = body["questions_asked"]
    if isinstance(asked, bool) or not isinstance(asked, int):
        raise _wrong(name, "questions_asked", asked, "an integer")
    if not 0 <= asked <= 1_000_000:
        msg = f"{name}: questions_asked must be between 0 and 1000000 in a saved case. Got {show(asked)}."
        raise InvalidValueError(msg)
    return CaseFile(
        name,
        {str(k): _value(name, str(k), v) for k, v in evidence.items()},
        saved=True,
        skipped=ids,
        asked=asked,
        network={k: _text(name, f"network.{k}", network[k]) for k in _NETWORK_KEYS},
        population=_text(name, "population", body["population"]),
        version=_text(name, "crampnet_version", body["crampnet_version"]),
    )


def network_digest(path: str | os.PathLike[str] | None) -> str:
    """The SHA-256 (hex) of a network file's text, or of the shipped network's for None.

    Parameters
    ----------
    path : str, os.PathLike of str or None
        The network file, or None for the shipped network.

    Returns
    -------
    str
        The 64 lowercase hex digits of the SHA-256 of the text, encoded as
        UTF-8.

    Examples
    --------
    >>> len(network_digest(None))
    64
    """
    text = shipped_text() if path is None else read_network_text(path)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_saved(case: CaseFile, model: BaseModel) -> tuple[list[str], list[str]]:
    """Check that ``case`` can resume on ``model`` (its network file's digest is ``model.spec.digest``).

    Parameters
    ----------
    case : CaseFile
        A saved interview (as :func:`read_case_file` reads it).
    model : BaseModel
        The model to resume it on.

    Returns
    -------
    warnings : list of str
        One line per difference that still lets the case resume: another
        version of the network, or the same version edited.
    skipped : list of str
        The skipped questions' node ids (aliases resolved).

    Raises
    ------
    InvalidValueError
        If the case was saved with another network (by name).
    UnknownNodeError
        If a skipped question is no longer a node ("Did you mean ...?"). The
        evidence is checked as any case file's is, when it is used.
    InvalidValueError
        Also if a skipped question is a condition.
    """
    saved, spec = case.network, model.spec
    if saved["name"] != spec.name:
        where = "leave --network out: it is the network shipped with crampnet" if saved["digest"] == network_digest(None) else "resume it with --network naming that network's file"
        msg = f"{case.name}: the case was saved with the network {show(saved['name'], 60)}, not {spec.name!r}; {where}."
        raise InvalidValueError(msg)
    warnings = []
    if saved["version"] != spec.version:
        warnings.append(f"{case.name} was saved with {spec.name} {show(saved['version'], 60)}; this is {spec.name} {spec.version}: its answers are kept, but the probabilities may differ from those shown when it was saved.")
    elif saved["digest"] != spec.digest:
        warnings.append(f"{case.name} was saved with another file of {spec.name} {spec.version} (its digest differs): the probabilities may differ from those shown when it was saved.")
    skipped = []
    for q in case.skipped:
        try:
            skipped.append(resolve_id(spec, q, "the skipped questions"))
        except UnknownNodeError as err:
            msg = f"{case.name}: {err}"
            raise UnknownNodeError(msg, err.node, err.suggestions) from err
        if skipped[-1] in model.conditions:  # a question answered since it was skipped is kept: the answer counts
            msg = f"{case.name}: the skipped questions list {skipped[-1]!r}, a condition, which is never asked; list only questions (findings and context)."
            raise InvalidValueError(msg)
    return warnings, skipped


def case_document(model: BaseModel, evidence: Mapping[str, object], skipped: Sequence[str], asked: int) -> dict[str, object]:
    """A saved interview as the plain dict :func:`save_case` writes (see the module docstring).

    Parameters
    ----------
    model : BaseModel
        The model interviewed: gives the network's name, version and digest
        (``spec.stamp()``) and the population.
    evidence : Mapping
        The answers, node id to value (copied into a dict).
    skipped : Sequence of str
        The ids of the questions skipped (copied into a list).
    asked : int
        The number of questions asked.

    Returns
    -------
    dict
        The keys :data:`MARKER` (:data:`FORMAT`), ``crampnet_version`` (this
        crampnet's), ``network`` (a dict of ``name``, ``version`` and
        ``digest``), ``population``, ``evidence``, ``skipped`` and
        ``questions_asked``, in that order.
    """
    from crampnet import __version__

    return {
        MARKER: FORMAT,
        "crampnet_version": __version__,
        "network": model.spec.stamp(),
        "population": model.population,
        "evidence": dict(evidence),
        "skipped": list(skipped),
        "questions_asked": asked,
    }


def save_case(path: str, document: Mapping[str, object]) -> None:
    """Write ``document`` as JSON to ``path``, whole or not at all (never NaN).

    The JSON is indented by 2 and ends with a newline. A file that is there
    already is overwritten only if it is a saved interview (a JSON object
    with the key ``"crampnet_case"``), so that ``--save cohort.csv`` loses
    nothing.

    Parameters
    ----------
    path : str
        The file to write (a saved interview, or a name that does not exist yet).
    document : Mapping
        The saved interview, as :func:`case_document` makes it.

    Raises
    ------
    ValueError
        If ``document`` holds NaN or an infinity (from :func:`json.dumps`).
    InvalidValueError
        If the file cannot be written (see
        :func:`crampnet._files.write_atomic`), or is a regular file that is
        not a saved interview; the target is left as it was.
    """
    if os.path.isfile(path) and not os.path.islink(path):  # a link, FIFO or device: write_atomic refuses it
        try:
            data = load_json(path)
        except (InvalidValueError, TypeError):
            data = None
        if not (isinstance(data, dict) and MARKER in data):
            name = shown(path)
            msg = f"{name} exists and is not a case saved by crampnet interview; --save overwrites only such a file: give a new file name, or remove {name} first."
            raise InvalidValueError(msg)
    text = dump_json(document) + "\n"  # a number as typed (7e1) written as such
    write_atomic(path, text, what="saved case")
