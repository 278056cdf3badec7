"""The worker's side: menu with offers and jobs, online/offline, accept/decline, on the way,
check-in (location, then a door photo), before/after photos, finish, transfer, earnings."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, Loaded, LocationShared, PhotoReceived, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, tr
from conversations.flows.typed_commands import photo_kind
from conversations.replies import Ask, AskLocation, Option, Reply, Say
from conversations.state import Conversation
from domain import commands as c
from domain.money import MoneyError, format_yuan, parse_yuan
from domain.people import WORKER_STATUS_TEXT, named

NAME = "worker"


class Step(StrEnum):
    MENU = "menu"
    ACTION = "action"
    CHECKIN_LOCATION = "checkin_location"
    CHECKIN_PHOTO = "checkin_photo"
    PHOTOS = "photos"


FIRST = Step.MENU
SIMPLE = {
    "accept": c.AcceptOffer,
    "decline": c.DeclineOffer,
    "onway": c.Depart,
    "finish": c.FinishJob,
    "transfer": c.RequestTransfer,
}


def _w(conv: Conversation) -> dict[str, Any]:
    return flow_data(conv, "w")


def _me(conv: Conversation) -> int:
    assert conv.worker_id is not None
    return conv.worker_id


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.worker_id is None:  # the worker pane of someone not registered yet
        return Outcome(goto="worker_register")
    action = conv.data.pop("action", None)
    if action is None:
        return ask(ctx, conv)
    return run(ctx, conv, action["name"], action.get("number"), action.get("args", ""))


def run(ctx: Ctx, conv: Conversation, name: str, number: int | None, args: str) -> Outcome:
    if name in ("online", "offline"):
        return Outcome(commands=[c.SetOnline(_me(conv), name == "online")], step=Step.ACTION)
    if name == "jobs":
        return Outcome(step=Step.MENU, reask=True)
    if name == "earnings":
        return Outcome(commands=[c.LoadEarnings(_me(conv))], step=Step.ACTION)
    if name == "withdraw":
        try:
            amount = parse_yuan(args)
        except MoneyError:
            return Outcome(
                [
                    Say(
                        tr(
                            conv,
                            "请写提现金额,例如「提现 200」。",
                            "Say how much, e.g. 'withdraw 200'.",
                        )
                    )
                ],
                step=Step.MENU,
                reask=True,
            )
        return Outcome(commands=[c.RequestWithdrawal(_me(conv), amount)], step=Step.ACTION)
    if number is None:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请带上订单号,例如「接单 #240117」。",
                        "Add the order number, e.g. 'accept #240117'.",
                    )
                )
            ],
            step=Step.MENU,
            reask=True,
        )
    if name in SIMPLE:
        return Outcome(commands=[SIMPLE[name](_me(conv), number)], step=Step.ACTION)
    w = _w(conv)
    w["number"] = number
    if name == "checkin":
        return Outcome(step=Step.CHECKIN_LOCATION, reask=True)
    kind = photo_kind(args)
    if kind is None:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"请说明是服务前还是服务后,例如「拍照 #{number} 服务前」。",
                        f"Say before or after, e.g. 'photo #{number} before'.",
                    )
                )
            ],
            step=Step.MENU,
            reask=True,
        )
    w["kind"] = kind
    return Outcome(step=Step.PHOTOS, reask=True)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    w = _w(conv)
    number = w.get("number")
    if conv.step == Step.CHECKIN_LOCATION:
        return Outcome(
            [
                AskLocation(
                    tr(
                        conv,
                        f"到达 #{number} 门口后,请发送您的实时位置打卡。",
                        f"At the door for #{number}, share your location to check in.",
                    )
                )
            ]
        )
    if conv.step == Step.CHECKIN_PHOTO:
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        f"位置已确认。请拍一张 #{number} 的门口照片发送给我。",
                        f"Location confirmed. Now send a photo of the door for #{number}.",
                    )
                )
            ]
        )
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    if conv.step == Step.PHOTOS:
        label = (
            tr(conv, "服务前", "before")
            if w.get("kind") == "before"
            else tr(conv, "服务后", "after")
        )
        options = [Option("done", tr(conv, "拍好了", "Done"))]
        if w.get("kind") == "after":
            options.append(
                Option(f"act:finish:{number}", tr(conv, f"完工 #{number}", f"finish #{number}"))
            )
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        f"请发送 #{number} 的{label}照片(可多张)。",
                        f"Send the {label} photos for #{number} (several are fine).",
                    ),
                    tuple(options),
                )
            ]
        )
    return Outcome(commands=[c.LoadJobs(_me(conv))])


def _menu(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    lang = "en" if conv.lang == "en" else "zh"
    if d["status"] == "pending":
        return [
            Say(
                tr(
                    conv,
                    "您的资料正在审核中,通过后会通知您。",
                    "Your registration is being reviewed; we'll tell you the result.",
                )
            )
        ]
    if d["status"] in ("rejected", "suspended"):
        return [
            Say(
                tr(
                    conv,
                    f"您的账号状态:{named(WORKER_STATUS_TEXT, d['status'], 'zh')},请联系客服。",
                    f"Your account is {named(WORKER_STATUS_TEXT, d['status'], 'en')}; please "
                    "contact support.",
                )
            )
        ]
    lines = [
        tr(
            conv,
            "在线接单中 ✅" if d["online"] else "已下线 ⏸",
            "Online ✅" if d["online"] else "Offline ⏸",
        )
    ]
    options: list[Option] = []
    for o in d["offers"]:
        lines.append(
            tr(
                conv,
                f"待接:#{o['number']} {o['item'][lang]} {o['when']} {o['where']} 收入 {o['earn']}",
                f"Offer: #{o['number']} {o['item'][lang]} {o['when']} {o['where']} "
                f"earn {o['earn']}",
            )
        )
        n = o["number"]
        options += [
            Option(f"act:accept:{n}", tr(conv, f"接单 #{n}", f"accept #{n}")),
            Option(f"act:decline:{n}", tr(conv, f"拒单 #{n}", f"decline #{n}")),
        ]
    for j in d["live"]:
        n = j["number"]
        lines.append(
            f"#{n} {j['item'][lang]} {j['when']} {j['status_' + lang]}\n  "
            f"{j['address']} {j['phone']}" + (f"\n  {j['notes']}" if j["notes"] else "")
        )
        options += _next_steps(conv, j["status"], n)
    if not d["offers"] and not d["live"]:
        lines.append(tr(conv, "暂时没有任务。", "No jobs right now."))
    options.append(
        Option(
            "act:offline" if d["online"] else "act:online",
            tr(conv, "下线", "Go offline") if d["online"] else tr(conv, "上线", "Go online"),
        )
    )
    options.append(Option("act:earnings", tr(conv, "收入", "Earnings")))
    return [Ask("\n".join(lines), tuple(options))]


def _next_steps(conv: Conversation, status: str, n: int) -> list[Option]:
    """The buttons for what comes next on a job: (action key, label)."""
    steps: dict[str, list[tuple[str, str]]] = {
        "accepted": [
            (f"onway:{n}", tr(conv, f"出发 #{n}", f"on my way #{n}")),
            (f"transfer:{n}", tr(conv, f"转单 #{n}", f"transfer #{n}")),
        ],
        "on_the_way": [(f"checkin:{n}", tr(conv, f"打卡 #{n}", f"check in #{n}"))],
        "arrived": [(f"photo:{n}:before", tr(conv, f"服务前照片 #{n}", f"before photos #{n}"))],
        "in_service": [
            (f"photo:{n}:after", tr(conv, f"服务后照片 #{n}", f"after photos #{n}")),
            (f"finish:{n}", tr(conv, f"完工 #{n}", f"finish #{n}")),
        ],
    }
    return [Option(f"act:{key}", label) for key, label in steps.get(status, [])]


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    d = result.data
    kind = result.kind
    if kind == "jobs":
        return Outcome(_menu(conv, d), step=Step.MENU)
    text = {
        "online": tr(
            conv,
            "已上线,有新订单会第一时间推送给您。"
            if d.get("online")
            else "已下线,不会再收到新订单。",
            "You're online — new jobs will come to you."
            if d.get("online")
            else "You're offline — no new jobs will be offered.",
        ),
        "earnings": tr(
            conv,
            f"已完成 {d.get('jobs')} 单。余额 {format_yuan(int(d.get('owed_cents', 0)))},"
            f"其中可提现 {format_yuan(int(d.get('available_cents', 0)))}"
            f"(结算后 T+{d.get('after_days')} 可提)。发送「提现 金额」申请提现。",
            f"{d.get('jobs')} jobs done. Balance {format_yuan(int(d.get('owed_cents', 0)))}, "
            f"of which {format_yuan(int(d.get('available_cents', 0)))} can be withdrawn "
            f"(T+{d.get('after_days')}). Send 'withdraw AMOUNT'.",
        ),
        "withdrawal": tr(
            conv,
            f"提现申请 {format_yuan(int(d.get('amount_cents', 0)))} 已提交"
            + (
                "(已自动批准,将在日结时打款)。"
                if d.get("status") == "approved"
                else ",等待财务审批。"
            ),
            f"Withdrawal of {format_yuan(int(d.get('amount_cents', 0)))} requested"
            + (
                " (approved; paid in the daily settlement)."
                if d.get("status") == "approved"
                else "; finance will review it."
            ),
        ),
        "declined": tr(conv, f"已拒绝 #{d.get('number')}。", f"Declined #{d.get('number')}."),
        "departed": tr(
            conv,
            f"已通知客户您已出发(#{d.get('number')})。到达后请发送「打卡 #{d.get('number')}」。",
            f"The customer knows you're on the way (#{d.get('number')}). At the "
            f"door, send 'checkin #{d.get('number')}'.",
        ),
        "finished": tr(
            conv,
            f"#{d.get('number')} 已完工,等待客户确认。辛苦了!",
            f"#{d.get('number')} is finished and waiting for the customer's "
            "confirmation. Well done!",
        ),
        "transfer_requested": tr(
            conv,
            f"已为 #{d.get('number')} 寻找附近空闲师傅,有人接单后通知您。",
            f"Looking for an idle worker nearby for #{d.get('number')}; "
            "we'll tell you when someone takes it.",
        ),
    }.get(kind)
    if kind == "accepted":
        lang = "en" if conv.lang == "en" else "zh"
        text = tr(
            conv,
            f"接单成功!#{d['number']} {d['item'][lang]} {d['when']}\n地址:"
            f"{d['address']}\n电话:{d['phone']}" + (f"\n备注:{d['notes']}" if d["notes"] else ""),
            f"It's yours! #{d['number']} {d['item'][lang]} {d['when']}\nAddress: "
            f"{d['address']}\nPhone: {d['phone']}"
            + (f"\nNotes: {d['notes']}" if d["notes"] else ""),
        )
    if kind == "checked_in":
        return Outcome(step=Step.CHECKIN_PHOTO, reask=True)
    if kind == "photo_saved":
        return _photo_saved(conv, d)
    if kind == "finished" and text is not None:
        n = d.get("number")
        rate = Option(
            f"act:rate_customer:{n}", tr(conv, f"评价客户 #{n}", f"rate the customer #{n}")
        )
        return Outcome([Ask(text, (rate,), numbered=False)], step=Step.MENU)
    if text is None:
        return Outcome()
    return Outcome([Say(text)], step=Step.MENU, reask=True)


def _photo_saved(conv: Conversation, d: dict[str, Any]) -> Outcome:
    n = d["number"]
    if d["kind"] == "door":
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已到达 #{n},已通知客户。开始前请发送「拍照 #{n} 服务前」。",
                        f"Arrived at #{n}; the customer has been told. Before you start, "
                        f"send 'photo #{n} before'.",
                    )
                )
            ],
            step=Step.MENU,
            reask=True,
        )
    return Outcome([Say(tr(conv, "照片已保存。", "Photo saved."))], reask=True)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    number = int(_w(conv)["number"])
    return Outcome(commands=[c.CheckIn(_me(conv), number, event.lat, event.lon)])


def on_door_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    number = int(_w(conv)["number"])
    return Outcome(commands=[c.AddJobPhoto(_me(conv), number, "door", event.channel, event.ref)])


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    w = _w(conv)
    return Outcome(
        commands=[
            c.AddJobPhoto(_me(conv), int(w["number"]), str(w["kind"]), event.channel, event.ref)
        ]
    )


def on_photos_done(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "done":
        return Outcome(step=Step.MENU, reask=True)
    return Outcome(reask=True)


def on_menu_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "请点选下面的按钮,或发送指令(发送「帮助」查看)。",
                    "Use the buttons below, or a command (send 'help' for the list).",
                )
            )
        ],
        reask=True,
    )


def on_stray_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "要上传哪一单的照片?请先发送「拍照 #订单号 服务前」或「服务后」。",
                    "Which job is this photo for? Send 'photo #N before' or 'after' first.",
                )
            )
        ],
        reask=True,
    )


TRANSITIONS: Transitions = {
    (Step.MENU, Loaded): on_loaded,
    (Step.MENU, TextReceived): on_menu_text,
    (Step.MENU, PhotoReceived): on_stray_photo,
    (Step.ACTION, Loaded): on_loaded,
    (Step.CHECKIN_LOCATION, LocationShared): on_location,
    (Step.CHECKIN_LOCATION, Loaded): on_loaded,
    (Step.CHECKIN_PHOTO, PhotoReceived): on_door_photo,
    (Step.CHECKIN_PHOTO, Loaded): on_loaded,
    (Step.PHOTOS, PhotoReceived): on_photo,
    (Step.PHOTOS, ChoiceMade): on_photos_done,
    (Step.PHOTOS, Loaded): on_loaded,
}
