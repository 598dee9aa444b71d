"""The lead form's rules (bot.sales.form) and its actions, on a real database."""

import pytest
import yaml
from sqlalchemy import func, select

from actions.sales import ActionCancelLead, ActionStartLead, ActionSubmitLead, ValidateLeadForm, consent_text
from bot import db
from bot.catalogue import loader
from bot.sales import buckets, form, reading
from bot.sales.models import Lead
from tests.action_helpers import ROOT, domain, form_tracker, make_tracker, run_action

FORM_SLOTS = domain()["forms"]["lead_form"]["required_slots"]


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


# ----------------------------------------------------------------------------- which questions


def test_required_slots_follow_the_domain_order():
    assert form.required_slots(FORM_SLOTS, {}) == FORM_SLOTS


def test_skip_the_rest_keeps_name_email_company_and_the_closing_questions():
    assert form.required_slots(FORM_SLOTS, {form.SKIP_OPTIONAL: True}) == [
        "lead_name",
        "lead_email",
        "lead_company",
        "lead_consent",
        "lead_confirmed",
    ]


def test_a_phone_instead_of_the_email_is_asked_right_after_it():
    slots = form.required_slots(FORM_SLOTS, {"lead_email": form.SKIPPED, form.SKIP_OPTIONAL: True})
    assert slots[:4] == ["lead_name", "lead_email", "lead_phone", "lead_company"]


def test_no_consent_means_nothing_to_confirm_and_cancel_means_no_questions():
    assert "lead_confirmed" not in form.required_slots(FORM_SLOTS, {"lead_consent": False})
    assert form.required_slots(FORM_SLOTS, {form.CANCELLED: form.STOPPED}) == []


def test_every_form_question_can_be_read_and_checked():
    assert set(FORM_SLOTS) == set(form.CHECKS)


def test_every_digression_intent_has_a_rule_that_resumes_the_form():
    rules = [
        rule
        for path in sorted((ROOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text())["rules"]
    ]
    resumed = {
        rule["steps"][0]["intent"]
        for rule in rules
        if rule.get("condition") == [{"active_loop": "lead_form"}]
        and "intent" in rule["steps"][0]
        and {"action": "lead_form"} in rule["steps"]
    }
    ignored = set(domain()["forms"]["lead_form"]["ignored_intents"])
    assert ignored - {"stop"} <= resumed


def test_every_bucket_button_is_a_value_the_form_accepts():
    for slot in buckets.BY_SLOT:
        for button in form.buttons(slot, {}):
            if "form_value" in button["payload"]:
                value = yaml.safe_load(button["payload"].removeprefix("/inform"))["form_value"]
                assert form.CHECKS[slot](value).value is not None or value in ("skip", "skip the rest"), value


def test_a_retried_question_offers_a_skip():
    assert "Skip" not in [b["title"] for b in form.buttons("lead_budget", {})]
    assert "Skip" in [b["title"] for b in form.buttons("lead_budget", {form.ATTEMPTS: {"lead_budget": 1}})]
    assert form.buttons("lead_email", {form.ATTEMPTS: {"lead_email": 1}}) == [form.PHONE_INSTEAD_BUTTON]


# ----------------------------------------------------------------------------- asking at most twice


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('form') / 'sales.db'}"
    loader.load_into(url)
    return url


def answer(text, slot, slots=None, intent="inform"):
    return run_action(ValidateLeadForm(), form_tracker(text, slot, intent, slots or {}))


BEFORE_BUDGET = {
    "lead_name": "Jane",
    "lead_email": "j@acme.com",
    "lead_company": "Acme",
    "lead_company_size": "1-10",
    "lead_service": "managed-helpdesk",
    "lead_model": "managed_services",
}


