"""What the alert says: e-mail through a real local SMTP server, Slack through a local HTTP receiver."""

import json

import pytest
from receivers import HttpReceiver, SmtpReceiver
from sales_fixtures import lead_input
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.catalogue import loader
from bot.sales import outbox
from bot.sales.models import Lead
from bot.sales.repository import LeadInput, save_lead

ROUTING = """
owners:
  anna: {name: Anna Berg, email: anna@consultancy.test}
  ben: {name: Ben Okafor}
rules:
  - when: {theme: security}
    owner: anna
team: [ben]
"""
# a company name that would ping a Slack channel, link elsewhere and add a mail header
EVIL = "<!channel> <!here> & <https://evil.example|click> Ltd\r\nBcc: v@evil.example"


@pytest.fixture
def channels(monkeypatch, tmp_path, engine, db_url):
    loader.load_into(db_url)  # the catalogue: service names and themes
    routing = tmp_path / "routing.yml"
    routing.write_text(ROUTING)
    monkeypatch.setenv("SALES_ROUTING_FILE", str(routing))
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
    with SmtpReceiver() as smtp, HttpReceiver() as slack:
        monkeypatch.setenv("SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("SMTP_FROM", "Assistant <assistant@consultancy.test>")
        monkeypatch.setenv("SALES_NOTIFY_EMAIL", "sales@consultancy.test")
        monkeypatch.setenv("SALES_SLACK_WEBHOOK_URL", slack.url)
        yield smtp, slack


def test_email_and_slack_carry_summary_score_reasons_owner_and_transcript(engine, channels):
    smtp, slack = channels
    saved = save_lead(engine, lead_input("alert-1", service="soc-as-a-service", phone="+44 20 7946 0958"))
    assert saved.owner == "anna"  # SOC is a security service
    assert outbox.deliver_pending(engine).delivered == 2

    (mail,) = smtp.messages
    assert sorted(smtp.recipients[0]) == ["anna@consultancy.test", "sales@consultancy.test"]
    assert mail["Subject"] == f"Qualified lead #{saved.id}: Acme (score {saved.score})"
    assert mail["Message-ID"] == f"<lead-{saved.id}.alert@consultancy.test>"
    body = mail.get_content()
    for expected in (
        "Name: Anna Smith",
        "E-mail: anna@acme.com",
        "Phone: +442079460958",
        "Service: SOC as a service",
        "Country: GB",
        "Talks to a decision maker (+25)",
        "Owner: Anna Berg <anna@consultancy.test>",
        f"Transcript: run `bot leads show {saved.id}`",
    ):
        assert expected in body, expected
    assert "recommendation" not in body  # none yet

    (slack_post,) = slack.received
    text = json.loads(slack_post[1])["text"]
    assert f"*Qualified lead #{saved.id}: Acme" in text and "Anna Berg" in text
    assert f"`bot leads show {saved.id}`" in text


def test_recommendation_shows_when_the_advisor_set_one(engine, channels):
    smtp, slack = channels
    saved = save_lead(
        engine, LeadInput(conversation_id="alert-2", name="Ola", email="ola@firma.pl", consent=True)
    )
    with Session(engine, future=True) as session, session.begin():  # set after the save, before the send
        session.execute(update(Lead).where(Lead.id == saved.id).values(recommendation="staff_augmentation"))
    outbox.deliver_pending(engine)
    assert "Advisor's recommendation: staff augmentation" in smtp.messages[0].get_content()
    assert "Advisor's recommendation: *staff augmentation*" in json.loads(slack.received[0][1])["text"]
    assert smtp.messages[0]["Subject"].startswith(f"New lead #{saved.id}: Ola")  # not qualified


def test_visitor_text_cannot_ping_a_channel_or_forge_mail_headers(engine, channels):
    smtp, slack = channels
    # (a name with markup is refused by the form and save_lead: the company carries it here)
    save_lead(
        engine,
        LeadInput(
            conversation_id="alert-3", name="Mallory", email="m@evil.example", consent=True, company=EVIL
        ),
    )
    outbox.deliver_pending(engine)
    text = json.loads(slack.received[0][1])["text"]
    assert "<!channel>" not in text and "<!here>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text
    mail = smtp.messages[0]
    assert "Bcc" not in mail and smtp.recipients[0] == ["sales@consultancy.test"]
    assert "\n" not in mail["Subject"]
