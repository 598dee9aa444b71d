"""The advisor's actions and its hand-off to sales, on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.advisor import ActionGiveAdvice, ActionStartAdvisor, ValidateAdvisorForm
from actions.sales import ActionStartLead, ActionSubmitLead
from bot import cli, db
from bot.advisor import form, handoff
from bot.catalogue import loader
from bot.catalogue.answers import word_count
from bot.sales.models import Lead
from bot.sales.serialize import lead_to_dict
from tests.action_helpers import form_tracker, make_tracker, rendered, run_action


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture
def catalogue(engine, db_url, monkeypatch):
    """Migrated database with the catalogue, used by the actions through SALES_DB_URL."""
    loader.load_into(db_url)
    monkeypatch.setenv("SALES_DB_URL", db_url)
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
    return engine


MANAGED = {
    "advice_work": "run",
    "advice_capacity": "some",
    "advice_operations": "round_the_clock",
    "advice_billing": "monthly",
    "advice_duration": "ongoing",
    "advice_systems": ["managed-helpdesk"],
}


def give(slots):
    return run_action(ActionGiveAdvice(), make_tracker(slots=slots))


def test_advice_with_reasons_and_from_prices_each_message_chat_sized(catalogue):
    messages, events = give(MANAGED)
    assert [m["response"] for m in messages] == ["utter_advice_recommendation", "utter_advice_services"]
    text = rendered(messages[:1])
    assert text.startswith("My advice: managed services.")
    for title in ("Scope and responsibility:", "Proactivity:", "Billing:", "Relationship:"):
        assert title in text
    assert "Managed helpdesk from EUR 1,100 per month" in rendered(messages[1:])
    assert all(word_count(rendered([m])) <= 80 for m in messages)
    assert {"title": "Talk to sales", "payload": "/request_sales_contact"} in messages[1]["buttons"]
    advice = slots_set(events)["advice"]
    assert advice["recommendation"] == "managed_services" and advice["services"] == ["managed-helpdesk"]
    assert len(advice["reasons"]) == 4
    assert slots_set(events)["advice_work"] is None, "the answers are cleared for a next round"


@pytest.mark.parametrize(
    "slots, response",
    [
        ({"advice_work": "specialists", "advice_capacity": "none"}, "utter_advice_depends"),
        ({form.CANCELLED: True, "advice_work": "run"}, "utter_advice_cancelled"),
    ],
)
def test_a_conflict_says_what_it_depends_on_and_a_stop_gives_no_advice(catalogue, slots, response):
    messages, events = give(slots)
    assert [m["response"] for m in messages] == [response]
    if response == "utter_advice_depends":
        assert "who would lead the specialists" in rendered(messages)
        assert slots_set(events)["advice"]["recommendation"] is None
    else:
        assert "advice" not in slots_set(events)


def test_a_service_discussed_before_answers_the_systems_question(catalogue):
    _, events = run_action(ActionStartAdvisor(), make_tracker(slots={"service": "managed-firewall"}))
    assert slots_set(events)[form.SYSTEMS] == ["managed-firewall"]


def test_what_the_conversation_already_said_is_not_asked_again(catalogue):
    tracker = form_tracker(
        "should we outsource our helpdesk?",
        None,
        "ask_advice",
        history=["hi, we're 40 people with no IT staff, our laptops are a mess"],
        form_name=form.FORM,
    )
    _, events = run_action(ValidateAdvisorForm(), tracker)
    got = slots_set(events)
    assert got["advice_work"] == "run" and got["advice_capacity"] == "none"
    assert got[form.SYSTEMS] == ["managed-helpdesk"]
    assert got["requested_slot"] == "advice_operations"


def test_talk_to_sales_after_advice_prefills_the_lead_form(catalogue):
    advice = {
        "recommendation": "staff_augmentation",
        "reasons": ["Billing: ..."],
        "services": ["body-leasing"],
    }
    _, events = run_action(ActionStartLead(), make_tracker(slots={"advice": advice}))
    assert slots_set(events) == {"lead_model": "it_outsourcing", "lead_service": "body-leasing"}
    _, events = run_action(
        ActionStartLead(),
        make_tracker(slots={"advice": {**advice, "recommendation": "mix"}, "service": "managed-servers"}),
    )
    assert slots_set(events) == {"lead_model": "not sure", "lead_service": "managed-servers"}


FILLED = {
    "lead_name": "Jane Doe",
    "lead_email": "jane@acme.com",
    "lead_company": "Acme",
    "lead_consent": True,
    "lead_confirmed": True,
    "lead_skip_optional": True,
    "lead_model": "managed_services",
    "lead_service": "managed-helpdesk",
}


def test_the_advice_is_stored_with_the_lead_and_shown_to_sales(catalogue, db_url, capsys, tmp_path):
    _, events = give(MANAGED)
    advice = slots_set(events)["advice"]
    run_action(ActionSubmitLead(), make_tracker(slots={**FILLED, "advice": advice}, sender_id="conv-advice"))
    with db.session_scope(catalogue) as session:
        lead = session.execute(select(Lead)).scalar_one()
        payload = lead_to_dict(lead)  # what the webhook posts and `bot leads list --json` prints
    assert payload["recommendation"] == "managed_services"
    assert payload["advice"]["services"] == ["managed-helpdesk"] and len(payload["advice"]["reasons"]) == 4
    code = cli.main(["leads", "show", str(payload["id"]), "--tracker-url", f"sqlite:///{tmp_path / 't.db'}"])
    out = capsys.readouterr().out
    assert code == 0 and "Advisor's recommendation: managed services" in out
    assert "Proactivity: you need 24/7 monitoring and response" in out and "services: managed-helpdesk" in out


def test_a_tampered_advice_slot_is_bounded_before_it_reaches_a_lead():
    tampered = {
        "recommendation": "cheapest",
        "reasons": ["x" * 5000] * 50,
        "services": [{"a": 1}],
        "extra": "y",
    }
    assert handoff.sanitized(tampered) is None
    kept = handoff.sanitized({**tampered, "recommendation": "mix"})
    assert len(kept["reasons"]) == 6 and all(len(r) == 300 for r in kept["reasons"])
    assert kept["services"] == [] and "extra" not in kept


def test_earlier_questions_are_not_taken_as_answers_but_name_systems(catalogue):
    tracker = form_tracker(
        "which one is right for us?",
        None,
        "ask_advice",
        history=["is managed helpdesk billed monthly?", "we need 24/7 cover"],
        form_name=form.FORM,
    )
    got = slots_set(run_action(ValidateAdvisorForm(), tracker)[1])
    assert got["advice_operations"] == "round_the_clock" and "advice_billing" not in got
    assert got[form.SYSTEMS] == ["managed-helpdesk"]


def test_the_lead_summary_says_the_advice_is_sent_along(catalogue):
    from actions.sales import ASK_LEAD_ACTIONS

    advice = {"recommendation": "mix", "reasons": [], "services": []}
    slots = {**FILLED, "lead_confirmed": None, "advice": advice}
    messages, _ = run_action(ASK_LEAD_ACTIONS["action_ask_lead_confirmed"](), make_tracker(slots=slots))
    assert "Our advice: a mix, managed services plus a project or specialist team" in messages[0]["summary"]
