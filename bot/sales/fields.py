"""The lead form's fields, one FieldSpec each (bot.forms.spec), in the order sales read them.

Each spec says how its answer is read (bot.sales.reading), checked (bot.sales.validation),
offered as buttons, skipped, missed twice, corrected, labelled (data/messages/en.yml), stored
(its column of `leads`) and exported (CSV, CRM notes, alerts). The questions themselves and
their hints are domain responses (utter_ask_<slot>, utter_lead_hint_<name>); the order they are
asked in is the domain's `lead_form.required_slots`.

Adding a field: a spec here, its texts (domain.yml slot, question, hint; labels and words in
data/messages/en.yml) and, when it is stored, a migration adding its column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from bot.forms import engine
from bot.forms.spec import Choice, FieldSpec, Stored, stored
from bot.forms.turns import NOT_SURE, SKIPPED, Check, Outcome, Say, Turn
from bot.sales import buckets, reading, sanitize, validation
from bot.text import messages

FORM = "lead_form"

# Slots the form keeps besides the answers.
ATTEMPTS = "lead_attempts"  # {slot: answers that did not fit}
CANCELLED = "lead_cancelled"  # why the form ended early (nothing is stored): STOPPED or GAVE_UP
SKIP_OPTIONAL = "lead_skip_optional"  # "skip the rest"
PHONE_WANTED = "lead_phone_wanted"  # a phone number instead of (or before) the rest
NEED = "lead_need"  # a need described in words where no catalogue service matched
CONSENT_EARLY = "lead_consent_early"  # consent said before its question: the confirmation shows the notice
FLAGS = (ATTEMPTS, CANCELLED, SKIP_OPTIONAL, PHONE_WANTED, NEED, CONSENT_EARLY)
STOPPED = "stopped"  # the visitor asked to stop
GAVE_UP = "gave_up"  # a required answer was missed twice

NAME, EMAIL, PHONE, COMPANY = "lead_name", "lead_email", "lead_phone", "lead_company"
SERVICE, MODEL, CONSENT, CONFIRMED = "lead_service", "lead_model", "lead_consent", "lead_confirmed"


class Catalogue(Protocol):
    """The look-ups the lead form needs from the service catalogue (actions/sales.py: the
    database; None when it is unavailable)."""

    def find_service(self, text: str) -> str | None: ...

    def side_of(self, slug: str) -> str | None: ...

    def service_names(self) -> dict[str, str]: ...


def usable_email(values: Mapping[str, Any]) -> bool:
    return values.get(EMAIL) not in (None, SKIPPED)


def phone_needed(values: Mapping[str, Any]) -> bool:
    return values.get(EMAIL) == SKIPPED or bool(values.get(PHONE_WANTED))


# ----------------------------------------------------------------------------- checks


def check_name(text: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
    try:  # read from the sentence, then the stored form's rules (no formulas, markup, digits)
        return Check(validation.validate_name(reading.read_name(str(text)) or ""))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_name"))


def check_email(text: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
    text = str(text)
    if text == SKIPPED:
        return Check(SKIPPED)
    try:
        email, _free = validation.validate_email(reading.read_email(text) or text)
    except validation.EmailTypo as exc:
        return Check(None, Say("utter_lead_hint_email_typo", {"suggestion": exc.suggestion}))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_email"))
    return Check(email)


def check_company(text: Any, values: Mapping[str, Any] | None = None, ctx: Any = None) -> Check:
    text = str(text)
    company = reading.read_company(text) if text != SKIPPED else SKIPPED
    if not company:
        return Check(None, Say("utter_lead_hint_company"))
    return Check(company)


def check_phone(
    text: Any, values: Mapping[str, Any] | None = None, ctx: Any = None, region: str | None = None
) -> Check:
    values, text = values or {}, str(text)
    if text == SKIPPED or reading.wants_to_skip(text):
        if not usable_email(values):
            return Check(None, Say("utter_lead_need_contact"))
        return Check(SKIPPED)
    try:
        return Check(validation.validate_phone(reading.read_phone(text) or text, region))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_phone"))


def check_service(text: Any, values: Mapping[str, Any] | None = None, ctx: Catalogue | None = None) -> Check:
    """A catalogue slug, "not sure", or None with a hint (buttons show on the second ask)."""
    text = str(text)
    if text in (NOT_SURE, SKIPPED):
        return Check(text)
    slug = ctx.find_service(text) if ctx else None
    if slug:
        return Check(slug)
    return Check(None, Say("utter_lead_hint_service"))


# ----------------------------------------------------------------------------- reading with the turn


def answer_service(turn: Turn, pending: bool, ctx: Catalogue | None) -> Any | None:
    """A catalogue service NLU found or the visitor typed, "not sure", or their words."""
    if not (pending or turn.starting):
        return None  # a service named in passing mid-form is too easily a company's name
    named = [ctx.find_service(v) if ctx else None for v in turn.entities.get("service") or ()]
    if any(named):
        return next(n for n in named if n)
    if not pending or reading.answers_something_else(turn.text):
        return None  # "talk to sales", "yes, you may contact me", "5k a month": not a service
    if reading.reads_not_sure(turn.text) or reading.read_model(turn.text) == NOT_SURE:
        return NOT_SURE
    return turn.text  # a catalogue service (the check looks it up), else perhaps a described need


def answer_model(turn: Turn, pending: bool, ctx: Any = None) -> Any | None:
    found = turn.entities.get("sourcing_model") or ()
    return found[0] if found else reading.read_model(turn.text, pending)


def answer_consent(turn: Turn, pending: bool, ctx: Any = None) -> bool | None:
    if not pending:
        # "yes, you may contact me" before the consent question: it counts when it comes
        return True if turn.answering and reading.gives_consent(turn.text) else None
    return engine.yes_no_answer(turn, pending)


# ----------------------------------------------------------------------------- skipped, missed twice


def email_to_phone(turn: Turn, ctx: Any = None) -> Outcome:
    """No e-mail: a phone number is asked right after."""
    return Outcome({EMAIL: SKIPPED, PHONE_WANTED: True}, [Say("utter_lead_email_to_phone")])


def skip_phone(turn: Turn, ctx: Any = None) -> Outcome:
    if not usable_email(turn.values):
        return engine.missed(LEAD, turn, Say("utter_lead_need_contact"), ctx)
    return Outcome({PHONE: SKIPPED})


def phone_missed(turn: Turn, ctx: Any = None) -> Outcome:
    if usable_email(turn.values):
        return Outcome({PHONE: SKIPPED}, [Say("utter_lead_skipped")])
    return Outcome({CANCELLED: GAVE_UP})  # no way to reach the visitor


def as_given(text: str) -> str | None:
    """The visitor's words, kept when a question was missed twice (bounded, one line)."""
    text = reading.clean(text)
    if (
        not text
        or "@" in text
        or reading.looks_like_question(text)
        or len(text) > 80
        or len(text.split()) > 6
        or not any(c.isalpha() for c in text)
        or reading.wants_to_skip(text)
        or reading.wants_to_stop(text)
        or reading.answers_something_else(text)
    ):
        return None
    return text


