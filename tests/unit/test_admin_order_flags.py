"""``/orders``' count of the orders needing someone is the number there are, or says there
are more than it read — never the number it happened to read (it read 50 and said 50 when
131 orders waited for a worker)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.services.views import admin as views
from domain.oversight import Attention, Flag
from domain.queries import ListOrders
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)


class Reports:
    def __init__(self, stuck: int) -> None:
        self.stuck = stuck

    async def flagged(self, now, accept_within, respond_within, limit=50, starting=None):
        n = min(self.stuck, limit)
        return [
            Flag(240000 + i, Attention.NO_WORKER, now - timedelta(minutes=9)) for i in range(n)
        ]

    async def orders(self, statuses, start, end, limit=30, booked=None):
        return 0, []


class Uow:
    def __init__(self, stuck: int) -> None:
        self.admin_reports = Reports(stuck)


class Admins:
    async def role_in(self, uow, channel, user_id):
        return "owner"


async def listed(stuck: int):
    q = ListOrders("telegram:1", "owner", stuck_only=True)
    return await views.orders(
        Uow(stuck),  # type: ignore[arg-type]
        q,
        admins=Admins(),  # type: ignore[arg-type]
        catalog=CATALOG,
        rules=RULES,
        clock=lambda: NOW,
        tz=ZoneInfo("Asia/Shanghai"),
    )


async def test_the_count_is_the_orders_there_are_past_fifty():
    r = await listed(131)
    assert len(r.flags) == 131 and not r.flags_more


async def test_past_what_is_read_it_says_there_are_more():
    r = await listed(views.FLAGS_READ + 40)
    assert len(r.flags) == views.FLAGS_READ and r.flags_more
    r = await listed(views.FLAGS_READ)
    assert len(r.flags) == views.FLAGS_READ and not r.flags_more
