"""The sales tables as the models describe them are the tables the migrations create."""

from alembic import command
from schema_check import model_diffs
from sqlalchemy import inspect, text

from bot import db, ratings  # noqa: F401  (ratings registers answer_ratings on Base)
from bot.sales import models

SALES_TABLES = {"contacts", "leads", "outbox", "routing_counters", "answer_ratings"}


def test_models_match_the_migrations(engine):
    assert model_diffs(engine, models.Base.metadata, SALES_TABLES) == []


def test_0004_keeps_a_queued_webhook_and_sends_qualified_leads_first(db_url):
    """A database at 0002 with a lead waiting for its webhook, upgraded to 0004."""
    db.upgrade(db_url, "0002_sales")
    engine = db.make_engine(db_url)
    now = "2024-01-01 10:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (id, key, email, created_at, updated_at) "
                "VALUES (1, 'email:a@acme.com', 'a@acme.com', :now, :now)"
            ),
            {"now": now},
        )
        for lead_id, qualified in ((1, True), (2, False)):
            conn.execute(
                text(
                    "INSERT INTO leads (id, created_at, updated_at, name, email, consent, consent_text,"
                    " consent_at, score, reasons, qualified, conversation_id, contact_id)"
                    " VALUES (:id, :now, :now, 'A', 'a@acme.com', true, 'ok', :now, 70, '[]', :q, :cid, 1)"
                ),
                {"id": lead_id, "now": now, "q": qualified, "cid": f"c{lead_id}"},
            )
            conn.execute(
                text(
                    "INSERT INTO outbox (lead_id, payload, attempts, next_attempt_at, created_at) "
                    "VALUES (:id, '{}', 0, :now, :now)"
                ),
                {"id": lead_id, "now": now},
            )
    engine.dispose()

    db.upgrade(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT lead_id, channel, priority FROM outbox ORDER BY lead_id")).all()
    assert [tuple(r) for r in rows] == [(1, "webhook", 0), (2, "webhook", 1)]

    command.downgrade(db.alembic_config(db_url), "0002_sales")
    engine.dispose()
    names = set(inspect(engine).get_table_names())
    assert "answer_ratings" not in names and "routing_counters" not in names
    assert "owner" not in {c["name"] for c in inspect(engine).get_columns("leads")}
    db.upgrade(db_url)
    engine.dispose()
