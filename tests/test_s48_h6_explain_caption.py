"""An explanation table says what its numbers are and which probabilities they go between (session 48, h6)."""

from __future__ import annotations

import html

DVT = {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "d_dimer": "raised", "prior_vte": "yes"}


def test_the_explanation_states_its_probabilities_and_its_numbers(model):
    """Check dx.explain's text and HTML displays name the condition, its probability with nothing entered and given the evidence, and what log_odds is.

    Before, the table showed log_odds and likelihood_ratio with nothing saying they are shares of the change from the
    probability with nothing entered (2.3% for DVT) to the one given the evidence (89%), not each finding's own likelihood ratio.
    """
    dx = model.diagnose(DVT)
    table = dx.explain("deep_vein_thrombosis")
    prior, now = float(model.posteriors({})["deep_vein_thrombosis"]), float(dx.posteriors["deep_vein_thrombosis"])
    assert 0.02 < prior < 0.03 and 0.85 < now < 0.95  # the numbers the line must show, read from the model
    head = f"Deep vein thrombosis: {prior:.1%} with nothing entered, {now:.0%} given the evidence."
    text, page = repr(table), table._repr_html_()
    assert text.startswith(head)
    assert html.escape(head) in page and page.index(html.escape(head)) < page.index("<table")
    assert "Shapley" in text and "likelihood_ratio = exp(log_odds)" in text


def test_an_explanation_of_nothing_says_so(model):
    """Check explain with no evidence says there is nothing to explain, instead of a bare 'Empty Explanation'."""
    table = model.diagnose({}).explain("motor_neuron_disease")
    assert table.empty
    assert "no evidence is entered, so there is no entry to explain" in repr(table)


def test_the_long_case_says_its_rows_are_a_sequence(model):
    """Check that past MAX_SHAPLEY entries the line says the rows are the stated sequence, not Shapley values."""
    case = dict.fromkeys(["urge_to_move", "relief_by_movement", "worse_evening", "muscle_cramps", "nocturnal", "bilateral", "insomnia"], True)
    case |= dict.fromkeys(["back_pain", "edema", "varicosities", "smoker", "diabetes", "fever"], False)
    text = repr(model.diagnose(case).explain("restless_legs_syndrome"))
    assert "in the order given" in text and "Shapley" not in text
