"""Commercial questions (billing basis, what is included, surcharges, comparisons for a case,
discounts) answered from the catalogue's own terms, in the estimator's units, whichever intent NLU
picked. Real catalogue in a temporary SQLite file; every figure expected comes from
data/catalogue.yml (tests/catalogue_prices.py), never typed here."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot import db
from bot.catalogue import answers, queries, replies, terms
from bot.catalogue.answers import format_money, units, word_count
from bot.pricing import commercial, estimate
from bot.pricing import replies as costs
from tests.action_helpers import ROOT, domain, entity, make_tracker, rendered, run_action
from tests.catalogue_prices import service as spec

HELPDESK, SERVERS, FIREWALL, SOC = (
    "managed-helpdesk",
    "managed-servers",
    "managed-firewall",
    "soc-as-a-service",
)
WORKSTATIONS, CLOUD, LEASING, MIGRATION = (
    "workstation-management",
    "managed-cloud",
    "body-leasing",
    "system-migration",
)
EUR = re.compile(r"EUR ([\d,]+(?:\.\d\d)?)")


def money(amount) -> str:
    return format_money(Decimal(amount), spec(HELPDESK).currency)


@pytest.fixture(scope="module")
def engine(catalogue):
    eng = db.make_engine(catalogue)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def services(engine) -> dict[str, queries.ServiceInfo]:
    with db.session_scope(engine) as session:
        return {s.slug: s for s in queries.list_services(session)}


@pytest.fixture
def sales_db(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    return catalogue


def said(reply) -> str:
    """A CostReply as the visitor reads it: the domain response with its placeholders filled."""
    template = domain()["responses"][reply.say.response][0]["text"]
    return template.format(**dict(reply.say.kwargs))


def ask(engine, text, focus=None):
    with db.session_scope(engine) as session:
        return commercial.reply(session, text, [], focus)


def estimate_for(engine, text, focus=None, facts=None):
    from bot.pricing import inhouse

    facts = facts or inhouse.assumptions(ROOT / "data" / "cost_assumptions.yml")
    with db.session_scope(engine) as session:
        return costs.estimate_reply(session, text, [], focus, None, facts)


def tiers_by_price(slug):
    return sorted(spec(slug).sla, key=lambda t: t.price)


def with_allowance(services):
    return [s for s in services.values() if s.included_quantity]


# ----------------------------------------------------------------------------- reading the question


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("is that per user or flat?", commercial.BASIS),
        ("per user?", commercial.BASIS),
        ("flat fee or per seat", commercial.BASIS),
        ("is it per-device", commercial.BASIS),
        ("pricing per head", commercial.BASIS),
        ("how much per extra user", commercial.BASIS),
        ("how do you charge for it?", commercial.BASIS),
        ("whats included", commercial.INCLUDED),
        ("what does the price cover?", commercial.INCLUDED),
        ("does it cover laptops?", commercial.INCLUDED),
        ("is there a user limit?", commercial.INCLUDED),
        ("how many users are included", commercial.INCLUDED),
        ("is 24/7 extra?", commercial.SURCHARGE),
        ("is premium firewall extra?", commercial.SURCHARGE),
        ("how much more is premium", commercial.SURCHARGE),
        ("does the premium tier cost more", commercial.SURCHARGE),
        ("is 24/7 included?", commercial.SURCHARGE),
        ("is premium or standard cheaper for 30 users", commercial.CHEAPER),
        ("which tier is cheaper for 80 users?", commercial.CHEAPER),
        ("can we cancel after 6 months?", commercial.TERMS),
        ("minimum contract length?", commercial.TERMS),
        ("is VAT included?", commercial.TERMS),
        ("is there a discount for a 3 year contract?", commercial.DISCOUNT),
        ("any discount if we sign for 3 yrs", commercial.DISCOUNT),
        ("volume discount?", commercial.DISCOUNT),
        ("is it cheaper if we pay annually?", commercial.DISCOUNT),
        ("dicount for 2 services?", commercial.DISCOUNT),
        ("do you have nonprofit pricing", commercial.DISCOUNT),
    ],
)
def test_reading_what_a_commercial_question_asks(text, aspect):
    question = commercial.read(text)
    assert question is not None and question.aspect == aspect
    assert commercial.cued(text)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("is there a discount for a 3 year contract?", "term"),
        ("any discount if we sign for three years", "term"),
        ("volume discount?", "volume"),
        ("discount for 300 users?", "volume"),
        ("bundle discount if we take several services", "bundle"),
        ("do you give discounts to charities", "nonprofit"),
        ("discount?", None),
    ],
)
def test_what_a_discount_would_be_for(text, kind):
    assert commercial.read(text) == commercial.Question(commercial.DISCOUNT, discount=kind)


@pytest.mark.parametrize(
    "text, unit",
    [("per user?", "user"), ("flat fee or per seat", "user"), ("per device?", "device"), ("per TB?", "tb")],
)
def test_the_unit_a_visitor_names(text, unit):
    assert commercial.read(text).unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "how are managed services billed?",
        "what do msps usually include?",
        "what is included in a typical managed service?",
        "are managed services a flat fee?",
        "how is outsourcing priced",
        "how do you charge?",
    ],
)
def test_questions_about_the_models_in_general_stay_the_articles(text):
    assert commercial.read(text) is None


def test_a_named_service_makes_a_billing_question_about_it():
    assert commercial.read("how is the helpdesk billed?", (HELPDESK,)).aspect == commercial.BASIS
    assert commercial.read("how is the helpdesk billed?") is None


@pytest.mark.parametrize(
    "text",
    [
        "what would managed helpdesk cost for 120 users?",
        "what would it cost per month for 120 users?",
        "premium tier?",
        "per year?",
        "which is cheaper, in-house or managed helpdesk?",
        "how much is it?",
        "do you offer 24/7 support?",
        "what's covered by the SLA?",
        "do you cover office 365?",
        "can you include onboarding?",
        "/ask_service_price",
        "",
    ],
)
def test_estimates_prices_and_other_questions_are_not_commercial(text):
    assert commercial.read(text) is None


def test_two_services_compared_for_a_case():
    question = commercial.read(
        "which is cheaper for 60 users, managed helpdesk or workstation management?", (HELPDESK, WORKSTATIONS)
    )
    assert question.aspect == commercial.CHEAPER


# ----------------------------------------------------------------------------- one set of units


def _allowance_in(text: str) -> tuple[int, str, str] | None:
    """(included count, unit, extra price) as a price/SLA/describe text states them."""
    m = re.search(
        r"(?:up to )?(\d+) ([A-Za-z ]+?), (EUR [\d,]+(?:\.\d\d)?) per extra ([A-Za-z ]+?)(?= \(|[.,;]|$)",
        text,
    )
    return (int(m.group(1)), m.group(4), m.group(3)) if m else None


def _allowance_in_estimate(text: str) -> tuple[int, str, str] | None:
    """(included count, unit, extra price) as the estimator's arithmetic states them."""
    m = re.search(r"\(incl\. (\d+) ([A-Za-z ]+?)\) \+ \d+ extra [A-Za-z ]+? × (EUR [\d,]+(?:\.\d\d)?)", text)
    if not m:
        return None
    unit = m.group(2) if m.group(2).upper() == "TB" or int(m.group(1)) == 1 else m.group(2)[:-1]
    return int(m.group(1)), unit, m.group(3)


