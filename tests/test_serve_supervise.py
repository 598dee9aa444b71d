"""bot.serve restarts a child that dies, with a growing back-off, instead of stopping.

The children here are small real HTTP servers; tests/drills kills the real action server
under `bot run`.
"""

import sys
import time

import pytest
import requests

from bot import serve
from bot.serve import Child, ServerFailed, Servers, free_port


def http_child(port: int, tmp_path) -> Child:
    return Child(
        "web server",
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        tmp_path / f"web-{port}.log",
        f"http://127.0.0.1:{port}/",
    )


@pytest.fixture
def supervised(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "RESTART_BACKOFF", (0.2, 1.0))
    servers = Servers(log_dir=tmp_path, timeout=30)
    servers._env = {}
    servers.children = [http_child(free_port(), tmp_path)]
    servers._launch(servers.children[0], 0)
    yield servers
    servers.stop()


def supervise_until(servers, said, pattern, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        servers.supervise(say=said.append)
        if any(pattern in line for line in said):
            return
        time.sleep(0.05)
    raise AssertionError(f"never said {pattern!r}: {said}")


def test_a_dead_child_is_restarted_with_growing_back_off(supervised):
    child, said = supervised.children[0], []
    for round_ in range(1, 4):
        supervised.procs[0].kill()
        supervised.procs[0].wait()
        this_round: list[str] = []
        supervise_until(supervised, this_round, "is back")
        said += this_round
        assert requests.get(child.health_url, timeout=5).ok
        assert child.failures == round_
    delays = [
        float(line.split("restarting it in ")[1].split(" s")[0]) for line in said if "restarting" in line
    ]
    assert delays == sorted(delays) and len(delays) == 3


def test_too_many_failures_in_a_row_give_up(supervised, monkeypatch):
    monkeypatch.setattr(serve, "MAX_FAILURES", 1)
    said: list[str] = []
    supervised.procs[0].kill()
    supervised.procs[0].wait()
    supervise_until(supervised, said, "is back")  # failure 1: restarted
    supervised.procs[0].kill()
    supervised.procs[0].wait()
    with pytest.raises(ServerFailed, match="failed 1 times in a row"):
        for _ in range(100):
            supervised.supervise(say=said.append)
            time.sleep(0.05)


def test_back_off_doubles_up_to_its_cap(monkeypatch):
    monkeypatch.setattr(serve, "RESTART_BACKOFF", (1.0, 60.0))
    child = Child("x", [], None, "")
    delays = []
    for failures in range(1, 9):
        child.failures = failures
        delays.append(child.backoff())
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
