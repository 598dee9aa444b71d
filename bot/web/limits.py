"""Every limit on what comes in through a chat channel, and the polite refusals (their texts:
data/messages/<language>.yml, channel.*).

Both channels (bot/web/channel.py for the widget's socket.io, bot/web/rest.py for REST)
check a message here before NLU sees it: NLU memory grows with the square of a message's
length (issue 10: 65,536 characters took ~23 GB), so the length limit is what keeps the
server alive. Bodies over MAX_REQUEST_BYTES never reach a channel: the channels cap the
Rasa server's Sanic REQUEST_MAX_SIZE / WEBSOCKET_MAX_SIZE (bound_sanic) and socket.io's
max_http_buffer_size is the same.

No Rasa import here: bot.settings reads the byte limit from this module.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.text import messages

MAX_MESSAGE_CHARS = 1000
MAX_REQUEST_BYTES = 16 * 1024  # a 1,000-character message is at most ~4 KB of UTF-8
MAX_METADATA_BYTES = 2 * 1024  # the widget sends only the page URL
MAX_URL_CHARS = 500
# Sender ids (REST) and conversation ids: short, and safe in logs, URLs and file names.
SENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Conversation ids of the web chat start with this (bot/web/sessions.py); a REST client
# may not use them, or it could write into a visitor's conversation.
WEBCHAT_ID_PREFIX = "wc-"

# C0 and C1 control characters (terminal escapes included) but tab, newline and return
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

TOO_LONG_REPLY = messages.text("channel.too_long", limit=f"{MAX_MESSAGE_CHARS:,}")
EMPTY_REPLY = messages.text("channel.empty")
NOT_TEXT_REPLY = messages.text("channel.not_text")
UNREADABLE_REPLY = messages.text("channel.unreadable")
METADATA_REPLY = messages.text("channel.metadata")
RATE_LIMITED_REPLY = messages.text("channel.rate_limited")
NO_SESSION_REPLY = messages.text("channel.no_session")


def bound_sanic(config: Any) -> None:
    """Cap the Rasa server's Sanic body and websocket frame sizes at MAX_REQUEST_BYTES.

    Called by the channels' blueprints when the server starts (main_process_start, before
    Sanic builds its protocol), so it holds however the Rasa server is started, and only in
    the Rasa server: the action server (rasa-sdk, also Sanic) receives whole trackers and
    the domain from Rasa, far over 16 KB. A smaller configured value is kept.
    """
    config.REQUEST_MAX_SIZE = min(int(config.REQUEST_MAX_SIZE), MAX_REQUEST_BYTES)
    config.WEBSOCKET_MAX_SIZE = min(int(config.WEBSOCKET_MAX_SIZE), MAX_REQUEST_BYTES)


def message_refusal(text: Any) -> str | None:
    """The polite answer when `text` must not reach NLU; None when it may (after clean_message)."""
    if not isinstance(text, str):
        return NOT_TEXT_REPLY
    if len(text) > MAX_MESSAGE_CHARS:  # before any scan of the text
        return TOO_LONG_REPLY
    if not is_encodable(text):  # lone surrogates ("\ud800" in JSON) break the stores
        return UNREADABLE_REPLY
    if not clean_message(text):
        return EMPTY_REPLY
    return None


REFUSAL_REASONS = {
    TOO_LONG_REPLY: "too long",
    EMPTY_REPLY: "empty",
    NOT_TEXT_REPLY: "not text",
    UNREADABLE_REPLY: "unreadable characters",
    METADATA_REPLY: "metadata not an object or too large",
}


def refusal_reason(refusal: str) -> str:
    """A refusal's reason for the logs (never the visitor's text)."""
    return REFUSAL_REASONS.get(refusal, "refused")


def clean_message(text: str) -> str:
    """The message as NLU, the tracker and the logs get it: control characters become spaces."""
    return CONTROL_CHARACTERS.sub(" ", text).strip()


def is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sender_refusal(sender: Any) -> str | None:
    """Why a client-named sender id is refused (for the REST answer), or None when it is fine."""
    if not isinstance(sender, str) or not sender:
        return "'sender' is required: a string of 1-64 letters, digits, '-' or '_'"
    if not SENDER_ID.fullmatch(sender):
        return "'sender' must be 1-64 letters, digits, '-' or '_'"
    if sender.startswith(WEBCHAT_ID_PREFIX):
        return f"sender ids starting with '{WEBCHAT_ID_PREFIX}' belong to the web chat"
    return None


def metadata_fits(metadata: Any) -> bool:
    """True when the metadata is a JSON object of at most MAX_METADATA_BYTES (absent is fine)."""
    if metadata is None:
        return True
    if isinstance(metadata, str):  # Rasa's socket.io channel accepts metadata as a JSON string
        return len(metadata) <= MAX_METADATA_BYTES and is_encodable(metadata)
    if not isinstance(metadata, dict):
        return False
    try:
        encoded = json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        return False
    return len(encoded) <= MAX_METADATA_BYTES


def page_url(metadata: Any) -> str | None:
    """The http(s) page URL from the client's metadata, without query and fragment."""
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):
            return None
    url = metadata.get("page_url") if isinstance(metadata, dict) else None
    if not isinstance(url, str) or len(url) > 4 * MAX_URL_CHARS or not is_encodable(url):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or CONTROL_CHARACTERS.search(url):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))[:MAX_URL_CHARS]


def message_metadata(metadata: Any, client_key: str) -> dict[str, str]:
    """What a channel passes on with a user message: the page URL if valid and our client key.

    Anything else the client sent is dropped; a client_key it sent is overwritten.
    """
    kept = {"client_key": client_key}
    url = page_url(metadata)
    if url:
        kept["page_url"] = url
    return kept
