"""Real servers for end-to-end tests: the trained model, the action server, the Rasa server.

Ports are free ones picked at start, and the databases live in a temporary folder, so a
developer's running assistant is not disturbed.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import requests

from bot import settings
from bot.serve import Servers, free_port

BOOKING_URL_TEMPLATE = "https://cal.example/consultancy/intro?name={name}&email={email}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def fresh_databases(folder: Path) -> dict[str, str]:
    """SALES_DB_URL and TRACKER_DB_URL: new SQLite files in `folder`, the catalogue loaded."""
    from bot.catalogue import loader

    env = {
        "SALES_DB_URL": f"sqlite:///{folder / 'sales.db'}",
        "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
    }
    loader.load_into(env["SALES_DB_URL"])
    return env


def servers_with(env: dict[str, str], logs: str) -> Servers:
    """The Rasa and action servers on free ports with `env`, logging to var/logs/<logs>."""
    return Servers(
        rasa_port=free_port(),
        action_port=free_port(),
        env_overrides=env,
        log_dir=settings.VAR_DIR / "logs" / logs,
    )


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory):
    return {
        **fresh_databases(tmp_path_factory.mktemp("e2e")),
        # qualified leads are offered this meeting link (the widget test clicks it)
        "BOOKING_URL_TEMPLATE": BOOKING_URL_TEMPLATE,
        # Every e2e visitor comes from 127.0.0.1: the per-address limit (60/min) is off here;
        # the per-session limit keeps its default. test_rate_limits.py tests both.
        "RATE_LIMIT_PER_ADDRESS": "0",
        # ... and so every lead has the same client_key: the per-client lead throttle (5 an
        # hour) is raised; test_sales_throttle.py and the form tests cover it
        "LEAD_LIMIT_PER_CLIENT": "100000",
    }


@pytest.fixture(scope="session")
def servers(e2e_env):
    model = settings.ROOT / "models" / "current.tar.gz"
    if not model.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    with servers_with(e2e_env, "e2e") as running:
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


def bot_command(env: dict[str, str]):
    """Run the `bot` console command against the databases in `env`."""
    import json
    import subprocess

    def run(*args: str, as_json: bool = False):
        done = subprocess.run(
            [str(settings.ROOT / ".venv" / "bin" / "bot"), *args],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if as_json else done.stdout

    return run


def leads_of(cli, conversation_id: str) -> list[dict]:
    """The leads `bot leads list` shows for one conversation (`cli`: a bot_command)."""
    return [
        lead
        for lead in cli("leads", "list", "--json", as_json=True)
        if lead["conversation_id"] == conversation_id
    ]


@pytest.fixture
def bot_cli(e2e_env):
    """Run the `bot` console command against the end-to-end databases."""
    return bot_command(e2e_env)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (no browser download: `make chromium` installs it)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} not found: apt-get install -y chromium"
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sales_stack(tmp_path_factory):
    """Servers with e-mail, Slack-style and CRM webhook alerts on, and the receivers that get them."""
    from sales_stack import sales_stack as start

    with start(tmp_path_factory.mktemp("sales")) as stack:
        yield stack


@pytest.fixture(scope="session")
def embedding(tmp_path_factory):
    """Servers with WIDGET_ALLOWED_ORIGINS set, and two host sites (allowed, not allowed).

    The list also has an https origin that only a TLS proxy in front of nginx would serve.
    """
    from types import SimpleNamespace

    from host_site import CUSTOMER_HTTPS_ORIGIN, HostSite

    allowed, other = HostSite("Allowed customer site").start(), HostSite("Some other site").start()
    env = {
        **fresh_databases(tmp_path_factory.mktemp("embedding")),
        "WIDGET_ALLOWED_ORIGINS": f"{allowed.origin},{CUSTOMER_HTTPS_ORIGIN}",
    }
    try:
        with servers_with(env, "e2e-embedding") as running:
            allowed.chat_server = other.chat_server = running.rasa_url
            yield SimpleNamespace(servers=running, allowed=allowed, other=other)
    finally:
        allowed.stop()
        other.stop()
