"""Load data/catalogue.yml into the database: validate everything first, then sync.

Idempotent: rows are compared field by field and only touched when something changed,
so a second load reports everything "unchanged". Services that disappear from the YAML
are *deactivated* (active = false, aliases and SLA tiers dropped), not deleted: leads
and conversations may still refer to them, and re-adding the slug revives the row.
The caller's session is one transaction (bot.db.session_scope): a failure writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.catalogue.models import Service, ServiceAlias, SlaTierRow, normalize_alias
from bot.catalogue.queries import ServiceInfo, ServiceTerms, SlaTier
from bot.db import utcnow
from bot.knowledge import SIDES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UNITS = {  # billing model -> allowed units (the seed article's settlement models)
    "subscription": ("per month",),
    "fixed_price": ("per project",),
    "time_and_material": ("per day", "per hour"),
}
SIDE_MODELS = {
    "managed_services": ("subscription",),
    "it_outsourcing": ("fixed_price", "time_and_material"),
}
SERVICE_KEYS = {
    "slug",
    "name",
    "side",
    "themes",
    "synonyms",
    "misspellings",
    "needs",
    "description",
    "billing",
    "sla",
    "engagement",
    "terms",
}
BILLING_KEYS = {"model", "amount", "currency", "unit", "note", "included", "per", "extra"}
QUANTITY_KEYS = ("included", "per", "extra")  # what the base price covers, and each extra unit's price
TERMS_KEYS = {"minimum_term_months", "notice_days"}
REQUIRED_KEYS = ("slug", "name", "side", "themes", "description", "billing", "engagement")


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; `problems` lists every issue found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True, kw_only=True)
class ServiceSpec(ServiceTerms):
    """A service as the catalogue file describes it: its terms, and how visitors name it."""

    synonyms: tuple[str, ...]
    misspellings: tuple[str, ...]
    sla: tuple[SlaTier, ...]
    position: int
    # what visitors say they need when they do not name the service ("2 senior java devs")
    needs: tuple[str, ...] = ()

    def info(self) -> ServiceInfo:
        """The service as bot.catalogue.queries returns it once it is loaded."""
        return ServiceInfo(**self.terms(), sla_tiers=self.sla)

    def raw_aliases(self) -> list[tuple[str, str]]:
        """(text, kind) for every way of naming the service, as written in the YAML."""
        return (
            [(self.slug, "slug"), (self.name, "name")]
            + [(s, "synonym") for s in self.synonyms]
            + [(m, "misspelling") for m in self.misspellings]
            + [(n, "need") for n in self.needs]
        )

    def aliases(self) -> dict[str, str]:
        """Normalized alias -> kind; the first kind wins when two forms normalize alike."""
        out: dict[str, str] = {}
        for text, kind in self.raw_aliases():
            out.setdefault(normalize_alias(text), kind)
        out.pop("", None)
        return out


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed (deactivated)"
        )


# ----------------------------------------------------------------------------- parsing


def read_catalogue(path: str | Path) -> list[ServiceSpec]:
    """Parse and validate a catalogue file; raises CatalogueError listing all problems."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(str(path), [f"cannot read file: {exc.strerror or exc}"]) from None
    except yaml.YAMLError as exc:
        raise CatalogueError(str(path), [f"not valid YAML: {' '.join(str(exc).split())}"]) from None
    return validate(data, str(path))


def validate(data: Any, source: str = "catalogue") -> list[ServiceSpec]:
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("services"), list) or not data["services"]:
        raise CatalogueError(source, ["top level must be a mapping with a non-empty 'services' list"])
    vat_note = _text(data, "vat_note", "catalogue", problems, required=False)

    specs: list[ServiceSpec] = []
    for i, raw in enumerate(data["services"]):
        where = f"services[{i}]"
        if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            where += f" ({raw['slug']})"
        spec = _service(raw, i, where, problems)
        if spec is not None:
            specs.append(replace(spec, vat_note=vat_note))

    _check_unique(specs, problems)
    for spec in specs:
        check_texts(spec, f"services[{spec.position}] ({spec.slug})", problems)
    if problems:
        raise CatalogueError(source, problems)
    return specs


