"""bot.knowledge picks the right answer; the answers exist, fit a chat and follow the seed."""

import itertools
from pathlib import Path

import pytest
import yaml

from bot import knowledge
from bot.knowledge import Answer, resolve

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
MS, ITO = "managed_services", "it_outsourcing"


@pytest.mark.parametrize(
    "intent, sides, text, last_topic, last_side, expected",
    [
        (
            "ask_billing_model",
            [MS],
            "how are managed services billed?",
            None,
            None,
            Answer("billing_model", MS),
        ),
        ("ask_billing_model", [], "how does billing work?", "overview", MS, Answer("billing_model", None)),
        ("inform", [ITO], "and outsourcing?", "billing_model", MS, Answer("billing_model", ITO)),
        (
            "ask_relationship",
            [],
            "what about the relationship?",
            "billing_model",
            MS,
            Answer("relationship", MS),
        ),
        (
            "ask_relationship",
            [],
            "how is the relationship different?",
            "billing_model",
            MS,
            Answer("relationship", None),
        ),
        ("inform", [MS], "what about managed services", None, None, Answer("overview", MS)),
        (
            "ask_scope_responsibility",
            [MS, ITO],
            "msp vs outsourcing scope",
            None,
            None,
            Answer("scope_responsibility", None),
        ),
        ("inform", [], "and?", "proactivity", ITO, Answer("proactivity", ITO)),
        ("inform", [], "hm", "not-a-topic", "nonsense", Answer("overview", None)),
    ],
)
def test_resolve(intent, sides, text, last_topic, last_side, expected):
    assert resolve(intent, sides, text, last_topic, last_side) == expected


def test_every_answer_exists_in_the_domain_and_is_chat_sized():
    for topic, side in itertools.product(knowledge.TOPICS, (None, *knowledge.SIDES)):
        name = Answer(topic, side).response
        assert name in DOMAIN["responses"], name
        for variant in DOMAIN["responses"][name]:
            assert len(variant["text"].split()) <= 80, name


def test_buttons_offer_the_other_topics_and_sales():
    buttons = knowledge.buttons_after("billing_model")
    payloads = [b["payload"] for b in buttons]
    assert "/ask_billing_model" not in payloads
    assert payloads[-1] == "/request_sales_contact"
    assert len(payloads) == len(knowledge.TOPICS)  # five other topics + sales
    for payload in payloads:
        assert payload.lstrip("/") in DOMAIN["intents"]


def test_the_overview_offers_the_advisor_and_two_topics_offer_it_once():
    assert "/ask_advice" in [b["payload"] for b in knowledge.buttons_after("overview")]
    read = knowledge.topics_read(["overview"], "billing_model")
    assert read == ["overview", "billing_model"]
    assert knowledge.topics_read(["overview", "nonsense"], "overview") == ["overview"]
    assert knowledge.offer_advice(read, offered=False, advised=False)
    assert not knowledge.offer_advice(read, offered=True, advised=False)
    assert not knowledge.offer_advice(["overview"], offered=False, advised=False)
    assert not knowledge.offer_advice(read, offered=False, advised=True)


# Each answer carries the seed article's key terms for its topic and side.
FAITHFUL = {
    "utter_billing_model_managed_services": ["subscription", "fixed monthly fee", "SLA", "predictab"],
    "utter_billing_model_it_outsourcing": ["fixed price", "time & material"],
    "utter_proactivity_managed_services": ["monitors", "patches", "reports"],
    "utter_proactivity_it_outsourcing": ["reactive"],
    "utter_relationship_managed_services": ["long-term partnership", "custodian"],
    "utter_relationship_it_outsourcing": ["transactional", "project-based"],
    "utter_scope_responsibility_managed_services": ["full responsibility", "availability", "security"],
    "utter_scope_responsibility_it_outsourcing": ["assignment or project"],
    "utter_service_examples_managed_services": [
        "network infrastructure",
        "SOC as a service",
        "managed helpdesk",
    ],
    "utter_service_examples_it_outsourcing": ["software development", "testing", "migrations", "consulting"],
    "utter_overview": ["broad", "proactive", "subscription"],
}


@pytest.mark.parametrize("name, terms", FAITHFUL.items())
def test_answers_follow_the_seed(name, terms):
    text = DOMAIN["responses"][name][0]["text"]
    for term in terms:
        assert term.lower() in text.lower(), f"{name} lacks {term!r}"


@pytest.mark.parametrize(
    "text",
    [
        "summarize the difference in one sentence",
        "tl;dr?",
        "msp vs outsourcing in a nutshell",
        "short version pls",
    ],
)
def test_a_request_for_a_summary_gets_the_one_sentence_answer(text):
    answer = resolve("ask_difference_overview", [], text, None, None)
    assert answer.response == knowledge.BRIEF_RESPONSE
    (variant,) = DOMAIN["responses"][knowledge.BRIEF_RESPONSE]
    assert variant["text"].count(". ") == 0 and len(variant["text"].split()) <= 80  # one sentence


def test_a_summary_of_one_side_or_another_topic_is_that_answer():
    assert resolve(
        "ask_difference_overview", [MS], "managed services in a nutshell", None, None
    ).response == ("utter_overview_managed_services")
    assert resolve("ask_billing_model", [], "billing in short?", None, None).response == "utter_billing_model"
