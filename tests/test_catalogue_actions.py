"""Catalogue actions through rasa-sdk's Tracker, on a real database with the real catalogue."""

import pytest

from actions.catalogue import ActionCatalogueAnswer, ActionServicePrice, ActionServiceSla
from bot import db
from bot.catalogue import loader
from tests.action_helpers import entity, make_tracker, run_action, texts
from tests.catalogue_prices import SOC, price

SOC_PRICE = price(SOC)


@pytest.fixture
def catalogue_db(engine, db_url, monkeypatch):
    with db.session_scope(engine) as session:
        loader.load_catalogue(session, db.settings.catalogue_yaml())
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
