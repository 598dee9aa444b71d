"""The REST channel (POST /webhooks/rest/webhook), bounded the way the widget's channel is.

REST is for local use, scripts and tests: in production nginx does not expose it, or it
needs REST_TOKEN (`Authorization: Bearer <token>`). Registered in credentials.yml as
`bot.web.rest.RestChannel` instead of Rasa's `rest:`, at the same URL.

Differences from `rasa.core.channels.rest.RestInput`, which answered 500 to an empty,
array or null body, put a request without sender into one shared "default" conversation
and sent a 64 KB message to NLU (issue 10):
- the body must be a JSON object (Content-Type application/json, valid UTF-8): else 4xx;
- `sender` must be 1-64 letters, digits, '-' or '_' (not a web chat id): else 400;
- `message` must be a string: else 400; too long, empty or with unreadable characters
  gets a polite bot message (200) and is not processed;
- `metadata` must be an object of at most 2 KB: else 400; only a valid http(s)
  `page_url` is kept, and `client_key` is always ours (a keyed hash of the address);
- a sender or address over its rate limit gets 429 with Retry-After and a polite text;
- `input_channel` is always "rest", and `?stream=true` is not offered.
Every refusal is a JSON object {"error": code, "message": text}.
"""

from __future__ import annotations

import hmac
import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.web import clients, limits
from bot.web.setup import set_up_channel

logger = logging.getLogger(__name__)


def _refuse(status: int, error: str, message: str, headers: dict | None = None) -> HTTPResponse:
    return response.json({"error": error, "message": message}, status=status, headers=headers)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_body(raw: bytes) -> tuple[dict | None, str | None]:
    """The body as a JSON object, or (None, why not)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the body is not valid UTF-8"
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None, "the body is not valid JSON"
    if not isinstance(body, dict):
        return None, "the body must be a JSON object"
    return body, None


def is_json_request(request: Request) -> bool:
    media_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    # application/json only: a browser page cannot send that cross-origin without a preflight
    return media_type == "application/json"


def bearer_token_matches(request: Request, token: str) -> bool:
    given = request.headers.get("authorization") or ""
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode("utf-8", "replace"), token.encode("utf-8"))


class RestChannel(RestInput):
    """Rasa's REST channel with every input bounded before NLU."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("custom_webhook_RestChannel", __name__)
        setup = set_up_channel(rest)  # the Rasa server starts here: log policy, Rasa fixes, settings
        token = setup.settings.rest_token
        secret, trusted, visitor_limits = setup.secret, setup.trusted, setup.visitor_limits

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if token and not bearer_token_matches(request, token):
                return _refuse(
                    401,
                    "unauthorized",
                    "This endpoint needs 'Authorization: Bearer <token>'.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if not is_json_request(request):
                return _refuse(415, "unsupported_media_type", "Send the body as application/json.")
            body, problem = parse_body(request.body or b"")
            if body is None:
                return _refuse(
                    400, "invalid_body", f"Sorry, {problem}: send " '{"sender": "...", "message": "..."}.'
                )
            sender = body.get("sender")
            problem = limits.sender_refusal(sender)
            if problem or not isinstance(sender, str):
                return _refuse(400, "invalid_sender", problem or "invalid sender")
            text = body.get("message")
            if not isinstance(text, str):
                return _refuse(400, "invalid_message", "'message' is required and must be a string.")
            metadata = body.get("metadata")
            if not limits.metadata_fits(metadata) or isinstance(metadata, str):
                return _refuse(
                    400,
                    "invalid_metadata",
                    limits.METADATA_REPLY
                    + f" 'metadata' must be a JSON object under {limits.MAX_METADATA_BYTES:,} bytes.",
                )
            refusal = limits.message_refusal(text)
            if refusal:
                logger.info("rest: refused a message of %d characters", len(text))
                return response.json([{"recipient_id": sender, "text": refusal}])
            address = clients.client_address(request.ip, request.headers.get("x-forwarded-for"), trusted)
            if not visitor_limits.allow(sender, address):
                wait = visitor_limits.retry_after(sender, address)
                logger.warning("rest: rate limit reached for conversation %s", sender)
                return _refuse(
                    429, "rate_limited", limits.RATE_LIMITED_REPLY, headers={"Retry-After": str(wait)}
                )
            collector = CollectingOutputChannel()
            message = UserMessage(
                limits.clean_message(text),
                collector,
                sender,
                input_channel=self.name(),
                metadata=limits.message_metadata(metadata, clients.client_key(address, secret)),
            )
            try:
                await on_new_message(message)
            except CancelledError:
                logger.error("rest: handling a message for %s timed out", sender)
            except Exception as exc:  # the visitor gets what was said so far, never a 500
                logger.error("rest: handling a message for %s failed: %s", sender, type(exc).__name__)
            return response.json(collector.messages)

        return rest
