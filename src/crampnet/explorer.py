"""Explore a case in Jupyter: one control per finding; the differential, flags and next questions redrawn as you answer.

:func:`explore` returns an :class:`Explorer`, an ipywidgets form (the
``explorer`` extra: ``pip install "crampnet[explorer]"``; ipywidgets is
imported only here, when the form is made). It has one drop-down per
finding and context node, "not asked" first, then the node's states (for
a numeric node its bands, as the vocabulary gives them, the unit in its
label: "Age group (years)", ``65_plus: 65 or over``). Conditions are not controls. The controls sit on four tabs
(:func:`control_groups`): context and risk factors, then the findings in
the groups the question ranking asks them in
(:func:`crampnet.reasoning.questions.cost_of`): history, examination, and
tests (laboratory tests and the ankle-brachial index).

Every answer, and every answer taken back, redraws at once, from a new
:class:`~crampnet.Diagnosis` of the answered controls:

- the diagnosis (:func:`crampnet.reasoning.html.diagnosis_html`, what a
  notebook shows for ``dx``): the red flags first, the differential with a
  bar per probability and its legend, and the table of every must-not-miss
  condition, always shown;
- the ``questions`` best next questions (:meth:`~crampnet.Diagnosis.next_questions`,
  by default 5; ``questions=0`` leaves them out). They take a few tenths of
  a second on the shipped network, so the status line reads "computing ..."
  until both parts are drawn; evidence the network finds impossible is
  reported there and the previous diagnosis stays.

Nothing here computes a probability: it lays out what a diagnosis holds.

Examples
--------
>>> import crampnet
>>> from crampnet.explorer import explore
>>> ex = explore(crampnet.load(), {"age": 72}, questions=0)
>>> ex.controls["age_group"].value
'65_plus'
>>> ex.controls["urge_to_move"].value = "yes"        # what a click does
>>> ex.evidence
{'age_group': '65_plus', 'urge_to_move': 'yes'}
>>> ex.diagnosis.differential == crampnet.load().diagnose({"age": 72, "urge_to_move": True}).differential
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from crampnet._arguments import check_case, optional_module
from crampnet.exceptions import CrampnetError, EvidenceTypeError, InvalidValueError
from crampnet.network.describe import band_ranges
from crampnet.network.evidence import describe, normalise, resolve_id, show
from crampnet.reasoning.diagnosis import diagnose
from crampnet.reasoning.html import NO_MATH, STYLESHEET, diagnosis_html, population_phrase
from crampnet.reasoning.questions import cost_of

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel
    from crampnet.network.records import Node
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["EXTRA", "GROUPS", "NOT_ASKED", "Explorer", "control_groups", "explore", "options", "questions_html"]

#: How to install what the explorer needs.
EXTRA = 'pip install "crampnet[explorer]"'
#: The tabs of the form, in order, with their titles.
GROUPS = {"context": "Context and risk factors", "history": "History", "examination": "Examination", "tests": "Tests"}
#: The label of the first option of every control: the node is not observed.
NOT_ASKED = "not asked"


def _widgets() -> ModuleType:
    """ipywidgets, or an ImportError that names the extra."""
    return optional_module("ipywidgets", "The crampnet explorer", "explorer")


def control_groups(model: BaseModel) -> dict[str, list[str]]:
    """The node ids on each tab of the form, in network order.

    Context nodes go to ``context``; each finding to the group
    :func:`~crampnet.reasoning.questions.cost_of` gives it, with laboratory
    tests and the ankle-brachial index together as ``tests``. Conditions
    have no control.

    Parameters
    ----------
    model : BaseModel
        The model the form is for.

    Returns
    -------
    dict of str to list of str
        The keys of :data:`GROUPS` (``context``, ``history``,
        ``examination``, ``tests``), in that order, each to its node ids.

    Examples
    --------
    >>> import crampnet
    >>> groups = control_groups(crampnet.load())
    >>> list(groups)
    ['context', 'history', 'examination', 'tests']
    >>> "malignancy" in groups["context"], "calf_tenderness" in groups["examination"], "ferritin" in groups["tests"]
    (True, True, True)
    """
    groups: dict[str, list[str]] = {key: [] for key in GROUPS}
    for nid in model.spec.order:
        role = model.spec.nodes[nid].role
        if role == "context":
            groups["context"].append(nid)
        elif role == "finding":
            kind = cost_of(nid)[0]
            groups["tests" if kind in ("lab", "abi") else kind].append(nid)
    return groups


def options(node: Node) -> list[tuple[str, str | None]]:
    """The options of a node's control: ``("not asked", None)``, then one ``(label, state)`` per state.

    A numeric node's labels give each band's range (its control's label gives the unit).

    Parameters
    ----------
    node : Node
        The node of the control.

    Returns
    -------
    list of tuple
        ``(label, state)`` pairs: first :data:`NOT_ASKED` with None, then
        each state in the node's order, labelled ``"state: range"`` where
        the node has numeric bands and by the state name otherwise.

    Examples
    --------
    >>> import crampnet
    >>> spec = crampnet.load().spec
    >>> options(spec.nodes["tsh"])
    [('not asked', None), ('low: under 0.4', 'low'), ('normal: 0.4 to 4.5', 'normal'), ('high: over 4.5', 'high')]
    >>> options(spec.nodes["urge_to_move"])
    [('not asked', None), ('yes', 'yes'), ('no', 'no')]
    """
    ranges = dict(band_ranges(node.bands)) if node.bands else {}
    return [(NOT_ASKED, None)] + [(f"{s}: {ranges[s]}" if s in ranges else s, s) for s in node.states]


def _label(node: Node) -> str:
    """A control's label: the node's, with its unit if it has one."""
    label = node.label or node.id
    return f"{label} ({node.unit})" if node.unit and node.bands else label


def _states(model: BaseModel, case: Mapping[str, object] | None) -> dict[str, str]:
    """``case`` as one state per node id, or an error saying why a control cannot show an entry."""
    check_case(case, "case", "explore")
    if case is None:
        return {}
    spec = model.spec
    given = {}  # node id to what the case gave for it, for the message
    for key in case:
        nid = resolve_id(spec, key)
        given[nid] = case[key]
        if spec.nodes[nid].role == "condition":
            msg = f"The explorer has no control for the condition {nid!r}: it shows conditions, it does not take them as answers. Leave {key!r} out of the case."
            raise InvalidValueError(msg)
    out = {}
    for nid, vec in normalise(spec, case, entailed=False).items():
        state = describe(spec, nid, vec)
        if state not in spec.nodes[nid].states:
            msg = f"The explorer's controls take one state per node; {nid!r} was given soft evidence ({show(given.get(nid, state))}). Give one of {', '.join(spec.nodes[nid].states)}."
            raise EvidenceTypeError(msg)
        out[nid] = state
    return out


class Explorer:
    """An ipywidgets form over a model; make it with :func:`explore`.

    Jupyter shows it as the form (``widget``). Setting a control's
    ``value`` (a state, or None for "not asked") is what a click does.

    Attributes
    ----------
    model : BaseModel
        The model the form asks about.
    controls : dict of str to ipywidgets.Dropdown
        One drop-down per finding and context node, by node id.
    tabs : ipywidgets.Tab
        The controls on the tabs of :data:`GROUPS`.
    status, differential, next_questions : ipywidgets.HTML
        What the form shows: the status line, the diagnosis (red flags,
        differential, must-not-miss table), the next questions.
    widget : ipywidgets.VBox
        The whole form.
    diagnosis : Diagnosis
        The diagnosis of the answered controls.
    questions : pandas.DataFrame or None
        Its next questions, None when ``questions=0``.
    """

    def __init__(self, model: BaseModel, case: Mapping[str, object] | None = None, *, questions: int = 5) -> None:
        if isinstance(questions, bool) or not isinstance(questions, int) or questions < 0:
            msg = f"The 'questions' argument of explore must be a non-negative int. Got {show(questions)} ({type(questions).__name__}) instead."
            raise InvalidValueError(msg)
        start = _states(model, case)
        w = _widgets()
        self.model, self._n = model, questions
        self._groups = control_groups(model)
        self.controls: dict[str, Any] = {}
        for nid in (n for ids in self._groups.values() for n in ids):
            node = model.spec.nodes[nid]
            self.controls[nid] = w.Dropdown(
                options=options(node), value=start.get(nid), description=_label(node), description_allow_html=False,
                tooltip=node.description or None, style={"description_width": "55%"}, layout=w.Layout(width="98%"),
            )  # fmt: skip
        self.tabs = w.Tab(children=[w.VBox([self.controls[n] for n in ids]) for ids in self._groups.values()])
        clear = w.Button(description="Clear all answers", icon="eraser")
        clear.on_click(lambda _: self.clear())
        self.status = w.HTML()
        self.differential = w.HTML()
        self.next_questions = w.HTML()
        title = w.HTML(f'<div class="crampnet {NO_MATH}"><style>{STYLESHEET}</style><strong>{html.escape(model.spec.title or model.spec.name)}</strong>, '
                       f"probabilities {html.escape(population_phrase(model))}. crampnet supports clinical reasoning; it does not replace it.</div>")  # fmt: skip
        left = w.VBox([self.tabs, clear], layout=w.Layout(width="42%"))
        right = w.VBox([self.status, self.differential, self.next_questions], layout=w.Layout(width="58%"))
        self.widget = w.VBox([title, w.HBox([left, right])])
        self.diagnosis: Diagnosis = diagnose(model, start)
        self.questions: pd.DataFrame | None = None
        self._hold = False
        self._update()
        for control in self.controls.values():
            control.observe(lambda _: self._update(), names="value")

    @property
    def evidence(self) -> dict[str, str]:
        """The answered controls: node id to state, in network order."""
        return {nid: self.controls[nid].value for nid in self.model.spec.order if nid in self.controls and self.controls[nid].value is not None}

    def clear(self) -> None:
        """Set every control back to "not asked" and redraw once."""
        self._hold = True
        try:
            for control in self.controls.values():
                control.value = None
        finally:
            self._hold = False
        self._update()

    def _update(self) -> None:
        if self._hold:
            return
        evidence = self.evidence
        answered = {k: sum(n in evidence for n in ids) for k, ids in self._groups.items()}
        self.tabs.titles = tuple(f"{GROUPS[k]} ({answered[k]}/{len(ids)})" for k, ids in self._groups.items())
        self.status.value = _status(f"computing the diagnosis ({len(evidence)} answered) ...", "busy")
        try:
            dx = diagnose(self.model, evidence)
            shown = diagnosis_html(dx)
        except CrampnetError as err:  # impossible evidence: say so, keep the last diagnosis
            self.status.value = _status(f"Not updated: {err}", "error")
            return
        self.diagnosis, self.differential.value = dx, shown
        if self._n:
            self.status.value = _status(f"computing the next {self._n} questions ...", "busy")
            self.questions = dx.next_questions(self._n)
            self.next_questions.value = questions_html(self.model, self.questions)
        self.status.value = _status(f"Up to date: {len(evidence)} of {len(self.controls)} answered.", "done")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


_STATUS = {"busy": "#806000", "error": "#aa0000", "done": "#4a8a4a"}


def _status(text: str, kind: str) -> str:
    return f'<div class="crampnet-status crampnet-status-{kind} {NO_MATH}" style="border-left:5px solid {_STATUS[kind]};padding:2px 8px">{html.escape(text)}</div>'


def questions_html(model: BaseModel, table: pd.DataFrame) -> str:
    """The next questions as an HTML table: question, group, chance of changing a decision, information, about.

    Parameters
    ----------
    model : BaseModel
        The model, for the labels of the conditions.
    table : pandas.DataFrame
        A table of :func:`crampnet.reasoning.questions.next_questions`, in
        its order.

    Returns
    -------
    str
        A ``<div class="crampnet ...">`` (with
        :data:`~crampnet.reasoning.html.NO_MATH`: a "$" in a label is no TeX) holding one table, a row per question:
        its label and id, its group (``kind``), the chance its answer
        changes a decision (whole percent), its information gain (bits, three
        decimals) and the label of the condition it tells most about. Every
        text is escaped. An empty ``table`` gives a sentence saying nothing
        is left to ask.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> table = model.diagnose({"muscle_cramps": True}).next_questions(3)
    >>> page = questions_html(model, table)
    >>> page.count("<tr>") == 4 and html.escape(table["label"].iloc[0]) in page
    True
    """
    esc = html.escape
    if table.empty:  # an empty table reads as a rendering fault
        return f'<div class="crampnet {NO_MATH}"><p class="crampnet-legend">Next questions: nothing is left to ask, every question of the network is answered.</p></div>'
    rows = "".join(
        f"<tr><td>{esc(str(row['label']))}<br><code>{esc(str(nid))}</code></td><td>{esc(str(row['kind']))}</td>"
        f'<td class="num">{float(row["decision"]):.0%}</td><td class="num">{float(row["information_gain"]):.3f}</td>'
        f"<td>{esc(model.spec.nodes[str(row['about'])].label if row['about'] else '')}</td></tr>"
        for nid, row in table.iterrows()
    )
    return (
        f'<div class="crampnet {NO_MATH}"><table class="crampnet-next-questions"><caption>Next questions: what the answer can change, then what it tells</caption>'
        "<thead><tr><th>question</th><th>group</th><th>changes a decision</th><th>information (bits)</th><th>tells most about</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def explore(model: BaseModel, case: Mapping[str, object] | None = None, *, questions: int = 5) -> Explorer:
    """An ipywidgets form to explore a case: answer the findings, watch the differential, flags and questions.

    Parameters
    ----------
    model : BaseModel
        The model to ask (e.g. ``crampnet.load()``).
    case : mapping, optional
        Answers to start from, as for :meth:`crampnet.Model.diagnose`
        (numbers fall in their bands); conditions and soft evidence have
        no control and are refused.
    questions : int, default=5
        How many next questions to show; 0 shows none (and skips their cost).

    Returns
    -------
    Explorer
        The form; the last line of a notebook cell shows it.

    Raises
    ------
    ModuleNotFoundError
        If ipywidgets is not installed; the message says ``pip install "crampnet[explorer]"``.
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        For a bad ``case``, a condition or soft evidence in it, or a bad ``questions``.
    ImpossibleEvidenceError
        If ``case`` has probability zero (answers given later are reported
        on the status line instead, and the last diagnosis stays).

    Examples
    --------
    >>> import crampnet
    >>> ex = explore(crampnet.load(), {"calf_tenderness": True, "malignancy": True}, questions=0)
    >>> "Wells score 2" in ex.differential.value
    True
    """
    return Explorer(model, case, questions=questions)
