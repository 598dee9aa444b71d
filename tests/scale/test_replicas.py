"""Scale test: two Rasa replicas behind one action server, conversations hopping between them.

Production runs several Rasa replicas behind a load balancer (deploy/). That only works
when every replica reads and writes the same conversation state: the SQL tracker store
on PostgreSQL, the Redis lock store (so two replicas never process one conversation at
the same time) and one sales database. This test starts

- Rasa replica A and the action server (on free ports),
- Rasa replica B, sharing A's action server,

all on a freshly created PostgreSQL database (tracker store), a fresh PostgreSQL schema
(catalogue + leads) and Redis database 7 under a per-run key prefix. Then 30
conversations, 6 at a time, send every turn to the *other* replica than the previous
one: context-dependent follow-ups ("and outsourcing?", "what about the relationship?"),
a catalogue price follow-up ("how much is it?") and a complete lead form (which takes the
service from the catalogue question) only come out right if the replicas really share
the state. Finally the sales database must hold exactly one lead per conversation, the
tracker database all 30 conversations, and Redis must have seen this run's locks.

PostgreSQL or Redis missing -> skip with the reason; REQUIRE_SERVICES=1 -> fail.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.serve import Servers, free_port, snapshot_model
from tests import lead_script
from tests.catalogue_prices import SOC, price
from tests.conftest import POSTGRES_URL, fresh_database, postgres_admin, postgres_problem, unavailable

SOC_PRICE = price(SOC)

# a hard bound: the whole module (start-up included) normally takes ~3-4 min on 2 shared cores
pytestmark = [pytest.mark.scale, pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(540)]

RASA_PORTS = (free_port(), free_port())
ACTION_PORT = free_port()
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("SCALE_REDIS_DB", "7"))  # nothing else in the project uses it
CONVERSATIONS = 30
PARALLEL = 6

# (message, text every reply must contain). Each block needs the context of the turns
# before it, and every turn goes to the other replica.
KNOWLEDGE = [
    ("how are managed services billed?", "subscription"),
    ("and outsourcing?", "time & material"),  # follow-up: needs the topic from the turn before
]
RELATIONSHIP = [
    ("is outsourcing more reactive?", "reactive"),
    ("what about the relationship?", "transactional"),  # needs "outsourcing" from the turn before
]
CATALOGUE = [
    ("do you do SOC as a service?", SOC_PRICE),
    ("how much is it?", SOC_PRICE),  # "it" = the service found one turn (one replica) ago
]
LEAD_START = [lead_script.LEAD_START]
# The form of tests/e2e/test_rest_lead.py with a unique e-mail per conversation (lead_script).
# It comes after the catalogue question, so the form already knows the service (possibly
# from the other replica) and skips "Which service" and the model question.
LEAD_ANSWERS = lead_script.lead_answers("{email}")
SERVICE = lead_script.SERVICE
TURNS = len(KNOWLEDGE) + len(RELATIONSHIP) + len(CATALOGUE) + len(LEAD_START) + len(LEAD_ANSWERS)


def _redis_client():
    import redis

    return redis.Redis(
        host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=3, socket_timeout=5
    )


def _redis_problem() -> str | None:
    try:
        _redis_client().ping()
        return None
    except Exception as exc:  # driver missing, refused, timeout: all mean "not available"
        detail = str(exc).strip().splitlines()
        return detail[0] if detail else type(exc).__name__


@pytest.fixture(scope="module")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="module")
def services_available():
    problem = postgres_problem()
    if problem:
        unavailable(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}")
    problem = _redis_problem()
    if problem:
        unavailable(f"Redis at {REDIS_HOST}:{REDIS_PORT} is unreachable: {problem}")


@pytest.fixture(scope="module")
def tracker_db_url(services_available, run_id):
    """A freshly created PostgreSQL database for Rasa's tracker store, dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"scale_tracker_{run_id}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sales_db_url(services_available, tmp_path_factory):
    """A fresh PostgreSQL schema with the migrations applied and the catalogue loaded."""
    from bot.catalogue import loader

    with fresh_database("postgres", tmp_path_factory.mktemp("scale-sales")) as url:
        loader.load_into(url)
        yield url


