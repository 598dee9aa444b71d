"""`bot run` (or `make run`) as a terminal runs it, for the tests that start the real thing.

A process group of its own; its console output collected line by line, so a test can wait for
what it says. RASA_PORT and ACTION_PORT in its environment say where its servers listen.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time

import requests

from bot import settings


class BotRun:
    def __init__(self, args: list[str], env: dict[str, str]):
        self.rasa_port, self.action_port = int(env["RASA_PORT"]), int(env["ACTION_PORT"])
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            args,
            cwd=settings.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own group, as a shell runs a job
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line.rstrip())
            self._lines.put(line.rstrip())

    def tail(self) -> str:
        return "\n".join(self.output[-25:])

    def forget_said(self) -> None:
        """Drop the lines said so far, so that the next expect() reads only what follows (an
        earlier test's restart lines would otherwise match a new one's)."""
        while True:
            try:
                self._lines.get_nowait()
            except queue.Empty:
                return

    def expect(self, pattern: str, timeout: float) -> re.Match:
        """The first line from now on that matches `pattern`; fails after `timeout` s or on exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise AssertionError(f"it exited ({self.proc.returncode}):\n{self.tail()}") from None
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"never said {pattern!r}:\n{self.tail()}")

    def action_server_answers(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=2).ok
        except requests.RequestException:
            return False

    def health(self) -> tuple[int, dict]:
        """The Rasa server's health endpoint: status code and body."""
        response = requests.get(f"http://127.0.0.1:{self.rasa_port}/webhooks/health/", timeout=15)
        return response.status_code, response.json()
