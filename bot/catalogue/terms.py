"""Contract terms visitors ask about, from the catalogue: minimum term, cancelling and notice,
VAT, what is included. Pure formatting over ServiceInfo (no database), chat-sized.

"can we cancel after 6 months?" is answered against the service's minimum term; without a
service in the question or the conversation, the answer sums up the catalogue's terms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.catalogue import answers
from bot.catalogue.answers import _fit
from bot.catalogue.queries import ServiceInfo
from bot.forms import words
from bot.text import messages, numbers

# "what's included?", "what do we get?", "is that covered?" (a question about VAT is about VAT)
INCLUDED = re.compile(r"\b(includ\w*|what do (i|we) get|what'?s in|covered|cover)\b", re.I)

ASPECTS = (
    ("vat", re.compile(r"\b(vat|tax|taxes|net|gross|brutto|netto)\b", re.I)),
    (
        "cancel",
        re.compile(
            r"\b(cancel\w*|terminat\w*|notice|get out|exit|end (the|our|my) contract|"
            r"quit|leave|stop (the|paying))\b",
            re.I,
        ),
    ),
    (
        "minimum",
        re.compile(
            r"\b(minimum|min\.?|how long|length|duration|commit\w*|lock(ed)?[- ]?in|tied|"
            r"term|renew\w*)\b",
            re.I,
        ),
    ),
    ("included", INCLUDED),
)


_TERMS_QUESTION = re.compile(
    r"\b(minimum (term|contract|commitment|period|length)|notice( period)?|cancel\w*|terminat\w*|"
    r"lock(ed)?[- ]?in|tied in|vat|tax(es)?|net or gross|contract (length|term|period|duration)|"
    r"how long (is|are|do) (the |your |a |we )?(contract|commit)\w*|renew\w*|exit (early|the contract)|"
    r"get out of (the|a|our|your) contract|yearly contract|month[- ]to[- ]month)\b",
    re.I,
)


def asks_about_terms(text: str | None) -> bool:
    """A question about concrete contract terms (minimum term, cancelling, notice, renewal, VAT)."""
    return bool(_TERMS_QUESTION.search(words.clean(text)))


def aspects(text: str | None) -> list[str]:
    """Which terms the question is about, in a fixed order; all of them when it names none."""
    text = words.clean(text)
    found = [name for name, pattern in ASPECTS if pattern.search(text)]
    if "vat" in found and "included" in found:
        found.remove("included")  # "is VAT included?" asks about VAT
    return found or ["minimum", "cancel", "vat"]


def months_asked(text: str | None) -> int | None:
    """6 in "can we cancel after 6 months?" ("half a year" too)."""
    lowered = numbers.words_to_digits(words.clean(text).lower())
    if re.search(r"\bhalf a year\b", lowered):
        return 6
    m = re.search(r"\b(\d{1,3})\s*(months?|years?)\b", lowered)
    if not m:
        return None
    return int(m.group(1)) * (12 if m.group(2).startswith("year") else 1)


def _minimum(s: ServiceInfo) -> str:
    if s.minimum_term_months:
        renewal = messages.text("terms.renewed_yearly") if s.billing_model == "subscription" else ""
        return messages.text("terms.minimum", name=s.name, months=s.minimum_term_months, renewal=renewal)
    return messages.text("terms.no_minimum", name=s.name, engagement=s.engagement)


def _cancel(s: ServiceInfo, after: int | None) -> str:
    notice = (
        messages.text("terms.notice_days", days=s.notice_days)
        if s.notice_days
        else messages.text("terms.notice_agreed")
    )
    if s.billing_model == "fixed_price":
        return messages.text("terms.cancel.project", name=s.name)
    if s.minimum_term_months and after is not None and after < s.minimum_term_months:
        return messages.text("terms.cancel.inside", after=after, months=s.minimum_term_months, notice=notice)
    if s.minimum_term_months:
        when = (
            messages.text("terms.cancel.before_renewal")
            if s.billing_model == "subscription"
            else messages.text("terms.cancel.once_passed")
        )
        return messages.text("terms.cancel.after", months=s.minimum_term_months, notice=notice, when=when)
    return messages.text("terms.cancel.any_time", name=s.name, notice=notice)


def service_terms(service: ServiceInfo, text: str | None) -> str:
    """The terms of one service the question asks about."""
    parts = []
    for aspect in aspects(text):
        if aspect == "minimum":
            parts.append(_minimum(service))
        elif aspect == "cancel":
            parts.append(_cancel(service, months_asked(text)))
        elif aspect == "vat" and service.vat_note:
            parts.append(service.vat_note)
        elif aspect == "included":
            parts.append(answers.included_text(service))
    return _fit(" ".join(dict.fromkeys(parts)))


def catalogue_terms(services: Sequence[ServiceInfo], text: str | None) -> str:
    """A summary of the catalogue's terms for a question that names no service."""
    asked = aspects(text)
    vat = next((s.vat_note for s in services if s.vat_note), "")
    if asked == ["vat"] and vat:
        return vat
    managed = [s for s in services if s.billing_model == "subscription"]
    day_rate = [s for s in services if s.billing_model == "time_and_material"]
    parts = []
    if managed:
        (term, notice), _ = Counter((s.minimum_term_months, s.notice_days) for s in managed).most_common(1)[0]
        if term:
            parts.append(
                messages.text("terms.summary.managed", months=term)
                + (messages.text("terms.summary.managed_notice", days=notice) if notice else ".")
            )
    notices = sorted({s.notice_days for s in day_rate if s.notice_days})
    if notices:
        span = f"{notices[0]}" if len(notices) == 1 else f"{notices[0]}-{notices[-1]}"
        parts.append(messages.text("terms.summary.day_rate", days=span))
    for s in day_rate:
        if s.minimum_term_months:
            parts.append(messages.text("terms.summary.minimum", name=s.name, months=s.minimum_term_months))
    if any(s.billing_model == "fixed_price" for s in services):
        parts.append(messages.text("terms.summary.projects"))
    if vat and "vat" in asked:
        parts.append(vat)
    return _fit(" ".join(parts))
