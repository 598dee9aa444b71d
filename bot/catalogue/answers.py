"""Chat-sized answers (<= 80 words) about catalogue services. Pure formatting, no DB.

Prices are stated in the units the estimator counts with (bot.pricing.estimate): the base price
covers `included_quantity` units, each extra unit costs `extra_unit_price` a month, and each SLA
tier has its own monthly price, so a price answer and an estimate never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from bot.catalogue.queries import ServiceInfo
from bot.pricing import estimate

MAX_WORDS = 80
SIDE_LABELS = {"managed_services": "managed services", "it_outsourcing": "IT outsourcing"}
BILLING_LABELS = {
    "subscription": "a monthly subscription with a guaranteed SLA",
    "fixed_price": "a fixed price for the project",
    "time_and_material": "time & material",
}


def format_money(amount: Decimal, currency: str) -> str:
    """EUR 1,200 or EUR 1,234.50: cents only when there are any."""
    amount = Decimal(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency} {text}"


def starting_price(service: ServiceInfo) -> str:
    """'from EUR 1,200 per month'."""
    return f"from {format_money(service.price_amount, service.currency)} {service.price_unit}"


def plural(unit: str, count: int) -> str:
    """'user' -> 'users'; TB and single units stay as they are."""
    return unit if count == 1 or unit.upper() == "TB" else f"{unit}s"


def units(count: int, unit: str) -> str:
    """'50 users', '20 TB', '1 firewall'."""
    return f"{count} {plural(unit, count)}"


def has_allowance(service: ServiceInfo) -> bool:
    """The base price covers a number of units and each extra unit has a price."""
    return bool(service.included_quantity and service.quantity_unit and service.extra_unit_price is not None)


def extra_unit(service: ServiceInfo) -> str:
    """'EUR 19 per extra user' ('' without included units)."""
    if not has_allowance(service):
        return ""
    return f"{format_money(service.extra_unit_price or Decimal(0), service.currency)} per extra {service.quantity_unit}"


def included_units(service: ServiceInfo) -> str:
    """'up to 50 users' ('1 firewall'): what the base price covers ('' when it counts no units)."""
    if not has_allowance(service):
        return ""
    count = service.included_quantity or 0
    return ("up to " if count > 1 else "") + units(count, service.quantity_unit or "")


def allowance(service: ServiceInfo) -> str:
    """'up to 50 users, EUR 19 per extra user': what the estimator counts with ('' when none)."""
    if not has_allowance(service):
        return ""
    return f"{included_units(service)}, {extra_unit(service)}"


def price_with_allowance(service: ServiceInfo) -> str:
    """'from EUR 1,100 per month for up to 50 users, EUR 19 per extra user'."""
    covered = allowance(service)
    return starting_price(service) + (f" for {covered}" if covered else "")


def tiers_differ(service: ServiceInfo) -> bool:
    """Some SLA tier costs more than another."""
    return any(more for _, more in estimate.tier_surcharges(service))


def tier_prices(service: ServiceInfo) -> str:
    """'Standard EUR 1,100, Premium EUR 1,600 a month' ('' when the tiers cost the same)."""
    if not tiers_differ(service):
        return ""
    priced = [
        f"{t.name} {format_money(t.price or Decimal(0), service.currency)}"
        for t, _ in estimate.tier_surcharges(service)
    ]
    return ", ".join(priced) + " a month"


def word_count(text: str) -> int:
    return len(text.split())


def _fit(text: str) -> str:
    """Last-resort guard for long catalogue texts: cut at MAX_WORDS words."""
    words = text.split()
    return text if len(words) <= MAX_WORDS else " ".join(words[: MAX_WORDS - 1]) + " …"


def _surcharges(service: ServiceInfo) -> dict[str, Decimal]:
    """Tier name -> monthly price above the cheapest tier, when the tiers' prices differ."""
    return {t.name: more for t, more in estimate.tier_surcharges(service)} if tiers_differ(service) else {}


def _sla_summary(service: ServiceInfo, prices: bool = False) -> str:
    """'Standard 2 h response, ...; Premium 30 min response, ..., 24/7 (EUR 500 more a month)'.

    With `prices`, every tier's monthly price when the tiers cost different amounts."""
    more = _surcharges(service)
    parts = []
    for tier in service.sla_tiers:
        hours = f", {tier.hours}" if tier.hours else ""
        text = f"{tier.name} {tier.response_time} response, {tier.availability} availability{hours}"
        extra = more.get(tier.name)
        if prices and tier.name in more:
            cost = format_money(tier.price or Decimal(0), service.currency)
            text += f", {cost} a month" + (
                f" ({format_money(extra or Decimal(0), service.currency)} more)" if extra else ""
            )
        elif extra:
            text += f" ({format_money(extra, service.currency)} more a month)"
        parts.append(text)
    return "; ".join(parts)


