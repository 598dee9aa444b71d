"""bot/web/ratelimit.py: token buckets per session and per address, with bounded memory."""

from __future__ import annotations

from bot.web.ratelimit import TokenBuckets, VisitorLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_message_per_interval():
    clock = Clock()
    limits = VisitorLimits(per_session=6, per_address=0, clock=clock)
    assert [limits.allow("s", "a") for _ in range(8)] == [True] * 6 + [False] * 2
    assert limits.retry_after("s", "a") == 10  # 6 a minute: one every 10 s
    clock.now += 9.9
    assert not limits.allow("s", "a")
    clock.now += 0.2
    assert limits.allow("s", "a")
    assert not limits.allow("s", "a")
    clock.now += 3600  # refills up to the burst, not beyond
    assert [limits.allow("s", "a") for _ in range(7)] == [True] * 6 + [False]


def test_one_session_over_its_limit_leaves_others_alone():
    clock = Clock()
    limits = VisitorLimits(per_session=3, per_address=10, clock=clock)
    assert [limits.allow("flood", "203.0.113.7") for _ in range(50)].count(True) == 3
    # the refused 47 took nothing from the address: the neighbour behind it still has 7
    assert [limits.allow("neighbour", "203.0.113.7") for _ in range(8)] == [True] * 3 + [False] * 5
    assert limits.allow("other", "198.51.100.1")


def test_the_address_limit_spans_sessions():
    clock = Clock()
    limits = VisitorLimits(per_session=3, per_address=5, clock=clock)
    allowed = [limits.allow(f"session-{i}", "203.0.113.7") for i in range(10)]
    assert allowed == [True] * 5 + [False] * 5
    assert limits.allow("session-x", "198.51.100.1")


def test_zero_turns_a_limit_off():
    limits = VisitorLimits(per_session=0, per_address=0, clock=Clock())
    assert all(limits.allow("s", "a") for _ in range(10_000))
    assert len(limits.sessions) == 0 and len(limits.addresses) == 0


def test_memory_is_bounded():
    clock = Clock()
    buckets = TokenBuckets(per_minute=5, max_keys=100, clock=clock)
    for i in range(10_000):
        buckets.take(f"key-{i}", clock())
    assert len(buckets) == 100
    # the most recent keys are the ones kept
    assert buckets.tokens("key-9999", clock()) == 4 and buckets.tokens("key-0", clock()) == 5


def test_from_settings(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_SESSION", "7")
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS", "0")
    limits = VisitorLimits.from_settings()
    assert limits.sessions.capacity == 7 and not limits.addresses.enabled
