"""The lead form's rules, without Rasa: which questions to ask, what a typed answer means,
what to say back, and when to stop asking.

actions/sales.py only moves values between the tracker and these functions. The form:
- takes an answer that fits the pending question whatever intent NLU picked (bot.sales.reading
  reads the sentence), and an answer that fits another question of the form there (a budget
  typed where the start was asked, "we're about 40 people", "yes, you may contact me"), then
  asks the pending question again; a message that does not fit and is a question of its own
  is left to the digression rules, which answer it and resume the form;
- never takes a request to the assistant as an answer ("talk to sales pls", "help", "go back"):
  asking for sales just continues the form, other requests are answered by the rules or get a
  word on how the form works, and the question follows again (no miss is counted);
- keeps a service typed in words as a catalogue service when it names one, else as the
  visitor's described need (`lead_need`), never as a service name it is not;
- asks a question at most twice: the second time with its buttons and a way to skip, and
  after a second miss it skips the question, takes the text as given, or stops;
- ends with nothing stored when the visitor refuses, takes corrections ("actually my e-mail
  is ...") at any step, a phone number instead of an e-mail, and "skip the rest";
- skips what the conversation already told us (a service, "we're 120 people").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.forms.turns import (  # noqa: F401  (the lead form's adapter and tests use them as form.*)
    MAX_ASKS,
    NOT_SURE,
    SKIPPED,
    Check,
    Outcome,
    Say,
    Turn,
    asked_before,
    count_miss,
    earlier_messages,
    is_digression,
    message_text,
    value_button,
)
from bot.forms.turns import fresh_message as _fresh_message
from bot.sales import buckets, reading, validation
from bot.sales.repository import LeadInput

FORM = "lead_form"

# Slots the form keeps besides the answers.
ATTEMPTS = "lead_attempts"  # {slot: answers that did not fit}
CANCELLED = "lead_cancelled"  # why the form ended early (nothing is stored): STOPPED or GAVE_UP
SKIP_OPTIONAL = "lead_skip_optional"  # "skip the rest"
PHONE_WANTED = "lead_phone_wanted"  # a phone number instead of (or before) the rest
NEED = "lead_need"  # a need described in words where no catalogue service matched
CONSENT_EARLY = "lead_consent_early"  # consent said before its question: the confirmation shows the notice
FLAGS = (ATTEMPTS, CANCELLED, SKIP_OPTIONAL, PHONE_WANTED, NEED, CONSENT_EARLY)
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: NLU unsure (the form reads the message first)
STOPPED = "stopped"  # the visitor asked to stop
GAVE_UP = "gave_up"  # a required answer was missed twice

REQUIRED = ("lead_name", "lead_email", "lead_company")
CLOSING = ("lead_consent", "lead_confirmed")
YES_NO = CLOSING
# questions whose "not sure" is not an answer of its own: it skips them
BUCKETS_WITHOUT_NOT_SURE = frozenset(
    slot for slot, choices in buckets.BY_SLOT.items() if NOT_SURE not in buckets.values(choices)
)

FindService = Callable[[str], "str | None"]  # text or slug -> catalogue slug


def is_optional(slot: str) -> bool:
    return slot not in REQUIRED and slot not in CLOSING


def fresh_message(events: Sequence[Mapping[str, Any]]) -> bool:
    """True when no other action ran between the latest visitor message and the lead form."""
    return _fresh_message(events, FORM)


# ----------------------------------------------------------------------------- which questions


def _usable_email(values: Mapping[str, Any]) -> bool:
    return values.get("lead_email") not in (None, SKIPPED)


def phone_needed(values: Mapping[str, Any]) -> bool:
    return values.get("lead_email") == SKIPPED or bool(values.get(PHONE_WANTED))


def required_slots(form_slots: Sequence[str], values: Mapping[str, Any]) -> list[str]:
    """The questions still part of this form, in the order the domain lists them.

    Cancelled: none. "Skip the rest": name, e-mail, company and the closing questions.
    A phone number asked for (or needed because the e-mail was skipped) comes right
    after the e-mail. No consent: nothing to confirm.
    """
    if values.get(CANCELLED):
        return []
    slots = [s for s in form_slots if not (values.get(SKIP_OPTIONAL) and is_optional(s))]
    if phone_needed(values):
        slots = [s for s in slots if s != "lead_phone"]
        at = slots.index("lead_email") + 1 if "lead_email" in slots else 0
        slots.insert(at, "lead_phone")
    if values.get("lead_consent") is False:
        slots = [s for s in slots if s != "lead_confirmed"]
    return slots


# ----------------------------------------------------------------------------- what a message says


def control(turn: Turn) -> Outcome | None:
    """Messages about the form itself: stop, skip the rest, a phone instead, skip this one."""
    if not turn.answering:
        return None
    text, slot, values = turn.text, turn.requested, turn.values
    if slot in YES_NO and (reading.read_yes_no(text) is False or reading.starts_with_yes(text)):
        return None  # "please don't contact me" answers the question ("sure, but don't call me" is unclear)
    if reading.wants_to_stop(text) and not (slot == "lead_timeline" and reading.read_timeline(text)):
        return Outcome({CANCELLED: STOPPED})
    if reading.wants_to_skip_all(text):
        return Outcome({SKIP_OPTIONAL: True}, [Say("utter_lead_skip_rest")])
    if slot == "lead_email" and not reading.read_email(text) and reading.read_phone(text, pending=False):
        phone = check_phone(reading.read_phone(text) or "", {"lead_email": "x"}).value
        if phone not in (None, SKIPPED):  # a phone number where the e-mail was asked: take it instead
            return Outcome({"lead_phone": phone, "lead_email": SKIPPED, PHONE_WANTED: True})
    if slot != "lead_phone" and reading.offers_phone_instead(text):
        outcome = Outcome({PHONE_WANTED: True})
        if not _usable_email(values):
            outcome.slots["lead_email"] = SKIPPED
        phone = check_phone(reading.read_phone(text) or "", {"lead_email": "x"}).value
        if phone not in (None, SKIPPED):
            outcome.slots["lead_phone"] = phone  # the number came with the offer
        return outcome
    if reading.wants_to_skip(text) or (
        slot in BUCKETS_WITHOUT_NOT_SURE
        and reading.reads_not_sure(text)
        and READERS[slot](text, True) is None
        and not (reading.reads_money(text) or reading.reads_start(text))  # "maybe 5 to 10k a month"
    ):
        return skip(turn)
    return None


def skip(turn: Turn) -> Outcome | None:
    """'skip' for the pending question: optional ones are left out; required ones can't be."""
    slot, values = turn.requested, turn.values
    if slot == "lead_email":
        return Outcome({slot: SKIPPED, PHONE_WANTED: True}, [Say("utter_lead_email_to_phone")])
    if slot == "lead_phone":
        if not _usable_email(values):
            return missed(turn, Say("utter_lead_need_contact"))
        return Outcome({slot: SKIPPED})
    if slot in YES_NO:
        return None  # "no" answers a yes/no question
    if not slot or not is_optional(slot):
        return None  # name and company can't be skipped: the check's hint explains
    return Outcome({slot: NOT_SURE if slot == "lead_model" else SKIPPED})


