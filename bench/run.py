"""Benchmark: our assistant vs the framework's own starter bot, under 1, 10 and 30 visitors.

    python -m bench.run            # 60 s per level (~15 min including the baseline's training)
    python -m bench.run --quick    # 20 s per level

1. Starts our assistant (bot.serve.Servers: Rasa on 17005, actions on 17055) on SQLite
   databases in a temporary folder, with the catalogue loaded.
2. Builds the baseline: `rasa init --no-prompt` in a temporary folder (trains the default
   model), served with `rasa run` on 17105 over REST. It gets the same tracker store as
   ours (SQL, SQLite file) so the comparison is of the bots, not of the storage.
3. Drives each, one after the other (never both at once: 2 shared cores), with locust
   headless (bench/locustfile.py) at each concurrency level, sampling the peak RSS of
   every server process (with its children) with psutil.
4. Writes bench/results/bench.json, bench/results/latency.png, bench/results/bench.md and
   prints the markdown table. All traffic goes to 127.0.0.1; every run is time-bounded.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil
import requests

from bot import settings
from bot.serve import Servers, snapshot_model, stop_processes

ROOT = settings.ROOT
BENCH = Path(__file__).resolve().parent
LOCUSTFILE = BENCH / "locustfile.py"
BIN = Path(sys.executable).parent
OURS_PORT, OURS_ACTION_PORT, BASELINE_PORT = 17005, 17055, 17105
LEVELS = (1, 10, 30)

BASELINE_ENDPOINTS = """\
# written by bench/run.py: the same tracker store type as the sourcing assistant's default
tracker_store:
  type: SQL
  dialect: sqlite
  db: {db}
lock_store:
  type: in_memory
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- servers ---------------------------------------------------------------------------


def prepare_ours(work: Path) -> dict[str, str]:
    """SQLite sales DB (migrated, catalogue loaded) and tracker DB in `work`; the env for both servers."""
    from bot.catalogue import loader

    sales = f"sqlite:///{work / 'sales.db'}"
    loader.load_into(sales)
    return {
        "SALES_DB_URL": sales,
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB_URL": f"sqlite:///{work / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        # a load test: every simulated visitor comes from 127.0.0.1, and roundtrip sends
        # 60 messages in one conversation, so both rate limits are off
        "RATE_LIMIT_PER_ADDRESS": "0",
        "RATE_LIMIT_PER_SESSION": "0",
        "LEAD_LIMIT_PER_CLIENT": "100000",  # every lead from 127.0.0.1 has the same client_key
    }


def start_ours(work: Path) -> Servers:
    env = prepare_ours(work)
    servers = Servers(
        rasa_port=OURS_PORT,
        action_port=OURS_ACTION_PORT,
        model=snapshot_model(work),
        env_overrides=env,
        log_dir=work / "logs",
    )
    return servers.start(timeout=300)


def build_baseline(folder: Path) -> Path:
    """`rasa init --no-prompt` in `folder` (creates the starter project and trains it)."""
    folder.mkdir(parents=True, exist_ok=True)
    models = sorted((folder / "models").glob("*.tar.gz")) if (folder / "models").exists() else []
    if models:
        log(f"baseline: reusing {models[-1]}")
        return models[-1]
    log(f"baseline: rasa init --no-prompt in {folder} (trains the starter model, a few minutes)")
    started = time.monotonic()
    with open(folder.parent / "rasa-init.log", "wb") as out:
        done = subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_clean_env(),
            timeout=1800,
        )
    models = sorted((folder / "models").glob("*.tar.gz"))
    if done.returncode != 0 or not models:
        raise RuntimeError(f"rasa init failed ({done.returncode}); see {folder.parent / 'rasa-init.log'}")
    log(f"baseline: trained in {time.monotonic() - started:.0f} s")
    return models[-1]


def _clean_env() -> dict[str, str]:
    """The environment without the project's settings (the baseline knows none of them)."""
    drop = set(settings.rasa_env_defaults()) | {"SALES_DB_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@dataclass
class BaselineServer:
    folder: Path
    model: Path
    port: int = BASELINE_PORT
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 300) -> BaselineServer:
        endpoints = self.folder / "endpoints-bench.yml"
        endpoints.write_text(BASELINE_ENDPOINTS.format(db=self.folder / "tracker.db"))
        out = open(self.folder.parent / f"rasa-{self.port}.log", "ab")
        proc = subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--port",
                str(self.port),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                endpoints.name,
            ],
            cwd=self.folder,
            env=_clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"baseline server exited with {proc.returncode}; see {out.name}")
            try:
                if requests.get(self.rasa_url + "/", timeout=2).status_code < 500:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"baseline server did not come up in {timeout:.0f} s; see {out.name}")

    def stop(self) -> None:
        stop_processes(self.procs)


