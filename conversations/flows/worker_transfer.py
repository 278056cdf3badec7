"""转单 (a worker hands an accepted job over): the job is checked first (``CheckTransfer``:
theirs, not set off yet, not being handed over already), then the worker is asked to confirm —
told that it stays theirs until another worker accepts it, and what they earn then. 取消
changes nothing; 确定 offers it to a nearby idle worker (``RequestTransfer``), and the jobs
menu shows it as being handed over (转单中) until someone takes it."""

from __future__ import annotations

from conversations.events import ChoiceMade
from conversations.flows import worker_views as views
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.worker_state import (
    NO,
    YES,
    Step,
    WorkerData,
    keep_data,
    me,
    number_of,
    restart,
)
from conversations.replies import Say
from conversations.results.workers import TransferOpen
from conversations.state import Conversation
from domain import commands as c
from domain import queries as q


def start(conv: Conversation, number: int) -> Outcome:
    """转单 #N: the job checked before anything is asked (or changed)."""
    keep_data(conv, WorkerData(number))
    return Outcome(commands=[q.CheckTransfer(me(conv), number)], step=Step.TRANSFER_CONFIRM)


def ask(conv: Conversation) -> Outcome:
    """The confirmation again: the job checked again (it may have moved on meanwhile)."""
    number = number_of(conv)
    if number is None:
        return restart()
    return Outcome(commands=[q.CheckTransfer(me(conv), number)])


def on_open(ctx: Ctx, conv: Conversation, result: TransferOpen) -> Outcome:
    if number_of(conv) != result.number:
        return restart()
    return Outcome([views.transfer_question(ctx, conv, result)])


def on_answer(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    if event.key == YES:
        keep_data(conv, WorkerData())
        return Outcome(commands=[c.RequestTransfer(me(conv), number)], step=Step.ACTION)
    if event.key == NO:
        keep_data(conv, WorkerData())
        kept = tr(conv, "好的,没有转单,#{n} 仍由您负责。", n=number)
        return Outcome([Say(kept)], step=Step.MENU, reask=True)
    return Outcome(reask=True)