@pytest.fixture(scope="module")
def lock_prefix(services_available, run_id):
    """Rasa wants an alphanumeric prefix; its keys are '<prefix>:lock:<conversation>'."""
    prefix = f"scale{run_id}"
    yield prefix
    client = _redis_client()
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))  # only this run's keys
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def replicas(tracker_db_url, sales_db_url, lock_prefix, tmp_path_factory):
    model = snapshot_model(tmp_path_factory.mktemp("scale-model"))
    env = {
        "SALES_DB_URL": sales_db_url,
        "TRACKER_DIALECT": "postgresql",
        "TRACKER_DB_URL": tracker_db_url,
        "TRACKER_DB_NAME": tracker_db_url.rsplit("/", 1)[-1],
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_HOST": REDIS_HOST,
        "LOCK_STORE_PORT": str(REDIS_PORT),
        "LOCK_STORE_DB": str(REDIS_DB),
        "LOCK_STORE_PREFIX": lock_prefix,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ACTION_PORT}/webhook",
        # 30 conversations from 127.0.0.1: the per-address limit (60/min) would throttle them
        "RATE_LIMIT_PER_ADDRESS": "0",
        "LEAD_LIMIT_PER_CLIENT": "100000",  # 30 leads with the same client_key
    }
    log_dir = tmp_path_factory.mktemp("scale-logs")
    first = Servers(
        rasa_port=RASA_PORTS[0], action_port=ACTION_PORT, model=model, env_overrides=env, log_dir=log_dir
    )
    second = Servers(
        rasa_port=RASA_PORTS[1],
        action_port=ACTION_PORT,
        model=model,
        env_overrides=env,
        log_dir=log_dir,
        start_actions=False,
    )
    # Start both at once (each takes ~30 s of mostly model loading); stop both however it ends.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(s.start, 240) for s in (first, second)]
        errors = [f.exception() for f in futures]
    try:
        if any(errors):
            pytest.fail(f"servers did not start (logs in {log_dir}): {next(e for e in errors if e)}")
        for servers in (first, second):  # a replica without a loaded model answers [] to everything
            reply = requests.post(
                servers.rest_url, json={"sender": f"probe-{servers.rasa_port}", "message": "hi"}, timeout=60
            )
            if not reply.ok or not reply.json():
                pytest.fail(f"{servers.rasa_url} has no working model (logs in {log_dir})")
        print(f"\nreplicas up; logs in {log_dir}")
        yield first, second
    finally:
        second.stop()
        first.stop()


class HoppingVisitor:
    """One conversation whose turns alternate between the replicas."""

    def __init__(self, urls: list[str], sender: str, start: int):
        self.urls = urls
        self.sender = sender
        self.turn = start
        self.transcript: list[tuple[str, str, str]] = []

    def say(self, message: str) -> str:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        response = requests.post(url, json={"sender": self.sender, "message": message}, timeout=60)
        response.raise_for_status()
        reply = " ".join(m.get("text", "") for m in response.json())
        self.transcript.append((url.split(":")[2].split("/")[0], message, reply))
        return reply

    def expect(self, steps, email: str = "") -> None:
        for message, expected in steps:
            reply = self.say(message.format(email=email))
            assert reply.strip(), f"{self.sender}: no reply to {message!r}\n{self.history()}"
            assert (
                expected in reply
            ), f"{self.sender}: after {message!r} expected {expected!r}, got {reply!r}\n{self.history()}"

    def history(self) -> str:
        return "\n".join(f"  [{port}] > {m}\n         < {r}" for port, m, r in self.transcript)


