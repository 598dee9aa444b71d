"""Lead routing: rules from a data file, round-robin among a team, safe when saves race."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from bot import settings
from bot.catalogue import loader
from bot.db import session_scope
from bot.sales import routing
from bot.sales.repository import LeadInput, list_leads, save_lead

FILE = """
owners:
  anna: {name: Anna Berg, email: anna@consultancy.test}
  ben: {name: Ben Okafor}
  carla: {name: Carla Rossi}
  dieter: {name: Dieter Lang}
rules:
  - when: {theme: [security, compliance]}
    owner: anna
  - when: {company_size: [201-1000, 1000+], country: GB}
    team: [ben, carla]
  - when: {country: [DE, AT, CH]}
    owner: dieter
team: [ben, carla, dieter]
"""


@pytest.fixture
def routed(monkeypatch, tmp_path, engine, db_url):
    loader.load_into(db_url)
    path = tmp_path / "routing.yml"
    path.write_text(FILE)
    monkeypatch.setenv("SALES_ROUTING_FILE", str(path))
    for name in ("SALES_WEBHOOK_URL", "SALES_SLACK_WEBHOOK_URL", "SALES_NOTIFY_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return path


def lead(cid, **fields):
    return LeadInput(conversation_id=cid, name="Visitor", email=f"{cid}@firm.example", consent=True, **fields)


def test_rules_choose_the_owner_first_match_wins(engine, routed):
    assert save_lead(engine, lead("sec", service="managed-firewall", phone="+49 30 901820")).owner == "anna"
    assert save_lead(engine, lead("de", service="managed-helpdesk", phone="+49 30 901820")).owner == "dieter"
    assert save_lead(engine, lead("ch", phone="+41 44 668 18 00")).owner == "dieter"
    big_uk = [
        save_lead(engine, lead(f"uk{n}", company_size="5000", phone="+44 20 7946 0958")).owner
        for n in range(4)
    ]
    assert big_uk == ["ben", "carla", "ben", "carla"]  # the rule's own team takes turns


def test_round_robin_when_no_rule_matches(engine, routed):
    owners = [save_lead(engine, lead(f"rr{n}", service="managed-helpdesk")).owner for n in range(6)]
    assert owners == ["ben", "carla", "dieter"] * 2


def test_round_robin_is_fair_when_saves_race(engine, routed):
    with ThreadPoolExecutor(max_workers=12) as pool:
        owners = list(pool.map(lambda n: save_lead(engine, lead(f"race{n}")).owner, range(24)))
    assert Counter(owners) == {"ben": 8, "carla": 8, "dieter": 8}
    with session_scope(engine) as session:
        assert Counter(lead.owner for lead in list_leads(session)) == {"ben": 8, "carla": 8, "dieter": 8}


def test_a_broken_or_missing_file_costs_no_lead(engine, routed, monkeypatch, caplog):
    routed.write_text("owners: {anna: {name: Anna}}\nteam: [nobody]\n")
    saved = save_lead(engine, lead("broken"))
    assert saved.id and saved.owner is None
    assert "unknown owner(s) nobody" in caplog.text
    monkeypatch.setenv("SALES_ROUTING_FILE", str(routed.with_name("absent.yml")))
    assert save_lead(engine, lead("off")).owner is None


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[]", "must be a mapping"),
        ("team: [a]", "`owners` must map"),
        (
            "owners: {a: {name: A}}\nrules: [{when: {colour: red}, owner: a}]\nteam: [a]",
            "unknown condition(s) colour",
        ),
        ("owners: {a: {name: A}}\nrules: [{when: {theme: x}}]\nteam: [a]", "either `owner` or `team`"),
        ("owners: {a: {name: A}}\nrules: [{when: {}, owner: a}]\nteam: [a]", "needs `when`"),
        ("owners: {a: {name: A}}\nteam: []", "non-empty list"),
        ("owners: {a: {nom: A}}\nteam: [a]", "give a name"),
    ],
)
def test_mistakes_in_the_file_are_named(content, problem):
    with pytest.raises(routing.RoutingError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        routing.parse(yaml.safe_load(content))


def test_the_shipped_routing_file_is_valid():
    shipped = routing.load(settings.ROOT / "routing.yml")
    assert shipped is not None and shipped.team
    assert {m for rule in shipped.rules for m in rule.members} <= set(shipped.owners)


def test_country_comes_from_the_phone_number():
    assert routing.country_of("+442079460958") == "GB"
    assert routing.country_of("+4930901820") == "DE"
    assert routing.country_of(None) is None and routing.country_of("garbage") is None
