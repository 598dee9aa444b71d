"""Run rasa-sdk actions the way the action server does, against a real database."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(text: str = "", intent: str | None = None, entities: list[dict] | None = None,
                 slots: dict[str, Any] | None = None, sender_id: str = "test-conversation",
                 events: list[dict] | None = None, active_loop: dict | None = None) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
    }
    return Tracker(sender_id, slots or {}, latest, events or [], False, None, active_loop or {}, "action_listen")


def run_action(action, tracker: Tracker, domain: dict | None = None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}
