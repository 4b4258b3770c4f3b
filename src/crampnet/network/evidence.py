"""Check evidence and turn it into likelihood vectors.

Evidence maps node ids (or an alias such as ``age``) to a state name
(in any case; ``"yes"``/``"no"`` words too where booleans are taken, as
the command line reads them: :func:`typed_state`),
``True``/``False`` (see :func:`truth_states`), a number (for nodes with
numeric bands, e.g. ``ferritin``), or a mapping ``{state: likelihood}``
(soft evidence). Anything else is an error that says what was given and
what is allowed; nothing is silently dropped.

Every likelihood vector made here, and in :mod:`crampnet.network.batch`,
comes from :func:`state_vector`, which scales it (:func:`scaled`) so that
its largest entry is 1: posteriors do not depend on the scale, floating
point does (``1e308`` overflows, ``1e-160`` squared underflows). So
``log P(evidence)`` reads each vector's largest likelihood as 1.

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import normalise
>>> spec = crampnet.load().spec
>>> normalise(spec, {"ferritin": 32, "age": 70})["ferritin"].tolist()
[1.0, 0.0]
>>> normalise(spec, {"urge_to_move": {"yes": 1e308, "no": 5e307}})["urge_to_move"].tolist()
[1.0, 0.5]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    ImpossibleEvidenceError,
    InvalidValueError,
    UnknownNodeError,
    did_you_mean,
)
from crampnet.network._entered import describe, entered
from crampnet.network._exact import on_its_side
from crampnet.network._units import number_alone
from crampnet.network._values import (
    as_float,
    band,
    scaled,
    show,
    state_vector,
    truth_states,
    truth_word,
    typed_number,
    typed_state,
)
from crampnet.network.entailment import entail
from crampnet.network.spec import NetworkSpec, Node

__all__ = ["CLI_IDS_HINT", "IDS_HINT", "as_float", "band", "check_bool", "conjunction", "describe", "entered", "interpret", "normalise", "resolve_id", "scaled", "show", "state_vector", "truth_states", "truth_word", "typed_number", "typed_state"]

#: Where an unknown node's error points when no id is close; the command line says ``CLI_IDS_HINT`` instead.
IDS_HINT = " See model.findings, model.conditions and model.context for the ids (on the command line: crampnet describe)."
#: The command line's :data:`IDS_HINT`: a person at the terminal has no ``model``.
CLI_IDS_HINT = " Run crampnet describe to list the node ids."


def check_bool(value: object, name: str, where: str) -> bool:
    """``value`` as a bool, or an error naming argument ``name`` of ``where``: a switch is never read by truthiness ("no" is true).

    Parameters
    ----------
    value : object
        What the caller gave (a bool or a numpy bool).
    name, where : str
        The argument and the function it was given to, for the message.

    Returns
    -------
    bool
        ``value`` as a plain bool.

    Raises
    ------
    EvidenceTypeError
        If ``value`` is not a bool.
    """
    if not isinstance(value, bool | np.bool_):
        msg = f"The {name!r} argument of {where} must be True or False. Got {show(value)} ({type(value).__name__}) instead."
        raise EvidenceTypeError(msg)
    return bool(value)


def resolve_id(spec: NetworkSpec, key: object, what: str = "evidence", *, among: Collection[str] | None = None) -> str:
    """The node id that ``key`` names (an id or an alias).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    key : object
        What the user gave as a node name.
    what : str, default="evidence"
        Where ``key`` was given, for the messages.
    among : collection of str, optional
        The ids the argument takes (such as ``model.conditions``): "Did you
        mean ...?" then suggests only these (by id or alias), and lists
        them when none is close. Another node is still returned (the
        caller says why it is refused).

    Returns
    -------
    str
        ``key`` itself if it is a node id, else the id of the node that has
        it among its aliases.

    Raises
    ------
    EvidenceTypeError
        If ``key`` is not a string.
    UnknownNodeError
        If no node has that id or alias; the message suggests the closest.
    """
    if not isinstance(key, str):
        msg = f"Node ids in {what} must be strings. Got {show(key)} ({type(key).__name__}) instead."
        raise EvidenceTypeError(msg)
    if key in spec.nodes:
        return str(key)  # a str subclass (numpy's str_) made plain, for the ids shown and stored
    for node in spec.nodes.values():
        if key in node.aliases:
            return node.id
    wanted = [n for n in spec.nodes.values() if among is None or n.id in among]
    names = [n.id for n in wanted] + [a for n in wanted for a in n.aliases]
    close = did_you_mean(key, names)
    listed = f" Valid ids: {', '.join(n.id for n in wanted)}." if among is not None else IDS_HINT
    hint = " Did you mean " + " or ".join(repr(c) for c in close) + "?" if close else listed
    msg = f"Unknown node {show(key)} in {what}.{hint}"
    raise UnknownNodeError(msg, key, close)


def normalise(spec: NetworkSpec, evidence: object, what: str = "evidence", *, sets: bool = False, entailed: bool = True) -> dict[str, np.ndarray]:
    """Check ``evidence`` and return one likelihood vector per observed node.

    Each vector is :func:`state_vector`'s, so its largest entry is 1.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    evidence : mapping or None
        Node id (or alias) to value; ``None`` means no evidence.
    what : str, default="evidence"
        The argument's name, used in messages.
    sets : bool, default=False
        Read mappings as sets of states, weights 0 or 1 (an event), not
        as soft evidence. Evidence (not an event) is then reduced by the
        file's entailments (:func:`crampnet.network.entailment.entail`): a
        finding implied by another observed one is left out, its
        information being counted with the finding that implies it.
    entailed : bool, default=True
        Apply that reduction (and its check); ``False`` reads the entries
        as given, for displays of what was entered.

    Returns
    -------
    dict of str to numpy.ndarray
        Node id to likelihood vector over the node's states.

    Raises
    ------
    EvidenceTypeError
        If ``evidence`` is not a mapping, or a value has the wrong type.
    UnknownNodeError, InvalidStateError, InvalidValueError
        For an unknown id, a state the node does not have, or a bad number;
        InvalidValueError also for a node given twice (its id and an alias).
    ImpossibleEvidenceError
        For a finding observed positive beside a state it rules out of a
        finding it implies.
    """
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        msg = f"The {what!r} argument must be a mapping of node id to state, e.g. {{'urge_to_move': True}}. Got {show(evidence)} ({type(evidence).__name__}) instead."
        raise EvidenceTypeError(msg)
    out: dict[str, np.ndarray] = {}
    given: dict[str, str] = {}
    for key, value in evidence.items():
        nid = resolve_id(spec, key, what)
        if nid in out:  # as a DataFrame's columns and the command line: a node is given once, whatever the values
            msg = f"{what} gives {nid} twice (as {given[nid]!r} and {str(key)!r}); give each node once."
            raise InvalidValueError(msg)
        out[nid] = state_vector(spec.nodes[nid], value, sets=sets, name=str(key))
        given[nid] = str(key)
    if entailed and not sets:
        entail(spec, out)  # a finding the file says another implies is counted once (crampnet.network.entailment)
    return out


def conjunction(spec: NetworkSpec, given: Mapping[str, np.ndarray], event: object) -> dict[str, np.ndarray]:
    """``given``'s vectors times the event's 0/1 sets, reduced by the file's entailments (all zeros if they forbid it).

    The ratio of the two probabilities of evidence is then P(event | given):
    P(exercise_triggered = yes | exertional_pain_relieved_by_rest = yes) is 1.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    given : mapping of str to numpy.ndarray
        The evidence, as :func:`normalise` returns it (not changed).
    event : mapping
        Node id (or alias) to a state, ``True``/``False`` or a 0/1 set of
        states (:func:`normalise` with ``sets=True``).

    Returns
    -------
    dict of str to numpy.ndarray
        Node id to likelihood vector: ``given``'s times the event's where
        both name a node, reduced by the entailments; every vector all zeros
        where the entailments make the event impossible beside ``given``.

    Raises
    ------
    EvidenceTypeError
        If ``event`` is None or not a mapping, or a value has the wrong type.
    UnknownNodeError, InvalidStateError, InvalidValueError
        For an unknown id, a state the node does not have, or a weight
        other than 0 or 1.
    """
    if event is None:  # normalise reads None as no evidence; an event must be named
        msg = "The 'event' argument of probability must be a mapping of node id to state, e.g. {'restless_legs_syndrome': True}. Got None instead."
        raise EvidenceTypeError(msg)
    both = dict(given)
    for nid, vec in normalise(spec, event, "event", sets=True).items():
        both[nid] = both[nid] * vec if nid in both else vec
    try:
        return dict(entail(spec, both))
    except ImpossibleEvidenceError:
        return {nid: np.zeros_like(vec) for nid, vec in both.items()}  # the event contradicts what is given


def interpret(node: Node, value: object) -> object:
    """A value typed by a person, made into evidence for ``node``.

    State names are matched case-insensitively; yes/y/true/present/positive
    and no/n/false/absent/negative mean ``True``/``False`` on a node that
    takes booleans (:func:`truth_states`); a number is kept for a node with numeric bands. Anything else is
    returned unchanged, so the evidence check explains what is wrong (so is
    a number with an underscore, ``30_0``, which :class:`float` would read as 300).

    Parameters
    ----------
    node : Node
        The node the value is for.
    value : object
        What was typed; a value that is not a string is returned as it is.

    Returns
    -------
    object
        The state name (lower case), ``True`` or ``False``, a float (for a
        node with bands), or else the text stripped of surrounding blanks;
        for soft evidence (a mapping), the mapping with its keys so read
        into state names.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import interpret
    >>> spec = crampnet.load().spec
    >>> interpret(spec.nodes["urge_to_move"], "Y"), interpret(spec.nodes["ferritin"], "30")
    (True, 30.0)
    """
    if isinstance(value, Mapping):
        return _interpret_keys(node, value)
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in node.states:
        return text
    if (truth := truth_word(node, text)) is not None:  # the words Python's evidence reads too (typed_state)
        return truth
    number = typed_number(node, text)  # not "30_0", which float() reads as 300: a slip, not a number a person writes
    return value.strip() if number is None else on_its_side(node, number, number_alone(node, text))  # 49.99999999999999999999 (ng/mL) stays below 50


def _interpret_keys(node: Node, value: Mapping[object, object]) -> dict[object, object]:
    """Soft evidence typed by a person, its keys read as :func:`interpret` reads a state.

    Parameters
    ----------
    node : Node
        The node the soft evidence is for.
    value : Mapping
        State (as typed: any case, or yes/no on a node that takes booleans)
        to likelihood.

    Returns
    -------
    dict
        The same likelihoods, each key that names a state (or a yes/no word
        for one) replaced by the state's name; other keys are kept, so the
        evidence check names them.

    Raises
    ------
    InvalidValueError
        If two keys name one state (``{"raised": 1, "yes": 2}``): never a
        silent sum or overwrite.
    """
    out: dict[object, object] = {}
    typed: dict[object, object] = {}
    pair = truth_states(node)
    for key, weight in value.items():
        state: object = key
        if isinstance(key, str):
            word = interpret(node, key)
            state = word if isinstance(word, str) and word in node.states else (pair[0] if word else pair[1]) if pair is not None and isinstance(word, bool) else key
        if state in out:
            msg = f"Soft evidence for {node.id} names the state {state!r} twice (as {show(typed[state])} and {show(key)}); give each state once."
            raise InvalidValueError(msg)
        out[state], typed[state] = weight, key
    return out
