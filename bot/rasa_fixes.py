"""Fixes to Rasa 3.6 internals, applied in the Rasa server process.

Applied by bot.rasa_server.install(), which the channels in credentials.yml call when the
Rasa server builds them (importing this module patches nothing). Each fix checks the Rasa version it was written for and does nothing elsewhere.

- Action server responses: RemoteAction._validate_action_result calls
  `jsonschema.validate(result, spec)`, which re-validates the constant schema against
  its meta-schema on every call. Profiled (bench/profile.py): ~53 of 94 ms of Rasa CPU
  per turn with a custom action. The same check by a validator built once costs
  well under a millisecond.
- A message that cannot be handled (lock store or tracker store down, any error
  before the dialogue runs): Rasa's REST channel logs the visitor's text and answers
  `200 []`, socket.io answers nothing, so the visitor waits for a reply that never
  comes. Agent.handle_message now logs the error's type (no text) and tells the visitor
  to send the message again (the domain's `utter_unavailable`).
- A short reply ("yes", "the second", "not sure") is read against the assistant's last turn
  (bot.dialogue.context): MessageProcessor.parse_message gets the tracker, NLU alone does not.
- The action server down, restarting or slow: a custom action that fails or takes longer than
  ACTION_TIMEOUT_SECONDS left the visitor with no reply at all (Rasa logs it and drops the action's
  events). RemoteAction.run now says what bot.degraded decides instead (the article's answers as
  plain responses, an honest "can't look that up" elsewhere); a form whose checks or questions
  cannot run keeps its state (FormAction.run), so a lead in progress resumes after recovery.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.actions.forms import FormAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActiveLoop, Event, SlotSet
from rasa.shared.exceptions import RasaException

from bot import degraded
from bot.dialogue import context
from bot.sales import incidents, outbox
from bot.settings import get_settings

logger = logging.getLogger(__name__)
FIXED_FOR = "3.6."
UNAVAILABLE_RESPONSE = "utter_unavailable"
_applied = False


def _cached_validator():
    spec = RemoteAction.action_response_format_spec()
    return validator_for(spec)(spec)


def _unavailable_reply(agent: Agent) -> dict[str, Any]:
    """The domain's utter_unavailable (its first variation); a bare text if it has none."""
    try:
        variations = agent.domain.responses.get(UNAVAILABLE_RESPONSE) or []
    except Exception:  # no domain loaded: the model itself is missing
        variations = []
    reply = dict(variations[0]) if variations else {}
    reply.setdefault("text", "Sorry, I can't answer right now. Please send your message again in a minute.")
    return reply


def _guard_handle_message(original):
    async def handle_message(self: Agent, message: UserMessage) -> Any:
        try:
            return await original(self, message)
        except Exception as exc:  # whatever failed, the visitor must not wait in silence
            logger.error(
                "could not handle a message for conversation %.64s: %s.%s",
                message.sender_id,
                type(exc).__module__,
                type(exc).__name__,
            )
            try:
                await message.output_channel.send_response(message.sender_id, _unavailable_reply(self))
            except Exception as send_error:
                logger.error("could not tell the visitor either: %s", type(send_error).__name__)
            return None

    handle_message.__wrapped__ = original  # type: ignore[attr-defined]
    return handle_message


# --- the action server down, restarting or slow ------------------------------------------
OUTAGE = degraded.Outage()
DEGRADED = "degraded"  # marks the bot messages said without the action server
GENERIC_REPLY = "Sorry, I can't answer that right now. Please try again in a minute."


class ActionServerUnavailable(RasaException):
    """A form's check or question could not run: the form keeps its state (FormAction.run)."""


def _said_this_turn(tracker: Any, response: str) -> bool:
    for event in reversed(tracker.events):
        if event.type_name == "user":
            return False
        if event.type_name == "bot" and (event.metadata or {}).get(DEGRADED) == response:
            return True
    return False