def test_the_price_reply_and_the_estimator_state_the_same_included_units_and_extra_price(engine, services):
    checked = 0
    for service in with_allowance(services):
        source = spec(service.slug)
        expected = (source.included_quantity, source.quantity_unit, money(source.extra_unit_price))
        with db.session_scope(engine) as session:
            price = replies.price_reply(session, "how much is it?", [], service.slug).text
        quantity = {source.quantity_unit.lower(): source.included_quantity + 3}
        result = estimate.subscriptions([service], quantity, None)
        assert _allowance_in(price) == expected, price
        assert _allowance_in_estimate(costs.arithmetic(result)) == expected, costs.arithmetic(result)
        plain = costs.arithmetic(estimate.subscriptions([service], {}, None))
        assert f"({answers.included_units(service)})" in plain and answers.included_units(service) in price
        checked += 1
    assert checked >= 5, "the catalogue has services with included units"


@pytest.mark.parametrize("kind", ["describe", "sla", "basis", "included", "discount"])
def test_every_other_answer_states_the_same_units(engine, services, kind):
    for service in with_allowance(services):
        source = spec(service.slug)
        if kind == "describe":
            text = answers.describe(service)
        elif kind == "sla":
            text = answers.sla_text(service)
        elif kind == "discount":
            text = said(ask(engine, "any discount?", service.slug))
        else:
            text = said(ask(engine, "per user?" if kind == "basis" else "whats included", service.slug))
        count = source.included_quantity
        assert f"{units(count, source.quantity_unit)}" in text, text
        extra = money(source.extra_unit_price)
        assert (
            f"{extra} per extra {source.quantity_unit}" in text
            or f"each extra {source.quantity_unit} costs {extra} a month" in text
        ), text


