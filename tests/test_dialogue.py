"""The conversation's thread without Rasa: the last turn, short replies, the focus, follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import db
from bot.catalogue import choices
from bot.catalogue.loader import load_catalogue
from bot.dialogue import context, focus, follow_up, last_turn, short_replies

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yml"


def bot(text, buttons=(), response=None):
    event = {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]},
    }
    if response:
        event["metadata"] = {"utter_action": response}
    return event


def user(text):
    return {"event": "user", "text": text}


SERVICE_LIST = bot(
    "Our security services: Managed firewall, SOC as a service. Which one would you like to know more about?",
    [
        ("Managed firewall", '/ask_catalogue_service{"service":"managed-firewall"}'),
        ("SOC as a service", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("Talk to sales", "/request_sales_contact"),
    ],
)
ADVICE_OFFER = bot(
    "Would a recommendation for your own situation help?",
    [("Which fits us?", "/ask_advice"), ("Talk to sales", "/request_sales_contact")],
    "utter_advice_offer",
)
CLARIFY_ONE = bot(
    "Just to be sure I answer the right question: did you mean our prices?",
    [("Our prices", "/ask_service_price"), ("Something else", "/help")],
    "utter_clarify",
)
CLARIFY_TWO = bot(
    "did you mean our prices, or our SLAs and response times?",
    [("Our prices", "/ask_service_price"), ("Our SLAs", "/ask_service_sla"), ("Something else", "/help")],
    "utter_clarify",
)


def turn_after(*events):
    return last_turn.last_turn([user("hi"), *events])


# ----------------------------------------------------------------------------- the last turn


def test_last_turn_is_what_followed_the_previous_message():
    events = [user("first"), bot("old", [("Old", "/greet")]), user("what security services?"), SERVICE_LIST]
    turn = last_turn.last_turn(events)
    assert [m.text for m in turn.messages] == [SERVICE_LIST["text"]]
    assert turn.services_offered() == ["managed-firewall", "soc-as-a-service"]
    # in the action server the latest message is in the events too: the turn before it counts
    assert last_turn.last_turn([*events, user("the second")], skip_latest_user=True) == turn


def test_the_question_is_the_last_message_with_choices_and_responses_are_named():
    turn = turn_after(bot("An answer.", [("Billing", "/ask_billing_model")]), ADVICE_OFFER, bot("", []))
    assert turn.question.response == "utter_advice_offer"
    assert turn.responses == ["utter_advice_offer"]


def test_bad_payloads_are_no_choice():
    turn = turn_after(
        bot("Pick?", [("Broken", '/ask_catalogue_service{"service":'), ("Odd", "not a payload")])
    )
    assert [o.entities for o in turn.question.options] == [{}, {}]
    assert turn.services_offered() == []


# ----------------------------------------------------------------------------- short replies


@pytest.mark.parametrize(
    "typed, payload",
    [
        ("the second", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("second one", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("2nd pls", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("option 2", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("the first one", '/ask_catalogue_service{"service":"managed-firewall"}'),
        ("ok, the last one", "/request_sales_contact"),
        ("soc as a service", '/ask_catalogue_service{"service":"soc-as-a-service"}'),
        ("Managed Firewall!", '/ask_catalogue_service{"service":"managed-firewall"}'),
        ("firewall", '/ask_catalogue_service{"service":"managed-firewall"}'),
        ("the soc", None),  # not the words of one title
    ],
)
def test_a_typed_choice_is_the_button_it_names(typed, payload):
    assert short_replies.resolve(typed, turn_after(SERVICE_LIST)) == payload


@pytest.mark.parametrize(
    "typed",
    [
        "2",
        "yes",
        "that one",
        "the second service you do, what does it cost?",
        "tell me about firewalls and more",
        "a",
        "service",
        "managed services",
    ],
)
def test_what_a_list_does_not_settle_is_left_to_nlu(typed):
    assert short_replies.resolve(typed, turn_after(SERVICE_LIST)) is None


@pytest.mark.parametrize(
    "typed", ["yes", "yes please", "sure", "ok go ahead", "yep", "continue", "let's continue"]
)
def test_yes_to_the_advisor_offer_starts_it(typed):
    assert short_replies.resolve(typed, turn_after(ADVICE_OFFER)) == "/ask_advice"


def test_no_to_a_yes_no_question_is_no():
    assert short_replies.resolve("no thanks", turn_after(ADVICE_OFFER)) == "/deny"
    assert short_replies.resolve("nope", turn_after(CLARIFY_ONE)) == "/deny"


def test_yes_to_a_clarification_with_one_candidate_is_that_candidate():
    assert short_replies.resolve("yes", turn_after(CLARIFY_ONE)) == "/ask_service_price"
    assert short_replies.resolve("that one", turn_after(CLARIFY_ONE)) == "/ask_service_price"
    assert short_replies.resolve("yes", turn_after(CLARIFY_TWO)) is None  # which of the two?
    assert short_replies.resolve("the second", turn_after(CLARIFY_TWO)) == "/ask_service_sla"


def test_yes_to_one_suggestion_or_to_sales():
    one = bot(
        "Closest matches: Managed servers. Want details?",
        [
            ("Managed servers", '/ask_catalogue_service{"service":"managed-servers"}'),
            ("Talk to sales", "/request_sales_contact"),
        ],
    )
    assert (
        short_replies.resolve("yes", turn_after(one)) == '/ask_catalogue_service{"service":"managed-servers"}'
    )
    sales = bot(
        "We have no mainframe services. Shall I put you in touch with sales?",
        [("Talk to sales", "/request_sales_contact")],
    )
    assert short_replies.resolve("sure", turn_after(sales)) == "/request_sales_contact"


def test_yes_without_a_question_is_left_to_nlu():
    answer = bot(
        "Managed services are billed monthly.",
        [("Billing", "/ask_billing_model"), ("Scope", "/ask_scope_responsibility")],
    )
    assert short_replies.resolve("yes", turn_after(answer)) is None
    assert short_replies.resolve("yes", last_turn.LastTurn()) is None


@pytest.mark.parametrize(
    "typed", ["not sure", "Not sure yet", "no idea", "dunno", "i don't know", "hmm, not sure"]
)
def test_not_sure_outside_a_form_is_a_follow_up(typed):
    assert short_replies.resolve(typed, last_turn.LastTurn()) == short_replies.NOT_SURE
    assert short_replies.resolve(typed, turn_after(ADVICE_OFFER)) == short_replies.NOT_SURE


def test_not_sure_with_more_words_is_a_question_for_nlu():
    assert short_replies.resolve("not sure what managed services are", last_turn.LastTurn()) is None


def test_in_a_form_choices_count_but_yes_no_and_not_sure_are_the_forms():
    sizes = bot(
        "How many people work at Acme?",
        [("1-10", '/inform{"form_value":"1-10"}'), ("11-50", '/inform{"form_value":"11-50"}')],
    )
    assert (
        short_replies.resolve("the second", turn_after(sizes), in_form=True)
        == '/inform{"form_value":"11-50"}'
    )
    budget = bot(
        "Roughly what budget?",
        [
            ("Not sure", '/inform{"form_value":"not sure"}'),
            ("Skip the rest", '/inform{"form_value":"skip the rest"}'),
        ],
    )
    assert short_replies.resolve("skip", turn_after(budget), in_form=True) is None
    assert (
        short_replies.resolve("skip the rest", turn_after(budget), in_form=True)
        == '/inform{"form_value":"skip the rest"}'
    )
    consent = bot("May our sales team contact you?", [("Yes, contact me", "/affirm"), ("No", "/deny")])
    assert short_replies.resolve("yes", turn_after(consent), in_form=True) is None
    assert short_replies.resolve("not sure", turn_after(sizes), in_form=True) is None


# ----------------------------------------------------------------------------- in the Rasa server


class FakeEvent(dict):
    def as_dict(self):
        return dict(self)


class Tracker:
    def __init__(self, events, loop=None, slots=None):
        self.events = [FakeEvent(e) for e in events]
        self.active_loop_name = loop
        self.slots = slots or {}

    def get_slot(self, name):
        return self.slots.get(name)


def test_a_short_reply_is_parsed_as_its_button_and_nlu_is_kept():
    parsed = {"text": "the second", "intent": {"name": "inform", "confidence": 0.4}, "entities": []}
    out = context.read_in_context(parsed, Tracker([user("security?"), SERVICE_LIST]))
    assert out["intent"] == {"name": "ask_catalogue_service", "confidence": 1.0}
    assert out["entities"][0]["entity"] == "service" and out["entities"][0]["value"] == "soc-as-a-service"
    assert out["text"] == "the second" and out["context"]["nlu"]["intent"]["name"] == "inform"


def test_other_messages_keep_nlus_reading():
    parsed = {
        "text": "what does SOC cost?",
        "intent": {"name": "ask_service_price", "confidence": 0.9},
        "entities": [],
    }
    assert context.read_in_context(parsed, Tracker([user("security?"), SERVICE_LIST])) is parsed
    assert context.read_in_context(parsed, None) is parsed
    button = {"text": "/affirm", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    assert context.read_in_context(button, Tracker([user("x"), ADVICE_OFFER])) is button


PAUSED = bot(
    "Shall we carry on with the advice where we left off?",
    [("Continue the advice", "/ask_advice")],
    "utter_advice_paused",
)
ANSWER = bot("Managed services are billed by subscription.", [("Billing", "/ask_billing_model")])


def parsed(text, intent="out_of_scope"):
    return {"text": text, "intent": {"name": intent, "confidence": 0.8}, "entities": []}


def test_a_paused_advisor_carries_on_with_an_answer_to_its_next_question_whatever_nlu_said():
    paused = {"advice_paused": True, "advice_work": "run"}  # next: in-house capacity
    tracker = Tracker([user("how is it billed?"), ANSWER], slots=paused)
    assert context.read_in_context(parsed("we've got one IT guy"), tracker)["intent"]["name"] == "ask_advice"
    assert context.read_in_context(parsed("let's continue"), tracker)["intent"]["name"] == "ask_advice"
    # a question of its own, or an answer to another question, is NLU's
    assert (
        context.read_in_context(parsed("do you have IT staff?"), tracker)["intent"]["name"] == "out_of_scope"
    )
    assert context.read_in_context(parsed("a fixed monthly fee"), tracker)["intent"]["name"] == "out_of_scope"
    # not paused, or inside a form: NLU's
    assert (
        context.read_in_context(parsed("we've got one IT guy"), Tracker([user("x"), ANSWER]))["intent"][
            "name"
        ]
        == "out_of_scope"
    )
    in_form = Tracker([user("x"), ANSWER], loop="lead_form", slots=paused)
    assert (
        context.read_in_context(parsed("we've got one IT guy"), in_form)["intent"]["name"] == "out_of_scope"
    )


def test_yes_to_the_pause_carries_on():
    assert short_replies.resolve("yes", turn_after(PAUSED)) == "/ask_advice"
    assert short_replies.resolve("carry on", turn_after(PAUSED)) == "/ask_advice"


# ----------------------------------------------------------------------------- follow-ups


def test_follow_up_decisions():
    assert follow_up.decide("not sure") == follow_up.NOT_SURE
    assert follow_up.decide("we have no IT staff") == follow_up.ANSWER
    assert follow_up.decide("and outsourcing?") == follow_up.ANSWER


# ----------------------------------------------------------------------------- the focus


def test_focus_prefers_the_short_list_just_offered():
    assert focus.focus("devops-engineering", ["managed-firewall"]) == focus.Focus("managed-firewall")
    assert focus.focus("devops-engineering", ["managed-firewall", "soc-as-a-service"]).choices == (
        "managed-firewall",
        "soc-as-a-service",
    )
    assert focus.focus("devops-engineering", [f"s{i}" for i in range(16)]) == focus.Focus(
        "devops-engineering"
    )
    assert focus.focus(None, []) == focus.Focus()
    assert focus.focus(["not", "a", "slug"], []) == focus.Focus()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('focus') / 'catalogue.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        load_catalogue(s, CATALOGUE)
    with db.session_scope(engine) as s:
        yield s
    engine.dispose()


def slugs(services):
    return [s.slug for s in services]


def test_which_service_offers_what_fits_what_was_said(session):
    assert slugs(choices.candidates(session, "price for 120 users?")) == ["managed-helpdesk"]
    assert "managed-servers" in slugs(choices.candidates(session, "how much per server?"))
    security = slugs(choices.candidates(session, "how much are your security services?"))
    assert {"managed-firewall", "soc-as-a-service"} <= set(security)
    assert slugs(choices.candidates(session, "price?", choices=["managed-firewall", "soc-as-a-service"])) == [
        "managed-firewall",
        "soc-as-a-service",
    ]
    spread = choices.candidates(session, "price?")
    assert {s.side for s in spread} == {"managed_services", "it_outsourcing"}


def test_which_service_buttons_ask_the_same_question(session):
    reply = choices.which_service(session, "sla?", "ask_service_sla", choices=["managed-firewall"])
    text, buttons = reply.text, reply.buttons
    assert "Which service" in text
    assert buttons[0]["payload"] == '/ask_service_sla{"service":"managed-firewall"}'
    assert buttons[-1]["payload"] == "/request_sales_contact"
