"""The admin console's answers to actions: what changed, and who was told."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, clock_or_moment, moment, tr, trn
from conversations.flows.checkout_views import CHOOSE_COUPON, ENTER_CODE
from conversations.replies import Say
from conversations.results.admin_money import (
    CouponIssued,
    PriceChanged,
    PriceShown,
    PricesListed,
    PromoCreated,
)
from conversations.results.admin_orders import (
    BalanceWaived,
    OrderAssigned,
    OrderCancelledByAdmin,
    OrderReassigned,
    RefundAlreadyRequested,
    RefundRequested,
)
from conversations.results.admin_people import (
    AdminGranted,
    AdminRemoved,
    AdminsListed,
    BroadcastQueued,
    SuspensionChanged,
    account_name,
)
from conversations.results.orders import OrderRescheduled
from conversations.state import Conversation
from domain.admin import ROLE_TEXT
from domain.catalog import UNIT_TEXT, Unit
from domain.money import format_yuan
from domain.people import WORKER_STATUS_TEXT
from domain.text import Field, named


def assigned(ctx: Ctx, conv: Conversation, r: OrderAssigned) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "已将 #{number} 指派给师傅 {worker_id}({name})。",
                    number=r.number,
                    worker_id=r.worker_id,
                    name=r.name,
                )
            )
        ]
    )


def reassigned(ctx: Ctx, conv: Conversation, r: OrderReassigned) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "已将 #{number} 从师傅 {from_worker_id} 改派给师傅 {to_worker_id}({to_name}),"
                    "双方已通知。",
                    number=r.number,
                    from_worker_id=r.from_worker_id,
                    to_worker_id=r.to_worker_id,
                    to_name=r.to_name,
                )
            )
        ]
    )


def rescheduled(ctx: Ctx, conv: Conversation, r: OrderRescheduled) -> Outcome:
    when = moment(ctx, conv, r.start_at)
    if r.clash:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "已将 #{number} 改约到 {when};新时间与原师傅的其他订单冲突,"
                        "正在转给附近空闲师傅(接单前仍由原师傅负责)。",
                        number=r.number,
                        when=when,
                    )
                )
            ]
        )
    text = (
        tr(
            conv,
            "已将 #{number} 改约到 {when},原师傅继续服务,双方已通知。",
            number=r.number,
            when=when,
        )
        if r.worker_kept
        else tr(
            conv,
            "已将 #{number} 改约到 {when},正在重新派单,客户已通知。",
            number=r.number,
            when=when,
        )
    )
    return Outcome([Say(text)])


def admin_cancelled(ctx: Ctx, conv: Conversation, r: OrderCancelledByAdmin) -> Outcome:
    refund, fee = format_yuan(r.refund_cents), format_yuan(r.fee_cents)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "已取消 #{number}:退款 {refund},收费 {fee}({reason})。客户已通知。",
                    number=r.number,
                    refund=refund,
                    fee=fee,
                    reason=r.reason.get(conv.lang),
                )
            )
        ]
    )


def refund_repeated(ctx: Ctx, conv: Conversation, r: RefundAlreadyRequested) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "这条退款指令已执行过:#{number} 退 {amount_cents},不会重复退款。",
                    number=r.number,
                    amount_cents=format_yuan(r.amount_cents),
                )
            )
        ]
    )


def refund_requested(ctx: Ctx, conv: Conversation, r: RefundRequested) -> Outcome:
    left = tr(conv, ",已原路退回。")
    if r.queued:
        left = tr(conv, ",已提交支付渠道原路退回(完成后通知顾客;如需人工处理会通知财务)。")
    elif r.pending:
        left = tr(conv, ",支付渠道暂未完成,系统会自动重试(或需人工处理,会另行通知)。")
    amount = format_yuan(r.amount_cents)
    text = tr(conv, "#{number} 退款 {amount}{left}", number=r.number, amount=amount, left=left)
    if r.unpaid_but_live:
        text += "\n" + tr(
            conv,
            "⚠ 已付款项已全部退回,订单仍会照常服务;如需停止,请 /cancel #{number}。",
            number=r.number,
        )
    if r.after_settlement:
        text += "\n" + tr(
            conv,
            "订单已结算:这笔退款由平台承担,师傅的收入不扣回"
            "(只有投诉处理中的退款才按比例扣回师傅的份额)。",
        )
    return Outcome([Say(text)])


def balance_waived(ctx: Ctx, conv: Conversation, r: BalanceWaived) -> Outcome:
    text = tr(
        conv,
        "已免除 #{number} 未付的 {amount},已通知顾客;顾客确认(或到时自动确认)后按已付金额结算。",
        number=r.number,
        amount=format_yuan(r.amount_cents),
    )
    return Outcome([Say(text)])


def suspended(ctx: Ctx, conv: Conversation, r: SuspensionChanged) -> Outcome:
    status = named(WORKER_STATUS_TEXT, r.status, conv.lang)
    text = tr(
        conv, "师傅 {worker_id} → {status},已通知本人。", worker_id=r.worker_id, status=status
    )
    if r.live:
        jobs = " ".join(f"#{n}" for n in r.live)
        text += tr(conv, "\n进行中的订单:{jobs}(可用 /reassign 改派)", jobs=jobs)
    return Outcome([Say(text)])


def _unit(conv: Conversation, unit: str) -> str:
    """A unit of sale in the reader's language ("小时", "hour")."""
    try:
        return UNIT_TEXT[Unit(unit)].get(conv.lang)
    except ValueError:  # a unit this code no longer knows: its id, readable
        return unit.replace("_", " ")