# --- measurement -----------------------------------------------------------------------


class PeakRss(threading.Thread):
    """Peak resident memory of each labelled process tree, sampled every 0.25 s."""

    def __init__(self, pids: dict[str, int]):
        super().__init__(daemon=True)
        self.procs = {label: psutil.Process(pid) for label, pid in pids.items()}
        self.peak_mb = {label: 0.0 for label in pids}
        self.halt = threading.Event()

    def sample(self) -> None:
        for label, proc in self.procs.items():
            total = 0
            try:
                for p in [proc, *proc.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                continue
            self.peak_mb[label] = max(self.peak_mb[label], round(total / 2**20, 1))

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(0.25)

    def finish(self) -> dict[str, float]:
        self.halt.set()
        self.join(timeout=5)
        self.sample()
        return self.peak_mb


def warm_up(url: str, baseline: bool) -> None:
    """A few unmeasured turns so lazy initialisation is not charged to the first level."""
    messages = (
        ["hello", "I am sad", "yes"]
        if baseline
        else [
            "hi",
            "how are managed services billed?",
            "and outsourcing?",
            "do you do SOC as a service?",
            "how much is it?",
        ]
    )
    for i, message in enumerate(messages * 2):
        reply = requests.post(
            url + "/webhooks/rest/webhook",
            json={"sender": f"warmup-{i // len(messages)}", "message": message},
            timeout=60,
        )
        reply.raise_for_status()
        if not reply.json():  # e.g. Rasa started but could not load its model
            raise RuntimeError(f"{url} gave no reply to {message!r}: is a model loaded? (see its log)")


def run_level(host: str, users: int, seconds: int, baseline: bool, prefix: Path) -> dict:
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    if baseline:
        cmd.append("--baseline")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise RuntimeError(f"locust failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return read_stats(prefix)


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_turn = {
        r["Name"]: {"count": int(r["Request Count"]), "p50_ms": _num(r["50%"]), "p95_ms": _num(r["95%"])}
        for r in rows
        if r["Name"] != "Aggregated"
    }
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with open(failures_csv, newline="") as fh:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(fh)
            ]
    return {
        "turns": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "turns_per_s": round(_num(total["Requests/s"]), 2),
        "p50_ms": _num(total["50%"]),
        "p95_ms": _num(total["95%"]),
        "p99_ms": _num(total["99%"]),
        "mean_ms": round(_num(total["Average Response Time"]), 1),
        "max_ms": _num(total["Max Response Time"]),
        "per_turn": per_turn,
        "failures": failures[:10],
    }


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def bench_server(
    label: str, host: str, pids: dict[str, int], levels, seconds: int, baseline: bool, out: Path
) -> dict:
    warm_up(host, baseline)
    results = {}
    for users in levels:
        log(f"{label}: {users} visitor(s) for {seconds} s")
        sampler = PeakRss(pids)
        sampler.start()
        try:
            stats = run_level(host, users, seconds, baseline, out / "locust" / f"{label}-{users}")
        finally:
            peak = sampler.finish()
        stats["peak_rss_mb"] = peak
        results[str(users)] = stats
        log(
            f"{label}: {users} visitor(s): {stats['turns_per_s']} turns/s, p50 {stats['p50_ms']:.0f} ms, "
            f"p95 {stats['p95_ms']:.0f} ms, p99 {stats['p99_ms']:.0f} ms, errors {stats['errors']}, "
            f"peak RSS {peak}"
        )
        time.sleep(3)  # let the servers settle between levels
    return results


# --- report ----------------------------------------------------------------------------


def ratios(ours: dict, base: dict) -> dict:
    out = {}
    for level, o in ours.items():
        b = base.get(level)
        if not b:
            continue
        out[level] = {
            key: (round(o[key] / b[key], 2) if b[key] else None)
            for key in ("p50_ms", "p95_ms", "p99_ms", "turns_per_s")
        }
        out[level]["memory"] = (
            round(sum(o["peak_rss_mb"].values()) / sum(b["peak_rss_mb"].values()), 2)
            if sum(b["peak_rss_mb"].values())
            else None
        )
    return out


def markdown(report: dict) -> str:
    lines = [
        "| bot | visitors | turns/s | p50 ms | p95 ms | p99 ms | errors / turns | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for bot in ("ours", "baseline"):
        for level, s in report.get(bot, {}).items():
            rss = ", ".join(f"{k} {v:.0f}" for k, v in s["peak_rss_mb"].items())
            lines.append(
                f"| {bot} | {level} | {s['turns_per_s']:.2f} | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} "
                f"| {s['p99_ms']:.0f} | {s['errors']} / {s['turns']} | {rss} |"
            )
    lines += [
        "",
        "| visitors | p50 ours/baseline | p95 ours/baseline | p99 ours/baseline "
        "| throughput ours/baseline | memory ours/baseline |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level, r in report["ratios"].items():
        lines.append(
            f"| {level} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['turns_per_s']} "
            f"| {r['memory']} |"
        )
    return "\n".join(lines)


def chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    colours = {"p50_ms": "tab:green", "p95_ms": "tab:orange", "p99_ms": "tab:red"}
    for bot, style in (("ours", "-o"), ("baseline", "--s")):
        levels = [int(level) for level in report.get(bot, {})]
        for key, colour in colours.items():
            ax.plot(
                levels,
                [report[bot][str(level)][key] for level in levels],
                style,
                color=colour,
                label=f"{bot} {key[:3]}",
            )
    ax.set_xlabel("concurrent visitors")
    ax.set_ylabel("latency per turn (ms)")
    ax.set_yscale("log")
    ax.set_xticks([int(level) for level in report["ours"]])
    ax.set_title("REST turn latency: sourcing assistant vs `rasa init` baseline")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 s per level instead of 60 s")
    parser.add_argument("--run-time", type=int, help="seconds per level (overrides --quick)")
    parser.add_argument(
        "--levels", default=",".join(map(str, LEVELS)), help="concurrent visitors, e.g. 1,10,30"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="results folder")
    parser.add_argument("--skip-baseline", action="store_true", help="measure our assistant only")
    parser.add_argument(
        "--baseline-from",
        type=Path,
        help="with --skip-baseline: take the baseline's numbers from an earlier bench.json",
    )
    parser.add_argument("--tag", help="suffix for the result files, e.g. bench-<tag>.json")
    parser.add_argument(
        "--baseline-dir",
        type=Path,
        help="reuse (or create) the `rasa init` project here instead of a temporary folder",
    )
    args = parser.parse_args(argv)
    seconds = args.run_time or (20 if args.quick else 60)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    if any(not 1 <= n <= 50 for n in levels) or not 5 <= seconds <= 300:
        parser.error("levels must be 1..50 visitors and run time 5..300 s (a shared 2-core machine)")
    out = args.out
    (out / "locust").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        base_dir = args.baseline_dir.resolve() if args.baseline_dir else work / "baseline" / "project"
        base_model = None if args.skip_baseline else build_baseline(base_dir)

        log(
            f"ours: starting Rasa on {OURS_PORT} and actions on {OURS_ACTION_PORT} (logs: {work / 'ours' / 'logs'})"
        )
        (work / "ours").mkdir()
        ours_servers = start_ours(work / "ours")
        try:
            rasa_proc, action_proc = ours_servers.procs[1], ours_servers.procs[0]
            ours = bench_server(
                "ours",
                ours_servers.rasa_url,
                {"rasa": rasa_proc.pid, "actions": action_proc.pid},
                levels,
                seconds,
                False,
                out,
            )
        finally:
            ours_servers.stop()
            for log_file in (work / "ours" / "logs").glob("*.log"):
                shutil.copy(log_file, out / f"ours-{log_file.name}")

        base = json.loads(args.baseline_from.read_text())["baseline"] if args.baseline_from else {}
        if base_model:
            log(f"baseline: starting `rasa run` on {BASELINE_PORT}")
            baseline_server = BaselineServer(base_dir, base_model).start()
            try:
                base = bench_server(
                    "baseline",
                    baseline_server.rasa_url,
                    {"rasa": baseline_server.procs[0].pid},
                    levels,
                    seconds,
                    True,
                    out,
                )
            finally:
                baseline_server.stop()

    report = {
        "meta": {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds_per_level": seconds,
            "levels": levels,
            "think_time_s": [
                float(os.environ.get("BENCH_THINK_MIN", "1")),
                float(os.environ.get("BENCH_THINK_MAX", "3")),
            ],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "model": str(settings.ROOT / "models" / "current.tar.gz"),
            "baseline": "rasa init --no-prompt (default config), SQLite tracker store, REST",
            "ours": "models/current.tar.gz + action server, SQLite tracker store and sales DB, REST",
            "note": "locust runs on the same machine; percentiles are locust's (ms, rounded above 100 ms)",
            "wall_time_s": None,
        },
        "ours": ours,
        "baseline": base,
    }
    report["ratios"] = ratios(ours, base)
    report["meta"]["wall_time_s"] = round(time.monotonic() - started)
    suffix = f"-{args.tag}" if args.tag else ""
    (out / f"bench{suffix}.json").write_text(json.dumps(report, indent=2) + "\n")
    chart(report, out / f"latency{suffix}.png")
    table = markdown(report)
    (out / f"bench{suffix}.md").write_text(table + "\n")
    print()
    print(table)
    print(
        f"\nresults: {out / f'bench{suffix}.json'}, chart: {out / f'latency{suffix}.png'} "
        f"(wall time {report['meta']['wall_time_s']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
