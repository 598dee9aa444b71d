"""The assistant's last turn as the visitor saw it: its messages and the choices they offered.

Read from tracker events in their dict form (what the action server receives, and what Rasa's
Event.as_dict() gives in the Rasa server), so both sides read the same thing the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_OPTIONS = 20  # more buttons than any message of ours shows; bounds what is read
_PAYLOAD = re.compile(r"^/([A-Za-z_][\w/]*)(\{.*\})?$", re.S)


@dataclass(frozen=True)
class Option:
    title: str
    payload: str

    @property
    def intent(self) -> str | None:
        m = _PAYLOAD.match(self.payload)
        return m.group(1) if m else None

    @property
    def entities(self) -> dict[str, Any]:
        m = _PAYLOAD.match(self.payload)
        if not m or not m.group(2):
            return {}
        try:
            value = json.loads(m.group(2))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class BotMessage:
    text: str
    response: str | None  # the domain response it came from (utter_...), when it came from one
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class LastTurn:
    """The assistant's messages since the visitor's previous message (oldest first)."""

    messages: tuple[BotMessage, ...] = field(default_factory=tuple)

    @property
    def question(self) -> BotMessage | None:
        """The last message that offered choices: the one a short reply answers."""
        return next((m for m in reversed(self.messages) if m.options), None)

    @property
    def responses(self) -> list[str]:
        return [m.response for m in self.messages if m.response]

    def services_offered(self) -> list[str]:
        """Catalogue slugs the turn's choices carry, in order (the short list just offered)."""
        question = self.question
        slugs = [o.entities.get("service") for o in (question.options if question else ())]
        return list(dict.fromkeys(s for s in slugs if isinstance(s, str) and s))


def _options(data: Mapping[str, Any] | None) -> tuple[Option, ...]:
    buttons = (data or {}).get("buttons") or []
    found = []
    for button in buttons[:MAX_OPTIONS]:
        if isinstance(button, Mapping) and isinstance(button.get("payload"), str):
            found.append(Option(str(button.get("title") or ""), button["payload"]))
    return tuple(found)


def last_turn(
    events: Sequence[Mapping[str, Any]] | Iterable[Mapping[str, Any]], skip_latest_user: bool = False
) -> LastTurn:
    """The bot messages after the visitor's last message (or, with `skip_latest_user`, after the
    one before it: the turn the latest message replies to)."""
    messages: list[BotMessage] = []
    users_seen = 0
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            users_seen += 1
            if users_seen > (1 if skip_latest_user else 0):
                break
            continue
        if kind == "bot" and users_seen == (1 if skip_latest_user else 0):
            metadata = event.get("metadata") or {}
            response = metadata.get("utter_action") if isinstance(metadata, Mapping) else None
            messages.append(
                BotMessage(
                    str(event.get("text") or ""),
                    str(response) if response else None,
                    _options(event.get("data")),
                )
            )
    return LastTurn(tuple(reversed(messages)))
