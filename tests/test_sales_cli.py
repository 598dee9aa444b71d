"""`bot leads ...` end to end on real databases, with a tracker written by Rasa itself."""

import csv
import json
import subprocess
import sys

import pytest
from sales_fixtures import count, lead_input, tracker_url, write_rasa_tracker  # noqa: F401

from bot import cli
from bot.sales import cli as sales_cli
from bot.sales.repository import save_lead

# the columns sales get in CSV are in the JSON too (one list: bot.sales.cli.CSV_FIELDS)
JSON_KEYS = set(sales_cli.CSV_FIELDS)


@pytest.fixture
def env(db_url, tracker_url, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", db_url)
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
    return db_url


def run(capsys, *argv):
    code = cli.main(["leads", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(engine, conversation_id, email, **fields):
    return save_lead(engine, lead_input(conversation_id, email=email, **fields))


def test_list_json_has_the_documented_keys(env, engine, capsys):
    add(engine, "conv-1", "anna@acme.com")
    add(
        engine,
        "conv-2",
        "joe@gmail.com",
        role="student",
        budget="not sure",
        timeline="someday",
        service=None,
        company=None,
    )
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    leads = json.loads(out)
    assert len(leads) == 2 and JSON_KEYS <= set(leads[0])
    assert leads[0]["conversation_id"] == "conv-2"  # newest first
    assert isinstance(leads[1]["reasons"], list) and leads[1]["qualified"] is True

    code, out, _ = run(capsys, "list", "--qualified", "--json")
    assert [x["conversation_id"] for x in json.loads(out)] == ["conv-1"]

    code, out, _ = run(capsys, "list")
    assert code == 0 and "anna@acme.com" in out and "SCORE" in out


def test_export_csv(env, engine, capsys, tmp_path):
    saved = add(
        engine,
        "conv-1",
        "anna@acme.com",
        name="O'Brien, Anna",
        phone="+44 20 7946 0958",
        company='=HYPERLINK("http://evil.example","click")',
    )
    add(engine, "conv-2", "joe@acme.com", company="@SUM(1+1)")
    target = tmp_path / "leads.csv"
    code, out, _ = run(capsys, "export", "--csv", str(target))
    assert code == 0 and "2 lead" in out
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    assert JSON_KEYS <= set(rows[0])
    first = next(row for row in rows if row["id"] == str(saved.id))
    assert first["name"] == "O'Brien, Anna" and "decision maker" in first["reasons"]
    # what a spreadsheet would run as a formula starts with an apostrophe instead
    assert first["company"] == "'" + '=HYPERLINK("http://evil.example","click")'
    assert first["phone"] == "'+442079460958"
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_show_and_list_escape_terminal_codes(env, engine, tracker_url, capsys):
    from sqlalchemy import text

    saved = add(engine, "conv-esc", "anna@acme.com", company="Acme\x1b[2J\x1b]0;owned\x07 GmbH")
    with engine.begin() as conn:  # as if written before control characters were stripped
        conn.execute(text("UPDATE leads SET role = :role"), {"role": "cto\x1b[31m"})
    write_rasa_tracker(tracker_url, "conv-esc", [("visitor", "hi \x1b]52;c;cGF5bG9hZA==\x07 there\u202e")])
    code, out, _ = run(capsys, "show", str(saved.id))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "company: Acme GmbH" in out  # stripped when stored
    assert "cto\\x1b[31m" in out and "hi \\x1b]52;c;cGF5bG9hZA==\\x07 there\\u202e" in out
    code, out, _ = run(capsys, "list")
    assert code == 0 and "\x1b" not in out


def test_show_prints_reasons_and_transcript(env, engine, tracker_url, tmp_path, capsys):
    saved = add(engine, "conv-show", "anna@acme.com")
    write_rasa_tracker(
        tracker_url, "conv-show", [("visitor", "do you offer a managed helpdesk?"), ("bot", "Yes, we do.")]
    )
    code, out, _ = run(capsys, "show", str(saved.id))
    assert code == 0
    assert "Why this score" in out and "decision maker" in out
    assert "visitor: do you offer a managed helpdesk?" in out and "bot: Yes, we do." in out


def test_show_unknown_id_is_a_one_line_error(env, capsys):
    code, out, err = run(capsys, "show", "4242")
    assert code == 1 and err.strip() == "error: no lead with id 4242"


def test_forget_removes_leads_contact_outbox_and_tracker_events(
    env, engine, tracker_url, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("SALES_WEBHOOK_URL", "http://127.0.0.1:9/hook")  # outbox rows exist
    add(engine, "conv-a", "anna@acme.com")
    add(engine, "conv-b", "anna@acme.com")
    add(engine, "conv-other", "joe@other.com")
    for conv in ("conv-a", "conv-b", "conv-other"):
        write_rasa_tracker(tracker_url, conv, [("visitor", "hi"), ("bot", "hello")])

    from sqlalchemy import create_engine, text

    tracker = create_engine(tracker_url, future=True)
    with tracker.connect() as conn:
        per_conv = conn.execute(text("SELECT COUNT(*) FROM events WHERE sender_id='conv-a'")).scalar_one()
    assert per_conv >= 3

    code, out, _ = run(capsys, "forget", "Anna@Acme.com")
    assert code == 0
    assert f"2 lead(s), 1 contact(s), 2 outbox row(s), {2 * per_conv} tracker event(s)" in out
    assert count(engine, "leads") == 1 and count(engine, "contacts") == 1
    assert count(engine, "outbox") == 1
    with tracker.connect() as conn:
        senders = {r[0] for r in conn.execute(text("SELECT DISTINCT sender_id FROM events"))}
    tracker.dispose()
    assert senders == {"conv-other"}

    code, out, _ = run(capsys, "forget", "anna@acme.com")  # nothing left: still fine
    assert code == 0 and "0 lead(s)" in out


def test_forget_tolerates_a_missing_tracker_table(env, engine, capsys):
    add(engine, "conv-a", "anna@acme.com")
    code, out, _ = run(capsys, "forget", "anna@acme.com")
    assert code == 0 and "1 lead(s)" in out and "0 tracker event(s)" in out


def test_deliver_needs_a_webhook_url(env, capsys):
    code, _, err = run(capsys, "deliver")
    assert code == 1 and "SALES_WEBHOOK_URL" in err


def test_unreachable_database_is_a_one_line_error(tmp_path):
    # A real console run, as sales would type it.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "leads",
            "list",
            "--db-url",
            "postgresql://nobody:secret@127.0.0.1:1/none",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the sales database")
    assert "secret" not in result.stderr
