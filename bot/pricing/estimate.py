"""Cost estimates from the catalogue's pricing, in Decimal, with every step kept for the reply.

Pure: ServiceInfo in (bot.catalogue.queries), an Estimate out. Subscriptions: the tier's monthly
price covers `included_quantity` units; each extra unit costs `extra_unit_price` a month.
Day-rate services: people x days x day rate. Fixed-price projects have only a starting price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.catalogue.queries import ServiceInfo, SlaTier

TOP = "top"  # the dearest tier ("premium", "24/7")
BASE = "base"  # the cheapest tier ("standard")


class CannotEstimate(ValueError):
    """The service has no pricing to estimate with (a fixed price per project)."""


@dataclass(frozen=True)
class MonthlyLine:
    """One subscription for one month: tier price plus extra units."""

    service: ServiceInfo
    tier: SlaTier | None
    base: Decimal  # the tier's monthly price (or the "from" price without tier prices)
    quantity: int | None  # units asked for (None: what the base price includes)
    extra_units: int
    extra_price: Decimal  # per extra unit per month

    @property
    def monthly(self) -> Decimal:
        return self.base + self.extra_units * self.extra_price


@dataclass(frozen=True)
class DayRateLine:
    service: ServiceInfo
    people: int
    days: int

    @property
    def total(self) -> Decimal:
        return self.service.price_amount * self.people * self.days


@dataclass(frozen=True)
class Estimate:
    lines: tuple[MonthlyLine, ...]
    months: int  # the period asked for (1: per month)

    @property
    def monthly(self) -> Decimal:
        return sum((line.monthly for line in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.monthly * self.months

    @property
    def minimum_term(self) -> int | None:
        terms = [line.service.minimum_term_months for line in self.lines if line.service.minimum_term_months]
        return max(terms) if terms else None


def pick_tier(service: ServiceInfo, wanted: str | None) -> SlaTier | None:
    """The tier asked for: by name, the dearest (TOP) or cheapest (BASE); cheapest by default."""
    tiers = [t for t in service.sla_tiers if t.price is not None]
    if not tiers:
        return None
    named = [t for t in tiers if wanted and t.name.lower() == wanted.lower()]
    if named:
        return named[0]
    by_price = sorted(tiers, key=lambda t: t.price or Decimal(0))
    return by_price[-1] if wanted == TOP else by_price[0]


def monthly_line(service: ServiceInfo, quantity: int | None = None, tier: str | None = None) -> MonthlyLine:
    if service.billing_model != "subscription":
        raise CannotEstimate(service.slug)
    chosen = pick_tier(service, tier)
    base = chosen.price if chosen and chosen.price is not None else service.price_amount
    extra = 0
    if quantity is not None and service.included_quantity and service.extra_unit_price is not None:
        extra = max(0, quantity - service.included_quantity)
    return MonthlyLine(service, chosen, base, quantity, extra, service.extra_unit_price or Decimal("0"))


def subscriptions(
    services: Sequence[ServiceInfo], quantities: dict[str, int], tier: str | None, months: int = 1
) -> Estimate:
    """Monthly lines for subscriptions; each takes the quantity of its own unit (servers, users...)."""
    lines = tuple(monthly_line(s, quantities.get((s.quantity_unit or "").lower()), tier) for s in services)
    return Estimate(lines, max(1, months))


def day_rate(service: ServiceInfo, people: int, days: int) -> DayRateLine:
    if service.billing_model != "time_and_material" or service.price_unit != "per day":
        raise CannotEstimate(service.slug)
    return DayRateLine(service, max(1, people), max(1, days))


def tier_surcharges(service: ServiceInfo) -> list[tuple[SlaTier, Decimal]]:
    """Each priced tier, cheapest first, with what it costs a month more than the cheapest."""
    tiers = sorted((t for t in service.sla_tiers if t.price is not None), key=lambda t: t.price or Decimal(0))
    if not tiers:
        return []
    floor = tiers[0].price or Decimal(0)
    return [(t, (t.price or Decimal(0)) - floor) for t in tiers]


def tier_difference(service: ServiceInfo) -> tuple[SlaTier, SlaTier, Decimal] | None:
    """(cheapest, dearest, monthly difference) for "how much more is premium?"."""
    cheapest, dearest = pick_tier(service, BASE), pick_tier(service, TOP)
    if not cheapest or not dearest or cheapest == dearest:
        return None
    more = dict((t.name, m) for t, m in tier_surcharges(service))[dearest.name]
    return cheapest, dearest, more
