"""The lead form's rules, without Rasa: which questions to ask, what a typed answer means,
what to say back, and when to stop asking.

What each field is (its reader, check, buttons, what a skip or a second miss does, its words and
label) is its spec in bot.sales.fields, run by bot.forms.engine; this module is what the lead form
does across its fields. actions/sales.py only moves values between the tracker and these
functions. The form:
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.forms import engine
from bot.forms.spec import questions
from bot.forms.turns import (  # noqa: F401  (the lead form's adapter and tests use them as form.*)
    MAX_ASKS,
    NOT_SURE,
    SKIPPED,
    Check,
    Outcome,
    Say,
    Turn,
    is_digression,
)
from bot.forms.turns import fresh_message as _fresh_message
from bot.sales import reading
from bot.sales.fields import (  # noqa: F401  (the lead form's adapter and tests use them as form.*)
    ANSWERS,
    ATTEMPTS,
    CANCELLED,
    CONSENT,
    CONSENT_EARLY,
    EMAIL,
    FLAGS,
    FORM,
    GAVE_UP,
    LEAD,
    LEAD_FIELDS,
    MODEL,
    NEED,
    PHONE,
    PHONE_WANTED,
    SERVICE,
    SKIP_OPTIONAL,
    STOPPED,
    Catalogue,
    as_given,
    check_phone,
    phone_needed,
    usable_email,
)
from bot.sales.repository import LeadInput
from bot.text import messages

NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier: NLU unsure (the form reads the message first)

QUESTIONS = questions(LEAD_FIELDS)
YES_NO = tuple(spec.slot for spec in LEAD_FIELDS if spec.yes_no)
# every question's check, by slot (a check takes the raw answer, the form's values, the catalogue)
CHECKS: dict[str, Callable[..., Check]] = {
    spec.slot: spec.check for spec in LEAD_FIELDS if spec.asked and spec.check
}
PHONE_INSTEAD_BUTTON = engine.button("lead.phone_instead", "a phone number instead")


def is_optional(slot: str) -> bool:
    return LEAD.spec(slot).optional


def fresh_message(events: Sequence[Mapping[str, Any]]) -> bool:
    """True when no other action ran between the latest visitor message and the lead form."""
    return _fresh_message(events, FORM)


# ----------------------------------------------------------------------------- which questions


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
        slots = [s for s in slots if s != PHONE]
        at = slots.index(EMAIL) + 1 if EMAIL in slots else 0
        slots.insert(at, PHONE)
    if values.get(CONSENT) is False:
        slots = [s for s in slots if s != "lead_confirmed"]
    return slots


# ----------------------------------------------------------------------------- what a message says


def _reads_own_answer(slot: str | None, text: str) -> bool:
    spec = LEAD.spec(slot) if slot and LEAD.has(slot) else None
    return bool(spec and spec.read and spec.read(text, True) is not None)


def control(turn: Turn, catalogue: Catalogue | None = None) -> Outcome | None:
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
    if slot == EMAIL and not reading.read_email(text) and reading.read_phone(text, pending=False):
        phone = check_phone(reading.read_phone(text) or "", {EMAIL: "x"}).value
        if phone not in (None, SKIPPED):  # a phone number where the e-mail was asked: take it instead
            return Outcome({PHONE: phone, EMAIL: SKIPPED, PHONE_WANTED: True})
    if slot != PHONE and reading.offers_phone_instead(text):
        outcome = Outcome({PHONE_WANTED: True})
        if not usable_email(values):
            outcome.slots[EMAIL] = SKIPPED
        phone = check_phone(reading.read_phone(text) or "", {EMAIL: "x"}).value
        if phone not in (None, SKIPPED):
            outcome.slots[PHONE] = phone  # the number came with the offer
        return outcome
    if reading.wants_to_skip(text) or (
        LEAD.has(slot)
        and LEAD.spec(slot or "").not_sure_skips
        and reading.reads_not_sure(text)
        and not _reads_own_answer(slot, text)
        and not (reading.reads_money(text) or reading.reads_start(text))  # "maybe 5 to 10k a month"
    ):
        return engine.skip(LEAD, turn, catalogue)
    return None


def extract(slot: str, turn: Turn, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """{slot: raw value} when this message answers or corrects `slot`, else {} (bot.forms.engine)."""
    return engine.extract(LEAD, slot, turn, catalogue)


def check(slot: str, value: Any, values: Mapping[str, Any], catalogue: Catalogue | None = None) -> Check:
    """The stored value for an extracted answer, or None and a hint."""
    return engine.check(LEAD, slot, value, values, catalogue)


def missed(turn: Turn, hint: Say | None, catalogue: Catalogue | None = None) -> Outcome:
    """The answer did not fit: say why and ask again, or after the second miss move on."""
    return engine.missed(LEAD, turn, hint, catalogue)


def buttons(slot: str, values: Mapping[str, Any], catalogue: Catalogue | None = None) -> list[dict]:
    """Quick replies for a question; after a miss, also a way to skip it."""
    return engine.buttons(LEAD, slot, values, catalogue)


# ----------------------------------------------------------------------------- after an answer


def after_answer(slot: str, value: Any, side_of: Callable[[str], str | None]) -> dict[str, Any]:
    """Slots implied by an answer: a catalogue service tells the model (no need to ask)."""
    if slot == SERVICE and value not in (None, NOT_SURE, SKIPPED):
        side = side_of(str(value))
        if side:
            return {MODEL: side}
    return {}


def _noted(slots: Mapping[str, Any]) -> str:
    """What a message answered besides the pending question, as the visitor hears it back."""
    parts = []
    for slot, value in slots.items():
        spec = LEAD.spec(slot) if slot and LEAD.has(slot) else None
        if slot == CONSENT and value is True:
            parts.append(messages.text("lead.noted_consent"))
        elif spec and spec.label and value not in (None, SKIPPED) and slot != SERVICE:
            shown = engine.shown(spec, value)
            parts.append(messages.text("lead.noted_field", label=engine.label(spec).lower(), value=shown))
    return messages.text("lead.noted_and").join(parts) or messages.text("lead.noted_nothing")


def _need(turn: Turn, extracted: Mapping[str, Any], validated: Mapping[str, Any]) -> str | None:
    """A need described in words where a service was asked (or corrected) and none matched."""
    typed = extracted.get(SERVICE)
    if typed in (None, NOT_SURE, SKIPPED) or validated.get(SERVICE) is not None:
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
        hint = check(slot, extracted[slot], turn.values).hint
        if hint and slot != SERVICE:
            outcome.say.append(hint)
    need = _need(turn, extracted, validated)
    if need:
        outcome.slots.update({SERVICE: SKIPPED, NEED: need})
        outcome.say.append(Say("utter_lead_need_noted"))
    for slot, value in validated.items():
        for implied, implied_value in after_answer(slot, value, side_of).items():
            if turn.values.get(implied) in (None, NOT_SURE):
                outcome.slots[implied] = implied_value
    if turn.answering and turn.requested != CONSENT and validated.get(CONSENT) is True:
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
        hint = check(turn.requested or "", extracted[turn.requested or ""], turn.values).hint
    missed_outcome = missed(turn, hint)
    outcome.slots.update(missed_outcome.slots)
    outcome.say.extend(missed_outcome.say)
    return outcome


# ----------------------------------------------------------------------------- the result


def summary(
    values: Mapping[str, Any], service_names: Mapping[str, str] | None = None, advice: str | None = None
) -> str:
    """What will be sent to sales, for the visitor to confirm ("Name: ...; E-mail: ...");
    `advice` is the advisor's recommendation as the visitor heard it, sent along with the lead."""
    parts = engine.summary(LEAD_FIELDS, values, service_names or {})
    if advice:
        parts.append(messages.text("lead.summary_advice", advice=advice))
    return "; ".join(parts)


