"""Commercial questions answered from the catalogue's own terms: what a question asks, and the
answers for the billing basis, what a price includes, and discounts.

Pure reading: `read(text, services)` says which aspect a message asks about
- BASIS: "per user?", "is that per user or flat?", "flat fee or per seat", "how is it billed?";
- INCLUDED: "whats included", "what does the price cover?", "is there a user limit?";
- SURCHARGE: "is 24/7 extra?", "how much more is premium?" (bot.pricing.request's difference);
- CHEAPER: "is premium or standard cheaper for 30 users?", "which is cheaper for 60 users, managed
  helpdesk or workstation management?" (request's compare; in-house comparisons stay the estimator's);
- TERMS: minimum term, notice, cancelling, VAT (bot.catalogue.terms);
- DISCOUNT: "any discount if we sign for 3 yrs", "volume discount?", "nonprofit pricing?".
Surcharges and comparisons are the estimator's (bot.pricing.replies), terms are bot.catalogue.terms';
this module answers the billing basis, what is included and discounts, in the estimator's units
(bot.catalogue.answers.allowance: the included units and the price of each extra one). No discount
figure is ever stated: the catalogue publishes none, so sales quote them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.catalogue import answers, queries, terms
from bot.catalogue.answers import plural
from bot.catalogue.queries import ServiceInfo
from bot.catalogue.replies import services_named
from bot.forms import words
from bot.forms.turns import Say
from bot.knowledge import SALES_BUTTON
from bot.pricing import request
from bot.pricing.replies import SERVICES_BUTTON, CostReply
from bot.text import buttons, messages

BASIS = "basis"
INCLUDED = "included"
SURCHARGE = "surcharge"
CHEAPER = "cheaper"
TERMS = "terms"
DISCOUNT = "discount"
# aspects that are about one service: named in the message, or the one in focus
ABOUT_A_SERVICE = frozenset({BASIS, INCLUDED, SURCHARGE, CHEAPER})

# discounts: what visitors call them, and what they would be for
_DISCOUNT = re.compile(
    r"\b(discount\w*|dis?count|discou?n|discout|disount|discunt|discoutn|dicount\w*|rebates?|reductions?|reduced (price|rate|fee)s?|price breaks?|"
    r"(good|better|best|special|lower) (deal|price|rate|offer|pricing)s?|(any|a) (deal|special offer)s?|"
    r"money off|\d+ ?% off|percent off|promo\w*|coupons?|vouchers?|negotiab\w*|negotiat\w*|"
    r"(volume|bulk|bundle|package|nonprofit|non-profit|charity|education|academic|startup) "
    r"(pricing|prices?|rates?|deals?)|"
    r"(cheaper|less|lower|reduced)( price| rate| fee)? (if|when) (we|i|you)|"
    r"(cheaper|less|lower price|lower rate) (for|with) (a )?(longer|multi[- ]?year|\d+[- ]?(year|yr)s?))\b",
    re.I,
)
DISCOUNT_KINDS = (
    (
        "nonprofit",
        re.compile(
            r"\b(non[- ]?profits?|ngos?|charit\w*|educat\w*|schools?|universit\w*|academic|"
            r"public sector|government|start[- ]?ups?)\b",
            re.I,
        ),
    ),
    (
        "bundle",
        re.compile(
            r"\b(bundl\w*|packages?|several services|multiple services|more than one service|"
            r"two services|combin\w*|all of (them|these|those))\b",
            re.I,
        ),
    ),
    (
        "volume",
        re.compile(
            r"\b(volume|bulk|quantity|large (team|company|number)|lots of|many (users|seats|devices|servers)|"
            r"more (users|seats|devices|servers))\b|\b\d{2,}\s*(users|seats|devices|servers|endpoints|employees)\b",
            re.I,
        ),
    ),
    (
        "term",
        re.compile(
            r"\b((\d+|two|three|four|five|multi)[- ]?(years?|yrs?)|longer|long[- ]term|multi[- ]?year|"
            r"sign\w*|commit\w*|up ?front|in advance|annual\w*|yearly|contract|term)\b",
            re.I,
        ),
    ),
)
# the kind of discount asked about, as the discount answer names it (pricing.discount_for.*)
DISCOUNT_FOR = messages.section("pricing.discount_for")

# the units catalogue prices count, as visitors name them after "per" ("per seat", "per device")
_UNIT_AFTER_PER = tuple(request.UNIT_WORDS) + tuple(
    ("|".join(patterns), unit) for unit, patterns in messages.words("units_after_per").items()
)
_PER = r"(?:\bper|\beach|\bby the|/)[- ]?(?:extra |additional )?"
_PER_UNIT = re.compile(rf"{_PER}({'|'.join(p for p, _ in _UNIT_AFTER_PER)})\b", re.I)
_PER_OTHER = re.compile(rf"{_PER}(month|day|hour|project)\b", re.I)
_FLAT = re.compile(
    r"\b(flat|fixed (monthly |month |yearly )?(fee|price|rate|cost)|one price|all[- ]?inclusive|lump sum|"
    r"pay[- ]?per[- ]?use|usage[- ]based|metered|by usage|per[- ]?unit|per[- ]?seat|"
    r"(billing|pricing|price|charging|fee) (model|basis|structure|unit|scheme))\b",
    re.I,
)
# "how is it billed?", "how do you charge for that?": about a service only with one in the sentence
_HOW_BILLED = re.compile(
    r"\b(how (is|are|do|does|will|would|d'?you)\b.{0,30}\b(bill|charg|pric|invoic|calculat)\w*|"
    r"(billed|charged|priced|invoiced) (how|by|monthly))\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|that|this|they|them|those|these|the service)\b", re.I)
# what a price covers and its limits
_LIMITS = re.compile(
    r"\b(limits?|limited|unlimited|allowance|quota|capped|up to \d+|"
    rf"how many ({'|'.join(p for p, _ in _UNIT_AFTER_PER)})|max(imum)? (number|{'|'.join(p for p, _ in _UNIT_AFTER_PER)}))\b",
    re.I,
)
# "do you cover office 365?" asks whether we offer something, not what a price includes
_OFFER = re.compile(
    r"\b(do|can|could|would|will) (you|u|ya|you guys|your team) (also )?(cover|include|offer|provide|handle)\b",
    re.I,
)
# "what's covered by the SLA?" is the SLA answer's
_SLA_WORDS = re.compile(r"\b(sla|slas|response times?|availability|uptime|support hours)\b", re.I)
# a question about managed services or outsourcing in general is the knowledge article's
_GENERAL = re.compile(
    r"\b(managed services?|managed it|msps?|managed service providers?|outsourc\w*|providers?|"
    r"in general|generally|usually|typically|normally|the market|industry)\b",
    re.I,
)


@dataclass(frozen=True)
class Question:
    aspect: str
    unit: str | None = None  # the unit named after "per" ("per device": "device"), catalogue's singular
    discount: str | None = None  # what a discount would be for: term, volume, bundle, nonprofit


def asked_unit(text: str | None) -> str | None:
    """'device' in "is it per device?", 'user' in "per seat?" (None: no unit named)."""
    m = _PER_UNIT.search(words.clean(text))
    if not m:
        return None
    word = m.group(1)
    return next(unit for pattern, unit in _UNIT_AFTER_PER if re.fullmatch(pattern, word, re.I))


def discount_kind(text: str | None) -> str | None:
    cleaned = words.clean(text)
    return next((kind for kind, pattern in DISCOUNT_KINDS if pattern.search(cleaned)), None)


def _asks_basis(text: str, named: bool) -> bool:
    if _PER_UNIT.search(text) or _PER_OTHER.search(text) or _FLAT.search(text):
        return True
    return bool(_HOW_BILLED.search(text) and (named or _PRONOUN.search(text)))


def read(text: str | None, services: Sequence[str] = ()) -> Question | None:
    """Which commercial aspect a message asks about (None: none of them).

    `services`: the catalogue services the message names (the caller looks them up)."""
    raw = words.clean(text)
    if not raw or raw.startswith("/"):
        return None
    if _DISCOUNT.search(raw):
        return Question(DISCOUNT, discount=discount_kind(raw))
    if terms.asks_about_terms(raw):
        return Question(TERMS)
    cost = request.read(raw, tuple(services))
    found: str | None = None
    if cost.compare:
        found = CHEAPER
    elif cost.difference:
        found = SURCHARGE
    elif cost.quantities or cost.people or cost.days or cost.months or cost.until_term or cost.in_house:
        return None  # "per month for 120 users", "per year?", "cheaper in-house?": the estimator's
    elif _SLA_WORDS.search(raw):
        return None  # "what's covered by the SLA?": the SLA answer
    elif (terms.INCLUDED.search(raw) and not _OFFER.search(raw)) or _LIMITS.search(raw):
        found = INCLUDED
    elif _asks_basis(raw, bool(services)):
        found = BASIS
    if found is None:
        return None
    if not services and _GENERAL.search(raw):
        return None  # "how are managed services billed?", "what do msps include?": the article
    return Question(found, unit=asked_unit(raw) if found == BASIS else None)


def cued(text: str | None) -> bool:
    """Could the message be a commercial question once its services are known? (cheap: no catalogue)"""
    raw = words.clean(text)
    if not raw or raw.startswith("/"):
        return False
    # as if two services were named: the most a catalogue look-up could add to the question
    return read(raw, ("?", "?")) is not None


# ----------------------------------------------------------------------------- answers (pure)


def _unit_label(unit: str, count: int = 2) -> str:
    return plural("TB" if unit.lower() == "tb" else unit, count)


def basis_text(service: ServiceInfo, unit: str | None = None) -> str:
    """How the service is charged: a flat fee covering so many units and a price per extra unit
    (the estimator's figures), a flat fee without units, a day rate or a project price."""
    s = service
    note = answers.note(s)
    tiers = answers.tier_prices(s)
    start = answers.starting_price(s)
    prices = f"{tiers}." if tiers else f"{start[0].upper()}{start[1:]}."
    not_unit = _unit_label(unit, 1) if unit else ""
    if s.billing_model == "subscription" and answers.has_allowance(s):
        counted = s.quantity_unit or ""
        lead = ""
        if unit and unit.lower() != counted.lower():
            lead = messages.text(
                "pricing.basis.counts", name=s.name, counted=_unit_label(counted), asked=_unit_label(unit)
            )
        return lead + messages.text(
            "pricing.basis.allowance",
            name=s.name,
            included=answers.included_units(s) + note,
            unit=counted,
            price=answers.format_money(s.extra_unit_price or Decimal(0), s.currency),
            prices=prices,
        )
    price = answers.starting_price(s) + note
    if s.billing_model == "subscription":
        unit_named = not_unit or messages.text("pricing.basis.any_unit")
        return messages.text("pricing.basis.flat", name=s.name, unit=unit_named + note, prices=prices)
    if s.billing_model == "fixed_price":
        per = messages.text("pricing.basis.per_unit", unit=not_unit) if not_unit else ""
        return messages.text(
            "pricing.basis.project", name=s.name, per=per, price=price, engagement=s.engagement
        )
    unit_named = (
        messages.text("pricing.basis.per", unit=not_unit)
        if not_unit
        else messages.text("pricing.basis.per_user")
    )
    return messages.text(
        "pricing.basis.rate",
        name=s.name,
        billed=s.price_unit,
        unit=unit_named,
        price=price,
        engagement=s.engagement,
    )


def included_answer(service: ServiceInfo) -> str:
    """What the price covers, its limits and the tiers' prices (the text the terms answer uses too)."""
    return f"{service.name}: {answers.included_text(service)}"


def discount_context(service: ServiceInfo | None) -> str:
    """The list price to start from (the estimator's units), or where to find one."""
    if service is None:
        return messages.text("pricing.discount.no_service")
    term = (
        messages.text("pricing.discount.term", months=service.minimum_term_months)
        if service.minimum_term_months
        else ""
    )
    return messages.text(
        "pricing.discount.list_price", name=service.name, price=answers.price_with_allowance(service) + term
    )


# ----------------------------------------------------------------------------- replies


def _price_button(service: ServiceInfo) -> dict:
    payload = "/ask_service_price" + json.dumps({"service": service.slug}, separators=(",", ":"))
    return messages.button("buttons.estimate", payload)


def reply(session: Session, text: str, mentions: list[str], focus: str | None) -> CostReply | None:
    """The answer to a discount, billing-basis or what's-included question (None: not one of
    those, or no service to answer about)."""
    named = services_named(session, mentions, text)
    question = read(text, tuple(s.slug for s in named))
    if question is None:
        return None
    service = named[0] if named else (queries.get_service(session, focus) if focus else None)
    if question.aspect == DISCOUNT:
        kind = DISCOUNT_FOR.get(question.discount or "", "")
        return CostReply(
            Say("utter_cost_discount", {"kind": kind, "context": discount_context(service)}),
            [SALES_BUTTON, _price_button(service) if service else SERVICES_BUTTON],
            None,
            service.slug if service else None,
        )
    if service is None:
        return None
    if question.aspect == BASIS:
        answer = basis_text(service, question.unit)
    elif question.aspect == INCLUDED:
        answer = included_answer(service)
    else:
        return None
    sla = [buttons.SLA] if service.sla_tiers else []
    return CostReply(
        Say("utter_cost_basis", {"answer": answer}),
        [_price_button(service), *sla, SALES_BUTTON],
        None,
        service.slug,
    )
