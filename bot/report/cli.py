"""`bot report --since 7d --out report.html`: what visitors asked, what failed, where the form loses them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import db, settings
from bot.report import data, page
from bot.settings import get_settings


def _run(args: argparse.Namespace) -> int:
    try:
        since = data.parse_since(args.since)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    current = get_settings()
    sales_url = args.db_url or current.sales_db_url
    try:
        db.upgrade(sales_url)  # idempotent: a brand-new database gives an empty report
        report = data.build(
            args.tracker_url or current.tracker_db_url, db.engine_for(sales_url), Path(args.domain), since
        )
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        print(f"error: database error: {reason[0] if reason else type(exc).__name__}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.write_text(page.render(report), encoding="utf-8")
    c = report.conversations
    print(
        f"wrote {out}: {len(c.senders)} conversations, {c.questions} questions, {report.lead_count} leads "
        f"since {since:%Y-%m-%d %H:%M} UTC"
    )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="HTML report: conversations, topics, fallbacks, form funnel, leads"
    )
    p.add_argument("--since", default="7d", help="7d, 24h, 2w, or a date such as 2024-05-01 (default 7d)")
    p.add_argument("--out", default="report.html", metavar="FILE.html", help="where to write the page")
    p.add_argument("--db-url", help="sales database URL (default: SALES_DB_URL)")
    p.add_argument("--tracker-url", help="Rasa tracker store URL (default: TRACKER_DB_URL)")
    p.add_argument(
        "--domain",
        default=str(settings.ROOT / "domain.yml"),
        help="domain.yml, for the lead form's questions",
    )
    p.set_defaults(func=_run)