def test_no_sla_text_says_included_when_the_tiers_cost_different_amounts(services):
    differ = 0
    for service in services.values():
        prices = {t.price for t in spec(service.slug).sla}
        if len(prices) < 2:
            continue
        differ += 1
        text = answers.sla_text(service)
        assert "included" not in text.lower(), text
        for text in (answers.describe(service), answers.price_text(service)):
            assert "included in the monthly subscription" not in text.lower()
        cheapest, *dearer = tiers_by_price(service.slug)
        sla = answers.sla_text(service)
        assert f"{cheapest.name} " in sla and f"{money(cheapest.price)} a month" in sla
        for tier in dearer:
            assert f"{money(tier.price)} a month ({money(tier.price - cheapest.price)} more)" in sla, sla
    assert differ >= 5


def test_tiers_at_one_price_are_still_included(services):
    from dataclasses import replace

    from bot.catalogue.queries import SlaTier

    firewall = services[FIREWALL]
    same = tuple(
        SlaTier(t.name, t.response_time, t.availability, t.hours, firewall.price_amount)
        for t in firewall.sla_tiers
    )
    assert "Included in the monthly subscription" in answers.sla_text(replace(firewall, sla_tiers=same))
    unpriced = tuple(SlaTier(t.name, t.response_time, t.availability, t.hours) for t in firewall.sla_tiers)
    assert "Sales quote each tier's price" in answers.sla_text(replace(firewall, sla_tiers=unpriced))


def test_day_rate_work_is_not_called_project_work(services):
    day_rate = [s for s in services.values() if s.billing_model == "time_and_material"]
    assert any(s.slug == LEASING for s in day_rate)
    for service in day_rate:
        for text in (answers.describe(service), answers.sla_text(service), answers.price_text(service)):
            assert "project work" not in text, text
        assert service.description in answers.sla_text(service), "the catalogue's own words"
    leasing = answers.sla_text(services[LEASING])
    assert spec(LEASING).billing_note in leasing and spec(LEASING).engagement in leasing
    for service in services.values():
        if service.billing_model == "fixed_price":
            assert "project work" in answers.sla_text(service)


def test_terms_say_what_is_included_with_the_same_text(services):
    helpdesk = services[HELPDESK]
    assert answers.included_text(helpdesk) in terms.service_terms(helpdesk, "what is included?")


# ----------------------------------------------------------------------------- the answers


