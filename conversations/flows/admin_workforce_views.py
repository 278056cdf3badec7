"""The admin console's answers about who does the work: a transfer started (``/transfer``)
and a worker marked as left (``/leave``)."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, tr
from conversations.replies import Say
from conversations.results.workforce import TransferStarted, WorkerLeft
from conversations.state import Conversation
from domain.money import format_yuan


def transfer_started(ctx: Ctx, conv: Conversation, r: TransferStarted) -> Outcome:
    if r.offered_to is None:
        text = tr(
            conv,
            "#{number} 附近暂无空闲师傅可接,仍由师傅 {from_worker_id} 负责;可用 /reassign 改派。",
            number=r.number,
            from_worker_id=r.from_worker_id,
        )
    else:
        text = tr(
            conv,
            "已将 #{number} 转单给师傅 {worker_id}(等待接单);接单前仍由师傅 {from_worker_id}"
            " 负责,接单后其获得转单补偿。",
            number=r.number,
            worker_id=r.offered_to,
            from_worker_id=r.from_worker_id,
        )
    return Outcome([Say(text)])


def worker_left(ctx: Ctx, conv: Conversation, r: WorkerLeft) -> Outcome:
    when = moment(ctx, conv, r.release_at, clock=False)
    text = tr(
        conv,
        "师傅 {worker_id} {name} 已离职;保证金 {amount} 将于 {when} 起(无未处理投诉时)退回余额。",
        worker_id=r.worker_id,
        name=r.name,
        amount=format_yuan(r.deposit_cents),
        when=when,
    )
    return Outcome([Say(text)])


SCREENS: tuple[Screen, ...] = (
    shows(TransferStarted, transfer_started),
    shows(WorkerLeft, worker_left),
)
