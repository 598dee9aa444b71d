"""Mappers are configured before the action server's worker threads start."""

import subprocess
import sys

from tests.action_helpers import ROOT


def test_starting_the_workers_configures_every_mapper_first():
    code = (
        "from bot import action_server\n"
        "import actions\n"
        "action_server.start_workers()\n"
        "from bot.db import Base\n"
        "assert Base.registry.mappers and all(m.configured for m in Base.registry.mappers)\n"
        "print({m.class_.__name__ for m in Base.registry.mappers})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"SALES_DB_URL": "sqlite://", "LEAD_SPOOL_DIR": "/nonexistent/spool", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"Service", "SlaTierRow", "Lead"} <= eval(done.stdout.strip().splitlines()[-1])
