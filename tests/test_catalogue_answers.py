"""Answer texts: pure formatting, chat-sized, faithful to the catalogue (no database needed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.catalogue import answers as a
from bot.catalogue.loader import read_catalogue
from bot.catalogue.queries import ServiceInfo

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yml"


SERVICES = [spec.info() for spec in read_catalogue(CATALOGUE)]
BY_SLUG = {s.slug: s for s in SERVICES}


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.slug)
def test_every_answer_is_chat_sized(service):
    for text in (a.describe(service), a.price_text(service), a.sla_text(service)):
        assert 0 < a.word_count(text) <= a.MAX_WORDS, text
        assert service.name in text


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("1200"), "EUR 1,200"),
        (Decimal("1200.00"), "EUR 1,200"),
        (Decimal("1234.5"), "EUR 1,234.50"),
        (Decimal("12000"), "EUR 12,000"),
        (Decimal("0"), "EUR 0"),
    ],
)
def test_money_format(amount, expected):
    assert a.format_money(amount, "EUR") == expected


def test_price_text_states_model_price_and_unit():
    servers = BY_SLUG["managed-servers"]
    assert a.starting_price(servers) == "from EUR 1,200 per month"
    assert "monthly subscription" in a.price_text(servers) and "from EUR 1,200 per month" in a.price_text(
        servers
    )
    assert "time & material" in a.price_text(BY_SLUG["custom-software-development"])
    assert "from EUR 650 per day" in a.price_text(BY_SLUG["custom-software-development"])
    assert "fixed price for the project" in a.price_text(BY_SLUG["system-migration"])
    assert "from EUR 12,000 per project" in a.price_text(BY_SLUG["system-migration"])


def test_describe_has_name_description_billing_and_sla():
    text = a.describe(BY_SLUG["managed-helpdesk"])
    for part in (
        "Managed helpdesk",
        "managed services",
        "monthly subscription",
        "from EUR 1,100 per month",
        "Standard 2 h response",
        "Premium 30 min response",
        "24/7",
    ):
        assert part in text, part
    # body leasing: specialists under the client's direction, billed per day, not project work
    leasing = a.describe(BY_SLUG["body-leasing"])
    assert "No SLA tiers" in leasing and "project work" not in leasing
    assert "No SLA tiers: project work" in a.describe(BY_SLUG["system-migration"])


def test_sla_text_is_honest_for_project_and_day_rate_work():
    assert "no SLA tiers: it is project work at a fixed price" in a.sla_text(BY_SLUG["system-migration"])
    for slug in ("custom-software-development", "body-leasing"):
        text = a.sla_text(BY_SLUG[slug])
        assert "no SLA tiers: it is billed per day" in text and "project work" not in text
        assert BY_SLUG[slug].description in text, "the catalogue's own description says what it is"
    soc = a.sla_text(BY_SLUG["soc-as-a-service"])
    assert "Critical 15 min response, 99.95% availability, 24/7" in soc


def test_list_text_names_services_and_fits():
    managed = [s for s in SERVICES if s.side == "managed_services"]
    text = a.list_text(managed, side="managed_services")
    assert text.startswith("Our managed services: ") and all(s.name in text for s in managed)
    assert a.list_text(SERVICES).startswith("Our services: ")
    assert "security services" in a.list_text([BY_SLUG["managed-firewall"]], theme="Security")
    assert "IT outsourcing services" in a.list_text([BY_SLUG["body-leasing"]], side="it_outsourcing")
    many = SERVICES * 4
    long = a.list_text(many)
    assert a.word_count(long) <= a.MAX_WORDS and "more" in long
    assert "no " in a.list_text([], theme="quantum").lower()


def test_not_found_text():
    sugg = [BY_SLUG["managed-servers"], BY_SLUG["managed-cloud"]]
    text = a.not_found_text("mainframe hosting", sugg)
    assert '"mainframe hosting"' in text and "Managed servers, Managed cloud environment" in text
    assert "sales" in a.not_found_text("pizza delivery", [])
    rant = "word " * 300
    assert a.word_count(a.not_found_text(rant, sugg)) <= a.MAX_WORDS
    assert a.word_count(a.not_found_text(rant, [])) <= a.MAX_WORDS


def test_overlong_catalogue_text_is_cut():
    svc = BY_SLUG["managed-firewall"]
    wordy = ServiceInfo(**{**svc.__dict__, "description": "blah " * 200})
    assert a.word_count(a.describe(wordy)) <= a.MAX_WORDS
