"""Real local receivers for what the outbox sends: an HTTP endpoint and an SMTP server.

Both listen on 127.0.0.1 on a free port, record exactly what arrived (raw bytes), and
can be stopped and started again on the same port to play an outage.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from bot.serve import free_port


class _Receiver:
    """start() and stop(), also as a context manager."""

    def start(self):
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class LocalHttpServer(_Receiver):
    """An HTTP server on 127.0.0.1 at a free port, serving from a thread; handler() answers."""

    def __init__(self):
        self.port = free_port()
        self._server: ThreadingHTTPServer | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class HttpReceiver(LocalHttpServer):
    """Answers the first `failures` posts with 500 (after `hang` seconds, if set), then 200."""

    def __init__(self, failures: int = 0, hang: float = 0.0, path: str = "/hook"):
        super().__init__()
        self.failures, self.hang = failures, hang
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.url = f"http://127.0.0.1:{self.port}{path}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.hang:
                    time.sleep(receiver.hang)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = 500 if len(receiver.received) <= receiver.failures else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler


class _Inbox:
    def __init__(self, receiver: SmtpReceiver):
        self.receiver = receiver

    async def handle_DATA(self, server, session, envelope):
        self.receiver.raw.append(envelope.content)
        self.receiver.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpReceiver(_Receiver):
    """aiosmtpd on 127.0.0.1: every accepted message, as the bytes the server received."""

    def __init__(self):
        self.port = free_port()
        self.raw: list[bytes] = []
        self.recipients: list[list[str]] = []
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.raw]

    def start(self) -> SmtpReceiver:
        self._controller = Controller(_Inbox(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None


def wait_for(condition, timeout: float = 20, step: float = 0.1) -> bool:
    """Poll `condition()` until it is true or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
