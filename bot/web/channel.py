"""The website chat widget's channel: Rasa's socket.io channel plus the widget's files.

Registered in credentials.yml as `bot.web.channel.WebChatInput`; Rasa mounts the
blueprint at /webhooks/webchat/ and socket.io at `socketio_path` (/socket.io). The demo
page, the widget and its transport share one origin; a company's own site embeds the
widget with one script tag when its origin is in WIDGET_ALLOWED_ORIGINS (bot/web/origins.py).
Importing it changes nothing; its blueprint(), built at the Rasa server's start, installs what
that process needs first (bot/web/setup.py: the log policy, the Rasa fixes, the settings).

Differences from `rasa.core.channels.socketio.SocketIOInput`:
- `sio.enter_room()` is awaited when it returns a coroutine (python-socketio >= 5.10);
  Rasa 3.6 forgets to, and with session persistence no reply would reach the widget;
- socket.io accepts browsers on its own origin and on WIDGET_ALLOWED_ORIGINS only;
- session ids are issued and signed by the server (bot/web/sessions.py): a client that
  presents anything but a token we signed gets a new session, and the socket's messages
  go to the session it joined, whatever session_id they name;
- every message is checked against bot/web/limits.py (too long, not text, unreadable,
  empty, oversized metadata: a polite bot message, not processed) and the rate limits
  (bot/web/ratelimit.py) before NLU; socket.io packets over MAX_REQUEST_BYTES, and
  malformed ones, are refused (bot/web/packets.py);
- only the page URL (without query string or fragment) is kept from the metadata, plus
  our `client_key` (a keyed hash of the client's address) for the lead throttle;
- GET routes serve the demo page, the privacy notice and the widget's static files.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.web import clients, limits, origins, packets, sessions
from bot.web.limits import MAX_MESSAGE_CHARS, TOO_LONG_REPLY, page_url  # noqa: F401 (used by tests)
from bot.web.setup import set_up_channel

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

# URL path under /webhooks/webchat/ -> (file under static/, content type, is a page)
FILES = {
    "/": ("index.html", "text/html; charset=utf-8", True),
    "/privacy": ("privacy.html", "text/html; charset=utf-8", True),
    "/widget.js": ("widget.js", "application/javascript; charset=utf-8", False),
    "/widget.css": ("widget.css", "text/css; charset=utf-8", False),
    "/page.css": ("page.css", "text/css; charset=utf-8", False),
    "/vendor/socket.io.min.js": (
        "vendor/socket.io.min.js",
        "application/javascript; charset=utf-8",
        False,
    ),
}


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class WebChatInput(SocketIOInput):
    """socket.io channel for the website widget, mounted at /webhooks/webchat/."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = dict(credentials or {})
        credentials.setdefault("metadata_key", "customData")
        if credentials.get("jwt_key"):
            raise ValueError("WebChatInput does not support jwt_key; use socketio instead")
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # pages on this server's own origin and on WIDGET_ALLOWED_ORIGINS only (never *);
        # an invalid setting stops the server at start-up with a one-line error
        origin_policy = origins.policy_from_settings()
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origin_policy)
        webchat = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        setup = set_up_channel(webchat)  # the Rasa server starts here: log policy, Rasa fixes
        secret, trusted, visitor_limits = setup.secret, setup.trusted, setup.visitor_limits
        self.sio = sio
        sio.eio.max_http_buffer_size = limits.MAX_REQUEST_BYTES  # larger packets: 400, socket closed
        packets.guard(sio)  # malformed packets refused before engineio/socketio parse them
        namespace = self.namespace

        async def say(room: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=namespace)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if not origin_policy.allows_request(environ):  # engineio checked it already
                logger.info("webchat: refused a socket from a page on another origin")
                return False
            logger.debug(f"User {sid} connected to the webchat socket.")
            return True

        def client_of(sid: str) -> str:
            """The socket's client address (its handshake request's peer, or X-Forwarded-For)."""
            environ = sio.get_environ(sid, namespace=namespace) or {}
            request = environ.get("sanic.request")  # engineio's REMOTE_ADDR is always 127.0.0.1
            if request is None:
                return clients.UNKNOWN
            return clients.client_address(request.ip, request.headers.get("x-forwarded-for"), trusted)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None, *_extra: Any) -> None:
            # Only a token we signed resumes a conversation; anything else gets a new session.
            token = data.get("session_id") if isinstance(data, dict) else None
            session = sessions.resume_or_new(token, secret)
            async with sio.session(sid, namespace=namespace) as state:
                previous = state.get("conversation_id")
                state["conversation_id"] = session.conversation_id
                state.setdefault("address", client_of(sid))
            if self.session_persistence:
                if previous and previous != session.conversation_id:
                    await _maybe_await(sio.leave_room(sid, previous, namespace=namespace))
                await _maybe_await(sio.enter_room(sid, session.conversation_id, namespace=namespace))
            await sio.emit("session_confirm", session.token, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None, *_extra: Any) -> None:
            data = data if isinstance(data, dict) else {}
            state = await sio.get_session(sid, namespace=namespace)
            address = state.get("address") or client_of(sid)
            if self.session_persistence:
                # The session this socket joined; a session_id in the message is never trusted.
                sender_id = state.get("conversation_id")
                if not sender_id:
                    logger.info("webchat: a message before session_request refused")
                    await say(sid, limits.NO_SESSION_REPLY)
                    return
            else:
                sender_id = sid
            text = data.get("message")
            metadata = data.get(self.metadata_key)
            refusal = limits.message_refusal(text)
            if refusal is None and not limits.metadata_fits(metadata):
                refusal = limits.METADATA_REPLY
            if refusal or not isinstance(text, str):
                refusal = refusal or limits.NOT_TEXT_REPLY
                logger.info("webchat: refused a message (%s)", limits.refusal_reason(refusal))
                await say(sid, refusal)  # only to the socket that sent it
                return
            if not visitor_limits.allow(sender_id, address):
                logger.warning("webchat: rate limit reached for conversation %s", sender_id)
                await say(sid, limits.RATE_LIMITED_REPLY)
                return
            message = UserMessage(
                limits.clean_message(text),
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=limits.message_metadata(metadata, clients.client_key(address, secret)),
            )
            await on_new_message(message)

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        def serve(path: str, content_type: str, is_page: bool) -> Callable:
            async def handler(_: Request) -> HTTPResponse:
                try:
                    body = (STATIC / path).read_bytes()
                except FileNotFoundError:
                    logger.error(f"webchat: {STATIC / path} missing (run bot/web/build.sh)")
                    return response.text("not found", status=404)
                headers = dict(COMMON_HEADERS)
                if is_page:
                    headers["Content-Security-Policy"] = PAGE_CSP
                    headers["Cache-Control"] = "no-cache"
                else:  # the widget's files load into pages on other origins (script tag)
                    headers["Cross-Origin-Resource-Policy"] = "cross-origin"
                return response.raw(body, content_type=content_type, headers=headers)

            return handler

        for route, (path, content_type, is_page) in FILES.items():
            name = "file_" + path.replace("/", "_").replace(".", "_")
            webchat.add_route(serve(path, content_type, is_page), route, methods=["GET"], name=name)

        return webchat
