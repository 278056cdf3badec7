"""The admin console in chat: every admin command (``HELP``), on every channel. ``/help`` (or
``/admin``) lists only what the asker's role may do (``domain.admin.COMMAND_ROLES``); a refused
command says which role it needs. New commands are read by ``admin_commands`` and their results
shown by ``admin_views``; the service checks the role again from the database."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from conversations.events import Failed, Loaded, TextReceived
from conversations.flows.admin_commands import USAGE, build
from conversations.flows.admin_views import VIEWS
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.worker_signup_views import skills_of
from conversations.replies import Link, Photo, Reply, Say
from conversations.state import Conversation
from domain import commands as c
from domain import limits
from domain.admin import COMMAND_ROLES, needed_roles
from domain.errors import DomainError
from domain.limits import TooLong, within
from domain.people import DOCUMENT_TEXT, WORKER_STATUS_TEXT, named

NAME = "admin"


class Step(StrEnum):
    CONSOLE = "console"


FIRST = Step.CONSOLE
ROLES: dict[str, tuple[str, ...]] = {name: needed_roles(name) for name in COMMAND_ROLES}
"""Who may run each command (``/help`` lists them in this order)."""
HELP = {
    **USAGE,
    "workers": "/workers [pending|online|suspended]",
    "worker": "/worker ID",
    "approve": "/approve ID",
    "reject": "/reject ID 原因/reason",
    "assign": "/assign #订单号 师傅ID",
    "withdrawals": "/withdrawals",
    "payout": "/payout 提现ID",
    "reject_withdrawal": "/reject_withdrawal 提现ID 原因",
    "refunded": "/refunded 退款参考号",
    "ledger": "/ledger 2026-11-01 2026-11-30",
}


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    action = conv.data.pop("admin", None)
    if action is None:
        return ask(ctx, conv)
    return run(ctx, conv, action)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if not ctx.admin_role:  # no longer staff (removed by an owner): no console, no list
        conv.role = "customer"
        return Outcome(goto="menu" if conv.customer_id is not None else "start")
    mine = [HELP[n] for n, roles in ROLES.items() if ctx.admin_role in roles and n in HELP]
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"管理员({ctx.admin_role})可用指令:\n",
                    f"Admin ({ctx.admin_role}) commands:\n",
                )
                + "\n".join(mine)
                + tr(
                    conv,
                    "\n订单号可带或不带 #;发送「顾客」以顾客身份下单。",
                    "\nOrder numbers with or without #; send 'customer' to book as a customer.",
                )
            )
        ]
    )


def refused(conv: Conversation, name: str) -> Outcome:
    roles = ROLES.get(name, ())
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"/{name} 需要 {' 或 '.join(roles)} 角色。",
                    f"/{name} needs the {' or '.join(roles)} role.",
                )
            )
        ]
    )


def run(ctx: Ctx, conv: Conversation, action: dict[str, Any]) -> Outcome:
    """The command's outcome; a malformed argument or one over its limit is answered."""
    try:
        return _run(ctx, conv, action)
    except TooLong as exc:
        return Outcome([Say(exc.limit.message().get(conv.lang))])
    except DomainError as exc:
        return Outcome([Say(str(exc))])


def _run(ctx: Ctx, conv: Conversation, action: dict[str, Any]) -> Outcome:
    name, args = action["name"], str(action.get("args", ""))
    by, role = str(action.get("by", "")), ctx.admin_role
    if name == "admin" and not args.strip():
        return ask(ctx, conv)  # any admin's way into the console
    if name in USAGE:
        cmd = build(ctx, name, action.get("number"), args, by, str(action.get("request", "")))
        if name in ("price", "prices"):  # anyone may look; only who may change may change
            name = "price" if isinstance(cmd, c.SetPrice) and cmd.amount_cents else "prices"
        if role not in ROLES.get(name, ()):
            return refused(conv, name)
        return Outcome(commands=[cmd]) if cmd is not None else _usage(conv, name)
    if role not in ROLES.get(name, ()):
        return refused(conv, name)
    words = args.split(maxsplit=1)
    if name == "workers":
        return Outcome(commands=[c.ListWorkers(words[0] if words else "pending")])
    money = _money(name, args, by, role)
    if money is not None:
        return Outcome(commands=[money]) if isinstance(money, c.Command) else _usage(conv, name)
    if name == "assign":
        if action.get("number") is None or not words or not words[0].isdigit():
            return _usage(conv, name)
        return Outcome(commands=[c.AssignOrder(by, role, int(action["number"]), int(words[0]))])
    if not words or not words[0].isdigit():
        return _usage(conv, name)
    worker_id = int(words[0])
    if name == "worker":
        return Outcome(commands=[c.ShowWorker(by, role, worker_id)])
    reason = within(limits.WORKER_REASON, words[1] if len(words) > 1 else "")
    return Outcome(commands=[c.ReviewWorker(by, role, worker_id, name == "approve", reason)])


