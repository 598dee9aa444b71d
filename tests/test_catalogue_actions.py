"""Catalogue actions through rasa-sdk's Tracker, on a real database with the real catalogue."""

import pytest

from actions.catalogue import ActionCatalogueAnswer, ActionServicePrice, ActionServiceSla
from bot import db
from bot.catalogue import loader
from bot.settings import get_settings
from tests.action_helpers import entity, make_tracker, run_action, texts
from tests.catalogue_prices import SOC, price

SOC_PRICE = price(SOC)


@pytest.fixture
def catalogue_db(engine, db_url, monkeypatch):
    with db.session_scope(engine) as session:
        loader.load_catalogue(session, get_settings().catalogue_yaml)
    monkeypatch.setenv("SALES_DB_URL", db_url)
    return engine


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_do_you_offer_a_named_service(catalogue_db):
    tracker = make_tracker(
        "do you do SOC as a service?", "ask_catalogue_service", [entity("service", "SOC as a service")]
    )
    messages, events = run_action(ActionCatalogueAnswer(), tracker)
    text = texts(messages)
    assert "SOC as a service" in text and f"{SOC_PRICE} per month" in text and "SLA" in text
    assert slots_set(events) == {"service": "soc-as-a-service"}
    assert {"Price", "SLA", "Talk to sales"} <= {b["title"] for b in messages[0]["buttons"]}


def test_service_found_in_text_without_an_entity(catalogue_db):
    messages, events = run_action(
        ActionCatalogueAnswer(), make_tracker("can you migrate us to the cloud?", "ask_catalogue_service")
    )
    assert slots_set(events) == {"service": "system-migration"}
    assert "fixed price" in texts(messages)


def test_listing_a_side(catalogue_db):
    messages, events = run_action(
        ActionCatalogueAnswer(),
        make_tracker(
            "what managed services do you have?",
            "ask_catalogue_service",
            [entity("sourcing_model", "managed_services")],
        ),
    )
    assert "Managed helpdesk" in texts(messages)
    assert "Custom software development" not in texts(messages)
    assert len(messages[0]["buttons"]) >= 4 and events == []


def test_listing_a_theme(catalogue_db):
    messages, _ = run_action(
        ActionCatalogueAnswer(), make_tracker("any security services?", "ask_catalogue_service")
    )
    assert "Managed firewall" in texts(messages) and "SOC as a service" in texts(messages)


def test_unknown_service_is_honest_and_suggests(catalogue_db):
    messages, events = run_action(
        ActionCatalogueAnswer(), make_tracker("do you offer mainframe hosting?", "ask_catalogue_service")
    )
    text = texts(messages)
    assert "couldn't find" in text and "mainframe hosting" in text
    assert messages[0]["buttons"][-1]["payload"] == "/request_sales_contact"
    assert events == []


def test_price_and_sla_follow_ups_use_the_service_discussed(catalogue_db):
    slots = {"service": "managed-helpdesk"}
    price, _ = run_action(
        ActionServicePrice(), make_tracker("how much is it?", "ask_service_price", slots=slots)
    )
    assert "Managed helpdesk" in texts(price) and "EUR 1,100 per month" in texts(price)
    sla, _ = run_action(
        ActionServiceSla(), make_tracker("what's the response time?", "ask_service_sla", slots=slots)
    )
    assert "30 min response" in texts(sla)


def test_sla_of_project_work_says_there_is_none(catalogue_db):
    sla, _ = run_action(
        ActionServiceSla(),
        make_tracker("sla?", "ask_service_sla", slots={"service": "custom-software-development"}),
    )
    assert "no SLA tiers" in texts(sla)


def test_price_without_any_service_asks_which(catalogue_db):
    messages, events = run_action(ActionServicePrice(), make_tracker("how much is it?", "ask_service_price"))
    assert "Which service" in texts(messages) and events == []


def test_price_change_in_the_database_shows_at_once(catalogue_db):
    from sqlalchemy import update

    from bot.catalogue.models import Service

    with db.session_scope(catalogue_db) as session:
        session.execute(update(Service).where(Service.slug == "managed-firewall").values(price_amount=555))
    messages, _ = run_action(
        ActionServicePrice(),
        make_tracker("price?", "ask_service_price", slots={"service": "managed-firewall"}),
    )
    assert "EUR 555 per month" in texts(messages)


