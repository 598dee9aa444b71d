"""Typed answers (tests/form_phrasings.yml) through validate_lead_form's extract/validate methods.

A real SQLite catalogue answers the service look-ups; no Rasa server is needed.
"""

from __future__ import annotations

import pytest
import yaml

from actions.sales import ValidateLeadForm
from bot.sales import form
from tests.action_helpers import ROOT, form_tracker, run_action

PHRASINGS = yaml.safe_load((ROOT / "tests" / "form_phrasings.yml").read_text(encoding="utf-8"))
CASES = [
    pytest.param(slot, case, id=f"{slot}: {case['text']}")
    for slot, cases in PHRASINGS.items()
    for case in cases
]
# Values already given when the question is asked (a form answered so far).
EARLIER = {
    "lead_name": "Jane Doe",
    "lead_email": "jane@acme.com",
    "lead_company": "Acme",
    "lead_company_size": "51-200",
    "lead_service": "managed-helpdesk",
    "lead_model": "managed_services",
    "lead_budget": "5k-15k/month",
    "lead_timeline": "1-3 months",
    "lead_role": "decision maker",
    "lead_phone": "-",
    "lead_consent": True,
}


def earlier_answers(slot: str) -> dict:
    order = list(EARLIER) + ["lead_confirmed"]
    return {k: v for k, v in EARLIER.items() if order.index(k) < order.index(slot)}


def test_at_least_15_typed_answers_per_question():
    from actions.sales import form_slots
    from tests.action_helpers import domain

    assert set(PHRASINGS) == set(form_slots(domain()))
    for slot, cases in PHRASINGS.items():
        assert len(cases) >= 15, slot


@pytest.mark.parametrize("slot, case", CASES)
def test_typed_answer(slot, case, catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    slots = {**earlier_answers(slot), **(case.get("slots") or {})}
    tracker = form_tracker(case["text"], slot, case.get("intent", "inform"), slots)
    messages, events = run_action(ValidateLeadForm(), tracker)
    expect = case["expect"]
    if expect == "digression":
        assert events == [], "a question of its own must be left to the digression rules"
        return
    set_now = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    if expect == "stop":
        assert set_now.get(form.CANCELLED) == form.STOPPED
        assert set_now.get("requested_slot", "unset") is None
    elif expect == "skip":
        assert set_now.get(slot) in (form.SKIPPED, form.NOT_SURE)
    elif expect == "skip_rest":
        assert set_now.get(form.SKIP_OPTIONAL) is True
    elif expect == "phone":
        assert set_now.get(form.PHONE_WANTED) is True
        assert set_now.get("requested_slot") == "lead_phone"
    elif expect in ("continue", "form_help"):
        assert not {
            k for k, v in set_now.items() if v is not None and k not in ("requested_slot", form.ATTEMPTS)
        }
        assert set_now.get(form.ATTEMPTS, {}).get(slot, 0) == 0, "no miss is counted"
        assert set_now["requested_slot"] == slot
        said = [m.get("response") for m in messages]
        assert said == ([] if expect == "continue" else ["utter_lead_form_help"])
    elif expect == "miss":
        assert set_now.get(slot) is None
        assert set_now[form.ATTEMPTS] == {slot: 1}
        assert messages, "a miss is explained"
        assert set_now.get("requested_slot", slot) == slot
    else:
        assert set_now.get(slot) == expect
    for other, value in (case.get("also") or {}).items():
        assert set_now.get(other) == value, other


@pytest.mark.parametrize("text", ["not sure", "no idea", "Later", "1-10", "I decide", "Managed services"])
def test_a_buttons_words_answer_only_the_pending_question(text, catalogue, monkeypatch):
    """ "not sure" to the service question must not also answer the model, budget and start."""
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    slots = earlier_answers("lead_service")
    messages, events = run_action(ValidateLeadForm(), form_tracker(text, "lead_service", "inform", slots))
    set_now = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert not {"lead_model", "lead_budget", "lead_timeline", "lead_role", "lead_company_size"} & {
        k for k, v in set_now.items() if v is not None
    }
