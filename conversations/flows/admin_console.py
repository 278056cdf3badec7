"""The admin console in chat: every admin command (``HELP``), on every channel. ``/help`` (or
``/admin``) lists only what the asker's role may do (``domain.admin.COMMAND_ROLES``); a refused
command says which role it needs. New commands are read by ``admin_commands``; each result is
shown by its screen (``SCREENS``: ``admin_views``, ``admin_customer_views``, ``admin_replies``,
``admin_staff_views``, ``admin_after_sales_views``); the service checks the role again from the
database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import Failed, TextReceived
from conversations.flows import (
    admin_after_sales_views,
    admin_campaign_views,
    admin_credential_views,
    admin_customer_views,
    admin_dispatch_views,
    admin_placement_views,
    admin_replies,
    admin_staff_views,
    admin_ticket_views,
    admin_views,
    admin_workforce_views,
)
from conversations.flows.admin_commands import build, invoice_command
from conversations.flows.admin_staff_views import worker_filter
from conversations.flows.admin_usage import USAGE
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.flow_state import keep, read
from conversations.replies import Say
from conversations.state import Conversation
from domain import commands as c
from domain import limits
from domain import queries as q
from domain.admin import COMMAND_ROLES, ROLE_TEXT, needed_roles, role_names
from domain.digits import whole
from domain.errors import DomainError
from domain.limits import TooLong, within
from domain.text import N_, Text, named

NAME = "admin"


class Step(StrEnum):
    CONSOLE = "console"


FIRST = Step.CONSOLE
ROLES: dict[str, tuple[str, ...]] = {name: needed_roles(name) for name in COMMAND_ROLES}
"""Who may run each command (``/help`` lists them in this order)."""
HELP: dict[str, Text] = {
    **USAGE,
    "workers": N_("/workers [pending|online|suspended]"),
    "worker": N_("/worker ID"),
    "approve": N_("/approve ID"),
    "reject": N_("/reject ID 原因"),
    "renewals": N_("/renewals"),
    "approve_cert": N_("/approve_cert 师傅ID"),
    "reject_cert": N_("/reject_cert 师傅ID 原因"),
    "assign": N_("/assign #订单号 师傅ID"),
    "withdrawals": N_("/withdrawals"),
    "payout": N_("/payout 提现ID"),
    "reject_withdrawal": N_("/reject_withdrawal 提现ID 原因"),
    "refunded": N_("/refunded 退款参考号"),
    "refund_card": N_("/refund_card 次卡编号 [原因]"),
    "ledger": N_("/ledger 2026-11-01 2026-11-30"),
    "invoices": N_("/invoices [requested|issuing|issued|failed] | /invoices retry 发票ID"),
}


@dataclass(frozen=True, slots=True)
class AdminCommand:
    """An admin command as typed, in ``conv.data["admin"]`` until the console is entered (in
    the same turn)."""

    name: str
    number: int | None = None
    """The order number given with it."""
    args: str = ""
    by: str = ""
    """Who sent it (``channel:user_id``)."""
    request: str = ""
    """The message it came in (``by:message id``): the same request is carried out once."""


def seed(conv: Conversation, command: AdminCommand) -> None:
    """The command the console runs when entered next (``goto="admin"``)."""
    keep(conv, NAME, command)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    action = read(AdminCommand, conv.data.pop(NAME, None))
    if action is None:  # none (the console itself), or of another shape
        return ask(ctx, conv)
    return run(ctx, conv, action)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if not ctx.admin_role:  # no longer staff (removed by an owner): no console, no list
        conv.role = "customer"
        return Outcome(goto="menu" if conv.customer_id is not None else "start")
    mine = [
        HELP[n].get(conv.lang)
        for n, roles in ROLES.items()
        if ctx.admin_role in roles and n in HELP
    ]
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "管理员({admin_role})可用指令:\n",
                    admin_role=named(ROLE_TEXT, ctx.admin_role, conv.lang),
                )
                + "\n".join(mine)
                + tr(conv, "\n订单号可带或不带 #;发送「顾客」以顾客身份下单。")
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
                    "/{name} 需要 {roles} 角色。",
                    name=name,
                    roles=role_names(roles).get(conv.lang),
                )
            )
        ]
    )


def run(ctx: Ctx, conv: Conversation, action: AdminCommand) -> Outcome:
    """The command's outcome; a malformed argument or one over its limit is answered."""
    try:
        return _run(ctx, conv, action)
    except TooLong as exc:
        return Outcome([Say(exc.limit.message().get(conv.lang))])
    except DomainError as exc:
        return Outcome([Say(exc.text.get(conv.lang))])


