"""The cached action-response validator accepts and refuses exactly what Rasa's does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import rasa_fixes

VALID = {
    "events": [{"event": "slot", "name": "service", "value": "managed-firewall"}],
    "responses": [{"text": "hi", "buttons": []}],
}
INVALID = {"events": "not a list", "responses": []}


def test_same_verdicts_as_rasa():
    spec = RemoteAction.action_response_format_spec()
    jsonschema.validate(VALID, spec)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(INVALID, spec)

    assert rasa_fixes.apply()
    action = RemoteAction("action_x", None)
    assert RemoteAction._validate_action_result.__module__ == "bot.rasa_fixes"
    assert action._validate_action_result(VALID) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(INVALID)
