"""The lead form's rules (bot.sales.form) and its actions, on a real database."""
import pytest
from sqlalchemy import func, select

from actions.sales import ActionCancelLead, ActionStartLead, ActionSubmitLead, ValidateLeadForm
from bot import db
from bot.sales import form
from bot.sales.models import Lead
from tests.action_helpers import make_tracker, run_action, texts


def test_email_is_asked_again_then_phone_is_offered():
    check, attempts = form.check_email("jane at acme", 0)
    assert check.value is None and "skip" in check.hint and attempts == 1
    check, attempts = form.check_email("still wrong", attempts)
    assert check.value == form.SKIPPED and "phone" in check.hint and attempts == 2


def test_email_can_be_skipped_after_one_failure_but_not_before():
    assert form.check_email("skip", 0)[0].value is None
    assert form.check_email("skip", 1)[0].value == form.SKIPPED


def test_valid_email_is_normalised():
    check, attempts = form.check_email("Jane.Doe@Acme.COM", 0)
    assert check == form.Check("jane.doe@acme.com") and attempts == 0


def test_phone_optional_unless_email_was_skipped():
    assert form.check_phone("skip", email_skipped=False).value == form.SKIPPED
    assert form.check_phone("skip", email_skipped=True).value is None
    assert form.check_phone("+44 20 7946 0958", email_skipped=True).value == "+442079460958"
    assert form.check_phone("12", email_skipped=False).value is None


@pytest.mark.parametrize("text, value", [
    ("about 120 people", "51-200"), ("11-50", "11-50"), ("lots", None),
])
def test_company_size(text, value):
    assert form.check_company_size(text).value == value


@pytest.mark.parametrize("text, value", [
    ("managed_services", "managed_services"), ("msp please", "managed_services"),
    ("outsourcing", "it_outsourcing"), ("not sure", form.NOT_SURE), ("pizza", None),
])
def test_model(text, value):
    assert form.check_model(text).value == value


def test_name_must_look_like_a_name():
    assert form.check_name("  Jane   Doe ").value == "Jane Doe"
    assert form.check_name("jane@acme.com").value is None
    assert form.check_name("12345").value is None


def test_summary_lists_what_will_be_sent_and_skips_empty_fields():
    text = form.summary({"lead_name": "Jane", "lead_email": "jane@acme.com", "lead_phone": form.SKIPPED,
                         "lead_service": "managed-helpdesk", "lead_model": "managed_services"},
                        {"managed-helpdesk": "Managed helpdesk"})
    assert "Jane" in text and "jane@acme.com" in text and "Managed helpdesk" in text
    assert "Phone" not in text and text.endswith("Shall I send it?")


FILLED = {
    "lead_name": "Jane Doe", "lead_email": "jane@acme.com", "lead_company": "Acme",
    "lead_company_size": "51-200", "lead_service": "managed-helpdesk", "lead_model": "managed_services",
    "lead_budget": "5k-15k/month", "lead_timeline": "1-3 months", "lead_role": "decision maker",
    "lead_phone": form.SKIPPED, "lead_consent": True, "lead_confirmed": True,
}


@pytest.fixture
def sales_db(engine, db_url, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", db_url)
    return engine


def lead_count(engine):
    with db.session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Lead)).scalar_one()


def test_submit_stores_one_lead_even_when_repeated(sales_db):
    tracker = make_tracker(slots=FILLED, sender_id="conv-1", events=[
        {"event": "user", "text": "hi", "metadata": {"page_url": "https://example.com/managed"}}])
    messages, events = run_action(ActionSubmitLead(), tracker)
    assert "get in touch" in texts(messages)
    assert {e["name"] for e in events if e["event"] == "slot"} >= {"lead_name", "lead_email"}
    run_action(ActionSubmitLead(), tracker)  # a retried action must not add a lead
    assert lead_count(sales_db) == 1
    with db.session_scope(sales_db) as session:
        lead = session.execute(select(Lead)).scalar_one()
        assert lead.page_url == "https://example.com/managed"
        assert lead.conversation_id == "conv-1" and lead.consent and lead.score > 0


def test_a_client_over_the_lead_limit_is_refused_politely(sales_db, monkeypatch):
    monkeypatch.setenv("LEAD_LIMIT_PER_CLIENT", "1")
    for n in range(2):
        tracker = make_tracker(slots=FILLED, sender_id=f"conv-{n}", events=[
            {"event": "user", "text": "hi", "metadata": {"client_key": "one-client"}}])
        messages, events = run_action(ActionSubmitLead(), tracker)
    assert [m.get("response") for m in messages] == ["utter_lead_throttled"]
    assert {e["name"] for e in events if e["event"] == "slot"} >= {"lead_name", "lead_email"}  # form reset
    assert lead_count(sales_db) == 1