def _answer(slot: str, text: str, turn: Turn, find_service: FindService) -> Any | None:
    """The raw answer to `slot` in the message being read (None: not answered)."""
    pending = turn.answering and slot == turn.requested
    if slot == "lead_service":
        if not (pending or turn.starting):
            return None  # a service named in passing mid-form is too easily a company's name
        named = [find_service(v) for v in turn.entities.get("service") or ()]
        if any(named):
            return next(n for n in named if n)
        if not pending or reading.answers_something_else(text):
            return None  # "talk to sales", "yes, you may contact me", "5k a month": not a service
        if reading.reads_not_sure(text) or reading.read_model(text) == NOT_SURE:
            return NOT_SURE
        return text  # a catalogue service (the check looks it up), else perhaps a described need
    if slot in YES_NO:
        if not pending:
            # "yes, you may contact me" before the consent question: it counts when it comes
            early = slot == "lead_consent" and turn.answering and reading.gives_consent(text)
            return True if early else None
        answer = reading.read_yes_no(text)
        if answer is None and turn.intent in ("affirm", "deny"):
            answer = turn.intent == "affirm"
        return answer
    if slot == "lead_model" and (turn.entities.get("sourcing_model") or ()):
        return turn.entities["sourcing_model"][0]
    reader = READERS[slot]
    return reader(text, pending)


