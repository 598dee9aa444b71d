"""save_lead on real SQLite and PostgreSQL: idempotent, linked, consented, atomic."""

import threading

import pytest
from sales_fixtures import count
from sales_fixtures import lead_input as lead
from sqlalchemy.orm import Session

from bot.sales import privacy, repository
from bot.sales.repository import ConsentRequired, get_lead, list_leads, save_lead
from bot.sales.validation import InvalidInput


@pytest.fixture(autouse=True)
def _no_webhook(monkeypatch):
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)


def test_save_lead_stores_normalised_scored_lead(engine):
    saved = save_lead(engine, lead(email="Anna@ACME.com"))
    assert saved.created_now and saved.id
    with Session(engine, future=True) as session:
        row = get_lead(session, saved.id)
        assert row.email == "anna@acme.com" and row.email_domain == "acme.com"
        assert row.phone == "+49301234567"
        assert (row.company_size, row.budget, row.timeline, row.role) == (
            "11-50",
            "15k-50k/month",
            "now/within 1 month",
            "decision maker",
        )
        assert row.consent and row.consent_text == "Yes, you may contact me." and row.consent_at
        assert row.qualified and row.score >= 60 and row.reasons
        assert row.contact.email == "anna@acme.com"
    assert count(engine, "outbox") == 0  # no webhook configured


def test_same_conversation_returns_the_existing_lead(engine):
    first = save_lead(engine, lead())
    again = save_lead(engine, lead(name="Someone Else", budget="not sure"))
    assert again.id == first.id and not again.created_now
    assert again.name == "Anna Smith"
    assert count(engine, "leads") == 1


def test_returning_visitor_is_linked_not_duplicated(engine):
    first = save_lead(engine, lead("conv-1", company=None))
    second = save_lead(engine, lead("conv-2", email=" ANNA@acme.com ", company="Acme GmbH"))
    assert first.id != second.id
    assert first.contact_id == second.contact_id
    assert count(engine, "contacts") == 1
    with Session(engine, future=True) as session:
        leads = list_leads(session)
        assert [x.conversation_id for x in leads] == ["conv-2", "conv-1"]  # newest first
        assert leads[0].company == "Acme GmbH"  # the lead keeps its own values
        assert leads[0].contact.company is None  # the contact keeps its first ones


@pytest.mark.parametrize("consent", [False, None, "yes"])
def test_no_consent_is_refused(engine, consent):
    with pytest.raises(ConsentRequired, match="consent"):
        save_lead(engine, lead(consent=consent))
    assert count(engine, "leads") == count(engine, "contacts") == 0


def test_invalid_email_is_refused_with_a_hint(engine):
    with pytest.raises(InvalidInput, match="e-mail"):
        save_lead(engine, lead(email="anna at acme"))
    assert count(engine, "contacts") == 0


def test_phone_only_lead_is_accepted_and_linked_by_phone(engine):
    first = save_lead(engine, lead("conv-1", email=None, phone="+44 20 7946 0958"))
    second = save_lead(engine, lead("conv-2", email="", phone="+442079460958"))
    assert first.email is None and first.phone == "+442079460958"
    assert first.contact_id == second.contact_id
    assert any("phone only" in r for r in first.reasons)


def test_lead_without_any_contact_route_is_refused(engine):
    with pytest.raises(InvalidInput, match="phone number"):
        save_lead(engine, lead(email=None, phone=None))
    assert count(engine, "leads") == 0


def test_forget_by_email_or_phone(engine, tmp_path):
    tracker = f"sqlite:///{tmp_path / 'no-tracker-yet.db'}"
    save_lead(engine, lead("conv-1"))
    save_lead(engine, lead("conv-2", email=None, phone="+44 20 7946 0958"))
    save_lead(engine, lead("conv-3", email="joe@other.com", phone=None))
    assert privacy.forget("ANNA@acme.com", engine=engine, tracker_url=tracker) == {
        "leads": 1,
        "contacts": 1,
        "outbox": 0,
        "spooled": 0,
        "conversations": 0,
        "events": 0,
        "ratings": 0,
    }
    assert privacy.forget("+44 20 7946 0958", engine=engine, tracker_url=tracker)["leads"] == 1
    with pytest.raises(InvalidInput):
        privacy.forget("not a person", engine=engine, tracker_url=tracker)
    with Session(engine, future=True) as session:
        assert [x.conversation_id for x in list_leads(session)] == ["conv-3"]
    assert count(engine, "contacts") == 1


def test_list_leads_filters_on_qualified(engine):
    save_lead(engine, lead("hot"))
    save_lead(
        engine,
        lead(
            "cold",
            email="joe@gmail.com",
            role="student",
            budget="not sure",
            timeline="next year",
            service=None,
        ),
    )
    with Session(engine, future=True) as session:
        assert [x.conversation_id for x in list_leads(session, qualified=True)] == ["hot"]
        assert [x.conversation_id for x in list_leads(session, qualified=False)] == ["cold"]
        assert get_lead(session, 999999) is None


def test_outbox_row_written_with_the_lead(engine, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    saved = save_lead(engine, lead())
    save_lead(engine, lead())  # repeat: still one outbox row
    assert count(engine, "outbox") == 1
    with Session(engine, future=True) as session:
        from bot.sales.models import OutboxItem

        item = session.query(OutboxItem).one()
        assert item.lead_id == saved.id and item.channel == "webhook"
        assert item.delivered_at is None and item.attempts == 0


def test_failure_mid_transaction_leaves_nothing_half_written(engine, monkeypatch):
    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/hook")

    def broken_outbox(_session, _lead):  # fails after contact and lead were flushed
        raise RuntimeError("outbox failed")

    monkeypatch.setattr(repository.outbox, "enqueue", broken_outbox)
    with pytest.raises(RuntimeError):
        save_lead(engine, lead())
    for table in ("contacts", "leads", "outbox"):
        assert count(engine, table) == 0, table


def test_caller_session_is_committed_and_reusable(engine):
    with Session(engine, future=True, expire_on_commit=False) as session:
        saved = save_lead(session, lead())
        with pytest.raises(ConsentRequired):
            save_lead(session, lead("conv-2", consent=False))
        assert save_lead(session, lead()).id == saved.id
    assert count(engine, "leads") == 1


def _in_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


@pytest.mark.parametrize("shared_email", [False, True], ids=["own-email", "same-email"])
def test_twenty_parallel_conversations_give_twenty_leads(engine, shared_email):
    def save(i):
        email = "team@acme.com" if shared_email else f"person{i}@acme.com"
        save_lead(engine, lead(f"conv-{i}", email=email))

    _in_threads(20, save)
    assert count(engine, "leads") == 20
    assert count(engine, "contacts") == (1 if shared_email else 20)


def test_parallel_saves_of_one_conversation_give_one_lead(engine):
    ids = []
    _in_threads(5, lambda i: ids.append(save_lead(engine, lead("same-conv")).id))
    assert len(set(ids)) == 1
    assert count(engine, "leads") == 1 and count(engine, "contacts") == 1
