"""Importing a module of bot/ or actions/ starts nothing, patches nothing, installs nothing.

Worker threads, the fixes to Rasa and the log policy start from the entry points: the action
server's main() (bot.action_server.start_workers), the channels' blueprint() when the Rasa
server builds them (bot.rasa_server.install), the CLI. A module that did it on import would do
it in every process that imports it: the CLI, the tests, the other server.

Every module is imported in one fresh interpreter (this test process has imported many of them
already), after the third-party packages they use, so only what our modules do is measured.
The same interpreter then calls the entry points' start functions and sees them change what
it measures: the probe would notice a thread, a patch or a log filter.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_import_graph import ROOT, module_files

# alembic's environment script runs migrations when imported: alembic runs it, nobody imports it
NOT_IMPORTABLE = ("bot.migrations",)

PROBE = r"""
import importlib, json, logging, sys, threading

import structlog
import tensorflow  # our NLU components use it; its import is not ours to measure
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor

PATCHABLE = {
    "MessageProcessor.parse_message": lambda: MessageProcessor.parse_message,
    "RemoteAction.run": lambda: RemoteAction.run,
    "RemoteAction._validate_action_result": lambda: RemoteAction._validate_action_result,
    "FormAction.run": lambda: FormAction.run,
    "Agent.handle_message": lambda: Agent.handle_message,
}


OURS = ("root", "bot", "actions")


def state():
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    return {
        "threads": threading.active_count(),
        "patched": sorted(name for name, get in PATCHABLE.items() if get() is not ORIGINAL[name]),
        "log_record_factory": logging.getLogRecordFactory() is not ORIGINAL_FACTORY,
        # any filter; handlers on the root logger and ours (libraries add NullHandlers to theirs)
        "log_handlers_and_filters": sorted(
            f"{logger.name}: {type(item).__name__}"
            for logger in loggers
            for item in (*logger.filters, *(logger.handlers if logger.name.startswith(OURS) else ()))
        ),
        "structlog_processors": [getattr(p, "__qualname__", type(p).__name__) for p in structlog.get_config()["processors"]],
    }


ORIGINAL = {name: get() for name, get in PATCHABLE.items()}
ORIGINAL_FACTORY = logging.getLogRecordFactory()
before = state()
for name in sys.argv[1:]:
    importlib.import_module(name)
imported = state()

from bot import action_server, rasa_server

rasa_server.install()
action_server.start_workers()
started = state()
print(json.dumps({"before": before, "imported": imported, "started": started}))
"""


def our_modules() -> list[str]:
    return [name for name in module_files(ROOT) if not name.startswith(NOT_IMPORTABLE)]


def test_importing_every_module_has_no_side_effect(tmp_path):
    modules = our_modules()
    assert {"actions", "actions.sales", "bot.web.channel", "bot.web.rest", "bot.web.health"} <= set(modules)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "SALES_DB_URL": f"sqlite:///{tmp_path / 'sales.db'}",
            "LEAD_SPOOL_DIR": str(tmp_path / "spool"),
            "HOME": str(tmp_path),
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    before, imported, started = seen["before"], seen["imported"], seen["started"]
    assert imported == before
    # the probe sees what the start functions do, so it would see the same done on import
    assert started["threads"] > before["threads"]
    assert set(started["patched"]) == {
        "MessageProcessor.parse_message",
        "RemoteAction.run",
        "RemoteAction._validate_action_result",
        "FormAction.run",
        "Agent.handle_message",
    }
    assert started["log_record_factory"] and not before["log_record_factory"]
    assert started["structlog_processors"][0] == "visitor_text_scrubber"