def extract(slot: str, turn: Turn, find_service: FindService) -> dict[str, Any]:
    """{slot: raw value} when this message answers or corrects `slot`, else {}.

    The pending question takes a bare answer; other questions only explicit statements
    ("my e-mail is ...", "change the company to ..."). When the form starts, the earlier
    messages of the conversation are read too, so nothing is asked twice.
    """
    if not (turn.answering or turn.starting):
        return {}  # back from a digression: that message was not an answer
    if turn.answering and reading.looks_like_question(turn.text) and turn.intent in turn.digressions:
        # a question of its own: only unmistakable details (an address, a number) count
        if slot not in ("lead_email", "lead_phone"):
            return {}
    corrected = reading.corrections(turn.text).get(slot) if turn.answering else None
    if corrected is not None:
        return {slot: corrected}
    value = _answer(slot, turn.text, turn, find_service)
    if value is None and turn.answering and turn.requested == "lead_name" and slot in INTRO_READERS:
        value = INTRO_READERS[slot](turn.text)  # "Maria Rossi, CIO at Vento Srl"
    if value is None and turn.starting and slot not in YES_NO and turn.values.get(slot) is None:
        for earlier in reversed(turn.history):
            if slot == "lead_service":
                break  # services named earlier are prefilled from the conversation's `service` slot
            value = READERS[slot](earlier, False)
            if value is not None:
                break
    if value is None:
        return {}
    if (
        slot != turn.requested
        and turn.values.get(slot) not in (None, SKIPPED)
        and slot not in ("lead_email", "lead_phone", "lead_name", "lead_company")
    ):
        return {}  # an answer given earlier is only replaced by an explicit correction
    return {slot: value}


# ----------------------------------------------------------------------------- checks


def check_name(text: str, values: Mapping[str, Any] | None = None) -> Check:
    try:  # read from the sentence, then the stored form's rules (no formulas, markup, digits)
        return Check(validation.validate_name(reading.read_name(text) or ""))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_name"))


def check_email(text: str, values: Mapping[str, Any] | None = None) -> Check:
    if text == SKIPPED:
        return Check(SKIPPED)
    try:
        email, _free = validation.validate_email(reading.read_email(text) or text)
    except validation.EmailTypo as exc:
        return Check(None, Say("utter_lead_hint_email_typo", {"suggestion": exc.suggestion}))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_email"))
    return Check(email)


def check_company(text: str, values: Mapping[str, Any] | None = None) -> Check:
    company = reading.read_company(text) if text != SKIPPED else SKIPPED
    if not company:
        return Check(None, Say("utter_lead_hint_company"))
    return Check(company)


def _bucket(slot: str, parse: Callable[[str], str | None]) -> Callable[..., Check]:
    allowed = buckets.values(buckets.BY_SLOT[slot])

    def check(text: str, values: Mapping[str, Any] | None = None) -> Check:
        value = (text or "").strip()
        if value in allowed or value == SKIPPED:
            return Check(value)
        parsed = parse(value)
        return Check(parsed) if parsed else Check(None, Say(f"utter_lead_hint_{slot.removeprefix('lead_')}"))

    return check


check_company_size = _bucket("lead_company_size", reading.read_company_size)
check_budget = _bucket("lead_budget", reading.read_budget)
check_timeline = _bucket("lead_timeline", reading.read_timeline)
check_role = _bucket("lead_role", reading.read_role)
check_model = _bucket("lead_model", reading.read_model)


def check_phone(text: str, values: Mapping[str, Any] | None = None, region: str | None = None) -> Check:
    values = values or {}
    if text == SKIPPED or reading.wants_to_skip(text):
        if not _usable_email(values):
            return Check(None, Say("utter_lead_need_contact"))
        return Check(SKIPPED)
    try:
        return Check(validation.validate_phone(reading.read_phone(text) or text, region))
    except validation.InvalidInput:
        return Check(None, Say("utter_lead_hint_phone"))


def check_service(
    text: str, values: Mapping[str, Any] | None = None, find_service: FindService | None = None
) -> Check:
    """A catalogue slug, "not sure", or None with a hint (buttons show on the second ask)."""
    if text in (NOT_SURE, SKIPPED):
        return Check(text)
    slug = find_service(text) if find_service else None
    if slug:
        return Check(slug)
    return Check(None, Say("utter_lead_hint_service"))


