"""Typed answers (tests/advisor_phrasings.yml) through validate_advisor_form's extract/validate methods.

A real SQLite catalogue answers the systems question; no Rasa server is needed.
"""

from __future__ import annotations

import pytest
import yaml

from actions.advisor import ValidateAdvisorForm, form_slots
from bot.advisor import form
from tests.action_helpers import ROOT, domain, form_tracker, run_action

PHRASINGS = yaml.safe_load((ROOT / "tests" / "advisor_phrasings.yml").read_text(encoding="utf-8"))
CASES = [
    pytest.param(slot, case, id=f"{slot}: {case['text']}")
    for slot, cases in PHRASINGS.items()
    for case in cases
]
# Answers already given when the question is asked (the advisor answered so far).
EARLIER = {
    "advice_work": "run",
    "advice_capacity": "some",
    "advice_operations": "office_hours",
    "advice_billing": "monthly",
    "advice_duration": "ongoing",
}


def earlier_answers(slot: str) -> dict:
    order = list(EARLIER) + [form.SYSTEMS]
    return {k: v for k, v in EARLIER.items() if order.index(k) < order.index(slot)}


def test_at_least_15_typed_answers_per_question():
    assert set(PHRASINGS) == set(form_slots(domain()))
    for slot, cases in PHRASINGS.items():
        assert len(cases) >= 15, slot


@pytest.mark.parametrize("slot, case", CASES)
def test_typed_answer(slot, case, catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    tracker = form_tracker(
        case["text"], slot, case.get("intent", "inform"), earlier_answers(slot), form_name=form.FORM
    )
    messages, events = run_action(ValidateAdvisorForm(), tracker)
    expect = case["expect"]
    if expect == "digression":
        assert events == [], "a question of its own must be left to the digression rules"
        return
    set_now = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    if expect == "stop":
        assert set_now.get(form.CANCELLED) is True
        assert set_now.get("requested_slot", "unset") is None
    elif expect == "skip_rest":
        assert set_now.get(form.SKIP_REST) is True
        assert set_now.get("requested_slot", "unset") is None
    elif expect == "miss":
        assert set_now.get(slot) is None
        assert set_now[form.ATTEMPTS] == {slot: 1}
        assert messages, "a miss is explained"
        assert set_now.get("requested_slot") == slot
    else:
        assert set_now.get(slot) == expect
    for other, value in (case.get("also") or {}).items():
        assert set_now.get(other) == value, other
