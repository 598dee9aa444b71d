"""Without the action server (down, restarting, too slow) the visitor still gets an answer.

Pure decisions (bot.degraded) and the Rasa server's own RemoteAction and FormAction, run against
an endpoint nobody listens on and one that answers too late (bot.rasa_fixes)."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import degraded, rasa_fixes, settings
from bot.serve import free_port

DOMAIN_FILE = settings.ROOT / "domain.yml"
KNOWN = {"utter_faq/office", "utter_faq/unknown"}


# ----------------------------------------------------------------------------- decisions


def message(text, intent, entities=(), **extra):
    return {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), **extra}


def test_knowledge_is_answered_from_the_article_with_its_topic_kept():
    fb = degraded.fallback_for(
        "action_answer_knowledge",
        message(
            "how are msps billed?",
            "ask_billing_model",
            [{"entity": "sourcing_model", "value": "managed_services"}],
        ),
        {},
        KNOWN,
        0.5,
    )
    assert fb.response == "utter_billing_model_managed_services"
    assert fb.slots == {"topic": "billing_model", "sourcing_model": "managed_services"}
    follow = degraded.fallback_for(
        "action_follow_up",
        message("and outsourcing?", "inform", [{"entity": "sourcing_model", "value": "it_outsourcing"}]),
        {"topic": "billing_model"},
        KNOWN,
        0.5,
    )
    assert follow.response == "utter_billing_model_it_outsourcing"
    assert (
        degraded.fallback_for("action_follow_up", message("not sure", "inform"), {}, KNOWN, 0.5).response
        == "utter_not_sure"
    )


def test_facts_clarifications_and_the_advisors_pause_need_no_action_server():
    selector = {"faq": {"response": {"intent_response_key": "faq/office", "confidence": 0.9}}}
    assert (
        degraded.fallback_for(
            "action_answer_fact", message("where are you?", "faq", response_selector=selector), {}, KNOWN, 0.5
        ).response
        == "utter_faq/office"
    )
    ranking = [
        {"name": "ask_service_price", "confidence": 0.4},
        {"name": "ask_service_sla", "confidence": 0.35},
    ]
    clarified = degraded.fallback_for(
        "action_clarify", message("cost and sla?", "nlu_fallback", intent_ranking=ranking), {}, KNOWN, 0.5
    )
    assert clarified.response == "utter_clarify" and "our prices" in clarified.kwargs["options"]
    assert degraded.fallback_for("action_pause_advisor", {}, {}, KNOWN, 0.5).slots == {"advice_paused": True}


def test_forms_keep_their_state_and_stop_still_stops():
    for action in ("validate_lead_form", "action_ask_lead_email", "action_start_lead", "action_give_advice"):
        assert degraded.fallback_for(action, {}, {}, KNOWN, 0.5) == degraded.FORM
    cancel = degraded.fallback_for("action_cancel_lead", {}, {}, KNOWN, 0.5, ["lead_name", "lead_email"])
    assert cancel.response == "utter_lead_cancelled" and cancel.slots == {
        "lead_name": None,
        "lead_email": None,
    }


def test_everything_else_says_it_cannot_look_it_up():
    for action in (
        "action_catalogue_answer",
        "action_service_price",
        "action_cost_estimate",
        "action_rate_answer",
    ):
        assert (
            degraded.fallback_for(
                action, message("do you do soc?", "ask_catalogue_service"), {}, KNOWN, 0.5
            ).response
            == degraded.LOOKUP_NOTICE
        )


def test_an_outage_is_told_once_and_so_is_its_end():
    outage = degraded.Outage()
    assert outage.failed() is True and outage.failed() is False
    assert outage.recovered() is True and outage.recovered() is False
    assert outage.failed() is True


# ----------------------------------------------------------------------------- in the Rasa server


@pytest.fixture(autouse=True)
def _own_sales_database(monkeypatch, tmp_path):
    """The outage these tests cause is recorded in a database of the test's own."""
    from bot import db

    url = f"sqlite:///{tmp_path / 'sales.db'}"
    db.upgrade(url)
    monkeypatch.setenv("SALES_DB_URL", url)
    monkeypatch.delenv("SALES_NOTIFY_EMAIL", raising=False)
    monkeypatch.delenv("SALES_SLACK_WEBHOOK_URL", raising=False)
    rasa_fixes.OUTAGE.recovered()
    yield url
    rasa_fixes.OUTAGE.recovered()


