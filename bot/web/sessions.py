"""Server-issued, signed session ids for the web chat.

A session has two parts:
- the conversation id, `wc-` + 32 random hex digits: Rasa's sender id, the socket.io room,
  the `conversation_id` of leads and ratings (so it shows in logs and in sales tools);
- the token the widget keeps, `<conversation id>.<signature>`, where the signature is an
  HMAC-SHA256 of the conversation id under WEBCHAT_SESSION_SECRET (128 bits, base64url).

Only a valid token resumes a conversation: knowing a conversation id (from a log, a lead
or a guess) is not enough, and a client that presents anything else gets a new session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from bot.web.limits import WEBCHAT_ID_PREFIX

CONVERSATION_ID = re.compile(re.escape(WEBCHAT_ID_PREFIX) + r"[0-9a-f]{32}")
SIGNATURE_BYTES = 16
MAX_TOKEN_CHARS = 80  # a token is 58 characters; longer input is not even hashed
_LABEL = b"webchat-session\0"


@dataclass(frozen=True)
class Session:
    conversation_id: str  # the sender id Rasa sees
    token: str  # what the client keeps and presents to resume


def _signature(conversation_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), _LABEL + conversation_id.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:SIGNATURE_BYTES]).rstrip(b"=").decode("ascii")


def new_session(secret: str) -> Session:
    conversation_id = WEBCHAT_ID_PREFIX + secrets.token_hex(16)
    return Session(conversation_id, f"{conversation_id}.{_signature(conversation_id, secret)}")


def verify(token: Any, secret: str) -> Session | None:
    """The session a token stands for when we signed it; None for anything else."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return None
    conversation_id, dot, signature = token.partition(".")
    if not dot or not CONVERSATION_ID.fullmatch(conversation_id):
        return None
    expected = _signature(conversation_id, secret)
    if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected.encode("ascii")):
        return None
    return Session(conversation_id, token)


def resume_or_new(token: Any, secret: str) -> Session:
    """The session the client's token stands for, or a new one."""
    return verify(token, secret) or new_session(secret)
