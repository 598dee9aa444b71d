"""Every `--json` a CLI prints parses as JSON, on a real database with real rows.

The commands are found in `bot`'s own parser: a new sub-command with --json fails here until it
is run below (JSON_COMMANDS), so none can crash on a value type no test met (a Decimal price did).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from sales_fixtures import lead_input, tracker_url  # noqa: F401

from bot import cli
from bot.catalogue.loader import load_into
from bot.sales.repository import save_lead

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yml"
EMAIL = "anna@acme-json.com"
# command path -> extra arguments that make it print JSON
JSON_COMMANDS = {
    ("catalogue", "list"): ["--json"],
    ("leads", "list"): ["--json"],
    ("leads", "export"): ["--email", EMAIL],
}


def _commands_with_json(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands_with_json(sub, (*path, name))
        elif "--json" in action.option_strings or (action.dest == "email" and path == ("leads", "export")):
            found.add(path)
    return found


def test_every_json_command_is_run_here():
    assert _commands_with_json(cli.build_parser()) == set(JSON_COMMANDS)


@pytest.fixture
def filled(db_url, tracker_url, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SALES_DB_URL", db_url)
    monkeypatch.delenv("SALES_WEBHOOK_URL", raising=False)
    load_into(db_url, CATALOGUE)
    from bot import db

    engine = db.make_engine(db_url)
    advice = {"recommendation": "managed_services", "reasons": ["one"], "services": ["managed-firewall"]}
    lead = lead_input(
        "conv-json", email=EMAIL, service="managed-firewall", advice=advice, recommendation="managed_services"
    )
    save_lead(engine, lead)
    engine.dispose()
    return db_url


@pytest.mark.parametrize("command", sorted(JSON_COMMANDS))
def test_json_output_parses(filled, capsys, command):
    code = cli.main([*command, *JSON_COMMANDS[command]])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data, f"{' '.join(command)} printed no data"


def test_catalogue_json_keeps_exact_prices(filled, capsys):
    cli.main(["catalogue", "list", "--json"])
    rows = {row["slug"]: row for row in json.loads(capsys.readouterr().out)}
    premium = rows["managed-firewall"]["sla_tiers"][-1]
    assert isinstance(premium["price"], str) and float(premium["price"]) > float(
        rows["managed-firewall"]["price_amount"]
    )