def _money(name: str, args: str, by: str, role: str) -> c.Command | bool | None:
    """The finance commands (None: not one; False: malformed)."""
    words = args.split(maxsplit=1)
    if name == "withdrawals":
        return c.ListWithdrawals()
    if name in ("payout", "reject_withdrawal"):
        if not words or not words[0].isdigit():
            return False
        reason = within(limits.WITHDRAWAL_REASON, words[1] if len(words) > 1 else "")
        return c.DecideWithdrawal(by, role, int(words[0]), name == "payout", reason)
    if name == "refunded":
        return c.MarkRefunded(by, role, words[0]) if words else False
    if name == "ledger":
        parts = args.split()
        return c.ExportLedger(by, role, parts[0], parts[1]) if len(parts) == 2 else False
    return None


def _usage(conv: Conversation, name: str) -> Outcome:
    return Outcome([Say(tr(conv, f"用法:{HELP[name]}", f"Usage: {HELP[name]}"))])


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    d = result.data
    if result.kind in VIEWS:
        return Outcome(VIEWS[result.kind](conv, d))
    if result.kind == "workers":
        if not d["workers"]:
            return Outcome(
                [Say(tr(conv, f"没有状态为 {d['status']} 的师傅。", f"No {d['status']} workers."))]
            )
        lines = [
            f"{w['id']}. {w['name']} [{w['status']}{' online' if w['online'] else ''}] "
            f"{w['level']} {', '.join(w['skills'])}"
            for w in d["workers"]
        ]
        return Outcome([Say("\n".join(lines))])
    if result.kind == "worker":
        status = named(WORKER_STATUS_TEXT, d["status"], conv.lang)
        labels = skills_of(ctx.catalog)
        skills = ("、" if conv.lang != "en" else ", ").join(
            tr(conv, *labels.get(s, (s, s))) for s in d["skills"]
        )
        replies: list[Reply] = [
            Say(
                tr(
                    conv,
                    f"师傅 {d['id']}:{d['name']} {d['phone']}\n状态:{status} 等级:"
                    f"{d['level']}\n"
                    f"技能:{skills}\n范围:{' '.join(d['districts']) or ''}"
                    f"{d['radius_m'] // 1000} km\n{d['note']}",
                    f"Worker {d['id']}: {d['name']} {d['phone']}\nStatus: {status} level "
                    f"{d['level']}\nSkills: {skills}\nArea: "
                    f"{' '.join(d['districts'])} {d['radius_m'] // 1000} km\n{d['note']}",
                )
            )
        ]
        replies += [
            Photo(
                doc["url"],
                f"{named(DOCUMENT_TEXT, doc['kind'], conv.lang)} {doc['expires_on']}".strip(),
            )
            for doc in d["documents"]
        ]
        return Outcome(replies)
    if result.kind == "reviewed":
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已处理:师傅 {d['worker_id']} → "
                        f"{named(WORKER_STATUS_TEXT, d['status'], 'zh')},已通知本人。",
                        f"Done: worker {d['worker_id']} is now "
                        f"{named(WORKER_STATUS_TEXT, d['status'], 'en')}; they have been told.",
                    )
                )
            ]
        )
    if result.kind == "assigned":
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"已将 #{d['number']} 指派给师傅 {d['worker_id']}。",
                        f"Assigned #{d['number']} to worker {d['worker_id']}.",
                    )
                )
            ]
        )
    return Outcome(_money_reply(conv, result.kind, d))


def _money_reply(conv: Conversation, kind: str, d: dict[str, Any]) -> list[Reply]:
    if kind == "withdrawals":
        if not d["items"]:
            return [Say(tr(conv, "没有待处理的提现。", "No withdrawals waiting."))]
        return [
            Say(
                "\n".join(
                    f"{w['id']}. worker {w['worker_id']} {w['amount']} [{w['status']}] {w['at']}"
                    for w in d["items"]
                )
            )
        ]
    if kind == "withdrawal_decided":
        return [
            Say(
                tr(
                    conv,
                    f"提现 #{d['id']} → {d['status']},已通知师傅。",
                    f"Withdrawal {d['id']} is now {d['status']}; the worker was told.",
                )
            )
        ]
    if kind == "refund_marked":
        return [
            Say(
                tr(
                    conv,
                    f"退款 {d['reference']} 已记为完成。",
                    f"Refund {d['reference']} recorded as done.",
                )
            )
        ]
    if kind == "ledger_link":
        return [
            Link(
                tr(
                    conv,
                    f"账本 {d['start']}~{d['end']}(10 分钟内有效):",
                    f"Ledger {d['start']} to {d['end']} (link valid 10 minutes):",
                ),
                d["url"],
                "CSV",
            )
        ]
    return []


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return ask(ctx, conv)


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    return Outcome([Say(result.message)])  # the reason alone: no command list after it


TRANSITIONS: Transitions = {
    (Step.CONSOLE, Loaded): on_loaded,
    (Step.CONSOLE, TextReceived): on_text,
    (Step.CONSOLE, Failed): on_failed,
}
