"""``bots.channel.Pushes``, the one loop both chat channels push an answer's parts with: each
part sent whatever became of the ones before, counted in the channel's units up to the first
that failed; a duplicate's pushes noted on a task of their own."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bots.channel import Pushes
from conversations.events import TextReceived


class Refused(Exception):
    """The platform refused a part."""


class Platform:
    """What a platform got: parts refused when they are in ``refuse``."""

    def __init__(self, *refuse: str) -> None:
        self.refuse, self.got = set(refuse), []

    async def send(self, user_id: str, part: str) -> None:
        if part in self.refuse:
            raise Refused(part)
        self.got.append(part)


EVENT = TextReceived(
    channel="telegram", user_id="7", at=datetime(2025, 3, 3, tzinfo=UTC), text="hi"
)


async def test_parts_after_a_failed_one_go_out_but_only_those_before_it_count():
    platform, pushes = Platform("b"), Pushes("telegram", (Refused,), None)
    assert await pushes.push(platform.send, "7", ["a", "b", "c"]) == 1
    assert platform.got == ["a", "c"]


async def test_a_push_from_sent_on_counts_the_parts_sent_before():
    platform, pushes = Platform(), Pushes("telegram", (Refused,), None)
    assert await pushes.push(platform.send, "7", ["a", "b", "c"], 2) == 3
    assert platform.got == ["c"]


async def test_a_lead_goes_first_and_is_never_counted():
    pushes = Pushes("wechat", (Refused,), None)
    platform = Platform()
    assert await pushes.push(platform.send, "7", ["b", "c"], 1, lead=["a"]) == 2
    assert platform.got == ["a", "c"]
    refused_lead = Platform("a")  # nothing after a failed lead counts
    assert await pushes.push(refused_lead.send, "7", ["b", "c"], lead=["a"]) == 0
    assert refused_lead.got == ["b", "c"]


async def test_an_error_the_platform_does_not_answer_with_fails_the_push():
    pushes = Pushes("telegram", (Refused,), None)

    async def crash(user_id: str, part: str) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        await pushes.push(crash, "7", ["a"])


async def test_a_duplicates_push_is_noted_on_a_task_of_its_own_and_a_failed_note_is_logged(
    caplog,
):
    notes: list[int] = []

    async def delivered(event, sent: int) -> None:
        notes.append(sent)
        raise ConnectionError("redis went away")

    platform, pushes = Platform(), Pushes("telegram", (Refused,), delivered)
    await pushes.rest(platform.send, EVENT, ["a", "b", "c"], 1)
    # nothing yielded to the loop since: the note is under way, not begun
    assert platform.got == ["b", "c"] and notes == [] and len(pushes.notes) == 1
    with caplog.at_level(logging.WARNING, logger="bots.channel"):
        await asyncio.gather(*pushes.notes)
    assert notes == [3] and not pushes.notes
    assert "not noted: ConnectionError" in caplog.text


async def test_a_duplicate_that_pushed_nothing_notes_nothing():
    async def delivered(event, sent: int) -> None:
        raise AssertionError("noted")

    pushes = Pushes("telegram", (Refused,), delivered)
    await pushes.rest(Platform("c").send, EVENT, ["a", "b", "c"], 2)
    assert not pushes.notes
