"""The lead form's fixed answers: one place for their values, button titles and points.

A bucket's `value` is what the form stores and the database holds; `title` is the quick-reply
button (typed titles are understood too); `points` and `reason` are its share of the BANT
score (bot.sales.scoring). Changing a bucket here changes the question, the parser's
vocabulary and the score together.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.forms.turns import NOT_SURE  # noqa: F401  (a bucket of its own here)


@dataclass(frozen=True)
class Bucket:
    value: str
    title: str
    points: int = 0
    reason: str = ""


COMPANY_SIZES = (
    Bucket("1-10", "1-10", 0),
    Bucket("11-50", "11-50", 3),
    Bucket("51-200", "51-200", 5),
    Bucket("201-1000", "201-1000", 5),
    Bucket("1000+", "1000+", 5),
)
BUDGETS = (
    Bucket("under 5k/month", "Under 5k/month", 6, "Budget under 5k per month, small for a managed contract"),
    Bucket("5k-15k/month", "5k-15k/month", 15, "Budget of 5k-15k per month"),
    Bucket("15k-50k/month", "15k-50k/month", 22, "Budget of 15k-50k per month"),
    Bucket("50k+/month", "50k+/month", 25, "Budget of 50k+ per month"),
    Bucket(NOT_SURE, "Not sure", 5, "Budget not decided yet"),
)
TIMELINES = (
    Bucket("now/within 1 month", "Within a month", 25, "Wants to start within a month"),
    Bucket("1-3 months", "1-3 months", 20, "Wants to start in 1-3 months"),
    Bucket("3-6 months", "3-6 months", 12, "Wants to start in 3-6 months"),
    Bucket("6+ months", "Later", 5, "Start is 6+ months away"),
    Bucket(NOT_SURE, "Not sure", 3, "No start date yet"),
)
ROLES = (
    Bucket("decision maker", "I decide", 25, "Talks to a decision maker"),
    Bucket("influencer", "I recommend", 15, "Contact influences the decision but does not sign"),
    Bucket("researching", "Just researching", 3, "Visitor is only researching"),
)
MODELS = (
    Bucket("managed_services", "Managed services"),
    Bucket("it_outsourcing", "IT outsourcing"),
    Bucket(NOT_SURE, "Not sure yet"),
)

# form slot -> its buckets (the questions answered by a button or its words)
BY_SLOT: dict[str, tuple[Bucket, ...]] = {
    "lead_company_size": COMPANY_SIZES,
    "lead_model": MODELS,
    "lead_budget": BUDGETS,
    "lead_timeline": TIMELINES,
    "lead_role": ROLES,
}


def values(buckets: tuple[Bucket, ...]) -> tuple[str, ...]:
    return tuple(b.value for b in buckets)


def by_value(buckets: tuple[Bucket, ...], value: str | None) -> Bucket | None:
    return next((b for b in buckets if b.value == value), None)


def by_title(buckets: tuple[Bucket, ...], text: str | None) -> Bucket | None:
    """The bucket whose value or button title the visitor typed (any case, spacing)."""
    typed = " ".join((text or "").lower().split()).strip(" .!")
    return next((b for b in buckets if typed in (b.value.lower(), b.title.lower())), None)
