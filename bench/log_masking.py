"""Time the log policy (bot.logsafe) on the hostile inputs of issue 10.

`.venv/bin/python -m bench.log_masking`: median of 3 runs per input, for a whole log
record (cut, then masked) and for the masks alone on the uncut text.
"""

from __future__ import annotations

import logging
import statistics
import time

from bot import logsafe

CASES = {
    "60 KB word": "a" * 60_000,
    "64 KB sender id in a log line": "Tracker with sender_id '" + "x" * 65_536 + "' stored to database",
    "60 KB of 'a.'": "a." * 30_000,
    "60 KB of '1 '": "1 " * 30_000,
}


def median_seconds(work, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    for name, text in CASES.items():

        def record(text=text):
            logsafe._redact_record(logging.LogRecord("t", logging.DEBUG, __file__, 1, "%s", (text,), None))

        def masks_only(text=text):
            logsafe.redact(text, limit=10**7)

        print(
            f"{name:32} record {median_seconds(record):.4f} s   masks alone {median_seconds(masks_only):.4f} s"
        )


if __name__ == "__main__":
    main()
