"""/webhooks/health/: is the Rasa server able to take a message right now?

Rasa's `/` answers "Hello from Rasa" even when the lock store or the tracker store is
gone, and then every message fails. This channel (listed in credentials.yml, so Rasa
mounts it at /webhooks/health/) checks both stores on each GET and answers 200 with
{"status": "ok", ...} or 503 naming the store that is down, for load balancers,
`docker compose` health checks and the fault drills.

Importing it also applies bot.rasa_fixes (a visitor whose message fails is told so) and
the log policy of bot.sales.logsafe, whichever channels are configured.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import text

from bot import rasa_fixes
from bot.sales import logsafe

logger = logging.getLogger(__name__)
logsafe.install()
rasa_fixes.apply()

CHECK_TIMEOUT = 3.0


def _check_lock_store(lock_store: Any) -> None:
    client = getattr(lock_store, "red", None)  # RedisLockStore; the in-memory one has none
    if client is not None:
        client.ping()


def _check_tracker_store(tracker_store: Any) -> None:
    store = getattr(tracker_store, "_tracker_store", tracker_store)  # unwrap AwaitableTrackerStore
    engine = getattr(store, "engine", None)  # SQLTrackerStore
    if engine is not None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))


async def _probe(check: Callable[[Any], None], target: Any) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(check, target), CHECK_TIMEOUT)
        return "ok"
    except Exception as exc:  # any failure, including the timeout, means "down"
        logger.error("health: %s is down (%s)", type(target).__name__, type(exc).__name__)
        return "down"


async def health_report(agent: Any) -> tuple[int, dict[str, str]]:
    """(HTTP status, {"status", "lock_store", "tracker_store"}) for the loaded agent."""
    if agent is None or not agent.is_ready():
        return 503, {"status": "starting"}
    report = {
        "lock_store": await _probe(_check_lock_store, agent.lock_store),
        "tracker_store": await _probe(_check_tracker_store, agent.tracker_store),
    }
    healthy = all(value == "ok" for value in report.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "unavailable", **report}


class HealthInput(InputChannel):
    """Not a chat channel: only the health route under /webhooks/health/."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("health_webhook", __name__)

        @health.route("/", methods=["GET"])
        async def check(request: Request) -> HTTPResponse:
            status, body = await health_report(getattr(request.app.ctx, "agent", None))
            return response.json(body, status=status)

        return health
