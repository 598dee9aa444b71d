"""bot/web/limits.py and bot/web/clients.py: what a channel lets through to NLU, and from whom."""

from __future__ import annotations

import json

import pytest

from bot import settings
from bot.sales import throttle
from bot.settings import get_settings
from bot.web import clients, limits
from bot.web.rest import bearer_token_matches, parse_body


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("how are managed services billed?", None),
        ("x" * limits.MAX_MESSAGE_CHARS, None),
        ("x" * (limits.MAX_MESSAGE_CHARS + 1), limits.TOO_LONG_REPLY),
        ("x" * 65536, limits.TOO_LONG_REPLY),
        ("😀" * limits.MAX_MESSAGE_CHARS, None),  # characters, not bytes
        ("", limits.EMPTY_REPLY),
        ("   \n\t ", limits.EMPTY_REPLY),
        ("\x00\x1b\x07", limits.EMPTY_REPLY),
        ("hi \ud800", limits.UNREADABLE_REPLY),  # a lone surrogate ("\ud800" in JSON)
        (None, limits.NOT_TEXT_REPLY),
        (42, limits.NOT_TEXT_REPLY),
        (["hi"], limits.NOT_TEXT_REPLY),
        ({"text": "hi"}, limits.NOT_TEXT_REPLY),
    ],
)
def test_message_refusal(text, refusal):
    assert limits.message_refusal(text) == refusal


def test_clean_message_turns_control_characters_into_spaces():
    assert limits.clean_message("\x1b[31mred\x1b[0m and\x00 more\x9b") == "[31mred [0m and  more"
    assert limits.clean_message("two\nlines\tand tab") == "two\nlines\tand tab"


def test_every_refusal_has_a_reason_for_the_logs():
    for refusal in (
        limits.TOO_LONG_REPLY,
        limits.EMPTY_REPLY,
        limits.NOT_TEXT_REPLY,
        limits.UNREADABLE_REPLY,
    ):
        assert limits.refusal_reason(refusal) != "refused"


@pytest.mark.parametrize("sender", ["me", "e2e-0123abcd", "A_b-9", "x" * 64, "default-looking_id"])
def test_good_sender_ids(sender):
    assert limits.sender_refusal(sender) is None


@pytest.mark.parametrize(
    "sender",
    [
        None,
        "",
        " ",
        "a b",
        "x" * 65,
        "../etc",
        "a.b",
        "é",
        "a\n",
        "a\x00",
        "<script>",
        7,
        ["a"],
        {"a": 1},
        "wc-" + "0" * 32,
    ],
)
def test_bad_sender_ids(sender):
    assert limits.sender_refusal(sender)


