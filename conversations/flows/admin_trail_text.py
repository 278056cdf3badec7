"""How an order's trail (``/audit #N``) reads in the admin's language: who acted (``who``, also
``/order #N``'s timeline), the name of each action in it, the values an admin action changed,
and the notes of the order's timeline (``domain.timeline_notes``: stored as ids with their
numbers, ``settled:15300:2700``, ``assigned:7``, each read as its phrase) — amounts in yuan, no
id of ours and no Python value (``True``, ``None``) on the screen."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, moment
from conversations.results.admin_people import account_name
from conversations.state import Conversation
from domain.admin import ROLE_TEXT
from domain.aftersales import COMPLAINT_STATUS_TEXT, RESOLUTION_TEXT
from domain.lifecycle import ACTION_TEXT, ACTOR_TEXT, STATUS_TEXT, ActorKind, OrderStatus
from domain.money import format_yuan
from domain.oversight import TrailEntry
from domain.payments import PROVIDER_TEXT
from domain.people import CHANNEL_TEXT
from domain.text import N_, Text, named
from domain.timeline_notes import note_phrase

WHAT_TEXT: dict[str, Text] = {
    **{a.value: text for a, text in ACTION_TEXT.items()},
    "reassign": N_("改派"),
    "transfer": N_("转单"),
    "leave": N_("离职"),
    "assign": N_("指派"),
    "cancel": N_("管理员取消"),
    "refund": N_("发起退款"),
    "refund_paid": N_("退款到账"),
    "refund_done": N_("退款已记完成"),
    "waive": N_("免除尾款"),
    "complain": N_("投诉"),
    "resolve": N_("投诉处理"),
    "resolve_complaint": N_("投诉处理"),
    "complaint_reply": N_("回复投诉"),
    "view_order": N_("查看联系方式"),
    "view_customer": N_("查看联系方式"),
    "view_complaint": N_("查看投诉内容"),
    "relay_read": N_("查看聊天记录"),
    "terminate": N_("提前终止合同"),
    "handover": N_("更换师傅"),
    "release_order": N_("放行"),
    "sos": N_("紧急求助"),
}
"""Each action of the trail by name: the admins' (the audit log's) and the order's own
events that move no status (a complaint, an extra, a new time); a status change is named by
the statuses."""

MONEY_KEYS = frozenset({"amount", "fee", "refund", "unit_price", "paid", "refunded", "total"})
HIDDEN = frozenset({"request", "references", "reference", "hold"})
"""Values kept in the log for machines (idempotency keys, provider references, a cleared
hold)."""

VALUE_TEXT: dict[str, Text] = {
    "amount": N_("金额 {value}"),
    "fee": N_("收费 {value}"),
    "refund": N_("退款 {value}"),
    "paid": N_("已付 {value}"),
    "refunded": N_("已退 {value}"),
    "unit_price": N_("单价 {value}"),
    "total": N_("应付 {value}"),
    "worker_id": N_("师傅 {value}"),
    "offered_to": N_("转给师傅 {value}"),
    "status": N_("状态 {value}"),
    "resolution": N_("处理方式 {value}"),
    "reason": N_("原因:{value}"),
    "text": N_("内容:{value}"),
    "note": N_("备注:{value}"),
    "on": N_("日期 {value}"),
    "start_at": N_("时间 {value}"),
    "complaint": N_("投诉 #{value}"),
    "order": N_("订单 #{value}"),
    "messages": N_("显示 {value} 条消息"),
    "fields": N_("查看:{value}"),
}
"""A changed value by its key in the log, ``value`` its reading (``7→8`` when it changed)."""

FLAG_TEXT: dict[tuple[str, bool], Text] = {
    ("worker_kept", True): N_("原师傅继续服务"),
    ("worker_kept", False): N_("原师傅不再负责"),
    ("clash", True): N_("与师傅的其他订单时间冲突"),
    ("contact_told", True): N_("已短信通知紧急联系人"),
    ("contact_told", False): N_("未通知紧急联系人"),
}
"""A yes-or-no value as a phrase (one left out says nothing worth a word)."""

FIELD_TEXT: dict[str, Text] = {
    "phone": N_("客户电话"),
    "address": N_("客户地址"),
    "worker_phone": N_("师傅电话"),
    "text": N_("文字内容"),
    "photos": N_("照片"),
    "documents": N_("证件照片"),
}
"""What a look at a person's details showed (``contact_read``'s fields)."""


def note_text(ctx: Ctx, conv: Conversation, note: str) -> str:
    """A timeline note in the reader's language (``domain.timeline_notes``): one daojia wrote
    as its phrase (a day in it as ``moment`` writes one), a person's own words as they wrote
    them."""
    return note_phrase(note, ctx.now.astimezone(ctx.tz).date()).get(conv.lang)


def _one(ctx: Ctx, conv: Conversation, entry: TrailEntry, key: str, value: object) -> str:
    """One value as its reader reads it (not yet with what it was before)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, list):
        return "/".join(named(FIELD_TEXT, str(v), conv.lang) for v in value)
    if key in MONEY_KEYS and isinstance(value, int):
        return format_yuan(value)
    if key == "status":
        if entry.what == "resolve_complaint":
            return named(COMPLAINT_STATUS_TEXT, str(value), conv.lang)
        return order_status(conv, str(value))
    if key == "resolution":
        return named(RESOLUTION_TEXT, str(value), conv.lang)
    if key == "start_at" and isinstance(value, str):
        try:
            return moment(ctx, conv, datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def detail(ctx: Ctx, conv: Conversation, entry: TrailEntry) -> str:
    """An admin action's values (``师傅 7→8``, ``金额 ¥10.00``) and the entry's note,
    " · " before them; "" when there are none."""
    before = dict(entry.before)
    shown: list[str] = []
    for key, value in entry.after:
        if key in HIDDEN or value in ("", None, []):
            continue
        if isinstance(value, bool):
            flag = FLAG_TEXT.get((key, value))
            if flag is not None:
                shown.append(flag.get(conv.lang))
            continue
        now = _one(ctx, conv, entry, key, value)
        was = before.get(key)
        if key in before and was not in ("", None) and was != value:
            now = f"{_one(ctx, conv, entry, key, was)}→{now}"
        phrase = VALUE_TEXT.get(key)  # a key we have no words for: its value alone
        shown.append(Text(phrase.msgid, (("value", now),)).get(conv.lang) if phrase else now)
    if entry.note:
        shown.append(note_text(ctx, conv, entry.note))
    sep = ", " if conv.lang == "en" else ","
    return f" · {sep.join(shown)}" if shown else ""


ROLE_NAMES: dict[str, Text] = {**{k.value: v for k, v in ACTOR_TEXT.items()}, **ROLE_TEXT}
"""Who acted, by the role the log holds: an admin's, or the side of a customer's or a
worker's own action (an SOS)."""


UNNAMED_ACCOUNTS = frozenset({"web"})
"""Channels whose user id names no one (the web chat's is a browser session's key, the demo
admin's ``<key>-admin``): a screen shows such an account by its channel, never the id."""


def role_name(conv: Conversation, role: str) -> str:
    return named(ROLE_NAMES, role, conv.lang)


def who(conv: Conversation, actor: str, role: str = "") -> str:
    """Who acted, in words: a customer or a worker by side and id (``客户 5``, ``师傅 7``), a
    system job as the system or the payment provider whose word it was (``微信支付``), a chat
    account by channel and id with its role (``Telegram 12345 (财务)``; a web chat's by its
    channel alone, ``网页聊天 (老板)``: its id is a session key, no name; an admin without a
    role now: ``管理员``). ``actor`` is an order's ``Actor`` written out (``admin:telegram:12345``)
    or the audit log's account (``telegram:12345``), ``role`` what the log or the admins'
    table holds."""
    kind, _, ident = actor.partition(":")
    if kind == ActorKind.CUSTOMER:
        return f"{ACTOR_TEXT[ActorKind.CUSTOMER].get(conv.lang)} {ident}".rstrip()
    if kind == ActorKind.WORKER:
        return Text(VALUE_TEXT["worker_id"].msgid, (("value", ident),)).get(conv.lang).rstrip()
    if kind == ActorKind.SYSTEM:
        return PROVIDER_TEXT.get(ident, ACTOR_TEXT[ActorKind.SYSTEM]).get(conv.lang)
    account = ident if kind == ActorKind.ADMIN else actor
    held = role_name(conv, role) if role else ACTOR_TEXT[ActorKind.ADMIN].get(conv.lang)
    channel, _, user_id = account.partition(":")
    if channel in UNNAMED_ACCOUNTS:  # a session key, no name: the channel alone
        account = named(CHANNEL_TEXT, channel, conv.lang)
    elif user_id:
        account = account_name(account).get(conv.lang)
    return f"{account} ({held})" if account else held


def action_name(conv: Conversation, what: str) -> str:
    """An action of the trail by name (a status change is named by its statuses)."""
    return named(WHAT_TEXT, what, conv.lang)


def order_status(conv: Conversation, value: str) -> str:
    """An order status by name ("已结算"); a value that is none, readable."""
    try:
        return STATUS_TEXT[OrderStatus(value)].get(conv.lang)
    except ValueError:
        return value.replace("_", " ")


def status_move(conv: Conversation, entry: TrailEntry) -> str | None:
    """``已确认→已结算`` for a status change (the status reached alone for the first),
    else None."""
    if entry.what not in STATUSES:
        return None
    reached = order_status(conv, entry.what)
    return f"{order_status(conv, entry.moved_from)}→{reached}" if entry.moved_from else reached


STATUSES = frozenset(s.value for s in OrderStatus)
