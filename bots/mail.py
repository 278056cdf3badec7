"""Email through an SMTP server (``domain.gateways.Mailer``), configured by
``DAOJIA_SMTP_URL`` (``smtp://user:password@host:port``: STARTTLS when the server offers it;
``smtps://…``: TLS from the start) and ``DAOJIA_MAIL_FROM``. The standard library's
``smtplib``, run in a thread."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from domain.errors import DeliveryFailed

TIMEOUT_S = 30


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    """``smtps``: TLS from the first byte (else STARTTLS when offered)."""
    user: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp[s]://[user[:password]@]host[:port]``; raises ValueError when it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("must be smtp://[user:password@]host[:port] or smtps://…")
    tls = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if tls else 25)
    except ValueError:
        raise ValueError("the port is not a number") from None
    return SmtpServer(
        parts.hostname,
        port,
        tls,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


class SmtpMailer:
    def __init__(self, server: SmtpServer, sender: str, timeout_s: float = TIMEOUT_S) -> None:
        self.server = server
        self.sender = sender
        self.timeout_s = timeout_s

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        s = self.server
        try:
            smtp: smtplib.SMTP = (
                smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout_s)
                if s.tls
                else smtplib.SMTP(s.host, s.port, timeout=self.timeout_s)
            )
            with smtp:
                smtp.ehlo()
                if not s.tls and smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.user:
                    smtp.login(s.user, s.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryFailed("the mail server refused the address", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"mail server: {type(exc).__name__}") from exc
