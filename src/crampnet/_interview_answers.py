"""The answers ``crampnet interview`` takes (:mod:`crampnet._interview`): the prompt, the help, reading one answer, the stream they come from, and the line on an answer that ends the interview.

An answer is yes, no, a state, a number (for the numeric nodes), or one of
the words: ``skip`` (the question is left unknown and not asked again),
``back`` (or ``undo``: the last answer of this interview is taken back),
``quit``, and ``?`` (or ``help``), which lists the answers a question takes.
"""

from __future__ import annotations

import io
import math
import sys
from typing import IO, TYPE_CHECKING

from crampnet._case_json import beyond_float, too_big
from crampnet._cli_output import evidence_line
from crampnet._file_names import escaped
from crampnet.exceptions import CrampnetError, EvidenceTypeError
from crampnet.network._units import number_alone, other_spellings
from crampnet.network._words import missing_word
from crampnet.network.evidence import interpret, state_vector

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crampnet.model import Model

__all__ = ["BACK", "HELP", "OPENING", "QUIT", "SKIP", "answer_value", "ended_line", "help_lines", "prompt", "reader"]

#: First words of a label that reads as an indirect question, asked without a question mark.
_WH = frozenset({"how", "what", "when", "where", "which", "who", "whether"})
#: The words that skip a question, list its answers, stop, and take back the last answer.
SKIP = ("skip", "s", "unknown", "dont know", "don't know", "pass")
HELP = ("?", "help")
QUIT = ("quit", "q", "stop", "exit")
BACK = ("back", "undo")
#: The instruction printed before the first question.
OPENING = "crampnet interview: answer each question (yes, no, a state, a number, or skip; ? lists the answers a question takes; back takes back the last answer; quit to stop)."


def prompt(model: Model, nid: str) -> str:
    """The question of ``nid`` and, in brackets left open, its id and the answers it takes.

    Parameters
    ----------
    model : Model
        The model.
    nid : str
        The node asked.

    Returns
    -------
    str
        ``"Calf tenderness? (calf_tenderness: yes/no"``; a label that
        starts as an indirect question (How, What...) has no question mark.
    """
    node = model.spec.nodes[nid]
    options = "/".join(node.states)
    if node.bands:
        options += f", or a number{' in ' + node.unit if node.unit else ''}"
    text = node.label or nid
    asked = text if text.split()[:1] and text.split()[0].lower() in _WH else f"{text}?"  # "How long the problem has lasted", not "...lasted?"; a blank label has no first word
    return f"{asked} ({nid}: {options}"


def help_lines(model: Model, nid: str) -> list[str]:
    """The help at question ``nid``: its states (a number, in its unit and range), then skip, back and quit.

    Parameters
    ----------
    model : Model
        The model.
    nid : str
        The node asked.

    Returns
    -------
    list of str
        The lines to print, each indented by two spaces.
    """
    node = model.spec.nodes[nid]
    also = other_spellings(node)
    listed = f" (also read: {', '.join(also)})" if also else ""
    unit = f", its unit after it or not{listed}" if node.unit else ""  # 30 ng/mL, 30 µg/L: network._units
    numbers = f", or a number{' in ' + node.unit if node.unit else ''}{f' from {node.valid[0]:g} to {node.valid[1]:g}' if node.valid else ''}{unit} (crampnet describe {nid} shows the state each number falls in)" if node.bands else ""
    return [
        f"  {nid} takes one of {', '.join(node.states)}{numbers}.",
        "  skip leaves it unknown (it is not asked again); back (or undo) takes back the last answer or skip of this interview and asks it again; quit stops and shows the final differential.",
    ]


def reader(stdin: IO[str] | None) -> IO[str]:
    """The stream the interview reads its answers from, ready to read: bytes its encoding cannot decode replaced, not an error.

    Parameters
    ----------
    stdin : typing.IO of str or None
        The stream given, or None for :data:`sys.stdin` (none at all, when
        the standard input is closed, reads as the end of input).

    Returns
    -------
    typing.IO of str
        ``stdin``; a text file read with strict errors is set to
        ``errors="replace"``, so an answer with a byte its encoding cannot
        read ("jä" under ``PYTHONIOENCODING=ascii``) reads with U+FFFD in it
        and is refused as one that does not fit, not a decode error that
        ends the interview.

    Raises
    ------
    EvidenceTypeError
        If ``stdin`` is a binary stream (``open(path, "rb")``, a BytesIO).
    """
    stdin = (sys.stdin or io.StringIO()) if stdin is None else stdin
    if isinstance(stdin, io.RawIOBase | io.BufferedIOBase):  # readline() would give bytes, refused only after the first question
        msg = f"The answers must be a text stream, read as str; got a binary one ({type(stdin).__name__}): open the file as text, open(path, encoding='utf-8'), or wrap it in io.TextIOWrapper(stream, encoding='utf-8')."
        raise EvidenceTypeError(msg)
    if isinstance(stdin, io.TextIOWrapper) and stdin.errors == "strict":
        stdin.reconfigure(errors="replace")
    return stdin


