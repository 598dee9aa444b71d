"""The widget's transport: socket.io with session persistence delivers replies.

Guards the Rasa 3.6 bug where `sio.enter_room()` is not awaited (python-socketio >= 5.10
made it a coroutine): the visitor never joins the session's room and no reply arrives.
"""

import queue
import uuid

import pytest
import socketio

pytestmark = pytest.mark.e2e


def test_reply_arrives_with_session_persistence(servers):
    client = socketio.Client(reconnection=False)
    replies: queue.Queue = queue.Queue()
    confirmed: queue.Queue = queue.Queue()
    client.on("bot_uttered", lambda data: replies.put(data))
    client.on("session_confirm", lambda data: confirmed.put(data))
    session_id = uuid.uuid4().hex
    client.connect(servers.rasa_url, socketio_path="socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        confirmed.get(timeout=15)
        client.emit("user_uttered", {"message": "how are managed services billed?", "session_id": session_id})
        reply = replies.get(timeout=30)
        assert "subscription" in reply.get("text", "")
    finally:
        client.disconnect()
