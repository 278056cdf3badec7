"""What a worker sees: their jobs (offers open to them, jobs under way, a hand-over under
way), whether a job may be handed over, the customers a plain text of theirs answers, their
earnings and their payout account (masked).

Query functions (cosmicpython ``views.py``): see ``views.customer``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from conversations.results.relay import ReplyTarget, ReplyTargets
from conversations.results.workers import (
    EarningsShown,
    JobOpen,
    JobsShown,
    LiveJobView,
    OfferView,
    PayoutAccountShown,
    TransferOpen,
)
from conversations.services import deposits, settlement
from conversations.services.job_photos import check_photo, check_photo_of_some_kind
from conversations.services.job_steps import check_depart_open, check_in_open, own_job
from conversations.services.rating_steps import check_not_rated
from conversations.services.relay_desk import booking_name
from conversations.services.worker_jobs import phone_to_call
from domain import relay
from domain.aftersales import Rater, check_rateable
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.ledger import worker_payable
from domain.lifecycle import OrderStatus
from domain.media import PhotoKind
from domain.money import apply_rate
from domain.offers import transfer_pending
from domain.people import Channel
from domain.ports import Reads
from domain.privacy import masked_address
from domain.queries import (
    CheckJob,
    CheckTransfer,
    FindReplyTargets,
    LoadEarnings,
    LoadJobs,
    LoadPayoutAccount,
)
from domain.rules import Rules
from domain.surcharge import check_during_job
from domain.text import N_, Bilingual

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


async def jobs(uow: Reads, q: LoadJobs, *, catalog: Catalog) -> JobsShown:
    """Offers open to the worker (address masked) and their jobs under way (in full)."""
    worker = await uow.workers.get(q.worker_id)
    offered = []
    for o in await uow.offers.open_for_worker(q.worker_id):
        order = await uow.orders.get(o.order_id, full=False)
        if order is None:
            continue
        address = await uow.addresses.get(order.address_id) if order.address_id else None
        where = masked_address(address.text, address.district) if address else Bilingual("—", "—")
        item = catalog.item(order.item_id).name
        offered.append(OfferView(order.number, item, order.start_at, where, o.earn_cents))
    live = []
    for order in await uow.orders.for_worker(q.worker_id, LIVE):
        address = await uow.addresses.get(order.address_id) if order.address_id else None
        customer = await uow.customers.get(order.customer_id)
        transferring = order.status == OrderStatus.ACCEPTED and transfer_pending(
            await uow.offers.for_order(order.id or 0)
        )
        live.append(
            LiveJobView(
                order.number,
                catalog.item(order.item_id).name,
                order.start_at,
                order.status,
                address.text if address else "—",
                phone_to_call(address, customer),
                order.notes,
                catalog.item(order.item_id).stages,
                order.stage,
                order.item_id,
                order.asap,
                transferring,
            )
        )
    return JobsShown(
        worker.status if worker else None,
        bool(worker and worker.online),
        tuple(offered),
        tuple(live),
    )


async def job_open(
    uow: Reads, q: CheckJob, *, rules: Rules, clock: Callable[[], datetime]
) -> JobOpen:
    """``JobOpen``, or DomainError saying why not — by the checks the step makes again in its
    own transaction, so nobody shares a location, sends photos or gives stars to be told at
    the end that the order is not theirs or not there yet. First the job is theirs
    (``own_job``: one answer for another worker's order and for none)."""
    order = await own_job(uow, q.worker_id, q.number)
    if q.action == "checkin":
        check_in_open(order, rules, clock())
    elif q.action == "onway":
        check_depart_open(order, rules, clock())
    elif q.action == "photo" and q.kind:
        check_photo(order, PhotoKind(q.kind))
    elif q.action == "photo":  # the kind not said yet: ready for one of before or after
        check_photo_of_some_kind(order)
    elif q.action == "surcharge":
        check_during_job(order.status)
    elif q.action == "rate_customer":
        check_rateable(Rater.WORKER, order.status, q.number)
        await check_not_rated(uow, Rater.WORKER, order)
    return JobOpen(q.number, q.action, order.item_id)


async def transfer_open(uow: Reads, q: CheckTransfer, *, rules: Rules) -> TransferOpen:
    """``TransferOpen`` — with what the worker earns when someone takes the job — or
    DomainError saying why not: not theirs (``own_job``'s one answer), no longer only
    accepted (set off, started), or handed over already (a transfer offer open)."""
    order = await own_job(uow, q.worker_id, q.number)
    if order.status != OrderStatus.ACCEPTED or order.id is None:
        raise DomainError(N_("订单 #{number} 现在不能转单", number=order.number))
    if transfer_pending(await uow.offers.for_order(order.id)):
        raise DomainError(
            N_(
                "#{number} 正在转单,等待附近的师傅接单;有人接单后会通知您。"
                "要收回请发送「取消转单 #{number}」。",
                number=order.number,
            )
        )
    bp = rules.dispatch.transfer_compensation_bp
    return TransferOpen(order.number, apply_rate(order.total_cents, bp))


async def reply_targets(
    uow: Reads,
    q: FindReplyTargets,
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
) -> ReplyTargets:
    """The worker's jobs a plain text of theirs answers (``relay.answers_customer``: the
    customer wrote within ``relay_reply_minutes``, the relay open), the latest first."""
    ex, now = rules.execution, clock()
    if ex.relay_reply_minutes <= 0:
        return ReplyTargets(())
    since = now - timedelta(minutes=ex.relay_reply_minutes)
    targets = []
    for order_id, at in await uow.relay.wrote_to(q.worker_id, since):
        order = await uow.orders.get(order_id)
        if order is None or order.worker_id != q.worker_id:
            continue
        minutes, hours = ex.relay_reply_minutes, ex.relay_open_hours_after_end
        if not relay.answers_customer(order, at, now, minutes, hours):
            continue
        item = catalog.item(order.item_id).name
        name = await booking_name(uow, order)
        targets.append(ReplyTarget(order.number, item, order.start_at, name))
    return ReplyTargets(tuple(targets))


async def earnings(
    uow: Reads, q: LoadEarnings, *, rules: Rules, clock: Callable[[], datetime]
) -> EarningsShown:
    """Jobs done, what the worker is owed, and how much of it they may withdraw now."""
    done = await uow.orders.for_worker(
        q.worker_id, [OrderStatus.CONFIRMED, OrderStatus.SETTLED], limit=500
    )
    owed = -await uow.ledger.balance(worker_payable(q.worker_id))
    free = await settlement.withdrawable(uow, rules, q.worker_id, clock())
    after_days = rules.settlement.withdraw_after_days
    worker = await uow.workers.get(q.worker_id)
    deposit = await deposits.standing(uow, rules, worker) if worker else None
    return EarningsShown(
        len(done),
        owed,
        free,
        after_days,
        deposit.held if deposit else 0,
        deposit.target if deposit else 0,
    )


async def payout_account(uow: Reads, q: LoadPayoutAccount) -> PayoutAccountShown:
    """The worker's payout account as they may see it: masked; and their registered name,
    which a bank card must be in."""
    account = await uow.payout_accounts.get(q.worker_id)
    wechat = any(i.channel == Channel.WECHAT for i in await uow.identities.of_worker(q.worker_id))
    worker = await uow.workers.get(q.worker_id)
    owner = worker.name if worker else ""
    return PayoutAccountShown(account.masked() if account else None, wechat, owner)
