"""Locust load profile: website visitors chatting over Rasa's REST channel.

Each simulated visitor has its own sender id (its own conversation) and repeatedly
plays one short conversation picked by weight, pausing like a person between turns:

  ours (default)                               baseline (--baseline, `rasa init` bot)
  knowledge question + context follow-up  (4)  greet + "I am sad"                (4)
  catalogue question + price follow-up    (3)  "I am sad" + "yes"                (3)
  greeting + help                         (2)  "hi" + "great"                    (2)
  out-of-scope question                   (1)  "are you a bot?" + "goodbye"      (1)

Every reply is checked for a phrase of the right answer; a wrong or empty answer counts
as a failure, like an HTTP error. Requests are named "<conversation>/<turn>" so the CSV
shows where time goes.

    locust -f bench/locustfile.py --headless -u 10 -r 10 --run-time 60s \
        --host http://127.0.0.1:17005 [--baseline]

Think time between turns: BENCH_THINK_MIN / BENCH_THINK_MAX seconds (default 1-3 s).
"""

from __future__ import annotations

import os
import random
import sys
import uuid

from locust import HttpUser, between, events, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # locust loads this file by path
from conversations import BASELINE, OURS  # noqa: E402  (the scripts, shared with bench/profile.py)

THINK = (float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))


@events.init_command_line_parser.add_listener
def _add_arguments(parser) -> None:
    parser.add_argument(
        "--baseline",
        action="store_true",
        default=False,
        help="talk to the `rasa init` baseline bot instead of the sourcing assistant",
    )


class ChatVisitor(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.sender = f"bench-{uuid.uuid4().hex[:16]}"
        baseline = getattr(self.environment.parsed_options, "baseline", False)
        script = BASELINE if baseline else OURS
        self.conversations = [(name, turns) for name, _w, turns in script]
        self.weights = [weight for _n, weight, _t in script]

    @task
    def converse(self) -> None:
        name, turns = random.choices(self.conversations, weights=self.weights)[0]
        for number, (message, expected) in enumerate(turns, start=1):
            if number > 1:
                self.wait()  # the visitor reads the answer and types the next message
            self.say(f"{name}/{number}", message, expected)

    def say(self, name: str, message: str, expected: tuple[str, ...]) -> None:
        with self.client.post(
            "/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            name=name,
            timeout=60,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            try:
                reply = " ".join(m.get("text", "") for m in response.json())
            except ValueError:
                response.failure("reply is not JSON")
                return
            if not reply.strip():
                response.failure(f"empty reply to {message!r}")
            elif expected and not any(phrase in reply for phrase in expected):
                response.failure(f"wrong reply to {message!r}: {reply[:80]!r}")
            else:
                response.success()
