"""`bot leads ...`: what sales use to read, export, erase and deliver leads (and their alerts).

Everything printed passes sanitize.for_terminal (visitor text may hold escape codes) and
every CSV cell sanitize.for_csv (a cell starting with = + - @ would run as a formula).
"""

from __future__ import annotations

import argparse
import csv
import sys
from contextlib import nullcontext

from sqlalchemy.exc import SQLAlchemyError

from bot import db, json_output
from bot.sales import outbox, privacy, repository, routing, sanitize, serialize, transcript, validation
from bot.sales.serialize import ANSWER_COLUMNS
from bot.settings import get_settings

CSV_FIELDS = (
    "id",
    "created_at",
    "name",
    "email",
    "company",
    *ANSWER_COLUMNS,
    "phone",
    "consent",
    "score",
    "qualified",
    "reasons",
    "conversation_id",
    "page_url",
    "owner",
    "recommendation",
)


class CommandError(Exception):
    """Reported as one line on stderr with exit code 1."""


def _engine(args):
    url = args.db_url or get_settings().sales_db_url
    try:
        db.upgrade(url)  # idempotent: the CLI works on a brand-new database too
    except Exception as exc:
        raise CommandError(
            f"cannot open the sales database {db.safe_url(url)}: {db.error_line(exc)}"
        ) from None
    return db.engine_for(url)


