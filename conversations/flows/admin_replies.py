"""The admin console's answers to actions: what changed, and who was told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.flows.base import tr
from conversations.replies import Reply, Say
from conversations.state import Conversation
from domain.money import format_yuan


def reassigned(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"已将 #{d['number']} 从师傅 {d['from']} 改派给 {d['to']} {d['name']},"
                "双方已通知。",
                f"#{d['number']} moved from worker {d['from']} to {d['to']} {d['name']}; both "
                "were told.",
            )
        )
    ]


def admin_cancelled(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"已取消 #{d['number']}:退款 {format_yuan(d['refund'])},收费 "
                f"{format_yuan(d['fee'])}({d['reason_zh']})。客户已通知。",
                f"Cancelled #{d['number']}: refund {format_yuan(d['refund'])}, fee "
                f"{format_yuan(d['fee'])} ({d['reason_en']}). The customer was told.",
            )
        )
    ]


def refund_requested(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    if d["repeat"]:
        return [
            Say(
                tr(
                    conv,
                    f"这条退款指令已执行过:#{d['number']} 退 {format_yuan(d['amount'])},"
                    "不会重复退款。",
                    f"Already done: {format_yuan(d['amount'])} back on #{d['number']}; "
                    "nothing more was refunded.",
                )
            )
        ]
    left = tr(conv, ",已原路退回。", "; it went back the way they paid.")
    if d.get("queued"):
        left = tr(
            conv,
            ",已提交支付渠道原路退回(完成后通知顾客;如需人工处理会通知财务)。",
            "; sent to the provider to go back the way they paid (the customer is told when "
            "it is done; finance is told if it needs a hand).",
        )
    elif d.get("pending"):
        left = tr(
            conv,
            ",支付渠道暂未完成,系统会自动重试(或需人工处理,会另行通知)。",
            "; the provider has not confirmed yet — it is retried automatically (finance is "
            "told if it needs a hand).",
        )
    return [
        Say(
            tr(
                conv,
                f"#{d['number']} 退款 {format_yuan(d['amount'])}{left}",
                f"Refund of {format_yuan(d['amount'])} on #{d['number']}{left}",
            )
        )
    ]


def suspended(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    text = tr(
        conv,
        f"师傅 {d['worker_id']} → {d['status']},已通知本人。",
        f"Worker {d['worker_id']} is now {d['status']}; they have been told.",
    )
    if d["live"]:
        jobs = " ".join(f"#{n}" for n in d["live"])
        text += tr(
            conv,
            f"\n进行中的订单:{jobs}(可用 /reassign 改派)",
            f"\nJobs under way: {jobs} (use /reassign to move them)",
        )
    return [Say(text)]


def prices(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    lines = [tr(conv, "价格(新订单):", "Prices (for new orders):")]
    lines += [
        f"{i['id']} {tr(conv, i['zh'], i['en'])} {format_yuan(i['price'])}/{i['unit']}"
        + (" *" if i["changed"] else "")
        for i in d["items"]
    ]
    lines.append(
        tr(conv, "* 已改价 · 改价:/price 项目 金额", "* changed · change: /price ITEM AMOUNT")
    )
    return [Say("\n".join(lines))]


def price(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    head = f"{d['id']} {tr(conv, d['zh'], d['en'])}: {format_yuan(d['price'])}/{d['unit']}"
    if d["changed"]:
        head = tr(conv, f"已改价,新订单生效。{head}", f"Price changed for new orders. {head}")
    lines = [
        head,
        tr(
            conv,
            f"目录原价 {format_yuan(d['catalog'])}",
            f"Catalog file price {format_yuan(d['catalog'])}",
        ),
    ]
    lines += [
        f"{h['at']} {format_yuan(h['old'])} → {format_yuan(h['new'])} ({h['by']})"
        for h in d["history"]
    ]
    return [Say("\n".join(lines))]


def coupon_issued(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"已给客户 {d['customer_id']} {d['name']} 发 {format_yuan(d['amount'])} 优惠券 "
                f"{d['code']},有效至 {d['until']},已通知客户。",
                f"Gave customer {d['customer_id']} {d['name']} a {format_yuan(d['amount'])} "
                f"coupon {d['code']}, valid until {d['until']}; they were told.",
            )
        )
    ]


def broadcast_queued(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"群发已排队:{d['to']} 个账号,正在陆续发送。下次群发 {d['next_at']} 后。",
                f"Broadcast queued for {d['to']} chat accounts; going out now. Next one "
                f"after {d['next_at']}.",
            )
        )
    ]


def admins(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    lines = [tr(conv, "管理员(配置):", "Admins (configured):")]
    lines += [f"{key} {role}" for key, role in d["fixed"]] or ["—"]
    lines.append(tr(conv, "管理员(聊天中添加):", "Admins (added in chat):"))
    lines += [f"{key} {role}" for key, role in d["added"]] or ["—"]
    return [Say("\n".join(lines))]


def admin_changed(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    if d["role"]:
        text = tr(
            conv,
            f"{d['account']} 现在是 {d['role']} 管理员(几秒内各处生效)。",
            f"{d['account']} is now a {d['role']} admin (everywhere within seconds).",
        )
    else:
        text = tr(
            conv,
            f"已移除管理员 {d['account']}({d['before']})。",
            f"Removed admin {d['account']} ({d['before']}).",
        )
    return [Say(text)]


REPLIES: dict[str, Callable[[Conversation, dict[str, Any]], list[Reply]]] = {
    "reassigned": reassigned,
    "admin_cancelled": admin_cancelled,
    "refund_requested": refund_requested,
    "suspended": suspended,
    "prices": prices,
    "price": price,
    "coupon_issued": coupon_issued,
    "broadcast_queued": broadcast_queued,
    "admins": admins,
    "admin_changed": admin_changed,
}
