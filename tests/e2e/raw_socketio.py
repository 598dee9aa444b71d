"""A bare socket.io client over engine.io long-polling, for sending what real clients never do.

python-socketio's client only sends well-formed packets and hides the HTTP status of each
request. This one posts any text or bytes as a packet and records every status, so a test
can count the 5xx answers. Protocol: engine.io 4 (packets joined by \\x1e), socket.io 5.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests

RECORD_SEPARATOR = "\x1e"


class RawSocket:
    def __init__(
        self, base_url: str, headers: dict[str, str] | None = None, statuses: list[int] | None = None
    ):
        self.url = base_url.rstrip("/") + "/socket.io/"
        self.http = requests.Session()
        self.http.headers.update(headers or {})
        self.statuses = statuses if statuses is not None else []
        self.events: list[list[Any]] = []  # socket.io events received, [name, *args]
        self.closed = False
        opened = self._request("GET", {"EIO": "4", "transport": "polling"})
        if opened.status_code != 200 or not opened.text.startswith("0"):
            raise ConnectionError(f"handshake failed: {opened.status_code} {opened.text[:200]}")
        self.sid = json.loads(opened.text[1:])["sid"]
        self.post("40")  # connect to the default namespace
        self._wait(lambda: self.connected, 15)

    connected = False

    def _request(
        self, method: str, params: dict, data: Any = None, content_type: str | None = None
    ) -> requests.Response:
        headers = {"Content-Type": content_type} if content_type else {}
        response = self.http.request(method, self.url, params=params, data=data, headers=headers, timeout=40)
        self.statuses.append(response.status_code)
        return response

    def post(self, payload: str | bytes, content_type: str = "text/plain;charset=UTF-8") -> int:
        data = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload
        response = self._request(
            "POST", {"EIO": "4", "transport": "polling", "sid": self.sid}, data, content_type
        )
        if response.status_code >= 400:
            self.closed = True  # engine.io drops a session after a bad packet
        return response.status_code

    def emit(self, event: str, *args: Any) -> int:
        return self.post("42" + json.dumps([event, *args]))

    def poll(self) -> None:
        """One long-poll GET: answers pings, records events."""
        response = self._request("GET", {"EIO": "4", "transport": "polling", "sid": self.sid})
        if response.status_code != 200:
            self.closed = True
            return
        for packet in response.text.split(RECORD_SEPARATOR):
            if packet == "2":
                self.post("3")  # pong
            elif packet == "1":
                self.closed = True
            elif packet.startswith("40"):
                self.connected = True
            elif packet.startswith("42"):
                self.events.append(json.loads(packet[2:]))

    def _wait(self, done, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            if self.closed or time.monotonic() > deadline:
                return False
            self.poll()
        return True

    def wait_for(self, event: str, timeout: float = 30, since: int = 0) -> list[Any] | None:
        """The first `event` received at index >= since (its arguments), waiting up to timeout."""

        def found():
            return next((e[1:] for e in self.events[since:] if e and e[0] == event), None)

        self._wait(lambda: found() is not None, timeout)
        return found()

    def texts(self, since: int = 0) -> list[str]:
        return [
            str(e[1].get("text", ""))
            for e in self.events[since:]
            if e[0] == "bot_uttered" and isinstance(e[1], dict)
        ]

    def session(self) -> str:
        since = len(self.events)
        self.emit("session_request", {})
        confirmed = self.wait_for("session_confirm", 15, since)
        assert confirmed, "no session_confirm"
        return confirmed[0]

    def ask(self, message: str, timeout: float = 60) -> str:
        """Send a message and wait for the first bot text (a question of a normal visitor)."""
        since = len(self.events)
        self.emit("user_uttered", {"message": message})
        self._wait(lambda: any(self.texts(since)), timeout)
        return " ".join(self.texts(since))

    def close(self) -> None:
        if not self.closed:
            try:
                self.post("1")
            except requests.RequestException:
                pass
        self.http.close()
