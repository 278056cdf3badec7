"""First contact: language, phone number (shared contact or typed), sign-up with a welcome
coupon, then on to what the person wanted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, ContactShared, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import keep, load
from conversations.replies import Ask, AskContact, Option, Say
from conversations.results.customers import CustomerRegistered
from conversations.state import Conversation
from domain import limits
from domain.commands import RegisterCustomer
from domain.money import format_yuan

NAME = "start"


class Step(StrEnum):
    LANGUAGE = "language"
    PHONE = "phone"
    SIGNING_UP = "signing_up"


FIRST = Step.LANGUAGE
_CN_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_INTL = re.compile(r"^\+[1-9]\d{7,14}$")


@dataclass(frozen=True, slots=True)
class StartData:
    """What the sign-up keeps, in ``conv.data["start"]``: the invitation code of the link
    that brought the person (``/start ref_…``), kept through "cancel" and "menu" until the
    sign-up uses it."""

    referral: str = ""


def seed(conv: Conversation, data: StartData) -> None:
    """What the sign-up starts with when entered (now or later): the referral code."""
    keep(conv, NAME, data)


def normalise_phone(text: str) -> str | None:
    """A mainland mobile number (``13812345678``) or an international ``+…`` number."""
    compact = re.sub(r"[\s\-()]", "", text)
    m = _CN_MOBILE.match(compact)
    if m:
        return m.group(1)
    return compact if _INTL.match(compact) else None


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome([Say(tr(conv, "您好,欢迎来到到家!"))], reask=True)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.LANGUAGE:
        return Outcome(
            [
                Ask(  # each option in its own language, whichever the question is in
                    tr(conv, "请选择语言:"),
                    (Option("zh", "中文"), Option("en", "English")),
                )
            ]
        )
    return Outcome(
        [
            AskContact(
                tr(
                    conv,
                    "请分享或直接输入您的 11 位手机号,师傅上门前会用它联系您。",
                )
            )
        ]
    )


def on_language(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key not in ("zh", "en"):
        return Outcome(reask=True)
    conv.lang = event.key
    return Outcome(step=Step.PHONE, reask=True)


def _register(conv: Conversation, event: ContactShared | TextReceived, raw: str) -> Outcome:
    if over := too_long(conv, limits.PHONE, raw.strip()):
        return over
    phone = normalise_phone(raw)
    if phone is None:
        return Outcome(
            [Say(tr(conv, "手机号格式不对,请输入 11 位手机号,例如 13812345678。"))],
            reask=True,
        )
    return Outcome(
        step=Step.SIGNING_UP,
        commands=[
            RegisterCustomer(
                event.channel,
                event.user_id,
                phone,
                conv.lang,
                event.name,
                _referral(conv),
            )
        ],
    )


def _referral(conv: Conversation) -> str:
    """The invitation code kept for the sign-up ("" when none, or of another shape)."""
    data = load(conv, NAME, StartData)
    return data.referral if data is not None else ""


def on_contact(ctx: Ctx, conv: Conversation, event: ContactShared) -> Outcome:
    return _register(conv, event, event.phone)


def on_phone_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return _register(conv, event, event.text)


def on_registered(ctx: Ctx, conv: Conversation, result: CustomerRegistered) -> Outcome:
    conv.customer_id = result.customer_id
    conv.data.pop(NAME, None)
    replies = [Say(tr(conv, "注册成功!"))]
    coupon = result.welcome_coupon
    if coupon:
        amount, threshold = format_yuan(coupon.amount_cents), format_yuan(coupon.threshold_cents)
        replies.append(
            Say(
                tr(
                    conv,
                    "送您一张新人券:满{threshold}减{amount},"
                    "首单另减{first_order_discount_cents}。",
                    threshold=threshold,
                    amount=amount,
                    first_order_discount_cents=format_yuan(
                        ctx.rules.pricing.first_order_discount_cents
                    ),
                )
            )
        )
    return Outcome(replies, goto="menu")


TRANSITIONS: Transitions = {
    (Step.LANGUAGE, ChoiceMade): on_language,
    (Step.PHONE, ContactShared): on_contact,
    (Step.PHONE, TextReceived): on_phone_text,
    (Step.SIGNING_UP, CustomerRegistered): on_registered,
    (Step.SIGNING_UP, ContactShared): on_contact,
    (Step.SIGNING_UP, TextReceived): on_phone_text,
}