def test_billing_basis_of_a_service_with_included_units(engine):
    source = spec(HELPDESK)
    standard, premium = tiers_by_price(HELPDESK)
    text = said(ask(engine, "is that per user or flat?", HELPDESK))
    assert (
        f"{source.name} is a flat monthly fee that covers up to {source.included_quantity} users "
        f"({source.billing_note}); each extra user costs {money(source.extra_unit_price)} a month"
    ) in text
    assert f"{standard.name} {money(standard.price)}, {premium.name} {money(premium.price)} a month" in text
    device = said(ask(engine, "is it per device?", HELPDESK))
    assert device.startswith(f"{source.name} counts users, not devices.")


def test_billing_basis_without_included_units_day_rates_and_projects(engine):
    cloud = said(ask(engine, "per user or flat?", CLOUD))
    assert "flat monthly fee, not per user" in cloud and spec(CLOUD).billing_note in cloud
    leasing = said(ask(engine, "is that per user?", LEASING))
    assert f"billed {spec(LEASING).price_unit}" in leasing and money(spec(LEASING).price_amount) in leasing
    assert spec(LEASING).billing_note in leasing
    migration = said(ask(engine, "per user?", MIGRATION))
    assert "fixed price per project" in migration and money(spec(MIGRATION).price_amount) in migration


def test_what_is_included_in_managed_servers(engine):
    source = spec(SERVERS)
    reply = ask(engine, "what's included in managed servers?")
    text = said(reply)
    assert source.description in text and source.billing_note in text
    assert (
        f"covers up to {source.included_quantity} servers, {money(source.extra_unit_price)} per extra server"
        in text
    )
    for tier in source.sla:
        assert f"{tier.name} {money(tier.price)}" in text
    assert reply.service == SERVERS and {b["title"] for b in reply.buttons} >= {
        "What would it cost?",
        "Talk to sales",
    }


@pytest.mark.parametrize("focus", [None, HELPDESK])
def test_a_discount_is_honest_and_never_a_number(engine, focus):
    reply = ask(engine, "is there a discount for a 3 year contract?", focus)
    text = said(reply)
    assert "We don't publish discounts for longer contracts" in text and "sales team quotes" in text
    assert "%" not in text
    stated = set(EUR.findall(text))
    if focus:
        source = spec(focus)
        assert stated == {
            money(source.price_amount)[4:],
            money(source.extra_unit_price)[4:],
        }, "list prices only"
        assert f"{source.minimum_term_months}-month minimum term" in text
    else:
        assert stated == set()
    assert reply.buttons[0] == {"title": "Talk to sales", "payload": "/request_sales_contact"}


def test_surcharge_of_a_premium_tier(engine):
    standard, premium = tiers_by_price(FIREWALL)
    text = said(estimate_for(engine, "is premium firewall extra?"))
    assert (
        f"{premium.name} costs {money(premium.price)} per month, {money(premium.price - standard.price)} more "
        f"than {standard.name} at {money(standard.price)}"
    ) in text
    assert "included" not in text.lower()


@pytest.mark.parametrize("slug", [SOC, WORKSTATIONS, HELPDESK])
def test_is_24_7_extra_says_which_tier_has_it(engine, slug):
    tiers = tiers_by_price(slug)
    text = said(estimate_for(engine, "is 24/7 extra?", slug))
    round_the_clock = [t for t in tiers if "24/7" in (t.hours or "")]
    if round_the_clock and round_the_clock[0] == tiers[0]:
        assert f"24/7 is already in the {tiers[0].name} tier" in text
    elif round_the_clock:
        t = round_the_clock[0]
        assert f"{t.name} costs {money(t.price)} per month, {money(t.price - tiers[0].price)} more" in text
    else:
        assert f"No {spec(slug).name} tier runs 24/7" in text
    assert word_count(text) <= answers.MAX_WORDS


def test_a_service_without_tiers_has_no_surcharge(engine):
    text = said(estimate_for(engine, "is 24/7 extra?", LEASING))
    assert "has no SLA tiers, so there is no tier surcharge" in text


