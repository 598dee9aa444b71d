"""The alert e-mail: built from an Alert, sent over SMTP with the SMTP_* settings.

It goes to SALES_NOTIFY_EMAIL and to the lead's owner when the routing file gives an
address. The Message-ID is derived from the lead, so a mail system or a person can tell
a resent alert from a new one.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from bot.sales import alerts
from bot.settings import get_settings


def recipients(alert: alerts.Alert) -> list[str]:
    wanted = get_settings().sales_notify_emails + ([alert.owner_email] if alert.owner_email else [])
    return list(dict.fromkeys(address.strip() for address in wanted if address.strip()))


def plain_message(subject: str, body: str, to: list[str], message_key: str, urgent: bool) -> EmailMessage:
    """A plain-text alert; its Message-ID comes from `message_key`, so a resend is recognisable."""
    sender = get_settings().smtp_from
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message["Message-ID"] = f"<{message_key}.alert@{domain}>"
    message["X-Priority"] = "1" if urgent else "3"
    message.set_content(body)
    return message


def message_for(alert: alerts.Alert) -> EmailMessage:
    return plain_message(
        alerts.subject(alert),
        alerts.as_text(alert),
        recipients(alert),
        f"lead-{alert.lead_id}",
        alert.qualified,
    )


def _error(exc: Exception) -> str:
    """The exception's kind and SMTP code only: SMTP errors quote addresses."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def send(message: EmailMessage, timeout: float) -> str | None:
    """None once the SMTP server accepted the message, else a short reason."""
    current = get_settings()
    host, port, security = current.smtp_host, current.smtp_port, current.smtp_security
    try:
        if security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            user, password = current.smtp_user, current.smtp_password
            if user and password:
                server.login(user, password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return _error(exc)
    return None
