"""bot.serve's stopping machinery, on small real processes (tests/e2e/test_bot_run_lifecycle.py
stops the real `make run` / `bot run`).

- a stop request is a flag that every wait checks: a child being launched is stopped and
  nothing is left;
- a signal handler never raises (it cannot land between starting a child and recording it),
  and a signal ignored on entry (nohup) stays ignored;
- the parent going away is noticed;
- on Linux a child dies with the process that started it, even when that one is SIGKILLed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from bot import serve
from bot.serve import Child, ServerFailed, Servers, Stopped, StopRequest, free_port, port_in_use


def sleeper(tmp_path, port: int) -> Child:
    """A child that never answers on its health URL (a server still loading its model)."""
    return Child(
        "slow server",
        [sys.executable, "-c", "import time; time.sleep(120)"],
        tmp_path / "slow.log",
        f"http://127.0.0.1:{port}/",
    )


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_a_stop_request_ends_the_wait_for_a_starting_child_and_the_child_is_stopped(tmp_path):
    stop = StopRequest(watch_parent=False)
    servers = Servers(log_dir=tmp_path, timeout=60, should_stop=stop)
    servers._env = dict(os.environ)
    child = sleeper(tmp_path, free_port())
    started = time.monotonic()
    stop_at = started + 1.5

    def later() -> str | None:
        if time.monotonic() >= stop_at:
            stop.request("SIGTERM")
        return stop()

    servers.should_stop = later
    with pytest.raises(Stopped, match="SIGTERM"):
        servers._launch(child, 0)
    assert time.monotonic() - started < 10  # not the 60 s start-up timeout
    (proc,) = servers.procs  # recorded before the wait: stop() finds it
    pid = proc.pid
    servers.stop()
    assert gone(pid) and servers.procs == []


def test_nothing_starts_once_a_stop_was_requested(tmp_path):
    stop = StopRequest(watch_parent=False)
    stop.request("SIGINT")
    servers = Servers(log_dir=tmp_path, should_stop=stop)
    servers._env = dict(os.environ)
    with pytest.raises(Stopped):
        servers._launch(sleeper(tmp_path, free_port()), 0)
    assert servers.procs == []


def test_stop_processes_stops_the_whole_group_also_when_its_leader_is_gone(tmp_path):
    """A child's own children are stopped with it (each child leads a process group)."""
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); time.sleep(120)"
    servers = Servers(log_dir=tmp_path)
    proc = servers._spawn([sys.executable, "-c", script], dict(os.environ), tmp_path / "tree.log")
    deadline = time.monotonic() + 20
    while not psutil.Process(proc.pid).children() and time.monotonic() < deadline:
        time.sleep(0.1)
    (grandchild,) = psutil.Process(proc.pid).children()
    serve.stop_processes([proc], grace=10)
    assert gone(proc.pid) and gone(grandchild.pid)


def test_signal_handlers_only_record_the_first_reason():
    stop = StopRequest(watch_parent=False)
    previous = {signum: signal.getsignal(signum) for signum in serve.STOP_SIGNALS}
    try:
        stop.install()
        os.kill(os.getpid(), signal.SIGHUP)  # would end this process without the handler
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.1)
        assert stop() == "SIGHUP"
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_a_signal_ignored_on_entry_stays_ignored():
    previous = {signum: signal.getsignal(signum) for signum in serve.STOP_SIGNALS}
    try:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it
        StopRequest().install()
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_IGN, signal.SIG_DFL)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def test_the_parent_going_away_is_a_stop_request(monkeypatch):
    stop = StopRequest()
    assert stop() is None
    monkeypatch.setattr(os, "getppid", lambda: 1)  # re-parented: make or the shell has gone
    assert stop() == "its parent process exited"
    assert StopRequest(watch_parent=False)() is None


def test_sleep_wakes_up_when_a_stop_is_requested():
    stop = StopRequest(watch_parent=False)
    stop.request("SIGINT")
    started = time.monotonic()
    stop.sleep(30)
    assert time.monotonic() - started < 1


@pytest.mark.skipif(serve._PRCTL is None, reason="PR_SET_PDEATHSIG is Linux only")
def test_a_child_dies_with_the_process_that_started_it_even_by_sigkill(tmp_path):
    """A stand-in for `bot run` starts a child through Servers._spawn, then is SIGKILLed."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from bot.serve import Servers
        proc = Servers(log_dir=Path({str(tmp_path)!r}))._spawn(
            [sys.executable, "-c", "import time; time.sleep(120)"], dict(os.environ), Path({str(tmp_path / "c.log")!r})
        )
        print(proc.pid, flush=True)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child_pid = int(parent.stdout.readline())
        assert psutil.Process(child_pid).is_running()
        parent.kill()
        parent.wait(timeout=10)
        assert gone(child_pid), "the child outlived the SIGKILLed process that started it"
    finally:
        parent.kill()
        parent.stdout.close()


def test_a_busy_port_is_waited_for_then_refused(tmp_path, monkeypatch):
    import socket

    monkeypatch.setattr(serve, "PORT_WAIT", 1.0)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        said: list[str] = []
        servers = Servers(rasa_port=port, log_dir=tmp_path, model=tmp_path / "model.tar.gz")
        (tmp_path / "model.tar.gz").write_bytes(b"")
        with pytest.raises(ServerFailed, match=f"port {port} is already in use"):
            servers.start(say=said.append)
        assert said == [f"port {port} is in use; waiting up to 1 s for it to be free"]
    assert not port_in_use(port)


@pytest.mark.skipif(serve._PRCTL is None, reason="PR_SET_PDEATHSIG is Linux only")
def test_a_child_started_from_a_worker_thread_outlives_that_thread(tmp_path):
    """PR_SET_PDEATHSIG follows the forking thread: it is only set from the main thread."""
    import threading

    servers = Servers(log_dir=tmp_path)
    started: list[subprocess.Popen] = []
    worker = threading.Thread(
        target=lambda: started.append(
            servers._spawn(
                [sys.executable, "-c", "import time; time.sleep(120)"], dict(os.environ), tmp_path / "t.log"
            )
        )
    )
    worker.start()
    worker.join()
    try:
        time.sleep(1)
        assert started[0].poll() is None, "killed when the thread that started it ended"
    finally:
        serve.stop_processes(started, grace=5)
