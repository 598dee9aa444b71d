"""What the assistant says to a cost question: an estimate with its arithmetic, a tier
difference, or an in-house comparison. Actions pass what NLU found and the last request;
this module asks the catalogue and fills the {placeholders} of the domain's utter_cost_*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.catalogue import queries
from bot.catalogue.answers import (
    allowance,
    format_money,
    included_units,
    note,
    plural,
    price_with_allowance,
    starting_price,
    tier_text,
    units,
)
from bot.catalogue.choices import candidates as services_to_offer
from bot.catalogue.choices import choice_buttons
from bot.catalogue.queries import ServiceInfo, SlaTier
from bot.catalogue.replies import services_named
from bot.forms import words
from bot.forms.turns import Say
from bot.knowledge import SALES_BUTTON
from bot.pricing import estimate, inhouse, request
from bot.pricing.estimate import DayRateLine, Estimate, MonthlyLine
from bot.text import buttons, messages

SERVICES_BUTTON = buttons.SERVICES
MAX_SERVICES = 4


@dataclass(frozen=True)
class CostReply:
    say: Say
    buttons: list[dict] = field(default_factory=list)
    request: dict[str, Any] | None = None  # kept in the `estimate` slot for follow-ups
    service: str | None = None  # the service now under discussion


def money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def _line_text(line: MonthlyLine) -> str:
    s = line.service
    tier = messages.text("pricing.line.tier", tier=line.tier.name) if line.tier else ""
    head = f"{s.name}{tier}: {money(line.base, s.currency)}"
    if line.extra_units and s.quantity_unit and s.included_quantity:
        unit = s.quantity_unit
        return head + messages.text(
            "pricing.line.extra",
            included=units(s.included_quantity, unit),
            count=line.extra_units,
            units=plural(unit, line.extra_units),
            price=money(line.extra_price, s.currency),
        )
    covered = included_units(s)
    return f"{head} ({covered})" if covered else head


def arithmetic(result: Estimate) -> str:
    """'A: EUR 1,650 (incl. 10 servers) + 30 extra servers × EUR 95 = EUR 4,500 per month; × 12 = ...'"""
    currency = result.lines[0].service.currency
    parts = [_line_text(line) for line in result.lines]
    text = (" + ".join(parts) if len(parts) > 1 else parts[0]) + messages.text(
        "pricing.per_month", total=money(result.monthly, currency)
    )
    if result.months > 1:
        period = (
            messages.text("pricing.per_year")
            if result.months == 12
            else messages.text("pricing.over_months", months=result.months)
        )
        text += f"; × {result.months} = {money(result.total, currency)} {period}"
    return text + "."


def terms_text(result: Estimate) -> str:
    term = result.minimum_term
    parts = []
    if term:
        parts.append(messages.text("pricing.minimum_term", months=term))
    vat = result.lines[0].service.vat_note
    if vat:
        parts.append(vat)
    return " ".join(parts)


def _day_rate_text(line: DayRateLine, working_days: int) -> str:
    s = line.service
    return messages.text(
        "pricing.day_rate",
        name=s.name,
        people=line.people,
        days=line.days,
        rate=money(s.price_amount, s.currency),
        total=money(line.total, s.currency),
        working_days=working_days,
    )


def _which_service(
    session: Session, text: str, choices: Sequence[str], req: request.CostRequest | None = None
) -> CostReply:
    """Which service to estimate: those that fit what was said. The request is kept, so the
    service chosen next is estimated with the numbers already given ("for 120 users")."""
    offered = services_to_offer(session, text, choices)
    buttons = choice_buttons(offered, "ask_service_price")
    return CostReply(
        Say("utter_cost_which_service"), buttons + [SALES_BUTTON], req.as_slot() if req else None
    )


def _services(session: Session, slugs: Sequence[str]) -> list[ServiceInfo]:
    found = (queries.get_service(session, slug) for slug in slugs[:MAX_SERVICES])
    return [s for s in found if s is not None]


def compare_reply(service: ServiceInfo, req: request.CostRequest, facts: inhouse.Assumptions) -> CostReply:
    unit = (service.quantity_unit or "").lower()
    result = inhouse.compare(
        service, facts, round_the_clock=req.tier == estimate.TOP, quantity=req.quantities.get(unit)
    )
    c = service.currency
    coverage = (
        messages.text("pricing.compare.round_the_clock")
        if result.round_the_clock
        else messages.text("pricing.compare.office_hours")
    )
    tier = f", {result.managed.tier.name}" if result.managed.tier else ""
    figures = messages.text(
        "pricing.compare",
        coverage=coverage,
        people=result.people,
        salary=money(result.salary, c),
        factor=result.factor,
        staff=money(result.staff_per_year, c),
        tools=money(result.tooling_per_month, c),
        in_house=money(result.in_house_per_year, c),
        service=f"{service.name}{tier}",
        monthly=money(result.managed.monthly, c),
        managed=money(result.managed_per_year, c),
    )
    return CostReply(
        Say("utter_cost_compare", {"arithmetic": figures}),
        [SALES_BUTTON, SERVICES_BUTTON],
        req.as_slot(),
        service.slug,
    )


def _running_round_the_clock(tier: SlaTier) -> bool:
    return bool(request.ROUND_THE_CLOCK.search(tier.hours or ""))


def difference_reply(service: ServiceInfo, req: request.CostRequest, text: str = "") -> CostReply:
    """ "How much more is premium?", "is 24/7 extra?": the tiers' monthly prices from the catalogue,
    and, when 24/7 is asked about, which tier has it (SOC: every tier; workstations: none)."""
    c = service.currency
    found = estimate.tier_difference(service)
    covered = allowance(service)
    if not found:
        if service.sla_tiers:
            said = messages.text(
                "pricing.difference.same", name=service.name, price=price_with_allowance(service)
            )
        else:
            said = messages.text(
                "pricing.difference.no_tiers",
                name=service.name,
                price=price_with_allowance(service) + note(service),
            )
        return CostReply(
            Say("utter_cost_difference", {"arithmetic": said}),
            [SALES_BUTTON, SERVICES_BUTTON],
            req.as_slot(),
            service.slug,
        )
    cheap, dear, more = found
    lead = ""
    if request.ROUND_THE_CLOCK.search(words.clean(text)):
        with_24_7 = [t for t, _ in estimate.tier_surcharges(service) if _running_round_the_clock(t)]
        if with_24_7 and with_24_7[0] == cheap:
            lead = messages.text(
                "pricing.difference.round_the_clock_included",
                tier=cheap.name,
                price=money(cheap.price or Decimal(0), c),
            )
        elif with_24_7:
            dear = with_24_7[0]
            more = (dear.price or Decimal(0)) - (cheap.price or Decimal(0))
        else:
            lead = messages.text("pricing.difference.no_round_the_clock", name=service.name, tier=dear.name)
    said = (
        lead
        + messages.text(
            "pricing.difference",
            name=service.name,
            dear=dear.name,
            price=money(dear.price or Decimal(0), c),
            more=money(more, c),
            cheap=cheap.name,
            cheap_price=money(cheap.price or Decimal(0), c),
            gives=tier_text(dear, name=False),
        )
        + (messages.text("catalogue.sla.covers", allowance=covered) if covered else "")
    )
    return CostReply(
        Say("utter_cost_difference", {"arithmetic": said}),
        [SALES_BUTTON, SERVICES_BUTTON],
        req.as_slot(),
        service.slug,
    )


def _case(quantities: dict[str, int]) -> str:
    """'30 users, 12 TB': the case the visitor stated, in the catalogue's units."""
    return ", ".join(units(n, "TB" if unit == "tb" else unit) for unit, n in quantities.items())


