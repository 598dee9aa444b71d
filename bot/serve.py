"""Start the action server and the Rasa server together, wait until both answer.

Used by `bot run` (make run) and by the end-to-end tests, so both start the servers
the same way.

Stopping (`bot run`): SIGINT, SIGTERM and SIGHUP only set a flag (StopRequest), installed
before the first child starts; every wait (a child coming up, the back-off before a restart,
the watch loop) checks it, so a signal in any phase stops every child and never lands
between starting a child and recording it. Each child runs in a process group of its own
(so `bot run` stops it, and whatever it started, in order) and, on Linux, asks the kernel
for SIGTERM when `bot run` dies (PR_SET_PDEATHSIG), so even a SIGKILLed `bot run` leaves
no server behind. `bot run` itself stops when its parent (make, the terminal's shell) goes
away, unless SIGHUP is ignored (nohup).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot import settings
from bot.settings import get_settings

ROOT = settings.ROOT
DEFAULT_MODEL = ROOT / "models" / "current.tar.gz"


class ServerFailed(RuntimeError):
    pass


class Stopped(Exception):
    """`bot run` was asked to stop while it waited (for a child to come up, for a port)."""


def _never() -> str | None:
    return None


def _wait_until_up(
    url: str,
    proc: subprocess.Popen,
    log: Path,
    timeout: float,
    should_stop: Callable[[], str | None] = _never,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reason := should_stop():
            raise Stopped(reason)
        if proc.poll() is not None:
            raise ServerFailed(f"{url} exited with {proc.returncode}; see {log}:\n{_tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise ServerFailed(f"{url} did not come up within {timeout:.0f}s; see {log}:\n{_tail(log)}")


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A port nothing listens on now (for tests that must not meet a running assistant)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the whole group has exited already


def stop_processes(procs: list[subprocess.Popen], grace: float = 20) -> None:
    """SIGTERM each process group (newest first), SIGKILL what outlives the grace time.

    Each child leads a process group of its own (start_new_session): the group is signalled
    even when its leader has exited, so nothing the child started stays behind.
    """
    for proc in reversed(procs):
        _signal_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
        _signal_group(proc.pid, signal.SIGKILL)  # what the leader left behind
    procs.clear()


# --- children die with `bot run` ---------------------------------------------------------
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _libc_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _libc_prctl()


def _die_with(parent: int) -> Callable[[], None] | None:
    """preexec_fn: the child gets SIGTERM when `parent` (this process) dies, even by SIGKILL.

    Linux only (PR_SET_PDEATHSIG); elsewhere None (stopping `bot run` normally still stops
    its children). A parent that died before the call is noticed by getppid().
    The kernel ties the signal to the *thread* that forks, not the process: only children
    started by the main thread (as `bot run` starts them) get it; a child started from a
    worker thread (tests/scale starts two Servers in a thread pool) would be killed when
    that thread ends.
    """
    if _PRCTL is None or threading.current_thread() is not threading.main_thread():
        return None
    prctl = _PRCTL

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


# --- what makes `bot run` stop -------------------------------------------------------------
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopRequest:
    """Why `bot run` must stop (None: it need not). Calling it answers, and notices a parent
    that went away (the process is re-parented: getppid() changes).

    The signal handlers only record the reason; raising from them could land between
    starting a child and recording it, leaving that child running after `bot run` exits.
    """

    def __init__(self, watch_parent: bool = True):
        self.reason: str | None = None
        self.parent: int | None = os.getppid() if watch_parent else None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def __call__(self) -> str | None:
        if self.reason is None and self.parent is not None and os.getppid() != self.parent:
            self.reason = "its parent process exited"
        return self.reason

    def install(self) -> None:
        """Handle SIGINT, SIGTERM and SIGHUP; a signal ignored on entry (nohup) stays ignored."""
        for signum in STOP_SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.request(signal.Signals(signum).name)

    def sleep(self, seconds: float) -> None:
        """Sleep, waking early when a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self() and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def snapshot_model(folder: Path, source: Path = DEFAULT_MODEL) -> Path:
    """A private, verified copy of the trained model.

    Servers started from it keep serving the same model even if `make train` replaces
    the file meanwhile, and a half-written archive is never served.
    """
    source = Path(source)
    if not source.exists():
        raise ServerFailed(f"no trained model at {source}: run `make train`")
    target = Path(folder) / "model.tar.gz"
    for _ in range(60):
        shutil.copyfile(source, target)
        try:
            with tarfile.open(target) as archive:
                archive.getmembers()  # reads the whole gzip stream
            return target
        except (EOFError, OSError, tarfile.TarError):
            time.sleep(2)  # being written by `rasa train`: wait for the finished file
    raise ServerFailed(f"{source} is not a readable model archive")


