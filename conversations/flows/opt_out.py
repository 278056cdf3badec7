"""退订 / 订阅 anywhere: a customer stops (or resumes) marketing messages — campaigns and
broadcasts — by a word or ``/unsubscribe`` / ``/subscribe`` in any state. Order notices are
not marketing and keep coming; a campaign's coupon still lands in 我的."""

from __future__ import annotations

from conversations.flows.base import Outcome, tr
from conversations.replies import Say
from conversations.state import Conversation
from domain import commands as c

COMMANDS = {"unsubscribe": False, "subscribe": True}
"""Slash commands (and the same words without the slash): whether they subscribe."""
WORDS = {
    **COMMANDS,
    "退订": False,
    "取消订阅": False,
    "退订优惠": False,
    "stop offers": False,
    "订阅": True,
    "恢复订阅": True,
    "订阅优惠": True,
}
"""Whole messages (casefolded) understood in every state."""


def answer(conv: Conversation, subscribed: bool) -> Outcome:
    if conv.customer_id is None:
        return Outcome([Say(tr(conv, "您还不是我们的客户,不会收到优惠消息。"))], reask=True)
    if subscribed:
        said = tr(conv, "已恢复接收优惠和活动消息。发送「退订」可随时停止。")
    else:
        said = tr(
            conv,
            "已退订优惠和活动消息。订单通知照常发送;活动券仍会放入「我的」。发送「订阅」可恢复。",
        )
    return Outcome(
        [Say(said)], commands=[c.SetMarketing(conv.customer_id, subscribed)], reask=True
    )
