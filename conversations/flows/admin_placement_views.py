"""The admin console's answers about long placements (``/handover``, ``/terminate``)."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, tr, trn
from conversations.replies import Say
from conversations.results.placements import PlacementHandedOver, PlacementTerminated
from conversations.state import Conversation
from domain.money import format_yuan


def handed_over(ctx: Ctx, conv: Conversation, r: PlacementHandedOver) -> Outcome:
    said = tr(
        conv,
        "#{number} 从 {on} 起由师傅 {to_worker_id} {to_name} 接手(原师傅 {from_worker_id}),"
        "本期服务费按天数分给两位师傅;客户和双方已通知。",
        number=r.number,
        on=moment(ctx, conv, r.on, clock=False),
        to_worker_id=r.to_worker_id,
        to_name=r.to_name,
        from_worker_id=r.from_worker_id,
    )
    return Outcome([Say(said)])


def terminated(ctx: Ctx, conv: Conversation, r: PlacementTerminated) -> Outcome:
    said = trn(
        conv,
        "#{number} 的合同于 {on} 提前终止:已服务 {days} 天,提前终止费 {fee},退还客户 {refund}"
        "(原路退回);已服务的部分已结算,客户和师傅已通知。",
        "#{number} 的合同于 {on} 提前终止:已服务 {days} 天,提前终止费 {fee},退还客户 {refund}"
        "(原路退回);已服务的部分已结算,客户和师傅已通知。",
        r.used_days,
        number=r.number,
        on=moment(ctx, conv, r.on, clock=False),
        days=r.used_days,
        fee=format_yuan(r.fee_cents),
        refund=format_yuan(r.refund_cents),
    )
    return Outcome([Say(said)])


SCREENS: tuple[Screen, ...] = (
    shows(PlacementHandedOver, handed_over),
    shows(PlacementTerminated, terminated),
)