def check_yes_no(value: Any, values: Mapping[str, Any] | None = None) -> Check:
    if isinstance(value, bool):
        return Check(value)
    answer = reading.read_yes_no(str(value or ""))
    return Check(answer) if answer is not None else Check(None, Say("utter_lead_hint_yes_no"))


READERS: dict[str, Callable[[str, bool], Any]] = {
    "lead_name": reading.read_name,
    "lead_email": reading.read_email,
    "lead_company": reading.read_company,
    "lead_company_size": reading.read_company_size,
    "lead_model": reading.read_model,
    "lead_budget": reading.read_budget,
    "lead_timeline": reading.read_timeline,
    "lead_role": reading.read_role,
    "lead_phone": reading.read_phone,
}
# what a self-introduction may say besides the name
INTRO_READERS: dict[str, Callable[[str], Any]] = {
    "lead_company": reading.read_company_in_intro,
    "lead_role": reading.read_role_in_intro,
}
CHECKS: dict[str, Callable[..., Check]] = {
    "lead_name": check_name,
    "lead_email": check_email,
    "lead_company": check_company,
    "lead_company_size": check_company_size,
    "lead_service": check_service,
    "lead_model": check_model,
    "lead_budget": check_budget,
    "lead_timeline": check_timeline,
    "lead_role": check_role,
    "lead_phone": check_phone,
    "lead_consent": check_yes_no,
    "lead_confirmed": check_yes_no,
}


def check(slot: str, value: Any, values: Mapping[str, Any], find_service: FindService) -> Check:
    """The stored value for an extracted answer, or None and a hint."""
    if value is None:
        return Check(None)
    if slot == "lead_service":
        return check_service(str(value), values, find_service)
    if slot in YES_NO:
        return check_yes_no(value, values)
    return CHECKS[slot](str(value), values)


# ----------------------------------------------------------------------------- after an answer


def after_answer(slot: str, value: Any, side_of: Callable[[str], str | None]) -> dict[str, Any]:
    """Slots implied by an answer: a catalogue service tells the model (no need to ask)."""
    if slot == "lead_service" and value not in (None, NOT_SURE, SKIPPED):
        side = side_of(str(value))
        if side:
            return {"lead_model": side}
    return {}


def _noted(slots: Mapping[str, Any]) -> str:
    """What a message answered besides the pending question, as the visitor hears it back."""
    labels = dict(FIELD_LABELS)
    parts = []
    for slot, value in slots.items():
        if slot == "lead_consent" and value is True:
            parts.append("that we may contact you")
        elif slot in labels and value not in (None, SKIPPED) and slot != "lead_service":
            shown = MODEL_LABELS.get(str(value), str(value)) if slot == "lead_model" else str(value)
            parts.append(f"your {labels[slot].lower()} ({shown})")
    return " and ".join(parts) or "that"


def _need(turn: Turn, extracted: Mapping[str, Any], validated: Mapping[str, Any]) -> str | None:
    """A need described in words where a service was asked (or corrected) and none matched."""
    typed = extracted.get("lead_service")
    if typed in (None, NOT_SURE, SKIPPED) or validated.get("lead_service") is not None:
        return None
    return reading.read_need(str(typed))


def _asks_for_sales(turn: Turn) -> bool:
    """'talk to sales pls' inside the lead form: the form is the answer, it just goes on."""
    if reading.asks_for_sales(turn.text):
        return True
    return turn.intent == "request_sales_contact" and reading.looks_like_question(turn.text)


def _digression(turn: Turn) -> bool:
    """A question or request of its own that a rule answers before the form asks again."""
    if turn.intent == "request_sales_contact":
        return False  # asking for sales inside the sales form: see _asks_for_sales
    if turn.intent == NLU_FALLBACK:
        return reading.looks_like_question(turn.text)  # the clarifying question (data/rules/sales.yml)
    return is_digression(turn)


def _again(turn: Turn, outcome: Outcome, say: Say | None = None) -> Outcome:
    """Ask the pending question again without counting a miss (the unchanged attempts are set,
    so Rasa sees the form took the message and does not hand it to other rules)."""
    outcome.slots[ATTEMPTS] = dict(turn.values.get(ATTEMPTS) or {})
    if say:
        outcome.say.append(say)
    return outcome


