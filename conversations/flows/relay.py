"""The masked relay chat with the other side of an order: "联系师傅" (customer, from the order)
or "联系顾客" (worker, from the job) opens it; then every message here — text, a photo, a
location — goes to the other person through the bot, tagged with the order number, until
"结束" / "end" (or any menu word). "#240117 内容" sends one message from anywhere. Neither sees
the other's phone or account (``services.relay_desk``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conversations.events import Failed, LocationShared, PhotoReceived, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import keep, load, read
from conversations.replies import Say
from conversations.results.relay import RelayOpened, RelaySent
from conversations.state import Conversation
from domain import commands as c
from domain import limits

NAME = "relay"
END = {"结束", "结束联系", "end", "done", "退出联系"}
"""What leaves the relay chat while in it."""
_PREFIXED = re.compile(r"^\s*#\s*(\d{6,8})\s+(\S.*)$", re.DOTALL)


class Step(StrEnum):
    OPEN = "open"
    CHAT = "chat"


FIRST = Step.OPEN


@dataclass(frozen=True, slots=True)
class RelayData:
    """The order (None: the person's current one) and a first message to send at once."""

    number: int | None = None
    text: str = ""


def seed(conv: Conversation, data: RelayData) -> None:
    keep(conv, NAME, data)


def prefixed(text: str) -> RelayData | None:
    """ "#240117 我到了" → the order and the message; None for anything else."""
    m = _PREFIXED.match(text)
    return RelayData(int(m.group(1)), m.group(2).strip()) if m else None


def _home(conv: Conversation) -> str:
    return "worker" if conv.role == "worker" else "menu"


def _ids(conv: Conversation) -> tuple[int | None, int | None]:
    """(customer, worker): a worker writes as the worker, anyone else as the customer."""
    if conv.role == "worker":
        return None, conv.worker_id
    return conv.customer_id, None


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    data = read(RelayData, conv.data.get(NAME)) or RelayData()
    keep(conv, NAME, RelayData(data.number))
    customer, worker = _ids(conv)
    if customer is None and worker is None:
        return Outcome(goto=_home(conv))
    if data.text:  # "#240117 内容": text only, so no channel is needed to fetch anything
        return _send(conv, data.number, "", "", text=data.text)
    return Outcome(commands=[c.OpenRelay(customer, worker, data.number)])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome()  # the chat has no question: whatever is typed is sent


def _number(conv: Conversation) -> int | None:
    data = load(conv, NAME, RelayData)
    return data.number if data else None


def _send(
    conv: Conversation,
    number: int | None,
    channel: str,
    user_id: str,
    *,
    text: str = "",
    photo_ref: str = "",
    where: tuple[float, float, str] | None = None,
) -> Outcome:
    customer, worker = _ids(conv)
    if over := too_long(conv, limits.SUPPORT_MESSAGE, text):
        return over
    lat, lon, label = where if where else (None, None, "")
    return Outcome(
        commands=[
            c.SendRelay(
                channel, user_id, customer, worker, number, text, photo_ref, lat, lon, label
            )
        ]
    )


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = event.text.strip()
    if text.casefold() in END:
        conv.data.pop(NAME, None)
        return Outcome([Say(tr(conv, "已结束联系。"))], goto=_home(conv))
    if not text:
        return Outcome()
    first = prefixed(text)
    if first is not None and first.number is not None:
        keep(conv, NAME, RelayData(first.number))
        return _send(conv, first.number, event.channel, event.user_id, text=first.text)
    return _send(conv, _number(conv), event.channel, event.user_id, text=text)


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return _send(conv, _number(conv), event.channel, event.user_id, photo_ref=event.ref)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    where = (event.lat, event.lon, event.label)
    return _send(conv, _number(conv), event.channel, event.user_id, where=where)


def on_opened(ctx: Ctx, conv: Conversation, r: RelayOpened) -> Outcome:
    keep(conv, NAME, RelayData(r.number))
    if r.side == "worker":
        text = tr(
            conv,
            "已接通订单 #{number} 的顾客。请直接输入要发送的内容,也可以发照片或位置;"
            "平台会转发,双方都看不到对方的号码。发送「结束」离开。",
            number=r.number,
        )
    else:
        text = tr(
            conv,
            "已接通订单 #{number} 的师傅。请直接输入要发送的内容,也可以发照片或位置;"
            "平台会转发,双方都看不到对方的号码。发送「结束」离开。",
            number=r.number,
        )
    return Outcome([Say(text)], step=Step.CHAT)


def on_sent(ctx: Ctx, conv: Conversation, r: RelaySent) -> Outcome:
    keep(conv, NAME, RelayData(r.number))
    if r.side == "worker":
        text = tr(
            conv, "已转发给顾客(#{number})。继续输入可接着发送,发送「结束」离开。", number=r.number
        )
    else:
        text = tr(
            conv, "已转发给师傅(#{number})。继续输入可接着发送,发送「结束」离开。", number=r.number
        )
    return Outcome([Say(text)], step=Step.CHAT)


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    if result.retry:  # a photo that could not be used: still in the chat
        return Outcome([Say(result.message.get(conv.lang))], step=Step.CHAT)
    conv.data.pop(NAME, None)
    return Outcome([Say(result.message.get(conv.lang))], goto=_home(conv))


TRANSITIONS: Transitions = {
    (Step.OPEN, RelayOpened): on_opened,
    (Step.OPEN, RelaySent): on_sent,
    (Step.OPEN, Failed): on_failed,
    (Step.OPEN, TextReceived): on_text,
    (Step.CHAT, TextReceived): on_text,
    (Step.CHAT, PhotoReceived): on_photo,
    (Step.CHAT, LocationShared): on_location,
    (Step.CHAT, RelaySent): on_sent,
    (Step.CHAT, Failed): on_failed,
}
