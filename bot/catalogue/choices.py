"""Which services to offer when a question names none and none is in focus ("price?", "sla?").

The visitor is offered the ones that fit what they said: the short list just offered (bot.dialogue
.focus), those priced in the unit they mentioned ("for 50 users", "per server?"), of the theme or
side they named, or like the words they used; with nothing to go on, a few of each side. Each
button asks the same question about its service, so one click answers it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.catalogue import queries
from bot.catalogue.queries import ServiceInfo
from bot.catalogue.replies import Reply, leftover_query, theme_in
from bot.knowledge import SALES_BUTTON
from bot.pricing import request
from bot.text import messages

MAX_CHOICES = 6
PER_SIDE = 3  # with nothing to go on: this many of each side
SIDES = ("managed_services", "it_outsourcing")


def units_named(text: str) -> set[str]:
    """The catalogue's billing units a message names, with or without a number ("per user?")."""
    return {
        unit for pattern, unit in request.UNIT_WORDS if re.search(rf"\b(?:{pattern})\b", text or "", re.I)
    }


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
    units = units_named(text)
    fitting = [s for s in services if (s.quantity_unit or "").lower() in units]
    if not fitting and (side in SIDES or theme):
        fitting = services
    if not fitting:
        named_theme = theme_in(text, queries.list_themes(session))
        query = leftover_query(text)
        if named_theme:
            fitting = queries.list_services(session, theme=named_theme)
        elif query:
            fitting = queries.suggest(session, query)
    if not fitting:
        fitting = [s for want in SIDES for s in [x for x in services if x.side == want][:PER_SIDE]]
    return fitting[:MAX_CHOICES]


def choice_buttons(services: Sequence[ServiceInfo], intent: str) -> list[dict]:
    """One button per service that asks the same question (`intent`) about it."""
    return [
        {"title": s.name, "payload": f"/{intent}" + json.dumps({"service": s.slug}, separators=(",", ":"))}
        for s in services
    ]


def which_service(
    session: Session,
    text: str,
    intent: str,
    choices: Sequence[str] = (),
    side: str | None = None,
    theme: str | None = None,
) -> Reply:
    """'Which service do you mean?' with the services that fit, each asking `intent` about it."""
    offered = candidates(session, text, choices, side, theme)
    return Reply(messages.text("catalogue.which_service"), choice_buttons(offered, intent) + [SALES_BUTTON])