def _price(conv: Conversation, number: int, name: str, cents: int, unit: str) -> str:
    """``3. 日常保洁 ¥40.00/小时`` (without the number when it is not known)."""
    head = f"{number}. {name}" if number else name
    return f"{head} {format_yuan(cents)}/{_unit(conv, unit)}"


def prices(ctx: Ctx, conv: Conversation, r: PricesListed) -> Outcome:
    lines = [tr(conv, "价格(新订单):")]
    lines += [
        _price(conv, i.number, i.name.get(conv.lang), i.price_cents, i.unit)
        + (" *" if i.changed else "")
        for i in r.items
    ]
    lines.append(tr(conv, "* 已改价 · 改价:回复「/price 编号 价格」,如 /price 1 45"))
    return Outcome([Say("\n".join(lines))])


def price(ctx: Ctx, conv: Conversation, r: PriceShown) -> Outcome:
    """One item's price (``PriceChanged``: just changed, which the first line says)."""
    head = _price(conv, r.number, r.name.get(conv.lang), r.price_cents, r.unit)
    if isinstance(r, PriceChanged):
        head = tr(conv, "已改价,新订单生效。{head}", head=head)
    lines = [
        head,
        tr(conv, "目录原价 {catalog_cents}", catalog_cents=format_yuan(r.catalog_cents)),
    ]
    lines += [
        f"{moment(ctx, conv, h.at)} {format_yuan(h.old_cents)} → "
        f"{format_yuan(h.new_cents)} ({named(ROLE_TEXT, h.role, conv.lang)})"
        for h in r.history
    ]
    return Outcome([Say("\n".join(lines))])


def promo_created(ctx: Ctx, conv: Conversation, r: PromoCreated) -> Outcome:
    until = moment(ctx, conv, r.valid_until, clock=False)
    off = format_yuan(r.amount_cents)
    what = (
        tr(conv, "满{over}减{off}", over=format_yuan(r.threshold_cents), off=off)
        if r.threshold_cents
        else tr(conv, "立减{off}", off=off)
    )
    text = tr(
        conv,
        "优惠码 {code} 已创建:{what},有效至 {until},共 {total} 张,每人限用 {per} 次。"
        "客户在报价页点「{enter}」后回复优惠码即可(有可用券的客户点「{choose}」,再回复优惠码)。",
        enter=ENTER_CODE.get(conv.lang),
        choose=CHOOSE_COUPON.get(conv.lang),
        code=r.code,
        what=what,
        until=until,
        total=r.total,
        per=r.per_customer,
    )
    return Outcome([Say(text)])


