"""What each chat channel of ours (bot/web/channel.py, bot/web/rest.py) does first when the
Rasa server builds it, in its blueprint(): one place, so the channels cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanic import Blueprint

from bot import rasa_server, settings
from bot.web import clients, limits, ratelimit


@dataclass(frozen=True)
class ChannelSetup:
    settings: settings.Settings
    secret: str  # signs web chat session ids and keys the client hash
    trusted: tuple[str, ...]  # proxies whose X-Forwarded-For names the client
    visitor_limits: ratelimit.VisitorLimits  # shared by every channel of the process


def set_up_channel(blueprint: Blueprint) -> ChannelSetup:
    """Install the log policy and the Rasa fixes (bot.rasa_server), check the settings (a bad one
    stops the server with one line, as does a malformed TRUSTED_PROXIES), and bound every
    request the blueprint's app takes before anything parses it."""
    rasa_server.install()
    current = settings.check_or_exit()
    trusted = tuple(current.trusted_proxies)
    clients.trusted_networks(trusted)

    @blueprint.listener("main_process_start")
    async def bound_requests(app: Any, _loop: Any) -> None:
        limits.bound_sanic(app.config)  # bodies and frames over 16 KB refused before parsing

    return ChannelSetup(current, current.webchat_session_secret, trusted, ratelimit.shared())
