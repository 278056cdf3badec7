"""Recurring bookings: repeat an order every week (from its detail in "my orders"), list them,
skip one's next visit, stop one. The day and time default to the order's own; each visit
becomes an order a few days ahead, priced then, and the customer is sent a button to pay it.
What the screens say: ``recurring_views``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import recurring_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, moment, tr
from conversations.flows.dates import parse_when
from conversations.flows.flow_state import keep, keeping, load, restart
from conversations.replies import Ask, Option, Say
from conversations.results.recurring import (
    Subscribed,
    SubscriptionDrafted,
    SubscriptionsListed,
    SubscriptionStopped,
    VisitSkipped,
)
from conversations.state import Conversation
from domain.commands import SkipVisit, StopSubscription, Subscribe
from domain.digits import whole
from domain.queries import DraftSubscription, LoadSubscriptions
from domain.recurring import format_at_time, next_visit
from domain.text import Bilingual

NAME = "recurring"


class Step(StrEnum):
    LIST = "list"
    CONFIRM = "confirm"
    DAY = "day"
    TIME = "time"
    STOP = "stop"
    SKIP = "skip"


FIRST = Step.LIST


@dataclass(slots=True)
class Listed:
    """A recurring booking the list showed (and that may be skipped or stopped from it)."""

    id: int
    item: Bilingual
    weekday: int
    at_time: str
    next_at: str = ""
    """Its next visit as the list showed it (ISO 8601): the one a skip skips."""


@dataclass(slots=True)
class RecurringData:
    """What the flow keeps between turns, in ``conv.data["recurring"]``; "repeat weekly" on
    an order enters it with ``number``."""

    number: int | None = None
    """The order to repeat."""
    weekday: int | None = None
    at_time: str = ""
    """``HH:MM``; empty: the order's own time."""
    subs: tuple[Listed, ...] = ()
    stop: int | None = None
    """The listed booking the customer asked to stop."""
    skip: int | None = None
    """The listed booking whose next visit the customer asked to skip."""


_keeping = keeping(NAME, RecurringData, FIRST)


def seed(conv: Conversation, data: RecurringData) -> None:
    """What the flow starts with when entered next (``goto="recurring"``): the order
    ``data.number`` to repeat; the rest is reset on entry."""
    keep(conv, NAME, data)


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def _draft_command(conv: Conversation, r: RecurringData) -> DraftSubscription:
    assert r.number is not None
    return DraftSubscription(_customer(conv), r.number, r.weekday, r.at_time)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, RecurringData) or RecurringData()
    r = RecurringData(number=given.number)  # nothing older stays
    keep(conv, NAME, r)
    if r.number is not None:  # "repeat weekly" on an order
        return Outcome(step=Step.CONFIRM, commands=[_draft_command(conv, r)])
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    r = load(conv, NAME, RecurringData)
    if r is None:
        return restart(conv, NAME, RecurringData, FIRST)
    if conv.step == Step.CONFIRM:
        if r.number is None:
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(commands=[_draft_command(conv, r)])
    if conv.step == Step.DAY:
        options = tuple(Option(f"wd:{i}", views.day(conv, i)) for i in range(7))
        return Outcome([Ask(tr(conv, "每周哪一天?"), options)])
    if conv.step == Step.TIME:
        slots = tuple(Option(f"t:{s:%H:%M}", f"{s:%H:%M}") for s in ctx.rules.booking.slots)
        return Outcome(
            [
                Ask(
                    tr(conv, "几点开始?选一个时间,或直接回复,例如「9:30」。"),
                    slots,
                    numbered=False,
                )
            ]
        )
    if conv.step == Step.STOP:
        stop = next((x for x in r.subs if x.id == r.stop), None)
        if stop is None:
            return Outcome(step=Step.LIST, reask=True)
        repeated = views.every(conv, stop.item, stop.weekday, stop.at_time)
        return Outcome([views.stop_question(conv, repeated)])
    if conv.step == Step.SKIP:
        skip = next((x for x in r.subs if x.id == r.skip and x.next_at), None)
        if skip is None:
            return Outcome(step=Step.LIST, reask=True)
        visit = datetime.fromisoformat(skip.next_at)
        following = next_visit(visit, skip.weekday, time.fromisoformat(skip.at_time), ctx.tz)
        repeated = views.every(conv, skip.item, skip.weekday, skip.at_time)
        return Outcome([views.skip_question(ctx, conv, repeated, visit, following)])
    return Outcome(commands=[LoadSubscriptions(_customer(conv))])


