"""The website chat widget's channel: Rasa's socket.io channel plus the widget's files.

Registered in credentials.yml as `bot.web.channel.WebChatInput`; Rasa mounts the
blueprint at /webhooks/webchat/ and socket.io at `socketio_path` (/socket.io). The demo
page, the widget and its transport share one origin; a company's own site embeds the
widget with one script tag when its origin is in WIDGET_ALLOWED_ORIGINS (bot/web/origins.py).

Differences from `rasa.core.channels.socketio.SocketIOInput`:
- `sio.enter_room()` is awaited when it returns a coroutine (python-socketio >= 5.10);
  Rasa 3.6 forgets to, and with session persistence no reply would reach the widget;
- socket.io accepts browsers on its own origin and on WIDGET_ALLOWED_ORIGINS only;
- user messages over MAX_MESSAGE_CHARS are refused with a bot message, not processed;
- only the page URL (without query string or fragment) is kept from the metadata;
- GET routes serve the demo page, the privacy notice and the widget's static files.
"""
from __future__ import annotations

import inspect
import json
import logging
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import urlsplit, urlunsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import rasa_fixes
from bot.sales import logsafe
from bot.web import origins

logger = logging.getLogger(__name__)
# The Rasa server imports this channel at start-up: from then on its log records have
# e-mail addresses and phone numbers masked (debug logs carry the visitors' messages).
logsafe.install()
rasa_fixes.apply()

STATIC = Path(__file__).parent / "static"
MAX_MESSAGE_CHARS = 1000
TOO_LONG_REPLY = (
    f"Sorry, that message is too long for me: please keep it under {MAX_MESSAGE_CHARS:,} "
    "characters, or ask one question at a time."
)
MAX_URL_CHARS = 500

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
        "vendor/socket.io.min.js", "application/javascript; charset=utf-8", False,
    ),
}


def page_url(metadata: Any) -> Optional[str]:
    """The http(s) page URL from the widget's metadata, without query and fragment."""
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    url = metadata.get("page_url") if isinstance(metadata, dict) else None
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))[:MAX_URL_CHARS]


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):
        await result


class WebChatInput(SocketIOInput):
    """socket.io channel for the website widget, mounted at /webhooks/webchat/."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
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
        self.sio = sio
        namespace = self.namespace

        async def say(room: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=namespace)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            if not origin_policy.allows_request(environ):  # engineio checked it already
                logger.info("webchat: refused a socket from a page on another origin")
                return False
            logger.debug(f"User {sid} connected to the webchat socket.")
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not 0 < len(session_id) <= 64:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await _maybe_await(sio.enter_room(sid, session_id, namespace=namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            data = data if isinstance(data, dict) else {}
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not isinstance(sender_id, str) or not sender_id:
                    logger.warning("webchat: message without a session_id ignored")
                    return
            else:
                sender_id = sid
            text = data.get("message", "")
            if not isinstance(text, str):
                return
            if len(text) > MAX_MESSAGE_CHARS:
                logger.info(f"webchat: refused a message of {len(text)} characters")
                await say(sid, TOO_LONG_REPLY)  # only to the socket that sent it
                return
            url = page_url(data.get(self.metadata_key))
            message = UserMessage(
                text,
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata={"page_url": url} if url else None,
            )
            await on_new_message(message)

        @webchat.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        def serve(path: Text, content_type: Text, is_page: bool) -> Callable:
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
