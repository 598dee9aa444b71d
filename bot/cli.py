"""`bot`: the project's console command.

Each area registers its own sub-commands (bot.catalogue.cli, bot.sales.cli, ...), so this
file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bot import settings
from bot.settings import get_settings

# Modules that expose `register(subparsers)`; each adds one top-level sub-command.
COMMAND_MODULES = ("bot.catalogue.cli", "bot.sales.cli", "bot.nlp.cli", "bot.report.cli", "bot.text.cli")


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot import db

    db.upgrade(args.url)
    print("database is at the newest schema")
    return 0


def _shell(_args: argparse.Namespace) -> int:
    import os

    model = str(settings.ROOT / "models" / "current.tar.gz")
    rasa = os.path.join(os.path.dirname(sys.executable), "rasa")
    # the action server must run too: `make run` in another terminal, or `python -m bot.action_server`
    os.execvpe(rasa, [rasa, "shell", "--model", model, "--endpoints", "endpoints.yml"], settings.rasa_env())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Sourcing assistant tools")
    sub = parser.add_subparsers(dest="command", required=True)

    db_cmd = sub.add_parser("db", help="database schema")
    db_sub = db_cmd.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply pending migrations")
    up.add_argument("--url", help="database URL (default: SALES_DB_URL)")
    up.set_defaults(func=_db_upgrade)

    run = sub.add_parser("run", help="start the action server and the Rasa server")
    run.set_defaults(func=lambda _args: __import__("bot.serve").serve.main())
    shell = sub.add_parser("shell", help="chat in the terminal (rasa shell) with the project's settings")
    shell.set_defaults(func=_shell)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        get_settings()
    except settings.ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