def _no_sla(service: ServiceInfo) -> str:
    """Why a service has no SLA tiers, in the catalogue's own terms: a fixed-price project, or
    work billed per day as its description says (body leasing: specialists under your direction)."""
    if service.billing_model == "fixed_price":
        return (
            f"it is project work at a fixed price, agreed per project with scope, milestones and "
            f"acceptance criteria. Typical engagement: {service.engagement}."
        )
    note = f" ({service.billing_note})" if service.billing_note else ""
    return (
        f"it is billed {service.price_unit}{note}, not a managed service. {service.description} "
        f"Typical engagement: {service.engagement}."
    )


def describe(service: ServiceInfo) -> str:
    side = SIDE_LABELS.get(service.side, service.side)
    text = (
        f"{service.name} ({side}): {service.description} "
        f"Billed as {BILLING_LABELS.get(service.billing_model, service.billing_model)}, "
        f"{price_with_allowance(service)}"
        + (f" ({service.billing_note})." if service.billing_note and not has_allowance(service) else ".")
    )
    if service.sla_tiers:
        text += f" SLA: {_sla_summary(service)}."
    elif service.billing_model == "fixed_price":
        text += f" No SLA tiers: project work ({service.engagement})."
    else:
        text += f" No SLA tiers; engagement: {service.engagement}."
    return _fit(text)


# "how long does a system migration usually take?", "how many weeks is a pen test?"
_DURATION = re.compile(
    r"\bhow (long|many (weeks|months|days))\b|\b(duration|timeframe|time frame|timeline|lead time)\b|"
    r"\btakes? (long|weeks|months)\b",
    re.I,
)


def asks_duration(text: str | None) -> bool:
    return bool(_DURATION.search(text or ""))


def duration_text(service: ServiceInfo) -> str:
    """How long the service usually runs: the catalogue's engagement, with what it is."""
    return _fit(
        f"{service.name} typically runs {service.engagement}. {service.description} "
        f"Yours depends on its scope: our sales team can plan it with you."
    )


def price_text(service: ServiceInfo) -> str:
    note = f" ({service.billing_note})" if service.billing_note else ""
    tiers = tier_prices(service)
    text = (
        f"{service.name} is billed as {BILLING_LABELS.get(service.billing_model, service.billing_model)}: "
        f"{price_with_allowance(service)}{note}. "
        + (f"SLA tiers: {tiers}. " if tiers else "")
        + f"Typical engagement: {service.engagement}. "
        f"Prices are indicative; sales can send you an exact quote."
    )
    return _fit(text)


def included_text(service: ServiceInfo) -> str:
    """What the price covers: the service, the units and their limit, the note, the tiers' prices."""
    covered = allowance(service)
    price = (
        f"The price, {starting_price(service)}, covers {covered}"
        if covered
        else f"The price: {starting_price(service)}"
    )
    note = f" ({service.billing_note})" if service.billing_note else ""
    tiers = tier_prices(service)
    if tiers:
        tiers = f" SLA tiers: {tiers}."
    elif service.sla_tiers:
        tiers = f" SLA tiers: {', '.join(t.name for t in service.sla_tiers)}."
    return f"{service.description} {price}{note}.{tiers}"


def sla_text(service: ServiceInfo) -> str:
    if not service.sla_tiers:
        text = f"{service.name} has no SLA tiers: {_no_sla(service)}"
    elif tiers_differ(service):
        covered = allowance(service)
        text = f"{service.name} SLA tiers: {_sla_summary(service, prices=True)}." + (
            f" Each tier's price covers {covered}." if covered else ""
        )
    elif any(t.price is not None for t in service.sla_tiers) or len(service.sla_tiers) == 1:
        text = f"{service.name} SLA tiers: {_sla_summary(service)}. Included in the monthly subscription."
    else:
        text = f"{service.name} SLA tiers: {_sla_summary(service)}. Sales quote each tier's price."
    return _fit(text)


def list_text(services: Sequence[ServiceInfo], side: str | None = None, theme: str | None = None) -> str:
    scope = " ".join(filter(None, [theme and f"{theme.lower()}", SIDE_LABELS.get(side or "", "")]))
    label = f"{scope} services" if scope and not scope.endswith("services") else (scope or "services")
    if not services:
        return f"We have no {label} in the catalogue right now. Shall I put you in touch with sales?"
    head = f"Our {label}: "
    tail = ". Which one would you like to know more about?"
    names = [s.name for s in services]
    budget = MAX_WORDS - word_count(head) - word_count(tail) - 3  # room for "and N more"
    shown: list[str] = []
    for name in names:
        if word_count(", ".join(shown + [name])) > budget:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    listed = ", ".join(shown) + (f" and {rest} more" if rest else "")
    return head + listed + tail


def not_found_text(query: str, suggestions: Sequence[ServiceInfo]) -> str:
    words = " ".join(str(query or "").split()[:8])  # quote the visitor briefly, never at length
    subject = f'"{words}"' if words else "that"
    if not suggestions:
        return (
            f"I couldn't find {subject} in our service catalogue. "
            f"I can list what we offer, or pass your question to our sales team."
        )
    names = ", ".join(s.name for s in suggestions[:3])
    return (
        f"I couldn't find {subject} in our service catalogue. Closest matches: {names}. "
        f"Want details on one of them, or shall I pass your question to sales?"
    )
