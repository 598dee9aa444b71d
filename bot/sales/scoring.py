"""BANT lead score: budget, authority, need, timeline, 25 points each.

Every point added or taken away comes with a sentence, so sales can see why a lead is
(not) qualified instead of trusting a bare number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.sales import buckets
from bot.sales.buckets import Bucket
from bot.settings import get_settings

FREE_MAIL_PENALTY = 10
DESCRIBED_NEED_POINTS = 10  # a need in words is less precise than a catalogue service (15)


def _table(choices: tuple[Bucket, ...]) -> dict[str, tuple[int, str]]:
    return {b.value: (b.points, b.reason) for b in choices}


_BUDGET = _table(buckets.BUDGETS)
_AUTHORITY = _table(buckets.ROLES)
_TIMELINE = _table(buckets.TIMELINES)
_SIZE = {b.value: b.points for b in buckets.COMPANY_SIZES}


@dataclass(frozen=True)
class Score:
    score: int
    qualified: bool
    reasons: list[str] = field(default_factory=list)


def threshold() -> int:
    """LEAD_QUALIFIED_THRESHOLD (bot.settings), read per call so a restart isn't needed in tests."""
    return get_settings().lead_qualified_threshold


def _part(table: dict, value: str | None, missing: str, reasons: list[str]) -> int:
    if value in table:
        points, text = table[value]
        reasons.append(f"{text} (+{points})")
        return points
    reasons.append(f"{missing} (+0)")
    return 0


# the lead's answers that score (bot.sales.fields names their columns)
SCORED = ("budget", "role", "service", "sourcing_model", "company_size", "timeline")


def score_lead(
    *,
    budget: str | None = None,
    role: str | None = None,
    service: str | None = None,
    described_need: str | None = None,
    sourcing_model: str | None = None,
    company_size: str | None = None,
    timeline: str | None = None,
    free_mail: bool = False,
    has_email: bool = True,
    qualified_threshold: int | None = None,
) -> Score:
    """Score bucketed lead fields (see bot.sales.validation) from 0 to 100."""
    reasons: list[str] = []
    total = _part(_BUDGET, budget, "Budget unknown", reasons)
    total += _part(_AUTHORITY, role, "Role unknown", reasons)

    # Need: a named service is the strongest signal, a need described in words (that no
    # catalogue service matched) a weaker one; a chosen model and a company large enough to
    # outsource add to it.
    need = 0
    if service:
        need += 15
        reasons.append(f"Asked about a specific service: {service} (+15)")
    elif described_need:
        need += DESCRIBED_NEED_POINTS
        reasons.append(f"Described a need in their own words (+{DESCRIBED_NEED_POINTS})")
    else:
        reasons.append("No specific service named (+0)")
    if sourcing_model:
        need += 5
        reasons.append(f"Knows the model they want: {sourcing_model.replace('_', ' ')} (+5)")
    size_points = _SIZE.get(company_size or "", 0)
    if company_size:
        reasons.append(f"Company size {company_size} (+{size_points})")
    total += min(25, need + size_points)

    total += _part(_TIMELINE, timeline, "Timeline unknown", reasons)

    if free_mail:
        total -= FREE_MAIL_PENALTY
        reasons.append(f"Uses a free e-mail provider, so the company is unconfirmed (-{FREE_MAIL_PENALTY})")
    if not has_email:
        reasons.append("No e-mail address, reachable by phone only (+0)")
    total = max(0, min(100, total))
    limit = threshold() if qualified_threshold is None else qualified_threshold
    return Score(score=total, qualified=total >= limit, reasons=reasons)
