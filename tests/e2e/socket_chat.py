"""A browser-like web chat client for the end-to-end tests: python-socketio over polling."""

from __future__ import annotations

import queue

import socketio


class SocketChat:
    """One conversation: session_request sent, session_confirm awaited (token, conversation_id)."""

    def __init__(self, url: str, session_request: dict | None = None, headers: dict | None = None):
        self.client = socketio.Client(reconnection=False)
        self.replies: queue.Queue = queue.Queue()
        confirmed: queue.Queue = queue.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", confirmed.put)
        self.client.connect(url, socketio_path="socket.io", transports=["polling"], headers=headers or {})
        self.client.emit("session_request", session_request if session_request is not None else {})
        self.token = confirmed.get(timeout=15)
        self.conversation_id = self.token.partition(".")[0]

    def send(self, message: str, **extra) -> None:
        self.client.emit("user_uttered", {"message": message, **extra})

    def texts(self, quiet: float) -> list[str]:
        """Every bot text that arrives until `quiet` seconds pass without one."""
        found = []
        while True:
            try:
                found.append(self.replies.get(timeout=quiet).get("text", ""))
            except queue.Empty:
                return found

    def first_reply(self, message: str, **extra) -> str:
        self.send(message, **extra)
        return self.replies.get(timeout=60).get("text", "")

    def close(self) -> None:
        self.client.disconnect()
