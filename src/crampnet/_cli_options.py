"""The options of the ``crampnet`` command: their parser, and the check of the values they take.

The options are read by :class:`Parser`, whose error for a value outside an
option's choices is one line naming them (:func:`choice_error`), and an
option before the command that the command line does not take is named by
:func:`option_before_command`. :func:`option_problem` checks the values
once read (ranges, empty file names, ``-o`` naming a file the command
reads, a closed standard output); :func:`flush_stdout` makes a failed write
to the standard output an error where it happens.

What the options' values name (``node=value`` pairs, case files) is read by
:mod:`crampnet._cli_input`.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from crampnet._cli_input import show
from crampnet._files import shown
from crampnet.exceptions import InvalidValueError, hint

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["CONFIDENCE", "Parser", "choice_error", "flush_stdout", "option_before_command", "option_problem", "same_file", "unknown_option"]

#: The options ``crampnet`` takes before its command.
TOP_OPTIONS = ("-h", "--help", "--version")
#: ``interview --confidence``'s default: stop when a condition reaches this posterior.
CONFIDENCE = 0.95
#: What ``--confidence`` takes, said first in each of its errors (as ``--threshold`` says it).
_CONFIDENCE_RANGE = f"--confidence must be a number in (0, 1] (leave it out to stop at {CONFIDENCE}; 0.9 stops sooner, 0.99 later)."


class Parser(argparse.ArgumentParser):
    """An argument parser whose error for a value outside an option's choices is the one line :func:`choice_error` words.

    argparse's own would print the whole usage block before it; every other
    error is argparse's. ``--help`` and ``--version`` that cannot be written
    to the standard output (closed, ``>&-``; full, ``>/dev/full``) are an
    error on stderr with exit code 2 (argparse wrote the help to stderr, or
    dropped it, and exited 0), and a reader that stops early ends it with
    141, as the commands do.
    """

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        """Print the help to ``file``, or to the standard output (exit 2 if it cannot be written there; 141 for a closed pipe).

        Parameters
        ----------
        file : file-like or None, optional
            Where to write the help (default: the standard output).
        """
        if file is None:
            self._to_stdout(self.format_help(), "--help")
        else:
            super().print_help(file)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message and file is sys.stdout:  # --version (argparse passes sys.stdout, None when closed)
            self._to_stdout(message, "--version")
        else:
            super()._print_message(message, file)

    def _to_stdout(self, message: str, option: str) -> None:
        """Write ``message`` to the standard output and flush it; exit 2 (141 for a closed pipe) if it cannot be written."""
        problem = f"the standard output is closed, so {self.prog} {option} has nowhere to write; open it."
        try:
            if sys.stdout is not None:
                sys.stdout.write(message)
                flush_stdout()
                return
        except OSError as err:
            flush_stdout(quiet=True)
            if isinstance(err, BrokenPipeError):  # the reader stopped reading (crampnet --help | head -1)
                sys.exit(141)
            problem = f"{self.prog} {option}: cannot write to the standard output: {err.strerror or err}"
        if sys.stderr is not None:
            sys.stderr.write(f"crampnet: error: {problem}\n")
        sys.exit(2)

    def error(self, message: str) -> NoReturn:
        """Exit 2 with one line ``crampnet: error: ...``: :func:`unknown_option`'s for an unknown option, else argparse's message and where the help is.

        argparse's own printed the usage block, then ``crampnet COMMAND:
        error: ...``, unlike every other error of the command.

        Parameters
        ----------
        message : str
            argparse's message (``unrecognized arguments: ...`` for
            arguments the command does not take, ``argument --top: invalid
            int value: 'abc'``, ``expected one argument``, ...).
        """
        prefix = "unrecognized arguments: "
        options = [a for a in message.removeprefix(prefix).split() if a.startswith("-") and a != "-"] if message.startswith(prefix) else []
        if options:
            known = [o for action in self._actions for o in action.option_strings]
            self.exit(2, f"crampnet: error: {unknown_option(options[0], self.prog, known)}\n")
        command = self.prog.removeprefix("crampnet").strip()
        count = re.fullmatch(r"argument (--[\w-]+): invalid int value: .*", message)
        message += f"; give a whole number, {_LEAST.get(count[1], 0)} or more" if count else ""  # 1.5 or 1e2 for a count
        required = message.removeprefix("the following arguments are required: ").split(", ") if message.startswith("the following arguments are required: ") else []
        names = [str(c) for a in self._actions if isinstance(a, argparse._SubParsersAction) and str(a.metavar or a.dest) in required for c in a.choices or ()]
        if names:  # crampnet with no command: name the commands, not only the placeholder COMMAND
            message = f"give a command: {', '.join(names)}"
        where = f"{self.prog} --help; {self.prog} COMMAND --help for a command's options" if names else f"{self.prog} --help"
        self.exit(2, f"crampnet: error: {f'{command}: ' if command else ''}{message} ({where})\n")

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if action.choices is None or value in action.choices:
            return
        option = max(action.option_strings, key=len) if action.option_strings else str(action.metavar or action.dest)
        self.exit(2, f"crampnet: error: {choice_error(option, value, [str(c) for c in action.choices])}\n")


#: The least value of each option that counts (a negative one, or a chunk of no rows, is an error).
_LEAST = {"--top": 0, "--questions": 0, "--max-questions": 0, "--chunksize": 1}


def flush_stdout(*, quiet: bool = False) -> None:
    """Flush the standard output now, so that a failed write is an error here, not Python's "Exception ignored" at exit.

    If the flush fails (a full disk, a closed pipe), the standard output is
    pointed at the null device, so that what is still buffered goes nowhere
    and the exit adds no second error.

    Parameters
    ----------
    quiet : bool, optional
        Whether to keep the flush's error to itself (default False: it is
        raised).

    Raises
    ------
    OSError
        If the flush fails and not ``quiet``.
    """
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not quiet:
            raise


def choice_error(option: str, value: object, choices: Sequence[str]) -> str:
    """The message for ``value`` given to ``option``, which takes only ``choices``: the valid ones, and the closest.

    Parameters
    ----------
    option : str
        The option, as typed ("--ranking").
    value : object
        The value given.
    choices : Sequence of str
        The values the option takes.

    Returns
    -------
    str
        One line: the option, the value, the choices, and "Did you mean
        ...?" for a choice spelled the same but for case, else the closest.

    Examples
    --------
    >>> choice_error("--format", "BIF", ["bif", "xmlbif"])
    "--format: invalid choice 'BIF'; choose from bif, xmlbif. Did you mean 'bif'?"
    """
    text = str(value)
    same = [c for c in choices if c.lower() == text.lower()]
    close = f" Did you mean {same[0]!r}?" if same else hint(text, choices)
    return f"{option}: invalid choice {show(value)}; choose from {', '.join(choices)}.{close}"


def unknown_option(arg: str, prog: str, known: Sequence[str]) -> str:
    """The message for an option ``arg`` that the command ``prog`` does not take, with the closest of ``known``.

    Parameters
    ----------
    arg : str
        The option as typed (``--jsno``, or ``--jsno=1``).
    prog : str
        The command, as argparse names it (``crampnet diagnose``).
    known : Sequence of str
        The command's option strings, to suggest from.

    Returns
    -------
    str
        One line naming ``arg``, "Did you mean ...?" with the closest
        options, and where to find them all; for ``--network`` or
        ``--population`` given to ``warm-up``, why it takes neither.

    Examples
    --------
    >>> unknown_option("--jsno", "crampnet diagnose", ["-h", "--help", "--json", "--top"])
    "unknown option '--jsno' for crampnet diagnose. Did you mean '--json'? (crampnet diagnose --help lists its options)"
    """
    name = arg.split("=", 1)[0]
    if prog.endswith(" warm-up") and name in ("--network", "--population"):
        return f"{prog} takes no {name}: the inference kernel it compiles is the same for every network and population."
    return f"unknown option {show(arg)} for {prog}.{hint(name, known)} ({prog} --help lists its options)"


def option_before_command(arg: str, commands: Sequence[str]) -> str:
    """The message for an option ``arg`` given before the command that ``crampnet`` does not take there (``""`` if it does).

    Parameters
    ----------
    arg : str
        The first argument, which starts with ``-``.
    commands : Sequence of str
        The commands, to list.

    Returns
    -------
    str
        ``""`` for ``-h``, ``--help`` and ``--version`` (or an abbreviation
        of these, as argparse reads them); else one line naming ``arg``.

    Examples
    --------
    >>> option_before_command("--vers", ["diagnose"])
    ''
    >>> option_before_command("-x", ["diagnose"])
    "unknown option '-x'; before the command crampnet takes only -h, --help and --version, and a command's own options come after it (crampnet COMMAND --help). Commands: diagnose."
    """
    name = arg.split("=", 1)[0]
    if name in TOP_OPTIONS or (name.startswith("--") and len(name) > 2 and any(o.startswith(name) for o in TOP_OPTIONS)):
        return ""
    return f"unknown option {show(arg)}; before the command crampnet takes only -h, --help and --version, and a command's own options come after it (crampnet COMMAND --help).{hint(name, TOP_OPTIONS)} Commands: {', '.join(commands)}."


def same_file(first: str, second: str) -> bool:
    """Whether the two names are one existing file (by any path or link); False if either cannot be looked at.

    Parameters
    ----------
    first, second : str
        The two file names.

    Returns
    -------
    bool
        True if both exist and are the same file (:func:`os.path.samefile`).
    """
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _percent_text(text: str, option: str) -> tuple[float, str | None]:
    """The number a probability option's text writes (NaN if none) and, for text ending in ``%``, what to give instead.

    Parameters
    ----------
    text : str
        The option's value as typed, stripped.
    option : str
        The option's name, for the hint (``--threshold``).

    Returns
    -------
    tuple of (float, str or None)
        The number (of ``5%``: 5); the hint for a percentage (``" 5% is 0.05: give --threshold 0.05."``,
        ``""`` when none fits), or None when the text is no percentage and is checked as a number.
    """
    number = math.nan
    with contextlib.suppress(ValueError):
        number = float(text.removesuffix("%")) if "_" not in text else math.nan  # float() reads 1_0 as 10
    if not text.endswith("%"):
        return number, None
    return number, (f" {text} is {number / 100:.15g}: give {option} {number / 100:.15g}." if 0 < number <= 100 else "")  # the number it means, not taken as written


def _threshold_problem(args: argparse.Namespace) -> str:
    """Read ``--threshold`` as the number it writes (``args.threshold`` becomes a float), or say what is wrong with it.

    Checked as the Python argument is (``check_threshold``: a number in (0, 1]), with its hint for a
    percentage (``5`` or ``5%`` for 0.05) or a number of another form.

    Parameters
    ----------
    args : argparse.Namespace
        The options as parsed, with ``threshold`` the text given.

    Returns
    -------
    str
        One line naming the value as typed and what is valid; ``""`` if it is fine.
    """
    from crampnet.reasoning._flag_args import check_threshold, probability_hint

    number, hint = _percent_text(str(args.threshold).strip(), "--threshold")
    if hint is None:
        with contextlib.suppress(InvalidValueError):
            args.threshold = check_threshold(number, subject="--threshold")
            return ""
        hint = probability_hint(number)
    return f"--threshold must be a number in (0, 1] (leave it out for each condition's testing threshold). Got {show(str(args.threshold))} instead.{hint}"


def _confidence_problem(args: argparse.Namespace) -> str:
    """What is wrong with ``--confidence`` (``""`` if nothing); ``args.confidence`` becomes the float.

    Parameters
    ----------
    args : argparse.Namespace
        The options as parsed, with ``confidence`` the text given (or the default float).

    Returns
    -------
    str
        One line naming the value as typed, with the percentage hint of
        ``--threshold`` (``95`` and ``95%`` read as 95%); ``""`` if it is fine.
    """
    from crampnet.reasoning._flag_args import probability_hint

    text = str(args.confidence).strip()
    number, hint = _percent_text(text, "--confidence")
    if hint is not None:
        return f"{_CONFIDENCE_RANGE} Got {show(text)}.{hint}"
    if not (math.isfinite(number) and 0 < number <= 1):
        shown = f"{number:.15g}" if not math.isnan(number) or text.lower().lstrip("+-") == "nan" else show(text)
        if math.isinf(number) and text.lower().lstrip("+-") not in ("inf", "infinity"):  # 1e999: as typed, not "inf"
            shown = f"{show(text)}, beyond the largest number a float holds"
        return f"{_CONFIDENCE_RANGE} Got {shown}.{probability_hint(number)}"  # 95: reads as 95%, as --threshold 5 does
    args.confidence = number
    return ""


def option_problem(args: argparse.Namespace) -> str:
    """What is wrong with the options' values (``""`` if nothing); ``-o -`` becomes standard output.

    Parameters
    ----------
    args : argparse.Namespace
        The options as parsed; ``output`` is set to None for ``-o -``.

    Returns
    -------
    str
        One line: a number out of range, an empty file name, ``-`` for a
        network, case or ``--save`` file (a stream elsewhere), an ``-o`` that
        names a file the command reads, or a closed standard output with
        nowhere else to write; ``""`` if the options are fine.
    """
    for option, least in _LEAST.items():
        name = option.removeprefix("--").replace("-", "_")
        value = getattr(args, name, least)
        if value < least:
            return f"{option} must be at least {least}. Got {value}."
    if hasattr(args, "confidence"):
        problem = _confidence_problem(args)
        if problem:
            return problem
    if getattr(args, "threshold", None) is not None:
        problem = _threshold_problem(args)
        if problem:
            return problem
    for name in ("network", "case", "save", "output"):  # an empty name (an unset shell variable) would be read as no file
        if getattr(args, name, None) == "":
            return f"--{name} is empty; give the name of a file{' (or - for standard output)' if name == 'output' else ''}."
    for name, what, stream in (("network", "the network", "input"), ("case", "the case", "input"), ("save", "the case", "output")):  # - is a stream for -o and score only
        if getattr(args, name, None) == "-":
            return f"--{name} -: {what} is {'read from' if stream == 'input' else 'saved to'} a file, not the standard {stream}; give the file's name (./- for a file named -)."
    if getattr(args, "output", None) == "-":
        args.output = None
    for name, what in (("cohort", "the cohort CSV"), ("case", "the case file"), ("network", "the network file")):  # written whole, then renamed over what was read
        source, output = getattr(args, name, None), getattr(args, "output", None)
        if source and output and source != "-" and same_file(source, output):
            return f"{shown(output)}: -o names {what} that crampnet {args.command} reads; writing it would replace it. Give another file name."
    if sys.stdout is None and getattr(args, "output", None) is None:  # closed (>&-): print() would drop every line
        return f"the standard output is closed, so crampnet {args.command} has nowhere to write; open it{', or give -o FILE' if hasattr(args, 'output') else ''}."
    return ""
