"""What an origin is, and the syntax of WIDGET_ALLOWED_ORIGINS: pure parsing, no web code.

bot.settings validates WIDGET_ALLOWED_ORIGINS with `parse_allowed_origins`, and
bot.web.origins compares a browser's `Origin` header with `normalise`; both import it from
here, so settings never imports the web package (which imports settings).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

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

    bot/settings.py's validator calls it, so the message appears as
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
