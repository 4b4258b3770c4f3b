"""The README's examples run, and its two set-up commands are the ones CI uses."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import crampnet

ROOT = Path(__file__).resolve().parents[1]


def test_readme_examples_run() -> None:
    """Check that every >>> example in README.md gives the output it shows."""
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_getting_started_examples_run() -> None:
    """Check that every >>> example of docs/getting-started.md gives the output it shows (the first case's empty flags among them)."""
    result = doctest.testfile(str(ROOT / "docs" / "getting-started.md"), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6
    assert result.failed == 0


def test_ci_runs_the_readme_test_command() -> None:
    """Check that .ci/run runs exactly the test command the README gives."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = 'python -m pip install ".[test]" && python -m pytest'
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_is_documented() -> None:
    """Check that the README's main command is the example diagnosis."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install . && crampnet diagnose --example" in readme


def test_readme_pre_test_probabilities_are_the_networks(model: crampnet.Model) -> None:
    """Check the pre-test probabilities quoted in "How to read the numbers" against the network.

    Session 30 moved DVT's share among presenters from 3.2% to 2.3% and the
    README kept the old figure until session 39: the sentence is read here and
    compared with the posterior of an empty case, to the README's one decimal.
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"for example DVT about ([\d.]+)%, acute limb ischemia\s+about ([\d.]+)%", readme)
    assert found is not None, "the sentence giving DVT's and acute limb ischemia's pre-test probabilities moved"
    prior = model.diagnose({}).posteriors
    assert float(found.group(1)) == round(100 * float(prior["deep_vein_thrombosis"]), 1)
    assert float(found.group(2)) == round(100 * float(prior["acute_limb_ischemia"]), 1)


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _known_limits() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return " ".join(readme.split("## Known limits", 1)[1].split("\n## ", 1)[0].split())


def _command(case: dict[str, str | int]) -> str:
    """The case as the README quotes it: the ``crampnet diagnose`` command that gives it, in backticks and brackets."""
    return "(`crampnet diagnose " + " ".join(f"{k}={v}" for k, v in case.items()) + "`)"


def test_known_limits_claudication_example_is_the_networks(model: crampnet.Model) -> None:
    """Check the claudicant of "One complaint, several findings": the ranks and probability the README gives.

    The sentences are built from the network's answer and must stand in the
    README as written: the example went stale once already (PAD "second"
    behind nocturnal cramps while exercise-associated cramps had come to lead).
    """
    case = {"age": 58, "sex": "male", "smoker": "yes", "muscle_cramps": "yes", "pain_location": "calf", "exertional_pain_relieved_by_rest": "yes"}
    dx = model.diagnose(case)
    rank = dx.differential.index("peripheral_arterial_disease")
    ahead = " and ".join(c.replace("_", " ").replace("leg cramps", "cramps").replace(" associated", "-associated") for c in dx.differential[:rank])
    p = float(dx.posteriors["peripheral_arterial_disease"])
    text = _known_limits()
    assert f"gets PAD {ORDINALS[rank]} (P {p:.2f}), behind {ahead}." in text
    quieter = model.diagnose({**case, "nocturnal": "no"}).differential.index("peripheral_arterial_disease")
    assert f"with `nocturnal=no` PAD comes {ORDINALS[quieter]}." in text
    assert _command(case) in text


def test_known_limits_immobilisation_example_is_the_networks(model: crampnet.Model) -> None:
    """Check the man of 55 with calf pain after immobilisation: nocturnal cramps first, DVT's rank, probability and flag."""
    case = {"age": 55, "sex": "male", "recent_immobilisation": "yes", "pain_location": "calf"}
    dx = model.diagnose(case)
    assert dx.differential[0] == "nocturnal_leg_cramps"
    first = float(dx.posteriors["nocturnal_leg_cramps"])
    without = float(model.diagnose({**case, "muscle_cramps": "no"}).posteriors["nocturnal_leg_cramps"])
    dvt = dx.differential.index("deep_vein_thrombosis")
    assert any(f.condition == "deep_vein_thrombosis" and f.urgency == "test" for f in dx.red_flags)
    text = _known_limits()
    sentence = f"gets nocturnal cramps first (P {first:.2f}; {without:.2f} with `muscle_cramps=no`), DVT {ORDINALS[dvt]} at {float(dx.posteriors['deep_vein_thrombosis']):.2f} and flagged for testing"
    assert sentence in text
    assert _command(case) in text


def test_known_limits_edema_example_is_the_networks(model: crampnet.Model) -> None:
    """Check "Local calf lesions compete with DVT": what edema does beside a swollen calf, as the README quotes it.

    The README said "a factor of about 9" until session 40, a rough product
    from a research note (0.63 x 0.63 against 0.55 x a leak); the network
    gives about 3 (a new user's check found it).
    """
    swollen = {"unilateral_calf_swelling": "yes"}
    before = model.posteriors(swollen)
    after = model.posteriors({**swollen, "edema": "yes"})

    def factor(c: str) -> float:
        return float((after[c] / (1 - after[c])) / (before[c] / (1 - before[c])))

    dvt, lesion = "deep_vein_thrombosis", "local_calf_pathology"
    text = _known_limits()
    assert f"multiplies DVT's odds by {factor(dvt):.1f} and the lesions' by {factor(lesion):.2f}" in text
    assert f"DVT {after[dvt]:.2f} and the lesions {after[lesion]:.2f}, against {before[dvt]:.2f} and {before[lesion]:.2f} without edema" in text
    assert "(`crampnet diagnose unilateral_calf_swelling=yes edema=yes`:" in text


def test_known_limits_cramps_complaint_example_is_the_networks(model: crampnet.Model) -> None:
    """Check "A complaint of cramps argues for nothing": the shipped network's nocturnal cramps at 60 with no complaint, cramps, pain."""
    p = [float(model.posteriors({"age": 60, **extra})["nocturnal_leg_cramps"]) for extra in ({}, {"presenting_complaint": "cramps"}, {"presenting_complaint": "pain"})]
    assert f"the shipped network gives {p[0]:.2f}, {p[1]:.2f} and {p[2]:.2f}, `crampnet diagnose age=60 presenting_complaint=cramps`" in _known_limits()


def _numpy_seconds_a_case(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> float:
    """The numpy time the ``auto`` rule estimates for one case of a batch on ``model`` (what ``prepare`` asks ``ready``)."""
    from crampnet.inference import _kernel

    asked: list[float] = []
    monkeypatch.setattr(_kernel, "ready", lambda seconds: asked.append(seconds) or False)
    model.compiled.prepare(1000)
    return asked[0] / 1000


def test_readme_and_notebook_batch_sizes_are_where_the_kernel_starts(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check the batch sizes the README and notebook 04 give for the numba kernel: within a tenth of where the ``auto`` rule starts it.

    The README said "some 330 cases" (2,200 without a writable cache) and
    notebook 04 "some 450" while the rule started at about 300 (2,000): the
    estimate a case grew with the shared tree after the figures were written.
    """
    from crampnet.inference import _kernel

    a_case = _numpy_seconds_a_case(model, monkeypatch)
    load, compile_ = _kernel.LOAD_SECONDS / a_case, _kernel.COMPILE_SECONDS / a_case
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    cached = [int(n.replace(",", "")) for n in re.findall(r"a batch of some ([\d,]+) cases or more", readme)]
    uncached = [int(n.replace(",", "")) for n in re.findall(r"a batch of some ([\d,]+) cases, or many sessions", readme)]
    notebook = (ROOT / "notebooks" / "04-cohorts.ipynb").read_text(encoding="utf-8")
    cached += [int(n.replace(",", "")) for n in re.findall(r"some ([\d,]+) cases or more", notebook)]
    assert len(cached) == 3 and len(uncached) == 1, (cached, uncached)
    assert all(abs(n - load) <= load / 10 for n in cached), (cached, round(load))
    assert abs(uncached[0] - compile_) <= compile_ / 10, (uncached, round(compile_))


def test_readme_expected_failures_quote_what_the_network_gives(model: crampnet.Model) -> None:
    """Check the figures "Where the numbers come from" gives for its two expected failures, Hening's 16% and Wells' 53%, against the network.

    The README said "about 0.73" for Wells' high-probability group while the
    network gave 0.67, then 0.71 after session 42 sourced the local calf
    lesions' calf swelling: nothing read the sentence.
    """
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    criteria = {"urge_to_move": "yes", "worse_at_rest": "yes", "relief_by_movement": "yes", "worse_evening": "yes"}
    hening = crampnet.load(population="adults").probability(criteria, given={"restless_legs_syndrome": "absent"})
    assert f"reproduced (the network gives about {100 * hening:.1f}% in adults;" in readme
    wells = float(model.posteriors({"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "recent_immobilisation": "yes"})["deep_vein_thrombosis"])
    assert f"not reproduced (the network gives about {wells:.2f}: since session 17" in readme


def _evidence_bullet() -> str:
    """The "Use from Python" bullet that says which values evidence takes, on one line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^- Evidence maps node ids to state names;.*?(?=^- )", readme, flags=re.MULTILINE | re.DOTALL)
    assert found is not None, "the README's bullet on evidence values moved"
    return " ".join(found.group(0).split())


def test_readme_names_every_node_that_takes_numbers_or_other_booleans(model: crampnet.Model) -> None:
    """Check the README's evidence bullet against the network: every node that takes a number, and every one whose True/False are not yes/no, present/absent or positive/negative, is named.

    The bullet named age and the labs, not symptom_duration (a number of
    days since the duration bands), and said True/False are accepted only by
    nodes with those three pairs of states while d_dimer (raised/normal) and
    knee_reflex (reduced/normal) take them as their file's positive and negative.
    """
    from crampnet.network.evidence import truth_states

    bullet = _evidence_bullet()
    words = re.sub(r"[-_`]", " ", bullet.lower())
    plain = {("yes", "no"), ("present", "absent"), ("positive", "negative")}
    for nid, node in model.spec.nodes.items():
        if node.bands:
            assert any(re.search(rf"\b{name.replace('_', ' ')}\b", words) for name in (nid, *node.aliases)), nid
        pair = truth_states(node)
        if pair is not None and pair not in plain:
            assert f"`{nid}`, {pair[0]}/{pair[1]}" in bullet, (nid, pair)


def test_readme_layout_lists_the_layers_in_the_contracts_order() -> None:
    """Check the README's Layout block against the import-linter contract: each module of ``src/crampnet/`` it lists sits no lower than those listed before it.

    The block listed ``trust/`` below ``interop/``, while the contract puts
    trust above interop (trust may import interop, never the reverse), and
    left out ``explorer.py``.
    """
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c["layers"] for c in pyproject["tool"]["importlinter"]["contracts"] if c["type"] == "layers" and "crampnet.cli" in c["layers"])
    height = {name.strip(): len(layers) - i for i, line in enumerate(layers) for name in line.split("|")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout\n", 1)[1].split("```", 2)[1]
    listed = [
        "crampnet." + word.removesuffix("/").removesuffix(".py")
        for line in block.splitlines()
        if line.startswith("  ") and not line.startswith("    ")
        for word in line.split("  ")[1].split()
        if word.endswith(("/", ".py"))
    ]
    assert {"crampnet.explorer", "crampnet.trust", "crampnet.interop", "crampnet.cli"} <= set(listed), listed
    heights = [height[m] for m in listed]
    assert heights == sorted(heights), list(zip(listed, heights, strict=True))
    modules = {p.stem for p in (ROOT / "src" / "crampnet").iterdir() if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").is_file())}
    assert modules == {m.removeprefix("crampnet.") for m in listed}


def _readme_text() -> str:
    """The README with its whitespace collapsed, so a sentence may be searched across line breaks."""
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def test_readme_judgment_count_is_the_networks(model: crampnet.Model) -> None:
    """Check the two sentences that count the judgment numbers ("306 of 897") against ``parameters()``; each session's sourcing pass moves them."""
    table = model.parameters()
    judged, total = int((table["source"] == "judgment").sum()), len(table)
    readme = _readme_text()
    assert f"**A third of the numbers are judgment** ({judged} of {total} " in readme
    assert f"{judged} of the {total} numbers are judgment today ({100 * judged / total:.0f}%;" in readme
    assert 0.28 < judged / total < 0.39  # "a third" (two in five until session 54)


def test_readme_dvt_figures_without_complaint_are_the_networks(model: crampnet.Model) -> None:
    """Check DVT's presenting share (overall and at 65 and over) and its testing threshold where the README and getting-started quote them."""
    empty = model.diagnose({}).must_not_miss.loc["deep_vein_thrombosis"]
    older = float(model.posteriors({"age": 70})["deep_vein_thrombosis"])
    share, threshold = f"{100 * float(empty['probability']):.1f}%", f"{100 * float(empty['threshold']):.2f}%"
    readme = _readme_text()
    assert f"probability ({share}; {100 * older:.1f}% at 65 and over), above its testing threshold ({threshold}), and is flagged `test`" in readme
    assert f"presenters ({share}), above its testing threshold ({threshold})" in readme
    started = " ".join((ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8").split())
    assert f"DVT's ({share}) is above its testing threshold ({threshold})" in started


def test_readme_flag_message_example_is_the_networks(model: crampnet.Model) -> None:
    """Check the quoted threshold flag "P = 1.58% (5.02% before the findings entered)" for knee pain with a joint abnormality at 70."""
    dx = model.diagnose({"age": 70, "presenting_complaint": "pain", "pain_location": "knee", "joint_abnormality": "yes"})
    flag = next(f for f in dx.red_flags if f.condition == "deep_vein_thrombosis")
    quoted = re.search(r"`(P = [\d.]+% \([\d.]+% before the findings entered\))` for knee pain with a joint abnormality at 70", _readme_text())
    assert quoted is not None
    assert quoted.group(1) in flag.message


def test_readme_cramp_complaint_factor_is_the_networks(model: crampnet.Model) -> None:
    """Check "`presenting_complaint = cramps` multiplies the odds of DVT, acute and critical limb ischemia by 0.03-0.06" and "`muscle_cramps = no` only halves its odds"."""
    before = model.posteriors({})
    cramps, no_cramps = model.posteriors({"presenting_complaint": "cramps"}), model.posteriors({"muscle_cramps": "no"})

    def factor(after: object, c: str) -> float:
        return float((after[c] / (1 - after[c])) / (before[c] / (1 - before[c])))  # type: ignore[index]

    found = re.search(r"`presenting_complaint = cramps` multiplies the odds of DVT, acute and critical limb ischemia by ([\d.]+)-([\d.]+)\.", _readme_text())
    assert found is not None
    low, high = float(found.group(1)), float(found.group(2))
    for c in ("deep_vein_thrombosis", "acute_limb_ischemia", "critical_limb_ischemia"):
        assert low <= round(factor(cramps, c), 2) <= high, c
    assert "so `muscle_cramps = no` only halves its odds" in _readme_text()
    assert 0.4 <= factor(no_cramps, "nocturnal_leg_cramps") <= 0.6


def test_readme_threshold_chasing_example_is_the_networks(model: crampnet.Model) -> None:
    """Check "Next questions can chase a threshold": the man of 70 presenting with swelling, his figures and his first questions by decision and by value."""
    dx = model.diagnose({"age": 70, "sex": "male", "presenting_complaint": "swelling"})
    cli = dx.must_not_miss.loc["critical_limb_ischemia"]
    leaders = dx.posteriors.sort_values(ascending=False)
    words = [q.replace("_", " ") for q in dx.next_questions(n=5).index]
    by_value = [q.replace("_", " ") for q in dx.next_questions(n=5, by="value").index]
    readme = _readme_text()
    assert (
        f"for a man of 70 presenting with swelling (critical limb ischemia {100 * float(cli['probability']):.2f}% against its threshold of "
        f"{100 * float(cli['threshold']):.2f}%, leaders {leaders.iloc[0]:.2f} and {leaders.iloc[1]:.2f}) the first five are "
        f"{', '.join(words[:4])} and {words[4]}." in readme
    )
    assert f"(there: {by_value[0]}, {by_value[1]}, ..., {by_value[4]})" in readme


def test_readme_red_flag_bullet_names_every_finding_rule() -> None:
    """Check that the ``dx.red_flags`` bullet names the criteria of every finding rule of ``crampnet.reasoning.redflags``.

    It listed Wells, RCOG, ESVS, the Global Vascular Guidelines, Gold Coast,
    the MND Association's tool and cauda equina, not the emergency flag for
    symptoms of pulmonary embolism (NICE CG144). A rule added without a name
    here fails until the bullet and this table name it.
    """
    from crampnet.reasoning._rules import RULES

    named = {
        "acute_limb_ischemia": "ESVS 2020 for acute limb ischemia",
        "acute_limb_ischemia_embolic": "ESVS 2020 for acute limb ischemia",
        "acute_limb_ischemia_threatened": "with sensory loss or weakness an `emergency` with the pulses not entered (Rutherford IIb)",
        "bladder_bowel": "cauda equina",
        "cauda_equina": "cauda equina",
        "critical_limb_ischemia": "the Global Vascular Guidelines 2019 for chronic limb-threatening ischemia",
        "critical_limb_ischemia_calcified": "1.40 with rest pain or an ulcer",
        "critical_limb_ischemia_wound": "gangrene, 2016 AHA/ACC",
        "dvt_pregnancy": "RCOG Green-top 37b",
        "mnd_bulbar": "the Gold Coast criteria 2020 and Awaji for motor neuron disease",
        "mnd_one_region": "the Gold Coast criteria 2020 and Awaji for motor neuron disease",
        "mnd_two_regions": "the Gold Coast criteria 2020 and Awaji for motor neuron disease",
        "mnd_progression": "MND Association's red flag tool",
        "rhabdomyolysis": "Bosch et al. 2009 for possible rhabdomyolysis",
        "dark_urine": "dark urine after exercise alone a `test`",
        "pulmonary_embolism": "symptoms of pulmonary embolism beside the leg complaint, an `emergency` (NICE CG144)",
    }
    assert {rule.name for rule in RULES} == set(named)
    bullet = _readme_text().split("- `dx.red_flags`: finding rules", 1)[1].split("then each must-not-miss condition", 1)[0]
    for rule in RULES:
        assert named[rule.name] in bullet, rule.name
    assert "NICE CG144" in next(rule.source for rule in RULES if rule.name == "pulmonary_embolism")


def test_readme_lists_what_the_thyroid_part_carries(model: crampnet.Model) -> None:
    """Check the findings the README says the overt thyroid part carries, and those it says thyroid disease does not reach, against the network.

    "How to read the numbers" gave the part's findings as of session 34
    (weakness, proximal weakness, brisk reflexes, hypothyroid symptoms) after
    session 36 and later links gave it tiredness, CK, sensory loss and TSH;
    "Known limits" said no link carries "motor neuron signs" from thyroid
    disease while brisk reflexes, an upper motor neuron sign, come from its part.
    """
    words = {
        "weakness": "weakness", "proximal_weakness": "proximal weakness", "hyperreflexia": "brisk reflexes", "ankle_reflex": "reduced ankle reflexes",
        "hypothyroid_symptoms": "hypothyroid symptoms", "daytime_fatigue": "tiredness", "sensory_loss": "sensory loss",
        "creatine_kinase": "a raised CK", "tsh": "the overt TSH",
    }  # fmt: skip
    spec = model.spec
    carried = {nid for nid, node in spec.nodes.items() if "overt_thyroid_dysfunction" in node.parents}
    assert carried == set(words)
    readme = _readme_text()
    found = re.search(r"`overt_thyroid_dysfunction` \(0\.4 of its 4\.5%, NHANES III\), which carries (.*?)\. The", readme)
    assert found is not None
    listed = found.group(1).replace(" and ", ", ").split(", ")
    assert sorted(listed) == sorted(words.values())
    for nid in ("fasciculations", "muscle_atrophy", "myoglobinuria"):
        assert not {"thyroid_disease", "overt_thyroid_dysfunction"} & set(spec.nodes[nid].parents), nid
    assert "no link carries lower motor neuron signs (fasciculations, wasting) or myoglobinuria from thyroid disease" in readme


def test_readme_prevalences_and_presenting_odds_ratio_are_the_files(model: crampnet.Model) -> None:
    """Check the numbers "How to read the numbers" quotes from the file: the adult prevalences of three conditions and PAD's presenting odds ratio."""
    table = model.parameters()
    prevalence = table[table["kind"] == "intercept prevalence"].set_index("node")["value"]
    presenting = table[(table["parent"] == "care_setting") & (table["kind"] == "odds_ratio")].set_index("node")["value"]
    readme = _readme_text()
    assert (
        f"(nocturnal leg cramps {100 * prevalence['nocturnal_leg_cramps']:.0f}% \"have had them\", RLS {100 * prevalence['restless_legs_syndrome']:.0f}%, "
        f"DVT {100 * prevalence['deep_vein_thrombosis']:.2f}% point prevalence)" in readme
    )
    assert f"with its source or the reason for the judgment: PAD {presenting['peripheral_arterial_disease']:.2f} (15%" in readme
