"""Who follows a lead up: rules from a small YAML file, round-robin when none matches.

The file (SALES_ROUTING_FILE, default routing.yml) names the owners, rules tried top to
bottom (the first whose conditions all hold wins; a list of values means "any of these"),
and the team that takes turns when no rule matches. A rule gives one `owner` or a `team`
of its own. Conditions: `theme` (a theme of the lead's catalogue service), `service`
(its slug), `company_size` (the form's bucket) and `country` (ISO code of the phone
number, via phonenumbers).

Round-robin is a counter row per team, incremented inside the lead's own transaction:
the row lock (PostgreSQL) or the write lock (SQLite) makes concurrent saves take turns,
and a save that rolls back gives its turn back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.catalogue.models import Service
from bot.sales.models import Lead, RoutingCounter
from bot.settings import get_settings

log = logging.getLogger(__name__)

CONDITIONS = ("theme", "service", "company_size", "country")
OWNER_FIELDS = ("name", "email", "hubspot_owner_id", "salesforce_owner_id")


class RoutingError(ValueError):
    """The routing file is missing a part or names something it does not define."""


@dataclass(frozen=True)
class Owner:
    id: str
    name: str
    email: str | None = None
    hubspot_owner_id: str | None = None
    salesforce_owner_id: str | None = None


@dataclass(frozen=True)
class Rule:
    when: dict[str, frozenset[str]]
    members: tuple[str, ...]  # one owner, or a team taking turns

    def matches(self, facts: dict[str, set[str]]) -> bool:
        return all(facts.get(key, set()) & allowed for key, allowed in self.when.items())


@dataclass(frozen=True)
class Routing:
    owners: dict[str, Owner]
    rules: tuple[Rule, ...]
    team: tuple[str, ...]

    def candidates(self, facts: dict[str, set[str]]) -> tuple[str, ...]:
        """The owner, or the team to take turns among, for a lead with these facts."""
        for rule in self.rules:
            if rule.matches(facts):
                return rule.members
        return self.team


@dataclass
class _Cache:
    key: tuple[str, float] | None = None
    routing: Routing | None = None


_cache = _Cache()  # the parsed file and its (path, mtime)


def _values(value: Any, where: str) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str | int) and str(v).strip() for v in values):
        raise RoutingError(f"{where}: give a value or a list of values")
    return frozenset(str(v).strip().lower() for v in values)


def _members(entry: dict, owners: dict[str, Owner], where: str) -> tuple[str, ...]:
    if ("owner" in entry) == ("team" in entry):
        raise RoutingError(f"{where}: give either `owner` or `team`")
    members = [entry["owner"]] if "owner" in entry else entry["team"]
    if not isinstance(members, list) or not members:
        raise RoutingError(f"{where}: `team` must be a non-empty list of owners")
    unknown = [str(m) for m in members if m not in owners]
    if unknown:
        raise RoutingError(f"{where}: unknown owner(s) {', '.join(unknown)}; define them under `owners`")
    return tuple(members)


def parse(data: Any) -> Routing:
    """Validate the file's content (already parsed from YAML)."""
    if not isinstance(data, dict):
        raise RoutingError("the routing file must be a mapping with owners, rules and team")
    raw_owners = data.get("owners")
    if not isinstance(raw_owners, dict) or not raw_owners:
        raise RoutingError("`owners` must map an owner id to their name and e-mail")
    owners = {}
    for owner_id, details in raw_owners.items():
        details = details if isinstance(details, dict) else {}
        if not isinstance(details.get("name"), str) or set(details) - set(OWNER_FIELDS):
            optional = ", ".join(OWNER_FIELDS[1:])
            raise RoutingError(f"owner {owner_id}: give a name (and optionally {optional})")
        owners[str(owner_id)] = Owner(id=str(owner_id)[:100], **{k: str(v) for k, v in details.items()})
    rules = []
    for number, entry in enumerate(data.get("rules") or [], start=1):
        where = f"rule {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("when"), dict) or not entry["when"]:
            raise RoutingError(f"{where}: needs `when` with at least one of {', '.join(CONDITIONS)}")
        unknown = set(entry["when"]) - set(CONDITIONS)
        if unknown:
            raise RoutingError(f"{where}: unknown condition(s) {', '.join(sorted(unknown))}")
        when = {key: _values(value, f"{where}, {key}") for key, value in entry["when"].items()}
        rules.append(Rule(when=when, members=_members(entry, owners, where)))
    team = _members({"team": data.get("team")}, owners, "team")
    return Routing(owners=owners, rules=tuple(rules), team=team)


def load(path: Path | None = None) -> Routing | None:
    """The routing in force: None when the file does not exist (routing off).

    Re-read when the file changes, so sales can edit it without a restart.
    Raises RoutingError for a file that exists but is wrong.
    """
    path = Path(path or get_settings().sales_routing_file)
    try:
        key = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return None
    if _cache.key == key and _cache.routing is not None:
        return _cache.routing
    try:
        routing = parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise RoutingError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    _cache.key, _cache.routing = key, routing
    return routing


def country_of(phone: str | None) -> str | None:
    """ISO 3166 code of an E.164 number's country ("+4930..." -> "DE"), or None."""
    if not phone:
        return None
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region != "ZZ" else None


def facts_of(session: Session, lead: Lead) -> dict[str, set[str]]:
    """What the rules can test, all lower case."""
    themes = (
        session.scalars(select(Service.themes).where(Service.slug == lead.service)).first()
        if lead.service
        else None
    )
    facts = {
        "theme": {str(t).lower() for t in themes or []},
        "service": {lead.service.lower()} if lead.service else set(),
        "company_size": {lead.company_size.lower()} if lead.company_size else set(),
        "country": {country.lower()} if (country := country_of(lead.phone)) else set(),
    }
    return facts


def _dialect_insert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise RoutingError(f"round-robin needs PostgreSQL or SQLite, not {name}")
    return insert


def next_in_turn(session: Session, members: tuple[str, ...]) -> str:
    """The team member whose turn it is; the turn is taken in the session's transaction."""
    if len(members) == 1:
        return members[0]
    team = ("team:" + ",".join(members))[:100]
    counters = RoutingCounter.__table__
    insert = _dialect_insert(session)
    session.execute(
        insert(counters).values(team=team, position=0).on_conflict_do_nothing(index_elements=["team"])
    )
    session.execute(update(counters).where(counters.c.team == team).values(position=counters.c.position + 1))
    position = session.execute(select(counters.c.position).where(counters.c.team == team)).scalar_one()
    return members[(position - 1) % len(members)]


def assign_owner(session: Session, lead: Lead) -> str | None:
    """Choose and return the lead's owner inside the caller's transaction.

    A broken routing file never costs a lead: it is logged and the lead has no owner.
    """
    try:
        routing = load()
    except RoutingError as exc:
        log.error("lead routing is off: %s", exc)
        return None
    if routing is None:
        return None
    return next_in_turn(session, routing.candidates(facts_of(session, lead)))


def owner(owner_id: str | None) -> Owner | None:
    """An owner's details from the routing file in force (None if unknown or routing is off)."""
    if not owner_id:
        return None
    try:
        routing = load()
    except RoutingError:
        return None
    return routing.owners.get(owner_id) if routing else None
