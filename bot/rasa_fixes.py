"""Fixes to Rasa 3.6 internals, applied in the Rasa server process.

Imported by bot.web.channel, which the Rasa server loads from credentials.yml.
Each fix checks the Rasa version it was written for and does nothing elsewhere.

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
"""

from __future__ import annotations

import logging
from typing import Any

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from bot.dialogue import context

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
    MessageProcessor.parse_message = context.with_context(MessageProcessor.parse_message)
    _applied = True
    return True