def settle(
    turn: Turn,
    extracted: Mapping[str, Any],
    validated: Mapping[str, Any],
    side_of: Callable[[str], str | None],
) -> Outcome | None:
    """What follows the checks of one message; None when it is a digression.

    - an answer to another question that did not check out keeps the earlier value, and
      the visitor hears why;
    - an answer implies others (a catalogue service gives the model); a service in words that
      the catalogue does not have is kept as the visitor's need;
    - consent said before the consent question is kept (the confirmation shows the notice);
    - the pending question missed: an answer to another question is noted and the question
      asked again; asking for sales goes on with the form; a question of its own goes to the
      digression rules; other requests to the assistant hear how the form works; anything
      else counts as a miss (see `missed`).
    """
    outcome = Outcome(dict(validated))
    for slot, value in validated.items():
        if slot == turn.requested or value is not None or extracted.get(slot) is None:
            continue
        outcome.slots[slot] = turn.values.get(slot)
        hint = check(slot, extracted[slot], turn.values, lambda _text: None).hint
        if hint and slot != "lead_service":
            outcome.say.append(hint)
    need = _need(turn, extracted, validated)
    if need:
        outcome.slots.update({"lead_service": SKIPPED, NEED: need})
        outcome.say.append(Say("utter_lead_need_noted"))
    for slot, value in validated.items():
        for implied, implied_value in after_answer(slot, value, side_of).items():
            if turn.values.get(implied) in (None, NOT_SURE):
                outcome.slots[implied] = implied_value
    if turn.answering and turn.requested != "lead_consent" and validated.get("lead_consent") is True:
        outcome.slots[CONSENT_EARLY] = True
    if not turn.answering or outcome.slots.get(turn.requested or "") is not None:
        return outcome
    changed = {
        slot: value
        for slot, value in outcome.slots.items()
        if slot not in (turn.requested, CONSENT_EARLY)
        and value is not None
        and value != turn.values.get(slot)
    }
    if changed:
        # a correction or an answer to another question: note it, ask the pending one again
        if not outcome.say:
            outcome.say.append(Say("utter_lead_noted", {"noted": _noted(changed)}))
        return outcome
    if _asks_for_sales(turn):
        return _again(turn, outcome)
    if reading.is_command(turn.text) and turn.intent != "help":
        # "go back", "restart", "menu" (whatever intent NLU gave them, "stop" included)
        return _again(turn, outcome, Say("utter_lead_form_help"))
    if _digression(turn):
        return None
    hint = None
    if extracted.get(turn.requested or "") is not None:
        hint = check(
            turn.requested or "", extracted[turn.requested or ""], turn.values, lambda _text: None
        ).hint
    missed_outcome = missed(turn, hint)
    outcome.slots.update(missed_outcome.slots)
    outcome.say.extend(missed_outcome.say)
    return outcome


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


def _valid_name(text: str) -> str | None:
    try:
        return validation.validate_name(text)
    except validation.InvalidInput:
        return None


def missed(turn: Turn, hint: Say | None) -> Outcome:
    """The answer did not fit: say why and ask again, or after the second miss move on."""
    slot = turn.requested or ""
    attempts, last_ask = count_miss(turn, ATTEMPTS)
    outcome = Outcome({ATTEMPTS: attempts})
    if not last_ask:
        outcome.say.append(hint or Say(f"utter_lead_hint_{slot.removeprefix('lead_')}"))
        return outcome
    values = turn.values
    if slot in ("lead_name", "lead_company"):
        taken = as_given(turn.text)
        if taken and slot == "lead_name":
            taken = _valid_name(taken)
        if taken:
            outcome.slots[slot] = taken
        elif slot == "lead_company" or reading.wants_to_skip(turn.text):
            outcome.slots[slot] = SKIPPED
        else:
            outcome.slots[CANCELLED] = GAVE_UP
    elif slot == "lead_email":
        outcome.slots.update({slot: SKIPPED, PHONE_WANTED: True})
        outcome.say.append(Say("utter_lead_email_to_phone"))
    elif slot == "lead_phone":
        if _usable_email(values):
            outcome.slots[slot] = SKIPPED
            outcome.say.append(Say("utter_lead_skipped"))
        else:
            outcome.slots[CANCELLED] = GAVE_UP
    elif slot == "lead_service":
        # never the visitor's words as a service name (a need in words is kept by `settle`)
        outcome.slots[slot] = NOT_SURE
        outcome.say.append(Say("utter_lead_skipped"))
    elif slot == "lead_model":
        outcome.slots[slot] = NOT_SURE
    elif slot in YES_NO:
        outcome.slots[slot] = False
    else:
        outcome.slots[slot] = SKIPPED
        outcome.say.append(Say("utter_lead_skipped"))
    return outcome