def test_no_consent_stores_nothing_and_says_so(sales_db):
    messages, _ = run_action(ActionSubmitLead(), make_tracker(slots={**FILLED, "lead_consent": False}))
    assert "haven't stored anything" in texts(messages)
    assert lead_count(sales_db) == 0


def test_not_confirmed_stores_nothing(sales_db):
    messages, _ = run_action(ActionSubmitLead(), make_tracker(slots={**FILLED, "lead_confirmed": False}))
    assert "haven't sent anything" in texts(messages)
    assert lead_count(sales_db) == 0


def test_phone_only_lead_is_stored(sales_db):
    slots = {**FILLED, "lead_email": form.SKIPPED, "lead_phone": "+442079460958"}
    run_action(ActionSubmitLead(), make_tracker(slots=slots, sender_id="conv-phone"))
    assert lead_count(sales_db) == 1


def test_unreachable_database_keeps_the_lead_in_the_spool(monkeypatch):
    from bot.sales import spool

    monkeypatch.setenv("SALES_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
    messages, _ = run_action(ActionSubmitLead(), make_tracker(slots=FILLED))
    assert [m.get("response") for m in messages] == ["utter_lead_queued"]
    (kept,) = spool.pending()
    assert spool.read(kept).name == FILLED["lead_name"]


def test_unreachable_database_and_spool_lose_nothing_silently(monkeypatch, tmp_path):
    monkeypatch.setenv("SALES_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("LEAD_SPOOL_DIR", str(tmp_path / "a-file" / "spool"))  # cannot be created
    messages, _ = run_action(ActionSubmitLead(), make_tracker(slots=FILLED))
    assert "nothing was stored" in texts(messages)


def test_cancel_resets_the_form():
    messages, events = run_action(ActionCancelLead(), make_tracker(slots=FILLED))
    assert "Nothing was stored" in texts(messages)
    assert all(e["value"] in (None, 0) for e in events if e["event"] == "slot")


def test_start_prefills_service_and_model_from_the_conversation():
    _, events = run_action(ActionStartLead(), make_tracker(slots={"service": "soc-as-a-service", "sourcing_model": "managed_services"}))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["lead_service"] == "soc-as-a-service" and values["lead_model"] == "managed_services"


def test_validation_counts_email_attempts():
    validator = ValidateLeadForm()
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = validator.validate_lead_email("still not an address", dispatcher, make_tracker(slots={"lead_email_attempts": 1}), {})
    assert result == {"lead_email": form.SKIPPED, "lead_email_attempts": 2}
    assert "phone" in texts(dispatcher.messages)


def test_cleared_slots_are_not_validated_into_answers():
    """Slots cleared by our own actions reach the validator as None: no hint, no False consent."""
    from rasa_sdk.executor import CollectingDispatcher

    validator = ValidateLeadForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker()
    for slot in ("lead_name", "lead_email", "lead_company", "lead_company_size", "lead_service", "lead_model",
                 "lead_budget", "lead_timeline", "lead_role", "lead_phone", "lead_consent", "lead_confirmed"):
        result = getattr(validator, f"validate_{slot}")(None, dispatcher, tracker, {})
        assert result[slot] is None
    assert dispatcher.messages == []


@pytest.mark.parametrize("text, expected", [
    ("scale.0.146-00@example-scale.com", True), ("+44 20 7946 0958", True), ("0049 30 1234567", True),
    ("what's the sla?", False), ("call me at 5", False), ("", False),
])
def test_contact_answers_are_recognised_whatever_the_intent(text, expected):
    assert form.looks_like_contact(text) is expected


def test_email_typed_while_asked_is_taken_even_if_nlu_saw_a_question():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    validator = ValidateLeadForm()
    tracker = make_tracker("scale.0.146-00@example-scale.com", "ask_service_sla", slots={"requested_slot": "lead_email"})
    extracted = asyncio.run(validator.extract_lead_email(CollectingDispatcher(), tracker, {}))
    assert extracted == {"lead_email": "scale.0.146-00@example-scale.com"}
    other = make_tracker("scale.0.146-00@example-scale.com", "ask_service_sla", slots={"requested_slot": "lead_company"})
    assert asyncio.run(validator.extract_lead_email(CollectingDispatcher(), other, {})) == {}
