"""我的 (Me): a customer's membership — level and the way to the next one, points, coupons,
the invitation to share, prepaid cards (their own flow, ``cards``), and the language switch.
Reached from the main menu, by ``/me``, ``/points``, ``/coupons``, ``/invite``, ``/cards``
and by the words (我的, 积分, 优惠券, 邀请, 次卡…) in every state (``everywhere``), each
opening its own part of the screen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, language
from conversations.flows import me_views as views
from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.flows.flow_state import keep, keeping, load, restart
from conversations.flows.me_views import SECTION_KEYS
from conversations.flows.me_views import Section as Section  # named by who enters
from conversations.results.membership import MembershipShown
from conversations.state import Conversation
from domain.queries import LoadMembership

NAME = "me"


class Step(StrEnum):
    SHOWN = "shown"


FIRST = Step.SHOWN
COMMANDS: dict[str, Section] = {
    "me": Section.ALL,
    "member": Section.ALL,
    "points": Section.POINTS,
    "coupons": Section.COUPONS,
    "invite": Section.INVITE,
    "cards": Section.CARDS,
}
"""Slash commands (and their words without the slash, as WeChat users type them)."""
WORDS: dict[str, Section] = {
    **COMMANDS,
    "my account": Section.ALL,
    "我的": Section.ALL,
    "我的账户": Section.ALL,
    "会员": Section.ALL,
    "会员等级": Section.ALL,
    "我的会员": Section.ALL,
    "积分": Section.POINTS,
    "我的积分": Section.POINTS,
    "my points": Section.POINTS,
    "优惠券": Section.COUPONS,
    "我的优惠券": Section.COUPONS,
    "my coupons": Section.COUPONS,
    "邀请": Section.INVITE,
    "邀请好友": Section.INVITE,
    "invite friends": Section.INVITE,
    "次卡": Section.CARDS,
    "我的次卡": Section.CARDS,
    "买次卡": Section.CARDS,
    "购买次卡": Section.CARDS,
    "my cards": Section.CARDS,
    "prepaid cards": Section.CARDS,
}
"""Whole messages (casefolded) that open a part of 我的 wherever the customer is."""


@dataclass(slots=True)
class MeData:
    """What the flow keeps, in ``conv.data["me"]``: the part of the screen shown."""

    section: str = Section.ALL.value


_keeping = keeping(NAME, MeData, FIRST)


def seed(conv: Conversation, data: MeData) -> None:
    """The part to open when the flow is entered next (``goto="me"``)."""
    keep(conv, NAME, data)


def section_of(data: MeData) -> Section:
    try:
        return Section(data.section)
    except ValueError:
        return Section.ALL


def _load(conv: Conversation, section: Section) -> Outcome:
    assert conv.customer_id is not None
    if section == Section.CARDS:  # a flow of its own: cards are bought there
        conv.data.pop(NAME, None)  # 我的 entered next shows the whole screen
        return Outcome(goto="cards")
    invite = section in (Section.ALL, Section.INVITE)
    return Outcome(commands=[LoadMembership(conv.customer_id, conv.channel, invite)])


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, MeData) or MeData()
    section = section_of(given)
    keep(conv, NAME, MeData(section.value))  # nothing older stays
    return _load(conv, section)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    data = load(conv, NAME, MeData)
    if data is None:
        return restart(conv, NAME, MeData, FIRST)
    return _load(conv, section_of(data))


@_keeping
def on_shown(ctx: Ctx, conv: Conversation, result: MembershipShown, d: MeData) -> Outcome:
    return Outcome(views.screen(ctx, conv, result, section_of(d)))


@_keeping
def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: MeData) -> Outcome:
    if event.key in SECTION_KEYS:
        d.section = event.key
        return _load(conv, Section(event.key))
    if event.key == language.KEY:
        return language.toggle(conv)
    if event.key == "menu":
        return Outcome(goto="menu")
    return Outcome(views.choose_again(conv, section_of(d)))


@_keeping
def on_text(ctx: Ctx, conv: Conversation, event: TextReceived, d: MeData) -> Outcome:
    """Typed words: a booking request when they name a service, a time…; else the choices
    again (not the whole screen)."""
    outcome = booking.from_words(ctx, conv, event.text)
    if outcome is not None:
        return outcome
    return Outcome(views.choose_again(conv, section_of(d)))


TRANSITIONS: Transitions = {
    (Step.SHOWN, MembershipShown): on_shown,
    (Step.SHOWN, ChoiceMade): on_choice,
    (Step.SHOWN, TextReceived): on_text,
}
