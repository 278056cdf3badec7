"""The postman: notices are rendered and written to the outbox in the transaction of the change
they report, delivered right after it commits, and retried by the outbox sweep until the
platform takes them (or they can never be delivered: then they are kept, marked dead)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from conversations.replies import Reply, dump_replies, load_replies
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import Notice
from domain.errors import DeliveryFailed, DomainError
from domain.outbox import OutboxMessage, OutboxStatus, after_failure
from domain.people import Channel
from domain.ports import UnitOfWork
from domain.privacy import error_line, loggable_traceback
from domain.rules import NotificationRules

log = logging.getLogger(__name__)

Admins = Sequence[tuple[str, str, str]]
"""(channel, user id, role) of every admin."""


class AdminRoster(Protocol):
    """The admins as they are now (``conversations.admins.AdminDirectory``)."""

    async def grants_in(self, uow: UnitOfWork) -> list[tuple[str, str, str]]: ...
    def lang_of(self, channel: str, user_id: str) -> str: ...


def _in_chinese(channel: str, user_id: str) -> str:
    """The language of admins given as a fixed list (no directory knows how they chat)."""
    return "zh"


class Sender(Protocol):
    """Delivers to a person on a channel (``webhooks.chat.Messenger``)."""

    def prepare(
        self, channel: str, notice: Notice, user_id: str, lang: str
    ) -> dict[str, Any] | None:
        """What the channel keeps with ``notice`` for its delivery (opaque here, kept with
        the message and handed back to ``send`` as ``extra``), or None."""
        ...

    async def send(
        self,
        channel: str,
        user_id: str,
        replies: list[Reply],
        *,
        extra: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        """Deliver, skipping the first ``skip`` parts (sent by an earlier attempt); raise
        ``DeliveryFailed`` saying how many parts went out."""
        ...


class Postman:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        templates: NoticeTemplates,
        sender: Sender,
        admins: Admins | AdminRoster,
        clock: Callable[[], datetime],
        rules: NotificationRules,
    ) -> None:
        self.uow = uow
        self.templates = templates
        self.sender = sender
        self.admins = admins
        self.clock = clock
        self.rules = rules

    async def post(self, uow: UnitOfWork, notices: Sequence[Notice]) -> list[OutboxMessage]:
        """Write the notices for every chat account of their recipients, in their language,
        as part of ``uow`` (nothing is sent unless it commits), leased to this process so that
        ``flush`` sends them right after the commit without claiming them first."""
        posted: list[OutboxMessage] = []
        for notice in notices:
            accounts = await self._recipients(uow, notice)
            posted += await self.post_to(uow, notice, accounts, lease=True)
        return posted

    async def post_to(
        self,
        uow: UnitOfWork,
        notice: Notice,
        accounts: Sequence[tuple[str, str, str]],
        *,
        lease: bool = False,
    ) -> list[OutboxMessage]:
        """Write ``notice`` for these chat accounts, (channel, user id, language), as part of
        ``uow`` (a broadcast names its many recipients at once; the sweep sends them)."""
        now = self.clock()
        until = now + timedelta(seconds=self.rules.lease_s) if lease else None
        rendered: dict[tuple[str, str], list[dict[str, Any]]] = {}
        posted: list[OutboxMessage] = []
        for channel, user_id, lang in accounts:
            if (channel, lang) not in rendered:
                replies = self.templates.render(notice, channel, lang)
                rendered[channel, lang] = dump_replies(replies)
            message = OutboxMessage(
                channel=channel,
                user_id=user_id,
                event=notice.event,
                replies=rendered[channel, lang],
                template=self.sender.prepare(channel, notice, user_id, lang),
                created_at=now,
                next_attempt_at=now,
                lang=lang,
                claimed_until=until,
            )
            await uow.outbox.add(message)
            posted.append(message)
        return posted

    async def post_routes(
        self,
        uow: UnitOfWork,
        notice: Notice,
        routes: Sequence[tuple[str, str, str, bool]],
    ) -> list[OutboxMessage]:
        """Write ``notice`` for (channel, user id, language, as a template message only): a
        campaign decides per account how it may go (WeChat's 48-hour window). A template
        message has no text to fall back to; one the channel cannot make is not written. A
        text keeps what the channel prepares as its ``fallback``: by the time the text goes
        out (an outage, a retry) the channel may no longer take it (WeChat's window closed),
        and then it sends the fallback instead."""
        now = self.clock()
        posted: list[OutboxMessage] = []
        for channel, user_id, lang, template_only in routes:
            template = self.sender.prepare(channel, notice, user_id, lang)
            if template_only and template is None:
                continue
            replies = (
                [] if template_only else dump_replies(self.templates.render(notice, channel, lang))
            )
            message = OutboxMessage(
                channel=channel,
                user_id=user_id,
                event=notice.event,
                replies=replies,
                template=(
                    template
                    if template_only
                    else None
                    if template is None
                    else {"fallback": template}
                ),
                created_at=now,
                next_attempt_at=now,
                lang=lang,
            )
            await uow.outbox.add(message)
            posted.append(message)
        return posted

    async def _recipients(self, uow: UnitOfWork, notice: Notice) -> list[tuple[str, str, str]]:
        if notice.to == "admins":
            lang_of: Callable[[str, str], str] = _in_chinese
            if isinstance(self.admins, Sequence):
                admins: Admins = self.admins
            else:
                admins, lang_of = await self.admins.grants_in(uow), self.admins.lang_of
            return [
                (channel, user_id, lang_of(channel, user_id))  # the language they chat in
                for channel, user_id, role in admins
                if role in notice.roles or role == "owner"
            ]
        if notice.to == "customer":
            person: Any = await uow.customers.get(notice.id)
            accounts = await uow.identities.of_customer(notice.id)
            suffix = "-customer"
        else:
            person = await uow.workers.get(notice.id)
            accounts = await uow.identities.of_worker(notice.id)
            suffix = "-worker"
        lang = person.lang if person else "zh"
        return [
            (a.channel.value, a.channel_user_id, lang)
            for a in accounts
            # a web chat pane speaks for one role only
            if a.channel != Channel.WEB or a.channel_user_id.endswith(suffix)
        ]

    async def flush(self, posted: Sequence[OutboxMessage]) -> int:
        """Deliver what ``post`` wrote, now that its transaction committed: in order per
        person, and only when nothing older is still waiting for them (then the sweep sends
        these after it)."""
        if not posted:
            return 0
        async with self.uow() as uow:
            waiting = await uow.outbox.waiting_before(posted)
        sent, stalled = 0, set(waiting)
        for message in posted:
            who = (message.channel, message.user_id)
            if who in stalled:
                await self._save(message)  # releases the lease: the sweep keeps the order
                continue
            if await self._attempt(message):
                sent += 1
            else:
                stalled.add(who)
        return sent

    async def drain(self) -> int:
        """Deliver every due message (the sweep); returns how many were sent."""
        return await self._deliver()

    async def _deliver(self) -> int:
        """Claim what is due and send it; repeat while that makes progress (a person's next
        message becomes due when the one before it is sent)."""
        total = 0
        for _ in range(self.rules.batch):
            now = self.clock()
            try:
                async with self.uow() as uow:
                    batch = await uow.outbox.claim(
                        now, now + timedelta(seconds=self.rules.lease_s), self.rules.batch
                    )
                    await uow.commit()
            except DomainError:  # SQLite: another drain holds the write lock; it sends them
                break
            sent = 0
            for message in batch:
                sent += await self._attempt(message)
            total += sent
            if not sent:
                break
        return total

    async def _attempt(self, message: OutboxMessage) -> bool:
        try:
            await self.sender.send(
                message.channel,
                message.user_id,
                load_replies(message.replies),
                extra=message.template,
                skip=message.progress,
                lang=message.lang,
            )
        except DeliveryFailed as exc:
            self._failed(message, exc.reason, exc.sent, exc.permanent, exc.retry_after)
            if exc.gone:
                await self._gone(message)
        except Exception as exc:  # a bug or an unexpected error: retried, and logged
            log.error(
                "outbox message %s to %s failed\n%s",
                message.id,
                message.channel,
                loggable_traceback(exc),
            )
            self._failed(message, error_line(exc), message.progress, False, None)
        else:
            message.status, message.sent_at = OutboxStatus.SENT, self.clock()
            await self._save(message)
            return True
        await self._save(message)
        return False

    def _failed(
        self,
        message: OutboxMessage,
        reason: str,
        sent: int,
        permanent: bool,
        retry_after: float | None,
    ) -> None:
        after_failure(
            message,
            reason=reason,
            sent=sent,
            permanent=permanent,
            retry_after=retry_after,
            now=self.clock(),
            rules=self.rules,
        )
        level = logging.ERROR if message.status == OutboxStatus.DEAD else logging.WARNING
        log.log(
            level,
            "outbox %s (%s to %s:%s) attempt %d failed: %s",
            message.id,
            message.event,
            message.channel,
            message.user_id,
            message.attempts,
            reason,
        )

    async def _gone(self, message: OutboxMessage) -> None:
        """The platform said nothing reaches the account: campaigns leave it out until the
        person writes again (order notices still try, and fail, as before)."""
        async with self.uow() as uow:
            await uow.marketing.unreachable(message.channel, message.user_id, self.clock())
            await uow.commit()

    async def _save(self, message: OutboxMessage) -> None:
        async with self.uow() as uow:
            await uow.outbox.save(message)
            await uow.commit()