# ----------------------------------------------------------------------------- asking


SKIP_REST_BUTTON = value_button("Skip the rest", "skip the rest")
SKIP_BUTTON = value_button("Skip", "skip")
PHONE_INSTEAD_BUTTON = value_button("Give a phone number instead", "a phone number instead")
YES_NO_BUTTONS = {
    "lead_consent": [{"title": "Yes, contact me", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
    "lead_confirmed": [{"title": "Yes, send it", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
}


def buttons(slot: str, values: Mapping[str, Any], services: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """Quick replies for a question; after a miss, also a way to skip it."""
    retry = asked_before(values, ATTEMPTS, slot)
    if slot in YES_NO_BUTTONS:
        return list(YES_NO_BUTTONS[slot])
    if slot == "lead_email":
        return [PHONE_INSTEAD_BUTTON] if retry else []
    if slot == "lead_phone":
        return [] if phone_needed(values) else [SKIP_BUTTON]
    if not is_optional(slot):
        return []
    if slot == "lead_service":
        options = [
            {"title": name, "payload": "/inform" + json.dumps({"service": slug}, separators=(",", ":"))}
            for slug, name in services
        ]
        options.append(value_button("Not sure", NOT_SURE))
    else:
        options = [value_button(b.title, b.value) for b in buckets.BY_SLOT[slot]]
    if retry:
        options.append(SKIP_BUTTON)
    return options + [SKIP_REST_BUTTON]


# ----------------------------------------------------------------------------- the result

FIELD_LABELS = (
    ("lead_name", "Name"),
    ("lead_email", "E-mail"),
    ("lead_phone", "Phone"),
    ("lead_company", "Company"),
    ("lead_company_size", "Size"),
    ("lead_service", "Service"),
    ("lead_need", "Need"),
    ("lead_model", "Model"),
    ("lead_budget", "Budget"),
    ("lead_timeline", "Start"),
    ("lead_role", "Role"),
)
MODEL_LABELS = {"managed_services": "managed services", "it_outsourcing": "IT outsourcing"}


def summary(
    values: Mapping[str, Any], service_names: Mapping[str, str] | None = None, advice: str | None = None
) -> str:
    """What will be sent to sales, for the visitor to confirm ("Name: ...; E-mail: ...");
    `advice` is the advisor's recommendation as the visitor heard it, sent along with the lead."""
    parts = []
    for key, label in FIELD_LABELS:
        value = values.get(key)
        if value is None or value in ("", SKIPPED):
            continue
        value = str(value)
        if key == "lead_service":
            value = (service_names or {}).get(value, value)
        if key == "lead_model":
            value = MODEL_LABELS.get(value, value)
        parts.append(f"{label}: {value}")
    if advice:
        parts.append(f"Our advice: {advice}")
    return "; ".join(parts)


def lead_input(
    values: Mapping[str, Any],
    conversation_id: str,
    page_url: str | None,
    consent_text: str,
    advice: Mapping[str, Any] | None = None,
) -> LeadInput:
    def field_value(key: str) -> Any:
        value = values.get(key)
        return None if value in (None, "", SKIPPED, NOT_SURE) else value

    def bucket(key: str) -> Any:  # "not sure" is an answer here (it scores)
        value = values.get(key)
        return None if value in (None, "", SKIPPED) else value

    return LeadInput(
        conversation_id=conversation_id,
        name=values["lead_name"],
        email=field_value("lead_email"),
        consent=bool(values.get("lead_consent")),
        consent_text=consent_text,
        company=field_value("lead_company"),
        company_size=field_value("lead_company_size"),
        service=field_value("lead_service"),
        sourcing_model=field_value("lead_model"),
        budget=bucket("lead_budget"),
        timeline=bucket("lead_timeline"),
        role=field_value("lead_role"),
        phone=field_value("lead_phone"),
        need=field_value(NEED),
        page_url=page_url,
        recommendation=(advice or {}).get("recommendation"),
        advice=dict(advice) if advice else None,
    )
