"""What a visitor's cost question asks for: quantities, tier, period, people and days.

Pure: "helpdesk for 120 users", "we have 40 servers, not 10", "premium tier?", "per year",
"2 developers for 3 months", "how much more is premium?", "cheaper than in-house?". A follow-up
only changes what it mentions (bot.pricing.replies merges it into the last request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.forms import words
from bot.pricing.estimate import BASE, TOP
from bot.text import messages, numbers

MAX_QUANTITY = 100_000  # more units than this is not a real request
MAX_MONTHS = 120

# words for the units catalogue prices count (the catalogue's billing.per, singular; checked in
# the order listed: "network devices" before "devices"), as regex alternations
UNIT_WORDS = tuple(("|".join(patterns), unit) for unit, patterns in messages.words("units").items())
_NUMBER = r"(\d{1,3}(?:[ ,.]\d{3})+|\d+)"
_ROUND_THE_CLOCK = messages.pattern("round_the_clock")
ROUND_THE_CLOCK = re.compile(rf"\b({_ROUND_THE_CLOCK})\b", re.I)
_TOP = re.compile(rf"\b({messages.pattern('top_tier')}|{_ROUND_THE_CLOCK})\b", re.I)
_BASE = re.compile(rf"\b({messages.pattern('base_tier')})\b", re.I)
# "how much more is premium?", "is 24/7 extra?", "does premium cost more?", "is 24/7 included?"
# (with a top tier named: "20 extra users" alone asks for an estimate, not a surcharge)
_DIFFERENCE = re.compile(
    r"\b(how much more|more expensive|difference|extra for|on top|upgrade to|surcharge|"
    r"costs? (more|extra)|pay (more|extra)|charged? (extra|separately|more)|at (an )?extra cost|"
    r"extra (cost|charge|fee)s?|additional (cost|charge|fee)s?|"
    r"extra( or (included|not))?(?=\s*[?!.]*$)|included or extra|"
    r"(is|are) [^?.!]{0,40}\bincluded|does [^?.!]{0,40}\binclude)\b",
    re.I,
)
# "which is cheaper ...", "is premium or standard less expensive for 30 users?"
CHEAPER = re.compile(
    r"\b(cheaper|cheapest|less expensive|costs? less|save (money|more)|more affordable|better value|"
    r"lower cost)\b",
    re.I,
)
# "is in-house more expensive?" compares too; "does premium cost more?" is a surcharge
_DEARER = re.compile(r"\b(more expensive|costs? more)\b", re.I)
_TIERS = re.compile(r"\b(tiers?|levels?|plans?|options?)\b", re.I)
_YEAR = re.compile(r"\b(per year|a year|yearly|annual\w*|per annum|p\.?a\.?|12 months)\b", re.I)
_YEARS = re.compile(rf"\b(?:for|over)\s+{_NUMBER}\s+years?\b", re.I)
_TERM = re.compile(
    r"\b(minimum term|whole (contract|term)|contract term|over the (contract|term)|full term)\b", re.I
)
_IN_HOUSE = re.compile(
    r"\b(in[- ]?house|our own (people|staff|team|it|engineers?)|hire|hiring|employ\w*|"
    r"ourselves|own employees|do it ourselves)\b",
    re.I,
)
_PEOPLE = re.compile(
    rf"{_NUMBER}\s+(?:\w+\s+)?(developers?|devs|engineers?|testers?|consultants?|specialists?|"
    r"people|architects?|admins?)\b",
    re.I,
)
_DAYS = re.compile(rf"{_NUMBER}\s*(days?|weeks?|months?)\b", re.I)


@dataclass(frozen=True)
class CostRequest:
    services: tuple[str, ...] = ()  # catalogue slugs
    quantities: dict[str, int] = field(default_factory=dict)  # unit -> count
    tier: str | None = None  # TOP, BASE, or a tier name
    months: int | None = None  # period asked for; None: per month and per year
    until_term: bool = False  # over the minimum term
    difference: bool = False  # "how much more is premium?"
    in_house: bool = False  # compare with doing it in-house
    compare: bool = False  # "which is cheaper for 30 users, standard or premium?" (tiers or services)
    people: int | None = None  # day-rate work
    days: int | None = None

    def as_slot(self) -> dict[str, Any]:
        """The request as the `estimate` slot keeps it for follow-ups."""
        return {
            "services": list(self.services),
            "quantities": dict(self.quantities),
            "tier": self.tier,
            "months": self.months,
            "until_term": self.until_term,
        }


def _int(text: str) -> int:
    return int(re.sub(r"[ ,.]", "", text))


def quantities(text: str) -> dict[str, int]:
    """{unit: count} for '120 users', '40 servers, not 10', '3 TB' (the first count per unit)."""
    found: dict[str, int] = {}
    for pattern, unit in UNIT_WORDS:
        m = re.search(rf"{_NUMBER}\s*(?:{pattern})\b", text, re.I)
        if m and unit not in found:
            value = _int(m.group(1))
            if 0 < value <= MAX_QUANTITY:
                found[unit] = value
    return found


def read(text: str | None, services: tuple[str, ...] = ()) -> CostRequest:
    """The request in one message (services are found by the caller, in the catalogue)."""
    text = numbers.words_to_digits(words.clean(text).lower())
    tier = TOP if _TOP.search(text) else BASE if _BASE.search(text) else None
    months = None
    years = _YEARS.search(text)
    if years:
        months = min(MAX_MONTHS, _int(years.group(1)) * 12)
    elif _YEAR.search(text):
        months = 12
    people = _PEOPLE.search(text)
    span = _DAYS.search(text)
    days = None
    if span:
        n = _int(span.group(1))
        unit = span.group(2).lower()
        days = n * (5 if unit.startswith("week") else 1) if not unit.startswith("month") else None
        if unit.startswith("month") and months is None:
            months = min(MAX_MONTHS, n)
    in_house = bool(_IN_HOUSE.search(text))
    cheaper = bool(CHEAPER.search(text))
    tiers = bool(_TOP.search(text) and _BASE.search(text)) or (
        bool(_TIERS.search(text)) and len(services) < 2
    )
    compare = cheaper and not in_house and (tiers or len(services) > 1)
    return CostRequest(
        services=services,
        quantities=quantities(text),
        tier=None if compare and tiers else tier,
        months=months,
        until_term=bool(_TERM.search(text)),
        difference=bool(_DIFFERENCE.search(text)) and tier == TOP and not compare,
        in_house=in_house or (bool(re.search(r"\bcheaper\b", text)) and not compare),
        compare=compare,
        people=min(_int(people.group(1)), 100) if people else None,
        days=min(days, 2000) if days else None,
    )


def follow_up(new: CostRequest, last: dict[str, Any] | None) -> CostRequest:
    """A follow-up ("premium?", "40 servers, not 10", "per year?") keeps what it doesn't change."""
    if not isinstance(last, dict):
        return new
    last_services = tuple(str(s) for s in (last.get("services") or [])[:5])
    if new.services and last_services and new.services != last_services:
        return new  # other services named: a new question, not a follow-up
    # (a request that had no service yet takes the one now named, with its numbers)
    quantities_then = {
        str(k): int(v)
        for k, v in (last.get("quantities") or {}).items()
        if isinstance(v, int) and 0 < v <= MAX_QUANTITY
    }
    tier = last.get("tier") if last.get("tier") in (TOP, BASE) or isinstance(last.get("tier"), str) else None
    months = last.get("months") if isinstance(last.get("months"), int) else None
    return replace(
        new,
        services=new.services or last_services,
        quantities={**quantities_then, **new.quantities},
        tier=new.tier or tier,
        months=new.months or months,
        until_term=new.until_term or bool(last.get("until_term")),
    )


def waits_for_service(last: Any) -> bool:
    """The last estimate asked which service, and had numbers, a tier or a period to apply to it."""
    if not isinstance(last, dict) or last.get("services"):
        return False
    return bool(last.get("quantities") or last.get("tier") or last.get("months") or last.get("until_term"))


def asks_for_estimate(text: str | None) -> bool:
    """A price question that needs arithmetic: numbers of units, a tier, a period, people, in-house."""
    req = read(text)
    return bool(
        req.quantities
        or req.tier
        or req.months
        or req.in_house
        or req.people
        or req.until_term
        or req.compare
    )


def asks_in_house_comparison(text: str | None) -> bool:
    """'is in-house cheaper than an msp?', 'cheaper than hiring our own admin?'"""
    cleaned = words.clean(text).lower()
    return bool((CHEAPER.search(cleaned) or _DEARER.search(cleaned)) and _IN_HOUSE.search(cleaned))