def _text(raw: dict, key: str, where: str, problems: list[str], required: bool = True) -> str:
    if key not in raw:
        return ""  # required keys are reported once, as missing, by the caller
    value = raw[key]
    if value is None and not required:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    return " ".join(str(value).split())


def _str_list(
    raw: dict, key: str, where: str, problems: list[str], required: bool = False
) -> tuple[str, ...]:
    if key not in raw:
        return ()  # required keys are reported once, as missing, by the caller
    value = raw[key]
    if value is None and not required:
        return ()
    if (
        not isinstance(value, list)
        or (required and not value)
        or not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip() for v in value)
    ):
        problems.append(f"{where}: '{key}' must be a {'non-empty ' if required else ''}list of strings")
        return ()
    return tuple(" ".join(str(v).split()) for v in value)


def _service(raw: Any, position: int, where: str, problems: list[str]) -> ServiceSpec | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: each service must be a mapping")
        return None
    before = len(problems)
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        problems.append(f"{where}: missing field(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - SERVICE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown field(s): {', '.join(map(str, unknown))}")

    slug = _text(raw, "slug", where, problems)
    if slug and not SLUG_RE.match(slug):
        problems.append(f"{where}: slug '{slug}' must be lower-case words joined by hyphens")
    side = _text(raw, "side", where, problems)
    if side and side not in SIDES:
        problems.append(f"{where}: unknown side '{side}' (expected one of: {', '.join(SIDES)})")
    themes = tuple(t.lower() for t in _str_list(raw, "themes", where, problems, required=True))
    billing = _billing(raw.get("billing"), side, where, problems)
    sla = _sla(raw.get("sla"), where, problems)
    if side == "managed_services" and "sla" in raw and not sla:
        problems.append(f"{where}: a managed service needs at least one SLA tier")
    elif side == "managed_services" and "sla" not in raw:
        problems.append(f"{where}: a managed service needs 'sla' tiers (subscription with a guaranteed SLA)")

    if billing is not None:
        _check_tier_prices(sla, billing, where, problems)
    spec_fields = dict(
        slug=slug,
        name=_text(raw, "name", where, problems),
        side=side,
        themes=themes,
        synonyms=_str_list(raw, "synonyms", where, problems),
        misspellings=_str_list(raw, "misspellings", where, problems),
        needs=_str_list(raw, "needs", where, problems),
        description=_text(raw, "description", where, problems),
        sla=sla,
        engagement=_text(raw, "engagement", where, problems),
        position=position,
        **_terms(raw.get("terms"), where, problems),
    )
    if len(problems) > before or billing is None:
        return None
    return ServiceSpec(**spec_fields, **billing)


def _whole(raw: dict, key: str, where: str, problems: list[str], minimum: int) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(f"{where}: '{key}' must be a whole number >= {minimum} (got {value!r})")
        return None
    return value


