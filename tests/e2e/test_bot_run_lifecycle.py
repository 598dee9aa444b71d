"""`make run` / `bot run` stop every server they started, whenever and however they are stopped.

Each test starts the real `make run` or `bot run` (free ports, SQLite databases in a
temporary folder) in a process group of its own, as a terminal runs a job, and stops it the
way people and tools do: SIGTERM, SIGINT or SIGHUP to the whole group (a terminal, `kill
-TERM -PGID`, systemd), at different moments (while the Rasa server is still loading, once
everything is up, while a dead action server is being restarted), or by killing `make` or
`bot run` alone with SIGKILL. Afterwards nothing may listen on either port and no process
that `bot run` started may be left.

The supervision test kills the action server under `bot run`: the health endpoint reports
it down (503, "degraded") until `bot run` has restarted it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from bot import settings
from bot.serve import free_port, port_in_use
from tests.bot_run import BotRun

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

UP = r"The assistant is up"
START_UP = 400  # s: loading the model on two busy cores


def run_env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # an outer make's jobserver and level must not leak into the inner `make run`
        if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES")
    }
    env.update(
        RASA_PORT=str(free_port()),
        ACTION_PORT=str(free_port()),
        SALES_DB_URL=f"sqlite:///{tmp_path / 'sales.db'}",
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        ACTION_SERVER_SECRET=uuid.uuid4().hex,  # leaves var/action-server.secret alone
        PYTHONUNBUFFERED="1",
    )
    return env


class Job(BotRun):
    """`make run` or `bot run` in a process group of its own, its output collected."""

    def __init__(self, args: list[str], env: dict[str, str]):
        super().__init__(args, env)
        self.pgid = self.proc.pid
        self.seen: dict[int, str] = {}  # every process of the job ever seen: pid -> command

    def processes(self) -> list[psutil.Process]:
        """The job's processes now (the top one and its descendants), remembered in `seen`."""
        try:
            top = psutil.Process(self.proc.pid)
            found = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            found = []
        for proc in found:
            try:
                self.seen.setdefault(proc.pid, " ".join(proc.cmdline())[:160])
            except psutil.Error:
                pass
        return found

    def find(self, marker: str) -> psutil.Process | None:
        """The job's process whose command line has `marker` (not the top one), or None."""
        return next((proc for proc in self.processes()[1:] if marker in _cmdline(proc)), None)

    def child(self, marker: str) -> psutil.Process:
        proc = self.find(marker)
        assert proc is not None, f"no child process with {marker!r}: {self.seen}"
        return proc

    def signal_group(self, signum: int) -> None:
        self.processes()  # remember who is there before they go
        os.killpg(self.pgid, signum)

    def leftovers(self) -> list[str]:
        """What still runs or listens of this job: seen processes, group members, servers on its ports."""
        left = []
        for pid, command in self.seen.items():
            if psutil.pid_exists(pid):
                try:
                    if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                        left.append(f"pid {pid}: {command}")
                except psutil.NoSuchProcess:
                    pass
        for proc in psutil.process_iter(["pid", "cmdline", "status"]):
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue  # exited, waiting to be reaped: holds no port, runs nothing
            try:
                command = " ".join(proc.info["cmdline"] or [])
                in_group = os.getpgid(proc.pid) == self.pgid
            except (psutil.Error, ProcessLookupError, PermissionError):
                continue
            ours = f"--port {self.rasa_port}" in command or f"--port {self.action_port}" in command
            if (in_group or ours) and proc.pid != os.getpid() and f"pid {proc.pid}:" not in " ".join(left):
                left.append(f"pid {proc.pid}: {command[:160]}")
        left += [f"port {port} listens" for port in (self.rasa_port, self.action_port) if port_in_use(port)]
        return left

    def assert_everything_stops(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None and not self.leftovers():
                return
            time.sleep(0.5)
        raise AssertionError(f"still there after {timeout:.0f} s: {self.leftovers()}\n{self.tail()}")

    def kill_all(self) -> None:
        """Clean-up after a failed test: nothing of the job may survive it either."""
        for pid in list(self.seen) + [self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc.wait(timeout=30)


def wait_for(condition, timeout: float, what: str, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture
def model_is_current():
    done = subprocess.run(
        ["make", "-q", "models/current.tar.gz"], cwd=settings.ROOT, capture_output=True, timeout=60
    )
    if done.returncode != 0:
        pytest.fail("the model is missing or out of date: run `make train` first (make test does)")


@pytest.fixture
def start(tmp_path, model_is_current):
    """start("make") or start("bot"): the job, killed outright if the test leaves it running."""
    jobs: list[Job] = []

    def _start(kind: str) -> Job:
        env = run_env(tmp_path)
        if kind == "make":
            args = ["make", "--no-print-directory", "run"]
        else:
            from bot.catalogue import loader

            loader.load_into(env["SALES_DB_URL"])  # what `make run` does first (make db)
            args = [sys.executable, "-m", "bot.cli", "run"]
        job = Job(args, env)
        jobs.append(job)
        return job

    yield _start
    for job in jobs:
        if job.proc.poll() is None or job.leftovers():
            job.kill_all()


def in_start_up(job: Job) -> None:
    """The action server answers and the Rasa server is still loading its model."""
    wait_for(job.action_server_answers, START_UP, "the action server answers")
    wait_for(lambda: job.find("rasa run"), 30, "the Rasa server process")
    time.sleep(2)  # loading: imports, then the model
    assert not port_in_use(job.rasa_port), "the Rasa server was up already: no start-up phase left"


# ----------------------------------------------------------------------------- stopping


def test_stopping_make_run_with_sigterm_to_its_group_leaves_nothing(start):
    job = start("make")
    job.expect(UP, START_UP)
    assert port_in_use(job.rasa_port) and port_in_use(job.action_port)
    job.signal_group(signal.SIGTERM)  # what a terminal, `kill -TERM -PGID` or a supervisor sends
    job.assert_everything_stops()
    assert len(job.seen) >= 3, job.seen  # make (or bot run), the action server, the Rasa server


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_during_start_up_stops_every_child(start, signum):
    job = start("bot")
    in_start_up(job)
    job.signal_group(signum)
    job.assert_everything_stops()
    assert any(f"stopping ({signum.name})" in line for line in job.output), job.tail()


def test_make_killed_outright_bot_run_stops_and_its_children_too(start):
    job = start("make")
    in_start_up(job)
    bot_run = job.child("bot run")
    job.processes()
    os.kill(job.proc.pid, signal.SIGKILL)  # make alone, no chance to pass anything on
    job.proc.wait(timeout=10)
    wait_for(lambda: not bot_run.is_running(), 60, "bot run notices that make is gone and stops")
    job.assert_everything_stops()


def test_bot_run_killed_outright_its_children_follow(start):
    job = start("bot")
    in_start_up(job)
    job.processes()
    os.kill(job.proc.pid, signal.SIGKILL)  # no signal handler runs: the kernel tells the children
    job.proc.wait(timeout=10)
    job.assert_everything_stops(timeout=60)


# ----------------------------------------------------------------------------- supervision


def test_a_killed_action_server_is_reported_by_health_restarted_and_a_stop_meanwhile_stops_all(start):
    job = start("bot")
    job.expect(UP, START_UP)
    assert job.health() == (
        200,
        {"status": "ok", "lock_store": "ok", "tracker_store": "ok", "action_server": "ok"},
    )

    first = job.child("bot.action_server")
    job.processes()
    first.kill()  # SIGKILL: a crash, no clean shutdown
    job.expect(r"the action server exited .*restarting it in \d+ s", 30)
    status, body = job.health()
    assert (status, body["status"], body["action_server"]) == (503, "degraded", "down"), body
    assert body["lock_store"] == body["tracker_store"] == "ok"
    job.expect(r"the action server is back", 120)
    assert job.child("bot.action_server").pid != first.pid
    assert job.health()[0] == 200

    # killed again: stopped while the new one is starting (back-off over, not answering yet)
    job.child("bot.action_server").kill()
    job.expect(r"the action server exited .*restarting it in \d+ s", 30)
    wait_for(lambda: job.find("bot.action_server"), 30, "the restarted action server process", every=0.1)
    assert not job.action_server_answers()
    job.signal_group(signal.SIGTERM)
    job.assert_everything_stops()


def _cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""
