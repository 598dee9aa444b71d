"""The meeting link: Cal.com / Calendly style, details URL-encoded, qualified leads only."""

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.sales import booking
from bot.sales.models import Lead

CAL = "https://cal.com/consultancy/intro?name={name}&email={email}"


def test_name_and_email_are_url_encoded(monkeypatch):
    monkeypatch.setenv("BOOKING_URL_TEMPLATE", CAL)
    url = booking.link_for(Lead(qualified=True, name="Zoë O'Brien & Co", email="zoe+sales@acme.com"))
    assert url.startswith("https://cal.com/consultancy/intro?")
    assert parse_qs(urlsplit(url).query) == {"name": ["Zoë O'Brien & Co"], "email": ["zoe+sales@acme.com"]}


def test_a_crafted_answer_cannot_add_parameters_or_change_the_target(monkeypatch):
    monkeypatch.setenv("BOOKING_URL_TEMPLATE", "https://calendly.com/acme/30min?name={name}&email={email}")
    url = booking.link_for(Lead(qualified=True, name="x&redirect=https://evil.example#", email="a@b.co"))
    parts = urlsplit(url)
    assert parts.netloc == "calendly.com" and parts.fragment == ""
    assert set(parse_qs(parts.query)) == {"name", "email"}


def test_only_for_qualified_leads_and_only_when_configured(monkeypatch):
    monkeypatch.delenv("BOOKING_URL_TEMPLATE", raising=False)
    assert booking.link_for(Lead(qualified=True, name="A", email="a@b.co")) is None
    monkeypatch.setenv("BOOKING_URL_TEMPLATE", CAL)
    assert booking.link_for(Lead(qualified=False, name="A", email="a@b.co")) is None
    assert booking.link_for(Lead(qualified=True, name="A", email=None)).endswith("email=")


@pytest.mark.parametrize(
    "template", ["javascript:alert(1)//{name}", "ftp://files/{email}", "/relative?x={name}"]
)
def test_non_http_templates_are_refused(monkeypatch, template):
    monkeypatch.setenv("BOOKING_URL_TEMPLATE", template)
    assert booking.link_for(Lead(qualified=True, name="A", email="a@b.co")) is None
