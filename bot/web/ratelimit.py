"""In-process rate limits on visitors' messages: token buckets per session and per address.

Each key (a conversation id, a client address) has a bucket of `per_minute` tokens that
refills at `per_minute` tokens a minute: a burst of that many messages goes through, then
one every 60/per_minute seconds. A message over the limit gets a polite answer from the
channel and never reaches NLU or the conversation lock, so a flood from one visitor costs
the others next to nothing.

Memory is bounded: at most `max_keys` buckets per limit, the least recently used dropped
first (an idle bucket is full again after a minute, so dropping it forgets nothing that
matters). Limits are per process: with N Rasa replicas behind a load balancer a client
may get up to N times as much, which nginx's limit_req in front bounds again.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.settings import get_settings

DEFAULT_MAX_KEYS = 20_000


class TokenBuckets:
    """One token bucket per key; per_minute 0 means no limit."""

    def __init__(
        self, per_minute: int, max_keys: int = DEFAULT_MAX_KEYS, clock: Callable[[], float] = time.monotonic
    ):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def tokens(self, key: str, now: float) -> float:
        if key not in self._buckets:
            return self.capacity
        level, at = self._buckets[key]
        return min(self.capacity, level + (now - at) * self.rate)

    def has_token(self, key: str, now: float) -> bool:
        return not self.enabled or self.tokens(key, now) >= 1.0

    def take(self, key: str, now: float) -> None:
        if not self.enabled:
            return
        self._buckets[key] = (self.tokens(key, now) - 1.0, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def wait_seconds(self, key: str, now: float) -> float:
        """Seconds until the key has a token again."""
        missing = 1.0 - self.tokens(key, now)
        return 0.0 if missing <= 0 or not self.rate else missing / self.rate


class VisitorLimits:
    """The per-session and the per-address limit, checked together."""

    def __init__(
        self,
        per_session: int,
        per_address: int,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.sessions = TokenBuckets(per_session, max_keys, clock)
        self.addresses = TokenBuckets(per_address, max_keys, clock)
        self.clock = clock

    @classmethod
    def from_settings(cls) -> VisitorLimits:
        current = get_settings()
        return cls(current.rate_limit_per_session, current.rate_limit_per_address)

    def allow(self, session: str, address: str) -> bool:
        """True (and one token taken from each bucket) when both limits let the message through.

        A refused message takes nothing, so a session over its limit does not also use up
        its address's tokens (others behind the same address keep theirs).
        """
        now = self.clock()
        if not (self.sessions.has_token(session, now) and self.addresses.has_token(address, now)):
            return False
        self.sessions.take(session, now)
        self.addresses.take(address, now)
        return True

    def retry_after(self, session: str, address: str) -> int:
        """Whole seconds until a refused visitor may send again (for Retry-After)."""
        now = self.clock()
        wait = max(self.sessions.wait_seconds(session, now), self.addresses.wait_seconds(address, now))
        return max(1, math.ceil(wait))


_shared: VisitorLimits | None = None


def shared() -> VisitorLimits:
    """The Rasa server's limits, shared by its channels (a visitor's address is one address)."""
    global _shared
    if _shared is None:
        _shared = VisitorLimits.from_settings()
    return _shared
