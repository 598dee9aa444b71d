"""Cost estimates, tier differences and in-house comparisons: exact figures from the catalogue and
data/cost_assumptions.yml, on a real SQLite catalogue."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
import yaml

from bot import db
from bot.catalogue import loader, queries
from bot.catalogue.answers import word_count
from bot.pricing import estimate, inhouse, request
from bot.pricing import replies as costs
from tests.action_helpers import ROOT, domain

FACTS = inhouse.assumptions(ROOT / "data" / "cost_assumptions.yml")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('pricing') / 'sales.db'}"
    loader.load_into(url)
    eng = db.make_engine(url)
    yield eng
    eng.dispose()


def ask(engine, text, last_service=None, last_request=None, advised=()):
    with db.session_scope(engine) as session:
        return costs.estimate_reply(session, text, [], last_service, last_request, FACTS, advised)


def service(engine, slug):
    with db.session_scope(engine) as session:
        return queries.get_service(session, slug)


def said(reply) -> str:
    """The reply as the visitor reads it: the domain response with its placeholders filled."""
    template = domain()["responses"][reply.say.response][0]["text"]
    return template.format(**dict(reply.say.kwargs))


# ----------------------------------------------------------------------------- the calculator


def test_extra_units_and_tier_prices_in_decimal(engine):
    servers = service(engine, "managed-servers")
    line = estimate.monthly_line(servers, quantity=40, tier=estimate.TOP)
    assert (line.tier.name, line.base, line.extra_units, line.extra_price) == (
        "Premium",
        Decimal("1650.00"),
        30,
        Decimal("95.00"),
    )
    assert line.monthly == Decimal("4500.00")
    assert estimate.monthly_line(servers, quantity=8).monthly == Decimal(
        "1200.00"
    ), "fewer than included: base"
    assert estimate.monthly_line(servers).tier.name == "Standard"


def test_several_services_over_a_year(engine):
    picked = [
        service(engine, s) for s in ("backup-disaster-recovery", "managed-firewall", "managed-helpdesk")
    ]
    result = estimate.subscriptions(picked, {}, None, months=12)
    assert result.monthly == Decimal("2250.00") and result.total == Decimal("27000.00")
    assert result.minimum_term == 12


def test_day_rates_and_fixed_prices(engine):
    dev = service(engine, "custom-software-development")
    assert estimate.day_rate(dev, people=2, days=63).total == Decimal("81900.00")
    with pytest.raises(estimate.CannotEstimate):
        estimate.monthly_line(service(engine, "system-migration"))


def test_how_much_more_is_premium(engine):
    cheap, dear, more = estimate.tier_difference(service(engine, "managed-helpdesk"))
    assert (cheap.name, dear.name, more) == ("Standard", "Premium", Decimal("500.00"))


# ----------------------------------------------------------------------------- what visitors type


@pytest.mark.parametrize(
    "text, quantities, tier, months",
    [
        ("what would managed helpdesk cost for 120 users?", {"user": 120}, None, None),
        ("we have 40 servers, not 10", {"server": 40}, None, None),
        ("premium tier?", {}, estimate.TOP, None),
        ("forty servers, standard, per year", {"server": 40}, estimate.BASE, 12),
        ("backup for 12 TB and 80 laptops for 3 years", {"tb": 12, "device": 80}, None, 36),
        ("1,200 users on 24/7", {"user": 1200}, estimate.TOP, None),
    ],
)
def test_reading_a_cost_question(text, quantities, tier, months):
    req = request.read(text)
    assert (req.quantities, req.tier, req.months) == (quantities, tier, months)


def test_a_follow_up_keeps_what_it_does_not_change():
    first = request.read("helpdesk for 120 users", ("managed-helpdesk",))
    second = request.follow_up(request.read("premium?"), first.as_slot())
    assert second.services == ("managed-helpdesk",) and second.quantities == {"user": 120}
    assert second.tier == estimate.TOP
    assert request.follow_up(request.read("x"), {"quantities": {"user": 10**9}}).quantities == {}


# ----------------------------------------------------------------------------- the replies, exact figures


def test_helpdesk_for_120_users_then_premium(engine):
    first = ask(engine, "What would managed helpdesk cost for 120 users?")
    text = said(first)
    assert (
        "Managed helpdesk, Standard tier: EUR 1,100 (incl. 50 users) + 70 extra users × EUR 19 = "
        "EUR 2,430 per month; × 12 = EUR 29,160 per year."
    ) in text
    assert "not a quote" in text and "exclude VAT" in text and "Minimum term 12 months" in text
    premium = said(ask(engine, "premium tier?", first.service, first.request))
    assert (
        "Premium tier: EUR 1,600 (incl. 50 users) + 70 extra users × EUR 19 = EUR 2,930 per month" in premium
    )
    assert "EUR 35,160 per year" in premium


@pytest.mark.parametrize(
    "question, figures",
    [
        ("we have 40 servers, not 10", "EUR 1,200 (incl. 10 servers) + 30 extra servers × EUR 95 = EUR 4,050 per month"),
        ("all of backup, firewall and helpdesk per year?", "= EUR 2,250 per month; × 12 = EUR 27,000 per year."),
        ("how much more is premium for the servers?", "Premium costs EUR 1,650 per month, EUR 450 more than Standard at EUR 1,200"),
    ],
    ids=["forty-servers-not-ten", "backup-firewall-helpdesk-per-year", "how-much-more-is-premium"],
)  # fmt: skip
def test_the_reply_shows_the_calculation(engine, question, figures):
    assert figures in said(ask(engine, question))


def test_in_house_comparison_shows_its_assumptions(engine):
    text = said(ask(engine, "which is cheaper, in-house or managed helpdesk?"))
    assert (
        "In-house, office hours: 1.2 people × EUR 45,000 salary × 1.3 = EUR 70,200 + tools EUR 400 × 12 = "
        "EUR 75,000 a year. Managed helpdesk, Standard: EUR 1,100 × 12 = EUR 13,200 a year."
    ) in text
    assert "sample assumptions" in text
    soc = said(ask(engine, "in-house 24/7 vs your SOC"))
    assert "5 people × EUR 75,000 salary × 1.3 = EUR 487,500" in soc and "Critical: EUR 3,900 × 12" in soc


def test_day_rate_and_fixed_price_replies(engine):
    text = said(ask(engine, "custom software development, 2 developers for 3 months"))
    assert "2 × 63 days × EUR 650 per day = EUR 81,900 (a month counted as 21 working days)" in text
    assert "from EUR 12,000 per project" in said(ask(engine, "what would a cloud migration cost?"))


def test_without_a_service_it_asks_which_or_uses_the_advice(engine):
    assert ask(engine, "what would it cost?").say.response == "utter_cost_which_service"
    advised = said(ask(engine, "What would it cost?", advised=("managed-servers", "managed-helpdesk")))
    assert "= EUR 2,300 per month" in advised


def test_every_figure_stated_is_in_the_catalogue_or_the_assumptions_or_computed_from_them(engine):
    sources = (ROOT / "data" / "catalogue.yml").read_text() + (
        ROOT / "data" / "cost_assumptions.yml"
    ).read_text()
    reply = said(ask(engine, "managed servers for 40 servers premium per year"))
    stated = {n.replace(",", "") for n in re.findall(r"EUR ([\d,]+)", reply)}
    # 1650 and 95 are catalogue prices; 4500 and 54000 follow from them: 1650 + 30 × 95, × 12
    assert {"1650", "95"} <= {n for n in stated if re.search(rf"\b{n}\b", sources)}
    assert stated == {"1650", "95", "4500", "54000"}


@pytest.mark.parametrize(
    "text",
    [
        "what would managed helpdesk cost for 120 users?",
        "all of backup, firewall and helpdesk per year?",
        "which is cheaper, in-house or managed helpdesk?",
        "how much more is premium for the servers?",
        "custom software development, 2 developers for 3 months",
    ],
)
def test_cost_replies_are_chat_sized(engine, text):
    assert word_count(said(ask(engine, text))) <= 80


def test_an_assumptions_file_that_is_not_sample_data_or_not_numbers_is_refused():
    data = yaml.safe_load((ROOT / "data" / "cost_assumptions.yml").read_text())
    broken = copy.deepcopy(data)
    broken["in_house"]["salary_per_year"] = "a lot"
    with pytest.raises(inhouse.AssumptionsError, match="salary_per_year"):
        inhouse.parse(broken)
    with pytest.raises(inhouse.AssumptionsError, match="sample_data"):
        inhouse.parse({**data, "sample_data": False})


def test_a_price_question_with_numbers_gets_the_arithmetic_whichever_intent(catalogue, monkeypatch):
    from actions.catalogue import ActionServicePrice
    from actions.pricing import ActionCostEstimate
    from tests.action_helpers import make_tracker, rendered, run_action

    monkeypatch.setenv("SALES_DB_URL", catalogue)
    tracker = make_tracker(
        "and how much would that be for 120 users?",
        "ask_service_price",
        slots={"service": "managed-helpdesk"},
    )
    for action in (ActionServicePrice(), ActionCostEstimate()):
        messages, events = run_action(action, tracker)
        assert "EUR 2,430 per month" in rendered(messages)
        assert {e["name"] for e in events} == {"estimate", "service"}
    plain, _ = run_action(
        ActionServicePrice(),
        make_tracker("how much is it?", "ask_service_price", slots={"service": "managed-helpdesk"}),
    )
    assert "from EUR 1,100 per month" in rendered(plain)