def test_metadata_limits():
    assert limits.metadata_fits(None)
    assert limits.metadata_fits({"page_url": "https://example.com/"})
    assert limits.metadata_fits({"a": "b" * (limits.MAX_METADATA_BYTES - 20)})
    assert not limits.metadata_fits({"a": "b" * limits.MAX_METADATA_BYTES})
    assert not limits.metadata_fits({"a": "é" * (limits.MAX_METADATA_BYTES // 2)})  # bytes, not characters
    assert not limits.metadata_fits([1, 2])
    assert not limits.metadata_fits(7)
    assert not limits.metadata_fits({"a": "\udfff"})
    deep: dict = {}
    for _ in range(5000):
        deep = {"a": deep}
    assert not limits.metadata_fits(deep)


@pytest.mark.parametrize(
    ("metadata", "url"),
    [
        ({"page_url": "https://example.com/a?email=x@y.z#f"}, "https://example.com/a"),
        ({"page_url": "http://example.com"}, "http://example.com"),
        ({"page_url": "javascript:alert(1)"}, None),
        ({"page_url": "data:text/html,hi"}, None),
        ({"page_url": "//example.com/x"}, None),
        ({"page_url": "https://example.com/\x1b[2J"}, None),
        ({"page_url": "https://exa\ud800mple.com/"}, None),
        ({"page_url": "https://[::1"}, None),
        ({"page_url": 7}, None),
        ('{"page_url": "https://example.com/p"}', "https://example.com/p"),
        ("not json", None),
        ("[" * 5000, None),
        (None, None),
    ],
)
def test_page_url(metadata, url):
    assert limits.page_url(metadata) == url


def test_page_url_is_cut_to_its_limit():
    url = limits.page_url({"page_url": "https://example.com/" + "a" * 1000})
    assert url and len(url) == limits.MAX_URL_CHARS


def test_message_metadata_keeps_the_page_and_our_client_key_only():
    sent = {"page_url": "https://example.com/p?q=1", "client_key": "forged", "lead_email": "x@y.z"}
    assert limits.message_metadata(sent, "ours") == {
        "client_key": "ours",
        "page_url": "https://example.com/p",
    }
    assert limits.message_metadata(None, "ours") == {"client_key": "ours"}
    assert limits.message_metadata("garbage", "ours") == {"client_key": "ours"}


def test_the_lead_throttle_reads_the_key_the_channels_set():
    metadata = limits.message_metadata({"client_key": "forged"}, "k" * 32)
    events = [{"event": "user", "text": "hi", "metadata": metadata}]
    assert throttle.client_key(events) == "k" * 32
    assert len(clients.client_key("203.0.113.7", "secret")) <= throttle.MAX_CLIENT_KEY_CHARS


def test_the_rasa_server_refuses_bodies_over_the_limit_before_parsing():
    class Config:
        REQUEST_MAX_SIZE = 100_000_000  # Sanic's defaults
        WEBSOCKET_MAX_SIZE = 2**20

    limits.bound_sanic(Config)
    assert Config.REQUEST_MAX_SIZE == Config.WEBSOCKET_MAX_SIZE == limits.MAX_REQUEST_BYTES
    Config.REQUEST_MAX_SIZE = 4096  # a smaller configured value is kept
    limits.bound_sanic(Config)
    assert Config.REQUEST_MAX_SIZE == 4096
    # the action server (also Sanic) must not get the limit: it receives trackers and the domain
    assert not any(key.startswith("SANIC_") for key in settings.rasa_env_defaults())
    # a message at the character limit still fits, as 4-byte UTF-8 characters in JSON
    body = json.dumps(
        {
            "sender": "x" * 64,
            "message": "😀" * limits.MAX_MESSAGE_CHARS,
            "metadata": {"page_url": "https://example.com/" + "a" * 480},
        },
        ensure_ascii=False,
    )
    assert len(body.encode("utf-8")) < limits.MAX_REQUEST_BYTES


# --- client addresses ---------------------------------------------------------------------
LOCAL = ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "address"),
    [
        ("203.0.113.7", None, LOCAL, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", LOCAL, "203.0.113.7"),  # not from our proxy: header ignored
        ("127.0.0.1", "198.51.100.1", LOCAL, "198.51.100.1"),
        ("127.0.0.1", "1.1.1.1, 198.51.100.1", LOCAL, "198.51.100.1"),  # the client wrote 1.1.1.1
        ("127.0.0.1", "198.51.100.1, 127.0.0.1", LOCAL, "198.51.100.1"),  # two proxies of ours
        ("127.0.0.1", "garbage", LOCAL, "127.0.0.1"),
        ("127.0.0.1", "1.1.1.1, garbage, 198.51.100.1", LOCAL, "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1:443", LOCAL, "198.51.100.1"),
        ("127.0.0.1", "[2001:db8::1]:443", LOCAL, "2001:db8::/64"),
        ("127.0.0.1", "x" * 100_000, LOCAL, "127.0.0.1"),
        ("10.0.0.5", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("2001:db8:1:2:3:4:5:6", None, LOCAL, "2001:db8:1:2::/64"),  # one /64 is one client
        ("::ffff:203.0.113.7", None, LOCAL, "203.0.113.7"),
        ("", None, LOCAL, clients.UNKNOWN),
        (None, None, LOCAL, clients.UNKNOWN),
    ],
)
def test_client_address(peer, forwarded, trusted, address):
    assert clients.client_address(peer, forwarded, trusted) == address


def test_client_key_is_a_keyed_hash():
    key = clients.client_key("203.0.113.7", "secret")
    assert key == clients.client_key("203.0.113.7", "secret")
    assert key != clients.client_key("203.0.113.8", "secret")
    assert key != clients.client_key("203.0.113.7", "other secret")
    assert "203" not in key


def test_bad_trusted_proxies_are_a_configuration_error(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1,nginx")
    with pytest.raises(settings.ConfigError, match="TRUSTED_PROXIES"):
        get_settings()
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert get_settings().trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]


def test_rate_limit_settings(monkeypatch):
    assert get_settings().rate_limit_per_session == 20 and get_settings().rate_limit_per_address == 60
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS", "0")
    assert get_settings().rate_limit_per_address == 0
    monkeypatch.setenv("RATE_LIMIT_PER_SESSION", "-1")
    with pytest.raises(settings.ConfigError, match="RATE_LIMIT_PER_SESSION"):
        get_settings()


# --- the REST channel's body parsing --------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        (b'{"sender": "a", "message": "hi"}', True),
        (b"", False),
        (b"[]", False),
        (b"null", False),
        (b'"text"', False),
        (b"42", False),
        (b"\xff\xfe{}", False),
        (b'\xef\xbb\xbf{"sender": "a"}', False),  # a byte-order mark is not JSON
        (b'{"sender": NaN}', False),
        (b'{"sender": Infinity}', False),
        (b"[" * 20000, False),
        (b'{"n": ' + b"9" * 5000 + b"}", False),  # over Python's int digit limit
        (b'{"sender": "a"} trailing', False),
        (b"{'sender': 'a'}", False),
    ],
)
def test_parse_body(raw, ok):
    body, problem = parse_body(raw)
    assert (body is not None) == ok
    assert (problem is None) == ok


class _Request:
    def __init__(self, authorization):
        self.headers = {"authorization": authorization} if authorization is not None else {}


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("Bearer s3cret", True),
        ("bearer s3cret", True),
        ("Bearer wrong", False),
        ("s3cret", False),
        ("Basic s3cret", False),
        ("", False),
        (None, False),
        ("Bearer s3cret\udcff", False),
    ],
)
def test_bearer_token(header, ok):
    assert bearer_token_matches(_Request(header), "s3cret") == ok