def _cmd_list(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        leads = [
            serialize.lead_to_dict(lead)
            for lead in repository.list_leads(session, qualified=True if args.qualified else None)
        ]
    if args.json:
        json_output.write(leads)
        return 0
    if not leads:
        print("no leads yet")
        return 0
    rows: list[tuple[str, ...]] = [
        ("ID", "CREATED (UTC)", "SCORE", "QUALIFIED", "OWNER", "NAME", "COMPANY", "SERVICE", "EMAIL")
    ]
    for lead in leads:
        rows.append(
            (
                str(lead["id"]),
                lead["created_at"][:16].replace("T", " "),
                str(lead["score"]),
                "yes" if lead["qualified"] else "no",
                lead["owner"] or "-",
                lead["name"] or "",
                lead["company"] or "",
                lead["service"] or (f"need: {lead['need']}" if lead.get("need") else ""),
                lead["email"] or "",
            )
        )
    rows = [tuple(sanitize.for_terminal(cell) for cell in row) for row in rows]
    widths = [min(30, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip())
    return 0


def _cmd_show(args) -> int:
    engine = _engine(args)
    with db.session_scope(engine) as session:
        lead = repository.get_lead(session, args.id)
        if lead is None:
            raise CommandError(f"no lead with id {args.id}")
        data = serialize.lead_to_dict(lead)
    owner = routing.owner(data["owner"])
    if owner:  # the id as stored, and who that is in the routing file
        data["owner"] = f"{owner.id} ({owner.name}{', ' + owner.email if owner.email else ''})"
    for key in (
        "id",
        "created_at",
        "name",
        "email",
        "phone",
        "company",
        *ANSWER_COLUMNS,
        "score",
        "qualified",
        "owner",
        "recommendation",
        "conversation_id",
        "page_url",
        "consent_at",
        "consent_text",
    ):
        value = data[key]
        print(f"{key.replace('_', ' '):>16}: {sanitize.for_terminal(value)}")
    print("\nWhy this score:")
    for reason in data["reasons"]:
        print(f"  - {sanitize.for_terminal(reason)}")
    advice = data.get("advice") or {}
    if data.get("recommendation") or advice.get("depends_on"):
        label = (data["recommendation"] or "it depends").replace("_", " ")
        print(f"\nAdvisor's recommendation: {label}")
        for line in advice.get("reasons") or []:
            print(f"  - {sanitize.for_terminal(line)}")
        for line in advice.get("depends_on") or []:
            print(f"  - depends on {sanitize.for_terminal(line)}")
        if advice.get("services"):
            print(f"  services: {sanitize.for_terminal(', '.join(advice['services']))}")
    print("\nConversation:")
    try:
        lines = transcript.read_transcript(data["conversation_id"], args.tracker_url)
    except SQLAlchemyError as exc:
        print(f"  (tracker store unavailable: {db.error_line(exc)})")
        return 0
    if not lines:
        print("  (no transcript in the tracker store)")
    for line in lines:
        when = line.time.strftime("%Y-%m-%d %H:%M:%S") if line.time else ""
        print(f"  {when} {line.who:>7}: {sanitize.for_terminal(line.text)}")
    return 0


def _cmd_export(args) -> int:
    if args.email:
        return _export_person(args)
    engine = _engine(args)
    with db.session_scope(engine) as session:
        leads = [
            serialize.lead_to_dict(lead)
            for lead in repository.list_leads(session, qualified=True if args.qualified else None)
        ]
    target = nullcontext(sys.stdout) if args.csv == "-" else open(args.csv, "w", newline="", encoding="utf-8")
    with target as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for lead in leads:
            row = {**lead, "reasons": "; ".join(lead["reasons"])}
            writer.writerow({key: sanitize.for_csv(value) for key, value in row.items()})
    if args.csv != "-":
        print(f"exported {len(leads)} lead(s) to {args.csv}")
    return 0


def _export_person(args) -> int:
    data = privacy.export_person(args.email, engine=_engine(args), tracker_url=args.tracker_url)
    out = args.out or "-"
    target = nullcontext(sys.stdout) if out == "-" else open(out, "w", encoding="utf-8")
    with target as fh:
        json_output.write(data, fh)
    if out != "-":
        print(
            f"exported {len(data['leads'])} lead(s) and {len(data['conversations'])} conversation(s) "
            f"of {sanitize.for_terminal(data['subject'])} to {out}"
        )
    return 0


def _cmd_forget(args) -> int:
    engine = _engine(args)
    counts = privacy.forget(args.email, engine=engine, tracker_url=args.tracker_url)
    print(
        f"forgot {sanitize.for_terminal(args.email)}: {counts['leads']} lead(s), {counts['contacts']} "
        f"contact(s), {counts['outbox']} outbox row(s), {counts['events']} tracker event(s) in "
        f"{counts['conversations']} conversation(s), {counts['spooled']} spooled lead(s), "
        f"{counts['ratings']} answer rating(s)"
    )
    return 0


def _cmd_purge(args) -> int:
    counts = privacy.purge(args.older_than, engine=_engine(args), tracker_url=args.tracker_url)
    print(
        f"purged what is older than {args.older_than:g} day(s): {counts['leads']} lead(s), "
        f"{counts['contacts']} contact(s), {counts['outbox']} outbox row(s), {counts['events']} "
        f"tracker event(s) in {counts['conversations']} conversation(s), "
        f"{counts.get('ratings', 0)} answer rating(s)"
    )
    return 0


def _cmd_deliver(args) -> int:
    engine = _engine(args)
    channels = outbox.enabled_channels()
    if not channels:
        raise CommandError(
            "no alert channel is configured (SALES_NOTIFY_EMAIL, SALES_SLACK_WEBHOOK_URL, "
            "SALES_WEBHOOK_URL): there is nowhere to deliver leads to"
        )
    stats = outbox.deliver_pending(engine, timeout=args.timeout)
    print(
        f"{', '.join(channels)}: delivered {stats.delivered}, failed {stats.failed} (will retry), "
        f"gave up {stats.gave_up}"
    )
    return 0


def _run(handler):
    def run(args) -> int:
        try:
            return handler(args)
        except (CommandError, validation.InvalidInput) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except SQLAlchemyError as exc:
            print(f"error: database error: {db.error_line(exc)}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    return run


def register(subparsers) -> None:
    leads = subparsers.add_parser("leads", help="sales leads: list, show, export, forget, purge, deliver")
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

    p = sub.add_parser(
        "export", parents=[common], help="leads as CSV, or one person's data as JSON (--email)"
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--csv", metavar="FILE", help="all leads to a CSV file ('-' for stdout)")
    what.add_argument(
        "--email",
        metavar="ADDRESS",
        help="one person's leads, contact and conversations as JSON (or +CC phone)",
    )
    p.add_argument("--out", metavar="FILE", help="with --email: JSON file (default: stdout)")
    p.add_argument("--qualified", action="store_true", help="with --csv: only qualified leads")
    p.set_defaults(func=_run(_cmd_export))

    p = sub.add_parser(
        "forget", parents=[common], help="erase a person's leads, contact and conversations (no confirmation)"
    )
    p.add_argument("email", help="their e-mail address (or +CC phone number if they left no e-mail)")
    p.set_defaults(func=_run(_cmd_forget))

    p = sub.add_parser(
        "purge",
        parents=[common],
        help="retention: delete leads and conversations older than DAYS (no confirmation)",
    )
    p.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    p.set_defaults(func=_run(_cmd_purge))

    p = sub.add_parser("deliver", parents=[common], help="one delivery pass over the alert outbox")
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(func=_run(_cmd_deliver))
