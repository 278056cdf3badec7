"""The admin console's support tickets: the queue (open first, oldest first, with how long
each customer has waited), one ticket's whole conversation, and what a take, reply or close
did; and an order's relay chat between its customer and worker (``/relay #N``), read for a
complaint."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, aside, moment, tr
from conversations.replies import Link, Reply, Say
from conversations.results.relay import RelayShown
from conversations.results.support import Staff, TicketHandled, TicketShown, TicketsListed
from conversations.state import Conversation
from domain.admin import ROLE_TEXT
from domain.people import CHANNEL_TEXT
from domain.support import STATUS_TEXT, TicketStatus, ref
from domain.text import N_, named

ADMIN = N_("管理员")


def staff_name(conv: Conversation, staff: Staff | None) -> str:
    """A member of staff as a screen names them: "客服(Telegram)", "老板(网页聊天)"
    (the role they hold now, "管理员" for someone no longer an admin)."""
    if staff is None:
        return ADMIN.get(conv.lang)
    role = ROLE_TEXT.get(staff.role, ADMIN).get(conv.lang)
    return role + aside(conv, named(CHANNEL_TEXT, staff.channel, conv.lang))


def tickets(ctx: Ctx, conv: Conversation, r: TicketsListed) -> Outcome:
    if not r.tickets:
        return Outcome([Say(tr(conv, "没有待处理的工单。"))])
    lines = [tr(conv, "客服工单 {rows} 件(未接的在前,最早的在前):", rows=len(r.tickets))]
    for x in r.tickets:
        waited = (
            tr(conv, "已回复")
            if x.answered
            else tr(conv, "已等 {minutes} 分钟", minutes=x.waiting)
        )
        who = f" · {staff_name(conv, x.taken_by)}" if x.taken_by else ""
        lines.append(
            f"{ref(x.ticket)} {named(STATUS_TEXT, x.status, conv.lang)}{who} · "
            + tr(conv, "客户 {customer_id}", customer_id=x.customer_id)
            + aside(conv, named(CHANNEL_TEXT, x.channel, conv.lang))
            + f" · {waited}"
        )
    lines.append(tr(conv, "接单:/take T工单号 · 回复:/reply T工单号 内容 · 关闭:/close T工单号"))
    return Outcome([Say("\n".join(lines))])


def ticket(ctx: Ctx, conv: Conversation, r: TicketShown) -> Outcome:
    t = ref(r.ticket)
    who = f" · {staff_name(conv, r.taken_by)}" if r.taken_by else ""
    lines = [
        tr(conv, "工单 {ticket}", ticket=t) + f" · {named(STATUS_TEXT, r.status, conv.lang)}{who}",
        tr(conv, "客户 {customer_id}", customer_id=r.customer_id)
        + aside(conv, named(CHANNEL_TEXT, r.channel, conv.lang))
        + " · "
        + tr(conv, "{at} 开启", at=moment(ctx, conv, r.opened_at)),
    ]
    if r.rating is not None:
        lines.append(tr(conv, "客户评分:{stars} 分", stars=r.rating))
    lines.append("")
    for e in r.entries:
        if e.from_customer:
            head = tr(conv, "{at} 客户:", at=moment(ctx, conv, e.at))
        else:
            head = tr(
                conv, "{at} {staff}:", at=moment(ctx, conv, e.at), staff=staff_name(conv, e.by)
            )
        body = [e.text] if e.text else []
        if e.photo_url:
            body.append(tr(conv, "[图片] {url}", url=e.photo_url))
        lines.append(f"{head}{' '.join(body)}")
    if r.status != TicketStatus.CLOSED:
        lines.append("")
        lines.append(tr(conv, "回复:/reply {ticket} 内容 · 关闭:/close {ticket}", ticket=t))
    return Outcome([Say("\n".join(lines))])


def handled(ctx: Ctx, conv: Conversation, r: TicketHandled) -> Outcome:
    t = ref(r.ticket)
    if r.action == "take":
        text = tr(conv, "已接下工单 {ticket}。回复:/reply {ticket} 内容", ticket=t)
    elif r.action == "reply":
        text = tr(conv, "已回复工单 {ticket},客户会在原渠道收到。", ticket=t)
    else:
        text = tr(conv, "已关闭工单 {ticket},已请客户评分。", ticket=t)
    return Outcome([Say(text)])


def relay_chat(ctx: Ctx, conv: Conversation, r: RelayShown) -> Outcome:
    if not r.lines:
        return Outcome(
            [Say(tr(conv, "订单 #{number} 没有顾客与师傅的聊天记录。", number=r.number))]
        )
    lines = [tr(conv, "订单 #{number} 顾客与师傅的聊天记录(已记入操作日志):", number=r.number)]
    links: list[Reply] = []
    for x in r.lines:
        parts = [x.text] if x.text else []
        if x.photo_url:
            links.append(Link("", x.photo_url, tr(conv, "查看照片 {n}", n=len(links) + 1)))
            parts.append(tr(conv, "[照片 {n}]", n=len(links)))
        if x.where:
            parts.append(tr(conv, "[位置] {where}", where=x.where))
        said, at = " ".join(parts), moment(ctx, conv, x.at)
        if x.sender == "worker":
            lines.append(tr(conv, "{at} 师傅:{said}", at=at, said=said))
        else:
            lines.append(tr(conv, "{at} 顾客:{said}", at=at, said=said))
    return Outcome([Say("\n".join(lines)), *links])


SCREENS: tuple[Screen, ...] = (
    shows(TicketsListed, tickets),
    shows(RelayShown, relay_chat),
    shows(TicketShown, ticket),
    shows(TicketHandled, handled),
)
"""The console's support ticket screens, by the result they show."""
