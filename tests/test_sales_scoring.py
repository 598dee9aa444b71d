"""BANT scoring: a number sales can trust because every point has a reason."""

import pytest

from bot import settings
from bot.sales.scoring import score_lead, threshold

STRONG = dict(
    budget="15k-50k/month",
    role="decision maker",
    service="managed-helpdesk",
    sourcing_model="managed_services",
    company_size="51-200",
    timeline="1-3 months",
)


def test_strong_lead_is_qualified_with_reasons():
    result = score_lead(**STRONG)
    assert result.score == 22 + 25 + 25 + 20
    assert result.qualified
    assert any("decision maker" in r for r in result.reasons)
    assert any("1-3 months" in r for r in result.reasons)


def test_empty_lead_scores_zero_and_explains_why():
    result = score_lead()
    assert result.score == 0 and not result.qualified
    assert {"Budget unknown (+0)", "Role unknown (+0)", "Timeline unknown (+0)"} <= set(result.reasons)


def test_free_mail_lowers_the_score_and_says_so():
    company = score_lead(**STRONG)
    free = score_lead(**STRONG, free_mail=True)
    assert free.score == company.score - 10
    assert any("free e-mail" in r for r in free.reasons)
    assert not any("free e-mail" in r for r in company.reasons)


def test_score_stays_between_0_and_100():
    assert score_lead(free_mail=True).score == 0
    top = dict(STRONG, budget="50k+/month", timeline="now/within 1 month")
    assert score_lead(**top).score == 100


def test_researcher_is_not_qualified():
    result = score_lead(**dict(STRONG, role="researching", timeline="not sure", budget="not sure"))
    assert not result.qualified


def test_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("LEAD_QUALIFIED_THRESHOLD", raising=False)
    assert threshold() == 60
    result = score_lead(**STRONG)
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", str(result.score + 1))
    assert not score_lead(**STRONG).qualified
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", str(result.score))
    assert score_lead(**STRONG).qualified
    monkeypatch.setenv("LEAD_QUALIFIED_THRESHOLD", "not a number")
    with pytest.raises(settings.ConfigError, match="LEAD_QUALIFIED_THRESHOLD"):
        threshold()  # an error, not a silent default (checked at start-up by bot.settings.get_settings)
