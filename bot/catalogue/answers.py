"""Chat-sized answers (<= 80 words) about catalogue services. Pure formatting, no DB.

Prices are stated in the units the estimator counts with (bot.pricing.estimate): the base price
covers `included_quantity` units, each extra unit costs `extra_unit_price` a month, and each SLA
tier has its own monthly price, so a price answer and an estimate never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from bot.catalogue.queries import ServiceInfo, SlaTier
from bot.pricing import estimate
from bot.text import messages

MAX_WORDS = 80
# the texts: data/messages/<language>.yml, catalogue.*
SIDE_LABELS = messages.section("catalogue.side")
BILLING_LABELS = messages.section("catalogue.billing")


def format_money(amount: Decimal, currency: str) -> str:
    """EUR 1,200 or EUR 1,234.50: cents only when there are any."""
    amount = Decimal(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency} {text}"


def starting_price(service: ServiceInfo) -> str:
    """'from EUR 1,200 per month'."""
    return messages.text(
        "catalogue.from_price",
        price=format_money(service.price_amount, service.currency),
        unit=service.price_unit,
    )


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
    price = format_money(service.extra_unit_price or Decimal(0), service.currency)
    return messages.text("catalogue.extra_unit", price=price, unit=service.quantity_unit)


def included_units(service: ServiceInfo) -> str:
    """'up to 50 users' ('1 firewall'): what the base price covers ('' when it counts no units)."""
    if not has_allowance(service):
        return ""
    count = service.included_quantity or 0
    counted = units(count, service.quantity_unit or "")
    return messages.text("catalogue.up_to", units=counted) if count > 1 else counted


def allowance(service: ServiceInfo) -> str:
    """'up to 50 users, EUR 19 per extra user': what the estimator counts with ('' when none)."""
    if not has_allowance(service):
        return ""
    return f"{included_units(service)}, {extra_unit(service)}"


def price_with_allowance(service: ServiceInfo) -> str:
    """'from EUR 1,100 per month for up to 50 users, EUR 19 per extra user'."""
    covered = allowance(service)
    return starting_price(service) + (
        messages.text("catalogue.for_allowance", allowance=covered) if covered else ""
    )


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
    return messages.text("catalogue.a_month", prices=", ".join(priced))


def word_count(text: str) -> int:
    return len(text.split())


def _fit(text: str) -> str:
    """Last-resort guard for long catalogue texts: cut at MAX_WORDS words."""
    words = text.split()
    return text if len(words) <= MAX_WORDS else " ".join(words[: MAX_WORDS - 1]) + " …"


def _surcharges(service: ServiceInfo) -> dict[str, Decimal]:
    """Tier name -> monthly price above the cheapest tier, when the tiers' prices differ."""
    return {t.name: more for t, more in estimate.tier_surcharges(service)} if tiers_differ(service) else {}


def tier_text(tier: SlaTier, name: bool = True) -> str:
    """'Premium 30 min response, 99.9% availability, 24/7' (without `name`: from 'gives' on)."""
    hours = f", {tier.hours}" if tier.hours else ""
    said = messages.text(
        "catalogue.sla.tier", response=tier.response_time, availability=tier.availability, hours=hours
    )
    return f"{tier.name} {said}" if name else said


def _sla_summary(service: ServiceInfo, prices: bool = False) -> str:
    """'Standard 2 h response, ...; Premium 30 min response, ..., 24/7 (EUR 500 more a month)'.

    With `prices`, every tier's monthly price when the tiers cost different amounts."""
    more = _surcharges(service)
    parts = []
    for tier in service.sla_tiers:
        text = tier_text(tier)
        extra = more.get(tier.name)
        if prices and tier.name in more:
            cost = format_money(tier.price or Decimal(0), service.currency)
            text += messages.text("catalogue.sla.tier_price", price=cost) + (
                messages.text("catalogue.sla.more", price=format_money(extra or Decimal(0), service.currency))
                if extra
                else ""
            )
        elif extra:
            text += messages.text("catalogue.sla.more_a_month", price=format_money(extra, service.currency))
        parts.append(text)
    return "; ".join(parts)


def _no_sla(service: ServiceInfo) -> str:
    """Why a service has no SLA tiers, in the catalogue's own terms: a fixed-price project, or
    work billed per day as its description says (body leasing: specialists under your direction)."""
    if service.billing_model == "fixed_price":
        return messages.text("catalogue.no_sla.project", engagement=service.engagement)
    return messages.text(
        "catalogue.no_sla.billed",
        unit=service.price_unit,
        note=note(service),
        description=service.description,
        engagement=service.engagement,
    )


