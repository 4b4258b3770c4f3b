"""Session 51: a site with the complaint, as notes write it (``calf_pain``), is told where and what, not a look-alike id.

``calf_pain=yes`` was told "Did you mean 'back_pain'?" and ``leg_pain`` 'rest_pain': ids that share letters
and mean something else. The network says where the symptoms are felt most (``pain_location``, whose states
include the site) and what the complaint is (``presenting_complaint``, whose states include pain).
"""

from __future__ import annotations

import pytest

import crampnet


@pytest.mark.parametrize("site", ["calf", "foot", "thigh", "knee"])
def test_a_site_with_pain_names_where_and_what(model, site):
    """The site is a state of pain_location and pain one of presenting_complaint (read from the network), and both ids are offered first."""
    assert site in model.spec.nodes["pain_location"].states and "pain" in model.spec.nodes["presenting_complaint"].states
    with pytest.raises(crampnet.UnknownNodeError) as info:
        model.posteriors({f"{site}_pain": True})
    assert info.value.suggestions[:2] == ["pain_location", "presenting_complaint"]
    assert "back_pain" not in str(info.value) and "rest_pain" not in str(info.value)


@pytest.mark.parametrize(("given", "meant"), [("leg_pain", {"presenting_complaint", "pain_location"}), ("night_cramps", {"muscle_cramps", "nocturnal"}), ("leg_swelling", {"edema", "unilateral_calf_swelling"})])
def test_phrases_name_the_findings_they_describe(model, given, meant):
    with pytest.raises(crampnet.UnknownNodeError) as info:
        model.posteriors({given: True})
    assert set(info.value.suggestions) == meant
    assert all(nid in model.spec.nodes for nid in meant)


def test_the_command_line_says_it(cli_run):
    code, _, err = cli_run(["diagnose", "calf_pain=yes"])
    assert code == 2 and "Did you mean 'pain_location' or 'presenting_complaint'?" in err
