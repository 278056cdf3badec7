"""A WeChat turn whose answer is one text keeps it for the passive reply (``TurnAnswer``):
when the turn then ends past the request's budget (its commit or its notices were slow), the
request was answered ``success`` and WeChat never sends the message again — the text goes by
customer-service message (``FollowUps.after``), once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bots.wechat_answer import FollowUps, TurnAnswer
from conversations.engine import Handled
from conversations.events import TextReceived
from conversations.replies import Say

EVENT = TextReceived(
    channel="wechat", user_id="o-1", at=datetime(2025, 3, 3, tzinfo=UTC), text="1"
)


class Api:
    """The customer-service messages sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send_text(self, openid: str, text: str) -> None:
        self.sent.append((openid, text))


async def turn(answer: TurnAnswer, follow_ups: FollowUps, *, late: bool) -> None:
    """The turn hands its one text over within the budget; the request then stops waiting
    (``late``: past its budget, answered ``success``) and the turn ends."""
    handed = asyncio.Event()
    finish = asyncio.Event()

    async def run() -> Handled:
        replies = [Say("您好")]
        assert await answer.deliver(replies, "zh") == 0  # kept for the passive reply
        handed.set()
        await finish.wait()  # its commit, its notices
        return Handled("handled", replies, "zh")

    task = asyncio.ensure_future(run())
    await handed.wait()
    answer.late = late  # as ``WeChatBot._reply`` decides when its wait ends
    follow_ups.after(task, EVENT, answer)
    finish.set()
    await follow_ups.drain()


async def test_a_one_text_answer_of_a_turn_that_ended_past_the_budget_is_pushed():
    api, follow_ups = Api(), FollowUps(None, None)
    follow_ups.api = api  # type: ignore[assignment]
    answer = TurnAnswer(api, follow_ups.pushes, "o-1", 60)  # type: ignore[arg-type]
    await turn(answer, follow_ups, late=True)
    assert api.sent == [("o-1", "您好")]


async def test_a_one_text_answer_within_the_budget_is_only_the_passive_reply():
    api, follow_ups = Api(), FollowUps(None, None)
    follow_ups.api = api  # type: ignore[assignment]
    answer = TurnAnswer(api, follow_ups.pushes, "o-1", 60)  # type: ignore[arg-type]
    await turn(answer, follow_ups, late=False)
    assert api.sent == []
