"""Recurring bookings: repeat an order every week (from its detail in "my orders"), list them,
stop one. The day and time default to the order's own; each visit becomes an order a few
days ahead, priced then, and the customer is sent a button to pay it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, Failed, Loaded, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, tr
from conversations.flows.dates import parse_when
from conversations.replies import Ask, Option, Reply, Say
from conversations.state import Conversation
from domain.commands import DraftSubscription, LoadSubscriptions, StopSubscription, Subscribe
from domain.money import format_yuan
from domain.recurring import WEEKDAY_TEXT

NAME = "recurring"


class Step(StrEnum):
    LIST = "list"
    CONFIRM = "confirm"
    DAY = "day"
    TIME = "time"
    STOP = "stop"


FIRST = Step.LIST


def _r(conv: Conversation) -> dict[str, Any]:
    return flow_data(conv, "recurring")


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def _day(conv: Conversation, weekday: int) -> str:
    return WEEKDAY_TEXT[weekday].get(conv.lang)


def _every(conv: Conversation, d: dict[str, Any]) -> str:
    item = d["item_en"] if conv.lang == "en" else d["item_zh"]
    return tr(
        conv,
        f"每{_day(conv, d['weekday'])} {d['at_time']} {item}",
        f"every {_day(conv, d['weekday'])} at {d['at_time']}: {item}",
    )


def _draft_command(conv: Conversation) -> DraftSubscription:
    r = _r(conv)
    return DraftSubscription(
        _customer(conv), int(r["number"]), r.get("weekday"), str(r.get("at_time", ""))
    )


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    if "number" in _r(conv):  # "repeat weekly" on an order
        return Outcome(step=Step.CONFIRM, commands=[_draft_command(conv)])
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    r = _r(conv)
    if conv.step == Step.CONFIRM:
        if "number" not in r:
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(commands=[_draft_command(conv)])
    if conv.step == Step.DAY:
        options = tuple(Option(f"wd:{i}", _day(conv, i)) for i in range(7))
        return Outcome([Ask(tr(conv, "每周哪一天?", "Which day of the week?"), options)])
    if conv.step == Step.TIME:
        slots = tuple(Option(f"t:{s:%H:%M}", f"{s:%H:%M}") for s in ctx.rules.booking.slots)
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        "几点开始?选一个时间,或直接回复,例如「9:30」。",
                        "What time? Pick one, or type it, e.g. '9:30'.",
                    ),
                    slots,
                    numbered=False,
                )
            ]
        )
    if conv.step == Step.STOP:
        stop = r.get("stop")
        if not stop:
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        f"停止「{_every(conv, stop)}」?已生成的订单不受影响,"
                        "不需要的可在「我的订单」中取消。",
                        f"Stop '{_every(conv, stop)}'? Orders already made stay; cancel any "
                        "you don't need in 'My orders'.",
                    ),
                    (
                        Option("yes", tr(conv, "确认停止", "Yes, stop it")),
                        Option("no", tr(conv, "不停止", "No, keep it")),
                    ),
                )
            ]
        )
    return Outcome(commands=[LoadSubscriptions(_customer(conv))])


def _list(conv: Conversation, subs: list[dict[str, Any]]) -> list[Reply]:
    menu = Option("menu", tr(conv, "主菜单", "Main menu"))
    if not subs:
        return [
            Ask(
                tr(
                    conv,
                    "您还没有定期预约。打开「我的订单」中的一个订单,选择「每周重复」即可设置。",
                    "You have no recurring bookings. Open an order in 'My orders' and choose "
                    "'Repeat weekly'.",
                ),
                (Option("orders", tr(conv, "我的订单", "My orders")), menu),
            )
        ]
    lines = [tr(conv, "您的定期预约:", "Your recurring bookings:")]
    lines += [
        tr(
            conv,
            f"· {_every(conv, s)}(下次 {s['next_local']})",
            f"· {_every(conv, s)} (next {s['next_local']})",
        )
        for s in subs
    ]
    options = tuple(
        Option(
            f"stop:{s['id']}",
            tr(
                conv,
                f"停止 每{_day(conv, s['weekday'])} {s['at_time']}",
                f"Stop {_day(conv, s['weekday'])} {s['at_time']}",
            ),
        )
        for s in subs
    )
    return [Ask("\n".join(lines), (*options, menu))]


def _confirm(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    text = tr(
        conv,
        f"将订单 #{d['number']} 设为{_every(conv, d)}。\n"
        f"第一次上门:{d['first_local']};每次服务前 {d['ahead_days']} 天生成订单并提醒您支付,"
        f"按当时的价格计算(目前约 {format_yuan(d['price_cents'])}/次)。",
        f"Repeat order #{d['number']} {_every(conv, d)}.\n"
        f"First visit: {d['first_local']}. Each visit becomes an order {d['ahead_days']} days "
        f"ahead, priced then (about {format_yuan(d['price_cents'])} a visit today), and we "
        "send you a button to pay it.",
    )
    return [
        Ask(
            text,
            (
                Option("confirm", tr(conv, "确认设置", "Set it up")),
                Option("day", tr(conv, "换一天", "Another day")),
                Option("time", tr(conv, "换时间", "Another time")),
                Option("menu", tr(conv, "算了", "Never mind")),
            ),
        )
    ]


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    r = _r(conv)
    if result.kind == "subscriptions":
        r["subs"] = {str(s["id"]): s for s in result.data["subscriptions"]}
        return Outcome(_list(conv, result.data["subscriptions"]), step=Step.LIST)
    if result.kind == "subscription_draft":
        d = result.data
        r.update(weekday=d["weekday"], at_time=d["at_time"])
        return Outcome(_confirm(conv, d), step=Step.CONFIRM)
    if result.kind == "subscribed":
        d = result.data
        conv.data.pop("recurring", None)
        made = d["made_local"]
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已设置:{_every(conv, d)}。第一次上门 {d['first_local']},订单"
                        + (f"将于 {made} 生成" if made else "稍后生成")
                        + ",届时提醒您支付。可在主菜单「定期预约」中查看或停止。",
                        f"Done: {_every(conv, d)}. First visit {d['first_local']}; its order "
                        + (f"is made on {made}" if made else "follows shortly")
                        + " and we'll ask you to pay it. See or stop it under 'Recurring "
                        "bookings' in the main menu.",
                    )
                )
            ],
            goto="menu",
        )
    if result.kind == "subscription_stopped":
        r.pop("stop", None)
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已停止「{_every(conv, result.data)}」。",
                        f"Stopped '{_every(conv, result.data)}'.",
                    )
                )
            ],
            step=Step.LIST,
            reask=True,
        )
    return Outcome()


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """The order cannot be repeated (or already is): say why and go back to the menu —
    asking again would only ask the same question of the service again."""
    conv.data.pop("recurring", None)
    return Outcome([Say(result.message)], goto="menu")


def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    r = _r(conv)
    if event.key.startswith("stop:") and event.key[5:] in r.get("subs", {}):
        r["stop"] = r["subs"][event.key[5:]]
        return Outcome(step=Step.STOP, reask=True)
    if event.key in ("orders", "menu"):
        conv.data.pop("recurring", None)
        return Outcome(goto=event.key)
    return Outcome(reask=True)


def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    r = _r(conv)
    if event.key == "confirm" and "weekday" in r:
        return Outcome(
            commands=[
                Subscribe(_customer(conv), int(r["number"]), int(r["weekday"]), r["at_time"])
            ]
        )
    if event.key == "day":
        return Outcome(step=Step.DAY, reask=True)
    if event.key == "time":
        return Outcome(step=Step.TIME, reask=True)
    if event.key == "menu":
        conv.data.pop("recurring", None)
        return Outcome(goto="menu")
    return Outcome(reask=True)


def on_day(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    r = _r(conv)
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("wd:"):
            return Outcome(reask=True)
        r["weekday"] = int(event.key[3:])
    else:
        day, _ = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        if day is None:
            return Outcome(
                [Say(tr(conv, "请选择星期几,例如「周六」。", "Pick a day, e.g. 'Saturday'."))],
                reask=True,
            )
        r["weekday"] = day.weekday()
    return Outcome(step=Step.CONFIRM, reask=True)


def on_time(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    r = _r(conv)
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("t:"):
            return Outcome(reask=True)
        r["at_time"] = event.key[2:]
    else:
        _, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        if at is None:
            return Outcome(
                [Say(tr(conv, "请回复时间,例如「9:30」。", "Send a time, e.g. '9:30'."))],
                reask=True,
            )
        r["at_time"] = f"{at:%H:%M}"
    return Outcome(step=Step.CONFIRM, reask=True)


def on_stop(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    r = _r(conv)
    stop = r.get("stop")
    if event.key == "yes" and stop:
        return Outcome(commands=[StopSubscription(_customer(conv), int(stop["id"]))])
    if event.key == "no":
        r.pop("stop", None)
        return Outcome(step=Step.LIST, reask=True)
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.LIST, Loaded): on_loaded,
    (Step.LIST, ChoiceMade): on_list_choice,
    (Step.CONFIRM, Loaded): on_loaded,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, Failed): on_failed,
    (Step.DAY, ChoiceMade): on_day,
    (Step.DAY, TextReceived): on_day,
    (Step.TIME, ChoiceMade): on_time,
    (Step.TIME, TextReceived): on_time,
    (Step.STOP, ChoiceMade): on_stop,
    (Step.STOP, Loaded): on_loaded,
}
