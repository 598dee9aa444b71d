"""bot/web/sessions.py: only session ids we signed resume a web chat conversation."""

from __future__ import annotations

import stat

import pytest

from bot import settings
from bot.settings import get_settings
from bot.web import sessions

SECRET = "test-secret"


def test_a_new_session_verifies_and_resumes():
    session = sessions.new_session(SECRET)
    assert sessions.CONVERSATION_ID.fullmatch(session.conversation_id)
    assert session.token.startswith(session.conversation_id + ".")
    assert len(session.token) <= sessions.MAX_TOKEN_CHARS
    assert sessions.verify(session.token, SECRET) == session
    assert sessions.resume_or_new(session.token, SECRET) == session


def test_sessions_are_unique():
    assert len({sessions.new_session(SECRET).conversation_id for _ in range(1000)}) == 1000


def _forgeries(session: sessions.Session) -> list:
    conversation, _, signature = session.token.partition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    other = sessions.new_session("another secret")
    return [
        conversation,  # the conversation id alone (as logs and leads show it)
        conversation + ".",
        conversation + "." + flipped,
        conversation + "." + signature[:-1],
        conversation + "." + signature + "x",
        conversation + "." + "A" * 22,
        conversation.upper() + "." + signature,
        conversation + "." + sessions._signature(conversation, "another secret"),
        other.token,  # signed, but with someone else's key
        "wc-" + "g" * 32 + "." + signature,
        session.token + "." + signature,
        " " + session.token,
        session.token + "\n",
        session.token.replace(".", ":"),
        "x" * 10_000,
        "",
        None,
        42,
        ["a"],
        {"session_id": session.token},
        "0123456789abcdef0123456789abcdef",  # an id the old widget made up itself
    ]


def test_forged_or_foreign_ids_get_a_new_session():
    session = sessions.new_session(SECRET)
    for forged in _forgeries(session):
        assert sessions.verify(forged, SECRET) is None, forged
        fresh = sessions.resume_or_new(forged, SECRET)
        assert fresh.conversation_id != session.conversation_id
        assert sessions.verify(fresh.token, SECRET) == fresh


def test_another_secret_invalidates_every_token():
    session = sessions.new_session(SECRET)
    assert sessions.verify(session.token, SECRET + "!") is None


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("WEBCHAT_SESSION_SECRET", raising=False)
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    monkeypatch.setattr(settings, "DEV_WEBCHAT_SECRET_FILE", tmp_path / "webchat-session.secret")
    return tmp_path


def test_development_secret_is_private_and_kept(var_dir):
    first = get_settings().webchat_session_secret
    path = var_dir / "webchat-session.secret"
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert get_settings().webchat_session_secret == first  # kept: sessions survive a restart
    assert [p.name for p in var_dir.iterdir()] == ["webchat-session.secret"]  # no temporary left


def test_the_configured_secret_wins(var_dir, monkeypatch):
    monkeypatch.setenv("WEBCHAT_SESSION_SECRET", "from-the-environment")
    assert get_settings().webchat_session_secret == "from-the-environment"
    assert not (var_dir / "webchat-session.secret").exists()
