"""Fixes to Rasa 3.6 internals, applied in the Rasa server process.

Imported by bot.web.channel, which the Rasa server loads from credentials.yml.
Each fix checks the Rasa version it was written for and does nothing elsewhere.

- Action server responses: RemoteAction._validate_action_result calls
  `jsonschema.validate(result, spec)`, which re-validates the constant schema against
  its meta-schema on every call. Profiled (bench/profile.py): ~53 of 94 ms of Rasa CPU
  per turn with a custom action. The same check by a validator built once costs
  well under a millisecond.
"""
from __future__ import annotations

import logging

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

logger = logging.getLogger(__name__)
FIXED_FOR = "3.6."
_applied = False


def _cached_validator():
    spec = RemoteAction.action_response_format_spec()
    return validator_for(spec)(spec)


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
    _applied = True
    return True
