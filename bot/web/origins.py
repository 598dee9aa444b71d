"""Which web pages may talk to the chat server over socket.io (WIDGET_ALLOWED_ORIGINS).

A browser sends an `Origin` header with every socket.io request (long-polling and the
websocket handshake). python-engineio refuses the request when the origin is not
accepted: with `cors_allowed_origins=None` only the server's own origin is; with a list,
only the list (not even the server's own origin any more). `OriginPolicy` is the callable
we give it instead: the server's own origin (so the demo page keeps working) plus the
origins a company lists, never `*`.

The server's own origin is `scheme://Host`, where the scheme is the first value of
`X-Forwarded-Proto` when a proxy sends one (nginx keeps it only from a trusted TLS
proxy; see deploy/nginx.conf), so `https://chat.example` is accepted behind TLS.
`X-Forwarded-Host` is not honoured (python-engineio's default would): nginx sets `Host`.
What an origin is, and the syntax of the list, live in bot/origin_syntax.py (settings
validates the variable with it without importing web code).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from bot import settings
from bot.origin_syntax import DEFAULT_PORTS, normalise

logger = logging.getLogger(__name__)


def own_origin(environ: Mapping[str, Any]) -> str | None:
    """The chat server's origin as the browser sees it: forwarded scheme + Host header."""
    host = environ.get("HTTP_HOST")
    if not isinstance(host, str) or not host:
        return None
    forwarded = str(environ.get("HTTP_X_FORWARDED_PROTO", "")).split(",")[0].strip().lower()
    scheme = forwarded if forwarded in DEFAULT_PORTS else "http"
    return normalise(f"{scheme}://{host.split(',')[0].strip()}")


class OriginPolicy:
    """python-engineio's `cors_allowed_origins` callable: own origin + the listed ones."""

    def __init__(self, allowed: Iterable[str] = ()):
        self.allowed = frozenset(allowed)

    def __call__(self, origin: str | None, environ: Mapping[str, Any] | None = None) -> bool:
        candidate = normalise(origin) if origin else None
        if candidate is None:
            return False
        if candidate in self.allowed:
            return True
        return environ is not None and candidate == own_origin(environ)

    def allows_request(self, environ: Mapping[str, Any]) -> bool:
        """True for a request without an Origin (not a browser page) or from an accepted one."""
        origin = environ.get("HTTP_ORIGIN")
        return not origin or self(origin, environ)


def policy_from_settings() -> OriginPolicy:
    """The policy for WIDGET_ALLOWED_ORIGINS; SystemExit with a one-line message if invalid."""
    # WIDGET_ALLOWED_ORIGINS is validated with every other setting
    allowed = settings.check_or_exit().widget_allowed_origins
    if allowed:
        logger.info(f"webchat: pages on {len(allowed)} other origin(s) may embed the widget")
    return OriginPolicy(allowed)
