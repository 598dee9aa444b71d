"""Real servers for end-to-end tests: the trained model, the action server, the Rasa server.

Ports differ from `make run`'s, and the databases live in a temporary folder, so a
developer's running assistant is not disturbed.
"""
from __future__ import annotations

import uuid

import pytest
import requests

from bot import settings
from bot.serve import Servers

RASA_PORT = 15005
ACTION_PORT = 15055


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    return {
        "SALES_DB_URL": f"sqlite:///{folder / 'sales.db'}",
        "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
    }


@pytest.fixture(scope="session")
def servers(e2e_env):
    model = settings.ROOT / "models" / "current.tar.gz"
    if not model.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    with Servers(rasa_port=RASA_PORT, action_port=ACTION_PORT, env_overrides=e2e_env,
                 log_dir=settings.VAR_DIR / "logs" / "e2e") as running:
        yield running


class Visitor:
    """One conversation over the REST channel."""

    def __init__(self, servers: Servers):
        self.url = servers.rest_url
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(self, message: str) -> list[dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": message}, timeout=60)
        response.raise_for_status()
        return response.json()

    def say_text(self, message: str) -> str:
        return " ".join(m.get("text", "") for m in self.say(message))


@pytest.fixture
def visitor(servers):
    return Visitor(servers)