@_keeping
def on_subscriptions(
    ctx: Ctx, conv: Conversation, result: SubscriptionsListed, r: RecurringData
) -> Outcome:
    r.subs = tuple(
        Listed(s.id, s.item, s.weekday, format_at_time(s.at_time), s.next_at.isoformat())
        for s in result.subscriptions
    )
    return Outcome(views.listing(ctx, conv, result.subscriptions), step=Step.LIST)


@_keeping
def on_draft(
    ctx: Ctx, conv: Conversation, result: SubscriptionDrafted, r: RecurringData
) -> Outcome:
    r.weekday, r.at_time = result.plan.weekday, format_at_time(result.plan.at_time)
    return Outcome(views.confirm(ctx, conv, result.plan), step=Step.CONFIRM)


@_keeping
def on_subscribed(ctx: Ctx, conv: Conversation, result: Subscribed, r: RecurringData) -> Outcome:
    plan = result.plan
    every, first = views.plan_every(conv, plan), moment(ctx, conv, plan.first_at)
    made = moment(ctx, conv, plan.made_at, clock=False) if plan.made_at is not None else ""
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "已设置:{every}。第一次上门 {first},订单将于 {made} 生成,"
                    "届时提醒您支付。可在主菜单「定期预约」中查看或停止。",
                    every=every,
                    first=first,
                    made=made,
                )
                if made
                else tr(
                    conv,
                    "已设置:{every}。第一次上门 {first},订单稍后生成,"
                    "届时提醒您支付。可在主菜单「定期预约」中查看或停止。",
                    every=every,
                    first=first,
                )
            )
        ],
        goto="menu",
    )


@_keeping
def on_stopped(
    ctx: Ctx, conv: Conversation, result: SubscriptionStopped, r: RecurringData
) -> Outcome:
    r.stop = None
    sub = result.subscription
    every = views.every(conv, sub.item, sub.weekday, format_at_time(sub.at_time))
    return Outcome(
        [Say(tr(conv, "已停止「{every}」。", every=every))],
        step=Step.LIST,
        reask=True,
    )


@_keeping
def on_skipped(ctx: Ctx, conv: Conversation, result: VisitSkipped, r: RecurringData) -> Outcome:
    r.skip = None
    sub = result.subscription
    text = tr(
        conv,
        "已跳过 {visit} 这次上门,不会生成订单。下一次上门:{following}。",
        visit=moment(ctx, conv, result.skipped_at),
        following=moment(ctx, conv, sub.next_at),
    )
    return Outcome([Say(text)], step=Step.LIST, reask=True)


@_keeping
def on_failed(ctx: Ctx, conv: Conversation, result: Failed, r: RecurringData) -> Outcome:
    """The order cannot be repeated (or already is): say why and go back to the menu —
    asking again would only ask the same question of the service again."""
    return Outcome([Say(result.message.get(conv.lang))], goto="menu")


@_keeping
def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, r: RecurringData) -> Outcome:
    listed = {f"stop:{x.id}": x.id for x in r.subs}
    if event.key in listed:
        r.stop = listed[event.key]
        return Outcome(step=Step.STOP, reask=True)
    skippable = {f"skip:{x.id}": x.id for x in r.subs if x.next_at}
    if event.key in skippable:
        r.skip = skippable[event.key]
        return Outcome(step=Step.SKIP, reask=True)
    if event.key in ("orders", "menu"):
        return Outcome(goto=event.key)
    return Outcome(reask=True)


