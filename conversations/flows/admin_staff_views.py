"""The admin console's screens about workers and money: the worker list and one worker with
their documents, a review, withdrawals and their decisions, a refund done by hand, the ledger
link."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, span, tr
from conversations.flows.invoice_views import title_text
from conversations.flows.worker_signup_views import skills_of
from conversations.replies import Link, Photo, Reply, Say
from conversations.results.admin_money import (
    LedgerLinked,
    RefundMarked,
    WithdrawalDecided,
    WithdrawalLine,
    WithdrawalsListed,
)
from conversations.results.admin_people import (
    ONLINE,
    WorkerReviewed,
    WorkerShown,
    WorkersListed,
)
from conversations.results.cards import CardRefunded
from conversations.results.invoices import InvoiceRetried, InvoicesListed
from conversations.state import Conversation
from domain.gazetteer import district_text, districts_text
from domain.geo import metres_text
from domain.invoices import NOT_OWED_TEXT
from domain.invoices import STATUS_TEXT as INVOICE_STATUS_TEXT
from domain.money import format_yuan
from domain.people import DOCUMENT_TEXT, WORKER_STATUS_TEXT, WorkerStatus
from domain.text import N_, named
from domain.withdrawals import STATUS_TEXT as WITHDRAWAL_STATUS_TEXT
from domain.withdrawals import WithdrawalStatus

ONLINE_TEXT = N_("在线")
ALL_TEXT = N_("全部")


WORKER_FILTERS: dict[str, str] = {
    "all": "",
    ONLINE: ONLINE,
    **{s.value: s.value for s in WorkerStatus},
}
"""What ``/workers`` may be asked for, by the words an admin types ("" or ``all``: every
worker; ``online``: approved and online now; else a status), in either language."""


def worker_filter(word: str) -> str | None:
    """The filter ``word`` names (``WORKER_FILTERS``, or a status's or 在线's name in
    Chinese or English), None for a word that names none."""
    want = word.strip().casefold()
    if not want:
        return ""
    if want in WORKER_FILTERS:
        return WORKER_FILTERS[want]
    names = {**WORKER_STATUS_TEXT, ONLINE: ONLINE_TEXT, "": ALL_TEXT}
    for key, text in names.items():
        if want in (text.get("zh").casefold(), text.get("en").casefold()):
            return key
    return None


def _skills(ctx: Ctx, conv: Conversation, skills: tuple[str, ...]) -> str:
    labels = skills_of(ctx.catalog)
    return ("、" if conv.lang != "en" else ", ").join(named(labels, s, conv.lang) for s in skills)


def workers(ctx: Ctx, conv: Conversation, r: WorkersListed) -> Outcome:
    what = (
        ALL_TEXT
        if not r.status
        else ONLINE_TEXT
        if r.status == ONLINE
        else WORKER_STATUS_TEXT.get(r.status, ALL_TEXT)
    )
    if not r.workers:
        if not r.status:
            return Outcome([Say(tr(conv, "还没有师傅。"))])
        return Outcome([Say(tr(conv, "没有状态为 {status} 的师傅。", status=what.get(conv.lang)))])
    lines = []
    for w in r.workers:
        parts = [f"{w.id}. {w.name}", named(WORKER_STATUS_TEXT, w.status, conv.lang)]
        if w.online and w.status == WorkerStatus.APPROVED:
            parts.append(ONLINE_TEXT.get(conv.lang))
        parts += [w.level, _skills(ctx, conv, w.skills)]
        lines.append(" · ".join(p for p in parts if p))
    total = max(r.total, len(r.workers))
    if total > len(r.workers):
        lines.append(tr(conv, "(只列出前 {shown} 位)", shown=len(r.workers)))
    # the count and the way on last: the first line is the first worker's (a pane reads it)
    count = tr(conv, "{what}:共 {total} 位", what=what.get(conv.lang), total=total)
    lines.append(count + " · " + tr(conv, "查看:/worker ID"))
    return Outcome([Say("\n".join(lines))])


def worker(ctx: Ctx, conv: Conversation, r: WorkerShown) -> Outcome:
    status = named(WORKER_STATUS_TEXT, r.status, conv.lang)
    skills = _skills(ctx, conv, r.skills)
    replies: list[Reply] = [
        Say(
            tr(
                conv,
                "师傅 {id}:{name} {phone}\n状态:{status} 等级:"
                "{level}\n技能:{skills}\n范围:{area}\n{note}",
                id=r.id,
                name=r.name,
                phone=r.phone,
                status=status,
                level=r.level,
                skills=skills,
                area=_area(conv, r),
                note=r.note.get(conv.lang),
            )
        )
    ]
    if r.payout is not None:
        replies.append(Say(tr(conv, "收款账户:{account}", account=r.payout.get(conv.lang))))
    replies += [
        Photo(
            doc.url,
            f"{named(DOCUMENT_TEXT, doc.kind, conv.lang)} "
            f"{moment(ctx, conv, doc.expires_on, clock=False) if doc.expires_on else ''}".strip()
            + (tr(conv, "(新证,待审核)") if doc.waiting else ""),
        )
        for doc in r.documents
    ]
    return Outcome(replies)


def _area(conv: Conversation, r: WorkerShown) -> str:
    """Where the worker takes jobs: their districts, and a radius only when they have one
    (around their centre's district, when known)."""
    en = conv.lang == "en"
    parts = [districts_text(r.districts, conv.lang)] if r.districts else []
    if r.radius_m > 0:
        far = metres_text(r.radius_m)
        parts.append(
            tr(
                conv,
                "以{centre}为中心 {radius}",
                centre=district_text(r.centre).get(conv.lang),
                radius=far,
            )
            if r.centre
            else tr(conv, "半径 {radius}", radius=far)
        )
    return ("; " if en else ";").join(parts) or tr(conv, "未设置")


def reviewed(ctx: Ctx, conv: Conversation, r: WorkerReviewed) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "已处理:师傅 {worker_id} → {status},已通知本人。",
                    worker_id=r.worker_id,
                    status=named(WORKER_STATUS_TEXT, r.status, conv.lang),
                )
            )
        ]
    )


