"""The ``crampnet`` command's argument parser: every command's options and their help.

:func:`parsers` builds it; :mod:`crampnet.cli` runs what it reads, and the
documentation's CLI page is generated from it (``crampnet.cli._parser``).
The values the options take are checked after parsing, in
:mod:`crampnet.cli`.
"""

from __future__ import annotations

import argparse
import sys

from crampnet._cli_options import CONFIDENCE, Parser
from crampnet._cli_output import NOTE
from crampnet._files import shown

__all__ = ["CONFIDENCE", "MAX_QUESTIONS", "QUESTION_ORDERS", "TOP", "parsers"]

#: The orders of ``--questions-by``: those of :func:`crampnet.reasoning.questions.next_questions` (``BY``),
#: spelled out so that the parser does not import the reasoning layer (tests/test_cli.py checks they agree).
QUESTION_ORDERS = ("decision", "information", "value")
#: The default of ``interview --max-questions``, which counts the questions of a resumed case too.
MAX_QUESTIONS = 10
#: The defaults of ``interview --confidence`` and ``--top`` (the resume command gives them when they differ).
TOP = 5


class _Once(argparse.Action):
    """An option that takes one value: given twice, it is an error naming both values (argparse would keep the last, dropping the first without a word)."""

    #: What the error says to do.
    advice = "give it once."

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None) -> None:
        """Set the option, or exit 2 with one line if it is set already.

        Parameters
        ----------
        parser : argparse.ArgumentParser
            The parser reading the option.
        namespace : argparse.Namespace
            Where the option's value goes (and, under ``_given_once``, the
            options set so far, as typed, with their values).
        values : object
            The value given.
        option_string : str or None, optional
            The option as typed.
        """
        given: dict[str, tuple[str | None, object]] = vars(namespace).setdefault("_given_once", {})
        if self.dest in given:
            first, before = given[self.dest]
            name = option_string if first == option_string else f"{max(self.option_strings, key=len)} (as {first} and {option_string})"
            parser.exit(2, f"crampnet: error: {name} is given twice ({shown(str(before))} and {shown(str(values))}); {self.advice}\n")
        given[self.dest] = (option_string, values)
        setattr(namespace, self.dest, values)


class _OneCase(_Once):
    """``--case``, which takes one file: given twice, it is an error naming both (the first file's evidence would be dropped)."""

    advice = "give one case file, and add to it or override it with node=value pairs."


def parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command's parser, and each sub-command's by name.

    Returns
    -------
    tuple of (argparse.ArgumentParser, dict of str to argparse.ArgumentParser)
        The ``crampnet`` parser, and the parser of each command in
        :data:`crampnet.cli.COMMANDS` by name (``main`` reads a command's
        arguments again with its own when they are intermixed).
    """
    common = Parser(add_help=False)
    common.add_argument("--network", action=_Once, default=None, help="a network file (default: the shipped one)")
    common.add_argument("--population", action=_Once, default=None, help="a population preset (default: the network's own; for the shipped one, adults presenting with a leg complaint)")
    case = Parser(add_help=False)
    case.add_argument("evidence", nargs="*", help="node=value pairs, e.g. urge_to_move=yes ferritin=30")
    case.add_argument("--case", default=None, action=_OneCase, help="a JSON file with the case (node id to value), or a case saved by interview --save")
    asking = Parser(add_help=False)
    asking.add_argument(
        "--questions-by", action=_Once, default="decision", choices=list(QUESTION_ORDERS),
        help="order of the next questions: decision (default: the chance the answer changes the most probable condition or a must-not-miss testing decision), information (expected information gain) or value (expected value of the answer)",
    )  # fmt: skip
    asking.add_argument("--staged", action="store_true", help="ask history first, then examination, then tests (each stage in the --questions-by order)")
    flagging = Parser(add_help=False)
    flagging.add_argument("--threshold", action=_Once, default=None, metavar="P", help="one testing threshold in (0, 1], e.g. 0.05, for every must-not-miss condition: its red flag is raised at or above P (default: each condition's own threshold)")
    parser = Parser(prog="crampnet", description="Bayesian differential diagnosis of leg cramps. " + NOTE)
    parser.add_argument("--version", action=_Version, nargs=0, help="show crampnet's version and the shipped network's (name, version, SHA-256 of its file), then exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    diag = sub.add_parser("diagnose", parents=[common, case, asking, flagging], help="red flags, ranked differential and next questions for a case")
    diag.add_argument("--example", action="store_true", help="start from the built-in example case")
    diag.add_argument("--top", action=_Once, type=int, default=10, help="how many conditions the text lists (default 10; the must-not-miss ones are always listed too); --json lists every condition, so that a script reading it gets the whole differential")
    diag.add_argument("--questions", action=_Once, type=int, default=5, help="how many next questions to list (default 5)")
    diag.add_argument("--ranking", action=_Once, default="counterfactual", choices=["counterfactual", "disablement", "sufficiency", "posterior"], help="order of the differential (default: counterfactual, which is expected disablement, as is disablement: how many observed findings would go away if the condition alone were cured; sufficiency: how many of them it alone would still produce if every other condition were cured; posterior: probability)")
    diag.add_argument("--json", action="store_true", help="print JSON")
    inter = sub.add_parser("interview", parents=[common, case, asking, flagging], help="ask the next best question, one at a time (--save and --case to resume)", description="Ask the next best question one at a time: answer yes, no, a state, a number, skip, back (take back the last answer), ? (what the question takes) or quit. It stops at --max-questions, at --confidence, when no question is left, or at quit or the end of input, and then prints the red flags and the final differential. --case resumes a case saved with --save (or starts from a plain case file).")
    inter.add_argument("--max-questions", action=_Once, type=int, default=MAX_QUESTIONS, help=f"stop once this many questions are asked, those of a case resumed with --case included (default {MAX_QUESTIONS})")
    inter.add_argument("--confidence", action=_Once, default=CONFIDENCE, help=f"stop when a condition reaches this posterior (default {CONFIDENCE})")  # read by option_problem: 95%% gets the hint --threshold 5%% gets
    inter.add_argument("--top", action=_Once, type=int, default=TOP, help=f"how many conditions to show after each answer and at the end (default {TOP})")
    inter.add_argument("--choose", action="store_true", help="list the top five questions to choose from (type 1-5), or answer the first")
    inter.add_argument("--save", action=_Once, default=None, metavar="FILE", help="write the case (answers, skipped questions, network, population) to FILE after every answer; resume with --case FILE. FILE is a new file or a case saved before: any other file is left alone (an error)")
    rep = sub.add_parser("report", parents=[common, case, flagging], help="write the markdown or HTML report")
    rep.add_argument("--example", action="store_true", help="start from the built-in example case")
    rep.add_argument("-o", "--output", action=_Once, default=None, help="the file to write (default, or -: stdout); .html means HTML")
    rep.add_argument("--format", action=_Once, default=None, choices=["markdown", "html"], help="markdown or html (default: html for an -o FILE ending .html or .htm, else markdown); one that the -o suffix contradicts (.md, .html) is an error")
    exp = sub.add_parser("export", parents=[common], help="write the network as BIF, XMLBIF, XDSL or UAI")
    exp.add_argument("--format", action=_Once, default=None, choices=["bif", "xmlbif", "xdsl", "uai"], help="the file format (default: from the -o suffix); one that a known -o suffix contradicts (.bif, .xmlbif, .xml, .xdsl, .uai) is an error")
    exp.add_argument("-o", "--output", action=_Once, default=None, help="the file to write (default, or -: stdout)")
    score = sub.add_parser("score", parents=[common, flagging], help="score a CSV of cases (one per row, one column per node): each condition's posterior and the row's red flags")
    score.add_argument("cohort", help="the CSV file ('-' for stdin): a header of node ids, then one case per row; columns separated by commas, or by ';', tabs or '|' (a header with no comma holding exactly one of them); empty cells are unobserved")
    score.add_argument("-o", "--output", action=_Once, default=None, help="the CSV to write (default, or -: stdout)")
    score.add_argument("--chunksize", action=_Once, type=int, default=10_000, help="rows read and scored at a time (default 10000)")
    score.add_argument("--index-col", action=_Once, default=None, help="a column that identifies the cases (default: row number)")
    score.add_argument("--no-progress", action="store_true", help="no progress bar on stderr (it is drawn only when stderr is a terminal, so a log file or a pipe never gets one)")
    desc = sub.add_parser("describe", parents=[common], help="what a node means, its states, bands, parents, children and the sources of its numbers")
    desc.add_argument("node", nargs="?", help="a node id or alias, e.g. ferritin or age; without one, every id by role")
    warm = sub.add_parser("warm-up", help="compile the inference kernel now (or load it from numba's cache) so later runs start on it", description="Compile the inference kernel now (or load it from numba's cache) so that later runs start on it. The kernel is the same for every network and population, so warm-up takes no --network or --population.")
    return parser, {"diagnose": diag, "interview": inter, "report": rep, "export": exp, "score": score, "describe": desc, "warm-up": warm}


class _Version(argparse.Action):
    """``--version``: crampnet's version, and the shipped network's name, version and digest (loaded only when asked)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None) -> None:
        """Print the two lines on stdout and exit 0.

        Parameters
        ----------
        parser : argparse.ArgumentParser
            The parser reading the option.
        namespace : argparse.Namespace
            Unused.
        values : object
            Unused (the option takes none).
        option_string : str or None, optional
            The option as typed.
        """
        from crampnet._load import load
        from crampnet._version import __version__

        stamp = load().spec.stamp()
        parser._print_message(f"crampnet {__version__}\nnetwork {stamp['name']} {stamp['version']} (shipped; SHA-256 of its file {stamp['digest']})\n", sys.stdout)  # as argparse's own version action
        parser.exit(0)
