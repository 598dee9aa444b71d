"""What a sales alert says, built from the lead in the database when it is sent.

One alert per lead: a summary of what the visitor told us, the score with its reasons,
the advisor's recommendation when there is one, the owner, and the command that shows
the conversation. The e-mail gets it as plain text; Slack as mrkdwn with the characters
Slack reads as markup escaped, so a company called "<!channel>" pings nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalogue.models import Service
from bot.forms import engine
from bot.sales import routing
from bot.sales.fields import ANSWERS
from bot.sales.models import Lead
from bot.text import messages

LABELS = {
    "managed_services": "managed services",
    "it_outsourcing": "IT outsourcing",
    "staff_augmentation": "staff augmentation",
    "mix": "a mix of managed services and outsourcing",
}
MAX_VALUE = 200  # a typed value longer than this is cut in the alert (the lead keeps it)


@dataclass(frozen=True)
class Alert:
    lead_id: int
    qualified: bool
    score: int
    reasons: tuple[str, ...]
    details: tuple[tuple[str, str], ...]  # (label, value), only what the visitor gave
    recommendation: str | None
    owner: str | None  # "Name <e-mail>" or the owner id
    owner_email: str | None
    transcript: str  # how sales open the conversation


def transcript_command(lead_id: int) -> str:
    return f"bot leads show {lead_id}"


def _plain(value: object) -> str:
    """One line of printable text (a visitor's input never adds lines or control codes)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def answers(lead: Lead, service_names: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    """(label, value) of each answer the lead form stored, as sales read them (bot.sales.fields)."""
    found = []
    for spec in ANSWERS:
        value = getattr(lead, spec.stored.column) if spec.stored else None
        found.append((engine.export_label(spec), engine.shown(spec, value, service_names) if value else None))
    return found


def build(session: Session, lead: Lead) -> Alert:
    service = None
    if lead.service:
        service = session.scalars(select(Service.name).where(Service.slug == lead.service)).first()
    country = routing.country_of(lead.phone)
    names = {lead.service: service} if lead.service and service else {}
    fields = (
        (messages.text("lead.label.name"), lead.name),
        (messages.text("lead.label.email"), lead.email),
        (messages.text("lead.label.phone"), lead.phone),
        (messages.text("lead.label.company"), lead.company),
        *answers(lead, names),
        ("Country", country),
        ("Page", lead.page_url),
    )
    owner = routing.owner(lead.owner)
    if owner:
        owner_text = f"{owner.name} <{owner.email}>" if owner.email else owner.name
    else:
        owner_text = lead.owner  # not (or no longer) in the routing file: the stored id
    return Alert(
        lead_id=lead.id,
        qualified=bool(lead.qualified),
        score=lead.score,
        reasons=tuple(_plain(r) for r in lead.reasons or []),
        details=tuple((label, _plain(value)) for label, value in fields if value),
        recommendation=LABELS.get(lead.recommendation or "", lead.recommendation) or None,
        owner=owner_text,
        owner_email=owner.email if owner else None,
        transcript=transcript_command(lead.id),
    )


def _who(alert: Alert) -> str:
    return dict(alert.details).get("Company") or dict(alert.details).get("Name") or "a visitor"


def subject(alert: Alert) -> str:
    kind = "Qualified lead" if alert.qualified else "New lead"
    return f"{kind} #{alert.lead_id}: {_who(alert)} (score {alert.score})"


def as_text(alert: Alert) -> str:
    """The e-mail body."""
    lines = [subject(alert), ""]
    if alert.recommendation:
        lines += [f"Advisor's recommendation: {alert.recommendation}", ""]
    lines += [f"{label}: {value}" for label, value in alert.details]
    lines += ["", f"Score {alert.score}/100 ({'qualified' if alert.qualified else 'not qualified'}). Why:"]
    lines += [f"  - {reason}" for reason in alert.reasons]
    lines += [
        "",
        f"Owner: {alert.owner or 'nobody yet (no routing rule)'}",
        f"Transcript: run `{alert.transcript}`",
        "",
    ]
    return "\n".join(lines)


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack(alert: Alert) -> dict:
    """An incoming-webhook message (Slack, Mattermost, Rocket.Chat read `text`)."""
    esc = slack_escape
    lines = [f"*{esc(subject(alert))}*"]
    if alert.recommendation:
        lines.append(f"Advisor's recommendation: *{esc(alert.recommendation)}*")
    lines += [f"{esc(label)}: {esc(value)}" for label, value in alert.details]
    lines.append(f"Score {alert.score}/100. Why: " + "; ".join(esc(r) for r in alert.reasons))
    lines.append(f"Owner: {esc(alert.owner or 'nobody yet')} · Transcript: `{esc(alert.transcript)}`")
    return {"text": "\n".join(lines)}
