"""Who is on the other end: the client's address and the keyed hash the lead throttle uses.

The address is the TCP peer's, unless the peer is a trusted proxy (TRUSTED_PROXIES,
default the local nginx on 127.0.0.1): then the right-most address in X-Forwarded-For
that is not a trusted proxy. A client can put anything in that header, so nothing left
of the first untrusted hop counts, and an unparsable entry stops the walk.

IPv6 addresses are grouped by their /64 network: one household or server gets a whole
/64, so per-address limits on single IPv6 addresses would be no limit at all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Sequence
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_FORWARDED_CHARS = 1000  # X-Forwarded-For is read from its end, at most this much
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES entries as networks; a bad entry is a start-up error, not ignored."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    """The client's address as a string (an IPv6 one as its /64 network)."""
    networks = trusted_networks(tuple(trusted))
    current = _parse(peer or "")
    if current is None:
        return UNKNOWN

    def is_trusted(address) -> bool:
        return any(address.version == net.version and address in net for net in networks)

    if forwarded_for and is_trusted(current):
        for hop in reversed(forwarded_for[-MAX_FORWARDED_CHARS:].split(",")):
            address = _parse(hop)
            if address is None:
                break  # garbage (or cut by the length bound): trust nothing further left
            current = address
            if not is_trusted(address):
                break
    if isinstance(current, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{current}/64", strict=False))
    return str(current)


def client_key(address: str, secret: str) -> str:
    """A keyed hash of the address: the lead throttle can count per client without storing IPs."""
    digest = hmac.new(secret.encode("utf-8"), b"client-key\0" + address.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]
