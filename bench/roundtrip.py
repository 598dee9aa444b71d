"""Round-trip latency of one kind of question through the REST channel, one at a time.

    python -m bench.roundtrip [--n 60] [--message "do you do SOC as a service?"]

Starts our servers (SQLite databases in a temporary folder, catalogue loaded), sends the
message N times, each from a new visitor, after a few warm-up turns, and prints the
median, p90 and max in ms. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.run import prepare_ours
from bot.serve import Servers, free_port, snapshot_model


def measure(url: str, message: str, n: int, expect: str | None) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        reply = requests.post(url, json={"sender": uuid.uuid4().hex, "message": message}, timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
        reply.raise_for_status()
        text = " ".join(m.get("text", "") for m in reply.json())
        if expect and expect not in text:
            raise SystemExit(f"unexpected answer: {text!r}")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roundtrip")
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--message", default="do you do SOC as a service?")
    parser.add_argument("--expect", default="EUR 2,900", help="text the answer must contain")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roundtrip-") as tmp:
        work = Path(tmp)
        env = prepare_ours(work)
        servers = Servers(
            rasa_port=free_port(),
            action_port=free_port(),
            model=snapshot_model(work),
            env_overrides=env,
            log_dir=work / "logs",
        )
        with servers:
            measure(servers.rest_url, args.message, 5, args.expect)  # warm-up
            timings = sorted(measure(servers.rest_url, args.message, args.n, args.expect))
    p90 = timings[int(0.9 * (len(timings) - 1))]
    print(
        f"{args.message!r} x {len(timings)} via REST: median {statistics.median(timings):.0f} ms, "
        f"p90 {p90:.0f} ms, max {timings[-1]:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