# A child that dies is started again after 1, 2, 4 ... 60 s; one that stayed up this long
# starts from 1 s again, and after this many failures in a row `bot run` gives up.
RESTART_BACKOFF = (1.0, 60.0)
STABLE_AFTER = 120.0
MAX_FAILURES = 8
# A port still held at start is waited for this long (a previous run's children stopping).
PORT_WAIT = 20.0


@dataclass
class Child:
    """One server process that Servers starts, watches and restarts."""

    name: str
    args: list[str]
    log: Path
    health_url: str
    failures: int = 0  # unexpected exits in a row
    started_at: float = 0.0
    restart_at: float | None = None

    def backoff(self) -> float:
        base, cap = RESTART_BACKOFF
        return min(cap, base * 2 ** max(0, self.failures - 1))


@dataclass
class Servers:
    rasa_port: int = 5005
    action_port: int = 5055
    model: Path = DEFAULT_MODEL
    env_overrides: dict[str, str] = field(default_factory=dict)
    log_dir: Path = settings.VAR_DIR / "logs"
    start_actions: bool = True
    procs: list[subprocess.Popen] = field(default_factory=list)  # same order as children
    children: list[Child] = field(default_factory=list)
    timeout: float = 180
    # asked at every wait: a reason (str) stops the start-up or a restart with Stopped
    should_stop: Callable[[], str | None] = _never

    @property
    def rasa_host(self) -> str:
        """RASA_HOST from the servers' environment (overrides first), default 127.0.0.1."""
        return self.env_overrides.get("RASA_HOST") or get_settings().rasa_host

    @property
    def rasa_url(self) -> str:
        host = self.rasa_host
        if host in ("0.0.0.0", "::", "", "localhost") or host.startswith("127."):
            host = "127.0.0.1"  # every interface, or loopback: reach it on loopback
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.rasa_port}"

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def _spawn(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            return subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own: stopped by us, in order
                preexec_fn=_die_with(os.getpid()),
            )

    def _launch(self, child: Child, index: int) -> None:
        """Start the child (in slot `index` of procs) and wait until it answers."""
        if reason := self.should_stop():
            raise Stopped(reason)
        proc = self._spawn(child.args, self._env, child.log)
        if index < len(self.procs):
            self.procs[index] = proc
        else:
            self.procs.append(proc)
        _wait_until_up(child.health_url, proc, child.log, self.timeout, self.should_stop)
        child.started_at = time.monotonic()

    def _wait_for_ports(self, ports: list[int], say: Callable[[str], None]) -> None:
        """A busy port is waited for up to PORT_WAIT s, then ServerFailed (never someone else's)."""
        busy = [p for p in ports if port_in_use(p)]
        if busy:
            say(f"port {busy[0]} is in use; waiting up to {PORT_WAIT:.0f} s for it to be free")
        deadline = time.monotonic() + PORT_WAIT
        while busy and time.monotonic() < deadline:
            if reason := self.should_stop():
                raise Stopped(reason)
            time.sleep(0.5)
            busy = [p for p in ports if port_in_use(p)]
        if busy:
            raise ServerFailed(f"port {busy[0]} is already in use: is the assistant running already?")

    def start(self, timeout: float | None = None, say: Callable[[str], None] = print) -> Servers:
        if timeout is not None:
            self.timeout = timeout
        if not Path(self.model).exists():
            raise ServerFailed(f"no trained model at {self.model}: run `make train`")
        # Never mistake another process's server for ours
        self._wait_for_ports([self.rasa_port] + ([self.action_port] if self.start_actions else []), say)
        overrides = {"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook"}
        overrides.update(self.env_overrides)
        self._env = settings.rasa_env(overrides)
        rasa = str(Path(sys.executable).with_name("rasa"))
        self.children = []
        if self.start_actions:
            self.children.append(
                Child(
                    "action server",
                    [sys.executable, "-m", "bot.action_server", "--port", str(self.action_port)],
                    self.log_dir / f"actions-{self.action_port}.log",
                    f"http://127.0.0.1:{self.action_port}/health",
                )
            )
        self.children.append(
            Child(
                "Rasa server",
                [
                    rasa,
                    "run",
                    "--model",
                    str(self.model),
                    "-i",
                    self.rasa_host,
                    "--port",
                    str(self.rasa_port),
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "endpoints.yml",
                ],
                self.log_dir / f"rasa-{self.rasa_port}.log",
                self.rasa_url + "/",
            )
        )
        try:
            for index, child in enumerate(self.children):
                self._launch(child, index)
        except BaseException:
            self.stop()
            raise
        return self

    def supervise(self, say=print) -> None:
        """One round of watching: a child that died is restarted after its back-off.

        Raises ServerFailed when a child failed MAX_FAILURES times in a row.
        """
        now = time.monotonic()
        for index, child in enumerate(self.children):
            proc = self.procs[index]
            if proc.poll() is None:
                if child.failures and now - child.started_at > STABLE_AFTER:
                    child.failures = 0
                continue
            if child.restart_at is None:
                child.failures += 1
                if child.failures > MAX_FAILURES:
                    raise ServerFailed(
                        f"the {child.name} failed {MAX_FAILURES} times in a row; " f"see {child.log}"
                    )
                child.restart_at = now + child.backoff()
                say(
                    f"the {child.name} exited (code {proc.returncode}); restarting it in "
                    f"{child.backoff():.0f} s"
                )
            elif now >= child.restart_at:
                child.restart_at = None
                try:
                    self._launch(child, index)
                except ServerFailed as exc:
                    stop_processes([self.procs[index]], grace=5)  # counted as the next failure
                    say(f"the {child.name} did not come back: {str(exc).splitlines()[0]}")
                else:
                    say(f"the {child.name} is back")

    def stop(self) -> None:
        stop_processes(self.procs)

    def __enter__(self) -> Servers:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _say(line: str, stream=None) -> None:
    """Print to the console; a console that is gone (terminal closed) never stops the stopping."""
    try:
        print(line, file=stream or sys.stdout, flush=True)
    except (OSError, ValueError):
        pass


