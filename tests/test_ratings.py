"""Which answer a rating rates: only the knowledge answer of the turn just before it."""

from sales_fixtures import count

from bot import ratings


def user(text, intent, t):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "timestamp": t}


def answer(
    t,
    response="utter_billing_model_managed_services",
    topic="billing_model",
    action="action_answer_knowledge",
):
    return [
        {"event": "action", "name": action, "timestamp": t},
        {
            "event": "bot",
            "text": "Managed services are billed ...",
            "timestamp": t + 0.1,
            "metadata": {"utter_action": response},
        },
        {
            "event": "bot",
            "text": None,
            "data": {"custom": {"data": {"rating": {}}}},
            "timestamp": t + 0.2,
            "metadata": {"utter_action": ratings.RATING_PROMPT},
        },
        {"event": "slot", "name": "topic", "value": topic, "timestamp": t + 0.3},
        {"event": "action", "name": "action_listen", "timestamp": t + 0.4},
    ]


def test_the_answer_just_given_is_rated():
    events = [
        user("how are managed services billed?", "ask_billing_model", 1),
        *answer(2),
        user("/rate_helpful", "rate_helpful", 3),
    ]
    assert ratings.rated_message(events) == ratings.RatedMessage(
        at=2.1, response="utter_billing_model_managed_services", topic="billing_model"
    )


def test_a_follow_up_answer_is_rated_too():
    events = [
        user("and outsourcing?", "inform", 1),
        *answer(2, "utter_billing_model_it_outsourcing", action="action_follow_up"),
        user("that didn't answer my question", "rate_unhelpful", 3),
    ]
    assert ratings.rated_message(events).response == "utter_billing_model_it_outsourcing"


def test_an_older_answer_a_second_rating_or_another_reply_rates_nothing():
    asked = [user("how are managed services billed?", "ask_billing_model", 1), *answer(2)]
    later = [
        user("do you do soc?", "ask_catalogue_service", 3),
        {"event": "action", "name": "action_catalogue_answer", "timestamp": 4},
        {"event": "bot", "text": "Yes, SOC as a service ...", "timestamp": 4.1},
    ]
    assert ratings.rated_message([*asked, *later, user("/rate_unhelpful", "rate_unhelpful", 5)]) is None
    rated_once = [*asked, user("/rate_helpful", "rate_helpful", 3)]
    assert ratings.rated_message([*rated_once, user("/rate_unhelpful", "rate_unhelpful", 4)]) is None
    assert ratings.rated_message([user("/rate_helpful", "rate_helpful", 1)]) is None


def test_a_message_is_rated_once(engine):
    message = ratings.RatedMessage(at=2.1, response="utter_overview", topic="overview")
    assert ratings.record(engine, "conv-1", message, helpful=True) is True
    assert ratings.record(engine, "conv-1", message, helpful=False) is False
    assert ratings.record(engine, "conv-2", message, helpful=False) is True
    assert count(engine, "answer_ratings") == 2
