"""The ``crampnet`` command line.

Commands (``crampnet COMMAND --help`` for each one's options):

- ``diagnose [node=value ...]`` prints red flags, the ranked differential
  with posteriors, and the next best questions (``--json`` for JSON, which
  lists every condition whatever ``--top`` says, ``--case case.json`` for a
  case file, ``--example`` for the example case);
- ``interview`` asks the next best question one at a time and shows the
  differential after each answer (answers: yes, no, a state, a number, skip,
  back, ?, quit; it reads piped answers too). It stops at ``--max-questions``, when
  one condition reaches ``--confidence``, when no question is left, or at
  quit, the end of input or Ctrl-C, and then prints the red flags and the
  final differential. ``--choose`` lists the top five questions to pick
  from; ``--save case.json`` writes the case after every answer, and
  ``--case case.json`` resumes it (see :mod:`crampnet._interview`);
- ``report`` writes the markdown or HTML report (``-o FILE``);
- ``export --format bif|xmlbif|xdsl|uai`` writes the network for other tools;
- ``score cohort.csv -o out.csv`` scores one case per row, chunk by chunk:
  each condition's posterior, then the row's red flags (``red_flags``);
- ``describe NODE`` prints what a node means, its states, bands, parents,
  children and sources of its numbers (``describe`` alone: every id by role);
- ``warm-up`` compiles the numba inference kernel now (or loads it from
  numba's cache), so that later runs start on it.

``diagnose``, ``interview``, ``report`` and ``score`` take ``--threshold P``,
the Python ``threshold=``: one testing threshold in (0, 1] for every
must-not-miss condition, for the red flags (and the next questions) instead
of each one's own; the command ``interview --save`` prints to resume the case
gives it again, as it does the interview's other options (``--confidence``,
``--top``, ``--choose``, the order of the questions, ``--max-questions``): a
saved case holds the answers, not the options.

Every command but ``warm-up`` takes ``--network FILE`` and ``--population
NAME`` (the kernel ``warm-up`` compiles is the same for every network and
population, so it takes neither, and says so if given one). A case
file (``--case``) is a JSON object of node id to value, or a case saved by
``interview --save`` (:mod:`crampnet._case_file`): its evidence is used, its
population unless ``--population`` says otherwise, and a saved case from
another version of the network is used with a warning on stderr. Values are
yes/no (or true/false), state names, or numbers for the numeric nodes; a node
is given once per source (the example, the case file, the command line), and
a later source overrides an earlier one. Files read must be regular files
(``score -`` reads stdin), of bounded size; ``-o FILE`` is written whole or
not at all (see :mod:`crampnet._files`), and never through a symbolic link,
FIFO or device, nor over the cohort, case or network file the command reads; ``-o -`` is stdout (``score`` writes it, too, whole or not at all); an empty file name is an error, and so is ``-`` for a network, case or ``--save`` file (``./-`` names a file called ``-``).
Errors go to stderr as ``crampnet: error: ...`` (naming the file they are about) with exit code 2; nothing non-finite is printed.

Examples
--------
>>> from crampnet.cli import main
>>> main(["diagnose", "visible_hard_contraction=yes", "--top", "1", "--questions", "0"])  # doctest: +ELLIPSIS
Evidence: visible_hard_contraction=yes
...
rank  condition ...
   1  nocturnal_leg_cramps ...
0
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from crampnet._case_file import (
    CaseFile,
    case_document,
    check_saved,
    read_case_file,
    save_case,
)
from crampnet._cli_input import gather_evidence, parse_assignment
from crampnet._cli_options import option_before_command, option_problem, same_file
from crampnet._cli_output import (
    NOTE,
    diagnosis_json,
    differential_lines,
    evidence_line,
    flag_lines,
    question_lines,
)
from crampnet._cli_parser import CONFIDENCE, MAX_QUESTIONS, QUESTION_ORDERS, TOP, parsers
from crampnet._file_names import escaped
from crampnet._file_write import csv_stdout, document_stdout, quiet_closed_stderr, tolerant_stdout
from crampnet._files import shown, write_atomic, write_whole
from crampnet._load import load
from crampnet.exceptions import CrampnetError, ImpossibleEvidenceError, InvalidValueError, hint
from crampnet.network.evidence import interpret

if TYPE_CHECKING:
    from crampnet.model import Model

__all__ = ["COMMANDS", "EXAMPLE_CASE", "interpret", "main", "parse_assignment"]

# interpret (what a person types, made into evidence) lives with the other
# evidence readers, which crampnet.interop.cohorts shares; parse_assignment
# with the other readers of input (crampnet._cli_input); both re-exported here.

#: The example case: a classic restless-legs history with a low ferritin.
EXAMPLE_CASE: dict[str, object] = {
    "age": 52,
    "sex": "female",
    "presenting_complaint": "restlessness",
    "urge_to_move": True,
    "uncomfortable_sensations": True,
    "worse_at_rest": True,
    "relief_by_movement": True,
    "worse_evening": True,
    "visible_hard_contraction": False,
    "ferritin": 32,
}
#: The sub-commands.
COMMANDS = ("diagnose", "interview", "report", "export", "score", "describe", "warm-up")
_NOTE = NOTE


def _evidence(args: argparse.Namespace, model: Model, typed: dict[str, str] | None = None) -> dict[str, object]:
    base = EXAMPLE_CASE if getattr(args, "example", False) else {}
    if base and args.network:  # the example is the shipped network's case: say so if another network has not its nodes or states
        try:
            gather_evidence(model, base, None, [])
        except CrampnetError as err:
            msg = f"--example is the example case of the shipped network ({', '.join(EXAMPLE_CASE)}), which does not fit the network of {shown(args.network)}: {err} Give the case as node=value pairs, or with --case, instead."
            raise InvalidValueError(msg) from err
    return gather_evidence(model, base, getattr(args, "case_file", None), args.evidence, typed)


def _diagnose(args: argparse.Namespace, model: Model) -> int:
    typed: dict[str, str] = {}  # the numbers as typed (ferritin=32.0), for the echo
    evidence = _evidence(args, model, typed)
    dx = model.diagnose(evidence, ranking=args.ranking, threshold=args.threshold)
    if args.json:
        print(diagnosis_json(dx, evidence, args.questions, args.questions_by, args.staged, typed))
        return 0
    print("\n".join([evidence_line(evidence, model.spec, typed), *flag_lines(dx), *differential_lines(dx, args.top), *question_lines(dx, args.questions, args.questions_by, args.staged), _NOTE]))
    return 0


def _interview(args: argparse.Namespace, model: Model) -> int:
    # Imported here: the other commands do not import the interview (7 ms of a cold start).
    from crampnet._interview import Interview

    case: CaseFile | None = args.case_file
    typed: dict[str, str] = {}  # the numbers as typed (ferritin=32.0), for the final Evidence line
    evidence = _evidence(args, model, typed)
    save = None
    if args.save:
        path = args.save

        def save(evidence: dict[str, object], skipped: list[str], asked: int) -> None:
            if case is not None and not case.saved and same_file(args.case, path):  # save_case would advise removing it: the user's case
                msg = f"{shown(path)} is the case file --case reads, a plain case, which --save leaves as it is: give --save a new file name (the case saved there keeps this case's evidence, and resumes with --case and --save that name)."
                raise InvalidValueError(msg)
            save_case(path, case_document(model, evidence, skipped, asked))

    if case is not None and case.saved:
        print(f"Resuming {case.name}: {len(evidence)} answer{'s' * (len(evidence) != 1)}, {len(args.skipped)} skipped, {case.asked} question{'s' * (case.asked != 1)} asked.")
    run = Interview(model, evidence, skipped=args.skipped, asked=case.asked if case is not None else 0, top=args.top, max_questions=args.max_questions, confidence=args.confidence, choose=args.choose, save=save, by=args.questions_by, staged=args.staged, typed=typed, threshold=args.threshold)
    code = run.run(sys.stdin)
    if args.save:  # a command to copy: names quoted for the shell, and the network it ran on (a saved case names, not locates, it)
        more = (args.max_questions or MAX_QUESTIONS) + run.asked if run.asked >= args.max_questions else args.max_questions  # the saved questions count: as many again (0: the default)
        same = [*(["--questions-by", args.questions_by] if args.questions_by != QUESTION_ORDERS[0] else []), *(["--staged"] if args.staged else []), *(["--threshold", repr(args.threshold)] if args.threshold is not None else []), *(["--confidence", repr(args.confidence)] if args.confidence != CONFIDENCE else []), *(["--top", str(args.top)] if args.top != TOP else []), *(["--choose"] if args.choose else []), *(["--max-questions", str(more)] if more != MAX_QUESTIONS else [])]
        resume = shlex.join(["crampnet", "interview", *(["--network", args.network] if args.network else []), "--case", args.save, "--save", args.save, *same])
        print(f"The case is saved in {shown(args.save)}; resume it with: {escaped(resume)}")
    return code


#: The formats each suffix of ``report -o`` means (``.txt``, and any other, goes with either).
_REPORT_SUFFIXES = {".md": ("markdown",), ".markdown": ("markdown",), ".html": ("html",), ".htm": ("html",)}


def _check_suffix(output: str, fmt: str, means: Mapping[str, tuple[str, ...]]) -> None:
    """Refuse ``--format fmt`` for an ``-o`` file whose suffix ``means`` other formats (an unknown suffix, or none, goes with any).

    Parameters
    ----------
    output : str
        The ``-o`` file.
    fmt : str
        The format ``--format`` gives.
    means : Mapping of str to tuple of str
        The formats each known suffix (lower case, with its dot) means, the
        one written without ``--format`` first; the first suffix meaning
        ``fmt`` first is the one the message suggests.

    Raises
    ------
    InvalidValueError
        If the suffix of ``output`` means formats other than ``fmt``.
    """
    suffix = Path(output).suffix.lower()
    if suffix in means and fmt not in means[suffix]:
        own = next(s for s, formats in means.items() if formats[0] == fmt)
        msg = f"{shown(output)}: --format {fmt} contradicts the suffix {suffix}, which means {' or '.join(means[suffix])}; leave --format out to write {means[suffix][0]}, or name the file for {fmt} ({shown(str(Path(output).with_suffix(own)))})."
        raise InvalidValueError(msg)


def _report(args: argparse.Namespace, model: Model) -> int:
    suffix = Path(args.output).suffix.lower() if args.output else ""
    if args.format is None and suffix not in ("", ".md", ".markdown", ".txt", ".html", ".htm"):
        msg = f"crampnet report writes markdown (.md) or HTML (.html), not {suffix}: name the file so, or give --format."
        raise CrampnetError(msg)
    if args.format is not None and args.output:
        _check_suffix(args.output, args.format, _REPORT_SUFFIXES)
    fmt = args.format or ("html" if suffix in (".html", ".htm") else "markdown")
    text = model.diagnose(_evidence(args, model), threshold=args.threshold).report(format=fmt)
    if fmt == "html":
        text = f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>crampnet report</title></head>\n<body>\n{text}\n</body>\n</html>\n'
    if args.output:
        write_atomic(args.output, text, what=f"{fmt} report")
        print(f"crampnet: wrote the {fmt} report to {shown(args.output)}", file=sys.stderr)
    else:
        document_stdout().write(text)  # UTF-8 into a file or pipe, as -o writes
    return 0


def _export(args: argparse.Namespace, model: Model) -> int:
    from crampnet.interop.export import SUFFIXES, export, format_for

    if args.format is None and args.output is None:
        msg = "crampnet export needs --format (bif, xmlbif, xdsl or uai) or an -o FILE whose suffix names one."
        raise CrampnetError(msg)
    if args.format is not None and args.output is not None:  # .xml is XML: XMLBIF's or XDSL's
        _check_suffix(args.output, args.format, {suffix: (fmt,) for suffix, fmt in SUFFIXES.items()} | {".xml": ("xmlbif", "xdsl")})
    fmt = args.format or format_for(args.output)
    text = export(model, fmt, args.output)
    if args.output is None:
        document_stdout().write(text)  # UTF-8 into a file or pipe, as -o writes
    else:
        print(f"crampnet: wrote the {fmt} export to {shown(args.output)}", file=sys.stderr)
    return 0


def _score(args: argparse.Namespace, model: Model) -> int:
    from crampnet._cohort_csv import (
        FLAGS_COLUMN,
        cohort_error,
        flag_column,
        open_cohort,
        read_cohort,
    )
    from crampnet._file_write import is_terminal
    from crampnet.interop.cohorts import read_text_cells

    shown_bar = not args.no_progress and is_terminal(sys.stderr)  # a log file or a pipe gets no bar frames
    with open_cohort(args.cohort, count=shown_bar) as (stream, name, total):
        bar, written = None, [0]  # the progress bar, if shown; the rows written, for the closing line
        if shown_bar:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, unit="case", desc="crampnet score", file=sys.stderr)

        def write(out: IO[str]) -> None:
            frames = read_cohort(stream, name, chunksize=args.chunksize, index_col=args.index_col, spec=model.spec)
            try:
                for i, chunk in enumerate(frames):
                    cases = read_text_cells(model.spec, chunk)
                    post = next(model.iter_posteriors([cases]))
                    post[FLAGS_COLUMN] = flag_column(model, cases, post, args.threshold)
                    if post.index.name is None:
                        post.index.name = "row"
                    post.to_csv(out, header=i == 0)
                    written[0] += len(post)
                    if bar is not None:
                        bar.update(len(post))
            except (CrampnetError, ValueError, TypeError) as err:
                raise cohort_error(name, err) from err

        try:
            if args.output:
                write_atomic(args.output, write, what="posteriors CSV")
            else:
                write_whole(csv_stdout(), write)  # UTF-8, as -o writes; a bad row late in the file: no partial CSV before the error
        except BaseException:
            if bar is not None:
                bar.leave = False  # an error: the bar is erased, so the message stands alone
            raise
        finally:
            if bar is not None:
                bar.close()
    if args.output:
        print(f"crampnet: wrote the posteriors to {shown(args.output)} ({written[0]:,} row{'s' * (written[0] != 1)}; network {model.spec.name} {model.spec.version}, SHA-256 {model.spec.digest}; population {model.population})", file=sys.stderr)
    return 0


def _describe(args: argparse.Namespace, model: Model) -> int:
    from crampnet.network.describe import print_description, print_index

    if args.node is not None and not args.node.strip():  # crampnet describe "" (an empty shell variable): not an unknown id
        msg = f"describe was given an empty node id ({args.node!r}). Give a node id or alias, e.g. crampnet describe ferritin, or none to list every id."
        raise InvalidValueError(msg)
    return print_description(model, args.node) if args.node is not None else print_index(model.spec)


def _parser() -> argparse.ArgumentParser:
    """The command's parser (:func:`crampnet._cli_parser.parsers`); the documentation's CLI page is generated from it."""
    return parsers()[0]


def _prepare(args: argparse.Namespace) -> Model:
    """Read the case file, load the model (in a saved case's population unless --population says), warn of a saved case's other network version."""
    case = read_case_file(args.case) if getattr(args, "case", None) else None
    args.case_file, args.skipped = case, []
    model = load(args.network, population=args.population)
    if case is None or not case.saved:
        return model
    warnings, args.skipped = check_saved(case, model)
    if args.population is None and case.population != model.population:
        try:
            model = load(args.network, population=case.population)
        except InvalidValueError as err:
            msg = f"{case.name}: {err}"
            raise InvalidValueError(msg) from err
    elif case.population != model.population:
        warnings.append(f"{case.name} was saved for the population {case.population!r}; using {model.population!r} as --population says.")
    for line in warnings:
        print(f"crampnet: warning: {line}", file=sys.stderr)
    return model


_RUN: dict[str, Callable[[argparse.Namespace, Model], int]] = {"diagnose": _diagnose, "interview": _interview, "report": _report, "export": _export, "score": _score, "describe": _describe}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, or 2 for an error).

    Errors go to standard error as ``crampnet: error: ...``; argparse's own
    (an unknown option, ``--help``, ``--version``) exit through
    :class:`SystemExit` as argparse does.

    Parameters
    ----------
    argv : Sequence of str or None, optional
        The arguments after the program's name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 2 for an error (an unknown command, an option out of
        range, or a crampnet, value, type or operating-system error); 130
        after Ctrl-C; 141 when the reader of the output stopped reading (a
        broken pipe).
    """
    from crampnet._cli_options import flush_stdout

    quiet_closed_stderr()  # 2>&-: messages to nowhere, not into the output (print(file=None) is stdout)
    tolerant_stdout()  # a terminal that is not UTF-8 gets "Bj\xf6rck", not an encoding error instead of the output
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and not args_list[0].startswith("-") and args_list[0] not in COMMANDS:
        print(f"crampnet: error: unknown command {args_list[0]!r}.{hint(args_list[0], COMMANDS)} Commands: {', '.join(COMMANDS)}.", file=sys.stderr)
        return 2
    problem = option_before_command(args_list[0], COMMANDS) if args_list and args_list[0].startswith("-") else ""
    if problem:
        print(f"crampnet: error: {problem}", file=sys.stderr)
        return 2
    parser, commands = parsers()
    args, extra = parser.parse_known_args(args_list)
    if extra:  # argparse reads a command's positionals in one run: evidence after an option is left over, so read it again intermixed
        rest = args_list[args_list.index(args.command) + 1 :]
        args = commands[args.command].parse_intermixed_args(rest, namespace=argparse.Namespace(command=args.command))
    problem = option_problem(args)
    if problem:
        print(f"crampnet: error: {problem}", file=sys.stderr)
        return 2
    try:
        if args.command == "warm-up":
            from crampnet.inference import _kernel

            print(_kernel.warm_up())
        code = 0 if args.command == "warm-up" else _RUN[args.command](args, _prepare(args))
        flush_stdout()  # now, not at exit: a full disk or a closed pipe is an error as any failed write is (it was "Exception ignored", 120)
        return code
    except ImpossibleEvidenceError as err:  # the conflict may lie in a case file: say where the evidence came from
        case = getattr(args, "case_file", None)
        sources = [case.name] if case else []
        sources += ["the command line"] if case and getattr(args, "evidence", None) else []
        print(f"crampnet: error: {err}" + (f" (evidence from {' and '.join(sources)})" if case else ""), file=sys.stderr)
    except (CrampnetError, ValueError, TypeError) as err:
        from crampnet.network.evidence import CLI_IDS_HINT, IDS_HINT

        print(f"crampnet: error: {str(err).replace(IDS_HINT, CLI_IDS_HINT)}", file=sys.stderr)  # the API's pointer to model.findings
    except BrokenPipeError:  # the reader stopped reading (crampnet diagnose | head): stop quietly
        flush_stdout(quiet=True)  # Python's own advice: stdout to devnull, no second error at exit
        return 141  # as a shell reports a process that SIGPIPE ended
    except OSError as err:
        flush_stdout(quiet=True)  # what a failed write to stdout left buffered goes nowhere
        where = f"{shown(str(err.filename))}: " if err.filename else ""
        print(f"crampnet: error: {where}{err.strerror or err}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
