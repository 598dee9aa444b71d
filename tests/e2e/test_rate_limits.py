"""Issue 10: rate limits per session and per client address, in both channels, end to end.

- On the shared e2e servers (default RATE_LIMIT_PER_SESSION=20): a burst of 30 messages
  from one conversation gets polite refusals beyond the limit, and another visitor is
  answered quickly meanwhile; the same over socket.io.
- On a Rasa server of its own with low limits (5 per session, 8 per address): addresses
  come from X-Forwarded-For (127.0.0.1 is a trusted proxy), the address limit spans
  sessions and both channels, other addresses are not affected, and each user message
  carries our client_key (a keyed hash of the address), never the client's.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from bot import settings
from bot.serve import Servers, free_port
from bot.web import clients, limits
from tests.e2e.raw_socketio import RawSocket
from tests.e2e.socket_chat import SocketChat

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

QUESTION = ("how are managed services billed?", "subscription")
SECRET = "rate-limit-test-secret"


def rest(url: str, sender: str, message: str, address: str | None = None, **extra) -> requests.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    return requests.post(
        url, json={"sender": sender, "message": message, **extra}, headers=headers, timeout=120
    )


class Chat(SocketChat):
    def __init__(self, url: str, address: str | None = None):
        super().__init__(url, headers={"X-Forwarded-For": address} if address else {})

    def ask(self, message: str) -> str:
        return self.first_reply(message)


def timed_answer(ask) -> float:
    started = time.monotonic()
    answer = ask()
    assert QUESTION[1] in answer, answer
    return time.monotonic() - started


# --- the default per-session limit on the shared servers --------------------------------------
def test_a_rest_burst_is_refused_politely_and_others_stay_responsive(servers):
    flooder = f"flood-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=31) as pool:
        burst = [pool.submit(rest, servers.rest_url, flooder, "hi") for _ in range(30)]
        time.sleep(0.5)  # the burst is in; now a normal visitor asks
        other = timed_answer(
            lambda: " ".join(
                m.get("text", "")
                for m in rest(servers.rest_url, f"calm-{uuid.uuid4().hex[:8]}", QUESTION[0]).json()
            )
        )
        responses = [future.result() for future in burst]
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) >= 10 - 1  # 20 a minute, plus what refilled while the burst arrived
    assert all(r.status_code in (200, 429) for r in responses)
    assert refused[0].json()["message"] == limits.RATE_LIMITED_REPLY
    assert int(refused[0].headers["Retry-After"]) >= 1
    print(f"\nREST burst: {len(refused)} of 30 refused; another visitor answered in {other:.1f} s")
    assert other < 15


def test_a_socket_burst_is_refused_politely_and_others_stay_responsive(servers):
    # one POST per message (python-socketio's client would batch them into one request,
    # and engine.io takes at most 16 packets per request)
    flooder, calm = RawSocket(servers.rasa_url), Chat(servers.rasa_url)
    try:
        flooder.session()
        assert all(flooder.emit("user_uttered", {"message": "hi"}) == 200 for _ in range(30))
        other = timed_answer(lambda: calm.ask(QUESTION[0]))
        flooder._wait(lambda: flooder.texts().count(limits.RATE_LIMITED_REPLY) >= 9, 60)
        polite = flooder.texts().count(limits.RATE_LIMITED_REPLY)
        print(f"\nsocket.io burst: {polite} of 30 refused; another visitor answered in {other:.1f} s")
        assert polite >= 9
        assert other < 15
    finally:
        flooder.close()
        calm.close()


# --- low limits on a server of its own: per address, across sessions and channels ---------------
@pytest.fixture(scope="module")
def limited(e2e_env, servers, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rate-limits")
    env = dict(
        e2e_env,
        TRACKER_DB_URL=f"sqlite:///{folder / 'tracker.db'}",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{servers.action_port}/webhook",
        RATE_LIMIT_PER_SESSION="5",
        RATE_LIMIT_PER_ADDRESS="8",
        WEBCHAT_SESSION_SECRET=SECRET,
    )
    with Servers(
        rasa_port=free_port(),
        action_port=servers.action_port,
        start_actions=False,
        env_overrides=env,
        log_dir=settings.VAR_DIR / "logs" / "e2e",
    ) as running:
        running.tracker_db_url = env["TRACKER_DB_URL"]
        yield running


def test_the_address_limit_spans_sessions_and_channels(limited):
    address, neighbour = "203.0.113.7", "198.51.100.2"
    answered = [rest(limited.rest_url, f"a-{i}-{uuid.uuid4().hex[:6]}", "hi", address) for i in range(6)]
    assert all(r.status_code == 200 and r.json() for r in answered)
    chat = Chat(limited.rasa_url, address)
    try:
        assert chat.ask("hi") != limits.RATE_LIMITED_REPLY  # 7th
        assert chat.ask("hi") != limits.RATE_LIMITED_REPLY  # 8th
        assert chat.ask("hi") == limits.RATE_LIMITED_REPLY  # the address is used up, over socket.io
    finally:
        chat.close()
    refused = rest(limited.rest_url, f"a-new-{uuid.uuid4().hex[:6]}", "hi", address)
    assert refused.status_code == 429 and refused.json()["message"] == limits.RATE_LIMITED_REPLY
    # a different address (and the proxy itself, when it sends no header) is not affected
    assert rest(limited.rest_url, f"b-{uuid.uuid4().hex[:6]}", "hi", neighbour).status_code == 200
    chat = Chat(limited.rasa_url, neighbour)
    try:
        assert chat.ask("hi") != limits.RATE_LIMITED_REPLY
    finally:
        chat.close()


def test_the_session_limit_over_socketio(limited):
    chat = Chat(limited.rasa_url, "192.0.2.44")
    try:
        for _ in range(8):
            chat.send("hi")
        texts = chat.texts(5)
        assert texts.count(limits.RATE_LIMITED_REPLY) == 3  # 5 a minute per session
    finally:
        chat.close()


def test_forwarded_for_counts_only_from_a_trusted_proxy(limited):
    # the client wrote 192.0.2.200 itself; our proxy (127.0.0.1) appended the real 192.0.2.99
    senders = [f"c-{i}-{uuid.uuid4().hex[:6]}" for i in range(9)]
    statuses = [
        rest(limited.rest_url, s, "hi", f"192.0.2.{200 + i}, 192.0.2.99").status_code
        for i, s in enumerate(senders)
    ]
    assert statuses == [200] * 8 + [429]  # one address, whatever the client claims


def _metadata_of(limited, sender: str) -> list[dict]:
    engine = create_engine(limited.tracker_db_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    return [json.loads(row.data).get("metadata") for row in rows]


def test_each_message_carries_our_client_key(limited):
    sender = f"k-{uuid.uuid4().hex[:8]}"
    sent = {"client_key": "forged", "page_url": "javascript:alert(1)", "lead_email": "x@evil.example"}
    assert rest(limited.rest_url, sender, "hi", "192.0.2.77", metadata=sent).status_code == 200
    [metadata] = _metadata_of(limited, sender)  # Rasa may add its own keys (model_id)
    assert metadata["client_key"] == clients.client_key("192.0.2.77", SECRET)
    assert "page_url" not in metadata and "lead_email" not in metadata

    chat = Chat(limited.rasa_url, "192.0.2.78")
    try:
        chat.send("hi", customData={"client_key": "forged", "page_url": "https://example.com/p?email=a@b.c"})
        chat.texts(3)
    finally:
        chat.close()
    [metadata] = _metadata_of(limited, chat.conversation_id)
    assert metadata["client_key"] == clients.client_key("192.0.2.78", SECRET)
    assert metadata["page_url"] == "https://example.com/p"
