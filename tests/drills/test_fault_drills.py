"""Fault drills: break one thing under the running assistant and count the leads lost.

`bot run` (what `make run` starts) serves on free ports with
- the sales database in a PostgreSQL database of its own, reached as a role of its own,
  so the drill can lock that role out and let it in again (the shared server keeps
  running, nobody else is affected);
- the lock store on a Redis server of our own on another port (never the shared one);
- SALES_WEBHOOK_URL pointing at a receiver of ours that is down until the drill starts it;
- short intervals for the spool, the outbox and its back-off, so the drills take seconds.

Each drill submits leads through the REST channel as visitors do and counts those that
do not end up stored (or delivered): the count must be 0. The figures are written to
results/drills.json (`make drills` prints them).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import settings
from bot.serve import free_port
from tests.bot_run import BotRun
from tests.catalogue_prices import SOC, price
from tests.conftest import POSTGRES_URL, postgres_admin, postgres_problem, unavailable
from tests.e2e.conftest import Visitor
from tests.lead_script import CATALOGUE_QUESTION, LEAD_START, lead_answers

SOC_PRICE = price(SOC)

pytestmark = [pytest.mark.drill, pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(900)]

RESULTS = settings.ROOT / "results" / "drills.json"
LOSSES: dict[str, dict[str, int]] = {}
KEPT_REPLY = "kept your details safely"  # utter_lead_queued
UNAVAILABLE_REPLY = "problem on my side"  # utter_unavailable


def wait_for(condition, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def record(drill: str, submitted: int, kept: int) -> None:
    LOSSES[drill] = {"submitted": submitted, "stored": kept, "lost": submitted - kept}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(LOSSES, indent=2) + "\n")


# ----------------------------------------------------------------- the broken parts


class SalesDatabase:
    """A PostgreSQL database and login role of the drill's own; `lock_out` and `let_in`
    make it unavailable to the assistant and available again."""

    def __init__(self, run_id: str):
        self.name = f"drill_{run_id}"
        admin = make_url(POSTGRES_URL)
        self.admin_url = admin.set(database=self.name).render_as_string(hide_password=False)
        self.url = admin.set(database=self.name, username=self.name, password=None).render_as_string(
            hide_password=False
        )

    @staticmethod
    def _admin(sql: str) -> None:
        postgres_admin(sql)

    def create(self) -> None:
        self._admin(f'CREATE ROLE "{self.name}" LOGIN')
        self._admin(f'CREATE DATABASE "{self.name}" OWNER "{self.name}"')

    def lock_out(self) -> None:
        self._admin(f'ALTER ROLE "{self.name}" NOLOGIN')
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.name}'")

    def let_in(self) -> None:
        self._admin(f'ALTER ROLE "{self.name}" LOGIN')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'DROP ROLE IF EXISTS "{self.name}"')

    def incidents(self) -> list[dict]:
        """Every incident with the number of alerts queued for it."""
        engine = create_engine(self.admin_url, future=True)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT i.id, i.closed_at, count(o.id) AS alerts, count(o.delivered_at) AS delivered "
                        "FROM incidents i LEFT JOIN outbox o ON o.incident_id = i.id GROUP BY i.id, i.closed_at"
                    )
                )
                return [dict(row) for row in rows.mappings()]
        finally:
            engine.dispose()

    def leads(self, conversation_id: str) -> list[dict]:
        engine = create_engine(self.admin_url, future=True)
        try:
            with engine.connect() as conn:
                rows = (
                    conn.execute(
                        text(
                            "SELECT l.id, o.delivered_at, o.attempts, o.last_error FROM leads l "
                            "LEFT JOIN outbox o ON o.lead_id = l.id AND o.channel = 'webhook' "
                            "WHERE l.conversation_id = :c"
                        ),
                        {"c": conversation_id},
                    )
                    .mappings()
                    .all()
                )
            return [dict(row) for row in rows]
        finally:
            engine.dispose()


class RedisServer:
    """redis-server on a free port, started and stopped by the drill (never the shared one)."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 20, "our Redis server answers")

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


