"""Run rasa-sdk actions the way the action server does, against a real database."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-conversation",
    events: list[dict] | None = None,
    active_loop: dict | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
    }
    return Tracker(
        sender_id, slots or {}, latest, events or [], False, None, active_loop or {}, "action_listen"
    )


def run_action(action, tracker: Tracker, domain_dict: dict | None = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain() if domain_dict is None else domain_dict))
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


@lru_cache(maxsize=1)
def domain() -> dict:
    """domain.yml as the action server receives it (the parts actions read)."""
    with open(ROOT / "domain.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def form_tracker(
    text: str,
    requested: str | None,
    intent: str = "inform",
    slots: dict | None = None,
    entities: list[dict] | None = None,
    history: list[str] = (),
    after_digression: bool = False,
    sender_id: str = "test-conversation",
    form_name: str = "lead_form",
) -> Tracker:
    """The tracker Rasa sends validate_<form_name> right after the visitor's message (or, with
    after_digression, when the form resumes after a rule answered that message)."""
    events = [{"event": "user", "text": t} for t in history]
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    events.append({"event": "user", "text": text, "parse_data": latest})
    events.append({"event": "action", "name": "action_extract_slots"})
    if after_digression:
        events += [{"event": "action", "name": "action_answer_knowledge"}, {"event": "bot", "text": "..."}]
    events += [
        {"event": "slot", "name": "requested_slot", "value": requested},
        {"event": "action", "name": form_name},
    ]
    values = {"requested_slot": requested, **(slots or {})}
    return Tracker(
        sender_id,
        values,
        latest,
        events,
        False,
        None,
        {"name": form_name, "is_interrupted": False},
        form_name,
    )


def rendered(messages: list[dict]) -> str:
    """What the visitor reads: texts, and domain responses with their {placeholders} filled."""
    out = []
    for message in messages:
        if message.get("text"):
            out.append(message["text"])
        elif message.get("response"):
            template = domain()["responses"][message["response"]][0]["text"]
            out.append(template.format(**{k: v for k, v in message.items() if isinstance(k, str)}))
    return " ".join(out)