def _terms(raw: Any, where: str, problems: list[str]) -> dict:
    """Contract terms: minimum term in months, notice period in days (both optional)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'terms' must be a mapping (minimum_term_months, notice_days)")
        return {}
    unknown = sorted(set(raw) - TERMS_KEYS)
    if unknown:
        problems.append(f"{where}: terms: unknown field(s): {', '.join(map(str, unknown))}")
    return dict(
        minimum_term_months=_whole(raw, "minimum_term_months", f"{where}: terms", problems, 0),
        notice_days=_whole(raw, "notice_days", f"{where}: terms", problems, 0),
    )


def _check_tier_prices(sla: tuple[SlaTier, ...], billing: dict, where: str, problems: list[str]) -> None:
    """Tier prices: all tiers or none, and the cheapest is the "from" price."""
    priced = [t.price for t in sla if t.price is not None]
    if not priced:
        return
    if len(priced) != len(sla):
        problems.append(f"{where}: either every SLA tier has a price or none does")
    elif min(priced) != billing["price_amount"]:
        problems.append(
            f"{where}: the cheapest SLA tier must cost billing.amount "
            f"({billing['price_amount']}), got {min(priced)}"
        )


def _billing(raw: Any, side: str, where: str, problems: list[str]) -> dict | None:
    if raw is None:
        return None  # already reported as a missing field
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'billing' must be a mapping (model, amount, currency, unit, note)")
        return None
    before = len(problems)
    w = f"{where}: billing"
    missing = [k for k in ("model", "amount", "currency", "unit") if k not in raw]
    if missing:
        problems.append(f"{w}: missing field(s): {', '.join(missing)}")
        return None
    unknown = sorted(set(raw) - BILLING_KEYS)
    if unknown:
        problems.append(f"{w}: unknown field(s): {', '.join(map(str, unknown))}")
    model = _text(raw, "model", w, problems)
    if model and model not in UNITS:
        problems.append(f"{w}: unknown model '{model}' (expected one of: {', '.join(UNITS)})")
    elif model and side in SIDE_MODELS and model not in SIDE_MODELS[side]:
        problems.append(
            f"{w}: model '{model}' does not fit side '{side}' " f"(expected {' or '.join(SIDE_MODELS[side])})"
        )
    unit = _text(raw, "unit", w, problems)
    if model in UNITS and unit and unit not in UNITS[model]:
        problems.append(
            f"{w}: unit '{unit}' does not fit model '{model}' (expected {' or '.join(UNITS[model])})"
        )
    currency = _text(raw, "currency", w, problems)
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(f"{w}: currency '{currency}' must be a three-letter ISO code such as EUR")
    amount = _amount(raw.get("amount"), w, problems)
    note = _text(raw, "note", w, problems, required=False)
    quantity = _quantity(raw, model, w, problems)
    if len(problems) > before:
        return None
    return dict(
        billing_model=model,
        price_amount=amount,
        currency=currency,
        price_unit=unit,
        billing_note=note,
        **quantity,
    )


def _quantity(raw: dict, model: str, where: str, problems: list[str]) -> dict:
    """included / per / extra: all three or none, for subscriptions only."""
    given = [k for k in QUANTITY_KEYS if k in raw]
    if not given:
        return {}
    if len(given) != len(QUANTITY_KEYS):
        problems.append(f"{where}: 'included', 'per' and 'extra' go together (got {', '.join(given)})")
        return {}
    if model != "subscription":
        problems.append(f"{where}: included units and extra-unit prices are for subscriptions only")
    return dict(
        included_quantity=_whole(raw, "included", where, problems, 1),
        quantity_unit=_text(raw, "per", where, problems) or None,
        extra_unit_price=_amount(raw.get("extra"), f"{where}: extra", problems),
    )


def _amount(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(str(value).replace(",", "").replace("_", ""))
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(f"{where}: amount '{value}' is not a number")
        return Decimal(0)
    if amount < 0:
        problems.append(f"{where}: amount must not be negative (got {value})")
    elif isinstance(exponent := amount.as_tuple().exponent, int) and exponent < -2:
        problems.append(f"{where}: amount {value} has more than 2 decimal places")
    return amount.quantize(Decimal("0.01"))


def _sla(raw: Any, where: str, problems: list[str]) -> tuple[SlaTier, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: 'sla' must be a list of tiers")
        return ()
    tiers: list[SlaTier] = []
    for j, tier in enumerate(raw):
        w = f"{where}: sla[{j}]"
        if not isinstance(tier, dict):
            problems.append(
                f"{w}: each SLA tier must be a mapping (name, response_time, availability, hours)"
            )
            continue
        missing = [k for k in ("name", "response_time", "availability") if k not in tier]
        if missing:
            problems.append(f"{w}: missing field(s): {', '.join(missing)}")
            continue
        tiers.append(
            SlaTier(
                name=_text(tier, "name", w, problems),
                response_time=_text(tier, "response_time", w, problems),
                availability=_text(tier, "availability", w, problems),
                hours=_text(tier, "hours", w, problems, required=False) or None,
                price=_amount(tier["price"], f"{w}: price", problems)
                if tier.get("price") is not None
                else None,
            )
        )
    names = [t.name.lower() for t in tiers]
    if len(set(names)) != len(names):
        problems.append(f"{where}: SLA tier names must be unique")
    return tuple(tiers)


def _check_unique(specs: list[ServiceSpec], problems: list[str]) -> None:
    slugs: dict[str, int] = {}
    for spec in specs:
        if spec.slug in slugs:
            problems.append(
                f"duplicate slug '{spec.slug}' (services[{slugs[spec.slug]}] and services[{spec.position}])"
            )
        slugs.setdefault(spec.slug, spec.position)
    owner: dict[str, str] = {}
    for spec in specs:
        for alias in spec.aliases():
            other = owner.setdefault(alias, spec.slug)
            if other != spec.slug:
                problems.append(f"duplicate alias '{alias}' used by both '{other}' and '{spec.slug}'")


# ----------------------------------------------------------------------------- texts vs data
# A description, billing note or engagement is what visitors read; the billing, SLA tiers and
# terms are what estimates and answers compute from. Where a text says something the data
# says otherwise, the catalogue contradicts itself: one problem line per contradiction,
# naming the service, the field and both sides.

TEXT_FIELDS = (("description", "description"), ("billing.note", "billing_note"), ("engagement", "engagement"))
ROUND_THE_CLOCK = re.compile(
    r"\b24\s*/\s*7\b|\b24\s*x\s*7\b|\b(?:a)?round[- ]the[- ]clock\b|\b24 hours a day\b", re.I
)
INCLUDED = re.compile(
    r"\binclud(?:ed|es)\b|\binclusive\b|\bat no (?:extra|additional) (?:cost|charge)\b"
    r"|\bno (?:extra|additional) (?:cost|charge|fee)s?\b|\bfree of charge\b|\bfor free\b"
    r"|\b(?:no|without) surcharge\b",
    re.I,
)
# wording that means one billing model: (pattern, the models it fits, what it means)
MODEL_WORDING = (
    (
        re.compile(
            r"\bproject work\b|\bper project\b|\bproject[- ]based\b|\b(?:on )?a project basis\b"
            r"|\bfixed[- ]price projects?\b|\bturn-?key\b",
            re.I,
        ),
        ("fixed_price",),
        "work delivered as a project",
    ),
    (
        re.compile(
            r"\bper (?:\w+ )?(?:day|hour)\b|\bday[- ]rates?\b|\bdaily rates?\b|\bhourly\b"
            r"|\btime (?:and|&) materials?\b",
            re.I,
        ),
        ("time_and_material",),
        "a day or hourly rate",
    ),
    (
        re.compile(r"\bper month\b|\bmonthly (?:fee|price|subscription)\b|\bsubscription\b", re.I),
        ("subscription",),
        "a monthly fee",
    ),
    (
        re.compile(
            r"\bunder your (?:direction|management|lead)\b|\bjoins? your (?:own )?team\b|\bdirected by you\b",
            re.I,
        ),
        ("time_and_material",),
        "specialists working under the client's direction (staff augmentation)",
    ),
)
UNLIMITED = re.compile(r"\bunlimited\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?", re.I)
# what a quantity unit is also called ("unlimited storage" about a price per TB)
UNIT_WORDS = {
    "tb": {"tb", "storage", "capacity", "data", "space", "terabyte"},
    "gb": {"gb", "storage", "capacity", "data", "space", "gigabyte"},
    "user": {"user", "seat", "people", "staff", "employee"},
    "device": {"device", "endpoint", "laptop", "desktop", "workstation"},
    "endpoint": {"endpoint", "device", "laptop", "desktop", "workstation"},
    "server": {"server", "vm", "machine"},
}
_PERIOD = r"(\d+)[- ]?(month|year)s?"
MIN_TERM = (
    re.compile(rf"\b{_PERIOD}\b[\w\s-]{{0,12}}?\bminimum\b", re.I),  # "12-month minimum term"
    re.compile(rf"\bminimum(?: term| contract| commitment| period)?(?: of)?\s+{_PERIOD}\b", re.I),
)
NO_MIN_TERM = re.compile(
    r"\bno minimum(?: term| contract| commitment| period)?\b|\bcancel(?:lable)? (?:at )?any ?time\b"
    r"|\bmonth[- ]to[- ]month\b",
    re.I,
)
NOTICE = (
    re.compile(r"\b(\d+)[- ]?(day|week|month)s?'?\s+(?:written\s+)?notice\b", re.I),
    re.compile(r"\bnotice(?: period)?(?: of)?\s+(\d+)[- ]?(day|week|month)s?\b", re.I),
)
MONEY = re.compile(
    r"(?:[€$£]|\b(?:EUR|USD|GBP|PLN|CHF)\b)\s?(\d[\d,]*(?:\.\d{1,2})?)"
    r"|(\d[\d,]*(?:\.\d{1,2})?)\s?(?:[€$£]|\b(?:EUR|USD|GBP|PLN|CHF|euros?)\b)",
    re.I,
)
CURRENCY_MARK = re.compile(r"[€$£]|\b(?:EUR|USD|GBP|PLN|CHF)\b|\beuros?\b", re.I)
CURRENCY_OF_MARK = {"€": "EUR", "$": "USD", "£": "GBP", "euro": "EUR", "euros": "EUR"}
AVAILABILITY = re.compile(
    r"\b(\d{2}(?:\.\d+)?)\s?%\s*(?:uptime|availability|available)\b"
    r"|\b(?:uptime|availability)\s+(?:of\s+)?(\d{2}(?:\.\d+)?)\s?%",
    re.I,
)
RESPONSE = re.compile(r"\b(\d+)[- ]?(min(?:ute)?s?|h(?:ours?|rs?)?)\b[- ](?:response|reaction)\b", re.I)


def _clauses(text: str) -> list[str]:
    """Sentence parts: split at ; ! ? and at . or , that do not sit inside a number."""
    return [c.strip() for c in re.split(r"[;!?]|[.,](?!\d)", text) if c.strip()]


def _is_24_7(tier: SlaTier) -> bool:
    return bool(tier.hours and ROUND_THE_CLOCK.search(tier.hours))


def _singular(word: str) -> str:
    word = word.lower()
    for suffix, replacement in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)] + replacement
    return word


def _minutes(amount: str, unit: str) -> int:
    return int(amount) * (1 if unit.lower().startswith("min") else 60)


def _months(amount: str, unit: str) -> int:
    return int(amount) * (12 if unit.lower().startswith("year") else 1)


def _days(amount: str, unit: str) -> int:
    return int(amount) * {"day": 1, "week": 7, "month": 30}[unit.lower().rstrip("s")]


# a field of `terms` -> the phrasings that state it in a text, how to read one, its unit in a message
TERM_PHRASINGS = {
    "minimum_term_months": (MIN_TERM, _months, "months"),
    "notice_days": (NOTICE, _days, "days"),
}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def check_texts(spec: ServiceSpec, where: str, problems: list[str]) -> None:
    """Append one line per place where a text of `spec` contradicts its prices, terms or tiers."""
    for field_name, attr in TEXT_FIELDS:
        text = getattr(spec, attr) or ""
        if text:
            say = f"{where}: {field_name} says"
            _check_included(spec, text, say, problems)
            _check_round_the_clock(spec, text, say, problems)
            _check_model_wording(spec, text, say, problems)
            _check_unlimited(spec, text, say, problems)
            _check_terms(spec, text, say, problems)
            _check_money(spec, text, say, problems)
            _check_sla_figures(spec, text, say, problems)


def _check_included(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    """'24/7 included' or 'Premium at no extra cost' while that tier costs more, or is one of several."""
    for clause in _clauses(text):
        if not INCLUDED.search(clause):
            continue
        # "24/7 included in the Premium tier": included in that tier, not in the base price
        scoped = [
            t
            for t in spec.sla
            if re.search(rf"\b(?:in|with|on|at|for)\s+(?:the\s+)?{re.escape(t.name)}\b", clause, re.I)
        ]
        if scoped:
            if ROUND_THE_CLOCK.search(clause) and (short := [t for t in scoped if not _is_24_7(t)]):
                hours = ", ".join(f"{t.name}: {t.hours or 'hours not given'}" for t in short)
                problems.append(f"{say} '{clause}', but that tier is not 24/7 ({hours})")
            continue
        named = [t for t in spec.sla if re.search(rf"\b{re.escape(t.name)}\b", clause, re.I)]
        if ROUND_THE_CLOCK.search(clause):
            named += [t for t in spec.sla if _is_24_7(t) and t not in named]
        dearer = [t for t in named if t.price is not None and t.price > spec.price_amount]
        if dearer:
            tiers = ", ".join(f"the {t.name} tier costs {_money(t.price)}" for t in dearer if t.price)
            problems.append(
                f"{say} '{clause}', but {tiers} {spec.currency} a month, more than billing.amount "
                f"({_money(spec.price_amount)})"
            )
        elif (
            ROUND_THE_CLOCK.search(clause)
            and any(map(_is_24_7, spec.sla))
            and not all(map(_is_24_7, spec.sla))
        ):
            only = ", ".join(t.name for t in spec.sla if _is_24_7(t))
            problems.append(f"{say} '{clause}', but only the {only} tier(s) are 24/7")


def _check_round_the_clock(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    found = ROUND_THE_CLOCK.search(text)
    if found and not any(map(_is_24_7, spec.sla)):
        hours = "; ".join(f"{t.name}: {t.hours or 'hours not given'}" for t in spec.sla)
        problems.append(
            f"{say} '{found.group(0)}', but no SLA tier is 24/7"
            + (f" ({hours})" if spec.sla else " (the service has no SLA tiers)")
        )


def _check_model_wording(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    for pattern, models, meaning in MODEL_WORDING:
        found = pattern.search(text)
        if found and spec.billing_model not in models:
            problems.append(
                f"{say} '{found.group(0)}' ({meaning}), but billing.model is "
                f"{spec.billing_model} ({spec.price_unit})"
            )


def _check_unlimited(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    if spec.included_quantity is None or not spec.quantity_unit:
        return
    unit = _singular(spec.quantity_unit.split()[-1])
    names = UNIT_WORDS.get(unit, {unit})
    for found in UNLIMITED.finditer(text):
        words = {_singular(w) for w in found.groups() if w}
        if words & names:
            extra = _money(spec.extra_unit_price or Decimal(0))
            problems.append(
                f"{say} '{found.group(0)}', but billing.included is {spec.included_quantity} "
                f"(per {spec.quantity_unit}), each further one {extra} {spec.currency} a month"
            )


def _check_stated_term(term: str, spec: ServiceSpec, text: str, say: str, problems: list[str]) -> bool:
    """What the first of the term's phrasings found in the text says must be the spec's value.
    False when the text states no such term."""
    patterns, read, unit = TERM_PHRASINGS[term]
    have = getattr(spec, term)
    for pattern in patterns:
        if found := pattern.search(text):
            said = read(found.group(1), found.group(2))
            if said != have:
                problems.append(
                    f"{say} '{found.group(0)}' ({said} {unit}), but terms.{term} is "
                    + ("not set" if have is None else str(have))
                )
            return True
    return False


def _check_terms(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    if not _check_stated_term("minimum_term_months", spec, text, say, problems):
        if (found := NO_MIN_TERM.search(text)) and spec.minimum_term_months:
            problems.append(
                f"{say} '{found.group(0)}', but terms.minimum_term_months is {spec.minimum_term_months}"
            )
    _check_stated_term("notice_days", spec, text, say, problems)


def _check_money(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    for mark in {m.group(0) for m in CURRENCY_MARK.finditer(text)}:
        currency = CURRENCY_OF_MARK.get(mark.lower(), mark.upper())
        if currency != spec.currency:
            problems.append(f"{say} '{mark}', but the service is priced in {spec.currency}")
    prices = {spec.price_amount, *(t.price for t in spec.sla if t.price is not None)}
    if spec.extra_unit_price is not None:
        prices.add(spec.extra_unit_price)
    for found in MONEY.finditer(text):
        number = (found.group(1) or found.group(2)).replace(",", "")
        amount = Decimal(number).quantize(Decimal("0.01"))
        if amount not in prices:
            known = ", ".join(_money(p) for p in sorted(prices))
            problems.append(
                f"{say} '{found.group(0).strip()}', but no price of the service is that ({known})"
            )


def _check_sla_figures(spec: ServiceSpec, text: str, say: str, problems: list[str]) -> None:
    offered = {t.availability.replace(" ", "").rstrip("%") for t in spec.sla}
    for found in AVAILABILITY.finditer(text):
        value = found.group(1) or found.group(2)
        if value not in offered:
            problems.append(
                f"{say} '{found.group(0)}', but no SLA tier offers {value}% "
                f"(tiers: {', '.join(t.availability for t in spec.sla) or 'none'})"
            )
    times = set()
    for tier in spec.sla:
        if parsed := re.fullmatch(r"\s*(\d+)\s*(min(?:ute)?s?|h(?:ours?|rs?)?)\s*", tier.response_time, re.I):
            times.add(_minutes(*parsed.groups()))
    for found in RESPONSE.finditer(text):
        if _minutes(found.group(1), found.group(2)) not in times:
            problems.append(
                f"{say} '{found.group(0)}', but no SLA tier responds in that time "
                f"(tiers: {', '.join(t.response_time for t in spec.sla) or 'none'})"
            )


# ----------------------------------------------------------------------------- syncing


def _fields(spec: ServiceSpec) -> dict[str, Any]:
    """The row's columns from the spec (but the slug: it finds the row)."""
    fields = spec.terms()
    del fields["slug"]
    return {**fields, "themes": list(spec.themes), "vat_note": spec.vat_note or None, "active": True}


