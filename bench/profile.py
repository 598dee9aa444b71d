"""Where does a turn's time go? Profile Rasa's message handling in-process, turn by turn.

    python -m bench.profile [--conversations 40] [--baseline-model PATH]

py-spy is not in the virtual environment, and cProfile around a whole `rasa run` mostly
measures start-up and the idle event loop. So this loads the agent in-process (the same
model, endpoints.yml, SQLite tracker store and action server as bench.run), plays the
benchmark's conversation scripts (bench/conversations.py) one turn at a time, and
profiles only `agent.handle_text`. Per stage it reports the time inside the stage's
function (NLU, policies, tracker store, actions...); time the turn spends waiting for
the action server's HTTP answer is not CPU in Rasa, so it is reported as wall time
minus Rasa's own time. With --baseline-model (a `rasa init` model) it profiles the
baseline the same way. Writes bench/results/profile.txt and profile-*.prof.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.run import BENCH, OURS_ACTION_PORT, ROOT, prepare_ours
from bot import rasa_server, settings
from bot.serve import snapshot_model

sys.path.insert(0, str(BENCH))
from conversations import BASELINE, OURS  # noqa: E402

# stage -> (path fragment, function name); cumulative time inside these functions
STAGES = [
    ("whole turn (handle_message)", "rasa/core/processor.py", "handle_message"),
    ("lock store", "rasa/core/lock_store.py", "lock"),
    ("tracker store: load", "rasa/core/tracker_store.py", "retrieve_full_tracker"),
    ("tracker store: save", "rasa/core/tracker_store.py", "save"),
    ("NLU: parse_message (all components)", "rasa/core/processor.py", "parse_message"),
    ("  spaCy pipeline", "rasa/nlu/utils/spacy_utils.py", "process"),
    ("  DIET classifier", "rasa/nlu/classifiers/diet_classifier.py", "process"),
    (
        "  CountVectors featurizers",
        "rasa/nlu/featurizers/sparse_featurizer/count_vectors_featurizer.py",
        "process",
    ),
    ("policies: predict next action", "rasa/core/processor.py", "_predict_next_with_tracker"),
    ("actions: run (Rasa side)", "rasa/core/processor.py", "_run_action"),
    ("  remote action call (CPU in Rasa)", "rasa/core/actions/action.py", "run"),
]


def stage_times(stats: pstats.Stats) -> dict[str, float]:
    found: dict[str, float] = {}
    for label, fragment, func in STAGES:
        total = 0.0
        for (filename, _line, name), row in stats.stats.items():
            if name == func and filename.replace("\\", "/").endswith(fragment):
                total += row[3]  # cumtime
        found[label] = total
    return found


async def play(agent, script, conversations: int, seed: int = 7):
    """Sequential turns; returns (wall seconds per turn, profiler)."""
    rng = random.Random(seed)
    names = [(name, turns) for name, _w, turns in script]
    weights = [w for _n, w, _t in script]
    walls: list[float] = []
    wrong = 0
    profiler = cProfile.Profile()
    for _session in range(conversations):
        sender = f"profile-{uuid.uuid4().hex[:12]}"
        for _ in range(3):  # a visitor plays a few conversations in one session, like locust's
            _name, turns = rng.choices(names, weights=weights)[0]
            for message, expected in turns:
                started = time.perf_counter()
                profiler.enable()
                replies = await agent.handle_text(message, sender_id=sender)
                profiler.disable()
                walls.append(time.perf_counter() - started)
                text = " ".join(r.get("text", "") for r in replies or [])
                if not text.strip() or (expected and not any(p in text for p in expected)):
                    wrong += 1
    return walls, profiler, wrong


def report(label: str, walls: list[float], profiler: cProfile.Profile, wrong: int, out: Path) -> str:
    prof = out / f"profile-{label}.prof"
    profiler.dump_stats(str(prof))
    stats = pstats.Stats(str(prof))
    stages = stage_times(stats)
    turns = len(walls)
    wall_ms = 1000 * sum(walls) / turns
    lines = [
        f"## {label}: {turns} turns, {wrong} wrong/empty replies",
        f"wall time per turn: mean {wall_ms:.0f} ms, median {1000 * statistics.median(walls):.0f} ms, "
        f"p95 {1000 * sorted(walls)[int(0.95 * (turns - 1))]:.0f} ms",
        "",
        "| stage | ms per turn (mean) | share of wall |",
        "| --- | ---: | ---: |",
    ]
    for name, seconds in stages.items():
        ms = 1000 * seconds / turns
        lines.append(f"| {name} | {ms:.1f} | {ms / wall_ms:.0%} |")
    rasa_ms = 1000 * stages["whole turn (handle_message)"] / turns
    lines.append(
        f"| waiting for the action server (wall - Rasa's own time) | {max(wall_ms - rasa_ms, 0):.1f} "
        f"| {max(wall_ms - rasa_ms, 0) / wall_ms:.0%} |"
    )
    text = io.StringIO()
    stats.stream = text
    stats.sort_stats("tottime").print_stats(15)
    body = "\n".join(line for line in text.getvalue().splitlines() if line.strip())
    lines += ["", "Top functions by self time:", "```", body[-4000:], "```", ""]
    return "\n".join(lines)


async def profile_bot(model: Path, endpoints, script, conversations: int):
    """Load the agent, warm it up, then play and profile; all in one event loop."""
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    if not agent.is_ready():
        raise SystemExit(f"could not load {model}")
    await play(agent, script, 2)  # warm-up: lazy TensorFlow graph building, first queries
    return await play(agent, script, conversations)


def start_action_server(env: dict[str, str], log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--port", str(OURS_ACTION_PORT)],
        cwd=ROOT,
        env=settings.rasa_env(env),
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"action server exited; see {log}")
        try:
            if requests.get(f"http://127.0.0.1:{OURS_ACTION_PORT}/health", timeout=2).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit(f"action server did not start; see {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument(
        "--conversations", type=int, default=40, help="sessions of 3 short conversations each"
    )
    parser.add_argument("--baseline-model", type=Path, help="a `rasa init` model to profile the same way")
    args = parser.parse_args(argv)
    out = BENCH / "results"
    out.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # config.yml points SpacyNLP at models/spacy_en_sourcing (relative)
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # as `rasa run` does by default: no debug logging inside the measured turns
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)

    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    sections = []
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        env = prepare_ours(work)
        env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{OURS_ACTION_PORT}/webhook"
        actions = start_action_server(env, work / "actions.log")
        try:
            os.environ.update(settings.rasa_env(env))  # endpoints.yml reads ${...} from here
            settings.get_settings.cache_clear()  # and our code in this process reads it again
            endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
            model = snapshot_model(work)
            rasa_server.install()  # as the Rasa server does when it builds our channels
            walls, profiler, wrong = asyncio.run(profile_bot(model, endpoints, OURS, args.conversations))
            sections.append(report("ours", walls, profiler, wrong, out))
        finally:
            os.killpg(actions.pid, signal.SIGTERM)
            actions.wait(timeout=30)
        if args.baseline_model:
            endpoints = AvailableEndpoints(
                tracker_store=EndpointConfig(
                    type="SQL", dialect="sqlite", db=str(work / "baseline-tracker.db")
                )
            )
            walls, profiler, wrong = asyncio.run(
                profile_bot(args.baseline_model, endpoints, BASELINE, args.conversations)
            )
            sections.append(report("baseline", walls, profiler, wrong, out))

    text = "# Per-turn profile (one turn at a time, in-process)\n\n" + "\n".join(sections)
    (out / "profile.txt").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
