"""Read API: lookups, fuzzy matching, free-text mentions, suggestions — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot import db
from bot.catalogue import queries as q
from bot.catalogue.loader import load_catalogue

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.yml"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded_engine(request, tmp_path_factory, database_factory):
    """One database per backend with the shipped catalogue, shared by the read-only tests."""
    with database_factory(request.param, tmp_path_factory.mktemp("queries")) as url:
        db.upgrade(url)
        engine = db.make_engine(url)
        with db.session_scope(engine) as s:
            load_catalogue(s, CATALOGUE)
        yield engine
        engine.dispose()


@pytest.fixture
def session(loaded_engine):
    with db.session_scope(loaded_engine) as s:
        yield s


def test_get_service_returns_a_frozen_plain_dataclass(session):
    svc = q.get_service(session, "managed-helpdesk")
    assert isinstance(svc, q.ServiceInfo) and svc.name == "Managed helpdesk"
    assert svc.side == "managed_services" and "support" in svc.themes
    assert svc.billing_model == "subscription" and svc.price_unit == "per month" and svc.currency == "EUR"
    assert isinstance(svc.price_amount, Decimal) and svc.price_amount == Decimal("1100.00")
    assert [t.name for t in svc.sla_tiers] == ["Standard", "Premium"]
    assert isinstance(svc.sla_tiers[0], q.SlaTier) and svc.sla_tiers[1].hours == "24/7"
    with pytest.raises(dataclasses.FrozenInstanceError):
        svc.name = "x"
    assert q.get_service(session, "no-such-thing") is None
    assert q.get_service(session, "custom-software-development").sla_tiers == ()


@pytest.mark.parametrize(
    "text, slug",
    [
        ("managed helpdesk", "managed-helpdesk"),
        ("MANAGED HELPDESK", "managed-helpdesk"),
        ("managed helpdsk", "managed-helpdesk"),
        ("soc-as-a-service", "soc-as-a-service"),
        ("SOC as a Service", "soc-as-a-service"),
        ("firewal management", "managed-firewall"),
        ("firewall", "managed-firewall"),
        ("backup & disaster recovery", "backup-disaster-recovery"),
        ("backup and disaster recovery", "backup-disaster-recovery"),
        ("staff augmentaion", "body-leasing"),
        ("QA", "application-testing-qa"),
        ("the cloud migration", "system-migration"),
        ("licence managment", "license-management"),
    ],
)
def test_find_service_matches(session, text, slug):
    found = q.find_service(session, text)
    assert found is not None and found.slug == slug, text


@pytest.mark.parametrize(
    "text", ["pizza delivery", "managed services", "it outsourcing", "", "   ", "sox", "cloud"]
)
def test_find_service_non_matches(session, text):
    assert q.find_service(session, text) is None


@pytest.mark.parametrize(
    "text, slugs",
    [
        ("can you migrate us to the cloud?", ["system-migration"]),
        ("We need help with our Servers and a FIREWALL", ["managed-servers", "managed-firewall"]),
        ("what does soc-as-a-service cost per month", ["soc-as-a-service"]),
        ("looking for staff augmentation and devops people", ["body-leasing", "devops-engineering"]),
        ("how much is ur managed helpdsk", ["managed-helpdesk"]),
        ("do you offer managed services?", []),
        ("what is the difference between it outsourcing and managed services", []),
        ("I want pizza delivery", []),
        # needs described instead of named (catalogue `needs`)
        ("we need 2 senior java devs", ["body-leasing"]),
        ("we want a new CRM built", ["custom-software-development"]),
        ("we'd like to move on-prem to Azure", ["system-migration"]),
        ("any help with kubernetes?", ["devops-engineering"]),
        ("do u do backups? we lost a file last month", ["backup-disaster-recovery"]),
    ],
)
def test_find_services_in_text(session, text, slugs):
    assert [s.slug for s in q.find_services_in_text(session, text)] == slugs


def test_suggest_offers_close_services_for_unknown_things(session):
    slugs = [s.slug for s in q.suggest(session, "mainframe hosting")]
    assert 1 <= len(slugs) <= 3 and {"managed-servers", "managed-cloud"} & set(slugs)
    assert len(q.suggest(session, "printer support", limit=1)) == 1
    assert q.suggest(session, "", limit=3) == [] and q.suggest(session, "hosting", limit=0) == []


def test_list_services_and_themes(session):
    everything = q.list_services(session)
    assert len(everything) == len(yaml.safe_load(CATALOGUE.read_text())["services"])
    assert everything[0].slug == "managed-network"  # catalogue order
    managed = q.list_services(session, side="managed_services")
    assert managed and all(s.side == "managed_services" for s in managed)
    security = q.list_services(session, theme="Security")
    assert {"managed-firewall", "soc-as-a-service"} <= {s.slug for s in security}
    assert all("security" in s.themes for s in security)
    assert q.list_services(session, side="it_outsourcing", theme="people")[0].slug == "body-leasing"
    themes = q.list_themes(session)
    assert themes == sorted(themes) and {
        "security",
        "infrastructure",
        "cloud",
        "support",
        "software",
        "people",
    } <= set(themes)


def test_deactivated_services_are_invisible(engine, catalogue_file):
    data = yaml.safe_load(catalogue_file.read_text())
    with db.session_scope(engine) as s:
        load_catalogue(s, catalogue_file)
    data["services"] = [x for x in data["services"] if x["slug"] != "body-leasing"]
    catalogue_file.write_text(yaml.safe_dump(data, sort_keys=False))
    with db.session_scope(engine) as s:
        load_catalogue(s, catalogue_file)
        assert q.get_service(s, "body-leasing") is None
        assert q.find_service(s, "staff augmentation") is None
        assert "body-leasing" not in {x.slug for x in q.list_services(s)}
        assert "people" not in q.list_themes(s)
