"""The CRM webhook: three body formats, each request signed as Standard Webhooks specifies.

The receiver side is checked with `standardwebhooks`, the scheme's reference library, not
with our own code.
"""

import base64
import json

import pytest
from receivers import HttpReceiver
from sales_fixtures import lead_input
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from bot.sales import outbox, webhook
from bot.sales.repository import LeadInput, save_lead

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


@pytest.fixture
def receiver(monkeypatch, tmp_path):
    monkeypatch.delenv("SALES_NOTIFY_EMAIL", raising=False)
    monkeypatch.delenv("SALES_SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("SALES_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("SALES_ROUTING_FILE", str(tmp_path / "none.yml"))
    with HttpReceiver() as hook:
        monkeypatch.setenv("SALES_WEBHOOK_URL", hook.url)
        yield hook


def jane(conversation_id="crm-1"):
    """A qualified lead whose first name has two words, from a German company."""
    return lead_input(conversation_id, name="Jane Mary Doe", company="Acme GmbH")


def delivered(engine, hook, fmt, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_FORMAT", fmt)
    saved = save_lead(engine, jane(f"crm-{fmt}"))
    assert outbox.deliver_pending(engine).delivered == 1
    headers, body = hook.received[-1]
    return saved, headers, body


def test_signed_request_verifies_with_the_reference_library(engine, receiver, monkeypatch):
    saved, headers, body = delivered(engine, receiver, "ours", monkeypatch)
    assert headers["webhook-id"] == f"lead-{saved.id}"
    assert headers["webhook-signature"].startswith("v1,")
    payload = Webhook(SECRET).verify(body, headers)
    assert payload["id"] == saved.id and payload["country"] == "DE" and payload["qualified"] is True

    tampered = body.replace(b'"qualified":true', b'"qualified":false')
    assert tampered != body
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(tampered, headers)
    other = "whsec_" + base64.b64encode(b"another secret of 32 bytes......").decode()
    with pytest.raises(WebhookVerificationError):  # a different secret cannot have signed it
        Webhook(other).verify(body, headers)
    replayed = dict(headers, **{"webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)})
    with pytest.raises(WebhookVerificationError):  # an old request replayed with a new time
        Webhook(SECRET).verify(body, replayed)


def test_hubspot_contact_properties(engine, receiver, monkeypatch):
    _, headers, body = delivered(engine, receiver, "hubspot", monkeypatch)
    properties = Webhook(SECRET).verify(body, headers)["properties"]
    assert properties["email"] == "anna@acme.com"
    assert (properties["firstname"], properties["lastname"]) == ("Jane Mary", "Doe")
    assert properties["company"] == "Acme GmbH" and properties["phone"] == "+49301234567"
    assert properties["lifecyclestage"] == "salesqualifiedlead" and properties["hs_lead_status"] == "NEW"
    assert "Talks to a decision maker" in properties["message"] and "bot leads show" in properties["message"]


def test_salesforce_lead_fields(engine, receiver, monkeypatch):
    _, headers, body = delivered(engine, receiver, "salesforce", monkeypatch)
    fields = Webhook(SECRET).verify(body, headers)
    assert (fields["FirstName"], fields["LastName"], fields["Company"]) == ("Jane Mary", "Doe", "Acme GmbH")
    assert fields["Email"] == "anna@acme.com" and fields["Country"] == "DE"
    assert fields["Rating"] == "Hot" and fields["LeadSource"] == "Web" and "Score" in fields["Description"]


def test_salesforce_gets_the_required_fields_from_a_short_lead(engine, receiver, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_FORMAT", "salesforce")
    save_lead(
        engine,
        LeadInput(conversation_id="short", name="Cher", email=None, phone="+44 20 7946 0958", consent=True),
    )
    assert outbox.deliver_pending(engine).delivered == 1
    fields = json.loads(receiver.received[-1][1])
    assert fields["LastName"] == "Cher" and "FirstName" not in fields
    assert fields["Company"] == "[not provided]" and fields["Rating"] == "Warm"


def test_a_bad_secret_keeps_the_alert_queued(engine, receiver, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_SECRET", "not base64!")
    save_lead(engine, jane())
    stats = outbox.deliver_pending(engine)
    assert stats.failed == 1 and receiver.received == []  # never sent unsigned by mistake


def test_signature_matches_the_scheme_by_hand():
    body = b'{"a":1}'
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert webhook.sign(SECRET, "msg_1", 1700000000, body) == "v1," + expected
    with pytest.raises(webhook.SecretError):
        webhook.signing_key("whsec_c2hvcnQ=")  # "short"
