"""Which service a follow-up is about, and which to offer when it could be any.

"price?", "sla on that", "and for 120 users?" name no service. They are about, in this order:
- a service named in the message itself (the caller looks for it first);
- the short list the assistant's last turn just offered: its one service, or a choice among them;
- the service discussed last (the `service` slot, which the catalogue answers, the estimates, the
  lead form's service question and the advisor's systems question all keep up to date).
With nothing in focus the visitor is asked which service, offered the ones that fit what they said:
those priced in the unit they mentioned ("for 50 users"), of the theme or side they named, or like
the words they used; else a few of each side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.catalogue import queries
from bot.catalogue.queries import ServiceInfo
from bot.catalogue.replies import leftover_query, theme_in
from bot.knowledge import SALES_BUTTON
from bot.pricing import request

MAX_SHORT_LIST = 6  # more choices than this is a menu, not a short list in focus
MAX_CHOICES = 6
PER_SIDE = 3  # with nothing to go on: this many of each side
SIDES = ("managed_services", "it_outsourcing")


@dataclass(frozen=True)
class Focus:
    service: str | None = None  # the one service a follow-up is about
    choices: tuple[str, ...] = ()  # or the short list it could be about


def focus(last_service: object, offered: Sequence[str]) -> Focus:
    """The focus before this message: the short list just offered, else the last service."""
    offered = [s for s in offered if isinstance(s, str) and s][: MAX_SHORT_LIST + 1]
    if len(offered) == 1:
        return Focus(offered[0])
    if 1 < len(offered) <= MAX_SHORT_LIST:
        return Focus(None, tuple(offered))
    if isinstance(last_service, str) and last_service:
        return Focus(last_service[:64])
    return Focus()


def units_named(text: str) -> set[str]:
    """The catalogue's billing units a message names, with or without a number ("per user?")."""
    return {unit for pattern, unit in request.UNIT_WORDS if re.search(rf"\b(?:{pattern})\b", text, re.I)}


def _by_unit(services: list[ServiceInfo], text: str) -> list[ServiceInfo]:
    units = units_named(text)
    return [s for s in services if (s.quantity_unit or "").lower() in units]


def candidates(
    session: Session,
    text: str,
    choices: Sequence[str] = (),
    side: str | None = None,
    theme: str | None = None,
) -> list[ServiceInfo]:
    """Services to offer when a question names none: the short list in focus, else those that fit."""
    if choices:
        found = [queries.get_service(session, slug) for slug in choices[:MAX_CHOICES]]
        return [s for s in found if s is not None]
    services = queries.list_services(session, side=side if side in SIDES else None, theme=theme)
    fitting = _by_unit(services, text)
    if not fitting and (side or theme):
        fitting = services
    if not fitting:
        named_theme = theme_in(text, queries.list_themes(session))
        if named_theme:
            fitting = queries.list_services(session, theme=named_theme)
        elif leftover_query(text):
            fitting = queries.suggest(session, leftover_query(text))
    if not fitting:
        fitting = [s for want in SIDES for s in [x for x in services if x.side == want][:PER_SIDE]]
    return fitting[:MAX_CHOICES]


def choice_buttons(services: Sequence[ServiceInfo], intent: str) -> list[dict]:
    """One button per service that asks the same question (`intent`) about it."""
    return [
        {"title": s.name, "payload": f"/{intent}" + json.dumps({"service": s.slug}, separators=(",", ":"))}
        for s in services
    ]


WHICH_SERVICE = 'Which service do you mean? Pick one, or name it, e.g. "how much is the managed helpdesk?"'


def which_service(
    session: Session,
    text: str,
    intent: str,
    choices: Sequence[str] = (),
    side: str | None = None,
    theme: str | None = None,
) -> tuple[str, list[dict]]:
    """'Which service do you mean?' with the services that fit, each asking `intent` about it."""
    offered = candidates(session, text, choices, side, theme)
    return WHICH_SERVICE, choice_buttons(offered, intent) + [SALES_BUTTON]
