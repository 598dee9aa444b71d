"""The action server: rasa-sdk's app behind a shared secret, on 127.0.0.1 by default.

rasa-sdk has no authentication, listens on 0.0.0.0, allows CORS from anywhere and parses
any body as JSON: whoever reaches its port can run `action_submit_lead` with a made-up
tracker, even a web page on the LAN with a `text/plain` POST. This runner (`python -m
bot.action_server`, started by bot.serve) serves the same app with

- every route but /health answering only requests that carry the secret in SECRET_HEADER
  (endpoints.yml makes the Rasa server send it; compared in constant time);
- POST bodies accepted only as uncompressed `application/json` of at most MAX_BODY_BYTES;
- no CORS headers at all (the Rasa server is not a browser);
- the interface from ACTION_SERVER_HOST (default 127.0.0.1).

Before it serves, main() installs the log policy (bot.logsafe) and starts the background
workers (start_workers): the one that moves leads from the local spool into the sales
database once it is reachable again and, when an alert channel is configured
(SALES_NOTIFY_EMAIL, SALES_SLACK_WEBHOOK_URL, SALES_WEBHOOK_URL), the one that delivers
committed leads' alerts from the outbox. Importing the actions package starts none of it.

The secret comes from get_settings().action_server_secret (bot.settings) and is never logged.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
import threading

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import db, settings
from bot.sales import outbox, spool
from bot.settings import get_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Action-Token"
# A tracker of a long session is a few hundred KB; the channels bound every message.
MAX_BODY_BYTES = 8 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})


def _refusal(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


def check_request(request: Request, secret: str) -> HTTPResponse | None:
    """None when the request may reach rasa-sdk, else the refusal to send back."""
    if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
        return None
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8")):
        logger.warning(
            "action server: refused a %s %s without a valid secret", request.method, request.path[:100]
        )
        return _refusal(401, "unauthorized")
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _refusal(415, "the body must be application/json")
        # rasa-sdk would inflate a deflate body without a size limit; Rasa sends it plain.
        if request.headers.get("content-encoding", "identity").strip().lower() != "identity":
            return _refusal(415, "compressed bodies are not accepted")
    return None


def guard(app: Sanic, secret: str) -> Sanic:
    """Put the secret and body checks in front of every route of rasa-sdk's app."""
    if not secret:
        raise ValueError("the action server needs a non-empty secret")
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    async def authenticate(request: Request) -> HTTPResponse | None:
        return check_request(request, secret)

    app.register_middleware(authenticate, "request")
    return app


def create_app(actions_package: str = "actions", secret: str | None = None) -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app
    from rasa_sdk.plugin import plugin_manager

    app = sdk_app(actions_package, cors_origins=None)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return guard(app, secret if secret is not None else get_settings().action_server_secret)


def _configure_logging() -> None:
    from rasa_sdk import utils

    from bot import logsafe

    utils.configure_colored_logging(get_settings().log_level)
    utils.update_sanic_log_level()
    logsafe.install()


_workers: dict[str, tuple[threading.Thread, threading.Event]] = {}


def start_workers() -> dict[str, tuple[threading.Thread, threading.Event]]:
    """Start the action server's background workers, once per process: {name: (thread, stop)}."""
    if not _workers:
        db.load_models()  # before any worker thread queries the database
        _workers["spool"] = spool.start_worker()
        if outbox.enabled_channels():
            _workers["outbox"] = outbox.start_worker(interval=get_settings().sales_outbox_interval)
    return _workers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="the project's action server (rasa-sdk with a secret)")
    parser.add_argument("--actions", default="actions", help="package with the custom actions")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default=None, help="default: ACTION_SERVER_HOST or 127.0.0.1")
    args = parser.parse_args(argv)
    try:
        get_settings()
    except settings.ConfigError as exc:
        sys.exit(str(exc))
    _configure_logging()
    start_workers()
    from rasa_sdk.utils import number_of_sanic_workers

    host = args.host or get_settings().action_server_host
    app = create_app(args.actions)
    logger.info("action server listening on http://%s:%d (requests need the shared secret)", host, args.port)
    app.run(host, args.port, workers=number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
