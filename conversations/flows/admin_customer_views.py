"""The admin console's answers about one customer: ``/customer`` (their card) and ``/orders
PHONE`` (their orders), in the admin's language, the orders written as ``/orders`` writes
them (``admin_views.order_line``)."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.admin_views import order_line
from conversations.flows.base import Ctx, Outcome, moment, tr, trn
from conversations.replies import Say
from conversations.results.admin_customers import CustomerOrdersListed, CustomerShown
from conversations.state import Conversation
from domain.member_levels import LEVEL_TEXT
from domain.people import CHANNEL_TEXT
from domain.text import named


def _who(conv: Conversation, customer_id: int, name: str) -> str:
    """A customer as a list's header names them: "客户 12 张三" / "customer 12 张三"."""
    who = tr(conv, "客户 {customer_id}", customer_id=customer_id)
    return f"{who} {name}" if name else who


def card(ctx: Ctx, conv: Conversation, r: CustomerShown) -> Outcome:
    head = (
        tr(conv, "客户 {id} {name} {phone}", id=r.id, name=r.name, phone=r.phone)
        if r.name
        else tr(conv, "客户 {id} {phone}", id=r.id, phone=r.phone)  # no name: no gap
    )
    comma = ", " if conv.lang == "en" else "、"
    channels = comma.join(named(CHANNEL_TEXT, ch, conv.lang) for ch in r.channels) or "—"
    lines = [
        head.rstrip(),  # no phone given: nothing after the name
        tr(conv, "渠道 {channels}", channels=channels),
        tr(
            conv,
            "{level} · 积分 {points} · {day} 注册",
            level=LEVEL_TEXT[r.level].get(conv.lang),
            points=r.points,
            day=moment(ctx, conv, r.registered_at, clock=False),
        ),
        tr(
            conv,
            "订单 {orders} · 完成 {served} · 取消 {cancelled} · 投诉处理中 {complaints}",
            orders=r.orders,
            served=r.served,
            cancelled=r.cancelled,
            complaints=r.complaints_open,
        ),
    ]
    if r.others_with_phone:
        lines.append(
            trn(
                conv,
                "另有 {n} 位客户使用同一手机号",
                "另有 {n} 位客户使用同一手机号",
                r.others_with_phone,
                n=r.others_with_phone,
            )
        )
    if not r.latest:
        lines.append(tr(conv, "还没有订单"))
        return Outcome([Say("\n".join(lines))])
    lines.append(tr(conv, "最近订单:"))
    lines += [order_line(ctx, conv, o, r.money) for o in r.latest]
    lines.append(tr(conv, "订单详情:/order #{number}", number=r.latest[0].number))
    if r.orders > len(r.latest):
        lines.append(tr(conv, "全部订单:/orders 客户 {customer_id}", customer_id=r.id))
    return Outcome([Say("\n".join(lines))])


def orders(ctx: Ctx, conv: Conversation, r: CustomerOrdersListed) -> Outcome:
    head = _who(conv, r.id, r.name)
    lines = [tr(conv, "订单({head}):共 {total} 单", head=head, total=r.total)]
    lines += [order_line(ctx, conv, o, r.money) for o in r.orders]
    if r.total > len(r.orders):
        lines.append(tr(conv, "……还有 {more} 单", more=r.total - len(r.orders)))
    if not r.orders:
        lines.append(tr(conv, "(无)"))
    else:
        lines.append(tr(conv, "订单详情:/order #{number}", number=r.orders[0].number))
    return Outcome([Say("\n".join(lines))])


SCREENS: tuple[Screen, ...] = (
    shows(CustomerShown, card),
    shows(CustomerOrdersListed, orders),
)
"""The console's screens about one customer, by the result they show."""
