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
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_ORIGIN_CHARS = 300  # an Origin header longer than this is no origin we list
# DNS names (letters, digits, hyphens; dot-separated labels) and IPv4 addresses
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


class OriginError(ValueError):
    """A WIDGET_ALLOWED_ORIGINS entry that is not one explicit origin."""


def normalise(origin: str) -> str | None:
    """`scheme://host[:port]` in the form browsers send it, or None when it is not one.

    Lower case, no default port, no path, query, fragment or user name; a trailing `/`
    is forgiven. A bracketed IPv6 address is kept as it is.
    """
    if not isinstance(origin, str) or not origin or len(origin) > MAX_ORIGIN_CHARS:
        return None
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in DEFAULT_PORTS or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if parts.username is not None or "?" in origin or "#" in origin:
        return None
    if ":" in host:  # IPv6: urlsplit only accepts it in brackets
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    elif not _HOST_NAME.match(host):
        return None
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def parse_allowed_origins(text: str | None) -> frozenset[str]:
    """The origins in a comma-separated list; OriginError (one line) for `*` or a bad entry.

    settings.py's validator calls it, so the message appears as
    `configuration error: WIDGET_ALLOWED_ORIGINS: '*' is refused: ...`.
    """
    origins = set()
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        if "*" in entry:
            raise OriginError(
                f"{entry[:80]!r} is refused: list each origin that may embed the widget, "
                "e.g. https://www.example.com"
            )
        origin = normalise(entry)
        if origin is None:
            raise OriginError(
                f"{entry[:80]!r} is not an origin: write scheme://host[:port], "
                "e.g. https://www.example.com (no path)"
            )
        origins.add(origin)
    return frozenset(origins)


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
    from bot import settings

    settings.check_or_exit()  # WIDGET_ALLOWED_ORIGINS is validated with every other setting
    allowed = settings.widget_allowed_origins()
    if allowed:
        logger.info(f"webchat: pages on {len(allowed)} other origin(s) may embed the widget")
    return OriginPolicy(allowed)