async def _fallback_events(
    fallback: degraded.Fallback, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> list[Event]:
    if fallback.form and _said_this_turn(tracker, fallback.response):
        return []
    message = await nlg.generate(fallback.response, tracker, output_channel.name(), **dict(fallback.kwargs))
    message = dict(message or {"text": GENERIC_REPLY})
    if fallback.buttons is not None:
        message["buttons"] = [dict(b) for b in fallback.buttons]
    message["utter_action"] = fallback.response
    message[DEGRADED] = fallback.response
    return [create_bot_utterance(message), *(SlotSet(k, v) for k, v in fallback.slots.items())]


def _fallback(name: str, tracker: Any, domain: Any) -> degraded.Fallback:
    form = "advisor_form" if "advisor" in name else "lead_form"
    form_slots = list(((domain.forms or {}).get(form) or {}).get("required_slots") or [])
    return degraded.fallback_for(
        name,
        (tracker.latest_message.parse_data if tracker.latest_message else None) or {},
        {slot: tracker.get_slot(slot) for slot in ("topic", "sourcing_model")},
        set(domain.responses),
        get_settings().fact_min_confidence,
        form_slots,
    )


def _alert_outage() -> None:
    """Open the incident and send its alerts now (the outbox worker lives in the action server,
    which is the part that is down); a second replica finds it open and queues nothing."""
    channels = outbox.incident_channels()
    if incidents.open_incident(incidents.ACTION_SERVER_DOWN, channels) and channels:
        outbox.deliver_pending(channels=channels)


def _outage_changed(down: bool) -> None:
    """Log and alert the start and the end of an outage once, not on every message (the database
    work runs in a thread of its own: the visitor's reply does not wait for it)."""
    if down and OUTAGE.failed():
        logger.error("the action server does not answer: answering without it")
        threading.Thread(target=_alert_outage, name="outage-alert", daemon=True).start()
    elif not down and OUTAGE.recovered():
        logger.warning("the action server answers again")
        threading.Thread(
            target=incidents.close_incident,
            args=(incidents.ACTION_SERVER_DOWN,),
            name="outage-over",
            daemon=True,
        ).start()


def _guard_remote_action(original):
    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        try:
            events = await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), get_settings().action_timeout_seconds
            )
        except ActionExecutionRejection:
            raise  # a form rejected the message: Rasa's own flow (the digression rules answer)
        except Exception as exc:  # unreachable, timed out, or failed on its side
            logger.error("custom action %s failed: %s", self.name(), type(exc).__name__)
            _outage_changed(down=True)
            if self.name().startswith(("validate_", "action_ask_")):
                raise ActionServerUnavailable(self.name()) from exc
            return await _fallback_events(
                _fallback(self.name(), tracker, domain), output_channel, nlg, tracker, domain
            )
        _outage_changed(down=False)
        return events

    run.__wrapped__ = original  # type: ignore[attr-defined]
    return run


def _guard_form(original):
    async def run(self: FormAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionServerUnavailable:
            # the form stays as it was (active, on the same question); starting, it starts and
            # reads this message's details when it can run again
            events: list[Event] = [] if tracker.active_loop_name == self.name() else [ActiveLoop(self.name())]
            return events + await _fallback_events(degraded.FORM, output_channel, nlg, tracker, domain)

    run.__wrapped__ = original  # type: ignore[attr-defined]
    return run


def apply() -> bool:
    """Apply the fixes once; False when this Rasa is not the version they were made for."""
    global _applied
    if _applied:
        return True
    if not rasa.__version__.startswith(FIXED_FOR):
        logger.warning("rasa %s: bot.rasa_fixes written for %sx, not applied", rasa.__version__, FIXED_FOR)
        return False
    validator = _cached_validator()

    def _validate_action_result(self, result):
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += ". Failed to validate Action server response from API"
            raise e

    RemoteAction._validate_action_result = _validate_action_result
    Agent.handle_message = _guard_handle_message(Agent.handle_message)
    RemoteAction.run = _guard_remote_action(RemoteAction.run)
    FormAction.run = _guard_form(FormAction.run)
    MessageProcessor.parse_message = context.with_context(MessageProcessor.parse_message)
    _applied = True
    return True
