"""Loader: validation, idempotent sync, updates, removals, all-or-nothing — on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from bot import cli, db
from bot.catalogue import loader
from bot.catalogue.loader import CatalogueError, load_catalogue, read_catalogue, validate
from bot.catalogue.models import Service, ServiceAlias, SlaTierRow


def _read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _service(data, slug):
    return next(s for s in data["services"] if s["slug"] == slug)


def _load(engine, path):
    with db.session_scope(engine) as session:
        return load_catalogue(session, path)


def _snapshot(engine):
    with db.session_scope(engine) as s:
        services = {
            r.slug: (r.name, r.price_amount, r.active, r.updated_at)
            for r in s.execute(select(Service)).scalars()
        }
        aliases = sorted(s.execute(select(ServiceAlias.alias, ServiceAlias.service_id)).all())
        tiers = sorted(
            s.execute(select(SlaTierRow.service_id, SlaTierRow.name, SlaTierRow.response_time)).all()
        )
    return services, aliases, tiers


# ----------------------------------------------------------------------- the shipped file


def test_shipped_catalogue_is_marked_sample_and_covers_both_sides():
    path = cli_root() / "data" / "catalogue.yml"
    text = path.read_text(encoding="utf-8")
    assert "SAMPLE DATA" in text.splitlines()[1] and "replace with your own" in text
    data = yaml.safe_load(text)
    assert "replace with your own" in data["note"]
    specs = read_catalogue(path)
    assert len(specs) >= 15
    sides = {s.side for s in specs}
    assert sides == {"managed_services", "it_outsourcing"}
    for spec in specs:  # the seed article's settlement models
        if spec.side == "managed_services":
            assert spec.billing_model == "subscription" and spec.price_unit == "per month" and spec.sla
        else:
            assert spec.billing_model in {"fixed_price", "time_and_material"}
        assert spec.currency == "EUR" and spec.price_amount > 0


def cli_root():
    from bot import settings

    return settings.ROOT


# ----------------------------------------------------------------------- sync


def test_first_load_creates_and_second_load_changes_nothing(engine, catalogue_file):
    first = _load(engine, catalogue_file)
    n = len(read_catalogue(catalogue_file))
    assert len(first.created) == n and not (first.updated or first.unchanged or first.removed)
    before = _snapshot(engine)

    second = _load(engine, catalogue_file)
    assert second.summary() == f"0 created, 0 updated, {n} unchanged, 0 removed (deactivated)"
    assert not (second.created or second.updated or second.removed)
    assert _snapshot(engine) == before  # not even updated_at moved


def test_aliases_are_lowercased_and_unique(engine, catalogue_file):
    _load(engine, catalogue_file)
    with db.session_scope(engine) as s:
        aliases = s.execute(select(ServiceAlias.alias)).scalars().all()
        soc_id = s.execute(select(Service.id).where(Service.slug == "soc-as-a-service")).scalar_one()
        soc = s.execute(select(ServiceAlias.alias).where(ServiceAlias.service_id == soc_id)).scalars().all()
    assert aliases and all(a == a.lower() for a in aliases)
    assert len(aliases) == len(set(aliases))
    assert "soc as a service" in soc  # slug, name and synonyms collapse to one normalized alias


def test_editing_yaml_updates_only_that_service(engine, catalogue_file):
    _load(engine, catalogue_file)
    before = _snapshot(engine)
    data = _read(catalogue_file)
    fw = _service(data, "managed-firewall")
    fw["billing"]["amount"] = 499.5
    fw["sla"][0]["price"] = 499.5  # the cheapest tier is the "from" price
    fw["synonyms"].append("perimeter security")
    fw["sla"][0]["response_time"] = "2 h"
    _write(catalogue_file, data)

    report = _load(engine, catalogue_file)
    assert report.updated == ["managed-firewall"] and not report.created and not report.removed
    services, aliases, tiers = _snapshot(engine)
    assert services["managed-firewall"][1] == Decimal("499.50")
    assert services["managed-firewall"][3] >= before[0]["managed-firewall"][3]
    assert "perimeter security" in {a for a, _ in aliases}
    assert any(t[1] == "Standard" and t[2] == "2 h" for t in tiers)
    assert services["managed-servers"] == before[0]["managed-servers"]
    third = _load(engine, catalogue_file)
    assert not (third.created or third.updated or third.removed)


def test_alias_can_move_between_services_in_one_load(engine, catalogue_file):
    _load(engine, catalogue_file)
    data = _read(catalogue_file)
    _service(data, "managed-firewall")["synonyms"].remove("firewall monitoring")
    _service(data, "soc-as-a-service")["synonyms"].append("Firewall Monitoring")
    _write(catalogue_file, data)
    report = _load(engine, catalogue_file)
    assert sorted(report.updated) == ["managed-firewall", "soc-as-a-service"]
    with db.session_scope(engine) as s:
        owner = s.execute(
            select(Service.slug).join(ServiceAlias).where(ServiceAlias.alias == "firewall monitoring")
        ).scalar_one()
    assert owner == "soc-as-a-service"


def test_removed_service_is_deactivated_then_revived(engine, catalogue_file):
    _load(engine, catalogue_file)
    original = _read(catalogue_file)
    data = _read(catalogue_file)
    data["services"] = [s for s in data["services"] if s["slug"] != "body-leasing"]
    _write(catalogue_file, data)

    report = _load(engine, catalogue_file)
    assert report.removed == ["body-leasing"] and not report.updated
    services, aliases, _ = _snapshot(engine)
    assert services["body-leasing"][2] is False  # row kept for history, hidden from queries
    with db.session_scope(engine) as s:
        bl = s.execute(select(Service).where(Service.slug == "body-leasing")).scalar_one()
        assert bl.aliases == [] and bl.sla_tiers == []
    assert _load(engine, catalogue_file).removed == []  # reported once

    _write(catalogue_file, original)
    report = _load(engine, catalogue_file)
    assert report.updated == ["body-leasing"]
    assert _snapshot(engine)[0]["body-leasing"][2] is True


def test_bad_file_writes_nothing(engine, catalogue_file):
    _load(engine, catalogue_file)
    before = _snapshot(engine)
    data = _read(catalogue_file)
    _service(data, "managed-servers")["billing"]["amount"] = 1  # a valid change ...
    _service(data, "managed-storage")["billing"]["amount"] = -10  # ... next to an invalid one
    _write(catalogue_file, data)
    with pytest.raises(CatalogueError, match="must not be negative"):
        _load(engine, catalogue_file)
    assert _snapshot(engine) == before


def test_database_failure_mid_load_rolls_back(engine, catalogue_file):
    _load(engine, catalogue_file)
    before = _snapshot(engine)
    data = _read(catalogue_file)
    _service(data, "managed-servers")["description"] = "A valid change that must not stay."
    _service(data, "managed-storage")["name"] = "x" * 500  # longer than the column: the DB (or us) refuses
    _write(catalogue_file, data)
    # PostgreSQL refuses the long name at the flush; SQLite takes it, so we fail after it
    with pytest.raises((DBAPIError, RuntimeError)):
        with db.session_scope(engine) as session:
            load_catalogue(session, catalogue_file)
            # SQLite does not enforce VARCHAR length, so force the failure after the writes
            raise RuntimeError("simulated failure after the flush")
    assert _snapshot(engine) == before


# ----------------------------------------------------------------------- validation (no DB)

GOOD = {
    "slug": "x-service",
    "name": "X service",
    "side": "it_outsourcing",
    "themes": ["software"],
    "description": "Does X.",
    "engagement": "1 month",
    "billing": {"model": "fixed_price", "amount": 100, "currency": "EUR", "unit": "per project"},
}
MANAGED = dict(
    GOOD,
    slug="m-service",
    name="M service",
    side="managed_services",
    billing={"model": "subscription", "amount": 10, "currency": "EUR", "unit": "per month"},
    sla=[{"name": "Std", "response_time": "4 h", "availability": "99.5%"}],
)


def _problems(*services, **top):
    with pytest.raises(CatalogueError) as info:
        validate({"services": list(services), **top}, "test.yml")
    return "\n".join(info.value.problems)


def test_valid_minimal_services_pass():
    specs = validate({"services": [GOOD, MANAGED]})
    assert [s.slug for s in specs] == ["x-service", "m-service"]
    assert specs[1].sla[0].hours is None and specs[0].price_amount == Decimal("100.00")


@pytest.mark.parametrize(
    "service, expected",
    [
        ({k: v for k, v in GOOD.items() if k not in ("name", "billing")}, "missing field(s): name, billing"),
        (dict(GOOD, side="insourcing"), "unknown side 'insourcing'"),
        (dict(GOOD, billing=dict(GOOD["billing"], amount=-5)), "amount must not be negative"),
        (dict(GOOD, billing=dict(GOOD["billing"], amount="lots")), "amount 'lots' is not a number"),
        (dict(GOOD, billing=dict(GOOD["billing"], model="barter")), "unknown model 'barter'"),
        (
            dict(GOOD, billing=dict(GOOD["billing"], model="subscription", unit="per month")),
            "does not fit side",
        ),
        (
            dict(GOOD, billing=dict(GOOD["billing"], unit="per day")),
            "unit 'per day' does not fit model 'fixed_price'",
        ),
        (dict(GOOD, billing=dict(GOOD["billing"], currency="euro")), "three-letter ISO code"),
        (dict(GOOD, slug="Bad Slug"), "must be lower-case words joined by hyphens"),
        (dict(GOOD, themes=[]), "'themes' must be a non-empty list"),
        (dict(GOOD, synonym=["typo in the key"]), "unknown field(s): synonym"),
        ({k: v for k, v in MANAGED.items() if k != "sla"}, "a managed service needs 'sla' tiers"),
        (dict(MANAGED, sla=[{"name": "Std"}]), "sla[0]: missing field(s): response_time, availability"),
        ("just a string", "each service must be a mapping"),
    ],
)
def test_invalid_service_is_explained(service, expected):
    assert expected in _problems(service)


def test_duplicate_slugs_and_aliases_are_reported():
    problems = _problems(GOOD, dict(GOOD, name="Another"))
    assert "duplicate slug 'x-service'" in problems
    problems = _problems(GOOD, dict(GOOD, slug="y-service", name="Y", synonyms=["X-Service"]))
    assert "duplicate alias 'x service' used by both 'x-service' and 'y-service'" in problems


def test_all_problems_are_listed_at_once():
    err = _problems(dict(GOOD, side="nope"), dict(GOOD, slug="b", billing=dict(GOOD["billing"], amount=-1)))
    assert "services[0] (x-service): unknown side" in err and "services[1] (b): billing: amount" in err


@pytest.mark.parametrize(
    "content, expected",
    [
        ("services: [unclosed", "not valid YAML"),
        ("just text", "non-empty 'services' list"),
        ("services: []", "non-empty 'services' list"),
    ],
)
def test_unparseable_file_is_explained(tmp_path, content, expected):
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(CatalogueError) as info:
        read_catalogue(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_missing_file_is_explained(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read file"):
        read_catalogue(tmp_path / "nope.yml")


# ----------------------------------------------------------------------- CLI


def test_cli_load_and_list(db_url, catalogue_file, capsys):
    assert cli.main(["catalogue", "load", "--file", str(catalogue_file), "--url", db_url]) == 0
    assert "created" in capsys.readouterr().out
    assert cli.main(["catalogue", "load", "--file", str(catalogue_file), "--url", db_url]) == 0
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert cli.main(["catalogue", "list", "--url", db_url, "--json", "--side", "it_outsourcing"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["side"] for r in rows} == {"it_outsourcing"}
    assert cli.main(["catalogue", "list", "--url", db_url, "--theme", "security"]) == 0
    assert "managed-firewall" in capsys.readouterr().out


def test_cli_bad_file_exits_1_without_traceback(tmp_path, catalogue_file, capsys):
    data = _read(catalogue_file)
    data["services"][0]["side"] = "sideways"
    _write(catalogue_file, data)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["catalogue", "load", "--file", str(catalogue_file), "--url", url]) == 1
    err = capsys.readouterr().err
    assert "unknown side 'sideways'" in err and "Traceback" not in err
    assert not (tmp_path / "cli.db").exists()  # the database was never touched


def test_cli_unreachable_database_exits_1(catalogue_file, capsys):
    url = "postgresql://postgres:secret@127.0.0.1:1/nowhere"
    assert cli.main(["catalogue", "load", "--file", str(catalogue_file), "--url", url]) == 1
    err = capsys.readouterr().err
    assert "not usable" in err and "Traceback" not in err and "secret" not in err


# ----------------------------------------------------------------------- schema

CATALOGUE_TABLES = {"services", "service_aliases", "sla_tiers"}


def test_migration_matches_models_and_downgrades(engine, db_url):
    from alembic import command
    from schema_check import model_diffs
    from sqlalchemy import inspect

    from bot.catalogue import models

    assert model_diffs(engine, models.Base.metadata, CATALOGUE_TABLES) == []

    command.downgrade(db.alembic_config(db_url), "base")
    engine.dispose()
    assert CATALOGUE_TABLES.isdisjoint(inspect(engine).get_table_names())
    db.upgrade(db_url)
    assert CATALOGUE_TABLES <= set(inspect(engine).get_table_names())


def test_needs_are_validated_and_unique(tmp_path):
    data = _read(cli_root() / "data" / "catalogue.yml")
    _service(data, "body-leasing")["needs"] = "java devs"
    with pytest.raises(CatalogueError, match="'needs' must be a list of strings"):
        validate(data)
    data = _read(cli_root() / "data" / "catalogue.yml")
    _service(data, "devops-engineering")["needs"] = ["java devs"]  # body leasing's
    with pytest.raises(CatalogueError, match="duplicate alias 'java devs'"):
        validate(data)


def test_shipped_needs_name_their_service():
    specs = {s.slug: s for s in read_catalogue(cli_root() / "data" / "catalogue.yml")}
    assert "java devs" in specs["body-leasing"].needs
    assert "crm built" in specs["custom-software-development"].needs
    assert specs["system-migration"].aliases()["on prem to azure"] == "need"


# ----------------------------------------------------------------------- pricing and terms (issue 11)

PRICED = dict(
    MANAGED,
    slug="p-service",
    name="P service",
    billing={
        "model": "subscription",
        "amount": 100,
        "currency": "EUR",
        "unit": "per month",
        "included": 10,
        "per": "server",
        "extra": 9.5,
    },
    sla=[
        {"name": "Std", "response_time": "4 h", "availability": "99.5%", "price": 100},
        {"name": "Top", "response_time": "1 h", "availability": "99.9%", "price": 140},
    ],
    terms={"minimum_term_months": 12, "notice_days": 90},
)


def test_pricing_and_terms_are_read_as_exact_numbers():
    spec = validate({"services": [PRICED], "vat_note": "Prices exclude VAT."})[0]
    assert (spec.included_quantity, spec.quantity_unit, spec.extra_unit_price) == (
        10,
        "server",
        Decimal("9.50"),
    )
    assert [t.price for t in spec.sla] == [Decimal("100.00"), Decimal("140.00")]
    assert (spec.minimum_term_months, spec.notice_days, spec.vat_note) == (12, 90, "Prices exclude VAT.")


def test_pricing_that_does_not_fit_together_is_refused():
    half = dict(PRICED, billing={k: v for k, v in PRICED["billing"].items() if k != "extra"})
    assert "go together" in _problems(half)
    on_project = dict(GOOD, billing={**GOOD["billing"], "included": 1, "per": "day", "extra": 5})
    assert "subscriptions only" in _problems(on_project)
    one_priced = dict(
        PRICED, sla=[PRICED["sla"][0], {k: v for k, v in PRICED["sla"][1].items() if k != "price"}]
    )
    assert "every SLA tier has a price or none" in _problems(one_priced)
    dearer = dict(PRICED, sla=[dict(PRICED["sla"][0], price=120), PRICED["sla"][1]])
    assert "cheapest SLA tier must cost billing.amount" in _problems(dearer)
    bad_terms = dict(PRICED, terms={"minimum_term_months": -1, "notice_days": "90 days", "exit_fee": 5})
    problems = _problems(bad_terms)
    assert "minimum_term_months" in problems and "notice_days" in problems and "exit_fee" in problems
    assert "must be a whole number >= 1" in _problems(
        dict(PRICED, billing={**PRICED["billing"], "included": 0})
    )


def test_pricing_and_terms_reach_the_database_and_a_change_is_an_update(engine, catalogue_file):
    _load(engine, catalogue_file)
    data = _read(catalogue_file)
    _service(data, "managed-servers")["billing"]["extra"] = 99
    _write(catalogue_file, data)
    assert _load(engine, catalogue_file).updated == ["managed-servers"]
    with db.session_scope(engine) as s:
        row = s.execute(select(Service).where(Service.slug == "managed-servers")).scalar_one()
        assert (row.included_quantity, row.quantity_unit, row.extra_unit_price) == (
            10,
            "server",
            Decimal("99.00"),
        )
        assert (row.minimum_term_months, row.notice_days) == (12, 90) and "VAT" in row.vat_note
        assert [t.price for t in row.sla_tiers] == [Decimal("1200.00"), Decimal("1650.00")]


# ----------------------------------------------------------------------- texts vs data (issue 17)

TIERED = dict(
    PRICED,
    sla=[
        {"name": "Standard", "response_time": "4 h", "availability": "99.5%", "hours": "Mon-Fri 8:00-18:00", "price": 100},
        {"name": "Premium", "response_time": "1 h", "availability": "99.9%", "hours": "24/7", "price": 140},
    ],
)  # fmt: skip
STAFF = dict(
    GOOD,
    slug="staff",
    name="Staff",
    description="Specialists join your team under your direction.",
    billing={"model": "time_and_material", "amount": 500, "currency": "EUR", "unit": "per day"},
)
P, T, S = "services[0] (p-service)", "services[0] (staff)", "services[0] (x-service)"


def _note(service: dict, note: str) -> dict:
    return dict(service, billing={**service["billing"], "note": note})


def _problem_list(*services) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        validate({"services": list(services)}, "test.yml")
    return info.value.problems


@pytest.mark.parametrize(
    "service, expected",
    [
        # "included" about a tier (or 24/7) that costs more than the base price
        (
            _note(TIERED, "24/7 support included"),
            f"{P}: billing.note says '24/7 support included', but the Premium tier costs 140.00 EUR "
            "a month, more than billing.amount (100.00)",
        ),
        (
            dict(TIERED, description="Monitoring and patching. Premium at no extra cost."),
            f"{P}: description says 'Premium at no extra cost', but the Premium tier costs 140.00 EUR "
            "a month, more than billing.amount (100.00)",
        ),
        (
            dict(TIERED, sla=[dict(t, price=None) for t in TIERED["sla"]], engagement="24/7 included"),
            f"{P}: engagement says '24/7 included', but only the Premium tier(s) are 24/7",
        ),
        (
            _note(TIERED, "24/7 included with the Standard tier"),
            f"{P}: billing.note says '24/7 included with the Standard tier', but that tier is not 24/7 "
            "(Standard: Mon-Fri 8:00-18:00)",
        ),
        # 24/7 that no tier offers
        (
            dict(PRICED, description="We watch it around the clock."),
            f"{P}: description says 'around the clock', but no SLA tier is 24/7 "
            "(Std: hours not given; Top: hours not given)",
        ),
        (
            dict(GOOD, description="Engineers on call 24/7."),
            f"{S}: description says '24/7', but no SLA tier is 24/7 (the service has no SLA tiers)",
        ),
        # wording of another billing model
        (
            dict(STAFF, engagement="project work, 3-6 months"),
            f"{T}: engagement says 'project work' (work delivered as a project), but billing.model is "
            "time_and_material (per day)",
        ),
        (
            _note(STAFF, "billed per project"),
            f"{T}: billing.note says 'per project' (work delivered as a project), but billing.model is "
            "time_and_material (per day)",
        ),
        (
            dict(GOOD, description="Our specialists join your team."),
            f"{S}: description says 'join your team' (specialists working under the client's direction "
            "(staff augmentation)), but billing.model is fixed_price (per project)",
        ),
        (
            _note(GOOD, "day rate, 5 days"),
            f"{S}: billing.note says 'day rate' (a day or hourly rate), but billing.model is fixed_price "
            "(per project)",
        ),
        (
            _note(STAFF, "monthly fee"),
            f"{T}: billing.note says 'monthly fee' (a monthly fee), but billing.model is time_and_material "
            "(per day)",
        ),
        # unlimited what the price counts
        (
            _note(PRICED, "unlimited servers"),
            f"{P}: billing.note says 'unlimited servers', but billing.included is 10 (per server), each "
            "further one 9.50 EUR a month",
        ),
        # terms
        (
            dict(PRICED, engagement="24-month minimum term, renewed yearly"),
            f"{P}: engagement says '24-month minimum' (24 months), but terms.minimum_term_months is 12",
        ),
        (
            dict(STAFF, engagement="a minimum of 6 months"),
            f"{T}: engagement says 'minimum of 6 months' (6 months), but terms.minimum_term_months is not set",
        ),
        (
            dict(PRICED, engagement="no minimum term"),
            f"{P}: engagement says 'no minimum term', but terms.minimum_term_months is 12",
        ),
        (
            dict(PRICED, engagement="12-month minimum term, 30 days' notice"),
            f"{P}: engagement says '30 days' notice' (30 days), but terms.notice_days is 90",
        ),
        # prices, currency, SLA figures in the text
        (
            dict(PRICED, description="From EUR 90 a month."),
            f"{P}: description says 'EUR 90', but no price of the service is that (9.50, 100.00, 140.00)",
        ),
        (
            _note(PRICED, "billed in USD"),
            f"{P}: billing.note says 'USD', but the service is priced in EUR",
        ),
        (
            dict(TIERED, description="Backed by 99.99% uptime."),
            f"{P}: description says '99.99% uptime', but no SLA tier offers 99.99% (tiers: 99.5%, 99.9%)",
        ),
        (
            dict(TIERED, description="A 15-minute response to every incident."),
            f"{P}: description says '15-minute response', but no SLA tier responds in that time "
            "(tiers: 4 h, 1 h)",
        ),
    ],
)
def test_a_text_contradicting_the_data_is_one_line_naming_service_and_field(service, expected):
    assert _problem_list(service) == [expected]


@pytest.mark.parametrize(
    "service",
    [
        _note(TIERED, "24/7 monitoring included in the Premium tier"),  # included in that tier
        _note(TIERED, "rule changes included; an HA pair counts as one"),
        dict(
            TIERED, sla=[dict(t, hours="24/7") for t in TIERED["sla"]], description="Watched 24/7, included."
        ),
        _note(PRICED, "unlimited tickets"),  # tickets are not what the price counts
        _note(STAFF, "per developer day; fixed price possible once scope is agreed"),
        dict(PRICED, engagement="12-month minimum term, renewed yearly; 90 days' notice"),
        dict(TIERED, description="From EUR 100 a month, 99.9% uptime and a 1-hour response on Premium."),
        dict(STAFF, engagement="3 months minimum, typically 6-24 months", terms={"minimum_term_months": 3}),
    ],
)
def test_texts_that_agree_with_the_data_pass(service):
    assert validate({"services": [service]})


def test_several_contradictions_are_all_listed_one_line_each():
    service = dict(
        STAFF,
        description="Project work, around the clock.",
        engagement="6-month minimum",
        billing={**STAFF["billing"], "note": "EUR 450 a day"},
    )
    problems = _problem_list(service)
    assert len(problems) == 4 and all(p.startswith(T + ": ") and "\n" not in p for p in problems)
    assert [p.split(" says ")[0].split(": ")[1] for p in problems] == [
        "description",
        "description",
        "billing.note",
        "engagement",
    ]


def test_the_shipped_catalogue_agrees_with_itself():
    specs = read_catalogue(cli_root() / "data" / "catalogue.yml")
    problems: list[str] = []
    for spec in specs:
        loader.check_texts(spec, spec.slug, problems)
    assert problems == []