class WebhookReceiver:
    """The sales webhook: refuses connections until started, then records every POST."""

    def __init__(self):
        self.port = free_port()
        self.posts: list[tuple[str, dict]] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/leads"

    def start(self) -> None:
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                posts.append((self.headers.get("Idempotency-Key", ""), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


# ----------------------------------------------------------------- the assistant


class Assistant(BotRun):
    """`bot run` as `make run` starts it, with its console output collected."""

    def __init__(self, env: dict[str, str]):
        super().__init__([sys.executable, "-m", "bot.cli", "run"], env)
        self.rest_url = f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def action_server(self) -> psutil.Process:
        children = psutil.Process(self.proc.pid).children()
        return next(c for c in children if "bot.action_server" in " ".join(c.cmdline()))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def services():
    problem = postgres_problem()
    if problem:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}")
    if not shutil_which("redis-server"):
        unavailable("redis-server is not installed (apt-get install redis-server)")


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


@pytest.fixture(scope="module")
def sales_db(services):
    from bot.catalogue import loader

    database = SalesDatabase(uuid.uuid4().hex[:10])
    database.create()
    try:
        loader.load_into(database.url)
        yield database
    finally:
        database.let_in()
        database.drop()


@pytest.fixture(scope="module")
def redis_server(services):
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def receiver():
    hook = WebhookReceiver()
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def slack():
    """The operators' Slack-style webhook: incidents (and lead alerts) arrive here."""
    hook = WebhookReceiver()
    hook.start()
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def assistant(sales_db, redis_server, receiver, slack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("drills")
    env = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "ACTION_SERVER_SECRET": uuid.uuid4().hex,
        "SALES_DB_URL": sales_db.url,
        "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": str(redis_server.port),
        "LOCK_STORE_DB": "0",
        "LOCK_STORE_PREFIX": "drills",
        "SALES_WEBHOOK_URL": receiver.url,
        "SALES_SLACK_WEBHOOK_URL": slack.url,
        "SALES_OUTBOX_INTERVAL": "1",
        "SALES_OUTBOX_RETRY_SECONDS": "1",
        "LEAD_SPOOL_DIR": str(folder / "spool"),
        "LEAD_SPOOL_INTERVAL": "2",
        # every drill's visitor comes from 127.0.0.1: one client_key, one address
        "LEAD_LIMIT_PER_CLIENT": "100000",
        "RATE_LIMIT_PER_ADDRESS": "0",
    }
    running = Assistant(env)
    try:
        running.expect(r"The assistant is up", timeout=400)
        running.spool = Path(env["LEAD_SPOOL_DIR"])
        yield running
    finally:
        running.stop()


ANSWERS = lead_answers("{email}")


def fill_form(visitor: Visitor, email: str, answers=ANSWERS) -> None:
    for message, expected in (CATALOGUE_QUESTION, LEAD_START):
        assert expected in visitor.say_text(message)
    for answer, expected in answers:
        reply = visitor.say_text(answer.format(email=email))
        assert expected in reply, f"after {answer!r}: {reply!r}"


# ----------------------------------------------------------------- the drills (in order)


def test_webhook_receiver_down_leads_are_delivered_once_it_is_back(assistant, sales_db, receiver):
    visitor = Visitor(assistant)
    fill_form(visitor, "hook@drill-e2e.com")
    (lead,) = wait_for(lambda: sales_db.leads(visitor.sender), 10, "the lead is stored")
    failed = wait_for(
        lambda: [x for x in sales_db.leads(visitor.sender) if (x["attempts"] or 0) >= 2],
        30,
        "two failed deliveries while the receiver is down",
    )
    assert failed[0]["delivered_at"] is None and failed[0]["last_error"]
    receiver.start()
    wait_for(
        lambda: sales_db.leads(visitor.sender)[0]["delivered_at"], 60, "delivery after the receiver is back"
    )
    time.sleep(4)  # several more worker passes: nothing may be sent twice
    keys = [key for key, _ in receiver.posts]
    assert keys == [f"lead-{lead['id']}"], keys
    record("webhook receiver down", submitted=1, kept=keys.count(f"lead-{lead['id']}"))
    assert LOSSES["webhook receiver down"]["lost"] == 0


def test_sales_database_down_while_a_lead_is_submitted(assistant, sales_db):
    visitor = Visitor(assistant)
    fill_form(visitor, "down@drill-e2e.com", ANSWERS[:-1])
    sales_db.lock_out()
    try:
        reply = visitor.say_text(ANSWERS[-1][0])
        assert KEPT_REPLY in reply, reply  # the visitor is told, and nothing is lost
        assert len(list(assistant.spool.glob("lead-*.json"))) == 1
        time.sleep(5)  # the spool worker tries (and fails) meanwhile
        assert sales_db.leads(visitor.sender) == []
    finally:
        sales_db.let_in()
    wait_for(lambda: sales_db.leads(visitor.sender), 60, "the spooled lead reaches the database")
    wait_for(lambda: not list(assistant.spool.glob("lead-*.json")), 10, "the spool is empty")
    stored = sales_db.leads(visitor.sender)
    record("sales database down", submitted=1, kept=len(stored))
    assert len(stored) == 1


def test_action_server_restarted_mid_form_the_form_resumes(assistant, sales_db):
    visitor = Visitor(assistant)
    fill_form(visitor, "restart@drill-e2e.com", ANSWERS[:5])
    assistant.action_server().kill()  # SIGKILL: no clean shutdown
    # A turn while it is down: the Rasa server still answers (no 5xx), the form waits.
    response = requests.post(
        assistant.rest_url, timeout=60, json={"sender": visitor.sender, "message": ANSWERS[5][0]}
    )
    assert response.status_code == 200
    assistant.expect(r"the action server is back", timeout=120)
    reply = visitor.say_text(ANSWERS[5][0])
    if ANSWERS[5][1] not in reply:  # the turn during the outage was taken after all
        assert ANSWERS[6][1] in reply, reply
    rest = ANSWERS[6:] if ANSWERS[5][1] in reply else ANSWERS[7:]
    for answer, expected in rest:
        text_ = visitor.say_text(answer)
        assert expected in text_, f"after {answer!r}: {text_!r}"
    stored = sales_db.leads(visitor.sender)
    record("action server restarted mid-form", submitted=1, kept=len(stored))
    assert len(stored) == 1


def test_action_server_killed_mid_conversation_never_silent_one_alert(assistant, sales_db, slack):
    """Issue 17: every message gets a non-empty reply while the action server is down, it is back
    within 60 s, catalogue answers return, the lead begun before is stored once, one alert."""
    wait_for(assistant.action_server_answers, 60, "the action server is up")
    before = {i["id"] for i in sales_db.incidents()}
    visitor = Visitor(assistant)
    fill_form(visitor, "outage@drill-e2e.com", ANSWERS[:4])
    assistant.action_server().kill()
    killed = time.monotonic()
    during = [
        "what's the difference between managed services and outsourcing?",  # the article
        "how are managed services billed?",
        "what does soc as a service cost?",  # the catalogue: honestly unavailable
        ANSWERS[4][0],  # the lead form: kept where it was
    ]
    replies = {}
    for message in during:
        other = Visitor(assistant) if message != ANSWERS[4][0] else visitor
        replies[message] = other.say_text(message)
    assert all(text_.strip() for text_ in replies.values()), replies
    assert "Managed services are" in replies[during[0]] and "subscription" in replies[during[1]]
    assert "can't look that up right now" in replies[during[2]]
    assert "can't take that down right now" in replies[during[3]]
    assert Visitor(assistant).say_text("talk to sales").strip()  # a form starting: still a reply
    wait_for(
        assistant.action_server_answers,
        60 - (time.monotonic() - killed),
        "the action server is back within 60 s",
    )
    recovered_in = time.monotonic() - killed
    assert SOC_PRICE in Visitor(assistant).say_text("do you do SOC as a service?")  # catalogue again
    # the lead begun before the crash goes on from where it was (the answer is sent again)
    for answer, expected in ANSWERS[4:]:
        reply = visitor.say_text(answer)
        assert expected in reply, f"after {answer!r}: {reply!r}"
    stored = sales_db.leads(visitor.sender)
    assert len(stored) == 1
    new = [i for i in sales_db.incidents() if i["id"] not in before]
    assert len(new) == 1 and new[0]["alerts"] == 1, new  # one alert for the whole outage
    wait_for(
        lambda: [i for i in sales_db.incidents() if i["id"] == new[0]["id"] and i["closed_at"]],
        30,
        "the incident closed",
    )
    wait_for(
        lambda: any("action server does not answer" in json.dumps(body) for _, body in slack.posts),
        30,
        "the alert reached Slack",
    )
    record("action server killed mid-conversation", submitted=1, kept=len(stored))
    LOSSES["action server killed mid-conversation"]["recovered_in_s"] = round(recovered_in, 1)
    RESULTS.write_text(json.dumps(LOSSES, indent=2) + "\n")


def test_bot_run_restarts_a_dead_child_with_back_off_and_keeps_serving(assistant):
    delays = []
    for _ in range(2):
        wait_for(assistant.action_server_answers, 60, "the action server is up")
        assistant.forget_said()
        assistant.action_server().kill()
        said = assistant.expect(r"the action server exited .*restarting it in (\d+) s", 30)
        delays.append(int(said.group(1)))
        # the health check names what is down while it is (monitoring sees a 503)
        status, body = assistant.health()
        assert status == 503 and body["action_server"] == "down" and body["status"] == "degraded", body
        # meanwhile the Rasa server keeps answering visitors
        assert requests.get(f"http://127.0.0.1:{assistant.rasa_port}/", timeout=10).ok
        reply = requests.post(
            assistant.rest_url,
            json={"sender": f"drill-{uuid.uuid4().hex[:8]}", "message": "hello"},
            timeout=60,
        )
        assert reply.status_code == 200
        assistant.expect(r"the action server is back", timeout=120)
    assert delays[1] > delays[0] >= 1, delays  # back-off grows while failures repeat
    visitor = Visitor(assistant)
    assert SOC_PRICE in visitor.say_text("do you do SOC as a service?")  # custom actions again


def test_redis_down_gives_a_clear_error_a_failing_health_check_and_loses_nothing(
    assistant, sales_db, redis_server
):
    wait_for(assistant.action_server_answers, 60, "the action server is up")  # after the restart drill
    assert assistant.health() == (
        200,
        {"status": "ok", "lock_store": "ok", "tracker_store": "ok", "action_server": "ok"},
    )
    visitor = Visitor(assistant)
    fill_form(visitor, "redis@drill-e2e.com", ANSWERS[:-1])
    redis_server.stop()
    try:
        status, body = assistant.health()
        assert status == 503 and body["lock_store"] == "down" and body["status"] == "unavailable", body
        response = requests.post(
            assistant.rest_url, timeout=60, json={"sender": visitor.sender, "message": ANSWERS[-1][0]}
        )
        assert response.status_code == 200
        assert UNAVAILABLE_REPLY in " ".join(m.get("text", "") for m in response.json())
        assert sales_db.leads(visitor.sender) == []
    finally:
        redis_server.start()
    wait_for(lambda: assistant.health()[0] == 200, 30, "healthy again once Redis is back")
    reply = visitor.say_text(ANSWERS[-1][0])  # the visitor sends it again, as they were asked
    assert ANSWERS[-1][1] in reply, reply
    stored = sales_db.leads(visitor.sender)
    record("redis (lock store) down", submitted=1, kept=len(stored))
    assert len(stored) == 1