def _valid_name(text: str | None) -> str | None:
    try:
        return validation.validate_name(text) if text else None
    except validation.InvalidInput:
        return None


def name_missed(turn: Turn, ctx: Any = None) -> Outcome:
    taken = _valid_name(as_given(turn.text))
    if taken:
        return Outcome({NAME: taken})
    if reading.wants_to_skip(turn.text):
        return Outcome({NAME: SKIPPED})
    return Outcome({CANCELLED: GAVE_UP})


def company_missed(turn: Turn, ctx: Any = None) -> Outcome:
    return Outcome({COMPANY: as_given(turn.text) or SKIPPED})


# ----------------------------------------------------------------------------- buttons


def email_buttons(values: Mapping[str, Any], ctx: Any, retry: bool) -> list[dict]:
    return [engine.button("lead.phone_instead", "a phone number instead")] if retry else []


def phone_buttons(values: Mapping[str, Any], ctx: Any, retry: bool) -> list[dict]:
    return [] if phone_needed(values) else [engine.button(engine.SKIP_BUTTON_KEY, "skip")]


def service_buttons(values: Mapping[str, Any], ctx: Catalogue | None, retry: bool) -> list[dict]:
    options = [
        {"title": name, "payload": "/inform" + json.dumps({"service": slug}, separators=(",", ":"))}
        for slug, name in (ctx.service_names() if ctx else {}).items()
    ]
    options.append(engine.button("forms.not_sure", NOT_SURE))
    return engine.with_tail(LEAD.tail, options, retry)


def yes_no_buttons(yes_key: str) -> Callable[[Mapping[str, Any], Any, bool], list[dict]]:
    def make(values: Mapping[str, Any], ctx: Any, retry: bool) -> list[dict]:
        return [
            {"title": messages.text(yes_key), "payload": "/affirm"},
            {"title": messages.text("forms.no"), "payload": "/deny"},
        ]

    return make


# ----------------------------------------------------------------------------- stored


def clean_text(length: int) -> Callable[[Any], str | None]:
    """Stored free text: no escapes or control characters, one line, bounded."""
    return lambda value: sanitize.plain(value, length) or None


def bucket_value(choices: tuple[buckets.Bucket, ...], parse: Callable[[str], str | None]) -> Callable:
    """A bucket's value as the form read it, else (a lead from elsewhere) the words parsed."""
    allowed = set(buckets.values(choices))
    return lambda value: value if value in allowed else parse(value or "")