def lead_input(
    values: Mapping[str, Any],
    conversation_id: str,
    page_url: str | None,
    consent_text: str,
    advice: Mapping[str, Any] | None = None,
) -> LeadInput:
    def given(key: str, keeps_not_sure: bool = False) -> Any:
        value = values.get(key)
        empty = (None, "", SKIPPED) if keeps_not_sure else (None, "", SKIPPED, NOT_SURE)
        return None if value in empty else value

    # "not sure" is an answer where it is one of the choices that score (budget, start)
    answers = {
        spec.stored.column: given(spec.slot, keeps_not_sure=spec.stored.keeps_not_sure)
        for spec in ANSWERS
        if spec.stored
    }
    return LeadInput(
        conversation_id=conversation_id,
        name=values["lead_name"],
        email=given(EMAIL),
        consent=bool(values.get(CONSENT)),
        consent_text=consent_text,
        company=given("lead_company"),
        phone=given(PHONE),
        page_url=page_url,
        recommendation=(advice or {}).get("recommendation"),
        advice=dict(advice) if advice else None,
        **answers,
    )


# ----------------------------------------------------------------------------- for the actions


@dataclass(frozen=True)
class LeadRules:
    """The lead form as actions/forms.py runs it (engine.FormRules), with the catalogue's look-ups."""

    catalogue: Catalogue
    form: engine.Form = LEAD

    def questions(self, domain_slots: Sequence[str], values: Mapping[str, Any]) -> list[str]:
        return required_slots(domain_slots, values)

    def control(self, turn: Turn) -> Outcome | None:
        return control(turn, self.catalogue)

    def extract(self, slot: str, turn: Turn) -> dict[str, Any]:
        return extract(slot, turn, self.catalogue)

    def check(self, slot: str, value: Any, values: Mapping[str, Any]) -> Check:
        return check(slot, value, values, self.catalogue)

    def settle(
        self, turn: Turn, extracted: Mapping[str, Any], validated: Mapping[str, Any]
    ) -> Outcome | None:
        return settle(turn, extracted, validated, self.catalogue.side_of)

    def focus(self, answers: Mapping[str, Any]) -> str | None:
        service = answers.get(SERVICE)
        return service if isinstance(service, str) and service not in (NOT_SURE, SKIPPED) else None

    def buttons(self, slot: str, values: Mapping[str, Any]) -> list[dict]:
        return buttons(slot, values, self.catalogue)
