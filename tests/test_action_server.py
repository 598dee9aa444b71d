"""The action server registers exactly the custom actions the domain names."""

from rasa_sdk.executor import ActionExecutor

from tests.action_helpers import domain


def test_every_domain_action_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {a for a in domain()["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= set(executor.actions), custom - set(executor.actions)
