"""A need described in words (issue 16): kept as the lead's `need`, never as a service name, and
shown wherever sales read a lead: the summary the visitor confirms, `bot leads show/list --json`,
the CSV export, the alert, the CRM webhook notes; it scores less than a catalogue service."""

import csv
import json

import pytest
from sales_fixtures import tracker_url  # noqa: F401
from sqlalchemy import select

from bot import cli, db
from bot.sales import alerts, crm, form, scoring
from bot.sales.models import Lead
from bot.sales.repository import LeadInput, save_lead
from bot.sales.serialize import lead_to_dict

NEED = "our ERP keeps crashing and nobody looks after it"


def need_lead(engine, conversation_id="need-1", **extra):
    fields = dict(name="Ola Nowak", email="ola@fjord.no", consent=True, company="Fjord AS", need=NEED)
    fields.update(extra)
    return save_lead(engine, LeadInput(conversation_id=conversation_id, **fields))


@pytest.fixture
def env(db_url, tracker_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SALES_DB_URL", db_url)
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("SALES_ROUTING_FILE", "/nonexistent/routing.yml")
    return db_url


def run(capsys, *argv):
    code = cli.main(["leads", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_form_sends_the_need_and_no_service():
    values = {
        "lead_name": "Ola",
        "lead_email": "ola@fjord.no",
        "lead_company": "Fjord AS",
        "lead_service": form.SKIPPED,
        form.NEED: NEED,
        "lead_consent": True,
    }
    data = form.lead_input(values, "conv", None, "consent text")
    assert data.need == NEED and data.service is None
    assert f"Need: {NEED}" in form.summary(values) and "Service" not in form.summary(values)
    assert form.lead_input({**values, form.NEED: None}, "conv", None, "x").need is None


def test_a_described_need_scores_less_than_a_catalogue_service():
    service = scoring.score_lead(service="managed-helpdesk")
    need = scoring.score_lead(described_need=NEED)
    nothing = scoring.score_lead()
    assert nothing.score < need.score < service.score
    assert "Described a need in their own words (+10)" in need.reasons
    assert "No specific service named (+0)" not in need.reasons


def test_need_is_stored_bounded_and_without_control_characters(engine):
    saved = need_lead(engine, need="ERP\x1b[2J down " + "x" * 400)
    with db.session_scope(engine) as session:
        lead = session.get(Lead, saved.id)
        assert lead.need.startswith("ERP down") and "\x1b" not in lead.need and len(lead.need) <= 300
        assert lead.service is None
        assert lead_to_dict(lead)["need"] == lead.need


def test_list_json_show_and_csv_carry_the_need(env, engine, capsys, tmp_path):
    saved = need_lead(engine)
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and json.loads(out)[0]["need"] == NEED
    code, out, _ = run(capsys, "list")
    assert code == 0 and "need: our ERP" in out
    code, out, _ = run(capsys, "show", str(saved.id))
    assert code == 0 and f"need: {NEED}" in out and "Described a need" in out
    target = tmp_path / "leads.csv"
    assert run(capsys, "export", "--csv", str(target))[0] == 0
    with target.open(newline="", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["need"] == NEED and row["service"] == ""


def test_alert_and_crm_notes_carry_the_need(env, engine):
    saved = need_lead(engine)
    with db.session_scope(engine) as session:
        lead = session.execute(select(Lead).where(Lead.id == saved.id)).scalar_one()
        alert = alerts.build(session, lead)
        assert ("Need", NEED) in alert.details
        assert f"Need: {NEED}" in alerts.as_text(alert)
        assert f"Need: {NEED}" in alerts.as_slack(alert)["text"]
        assert crm.ours(lead)["need"] == NEED
        assert f"Need: {NEED}" in crm.hubspot(lead)["properties"]["message"]
        assert f"Need: {NEED}" in crm.salesforce(lead)["Description"]
