"""One person, several chat accounts: "绑定" (or ``/link``) in a new chat asks the phone number
of the account the person already has; a code goes to that account's own chats (never here)
and typed back here it makes this chat that account — its orders, coupons and points.

The code is made here and kept as a hash with its expiry and the wrong tries left; the asker
is told the same whether or not anyone holds the number. Too many wrong codes lock this chat
account and the number out of new codes for ``risk.link_lockout_minutes`` (``LockLink``);
the desk caps the codes asked (``identity_links``) and says until when.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, Inbound, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, moment, tr, trn
from conversations.flows.flow_state import keep, load
from conversations.flows.phones import normalise_phone
from conversations.replies import Ask, Option, Say
from conversations.results.customers import AccountLinked, LinkRequested
from conversations.state import Conversation
from domain.commands import LinkAccount, LockLink, RequestLink

NAME = "link"
CODE_DIGITS = 8


class Step(StrEnum):
    PHONE = "phone"
    CODE = "code"


FIRST = Step.PHONE


@dataclass(frozen=True, slots=True)
class LinkData:
    """What the flow keeps (``conv.data["link"]``): who asks, the code's hash, whose account
    it would join (0: nobody's — the asker is not told), until when, the wrong tries."""

    user_id: str = ""
    phone: str = ""
    """Only between a seed and its entry, in the same turn: never kept."""
    code_hash: str = ""
    holder: int = 0
    expires: str = ""
    wrong: int = 0
    target: str = ""
    """The number's key in the shared counters (a keyed hash, never the number): locked
    with this chat account after too many wrong codes."""
    then: str = ""
    """The flow to go back to once linked ("checkout": the order being placed), or ""."""


def start(conv: Conversation, event: Inbound, phone: str = "", then: str = "") -> Outcome:
    """Into the flow for the chat account ``event`` came from (with the number, if known;
    ``then``: the flow to go back to once linked)."""
    keep(conv, NAME, LinkData(user_id=event.user_id, phone=phone, then=then))
    return Outcome(goto=NAME)


def _data(conv: Conversation) -> LinkData:
    return load(conv, NAME, LinkData) or LinkData()


def _hash(user_id: str, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    data = _data(conv)
    if data.phone:
        return _request(ctx, conv, replace(data, phone=""), data.phone)
    keep(conv, NAME, LinkData(user_id=data.user_id, then=data.then))
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.CODE:
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        "如果这个手机号有到家账户,验证码已发到它所在的聊天(微信或 Telegram),"
                        "{minutes} 分钟内有效。请在这里回复验证码:",
                        minutes=ctx.rules.risk.link_code_minutes,
                    ),
                    (Option("menu", tr(conv, "不绑定了")),),
                )
            ]
        )
    return Outcome(
        [
            Ask(
                tr(
                    conv,
                    "在别的渠道已经用过到家?请输入那个账户的手机号,"
                    "验证码会发到那个账户所在的聊天里:",
                ),
                (Option("menu", tr(conv, "不绑定了")),),
            )
        ]
    )


def _request(ctx: Ctx, conv: Conversation, data: LinkData, phone: str) -> Outcome:
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = ctx.rules.risk.link_code_minutes
    expires = (ctx.now + timedelta(minutes=minutes)).isoformat()
    keep(
        conv,
        NAME,
        replace(data, code_hash=_hash(data.user_id, code), expires=expires, wrong=0, target=""),
    )
    return Outcome(
        step=Step.CODE,
        commands=[RequestLink(conv.channel, data.user_id, phone, code, minutes)],
    )


def on_phone(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    phone = normalise_phone(event.text)
    if phone is None:
        return Outcome(
            [Say(tr(conv, "手机号格式不对,请输入 11 位手机号,例如 13812345678。"))], reask=True
        )
    return _request(ctx, conv, replace(_data(conv), user_id=event.user_id), phone)


def on_requested(ctx: Ctx, conv: Conversation, result: LinkRequested) -> Outcome:
    keep(conv, NAME, replace(_data(conv), holder=result.customer_id or 0, target=result.target))
    return Outcome(reask=True)


def on_code(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    data = _data(conv)
    typed = "".join(unicodedata.normalize("NFKC", event.text).split())
    if not data.expires or ctx.now > datetime.fromisoformat(data.expires):
        return _over(conv, tr(conv, "验证码已过期,请重新发送「绑定」获取新的验证码。"))
    right = secrets.compare_digest(_hash(data.user_id, typed), data.code_hash)
    if right and data.holder:
        return Outcome(commands=[LinkAccount(conv.channel, data.user_id, data.holder)])
    wrong = data.wrong + 1
    left = ctx.rules.risk.link_code_tries - wrong
    if left <= 0:
        until = ctx.now + timedelta(minutes=ctx.rules.risk.link_lockout_minutes)
        over = _over(
            conv,
            tr(
                conv,
                "验证码错误次数太多,请在 {when} 之后再重新发送「绑定」。",
                when=moment(ctx, conv, until),
            ),
        )
        lock = LockLink(conv.channel, data.user_id, data.target, until)
        return replace(over, commands=[lock])
    keep(conv, NAME, replace(data, wrong=wrong))
    return Outcome(
        [
            Say(
                trn(
                    conv,
                    "验证码不对,还可以再试 {left} 次。",
                    "验证码不对,还可以再试 {left} 次。",
                    left,
                    left=left,
                )
            )
        ],
        reask=True,
    )


def _over(conv: Conversation, text: str) -> Outcome:
    conv.data.pop(NAME, None)
    return Outcome([Say(text)], goto="menu")


def on_linked(ctx: Ctx, conv: Conversation, result: AccountLinked) -> Outcome:
    conv.customer_id = result.customer_id
    done = tr(conv, "绑定成功!这里和您原来的聊天是同一个到家账户了:订单、优惠券、积分都一样。")
    if _data(conv).then == "checkout":  # back to the order, priced for that account
        conv.data.pop(NAME, None)
        return Outcome([Say(done)], goto="checkout")
    return _over(conv, done)


def on_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """Refused (this chat's account has orders: said before any code is sent); back to the
    order being placed, if any."""
    said = result.message.get(conv.lang)
    if _data(conv).then == "checkout":
        conv.data.pop(NAME, None)
        return Outcome([Say(said)], goto="checkout")
    return _over(conv, said)


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "menu":
        return _over(conv, tr(conv, "好的,没有绑定。"))
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.PHONE, TextReceived): on_phone,
    (Step.PHONE, ChoiceMade): on_choice,
    (Step.PHONE, LinkRequested): on_requested,
    (Step.CODE, LinkRequested): on_requested,
    (Step.CODE, TextReceived): on_code,
    (Step.CODE, ChoiceMade): on_choice,
    (Step.CODE, AccountLinked): on_linked,
    (Step.CODE, Failed): on_refused,
}
