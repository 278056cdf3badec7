"""The admin console's answers to actions: what changed, and who was told."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, local, shows
from conversations.flows.base import Ctx, Outcome, tr
from conversations.replies import Say
from conversations.results.admin_money import (
    CouponIssued,
    PriceChanged,
    PriceShown,
    PricesListed,
)
from conversations.results.admin_orders import (
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
)
from conversations.state import Conversation
from domain.money import format_yuan


def assigned(ctx: Ctx, conv: Conversation, r: OrderAssigned) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"已将 #{r.number} 指派给师傅 {r.worker_id}。",
                    f"Assigned #{r.number} to worker {r.worker_id}.",
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
                    f"已将 #{r.number} 从师傅 {r.from_worker_id} 改派给 {r.to_worker_id} "
                    f"{r.to_name},双方已通知。",
                    f"#{r.number} moved from worker {r.from_worker_id} to {r.to_worker_id} "
                    f"{r.to_name}; both were told.",
                )
            )
        ]
    )


def admin_cancelled(ctx: Ctx, conv: Conversation, r: OrderCancelledByAdmin) -> Outcome:
    refund, fee = format_yuan(r.refund_cents), format_yuan(r.fee_cents)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"已取消 #{r.number}:退款 {refund},收费 {fee}({r.reason.zh})。客户已通知。",
                    f"Cancelled #{r.number}: refund {refund}, fee {fee} ({r.reason.en}). The "
                    "customer was told.",
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
                    f"这条退款指令已执行过:#{r.number} 退 {format_yuan(r.amount_cents)},"
                    "不会重复退款。",
                    f"Already done: {format_yuan(r.amount_cents)} back on #{r.number}; "
                    "nothing more was refunded.",
                )
            )
        ]
    )


def refund_requested(ctx: Ctx, conv: Conversation, r: RefundRequested) -> Outcome:
    left = tr(conv, ",已原路退回。", "; it went back the way they paid.")
    if r.queued:
        left = tr(
            conv,
            ",已提交支付渠道原路退回(完成后通知顾客;如需人工处理会通知财务)。",
            "; sent to the provider to go back the way they paid (the customer is told when "
            "it is done; finance is told if it needs a hand).",
        )
    elif r.pending:
        left = tr(
            conv,
            ",支付渠道暂未完成,系统会自动重试(或需人工处理,会另行通知)。",
            "; the provider has not confirmed yet — it is retried automatically (finance is "
            "told if it needs a hand).",
        )
    amount = format_yuan(r.amount_cents)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"#{r.number} 退款 {amount}{left}",
                    f"Refund of {amount} on #{r.number}{left}",
                )
            )
        ]
    )


def suspended(ctx: Ctx, conv: Conversation, r: SuspensionChanged) -> Outcome:
    text = tr(
        conv,
        f"师傅 {r.worker_id} → {r.status},已通知本人。",
        f"Worker {r.worker_id} is now {r.status}; they have been told.",
    )
    if r.live:
        jobs = " ".join(f"#{n}" for n in r.live)
        text += tr(
            conv,
            f"\n进行中的订单:{jobs}(可用 /reassign 改派)",
            f"\nJobs under way: {jobs} (use /reassign to move them)",
        )
    return Outcome([Say(text)])


def prices(ctx: Ctx, conv: Conversation, r: PricesListed) -> Outcome:
    lines = [tr(conv, "价格(新订单):", "Prices (for new orders):")]
    lines += [
        f"{i.id} {tr(conv, i.name.zh, i.name.en)} {format_yuan(i.price_cents)}/{i.unit}"
        + (" *" if i.changed else "")
        for i in r.items
    ]
    lines.append(
        tr(conv, "* 已改价 · 改价:/price 项目 金额", "* changed · change: /price ITEM AMOUNT")
    )
    return Outcome([Say("\n".join(lines))])


def price(ctx: Ctx, conv: Conversation, r: PriceShown) -> Outcome:
    """One item's price (``PriceChanged``: just changed, which the first line says)."""
    head = f"{r.id} {tr(conv, r.name.zh, r.name.en)}: {format_yuan(r.price_cents)}/{r.unit}"
    if isinstance(r, PriceChanged):
        head = tr(conv, f"已改价,新订单生效。{head}", f"Price changed for new orders. {head}")
    lines = [
        head,
        tr(
            conv,
            f"目录原价 {format_yuan(r.catalog_cents)}",
            f"Catalog file price {format_yuan(r.catalog_cents)}",
        ),
    ]
    lines += [
        f"{local(ctx, h.at, '%Y-%m-%d %H:%M')} {format_yuan(h.old_cents)} → "
        f"{format_yuan(h.new_cents)} ({h.by})"
        for h in r.history
    ]
    return Outcome([Say("\n".join(lines))])


def coupon_issued(ctx: Ctx, conv: Conversation, r: CouponIssued) -> Outcome:
    amount, until = format_yuan(r.amount_cents), local(ctx, r.valid_until, "%Y-%m-%d")
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"已给客户 {r.customer_id} {r.name} 发 {amount} 优惠券 {r.code},有效至 "
                    f"{until},已通知客户。",
                    f"Gave customer {r.customer_id} {r.name} a {amount} coupon {r.code}, valid "
                    f"until {until}; they were told.",
                )
            )
        ]
    )


def broadcast_queued(ctx: Ctx, conv: Conversation, r: BroadcastQueued) -> Outcome:
    next_at = local(ctx, r.next_at, "%H:%M")
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"群发已排队:{r.to} 个账号,正在陆续发送。下次群发 {next_at} 后。",
                    f"Broadcast queued for {r.to} chat accounts; going out now. Next one "
                    f"after {next_at}.",
                )
            )
        ]
    )


def admins(ctx: Ctx, conv: Conversation, r: AdminsListed) -> Outcome:
    lines = [tr(conv, "管理员(配置):", "Admins (configured):")]
    lines += [f"{a.account} {a.role}" for a in r.configured] or ["—"]
    lines.append(tr(conv, "管理员(聊天中添加):", "Admins (added in chat):"))
    lines += [f"{a.account} {a.role}" for a in r.added] or ["—"]
    return Outcome([Say("\n".join(lines))])


def admin_granted(ctx: Ctx, conv: Conversation, r: AdminGranted) -> Outcome:
    text = tr(
        conv,
        f"{r.account} 现在是 {r.role} 管理员(几秒内各处生效)。",
        f"{r.account} is now a {r.role} admin (everywhere within seconds).",
    )
    return Outcome([Say(text)])


def admin_removed(ctx: Ctx, conv: Conversation, r: AdminRemoved) -> Outcome:
    text = tr(
        conv,
        f"已移除管理员 {r.account}({r.before})。",
        f"Removed admin {r.account} ({r.before}).",
    )
    return Outcome([Say(text)])


SCREENS: tuple[Screen, ...] = (
    shows(OrderAssigned, assigned),
    shows(OrderReassigned, reassigned),
    shows(OrderCancelledByAdmin, admin_cancelled),
    shows(RefundRequested, refund_requested),
    shows(RefundAlreadyRequested, refund_repeated),
    shows(SuspensionChanged, suspended),
    shows(PricesListed, prices),
    shows(PriceShown, price),
    shows(PriceChanged, price),
    shows(CouponIssued, coupon_issued),
    shows(BroadcastQueued, broadcast_queued),
    shows(AdminsListed, admins),
    shows(AdminGranted, admin_granted),
    shows(AdminRemoved, admin_removed),
)
"""The console's answers to admins' actions, by the result they show."""