@_keeping
def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade, r: RecurringData) -> Outcome:
    if event.key == "confirm" and r.number is not None and r.weekday is not None:
        return Outcome(commands=[Subscribe(_customer(conv), r.number, r.weekday, r.at_time)])
    if event.key == "day":
        return Outcome(step=Step.DAY, reask=True)
    if event.key == "time":
        return Outcome(step=Step.TIME, reask=True)
    if event.key == "menu":
        return Outcome(goto="menu")
    return Outcome(reask=True)


@_keeping
def on_day(
    ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived, r: RecurringData
) -> Outcome:
    if isinstance(event, ChoiceMade):
        weekday = whole(event.key[3:], 6) if event.key.startswith("wd:") else None
        if weekday is None:
            return Outcome(reask=True)
        r.weekday = weekday
    else:
        day, _ = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        if day is None:
            return Outcome(
                [Say(tr(conv, "请选择星期几,例如「周六」。"))],
                reask=True,
            )
        r.weekday = day.weekday()
    return Outcome(step=Step.CONFIRM, reask=True)


@_keeping
def on_time(
    ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived, r: RecurringData
) -> Outcome:
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("t:"):
            return Outcome(reask=True)
        r.at_time = event.key[2:]
    else:
        _, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        if at is None:
            return Outcome(
                [Say(tr(conv, "请回复时间,例如「9:30」。"))],
                reask=True,
            )
        r.at_time = f"{at:%H:%M}"
    return Outcome(step=Step.CONFIRM, reask=True)


@_keeping
def on_stop(ctx: Ctx, conv: Conversation, event: ChoiceMade, r: RecurringData) -> Outcome:
    if event.key == "yes" and r.stop is not None:
        return Outcome(commands=[StopSubscription(_customer(conv), r.stop)])
    if event.key == "no":
        r.stop = None
        return Outcome(step=Step.LIST, reask=True)
    return Outcome(reask=True)


@_keeping
def on_skip(ctx: Ctx, conv: Conversation, event: ChoiceMade, r: RecurringData) -> Outcome:
    skip = next((x for x in r.subs if x.id == r.skip and x.next_at), None)
    if event.key == "yes" and skip is not None:
        visit = datetime.fromisoformat(skip.next_at)
        return Outcome(commands=[SkipVisit(_customer(conv), skip.id, visit)])
    if event.key == "no":
        r.skip = None
        return Outcome(step=Step.LIST, reask=True)
    return Outcome(reask=True)


@_keeping
def on_skip_failed(ctx: Ctx, conv: Conversation, result: Failed, r: RecurringData) -> Outcome:
    """The visit was made an order meanwhile (or the booking stopped): say so, and show the
    list as it is now."""
    r.skip = None
    return Outcome([Say(result.message.get(conv.lang))], step=Step.LIST, reask=True)


TRANSITIONS: Transitions = {
    (Step.LIST, SubscriptionsListed): on_subscriptions,
    (Step.LIST, ChoiceMade): on_list_choice,
    (Step.CONFIRM, SubscriptionDrafted): on_draft,
    (Step.CONFIRM, Subscribed): on_subscribed,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, Failed): on_failed,
    (Step.DAY, ChoiceMade): on_day,
    (Step.DAY, TextReceived): on_day,
    (Step.TIME, ChoiceMade): on_time,
    (Step.TIME, TextReceived): on_time,
    (Step.STOP, ChoiceMade): on_stop,
    (Step.STOP, SubscriptionStopped): on_stopped,
    (Step.SKIP, ChoiceMade): on_skip,
    (Step.SKIP, VisitSkipped): on_skipped,
    (Step.SKIP, Failed): on_skip_failed,
}