def _run(ctx: Ctx, conv: Conversation, action: AdminCommand) -> Outcome:
    name, args, number = action.name, action.args, action.number
    by, role = action.by, ctx.admin_role
    if name == "admin" and not args.strip():
        return ask(ctx, conv)  # any admin's way into the console
    if name in USAGE:
        cmd = build(ctx, name, number, args, by, action.request)
        if name in ("price", "prices"):  # anyone may look; only who may change may change
            name = "price" if isinstance(cmd, c.SetPrice) and cmd.amount_cents else "prices"
        if role not in ROLES.get(name, ()):
            return refused(conv, name)
        return Outcome(commands=[cmd]) if cmd is not None else _usage(conv, name)
    if role not in ROLES.get(name, ()):
        return refused(conv, name)
    words = args.split(maxsplit=1)
    if name == "workers":
        shown = worker_filter(words[0] if words else "")
        return (
            Outcome(commands=[q.ListWorkers(shown)]) if shown is not None else _usage(conv, name)
        )
    if name == "renewals":
        return Outcome(commands=[q.ListRenewals(by, role)])
    money = _money(name, args, by, role)
    if money is not None:
        return _usage(conv, name) if isinstance(money, bool) else Outcome(commands=[money])
    if name == "assign":
        worker = whole(words[0]) if words else None
        if number is None or worker is None:
            return _usage(conv, name)
        return Outcome(commands=[c.AssignOrder(by, role, number, worker)])
    return _worker_command(conv, name, words, by, role)


def _worker_command(
    conv: Conversation, name: str, words: list[str], by: str, role: str
) -> Outcome:
    """``/worker``, ``/approve``, ``/reject``, ``/approve_cert``, ``/reject_cert``: a worker's
    id, then a reason for some."""
    worker_id = whole(words[0]) if words else None
    if worker_id is None:
        return _usage(conv, name)
    if name == "worker":
        return Outcome(commands=[c.ShowWorker(by, role, worker_id)])
    reason = within(limits.WORKER_REASON, words[1] if len(words) > 1 else "")
    if name in ("approve_cert", "reject_cert"):
        if name == "reject_cert" and not reason:
            return _usage(conv, name)
        approve = name == "approve_cert"
        return Outcome(commands=[c.ReviewCertificates(by, role, worker_id, approve, reason)])
    return Outcome(commands=[c.ReviewWorker(by, role, worker_id, name == "approve", reason)])


def _money(name: str, args: str, by: str, role: str) -> c.Message | bool | None:
    """The finance commands (None: not one; False: malformed)."""
    words = args.split(maxsplit=1)
    if name == "withdrawals":
        return q.ListWithdrawals()
    ident = whole(words[0]) if words else None  # a withdrawal's or a card's
    if name in ("payout", "reject_withdrawal"):
        if ident is None:
            return False
        reason = within(limits.WITHDRAWAL_REASON, words[1] if len(words) > 1 else "")
        return c.DecideWithdrawal(by, role, ident, name == "payout", reason)
    if name == "refunded":
        return c.MarkRefunded(by, role, words[0]) if words else False
    if name == "refund_card":
        if ident is None:
            return False
        reason = within(limits.WITHDRAWAL_REASON, words[1] if len(words) > 1 else "")
        return c.RefundCard(ident, by, role, reason)
    if name == "ledger":
        parts = args.split()
        return c.ExportLedger(by, role, parts[0], parts[1]) if len(parts) == 2 else False
    if name == "invoices":
        return invoice_command(args, by, role)
    return None


def _usage(conv: Conversation, name: str) -> Outcome:
    return Outcome([Say(tr(conv, "用法:") + HELP[name].get(conv.lang))])


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return ask(ctx, conv)


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    return Outcome(
        [Say(result.message.get(conv.lang))]
    )  # the reason alone: no command list after it


SCREENS = (
    *admin_views.SCREENS,
    *admin_customer_views.SCREENS,
    *admin_replies.SCREENS,
    *admin_staff_views.SCREENS,
    *admin_after_sales_views.SCREENS,
    *admin_campaign_views.SCREENS,
    *admin_dispatch_views.SCREENS,
    *admin_credential_views.SCREENS,
    *admin_ticket_views.SCREENS,
    *admin_workforce_views.SCREENS,
    *admin_placement_views.SCREENS,
)
"""Each result of an admin command, with the screen that shows it."""
TRANSITIONS: Transitions = {
    (Step.CONSOLE, TextReceived): on_text,
    (Step.CONSOLE, Failed): on_failed,
    **{(Step.CONSOLE, kind): screen for kind, screen in SCREENS},
}
