"""/webhooks/health/ names each part that is down, and answers 503 when any is (bot/web/health.py).

The stores and the action server are stand-ins here: a real HTTP server for the action
server's /health, objects that fail like Redis and SQLAlchemy do. tests/e2e and tests/drills
check the endpoint on the real servers.
"""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from bot.serve import free_port
from bot.web import health


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def action_server():
    """An HTTP server answering GET /health, as rasa-sdk's does; yields its webhook URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    server.shutdown()
    server.server_close()


class Unreachable:
    """A store whose server is gone: Redis's ping and SQLAlchemy's connect fail as theirs do."""

    def ping(self):
        raise ConnectionError("Connection refused")

    def connect(self):
        raise OSError("could not connect to server")


REDIS_UP = SimpleNamespace(ping=lambda: True)


def agent(action_url: str | None, lock_up: bool = True, tracker_up: bool = True, ready: bool = True):
    return SimpleNamespace(
        is_ready=lambda: ready,
        lock_store=SimpleNamespace(red=REDIS_UP if lock_up else Unreachable()),
        # a tracker store without an engine (the in-memory one) is "ok"; with one, it is asked
        tracker_store=SimpleNamespace(engine=None if tracker_up else Unreachable()),
        action_endpoint=SimpleNamespace(url=action_url) if action_url else None,
    )


def report(agent_):
    return asyncio.run(health.health_report(agent_))


def test_everything_up_is_200_ok(action_server):
    assert report(agent(action_server)) == (
        200,
        {"status": "ok", "lock_store": "ok", "tracker_store": "ok", "action_server": "ok"},
    )


def test_action_server_unreachable_is_503_degraded_naming_it():
    dead = f"http://127.0.0.1:{free_port()}/webhook"
    assert report(agent(dead)) == (
        503,
        {"status": "degraded", "lock_store": "ok", "tracker_store": "ok", "action_server": "down"},
    )


def test_action_server_answering_an_error_is_down(action_server):
    _Health.status = 500  # up, but refusing: not "ok" either
    try:
        status, body = report(agent(action_server))
    finally:
        _Health.status = 200
    assert status == 503 and body["action_server"] == "down" and body["status"] == "degraded"


@pytest.mark.parametrize(
    "lock_up, tracker_up, down",
    [(False, True, "lock_store"), (True, False, "tracker_store"), (False, False, "both")],
)
def test_a_store_down_is_503_unavailable_whatever_the_action_server(action_server, lock_up, tracker_up, down):
    status, body = report(agent(action_server, lock_up=lock_up, tracker_up=tracker_up))
    assert status == 503 and body["status"] == "unavailable"
    assert body["action_server"] == "ok"
    expected = {"lock_store", "tracker_store"} if down == "both" else {down}
    assert {part for part, state in body.items() if state == "down"} == expected


def test_without_an_action_endpoint_it_is_not_reported():
    assert report(agent(None)) == (200, {"status": "ok", "lock_store": "ok", "tracker_store": "ok"})


def test_a_model_still_loading_is_503_starting():
    assert report(agent(None, ready=False)) == (503, {"status": "starting"})
    assert report(None) == (503, {"status": "starting"})


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:5055/webhook", "http://127.0.0.1:5055/health"),
        ("http://actions-1:5055/webhook", "http://actions-1:5055/health"),
        ("https://actions.internal/webhook?x=1", "https://actions.internal/health"),
    ],
)
def test_the_action_servers_health_url_is_beside_its_webhook(url, expected):
    assert health.action_health_url(SimpleNamespace(url=url)) == expected
    assert health.action_health_url(None) is None