def _tier_tuples(tiers) -> list[tuple]:
    return [(t.name, t.response_time, t.availability, t.hours, t.price) for t in tiers]


def sync(session: Session, specs: list[ServiceSpec]) -> LoadReport:
    """Make the database match `specs`; flushes but leaves the commit to the caller."""
    report = LoadReport()
    now = utcnow()
    by_slug = {spec.slug: spec for spec in specs}
    rows = {
        s.slug: s
        for s in session.execute(
            select(Service).options(selectinload(Service.aliases), selectinload(Service.sla_tiers))
        ).scalars()
    }
    touched: set[str] = set()

    # Phase 1, removals only: the unit of work inserts before it deletes, so an alias
    # that moves (or a tier that is rewritten) must be gone before its replacement lands.
    for slug, row in rows.items():
        spec = by_slug.get(slug)
        if spec is None:
            if row.active or row.aliases or row.sla_tiers:
                row.active = False
                row.aliases.clear()
                row.sla_tiers.clear()
                row.updated_at = now
                report.removed.append(slug)
            continue
        wanted = spec.aliases()
        for alias in [a for a in row.aliases if wanted.get(a.alias) != a.kind]:
            row.aliases.remove(alias)
            touched.add(slug)
        if _tier_tuples(row.sla_tiers) != _tier_tuples(spec.sla):
            row.sla_tiers.clear()
            touched.add(slug)
    session.flush()

    # Phase 2: inserts and updates.
    for spec in specs:
        row = rows.get(spec.slug)
        if row is None:
            row = Service(slug=spec.slug)
            session.add(row)
            report.created.append(spec.slug)
        row.position = spec.position  # order only: applied, but not reported as an update
        for key, value in _fields(spec).items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                touched.add(spec.slug)
        have = {a.alias for a in row.aliases}
        for alias, kind in spec.aliases().items():
            if alias not in have:
                row.aliases.append(ServiceAlias(alias=alias, kind=kind))
                touched.add(spec.slug)
        if not row.sla_tiers:
            for i, tier in enumerate(spec.sla):
                row.sla_tiers.append(SlaTierRow(position=i, **asdict(tier)))
        if spec.slug in touched:
            row.updated_at = now
            if spec.slug not in report.created:
                report.updated.append(spec.slug)
        elif spec.slug not in report.created:
            report.unchanged.append(spec.slug)
    session.flush()
    return report


def load_catalogue(session: Session, path: str | Path) -> LoadReport:
    """Validate `path` completely, then sync it into the session's transaction."""
    return sync(session, read_catalogue(path))


def load_into(url: str, path: str | Path | None = None) -> LoadReport:
    """Publish the catalogue to the database at `url`: validate the file first (a bad
    file never touches the database), apply migrations, sync in one transaction."""
    from bot import db
    from bot.settings import get_settings

    specs = read_catalogue(path or get_settings().catalogue_yaml)
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            return sync(session, specs)
    finally:
        engine.dispose()
