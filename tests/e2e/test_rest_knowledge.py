"""End to end over the REST channel: knowledge answers, context, honesty."""

import pytest

pytestmark = pytest.mark.e2e


def test_side_question_then_follow_up(visitor):
    replies = visitor.say("how are managed services billed?")
    text = " ".join(r.get("text", "") for r in replies)
    assert "subscription" in text and "fixed monthly fee" in text
    assert "time & material" not in text  # one side asked, one side answered
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert "/request_sales_contact" in payloads

    follow_up = visitor.say_text("and outsourcing?")
    assert "fixed price" in follow_up and "time & material" in follow_up


def test_general_question_gets_both_sides(visitor):
    text = visitor.say_text("what's the difference in how they bill?")
    assert "subscription" in text and "time & material" in text


def test_topic_follow_up_keeps_context(visitor):
    visitor.say("is outsourcing more reactive?")
    text = visitor.say_text("what about the relationship?")
    assert "transactional" in text
    assert "custodian" not in text


def test_bot_challenge_is_honest(visitor):
    assert "automated assistant" in visitor.say_text("am I talking to a real person?")


def test_out_of_scope_is_polite_not_a_wrong_answer(visitor):
    text = visitor.say_text("why does my wifi keep disconnecting?")
    assert "can only help" in text or "not sure I understood" in text
