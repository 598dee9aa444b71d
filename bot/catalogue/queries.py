"""Read API over the catalogue for Rasa actions: plain frozen dataclasses out, no SQL leaks.

Matching works on normalized aliases (bot.catalogue.models.normalize_alias): exact first,
then rapidfuzz. Only active services are visible.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.catalogue.models import Service, ServiceAlias, normalize_alias

# Whole-query typos ("managed helpdsk", "firewal management") score 90+ on fuzz.ratio,
# while unrelated phrases stay well under 70; 85 leaves room for one or two slips.
FIND_CUTOFF = 85
# Windows inside a free sentence are short and many, so they need to be closer.
TEXT_CUTOFF = 90
# Suggestions are best-effort hints, not answers.
SUGGEST_CUTOFF = 60
MIN_FUZZY_CHARS = 4  # below this, typos are indistinguishable from other words
MAX_WINDOW = 5  # longest alias (in words) looked for in free text
MAX_TOKENS = 100  # a pasted essay must not turn one chat turn into seconds of fuzzing
# Domain words that are not services: a fuzzy match may not "correct" them into an
# alias ("managed services" is not a typo of "managed servers").
PROTECTED = frozenset("service services managed outsourcing outsource support".split())
STOPWORDS = frozenset(
    "a an and the of to for in on our us you your we i me my with do does can "
    "is are be need want some any about it's".split()
)


@dataclass(frozen=True)
class SlaTier:
    name: str
    response_time: str
    availability: str
    hours: str | None = None
    price: Decimal | None = None  # monthly base price at this tier


@dataclass(frozen=True, kw_only=True)
class ServiceTerms:
    """What the catalogue says about a service: the fields the file's form (loader.ServiceSpec)
    and what queries return (ServiceInfo) share, declared once."""

    slug: str
    name: str
    side: str
    themes: tuple[str, ...]
    description: str
    billing_model: str
    price_amount: Decimal
    currency: str
    price_unit: str
    billing_note: str
    engagement: str
    included_quantity: int | None = None
    quantity_unit: str | None = None
    extra_unit_price: Decimal | None = None
    minimum_term_months: int | None = None
    notice_days: int | None = None
    vat_note: str = ""

    def terms(self) -> dict[str, Any]:
        """These fields by name: what another record of the same service is made from."""
        return {f.name: getattr(self, f.name) for f in fields(ServiceTerms)}


@dataclass(frozen=True, kw_only=True)
class ServiceInfo(ServiceTerms):
    sla_tiers: tuple[SlaTier, ...]


def _info(row: Service) -> ServiceInfo:
    values = {f.name: getattr(row, f.name) for f in fields(ServiceTerms)}
    values.update(  # as the dataclass holds them: a tuple, cents, "" for an empty column
        themes=tuple(row.themes or ()),
        price_amount=Decimal(row.price_amount).quantize(Decimal("0.01")),
        billing_note=row.billing_note or "",
        engagement=row.engagement or "",
        vat_note=row.vat_note or "",
    )
    tiers = tuple(SlaTier(t.name, t.response_time, t.availability, t.hours, t.price) for t in row.sla_tiers)
    return ServiceInfo(**values, sla_tiers=tiers)


def _services(session: Session, *where) -> list[Service]:
    stmt = (
        select(Service)
        .where(Service.active.is_(True), *where)
        .options(selectinload(Service.sla_tiers))
        .order_by(Service.position, Service.slug)
    )
    return list(session.execute(stmt).scalars())


def _by_ids(session: Session, ids: list[int]) -> list[ServiceInfo]:
    if not ids:
        return []
    rows = {r.id: r for r in _services(session, Service.id.in_(ids))}
    return [_info(rows[i]) for i in ids if i in rows]


def _fuzzy(query: str, choices: list[str], cutoff: float) -> tuple[str, float] | None:
    """Closest alias by fuzz.ratio that does not rewrite a protected domain word."""
    for alias, score, _ in process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5):
        if all(w in alias.split() for w in query.split() if w in PROTECTED):
            return alias, score
    return None


def _aliases(session: Session) -> dict[str, int]:
    """Normalized alias -> service id, active services only."""
    stmt = select(ServiceAlias.alias, ServiceAlias.service_id).join(Service).where(Service.active.is_(True))
    return dict(session.execute(stmt).all())


# ----------------------------------------------------------------------------- lookups


def get_service(session: Session, slug: str) -> ServiceInfo | None:
    rows = _services(session, Service.slug == (slug or "").strip().lower())
    return _info(rows[0]) if rows else None


def find_service(session: Session, text: str) -> ServiceInfo | None:
    """The one service `text` names: exact alias, then a close fuzzy alias, then a mention."""
    query = normalize_alias(text)
    if not query:
        return None
    aliases = _aliases(session)
    if query in aliases:
        return _by_ids(session, [aliases[query]])[0]
    if len(query) >= MIN_FUZZY_CHARS:
        best = _fuzzy(query, list(aliases), FIND_CUTOFF)
        if best:
            return _by_ids(session, [aliases[best[0]]])[0]
    # "the firewall thing you run" still names the firewall
    found = _mentions(query, aliases)
    return _by_ids(session, found[:1])[0] if found else None


def _mentions(query: str, aliases: dict[str, int]) -> list[int]:
    """Service ids mentioned in a normalized sentence, in reading order."""
    tokens = query.split()[:MAX_TOKENS]
    choices = [a for a in aliases if len(a) >= MIN_FUZZY_CHARS + 1]
    hits = []  # (score, words, start, end, service id)
    for n in range(1, min(MAX_WINDOW, len(tokens)) + 1):
        for start in range(len(tokens) - n + 1):
            words = tokens[start : start + n]
            window = " ".join(words)
            if window in aliases:  # exact, even when it starts on a filler word ("on prem to azure")
                hits.append((100.0, n, start, start + n, aliases[window]))
            elif words[0] in STOPWORDS or words[-1] in STOPWORDS:
                continue  # a fuzzy window that starts or ends on filler is a longer/shorter one's job
            elif len(window) >= MIN_FUZZY_CHARS + 1:
                best = _fuzzy(window, choices, TEXT_CUTOFF)
                if best:
                    hits.append((best[1], n, start, start + n, aliases[best[0]]))
    # Best and longest first; a word belongs to one mention only.
    taken: set[int] = set()
    picked = []
    for _score, _n, start, end, sid in sorted(hits, key=lambda h: (-h[0], -h[1], h[2])):
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            picked.append((start, sid))
    ordered: list[int] = []
    for _, sid in sorted(picked):
        if sid not in ordered:
            ordered.append(sid)
    return ordered


def find_services_in_text(session: Session, text: str) -> list[ServiceInfo]:
    """Every catalogue service a free sentence mentions, in the order it mentions them."""
    query = normalize_alias(text)
    return _by_ids(session, _mentions(query, _aliases(session))) if query else []


def suggest(session: Session, text: str, limit: int = 3) -> list[ServiceInfo]:
    """Closest services for something the catalogue does not have (may be empty)."""
    query = " ".join(w for w in normalize_alias(text).split() if w not in STOPWORDS)
    if not query or limit <= 0:
        return []
    rows = _services(session)
    aliases = _aliases(session)
    per_service: dict[int, float] = {}
    for alias, sid in aliases.items():
        score = fuzz.token_set_ratio(query, alias)
        if score > per_service.get(sid, 0):
            per_service[sid] = score
    for row in rows:  # words of the description and themes count too, a little less
        score = 0.9 * fuzz.token_set_ratio(
            query, normalize_alias(row.description + " " + " ".join(row.themes))
        )
        if score > per_service.get(row.id, 0):
            per_service[row.id] = score
    ranked = sorted((s for s in per_service.items() if s[1] >= SUGGEST_CUTOFF), key=lambda s: (-s[1], s[0]))
    return _by_ids(session, [sid for sid, _ in ranked[:limit]])


def list_services(session: Session, side: str | None = None, theme: str | None = None) -> list[ServiceInfo]:
    where = [Service.side == side] if side else []
    infos = [_info(r) for r in _services(session, *where)]
    if theme:
        infos = [s for s in infos if theme.strip().lower() in s.themes]
    return infos


def list_themes(session: Session) -> list[str]:
    return sorted({t for row in _services(session) for t in (row.themes or ())})
