"""How a WeChat message is answered, between its request and its turn.

WeChat shows the passive reply first and waits for it 5 s. When the turn gets to an answer of
several texts within the request's budget, it hands the first to the request for the passive
reply (``TurnAnswer``) and, once the request is answered, pushes the others by
customer-service message itself (its ``Deliver``), before the conversation store's commit,
which notes how many went out in the commit's round trip (none of its own). Past the budget
the request is answered ``success`` and the turn pushes the whole answer. What no turn
pushed — a duplicate's texts an earlier attempt did not send — and ``NOT_DONE`` for a message
answered ``success`` whose turn failed go out on their own (``FollowUps``).

WeChat's ``sent`` counts the texts after the first: a retry always answers with the first
passively (``WeChatBot._reply``), so the first is never counted, not even when it went by
customer-service message past the budget.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bots.channel import Delivered, Pushes
from bots.wechat_api import WeChatApi
from bots.wechat_events import CHANNEL
from bots.wechat_send import PUSH_ERRORS, render_texts
from conversations.engine import Handled
from conversations.events import Inbound
from conversations.replies import Reply
from domain.privacy import loggable_traceback
from domain.text import N_

log = logging.getLogger(__name__)
NOT_DONE = N_("抱歉,系统繁忙,您刚才的消息没有处理成功,请再发一次。")
ANSWERED = ("handled", "duplicate")
"""Turns whose answer goes out; a duplicate's too: WeChat sends a message again only when it
did not get the answer within 5 s, so its passive reply never showed (``FollowUps.push``)."""


class TurnAnswer:
    """One request's answer: ``passive`` the text of its passive reply, once the turn hands
    it over; ``late`` once the request is past its budget (answered ``success``); ``replied``
    once it was answered at all (its handler sets it, whatever happens)."""

    def __init__(
        self, api: WeChatApi | None, pushes: Pushes, user_id: str, budget_s: float
    ) -> None:
        self._api, self._pushes, self._user_id = api, pushes, user_id
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + budget_s
        self.passive: asyncio.Future[str] = loop.create_future()
        self.late = False
        self.replied = asyncio.Event()
        self.texts: list[str] | None = None
        """The turn's texts as ``deliver`` rendered them (the request answers with them)."""
        self.held: str | None = None
        """The one text ``deliver`` kept for the passive reply, nothing pushed."""

    async def deliver(self, replies: list[Reply], lang: str) -> int:
        """The turn's ``Deliver``: within the budget, the first text to the request for its
        passive reply and, once it was answered, the texts after it by customer-service
        message; past it (the request answers ``success``), all of them. Returns how many
        texts after the first went out (WeChat's ``sent``: a retry answers with the first
        passively)."""
        if not self.passive.done() and asyncio.get_running_loop().time() >= self._deadline:
            self.late = True  # the request answers ``success``, however soon it wakes
        self.texts = texts = render_texts(replies, lang)
        if not texts or (len(texts) == 1 and not self.late):
            # one text: the request answers it once the turn ended, notices sent — or, when
            # the turn ends past the budget, ``FollowUps.after`` pushes it
            self.held = texts[0] if texts else None
            return 0
        if not self.late:
            if not self.passive.done():  # (a second attempt's went with the first's)
                self.passive.set_result(texts[0])
            # the request is answered (its handler ends) before the texts after it are sent;
            # aiohttp writes that answer right after, so one may still overtake it
            await self.replied.wait()
        assert self._api is not None, "started"
        lead = texts[:1] if self.late else ()
        return await self._pushes.push(self._api.send_text, self._user_id, texts[1:], lead=lead)


class FollowUps:
    """What goes out for a message once its request was answered and its turn ended, each
    send on its own, kept until it ends (``drain``)."""

    def __init__(
        self,
        language: Callable[[str, str], Awaitable[str]] | None,
        delivered: Delivered | None,
    ) -> None:
        self.api: WeChatApi | None = None  # set at start, when the HTTP session exists
        self._language = language
        self.pushes = Pushes(CHANNEL, PUSH_ERRORS, delivered)
        self.tasks: set[asyncio.Task[Any]] = set()

    def after(self, task: asyncio.Task[Handled], event: Inbound, answer: TurnAnswer) -> None:
        """Once ``task`` (a turn still running when its request was answered) ends, send
        what of a duplicate's answer earlier attempts did not push (a turn pushes its own
        through ``TurnAnswer.deliver``), or ``NOT_DONE`` when it failed after the request
        was answered ``success`` (WeChat will not send it again)."""
        self.tasks.add(task)

        def done(task: asyncio.Task[Handled]) -> None:
            self.tasks.discard(task)
            if task.cancelled():
                log.error("slow wechat turn for %s was cancelled", event.user_id)
                return
            error = task.exception()
            if error is not None:
                log.error(
                    "slow wechat turn for %s failed\n%s", event.user_id, loggable_traceback(error)
                )
                if answer.late:  # answered ``success``, not with the answer
                    self.spawn(self._not_done(event.user_id))
                return
            handled = task.result()
            if handled.status == "duplicate" and handled.replies:  # a turn's own are pushed
                texts = render_texts(handled.replies, handled.lang)
                self.spawn(self.push(event, handled, texts, passive=not answer.late))
            elif answer.late and handled.status == "handled" and answer.held is not None:
                assert self.api is not None  # its one text, kept for a request answered since
                self.spawn(self.pushes.push(self.api.send_text, event.user_id, [answer.held]))

        task.add_done_callback(done)

    def spawn(self, coro: Awaitable[object]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def push(
        self, event: Inbound, handled: Handled, texts: list[str], *, passive: bool
    ) -> None:
        """Send what of a duplicate's answer an earlier attempt did not: the texts after the
        first from its ``sent`` on (WeChat's count), after the first itself unless it went as
        the passive reply; note how far that got."""
        assert self.api is not None
        lead = () if passive else texts[:1]
        await self.pushes.rest(self.api.send_text, event, texts[1:], handled.sent, lead)

    async def _not_done(self, user_id: str) -> None:
        """Ask the person to send it again, in the language they chat in."""
        lang = await self._language(CHANNEL, user_id) if self._language is not None else "zh"
        assert self.api is not None
        await self.pushes.push(self.api.send_text, user_id, [NOT_DONE.get(lang)])

    async def drain(self) -> None:
        """Wait until every turn, send and note of pushes under way has ended."""
        while self.tasks or self.pushes.notes:
            await asyncio.gather(*self.tasks, *self.pushes.notes, return_exceptions=True)