def test_standard_or_premium_cheaper_for_30_users(engine):
    source = spec(HELPDESK)
    standard, premium = tiers_by_price(HELPDESK)
    users = 30
    extra = max(0, users - source.included_quantity) * source.extra_unit_price
    reply = estimate_for(engine, f"which is cheaper for {users} users, standard or premium helpdesk?")
    text = said(reply)
    assert reply.say.response == "utter_cost_cheaper"
    assert f"Per month for {users} users" in text
    assert (
        f"{standard.name} is cheaper by {money((premium.price + extra) - (standard.price + extra))} a month"
        in text
    )
    assert f"{premium.name} buys {premium.response_time} response" in text


def test_which_service_is_cheaper_for_60_users(engine):
    helpdesk, workstations = spec(HELPDESK), spec(WORKSTATIONS)
    users = 60
    helpdesk_monthly = (
        helpdesk.price_amount + (users - helpdesk.included_quantity) * helpdesk.extra_unit_price
    )
    text = said(
        estimate_for(
            engine, f"which is cheaper for {users} users, managed helpdesk or workstation management?"
        )
    )
    assert (
        f"+ {users - helpdesk.included_quantity} extra users × {money(helpdesk.extra_unit_price)} = {money(helpdesk_monthly)}"
        in text
    )
    cheaper = workstations.name if workstations.price_amount < helpdesk_monthly else helpdesk.name
    assert (
        f"{cheaper} is cheaper by {money(abs(helpdesk_monthly - workstations.price_amount))} a month" in text
    )
    assert f"{workstations.name} counts devices, not users" in text


def test_a_fixed_price_reply_quotes_the_services_own_note(engine):
    text = said(estimate_for(engine, "what would a license audit cost for 3 months?"))
    assert spec("license-management").billing_note in text and "scoping workshop" not in text


def test_every_commercial_answer_is_chat_sized(engine, services):
    questions = [
        "per user?",
        "per device?",
        "whats included",
        "any discount for 3 years?",
        "volume discount?",
    ]
    for slug in services:
        for text in questions:
            reply = ask(engine, text, slug)
            assert reply is not None and word_count(said(reply)) <= answers.MAX_WORDS, (slug, text)
        for text in ("is 24/7 extra?", "which is cheaper for 300 users, standard or premium?"):
            assert word_count(said(estimate_for(engine, text, slug))) <= answers.MAX_WORDS, (slug, text)


def test_without_a_service_only_the_discount_is_answered_here(engine):
    assert ask(engine, "per user?") is None
    assert ask(engine, "whats included") is None
    assert ask(engine, "volume discount?").say.response == "utter_cost_discount"


# ----------------------------------------------------------------------------- routing, through the actions


def _action(intent: str):
    from actions.catalogue import ActionCatalogueAnswer, ActionServicePrice, ActionServiceSla
    from actions.clarify import ActionClarify
    from actions.knowledge import ActionAnswerKnowledge

    return {
        "ask_service_price": ActionServicePrice,
        "ask_service_sla": ActionServiceSla,
        "ask_catalogue_service": ActionCatalogueAnswer,
        "nlu_fallback": ActionClarify,
    }.get(intent, ActionAnswerKnowledge)()


def _turn(text, intent, focus=None, entities=None):
    slots = {"service": focus} if focus else {}
    messages, events = run_action(_action(intent), make_tracker(text, intent, entities, slots=slots))
    return messages, events


ALL_INTENTS = [
    "ask_service_price",
    "ask_service_sla",
    "ask_billing_model",
    "ask_relationship",
    "ask_catalogue_service",
    "inform",
]


@pytest.mark.parametrize("intent", ALL_INTENTS)
def test_per_user_or_flat_reaches_the_answer_whatever_the_intent(sales_db, intent):
    messages, events = _turn("is that per user or flat?", intent, HELPDESK)
    assert messages[0]["response"] == "utter_cost_basis", messages
    assert f"covers up to {spec(HELPDESK).included_quantity} users" in rendered(messages)
    assert {e["name"]: e["value"] for e in events} == {"service": HELPDESK}


