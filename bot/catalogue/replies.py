"""What the assistant says to a catalogue question: the rules, without Rasa.

Actions pass in what NLU found (service spans, side) and the service discussed last;
this module asks bot.catalogue.queries and formats with bot.catalogue.answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.catalogue import answers, queries
from bot.catalogue.queries import ServiceInfo
from bot.knowledge import SALES_BUTTON
from bot.text import buttons, messages

MAX_SERVICE_BUTTONS = 6

# Words that make up "what services do you offer?"-style questions; what is left after
# removing them is the thing asked about ("mainframe hosting"). Theme -> the words that name it.
_GENERIC = frozenset(messages.words("catalogue_question"))
THEME_WORDS: dict[str, list[str]] = messages.words("catalogue_themes")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[dict] = field(default_factory=list)
    service: str | None = None  # slug now under discussion (for price/SLA follow-ups)


def _service_button(service: ServiceInfo) -> dict:
    payload = "/ask_catalogue_service" + json.dumps({"service": service.slug}, separators=(",", ":"))
    return {"title": service.name, "payload": payload}


def _detail_buttons() -> list[dict]:
    return [buttons.PRICE, buttons.SLA, SALES_BUTTON]


def leftover_query(text: str) -> str:
    """The specific thing asked about, once the generic question words are gone."""
    words = re.findall(r"[\w/&+-]+", (text or "").lower())
    return " ".join(w for w in words if w not in _GENERIC and not w.startswith("/"))


def theme_in(text: str, themes: list[str]) -> str | None:
    lowered = f" {(text or '').lower()} "
    for theme in themes:
        for word in THEME_WORDS.get(theme, (theme,)):
            if re.search(rf"\b{re.escape(word)}\b", lowered):
                return theme
    return None


def services_named(session: Session, mentions: list[str], text: str) -> list[ServiceInfo]:
    """Services named by NLU spans (or slugs from buttons), else found in the sentence."""
    found: list[ServiceInfo] = []
    for mention in mentions:
        service = queries.get_service(session, mention) or queries.find_service(session, mention)
        if service and service not in found:
            found.append(service)
    if not found and text and not text.startswith("/"):
        found = queries.find_services_in_text(session, text)
    return found


def describe_one(service: ServiceInfo) -> Reply:
    return Reply(answers.describe(service), _detail_buttons(), service.slug)


def list_reply(session: Session, side: str | None, theme: str | None) -> Reply:
    services = queries.list_services(session, side=side, theme=theme)
    buttons = [_service_button(s) for s in services[:MAX_SERVICE_BUTTONS]] + [SALES_BUTTON]
    return Reply(answers.list_text(services, side=side, theme=theme), buttons)


def overview_reply(session: Session) -> Reply:
    managed = queries.list_services(session, side="managed_services")
    outsourcing = queries.list_services(session, side="it_outsourcing")
    text = messages.text("catalogue.overview", managed=len(managed), outsourcing=len(outsourcing))
    offered = [
        messages.button(
            "catalogue.side_button.managed_services",
            '/ask_catalogue_service{"sourcing_model":"managed_services"}',
        ),
        messages.button(
            "catalogue.side_button.it_outsourcing",
            '/ask_catalogue_service{"sourcing_model":"it_outsourcing"}',
        ),
        messages.button("catalogue.theme_button.security", "/ask_catalogue_service" + '{"theme":"security"}'),
        SALES_BUTTON,
    ]
    return Reply(text, offered)


def answer_question(
    session: Session, text: str, mentions: list[str], side: str | None, theme: str | None = None
) -> Reply:
    """Reply to "do you offer X?", "what managed services do you have?", "security services?"."""
    named = services_named(session, mentions, text)
    if len(named) == 1 and answers.asks_duration(text):
        return Reply(answers.duration_text(named[0]), _detail_buttons(), named[0].slug)
    if len(named) == 1:
        return describe_one(named[0])
    if named:
        listed = answers.list_text(named)
        return Reply(listed, [_service_button(s) for s in named[:MAX_SERVICE_BUTTONS]] + [SALES_BUTTON])
    theme = theme or theme_in(text, queries.list_themes(session))
    query = leftover_query(text)
    if theme or side:
        return list_reply(session, side, theme)
    if not query:
        return overview_reply(session)
    suggestions = queries.suggest(session, query)
    buttons = [_service_button(s) for s in suggestions] + [SALES_BUTTON]
    return Reply(answers.not_found_text(query, suggestions), buttons)


def _about(session: Session, mentions: list[str], text: str, last_service: str | None) -> ServiceInfo | None:
    named = services_named(session, mentions, text)
    if named:
        return named[0]
    return queries.get_service(session, last_service) if last_service else None


def price_reply(session: Session, text: str, mentions: list[str], last_service: str | None) -> Reply | None:
    """The price of the service named or in focus; None when there is none (ask which:
    bot.catalogue.choices)."""
    service = _about(session, mentions, text, last_service)
    if service is None:
        return None
    return Reply(answers.price_text(service), _detail_buttons()[1:], service.slug)


def sla_reply(session: Session, text: str, mentions: list[str], last_service: str | None) -> Reply | None:
    """The SLA tiers of the service named or in focus; None when there is none."""
    service = _about(session, mentions, text, last_service)
    if service is None:
        return None
    return Reply(answers.sla_text(service), [_detail_buttons()[0], SALES_BUTTON], service.slug)


UNAVAILABLE = Reply(messages.text("catalogue.unavailable"), [SALES_BUTTON])