def converse(urls: list[str], sender: str, index: int) -> tuple[str, str]:
    """Knowledge + follow-up and relationship follow-up (in rotating order), catalogue
    question + price follow-up, then the lead form. Returns (e-mail, service) to expect."""
    visitor = HoppingVisitor(urls, sender, start=index)  # half start on A, half on B
    knowledge = [KNOWLEDGE, RELATIONSHIP]
    for block in knowledge[index % 2 :] + knowledge[: index % 2]:
        visitor.expect(block)
    visitor.expect(CATALOGUE)
    email = f"visitor{index}@scale-e2e.com"  # unique within the run's fresh sales schema
    visitor.expect(LEAD_START + LEAD_ANSWERS, email=email)
    return email, SERVICE


class LockSampler(threading.Thread):
    """Counts this run's lock keys in Redis while conversations run: proof locks go there."""

    def __init__(self, prefix: str):
        super().__init__(daemon=True)
        self.prefix = prefix
        self.max_seen = 0
        self.stop_event = threading.Event()

    def run(self) -> None:
        client = _redis_client()
        while not self.stop_event.is_set():
            try:
                seen = sum(1 for _ in client.scan_iter(match=f"{self.prefix}:lock:*", count=200))
                self.max_seen = max(self.max_seen, seen)
            except Exception:  # a sampling hiccup must not fail the test
                pass
            self.stop_event.wait(0.02)


def test_conversations_alternating_replicas_share_state(
    replicas, sales_db_url, tracker_db_url, lock_prefix, run_id
):
    urls = [servers.rest_url for servers in replicas]
    senders = [f"scale-{run_id}-{i:02d}" for i in range(CONVERSATIONS)]

    sampler = LockSampler(lock_prefix)
    sampler.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            expected = dict(
                zip(
                    senders,
                    pool.map(
                        lambda args: converse(urls, *args), zip(senders, range(CONVERSATIONS), strict=False)
                    ),
                    strict=False,
                )
            )
    finally:
        sampler.stop_event.set()
        sampler.join(timeout=5)
    elapsed = time.monotonic() - started
    turns = CONVERSATIONS * TURNS
    print(
        f"{CONVERSATIONS} conversations, {turns} turns over 2 replicas in {elapsed:.1f} s "
        f"({turns / elapsed:.1f} turns/s); max lock keys seen in Redis db {REDIS_DB}: {sampler.max_seen}"
    )

    # Every lead stored exactly once, by conversation, with the e-mail that conversation gave.
    engine = create_engine(sales_db_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT conversation_id, email, service, consent FROM leads "
                    "WHERE conversation_id LIKE :run"
                ),
                {"run": f"scale-{run_id}-%"},
            ).all()
    finally:
        engine.dispose()
    per_conversation: dict[str, list[tuple[str, str]]] = {}
    for conversation_id, email, service, consent in rows:
        assert consent is True
        per_conversation.setdefault(conversation_id, []).append((email, service))
    assert len(rows) == CONVERSATIONS, f"{len(rows)} leads for {CONVERSATIONS} completed forms"
    assert set(per_conversation) == set(senders)
    assert all(len(found) == 1 for found in per_conversation.values()), per_conversation
    assert {sender: found[0] for sender, found in per_conversation.items()} == expected

    # Both replicas wrote to the one shared tracker store.
    engine = create_engine(tracker_db_url, future=True)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT count(DISTINCT sender_id) FROM events WHERE sender_id LIKE :run"),
                {"run": f"scale-{run_id}-%"},
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == CONVERSATIONS

    # The Redis lock store was the one in use (keys appeared under this run's prefix).
    assert sampler.max_seen > 0, "no lock keys ever appeared in Redis: is LOCK_STORE_TYPE=redis honoured?"
    leftover = sum(1 for _ in _redis_client().scan_iter(match=f"{lock_prefix}:*"))
    print(f"lock keys left after the run: {leftover}")