@pytest.mark.parametrize("intent", [*ALL_INTENTS, "nlu_fallback"])
def test_a_discount_question_reaches_the_honest_answer_whatever_the_intent(sales_db, intent):
    messages, _ = _turn("is there a discount for a 3 year contract?", intent)
    assert messages[0]["response"] == "utter_cost_discount"


@pytest.mark.parametrize("intent", ["ask_service_price", "ask_service_sla", "ask_billing_model", "inform"])
def test_is_premium_extra_reaches_the_tier_prices(sales_db, intent):
    messages, _ = _turn("is premium firewall extra?", intent, entities=[entity("service", "firewall")])
    assert messages[0]["response"] == "utter_cost_difference"


@pytest.mark.parametrize("intent", ["ask_catalogue_service", "ask_service_price", "ask_relationship"])
def test_whats_included_in_a_named_service(sales_db, intent):
    messages, events = _turn("what's included in managed servers?", intent)
    assert messages[0]["response"] == "utter_cost_basis"
    assert {e["name"]: e["value"] for e in events} == {"service": SERVERS}


def test_price_then_per_user_or_flat(sales_db):
    first, events = _turn("what does your managed helpdesk cost?", "ask_service_price")
    source = spec(HELPDESK)
    assert (
        f"from {money(source.price_amount)} per month for up to {source.included_quantity} users, "
        f"{money(source.extra_unit_price)} per extra user"
    ) in rendered(first)
    focus = {e["name"]: e["value"] for e in events}["service"]
    second, _ = _turn("is that per user or flat?", "ask_billing_model", focus)
    assert rendered(second) != rendered(first) and "flat monthly fee" in rendered(second)


def test_an_unsure_classifier_still_clarifies_other_messages(sales_db):
    unsure, _ = _turn("what about the thing", "nlu_fallback", HELPDESK)
    assert unsure[0]["response"] == "utter_out_of_scope", "no ranking: the clarifier's honest answer"
    basis, _ = _turn("per seat?", "nlu_fallback", HELPDESK)
    assert basis[0]["response"] == "utter_cost_basis"
    no_service, _ = _turn("per seat?", "nlu_fallback")
    assert no_service[0]["response"] == "utter_out_of_scope"


def test_general_billing_questions_keep_the_articles_answer(sales_db):
    with_focus, _ = _turn("how are managed services billed?", "ask_billing_model", HELPDESK)
    assert with_focus[0]["response"] == "utter_billing_model"
    no_service, _ = _turn("per user?", "ask_billing_model")
    assert no_service[0]["response"] == "utter_billing_model"
    relationship, _ = _turn("is it a long-term partnership?", "ask_relationship", HELPDESK)
    assert relationship[0]["response"] == "utter_relationship"


def test_other_catalogue_and_sla_questions_are_answered_as_before(sales_db):
    offer, _ = _turn("do you offer SOC as a service?", "ask_catalogue_service")
    assert spec(SOC).name in offer[0]["text"] and "SLA" in offer[0]["text"]
    sla, _ = _turn("what's the response time?", "ask_service_sla", FIREWALL)
    assert "response" in sla[0]["text"] and "project work" not in sla[0]["text"]
    round_the_clock, _ = _turn("do you offer 24/7 support?", "ask_catalogue_service")
    assert not (round_the_clock[0].get("response") or "").startswith("utter_cost")
    which, _ = _turn("per user?", "ask_service_price")
    assert "Which service" in which[0]["text"]


def test_the_service_in_focus_is_read_in_one_place():
    from actions.pricing import focused_service

    reads = {
        str(path.relative_to(ROOT)): path.read_text().count('get_slot("service")')
        for path in (ROOT / "actions").glob("*.py")
    }
    assert {k: v for k, v in reads.items() if v} == {"actions/pricing.py": 1}
    assert focused_service(make_tracker(slots={"service": HELPDESK})) == HELPDESK
    assert focused_service(make_tracker()) is None


def test_no_price_is_typed_into_this_file():
    assert not re.search(r"EUR \d", Path(__file__).read_text())
