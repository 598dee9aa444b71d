"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

Every text that comes from data (intents, typed messages, owners) is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from bot.report import charts
from bot.report.data import Report

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d2733; margin: 0 auto; max-width: 60rem;
  padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
.period { color: #52606d; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #d5dde5; border-radius: .5rem; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; margin-top: .6rem; }
td, th { padding: .2rem .8rem .2rem 0; text-align: left; }
th { border-bottom: 1px solid #d5dde5; } td.n { text-align: right; }
figure { margin: .6rem 0; } figure svg { max-width: 100%; height: auto; }
.none { color: #52606d; font-style: italic; }
"""


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _table(head: tuple[str, ...], rows: list[tuple], numeric_from: int = 1) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td{" class=n" if i >= numeric_from else ""}>{escape(str(v))}</td>' for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def _figure(svg: str, caption: str) -> str:
    return f'<figure role="img" aria-label="{escape(caption)}">{svg}</figure>'


def _none(what: str) -> str:
    return f'<p class="none">No {escape(what)} in this period.</p>'


def _overview(report: Report) -> str:
    c = report.conversations
    cards = [
        ("conversations", len(c.senders)),
        ("questions asked", c.questions),
        ("fallback rate", _pct(c.fallbacks, c.questions)),
        ("“did you mean” rate", _pct(c.clarifications, c.questions)),
        ("off-topic", _pct(c.off_topic, c.questions)),
        ("leads", report.lead_count),
    ]
    return (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{escape(str(v))}</b>{escape(k)}</div>' for k, v in cards)
        + "</div>"
    )


def _conversations(report: Report) -> str:
    c = report.conversations
    if not c.per_day:
        return _none("conversations")
    chart = charts.per_day(c.per_day, report.since.date(), report.until.date())
    return _figure(chart, "Conversations per day")


def _topics(report: Report) -> str:
    top = report.conversations.topics.most_common(12)
    if not top:
        return _none("questions")
    return _figure(
        charts.horizontal_bars([t for t, _ in top], [n for _, n in top], "topics", "questions"),
        "Questions by topic",
    )


def _not_understood(report: Report) -> str:
    c = report.conversations
    rows = [
        ("fallback (“Sorry, I'm not sure I understood”)", c.fallbacks, _pct(c.fallbacks, c.questions)),
        ("“did you mean …?” asked", c.clarifications, _pct(c.clarifications, c.questions)),
        ("off-topic (“I can't help with that”)", c.off_topic, _pct(c.off_topic, c.questions)),
    ]
    top = c.not_understood.most_common(10)
    messages = _table(("message (masked)", "times"), top) if top else _none("messages it did not understand")
    return (
        _table(("answer", "messages", f"of {c.questions} questions"), rows)
        + "<h3>Top messages it did not understand</h3>"
        + messages
    )


def _funnel(report: Report) -> str:
    if not report.funnel or not report.funnel[0].reached:
        return _none("lead forms")
    steps = report.funnel
    figure = _figure(charts.funnel([(s.name, s.reached) for s in steps]), "Lead form funnel")
    rows = [
        (
            s.name,
            s.reached,
            s.dropped if s.name != "submitted" else "",
            _pct(s.dropped, s.reached) if s.name != "submitted" else "",
        )
        for s in steps
    ]
    return figure + _table(("step", "reached", "left here", "drop-off"), rows)


def _leads(report: Report) -> str:
    if not report.lead_count:
        return _none("leads")
    owners = report.leads_by_owner.most_common()
    by_owner = charts.horizontal_bars([o for o, _ in owners], [n for _, n in owners], "owners", "leads")
    return (
        _figure(charts.scores(report.leads_by_band), "Leads by score")
        + _figure(by_owner, "Leads by owner")
        + _table(("owner", "leads"), owners)
    )


def _ratings(report: Report) -> str:
    if not report.ratings:
        return _none("ratings")
    topics = sorted(report.ratings)
    helpful = [report.ratings[t]["helpful"] for t in topics]
    unhelpful = [report.ratings[t]["not_helpful"] for t in topics]
    rows = [(t, h, u) for t, h, u in zip(topics, helpful, unhelpful, strict=False)]
    rows.append(("all answers", sum(helpful), sum(unhelpful)))
    return _figure(charts.ratings(topics, helpful, unhelpful), "Answers rated helpful or not") + _table(
        ("topic", "helpful", "not helpful"), rows
    )


def render(report: Report) -> str:
    period = f"{report.since:%Y-%m-%d %H:%M} to {report.until:%Y-%m-%d %H:%M} UTC"
    sections = [
        ("Conversations per day", _conversations),
        ("Questions by topic", _topics),
        ("What it did not understand", _not_understood),
        ("Lead form: where visitors stop", _funnel),
        ("Leads by score and owner", _leads),
        ("Answers rated by visitors", _ratings),
    ]
    body = "".join(f"<section><h2>{escape(title)}</h2>{part(report)}</section>" for title, part in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing may be fetched: the page carries everything it shows
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Assistant report, {escape(period)}</title><style>{CSS}</style></head><body>"
        f'<h1>What visitors asked the assistant</h1><p class="period">{escape(period)}</p>'
        f"{_overview(report)}{body}</body></html>\n"
    )
