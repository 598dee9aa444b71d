"""Load data/catalogue.yml into the database: validate everything first, then sync.

Idempotent: rows are compared field by field and only touched when something changed,
so a second load reports everything "unchanged". Services that disappear from the YAML
are *deactivated* (active = false, aliases and SLA tiers dropped), not deleted: leads
and conversations may still refer to them, and re-adding the slug revives the row.
The caller's session is one transaction (bot.db.session_scope): a failure writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.catalogue.models import Service, ServiceAlias, SlaTierRow, normalize_alias
from bot.catalogue.queries import SlaTier
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


@dataclass(frozen=True)
class ServiceSpec:
    slug: str
    name: str
    side: str
    themes: tuple[str, ...]
    synonyms: tuple[str, ...]
    misspellings: tuple[str, ...]
    description: str
    billing_model: str
    price_amount: Decimal
    currency: str
    price_unit: str
    billing_note: str
    sla: tuple[SlaTier, ...]
    engagement: str
    position: int
    # what visitors say they need when they do not name the service ("2 senior java devs")
    needs: tuple[str, ...] = ()
    included_quantity: int | None = None
    quantity_unit: str | None = None
    extra_unit_price: Decimal | None = None
    minimum_term_months: int | None = None
    notice_days: int | None = None
    vat_note: str = ""

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


# ----------------------------------------------------------------------------- syncing


def _fields(spec: ServiceSpec) -> dict[str, Any]:
    return dict(
        name=spec.name,
        side=spec.side,
        themes=list(spec.themes),
        description=spec.description,
        billing_model=spec.billing_model,
        price_amount=spec.price_amount,
        currency=spec.currency,
        price_unit=spec.price_unit,
        billing_note=spec.billing_note,
        engagement=spec.engagement,
        included_quantity=spec.included_quantity,
        quantity_unit=spec.quantity_unit,
        extra_unit_price=spec.extra_unit_price,
        minimum_term_months=spec.minimum_term_months,
        notice_days=spec.notice_days,
        vat_note=spec.vat_note or None,
        active=True,
    )


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
                row.sla_tiers.append(
                    SlaTierRow(
                        position=i,
                        name=tier.name,
                        response_time=tier.response_time,
                        availability=tier.availability,
                        hours=tier.hours,
                        price=tier.price,
                    )
                )
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
    from bot import db, settings

    specs = read_catalogue(path or settings.catalogue_yaml())
    db.upgrade(url)
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            return sync(session, specs)
    finally:
        engine.dispose()