@pytest.fixture(scope="module")
def domain():
    assert rasa_fixes.apply()
    return Domain.load(str(DOMAIN_FILE))


def run(coroutine):
    return asyncio.run(coroutine)


def tracker_for(domain, text, intent, entities=(), loop=None, slots=()):
    events = [UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities))]
    if loop:
        events = [ActiveLoop(loop), SlotSet("requested_slot", "lead_email"), *slots, *events]
    return DialogueStateTracker.from_events("degraded-test", events, domain.slots)


def endpoint(port):
    return EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")


def texts(events):
    return [e.text for e in events if isinstance(e, BotUttered)]


def test_a_knowledge_question_is_answered_with_the_action_server_down(domain, _own_sales_database):
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = tracker_for(domain, "how are managed services billed?", "ask_billing_model")
    events = run(
        RemoteAction("action_answer_knowledge", endpoint(free_port())).run(
            CollectingOutputChannel(), nlg, tracker, domain
        )
    )
    (said,) = texts(events)
    assert said == domain.responses["utter_billing_model"][0]["text"]
    assert SlotSet("topic", "billing_model") in events
    # the outage is recorded once, in the background
    from sqlalchemy import create_engine, text

    engine = create_engine(_own_sales_database, future=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            opened = conn.execute(text("SELECT count(*) FROM incidents WHERE closed_at IS NULL")).scalar()
        if opened:
            break
        time.sleep(0.2)
    assert opened == 1
    engine.dispose()


def test_a_catalogue_question_gets_an_honest_answer_and_the_way_to_sales(domain):
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = tracker_for(domain, "do you do soc?", "ask_catalogue_service")
    events = run(
        RemoteAction("action_catalogue_answer", endpoint(free_port())).run(
            CollectingOutputChannel(), nlg, tracker, domain
        )
    )
    (bot,) = [e for e in events if isinstance(e, BotUttered)]
    assert "can't look that up right now" in bot.text
    assert {"title": "Talk to sales", "payload": "/request_sales_contact"} in bot.data["buttons"]


def test_a_form_keeps_its_question_and_answers_once(domain):
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = tracker_for(
        domain, "anna@acme.com", "inform", loop="lead_form", slots=[SlotSet("lead_name", "Anna")]
    )
    form = FormAction("lead_form", endpoint(free_port()))
    events = run(form.run(CollectingOutputChannel(), nlg, tracker, domain))
    assert texts(events) == [domain.responses["utter_unavailable_form"][0]["text"]]
    assert not [e for e in events if isinstance(e, (SlotSet, ActiveLoop))]  # still on the e-mail question


class SlowActionServer:
    """Answers every call, but only after `delay` seconds."""

    def __init__(self, delay):
        self.port = free_port()
        delay_ = delay

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay_)
                body = b'{"events": [], "responses": [{"text": "late"}]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_slow_action_server_is_not_waited_for(domain, monkeypatch):
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "1")
    slow = SlowActionServer(delay=4)
    try:
        nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        tracker = tracker_for(domain, "what is proactivity?", "ask_proactivity")
        started = time.monotonic()
        events = run(
            RemoteAction("action_answer_knowledge", endpoint(slow.port)).run(
                CollectingOutputChannel(), nlg, tracker, domain
            )
        )
        assert time.monotonic() - started < 3
        assert texts(events) == [domain.responses["utter_proactivity"][0]["text"]]
    finally:
        slow.close()
