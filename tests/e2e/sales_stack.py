"""The assistant with every alert channel on, wired to real local receivers.

A local SMTP server (aiosmtpd) gets the e-mails, one HTTP receiver the Slack-style
messages and another the signed CRM webhook. Databases are fresh SQLite files, so the
report built from them counts only these tests' conversations.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from receivers import HttpReceiver, SmtpReceiver, wait_for

from bot import settings
from bot.serve import Servers, free_port

SECRET = "whsec_" + base64.b64encode(b"e2e-webhook-secret-32-bytes-long").decode()
ROUTING = """
owners:
  anna: {name: Anna Berg, email: anna@consultancy.test}
  ben: {name: Ben Okafor, email: ben@consultancy.test}
  carla: {name: Carla Rossi}
rules:
  - when: {theme: security}
    owner: anna
team: [ben, carla]
"""


@dataclass
class SalesStack:
    servers: Servers
    env: dict[str, str]
    smtp: SmtpReceiver
    slack: HttpReceiver
    hook: HttpReceiver

    def restart_action_server(self) -> None:
        """Kill the action server (and so its outbox worker) hard, then start a new one."""
        old = self.servers.procs[0]
        os.killpg(old.pid, signal.SIGKILL)
        old.wait()
        port = self.servers.action_port
        log = self.servers.log_dir / f"actions-{port}.log"
        env = settings.rasa_env({"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{port}/webhook", **self.env})
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.action_server", "--port", str(port)],
                cwd=settings.ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.servers.procs[0] = proc

        def up() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok
            except requests.RequestException:
                return False

        assert wait_for(up, timeout=120, step=0.5), f"the action server did not come back; see {log}"


@contextmanager
def sales_stack(folder: Path) -> Iterator[SalesStack]:
    from bot.catalogue import loader

    routing = folder / "routing.yml"
    routing.write_text(ROUTING)
    with SmtpReceiver() as smtp, HttpReceiver(path="/slack") as slack, HttpReceiver(path="/crm") as hook:
        env = {
            "SALES_DB_URL": f"sqlite:///{folder / 'sales.db'}",
            "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
            "SALES_ROUTING_FILE": str(routing),
            "SALES_NOTIFY_EMAIL": "sales@consultancy.test",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_FROM": "Website assistant <assistant@consultancy.test>",
            "SALES_SLACK_WEBHOOK_URL": slack.url,
            "SALES_WEBHOOK_URL": hook.url,
            "SALES_WEBHOOK_SECRET": SECRET,
            "SALES_WEBHOOK_FORMAT": "ours",
            "SALES_OUTBOX_INTERVAL": "0.5",
            "SALES_OUTBOX_RETRY_SECONDS": "1",
            "BOOKING_URL_TEMPLATE": "https://cal.example/consultancy/intro?name={name}&email={email}",
            "RATE_LIMIT_PER_ADDRESS": "0",  # every visitor comes from 127.0.0.1
            "LEAD_LIMIT_PER_CLIENT": "100000",  # so every lead has the same client_key
        }
        loader.load_into(env["SALES_DB_URL"])
        servers = Servers(
            rasa_port=free_port(),
            action_port=free_port(),
            env_overrides=env,
            log_dir=settings.VAR_DIR / "logs" / "e2e-sales",
        )
        with servers:
            yield SalesStack(servers, env, smtp, slack, hook)
