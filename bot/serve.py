"""Start the action server and the Rasa server together, wait until both answer.

Used by `bot run` (make run) and by the end-to-end tests, so both start the servers
the same way.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot import settings

ROOT = settings.ROOT
DEFAULT_MODEL = ROOT / "models" / "current.tar.gz"


class ServerFailed(RuntimeError):
    pass


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
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


def stop_processes(procs: list[subprocess.Popen], grace: float = 20) -> None:
    """SIGTERM each process group (newest first), SIGKILL what outlives the grace time."""
    for proc in reversed(procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    procs.clear()


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

    @property
    def rasa_host(self) -> str:
        """RASA_HOST from the servers' environment (overrides first), default 127.0.0.1."""
        return self.env_overrides.get("RASA_HOST") or settings.rasa_host()

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
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def _launch(self, child: Child, index: int) -> None:
        """Start the child (in slot `index` of procs) and wait until it answers."""
        proc = self._spawn(child.args, self._env, child.log)
        if index < len(self.procs):
            self.procs[index] = proc
        else:
            self.procs.append(proc)
        _wait_until_up(child.health_url, proc, child.log, self.timeout)
        child.started_at = time.monotonic()

    def start(self, timeout: float | None = None) -> Servers:
        if timeout is not None:
            self.timeout = timeout
        if not Path(self.model).exists():
            raise ServerFailed(f"no trained model at {self.model}: run `make train`")
        # Never mistake another process's server for ours
        ports = [self.rasa_port] + ([self.action_port] if self.start_actions else [])
        busy = [p for p in ports if port_in_use(p)]
        if busy:
            raise ServerFailed(f"port {busy[0]} is already in use: is the assistant running already?")
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


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """`bot run`: serve until Ctrl-C or SIGTERM; a server that dies is restarted."""
    try:
        settings.check()
    except settings.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not settings.action_server_secret_is_set():
        settings.renew_dev_action_secret()  # a new development secret per `bot run`
    servers = Servers(rasa_port=settings.rasa_port(), action_port=settings.action_port())
    print("starting the action server and the Rasa server (this takes ~30 s)...", flush=True)
    try:
        servers.start()
    except ServerFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"\nThe assistant is up.\n"
        f"  chat page:    {servers.rasa_url}/webhooks/webchat/\n"
        f"  REST channel: {servers.rest_url}\n"
        f"  try: curl -s -X POST {servers.rest_url} -H 'Content-Type: application/json' "
        f'-d \'{{"sender": "me", "message": "how are managed services billed?"}}\'\n'
        f"  logs:         {servers.log_dir}\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # also ends a wait for a restarting child
    code = 0
    try:
        while True:
            servers.supervise(say=lambda line: print(line, file=sys.stderr, flush=True))
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    except ServerFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    servers.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
