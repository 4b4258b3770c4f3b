r"""``crampnet interview``: the next best question, one at a time.

Each answer is yes, no, a state, a number (for the numeric nodes), ``skip``
(the question is not asked again) or ``quit``; an answer that does not fit
is explained and the question asked again, and ``?`` (or ``help``) lists the
answers the question takes and asks it again (:mod:`crampnet._interview_answers`).
``back`` (or ``undo``) takes back the last answer or skip: it leaves the
case (and the saved file) and no longer counts as asked, the differential
from before it is shown, and its question is asked again; repeated, it walks
further back, but never past the evidence given before the interview started
(on the command line or in ``--case``). Piped answers are echoed. The
questions come from :meth:`~crampnet.reasoning.diagnosis.Diagnosis.next_questions`
in the table's order, leaving out those answered, skipped, or with no
expected information gain.

With ``choose=True`` the top five questions are listed, numbered: ``1`` to ``5`` picks one (which is
then asked; one beyond a shorter list is refused, not read as a number), and anything else answers the
first; ``=N`` answers the number N (at the menu, and at any question that takes a number), so ``=3``.

With a ``threshold`` (``--threshold``) every must-not-miss condition is
flagged, and the questions ranked, against that one testing threshold, as
``diagnose(..., threshold=)`` does, instead of against each condition's own.

The interview stops when a condition reaches the confidence, after the most questions, when no question
is left, at ``quit``, at the end of input or at Ctrl-C; whatever the reason, it then prints the red flags,
the final differential and the evidence (an answer after which it stops, the last of ``max_questions`` or
one reaching the confidence, is no longer open to ``back``: the end says how to change it). Ctrl-C while
the differential is computed after an answer keeps that answer (and saves it), and says that the
differential shown, the last one computed, is from before it. With a ``save`` path the case (evidence,
skipped questions, questions asked, network and population;
:mod:`crampnet._case_file`) is written there before the first question and
after every answer, whole or not at all, so an interrupted interview
resumes with ``--case`` from where it stopped. A save that fails stops the
interview (before the first question, none is asked) once the red flags and
the final differential are printed, and its error is raised.

Examples
--------
>>> import io
>>> import crampnet
>>> from crampnet._interview import Interview
>>> run = Interview(crampnet.load(), {"urge_to_move": True}, top=1, max_questions=1)
>>> run.run(io.StringIO("skip\n"))  # doctest: +ELLIPSIS
crampnet interview: ...
Q1. How long the current problem has lasted (symptom_duration: ...) > skip
Stopping: 1 question asked (--max-questions 1).
<BLANKLINE>
Final differential:
...
Evidence: urge_to_move=yes
  The skip of ... ended the interview, so back no longer reaches it: ...
crampnet supports clinical reasoning; it does not replace it. Sources of the numbers: crampnet describe NODE, and the report (crampnet report).
0
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, cast

from crampnet._case_json import Written
from crampnet._cli_output import differential_lines, evidence_line, flag_lines
from crampnet._file_names import escaped
from crampnet._interview_answers import HELP, OPENING, answer_value, ended_line, prompt, reader
from crampnet._stdin import unread
from crampnet.exceptions import CrampnetError, EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import check_bool, show
from crampnet.reasoning._decision import check_by
from crampnet.reasoning._differential import fraction
from crampnet.reasoning._flag_args import check_threshold, probability_hint

if TYPE_CHECKING:
    from crampnet.model import Model
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["CHOICES", "NOTE", "Interview"]

#: How many questions ``--choose`` lists.
CHOICES = 5
#: The line every command ends with.
NOTE = "crampnet supports clinical reasoning; it does not replace it. Sources of the numbers: crampnet describe NODE, and the report (crampnet report)."
_END, _INTERRUPTED = object(), object()  # the end of input; Ctrl-C at a prompt


def _count(value: object, name: str, what: str) -> int:
    """``value`` as an int, or an error naming argument ``name`` of Interview and what it counts.

    Parameters
    ----------
    value : object
        What the caller gave (any integer type, numpy's too; not a bool).
    name, what : str
        The argument, and what it counts (for the message).

    Returns
    -------
    int
        ``value`` as a plain int, at least 0.

    Raises
    ------
    InvalidValueError
        If ``value`` is a bool, not an integer, or negative.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        msg = f"The '{name}' argument of Interview must be a non-negative int ({what}). Got {show(value)} ({type(value).__name__}) instead."
        raise InvalidValueError(msg)
    return int(value)


class Interview:
    """One interview; :meth:`run` asks the questions and returns the exit code.

    Parameters
    ----------
    model : Model
        The model.
    evidence : mapping
        The evidence so far (node ids).
    skipped : sequence of str, optional
        Questions skipped so far (not asked again).
    asked : int, default=0
        Questions asked so far (they count towards ``max_questions``).
    top, max_questions, confidence, choose
        As the command's options ``--top``, ``--max-questions``,
        ``--confidence`` and ``--choose``.
    save : callable, optional
        ``save(evidence, skipped, asked)``, called before the first question
        and after every answer (and every answer taken back).
    by : {'decision', 'information', 'value'}, default='decision'
        The order of the questions (``--questions-by``), as
        :meth:`~crampnet.reasoning.diagnosis.Diagnosis.next_questions` takes it.
    staged : bool, default=False
        History first, then examination, then tests (``--staged``).
    typed : mapping of str to str, optional
        The text each number of ``evidence`` was typed as (node id to text,
        ``32.0``), which the final Evidence line shows; the numbers answered
        are added as they were typed (attribute ``typed``).
    threshold : float or None, optional
        One testing threshold in (0, 1] for every must-not-miss condition
        (``--threshold``), for the red flags shown and the order of the
        questions, as ``diagnose(..., threshold=)`` takes it; None (the
        default) for each condition's own.

    Raises
    ------
    InvalidValueError
        If ``threshold`` is neither None nor a number in (0, 1], or
        ``confidence`` not a number in (0, 1] (a percentage such as 5 says
        to pass 0.05); if ``top``, ``max_questions`` or ``asked`` is not a
        non-negative int; or ``by`` is unknown (all before any question is
        asked).
    EvidenceTypeError
        If ``choose`` or ``staged`` is not True or False, or ``skipped`` is one string.
    """

    def __init__(self, model: Model, evidence: Mapping[str, object], *, skipped: Sequence[str] = (), asked: int = 0, top: int = 5, max_questions: int = 10, confidence: float = 0.95, choose: bool = False, save: Callable[[dict[str, object], list[str], int], None] | None = None, by: str = "decision", staged: bool = False, typed: Mapping[str, str] | None = None, threshold: float | None = None) -> None:
        self.model = model
        self.threshold = None if threshold is None else check_threshold(threshold)
        if isinstance(given := cast("object", confidence), bool) or not isinstance(given, numbers.Real) or not 0 < cast("float", given) <= 1:  # 95 would never stop it, 0 stop it at once
            msg = f"The 'confidence' argument of Interview must be a number in (0, 1] (the probability of a condition that stops the interview; --confidence). Got {show(confidence)} instead.{probability_hint(confidence)}"
            raise InvalidValueError(msg)
        check_by(by, staged=staged)
        self.evidence = dict(evidence)
        self.typed = dict(typed or {})
        if isinstance(skipped, str):  # list() would make it its letters
            msg = f"The 'skipped' argument of Interview must be a list of node ids. Got {show(skipped)} (str) instead: pass [{show(skipped)}]."
            raise EvidenceTypeError(msg)
        self.skipped = list(skipped)
        self.asked = _count(asked, "asked", "questions asked so far")
        self.top, self.max_questions = _count(top, "top", "conditions shown; --top"), _count(max_questions, "max_questions", "questions after which it stops; --max-questions")
        self.confidence, self.choose = float(confidence), check_bool(choose, "choose", "Interview")
        self.save = save
        self.by, self.staged = by, bool(staged)

    def run(self, stdin: IO[str] | None = None) -> int:
        """Ask until a stop (see the module docstring); 0, or 130 after Ctrl-C.

        Prints to standard output: the questions, the differential after
        each answer, then why it stopped and the final differential. The
        attributes ``evidence``, ``skipped`` and ``asked`` are updated as it
        goes (and passed to ``save``, if given, before the first question and
        after every answer).

        Parameters
        ----------
        stdin : typing.IO of str or None, optional
            Where the answers are read from, one a line (default
            :data:`sys.stdin`; none, when the standard input is closed, is
            the end of input). A text file that would raise on bytes its
            encoding cannot read is set to replace them (U+FFFD), so such an
            answer is refused as one that does not fit
            (``_interview_answers.reader``).

        Returns
        -------
        int
            The exit code: 130 if interrupted by Ctrl-C (at a prompt or
            while computing), else 0.

        Raises
        ------
        EvidenceTypeError
            If ``stdin`` is a binary stream (before any question).
        Exception
            What ``save`` raised (a crampnet, value, type or operating-system
            error), once the red flags and the final differential are
            printed: before the first question, no question is asked.
        """
        stdin = reader(stdin)
        dx = self.model.diagnose(self.evidence, threshold=self.threshold)
        code, show, first = 0, True, True
        failed: Exception | None = None
        try:
            if self.save is not None:
                self.save(self._written(), self.skipped, self.asked)
        except (CrampnetError, ValueError, TypeError, OSError):  # no question is asked, but the case's red flags are shown
            self._final(dx, "the case could not be saved, so no question is asked (the error is below).")
            raise
        print(OPENING)
        history: list[tuple[str, object, Diagnosis]] = []  # this interview's answers and skips, each with the differential before it, for back
        pending, candidates = "", [""]  # the node whose answer is entered but whose differential is being computed; the questions left
        try:
            while True:
                reason, candidates = self._stop(dx)
                if reason:
                    break
                if show:  # in full the first time; then without the rule-outs and the legend, which do not change
                    print("\n".join(["", *flag_lines(dx, rule_outs=first), *differential_lines(dx, self.top, explained=first)]))
                    first = False
                nid, value = self._choose(candidates, stdin) if self.choose else (candidates[0], self._ask(candidates[0], stdin))
                if value is _END or value is _INTERRUPTED or value == "quit":
                    reason = {id(_END): "end of input.", id(_INTERRUPTED): "interrupted."}.get(id(value), "quit.")
                    code = 130 if value is _INTERRUPTED else 0
                    break
                if value == "back":
                    if not history:  # the command line's and the case file's answers are not this interview's to take back
                        print("  Nothing to take back: the answers given before the interview started stay; edit the case file or the command line.")
                        show = False
                        continue
                    nid, value, dx = history.pop()  # the differential as it was before that answer
                    print(f"Took back {self._take_back(nid, value)}.")
                    show = True
                else:
                    self.asked += 1
                    history.append((nid, value, dx))
                    show = value != "skip"
                    if value == "skip":
                        self.skipped.append(nid)
                    else:
                        self.evidence[nid], pending = value, nid
                        dx = self.model.diagnose(self.evidence, threshold=self.threshold)
                        pending = ""
                failed = self._save_now()
                if failed is not None:  # the red flags are shown all the same, then the error
                    reason = "the case could not be saved (the error is below)."
                    break
        except KeyboardInterrupt:  # while computing: the last answer is kept (and saved), the differential shown is the last one computed
            print()
            code, failed, reason = 130, self._save_now(), "interrupted."
            if pending:
                kept = evidence_line({pending: self.evidence[pending]}, self.model.spec, self.typed).removeprefix("Evidence: ")
                reason = f"interrupted while the differential was computed with {kept}: the answer is kept{' in the saved case' if self.save is not None and failed is None else ''}, but the differential below is from before it."
        ended = history[-1][:2] if history and not candidates and code == 0 and failed is None else None  # the last answer stopped it (_stop): no prompt for back
        reason += unread(stdin) if not candidates else ""  # stopped by _stop with answers still waiting: say they were not read
        self._final(dx, reason, {k: v for k, v in self.evidence.items() if k != pending}, ended_line(self.model, *ended, self.typed) if ended else None)
        if failed is not None:
            raise failed
        return code

    def _take_back(self, nid: str, value: object) -> str:
        """Take back the last answer (``value`` to ``nid``) or skip: out of the case, and no longer counted as asked.

        Parameters
        ----------
        nid : str
            The question answered (or skipped) last.
        value : object
            Its answer, or ``"skip"``.

        Returns
        -------
        str
            What was taken back: ``calf_tenderness=yes`` (a number as it
            was typed), or ``the skip of calf_tenderness``.
        """
        self.asked -= 1
        if value == "skip":
            self.skipped.pop()  # this interview's skips come after the case's, in the order of the history
            return f"the skip of {nid}"
        taken = evidence_line({nid: self.evidence.pop(nid)}, self.model.spec, self.typed).removeprefix("Evidence: ")
        self.typed.pop(nid, None)  # asked, so not typed on the command line: the text is this answer's
        return taken

    def _save_now(self) -> Exception | None:
        """Call ``save`` (if given) with the case as it is; the error it raised, or None.

        Returns
        -------
        Exception or None
            The crampnet, value, type or operating-system error ``save``
            raised; None if it saved, or there is no ``save``.
        """
        try:
            if self.save is not None:
                self.save(self._written(), self.skipped, self.asked)
        except (CrampnetError, ValueError, TypeError, OSError) as err:
            return err
        return None

    def _written(self) -> dict[str, object]:
        """The evidence to save: each number typed as its text (:class:`crampnet._case_json.Written`), so the file writes ``7e1``, not 70.0.

        Returns
        -------
        dict of str to object
            ``evidence``, a number with a text in ``typed`` made a
            :class:`crampnet._case_json.Written` float of it.
        """
        return {nid: Written(v, self.typed[nid]) if nid in self.typed and isinstance(v, int | float) and not isinstance(v, bool) else v for nid, v in self.evidence.items()}

    def _final(self, dx: Diagnosis, reason: str, evidence: Mapping[str, object] | None = None, ended: str | None = None) -> None:
        """Why it stopped, then the red flags, the final differential, the evidence (``dx``'s: default ``evidence``) and the line ``ended``, if given."""
        print(f"Stopping: {reason}")
        print("\n".join(["", "Final differential:", *flag_lines(dx), *differential_lines(dx, self.top), evidence_line(self.evidence if evidence is None else evidence, self.model.spec, self.typed), *([ended] if ended else []), NOTE]))

    def _stop(self, dx: Diagnosis) -> tuple[str, list[str]]:
        """Why to stop now (or ``""``), and the questions left, best first."""
        lead, p = str(dx.posteriors.index[0]), float(dx.posteriors.iloc[0])
        if p >= self.confidence:
            return f"{lead} has reached P = {fraction(p, 3)} (--confidence {self.confidence:g}).", []
        if self.asked >= self.max_questions:
            return f"{self.asked} question{'s' * (self.asked != 1)} asked (--max-questions {self.max_questions}).", []
        table = dx.next_questions(None, by=self.by, staged=self.staged)
        done = set(self.skipped) | set(self.evidence)
        # The table's row order is the recommended order; it is kept.
        candidates = [str(q) for q, gain in table["information_gain"].items() if str(q) not in done and float(gain) > 1e-9]
        if not candidates:
            return "no question left that would change the differential.", []
        return "", candidates

    def _read(self, prompt: str, stdin: IO[str]) -> object:
        """One answer, stripped: the text, or _END / _INTERRUPTED."""
        print(prompt, end="", flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            print()
            return _INTERRUPTED
        except UnicodeDecodeError as err:  # a stream run() cannot tell to replace what it cannot decode (text wrappers are told)
            print(f"\n  The answer could not be read ({err}): the interview stops here.")
            return _END
        if not line:
            print()
            return _END
        answer = line.strip().removeprefix("\ufeff").strip()  # a byte-order mark (answers saved by a Windows editor) is not part of the answer
        if not stdin.isatty():  # echoed escaped: a terminal's escape in a file of answers stays text
            print(escaped(answer))
        return answer

    def _value(self, nid: str, answer: str) -> object:
        """``"skip"``, ``"quit"``, ``"back"``, the value (its text kept in ``typed``, for a number), or None after explaining why the answer does not fit (or listing the answers, for ``?``)."""
        value, text = answer_value(self.model, self.evidence, nid, answer)
        if text is not None:
            self.typed[nid] = text
        return value

    def _ask(self, nid: str, stdin: IO[str]) -> object:
        """Ask ``nid`` until the answer fits: the value, ``"skip"``, ``"quit"``, ``"back"``, _END or _INTERRUPTED."""
        while True:
            answer = self._read(f"Q{self.asked + 1}. {prompt(self.model, nid)}; or skip) > ", stdin)
            if not isinstance(answer, str):
                return answer
            value = self._value(nid, answer)
            if value is not None:
                return value

    def _choose(self, candidates: list[str], stdin: IO[str]) -> tuple[str, object]:
        """List the top questions; ``1``..``5`` asks that one (one beyond the list is refused), anything else answers the first."""
        shown = candidates[:CHOICES]
        print("Next questions, best first:")
        for i, nid in enumerate(shown, start=1):
            print(f"  {i}. {prompt(self.model, nid)})")
        which = "1" if len(shown) == 1 else f"1-{len(shown)}"
        numeric = bool(self.model.spec.nodes[shown[0]].bands)  # a number that is also a pick needs a mark: =3
        while True:
            answer = self._read(f"Q{self.asked + 1}. Type {which} to choose a question, or answer question 1 ({shown[0]}{'; =N for the number N' if numeric else ''}; or skip) > ", stdin)
            if not isinstance(answer, str):
                return shown[0], answer
            if answer.lower() in HELP:
                print(f"  Type {which} to be asked that question of the list instead; anything else answers question 1 ({shown[0]}){f', and =N gives it the number N (a bare {which} chooses)' if numeric else ''}.")
            if answer.isdecimal() and 1 <= int(answer) <= CHOICES:  # a bare 1-5 (a full-width one too) chooses, however many are listed (=N is a number: _value)
                if int(answer) <= len(shown):
                    return shown[int(answer) - 1], self._ask(shown[int(answer) - 1], stdin)
                print(f"  Only {which} {'is' if len(shown) == 1 else 'are'} listed: type {which} to choose a question{f', or ={answer} to answer {shown[0]} the number {answer}' if numeric else ''}.")
                continue
            value = self._value(shown[0], answer)
            if value is not None:
                return shown[0], value
