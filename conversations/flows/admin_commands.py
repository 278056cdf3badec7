"""Reading what an admin typed into a command. Forgiving: any case, extra spaces, ``#`` or not
before an order number, Chinese or English words, ``¥`` and ``元`` on amounts. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from conversations.flows import admin_account_words, campaign_words, customer_words, ticket_words
from conversations.flows.base import Ctx
from conversations.flows.dates import parse_when
from conversations.understanding.days import Toward, day_named
from domain import commands as c
from domain import limits
from domain import queries as q
from domain.digits import INT_MAX, whole
from domain.invoices import STATUS_TEXT as STATUS_TEXT_INVOICE
from domain.invoices import InvoiceStatus
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.limits import within
from domain.money import MoneyError, parse_yuan
from domain.text import N_, Text

S = OrderStatus
RESOLUTIONS = {
    "partial": "partial",
    "部分退款": "partial",
    "full": "full",
    "全额退款": "full",
    "rework": "rework",
    "返工": "rework",
    "reject": "rejected",
    "rejected": "rejected",
    "驳回": "rejected",
}
PERIODS = {
    "today": "today",
    "今天": "today",
    "今日": "today",
    "day": "today",
    "week": "week",
    "本周": "week",
    "7天": "week",
    "month": "month",
    "本月": "month",
    "30天": "month",
}
WAITING = (S.PAID.value, S.DISPATCHING.value)
LIVE = (S.ACCEPTED.value, S.ON_THE_WAY.value, S.ARRIVED.value, S.IN_SERVICE.value)
DONE = (S.FINISHED.value, S.CONFIRMED.value, S.SETTLED.value)
STATUS_GROUPS: dict[tuple[str, ...], Text] = {
    WAITING: N_("待接单"),
    LIVE: N_("进行中"),
    DONE: N_("已完成"),
}
"""The statuses one word stands for, and that word (``/orders``'s header names them by it)."""
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    **{s.value: (s.value,) for s in S},
    **{STATUS_TEXT[s].get("zh"): (s.value,) for s in S},
    **{STATUS_TEXT[s].get("en").replace(" ", "_"): (s.value,) for s in S},
    "waiting": WAITING,
    "待接单": WAITING,
    "live": LIVE,
    "进行中": LIVE,
    "done": DONE,
    "已完成": DONE,
    "unpaid": (S.AWAITING_PAYMENT.value,),
    "未支付": (S.AWAITING_PAYMENT.value,),
}
STUCK = {"stuck", "卡单", "异常", "!"}
NEW = {"new", "新单", "新订单", "新成交"}
"""``/orders new [day]``: the orders booked on a day (today), whatever day they start."""
ORDER_COMMANDS = (
    "order",
    "audit",
    "relay",
    "explain",
    "cancel",
    "reassign",
    "transfer",
    "handover",
    "terminate",
    "refund",
    "waive",
    "release",
    "reschedule",
)
_YUAN = re.compile(r"[¥￥]?\d+(?:\.\d{1,2})?(?:元|yuan)?", re.IGNORECASE)


def words(args: str) -> list[str]:
    return [w for w in re.split(r"[\s,，]+", args.strip()) if w]


def amount(word: str, most: int | None = INT_MAX) -> int | None:
    """Fen above 0 and at most ``most`` (``INT_MAX``, ¥21,474,836.47: a few of them summed
    stay a ``BIGINT``; None: any, for a service that holds it to a rule first), else None.
    Strict, as a worker's surcharge: yuan with at most two decimals ("1e5", "-1" are none)."""
    if _YUAN.fullmatch(word) is None:
        return None
    try:
        fen = parse_yuan(word)
    except MoneyError:
        return None
    return fen if fen > 0 and (most is None or fen <= most) else None