def main() -> int:
    """`bot run`: serve until SIGINT, SIGTERM or SIGHUP (or its parent exits); a server that
    dies is restarted. Whatever phase the stop request comes in (start-up, serving, waiting
    to restart a child, a child coming back), every child is stopped before `bot run` exits."""
    # First of all: from now on a signal is a request to stop, never an abrupt exit.
    stop = StopRequest(watch_parent=signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN)
    stop.install()
    try:
        current = get_settings()
    except settings.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not current.action_server_secret_is_set:
        settings.renew_dev_action_secret()  # a new development secret per `bot run`
    servers = Servers(rasa_port=current.rasa_port, action_port=current.action_port, should_stop=stop)

    def warn(line: str) -> None:
        _say(line, sys.stderr)

    _say("starting the action server and the Rasa server (this takes ~30 s)...")
    code = 0
    try:
        servers.start(say=warn)
        _say(
            f"\nThe assistant is up.\n"
            f"  chat page:    {servers.rasa_url}/webhooks/webchat/\n"
            f"  REST channel: {servers.rest_url}\n"
            f"  try: curl -s -X POST {servers.rest_url} -H 'Content-Type: application/json' "
            f'-d \'{{"sender": "me", "message": "how are managed services billed?"}}\'\n'
            f"  health:       {servers.rasa_url}/webhooks/health/\n"
            f"  logs:         {servers.log_dir}\n"
            f"Press Ctrl-C to stop."
        )
        while not stop():
            servers.supervise(say=warn)
            stop.sleep(1)
    except Stopped:
        pass
    except ServerFailed as exc:
        warn(f"error: {exc}")
        code = 1
    finally:
        if stop():
            warn(f"stopping ({stop()}): the Rasa server and the action server...")
        servers.stop()  # also after an unexpected error: no child outlives `bot run`
    if stop():
        warn("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
