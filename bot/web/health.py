"""/webhooks/health/: can the assistant handle a visitor completely right now?

Rasa's `/` answers "Hello from Rasa" even when the lock store or the tracker store is
gone, and then every message fails; with the action server gone it still answers, but
nothing that needs a custom action (catalogue, prices, the lead form) works. This channel
(listed in credentials.yml, so Rasa mounts it at /webhooks/health/) checks each part on
every GET and names each one "ok" or "down":

- 200 {"status": "ok", "lock_store": "ok", "tracker_store": "ok", "action_server": "ok"};
- 503 {"status": "unavailable", ...}: the lock store or the tracker store is down, so no
  message can be handled;
- 503 {"status": "degraded", ..., "action_server": "down"}: only the action server is
  unreachable (`bot run` restarts it; messages are answered, custom actions fail);
- 503 {"status": "starting"}: the model is still loading.

Any 503 is "something is down" for monitoring, load balancers, `docker compose` health
checks and the fault drills; the body says what. Without an action endpoint configured,
"action_server" is left out.

Its blueprint() also installs bot.rasa_server (the Rasa fixes: a visitor whose message fails
is told so; the log policy), whichever chat channels are configured.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import text

from bot import rasa_server

logger = logging.getLogger(__name__)

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


def action_health_url(action_endpoint: Any) -> str | None:
    """The action server's /health beside its webhook URL (http://host:5055/webhook ->
    http://host:5055/health); None without an action endpoint."""
    url = getattr(action_endpoint, "url", None)
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))


def _check_action_server(url: str) -> None:
    # /health is open (bot/action_server.py): no secret is sent or needed
    requests.get(url, timeout=CHECK_TIMEOUT - 0.5).raise_for_status()


async def _probe(check: Callable[[Any], None], target: Any, name: str) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(check, target), CHECK_TIMEOUT)
        return "ok"
    except Exception as exc:  # any failure, including the timeout, means "down"
        logger.error("health: the %s is down (%s)", name, type(exc).__name__)
        return "down"


async def health_report(agent: Any) -> tuple[int, dict[str, str]]:
    """(HTTP status, {"status", "lock_store", "tracker_store", "action_server"}) for the agent."""
    if agent is None or not agent.is_ready():
        return 503, {"status": "starting"}
    report = {
        "lock_store": await _probe(_check_lock_store, agent.lock_store, "lock store"),
        "tracker_store": await _probe(_check_tracker_store, agent.tracker_store, "tracker store"),
    }
    action_url = action_health_url(getattr(agent, "action_endpoint", None))
    if action_url:
        report["action_server"] = await _probe(_check_action_server, action_url, "action server")
    if report["lock_store"] != "ok" or report["tracker_store"] != "ok":
        status = "unavailable"  # no message can be handled
    elif report.get("action_server", "ok") != "ok":
        status = "degraded"  # messages are answered; custom actions fail
    else:
        status = "ok"
    return (200 if status == "ok" else 503), {"status": status, **report}


class HealthInput(InputChannel):
    """Not a chat channel: only the health route under /webhooks/health/."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rasa_server.install()  # the Rasa server starts here: log policy and Rasa fixes first
        health = Blueprint("health_webhook", __name__)

        @health.route("/", methods=["GET"])
        async def check(request: Request) -> HTTPResponse:
            status, body = await health_report(getattr(request.app.ctx, "agent", None))
            return response.json(body, status=status)

        return health