def build(  # noqa: C901 - one branch per admin command, each a few lines
    ctx: Ctx, name: str, number: int | None, args: str, by: str, request: str
) -> c.Message | None:
    """The command an admin asked for, or None when it is malformed (show ``USAGE[name]``);
    raises ``TooLong`` for a reason or text over its limit (``domain.limits``). The role is
    checked before (routing) and after (the service, from the database)."""
    role = ctx.admin_role
    if number is not None and name not in ORDER_COMMANDS:  # a long worker or customer id
        args, number = f"{number} {args}", None
    w = words(args)
    today = ctx.now.astimezone(ctx.tz).date()
    if name == "stats":
        period = PERIODS.get(w[0].casefold(), "") if w else "today"
        return q.ShowStats(by, role, period) if period else None
    if name == "customer":
        return customer_words.card(args, by, role)
    if name == "orders" and (whose := customer_words.orders_of(args, by, role)) is not None:
        return whose
    if name == "orders":
        statuses: list[str] = []
        rest, stuck, new = [], False, False
        for word in w:
            low = word.casefold()
            if low in STUCK:
                stuck = True
            elif low in NEW and not new:
                new = True
            elif low in STATUS_WORDS or word in STATUS_WORDS:
                statuses += STATUS_WORDS.get(low) or STATUS_WORDS[word]
            else:
                rest.append(word)
        # the rest is one day ("12-28", "next Monday"), the nearest: a day gone is looked up
        day = day_named(" ".join(rest), today, toward=Toward.NEAREST) if rest else None
        if rest and day is None:
            return None
        iso = day.isoformat() if day else ""
        if new and stuck:  # the stuck orders are those needing someone, new or not
            return None
        return q.ListOrders(by, role, tuple(dict.fromkeys(statuses)), iso, stuck, new)
    if name == "reschedule":
        return _reschedule(ctx, number, args, by, role)
    if name in ORDER_COMMANDS:
        return _order_command(name, number, w, args, by, role, request)
    if name in ("leave", "suspend", "unsuspend"):
        if not w or (worker := whole(w[0])) is None:
            return None
        reason = within(limits.WORKER_REASON, args.strip()[len(w[0]) :].strip())
        if name == "leave":
            return c.MarkWorkerLeft(by, role, worker, reason)
        if name == "suspend" and not reason:
            return None
        return c.SuspendWorker(by, role, worker, name == "suspend", reason)
    if name in ("price", "prices"):  # any price: the service holds it to the rules' most
        if len(w) > 1 and (cents := amount(w[-1], None)) is not None:
            return c.SetPrice(by, role, " ".join(w[:-1]), cents)
        return c.SetPrice(by, role, " ".join(w))
    if name == "coupon":
        if w and w[0].casefold() in ("issue", "发", "发放", "give"):
            w = w[1:]
        who, w = customer_words.leading_customer(w)
        if len(w) not in (1, 2) or (cents := amount(w[0])) is None:
            return None
        given = whole(w[1].rstrip("天d")) if len(w) == 2 else None
        if len(w) == 2 and given is None:
            return None
        days = ctx.rules.after_sales.compensation_coupon_days if given is None else given
        return c.IssueCoupon(by, role, who, cents, days)
    if name == "promo":
        return _promo(ctx, w, by, role)
    if name == "broadcast":
        # a confirm word and a draft's number sends; any other text is one to preview
        # ("go shopping", "确认 收到"), never the usage
        if len(w) == 2 and w[0].casefold() in campaign_words.CONFIRM:
            draft = whole(w[1].lstrip("#"))
            if draft is not None:
                return c.SendBroadcast(by, role, draft)
        text = within(limits.BROADCAST, args.strip())
        return c.Broadcast(by, role, text) if text else None
    if name == "admin":
        return admin_account_words.build(w, by, role)
    if name in ("campaign", "campaigns"):
        return campaign_words.build(ctx, name, args, by, role)
    if ticket_words.wanted(name, w):
        return ticket_words.build(name, w, args, by, role)
    return _after_sales(name, w, args, by, role)


PROMO_TOTAL = 1000
"""How many uses a promo code has in all when its admin does not say."""


def _promo(ctx: Ctx, w: list[str], by: str, role: str) -> c.Message | None:
    """``/promo CODE AMOUNT [THRESHOLD] [DAYS] [TOTAL] [PER CUSTOMER]``: the optional numbers
    in that order, or marked anywhere: 满100, 30天 / 30d, 500张, 每人2次 / x2."""
    if len(w) < 2 or (cents := amount(w[1])) is None:
        return None
    marks = {
        "threshold": r"满(\d+)",
        "days": r"(\d+)(?:天|d)",
        "total": r"(\d+)张",
        "per": r"(?:每人(\d+)次?|x(\d+))",
    }
    found: dict[str, int] = {}
    plain: list[int] = []
    for word in w[2:]:
        for key, pattern in marks.items():
            m = re.fullmatch(pattern, word, re.IGNORECASE)
            if m:
                marked = whole(next(g for g in m.groups() if g))
                if marked is None:
                    return None
                found[key] = marked
                break
        else:
            if (number := whole(word)) is None:
                return None
            plain.append(number)
    for key in ("threshold", "days", "total", "per"):
        if plain and key not in found:
            found[key] = plain.pop(0)
    if plain:
        return None
    rules = ctx.rules.coupons
    return c.CreatePromo(
        by,
        role,
        w[0],
        cents,
        found.get("threshold", 0) * 100,
        found.get("days", rules.promo_days),
        found.get("total", PROMO_TOTAL),
        found.get("per", rules.promo_per_customer),
    )


