"""`bot catalogue load|list`: publish data/catalogue.yml to the database and inspect it."""

from __future__ import annotations

import argparse
import sys

from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from bot import db, json_output
from bot.knowledge import SIDES
from bot.settings import get_settings


def register(subparsers) -> None:
    cmd = subparsers.add_parser("catalogue", help="service catalogue")
    sub = cmd.add_subparsers(dest="catalogue_command", required=True)

    load = sub.add_parser("load", help="migrate the database, then load the catalogue YAML")
    load.add_argument("--file", help="catalogue YAML (default: CATALOGUE_YAML or data/catalogue.yml)")
    load.add_argument("--url", help="database URL (default: SALES_DB_URL)")
    load.set_defaults(func=cmd_load)

    lst = sub.add_parser("list", help="list active services")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.add_argument("--side", choices=SIDES)
    lst.add_argument("--theme")
    lst.add_argument("--url", help="database URL (default: SALES_DB_URL)")
    lst.set_defaults(func=cmd_list)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _db_error(url: str, exc: Exception) -> str:
    return f"database {db.safe_url(url)} is not usable: {db.error_line(exc)}"


def _connect(url: str):
    """An engine whose database answers; raises SQLAlchemyError otherwise (fast: 5 s timeout)."""
    engine = db.make_engine(url)
    with engine.connect():
        pass
    return engine


def cmd_load(args: argparse.Namespace) -> int:
    from bot.catalogue.loader import CatalogueError, load_into, read_catalogue

    path = args.file or get_settings().catalogue_yaml
    url = args.url or get_settings().sales_db_url
    try:
        read_catalogue(path)  # a bad file fails before the database is touched
    except CatalogueError as exc:
        return _fail(str(exc))
    try:
        _connect(url).dispose()  # fails fast (5 s) when the database does not answer
        report = load_into(url, path)
    except CatalogueError as exc:  # file changed between the two reads
        return _fail(str(exc))
    except (SQLAlchemyError, ImportError) as exc:
        return _fail(_db_error(url, exc))
    except CommandError as exc:  # e.g. the database is at a revision this code does not know
        return _fail(f"migrations failed on {db.safe_url(url)}: {exc}")
    print(f"catalogue {path} -> {db.safe_url(url)}: {report.summary()}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from bot.catalogue.queries import list_services

    url = args.url or get_settings().sales_db_url
    try:
        engine = _connect(url)
        with db.session_scope(engine) as session:
            services = list_services(session, side=args.side, theme=args.theme)
    except (SQLAlchemyError, ImportError) as exc:
        return _fail(_db_error(url, exc) + " (run `bot catalogue load` first?)")
    if args.json:
        rows = [
            dict(
                slug=s.slug,
                name=s.name,
                side=s.side,
                themes=list(s.themes),
                billing_model=s.billing_model,
                price_amount=str(s.price_amount),
                currency=s.currency,
                price_unit=s.price_unit,
                sla_tiers=list(s.sla_tiers),
            )
            for s in services
        ]
        json_output.write(rows)
        return 0
    if not services:
        print("no services (is the catalogue loaded?)")
    for s in services:
        print(f"{s.slug:<30} {s.side:<17} {s.currency} {s.price_amount:>10,.2f} {s.price_unit:<12} {s.name}")
    return 0
