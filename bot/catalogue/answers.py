"""Chat-sized answers (<= 80 words) about catalogue services. Pure formatting, no DB."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.catalogue.queries import ServiceInfo

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


def word_count(text: str) -> int:
    return len(text.split())


def _fit(text: str) -> str:
    """Last-resort guard for long catalogue texts: cut at MAX_WORDS words."""
    words = text.split()
    return text if len(words) <= MAX_WORDS else " ".join(words[: MAX_WORDS - 1]) + " …"


def _sla_summary(service: ServiceInfo) -> str:
    parts = []
    for tier in service.sla_tiers:
        hours = f", {tier.hours}" if tier.hours else ""
        parts.append(f"{tier.name} {tier.response_time} response, {tier.availability} availability{hours}")
    return "; ".join(parts)


def describe(service: ServiceInfo) -> str:
    side = SIDE_LABELS.get(service.side, service.side)
    text = (
        f"{service.name} ({side}): {service.description} "
        f"Billed as {BILLING_LABELS.get(service.billing_model, service.billing_model)}, "
        f"{starting_price(service)}."
    )
    if service.sla_tiers:
        text += f" SLA: {_sla_summary(service)}."
    else:
        text += f" No SLA tiers: it is project work ({service.engagement})."
    return _fit(text)


def price_text(service: ServiceInfo) -> str:
    note = f" ({service.billing_note})" if service.billing_note else ""
    text = (
        f"{service.name} is billed as {BILLING_LABELS.get(service.billing_model, service.billing_model)}: "
        f"{starting_price(service)}{note}. Typical engagement: {service.engagement}. "
        f"Prices are indicative; sales can send you an exact quote."
    )
    return _fit(text)


def sla_text(service: ServiceInfo) -> str:
    if not service.sla_tiers:
        text = (
            f"{service.name} has no SLA tiers: it is project work, agreed per assignment "
            f"with scope, milestones and acceptance criteria. Typical engagement: {service.engagement}."
        )
    else:
        text = f"{service.name} SLA tiers: {_sla_summary(service)}. Included in the monthly subscription."
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