def test_a_bucket_question_missed_twice_is_skipped(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    messages, events = answer("purple", "lead_budget", BEFORE_BUDGET)
    assert slots_set(events)[form.ATTEMPTS] == {"lead_budget": 1}
    assert slots_set(events)["requested_slot"] == "lead_budget"
    messages, events = answer(
        "still purple", "lead_budget", {**BEFORE_BUDGET, form.ATTEMPTS: {"lead_budget": 1}}
    )
    assert slots_set(events)["lead_budget"] == form.SKIPPED
    assert slots_set(events)["requested_slot"] == "lead_timeline"
    assert [m["response"] for m in messages] == ["utter_lead_skipped"]


def test_a_name_missed_twice_is_taken_as_given(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    _, events = answer("the boss", "lead_name", {form.ATTEMPTS: {"lead_name": 1}})
    assert slots_set(events)["lead_name"] == "the boss"


def test_an_email_missed_twice_switches_to_a_phone_number(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    messages, events = answer(
        "jane acme dot com", "lead_email", {"lead_name": "Jane", form.ATTEMPTS: {"lead_email": 1}}
    )
    assert slots_set(events)["lead_email"] == form.SKIPPED
    assert slots_set(events)["requested_slot"] == "lead_phone"
    assert [m["response"] for m in messages] == ["utter_lead_email_to_phone"]


def test_no_email_and_no_phone_ends_the_form_with_nothing_stored(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    _, events = answer(
        "no idea",
        "lead_phone",
        {
            "lead_name": "Jane",
            "lead_email": form.SKIPPED,
            form.PHONE_WANTED: True,
            form.ATTEMPTS: {"lead_phone": 1},
        },
    )
    assert slots_set(events)[form.CANCELLED] == form.GAVE_UP
    assert slots_set(events)["requested_slot"] is None


def test_back_from_a_digression_the_question_is_not_counted_as_missed(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    tracker = form_tracker(
        "how are managed services billed?",
        "lead_email",
        "ask_billing_model",
        {"lead_name": "Jane"},
        after_digression=True,
    )
    messages, events = run_action(ValidateLeadForm(), tracker)
    assert messages == [] and form.ATTEMPTS not in slots_set(events)


def test_answers_given_before_the_form_are_not_asked_again(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    tracker = form_tracker(
        "can someone from sales call me?",
        None,
        "request_sales_contact",
        history=["hi, we're a logistics firm of about 120 people", "do you run helpdesks?"],
    )
    _, events = run_action(ValidateLeadForm(), tracker)
    assert slots_set(events)["lead_company_size"] == "51-200"
    assert slots_set(events)["requested_slot"] == "lead_name"


def test_a_catalogue_service_answers_the_model_question(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    _, events = answer(
        "the helpdesk",
        "lead_service",
        {
            "lead_name": "Jane",
            "lead_email": "j@acme.com",
            "lead_company": "Acme",
            "lead_company_size": "1-10",
        },
    )
    assert slots_set(events)["lead_model"] == "managed_services"
    assert slots_set(events)["requested_slot"] == "lead_budget"


def test_an_invalid_correction_keeps_the_earlier_value(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    messages, events = answer(
        "actually my email is jan at nowhere",
        "lead_company",
        {"lead_name": "Jan", "lead_email": "jan@acme.pl"},
    )
    assert slots_set(events)["lead_email"] == "jan@acme.pl"
    assert "utter_lead_hint_email" in [m["response"] for m in messages]


# ----------------------------------------------------------------------------- summary and the end


def test_summary_lists_what_will_be_sent_and_skips_empty_fields():
    text = form.summary(
        {
            "lead_name": "Jane",
            "lead_email": "jane@acme.com",
            "lead_phone": form.SKIPPED,
            "lead_service": "managed-helpdesk",
            "lead_model": "managed_services",
        },
        {"managed-helpdesk": "Managed helpdesk"},
    )
    assert "Jane" in text and "jane@acme.com" in text and "Managed helpdesk" in text
    assert "Phone" not in text


FILLED = {
    "lead_name": "Jane Doe",
    "lead_email": "jane@acme.com",
    "lead_company": "Acme",
    "lead_company_size": "51-200",
    "lead_service": "managed-helpdesk",
    "lead_model": "managed_services",
    "lead_budget": "5k-15k/month",
    "lead_timeline": "1-3 months",
    "lead_role": "decision maker",
    "lead_phone": form.SKIPPED,
    "lead_consent": True,
    "lead_confirmed": True,
}


@pytest.fixture
def sales_db(engine, db_url, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", db_url)
    return engine


def lead_count(engine):
    with db.session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Lead)).scalar_one()


def test_submit_stores_one_lead_even_when_repeated(sales_db):
    tracker = make_tracker(
        slots=FILLED,
        sender_id="conv-1",
        events=[{"event": "user", "text": "hi", "metadata": {"page_url": "https://example.com/managed"}}],
    )
    messages, events = run_action(ActionSubmitLead(), tracker)
    assert [m["response"] for m in messages] == ["utter_lead_sent"]
    assert {e["name"] for e in events if e["event"] == "slot"} >= set(FORM_SLOTS) | set(form.FLAGS)
    run_action(ActionSubmitLead(), tracker)  # a retried action must not add a lead
    assert lead_count(sales_db) == 1
    with db.session_scope(sales_db) as session:
        lead = session.execute(select(Lead)).scalar_one()
        assert lead.page_url == "https://example.com/managed"
        assert lead.conversation_id == "conv-1" and lead.consent and lead.score > 0
        assert lead.consent_text == consent_text(domain()) and "privacy notice: /" in lead.consent_text


def test_skipped_questions_are_stored_as_unknown_and_the_score_says_so(sales_db):
    slots = {**FILLED, "lead_budget": form.SKIPPED, "lead_role": form.SKIPPED, "lead_timeline": "not sure"}
    run_action(ActionSubmitLead(), make_tracker(slots=slots, sender_id="conv-skip"))
    with db.session_scope(sales_db) as session:
        lead = session.execute(select(Lead)).scalar_one()
        assert lead.budget is None and lead.role is None and lead.timeline == "not sure"
        assert "Budget unknown (+0)" in lead.reasons and "Role unknown (+0)" in lead.reasons


def test_a_client_over_the_lead_limit_is_refused_politely(sales_db, monkeypatch):
    monkeypatch.setenv("LEAD_LIMIT_PER_CLIENT", "1")
    for n in range(2):
        tracker = make_tracker(
            slots=FILLED,
            sender_id=f"conv-{n}",
            events=[{"event": "user", "text": "hi", "metadata": {"client_key": "one-client"}}],
        )
        messages, events = run_action(ActionSubmitLead(), tracker)
    assert [m.get("response") for m in messages] == ["utter_lead_throttled"]
    assert {e["name"] for e in events if e["event"] == "slot"} >= {"lead_name", "lead_email"}  # form reset
    assert lead_count(sales_db) == 1


@pytest.mark.parametrize(
    "slots, response",
    [
        ({**FILLED, "lead_consent": False}, "utter_lead_no_consent"),
        ({**FILLED, "lead_confirmed": False}, "utter_lead_not_sent"),
        ({**FILLED, form.CANCELLED: form.STOPPED}, "utter_lead_cancelled"),
        ({**FILLED, form.CANCELLED: form.GAVE_UP}, "utter_lead_gave_up"),
    ],
)
def test_a_form_that_did_not_end_in_yes_stores_nothing_and_says_so(sales_db, slots, response):
    messages, _ = run_action(ActionSubmitLead(), make_tracker(slots=slots))
    assert [m["response"] for m in messages] == [response]
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
    assert [m["response"] for m in messages] == ["utter_lead_save_failed"]


def test_cancel_resets_the_form():
    messages, events = run_action(ActionCancelLead(), make_tracker(slots=FILLED))
    assert [m["response"] for m in messages] == ["utter_lead_cancelled"]
    assert all(e["value"] is None for e in events if e["event"] == "slot")


def test_start_prefills_service_and_model_from_the_conversation():
    _, events = run_action(
        ActionStartLead(),
        make_tracker(slots={"service": "soc-as-a-service", "sourcing_model": "managed_services"}),
    )
    values = slots_set(events)
    assert values["lead_service"] == "soc-as-a-service" and values["lead_model"] == "managed_services"


def test_every_response_the_form_says_is_in_the_domain():
    import inspect

    responses = set(domain()["responses"])
    said = {
        word.strip('"') for word in inspect.getsource(form).split() if word.strip('"(),').startswith("utter_")
    }
    said = {s.strip('"(),') for s in said if "{" not in s}
    assert said <= responses, said - responses
    for slot in FORM_SLOTS:
        assert f"utter_ask_{slot}" in responses
        assert f"utter_lead_hint_{slot.removeprefix('lead_')}" in responses or slot in form.YES_NO


# ----------------------------------------------------------------------------- reading what fits (issue 16)


@pytest.mark.parametrize(
    "text, money",
    [
        ("maybe 5 to 10k a month", True),
        ("around 60 grand a year", True),
        ("our budget is €8,000", True),
        ("between 5 and 10k", True),
        ("1.5m per year", True),
        ("€3,000", True),
        ("3M", False),  # a company
        ("around 2k employees", False),  # people
        ("about 230", False),
        ("we pay 4000 eur monthly now for our current provider", False),  # more than an amount
        ("+48 600 100 200", False),
        ("next month", False),
    ],
)
def test_reads_money_only_when_the_message_is_an_amount(text, money):
    assert reading.reads_money(text) is money


@pytest.mark.parametrize(
    "text, start",
    [
        ("asap", True),
        ("next quarter", True),
        ("in about 6 weeks", True),
        ("from March", True),
        ("in Q2", True),
        ("sometime next year", True),
        ("no rush", True),
        ("maybe 5 to 10k a month", False),  # "a month" is no start
        ("Summer Lee", False),  # a name
        ("April", False),
        ("Later", False),  # a button's word answers only its own question
        ("Q2 Holdings", False),
    ],
)
def test_reads_start_only_when_the_message_is_a_start_date(text, start):
    assert reading.reads_start(text) is start


def test_a_money_amount_is_never_a_start_date_and_a_date_or_headcount_never_a_budget():
    assert reading.read_timeline("maybe 5 to 10k a month") is None
    assert reading.read_timeline("around 60 grand a year") is None
    assert reading.read_timeline("start next month with about 5k a month") == "1-3 months"
    assert reading.read_timeline("maybe next month") == "1-3 months"
    assert reading.read_budget("from January 2026") is None
    assert reading.read_budget("in about 6 weeks") is None
    assert reading.read_budget("around 2k employees") is None
    assert reading.read_company_size("maybe 5 to 10k a month") is None
    # in passing, at another question
    assert reading.read_budget("maybe 5 to 10k a month", pending=False) == "5k-15k/month"
    assert reading.read_timeline("in about 6 weeks", pending=False) == "1-3 months"
    assert reading.read_timeline("April", pending=False) is None


@pytest.mark.parametrize(
    "text",
    [
        "talk to sales pls",
        "can I speak to a human",
        "restart",
        "menu",
        "go back",
        "start over",
        "yes, you may contact me",
        "I consent",
        "next month",
        "right away",
        "maybe 5 to 10k a month",
    ],
)
def test_requests_consent_money_and_dates_are_not_names_or_companies(text):
    assert reading.read_name(text) is None
    assert reading.read_company(text) is None
    assert form.as_given(text) is None


def test_names_and_companies_still_read_next_to_other_answers():
    assert reading.read_name("Wojciech") == "Wojciech"
    assert reading.read_name("Summer Lee") == "Summer Lee"
    assert reading.read_company("Acme, about 5k a month") == "Acme"
    assert reading.read_company("3M") == "3M"
    assert reading.read_company("Żabka Sp. z o.o.") == "Żabka Sp. z o.o."


@pytest.mark.parametrize(
    "text, need",
    [
        ("our ERP keeps crashing", True),
        ("help with GDPR compliance", True),
        ("IT support for our new office", True),
        ("we want to move to the cloud", True),
        ("Wojciech", False),  # a name is not a need
        ("Wiśniewska", False),
        ("pizza delivery", False),
        ("what is it?", False),
        ("talk to sales pls", False),
        ("maybe 5 to 10k a month", False),
        ("not sure", False),
    ],
)
def test_a_described_need_has_need_like_words(text, need):
    assert (reading.read_need(text) == text) is need


@pytest.mark.parametrize(
    "text, answer",
    [
        ("yes, you may contact me", True),
        ("sure, go ahead", True),
        ("ok to contact me", True),
        ("you can reach me", True),
        ("fine by me", True),
        ("I agree", True),
        ("I consent", True),
        ("yep please do", True),
        ("absolutely", True),
        ("no problem", True),
        ("I don't mind", True),
        ("happy to be contacted", True),
        ("no thanks", False),
        ("please don't contact me", False),
        ("rather not", False),
        ("nope", False),
        ("I do not consent", False),
        ("not interested", False),
        ("sure, but don't call me", None),
        ("hmm", None),
    ],
)
def test_consent_phrasings_of_every_shape(text, answer):
    assert reading.read_yes_no(text) is answer


def test_consent_said_at_another_question_is_explicit_consent_only():
    assert reading.gives_consent("yes, you may contact me")
    assert reading.gives_consent("feel free to call me")
    assert not reading.gives_consent("yes")  # a yes to what?
    assert not reading.gives_consent("you can reach me at priya@contoso.co.uk")  # an address
    assert not reading.gives_consent("please don't contact me")


# ----------------------------------------------------------------------------- the form around them


def test_asking_for_sales_inside_the_form_goes_on_without_a_miss(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    for text in ("talk to sales pls", "can someone from sales call me?"):
        messages, events = answer(text, "lead_name", {}, intent="request_sales_contact")
        assert events, "the form takes the message (a rejected form fell to utter_default)"
        assert messages == []
        assert slots_set(events) == {form.ATTEMPTS: {}, "requested_slot": "lead_name"}


def test_a_request_to_the_assistant_hears_how_the_form_works(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    messages, events = answer("go back", "lead_company", {"lead_name": "Jo", "lead_email": "j@x.com"}, "stop")
    assert [m["response"] for m in messages] == ["utter_lead_form_help"]
    assert slots_set(events)["requested_slot"] == "lead_company"
    assert form.CANCELLED not in slots_set(events)


def test_an_unsure_question_goes_to_the_clarifying_rule_and_the_form_resumes(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    _, events = answer("what?", "lead_name", {}, intent=form.NLU_FALLBACK)
    assert events == []  # rejected for this turn: data/rules/sales.yml clarifies, then resumes
    rules = yaml.safe_load((ROOT / "data" / "rules" / "sales.yml").read_text())["rules"]
    resumed = [
        r
        for r in rules
        if r.get("condition") == [{"active_loop": "lead_form"}]
        and r["steps"][0] == {"intent": "nlu_fallback"}
    ]
    assert resumed and {"action": "lead_form"} in resumed[0]["steps"]
    # an answer NLU was unsure of is still read
    _, events = answer("Wojciech", "lead_name", {}, intent=form.NLU_FALLBACK)
    assert slots_set(events)["lead_name"] == "Wojciech"


def test_an_answer_to_another_question_is_noted_and_the_question_asked_again(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    slots = {**BEFORE_BUDGET, "lead_budget": form.SKIPPED}
    messages, events = answer("maybe 5 to 10k a month", "lead_timeline", slots)
    assert slots_set(events) == {"lead_budget": "5k-15k/month", "requested_slot": "lead_timeline"}
    assert messages[0]["response"] == "utter_lead_noted"
    assert messages[0]["noted"] == "your budget (5k-15k/month)"
    # a budget given already is not replaced, and the amount is still no start date
    messages, events = answer(
        "maybe 5 to 10k a month", "lead_timeline", {**slots, "lead_budget": "under 5k/month"}
    )
    assert slots_set(events)[form.ATTEMPTS] == {"lead_timeline": 1}
    assert "lead_timeline" not in slots_set(events) or slots_set(events)["lead_timeline"] is None


def test_corrections_still_win_over_other_readings(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    _, events = answer(
        "change the budget to 20k a month", "lead_timeline", {**BEFORE_BUDGET, "lead_budget": "5k-15k/month"}
    )
    assert slots_set(events)["lead_budget"] == "15k-50k/month"


def test_consent_given_early_counts_when_its_question_comes(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    messages, events = answer(
        "yes, you may contact me",
        "lead_company",
        {"lead_name": "Jo", "lead_email": "j@x.com"},
        "request_sales_contact",
    )
    values = slots_set(events)
    assert values["lead_consent"] is True and values[form.CONSENT_EARLY] is True
    assert messages[0]["noted"] == "that we may contact you"
    assert values["requested_slot"] == "lead_company"
    # the consent question is not asked again
    assert "lead_consent" not in [
        s for s in form.required_slots(FORM_SLOTS, {**FILLED, "lead_consent": True}) if FILLED.get(s) is None
    ]


def test_early_consent_shows_the_notice_before_the_confirmation_and_is_stored_with_it(sales_db):
    from actions.sales import ASK_LEAD_ACTIONS

    slots = {**FILLED, form.CONSENT_EARLY: True, "lead_confirmed": None}
    messages, _ = run_action(ASK_LEAD_ACTIONS["action_ask_lead_confirmed"](), make_tracker(slots=slots))
    assert [m["response"] for m in messages] == ["utter_lead_consent_noted", "utter_ask_lead_confirmed"]
    assert messages[0]["privacy_url"]
    run_action(
        ActionSubmitLead(), make_tracker(slots={**FILLED, form.CONSENT_EARLY: True}, sender_id="early")
    )
    with db.session_scope(sales_db) as session:
        lead = session.execute(select(Lead)).scalar_one()
        assert lead.consent_text == consent_text(domain(), early=True)
        assert lead.consent_text.startswith("You said our sales team may contact you")


def test_a_service_missed_twice_is_never_stored_as_the_visitors_words(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    before = {k: BEFORE_BUDGET[k] for k in ("lead_name", "lead_email", "lead_company", "lead_company_size")}
    messages, events = answer("Wojciech", "lead_service", before, intent=form.NLU_FALLBACK)
    assert slots_set(events)[form.ATTEMPTS] == {"lead_service": 1}
    assert [m["response"] for m in messages] == ["utter_lead_hint_service"]
    messages, events = answer(
        "Wiśniewska", "lead_service", {**before, form.ATTEMPTS: {"lead_service": 1}}, intent=form.NLU_FALLBACK
    )
    assert slots_set(events)["lead_service"] == form.NOT_SURE
    assert form.NEED not in slots_set(events)
    # a need in words is kept as the need, the service left empty, and the form goes on
    messages, events = answer("our ERP keeps crashing", "lead_service", before)
    assert slots_set(events)["lead_service"] == form.SKIPPED
    assert slots_set(events)[form.NEED] == "our ERP keeps crashing"
    assert [m["response"] for m in messages] == ["utter_lead_need_noted"]
    assert (
        form.lead_input({**FILLED, "lead_service": form.SKIPPED, form.NEED: "x y"}, "c", None, "t").service
        is None
    )


def test_please_dont_contact_me_at_the_consent_question_is_a_no_not_a_stop(catalogue, monkeypatch):
    monkeypatch.setenv("SALES_DB_URL", catalogue)
    slots = {k: v for k, v in FILLED.items() if k not in ("lead_consent", "lead_confirmed")}
    _, events = answer("please don't contact me", "lead_consent", slots, "request_sales_contact")
    assert slots_set(events)["lead_consent"] is False and form.CANCELLED not in slots_set(events)
    assert slots_set(events)["requested_slot"] is None