def _after_sales(  # noqa: C901 - one branch per after-sales command
    name: str, w: list[str], args: str, by: str, role: str
) -> c.Message | None:
    """``/complaints``, ``/complaint ID``, ``/reply ID text``, ``/resolve ID how …``,
    ``/levels [ID]``, ``/spotchecks``, ``/checked ID result``, ``/dashboard``."""
    if name == "complaints":
        return q.ListComplaints()
    if name == "spotchecks":
        return q.ListSpotChecks()
    if name == "dashboard":
        return c.OpenDashboard(by, role)
    ident = whole(w[0]) if w else None
    if name == "levels":
        return None if w and ident is None else c.RecalculateLevels(by, role, ident)
    if ident is None:
        return None
    rest = args.strip()[len(w[0]) :].strip()
    if name == "complaint":
        return c.ShowComplaint(by, role, ident)
    if name == "reply":
        return (
            c.ReplyComplaint(by, role, ident, within(limits.COMPLAINT_REPLY, rest))
            if rest
            else None
        )
    if name == "checked":
        return (
            c.CloseSpotCheck(by, role, ident, within(limits.SPOT_CHECK_RESULT, rest))
            if rest
            else None
        )
    if name != "resolve" or len(w) < 2 or w[1].casefold() not in RESOLUTIONS:
        return None
    how = RESOLUTIONS[w[1].casefold()]
    more = rest[len(w[1]) :].strip()
    if how == "partial":
        if not more:
            return c.ResolveComplaint(by, role, ident, how)
        cents = amount(more)
        return c.ResolveComplaint(by, role, ident, how, amount_cents=cents) if cents else None
    if how == "rework":
        worker = (more or "same").casefold()
        worker = {"原师傅": "same", "换人": "other", "换师傅": "other"}.get(worker, worker)
        return (
            c.ResolveComplaint(by, role, ident, how, reason=worker)
            if worker
            in (
                "same",
                "other",
            )
            else None
        )
    if how == "rejected" and not more:
        return None
    return c.ResolveComplaint(by, role, ident, how, reason=within(limits.RESOLUTION_REASON, more))


def _reschedule(ctx: Ctx, number: int | None, args: str, by: str, role: str) -> c.Message | None:
    """``/reschedule #N 明天 15:00``: a day and a time (business-local) are both needed."""
    day, at = parse_when(args, ctx.now.astimezone(ctx.tz).date())
    if number is None or day is None or at is None:
        return None
    return c.AdminReschedule(by, role, number, datetime.combine(day, at, tzinfo=ctx.tz))


_ABOUT_ORDER: dict[str, Callable[[str, str, int], c.Message]] = {
    "order": c.ShowOrder,
    "audit": q.ShowAudit,
    "relay": c.ShowRelay,
    "explain": q.ExplainOrder,
    "release": c.ReleaseOrder,
}
"""The commands that take the order's number only."""


def _to_worker(name: str, number: int, w: list[str], by: str, role: str) -> c.Message | None:
    """The commands that give an accepted order to a worker (named, or for some found)."""
    worker = whole(w[0]) if w else None
    if name == "reassign":
        return c.ReassignOrder(by, role, number, worker) if worker is not None else None
    if name == "transfer":
        if len(w) > 1 or (w and worker is None):
            return None
        return c.TransferOrder(by, role, number, worker)
    if worker is None:  # handover, from a day (the rest: "12-01", "next Monday"; the service's)
        return None
    return c.HandOverPlacement(by, role, number, worker, " ".join(w[1:]))


def _order_command(
    name: str, number: int | None, w: list[str], args: str, by: str, role: str, request: str
) -> c.Message | None:
    """The commands about one order: ``number`` is what followed the command (``#240117``)
    and ``w``/``args`` what came after it."""
    if number is None:
        return None
    if name in _ABOUT_ORDER:
        return _ABOUT_ORDER[name](by, role, number)
    if name == "cancel":
        return c.AdminCancelOrder(by, role, number, within(limits.CANCEL_REASON, args.strip()))
    if name == "terminate":
        return c.TerminatePlacement(by, role, number, " ".join(w))  # its day: the service's
    if name in ("reassign", "transfer", "handover"):
        return _to_worker(name, number, w, by, role)
    if name == "waive":  # the reason is the audit log's: asked for
        reason = within(limits.CANCEL_REASON, args.strip())
        return c.WaiveBalance(by, role, number, reason) if reason else None
    cents = amount(w[0], None) if w else None  # more than was paid: the service says so
    if cents is None or len(w) > 2 or (len(w) == 2 and w[1].casefold() not in ("again", "再退")):
        return None
    return c.RefundOrder(by, role, number, cents, request, again=len(w) == 2)


INVOICE_STATES = {
    **{s.value: s.value for s in InvoiceStatus},
    **{STATUS_TEXT_INVOICE[s].get("zh"): s.value for s in InvoiceStatus},
}
_RETRY = {"retry", "重试", "重开"}


def invoice_command(args: str, by: str, role: str) -> c.Message | bool:
    """``/invoices [状态…]`` lists; ``/invoices retry ID`` tries a failed one again (False:
    malformed)."""
    w = words(args)
    if w and w[0].casefold() in _RETRY:
        invoice = whole(w[1]) if len(w) == 2 else None
        return c.RetryInvoice(by, role, invoice) if invoice is not None else False
    states = [INVOICE_STATES.get(x.casefold()) for x in w]
    if any(s is None for s in states):
        return False
    return q.ListInvoices(by, role, tuple(dict.fromkeys(s for s in states if s)))
