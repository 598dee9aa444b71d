"""In-house vs managed: a transparent yearly comparison from sample assumptions and the catalogue.

Pure once the assumptions are read: data/cost_assumptions.yml (sample data) gives salary, the
loaded-salary factor, people needed for office hours or 24/7, and tooling; the catalogue gives
the managed service's tier price. Every figure in the reply comes from one of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.catalogue.queries import ServiceInfo
from bot.pricing.estimate import TOP, MonthlyLine, monthly_line
from bot.settings import get_settings


class AssumptionsError(ValueError):
    """The assumptions file is missing a figure or holds one that is not a number."""


@dataclass(frozen=True)
class Assumptions:
    currency: str
    working_days_per_month: int
    salary_per_year: Decimal
    loaded_salary_factor: Decimal
    people_for_office_hours: Decimal
    people_for_24_7: Decimal
    tooling_per_month: Decimal
    salary_by_service: dict[str, Decimal]


def _number(data: dict[str, Any], key: str) -> Decimal:
    try:
        value = Decimal(str(data[key]))
    except (KeyError, InvalidOperation):
        raise AssumptionsError(f"in_house.{key} must be a number") from None
    if not value.is_finite() or value < 0:
        raise AssumptionsError(f"in_house.{key} must be a number >= 0")
    return value


def parse(data: Any) -> Assumptions:
    if (
        not isinstance(data, dict)
        or data.get("sample_data") is not True
        or not isinstance(data.get("in_house"), dict)
    ):
        raise AssumptionsError(
            "cost assumptions: a mapping marked sample_data: true with an in_house section"
        )
    house = data["in_house"]
    days = data.get("working_days_per_month")
    if not isinstance(days, int) or not 1 <= days <= 31:
        raise AssumptionsError("working_days_per_month must be a whole number from 1 to 31")
    return Assumptions(
        currency=str(data.get("currency") or "EUR"),
        working_days_per_month=days,
        salary_per_year=_number(house, "salary_per_year"),
        loaded_salary_factor=_number(house, "loaded_salary_factor"),
        people_for_office_hours=_number(house, "people_for_office_hours"),
        people_for_24_7=_number(house, "people_for_24_7"),
        tooling_per_month=_number(house, "tooling_per_month"),
        salary_by_service={
            str(k): _number(house["salary_by_service"], k) for k in (house.get("salary_by_service") or {})
        },
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Assumptions:
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def assumptions(path: Path | None = None) -> Assumptions:
    """The assumptions file, re-read when it changes."""
    path = path or get_settings().cost_assumptions_yaml
    return _load(str(path), path.stat().st_mtime)


@dataclass(frozen=True)
class Comparison:
    service: ServiceInfo
    round_the_clock: bool
    people: Decimal
    salary: Decimal
    factor: Decimal
    tooling_per_month: Decimal
    managed: MonthlyLine

    @property
    def staff_per_year(self) -> Decimal:
        return (self.people * self.salary * self.factor).quantize(Decimal("0.01"))

    @property
    def tooling_per_year(self) -> Decimal:
        return self.tooling_per_month * 12

    @property
    def in_house_per_year(self) -> Decimal:
        return self.staff_per_year + self.tooling_per_year

    @property
    def managed_per_year(self) -> Decimal:
        return self.managed.monthly * 12


def compare(
    service: ServiceInfo, facts: Assumptions, round_the_clock: bool, quantity: int | None = None
) -> Comparison:
    """In-house staff for the same coverage against the managed service at the matching tier."""
    tier = TOP if round_the_clock else None
    line = monthly_line(service, quantity, tier)
    people = facts.people_for_24_7 if round_the_clock else facts.people_for_office_hours
    salary = facts.salary_by_service.get(service.slug, facts.salary_per_year)
    return Comparison(
        service, round_the_clock, people, salary, facts.loaded_salary_factor, facts.tooling_per_month, line
    )