def test_unreachable_database_answers_politely(monkeypatch, caplog):
    monkeypatch.setenv("SALES_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
    messages, events = run_action(
        ActionCatalogueAnswer(), make_tracker("do you offer a managed firewall?", "ask_catalogue_service")
    )
    assert "can't look up" in texts(messages)
    assert messages[0]["buttons"] == [{"title": "Talk to sales", "payload": "/request_sales_contact"}]
    assert events == []
    assert any("catalogue look-up failed" in r.getMessage() for r in caplog.records)


# ----------------------------------------------------------------------------- the focus (issue 16)

SECURITY_LIST = {
    "event": "bot",
    "text": "Our security services: Managed firewall, SOC as a service. Which one would you like to know more about?",
    "data": {
        "buttons": [
            {"title": "Managed firewall", "payload": '/ask_catalogue_service{"service":"managed-firewall"}'},
            {"title": "SOC as a service", "payload": '/ask_catalogue_service{"service":"soc-as-a-service"}'},
            {"title": "Talk to sales", "payload": "/request_sales_contact"},
        ]
    },
}


def after(bot_event, text, intent, slots=None, entities=None):
    """The tracker the action server gets for `text`, sent right after the bot said `bot_event`."""
    events = [{"event": "user", "text": "earlier"}, bot_event, {"event": "user", "text": text}]
    return make_tracker(text, intent, entities, slots, events=events)


def payloads(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_price_after_a_short_list_asks_which_of_them(catalogue_db):
    tracker = after(SECURITY_LIST, "price?", "ask_service_price", slots={"service": "devops-engineering"})
    messages, events = run_action(ActionServicePrice(), tracker)
    assert "Which service" in texts(messages)
    assert payloads(messages)[:2] == [
        '/ask_service_price{"service":"managed-firewall"}',
        '/ask_service_price{"service":"soc-as-a-service"}',
    ]
    assert events == []


def test_price_with_the_service_in_focus_answers_it(catalogue_db):
    tracker = after(
        {"event": "bot", "text": "DevOps engineering..."},
        "price?",
        "ask_service_price",
        {"service": "devops-engineering"},
    )
    messages, _ = run_action(ActionServicePrice(), tracker)
    assert "DevOps engineering" in texts(messages) and "Which service" not in texts(messages)
    messages, _ = run_action(
        ActionServiceSla(),
        after(
            {"event": "bot", "text": "..."},
            "is there an sla on that",
            "ask_service_sla",
            {"service": "devops-engineering"},
        ),
    )
    assert "DevOps engineering" in texts(messages) and "Which service" not in texts(messages)


def test_which_service_with_nothing_in_focus_offers_what_fits(catalogue_db):
    messages, _ = run_action(
        ActionServiceSla(), make_tracker("what's the sla for security stuff?", "ask_service_sla")
    )
    offered = payloads(messages)
    assert '/ask_service_sla{"service":"managed-firewall"}' in offered
    assert (
        all(p.startswith("/ask_service_sla") for p in offered[:-1])
        and offered[-1] == "/request_sales_contact"
    )


def test_an_estimate_waits_for_its_service_and_keeps_the_numbers(catalogue_db):
    messages, events = run_action(
        ActionServicePrice(), make_tracker("how much for 120 users?", "ask_service_price")
    )
    assert '/ask_service_price{"service":"managed-helpdesk"}' in payloads(messages)
    pending = slots_set(events)["estimate"]
    assert pending["services"] == [] and pending["quantities"] == {"user": 120}
    asked = {
        "event": "bot",
        "text": "Which service should I estimate?",
        "metadata": {"utter_action": "utter_cost_which_service"},
    }
    # picked by a click, or typed
    for text in ('/ask_service_price{"service":"managed-helpdesk"}', "helpdesk"):
        picked = after(
            asked, text, "ask_service_price", {"estimate": pending}, [entity("service", "managed-helpdesk")]
        )
        messages, events = run_action(ActionServicePrice(), picked)
        assert "70 extra users" in messages[0]["arithmetic"]  # 120 users: the numbers given before the choice
        assert slots_set(events)["service"] == "managed-helpdesk"
    # later on, a price question is a price question
    later = after(
        {"event": "bot", "text": "..."},
        "what does the helpdesk cost?",
        "ask_service_price",
        {"estimate": pending},
        [entity("service", "managed-helpdesk")],
    )
    messages, _ = run_action(ActionServicePrice(), later)
    assert "arithmetic" not in messages[0] and "EUR 19 per extra user" in texts(messages)


def test_how_long_a_service_takes_is_its_engagement(catalogue_db):
    from tests.catalogue_prices import service

    migration = service("system-migration")
    messages, events = run_action(
        ActionCatalogueAnswer(),
        make_tracker("how long does a system migration usually take?", "ask_catalogue_service"),
    )
    assert texts(messages).startswith(f"{migration.name} typically runs {migration.engagement}")
    assert slots_set(events) == {"service": "system-migration"}
