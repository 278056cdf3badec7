"""我的 (Me): a customer's membership — level and the way to the next one, points, coupons,
the invitation to share, prepaid cards (their own flow, ``cards``), and the language switch.
Reached from the main menu, by ``/me``, ``/points``, ``/coupons``, ``/invite``, ``/cards``
and by the words (我的, 积分, 优惠券, 邀请, 次卡…) in every state (``global_words``), each
opening its own part of the screen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import booking, language, menu, order_questions
from conversations.flows import me_birthday as birthday
from conversations.flows import me_views as views
from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.flows.flow_state import keep, keeping, load, restart
from conversations.flows.me_views import SECTION_KEYS
from conversations.flows.me_views import Section as Section  # named by who enters
from conversations.replies import Say
from conversations.results.customers import BirthdaySet
from conversations.results.membership import MembershipShown
from conversations.results.points import PointsHistory
from conversations.state import Conversation
from domain.birthdays import check_born
from domain.commands import SetBirthday
from domain.errors import DomainError
from domain.queries import LoadMembership, LoadPointsHistory

NAME = "me"


class Step(StrEnum):
    SHOWN = "shown"
    BIRTHDAY = "birthday"
    """"设置生日": the month and day typed."""


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
    """The query the part needs: the points part reads the points history (balance and
    movements) alone, the others the membership."""
    assert conv.customer_id is not None
    if section == Section.POINTS:
        return Outcome(commands=[LoadPointsHistory(conv.customer_id, views.LISTED_MOVEMENTS)])
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
    if conv.step == Step.BIRTHDAY:
        return Outcome(birthday.question(ctx, conv))
    return _load(conv, section_of(data))


@_keeping
def on_shown(ctx: Ctx, conv: Conversation, result: MembershipShown, d: MeData) -> Outcome:
    return Outcome(views.screen(ctx, conv, result, section_of(d)))


@_keeping
def on_history(ctx: Ctx, conv: Conversation, result: PointsHistory, d: MeData) -> Outcome:
    return Outcome(views.points_screen(ctx, conv, result))


@_keeping
def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: MeData) -> Outcome:
    if event.key in SECTION_KEYS:
        d.section = event.key
        return _load(conv, Section(event.key))
    if event.key == language.KEY:
        return language.toggle(conv)
    if event.key == views.BIRTHDAY:
        return Outcome(step=Step.BIRTHDAY, reask=True)
    if event.key == views.EMERGENCY:
        return Outcome(goto="emergency")
    if event.key == "menu":
        return Outcome(goto="menu")
    if event.key in menu.KEYS:  # a button of the menu shown before (我的 typed, not tapped)
        return menu.on_choice(ctx, conv, event)
    return Outcome(views.choose_again(conv, section_of(d)))


@_keeping
def on_text(ctx: Ctx, conv: Conversation, event: TextReceived, d: MeData) -> Outcome:
    """Typed words: a question about an order ("where is my cleaner?": ``order_questions``),
    a booking request when they name a service, a time…; else the choices again (not the
    whole screen)."""
    outcome = order_questions.read(ctx, conv, event.text) or booking.from_words(
        ctx, conv, event.text
    )
    if outcome is not None:
        return outcome
    return Outcome(views.choose_again(conv, section_of(d)))


def on_birthday(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    found = birthday.read_birthday(event.text)
    if found is None or conv.customer_id is None:
        return Outcome([birthday.not_a_birthday(conv)], reask=True)
    born = birthday.typed_born(event.text)
    if born is not None:  # a year given too: it must be one they were born in; not kept
        try:
            check_born(born, ctx.now.astimezone(ctx.tz).date(), ctx.rules.coupons)
        except DomainError as refused:
            return Outcome([Say(refused.text.get(conv.lang))], reask=True)
    return Outcome(commands=[SetBirthday(conv.customer_id, found)])


def on_birthday_set(ctx: Ctx, conv: Conversation, result: BirthdaySet) -> Outcome:
    return Outcome([birthday.kept(conv, result.month, result.day)], step=Step.SHOWN, reask=True)


def on_birthday_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    return Outcome([Say(result.message.get(conv.lang))], step=Step.SHOWN, reask=True)


def on_birthday_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "back":
        return Outcome(step=Step.SHOWN, reask=True)
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.SHOWN, MembershipShown): on_shown,
    (Step.SHOWN, PointsHistory): on_history,
    (Step.SHOWN, ChoiceMade): on_choice,
    (Step.SHOWN, TextReceived): on_text,
    (Step.BIRTHDAY, TextReceived): on_birthday,
    (Step.BIRTHDAY, ChoiceMade): on_birthday_choice,
    (Step.BIRTHDAY, BirthdaySet): on_birthday_set,
    (Step.BIRTHDAY, Failed): on_birthday_refused,
    (Step.BIRTHDAY, MembershipShown): on_shown,
}
