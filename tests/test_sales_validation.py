"""Free text from the lead form becomes clean fields or a polite hint."""

import pytest

from bot.sales.validation import (
    BUDGETS,
    COMPANY_SIZES,
    ROLES,
    TIMELINES,
    InvalidInput,
    parse_budget,
    parse_company_size,
    parse_role,
    parse_timeline,
    validate_email,
    validate_phone,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Anna.Smith@Example.COM", ("anna.smith@example.com", False)),
        ("  <joe@acme.io> ", ("joe@acme.io", False)),
        ("joe@gmail.com", ("joe@gmail.com", True)),
        ("x@yahoo.co.uk", ("x@yahoo.co.uk", True)),
        ("jan@wp.pl", ("jan@wp.pl", True)),
        ("jan@o2.pl", ("jan@o2.pl", True)),
        ("jan@onet.pl", ("jan@onet.pl", True)),
        ("hans@web.de", ("hans@web.de", True)),
        ("hans@gmx.net", ("hans@gmx.net", True)),
        ("a@proton.me", ("a@proton.me", True)),
        ("a@icloud.com", ("a@icloud.com", True)),
        ("a@hotmail.fr", ("a@hotmail.fr", True)),
        ("a@outlook.com", ("a@outlook.com", True)),
        ("a@aol.com", ("a@aol.com", True)),
        ("it@outlook.acme.com", ("it@outlook.acme.com", False)),  # a company subdomain
    ],
)
def test_validate_email(text, expected):
    assert validate_email(text) == expected


@pytest.mark.parametrize("text", ["", "anna", "anna@", "@acme.com", "anna@@acme.com", "anna acme.com"])
def test_invalid_email_gives_a_hint(text):
    with pytest.raises(InvalidInput) as err:
        validate_email(text)
    assert "e-mail" in str(err.value)


def test_email_typo_suggests_the_right_domain():
    with pytest.raises(InvalidInput, match="gmail.com"):
        validate_email("joe@gmial.com")


@pytest.mark.parametrize(
    "text, region, expected",
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("0049 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("+44 20 7946 0958", None, "+442079460958"),
        ("(020) 7946-0958", "gb", "+442079460958"),
        ("+48 601 234 567", None, "+48601234567"),
    ],
)
def test_validate_phone(text, region, expected):
    assert validate_phone(text, region) == expected


@pytest.mark.parametrize(
    "text, region", [("12345", None), ("call me", "DE"), ("030 1234567", None), ("+49 1", None)]
)
def test_invalid_phone_gives_a_hint(text, region):
    with pytest.raises(InvalidInput, match="country code"):
        validate_phone(text, region)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("about 50 people", "11-50"),
        ("50-200", "51-200"),
        ("we have 120 staff", "51-200"),
        ("just me", "1-10"),
        ("8", "1-10"),
        ("between 10 and 50", "11-50"),
        ("fifty", "11-50"),
        ("a few hundred", "201-1000"),
        ("2,500 employees", "1000+"),
        ("over 1000", "1000+"),
        ("1000+", "1000+"),
        ("roughly 5k", "1000+"),
        ("enterprise", "1000+"),
        ("51-200", "51-200"),
        ("no idea", None),
    ],
)
def test_parse_company_size(text, expected):
    assert parse_company_size(text) == expected
    assert expected is None or expected in COMPANY_SIZES


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5k a month", "5k-15k/month"),
        ("around €10,000 per month", "5k-15k/month"),
        ("3000 EUR", "under 5k/month"),
        ("120k per year", "5k-15k/month"),
        ("10-20k", "15k-50k/month"),
        ("100 000 EUR monthly", "50k+/month"),
        ("$2000/week", "5k-15k/month"),
        ("50k+", "50k+/month"),
        ("1.5m a year", "50k+/month"),
        ("not sure", "not sure"),
        ("no budget yet", "not sure"),
        ("under 5k/month", "under 5k/month"),
        ("banana", None),
    ],
)
def test_parse_budget(text, expected):
    assert parse_budget(text) == expected
    assert expected is None or expected in BUDGETS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("asap", "now/within 1 month"),
        ("right now", "now/within 1 month"),
        ("in 2 weeks", "now/within 1 month"),
        ("next quarter", "1-3 months"),
        ("in two months", "1-3 months"),
        ("1-3 months", "1-3 months"),
        ("3-6 months", "3-6 months"),
        ("half a year", "3-6 months"),
        ("6+ months", "6+ months"),
        ("next year", "6+ months"),
        ("not sure", "not sure"),
        ("dunno", "not sure"),
        ("purple", None),
    ],
)
def test_parse_timeline(text, expected):
    assert parse_timeline(text) == expected
    assert expected is None or expected in TIMELINES


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm the CTO", "decision maker"),
        ("founder", "decision maker"),
        ("Head of IT", "decision maker"),
        ("I sign off on this", "decision maker"),
        ("IT manager", "influencer"),
        ("I'm a developer", "influencer"),
        ("I'm not the decision maker", "influencer"),
        ("I don't decide, my boss does", "influencer"),
        ("student writing a thesis", "researching"),
        ("just researching", "researching"),
        ("hmm", None),
    ],
)
def test_parse_role(text, expected):
    assert parse_role(text) == expected
    assert expected is None or expected in ROLES


@pytest.mark.parametrize(
    "text, today, expected",
    [
        ("in Q2", (2026, 11, 28), "3-6 months"),
        ("in Q1", (2026, 11, 28), "1-3 months"),
        ("Q4", (2026, 11, 28), "now/within 1 month"),
        ("from March", (2026, 11, 28), "3-6 months"),
        ("by September", (2026, 11, 28), "6+ months"),
        ("early next year", (2026, 11, 28), "1-3 months"),
        ("early next year", (2026, 3, 1), "6+ months"),
        ("end of the year", (2026, 11, 28), "now/within 1 month"),
        ("end of the year", (2026, 2, 1), "6+ months"),
    ],
)
def test_named_quarters_and_months_are_counted_from_today(text, today, expected):
    from datetime import date

    assert parse_timeline(text, date(*today)) == expected