def coupon_issued(ctx: Ctx, conv: Conversation, r: CouponIssued) -> Outcome:
    amount, until = format_yuan(r.amount_cents), moment(ctx, conv, r.valid_until, clock=False)
    fields: dict[str, Field] = {
        "customer_id": r.customer_id,
        "amount": amount,
        "id": r.coupon_id,
        "until": until,
    }
    if r.name:
        text = tr(
            conv,
            "已给客户 {customer_id} {name} 发 {amount} 优惠券(券号 {id}),"
            "有效至 {until},已通知客户。",
            name=r.name,
            **fields,
        )
    else:  # nothing to call them by but their number
        text = tr(
            conv,
            "已给客户 {customer_id} 发 {amount} 优惠券(券号 {id}),有效至 {until},已通知客户。",
            **fields,
        )
    return Outcome([Say(text)])


def broadcast_queued(ctx: Ctx, conv: Conversation, r: BroadcastQueued) -> Outcome:
    next_at = clock_or_moment(ctx, conv, r.next_at)
    return Outcome(
        [
            Say(
                trn(
                    conv,
                    "群发已排队:{to} 个账号,正在陆续发送。下次群发 {next_at} 后。",
                    "群发已排队:{to} 个账号,正在陆续发送。下次群发 {next_at} 后。",
                    r.to,
                    to=r.to,
                    next_at=next_at,
                )
            )
        ]
    )


def _admin(conv: Conversation, account: str, role: str) -> str:
    """``Telegram 12345 · 调度``: the account as typed after its channel's name, the role in
    words."""
    return f"{account_name(account).get(conv.lang)} · {named(ROLE_TEXT, role, conv.lang)}"


def admins(ctx: Ctx, conv: Conversation, r: AdminsListed) -> Outcome:
    lines = [tr(conv, "管理员(配置):")]
    lines += [_admin(conv, a.account, a.role) for a in r.configured] or ["—"]
    lines.append(tr(conv, "管理员(聊天中添加):"))
    lines += [_admin(conv, a.account, a.role) for a in r.added] or ["—"]
    return Outcome([Say("\n".join(lines))])


def admin_granted(ctx: Ctx, conv: Conversation, r: AdminGranted) -> Outcome:
    text = tr(
        conv,
        "{account} 现在是 {role} 管理员(几秒内各处生效)。",
        account=account_name(r.account).get(conv.lang),
        role=named(ROLE_TEXT, r.role, conv.lang),
    )
    return Outcome([Say(text)])


def admin_removed(ctx: Ctx, conv: Conversation, r: AdminRemoved) -> Outcome:
    text = tr(
        conv,
        "已移除管理员 {account}({before})。",
        account=account_name(r.account).get(conv.lang),
        before=named(ROLE_TEXT, r.before, conv.lang),
    )
    return Outcome([Say(text)])


SCREENS: tuple[Screen, ...] = (
    shows(OrderAssigned, assigned),
    shows(OrderReassigned, reassigned),
    shows(OrderRescheduled, rescheduled),
    shows(OrderCancelledByAdmin, admin_cancelled),
    shows(RefundRequested, refund_requested),
    shows(RefundAlreadyRequested, refund_repeated),
    shows(BalanceWaived, balance_waived),
    shows(SuspensionChanged, suspended),
    shows(PricesListed, prices),
    shows(PriceShown, price),
    shows(PriceChanged, price),
    shows(CouponIssued, coupon_issued),
    shows(PromoCreated, promo_created),
    shows(BroadcastQueued, broadcast_queued),
    shows(AdminsListed, admins),
    shows(AdminGranted, admin_granted),
    shows(AdminRemoved, admin_removed),
)
"""The console's answers to admins' actions, by the result they show."""
