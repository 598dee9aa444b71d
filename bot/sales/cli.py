"""`bot leads ...`: what sales use to read, export, erase and deliver leads."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from contextlib import nullcontext

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import db, settings
from bot.sales import repository, transcript, validation, webhook

CSV_FIELDS = (
    "id", "created_at", "name", "email", "company", "company_size", "service",
    "sourcing_model", "budget", "timeline", "role", "phone", "consent", "score",
    "qualified", "reasons", "conversation_id", "page_url", "recommendation",
)


class CommandError(Exception):
    """Reported as one line on stderr with exit code 1."""


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid URL>"


def _engine(args):
    url = args.db_url or settings.sales_db_url()
    try:
        db.upgrade(url)  # idempotent: the CLI works on a brand-new database too
    except Exception as exc:
        raise CommandError(f"cannot open the sales database {_safe_url(url)}: {_reason(exc)}") from None
    return db.engine_for(url)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _cmd_list(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        leads = [repository.lead_to_dict(lead) for lead in
                 repository.list_leads(session, qualified=True if args.qualified else None)]
    if args.json:
        json.dump(leads, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not leads:
        print("no leads yet")
        return 0
    rows = [("ID", "CREATED (UTC)", "SCORE", "QUALIFIED", "NAME", "COMPANY", "SERVICE", "EMAIL")]
    for lead in leads:
        rows.append((str(lead["id"]), lead["created_at"][:16].replace("T", " "), str(lead["score"]),
                     "yes" if lead["qualified"] else "no", lead["name"] or "", lead["company"] or "",
                     lead["service"] or "", lead["email"]))
    widths = [min(30, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def _cmd_show(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        lead = repository.get_lead(session, args.id)
        if lead is None:
            raise CommandError(f"no lead with id {args.id}")
        data = repository.lead_to_dict(lead)
    for key in ("id", "created_at", "name", "email", "phone", "company", "company_size", "role",
                "service", "sourcing_model", "budget", "timeline", "score", "qualified",
                "conversation_id", "page_url", "consent_at", "consent_text"):
        value = data[key]
        print(f"{key.replace('_', ' '):>16}: {'' if value is None else value}")
    print("\nWhy this score:")
    for reason in data["reasons"]:
        print(f"  - {reason}")
    advice = data.get("advice") or {}
    if data.get("recommendation") or advice.get("depends_on"):
        label = (data["recommendation"] or "it depends").replace("_", " ")
        print(f"\nAdvisor's recommendation: {label}")
        for line in advice.get("reasons") or []:
            print(f"  - {line}")
        for line in advice.get("depends_on") or []:
            print(f"  - depends on {line}")
        if advice.get("services"):
            print(f"  services: {', '.join(advice['services'])}")
    print("\nConversation:")
    try:
        lines = transcript.read_transcript(data["conversation_id"], args.tracker_url)
    except SQLAlchemyError as exc:
        print(f"  (tracker store unavailable: {_reason(exc)})")
        return 0
    if not lines:
        print("  (no transcript in the tracker store)")
    for line in lines:
        when = line.time.strftime("%Y-%m-%d %H:%M:%S") if line.time else ""
        print(f"  {when} {line.who:>7}: {line.text}")
    return 0


def _cmd_export(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        leads = [repository.lead_to_dict(lead) for lead in
                 repository.list_leads(session, qualified=True if args.qualified else None)]
    target = nullcontext(sys.stdout) if args.csv == "-" else open(args.csv, "w", newline="", encoding="utf-8")
    with target as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for lead in leads:
            writer.writerow({**lead, "reasons": "; ".join(lead["reasons"])})
    if args.csv != "-":
        print(f"exported {len(leads)} lead(s) to {args.csv}")
    return 0


def _cmd_forget(args) -> int:
    engine = _engine(args)
    counts = repository.forget(args.email, engine=engine, tracker_url=args.tracker_url)
    print(f"forgot {args.email}: {counts['leads']} lead(s), {counts['contacts']} contact(s), "
          f"{counts['outbox']} outbox row(s), {counts['events']} tracker event(s)")
    return 0


def _cmd_deliver(args) -> int:
    engine = _engine(args)
    url = args.webhook_url or None
    if not (url or os.environ.get("SALES_WEBHOOK_URL")):
        raise CommandError("SALES_WEBHOOK_URL is not set: there is nowhere to deliver leads to")
    stats = webhook.deliver_pending(engine, url=url, timeout=args.timeout)
    print(f"delivered {stats.delivered}, failed {stats.failed} (will retry), gave up {stats.gave_up}")
    return 0


def _run(handler):
    def run(args) -> int:
        try:
            return handler(args)
        except (CommandError, validation.InvalidInput) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except SQLAlchemyError as exc:
            print(f"error: database error: {_reason(exc)}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


def register(subparsers) -> None:
    leads = subparsers.add_parser("leads", help="sales leads: list, show, export, forget, deliver")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db-url", help="sales database URL (default: SALES_DB_URL)")
    common.add_argument("--tracker-url", help="Rasa tracker store URL (default: TRACKER_DB_URL)")
    sub = leads.add_subparsers(dest="leads_command", required=True)

    p = sub.add_parser("list", parents=[common], help="newest leads first")
    p.add_argument("--qualified", action="store_true", help="only qualified leads")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.set_defaults(func=_run(_cmd_list))

    p = sub.add_parser("show", parents=[common], help="one lead with reasons and transcript")
    p.add_argument("id", type=int)
    p.set_defaults(func=_run(_cmd_show))

    p = sub.add_parser("export", parents=[common], help="write leads to a CSV file")
    p.add_argument("--csv", required=True, metavar="FILE", help="output file ('-' for stdout)")
    p.add_argument("--qualified", action="store_true", help="only qualified leads")
    p.set_defaults(func=_run(_cmd_export))

    p = sub.add_parser("forget", parents=[common],
                       help="erase a person's leads, contact and conversations (no confirmation)")
    p.add_argument("email", help="their e-mail address (or +CC phone number if they left no e-mail)")
    p.set_defaults(func=_run(_cmd_forget))

    p = sub.add_parser("deliver", parents=[common], help="one webhook delivery pass over the outbox")
    p.add_argument("--webhook-url", help="default: SALES_WEBHOOK_URL")
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(func=_run(_cmd_deliver))
