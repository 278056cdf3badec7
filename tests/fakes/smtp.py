"""A minimal SMTP server on 127.0.0.1 (asyncio): enough of RFC 5321 for ``smtplib`` — EHLO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT, and AUTH PLAIN when a password is set. ``down``: every
session is answered 421 (the server is unavailable), so the sender must try again."""

from __future__ import annotations

import asyncio
import base64
from email import message_from_bytes, policy
from email.message import EmailMessage


class FakeSmtp:
    def __init__(self, user: str = "", password: str = "") -> None:
        self.user, self.password = user, password
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        """(envelope sender, recipients, message) of every message taken."""
        self.down = False
        self.sessions = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"smtp://{auth}127.0.0.1:{self.port}"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for _, rcpt, m in self.messages if address in rcpt]

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.sessions += 1

        async def say(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            if self.down:
                await say("421 fake smtp is down")
                return
            await say("220 fake smtp ready")
            sender, rcpt = "", []
            while line := (await reader.readline()).decode().rstrip("\r\n"):
                verb = line.split(" ", 1)[0].upper()
                arg = line[len(verb) :].strip()
                if verb in ("EHLO", "HELO"):
                    await say("250-fake" if verb == "EHLO" else "250 fake")
                    if verb == "EHLO":
                        await say("250 AUTH PLAIN" if self.user else "250 8BITMIME")
                elif verb == "AUTH":
                    _, _, blob = arg.partition(" ")
                    _, user, password = base64.b64decode(blob).decode().split("\0")
                    ok = (user, password) == (self.user, self.password)
                    await say("235 ok" if ok else "535 bad credentials")
                elif verb == "MAIL":
                    sender, rcpt = arg.partition(":")[2].strip().strip("<>").split(" ")[0], []
                    await say("250 ok")
                elif verb == "RCPT":
                    rcpt.append(arg.partition(":")[2].strip().strip("<>"))
                    await say("250 ok")
                elif verb == "DATA":
                    await say("354 go on")
                    data = bytearray()
                    while (chunk := await reader.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    message = message_from_bytes(bytes(data), policy=policy.default)
                    assert isinstance(message, EmailMessage)
                    self.messages.append((sender, rcpt, message))
                    await say("250 queued")
                elif verb == "QUIT":
                    await say("221 bye")
                    return
                else:  # RSET, NOOP and the rest
                    await say("250 ok")
        finally:
            writer.close()
