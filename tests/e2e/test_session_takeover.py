"""Issue 10: a second socket cannot take over a visitor's web chat conversation.

The attacker knows the visitor's conversation id (it shows in logs, leads and ratings) and
tries it unsigned, with forged signatures, signed with another key and in the messages'
session_id. It never receives the visitor's replies, and nothing it sends lands in the
visitor's conversation (checked in the tracker database). REST cannot write there either.
"""

from __future__ import annotations

import json
import queue
import time

import pytest
import requests
import socketio
from sqlalchemy import create_engine, text

from bot.web import sessions
from tests.e2e.socket_chat import SocketChat

pytestmark = pytest.mark.e2e

QUESTION = ("how are managed services billed?", "subscription")


class Chat(SocketChat):
    def __init__(self, servers, session_request: dict | None = None):
        super().__init__(servers.rasa_url, session_request)

    def ask(self, message: str, **extra) -> str:
        """The reply and whatever follows it within 2 s."""
        first = self.first_reply(message, **extra)
        return " ".join([first, *self.texts(2)])


@pytest.fixture
def visitor(servers):
    chat = Chat(servers)
    yield chat
    chat.close()


def user_texts(e2e_env, conversation_id: str) -> list[str]:
    engine = create_engine(e2e_env["TRACKER_DB_URL"], future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": conversation_id},
            ).all()
    finally:
        engine.dispose()
    return [json.loads(row.data).get("text") for row in rows]


def forged_ids(visitor: Chat) -> list:
    conversation, _, signature = visitor.token.partition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        conversation,  # the id alone, as logs and leads show it
        conversation + "." + flipped,  # a forged signature
        conversation + "." + "A" * 22,
        conversation + "." + sessions._signature(conversation, "not our secret"),  # signed with another key
        visitor.token[:-1],
        visitor.token.upper(),
    ]


def test_a_second_socket_never_gets_the_visitors_conversation(servers, visitor, e2e_env):
    question, expected = QUESTION
    assert expected in visitor.ask(question)
    for forged in forged_ids(visitor):
        attacker = Chat(servers, {"session_id": forged})
        try:
            assert attacker.conversation_id != visitor.conversation_id, forged
            # the attacker names the visitor's conversation in its messages too
            answer = attacker.ask("/deny", session_id=visitor.conversation_id)
            answer += attacker.ask("and outsourcing?", session_id=visitor.token)
            # the visitor talks: the attacker hears nothing of it
            assert visitor.ask("what about the relationship?")
            assert attacker.texts(3) == []
            assert visitor.texts(1) == []  # nor does the visitor hear the attacker's answers
        finally:
            attacker.close()
    mine = user_texts(e2e_env, visitor.conversation_id)
    assert mine == [question] + ["what about the relationship?"] * len(forged_ids(visitor))


def test_a_message_before_a_session_is_refused(servers, e2e_env, visitor):
    client = socketio.Client(reconnection=False)
    replies: queue.Queue = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.connect(servers.rasa_url, socketio_path="socket.io", transports=["polling"])
    try:
        client.emit("user_uttered", {"message": "/deny", "session_id": visitor.conversation_id})
        assert "reload" in replies.get(timeout=15)["text"]
    finally:
        client.disconnect()
    assert user_texts(e2e_env, visitor.conversation_id) == []


def test_the_visitor_resumes_with_its_own_token(servers, visitor):
    assert QUESTION[1] in visitor.ask(QUESTION[0])
    visitor.close()
    again = Chat(servers, {"session_id": visitor.token})  # a reload: the widget sends what it kept
    try:
        assert again.token == visitor.token
        assert "time & material" in again.ask("and outsourcing?")  # the context is still there
    finally:
        again.close()


def test_rest_cannot_write_into_a_web_chat_conversation(servers, visitor, e2e_env):
    for sender in (visitor.conversation_id, visitor.token):
        started = time.monotonic()
        reply = requests.post(servers.rest_url, json={"sender": sender, "message": "/deny"}, timeout=30)
        assert reply.status_code == 400 and time.monotonic() - started < 5
    assert user_texts(e2e_env, visitor.conversation_id) == []