def cheaper_reply(services: Sequence[ServiceInfo], req: request.CostRequest) -> CostReply | None:
    """ "Which is cheaper for 30 users, standard or premium?" (the tiers of one service) or "...,
    managed helpdesk or workstation management?" (services, each counting its own unit): the
    estimator's monthly lines side by side, and the difference. None: fewer than two to compare."""
    monthly = [s for s in services if s.billing_model == "subscription"]
    if not monthly:
        return None
    options: list[tuple[str, MonthlyLine]] = []
    if len(services) == 1:
        one = monthly[0]
        quantity = req.quantities.get((one.quantity_unit or "").lower())
        options = [
            (t.name, estimate.monthly_line(one, quantity, t.name)) for t, _ in estimate.tier_surcharges(one)
        ]
    else:
        options = [
            (s.name, estimate.monthly_line(s, req.quantities.get((s.quantity_unit or "").lower()), req.tier))
            for s in monthly
        ]
    if len(options) < 2:
        return None
    c = monthly[0].currency
    case = _case(req.quantities)
    lines = "; ".join(
        _line_text(line) + (f" = {money(line.monthly, c)}" if line.extra_units else "") for _, line in options
    )
    ranked = sorted(options, key=lambda o: o[1].monthly)
    (best, low), (_, next_) = ranked[0], ranked[1]
    if low.monthly == next_.monthly:
        verdict = messages.text("pricing.cheaper.same")
    else:
        verdict = messages.text("pricing.cheaper.by", name=best, price=money(next_.monthly - low.monthly, c))
    notes = []
    if len(services) == 1:
        dear = ranked[-1][1].tier
        if dear and dear != low.tier:
            notes.append(
                messages.text("pricing.cheaper.buys", tier=dear.name, buys=tier_text(dear, name=False))
            )
    else:
        asked = [plural("TB" if u == "tb" else u, 2) for u in req.quantities]
        for s in monthly:
            unit = (s.quantity_unit or "").lower()
            if asked and s.quantity_unit and unit not in req.quantities:
                notes.append(
                    messages.text(
                        "pricing.cheaper.counts",
                        name=s.name,
                        units=plural(s.quantity_unit, 2),
                        asked=messages.text("pricing.cheaper.or").join(asked),
                    )
                )
        for s in services:
            if s not in monthly:
                notes.append(
                    messages.text("pricing.cheaper.not_monthly", name=s.name, price=starting_price(s))
                )
    case = messages.text("pricing.cheaper.case", case=case) if case else ""
    said = messages.text("pricing.cheaper", case=case, lines=lines, verdict=verdict) + "".join(
        " " + n for n in notes
    )
    return CostReply(
        Say("utter_cost_cheaper", {"arithmetic": said}),
        [SALES_BUTTON, SERVICES_BUTTON],
        req.as_slot(),
        services[0].slug,
    )


