"""Every bad input raises a typed error whose message says what was wrong."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crampnet

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# The public surface and the exception hierarchy
# ---------------------------------------------------------------------------


def test_all_names_resolve():
    """Check that every name in crampnet.__all__ resolves (a stale __all__ breaks star imports)."""
    for name in crampnet.__all__:
        assert getattr(crampnet, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from crampnet import *", namespace)
    assert set(crampnet.__all__) <= set(namespace)


@pytest.mark.parametrize(("error", "builtin"), [
    (crampnet.UnknownNodeError, ValueError),
    (crampnet.InvalidStateError, ValueError),
    (crampnet.InvalidValueError, ValueError),
    (crampnet.ImpossibleEvidenceError, ValueError),
    (crampnet.NetworkFileError, ValueError),
    (crampnet.EvidenceTypeError, TypeError),
])
def test_exception_hierarchy(error, builtin):
    """Check that each crampnet error is a CrampnetError and the right built-in."""
    assert issubclass(error, crampnet.CrampnetError)
    assert issubclass(error, builtin)


# ---------------------------------------------------------------------------
# Evidence errors (shipped network)
# ---------------------------------------------------------------------------


def test_unknown_node_suggests_the_closest(model):
    """Check that a misspelt id raises UnknownNodeError suggesting the right one."""
    with pytest.raises(crampnet.UnknownNodeError, match=re.escape("Did you mean 'urge_to_move'?")) as info:
        model.posteriors({"urge_to_mov": True})
    assert isinstance(info.value, ValueError)
    assert info.value.node == "urge_to_mov"
    assert info.value.suggestions[0] == "urge_to_move"
    assert "'urge_to_mov'" in str(info.value)


def test_unknown_node_without_a_close_match(model):
    """Check that an id with no close match still names it and says where the ids are."""
    with pytest.raises(crampnet.UnknownNodeError, match="Unknown node 'qqqqqqqqqqqq'"):
        model.posteriors({"qqqqqqqqqqqq": "yes"})


def test_unknown_state_lists_the_valid_ones(model):
    """Check that a state the node lacks raises InvalidStateError listing the valid states."""
    with pytest.raises(crampnet.InvalidStateError, match=re.escape("Valid states: low, normal")) as info:
        model.posteriors({"ferritin": "lo"})
    assert info.value.node == "ferritin"
    assert info.value.valid == ["low", "normal"]


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_boolean_for_a_lab_is_refused(model, value):
    """Check that True/False for ferritin (low/normal) raises InvalidStateError naming the states."""
    with pytest.raises(crampnet.InvalidStateError, match=r"ferritin.*low, normal"):
        model.posteriors({"ferritin": value})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_inf_numbers(model, value):
    """Check that NaN and infinite numbers raise InvalidValueError."""
    with pytest.raises(crampnet.InvalidValueError, match="finite number"):
        model.posteriors({"ferritin": value})


@pytest.mark.parametrize(("node", "value"), [("ferritin", -5), ("age", 400), ("age", -1), ("tsh", -0.5)])
def test_out_of_range_numbers(model, node, value):
    """Check that numbers outside the plausible range raise InvalidValueError naming the range."""
    with pytest.raises(crampnet.InvalidValueError, match="outside the plausible range"):
        model.posteriors({node: value})


def test_number_for_a_node_without_bands(model):
    """Check that a number for a yes/no node raises InvalidStateError."""
    with pytest.raises(crampnet.InvalidStateError, match="does not accept a number"):
        model.posteriors({"urge_to_move": 1})


@pytest.mark.parametrize("value", [["yes"], {"yes"}, ("yes",), object(), b"yes", 1 + 2j])
def test_wrong_value_types(model, value):
    """Check that lists, sets, tuples, objects, bytes and complex values raise EvidenceTypeError (a TypeError)."""
    with pytest.raises(crampnet.EvidenceTypeError, match=r"urge_to_move must be a state name, True/False, a number or a mapping") as info:
        model.posteriors({"urge_to_move": value})
    assert isinstance(info.value, TypeError)


def test_none_value(model):
    """Check that None as a value raises EvidenceTypeError saying to leave the node out."""
    with pytest.raises(crampnet.EvidenceTypeError, match="Leave a node out of the evidence"):
        model.posteriors({"urge_to_move": None})


@pytest.mark.parametrize("evidence", [["urge_to_move"], "urge_to_move", 42, ("urge_to_move", True)])
def test_evidence_not_a_mapping(model, evidence):
    """Check that evidence that is not a mapping or DataFrame raises EvidenceTypeError."""
    with pytest.raises(crampnet.EvidenceTypeError, match=r"'evidence' argument of posteriors must be a mapping"):
        model.posteriors(evidence)


@pytest.mark.parametrize("key", [1, None, ("urge_to_move",), b"urge_to_move"])
def test_non_string_key(model, key):
    """Check that a non-string node id raises EvidenceTypeError."""
    with pytest.raises(crampnet.EvidenceTypeError, match="Node ids in evidence must be strings"):
        model.posteriors({key: "yes"})


@pytest.mark.parametrize(("soft", "error", "pattern"), [
    ({"yes": -0.1, "no": 1.0}, crampnet.InvalidValueError, "finite non-negative likelihoods"),
    ({"yes": math.nan, "no": 1.0}, crampnet.InvalidValueError, "finite non-negative likelihoods"),
    ({"yes": math.inf, "no": 1.0}, crampnet.InvalidValueError, "finite non-negative likelihoods"),
    ({"yes": True, "no": 1.0}, crampnet.InvalidValueError, "finite non-negative likelihoods"),
    ({"yes": "0.5", "no": 1.0}, crampnet.InvalidValueError, "finite non-negative likelihoods"),
    ({"yes": 0.0, "no": 0.0}, crampnet.InvalidValueError, "every state likelihood 0"),
    ({"maybe": 1.0}, crampnet.InvalidStateError, "Valid states: yes, no"),
])
def test_bad_soft_evidence(model, soft, error, pattern):
    """Check soft evidence with negative, NaN, infinite, non-numeric, all-zero or unknown-state likelihoods."""
    with pytest.raises(error, match=pattern):
        model.posteriors({"urge_to_move": soft})


def test_alias_and_id_disagree(model):
    """Check that 'age' and 'age_group' with different values raise InvalidValueError."""
    with pytest.raises(crampnet.InvalidValueError, match="gives age_group twice"):
        model.posteriors({"age": 70, "age_group": "under_40"})


def test_probability_errors(model):
    """Check that probability() validates event and given like posteriors()."""
    with pytest.raises(crampnet.UnknownNodeError, match=re.escape("Did you mean 'urge_to_move'?")):
        model.probability({"urge_to_mov": True})
    with pytest.raises(crampnet.EvidenceTypeError, match="'given' argument must be a mapping"):
        model.probability({"urge_to_move": True}, given=["restless_legs_syndrome"])
    with pytest.raises(crampnet.EvidenceTypeError, match="'event' argument must be a mapping"):
        model.probability("urge_to_move")


def test_states_of_unknown_node(model):
    """Check that model.states() of an unknown id raises UnknownNodeError with a suggestion."""
    with pytest.raises(crampnet.UnknownNodeError, match=re.escape("Did you mean 'ferritin'?")):
        model.states("feritin")


# ---------------------------------------------------------------------------
# Impossible evidence (tiny.toml: jerks happen if and only if plm is present)
# ---------------------------------------------------------------------------


def test_impossible_evidence_names_both_entries(tiny):
    """Check that impossible evidence raises ImpossibleEvidenceError naming jerks and plm, never NaN."""
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"jerks=yes.*plm=absent|plm=absent.*jerks=yes") as info:
        tiny.posteriors({"jerks": "yes", "plm": "absent"})
    assert sorted(info.value.conflicting) == ["jerks", "plm"]
    assert info.value.row is None


def test_impossible_evidence_names_only_the_conflict(tiny):
    """Check that entries not part of the conflict are left out of the message."""
    with pytest.raises(crampnet.ImpossibleEvidenceError) as info:
        tiny.posteriors({"urge": "yes", "jerks": "yes", "ferritin": 30, "plm": "absent"})
    assert sorted(info.value.conflicting) == ["jerks", "plm"]
    assert "urge" not in str(info.value)
    assert "ferritin" not in str(info.value)


def test_impossible_evidence_through_a_chain(tiny):
    """Check impossible evidence two steps apart: jerks=yes needs plm; plm absent entails no jerks."""
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="jerks"):
        tiny.posteriors({"jerks": "yes", "plm": False})


def test_impossible_given_in_probability(tiny):
    """Check that probability() with an impossible 'given' raises, and an impossible event is 0.0."""
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="jerks=yes"):
        tiny.probability({"urge": "yes"}, given={"jerks": "yes", "plm": "absent"})
    assert tiny.probability({"jerks": "yes"}, given={"plm": "absent"}) == 0.0


def test_impossible_row_in_a_batch_is_named(tiny):
    """Check that in a batch the offending row label is named."""
    frame = pd.DataFrame({"jerks": ["yes", "yes", None], "plm": ["present", "absent", "absent"]}, index=["first", "second", "third"])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 'second'") as info:
        tiny.posteriors(frame)
    assert info.value.row == "second"
    assert sorted(info.value.conflicting) == ["jerks", "plm"]


def test_impossible_row_in_a_batch_with_integer_index(tiny):
    """Check that the row is reported by its label, not its position, with a non-default index."""
    frame = pd.DataFrame({"jerks": ["yes", "yes"], "plm": ["present", "absent"]}, index=[10, 20])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 20") as info:
        tiny.posteriors(frame)
    assert info.value.row == 20


def test_bad_cell_in_a_batch_with_integer_index(tiny):
    """Check that a bad cell is reported as 'Row 20', the label as the user wrote it."""
    frame = pd.DataFrame({"ferritin": [30, "lo"]}, index=[10, 20])
    with pytest.raises(crampnet.InvalidStateError, match=r"^Row 20, column 'ferritin'"):
        tiny.posteriors(frame)


def test_bad_cell_in_a_batch_names_row_and_column(tiny):
    """Check that a bad cell in a batch names its row label and column."""
    frame = pd.DataFrame({"ferritin": [30, "lo"]}, index=["ok", "bad"])
    with pytest.raises(crampnet.InvalidStateError, match=r"Row 'bad', column 'ferritin'.*Valid states: low, normal"):
        tiny.posteriors(frame)
    frame = pd.DataFrame({"ferritin": [30, -5]}, index=["ok", "bad"])
    with pytest.raises(crampnet.InvalidValueError, match=r"Row 'bad', column 'ferritin'.*outside the plausible range"):
        tiny.posteriors(frame)


def test_unknown_column_in_a_batch(tiny):
    """Check that an unknown column raises UnknownNodeError with a suggestion."""
    with pytest.raises(crampnet.UnknownNodeError, match=re.escape("Did you mean 'urge'?")):
        tiny.posteriors(pd.DataFrame({"urg": ["yes"]}))


# ---------------------------------------------------------------------------
# Malformed network files
# ---------------------------------------------------------------------------


def _replace(old: str, new: str, count: int = 1) -> str:
    assert TINY_TEXT.count(old) >= count, old
    return TINY_TEXT.replace(old, new, count)


PLM_AS_PARENT_OF_RLS = _replace(
    'links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }]',
    'links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }, { parent = "plm", state = "present", value = 0.3, source = "made_up" }]',
)
URGE_AS_PARENT_OF_RLS = _replace(
    'links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }]',
    'links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }, { parent = "urge", state = "yes", value = 0.3, source = "made_up" }]',
)

#: tiny.toml's one distribution labelled judgment (the prior of a context node).
JUDGED_PRIOR = 'prior = { probabilities = { yes = 0.1, no = 0.9 }, source = "judgment", reason = "test" }'

BAD_FILES = {
    "not_toml": ("this is = = not toml\n[[", "not valid TOML"),
    "wrong_schema": (_replace('schema = "crampnet-network/1"', 'schema = "crampnet-network/2"'), "expected 'crampnet-network/1'"),
    "missing_schema": (_replace('schema = "crampnet-network/1"', ""), "missing required key 'schema'"),
    "unknown_top_key": (_replace('title = "Tiny test network"', 'titel = "Tiny test network"'), re.escape("unknown key 'titel'. Did you mean 'title'?")),
    "unknown_node_key": (_replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\nlable = "x"'), re.escape("unknown key 'lable'. Did you mean 'label'?")),
    "missing_source": (_replace('leak = { value = 0.05, source = "made_up" }', "leak = { value = 0.05 }"), "missing required key 'source'"),
    "unknown_source": (_replace('leak = { value = 0.05, source = "made_up" }', 'leak = { value = 0.05, source = "made_upp" }'), re.escape("source 'made_upp' is not a key of [sources]. Did you mean 'made_up'?")),
    "judgment_without_reason": (_replace('leak = { value = 0.05, source = "made_up" }', 'leak = { value = 0.05, source = "judgment" }'), "a judgment must give a 'reason'"),
    "judgment_blank_reason": (_replace('leak = { value = 0.05, source = "made_up" }', 'leak = { value = 0.05, source = "judgment", reason = "  " }'), "a judgment must give a 'reason'"),
    "probability_1_5": (_replace("leak = { value = 0.05,", "leak = { value = 1.5,"), re.escape("must be a probability in [0, 1]")),
    "negative_probability": (_replace("leak = { value = 0.05,", "leak = { value = -0.05,"), re.escape("must be a probability in [0, 1]")),
    "nan": (_replace("leak = { value = 0.05,", "leak = { value = nan,"), "expected a finite number"),
    "inf": (_replace("leak = { value = 0.05,", "leak = { value = inf,"), "expected a finite number"),
    "nan_in_distribution": (_replace("probabilities = { yes = 0.1, no = 0.9 }", "probabilities = { yes = nan, no = 0.9 }"), "expected a finite number"),
    "odds_ratio_zero": (_replace('{ parent = "drug", state = "yes", value = 2.0, source = "made_up" }', '{ parent = "drug", state = "yes", value = 0.0, source = "made_up" }'), "must be > 0"),
    "not_summing_to_one": (_replace("probabilities = { yes = 0.1, no = 0.9 }", "probabilities = { yes = 0.2, no = 0.9 }"), "probabilities must sum to 1"),
    "cycle": (PLM_AS_PARENT_OF_RLS, r"the graph has a cycle: (plm -> rls -> plm|rls -> plm -> rls)"),
    "finding_parent_of_condition": (URGE_AS_PARENT_OF_RLS, "cannot have the finding 'urge' as parent"),
    "duplicate_state": (_replace('states = ["yes", "no"]\nprior = { probabilities = { yes = 0.1', 'states = ["yes", "yes"]\nprior = { probabilities = { yes = 0.1'), "states must be distinct"),
    "duplicate_node": (TINY_TEXT + '\n[nodes.drug]\nrole = "context"\n', "not valid TOML"),
    "table_missing_rows": (
        _replace('  { when = { rls = "absent" }, probabilities = { present = 0.1, absent = 0.9 }, source = "made_up" },\n', ""),
        "needs 2 rows, got 1",
    ),
    "unknown_model": (_replace('model = "table"', 'model = "tabel"'), "unknown model 'tabel'"),
    "unknown_parent": (_replace('parents = ["rls"]', 'parents = ["rlss"]'), re.escape("parent 'rlss' is not a node. Did you mean 'rls'")),
    "condition_with_wrong_states": (_replace('[nodes.rls]\nrole = "condition"\nstates = ["present", "absent"]', '[nodes.rls]\nrole = "condition"\nstates = ["yes", "no"]'), "a condition's states must be"),
    "context_with_cpd": (_replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\ncpd = { model = "table" }'), "a context node gives 'prior' or a 'cpd' of model 'table' over other context nodes, not both"),
    "no_nodes": ('schema = "crampnet-network/1"\nname = "x"\nversion = "1"\n', "missing required key 'nodes'"),
    "every_state_linked": (
        _replace('links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }]', 'links = [{ parent = "drug", state = "yes", value = 0.2, source = "made_up" }, { parent = "drug", state = "no", value = 0.2, source = "made_up" }]'),
        "every state of drug is linked",
    ),
    "range_excludes_value": (_replace("value = 3.0, low = 2.0, high = 4.0", "value = 3.0, low = 3.5, high = 4.0"), "does not contain"),
    "band_state_unknown": (_replace('{ state = "low", below = 50 }', '{ state = "lowish", below = 50 }'), "unknown state 'lowish'"),
    "entry_sources_unknown_state": (_replace(JUDGED_PRIOR, JUDGED_PRIOR[:-2] + ', entry_sources = { maybe = "made_up" } }'), "entry_sources: unknown state 'maybe'; valid states: yes, no"),
    "entry_sources_unknown_source": (_replace(JUDGED_PRIOR, JUDGED_PRIOR[:-2] + ', entry_sources = { yes = "made_upp" } }'), re.escape("entry_sources.yes: 'made_upp' is not a key of [sources]") + ".*Did you mean 'made_up'"),
    "entry_sources_judgment": (_replace(JUDGED_PRIOR, JUDGED_PRIOR[:-2] + ', entry_sources = { yes = "judgment" } }'), re.escape("entry_sources.yes: 'judgment' is not a key of [sources]")),
    "entry_sources_not_a_table": (_replace(JUDGED_PRIOR, JUDGED_PRIOR[:-2] + ', entry_sources = "made_up" }'), "entry_sources"),
    "entry_sources_repeats_the_source": (
        _replace('prior = { probabilities = { under_40 = 0.4, "40_to_64" = 0.35, "65_plus" = 0.25 }, source = "made_up" }', 'prior = { probabilities = { under_40 = 0.4, "40_to_64" = 0.35, "65_plus" = 0.25 }, source = "made_up", entry_sources = { under_40 = "made_up" } }'),
        "repeats the distribution's own source 'made_up'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_network_file(tmp_path, case):
    """Check that each malformed file raises NetworkFileError naming the file and the problem."""
    text, pattern = BAD_FILES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=pattern) as info:
        crampnet.load(path)
    assert str(path) in str(info.value)
    assert info.value.path == str(path)
    assert isinstance(info.value, ValueError)


def test_entry_sources_label_only_their_entries(tmp_path):
    """Check that a distribution's entry_sources give those entries their own source and citation in parameters(), the rest the distribution's."""
    path = tmp_path / "entries.toml"
    path.write_text(_replace(JUDGED_PRIOR, JUDGED_PRIOR[:-2] + ', entry_sources = { yes = "made_up" } }'), encoding="utf-8")
    model = crampnet.load(path)
    node = next(n for n, spec in model.spec.nodes.items() if spec.prior is not None and spec.prior.entry_sources)
    table = model.parameters()
    rows = table[table["node"] == node].set_index("state")
    assert rows.loc["yes", "source"] == "made_up" and rows.loc["yes", "citation"] == model.spec.sources["made_up"].citation
    assert rows.loc["no", "source"] == "judgment" and rows.loc["no", "reason"] == "test"
    assert rows.loc["yes", "value"] == 0.1  # the numbers themselves are untouched
    base = crampnet.load(DATA / "tiny.toml")
    assert (base.parameters()["source"] == "judgment").sum() == (model.parameters()["source"] == "judgment").sum() + 1


def test_cycle_message_names_only_the_cycle(tmp_path):
    """Check that a cycle error names the nodes on the cycle, not the nodes merely downstream of it."""
    path = tmp_path / "cycle.toml"
    path.write_text(PLM_AS_PARENT_OF_RLS, encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match="cycle") as info:
        crampnet.load(path)
    listed = str(info.value).rsplit("cycle: ", 1)[1].rstrip(".").split(" -> ")
    assert listed[0] == listed[-1]
    assert sorted(set(listed)) == ["plm", "rls"]


def test_missing_file(tmp_path):
    """Check that a missing file raises NetworkFileError naming it."""
    path = tmp_path / "nope.toml"
    with pytest.raises(crampnet.NetworkFileError, match=re.escape(f"{path}: no such file")):
        crampnet.load(path)


def test_directory(tmp_path):
    """Check that a directory raises NetworkFileError naming it."""
    with pytest.raises(crampnet.NetworkFileError, match="not a regular file") as info:
        crampnet.load(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_file_too_large(tmp_path):
    """Check that a 3 MB file is refused before parsing, naming the file."""
    path = tmp_path / "big.toml"
    path.write_text(TINY_TEXT + "#" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match="larger than") as info:
        crampnet.load(path)
    assert str(path) in str(info.value)


def test_file_not_utf8(tmp_path):
    """Check that a file that is not UTF-8 raises NetworkFileError naming the file."""
    path = tmp_path / "latin1.toml"
    path.write_bytes(TINY_TEXT.replace('title = "Tiny test network"', 'title = "Réseau"').encode("latin-1"))
    with pytest.raises(crampnet.NetworkFileError, match="not UTF-8") as info:
        crampnet.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("path", [123, 1.5, object(), ["tiny.toml"], b"tiny.toml"])
def test_load_wrong_path_type(path):
    """Check that load() with a path of the wrong type raises TypeError."""
    with pytest.raises(TypeError, match=re.escape("must be a str or os.PathLike")):
        crampnet.load(path)


def test_load_accepts_str_and_path():
    """Check that load() accepts a str and a pathlib.Path for the same file."""
    by_str = crampnet.load(str(DATA / "tiny.toml"))
    by_path = crampnet.load(DATA / "tiny.toml")
    assert by_str.conditions == by_path.conditions == ["cramps", "rls", "plm"]


def test_impossible_row_in_a_later_slice(tiny, monkeypatch):
    """Check that when a batch is scored in slices, the impossible row is still named by its label."""
    monkeypatch.setattr("crampnet.base.BATCH_ROWS", 2)
    frame = pd.DataFrame({"jerks": ["yes", "no", "no", "yes", "yes"], "plm": ["present", "absent", "absent", "present", "absent"]}, index=list("abcde"))
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"in row 'e'") as info:
        tiny.posteriors(frame)
    assert info.value.row == "e"


def test_iter_posteriors_refuses_non_frames(tiny):
    """Check that iter_posteriors raises EvidenceTypeError for an item that is not a DataFrame."""
    with pytest.raises(crampnet.EvidenceTypeError, match="iterable of pandas DataFrames"):
        list(tiny.iter_posteriors([{"urge": "yes"}]))
