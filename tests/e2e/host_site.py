"""A company's own website on another port (= another origin) that pastes the widget's tag.

Serves one page, with a Content-Security-Policy of its own that lets in the chat server
only (what the README tells a company to add), from a thread in the test process.
"""

from __future__ import annotations

import html
from http.server import BaseHTTPRequestHandler

from receivers import LocalHttpServer, QuietHandler

# listed in WIDGET_ALLOWED_ORIGINS by the `embedding` fixture too (reached through nginx)
CUSTOMER_HTTPS_ORIGIN = "https://www.customer.example"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>Our company's own page.</p>
{tag}
</body></html>
"""


def widget_tag(chat_server: str) -> str:
    """The one tag a company pastes (README: "Embedding the widget on your website")."""
    return (
        f'<script src="{html.escape(chat_server)}/webhooks/webchat/widget.js" '
        'data-title="Sourcing assistant" data-greeting="Hello from our website!"></script>'
    )


def host_csp(chat_server: str) -> str:
    websocket = chat_server.replace("http", "ws", 1)
    return (
        f"default-src 'self'; script-src 'self' {chat_server}; style-src 'self' {chat_server}; "
        f"connect-src 'self' {chat_server} {websocket}; img-src 'self'; frame-ancestors 'none'"
    )


class HostSite(LocalHttpServer):
    """http://127.0.0.1:<port>/ serving a page with the widget's tag for `chat_server`."""

    def __init__(self, title: str):
        super().__init__()
        self.title = title
        self.chat_server = ""  # set once the chat server's port is known

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                if self.path != "/":
                    self.send_error(404)
                    return
                body = PAGE.format(title=html.escape(site.title), tag=widget_tag(site.chat_server)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", host_csp(site.chat_server))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
