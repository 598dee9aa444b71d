"""Contract terms from the catalogue and company facts from the sample file: chat-sized, honest."""

from __future__ import annotations

import pytest
import yaml

from actions.facts import ActionAnswerFact
from actions.pricing import ActionContractTerms
from bot import db, facts
from bot.catalogue import queries, terms
from bot.catalogue.answers import word_count
from tests.action_helpers import ROOT, domain, entity, make_tracker, rendered, run_action, texts

FACTS_FILE = yaml.safe_load((ROOT / "data" / "company_facts.yml").read_text(encoding="utf-8"))
FAQ_NLU = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))


@pytest.fixture
def sales_db(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    return catalogue


def helpdesk(url):
    with db.session_scope(db.engine_for(url)) as session:
        return queries.get_service(session, "managed-helpdesk")


# ----------------------------------------------------------------------------- terms


@pytest.mark.parametrize(
    "question, expected",
    [
        ("minimum contract length?", "Managed helpdesk has a 12-month minimum term, then renewed yearly."),
        ("can we cancel after 6 months?", "After 6 months you are still inside the 12-month minimum term"),
        ("can we cancel after 2 years?", "you can cancel with 90 days' notice before each yearly renewal"),
        ("is VAT included?", "All prices exclude VAT"),
        ("what is included?", "covers up to 50 users"),
    ],
)
def test_terms_of_one_service(catalogue, question, expected):
    answer = terms.service_terms(helpdesk(catalogue), question)
    assert expected in answer and word_count(answer) <= 80
    if "VAT" in question:
        assert "covers up to" not in answer, "'is VAT included?' is about VAT only"


def test_terms_without_a_service_sum_up_the_catalogue(sales_db):
    messages, events = run_action(
        ActionContractTerms(), make_tracker("minimum contract length?", "ask_relationship")
    )
    text = rendered(messages)
    assert "Managed services: 12-month minimum term" in text and "Body leasing: 3-month minimum" in text
    assert messages[0]["buttons"] and events == []


def test_terms_of_the_service_discussed_last(sales_db):
    tracker = make_tracker(
        "can we cancel after 6 months?", "ask_relationship", slots={"service": "managed-helpdesk"}
    )
    messages, events = run_action(ActionContractTerms(), tracker)
    assert "12-month minimum term" in rendered(messages)
    assert {"event": "slot", "name": "service", "value": "managed-helpdesk", "timestamp": None} in events


def test_terms_of_a_named_service(sales_db):
    tracker = make_tracker(
        "how long is the contract for body leasing",
        "ask_relationship",
        entities=[entity("service", "body leasing")],
    )
    messages, _ = run_action(ActionContractTerms(), tracker)
    assert "Body leasing has a 3-month minimum term" in rendered(messages)


def test_a_broken_database_gets_a_polite_answer(monkeypatch, tmp_path):
    monkeypatch.setenv("SALES_DB_URL", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    messages, events = run_action(ActionContractTerms(), make_tracker("notice period?", "ask_relationship"))
    assert "can't look up" in texts(messages) and events == []


# ----------------------------------------------------------------------------- company facts


def selector(key: str, confidence: float = 0.9) -> dict:
    return {"faq": {"response": {"intent_response_key": key, "confidence": confidence}}}


def test_every_fact_has_nlu_examples_and_every_faq_intent_has_an_answer():
    answers = {k.removeprefix("utter_") for k in FACTS_FILE["responses"]}
    answers |= {k.removeprefix("utter_") for k in domain()["responses"] if k.startswith("utter_faq/")}
    intents = {block["intent"] for block in FAQ_NLU["nlu"]}
    assert answers == intents
    assert "faq/unknown" in intents


def test_the_facts_are_sample_data_chat_sized_with_a_next_step():
    assert "SAMPLE DATA" in (ROOT / "data" / "company_facts.yml").read_text(encoding="utf-8")
    for key, variants in FACTS_FILE["responses"].items():
        for variant in variants:
            assert word_count(variant["text"]) <= 80, key
            assert variant.get("buttons"), key


def test_a_known_fact_an_unknown_one_and_an_unsure_selector():
    known = {"utter_faq/industries", "utter_faq/unknown"}
    assert facts.response_for(selector("faq/industries"), known, 0.5) == "utter_faq/industries"
    assert facts.response_for(selector("faq/unknown"), known, 0.5) == facts.UNKNOWN
    assert facts.response_for(selector("faq/industries", 0.2), known, 0.5) == facts.UNKNOWN
    assert facts.response_for(selector("faq/ceo_name"), known, 0.5) == facts.UNKNOWN
    assert facts.response_for(None, known, 0.5) == facts.UNKNOWN


def test_the_unknown_answer_is_honest_and_offers_sales():
    unknown = domain()["responses"]["utter_faq/unknown"][0]
    assert "I don't know that" in unknown["text"] and "sales team can tell you" in unknown["text"]
    assert {"title": "Talk to sales", "payload": "/request_sales_contact"} in unknown["buttons"]


def test_the_fact_action_says_the_selected_fact():
    tracker = make_tracker("do you work with healthcare clients?", "faq")
    tracker.latest_message["response_selector"] = selector("faq/industries")
    messages, _ = run_action(
        ActionAnswerFact(),
        tracker,
        {**domain(), "responses": {**domain()["responses"], **FACTS_FILE["responses"]}},
    )
    assert messages[0]["response"] == "utter_faq/industries"


# ----------------------------------------------------------------------------- which action answers


def test_a_contract_question_gets_the_catalogues_terms_a_general_one_the_article(sales_db):
    from actions.knowledge import ActionAnswerKnowledge

    terms_question = make_tracker(
        "can we cancel after 6 months?", "ask_relationship", slots={"service": "managed-helpdesk"}
    )
    messages, _ = run_action(ActionAnswerKnowledge(), terms_question)
    assert "still inside the 12-month minimum term" in rendered(messages)
    general, _ = run_action(
        ActionAnswerKnowledge(), make_tracker("is it a long-term partnership?", "ask_relationship")
    )
    assert general[0]["response"] == "utter_relationship"


def test_vat_asked_as_a_price_question_gets_the_vat_note(sales_db):
    from actions.catalogue import ActionServicePrice

    messages, _ = run_action(
        ActionServicePrice(),
        make_tracker("does that include vat", "ask_service_price", slots={"service": "managed-helpdesk"}),
    )
    assert "All prices exclude VAT" in rendered(messages)


def test_the_cost_button_after_advice_estimates_the_advised_services(sales_db):
    from actions.catalogue import ActionServicePrice

    advice = {
        "recommendation": "managed_services",
        "reasons": [],
        "services": ["managed-servers", "managed-helpdesk"],
    }
    messages, _ = run_action(
        ActionServicePrice(),
        make_tracker("/ask_service_price", "ask_service_price", slots={"advice": advice}),
    )
    assert "= EUR 2,300 per month; × 12 = EUR 27,600 per year." in rendered(messages)
