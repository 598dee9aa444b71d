"""The report's figures from tracker events: topics, fallbacks, the form funnel, masking."""

import json
from datetime import date, datetime, timezone

import pytest

from bot import settings
from bot.report import data
from bot.report.data import EventRow

QUESTIONS = ["lead_name", "lead_email", "lead_company"]
T0 = datetime(2024, 5, 6, 9, 0, tzinfo=timezone.utc).timestamp()


class Conversation:
    """Writes events the way Rasa's SQLTrackerStore stores them."""

    def __init__(self, sender, start=T0):
        self.sender, self.t, self.rows = sender, start, []

    def _add(self, type_name, intent=None, action=None, **payload):
        self.t += 1
        self.rows.append(EventRow(self.sender, type_name, self.t, intent, action, json.dumps(payload)))
        return self

    def user(self, text, intent):
        return self._add("user", intent=intent, text=text)

    def action(self, name):
        return self._add("action", action=name, name=name)

    def form(self, active=True):
        return self._add("active_loop", name="lead_form" if active else None)

    def ask(self, slot):
        return self._add("slot", name="requested_slot", value=slot)


def rows_of(*conversations):
    return [row for c in conversations for row in c.rows]


def test_questions_fallbacks_and_what_was_not_understood():
    a = (
        Conversation("a")
        .user("how are managed services billed?", "ask_billing_model")
        .action("action_answer_knowledge")
        .action("action_listen")
        .user("Can u fix my printer? call me on +44 20 7946 0958", "out_of_scope")
        .action("utter_out_of_scope")
        .user("blorp zzz", "nlu_fallback")
        .action("utter_default")
        .user("/rate_helpful", "rate_helpful")
        .action("action_rate_answer")
    )
    b = (
        Conversation("b", start=T0 + 86400)
        .user("billing vs outsorcing??", "ask_billing_model")
        .action("action_clarify_intent")
        .user("BLORP   zzz!", "nlu_fallback")
        .action("action_default_fallback")
    )
    out = data.analyse(rows_of(a, b), QUESTIONS)
    assert out.questions == 5  # the rating button is not a question
    assert out.topics == {"ask_billing_model": 2, "out_of_scope": 1}
    assert (out.fallbacks, out.clarifications, out.off_topic) == (2, 1, 1)
    assert out.not_understood["blorp zzz"] == 2  # grouped whatever the case and spacing
    assert "can u fix my printer? call me on <phone>" in out.not_understood
    assert out.per_day == {date(2024, 5, 6): 1, date(2024, 5, 7): 1}


def test_form_answers_never_reach_the_report_and_the_funnel_follows_the_questions():
    done = (
        Conversation("done")
        .user("talk to sales", "request_sales_contact")
        .action("lead_form")
        .form()
        .ask("lead_name")
        .user("Jane Doe", "nlu_fallback")
        .ask("lead_email")
        .user("jane@x.com", "inform")
        .ask("lead_company")
        .user("Acme", "inform")
        .form(False)
        .action("action_submit_lead")
    )
    left_at_email = (
        Conversation("left")
        .user("quote please", "request_sales_contact")
        .action("lead_form")
        .form()
        .ask("lead_name")
        .user("Sam", "inform")
        .ask("lead_email")
    )
    # a form that skipped the name question (already known) still counts as having got past it
    skipped = (
        Conversation("skip")
        .user("sales", "request_sales_contact")
        .action("lead_form")
        .form()
        .ask("lead_email")
        .user("Stop", "stop")
        .form(False)
    )
    out = data.analyse(rows_of(done, left_at_email, skipped), QUESTIONS)
    assert not out.not_understood and out.questions == 3 and out.fallbacks == 0
    steps = data.funnel(out, QUESTIONS, submitted={"done", "someone-else"})
    assert [(s.name, s.reached, s.dropped) for s in steps] == [
        ("form started", 3, 0),
        ("lead_name", 3, 0),
        ("lead_email", 3, 2),
        ("lead_company", 1, 0),
        ("submitted", 1, 0),
    ]


def test_form_questions_come_from_the_domain():
    questions = data.form_questions(settings.ROOT / "domain.yml")
    assert questions[0] == "lead_name" and "lead_email" in questions and len(questions) >= 5


def test_since_accepts_periods_and_dates():
    now = datetime(2024, 5, 10, 12, 0, tzinfo=timezone.utc)
    assert data.parse_since("7d", now) == datetime(2024, 5, 3, 12, 0, tzinfo=timezone.utc)
    assert data.parse_since("24h", now) == datetime(2024, 5, 9, 12, 0, tzinfo=timezone.utc)
    assert data.parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="--since"):
        data.parse_since("last tuesday")


def test_long_messages_are_bounded_when_shown():
    shown = data.shown_text("x" * 5000)
    assert len(shown) == data.MAX_SHOWN_CHARS
