"""Which service a follow-up is about: "price?", "sla on that", "and for 120 users?".

They name no service, so they are about, in this order:
- a service named in the message itself (the callers look for it first);
- the short list the assistant's last turn just offered: its one service, or a choice among them;
- the service discussed last: the `service` slot, which the catalogue answers, the estimates, the
  lead form's service question and the advisor's systems question keep up to date.
With nothing in focus the visitor is asked which service (bot.catalogue.choices).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHORT_LIST = 6  # more choices than this is a menu, not a short list in focus


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