# --- socket.io packets (bot/web/packets.py) -------------------------------------------------
def test_polling_bodies():
    from bot.web.packets import polling_body_problem

    assert polling_body_problem(b'42["user_uttered",{"message":"hi"}]') is None
    assert polling_body_problem(b'3\x1e42["x"]\x1e1') is None
    assert polling_body_problem(b"\xff\xfe") == "not UTF-8"
    assert polling_body_problem(b"\x1e" * 100) == "too many packets"
    for server_only in (b"0", b"2", b"6", b"", b"garbage"):
        assert polling_body_problem(server_only), server_only


def test_socketio_packets():
    # what engine.io hands to socket.io: the packet after engine.io's "4" (message)
    from bot.web.packets import json_too_deep, socketio_packet_problem

    assert (
        socketio_packet_problem('2["user_uttered",{"message":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]')
        is None
    )
    assert socketio_packet_problem("0") is None
    assert socketio_packet_problem("2" + "[" * 10_000) == "nested too deep"
    assert socketio_packet_problem(b"\x04binary") == "binary"
    assert socketio_packet_problem('51-["x",{"_placeholder":true,"num":0}]')  # binary event
    assert socketio_packet_problem("4")  # CONNECT_ERROR is the server's
    assert socketio_packet_problem("")
    assert socketio_packet_problem("2[") == "malformed"
    assert socketio_packet_problem('2["user_uttered"') == "malformed"
    assert not json_too_deep('{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