def _withdrawal(ctx: Ctx, conv: Conversation, w: WithdrawalLine) -> str:
    """``3. 师傅 7 王 ¥123.45 [待审核] 11-23 01:05``: the worker by id (what ``/worker``
    takes) and name, the status in words."""
    who = " ".join(x for x in (tr(conv, "师傅 {value}", value=w.worker_id), w.name) if x)
    status = named(WITHDRAWAL_STATUS_TEXT, w.status, conv.lang)
    at = moment(ctx, conv, w.requested_at)
    return f"{w.id}. {who} {format_yuan(w.amount_cents)} [{status}] {at}"


def withdrawals(ctx: Ctx, conv: Conversation, r: WithdrawalsListed) -> Outcome:
    if not r.items:
        return Outcome([Say(tr(conv, "没有待处理的提现。"))])
    return Outcome([Say("\n".join(_withdrawal(ctx, conv, w) for w in r.items))])


def withdrawal_decided(ctx: Ctx, conv: Conversation, r: WithdrawalDecided) -> Outcome:
    status = named(WITHDRAWAL_STATUS_TEXT, r.status, conv.lang)
    if r.status == WithdrawalStatus.APPROVED:
        text = tr(
            conv,
            "提现 #{id} → {status},将自动打款到师傅的收款账户。",
            id=r.id,
            status=status,
        )
    elif r.status == WithdrawalStatus.HELD:  # the worker's card is in another's name
        text = tr(
            conv,
            "提现 #{id} 暂缓打款,未付款:师傅的收款银行卡开户人不是本人(与注册姓名不一致),"
            "不打款到他人名下的卡。已请师傅添加本人银行卡,添加后自动继续打款;"
            "也可 /reject_withdrawal {id} 原因 退回余额。",
            id=r.id,
        )
    else:
        text = tr(conv, "提现 #{id} → {status},已通知师傅。", id=r.id, status=status)
    return Outcome([Say(text)])


def refund_marked(ctx: Ctx, conv: Conversation, r: RefundMarked) -> Outcome:
    return Outcome([Say(tr(conv, "退款 {reference} 已记为完成。", reference=r.reference))])


def card_refunded(ctx: Ctx, conv: Conversation, r: CardRefunded) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "次卡 #{id} 已退:退回 {amount}(未用的付费次数按比例),其余计入收入。",
                    id=r.card_id,
                    amount=format_yuan(r.amount_cents),
                )
            )
        ]
    )


def ledger_link(ctx: Ctx, conv: Conversation, r: LedgerLinked) -> Outcome:
    return Outcome(
        [
            Link(
                tr(conv, "账本 {span}(10 分钟内有效):", span=span(ctx, conv, r.start, r.end)),
                r.url,
                "CSV",
            )
        ]
    )


def invoices(ctx: Ctx, conv: Conversation, r: InvoicesListed) -> Outcome:
    counts = " · ".join(
        f"{named(INVOICE_STATUS_TEXT, status, conv.lang)} {n}" for status, n in r.counts
    )
    if not r.items:
        return Outcome([Say(counts + "\n" + tr(conv, "没有这些状态的发票申请。"))])
    lines = [counts]
    for i in r.items:
        line = tr(
            conv,
            "{id}. #{number} {amount} [{status}] {title} {created}",
            id=i.id,
            number=i.number,
            amount=format_yuan(i.amount_cents),
            status=named(INVOICE_STATUS_TEXT, i.status, conv.lang),
            title=title_text(conv, i.kind, i.title),  # the kind once, in the admin's language
            created=moment(ctx, conv, i.created_at),
        )
        if i.invoice_no:
            line += " " + tr(conv, "发票号 {no}", no=i.invoice_no)
        if i.note in NOT_OWED_TEXT:
            why = named(NOT_OWED_TEXT, i.note, conv.lang)
            line += " " + tr(conv, "(未开具:{reason})", reason=why)
        elif i.note:
            line += " " + tr(conv, "(上次失败:{note})", note=i.note)
        if i.refunded:
            line += " " + tr(conv, "⚠ 开票后已退款,需红冲")
        lines.append(line)
    return Outcome([Say("\n".join(lines))])


def invoice_retried(ctx: Ctx, conv: Conversation, r: InvoiceRetried) -> Outcome:
    return Outcome(
        [Say(tr(conv, "发票 {id}(订单 #{number})将重新开具。", id=r.id, number=r.number))]
    )


SCREENS: tuple[Screen, ...] = (
    shows(WorkersListed, workers),
    shows(WorkerShown, worker),
    shows(WorkerReviewed, reviewed),
    shows(WithdrawalsListed, withdrawals),
    shows(WithdrawalDecided, withdrawal_decided),
    shows(RefundMarked, refund_marked),
    shows(CardRefunded, card_refunded),
    shows(LedgerLinked, ledger_link),
    shows(InvoicesListed, invoices),
    shows(InvoiceRetried, invoice_retried),
)
"""The console's screens about workers and money, by the result they show."""
