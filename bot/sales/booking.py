"""The meeting link a qualified lead is offered after submitting (BOOKING_URL_TEMPLATE).

The template is a Cal.com or Calendly link with {name} and {email} where the visitor's
details go, e.g. https://cal.com/acme/intro?name={name}&email={email}; both are
URL-encoded, so no answer can add a parameter or change the link's target. Only http(s)
templates are used.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from bot.sales.models import Lead
from bot.settings import get_settings

log = logging.getLogger(__name__)

PLACEHOLDERS = ("{name}", "{email}")


def usable_template(template: str | None) -> str | None:
    """The template when it is an absolute http(s) URL, else None (logged once per call)."""
    if not template:
        return None
    parts = urlsplit(template.replace("{name}", "x").replace("{email}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        log.error("BOOKING_URL_TEMPLATE is not an http(s) URL: no meeting link is offered")
        return None
    return template


def fill(template: str, name: str | None, email: str | None) -> str:
    url = template.replace("{name}", quote(name or "", safe=""))
    return url.replace("{email}", quote(email or "", safe=""))


def link_for(lead: Lead) -> str | None:
    """The visitor's meeting link, or None (not qualified, or no template configured)."""
    template = usable_template(get_settings().booking_url_template)
    if not (template and lead.qualified):
        return None
    return fill(template, lead.name, lead.email)