def estimate_reply(
    session: Session,
    text: str,
    mentions: list[str],
    last_service: str | None,
    last_request: Any,
    facts: inhouse.Assumptions,
    advised: Sequence[str] = (),
    choices: Sequence[str] = (),
) -> CostReply:
    """Reply to "what would the helpdesk cost for 120 users?" and its follow-ups.

    Without a service in the question, the last estimate's, the one in focus, or the services the
    advisor recommended are estimated; with none, the visitor picks one (of `choices`, the short
    list in focus, or those that fit the question)."""
    named = tuple(s.slug for s in services_named(session, mentions, text))
    req = request.follow_up(request.read(text, named), last_request)
    fallback = (last_service,) if last_service else tuple(advised)
    if not req.services and fallback:
        req = replace(req, services=fallback)
    services = _services(session, req.services)
    if not services:
        return _which_service(session, text, choices, req)
    first = services[0]
    if req.in_house:
        managed = next((s for s in services if s.billing_model == "subscription"), None)
        return compare_reply(managed, req, facts) if managed else _which_service(session, text, (), req)
    if req.compare:
        compared = cheaper_reply(services, req)
        if compared:
            return compared
    if req.difference:
        return difference_reply(first, req, text)
    subscriptions = [s for s in services if s.billing_model == "subscription"]
    if subscriptions:
        months = req.months or 12
        if req.until_term:
            months = max((s.minimum_term_months or 12) for s in subscriptions)
        result = estimate.subscriptions(subscriptions, req.quantities, req.tier, months)
        return CostReply(
            Say("utter_cost_estimate", {"arithmetic": arithmetic(result), "terms": terms_text(result)}),
            [SALES_BUTTON, SERVICES_BUTTON],
            req.as_slot(),
            first.slug,
        )
    if first.billing_model == "time_and_material" and first.price_unit == "per day":
        days = req.days or (req.months or 1) * facts.working_days_per_month
        line = estimate.day_rate(first, req.people or 1, days)
        return CostReply(
            Say(
                "utter_cost_estimate",
                {"arithmetic": _day_rate_text(line, facts.working_days_per_month), "terms": first.vat_note},
            ),
            [SALES_BUTTON, SERVICES_BUTTON],
            req.as_slot(),
            first.slug,
        )
    return CostReply(
        Say(
            "utter_cost_fixed_price",
            {
                "service": first.name,
                "price": starting_price(first),
                "note": first.billing_note or messages.text("pricing.as_quoted"),
            },
        ),
        [SALES_BUTTON, SERVICES_BUTTON],
        req.as_slot(),
        first.slug,
    )