def note(service: ServiceInfo) -> str:
    """' (billed per user and month)': the billing note in brackets ('' without one)."""
    return f" ({service.billing_note})" if service.billing_note else ""


def billing_label(service: ServiceInfo) -> str:
    return BILLING_LABELS.get(service.billing_model, service.billing_model)


def describe(service: ServiceInfo) -> str:
    text = messages.text(
        "catalogue.describe",
        name=service.name,
        side=SIDE_LABELS.get(service.side, service.side),
        description=service.description,
        billing=billing_label(service),
        price=price_with_allowance(service),
        note="" if has_allowance(service) else note(service),
    )
    if service.sla_tiers:
        text += messages.text("catalogue.describe.sla", tiers=_sla_summary(service))
    elif service.billing_model == "fixed_price":
        text += messages.text("catalogue.describe.project", engagement=service.engagement)
    else:
        text += messages.text("catalogue.describe.no_sla", engagement=service.engagement)
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
        messages.text(
            "catalogue.duration",
            name=service.name,
            engagement=service.engagement,
            description=service.description,
        )
    )


def price_text(service: ServiceInfo) -> str:
    tiers = tier_prices(service)
    text = (
        messages.text(
            "catalogue.price",
            name=service.name,
            billing=billing_label(service),
            price=price_with_allowance(service),
        )
        + note(service)
        + ". "
        + (messages.text("catalogue.price.tiers", tiers=tiers) if tiers else "")
        + messages.text("catalogue.price.end", engagement=service.engagement)
    )
    return _fit(text)


def included_text(service: ServiceInfo) -> str:
    """What the price covers: the service, the units and their limit, the note, the tiers' prices."""
    covered = allowance(service)
    price = (
        messages.text("catalogue.included.covers", price=starting_price(service), allowance=covered)
        if covered
        else messages.text("catalogue.included.price", price=starting_price(service))
    )
    tiers = tier_prices(service)
    if tiers:
        tiers = messages.text("catalogue.included.tiers", tiers=tiers)
    elif service.sla_tiers:
        tiers = messages.text("catalogue.included.tiers", tiers=", ".join(t.name for t in service.sla_tiers))
    return f"{service.description} {price}{note(service)}.{tiers}"


def sla_text(service: ServiceInfo) -> str:
    if not service.sla_tiers:
        return _fit(messages.text("catalogue.sla.none", name=service.name, why=_no_sla(service)))
    if tiers_differ(service):
        summary = _sla_summary(service, prices=True)
        covered = allowance(service)
        after = messages.text("catalogue.sla.covers", allowance=covered) if covered else ""
    elif any(t.price is not None for t in service.sla_tiers) or len(service.sla_tiers) == 1:
        summary, after = _sla_summary(service), messages.text("catalogue.sla.included")
    else:
        summary, after = _sla_summary(service), messages.text("catalogue.sla.quoted")
    return _fit(messages.text("catalogue.sla.tiers", name=service.name, tiers=summary) + after)


def list_text(services: Sequence[ServiceInfo], side: str | None = None, theme: str | None = None) -> str:
    scope = " ".join(filter(None, [theme and f"{theme.lower()}", SIDE_LABELS.get(side or "", "")]))
    plain = messages.text("catalogue.list.services")
    label = (
        messages.text("catalogue.list.scoped", scope=scope)
        if scope and not scope.endswith(plain)
        else (scope or plain)
    )
    if not services:
        return messages.text("catalogue.list.none", label=label)
    head = messages.text("catalogue.list.head", label=label)
    tail = messages.text("catalogue.list.tail")
    names = [s.name for s in services]
    budget = MAX_WORDS - word_count(head) - word_count(tail) - 3  # room for "and N more"
    shown: list[str] = []
    for name in names:
        if word_count(", ".join(shown + [name])) > budget:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    listed = ", ".join(shown) + (messages.text("catalogue.list.more", count=rest) if rest else "")
    return head + listed + tail


def not_found_text(query: str, suggestions: Sequence[ServiceInfo]) -> str:
    words = " ".join(str(query or "").split()[:8])  # quote the visitor briefly, never at length
    subject = (
        messages.text("catalogue.not_found.quoted", words=words)
        if words
        else messages.text("catalogue.not_found.that")
    )
    if not suggestions:
        return messages.text("catalogue.not_found", subject=subject)
    names = ", ".join(s.name for s in suggestions[:3])
    return messages.text("catalogue.not_found.closest", subject=subject, names=names)
