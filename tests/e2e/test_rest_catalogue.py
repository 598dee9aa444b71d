"""End to end: catalogue questions answered from the database, through both servers."""

import pytest
from sqlalchemy import update

from bot import db
from bot.catalogue.models import Service
from tests.catalogue_prices import SOC, price

SOC_PRICE = price(SOC)

pytestmark = pytest.mark.e2e


def test_offer_price_and_sla_follow_ups(visitor):
    text = visitor.say_text("do you do SOC as a service?")
    assert "SOC as a service" in text and f"{SOC_PRICE} per month" in text
    assert SOC_PRICE in visitor.say_text("how much is it?")
    assert "15 min response" in visitor.say_text("what's the response time?")


def test_service_recognised_by_the_entity_ruler_with_a_typo(visitor):
    assert "Managed helpdesk" in visitor.say_text("how much is your managed helpdsk?")


def test_unknown_service_is_honest(visitor):
    replies = visitor.say("do you offer mainframe hosting?")
    assert "couldn't find" in replies[0]["text"]
    assert replies[0]["buttons"][-1]["payload"] == "/request_sales_contact"


def test_price_change_in_the_database_shows_in_the_next_answer(visitor, e2e_env):
    engine = db.make_engine(e2e_env["SALES_DB_URL"])
    try:
        with db.session_scope(engine) as session:
            session.execute(
                update(Service).where(Service.slug == "managed-firewall").values(price_amount=777)
            )
        assert "EUR 777 per month" in visitor.say_text("how much is your managed firewall?")
        with db.session_scope(engine) as session:
            session.execute(
                update(Service).where(Service.slug == "managed-firewall").values(price_amount=888)
            )
        assert "EUR 888 per month" in visitor.say_text("how much is your managed firewall?")
    finally:
        engine.dispose()
