"""The offer a payment makes: the order as the payment credited it (read without its quote
lines) is offered at the worker's share of its service lines, on SQLite and PostgreSQL."""

from domain.settlement import service_value, worker_share
from tests.e2e.helpers import (
    HOME,
    STACKING,
    TelegramUser,
    book_and_pay,
    make_app,
    on_telegram,
    seed_worker,
)
from webhooks.keys import DATABASE


async def test_a_paid_order_is_offered_at_the_workers_share_of_its_service_lines(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """The payment's order is offered as credited (read without its quote lines): the
    worker's earnings still come from the lines, not from the discounted total."""
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    worker_id = await seed_worker(app, channel="telegram", user_id="600301", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600302))
    await offered_at_the_share_of_the_lines(app, number, worker_id)


async def offered_at_the_share_of_the_lines(app, number: int, worker_id: int) -> None:
    """Order ``number``'s one offer is to ``worker_id`` at their share of its service lines,
    which are worth more than its (first-order discounted) total."""
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [offer] = await uow.offers.for_order(order.id)
        worker = await uow.workers.get(worker_id)
    value = service_value(order.lines)
    assert value > order.total_cents  # the first order's discount is the platform's
    assert offer.worker_id == worker_id
    assert offer.earn_cents == worker_share(value, worker.level, STACKING.settlement)