def _choices(bucket_list: tuple[buckets.Bucket, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(b.value, b.title) for b in bucket_list)


def _field(name: str, **spec: Any) -> FieldSpec:
    """lead_<name>, with its label and words (data/messages/en.yml) and hint (domain.yml) by name."""
    named = dict(
        slot=f"lead_{name}",
        label=f"lead.label.{name}",
        words=f"lead.words.{name}",
        hint=f"utter_lead_hint_{name}",
    )
    return FieldSpec(**{**named, **spec})


def _bucket(
    slot: str,
    name: str,
    bucket_list: tuple[buckets.Bucket, ...],
    read: Callable[[str, bool], str | None],
    parse: Callable[[str], str | None],
    length: int = 32,
    keeps_not_sure: bool = False,
    in_notes: bool = True,
    **more: Any,
) -> FieldSpec:
    """A question answered by one of fixed buckets (a button or its words); `more` overrides."""
    spec: dict[str, Any] = dict(
        slot=slot,
        label=f"lead.label.{name}",
        read=read,
        check=engine.choice_check(_choices(bucket_list), read, f"utter_lead_hint_{name}"),
        choices=_choices(bucket_list),
        miss_says="utter_lead_skipped",
        words=f"lead.words.{name}",
        hint=f"utter_lead_hint_{name}",
        stored=Stored(
            name if name != "model" else "sourcing_model",
            length,
            bucket_value(bucket_list, parse),
            keeps_not_sure=keeps_not_sure,
            in_notes=in_notes,
        ),
    )
    return FieldSpec(**{**spec, **more})


MODEL_SHOWN = {
    "managed_services": "lead.model.managed_services",
    "it_outsourcing": "lead.model.it_outsourcing",
}


def show_model(value: str) -> str:
    return messages.text(MODEL_SHOWN[value]) if value in MODEL_SHOWN else value


LEAD_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "name",
        read=reading.read_name,
        check=check_name,
        required=True,
        on_miss=name_missed,
        replaced_in_passing=True,
    ),
    _field(
        "email",
        read=reading.read_email,
        check=check_email,
        required=True,
        on_skip=email_to_phone,
        on_miss=email_to_phone,
        buttons=email_buttons,
        replaced_in_passing=True,
        unmistakable=True,  # an address counts even in a message that asks something
    ),
    _field(
        "phone",
        read=reading.read_phone,
        check=check_phone,
        on_skip=skip_phone,
        on_miss=phone_missed,
        buttons=phone_buttons,
        replaced_in_passing=True,
        unmistakable=True,
    ),
    _field(
        "company",
        read=reading.read_company,
        read_in_intro=reading.read_company_in_intro,
        check=check_company,
        required=True,
        on_miss=company_missed,
        replaced_in_passing=True,
    ),
    _bucket(
        "lead_company_size",
        "company_size",
        buckets.COMPANY_SIZES,
        reading.read_company_size,
        validation.parse_company_size,
        length=16,
        export_label="lead.export.company_size",
    ),
    FieldSpec(
        slot=SERVICE,
        label="lead.label.service",
        answer=answer_service,
        check=check_service,
        buttons=service_buttons,
        skip_value=SKIPPED,
        miss_value=NOT_SURE,  # never the visitor's words as a service name (a need is kept apart)
        miss_says="utter_lead_skipped",
        words="lead.words.service",
        from_history=False,  # services named earlier are prefilled from the `service` slot
        hint="utter_lead_hint_service",
        stored=Stored("service", 64, clean_text(64)),
    ),
    FieldSpec(  # not a question: what the visitor described where no catalogue service matched
        slot=NEED,
        label="lead.label.need",
        asked=False,
        stored=Stored("need", 300, clean_text(300)),
    ),
    _bucket(
        MODEL,
        "model",
        buckets.MODELS,
        reading.read_model,
        lambda text: sanitize.plain(text, 32) or None,
        answer=answer_model,
        skip_value=NOT_SURE,
        miss_value=NOT_SURE,
        miss_says=None,
        words="",
        show=show_model,
    ),
    _bucket(
        "lead_budget",
        "budget",
        buckets.BUDGETS,
        reading.read_budget,
        validation.parse_budget,
        keeps_not_sure=True,
    ),
    _bucket(
        "lead_timeline",
        "timeline",
        buckets.TIMELINES,
        reading.read_timeline,
        validation.parse_timeline,
        keeps_not_sure=True,
    ),
    _bucket(
        "lead_role",
        "role",
        buckets.ROLES,
        reading.read_role,
        validation.parse_role,
        in_notes=False,  # a CRM's job title
        read_in_intro=reading.read_role_in_intro,
    ),
    FieldSpec(
        slot=CONSENT,
        answer=answer_consent,
        check=engine.yes_no_check("utter_lead_hint_yes_no"),
        yes_no=True,
        buttons=yes_no_buttons("lead.consent_yes"),
        hint="utter_lead_hint_yes_no",
    ),
    FieldSpec(
        slot=CONFIRMED,
        answer=engine.yes_no_answer,
        check=engine.yes_no_check("utter_lead_hint_yes_no"),
        yes_no=True,
        buttons=yes_no_buttons("lead.confirm_yes"),
        hint="utter_lead_hint_yes_no",
    ),
)

LEAD = engine.Form(
    name=FORM,
    fields=LEAD_FIELDS,
    attempts=ATTEMPTS,
    intro=NAME,
    tail=(engine.button("forms.skip_rest", "skip the rest"),),
)
# The columns of `leads` that hold the form's answers, in the spec list's order (the contact
# details are columns of their own: bot.sales.repository validates them and keys contacts by them).
ANSWERS: tuple[FieldSpec, ...] = stored(LEAD_FIELDS)