def ended_line(model: Model, nid: str, value: object, typed: Mapping[str, str]) -> str:
    """The line after the final evidence when the last answer (or skip) of the interview ended it: ``back`` cannot reach it, so how to change it.

    No prompt follows such an answer (the last of ``--max-questions``, or
    one reaching ``--confidence``), so it cannot be taken back in the
    interview; the command line's value overrides a case file's. The line
    is the same whether the case is saved or not.

    Parameters
    ----------
    model : Model
        The model.
    nid : str
        The question answered (or skipped) last.
    value : object
        Its answer, or ``"skip"``.
    typed : mapping of str to str
        The numbers as typed (node id to text), for the answer as shown.

    Returns
    -------
    str
        The line, indented by two spaces.

    Examples
    --------
    >>> import crampnet
    >>> ended_line(crampnet.load(), "bilateral", "skip", {})
    '  The skip of bilateral ended the interview, so back no longer reaches it: to answer it, run the interview again with bilateral=<the answer> on the command line (and --case to resume a saved case).'
    """
    if value == "skip":
        return f"  The skip of {nid} ended the interview, so back no longer reaches it: to answer it, run the interview again with {nid}=<the answer> on the command line (and --case to resume a saved case)."
    given = evidence_line({nid: value}, model.spec, typed).removeprefix("Evidence: ")
    return f"  {given} ended the interview, so back no longer reaches it: to change it, run the interview again with {nid}=<the new answer> on the command line, which overrides a case resumed with --case; to leave it unknown, leave it out (of a saved case: delete it from its evidence)."


def answer_value(model: Model, evidence: Mapping[str, object], nid: str, answer: str) -> tuple[object, str | None]:
    """Read ``answer`` to question ``nid``: a word of the interview, the value, or None after saying why it does not fit.

    Parameters
    ----------
    model : Model
        The model.
    evidence : mapping
        The evidence so far (the answer is checked with it: a combination
        the network rules out does not fit).
    nid : str
        The node asked.
    answer : str
        The answer, stripped.

    Returns
    -------
    value : object
        ``"skip"``, ``"quit"`` or ``"back"``; the value (a state, or a
        float); or None once the reason the answer does not fit (or, for
        ``?``, the answers the question takes) is printed.
    typed : str or None
        A number as it was typed (``7e1``), for the Evidence line and the
        saved case; None for anything else.
    """
    word = " ".join(answer.lower().replace("\u2019", "'").split())  # "Don(U+2019)t  know", a typographic apostrophe and two blanks, is "don't know"
    if word in HELP:
        print("\n".join(help_lines(model, nid)))
        return None, None
    for words, meaning in ((SKIP, "skip"), (QUIT, "quit"), (BACK, "back")):
        if word in words:
            return meaning, None
    node = model.spec.nodes[nid]
    answer = answer[1:].strip() if node.bands and answer.startswith("=") else answer  # =N, the --choose menu's number, at any question that takes one
    if not answer:
        print("  Please answer, or type skip.")
        return None, None
    value = interpret(node, answer)
    text = number_alone(node, answer).removeprefix("+") if isinstance(value, float) else None  # a number as typed (7e1; 30 of "30 ng/mL"), as the command line keeps it
    text = text if text is not None and text.isascii() else None  # full-width digits (U+FF11 U+FF12) kept as the number read, 12
    if (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and value not in node.states and missing_word(value)):  # the evidence check's advice is for Python callers
        print(f"  {escaped(answer)} is not a value: to leave {nid} unknown, type skip.")
        print(f"  Answer one of the states listed{', or a number' if node.bands else ''}, or skip (? lists the answers).")
        return None, None
    try:
        if beyond_float(answer):
            raise too_big(nid, answer.strip())
        state_vector(node, value, name=nid, typed=text)  # its message names the number as typed (1e4, not 10000.0)
        model.posteriors({**evidence, nid: value})
    except CrampnetError as err:
        print(f"  That answer does not fit: {err}")
        print(f"  Answer one of the states listed{', or a number' if node.bands else ''}, or skip (? lists the answers).")
        return None, None
    return value, text
