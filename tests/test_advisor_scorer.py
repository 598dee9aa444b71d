"""The advisor's scorer on a table of visitor situations (tests/advisor_situations.yml), and its rules."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.advisor import rules as advisor_rules
from bot.advisor import scorer
from bot.catalogue import loader
from tests.action_helpers import ROOT

SITUATIONS = yaml.safe_load((ROOT / "tests" / "advisor_situations.yml").read_text(encoding="utf-8"))
RULES = advisor_rules.default_rules()
CATALOGUE = {spec.slug: spec for spec in loader.read_catalogue(ROOT / "data" / "catalogue.yml")}


def named(slugs: list[str]) -> list[scorer.NamedSystem]:
    return [scorer.NamedSystem(s, CATALOGUE[s].side, CATALOGUE[s].name) for s in slugs]


def test_at_least_20_situations_covering_every_recommendation_and_a_conflict():
    assert len(SITUATIONS) >= 20
    assert {case["expect"] for case in SITUATIONS} == set(advisor_rules.RECOMMENDATIONS) | {"depends"}


@pytest.mark.parametrize("case", SITUATIONS, ids=[case["name"] for case in SITUATIONS])
def test_situation(case):
    advice = scorer.advise(RULES, case["answers"], named(case.get("systems", [])))
    assert (advice.recommendation or "depends") == case["expect"], advice
    if case["expect"] == "depends":
        assert advice.depends_on and not advice.reasons, "a conflict says what it depends on, nothing more"
        return
    assert [r.criterion for r in advice.reasons] == list(RULES.criteria), "one reason per criterion"
    assert all(r.text for r in advice.reasons)
    if "partner" in case:
        assert advice.partner == case["partner"]
    for slug in case.get("services", []):
        assert slug in advice.services
    assert set(advice.services) <= set(CATALOGUE), "advice names catalogue services only"


def test_a_reason_uses_the_visitors_answer_and_the_articles_terms():
    advice = scorer.advise(RULES, {"advice_work": "run", "advice_operations": "round_the_clock"})
    proactivity = next(r for r in advice.reasons if r.criterion == "proactivity")
    assert proactivity.supports
    assert "24/7" in proactivity.text and "monitors, patches and prevents problems" in proactivity.text


def test_an_answer_that_pulls_the_other_way_is_a_caveat_not_hidden():
    advice = scorer.advise(
        RULES,
        {
            "advice_work": "run",
            "advice_capacity": "none",
            "advice_operations": "round_the_clock",
            "advice_billing": "daily",
        },
    )
    billing = next(r for r in advice.reasons if r.criterion == "billing_model")
    assert advice.recommendation == "managed_services"
    assert not billing.supports and "although you want to pay per day" in billing.text


def test_skipped_and_not_sure_answers_count_as_unanswered():
    skipped = scorer.advise(
        RULES, {"advice_work": "build", "advice_capacity": "-", "advice_billing": "not sure"}
    )
    assert skipped == scorer.advise(RULES, {"advice_work": "build"})


def test_every_answer_a_rule_names_is_an_option_and_every_model_has_terms_for_every_criterion():
    assert set(RULES.model_terms) == set(advisor_rules.RECOMMENDATIONS)
    for terms in RULES.model_terms.values():
        assert set(terms) == set(RULES.criteria)
    for services in RULES.default_services.values():
        assert set(services) <= set(CATALOGUE)


def test_the_rules_file_is_marked_as_the_projects_own_and_cites_the_four_criteria():
    text = (ROOT / "data" / "advisor_rules.yml").read_text(encoding="utf-8")
    assert "THE PROJECT'S OWN RULES" in text and "it-outsourcing-vs-managed-services.txt" in text
    assert list(RULES.criteria) == ["scope_responsibility", "proactivity", "billing_model", "relationship"]


def test_a_rules_file_that_does_not_fit_together_is_refused():
    data = yaml.safe_load((ROOT / "data" / "advisor_rules.yml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["conflicts"][0]["when"] = {"advice_work": "teleport"}
    with pytest.raises(advisor_rules.RulesError, match="unknown answer"):
        advisor_rules.parse(broken)
    broken = copy.deepcopy(data)
    broken["questions"]["advice_billing"]["options"]["monthly"]["points"] = {"cheapest": 3}
    with pytest.raises(advisor_rules.RulesError, match="points"):
        advisor_rules.parse(broken)
    broken = copy.deepcopy(data)
    del broken["own_rules"]
    with pytest.raises(advisor_rules.RulesError, match="own_rules"):
        advisor_rules.parse(broken)


def test_every_advice_in_the_table_fits_one_chat_message():
    from bot.advisor import replies

    for case in SITUATIONS:
        advice = scorer.advise(RULES, case["answers"], named(case.get("systems", [])))
        if advice.recommendation:
            text = (
                f"My advice: {RULES.recommendations[advice.recommendation]}. {replies.reasons_text(advice)}"
            )
        else:
            text = "I can't honestly pick one model yet. It depends on " + "; and ".join(advice.depends_on)
        assert len(text.split()) <= 80, case["name"]
