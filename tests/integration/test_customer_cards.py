"""What an admin reads of one customer (``Customers.card``, ``/customer`` and ``/orders
PHONE``), on SQLite and PostgreSQL: their orders counted as ``/stats`` counts them (a quote is
no order; served is what reached 服务完成, refunded since or not; cancelled the rest that
ended cancelled or refunded), their open complaints, their channels once each, the other
customers with their number, their level's spend and their latest orders newest first — in
one statement."""

from __future__ import annotations

from datetime import timedelta

from domain.aftersales import Complaint, ComplaintStatus
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import SYSTEM, Actor, Order
from domain.people import Channel, Customer, Identity, Worker, WorkerStatus
from domain.rules import ComplaintCategory
from tests import random_refs
from tests.integration.test_new_customers import Statements
from tests.integration.test_repositories import NOW, new_customer, new_order

A = Action
PATHS = {
    "quoted": (),
    "waiting": (A.REQUEST_PAYMENT, A.PAY, A.DISPATCH),
    "settled": (A.REQUEST_PAYMENT, A.PAY, A.DISPATCH, A.ACCEPT)
    + (A.DEPART, A.ARRIVE, A.START, A.FINISH, A.CONFIRM, A.SETTLE),
    "served_then_refunded": (A.REQUEST_PAYMENT, A.PAY, A.DISPATCH, A.ACCEPT)
    + (A.DEPART, A.ARRIVE, A.START, A.FINISH, A.REFUND),
    "cancelled": (A.REQUEST_PAYMENT, A.PAY, A.CANCEL),
    "refunded_unserved": (A.REQUEST_PAYMENT, A.PAY, A.CANCEL, A.REFUND),
}
"""Each order's way, in the order they are placed (a minute apart)."""
WHO = {
    A.REQUEST_PAYMENT: ActorKind.CUSTOMER,
    A.CANCEL: ActorKind.CUSTOMER,
    A.ACCEPT: ActorKind.WORKER,
    A.DEPART: ActorKind.WORKER,
    A.ARRIVE: ActorKind.WORKER,
    A.START: ActorKind.WORKER,
    A.FINISH: ActorKind.WORKER,
    A.CONFIRM: ActorKind.CUSTOMER,
}


async def _orders(database, customer, worker_id: int) -> dict[str, Order]:
    made = {}
    for i, (fate, path) in enumerate(PATHS.items()):
        order = await new_order(database, customer)
        at = NOW + timedelta(minutes=i)
        async with database.uow() as uow:
            o = await uow.orders.get(order.id)
            o.created_at = at
            for action in path:
                if action == A.ACCEPT:
                    o.worker_id = worker_id
                kind = WHO.get(action, ActorKind.SYSTEM)
                actor = SYSTEM if kind == ActorKind.SYSTEM else Actor(kind, "1")
                o.apply(action, actor, at)
            if A.PAY in path:
                o.paid_cents = o.total_cents
            if A.REFUND in path:
                o.refunded_cents = o.paid_cents
            await uow.orders.save(o, at)
            await uow.commit()
        made[fate] = o
    return made


async def test_a_customers_card_counts_their_orders_as_stats_does_in_one_statement(database):
    customer = await new_customer(database)
    async with database.uow() as uow:  # another account of the same number
        twin = await uow.customers.add(Customer(created_at=NOW, phone=customer.phone))
        await uow.commit()
    alone = await new_customer(database)
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name="李师傅",
                phone=random_refs.phone(),
                created_at=NOW,
                status=WorkerStatus.APPROVED,
                skills=("cleaning",),
            )
        )
        for channel in (Channel.WECHAT, Channel.TELEGRAM, Channel.WECHAT):
            account = Identity(channel, random_refs.user_id(), customer.id, None)
            await uow.identities.add(account)
        await uow.commit()
    orders = await _orders(database, customer, worker.id)
    async with database.uow() as uow:
        for order, status in (
            (orders["settled"], ComplaintStatus.OPEN),
            (orders["cancelled"], None),
        ):
            filed = await uow.complaints.add(
                Complaint(order.id, customer.id, ComplaintCategory.OTHER, NOW, "太慢")
            )
            if status is None:  # one decided: not open
                filed.status, filed.resolved_at = ComplaintStatus.RESOLVED, NOW
                await uow.complaints.save(filed)
        await uow.commit()

    seen = Statements(database)
    try:
        async with database.uow() as uow:
            card = await uow.customers.card(customer, NOW - timedelta(days=1), 3)
            read = seen.count
    finally:
        seen.close()
    if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
        assert read == 1
    assert card.customer == customer
    assert (card.orders, card.served, card.cancelled) == (5, 2, 2)  # the quote is none
    assert card.complaints_open == 1 and card.others_with_phone == 1
    assert card.channels == ("wechat", "telegram")
    assert card.spend == orders["settled"].total_cents  # served and kept: the level's
    newest = [orders[f] for f in ("refunded_unserved", "cancelled", "served_then_refunded")]
    assert [o.number for o in card.latest] == [o.number for o in newest]
    served = card.latest[2]
    assert (served.status, served.worker, served.district) == ("refunded", "李师傅", "徐汇区")
    assert served.item_id == "daily_cleaning" and served.total_cents == newest[2].total_cents
    assert served.start_at == newest[2].start_at

    async with database.uow() as uow:
        assert (await uow.customers.by_phone(customer.phone)).id == customer.id  # the first
        later = await uow.customers.card(customer, NOW + timedelta(days=1), 10)
        other = await uow.customers.card(twin, NOW, 10)
        nothing = await uow.customers.card(alone, NOW, 10)
    assert later.spend == 0  # placed before the window
    assert [o.status for o in later.latest] == [s.value for s in reversed(_statuses(orders))]
    assert (other.orders, other.others_with_phone, other.latest) == (0, 1, ())
    assert (nothing.orders, nothing.others_with_phone, nothing.channels) == (0, 0, ())


def _statuses(orders: dict[str, Order]) -> list[OrderStatus]:
    """The placed orders' statuses, oldest first (the quote left out)."""
    return [o.status for fate, o in orders.items() if fate != "quoted"]
