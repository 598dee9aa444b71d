"""bot.clarify: ask which of the close candidates was meant, or say what we can help with."""

import yaml

from bot import clarify
from tests.conftest import ROOT

DOMAIN = yaml.safe_load(open(f"{ROOT}/domain.yml", encoding="utf-8"))


def ranking(*pairs):
    return [{"name": "nlu_fallback", "confidence": 0.5}] + [{"name": n, "confidence": c} for n, c in pairs]


def test_two_close_candidates_are_offered_with_something_else():
    decision = clarify.decide(
        ranking(("ask_billing_model", 0.46), ("ask_service_price", 0.41), ("greet", 0.02))
    )
    assert decision.kind == "clarify" and decision.response == "utter_clarify"
    assert decision.options == "how each model is billed, or our prices"
    assert [b["payload"] for b in decision.buttons] == ["/ask_billing_model", "/ask_service_price", "/help"]
    assert decision.buttons[-1]["title"] == "Something else"


def test_entities_of_the_message_travel_with_the_buttons():
    decision = clarify.decide(
        ranking(("ask_service_price", 0.45), ("ask_service_sla", 0.40)),
        [{"entity": "service", "value": "managed-helpdesk"}, {"entity": "language", "value": "pl"}],
    )
    assert decision.buttons[0]["payload"] == '/ask_service_price{"service":"managed-helpdesk"}'


def test_one_plausible_candidate_is_still_asked_about():
    decision = clarify.decide(ranking(("ask_relationship", 0.42), ("out_of_scope", 0.2), ("thank", 0.1)))
    assert decision.kind == "clarify" and decision.options == "the kind of relationship"
    assert len(decision.buttons) == 2


def test_nothing_stands_out_or_off_topic_gets_the_honest_answer():
    for pairs in [
        (("ask_billing_model", 0.22), ("ask_relationship", 0.2)),
        (("out_of_scope", 0.45), ("ask_catalogue_service", 0.4)),
        (("greet", 0.48), ("thank", 0.4)),
    ]:
        decision = clarify.decide(ranking(*pairs))
        assert decision.kind == "out_of_scope" and decision.response == "utter_out_of_scope"
        assert decision.buttons == []
    assert clarify.decide([]).kind == "out_of_scope"


def test_labels_cover_real_intents_and_texts_live_in_the_domain():
    assert set(clarify.INTENT_LABELS) <= set(DOMAIN["intents"])
    assert "{options}" in DOMAIN["responses"]["utter_clarify"][0]["text"]
    assert DOMAIN["responses"]["utter_out_of_scope"][0]["buttons"]


def test_options_text():
    assert clarify.options_text(["a"]) == "a"
    assert clarify.options_text(["a", "b", "c"]) == "a, b, or c"
